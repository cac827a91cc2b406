/* SPDX-License-Identifier: MIT */
/* Supervisors: strategies, restart policies, intensity, backoff, nesting,
 * dynamic children and restart history. */
// ctest-label: concurrency
#include "rt/rt_test.h"

enum { T_CRASH = 66, T_NORMAL = 67, T_TRAP = 68 };

typedef struct log_rec {
    char name[16];
    int what; /* 0 init, 1 terminate */
    int kind;
    wr_id id;
    uint64_t time_ns;
} log_rec;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static log_rec log_v[1024];
static _Atomic size_t log_n;

static void log_add(const char *name, int what, int kind, wr_id id) {
    pthread_mutex_lock(&log_lock);
    size_t n = atomic_load(&log_n);
    if (n < 1024) {
        snprintf(log_v[n].name, sizeof log_v[n].name, "%s", name);
        log_v[n].what = what;
        log_v[n].kind = kind;
        log_v[n].id = id;
        log_v[n].time_ns = wb_now_ns();
        atomic_store(&log_n, n + 1);
    }
    pthread_mutex_unlock(&log_lock);
}

static void log_reset(void) { atomic_store(&log_n, 0); }

static wb_status w_init(wr_ctx *ctx, void *arg) {
    *(const char **)wr_ctx_state(ctx) = arg;
    log_add(arg, 0, 0, wr_ctx_self(ctx));
    return WB_OK;
}
static wr_turn w_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind != WR_MSG_USER) return WR_OK; /* trapped exits are ignored */
    if (m->tag == T_CRASH) wr_ctx_exit(ctx, WR_EXIT_ERROR, "crash");
    if (m->tag == T_NORMAL) wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    if (m->tag == T_TRAP) wr_ctx_trap_exit(ctx, true);
    return WR_OK;
}
static void w_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    log_add(*(const char **)wr_ctx_state(ctx), 1, why, wr_ctx_self(ctx));
}
static const wr_actor_spec worker = {.name = "w", .init = w_init, .handle = w_handle,
                                     .terminate = w_terminate, .state_size = sizeof(char *)};

#define CHILD(n, r) {.name = n, .actor = &worker, .arg = n, .restart = r, .shutdown_ns = 100 * MS}

static wr_id child(wr_system *sys, wr_id sup, const char *name) { return wr_supervisor_child(sys, sup, name); }

/* Waits until the child runs under a new id; returns it. */
static wr_id await_new(wr_system *sys, wr_id sup, const char *name, wr_id old) {
    wr_id id = 0;
    assert_true(WAIT_UNTIL((id = child(sys, sup, name)) != 0 && id != old, 5000 * MS));
    return id;
}

static void crash(wr_system *sys, wr_id id) { assert_int_equal(wr_send(sys, id, T_CRASH, NULL, 0, NULL), WB_OK); }

/* Index in the log of the init of `name` after position `from`. */
static size_t init_pos(const char *name, size_t from) {
    for (size_t i = from; i < atomic_load(&log_n); i++)
        if (log_v[i].what == 0 && !strcmp(log_v[i].name, name)) return i;
    return SIZE_MAX;
}

static void strategy_case(wr_strategy strategy, const bool restarted[3]) {
    wr_system *sys = test_system(2);
    log_reset();
    const wr_child_spec kids[] = {CHILD("a", WR_PERMANENT), CHILD("b", WR_PERMANENT), CHILD("c", WR_PERMANENT)};
    wr_sup_spec spec = {.name = "top", .strategy = strategy, .intensity = 5, .period_ns = 5000 * MS,
                        .children = kids, .nchildren = 3};
    wr_id sup;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    const char *names[3] = {"a", "b", "c"};
    wr_id before[3], after[3];
    for (int i = 0; i < 3; i++) assert_true(WAIT_UNTIL((before[i] = child(sys, sup, names[i])) != 0, 5000 * MS));
    assert_true(init_pos("a", 0) < init_pos("b", 0) && init_pos("b", 0) < init_pos("c", 0));
    size_t mark = atomic_load(&log_n);
    crash(sys, before[1]);
    for (int i = 0; i < 3; i++)
        if (restarted[i]) await_new(sys, sup, names[i], before[i]);
    wb_sleep_ns(30 * MS);
    for (int i = 0; i < 3; i++) {
        after[i] = child(sys, sup, names[i]);
        if (restarted[i]) assert_int_not_equal(after[i], before[i]);
        else assert_int_equal(after[i], before[i]);
    }
    /* restarted in start order */
    size_t last = mark;
    for (int i = 0; i < 3; i++) {
        if (!restarted[i]) {
            assert_int_equal(init_pos(names[i], mark), SIZE_MAX);
            continue;
        }
        size_t pos = init_pos(names[i], mark);
        assert_true(pos != SIZE_MAX && pos >= last);
        last = pos;
    }
    wr_restart_entry h[4];
    size_t n;
    assert_int_equal(wr_supervisor_history(sys, sup, "b", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].reason, WR_EXIT_ERROR);
    assert_int_equal(h[0].old_id, before[1]);
    assert_int_equal(h[0].new_id, after[1]);
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, after[1], &st), WB_OK);
    assert_int_equal(st.restarts, 1);
    wr_system_free(sys);
    /* every actor's terminate ran at shutdown: 3 inits + restarts = terminates */
    size_t inits = 0, terms = 0;
    for (size_t i = 0; i < atomic_load(&log_n); i++) {
        if (log_v[i].what) terms++;
        else inits++;
    }
    assert_int_equal(inits, terms);
}

static void one_for_one(void **state) {
    (void)state;
    strategy_case(WR_ONE_FOR_ONE, (const bool[3]){false, true, false});
}
static void one_for_all(void **state) {
    (void)state;
    strategy_case(WR_ONE_FOR_ALL, (const bool[3]){true, true, true});
}
static void rest_for_one(void **state) {
    (void)state;
    strategy_case(WR_REST_FOR_ONE, (const bool[3]){false, true, true});
}

/* intensity 4: the fifth crash in the window takes the supervisor down and
 * both a monitor and the parent supervisor see why. */
static wr_turn watch_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 1) {
        wr_id target;
        memcpy(&target, wr_msg_bytes(m, NULL), sizeof target);
        wr_ctx_monitor(ctx, target, NULL, NULL);
    }
    probe_record(p, m);
    return WR_OK;
}

static void intensity_takes_supervisor_down(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    static const wr_child_spec inner_kids[] = {CHILD("x", WR_PERMANENT)};
    static const wr_sup_spec inner = {.name = "inner", .strategy = WR_ONE_FOR_ONE, .intensity = 4,
                                      .period_ns = 10000 * MS, .children = inner_kids, .nchildren = 1};
    const wr_child_spec outer_kids[] = {{.name = "inner", .sup = &inner, .restart = WR_PERMANENT,
                                         .shutdown_ns = 100 * MS}};
    wr_sup_spec outer = {.name = "outer", .strategy = WR_ONE_FOR_ONE, .intensity = 3, .period_ns = 10000 * MS,
                         .children = outer_kids, .nchildren = 1};
    wr_id top, in;
    assert_int_equal(wr_supervisor_start(sys, &outer, &top, NULL), WB_OK);
    assert_true(WAIT_UNTIL((in = child(sys, top, "inner")) != 0, 5000 * MS));
    probe p;
    probe_init(&p);
    wr_actor_spec ws = probe_spec;
    ws.handle = watch_handle;
    wr_id watcher;
    assert_int_equal(wr_spawn(sys, &ws, &p, &watcher, NULL), WB_OK);
    assert_int_equal(wr_send(sys, watcher, 1, &in, sizeof in, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 1, 5000 * MS));
    wr_id x = 0;
    assert_true(WAIT_UNTIL((x = child(sys, in, "x")) != 0, 5000 * MS));
    for (int i = 0; i < 4; i++) {
        crash(sys, x);
        x = await_new(sys, in, "x", x);
    }
    assert_true(wr_alive(sys, in));
    crash(sys, x); /* the fifth */
    assert_true(WAIT_UNTIL(probe_count_kind(&p, WR_MSG_DOWN) == 1, 5000 * MS));
    assert_int_equal(p.recs[1].tag, WR_EXIT_ERROR);
    assert_non_null(strstr(p.recs[1].text, "intensity"));
    /* the parent restarted the inner supervisor and recorded why */
    wr_id in2 = await_new(sys, top, "inner", in);
    assert_int_not_equal(in2, in);
    wr_restart_entry h[4];
    size_t n;
    assert_int_equal(wr_supervisor_history(sys, top, "inner", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].reason, WR_EXIT_ERROR);
    assert_true(WAIT_UNTIL(child(sys, in2, "x") != 0, 5000 * MS));
    wr_system_free(sys);
}

static void exponential_backoff_delays(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    const wr_child_spec kids[] = {{.name = "e", .actor = &worker, .arg = "e", .restart = WR_PERMANENT,
                                   .shutdown_ns = 100 * MS,
                                   .backoff = {.kind = WR_BACKOFF_EXPONENTIAL, .base_ns = 20 * MS,
                                               .max_ns = 120 * MS}}};
    wr_sup_spec spec = {.name = "bo", .intensity = 10, .period_ns = 10000 * MS, .children = kids, .nchildren = 1};
    wr_id sup, e = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((e = child(sys, sup, "e")) != 0, 5000 * MS));
    const uint64_t expect[] = {20, 40, 80, 120, 120};
    for (int i = 0; i < 5; i++) {
        uint64_t t0 = wb_now_ns();
        crash(sys, e);
        e = await_new(sys, sup, "e", e);
        size_t pos = SIZE_MAX;
        for (size_t k = 0; k < atomic_load(&log_n); k++)
            if (log_v[k].what == 0 && log_v[k].id == e) pos = k;
        assert_true(pos != SIZE_MAX);
        uint64_t took = log_v[pos].time_ns - t0;
        assert_true(took >= expect[i] * MS);
        assert_true(took < expect[i] * MS + 150 * MS); /* generous for sanitizers */
    }
    wr_restart_entry h[8];
    size_t n;
    assert_int_equal(wr_supervisor_history(sys, sup, "e", h, 8, &n), WB_OK);
    assert_int_equal(n, 5);
    for (int i = 0; i < 5; i++) assert_int_equal(h[i].delay_ns, expect[i] * MS);
    wr_system_free(sys);
}

static void backoff_resets_after_quiet_period(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    const wr_child_spec kids[] = {{.name = "r", .actor = &worker, .arg = "r", .restart = WR_PERMANENT,
                                   .backoff = {.kind = WR_BACKOFF_LINEAR, .base_ns = 5 * MS,
                                               .reset_ns = 60 * MS}}};
    wr_sup_spec spec = {.name = "rs", .intensity = 10, .period_ns = 10000 * MS, .children = kids, .nchildren = 1};
    wr_id sup, r = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((r = child(sys, sup, "r")) != 0, 5000 * MS));
    crash(sys, r);
    r = await_new(sys, sup, "r", r);
    crash(sys, r);
    r = await_new(sys, sup, "r", r);
    wb_sleep_ns(100 * MS);
    crash(sys, r);
    r = await_new(sys, sup, "r", r);
    wr_restart_entry h[8];
    size_t n;
    assert_int_equal(wr_supervisor_history(sys, sup, "r", h, 8, &n), WB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(h[0].delay_ns, 5 * MS);
    assert_int_equal(h[1].delay_ns, 10 * MS);
    assert_int_equal(h[2].delay_ns, 5 * MS); /* reset */
    wr_system_free(sys);
}

static void transient_and_temporary(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    const wr_child_spec kids[] = {CHILD("t", WR_TRANSIENT), CHILD("tmp", WR_TEMPORARY)};
    wr_sup_spec spec = {.name = "tt", .intensity = 5, .period_ns = 5000 * MS, .children = kids, .nchildren = 2};
    wr_id sup, t = 0, tmp = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((t = child(sys, sup, "t")) != 0 && (tmp = child(sys, sup, "tmp")) != 0, 5000 * MS));
    crash(sys, t); /* abnormal: restarted */
    t = await_new(sys, sup, "t", t);
    assert_int_equal(wr_send(sys, t, T_NORMAL, NULL, 0, NULL), WB_OK); /* normal: not restarted */
    assert_true(WAIT_UNTIL(!wr_alive(sys, t), 5000 * MS));
    crash(sys, tmp); /* temporary: never restarted */
    assert_true(WAIT_UNTIL(!wr_alive(sys, tmp), 5000 * MS));
    wb_sleep_ns(50 * MS);
    assert_int_equal(child(sys, sup, "t"), 0);
    assert_int_equal(child(sys, sup, "tmp"), 0);
    size_t n;
    wr_restart_entry h[4];
    assert_int_equal(wr_supervisor_history(sys, sup, "t", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    wr_system_free(sys);
}

static void dynamic_children_and_kill_after_timeout(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    wr_sup_spec spec = {.name = "dyn", .intensity = 5, .period_ns = 5000 * MS};
    wr_id sup;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    wr_child_spec d = {.name = "d", .actor = &worker, .arg = "d", .restart = WR_PERMANENT, .shutdown_ns = 60 * MS};
    wb_error err;
    assert_int_equal(wr_supervisor_start_child(sys, sup, &d, &err), WB_OK);
    assert_int_equal(wr_supervisor_start_child(sys, sup, &d, &err), WB_EXISTS);
    wr_id id = 0;
    assert_true(WAIT_UNTIL((id = child(sys, sup, "d")) != 0, 5000 * MS));
    crash(sys, id); /* supervised like a static child */
    id = await_new(sys, sup, "d", id);
    /* it traps exits and ignores the shutdown: killed after 60 ms */
    assert_int_equal(wr_send(sys, id, T_TRAP, NULL, 0, NULL), WB_OK);
    wb_sleep_ns(10 * MS);
    assert_int_equal(wr_supervisor_delete_child(sys, sup, "d", &err), WB_STATE);
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_supervisor_terminate_child(sys, sup, "d", &err), WB_OK);
    assert_true(WAIT_UNTIL(!wr_alive(sys, id), 5000 * MS));
    assert_true(wb_now_ns() - t0 >= 60 * MS);
    /* not alive once its exit began; terminate runs right after */
    int kind = -1;
    assert_true(WAIT_UNTIL(({
        for (size_t i = 0; i < atomic_load(&log_n); i++)
            if (log_v[i].what == 1 && log_v[i].id == id) kind = log_v[i].kind;
        kind >= 0;
    }), 5000 * MS));
    assert_int_equal(kind, WR_EXIT_KILLED);
    wb_sleep_ns(30 * MS);
    assert_int_equal(child(sys, sup, "d"), 0); /* terminated on request: not restarted */
    size_t n;
    wr_restart_entry h[4];
    assert_int_equal(wr_supervisor_history(sys, sup, "d", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(wr_supervisor_delete_child(sys, sup, "d", &err), WB_OK);
    assert_int_equal(wr_supervisor_history(sys, sup, "d", h, 4, &n), WB_NOT_FOUND);
    /* a supervisor told to shut down stops, and its dynamic child with it */
    assert_int_equal(wr_supervisor_start_child(sys, sup, &d, &err), WB_OK);
    assert_true(WAIT_UNTIL((id = child(sys, sup, "d")) != 0, 5000 * MS));
    assert_int_equal(wr_exit(sys, 0, sup, WR_EXIT_SHUTDOWN, "enough", &err), WB_OK);
    assert_true(WAIT_UNTIL(!wr_alive(sys, sup) && !wr_alive(sys, id), 5000 * MS));
    wr_system_free(sys);
}

static void restart_events(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id obs;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &obs, NULL), WB_OK);
    assert_int_equal(wr_events_subscribe(sys, obs, WR_EV_MASK(WR_EV_RESTART) | WR_EV_MASK(WR_EV_EXIT), NULL), WB_OK);
    const wr_child_spec kids[] = {CHILD("a", WR_PERMANENT)};
    wr_sup_spec spec = {.name = "ev", .intensity = 5, .period_ns = 5000 * MS, .children = kids, .nchildren = 1};
    wr_id sup, a = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((a = child(sys, sup, "a")) != 0, 5000 * MS));
    crash(sys, a);
    wr_id a2 = await_new(sys, sup, "a", a);
    bool saw_exit = false, saw_restart = false;
    assert_true(WAIT_UNTIL(atomic_load(&p.n) >= 2, 5000 * MS));
    for (size_t i = 0; i < atomic_load(&p.n); i++) {
        wr_event *e = &p.recs[i].ev;
        if (e->type == WR_EV_EXIT && e->actor == a && e->aux == WR_EXIT_ERROR) saw_exit = true;
        if (e->type == WR_EV_RESTART && e->actor == a2 && e->other == sup) saw_restart = true;
    }
    assert_true(saw_exit);
    assert_true(saw_restart);
    wr_system_free(sys);
}

/* A child that registers a name in init: an immediate restart finds the
 * name already released by its predecessor. */
static wb_status named_init(wr_ctx *ctx, void *arg) {
    *(const char **)wr_ctx_state(ctx) = arg;
    return wr_register(wr_ctx_system(ctx), "named", wr_ctx_self(ctx), NULL);
}
static const wr_actor_spec named_worker = {.init = named_init, .handle = w_handle,
                                           .state_size = sizeof(char *)};

static void immediate_restart_reuses_name(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    const wr_child_spec kids[] = {{.name = "n", .actor = &named_worker, .arg = "n", .restart = WR_PERMANENT}};
    wr_sup_spec spec = {.name = "nm", .intensity = 10, .period_ns = 10000 * MS, .children = kids, .nchildren = 1};
    wr_id sup, n = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((n = child(sys, sup, "n")) != 0, 5000 * MS));
    for (int i = 0; i < 5; i++) {
        crash(sys, n);
        n = await_new(sys, sup, "n", n);
        assert_int_equal(wr_lookup(sys, "named"), n);
    }
    wr_restart_entry h[8];
    size_t k;
    assert_int_equal(wr_supervisor_history(sys, sup, "n", h, 8, &k), WB_OK);
    assert_int_equal(k, 5); /* only the crashes: no init failed on a taken name */
    wr_system_free(sys);
}

/* A nested supervisor counts as started when its children are: the sibling
 * after it starts only then. */
static void nested_start_order(void **state) {
    (void)state;
    for (int round = 0; round < 5; round++) {
        wr_system *sys = test_system(2);
        log_reset();
        static const wr_child_spec inner_kids[] = {CHILD("a", WR_PERMANENT), CHILD("b", WR_PERMANENT)};
        static const wr_sup_spec inner = {.name = "inner", .intensity = 3, .period_ns = 5000 * MS,
                                          .children = inner_kids, .nchildren = 2};
        const wr_child_spec kids[] = {{.name = "inner", .sup = &inner, .restart = WR_PERMANENT,
                                       .shutdown_ns = 100 * MS},
                                      CHILD("c", WR_PERMANENT)};
        wr_sup_spec spec = {.name = "outer", .intensity = 3, .period_ns = 5000 * MS, .children = kids,
                            .nchildren = 2};
        wr_id sup;
        assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
        /* wr_supervisor_start returned: the whole tree is up */
        assert_true(init_pos("a", 0) < init_pos("b", 0));
        assert_true(init_pos("b", 0) < init_pos("c", 0));
        assert_true(init_pos("c", 0) != SIZE_MAX);
        wr_system_free(sys);
    }
}

/* ---- stop order (issue 8) ----------------------------------------------------
 * Children that take time to stop: a terminate that sleeps (SLOW), a stop
 * that completes on a later message (LATE: it traps exits and quits 20 ms
 * after the shutdown), one that ignores the shutdown and is killed at its
 * deadline (DEAF). The log spells what happened, in order: "x^" init,
 * "x!" init failed (its name was taken), "x?" asked to stop, "x<" terminate
 * began, "x." terminate (".k" when killed), "S#" the supervisor's DOWN. */
enum { T_QUIT = 69 };
enum { K_PLAIN = 0, K_SLOW, K_LATE, K_DEAF };
enum { W_ASKED = 2, W_TERM_BEGIN, W_INIT_FAILED, W_DOWN };

typedef struct kid {
    const char *name;
    int mode;
    const char *reg; /* registered in init when set */
} kid;

static wb_status k_init(wr_ctx *ctx, void *arg) {
    const kid *k = arg;
    *(const kid **)wr_ctx_state(ctx) = k;
    if (k->reg) {
        wb_status st = wr_register(wr_ctx_system(ctx), k->reg, wr_ctx_self(ctx), NULL);
        if (st != WB_OK) {
            log_add(k->name, W_INIT_FAILED, 0, wr_ctx_self(ctx));
            return st;
        }
    }
    if (k->mode == K_LATE || k->mode == K_DEAF) wr_ctx_trap_exit(ctx, true);
    log_add(k->name, 0, 0, wr_ctx_self(ctx));
    return WB_OK;
}

static wr_turn k_handle(wr_ctx *ctx, const wr_msg *m) {
    const kid *k = *(const kid **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_EXIT && m->tag == WR_EXIT_SHUTDOWN) {
        log_add(k->name, W_ASKED, 0, wr_ctx_self(ctx));
        if (k->mode == K_LATE)
            wr_send_after(wr_ctx_system(ctx), wr_ctx_self(ctx), wr_ctx_self(ctx), 20 * MS, T_QUIT, NULL, 0,
                          NULL, NULL);
    } else if (m->kind == WR_MSG_USER && m->tag == T_QUIT) {
        wr_ctx_exit(ctx, WR_EXIT_SHUTDOWN, NULL);
    } else if (m->kind == WR_MSG_USER && m->tag == T_CRASH) {
        wr_ctx_exit(ctx, WR_EXIT_ERROR, "crash");
    }
    return WR_OK;
}

static void k_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    const kid *k = *(const kid **)wr_ctx_state(ctx);
    if (k->mode == K_SLOW) {
        log_add(k->name, W_TERM_BEGIN, why, wr_ctx_self(ctx));
        wb_sleep_ns(15 * MS);
    }
    log_add(k->name, 1, why, wr_ctx_self(ctx));
}

static const wr_actor_spec kid_actor = {.name = "kid", .init = k_init, .handle = k_handle,
                                        .terminate = k_terminate, .state_size = sizeof(kid *)};

/* Watches an actor (arg: its id) and logs its DOWN as "S#", with what the
 * names in `watched_names` were registered to at that moment. */
static const char *watched_names[4];
static wr_id names_at_down[4];

static wb_status down_init(wr_ctx *ctx, void *arg) {
    return wr_ctx_monitor(ctx, *(const wr_id *)arg, NULL, NULL);
}
static wr_turn down_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind != WR_MSG_DOWN) return WR_OK;
    for (int i = 0; i < 4 && watched_names[i]; i++) names_at_down[i] = wr_lookup(wr_ctx_system(ctx), watched_names[i]);
    log_add("S", W_DOWN, m->tag, m->from);
    return WR_OK;
}
static const wr_actor_spec down_watcher = {.name = "down", .init = down_init, .handle = down_handle};

/* The log from position `from` as tokens ("a^ b. S#"), DOWNs left out
 * unless `downs`. */
static void log_spell(size_t from, bool downs, char *out, size_t cap) {
    static const char sym[] = {'^', '.', '?', '<', '!', '#'};
    size_t o = 0;
    out[0] = 0;
    pthread_mutex_lock(&log_lock);
    for (size_t i = from; i < atomic_load(&log_n) && o + 24 < cap; i++) {
        log_rec *r = &log_v[i];
        if (r->what == W_DOWN && !downs) continue;
        o += (size_t)snprintf(out + o, cap - o, "%s%s%c%s", o ? " " : "", r->name, sym[r->what],
                              r->what == 1 && r->kind == WR_EXIT_KILLED ? "k" : "");
    }
    pthread_mutex_unlock(&log_lock);
}

static size_t log_count(size_t from, int what) {
    size_t c = 0;
    for (size_t i = from; i < atomic_load(&log_n); i++) c += log_v[i].what == what;
    return c;
}

static const kid kids5[] = {{"a", K_SLOW, NULL}, {"b", K_PLAIN, NULL}, {"c", K_LATE, NULL},
                            {"d", K_SLOW, NULL}, {"e", K_DEAF, NULL}};

/* a brutal kill (its terminate still takes 15 ms), e killed at 60 ms */
static void kids5_specs(wr_child_spec out[5]) {
    for (int i = 0; i < 5; i++)
        out[i] = (wr_child_spec){.name = kids5[i].name, .actor = &kid_actor, .arg = (void *)&kids5[i],
                                 .restart = WR_PERMANENT, .shutdown_ns = i == 0 ? 0 : i == 4 ? 60 * MS : 500 * MS};
}

/* b crashes: the siblings that must go stop in reverse start order, each
 * stop finished (terminate ran, or killed at the deadline) before the next
 * is asked; then all restart in start order, after the last stop. */
static void stop_order_case(wr_strategy strategy, size_t restarts, const char *expect) {
    wr_system *sys = test_system(2);
    log_reset();
    wr_child_spec kids[5];
    kids5_specs(kids);
    wr_sup_spec spec = {.name = "order", .strategy = strategy, .intensity = 5, .period_ns = 10000 * MS,
                        .children = kids, .nchildren = 5};
    wr_id sup, b = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((b = child(sys, sup, "b")) != 0, 5000 * MS));
    size_t mark = atomic_load(&log_n);
    uint64_t t0 = wb_now_ns();
    crash(sys, b);
    assert_true(WAIT_UNTIL(log_count(mark, 0) == restarts, 10000 * MS));
    char got[512];
    log_spell(mark, true, got, sizeof got);
    assert_string_equal(got, expect);
    /* e was killed at its deadline, not before */
    for (size_t i = mark; i < atomic_load(&log_n); i++)
        if (log_v[i].what == 1 && !strcmp(log_v[i].name, "e")) assert_true(log_v[i].time_ns - t0 >= 60 * MS);
    wr_system_free(sys);
}

static void one_for_all_stop_order(void **state) {
    (void)state;
    stop_order_case(WR_ONE_FOR_ALL, 5, "b. e? e.k d< d. c? c. a< a.k a^ b^ c^ d^ e^");
}

static void rest_for_one_stop_order(void **state) {
    (void)state;
    stop_order_case(WR_REST_FOR_ONE, 4, "b. e? e.k d< d. c? c. b^ c^ d^ e^");
}

/* A supervisor told to shut down stops its children the same way, and its
 * own exit (the DOWN) comes after the last of them. */
static void shutdown_stop_order(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    wr_child_spec kids[5];
    kids5_specs(kids);
    wr_sup_spec spec = {.name = "order", .strategy = WR_ONE_FOR_ONE, .intensity = 5, .period_ns = 10000 * MS,
                        .children = kids, .nchildren = 5};
    wr_id sup, w;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &down_watcher, &sup, &w, NULL), WB_OK);
    assert_true(WAIT_UNTIL(child(sys, sup, "e") != 0, 5000 * MS));
    size_t mark = atomic_load(&log_n);
    assert_int_equal(wr_exit(sys, 0, sup, WR_EXIT_SHUTDOWN, "enough", NULL), WB_OK);
    assert_true(WAIT_UNTIL(log_count(mark, W_DOWN) == 1, 10000 * MS));
    char got[512];
    log_spell(mark, true, got, sizeof got);
    assert_string_equal(got, "e? e.k d< d. c? c. b. a< a.k S#");
    wr_system_free(sys);
}

/* An exit signal from outside (from 0) stops a supervisor with a child
 * down (id 0): it was taken for that child's exit and ignored. */
static void exit_from_outside_with_a_child_down(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    const wr_child_spec kids[] = {CHILD("tmp", WR_TEMPORARY), CHILD("p", WR_PERMANENT)};
    wr_sup_spec spec = {.name = "down", .intensity = 5, .period_ns = 5000 * MS, .children = kids, .nchildren = 2};
    wr_id sup, tmp = 0, p = 0;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_true(WAIT_UNTIL((tmp = child(sys, sup, "tmp")) != 0 && (p = child(sys, sup, "p")) != 0, 5000 * MS));
    size_t mark = atomic_load(&log_n);
    crash(sys, tmp);
    assert_true(WAIT_UNTIL(log_count(mark, 1) == 1, 5000 * MS));
    assert_int_equal(wr_exit(sys, 0, sup, WR_EXIT_SHUTDOWN, "enough", NULL), WB_OK);
    assert_true(WAIT_UNTIL(!wr_alive(sys, sup), 5000 * MS));
    assert_false(wr_alive(sys, p));
    wr_system_free(sys);
}

/* A system shutdown stops the top supervisors the same way first (timers
 * still running for the kill at e's deadline), then everything else. */
static void system_shutdown_stop_order(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    wr_child_spec kids[5];
    kids5_specs(kids);
    wr_sup_spec spec = {.name = "order", .strategy = WR_ONE_FOR_ONE, .intensity = 5, .period_ns = 10000 * MS,
                        .children = kids, .nchildren = 5};
    wr_id sup, w;
    assert_int_equal(wr_supervisor_start(sys, &spec, &sup, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &down_watcher, &sup, &w, NULL), WB_OK);
    assert_true(WAIT_UNTIL(child(sys, sup, "e") != 0, 5000 * MS));
    size_t mark = atomic_load(&log_n);
    assert_int_equal(wr_system_shutdown(sys, 5000 * MS), WB_OK);
    char got[512];
    log_spell(mark, true, got, sizeof got);
    assert_string_equal(got, "e? e.k d< d. c? c. b. a< a.k S#");
    wr_system_free(sys);
}

/* A nested supervisor that exceeds its intensity stops its children (which
 * hold registered names, and take time to stop) before its exit reaches the
 * parent: the names are free when the parent hears of it, and the restarted
 * children register them again at the first try. */
static void escalation_frees_names_first(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    log_reset();
    static const kid nk[] = {{"x", K_PLAIN, "esc-x"}, {"y", K_LATE, "esc-y"}, {"z", K_SLOW, "esc-z"}};
    static wr_child_spec inner_kids[3];
    for (int i = 0; i < 3; i++)
        inner_kids[i] = (wr_child_spec){.name = nk[i].name, .actor = &kid_actor, .arg = (void *)&nk[i],
                                        .restart = WR_PERMANENT, .shutdown_ns = 500 * MS};
    static const wr_sup_spec inner = {.name = "inner", .strategy = WR_ONE_FOR_ONE, .intensity = 1,
                                      .period_ns = 10000 * MS, .children = inner_kids, .nchildren = 3};
    const wr_child_spec outer_kids[] = {{.name = "inner", .sup = &inner, .restart = WR_PERMANENT,
                                         .shutdown_ns = 2000 * MS}};
    wr_sup_spec outer = {.name = "outer", .strategy = WR_ONE_FOR_ONE, .intensity = 5, .period_ns = 10000 * MS,
                         .children = outer_kids, .nchildren = 1};
    wr_id top, in = 0, x = 0, w;
    assert_int_equal(wr_supervisor_start(sys, &outer, &top, NULL), WB_OK);
    assert_true(WAIT_UNTIL((in = child(sys, top, "inner")) != 0, 5000 * MS));
    watched_names[0] = "esc-x";
    watched_names[1] = "esc-y";
    watched_names[2] = "esc-z";
    assert_int_equal(wr_spawn(sys, &down_watcher, &in, &w, NULL), WB_OK);
    assert_true(WAIT_UNTIL((x = child(sys, in, "x")) != 0, 5000 * MS));
    crash(sys, x);
    x = await_new(sys, in, "x", x);
    wr_id old[3] = {x, wr_lookup(sys, "esc-y"), wr_lookup(sys, "esc-z")};
    assert_true(old[1] && old[2]);
    size_t mark = atomic_load(&log_n);
    crash(sys, x); /* the second restart in the window: one too many */
    assert_true(WAIT_UNTIL(log_count(mark, 0) >= 3 && log_count(mark, W_DOWN) == 1, 10000 * MS));
    char got[512];
    log_spell(mark, false, got, sizeof got);
    assert_string_equal(got, "x. z< z. y? y. x^ y^ z^");
    /* the DOWN (sent with the exit to the parent) came after y's stop, and
     * no old incarnation held a name by then */
    log_spell(mark, true, got, sizeof got);
    const char *ystop = strstr(got, "y."), *down = strstr(got, "S#");
    assert_true(ystop && down && ystop < down);
    for (int i = 0; i < 3; i++) assert_true(names_at_down[i] != old[i]);
    wr_id in2 = child(sys, top, "inner");
    assert_true(in2 != 0 && in2 != in);
    wr_restart_entry h[4];
    size_t n;
    assert_int_equal(wr_supervisor_history(sys, top, "inner", h, 4, &n), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].reason, WR_EXIT_ERROR);
    assert_true(WAIT_UNTIL(child(sys, in2, "z") != 0, 5000 * MS));
    assert_int_equal(wr_lookup(sys, "esc-z"), child(sys, in2, "z"));
    wr_system_free(sys);
    memset(watched_names, 0, sizeof watched_names);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_for_one),
        cmocka_unit_test(one_for_all),
        cmocka_unit_test(rest_for_one),
        cmocka_unit_test(intensity_takes_supervisor_down),
        cmocka_unit_test(exponential_backoff_delays),
        cmocka_unit_test(backoff_resets_after_quiet_period),
        cmocka_unit_test(transient_and_temporary),
        cmocka_unit_test(dynamic_children_and_kill_after_timeout),
        cmocka_unit_test(restart_events),
        cmocka_unit_test(immediate_restart_reuses_name),
        cmocka_unit_test(nested_start_order),
        cmocka_unit_test(one_for_all_stop_order),
        cmocka_unit_test(rest_for_one_stop_order),
        cmocka_unit_test(shutdown_stop_order),
        cmocka_unit_test(exit_from_outside_with_a_child_down),
        cmocka_unit_test(system_shutdown_stop_order),
        cmocka_unit_test(escalation_frees_names_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
