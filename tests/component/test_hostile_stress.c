/* SPDX-License-Identifier: MIT */
/* Every attack at once, for 30 s (WACTOR_STRESS_SECONDS): components that
 * sleep for ever, read a FIFO nobody writes, spin, flood their own mailbox,
 * spawn as many children as they may, exhaust their descriptors, spin in
 * health, and definitions whose start loops or whose tables pass any
 * budget, restarted over and over - beside well-behaved echoes that must
 * keep answering within a bound. The node's memory stays within its budget
 * and the shutdown is clean (ASan checks the leaks). */
// ctest-label: stress
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define BOUND (3000 * MS) /* under ASan, with every attack running on a loaded machine */
#define NODE_MEMORY (512ull << 20)

static harness T;
static char g_dir[64];
static atomic_bool g_stop;

static void send_text(wr_id to, const char *text) {
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wb_error err;
    wc_send(T.host, to, p->data, p->len, &err); /* FULL is part of the game */
    wb_buf_unref(p);
}

static void define_all(void) {
    wc_caps c;
    wc_caps_init(&c);
    c.spawn = true;
    char grant[128];
    snprintf(grant, sizeof grant, "%s::/d", g_dir);
    char *wasi[] = {"#", NULL}, *dirs[] = {grant, NULL};
    c.wasi = wasi;
    c.dirs = dirs;
    c.limits.max_fds = 32;
    c.limits.mailbox_bytes = 4u << 20;
    define_guest(&T, "block", "hostile_block", &c);
    c.wasi = c.dirs = NULL;
    wc_caps_close(&c);
    define_guest(&T, "echo", "echo", NULL);
    define_guest(&T, "spinhealth", "spin_health", NULL);
    define_guest(&T, "bomb", "table_bomb", NULL);
    define_guest(&T, "startloop", "start_loop", NULL);
}

/* Keeps the attacks going: re-sent commands, failing starts, health checks
 * of the spinner (each waits out its deadline). */
static void *attacker(void *arg) {
    (void)arg;
    unsigned round = 0;
    while (!atomic_load(&g_stop)) {
        wr_id flood = wr_lookup(T.sys, "flood"), spawner = wr_lookup(T.sys, "spawner");
        if (flood) send_text(flood, "flood 200");
        if (spawner) send_text(spawner, "spawn echo 100");
        wr_id id = 0;
        wb_error err;
        char name[32];
        snprintf(name, sizeof name, "%s-%u", round % 2 ? "bomb" : "loop", round);
        wc_spawn(T.host, round % 2 ? "bomb" : "startloop", name, &id, &err); /* fails */
        wc_health h;
        char reason[64];
        wr_id sh = wr_lookup(T.sys, "sh");
        if (sh && round % 8 == 0) wc_health_check(T.host, sh, 300 * MS, &h, reason, sizeof reason, &err);
        round++;
        wb_sleep_ns(20 * MS);
    }
    return NULL;
}

static void everything_at_once(void **state) {
    (void)state;
    const char *env = getenv("WACTOR_STRESS_SECONDS");
    uint64_t secs = env ? strtoull(env, NULL, 10) : 30;
    snprintf(g_dir, sizeof g_dir, "/tmp/wactor-stress-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/pipe", g_dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 2;
    wb_error err;
    assert_int_equal(wr_system_new(&cfg, &T.sys, &err), WB_OK);
    T.engine = wa_engine_new(NULL);
    wc_host_config hc = {.sys = T.sys, .engine = T.engine, .max_instances = 2000,
                         .max_memory_bytes = NODE_MEMORY};
    assert_int_equal(wc_host_new(&hc, &T.host, &err), WB_OK);
    define_all();
    wr_id echo[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "echo%d", i);
        echo[i] = spawn_ok(&T, "echo", name);
    }
    send_text(spawn_ok(&T, "block", "sleeper"), "sleep_max");
    send_text(spawn_ok(&T, "block", "nearly"), "sleep_near");
    send_text(spawn_ok(&T, "block", "spinner"), "spin");
    send_text(spawn_ok(&T, "block", "reader"), "fifo /d/pipe");
    send_text(spawn_ok(&T, "block", "fds"), "fds /d");
    spawn_ok(&T, "block", "flood");
    spawn_ok(&T, "block", "spawner");
    spawn_ok(&T, "spinhealth", "sh");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, attacker, NULL), 0);
    uint64_t end = wb_now_ns() + secs * SEC, worst = 0, n = 0, peak = 0;
    while (wb_now_ns() < end) {
        char out[128];
        uint64_t t0 = wb_now_ns();
        bool ok = ask(&T, echo[n % 3], "hello", BOUND, out, sizeof out);
        uint64_t took = wb_now_ns() - t0;
        if (!ok || took > BOUND) fail_msg("echo request %llu: %s after %llu ms", (unsigned long long)n, out,
                                          (unsigned long long)(took / MS));
        if (took > worst) worst = took;
        wc_host_stats hs;
        wc_host_stats_get(T.host, &hs);
        if (hs.memory_bytes > peak) peak = hs.memory_bytes;
        assert_true(hs.memory_bytes <= NODE_MEMORY);
        n++;
        wb_sleep_ns(10 * MS);
    }
    atomic_store(&g_stop, true);
    pthread_join(t, NULL);
    wc_host_stats hs;
    wc_host_stats_get(T.host, &hs);
    printf("%llu echo requests in %llu s, worst %llu ms; node memory peak %llu MiB, %llu live, %llu refused\n",
           (unsigned long long)n, (unsigned long long)secs, (unsigned long long)(worst / MS),
           (unsigned long long)(peak >> 20), (unsigned long long)hs.live_instances,
           (unsigned long long)hs.refused);
    assert_true(hs.refused > 0);
    /* the spinners never let the drain finish: cut at its deadline, then
     * every actor stops (WB_TIMEOUT says the drain was cut) */
    uint64_t t0 = wb_now_ns();
    wb_status st = wr_system_shutdown(T.sys, 2 * SEC);
    assert_true(st == WB_OK || st == WB_TIMEOUT);
    assert_true(wb_now_ns() - t0 < 10 * SEC);
    wr_system_free(T.sys);
    wc_host_free(T.host);
    wa_engine_free(T.engine);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    assert_int_equal(system(cmd), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(everything_at_once)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
