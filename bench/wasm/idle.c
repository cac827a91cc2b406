// SPDX-License-Identifier: MIT
// Measures the memory an idle instance of a 1-page module costs beyond the
// page it touched: RSS delta over N live instances, each called once.
//
//   bench_wasm_idle ONE_PAGE.wasm [N]
// prints "rss_bytes_per_instance beyond_touched_bytes overhead_bytes"
// (overhead_bytes: wa_instance_overhead_bytes of one instance).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench_file.h"
#include "wactor/wasm.h"

static uint64_t rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Instantiates and calls touch(0) once, so the instance has run. */
static wa_instance *instance_touched(wa_module *m) {
    wa_instance *inst = NULL;
    wb_error err = {0};
    if (wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK) {
        fprintf(stderr, "bench: instantiate: %s\n", err.msg);
        return NULL;
    }
    wa_value arg = wa_i32(0);
    wa_func *touch = wa_instance_func(inst, "touch");
    if (!touch || wa_instance_call(inst, touch, &arg, 1, WA_FUEL_UNLIMITED) != WA_RUN_DONE) {
        fprintf(stderr, "bench: touch failed\n");
        wa_instance_unref(inst);
        return NULL;
    }
    return inst;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s ONE_PAGE.wasm [N]\n", argv[0]);
        return 2;
    }
    uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 10000;
    if (n == 0) n = 1;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = e ? bench_module_load(e, argv[1]) : NULL;
    wa_instance **all = calloc(n, sizeof *all); /* owner: main */
    int rc = (m && all) ? 0 : 1;
    wa_instance *first = rc == 0 ? instance_touched(m) : NULL;
    uint64_t before = rss_bytes();
    for (uint32_t i = 0; i < n && rc == 0; i++)
        if (!(all[i] = instance_touched(m))) rc = 1;
    uint64_t after = rss_bytes();
    if (rc == 0 && first) {
        uint64_t per = (after - before) / n;
        int64_t beyond = (int64_t)per - (int64_t)sysconf(_SC_PAGESIZE); /* one touched page */
        printf("%" PRIu64 " %" PRId64 " %zu\n", per, beyond, wa_instance_overhead_bytes(first));
    } else {
        rc = 1;
    }
    for (uint32_t i = 0; i < n && all; i++)
        if (all[i]) wa_instance_unref(all[i]);
    if (first) wa_instance_unref(first);
    free(all);
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    return rc;
}
