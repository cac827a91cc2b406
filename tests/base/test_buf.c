/* SPDX-License-Identifier: MIT */
/* Refcounted buffers, status strings and error structs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/base.h"

static void buf_refcount(void **state) {
    (void)state;
    wb_buf *b = wb_buf_from("hello", 5);
    assert_non_null(b);
    assert_int_equal(b->len, 5);
    assert_memory_equal(b->data, "hello", 5);
    wb_buf_ref(b);
    assert_int_equal(atomic_load(&b->refs), 2);
    wb_buf_unref(b);
    assert_int_equal(atomic_load(&b->refs), 1);
    wb_buf_unref(b); /* freed; ASan would flag a leak or double free */
    wb_buf_unref(NULL);
}

static void status_text(void **state) {
    (void)state;
    assert_string_equal(wb_status_name(WB_OK), "WB_OK");
    assert_string_equal(wb_status_name(WB_NOMEM), "WB_NOMEM");
    assert_string_equal(wb_status_str(WB_TIMEOUT), "timed out");
    assert_string_equal(wb_status_name((wb_status)9999), "WB_UNKNOWN");
}

static void error_set(void **state) {
    (void)state;
    wb_error err;
    wb_error_clear(&err);
    assert_int_equal(wb_error_set(&err, WB_INVALID, "bad %d", 7), WB_INVALID);
    assert_int_equal(err.status, WB_INVALID);
    assert_string_equal(err.msg, "bad 7");
    assert_int_equal(wb_error_set(NULL, WB_IO, "x"), WB_IO);
}

static void hash_stable(void **state) {
    (void)state;
    assert_int_equal(wb_hash64("abc", 3), wb_hash64("abc", 3));
    assert_int_not_equal(wb_hash64("abc", 3), wb_hash64("abd", 3));
    uint8_t r[32] = {0};
    assert_int_equal(wb_random_fill(r, sizeof r), WB_OK);
    assert_int_not_equal(wb_random_u64(), wb_random_u64());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_refcount),
        cmocka_unit_test(status_text),
        cmocka_unit_test(error_set),
        cmocka_unit_test(hash_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
