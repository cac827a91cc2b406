/* SPDX-License-Identifier: MIT */
/* Translation of validated function bodies into the register IR of ir.h.
 *
 * The translator keeps an abstract operand stack. An entry is a value in its
 * canonical slot (base + height), or, lazily, a local or a constant that has
 * not been copied yet: local.get and constants cost nothing until an
 * instruction needs them, and local.set after an instruction rewrites that
 * instruction's destination. At every control-flow join the stack is made
 * canonical, so all paths agree on where each value lives. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ir.h"
#include "opcodes.h"
#include "reader.h"

#define NONE UINT32_MAX

enum { E_TEMP, E_LOCAL, E_CONST };
/* At most this many lazy (local or constant) entries wait on the stack; the
 * oldest is materialized to make room. Keeps every scan of them short, so
 * translation stays linear however deep the operand stack gets. */
#define LAZY_MAX 64
typedef struct centry {
    uint32_t kind;
    uint32_t local; /* E_LOCAL */
    uint64_t val;   /* E_CONST bits */
} centry;

enum { F_BLOCK, F_LOOP, F_IF, F_FUNC };
typedef struct cframe {
    uint32_t kind;
    bool unreachable; /* the rest of this block cannot run */
    bool dead;        /* the whole block is in unreachable code */
    uint32_t height;  /* operand height at entry, params excluded */
    uint32_t nparams, nresults;
    uint32_t loop_pos; /* LOOP: where back-edges go (its FUEL) */
    uint32_t fix;      /* chain of forward branch words to patch at end */
    uint32_t else_fix; /* IF: the BR_Z word to patch at else/end */
    uint32_t outer_fuel_pos, outer_fuel_count; /* LOOP: the region it interrupts */
} cframe;

typedef struct comp {
    const wa_module *m;
    const wb_allocator *a;
    uint32_t opw[WA_IR_COUNT_];
    uint32_t *code; /* owner: this until handed to the wa_code */
    uint32_t len, cap;
    centry *stk; /* owner: this */
    uint32_t sp, stk_cap, max_h;
    cframe *fr; /* owner: this */
    uint32_t nfr, fr_cap;
    uint32_t *targets; /* owner: this; br_table labels */
    uint32_t targets_cap;
    uint32_t lazy[LAZY_MAX]; /* stack indices of non-TEMP entries, ascending */
    uint32_t nlazy;
    uint32_t base;      /* slot of operand height 0 */
    uint32_t last_op;   /* position of the last instruction */
    uint32_t last_ir;   /* its wa_ir */
    uint32_t prev_op;   /* position of the instruction before it */
    uint32_t join;      /* latest position a branch may target: a fusion
                           of two instructions must not swallow it */
    uint32_t last_dst;  /* its destination word when its result is on top */
    uint32_t fuel_pos;  /* operand word of the current region's FUEL */
    uint32_t fuel_count;
    uint8_t *offs; /* owner: this; wa_code.offsets being built */
    uint32_t noffs, offs_cap;
    uint32_t cur_off;            /* module offset of the instruction being translated */
    uint32_t rec_pos, rec_off;   /* last recorded pair */
    uint32_t loops;              /* open (live) loops around the current point */
    uint64_t written;            /* locals < 64 set anywhere in the code so far */
    uint32_t nparams;            /* of the function being translated */
    bool oom, bad;
} comp;

static bool grow(comp *c, void **p, uint32_t *cap, uint32_t need, size_t elem) {
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

static void emit(comp *c, uint32_t w) {
    if (!grow(c, (void **)&c->code, &c->cap, c->len + 1, sizeof *c->code)) return;
    c->code[c->len++] = w;
}

static void put_leb(comp *c, uint64_t v) {
    do {
        if (!grow(c, (void **)&c->offs, &c->offs_cap, c->noffs + 1, 1)) return;
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

static uint32_t emit_op(comp *c, wa_ir op) {
    record_offset(c);
    c->prev_op = c->last_op;
    c->last_op = c->len;
    c->last_ir = op;
    c->last_dst = NONE;
    emit(c, c->opw[op]);
    return c->last_op;
}

/* ---- abstract stack ------------------------------------------------------ */

static void move_entry(comp *c, uint32_t k, uint32_t dst);

static void lazy_drop(comp *c, uint32_t k) {
    for (uint32_t i = 0; i < c->nlazy; i++)
        if (c->lazy[i] == k) {
            memmove(c->lazy + i, c->lazy + i + 1, (c->nlazy - i - 1) * sizeof *c->lazy);
            c->nlazy--;
            return;
        }
}

static void set_sp(comp *c, uint32_t h) {
    c->sp = h;
    while (c->nlazy && c->lazy[c->nlazy - 1] >= h) c->nlazy--;
}

static void push(comp *c, uint32_t kind, uint32_t local, uint64_t val) {
    if (!grow(c, (void **)&c->stk, &c->stk_cap, c->sp + 1, sizeof *c->stk)) return;
    if (kind != E_TEMP) {
        if (c->nlazy == LAZY_MAX) {
            uint32_t k = c->lazy[0];
            move_entry(c, k, c->base + k);
            c->stk[k].kind = E_TEMP;
            lazy_drop(c, k);
        }
        c->lazy[c->nlazy++] = c->sp;
    }
    c->stk[c->sp++] = (centry){kind, local, val};
    if (c->sp > c->max_h) c->max_h = c->sp;
}

static uint32_t push_temp(comp *c) {
    push(c, E_TEMP, 0, 0);
    return c->base + c->sp - 1;
}

static void pop(comp *c, uint32_t n) {
    if (n > c->sp) {
        c->bad = true;
        n = c->sp;
    }
    set_sp(c, c->sp - n);
}

static void emit_const(comp *c, uint32_t dst, uint64_t v) {
    if (v <= UINT32_MAX) {
        emit_op(c, WA_IR_CONST32);
        emit(c, dst);
        emit(c, (uint32_t)v);
    } else {
        emit_op(c, WA_IR_CONST64);
        emit(c, dst);
        emit(c, (uint32_t)v);
        emit(c, (uint32_t)(v >> 32));
    }
}

static void emit_copy(comp *c, uint32_t dst, uint32_t src) {
    if (dst == src) return;
    emit_op(c, WA_IR_COPY);
    emit(c, dst);
    emit(c, src);
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

static uint32_t use_top(comp *c, uint32_t from_top) {
    return c->sp > from_top ? use(c, c->sp - 1 - from_top) : use(c, NONE);
}

/* Writes entry k's value to dst without changing the entry (used on paths
 * that only some executions take). */
static void move_entry(comp *c, uint32_t k, uint32_t dst) {
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
static void flush_from(comp *c, uint32_t from) {
    while (c->nlazy && c->lazy[c->nlazy - 1] >= from) {
        uint32_t k = c->lazy[--c->nlazy];
        move_entry(c, k, c->base + k);
        c->stk[k].kind = E_TEMP;
    }
}

static void flush_top(comp *c, uint32_t n) { flush_from(c, n <= c->sp ? c->sp - n : 0); }

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

static void local_set(comp *c, uint32_t i, bool tee) {
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
        pop(c, 1);
        if (tee) push(c, E_LOCAL, i, 0);
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
    pop(c, 1);
    if (tee) push(c, E_LOCAL, i, 0);
}

/* ---- instructions with slot operands ------------------------------------- */

static void set_result(comp *c, uint32_t dst_pos) { c->last_dst = dst_pos; }

static void unop(comp *c, wa_ir op) {
    uint32_t a = use_top(c, 0);
    pop(c, 1);
    emit_op(c, op);
    uint32_t dpos = c->len;
    emit(c, push_temp(c));
    emit(c, a);
    set_result(c, dpos);
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
        a = use_top(c, 1);
    }
    pop(c, 2);
    emit_op(c, WA_IR_F64_ADD_M + (op - WA_IR_F64_ADD));
    uint32_t dpos = c->len;
    emit(c, push_temp(c));
    emit(c, a);
    emit(c, addr);
    emit(c, imm);
    emit(c, off);
    set_result(c, dpos);
    c->cur_off = cur_off;
    return true;
}

static void binop(comp *c, wa_ir op) {
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
        uint32_t a = use_top(c, 1);
        pop(c, 2);
        emit_op(c, iop);
        uint32_t dpos = c->len;
        emit(c, push_temp(c));
        emit(c, a);
        emit(c, imm);
        set_result(c, dpos);
        return;
    }
    uint32_t b = use_top(c, 0), a = use_top(c, 1);
    pop(c, 2);
    emit_op(c, op);
    uint32_t dpos = c->len;
    emit(c, push_temp(c));
    emit(c, a);
    emit(c, b);
    set_result(c, dpos);
}

/* Instruction with n source operands popped and no result; extra immediate
 * words are emitted before the sources. */
static void sink(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm) {
    uint32_t src[4] = {0};
    for (uint32_t j = 0; j < n; j++) src[j] = use_top(c, n - 1 - j);
    pop(c, n);
    emit_op(c, op);
    for (uint32_t j = 0; j < nimm; j++) emit(c, imms[j]);
    for (uint32_t j = 0; j < n; j++) emit(c, src[j]);
}

/* Instruction with n sources and one result: op dst imms... srcs... */
static void produce(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm) {
    uint32_t src[4] = {0};
    for (uint32_t j = 0; j < n; j++) src[j] = use_top(c, n - 1 - j);
    pop(c, n);
    emit_op(c, op);
    uint32_t dpos = c->len;
    emit(c, push_temp(c));
    for (uint32_t j = 0; j < nimm; j++) emit(c, imms[j]);
    for (uint32_t j = 0; j < n; j++) emit(c, src[j]);
    set_result(c, dpos);
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

static void load(comp *c, wa_ir op, uint32_t offset) {
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
        emit(c, offset);
        c->last_ir = fused;
        c->last_dst = p + 1;
        return;
    }
    uint32_t a = use_top(c, 0);
    pop(c, 1);
    emit_op(c, op);
    uint32_t dpos = c->len;
    emit(c, push_temp(c));
    emit(c, a);
    emit(c, offset);
    set_result(c, dpos);
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

static void store(comp *c, wa_ir op, uint32_t offset) {
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
                pop(c, 2);
                return;
            }
            c->code[p] = c->opw[WA_IR_F64_ADD_MS];
            c->code[p + 1] = addr;
            c->code[p + 2] = offset;
            c->code[p + 3] = a;
            c->len = p + 4;
            c->last_ir = WA_IR_F64_ADD_MS;
            c->last_dst = NONE;
            pop(c, 2);
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
            emit(c, offset);
            c->last_ir = x;
            c->last_dst = NONE;
            pop(c, 2);
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
        emit(c, offset);
        c->last_ir = fused;
        c->last_dst = NONE;
        pop(c, 2);
        return;
    }
    if (c->sp >= 2 && c->stk[c->sp - 1].kind == E_CONST) {
        uint64_t k = c->stk[c->sp - 1].val;
        wa_ir iop = op == WA_IR_I32_STORE ? WA_IR_I32_STORE_I
                    : op == WA_IR_I32_STORE8 ? WA_IR_I32_STORE8_I
                    : op == WA_IR_I64_STORE && (int64_t)k == (int64_t)(int32_t)k ? WA_IR_I64_STORE_I
                                                                                   : WA_IR_BAD;
        if (iop != WA_IR_BAD) {
            uint32_t a = use_top(c, 1);
            pop(c, 2);
            emit_op(c, iop);
            emit(c, a);
            emit(c, (uint32_t)k);
            emit(c, offset);
            return;
        }
    }
    uint32_t v = use_top(c, 0), a = use_top(c, 1);
    pop(c, 2);
    emit_op(c, op);
    emit(c, a);
    emit(c, v);
    emit(c, offset);
}

/* ---- control flow -------------------------------------------------------- */

/* Adds the word at `pos` to frame f's forward chain. */
static void chain(comp *c, cframe *f, uint32_t pos) {
    if (pos >= c->len) return;
    c->code[pos] = f->fix;
    f->fix = pos;
}

static void patch_to(comp *c, uint32_t pos, uint32_t target) {
    if (pos < c->len) c->code[pos] = (uint32_t)((int32_t)target - (int32_t)pos);
}

static void bind_chain(comp *c, uint32_t head, uint32_t target) {
    while (head != NONE && head < c->len) {
        uint32_t next = c->code[head];
        patch_to(c, head, target);
        head = next;
    }
}

/* The back-edge form of a branch instruction. */
static wa_ir loop_form(uint32_t ir) {
    if (ir == WA_IR_JMP) return WA_IR_JMP_L;
    if (ir == WA_IR_JNZ) return WA_IR_JNZ_L;
    if (ir == WA_IR_JZ) return WA_IR_JZ_L;
    if (ir >= WA_IR_J_I32_EQ && ir <= WA_IR_J_I32_GE_U) return WA_IR_J_I32_EQ_L + (ir - WA_IR_J_I32_EQ);
    if (ir >= WA_IR_J_I32_EQ_IMM && ir <= WA_IR_J_I32_GE_U_IMM)
        return WA_IR_J_I32_EQ_IMM_L + (ir - WA_IR_J_I32_EQ_IMM);
    if (ir >= WA_IR_STEP_J_EQ_IMM_L && ir <= WA_IR_STEPR_J_GE_U_L) return (wa_ir)ir; /* loops only */
    if (ir == WA_IR_J_AND_IMM_Z) return WA_IR_J_AND_IMM_Z_L;
    if (ir == WA_IR_J_AND_IMM_NZ) return WA_IR_J_AND_IMM_NZ_L;
    return WA_IR_BAD;
}

/* Emits the branch word for label f at the current position; the branch
 * instruction `ir` starts at op_pos. A back-edge skips the loop's FUEL op
 * and charges that fuel itself. */
static void branch_to(comp *c, cframe *f, uint32_t op_pos, wa_ir ir) {
    uint32_t pos = c->len;
    emit(c, 0);
    if (c->oom) return;
    if (f->kind == F_LOOP) {
        c->code[op_pos] = c->opw[loop_form(ir)];
        patch_to(c, pos, f->loop_pos + 2);
    } else {
        c->code[op_pos] = c->opw[ir];
        chain(c, f, pos);
    }
    c->last_ir = ir;
}

static uint32_t label_arity(const cframe *f) { return f->kind == F_LOOP ? f->nparams : f->nresults; }

/* Writes the current region's count into its FUEL op. */
static void fuel_close(comp *c) {
    if (c->fuel_pos != NONE && c->fuel_pos < c->len)
        c->code[c->fuel_pos] = c->fuel_count ? c->fuel_count : 1;
}

static void fuel_region(comp *c) {
    fuel_close(c);
    emit_op(c, WA_IR_FUEL);
    c->fuel_pos = c->len;
    emit(c, 1);
    c->fuel_count = 0;
}

static void emit_return(comp *c, uint32_t n) {
    if (n == 1) {
        /* the usual single result: no copy loop, no move into place */
        uint32_t src = use_top(c, 0);
        emit_op(c, WA_IR_RET1);
        emit(c, src);
        return;
    }
    flush_top(c, n);
    emit_op(c, WA_IR_RET);
    emit(c, c->base + c->sp - n);
    emit(c, n);
}

/* Do the values for label f already sit in the label's slots? */
static bool needs_moves(const comp *c, const cframe *f) {
    if (f->kind == F_FUNC) return true;
    uint32_t n = label_arity(f);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t k = c->sp - n + j;
        if (c->stk[k].kind != E_TEMP || k != f->height + j) return true;
    }
    return false;
}

/* Unconditional jump to label f with the top values moved into place. */
static void jump(comp *c, cframe *f) {
    uint32_t n = label_arity(f);
    if (f->kind == F_FUNC) {
        emit_return(c, n);
        return;
    }
    if (n > c->sp) {
        c->bad = true;
        return;
    }
    for (uint32_t j = 0; j < n; j++) move_entry(c, c->sp - n + j, c->base + f->height + j);
    branch_to(c, f, emit_op(c, WA_IR_JMP), WA_IR_JMP);
}

static void set_unreachable(comp *c) {
    cframe *f = &c->fr[c->nfr - 1];
    f->unreachable = true;
    if (c->sp > f->height) set_sp(c, f->height);
}

static cframe *label(comp *c, uint32_t depth) {
    if (depth >= c->nfr) {
        c->bad = true;
        return NULL;
    }
    return &c->fr[c->nfr - 1 - depth];
}

static bool is_i32_cmp(uint32_t ir) { return ir >= WA_IR_I32_EQ && ir <= WA_IR_I32_GE_U; }
static bool is_i32_cmp_imm(uint32_t ir) { return ir >= WA_IR_I32_EQ_IMM && ir <= WA_IR_I32_GE_U_IMM; }

/* Is the last instruction an i32.eqz of the result of an i32.and with a
 * constant just before it, that temporary dead once the eqz's result (the
 * top, already popped) is consumed? */
static bool eqz_of_and(const comp *c) {
    uint32_t e = c->last_op, a = c->prev_op;
    return c->last_ir == WA_IR_I32_EQZ && a + 4 == e && c->join != e && c->code[a] == c->opw[WA_IR_I32_AND_IMM] &&
           c->code[a + 1] == c->code[e + 2] && c->code[e + 2] == c->base + c->sp;
}

/* A loop's back-edge on a fresh compare right after a counter step:
 * [add_imm i s inc] [cmp d x y] with i one of x, y becomes
 * [step_j i s inc b rel] (one dispatch fewer per iteration); an i32.add of
 * two slots [add i s t] becomes [stepr_j i s t b rel]. */
static bool step_branch(comp *c, cframe *f) {
    static const uint8_t mirror[10] = {0, 1, 4, 5, 2, 3, 8, 9, 6, 7}; /* a cmp b == b cmp' a */
    uint32_t p = c->last_op, q = c->prev_op;
    if (f->kind != F_LOOP || q + 4 != p || c->join == p) return false;
    bool reg = c->code[q] == c->opw[WA_IR_I32_ADD];
    if (!reg && c->code[q] != c->opw[WA_IR_I32_ADD_IMM]) return false;
    uint32_t i = c->code[q + 1], k, b;
    wa_ir first;
    if (is_i32_cmp_imm(c->last_ir)) {
        if (c->code[p + 2] != i) return false;
        k = c->last_ir - WA_IR_I32_EQ_IMM;
        b = c->code[p + 3];
        first = reg ? WA_IR_STEPR_J_EQ_IMM_L : WA_IR_STEP_J_EQ_IMM_L;
    } else if (is_i32_cmp(c->last_ir)) {
        k = c->last_ir - WA_IR_I32_EQ;
        if (c->code[p + 2] == i) {
            b = c->code[p + 3];
        } else if (c->code[p + 3] == i) {
            b = c->code[p + 2];
            k = mirror[k];
        } else {
            return false;
        }
        first = reg ? WA_IR_STEPR_J_EQ_L : WA_IR_STEP_J_EQ_L;
    } else {
        return false;
    }
    c->code[q + 4] = b;
    c->len = q + 5;
    branch_to(c, f, q, (wa_ir)(first + k));
    return true;
}

static void br_if(comp *c, uint32_t depth) {
    cframe *f = label(c, depth);
    if (!f || c->sp == 0) {
        c->bad = true;
        return;
    }
    if (f->kind == F_FUNC) flush_top(c, f->nresults + 1); /* RET needs them contiguous */
    bool top_fresh = c->stk[c->sp - 1].kind == E_TEMP && c->last_dst != NONE &&
                     c->code[c->last_dst] == c->base + c->sp - 1;
    uint32_t cond = use_top(c, 0);
    pop(c, 1);
    if (!needs_moves(c, f)) {
        if (top_fresh && step_branch(c, f)) {
            /* fused with the counter step before it */
        } else if (top_fresh && is_i32_cmp_imm(c->last_ir)) {
            /* [cmp_imm d a imm] becomes [br_cmp_imm a imm rel] */
            uint32_t p = c->last_op;
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->len = p + 3;
            branch_to(c, f, p, WA_IR_J_I32_EQ_IMM + (c->last_ir - WA_IR_I32_EQ_IMM));
        } else if (top_fresh && is_i32_cmp(c->last_ir)) {
            /* [cmp d a b] becomes [br_cmp a b rel]: same size, no temp */
            uint32_t p = c->last_op;
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->len = p + 3;
            branch_to(c, f, p, WA_IR_J_I32_EQ + (c->last_ir - WA_IR_I32_EQ));
        } else if (top_fresh && c->last_ir == WA_IR_I32_AND_IMM) {
            /* [and_imm d a imm] becomes [j_and_imm_nz a imm rel] */
            uint32_t p = c->last_op;
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->len = p + 3;
            branch_to(c, f, p, WA_IR_J_AND_IMM_NZ);
        } else if (top_fresh && eqz_of_and(c)) {
            /* [and_imm t a imm] [eqz d t] becomes [j_and_imm_z a imm rel] */
            uint32_t p = c->prev_op;
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->len = p + 3;
            branch_to(c, f, p, WA_IR_J_AND_IMM_Z);
        } else if (top_fresh && c->last_ir == WA_IR_I32_EQZ) {
            uint32_t p = c->last_op;
            c->code[p + 1] = c->code[p + 2];
            c->len = p + 2;
            branch_to(c, f, p, WA_IR_JZ);
        } else {
            uint32_t p = emit_op(c, WA_IR_JNZ);
            emit(c, cond);
            branch_to(c, f, p, WA_IR_JNZ);
        }
        c->last_dst = NONE;
        return;
    }
    emit_op(c, WA_IR_JZ);
    emit(c, cond);
    uint32_t skip = c->len;
    emit(c, 0);
    jump(c, f);
    patch_to(c, skip, c->len);
    c->last_dst = NONE;
}

static void br_table(comp *c, const wa_instr *in) {
    wa_reader r = wa_reader_make(c->m->bytes, in->vec, c->m->bytes + c->m->len);
    uint32_t n = in->nvec;
    if (!grow(c, (void **)&c->targets, &c->targets_cap, n + 1, sizeof *c->targets)) return;
    for (uint32_t j = 0; j < n; j++) c->targets[j] = wa_read_u32(&r);
    c->targets[n] = in->b;
    cframe *f0 = label(c, in->b);
    if (!f0 || c->sp == 0) {
        c->bad = true;
        return;
    }
    /* stubs must not materialize lazy values: another stub may run instead */
    flush_top(c, label_arity(f0) + 1);
    uint32_t idx = use_top(c, 0);
    pop(c, 1);
    emit_op(c, WA_IR_JTAB);
    emit(c, idx);
    emit(c, n);
    uint32_t tab = c->len;
    for (uint32_t j = 0; j <= n; j++) emit(c, 0);
    /* Labels needing moves get a stub after the table; the rest go direct. */
    for (uint32_t j = 0; j <= n && !c->oom; j++) {
        cframe *f = label(c, c->targets[j]);
        if (!f) return;
        if (!needs_moves(c, f)) {
            if (f->kind == F_LOOP) patch_to(c, tab + j, f->loop_pos);
            else chain(c, f, tab + j);
            continue;
        }
        patch_to(c, tab + j, c->len);
        c->join = c->len;
        jump(c, f);
    }
    set_unreachable(c);
}

static void blocktype(comp *c, const wa_instr *in, uint32_t *np, uint32_t *nr) {
    *np = 0;
    *nr = 0;
    if (in->a == WA_BT_VALTYPE) *nr = 1;
    else if (in->a == WA_BT_TYPEIDX) {
        if (in->b >= c->m->ntypes) {
            c->bad = true;
            return;
        }
        *np = c->m->types[in->b].nparams;
        *nr = c->m->types[in->b].nresults;
    }
}

static void push_frame(comp *c, uint32_t kind, uint32_t np, uint32_t nr, bool dead) {
    if (!grow(c, (void **)&c->fr, &c->fr_cap, c->nfr + 1, sizeof *c->fr)) return;
    uint32_t h = c->sp >= np ? c->sp - np : 0;
    c->fr[c->nfr++] = (cframe){kind, dead, dead, h, np, nr, NONE, NONE, NONE, NONE, 0};
}

static void block_start(comp *c, const wa_instr *in, uint32_t kind) {
    uint32_t np, nr;
    blocktype(c, in, &np, &nr);
    if (c->fr[c->nfr - 1].unreachable) {
        push_frame(c, kind, 0, 0, true);
        return;
    }
    uint32_t cond = 0, cmp_ir = c->last_ir, cmp_pos = c->last_op, len0 = 0;
    bool fresh = false, and_eqz = false;
    if (kind == F_IF) {
        fresh = c->sp > 0 && c->stk[c->sp - 1].kind == E_TEMP && c->last_dst != NONE &&
                c->code[c->last_dst] == c->base + c->sp - 1;
        cond = use_top(c, 0);
        pop(c, 1);
        len0 = c->len;
        and_eqz = fresh && eqz_of_and(c);
    }
    flush_from(c, 0);
    fresh = fresh && c->len == len0; /* the compare is still the last instruction */
    uint32_t outer_pos = c->fuel_pos, outer_count = c->fuel_count;
    if (kind == F_LOOP) fuel_region(c);
    push_frame(c, kind, np, nr, false);
    if (c->oom) return;
    cframe *f = &c->fr[c->nfr - 1];
    if (kind == F_LOOP) {
        c->loops++;
        f->loop_pos = c->len - 2;
        c->join = c->len;
        f->outer_fuel_pos = outer_pos;
        f->outer_fuel_count = outer_count;
    }
    if (kind == F_IF) {
        /* jump to else when the condition is false: a fresh compare becomes
         * the negated compare-and-branch */
        static const uint8_t neg[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
        if (fresh && (is_i32_cmp(cmp_ir) || is_i32_cmp_imm(cmp_ir))) {
            wa_ir j = is_i32_cmp(cmp_ir) ? WA_IR_J_I32_EQ + neg[cmp_ir - WA_IR_I32_EQ]
                                         : WA_IR_J_I32_EQ_IMM + neg[cmp_ir - WA_IR_I32_EQ_IMM];
            c->code[cmp_pos] = c->opw[j];
            c->code[cmp_pos + 1] = c->code[cmp_pos + 2];
            c->code[cmp_pos + 2] = c->code[cmp_pos + 3];
            c->len = cmp_pos + 3;
        } else if (fresh && cmp_ir == WA_IR_I32_AND_IMM) {
            c->code[cmp_pos] = c->opw[WA_IR_J_AND_IMM_Z];
            c->code[cmp_pos + 1] = c->code[cmp_pos + 2];
            c->code[cmp_pos + 2] = c->code[cmp_pos + 3];
            c->len = cmp_pos + 3;
        } else if (fresh && and_eqz) {
            uint32_t p = c->prev_op;
            c->code[p] = c->opw[WA_IR_J_AND_IMM_NZ];
            c->code[p + 1] = c->code[p + 2];
            c->code[p + 2] = c->code[p + 3];
            c->len = p + 3;
        } else if (fresh && cmp_ir == WA_IR_I32_EQZ) {
            c->code[cmp_pos] = c->opw[WA_IR_JNZ];
            c->code[cmp_pos + 1] = c->code[cmp_pos + 2];
            c->len = cmp_pos + 2;
        } else {
            emit_op(c, WA_IR_JZ);
            emit(c, cond);
        }
        f->else_fix = c->len;
        emit(c, 0);
    }
    c->last_dst = NONE;
}

static void reset_stack(comp *c, uint32_t h) {
    set_sp(c, h);
    if (c->nlazy) c->bad = true; /* joins leave everything canonical */
    if (h > c->stk_cap && h > 0) c->bad = true;
}

static void else_start(comp *c) {
    cframe *f = &c->fr[c->nfr - 1];
    if (f->dead) return;
    if (!f->unreachable) {
        flush_top(c, f->nresults);
        emit_op(c, WA_IR_JMP);
        uint32_t pos = c->len;
        emit(c, 0);
        chain(c, f, pos);
    }
    patch_to(c, f->else_fix, c->len);
    c->join = c->len;
    f->else_fix = NONE;
    f->unreachable = false;
    /* the params are still where the if found them */
    set_sp(c, f->height);
    for (uint32_t j = 0; j < f->nparams; j++) push(c, E_TEMP, 0, 0);
    c->last_dst = NONE;
}

/* Returns true when the function's final end was reached. */
static bool block_end(comp *c) {
    cframe f = c->fr[c->nfr - 1];
    if (f.dead) {
        c->nfr--;
        return false;
    }
    if (f.kind == F_FUNC) {
        if (!f.unreachable) emit_return(c, f.nresults);
        c->nfr--;
        return true;
    }
    if (!f.unreachable) flush_top(c, f.nresults);
    if (f.else_fix != NONE) patch_to(c, f.else_fix, c->len);
    bind_chain(c, f.fix, c->len);
    c->join = c->len;
    c->nfr--;
    reset_stack(c, f.height);
    for (uint32_t j = 0; j < f.nresults; j++) push(c, E_TEMP, 0, 0);
    if (f.kind == F_LOOP) {
        c->loops--;
        /* the code after a loop is charged with the code before it (one
         * FUEL op fewer to dispatch per loop exit); it runs at most once
         * per run of that region, so the work between checks stays bounded */
        fuel_close(c);
        c->fuel_pos = f.outer_fuel_pos;
        c->fuel_count = f.outer_fuel_count;
    }
    c->last_dst = NONE;
    return false;
}

/* ---- calls ----------------------------------------------------------------- */

static void call(comp *c, uint32_t fidx) {
    const wa_module *m = c->m;
    if (fidx >= m->nfuncs || m->func_type_index[fidx] >= m->ntypes) {
        c->bad = true;
        return;
    }
    const wa_functype *t = &m->types[m->func_type_index[fidx]];
    flush_top(c, t->nparams);
    uint32_t args = c->base + c->sp - t->nparams;
    if (fidx >= m->nfunc_imports) {
        emit_op(c, WA_IR_CALL_DEF);
        emit(c, fidx - m->nfunc_imports);
    } else {
        emit_op(c, WA_IR_CALL_FUNC);
        emit(c, fidx);
    }
    emit(c, args);
    pop(c, t->nparams);
    for (uint32_t j = 0; j < t->nresults; j++) push_temp(c);
}

static void call_indirect(comp *c, uint32_t type, uint32_t table) {
    if (type >= c->m->ntypes) {
        c->bad = true;
        return;
    }
    const wa_functype *t = &c->m->types[type];
    uint32_t idx = use_top(c, 0);
    pop(c, 1);
    flush_top(c, t->nparams);
    uint32_t args = c->base + c->sp - t->nparams;
    emit_op(c, WA_IR_CALL_IND);
    emit(c, type);
    emit(c, table);
    emit(c, idx);
    emit(c, args);
    pop(c, t->nparams);
    for (uint32_t j = 0; j < t->nresults; j++) push_temp(c);
}

/* ---- one instruction ------------------------------------------------------- */

static void instr_numeric(comp *c, const wa_instr *in, wa_ir ir) {
    const char *sig = wa__op_sig(in->op);
    /* "i:i" is unary, "ii:i" binary (numeric ops only reach here) */
    size_t nin = strcspn(sig, ":");
    if (nin == 1) unop(c, ir);
    else binop(c, ir);
}

static wa_ir ir_of(uint32_t op) {
    switch (op) {
#define OP(n, code, i, s) case WA_OP_##n: return WA_IR_##n;
#define OP_FC(n, code, i, s) case WA_OP_##n: return WA_IR_##n;
#include "opcodes.def"
    default: return WA_IR_BAD;
    }
}

static void instr_memory(comp *c, const wa_instr *in, wa_ir ir) {
    uint32_t imm[2] = {in->a, in->b};
    switch (in->op) {
    case WA_OP_MEMORY_SIZE: produce(c, ir, 0, NULL, 0); break;
    case WA_OP_MEMORY_GROW: produce(c, ir, 1, NULL, 0); break;
    case WA_OP_MEMORY_INIT: sink(c, ir, 3, imm, 1); break;
    case WA_OP_DATA_DROP:
    case WA_OP_ELEM_DROP: sink(c, ir, 0, imm, 1); break;
    case WA_OP_MEMORY_COPY:
    case WA_OP_MEMORY_FILL: sink(c, ir, 3, NULL, 0); break;
    case WA_OP_TABLE_GET: produce(c, ir, 1, imm, 1); break;
    case WA_OP_TABLE_SET: sink(c, ir, 2, imm, 1); break;
    case WA_OP_TABLE_SIZE: produce(c, ir, 0, imm, 1); break;
    case WA_OP_TABLE_GROW: produce(c, ir, 2, imm, 1); break;
    case WA_OP_TABLE_FILL: sink(c, ir, 3, imm, 1); break;
    case WA_OP_TABLE_COPY: sink(c, ir, 3, imm, 2); break;
    case WA_OP_TABLE_INIT: {
        uint32_t ti[2] = {in->b, in->a}; /* table, segment */
        sink(c, ir, 3, ti, 2);
        break;
    }
    default:
        if (in->op >= WA_OP_I32_LOAD && in->op <= WA_OP_I64_LOAD32_U) load(c, ir, (uint32_t)in->imm);
        else if (in->op >= WA_OP_I32_STORE && in->op <= WA_OP_I64_STORE32)
            store(c, ir, (uint32_t)in->imm);
        else c->bad = true;
    }
}

static bool instr(comp *c, const wa_instr *in) {
    cframe *top = &c->fr[c->nfr - 1];
    uint32_t op = in->op;
    if (top->unreachable) {
        /* skip to the matching else/end, tracking nested blocks */
        if (op == WA_OP_BLOCK || op == WA_OP_LOOP || op == WA_OP_IF) push_frame(c, F_BLOCK, 0, 0, true);
        else if (op == WA_OP_ELSE) else_start(c);
        else if (op == WA_OP_END) return block_end(c);
        return false;
    }
    c->fuel_count++;
    wa_ir ir = ir_of(op);
    switch (op) {
    case WA_OP_UNREACHABLE:
        emit_op(c, WA_IR_UNREACHABLE);
        set_unreachable(c);
        break;
    case WA_OP_NOP: break;
    case WA_OP_BLOCK: block_start(c, in, F_BLOCK); break;
    case WA_OP_LOOP: block_start(c, in, F_LOOP); break;
    case WA_OP_IF: block_start(c, in, F_IF); break;
    case WA_OP_ELSE: else_start(c); break;
    case WA_OP_END: return block_end(c);
    case WA_OP_BR: {
        cframe *f = label(c, in->a);
        if (f) jump(c, f);
        set_unreachable(c);
        break;
    }
    case WA_OP_BR_IF: br_if(c, in->a); break;
    case WA_OP_BR_TABLE: br_table(c, in); break;
    case WA_OP_RETURN:
        emit_return(c, c->fr[0].nresults);
        set_unreachable(c);
        break;
    case WA_OP_CALL: call(c, in->a); break;
    case WA_OP_CALL_INDIRECT: call_indirect(c, in->a, in->b); break;
    case WA_OP_REF_NULL: push(c, E_CONST, 0, 0); break;
    case WA_OP_REF_IS_NULL: unop(c, WA_IR_REF_IS_NULL); break;
    case WA_OP_REF_FUNC: {
        uint32_t imm = in->a;
        produce(c, WA_IR_REF_FUNC, 0, &imm, 1);
        break;
    }
    case WA_OP_DROP: pop(c, 1); break;
    case WA_OP_SELECT:
    case WA_OP_SELECT_T: {
        uint32_t cond = use_top(c, 0), b = use_top(c, 1), a = use_top(c, 2);
        pop(c, 3);
        emit_op(c, WA_IR_SEL);
        uint32_t dpos = c->len;
        emit(c, push_temp(c));
        emit(c, a);
        emit(c, b);
        emit(c, cond);
        set_result(c, dpos);
        break;
    }
    case WA_OP_LOCAL_GET: push(c, E_LOCAL, in->a, 0); break;
    case WA_OP_LOCAL_SET: local_set(c, in->a, false); break;
    case WA_OP_LOCAL_TEE: local_set(c, in->a, true); break;
    case WA_OP_GLOBAL_GET: {
        uint32_t imm = in->a;
        produce(c, WA_IR_GLOBAL_GET, 0, &imm, 1);
        break;
    }
    case WA_OP_GLOBAL_SET: {
        uint32_t imm = in->a;
        sink(c, WA_IR_GLOBAL_SET, 1, &imm, 1);
        break;
    }
    case WA_OP_I32_CONST: push(c, E_CONST, 0, (uint32_t)in->imm); break;
    case WA_OP_I64_CONST:
    case WA_OP_F32_CONST:
    case WA_OP_F64_CONST: push(c, E_CONST, 0, in->imm); break;
    default:
        if ((op >= WA_OP_I32_EQZ && op <= WA_OP_I64_EXTEND32_S) ||
            (op >= WA_OP_I32_TRUNC_SAT_F32_S && op <= WA_OP_I64_TRUNC_SAT_F64_U))
            instr_numeric(c, in, ir);
        else instr_memory(c, in, ir);
    }
    return false;
}

/* ---- functions and modules -------------------------------------------------- */

static wb_status compile_func(comp *c, uint32_t def, wa_code *out, wb_error *err) {
    const wa_module *m = c->m;
    const wa_func_def *fd = &m->funcs[def];
    const wa_functype *t = &m->types[fd->type_index];
    c->len = c->sp = c->max_h = c->nfr = c->nlazy = 0;
    c->noffs = c->rec_pos = c->rec_off = 0;
    c->cur_off = fd->body_offset;
    c->last_dst = c->fuel_pos = NONE;
    c->last_op = c->prev_op = c->join = 0;
    c->base = t->nparams + fd->nlocals;
    c->loops = 0;
    c->written = 0;
    c->nparams = t->nparams;
    push_frame(c, F_FUNC, 0, t->nresults, false);
    fuel_region(c);
    wa_reader r = wa_reader_make(m->bytes, fd->body, fd->body_end);
    bool done = false;
    while (!done && !c->oom && !c->bad && r.p < r.end) {
        wa_instr in;
        if (!wa__instr_read(&r, &in)) break;
        c->cur_off = in.offset;
        done = instr(c, &in);
    }
    if (c->fuel_pos != NONE) c->code[c->fuel_pos] = c->fuel_count ? c->fuel_count : 1;
    if (c->oom) return wb_error_set(err, WB_NOMEM, "out of memory compiling function %u", def);
    if (!done || c->bad)
        return wb_error_set(err, WB_INVALID, "cannot compile function %u at offset %u",
                            def + m->nfunc_imports, (uint32_t)(r.p - m->bytes));
    uint64_t slots = (uint64_t)c->base + c->max_h + 1;
    if (slots < (uint64_t)t->nparams + 4) slots = (uint64_t)t->nparams + 4; /* see wa_code */
    if (slots > UINT32_MAX / 2) return wb_error_set(err, WB_LIMIT, "function %u frame too large", def);
    out->words = wb_alloc(c->a, (size_t)c->len * sizeof *c->code, WB_TAG_MODULE);
    if (!out->words) return wb_error_set(err, WB_NOMEM, "out of memory");
    memcpy(out->words, c->code, (size_t)c->len * sizeof *c->code);
    out->nwords = c->len; /* set now: a failure below frees words by this size */
    out->offsets = c->noffs ? wb_alloc(c->a, c->noffs, WB_TAG_MODULE) : NULL;
    if (c->noffs && !out->offsets) return wb_error_set(err, WB_NOMEM, "out of memory");
    if (c->noffs) memcpy(out->offsets, c->offs, c->noffs);
    out->noffsets = c->noffs;
    out->func_index = def + m->nfunc_imports;
    out->type_index = fd->type_index;
    out->nparams = t->nparams;
    out->nresults = t->nresults;
    out->nlocals = fd->nlocals;
    out->frame_slots = (uint32_t)slots;
    return WB_OK;
}

uint64_t wa__functype_hash(const wa_functype *t) {
    uint64_t h = wb_hash64(t->params, t->nparams * sizeof *t->params);
    return wb_hash64_seed(t->results, t->nresults * sizeof *t->results, h ^ t->nparams);
}

wb_status wa__compile(wa_module *m, wb_error *err) {
    const wb_allocator *a = &m->engine->alloc;
    wa_compiled *cc = wb_calloc(a, 1, sizeof *cc, WB_TAG_MODULE);
    if (!cc) return wb_error_set(err, WB_NOMEM, "out of memory");
    m->compiled = cc;
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    cc->type_hash = wb_calloc(a, m->ntypes + 1, sizeof *cc->type_hash, WB_TAG_MODULE);
    cc->codes = wb_calloc(a, ndef + 1, sizeof *cc->codes, WB_TAG_MODULE);
    if (!cc->type_hash || !cc->codes) return wb_error_set(err, WB_NOMEM, "out of memory");
    for (uint32_t i = 0; i < m->ntypes; i++) cc->type_hash[i] = wa__functype_hash(&m->types[i]);
    comp *c = wb_calloc(a, 1, sizeof *c, WB_TAG_MODULE);
    if (!c) return wb_error_set(err, WB_NOMEM, "out of memory");
    c->m = m;
    c->a = a;
    wa__interp_opwords(c->opw);
    wb_status st = WB_OK;
    size_t total = 0;
    for (uint32_t i = 0; i < ndef && st == WB_OK; i++) {
        st = compile_func(c, i, &cc->codes[i], err);
        cc->codes[i].sig_hash = cc->type_hash[m->funcs[i].type_index];
        m->funcs[i].compiled = &cc->codes[i];
        cc->ncodes = i + 1;
        total += (size_t)cc->codes[i].nwords * 4 + cc->codes[i].noffsets;
    }
    m->compiled_size = total;
    wb_free(a, c->code, (size_t)c->cap * sizeof *c->code, WB_TAG_MODULE);
    wb_free(a, c->stk, (size_t)c->stk_cap * sizeof *c->stk, WB_TAG_MODULE);
    wb_free(a, c->fr, (size_t)c->fr_cap * sizeof *c->fr, WB_TAG_MODULE);
    wb_free(a, c->targets, (size_t)c->targets_cap * sizeof *c->targets, WB_TAG_MODULE);
    wb_free(a, c->offs, c->offs_cap, WB_TAG_MODULE);
    wb_free(a, c, sizeof *c, WB_TAG_MODULE);
    return st;
}

void wa__compiled_free(wa_module *m) {
    wa_compiled *cc = m->compiled;
    if (!cc) return;
    const wb_allocator *a = &m->engine->alloc;
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    for (uint32_t i = 0; i < cc->ncodes; i++) {
        wb_free(a, cc->codes[i].words, (size_t)cc->codes[i].nwords * 4, WB_TAG_MODULE);
        wb_free(a, cc->codes[i].offsets, cc->codes[i].noffsets, WB_TAG_MODULE);
    }
    wb_free(a, cc->codes, (size_t)(ndef + 1) * sizeof *cc->codes, WB_TAG_MODULE);
    wb_free(a, cc->type_hash, (size_t)(m->ntypes + 1) * sizeof *cc->type_hash, WB_TAG_MODULE);
    wb_free(a, cc, sizeof *cc, WB_TAG_MODULE);
    m->compiled = NULL;
}
