/* SPDX-License-Identifier: MIT */
/* Binary format decoder: module bytes -> the fields of wa_module. Reports
 * malformed input with the spec test suite's wording and a byte offset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "module.h"
#include "opcodes.h"
#include "reader.h"
#include "validate.h"

/* Decoder state for one module. `invalid` holds the first validation error
 * found while decoding (e.g. a non-constant initialiser): it is reported only
 * if the whole module is well formed, because malformed beats invalid. */
typedef struct dec {
    wa_module *m;
    const wb_allocator *alloc;
    wa_reader r;              /* from the current section to the module's end */
    const uint8_t *sec_end;   /* end of the current section */
    wb_error *err;
    wb_error invalid;
    bool has_invalid;
    bool nomem;
    uint32_t nfunc_decls;     /* function section count */
    bool has_func_section, has_code_section, has_data_section;
    const uint8_t *module_end;
} dec;

static void *dec_calloc(dec *d, size_t n, size_t size) {
    if (n == 0) n = 1; /* a valid pointer for empty vectors keeps frees simple */
    void *p = wb_calloc(d->alloc, n, size, WB_TAG_MODULE);
    if (!p) d->nomem = true;
    return p;
}

static void free_arr(const wb_allocator *a, void *p, size_t n, size_t size) {
    if (p) wb_free(a, p, (n ? n : 1) * size, WB_TAG_MODULE);
}

static void free_name(const wb_allocator *a, wa_name *n) {
    if (n->str) wb_free(a, (void *)n->str, (size_t)n->len + 1, WB_TAG_MODULE);
}

static wb_status dec_fail_at(dec *d, uint32_t off, const char *why) {
    return wb_error_set(d->err, WB_MALFORMED, "%s at offset %u", why, off);
}

/* The reader's failure, with "unexpected end" inside a section spelled as
 * the spec interpreter does. */
static wb_status dec_reader_fail(dec *d) {
    if (d->nomem) return wb_error_set(d->err, WB_NOMEM, "out of memory decoding module");
    const char *why = d->r.why ? d->r.why : "unexpected end";
    if (strcmp(why, "unexpected end") == 0) why = "unexpected end of section or function";
    return dec_fail_at(d, wa_reader_fail_offset(&d->r), why);
}

static void dec_invalid(dec *d, uint32_t off, const char *fmt, const char *what) {
    if (d->has_invalid) return;
    d->has_invalid = true;
    char msg[160];
    snprintf(msg, sizeof msg, fmt, what);
    wb_error_set(&d->invalid, WB_INVALID, "%s at offset %u", msg, off);
}

/* A vector count that cannot fit in the bytes left is rejected before any
 * allocation (each element takes at least `min_size` bytes). Callers pass 1
 * so that a short vector fails at the element the spec's messages name. */
static bool dec_count(dec *d, uint32_t *n, size_t min_size) {
    *n = wa_read_u32(&d->r);
    if (!d->r.ok) return false;
    if ((uint64_t)*n * min_size > (uint64_t)(d->r.end - d->r.p)) {
        wa_reader_fail(&d->r, "unexpected end");
        return false;
    }
    return true;
}

static bool utf8_valid(const uint8_t *s, uint32_t n) {
    uint32_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        uint32_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len) return false;
        for (uint32_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* Names are copied so they can be NUL-terminated (wa_name promises it). */
static bool dec_name(dec *d, wa_name *out) {
    out->str = NULL;
    out->len = 0;
    uint32_t n = wa_read_u32(&d->r);
    if (!d->r.ok) return false;
    uint32_t off = wa_reader_offset(&d->r);
    if ((uint64_t)n > (uint64_t)(d->r.end - d->r.p)) {
        wa_reader_fail(&d->r, "length out of bounds");
        return false;
    }
    const uint8_t *s = wa_read_bytes(&d->r, n);
    if (!utf8_valid(s, n)) {
        wa_reader_fail(&d->r, "malformed UTF-8 encoding");
        d->r.fail_at = d->r.base + off; /* report where the name starts */
        return false;
    }
    char *copy = dec_calloc(d, (size_t)n + 1, 1);
    if (!copy) {
        wa_reader_fail(&d->r, "out of memory");
        return false;
    }
    memcpy(copy, s, n);
    out->str = copy;
    out->len = n;
    return true;
}

static wa_valtype dec_valtype(dec *d) {
    uint8_t b = wa_read_u8(&d->r);
    if (d->r.ok && !wa__valtype_ok(b)) {
        d->r.p--; /* point at the offending byte */
        wa_reader_fail(&d->r, "malformed value type");
    }
    return (wa_valtype)b;
}

static wa_valtype dec_reftype(dec *d) {
    uint8_t b = wa_read_u8(&d->r);
    if (d->r.ok && b != WA_FUNCREF && b != WA_EXTERNREF) {
        d->r.p--;
        wa_reader_fail(&d->r, "malformed reference type");
    }
    return (wa_valtype)b;
}

static void dec_limits(dec *d, wa_limits_type *l) {
    uint8_t flags = wa_read_u8(&d->r);
    if (!d->r.ok) return;
    if (flags > 1) {
        d->r.p--;
        wa_reader_fail(&d->r, flags & 0x80 ? "integer representation too long"
                                            : "integer too large");
        return;
    }
    l->min = wa_read_u32(&d->r);
    l->has_max = flags == 1;
    if (l->has_max) l->max = wa_read_u32(&d->r);
}

static void dec_globaltype(dec *d, wa_globaltype *g) {
    g->type = dec_valtype(d);
    uint8_t mut = wa_read_u8(&d->r);
    if (d->r.ok && mut > 1) {
        d->r.p--;
        wa_reader_fail(&d->r, "malformed mutability");
    }
    g->mutable_ = mut == 1;
}

/* A constant expression: one constant instruction and `end`. Anything else
 * that is well formed is an invalid (not malformed) module. */
static void dec_const_expr(dec *d, wa_const_expr *ce) {
    memset(ce, 0, sizeof *ce);
    ce->kind = WA_CONST_VALUE;
    ce->value.type = WA_I32;
    uint32_t n = 0;
    uint32_t start = wa_reader_offset(&d->r);
    bool non_const = false;
    wa_instr in;
    for (;;) {
        if (!wa__instr_read(&d->r, &in)) return;
        if (in.op == WA_OP_END) break;
        n++;
        wa_const_expr c = {0};
        switch (in.op) {
        case WA_OP_I32_CONST: c.value.type = WA_I32; c.value.of.i32 = (int32_t)in.imm; break;
        case WA_OP_I64_CONST: c.value.type = WA_I64; c.value.of.i64 = (int64_t)in.imm; break;
        case WA_OP_F32_CONST: c.value.type = WA_F32; c.value.of.f32_bits = (uint32_t)in.imm; break;
        case WA_OP_F64_CONST: c.value.type = WA_F64; c.value.of.f64_bits = in.imm; break;
        case WA_OP_REF_NULL: c.kind = WA_CONST_REF_NULL; c.value.type = (wa_valtype)in.b; break;
        case WA_OP_REF_FUNC: c.kind = WA_CONST_REF_FUNC; c.index = in.a; c.value.type = WA_FUNCREF; break;
        case WA_OP_GLOBAL_GET: c.kind = WA_CONST_GLOBAL_GET; c.index = in.a; break;
        default: {
            char name[32];
            if (!non_const)
                dec_invalid(d, in.offset, "constant expression required (%s)",
                            wa__op_name(in.op, name, sizeof name));
            non_const = true;
            continue;
        }
        }
        if (n == 1) *ce = c;
    }
    /* a non-constant instruction is reported before an arity problem */
    ce->offset = start;
    if (!non_const && n != 1)
        dec_invalid(d, start, "type mismatch: %s",
                    n ? "constant expression of several values" : "empty constant expression");
}

static wb_status sec_type(dec *d) {
    wa_module *m = d->m;
    if (!dec_count(d, &m->ntypes, 1)) return dec_reader_fail(d);
    m->types = dec_calloc(d, m->ntypes, sizeof *m->types);
    /* every param/result takes at least one byte of the section */
    m->nvaltypes = (uint32_t)(d->r.end - d->r.p);
    m->valtypes = dec_calloc(d, m->nvaltypes, sizeof *m->valtypes);
    if (d->nomem) return dec_reader_fail(d);
    uint32_t used = 0;
    for (uint32_t i = 0; i < m->ntypes; i++) {
        uint8_t form = wa_read_u8(&d->r);
        if (!d->r.ok) return dec_reader_fail(d);
        if (form != 0x60) {
            return dec_fail_at(d, wa_reader_offset(&d->r) - 1,
                               form & 0x80 ? "integer representation too long"
                                           : "malformed function type");
        }
        wa_functype *ft = &m->types[i];
        for (int pass = 0; pass < 2; pass++) {
            uint32_t n;
            if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
            if (n > (pass ? WA_MAX_FUNC_RESULTS : WA_MAX_FUNC_PARAMS))
                return dec_fail_at(d, wa_reader_offset(&d->r),
                                   pass ? "too many results" : "too many parameters");
            wa_valtype *vt = m->valtypes + used;
            for (uint32_t k = 0; k < n; k++) vt[k] = dec_valtype(d);
            if (!d->r.ok) return dec_reader_fail(d);
            used += n;
            if (pass == 0) ft->nparams = n, ft->params = vt;
            else ft->nresults = n, ft->results = vt;
        }
    }
    return WB_OK;
}

static wb_status sec_import(dec *d) {
    wa_module *m = d->m;
    if (!dec_count(d, &m->nimports, 1)) return dec_reader_fail(d);
    m->imports = dec_calloc(d, m->nimports, sizeof *m->imports);
    if (d->nomem) return dec_reader_fail(d);
    for (uint32_t i = 0; i < m->nimports; i++) {
        wa_import *im = &m->imports[i];
        im->offset = wa_reader_offset(&d->r);
        if (!dec_name(d, &im->module) || !dec_name(d, &im->name)) break;
        uint8_t kind = wa_read_u8(&d->r);
        if (!d->r.ok) break;
        im->kind = (wa_extern_kind)kind;
        switch (kind) {
        case WA_EXTERN_FUNC: im->type_index = wa_read_u32(&d->r); m->nfunc_imports++; break;
        case WA_EXTERN_TABLE:
            im->table.elem = dec_reftype(d);
            dec_limits(d, &im->table.limits);
            m->ntable_imports++;
            break;
        case WA_EXTERN_MEMORY: dec_limits(d, &im->memory.limits); m->nmemory_imports++; break;
        case WA_EXTERN_GLOBAL: dec_globaltype(d, &im->global); m->nglobal_imports++; break;
        default: return dec_fail_at(d, wa_reader_offset(&d->r) - 1, "malformed import kind");
        }
        if (!d->r.ok) break;
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

/* Index spaces list imports first; each array is made once, when its
 * section (or the end of the module) is reached. */
static bool dec_func_space(dec *d, uint32_t ndefined) {
    wa_module *m = d->m;
    m->nfuncs = m->nfunc_imports + ndefined;
    m->func_type_index = dec_calloc(d, m->nfuncs, sizeof *m->func_type_index);
    m->funcs = dec_calloc(d, ndefined, sizeof *m->funcs);
    if (d->nomem) return false;
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WA_EXTERN_FUNC) m->func_type_index[k++] = m->imports[i].type_index;
    return true;
}

static bool dec_table_space(dec *d, uint32_t ndefined) {
    wa_module *m = d->m;
    m->ntables = m->ntable_imports + ndefined;
    m->tables = dec_calloc(d, m->ntables, sizeof *m->tables);
    if (!m->tables) return false;
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WA_EXTERN_TABLE) m->tables[k++] = m->imports[i].table;
    return true;
}

static bool dec_memory_space(dec *d, uint32_t ndefined) {
    wa_module *m = d->m;
    m->nmemories = m->nmemory_imports + ndefined;
    m->memories = dec_calloc(d, m->nmemories, sizeof *m->memories);
    if (!m->memories) return false;
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WA_EXTERN_MEMORY) m->memories[k++] = m->imports[i].memory;
    return true;
}

static bool dec_global_space(dec *d, uint32_t ndefined) {
    wa_module *m = d->m;
    m->nglobals = m->nglobal_imports + ndefined;
    m->global_types = dec_calloc(d, m->nglobals, sizeof *m->global_types);
    m->globals = dec_calloc(d, ndefined, sizeof *m->globals);
    if (d->nomem) return false;
    for (uint32_t i = 0, k = 0; i < m->nimports; i++)
        if (m->imports[i].kind == WA_EXTERN_GLOBAL) m->global_types[k++] = m->imports[i].global;
    return true;
}

static wb_status sec_function(dec *d) {
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (!dec_func_space(d, n)) return dec_reader_fail(d);
    d->nfunc_decls = n;
    d->has_func_section = true;
    for (uint32_t i = 0; i < n; i++) {
        d->m->funcs[i].type_index = wa_read_u32(&d->r);
        d->m->func_type_index[d->m->nfunc_imports + i] = d->m->funcs[i].type_index;
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_table(dec *d) {
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (!dec_table_space(d, n)) return dec_reader_fail(d);
    for (uint32_t i = 0; i < n && d->r.ok; i++) {
        wa_tabletype *t = &d->m->tables[d->m->ntable_imports + i];
        t->elem = dec_reftype(d);
        dec_limits(d, &t->limits);
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_memory(dec *d) {
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (!dec_memory_space(d, n)) return dec_reader_fail(d);
    for (uint32_t i = 0; i < n && d->r.ok; i++)
        dec_limits(d, &d->m->memories[d->m->nmemory_imports + i].limits);
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_global(dec *d) {
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (!dec_global_space(d, n)) return dec_reader_fail(d);
    wa_module *m = d->m;
    for (uint32_t i = 0; i < n && d->r.ok; i++) {
        dec_globaltype(d, &m->globals[i].type);
        m->global_types[m->nglobal_imports + i] = m->globals[i].type;
        if (d->r.ok) dec_const_expr(d, &m->globals[i].init);
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_export(dec *d) {
    wa_module *m = d->m;
    if (!dec_count(d, &m->nexports, 1)) return dec_reader_fail(d);
    m->exports = dec_calloc(d, m->nexports, sizeof *m->exports);
    if (d->nomem) return dec_reader_fail(d);
    for (uint32_t i = 0; i < m->nexports; i++) {
        wa_export *ex = &m->exports[i];
        ex->offset = wa_reader_offset(&d->r);
        if (!dec_name(d, &ex->name)) break;
        uint8_t kind = wa_read_u8(&d->r);
        if (d->r.ok && kind > WA_EXTERN_GLOBAL)
            return dec_fail_at(d, wa_reader_offset(&d->r) - 1, "malformed export kind");
        ex->kind = (wa_extern_kind)kind;
        ex->index = wa_read_u32(&d->r);
        if (!d->r.ok) break;
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_start(dec *d) {
    d->m->has_start = true;
    d->m->start = wa_read_u32(&d->r);
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

/* Element segment flags: bit 0 passive/declarative, bit 1 explicit table
 * index (active) or declarative, bit 2 expressions instead of indices. */
static void dec_elem(dec *d, wa_elem_segment *s) {
    s->offset_in_module = wa_reader_offset(&d->r);
    uint32_t flags = wa_read_u32(&d->r);
    if (!d->r.ok) return;
    if (flags > 7) {
        wa_reader_fail(&d->r, "malformed elements segment kind");
        return;
    }
    s->mode = !(flags & 1) ? WA_SEG_ACTIVE : (flags & 2) ? WA_SEG_DECLARATIVE : WA_SEG_PASSIVE;
    if (s->mode == WA_SEG_ACTIVE) {
        if (flags & 2) s->table_index = wa_read_u32(&d->r);
        dec_const_expr(d, &s->offset);
    }
    s->elem_type = WA_FUNCREF;
    if (flags & 3) {
        if (flags & 4) {
            s->elem_type = dec_reftype(d);
        } else {
            uint8_t kind = wa_read_u8(&d->r);
            if (d->r.ok && kind != 0) wa_reader_fail(&d->r, "malformed element kind");
        }
    }
    if (!d->r.ok || !dec_count(d, &s->count, 1)) return;
    s->items = dec_calloc(d, s->count, sizeof *s->items);
    if (!s->items) {
        wa_reader_fail(&d->r, "out of memory");
        return;
    }
    for (uint32_t k = 0; k < s->count && d->r.ok; k++) {
        if (flags & 4) {
            dec_const_expr(d, &s->items[k]);
        } else {
            s->items[k].kind = WA_CONST_REF_FUNC;
            s->items[k].value.type = WA_FUNCREF;
            s->items[k].offset = wa_reader_offset(&d->r);
            s->items[k].index = wa_read_u32(&d->r);
        }
    }
}

static wb_status sec_elem(dec *d) {
    wa_module *m = d->m;
    if (!dec_count(d, &m->nelems, 1)) return dec_reader_fail(d);
    m->elems = dec_calloc(d, m->nelems, sizeof *m->elems);
    if (d->nomem) return dec_reader_fail(d);
    for (uint32_t i = 0; i < m->nelems && d->r.ok; i++) dec_elem(d, &m->elems[i]);
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_datacount(dec *d) {
    d->m->has_data_count = true;
    d->m->data_count = wa_read_u32(&d->r);
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}

static wb_status sec_data(dec *d) {
    wa_module *m = d->m;
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (m->has_data_count && n != m->data_count)
        return dec_fail_at(d, wa_reader_offset(&d->r),
                           "data count and data section have inconsistent lengths");
    m->ndatas = n;
    m->datas = dec_calloc(d, n, sizeof *m->datas);
    if (d->nomem) return dec_reader_fail(d);
    d->has_data_section = true;
    for (uint32_t i = 0; i < n && d->r.ok; i++) {
        wa_data_segment *s = &m->datas[i];
        s->offset_in_module = wa_reader_offset(&d->r);
        uint32_t flags = wa_read_u32(&d->r);
        if (d->r.ok && flags > 2) return dec_fail_at(d, wa_reader_offset(&d->r) - 1,
                                                     "malformed data segment kind");
        s->mode = flags == 1 ? WA_SEG_PASSIVE : WA_SEG_ACTIVE;
        if (flags == 2) s->memory_index = wa_read_u32(&d->r);
        if (s->mode == WA_SEG_ACTIVE && d->r.ok) dec_const_expr(d, &s->offset);
        s->len = wa_read_u32(&d->r);
        s->bytes = wa_read_bytes(&d->r, s->len);
    }
    return d->r.ok ? WB_OK : dec_reader_fail(d);
}


static wb_status dec_locals(dec *d, wa_func_def *f) {
    if (!dec_count(d, &f->nlocal_decls, 1)) return dec_reader_fail(d);
    f->local_decls = dec_calloc(d, f->nlocal_decls, sizeof *f->local_decls);
    if (d->nomem) return dec_reader_fail(d);
    uint64_t total = 0;
    for (uint32_t i = 0; i < f->nlocal_decls; i++) {
        uint32_t off = wa_reader_offset(&d->r);
        f->local_decls[i].count = wa_read_u32(&d->r);
        f->local_decls[i].type = dec_valtype(d);
        if (!d->r.ok) return dec_reader_fail(d);
        total += f->local_decls[i].count;
        if (total > WA_MAX_LOCALS) return dec_fail_at(d, off, "too many locals");
    }
    f->nlocals = (uint32_t)total;
    return WB_OK;
}

/* Checks that a body is a well-formed instruction sequence whose final
 * `end` is its last byte. Nesting is a counter: no recursion, no stack.
 * `*data_count_use` gets the offset of the first memory.init/data.drop. */
static wb_status scan_body(const wa_module *m, const wa_func_def *f, bool last,
                           uint32_t *data_count_use, wb_error *err) {
    wa_reader r = wa_reader_make(m->bytes, f->body, f->body_end);
    uint64_t depth = 1;
    wa_instr in;
    while (depth > 0) {
        if (wa_reader_done(&r)) {
            /* the spec interpreter's wording depends on what follows */
            const char *why = !last                            ? "END opcode expected"
                              : f->body_end < m->bytes + m->len ? "section size mismatch"
                                                                : "unexpected end of section or function";
            return wb_error_set(err, WB_MALFORMED, "%s at offset %u", why, wa_reader_offset(&r));
        }
        if (!wa__instr_read(&r, &in)) {
            const char *why = r.why ? r.why : "unexpected end";
            if (strcmp(why, "unexpected end") == 0) why = "unexpected end of section or function";
            uint32_t off = strcmp(why, "illegal opcode") == 0 ? in.offset : wa_reader_fail_offset(&r);
            return wb_error_set(err, WB_MALFORMED, "%s at offset %u", why, off);
        }
        switch (in.op) {
        case WA_OP_BLOCK:
        case WA_OP_LOOP:
        case WA_OP_IF: depth++; break;
        case WA_OP_END: depth--; break;
        case WA_OP_MEMORY_INIT:
        case WA_OP_DATA_DROP:
            if (*data_count_use == UINT32_MAX) *data_count_use = in.offset;
            break;
        default: break;
        }
    }
    if (!wa_reader_done(&r))
        return wb_error_set(err, WB_MALFORMED, "section size mismatch at offset %u",
                            wa_reader_offset(&r));
    return WB_OK;
}

/* Only called when validation failed: a malformed body anywhere must win
 * over the validation error, as the spec decodes everything before it
 * validates. Valid modules skip this second pass over the code. */
wb_status wa__decode_scan_code(const wa_module *m, wb_error *err) {
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    uint32_t data_count_use = UINT32_MAX;
    for (uint32_t i = 0; i < ndef; i++) {
        wb_status st = scan_body(m, &m->funcs[i], i + 1 == ndef, &data_count_use, err);
        if (st != WB_OK) return st;
    }
    /* without a data section the validator's "unknown data segment" stands */
    if (data_count_use != UINT32_MAX && !m->has_data_count && m->datas)
        return wb_error_set(err, WB_MALFORMED, "data count section required at offset %u",
                            data_count_use);
    return WB_OK;
}

static wb_status sec_code(dec *d) {
    wa_module *m = d->m;
    uint32_t n;
    if (!dec_count(d, &n, 1)) return dec_reader_fail(d);
    if (n != d->nfunc_decls)
        return dec_fail_at(d, wa_reader_offset(&d->r),
                           "function and code section have inconsistent lengths");
    d->has_code_section = true;
    m->code_section_size = (size_t)(d->sec_end - d->r.p);
    for (uint32_t i = 0; i < n; i++) {
        wa_func_def *f = &m->funcs[i];
        uint32_t size = wa_read_u32(&d->r);
        if (!d->r.ok) return dec_reader_fail(d);
        if ((uint64_t)size > (uint64_t)(d->r.end - d->r.p))
            return dec_fail_at(d, wa_reader_offset(&d->r), "unexpected end of section or function");
        const uint8_t *body_end = d->r.p + size;
        wa_reader outer = d->r;
        d->r.end = body_end;
        wb_status st = dec_locals(d, f);
        if (st != WB_OK) return st;
        f->body = d->r.p;
        f->body_end = body_end;
        f->body_offset = wa_reader_offset(&d->r);
        d->r = outer;
        d->r.p = body_end;
    }
    return WB_OK;
}

static wb_status sec_custom(dec *d, uint32_t *cap) {
    wa_module *m = d->m;
    wa_custom_section c;
    if (!dec_name(d, &c.name)) return dec_reader_fail(d);
    if (d->r.p > d->sec_end) {
        free_name(d->alloc, &c.name);
        return dec_fail_at(d, wa_reader_offset(&d->r), "unexpected end");
    }
    c.data = d->r.p;
    c.len = (uint32_t)(d->sec_end - d->r.p);
    d->r.p = d->sec_end;
    if (m->ncustoms == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 4;
        void *p = wb_realloc(d->alloc, m->customs, (size_t)*cap * sizeof *m->customs,
                             (size_t)ncap * sizeof *m->customs, WB_TAG_MODULE);
        if (!p) {
            wb_free(d->alloc, (void *)c.name.str, (size_t)c.name.len + 1, WB_TAG_MODULE);
            return wb_error_set(d->err, WB_NOMEM, "out of memory decoding module");
        }
        m->customs = p;
        *cap = ncap;
    }
    m->customs[m->ncustoms++] = c;
    return WB_OK;
}

/* Order of the non-custom sections: the data count section (12) sits
 * between element (9) and code (10). */
static int section_rank(uint8_t id) {
    static const int8_t rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return rank[id];
}

static wb_status dec_section(dec *d, uint8_t id, uint32_t *custom_cap) {
    switch (id) {
    case 0: return sec_custom(d, custom_cap);
    case 1: return sec_type(d);
    case 2: return sec_import(d);
    case 3: return sec_function(d);
    case 4: return sec_table(d);
    case 5: return sec_memory(d);
    case 6: return sec_global(d);
    case 7: return sec_export(d);
    case 8: return sec_start(d);
    case 9: return sec_elem(d);
    case 10: return sec_code(d);
    case 11: return sec_data(d);
    default: return sec_datacount(d);
    }
}

static void mark_declared(wa_module *m, const wa_const_expr *ce) {
    if (ce->kind == WA_CONST_REF_FUNC && ce->index < m->nfuncs) m->func_declared[ce->index] = 1;
}

/* After the last section: index spaces for absent sections, the cross
 * section counts, and the functions that ref.func may name. */
static wb_status dec_finish(dec *d) {
    wa_module *m = d->m;
    if (!m->func_type_index && !dec_func_space(d, 0)) return dec_reader_fail(d);
    if (!m->tables && !dec_table_space(d, 0)) return dec_reader_fail(d);
    if (!m->memories && !dec_memory_space(d, 0)) return dec_reader_fail(d);
    if (!m->global_types && !dec_global_space(d, 0)) return dec_reader_fail(d);
    if (!d->has_code_section && d->nfunc_decls != 0)
        return dec_fail_at(d, (uint32_t)m->len, "function and code section have inconsistent lengths");
    if (m->has_data_count && !d->has_data_section && m->data_count != 0)
        return dec_fail_at(d, (uint32_t)m->len,
                           "data count and data section have inconsistent lengths");
    m->func_declared = dec_calloc(d, m->nfuncs, 1);
    if (!m->func_declared) return dec_reader_fail(d);
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == WA_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
            m->func_declared[m->exports[i].index] = 1;
    for (uint32_t i = 0; i < m->nglobals - m->nglobal_imports; i++) mark_declared(m, &m->globals[i].init);
    for (uint32_t i = 0; i < m->nelems; i++)
        for (uint32_t k = 0; k < m->elems[i].count; k++) mark_declared(m, &m->elems[i].items[k]);
    if (d->has_invalid) {
        if (d->err) *d->err = d->invalid;
        return WB_INVALID;
    }
    return WB_OK;
}

static wb_status dec_header(dec *d, wa_reader *r) {
    static const uint8_t magic[4] = {0, 'a', 's', 'm'};
    static const uint8_t version[4] = {1, 0, 0, 0};
    const uint8_t *p = wa_read_bytes(r, 4);
    if (!p) return dec_fail_at(d, 0, "unexpected end");
    if (memcmp(p, magic, 4) != 0) return dec_fail_at(d, 0, "magic header not detected");
    p = wa_read_bytes(r, 4);
    if (!p) return dec_fail_at(d, 4, "unexpected end");
    if (memcmp(p, version, 4) != 0) return dec_fail_at(d, 4, "unknown binary version");
    return WB_OK;
}

static wb_status dec_sections(dec *d, wa_reader *r, uint32_t *custom_cap) {
    wa_module *m = d->m;
    int last_rank = 0;
    while (!wa_reader_done(r)) {
        uint32_t off = wa_reader_offset(r);
        uint8_t id = wa_read_u8(r);
        if (id > 12) return dec_fail_at(d, off, "malformed section id");
        uint32_t size = wa_read_u32(r);
        if (!r->ok) {
            d->r = *r;
            return dec_reader_fail(d);
        }
        if ((uint64_t)size > (uint64_t)(r->end - r->p))
            return dec_fail_at(d, wa_reader_offset(r), "length out of bounds");
        if (id != 0) {
            if (section_rank(id) <= last_rank)
                return dec_fail_at(d, off, "unexpected content after last section");
            last_rank = section_rank(id);
        }
        /* As in the spec interpreter, fields may be read across the end of
         * their section; the size is checked afterwards. That decides
         * which message a truncated or overlong field gets. */
        d->sec_end = r->p + size;
        if (id != 0) m->section_offset[id] = wa_reader_offset(r);
        d->r = wa_reader_make(m->bytes, r->p, r->end);
        wb_status st = dec_section(d, id, custom_cap);
        if (st != WB_OK) return st;
        if (d->r.p != d->sec_end)
            return dec_fail_at(d, wa_reader_offset(&d->r), "section size mismatch");
        r->p += size;
    }
    return WB_OK;
}

wb_status wa__decode(wa_module *m, wb_error *err) {
    dec d = {0};
    d.m = m;
    d.alloc = &m->engine->alloc;
    d.err = err;
    d.module_end = m->bytes + m->len;
    wa_reader r = wa_reader_make(m->bytes, m->bytes, m->bytes + m->len);
    wb_status st = dec_header(&d, &r);
    if (st != WB_OK) return st;
    uint32_t custom_cap = 0;
    st = dec_sections(&d, &r, &custom_cap);
    if (custom_cap > m->ncustoms) {
        /* exact size, so the free in wa__module_free_decoded matches */
        size_t esz = sizeof *m->customs;
        void *p = NULL;
        if (m->ncustoms)
            p = wb_realloc(d.alloc, m->customs, custom_cap * esz, m->ncustoms * esz, WB_TAG_MODULE);
        if (!p) {
            for (uint32_t i = 0; i < m->ncustoms; i++)
                free_name(d.alloc, &m->customs[i].name);
            wb_free(d.alloc, m->customs, custom_cap * esz, WB_TAG_MODULE);
            if (m->ncustoms && st == WB_OK)
                st = wb_error_set(err, WB_NOMEM, "out of memory decoding module");
            m->ncustoms = 0;
        }
        m->customs = p;
    }
    if (st != WB_OK) return st;
    return dec_finish(&d);
}

void wa__module_free_decoded(wa_module *m) {
    const wb_allocator *a = &m->engine->alloc;
    free_arr(a, m->types, m->ntypes, sizeof *m->types);
    free_arr(a, m->valtypes, m->nvaltypes, sizeof *m->valtypes);
    for (uint32_t i = 0; m->imports && i < m->nimports; i++) {
        free_name(a, &m->imports[i].module);
        free_name(a, &m->imports[i].name);
    }
    free_arr(a, m->imports, m->nimports, sizeof *m->imports);
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    for (uint32_t i = 0; m->funcs && i < ndef; i++)
        free_arr(a, m->funcs[i].local_decls, m->funcs[i].nlocal_decls, sizeof(wa_local_decl));
    free_arr(a, m->funcs, ndef, sizeof *m->funcs);
    free_arr(a, m->func_type_index, m->nfuncs, sizeof *m->func_type_index);
    free_arr(a, m->tables, m->ntables, sizeof *m->tables);
    free_arr(a, m->memories, m->nmemories, sizeof *m->memories);
    free_arr(a, m->global_types, m->nglobals, sizeof *m->global_types);
    free_arr(a, m->globals, m->nglobals - m->nglobal_imports, sizeof *m->globals);
    for (uint32_t i = 0; m->exports && i < m->nexports; i++) free_name(a, &m->exports[i].name);
    free_arr(a, m->exports, m->nexports, sizeof *m->exports);
    for (uint32_t i = 0; m->elems && i < m->nelems; i++)
        free_arr(a, m->elems[i].items, m->elems[i].count, sizeof(wa_const_expr));
    free_arr(a, m->elems, m->nelems, sizeof *m->elems);
    free_arr(a, m->datas, m->ndatas, sizeof *m->datas);
    for (uint32_t i = 0; m->customs && i < m->ncustoms; i++) free_name(a, &m->customs[i].name);
    free_arr(a, m->customs, m->ncustoms, sizeof *m->customs);
    free_arr(a, m->func_declared, m->nfuncs, 1);
}
