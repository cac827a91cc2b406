/* SPDX-License-Identifier: MIT */
/* Routing: resolve a component and enqueue a message in its mailbox, from a
 * thread outside the actor system (the component consumes concurrently).
 *   bench_comp_route [N]
 * route_id:   wc_send by id (payload check, target's size limit, enqueue)
 * route_name: wr_lookup of the name, then wc_send
 * rt_send:    wr_send by id, the runtime alone (the floor for the above)
 * ns per message, best of 5 rounds of N, in the sending thread's CPU time
 * (what routing costs the sender; waiting for a core on a shared machine is
 * left out; *_wall is the same in wall-clock time). The component drains its
 * mailbox between rounds, so every round starts from an empty mailbox. */
#include "bench_comp.h"

enum { ROUTE_ID, ROUTE_NAME, RT_SEND };

static bool round_run(bench *b, int how, uint64_t n, const uint8_t *msg, size_t len,
                      uint64_t *ns, uint64_t *wall) {
    uint64_t m0 = bench_messages(b, "sink");
    wr_id id = wr_lookup(b->sys, "sink");
    wb_error err = {0};
    uint64_t t0 = wb_now_ns(), c0 = bench_cpu_ns(BENCH_CPU_THREAD);
    for (uint64_t i = 0; i < n; i++) {
        wb_status st;
        if (how == ROUTE_ID) st = wc_send(b->host, id, msg, len, &err);
        else if (how == ROUTE_NAME) st = wc_send(b->host, wr_lookup(b->sys, "sink"), msg, len, &err);
        else st = wr_send(b->sys, id, WC_TAG_MESSAGE, msg, len, &err);
        if (st != WB_OK) {
            fprintf(stderr, "bench: send: %s\n", err.msg);
            return false;
        }
    }
    *ns = bench_cpu_ns(BENCH_CPU_THREAD) - c0;
    *wall = wb_now_ns() - t0;
    uint64_t deadline = wb_now_ns() + 60 * SEC;
    while (bench_messages(b, "sink") < m0 + n && wb_now_ns() < deadline) wb_sleep_ns(MS);
    return bench_messages(b, "sink") >= m0 + n;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 200000);
    static const uint8_t msg[9] = {0x55, 'm', 's', 'g', '-', 'b', 'o', 'd', 'y'};
    static const char *names[] = {"route_id", "route_name", "rt_send"};
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "idle", "idle.wasm", false) ||
        !bench_spawn(&b, "idle", "sink"))
        return 1;
    for (int how = ROUTE_ID; how <= RT_SEND; how++) {
        uint64_t best = UINT64_MAX, best_wall = UINT64_MAX, ns, wall;
        for (int r = 0; r < 5; r++) {
            if (!round_run(&b, how, n, msg, sizeof msg, &ns, &wall)) return 1;
            if (ns < best) best = ns;
            if (wall < best_wall) best_wall = wall;
        }
        char wname[32];
        snprintf(wname, sizeof wname, "%s_wall", names[how]);
        bench_report(names[how], (double)best / (double)n, "ns");
        bench_report(wname, (double)best_wall / (double)n, "ns");
    }
    bench_close(&b);
    return 0;
}
