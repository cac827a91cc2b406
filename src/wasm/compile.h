/* SPDX-License-Identifier: MIT */
/* The translator's private state, shared by compile.c (control flow, calls,
 * one instruction at a time, functions) and compile_emit.c (the code buffer,
 * the abstract operand stack and the slot-operand instructions with their
 * fused forms). Nothing outside these two files includes it. */
#ifndef WA_COMPILE_H
#define WA_COMPILE_H

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

/* ---- compile_emit.c ---- */
bool wa__tr_grow(comp *c, void **p, uint32_t *cap, uint32_t need, size_t elem);
void wa__tr_emit(comp *c, uint32_t w);
uint32_t wa__tr_emit_op(comp *c, wa_ir op);
void wa__tr_set_sp(comp *c, uint32_t h);
void wa__tr_push(comp *c, uint32_t kind, uint32_t local, uint64_t val);
uint32_t wa__tr_push_temp(comp *c);
void wa__tr_pop(comp *c, uint32_t n);
uint32_t wa__tr_use_top(comp *c, uint32_t from_top);
void wa__tr_move_entry(comp *c, uint32_t k, uint32_t dst);
void wa__tr_flush_from(comp *c, uint32_t from);
void wa__tr_flush_top(comp *c, uint32_t n);
void wa__tr_local_set(comp *c, uint32_t i, bool tee);
void wa__tr_set_result(comp *c, uint32_t dst_pos);
void wa__tr_emit_result(comp *c, wa_ir op, const uint32_t *w, uint32_t n);
void wa__tr_unop(comp *c, wa_ir op);
void wa__tr_binop(comp *c, wa_ir op);
void wa__tr_sink(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm);
void wa__tr_produce(comp *c, wa_ir op, uint32_t n, const uint32_t *imms, uint32_t nimm);
void wa__tr_load(comp *c, wa_ir op, uint32_t offset);
void wa__tr_store(comp *c, wa_ir op, uint32_t offset);

#endif
