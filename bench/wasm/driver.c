// SPDX-License-Identifier: MIT
// Times one engine workload: calls the export bench_run of a reactor build
// (no imports) in-process, best of N runs, optionally in fuel slices.
//
//   bench_wasm_driver FILE.wasm [RUNS] [SLICE]
// prints "checksum best_ns" for calls with an unlimited slice and, with
// SLICE, a second line "checksum sliced_ns slices base_ns": two instances
// run bench_run side by side, one resumed every SLICE units of fuel, the
// other (the base) every 100 * SLICE, taking turns in chunks of 100 * SLICE
// fuel, each chunk timed on its own. A whole run takes seconds, and on a
// shared machine the speed of a core drifts by 2x within a minute (other
// processes' cache and branch-predictor footprint), so comparing two whole
// runs measures the machine; turns of about a millisecond see the same
// machine. Times are process CPU time: the time other processes take the
// core must not count against the engine (run.sh measures the native
// builds' CPU time too).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_file.h"
#include "wactor/wasm.h"

typedef struct run_result {
    uint32_t checksum;
    uint64_t ns;
    uint64_t slices;
} run_result;

/* Runs f to its end in slices of `slice` fuel; false (after printing why)
 * if it trapped or suspended. */
static bool call_to_end(wa_instance *inst, wa_func *f, uint64_t slice, uint64_t *slices) {
    *slices = 1;
    wa_run_status st = wa_instance_call(inst, f, NULL, 0, slice);
    while (st == WA_RUN_OUT_OF_FUEL) {
        st = wa_instance_resume(inst, slice);
        (*slices)++;
    }
    if (st == WA_RUN_DONE) return true;
    fprintf(stderr, "bench: call did not finish (status %d): %s\n", (int)st,
            st == WA_RUN_TRAP ? wa_instance_trap(inst)->message : "suspended");
    return false;
}

static uint64_t cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool run_once(wa_instance *inst, wa_func *f, uint64_t slice, run_result *out) {
    uint64_t t0 = cpu_ns();
    if (!call_to_end(inst, f, slice, &out->slices)) return false;
    out->ns = cpu_ns() - t0;
    wa_value r;
    if (wa_instance_results(inst, &r, 1) != 1 || r.type != WA_I32) {
        fprintf(stderr, "bench: bench_run returned no i32\n");
        return false;
    }
    out->checksum = (uint32_t)r.of.i32;
    return true;
}

static bool keep_best(run_result *best, const run_result *r, int i) {
    if (i > 0 && r->checksum != best->checksum) {
        fprintf(stderr, "bench: checksum changed between runs\n");
        return false;
    }
    if (i == 0 || r->ns < best->ns) *best = *r;
    return true;
}

/* One of the two paired calls: its instance, slice and what it has cost. */
typedef struct lane {
    wa_instance *inst;
    wa_func *f;
    uint64_t slice;
    wa_run_status st;
    bool started;
    uint64_t ns, slices;
} lane;

/* Runs one turn of `l`: `n` slices, or fewer when the call ends. */
static void lane_turn(lane *l, uint64_t n) {
    uint64_t t0 = cpu_ns();
    for (uint64_t i = 0; i < n; i++) {
        l->st = l->started ? wa_instance_resume(l->inst, l->slice)
                           : wa_instance_call(l->inst, l->f, NULL, 0, l->slice);
        l->started = true;
        l->slices++;
        if (l->st != WA_RUN_OUT_OF_FUEL) break;
    }
    l->ns += cpu_ns() - t0;
}

/* The checksum of a finished lane, or false after printing why not. */
static bool lane_result(lane *l, uint32_t *sum) {
    wa_value r;
    if (l->st != WA_RUN_DONE) {
        fprintf(stderr, "bench: sliced call did not finish (status %d): %s\n", (int)l->st,
                l->st == WA_RUN_TRAP ? wa_instance_trap(l->inst)->message : "suspended");
        return false;
    }
    if (wa_instance_results(l->inst, &r, 1) != 1 || r.type != WA_I32) {
        fprintf(stderr, "bench: bench_run returned no i32\n");
        return false;
    }
    *sum = (uint32_t)r.of.i32;
    return true;
}

enum { BASE_FACTOR = 100 };

/* One paired run (see the top of the file); false on failure. */
static bool run_paired(wa_instance *a, wa_instance *b, uint64_t slice, run_result *sliced,
                       run_result *base) {
    lane s = {a, wa_instance_func(a, "bench_run"), slice, WA_RUN_OUT_OF_FUEL, false, 0, 0};
    lane u = {b, wa_instance_func(b, "bench_run"), slice * BASE_FACTOR, WA_RUN_OUT_OF_FUEL, false, 0, 0};
    for (int turn = 0; s.st == WA_RUN_OUT_OF_FUEL || u.st == WA_RUN_OUT_OF_FUEL; turn++) {
        lane *first = turn & 1 ? &u : &s, *second = turn & 1 ? &s : &u;
        if (first->st == WA_RUN_OUT_OF_FUEL) lane_turn(first, first == &s ? BASE_FACTOR : 1);
        if (second->st == WA_RUN_OUT_OF_FUEL) lane_turn(second, second == &s ? BASE_FACTOR : 1);
    }
    if (!lane_result(&s, &sliced->checksum) || !lane_result(&u, &base->checksum)) return false;
    sliced->ns = s.ns;
    sliced->slices = s.slices;
    base->ns = u.ns;
    base->slices = u.slices;
    return true;
}

/* A second instance for the paired runs, initialized; NULL on failure. */
static wa_instance *instance_make(wa_module *m) {
    wa_instance *inst = NULL;
    wb_error err = {0};
    uint64_t slices;
    if (wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK) {
        fprintf(stderr, "bench: instantiate: %s\n", err.msg);
        return NULL;
    }
    wa_func *init = wa_instance_func(inst, "_initialize");
    if (init && !call_to_end(inst, init, WA_FUEL_UNLIMITED, &slices)) {
        wa_instance_unref(inst);
        return NULL;
    }
    return inst;
}

static int bench_instance(wa_module *m, int runs, uint64_t slice) {
    wa_instance *inst = instance_make(m), *other = NULL;
    wa_func *f = inst ? wa_instance_func(inst, "bench_run") : NULL;
    int rc = 1;
    if (!f) {
        if (inst) fprintf(stderr, "bench: no export bench_run\n");
        goto out;
    }
    run_result r, best = {0};
    for (int i = 0; i < runs; i++)
        if (!run_once(inst, f, WA_FUEL_UNLIMITED, &r) || !keep_best(&best, &r, i)) goto out;
    printf("%" PRIu32 " %" PRIu64 "\n", best.checksum, best.ns);
    if (slice) {
        /* sums over the runs: the ratio of sums weighs every turn alike */
        run_result s, b, tot_s = {0}, tot_b = {0};
        if (!(other = instance_make(m))) goto out;
        for (int i = 0; i < runs; i++) {
            if (!run_paired(inst, other, slice, &s, &b)) goto out;
            if (s.checksum != best.checksum || b.checksum != best.checksum) {
                fprintf(stderr, "bench: sliced run gave another checksum\n");
                goto out;
            }
            tot_s.ns += s.ns;
            tot_s.slices += s.slices;
            tot_b.ns += b.ns;
        }
        printf("%" PRIu32 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", best.checksum, tot_s.ns / (uint64_t)runs,
               tot_s.slices / (uint64_t)runs, tot_b.ns / (uint64_t)runs);
    }
    rc = 0;
out:
    if (other) wa_instance_unref(other);
    if (inst) wa_instance_unref(inst);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.wasm [RUNS] [SLICE]\n", argv[0]);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    uint64_t slice = argc > 3 ? strtoull(argv[3], NULL, 10) : 0;
    if (runs < 1) runs = 1;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = e ? bench_module_load(e, argv[1]) : NULL;
    int rc = m ? bench_instance(m, runs, slice) : 1;
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    return rc;
}
