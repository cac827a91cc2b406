/* SPDX-License-Identifier: MIT */
/* Hostile components: a guest that sends to targets that do not exist,
 * passes pointers outside its memory, sends oversize payloads, grows its
 * memory without end, spins in receive, or spawns itself recursively. Each
 * abuse must come back to the guest as an error value (or end the guest
 * with a categorized failure) while the host and other components go on. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    wb_error err;
    wc_caps c;
    wc_caps_init(&c);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "#", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_PUBLISH, "#", &err), WB_OK);
    c.limits.max_payload = 1024;
    c.limits.max_memory_pages = 40;
    c.limits.fuel_per_message = 20 * 1000 * 1000;
    define_guest(&T, "abuse", "hostile_abuse", &c);
    wc_caps_close(&c);
    wc_caps_init(&c);
    c.spawn = true;
    define_guest(&T, "hostile-chain", "hostile_spawner", &c);
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static void answer(wr_id to, const char *cmd, char *out, size_t cap) {
    ask(&T, to, cmd, 20 * SEC, out, cap);
}

/* Parses space-separated integers; returns how many. */
static int codes(const char *s, long *out, int max) {
    int n = 0;
    char *end;
    while (n < max) {
        long v = strtol(s, &end, 10);
        if (end == s) break;
        out[n++] = v;
        s = end;
    }
    return n;
}

static void expect_ready(const char *name) {
    wc_info info;
    assert_int_equal(wc_info_get(T.host, name, &info), WB_OK);
    if (info.state != WC_STATE_READY)
        fail_msg("%s: state %s (%s)", name, wc_state_name(info.state), info.reason);
}

/* Sends and requests to ids nobody has, and a lookup of an unknown name:
 * every one an error code, nothing delivered anywhere. */
static void unknown_targets(void **state) {
    (void)state;
    char out[256];
    wr_id a = spawn_ok(&T, "abuse", "abuse-unknown");
    int before = witness_count();
    answer(a, "unknown", out, sizeof out);
    long c[8];
    assert_int_equal(codes(out, c, 8), 5);
    for (int i = 0; i < 5; i++)
        if (c[i] >= 0) fail_msg("call %d returned %ld: \"%s\"", i, c[i], out);
    assert_int_equal(c[4], -2); /* lookup: NOT_FOUND */
    /* an id that was never issued: NOT_FOUND, not DENIED (sender has "#") */
    assert_int_equal(c[2], -2);
    assert_int_equal(c[3], -2);
    assert_int_equal(witness_count(), before);
    expect_ready("abuse-unknown");
    /* a component that just stopped: DEAD; neither is a denial */
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "abuse-unknown", &info), WB_OK);
    uint64_t denied0 = info.denied;
    wr_id gone = spawn_ok(&T, "echo", "echo-gone");
    wb_error err;
    assert_int_equal(wc_stop(T.host, gone, &err), WB_OK);
    while (wr_alive(T.sys, gone)) wb_sleep_ns(MS);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "sendto %llu", (unsigned long long)gone);
    answer(a, cmd, out, sizeof out);
    assert_string_equal(out, "-6 -6");
    assert_int_equal(wc_info_get(T.host, "abuse-unknown", &info), WB_OK);
    assert_int_equal(info.denied, denied0);
}

/* Pointers past the end of linear memory and negative lengths: INVALID for
 * each, a reply outside a matching request is STATE; the guest lives on. */
static void bad_pointers(void **state) {
    (void)state;
    char out[256];
    wr_id a = spawn_ok(&T, "abuse", "abuse-ptr");
    answer(a, "badptr", out, sizeof out);
    assert_string_equal(out, "-7 -7 -7 -7 -7 -7 -7 -10");
    answer(a, "badptr", out, sizeof out); /* and again: nothing was corrupted */
    assert_string_equal(out, "-7 -7 -7 -7 -7 -7 -7 -10");
    expect_ready("abuse-ptr");
}

/* A payload over the definition's max_payload is TOO_LARGE to the sender
 * and never reaches the target; one within it arrives. */
static void oversize_payload(void **state) {
    (void)state;
    char out[256];
    wr_id a = spawn_ok(&T, "abuse", "abuse-big");
    int before = witness_count();
    answer(a, "oversize witness 200000", out, sizeof out);
    assert_string_equal(out, "-5");
    answer(a, "oversize witness 2000", out, sizeof out);
    assert_string_equal(out, "-5");
    answer(a, "oversize witness 100", out, sizeof out);
    assert_string_equal(out, "0");
    assert_true(witness_wait(before + 1));
    wb_sleep_ns(50 * MS);
    assert_int_equal(witness_count(), before + 1);
    expect_ready("abuse-big");
}

/* memory.grow in a loop stops at the definition's page limit (40): grow
 * returns -1 to the guest, which keeps running with the pages it has. */
static void memory_bomb(void **state) {
    (void)state;
    char out[256];
    wr_id a = spawn_ok(&T, "abuse", "abuse-grow");
    answer(a, "grow", out, sizeof out);
    assert_string_equal(out, "40");
    answer(a, "grow", out, sizeof out);
    assert_string_equal(out, "40");
    expect_ready("abuse-grow");
}

/* A guest calling receive(0) forever: its caller's request times out (an
 * error value), other components stay responsive, and Shutdown ends it. */
static void spin_in_receive(void **state) {
    (void)state;
    char out[256];
    wr_id a = spawn_ok(&T, "abuse", "abuse-spin");
    wr_id e = spawn_ok(&T, "echo", "echo-spin");
    wc_reply r;
    wb_error err;
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "spin", 4);
    assert_int_equal(wc_request(T.host, a, p->data, p->len, 300 * MS, &r, &err), WB_OK);
    wb_buf_unref(p);
    assert_false(r.ok);
    assert_int_equal(r.code, WC_TIMEOUT);
    wc_reply_close(&r);
    for (int i = 0; i < 3; i++) {
        answer(e, "still here", out, sizeof out);
        assert_string_equal(out, "still here");
    }
    assert_int_equal(wc_stop(T.host, a, &err), WB_OK);
    wc_info info;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(wc_info_get(T.host, "abuse-spin", &info), WB_OK);
        if (wc_state_final(info.state)) break;
        wb_sleep_ns(50 * MS);
    }
    assert_int_equal(info.state, WC_STATE_TERMINATED);
}

/* A guest whose init spawns its own definition: the chain is cut at the
 * spawn depth limit (16 generations below the first), the last one's spawn
 * returns DENIED, and the host records the denial. */
static void spawn_bomb(void **state) {
    (void)state;
    const char *names[256];
    size_t before = wc_host_names(T.host, names, 256);
    spawn_ok(&T, "hostile-chain", "chain");
    size_t n = 0, last = 0;
    for (int stable = 0, i = 0; i < 600 && stable < 10; i++) {
        wb_sleep_ns(50 * MS);
        n = wc_host_names(T.host, names, 256);
        stable = n == last ? stable + 1 : 0;
        last = n;
    }
    assert_int_equal(n - before, 17);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, names[n - 1], &info), WB_OK);
    for (int i = 0; i < 200 && info.state != WC_STATE_READY; i++) {
        wb_sleep_ns(50 * MS);
        wc_info_get(T.host, names[n - 1], &info);
    }
    char out[64];
    answer(info.id, "spawned?", out, sizeof out);
    assert_string_equal(out, "-1");
    assert_true(strstr(names[n - 1], "/hostile-chain#") != NULL);
    /* (an event holds a shortened component name, so look for the text) */
    static wc_event ev[4096];
    size_t nev = wc_host_events(T.host, ev, 4096);
    int denials = 0;
    for (size_t i = 0; i < nev; i++)
        denials += ev[i].type == WC_EV_DENIED && strstr(ev[i].text, "spawn depth limit") != NULL;
    assert_int_equal(denials, 1);
    /* the host still spawns and serves other components */
    wr_id e = spawn_ok(&T, "echo", "echo-after-bomb");
    answer(e, "fine", out, sizeof out);
    assert_string_equal(out, "fine");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_targets),  cmocka_unit_test(bad_pointers),
        cmocka_unit_test(oversize_payload), cmocka_unit_test(memory_bomb),
        cmocka_unit_test(spin_in_receive),  cmocka_unit_test(spawn_bomb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
