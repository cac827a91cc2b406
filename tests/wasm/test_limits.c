/* SPDX-License-Identifier: MIT */
/* Per-instance limits: memory pages, table elements, call depth, value stack. */
#include "wasm_test_util.h"

static wa_host_status host_wait(wa_instance *c, const wa_value *a, wa_value *r, void *ud) {
    (void)c;
    (void)ud;
    r[0] = a[0];
    return WA_HOST_OK;
}

static wa_instance *make(wa_engine *e, wa_module *m, const wa_limits *lim) {
    wa_linker *l = wa_linker_new(e);
    wa_valtype i = WA_I32;
    assert_int_equal(wa_linker_define_func(l, "host", "wait", &i, 1, &i, 1, host_wait, NULL), WB_OK);
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(wa_instance_new(m, l, lim, NULL, &inst, &err), WB_OK);
    wa_linker_free(l);
    return inst;
}

static void test_memory_bomb_capped(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_limits lim = {.max_memory_pages = 64};
    wa_instance *inst = make(e, m, &lim);
    assert_int_equal(wt_i32(inst, "bomb", NULL, 0), 64);
    wa_value one = wa_i32(1);
    assert_int_equal(wt_i32(inst, "grow", &one, 1), -1);
    assert_int_equal(wa_instance_memory_pages(inst), 64);
    assert_int_equal(wa_instance_memory_denied(inst), 2); /* the bomb's last try and ours */
    /* the last page works, one past it traps */
    wa_value a[2] = {wa_i32(64 * 65536 - 4), wa_i32(5)};
    assert_int_equal(wt_call(inst, "poke", a, 2, NULL, 0), WA_RUN_DONE);
    a[0] = wa_i32(64 * 65536 - 3);
    assert_int_equal(wt_call(inst, "poke", a, 2, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_MEMORY_OOB);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_memory_minimum_over_limit(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "limits.wasm");
    wa_limits lim = {.max_memory_pages = 10};
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(wa_instance_new(m, NULL, &lim, NULL, &inst, &err), WB_LIMIT);
    assert_null(inst);
    lim.max_memory_pages = 20;
    assert_int_equal(wa_instance_new(m, NULL, &lim, NULL, &inst, &err), WB_OK);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_huge_table(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m, NULL);
    wa_value n = wa_i32(20000000);
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), -1); /* default 10M elements */
    wa_instance_unref(inst);
    wa_limits lim = {.max_table_elems = 100};
    inst = make(e, m, &lim);
    n = wa_i32(200);
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), -1);
    n = wa_i32(99);
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), 1);
    n = wa_i32(1);
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), -1);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_call_depth(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m, NULL);
    wa_value n = wa_i32(5000);
    assert_int_equal(wt_i32(inst, "deep", &n, 1), 5000);
    n = wa_i32(1000000);
    assert_int_equal(wt_call(inst, "deep", &n, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_CALL_STACK);
    wa_instance_unref(inst);
    wa_limits lim = {.max_call_depth = 50};
    inst = make(e, m, &lim);
    n = wa_i32(40);
    assert_int_equal(wt_i32(inst, "deep", &n, 1), 40);
    n = wa_i32(60);
    assert_int_equal(wt_call(inst, "deep", &n, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_CALL_STACK);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_value_stack(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_limits lim = {.max_stack_bytes = 16384, .max_call_depth = 1000000};
    wa_instance *inst = make(e, m, &lim);
    wa_value n = wa_i32(100);
    assert_int_equal(wt_i32(inst, "deep", &n, 1), 100);
    n = wa_i32(100000);
    assert_int_equal(wt_call(inst, "deep", &n, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_VALUE_STACK);
    n = wa_i32(100);
    assert_int_equal(wt_i32(inst, "deep", &n, 1), 100);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_bomb_capped),
        cmocka_unit_test(test_memory_minimum_over_limit),
        cmocka_unit_test(test_huge_table),
        cmocka_unit_test(test_call_depth),
        cmocka_unit_test(test_value_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
