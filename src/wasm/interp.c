/* SPDX-License-Identifier: MIT */
/* The dispatch loop: runs compiled code on the instance's own value and
 * frame stacks, so a call can stop (fuel, host suspend) and continue later
 * on any thread. wasm->wasm calls never recurse on the C stack. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"

static inline uint32_t rotl32(uint32_t a, uint32_t b) { b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }
static inline uint32_t rotr32(uint32_t a, uint32_t b) { b &= 31; return b ? (a >> b) | (a << (32 - b)) : a; }
static inline uint64_t rotl64(uint64_t a, uint64_t b) { b &= 63; return b ? (a << b) | (a >> (64 - b)) : a; }
static inline uint64_t rotr64(uint64_t a, uint64_t b) { b &= 63; return b ? (a >> b) | (a << (64 - b)) : a; }

static inline float f32_of(uint64_t s) {
    uint32_t b = (uint32_t)s;
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static inline double f64_of(uint64_t s) {
    double d;
    memcpy(&d, &s, 8);
    return d;
}
static inline uint64_t f32_slot(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}
static inline uint64_t f64_slot(double d) {
    uint64_t b;
    memcpy(&b, &d, 8);
    return b;
}

/* A product rounded on its own before it is added: where the target has a
 * fast fma, gcc's default -ffp-contract=fast would fuse a * b + c. */
static inline double f64_mul_rounded(double a, double b) {
    double p = a * b;
#ifdef __FP_FAST_FMA
    __asm__("" : "+m"(p));
#endif
    return p;
}

/* min/max: NaN wins (quieted by the addition), -0 < +0. */
static inline float fmin_f32(float a, float b) {
    if (isnan(a) || isnan(b)) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline float fmax_f32(float a, float b) {
    if (isnan(a) || isnan(b)) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}
static inline double fmin_f64(double a, double b) {
    if (isnan(a) || isnan(b)) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline double fmax_f64(double a, double b) {
    if (isnan(a) || isnan(b)) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}

/* Rounding functions may pass a signalling NaN through; wasm wants it quiet. */
static inline float quiet32(float (*fn)(float), float a) { return isnan(a) ? a + a : fn(a); }
static inline double quiet64(double (*fn)(double), double a) { return isnan(a) ? a + a : fn(a); }

void wa__set_trap(wa_instance *inst, wa_trap_kind kind, const char *detail) {
    inst->trap.kind = kind;
    inst->trap.exit_code = 0;
    if (detail && *detail)
        snprintf(inst->trap.message, sizeof inst->trap.message, "%s: %s", wa_trap_message(kind), detail);
    else snprintf(inst->trap.message, sizeof inst->trap.message, "%s", wa_trap_message(kind));
}

/* Makes room for `need` value slots: WA_TRAP_NONE, VALUE_STACK past the
 * limit or the budget, OUT_OF_MEMORY when the allocator fails. */
static wa_trap_kind stack_reserve(wa_instance *inst, size_t need) {
    size_t max = inst->limits.max_stack_bytes / 8;
    if (need > max) return WA_TRAP_VALUE_STACK;
    size_t n = inst->stack_slots ? inst->stack_slots : 1024;
    while (n < need) n *= 2;
    if (n > max) n = max;
    uint64_t grow = (uint64_t)(n - inst->stack_slots) * 8; /* charged to the memory budget */
    if (!wa__charge(inst->acct, grow)) return WA_TRAP_VALUE_STACK;
    uint64_t *s = wb_realloc(&inst->engine->alloc, inst->stack, (size_t)inst->stack_slots * 8, n * 8,
                             WB_TAG_STACK);
    if (!s) {
        wa__uncharge(inst->acct, grow);
        return WA_TRAP_OUT_OF_MEMORY;
    }
    inst->stack = s;
    inst->stack_slots = (uint32_t)n;
    return WA_TRAP_NONE;
}

/* Room for one more frame (WA_TRAP_NONE, CALL_STACK or OUT_OF_MEMORY). The
 * array never grows past max_call_depth, so a call whose frame fits needs
 * no separate depth check. */
static wa_trap_kind frames_grow(wa_instance *inst) {
    uint32_t max = inst->limits.max_call_depth;
    if (inst->nframes >= max) return WA_TRAP_CALL_STACK;
    uint32_t n = inst->frames_cap ? inst->frames_cap * 2 : 16;
    if (n > max) n = max;
    uint64_t grow = (uint64_t)(n - inst->frames_cap) * sizeof(wa_frame);
    if (!wa__charge(inst->acct, grow)) return WA_TRAP_CALL_STACK;
    wa_frame *f = wb_realloc(&inst->engine->alloc, inst->frames, (size_t)inst->frames_cap * sizeof *f,
                             (size_t)n * sizeof *f, WB_TAG_STACK);
    if (!f) {
        wa__uncharge(inst->acct, grow);
        return WA_TRAP_OUT_OF_MEMORY;
    }
    inst->frames = f;
    inst->frames_cap = n;
    return WA_TRAP_NONE;
}

static bool functype_eq(const wa_functype *a, const wa_functype *b) {
    /* a function of the caller's own module shares its type's arrays */
    if (a->params == b->params && a->results == b->results)
        return a->nparams == b->nparams && a->nresults == b->nresults;
    return a->nparams == b->nparams && a->nresults == b->nresults &&
           (a->nparams == 0 || !memcmp(a->params, b->params, a->nparams * sizeof *a->params)) &&
           (a->nresults == 0 || !memcmp(a->results, b->results, a->nresults * sizeof *a->results));
}

/* Calls host function f with the arguments in slots[], writing its results
 * back there. The caller (for memory access) is the instance whose code
 * made the call. */
static wa_host_status call_host(wa_instance *caller, const wa_func *f, uint64_t *slots) {
    wa_value small_args[8], small_res[8];
    wa_value *args = small_args, *res = small_res;
    uint32_t np = f->type.nparams, nr = f->type.nresults;
    if (np > 8) args = calloc(np, sizeof *args);
    if (nr > 8) res = calloc(nr, sizeof *res);
    wa_host_status st = WA_HOST_TRAP;
    if (!args || !res) {
        wa__set_trap(caller, WA_TRAP_HOST, "out of memory for host call");
        goto out;
    }
    for (uint32_t i = 0; i < np; i++) args[i] = wa__slot_to_value(slots[i], f->type.params[i]);
    for (uint32_t i = 0; i < nr; i++) res[i] = wa__slot_to_value(0, f->type.results[i]);
    st = f->host(caller, args, res, f->ud);
    if (st == WA_HOST_OK)
        for (uint32_t i = 0; i < nr; i++) slots[i] = wa__value_to_slot(res[i]);
    else if (st == WA_HOST_TRAP && caller->trap.kind == WA_TRAP_NONE)
        wa__set_trap(caller, WA_TRAP_HOST, NULL);
out:
    if (args != small_args) free(args);
    if (res != small_res) free(res);
    return st;
}

#define SLOT(k) fp[pc[k]]
#define RU32(k) ((uint32_t)SLOT(k))
#define RI32(k) ((int32_t)(uint32_t)SLOT(k))
#define RU64(k) (SLOT(k))
#define RI64(k) ((int64_t)SLOT(k))
#define RF32(k) f32_of(SLOT(k))
#define RF64(k) f64_of(SLOT(k))
#define WU32(k, v) (SLOT(k) = (uint32_t)(v))
#define WU64(k, v) (SLOT(k) = (uint64_t)(v))
#define WF32(k, v) (SLOT(k) = f32_slot(v))
#define WF64(k, v) (SLOT(k) = f64_slot(v))

#ifdef WA_DISPATCH_SWITCH
#define CASE(n) case WA_IR_##n:
#define DISPATCH() goto dispatch
#else
#define CASE(n) l_##n:
#define DISPATCH() goto *(&&l_FUEL + (int32_t)*pc)
#endif
/* Advances past an instruction of n words and runs the next one. */
#define NEXT(n) do { pc += (n); DISPATCH(); } while (0)

#define LOAD_MEM()                                                                         \
    do {                                                                                   \
        mbase = cur->memory ? cur->memory->base : NULL;                                    \
        msize = cur->memory ? cur->memory->size : 0;                                       \
    } while (0)
#define LOAD_CTX()                                                                         \
    do {                                                                                   \
        LOAD_MEM();                                                                        \
        globals = cur->globals;                                                            \
        funcs = cur->funcs;                                                                \
        codes = ((const wa_compiled *)cur->module->compiled)->codes;                       \
    } while (0)

/* Zeroes the declared locals of a frame just entered at fp: plain stores
 * for the usual handful (every frame has 4 such slots, see wa_code), as a
 * loop here becomes `rep stos` (gcc), whose start-up cost dominated calls. */
#define ZERO_LOCALS(cd)                                                                    \
    do {                                                                                   \
        uint64_t *l_ = fp + (cd)->nparams;                                                 \
        uint32_t nl_ = (cd)->nlocals;                                                      \
        l_[0] = 0;                                                                         \
        l_[1] = 0;                                                                         \
        l_[2] = 0;                                                                         \
        l_[3] = 0;                                                                         \
        if (nl_ > 4) memset(l_ + 4, 0, (size_t)(nl_ - 4) * 8);                             \
    } while (0)

/* Runs the paused state of `top` (pc/fp/cur/code) with `budget` fuel, or
 * fills opwords (when top is NULL) with each instruction's opcode word. */
static wa_run_status run(wa_instance *top, int64_t budget, bool lifetime_bound, uint32_t *opwords) {
#ifndef WA_DISPATCH_SWITCH
    static const void *const labels[WA_IR_COUNT_] = {
#define IR(n) [WA_IR_##n] = &&l_##n,
#include "ir.def"
#define OP(n, c, i, s) [WA_IR_##n] = &&l_##n,
#define OP_FC(n, c, i, s) [WA_IR_##n] = &&l_##n,
#include "opcodes.def"
    };
#endif
    if (!top) {
        for (uint32_t i = 0; i < WA_IR_COUNT_; i++) {
#ifdef WA_DISPATCH_SWITCH
            opwords[i] = i;
#else
            opwords[i] = (uint32_t)(int32_t)((const char *)labels[i] - (const char *)&&l_FUEL);
#endif
        }
        return WA_RUN_DONE;
    }
    const uint32_t *pc = top->pc;
    uint64_t *stack = top->stack;
    uint64_t *fp = stack + top->fp;
    wa_instance *cur = top->cur;
    const wa_code *code = top->code;
    uint8_t *mbase;
    uint64_t msize;
    wa_global **globals;
    wa_func **funcs;
    const wa_code *codes;
    int64_t fuel = budget;
    wa_trap_kind tk = WA_TRAP_NONE;
    const char *detail = NULL;
    /* call state */
    const wa_code *ccode = NULL;
    wa_instance *cinst = NULL;
    const wa_func *callee = NULL;
    uint32_t args = 0;
    LOAD_CTX();
    DISPATCH();

#ifdef WA_DISPATCH_SWITCH
dispatch:
    switch ((wa_ir)*pc) {
#endif
    CASE(FUEL) {
        if (fuel <= 0) goto out_of_fuel;
        fuel -= pc[1];
        NEXT(2);
    }
    CASE(JMP) { pc += 1 + (int32_t)pc[1]; DISPATCH(); }
    CASE(JNZ) { if (RU32(1)) pc += 2 + (int32_t)pc[2]; else pc += 3; DISPATCH(); }
    CASE(JZ) { if (!RU32(1)) pc += 2 + (int32_t)pc[2]; else pc += 3; DISPATCH(); }
    CASE(JTAB) {
        uint32_t i = RU32(1), n = pc[2];
        if (i > n) i = n;
        pc += (ptrdiff_t)(3 + i) + (int32_t)pc[3 + i];
        DISPATCH();
    }
    /* back-edges charge the loop header's fuel (t[-1]) without dispatching it */
#define BACK_EDGE(t)                                                                       \
    do {                                                                                   \
        const uint32_t *t_ = (t);                                                          \
        if (fuel <= 0) {                                                                   \
            pc = t_ - 2;                                                                   \
            goto out_of_fuel;                                                              \
        }                                                                                  \
        fuel -= t_[-1];                                                                    \
        pc = t_;                                                                           \
    } while (0)
    CASE(JMP_L) { BACK_EDGE(pc + 1 + (int32_t)pc[1]); DISPATCH(); }
    CASE(JNZ_L) { if (RU32(1)) BACK_EDGE(pc + 2 + (int32_t)pc[2]); else pc += 3; DISPATCH(); }
    CASE(JZ_L) { if (!RU32(1)) BACK_EDGE(pc + 2 + (int32_t)pc[2]); else pc += 3; DISPATCH(); }
    CASE(COPY) { SLOT(1) = SLOT(2); NEXT(3); }
    CASE(CONST32) { SLOT(1) = pc[2]; NEXT(3); }
    CASE(CONST64) { SLOT(1) = (uint64_t)pc[2] | ((uint64_t)pc[3] << 32); NEXT(4); }
    CASE(SEL) { SLOT(1) = RU32(4) ? SLOT(2) : SLOT(3); NEXT(5); }
    CASE(UNREACHABLE) { tk = WA_TRAP_UNREACHABLE; goto trap; }
    CASE(GLOBAL_GET) { SLOT(1) = globals[pc[2]]->val; NEXT(3); }
    CASE(GLOBAL_SET) { globals[pc[1]]->val = SLOT(2); NEXT(3); }
    CASE(REF_FUNC) { SLOT(1) = (uint64_t)(uintptr_t)funcs[pc[2]]; NEXT(3); }

    /* ---- calls and returns ---- */
    CASE(CALL_DEF) {
        /* the common call, done here with its own short-lived variables;
         * growing the frame array or the value stack takes `enter` */
        const wa_code *cc = &codes[pc[1]];
        uint32_t nf = top->nframes;
        size_t fpo = (size_t)(fp - stack), base = fpo + pc[2];
        if (nf >= top->frames_cap || base + cc->frame_slots > top->stack_slots) {
            ccode = cc;
            cinst = cur;
            args = pc[2];
            pc += 3;
            goto enter;
        }
        top->frames[nf] = (wa_frame){pc + 3, cur, code, (uint32_t)fpo};
        top->nframes = nf + 1;
        fp = stack + base;
        ZERO_LOCALS(cc);
        code = cc;
        pc = cc->words;
        if (fuel <= 0) goto out_of_fuel;
        fuel -= pc[1];
        NEXT(2);
    }
    CASE(CALL_FUNC) {
        callee = funcs[pc[1]];
        args = pc[2];
        pc += 3;
        goto call_func;
    }
    CASE(CALL_IND) {
        wa_table *t = cur->tables[pc[2]];
        uint32_t i = RU32(3);
        if (i >= t->size) { tk = WA_TRAP_UNDEFINED_ELEMENT; goto trap; }
        callee = t->elems[i];
        if (!callee) { tk = WA_TRAP_UNINITIALIZED_ELEMENT; goto trap; }
        const wa_compiled *cc = cur->module->compiled;
        if (callee->sig_hash != cc->type_hash[pc[1]] ||
            !functype_eq(&callee->type, &cur->module->types[pc[1]])) {
            tk = WA_TRAP_INDIRECT_TYPE;
            goto trap;
        }
        args = pc[4];
        pc += 5;
        goto call_func;
    }
    CASE(RET1) { fp[0] = fp[pc[1]]; goto ret; }
    CASE(RET) {
        uint32_t src = pc[1], n = pc[2];
        for (uint32_t j = 0; j < n; j++) fp[j] = fp[src + j];
        goto ret;
    }

    /* ---- memory ---- */
    CASE(MEMORY_SIZE) { WU32(1, cur->memory->pages); NEXT(2); }
    CASE(MEMORY_GROW) {
        int64_t r = wa__memory_grow(cur->memory, RU32(2));
        WU32(1, (uint32_t)r);
        LOAD_MEM();
        NEXT(3);
    }
    CASE(MEMORY_FILL) {
        uint64_t d = RU32(1), n = RU32(3);
        if (d + n > msize) goto trap_mem;
        if (n) memset(mbase + d, (int)(uint8_t)RU32(2), n);
        fuel -= (int64_t)(n >> 6);
        NEXT(4);
    }
    CASE(MEMORY_COPY) {
        uint64_t d = RU32(1), s = RU32(2), n = RU32(3);
        if (d + n > msize || s + n > msize) goto trap_mem;
        if (n) memmove(mbase + d, mbase + s, n);
        fuel -= (int64_t)(n >> 6);
        NEXT(4);
    }
    CASE(MEMORY_INIT) {
        uint64_t n = RU32(4);
        tk = wa__memory_init(cur, pc[1], RU32(2), RU32(3), n);
        if (tk != WA_TRAP_NONE) goto trap;
        fuel -= (int64_t)(n >> 6);
        NEXT(5);
    }
    CASE(DATA_DROP) { cur->data_dropped[pc[1]] = 1; NEXT(2); }

    /* ---- tables ---- */
    CASE(TABLE_GET) {
        wa_table *t = cur->tables[pc[2]];
        uint32_t i = RU32(3);
        if (i >= t->size) { tk = WA_TRAP_TABLE_OOB; goto trap; }
        SLOT(1) = (uint64_t)(uintptr_t)t->elems[i];
        NEXT(4);
    }
    CASE(TABLE_SET) {
        wa_table *t = cur->tables[pc[1]];
        uint32_t i = RU32(2);
        if (i >= t->size) { tk = WA_TRAP_TABLE_OOB; goto trap; }
        t->elems[i] = (void *)(uintptr_t)SLOT(3);
        NEXT(4);
    }
    CASE(TABLE_SIZE) { WU32(1, cur->tables[pc[2]]->size); NEXT(3); }
    CASE(TABLE_GROW) {
        int64_t r = wa__table_grow(cur->tables[pc[2]], RU32(4), (void *)(uintptr_t)SLOT(3));
        WU32(1, (uint32_t)r);
        NEXT(5);
    }
    CASE(TABLE_FILL) {
        wa_table *t = cur->tables[pc[1]];
        uint64_t i = RU32(2), n = RU32(4);
        void *v = (void *)(uintptr_t)SLOT(3);
        if (i + n > t->size) { tk = WA_TRAP_TABLE_OOB; goto trap; }
        for (uint64_t j = 0; j < n; j++) t->elems[i + j] = v;
        fuel -= (int64_t)(n >> 3);
        NEXT(5);
    }
    CASE(TABLE_COPY) {
        wa_table *dt = cur->tables[pc[1]], *st = cur->tables[pc[2]];
        uint64_t d = RU32(3), s = RU32(4), n = RU32(5);
        if (d + n > dt->size || s + n > st->size) { tk = WA_TRAP_TABLE_OOB; goto trap; }
        if (n) memmove(dt->elems + d, st->elems + s, n * sizeof(void *));
        fuel -= (int64_t)(n >> 3);
        NEXT(6);
    }
    CASE(TABLE_INIT) {
        uint64_t n = RU32(5);
        tk = wa__table_init(cur, pc[1], pc[2], RU32(3), RU32(4), n);
        if (tk != WA_TRAP_NONE) goto trap;
        fuel -= (int64_t)(n >> 3);
        NEXT(6);
    }
    CASE(ELEM_DROP) { cur->elem_dropped[pc[1]] = 1; NEXT(2); }

    /* ---- numeric ---- */
    CASE(I32_ADD) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a + b); NEXT(4); }
    CASE(I32_SUB) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a - b); NEXT(4); }
    CASE(I32_MUL) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a * b); NEXT(4); }
    CASE(I32_AND) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a & b); NEXT(4); }
    CASE(I32_OR) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a | b); NEXT(4); }
    CASE(I32_XOR) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a ^ b); NEXT(4); }
    CASE(I32_SHL) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a << (b & 31)); NEXT(4); }
    CASE(I32_SHR_U) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a >> (b & 31)); NEXT(4); }
    CASE(I32_SHR_S) { uint32_t a = RU32(2), b = RU32(3); WU32(1, (uint32_t)((int32_t)a >> (b & 31))); NEXT(4); }
    CASE(I32_ROTL) { uint32_t a = RU32(2), b = RU32(3); WU32(1, rotl32(a, b)); NEXT(4); }
    CASE(I32_ROTR) { uint32_t a = RU32(2), b = RU32(3); WU32(1, rotr32(a, b)); NEXT(4); }
    CASE(I32_EQ) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a == b); NEXT(4); }
    CASE(I32_NE) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a != b); NEXT(4); }
    CASE(I32_LT_S) { uint32_t a = RU32(2), b = RU32(3); WU32(1, (int32_t)a < (int32_t)b); NEXT(4); }
    CASE(I32_LT_U) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a < b); NEXT(4); }
    CASE(I32_GT_S) { uint32_t a = RU32(2), b = RU32(3); WU32(1, (int32_t)a > (int32_t)b); NEXT(4); }
    CASE(I32_GT_U) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a > b); NEXT(4); }
    CASE(I32_LE_S) { uint32_t a = RU32(2), b = RU32(3); WU32(1, (int32_t)a <= (int32_t)b); NEXT(4); }
    CASE(I32_LE_U) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a <= b); NEXT(4); }
    CASE(I32_GE_S) { uint32_t a = RU32(2), b = RU32(3); WU32(1, (int32_t)a >= (int32_t)b); NEXT(4); }
    CASE(I32_GE_U) { uint32_t a = RU32(2), b = RU32(3); WU32(1, a >= b); NEXT(4); }
    CASE(I64_ADD) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a + b); NEXT(4); }
    CASE(I64_SUB) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a - b); NEXT(4); }
    CASE(I64_MUL) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a * b); NEXT(4); }
    CASE(I64_AND) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a & b); NEXT(4); }
    CASE(I64_OR) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a | b); NEXT(4); }
    CASE(I64_XOR) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a ^ b); NEXT(4); }
    CASE(I64_SHL) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a << (b & 63)); NEXT(4); }
    CASE(I64_SHR_U) { uint64_t a = RU64(2), b = RU64(3); WU64(1, a >> (b & 63)); NEXT(4); }
    CASE(I64_SHR_S) { uint64_t a = RU64(2), b = RU64(3); WU64(1, (uint64_t)((int64_t)a >> (b & 63))); NEXT(4); }
    CASE(I64_ROTL) { uint64_t a = RU64(2), b = RU64(3); WU64(1, rotl64(a, b)); NEXT(4); }
    CASE(I64_ROTR) { uint64_t a = RU64(2), b = RU64(3); WU64(1, rotr64(a, b)); NEXT(4); }
    CASE(I64_EQ) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a == b); NEXT(4); }
    CASE(I64_NE) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a != b); NEXT(4); }
    CASE(I64_LT_S) { uint64_t a = RU64(2), b = RU64(3); WU32(1, (int64_t)a < (int64_t)b); NEXT(4); }
    CASE(I64_LT_U) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a < b); NEXT(4); }
    CASE(I64_GT_S) { uint64_t a = RU64(2), b = RU64(3); WU32(1, (int64_t)a > (int64_t)b); NEXT(4); }
    CASE(I64_GT_U) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a > b); NEXT(4); }
    CASE(I64_LE_S) { uint64_t a = RU64(2), b = RU64(3); WU32(1, (int64_t)a <= (int64_t)b); NEXT(4); }
    CASE(I64_LE_U) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a <= b); NEXT(4); }
    CASE(I64_GE_S) { uint64_t a = RU64(2), b = RU64(3); WU32(1, (int64_t)a >= (int64_t)b); NEXT(4); }
    CASE(I64_GE_U) { uint64_t a = RU64(2), b = RU64(3); WU32(1, a >= b); NEXT(4); }
    CASE(I32_ADD_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a + b); NEXT(4); }
    CASE(I32_AND_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a & b); NEXT(4); }
    CASE(I32_OR_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a | b); NEXT(4); }
    CASE(I32_XOR_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a ^ b); NEXT(4); }
    CASE(I32_SHL_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a << (b & 31)); NEXT(4); }
    CASE(I32_SHR_S_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, (uint32_t)((int32_t)a >> (b & 31))); NEXT(4); }
    CASE(I32_SHR_U_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a >> (b & 31)); NEXT(4); }
    CASE(I32_MUL_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a * b); NEXT(4); }
    CASE(I32_EQ_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a == b); NEXT(4); }
    CASE(I32_NE_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a != b); NEXT(4); }
    CASE(I32_LT_S_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, (int32_t)a < (int32_t)b); NEXT(4); }
    CASE(I32_LT_U_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a < b); NEXT(4); }
    CASE(I32_GT_S_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, (int32_t)a > (int32_t)b); NEXT(4); }
    CASE(I32_GT_U_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a > b); NEXT(4); }
    CASE(I32_LE_S_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, (int32_t)a <= (int32_t)b); NEXT(4); }
    CASE(I32_LE_U_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a <= b); NEXT(4); }
    CASE(I32_GE_S_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, (int32_t)a >= (int32_t)b); NEXT(4); }
    CASE(I32_GE_U_IMM) { uint32_t a = RU32(2), b = pc[3]; WU32(1, a >= b); NEXT(4); }
    CASE(I64_ADD_IMM) { WU64(1, RU64(2) + (uint64_t)(int64_t)(int32_t)pc[3]); NEXT(4); }
    CASE(J_I32_EQ) { uint32_t a = RU32(1), b = RU32(2); if (a == b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_NE) { uint32_t a = RU32(1), b = RU32(2); if (a != b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_S) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a < (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_U) { uint32_t a = RU32(1), b = RU32(2); if (a < b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_S) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a > (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_U) { uint32_t a = RU32(1), b = RU32(2); if (a > b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_S) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a <= (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_U) { uint32_t a = RU32(1), b = RU32(2); if (a <= b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_S) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a >= (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_U) { uint32_t a = RU32(1), b = RU32(2); if (a >= b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_EQ_L) { uint32_t a = RU32(1), b = RU32(2); if (a == b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_NE_L) { uint32_t a = RU32(1), b = RU32(2); if (a != b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_S_L) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_U_L) { uint32_t a = RU32(1), b = RU32(2); if (a < b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_S_L) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_U_L) { uint32_t a = RU32(1), b = RU32(2); if (a > b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_S_L) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_U_L) { uint32_t a = RU32(1), b = RU32(2); if (a <= b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_S_L) { uint32_t a = RU32(1), b = RU32(2); if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_U_L) { uint32_t a = RU32(1), b = RU32(2); if (a >= b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_EQ_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a == b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_NE_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a != b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_S_IMM) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a < (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_U_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a < b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_S_IMM) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a > (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_U_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a > b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_S_IMM) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a <= (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_U_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a <= b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_S_IMM) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a >= (int32_t)b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_U_IMM) { uint32_t a = RU32(1), b = pc[2]; if (a >= b) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_I32_EQ_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a == b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_NE_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a != b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_S_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LT_U_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a < b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_S_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GT_U_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a > b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_S_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_LE_U_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a <= b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_S_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_I32_GE_U_IMM_L) { uint32_t a = RU32(1), b = pc[2]; if (a >= b) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    /* counter step + back-edge: b is read after i is written (they may be one slot) */
    CASE(STEP_J_EQ_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a == b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_NE_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a != b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LT_S_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LT_U_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a < b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GT_S_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GT_U_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a > b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LE_S_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LE_U_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a <= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GE_S_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GE_U_IMM_L) { uint32_t a = RU32(2) + pc[3], b = pc[4]; WU32(1, a); if (a >= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_EQ_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a == b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_NE_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a != b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LT_S_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LT_U_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a < b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GT_S_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GT_U_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a > b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LE_S_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_LE_U_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a <= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GE_S_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEP_J_GE_U_L) { uint32_t a = RU32(2) + pc[3]; WU32(1, a); uint32_t b = RU32(4); if (a >= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_EQ_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a == b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_NE_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a != b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LT_S_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LT_U_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a < b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GT_S_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GT_U_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a > b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LE_S_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LE_U_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a <= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GE_S_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GE_U_IMM_L) { uint32_t a = RU32(2) + RU32(3), b = pc[4]; WU32(1, a); if (a >= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_EQ_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a == b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_NE_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a != b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LT_S_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a < (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LT_U_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a < b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GT_S_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a > (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GT_U_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a > b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LE_S_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a <= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_LE_U_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a <= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GE_S_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if ((int32_t)a >= (int32_t)b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(STEPR_J_GE_U_L) { uint32_t a = RU32(2) + RU32(3); WU32(1, a); uint32_t b = RU32(4); if (a >= b) BACK_EDGE(pc + 5 + (int32_t)pc[5]); else pc += 6; DISPATCH(); }
    CASE(J_AND_IMM_Z) { if (!(RU32(1) & pc[2])) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_AND_IMM_NZ) { if (RU32(1) & pc[2]) pc += 3 + (int32_t)pc[3]; else pc += 4; DISPATCH(); }
    CASE(J_AND_IMM_Z_L) { if (!(RU32(1) & pc[2])) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(J_AND_IMM_NZ_L) { if (RU32(1) & pc[2]) BACK_EDGE(pc + 3 + (int32_t)pc[3]); else pc += 4; DISPATCH(); }
    CASE(I32_EQZ) { uint32_t a = RU32(2); WU32(1, a == 0); NEXT(3); }
    CASE(I64_EQZ) { uint64_t a = RU64(2); WU32(1, a == 0); NEXT(3); }
    CASE(REF_IS_NULL) { uint64_t a = RU64(2); WU32(1, a == 0); NEXT(3); }
    CASE(I32_CLZ) { uint32_t a = RU32(2); WU32(1, a ? (uint32_t)__builtin_clz(a) : 32); NEXT(3); }
    CASE(I32_CTZ) { uint32_t a = RU32(2); WU32(1, a ? (uint32_t)__builtin_ctz(a) : 32); NEXT(3); }
    CASE(I32_POPCNT) { uint32_t a = RU32(2); WU32(1, (uint32_t)__builtin_popcount(a)); NEXT(3); }
    CASE(I64_CLZ) { uint64_t a = RU64(2); WU64(1, a ? (uint64_t)__builtin_clzll(a) : 64); NEXT(3); }
    CASE(I64_CTZ) { uint64_t a = RU64(2); WU64(1, a ? (uint64_t)__builtin_ctzll(a) : 64); NEXT(3); }
    CASE(I64_POPCNT) { uint64_t a = RU64(2); WU64(1, (uint64_t)__builtin_popcountll(a)); NEXT(3); }
    CASE(I32_WRAP_I64) { uint64_t a = RU64(2); WU32(1, (uint32_t)a); NEXT(3); }
    CASE(I64_EXTEND_I32_S) { uint32_t a = RU32(2); WU64(1, (uint64_t)(int64_t)(int32_t)a); NEXT(3); }
    CASE(I64_EXTEND_I32_U) { uint32_t a = RU32(2); WU64(1, (uint64_t)a); NEXT(3); }
    CASE(I32_EXTEND8_S) { uint32_t a = RU32(2); WU32(1, (uint32_t)(int32_t)(int8_t)a); NEXT(3); }
    CASE(I32_EXTEND16_S) { uint32_t a = RU32(2); WU32(1, (uint32_t)(int32_t)(int16_t)a); NEXT(3); }
    CASE(I64_EXTEND8_S) { uint64_t a = RU64(2); WU64(1, (uint64_t)(int64_t)(int8_t)a); NEXT(3); }
    CASE(I64_EXTEND16_S) { uint64_t a = RU64(2); WU64(1, (uint64_t)(int64_t)(int16_t)a); NEXT(3); }
    CASE(I64_EXTEND32_S) { uint64_t a = RU64(2); WU64(1, (uint64_t)(int64_t)(int32_t)a); NEXT(3); }
    CASE(I32_REINTERPRET_F32) { uint32_t a = RU32(2); WU32(1, a); NEXT(3); }
    CASE(F32_REINTERPRET_I32) { uint32_t a = RU32(2); WU32(1, a); NEXT(3); }
    CASE(I64_REINTERPRET_F64) { uint64_t a = RU64(2); WU64(1, a); NEXT(3); }
    CASE(F64_REINTERPRET_I64) { uint64_t a = RU64(2); WU64(1, a); NEXT(3); }
    CASE(F32_ABS) { WU32(1, RU32(2) & ~0x80000000u); NEXT(3); }
    CASE(F32_NEG) { WU32(1, RU32(2) ^ 0x80000000u); NEXT(3); }
    CASE(F32_COPYSIGN) { WU32(1, (RU32(2) & ~0x80000000u) | (RU32(3) & 0x80000000u)); NEXT(4); }
    CASE(F32_CEIL) { WF32(1, quiet32(ceilf, RF32(2))); NEXT(3); }
    CASE(F32_FLOOR) { WF32(1, quiet32(floorf, RF32(2))); NEXT(3); }
    CASE(F32_TRUNC) { WF32(1, quiet32(truncf, RF32(2))); NEXT(3); }
    CASE(F32_NEAREST) { WF32(1, quiet32(rintf, RF32(2))); NEXT(3); }
    CASE(F32_SQRT) { WF32(1, sqrtf(RF32(2))); NEXT(3); }
    CASE(F32_ADD) { float a = RF32(2), b = RF32(3); WF32(1, a + b); NEXT(4); }
    CASE(F32_SUB) { float a = RF32(2), b = RF32(3); WF32(1, a - b); NEXT(4); }
    CASE(F32_MUL) { float a = RF32(2), b = RF32(3); WF32(1, a * b); NEXT(4); }
    CASE(F32_DIV) { float a = RF32(2), b = RF32(3); WF32(1, a / b); NEXT(4); }
    CASE(F32_MIN) { float a = RF32(2), b = RF32(3); WF32(1, fmin_f32(a, b)); NEXT(4); }
    CASE(F32_MAX) { float a = RF32(2), b = RF32(3); WF32(1, fmax_f32(a, b)); NEXT(4); }
    CASE(F32_EQ) { float a = RF32(2), b = RF32(3); WU32(1, a == b); NEXT(4); }
    CASE(F32_NE) { float a = RF32(2), b = RF32(3); WU32(1, a != b); NEXT(4); }
    CASE(F32_LT) { float a = RF32(2), b = RF32(3); WU32(1, a < b); NEXT(4); }
    CASE(F32_GT) { float a = RF32(2), b = RF32(3); WU32(1, a > b); NEXT(4); }
    CASE(F32_LE) { float a = RF32(2), b = RF32(3); WU32(1, a <= b); NEXT(4); }
    CASE(F32_GE) { float a = RF32(2), b = RF32(3); WU32(1, a >= b); NEXT(4); }
    CASE(F64_ABS) { WU64(1, RU64(2) & ~0x8000000000000000ull); NEXT(3); }
    CASE(F64_NEG) { WU64(1, RU64(2) ^ 0x8000000000000000ull); NEXT(3); }
    CASE(F64_COPYSIGN) { WU64(1, (RU64(2) & ~0x8000000000000000ull) | (RU64(3) & 0x8000000000000000ull)); NEXT(4); }
    CASE(F64_CEIL) { WF64(1, quiet64(ceil, RF64(2))); NEXT(3); }
    CASE(F64_FLOOR) { WF64(1, quiet64(floor, RF64(2))); NEXT(3); }
    CASE(F64_TRUNC) { WF64(1, quiet64(trunc, RF64(2))); NEXT(3); }
    CASE(F64_NEAREST) { WF64(1, quiet64(rint, RF64(2))); NEXT(3); }
    CASE(F64_SQRT) { WF64(1, sqrt(RF64(2))); NEXT(3); }
    CASE(F64_ADD) { double a = RF64(2), b = RF64(3); WF64(1, a + b); NEXT(4); }
    CASE(F64_SUB) { double a = RF64(2), b = RF64(3); WF64(1, a - b); NEXT(4); }
    CASE(F64_MUL) { double a = RF64(2), b = RF64(3); WF64(1, a * b); NEXT(4); }
    CASE(F64_DIV) { double a = RF64(2), b = RF64(3); WF64(1, a / b); NEXT(4); }
    CASE(F64_MIN) { double a = RF64(2), b = RF64(3); WF64(1, fmin_f64(a, b)); NEXT(4); }
    CASE(F64_MAX) { double a = RF64(2), b = RF64(3); WF64(1, fmax_f64(a, b)); NEXT(4); }
    CASE(F64_EQ) { double a = RF64(2), b = RF64(3); WU32(1, a == b); NEXT(4); }
    CASE(F64_NE) { double a = RF64(2), b = RF64(3); WU32(1, a != b); NEXT(4); }
    CASE(F64_LT) { double a = RF64(2), b = RF64(3); WU32(1, a < b); NEXT(4); }
    CASE(F64_GT) { double a = RF64(2), b = RF64(3); WU32(1, a > b); NEXT(4); }
    CASE(F64_LE) { double a = RF64(2), b = RF64(3); WU32(1, a <= b); NEXT(4); }
    CASE(F64_GE) { double a = RF64(2), b = RF64(3); WU32(1, a >= b); NEXT(4); }
    CASE(F32_CONVERT_I32_S) { uint32_t a = RU32(2); WF32(1, (float)(int32_t)a); NEXT(3); }
    CASE(F32_CONVERT_I32_U) { uint32_t a = RU32(2); WF32(1, (float)a); NEXT(3); }
    CASE(F32_CONVERT_I64_S) { uint64_t a = RU64(2); WF32(1, (float)(int64_t)a); NEXT(3); }
    CASE(F32_CONVERT_I64_U) { uint64_t a = RU64(2); WF32(1, (float)a); NEXT(3); }
    CASE(F64_CONVERT_I32_S) { uint32_t a = RU32(2); WF64(1, (double)(int32_t)a); NEXT(3); }
    CASE(F64_CONVERT_I32_U) { uint32_t a = RU32(2); WF64(1, (double)a); NEXT(3); }
    CASE(F64_CONVERT_I64_S) { uint64_t a = RU64(2); WF64(1, (double)(int64_t)a); NEXT(3); }
    CASE(F64_CONVERT_I64_U) { uint64_t a = RU64(2); WF64(1, (double)a); NEXT(3); }
    CASE(F32_DEMOTE_F64) { double a = RF64(2); WF32(1, (float)a); NEXT(3); }
    CASE(F64_PROMOTE_F32) { float a = RF32(2); WF64(1, (double)a); NEXT(3); }
    CASE(I32_TRUNC_F32_S) { float a = RF32(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -2147483904.0f && a < 2147483648.0f)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU32(1, (int32_t)a); NEXT(3); }
    CASE(I32_TRUNC_SAT_F32_S) { float a = RF32(2); int32_t v = isnan(a) ? 0 : !(a > -2147483904.0f) ? INT32_MIN : !(a < 2147483648.0f) ? INT32_MAX : (int32_t)a; WU32(1, v); NEXT(3); }
    CASE(I32_TRUNC_F32_U) { float a = RF32(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -1.0f && a < 4294967296.0f)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU32(1, (uint32_t)a); NEXT(3); }
    CASE(I32_TRUNC_SAT_F32_U) { float a = RF32(2); uint32_t v = isnan(a) ? 0 : !(a > -1.0f) ? 0 : !(a < 4294967296.0f) ? UINT32_MAX : (uint32_t)a; WU32(1, v); NEXT(3); }
    CASE(I32_TRUNC_F64_S) { double a = RF64(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -2147483649.0 && a < 2147483648.0)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU32(1, (int32_t)a); NEXT(3); }
    CASE(I32_TRUNC_SAT_F64_S) { double a = RF64(2); int32_t v = isnan(a) ? 0 : !(a > -2147483649.0) ? INT32_MIN : !(a < 2147483648.0) ? INT32_MAX : (int32_t)a; WU32(1, v); NEXT(3); }
    CASE(I32_TRUNC_F64_U) { double a = RF64(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -1.0 && a < 4294967296.0)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU32(1, (uint32_t)a); NEXT(3); }
    CASE(I32_TRUNC_SAT_F64_U) { double a = RF64(2); uint32_t v = isnan(a) ? 0 : !(a > -1.0) ? 0 : !(a < 4294967296.0) ? UINT32_MAX : (uint32_t)a; WU32(1, v); NEXT(3); }
    CASE(I64_TRUNC_F32_S) { float a = RF32(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -9223373136366403584.0f && a < 9223372036854775808.0f)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU64(1, (int64_t)a); NEXT(3); }
    CASE(I64_TRUNC_SAT_F32_S) { float a = RF32(2); int64_t v = isnan(a) ? 0 : !(a > -9223373136366403584.0f) ? INT64_MIN : !(a < 9223372036854775808.0f) ? INT64_MAX : (int64_t)a; WU64(1, v); NEXT(3); }
    CASE(I64_TRUNC_F32_U) { float a = RF32(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -1.0f && a < 18446744073709551616.0f)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU64(1, (uint64_t)a); NEXT(3); }
    CASE(I64_TRUNC_SAT_F32_U) { float a = RF32(2); uint64_t v = isnan(a) ? 0 : !(a > -1.0f) ? 0 : !(a < 18446744073709551616.0f) ? UINT64_MAX : (uint64_t)a; WU64(1, v); NEXT(3); }
    CASE(I64_TRUNC_F64_S) { double a = RF64(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -9223372036854777856.0 && a < 9223372036854775808.0)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU64(1, (int64_t)a); NEXT(3); }
    CASE(I64_TRUNC_SAT_F64_S) { double a = RF64(2); int64_t v = isnan(a) ? 0 : !(a > -9223372036854777856.0) ? INT64_MIN : !(a < 9223372036854775808.0) ? INT64_MAX : (int64_t)a; WU64(1, v); NEXT(3); }
    CASE(I64_TRUNC_F64_U) { double a = RF64(2); if (isnan(a)) { tk = WA_TRAP_BAD_CONVERSION; goto trap; } if (!(a > -1.0 && a < 18446744073709551616.0)) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU64(1, (uint64_t)a); NEXT(3); }
    CASE(I64_TRUNC_SAT_F64_U) { double a = RF64(2); uint64_t v = isnan(a) ? 0 : !(a > -1.0) ? 0 : !(a < 18446744073709551616.0) ? UINT64_MAX : (uint64_t)a; WU64(1, v); NEXT(3); }
    CASE(I32_DIV_S) { int32_t a = RI32(2), b = RI32(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } if (a == INT32_MIN && b == -1) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU32(1, a / b); NEXT(4); }
    CASE(I32_DIV_U) { uint32_t a = RU32(2), b = RU32(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU32(1, a / b); NEXT(4); }
    CASE(I32_REM_S) { int32_t a = RI32(2), b = RI32(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU32(1, b == -1 ? 0 : a % b); NEXT(4); }
    CASE(I32_REM_U) { uint32_t a = RU32(2), b = RU32(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU32(1, a % b); NEXT(4); }
    CASE(I64_DIV_S) { int64_t a = RI64(2), b = RI64(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } if (a == INT64_MIN && b == -1) { tk = WA_TRAP_INT_OVERFLOW; goto trap; } WU64(1, a / b); NEXT(4); }
    CASE(I64_DIV_U) { uint64_t a = RU64(2), b = RU64(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU64(1, a / b); NEXT(4); }
    CASE(I64_REM_S) { int64_t a = RI64(2), b = RI64(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU64(1, b == -1 ? 0 : a % b); NEXT(4); }
    CASE(I64_REM_U) { uint64_t a = RU64(2), b = RU64(3); if (b == 0) { tk = WA_TRAP_DIV_BY_ZERO; goto trap; } WU64(1, a % b); NEXT(4); }
    CASE(I32_LOAD) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(4); }
    CASE(I64_LOAD) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(4); }
    CASE(F32_LOAD) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(4); }
    CASE(F64_LOAD) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(4); }
    CASE(I32_LOAD8_S) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 1 > msize) goto trap_mem; int8_t v; memcpy(&v, mbase + ea, 1); WU32(1, (int32_t)v); NEXT(4); }
    CASE(I32_LOAD8_U) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 1 > msize) goto trap_mem; uint8_t v; memcpy(&v, mbase + ea, 1); WU32(1, v); NEXT(4); }
    CASE(I32_LOAD16_S) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 2 > msize) goto trap_mem; int16_t v; memcpy(&v, mbase + ea, 2); WU32(1, (int32_t)v); NEXT(4); }
    CASE(I32_LOAD16_U) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 2 > msize) goto trap_mem; uint16_t v; memcpy(&v, mbase + ea, 2); WU32(1, v); NEXT(4); }
    CASE(I64_LOAD8_S) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 1 > msize) goto trap_mem; int8_t v; memcpy(&v, mbase + ea, 1); WU64(1, (int64_t)v); NEXT(4); }
    CASE(I64_LOAD8_U) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 1 > msize) goto trap_mem; uint8_t v; memcpy(&v, mbase + ea, 1); WU64(1, v); NEXT(4); }
    CASE(I64_LOAD16_S) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 2 > msize) goto trap_mem; int16_t v; memcpy(&v, mbase + ea, 2); WU64(1, (int64_t)v); NEXT(4); }
    CASE(I64_LOAD16_U) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 2 > msize) goto trap_mem; uint16_t v; memcpy(&v, mbase + ea, 2); WU64(1, v); NEXT(4); }
    CASE(I64_LOAD32_S) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 4 > msize) goto trap_mem; int32_t v; memcpy(&v, mbase + ea, 4); WU64(1, (int64_t)v); NEXT(4); }
    CASE(I64_LOAD32_U) { uint64_t ea = (uint64_t)RU32(2) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU64(1, v); NEXT(4); }
    CASE(I32_LOAD_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + pc[3]) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(5); }
    CASE(I64_LOAD_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + pc[3]) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(5); }
    CASE(F32_LOAD_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + pc[3]) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(5); }
    CASE(F64_LOAD_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + pc[3]) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(5); }
    CASE(I32_LOAD8_U_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + pc[3]) + pc[4]; if (ea + 1 > msize) goto trap_mem; uint8_t v; memcpy(&v, mbase + ea, 1); WU32(1, v); NEXT(5); }
    CASE(I32_LOAD_X) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + RU32(3)) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(5); }
    CASE(I64_LOAD_X) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + RU32(3)) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(5); }
    CASE(F32_LOAD_X) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + RU32(3)) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v; memcpy(&v, mbase + ea, 4); WU32(1, v); NEXT(5); }
    CASE(F64_LOAD_X) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + RU32(3)) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v; memcpy(&v, mbase + ea, 8); WU64(1, v); NEXT(5); }
    CASE(I32_LOAD8_U_X) { uint64_t ea = (uint64_t)(uint32_t)(RU32(2) + RU32(3)) + pc[4]; if (ea + 1 > msize) goto trap_mem; uint8_t v; memcpy(&v, mbase + ea, 1); WU32(1, v); NEXT(5); }
    CASE(I32_STORE_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(1) + pc[2]) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(3); memcpy(mbase + ea, &v, 4); NEXT(5); }
    CASE(I64_STORE_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(1) + pc[2]) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)RU64(3); memcpy(mbase + ea, &v, 8); NEXT(5); }
    CASE(F32_STORE_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(1) + pc[2]) + pc[4]; if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(3); memcpy(mbase + ea, &v, 4); NEXT(5); }
    CASE(F64_STORE_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(1) + pc[2]) + pc[4]; if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)RU64(3); memcpy(mbase + ea, &v, 8); NEXT(5); }
    CASE(I32_STORE8_A) { uint64_t ea = (uint64_t)(uint32_t)(RU32(1) + pc[2]) + pc[4]; if (ea + 1 > msize) goto trap_mem; uint8_t v = (uint8_t)RU64(3); memcpy(mbase + ea, &v, 1); NEXT(5); }
#define EA_M(k) ((uint64_t)(uint32_t)(RU32(k) + pc[(k) + 1]) + pc[(k) + 2])
    CASE(F64_ADD_M) { uint64_t ea = EA_M(3); if (ea + 8 > msize) goto trap_mem; double m; memcpy(&m, mbase + ea, 8); WF64(1, RF64(2) + m); NEXT(6); }
    CASE(F64_SUB_M) { uint64_t ea = EA_M(3); if (ea + 8 > msize) goto trap_mem; double m; memcpy(&m, mbase + ea, 8); WF64(1, RF64(2) - m); NEXT(6); }
    CASE(F64_MUL_M) { uint64_t ea = EA_M(3); if (ea + 8 > msize) goto trap_mem; double m; memcpy(&m, mbase + ea, 8); WF64(1, RF64(2) * m); NEXT(6); }
    CASE(F64_DIV_M) { uint64_t ea = EA_M(3); if (ea + 8 > msize) goto trap_mem; double m; memcpy(&m, mbase + ea, 8); WF64(1, RF64(2) / m); NEXT(6); }
    CASE(F64_ADD_MS) { uint64_t ea = (uint64_t)RU32(1) + pc[2]; if (ea + 8 > msize) goto trap_mem; double m; memcpy(&m, mbase + ea, 8); m = RF64(3) + m; memcpy(mbase + ea, &m, 8); NEXT(4); }
#define EA_X(k) ((uint64_t)(uint32_t)(RU32(k) + RU32((k) + 1)) + pc[(k) + 3])
    CASE(I32_STORE_X) { uint64_t ea = EA_X(1); if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(3); memcpy(mbase + ea, &v, 4); NEXT(5); }
    CASE(I64_STORE_X) { uint64_t ea = EA_X(1); if (ea + 8 > msize) goto trap_mem; uint64_t v = RU64(3); memcpy(mbase + ea, &v, 8); NEXT(5); }
    CASE(F32_STORE_X) { uint64_t ea = EA_X(1); if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(3); memcpy(mbase + ea, &v, 4); NEXT(5); }
    CASE(F64_STORE_X) { uint64_t ea = EA_X(1); if (ea + 8 > msize) goto trap_mem; uint64_t v = RU64(3); memcpy(mbase + ea, &v, 8); NEXT(5); }
    CASE(I32_STORE8_X) { uint64_t ea = EA_X(1); if (ea + 1 > msize) goto trap_mem; mbase[ea] = (uint8_t)RU64(3); NEXT(5); }
    CASE(I32_STORE_IX) { uint64_t ea = EA_X(1); if (ea + 4 > msize) goto trap_mem; uint32_t v = pc[3]; memcpy(mbase + ea, &v, 4); NEXT(5); }
    CASE(I32_STORE8_IX) { uint64_t ea = EA_X(1); if (ea + 1 > msize) goto trap_mem; mbase[ea] = (uint8_t)pc[3]; NEXT(5); }
    CASE(I64_STORE_IX) { uint64_t ea = EA_X(1); if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)(int64_t)(int32_t)pc[3]; memcpy(mbase + ea, &v, 8); NEXT(5); }
    CASE(F64_MULADD_MS) {
        uint64_t ea = (uint64_t)RU32(1) + pc[2], eb = EA_M(4);
        if (eb + 8 > msize || ea + 8 > msize) goto trap_mem;
        double m, y;
        memcpy(&y, mbase + eb, 8);
        memcpy(&m, mbase + ea, 8);
        m = f64_mul_rounded(RF64(3), y) + m;
        memcpy(mbase + ea, &m, 8);
        NEXT(7);
    }
    CASE(I32_STORE_I) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v = pc[2]; memcpy(mbase + ea, &v, 4); NEXT(4); }
    CASE(I32_STORE8_I) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 1 > msize) goto trap_mem; mbase[ea] = (uint8_t)pc[2]; NEXT(4); }
    CASE(I64_STORE_I) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)(int64_t)(int32_t)pc[2]; memcpy(mbase + ea, &v, 8); NEXT(4); }
    CASE(I32_STORE) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(2); memcpy(mbase + ea, &v, 4); NEXT(4); }
    CASE(I64_STORE) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)RU64(2); memcpy(mbase + ea, &v, 8); NEXT(4); }
    CASE(F32_STORE) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(2); memcpy(mbase + ea, &v, 4); NEXT(4); }
    CASE(F64_STORE) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 8 > msize) goto trap_mem; uint64_t v = (uint64_t)RU64(2); memcpy(mbase + ea, &v, 8); NEXT(4); }
    CASE(I32_STORE8) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 1 > msize) goto trap_mem; uint8_t v = (uint8_t)RU64(2); memcpy(mbase + ea, &v, 1); NEXT(4); }
    CASE(I32_STORE16) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 2 > msize) goto trap_mem; uint16_t v = (uint16_t)RU64(2); memcpy(mbase + ea, &v, 2); NEXT(4); }
    CASE(I64_STORE8) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 1 > msize) goto trap_mem; uint8_t v = (uint8_t)RU64(2); memcpy(mbase + ea, &v, 1); NEXT(4); }
    CASE(I64_STORE16) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 2 > msize) goto trap_mem; uint16_t v = (uint16_t)RU64(2); memcpy(mbase + ea, &v, 2); NEXT(4); }
    CASE(I64_STORE32) { uint64_t ea = (uint64_t)RU32(1) + pc[3]; if (ea + 4 > msize) goto trap_mem; uint32_t v = (uint32_t)RU64(2); memcpy(mbase + ea, &v, 4); NEXT(4); }

    /* never emitted: the translator folds or rewrites these */
    CASE(BAD)
    CASE(NOP) CASE(BLOCK) CASE(LOOP) CASE(IF) CASE(ELSE) CASE(END) CASE(BR) CASE(BR_IF) CASE(BR_TABLE)
    CASE(RETURN) CASE(CALL) CASE(CALL_INDIRECT) CASE(REF_NULL) CASE(DROP) CASE(SELECT)
    CASE(SELECT_T) CASE(LOCAL_GET) CASE(LOCAL_SET) CASE(LOCAL_TEE) CASE(I32_CONST)
    CASE(I64_CONST) CASE(F32_CONST) CASE(F64_CONST) {
        tk = WA_TRAP_HOST;
        detail = "internal error: bad instruction";
        goto trap;
    }
#ifdef WA_DISPATCH_SWITCH
    default:
        tk = WA_TRAP_HOST;
        detail = "internal error: bad instruction";
        goto trap;
    }
#endif

ret: {
        wa_frame *fr = &top->frames[--top->nframes];
        if (!fr->pc) goto done;
        pc = fr->pc;
        fp = stack + fr->fp;
        code = fr->code;
        /* mbase/msize are current within one instance: memory.grow and
         * host calls reload them */
        if (fr->inst != cur) {
            cur = fr->inst;
            LOAD_CTX();
        }
        DISPATCH();
    }

call_func:
    if (callee->code) {
        ccode = callee->code;
        cinst = callee->inst;
        goto enter;
    }
    /* host function: the state is saved first, so it may suspend */
    top->pc = pc;
    top->fp = (uint32_t)(fp - stack);
    top->cur = cur;
    top->code = code;
    top->host_args = top->fp + args;
    top->host_func = callee;
    top->fuel_used += (uint64_t)(budget - fuel);
    budget = fuel;
    {
        wa_instance *caller = cur;
        caller->trap.kind = WA_TRAP_NONE;
        wa_host_status hs = call_host(caller, callee, fp + args);
        if (hs == WA_HOST_SUSPEND) {
            top->state = WA_STATE_HOST;
            return WA_RUN_SUSPENDED;
        }
        if (hs != WA_HOST_OK) {
            if (caller != top) top->trap = caller->trap;
            tk = top->trap.kind;
            goto trapped;
        }
    }
    fuel -= 1;
    LOAD_MEM();
    DISPATCH();

enter:
    if (top->nframes >= top->frames_cap && (tk = frames_grow(top)) != WA_TRAP_NONE) goto trap;
    {
        size_t base = (size_t)(fp - stack) + args;
        if (base + ccode->frame_slots > top->stack_slots) {
            size_t fpo = (size_t)(fp - stack);
            if ((tk = stack_reserve(top, base + ccode->frame_slots)) != WA_TRAP_NONE) goto trap;
            stack = top->stack;
            fp = stack + fpo;
        }
        top->frames[top->nframes++] = (wa_frame){pc, cur, code, (uint32_t)(fp - stack)};
        fp = stack + base;
        ZERO_LOCALS(ccode);
        code = ccode;
        pc = ccode->words;
        if (cinst != cur) {
            cur = cinst;
            LOAD_CTX();
        }
    }
    /* the callee's entry FUEL op (always its first) is run here, saving a
     * dispatch per call; out of fuel, it stays the place to resume */
    if (fuel <= 0) goto out_of_fuel;
    fuel -= pc[1];
    NEXT(2);

out_of_fuel:
    top->pc = pc;
    top->fp = (uint32_t)(fp - stack);
    top->cur = cur;
    top->code = code;
    top->fuel_used += (uint64_t)(budget - fuel);
    if (lifetime_bound) {
        wa__set_trap(top, WA_TRAP_FUEL, NULL);
        goto trapped;
    }
    top->state = WA_STATE_FUEL;
    return WA_RUN_OUT_OF_FUEL;

done:
    top->fuel_used += (uint64_t)(budget - fuel);
    top->state = WA_STATE_IDLE;
    top->nframes = 0;
    return WA_RUN_DONE;

trap_mem:
    tk = WA_TRAP_MEMORY_OOB;
trap:
    top->fuel_used += (uint64_t)(budget - fuel);
    wa__set_trap(top, tk, detail);
trapped:
    top->trap.func_index = code ? code->func_index : 0;
    top->trap.code_offset = code ? wa__code_offset(code, (uint32_t)(pc - code->words)) : 0;
    top->state = WA_STATE_IDLE;
    top->nframes = 0;
    return WA_RUN_TRAP;
}

void wa__interp_opwords(uint32_t *out) { (void)run(NULL, 0, false, out); }

wa_run_status wa__run(wa_instance *inst, uint64_t slice) {
    int64_t budget = slice > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)slice;
    bool lifetime_bound = false;
    if (inst->limits.max_fuel) {
        uint64_t left = inst->limits.max_fuel > inst->fuel_used ? inst->limits.max_fuel - inst->fuel_used : 0;
        if (left <= (uint64_t)budget) {
            budget = (int64_t)left;
            lifetime_bound = true;
        }
    }
    return run(inst, budget, lifetime_bound, NULL);
}

wa_run_status wa__run_host(wa_instance *inst, const wa_func *f) {
    inst->trap.kind = WA_TRAP_NONE;
    wa_host_status hs = call_host(inst, f, inst->stack);
    if (hs == WA_HOST_SUSPEND) {
        inst->state = WA_STATE_HOST;
        return WA_RUN_SUSPENDED;
    }
    inst->state = WA_STATE_IDLE;
    inst->fuel_used += 1;
    return hs == WA_HOST_OK ? WA_RUN_DONE : WA_RUN_TRAP;
}
