/* SPDX-License-Identifier: MIT */
/* Instances: linking across instances, shared objects, pooled memory reuse,
 * many instances of one module (also from several threads at once),
 * instantiation cost and footprint. */
// ctest-label: concurrency
#include <pthread.h>

#include "wasm_test_util.h"

static wa_instance *inst_new(wa_module *m, wa_linker *l) {
    wa_instance *inst = NULL;
    wb_error err = {0};
    wb_status st = wa_instance_new(m, l, NULL, NULL, &inst, &err);
    if (st != WB_OK) fprintf(stderr, "instantiate: %s\n", err.msg);
    assert_int_equal(st, WB_OK);
    return inst;
}

static void test_cross_instance(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *ma = wt_load(e, "link_a.wasm"), *mb = wt_load(e, "link_b.wasm");
    wa_instance *a = inst_new(ma, NULL);
    wa_linker *l = wa_linker_new(e);
    assert_int_equal(wa_linker_define_instance(l, "a", a), WB_OK);
    wa_instance *b = inst_new(mb, l);
    wa_value args[2] = {wa_i32(8), wa_i32(1234)};
    assert_int_equal(wt_i32(b, "roundtrip", args, 2), 1234);
    assert_int_equal(wt_i32(b, "bump_and_read", NULL, 0), 43);
    wa_value g;
    assert_int_equal(wa_instance_global_get(a, "g", &g), WB_OK);
    assert_int_equal(g.of.i32, 43);
    wa_value v = wa_i32(8);
    assert_int_equal(wt_i32(b, "indirect", &v, 1), 1234);
    assert_int_equal(wt_i32(b, "grow_then_store", NULL, 0), 7);
    assert_int_equal(wa_instance_memory_pages(a), 2);
    /* b keeps a alive after the linker and the caller let go */
    wa_linker_free(l);
    wa_instance_unref(a);
    assert_int_equal(wt_i32(b, "roundtrip", args, 2), 1234);
    wa_instance_unref(b);
    wa_module_unref(ma);
    wa_module_unref(mb);
    wa_engine_free(e);
}

static void test_unlinkable(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *ma = wt_load(e, "link_a.wasm"), *mb = wt_load(e, "link_b.wasm"),
              *mbad = wt_load(e, "link_bad.wasm");
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(wa_instance_new(mb, NULL, NULL, NULL, &inst, &err), WB_UNLINKABLE);
    assert_non_null(strstr(err.msg, "unknown import"));
    wa_instance *a = inst_new(ma, NULL);
    wa_linker *l = wa_linker_new(e);
    assert_int_equal(wa_linker_define_instance(l, "a", a), WB_OK);
    assert_int_equal(wa_instance_new(mbad, l, NULL, NULL, &inst, &err), WB_UNLINKABLE);
    assert_non_null(strstr(err.msg, "incompatible import type"));
    assert_null(inst);
    wa_linker_free(l);
    wa_instance_unref(a);
    wa_module_unref(ma);
    wa_module_unref(mb);
    wa_module_unref(mbad);
    wa_engine_free(e);
}

static void test_pool_reuse_zeroes(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "link_a.wasm");
    wa_instance *a = inst_new(m, NULL);
    uint8_t *base1 = wa_instance_memory(a, NULL);
    wa_value g = wa_i32(3);
    assert_int_equal(wt_i32(a, "grow", &g, 1), 1);
    uint32_t x = 0xdeadbeef;
    assert_int_equal(wa_instance_mem_write(a, 100, &x, 4), WB_OK);
    assert_int_equal(wa_instance_mem_write(a, 3 * 65536 + 8, &x, 4), WB_OK);
    wa_instance_unref(a);
    wa_instance *b = inst_new(m, NULL);
    assert_ptr_equal(wa_instance_memory(b, NULL), base1); /* the block came back from the pool */
    assert_int_equal(wa_instance_memory_pages(b), 1);
    wa_value v = wa_i32(100);
    assert_int_equal(wt_i32(b, "get", &v, 1), 0);
    assert_int_equal(wt_i32(b, "grow", &g, 1), 1);
    v = wa_i32(3 * 65536 + 8);
    assert_int_equal(wt_i32(b, "get", &v, 1), 0);
    wa_instance_unref(b);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_many_instances(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_linker *l = wa_linker_new(e);
    enum { N = 500 };
    wa_instance **insts = calloc(N, sizeof *insts);
    for (int i = 0; i < N; i++) {
        wb_error err = {0};
        /* fuel.wasm imports host.wait; unlinkable without it */
        assert_int_equal(wa_instance_new(m, l, NULL, NULL, &insts[i], &err), WB_UNLINKABLE);
    }
    wa_module_unref(m);
    m = wt_load(e, "link_a.wasm");
    for (int i = 0; i < N; i++) {
        insts[i] = inst_new(m, NULL);
        wa_value v = wa_i32(i * 4);
        uint32_t x = (uint32_t)i;
        assert_int_equal(wa_instance_mem_write(insts[i], (uint64_t)i * 4, &x, 4), WB_OK);
        assert_int_equal(wt_i32(insts[i], "get", &v, 1), i);
    }
    for (int i = 0; i < N; i++) wa_instance_unref(insts[i]);
    free(insts);
    /* instantiation with recycled memory (target: <= 2 us in release builds) */
    uint64_t t0 = wb_now_ns();
    for (int i = 0; i < 2000; i++) {
        wa_instance *inst = inst_new(m, NULL);
        wa_instance_unref(inst);
    }
    double us = (double)(wb_now_ns() - t0) / 2000 / 1000;
    wa_instance *idle = inst_new(m, NULL);
    fprintf(stderr, "instantiate+free (pooled): %.2f us; idle instance overhead %zu bytes\n", us,
            wa_instance_overhead_bytes(idle));
    assert_true(wa_instance_overhead_bytes(idle) <= 16384);
    wa_instance_unref(idle);
    wa_linker_free(l);
    wa_module_unref(m);
    wa_engine_free(e);
}

typedef struct worker {
    wa_module *m;
    int failures;
} worker;

/* Instantiates, uses and frees instances of a shared module: the engine's
 * memory pool and the module are shared by every thread. */
static void *worker_main(void *p) {
    worker *w = p;
    for (int i = 0; i < 100; i++) {
        wa_instance *inst = NULL;
        wb_error err = {0};
        if (wa_instance_new(w->m, NULL, NULL, NULL, &inst, &err) != WB_OK) {
            w->failures++;
            continue;
        }
        uint32_t x = (uint32_t)i, y = 1;
        wa_value v = wa_i32(64);
        wa_value r = {0};
        if (wa_instance_mem_read(inst, 64, &y, 4) != WB_OK || y != 0) w->failures++; /* zeroed */
        wa_instance_mem_write(inst, 64, &x, 4);
        wa_func *get = wa_instance_func(inst, "get");
        if (wa_instance_call(inst, get, &v, 1, WA_FUEL_UNLIMITED) != WA_RUN_DONE) w->failures++;
        wa_instance_results(inst, &r, 1);
        if (r.of.i32 != i) w->failures++;
        wa_instance_unref(inst);
    }
    return NULL;
}

static void test_threads_share_module_and_pool(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "link_a.wasm");
    enum { T = 4 };
    pthread_t th[T];
    worker w[T];
    for (int i = 0; i < T; i++) {
        w[i] = (worker){m, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_instance),
        cmocka_unit_test(test_unlinkable),
        cmocka_unit_test(test_pool_reuse_zeroes),
        cmocka_unit_test(test_many_instances),
        cmocka_unit_test(test_threads_share_module_and_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
