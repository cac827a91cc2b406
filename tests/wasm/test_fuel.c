/* SPDX-License-Identifier: MIT */
/* Fuel: sliced runs resume exactly where they stopped; lifetime fuel traps. */
#include "wasm_test_util.h"

static wa_host_status host_wait(wa_instance *c, const wa_value *a, wa_value *r, void *ud) {
    (void)c;
    (void)ud;
    r[0] = wa_i32(a[0].of.i32);
    return WA_HOST_OK;
}

static wa_instance *make(wa_engine *e, wa_module *m, const wa_limits *lim) {
    wa_linker *l = wa_linker_new(e);
    wa_valtype i = WA_I32;
    assert_int_equal(wa_linker_define_func(l, "host", "wait", &i, 1, &i, 1, host_wait, NULL), WB_OK);
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(wa_instance_new(m, l, lim, NULL, &inst, &err), WB_OK);
    wa_linker_free(l); /* host functions are copied into the instance */
    return inst;
}

static void test_sliced_sum_matches_unlimited(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m, NULL);
    wa_func *f = wa_instance_func(inst, "sum");
    wa_value n = wa_i64(100000), r1, r2;
    assert_int_equal(wa_instance_call(inst, f, &n, 1, WA_FUEL_UNLIMITED), WA_RUN_DONE);
    wa_instance_results(inst, &r1, 1);
    assert_int_equal(r1.of.i64, 5000050000LL);
    uint64_t used_unlimited = wa_instance_fuel_used(inst);
    assert_true(used_unlimited >= 100000); /* at least one unit per iteration */

    uint64_t before = wa_instance_fuel_used(inst);
    int slices = 1;
    wa_run_status rs = wa_instance_call(inst, f, &n, 1, 1000);
    while (rs == WA_RUN_OUT_OF_FUEL) {
        assert_true(wa_instance_busy(inst));
        rs = wa_instance_resume(inst, 1000);
        slices++;
    }
    assert_int_equal(rs, WA_RUN_DONE);
    wa_instance_results(inst, &r2, 1);
    assert_int_equal(r2.of.i64, r1.of.i64);
    assert_true(slices > 100);
    /* a slice may overshoot by one basic block, never by more */
    assert_true(wa_instance_fuel_used(inst) - before >= used_unlimited);
    assert_true(wa_instance_fuel_used(inst) - before <= used_unlimited + (uint64_t)slices * 64);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_sliced_recursion(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m, NULL);
    wa_func *f = wa_instance_func(inst, "fib");
    wa_value n = wa_i32(22), r;
    int slices = 1;
    wa_run_status rs = wa_instance_call(inst, f, &n, 1, 500);
    while (rs == WA_RUN_OUT_OF_FUEL) {
        rs = wa_instance_resume(inst, 500);
        slices++;
    }
    assert_int_equal(rs, WA_RUN_DONE);
    wa_instance_results(inst, &r, 1);
    assert_int_equal(r.of.i32, 17711);
    assert_true(slices > 10);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_runaway_loop_stopped(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m, NULL);
    wa_func *spin = wa_instance_func(inst, "spin");
    assert_int_equal(wa_instance_call(inst, spin, NULL, 0, 100000), WA_RUN_OUT_OF_FUEL);
    assert_int_equal(wa_instance_resume(inst, 100000), WA_RUN_OUT_OF_FUEL);
    /* a second call while one is paused is refused, the paused one kept */
    assert_int_equal(wa_instance_call(inst, spin, NULL, 0, 10), WA_RUN_TRAP);
    assert_true(wa_instance_busy(inst));
    wa_instance_cancel(inst);
    assert_false(wa_instance_busy(inst));
    wa_value n = wa_i32(10);
    assert_int_equal(wt_i32(inst, "fib", &n, 1), 55);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_lifetime_fuel_trap(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_limits lim = {.max_fuel = 50000};
    wa_instance *inst = make(e, m, &lim);
    wa_func *spin = wa_instance_func(inst, "spin");
    assert_int_equal(wa_instance_call(inst, spin, NULL, 0, WA_FUEL_UNLIMITED), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_FUEL);
    assert_true(wa_instance_fuel_used(inst) >= 50000);
    /* spent: even a short call now traps */
    wa_value n = wa_i32(3);
    assert_int_equal(wt_call(inst, "fib", &n, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_FUEL);
    wa_instance_unref(inst);
    /* slices smaller than the lifetime: out of fuel first, then the trap */
    lim.max_fuel = 3000;
    inst = make(e, m, &lim);
    spin = wa_instance_func(inst, "spin");
    assert_int_equal(wa_instance_call(inst, spin, NULL, 0, 1000), WA_RUN_OUT_OF_FUEL);
    assert_int_equal(wa_instance_resume(inst, 1000), WA_RUN_OUT_OF_FUEL);
    wa_run_status rs = wa_instance_resume(inst, 1000);
    if (rs == WA_RUN_OUT_OF_FUEL) rs = wa_instance_resume(inst, 1000);
    assert_int_equal(rs, WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_FUEL);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sliced_sum_matches_unlimited),
        cmocka_unit_test(test_sliced_recursion),
        cmocka_unit_test(test_runaway_loop_stopped),
        cmocka_unit_test(test_lifetime_fuel_trap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
