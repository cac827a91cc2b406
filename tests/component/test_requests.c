/* SPDX-License-Identifier: MIT */
/* Request/response between real components: late replies are dropped and
 * counted (the requester's late-reply event and counter), a target that stops while a request is pending resolves it with an
 * error, concurrent guest-to-guest requests never cross; and the lifecycle
 * of a component as timestamped transition events. */
// ctest-label: concurrency
#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    wc_caps c;
    wc_caps_init(&c);
    wb_error err;
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "#", &err), WB_OK);
    define_guest(&T, "client", "client", &c);
    wc_caps_close(&c);
    define_guest(&T, "crasher", "crasher", NULL); /* no fuel limit: "busy" runs to its end */
    define_guest(&T, "echo", "echo", NULL);
    define_guest(&T, "counter", "counter", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static uint64_t dead_letters(void) {
    wr_system_stats s;
    wr_system_stats_get(T.sys, &s);
    return s.dead_letters;
}

/* Waits until `id` is running a message (taken out of its mailbox). */
static void wait_busy(wr_id id) {
    wr_actor_stats st = {0};
    for (int k = 0; k < 5000; k++) {
        wr_actor_stats_get(T.sys, id, &st);
        if (st.msgs_in >= 1 && st.mailbox_len == 0) return;
        wb_sleep_ns(MS);
    }
    fail_msg("%llx never took its message", (unsigned long long)id);
}

static void send_text(wr_id to, const char *text) {
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wb_error err;
    assert_int_equal(wc_send(T.host, to, p->data, p->len, &err), WB_OK);
    wb_buf_unref(p);
}

/* A request from a host thread to a component, in the background. */
typedef struct bg_ask {
    wr_id to;
    const char *text;
    char out[256];
    bool ok;
    uint64_t took_ns;
    pthread_t th;
} bg_ask;

static void *bg_ask_run(void *arg) {
    bg_ask *b = arg;
    uint64_t t0 = wb_now_ns();
    b->ok = ask(&T, b->to, b->text, 60 * SEC, b->out, sizeof b->out);
    b->took_ns = wb_now_ns() - t0;
    return NULL;
}

static void bg_start(bg_ask *b, wr_id to, const char *text) {
    b->to = to;
    b->text = text;
    assert_int_equal(pthread_create(&b->th, NULL, bg_ask_run, b), 0);
}

/* 10: the target answers after the requester's timeout: the requester gets
 * TIMEOUT within deadline + tolerance, the late reply is a counted dead
 * letter and never reaches a later request of the same requester. */
static void late_reply_dropped_and_counted(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "late-client");
    wr_id slow = spawn_ok(&T, "crasher", "late-slow");
    spawn_ok(&T, "crasher", "late-slower");
    uint64_t dl0 = dead_letters();
    char out[256];
    uint64_t t0 = wb_now_ns();
    assert_true(ask(&T, cl, "request late-slow 150 busy 500", 10 * SEC, out, sizeof out));
    uint64_t dt = wb_now_ns() - t0;
    assert_string_equal(out, "err -4");
    if (dt < 150 * MS || dt > 150 * MS + 2 * SEC)
        fail_msg("timeout after %llu ms, deadline 150 ms", (unsigned long long)(dt / MS));
    /* While the late "done 500" is on its way, the client waits for another
     * answer: it must get its own. */
    assert_true(ask(&T, cl, "request late-slower 5000 busy 900", 10 * SEC, out, sizeof out));
    assert_string_equal(out, "done 900");
    /* docs/ABI.md: the late reply is dropped and counted as the requesting
     * component's late-reply event (not a runtime dead letter) */
    wc_info info;
    for (int k = 0; k < 5000; k++) {
        wc_info_get(T.host, "late-client", &info);
        if (info.late_replies >= 1) break;
        wb_sleep_ns(MS);
    }
    assert_int_equal(info.late_replies, 1);
    assert_int_equal(wc_host_count_events(T.host, WC_EV_LATE_REPLY, "late-client"), 1);
    assert_int_equal(dead_letters(), dl0);
    /* The late replier and the requester are both fine. */
    assert_int_equal(state_of(&T, "late-slow"), WC_STATE_READY);
    assert_true(ask(&T, slow, "busy 1", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "done 1");
    assert_true(ask(&T, cl, "request late-slow 5000 busy 2", 10 * SEC, out, sizeof out));
    assert_string_equal(out, "done 2");

    /* The same from outside: the port's request times out, the reply is
     * dropped and counted. */
    uint64_t dl1 = dead_letters();
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "busy 400", 8);
    wc_reply r;
    wb_error err;
    t0 = wb_now_ns();
    assert_int_equal(wc_request(T.host, slow, p->data, p->len, 100 * MS, &r, &err), WB_OK);
    dt = wb_now_ns() - t0;
    wb_buf_unref(p);
    assert_false(r.ok);
    assert_int_equal(r.code, WC_TIMEOUT);
    wc_reply_close(&r);
    if (dt < 100 * MS || dt > 100 * MS + 2 * SEC)
        fail_msg("outside timeout after %llu ms, deadline 100 ms", (unsigned long long)(dt / MS));
    for (int k = 0; k < 5000 && dead_letters() < dl1 + 1; k++) wb_sleep_ns(MS);
    assert_true(dead_letters() >= dl1 + 1);
    assert_true(ask(&T, slow, "busy 1", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "done 1");
}

/* docs/ABI.md: a message from outside the actor system has sender 0 - also
 * a request, whose reply still finds its way back; a component's own id
 * when a component asks. */
static void outside_sender_is_zero(void **state) {
    (void)state;
    wr_id a = spawn_ok(&T, "client", "who-a");
    spawn_ok(&T, "client", "who-b");
    char out[128];
    assert_true(ask(&T, a, "whosent", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "ok 0");
    assert_true(ask(&T, a, "request who-b 5000 whosent", 5 * SEC, out, sizeof out));
    char want[64];
    snprintf(want, sizeof want, "ok %llu", (unsigned long long)a);
    assert_string_equal(out, want);
}

/* 10: a target that stops while a request is pending: never a hang. */
static void target_stops_while_pending(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "stop-client");
    wr_id t1 = spawn_ok(&T, "crasher", "stop-target");
    wb_error err;
    /* Killed while handling the request: the requester hears DEAD at once. */
    bg_ask b1 = {0};
    bg_start(&b1, cl, "request stop-target 30000 busy 20000");
    wait_busy(t1);
    wb_sleep_ns(20 * MS);
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_exit(T.sys, 0, t1, WR_EXIT_KILLED, "test", &err), WB_OK);
    pthread_join(b1.th, NULL);
    assert_string_equal(b1.out, "err -6: component stopped");
    if (wb_now_ns() - t0 > 3 * SEC) fail_msg("DEAD after %llu ms", (unsigned long long)((wb_now_ns() - t0) / MS));
    assert_int_equal(state_of(&T, "stop-client"), WC_STATE_READY);

    /* Queued behind a long message when the target is killed: the request
     * resolves by its own deadline (docs/ABI.md, Stopping). */
    wr_id t2 = spawn_ok(&T, "crasher", "stop-queued");
    send_text(t2, "busy 20000");
    wait_busy(t2);
    bg_ask b2 = {0};
    bg_start(&b2, cl, "request stop-queued 700 hello");
    for (int k = 0; k < 5000; k++) { /* the request is in the mailbox */
        wr_actor_stats st;
        wr_actor_stats_get(T.sys, t2, &st);
        if (st.mailbox_len >= 1) break;
        wb_sleep_ns(MS);
    }
    assert_int_equal(wr_exit(T.sys, 0, t2, WR_EXIT_KILLED, "test", &err), WB_OK);
    pthread_join(b2.th, NULL);
    assert_string_equal(b2.out, "err -4");
    if (b2.took_ns > 700 * MS + 3 * SEC) fail_msg("resolved after %llu ms", (unsigned long long)(b2.took_ns / MS));

    /* From outside, the caller watches the target: a request still queued
     * when the target is killed resolves to DEAD at once, not at its deadline. */
    wr_id t3 = spawn_ok(&T, "crasher", "stop-queued-2");
    send_text(t3, "busy 20000");
    wait_busy(t3);
    bg_ask b4 = {0};
    bg_start(&b4, t3, "hello");
    for (int k = 0; k < 5000; k++) {
        wr_actor_stats st;
        wr_actor_stats_get(T.sys, t3, &st);
        if (st.mailbox_len >= 1) break;
        wb_sleep_ns(MS);
    }
    t0 = wb_now_ns();
    assert_int_equal(wr_exit(T.sys, 0, t3, WR_EXIT_KILLED, "test", &err), WB_OK);
    pthread_join(b4.th, NULL);
    assert_false(b4.ok);
    if (!strstr(b4.out, "error -6: the component stopped before answering")) fail_msg("got \"%s\"", b4.out);
    if (wb_now_ns() - t0 > 3 * SEC) fail_msg("DEAD after %llu ms", (unsigned long long)((wb_now_ns() - t0) / MS));

    /* Stopped gracefully while waiting in receive(): the request it was
     * handling gets DEAD, and cleanup-less components terminate normally. */
    wr_id rc = spawn_ok(&T, "client", "stop-receiver");
    bg_ask b3 = {0};
    bg_start(&b3, rc, "receive 30000");
    wait_busy(rc);
    wb_sleep_ns(20 * MS);
    t0 = wb_now_ns();
    assert_int_equal(wc_stop(T.host, rc, &err), WB_OK);
    pthread_join(b3.th, NULL);
    assert_false(b3.ok);
    assert_non_null(strstr(b3.out, "error -6"));
    assert_true(wb_now_ns() - t0 < 3 * SEC);
    for (int k = 0; k < 5000 && state_of(&T, "stop-receiver") != WC_STATE_TERMINATED; k++) wb_sleep_ns(MS);
    assert_int_equal(state_of(&T, "stop-receiver"), WC_STATE_TERMINATED);

    /* The requester goes on; a request to the dead id fails at once. */
    char out[128];
    t0 = wb_now_ns();
    assert_true(ask(&T, cl, "request stop-target 30000 x", 10 * SEC, out, sizeof out));
    assert_true(!strcmp(out, "err -2") || !strcmp(out, "err -6"));
    assert_true(wb_now_ns() - t0 < 3 * SEC);
}

/* 10: many guest-to-guest requests at once, from several clients to two
 * echoes: every client gets exactly its own replies. */
typedef struct driver {
    wr_id client;
    int n;
    int bad;
    char first_bad[400];
} driver;

static void *drive(void *arg) {
    driver *d = arg;
    for (int i = 0; i < 40; i++) {
        char cmd[96], want[64], out[256];
        snprintf(want, sizeof want, "c%d-m%d", d->n, i);
        snprintf(cmd, sizeof cmd, "request cross-echo-%d 10000 %s", i % 2, want);
        if (!ask(&T, d->client, cmd, 20 * SEC, out, sizeof out) || strcmp(out, want)) {
            if (!d->bad++) snprintf(d->first_bad, sizeof d->first_bad, "%s -> %s", want, out);
        }
    }
    return NULL;
}

static void many_guest_requests_never_cross(void **state) {
    (void)state;
    spawn_ok(&T, "echo", "cross-echo-0");
    spawn_ok(&T, "echo", "cross-echo-1");
    enum { N = 6 };
    driver d[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "cross-client-%d", i);
        d[i] = (driver){.client = spawn_ok(&T, "client", name), .n = i};
    }
    for (int i = 0; i < N; i++) assert_int_equal(pthread_create(&th[i], NULL, drive, &d[i]), 0);
    for (int i = 0; i < N; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++)
        if (d[i].bad) fail_msg("client %d: %d wrong replies, first %s", i, d[i].bad, d[i].first_bad);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "cross-echo-0", &info), WB_OK);
    assert_int_equal(info.messages, N * 20);
}

/* The lifecycle of real components as events with timestamps. */
static size_t transitions_of(const char *name, wc_event *out, size_t max) {
    static wc_event all[4096];
    size_t n = wc_host_events(T.host, all, 4096), k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (all[i].type == WC_EV_TRANSITION && !strcmp(all[i].component, name)) out[k++] = all[i];
    return k;
}

static void lifecycle_events_of_a_component(void **state) {
    (void)state;
    uint64_t t0 = wb_now_ns();
    wr_id id = spawn_ok(&T, "counter", "lc-counter");
    char out[64];
    assert_true(ask(&T, id, "tick", 5 * SEC, out, sizeof out));
    wb_error err;
    assert_int_equal(wc_stop(T.host, id, &err), WB_OK);
    for (int k = 0; k < 5000 && state_of(&T, "lc-counter") != WC_STATE_TERMINATED; k++) wb_sleep_ns(MS);
    uint64_t t1 = wb_now_ns();
    wc_event ev[8];
    size_t n = transitions_of("lc-counter", ev, 8);
    const wc_state want[][2] = {{WC_STATE_CREATING, WC_STATE_STARTING},
                                {WC_STATE_STARTING, WC_STATE_READY},
                                {WC_STATE_READY, WC_STATE_STOPPING},
                                {WC_STATE_STOPPING, WC_STATE_TERMINATED}};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].from != want[i][0] || ev[i].to != want[i][1])
            fail_msg("transition %zu: %s -> %s", i, wc_state_name(ev[i].from), wc_state_name(ev[i].to));
        assert_true(ev[i].time_ns >= t0 && ev[i].time_ns <= t1);
        if (i) assert_true(ev[i].time_ns >= ev[i - 1].time_ns);
        assert_int_equal(ev[i].id, id);
    }
    /* A trap: Ready -> Failed(trap) with the reason in the event. */
    wr_id c = spawn_ok(&T, "crasher", "lc-crasher");
    assert_false(ask(&T, c, "div0", 5 * SEC, out, sizeof out));
    for (int k = 0; k < 5000 && state_of(&T, "lc-crasher") != WC_STATE_FAILED; k++) wb_sleep_ns(MS);
    n = transitions_of("lc-crasher", ev, 8);
    assert_int_equal(n, 3);
    assert_int_equal(ev[2].from, WC_STATE_READY);
    assert_int_equal(ev[2].to, WC_STATE_FAILED);
    assert_int_equal(ev[2].fail, WC_FAIL_TRAP);
    assert_non_null(strstr(ev[2].text, "divide by zero"));
    assert_true(ev[2].time_ns >= ev[1].time_ns);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(late_reply_dropped_and_counted),
        cmocka_unit_test(outside_sender_is_zero),
        cmocka_unit_test(target_stops_while_pending),
        cmocka_unit_test(many_guest_requests_never_cross),
        cmocka_unit_test(lifecycle_events_of_a_component),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
