/* SPDX-License-Identifier: MIT */
/* Applications from a manifest: the supervision tree, initial messages
 * (periodic and delayed), declared topics, restart history through the app,
 * and health-based restarts. */
// ctest-label: concurrency
#include "harness.h"

static harness T;
static wc_manifest *M;
static wc_app *A;
static uint64_t started_at;

static const char manifest_fmt[] =
    "name: test-app\n"
    "topics: [app.news, app.jobs]\n"
    "supervisors:\n"
    "  - {name: top, strategy: one_for_one, intensity: 20, period_ms: 10000}\n"
    "  - {name: pool, parent: top, strategy: one_for_all, intensity: 5, period_ms: 10000}\n"
    "components:\n"
    "  - name: sick\n"
    "    wasm: %s/component/counter.wasm\n"
    "    health: {interval_ms: 40, timeout_ms: 200, threshold: 3}\n"
    "  - name: tired\n"
    "    wasm: %s/component/counter.wasm\n"
    "    health: {interval_ms: 40, timeout_ms: 200, threshold: 3}\n"
    "  - name: wobbly\n"
    "    wasm: %s/component/counter.wasm\n"
    "    health: {interval_ms: 100, timeout_ms: 1000, threshold: 6}\n"
    "  - name: mute\n"
    "    wasm: %s/component/counter.wasm\n"
    "    health: {interval_ms: 50, timeout_ms: 100, threshold: 2}\n"
    "  - name: worker\n"
    "    wasm: %s/component/crasher.wasm\n"
    "    instances: 2\n"
    "    supervisor: pool\n"
    "    backoff: {initial_ms: 20, max_ms: 100, multiplier: 2, jitter: 0}\n"
    "  - name: fed\n"
    "    wasm: %s/component/counter.wasm\n"
    "  - name: late\n"
    "    wasm: %s/component/counter.wasm\n"
    "  - name: talker\n"
    "    wasm: %s/component/client.wasm\n"
    "    capabilities: {publish: [\"#\"]}\n"
    "  - name: listener\n"
    "    wasm: %s/component/client.wasm\n"
    "    capabilities: {subscribe: [\"app.#\"]}\n"
    "messages:\n"
    "  - {to: fed, payload: tick, every_ms: 20}\n"
    "  - {to: late, payload: late, after_ms: 300}\n";

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    char text[sizeof manifest_fmt + 9 * 512];
    const char *d = WACTOR_TEST_DATA;
    snprintf(text, sizeof text, manifest_fmt, d, d, d, d, d, d, d, d, d);
    wb_error err;
    if (wc_manifest_parse(text, strlen(text), NULL, &M, &err) != WB_OK) fail_msg("%s", err.msg);
    started_at = wb_now_ns();
    if (wc_app_start(T.host, M, &A, &err) != WB_OK) fail_msg("%s", err.msg);
    const char *names[] = {"sick", "tired", "wobbly", "mute", "worker.0", "worker.1", "fed", "talker",
                           "listener", "late"};
    for (size_t i = 0; i < WB_ARRAY_LEN(names); i++)
        if (!wait_ready(&T, names[i])) fail_msg("%s not ready", names[i]);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    wc_app_stop(A);
    wr_system_shutdown(T.sys, 5 * SEC);
    wc_app_free(A);
    wc_manifest_free(M);
    harness_close(&T);
    return 0;
}

static void tree_and_messages(void **state) {
    (void)state;
    assert_true(wr_alive(T.sys, wc_app_root(A)));
    /* Initial messages arrive every 20 ms. */
    wc_info info;
    for (int k = 0; k < 5000; k++) {
        wc_info_get(T.host, "fed", &info);
        if (info.messages >= 3) break;
        wb_sleep_ns(MS);
    }
    assert_true(info.messages >= 3);
    /* one_for_all pool: a crash of worker.1 restarts worker.0 too, with the
     * history readable through the app. */
    wr_id w0 = wait_ready(&T, "worker.0"), w1 = wait_ready(&T, "worker.1");
    char out[64];
    assert_false(ask(&T, w1, "unreachable", 5 * SEC, out, sizeof out));
    assert_true(wait_restarted(&T, "worker.1", w1));
    assert_true(wait_restarted(&T, "worker.0", w0));
    wr_restart_entry h[4];
    size_t n = 0;
    assert_int_equal(wc_app_history(A, "worker.1", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].reason, WR_EXIT_ERROR);
    assert_int_equal(h[0].delay_ns, 20 * MS);
    assert_int_equal(wc_app_history(A, "nobody", h, 4, &n), WB_NOT_FOUND);
}

/* Unhealthy `threshold` times in a row restarts; the new instance is clean. */
static void unhealthy_restarts(void **state) {
    (void)state;
    wr_id id = wait_ready(&T, "sick");
    char out[64];
    assert_true(ask(&T, id, "health 2", SEC, out, sizeof out));
    wr_id id2 = wait_restarted(&T, "sick", id);
    assert_true(id2 != 0);
    wc_info info;
    wc_info_get(T.host, "sick", &info);
    assert_int_equal(info.fail, WC_FAIL_HEALTH);
    assert_non_null(strstr(info.reason, "lost quorum"));
    assert_true(wc_host_count_events(T.host, WC_EV_UNHEALTHY, "sick") >= 3);
    wc_app_stats st;
    wc_app_stats_get(A, &st);
    assert_true(st.unhealthy_kills >= 1);
}

/* Degraded is an event, never a restart. */
static void degraded_never_restarts(void **state) {
    (void)state;
    wr_id id = wait_ready(&T, "tired");
    char out[64];
    assert_true(ask(&T, id, "health 1", SEC, out, sizeof out));
    for (int k = 0; k < 5000 && wc_host_count_events(T.host, WC_EV_DEGRADED, "tired") < 5; k++)
        wb_sleep_ns(MS);
    assert_true(wc_host_count_events(T.host, WC_EV_DEGRADED, "tired") >= 5);
    wc_info info;
    wc_info_get(T.host, "tired", &info);
    assert_int_equal(info.incarnations, 1);
    assert_int_equal(info.id, id);
}

/* One Healthy answer resets the count. */
static void healthy_resets(void **state) {
    (void)state;
    wr_id id = wait_ready(&T, "wobbly");
    char out[64];
    assert_true(ask(&T, id, "health 2", SEC, out, sizeof out));
    for (int k = 0; k < 5000 && wc_host_count_events(T.host, WC_EV_UNHEALTHY, "wobbly") < 2; k++)
        wb_sleep_ns(MS);
    assert_true(ask(&T, id, "health 0", SEC, out, sizeof out));
    wb_sleep_ns(300 * MS);
    assert_true(ask(&T, id, "health 2", SEC, out, sizeof out));
    /* Two more and two before make four: below the threshold of six. */
    size_t before = wc_host_count_events(T.host, WC_EV_UNHEALTHY, "wobbly");
    for (int k = 0; k < 5000 && wc_host_count_events(T.host, WC_EV_UNHEALTHY, "wobbly") < before + 2; k++)
        wb_sleep_ns(MS);
    assert_true(ask(&T, id, "health 0", SEC, out, sizeof out));
    wb_sleep_ns(200 * MS);
    wc_info info;
    wc_info_get(T.host, "wobbly", &info);
    assert_int_equal(info.incarnations, 1);
}

/* No answer within the timeout counts as Unhealthy. */
static void no_answer_counts(void **state) {
    (void)state;
    wr_id id = wait_ready(&T, "mute");
    char out[64];
    assert_true(ask(&T, id, "health 3", SEC, out, sizeof out)); /* health() never returns */
    wr_id id2 = wait_restarted(&T, "mute", id);
    assert_true(id2 != 0);
    wc_info info;
    wc_info_get(T.host, "mute", &info);
    assert_int_equal(info.fail, WC_FAIL_HEALTH);
    /* the checker's timeout or the health call's own deadline, whichever is first */
    if (!strstr(info.reason, "no answer") && !strstr(info.reason, "did not answer within"))
        fail_msg("reason: %s", info.reason);
}

/* Manifest `topics`: publishing is limited to the declared topics. */
static void declared_topics(void **state) {
    (void)state;
    wr_id talker = wait_ready(&T, "talker"), listener = wait_ready(&T, "listener");
    char out[256];
    ask(&T, listener, "subscribe app.#", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "ok 0");
    ask(&T, talker, "publish app.news hi", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "ok 0");
    ask(&T, talker, "publish app.gossip psst", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -2"); /* NOT_FOUND: not a declared topic */
    ask(&T, talker, "publish app.jobs j1", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "ok 0");
    for (int k = 0; k < 5000; k++) {
        ask(&T, listener, "events", SEC, out, sizeof out);
        if (!strcmp(out, "2 app.jobs")) break;
        wb_sleep_ns(MS);
    }
    assert_string_equal(out, "2 app.jobs");
    ask(&T, listener, "seen", SEC, out, sizeof out);
    assert_string_equal(out, "hi,j1"); /* the undeclared one never went out */
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "talker", &info), WB_OK);
    assert_int_equal(info.denied, 1);
    assert_int_equal(wc_host_count_events(T.host, WC_EV_DENIED, "talker"), 1);
    /* Declared once per host. */
    char *again[] = {"x", NULL};
    wb_error err;
    assert_int_equal(wc_host_declare_topics(T.host, again, &err), WB_STATE);
}

/* Manifest `messages` with after_ms and no every_ms: sent once, not early. */
static void delayed_initial_message(void **state) {
    (void)state;
    wc_info info = {0};
    uint64_t at = 0;
    for (int k = 0; k < 5000 && !at; k++) {
        wc_info_get(T.host, "late", &info);
        if (info.messages) at = wb_now_ns();
        else wb_sleep_ns(MS);
    }
    assert_true(at != 0);
    wb_sleep_ns(200 * MS);
    wc_info_get(T.host, "late", &info);
    assert_int_equal(info.messages, 1); /* once */
    if (at - started_at < 300 * MS) fail_msg("arrived %llu ms after start", (unsigned long long)((at - started_at) / MS));
}

/* A manifest built in code gets the loader's structural checks too: a
 * parent cycle (its walk overflowed the stack), a self-parent, an unknown
 * parent, a huge instance count (its failed allocation was dereferenced)
 * and an over-long name are errors, and nothing gets defined. */
static void code_built_manifest_checked(void **state) {
    (void)state;
    char wasm[512];
    guest_path(wasm, sizeof wasm, "counter");
    wc_supervisor_spec sups[2] = {{.name = "ca", .parent = "cb", .intensity = 5, .period_ms = 1000},
                                  {.name = "cb", .parent = "ca", .intensity = 5, .period_ms = 1000}};
    wc_component_spec comp = {.name = "coded", .wasm = wasm, .supervisor = "ca", .instances = 1};
    wc_caps_init(&comp.caps);
    wc_manifest m = {.components = &comp, .ncomponents = 1, .supervisors = sups, .nsupervisors = 2};
    /* Each case is the one before with one change, made in the loop. */
    struct {
        wb_status st;
        const char *msg;
    } cases[] = {
        {WB_INVALID_ARG, "supervisor \"ca\": parent chain forms a cycle"},
        {WB_INVALID_ARG, "supervisor \"ca\": parent chain forms a cycle"}, /* ca -> ca */
        {WB_INVALID_ARG, "supervisor \"ca\": unknown parent \"nobody\""},
        {WB_LIMIT, "instances must be 1..100000"},
        {WB_INVALID_ARG, "instance names over 47 bytes"},
        {WB_INVALID_ARG, "component \"coded\": unknown supervisor \"nobody\""},
        {WB_LIMIT, "supervisor \"ca\": intensity must be 0..100000"},
    };
    char long_name[64];
    memset(long_name, 'x', 48);
    long_name[48] = 0;
    for (size_t i = 0; i < WB_ARRAY_LEN(cases); i++) {
        if (i == 1) m.nsupervisors = 1, sups[0].parent = "ca";
        if (i == 2) sups[0].parent = "nobody";
        if (i == 3) sups[0].parent = NULL, comp.instances = UINT32_MAX;
        if (i == 4) comp.instances = 1, comp.name = long_name;
        if (i == 5) comp.name = "coded", comp.supervisor = "nobody";
        if (i == 6) comp.supervisor = "ca", sups[0].intensity = UINT32_MAX;
        wc_app *app = (wc_app *)1;
        wb_error err;
        wb_error_clear(&err);
        wb_status st = wc_app_start(T.host, &m, &app, &err);
        if (st != cases[i].st || !strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: %s \"%s\", expected %s \"%s\"", i, wb_status_name(st), err.msg,
                     wb_status_name(cases[i].st), cases[i].msg);
        assert_null(app);
    }
    wr_id id = 0;
    wb_error err;
    assert_int_equal(wc_spawn(T.host, "coded", "coded-1", &id, &err), WB_NOT_FOUND); /* not defined */
    wc_caps_close(&comp.caps);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tree_and_messages),
        cmocka_unit_test(unhealthy_restarts),
        cmocka_unit_test(degraded_never_restarts),
        cmocka_unit_test(healthy_resets),
        cmocka_unit_test(no_answer_counts),
        cmocka_unit_test(declared_topics),
        cmocka_unit_test(delayed_initial_message),
        cmocka_unit_test(code_built_manifest_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
