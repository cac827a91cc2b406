/* SPDX-License-Identifier: MIT */
/* Topic patterns ('*' one segment, '#' the rest) and capability checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wactor/component.h"

static void matches(void **state) {
    (void)state;
    assert_true(wc_pattern_match("a.b", "a.b"));
    assert_false(wc_pattern_match("a.b", "a.bc"));
    assert_false(wc_pattern_match("a.b", "a"));
    assert_false(wc_pattern_match("a", "a.b"));
    assert_true(wc_pattern_match("a.*", "a.b"));
    assert_false(wc_pattern_match("a.*", "a.b.c"));
    assert_false(wc_pattern_match("a.*", "a"));
    assert_true(wc_pattern_match("*.b", "x.b"));
    assert_true(wc_pattern_match("a.*.c", "a.x.c"));
    assert_false(wc_pattern_match("a.*.c", "a.x.d"));
    assert_true(wc_pattern_match("a.#", "a.b.c.d"));
    assert_true(wc_pattern_match("a.#", "a.b"));
    assert_true(wc_pattern_match("a.#", "a"));
    assert_false(wc_pattern_match("a.#", "b.a"));
    assert_true(wc_pattern_match("#", "anything.at.all"));
    assert_true(wc_pattern_match("*.#", "x"));
    assert_true(wc_pattern_match("*", "worker"));
    assert_false(wc_pattern_match("*", "worker.1"));
    assert_true(wc_pattern_match("a.*", "a.")); /* empty segment still is one segment */
    /* a segment's prefix: a spawner's children by the names they get */
    assert_true(wc_pattern_match("router/kv#*", "router/kv#0"));
    assert_true(wc_pattern_match("router/kv#*", "router/kv#17"));
    assert_true(wc_pattern_match("router/kv#*", "router/kv#"));
    assert_false(wc_pattern_match("router/kv#*", "router/kvx#1"));
    assert_false(wc_pattern_match("router/kv#*", "router/kv#1.x"));
    assert_true(wc_pattern_match("w*.#", "worker.1.x"));
    assert_false(wc_pattern_match("router/kv#0", "router/kv#01")); /* '#' in text is a character */
}

static void covers(void **state) {
    (void)state;
    assert_true(wc_pattern_covers("a.#", "a.*"));
    assert_true(wc_pattern_covers("a.#", "a.b.c"));
    assert_true(wc_pattern_covers("a.#", "a.#"));
    assert_true(wc_pattern_covers("a.#", "a"));
    assert_true(wc_pattern_covers("#", "#"));
    assert_true(wc_pattern_covers("a.*", "a.b"));
    assert_true(wc_pattern_covers("a.*", "a.*"));
    assert_false(wc_pattern_covers("a.*", "a.#"));
    assert_false(wc_pattern_covers("a.*", "a.b.c"));
    assert_false(wc_pattern_covers("a.b", "a.*"));
    assert_false(wc_pattern_covers("a.b", "a"));
    assert_false(wc_pattern_covers("a", "a.b"));
    assert_false(wc_pattern_covers("a.#", "#"));
    assert_false(wc_pattern_covers("a.#", "b.c"));
    assert_true(wc_pattern_covers("*.x", "q.x"));
    assert_false(wc_pattern_covers("*.x", "*.y"));
    assert_true(wc_pattern_covers("kv#*", "kv#3"));
    assert_true(wc_pattern_covers("kv*", "kv#*"));
    assert_false(wc_pattern_covers("kv#*", "kv*"));
    assert_false(wc_pattern_covers("kv#*", "*"));
    assert_true(wc_pattern_covers("*", "kv#*"));
}

static void checks(void **state) {
    (void)state;
    wb_error err;
    assert_int_equal(wc_pattern_check("a.*.#", &err), WB_OK);
    assert_int_equal(wc_pattern_check("#", &err), WB_OK);
    assert_int_equal(wc_pattern_check("a.#.b", &err), WB_INVALID_ARG);
    assert_int_equal(wc_pattern_check("a*", &err), WB_OK); /* a prefix: "a", "ab", ... */
    assert_int_equal(wc_pattern_check("router/kv#*", &err), WB_OK);
    assert_int_equal(wc_pattern_check("*a", &err), WB_INVALID_ARG);
    assert_int_equal(wc_pattern_check("a*b", &err), WB_INVALID_ARG);
    assert_int_equal(wc_pattern_check("a..b", &err), WB_INVALID_ARG);
    assert_int_equal(wc_pattern_check("", &err), WB_INVALID_ARG);
}

static void caps_lists(void **state) {
    (void)state;
    wc_caps c, d;
    wb_error err;
    wc_caps_init(&c);
    assert_false(wc_caps_permits(&c, WC_CAP_SEND, "anyone"));
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "worker.*", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_PUBLISH, "metrics.#", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SUBSCRIBE, "a.#.b", &err), WB_INVALID_ARG);
    assert_true(wc_caps_permits(&c, WC_CAP_SEND, "worker.3"));
    assert_false(wc_caps_permits(&c, WC_CAP_SEND, "aggregator"));
    assert_false(wc_caps_permits(&c, WC_CAP_PUBLISH, "worker.3"));
    assert_true(wc_caps_permits(&c, WC_CAP_PUBLISH, "metrics.cpu.0"));
    assert_false(wc_caps_permits(&c, WC_CAP_SUBSCRIBE, "metrics.cpu.0"));
    c.spawn = true;
    c.limits.send_rate = 7;
    assert_int_equal(wc_caps_copy(&d, &c), WB_OK);
    wc_caps_close(&c);
    assert_true(wc_caps_permits(&d, WC_CAP_SEND, "worker.3"));
    assert_true(d.spawn);
    assert_int_equal(d.limits.send_rate, 7);
    wc_caps_close(&d);
    wc_caps_close(NULL);
}

static void rate_limit(void **state) {
    (void)state;
    wc_rate r;
    uint64_t t = 1000000000ull;
    wc_rate_init(&r, 10, 3, t);
    assert_true(wc_rate_take(&r, t));
    assert_true(wc_rate_take(&r, t));
    assert_true(wc_rate_take(&r, t));
    assert_false(wc_rate_take(&r, t)); /* burst spent */
    assert_false(wc_rate_take(&r, t + 50000000ull)); /* half a token after 50 ms */
    assert_true(wc_rate_take(&r, t + 100000000ull)); /* one token after 100 ms */
    assert_false(wc_rate_take(&r, t + 100000000ull));
    /* A long pause refills only up to the burst. */
    t += 10000000000ull;
    for (int i = 0; i < 3; i++) assert_true(wc_rate_take(&r, t));
    assert_false(wc_rate_take(&r, t));
    wc_rate_init(&r, 0, 0, t); /* unlimited */
    for (int i = 0; i < 1000; i++) assert_true(wc_rate_take(&r, t));
}

static void limits_defaults(void **state) {
    (void)state;
    wc_limits l = {0};
    l.send_rate = 5;
    wc_limits_resolve(&l);
    assert_int_equal(l.max_memory_pages, 256);
    assert_int_equal(l.send_burst, 5);
    assert_int_equal(l.max_payload, 4u << 20);
    assert_true(l.fuel_slice > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches),       cmocka_unit_test(checks),
        cmocka_unit_test(covers),
        cmocka_unit_test(caps_lists),    cmocka_unit_test(rate_limit),
        cmocka_unit_test(limits_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
