/* SPDX-License-Identifier: MIT */
/* Spec test runner: executes the JSON command lists that wast2json makes
 * from the WebAssembly test suite, against wactor's engine. Usage:
 *   spec_runner [--verbose] file.json...
 * Prints passed/failed/skipped per file and a total, and apart from them the
 * text-format modules it cannot check yet ("text"); exits 1 if anything
 * failed or was skipped. */
#define _GNU_SOURCE /* memmem */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wactor/wasm.h"

#define MAX_RESULTS 64

typedef struct named {
    char *name;        /* owner: named; "$M" from the script, or NULL */
    wa_instance *inst; /* owner: named (one reference) */
} named;

/* cJSON ends strings at NUL, but export names may hold NUL ("\u0000").
 * Before parsing, each "\u0000" escape becomes a code point absent from the
 * file (its UTF-8 is `nul_mark`); names are turned back when used. */
typedef struct nul_marker {
    char utf8[5];
    size_t len;
} nul_marker;

typedef struct runner {
    wa_engine *engine;
    wa_linker *linker; /* owner: runner; per file */
    named *insts;      /* owner: runner; every instance made, in order */
    size_t ninsts, cap;
    wa_instance *current;
    const char *dir;   /* folder of the JSON file: modules are next to it */
    const char *file;
    int line;
    bool verbose;
    nul_marker nul_mark;
    unsigned passed, failed, skipped;
    unsigned text_skipped; /* text-format modules: the engine reads binaries only (not a pass) */
} runner;

static void report(runner *r, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(runner *r, const char *kind, const char *fmt, ...) {
    r->failed++;
    if (!r->verbose) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: %s: ", r->file, r->line, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static const char *jstr(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- the spectest host module ------------------------------------------ */
static wa_host_status spectest_print(wa_instance *caller, const wa_value *args, wa_value *results,
                                     void *ud) {
    (void)caller, (void)args, (void)results, (void)ud;
    return WA_HOST_OK;
}

static wb_status define_spectest(wa_linker *l) {
    static const struct {
        const char *name;
        uint32_t n;
        wa_valtype p[2];
    } prints[] = {
        {"print", 0, {0}},
        {"print_i32", 1, {WA_I32}},
        {"print_i64", 1, {WA_I64}},
        {"print_f32", 1, {WA_F32}},
        {"print_f64", 1, {WA_F64}},
        {"print_i32_f32", 2, {WA_I32, WA_F32}},
        {"print_f64_f64", 2, {WA_F64, WA_F64}},
    };
    wb_status st = WB_OK;
    for (size_t i = 0; i < sizeof prints / sizeof prints[0] && st == WB_OK; i++)
        st = wa_linker_define_func(l, "spectest", prints[i].name, prints[i].p, prints[i].n, NULL, 0,
                                   spectest_print, NULL);
    if (st == WB_OK) st = wa_linker_define_global(l, "spectest", "global_i32", wa_i32(666), false);
    if (st == WB_OK) st = wa_linker_define_global(l, "spectest", "global_i64", wa_i64(666), false);
    if (st == WB_OK)
        st = wa_linker_define_global(l, "spectest", "global_f32", wa_f32(666.6f), false);
    if (st == WB_OK) st = wa_linker_define_global(l, "spectest", "global_f64", wa_f64(666.6), false);
    wa_tabletype tt = {WA_FUNCREF, {10, 20, true}};
    if (st == WB_OK) st = wa_linker_define_table(l, "spectest", "table", tt);
    wa_memtype mt = {{1, 2, true}};
    if (st == WB_OK) st = wa_linker_define_memory(l, "spectest", "memory", mt);
    return st;
}

/* ---- values ------------------------------------------------------------- */
typedef enum expect_kind { EXPECT_EXACT, EXPECT_NAN_CANONICAL, EXPECT_NAN_ARITHMETIC, EXPECT_NONNULL } expect_kind;

static bool parse_value(const cJSON *j, wa_value *v, expect_kind *ek) {
    const char *type = jstr(j, "type");
    const char *s = jstr(j, "value");
    *ek = EXPECT_EXACT;
    memset(v, 0, sizeof *v);
    if (!type) return false;
    if (s && strncmp(s, "nan:", 4) == 0)
        *ek = strcmp(s, "nan:canonical") == 0 ? EXPECT_NAN_CANONICAL : EXPECT_NAN_ARITHMETIC;
    unsigned long long u = (s && *ek == EXPECT_EXACT) ? strtoull(s, NULL, 10) : 0;
    if (strcmp(type, "i32") == 0) v->type = WA_I32, v->of.i32 = (int32_t)(uint32_t)u;
    else if (strcmp(type, "i64") == 0) v->type = WA_I64, v->of.i64 = (int64_t)u;
    else if (strcmp(type, "f32") == 0) v->type = WA_F32, v->of.f32_bits = (uint32_t)u;
    else if (strcmp(type, "f64") == 0) v->type = WA_F64, v->of.f64_bits = (uint64_t)u;
    else if (strcmp(type, "externref") == 0 || strcmp(type, "funcref") == 0) {
        v->type = type[0] == 'e' ? WA_EXTERNREF : WA_FUNCREF;
        if (!s) *ek = EXPECT_NONNULL;
        else if (strcmp(s, "null") != 0) v->of.ref = (void *)(uintptr_t)(u + 1); /* 0 is not null */
    } else return false; /* v128: SIMD is not in scope yet */
    return true;
}

static bool value_matches(const wa_value *got, const wa_value *want, expect_kind ek) {
    if (got->type != want->type) return false;
    switch (want->type) {
    case WA_I32: return got->of.i32 == want->of.i32;
    case WA_I64: return got->of.i64 == want->of.i64;
    case WA_F32:
        if (ek == EXPECT_NAN_CANONICAL) return (got->of.f32_bits & 0x7fffffffu) == 0x7fc00000u;
        if (ek == EXPECT_NAN_ARITHMETIC) return (got->of.f32_bits & 0x7fc00000u) == 0x7fc00000u;
        return got->of.f32_bits == want->of.f32_bits;
    case WA_F64:
        if (ek == EXPECT_NAN_CANONICAL)
            return (got->of.f64_bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
        if (ek == EXPECT_NAN_ARITHMETIC)
            return (got->of.f64_bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
        return got->of.f64_bits == want->of.f64_bits;
    default:
        if (ek == EXPECT_NONNULL) return got->of.ref != NULL;
        return got->of.ref == want->of.ref;
    }
}

static void value_str(const wa_value *v, char *buf, size_t len) {
    switch (v->type) {
    case WA_I32: snprintf(buf, len, "i32:%d", v->of.i32); break;
    case WA_I64: snprintf(buf, len, "i64:%lld", (long long)v->of.i64); break;
    case WA_F32: snprintf(buf, len, "f32:0x%08x", v->of.f32_bits); break;
    case WA_F64: snprintf(buf, len, "f64:0x%016llx", (unsigned long long)v->of.f64_bits); break;
    default: snprintf(buf, len, "%s:%p", wa_valtype_name(v->type), v->of.ref); break;
    }
}

/* ---- modules ------------------------------------------------------------ */
static wa_instance *find_instance(runner *r, const char *name) {
    if (!name) return r->current;
    for (size_t i = r->ninsts; i-- > 0;)
        if (r->insts[i].name && strcmp(r->insts[i].name, name) == 0) return r->insts[i].inst;
    return NULL;
}

static bool keep_instance(runner *r, const char *name, wa_instance *inst) {
    if (r->ninsts == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 16;
        named *n = realloc(r->insts, ncap * sizeof *n);
        if (!n) return false;
        r->insts = n;
        r->cap = ncap;
    }
    r->insts[r->ninsts].name = name ? strdup(name) : NULL;
    r->insts[r->ninsts++].inst = inst;
    r->current = inst;
    return true;
}

/* Loads <dir>/<filename>; returns the status of wa_module_new. */
static wb_status load_module(runner *r, const cJSON *cmd, wa_module **out, wb_error *err) {
    const char *fname = jstr(cmd, "filename");
    *out = NULL;
    if (!fname) return wb_error_set(err, WB_INVALID_ARG, "command without filename");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", r->dir, fname);
    size_t len = 0;
    uint8_t *bytes = read_file(path, &len);
    if (!bytes) return wb_error_set(err, WB_IO, "cannot read %s: %s", path, strerror(errno));
    wb_status st = wa_module_new(r->engine, bytes, len, out, err);
    free(bytes);
    return st;
}

static void cmd_module(runner *r, const cJSON *cmd) {
    wb_error err = {0};
    wa_module *m;
    r->current = NULL; /* a module that fails to load hides the previous one */
    if (load_module(r, cmd, &m, &err) != WB_OK) {
        report(r, "module", "load failed: %s", err.msg);
        return;
    }
    wa_instance *inst = NULL;
    wb_status st = wa_instance_new(m, r->linker, NULL, NULL, &inst, &err);
    wa_module_unref(m);
    if (st != WB_OK) {
        report(r, "module", "instantiate failed: %s: %s", wb_status_name(st), err.msg);
        return;
    }
    if (!keep_instance(r, jstr(cmd, "name"), inst)) {
        wa_instance_unref(inst);
        report(r, "module", "out of memory");
        return;
    }
    r->passed++;
}

static void cmd_register(runner *r, const cJSON *cmd) {
    wa_instance *inst = find_instance(r, jstr(cmd, "name"));
    const char *as = jstr(cmd, "as");
    if (!inst || !as) {
        report(r, "register", "no such module %s", jstr(cmd, "name") ? jstr(cmd, "name") : "");
        return;
    }
    wb_status st = wa_linker_define_instance(r->linker, as, inst);
    if (st != WB_OK) report(r, "register", "failed: %s", wb_status_name(st));
    else r->passed++;
}

/* ---- names with NUL -------------------------------------------------------- */
/* Picks a private-use code point (U+10FFFD, U+10FFFC, ...) that the file
 * does not contain, and rewrites every "\u0000" escape into it. */
static char *mark_nul(runner *r, char *text, size_t *len) {
    r->nul_mark.len = 0;
    for (unsigned cp = 0x10FFFD; cp > 0x10F000; cp--) {
        char utf8[5] = {(char)(0xF0 | (cp >> 18)), (char)(0x80 | ((cp >> 12) & 0x3F)),
                        (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F)), 0};
        if (memmem(text, *len, utf8, 4)) continue;
        memcpy(r->nul_mark.utf8, utf8, 5);
        r->nul_mark.len = 4;
        break;
    }
    if (!r->nul_mark.len || !memmem(text, *len, "\\u0000", 6)) return text;
    /* the mark (4 bytes) is shorter than the escape (6 bytes): in place */
    size_t o = 0;
    for (size_t i = 0; i < *len;) {
        if (i + 6 <= *len && memcmp(text + i, "\\u0000", 6) == 0 && (i == 0 || text[i - 1] != '\\')) {
            memcpy(text + o, r->nul_mark.utf8, 4);
            o += 4, i += 6;
        } else {
            text[o++] = text[i++];
        }
    }
    *len = o;
    return text;
}

/* Copies s into out with the marks turned back into NUL; returns length. */
static size_t unmark_nul(const runner *r, const char *s, char *out, size_t cap) {
    size_t n = 0, ml = r->nul_mark.len;
    while (*s && n + 1 < cap) {
        if (ml && strncmp(s, r->nul_mark.utf8, ml) == 0) {
            out[n++] = 0;
            s += ml;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = 0;
    return n;
}

/* ---- actions ------------------------------------------------------------ */
typedef enum act_result { ACT_DONE, ACT_TRAP, ACT_ERROR, ACT_SKIP } act_result;

typedef struct outcome {
    wa_value results[MAX_RESULTS];
    uint32_t nresults;
    wa_trap trap;
    char why[256];
} outcome;

static act_result run_action(runner *r, const cJSON *act, outcome *o) {
    memset(o, 0, sizeof *o);
    const char *type = jstr(act, "type"), *field = jstr(act, "field");
    wa_instance *inst = find_instance(r, jstr(act, "module"));
    if (!inst || !field || !type) {
        snprintf(o->why, sizeof o->why, "no instance for the action");
        return ACT_ERROR;
    }
    if (strcmp(type, "get") == 0) {
        if (wa_instance_global_get(inst, field, &o->results[0]) != WB_OK) {
            snprintf(o->why, sizeof o->why, "no global \"%s\"", field);
            return ACT_ERROR;
        }
        o->nresults = 1;
        return ACT_DONE;
    }
    char name[1024];
    size_t name_len = unmark_nul(r, field, name, sizeof name);
    wa_func *f = wa_instance_func_n(inst, name, name_len);
    if (!f) {
        snprintf(o->why, sizeof o->why, "no function \"%s\"", field);
        return ACT_ERROR;
    }
    const cJSON *jargs = cJSON_GetObjectItemCaseSensitive(act, "args");
    wa_value args[MAX_RESULTS];
    uint32_t nargs = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, jargs) {
        expect_kind ek;
        if (nargs == MAX_RESULTS || !parse_value(a, &args[nargs], &ek)) return ACT_SKIP;
        nargs++;
    }
    wa_run_status rs = wa_instance_call(inst, f, args, nargs, WA_FUEL_UNLIMITED);
    if (rs == WA_RUN_DONE) {
        o->nresults = wa_instance_results(inst, o->results, MAX_RESULTS);
        return ACT_DONE;
    }
    if (rs == WA_RUN_TRAP) {
        o->trap = *wa_instance_trap(inst);
        return ACT_TRAP;
    }
    wa_instance_cancel(inst);
    snprintf(o->why, sizeof o->why, "call paused with status %d", (int)rs);
    return ACT_ERROR;
}

static void cmd_action(runner *r, const cJSON *cmd) {
    outcome o;
    act_result ar = run_action(r, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &o);
    if (ar == ACT_SKIP) r->skipped++;
    else if (ar == ACT_DONE) r->passed++;
    else if (ar == ACT_TRAP) report(r, "action", "trapped: %s", o.trap.message);
    else report(r, "action", "%s", o.why);
}

static void cmd_assert_return(runner *r, const cJSON *cmd) {
    outcome o;
    act_result ar = run_action(r, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &o);
    if (ar == ACT_SKIP) {
        r->skipped++;
        return;
    }
    if (ar == ACT_TRAP) return report(r, "assert_return", "trapped: %s", o.trap.message);
    if (ar == ACT_ERROR) return report(r, "assert_return", "%s", o.why);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(cmd, "expected");
    uint32_t n = (uint32_t)cJSON_GetArraySize(exp);
    if (n != o.nresults)
        return report(r, "assert_return", "%u results, expected %u", o.nresults, n);
    uint32_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, exp) {
        wa_value want;
        expect_kind ek;
        if (!parse_value(e, &want, &ek)) {
            r->skipped++;
            return;
        }
        if (!value_matches(&o.results[i], &want, ek)) {
            char g[64], w[64];
            value_str(&o.results[i], g, sizeof g);
            value_str(&want, w, sizeof w);
            return report(r, "assert_return", "result %u is %s, expected %s%s", i, g, w,
                          ek == EXPECT_NAN_CANONICAL    ? " (nan:canonical)"
                          : ek == EXPECT_NAN_ARITHMETIC ? " (nan:arithmetic)"
                                                        : "");
        }
        i++;
    }
    r->passed++;
}

static bool trap_matches(const wa_trap *t, const char *text) {
    if (!text) return true;
    if (strstr(t->message, text)) return true;
    const char *kind = wa_trap_message(t->kind);
    return strncmp(text, kind, strlen(kind)) == 0;
}

static void cmd_assert_trap(runner *r, const cJSON *cmd, bool exhaustion) {
    const char *kind = exhaustion ? "assert_exhaustion" : "assert_trap";
    outcome o;
    act_result ar = run_action(r, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &o);
    if (ar == ACT_SKIP) {
        r->skipped++;
        return;
    }
    if (ar == ACT_DONE) return report(r, kind, "returned instead of trapping");
    if (ar == ACT_ERROR) return report(r, kind, "%s", o.why);
    const char *text = jstr(cmd, "text");
    bool ok = trap_matches(&o.trap, text);
    if (exhaustion)
        ok = o.trap.kind == WA_TRAP_CALL_STACK || o.trap.kind == WA_TRAP_VALUE_STACK;
    if (!ok) return report(r, kind, "trap \"%s\", expected \"%s\"", o.trap.message, text);
    r->passed++;
}

/* Where Debian's wast2json 1.0.32 writes a binary that differs from the
 * script's module, the suite's message cannot be produced from the binary.
 * Each entry names the command and the message the binary really earns. */
static const struct divergence {
    const char *file;
    int line;
    const char *message;
    const char *why;
} divergences[] = {
    {"select.json", 324, "type mismatch",
     "`select (result)` is written as plain `select` (0x1B), so the empty select type is lost"},
};

static const char *divergent_message(const runner *r) {
    const char *base = strrchr(r->file, '/');
    base = base ? base + 1 : r->file;
    for (size_t i = 0; i < sizeof divergences / sizeof divergences[0]; i++)
        if (divergences[i].line == r->line && strcmp(divergences[i].file, base) == 0)
            return divergences[i].message;
    return NULL;
}

/* assert_malformed / assert_invalid: the module must be rejected with the
 * right status, and our message must contain the suite's. Text modules
 * (.wat) must be rejected as malformed: the engine reads binaries only. */
static void cmd_assert_load_fails(runner *r, const cJSON *cmd, wb_status want) {
    const char *kind = want == WB_MALFORMED ? "assert_malformed" : "assert_invalid";
    const char *text = jstr(cmd, "text");
    const char *mtype = jstr(cmd, "module_type");
    /* A .wat module can only be rejected, whatever is wrong with it, while
     * the engine reads binaries only: that proves nothing, so it is counted
     * apart (the table says so), never as a pass. */
    if (mtype && strcmp(mtype, "text") == 0) {
        r->text_skipped++;
        return;
    }
    if (!text) return report(r, kind, "no expected message to check");
    wb_error err = {0};
    wa_module *m;
    wb_status st = load_module(r, cmd, &m, &err);
    if (st == WB_OK) {
        wa_module_unref(m);
        return report(r, kind, "module loaded, expected \"%s\"", text ? text : "");
    }
    if (st != want) return report(r, kind, "%s: %s, expected %s \"%s\"", wb_status_name(st), err.msg,
                                  wb_status_name(want), text ? text : "");
    const char *alt = divergent_message(r);
    if (!strstr(err.msg, text) && !(alt && strstr(err.msg, alt)))
        return report(r, kind, "message \"%s\", expected \"%s\"", err.msg, text);
    r->passed++;
}

/* assert_unlinkable / assert_uninstantiable: loads, then instantiation
 * fails with `want`. */
static void cmd_assert_inst_fails(runner *r, const cJSON *cmd, wb_status want) {
    const char *kind = want == WB_UNLINKABLE ? "assert_unlinkable" : "assert_uninstantiable";
    const char *text = jstr(cmd, "text");
    wb_error err = {0};
    wa_module *m;
    if (load_module(r, cmd, &m, &err) != WB_OK)
        return report(r, kind, "load failed: %s", err.msg);
    wa_instance *inst = NULL;
    wb_status st = wa_instance_new(m, r->linker, NULL, NULL, &inst, &err);
    wa_module_unref(m);
    if (st == WB_OK) {
        wa_instance_unref(inst);
        return report(r, kind, "instantiated, expected \"%s\"", text ? text : "");
    }
    if (st != want)
        return report(r, kind, "%s: %s, expected %s", wb_status_name(st), err.msg, wb_status_name(want));
    if (text && !strstr(err.msg, text))
        return report(r, kind, "message \"%s\", expected \"%s\"", err.msg, text);
    r->passed++;
}

static void run_command(runner *r, const cJSON *cmd) {
    const char *type = jstr(cmd, "type");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(cmd, "line");
    r->line = cJSON_IsNumber(line) ? line->valueint : 0;
    if (!type) return report(r, "command", "no type");
    if (strcmp(type, "module") == 0) cmd_module(r, cmd);
    else if (strcmp(type, "register") == 0) cmd_register(r, cmd);
    else if (strcmp(type, "action") == 0) cmd_action(r, cmd);
    else if (strcmp(type, "assert_return") == 0) cmd_assert_return(r, cmd);
    else if (strcmp(type, "assert_trap") == 0) cmd_assert_trap(r, cmd, false);
    else if (strcmp(type, "assert_exhaustion") == 0) cmd_assert_trap(r, cmd, true);
    else if (strcmp(type, "assert_malformed") == 0) cmd_assert_load_fails(r, cmd, WB_MALFORMED);
    else if (strcmp(type, "assert_invalid") == 0) cmd_assert_load_fails(r, cmd, WB_INVALID);
    else if (strcmp(type, "assert_unlinkable") == 0) cmd_assert_inst_fails(r, cmd, WB_UNLINKABLE);
    else if (strcmp(type, "assert_uninstantiable") == 0) cmd_assert_inst_fails(r, cmd, WB_TRAP);
    else report(r, "command", "unknown command type %s", type);
}

static void runner_reset(runner *r) {
    for (size_t i = 0; i < r->ninsts; i++) {
        wa_instance_unref(r->insts[i].inst);
        free(r->insts[i].name);
    }
    free(r->insts);
    r->insts = NULL;
    r->ninsts = r->cap = 0;
    r->current = NULL;
    wa_linker_free(r->linker);
    r->linker = NULL;
}

/* Runs one JSON file; false if it could not be read at all. */
static bool run_file(runner *r, const char *path) {
    size_t len;
    char *text = (char *)read_file(path, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return false;
    }
    text = mark_nul(r, text, &len);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root) {
        fprintf(stderr, "%s: not JSON\n", path);
        return false;
    }
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash) *slash = 0;
    r->dir = slash ? dir : ".";
    r->file = path;
    r->linker = wa_linker_new(r->engine);
    bool ok = r->linker && define_spectest(r->linker) == WB_OK;
    if (!ok) fprintf(stderr, "%s: cannot set up the spectest module\n", path);
    const cJSON *cmd;
    cJSON_ArrayForEach(cmd, cJSON_GetObjectItemCaseSensitive(root, "commands")) {
        if (ok) run_command(r, cmd);
    }
    runner_reset(r);
    cJSON_Delete(root);
    free(dir);
    return ok;
}

int main(int argc, char **argv) {
    runner r;
    memset(&r, 0, sizeof r);
    r.engine = wa_engine_new(NULL);
    if (!r.engine) return 2;
    unsigned tp = 0, tf = 0, ts = 0, tt = 0, files = 0;
    bool broken = false;
    printf("%-36s %8s %8s %8s %8s\n", "file", "passed", "failed", "skipped", "text");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--verbose") == 0) {
            r.verbose = true;
            continue;
        }
        r.passed = r.failed = r.skipped = r.text_skipped = 0;
        if (!run_file(&r, argv[i])) broken = true;
        const char *base = strrchr(argv[i], '/');
        printf("%-36s %8u %8u %8u %8u\n", base ? base + 1 : argv[i], r.passed, r.failed, r.skipped,
               r.text_skipped);
        tp += r.passed, tf += r.failed, ts += r.skipped, tt += r.text_skipped, files++;
    }
    printf("%-36s %8u %8u %8u %8u   (%u files)\n", "total", tp, tf, ts, tt, files);
    if (tt)
        printf("%u text-format assert_malformed commands not run: the engine reads binary modules only "
               "(\"text\" column; neither passed nor failed)\n", tt);
    wa_engine_free(r.engine);
    return (broken || tf || ts || files == 0) ? 1 : 0;
}
