/* SPDX-License-Identifier: MIT */
/* Bounds-checked reading of the binary format (LEB128, bytes, floats).
 * Every read checks `p < end`; on failure `ok` turns false and stays false,
 * so a decoder can read a run of fields and test once. Private to src/wasm. */
#ifndef WACTOR_WASM_READER_H
#define WACTOR_WASM_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct wa_reader {
    const uint8_t *p;
    const uint8_t *end;
    const uint8_t *base; /* start of the module, for error offsets */
    bool ok;
    const char *why;     /* first failure: "unexpected end", "integer too large", ... */
    const uint8_t *fail_at; /* where the first failure was detected */
} wa_reader;

static inline wa_reader wa_reader_make(const uint8_t *base, const uint8_t *p, const uint8_t *end) {
    wa_reader r = {p, end, base, true, NULL, NULL};
    return r;
}

static inline void wa_reader_fail(wa_reader *r, const char *why) {
    if (r->ok) r->why = why, r->fail_at = r->p;
    r->ok = false;
    r->p = r->end;
}

static inline uint32_t wa_reader_offset(const wa_reader *r) { return (uint32_t)(r->p - r->base); }
/* Offset of the first failure (or of the current position if none). */
static inline uint32_t wa_reader_fail_offset(const wa_reader *r) {
    return (uint32_t)((r->fail_at ? r->fail_at : r->p) - r->base);
}
static inline bool wa_reader_done(const wa_reader *r) { return r->p >= r->end; }

static inline uint8_t wa_read_u8(wa_reader *r) {
    if (r->p >= r->end) {
        wa_reader_fail(r, "unexpected end");
        return 0;
    }
    return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64); unused bits of the last
 * byte must be zero ("integer too large" / "integer representation too long"). */
static inline uint64_t wa_read_uleb(wa_reader *r, unsigned bits) {
    if (r->p < r->end && *r->p < 0x80) return *r->p++; /* the common one-byte case */
    uint64_t result = 0;
    unsigned shift = 0;
    for (;;) {
        if (r->p >= r->end) {
            wa_reader_fail(r, "unexpected end");
            return 0;
        }
        uint8_t b = *r->p++;
        if (shift + 7 > bits && shift < 64) {
            /* last allowed byte: continuation bit and excess bits must be 0 */
            unsigned used = bits - shift;
            if (b & 0x80) {
                wa_reader_fail(r, "integer representation too long");
                return 0;
            }
            if (used < 7 && (b >> used) != 0) {
                wa_reader_fail(r, "integer too large");
                return 0;
            }
        }
        result |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) return result;
    }
}

/* Signed LEB128 of at most `bits` bits (32, 33 or 64); the unused bits of
 * the last byte must be a sign extension. */
static inline int64_t wa_read_sleb(wa_reader *r, unsigned bits) {
    if (bits >= 7 && r->p < r->end && *r->p < 0x80) { /* one byte: sign bit is 0x40 */
        uint8_t b1 = *r->p++;
        return (b1 & 0x40) ? (int64_t)b1 - 0x80 : (int64_t)b1;
    }
    int64_t result = 0;
    unsigned shift = 0;
    uint8_t b;
    for (;;) {
        if (r->p >= r->end) {
            wa_reader_fail(r, "unexpected end");
            return 0;
        }
        b = *r->p++;
        if (shift + 7 >= bits) {
            unsigned used = bits - shift; /* bits of payload in this byte, 1..7 */
            if (b & 0x80) {
                wa_reader_fail(r, "integer representation too long");
                return 0;
            }
            /* bits [used-1 .. 6] must all equal the sign bit */
            int8_t sign_ext = (int8_t)(b << 1) >> 1; /* 7-bit value sign-extended */
            int64_t top = (int64_t)sign_ext >> (used - 1);
            if (top != 0 && top != -1) {
                wa_reader_fail(r, "integer too large");
                return 0;
            }
        }
        result |= (int64_t)((uint64_t)(b & 0x7f) << shift);
        shift += 7;
        if (!(b & 0x80)) break;
    }
    if (shift < 64 && (b & 0x40)) result |= (int64_t)(~0ull << shift);
    return result;
}

static inline uint32_t wa_read_u32(wa_reader *r) { return (uint32_t)wa_read_uleb(r, 32); }
static inline int32_t wa_read_s32(wa_reader *r) { return (int32_t)wa_read_sleb(r, 32); }
static inline int64_t wa_read_s64(wa_reader *r) { return wa_read_sleb(r, 64); }

static inline uint32_t wa_read_f32_bits(wa_reader *r) {
    if (r->end - r->p < 4) {
        wa_reader_fail(r, "unexpected end");
        return 0;
    }
    uint32_t v;
    memcpy(&v, r->p, 4);
    r->p += 4;
    return v; /* wasm is little-endian, as is every host we build for */
}

static inline uint64_t wa_read_f64_bits(wa_reader *r) {
    if (r->end - r->p < 8) {
        wa_reader_fail(r, "unexpected end");
        return 0;
    }
    uint64_t v;
    memcpy(&v, r->p, 8);
    r->p += 8;
    return v;
}

/* Returns a pointer to n bytes and skips them, or NULL. */
static inline const uint8_t *wa_read_bytes(wa_reader *r, uint64_t n) {
    if ((uint64_t)(r->end - r->p) < n) {
        wa_reader_fail(r, "unexpected end");
        return NULL;
    }
    const uint8_t *s = r->p;
    r->p += n;
    return s;
}

#endif
