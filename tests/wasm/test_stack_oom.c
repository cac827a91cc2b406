/* SPDX-License-Identifier: MIT */
/* The value stack and the call frames grow as a call goes deeper; when the
 * allocator refuses that growth the call traps "out of memory" (its own
 * kind), not "value stack exhausted" or "call stack exhausted", which mean
 * the instance's limits. Failures come from the engine's allocator hook
 * (tests/rt/fail_alloc.h, only WB_TAG_STACK allocations). */
#include "rt/fail_alloc.h"
#include "wasm_test_util.h"

static wa_host_status host_wait(wa_instance *c, const wa_value *a, wa_value *r, void *ud) {
    (void)c, (void)ud;
    r[0] = a[0];
    return WA_HOST_OK;
}

static wa_instance *make(wa_engine *e, wa_module *m) {
    wa_linker *l = wa_linker_new(e);
    wa_valtype i = WA_I32;
    assert_int_equal(wa_linker_define_func(l, "host", "wait", &i, 1, &i, 1, host_wait, NULL), WB_OK);
    wa_instance *inst = NULL;
    wb_error err = {0};
    assert_int_equal(wa_instance_new(m, l, NULL, NULL, &inst, &err), WB_OK);
    wa_linker_free(l);
    return inst;
}

/* Deep recursion with the Nth stack allocation failing, for every N that
 * hits one: the call traps OUT_OF_MEMORY and the instance stays usable. */
static void growth_failure_is_out_of_memory(void **state) {
    (void)state;
    fail_alloc fa;
    fail_alloc_init(&fa);
    wa_engine_config cfg = {.alloc = fail_alloc_hook(&fa)};
    wa_engine *e = wa_engine_new(&cfg);
    assert_non_null(e);
    wa_module *m = wt_load(e, "fuel.wasm");
    unsigned traps = 0;
    for (uint64_t n = 1;; n++) {
        wa_instance *inst = make(e, m);
        fail_alloc_arm(&fa, n, FAIL_ONCE, WB_TAG_STACK);
        uint64_t before = fail_alloc_injected(&fa);
        wa_value arg = wa_i32(5000), res;
        wa_run_status rs = wt_call(inst, "deep", &arg, 1, &res, 1);
        fail_alloc_disarm(&fa);
        if (fail_alloc_injected(&fa) == before) { /* past the last growth */
            assert_int_equal(rs, WA_RUN_DONE);
            assert_int_equal(res.of.i32, 5000);
            wa_instance_unref(inst);
            break;
        }
        assert_int_equal(rs, WA_RUN_TRAP);
        const wa_trap *t = wa_instance_trap(inst);
        printf("# N=%llu: %s\n", (unsigned long long)n, t->message);
        assert_int_equal(t->kind, WA_TRAP_OUT_OF_MEMORY);
        assert_non_null(strstr(t->message, "out of memory"));
        traps++;
        /* with memory again the same instance goes all the way */
        assert_int_equal(wt_i32(inst, "deep", &arg, 1), 5000);
        wa_instance_unref(inst);
    }
    assert_true(traps >= 4); /* the first call's stack and frames, then growth of each */
    wa_module_unref(m);
    wa_engine_free(e);
    assert_int_equal(fail_alloc_live(&fa), 0);
}

/* The limits keep their own kinds. */
static void limits_keep_their_kinds(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "fuel.wasm");
    wa_instance *inst = make(e, m);
    wa_value n = wa_i32(1000000);
    assert_int_equal(wt_call(inst, "deep", &n, 1, NULL, 0), WA_RUN_TRAP);
    assert_int_equal(wa_instance_trap(inst)->kind, WA_TRAP_CALL_STACK);
    assert_string_equal(wa_trap_message(WA_TRAP_OUT_OF_MEMORY), "out of memory");
    assert_string_equal(wa_trap_name(WA_TRAP_OUT_OF_MEMORY), "WA_TRAP_OUT_OF_MEMORY");
    wa_instance_unref(inst);
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(growth_failure_is_out_of_memory),
        cmocka_unit_test(limits_keep_their_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
