/* SPDX-License-Identifier: MIT */
/* Helpers shared by the engine's unit tests: load a test program, call an
 * export with typed arguments. */
#ifndef WACTOR_TESTS_WASM_UTIL_H
#define WACTOR_TESTS_WASM_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wactor/wasm.h"

static inline uint8_t *wt_read_file(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", WACTOR_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static inline wa_module *wt_load(wa_engine *e, const char *name) {
    size_t len = 0;
    uint8_t *bytes = wt_read_file(name, &len);
    assert_non_null(bytes);
    wa_module *m = NULL;
    wb_error err = {0};
    wb_status st = wa_module_new(e, bytes, len, &m, &err);
    if (st != WB_OK) fprintf(stderr, "load %s: %s\n", name, err.msg);
    free(bytes);
    assert_int_equal(st, WB_OK);
    return m;
}

/* Calls export `name` with unlimited fuel; returns the run status. */
static inline wa_run_status wt_call(wa_instance *inst, const char *name, const wa_value *args,
                                    uint32_t nargs, wa_value *res, uint32_t nres) {
    wa_func *f = wa_instance_func(inst, name);
    assert_non_null(f);
    wa_run_status rs = wa_instance_call(inst, f, args, nargs, WA_FUEL_UNLIMITED);
    if (rs == WA_RUN_DONE && res) wa_instance_results(inst, res, nres);
    return rs;
}

static inline int32_t wt_i32(wa_instance *inst, const char *name, const wa_value *args, uint32_t nargs) {
    wa_value r = {0};
    wa_run_status rs = wt_call(inst, name, args, nargs, &r, 1);
    if (rs != WA_RUN_DONE) fprintf(stderr, "%s: %s\n", name, wa_instance_trap(inst)->message);
    assert_int_equal(rs, WA_RUN_DONE);
    assert_int_equal(r.type, WA_I32);
    return r.of.i32;
}

#endif
