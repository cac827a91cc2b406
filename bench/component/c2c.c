/* SPDX-License-Identifier: MIT */
/* Component-to-component messages: a guest sends N messages (wactor.send in a
 * loop) to another guest, whose handle_message reads each one.
 *   bench_comp_c2c [N] [PAIRS]
 * c2c_msgs: messages handled per second by the receivers, from the command
 *   to the last one handled (PAIRS sender/receiver pairs at once; best of 3)
 * c2c_send: the sender's own time per wactor.send (guest clock: the guest
 *   call, capability and payload checks, routing and the enqueue)
 * c2c_cpu: process CPU time per message (both workers, sender and receiver;
 *   idle spinning included); c2c_msgs_cpu = 2 cores / c2c_cpu, the rate two
 *   dedicated cores would give (a shared machine's wall clock is lower) */
#include "bench_comp.h"

#include <pthread.h>

typedef struct blaster {
    bench *b;
    wr_id from, to;
    uint64_t n;
    int64_t ns; /* the sender's guest-clock time, -1 on failure */
} blaster;

static void *blast(void *arg) {
    blaster *bl = arg;
    char cmd[96];
    snprintf(cmd, sizeof cmd, "blast %" PRIu64 " %" PRIu64, (uint64_t)bl->to, bl->n);
    bl->ns = bench_ask(bl->b, bl->from, cmd);
    return NULL;
}

static uint64_t received(bench *b, int pairs) {
    uint64_t sum = 0;
    char name[32];
    for (int i = 0; i < pairs; i++) {
        snprintf(name, sizeof name, "rx-%d", i);
        sum += bench_messages(b, name);
    }
    return sum;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 1000000);
    int pairs = (int)bench_arg(argc, argv, 2, 1);
    if (pairs < 1 || pairs > 16) pairs = 1;
    bench b;
    if (!bench_open(&b, 0, 0) || !bench_define(&b, "peer", "peer.wasm", true)) return 1;
    blaster bl[16];
    char name[32];
    for (int i = 0; i < pairs; i++) {
        bl[i] = (blaster){.b = &b, .n = n};
        snprintf(name, sizeof name, "tx-%d", i);
        bl[i].from = bench_spawn(&b, "peer", name);
        snprintf(name, sizeof name, "rx-%d", i);
        bl[i].to = bench_spawn(&b, "peer", name);
        if (!bl[i].from || !bl[i].to) return 1;
    }
    double best_rate = 0, best_send = 1e30, best_cpu = 1e30;
    for (int r = 0; r < 3; r++) {
        uint64_t m0 = received(&b, pairs), t0 = wb_now_ns(), c0 = bench_cpu_ns(BENCH_CPU_PROCESS);
        pthread_t th[16];
        for (int i = 0; i < pairs; i++) pthread_create(&th[i], NULL, blast, &bl[i]);
        for (int i = 0; i < pairs; i++) pthread_join(th[i], NULL);
        uint64_t want = m0 + n * (uint64_t)pairs, deadline = wb_now_ns() + 120 * SEC;
        while (received(&b, pairs) < want && wb_now_ns() < deadline) wb_sleep_ns(100000);
        uint64_t dt = wb_now_ns() - t0, cpu = bench_cpu_ns(BENCH_CPU_PROCESS) - c0;
        for (int i = 0; i < pairs; i++)
            if (bl[i].ns < 0) return 1;
        if (received(&b, pairs) < want) {
            fprintf(stderr, "bench: %" PRIu64 " of %" PRIu64 " messages handled\n",
                    received(&b, pairs) - m0, want - m0);
            return 1;
        }
        double rate = (double)(n * (uint64_t)pairs) / ((double)dt / 1e9);
        if (rate > best_rate) best_rate = rate;
        double per = (double)cpu / (double)(n * (uint64_t)pairs);
        if (per < best_cpu) best_cpu = per;
        double send = (double)bl[0].ns / (double)n;
        if (send < best_send) best_send = send;
    }
    bench_report("c2c_msgs", best_rate, "msg/s");
    bench_report("c2c_send", best_send, "ns");
    bench_report("c2c_cpu", best_cpu, "ns");
    bench_report("c2c_msgs_cpu", 2e9 / best_cpu, "msg/s");
    bench_close(&b);
    return 0;
}
