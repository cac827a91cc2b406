/* SPDX-License-Identifier: MIT */
/* Pub/sub: topic syntax and matching, subscribe/publish/unsubscribe, exit. */
#include "rt/rt_test.h"

static void topic_syntax_and_match(void **state) {
    (void)state;
    assert_true(wr_topic_valid("a.b.c", false));
    assert_false(wr_topic_valid("a..b", false));
    assert_false(wr_topic_valid("", false));
    assert_false(wr_topic_valid("a.*", false));
    assert_true(wr_topic_valid("a.*", true));
    assert_true(wr_topic_valid("a.#", true));
    assert_true(wr_topic_valid("#", true));
    assert_false(wr_topic_valid("#.a", true));
    assert_false(wr_topic_valid("a*", true));
    assert_true(wr_topic_match("a.b", "a.b"));
    assert_false(wr_topic_match("a.b", "a.c"));
    assert_false(wr_topic_match("a.b", "a.b.c"));
    assert_true(wr_topic_match("a.*", "a.x"));
    assert_false(wr_topic_match("a.*", "a.x.y"));
    assert_false(wr_topic_match("a.*", "a"));
    assert_true(wr_topic_match("a.#", "a"));
    assert_true(wr_topic_match("a.#", "a.x.y"));
    assert_true(wr_topic_match("#", "z"));
    assert_true(wr_topic_match("*.b.#", "q.b.c.d"));
    assert_false(wr_topic_match("*.b.#", "q.c"));
}

static void publish_fans_out(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p[4];
    wr_id id[4];
    for (int i = 0; i < 4; i++) {
        probe_init(&p[i]);
        assert_int_equal(wr_spawn(sys, &probe_spec, &p[i], &id[i], NULL), WB_OK);
    }
    assert_int_equal(wr_subscribe(sys, id[0], "orders.eu.created", NULL), WB_OK);
    assert_int_equal(wr_subscribe(sys, id[1], "orders.*.created", NULL), WB_OK);
    assert_int_equal(wr_subscribe(sys, id[2], "orders.#", NULL), WB_OK);
    assert_int_equal(wr_subscribe(sys, id[2], "orders.eu.*", NULL), WB_OK); /* one copy only */
    assert_int_equal(wr_subscribe(sys, id[3], "billing.#", NULL), WB_OK);
    assert_int_equal(wr_subscribe(sys, id[3], "bad..topic", NULL), WB_INVALID_ARG);
    char big[200];
    memset(big, 'z', sizeof big);
    big[0] = 'B';
    size_t n;
    assert_int_equal(wr_publish(sys, 0, "orders.eu.created", 5, big, sizeof big, &n, NULL), WB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(wr_publish(sys, 0, "orders.us.deleted", 6, "s", 1, &n, NULL), WB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(wr_publish(sys, 0, "orders.*", 6, "s", 1, &n, NULL), WB_INVALID_ARG);
    assert_true(WAIT_UNTIL(atomic_load(&p[2].n) == 2, 5000 * MS));
    assert_true(WAIT_UNTIL(atomic_load(&p[0].n) == 1 && atomic_load(&p[1].n) == 1, 5000 * MS));
    assert_int_equal(p[0].recs[0].kind, WR_MSG_PUBLISH);
    assert_string_equal(p[0].recs[0].text, "orders.eu.created");
    assert_string_equal(p[2].recs[1].text, "orders.us.deleted");
    assert_int_equal(atomic_load(&p[3].n), 0);
    assert_int_equal(wr_unsubscribe(sys, id[1], "orders.*.created"), WB_OK);
    assert_int_equal(wr_unsubscribe(sys, id[1], "orders.*.created"), WB_NOT_FOUND);
    assert_int_equal(wr_exit(sys, 0, id[2], WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(!wr_alive(sys, id[2]), 5000 * MS));
    assert_int_equal(wr_publish(sys, 0, "orders.eu.created", 5, "x", 1, &n, NULL), WB_OK);
    assert_int_equal(n, 1); /* only the exact subscriber is left */
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(topic_syntax_and_match),
        cmocka_unit_test(publish_fans_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
