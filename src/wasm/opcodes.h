/* SPDX-License-Identifier: MIT */
/* WebAssembly opcodes, generated from opcodes.def. Private to src/wasm. */
#ifndef WACTOR_WASM_OPCODES_H
#define WACTOR_WASM_OPCODES_H

#include <stdint.h>

/* Immediate kinds that follow an opcode in the binary. */
typedef enum wa_imm {
    WA_IMM_NONE,
    WA_IMM_BLOCK,     /* blocktype: 0x40 | valtype | s33 type index */
    WA_IMM_LABEL,     /* u32 label depth */
    WA_IMM_BRTABLE,   /* vec(u32) + u32 default */
    WA_IMM_FUNC,      /* u32 function index */
    WA_IMM_CALLIND,   /* u32 type index, u32 table index */
    WA_IMM_LOCAL,     /* u32 */
    WA_IMM_GLOBAL,    /* u32 */
    WA_IMM_TABLE,     /* u32 table index */
    WA_IMM_MEMARG,    /* u32 align, u32 offset */
    WA_IMM_MEMIDX,    /* one byte, must be 0 */
    WA_IMM_I32,       /* s32 */
    WA_IMM_I64,       /* s64 */
    WA_IMM_F32,       /* 4 bytes */
    WA_IMM_F64,       /* 8 bytes */
    WA_IMM_SELECTT,   /* vec(valtype) */
    WA_IMM_REFTYPE,   /* one reftype byte */
    WA_IMM_MEMINIT,   /* u32 data index, memidx byte */
    WA_IMM_DATA,      /* u32 data index */
    WA_IMM_MEMCOPY,   /* two memidx bytes */
    WA_IMM_TABLEINIT, /* u32 elem index, u32 table index */
    WA_IMM_ELEM,      /* u32 elem index */
    WA_IMM_TABLECOPY, /* u32 dst table, u32 src table */
} wa_imm;

/* One-byte opcodes have their byte as value; 0xFC-prefixed ones are
 * 0xFC00 | sub-opcode. */
typedef enum wa_opcode {
#define OP(n, c, i, s) WA_OP_##n = (c),
#define OP_FC(n, c, i, s) WA_OP_##n = 0xFC00 | (c),
#include "opcodes.def"
} wa_opcode;

#define WA_OP_PREFIX_FC 0xFC

#endif
