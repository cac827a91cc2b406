/* SPDX-License-Identifier: MIT */
/* Spawning, handlers, state, exits, generations, counters, yield and await. */
// ctest-label: concurrency
#include "rt/rt_test.h"

static void spawn_send_exit(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id;
    wb_error err;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &id, &err), WB_OK);
    assert_true(wr_alive(sys, id));
    assert_int_equal(wr_send(sys, id, 7, "hello", 5, &err), WB_OK);
    char big[100];
    memset(big, 'x', sizeof big);
    assert_int_equal(wr_send(sys, id, 8, big, sizeof big, &err), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 2, 5000 * MS));
    assert_int_equal(p.recs[0].tag, 7);
    assert_string_equal(p.recs[0].text, "hello");
    assert_int_equal(p.recs[1].tag, 8);
    assert_int_equal(p.recs[1].text[0], 'x');
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, id, &st), WB_OK);
    assert_int_equal(st.msgs_in, 2);
    assert_int_equal(wr_exit(sys, 0, id, WR_EXIT_SHUTDOWN, "bye", &err), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.terminated), 5000 * MS));
    assert_int_equal(atomic_load(&p.term_kind), WR_EXIT_SHUTDOWN);
    assert_true(WAIT_UNTIL(!wr_alive(sys, id), 5000 * MS));
    assert_int_equal(wr_send(sys, id, 1, NULL, 0, &err), WB_DEAD);
    assert_int_equal(wr_system_shutdown(sys, 1000 * MS), WB_OK);
    wr_system_free(sys);
}

/* Counter actor: state lives in the runtime-allocated block. */
typedef struct counter {
    uint64_t sum;
    _Atomic uint64_t *out;
} counter;

static wb_status counter_init(wr_ctx *ctx, void *arg) {
    counter *c = wr_ctx_state(ctx);
    c->out = arg;
    return WB_OK;
}
static wr_turn counter_handle(wr_ctx *ctx, const wr_msg *m) {
    counter *c = wr_ctx_state(ctx);
    c->sum += m->tag;
    if (m->tag == 0) wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}
static void counter_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    counter *c = wr_ctx_state(ctx);
    atomic_store(c->out, c->sum);
}
static const wr_actor_spec counter_spec = {.init = counter_init, .handle = counter_handle,
                                           .terminate = counter_terminate, .state_size = sizeof(counter)};

static void state_and_normal_exit(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    _Atomic uint64_t out = 0;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &counter_spec, &out, &id, NULL), WB_OK);
    for (uint32_t i = 1; i <= 100; i++) assert_int_equal(wr_send(sys, id, i, NULL, 0, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 0, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&out) == 5050, 5000 * MS));
    assert_true(WAIT_UNTIL(!wr_alive(sys, id), 5000 * MS));
    wr_system_free(sys);
}

static wb_status failing_init(wr_ctx *ctx, void *arg) { return WB_INVALID_ARG; }
static wr_turn nop_handle(wr_ctx *ctx, const wr_msg *m) { return WR_OK; }

static wr_turn parent_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 1) {
        static const wr_actor_spec bad = {.init = failing_init, .handle = nop_handle};
        wr_id child;
        uint64_t ref;
        assert_int_equal(wr_ctx_spawn(ctx, &bad, NULL, WR_SPAWN_MONITOR, &child, &ref, NULL), WB_OK);
        return WR_OK;
    }
    probe_record(p, m);
    return WR_OK;
}

static void init_failure_is_an_exit(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_actor_spec spec = probe_spec;
    spec.handle = parent_handle;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &p, &id, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 1, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 1, 5000 * MS));
    assert_int_equal(p.recs[0].kind, WR_MSG_DOWN);
    assert_int_equal(p.recs[0].tag, WR_EXIT_ERROR);
    assert_non_null(strstr(p.recs[0].text, "init failed"));
    wr_system_free(sys);
}

static void generations_never_reach_successor(void **state) {
    (void)state;
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 1;
    cfg.max_actors = 1; /* one slot: every spawn reuses it */
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    probe p1, p2;
    probe_init(&p1);
    probe_init(&p2);
    wr_id a, b;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p1, &a, NULL), WB_OK);
    wb_error err;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p2, &b, &err), WB_LIMIT);
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p1.terminated), 5000 * MS));
    assert_true(WAIT_UNTIL(wr_spawn(sys, &probe_spec, &p2, &b, NULL) == WB_OK, 5000 * MS));
    assert_int_equal((uint32_t)a, (uint32_t)b); /* same slot */
    assert_int_not_equal(a, b);                 /* new generation */
    assert_int_equal(wr_send(sys, a, 1, NULL, 0, &err), WB_DEAD);
    assert_int_equal(wr_send(sys, b, 2, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p2.n) == 1, 5000 * MS));
    wb_sleep_ns(20 * MS);
    assert_int_equal(atomic_load(&p2.n), 1);
    assert_int_equal(p2.recs[0].tag, 2);
    wr_system_stats ss;
    wr_system_stats_get(sys, &ss);
    assert_int_equal(ss.dead_letters, 1);
    wr_system_free(sys);
}

/* Yield: the handler is called again with the same message. */
static wr_turn slicer_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    static _Thread_local int slices;
    if (m->tag == 1 && ++slices < 5) return WR_YIELD;
    slices = 0;
    probe_record(p, m);
    return WR_OK;
}

static void yield_resumes_same_message(void **state) {
    (void)state;
    wr_system *sys = test_system(1);
    probe p;
    probe_init(&p);
    wr_actor_spec spec = probe_spec;
    spec.handle = slicer_handle;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &p, &id, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 1, NULL, 0, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 2, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 2, 5000 * MS));
    assert_int_equal(p.recs[0].tag, 1);
    assert_int_equal(p.recs[1].tag, 2);
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, id, &st), WB_OK);
    assert_int_equal(st.msgs_in, 6); /* 5 slices + 1 */
    wr_system_free(sys);
}

/* Await: a requester defers other messages until its reply arrives. */
static wr_turn echo_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind == WR_MSG_REQUEST) {
        size_t len;
        const void *b = wr_msg_bytes(m, &len);
        wr_ctx_reply(ctx, m, m->tag + 1, b, len, NULL);
    }
    return WR_OK;
}
static const wr_actor_spec echo_spec = {.handle = echo_handle};

static wr_turn awaiter_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    probe_record(p, m);
    if (m->kind == WR_MSG_USER && m->tag == 100) {
        wr_id echo;
        memcpy(&echo, wr_msg_bytes(m, NULL), sizeof echo);
        uint64_t corr;
        assert_int_equal(wr_ctx_request(ctx, echo, 5, "q", 1, 5000 * MS, &corr, NULL), WB_OK);
        wr_ctx_await(ctx, corr);
        /* Sent before the reply can arrive, yet delivered after it. */
        wr_ctx_send(ctx, wr_ctx_self(ctx), 200, NULL, 0, NULL);
    }
    return WR_OK;
}

static void await_defers_other_messages(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_actor_spec spec = probe_spec;
    spec.handle = awaiter_handle;
    wr_id id, echo;
    assert_int_equal(wr_spawn(sys, &echo_spec, NULL, &echo, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &spec, &p, &id, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 100, &echo, sizeof echo, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 3, 5000 * MS));
    assert_int_equal(p.recs[0].tag, 100);
    assert_int_equal(p.recs[1].kind, WR_MSG_REPLY);
    assert_int_equal(p.recs[1].tag, 6);
    assert_int_equal(p.recs[2].tag, 200);
    wr_system_free(sys);
}

/* 100k actors spawned and exited: slots are reused, nothing leaks (ASan). */
static wr_turn quit_handle(wr_ctx *ctx, const wr_msg *m) {
    wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}
static void many_spawned_and_exited(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    static const wr_actor_spec spec = {.handle = quit_handle, .state_size = 64};
    for (int i = 0; i < 100000; i++) {
        wr_id id;
        assert_int_equal(wr_spawn(sys, &spec, NULL, &id, NULL), WB_OK);
        assert_int_equal(wr_send(sys, id, 0, NULL, 0, NULL), WB_OK);
    }
    wr_system_stats ss;
    /* An exit counts in `exited` a moment before it leaves `live`. */
    assert_true(WAIT_UNTIL((wr_system_stats_get(sys, &ss), ss.exited == 100000 && ss.live_actors == 0),
                           60000 * MS));
    assert_int_equal(ss.live_actors, 0);
    assert_int_equal(ss.spawned, 100000);
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spawn_send_exit),
        cmocka_unit_test(state_and_normal_exit),
        cmocka_unit_test(init_failure_is_an_exit),
        cmocka_unit_test(generations_never_reach_successor),
        cmocka_unit_test(yield_resumes_same_message),
        cmocka_unit_test(await_defers_other_messages),
        cmocka_unit_test(many_spawned_and_exited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
