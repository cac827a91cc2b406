// SPDX-License-Identifier: MIT
// Ring: R actors each forwarding to the next, the last to the first; one
// token makes R*M hops. ns per hop (building the ring is not timed).
//   bench_rt_ring [R] [M]   prints "ring_hop <ns> ns" (best of 3)
#include "bench_rt.h"

enum { TAG_TOKEN = 1 };

typedef struct ring {
    wr_id *ids; /* owner: main; filled before the token starts */
    uint64_t r;
    bench_round round;
    uint64_t t0;
} ring;

static wb_status node_init(wr_ctx *ctx, void *arg) {
    *(void **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

/* The token is {hops left, receiver's index}: the index finds the next
 * node in ids[], so a node keeps no state but the ring pointer. */
static wr_turn node_handle(wr_ctx *ctx, const wr_msg *m) {
    ring *g = *(ring **)wr_ctx_state(ctx);
    uint64_t tok[2];
    size_t len;
    memcpy(tok, wr_msg_bytes(m, &len), sizeof tok);
    if (tok[0] == 1) {
        g->round.ns = wb_now_ns() - g->t0;
        sem_post(&g->round.done);
        return WR_OK;
    }
    tok[0]--;
    tok[1] = (tok[1] + 1) % g->r;
    wr_ctx_send(ctx, g->ids[tok[1]], TAG_TOKEN, tok, sizeof tok, NULL);
    return WR_OK;
}

int main(int argc, char **argv) {
    uint64_t r = bench_arg(argc, argv, 1, 10000), m = bench_arg(argc, argv, 2, 100);
    if (r < 2) r = 2;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec spec = {.name = "node", .init = node_init, .handle = node_handle,
                          .state_size = sizeof(void *)};
    ring g = {.ids = calloc(r, sizeof(wr_id)), .r = r};
    if (!g.ids) return 1;
    sem_init(&g.round.done, 0, 0);
    uint64_t best = UINT64_MAX;
    for (int round = 0; round < 3; round++) {
        for (uint64_t i = 0; i < r; i++)
            if (!bench_spawn(sys, &spec, &g, &g.ids[i])) return 1;
        uint64_t token[2] = {r * m, 0}; /* hops left, index of the receiver */
        g.t0 = wb_now_ns();
        if (!bench_send(sys, g.ids[0], TAG_TOKEN, token, sizeof token)) return 1;
        sem_wait(&g.round.done);
        if (g.round.ns < best) best = g.round.ns;
        for (uint64_t i = 0; i < r; i++) wr_exit(sys, WR_NONE, g.ids[i], WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report("ring_hop", (double)best / (double)(r * m), "ns");
    wr_system_free(sys);
    sem_destroy(&g.round.done);
    free(g.ids);
    return 0;
}
