/* SPDX-License-Identifier: MIT */
/* Deferred start acknowledgement: a child whose init defers its start is
 * followed by its next sibling only once it calls wr_ctx_started from a
 * handler, and wr_supervisor_start returns only then; a child that exits
 * before acknowledging is a failed start and is restarted. */
// ctest-label: concurrency
#include "rt_test.h"

static _Atomic uint64_t g_b_started_at, g_a_acked_at;
static atomic_int g_a_starts;
static atomic_bool g_fail_first;

enum { TAG_GO = 7 };

/* "a": defers its start, acknowledges 50 ms later from a handler (its own
 * timer), or - the first time when g_fail_first - exits instead. */
static wb_status a_init(wr_ctx *ctx, void *arg) {
    (void)arg;
    wr_ctx_defer_start(ctx);
    wb_error err;
    return wr_send_after(wr_ctx_system(ctx), wr_ctx_self(ctx), wr_ctx_self(ctx), 50 * MS, TAG_GO, NULL, 0,
                         NULL, &err);
}

static wr_turn a_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind != WR_MSG_USER || m->tag != TAG_GO) return WR_OK;
    if (atomic_fetch_add(&g_a_starts, 1) == 0 && atomic_load(&g_fail_first)) {
        wr_ctx_exit(ctx, WR_EXIT_ERROR, "start failed");
        return WR_OK;
    }
    atomic_store(&g_a_acked_at, wb_now_ns());
    wr_ctx_started(ctx);
    return WR_OK;
}

static wb_status b_init(wr_ctx *ctx, void *arg) {
    (void)ctx;
    (void)arg;
    atomic_store(&g_b_started_at, wb_now_ns());
    return WB_OK;
}

static wr_turn noop(wr_ctx *ctx, const wr_msg *m) {
    (void)ctx;
    (void)m;
    return WR_OK;
}

static void run(bool fail_first) {
    atomic_store(&g_b_started_at, 0);
    atomic_store(&g_a_acked_at, 0);
    atomic_store(&g_a_starts, 0);
    atomic_store(&g_fail_first, fail_first);
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 2;
    wr_system *sys = NULL;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    static const wr_actor_spec a = {.name = "a", .init = a_init, .handle = a_handle};
    static const wr_actor_spec b = {.name = "b", .init = b_init, .handle = noop};
    wr_child_spec kids[2] = {{.name = "a", .actor = &a, .restart = WR_PERMANENT},
                             {.name = "b", .actor = &b, .restart = WR_PERMANENT}};
    wr_sup_spec spec = {.name = "sup", .strategy = WR_ONE_FOR_ONE, .intensity = 5,
                        .period_ns = 5000 * MS, .children = kids, .nchildren = 2};
    wr_id sup = 0;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    uint64_t returned = wb_now_ns();
    if (!fail_first) {
        /* returned once a acknowledged (>= 50 ms), and b started after that */
        uint64_t acked = atomic_load(&g_a_acked_at);
        assert_true(acked != 0 && returned >= acked);
        assert_true(acked - t0 >= 50 * MS);
        assert_true(atomic_load(&g_b_started_at) >= acked);
        assert_int_equal(atomic_load(&g_a_starts), 1);
    } else {
        /* a failed start is restarted like a crash (and b goes on) */
        for (int i = 0; i < 5000 && !atomic_load(&g_a_acked_at); i++) wb_sleep_ns(MS);
        assert_true(atomic_load(&g_a_acked_at) != 0);
        assert_int_equal(atomic_load(&g_a_starts), 2);
        assert_true(atomic_load(&g_b_started_at) != 0);
        wr_system_stats st;
        wr_system_stats_get(sys, &st);
        assert_true(st.restarts >= 1);
    }
    wr_system_free(sys);
}

static void deferred_ack_orders_siblings(void **state) {
    (void)state;
    run(false);
}

static void exit_before_ack_restarts(void **state) {
    (void)state;
    run(true);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deferred_ack_orders_siblings),
        cmocka_unit_test(exit_before_ack_restarts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
