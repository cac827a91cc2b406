/* SPDX-License-Identifier: MIT */
/* 14: graceful shutdown of many busy components runs every cleanup and
 * resolves every pending request; thousands of components spawned, each
 * answering, all stopped, nothing leaked (ASan checks at exit). */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    define_guest(&T, "counter", "counter", NULL);
    define_guest(&T, "crasher", "crasher", NULL); /* no fuel limit: spins until stopped */
    define_guest(&T, "tiny", "tiny", NULL);
    wc_caps c;
    wc_caps_init(&c);
    wb_error err;
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "#", &err), WB_OK);
    define_guest(&T, "client", "client", &c);
    wc_caps_close(&c);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

typedef struct pending {
    wr_id to;
    const char *text; /* NULL: "hello" */
    bool ok;
    int32_t code;
    _Atomic bool done;
} pending;

static void *ask_spinner(void *arg) {
    pending *p = arg;
    const char *text = p->text ? p->text : "hello";
    wb_buf *msg = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wc_reply r;
    wb_error err;
    wb_status st = wc_request(T.host, p->to, msg->data, msg->len, 60 * SEC, &r, &err);
    p->ok = st == WB_OK && r.ok;
    p->code = r.code;
    wc_reply_close(&r);
    wb_buf_unref(msg);
    p->done = true;
    return NULL;
}

static long rss_kib(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    if (f) fclose(f);
    return rss * 4;
}

/* 14: thousands of components, each answers, all stopped. Runs first: the
 * shutdown test stops the system. */
static void many_components(void **state) {
    (void)state;
#ifdef __SANITIZE_THREAD__
    const int n = 2000; /* TSan: slower and heavier per thread switch */
#else
    const int n = 10000;
#endif
    wr_id *ids = calloc((size_t)n, sizeof *ids);
    long rss0 = rss_kib();
    uint64_t t0 = wb_now_ns();
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "tiny-%d", i);
        ids[i] = spawn_ok(&T, "tiny", name);
    }
    uint64_t t1 = wb_now_ns();
    for (int i = 0; i < n; i++) {
        char text[32], out[64];
        snprintf(text, sizeof text, "n%d", i);
        if (!ask(&T, ids[i], text, 10 * SEC, out, sizeof out) || strcmp(out, text))
            fail_msg("tiny-%d answered \"%s\"", i, out);
    }
    uint64_t t2 = wb_now_ns();
    print_message("%d components: spawn+ready %.1f us each, request %.1f us each, %.1f KiB RSS each "
                  "(after one message), modules %zu\n", n, (double)(t1 - t0) / n / 1e3,
                  (double)(t2 - t1) / n / 1e3, (double)(rss_kib() - rss0) / n, wc_host_module_count(T.host));
    assert_int_equal(wc_host_module_count(T.host), 4); /* one module per distinct binary */
    wr_system_stats st;
    wr_system_stats_get(T.sys, &st);
    assert_true(st.live_actors >= (uint64_t)n);
    /* All stopped, each through its graceful path (and their events are in
     * the log before the next test reads it). */
    wb_error err;
    for (int i = 0; i < n; i++) assert_int_equal(wc_stop(T.host, ids[i], &err), WB_OK);
    uint64_t deadline = wb_now_ns() + 60 * SEC;
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "tiny-%d", i);
        while (state_of(&T, name) != WC_STATE_TERMINATED && wb_now_ns() < deadline) wb_sleep_ns(MS);
        if (state_of(&T, name) != WC_STATE_TERMINATED) fail_msg("%s did not terminate", name);
    }
    wr_system_stats_get(T.sys, &st);
    assert_true(st.live_actors < (uint64_t)n);
    free(ids);
}

static size_t counter_logs(int counters) {
    size_t n = 0;
    for (int i = 0; i < counters; i++) {
        char name[32];
        snprintf(name, sizeof name, "counter-%d", i);
        n += wc_host_count_events(T.host, WC_EV_LOG, name);
    }
    return n;
}

/* 14: shutdown with busy components: every cleanup runs, pending requests
 * resolve, the system stops within its deadline. */
static void graceful_shutdown(void **state) {
    (void)state;
    const int counters = 20, spinners = 4;
    for (int i = 0; i < counters; i++) {
        char name[32];
        snprintf(name, sizeof name, "counter-%d", i);
        spawn_ok(&T, "counter", name);
    }
    wr_id spin[4];
    wb_buf *msg = wc_payload_new(WC_CODEC_RAW, "spin", 4);
    for (int i = 0; i < spinners; i++) {
        char name[32];
        snprintf(name, sizeof name, "spinner-%d", i);
        spin[i] = spawn_ok(&T, "crasher", name);
        wb_error err;
        assert_int_equal(wc_send(T.host, spin[i], msg->data, msg->len, &err), WB_OK);
    }
    wb_buf_unref(msg);
    /* Requests queued behind spinning messages, one per spinner, and a
     * component suspended in its own request to a spinner, asked from
     * outside: all pending at shutdown. */
    enum { NP = 5 };
    pending p[NP] = {{.to = spin[0]}, {.to = spin[1]}, {.to = spin[2]}, {.to = spin[3]}};
    wr_id cl = spawn_ok(&T, "client", "waiting-client");
    p[4] = (pending){.to = cl, .text = "request spinner-1 60000 hello"};
    pthread_t th[NP];
    for (int i = 0; i < NP; i++) pthread_create(&th[i], NULL, ask_spinner, &p[i]);
    wr_actor_stats cst = {0};
    for (int k = 0; k < 5000 && !(cst.msgs_in >= 1 && cst.mailbox_len == 0); k++) {
        wr_actor_stats_get(T.sys, cl, &cst); /* the client took the request: it waits */
        wb_sleep_ns(MS);
    }
    wb_sleep_ns(50 * MS);
    for (int i = 0; i < NP; i++) assert_false(p[i].done);
    /* Counted per counter: the log is a ring, where other components' older
     * events may drop out while these are recent. */
    size_t logs_before = counter_logs(counters);
    uint64_t t0 = wb_now_ns();
    wr_system_shutdown(T.sys, 5 * SEC);
    uint64_t dt = wb_now_ns() - t0;
    for (int i = 0; i < NP; i++) {
        pthread_join(th[i], NULL);
        assert_true(p[i].done);
        if (p[i].ok) fail_msg("request %d answered ok at shutdown", i); /* an error, not a hang */
    }
    assert_true(dt < 10 * SEC);
    assert_int_equal(counter_logs(counters) - logs_before, (size_t)counters);
    for (int i = 0; i < counters; i++) {
        char name[32];
        snprintf(name, sizeof name, "counter-%d", i);
        assert_int_equal(state_of(&T, name), WC_STATE_TERMINATED);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_components),
        cmocka_unit_test(graceful_shutdown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
