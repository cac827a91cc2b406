/* SPDX-License-Identifier: MIT */
/* Envelope pools: steady traffic recycles envelopes (across workers too)
 * instead of allocating one per message, and every envelope is freed. */
// ctest-label: concurrency
#include <stdlib.h>

#include "rt/rt_test.h"

typedef struct counting {
    _Atomic uint64_t msg_allocs, msg_frees;
    _Atomic int64_t bytes;
} counting;

static void *count_fn(void *ud, void *p, size_t osize, size_t nsize, wb_alloc_tag tag) {
    counting *c = ud;
    if (tag == WB_TAG_MESSAGE) {
        if (!p && nsize) atomic_fetch_add(&c->msg_allocs, 1);
        if (p && !nsize) atomic_fetch_add(&c->msg_frees, 1);
    }
    atomic_fetch_add(&c->bytes, (int64_t)nsize - (int64_t)(p ? osize : 0));
    if (!nsize) {
        free(p);
        return NULL;
    }
    return realloc(p, nsize);
}

enum { SLICE = 64 };

static _Atomic uint64_t send_errors; /* counted: asserts belong to the test thread */

typedef struct producer {
    wr_id to;
    uint64_t left, seq;
    uint32_t index;
} producer;

typedef struct sink {
    _Atomic uint64_t got, bad;
    uint64_t next[8];
} sink;

static wr_turn producer_handle(wr_ctx *ctx, const wr_msg *m) {
    producer *p = wr_ctx_state(ctx);
    if (!p->to) memcpy(p, wr_msg_bytes(m, NULL), sizeof *p);
    for (int i = 0; i < SLICE && p->left > 0; i++, p->left--, p->seq++) {
        uint64_t item[2] = {p->index, p->seq};
        if (wr_ctx_send(ctx, p->to, 2, item, sizeof item, NULL) != WB_OK)
            atomic_fetch_add(&send_errors, 1);
    }
    return p->left > 0 ? WR_YIELD : WR_OK;
}

static wb_status sink_init(wr_ctx *ctx, void *arg) {
    *(sink **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

static wr_turn sink_handle(wr_ctx *ctx, const wr_msg *m) {
    sink *s = *(sink **)wr_ctx_state(ctx);
    uint64_t item[2];
    memcpy(item, wr_msg_bytes(m, NULL), sizeof item);
    if (item[0] >= 8 || item[1] != s->next[item[0]]++) atomic_fetch_add(&s->bad, 1);
    atomic_fetch_add(&s->got, 1);
    return WR_OK;
}

/* A system of two workers counting its allocations, with a sink spawned. */
static wr_system *open_counted(counting *c, sink *s, wr_id *sid) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 2;
    cfg.allocator = (wb_allocator){count_fn, c};
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    wr_actor_spec sspec = {.name = "sink", .init = sink_init, .handle = sink_handle,
                           .state_size = sizeof(sink *)};
    assert_int_equal(wr_spawn(sys, &sspec, s, sid, NULL), WB_OK);
    return sys;
}

/* Every envelope and byte given back once the system is freed. */
static void close_counted(wr_system *sys, counting *c) {
    wr_system_free(sys);
    assert_int_equal(atomic_load(&c->msg_allocs), atomic_load(&c->msg_frees));
    assert_int_equal(atomic_load(&c->bytes), 0);
}

/* np producers send n messages each to one sink over two workers. */
static void run_traffic(uint32_t np, uint64_t n) {
    counting c = {0};
    sink s = {0};
    wr_id sid;
    wr_system *sys = open_counted(&c, &s, &sid);
    wr_actor_spec pspec = {.name = "producer", .handle = producer_handle,
                           .state_size = sizeof(producer)};
    for (uint32_t i = 0; i < np; i++) {
        wr_id pid;
        assert_int_equal(wr_spawn(sys, &pspec, NULL, &pid, NULL), WB_OK);
        producer setup = {.to = sid, .left = n, .index = i};
        assert_int_equal(wr_send(sys, pid, 1, &setup, sizeof setup, NULL), WB_OK);
    }
    assert_true(WAIT_UNTIL(atomic_load(&s.got) == np * n, 120000 * MS));
    assert_int_equal(atomic_load(&s.bad), 0);
    assert_int_equal(atomic_load(&send_errors), 0);
    uint64_t allocs = atomic_load(&c.msg_allocs);
    printf("# %u x %llu messages: %llu envelopes allocated\n", np, (unsigned long long)n,
           (unsigned long long)allocs);
    /* Recycled: a small fraction of one allocation per message. */
    assert_true(allocs < np * n / 10);
    close_counted(sys, &c);
}

static void one_to_one_recycles(void **state) {
    (void)state;
    run_traffic(1, 200000);
}

/* Producers on both workers: the sink frees envelopes whose home is the
 * other worker, which go home in batches. */
static void four_to_one_recycles(void **state) {
    (void)state;
    run_traffic(4, 50000);
}

/* Messages sent from outside the workers come from the outside threads' pool,
 * which the workers refill once they consumed them: rounds of sends after
 * the first reuse envelopes, and all are freed with the system. */
static void outside_senders_recycle(void **state) {
    (void)state;
    counting c = {0};
    sink s = {0};
    wr_id sid;
    wr_system *sys = open_counted(&c, &s, &sid);
    enum { ROUNDS = 10, PER_ROUND = 2000 };
    for (uint64_t i = 0; i < ROUNDS * PER_ROUND; i++) {
        uint64_t item[2] = {0, i};
        assert_int_equal(wr_send(sys, sid, 2, item, sizeof item, NULL), WB_OK);
        if ((i + 1) % PER_ROUND == 0) assert_true(WAIT_UNTIL(atomic_load(&s.got) == i + 1, 60000 * MS));
    }
    assert_int_equal(atomic_load(&s.bad), 0);
    uint64_t allocs = atomic_load(&c.msg_allocs);
    printf("# %d messages from outside in %d rounds: %llu envelopes allocated\n", ROUNDS * PER_ROUND,
           ROUNDS, (unsigned long long)allocs);
    assert_true(allocs < ROUNDS * PER_ROUND / 2);
    close_counted(sys, &c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_to_one_recycles),
        cmocka_unit_test(four_to_one_recycles),
        cmocka_unit_test(outside_senders_recycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
