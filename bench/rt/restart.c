// SPDX-License-Identifier: MIT
// Supervisor restart latency: a one-for-one supervisor with one permanent
// worker (brutal kill, no backoff); a bench actor crashes the worker and
// times until a new incarnation answers a ping. ns per crash -> answering
// again, mean over N restarts. The current incarnation is found with
// wr_supervisor_child (Erlang's version uses a registered name).
//   bench_rt_restart [N] [BLOCK]   prints "restart <ns> ns" (best of 3)
// BLOCK 0 (default), the high-rate case: one supervisor for all 3 rounds of
//   N restarts, its intensity 4N per second so it never trips - what OTP's
//   supervisor pays for its list of recent restarts, walked on every one,
//   grows with the rate; wactor counts intensity in O(1).
// BLOCK B, the ordinary case: a fresh supervisor (intensity B per second)
//   for every B restarts, stopped and gone before the next one starts;
//   only the restarts are timed, never a supervisor's start or stop.
//   bench/compare/restart.erl takes the same arguments.
#include "bench_rt.h"

enum { TAG_START = 1, TAG_CRASH, TAG_PING, TAG_PONG };

typedef struct crasher {
    bench_round *round; /* owner: main */
    uint64_t left, t0;
    wr_id sup, old;
} crasher;

static wr_turn worker_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->tag == TAG_CRASH) wr_ctx_exit(ctx, WR_EXIT_ERROR, "crashed");
    else if (m->tag == TAG_PING) wr_ctx_send(ctx, m->from, TAG_PONG, NULL, 0, NULL);
    return WR_OK;
}

static void crash(wr_ctx *ctx, crasher *c) {
    c->old = wr_supervisor_child(wr_ctx_system(ctx), c->sup, "worker");
    wr_ctx_monitor(ctx, c->old, NULL, NULL);
    wr_ctx_send(ctx, c->old, TAG_CRASH, NULL, 0, NULL);
}

/* Pings the worker once the supervisor has a new incarnation of it; else
 * yields (WR_YIELD: the turn ends, the same message comes back after the
 * actors queued meanwhile), like Erlang's erlang:yield(). It used to send
 * itself a retry message instead, which the same turn took at once: the
 * crasher polled through its whole 64-message budget while the supervisor
 * it waited for sat queued behind it on the same worker, ~3 of the ~3.8 us
 * the benchmark reported per restart (docs/BENCHMARKS.md). */
static wr_turn ping_new(wr_ctx *ctx, crasher *c) {
    wr_id now = wr_supervisor_child(wr_ctx_system(ctx), c->sup, "worker");
    if (now == WR_NONE || now == c->old) return WR_YIELD;
    wr_ctx_send(ctx, now, TAG_PING, NULL, 0, NULL);
    return WR_OK;
}

static wr_turn crasher_handle(wr_ctx *ctx, const wr_msg *m) {
    crasher *c = wr_ctx_state(ctx);
    size_t len;
    if (m->kind == WR_MSG_DOWN) {
        return ping_new(ctx, c);
    } else if (m->tag == TAG_START) {
        memcpy(c, wr_msg_bytes(m, &len), sizeof *c);
        c->t0 = wb_now_ns();
        crash(ctx, c);
    } else if (m->tag == TAG_PONG) {
        if (--c->left > 0) {
            crash(ctx, c);
        } else {
            c->round->ns = wb_now_ns() - c->t0;
            sem_post(&c->round->done);
        }
    }
    return WR_OK;
}

static bool sup_start(wr_system *sys, const wr_sup_spec *sup, wr_id *out) {
    wb_error err = {0};
    if (wr_supervisor_start(sys, sup, out, &err) != WB_OK) {
        fprintf(stderr, "bench: supervisor: %s\n", err.msg);
        return false;
    }
    while (wr_supervisor_child(sys, *out, "worker") == WR_NONE) wb_sleep_ns(100000);
    return true;
}

/* Stops a block's supervisor (and so its worker) and waits until it is gone. */
static void sup_stop(wr_system *sys, wr_id sup) {
    wr_exit(sys, WR_NONE, sup, WR_EXIT_SHUTDOWN, "block done", NULL);
    while (wr_alive(sys, sup)) wb_sleep_ns(20000);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 20000), block = bench_arg(argc, argv, 2, 0);
    uint64_t best = UINT64_MAX;
    if (n == 0) return 1;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec worker = {.name = "worker", .handle = worker_handle};
    wr_child_spec child = {.name = "worker", .actor = &worker, .restart = WR_PERMANENT};
    /* High rate: intensity high enough that the 3 rounds of N restarts never
     * trip it. Blocks: just enough for one block's restarts. */
    wr_sup_spec sup = {.name = "sup", .strategy = WR_ONE_FOR_ONE,
                       .intensity = (uint32_t)(block ? block : 4 * n),
                       .period_ns = 1000000000ull, .children = &child, .nchildren = 1};
    wr_actor_spec cspec = {.name = "crasher", .handle = crasher_handle, .state_size = sizeof(crasher)};
    wr_id sup_id = WR_NONE;
    if (!block && !sup_start(sys, &sup, &sup_id)) return 1;
    bench_round round;
    sem_init(&round.done, 0, 0);
    for (int r = 0; r < 3; r++) {
        wr_id c;
        if (!bench_spawn(sys, &cspec, NULL, &c)) return 1;
        uint64_t ns = 0;
        for (uint64_t done = 0; done < n;) {
            uint64_t k = block && n - done > block ? block : n - done;
            if (block && !sup_start(sys, &sup, &sup_id)) return 1;
            while (wr_supervisor_child(sys, sup_id, "worker") == WR_NONE) wb_sleep_ns(100000);
            crasher start = {.round = &round, .left = k, .sup = sup_id};
            if (!bench_send(sys, c, TAG_START, &start, sizeof start)) return 1;
            sem_wait(&round.done);
            ns += round.ns;
            done += k;
            if (block) sup_stop(sys, sup_id);
        }
        if (ns < best) best = ns;
        wr_exit(sys, WR_NONE, c, WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report(block ? "restart_block" : "restart", (double)best / (double)n, "ns");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
