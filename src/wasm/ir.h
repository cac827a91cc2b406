/* SPDX-License-Identifier: MIT */
/* The internal code compile.c emits and interp.c runs. Private to src/wasm.
 *
 * Code is an array of 32-bit words per function. An instruction is an opcode
 * word followed by its operand words (see ir.def). Operands name 8-byte
 * slots of the function's frame: params, then locals, then one slot per
 * operand-stack height, so the WebAssembly operand stack becomes registers.
 * With computed-goto dispatch the opcode word holds the handler's offset
 * from a base label (direct threading); with WA_DISPATCH_SWITCH it holds
 * the wa_ir number. Branch operands are offsets relative to the opcode word. */
#ifndef WACTOR_WASM_IR_H
#define WACTOR_WASM_IR_H

#include <stdint.h>

#include "module.h"

typedef enum wa_ir {
#define IR(n) WA_IR_##n,
#include "ir.def"
#define OP(n, c, i, s) WA_IR_##n,
#define OP_FC(n, c, i, s) WA_IR_##n,
#include "opcodes.def"
    WA_IR_COUNT_
} wa_ir;

/* One compiled function, shared read-only by every instance. */
typedef struct wa_code {
    uint32_t *words;      /* owner: module (via wa_compiled) */
    uint32_t nwords;
    uint32_t func_index;  /* module index space */
    uint32_t type_index;
    uint32_t nparams, nresults;
    uint32_t nlocals;     /* declared locals, zeroed on entry */
    uint32_t frame_slots; /* params + locals + max operand height, at least
                             params + 4 (entry zeroes 4 slots unconditionally) */
    uint64_t sig_hash;    /* wa__functype_hash of the type */
    uint8_t *offsets;     /* owner: module; (IR word delta, module byte delta)
                             LEB pairs, one per instruction start, for traps */
    uint32_t noffsets;    /* bytes */
} wa_code;

/* What wa__compile hangs off the module (m->compiled; m->funcs[i].compiled
 * points into `codes`). */
typedef struct wa_compiled {
    uint32_t ncodes;
    wa_code *codes;       /* owner: this; [nfuncs - nfunc_imports] */
    uint64_t *type_hash;  /* owner: this; [ntypes] */
} wa_compiled;

/* Byte offset in the module of the instruction at IR word `pos`. */
uint32_t wa__code_offset(const wa_code *code, uint32_t pos);
/* interp.c: fills out[WA_IR_COUNT_] with each instruction's opcode word. */
void wa__interp_opwords(uint32_t *out);
/* Structural hash of a function type (call_indirect's quick check). */
uint64_t wa__functype_hash(const wa_functype *t);
#endif
