/* SPDX-License-Identifier: MIT */
/* Typed values: float helpers and conversion to and from 8-byte slots. */
#include <string.h>

#include "instance.h"

wa_value wa_f32(float v) {
    wa_value r;
    r.type = WA_F32;
    r.of.i64 = 0;
    memcpy(&r.of.f32_bits, &v, 4);
    return r;
}

wa_value wa_f64(double v) {
    wa_value r;
    r.type = WA_F64;
    memcpy(&r.of.f64_bits, &v, 8);
    return r;
}

float wa_value_f32(wa_value v) {
    float f;
    memcpy(&f, &v.of.f32_bits, 4);
    return f;
}

double wa_value_f64(wa_value v) {
    double d;
    memcpy(&d, &v.of.f64_bits, 8);
    return d;
}

const char *wa_valtype_name(wa_valtype t) {
    switch (t) {
    case WA_I32: return "i32";
    case WA_I64: return "i64";
    case WA_F32: return "f32";
    case WA_F64: return "f64";
    case WA_V128: return "v128";
    case WA_FUNCREF: return "funcref";
    case WA_EXTERNREF: return "externref";
    }
    return "unknown";
}

uint64_t wa__value_to_slot(wa_value v) {
    switch (v.type) {
    case WA_I32: return (uint32_t)v.of.i32;
    case WA_F32: return v.of.f32_bits;
    case WA_I64: return (uint64_t)v.of.i64;
    case WA_F64: return v.of.f64_bits;
    case WA_FUNCREF:
    case WA_EXTERNREF: return (uint64_t)(uintptr_t)v.of.ref;
    default: return 0;
    }
}

wa_value wa__slot_to_value(uint64_t s, wa_valtype t) {
    wa_value v;
    v.type = t;
    v.of.i64 = 0;
    switch (t) {
    case WA_I32: v.of.i32 = (int32_t)(uint32_t)s; break;
    case WA_F32: v.of.f32_bits = (uint32_t)s; break;
    case WA_FUNCREF:
    case WA_EXTERNREF: v.of.ref = (void *)(uintptr_t)s; break;
    default: v.of.i64 = (int64_t)s; break;
    }
    return v;
}
