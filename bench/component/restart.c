/* SPDX-License-Identifier: MIT */
/* Restart: a supervised component traps (unreachable) and its supervisor
 * restarts it at once (no backoff): new instance, init, registered, Ready.
 *   bench_comp_restart [K]
 * restart_p50 / restart_mean: from the Failed transition of the trapped
 *   incarnation to the Ready transition of the next (both stamped by the
 *   host's event clock on the workers), over K restarts
 * restart_loop: from sending "crash" to seeing the next Ready, per restart,
 *   as the driver thread sees it (includes its own wake-ups) */
#include "bench_comp.h"

int main(int argc, char **argv) {
    uint64_t k = bench_arg(argc, argv, 1, 2000);
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "peer", "peer.wasm", true)) return 1;
    wc_child_opts opts = {.restart = WC_RESTART_PERMANENT};
    wr_child_spec child;
    wb_error err = {0};
    if (wc_child_spec(b.host, "peer", "victim", &opts, &child, &err) != WB_OK) {
        fprintf(stderr, "bench: child spec: %s\n", err.msg);
        return 1;
    }
    wr_sup_spec sup = {.name = "sup", .strategy = WR_ONE_FOR_ONE, .intensity = (uint32_t)k + 10,
                       .period_ns = 3600 * SEC, .children = &child, .nchildren = 1};
    wr_id sid = 0;
    if (wr_supervisor_start(b.sys, &sup, &sid, &err) != WB_OK) {
        fprintf(stderr, "bench: supervisor: %s\n", err.msg);
        return 1;
    }
    static const uint8_t crash[6] = {0x55, 'c', 'r', 'a', 's', 'h'};
    uint64_t *lat = calloc(k ? k : 1, sizeof *lat); /* owner: main */
    uint64_t sum = 0, loop0 = 0;
    for (uint64_t i = 0; i < k + 1; i++) {
        if (i == 1) loop0 = wb_now_ns(); /* the first restart warms up */
        uint64_t r0 = atomic_load(&b.clock.ready), deadline = wb_now_ns() + 10 * SEC;
        wr_id id = 0;
        while (!(id = wr_lookup(b.sys, "victim")) && wb_now_ns() < deadline) wb_sleep_ns(10000);
        if (!id || wc_send(b.host, id, crash, sizeof crash, &err) != WB_OK) {
            fprintf(stderr, "bench: crash %" PRIu64 ": %s\n", i, id ? err.msg : "victim not registered");
            return 1;
        }
        while (atomic_load(&b.clock.ready) == r0 && wb_now_ns() < deadline) wb_sleep_ns(10000);
        if (atomic_load(&b.clock.ready) == r0) {
            fprintf(stderr, "bench: restart %" PRIu64 " did not happen\n", i);
            return 1;
        }
        if (i == 0) continue;
        lat[i - 1] = atomic_load(&b.clock.ready_ns) - atomic_load(&b.clock.failed_ns);
        sum += lat[i - 1];
    }
    uint64_t loop = wb_now_ns() - loop0;
    qsort(lat, k, sizeof *lat, bench_cmp_u64);
    bench_report("restart_p50", (double)lat[k / 2], "ns");
    bench_report("restart_mean", (double)sum / (double)k, "ns");
    bench_report("restart_loop", (double)loop / (double)k, "ns");
    free(lat);
    bench_close(&b);
    return 0;
}
