/* SPDX-License-Identifier: MIT */
/* Instantiation (imports, globals, tables, memory, segments, start) and the
 * instance API: exports, calls, results, traps and memory access. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"

#define A(inst) (&(inst)->engine->alloc)

static void limits_default(wa_limits *l, const wa_limits *in) {
    if (in) *l = *in;
    else memset(l, 0, sizeof *l);
    if (!l->max_memory_pages || l->max_memory_pages > WA_MAX_PAGES) l->max_memory_pages = WA_MAX_PAGES;
    if (!l->max_table_elems) l->max_table_elems = 10000000;
    if (!l->max_call_depth) l->max_call_depth = 10000;
    if (!l->max_stack_bytes) l->max_stack_bytes = 8u << 20;
}

static void global_unref(wa_engine *e, wa_global *g) {
    if (g && atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1)
        wb_free(&e->alloc, g, sizeof *g, WB_TAG_INSTANCE);
}

static void instance_free(wa_instance *inst) {
    const wa_module *m = inst->module;
    wa_engine *e = inst->engine;
    for (uint32_t i = 0; inst->globals && i < m->nglobals; i++) global_unref(e, inst->globals[i]);
    for (uint32_t i = 0; inst->tables && i < m->ntables; i++) wa__table_unref(inst->tables[i]);
    wa__memory_unref(inst->memory);
    for (uint32_t i = 0; i < inst->ndeps; i++) wa_instance_unref(inst->deps[i]);
    wb_free(&e->alloc, inst->deps, (size_t)m->nimports * sizeof *inst->deps, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->globals, (size_t)m->nglobals * sizeof *inst->globals, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->tables, (size_t)m->ntables * sizeof *inst->tables, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->funcs, (size_t)m->nfuncs * sizeof *inst->funcs, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->own_funcs, (size_t)m->nfuncs * sizeof *inst->own_funcs, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->data_dropped, m->ndatas + 1, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->elem_dropped, m->nelems + 1, WB_TAG_INSTANCE);
    wb_free(&e->alloc, inst->stack, (size_t)inst->stack_slots * 8, WB_TAG_STACK);
    wb_free(&e->alloc, inst->frames, (size_t)inst->frames_cap * sizeof *inst->frames, WB_TAG_STACK);
    wa__uncharge(inst->acct, inst->own_bytes + (uint64_t)inst->stack_slots * 8 +
                                 (uint64_t)inst->frames_cap * sizeof *inst->frames);
    wa__account_unref(inst->acct);
    wa_module_unref(inst->module);
    wb_free(&e->alloc, inst, sizeof *inst, WB_TAG_INSTANCE);
}

wa_instance *wa_instance_ref(wa_instance *inst) {
    if (inst) atomic_fetch_add_explicit(&inst->refs, 1, memory_order_relaxed);
    return inst;
}

void wa_instance_unref(wa_instance *inst) {
    if (inst && atomic_fetch_sub_explicit(&inst->refs, 1, memory_order_acq_rel) == 1) instance_free(inst);
}

static uint64_t const_eval(wa_instance *inst, const wa_const_expr *c) {
    switch (c->kind) {
    case WA_CONST_VALUE: return wa__value_to_slot(c->value);
    case WA_CONST_GLOBAL_GET:
        return c->index < inst->module->nglobals && inst->globals[c->index] ? inst->globals[c->index]->val : 0;
    case WA_CONST_REF_FUNC:
        return c->index < inst->module->nfuncs ? (uint64_t)(uintptr_t)inst->funcs[c->index] : 0;
    case WA_CONST_REF_NULL: return 0;
    }
    return 0;
}

void *wa__elem_item(wa_instance *inst, const wa_const_expr *e) {
    return (void *)(uintptr_t)const_eval(inst, e);
}

wa_trap_kind wa__memory_init(wa_instance *inst, uint32_t seg, uint64_t d, uint64_t s, uint64_t n) {
    const wa_data_segment *ds = &inst->module->datas[seg];
    uint64_t len = inst->data_dropped[seg] ? 0 : ds->len;
    wa_memory *mem = inst->memory;
    if (s + n > len || !mem || d + n > mem->size) return WA_TRAP_MEMORY_OOB;
    if (n) memcpy(mem->base + d, ds->bytes + s, n);
    return WA_TRAP_NONE;
}

wa_trap_kind wa__table_init(wa_instance *inst, uint32_t table, uint32_t seg, uint64_t d, uint64_t s,
                            uint64_t n) {
    const wa_elem_segment *es = &inst->module->elems[seg];
    uint64_t len = inst->elem_dropped[seg] ? 0 : es->count;
    wa_table *t = inst->tables[table];
    if (s + n > len || d + n > t->size) return WA_TRAP_TABLE_OOB;
    for (uint64_t i = 0; i < n; i++) t->elems[d + i] = wa__elem_item(inst, &es->items[s + i]);
    return WA_TRAP_NONE;
}

bool wa__instance_export(wa_instance *inst, const char *name, uint32_t len, wa_extern *out) {
    const wa_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wa_export *x = &m->exports[i];
        if (x->name.len != len || memcmp(x->name.str, name, len) != 0) continue;
        memset(out, 0, sizeof *out);
        out->kind = x->kind;
        switch (x->kind) {
        case WA_EXTERN_FUNC: out->func = inst->funcs[x->index]; break;
        case WA_EXTERN_TABLE: out->table = inst->tables[x->index]; break;
        case WA_EXTERN_MEMORY: out->memory = inst->memory; break;
        case WA_EXTERN_GLOBAL: out->global = inst->globals[x->index]; break;
        }
        return true;
    }
    return false;
}

static bool add_dep(wa_instance *inst, wa_instance *dep) {
    for (uint32_t i = 0; i < inst->ndeps; i++)
        if (inst->deps[i] == dep) return true;
    inst->deps[inst->ndeps++] = wa_instance_ref(dep);
    return true;
}

static wb_status link_imports(wa_instance *inst, wa_linker *l, wb_error *err) {
    const wa_module *m = inst->module;
    uint32_t fi = 0, gi = 0, ti = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wa_import *imp = &m->imports[i];
        const wa_functype *ft = imp->kind == WA_EXTERN_FUNC ? &m->types[imp->type_index] : NULL;
        wa_extern ext;
        wb_status st = wa__linker_resolve(l, imp, ft, &ext, err);
        if (st != WB_OK) return st;
        if (ext.owner) add_dep(inst, ext.owner);
        switch (imp->kind) {
        case WA_EXTERN_FUNC:
            if (ext.func->code) {
                inst->funcs[fi++] = ext.func;
            } else {
                /* host functions are copied: the linker may go first */
                wa_func *f = &inst->own_funcs[fi];
                *f = *ext.func;
                f->type = *ft;
                f->owned_types = NULL;
                f->inst = inst;
                inst->funcs[fi++] = f;
            }
            break;
        case WA_EXTERN_TABLE:
            atomic_fetch_add(&ext.table->refs, 1);
            inst->tables[ti++] = ext.table;
            break;
        case WA_EXTERN_MEMORY:
            atomic_fetch_add(&ext.memory->refs, 1);
            wa__memory_unref(inst->memory);
            inst->memory = ext.memory;
            break;
        case WA_EXTERN_GLOBAL:
            atomic_fetch_add(&ext.global->refs, 1);
            inst->globals[gi++] = ext.global;
            break;
        }
    }
    return WB_OK;
}

static wb_status define_objects(wa_instance *inst, wb_error *err) {
    const wa_module *m = inst->module;
    const wa_compiled *cc = m->compiled;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        wa_func *f = &inst->own_funcs[i];
        const wa_code *code = &cc->codes[i - m->nfunc_imports];
        f->inst = inst;
        f->type = m->types[m->func_type_index[i]];
        f->sig_hash = code->sig_hash;
        f->code = code;
        inst->funcs[i] = f;
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        wb_error terr;
        inst->tables[i] = wa__table_new(inst->engine, &m->tables[i], inst->limits.max_table_elems,
                                        inst->acct, &terr);
        if (!inst->tables[i]) return wb_error_set(err, terr.status, "table %u: %s", i, terr.msg);
    }
    if (m->nmemories > m->nmemory_imports) {
        inst->memory = wa__memory_new(inst->engine, &m->memories[0], inst->limits.max_memory_pages,
                                      inst->acct, err);
        if (!inst->memory) return err ? err->status : WB_NOMEM;
    }
    uint64_t globals = (uint64_t)(m->nglobals - m->nglobal_imports) * sizeof(wa_global);
    if (!wa__charge(inst->acct, globals))
        return wb_error_set(err, WB_LIMIT, "%u globals exceed the memory budget",
                            m->nglobals - m->nglobal_imports);
    inst->own_bytes += globals;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        wa_global *g = wb_calloc(A(inst), 1, sizeof *g, WB_TAG_INSTANCE);
        if (!g) return wb_error_set(err, WB_NOMEM, "out of memory");
        atomic_init(&g->refs, 1);
        g->engine = inst->engine;
        g->type = m->global_types[i];
        g->val = const_eval(inst, &m->globals[i - m->nglobal_imports].init);
        inst->globals[i] = g;
    }
    return WB_OK;
}

static wb_status trap_error(wa_trap_kind k, wb_error *err) {
    return wb_error_set(err, WB_TRAP, "%s", wa_trap_message(k));
}

/* Active segments in order; a segment out of bounds traps and stops. */
static wb_status apply_segments(wa_instance *inst, wb_error *err) {
    const wa_module *m = inst->module;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wa_elem_segment *es = &m->elems[i];
        if (es->mode == WA_SEG_PASSIVE) continue;
        if (es->mode == WA_SEG_ACTIVE) {
            uint64_t off = (uint32_t)const_eval(inst, &es->offset);
            wa_trap_kind k = wa__table_init(inst, es->table_index, i, off, 0, es->count);
            if (k != WA_TRAP_NONE) return trap_error(k, err);
        }
        inst->elem_dropped[i] = 1;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wa_data_segment *ds = &m->datas[i];
        if (ds->mode != WA_SEG_ACTIVE) continue;
        uint64_t off = (uint32_t)const_eval(inst, &ds->offset);
        wa_trap_kind k = wa__memory_init(inst, i, off, 0, ds->len);
        if (k != WA_TRAP_NONE) return trap_error(k, err);
        inst->data_dropped[i] = 1;
    }
    return WB_OK;
}

/* Keeps a failed instance alive when its functions may sit in a table
 * another instance uses (the spec keeps such partial effects). */
static bool park_zombie(wa_instance *inst) {
    wa_engine *e = inst->engine;
    if (inst->module->ntable_imports == 0) return false;
    bool ok = false;
    pthread_mutex_lock(&e->pool_lock);
    if (e->nzombies == e->zombies_cap) {
        uint32_t n = e->zombies_cap ? e->zombies_cap * 2 : 8;
        wa_instance **z = wb_realloc(&e->alloc, e->zombies, (size_t)e->zombies_cap * sizeof *z,
                                     (size_t)n * sizeof *z, WB_TAG_GENERIC);
        if (z) {
            e->zombies = z;
            e->zombies_cap = n;
        }
    }
    if (e->nzombies < e->zombies_cap) {
        e->zombies[e->nzombies++] = inst;
        ok = true;
    }
    pthread_mutex_unlock(&e->pool_lock);
    return ok;
}

static wb_status run_start(wa_instance *inst, wb_error *err) {
    const wa_module *m = inst->module;
    if (!m->has_start) return WB_OK;
    uint64_t fuel = inst->limits.start_fuel ? inst->limits.start_fuel : WA_FUEL_UNLIMITED;
    wa_run_status rs = wa_instance_call(inst, inst->funcs[m->start], NULL, 0, fuel);
    if (rs == WA_RUN_DONE) return WB_OK;
    if (rs != WA_RUN_TRAP) wa_instance_cancel(inst);
    if (rs == WA_RUN_SUSPENDED)
        return wb_error_set(err, WB_STATE, "start function suspended in a host call");
    if (rs == WA_RUN_OUT_OF_FUEL)
        return wb_error_set(err, WB_TRAP, "%s: start function used more than %llu fuel",
                            wa_trap_message(WA_TRAP_FUEL), (unsigned long long)fuel);
    return wb_error_set(err, WB_TRAP, "%s", inst->trap.message);
}

wb_status wa_instance_new(wa_module *m, wa_linker *l, const wa_limits *limits, void *user_data,
                          wa_instance **out, wb_error *err) {
    *out = NULL;
    if (!m || !m->compiled) return wb_error_set(err, WB_INVALID_ARG, "module is not compiled");
    wa_engine *e = m->engine;
    wa_instance *inst = wb_calloc(&e->alloc, 1, sizeof *inst, WB_TAG_INSTANCE);
    if (!inst) return wb_error_set(err, WB_NOMEM, "out of memory");
    atomic_init(&inst->refs, 1);
    inst->module = wa_module_ref(m);
    inst->engine = e;
    inst->user_data = user_data;
    limits_default(&inst->limits, limits);
    inst->acct = wa__account_new(e, inst->limits.max_bytes, inst->limits.budget);
    if (!inst->acct) {
        wa_module_unref(inst->module);
        wb_free(&e->alloc, inst, sizeof *inst, WB_TAG_INSTANCE);
        return wb_error_set(err, WB_NOMEM, "out of memory");
    }
    /* The instance's own arrays, charged before they exist. */
    uint64_t own = sizeof *inst + (uint64_t)(m->nfuncs + 1) * (sizeof(wa_func *) + sizeof(wa_func)) +
                   (uint64_t)(m->nglobals + m->ntables + m->nimports + 3) * sizeof(void *) +
                   m->ndatas + m->nelems + 2;
    if (!wa__charge(inst->acct, own)) {
        instance_free(inst);
        return wb_error_set(err, WB_LIMIT, "instance of %llu bytes exceeds the memory budget",
                            (unsigned long long)own);
    }
    inst->own_bytes = own;
    inst->funcs = wb_calloc(&e->alloc, m->nfuncs + 1, sizeof *inst->funcs, WB_TAG_INSTANCE);
    inst->own_funcs = wb_calloc(&e->alloc, m->nfuncs + 1, sizeof *inst->own_funcs, WB_TAG_INSTANCE);
    inst->globals = wb_calloc(&e->alloc, m->nglobals + 1, sizeof *inst->globals, WB_TAG_INSTANCE);
    inst->tables = wb_calloc(&e->alloc, m->ntables + 1, sizeof *inst->tables, WB_TAG_INSTANCE);
    inst->deps = wb_calloc(&e->alloc, m->nimports + 1, sizeof *inst->deps, WB_TAG_INSTANCE);
    inst->data_dropped = wb_calloc(&e->alloc, m->ndatas + 1, 1, WB_TAG_INSTANCE);
    inst->elem_dropped = wb_calloc(&e->alloc, m->nelems + 1, 1, WB_TAG_INSTANCE);
    wb_status st = WB_OK;
    if (!inst->funcs || !inst->own_funcs || !inst->globals || !inst->tables || !inst->deps ||
        !inst->data_dropped || !inst->elem_dropped)
        st = wb_error_set(err, WB_NOMEM, "out of memory");
    if (st == WB_OK) st = link_imports(inst, l, err);
    if (st == WB_OK) st = define_objects(inst, err);
    bool linked = st == WB_OK;
    if (st == WB_OK) st = apply_segments(inst, err);
    if (st == WB_OK) st = run_start(inst, err);
    if (st != WB_OK) {
        if (!linked || st == WB_NOMEM || !park_zombie(inst)) instance_free(inst);
        return st;
    }
    *out = inst;
    return WB_OK;
}

void *wa_instance_user_data(const wa_instance *inst) { return inst->user_data; }
void wa_instance_set_user_data(wa_instance *inst, void *ud) { inst->user_data = ud; }
wa_module *wa_instance_module(const wa_instance *inst) { return inst->module; }

static const wa_export *find_export_n(const wa_instance *inst, const char *name, size_t len,
                                      wa_extern_kind kind) {
    const wa_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wa_export *x = &m->exports[i];
        if (x->kind == kind && x->name.len == len && memcmp(x->name.str, name, len) == 0) return x;
    }
    return NULL;
}

static const wa_export *find_export(const wa_instance *inst, const char *name, wa_extern_kind kind) {
    return find_export_n(inst, name, strlen(name), kind);
}

wa_func *wa_instance_func_n(wa_instance *inst, const char *name, size_t len) {
    const wa_export *x = find_export_n(inst, name, len, WA_EXTERN_FUNC);
    return x ? inst->funcs[x->index] : NULL;
}

wa_func *wa_instance_func(wa_instance *inst, const char *name) {
    const wa_export *x = find_export(inst, name, WA_EXTERN_FUNC);
    return x ? inst->funcs[x->index] : NULL;
}

wa_functype wa_func_type(const wa_func *f) { return f->type; }

wb_status wa_instance_global_get(wa_instance *inst, const char *name, wa_value *out) {
    const wa_export *x = find_export(inst, name, WA_EXTERN_GLOBAL);
    if (!x) return WB_NOT_FOUND;
    const wa_global *g = inst->globals[x->index];
    *out = wa__slot_to_value(g->val, g->type.type);
    return WB_OK;
}

wb_status wa_instance_global_set(wa_instance *inst, const char *name, wa_value v) {
    const wa_export *x = find_export(inst, name, WA_EXTERN_GLOBAL);
    if (!x) return WB_NOT_FOUND;
    wa_global *g = inst->globals[x->index];
    if (!g->type.mutable_ || g->type.type != v.type) return WB_INVALID_ARG;
    g->val = wa__value_to_slot(v);
    return WB_OK;
}

/* ---- calls ------------------------------------------------------------------ */

static wa_run_status call_error(wa_instance *inst, const char *msg) {
    wa__set_trap(inst, WA_TRAP_HOST, msg);
    return WA_RUN_TRAP;
}

wa_run_status wa_instance_call(wa_instance *inst, wa_func *f, const wa_value *args, uint32_t nargs,
                               uint64_t fuel) {
    if (inst->state != WA_STATE_IDLE) return call_error(inst, "instance busy: a call is in progress");
    if (!f) return call_error(inst, "no function");
    const wa_functype *t = &f->type;
    if (nargs != t->nparams) return call_error(inst, "wrong number of arguments");
    for (uint32_t i = 0; i < nargs; i++)
        if (args[i].type != t->params[i]) return call_error(inst, "argument type mismatch");
    size_t need = (t->nparams > t->nresults ? t->nparams : t->nresults) + 1;
    if (f->code && f->code->frame_slots > need) need = f->code->frame_slots;
    if (need > inst->stack_slots) {
        /* Start small (an idle component's first call stays shallow; 8 KiB
         * here was most of its memory); deeper calls grow it by doubling. */
        size_t n = inst->stack_slots ? inst->stack_slots : 64;
        while (n < need) n *= 2;
        if (n * 8 > inst->limits.max_stack_bytes) n = inst->limits.max_stack_bytes / 8;
        if (n < need) {
            wa__set_trap(inst, WA_TRAP_VALUE_STACK, NULL);
            return WA_RUN_TRAP;
        }
        uint64_t grow = (uint64_t)(n - inst->stack_slots) * 8;
        if (!wa__charge(inst->acct, grow)) {
            wa__set_trap(inst, WA_TRAP_MEMORY_LIMIT, "the value stack exceeds the memory budget");
            return WA_RUN_TRAP;
        }
        uint64_t *s = wb_realloc(A(inst), inst->stack, (size_t)inst->stack_slots * 8, n * 8, WB_TAG_STACK);
        if (!s) {
            wa__uncharge(inst->acct, grow);
            wa__set_trap(inst, WA_TRAP_OUT_OF_MEMORY, "value stack");
            return WA_RUN_TRAP;
        }
        inst->stack = s;
        inst->stack_slots = (uint32_t)n;
    }
    if (inst->frames_cap == 0) {
        /* the call stack array never exceeds max_call_depth (interp.c relies on it) */
        uint32_t n = inst->limits.max_call_depth < 16 ? inst->limits.max_call_depth : 16;
        if (n == 0) n = 1;
        if (!wa__charge(inst->acct, (uint64_t)n * sizeof *inst->frames)) {
            wa__set_trap(inst, WA_TRAP_MEMORY_LIMIT, "call frames exceed the memory budget");
            return WA_RUN_TRAP;
        }
        inst->frames = wb_alloc(A(inst), n * sizeof *inst->frames, WB_TAG_STACK);
        if (!inst->frames) {
            wa__uncharge(inst->acct, (uint64_t)n * sizeof *inst->frames);
            wa__set_trap(inst, WA_TRAP_OUT_OF_MEMORY, "call frames");
            return WA_RUN_TRAP;
        }
        inst->frames_cap = n;
    }
    for (uint32_t i = 0; i < nargs; i++) inst->stack[i] = wa__value_to_slot(args[i]);
    inst->trap.kind = WA_TRAP_NONE;
    inst->trap.message[0] = 0;
    inst->nresults = t->nresults;
    inst->result_types = t->results;
    inst->state = WA_STATE_RUNNING;
    if (!f->code) {
        /* a host function called directly: it may suspend like any other */
        inst->pc = NULL;
        inst->host_args = 0;
        inst->host_func = f;
        return wa__run_host(inst, f);
    }
    inst->nframes = 0;
    inst->frames[inst->nframes++] = (wa_frame){NULL, f->inst, NULL, 0};
    if (f->code->nlocals) memset(inst->stack + t->nparams, 0, (size_t)f->code->nlocals * 8);
    inst->pc = f->code->words;
    inst->fp = 0;
    inst->cur = f->inst;
    inst->code = f->code;
    return wa__run(inst, fuel);
}

wa_run_status wa_instance_resume(wa_instance *inst, uint64_t fuel) {
    if (inst->state != WA_STATE_FUEL) return call_error(inst, "no call paused for fuel");
    inst->state = WA_STATE_RUNNING;
    return wa__run(inst, fuel);
}

wa_run_status wa_instance_resume_host(wa_instance *inst, const wa_value *results, uint32_t nresults,
                                      uint64_t fuel) {
    if (inst->state != WA_STATE_HOST) return call_error(inst, "no call paused in a host function");
    const wa_functype *t = &inst->host_func->type;
    if (nresults != t->nresults) return call_error(inst, "wrong number of host results");
    for (uint32_t i = 0; i < nresults; i++)
        if (results[i].type != t->results[i]) return call_error(inst, "host result type mismatch");
    for (uint32_t i = 0; i < nresults; i++)
        inst->stack[inst->host_args + i] = wa__value_to_slot(results[i]);
    inst->state = WA_STATE_RUNNING;
    if (!inst->pc) {
        inst->state = WA_STATE_IDLE; /* the suspended host function was the whole call */
        return WA_RUN_DONE;
    }
    return wa__run(inst, fuel);
}

wa_run_status wa_instance_fail_host(wa_instance *inst) {
    if (inst->state != WA_STATE_HOST) return call_error(inst, "no call paused in a host function");
    if (inst->trap.kind == WA_TRAP_NONE) wa__set_trap(inst, WA_TRAP_HOST, NULL);
    inst->state = WA_STATE_IDLE;
    inst->nframes = 0;
    return WA_RUN_TRAP;
}

void wa_instance_cancel(wa_instance *inst) {
    inst->state = WA_STATE_IDLE;
    inst->nframes = 0;
}

bool wa_instance_busy(const wa_instance *inst) {
    return inst->state == WA_STATE_FUEL || inst->state == WA_STATE_HOST;
}

uint32_t wa_instance_results(const wa_instance *inst, wa_value *out, uint32_t max) {
    for (uint32_t i = 0; i < inst->nresults && i < max; i++)
        out[i] = wa__slot_to_value(inst->stack[i], inst->result_types[i]);
    return inst->nresults;
}

const wa_trap *wa_instance_trap(const wa_instance *inst) { return &inst->trap; }

void wa_instance_set_trap(wa_instance *inst, wa_trap_kind kind, const char *fmt, ...) {
    inst->trap.kind = kind;
    inst->trap.exit_code = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(inst->trap.message, sizeof inst->trap.message, fmt, ap);
    va_end(ap);
}

void wa_instance_set_exit(wa_instance *inst, int32_t code) {
    inst->trap.kind = WA_TRAP_EXIT;
    inst->trap.exit_code = code;
    snprintf(inst->trap.message, sizeof inst->trap.message, "%s with code %d",
             wa_trap_message(WA_TRAP_EXIT), code);
}

uint64_t wa_instance_fuel_used(const wa_instance *inst) { return inst->fuel_used; }

/* ---- memory access ------------------------------------------------------------- */

uint8_t *wa_instance_memory(wa_instance *inst, uint64_t *size_bytes) {
    if (size_bytes) *size_bytes = inst->memory ? inst->memory->size : 0;
    return inst->memory ? inst->memory->base : NULL;
}

void *wa_instance_mem_ptr(wa_instance *inst, uint64_t offset, uint64_t len) {
    wa_memory *m = inst->memory;
    if (!m || offset > m->size || len > m->size - offset) return NULL;
    return m->base + offset;
}

wb_status wa_instance_mem_read(wa_instance *inst, uint64_t offset, void *dst, uint64_t len) {
    void *p = wa_instance_mem_ptr(inst, offset, len);
    if (!p) return WB_INVALID_ARG;
    if (len) memcpy(dst, p, len);
    return WB_OK;
}

wb_status wa_instance_mem_write(wa_instance *inst, uint64_t offset, const void *src, uint64_t len) {
    void *p = wa_instance_mem_ptr(inst, offset, len);
    if (!p) return WB_INVALID_ARG;
    if (len) memcpy(p, src, len);
    return WB_OK;
}

uint32_t wa_instance_memory_pages(const wa_instance *inst) {
    return inst->memory ? inst->memory->pages : 0;
}

uint32_t wa_instance_memory_denied(const wa_instance *inst) {
    return inst->memory ? inst->memory->denied : 0;
}

size_t wa_instance_overhead_bytes(const wa_instance *inst) {
    const wa_module *m = inst->module;
    size_t n = sizeof *inst;
    n += (size_t)(m->nfuncs + 1) * (sizeof *inst->funcs + sizeof *inst->own_funcs);
    n += (size_t)(m->nglobals + 1) * (sizeof *inst->globals + sizeof(wa_global));
    n += (size_t)(m->ntables + 1) * sizeof *inst->tables + (size_t)(m->nimports + 1) * sizeof *inst->deps;
    n += m->ndatas + m->nelems + 2;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
        n += sizeof(wa_table) + (size_t)inst->tables[i]->cap * sizeof(void *);
    if (inst->memory) n += sizeof(wa_memory);
    n += (size_t)inst->stack_slots * 8 + (size_t)inst->frames_cap * sizeof *inst->frames;
    return n;
}

uint64_t wa_instance_bytes(const wa_instance *inst) {
    return atomic_load_explicit(&inst->acct->used, memory_order_relaxed);
}
