/* SPDX-License-Identifier: MIT */
/* Type conversion between payloads and WebAssembly values (Invoke arguments
 * and results) in JSON, CBOR, Borsh and raw (packed little-endian). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <cjson/cJSON.h>

#include "wactor/component.h"
#include "component/cbor_guard.h"

static size_t packed_size(wa_valtype t) {
    switch (t) {
    case WA_I32:
    case WA_F32: return 4;
    case WA_I64:
    case WA_F64: return 8;
    default: return 0;
    }
}

static uint64_t load_le(const uint8_t *b, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static void store_le(uint8_t *b, uint64_t v, size_t n) {
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
}

static wa_value value_from_bits(wa_valtype t, uint64_t bits) {
    wa_value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    switch (t) {
    case WA_I32: v.of.i32 = (int32_t)(uint32_t)bits; break;
    case WA_F32: v.of.f32_bits = (uint32_t)bits; break;
    case WA_I64: v.of.i64 = (int64_t)bits; break;
    default: v.of.f64_bits = bits; break;
    }
    return v;
}

static uint64_t value_bits(wa_value v) {
    switch (v.type) {
    case WA_I32: return (uint32_t)v.of.i32;
    case WA_F32: return v.of.f32_bits;
    case WA_I64: return (uint64_t)v.of.i64;
    default: return v.of.f64_bits;
    }
}

static wb_status check_types(const wa_valtype *types, uint32_t n, wb_error *err) {
    for (uint32_t i = 0; i < n; i++)
        if (!packed_size(types[i]))
            return wb_error_set(err, WB_UNSUPPORTED, "value %u has type %s, which has no payload form",
                                i, wa_valtype_name(types[i]));
    return WB_OK;
}

static wb_status from_packed(const uint8_t *b, size_t len, const wa_valtype *types, uint32_t n,
                             wa_value *out, wb_error *err) {
    size_t need = 0;
    for (uint32_t i = 0; i < n; i++) need += packed_size(types[i]);
    if (len != need)
        return wb_error_set(err, WB_DECODE, "packed values need %zu bytes, payload has %zu", need,
                            len);
    for (uint32_t i = 0; i < n; i++) {
        size_t sz = packed_size(types[i]);
        out[i] = value_from_bits(types[i], load_le(b, sz));
        b += sz;
    }
    return WB_OK;
}

/* An integer value for type t from a double; false if not integral/in range. */
static bool int_from_double(double d, wa_valtype t, int64_t *out) {
    if (!isfinite(d) || d != floor(d)) return false;
    if (t == WA_I32) {
        /* i32 accepts both the signed and the unsigned range. */
        if (d < -2147483648.0 || d > 4294967295.0) return false;
        *out = (int64_t)d;
        return true;
    }
    if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
    *out = (int64_t)d;
    return true;
}

/* JSON has no NaN or infinity: they travel as these strings (to_json). */
static bool float_from_string(const char *s, double *out) {
    if (!strcmp(s, "NaN")) *out = NAN;
    else if (!strcmp(s, "Infinity")) *out = INFINITY;
    else if (!strcmp(s, "-Infinity")) *out = -INFINITY;
    else return false;
    return true;
}

/* An integer given as a decimal string (exact beyond 2^53): the whole string,
 * in range (i32 takes the signed and the unsigned range, as numbers do). */
static wb_status int_from_string(const char *s, wa_valtype t, uint32_t i, wa_value *out,
                                 wb_error *err) {
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno == ERANGE || (t == WA_I32 && (v < INT32_MIN || v > UINT32_MAX)))
        return wb_error_set(err, WB_DECODE, "argument %u: \"%.40s\" is not a %s", i, s,
                            wa_valtype_name(t));
    *out = t == WA_I64 ? wa_i64(v) : wa_i32((int32_t)(uint32_t)v);
    return WB_OK;
}

static wb_status json_value(const cJSON *j, wa_valtype t, uint32_t i, wa_value *out,
                            wb_error *err) {
    double d = 0;
    if (cJSON_IsString(j) && (t == WA_I64 || t == WA_I32))
        return int_from_string(j->valuestring, t, i, out, err);
    if (cJSON_IsString(j) && float_from_string(j->valuestring, &d)) {
        *out = t == WA_F32 ? wa_f32((float)d) : wa_f64(d);
        return WB_OK;
    }
    if (!cJSON_IsNumber(j)) return wb_error_set(err, WB_DECODE, "argument %u is not a number", i);
    d = j->valuedouble;
    int64_t iv = 0;
    switch (t) {
    case WA_I32:
    case WA_I64:
        if (!int_from_double(d, t, &iv))
            return wb_error_set(err, WB_DECODE, "argument %u (%g) is not a %s", i, d, wa_valtype_name(t));
        *out = t == WA_I32 ? wa_i32((int32_t)(uint32_t)(uint64_t)iv) : wa_i64(iv);
        return WB_OK;
    case WA_F32: *out = wa_f32((float)d); return WB_OK;
    default: *out = wa_f64(d); return WB_OK;
    }
}

static wb_status from_json(const uint8_t *b, size_t len, const wa_valtype *types, uint32_t n,
                           wa_value *out, wb_error *err) {
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)b, len, &end, false);
    if (!root) return wb_error_set(err, WB_DECODE, "JSON arguments do not parse");
    /* Only whitespace may follow, as wc_payload_check requires. */
    for (const char *c = end; c < (const char *)b + len; c++) {
        if (*c != ' ' && *c != '\n' && *c != '\r' && *c != '\t') {
            cJSON_Delete(root);
            return wb_error_set(err, WB_DECODE, "JSON arguments have trailing bytes");
        }
    }
    wb_status st = WB_OK;
    if (!cJSON_IsArray(root)) {
        if (n == 1) st = json_value(root, types[0], 0, out, err);
        else st = wb_error_set(err, WB_DECODE, "JSON arguments must be an array of %u values", n);
        cJSON_Delete(root);
        return st;
    }
    int count = cJSON_GetArraySize(root);
    if (count != (int)n) {
        cJSON_Delete(root);
        return wb_error_set(err, WB_DECODE, "expected %u arguments, got %d", n, count);
    }
    uint32_t i = 0;
    for (const cJSON *e = root->child; e && st == WB_OK; e = e->next, i++)
        st = json_value(e, types[i], i, &out[i], err);
    cJSON_Delete(root);
    return st;
}

static wb_status cbor_value(const cbor_item_t *it, wa_valtype t, uint32_t i, wa_value *out,
                            wb_error *err) {
    if (cbor_isa_float_ctrl(it) && cbor_float_get_width(it) != CBOR_FLOAT_0) {
        /* A float32 stays one: widening it to double would quiet a
         * signalling NaN and change its bits. */
        if (t == WA_F32 && cbor_float_get_width(it) == CBOR_FLOAT_32) {
            *out = wa_f32(cbor_float_get_float4(it));
            return WB_OK;
        }
        double d = cbor_float_get_float(it);
        if (t == WA_F32) { *out = wa_f32((float)d); return WB_OK; }
        if (t == WA_F64) { *out = wa_f64(d); return WB_OK; }
        int64_t iv = 0;
        if (!int_from_double(d, t, &iv))
            return wb_error_set(err, WB_DECODE, "argument %u is not an integer", i);
        *out = t == WA_I32 ? wa_i32((int32_t)iv) : wa_i64(iv);
        return WB_OK;
    }
    if (!cbor_isa_uint(it) && !cbor_isa_negint(it))
        return wb_error_set(err, WB_DECODE, "argument %u is not a number", i);
    uint64_t u = cbor_get_int(it);
    bool neg = cbor_isa_negint(it);
    if (neg && u > (uint64_t)INT64_MAX)
        return wb_error_set(err, WB_DECODE, "argument %u is out of range", i);
    int64_t v = neg ? -1 - (int64_t)u : (int64_t)u;
    if (!neg && u > (uint64_t)INT64_MAX && t == WA_I64) v = (int64_t)u; /* as unsigned bits */
    switch (t) {
    case WA_I32:
        if (v < INT32_MIN || (!neg && u > UINT32_MAX))
            return wb_error_set(err, WB_DECODE, "argument %u does not fit i32", i);
        *out = wa_i32((int32_t)(uint32_t)v);
        return WB_OK;
    case WA_I64: *out = wa_i64(v); return WB_OK;
    case WA_F32: *out = wa_f32((float)v); return WB_OK;
    default: *out = wa_f64((double)v); return WB_OK;
    }
}

static wb_status from_cbor(const uint8_t *b, size_t len, const wa_valtype *types, uint32_t n,
                           wa_value *out, wb_error *err) {
    struct cbor_load_result res;
    cbor_item_t *root = wc__cbor_load(b, len, &res);
    if (!root) return wb_error_set(err, WB_DECODE, "CBOR arguments do not decode");
    wb_status st = WB_OK;
    if (res.read != len) {
        st = wb_error_set(err, WB_DECODE, "CBOR arguments have trailing bytes");
    } else if (!cbor_isa_array(root)) {
        if (n == 1) st = cbor_value(root, types[0], 0, out, err);
        else st = wb_error_set(err, WB_DECODE, "CBOR arguments must be an array of %u values", n);
    } else if (cbor_array_size(root) != n) {
        st = wb_error_set(err, WB_DECODE, "expected %u arguments, got %zu", n, cbor_array_size(root));
    } else {
        cbor_item_t **items = cbor_array_handle(root);
        for (uint32_t i = 0; i < n && st == WB_OK; i++)
            st = cbor_value(items[i], types[i], i, &out[i], err);
    }
    cbor_decref(&root);
    return st;
}

wb_status wc_values_from_payload(const uint8_t *p, size_t len, const wa_valtype *types,
                                 uint32_t n, wa_value *out, wb_error *err) {
    wc_codec codec;
    size_t off = 0;
    wb_status st = check_types(types, n, err);
    if (st == WB_OK) st = wc_payload_split(p, len, &codec, &off, err);
    if (st != WB_OK) return st;
    const uint8_t *b = p + off;
    len -= off;
    switch (codec) {
    case WC_CODEC_JSON: return from_json(b, len, types, n, out, err);
    case WC_CODEC_CBOR: return from_cbor(b, len, types, n, out, err);
    case WC_CODEC_RAW:
    case WC_CODEC_BORSH: return from_packed(b, len, types, n, out, err);
    }
    return wb_error_set(err, WB_UNSUPPORTED, "unknown codec");
}

/* The shortest of "%.6g".."%.17g" (f32) or "%.15g".."%.17g" (f64) that
 * reads back to the same bits by the path from_json takes (strtod, then a
 * cast for f32); "%.17g" always does. cJSON's own printer stops at 15 digits
 * when they compare equal within an epsilon, which loses the last bits. */
static void float_text(double d, bool f32, char *buf, size_t cap) {
    for (int prec = f32 ? 6 : 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        double back = strtod(buf, NULL);
        float bf = (float)back, df = (float)d;
        if (f32 ? memcmp(&bf, &df, sizeof bf) == 0 : memcmp(&back, &d, sizeof d) == 0) return;
    }
}

/* Numbers go out as raw text, exact: integers in full, floats by float_text
 * (-0 keeps its sign), NaN and infinities as the strings json_value reads. */
static cJSON *json_of(wa_value v) {
    char num[40];
    switch (v.type) {
    case WA_I32:
        snprintf(num, sizeof num, "%d", (int)v.of.i32);
        return cJSON_CreateRaw(num);
    case WA_I64:
        snprintf(num, sizeof num, "%lld", (long long)v.of.i64);
        if (v.of.i64 >= -(1LL << 53) && v.of.i64 <= (1LL << 53)) return cJSON_CreateRaw(num);
        return cJSON_CreateString(num); /* beyond doubles: a string keeps it exact */
    default: {
        double d = v.type == WA_F32 ? (double)wa_value_f32(v) : wa_value_f64(v);
        if (isnan(d)) return cJSON_CreateString("NaN");
        if (isinf(d)) return cJSON_CreateString(d > 0 ? "Infinity" : "-Infinity");
        float_text(d, v.type == WA_F32, num, sizeof num);
        return cJSON_CreateRaw(num);
    }
    }
}

static wb_status to_json(const wa_value *vals, uint32_t n, wb_buf **out, wb_error *err) {
    cJSON *arr = cJSON_CreateArray();
    for (uint32_t i = 0; arr && i < n; i++) {
        cJSON *e = json_of(vals[i]);
        if (!e) { cJSON_Delete(arr); arr = NULL; break; }
        cJSON_AddItemToArray(arr, e);
    }
    char *text = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    if (!text) return wb_error_set(err, WB_NOMEM, "out of memory encoding JSON");
    *out = wc_payload_new(WC_CODEC_JSON, text, strlen(text));
    cJSON_free(text);
    return *out ? WB_OK : wb_error_set(err, WB_NOMEM, "out of memory");
}

static cbor_item_t *cbor_of(wa_value v) {
    int64_t i = v.type == WA_I32 ? v.of.i32 : v.of.i64;
    switch (v.type) {
    case WA_I32:
    case WA_I64:
        if (i >= 0) return cbor_build_uint64((uint64_t)i);
        return cbor_build_negint64((uint64_t)(-1 - i));
    case WA_F32: return cbor_build_float4(wa_value_f32(v));
    default: return cbor_build_float8(wa_value_f64(v));
    }
}

static wb_status to_cbor(const wa_value *vals, uint32_t n, wb_buf **out, wb_error *err) {
    cbor_item_t *arr = cbor_new_definite_array(n);
    bool ok = arr != NULL;
    for (uint32_t i = 0; ok && i < n; i++) {
        cbor_item_t *e = cbor_of(vals[i]);
        ok = e && cbor_array_push(arr, e);
        if (e) cbor_decref(&e); /* the array holds its own reference */
    }
    unsigned char *bytes = NULL;
    size_t cap = 0, len = ok ? cbor_serialize_alloc(arr, &bytes, &cap) : 0;
    if (arr) cbor_decref(&arr);
    if (!len) { free(bytes); return wb_error_set(err, WB_NOMEM, "out of memory encoding CBOR"); }
    *out = wc_payload_new(WC_CODEC_CBOR, bytes, len);
    free(bytes);
    return *out ? WB_OK : wb_error_set(err, WB_NOMEM, "out of memory");
}

static wb_status to_packed(wc_codec codec, const wa_value *vals, uint32_t n, wb_buf **out,
                           wb_error *err) {
    uint8_t tmp[8 * 64];
    size_t len = 0;
    if (n > 64) return wb_error_set(err, WB_UNSUPPORTED, "more than 64 values");
    for (uint32_t i = 0; i < n; i++) {
        size_t sz = packed_size(vals[i].type);
        store_le(tmp + len, value_bits(vals[i]), sz);
        len += sz;
    }
    *out = wc_payload_new(codec, tmp, len);
    return *out ? WB_OK : wb_error_set(err, WB_NOMEM, "out of memory");
}

wb_status wc_values_to_payload(wc_codec codec, const wa_value *vals, uint32_t n, wb_buf **out,
                               wb_error *err) {
    *out = NULL;
    for (uint32_t i = 0; i < n; i++)
        if (!packed_size(vals[i].type))
            return wb_error_set(err, WB_UNSUPPORTED, "value %u has type %s, which has no payload form",
                                i, wa_valtype_name(vals[i].type));
    switch (codec) {
    case WC_CODEC_JSON: return to_json(vals, n, out, err);
    case WC_CODEC_CBOR: return to_cbor(vals, n, out, err);
    case WC_CODEC_RAW:
    case WC_CODEC_BORSH: return to_packed(codec, vals, n, out, err);
    }
    return wb_error_set(err, WB_UNSUPPORTED, "unknown codec 0x%llx", (unsigned long long)codec);
}
