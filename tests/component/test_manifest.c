/* SPDX-License-Identifier: MIT */
/* Manifest parsing: every field, defaults, and errors with line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <cmocka.h>

#include "wactor/component.h"

static const char full[] =
    "name: demo\n"
    "workers: 2\n"
    "duration: 10\n"
    "topics: [metrics.cpu, jobs]\n"
    "supervisors:\n"
    "  - name: root\n"
    "    strategy: one_for_one\n"
    "    intensity: 3\n"
    "    period_ms: 5000\n"
    "  - name: pool\n"
    "    parent: root\n"
    "    strategy: rest_for_one\n"
    "components:\n"
    "  - name: worker\n"
    "    wasm: components/worker.wasm\n"
    "    instances: 3\n"
    "    supervisor: pool\n"
    "    restart: transient\n"
    "    shutdown_ms: 250\n"
    "    limits:\n"
    "      memory_pages: 64\n"
    "      fuel_per_message: 1000000\n"
    "      fuel_total: 50000000\n"
    "      fuel_slice: 5000\n"
    "      mailbox: 100\n"
    "      mailbox_policy: drop_oldest\n"
    "      max_payload: 65536\n"
    "      send_rate: 50\n"
    "    capabilities:\n"
    "      send: [aggregator, \"worker.*\"]\n"
    "      publish: metrics.#\n"
    "      subscribe: [jobs]\n"
    "      spawn: true\n"
    "      wasi: [fd_write]\n"
    "      dirs: [\"/tmp::/data:ro\"]\n"
    "    backoff: {initial_ms: 50, max_ms: 800, multiplier: 3, jitter: 0.2, reset_after_ms: 9000}\n"
    "    health: {interval_ms: 200, timeout_ms: 100, threshold: 2}\n"
    "  - name: aggregator\n"
    "    wasm: /abs/agg.wasm\n"
    "messages:\n"
    "  - to: worker\n"
    "    payload: start\n"
    "  - to: aggregator\n"
    "    codec: json\n"
    "    payload: '{\"n\": 1}'\n"
    "    after_ms: 100\n"
    "    every_ms: 1000\n";

static void parses_everything(void **state) {
    (void)state;
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_parse(full, strlen(full), "/apps", &m, &err), WB_OK);
    assert_string_equal(m->name, "demo");
    assert_int_equal(m->workers, 2);
    assert_int_equal(m->duration_s, 10);
    assert_string_equal(m->topics[1], "jobs");
    assert_null(m->topics[2]);
    assert_int_equal(m->nsupervisors, 2);
    assert_int_equal(m->supervisors[0].intensity, 3);
    assert_int_equal(m->supervisors[1].strategy, WC_REST_FOR_ONE);
    assert_string_equal(m->supervisors[1].parent, "root");
    assert_int_equal(m->supervisors[1].intensity, 5); /* default */
    assert_int_equal(m->ncomponents, 2);
    const wc_component_spec *w = wc_manifest_component(m, "worker");
    assert_non_null(w);
    assert_string_equal(w->wasm, "/apps/components/worker.wasm");
    assert_int_equal(w->instances, 3);
    assert_string_equal(w->supervisor, "pool");
    assert_int_equal(w->restart, WC_RESTART_TRANSIENT);
    assert_int_equal(w->shutdown_ms, 250);
    assert_int_equal(w->caps.limits.max_memory_pages, 64);
    assert_int_equal(w->caps.limits.fuel_per_message, 1000000);
    assert_int_equal(w->caps.limits.fuel_total, 50000000);
    assert_int_equal(w->caps.limits.fuel_slice, 5000);
    assert_int_equal(w->caps.limits.mailbox_capacity, 100);
    assert_int_equal(w->caps.limits.mailbox_policy, WC_MAILBOX_DROP_OLDEST);
    assert_int_equal(w->caps.limits.max_payload, 65536);
    assert_int_equal(w->caps.limits.send_rate, 50);
    assert_int_equal(w->caps.limits.send_burst, 50);
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SEND, "worker.2"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SEND, "aggregator"));
    assert_false(wc_caps_permits(&w->caps, WC_CAP_SEND, "producer"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_PUBLISH, "metrics.cpu"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SUBSCRIBE, "jobs"));
    assert_true(w->caps.spawn);
    assert_true(wc_caps_wasi_granted(&w->caps, "fd_write"));
    assert_false(wc_caps_wasi_granted(&w->caps, "path_open"));
    assert_string_equal(w->caps.dirs[0], "/tmp::/data:ro");
    assert_int_equal(w->backoff.initial_ms, 50);
    assert_int_equal(w->backoff.max_ms, 800);
    assert_true(w->backoff.multiplier == 3.0);
    assert_true(w->backoff.jitter > 0.19 && w->backoff.jitter < 0.21);
    assert_int_equal(w->backoff.reset_after_ms, 9000);
    assert_int_equal(w->health.interval_ms, 200);
    assert_int_equal(w->health.threshold, 2);
    const wc_component_spec *a = wc_manifest_component(m, "aggregator");
    assert_string_equal(a->wasm, "/abs/agg.wasm");
    assert_int_equal(a->instances, 1);
    assert_int_equal(a->restart, WC_RESTART_PERMANENT);
    assert_false(a->caps.spawn);
    assert_null(a->caps.send);
    assert_int_equal(a->caps.limits.max_memory_pages, 256);
    assert_null(wc_manifest_component(m, "nobody"));
    assert_int_equal(m->nmessages, 2);
    assert_string_equal(m->messages[0].to, "worker");
    assert_int_equal(m->messages[0].payload->len, 6); /* 0x55 + "start" */
    assert_int_equal(m->messages[0].payload->data[0], 0x55);
    assert_int_equal(m->messages[1].payload->data[0], 0x80);
    assert_int_equal(m->messages[1].every_ms, 1000);
    wc_manifest_free(m);
}

/* Parses src, expects failure with `needle` in the message. */
static void expect_error(const char *src, const char *needle) {
    wc_manifest *m = (wc_manifest *)1;
    wb_error err;
    wb_error_clear(&err);
    wb_status st = wc_manifest_parse(src, strlen(src), NULL, &m, &err);
    if (st == WB_OK || !strstr(err.msg, needle))
        fail_msg("for %s: status %s, message \"%s\", expected \"%s\"", src, wb_status_name(st),
                 err.msg, needle);
    assert_null(m);
}

static void errors(void **state) {
    (void)state;
    expect_error("name: x\ncolour: red\n", "line 2: unknown key \"colour\"");
    expect_error("components:\n  - name: a\n", "needs \"name\" and \"wasm\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm}\n  - {name: a, wasm: b.wasm}\n",
                 "duplicate component");
    expect_error("components:\n  - {name: a, wasm: a.wasm, restart: sometimes}\n",
                 "unknown value \"sometimes\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm, instances: -1}\n", "non-negative");
    expect_error("components:\n  - {name: a, wasm: a.wasm, instances: 0}\n", "instances");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities: {send: [\"a.#.b\"]}\n",
                 "line 4");
    expect_error("components:\n  - {name: a, wasm: a.wasm, supervisor: nope}\n",
                 "unknown supervisor");
    expect_error("supervisors:\n  - {name: s, parent: t}\n", "unknown parent");
    expect_error("messages:\n  - {to: a, codec: json, payload: '{bad'}\n", "does not parse");
    expect_error("messages:\n  - {to: a, codec: xml}\n", "unknown codec");
    expect_error("workers: [1\n", "line");
    expect_error("", "empty manifest");
    expect_error("- a\n- b\n", "expected a mapping");
    expect_error("components:\n  - {name: a, wasm: a.wasm, backoff: {jitter: 2}}\n", "jitter");
    /* Declared topics: plain topics, and every publish/subscribe grant names one. */
    expect_error("topics: [\"a.*\"]\n", "declared topics have no wildcards");
    expect_error("topics: [jobs]\ncomponents:\n  - name: a\n    wasm: a.wasm\n"
                 "    capabilities: {publish: [metrics.cpu]}\n",
                 "component \"a\": publish \"metrics.cpu\" matches no declared topic");
    expect_error("topics: [jobs, metrics.cpu]\ncomponents:\n  - name: a\n    wasm: a.wasm\n"
                 "    capabilities: {publish: [\"metrics.#\"], subscribe: [\"job.*\"]}\n",
                 "subscribe \"job.*\" matches no declared topic");
}

static void load_file(void **state) {
    (void)state;
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_load("/nonexistent/app.yaml", &m, &err), WB_IO);
    assert_null(m);
    char path[] = "/tmp/wactor-manifest-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "components:\n  - {name: e, wasm: e.wasm}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(wc_manifest_load(path, &m, &err), WB_OK);
    assert_string_equal(m->components[0].wasm, "/tmp/e.wasm");
    wc_manifest_free(m);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_everything),
        cmocka_unit_test(errors),
        cmocka_unit_test(load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
