/* SPDX-License-Identifier: MIT */
/* Scheduler under load: many producers, ordering, ping-pong, backpressure
 * parking and shutdown with busy actors. */
// ctest-label: concurrency
#include <stdlib.h>

#include "rt/rt_test.h"

static uint64_t per_producer(void) {
    const char *e = getenv("WACTOR_TEST_MESSAGES");
    if (e) return strtoull(e, NULL, 10);
#ifdef WACTOR_SANITIZED
    return 100000;
#else
    return 1000000;
#endif
}

typedef struct item {
    uint32_t producer;
    uint32_t pad;
    uint64_t seq;
} item;

typedef struct consumer {
    uint64_t next[8];
    _Atomic uint64_t received, errors;
} consumer;

static wb_status cons_init(wr_ctx *ctx, void *arg) {
    *(consumer **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}
static wr_turn cons_handle(wr_ctx *ctx, const wr_msg *m) {
    consumer *c = *(consumer **)wr_ctx_state(ctx);
    item it;
    if (m->len != sizeof it) {
        atomic_fetch_add(&c->errors, 1);
        return WR_OK;
    }
    memcpy(&it, m->data, sizeof it);
    if (it.producer >= 8 || it.seq != c->next[it.producer]) atomic_fetch_add(&c->errors, 1);
    else c->next[it.producer]++;
    atomic_fetch_add(&c->received, 1); /* publishes next[] to the test thread */
    return WR_OK;
}

/* A producer actor sends its share in slices of 512, yielding in between. */
typedef struct producer {
    wr_id to;
    uint32_t index;
    uint64_t sent, total;
} producer;

static wb_status prod_init(wr_ctx *ctx, void *arg) {
    *(producer *)wr_ctx_state(ctx) = *(producer *)arg;
    return WB_OK;
}
static wr_turn prod_handle(wr_ctx *ctx, const wr_msg *m) {
    producer *p = wr_ctx_state(ctx);
    for (int i = 0; i < 512 && p->sent < p->total; i++) {
        item it = {.producer = p->index, .seq = p->sent};
        if (wr_ctx_send(ctx, p->to, 0, &it, sizeof it, NULL) != WB_OK) return WR_OK;
        p->sent++;
    }
    return p->sent < p->total ? WR_YIELD : WR_OK;
}

static void run_producers(uint32_t capacity) {
    wr_system *sys = test_system(0);
    uint64_t n = per_producer();
    consumer c;
    memset(&c, 0, sizeof c);
    wr_actor_spec cs = {.init = cons_init, .handle = cons_handle, .state_size = sizeof(consumer *),
                        .mailbox_capacity = capacity, .mailbox_policy = WR_MAILBOX_WAIT};
    wr_id cid;
    assert_int_equal(wr_spawn(sys, &cs, &c, &cid, NULL), WB_OK);
    static const wr_actor_spec ps = {.init = prod_init, .handle = prod_handle, .state_size = sizeof(producer)};
    uint64_t t0 = wb_now_ns();
    producer prods[4]; /* read by each init, so it must outlive the spawns */
    for (uint32_t i = 0; i < 4; i++) {
        prods[i] = (producer){.to = cid, .index = i, .total = n};
        wr_id pid;
        assert_int_equal(wr_spawn(sys, &ps, &prods[i], &pid, NULL), WB_OK);
        assert_int_equal(wr_send(sys, pid, 1, NULL, 0, NULL), WB_OK);
    }
    assert_true(WAIT_UNTIL(atomic_load(&c.received) == 4 * n, 300000 * MS));
    uint64_t dt = wb_now_ns() - t0;
    wb_sleep_ns(20 * MS);
    assert_int_equal(atomic_load(&c.received), 4 * n); /* exactly once */
    assert_int_equal(atomic_load(&c.errors), 0);       /* per-sender order */
    for (int i = 0; i < 4; i++) assert_int_equal(c.next[i], n);
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, cid, &st), WB_OK);
    assert_int_equal(st.drops, 0);
    printf("# %u workers, 4 x %llu messages (capacity %u): %.1f M msg/s, high water %llu\n",
           wr_system_workers(sys), (unsigned long long)n, capacity, 4.0 * n / (dt / 1e3),
           (unsigned long long)st.mailbox_high_water);
    /* Over capacity: a producer's slice completes before it parks, and a wake
     * racing its registration can let one more slice through: at most two
     * slices per producer, plus one turn's budget taken by the consumer. */
    if (capacity) assert_true(st.mailbox_high_water <= capacity + 4 * 2 * 512 + 64 + 8);
    assert_int_equal(wr_system_shutdown(sys, 2000 * MS), WB_OK);
    wr_system_free(sys);
}

static void four_producers_unbounded(void **state) {
    (void)state;
    run_producers(0);
}

static void four_producers_backpressure(void **state) {
    (void)state;
    run_producers(1024);
}

/* External threads as producers. */
typedef struct ext_arg {
    wr_system *sys;
    wr_id to;
    uint32_t index;
    uint64_t n;
    _Atomic uint64_t *failures;
} ext_arg;

static void *ext_main(void *p) {
    ext_arg *a = p;
    for (uint64_t s = 0; s < a->n; s++) {
        item it = {.producer = a->index, .seq = s};
        if (wr_send(a->sys, a->to, 0, &it, sizeof it, NULL) != WB_OK) atomic_fetch_add(a->failures, 1);
    }
    return NULL;
}

static void external_threads(void **state) {
    (void)state;
    wr_system *sys = test_system(0);
    uint64_t n = per_producer() / 4;
    consumer c;
    memset(&c, 0, sizeof c);
    wr_actor_spec cs = {.init = cons_init, .handle = cons_handle, .state_size = sizeof(consumer *),
                        .mailbox_capacity = 4096};
    wr_id cid;
    assert_int_equal(wr_spawn(sys, &cs, &c, &cid, NULL), WB_OK);
    _Atomic uint64_t failures = 0;
    pthread_t th[4];
    ext_arg args[4];
    for (uint32_t i = 0; i < 4; i++) {
        args[i] = (ext_arg){.sys = sys, .to = cid, .index = i, .n = n, .failures = &failures};
        assert_int_equal(pthread_create(&th[i], NULL, ext_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&failures), 0);
    assert_true(WAIT_UNTIL(atomic_load(&c.received) == 4 * n, 60000 * MS));
    assert_int_equal(atomic_load(&c.errors), 0);
    wr_system_free(sys);
}

/* Ping-pong: two actors bounce a counter. */
typedef struct pp {
    wr_id peer;
    _Atomic uint64_t *done;
    uint64_t rounds;
} pp;

static wb_status pp_init(wr_ctx *ctx, void *arg) {
    *(pp *)wr_ctx_state(ctx) = *(pp *)arg;
    return WB_OK;
}
static wr_turn pp_handle(wr_ctx *ctx, const wr_msg *m) {
    pp *s = wr_ctx_state(ctx);
    uint64_t v;
    memcpy(&v, m->data, sizeof v);
    if (m->tag == 1) memcpy(&s->peer, m->data, sizeof s->peer);
    if (m->tag == 1) v = 0;
    if (v >= s->rounds) {
        atomic_store(s->done, v);
        return WR_OK;
    }
    v++;
    wr_ctx_send(ctx, s->peer, 0, &v, sizeof v, NULL);
    return WR_OK;
}

static void ping_pong(void **state) {
    (void)state;
    wr_system *sys = test_system(0);
    _Atomic uint64_t done = 0;
    uint64_t rounds = per_producer() / 5;
    pp a = {.done = &done, .rounds = rounds};
    static const wr_actor_spec spec = {.init = pp_init, .handle = pp_handle, .state_size = sizeof(pp)};
    wr_id x, y;
    assert_int_equal(wr_spawn(sys, &spec, &a, &x, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &spec, &a, &y, NULL), WB_OK);
    /* tell y its peer is x, then start: y bounces to x */
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_send(sys, x, 1, &y, sizeof y, NULL), WB_OK);
    assert_int_equal(wr_send(sys, y, 1, &x, sizeof x, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&done) >= rounds, 120000 * MS));
    double us = (wb_now_ns() - t0) / 1e3 / rounds;
    printf("# ping-pong: %llu hops, %.3f us per hop\n", (unsigned long long)rounds, us);
    wr_system_free(sys);
}

/* Shutdown: busy actors (slow handlers, long queues) are cut at the deadline,
 * each terminate runs, nothing leaks. */
static _Atomic int terminated;
static wr_turn slow_handle(wr_ctx *ctx, const wr_msg *m) {
    wb_sleep_ns(1 * MS);
    return WR_OK;
}
static void slow_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    if (why == WR_EXIT_SHUTDOWN) atomic_fetch_add(&terminated, 1);
}

static void shutdown_with_busy_actors(void **state) {
    (void)state;
    wr_system *sys = test_system(0);
    atomic_store(&terminated, 0);
    static const wr_actor_spec spec = {.handle = slow_handle, .terminate = slow_terminate};
    for (int i = 0; i < 8; i++) {
        wr_id id;
        assert_int_equal(wr_spawn(sys, &spec, NULL, &id, NULL), WB_OK);
        for (int k = 0; k < 2000; k++) assert_int_equal(wr_send(sys, id, 0, "payload", 7, NULL), WB_OK);
        assert_int_equal(wr_send_interval(sys, 0, id, 1 * MS, 0, NULL, 0, NULL, NULL), WB_OK);
    }
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_system_shutdown(sys, 50 * MS), WB_TIMEOUT);
    uint64_t took = wb_now_ns() - t0;
    assert_true(took < 5000 * MS);
    assert_int_equal(atomic_load(&terminated), 8);
    wr_system_stats ss;
    wr_system_stats_get(sys, &ss);
    assert_int_equal(ss.live_actors, 0);
    wb_error err;
    assert_int_equal(wr_send(sys, 1, 0, NULL, 0, &err), WB_CLOSED);
    wr_system_free(sys);
}

static _Atomic uint64_t drained;
static wr_turn count_handle(wr_ctx *ctx, const wr_msg *m) {
    atomic_fetch_add(&drained, 1);
    return WR_OK;
}

static void shutdown_drains_queued_work(void **state) {
    (void)state;
    wr_system *sys = test_system(0);
    atomic_store(&drained, 0);
    static const wr_actor_spec spec = {.handle = count_handle};
    for (int i = 0; i < 4; i++) {
        wr_id id;
        assert_int_equal(wr_spawn(sys, &spec, NULL, &id, NULL), WB_OK);
        for (int k = 0; k < 5000; k++) assert_int_equal(wr_send(sys, id, 0, NULL, 0, NULL), WB_OK);
    }
    assert_int_equal(wr_system_shutdown(sys, 10000 * MS), WB_OK);
    assert_int_equal(atomic_load(&drained), 20000);
    wr_system_free(sys);
}

/* Spawns and exits from several threads at once reuse slots safely. */
static wr_turn bye_handle(wr_ctx *ctx, const wr_msg *m) {
    wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}
static void *spawner_main(void *p) {
    wr_system *sys = p;
    static const wr_actor_spec spec = {.handle = bye_handle};
    for (int i = 0; i < 20000; i++) {
        wr_id id;
        wb_status st;
        while ((st = wr_spawn(sys, &spec, NULL, &id, NULL)) == WB_LIMIT) wb_sleep_ns(100000); /* table full: wait */
        if (st != WB_OK) return (void *)1;
        wr_send(sys, id, 0, NULL, 0, NULL);
    }
    return NULL;
}

static void concurrent_spawn_exit(void **state) {
    (void)state;
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.max_actors = 4096; /* one page: heavy slot reuse */
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    pthread_t th[3];
    for (int i = 0; i < 3; i++) assert_int_equal(pthread_create(&th[i], NULL, spawner_main, sys), 0);
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    wr_system_stats ss;
    assert_true(WAIT_UNTIL((wr_system_stats_get(sys, &ss), ss.exited == 60000), 60000 * MS));
    assert_int_equal(ss.dead_letters, 0);
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_producers_unbounded),
        cmocka_unit_test(four_producers_backpressure),
        cmocka_unit_test(external_threads),
        cmocka_unit_test(ping_pong),
        cmocka_unit_test(shutdown_with_busy_actors),
        cmocka_unit_test(shutdown_drains_queued_work),
        cmocka_unit_test(concurrent_spawn_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
