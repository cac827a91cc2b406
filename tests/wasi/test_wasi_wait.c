/* SPDX-License-Identifier: MIT */
/* WASI calls that would block: what the embedder's wait is asked for
 * (saturated deadlines, the descriptors of a FIFO read), wa_wasi_resume
 * running the call again, the blocking fallback without a wait, and the
 * descriptor limits (per context and shared). Drives tests/wasi/blocking.c. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "wactor/wasm.h"

typedef struct waited {
    int calls;
    uint64_t deadline;
    int fd;
    uint32_t nfds;
    bool write;
} waited;

static bool record_wait(wa_instance *caller, const wa_wasi_wait_req *req, void *ud) {
    (void)caller;
    waited *w = ud;
    w->calls++;
    w->deadline = req->deadline_ns;
    w->nfds = req->nfds;
    w->fd = req->nfds ? req->fds[0].fd : -1;
    w->write = req->nfds ? req->fds[0].write : false;
    return true;
}

typedef struct prog {
    wa_engine *e;
    wa_module *m;
    wa_linker *l;
    wa_wasi *w;
    wa_instance *inst;
    char dir[64];
} prog;

static uint64_t g_write_budget; /* max_write_bytes of the next prog_open */

static void prog_open(prog *p, const char *const *args, uint32_t nargs, waited *wt, uint32_t max_fds,
                      wa_budget *fds) {
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/wactor-wait-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    p->e = wa_engine_new(NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/blocking.wasm", WASI_PROGRAMS);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    wb_error err = {0};
    assert_int_equal(wa_module_new(p->e, buf, n, &p->m, &err), WB_OK);
    wa_wasi_preopen po = {p->dir, "/d", false};
    wa_wasi_config cfg = {0};
    cfg.args = args;
    cfg.nargs = nargs;
    cfg.preopens = &po;
    cfg.npreopens = 1;
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    cfg.stdio[2].kind = WA_WASI_STDIO_BUFFER;
    cfg.wait = wt ? record_wait : NULL;
    cfg.wait_ud = wt;
    cfg.max_fds = max_fds;
    cfg.fd_budget = fds;
    cfg.max_write_bytes = g_write_budget;
    assert_int_equal(wa_wasi_new(&cfg, &p->w, &err), WB_OK);
    p->l = wa_linker_new(p->e);
    assert_int_equal(wa_wasi_link_single(p->l, p->w, &err), WB_OK);
    assert_int_equal(wa_instance_new(p->m, p->l, NULL, NULL, &p->inst, &err), WB_OK);
}

static wa_run_status prog_start(prog *p) {
    wa_run_status rs = wa_instance_call(p->inst, wa_instance_func(p->inst, "_start"), NULL, 0, 1000000);
    while (rs == WA_RUN_OUT_OF_FUEL) rs = wa_instance_resume(p->inst, 1000000);
    return rs;
}

static void assert_out(prog *p, const char *want) {
    size_t len;
    const uint8_t *got = wa_wasi_output(p->w, 1, &len);
    if (len != strlen(want) || memcmp(got, want, len))
        fail_msg("stdout: got [%.*s], want [%s]", (int)len, got ? (const char *)got : "", want);
}

static void prog_close(prog *p) {
    wa_instance_unref(p->inst);
    wa_linker_free(p->l);
    wa_wasi_free(p->w);
    wa_module_unref(p->m);
    wa_engine_free(p->e);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", p->dir);
    assert_int_equal(system(cmd), 0);
}

/* The largest timeouts wait for ever: the deadline saturates at
 * UINT64_MAX, it never wraps into "due at once" (2^64-2 returned after
 * about a millisecond). */
static void test_huge_timeouts_saturate(void **state) {
    (void)state;
    const char *modes[] = {"sleep_max", "sleep_near"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"blocking", modes[i]};
        waited wt = {0};
        prog p;
        prog_open(&p, args, 2, &wt, 0, NULL);
        assert_int_equal(prog_start(&p), WA_RUN_SUSPENDED);
        assert_int_equal(wt.calls, 1);
        assert_int_equal(wt.nfds, 0);
        assert_true(wt.deadline == UINT64_MAX);
        /* woken early (as an embedder may be), it waits again */
        assert_int_equal(wa_wasi_resume(p.w, p.inst, 1000000), WA_RUN_SUSPENDED);
        assert_int_equal(wt.calls, 2);
        assert_true(wt.deadline == UINT64_MAX);
        wa_wasi_cancel(p.w);
        wa_instance_cancel(p.inst);
        prog_close(&p);
    }
}

/* An absolute realtime deadline 10 ms ahead: asked for about that, and
 * once it passed the call finishes with its event. */
static void test_abs_deadline(void **state) {
    (void)state;
    const char *args[] = {"blocking", "sleep_abs"};
    waited wt = {0};
    prog p;
    prog_open(&p, args, 2, &wt, 0, NULL);
    uint64_t now = wb_now_ns();
    assert_int_equal(prog_start(&p), WA_RUN_SUSPENDED);
    assert_true(wt.deadline > now && wt.deadline < now + 50000000ull);
    while (wb_now_ns() < wt.deadline) wb_sleep_ns(1000000);
    assert_int_equal(wa_wasi_resume(p.w, p.inst, 1000000), WA_RUN_DONE);
    assert_out(&p, "poll: errno 0, 1 event(s), userdata 42\n");
    prog_close(&p);
}

/* Opening a FIFO does not wait for a writer; reading it waits through the
 * embedder for its descriptor, and runs again once data is there. */
static void test_fifo_read_suspends(void **state) {
    (void)state;
    const char *args[] = {"blocking", "fifo", "/d/pipe"};
    waited wt = {0};
    prog p;
    prog_open(&p, args, 3, &wt, 0, NULL);
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/pipe", p.dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(prog_start(&p), WA_RUN_SUSPENDED);
    assert_int_equal(wt.nfds, 1);
    assert_false(wt.write);
    assert_true(wt.deadline == UINT64_MAX);
    assert_true(wt.fd >= 0);
    /* nothing written yet: it waits again */
    assert_int_equal(wa_wasi_resume(p.w, p.inst, 1000000), WA_RUN_SUSPENDED);
    int wfd = open(fifo, O_WRONLY | O_NONBLOCK);
    assert_true(wfd >= 0);
    assert_int_equal(write(wfd, "hello", 5), 5);
    assert_int_equal(wa_wasi_resume(p.w, p.inst, 1000000), WA_RUN_DONE);
    assert_out(&p, "read 5: hello\n");
    close(wfd);
    prog_close(&p);
}

static void *write_later(void *arg) {
    wb_sleep_ns(50000000);
    int fd = open(arg, O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "late", 4) != 4) perror("write");
        close(fd);
    }
    return NULL;
}

/* Without an embedder wait the program owns its thread: the read blocks
 * until a writer comes, as in a native program. */
static void test_fifo_blocks_without_wait(void **state) {
    (void)state;
    const char *args[] = {"blocking", "fifo", "/d/pipe"};
    prog p;
    prog_open(&p, args, 3, NULL, 0, NULL);
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/pipe", p.dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_later, fifo), 0);
    assert_int_equal(prog_start(&p), WA_RUN_DONE);
    pthread_join(t, NULL);
    assert_out(&p, "read 4: late\n");
    prog_close(&p);
}

/* max_fds (preopens count) gives EMFILE; a shared budget gives ENFILE and
 * is given back when the context goes. */
static void test_fd_limits(void **state) {
    (void)state;
    const char *args[] = {"blocking", "fds", "/d"};
    prog p;
    prog_open(&p, args, 3, NULL, 10, NULL);
    assert_int_equal(prog_start(&p), WA_RUN_DONE);
    assert_out(&p, "opened 9, then: errno 33\n");
    assert_int_equal(wa_wasi_open_fds(p.w), 10);
    prog_close(&p);

    wa_budget fds;
    wa_budget_init(&fds, 5);
    prog_open(&p, args, 3, NULL, 100, &fds);
    assert_int_equal(prog_start(&p), WA_RUN_DONE);
    assert_out(&p, "opened 4, then: errno 41\n");
    assert_int_equal(wa_budget_used(&fds), 5);
    prog_close(&p);
    assert_int_equal(wa_budget_used(&fds), 0);
}

/* max_write_bytes: a granted directory is no way to fill the disk - the
 * writes stop at the budget (ENOSPC, 51), and so does growing a file. */
static void write_budget(void **state) {
    (void)state;
    const char *args[] = {"blocking", "fill", "/d"};
    g_write_budget = 64 * 1024;
    prog p;
    prog_open(&p, args, 3, NULL, 0, NULL);
    g_write_budget = 0;
    assert_int_equal(prog_start(&p), WA_RUN_DONE);
    assert_out(&p, "wrote 65536, then: errno 51; truncate to 1 MiB: -1 errno 51\n");
    char path[128];
    snprintf(path, sizeof path, "%s/big", p.dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 65536);
    prog_close(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_timeouts_saturate),
        cmocka_unit_test(test_abs_deadline),
        cmocka_unit_test(test_fifo_read_suspends),
        cmocka_unit_test(test_fifo_blocks_without_wait),
        cmocka_unit_test(test_fd_limits),
        cmocka_unit_test(write_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
