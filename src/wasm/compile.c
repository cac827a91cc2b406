/* SPDX-License-Identifier: MIT */
/* Translation of validated function bodies into the register IR of ir.h.
 *
 * The translator keeps an abstract operand stack. An entry is a value in its
 * canonical slot (base + height), or, lazily, a local or a constant that has
 * not been copied yet: local.get and constants cost nothing until an
 * instruction needs them, and local.set after an instruction rewrites that
 * instruction's destination. At every control-flow join the stack is made
 * canonical, so all paths agree on where each value lives. */
#include "compile.h"

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
    wa__tr_emit(c, 0);
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
    wa__tr_emit_op(c, WA_IR_FUEL);
    c->fuel_pos = c->len;
    wa__tr_emit(c, 1);
    c->fuel_count = 0;
}

static void emit_return(comp *c, uint32_t n) {
    if (n == 1 && c->sp > 0 && c->stk[c->sp - 1].kind == E_TEMP && c->last_dst != NONE &&
        c->code[c->last_dst] == c->base + c->sp - 1) {
        /* the instruction just before computed the result: it writes slot
         * 0 itself (operands are read before the result is written, as for
         * a local.set into one of them) and nothing is copied, one store to
         * load forwarding fewer between callee and caller */
        c->code[c->last_dst] = 0;
        c->last_dst = NONE;
        wa__tr_emit_op(c, WA_IR_RET);
        wa__tr_emit(c, 0);
        wa__tr_emit(c, 0);
        return;
    }
    if (n == 1) {
        /* the usual single result: no copy loop, no move into place */
        uint32_t src = wa__tr_use_top(c, 0);
        wa__tr_emit_op(c, WA_IR_RET1);
        wa__tr_emit(c, src);
        return;
    }
    wa__tr_flush_top(c, n);
    wa__tr_emit_op(c, WA_IR_RET);
    wa__tr_emit(c, c->base + c->sp - n);
    wa__tr_emit(c, n);
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
    for (uint32_t j = 0; j < n; j++) wa__tr_move_entry(c, c->sp - n + j, c->base + f->height + j);
    branch_to(c, f, wa__tr_emit_op(c, WA_IR_JMP), WA_IR_JMP);
}

static void set_unreachable(comp *c) {
    cframe *f = &c->fr[c->nfr - 1];
    f->unreachable = true;
    if (c->sp > f->height) wa__tr_set_sp(c, f->height);
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
    if (f->kind == F_FUNC) wa__tr_flush_top(c, f->nresults + 1); /* RET needs them contiguous */
    bool top_fresh = c->stk[c->sp - 1].kind == E_TEMP && c->last_dst != NONE &&
                     c->code[c->last_dst] == c->base + c->sp - 1;
    uint32_t cond = wa__tr_use_top(c, 0);
    wa__tr_pop(c, 1);
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
            uint32_t p = wa__tr_emit_op(c, WA_IR_JNZ);
            wa__tr_emit(c, cond);
            branch_to(c, f, p, WA_IR_JNZ);
        }
        c->last_dst = NONE;
        return;
    }
    wa__tr_emit_op(c, WA_IR_JZ);
    wa__tr_emit(c, cond);
    uint32_t skip = c->len;
    wa__tr_emit(c, 0);
    jump(c, f);
    patch_to(c, skip, c->len);
    c->last_dst = NONE;
}

static void br_table(comp *c, const wa_instr *in) {
    wa_reader r = wa_reader_make(c->m->bytes, in->vec, c->m->bytes + c->m->len);
    uint32_t n = in->nvec;
    if (!wa__tr_grow(c, (void **)&c->targets, &c->targets_cap, n + 1, sizeof *c->targets)) return;
    for (uint32_t j = 0; j < n; j++) c->targets[j] = wa_read_u32(&r);
    c->targets[n] = in->b;
    cframe *f0 = label(c, in->b);
    if (!f0 || c->sp == 0) {
        c->bad = true;
        return;
    }
    /* stubs must not materialize lazy values: another stub may run instead */
    wa__tr_flush_top(c, label_arity(f0) + 1);
    uint32_t idx = wa__tr_use_top(c, 0);
    wa__tr_pop(c, 1);
    wa__tr_emit_op(c, WA_IR_JTAB);
    wa__tr_emit(c, idx);
    wa__tr_emit(c, n);
    uint32_t tab = c->len;
    for (uint32_t j = 0; j <= n; j++) wa__tr_emit(c, 0);
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
    if (!wa__tr_grow(c, (void **)&c->fr, &c->fr_cap, c->nfr + 1, sizeof *c->fr)) return;
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
        cond = wa__tr_use_top(c, 0);
        wa__tr_pop(c, 1);
        len0 = c->len;
        and_eqz = fresh && eqz_of_and(c);
    }
    wa__tr_flush_from(c, 0);
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
            wa__tr_emit_op(c, WA_IR_JZ);
            wa__tr_emit(c, cond);
        }
        f->else_fix = c->len;
        wa__tr_emit(c, 0);
    }
    c->last_dst = NONE;
}

static void reset_stack(comp *c, uint32_t h) {
    wa__tr_set_sp(c, h);
    if (c->nlazy) c->bad = true; /* joins leave everything canonical */
    if (h > c->stk_cap && h > 0) c->bad = true;
}

static void else_start(comp *c) {
    cframe *f = &c->fr[c->nfr - 1];
    if (f->dead) return;
    if (!f->unreachable) {
        wa__tr_flush_top(c, f->nresults);
        wa__tr_emit_op(c, WA_IR_JMP);
        uint32_t pos = c->len;
        wa__tr_emit(c, 0);
        chain(c, f, pos);
    }
    patch_to(c, f->else_fix, c->len);
    c->join = c->len;
    f->else_fix = NONE;
    f->unreachable = false;
    /* the params are still where the if found them */
    wa__tr_set_sp(c, f->height);
    for (uint32_t j = 0; j < f->nparams; j++) wa__tr_push(c, E_TEMP, 0, 0);
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
    if (!f.unreachable) wa__tr_flush_top(c, f.nresults);
    if (f.else_fix != NONE) patch_to(c, f.else_fix, c->len);
    bind_chain(c, f.fix, c->len);
    c->join = c->len;
    c->nfr--;
    reset_stack(c, f.height);
    for (uint32_t j = 0; j < f.nresults; j++) wa__tr_push(c, E_TEMP, 0, 0);
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
    wa__tr_flush_top(c, t->nparams);
    uint32_t args = c->base + c->sp - t->nparams;
    if (fidx >= m->nfunc_imports) {
        wa__tr_emit_op(c, WA_IR_CALL_DEF);
        wa__tr_emit(c, fidx - m->nfunc_imports);
    } else {
        wa__tr_emit_op(c, WA_IR_CALL_FUNC);
        wa__tr_emit(c, fidx);
    }
    wa__tr_emit(c, args);
    wa__tr_pop(c, t->nparams);
    for (uint32_t j = 0; j < t->nresults; j++) wa__tr_push_temp(c);
}

static void call_indirect(comp *c, uint32_t type, uint32_t table) {
    if (type >= c->m->ntypes) {
        c->bad = true;
        return;
    }
    const wa_functype *t = &c->m->types[type];
    uint32_t idx = wa__tr_use_top(c, 0);
    wa__tr_pop(c, 1);
    wa__tr_flush_top(c, t->nparams);
    uint32_t args = c->base + c->sp - t->nparams;
    wa__tr_emit_op(c, WA_IR_CALL_IND);
    wa__tr_emit(c, type);
    wa__tr_emit(c, table);
    wa__tr_emit(c, idx);
    wa__tr_emit(c, args);
    wa__tr_pop(c, t->nparams);
    for (uint32_t j = 0; j < t->nresults; j++) wa__tr_push_temp(c);
}

/* ---- one instruction ------------------------------------------------------- */

static void instr_numeric(comp *c, const wa_instr *in, wa_ir ir) {
    const char *sig = wa__op_sig(in->op);
    /* "i:i" is unary, "ii:i" binary (numeric ops only reach here) */
    size_t nin = strcspn(sig, ":");
    if (nin == 1) wa__tr_unop(c, ir);
    else wa__tr_binop(c, ir);
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
    case WA_OP_MEMORY_SIZE: wa__tr_produce(c, ir, 0, NULL, 0); break;
    case WA_OP_MEMORY_GROW: wa__tr_produce(c, ir, 1, NULL, 0); break;
    case WA_OP_MEMORY_INIT: wa__tr_sink(c, ir, 3, imm, 1); break;
    case WA_OP_DATA_DROP:
    case WA_OP_ELEM_DROP: wa__tr_sink(c, ir, 0, imm, 1); break;
    case WA_OP_MEMORY_COPY:
    case WA_OP_MEMORY_FILL: wa__tr_sink(c, ir, 3, NULL, 0); break;
    case WA_OP_TABLE_GET: wa__tr_produce(c, ir, 1, imm, 1); break;
    case WA_OP_TABLE_SET: wa__tr_sink(c, ir, 2, imm, 1); break;
    case WA_OP_TABLE_SIZE: wa__tr_produce(c, ir, 0, imm, 1); break;
    case WA_OP_TABLE_GROW: wa__tr_produce(c, ir, 2, imm, 1); break;
    case WA_OP_TABLE_FILL: wa__tr_sink(c, ir, 3, imm, 1); break;
    case WA_OP_TABLE_COPY: wa__tr_sink(c, ir, 3, imm, 2); break;
    case WA_OP_TABLE_INIT: {
        uint32_t ti[2] = {in->b, in->a}; /* table, segment */
        wa__tr_sink(c, ir, 3, ti, 2);
        break;
    }
    default:
        if (in->op >= WA_OP_I32_LOAD && in->op <= WA_OP_I64_LOAD32_U) wa__tr_load(c, ir, (uint32_t)in->imm);
        else if (in->op >= WA_OP_I32_STORE && in->op <= WA_OP_I64_STORE32)
            wa__tr_store(c, ir, (uint32_t)in->imm);
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
        wa__tr_emit_op(c, WA_IR_UNREACHABLE);
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
    case WA_OP_REF_NULL: wa__tr_push(c, E_CONST, 0, 0); break;
    case WA_OP_REF_IS_NULL: wa__tr_unop(c, WA_IR_REF_IS_NULL); break;
    case WA_OP_REF_FUNC: {
        uint32_t imm = in->a;
        wa__tr_produce(c, WA_IR_REF_FUNC, 0, &imm, 1);
        break;
    }
    case WA_OP_DROP: wa__tr_pop(c, 1); break;
    case WA_OP_SELECT:
    case WA_OP_SELECT_T: {
        uint32_t cond = wa__tr_use_top(c, 0), b = wa__tr_use_top(c, 1), a = wa__tr_use_top(c, 2);
        wa__tr_pop(c, 3);
        wa__tr_emit_result(c, WA_IR_SEL, (uint32_t[]){a, b, cond}, 3);
        break;
    }
    case WA_OP_LOCAL_GET: wa__tr_push(c, E_LOCAL, in->a, 0); break;
    case WA_OP_LOCAL_SET: wa__tr_local_set(c, in->a, false); break;
    case WA_OP_LOCAL_TEE: wa__tr_local_set(c, in->a, true); break;
    case WA_OP_GLOBAL_GET: {
        uint32_t imm = in->a;
        wa__tr_produce(c, WA_IR_GLOBAL_GET, 0, &imm, 1);
        break;
    }
    case WA_OP_GLOBAL_SET: {
        uint32_t imm = in->a;
        wa__tr_sink(c, WA_IR_GLOBAL_SET, 1, &imm, 1);
        break;
    }
    case WA_OP_I32_CONST: wa__tr_push(c, E_CONST, 0, (uint32_t)in->imm); break;
    case WA_OP_I64_CONST:
    case WA_OP_F32_CONST:
    case WA_OP_F64_CONST: wa__tr_push(c, E_CONST, 0, in->imm); break;
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
    fuel_close(c); /* guarded: after a failed emit fuel_pos may lie past the code */
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
