/* SPDX-License-Identifier: MIT */
/* Capabilities and limits seen from real guests: denied send/publish/
 * subscribe/spawn, payload size limit, send rate, codec checks, pub/sub
 * delivery, and bounded mailboxes. */
// ctest-label: concurrency
#include <unistd.h>

#include "harness.h"

static harness T;

static int setup(void **state) {
    (void)state;
    harness_open(&T, 2);
    witness_start(T.sys);
    wb_error err;
    wc_caps c;
    wc_caps_init(&c);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "witness", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SEND, "pool.*", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_PUBLISH, "news.#", &err), WB_OK);
    assert_int_equal(wc_caps_allow(&c, WC_CAP_SUBSCRIBE, "news.*", &err), WB_OK);
    c.limits.max_payload = 64;
    define_guest(&T, "client", "client", &c);
    c.limits.max_payload = 0;
    c.limits.send_rate = 5;
    c.limits.send_burst = 5;
    define_guest(&T, "slow-client", "client", &c);
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    return 0;
}

static void expect(wr_id to, const char *cmd, const char *want) {
    char out[256];
    ask(&T, to, cmd, 10 * SEC, out, sizeof out);
    if (strcmp(out, want)) fail_msg("%s: got \"%s\", want \"%s\"", cmd, out, want);
}

/* 12: denied actions return DENIED to the guest, record an event and never
 * reach their target. */
static void denied_never_reaches(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "client-1");
    spawn_ok(&T, "echo", "secret");
    spawn_ok(&T, "echo", "pool.1");
    int before = witness_count();
    expect(cl, "send secret hi", "err -1");      /* lookup of a name it may not send to */
    expect(cl, "spawn echo", "err -1");          /* no spawn capability */
    expect(cl, "publish other.topic x", "err -1");
    expect(cl, "subscribe news.#", "err -1");    /* wider than news.* */
    expect(cl, "subscribe #", "err -1");
    expect(cl, "send witness ok", "ok 0");
    expect(cl, "send pool.1 ok", "ok 0");
    assert_true(witness_wait(before + 1));
    wb_sleep_ns(50 * MS);
    assert_int_equal(witness_count(), before + 1); /* only the permitted one */
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "client-1", &info), WB_OK);
    assert_int_equal(info.denied, 5);
    assert_int_equal(wc_host_count_events(T.host, WC_EV_DENIED, "client-1"), 5);
    /* The echo behind "secret" never got a message. */
    wc_info_get(T.host, "secret", &info);
    assert_int_equal(info.messages, 0);
    assert_int_equal(state_of(&T, "client-1"), WC_STATE_READY);
}

/* 12: exactly the payload limit passes, one byte more is refused. */
static void payload_limit(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "client-2");
    int before = witness_count();
    /* Limit 64 bytes, the prefix included. */
    expect(cl, "sendn witness 64", "ok 0");
    expect(cl, "sendn witness 65", "err -5");
    assert_true(witness_wait(before + 1));
    wb_sleep_ns(50 * MS);
    assert_int_equal(witness_count(), before + 1);
    /* From outside, the target's limit applies too. */
    wb_buf *p = wb_buf_new(65);
    memset(p->data, 'x', 65);
    p->data[0] = 0x55;
    wb_error err;
    assert_int_equal(wc_send(T.host, cl, p->data, 65, &err), WB_LIMIT);
    assert_int_equal(wc_send(T.host, cl, p->data, 64, &err), WB_OK);
    wb_buf_unref(p);
}

/* 12: the rate limit throttles only the sender. */
static void rate_limit(void **state) {
    (void)state;
    wr_id slow = spawn_ok(&T, "slow-client", "slow-1");
    wr_id fast = spawn_ok(&T, "client", "client-3");
    int ok = 0, throttled = 0;
    char out[64];
    for (int i = 0; i < 12; i++) {
        ask(&T, slow, "send witness s", 5 * SEC, out, sizeof out);
        if (!strcmp(out, "ok 0")) ok++;
        if (!strcmp(out, "err -9")) throttled++;
        expect(fast, "send witness f", "ok 0");
    }
    /* 5 of burst, plus what refilled at 5/s while the loop ran. */
    assert_true(ok >= 5);
    assert_true(throttled >= 1);
    assert_int_equal(ok + throttled, 12);
    wc_info info;
    wc_info_get(T.host, "slow-1", &info);
    assert_int_equal(info.throttled, (uint64_t)throttled);
    assert_true(wc_host_count_events(T.host, WC_EV_THROTTLED, "slow-1") >= 1);
}

/* 13: an unknown codec or an undecodable body is refused at the sender. */
static void codec_checks(void **state) {
    (void)state;
    wr_id cl = spawn_ok(&T, "client", "client-4");
    int before = witness_count();
    expect(cl, "raw 70aa witness", "err -12");     /* 0x70: not a codec of ours */
    expect(cl, "raw 80047b witness", "err -8");    /* JSON "{" */
    expect(cl, "raw 5182 witness", "err -8");      /* CBOR array without items */
    expect(cl, "raw 80 witness", "err -8");        /* truncated prefix */
    expect(cl, "raw 80047b7d witness", "ok 0");    /* JSON "{}" */
    assert_true(witness_wait(before + 1));
    wb_sleep_ns(50 * MS);
    assert_int_equal(witness_count(), before + 1);
    /* From outside: refused with the reason. */
    wb_error err;
    const uint8_t bad[] = {0x80, 0x04, '['};
    assert_int_equal(wc_send(T.host, cl, bad, 3, &err), WB_DECODE);
    const uint8_t unknown[] = {0x70};
    assert_int_equal(wc_send(T.host, cl, unknown, 1, &err), WB_UNSUPPORTED);
    /* Past the host's checks (a native sender): refused at the receiver,
     * which goes on. */
    wc_info before_info;
    wc_info_get(T.host, "client-4", &before_info);
    assert_int_equal(wr_send(T.sys, cl, WC_TAG_MESSAGE, unknown, 1, &err), WB_OK);
    for (int k = 0; k < 2000 && wc_host_count_events(T.host, WC_EV_ERROR_REPLY, "client-4") < 1; k++)
        wb_sleep_ns(MS);
    assert_int_equal(wc_host_count_events(T.host, WC_EV_ERROR_REPLY, "client-4"), 1);
    expect(cl, "events", "0 ");
    wc_info after_info;
    wc_info_get(T.host, "client-4", &after_info);
    assert_int_equal(after_info.messages, before_info.messages + 1); /* only "events" */
}

/* 11: pub/sub by pattern; order per publisher; a dead subscriber does not
 * block the others. */
static void pubsub(void **state) {
    (void)state;
    wr_id pub = spawn_ok(&T, "client", "pub");
    wr_id s1 = spawn_ok(&T, "client", "sub-1");
    wr_id s2 = spawn_ok(&T, "client", "sub-2");
    wr_id s3 = spawn_ok(&T, "client", "sub-3");
    expect(s1, "subscribe news.*", "ok 0");
    expect(s2, "subscribe news.sport", "ok 0");
    expect(s3, "subscribe news.*", "ok 0");
    wb_error err;
    assert_int_equal(wr_exit(T.sys, 0, s3, WR_EXIT_KILLED, "test", &err), WB_OK);
    for (int i = 1; i <= 5; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "publish news.n%d x", i);
        expect(pub, cmd, "ok 0");
    }
    expect(pub, "publish news.sport x", "ok 0");
    expect(pub, "publish news.a.b x", "ok 0"); /* matches neither pattern */
    char out[128];
    for (int k = 0; k < 2000; k++) {
        ask(&T, s1, "events", SEC, out, sizeof out);
        if (!strcmp(out, "6 news.sport")) break;
        wb_sleep_ns(MS);
    }
    assert_string_equal(out, "6 news.sport"); /* in order: the last one last */
    expect(s2, "events", "1 news.sport");
}

/* 13: a full bounded mailbox applies its policy: fail refuses with FULL,
 * drop_newest and drop_oldest count their drops. */
static void bounded_mailbox(void **state) {
    (void)state;
    wc_caps c;
    wc_caps_init(&c);
    c.limits.mailbox_capacity = 2;
    c.limits.mailbox_policy = WC_MAILBOX_FAIL;
    define_guest(&T, "boxed", "crasher", &c);
    c.limits.mailbox_policy = WC_MAILBOX_DROP_NEWEST;
    define_guest(&T, "boxed-drop", "crasher", &c);
    c.limits.mailbox_policy = WC_MAILBOX_DROP_OLDEST;
    define_guest(&T, "boxed-old", "crasher", &c);
    wc_caps_close(&c);
    const char *defs[] = {"boxed", "boxed-drop", "boxed-old"};
    for (int d = 0; d < 3; d++) {
        char name[32];
        snprintf(name, sizeof name, "%s-1", defs[d]);
        wr_id id = spawn_ok(&T, defs[d], name);
        wb_buf *spin = wc_payload_new(WC_CODEC_RAW, "busy 300", 8); /* holds it 300 ms */
        wb_buf *hi = wc_payload_new(WC_CODEC_RAW, "hi", 2);
        wb_error err;
        assert_int_equal(wc_send(T.host, id, spin->data, spin->len, &err), WB_OK);
        /* Wait until the spin message is being handled (out of the mailbox). */
        wr_actor_stats st;
        for (int k = 0; k < 2000; k++) {
            wr_actor_stats_get(T.sys, id, &st);
            if (st.msgs_in >= 1 && st.mailbox_len == 0) break;
            wb_sleep_ns(MS);
        }
        int ok = 0, full = 0;
        for (int i = 0; i < 5; i++) {
            wb_status s = wc_send(T.host, id, hi->data, hi->len, &err);
            ok += s == WB_OK;
            full += s == WB_FULL;
        }
        wr_actor_stats_get(T.sys, id, &st);
        if (d == 0) {
            assert_int_equal(ok, 2);
            assert_int_equal(full, 3);
        } else if (d == 1) {
            assert_int_equal(ok, 5);
            assert_int_equal(st.drops, 3);
        } else {
            /* drop_oldest: accepted now, the oldest dropped when the owner runs. */
            assert_int_equal(ok, 5);
            assert_int_equal(full, 0);
        }
        /* Once the busy message is done: exactly two "hi" were handled, and
         * every message that was not is counted as a drop (or refused). */
        wc_info info;
        for (int k = 0; k < 5000; k++) {
            wc_info_get(T.host, name, &info);
            wr_actor_stats_get(T.sys, id, &st);
            if (info.messages >= 3 && st.mailbox_len == 0) break;
            wb_sleep_ns(MS);
        }
        wb_sleep_ns(20 * MS);
        wc_info_get(T.host, name, &info);
        wr_actor_stats_get(T.sys, id, &st);
        assert_int_equal(info.messages, 3);
        assert_int_equal(st.drops, d == 0 ? 0 : 3);
        assert_int_equal(info.state, WC_STATE_READY);
        wb_buf_unref(spin);
        wb_buf_unref(hi);
    }
}

/* 12: WASI file access only where granted: functions and directories. */
static void wasi_grants(void **state) {
    (void)state;
    char dir[] = "/tmp/wactor-caps-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char grant[600];
    snprintf(grant, sizeof grant, "%s::/data", dir);
    wc_caps c;
    wc_caps_init(&c);
    c.wasi = calloc(2, sizeof *c.wasi);
    c.wasi[0] = strdup("#"); /* every WASI function */
    c.dirs = calloc(2, sizeof *c.dirs);
    c.dirs[0] = strdup(grant);
    define_guest(&T, "filer-ok", "filer", &c);
    free(c.dirs[0]);
    c.dirs[0] = NULL; /* functions, but no directory */
    define_guest(&T, "filer-nodir", "filer", &c);
    wc_caps_close(&c);
    wc_caps_init(&c);
    c.dirs = calloc(2, sizeof *c.dirs);
    c.dirs[0] = strdup(grant); /* a directory, and what libc's startup needs, but no path_open */
    const char *fns[] = {"fd_prestat_get", "fd_prestat_dir_name", "fd_fdstat_get", "fd_write", "fd_close"};
    c.wasi = calloc(WB_ARRAY_LEN(fns) + 1, sizeof *c.wasi);
    for (size_t i = 0; i < WB_ARRAY_LEN(fns); i++) c.wasi[i] = strdup(fns[i]);
    define_guest(&T, "filer-nofn", "filer", &c);
    wc_caps_close(&c);
    wr_id ok = spawn_ok(&T, "filer-ok", "filer-1");
    wr_id nodir = spawn_ok(&T, "filer-nodir", "filer-2");
    wr_id nofn = spawn_ok(&T, "filer-nofn", "filer-3");
    expect(ok, "write /data/a.txt hello", "ok 0");
    expect(ok, "read /data/a.txt", "hello");
    expect(ok, "read /data/../../etc/passwd", "err -76"); /* no escape: ENOTCAPABLE */
    char out[64];
    ask(&T, nodir, "write /data/b.txt x", 5 * SEC, out, sizeof out);
    assert_true(!strncmp(out, "err -", 5));
    assert_int_equal(wc_host_count_events(T.host, WC_EV_DENIED, "filer-3"), 0);
    expect(nofn, "write /data/c.txt x", "err -76"); /* ENOTCAPABLE from path_open */
    /* A WASI function not granted is a denied call: counted, and an event. */
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "filer-3", &info), WB_OK);
    assert_true(info.denied >= 1);
    assert_true(wc_host_count_events(T.host, WC_EV_DENIED, "filer-3") >= 1);
    assert_int_equal(wc_host_count_events(T.host, WC_EV_DENIED, "filer-1"), 0);
    char path[700];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[16] = {0};
    assert_int_equal(fread(buf, 1, sizeof buf, f), 5);
    fclose(f);
    assert_string_equal(buf, "hello");
    snprintf(path, sizeof path, "%s/b.txt", dir);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/c.txt", dir);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/a.txt", dir);
    unlink(path);
    rmdir(dir);
    assert_int_equal(state_of(&T, "filer-3"), WC_STATE_READY);
}

/* Runtime spawn from a guest with the spawn capability. */
static void guest_spawn(void **state) {
    (void)state;
    wc_caps c;
    wc_caps_init(&c);
    c.spawn = true;
    define_guest(&T, "spawner", "client", &c);
    wc_caps_close(&c);
    wr_id sp = spawn_ok(&T, "spawner", "spawner-1");
    char out[64];
    ask(&T, sp, "spawn echo", 5 * SEC, out, sizeof out);
    assert_true(!strncmp(out, "ok ", 3));
    wr_id child = (wr_id)strtoull(out + 3, NULL, 10);
    assert_true(child != 0);
    expect(sp, "spawn nothing-like-this", "err -2");
    /* The child is a full component: named under its parent, and it answers. */
    const char *names[64];
    size_t n = wc_host_names(T.host, names, 64);
    const char *cname = NULL;
    for (size_t i = 0; i < n && i < 64; i++)
        if (!strncmp(names[i], "spawner-1/echo#", 15)) cname = names[i];
    assert_non_null(cname);
    assert_int_equal(wait_ready(&T, cname), child);
    expect(child, "hello child", "hello child");
    /* The spawner reaches its own child with no send grant at all (lookup and
     * request), but nobody else's. */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "request %s 5000 from the parent", cname);
    expect(sp, cmd, "from the parent");
    wr_id other = spawn_ok(&T, "spawner", "spawner-2");
    ask(&T, other, "spawn echo", 5 * SEC, out, sizeof out);
    assert_true(!strncmp(out, "ok ", 3));
    expect(other, cmd, "err -1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(denied_never_reaches),
        cmocka_unit_test(payload_limit),
        cmocka_unit_test(rate_limit),
        cmocka_unit_test(codec_checks),
        cmocka_unit_test(pubsub),
        cmocka_unit_test(bounded_mailbox),
        cmocka_unit_test(wasi_grants),
        cmocka_unit_test(guest_spawn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
