// SPDX-License-Identifier: MIT
// Times instantiating a loaded 1-page module (memory recycled by the engine's
// pool after the first few) and dropping the instance again.
//
//   bench_wasm_instantiate ONE_PAGE.wasm [N]
// prints "instantiate_ns free_ns" per instance, best of 7 rounds of N (many
// short rounds: on a shared machine one of them runs undisturbed).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_file.h"
#include "wactor/wasm.h"

/* One round of n instantiate+free pairs; false on failure. */
static bool round_run(wa_module *m, uint32_t n, uint64_t *new_ns, uint64_t *free_ns) {
    uint64_t tn = 0, tf = 0;
    for (uint32_t i = 0; i < n; i++) {
        wa_instance *inst = NULL;
        wb_error err = {0};
        uint64_t t0 = wb_now_ns();
        if (wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK) {
            fprintf(stderr, "bench: instantiate: %s\n", err.msg);
            return false;
        }
        uint64_t t1 = wb_now_ns();
        wa_instance_unref(inst);
        tf += wb_now_ns() - t1;
        tn += t1 - t0;
    }
    *new_ns = tn / n;
    *free_ns = tf / n;
    return true;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ONE_PAGE.wasm [N]\n", argv[0]);
        return 2;
    }
    uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
    if (n == 0) n = 1;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = e ? bench_module_load(e, argv[1]) : NULL;
    uint64_t best_new = UINT64_MAX, best_free = UINT64_MAX, tn, tf;
    int rc = m ? 0 : 1;
    if (m && !round_run(m, 1000, &tn, &tf)) rc = 1; /* warm the memory pool */
    for (int r = 0; r < 7 && rc == 0; r++) {
        if (!round_run(m, n, &tn, &tf)) rc = 1;
        if (tn < best_new) best_new = tn;
        if (tf < best_free) best_free = tf;
    }
    if (rc == 0) printf("%" PRIu64 " %" PRIu64 "\n", best_new, best_free);
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    return rc;
}
