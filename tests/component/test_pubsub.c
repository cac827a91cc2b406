/* SPDX-License-Identifier: MIT */
/* Publish/subscribe between real components: topic patterns ('*' one
 * segment, '#' the rest), order per publisher, and a subscriber that traps in
 * the middle of a fan-out without holding up the others. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    wc_caps c;
    wc_caps_init(&c);
    wb_error err;
    assert_int_equal(wc_caps_allow(&c, WC_CAP_PUBLISH, "#", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SUBSCRIBE, "#", &err), WB_OK);
    define_guest(&T, "ps", "client", &c);
    wc_caps_close(&c);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static void expect(wr_id to, const char *cmd, const char *want) {
    char out[2048];
    ask(&T, to, cmd, 10 * SEC, out, sizeof out);
    if (strcmp(out, want)) fail_msg("%s: got \"%s\", want \"%s\"", cmd, out, want);
}

/* Waits until the subscriber has seen `count` events; returns what it saw. */
static void seen_after(wr_id sub, int count, char *out, size_t cap) {
    char ev[128];
    for (int k = 0; k < 10000; k++) {
        ask(&T, sub, "events", 5 * SEC, ev, sizeof ev);
        if (atoi(ev) >= count) break;
        wb_sleep_ns(MS);
    }
    ask(&T, sub, "seen", 5 * SEC, out, cap);
}

/* 11: '*' is one segment, '#' the rest (also nothing), '#' alone all. */
static void patterns(void **state) {
    (void)state;
    wr_id pub = spawn_ok(&T, "ps", "pat-pub");
    const char *pats[] = {"news.*", "news.#", "#", "news.sport", "*.sport"};
    const char *want[] = {"2", "1,2,3", "1,2,3,4,5", "2", "2,5"};
    wr_id sub[5];
    for (int i = 0; i < 5; i++) {
        char name[32], cmd[64];
        snprintf(name, sizeof name, "pat-sub-%d", i);
        sub[i] = spawn_ok(&T, "ps", name);
        snprintf(cmd, sizeof cmd, "subscribe %s", pats[i]);
        expect(sub[i], cmd, "ok 0");
    }
    expect(pub, "publish news 1", "ok 0");
    expect(pub, "publish news.sport 2", "ok 0");
    expect(pub, "publish news.a.b 3", "ok 0");
    expect(pub, "publish other 4", "ok 0");
    expect(pub, "publish weather.sport 5", "ok 0");
    /* Wait for each one's expected count, then a little for any extra. */
    char out[2048];
    for (int i = 0; i < 5; i++) seen_after(sub[i], (int)(strlen(want[i]) + 1) / 2, out, sizeof out);
    wb_sleep_ns(50 * MS);
    for (int i = 0; i < 5; i++) {
        ask(&T, sub[i], "seen", 5 * SEC, out, sizeof out);
        if (strcmp(out, want[i])) fail_msg("%s saw \"%s\", want \"%s\"", pats[i], out, want[i]);
    }
    /* The topic of the last event is the one it was published on. */
    expect(sub[4], "events", "2 weather.sport");
}

/* 11: two publishers at once; every subscriber sees each one's messages in
 * the order published. */
typedef struct pub_job { wr_id pub; const char *cmd; } pub_job;

static void *run_pub(void *arg) {
    pub_job *j = arg;
    char out[64];
    ask(&T, j->pub, j->cmd, 30 * SEC, out, sizeof out);
    return NULL;
}

/* Checks that the PREFIX<i> entries of a comma list run 0..n-1 in order. */
static void check_order(const char *list, const char *prefix, int n, const char *who) {
    char copy[2048];
    snprintf(copy, sizeof copy, "%s", list);
    int next = 0;
    size_t pl = strlen(prefix);
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strncmp(tok, prefix, pl)) continue;
        if (atoi(tok + pl) != next) fail_msg("%s: %s%d where %s%d was due", who, prefix, atoi(tok + pl), prefix, next);
        next++;
    }
    if (next != n) fail_msg("%s: %d of %d from %s", who, next, n, prefix);
}

static void order_per_publisher(void **state) {
    (void)state;
    enum { N = 60 };
    wr_id a = spawn_ok(&T, "ps", "ord-pub-a");
    wr_id b = spawn_ok(&T, "ps", "ord-pub-b");
    const char *pats[] = {"ord.*", "ord.#", "#"};
    wr_id sub[3];
    for (int i = 0; i < 3; i++) {
        char name[32], cmd[64];
        snprintf(name, sizeof name, "ord-sub-%d", i);
        sub[i] = spawn_ok(&T, "ps", name);
        snprintf(cmd, sizeof cmd, "subscribe %s", pats[i]);
        expect(sub[i], cmd, "ok 0");
    }
    char ca[64], cb[64];
    snprintf(ca, sizeof ca, "publishn ord.x a %d", N);
    snprintf(cb, sizeof cb, "publishn ord.y b %d", N);
    pub_job ja = {a, ca}, jb = {b, cb};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, run_pub, &ja), 0);
    assert_int_equal(pthread_create(&tb, NULL, run_pub, &jb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    for (int i = 0; i < 3; i++) {
        char out[2048];
        seen_after(sub[i], 2 * N, out, sizeof out);
        check_order(out, "a", N, pats[i]);
        check_order(out, "b", N, pats[i]);
    }
}

/* 11: a subscriber that traps on one publication fails alone; the others get
 * every message, in order, and the publisher is never held up. */
static void crash_mid_fanout(void **state) {
    (void)state;
    enum { N = 40 };
    wr_id pub = spawn_ok(&T, "ps", "fan-pub");
    wr_id ok1 = spawn_ok(&T, "ps", "fan-ok-1");
    wr_id bad = spawn_ok(&T, "ps", "fan-bad");
    wr_id ok2 = spawn_ok(&T, "ps", "fan-ok-2");
    expect(ok1, "subscribe fan.#", "ok 0");
    expect(bad, "subscribe fan.#", "ok 0");
    expect(ok2, "subscribe fan.#", "ok 0");
    expect(bad, "crashon m10", "ok 0");
    char cmd[64];
    snprintf(cmd, sizeof cmd, "publishn fan.t m %d", N);
    uint64_t t0 = wb_now_ns();
    expect(pub, cmd, "ok 0");
    assert_true(wb_now_ns() - t0 < 5 * SEC);
    char out[2048];
    seen_after(ok1, N, out, sizeof out);
    check_order(out, "m", N, "fan-ok-1");
    seen_after(ok2, N, out, sizeof out);
    check_order(out, "m", N, "fan-ok-2");
    for (int k = 0; k < 5000 && state_of(&T, "fan-bad") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "fan-bad", &info), WB_OK);
    assert_int_equal(info.state, WC_STATE_FAILED);
    assert_int_equal(info.fail, WC_FAIL_TRAP);
    /* It handled its two commands and m0..m9, then trapped on m10. */
    assert_int_equal(info.messages, 2 + 10);
    assert_non_null(strstr(info.reason, "unreachable"));
    /* The publisher goes on publishing to the survivors. */
    expect(pub, "publish fan.t after", "ok 0");
    char ev[64];
    for (int k = 0; k < 5000; k++) {
        ask(&T, ok2, "events", SEC, ev, sizeof ev);
        if (atoi(ev) == N + 1) break;
        wb_sleep_ns(MS);
    }
    assert_string_equal(ev, "41 fan.t");
    (void)bad;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(patterns),
        cmocka_unit_test(order_per_publisher),
        cmocka_unit_test(crash_mid_fanout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
