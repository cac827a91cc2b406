/* SPDX-License-Identifier: MIT */
/* The interpreter: arithmetic, control flow, calls, memory, host calls, traps. */
#include "wasm_test_util.h"

typedef struct fixture {
    wa_engine *e;
    wa_module *m;
    wa_linker *l;
    wa_instance *inst;
} fixture;

static wa_host_status host_add(wa_instance *caller, const wa_value *args, wa_value *results, void *ud) {
    (void)caller;
    results[0] = wa_i32(args[0].of.i32 + args[1].of.i32 + (int32_t)(intptr_t)ud);
    return WA_HOST_OK;
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->e = wa_engine_new(NULL);
    f->m = wt_load(f->e, "interp.wasm");
    f->l = wa_linker_new(f->e);
    wa_valtype p[2] = {WA_I32, WA_I32}, r[1] = {WA_I32};
    assert_int_equal(wa_linker_define_func(f->l, "host", "add", p, 2, r, 1, host_add, (void *)(intptr_t)1000), WB_OK);
    wb_error err = {0};
    wb_status st = wa_instance_new(f->m, f->l, NULL, NULL, &f->inst, &err);
    if (st != WB_OK) fprintf(stderr, "instantiate: %s\n", err.msg);
    assert_int_equal(st, WB_OK);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    wa_instance_unref(f->inst);
    wa_linker_free(f->l);
    wa_module_unref(f->m);
    wa_engine_free(f->e);
    free(f);
    return 0;
}

static void test_add_and_fib(void **state) {
    fixture *f = *state;
    wa_value a[2] = {wa_i32(40), wa_i32(2)};
    assert_int_equal(wt_i32(f->inst, "add", a, 2), 42);
    wa_value n = wa_i32(20);
    assert_int_equal(wt_i32(f->inst, "fib", &n, 1), 6765);
}

static void test_loop_sum_and_i64(void **state) {
    fixture *f = *state;
    wa_value n = wa_i32(1000), r;
    assert_int_equal(wt_call(f->inst, "sum", &n, 1, &r, 1), WA_RUN_DONE);
    assert_int_equal(r.type, WA_I64);
    assert_int_equal(r.of.i64, 500500);
    wa_value x = wa_i64(20);
    assert_int_equal(wt_call(f->inst, "fact", &x, 1, &r, 1), WA_RUN_DONE);
    assert_int_equal(r.of.i64, 2432902008176640000LL);
}

static void test_multi_value_and_br_table(void **state) {
    fixture *f = *state;
    wa_value a[2] = {wa_i32(1), wa_i32(2)}, r[2];
    assert_int_equal(wt_call(f->inst, "swap", a, 2, r, 2), WA_RUN_DONE);
    assert_int_equal(r[0].of.i32, 2);
    assert_int_equal(r[1].of.i32, 1);
    int32_t want[] = {10, 20, 30, 30, 30};
    for (int i = 0; i < 5; i++) {
        wa_value v = wa_i32(i);
        assert_int_equal(wt_i32(f->inst, "sel", &v, 1), want[i]);
    }
    wa_value v = wa_i32(7);
    assert_int_equal(wt_i32(f->inst, "tabloop", &v, 1), 7);
    v = wa_i32(5);
    assert_int_equal(wt_i32(f->inst, "multi", &v, 1), 8);
    assert_int_equal(wt_i32(f->inst, "tee", &v, 1), 30);
    assert_int_equal(wt_i32(f->inst, "lset", &v, 1), 0);
    v = wa_i32(9);
    assert_int_equal(wt_i32(f->inst, "lset", &v, 1), -4);
}

static void test_memory(void **state) {
    fixture *f = *state;
    wa_value v = wa_i32(16);
    assert_int_equal(wt_i32(f->inst, "load8", &v, 1), 'h');
    wa_value s[2] = {wa_i32(100), wa_i32(0x12345678)};
    assert_int_equal(wt_call(f->inst, "store", s, 2, NULL, 0), WA_RUN_DONE);
    v = wa_i32(100);
    assert_int_equal(wt_i32(f->inst, "load", &v, 1), 0x12345678);
    uint32_t got = 0;
    assert_int_equal(wa_instance_mem_read(f->inst, 100, &got, 4), WB_OK);
    assert_int_equal(got, 0x12345678);
    v = wa_i32(65533);
    assert_int_equal(wt_call(f->inst, "load", &v, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_MEMORY_OOB);
    assert_string_equal(wa_instance_trap(f->inst)->message, "out of bounds memory access");
    assert_int_equal(wt_i32(f->inst, "size", NULL, 0), 1);
    v = wa_i32(2);
    assert_int_equal(wt_i32(f->inst, "grow", &v, 1), 1);
    assert_int_equal(wt_i32(f->inst, "size", NULL, 0), 3);
    assert_int_equal(wt_i32(f->inst, "grow", &v, 1), -1); /* declared max 4 */
    v = wa_i32(65533);
    assert_int_equal(wt_i32(f->inst, "load", &v, 1), 0);
    wa_value fl[3] = {wa_i32(200), wa_i32(0xAB), wa_i32(10)};
    assert_int_equal(wt_call(f->inst, "fill", fl, 3, NULL, 0), WA_RUN_DONE);
    v = wa_i32(209);
    assert_int_equal(wt_i32(f->inst, "load8", &v, 1), 0xAB);
    fl[0] = wa_i32(3 * 65536 - 5);
    assert_int_equal(wt_call(f->inst, "fill", fl, 3, NULL, 0), WA_RUN_TRAP);
}

static void test_call_indirect(void **state) {
    fixture *f = *state;
    wa_value a[3] = {wa_i32(0), wa_i32(7), wa_i32(3)};
    assert_int_equal(wt_i32(f->inst, "calli", a, 3), 10);
    a[0] = wa_i32(1);
    assert_int_equal(wt_i32(f->inst, "calli", a, 3), 4);
    a[0] = wa_i32(2);
    assert_int_equal(wt_call(f->inst, "calli", a, 3, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_UNINITIALIZED_ELEMENT);
    a[0] = wa_i32(9);
    assert_int_equal(wt_call(f->inst, "calli", a, 3, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_UNDEFINED_ELEMENT);
}

static void test_traps(void **state) {
    fixture *f = *state;
    assert_int_equal(wt_call(f->inst, "unreachable", NULL, 0, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_UNREACHABLE);
    size_t len = 0;
    uint8_t *bytes = wt_read_file("interp.wasm", &len);
    assert_non_null(bytes);
    /* the trap names the byte offset of the trapping instruction */
    uint32_t at = wa_instance_trap(f->inst)->code_offset;
    assert_true(at > 0 && at < len);
    assert_int_equal(bytes[at], 0x00); /* unreachable */
    wa_value d[2] = {wa_i32(1), wa_i32(0)};
    assert_int_equal(wt_call(f->inst, "div", d, 2, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_DIV_BY_ZERO);
    at = wa_instance_trap(f->inst)->code_offset;
    assert_true(at > 0 && at < len);
    assert_int_equal(bytes[at], 0x6D); /* i32.div_s */
    free(bytes);
    d[0] = wa_i32(INT32_MIN);
    d[1] = wa_i32(-1);
    assert_int_equal(wt_call(f->inst, "div", d, 2, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_INT_OVERFLOW);
    wa_value t = wa_f64(1e100);
    assert_int_equal(wt_call(f->inst, "trunc", &t, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_INT_OVERFLOW);
    t = wa_f64(0.0 / 0.0);
    assert_int_equal(wt_call(f->inst, "trunc", &t, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_BAD_CONVERSION);
    t = wa_f64(-3.9);
    assert_int_equal(wt_i32(f->inst, "trunc", &t, 1), -3);
    wa_value r = wa_i32(0);
    assert_int_equal(wt_call(f->inst, "recurse", &r, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_CALL_STACK);
    assert_string_equal(wa_instance_trap(f->inst)->message, "call stack exhausted");
    /* the instance stays usable after every trap */
    wa_value a[2] = {wa_i32(1), wa_i32(2)};
    assert_int_equal(wt_i32(f->inst, "add", a, 2), 3);
}

static void test_bad_arguments(void **state) {
    fixture *f = *state;
    wa_value a[2] = {wa_i64(1), wa_i32(2)};
    assert_int_equal(wt_call(f->inst, "add", a, 2, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(f->inst)->kind, WA_TRAP_HOST);
    assert_int_equal(wt_call(f->inst, "add", a, 1, NULL, 0), WA_RUN_TRAP);
}

static void test_host_and_globals(void **state) {
    fixture *f = *state;
    wa_value a[2] = {wa_i32(1), wa_i32(2)};
    assert_int_equal(wt_i32(f->inst, "host", a, 2), 1003);
    assert_int_equal(wt_i32(f->inst, "gget", NULL, 0), 7);
    assert_int_equal(wt_call(f->inst, "ginc", NULL, 0, NULL, 0), WA_RUN_DONE);
    assert_int_equal(wt_i32(f->inst, "gget", NULL, 0), 8);
    wa_value g;
    assert_int_equal(wa_instance_global_get(f->inst, "gi64", &g), WB_OK);
    assert_int_equal(g.of.i64, -5);
    assert_int_equal(wa_instance_global_set(f->inst, "gi64", wa_i64(9)), WB_OK);
    assert_int_equal(wa_instance_global_get(f->inst, "gi64", &g), WB_OK);
    assert_int_equal(g.of.i64, 9);
    wa_value x[2] = {wa_f32(-0.0f), wa_f32(0.0f)}, r;
    assert_int_equal(wt_call(f->inst, "fmin", x, 2, &r, 1), WA_RUN_DONE);
    assert_int_equal(r.of.f32_bits, 0x80000000u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_and_fib, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop_sum_and_i64, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multi_value_and_br_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_call_indirect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_and_globals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
