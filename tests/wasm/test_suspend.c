/* SPDX-License-Identifier: MIT */
/* Host functions that suspend a call; resuming on the same or another thread. */
// ctest-label: concurrency
#include <pthread.h>

#include "wasm_test_util.h"

/* Suspends on even arguments; answers odd ones at once with arg * 10. */
static wa_host_status host_wait(wa_instance *c, const wa_value *a, wa_value *r, void *ud) {
    (void)c;
    int *suspends = ud;
    if (a[0].of.i32 % 2 == 0) {
        (*suspends)++;
        return WA_HOST_SUSPEND;
    }
    r[0] = wa_i32(a[0].of.i32 * 10);
    return WA_HOST_OK;
}

typedef struct fx {
    wa_engine *e;
    wa_module *m;
    wa_instance *inst;
    int suspends;
} fx;

static int setup(void **state) {
    fx *f = calloc(1, sizeof *f);
    f->e = wa_engine_new(NULL);
    f->m = wt_load(f->e, "fuel.wasm");
    wa_linker *l = wa_linker_new(f->e);
    wa_valtype i = WA_I32;
    assert_int_equal(wa_linker_define_func(l, "host", "wait", &i, 1, &i, 1, host_wait, &f->suspends), WB_OK);
    wb_error err = {0};
    assert_int_equal(wa_instance_new(f->m, l, NULL, NULL, &f->inst, &err), WB_OK);
    wa_linker_free(l);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx *f = *state;
    wa_instance_unref(f->inst);
    wa_module_unref(f->m);
    wa_engine_free(f->e);
    free(f);
    return 0;
}

/* waits(n) sums host(n) + host(n-1) + ... + host(1); the test answers the
 * suspended even ones with arg * 100. */
static int32_t expected(int n) {
    int32_t s = 0;
    for (int k = n; k > 0; k--) s += k % 2 ? k * 10 : k * 100;
    return s;
}

static void test_suspend_resume_same_thread(void **state) {
    fx *f = *state;
    wa_func *fn = wa_instance_func(f->inst, "waits");
    wa_value n = wa_i32(9);
    wa_run_status rs = wa_instance_call(f->inst, fn, &n, 1, WA_FUEL_UNLIMITED);
    int k = 8;
    while (rs == WA_RUN_SUSPENDED) {
        assert_true(wa_instance_busy(f->inst));
        wa_value r = wa_i32(k * 100);
        rs = wa_instance_resume_host(f->inst, &r, 1, WA_FUEL_UNLIMITED);
        k -= 2;
    }
    assert_int_equal(rs, WA_RUN_DONE);
    assert_int_equal(f->suspends, 4);
    wa_value r;
    wa_instance_results(f->inst, &r, 1);
    assert_int_equal(r.of.i32, expected(9));
}

static void test_resume_wrong_results(void **state) {
    fx *f = *state;
    wa_func *fn = wa_instance_func(f->inst, "waits");
    wa_value n = wa_i32(2);
    assert_int_equal(wa_instance_call(f->inst, fn, &n, 1, WA_FUEL_UNLIMITED), WA_RUN_SUSPENDED);
    wa_value bad = wa_i64(1);
    assert_int_equal(wa_instance_resume_host(f->inst, &bad, 1, WA_FUEL_UNLIMITED), WA_RUN_TRAP);
    assert_true(wa_instance_busy(f->inst)); /* still waiting for proper results */
    assert_int_equal(wa_instance_resume(f->inst, 100), WA_RUN_TRAP); /* not paused for fuel */
    wa_value ok = wa_i32(200);
    assert_int_equal(wa_instance_resume_host(f->inst, &ok, 1, WA_FUEL_UNLIMITED), WA_RUN_DONE);
    wa_value r;
    wa_instance_results(f->inst, &r, 1);
    assert_int_equal(r.of.i32, 210);
}

typedef struct resumer {
    wa_instance *inst;
    int32_t value;
    wa_run_status rs;
} resumer;

static void *resume_thread(void *p) {
    resumer *r = p;
    wa_value v = wa_i32(r->value);
    r->rs = wa_instance_resume_host(r->inst, &v, 1, WA_FUEL_UNLIMITED);
    return NULL;
}

static void test_resume_on_other_thread(void **state) {
    fx *f = *state;
    wa_func *fn = wa_instance_func(f->inst, "waits");
    wa_value n = wa_i32(6);
    wa_run_status rs = wa_instance_call(f->inst, fn, &n, 1, 1000);
    int k = 6;
    while (rs == WA_RUN_SUSPENDED) {
        resumer r = {f->inst, k * 100, WA_RUN_TRAP};
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, resume_thread, &r), 0);
        pthread_join(t, NULL);
        rs = r.rs;
        k -= 2;
    }
    assert_int_equal(rs, WA_RUN_DONE);
    wa_value r;
    wa_instance_results(f->inst, &r, 1);
    assert_int_equal(r.of.i32, expected(6));
}

/* Suspend + resume of a paused call must be cheap (target < 100 ns). */
static void test_suspend_resume_cost(void **state) {
    fx *f = *state;
    wa_func *fn = wa_instance_func(f->inst, "waits");
    wa_value n = wa_i32(20000);
    uint64_t t0 = wb_now_ns();
    wa_run_status rs = wa_instance_call(f->inst, fn, &n, 1, WA_FUEL_UNLIMITED);
    int k = 20000, rounds = 0;
    while (rs == WA_RUN_SUSPENDED) {
        wa_value r = wa_i32(k * 100);
        rs = wa_instance_resume_host(f->inst, &r, 1, WA_FUEL_UNLIMITED);
        k -= 2;
        rounds++;
    }
    uint64_t dt = wb_now_ns() - t0;
    assert_int_equal(rs, WA_RUN_DONE);
    assert_int_equal(rounds, 10000);
    fprintf(stderr, "suspend+resume round trip: %.1f ns (incl. loop work)\n", (double)dt / rounds);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_suspend_resume_same_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_wrong_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_on_other_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suspend_resume_cost, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
