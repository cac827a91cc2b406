// SPDX-License-Identifier: MIT
// Times a host call that suspends the running wasm call and its resumption
// (wa_instance_resume_host), against the same host call returning at once,
// and an out-of-fuel exit + wa_instance_resume (an endless loop resumed with
// one unit of fuel, so each resume runs one loop iteration).
//
//   bench_wasm_suspend SUSPEND.wasm [N]
// prints "suspend_resume_ns direct_host_call_ns fuel_resume_ns" per call,
// best of 5 each.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_file.h"
#include "wactor/wasm.h"

static wa_host_status host_wait(wa_instance *caller, const wa_value *args, wa_value *results,
                                void *ud) {
    const bool *suspend = ud;
    if (*suspend) return WA_HOST_SUSPEND;
    results[0] = wa_i32(1);
    return WA_HOST_OK;
}

/* Runs run(n), answering each suspension with 1; returns ns per host call or
 * 0 on failure. */
static uint64_t round_run(wa_instance *inst, wa_func *run, uint32_t n) {
    wa_value arg = wa_i32((int32_t)n), one = wa_i32(1), res;
    uint64_t t0 = wb_now_ns();
    wa_run_status st = wa_instance_call(inst, run, &arg, 1, WA_FUEL_UNLIMITED);
    while (st == WA_RUN_SUSPENDED) st = wa_instance_resume_host(inst, &one, 1, WA_FUEL_UNLIMITED);
    uint64_t t1 = wb_now_ns();
    if (st != WA_RUN_DONE || wa_instance_results(inst, &res, 1) != 1 || res.of.i32 != (int32_t)n) {
        fprintf(stderr, "bench: run(%u) failed (status %d)\n", n, (int)st);
        return 0;
    }
    return (t1 - t0) / n;
}

/* ns per out-of-fuel exit + resume of spin(), best of 5 rounds of n; 0 on failure. */
static uint64_t fuel_resume_ns(wa_instance *inst, wa_func *spin, uint32_t n) {
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < 5; r++) {
        wa_run_status st = wa_instance_call(inst, spin, NULL, 0, 1);
        uint64_t t0 = wb_now_ns();
        for (uint32_t i = 0; i < n && st == WA_RUN_OUT_OF_FUEL; i++) st = wa_instance_resume(inst, 1);
        uint64_t ns = (wb_now_ns() - t0) / n;
        if (st != WA_RUN_OUT_OF_FUEL) {
            fprintf(stderr, "bench: spin ended (status %d)\n", (int)st);
            return 0;
        }
        wa_instance_cancel(inst);
        if (ns < best) best = ns;
    }
    return best;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SUSPEND.wasm [N]\n", argv[0]);
        return 2;
    }
    uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1000000;
    if (n == 0) n = 1;
    static const wa_valtype i32 = WA_I32;
    bool suspend = false;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = e ? bench_module_load(e, argv[1]) : NULL;
    wa_linker *l = m ? wa_linker_new(e) : NULL;
    wa_instance *inst = NULL;
    wb_error err = {0};
    int rc = 1;
    if (l && wa_linker_define_func(l, "bench", "wait", &i32, 1, &i32, 1, host_wait, &suspend) == WB_OK &&
        wa_instance_new(m, l, NULL, NULL, &inst, &err) == WB_OK) {
        wa_func *run = wa_instance_func(inst, "run");
        uint64_t best[2] = {UINT64_MAX, UINT64_MAX};
        rc = run ? 0 : 1;
        for (int r = 0; r < 10 && rc == 0; r++) {
            suspend = (r & 1) == 0; /* alternate the two modes */
            uint64_t ns = round_run(inst, run, n);
            if (ns == 0) rc = 1;
            if (ns < best[!suspend]) best[!suspend] = ns;
        }
        wa_func *spin = wa_instance_func(inst, "spin");
        uint64_t fr = rc == 0 && spin ? fuel_resume_ns(inst, spin, n) : 0;
        if (fr == 0) rc = 1;
        if (rc == 0) printf("%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", best[0], best[1], fr);
    } else if (m) {
        fprintf(stderr, "bench: link/instantiate %s: %s\n", argv[1], err.msg);
    }
    if (inst) wa_instance_unref(inst);
    if (l) wa_linker_free(l);
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    return rc;
}
