/* SPDX-License-Identifier: MIT */
/* Component spawn from a cached module (the module is decoded once at define).
 *   bench_comp_spawn [N] [K] [GUEST...]
 * GUEST: a spawned component's module in BENCH_COMP_DIR: idle.wasm (the
 *   hand-written 1-page idle.wat, the default) and/or idle_c.wasm (idle_c.c,
 *   clang-built with the SDK). With several, each phase below takes turns
 *   between them in this one process (spawn by spawn, round by round), so
 *   their figures share the machine's load; the first guest's lines have
 *   the plain names, the others' are prefixed "<file without .wasm>.".
 * spawn_ready: wc_spawn from outside the actor system, N times one after the
 *   other, each returning once the instance is Ready and registered; ns each
 *   (median, 90th percentile and mean: a shared machine's preemptions land
 *   in the tail, not in the median).
 * spawn_work_p50: of the same spawns, the time from Starting to Ready (event
 *   times): the start itself (instance, init, register) without the
 *   hand-offs between the calling thread and a worker. Read once the Ready
 *   event reached the clock (bench_spawn_at), and only if every spawn's
 *   Starting and Ready times lie in order within its wc_spawn call: else
 *   the line is left out with the count on stderr, never a wrapped figure
 *   (it once printed a wrapped negative p50: wc_spawn returns when the
 *   component is Ready, which the host sets just before its Ready event's
 *   callback runs, so ready_ns could still be the previous spawn's).
 * spawn_guest: a component spawns K children (wactor.spawn), in 4 rounds of
 *   K/4; ns per child from each round's first call until its last child is
 *   Ready (its event's time).
 * spawn_guest_cpu: process CPU time per child over the same rounds (the
 *   driver thread naps meanwhile), what a spawn costs without the waits.
 * spawn_serving: a component spawns a child and waits for its answer to a
 *   request, K/4 times in a row (4 rounds of K/16); ns each (guest clock):
 *   spawn -> serving inside the system, no outside thread involved. */
#include "bench_comp.h"

#define MAX_GUESTS 4
#define ROUNDS 4

typedef struct guest {
    char def[32];         /* its definition's name */
    char prefix[64];      /* of its result lines */
    uint64_t *lat, *work; /* owner: main; one per outside spawn */
    uint64_t n, bad, total;
    uint64_t guest_ns, guest_cpu, serving_ns;
} guest;

static void report(const guest *g, const char *name, double v) {
    char full[128];
    snprintf(full, sizeof full, "%s%s", g->prefix, name);
    bench_report(full, v, "ns");
}

/* A component spawns k children of g; adds the wall and CPU time. */
static bool guest_spawns(bench *b, wr_id spawner, guest *g, uint64_t k) {
    char cmd[64];
    snprintf(cmd, sizeof cmd, "spawn %.31s %" PRIu64, g->def, k);
    uint64_t ready0 = atomic_load(&b->clock.ready), t0 = wb_now_ns();
    uint64_t c0 = bench_cpu_ns(BENCH_CPU_PROCESS);
    if (bench_ask(b, spawner, cmd) < 0) return false;
    uint64_t deadline = wb_now_ns() + 120 * SEC;
    while (atomic_load(&b->clock.ready) < ready0 + k && wb_now_ns() < deadline) wb_sleep_ns(MS);
    if (atomic_load(&b->clock.ready) < ready0 + k) {
        fprintf(stderr, "bench: only %" PRIu64 " of %" PRIu64 " children ready\n",
                (uint64_t)atomic_load(&b->clock.ready) - ready0, k);
        return false;
    }
    g->guest_cpu += bench_cpu_ns(BENCH_CPU_PROCESS) - c0;
    g->guest_ns += atomic_load(&b->clock.ready_ns) - t0;
    return true;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 20000), k = bench_arg(argc, argv, 2, 20000);
    static const char *dflt[] = {"idle.wasm"};
    const char **files = argc > 3 ? (const char **)argv + 3 : dflt;
    size_t ng = argc > 3 ? (size_t)argc - 3 : 1;
    if (n == 0 || k < 16 * ROUNDS || ng > MAX_GUESTS) {
        fprintf(stderr, "bench: N > 0, K >= %d, at most %d guests\n", 16 * ROUNDS, MAX_GUESTS);
        return 1;
    }
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "peer", "peer.wasm", true)) return 1;
    guest gs[MAX_GUESTS] = {0};
    for (size_t i = 0; i < ng; i++) {
        guest *g = &gs[i];
        snprintf(g->def, sizeof g->def, "idle%zu", i);
        if (i) snprintf(g->prefix, sizeof g->prefix, "%.*s.", (int)strcspn(files[i], "."), files[i]);
        g->lat = calloc(n, sizeof *g->lat);
        g->work = calloc(n, sizeof *g->work);
        if (!g->lat || !g->work || !bench_define(&b, g->def, files[i], false)) return 1;
    }
    char name[64];
    for (int i = 0; i < 200; i++) { /* warm-up: allocators, worker wake-ups */
        snprintf(name, sizeof name, "warm-%d", i);
        if (!bench_spawn(&b, gs[(size_t)i % ng].def, name)) return 1;
    }
    for (uint64_t i = 0; i < n * ng; i++) {
        guest *g = &gs[i % ng];
        snprintf(name, sizeof name, "s-%" PRIu64, i);
        uint64_t ts = wb_now_ns(), te = 0;
        if (!bench_spawn_at(&b, g->def, name, &te)) return 1;
        g->lat[g->n] = te - ts;
        g->total += te - ts; /* the wait for the Ready event is no spawn's time */
        uint64_t s = atomic_load(&b.clock.starting_ns), r = atomic_load(&b.clock.ready_ns);
        if (s < ts || r < s || r > te) g->bad++; /* not this spawn's times: no figure */
        g->work[g->n++] = r >= s ? r - s : 0;
    }

    wr_id spawner = bench_spawn(&b, "peer", "spawner"), asker = bench_spawn(&b, "peer", "asker");
    if (!spawner || !asker) return 1;
    char cmd[64];
    for (int r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < ng; i++)
            if (!guest_spawns(&b, spawner, &gs[i], k / ROUNDS)) return 1;
        for (size_t i = 0; i < ng; i++) {
            snprintf(cmd, sizeof cmd, "spawnask %.31s %" PRIu64, gs[i].def, k / (4 * ROUNDS));
            int64_t ns = bench_ask(&b, asker, cmd);
            if (ns < 0) return 1;
            gs[i].serving_ns += (uint64_t)ns;
        }
    }

    for (size_t i = 0; i < ng; i++) {
        guest *g = &gs[i];
        qsort(g->lat, n, sizeof *g->lat, bench_cmp_u64);
        report(g, "spawn_ready_p50", (double)g->lat[n / 2]);
        report(g, "spawn_ready_p90", (double)g->lat[n * 9 / 10]);
        report(g, "spawn_ready_mean", (double)g->total / (double)n);
        qsort(g->work, n, sizeof *g->work, bench_cmp_u64);
        if (g->bad)
            fprintf(stderr, "bench: %sspawn_work_p50 left out: %" PRIu64 " of %" PRIu64
                    " spawns had event times out of order\n", g->prefix, g->bad, n);
        else
            report(g, "spawn_work_p50", (double)g->work[n / 2]);
        uint64_t kk = k / ROUNDS * ROUNDS, ks = k / (4 * ROUNDS) * ROUNDS;
        report(g, "spawn_guest", (double)g->guest_ns / (double)kk);
        report(g, "spawn_guest_cpu", (double)g->guest_cpu / (double)kk);
        report(g, "spawn_serving", (double)g->serving_ns / (double)ks);
        free(g->lat);
        free(g->work);
    }
    bench_close(&b);
    return 0;
}
