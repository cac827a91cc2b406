/* SPDX-License-Identifier: MIT */
/* Component spawn from a cached module (the module is decoded once at define).
 *   bench_comp_spawn [N] [K]
 * spawn_ready: wc_spawn from outside the actor system, N times one after the
 *   other, each returning once the instance is Ready and registered; ns each
 *   (median, 90th percentile and mean: a shared machine's preemptions land
 *   in the tail, not in the median).
 * spawn_work_p50: of the same spawns, the time from Starting to Ready (event
 *   times): the start itself (instance, init, register) without the
 *   hand-offs between the calling thread and a worker.
 * spawn_guest: a component spawns K children (wactor.spawn); ns per child
 *   from the first call until the last child is Ready (its event's time).
 * spawn_guest_cpu: process CPU time per child over the same phase (the
 *   driver thread naps meanwhile), what a spawn costs without the waits.
 * spawn_serving: a component spawns a child and waits for its answer to a
 *   request, K/4 times in a row; ns each (guest clock): spawn -> serving
 *   inside the system, no outside thread involved. */
#include "bench_comp.h"

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 20000), k = bench_arg(argc, argv, 2, 20000);
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "idle", "idle.wasm", false) ||
        !bench_define(&b, "peer", "peer.wasm", true))
        return 1;
    char name[64];
    for (int i = 0; i < 200; i++) { /* warm-up: allocators, worker wake-ups */
        snprintf(name, sizeof name, "warm-%d", i);
        if (!bench_spawn(&b, "idle", name)) return 1;
    }
    uint64_t *lat = calloc(n ? n : 1, sizeof *lat); /* owner: main */
    uint64_t *work = calloc(n ? n : 1, sizeof *work); /* owner: main */
    uint64_t t0 = wb_now_ns();
    for (uint64_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "s-%" PRIu64, i);
        uint64_t ts = wb_now_ns();
        if (!bench_spawn(&b, "idle", name)) return 1;
        lat[i] = wb_now_ns() - ts;
        work[i] = atomic_load(&b.clock.ready_ns) - atomic_load(&b.clock.starting_ns);
    }
    uint64_t total = wb_now_ns() - t0;
    qsort(lat, n, sizeof *lat, bench_cmp_u64);
    bench_report("spawn_ready_p50", (double)lat[n / 2], "ns");
    bench_report("spawn_ready_p90", (double)lat[n * 9 / 10], "ns");
    bench_report("spawn_ready_mean", (double)total / (double)n, "ns");
    qsort(work, n, sizeof *work, bench_cmp_u64);
    bench_report("spawn_work_p50", (double)work[n / 2], "ns");
    free(lat);
    free(work);

    wr_id p = bench_spawn(&b, "peer", "spawner");
    if (!p) return 1;
    uint64_t ready0 = atomic_load(&b.clock.ready);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "spawn idle %" PRIu64, k);
    t0 = wb_now_ns();
    uint64_t c0 = bench_cpu_ns(BENCH_CPU_PROCESS);
    if (bench_ask(&b, p, cmd) < 0) return 1;
    uint64_t deadline = wb_now_ns() + 120 * SEC;
    while (atomic_load(&b.clock.ready) < ready0 + k && wb_now_ns() < deadline) wb_sleep_ns(MS);
    if (atomic_load(&b.clock.ready) < ready0 + k) {
        fprintf(stderr, "bench: only %" PRIu64 " of %" PRIu64 " children ready\n",
                (uint64_t)atomic_load(&b.clock.ready) - ready0, k);
        return 1;
    }
    uint64_t cpu = bench_cpu_ns(BENCH_CPU_PROCESS) - c0;
    bench_report("spawn_guest", (double)(atomic_load(&b.clock.ready_ns) - t0) / (double)k, "ns");
    bench_report("spawn_guest_cpu", (double)cpu / (double)k, "ns");
    wr_id q = bench_spawn(&b, "peer", "asker");
    if (!q) return 1;
    snprintf(cmd, sizeof cmd, "spawnask idle %" PRIu64, k / 4);
    int64_t ns = bench_ask(&b, q, cmd);
    if (ns < 0) return 1;
    bench_report("spawn_serving", (double)ns / (double)(k / 4), "ns");
    bench_close(&b);
    return 0;
}
