/* SPDX-License-Identifier: MIT */
/* Stopping components gracefully: the Shutdown message runs cleanup and ends
 * in Terminated; a cleanup that overruns its bounds fails the component
 * with the timeout category and holds up nobody else. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    wc_caps c;
    wc_caps_init(&c);
    wb_error err;
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "witness", &err), WB_OK);
    define_guest(&T, "counter", "counter", &c); /* its cleanup reports to the witness */
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    wc_caps sc;
    wc_caps_init(&sc);
    char *sleep_only[] = {"poll_oneoff", "clock_time_get", NULL};
    sc.wasi = sleep_only;
    define_guest(&T, "sleepy", "sleepy_cleanup", &sc);
    sc.wasi = NULL;
    wc_caps_close(&sc);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static bool wait_state(const char *name, wc_state want) {
    for (int k = 0; k < 10000 && state_of(&T, name) != want; k++) wb_sleep_ns(MS);
    return state_of(&T, name) == want;
}

/* Shutdown: cleanup runs (it sees the instance's state), then Terminated,
 * and the name is free again. */
static void stop_runs_cleanup(void **state) {
    (void)state;
    wr_id id = spawn_ok(&T, "counter", "stop-counter");
    char out[64];
    for (int i = 0; i < 3; i++) assert_true(ask(&T, id, "tick", 5 * SEC, out, sizeof out));
    int before = witness_count();
    wb_error err;
    assert_int_equal(wc_stop(T.host, id, &err), WB_OK);
    assert_true(wait_state("stop-counter", WC_STATE_TERMINATED));
    assert_true(witness_wait(before + 1));
    pthread_mutex_lock(&g_witness.m);
    char last[128];
    snprintf(last, sizeof last, "%s", g_witness.texts[before]);
    pthread_mutex_unlock(&g_witness.m);
    assert_string_equal(last, "cleanup 3");
    assert_true(wc_host_count_events(T.host, WC_EV_LOG, "stop-counter") >= 1);
    for (int k = 0; k < 2000 && wr_lookup(T.sys, "stop-counter"); k++) wb_sleep_ns(MS);
    assert_int_equal(wr_lookup(T.sys, "stop-counter"), 0);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "stop-counter", &info), WB_OK);
    assert_int_equal(info.failures, 0);
}

/* A cleanup that never finishes is stopped by its bounds (shutdown_ms of
 * wall-clock time, 50 M fuel) and fails the component with the timeout
 * category, while another component keeps answering. */
static void cleanup_bounded(void **state) {
    (void)state;
    wr_id id = spawn_ok(&T, "counter", "hang-counter"); /* shutdown_ms 1000 */
    wr_id echo = spawn_ok(&T, "echo", "stop-echo");
    char out[64];
    assert_true(ask(&T, id, "hang", 5 * SEC, out, sizeof out));
    wb_error err;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wc_stop(T.host, id, &err), WB_OK);
    /* One worker is held by the cleanup; the other serves echo. */
    for (int i = 0; i < 5; i++) {
        assert_true(ask(&T, echo, "still", 5 * SEC, out, sizeof out));
        assert_string_equal(out, "still");
    }
    assert_true(wait_state("hang-counter", WC_STATE_FAILED));
    uint64_t dt = wb_now_ns() - t0;
    if (dt > 1000 * MS + 5 * SEC) fail_msg("failed after %llu ms, deadline 1000 ms", (unsigned long long)(dt / MS));
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "hang-counter", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_TIMEOUT);
    /* Whichever bound came first (the fuel one on a fast machine), it says so. */
    if (!strstr(info.reason, "cleanup did not finish within 1000 ms") &&
        !strstr(info.reason, "cleanup did not finish within 50000000 fuel"))
        fail_msg("reason \"%s\"", info.reason);
    if (strstr(info.reason, "ms") && dt < 1000 * MS) fail_msg("deadline reported after %llu ms", (unsigned long long)(dt / MS));
    assert_true(ask(&T, echo, "after", 5 * SEC, out, sizeof out));

    /* A short shutdown_ms (a supervised child's option) is the bound that
     * stops it: 5 ms is far less than 50 M fuel takes any interpreter. */
    wc_child_opts o = {.restart = WC_RESTART_TEMPORARY, .shutdown_ms = 5};
    wr_child_spec kid;
    if (wc_child_spec(T.host, "counter", "hang-short", &o, &kid, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_sup_spec s = {.name = "stop-sup", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                     .period_ns = 10 * SEC, .children = &kid, .nchildren = 1};
    wr_id sup = 0;
    if (wr_supervisor_start(T.sys, &s, &sup, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_id hs = wait_ready(&T, "hang-short");
    assert_true(ask(&T, hs, "hang", 5 * SEC, out, sizeof out));
    t0 = wb_now_ns();
    assert_int_equal(wc_stop(T.host, hs, &err), WB_OK);
    assert_true(wait_state("hang-short", WC_STATE_FAILED));
    dt = wb_now_ns() - t0;
    assert_int_equal(wc_info_get(T.host, "hang-short", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_TIMEOUT);
    assert_string_equal(info.reason, "cleanup did not finish within 5 ms");
    assert_true(dt >= 5 * MS && dt < 5 * SEC);
    /* Temporary: failed, and not restarted. */
    wb_sleep_ns(100 * MS);
    assert_int_equal(wr_supervisor_child(T.sys, sup, "hang-short"), 0);
}

/* A cleanup that sleeps (usleep in a loop) is cut at its wall-clock
 * deadline like one that spins: shutdown_ms 200 means about 200 ms, not the
 * 4.2 s it took when each sleep blocked to its end. */
static void cleanup_sleep_bounded(void **state) {
    (void)state;
    wb_error err;
    wc_child_opts o = {.restart = WC_RESTART_TEMPORARY, .shutdown_ms = 200};
    wr_child_spec kid;
    if (wc_child_spec(T.host, "sleepy", "sleepy-1", &o, &kid, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_sup_spec s = {.name = "sleepy-sup", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                     .period_ns = 10 * SEC, .children = &kid, .nchildren = 1};
    wr_id sup = 0;
    if (wr_supervisor_start(T.sys, &s, &sup, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_id id = wait_ready(&T, "sleepy-1");
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wc_stop(T.host, id, &err), WB_OK);
    assert_true(wait_state("sleepy-1", WC_STATE_FAILED));
    uint64_t dt = wb_now_ns() - t0;
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "sleepy-1", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_TIMEOUT);
    assert_string_equal(info.reason, "cleanup did not finish within 200 ms");
    if (dt < 200 * MS || dt > 1500 * MS) fail_msg("cut after %llu ms, deadline 200 ms", (unsigned long long)(dt / MS));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cleanup_sleep_bounded),
        cmocka_unit_test(stop_runs_cleanup),
        cmocka_unit_test(cleanup_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
