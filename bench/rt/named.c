// SPDX-License-Identifier: MIT
// Send to a named actor: a sender actor makes N sends to a registered name,
// looking the name up on every send (as Erlang's `name ! Msg` does); ns per
// message until the receiver has all N.
//   bench_rt_named [N]   prints "named_send <ns> ns" (best of 3)
#include "bench_rt.h"

enum { TAG_SETUP = 1, TAG_GO, TAG_DATA };
#define CHUNK 1024
#define SINK_NAME "bench_sink"

typedef struct sink {
    bench_round *round; /* owner: main */
    uint64_t left, t0;
} sink;

static wr_turn sender_handle(wr_ctx *ctx, const wr_msg *m) {
    uint64_t *left = wr_ctx_state(ctx);
    size_t len;
    if (m->tag == TAG_SETUP) memcpy(left, wr_msg_bytes(m, &len), sizeof *left);
    wr_system *sys = wr_ctx_system(ctx);
    for (int i = 0; i < CHUNK && *left > 0; i++, (*left)--)
        wr_ctx_send(ctx, wr_lookup(sys, SINK_NAME), TAG_DATA, left, sizeof *left, NULL);
    if (*left > 0) wr_ctx_send(ctx, wr_ctx_self(ctx), TAG_GO, NULL, 0, NULL);
    return WR_OK;
}

static wr_turn sink_handle(wr_ctx *ctx, const wr_msg *m) {
    sink *s = wr_ctx_state(ctx);
    size_t len;
    if (m->tag == TAG_SETUP) memcpy(s, wr_msg_bytes(m, &len), sizeof *s);
    else if (--s->left == 0) {
        s->round->ns = wb_now_ns() - s->t0;
        sem_post(&s->round->done);
    }
    return WR_OK;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 2000000), best = UINT64_MAX;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec send_spec = {.name = "sender", .handle = sender_handle,
                               .state_size = sizeof(uint64_t)};
    wr_actor_spec sink_spec = {.name = "sink", .handle = sink_handle, .state_size = sizeof(sink)};
    bench_round round;
    sem_init(&round.done, 0, 0);
    for (int r = 0; r < 3; r++) {
        wr_id s, p;
        wb_error err = {0};
        if (!bench_spawn(sys, &sink_spec, NULL, &s) || !bench_spawn(sys, &send_spec, NULL, &p))
            return 1;
        if (wr_register(sys, SINK_NAME, s, &err) != WB_OK) {
            fprintf(stderr, "bench: register: %s\n", err.msg);
            return 1;
        }
        sink ss = {.round = &round, .left = n, .t0 = wb_now_ns()};
        if (!bench_send(sys, s, TAG_SETUP, &ss, sizeof ss) || !bench_send(sys, p, TAG_SETUP, &n, sizeof n))
            return 1;
        sem_wait(&round.done);
        if (round.ns < best) best = round.ns;
        wr_unregister(sys, SINK_NAME);
        wr_exit(sys, WR_NONE, s, WR_EXIT_KILLED, NULL, NULL);
        wr_exit(sys, WR_NONE, p, WR_EXIT_KILLED, NULL, NULL);
    }
    bench_report("named_send", (double)best / (double)n, "ns");
    wr_system_free(sys);
    sem_destroy(&round.done);
    return 0;
}
