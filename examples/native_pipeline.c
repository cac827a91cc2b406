/* SPDX-License-Identifier: MIT */
/* Demo: a supervised pipeline of native actors. A source feeds three workers
 * that hash items and pass results to a sink; workers crash now and then and
 * their supervisor restarts them with exponential backoff. Runs ~5 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wactor/rt.h"

#define NWORKERS 3
#define BATCH 1000         /* items per source tick */
#define TICK_NS 1000000ull /* source tick: 1 ms */
#define CRASH_ONE_IN 300000 /* a worker crashes on about one item in this many */

enum { TAG_TICK = 1, TAG_ITEM, TAG_RESULT, TAG_REPORT };

static uint64_t t_start;
static double secs(void) { return (double)(wb_now_ns() - t_start) / 1e9; }

/* ---- source: on every tick, a batch round-robin over the named workers ---- */
typedef struct source {
    uint64_t next_item, sent, rerouted;
    unsigned rr;
    wr_id workers[NWORKERS]; /* cached; looked up again after a failed send */
} source;

static _Atomic uint64_t g_sent, g_rerouted;

static wb_status source_init(wr_ctx *ctx, void *arg) {
    return wr_send_interval(wr_ctx_system(ctx), wr_ctx_self(ctx), wr_ctx_self(ctx), TICK_NS, TAG_TICK,
                            NULL, 0, NULL, NULL);
}

static wr_turn source_handle(wr_ctx *ctx, const wr_msg *m) {
    source *s = wr_ctx_state(ctx);
    if (m->tag != TAG_TICK) return WR_OK;
    wr_system *sys = wr_ctx_system(ctx);
    for (int i = 0; i < BATCH; i++) {
        uint64_t item = s->next_item;
        wb_status st = WB_DEAD;
        for (int tries = 0; tries < NWORKERS && st != WB_OK; tries++) {
            unsigned k = s->rr++ % NWORKERS;
            if (!s->workers[k]) {
                char name[16];
                snprintf(name, sizeof name, "worker-%u", k);
                s->workers[k] = wr_lookup(sys, name); /* restarted workers re-register */
            }
            st = s->workers[k] ? wr_ctx_send(ctx, s->workers[k], TAG_ITEM, &item, sizeof item, NULL)
                               : WB_NOT_FOUND;
            if (st != WB_OK) {
                s->workers[k] = 0;
                s->rerouted++;
            }
        }
        if (st != WB_OK) break; /* every worker is down: try again next tick */
        s->next_item++;
        s->sent++;
    }
    atomic_store(&g_sent, s->sent);
    atomic_store(&g_rerouted, s->rerouted);
    return WR_OK;
}

/* ---- worker: hash the item, forward to the sink, crash now and then ---- */
typedef struct worker {
    unsigned index;
    uint64_t done;
    wr_id sink; /* cached */
} worker;

static wb_status worker_init(wr_ctx *ctx, void *arg) {
    worker *w = wr_ctx_state(ctx);
    w->index = (unsigned)(uintptr_t)arg;
    char name[16];
    snprintf(name, sizeof name, "worker-%u", w->index);
    return wr_register(wr_ctx_system(ctx), name, wr_ctx_self(ctx), NULL);
}

static wr_turn worker_handle(wr_ctx *ctx, const wr_msg *m) {
    worker *w = wr_ctx_state(ctx);
    if (m->tag != TAG_ITEM) return WR_OK;
    uint64_t item;
    memcpy(&item, wr_msg_bytes(m, NULL), sizeof item);
    if (wb_random_u64() % CRASH_ONE_IN == 0) {
        char why[96];
        snprintf(why, sizeof why, "worker-%u: simulated fault on item %llu after %llu items", w->index,
                 (unsigned long long)item, (unsigned long long)w->done);
        wr_ctx_exit(ctx, WR_EXIT_ERROR, why);
        return WR_OK;
    }
    uint64_t result[2] = {item, wb_hash64(&item, sizeof item)};
    if (!w->sink) w->sink = wr_lookup(wr_ctx_system(ctx), "sink");
    if (w->sink && wr_ctx_send(ctx, w->sink, TAG_RESULT, result, sizeof result, NULL) != WB_OK) w->sink = 0;
    w->done++;
    return WR_OK;
}

/* ---- sink: counts results, reports throughput every second ---- */
typedef struct sink {
    uint64_t results, last_results;
    uint64_t checksum;
} sink;

static _Atomic uint64_t g_results;

static wb_status sink_init(wr_ctx *ctx, void *arg) {
    wr_system *sys = wr_ctx_system(ctx);
    wb_status st = wr_register(sys, "sink", wr_ctx_self(ctx), NULL);
    if (st != WB_OK) return st;
    return wr_send_interval(sys, wr_ctx_self(ctx), wr_ctx_self(ctx), 1000000000ull, TAG_REPORT, NULL, 0,
                            NULL, NULL);
}

static wr_turn sink_handle(wr_ctx *ctx, const wr_msg *m) {
    sink *s = wr_ctx_state(ctx);
    if (m->tag == TAG_RESULT) {
        uint64_t r[2];
        memcpy(r, wr_msg_bytes(m, NULL), sizeof r);
        s->checksum ^= r[1];
        s->results++;
        atomic_store_explicit(&g_results, s->results, memory_order_relaxed);
    } else if (m->tag == TAG_REPORT) {
        printf("[%5.2fs] sink: %llu results (%llu/s)\n", secs(), (unsigned long long)s->results,
               (unsigned long long)(s->results - s->last_results));
        s->last_results = s->results;
    }
    return WR_OK;
}

/* ---- observer: prints crashes and restarts from the event stream ---- */
static _Atomic uint64_t g_crashes, g_restarts;

static wr_turn observer_handle(wr_ctx *ctx, const wr_msg *m) {
    wr_event ev;
    if (!wr_msg_event(m, &ev)) return WR_OK;
    if (ev.type == WR_EV_EXIT && ev.aux == WR_EXIT_ERROR) {
        atomic_fetch_add(&g_crashes, 1);
        printf("[%5.2fs] crash: actor %016llx exited (error)\n", secs(), (unsigned long long)ev.actor);
    } else if (ev.type == WR_EV_RESTART) {
        atomic_fetch_add(&g_restarts, 1);
        printf("[%5.2fs] restart: new actor %016llx after a %u ms backoff delay\n", secs(),
               (unsigned long long)ev.actor, ev.aux);
    }
    return WR_OK;
}

/* Crash reasons arrive at the supervisor; the demo also links a watcher to
 * print them with their text. */
static wr_turn reason_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind == WR_MSG_DOWN && m->tag == WR_EXIT_ERROR)
        printf("[%5.2fs]   reason: %s\n", secs(), wr_msg_reason(m));
    return WR_OK;
}

static const wr_actor_spec source_spec = {.name = "source", .init = source_init, .handle = source_handle,
                                          .state_size = sizeof(source)};
static const wr_actor_spec worker_spec = {.name = "worker", .init = worker_init, .handle = worker_handle,
                                          .state_size = sizeof(worker), .mailbox_capacity = 20000,
                                          .mailbox_policy = WR_MAILBOX_DROP_NEWEST};
static const wr_actor_spec sink_spec = {.name = "sink", .init = sink_init, .handle = sink_handle,
                                        .state_size = sizeof(sink)};

/* A macro, not a const object: C requires constant initializers (clang enforces it). */
#define WORKER_BACKOFF                                                                    \
    {.kind = WR_BACKOFF_EXPONENTIAL, .base_ns = 20000000ull, .max_ns = 500000000ull,      \
     .jitter_pct = 10, .reset_ns = 1000000000ull}

#define WORKER(i) {.name = "worker-" #i, .actor = &worker_spec, .arg = (void *)(uintptr_t)(i), \
                   .restart = WR_PERMANENT, .shutdown_ns = 100000000ull, .backoff = WORKER_BACKOFF}
static const wr_child_spec worker_children[] = {WORKER(0), WORKER(1), WORKER(2)};
static const wr_sup_spec workers_sup = {.name = "workers", .strategy = WR_ONE_FOR_ONE, .intensity = 30,
                                        .period_ns = 5000000000ull, .children = worker_children,
                                        .nchildren = NWORKERS};
static const wr_child_spec top_children[] = {
    {.name = "sink", .actor = &sink_spec, .restart = WR_PERMANENT, .shutdown_ns = 100000000ull},
    {.name = "workers", .sup = &workers_sup, .restart = WR_PERMANENT, .shutdown_ns = 500000000ull},
    {.name = "source", .actor = &source_spec, .restart = WR_PERMANENT, .shutdown_ns = 100000000ull},
};
static const wr_sup_spec top_sup = {.name = "pipeline", .strategy = WR_REST_FOR_ONE, .intensity = 5,
                                    .period_ns = 10000000000ull, .children = top_children, .nchildren = 3};

/* Monitors each worker incarnation to print its exit reason. */
typedef struct watch {
    wr_id sup;
    wr_id seen[NWORKERS];
} watch;

static wr_turn watch_handle(wr_ctx *ctx, const wr_msg *m) {
    watch *w = wr_ctx_state(ctx);
    if (m->kind == WR_MSG_DOWN) return reason_handle(ctx, m);
    if (m->kind != WR_MSG_USER) return WR_OK;
    if (m->tag == 1) memcpy(&w->sup, wr_msg_bytes(m, NULL), sizeof w->sup);
    for (unsigned i = 0; i < NWORKERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker-%u", i);
        wr_id id = wr_supervisor_child(wr_ctx_system(ctx), w->sup, name);
        if (id && id != w->seen[i]) {
            w->seen[i] = id;
            wr_ctx_monitor(ctx, id, NULL, NULL);
        }
    }
    return WR_OK;
}

int main(void) {
    wb_error err;
    wr_system *sys;
    if (wr_system_new(NULL, &sys, &err) != WB_OK) {
        fprintf(stderr, "native_pipeline: %s\n", err.msg);
        return 1;
    }
    t_start = wb_now_ns();
    printf("native_pipeline: %u worker threads; source -> %d workers -> sink, supervised\n",
           wr_system_workers(sys), NWORKERS);
    static const wr_actor_spec observer_spec = {.name = "observer", .handle = observer_handle};
    wr_id observer, top, watcher;
    static const wr_actor_spec watch_spec = {.name = "watch", .handle = watch_handle, .state_size = sizeof(watch)};
    if (wr_spawn(sys, &observer_spec, NULL, &observer, &err) != WB_OK ||
        wr_events_subscribe(sys, observer, WR_EV_MASK(WR_EV_EXIT) | WR_EV_MASK(WR_EV_RESTART), &err) != WB_OK ||
        wr_supervisor_start(sys, &top_sup, &top, &err) != WB_OK ||
        wr_spawn(sys, &watch_spec, NULL, &watcher, &err) != WB_OK) {
        fprintf(stderr, "native_pipeline: %s\n", err.msg);
        wr_system_free(sys);
        return 1;
    }
    wr_id workers = wr_supervisor_child(sys, top, "workers");
    printf("[%5.2fs] started: pipeline supervisor %016llx, workers supervisor %016llx\n", secs(),
           (unsigned long long)top, (unsigned long long)workers);
    wr_send(sys, watcher, 1, &workers, sizeof workers, NULL);
    wr_send_interval(sys, 0, watcher, 5000000ull, 2, NULL, 0, NULL, NULL); /* re-check every 5 ms */
    wb_sleep_ns(5000000000ull);

    uint64_t results = atomic_load(&g_results), sent = atomic_load(&g_sent);
    double elapsed = secs();
    printf("\nsummary after %.2f s:\n", elapsed);
    printf("  items sent %llu, results %llu (%.0f items/s), rerouted around restarting workers %llu\n",
           (unsigned long long)sent, (unsigned long long)results, results / elapsed,
           (unsigned long long)atomic_load(&g_rerouted));
    printf("  crashes %llu, restarts %llu\n", (unsigned long long)atomic_load(&g_crashes),
           (unsigned long long)atomic_load(&g_restarts));
    workers = wr_supervisor_child(sys, top, "workers");
    for (unsigned i = 0; i < NWORKERS; i++) {
        char name[16];
        snprintf(name, sizeof name, "worker-%u", i);
        wr_restart_entry h[32];
        size_t n = 0;
        wr_supervisor_history(sys, workers, name, h, 32, &n);
        printf("  %s: %zu restarts; delays (ms):", name, n);
        for (size_t k = 0; k < n; k++) printf(" %llu", (unsigned long long)(h[k].delay_ns / 1000000));
        printf("\n");
    }
    wr_system_stats ss;
    wr_system_stats_get(sys, &ss);
    printf("  actors spawned %llu, exited %llu, mailbox drops %llu, dead letters %llu\n",
           (unsigned long long)ss.spawned, (unsigned long long)ss.exited, (unsigned long long)ss.drops,
           (unsigned long long)ss.dead_letters);
    wb_status st = wr_system_shutdown(sys, 3000000000ull);
    wr_system_stats_get(sys, &ss);
    printf("  shutdown: %s, live actors left %llu\n", wb_status_str(st), (unsigned long long)ss.live_actors);
    wr_system_free(sys);
    return 0;
}
