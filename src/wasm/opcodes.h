/* SPDX-License-Identifier: MIT */
/* WebAssembly opcodes, generated from opcodes.def. Private to src/wasm. */
#ifndef WACTOR_WASM_OPCODES_H
#define WACTOR_WASM_OPCODES_H

#include <stdbool.h>
#include <stddef.h>
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

/* One decoded instruction: the opcode and its immediates. Shared by the
 * decoder (well-formedness), the validator and the translator, so the
 * binary encoding of instructions is read in exactly one place. */
typedef struct wa_instr {
    uint32_t op;        /* wa_opcode */
    uint32_t offset;    /* byte offset of the opcode in the module */
    uint32_t a;         /* first index; BLOCK: WA_BT_* kind; MEMARG: align */
    uint32_t b;         /* second index; BLOCK: valtype or type index;
                           BRTABLE: default label */
    uint64_t imm;       /* MEMARG offset; I32/I64 value; F32/F64 bits */
    const uint8_t *vec; /* BRTABLE: first target (LEB u32s); SELECTT: valtypes */
    uint32_t nvec;      /* BRTABLE: targets before the default; SELECTT: count */
} wa_instr;

/* Block type kinds in wa_instr.a for BLOCK/LOOP/IF. */
enum { WA_BT_EMPTY = 0, WA_BT_VALTYPE = 1, WA_BT_TYPEIDX = 2 };

struct wa_reader;
/* Reads one instruction at r->p. On malformed input returns false with
 * r->ok false and r->why the spec's message ("illegal opcode",
 * "zero byte expected", "unexpected end", ...). */
bool wa__instr_read(struct wa_reader *r, wa_instr *out);
/* Immediate kind of an opcode, or -1 if the opcode does not exist. */
int wa__op_imm(uint32_t op);
/* Operand signature from opcodes.def ("ii:i", "*" for hand-typed). */
const char *wa__op_sig(uint32_t op);
/* Text name ("i32.add") written into buf (at least 32 bytes). */
const char *wa__op_name(uint32_t op, char *buf, size_t len);
/* Value type byte: true for i32/i64/f32/f64/funcref/externref. */
bool wa__valtype_ok(uint8_t b);

#endif
