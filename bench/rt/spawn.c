// SPDX-License-Identifier: MIT
// Spawn + exit: a parent actor spawns N children that each tell the parent
// they started and exit normally; ns per child until the parent heard all.
//   bench_rt_spawn [N]   prints "spawn_exit <ns> ns" (best of 5, as Erlang's)
#include "bench_rt.h"

enum { TAG_START = 1, TAG_STARTED };

typedef struct parent {
    bench_round *round; /* owner: main */
    uint64_t n, heard, t0;
} parent;

static wb_status child_init(wr_ctx *ctx, void *arg) {
    wr_ctx_send(ctx, (wr_id)(uintptr_t)arg, TAG_STARTED, NULL, 0, NULL);
    wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WB_OK;
}

static wr_turn child_handle(wr_ctx *ctx, const wr_msg *m) { return WR_OK; }

static const wr_actor_spec child_spec = {.name = "child", .init = child_init,
                                         .handle = child_handle};

static wr_turn parent_handle(wr_ctx *ctx, const wr_msg *m) {
    parent *p = wr_ctx_state(ctx);
    if (m->tag == TAG_START) {
        size_t len;
        memcpy(p, wr_msg_bytes(m, &len), sizeof *p);
        p->t0 = wb_now_ns();
        void *self = (void *)(uintptr_t)wr_ctx_self(ctx);
        for (uint64_t i = 0; i < p->n; i++) {
            wr_id c;
            wb_error err = {0};
            if (wr_ctx_spawn(ctx, &child_spec, self, 0, &c, NULL, &err) != WB_OK) {
                fprintf(stderr, "bench: spawn: %s\n", err.msg);
                exit(1);
            }
        }
    } else if (++p->heard == p->n) {
        p->round->ns = wb_now_ns() - p->t0;
        sem_post(&p->round->done);
    }
    return WR_OK;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 100000), best = UINT64_MAX;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec spec = {.name = "parent", .handle = parent_handle, .state_size = sizeof(parent)};
    bench_round round;
    sem_init(&round.done, 0, 0);
    for (int r = 0; r < 5; r++) {
        wr_id p;
        if (!bench_spawn(sys, &spec, NULL, &p)) return 1;
        parent start = {.round = &round, .n = n};
        if (!bench_send(sys, p, TAG_START, &start, sizeof start)) return 1;
        sem_wait(&round.done);
        if (round.ns < best) best = round.ns;
        wr_exit(sys, WR_NONE, p, WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report("spawn_exit", (double)best / (double)n, "ns");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
