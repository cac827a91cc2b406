/* SPDX-License-Identifier: MIT */
/* Function body validation: the spec's operand/control stack algorithm
 * (appendix "Validation Algorithm"), with both stacks on the heap. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "opcodes.h"
#include "reader.h"
#include "validate.h"

#define T_UNKNOWN 0 /* the polymorphic stack's bottom type */
/* Implementation limit on operand stack height: one `call` of a 1000-result
 * type pushes 1000 values from 2 bytes, so without it a 1 MB body could ask
 * for 500 million entries. Real code stays far below (clang: < 1000). */
#define WA_MAX_OPERAND_STACK (1u << 22)

typedef struct vframe {
    uint32_t op;          /* BLOCK, LOOP, IF, ELSE; BLOCK for the function */
    uint32_t height;      /* operand stack height at entry */
    uint32_t nparams, nresults;
    const wa_valtype *params, *results; /* owner: module types or `single` */
    uint32_t stamp;       /* br_table check already done for this label */
    bool unreachable;
} vframe;

/* An opcode's fixed typing, parsed once from its opcodes.def signature. */
typedef struct opsig {
    uint8_t hand;     /* typed by hand ("*") */
    uint8_t imm;      /* wa_imm */
    uint8_t npop, npush;
    uint8_t pop[3], push;
} opsig;

#define FC_SIGS 32

typedef struct vstate {
    const wa_module *m;
    const wb_allocator *alloc;
    wb_error *err;
    uint8_t *vals;        /* owner: vstate; operand types */
    uint32_t nvals, cap_vals;
    vframe *ctrls;        /* owner: vstate */
    uint32_t nctrls, cap_ctrls;
    uint32_t *local_ends; /* owner: vstate; cumulative local counts per decl */
    uint32_t cap_local_ends;
    uint8_t *flat;        /* owner: vstate; local types when cheap to expand */
    uint32_t cap_flat;
    bool use_flat;
    opsig sigs[256], sigs_fc[FC_SIGS];
    const wa_functype *ft;
    const wa_func_def *f;
    uint32_t offset;      /* current instruction, for messages */
    uint32_t stamp;
    bool failed;
    wb_status status;     /* of the first failure */
} vstate;

/* Single-value block types point here, so every label has a type list. */
static const wa_valtype single[] = {WA_I32, WA_I64, WA_F32, WA_F64, WA_FUNCREF, WA_EXTERNREF};

static const wa_valtype *single_of(uint32_t t) {
    for (size_t i = 0; i < WB_ARRAY_LEN(single); i++)
        if (single[i] == (wa_valtype)t) return &single[i];
    return NULL;
}

static const char *tname(uint8_t t) {
    switch (t) {
    case WA_I32: return "i32";
    case WA_I64: return "i64";
    case WA_F32: return "f32";
    case WA_F64: return "f64";
    case WA_FUNCREF: return "funcref";
    case WA_EXTERNREF: return "externref";
    default: return "unknown";
    }
}

__attribute__((format(printf, 3, 4))) static bool vfail(vstate *v, wb_status st, const char *fmt,
                                                         ...) {
    if (v->failed) return false;
    v->failed = true;
    v->status = st;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    wb_error_set(v->err, st, "%s at offset %u", msg, v->offset);
    return false;
}

static bool grow(vstate *v, void **arr, uint32_t *cap, uint32_t need, size_t esize) {
    if (need <= *cap) return true;
    uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 64;
    while (ncap < need) ncap *= 2;
    if (ncap > UINT32_MAX) return vfail(v, WB_LIMIT, "function too large to validate");
    void *p = wb_realloc(v->alloc, *arr, (size_t)*cap * esize, (size_t)ncap * esize, WB_TAG_MODULE);
    if (!p) return vfail(v, WB_NOMEM, "out of memory validating function");
    *arr = p;
    *cap = (uint32_t)ncap;
    return true;
}

static bool push(vstate *v, uint8_t t) {
    if (v->nvals == v->cap_vals) {
        if (v->nvals >= WA_MAX_OPERAND_STACK)
            return vfail(v, WB_LIMIT, "operand stack deeper than %u values (implementation limit)",
                         WA_MAX_OPERAND_STACK);
        if (!grow(v, (void **)&v->vals, &v->cap_vals, v->nvals + 1, sizeof *v->vals)) return false;
    }
    v->vals[v->nvals++] = t;
    return true;
}

/* Pops one operand; *t is T_UNKNOWN below an unreachable point. */
static bool pop_any(vstate *v, uint8_t *t) {
    *t = T_UNKNOWN;
    vframe *fr = &v->ctrls[v->nctrls - 1];
    if (v->nvals == fr->height) {
        if (fr->unreachable) {
            *t = T_UNKNOWN;
            return true;
        }
        return vfail(v, WB_INVALID, "type mismatch: operand stack empty");
    }
    *t = v->vals[--v->nvals];
    return true;
}

static bool pop_expect(vstate *v, uint8_t want) {
    uint8_t t;
    if (!pop_any(v, &t)) return false;
    if (t != want && t != T_UNKNOWN && want != T_UNKNOWN)
        return vfail(v, WB_INVALID, "type mismatch: expected %s, got %s", tname(want), tname(t));
    return true;
}

static bool pop_types(vstate *v, uint32_t n, const wa_valtype *ts) {
    for (uint32_t i = n; i-- > 0;)
        if (!pop_expect(v, (uint8_t)ts[i])) return false;
    return true;
}

static bool push_types(vstate *v, uint32_t n, const wa_valtype *ts) {
    for (uint32_t i = 0; i < n; i++)
        if (!push(v, (uint8_t)ts[i])) return false;
    return true;
}

static void set_unreachable(vstate *v) {
    vframe *fr = &v->ctrls[v->nctrls - 1];
    v->nvals = fr->height;
    fr->unreachable = true;
}

static bool push_ctrl(vstate *v, uint32_t op, uint32_t np, const wa_valtype *p, uint32_t nr,
                      const wa_valtype *r) {
    if (v->nctrls == v->cap_ctrls &&
        !grow(v, (void **)&v->ctrls, &v->cap_ctrls, v->nctrls + 1, sizeof *v->ctrls))
        return false;
    vframe *fr = &v->ctrls[v->nctrls++];
    fr->op = op;
    fr->height = v->nvals;
    fr->nparams = np, fr->params = p;
    fr->nresults = nr, fr->results = r;
    fr->stamp = 0;
    fr->unreachable = false;
    return push_types(v, np, p);
}

/* Checks the frame's results are exactly what is left, and pops it. */
static bool pop_ctrl(vstate *v, vframe *out) {
    vframe *fr = &v->ctrls[v->nctrls - 1];
    if (!pop_types(v, fr->nresults, fr->results)) return false;
    if (v->nvals != fr->height)
        return vfail(v, WB_INVALID, "type mismatch: %u values left at end of block",
                     v->nvals - fr->height);
    *out = *fr;
    v->nctrls--;
    return true;
}

static bool label(vstate *v, uint32_t depth, vframe **fr) {
    *fr = NULL;
    if (depth >= v->nctrls) return vfail(v, WB_INVALID, "unknown label %u", depth);
    *fr = &v->ctrls[v->nctrls - 1 - depth];
    return true;
}

static uint32_t label_arity(const vframe *fr) { return fr->op == WA_OP_LOOP ? fr->nparams : fr->nresults; }
static const wa_valtype *label_types(const vframe *fr) {
    return fr->op == WA_OP_LOOP ? fr->params : fr->results;
}

static bool local_type(vstate *v, uint32_t idx, uint8_t *t) {
    *t = T_UNKNOWN;
    if (v->use_flat) {
        if (idx >= v->ft->nparams + v->f->nlocals)
            return vfail(v, WB_INVALID, "unknown local %u", idx);
        *t = v->flat[idx];
        return true;
    }
    if (idx < v->ft->nparams) {
        *t = (uint8_t)v->ft->params[idx];
        return true;
    }
    uint32_t k = idx - v->ft->nparams;
    if (idx < v->ft->nparams || k >= v->f->nlocals) return vfail(v, WB_INVALID, "unknown local %u", idx);
    uint32_t lo = 0, hi = v->f->nlocal_decls - 1; /* first decl whose end > k */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v->local_ends[mid] > k) hi = mid;
        else lo = mid + 1;
    }
    *t = (uint8_t)v->f->local_decls[lo].type;
    return true;
}

static bool block_type(vstate *v, const wa_instr *in, uint32_t *np, const wa_valtype **p,
                       uint32_t *nr, const wa_valtype **r) {
    *np = *nr = 0;
    *p = *r = NULL;
    if (in->a == WA_BT_VALTYPE) {
        *nr = 1;
        *r = single_of(in->b);
    } else if (in->a == WA_BT_TYPEIDX) {
        if (in->b >= v->m->ntypes) return vfail(v, WB_INVALID, "unknown type %u", in->b);
        const wa_functype *ft = &v->m->types[in->b];
        *np = ft->nparams, *p = ft->params;
        *nr = ft->nresults, *r = ft->results;
    }
    return true;
}

static bool need_memory(vstate *v) {
    if (v->m->nmemories == 0) return vfail(v, WB_INVALID, "unknown memory 0");
    return true;
}

static bool need_table(vstate *v, uint32_t t) {
    if (t >= v->m->ntables) return vfail(v, WB_INVALID, "unknown table %u", t);
    return true;
}

static bool need_elem(vstate *v, uint32_t e) {
    if (e >= v->m->nelems) return vfail(v, WB_INVALID, "unknown elem segment %u", e);
    return true;
}

static bool need_data(vstate *v, uint32_t d) {
    if (d >= v->m->data_count) return vfail(v, WB_INVALID, "unknown data segment %u", d);
    return true;
}

/* log2 of the access size of a load/store. */
static uint32_t natural_align(uint32_t op) {
    switch (op) {
    case WA_OP_I32_LOAD8_S: case WA_OP_I32_LOAD8_U: case WA_OP_I64_LOAD8_S:
    case WA_OP_I64_LOAD8_U: case WA_OP_I32_STORE8: case WA_OP_I64_STORE8: return 0;
    case WA_OP_I32_LOAD16_S: case WA_OP_I32_LOAD16_U: case WA_OP_I64_LOAD16_S:
    case WA_OP_I64_LOAD16_U: case WA_OP_I32_STORE16: case WA_OP_I64_STORE16: return 1;
    case WA_OP_I64_LOAD: case WA_OP_F64_LOAD: case WA_OP_I64_STORE: case WA_OP_F64_STORE: return 3;
    default: return 2;
    }
}

static uint8_t sig_type(char c) {
    switch (c) {
    case 'i': return WA_I32;
    case 'l': return WA_I64;
    case 'f': return WA_F32;
    default: return WA_F64;
    }
}

static void sig_parse(opsig *os, uint32_t op) {
    int imm = wa__op_imm(op);
    const char *sig = wa__op_sig(op);
    memset(os, 0, sizeof *os);
    os->hand = imm < 0 || sig[0] == '*';
    if (os->hand) return;
    os->imm = (uint8_t)imm;
    const char *c = sig;
    for (; *c != ':'; c++) os->pop[os->npop++] = sig_type(*c);
    for (c++; *c; c++) os->push = sig_type(*c), os->npush++;
}

static void sigs_init(vstate *v) {
    for (uint32_t op = 0; op < 256; op++) sig_parse(&v->sigs[op], op);
    for (uint32_t op = 0; op < FC_SIGS; op++) sig_parse(&v->sigs_fc[op], 0xFC00 | op);
}

/* Instructions fully described by their opcodes.def signature. */
static bool check_sig(vstate *v, const wa_instr *in, const opsig *os) {
    int imm = os->imm;
    if (imm == WA_IMM_MEMARG || imm == WA_IMM_MEMIDX || imm == WA_IMM_MEMINIT ||
        imm == WA_IMM_MEMCOPY) {
        if (!need_memory(v)) return false;
        if (imm == WA_IMM_MEMARG && in->a > natural_align(in->op))
            return vfail(v, WB_INVALID, "alignment must not be larger than natural");
    }
    if (in->op == WA_OP_MEMORY_INIT && !need_data(v, in->a)) return false;
    if (in->op == WA_OP_DATA_DROP && !need_data(v, in->a)) return false;
    if (in->op == WA_OP_ELEM_DROP && !need_elem(v, in->a)) return false;
    uint32_t floor = v->ctrls[v->nctrls - 1].height;
    for (uint32_t k = os->npop; k-- > 0;) {
        uint8_t want = os->pop[k];
        if (v->nvals > floor && v->vals[v->nvals - 1] == want) v->nvals--; /* the usual case */
        else if (!pop_expect(v, want)) return false;
    }
    return os->npush == 0 || push(v, os->push);
}

static bool is_num(uint8_t t) {
    return t == WA_I32 || t == WA_I64 || t == WA_F32 || t == WA_F64 || t == T_UNKNOWN;
}
static bool is_ref(uint8_t t) { return t == WA_FUNCREF || t == WA_EXTERNREF || t == T_UNKNOWN; }

static bool check_br_table(vstate *v, const wa_instr *in) {
    if (!pop_expect(v, WA_I32)) return false;
    vframe *def = NULL;
    if (!label(v, in->b, &def)) return false;
    uint32_t arity = label_arity(def);
    wa_reader r = wa_reader_make(v->m->bytes, in->vec, v->f->body_end);
    uint8_t tmp[WA_MAX_FUNC_RESULTS + WA_MAX_FUNC_PARAMS];
    v->stamp++;
    for (uint32_t i = 0; i < in->nvec; i++) {
        vframe *fr = NULL;
        if (!label(v, wa_read_u32(&r), &fr)) return false;
        if (label_arity(fr) != arity)
            return vfail(v, WB_INVALID, "type mismatch: br_table targets of different arity");
        if (fr->stamp == v->stamp) continue; /* same label: same check */
        fr->stamp = v->stamp;
        const wa_valtype *lt = label_types(fr);
        for (uint32_t k = arity; k-- > 0;) {
            if (!pop_any(v, &tmp[k])) return false;
            if (tmp[k] != lt[k] && tmp[k] != T_UNKNOWN)
                return vfail(v, WB_INVALID, "type mismatch: br_table operand %s, label wants %s",
                             tname(tmp[k]), tname((uint8_t)lt[k]));
        }
        for (uint32_t k = 0; k < arity; k++)
            if (!push(v, tmp[k])) return false;
    }
    if (!pop_types(v, arity, label_types(def))) return false;
    set_unreachable(v);
    return true;
}

static bool check_call(vstate *v, const wa_functype *ft) {
    return pop_types(v, ft->nparams, ft->params) && push_types(v, ft->nresults, ft->results);
}

static bool check_control(vstate *v, const wa_instr *in) {
    const wa_module *m = v->m;
    uint32_t np, nr;
    const wa_valtype *p, *r;
    vframe *fr = NULL, done;
    switch (in->op) {
    case WA_OP_UNREACHABLE: set_unreachable(v); return true;
    case WA_OP_BLOCK:
    case WA_OP_LOOP:
    case WA_OP_IF:
        if (!block_type(v, in, &np, &p, &nr, &r)) return false;
        if (in->op == WA_OP_IF && !pop_expect(v, WA_I32)) return false;
        return pop_types(v, np, p) && push_ctrl(v, in->op, np, p, nr, r);
    case WA_OP_ELSE:
        if (v->ctrls[v->nctrls - 1].op != WA_OP_IF)
            return vfail(v, WB_MALFORMED, "END opcode expected (else without if)");
        if (!pop_ctrl(v, &done)) return false;
        return push_ctrl(v, WA_OP_ELSE, done.nparams, done.params, done.nresults, done.results);
    case WA_OP_END:
        if (!pop_ctrl(v, &done)) return false;
        if (done.op == WA_OP_IF && (done.nparams != done.nresults ||
                                    (done.nparams && memcmp(done.params, done.results,
                                                            done.nparams * sizeof *done.params))))
            return vfail(v, WB_INVALID, "type mismatch: if without else must not change types");
        return v->nctrls == 0 || push_types(v, done.nresults, done.results);
    case WA_OP_BR:
        if (!label(v, in->a, &fr) || !pop_types(v, label_arity(fr), label_types(fr))) return false;
        set_unreachable(v);
        return true;
    case WA_OP_BR_IF:
        if (!pop_expect(v, WA_I32) || !label(v, in->a, &fr)) return false;
        return pop_types(v, label_arity(fr), label_types(fr)) &&
               push_types(v, label_arity(fr), label_types(fr));
    case WA_OP_BR_TABLE: return check_br_table(v, in);
    case WA_OP_RETURN:
        if (!pop_types(v, v->ft->nresults, v->ft->results)) return false;
        set_unreachable(v);
        return true;
    case WA_OP_CALL:
        if (in->a >= m->nfuncs) return vfail(v, WB_INVALID, "unknown function %u", in->a);
        return check_call(v, &m->types[m->func_type_index[in->a]]);
    case WA_OP_CALL_INDIRECT:
        if (!need_table(v, in->b)) return false;
        if (m->tables[in->b].elem != WA_FUNCREF)
            return vfail(v, WB_INVALID, "type mismatch: call_indirect on a table of externref");
        if (in->a >= m->ntypes) return vfail(v, WB_INVALID, "unknown type %u", in->a);
        return pop_expect(v, WA_I32) && check_call(v, &m->types[in->a]);
    default: return vfail(v, WB_INVALID, "unexpected opcode 0x%x", in->op);
    }
}

static bool check_variable(vstate *v, const wa_instr *in) {
    const wa_module *m = v->m;
    uint8_t t = 0;
    switch (in->op) {
    case WA_OP_LOCAL_GET: return local_type(v, in->a, &t) && push(v, t);
    case WA_OP_LOCAL_SET: return local_type(v, in->a, &t) && pop_expect(v, t);
    case WA_OP_LOCAL_TEE: return local_type(v, in->a, &t) && pop_expect(v, t) && push(v, t);
    case WA_OP_GLOBAL_GET:
    case WA_OP_GLOBAL_SET:
        if (in->a >= m->nglobals) return vfail(v, WB_INVALID, "unknown global %u", in->a);
        t = (uint8_t)m->global_types[in->a].type;
        if (in->op == WA_OP_GLOBAL_GET) return push(v, t);
        if (!m->global_types[in->a].mutable_)
            return vfail(v, WB_INVALID, "global is immutable: global %u", in->a);
        return pop_expect(v, t);
    default: return vfail(v, WB_INVALID, "unexpected opcode 0x%x", in->op);
    }
}

static bool check_reference(vstate *v, const wa_instr *in) {
    const wa_module *m = v->m;
    uint8_t t = 0, t1 = 0, t2 = 0;
    switch (in->op) {
    case WA_OP_REF_NULL: return push(v, (uint8_t)in->b);
    case WA_OP_REF_IS_NULL:
        if (!pop_any(v, &t)) return false;
        if (!is_ref(t)) return vfail(v, WB_INVALID, "type mismatch: ref.is_null on %s", tname(t));
        return push(v, WA_I32);
    case WA_OP_REF_FUNC:
        if (in->a >= m->nfuncs) return vfail(v, WB_INVALID, "unknown function %u", in->a);
        if (!m->func_declared[in->a])
            return vfail(v, WB_INVALID, "undeclared function reference %u", in->a);
        return push(v, WA_FUNCREF);
    case WA_OP_DROP: return pop_any(v, &t);
    case WA_OP_SELECT:
        if (!pop_expect(v, WA_I32) || !pop_any(v, &t1) || !pop_any(v, &t2)) return false;
        if (!is_num(t1) || !is_num(t2))
            return vfail(v, WB_INVALID, "type mismatch: select needs numeric operands");
        if (t1 != t2 && t1 != T_UNKNOWN && t2 != T_UNKNOWN)
            return vfail(v, WB_INVALID, "type mismatch: select of %s and %s", tname(t1), tname(t2));
        return push(v, t1 == T_UNKNOWN ? t2 : t1);
    case WA_OP_SELECT_T:
        if (in->nvec != 1) return vfail(v, WB_INVALID, "invalid result arity %u", in->nvec);
        t = in->vec[0];
        return pop_expect(v, WA_I32) && pop_expect(v, t) && pop_expect(v, t) && push(v, t);
    default: return vfail(v, WB_INVALID, "unexpected opcode 0x%x", in->op);
    }
}

static bool check_table(vstate *v, const wa_instr *in) {
    const wa_module *m = v->m;
    uint32_t t = in->op == WA_OP_TABLE_INIT ? in->b : in->a;
    if (!need_table(v, t)) return false;
    uint8_t et = (uint8_t)m->tables[t].elem;
    switch (in->op) {
    case WA_OP_TABLE_GET: return pop_expect(v, WA_I32) && push(v, et);
    case WA_OP_TABLE_SET: return pop_expect(v, et) && pop_expect(v, WA_I32);
    case WA_OP_TABLE_SIZE: return push(v, WA_I32);
    case WA_OP_TABLE_GROW: return pop_expect(v, WA_I32) && pop_expect(v, et) && push(v, WA_I32);
    case WA_OP_TABLE_FILL:
        return pop_expect(v, WA_I32) && pop_expect(v, et) && pop_expect(v, WA_I32);
    case WA_OP_TABLE_COPY:
        if (!need_table(v, in->b)) return false;
        if (m->tables[in->b].elem != (wa_valtype)et)
            return vfail(v, WB_INVALID, "type mismatch: table.copy between element types");
        break;
    case WA_OP_TABLE_INIT:
        if (!need_elem(v, in->a)) return false;
        if (m->elems[in->a].elem_type != (wa_valtype)et)
            return vfail(v, WB_INVALID, "type mismatch: table.init element type");
        break;
    default: return vfail(v, WB_INVALID, "unexpected opcode 0x%x", in->op);
    }
    return pop_expect(v, WA_I32) && pop_expect(v, WA_I32) && pop_expect(v, WA_I32);
}

static bool check_instr(vstate *v, const wa_instr *in) {
    const opsig *os = in->op < 256 ? &v->sigs[in->op] : &v->sigs_fc[in->op & (FC_SIGS - 1)];
    if (!os->hand) return check_sig(v, in, os);
    switch (in->op) {
    case WA_OP_LOCAL_GET: case WA_OP_LOCAL_SET: case WA_OP_LOCAL_TEE:
    case WA_OP_GLOBAL_GET: case WA_OP_GLOBAL_SET: return check_variable(v, in);
    case WA_OP_REF_NULL: case WA_OP_REF_IS_NULL: case WA_OP_REF_FUNC:
    case WA_OP_DROP: case WA_OP_SELECT: case WA_OP_SELECT_T: return check_reference(v, in);
    case WA_OP_TABLE_GET: case WA_OP_TABLE_SET: case WA_OP_TABLE_SIZE: case WA_OP_TABLE_GROW:
    case WA_OP_TABLE_FILL: case WA_OP_TABLE_COPY: case WA_OP_TABLE_INIT: return check_table(v, in);
    default: return check_control(v, in);
    }
}

static bool validate_func(vstate *v, uint32_t i) {
    const wa_module *m = v->m;
    const wa_func_def *f = &m->funcs[i];
    v->f = f;
    v->ft = &m->types[f->type_index];
    if (f->nlocal_decls > v->cap_local_ends &&
        !grow(v, (void **)&v->local_ends, &v->cap_local_ends, f->nlocal_decls, sizeof(uint32_t)))
        return false;
    uint32_t sum = 0;
    for (uint32_t k = 0; k < f->nlocal_decls; k++) v->local_ends[k] = sum += f->local_decls[k].count;
    /* A flat type array when its size is proportional to the body (so the
     * total stays linear in the module); else binary search by decl. */
    uint64_t nall = (uint64_t)v->ft->nparams + f->nlocals;
    v->use_flat = nall <= 16 * (uint64_t)(f->body_end - f->body) + 256;
    if (v->use_flat) {
        if (nall > v->cap_flat &&
            !grow(v, (void **)&v->flat, &v->cap_flat, (uint32_t)nall, sizeof *v->flat))
            return false;
        uint32_t k = 0;
        for (uint32_t p = 0; p < v->ft->nparams; p++) v->flat[k++] = (uint8_t)v->ft->params[p];
        for (uint32_t d = 0; d < f->nlocal_decls; d++)
            for (uint32_t c = 0; c < f->local_decls[d].count; c++)
                v->flat[k++] = (uint8_t)f->local_decls[d].type;
    }
    v->nvals = 0;
    v->nctrls = 0;
    v->offset = f->body_offset;
    if (!push_ctrl(v, WA_OP_BLOCK, 0, NULL, v->ft->nresults, v->ft->results)) return false;
    wa_reader r = wa_reader_make(m->bytes, f->body, f->body_end);
    wa_instr in;
    while (v->nctrls > 0) {
        if (!wa__instr_read(&r, &in)) {
            v->offset = wa_reader_fail_offset(&r);
            return vfail(v, WB_MALFORMED, "%s", r.why ? r.why : "unexpected end");
        }
        v->offset = in.offset;
        if (!check_instr(v, &in)) return false;
    }
    if (!wa_reader_done(&r)) /* the caller's body scan words this one */
        return vfail(v, WB_MALFORMED, "section size mismatch");
    return true;
}

wb_status wa__validate_code(const wa_module *m, wb_error *err) {
    vstate v;
    memset(&v, 0, sizeof v);
    v.m = m;
    v.alloc = &m->engine->alloc;
    v.err = err;
    sigs_init(&v);
    wb_status st = WB_OK;
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        if (!validate_func(&v, i)) {
            st = v.status;
            break;
        }
    }
    wb_free(v.alloc, v.vals, v.cap_vals * sizeof *v.vals, WB_TAG_MODULE);
    wb_free(v.alloc, v.ctrls, v.cap_ctrls * sizeof *v.ctrls, WB_TAG_MODULE);
    wb_free(v.alloc, v.local_ends, v.cap_local_ends * sizeof *v.local_ends, WB_TAG_MODULE);
    wb_free(v.alloc, v.flat, v.cap_flat * sizeof *v.flat, WB_TAG_MODULE);
    return st;
}
