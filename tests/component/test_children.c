/* SPDX-License-Identifier: MIT */
/* Children, timers and monitors from the guest API: spawned children end
 * with their spawner (crash or stop), a spawner stops its own children and
 * no one else's, send_after/cancel_timer on the runtime's timer wheel (at
 * most max_timers pending), monitor delivers DOWN with the reason. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    wb_error err;
    wc_caps c;
    wc_caps_init(&c);
    c.spawn = true;
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "echo-*", &err), WB_OK);
    define_guest(&T, "parent", "parent", &c);
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static wr_id ask_id(wr_id to, const char *cmd) {
    char out[128];
    ask(&T, to, cmd, 10 * SEC, out, sizeof out);
    if (strncmp(out, "ok ", 3)) fail_msg("%s: %s", cmd, out);
    return (wr_id)strtoull(out + 3, NULL, 10);
}

static bool gone(wr_id id) {
    for (int i = 0; i < 5000 && wr_alive(T.sys, id); i++) wb_sleep_ns(MS);
    return !wr_alive(T.sys, id);
}

/* A crashing parent left its children running ("10 orphans in 3 s"): now
 * they stop with it, and with a stopped one too. */
static void children_end_with_parent(void **state) {
    (void)state;
    wr_id kids[2][3];
    for (int round = 0; round < 2; round++) {
        char name[32];
        snprintf(name, sizeof name, "parent-%d", round);
        wr_id p = spawn_ok(&T, "parent", name);
        for (int i = 0; i < 3; i++) kids[round][i] = ask_id(p, "spawn echo");
        if (round == 0) {
            char out[64];
            assert_false(ask(&T, p, "crash", 5 * SEC, out, sizeof out));
        } else {
            wb_error err;
            assert_int_equal(wc_stop(T.host, p, &err), WB_OK);
        }
        for (int i = 0; i < 3; i++)
            if (!gone(kids[round][i])) fail_msg("round %d: child %d outlived its parent", round, i);
    }
}

/* stop(child): its own children only. */
static void stop_own_children_only(void **state) {
    (void)state;
    wr_id p = spawn_ok(&T, "parent", "stopper");
    wr_id kid = ask_id(p, "spawn echo");
    wr_id stranger = spawn_ok(&T, "echo", "echo-stranger");
    char cmd[64], out[64];
    snprintf(cmd, sizeof cmd, "stop %llu", (unsigned long long)stranger);
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -1");
    assert_true(wr_alive(T.sys, stranger));
    snprintf(cmd, sizeof cmd, "stop %llu", (unsigned long long)kid);
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "ok 0");
    assert_true(gone(kid));
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -6"); /* gone now */
}

static bool seen_has(wr_id p, const char *text) {
    char out[2048];
    for (int i = 0; i < 3000; i++) {
        ask(&T, p, "seen", 5 * SEC, out, sizeof out);
        if (strstr(out, text)) return true;
        wb_sleep_ns(MS);
    }
    return false;
}

/* send_after delivers on time, cancel_timer stops one, and more than
 * max_timers pending is LIMIT (-14). */
static void timers(void **state) {
    (void)state;
    wr_id p = spawn_ok(&T, "parent", "timed");
    uint64_t t0 = wb_now_ns();
    ask_id(p, "after 50 hello");
    wr_id never = ask_id(p, "after 300 never");
    char cmd[64], out[2048];
    snprintf(cmd, sizeof cmd, "cancel %llu", (unsigned long long)never);
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "ok 0");
    assert_true(seen_has(p, "msg hello"));
    assert_true(wb_now_ns() - t0 >= 50 * MS);
    wb_sleep_ns(400 * MS);
    ask(&T, p, "seen", 5 * SEC, out, sizeof out);
    assert_null(strstr(out, "never"));
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -2"); /* cancelled already */
    ask(&T, p, "timers 300 60000", 10 * SEC, out, sizeof out);
    assert_string_equal(out, "err -14"); /* the default max_timers is 256 */
    assert_true(wc_host_count_events(T.host, WC_EV_LIMIT, "timed") >= 1);
}

/* monitor: DOWN with the reason when the target ends; noproc at once for
 * one that is gone already. */
static void monitors(void **state) {
    (void)state;
    wr_id p = spawn_ok(&T, "parent", "watcher");
    wr_id e = spawn_ok(&T, "echo", "echo-watched");
    char cmd[64], out[64];
    snprintf(cmd, sizeof cmd, "monitor %llu", (unsigned long long)e);
    ask_id(p, cmd);
    wb_error err;
    assert_int_equal(wc_stop(T.host, e, &err), WB_OK);
    char want[64];
    snprintf(want, sizeof want, "down %llu shutdown", (unsigned long long)e);
    assert_true(seen_has(p, want));
    ask_id(p, cmd); /* again, now that it is gone */
    snprintf(want, sizeof want, "down %llu noproc", (unsigned long long)e);
    assert_true(seen_has(p, want));
    /* at most max_monitors (256) held: LIMIT (-14), and demonitor frees one */
    wr_id e2 = spawn_ok(&T, "echo", "echo-watched-2");
    snprintf(cmd, sizeof cmd, "monitors 300 %llu", (unsigned long long)e2);
    ask(&T, p, cmd, 10 * SEC, out, sizeof out);
    assert_string_equal(out, "err -14");
    snprintf(cmd, sizeof cmd, "monitor %llu", (unsigned long long)e2);
    ask(&T, p, cmd, 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -14");
    ask(&T, p, "demonitor 12345", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -2"); /* not one of its monitors */
    ask(&T, p, "unsub no.such.topic", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -2");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(children_end_with_parent),
        cmocka_unit_test(stop_own_children_only),
        cmocka_unit_test(timers),
        cmocka_unit_test(monitors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
