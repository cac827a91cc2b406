/* SPDX-License-Identifier: MIT */
/* Tables generated from opcodes.def (immediates, signatures, names) and the
 * one reader of an instruction's binary encoding. */
#include "opcodes.h"

#include <ctype.h>
#include <stdio.h>

#include "reader.h"
#include "wactor/wasm.h"

#define WA_FC_COUNT 0x12

/* Immediate kind + 1 per opcode, so 0 means "no such opcode". */
static const uint8_t op_imm1[256] = {
#define OP(n, c, i, s) [c] = WA_IMM_##i + 1,
#include "opcodes.def"
};
static const uint8_t op_imm_fc[WA_FC_COUNT] = {
#define OP(n, c, i, s)
#define OP_FC(n, c, i, s) [c] = WA_IMM_##i + 1,
#include "opcodes.def"
};
static const char *const op_sig1[256] = {
#define OP(n, c, i, s) [c] = s,
#include "opcodes.def"
};
static const char *const op_sig_fc[WA_FC_COUNT] = {
#define OP(n, c, i, s)
#define OP_FC(n, c, i, s) [c] = s,
#include "opcodes.def"
};
static const char *const op_upper1[256] = {
#define OP(n, c, i, s) [c] = #n,
#include "opcodes.def"
};
static const char *const op_upper_fc[WA_FC_COUNT] = {
#define OP(n, c, i, s)
#define OP_FC(n, c, i, s) [c] = #n,
#include "opcodes.def"
};

int wa__op_imm(uint32_t op) {
    if (op < 256) return op_imm1[op] ? op_imm1[op] - 1 : -1;
    if ((op >> 8) == WA_OP_PREFIX_FC && (op & 0xff) < WA_FC_COUNT && op_imm_fc[op & 0xff])
        return op_imm_fc[op & 0xff] - 1;
    return -1;
}

const char *wa__op_sig(uint32_t op) {
    if (wa__op_imm(op) < 0) return "*";
    return op < 256 ? op_sig1[op] : op_sig_fc[op & 0xff];
}

/* "I32_ADD" -> "i32.add": lower case, and the '_' after a type or space
 * prefix becomes '.'. */
const char *wa__op_name(uint32_t op, char *buf, size_t len) {
    static const char *const prefixes[] = {"I32_", "I64_", "F32_", "F64_", "LOCAL_", "GLOBAL_",
                                           "TABLE_", "MEMORY_", "REF_", "DATA_", "ELEM_"};
    if (len == 0) return buf;
    if (wa__op_imm(op) < 0) {
        snprintf(buf, len, "<0x%x>", op);
        return buf;
    }
    const char *up = op < 256 ? op_upper1[op] : op_upper_fc[op & 0xff];
    size_t dot = 0;
    for (size_t k = 0; k < WB_ARRAY_LEN(prefixes); k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncmp(up, prefixes[k], pl) == 0) dot = pl;
    }
    size_t i = 0;
    for (; up[i] && i + 1 < len; i++)
        buf[i] = (dot && i + 1 == dot) ? '.' : (char)tolower((unsigned char)up[i]);
    buf[i] = 0;
    return buf;
}

bool wa__valtype_ok(uint8_t b) {
    return b == WA_I32 || b == WA_I64 || b == WA_F32 || b == WA_F64 || b == WA_FUNCREF ||
           b == WA_EXTERNREF;
}

static void read_zero_byte(wa_reader *r) {
    uint8_t b = wa_read_u8(r);
    if (r->ok && b != 0) {
        r->p--; /* point at the offending byte */
        wa_reader_fail(r, "zero byte expected");
    }
}

static void read_blocktype(wa_reader *r, wa_instr *in) {
    if (r->p >= r->end) {
        wa_reader_fail(r, "unexpected end");
        return;
    }
    uint8_t b = *r->p;
    if (b == 0x40) {
        r->p++;
        in->a = WA_BT_EMPTY;
    } else if (wa__valtype_ok(b)) {
        r->p++;
        in->a = WA_BT_VALTYPE;
        in->b = b;
    } else {
        int64_t idx = wa_read_sleb(r, 33);
        if (!r->ok) return;
        if (idx < 0) {
            wa_reader_fail(r, "malformed block type");
            return;
        }
        in->a = WA_BT_TYPEIDX;
        in->b = (uint32_t)idx;
    }
}

/* br_table targets stay in the binary; only their count is checked here
 * (against the bytes left, so a forged count costs nothing). */
static void read_brtable(wa_reader *r, wa_instr *in) {
    uint32_t n = wa_read_u32(r);
    if (!r->ok) return;
    if ((uint64_t)n > (uint64_t)(r->end - r->p)) {
        wa_reader_fail(r, "unexpected end");
        return;
    }
    in->vec = r->p;
    in->nvec = n;
    for (uint32_t i = 0; i < n && r->ok; i++) (void)wa_read_u32(r);
    in->b = wa_read_u32(r);
}

static void read_selectt(wa_reader *r, wa_instr *in) {
    uint32_t n = wa_read_u32(r);
    if (!r->ok) return;
    const uint8_t *types = wa_read_bytes(r, n);
    if (!types) return;
    for (uint32_t i = 0; i < n; i++)
        if (!wa__valtype_ok(types[i])) {
            wa_reader_fail(r, "malformed value type");
            return;
        }
    in->vec = types;
    in->nvec = n;
}

static void read_immediates(wa_reader *r, wa_instr *in, int imm) {
    switch ((wa_imm)imm) {
    case WA_IMM_NONE: break;
    case WA_IMM_BLOCK: read_blocktype(r, in); break;
    case WA_IMM_BRTABLE: read_brtable(r, in); break;
    case WA_IMM_LABEL:
    case WA_IMM_FUNC:
    case WA_IMM_LOCAL:
    case WA_IMM_GLOBAL:
    case WA_IMM_TABLE:
    case WA_IMM_DATA:
    case WA_IMM_ELEM: in->a = wa_read_u32(r); break;
    case WA_IMM_CALLIND:
    case WA_IMM_TABLEINIT:
    case WA_IMM_TABLECOPY:
        in->a = wa_read_u32(r);
        in->b = wa_read_u32(r);
        break;
    case WA_IMM_MEMARG:
        in->a = wa_read_u32(r);
        in->imm = wa_read_u32(r);
        break;
    case WA_IMM_MEMIDX: read_zero_byte(r); break;
    case WA_IMM_I32: in->imm = (uint64_t)(int64_t)wa_read_s32(r); break;
    case WA_IMM_I64: in->imm = (uint64_t)wa_read_s64(r); break;
    case WA_IMM_F32: in->imm = wa_read_f32_bits(r); break;
    case WA_IMM_F64: in->imm = wa_read_f64_bits(r); break;
    case WA_IMM_SELECTT: read_selectt(r, in); break;
    case WA_IMM_REFTYPE: {
        uint8_t t = wa_read_u8(r);
        if (r->ok && t != WA_FUNCREF && t != WA_EXTERNREF) {
            r->p--;
            wa_reader_fail(r, "malformed reference type");
        }
        in->b = t;
        break;
    }
    case WA_IMM_MEMINIT:
        in->a = wa_read_u32(r);
        read_zero_byte(r);
        break;
    case WA_IMM_MEMCOPY:
        read_zero_byte(r);
        read_zero_byte(r);
        break;
    }
}

bool wa__instr_read(wa_reader *r, wa_instr *in) {
    in->a = in->b = in->nvec = 0;
    in->imm = 0;
    in->vec = NULL;
    in->offset = wa_reader_offset(r);
    uint32_t op = wa_read_u8(r);
    if (!r->ok) return false;
    if (op == WA_OP_PREFIX_FC) {
        uint32_t sub = wa_read_u32(r);
        if (!r->ok) return false;
        op = sub < WA_FC_COUNT ? (0xFC00u | sub) : 0xFFFFFFFFu;
    }
    int imm = wa__op_imm(op);
    if (imm < 0) {
        wa_reader_fail(r, "illegal opcode");
        return false;
    }
    in->op = op;
    read_immediates(r, in, imm);
    return r->ok;
}
