// SPDX-License-Identifier: MIT
/* libFuzzer target: load, instantiate and run every export of arbitrary
 * bytes under tight limits. Imports are satisfied by stubs of the declared
 * types, so whatever validates also gets executed. Must never crash, leak
 * or hang: traps and limits are the only ways out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wactor/wasm.h"

static wa_host_status stub(wa_instance *caller, const wa_value *args, wa_value *results, void *ud) {
    (void)caller;
    (void)args;
    const wa_functype *t = ud;
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].type = t->results[i];
    }
    return WA_HOST_OK;
}

static void define_imports(wa_module *m, wa_linker *l, wa_functype *types) {
    uint32_t n = wa_module_import_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wa_import_info im = wa_module_import(m, i);
        char mod[256], name[256];
        snprintf(mod, sizeof mod, "%.*s", (int)im.module.len, im.module.str);
        snprintf(name, sizeof name, "%.*s", (int)im.name.len, im.name.str);
        switch (im.kind) {
        case WA_EXTERN_FUNC:
            types[i] = im.func;
            wa_linker_define_func(l, mod, name, im.func.params, im.func.nparams, im.func.results,
                                  im.func.nresults, stub, &types[i]);
            break;
        case WA_EXTERN_GLOBAL: {
            wa_value v;
            memset(&v, 0, sizeof v);
            v.type = im.global.type;
            wa_linker_define_global(l, mod, name, v, im.global.mutable_);
            break;
        }
        case WA_EXTERN_TABLE:
            if (im.table.limits.min <= 10000) wa_linker_define_table(l, mod, name, im.table);
            break;
        case WA_EXTERN_MEMORY:
            if (im.memory.limits.min <= 16) wa_linker_define_memory(l, mod, name, im.memory);
            break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static wa_engine *e;
    if (!e) e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    if (wa_module_new(e, data, size, &m, &err) != WB_OK) return 0;
    uint32_t nimports = wa_module_import_count(m);
    wa_functype *types = calloc(nimports + 1, sizeof *types);
    wa_linker *l = wa_linker_new(e);
    define_imports(m, l, types);
    wa_limits lim = {.max_memory_pages = 16, .max_table_elems = 10000, .max_call_depth = 300,
                     .max_stack_bytes = 1 << 20, .max_fuel = 200000};
    wa_instance *inst = NULL;
    if (wa_instance_new(m, l, &lim, NULL, &inst, &err) == WB_OK) {
        uint32_t nexp = wa_module_export_count(m);
        for (uint32_t i = 0; i < nexp; i++) {
            wa_export_info x = wa_module_export(m, i);
            if (x.kind != WA_EXTERN_FUNC) continue;
            wa_func *f = wa_instance_func_n(inst, x.name.str, x.name.len);
            if (!f) continue;
            wa_value args[16];
            wa_functype t = wa_func_type(f);
            if (t.nparams > 16) continue;
            for (uint32_t k = 0; k < t.nparams; k++) {
                memset(&args[k], 0, sizeof args[k]);
                args[k].type = t.params[k];
            }
            wa_run_status rs = wa_instance_call(inst, f, args, t.nparams, 5000);
            for (int s = 0; rs == WA_RUN_OUT_OF_FUEL && s < 8; s++) rs = wa_instance_resume(inst, 5000);
            if (rs == WA_RUN_OUT_OF_FUEL || rs == WA_RUN_SUSPENDED) wa_instance_cancel(inst);
            if (rs == WA_RUN_DONE) {
                wa_value res[8];
                wa_instance_results(inst, res, 8);
            }
        }
        wa_instance_unref(inst);
    }
    wa_linker_free(l);
    free(types);
    wa_module_unref(m);
    return 0;
}
