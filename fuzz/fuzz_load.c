/* SPDX-License-Identifier: MIT */
/* libFuzzer target: load any bytes as a module (decode, validate, compile),
 * then read everything the inspection API offers. Must never crash, leak
 * or hang; a rejection must come with a status and a message. */
#include <stdint.h>
#include <string.h>

#include "wactor/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every byte a caller could read, so ASan sees bad pointers. */
static size_t touch(const void *p, size_t n) {
    size_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += ((const uint8_t *)p)[i];
    return sum;
}

static size_t touch_type(wa_functype t) {
    return touch(t.params, t.nparams * sizeof *t.params) +
           touch(t.results, t.nresults * sizeof *t.results);
}

static size_t inspect(const wa_module *m) {
    size_t sum = wa_module_hash(m);
    for (uint32_t i = 0; i < wa_module_type_count(m); i++) sum += touch_type(wa_module_type(m, i));
    for (uint32_t i = 0; i < wa_module_import_count(m); i++) {
        wa_import_info im = wa_module_import(m, i);
        sum += touch(im.module.str, im.module.len + 1) + touch(im.name.str, im.name.len + 1);
        sum += touch_type(im.func);
    }
    for (uint32_t i = 0; i < wa_module_export_count(m); i++) {
        wa_export_info ex = wa_module_export(m, i);
        sum += touch(ex.name.str, ex.name.len + 1) + touch_type(ex.func);
    }
    for (uint32_t i = 0; i < wa_module_custom_count(m); i++) {
        wa_custom_info c = wa_module_custom(m, i);
        sum += touch(c.name.str, c.name.len + 1) + touch(c.data, c.len);
    }
    wa_module_stats s = wa_module_stats_get(m);
    return sum + s.funcs_defined + s.code_bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wa_engine *e = wa_engine_new(NULL);
    if (!e) return 0;
    wa_module *m = NULL;
    wb_error err;
    wb_error_clear(&err);
    wb_status st = wa_module_new(e, data, size, &m, &err);
    if (st == WB_OK) {
        volatile size_t sink = inspect(m);
        (void)sink;
        wa_module_unref(m);
    } else if (m != NULL || err.msg[0] == 0 || err.status != st) {
        __builtin_trap(); /* a failure must be reported, and leave nothing behind */
    }
    wa_engine_free(e);
    return 0;
}
