/* SPDX-License-Identifier: MIT */
/* Module validation: index spaces, limits, constant expressions, exports,
 * start function and segments; function bodies go to validate_expr.c. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "validate.h"

static const char *vt_name(wa_valtype t) {
    switch (t) {
    case WA_I32: return "i32";
    case WA_I64: return "i64";
    case WA_F32: return "f32";
    case WA_F64: return "f64";
    case WA_FUNCREF: return "funcref";
    case WA_EXTERNREF: return "externref";
    default: return "v128";
    }
}

#define INVALID(err, ...) wb_error_set((err), WB_INVALID, __VA_ARGS__)

/* Where an imported or defined table/memory is declared, for messages. */
static uint32_t space_offset(const wa_module *m, wa_extern_kind kind, uint32_t idx) {
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == kind && k++ == idx) return m->imports[i].offset;
    return m->section_offset[kind == WA_EXTERN_TABLE ? 4 : 5];
}

static wb_status check_limits(const wa_limits_type *l, uint64_t bound, const char *what,
                              uint32_t off, wb_error *err) {
    if (l->min > bound || (l->has_max && l->max > bound))
        return INVALID(err, "%s at offset %u", what, off);
    if (l->has_max && l->min > l->max)
        return INVALID(err, "size minimum must not be greater than maximum at offset %u", off);
    return WB_OK;
}

/* `nglobals_visible` is how many globals global.get may name: the suite
 * (WebAssembly 2.0) allows only imported globals in every constant
 * expression, initialisers and segment offsets alike. */
static wb_status check_const(const wa_module *m, const wa_const_expr *ce, wa_valtype want,
                             uint32_t nglobals_visible, wb_error *err) {
    wa_valtype got = ce->value.type;
    switch (ce->kind) {
    case WA_CONST_VALUE:
    case WA_CONST_REF_NULL: break;
    case WA_CONST_GLOBAL_GET:
        if (ce->index >= nglobals_visible)
            return INVALID(err, "unknown global %u at offset %u", ce->index, ce->offset);
        if (m->global_types[ce->index].mutable_)
            return INVALID(err, "constant expression required (global %u is mutable) at offset %u",
                           ce->index, ce->offset);
        got = m->global_types[ce->index].type;
        break;
    case WA_CONST_REF_FUNC:
        if (ce->index >= m->nfuncs)
            return INVALID(err, "unknown function %u at offset %u", ce->index, ce->offset);
        got = WA_FUNCREF;
        break;
    }
    if (got != want)
        return INVALID(err, "type mismatch: constant of %s where %s is expected at offset %u",
                       vt_name(got), vt_name(want), ce->offset);
    return WB_OK;
}

static wb_status check_imports_and_spaces(const wa_module *m, wb_error *err) {
    wb_status st;
    for (uint32_t i = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WA_EXTERN_FUNC && m->imports[i].type_index >= m->ntypes)
            return INVALID(err, "unknown type %u (import %u) at offset %u",
                           m->imports[i].type_index, i, m->imports[i].offset);
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
        if (m->func_type_index[i] >= m->ntypes)
            return INVALID(err, "unknown type %u (function %u) at offset %u",
                           m->func_type_index[i], i, m->section_offset[3]);
    for (uint32_t i = 0; i < m->ntables; i++)
        if ((st = check_limits(&m->tables[i].limits, UINT32_MAX, "table size must be at most 2^32-1",
                               space_offset(m, WA_EXTERN_TABLE, i), err)) != WB_OK)
            return st;
    if (m->nmemories > 1)
        return INVALID(err, "multiple memories at offset %u", space_offset(m, WA_EXTERN_MEMORY, 1));
    for (uint32_t i = 0; i < m->nmemories; i++)
        if ((st = check_limits(&m->memories[i].limits, WA_MAX_PAGES,
                               "memory size must be at most 65536 pages (4GiB)",
                               space_offset(m, WA_EXTERN_MEMORY, i), err)) != WB_OK)
            return st;
    for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++) {
        const wa_global_def *g = &m->globals[i];
        if ((st = check_const(m, &g->init, g->type.type, m->nglobal_imports, err)) != WB_OK)
            return st;
    }
    return WB_OK;
}

static int name_cmp(const wa_name *a, const wa_name *b) {
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->str, b->str, n);
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int export_cmp(const void *pa, const void *pb) {
    return name_cmp(&(*(const wa_export *const *)pa)->name, &(*(const wa_export *const *)pb)->name);
}

/* Sorting pointers makes the duplicate check O(n log n) for any export
 * count. */
static wb_status check_exports(const wa_module *m, wb_error *err) {
    for (uint32_t i = 0; i < m->nexports; i++) {
        const wa_export *ex = &m->exports[i];
        static const char *const what[] = {"function", "table", "memory", "global"};
        uint32_t limit = ex->kind == WA_EXTERN_FUNC    ? m->nfuncs
                         : ex->kind == WA_EXTERN_TABLE  ? m->ntables
                         : ex->kind == WA_EXTERN_MEMORY ? m->nmemories
                                                        : m->nglobals;
        if (ex->index >= limit)
            return INVALID(err, "unknown %s %u at offset %u", what[ex->kind], ex->index, ex->offset);
    }
    if (m->nexports < 2) return WB_OK;
    const wa_export **sorted =
        wb_calloc(&m->engine->alloc, m->nexports, sizeof *sorted, WB_TAG_MODULE);
    if (!sorted) return wb_error_set(err, WB_NOMEM, "out of memory validating exports");
    for (uint32_t i = 0; i < m->nexports; i++) sorted[i] = &m->exports[i];
    qsort(sorted, m->nexports, sizeof *sorted, export_cmp);
    wb_status st = WB_OK;
    for (uint32_t i = 1; i < m->nexports && st == WB_OK; i++)
        if (name_cmp(&sorted[i - 1]->name, &sorted[i]->name) == 0) {
            uint32_t off = sorted[i]->offset > sorted[i - 1]->offset ? sorted[i]->offset
                                                                      : sorted[i - 1]->offset;
            st = INVALID(err, "duplicate export name \"%s\" at offset %u", sorted[i]->name.str, off);
        }
    wb_free(&m->engine->alloc, sorted, m->nexports * sizeof *sorted, WB_TAG_MODULE);
    return st;
}

static wb_status check_segments(const wa_module *m, wb_error *err) {
    wb_status st;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wa_elem_segment *s = &m->elems[i];
        if (s->mode == WA_SEG_ACTIVE) {
            if (s->table_index >= m->ntables)
                return INVALID(err, "unknown table %u (element segment %u) at offset %u",
                               s->table_index, i, s->offset_in_module);
            if ((st = check_const(m, &s->offset, WA_I32, m->nglobal_imports, err)) != WB_OK) return st;
            if (m->tables[s->table_index].elem != s->elem_type)
                return INVALID(err, "type mismatch: element segment %u of %s for a table of %s at offset %u",
                               i, vt_name(s->elem_type), vt_name(m->tables[s->table_index].elem),
                               s->offset_in_module);
        }
        for (uint32_t k = 0; k < s->count; k++)
            if ((st = check_const(m, &s->items[k], s->elem_type, m->nglobal_imports, err)) != WB_OK)
                return st;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wa_data_segment *s = &m->datas[i];
        if (s->mode != WA_SEG_ACTIVE) continue;
        if (s->memory_index >= m->nmemories)
            return INVALID(err, "unknown memory %u (data segment %u) at offset %u", s->memory_index,
                           i, s->offset_in_module);
        if ((st = check_const(m, &s->offset, WA_I32, m->nglobal_imports, err)) != WB_OK) return st;
    }
    return WB_OK;
}

static wb_status validate_all(const wa_module *m, wb_error *err) {
    wb_status st;
    if ((st = check_imports_and_spaces(m, err)) != WB_OK) return st;
    if ((st = check_exports(m, err)) != WB_OK) return st;
    if (m->has_start) {
        if (m->start >= m->nfuncs)
            return INVALID(err, "unknown function %u (start) at offset %u", m->start,
                           m->section_offset[8]);
        const wa_functype *ft = &m->types[m->func_type_index[m->start]];
        if (ft->nparams || ft->nresults)
            return INVALID(err, "start function must have type [] -> [] at offset %u",
                           m->section_offset[8]);
    }
    if ((st = check_segments(m, err)) != WB_OK) return st;
    return wa__validate_code(m, err);
}

wb_status wa__validate(const wa_module *m, wb_error *err) {
    wb_status st = validate_all(m, err);
    if (st == WB_OK || st == WB_NOMEM) return st;
    wb_status scan = wa__decode_scan_code(m, err);
    return scan == WB_MALFORMED ? scan : st;
}
