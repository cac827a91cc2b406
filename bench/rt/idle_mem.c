// SPDX-License-Identifier: MIT
// Memory per idle actor: spawn N actors that wait for a message; the growth
// of the process's resident memory divided by N (bytes per actor).
//   bench_rt_idle_mem [N]   prints "idle_bytes <bytes> B"
#include "bench_rt.h"

static wr_turn idle_handle(wr_ctx *ctx, const wr_msg *m) { return WR_OK; }

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 100000);
    wr_system *sys = bench_system();
    if (!sys) return 1;
    wr_actor_spec spec = {.name = "idle", .handle = idle_handle};
    wr_id warm;
    if (!bench_spawn(sys, &spec, NULL, &warm)) return 1; /* first-use allocations */
    uint64_t before = bench_rss_bytes();
    for (uint64_t i = 0; i < n; i++) {
        wr_id id;
        if (!bench_spawn(sys, &spec, NULL, &id)) return 1;
    }
    /* Wait until every actor has run its first turn (its INIT) and is idle. */
    wr_system_stats st;
    for (int tries = 0; tries < 10000; tries++) {
        wr_system_stats_get(sys, &st);
        if (st.live_actors >= n + 1) break;
        wb_sleep_ns(1000000);
    }
    wb_sleep_ns(50000000);
    uint64_t after = bench_rss_bytes();
    bench_report("idle_bytes", (double)(after - before) / (double)n, "B");
    wr_system_free(sys);
    return 0;
}
