/* SPDX-License-Identifier: MIT */
/* Shared by the actor-runtime benchmarks: a system with default workers, a
 * "done" signal from an actor to the main thread, arguments and the result
 * line "name value unit" that run.sh reads (the Erlang programs print the
 * same lines). */
#ifndef BENCH_RT_H
#define BENCH_RT_H

#include <inttypes.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wactor/rt.h"

/* The main thread waits on `done`; the actor that finishes a round posts it
 * after writing `ns` (sem_post/sem_wait order the write before the read). */
typedef struct bench_round {
    sem_t done;
    uint64_t ns;
} bench_round;

static inline wr_system *bench_system(void) {
    wr_config cfg;
    wr_config_default(&cfg);
    wr_system *sys = NULL;
    wb_error err = {0};
    if (wr_system_new(&cfg, &sys, &err) != WB_OK) {
        fprintf(stderr, "bench: system: %s\n", err.msg);
        return NULL;
    }
    return sys;
}

static inline uint64_t bench_arg(int argc, char **argv, int i, uint64_t dflt) {
    return argc > i ? strtoull(argv[i], NULL, 10) : dflt;
}

static inline void bench_report(const char *name, double value, const char *unit) {
    printf("%s %.1f %s\n", name, value, unit);
}

static inline uint64_t bench_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Sends `tag` with the payload to id from outside, printing a failure. */
static inline bool bench_send(wr_system *sys, wr_id to, uint32_t tag, const void *data,
                              size_t len) {
    wb_error err = {0};
    if (wr_send(sys, to, tag, data, len, &err) == WB_OK) return true;
    fprintf(stderr, "bench: send: %s\n", err.msg);
    return false;
}

static inline bool bench_spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id *out) {
    wb_error err = {0};
    if (wr_spawn(sys, spec, arg, out, &err) == WB_OK) return true;
    fprintf(stderr, "bench: spawn: %s\n", err.msg);
    return false;
}

#endif
