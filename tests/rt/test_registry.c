/* SPDX-License-Identifier: MIT */
/* Name registry: register, lookup, unregister, removal on exit. */
#include "rt/rt_test.h"

static void register_lookup_exit(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p, q;
    probe_init(&p);
    probe_init(&q);
    wr_id a, b;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &a, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &probe_spec, &q, &b, NULL), WB_OK);
    wb_error err;
    assert_int_equal(wr_register(sys, "alpha", a, &err), WB_OK);
    assert_int_equal(wr_register(sys, "alpha", b, &err), WB_EXISTS);
    assert_int_equal(wr_register(sys, "beta", a, &err), WB_EXISTS); /* one name per actor */
    assert_int_equal(wr_register(sys, "", b, &err), WB_INVALID_ARG);
    assert_int_equal(wr_lookup(sys, "alpha"), a);
    assert_int_equal(wr_lookup(sys, "nobody"), 0);
    char name[32];
    for (int i = 0; i < 200; i++) { /* forces rehashing */
        wr_id id;
        assert_int_equal(wr_spawn(sys, &probe_spec, &q, &id, NULL), WB_OK);
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(wr_register(sys, name, id, &err), WB_OK);
    }
    assert_int_equal(wr_lookup(sys, "alpha"), a);
    assert_int_not_equal(wr_lookup(sys, "n150"), 0);
    assert_int_equal(wr_unregister(sys, "n150"), WB_OK);
    assert_int_equal(wr_lookup(sys, "n150"), 0);
    assert_int_equal(wr_unregister(sys, "n150"), WB_NOT_FOUND);
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(wr_lookup(sys, "alpha") == 0, 5000 * MS));
    assert_int_equal(wr_register(sys, "alpha", b, &err), WB_OK);
    assert_int_equal(wr_register(sys, "gone", a, &err), WB_DEAD);
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(register_lookup_exit)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
