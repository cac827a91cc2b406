/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the YAML manifest parser (wc_manifest_parse, from
 * memory). Must never crash, leak or hang. A rejection leaves *out NULL and
 * says why; an accepted manifest keeps the promises the runner relies on
 * (required fields set, names unique, references resolved, payloads
 * checked), and every byte of it is read so ASan sees bad pointers. */
#include <stdint.h>
#include <string.h>

#include "wactor/component.h"

#define BASE_DIR "/apps"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) __builtin_trap();                                       \
    } while (0)

static size_t touch_str(const char *s) {
    size_t sum = 0;
    for (; s && *s; s++) sum += (unsigned char)*s;
    return sum;
}

static size_t touch_list(char **l) {
    size_t sum = 0;
    for (size_t i = 0; l && l[i]; i++) sum += touch_str(l[i]) + 1;
    return sum;
}

static bool has_sup(const wc_manifest *m, const char *name) {
    for (size_t i = 0; i < m->nsupervisors; i++)
        if (!strcmp(m->supervisors[i].name, name)) return true;
    return false;
}

static size_t check_component(const wc_manifest *m, const wc_component_spec *c) {
    CHECK(c->name && c->wasm && c->instances >= 1);
    CHECK(wc_manifest_component(m, c->name) == c); /* unique */
    CHECK(!c->supervisor || has_sup(m, c->supervisor));
    /* A relative wasm path was resolved against the base directory. */
    CHECK(c->wasm[0] == '/');
    CHECK(c->restart <= WC_RESTART_TEMPORARY);
    CHECK(c->backoff.jitter >= 0 && c->backoff.jitter <= 1);
    const wc_caps *k = &c->caps;
    CHECK(k->limits.max_memory_pages && k->limits.fuel_slice && k->limits.max_payload);
    CHECK(k->limits.mailbox_policy <= WC_MAILBOX_DROP_OLDEST);
    char **lists[3] = {k->send, k->publish, k->subscribe};
    for (int i = 0; i < 3; i++)
        for (size_t j = 0; lists[i] && lists[i][j]; j++)
            CHECK(wc_pattern_check(lists[i][j], NULL) == WB_OK);
    return touch_str(c->name) + touch_str(c->wasm) + touch_str(c->supervisor) +
           touch_list(k->send) + touch_list(k->publish) + touch_list(k->subscribe) +
           touch_list(k->wasi) + touch_list(k->dirs) + c->health.interval_ms + c->shutdown_ms;
}

static size_t check_manifest(const wc_manifest *m) {
    size_t sum = touch_str(m->name) + touch_list(m->topics) + m->workers + m->duration_s;
    CHECK(m->base_dir && !strcmp(m->base_dir, BASE_DIR));
    for (size_t i = 0; i < m->ncomponents; i++) sum += check_component(m, &m->components[i]);
    for (size_t i = 0; i < m->nsupervisors; i++) {
        const wc_supervisor_spec *s = &m->supervisors[i];
        CHECK(s->name && (!s->parent || has_sup(m, s->parent)));
        CHECK(s->strategy <= WC_REST_FOR_ONE);
        sum += touch_str(s->name) + touch_str(s->parent);
    }
    for (size_t i = 0; m->topics && m->topics[i]; i++) CHECK(!strpbrk(m->topics[i], "*#"));
    for (size_t i = 0; i < m->nmessages; i++) {
        const wc_initial_msg *msg = &m->messages[i];
        CHECK(msg->to && msg->payload);
        CHECK(wc_payload_check(msg->payload->data, msg->payload->len, NULL) == WB_OK);
        sum += touch_str(msg->to) + msg->payload->len + msg->every_ms;
    }
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wc_manifest *m = (wc_manifest *)(uintptr_t)1; /* must be overwritten */
    wb_error err;
    wb_error_clear(&err);
    wb_status st = wc_manifest_parse((const char *)data, size, BASE_DIR, &m, &err);
    if (st != WB_OK) {
        CHECK(m == NULL && err.status == st && err.msg[0]);
        return 0;
    }
    CHECK(m != NULL);
    volatile size_t sink = check_manifest(m);
    (void)sink;
    wc_manifest_free(m);
    return 0;
}
