/* SPDX-License-Identifier: MIT */
/* Idle components resident at once: a component spawns N idle components;
 * memory per component is the growth of the process's resident set (RSS)
 * and of its page tables (VmPTE, which RSS leaves out) over N, measured
 * once all are Ready and again after each handled one message (which
 * touches its linear memory).
 *   bench_comp_idle [N] [GUEST]
 * GUEST: the idle component's module in BENCH_COMP_DIR: idle.wasm (the
 *   hand-written idle.wat, (memory 1 1)) by default, or idle_c.wasm (idle_c.c,
 *   clang-built with the SDK: 2 pages, no declared maximum)
 * idle_ready_bytes / idle_touched_bytes: RSS+PTE bytes per component
 * idle_pte_bytes: the page-table part of idle_touched_bytes
 * idle_virtual_bytes: address space per component (VmSize), mostly the
 *   reservation its linear memory may grow into
 * idle_spawn: ns per component spawned (guest spawn until the last Ready) */
#include "bench_comp.h"

static bool wait_count(atomic_uint_fast64_t *c, uint64_t want) {
    uint64_t deadline = wb_now_ns() + 600 * SEC;
    while (atomic_load(c) < want && wb_now_ns() < deadline) wb_sleep_ns(10 * MS);
    return atomic_load(c) >= want;
}

static uint64_t mem_bytes(void) { return bench_status_bytes("VmRSS") + bench_status_bytes("VmPTE"); }

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 100000);
    const char *guest = argc > 2 ? argv[2] : "idle.wasm";
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "idle", guest, false) ||
        !bench_define(&b, "peer", "peer.wasm", true))
        return 1;
    wr_id p = bench_spawn(&b, "peer", "spawner");
    if (!p) return 1;
    uint64_t r0 = atomic_load(&b.clock.ready), mem0 = mem_bytes();
    uint64_t pte0 = bench_status_bytes("VmPTE"), vm0 = bench_status_bytes("VmSize");
    uint64_t t0 = wb_now_ns();
    char cmd[64];
    snprintf(cmd, sizeof cmd, "spawn idle %" PRIu64, n);
    if (bench_ask(&b, p, cmd) < 0 || !wait_count(&b.clock.ready, r0 + n)) {
        fprintf(stderr, "bench: spawned only %" PRIu64 "\n", (uint64_t)atomic_load(&b.clock.ready) - r0);
        return 1;
    }
    uint64_t spawn_ns = atomic_load(&b.clock.ready_ns) - t0, mem1 = mem_bytes();

    /* One message each: the names are "spawner/idle#<seq>". */
    size_t total = wc_host_names(b.host, NULL, 0);
    const char **names = calloc(total, sizeof *names); /* owner: main; strings: the host */
    wc_host_names(b.host, names, total);
    static const uint8_t msg[5] = {0x55, 't', 'o', 'u', 'c'};
    wb_error err = {0};
    uint64_t sent = 0;
    for (size_t i = 0; i < total; i++) {
        if (strncmp(names[i], "spawner/idle#", 13)) continue;
        wr_id id = wr_lookup(b.sys, names[i]);
        if (!id || wc_send(b.host, id, msg, sizeof msg, &err) != WB_OK) return 1;
        sent++;
    }
    uint64_t handled = 0, deadline = wb_now_ns() + 600 * SEC;
    while (handled < sent && wb_now_ns() < deadline) {
        wb_sleep_ns(50 * MS);
        handled = 0;
        for (size_t i = 0; i < total; i++)
            if (!strncmp(names[i], "spawner/idle#", 13)) handled += bench_messages(&b, names[i]);
    }
    free(names);
    if (sent != n || handled < sent) {
        fprintf(stderr, "bench: %" PRIu64 " of %" PRIu64 " touched\n", handled, n);
        return 1;
    }
    uint64_t mem2 = mem_bytes(), pte2 = bench_status_bytes("VmPTE");
    uint64_t vm2 = bench_status_bytes("VmSize");
    bench_report("idle_count", (double)n, "components");
    bench_report("idle_ready_bytes", (double)(mem1 - mem0) / (double)n, "B");
    bench_report("idle_touched_bytes", (double)(mem2 - mem0) / (double)n, "B");
    bench_report("idle_pte_bytes", (double)(pte2 - pte0) / (double)n, "B");
    bench_report("idle_virtual_bytes", (double)(vm2 - vm0) / (double)n, "B");
    bench_report("idle_spawn", (double)spawn_ns / (double)n, "ns");
    bench_close(&b);
    return 0;
}
