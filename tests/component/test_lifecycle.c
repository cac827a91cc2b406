/* SPDX-License-Identifier: MIT */
/* Lifecycle: legal path, illegal transitions refused, Failed from any
 * non-final state, every transition an event with a timestamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/component.h"

typedef struct seen {
    wc_transition t[16];
    int n;
} seen;

static void record(void *ud, const wc_transition *t) {
    seen *s = ud;
    if (s->n < 16) s->t[s->n++] = *t;
}

static void happy_path(void **state) {
    (void)state;
    seen s = {0};
    wc_lifecycle lc;
    wb_error err;
    wc_lifecycle_init(&lc, record, &s);
    assert_int_equal(lc.state, WC_STATE_CREATING);
    const wc_state path[] = {WC_STATE_STARTING, WC_STATE_READY, WC_STATE_STOPPING,
                             WC_STATE_TERMINATED};
    for (size_t i = 0; i < 4; i++) assert_int_equal(wc_lifecycle_to(&lc, path[i], &err), WB_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.t[0].from, WC_STATE_CREATING);
    assert_int_equal(s.t[3].to, WC_STATE_TERMINATED);
    for (int i = 1; i < 4; i++) {
        assert_int_equal(s.t[i].from, s.t[i - 1].to);
        assert_true(s.t[i].at_ns >= s.t[i - 1].at_ns);
        assert_true(s.t[i].at_ns > 0);
    }
    /* Terminated is final: nothing more, not even Failed. */
    assert_int_equal(wc_lifecycle_fail(&lc, WC_FAIL_TRAP, "late"), WB_STATE);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_READY, &err), WB_STATE);
    assert_int_equal(s.n, 4);
    assert_string_equal(wc_state_name(WC_STATE_READY), "ready");
}

static void illegal_refused(void **state) {
    (void)state;
    seen s = {0};
    wc_lifecycle lc;
    wb_error err;
    wc_lifecycle_init(&lc, record, &s);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_READY, &err), WB_STATE);
    assert_non_null(strstr(err.msg, "creating -> ready"));
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_TERMINATED, &err), WB_STATE);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_FAILED, &err), WB_STATE); /* use _fail */
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_CREATING, &err), WB_STATE);
    assert_int_equal(lc.state, WC_STATE_CREATING);
    assert_int_equal(s.n, 0);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_STARTING, &err), WB_OK);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_STARTING, &err), WB_STATE);
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_STOPPING, &err), WB_OK); /* stop during init */
    assert_int_equal(wc_lifecycle_to(&lc, WC_STATE_READY, &err), WB_STATE);
    assert_int_equal(s.n, 2);
}

static void failed_from_any(void **state) {
    (void)state;
    const wc_state before[] = {WC_STATE_CREATING, WC_STATE_STARTING, WC_STATE_READY,
                               WC_STATE_STOPPING};
    for (size_t i = 0; i < 4; i++) {
        seen s = {0};
        wc_lifecycle lc;
        wb_error err;
        wc_lifecycle_init(&lc, record, &s);
        const wc_state path[] = {WC_STATE_STARTING, WC_STATE_READY, WC_STATE_STOPPING};
        for (size_t k = 0; k < i; k++) assert_int_equal(wc_lifecycle_to(&lc, path[k], &err), WB_OK);
        assert_int_equal(lc.state, before[i]);
        assert_int_equal(wc_lifecycle_fail(&lc, WC_FAIL_FUEL, "used %d", 42), WB_OK);
        assert_int_equal(lc.state, WC_STATE_FAILED);
        assert_int_equal(s.t[s.n - 1].to, WC_STATE_FAILED);
        assert_int_equal(s.t[s.n - 1].from, before[i]);
        assert_int_equal(s.t[s.n - 1].fail, WC_FAIL_FUEL);
        assert_string_equal(s.t[s.n - 1].reason, "used 42");
        assert_int_equal(wc_lifecycle_fail(&lc, WC_FAIL_TRAP, "again"), WB_STATE);
        assert_int_equal(lc.fail, WC_FAIL_FUEL);
    }
}

static void trap_categories(void **state) {
    (void)state;
    assert_int_equal(wc_fail_from_trap(WA_TRAP_FUEL), WC_FAIL_FUEL);
    assert_int_equal(wc_fail_from_trap(WA_TRAP_MEMORY_LIMIT), WC_FAIL_MEMORY);
    assert_int_equal(wc_fail_from_trap(WA_TRAP_UNREACHABLE), WC_FAIL_TRAP);
    assert_int_equal(wc_fail_from_trap(WA_TRAP_DIV_BY_ZERO), WC_FAIL_TRAP);
    assert_string_equal(wc_fail_name(WC_FAIL_MEMORY), "memory limit");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(happy_path),
        cmocka_unit_test(illegal_refused),
        cmocka_unit_test(failed_from_any),
        cmocka_unit_test(trap_categories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
