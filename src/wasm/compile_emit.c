/* SPDX-License-Identifier: MIT */
/* The translator's output side: the code buffer, the abstract operand stack
 * (values in slots, or lazily locals and constants; see compile.c) and the
 * instructions with slot operands, including their fused forms (an
 * immediate operand, an operand loaded from memory, an address added into a
 * load or store). */
#include "compile.h"

bool wa__tr_grow(comp *c, void **p, uint32_t *cap, uint32_t need, size_t elem) {
    if (need <= *cap) return true;
    uint32_t ncap = *cap ? *cap : 16;
    while (ncap < need) ncap *= 2;
    void *np = wb_realloc(c->a, *p, (size_t)*cap * elem, (size_t)ncap * elem, WB_TAG_MODULE);
    if (!np) {
        c->oom = true;
        return false;
    }
    *p = np;
    *cap = ncap;
    return true;
}

void wa__tr_emit(comp *c, uint32_t w) {
    if (!wa__tr_grow(c, (void **)&c->code, &c->cap, c->len + 1, sizeof *c->code)) return;
    c->code[c->len++] = w;
}

static void put_leb(comp *c, uint64_t v) {
    do {
        if (!wa__tr_grow(c, (void **)&c->offs, &c->offs_cap, c->noffs + 1, 1)) return;
        uint8_t b = v & 0x7f;
        v >>= 7;
        c->offs[c->noffs++] = b | (v ? 0x80 : 0);
    } while (v);
}

/* Records where the instruction starting at c->len came from. */
static void record_offset(comp *c) {
    if (c->cur_off == c->rec_off && c->noffs) return;
    put_leb(c, c->len - c->rec_pos);
    int64_t d = (int64_t)c->cur_off - (int64_t)c->rec_off;
    put_leb(c, d < 0 ? ((uint64_t)(-d) << 1) | 1 : (uint64_t)d << 1);
    c->rec_pos = c->len;
    c->rec_off = c->cur_off;
}

uint32_t wa__code_offset(const wa_code *code, uint32_t pos) {
    uint32_t at = 0, off = 0, i = 0;
    while (i < code->noffsets) {
        uint64_t v[2] = {0, 0};
        for (int k = 0; k < 2; k++)
            for (unsigned sh = 0; i < code->noffsets && sh < 64; sh += 7) {
                uint8_t b = code->offsets[i++];
                v[k] |= (uint64_t)(b & 0x7f) << sh;
                if (!(b & 0x80)) break;
            }
        if (at + v[0] > pos) break;
        at += (uint32_t)v[0];
        off = v[1] & 1 ? off - (uint32_t)(v[1] >> 1) : off + (uint32_t)(v[1] >> 1);
    }
    return off;
}

uint32_t wa__tr_emit_op(comp *c, wa_ir op) {
    record_offset(c);
    c->prev_op = c->last_op;
    c->last_op = c->len;
    c->last_ir = op;
    c->last_dst = NONE;
    wa__tr_emit(c, c->opw[op]);
    return c->last_op;
}

/* ---- abstract stack ------------------------------------------------------ */


static void lazy_drop(comp *c, uint32_t k) {
    for (uint32_t i = 0; i < c->nlazy; i++)
        if (c->lazy[i] == k) {
            memmove(c->lazy + i, c->lazy + i + 1, (c->nlazy - i - 1) * sizeof *c->lazy);
            c->nlazy--;
            return;
        }
}

void wa__tr_set_sp(comp *c, uint32_t h) {
    c->sp = h;
    while (c->nlazy && c->lazy[c->nlazy - 1] >= h) c->nlazy--;
}

void wa__tr_push(comp *c, uint32_t kind, uint32_t local, uint64_t val) {
    if (!wa__tr_grow(c, (void **)&c->stk, &c->stk_cap, c->sp + 1, sizeof *c->stk)) return;
    if (kind != E_TEMP) {
        if (c->nlazy == LAZY_MAX) {
            uint32_t k = c->lazy[0];
            wa__tr_move_entry(c, k, c->base + k);
            c->stk[k].kind = E_TEMP;
            lazy_drop(c, k);
        }
        c->lazy[c->nlazy++] = c->sp;
    }
    c->stk[c->sp++] = (centry){kind, local, val};
    if (c->sp > c->max_h) c->max_h = c->sp;
}

uint32_t wa__tr_push_temp(comp *c) {
    wa__tr_push(c, E_TEMP, 0, 0);
    return c->base + c->sp - 1;
}

void wa__tr_pop(comp *c, uint32_t n) {
    if (n > c->sp) {
        c->bad = true;
        n = c->sp;
    }
    wa__tr_set_sp(c, c->sp - n);
}

static void emit_const(comp *c, uint32_t dst, uint64_t v) {
    if (v <= UINT32_MAX) {
        wa__tr_emit_op(c, WA_IR_CONST32);
        wa__tr_emit(c, dst);
        wa__tr_emit(c, (uint32_t)v);
    } else {
        wa__tr_emit_op(c, WA_IR_CONST64);
        wa__tr_emit(c, dst);
        wa__tr_emit(c, (uint32_t)v);
        wa__tr_emit(c, (uint32_t)(v >> 32));
    }
}

static void emit_copy(comp *c, uint32_t dst, uint32_t src) {
    if (dst == src) return;
    wa__tr_emit_op(c, WA_IR_COPY);
    wa__tr_emit(c, dst);
    wa__tr_emit(c, src);
}

/* Slot holding entry k (index from the bottom), materializing a constant
 * into the entry's canonical slot. */
static uint32_t use(comp *c, uint32_t k) {
    if (k >= c->sp) {
        c->bad = true;
        return 0;
    }
    centry *e = &c->stk[k];
    if (e->kind == E_LOCAL) return e->local;
    if (e->kind == E_CONST) {
        emit_const(c, c->base + k, e->val);
        e->kind = E_TEMP;
        lazy_drop(c, k);
    }
    return c->base + k;
}

uint32_t wa__tr_use_top(comp *c, uint32_t from_top) {
    return c->sp > from_top ? use(c, c->sp - 1 - from_top) : use(c, NONE);
}

/* Writes entry k's value to dst without changing the entry (used on paths
 * that only some executions take). */
void wa__tr_move_entry(comp *c, uint32_t k, uint32_t dst) {
    if (k >= c->sp) {
        c->bad = true;
        return;
    }
    centry *e = &c->stk[k];
    if (e->kind == E_LOCAL) emit_copy(c, dst, e->local);
    else if (e->kind == E_CONST) emit_const(c, dst, e->val);
    else emit_copy(c, dst, c->base + k);
}

/* Entries [from, sp) into their canonical slots. */
void wa__tr_flush_from(comp *c, uint32_t from) {
    while (c->nlazy && c->lazy[c->nlazy - 1] >= from) {
        uint32_t k = c->lazy[--c->nlazy];
        wa__tr_move_entry(c, k, c->base + k);
        c->stk[k].kind = E_TEMP;
    }
}

void wa__tr_flush_top(comp *c, uint32_t n) { wa__tr_flush_from(c, n <= c->sp ? c->sp - n : 0); }

/* Before local i changes, lazy copies of it below `limit` get their value. */
static void spill_local(comp *c, uint32_t i, uint32_t limit) {
    uint32_t keep = 0;
    for (uint32_t j = 0; j < c->nlazy; j++) {
        uint32_t k = c->lazy[j];
        if (k < limit && c->stk[k].kind == E_LOCAL && c->stk[k].local == i) {
            emit_copy(c, c->base + k, i);
            c->stk[k].kind = E_TEMP;
        } else {
            c->lazy[keep++] = k;
        }
    }
    c->nlazy = keep;
}

static bool refs_local(const comp *c, uint32_t i, uint32_t limit) {
    for (uint32_t j = 0; j < c->nlazy; j++) {
        uint32_t k = c->lazy[j];
        if (k < limit && c->stk[k].kind == E_LOCAL && c->stk[k].local == i) return true;
    }
    return false;
}

void wa__tr_local_set(comp *c, uint32_t i, bool tee) {
    if (c->sp == 0) {
        c->bad = true;
        return;
    }
    centry top = c->stk[c->sp - 1];
    uint64_t bit = i < 64 ? (uint64_t)1 << i : 0;
    if (c->loops == 0 && top.kind == E_CONST && top.val == 0 && bit && !(c->written & bit) &&
        i >= c->nparams) {
        /* a declared local still holds the zero it was entered with (clang
         * often starts a function by zeroing a loop's accumulator): outside
         * every loop only code before this point can have run, and none of
         * it wrote the local */
        wa__tr_pop(c, 1);
        if (tee) wa__tr_push(c, E_LOCAL, i, 0);
        return;
    }
    c->written |= bit;
    if (top.kind == E_TEMP && c->last_dst != NONE && c->code[c->last_dst] == c->base + c->sp - 1 &&
        !refs_local(c, i, c->sp - 1)) {
        c->code[c->last_dst] = i; /* the producer writes the local directly */
        c->last_dst = NONE;
    } else {
        spill_local(c, i, c->sp);
        top = c->stk[c->sp - 1];
        if (top.kind == E_CONST) emit_const(c, i, top.val);
        else emit_copy(c, i, use(c, c->sp - 1));
    }
    wa__tr_pop(c, 1);
    if (tee) wa__tr_push(c, E_LOCAL, i, 0);
}

/* ---- instructions with slot operands ------------------------------------- */

void wa__tr_set_result(comp *c, uint32_t dst_pos) { c->last_dst = dst_pos; }

void wa__tr_unop(comp *c, wa_ir op) {
    uint32_t a = wa__tr_use_top(c, 0);
    wa__tr_pop(c, 1);
    wa__tr_emit_result(c, op, &a, 1);
}

static wa_ir imm_form(wa_ir op, uint64_t v, uint32_t *imm) {
    *imm = (uint32_t)v;
    switch (op) {
    case WA_IR_I32_ADD: return WA_IR_I32_ADD_IMM;
    case WA_IR_I32_SUB: *imm = (uint32_t)(0u - (uint32_t)v); return WA_IR_I32_ADD_IMM;
    case WA_IR_I32_AND: return WA_IR_I32_AND_IMM;
    case WA_IR_I32_OR: return WA_IR_I32_OR_IMM;
    case WA_IR_I32_XOR: return WA_IR_I32_XOR_IMM;
    case WA_IR_I32_SHL: return WA_IR_I32_SHL_IMM;
    case WA_IR_I32_SHR_S: return WA_IR_I32_SHR_S_IMM;
    case WA_IR_I32_SHR_U: return WA_IR_I32_SHR_U_IMM;
    case WA_IR_I32_MUL: return WA_IR_I32_MUL_IMM;
    case WA_IR_I32_EQ: return WA_IR_I32_EQ_IMM;
    case WA_IR_I32_NE: return WA_IR_I32_NE_IMM;
    case WA_IR_I32_LT_S: return WA_IR_I32_LT_S_IMM;
    case WA_IR_I32_LT_U: return WA_IR_I32_LT_U_IMM;
    case WA_IR_I32_GT_S: return WA_IR_I32_GT_S_IMM;
    case WA_IR_I32_GT_U: return WA_IR_I32_GT_U_IMM;
    case WA_IR_I32_LE_S: return WA_IR_I32_LE_S_IMM;
    case WA_IR_I32_LE_U: return WA_IR_I32_LE_U_IMM;
    case WA_IR_I32_GE_S: return WA_IR_I32_GE_S_IMM;
    case WA_IR_I32_GE_U: return WA_IR_I32_GE_U_IMM;
    case WA_IR_I64_ADD:
        if ((int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) return WA_IR_I64_ADD_IMM;
        return WA_IR_BAD;
    default: return WA_IR_BAD;
    }
}

static bool commutes(wa_ir op) {
    return op == WA_IR_I32_ADD || op == WA_IR_I32_MUL || op == WA_IR_I32_AND || op == WA_IR_I32_OR ||
           op == WA_IR_I32_XOR || op == WA_IR_I32_EQ || op == WA_IR_I32_NE || op == WA_IR_I64_ADD;
}

/* Is entry k a temporary the last instruction just wrote? */
static bool fresh_at(const comp *c, uint32_t k) {
    return k < c->sp && c->stk[k].kind == E_TEMP && c->last_dst != NONE && c->code[c->last_dst] == c->base + k;
}

/* f64 add/sub/mul/div whose right operand (or either, when it commutes) the
 * load just before produced: the load is taken back and the operation reads
 * memory itself (one dispatch and one slot round trip fewer). */
static bool binop_mem(comp *c, wa_ir op) {
    if (op < WA_IR_F64_ADD || op > WA_IR_F64_DIV || c->sp < 2) return false;
    if (c->last_ir != WA_IR_F64_LOAD && c->last_ir != WA_IR_F64_LOAD_A) return false;
    bool swap = !fresh_at(c, c->sp - 1);
    if (swap && (!(op == WA_IR_F64_ADD || op == WA_IR_F64_MUL) || !fresh_at(c, c->sp - 2) ||
                 c->stk[c->sp - 1].kind == E_TEMP))
        return false;
    uint32_t p = c->last_op;
    bool a_form = c->last_ir == WA_IR_F64_LOAD_A;
    uint32_t addr = c->code[p + 2], imm = a_form ? c->code[p + 3] : 0, off = c->code[p + (a_form ? 4 : 3)];
    c->len = p;
    c->last_op = c->prev_op; /* the load is gone */
    /* a trap here is the load's: keep its offset record */
    uint32_t cur_off = c->cur_off;
    c->cur_off = c->rec_off;
    uint32_t a;
    if (swap) {
        /* the top is lazy (nothing ran after the load); a constant goes to
         * the top's slot, as the load's own slot may hold its address */
        centry t = c->stk[c->sp - 1];
        a = t.kind == E_LOCAL ? t.local : c->base + c->sp - 1;
        if (t.kind == E_CONST) emit_const(c, a, t.val);
    } else {
        a = wa__tr_use_top(c, 1);
    }
    wa__tr_pop(c, 2);
    wa__tr_emit_result(c, WA_IR_F64_ADD_M + (op - WA_IR_F64_ADD), (uint32_t[]){a, addr, imm, off}, 4);
    c->cur_off = cur_off;
    return true;
}

void wa__tr_binop(comp *c, wa_ir op) {
    if (binop_mem(c, op)) return;
    uint32_t imm;
    wa_ir iop = WA_IR_BAD;
    if (c->sp >= 2 && commutes(op) && c->stk[c->sp - 2].kind == E_CONST &&
        c->stk[c->sp - 1].kind != E_CONST) {
        centry t = c->stk[c->sp - 1]; /* put the constant on top: entries are lazy here */
        bool temp = t.kind == E_TEMP;
        if (!temp) {
            c->stk[c->sp - 1] = c->stk[c->sp - 2];
            c->stk[c->sp - 2] = t;
        }
    }
    if (c->sp >= 2 && c->stk[c->sp - 1].kind == E_CONST)
        iop = imm_form(op, c->stk[c->sp - 1].val, &imm);
    if (iop != WA_IR_BAD) {
        uint32_t a = wa__tr_use_top(c, 1);
        wa__tr_pop(c, 2);
        wa__tr_emit_result(c, iop, (uint32_t[]){a, imm}, 2);
        return;
    }
    uint32_t b = wa__tr_use_top(c, 0), a = wa__tr_use_top(c, 1);
    wa__tr_pop(c, 2);
    wa__tr_emit_result(c, op, (uint32_t[]){a, b}, 2);
}

/* Instruction with n source operands popped and no result; extra immediate
 * words are emitted before the sources. */
void wa__tr_sink(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm) {
    uint32_t src[4] = {0};
    for (uint32_t j = 0; j < n; j++) src[j] = wa__tr_use_top(c, n - 1 - j);
    wa__tr_pop(c, n);
    wa__tr_emit_op(c, op);
    for (uint32_t j = 0; j < nimm; j++) wa__tr_emit(c, imms[j]);
    for (uint32_t j = 0; j < n; j++) wa__tr_emit(c, src[j]);
}

/* op dst w[0..n): dst is a new temporary on top of the stack, recorded as
 * the last result (a local.set after it may take it over). */
void wa__tr_emit_result(comp *c, wa_ir op, const uint32_t *w, uint32_t n) {
    wa__tr_emit_op(c, op);
    uint32_t dpos = c->len;
    wa__tr_emit(c, wa__tr_push_temp(c));
    for (uint32_t j = 0; j < n; j++) wa__tr_emit(c, w[j]);
    wa__tr_set_result(c, dpos);
}

/* Instruction with n sources and one result: op dst imms... srcs... */
void wa__tr_produce(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm) {
    uint32_t src[4] = {0};
    for (uint32_t j = 0; j < n; j++) src[j] = wa__tr_use_top(c, n - 1 - j);
    wa__tr_pop(c, n);
    uint32_t w[8];
    for (uint32_t j = 0; j < nimm; j++) w[j] = imms[j];
    for (uint32_t j = 0; j < n; j++) w[nimm + j] = src[j];
    wa__tr_emit_result(c, op, w, nimm + n);
}

static wa_ir load_add_form(wa_ir op) {
    switch (op) {
    case WA_IR_I32_LOAD: return WA_IR_I32_LOAD_A;
    case WA_IR_I64_LOAD: return WA_IR_I64_LOAD_A;
    case WA_IR_F32_LOAD: return WA_IR_F32_LOAD_A;
    case WA_IR_F64_LOAD: return WA_IR_F64_LOAD_A;
    case WA_IR_I32_LOAD8_U: return WA_IR_I32_LOAD8_U_A;
    default: return WA_IR_BAD;
    }
}

void wa__tr_load(comp *c, wa_ir op, uint32_t offset) {
    wa_ir fused = load_add_form(op);
    /* the _X forms follow the _A forms in the same order */
    if (fused != WA_IR_BAD && c->last_ir == WA_IR_I32_ADD)
        fused = (wa_ir)(WA_IR_I32_LOAD_X + (fused - WA_IR_I32_LOAD_A));
    else if (c->last_ir != WA_IR_I32_ADD_IMM)
        fused = WA_IR_BAD;
    if (fused != WA_IR_BAD && c->sp > 0 && c->stk[c->sp - 1].kind == E_TEMP &&
        c->last_dst != NONE && c->code[c->last_dst] == c->base + c->sp - 1) {
        /* [add_imm d a imm] becomes [load_a d a imm offset], [add d a b]
         * becomes [load_x d a b offset]: same slot d */
        uint32_t p = c->last_op;
        c->code[p] = c->opw[fused];
        wa__tr_emit(c, offset);
        c->last_ir = fused;
        c->last_dst = p + 1;
        return;
    }
    uint32_t a = wa__tr_use_top(c, 0);
    wa__tr_pop(c, 1);
    wa__tr_emit_result(c, op, (uint32_t[]){a, offset}, 2);
}

static wa_ir store_add_form(wa_ir op) {
    switch (op) {
    case WA_IR_I32_STORE: return WA_IR_I32_STORE_A;
    case WA_IR_I64_STORE: return WA_IR_I64_STORE_A;
    case WA_IR_F32_STORE: return WA_IR_F32_STORE_A;
    case WA_IR_F64_STORE: return WA_IR_F64_STORE_A;
    case WA_IR_I32_STORE8: return WA_IR_I32_STORE8_A;
    default: return WA_IR_BAD;
    }
}

void wa__tr_store(comp *c, wa_ir op, uint32_t offset) {
    if (op == WA_IR_F64_STORE && c->last_ir == WA_IR_F64_ADD_M && c->sp >= 2 && fresh_at(c, c->sp - 1) &&
        c->stk[c->sp - 2].kind != E_CONST) {
        /* [add_m d a addr 0 offset] + [store addr d offset] becomes
         * [add_ms addr offset a] */
        uint32_t p = c->last_op;
        uint32_t addr = c->stk[c->sp - 2].kind == E_LOCAL ? c->stk[c->sp - 2].local : c->base + c->sp - 2;
        if (c->code[p + 3] == addr && c->code[p + 4] == 0 && c->code[p + 5] == offset) {
            uint32_t a = c->code[p + 2], q = c->prev_op;
            if (q + 6 == p && c->join != p && c->code[q] == c->opw[WA_IR_F64_MUL_M] && c->code[q + 1] == a &&
                a == c->base + c->sp - 1) {
                /* [mul_m t x addr2 imm2 offset2] before it, t dead after
                 * the add: [muladd_ms addr offset x addr2 imm2 offset2] */
                memmove(c->code + q + 3, c->code + q + 2, 4 * sizeof *c->code);
                c->code[q] = c->opw[WA_IR_F64_MULADD_MS];
                c->code[q + 1] = addr;
                c->code[q + 2] = offset;
                c->len = q + 7;
                c->last_op = q;
                c->last_ir = WA_IR_F64_MULADD_MS;
                c->last_dst = NONE;
                wa__tr_pop(c, 2);
                return;
            }
            c->code[p] = c->opw[WA_IR_F64_ADD_MS];
            c->code[p + 1] = addr;
            c->code[p + 2] = offset;
            c->code[p + 3] = a;
            c->len = p + 4;
            c->last_ir = WA_IR_F64_ADD_MS;
            c->last_dst = NONE;
            wa__tr_pop(c, 2);
            return;
        }
    }
    if (c->sp >= 2 && c->last_ir == WA_IR_I32_ADD && fresh_at(c, c->sp - 2) && c->stk[c->sp - 1].kind != E_TEMP) {
        /* [add d a b] + store becomes [store_x a b value offset]; the value
         * is lazy (nothing ran after the add): a local or a constant */
        centry v = c->stk[c->sp - 1];
        wa_ir x = WA_IR_BAD;
        if (v.kind == E_LOCAL) {
            x = op == WA_IR_I32_STORE ? WA_IR_I32_STORE_X
                : op == WA_IR_I64_STORE ? WA_IR_I64_STORE_X
                : op == WA_IR_F32_STORE ? WA_IR_F32_STORE_X
                : op == WA_IR_F64_STORE ? WA_IR_F64_STORE_X
                : op == WA_IR_I32_STORE8 ? WA_IR_I32_STORE8_X
                                         : WA_IR_BAD;
        } else {
            x = op == WA_IR_I32_STORE ? WA_IR_I32_STORE_IX
                : op == WA_IR_I32_STORE8 ? WA_IR_I32_STORE8_IX
                : op == WA_IR_I64_STORE && (int64_t)v.val == (int64_t)(int32_t)v.val ? WA_IR_I64_STORE_IX
                                                                                       : WA_IR_BAD;
        }
        if (x != WA_IR_BAD) {
            uint32_t p = c->last_op;
            c->code[p] = c->opw[x];
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->code[p + 3] = v.kind == E_LOCAL ? v.local : (uint32_t)v.val;
            wa__tr_emit(c, offset);
            c->last_ir = x;
            c->last_dst = NONE;
            wa__tr_pop(c, 2);
            return;
        }
    }
    wa_ir fused = store_add_form(op);
    if (fused != WA_IR_BAD && c->sp >= 2 && c->last_ir == WA_IR_I32_ADD_IMM &&
        c->stk[c->sp - 1].kind == E_LOCAL && c->stk[c->sp - 2].kind == E_TEMP &&
        c->last_dst != NONE && c->code[c->last_dst] == c->base + c->sp - 2) {
        /* [add_imm d a imm] + store becomes [store_a a imm value offset] */
        uint32_t p = c->last_op;
        c->code[p] = c->opw[fused];
        c->code[p + 1] = c->code[p + 2];
        c->code[p + 2] = c->code[p + 3];
        c->code[p + 3] = c->stk[c->sp - 1].local;
        wa__tr_emit(c, offset);
        c->last_ir = fused;
        c->last_dst = NONE;
        wa__tr_pop(c, 2);
        return;
    }
    if (c->sp >= 2 && c->stk[c->sp - 1].kind == E_CONST) {
        uint64_t k = c->stk[c->sp - 1].val;
        wa_ir iop = op == WA_IR_I32_STORE ? WA_IR_I32_STORE_I
                    : op == WA_IR_I32_STORE8 ? WA_IR_I32_STORE8_I
                    : op == WA_IR_I64_STORE && (int64_t)k == (int64_t)(int32_t)k ? WA_IR_I64_STORE_I
                                                                                   : WA_IR_BAD;
        if (iop != WA_IR_BAD) {
            uint32_t a = wa__tr_use_top(c, 1);
            wa__tr_pop(c, 2);
            wa__tr_emit_op(c, iop);
            wa__tr_emit(c, a);
            wa__tr_emit(c, (uint32_t)k);
            wa__tr_emit(c, offset);
            return;
        }
    }
    uint32_t v = wa__tr_use_top(c, 0), a = wa__tr_use_top(c, 1);
    wa__tr_pop(c, 2);
    wa__tr_emit_op(c, op);
    wa__tr_emit(c, a);
    wa__tr_emit(c, v);
    wa__tr_emit(c, offset);
}
