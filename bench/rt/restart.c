// SPDX-License-Identifier: MIT
// Supervisor restart latency: a one-for-one supervisor with one permanent
// worker (brutal kill, no backoff); a bench actor crashes the worker and
// times until a new incarnation answers a ping. ns per crash -> answering
// again, mean over N restarts. The current incarnation is found with
// wr_supervisor_child (Erlang's version uses a registered name).
//   bench_rt_restart [N]   prints "restart <ns> ns" (best of 3)
#include "bench_rt.h"

enum { TAG_START = 1, TAG_CRASH, TAG_PING, TAG_PONG, TAG_RETRY };

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
 * tries again after the messages already queued, like Erlang's yield. */
static void ping_new(wr_ctx *ctx, crasher *c) {
    wr_id now = wr_supervisor_child(wr_ctx_system(ctx), c->sup, "worker");
    if (now == WR_NONE || now == c->old) wr_ctx_send(ctx, wr_ctx_self(ctx), TAG_RETRY, NULL, 0, NULL);
    else wr_ctx_send(ctx, now, TAG_PING, NULL, 0, NULL);
}

static wr_turn crasher_handle(wr_ctx *ctx, const wr_msg *m) {
    crasher *c = wr_ctx_state(ctx);
    size_t len;
    if (m->kind == WR_MSG_DOWN || m->tag == TAG_RETRY) {
        ping_new(ctx, c);
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

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 20000), best = UINT64_MAX;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec worker = {.name = "worker", .handle = worker_handle};
    wr_child_spec child = {.name = "worker", .actor = &worker, .restart = WR_PERMANENT};
    /* Intensity high enough that the 3 rounds of N restarts never trip it. */
    wr_sup_spec sup = {.name = "sup", .strategy = WR_ONE_FOR_ONE, .intensity = (uint32_t)(4 * n),
                       .period_ns = 1000000000ull, .children = &child, .nchildren = 1};
    wr_actor_spec cspec = {.name = "crasher", .handle = crasher_handle, .state_size = sizeof(crasher)};
    wr_id sup_id;
    wb_error err = {0};
    if (wr_supervisor_start(sys, &sup, &sup_id, &err) != WB_OK) {
        fprintf(stderr, "bench: supervisor: %s\n", err.msg);
        return 1;
    }
    bench_round round;
    sem_init(&round.done, 0, 0);
    for (int r = 0; r < 3; r++) {
        while (wr_supervisor_child(sys, sup_id, "worker") == WR_NONE) wb_sleep_ns(100000);
        wr_id c;
        if (!bench_spawn(sys, &cspec, NULL, &c)) return 1;
        crasher start = {.round = &round, .left = n, .sup = sup_id};
        if (!bench_send(sys, c, TAG_START, &start, sizeof start)) return 1;
        sem_wait(&round.done);
        if (round.ns < best) best = round.ns;
        wr_exit(sys, WR_NONE, c, WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report("restart", (double)best / (double)n, "ns");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
