// SPDX-License-Identifier: MIT
// Throughput: P producer actors each send N/P messages to one consumer as
// fast as they can; messages per second until the consumer has received all N.
// A C handler cannot be preempted the way Erlang preempts its send loop, so a
// producer sends one turn's worth (the default budget, 64) and returns
// WR_YIELD to be called again: the runtime's own way to slice long work.
//   bench_rt_throughput [P] [N]   prints "throughput_<P>to1 <msg/s> msg/s" (best of 3)
#include "bench_rt.h"

enum { TAG_SETUP = 1, TAG_DATA };
#define CHUNK 64 /* sends per slice: the default turn budget */

typedef struct producer {
    wr_id consumer;
    uint64_t left;
} producer;

typedef struct consumer {
    bench_round *round; /* owner: main */
    uint64_t left, t0;
} consumer;

static wr_turn producer_handle(wr_ctx *ctx, const wr_msg *m) {
    producer *p = wr_ctx_state(ctx);
    size_t len;
    /* A yielded call sees the same SETUP message again: take it only once. */
    if (m->tag == TAG_SETUP && !p->consumer) memcpy(p, wr_msg_bytes(m, &len), sizeof *p);
    for (int i = 0; i < CHUNK && p->left > 0; i++, p->left--)
        wr_ctx_send(ctx, p->consumer, TAG_DATA, &p->left, sizeof p->left, NULL);
    return p->left > 0 ? WR_YIELD : WR_OK;
}

static wr_turn consumer_handle(wr_ctx *ctx, const wr_msg *m) {
    consumer *c = wr_ctx_state(ctx);
    size_t len;
    if (m->tag == TAG_SETUP) memcpy(c, wr_msg_bytes(m, &len), sizeof *c);
    else if (--c->left == 0) {
        c->round->ns = wb_now_ns() - c->t0;
        sem_post(&c->round->done);
    }
    return WR_OK;
}

int main(int argc, char **argv) {
    uint64_t np = bench_arg(argc, argv, 1, 1), n = bench_arg(argc, argv, 2, 2000000);
    if (np == 0 || np > 64) np = 1;
    n -= n % np;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec pspec = {.name = "producer", .handle = producer_handle,
                           .state_size = sizeof(producer)};
    wr_actor_spec cspec = {.name = "consumer", .handle = consumer_handle,
                           .state_size = sizeof(consumer)};
    bench_round round;
    sem_init(&round.done, 0, 0);
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < 3; r++) {
        wr_id c, p[64];
        if (!bench_spawn(sys, &cspec, NULL, &c)) return 1;
        for (uint64_t i = 0; i < np; i++)
            if (!bench_spawn(sys, &pspec, NULL, &p[i])) return 1;
        consumer cs = {.round = &round, .left = n, .t0 = wb_now_ns()};
        if (!bench_send(sys, c, TAG_SETUP, &cs, sizeof cs)) return 1;
        for (uint64_t i = 0; i < np; i++) {
            producer ps = {.consumer = c, .left = n / np};
            if (!bench_send(sys, p[i], TAG_SETUP, &ps, sizeof ps)) return 1;
        }
        sem_wait(&round.done);
        if (round.ns < best) best = round.ns;
        wr_exit(sys, WR_NONE, c, WR_EXIT_KILLED, NULL, NULL);
        for (uint64_t i = 0; i < np; i++) wr_exit(sys, WR_NONE, p[i], WR_EXIT_KILLED, NULL, NULL);
    }
    char name[32];
    snprintf(name, sizeof name, "throughput_%" PRIu64 "to1", np);
    bench_report(name, (double)n * 1e9 / (double)best, "msg/s");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
