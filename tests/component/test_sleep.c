/* SPDX-License-Identifier: MIT */
/* A component that sleeps through WASI (nanosleep -> poll_oneoff on a clock)
 * is suspended, not its worker: with one worker, others keep answering
 * while it sleeps; it sleeps at least as long as asked, and what reaches it
 * meanwhile waits for it, in order. */
// ctest-label: concurrency
#include <pthread.h>

#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 1); /* one worker: a blocked worker would stop everyone */
    wc_caps c;
    wc_caps_init(&c);
    c.wasi = calloc(2, sizeof *c.wasi);
    c.wasi[0] = strdup("#");
    define_guest(&T, "sleeper", "filer", &c);
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

typedef struct asked {
    wr_id to;
    const char *text;
    char out[64];
    uint64_t done_ns;
    bool ok;
} asked;

static void *ask_thread(void *arg) {
    asked *q = arg;
    q->ok = ask(&T, q->to, q->text, 10 * SEC, q->out, sizeof q->out);
    q->done_ns = wb_now_ns();
    return NULL;
}

static long slept_ms(const char *out) {
    assert_true(!strncmp(out, "slept ", 6));
    return strtol(out + 6, NULL, 10);
}

static long long end_ms(const char *out) {
    const char *e = strstr(out, " end ");
    assert_non_null(e);
    return strtoll(e + 5, NULL, 10);
}

/* Waits until `id` took its one message and is inside it (suspended). */
static void wait_taken(wr_id id) {
    wr_actor_stats st = {0};
    for (int k = 0; k < 5000 && !(st.msgs_in >= 1 && st.mailbox_len == 0); k++) {
        wr_actor_stats_get(T.sys, id, &st);
        wb_sleep_ns(MS);
    }
    assert_true(st.msgs_in >= 1 && st.mailbox_len == 0);
}

static void sleep_holds_no_worker(void **state) {
    (void)state;
    wr_id sleeper = spawn_ok(&T, "sleeper", "sleeper");
    wr_id echo = spawn_ok(&T, "echo", "echo");
    uint64_t t0 = wb_now_ns();
    /* static: a failed assertion leaves the threads running past this frame */
    static asked nap, after;
    nap = (asked){.to = sleeper, .text = "sleep 400"};
    pthread_t th;
    pthread_create(&th, NULL, ask_thread, &nap);
    wait_taken(sleeper); /* the sleeper is in its sleep now */
    /* Queued behind the sleep: answered after it, in order. */
    after = (asked){.to = sleeper, .text = "sleep 1"};
    pthread_t th2;
    pthread_create(&th2, NULL, ask_thread, &after);
    int answered = 0;
    uint64_t t1 = wb_now_ns(); /* the sleep began just before */
    while (wb_now_ns() - t1 < 250 * MS) {
        char out[64];
        uint64_t s = wb_now_ns();
        assert_true(ask(&T, echo, "ping", 5 * SEC, out, sizeof out));
        assert_string_equal(out, "ping");
        assert_true(wb_now_ns() - s < 200 * MS); /* not held up by the 400 ms sleep */
        answered++;
        wb_sleep_ns(10 * MS);
    }
    assert_true(answered >= 3);
    pthread_join(th, NULL);
    pthread_join(th2, NULL);
    assert_true(nap.ok);
    assert_true(after.ok);
    assert_true(slept_ms(nap.out) >= 400);
    assert_true(nap.done_ns - t0 >= 400 * MS);
    assert_true(slept_ms(after.out) >= 1);
    assert_true(end_ms(after.out) >= end_ms(nap.out) + 1); /* handled after the sleep ended */
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "sleeper", &info), WB_OK);
    assert_int_equal(info.state, WC_STATE_READY);
}

/* A sleep that a shutdown interrupts ends the call; cleanup still runs. */
static void shutdown_during_sleep(void **state) {
    (void)state;
    wr_id id = spawn_ok(&T, "sleeper", "sleeper-2");
    static asked nap;
    nap = (asked){.to = id, .text = "sleep 5000"};
    pthread_t th;
    pthread_create(&th, NULL, ask_thread, &nap);
    wait_taken(id);
    wb_error err;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wc_stop(T.host, id, &err), WB_OK);
    pthread_join(th, NULL);
    assert_false(nap.ok); /* an error reply, not a hang until the sleep ends */
    assert_true(wb_now_ns() - t0 < 3 * SEC);
    for (int k = 0; k < 5000 && state_of(&T, "sleeper-2") != WC_STATE_TERMINATED; k++) wb_sleep_ns(MS);
    assert_int_equal(state_of(&T, "sleeper-2"), WC_STATE_TERMINATED);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sleep_holds_no_worker),
        cmocka_unit_test(shutdown_during_sleep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
