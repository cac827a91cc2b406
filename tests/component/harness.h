/* SPDX-License-Identifier: MIT */
/* Shared setup for the component scenario tests: an actor system, an engine,
 * a host with the test guests defined, and a native "witness" actor that
 * records what components send it. Header-only, included by one test each. */
#ifndef WACTOR_TESTS_COMPONENT_HARNESS_H
#define WACTOR_TESTS_COMPONENT_HARNESS_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/component.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* ---- the witness: a native actor that records messages ------------------------ */
typedef struct witness_log {
    pthread_mutex_t m;
    char texts[256][128]; /* raw bodies as text */
    wr_id from[256];
    uint64_t at[256]; /* wb_now_ns() on arrival */
    int n;
} witness_log;

static witness_log g_witness = {.m = PTHREAD_MUTEX_INITIALIZER};

static inline wr_turn witness_handle(wr_ctx *ctx, const wr_msg *msg) {
    size_t len = 0;
    const uint8_t *b = wr_msg_bytes(msg, &len);
    pthread_mutex_lock(&g_witness.m);
    if (g_witness.n < 256) {
        size_t off = len ? 1 : 0; /* raw prefix 0x55 */
        snprintf(g_witness.texts[g_witness.n], 128, "%.*s", (int)(len - off), (const char *)b + off);
        g_witness.from[g_witness.n] = msg->from;
        g_witness.at[g_witness.n] = wb_now_ns();
        g_witness.n++;
    }
    pthread_mutex_unlock(&g_witness.m);
    if (msg->kind == WR_MSG_REQUEST) {
        wb_error err;
        wr_ctx_reply(ctx, msg, WC_REPLY_OK, b, len, &err);
    }
    return WR_OK;
}

static inline int witness_count(void) {
    pthread_mutex_lock(&g_witness.m);
    int n = g_witness.n;
    pthread_mutex_unlock(&g_witness.m);
    return n;
}

/* Waits until the witness holds at least n messages (or 10 s pass). */
static inline bool witness_wait(int n) {
    for (int i = 0; i < 10000 && witness_count() < n; i++) wb_sleep_ns(MS);
    return witness_count() >= n;
}

static inline wr_id witness_start(wr_system *sys) {
    static const wr_actor_spec spec = {.name = "witness", .handle = witness_handle};
    pthread_mutex_lock(&g_witness.m);
    g_witness.n = 0;
    pthread_mutex_unlock(&g_witness.m);
    wr_id id = 0;
    wb_error err;
    assert_int_equal(wr_spawn(sys, &spec, NULL, &id, &err), WB_OK);
    assert_int_equal(wr_register(sys, "witness", id, &err), WB_OK);
    return id;
}

/* ---- system + engine + host --------------------------------------------------- */
typedef struct harness {
    wr_system *sys;
    wa_engine *engine;
    wc_host *host;
} harness;

static inline void guest_path(char *buf, size_t cap, const char *guest) {
    snprintf(buf, cap, "%s/component/%s.wasm", WACTOR_TEST_DATA, guest);
}

static inline void harness_open(harness *t, unsigned workers) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    wb_error err;
    assert_int_equal(wr_system_new(&cfg, &t->sys, &err), WB_OK);
    t->engine = wa_engine_new(NULL);
    assert_non_null(t->engine);
    wc_host_config hc = {.sys = t->sys, .engine = t->engine};
    assert_int_equal(wc_host_new(&hc, &t->host, &err), WB_OK);
}

static inline void harness_close(harness *t) {
    wr_system_shutdown(t->sys, 5 * SEC);
    wr_system_free(t->sys);
    wc_host_free(t->host);
    wa_engine_free(t->engine);
}

/* Defines `def` from tests/component/guests/<guest>.c with caps (may be NULL). */
static inline void define_guest(harness *t, const char *def, const char *guest, const wc_caps *caps) {
    char path[512];
    guest_path(path, sizeof path, guest);
    wb_error err;
    wb_status st = wc_host_define_file(t->host, def, path, caps, &err);
    if (st != WB_OK) fail_msg("define %s: %s", def, err.msg);
}

static inline wr_id spawn_ok(harness *t, const char *def, const char *name) {
    wr_id id = 0;
    wb_error err;
    wb_status st = wc_spawn(t->host, def, name, &id, &err);
    if (st != WB_OK) fail_msg("spawn %s: %s", name, err.msg);
    return id;
}

/* Copies text into out, cut to cap (truncation is fine for test messages). */
static inline void put_text(char *out, size_t cap, const char *text) {
    size_t n = strlen(text);
    if (n >= cap) n = cap - 1;
    memcpy(out, text, n);
    out[n] = 0;
}

/* A raw-text request; the reply (or error) comes back as text in out. */
static inline bool ask(harness *t, wr_id to, const char *text, uint64_t timeout_ns, char *out, size_t cap) {
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wc_reply r;
    wb_error err;
    char tmp[512];
    wb_status st = wc_request(t->host, to, p->data, p->len, timeout_ns, &r, &err);
    wb_buf_unref(p);
    if (st != WB_OK) {
        snprintf(tmp, sizeof tmp, "status %s: %s", wb_status_name(st), err.msg);
        put_text(out, cap, tmp);
        return false;
    }
    if (r.ok) {
        size_t n = r.payload ? r.payload->len : 0;
        size_t off = n ? 1 : 0;
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n - off), r.payload ? (const char *)r.payload->data + off : "");
    } else {
        snprintf(tmp, sizeof tmp, "error %d: %s", r.code, r.reason);
    }
    put_text(out, cap, tmp);
    bool ok = r.ok;
    wc_reply_close(&r);
    return ok;
}

static inline wc_state state_of(harness *t, const char *name) {
    wc_info info;
    if (wc_info_get(t->host, name, &info) != WB_OK) return WC_STATE_COUNT_;
    return info.state;
}

/* Waits until `name` is Ready and registered; its id (0 after 10 s). */
static inline wr_id wait_ready(harness *t, const char *name) {
    for (int i = 0; i < 10000; i++) {
        wr_id id = wr_lookup(t->sys, name);
        if (id && state_of(t, name) == WC_STATE_READY) return id;
        wb_sleep_ns(MS);
    }
    return 0;
}

/* Waits until `name` has a live incarnation other than `old` that is Ready. */
static inline wr_id wait_restarted(harness *t, const char *name, wr_id old) {
    for (int i = 0; i < 10000; i++) {
        wc_info info;
        if (wc_info_get(t->host, name, &info) == WB_OK && info.id && info.id != old &&
            info.state == WC_STATE_READY && wr_lookup(t->sys, name) == info.id)
            return info.id;
        wb_sleep_ns(MS);
    }
    return 0;
}

#endif
