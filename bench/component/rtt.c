/* SPDX-License-Identifier: MIT */
/* Request/response between two components: a guest makes N requests in a
 * row (wactor.request: its instance suspends, the worker runs others), the
 * other guest answers each from handle_message (wactor.reply), the first
 * resumes with the reply copied into its memory.
 *   bench_comp_rtt [N]
 * rtt: ns per round trip, guest clock, best of 5 rounds
 * rtt_cpu: process CPU time per round trip (the idle worker's spinning
 *   included), best of 5 rounds */
#include "bench_comp.h"

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 100000);
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "peer", "peer.wasm", true)) return 1;
    wr_id a = bench_spawn(&b, "peer", "asker"), z = bench_spawn(&b, "peer", "answerer");
    if (!a || !z) return 1;
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rtt %" PRIu64 " %" PRIu64, (uint64_t)z, n);
    int64_t best = INT64_MAX;
    uint64_t best_cpu = UINT64_MAX;
    for (int r = 0; r < 5; r++) {
        uint64_t c0 = bench_cpu_ns(BENCH_CPU_PROCESS);
        int64_t ns = bench_ask(&b, a, cmd);
        uint64_t cpu = bench_cpu_ns(BENCH_CPU_PROCESS) - c0;
        if (ns < 0) return 1;
        if (ns < best) best = ns;
        if (cpu < best_cpu) best_cpu = cpu;
    }
    bench_report("rtt", (double)best / (double)n, "ns");
    bench_report("rtt_cpu", (double)best_cpu / (double)n, "ns");
    bench_close(&b);
    return 0;
}
