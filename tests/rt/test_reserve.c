/* SPDX-License-Identifier: MIT */
/* What the runtime owes an actor is reserved ahead: with every allocation
 * failing, a kill still stops its victim, linked and monitoring actors still
 * get EXIT and DOWN, a parked sender is still unparked and a supervised
 * child's start is still acknowledged. What cannot be reserved (an interval's
 * tick) is counted as lost, with an event. */
// ctest-label: concurrency
#include "rt/fail_alloc.h"
#include "rt/rt_test.h"

static wr_system *faulty_system(fail_alloc *fa, unsigned workers) {
    fail_alloc_init(fa);
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    cfg.allocator = fail_alloc_hook(fa);
    wr_system *sys = NULL;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    return sys;
}

static void free_checked(wr_system *sys, fail_alloc *fa) {
    wr_system_free(sys);
    assert_int_equal(fail_alloc_live(fa), 0);
}

static wr_turn idle_handle(wr_ctx *ctx, const wr_msg *m) { (void)ctx, (void)m; return WR_OK; }
static const wr_actor_spec idle_spec = {.name = "idle", .handle = idle_handle};

/* Envelopes are recycled through per-thread pools, which would hide a
 * failing allocator from the paths under test. The hoarder keeps whatever it
 * gets (an await that never ends), so sending it more envelopes than a pool
 * holds leaves that pool empty: the next envelope needed is a fresh
 * allocation, which fails once the allocator is armed. */
static wb_status hoarder_init(wr_ctx *ctx, void *arg) {
    (void)arg;
    wr_ctx_await(ctx, UINT64_MAX);
    return WB_OK;
}
static const wr_actor_spec hoarder_spec = {.name = "hoarder", .init = hoarder_init, .handle = idle_handle};
static wr_id hoarder; /* of the running test */

enum { DRAIN = 4000 }; /* above what a fresh system's pools hold, below the soft limit */

static void drain_worker_pool(wr_ctx *ctx) {
    for (int i = 0; i < DRAIN; i++) assert_int_equal(wr_ctx_send(ctx, hoarder, 0, NULL, 0, NULL), WB_OK);
}

/* The outside threads' pool, once the worker went idle and returned what it
 * freed of ours (INIT envelopes of our spawns). */
static void drain_outside_pool(wr_system *sys) {
    wr_actor_stats st;
    assert_true(WAIT_UNTIL(wr_actor_stats_get(sys, hoarder, &st) == WB_OK && st.mailbox_len == 0, 5000 * MS));
    wb_sleep_ns(10 * MS); /* the worker's batch of returns goes home when it idles */
    for (int i = 0; i < 200; i++) assert_int_equal(wr_send(sys, hoarder, 0, NULL, 0, NULL), WB_OK);
}

/* ---- exits and downs -------------------------------------------------------- */

typedef struct watcher {
    probe *p;
    wr_id child, other;
    _Atomic int ready;
} watcher;

static wb_status watcher_init(wr_ctx *ctx, void *arg) {
    watcher *w = arg;
    *(probe **)wr_ctx_state(ctx) = w->p;
    wr_ctx_trap_exit(ctx, true);
    assert_int_equal(wr_ctx_spawn(ctx, &idle_spec, NULL, WR_SPAWN_LINK | WR_SPAWN_MONITOR, &w->child, NULL, NULL),
                     WB_OK);
    assert_int_equal(wr_ctx_link(ctx, w->other, NULL), WB_OK);
    assert_int_equal(wr_ctx_monitor(ctx, w->other, NULL, NULL), WB_OK);
    /* After the LINK and MONITOR signals: once other has it, it has them. */
    assert_int_equal(wr_ctx_send(ctx, w->other, 3, NULL, 0, NULL), WB_OK);
    drain_worker_pool(ctx);
    atomic_store(&w->ready, 1);
    return WB_OK;
}

static void exits_need_no_memory(void **state) {
    (void)state;
    fail_alloc fa;
    wr_system *sys = faulty_system(&fa, 1);
    assert_int_equal(wr_spawn(sys, &hoarder_spec, NULL, &hoarder, NULL), WB_OK);
    probe p, po;
    probe_init(&p);
    probe_init(&po);
    watcher w = {.p = &p};
    assert_int_equal(wr_spawn(sys, &probe_spec, &po, &w.other, NULL), WB_OK);
    wr_actor_spec spec = probe_spec;
    spec.init = watcher_init;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &w, &id, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&w.ready) && atomic_load(&po.n) == 1, 5000 * MS));
    drain_outside_pool(sys);
    fail_alloc_arm(&fa, 1, FAIL_FROM_ON, FAIL_ANY_TAG); /* nothing can be allocated any more */
    uint64_t before = atomic_load(&fa.total);
    assert_int_equal(wr_exit(sys, 0, w.child, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_int_equal(wr_exit(sys, 0, w.other, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(probe_count_kind(&p, WR_MSG_EXIT) == 2 && probe_count_kind(&p, WR_MSG_DOWN) == 2,
                           5000 * MS));
    for (size_t i = 0; i < 4; i++) assert_int_equal(p.recs[i].tag, WR_EXIT_KILLED);
    assert_int_equal(atomic_load(&fa.total), before); /* not one allocation was tried */
    free_checked(sys, &fa); /* the shutdown needs no memory either */
}

/* A link or monitor that cannot be reserved fails when it is made. */
typedef struct linker {
    wr_id other;
    fail_alloc *fa;
    _Atomic int done;
    wb_status st[4];
} linker;

static wb_status linker_init(wr_ctx *ctx, void *arg) {
    linker *k = arg;
    wr_ctx_trap_exit(ctx, true);
    for (uint64_t n = 1; n <= 2; n++) { /* entry + notice, then the signal */
        fail_alloc_arm(k->fa, n, FAIL_ONCE, FAIL_ANY_TAG);
        k->st[n - 1] = wr_ctx_link(ctx, k->other, NULL);
        fail_alloc_arm(k->fa, n, FAIL_ONCE, FAIL_ANY_TAG);
        uint64_t ref = 0;
        k->st[n + 1] = wr_ctx_monitor(ctx, k->other, &ref, NULL);
    }
    fail_alloc_disarm(k->fa);
    atomic_store(&k->done, 1);
    return WB_OK;
}

static void link_fails_when_made(void **state) {
    (void)state;
    fail_alloc fa;
    wr_system *sys = faulty_system(&fa, 1);
    linker k = {.fa = &fa};
    assert_int_equal(wr_spawn(sys, &idle_spec, NULL, &k.other, NULL), WB_OK);
    wr_actor_spec spec = {.name = "linker", .init = linker_init, .handle = idle_handle};
    assert_int_equal(wr_spawn(sys, &spec, &k, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&k.done), 5000 * MS));
    for (int i = 0; i < 4; i++) assert_int_equal(k.st[i], WB_NOMEM);
    free_checked(sys, &fa);
}

/* ---- unpark ----------------------------------------------------------------- */

static _Atomic int gate_entered, gate_open;

/* Blocks on its first message, then keeps it and all later ones (nothing it
 * gets returns to a pool before its turn ends and wakes its waiters). */
static wr_turn gate_handle(wr_ctx *ctx, const wr_msg *m) {
    (void)m;
    wr_ctx_await(ctx, UINT64_MAX);
    atomic_store(&gate_entered, 1);
    while (!atomic_load(&gate_open)) wb_sleep_ns(100000);
    return WR_YIELD;
}

typedef struct flooder {
    probe *p;
    wr_id target;
} flooder;

static wb_status flooder_init(wr_ctx *ctx, void *arg) {
    flooder *f = arg;
    *(probe **)wr_ctx_state(ctx) = f->p;
    drain_worker_pool(ctx);
    for (uint32_t i = 0; i < 3; i++) assert_int_equal(wr_ctx_send(ctx, f->target, 1, NULL, 0, NULL), WB_OK);
    return WB_OK; /* parked: the target holds 1 */
}

static void unpark_needs_no_memory(void **state) {
    (void)state;
    atomic_store(&gate_entered, 0);
    atomic_store(&gate_open, 0);
    fail_alloc fa;
    wr_system *sys = faulty_system(&fa, 1);
    assert_int_equal(wr_spawn(sys, &hoarder_spec, NULL, &hoarder, NULL), WB_OK);
    probe p;
    probe_init(&p);
    flooder f = {.p = &p};
    wr_actor_spec gate = {.name = "gate", .handle = gate_handle, .mailbox_capacity = 1};
    assert_int_equal(wr_spawn(sys, &gate, NULL, &f.target, NULL), WB_OK);
    wr_actor_spec spec = probe_spec;
    spec.init = flooder_init;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &f, &id, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&gate_entered), 5000 * MS)); /* the one worker is held */
    assert_int_equal(wr_send(sys, id, 42, NULL, 0, NULL), WB_OK); /* kept aside while parked */
    fail_alloc_arm(&fa, 1, FAIL_FROM_ON, FAIL_ANY_TAG);
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 1, 5000 * MS));
    assert_int_equal(p.recs[0].tag, 42);
    free_checked(sys, &fa);
}

/* ---- supervised starts and restarts ---------------------------------------------- */

static fail_alloc *starve_on_init; /* the child's init takes every allocation away */

static wb_status starving_init(wr_ctx *ctx, void *arg) {
    (void)arg;
    if (!starve_on_init) return WB_OK;
    drain_worker_pool(ctx);
    fail_alloc_arm(starve_on_init, 1, FAIL_FROM_ON, FAIL_ANY_TAG);
    return WB_OK;
}

typedef struct sup_watch {
    probe *p;
    wr_id sup;
    _Atomic int ready;
} sup_watch;

static wb_status sup_watch_init(wr_ctx *ctx, void *arg) {
    sup_watch *s = arg;
    *(probe **)wr_ctx_state(ctx) = s->p;
    assert_int_equal(wr_ctx_monitor(ctx, s->sup, NULL, NULL), WB_OK);
    atomic_store(&s->ready, 1); /* the MONITOR is queued ahead of any exit of ours */
    return WB_OK;
}

static void start_ack_and_restart_failure(void **state) {
    (void)state;
    fail_alloc fa;
    wr_system *sys = faulty_system(&fa, 1);
    assert_int_equal(wr_spawn(sys, &hoarder_spec, NULL, &hoarder, NULL), WB_OK);
    starve_on_init = &fa;
    wr_actor_spec child = {.name = "child", .init = starving_init, .handle = idle_handle};
    wr_child_spec kids[] = {{.name = "c", .actor = &child, .restart = WR_PERMANENT}};
    wr_sup_spec ss = {.name = "top", .strategy = WR_ONE_FOR_ONE, .intensity = 10, .period_ns = 1000 * MS,
                      .children = kids, .nchildren = 1};
    /* The top supervisor's start ack is the child's: it must arrive with no
     * memory left, and the call returns only once it did. */
    wr_id sup;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_supervisor_start(sys, &ss, &sup, NULL), WB_OK);
    assert_true(wb_now_ns() - t0 < 2000 * MS);
    wr_id c = wr_supervisor_child(sys, sup, "c");
    assert_true(c != 0);
    /* Now a crash: the exit reaches the supervisor, the restart cannot be
     * had, and the supervisor fails loudly (its monitor sees why). */
    fail_alloc_disarm(&fa);
    starve_on_init = NULL;
    probe p;
    probe_init(&p);
    sup_watch sw = {.p = &p, .sup = sup};
    wr_actor_spec watch = probe_spec;
    watch.init = sup_watch_init;
    assert_int_equal(wr_spawn(sys, &watch, &sw, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&sw.ready), 5000 * MS));
    fail_alloc_arm(&fa, 1, FAIL_FROM_ON, FAIL_ANY_TAG);
    assert_int_equal(wr_exit(sys, 0, c, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(probe_count_kind(&p, WR_MSG_DOWN) == 1, 5000 * MS));
    assert_int_equal(p.recs[0].tag, WR_EXIT_ERROR);
    printf("# supervisor down: %s\n", p.recs[0].text);
    assert_non_null(strstr(p.recs[0].text, "memory"));
    free_checked(sys, &fa);
}

/* ---- what cannot be reserved is counted ---------------------------------------------- */

typedef struct holder {
    _Atomic int ticks, ready;
} holder;

/* Keeps every tick aside for 100 ms (so no envelope comes back for reuse). */
static wb_status holder_init(wr_ctx *ctx, void *arg) {
    *(holder **)wr_ctx_state(ctx) = arg;
    uint64_t corr;
    assert_int_equal(wr_ctx_sleep(ctx, 100 * MS, &corr, NULL), WB_OK);
    wr_ctx_await(ctx, corr);
    atomic_store(&((holder *)arg)->ready, 1);
    return WB_OK;
}

static wr_turn holder_handle(wr_ctx *ctx, const wr_msg *m) {
    holder *h = *(holder **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 7) atomic_fetch_add(&h->ticks, 1);
    return WR_OK;
}

static void lost_tick_is_counted(void **state) {
    (void)state;
    fail_alloc fa;
    wr_system *sys = faulty_system(&fa, 1);
    probe obs;
    probe_init(&obs);
    wr_id o;
    assert_int_equal(wr_spawn(sys, &probe_spec, &obs, &o, NULL), WB_OK);
    assert_int_equal(wr_events_subscribe(sys, o, WR_EV_MASK(WR_EV_LOST), NULL), WB_OK);
    holder h = {0};
    wr_actor_spec spec = {.name = "holder", .init = holder_init, .handle = holder_handle,
                          .state_size = sizeof(holder *)};
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &h, &id, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&h.ready), 5000 * MS)); /* its sleep is not what fails */
    uint64_t timer;
    assert_int_equal(wr_send_interval(sys, 0, id, 1 * MS, 7, "t", 1, &timer, NULL), WB_OK);
    fail_alloc_arm(&fa, 1, FAIL_ONCE, WB_TAG_MESSAGE); /* the first tick that needs a new envelope */
    wr_system_stats ss;
    assert_true(WAIT_UNTIL((wr_system_stats_get(sys, &ss), ss.lost == 1), 5000 * MS));
    assert_true(WAIT_UNTIL(atomic_load(&obs.n) == 1, 5000 * MS));
    assert_int_equal(obs.recs[0].ev.type, WR_EV_LOST);
    assert_int_equal(obs.recs[0].ev.actor, id);
    assert_int_equal(obs.recs[0].ev.aux, WR_MSG_USER);
    /* The interval goes on. */
    assert_true(WAIT_UNTIL(atomic_load(&h.ticks) >= 20, 5000 * MS));
    assert_int_equal(wr_timer_cancel(sys, timer), WB_OK);
    wr_system_stats_get(sys, &ss);
    assert_int_equal(ss.lost, 1);
    free_checked(sys, &fa);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exits_need_no_memory),
        cmocka_unit_test(link_fails_when_made),
        cmocka_unit_test(unpark_needs_no_memory),
        cmocka_unit_test(start_ack_and_restart_failure),
        cmocka_unit_test(lost_tick_is_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
