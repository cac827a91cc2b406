/* SPDX-License-Identifier: MIT */
/* The system object: allocator hook accounting and fault injection, config,
 * events stream, shutdown semantics. */
// ctest-label: concurrency
#include <stdlib.h>

#include "rt/rt_test.h"

/* A counting allocator that can fail every allocation after the Nth. */
typedef struct acct {
    _Atomic int64_t bytes[WB_TAG_COUNT_];
    _Atomic int64_t allocs;
    _Atomic int64_t fail_after; /* -1: never */
} acct;

static void *acct_fn(void *ud, void *ptr, size_t osize, size_t nsize, wb_alloc_tag tag) {
    acct *a = ud;
    if (nsize == 0) {
        if (ptr) atomic_fetch_sub(&a->bytes[tag], (int64_t)osize);
        free(ptr);
        return NULL;
    }
    int64_t fa = atomic_load(&a->fail_after);
    if (fa >= 0 && atomic_fetch_add(&a->allocs, 1) >= fa) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) atomic_fetch_add(&a->bytes[tag], (int64_t)nsize - (int64_t)(ptr ? osize : 0));
    return p;
}

static int64_t acct_total(acct *a) {
    int64_t t = 0;
    for (int i = 0; i < WB_TAG_COUNT_; i++) t += atomic_load(&a->bytes[i]);
    return t;
}

static wr_turn echo(wr_ctx *ctx, const wr_msg *m) {
    if (m->tag == 1) wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}
static const wr_actor_spec big_state = {.handle = echo, .state_size = 4096};
static const wr_actor_spec small_state = {.handle = echo, .state_size = 16};

static void allocator_accounts_every_byte(void **state) {
    (void)state;
    acct a = {.fail_after = -1};
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 2;
    cfg.max_actors = 10000;
    cfg.allocator = (wb_allocator){acct_fn, &a};
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    for (int i = 0; i < 1000; i++) {
        wr_id id;
        assert_int_equal(wr_spawn(sys, i % 2 ? &big_state : &small_state, NULL, &id, NULL), WB_OK);
        assert_int_equal(wr_send(sys, id, 0, NULL, 0, NULL), WB_OK);
    }
    assert_true(atomic_load(&a.bytes[WB_TAG_ACTOR]) > 0);   /* slots and big states */
    assert_true(atomic_load(&a.bytes[WB_TAG_GENERIC]) > 0); /* system tables */
    wr_system_free(sys);
    assert_int_equal(acct_total(&a), 0); /* everything went back through the hook */
}

static void allocation_failures_are_statuses(void **state) {
    (void)state;
    for (int64_t n = 0; n < 40; n++) {
        acct a = {.fail_after = n};
        wr_config cfg;
        wr_config_default(&cfg);
        cfg.workers = 1;
        cfg.max_actors = 8192;
        cfg.allocator = (wb_allocator){acct_fn, &a};
        wr_system *sys = NULL;
        wb_error err;
        wb_status st = wr_system_new(&cfg, &sys, &err);
        if (st != WB_OK) {
            assert_int_equal(st, WB_NOMEM);
            assert_null(sys);
            assert_int_equal(acct_total(&a), 0);
            continue;
        }
        /* the system is up; later allocations fail: spawns and sends say so */
        for (int i = 0; i < 10; i++) {
            wr_id id;
            st = wr_spawn(sys, &big_state, NULL, &id, &err);
            assert_true(st == WB_OK || st == WB_NOMEM);
            if (st == WB_OK) {
                st = wr_send(sys, id, 1, "0123456789012345678901234567890123456789", 40, &err);
                assert_true(st == WB_OK || st == WB_NOMEM);
            }
        }
        atomic_store(&a.fail_after, -1); /* let shutdown proceed normally */
        wr_system_free(sys);
        assert_int_equal(acct_total(&a), 0);
    }
}

static void config_is_checked(void **state) {
    (void)state;
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 100000;
    wr_system *sys = (wr_system *)&cfg;
    wb_error err;
    assert_int_equal(wr_system_new(&cfg, &sys, &err), WB_INVALID_ARG);
    assert_null(sys);
    assert_int_equal(wr_system_new(NULL, NULL, &err), WB_INVALID_ARG);
    assert_int_equal(wr_system_new(NULL, &sys, &err), WB_OK); /* defaults */
    assert_true(wr_system_workers(sys) >= 1);
    static const wr_actor_spec no_handle = {0};
    wr_id id;
    assert_int_equal(wr_spawn(sys, &no_handle, NULL, &id, &err), WB_INVALID_ARG);
    wr_actor_spec bad_policy = {.handle = echo, .mailbox_policy = 9};
    assert_int_equal(wr_spawn(sys, &bad_policy, NULL, &id, &err), WB_INVALID_ARG);
    assert_int_equal(wr_exit(sys, 0, 12345, WR_EXIT_ERROR, NULL, &err), WB_DEAD);
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, 12345, &st), WB_DEAD);
    assert_int_equal(wr_system_shutdown(sys, 100 * MS), WB_OK);
    assert_int_equal(wr_spawn(sys, &small_state, NULL, &id, &err), WB_CLOSED);
    wr_system_free(sys);
    wr_system_free(NULL);
    /* bad arguments are statuses, never crashes */
    wr_system_stats ss;
    wr_system_stats_get(NULL, &ss);
    wr_events_unsubscribe(NULL, 1);
    assert_int_equal(wr_supervisor_child(NULL, 1, "x"), 0);
    size_t n;
    assert_int_equal(wr_supervisor_history(NULL, 1, "x", NULL, 0, &n), WB_NOT_FOUND);
    assert_int_equal(wr_supervisor_history(NULL, 1, "x", NULL, 0, NULL), WB_INVALID_ARG);
    assert_int_equal(wr_send(NULL, 1, 0, NULL, 0, NULL), WB_INVALID_ARG);
    assert_int_equal(wr_timer_cancel(NULL, 1), WB_INVALID_ARG);
    assert_int_equal(wr_lookup(NULL, "x"), 0);
    assert_false(wr_alive(NULL, 1));
}

static void event_stream(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe obs;
    probe_init(&obs);
    wr_id o;
    assert_int_equal(wr_spawn(sys, &probe_spec, &obs, &o, NULL), WB_OK);
    assert_int_equal(wr_events_subscribe(sys, o, WR_EV_ALL, NULL), WB_OK);
    wr_actor_spec bounded = {.handle = echo, .mailbox_capacity = 1, .mailbox_policy = WR_MAILBOX_DROP_NEWEST};
    wr_id id;
    assert_int_equal(wr_spawn(sys, &bounded, NULL, &id, NULL), WB_OK);
    /* it may run in between: send until one is dropped */
    wr_actor_stats st = {0};
    for (int i = 0; i < 100000 && st.drops == 0; i++) {
        assert_int_equal(wr_send(sys, id, 0, NULL, 0, NULL), WB_OK);
        assert_int_equal(wr_actor_stats_get(sys, id, &st), WB_OK);
    }
    assert_true(st.drops > 0);
    assert_int_equal(wr_exit(sys, 0, id, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    bool spawn = false, drop = false, exit_ = false;
    assert_true(WAIT_UNTIL((spawn && drop && exit_) || ({
        for (size_t i = 0; i < atomic_load(&obs.n); i++) {
            wr_event *e = &obs.recs[i].ev;
            if (e->actor != id) continue;
            spawn |= e->type == WR_EV_SPAWN;
            drop |= e->type == WR_EV_DROP && e->aux == WR_MAILBOX_DROP_NEWEST;
            exit_ |= e->type == WR_EV_EXIT;
        }
        spawn && drop && exit_;
    }), 5000 * MS));
    wr_events_unsubscribe(sys, o);
    size_t n = atomic_load(&obs.n);
    assert_int_equal(wr_spawn(sys, &small_state, NULL, &id, NULL), WB_OK);
    wb_sleep_ns(30 * MS);
    assert_int_equal(atomic_load(&obs.n), n);
    wr_event ev;
    wr_msg fake = {.kind = WR_MSG_USER};
    assert_false(wr_msg_event(&fake, &ev));
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocator_accounts_every_byte),
        cmocka_unit_test(allocation_failures_are_statuses),
        cmocka_unit_test(config_is_checked),
        cmocka_unit_test(event_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
