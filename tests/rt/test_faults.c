/* SPDX-License-Identifier: MIT */
/* Fault injection over whole scenarios. Each scenario runs with the Nth
 * allocation failing - then every allocation from the Nth on, then only
 * envelopes - for N = 1, 2, ... until a run sees no injected failure. Every
 * run must end (a watchdog aborts a hang), leave no block allocated after
 * wr_system_free, and account for what went missing: a run that did not do
 * all it set out to had an operation return an error to its caller or a
 * loss in stats.lost. Whatever succeeded is owed in full: each successful
 * link and monitor yields its EXIT and DOWN, each request its REPLY or
 * TIMEOUT, each accepted send its delivery, each supervised crash its
 * restart (or the supervisor fails, loudly, to its monitor). */
// ctest-label: concurrency
#include <signal.h>
#include <unistd.h>

#include "rt/fail_alloc.h"
#include "rt/rt_test.h"

#define WAIT_S (5000 * MS) /* for what is owed: reaching it means a loss or a hang */

typedef struct run {
    fail_alloc fa;
    unsigned workers;
    wr_system *sys;
    _Atomic int errors; /* operations that returned an error to their caller */
} run;

static bool run_start(run *r) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = r->workers;
    cfg.send_wait_ns = 2000 * MS;
    cfg.allocator = fail_alloc_hook(&r->fa);
    wb_status st = wr_system_new(&cfg, &r->sys, NULL);
    if (st == WB_OK) return true;
    assert_int_equal(st, WB_NOMEM);
    assert_null(r->sys);
    return false;
}

/* An operation's status; an error counts as the caller having been told. */
static bool ok(run *r, wb_status st) {
    if (st == WB_OK) return true;
    atomic_fetch_add(&r->errors, 1);
    return false;
}

static uint64_t lost(run *r) {
    wr_system_stats ss;
    wr_system_stats_get(r->sys, &ss);
    return ss.lost;
}

static uint64_t live(run *r) {
    wr_system_stats ss;
    wr_system_stats_get(r->sys, &ss);
    return ss.live_actors;
}

/* complete: the scenario did all it set out to; explained: it has its own
 * evidence of a failure told to someone (a supervisor that failed loudly). */
static void run_end(run *r, bool complete, bool explained) {
    bool clean = !fail_alloc_injected(&r->fa); /* so far */
    bool told = atomic_load(&r->errors) || lost(r) || explained;
    wr_system_free(r->sys); /* first, so a failure below leaves no threads behind */
    r->sys = NULL;
    if (clean) assert_true(complete);
    if (!complete && !told)
        fail_msg("incomplete run with no error and no loss (%llu failures injected)",
                 (unsigned long long)fail_alloc_injected(&r->fa));
}

static wr_turn idle_handle(wr_ctx *ctx, const wr_msg *m) { (void)ctx, (void)m; return WR_OK; }
static const wr_actor_spec idle_spec = {.name = "idle", .handle = idle_handle};
static wb_status crash_init(wr_ctx *ctx, void *arg) { (void)ctx, (void)arg; return WB_INVALID_ARG; }
static const wr_actor_spec crasher = {.name = "crasher", .init = crash_init, .handle = idle_handle};

/* ---- 1. spawn / link / monitor / exit chains ------------------------------------ */

typedef struct chain {
    run *r;
    wr_id victim, bystander;
    _Atomic int ready, registered;
    _Atomic int want_exit, want_down, got_exit, got_down, stray;
} chain;

/* Spawns a linked crasher and dies of it (or of not getting it). */
static wb_status mid_init(wr_ctx *ctx, void *arg) {
    chain *c = arg;
    return ok(c->r, wr_ctx_spawn(ctx, &crasher, NULL, WR_SPAWN_LINK, NULL, NULL, NULL)) ? WB_OK : WB_NOMEM;
}
static const wr_actor_spec mid_spec = {.name = "mid", .init = mid_init, .handle = idle_handle};

static wb_status driver_init(wr_ctx *ctx, void *arg) {
    chain *c = arg;
    run *r = c->r;
    *(chain **)wr_ctx_state(ctx) = c;
    wr_ctx_trap_exit(ctx, true);
    for (int i = 0; i < 3; i++) {
        if (ok(r, wr_ctx_spawn(ctx, &crasher, NULL, WR_SPAWN_LINK | WR_SPAWN_MONITOR, NULL, NULL, NULL))) {
            atomic_fetch_add(&c->want_exit, 1);
            atomic_fetch_add(&c->want_down, 1);
        }
    }
    if (ok(r, wr_ctx_spawn(ctx, &mid_spec, c, WR_SPAWN_LINK, NULL, NULL, NULL))) atomic_fetch_add(&c->want_exit, 1);
    if (ok(r, wr_ctx_link(ctx, c->victim, NULL))) atomic_fetch_add(&c->want_exit, 1);
    if (ok(r, wr_ctx_monitor(ctx, c->victim, NULL, NULL))) atomic_fetch_add(&c->want_down, 1);
    if (ok(r, wr_ctx_link(ctx, c->bystander, NULL))) wr_ctx_unlink(ctx, c->bystander);
    uint64_t ref;
    if (ok(r, wr_ctx_monitor(ctx, c->bystander, &ref, NULL))) wr_ctx_demonitor(ctx, ref);
    if (ok(r, wr_register(wr_ctx_system(ctx), "driver", wr_ctx_self(ctx), NULL))) atomic_store(&c->registered, 1);
    atomic_store(&c->ready, 1);
    return WB_OK;
}

static wr_turn driver_handle(wr_ctx *ctx, const wr_msg *m) {
    chain *c = *(chain **)wr_ctx_state(ctx);
    if (m->kind != WR_MSG_EXIT && m->kind != WR_MSG_DOWN) return WR_OK;
    if (m->from == c->bystander) atomic_fetch_add(&c->stray, 1); /* unlinked and demonitored */
    else atomic_fetch_add(m->kind == WR_MSG_EXIT ? &c->got_exit : &c->got_down, 1);
    return WR_OK;
}

static void chain_scenario(run *r) {
    if (!run_start(r)) return;
    chain c = {.r = r};
    ok(r, wr_spawn(r->sys, &idle_spec, NULL, &c.victim, NULL));
    ok(r, wr_spawn(r->sys, &idle_spec, NULL, &c.bystander, NULL));
    wr_actor_spec driver = {.name = "driver", .init = driver_init, .handle = driver_handle,
                            .state_size = sizeof(chain *)};
    if (!ok(r, wr_spawn(r->sys, &driver, &c, NULL, NULL))) {
        run_end(r, false, false);
        return;
    }
    assert_true(WAIT_UNTIL(atomic_load(&c.ready), WAIT_S));
    /* The crashers and mid are gone: the driver and the two idle ones stay. */
    uint64_t base = 1 + (c.victim != 0) + (c.bystander != 0);
    assert_true(WAIT_UNTIL(live(r) == base, WAIT_S));
    if (c.bystander) { /* its notices are queued before the victim's */
        assert_int_equal(wr_exit(r->sys, 0, c.bystander, WR_EXIT_KILLED, NULL, NULL), WB_OK);
        assert_true(WAIT_UNTIL(live(r) == base - 1, WAIT_S));
    }
    if (c.victim && !ok(r, wr_exit(r->sys, 0, c.victim, WR_EXIT_ERROR, "victim down", NULL)))
        assert_int_equal(wr_exit(r->sys, 0, c.victim, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&c.got_exit) == atomic_load(&c.want_exit) &&
                               atomic_load(&c.got_down) == atomic_load(&c.want_down),
                           WAIT_S));
    assert_int_equal(atomic_load(&c.stray), 0);
    run_end(r, atomic_load(&c.want_exit) == 5 && atomic_load(&c.want_down) == 4 && atomic_load(&c.registered),
            false);
}

/* ---- 2. supervisors with restarts ---------------------------------------------- */

typedef struct flaky {
    _Atomic int crashes_left, crashes;
} flaky;

static wb_status flaky_init(wr_ctx *ctx, void *arg) {
    flaky *f = arg;
    (void)ctx;
    if (atomic_fetch_sub(&f->crashes_left, 1) > 0) {
        atomic_fetch_add(&f->crashes, 1);
        return WB_INVALID_ARG;
    }
    return WB_OK;
}
static const wr_actor_spec flaky_spec = {.name = "flaky", .init = flaky_init, .handle = idle_handle};

typedef struct sup_watch {
    run *r;
    wr_id sup;
    _Atomic int ready, monitoring, down, down_kind;
} sup_watch;

static wb_status sup_watch_init(wr_ctx *ctx, void *arg) {
    sup_watch *w = arg;
    *(sup_watch **)wr_ctx_state(ctx) = w;
    if (ok(w->r, wr_ctx_monitor(ctx, w->sup, NULL, NULL))) atomic_store(&w->monitoring, 1);
    atomic_store(&w->ready, 1);
    return WB_OK;
}

static wr_turn sup_watch_handle(wr_ctx *ctx, const wr_msg *m) {
    sup_watch *w = *(sup_watch **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_DOWN) {
        atomic_store(&w->down_kind, (int)m->tag);
        atomic_store(&w->down, 1);
    }
    return WR_OK;
}

static size_t restarts_of(wr_system *sys, wr_id sup, const char *name) {
    wr_restart_entry h[8];
    size_t n = 0;
    return wr_supervisor_history(sys, sup, name, h, 8, &n) == WB_OK ? n : 0;
}

static bool b_failed_loudly(wr_system *sys, wr_id top) {
    wr_restart_entry h[8];
    size_t n = 0;
    if (wr_supervisor_history(sys, top, "b", h, 8, &n) != WB_OK) return false;
    for (size_t i = 0; i < n; i++)
        if (h[i].reason != WR_EXIT_ERROR) return false;
    return n > 0;
}

/* Up: each child running, every crash so far answered by a restart. */
static bool tree_up(wr_system *sys, wr_id top, flaky *fa, flaky *fc, flaky *fe, bool with_e) {
    wr_id b = wr_supervisor_child(sys, top, "b");
    if (!wr_supervisor_child(sys, top, "a") || !b || !wr_supervisor_child(sys, b, "c") ||
        !wr_supervisor_child(sys, b, "d"))
        return false;
    if (restarts_of(sys, top, "a") != (size_t)atomic_load(&fa->crashes)) return false;
    /* c's crash was answered by b, or b itself failed and top restarted it */
    if (restarts_of(sys, b, "c") != (size_t)atomic_load(&fc->crashes) && !restarts_of(sys, top, "b")) return false;
    if (!with_e) return true;
    /* start_child reports e running before its init ran: its crash is owed */
    return wr_supervisor_child(sys, top, "e") && atomic_load(&fe->crashes) == 1 && restarts_of(sys, top, "e") == 1;
}

/* The top supervisor failed: loudly, to its monitor, if it had one (noproc:
 * it was gone before the monitor was made). */
static void sup_failed(run *r, sup_watch *w) {
    if (atomic_load(&w->monitoring)) {
        assert_true(WAIT_UNTIL(atomic_load(&w->down), WAIT_S));
        int kind = atomic_load(&w->down_kind);
        assert_true(kind == WR_EXIT_ERROR || kind == WR_EXIT_NOPROC);
    }
    run_end(r, false, true);
}

static void sup_scenario(run *r) {
    if (!run_start(r)) return;
    flaky fa = {.crashes_left = 2}, fc = {.crashes_left = 1}, fe = {.crashes_left = 1};
    wr_child_spec inner[] = {
        {.name = "c", .actor = &flaky_spec, .arg = &fc, .restart = WR_PERMANENT},
        {.name = "d", .actor = &idle_spec, .restart = WR_PERMANENT, .shutdown_ns = 20 * MS},
    };
    wr_sup_spec b = {.name = "b", .strategy = WR_ONE_FOR_ALL, .intensity = 50, .period_ns = 10000 * MS,
                     .children = inner, .nchildren = 2};
    wr_child_spec outer[] = {
        {.name = "a", .actor = &flaky_spec, .arg = &fa, .restart = WR_PERMANENT, .shutdown_ns = 20 * MS,
         .backoff = {.kind = WR_BACKOFF_LINEAR, .base_ns = 1 * MS}},
        {.name = "b", .sup = &b, .restart = WR_PERMANENT},
    };
    wr_sup_spec top = {.name = "top", .strategy = WR_ONE_FOR_ONE, .intensity = 50, .period_ns = 10000 * MS,
                       .children = outer, .nchildren = 2};
    wr_id sup;
    if (!ok(r, wr_supervisor_start(r->sys, &top, &sup, NULL))) {
        run_end(r, false, false);
        return;
    }
    sup_watch w = {.r = r, .sup = sup};
    wr_actor_spec watch = {.name = "watch", .init = sup_watch_init, .handle = sup_watch_handle,
                           .state_size = sizeof(sup_watch *)};
    if (ok(r, wr_spawn(r->sys, &watch, &w, NULL, NULL))) assert_true(WAIT_UNTIL(atomic_load(&w.ready), WAIT_S));
    assert_true(WAIT_UNTIL(!wr_alive(r->sys, sup) || tree_up(r->sys, sup, &fa, &fc, &fe, false), WAIT_S));
    if (!wr_alive(r->sys, sup)) {
        sup_failed(r, &w);
        return;
    }
    wr_child_spec e = {.name = "e", .actor = &flaky_spec, .arg = &fe, .restart = WR_TRANSIENT};
    bool e_ok = ok(r, wr_supervisor_start_child(r->sys, sup, &e, NULL));
    assert_true(WAIT_UNTIL(!wr_alive(r->sys, sup) || tree_up(r->sys, sup, &fa, &fc, &fe, e_ok), WAIT_S));
    if (!wr_alive(r->sys, sup)) {
        sup_failed(r, &w);
        return;
    }
    bool term_ok = ok(r, wr_supervisor_terminate_child(r->sys, sup, "a", NULL));
    if (term_ok) assert_true(WAIT_UNTIL(!wr_alive(r->sys, sup) || !wr_supervisor_child(r->sys, sup, "a"), WAIT_S));
    if (!wr_alive(r->sys, sup)) {
        sup_failed(r, &w);
        return;
    }
    /* b failing loudly to top (a restart with reason error) tells of a failure */
    bool b_failed = b_failed_loudly(r->sys, sup);
    bool all = e_ok && term_ok && atomic_load(&w.monitoring) && !restarts_of(r->sys, sup, "b") &&
               atomic_load(&fa.crashes) == 2 && atomic_load(&fc.crashes) == 1 && atomic_load(&fe.crashes) == 1;
    run_end(r, all, b_failed);
}

/* ---- 3. request / reply with timeouts -------------------------------------------- */

enum { NREQ = 6 };

typedef struct asker {
    run *r;
    wr_id echo, silent;
    uint64_t corr[NREQ + 1]; /* owner: the client actor */
    bool answered[NREQ + 1];
    int ncorr;
    _Atomic int ready, want, replies, timeouts, dup, unknown;
} asker;

static wr_turn echo_handle(wr_ctx *ctx, const wr_msg *m) {
    run *r = *(run **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_REQUEST) ok(r, wr_ctx_reply(ctx, m, 2, "pong-pong-pong-pong-pong-pong-pong-pong", 40, NULL));
    return WR_OK;
}

static wb_status echo_init(wr_ctx *ctx, void *arg) {
    *(run **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

static void asked(asker *k, uint64_t corr) {
    if (!corr) return; /* nothing armed: nothing owed */
    k->corr[k->ncorr++] = corr;
    atomic_fetch_add(&k->want, 1);
}

static wb_status client_init(wr_ctx *ctx, void *arg) {
    asker *k = arg;
    *(asker **)wr_ctx_state(ctx) = k;
    for (int i = 0; i < NREQ; i++) {
        uint64_t corr = 0;
        wr_id to = i % 2 ? k->silent : k->echo;
        const char *data = i == 0 ? "a request long enough to need a buffer" : "ping";
        ok(k->r, wr_ctx_request(ctx, to, 1, data, strlen(data), 30 * MS, &corr, NULL));
        asked(k, corr); /* a failed send still leaves its timeout armed */
    }
    uint64_t corr = 0;
    ok(k->r, wr_ctx_sleep(ctx, 5 * MS, &corr, NULL));
    asked(k, corr);
    if (k->ncorr) wr_ctx_await(ctx, k->corr[0]);
    atomic_store(&k->ready, 1);
    return WB_OK;
}

static wr_turn client_handle(wr_ctx *ctx, const wr_msg *m) {
    asker *k = *(asker **)wr_ctx_state(ctx);
    if (m->kind != WR_MSG_REPLY && m->kind != WR_MSG_TIMEOUT) return WR_OK;
    int i;
    for (i = 0; i < k->ncorr && k->corr[i] != m->corr; i++) {
    }
    if (i == k->ncorr) atomic_fetch_add(&k->unknown, 1);
    else if (k->answered[i]) atomic_fetch_add(&k->dup, 1);
    else {
        k->answered[i] = true;
        atomic_fetch_add(m->kind == WR_MSG_REPLY ? &k->replies : &k->timeouts, 1);
    }
    return WR_OK;
}

static void request_scenario(run *r) {
    if (!run_start(r)) return;
    asker k = {.r = r};
    wr_actor_spec echo = {.name = "echo", .init = echo_init, .handle = echo_handle, .state_size = sizeof(run *)};
    ok(r, wr_spawn(r->sys, &echo, r, &k.echo, NULL));
    ok(r, wr_spawn(r->sys, &idle_spec, NULL, &k.silent, NULL));
    wr_actor_spec client = {.name = "client", .init = client_init, .handle = client_handle,
                            .state_size = sizeof(asker *)};
    if (!ok(r, wr_spawn(r->sys, &client, &k, NULL, NULL))) {
        run_end(r, false, false);
        return;
    }
    assert_true(WAIT_UNTIL(atomic_load(&k.ready), WAIT_S));
    assert_true(WAIT_UNTIL(atomic_load(&k.replies) + atomic_load(&k.timeouts) == atomic_load(&k.want), WAIT_S));
    assert_int_equal(atomic_load(&k.dup), 0);
    assert_int_equal(atomic_load(&k.unknown), 0);
    run_end(r, atomic_load(&k.replies) == 3 && atomic_load(&k.timeouts) == 4, false);
}

/* ---- 4. timers with intervals ------------------------------------------------------ */

typedef struct ticks {
    _Atomic int interval, once;
} ticks;

static wb_status ticker_init(wr_ctx *ctx, void *arg) {
    *(ticks **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

static wr_turn ticker_handle(wr_ctx *ctx, const wr_msg *m) {
    ticks *t = *(ticks **)wr_ctx_state(ctx);
    if (m->tag == 7) atomic_fetch_add(&t->interval, 1);
    if (m->tag == 8) atomic_fetch_add(&t->once, 1);
    return WR_OK;
}

static void timer_scenario(run *r) {
    if (!run_start(r)) return;
    ticks t = {0};
    wr_actor_spec spec = {.name = "ticker", .init = ticker_init, .handle = ticker_handle,
                          .state_size = sizeof(ticks *)};
    wr_id id;
    if (!ok(r, wr_spawn(r->sys, &spec, &t, &id, NULL))) {
        run_end(r, false, false);
        return;
    }
    uint64_t iv = 0;
    bool iv_ok = ok(r, wr_send_interval(r->sys, 0, id, 1 * MS, 7, "tick", 4, &iv, NULL));
    bool once_ok = ok(r, wr_send_after(r->sys, 0, id, 2 * MS, 8, "a payload of more than 32 bytes...", 34, NULL,
                                       NULL));
    /* A tick without memory is lost (counted); the interval goes on. */
    if (iv_ok) assert_true(WAIT_UNTIL(atomic_load(&t.interval) + (int)lost(r) >= 5, WAIT_S));
    if (once_ok) assert_true(WAIT_UNTIL(atomic_load(&t.once) == 1, WAIT_S));
    if (iv_ok) assert_int_equal(wr_timer_cancel(r->sys, iv), WB_OK);
    run_end(r, iv_ok && once_ok && atomic_load(&t.interval) >= 5 && !lost(r), false);
}

/* ---- 5. pub/sub ---------------------------------------------------------------------- */

typedef struct pubsub {
    run *r;
    _Atomic int got, delivered, subscribed, published, inside_done;
} pubsub;

static wb_status counter_init(wr_ctx *ctx, void *arg) {
    *(pubsub **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

static wr_turn counter_handle(wr_ctx *ctx, const wr_msg *m) {
    pubsub *p = *(pubsub **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_PUBLISH) atomic_fetch_add(&p->got, 1);
    return WR_OK;
}

static void publish(pubsub *p, wr_system *sys, wr_id from, const char *topic, const char *data) {
    size_t n = 0;
    if (ok(p->r, wr_publish(sys, from, topic, 3, data, strlen(data), &n, NULL))) atomic_fetch_add(&p->published, 1);
    atomic_fetch_add(&p->delivered, (int)n); /* what went out is owed, also after an error */
}

static wb_status publisher_init(wr_ctx *ctx, void *arg) {
    pubsub *p = arg;
    for (int i = 0; i < 2; i++) publish(p, wr_ctx_system(ctx), wr_ctx_self(ctx), "a.c", "from inside");
    atomic_store(&p->inside_done, 1);
    return WB_OK;
}

static void pubsub_scenario(run *r) {
    if (!run_start(r)) return;
    pubsub p = {.r = r};
    wr_actor_spec counter = {.name = "sub", .init = counter_init, .handle = counter_handle,
                             .state_size = sizeof(pubsub *)};
    const char *patterns[] = {"a.*", "a.#", "b.x"};
    for (int i = 0; i < 3; i++) {
        wr_id id;
        if (ok(r, wr_spawn(r->sys, &counter, &p, &id, NULL)) && ok(r, wr_subscribe(r->sys, id, patterns[i], NULL)))
            atomic_fetch_add(&p.subscribed, 1);
    }
    const char *big = "a payload long enough to travel in a shared buffer";
    for (int i = 0; i < 2; i++) publish(&p, r->sys, 0, "a.b", big);
    for (int i = 0; i < 2; i++) publish(&p, r->sys, 0, "b.x", "small");
    publish(&p, r->sys, 0, "a", "only a.#");
    wr_actor_spec publisher = {.name = "publisher", .init = publisher_init, .handle = idle_handle};
    if (ok(r, wr_spawn(r->sys, &publisher, &p, NULL, NULL)))
        assert_true(WAIT_UNTIL(atomic_load(&p.inside_done), WAIT_S));
    assert_true(WAIT_UNTIL(atomic_load(&p.got) == atomic_load(&p.delivered), WAIT_S));
    run_end(r, atomic_load(&p.subscribed) == 3 && atomic_load(&p.published) == 7 && atomic_load(&p.got) == 11,
            false);
}

/* ---- 6. bounded mailboxes with parked senders ------------------------------------------ */

enum { NPROD = 40, NOUT = 10 };

typedef struct bounded {
    run *r;
    wr_id consumer;
    _Atomic int got, sent_ok, out_ok, done, events;
} bounded;

static wb_status bounded_init(wr_ctx *ctx, void *arg) {
    *(bounded **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

static wr_turn consumer_handle(wr_ctx *ctx, const wr_msg *m) {
    bounded *b = *(bounded **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 2) atomic_fetch_add(&b->got, 1);
    return WR_OK;
}

typedef struct producer {
    bounded *b;
    int sent;
} producer;

static wb_status producer_init(wr_ctx *ctx, void *arg) {
    ((producer *)wr_ctx_state(ctx))->b = arg;
    return WB_OK;
}

/* Eight 40-byte sends per turn into 4 messages / 200 bytes: parked each time. */
static wr_turn producer_handle(wr_ctx *ctx, const wr_msg *m) {
    producer *p = wr_ctx_state(ctx);
    bounded *b = p->b;
    static const char payload[40] = "forty bytes of payload, in a buffer....";
    for (int i = 0; i < 8 && p->sent < NPROD; i++, p->sent++)
        if (ok(b->r, wr_ctx_send(ctx, b->consumer, 2, payload, sizeof payload, NULL))) atomic_fetch_add(&b->sent_ok, 1);
    if (p->sent < NPROD && ok(b->r, wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL))) return WR_OK;
    atomic_store(&b->done, 1); /* all sent, or no way to go on */
    return WR_OK;
}

static wr_turn observer_handle(wr_ctx *ctx, const wr_msg *m) {
    bounded *b = *(bounded **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_EVENT) atomic_fetch_add(&b->events, 1);
    return WR_OK;
}

static void bounded_scenario(run *r) {
    if (!run_start(r)) return;
    bounded b = {.r = r};
    wr_actor_spec obs = {.name = "observer", .init = bounded_init, .handle = observer_handle,
                         .state_size = sizeof(bounded *)};
    wr_id o;
    if (ok(r, wr_spawn(r->sys, &obs, &b, &o, NULL))) ok(r, wr_events_subscribe(r->sys, o, WR_EV_ALL, NULL));
    wr_actor_spec consumer = {.name = "consumer", .init = bounded_init, .handle = consumer_handle,
                              .state_size = sizeof(bounded *), .mailbox_capacity = 4, .mailbox_max_bytes = 200,
                              .mailbox_policy = WR_MAILBOX_WAIT};
    wr_actor_spec prod = {.name = "producer", .init = producer_init, .handle = producer_handle,
                          .state_size = sizeof(producer)};
    wr_id p;
    if (!ok(r, wr_spawn(r->sys, &consumer, &b, &b.consumer, NULL)) ||
        !ok(r, wr_spawn(r->sys, &prod, &b, &p, NULL))) {
        run_end(r, false, false);
        return;
    }
    if (!ok(r, wr_send(r->sys, p, 1, NULL, 0, NULL))) atomic_store(&b.done, 1);
    static const char payload[40] = "forty bytes from outside, in a buffer..";
    for (int i = 0; i < NOUT; i++) /* waits for room */
        if (ok(r, wr_send(r->sys, b.consumer, 2, payload, sizeof payload, NULL))) atomic_fetch_add(&b.out_ok, 1);
    /* A parked producer that is never unparked would never be done. */
    assert_true(WAIT_UNTIL(atomic_load(&b.done) &&
                               atomic_load(&b.got) == atomic_load(&b.sent_ok) + atomic_load(&b.out_ok),
                           WAIT_S));
    run_end(r, atomic_load(&b.sent_ok) == NPROD && atomic_load(&b.out_ok) == NOUT, false);
}

/* ---- the sweep --------------------------------------------------------------------------- */

static char watchdog_note[128];

static void watchdog(int sig) {
    (void)sig;
    ssize_t n = write(2, watchdog_note, strlen(watchdog_note));
    (void)n;
    _exit(3);
}

#define MAX_RUNS 20000
#define RUN_LIMIT_S 60

typedef void (*scenario)(run *r);

typedef struct sweep_case {
    const char *name;
    scenario fn;
    int mode, tag;
    unsigned workers;
} sweep_case;

static void sweep(void **state) {
    const sweep_case *c = *state;
    signal(SIGALRM, watchdog);
    uint64_t n, injected = 0, t0 = wb_now_ns();
    for (n = 1; n < MAX_RUNS; n++) {
        /* On the heap, and left there by a failed assertion: the failed
         * run's system may still be running on it. */
        run *r = calloc(1, sizeof *r);
        assert_non_null(r);
        r->workers = c->workers;
        fail_alloc_init(&r->fa);
        fail_alloc_arm(&r->fa, n, c->mode, c->tag);
        snprintf(watchdog_note, sizeof watchdog_note, "\nhang: %s with N = %llu\n", c->name, (unsigned long long)n);
        alarm(RUN_LIMIT_S);
        c->fn(r);
        alarm(0);
        if (fail_alloc_live(&r->fa) != 0)
            fail_msg("%s N=%llu: %lld blocks leaked", c->name, (unsigned long long)n, (long long)fail_alloc_live(&r->fa));
        uint64_t k = fail_alloc_injected(&r->fa);
        free(r);
        if (!k) break;
        injected += k;
    }
    printf("# %-24s %5llu runs, %6llu failures injected, %5.1f s\n", c->name, (unsigned long long)n,
           (unsigned long long)injected, (double)(wb_now_ns() - t0) / 1e9);
    assert_true(n < MAX_RUNS);
}

/* Each scenario with the Nth allocation failing, with every allocation from
 * the Nth on failing and with only the Nth envelope failing, on one worker
 * (the same N hits about the same allocation each run), and with the Nth
 * failing on two workers (where it hits whichever thread gets there). */
#define CASES(label, fn)                                                     \
    {label ": Nth fails", fn, FAIL_ONCE, FAIL_ANY_TAG, 1},                   \
    {label ": all from Nth fail", fn, FAIL_FROM_ON, FAIL_ANY_TAG, 1},        \
    {label ": Nth envelope fails", fn, FAIL_ONCE, WB_TAG_MESSAGE, 1},        \
    {label ": Nth fails, 2 workers", fn, FAIL_ONCE, FAIL_ANY_TAG, 2}

static const sweep_case cases[] = {
    CASES("chain", chain_scenario),     CASES("supervisor", sup_scenario), CASES("request", request_scenario),
    CASES("timer", timer_scenario),     CASES("pubsub", pubsub_scenario), CASES("bounded", bounded_scenario),
};

int main(void) {
    struct CMUnitTest tests[WB_ARRAY_LEN(cases)];
    for (size_t i = 0; i < WB_ARRAY_LEN(cases); i++)
        tests[i] = (struct CMUnitTest){.name = cases[i].name, .test_func = sweep, .initial_state = (void *)&cases[i]};
    const char *only = getenv("FAULTS_ONLY"); /* a case name pattern, for debugging */
    if (only) cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
