/* SPDX-License-Identifier: MIT */
/* Restart delay policies. */
#include "rt/rt_test.h"

static void policies(void **state) {
    (void)state;
    wr_backoff none = {0};
    assert_int_equal(wr_backoff_delay(&none, 5, 0), 0);
    wr_backoff lin = {.kind = WR_BACKOFF_LINEAR, .base_ns = 10};
    assert_int_equal(wr_backoff_delay(&lin, 0, 0), 10);
    assert_int_equal(wr_backoff_delay(&lin, 3, 0), 40);
    wr_backoff exp = {.kind = WR_BACKOFF_EXPONENTIAL, .base_ns = 10, .max_ns = 100};
    assert_int_equal(wr_backoff_delay(&exp, 0, 0), 10);
    assert_int_equal(wr_backoff_delay(&exp, 1, 0), 20);
    assert_int_equal(wr_backoff_delay(&exp, 3, 0), 80);
    assert_int_equal(wr_backoff_delay(&exp, 4, 0), 100); /* capped */
    assert_int_equal(wr_backoff_delay(&exp, 200, 0), 100); /* no overflow */
    wr_backoff huge = {.kind = WR_BACKOFF_EXPONENTIAL, .base_ns = 1ull << 40};
    assert_int_equal(wr_backoff_delay(&huge, 40, 0), UINT64_MAX);
}

static void jitter_stays_in_band(void **state) {
    (void)state;
    wr_backoff b = {.kind = WR_BACKOFF_EXPONENTIAL, .base_ns = 1000, .jitter_pct = 20};
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t d = wr_backoff_delay(&b, 2, wb_random_u64());
        assert_true(d >= 3200 && d <= 4800);
        if (d < lo) lo = d;
        if (d > hi) hi = d;
    }
    assert_true(hi - lo > 800); /* it does spread */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policies),
        cmocka_unit_test(jitter_stays_in_band),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
