// SPDX-License-Identifier: MIT
// Lookup by name at scale: N idle actors, each registered under its own name,
// then wr_lookup over all N names in a shuffled order (no two neighbouring
// lookups share a cache line of the table, as with many senders addressing
// many services), first from one actor alone, then from one actor per worker
// at once. ns per lookup: the wall time of each actor's loop over LOOKUPS
// names, averaged over the actors, best of 5 rounds.
//   bench_rt_lookup N [LOOKUPS]   prints "lookup_one <ns> ns" and "lookup_all <ns> ns"
#include <pthread.h>

#include "bench_rt.h"

enum { TAG_GO = 1 };
#define NAME_LEN 16
#define ROUNDS 5

typedef struct job {
    const char (*names)[NAME_LEN]; /* owner: main */
    const uint32_t *order;         /* owner: main; a permutation of 0..n-1 */
    uint64_t n, lookups, start;
    sem_t *done;
    uint64_t ns, misses;
    pthread_t thread; /* the worker that ran it */
} job;

static wr_turn looker_handle(wr_ctx *ctx, const wr_msg *m) {
    size_t len;
    job *j;
    memcpy(&j, wr_msg_bytes(m, &len), sizeof j);
    wr_system *sys = wr_ctx_system(ctx);
    uint64_t misses = 0, k = j->start % j->n, t0 = wb_now_ns();
    for (uint64_t i = 0; i < j->lookups; i++) {
        if (!wr_lookup(sys, j->names[j->order[k]])) misses++;
        if (++k == j->n) k = 0;
    }
    j->ns = wb_now_ns() - t0;
    j->misses = misses;
    j->thread = pthread_self();
    sem_post(j->done);
    return WR_OK;
}

static wr_turn idle_handle(wr_ctx *ctx, const wr_msg *m) {
    (void)ctx;
    (void)m;
    return WR_OK;
}

/* Runs `nj` lookers at once; ns per lookup averaged over them, or 0 on failure. */
static double run_round(wr_system *sys, job *jobs, unsigned nj, sem_t *done) {
    static const wr_actor_spec spec = {.name = "looker", .handle = looker_handle};
    wr_id ids[64];
    for (unsigned i = 0; i < nj; i++)
        if (!bench_spawn(sys, &spec, NULL, &ids[i])) return 0;
    for (unsigned i = 0; i < nj; i++) {
        job *j = &jobs[i];
        if (!bench_send(sys, ids[i], TAG_GO, &j, sizeof j)) return 0;
    }
    double sum = 0;
    for (unsigned i = 0; i < nj; i++) sem_wait(done);
    for (unsigned i = 0; i < nj; i++) {
        if (jobs[i].misses) {
            fprintf(stderr, "bench: %" PRIu64 " lookups missed\n", jobs[i].misses);
            return 0;
        }
        for (unsigned k = 0; k < i; k++)
            if (pthread_equal(jobs[k].thread, jobs[i].thread))
                fprintf(stderr, "bench: two lookers ran on one worker (machine busy?)\n");
        sum += (double)jobs[i].ns / (double)jobs[i].lookups;
        wr_exit(sys, WR_NONE, ids[i], WR_EXIT_KILLED, NULL, NULL);
    }
    return sum / nj;
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 10000), lookups = bench_arg(argc, argv, 2, 1000000);
    if (n == 0 || n > 10000000) return 1;
    wr_system *sys = bench_system();
    if (!sys) return 1;
    unsigned nw = wr_system_workers(sys);
    if (nw > 64) nw = 64;
    char (*names)[NAME_LEN] = malloc(n * NAME_LEN);
    uint32_t *order = malloc(n * sizeof *order);
    if (!names || !order) return 1;
    wr_actor_spec idle = {.name = "named", .handle = idle_handle};
    for (uint64_t i = 0; i < n; i++) {
        wr_id id;
        wb_error err = {0};
        snprintf(names[i], NAME_LEN, "svc/%07" PRIu64, i);
        if (!bench_spawn(sys, &idle, NULL, &id)) return 1;
        if (wr_register(sys, names[i], id, &err) != WB_OK) {
            fprintf(stderr, "bench: register: %s\n", err.msg);
            return 1;
        }
        order[i] = (uint32_t)i;
    }
    uint64_t x = 0x9E3779B97F4A7C15ull; /* xorshift64: the same shuffle every run */
    for (uint64_t i = n - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t k = x % (i + 1);
        uint32_t t = order[i];
        order[i] = order[k];
        order[k] = t;
    }
    sem_t done;
    sem_init(&done, 0, 0);
    job jobs[64];
    double best_one = 0, best_all = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (unsigned i = 0; i < nw; i++)
            jobs[i] = (job){.names = (const char(*)[NAME_LEN])names, .order = order, .n = n,
                            .lookups = lookups, .start = i * (n / nw), .done = &done};
        double one = run_round(sys, jobs, 1, &done);
        double all = run_round(sys, jobs, nw, &done);
        if (one == 0 || all == 0) return 1;
        if (best_one == 0 || one < best_one) best_one = one;
        if (best_all == 0 || all < best_all) best_all = all;
    }
    bench_report("lookup_one", best_one, "ns");
    bench_report("lookup_all", best_all, "ns");
    wr_system_free(sys);
    sem_destroy(&done);
    free(names);
    free(order);
    return 0;
}
