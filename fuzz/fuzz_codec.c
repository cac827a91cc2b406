/* SPDX-License-Identifier: MIT */
/* libFuzzer target: payload codecs and Invoke conversions (payload.c,
 * convert.c). Two modes, picked by the first byte:
 *   values:  [0][codec][n] then n x ([type][8 bytes]) - the values go to a
 *            payload and back, and must come back as they were;
 *   payload: [1][n][n types] then a payload - whatever decodes must check,
 *            re-encode and decode again to the same values.
 * Beyond no crash and no leak: a payload that splits rebuilds to the same
 * bytes (the prefix is canonical), and a decode that succeeds agrees with
 * wc_payload_check. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "wactor/component.h"

#define MAX_VALUES 70 /* past the packed codecs' 64, to reach their limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const wc_codec codecs[] = {WC_CODEC_RAW, WC_CODEC_JSON, WC_CODEC_CBOR, WC_CODEC_BORSH};
static const wa_valtype types[] = {WA_I32, WA_I64, WA_F32, WA_F64};

/* Reports an invariant that does not hold: a crash libFuzzer records. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) __builtin_trap();                                       \
    } while (0)

static bool is_nan(wa_value v) {
    if (v.type == WA_F32) return isnan(wa_value_f32(v));
    if (v.type == WA_F64) return isnan(wa_value_f64(v));
    return false;
}

/* JSON has no NaN: it comes back as the canonical one, so any NaN matches
 * any NaN there. Every other value must keep its exact bits. */
static bool same(wa_value a, wa_value b, wc_codec codec) {
    if (a.type != b.type) return false;
    if (codec == WC_CODEC_JSON && is_nan(a)) return is_nan(b);
    switch (a.type) {
    case WA_I32: return a.of.i32 == b.of.i32;
    case WA_F32: return a.of.f32_bits == b.of.f32_bits;
    case WA_I64: return a.of.i64 == b.of.i64;
    default: return a.of.f64_bits == b.of.f64_bits;
    }
}

/* Encodes vals in codec and decodes them again: equal, or a clean error. */
static void round_trip(wc_codec codec, const wa_value *vals, uint32_t n) {
    wb_buf *b = NULL;
    wb_error err;
    wb_error_clear(&err);
    wb_status st = wc_values_to_payload(codec, vals, n, &b, &err);
    if (st != WB_OK) {
        /* Only the packed codecs have a limit (64 values). */
        CHECK(b == NULL && err.status == st && err.msg[0]);
        CHECK(st == WB_UNSUPPORTED && n > 64 && codec != WC_CODEC_JSON && codec != WC_CODEC_CBOR);
        return;
    }
    wc_codec got;
    size_t off = 0;
    CHECK(wc_payload_split(b->data, b->len, &got, &off, &err) == WB_OK && got == codec);
    CHECK(wc_payload_check(b->data, b->len, &err) == WB_OK);
    wa_valtype t[MAX_VALUES];
    wa_value out[MAX_VALUES];
    for (uint32_t i = 0; i < n; i++) t[i] = vals[i].type;
    st = wc_values_from_payload(b->data, b->len, t, n, out, &err);
    CHECK(st == WB_OK);
    for (uint32_t i = 0; i < n; i++) CHECK(same(vals[i], out[i], codec));
    wb_buf_unref(b);
}

static void values_mode(const uint8_t *p, size_t len) {
    if (len < 2) return;
    wc_codec codec = codecs[p[0] % 4];
    uint32_t n = p[1] % (MAX_VALUES + 1);
    p += 2;
    len -= 2;
    wa_value vals[MAX_VALUES];
    for (uint32_t i = 0; i < n; i++) {
        uint8_t raw[9] = {0};
        memcpy(raw, p, len < 9 ? len : 9); /* short input: zero bits */
        size_t used = len < 9 ? len : 9;
        p += used;
        len -= used;
        uint64_t bits = 0;
        for (int k = 0; k < 8; k++) bits |= (uint64_t)raw[1 + k] << (8 * k);
        memset(&vals[i], 0, sizeof vals[i]);
        vals[i].type = types[raw[0] % 4];
        switch (vals[i].type) {
        case WA_I32: vals[i].of.i32 = (int32_t)(uint32_t)bits; break;
        case WA_F32: vals[i].of.f32_bits = (uint32_t)bits; break;
        case WA_I64: vals[i].of.i64 = (int64_t)bits; break;
        default: vals[i].of.f64_bits = bits; break;
        }
    }
    round_trip(codec, vals, n);
}

static void payload_mode(const uint8_t *p, size_t len) {
    if (len < 1) return;
    uint32_t n = p[0] % 9;
    if (len < 1 + n) return;
    wa_valtype t[8];
    for (uint32_t i = 0; i < n; i++) t[i] = types[p[1 + i] % 4];
    p += 1 + n;
    len -= 1 + n;
    wb_error err;
    wb_error_clear(&err);
    wc_codec codec;
    size_t off = 0;
    bool split = wc_payload_split(p, len, &codec, &off, &err) == WB_OK;
    if (split) {
        /* A canonical prefix: the payload rebuilds to the same bytes. */
        CHECK(off > 0 && off <= len);
        CHECK(strcmp(wc_codec_name(codec), "unknown") != 0);
        wb_buf *b = wc_payload_new(codec, p + off, len - off);
        CHECK(b && b->len == len && memcmp(b->data, p, len) == 0);
        wb_buf_unref(b);
    }
    bool checked = wc_payload_check(p, len, &err) == WB_OK;
    CHECK(!checked || split);
    wa_value vals[8];
    wb_status st = wc_values_from_payload(p, len, t, n, vals, &err);
    if (st != WB_OK) {
        CHECK(err.status == st && err.msg[0]);
        return;
    }
    /* What decodes as arguments is a payload the host accepts. */
    CHECK(split && checked);
    for (uint32_t i = 0; i < n; i++) CHECK(vals[i].type == t[i]);
    round_trip(codec, vals, n);
    /* The packed form is canonical: the same bytes again. */
    if (codec == WC_CODEC_RAW || codec == WC_CODEC_BORSH) {
        wb_buf *b = NULL;
        CHECK(wc_values_to_payload(codec, vals, n, &b, &err) == WB_OK);
        CHECK(b->len == len && memcmp(b->data, p, len) == 0);
        wb_buf_unref(b);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1) payload_mode(data + 1, size - 1);
    else values_mode(data + 1, size - 1);
    return 0;
}
