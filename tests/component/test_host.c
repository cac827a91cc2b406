/* SPDX-License-Identifier: MIT */
/* Component actors end to end with real guests: spawn and registration,
 * echo, state, error results, traps, fuel preemption, memory limits, invoke,
 * health, request/response with suspension, pub/sub, capabilities, shutdown. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

/* 1. spawn registers; duplicates and bad modules change nothing. */
static void spawn_and_register(void **state) {
    (void)state;
    define_guest(&T, "echo", "echo", NULL);
    wr_id id = spawn_ok(&T, "echo", "echo-1");
    assert_true(id != 0);
    assert_int_equal(wr_lookup(T.sys, "echo-1"), id);
    assert_int_equal(state_of(&T, "echo-1"), WC_STATE_READY);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "echo-1", &info), WB_OK);
    assert_int_equal(info.id, id);
    assert_int_equal(info.incarnations, 1);

    wb_error err;
    wr_id id2 = 0;
    assert_int_equal(wc_spawn(T.host, "echo", "echo-1", &id2, &err), WB_EXISTS);
    assert_int_equal(id2, 0);
    assert_int_equal(wr_lookup(T.sys, "echo-1"), id);
    assert_int_equal(state_of(&T, "echo-1"), WC_STATE_READY);

    /* Invalid bytes and a missing handle_message: refused, nothing defined. */
    const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0};
    assert_int_equal(wc_host_define(T.host, "junk", junk, sizeof junk, NULL, &err), WB_MALFORMED);
    assert_int_equal(wc_spawn(T.host, "junk", "junk-1", &id2, &err), WB_NOT_FOUND);
    char path[512];
    guest_path(path, sizeof path, "no_handler");
    assert_int_equal(wc_host_define_file(T.host, "nh", path, NULL, &err), WB_UNLINKABLE);
    assert_non_null(strstr(err.msg, "handle_message"));
    assert_int_equal(wc_spawn(T.host, "nh", "nh-1", &id2, &err), WB_NOT_FOUND);
    assert_int_equal(wr_lookup(T.sys, "nh-1"), 0);
    assert_int_equal(wc_host_define_file(T.host, "echo", path, NULL, &err), WB_EXISTS);
    /* An import the ABI does not have: refused at definition. */
    const uint8_t bad_import[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,       /* header */
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                   /* type: () -> () */
        0x02, 0x0f, 0x01, 0x06, 'w', 'a', 'c', 't', 'o', 'r', /* import wactor.nuke */
        0x04, 'n', 'u', 'k', 'e', 0x00, 0x00};
    assert_int_equal(wc_host_define(T.host, "bad-import", bad_import, sizeof bad_import, NULL, &err),
                     WB_UNLINKABLE);
    assert_non_null(strstr(err.msg, "wactor.nuke"));
    /* The same bytes under another definition share the cached module. */
    size_t before = wc_host_module_count(T.host);
    define_guest(&T, "echo-again", "echo", NULL);
    assert_int_equal(wc_host_module_count(T.host), before);
}

/* 1. an init that refuses: Failed(init failed) with the guest's reason,
 * spawn says why, nothing registered. */
static void init_failure(void **state) {
    (void)state;
    define_guest(&T, "bad-init", "bad_init", NULL);
    wr_id id = 1;
    wb_error err;
    assert_int_equal(wc_spawn(T.host, "bad-init", "bad-init-1", &id, &err), WB_STATE);
    assert_int_equal(id, 0);
    if (!strstr(err.msg, "init failed: init returned 3: no config")) fail_msg("error \"%s\"", err.msg);
    assert_int_equal(wr_lookup(T.sys, "bad-init-1"), 0);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "bad-init-1", &info), WB_OK);
    assert_int_equal(info.state, WC_STATE_FAILED);
    assert_int_equal(info.fail, WC_FAIL_INIT);
    /* Starting -> Failed, as an event. */
    static wc_event ev[4096];
    size_t n = wc_host_events(T.host, ev, 4096), found = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].type == WC_EV_TRANSITION && !strcmp(ev[i].component, "bad-init-1") &&
            ev[i].from == WC_STATE_STARTING && ev[i].to == WC_STATE_FAILED && ev[i].fail == WC_FAIL_INIT)
            found++;
    assert_int_equal(found, 1);
}

/* 2. echo: byte-identical for empty, small and 1 MiB payloads; real sender. */
static void echo_payloads(void **state) {
    (void)state;
    wc_caps caps;
    wc_caps_init(&caps);
    caps.limits.max_payload = 2u << 20;
    caps.limits.max_memory_pages = 256;
    define_guest(&T, "echo-big", "echo", &caps);
    wc_caps_close(&caps);
    wr_id id = spawn_ok(&T, "echo-big", "echo-2");
    const size_t sizes[] = {0, 5, 1u << 20};
    for (size_t i = 0; i < WB_ARRAY_LEN(sizes); i++) {
        wb_buf *p = wb_buf_new(sizes[i]);
        for (size_t k = 0; k < sizes[i]; k++) p->data[k] = (uint8_t)(k * 7 + 3);
        wb_buf *msg = wc_payload_new(WC_CODEC_RAW, p->data, p->len);
        wc_reply r;
        wb_error err;
        assert_int_equal(wc_request(T.host, id, msg->data, msg->len, 10 * SEC, &r, &err), WB_OK);
        if (!r.ok) fail_msg("size %zu: %d %s", sizes[i], r.code, r.reason);
        assert_int_equal(r.payload->len, msg->len);
        assert_memory_equal(r.payload->data, msg->data, msg->len);
        wc_reply_close(&r);
        wb_buf_unref(msg);
        wb_buf_unref(p);
    }
    /* The guest saw the port as sender; an invoke reads it back. */
    wc_reply r;
    wb_error err;
    wb_buf *args = wc_payload_new(WC_CODEC_JSON, "[]", 2);
    assert_int_equal(wc_invoke(T.host, id, "last_kind", args->data, args->len, SEC, &r, &err), WB_OK);
    assert_true(r.ok);
    assert_memory_equal(r.payload->data + 2, "[2]", 3); /* KIND_REQUEST */
    wc_reply_close(&r);
    wb_buf_unref(args);
}

/* 2b. a component's message carries its id: client -> echo, echo's last_sender. */
static void sender_is_real(void **state) {
    (void)state;
    wc_caps caps;
    wc_caps_init(&caps);
    wb_error err;
    assert_int_equal(wc_caps_allow(&caps, WC_CAP_SEND, "echo-3", &err), WB_OK);
    define_guest(&T, "client", "client", &caps);
    wc_caps_close(&caps);
    wr_id echo = spawn_ok(&T, "echo", "echo-3");
    wr_id client = spawn_ok(&T, "client", "client-1");
    char out[256];
    assert_true(ask(&T, client, "request echo-3 2000 hello", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "hello");
    /* The self import gives the same id. */
    char self[64];
    snprintf(self, sizeof self, "ok %llu", (unsigned long long)client);
    assert_true(ask(&T, client, "self", 5 * SEC, out, sizeof out));
    assert_string_equal(out, self);
    wb_buf *args = wc_payload_new(WC_CODEC_JSON, "[]", 2);
    wc_reply r;
    assert_int_equal(wc_invoke(T.host, echo, "last_sender", args->data, args->len, SEC, &r, &err), WB_OK);
    assert_true(r.ok);
    char want[64];
    snprintf(want, sizeof want, "[%llu]", (unsigned long long)client);
    assert_int_equal(r.payload->len - 2, strlen(want));
    assert_memory_equal(r.payload->data + 2, want, strlen(want));
    wc_reply_close(&r);
    wb_buf_unref(args);
}

/* 3 + 4. state persists, instances are independent, error results go on. */
static void counter_state(void **state) {
    (void)state;
    define_guest(&T, "counter", "counter", NULL);
    wr_id a = spawn_ok(&T, "counter", "counter-a");
    wr_id b = spawn_ok(&T, "counter", "counter-b");
    char out[128];
    for (int i = 1; i <= 3; i++) {
        assert_true(ask(&T, a, "tick", SEC * 5, out, sizeof out));
        char want[16];
        snprintf(want, sizeof want, "ok %d", i);
        assert_string_equal(out, want);
    }
    assert_true(ask(&T, b, "tick", SEC * 5, out, sizeof out));
    assert_string_equal(out, "ok 1");
    /* A non-zero result is an error reply; the component goes on. */
    assert_false(ask(&T, a, "bad", SEC * 5, out, sizeof out));
    assert_non_null(strstr(out, "error -13"));
    assert_non_null(strstr(out, "returned 7: bad input"));
    assert_true(ask(&T, a, "tick", SEC * 5, out, sizeof out));
    assert_string_equal(out, "ok 4");
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "counter-a", &info), WB_OK);
    assert_int_equal(info.error_replies, 1);
    assert_int_equal(info.messages, 5);
    assert_int_equal(info.state, WC_STATE_READY);
    assert_true(wc_host_count_events(T.host, WC_EV_ERROR_REPLY, "counter-a") >= 1);
    /* Invoke with arguments in every codec. */
    const struct { wc_codec c; const char *args; size_t len; } calls[] = {
        {WC_CODEC_JSON, "[10]", 4},
        {WC_CODEC_CBOR, "\x81\x0a", 2},
        {WC_CODEC_BORSH, "\x0a\0\0\0\0\0\0\0", 8},
    };
    int64_t expect = 4;
    for (size_t i = 0; i < WB_ARRAY_LEN(calls); i++) {
        wb_buf *p = wc_payload_new(calls[i].c, calls[i].args, calls[i].len);
        wc_reply r;
        wb_error err;
        assert_int_equal(wc_invoke(T.host, a, "add", p->data, p->len, SEC, &r, &err), WB_OK);
        if (!r.ok) fail_msg("%s: %s", wc_codec_name(calls[i].c), r.reason);
        expect += 10;
        wa_value v;
        const wa_valtype t64[] = {WA_I64};
        assert_int_equal(wc_values_from_payload(r.payload->data, r.payload->len, t64, 1, &v, &err), WB_OK);
        assert_int_equal(v.of.i64, expect);
        wc_codec got;
        size_t off;
        wc_payload_split(r.payload->data, r.payload->len, &got, &off, &err);
        assert_int_equal(got, calls[i].c); /* results come back in the caller's codec */
        wc_reply_close(&r);
        wb_buf_unref(p);
    }
    /* Bad invokes: unknown export, wrong arguments, undecodable payload. */
    wb_buf *p = wc_payload_new(WC_CODEC_JSON, "[1, 2]", 6);
    wc_reply r;
    wb_error err;
    assert_int_equal(wc_invoke(T.host, a, "nope", p->data, p->len, SEC, &r, &err), WB_OK);
    assert_false(r.ok);
    assert_int_equal(r.code, WC_NOT_FOUND);
    assert_int_equal(wc_invoke(T.host, a, "add", p->data, p->len, SEC, &r, &err), WB_OK);
    assert_false(r.ok);
    assert_int_equal(r.code, WC_DECODE);
    wb_buf_unref(p);
    const uint8_t unknown[] = {0x70, 1};
    assert_int_equal(wc_invoke(T.host, a, "add", unknown, 2, SEC, &r, &err), WB_OK);
    assert_int_equal(r.code, WC_UNSUPPORTED);
    assert_int_equal(state_of(&T, "counter-a"), WC_STATE_READY);
}

/* 5. each trap kind fails only that component, with its category. */
static void traps_fail_only_the_component(void **state) {
    (void)state;
    define_guest(&T, "crasher", "crasher", NULL);
    const char *cmds[] = {"unreachable", "div0", "oob", "stack"};
    const char *needle[] = {"unreachable", "divide by zero", "out of bounds", "stack"};
    wr_id echo = spawn_ok(&T, "echo", "echo-traps");
    for (size_t i = 0; i < WB_ARRAY_LEN(cmds); i++) {
        char name[32], out[256];
        snprintf(name, sizeof name, "crasher-%s", cmds[i]);
        spawn_ok(&T, "crasher", name);
        assert_false(ask(&T, wr_lookup(T.sys, name), cmds[i], 10 * SEC, out, sizeof out));
        assert_non_null(strstr(out, "component failed: trap"));
        for (int k = 0; k < 2000 && state_of(&T, name) != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
        wc_info info;
        assert_int_equal(wc_info_get(T.host, name, &info), WB_OK);
        assert_int_equal(info.state, WC_STATE_FAILED);
        assert_int_equal(info.fail, WC_FAIL_TRAP);
        if (!strstr(info.reason, needle[i])) fail_msg("%s: reason \"%s\"", cmds[i], info.reason);
        /* Unsupervised: it is gone, its name is free again. */
        for (int k = 0; k < 2000 && wr_lookup(T.sys, name); k++) wb_sleep_ns(MS);
        assert_int_equal(wr_lookup(T.sys, name), 0);
        assert_true(ask(&T, echo, "still here", 5 * SEC, out, sizeof out));
    }
    /* A name freed by a failure can be spawned again, and starts clean. */
    wr_id again = spawn_ok(&T, "crasher", "crasher-div0");
    char out[64];
    assert_true(ask(&T, again, "hello", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok");
    wc_info info;
    wc_info_get(T.host, "crasher-div0", &info);
    assert_int_equal(info.incarnations, 2);
}

/* 6. a runaway loop is preempted: others on the same two workers answer;
 * the fuel limit ends it. A memory bomb stops at its page limit. */
static void runaway_and_memory(void **state) {
    (void)state;
    wc_caps caps;
    wc_caps_init(&caps);
    caps.limits.fuel_per_message = 200000000; /* seconds of interpretation */
    caps.limits.max_memory_pages = 16;
    define_guest(&T, "limited", "crasher", &caps);
    wc_caps_close(&caps);
    wr_id spin1 = spawn_ok(&T, "limited", "spin-1");
    wr_id spin2 = spawn_ok(&T, "limited", "spin-2");
    wr_id echo = spawn_ok(&T, "echo", "echo-spin");
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "spin", 4);
    wb_error err;
    assert_int_equal(wc_send(T.host, spin1, p->data, p->len, &err), WB_OK);
    assert_int_equal(wc_send(T.host, spin2, p->data, p->len, &err), WB_OK);
    wb_buf_unref(p);
    wb_sleep_ns(20 * MS);
    /* Both workers have a spinning component; echo still answers quickly. */
    for (int i = 0; i < 20; i++) {
        char out[64];
        uint64_t t0 = wb_now_ns();
        assert_true(ask(&T, echo, "ping", 5 * SEC, out, sizeof out));
        assert_string_equal(out, "ping");
        assert_true(wb_now_ns() - t0 < 2 * SEC);
    }
    for (int k = 0; k < 60000 && state_of(&T, "spin-1") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "spin-1", &info), WB_OK);
    assert_int_equal(info.state, WC_STATE_FAILED);
    assert_int_equal(info.fail, WC_FAIL_FUEL);
    assert_non_null(strstr(info.reason, "fuel"));

    /* grow: stops at the limit (16 pages, 2 initial) and goes on. */
    wr_id g = spawn_ok(&T, "limited", "grower");
    char out[64];
    assert_true(ask(&T, g, "grow 1", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 14");
    /* bomb: aborts at the limit -> Failed(memory limit). */
    wr_id b = spawn_ok(&T, "limited", "bomber");
    assert_false(ask(&T, b, "bomb 1", 5 * SEC, out, sizeof out));
    for (int k = 0; k < 2000 && state_of(&T, "bomber") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    assert_int_equal(wc_info_get(T.host, "bomber", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_MEMORY);
    /* Another component can still grow past 16 pages (its own limit is 256). */
    wr_id big = spawn_ok(&T, "crasher", "big-grower");
    assert_true(ask(&T, big, "grow 16", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 240");
    (void)spin2;
}

/* 6: the total fuel limit of an instance ends it too, with its category. */
static void total_fuel_limit(void **state) {
    (void)state;
    wc_caps caps;
    wc_caps_init(&caps);
    caps.limits.fuel_total = 5000000;
    define_guest(&T, "fuel-capped", "crasher", &caps);
    wc_caps_close(&caps);
    wr_id id = spawn_ok(&T, "fuel-capped", "capped");
    char out[128];
    assert_true(ask(&T, id, "hello", 5 * SEC, out, sizeof out)); /* small messages are fine */
    assert_false(ask(&T, id, "spin", 30 * SEC, out, sizeof out));
    for (int k = 0; k < 2000 && state_of(&T, "capped") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "capped", &info), WB_OK);
    assert_int_equal(info.state, WC_STATE_FAILED);
    assert_int_equal(info.fail, WC_FAIL_FUEL);
    if (info.fuel_used < 4000000) fail_msg("fuel used %llu", (unsigned long long)info.fuel_used);
}

/* 9 (partly). HealthCheck answers. */
static void health_answers(void **state) {
    (void)state;
    wr_id c = spawn_ok(&T, "counter", "counter-health");
    wc_health h;
    char reason[64];
    wb_error err;
    assert_int_equal(wc_health_check(T.host, c, SEC, &h, reason, sizeof reason, &err), WB_OK);
    assert_int_equal(h, WC_HEALTHY);
    char out[64];
    assert_true(ask(&T, c, "health 1", SEC, out, sizeof out));
    assert_int_equal(wc_health_check(T.host, c, SEC, &h, reason, sizeof reason, &err), WB_OK);
    assert_int_equal(h, WC_DEGRADED);
    assert_string_equal(reason, "slow disk");
    assert_true(ask(&T, c, "health 2", SEC, out, sizeof out));
    assert_int_equal(wc_health_check(T.host, c, SEC, &h, reason, sizeof reason, &err), WB_OK);
    assert_int_equal(h, WC_UNHEALTHY);
    assert_string_equal(reason, "lost quorum");
    /* A component without a health export is Healthy. */
    wr_id e = spawn_ok(&T, "echo", "echo-health");
    assert_int_equal(wc_health_check(T.host, e, SEC, &h, reason, sizeof reason, &err), WB_OK);
    assert_int_equal(h, WC_HEALTHY);
}

/* 10. request/response: timeout, failure while pending, no crossing. */
static void requests(void **state) {
    (void)state;
    wc_caps caps;
    wc_caps_init(&caps);
    wb_error err;
    assert_int_equal(wc_caps_allow(&caps, WC_CAP_SEND, "#", &err), WB_OK);
    define_guest(&T, "client-any", "client", &caps);
    wc_caps_close(&caps);
    wr_id cl = spawn_ok(&T, "client-any", "client-req");
    spawn_ok(&T, "limited", "slow");
    spawn_ok(&T, "crasher", "dies");
    wr_id echo = spawn_ok(&T, "echo", "echo-req");
    char out[256];
    /* The target spins past the timeout: TIMEOUT within deadline+tolerance. */
    wr_system_stats s0;
    wr_system_stats_get(T.sys, &s0);
    uint64_t t0 = wb_now_ns();
    assert_true(ask(&T, cl, "request slow 200 spin", 10 * SEC, out, sizeof out));
    uint64_t dt = wb_now_ns() - t0;
    assert_string_equal(out, "err -4");
    assert_true(dt >= 200 * MS);
    assert_true(dt < 3 * SEC);
    /* The client is usable again right away. */
    assert_true(ask(&T, cl, "request echo-req 2000 again", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "again");
    /* slow ends by its fuel limit; its error reply comes late: dropped, counted. */
    for (int k = 0; k < 60000 && state_of(&T, "slow") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    assert_int_equal(state_of(&T, "slow"), WC_STATE_FAILED);
    wc_info ci;
    for (int k = 0; k < 2000; k++) {
        wc_info_get(T.host, "client-req", &ci);
        if (ci.late_replies > 0) break;
        wb_sleep_ns(MS);
    }
    assert_int_equal(ci.late_replies, 1); /* the requester's late reply, not a dead letter */
    wr_system_stats s1;
    wr_system_stats_get(T.sys, &s1);
    assert_int_equal(s1.dead_letters, s0.dead_letters);
    /* The target dies while the request is pending: an error, at once. */
    t0 = wb_now_ns();
    assert_true(ask(&T, cl, "request dies 20000 unreachable", 10 * SEC, out, sizeof out));
    /* the code and, written to out, the reason (docs/ABI.md `request`) */
    assert_string_equal(out, "err -13: component failed: trap: unreachable");
    assert_true(wb_now_ns() - t0 < 5 * SEC);
    /* A dead id: DEAD at once. */
    assert_true(ask(&T, cl, "request dies 20000 x", 10 * SEC, out, sizeof out));
    assert_true(!strcmp(out, "err -2") || !strcmp(out, "err -6"));
    (void)echo;
}

/* Many concurrent requests from several threads never cross. */
typedef struct asker { wr_id to; int thread; int bad; } asker;

static void *ask_many(void *arg) {
    asker *k = arg;
    for (int i = 0; i < 50; i++) {
        char text[64], out[128];
        snprintf(text, sizeof text, "t%d-m%d", k->thread, i);
        if (!ask(&T, k->to, text, 10 * SEC, out, sizeof out) || strcmp(out, text)) k->bad++;
    }
    return NULL;
}

static void concurrent_requests(void **state) {
    (void)state;
    wr_id echo = spawn_ok(&T, "echo", "echo-conc");
    pthread_t th[6];
    asker k[6];
    for (int i = 0; i < 6; i++) {
        k[i] = (asker){echo, i, 0};
        pthread_create(&th[i], NULL, ask_many, &k[i]);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(k[i].bad, 0);
    }
}

/* receive(): the next message, or the timeout; requests meanwhile get STATE. */
typedef struct recv_call { wr_id to; char out[128]; } recv_call;

static void *do_receive(void *arg) {
    recv_call *r = arg;
    ask(&T, r->to, "receive 5000", 10 * SEC, r->out, sizeof r->out);
    return NULL;
}

static void receive_import(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "client-recv");
    char out[128];
    uint64_t t0 = wb_now_ns();
    assert_true(ask(&T, cl, "receive 100", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "err -4");
    assert_true(wb_now_ns() - t0 >= 100 * MS);
    recv_call r = {.to = cl};
    pthread_t th;
    pthread_create(&th, NULL, do_receive, &r);
    /* Wait until the request is in receive(): a second request is refused. */
    for (int k = 0; k < 5000; k++) {
        ask(&T, cl, "events", SEC, out, sizeof out);
        if (strstr(out, "waiting in receive")) break;
        wb_sleep_ns(MS);
    }
    assert_non_null(strstr(out, "error -10"));
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "ping", 4);
    wb_error err;
    assert_int_equal(wc_send(T.host, cl, p->data, p->len, &err), WB_OK);
    wb_buf_unref(p);
    pthread_join(th, NULL);
    assert_string_equal(r.out, "got ping");
    assert_true(ask(&T, cl, "events", SEC, out, sizeof out)); /* back to normal */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spawn_and_register),
        cmocka_unit_test(init_failure),
        cmocka_unit_test(echo_payloads),
        cmocka_unit_test(sender_is_real),
        cmocka_unit_test(counter_state),
        cmocka_unit_test(traps_fail_only_the_component),
        cmocka_unit_test(runaway_and_memory),
        cmocka_unit_test(total_fuel_limit),
        cmocka_unit_test(health_answers),
        cmocka_unit_test(requests),
        cmocka_unit_test(concurrent_requests),
        cmocka_unit_test(receive_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
