// SPDX-License-Identifier: MIT
// The floor for actor hand-off latency: two threads ping-pong one token
// through a mutex and two condition variables. ns per round trip.
//
//   bench_compare_handoff [N]   prints "handoff_rtt <ns> ns" (best of 3)
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t to_ponger, to_pinger;
    uint64_t turn; /* odd: the ponger's turn; guarded by lock */
    uint64_t rounds;
} handoff;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *ponger(void *arg) {
    handoff *h = arg;
    pthread_mutex_lock(&h->lock);
    for (uint64_t i = 0; i < h->rounds; i++) {
        while ((h->turn & 1) == 0) pthread_cond_wait(&h->to_ponger, &h->lock);
        h->turn++;
        pthread_cond_signal(&h->to_pinger);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* One measured round of n round trips; returns ns per round trip. */
static uint64_t round_run(uint64_t n) {
    handoff h = {.turn = 0, .rounds = n};
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.to_ponger, NULL);
    pthread_cond_init(&h.to_pinger, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, ponger, &h) != 0) return 0;
    uint64_t t0 = now_ns();
    pthread_mutex_lock(&h.lock);
    for (uint64_t i = 0; i < n; i++) {
        h.turn++;
        pthread_cond_signal(&h.to_ponger);
        while (h.turn & 1) pthread_cond_wait(&h.to_pinger, &h.lock);
    }
    pthread_mutex_unlock(&h.lock);
    uint64_t t1 = now_ns();
    pthread_join(t, NULL);
    pthread_cond_destroy(&h.to_pinger);
    pthread_cond_destroy(&h.to_ponger);
    pthread_mutex_destroy(&h.lock);
    return (t1 - t0) / n;
}

int main(int argc, char **argv) {
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    if (n == 0) n = 1;
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < 3; r++) {
        uint64_t ns = round_run(n);
        if (ns == 0) {
            fprintf(stderr, "handoff: cannot start a thread\n");
            return 1;
        }
        if (ns < best) best = ns;
    }
    printf("handoff_rtt %" PRIu64 " ns\n", best);
    return 0;
}
