// SPDX-License-Identifier: MIT
// Times one engine workload: calls the export bench_run of a reactor build
// (no imports) in-process, best of N runs, optionally in fuel slices.
//
//   bench_wasm_driver FILE.wasm [RUNS] [SLICE]
// prints "checksum best_ns" for calls with an unlimited slice and, with
// SLICE, a second line "checksum best_ns slices" for the same call resumed
// every SLICE units of fuel. The two modes alternate run by run so machine
// noise hits both alike. Times are process CPU time: on a shared machine
// the time other processes take the core must not count against the engine
// (run.sh measures the native builds' CPU time too).
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

static int bench_instance(wa_instance *inst, int runs, uint64_t slice) {
    wa_func *init = wa_instance_func(inst, "_initialize");
    wa_func *f = wa_instance_func(inst, "bench_run");
    uint64_t slices;
    if (!f) {
        fprintf(stderr, "bench: no export bench_run\n");
        return 1;
    }
    if (init && !call_to_end(inst, init, WA_FUEL_UNLIMITED, &slices)) return 1;
    run_result r, best = {0}, best_sliced = {0};
    for (int i = 0; i < runs; i++) {
        if (!run_once(inst, f, WA_FUEL_UNLIMITED, &r) || !keep_best(&best, &r, i)) return 1;
        if (slice == 0) continue;
        if (!run_once(inst, f, slice, &r) || !keep_best(&best_sliced, &r, i)) return 1;
    }
    printf("%" PRIu32 " %" PRIu64 "\n", best.checksum, best.ns);
    if (slice)
        printf("%" PRIu32 " %" PRIu64 " %" PRIu64 "\n", best_sliced.checksum, best_sliced.ns,
               best_sliced.slices);
    return 0;
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
    wa_instance *inst = NULL;
    wb_error err = {0};
    int rc = 1;
    if (m && wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK)
        fprintf(stderr, "bench: instantiate %s: %s\n", argv[1], err.msg);
    else if (m)
        rc = bench_instance(inst, runs, slice);
    if (inst) wa_instance_unref(inst);
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    return rc;
}
