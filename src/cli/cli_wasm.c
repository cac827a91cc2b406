/* SPDX-License-Identifier: MIT */
/* `wactor wasm run` (a WASI program, as `wasmtime run` does) and
 * `wactor wasm inspect` (what a module imports, exports and holds). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wactor/component.h"

#define CLI_EXIT_TRAP 134   /* what a shell reports for SIGABRT: wasmtime's habit */
#define CLI_FUEL_SLICE (UINT64_C(1) << 24)
/* A C program expects the recursion depth its 8 MiB native stack gives
 * (~100k-250k small frames; Ackermann(3, 13) needs 65k). The engine's
 * defaults suit many small actors; a single command may go deeper. Both
 * stacks grow on demand, so a shallow program pays nothing for this. */
#define CLI_MAX_CALL_DEPTH 500000u
#define CLI_MAX_STACK_BYTES (128u << 20)

static const char cli_wasm_usage[] =
    "usage: wactor wasm run [options] FILE.wasm [ARGS...]\n"
    "       wactor wasm inspect FILE.wasm\n"
    "\n"
    "run options (before FILE; everything after FILE goes to the program;\n"
    "--opt VALUE and --opt=VALUE are the same):\n"
    "  --dir HOST[::GUEST][:ro]\n"
    "                          grant directory HOST, seen by the program as GUEST\n"
    "                          (default: the same path); read-only with :ro\n"
    "  --dir-ro HOST[::GUEST]  the same, read-only\n"
    "  --env KEY=VALUE         set an environment variable for the program\n"
    "  --fuel N                stop the program with a trap after N units of fuel\n"
    "  --max-memory-pages N    limit linear memory to N 64 KiB pages\n"
    "  --max-memory SIZE       limit all the memory the instance holds (linear\n"
    "                          memory, tables, stacks, ...) to SIZE bytes (K/M/G)\n"
    "  --wasi-deny NAME[,...]  deny WASI functions (they return ENOTCAPABLE)\n"
    "\n"
    "exit status: the program's proc_exit code (0 when _start returns),\n"
    "134 after a trap, 1 when the module cannot be loaded or linked.\n";

typedef struct run_opts {
    wa_wasi_preopen *dirs; /* owner: opts; strings point into specs */
    wc_dir *specs;         /* owner: opts (wc_dir_close each) */
    uint32_t ndirs;
    const char **env;      /* owner: opts; strings are argv's */
    uint32_t nenv;
    uint64_t fuel;         /* 0: unlimited */
    uint32_t max_pages;
    uint64_t max_bytes;
    uint64_t deny;
    const char *file;
    char **prog_argv;      /* argv after FILE */
    int prog_argc;
} run_opts;

/* The list is ours to split (an argv string): no copy, no length limit. */
static bool parse_deny(char *list, uint64_t *deny) {
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        wa_wasi_func f;
        if (wa_wasi_func_lookup(tok, &f) != WB_OK) {
            fprintf(stderr, "wactor: --wasi-deny: no WASI function '%s'\n", tok);
            return false;
        }
        *deny |= WA_WASI_BIT(f);
    }
    return true;
}

/* "HOST[::GUEST][:ro]" read as a manifest's `dirs` entry is (wc_dir_parse). */
static bool add_dir(run_opts *o, const char *spec, bool read_only) {
    wb_error err;
    wc_dir *d = &o->specs[o->ndirs];
    if (wc_dir_parse(spec, d, &err) != WB_OK) {
        fprintf(stderr, "wactor: --dir: %s\n", err.msg);
        return false;
    }
    o->dirs[o->ndirs++] = (wa_wasi_preopen){.host_path = d->host, .guest_path = d->guest,
                                            .read_only = read_only || d->read_only};
    return true;
}

/* Parses options up to FILE. Returns -1 to go on, else an exit status. */
static int parse_run(int argc, char **argv, run_opts *o) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            fputs(cli_wasm_usage, stdout);
            return 0;
        }
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        char *val = strncmp(opt, "--", 2) == 0 ? strchr(opt, '=') : NULL;
        if (val) { /* --opt=value */
            *val++ = 0;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            fprintf(stderr, "wactor: %s needs a value\n", opt);
            return 2;
        }
        uint64_t n;
        if (strcmp(opt, "--dir") == 0 || strcmp(opt, "--dir-ro") == 0) {
            if (!add_dir(o, val, strcmp(opt, "--dir-ro") == 0)) return 2;
        } else if (strcmp(opt, "--env") == 0) {
            if (!strchr(val, '=') || val[0] == '=') {
                fprintf(stderr, "wactor: --env wants KEY=VALUE, got '%s'\n", val);
                return 2;
            }
            o->env[o->nenv++] = val;
        } else if (strcmp(opt, "--fuel") == 0 && cli__parse_count(val, UINT64_MAX, &n) && n > 0) {
            o->fuel = n;
        } else if (strcmp(opt, "--max-memory-pages") == 0 && cli__parse_count(val, UINT64_MAX, &n) && n > 0 &&
                   n <= 65536) {
            o->max_pages = (uint32_t)n;
        } else if (strcmp(opt, "--max-memory") == 0 && cli__parse_size(val, &n) && n > 0) {
            o->max_bytes = n;
        } else if (strcmp(opt, "--wasi-deny") == 0) {
            if (!parse_deny(val, &o->deny)) return 2;
        } else {
            fprintf(stderr, "wactor: bad option or value: %s %s\n", opt, val);
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "wactor: wasm run: no FILE.wasm given\n%s", cli_wasm_usage);
        return 2;
    }
    o->file = argv[i];
    o->prog_argv = argv + i + 1;
    o->prog_argc = argc - i - 1;
    return -1;
}

static void print_trap(const wa_module *m, const wa_trap *t) {
    /* An engine that left the detail empty still gets the kind's wording. */
    fprintf(stderr, "wasm trap: %s\n", t->message[0] ? t->message : wa_trap_message(t->kind));
    uint32_t len = 0;
    const char *name = cli__func_name(m, t->func_index, &len);
    if (name)
        fprintf(stderr, "  in function %u <%.*s> at offset 0x%" PRIx32 "\n", t->func_index,
                (int)(len > 200 ? 200 : len), name, t->code_offset);
    else
        fprintf(stderr, "  in function %u at offset 0x%" PRIx32 "\n", t->func_index,
                t->code_offset);
}

/* Runs _start in fuel slices; returns the process exit status. */
static int run_start(wa_module *m, wa_instance *inst, wa_wasi *wasi) {
    wa_func *start = wa_instance_func(inst, "_start");
    if (!start) {
        fprintf(stderr, "wactor: the module exports no _start function\n");
        return 1;
    }
    wa_run_status st = wa_instance_call(inst, start, NULL, 0, CLI_FUEL_SLICE);
    while (st == WA_RUN_OUT_OF_FUEL) st = wa_instance_resume(inst, CLI_FUEL_SLICE);
    int32_t code;
    if (st == WA_RUN_DONE) return 0;
    if (st == WA_RUN_TRAP) {
        const wa_trap *t = wa_instance_trap(inst);
        if (t->kind == WA_TRAP_EXIT || wa_wasi_exited(wasi, &code))
            return t->kind == WA_TRAP_EXIT ? t->exit_code : code;
        print_trap(m, t);
        return CLI_EXIT_TRAP;
    }
    /* Nothing here suspends; an engine that says so anyway is a bug to report. */
    fprintf(stderr, "wactor: _start paused unexpectedly (status %d)\n", (int)st);
    wa_instance_cancel(inst);
    return CLI_EXIT_TRAP;
}

static int run_instance(const run_opts *o, wa_engine *e, wa_module *m, wa_wasi *wasi) {
    wb_error err = {0};
    wa_linker *l = wa_linker_new(e);
    if (!l) {
        fprintf(stderr, "wactor: out of memory\n");
        return 1;
    }
    int rc = 1;
    wa_instance *inst = NULL;
    if (wa_wasi_link_single(l, wasi, &err) != WB_OK) {
        fprintf(stderr, "wactor: %s\n", err.msg);
        goto done;
    }
    wa_limits limits = {0};
    limits.max_memory_pages = o->max_pages;
    limits.max_bytes = o->max_bytes;
    limits.max_fuel = o->fuel;
    limits.max_call_depth = CLI_MAX_CALL_DEPTH;
    limits.max_stack_bytes = CLI_MAX_STACK_BYTES;
    wb_status st = wa_instance_new(m, l, &limits, wasi, &inst, &err);
    int32_t code;
    if (st == WB_TRAP && wa_wasi_exited(wasi, &code)) {
        rc = code; /* proc_exit from the start function */
    } else if (st == WB_TRAP) {
        fprintf(stderr, "wasm trap: %s\n", err.msg);
        rc = CLI_EXIT_TRAP;
    } else if (st != WB_OK) {
        fprintf(stderr, "wactor: %s: %s\n", o->file, err.msg);
    } else {
        rc = run_start(m, inst, wasi);
    }
done:
    if (inst) wa_instance_unref(inst);
    wa_linker_free(l);
    return rc;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int run_module(const run_opts *o) {
    uint8_t *bytes;
    size_t len;
    wb_error err = {0};
    if (cli__read_file(o->file, &bytes, &len, &err) != WB_OK) {
        fprintf(stderr, "wactor: %s\n", err.msg);
        return 1;
    }
    int rc = 1;
    wa_module *m = NULL;
    wa_wasi *wasi = NULL;
    const char **args = calloc((size_t)o->prog_argc + 1, sizeof *args);
    wa_engine *e = wa_engine_new(NULL);
    if (!args || !e) {
        fprintf(stderr, "wactor: out of memory\n");
        goto done;
    }
    if (wa_module_new(e, bytes, len, &m, &err) != WB_OK) {
        fprintf(stderr, "wactor: %s: %s\n", o->file, err.msg);
        goto done;
    }
    args[0] = base_name(o->file);
    for (int i = 0; i < o->prog_argc; i++) args[i + 1] = o->prog_argv[i];
    wa_wasi_config cfg = {0};
    cfg.args = args;
    cfg.nargs = (uint32_t)o->prog_argc + 1;
    cfg.env = o->env;
    cfg.nenv = o->nenv;
    cfg.preopens = o->dirs;
    cfg.npreopens = o->ndirs;
    cfg.deny = o->deny;
    for (int i = 0; i < 3; i++) cfg.stdio[i] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_FD, .fd = i};
    if (wa_wasi_new(&cfg, &wasi, &err) != WB_OK) {
        fprintf(stderr, "wactor: %s\n", err.msg);
        goto done;
    }
    rc = run_instance(o, e, m, wasi);
done:
    wa_wasi_free(wasi);
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    free(args);
    free(bytes);
    return rc;
}

static int cli_wasm_run(int argc, char **argv) {
    run_opts o = {0};
    o.dirs = calloc((size_t)argc, sizeof *o.dirs);
    o.specs = calloc((size_t)argc, sizeof *o.specs);
    o.env = calloc((size_t)argc, sizeof *o.env);
    int rc = 1;
    if (!o.dirs || !o.specs || !o.env)
        fprintf(stderr, "wactor: out of memory\n");
    else if ((rc = parse_run(argc, argv, &o)) < 0)
        rc = run_module(&o);
    for (uint32_t i = 0; o.specs && i < o.ndirs; i++) wc_dir_close(&o.specs[i]);
    free(o.dirs);
    free(o.specs);
    free(o.env);
    return rc;
}

/* ---- inspect ----------------------------------------------------------------- */
static void print_functype(wa_functype ft) {
    printf("(");
    for (uint32_t i = 0; i < ft.nparams; i++)
        printf("%s%s", i ? ", " : "", wa_valtype_name(ft.params[i]));
    printf(") -> (");
    for (uint32_t i = 0; i < ft.nresults; i++)
        printf("%s%s", i ? ", " : "", wa_valtype_name(ft.results[i]));
    printf(")");
}

static void print_limits(wa_limits_type l) {
    if (l.has_max) printf("min %" PRIu64 " max %" PRIu64, l.min, l.max);
    else printf("min %" PRIu64, l.min);
}

static void print_extern(wa_extern_kind kind, wa_functype func, wa_tabletype table,
                         wa_memtype mem, wa_globaltype global) {
    switch (kind) {
    case WA_EXTERN_FUNC: print_functype(func); break;
    case WA_EXTERN_TABLE:
        printf("%s ", wa_valtype_name(table.elem));
        print_limits(table.limits);
        break;
    case WA_EXTERN_MEMORY:
        printf("pages ");
        print_limits(mem.limits);
        break;
    case WA_EXTERN_GLOBAL:
        printf("%s%s", global.mutable_ ? "mut " : "", wa_valtype_name(global.type));
        break;
    }
    printf("\n");
}

static const char *const extern_names[] = {"func", "table", "memory", "global"};

static void inspect_print(const char *file, size_t len, const wa_module *m) {
    wa_module_stats s = wa_module_stats_get(m);
    printf("module %s: %zu bytes, hash %016" PRIx64 "\n", file, len, wa_module_hash(m));
    printf("functions: %u defined, %u imported; tables %u, memories %u, globals %u, "
           "element segments %u, data segments %u\n",
           s.funcs_defined, s.funcs_imported, s.tables, s.memories, s.globals, s.elems, s.datas);
    printf("code: %zu bytes, compiled %zu bytes", s.code_bytes, s.compiled_bytes);
    if (s.has_start) printf(", start function %u", s.start_index);
    printf("\n");
    uint32_t n = wa_module_type_count(m);
    printf("types (%u):\n", n);
    for (uint32_t i = 0; i < n; i++) {
        printf("  [%u] ", i);
        print_functype(wa_module_type(m, i));
        printf("\n");
    }
    n = wa_module_import_count(m);
    printf("imports (%u):\n", n);
    for (uint32_t i = 0; i < n; i++) {
        wa_import_info im = wa_module_import(m, i);
        printf("  %s %.*s.%.*s ", extern_names[im.kind & 3], (int)im.module.len, im.module.str,
               (int)im.name.len, im.name.str);
        print_extern(im.kind, im.func, im.table, im.memory, im.global);
    }
    n = wa_module_export_count(m);
    printf("exports (%u):\n", n);
    for (uint32_t i = 0; i < n; i++) {
        wa_export_info ex = wa_module_export(m, i);
        printf("  %s %.*s [%u] ", extern_names[ex.kind & 3], (int)ex.name.len, ex.name.str,
               ex.index);
        print_extern(ex.kind, ex.func, ex.table, ex.memory, ex.global);
    }
    n = wa_module_custom_count(m);
    printf("custom sections (%u):\n", n);
    for (uint32_t i = 0; i < n; i++) {
        wa_custom_info c = wa_module_custom(m, i);
        printf("  %.*s: %u bytes\n", (int)c.name.len, c.name.str, c.len);
    }
}

static int cli_wasm_inspect(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') {
        fputs(cli_wasm_usage, argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    uint8_t *bytes;
    size_t len;
    wb_error err = {0};
    if (cli__read_file(argv[1], &bytes, &len, &err) != WB_OK) {
        fprintf(stderr, "wactor: %s\n", err.msg);
        return 1;
    }
    int rc = 1;
    wa_module *m = NULL;
    wa_engine *e = wa_engine_new(NULL);
    if (!e)
        fprintf(stderr, "wactor: out of memory\n");
    else if (wa_module_new(e, bytes, len, &m, &err) != WB_OK)
        fprintf(stderr, "wactor: %s: %s\n", argv[1], err.msg);
    else {
        inspect_print(argv[1], len, m);
        rc = 0;
    }
    if (m) wa_module_unref(m);
    wa_engine_free(e);
    free(bytes);
    return rc;
}

int cli__wasm_main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(cli_wasm_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "run") == 0) return cli_wasm_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "inspect") == 0) return cli_wasm_inspect(argc - 1, argv + 1);
    fprintf(stderr, "wactor: unknown wasm command '%s'\n%s", argv[1], cli_wasm_usage);
    return 2;
}
