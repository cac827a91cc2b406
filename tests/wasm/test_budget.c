/* SPDX-License-Identifier: MIT */
/* The memory budget: every kind of host memory an instance holds (linear
 * memory, tables, globals, stacks, bookkeeping) is charged to its max_bytes
 * and to a budget shared by instances; a bounded start function. */
#include "wasm_test_util.h"

static wb_status try_new(wa_engine *e, wa_module *m, const wa_limits *lim, wa_instance **out,
                         wb_error *err) {
    *out = NULL;
    return wa_instance_new(m, NULL, lim, NULL, out, err);
}

/* Ten tables of 1M elements each (80 MB) pass the per-table cap but not a
 * 16 MiB budget: instantiation fails cleanly, and nothing stays charged. */
static void test_many_tables_refused(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "budget.wasm");
    wa_budget node;
    wa_budget_init(&node, 0);
    wa_limits lim = {.max_bytes = 16u << 20, .budget = &node};
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(try_new(e, m, &lim, &inst, &err), WB_LIMIT);
    assert_null(inst);
    assert_non_null(strstr(err.msg, "budget"));
    assert_int_equal(wa_budget_used(&node), 0);
    /* with room for them it works, and everything is counted */
    lim.max_bytes = 128u << 20;
    assert_int_equal(try_new(e, m, &lim, &inst, &err), WB_OK);
    uint64_t used = wa_instance_bytes(inst);
    assert_true(used >= 10ull * 1000000 * sizeof(void *) + 65536);
    assert_int_equal(wa_budget_used(&node), used);
    wa_instance_unref(inst);
    assert_int_equal(wa_budget_used(&node), 0);
    wa_module_unref(m);
    wa_engine_free(e);
}

/* memory.grow and table.grow are refused by the instance's budget before
 * the page or element limits; the refused growth is not charged. */
static void test_growth_refused_by_budget(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "small_tables.wasm");
    wa_limits lim = {.max_bytes = 1u << 20};
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(try_new(e, m, &lim, &inst, &err), WB_OK);
    uint64_t before = wa_instance_bytes(inst);
    wa_value n = wa_i32(20); /* 1.25 MiB more: over */
    assert_int_equal(wt_i32(inst, "grow", &n, 1), -1);
    assert_int_equal(wa_instance_memory_pages(inst), 1);
    n = wa_i32(4);
    assert_int_equal(wt_i32(inst, "grow", &n, 1), 1);
    assert_int_equal(wa_instance_memory_pages(inst), 5);
    n = wa_i32(200000); /* 1.6 MB of elements: over */
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), -1);
    n = wa_i32(100);
    assert_int_equal(wt_i32(inst, "tgrow", &n, 1), 16);
    assert_true(wa_instance_bytes(inst) >= before + 4 * 65536 + 100 * sizeof(void *));
    assert_true(wa_instance_bytes(inst) <= lim.max_bytes);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

/* A shared budget is drawn on by every instance: the one that would pass it
 * is refused, the others keep what they have, and freeing gives it back. */
static void test_shared_budget(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "small_tables.wasm");
    wa_budget node;
    wa_budget_init(&node, 600u << 10); /* room for a few one-page instances */
    wa_limits lim = {.budget = &node};
    wa_instance *insts[16] = {0};
    wb_error err = {0};
    int made = 0;
    while (made < 16 && try_new(e, m, &lim, &insts[made], &err) == WB_OK) made++;
    assert_true(made >= 2 && made < 16);
    assert_true(wa_budget_used(&node) <= node.max);
    /* growing one of them is refused too: the node is full */
    wa_value n = wa_i32(8);
    assert_int_equal(wt_i32(insts[0], "grow", &n, 1), -1);
    wa_instance_unref(insts[--made]);
    assert_int_equal(try_new(e, m, &lim, &insts[made], &err), WB_OK);
    made++;
    for (int i = 0; i < made; i++) wa_instance_unref(insts[i]);
    assert_int_equal(wa_budget_used(&node), 0);
    wa_module_unref(m);
    wa_engine_free(e);
}

/* The value stack is charged too: deep recursion stops at the budget. */
static void test_stack_charged(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "small_tables.wasm");
    wa_limits lim = {.max_bytes = 4u << 20, .max_call_depth = 1000000, .max_stack_bytes = 256u << 20};
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(try_new(e, m, &lim, &inst, &err), WB_OK);
    wa_value d = wa_i32(1000000);
    assert_int_equal(wt_call(inst, "deep", &d, 1, NULL, 0), WA_RUN_TRAP);
    d = wa_i32(1000); /* a shallow one still runs: nothing leaked from the trap */
    assert_int_equal(wt_i32(inst, "deep", &d, 1), 1000);
    assert_true(wa_instance_bytes(inst) <= lim.max_bytes);
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

/* A start function that loops forever is cut by start_fuel. */
static void test_start_bounded(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "start_loop.wasm");
    wa_limits lim = {.start_fuel = 1000000};
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(try_new(e, m, &lim, &inst, &err), WB_TRAP);
    assert_null(inst);
    assert_non_null(strstr(err.msg, "fuel"));
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_tables_refused),
        cmocka_unit_test(test_growth_refused_by_budget),
        cmocka_unit_test(test_shared_budget),
        cmocka_unit_test(test_stack_charged),
        cmocka_unit_test(test_start_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
