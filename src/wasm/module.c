/* SPDX-License-Identifier: MIT */
/* wa_module: the load pipeline (copy, hash, decode, validate, compile),
 * reference counting and the inspection accessors of wasm.h. */
#include <string.h>

#include "engine.h"
#include "module.h"

static void module_destroy(wa_module *m, bool compiled) {
    const wb_allocator *a = &m->engine->alloc;
    if (compiled) wa__compiled_free(m);
    wa__module_free_decoded(m);
    if (m->bytes) wb_free(a, m->bytes, m->len ? m->len : 1, WB_TAG_MODULE);
    wb_free(a, m, sizeof *m, WB_TAG_MODULE);
}

wb_status wa_module_new(wa_engine *e, const uint8_t *bytes, size_t len, wa_module **out,
                        wb_error *err) {
    if (out) *out = NULL;
    if (!e || !out || (!bytes && len))
        return wb_error_set(err, WB_INVALID_ARG, "wa_module_new: missing engine, bytes or out");
    if (len > UINT32_MAX)
        return wb_error_set(err, WB_LIMIT, "module of %zu bytes is larger than 4 GiB", len);
    wa_module *m = wb_calloc(&e->alloc, 1, sizeof *m, WB_TAG_MODULE);
    if (!m) return wb_error_set(err, WB_NOMEM, "out of memory loading module");
    atomic_init(&m->refs, 1);
    m->engine = e;
    m->bytes = wb_alloc(&e->alloc, len ? len : 1, WB_TAG_MODULE);
    if (!m->bytes) {
        wb_free(&e->alloc, m, sizeof *m, WB_TAG_MODULE);
        return wb_error_set(err, WB_NOMEM, "out of memory loading module");
    }
    if (len) memcpy(m->bytes, bytes, len);
    m->len = len;
    m->hash = wb_hash64(m->bytes, len);

    wb_status st = wa__decode(m, err);
    if (st == WB_OK) st = wa__validate(m, err);
    if (st != WB_OK) {
        module_destroy(m, false);
        return st;
    }
    st = wa__compile(m, err);
    if (st != WB_OK) {
        module_destroy(m, true);
        return st;
    }
    *out = m;
    return WB_OK;
}

wa_module *wa_module_ref(wa_module *m) {
    if (m) atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
    return m;
}

void wa_module_unref(wa_module *m) {
    if (!m) return;
    /* acq_rel: the last owner must see every other owner's reads finished */
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) module_destroy(m, true);
}

uint64_t wa_module_hash(const wa_module *m) { return m ? m->hash : 0; }

uint32_t wa_module_type_count(const wa_module *m) { return m ? m->ntypes : 0; }

wa_functype wa_module_type(const wa_module *m, uint32_t i) {
    wa_functype none = {0};
    if (!m || i >= m->ntypes) return none;
    return m->types[i];
}

static wa_functype func_type_of(const wa_module *m, uint32_t func_index) {
    wa_functype none = {0};
    if (func_index >= m->nfuncs) return none;
    return wa_module_type(m, m->func_type_index[func_index]);
}

uint32_t wa_module_import_count(const wa_module *m) { return m ? m->nimports : 0; }

wa_import_info wa_module_import(const wa_module *m, uint32_t i) {
    wa_import_info info;
    memset(&info, 0, sizeof info);
    if (!m || i >= m->nimports) return info;
    const wa_import *im = &m->imports[i];
    info.module = im->module;
    info.name = im->name;
    info.kind = im->kind;
    info.type_index = im->type_index;
    if (im->kind == WA_EXTERN_FUNC) info.func = wa_module_type(m, im->type_index);
    info.table = im->table;
    info.memory = im->memory;
    info.global = im->global;
    return info;
}

uint32_t wa_module_export_count(const wa_module *m) { return m ? m->nexports : 0; }

wa_export_info wa_module_export(const wa_module *m, uint32_t i) {
    wa_export_info info;
    memset(&info, 0, sizeof info);
    if (!m || i >= m->nexports) return info;
    const wa_export *ex = &m->exports[i];
    info.name = ex->name;
    info.kind = ex->kind;
    info.index = ex->index;
    switch (ex->kind) {
    case WA_EXTERN_FUNC: info.func = func_type_of(m, ex->index); break;
    case WA_EXTERN_TABLE:
        if (ex->index < m->ntables) info.table = m->tables[ex->index];
        break;
    case WA_EXTERN_MEMORY:
        if (ex->index < m->nmemories) info.memory = m->memories[ex->index];
        break;
    case WA_EXTERN_GLOBAL:
        if (ex->index < m->nglobals) info.global = m->global_types[ex->index];
        break;
    }
    return info;
}

uint32_t wa_module_custom_count(const wa_module *m) { return m ? m->ncustoms : 0; }

wa_custom_info wa_module_custom(const wa_module *m, uint32_t i) {
    wa_custom_info info;
    memset(&info, 0, sizeof info);
    if (!m || i >= m->ncustoms) return info;
    info.name = m->customs[i].name;
    info.data = m->customs[i].data;
    info.len = m->customs[i].len;
    return info;
}

wa_module_stats wa_module_stats_get(const wa_module *m) {
    wa_module_stats s;
    memset(&s, 0, sizeof s);
    if (!m) return s;
    s.funcs_imported = m->nfunc_imports;
    s.funcs_defined = m->nfuncs - m->nfunc_imports;
    s.tables = m->ntables;
    s.memories = m->nmemories;
    s.globals = m->nglobals;
    s.elems = m->nelems;
    s.datas = m->ndatas;
    s.has_start = m->has_start;
    s.start_index = m->start;
    s.code_bytes = m->code_section_size;
    s.compiled_bytes = m->compiled_size;
    return s;
}
