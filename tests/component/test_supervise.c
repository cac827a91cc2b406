/* SPDX-License-Identifier: MIT */
/* Components under the runtime's supervisors: restart policies, clean state
 * after a restart, backoff in the restart history, intensity, strategies. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    define_guest(&T, "counter", "counter", NULL);
    define_guest(&T, "crasher", "crasher", NULL);
    wb_error err;
    wc_caps c;
    wc_caps_init(&c); /* its cleanup tells the witness */
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "witness", &err), WB_OK);
    define_guest(&T, "counter-w", "counter", &c);
    wc_caps_close(&c);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static wr_child_spec child(const char *def, const char *name, wc_restart restart, uint32_t backoff_ms) {
    wc_child_opts o = {0};
    o.restart = restart;
    o.backoff.initial_ms = backoff_ms;
    o.backoff.max_ms = backoff_ms * 8;
    o.backoff.multiplier = 2;
    wr_child_spec cs;
    wb_error err;
    if (wc_child_spec(T.host, def, name, &o, &cs, &err) != WB_OK) fail_msg("%s", err.msg);
    return cs;
}

static wr_id start_sup(wr_sup_spec *s) {
    wr_id sup = 0;
    wb_error err;
    if (wr_supervisor_start(T.sys, s, &sup, &err) != WB_OK) fail_msg("%s", err.msg);
    for (size_t i = 0; i < s->nchildren; i++)
        if (!wait_ready(&T, s->children[i].name)) fail_msg("%s not ready", s->children[i].name);
    return sup;
}

/* wait_restarted, with the state of things in the failure message. */
static wr_id restarted(wr_id sup, const char *name, wr_id old) {
    wr_id id = wait_restarted(&T, name, old);
    if (!id) {
        wc_info info;
        wc_info_get(T.host, name, &info);
        fail_msg("%s not restarted: supervisor %s, child %llx, record id %llx state %s, %u starts, "
                 "last failure %s: %s", name, wr_alive(T.sys, sup) ? "alive" : "dead",
                 (unsigned long long)wr_supervisor_child(T.sys, sup, name), (unsigned long long)info.id,
                 wc_state_name(info.state), info.incarnations, wc_fail_name(info.fail), info.reason);
    }
    return id;
}

static void crash(const char *name, const char *how) {
    char out[128];
    wr_id id = wait_ready(&T, name);
    assert_true(id != 0);
    assert_false(ask(&T, id, how, 10 * SEC, out, sizeof out));
}

/* 3 + 5: a crash restarts the component with a clean instance; the record
 * keeps counting across incarnations. */
static void restart_starts_clean(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("counter", "sv-counter", WC_RESTART_PERMANENT, 0)};
    wr_sup_spec s = {.name = "sv1", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                     .period_ns = 10 * SEC, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    wr_id id = wr_supervisor_child(T.sys, sup, "sv-counter");
    assert_true(id != 0);
    assert_int_equal(wr_lookup(T.sys, "sv-counter"), id);
    char out[64];
    for (int i = 0; i < 3; i++) assert_true(ask(&T, id, "tick", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 3");
    wb_error err;
    assert_int_equal(wr_exit(T.sys, 0, id, WR_EXIT_KILLED, "test kill", &err), WB_OK);
    wr_id id2 = restarted(sup, "sv-counter", id);
    assert_true(id2 != 0);
    assert_int_equal(wr_lookup(T.sys, "sv-counter"), id2);
    assert_true(ask(&T, id2, "tick", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 1");
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "sv-counter", &info), WB_OK);
    assert_int_equal(info.incarnations, 2);
    assert_int_equal(info.failures, 1);
    assert_int_equal(info.fail, WC_FAIL_KILLED);
    assert_int_equal(info.messages, 4); /* counters survive the restart */
    wr_restart_entry h[4];
    size_t n = 0;
    assert_int_equal(wr_supervisor_history(T.sys, sup, "sv-counter", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].old_id, id);
    assert_int_equal(h[0].new_id, id2);
    assert_int_equal(h[0].reason, WR_EXIT_KILLED);
}

/* 6: a component stuck in an endless loop can be killed, and is restarted. */
static void kill_runaway(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("crasher", "sv-runaway", WC_RESTART_PERMANENT, 0)};
    wr_sup_spec s = {.name = "sv6", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                     .period_ns = 10 * SEC, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    wr_id id = wr_supervisor_child(T.sys, sup, "sv-runaway");
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "spin", 4);
    wb_error err;
    assert_int_equal(wc_send(T.host, id, p->data, p->len, &err), WB_OK);
    wb_buf_unref(p);
    wb_sleep_ns(30 * MS); /* spinning now, in fuel slices */
    assert_int_equal(wr_exit(T.sys, 0, id, WR_EXIT_KILLED, NULL, &err), WB_OK);
    wr_id id2 = restarted(sup, "sv-runaway", id);
    char out[64];
    assert_true(ask(&T, id2, "hello", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok");
    wc_info info;
    wc_info_get(T.host, "sv-runaway", &info);
    assert_int_equal(info.fail, WC_FAIL_KILLED);
}

/* 5: every trap kind restarts a permanent component. */
static void traps_restart(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("crasher", "sv-crasher", WC_RESTART_PERMANENT, 0)};
    wr_sup_spec s = {.name = "sv2", .strategy = WR_ONE_FOR_ONE, .intensity = 10,
                     .period_ns = 10 * SEC, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    const char *how[] = {"unreachable", "div0", "oob", "stack"};
    wr_id prev = wr_supervisor_child(T.sys, sup, "sv-crasher");
    for (size_t i = 0; i < 4; i++) {
        crash("sv-crasher", how[i]);
        wr_id next = restarted(sup, "sv-crasher", prev);
        assert_true(next != 0);
        wc_info info;
        wc_info_get(T.host, "sv-crasher", &info);
        assert_int_equal(info.fail, WC_FAIL_TRAP);
        prev = next;
    }
    wr_restart_entry h[8];
    size_t n = 0;
    assert_int_equal(wr_supervisor_history(T.sys, sup, "sv-crasher", h, 8, &n), WB_OK);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) assert_int_equal(h[i].reason, WR_EXIT_ERROR);
}

/* 8: transient restarts after a failure but not after a graceful stop;
 * temporary never restarts. */
static void restart_policies(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("crasher", "sv-transient", WC_RESTART_TRANSIENT, 0),
                            child("crasher", "sv-temporary", WC_RESTART_TEMPORARY, 0)};
    wr_sup_spec s = {.name = "sv3", .strategy = WR_ONE_FOR_ONE, .intensity = 10,
                     .period_ns = 10 * SEC, .children = kids, .nchildren = 2};
    wr_id sup = start_sup(&s);
    wr_id tr = wr_supervisor_child(T.sys, sup, "sv-transient");
    crash("sv-transient", "unreachable");
    wr_id tr2 = restarted(sup, "sv-transient", tr);
    assert_true(tr2 != 0);
    wb_error err;
    assert_int_equal(wc_stop(T.host, tr2, &err), WB_OK);
    for (int k = 0; k < 2000 && state_of(&T, "sv-transient") != WC_STATE_TERMINATED; k++) wb_sleep_ns(MS);
    assert_int_equal(state_of(&T, "sv-transient"), WC_STATE_TERMINATED);
    wb_sleep_ns(100 * MS);
    assert_int_equal(wr_supervisor_child(T.sys, sup, "sv-transient"), 0);
    assert_int_equal(state_of(&T, "sv-transient"), WC_STATE_TERMINATED);

    wr_id tmp = wr_supervisor_child(T.sys, sup, "sv-temporary");
    assert_true(tmp != 0);
    crash("sv-temporary", "div0");
    wb_sleep_ns(100 * MS);
    assert_int_equal(state_of(&T, "sv-temporary"), WC_STATE_FAILED);
    assert_int_equal(wr_supervisor_child(T.sys, sup, "sv-temporary"), 0);
    assert_int_equal(wr_lookup(T.sys, "sv-temporary"), 0);
}

/* 7: exponential backoff in the history; intensity exceeded escalates. */
static void backoff_and_intensity(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("crasher", "sv-backoff", WC_RESTART_PERMANENT, 40)};
    wr_sup_spec s = {.name = "sv4", .strategy = WR_ONE_FOR_ONE, .intensity = 4,
                     .period_ns = 30 * SEC, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    wr_id prev = wr_supervisor_child(T.sys, sup, "sv-backoff");
    uint64_t crashed_at[4], ready_at[4];
    for (int i = 0; i < 4; i++) {
        crashed_at[i] = wb_now_ns();
        crash("sv-backoff", "unreachable");
        prev = restarted(sup, "sv-backoff", prev);
        ready_at[i] = wb_now_ns();
        assert_true(prev != 0);
    }
    wr_restart_entry h[8];
    size_t n = 0;
    assert_int_equal(wr_supervisor_history(T.sys, sup, "sv-backoff", h, 8, &n), WB_OK);
    assert_int_equal(n, 4);
    const uint64_t want[] = {40 * MS, 80 * MS, 160 * MS, 320 * MS};
    for (int i = 0; i < 4; i++) {
        /* jitter 0 here (wc_child_opts.backoff.jitter = 0): exact delays */
        assert_int_equal(h[i].delay_ns, want[i]);
        /* ... and the restart really waited that long (generous upper bound). */
        uint64_t took = ready_at[i] - crashed_at[i];
        if (took < want[i] || took > want[i] + 3 * SEC)
            fail_msg("restart %d took %llu ms, delay %llu ms", i, (unsigned long long)(took / MS),
                     (unsigned long long)(want[i] / MS));
    }
    /* The fifth crash in the window is one too many: the supervisor exits. */
    assert_true(wr_alive(T.sys, sup));
    crash("sv-backoff", "oob");
    for (int k = 0; k < 5000 && wr_alive(T.sys, sup); k++) wb_sleep_ns(MS);
    assert_false(wr_alive(T.sys, sup));
}

/* 7: crashes spaced wider than the window never trip the intensity. */
static void spaced_crashes_do_not_trip(void **state) {
    (void)state;
    wr_child_spec kids[] = {child("crasher", "sv-spaced", WC_RESTART_PERMANENT, 0)};
    wr_sup_spec s = {.name = "sv5", .strategy = WR_ONE_FOR_ONE, .intensity = 1,
                     .period_ns = 150 * MS, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    wr_id prev = wr_supervisor_child(T.sys, sup, "sv-spaced");
    for (int i = 0; i < 4; i++) {
        crash("sv-spaced", "unreachable");
        prev = restarted(sup, "sv-spaced", prev);
        assert_true(prev != 0);
        wb_sleep_ns(300 * MS);
    }
    assert_true(wr_alive(T.sys, sup));
}

/* 7: delays base*2^n with jitter and a cap, as the restart history shows. */
static void backoff_jitter_and_cap(void **state) {
    (void)state;
    wc_child_opts o = {0};
    o.restart = WC_RESTART_PERMANENT;
    o.backoff = (wc_backoff){.initial_ms = 40, .max_ms = 200, .multiplier = 2, .jitter = 0.25};
    wr_child_spec kids[1];
    wb_error err;
    if (wc_child_spec(T.host, "crasher", "sv-jitter", &o, &kids[0], &err) != WB_OK) fail_msg("%s", err.msg);
    wr_sup_spec s = {.name = "sv7", .strategy = WR_ONE_FOR_ONE, .intensity = 10,
                     .period_ns = 30 * SEC, .children = kids, .nchildren = 1};
    wr_id sup = start_sup(&s);
    wr_id prev = wr_supervisor_child(T.sys, sup, "sv-jitter");
    enum { N = 6 };
    for (int i = 0; i < N; i++) {
        crash("sv-jitter", "unreachable");
        prev = restarted(sup, "sv-jitter", prev);
    }
    wr_restart_entry h[8];
    size_t n = 0;
    assert_int_equal(wr_supervisor_history(T.sys, sup, "sv-jitter", h, 8, &n), WB_OK);
    assert_int_equal(n, N);
    int off_nominal = 0;
    for (int i = 0; i < N; i++) {
        uint64_t nominal = (40 * MS) << i;
        if (nominal > 200 * MS) nominal = 200 * MS;
        uint64_t lo = nominal - nominal / 4, hi = nominal + nominal / 4;
        if (hi > 200 * MS) hi = 200 * MS; /* the cap holds with jitter too */
        if (h[i].delay_ns < lo || h[i].delay_ns > hi)
            fail_msg("restart %d: delay %.1f ms outside [%.1f, %.1f]", i, (double)h[i].delay_ns / 1e6,
                     (double)lo / 1e6, (double)hi / 1e6);
        off_nominal += h[i].delay_ns != nominal;
        assert_int_equal(h[i].reason, WR_EXIT_ERROR);
        if (i) assert_true(h[i].time_ns > h[i - 1].time_ns);
    }
    assert_true(off_nominal > 0); /* jitter is applied (six draws all exact: ~never) */
}

/* 7: intensity exceeded in a nested supervisor: it exits with the reason, its
 * parent restarts it (escalation), and the component comes back clean. */
static void intensity_escalates(void **state) {
    (void)state;
    wr_child_spec inner_kids[] = {child("counter", "esc-counter", WC_RESTART_PERMANENT, 0)};
    wr_sup_spec inner = {.name = "esc-inner", .strategy = WR_ONE_FOR_ONE, .intensity = 2,
                         .period_ns = 30 * SEC, .children = inner_kids, .nchildren = 1};
    wr_child_spec top_kids[] = {{.name = "esc-inner", .sup = &inner, .restart = WR_PERMANENT,
                                 .shutdown_ns = 5 * SEC}};
    wr_sup_spec top = {.name = "esc-top", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                       .period_ns = 30 * SEC, .children = top_kids, .nchildren = 1};
    wr_id sup = 0;
    wb_error err;
    if (wr_supervisor_start(T.sys, &top, &sup, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_id in1 = wr_supervisor_child(T.sys, sup, "esc-inner");
    assert_true(in1 != 0);
    wr_id id = wait_ready(&T, "esc-counter");
    char out[64];
    assert_true(ask(&T, id, "tick", 5 * SEC, out, sizeof out));
    for (int i = 0; i < 2; i++) { /* within the intensity: restarted by esc-inner */
        assert_int_equal(wr_exit(T.sys, 0, id, WR_EXIT_KILLED, "test", &err), WB_OK);
        id = restarted(in1, "esc-counter", id);
    }
    assert_true(wr_alive(T.sys, in1));
    wr_restart_entry h[4];
    size_t n = 0;
    assert_int_equal(wr_supervisor_history(T.sys, in1, "esc-counter", h, 4, &n), WB_OK);
    assert_int_equal(n, 2);
    /* The third crash in the window is one too many for esc-inner. */
    assert_int_equal(wr_exit(T.sys, 0, id, WR_EXIT_KILLED, "test", &err), WB_OK);
    for (int k = 0; k < 5000 && wr_alive(T.sys, in1); k++) wb_sleep_ns(MS);
    assert_false(wr_alive(T.sys, in1));
    assert_int_equal(wr_supervisor_history(T.sys, sup, "esc-inner", h, 4, &n), WB_OK);
    for (int k = 0; k < 5000 && n < 1; k++) {
        wb_sleep_ns(MS);
        wr_supervisor_history(T.sys, sup, "esc-inner", h, 4, &n);
    }
    assert_int_equal(n, 1);
    assert_int_equal(h[0].reason, WR_EXIT_ERROR); /* it failed, it did not stop normally */
    assert_int_equal(h[0].old_id, in1);
    wr_id id2 = restarted(sup, "esc-counter", id);
    assert_true(ask(&T, id2, "tick", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 1"); /* a clean instance */
    assert_true(wr_alive(T.sys, sup));
    wc_info info;
    wc_info_get(T.host, "esc-counter", &info);
    assert_int_equal(info.incarnations, 4);
}

/* 8: all six cases: permanent, transient, temporary after a normal stop
 * (the Shutdown message: cleanup, then exit) and after a crash (a trap). */
static void restart_policy_matrix(void **state) {
    (void)state;
    const wc_restart pol[] = {WC_RESTART_PERMANENT, WC_RESTART_TRANSIENT, WC_RESTART_TEMPORARY};
    const char *pname[] = {"perm", "trans", "temp"};
    char names[6][32];
    wr_child_spec kids[6];
    for (int p = 0; p < 3; p++)
        for (int crash_it = 0; crash_it < 2; crash_it++) {
            int i = p * 2 + crash_it;
            snprintf(names[i], sizeof names[i], "pm-%s-%s", pname[p], crash_it ? "crash" : "stop");
            kids[i] = child("crasher", names[i], pol[p], 0);
        }
    wr_sup_spec s = {.name = "sv8", .strategy = WR_ONE_FOR_ONE, .intensity = 20,
                     .period_ns = 10 * SEC, .children = kids, .nchildren = 6};
    wr_id sup = start_sup(&s);
    wr_id before[6];
    for (int i = 0; i < 6; i++) before[i] = wr_supervisor_child(T.sys, sup, names[i]);
    wb_error err;
    for (int i = 0; i < 6; i++) {
        if (i % 2) crash(names[i], "unreachable");
        else assert_int_equal(wc_stop(T.host, before[i], &err), WB_OK);
    }
    /* Restarted: permanent always, transient after the crash only. */
    const bool want[6] = {true, true, false, true, false, false};
    for (int i = 0; i < 6; i++)
        if (want[i]) assert_true(restarted(sup, names[i], before[i]) != 0);
    wb_sleep_ns(200 * MS); /* long enough for a wrong restart to show */
    for (int i = 0; i < 6; i++) {
        wr_id now = wr_supervisor_child(T.sys, sup, names[i]);
        wc_info info;
        assert_int_equal(wc_info_get(T.host, names[i], &info), WB_OK);
        if (want[i]) {
            if (!now || now == before[i] || info.incarnations != 2)
                fail_msg("%s: not restarted (%u starts)", names[i], info.incarnations);
        } else {
            if (now || info.incarnations != 1) fail_msg("%s: restarted (%u starts)", names[i], info.incarnations);
            assert_int_equal(info.state, i % 2 ? WC_STATE_FAILED : WC_STATE_TERMINATED);
        }
    }
}

/* Ids of the children, in order. */
static void ids_of(wr_id sup, const char *const *names, wr_id *out, int n) {
    for (int i = 0; i < n; i++) out[i] = wr_supervisor_child(T.sys, sup, names[i]);
}

static bool all_ready(const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (state_of(&T, names[i]) != WC_STATE_READY || !wr_lookup(T.sys, names[i])) return false;
    return true;
}

/* Position in the host's event log of incarnation `id` of `name` becoming
 * Ready; -1 if not there. */
static long ready_pos(const char *name, wr_id id) {
    static wc_event ev[4096];
    size_t n = wc_host_events(T.host, ev, 4096);
    for (size_t i = 0; i < n; i++)
        if (ev[i].type == WC_EV_TRANSITION && ev[i].to == WC_STATE_READY && ev[i].id == id &&
            !strcmp(ev[i].component, name))
            return (long)i;
    return -1;
}

/* The restarted children became Ready in start order (each starts once the
 * previous one's init returned). */
static void check_start_order(const char *const *names, const wr_id *ids, int from, int n) {
    long prev = -1;
    for (int i = from; i < n; i++) {
        long pos = ready_pos(names[i], ids[i]);
        if (pos < 0) fail_msg("%s: no Ready event for %llx", names[i], (unsigned long long)ids[i]);
        if (pos < prev) fail_msg("%s became Ready before %s", names[i], names[i - 1]);
        prev = pos;
    }
}

/* 8: one-for-all and rest-for-one restart exactly the right children, and
 * in start order. */
static void strategies(void **state) {
    (void)state;
    const char *all[] = {"ofa-a", "ofa-b", "ofa-c"};
    const char *rest[] = {"rfo-a", "rfo-b", "rfo-c"};
    wr_child_spec k1[3], k2[3];
    for (int i = 0; i < 3; i++) {
        k1[i] = child("crasher", all[i], WC_RESTART_PERMANENT, 0);
        k2[i] = child("crasher", rest[i], WC_RESTART_PERMANENT, 0);
    }
    wr_sup_spec s1 = {.name = "ofa", .strategy = WR_ONE_FOR_ALL, .intensity = 5,
                      .period_ns = 10 * SEC, .children = k1, .nchildren = 3};
    wr_sup_spec s2 = {.name = "rfo", .strategy = WR_REST_FOR_ONE, .intensity = 5,
                      .period_ns = 10 * SEC, .children = k2, .nchildren = 3};
    wr_id sup1 = start_sup(&s1), sup2 = start_sup(&s2);
    wr_id before[3], after[3];

    ids_of(sup1, all, before, 3);
    crash("ofa-b", "unreachable");
    for (int k = 0; k < 5000; k++) {
        ids_of(sup1, all, after, 3);
        if (after[0] && after[0] != before[0] && after[2] && after[2] != before[2] && all_ready(all, 3)) break;
        wb_sleep_ns(MS);
    }
    for (int i = 0; i < 3; i++) assert_true(after[i] && after[i] != before[i]);
    check_start_order(all, after, 0, 3);
    wc_info info;
    for (int i = 0; i < 3; i++) {
        wc_info_get(T.host, all[i], &info);
        assert_int_equal(info.incarnations, 2);
    }

    ids_of(sup2, rest, before, 3);
    crash("rfo-b", "unreachable");
    for (int k = 0; k < 5000; k++) {
        ids_of(sup2, rest, after, 3);
        if (after[1] && after[1] != before[1] && after[2] && after[2] != before[2] && all_ready(rest, 3)) break;
        wb_sleep_ns(MS);
    }
    assert_int_equal(after[0], before[0]); /* started before the crashed one: untouched */
    assert_true(after[1] && after[1] != before[1]);
    assert_true(after[2] && after[2] != before[2]);
    check_start_order(rest, after, 1, 3);
    wc_info_get(T.host, "rfo-a", &info);
    assert_int_equal(info.incarnations, 1);
}

/* Issue 8: a one_for_all group stops in reverse start order, one at a time,
 * before it restarts in start order. os-d's cleanup never ends and is cut at
 * its 150 ms shutdown_ms; only then does os-c get its stop (its cleanup
 * tells the witness), then os-a. */
static void one_for_all_stops_in_reverse(void **state) {
    (void)state;
    const char *names[] = {"os-a", "os-b", "os-c", "os-d"};
    wr_child_spec k[4] = {child("counter-w", names[0], WC_RESTART_PERMANENT, 0),
                          child("crasher", names[1], WC_RESTART_PERMANENT, 0),
                          child("counter-w", names[2], WC_RESTART_PERMANENT, 0)};
    wc_child_opts o = {.restart = WC_RESTART_PERMANENT, .shutdown_ms = 150};
    wb_error err;
    if (wc_child_spec(T.host, "counter-w", names[3], &o, &k[3], &err) != WB_OK) fail_msg("%s", err.msg);
    wr_sup_spec s = {.name = "os", .strategy = WR_ONE_FOR_ALL, .intensity = 5, .period_ns = 10 * SEC,
                     .children = k, .nchildren = 4};
    wr_id sup = start_sup(&s);
    wr_id before[4], after[4];
    ids_of(sup, names, before, 4);
    char out[64];
    assert_true(ask(&T, before[3], "hang", 5 * SEC, out, sizeof out)); /* its cleanup will not end */
    int mark = witness_count();
    uint64_t t0 = wb_now_ns();
    crash("os-b", "unreachable");
    if (!witness_wait(mark + 2)) fail_msg("witness: %d messages from %d", witness_count(), mark);
    pthread_mutex_lock(&g_witness.m);
    wr_id first = g_witness.from[mark], second = g_witness.from[mark + 1];
    uint64_t at = g_witness.at[mark];
    pthread_mutex_unlock(&g_witness.m);
    if (first != before[2] || second != before[0])
        fail_msg("cleanups from %llx then %llx; want os-c %llx then os-a %llx", (unsigned long long)first,
                 (unsigned long long)second, (unsigned long long)before[2], (unsigned long long)before[0]);
    if (at - t0 < 150 * MS) fail_msg("os-c's cleanup ran %.1f ms after the crash, before os-d's ended", (at - t0) / 1e6);
    for (int i = 0; i < 4; i++) assert_true(restarted(sup, names[i], before[i]) != 0);
    ids_of(sup, names, after, 4);
    check_start_order(names, after, 0, 4);
    wc_info info;
    wc_info_get(T.host, "os-d", &info);
    assert_int_equal(info.fail, WC_FAIL_TIMEOUT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restart_starts_clean),
        cmocka_unit_test(traps_restart),
        cmocka_unit_test(kill_runaway),
        cmocka_unit_test(restart_policies),
        cmocka_unit_test(backoff_and_intensity),
        cmocka_unit_test(spaced_crashes_do_not_trip),
        cmocka_unit_test(strategies),
        cmocka_unit_test(backoff_jitter_and_cap),
        cmocka_unit_test(intensity_escalates),
        cmocka_unit_test(restart_policy_matrix),
        cmocka_unit_test(one_for_all_stops_in_reverse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
