/* SPDX-License-Identifier: MIT */
/* `wactor invoke FILE.wasm EXPORT ARGS...`: calls one export with arguments
 * typed by its signature and prints the results, one per line. A module that
 * imports `wactor` runs as a component actor (Invoke message); any other
 * module runs directly on the engine with WASI (stdio inherited). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wactor/component.h"

static void invoke_usage(FILE *out) {
    fprintf(out,
            "usage: wactor invoke [--fuel N] [--max-memory-pages N] FILE.wasm EXPORT [ARGS...]\n\n"
            "Calls EXPORT with ARGS converted to its parameter types (i32, i64, f32, f64) and\n"
            "prints each result on its own line. A trap prints 'wasm trap: ...' and exits 134.\n");
}

/* Parses one argument for type t. */
static bool parse_arg(const char *s, wa_valtype t, wa_value *out) {
    char *end = NULL;
    errno = 0;
    if (t == WA_I32 || t == WA_I64) {
        long long v = strtoll(s, &end, 0);
        if (errno == ERANGE && t == WA_I64) return false;
        if (*end || end == s) return false;
        if (t == WA_I32 && (v < INT32_MIN || v > (long long)UINT32_MAX)) return false;
        *out = t == WA_I32 ? wa_i32((int32_t)(uint32_t)v) : wa_i64(v);
        return true;
    }
    double d = strtod(s, &end);
    if (*end || end == s) return false;
    *out = t == WA_F32 ? wa_f32((float)d) : wa_f64(d);
    return t == WA_F32 || t == WA_F64;
}

#define INVOKE_MAX_VALUES 16 /* parameters and results (docs/ABI.md: Invoke) */

static void print_value(wa_value v) {
    switch (v.type) {
    case WA_I32: printf("%d\n", v.of.i32); break;
    case WA_I64: printf("%lld\n", (long long)v.of.i64); break;
    case WA_F32: printf("%.9g\n", (double)wa_value_f32(v)); break;
    case WA_F64: printf("%.17g\n", wa_value_f64(v)); break;
    default: printf("<%s>\n", wa_valtype_name(v.type)); break;
    }
}

static bool imports_wactor(const wa_module *m) {
    for (uint32_t i = 0; i < wa_module_import_count(m); i++)
        if (!strcmp(wa_module_import(m, i).module.str, "wactor")) return true;
    return false;
}

/* Runs the call on the engine alone, with WASI. */
static int invoke_plain(wa_engine *e, wa_module *m, const char *name, const wa_value *args,
                        uint32_t nargs, uint64_t fuel, uint32_t pages) {
    wb_error err;
    wa_wasi_config wc = {0};
    const char *argv0[] = {name};
    wc.args = argv0;
    wc.nargs = 1;
    for (int i = 0; i < 3; i++) wc.stdio[i] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_FD, .fd = i};
    wa_wasi *w = NULL;
    wa_linker *l = wa_linker_new(e);
    wa_instance *inst = NULL;
    int rc = 1;
    wa_limits lim = {.max_memory_pages = pages, .max_fuel = fuel};
    if (!l || wa_wasi_new(&wc, &w, &err) != WB_OK || wa_wasi_link_single(l, w, &err) != WB_OK ||
        wa_instance_new(m, l, &lim, NULL, &inst, &err) != WB_OK) {
        fprintf(stderr, "wactor invoke: %s\n", l ? err.msg : "out of memory");
        goto out;
    }
    wa_func *f = wa_instance_func(inst, name);
    wa_run_status st = wa_instance_call(inst, f, args, nargs, 1000000);
    while (st == WA_RUN_OUT_OF_FUEL) st = wa_instance_resume(inst, 1000000);
    if (st == WA_RUN_TRAP) {
        fflush(stdout);
        fprintf(stderr, "wasm trap: %s\n", wa_instance_trap(inst)->message);
        rc = 134;
        goto out;
    }
    wa_value res[INVOKE_MAX_VALUES];
    uint32_t n = wa_instance_results(inst, res, INVOKE_MAX_VALUES);
    for (uint32_t i = 0; i < n && i < INVOKE_MAX_VALUES; i++) print_value(res[i]);
    rc = 0;
out:
    wa_instance_unref(inst);
    wa_linker_free(l);
    wa_wasi_free(w);
    return rc;
}

/* Runs the call as an Invoke message to a component actor. */
static int invoke_component(wa_engine *e, const uint8_t *bytes, size_t len, const char *name,
                            const wa_value *args, uint32_t nargs, uint64_t fuel, uint32_t pages) {
    wb_error err;
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 1;
    wr_system *sys = NULL;
    wc_host *h = NULL;
    int rc = 1;
    wc_caps caps;
    wc_caps_init(&caps);
    caps.limits.fuel_total = fuel;
    caps.limits.max_memory_pages = pages;
    wb_buf *payload = NULL;
    wc_reply r = {0};
    wr_id id = 0;
    if (wr_system_new(&cfg, &sys, &err) != WB_OK) goto fail;
    wc_host_config hc = {.sys = sys, .engine = e};
    if (wc_host_new(&hc, &h, &err) != WB_OK || wc_host_define(h, "invoked", bytes, len, &caps, &err) != WB_OK ||
        wc_spawn(h, "invoked", "invoked", &id, &err) != WB_OK ||
        wc_values_to_payload(WC_CODEC_CBOR, args, nargs, &payload, &err) != WB_OK ||
        wc_invoke(h, id, name, payload->data, payload->len, 3600000000000ull, &r, &err) != WB_OK)
        goto fail;
    if (!r.ok) {
        fprintf(stderr, "%s: %s\n", r.code == WC_ERROR ? "wasm trap" : "wactor invoke", r.reason);
        rc = r.code == WC_ERROR ? 134 : 1;
        goto out;
    }
    wa_value res[INVOKE_MAX_VALUES];
    wa_functype ft = {0};
    /* The result types are the export's; decode the CBOR array with them. */
    wa_module *m = NULL;
    if (wa_module_new(e, bytes, len, &m, &err) != WB_OK) goto fail;
    for (uint32_t i = 0; i < wa_module_export_count(m); i++) {
        wa_export_info x = wa_module_export(m, i);
        if (x.kind == WA_EXTERN_FUNC && !strcmp(x.name.str, name)) ft = x.func;
    }
    if (wc_values_from_payload(r.payload->data, r.payload->len, ft.results, ft.nresults, res, &err) == WB_OK)
        for (uint32_t i = 0; i < ft.nresults; i++) print_value(res[i]);
    wa_module_unref(m);
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "wactor invoke: %s\n", err.msg);
out:
    wc_reply_close(&r);
    wb_buf_unref(payload);
    wr_system_free(sys);
    wc_host_free(h);
    wc_caps_close(&caps);
    return rc;
}

int cli__invoke_main(int argc, char **argv) {
    uint64_t fuel = 0;
    uint32_t pages = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            invoke_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--fuel") && i + 1 < argc) {
            if (!cli__parse_count(argv[++i], UINT64_MAX, &fuel)) {
                fprintf(stderr, "wactor invoke: --fuel wants a number, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--max-memory-pages") && i + 1 < argc) {
            uint64_t v = 0;
            if (!cli__parse_count(argv[++i], 65536, &v)) {
                fprintf(stderr, "wactor invoke: --max-memory-pages wants 0..65536, got '%s'\n", argv[i]);
                return 2;
            }
            pages = (uint32_t)v;
        } else {
            fprintf(stderr, "wactor invoke: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (argc - i < 2) {
        invoke_usage(stderr);
        return 2;
    }
    const char *path = argv[i], *name = argv[i + 1];
    char **rest = argv + i + 2;
    int nrest = argc - i - 2;
    uint8_t *bytes = NULL;
    size_t len = 0;
    wb_error err;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    int rc = 1;
    if (!e || cli__read_file(path, &bytes, &len, &err) != WB_OK || wa_module_new(e, bytes, len, &m, &err) != WB_OK) {
        fprintf(stderr, "wactor invoke: %s\n", e ? err.msg : "out of memory");
        goto out;
    }
    wa_functype ft = {0};
    bool found = false;
    for (uint32_t k = 0; k < wa_module_export_count(m); k++) {
        wa_export_info x = wa_module_export(m, k);
        if (x.kind == WA_EXTERN_FUNC && !strcmp(x.name.str, name)) ft = x.func, found = true;
    }
    if (!found) {
        fprintf(stderr, "wactor invoke: %s exports no function \"%s\"\n", path, name);
        goto out;
    }
    if (ft.nparams > INVOKE_MAX_VALUES || ft.nresults > INVOKE_MAX_VALUES) {
        fprintf(stderr, "wactor invoke: %s has %u parameters and %u results; at most %d of each\n",
                name, ft.nparams, ft.nresults, INVOKE_MAX_VALUES);
        goto out;
    }
    if ((uint32_t)nrest != ft.nparams) {
        fprintf(stderr, "wactor invoke: %s takes %u arguments, %d given\n", name, ft.nparams, nrest);
        goto out;
    }
    wa_value args[INVOKE_MAX_VALUES];
    for (int k = 0; k < nrest; k++) {
        if (!parse_arg(rest[k], ft.params[k], &args[k])) {
            fprintf(stderr, "wactor invoke: argument %d (\"%s\") is not a valid %s\n", k + 1, rest[k],
                    wa_valtype_name(ft.params[k]));
            goto out;
        }
    }
    rc = imports_wactor(m) ? invoke_component(e, bytes, len, name, args, (uint32_t)nrest, fuel, pages)
                           : invoke_plain(e, m, name, args, (uint32_t)nrest, fuel, pages);
out:
    wa_module_unref(m);
    wa_engine_free(e);
    free(bytes);
    return rc;
}
