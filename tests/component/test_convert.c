/* SPDX-License-Identifier: MIT */
/* Invoke type conversion: payloads <-> WebAssembly values in every codec. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/component.h"

static wb_buf *text(wc_codec c, const char *s) { return wc_payload_new(c, s, strlen(s)); }

static void json_args(void **state) {
    (void)state;
    const wa_valtype t[] = {WA_I32, WA_I64, WA_F32, WA_F64};
    wa_value v[4];
    wb_error err;
    wb_buf *b = text(WC_CODEC_JSON, "[-7, \"9007199254740993\", 1.5, -0.25]");
    assert_int_equal(wc_values_from_payload(b->data, b->len, t, 4, v, &err), WB_OK);
    assert_int_equal(v[0].type, WA_I32);
    assert_int_equal(v[0].of.i32, -7);
    assert_int_equal(v[1].of.i64, 9007199254740993LL);
    assert_true(wa_value_f32(v[2]) == 1.5f);
    assert_true(wa_value_f64(v[3]) == -0.25);
    wb_buf_unref(b);
    /* One argument may be bare; u32 range is accepted for i32. */
    b = text(WC_CODEC_JSON, "4294967295");
    assert_int_equal(wc_values_from_payload(b->data, b->len, t, 1, v, &err), WB_OK);
    assert_int_equal(v[0].of.i32, -1);
    wb_buf_unref(b);
    b = text(WC_CODEC_JSON, "[]");
    assert_int_equal(wc_values_from_payload(b->data, b->len, t, 0, v, &err), WB_OK);
    wb_buf_unref(b);
}

static void json_errors(void **state) {
    (void)state;
    const wa_valtype t[] = {WA_I32, WA_I32};
    wa_value v[2];
    wb_error err;
    const char *bad[] = {"[1]", "[1, 2, 3]", "[1.5, 2]", "[\"x\", 2]", "{\"a\": 1}", "[1,",
                         "[4294967296, 1]", "[null, 1]", "5"};
    for (size_t i = 0; i < WB_ARRAY_LEN(bad); i++) {
        wb_buf *b = text(WC_CODEC_JSON, bad[i]);
        wb_status st = wc_values_from_payload(b->data, b->len, t, 2, v, &err);
        if (st != WB_DECODE) fail_msg("%s: %s", bad[i], wb_status_name(st));
        wb_buf_unref(b);
    }
    const wa_valtype ref[] = {WA_FUNCREF};
    wb_buf *b = text(WC_CODEC_JSON, "[0]");
    assert_int_equal(wc_values_from_payload(b->data, b->len, ref, 1, v, &err), WB_UNSUPPORTED);
    wb_buf_unref(b);
    const uint8_t unknown[] = {0x70, '[', ']'};
    assert_int_equal(wc_values_from_payload(unknown, 3, t, 0, v, &err), WB_UNSUPPORTED);
}

static void roundtrip_all_codecs(void **state) {
    (void)state;
    const wc_codec codecs[] = {WC_CODEC_JSON, WC_CODEC_CBOR, WC_CODEC_BORSH, WC_CODEC_RAW};
    const wa_valtype t[] = {WA_I32, WA_I64, WA_F32, WA_F64, WA_I64};
    const wa_value in[] = {wa_i32(INT32_MIN), wa_i64(-5000000000LL), wa_f32(3.25f), wa_f64(-1e300),
                           wa_i64(INT64_MAX)};
    for (size_t c = 0; c < WB_ARRAY_LEN(codecs); c++) {
        wb_buf *b = NULL;
        wb_error err;
        assert_int_equal(wc_values_to_payload(codecs[c], in, 5, &b, &err), WB_OK);
        wc_codec got;
        size_t off;
        assert_int_equal(wc_payload_split(b->data, b->len, &got, &off, &err), WB_OK);
        assert_int_equal(got, codecs[c]);
        assert_int_equal(wc_payload_check(b->data, b->len, &err), WB_OK);
        wa_value out[5];
        if (wc_values_from_payload(b->data, b->len, t, 5, out, &err) != WB_OK)
            fail_msg("%s: %s", wc_codec_name(codecs[c]), err.msg);
        assert_int_equal(out[0].of.i32, INT32_MIN);
        assert_int_equal(out[1].of.i64, -5000000000LL);
        assert_true(wa_value_f32(out[2]) == 3.25f);
        assert_true(wa_value_f64(out[3]) == -1e300);
        assert_int_equal(out[4].of.i64, INT64_MAX);
        wb_buf_unref(b);
    }
}

static void packed_layout(void **state) {
    (void)state;
    const wa_value in[] = {wa_i32(0x01020304), wa_i64(-2)};
    wb_buf *b = NULL;
    wb_error err;
    assert_int_equal(wc_values_to_payload(WC_CODEC_BORSH, in, 2, &b, &err), WB_OK);
    const uint8_t want[] = {0xb0, 0x81, 0xc0, 0x01, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff};
    assert_int_equal(b->len, sizeof want);
    assert_memory_equal(b->data, want, sizeof want);
    const wa_valtype t[] = {WA_I32, WA_I64};
    wa_value out[2];
    /* One byte short, one byte long. */
    assert_int_equal(wc_values_from_payload(b->data, b->len - 1, t, 2, out, &err), WB_DECODE);
    wb_buf *longer = wb_buf_new(b->len + 1);
    memcpy(longer->data, b->data, b->len);
    longer->data[b->len] = 0;
    assert_int_equal(wc_values_from_payload(longer->data, longer->len, t, 2, out, &err), WB_DECODE);
    wb_buf_unref(longer);
    wb_buf_unref(b);
    /* JSON output keeps i64 exact beyond 2^53 as a string. */
    const wa_value big[] = {wa_i64(9007199254740993LL), wa_i32(-3)};
    assert_int_equal(wc_values_to_payload(WC_CODEC_JSON, big, 2, &b, &err), WB_OK);
    assert_int_equal(b->len, 2 + strlen("[\"9007199254740993\",-3]"));
    assert_memory_equal(b->data + 2, "[\"9007199254740993\",-3]", b->len - 2);
    wb_buf_unref(b);
}

static void cbor_errors(void **state) {
    (void)state;
    const wa_valtype t[] = {WA_I32};
    wa_value v[1];
    wb_error err;
    const uint8_t str[] = {0x51, 0x61, 'a'};           /* "a" */
    assert_int_equal(wc_values_from_payload(str, 3, t, 1, v, &err), WB_DECODE);
    const uint8_t big[] = {0x51, 0x1a, 0xff, 0xff, 0xff, 0xff, }; /* 2^32-1 fits u32 */
    assert_int_equal(wc_values_from_payload(big, 6, t, 1, v, &err), WB_OK);
    const uint8_t bigger[] = {0x51, 0x1b, 0, 0, 0, 1, 0, 0, 0, 0}; /* 2^32 */
    assert_int_equal(wc_values_from_payload(bigger, 10, t, 1, v, &err), WB_DECODE);
    const uint8_t trunc[] = {0x51, 0x82, 0x01};
    assert_int_equal(wc_values_from_payload(trunc, 3, t, 1, v, &err), WB_DECODE);
}

/* Found by fuzz_codec: values -> payload -> values gives the same bits. */
static void exact_round_trips(void **state) {
    (void)state;
    uint32_t snan_bits = 0xff8e8e8eu; /* a signalling NaN with a payload */
    float snan;
    memcpy(&snan, &snan_bits, 4);
    const wa_value in[] = {wa_f64(0.1 + 0.2), wa_f32(0.1f), wa_f64(-0.0), wa_i64(9007199254740991LL),
                           wa_f64(1.0 / 0.0), wa_f32(-1.0f / 0.0f), wa_f32(snan)};
    const wa_valtype t[] = {WA_F64, WA_F32, WA_F64, WA_I64, WA_F64, WA_F32, WA_F32};
    const wc_codec codecs[] = {WC_CODEC_JSON, WC_CODEC_CBOR};
    for (size_t c = 0; c < WB_ARRAY_LEN(codecs); c++) {
        wb_buf *b = NULL;
        wb_error err;
        wa_value out[7];
        assert_int_equal(wc_values_to_payload(codecs[c], in, 7, &b, &err), WB_OK);
        if (wc_values_from_payload(b->data, b->len, t, 7, out, &err) != WB_OK)
            fail_msg("%s: %s", wc_codec_name(codecs[c]), err.msg);
        for (int i = 0; i < 6; i++) assert_memory_equal(&out[i].of, &in[i].of, 8);
        /* JSON has one NaN; CBOR keeps the payload. */
        if (codecs[c] == WC_CODEC_CBOR) assert_int_equal(out[6].of.f32_bits, snan_bits);
        else assert_true(isnan(wa_value_f32(out[6])));
        wb_buf_unref(b);
    }
    wb_buf *b = NULL;
    wb_error err;
    assert_int_equal(wc_values_to_payload(WC_CODEC_JSON, in, 6, &b, &err), WB_OK);
    const char *want = "[0.30000000000000004,0.1,-0,9007199254740991,\"Infinity\",\"-Infinity\"]";
    assert_int_equal(b->len, 2 + strlen(want));
    assert_memory_equal(b->data + 2, want, b->len - 2);
    wb_buf_unref(b);
}

/* What decodes as arguments passes wc_payload_check; strings stay in range. */
static void json_strict(void **state) {
    (void)state;
    const wa_valtype t[] = {WA_I64};
    const wa_valtype t32[] = {WA_I32};
    wa_value v[1];
    wb_error err;
    const char *bad[] = {"[1] x", "42\x01", "[\"99999999999999999999\"]", "[\"-9223372036854775809\"]"};
    for (size_t i = 0; i < WB_ARRAY_LEN(bad); i++) {
        wb_buf *b = text(WC_CODEC_JSON, bad[i]);
        if (wc_values_from_payload(b->data, b->len, t, 1, v, &err) != WB_DECODE) fail_msg("%s", bad[i]);
        wb_buf_unref(b);
    }
    wb_buf *b = text(WC_CODEC_JSON, "[\"4294967296\"]");
    assert_int_equal(wc_values_from_payload(b->data, b->len, t32, 1, v, &err), WB_DECODE);
    wb_buf_unref(b);
    b = text(WC_CODEC_JSON, "[\"4294967295\"] \n");
    assert_int_equal(wc_values_from_payload(b->data, b->len, t32, 1, v, &err), WB_OK);
    assert_int_equal(v[0].of.i32, -1);
    wb_buf_unref(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_args),          cmocka_unit_test(json_errors),
        cmocka_unit_test(exact_round_trips),  cmocka_unit_test(json_strict),
        cmocka_unit_test(roundtrip_all_codecs), cmocka_unit_test(packed_layout),
        cmocka_unit_test(cbor_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
