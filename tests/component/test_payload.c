/* SPDX-License-Identifier: MIT */
/* Multicodec payloads: prefixes, known and unknown codecs, body checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/component.h"

static void codec_names(void **state) {
    (void)state;
    assert_string_equal(wc_codec_name(0x55), "raw");
    assert_string_equal(wc_codec_name(0x0200), "json");
    assert_string_equal(wc_codec_name(0x51), "cbor");
    assert_string_equal(wc_codec_name(WC_CODEC_BORSH), "borsh");
    assert_string_equal(wc_codec_name(0x70), "unknown");
    wc_codec c;
    assert_int_equal(wc_codec_parse("cbor", &c), WB_OK);
    assert_int_equal(c, WC_CODEC_CBOR);
    assert_int_equal(wc_codec_parse("xml", &c), WB_NOT_FOUND);
    /* Borsh's code sits in the multicodec private-use range. */
    assert_true(WC_CODEC_BORSH >= 0x300000 && WC_CODEC_BORSH <= 0x3fffff);
}

static void build_and_split(void **state) {
    (void)state;
    wb_buf *b = wc_payload_new(WC_CODEC_JSON, "[1]", 3);
    assert_non_null(b);
    assert_int_equal(b->len, 5);
    assert_int_equal(b->data[0], 0x80); /* 0x0200 as a varint */
    assert_int_equal(b->data[1], 0x04);
    wc_codec c;
    size_t off = 0;
    wb_error err;
    assert_int_equal(wc_payload_split(b->data, b->len, &c, &off, &err), WB_OK);
    assert_int_equal(c, WC_CODEC_JSON);
    assert_int_equal(off, 2);
    assert_memory_equal(b->data + off, "[1]", 3);
    wb_buf_unref(b);

    b = wc_payload_new(WC_CODEC_BORSH, NULL, 0);
    assert_int_equal(wc_payload_split(b->data, b->len, &c, &off, &err), WB_OK);
    assert_int_equal(c, WC_CODEC_BORSH);
    assert_int_equal(off, b->len);
    wb_buf_unref(b);
}

static void rejects_bad_prefixes(void **state) {
    (void)state;
    wb_error err;
    wc_codec c;
    size_t off;
    const uint8_t empty[1] = {0};
    assert_int_equal(wc_payload_split(empty, 0, &c, &off, &err), WB_DECODE);
    const uint8_t trunc[] = {0x80};
    assert_int_equal(wc_payload_split(trunc, 1, &c, &off, &err), WB_DECODE);
    const uint8_t overlong[] = {0xd5, 0x00}; /* 0x55 not minimally encoded */
    assert_int_equal(wc_payload_split(overlong, 2, &c, &off, &err), WB_DECODE);
    const uint8_t unknown[] = {0x70, 1, 2};  /* dag-pb: valid multicodec, not ours */
    assert_int_equal(wc_payload_split(unknown, 3, &c, &off, &err), WB_UNSUPPORTED);
    assert_non_null(strstr(err.msg, "0x70"));
    assert_int_equal(wc_payload_check(unknown, 3, &err), WB_UNSUPPORTED);
}

static wb_status check_body(wc_codec c, const void *body, size_t len) {
    wb_buf *b = wc_payload_new(c, body, len);
    wb_error err;
    wb_status st = wc_payload_check(b->data, b->len, &err);
    wb_buf_unref(b);
    return st;
}

static void checks_bodies(void **state) {
    (void)state;
    assert_int_equal(check_body(WC_CODEC_JSON, "{\"a\": [1, 2.5, null]} \n", 23), WB_OK);
    assert_int_equal(check_body(WC_CODEC_JSON, "{\"a\": ", 6), WB_DECODE);
    assert_int_equal(check_body(WC_CODEC_JSON, "1 2", 3), WB_DECODE);
    assert_int_equal(check_body(WC_CODEC_JSON, "", 0), WB_DECODE);
    const uint8_t cbor_ok[] = {0x82, 0x01, 0x20};        /* [1, -1] */
    assert_int_equal(check_body(WC_CODEC_CBOR, cbor_ok, 3), WB_OK);
    const uint8_t cbor_short[] = {0x82, 0x01};            /* array of 2 with 1 item */
    assert_int_equal(check_body(WC_CODEC_CBOR, cbor_short, 2), WB_DECODE);
    assert_int_equal(check_body(WC_CODEC_CBOR, cbor_ok, 2), WB_DECODE);
    const uint8_t cbor_trailing[] = {0x01, 0x02};
    assert_int_equal(check_body(WC_CODEC_CBOR, cbor_trailing, 2), WB_DECODE);
    const uint8_t junk[] = {0xff, 0x00, 0x13};
    assert_int_equal(check_body(WC_CODEC_RAW, junk, 3), WB_OK);
    assert_int_equal(check_body(WC_CODEC_BORSH, junk, 3), WB_OK);
    assert_int_equal(check_body(WC_CODEC_RAW, NULL, 0), WB_OK);
}

/* Headers that declare more than the body holds are refused before anything
 * is allocated for them (libcbor would allocate 60 GB for the first one:
 * under ASan that is a crash; fuzz_codec found it). */
static void cbor_sizes_fit_the_body(void **state) {
    (void)state;
    const uint8_t huge_map[] = {0xbb, 0x00, 0x00, 0x00, 0x0f, 0xb4, 0x00, 0x40, 0x00};
    assert_int_equal(check_body(WC_CODEC_CBOR, huge_map, sizeof huge_map), WB_DECODE);
    const uint8_t huge_array[] = {0x9a, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(check_body(WC_CODEC_CBOR, huge_array, sizeof huge_array), WB_DECODE);
    const uint8_t huge_text[] = {0x7b, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 'a'};
    assert_int_equal(check_body(WC_CODEC_CBOR, huge_text, sizeof huge_text), WB_DECODE);
    /* What fits still decodes: definite and indefinite containers, tags, floats. */
    const uint8_t fits[] = {0xa2, 0x61, 'k', 0x9f, 0x01, 0x5f, 0x41, 'x', 0xff, 0xff,
                            0x02, 0xc1, 0xfa, 0x3f, 0xc0, 0x00, 0x00};
    assert_int_equal(check_body(WC_CODEC_CBOR, fits, sizeof fits), WB_OK);
    uint8_t deep[80];
    memset(deep, 0x81, sizeof deep); /* [[[...]]] deeper than 64 */
    deep[sizeof deep - 1] = 0x00;
    assert_int_equal(check_body(WC_CODEC_CBOR, deep, sizeof deep), WB_DECODE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cbor_sizes_fit_the_body),
        cmocka_unit_test(codec_names),
        cmocka_unit_test(build_and_split),
        cmocka_unit_test(rejects_bad_prefixes),
        cmocka_unit_test(checks_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
