/* SPDX-License-Identifier: MIT */
/* Isolation without exceptions: components that try to hold a worker
 * (sleeps of 2^64 ns, a FIFO read with no writer, a spinning health check,
 * a start function that never returns) or to exhaust the node (descriptors,
 * self-sent megabytes, spawn floods, tables past any budget, more instances
 * or memory than the node allows). Each attack ends as an error value or a
 * categorized failure, and a well-behaved component keeps answering within
 * a latency bound, with one worker and with two. */
// ctest-label: concurrency
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define BOUND (2500 * MS) /* one request to the echo, under ASan on a shared machine */

static harness T;
static char g_dir[64];

static void define_all(void) {
    wb_error err;
    wc_caps c;
    wc_caps_init(&c);
    c.spawn = true;
    char grant[128];
    snprintf(grant, sizeof grant, "%s::/d", g_dir);
    char *wasi[] = {"#", NULL}, *dirs[] = {grant, NULL};
    c.wasi = wasi;
    c.dirs = dirs;
    c.limits.max_fds = 16;
    c.limits.mailbox_bytes = 1u << 20;
    define_guest(&T, "block", "hostile_block", &c);
    c.wasi = c.dirs = NULL; /* borrowed: not for wc_caps_close */
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    define_guest(&T, "spinhealth", "spin_health", NULL);
    define_guest(&T, "badinit", "bad_init", NULL);
    define_guest(&T, "bomb", "table_bomb", NULL);
    wc_caps_init(&c);
    char *sleep_only[] = {"poll_oneoff", "clock_time_get", NULL};
    c.wasi = sleep_only;
    define_guest(&T, "slowinit", "slow_init", &c);
    c.wasi = NULL;
    wc_caps_close(&c);
    define_guest(&T, "startloop", "start_loop", NULL);
    (void)err;
}

static void open_with(unsigned workers, const wc_host_config *node) {
    snprintf(g_dir, sizeof g_dir, "/tmp/wactor-iso-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    if (!node) {
        harness_open(&T, workers);
    } else {
        wr_config cfg;
        wr_config_default(&cfg);
        cfg.workers = workers;
        wb_error err;
        assert_int_equal(wr_system_new(&cfg, &T.sys, &err), WB_OK);
        T.engine = wa_engine_new(NULL);
        wc_host_config hc = *node;
        hc.sys = T.sys;
        hc.engine = T.engine;
        assert_int_equal(wc_host_new(&hc, &T.host, &err), WB_OK);
    }
    define_all();
}

static void close_all(void) {
    harness_close(&T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    assert_int_equal(system(cmd), 0);
}

/* The echo answers every one of n requests within BOUND. */
static void assert_responsive(wr_id echo, int n) {
    for (int i = 0; i < n; i++) {
        char out[128];
        uint64_t t0 = wb_now_ns();
        bool ok = ask(&T, echo, "hello", BOUND, out, sizeof out);
        uint64_t took = wb_now_ns() - t0;
        if (!ok || took > BOUND) fail_msg("echo request %d: %s after %llu ms", i, out, (unsigned long long)(took / MS));
    }
}

static void send_text(wr_id to, const char *text) {
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wb_error err;
    assert_int_equal(wc_send(T.host, to, p->data, p->len, &err), WB_OK);
    wb_buf_unref(p);
}

/* ---- holding a worker ---------------------------------------------------- */
static void sleeps_and_spins(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    const char *cmds[] = {"sleep_max", "sleep_near", "spin"};
    char name[32];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "b%d", i);
        send_text(spawn_ok(&T, "block", name), cmds[i]);
    }
    wb_sleep_ns(50 * MS); /* let them start their attack */
    assert_responsive(echo, 20);
    /* the sleepers are suspended, not failed; a stop ends their wait at once */
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "b%d", i);
        assert_int_equal(state_of(&T, name), WC_STATE_READY);
        wb_error err;
        uint64_t t0 = wb_now_ns();
        assert_int_equal(wc_stop(T.host, wr_lookup(T.sys, name), &err), WB_OK);
        while (state_of(&T, name) == WC_STATE_READY && wb_now_ns() - t0 < 5 * SEC) wb_sleep_ns(MS);
        assert_int_equal(state_of(&T, name), WC_STATE_TERMINATED);
    }
    close_all();
}
static void sleeps_and_spins_1(void **s) { (void)s; sleeps_and_spins(1); }
static void sleeps_and_spins_2(void **s) { (void)s; sleeps_and_spins(2); }

typedef struct asked {
    wr_id to;
    const char *text;
    char out[128];
} asked;

static void *ask_thread(void *arg) {
    asked *q = arg;
    ask(&T, q->to, q->text, 30 * SEC, q->out, sizeof q->out);
    return NULL;
}

/* A read of a FIFO that no one writes holds the component, not a worker;
 * once a writer comes the read finishes. */
static void fifo(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    char path[128];
    snprintf(path, sizeof path, "%s/pipe", g_dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    asked q = {.to = spawn_ok(&T, "block", "reader"), .text = "fifo /d/pipe"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, ask_thread, &q), 0);
    wb_sleep_ns(100 * MS);
    assert_responsive(echo, 20);
    int w = open(path, O_WRONLY | O_NONBLOCK); /* the component holds the read end */
    assert_true(w >= 0);
    assert_int_equal(write(w, "hi", 2), 2);
    pthread_join(t, NULL);
    close(w);
    assert_string_equal(q.out, "2 0");
    close_all();
}
static void fifo_1(void **s) { (void)s; fifo(1); }
static void fifo_2(void **s) { (void)s; fifo(2); }

/* A health export that never returns is cut at its deadline (Unhealthy),
 * and the component itself, and everyone else, go on. */
static void spinning_health(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    wr_id sh = spawn_ok(&T, "spinhealth", "sh");
    wc_health h = WC_HEALTHY;
    char reason[128] = "";
    wb_error err;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wc_health_check(T.host, sh, 10 * SEC, &h, reason, sizeof reason, &err), WB_OK);
    uint64_t took = wb_now_ns() - t0;
    assert_int_equal(h, WC_UNHEALTHY);
    assert_non_null(strstr(reason, "did not answer within 1000 ms"));
    assert_true(took >= 900 * MS && took < 5 * SEC);
    assert_responsive(echo, 10);
    char out[64];
    ask(&T, sh, "ping", BOUND, out, sizeof out);
    assert_string_equal(out, "pong");
    close_all();
}
static void spinning_health_1(void **s) { (void)s; spinning_health(1); }
static void spinning_health_2(void **s) { (void)s; spinning_health(2); }

/* A start function that never returns fails the start (fuel), quickly. */
static void start_loop(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    wr_id id = 0;
    wb_error err;
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wc_spawn(T.host, "startloop", "sl", &id, &err), WB_STATE);
    assert_true(wb_now_ns() - t0 < 5 * SEC);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "sl", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_FUEL);
    assert_responsive(echo, 5);
    close_all();
}
static void start_loop_1(void **s) { (void)s; start_loop(1); }
static void start_loop_2(void **s) { (void)s; start_loop(2); }

typedef struct spawned {
    const char *def, *name;
    wb_status st;
    wr_id id;
} spawned;

static void *spawn_thread(void *arg) {
    spawned *sp = arg;
    wb_error err;
    sp->st = wc_spawn(T.host, sp->def, sp->name, &sp->id, &err);
    return NULL;
}

/* A start that spins for many slices and sleeps in init holds no worker:
 * with one worker, the echo answers while it starts, and the component is
 * Ready (its name visible) only once init returned. */
static void slow_start(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    spawned sp = {.def = "slowinit", .name = "slow"};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, spawn_thread, &sp), 0);
    wb_sleep_ns(20 * MS);
    assert_int_equal(wr_lookup(T.sys, "slow"), 0); /* not Ready yet */
    assert_responsive(echo, 10);
    pthread_join(t, NULL);
    assert_int_equal(sp.st, WB_OK);
    char out[64];
    ask(&T, sp.id, "x", BOUND, out, sizeof out);
    long ms = strtol(out + strlen("started "), NULL, 10);
    if (strncmp(out, "started ", 8) || ms < 300) fail_msg("%s", out);
    close_all();
}
static void slow_start_1(void **s) { (void)s; slow_start(1); }
static void slow_start_2(void **s) { (void)s; slow_start(2); }

/* ---- exhausting the node ------------------------------------------------- */
static void limits(unsigned workers) {
    open_with(workers, NULL);
    wr_id echo = spawn_ok(&T, "echo", "echo");
    wr_id b = spawn_ok(&T, "block", "b");
    char out[128];
    /* descriptors: 16 with the preopen, then EMFILE (33) */
    ask(&T, b, "fds /d", 10 * SEC, out, sizeof out);
    assert_string_equal(out, "15 33");
    /* a self-flood of 60 kB messages stops at the 1 MiB mailbox: FULL (-3) */
    ask(&T, b, "flood 1000", 10 * SEC, out, sizeof out);
    long ok = strtol(out, NULL, 10);
    assert_true(ok > 0 && ok <= (1 << 20) / 60000);
    assert_non_null(strstr(out, " -3"));
    /* spawns: 64 live children per spawner, then LIMIT (-14) */
    ask(&T, b, "spawn echo 100", 30 * SEC, out, sizeof out);
    assert_string_equal(out, "64 -14");
    assert_true(wc_host_count_events(T.host, WC_EV_LIMIT, "b") >= 1);
    /* children that come and go reuse their records: ten rounds of 40
     * spawns (each child's init fails at once) make at most 64 records */
    wr_id b2 = spawn_ok(&T, "block", "b2");
    size_t records0 = wc_host_names(T.host, NULL, 0);
    wc_host_stats hs0, hs;
    wc_host_stats_get(T.host, &hs0);
    for (int round = 0; round < 10; round++) {
        ask(&T, b2, "spawn badinit 40", 30 * SEC, out, sizeof out);
        assert_true(strtol(out, NULL, 10) > 0);
        for (int i = 0; i < 5000; i++) { /* until every child is gone again */
            wc_host_stats_get(T.host, &hs);
            if (hs.live_instances <= hs0.live_instances) break;
            wb_sleep_ns(MS);
        }
    }
    assert_true(wc_host_names(T.host, NULL, 0) - records0 <= 64);
    /* tables past the memory budget: the start is refused, nothing held */
    wr_id id = 0;
    wb_error err;
    assert_int_equal(wc_spawn(T.host, "bomb", "bomb", &id, &err), WB_STATE);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "bomb", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_MEMORY);
    assert_non_null(strstr(info.reason, "budget"));
    assert_responsive(echo, 10);
    close_all();
}
static void limits_1(void **s) { (void)s; limits(1); }
static void limits_2(void **s) { (void)s; limits(2); }

/* Node admission: past max_instances or the node's memory a start is
 * refused (node limit, an event, a counter) and the running ones go on. */
static void admission(unsigned workers) {
    wc_host_config node = {.max_instances = 4};
    open_with(workers, &node);
    wr_id e0 = spawn_ok(&T, "echo", "e0");
    spawn_ok(&T, "echo", "e1");
    spawn_ok(&T, "echo", "e2");
    wr_id e3 = spawn_ok(&T, "block", "e3");
    /* a guest's spawn past the node's budget: LIMIT (-14), nothing started */
    char out[64];
    ask(&T, e3, "spawn echo 3", 10 * SEC, out, sizeof out);
    assert_string_equal(out, "0 -14");
    wr_id id = 0;
    wb_error err;
    assert_int_equal(wc_spawn(T.host, "echo", "e4", &id, &err), WB_STATE);
    wc_info info;
    assert_int_equal(wc_info_get(T.host, "e4", &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_LIMIT);
    wc_host_stats hs;
    for (int i = 0; i < 5000; i++) { /* the refused one gives its place back as it exits */
        wc_host_stats_get(T.host, &hs);
        if (hs.live_instances == 4) break;
        wb_sleep_ns(MS);
    }
    assert_int_equal(hs.live_instances, 4);
    assert_true(hs.refused >= 1);
    assert_true(wc_host_count_events(T.host, WC_EV_LIMIT, "e4") >= 1);
    assert_responsive(e0, 10);
    /* a stopped one frees its place */
    assert_int_equal(wc_stop(T.host, e3, &err), WB_OK);
    for (int i = 0; i < 5000 && state_of(&T, "e3") != WC_STATE_TERMINATED; i++) wb_sleep_ns(MS);
    for (int i = 0; i < 5000; i++) {
        wc_host_stats_get(T.host, &hs);
        if (hs.live_instances < 4) break;
        wb_sleep_ns(MS);
    }
    spawn_ok(&T, "echo", "e5");
    close_all();

    /* the node's memory holds the modules' code too: 1 KiB holds none */
    wc_host_config tiny = {.max_memory_bytes = 1024};
    {
        wr_config cfg;
        wr_config_default(&cfg);
        cfg.workers = workers;
        harness t2;
        assert_int_equal(wr_system_new(&cfg, &t2.sys, &err), WB_OK);
        t2.engine = wa_engine_new(NULL);
        tiny.sys = t2.sys;
        tiny.engine = t2.engine;
        assert_int_equal(wc_host_new(&tiny, &t2.host, &err), WB_OK);
        char path[512];
        guest_path(path, sizeof path, "echo");
        assert_int_equal(wc_host_define_file(t2.host, "echo", path, NULL, &err), WB_LIMIT);
        assert_non_null(strstr(err.msg, "does not fit the node's memory budget"));
        harness_close(&t2);
    }
    wc_host_config mem = {.max_memory_bytes = 2u << 20};
    open_with(workers, &mem);
    int made = 0;
    char name[32];
    for (; made < 64; made++) {
        snprintf(name, sizeof name, "m%d", made);
        if (wc_spawn(T.host, "echo", name, &id, &err) != WB_OK) break;
    }
    assert_true(made >= 1 && made < 64);
    assert_int_equal(wc_info_get(T.host, name, &info), WB_OK);
    assert_int_equal(info.fail, WC_FAIL_LIMIT);
    wc_host_stats_get(T.host, &hs);
    assert_true(hs.memory_bytes <= mem.max_memory_bytes);
    assert_responsive(wr_lookup(T.sys, "m0"), 10);
    close_all();
}
static void admission_1(void **s) { (void)s; admission(1); }
static void admission_2(void **s) { (void)s; admission(2); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sleeps_and_spins_1), cmocka_unit_test(sleeps_and_spins_2),
        cmocka_unit_test(fifo_1),             cmocka_unit_test(fifo_2),
        cmocka_unit_test(spinning_health_1),  cmocka_unit_test(spinning_health_2),
        cmocka_unit_test(start_loop_1),       cmocka_unit_test(start_loop_2),
        cmocka_unit_test(slow_start_1),       cmocka_unit_test(slow_start_2),
        cmocka_unit_test(limits_1),           cmocka_unit_test(limits_2),
        cmocka_unit_test(admission_1),        cmocka_unit_test(admission_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
