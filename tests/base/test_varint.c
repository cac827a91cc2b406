/* SPDX-License-Identifier: MIT */
/* Unsigned varint round trips and rejection of truncated/overlong input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wactor/base.h"

static void roundtrip(void **state) {
    (void)state;
    const uint64_t vals[] = {0, 1, 127, 128, 0x55, 0x0200, 300, 16383, 16384, (1ull << 63) - 1};
    for (size_t i = 0; i < WB_ARRAY_LEN(vals); i++) {
        uint8_t b[WB_VARINT_MAX];
        size_t n = wb_varint_encode(vals[i], b);
        uint64_t v = 0;
        assert_int_equal(wb_varint_decode(b, n, &v), n);
        assert_int_equal(v, vals[i]);
    }
}

static void known_encodings(void **state) {
    (void)state;
    uint8_t b[WB_VARINT_MAX];
    assert_int_equal(wb_varint_encode(0x0200, b), 2); /* JSON multicodec */
    assert_int_equal(b[0], 0x80);
    assert_int_equal(b[1], 0x04);
    assert_int_equal(wb_varint_encode(0x55, b), 1);
    assert_int_equal(b[0], 0x55);
}

static void rejects_bad(void **state) {
    (void)state;
    uint64_t v;
    const uint8_t trunc[] = {0x80, 0x80};
    assert_int_equal(wb_varint_decode(trunc, sizeof trunc, &v), 0);
    const uint8_t overlong[] = {0x81, 0x00};
    assert_int_equal(wb_varint_decode(overlong, sizeof overlong, &v), 0);
    const uint8_t toolong[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    assert_int_equal(wb_varint_decode(toolong, sizeof toolong, &v), 0);
    assert_int_equal(wb_varint_decode(trunc, 0, &v), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip),
        cmocka_unit_test(known_encodings),
        cmocka_unit_test(rejects_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
