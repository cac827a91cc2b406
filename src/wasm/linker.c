/* SPDX-License-Identifier: MIT */
/* The linker: named host functions, host globals/tables/memories and
 * instances whose exports other modules import, with import type matching. */
#include <stdlib.h>
#include <string.h>

#include "instance.h"

typedef struct link_entry {
    char *module, *name;   /* owner: linker; name NULL for a whole instance */
    wa_extern ext;         /* each object a reference owned by the linker */
} link_entry;

struct wa_linker {
    wa_engine *engine;
    link_entry *entries;   /* owner: this */
    uint32_t n, cap;
};

wa_linker *wa_linker_new(wa_engine *e) {
    wa_linker *l = wb_calloc(&e->alloc, 1, sizeof *l, WB_TAG_GENERIC);
    if (l) l->engine = e;
    return l;
}

static void func_free(wa_engine *e, wa_func *f) {
    if (!f) return;
    wb_free(&e->alloc, f->owned_types,
            (size_t)(f->type.nparams + f->type.nresults) * sizeof *f->owned_types, WB_TAG_GENERIC);
    wb_free(&e->alloc, f, sizeof *f, WB_TAG_GENERIC);
}

void wa_linker_free(wa_linker *l) {
    if (!l) return;
    wa_engine *e = l->engine;
    for (uint32_t i = 0; i < l->n; i++) {
        link_entry *le = &l->entries[i];
        free(le->module);
        free(le->name);
        if (le->ext.owner) wa_instance_unref(le->ext.owner);
        else if (le->ext.kind == WA_EXTERN_FUNC) func_free(e, le->ext.func);
        wa__table_unref(le->ext.table);
        wa__memory_unref(le->ext.memory);
        if (le->ext.global && atomic_fetch_sub(&le->ext.global->refs, 1) == 1)
            wb_free(&e->alloc, le->ext.global, sizeof *le->ext.global, WB_TAG_INSTANCE);
    }
    free(l->entries);
    wb_free(&e->alloc, l, sizeof *l, WB_TAG_GENERIC);
}

static link_entry *find(wa_linker *l, const char *module, uint32_t mlen, const char *name, uint32_t nlen,
                        bool instances) {
    for (uint32_t i = 0; i < l->n; i++) {
        link_entry *le = &l->entries[i];
        if (strlen(le->module) != mlen || memcmp(le->module, module, mlen) != 0) continue;
        if (!le->name) {
            if (instances) return le;
            continue;
        }
        if (strlen(le->name) == nlen && memcmp(le->name, name, nlen) == 0) return le;
    }
    return NULL;
}

static wb_status add(wa_linker *l, const char *module, const char *name, wa_extern ext) {
    if (find(l, module, (uint32_t)strlen(module), name ? name : "", name ? (uint32_t)strlen(name) : 0,
             false) && name)
        return WB_EXISTS;
    if (l->n == l->cap) {
        uint32_t ncap = l->cap ? l->cap * 2 : 16;
        link_entry *p = realloc(l->entries, ncap * sizeof *p);
        if (!p) return WB_NOMEM;
        l->entries = p;
        l->cap = ncap;
    }
    link_entry *le = &l->entries[l->n];
    le->module = strdup(module);
    le->name = name ? strdup(name) : NULL;
    if (!le->module || (name && !le->name)) {
        free(le->module);
        free(le->name);
        return WB_NOMEM;
    }
    le->ext = ext;
    l->n++;
    return WB_OK;
}

wb_status wa_linker_define_func(wa_linker *l, const char *module, const char *name,
                                const wa_valtype *params, uint32_t nparams,
                                const wa_valtype *results, uint32_t nresults, wa_host_fn fn,
                                void *ud) {
    if (!l || !module || !name || !fn) return WB_INVALID_ARG;
    wa_engine *e = l->engine;
    wa_func *f = wb_calloc(&e->alloc, 1, sizeof *f, WB_TAG_GENERIC);
    if (!f) return WB_NOMEM;
    uint32_t nt = nparams + nresults;
    if (nt) {
        f->owned_types = wb_alloc(&e->alloc, nt * sizeof *f->owned_types, WB_TAG_GENERIC);
        if (!f->owned_types) {
            wb_free(&e->alloc, f, sizeof *f, WB_TAG_GENERIC);
            return WB_NOMEM;
        }
        if (nparams) memcpy(f->owned_types, params, nparams * sizeof *params);
        if (nresults) memcpy(f->owned_types + nparams, results, nresults * sizeof *results);
    }
    f->type = (wa_functype){nparams, nresults, f->owned_types, nt ? f->owned_types + nparams : NULL};
    f->sig_hash = wa__functype_hash(&f->type);
    f->host = fn;
    f->ud = ud;
    wb_status st = add(l, module, name, (wa_extern){.kind = WA_EXTERN_FUNC, .func = f});
    if (st != WB_OK) func_free(e, f);
    return st;
}

wb_status wa_linker_define_global(wa_linker *l, const char *module, const char *name,
                                  wa_value value, bool mutable_) {
    if (!l || !module || !name) return WB_INVALID_ARG;
    wa_global *g = wb_calloc(&l->engine->alloc, 1, sizeof *g, WB_TAG_INSTANCE);
    if (!g) return WB_NOMEM;
    atomic_init(&g->refs, 1);
    g->engine = l->engine;
    g->type = (wa_globaltype){value.type, mutable_};
    g->val = wa__value_to_slot(value);
    wb_status st = add(l, module, name, (wa_extern){.kind = WA_EXTERN_GLOBAL, .global = g});
    if (st != WB_OK) wb_free(&l->engine->alloc, g, sizeof *g, WB_TAG_INSTANCE);
    return st;
}

wb_status wa_linker_define_table(wa_linker *l, const char *module, const char *name,
                                 wa_tabletype type) {
    if (!l || !module || !name) return WB_INVALID_ARG;
    wa_table *t = wa__table_new(l->engine, &type, UINT32_MAX, NULL, NULL);
    if (!t) return WB_NOMEM;
    wb_status st = add(l, module, name, (wa_extern){.kind = WA_EXTERN_TABLE, .table = t});
    if (st != WB_OK) wa__table_unref(t);
    return st;
}

wb_status wa_linker_define_memory(wa_linker *l, const char *module, const char *name,
                                  wa_memtype type) {
    if (!l || !module || !name) return WB_INVALID_ARG;
    wa_memory *m = wa__memory_new(l->engine, &type, WA_MAX_PAGES, NULL, NULL);
    if (!m) return WB_NOMEM;
    wb_status st = add(l, module, name, (wa_extern){.kind = WA_EXTERN_MEMORY, .memory = m});
    if (st != WB_OK) wa__memory_unref(m);
    return st;
}

wb_status wa_linker_define_instance(wa_linker *l, const char *module, wa_instance *inst) {
    if (!l || !module || !inst) return WB_INVALID_ARG;
    /* a later registration under the same name shadows the earlier one */
    wb_status st = add(l, module, NULL, (wa_extern){.owner = inst});
    if (st == WB_OK) {
        wa_instance_ref(inst);
        /* newest first, so lookups find the latest registration */
        link_entry le = l->entries[l->n - 1];
        memmove(l->entries + 1, l->entries, (l->n - 1) * sizeof *l->entries);
        l->entries[0] = le;
    }
    return st;
}

static bool limits_match(uint64_t amin, bool ahas, uint64_t amax, const wa_limits_type *want) {
    if (amin < want->min) return false;
    if (!want->has_max) return true;
    return ahas && amax <= want->max;
}

static bool functype_same(const wa_functype *a, const wa_functype *b) {
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           (!a->nparams || !memcmp(a->params, b->params, a->nparams * sizeof *a->params)) &&
           (!a->nresults || !memcmp(a->results, b->results, a->nresults * sizeof *a->results));
}

wb_status wa__linker_resolve(wa_linker *l, const wa_import *imp, const wa_functype *ftype, wa_extern *out,
                             wb_error *err) {
    link_entry *le;
    wa_extern ext = {0};
    bool found = false;
    /* named entries and instance entries may both match; try in order */
    for (uint32_t i = 0; l && i < l->n && !found; i++) {
        le = &l->entries[i];
        if (strlen(le->module) != imp->module.len || memcmp(le->module, imp->module.str, imp->module.len))
            continue;
        if (le->name) {
            if (strlen(le->name) == imp->name.len && !memcmp(le->name, imp->name.str, imp->name.len)) {
                ext = le->ext;
                found = true;
            }
        } else if (wa__instance_export(le->ext.owner, imp->name.str, imp->name.len, &ext)) {
            ext.owner = le->ext.owner;
            found = true;
        }
    }
    if (!found)
        return wb_error_set(err, WB_UNLINKABLE, "unknown import %s.%s", imp->module.str, imp->name.str);
    if (ext.kind != imp->kind) goto incompatible;
    switch (imp->kind) {
    case WA_EXTERN_FUNC:
        if (!functype_same(&ext.func->type, ftype)) goto incompatible;
        break;
    case WA_EXTERN_TABLE:
        if (ext.table->elem != imp->table.elem ||
            !limits_match(ext.table->size, ext.table->has_max, ext.table->decl_max, &imp->table.limits))
            goto incompatible;
        break;
    case WA_EXTERN_MEMORY:
        if (!limits_match(ext.memory->pages, ext.memory->has_max, ext.memory->decl_max,
                          &imp->memory.limits))
            goto incompatible;
        break;
    case WA_EXTERN_GLOBAL:
        if (ext.global->type.type != imp->global.type || ext.global->type.mutable_ != imp->global.mutable_)
            goto incompatible;
        break;
    }
    *out = ext;
    return WB_OK;
incompatible:
    return wb_error_set(err, WB_UNLINKABLE, "incompatible import type for %s.%s", imp->module.str,
                        imp->name.str);
}
