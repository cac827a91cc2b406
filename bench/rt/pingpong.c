// SPDX-License-Identifier: MIT
// Ping-pong: two actors bounce one message N times; ns per round trip.
//   bench_rt_pingpong [N]   prints "pingpong_rtt <ns> ns" (best of 3)
#include "bench_rt.h"

enum { TAG_START = 1, TAG_PING, TAG_PONG };

typedef struct pinger {
    bench_round *round; /* owner: main */
    wr_id ponger;
    uint64_t left, t0;
} pinger;

static wr_turn ponger_handle(wr_ctx *ctx, const wr_msg *m) {
    wr_ctx_send(ctx, m->from, TAG_PONG, NULL, 0, NULL);
    return WR_OK;
}

static wr_turn pinger_handle(wr_ctx *ctx, const wr_msg *m) {
    pinger *p = wr_ctx_state(ctx);
    if (m->tag == TAG_START) {
        size_t len;
        const void *b = wr_msg_bytes(m, &len);
        memcpy(p, b, sizeof *p);
        p->t0 = wb_now_ns();
    } else if (--p->left == 0) {
        p->round->ns = wb_now_ns() - p->t0;
        sem_post(&p->round->done);
        return WR_OK;
    }
    wr_ctx_send(ctx, p->ponger, TAG_PING, NULL, 0, NULL);
    return WR_OK;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 1000000), best = UINT64_MAX;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec ping = {.name = "pinger", .handle = pinger_handle, .state_size = sizeof(pinger)};
    wr_actor_spec pong = {.name = "ponger", .handle = ponger_handle};
    bench_round round;
    sem_init(&round.done, 0, 0);
    for (int r = 0; r < 3; r++) {
        wr_id a, b;
        if (!bench_spawn(sys, &ping, NULL, &a) || !bench_spawn(sys, &pong, NULL, &b)) return 1;
        pinger start = {.round = &round, .ponger = b, .left = n};
        if (!bench_send(sys, a, TAG_START, &start, sizeof start)) return 1;
        sem_wait(&round.done);
        if (round.ns < best) best = round.ns;
        wr_exit(sys, WR_NONE, a, WR_EXIT_KILLED, NULL, NULL);
        wr_exit(sys, WR_NONE, b, WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report("pingpong_rtt", (double)best / (double)n, "ns");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
