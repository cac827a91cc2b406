/* SPDX-License-Identifier: MIT */
/* Timer wheel: send-after, intervals, cancel; request timeouts as messages. */
// ctest-label: concurrency
#include "rt/rt_test.h"

static void send_after_fires_once_not_early(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &id, NULL), WB_OK);
    uint64_t t0 = wb_now_ns(), timer;
    assert_int_equal(wr_send_after(sys, 0, id, 30 * MS, 4, "tick", 4, &timer, NULL), WB_OK);
    assert_int_equal(wr_send_after(sys, 0, id, 10 * MS, 3, "tock", 4, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 2, 5000 * MS));
    assert_int_equal(p.recs[0].tag, 3);
    assert_int_equal(p.recs[1].tag, 4);
    assert_string_equal(p.recs[1].text, "tick");
    assert_true(p.recs[0].time_ns - t0 >= 10 * MS);
    assert_true(p.recs[1].time_ns - t0 >= 30 * MS);
    assert_true(p.recs[1].time_ns - t0 < 2000 * MS);
    assert_int_equal(wr_timer_cancel(sys, timer), WB_NOT_FOUND); /* already fired */
    wr_system_free(sys);
}

static void interval_and_cancel(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &id, NULL), WB_OK);
    uint64_t timer, never;
    assert_int_equal(wr_send_interval(sys, 0, id, 5 * MS, 1, NULL, 0, &timer, NULL), WB_OK);
    assert_int_equal(wr_send_after(sys, 0, id, 50 * MS, 2, NULL, 0, &never, NULL), WB_OK);
    assert_int_equal(wr_timer_cancel(sys, never), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) >= 5, 5000 * MS));
    assert_int_equal(wr_timer_cancel(sys, timer), WB_OK);
    wb_sleep_ns(30 * MS);
    size_t n = atomic_load(&p.n);
    wb_sleep_ns(60 * MS);
    assert_true(atomic_load(&p.n) <= n + 1); /* at most one in flight at cancel */
    for (size_t i = 0; i < atomic_load(&p.n); i++) assert_int_equal(p.recs[i].tag, 1);
    assert_int_equal(wr_timer_cancel(sys, timer), WB_NOT_FOUND);
    wr_system_free(sys);
}

/* A requester toward a silent actor gets a TIMEOUT message, no blocked thread. */
static wr_turn requester_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 1) {
        wr_id to;
        memcpy(&to, wr_msg_bytes(m, NULL), sizeof to);
        uint64_t corr;
        assert_int_equal(wr_ctx_request(ctx, to, 7, "ping", 4, 40 * MS, &corr, NULL), WB_OK);
        wr_msg fake = *m;
        fake.corr = corr;
        fake.kind = 1000;
        probe_record(p, &fake); /* remember the corr */
        return WR_OK;
    }
    probe_record(p, m);
    return WR_OK;
}

static wr_turn silent_handle(wr_ctx *ctx, const wr_msg *m) { return WR_OK; }
static wr_turn answer_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind == WR_MSG_REQUEST) wr_ctx_reply(ctx, m, 8, "pong", 4, NULL);
    return WR_OK;
}

static void request_timeout_is_a_message(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_actor_spec spec = probe_spec;
    spec.handle = requester_handle;
    static const wr_actor_spec silent = {.handle = silent_handle};
    static const wr_actor_spec answer = {.handle = answer_handle};
    wr_id r, s, a;
    assert_int_equal(wr_spawn(sys, &spec, &p, &r, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &silent, NULL, &s, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &answer, NULL, &a, NULL), WB_OK);
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_send(sys, r, 1, &s, sizeof s, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 2, 5000 * MS));
    assert_int_equal(p.recs[1].kind, WR_MSG_TIMEOUT);
    assert_int_equal(p.recs[1].corr, p.recs[0].corr);
    assert_int_equal(p.recs[1].from, s);
    assert_true(p.recs[1].time_ns - t0 >= 40 * MS);
    /* A reply in time: REPLY and no TIMEOUT afterwards. */
    assert_int_equal(wr_send(sys, r, 1, &a, sizeof a, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 4, 5000 * MS));
    assert_int_equal(p.recs[3].kind, WR_MSG_REPLY);
    assert_int_equal(p.recs[3].corr, p.recs[2].corr);
    assert_string_equal(p.recs[3].text, "pong");
    wb_sleep_ns(80 * MS);
    assert_int_equal(atomic_load(&p.n), 4);
    wr_system_free(sys);
}

static void timer_to_dead_actor_is_harmless(void **state) {
    (void)state;
    wr_system *sys = test_system(1);
    probe p;
    probe_init(&p);
    wr_id id;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &id, NULL), WB_OK);
    assert_int_equal(wr_send_interval(sys, 0, id, 2 * MS, 1, NULL, 0, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) >= 2, 5000 * MS));
    assert_int_equal(wr_exit(sys, 0, id, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(!wr_alive(sys, id), 5000 * MS));
    wb_sleep_ns(20 * MS); /* the interval notices and stops itself */
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(send_after_fires_once_not_early),
        cmocka_unit_test(interval_and_cancel),
        cmocka_unit_test(request_timeout_is_a_message),
        cmocka_unit_test(timer_to_dead_actor_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
