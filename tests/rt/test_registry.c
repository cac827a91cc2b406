/* SPDX-License-Identifier: MIT */
/* Name registry: register, lookup (and its per-thread cache), unregister,
 * removal on exit. */
// ctest-label: concurrency
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

/* Lookups are cached per thread: every change of a name is seen at once
 * by the next lookup, whatever that thread looked up before. */
static void lookup_cache_follows_changes(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id a, b;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &a, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &b, NULL), WB_OK);
    wb_error err;
    const char *long_name = "a-name-longer-than-the-per-thread-cache-keeps-0123456789";
    for (int round = 0; round < 3; round++) {
        const char *n = round == 2 ? long_name : "svc";
        assert_int_equal(wr_register(sys, n, a, &err), WB_OK);
        assert_int_equal(wr_lookup(sys, n), a);
        assert_int_equal(wr_lookup(sys, n), a); /* from the cache when short */
        assert_int_equal(wr_unregister(sys, n), WB_OK);
        assert_int_equal(wr_lookup(sys, n), 0);
        assert_int_equal(wr_register(sys, n, b, &err), WB_OK); /* the name moves */
        assert_int_equal(wr_lookup(sys, n), b);
        assert_int_equal(wr_unregister(sys, n), WB_OK);
        assert_int_equal(wr_register(sys, "other", a, &err), WB_OK); /* a, renamed */
        assert_int_equal(wr_lookup(sys, n), 0);
        assert_int_equal(wr_lookup(sys, "other"), a);
        assert_int_equal(wr_unregister(sys, "other"), WB_OK);
    }
    /* An exit drops the name; a new actor in a reused slot does not inherit it. */
    assert_int_equal(wr_register(sys, "svc", b, &err), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), b);
    assert_int_equal(wr_exit(sys, 0, b, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(wr_lookup(sys, "svc") == 0, 5000 * MS));
    wr_id c;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &c, NULL), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), 0);
    assert_int_equal(wr_register(sys, "svc", c, &err), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), c);
    wr_system_free(sys);
    /* A new system with the same names: nothing of the old one is reused. */
    sys = test_system(1);
    assert_int_equal(wr_lookup(sys, "svc"), 0);
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(register_lookup_exit),
                                       cmocka_unit_test(lookup_cache_follows_changes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
