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

/* ---- a generated function with many locals and a deep operand stack ---- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, uint8_t v) {
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    b->p[b->n++] = v;
}

static void put_u(bytes *b, uint64_t v) {
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        put(b, c | (v ? 0x80 : 0));
    } while (v);
}

static void put_s(bytes *b, int64_t v) {
    for (;;) {
        uint8_t c = v & 0x7f;
        v >>= 7;
        bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
        put(b, c | (done ? 0 : 0x80));
        if (done) return;
    }
}

static void put_section(bytes *m, uint8_t id, const bytes *body) {
    put(m, id);
    put_u(m, body->n);
    for (size_t i = 0; i < body->n; i++) put(m, body->p[i]);
}

/* (func (export "big") (result i64) (local i64 x nlocals)
 *   i64.const 0 ... i64.const depth-1, then depth-1 i64.add, stored in the
 *   last local and read back): sum 0..depth-1 through a deep stack. */
static bytes big_module(uint32_t nlocals, uint32_t depth) {
    bytes m = {0}, sec = {0}, code = {0};
    const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    for (size_t i = 0; i < sizeof head; i++) put(&m, head[i]);
    put_u(&sec, 1), put(&sec, 0x60), put_u(&sec, 0), put_u(&sec, 1), put(&sec, 0x7E);
    put_section(&m, 1, &sec);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, 0);
    put_section(&m, 3, &sec);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, 3), put(&sec, 'b'), put(&sec, 'i'), put(&sec, 'g'), put(&sec, 0), put_u(&sec, 0);
    put_section(&m, 7, &sec);
    put_u(&code, 1), put_u(&code, nlocals), put(&code, 0x7E);
    for (uint32_t k = 0; k < depth; k++) put(&code, 0x42), put_s(&code, k);
    for (uint32_t k = 1; k < depth; k++) put(&code, 0x7C);
    put(&code, 0x21), put_u(&code, nlocals - 1), put(&code, 0x20), put_u(&code, nlocals - 1), put(&code, 0x0B);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, code.n);
    for (size_t i = 0; i < code.n; i++) put(&sec, code.p[i]);
    put_section(&m, 10, &sec);
    free(sec.p);
    free(code.p);
    return m;
}

/* (func (export "big") (param i32) (result i32) (local i32)
 *   local.get 0 x n, then local.set 1 x (n - 1)): a translator that rescans
 * the operand stack on every local.set would take quadratic time here. */
static bytes deep_locals_module(uint32_t n) {
    bytes m = {0}, sec = {0}, code = {0};
    const uint8_t head[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    for (size_t i = 0; i < sizeof head; i++) put(&m, head[i]);
    put_u(&sec, 1), put(&sec, 0x60), put_u(&sec, 1), put(&sec, 0x7F), put_u(&sec, 1), put(&sec, 0x7F);
    put_section(&m, 1, &sec);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, 0);
    put_section(&m, 3, &sec);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, 3), put(&sec, 'b'), put(&sec, 'i'), put(&sec, 'g'), put(&sec, 0), put_u(&sec, 0);
    put_section(&m, 7, &sec);
    put_u(&code, 1), put_u(&code, 1), put(&code, 0x7F);
    for (uint32_t k = 0; k < n; k++) put(&code, 0x20), put(&code, 0);
    for (uint32_t k = 1; k < n; k++) put(&code, 0x21), put(&code, 1);
    put(&code, 0x0B);
    sec.n = 0;
    put_u(&sec, 1), put_u(&sec, code.n);
    for (size_t i = 0; i < code.n; i++) put(&sec, code.p[i]);
    put_section(&m, 10, &sec);
    free(sec.p);
    free(code.p);
    return m;
}

static void test_deep_stack_translates_linearly(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    bytes b = deep_locals_module(200000);
    wa_module *m = NULL;
    wb_error err = {0};
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wa_module_new(e, b.p, b.n, &m, &err), WB_OK);
    fprintf(stderr, "load of a 200000-deep stack: %.1f ms\n", (double)(wb_now_ns() - t0) / 1e6);
    wa_instance *inst = NULL;
    assert_int_equal(wa_instance_new(m, NULL, NULL, NULL, &inst, &err), WB_OK);
    wa_value a = wa_i32(77);
    assert_int_equal(wt_i32(inst, "big", &a, 1), 77);
    wa_instance_unref(inst);
    wa_module_unref(m);
    free(b.p);
    wa_engine_free(e);
}

static void test_big_function(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    bytes b = big_module(20000, 5000);
    wa_module *m = NULL;
    wb_error err = {0};
    wb_status st = wa_module_new(e, b.p, b.n, &m, &err);
    if (st != WB_OK) fprintf(stderr, "big: %s\n", err.msg);
    assert_int_equal(st, WB_OK);
    wa_instance *inst = NULL;
    assert_int_equal(wa_instance_new(m, NULL, NULL, NULL, &inst, &err), WB_OK);
    wa_value r;
    assert_int_equal(wt_call(inst, "big", NULL, 0, &r, 1), WA_RUN_DONE);
    assert_int_equal(r.of.i64, 5000LL * 4999 / 2);
    wa_instance_unref(inst);
    /* the same function does not fit a small value stack: a trap, not a crash */
    wa_limits lim = {.max_stack_bytes = 64 * 1024};
    assert_int_equal(wa_instance_new(m, NULL, &lim, NULL, &inst, &err), WB_OK);
    assert_int_equal(wt_call(inst, "big", NULL, 0, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_VALUE_STACK);
    wa_instance_unref(inst);
    wa_module_unref(m);
    free(b.p);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_bomb_capped),
        cmocka_unit_test(test_memory_minimum_over_limit),
        cmocka_unit_test(test_huge_table),
        cmocka_unit_test(test_call_depth),
        cmocka_unit_test(test_value_stack),
        cmocka_unit_test(test_big_function),
        cmocka_unit_test(test_deep_stack_translates_linearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
