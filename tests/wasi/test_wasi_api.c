/* SPDX-License-Identifier: MIT */
/* The WASI embedding API: names, config errors, one linker serving many
 * instances (each with its own context, also from several threads),
 * captured and callback stdio, stdin buffers, denied functions, exit codes. */
// ctest-label: concurrency
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <cmocka.h>

#include "wactor/wasm.h"

static wa_module *load(wa_engine *e, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", WASI_PROGRAMS, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 8 && n < sizeof buf);
    wa_module *m = NULL;
    wb_error err = {0};
    assert_int_equal(wa_module_new(e, buf, n, &m, &err), WB_OK);
    return m;
}

/* Runs _start to its end; returns the final run status. */
static wa_run_status run_start(wa_module *m, wa_linker *l, void *user_data, wa_instance **out) {
    wa_instance *inst = NULL;
    wb_error err = {0};
    wb_status st = wa_instance_new(m, l, NULL, user_data, &inst, &err);
    if (st != WB_OK) fprintf(stderr, "instantiate: %s\n", err.msg);
    assert_int_equal(st, WB_OK);
    wa_func *start = wa_instance_func(inst, "_start");
    assert_non_null(start);
    wa_run_status rs = wa_instance_call(inst, start, NULL, 0, 100000);
    while (rs == WA_RUN_OUT_OF_FUEL) rs = wa_instance_resume(inst, 100000);
    *out = inst;
    return rs;
}

static void assert_output(const wa_wasi *w, int stream, const char *want) {
    size_t len;
    const uint8_t *got = wa_wasi_output(w, stream, &len);
    if (len != strlen(want) || (len && memcmp(got, want, len) != 0))
        fail_msg("stream %d: got [%.*s], want [%s]", stream, (int)len, got ? (const char *)got : "",
                 want);
}

static void test_names(void **state) {
    (void)state;
    assert_int_equal(WA_WASI_FUNC_COUNT_, 46);
    for (unsigned i = 0; i < WA_WASI_FUNC_COUNT_; i++) {
        wa_wasi_func f;
        assert_int_equal(wa_wasi_func_lookup(wa_wasi_func_name((wa_wasi_func)i), &f), WB_OK);
        assert_int_equal(f, i);
    }
    wa_wasi_func f;
    assert_int_equal(wa_wasi_func_lookup("fd_write", &f), WB_OK);
    assert_int_equal(f, WA_WASI_fd_write);
    assert_int_equal(wa_wasi_func_lookup("fd_frobnicate", &f), WB_NOT_FOUND);
    assert_string_equal(wa_wasi_func_name(WA_WASI_FUNC_COUNT_), "?");
}

static void test_config_errors(void **state) {
    (void)state;
    wa_wasi *w = (wa_wasi *)1;
    wb_error err = {0};
    wa_wasi_preopen po = {"/nonexistent/wactor-test-dir", "/data", false};
    wa_wasi_config cfg = {0};
    cfg.preopens = &po;
    cfg.npreopens = 1;
    assert_int_equal(wa_wasi_new(&cfg, &w, &err), WB_IO);
    assert_null(w);
    assert_non_null(strstr(err.msg, "/nonexistent/wactor-test-dir"));
    wa_wasi_config bad = {0};
    bad.nargs = 2; /* no array */
    assert_int_equal(wa_wasi_new(&bad, &w, &err), WB_INVALID_ARG);
    wa_wasi_config cb = {0};
    cb.stdio[0].kind = WA_WASI_STDIO_CALLBACK; /* stdin cannot be a write callback */
    assert_int_equal(wa_wasi_new(&cb, &w, &err), WB_INVALID_ARG);
    wa_wasi_free(NULL);
}

/* Many instances of one module through one linker, each with its own
 * context found through a resolver; outputs must not mix. */
typedef struct guest {
    wa_wasi *wasi;
    int id;
} guest;

static wa_wasi *guest_wasi(wa_instance *caller, void *ud) {
    assert_ptr_equal(ud, (void *)0x5eed);
    guest *g = wa_instance_user_data(caller);
    return g ? g->wasi : NULL;
}

static const wa_wasi_resolver guest_resolver = {guest_wasi, (void *)0x5eed};

static void make_guest(guest *g, int id) {
    char arg[32], env[32];
    snprintf(arg, sizeof arg, "inst-%d", id);
    snprintf(env, sizeof env, "ID=%d", id);
    const char *args[] = {"prog", arg};
    const char *envs[] = {env};
    wa_wasi_config cfg = {0};
    cfg.args = args;
    cfg.nargs = 2;
    cfg.env = envs;
    cfg.nenv = 1;
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    wb_error err = {0};
    assert_int_equal(wa_wasi_new(&cfg, &g->wasi, &err), WB_OK);
    g->id = id;
}

static void check_guest(const guest *g) {
    char want[256];
    snprintf(want, sizeof want,
             "argc=2\nargv[0]=[prog]\nargv[1]=[inst-%d]\nenv [ID=%d]\n"
             "getenv FOO=[(null)] MISSING=(null)\n",
             g->id, g->id);
    assert_output(g->wasi, 1, want);
}

typedef struct shared {
    wa_module *m;
    wa_linker *l;
    int first, count;
} shared;

static void *run_guests(void *arg) {
    shared *s = arg;
    for (int i = s->first; i < s->first + s->count; i++) {
        guest g;
        make_guest(&g, i);
        wa_instance *inst;
        assert_int_equal(run_start(s->m, s->l, &g, &inst), WA_RUN_DONE);
        check_guest(&g);
        wa_instance_unref(inst);
        wa_wasi_free(g.wasi);
    }
    return NULL;
}

static void test_many_instances_one_linker(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = load(e, "args_env.wasm");
    wa_linker *l = wa_linker_new(e);
    wb_error err = {0};
    assert_int_equal(wa_wasi_link(l, &guest_resolver, &err), WB_OK);
    enum { N = 8 };
    guest g[N];
    wa_instance *inst[N];
    for (int i = 0; i < N; i++) make_guest(&g[i], i);
    /* All alive at once, run in reverse order of creation. */
    for (int i = N - 1; i >= 0; i--) assert_int_equal(run_start(m, l, &g[i], &inst[i]), WA_RUN_DONE);
    for (int i = 0; i < N; i++) {
        check_guest(&g[i]);
        wa_instance_unref(inst[i]);
        wa_wasi_free(g[i].wasi);
    }
    /* The same linker from two threads at once. */
    shared s1 = {m, l, 100, 10}, s2 = {m, l, 200, 10};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, run_guests, &s1), 0);
    assert_int_equal(pthread_create(&t2, NULL, run_guests, &s2), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    wa_linker_free(l);
    wa_module_unref(m);
    wa_engine_free(e);
}

/* Runs `prog` with cfg through wa_wasi_link(l, NULL): the instance's user
 * data is the context itself. */
static wa_run_status run_with(const char *prog, const wa_wasi_config *cfg, wa_wasi **w,
                              wa_trap *trap) {
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = load(e, prog);
    wa_linker *l = wa_linker_new(e);
    wb_error err = {0};
    assert_int_equal(wa_wasi_new(cfg, w, &err), WB_OK);
    assert_int_equal(wa_wasi_link(l, NULL, &err), WB_OK);
    wa_instance *inst;
    wa_run_status rs = run_start(m, l, *w, &inst);
    if (rs == WA_RUN_TRAP) *trap = *wa_instance_trap(inst);
    wa_instance_unref(inst);
    wa_linker_free(l);
    wa_module_unref(m);
    wa_engine_free(e);
    return rs;
}

static void test_stdin_buffer(void **state) {
    (void)state;
    wa_wasi_config cfg = {0};
    static const char input[] = "abc\nxyz";
    cfg.stdio[0] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_BUFFER, .input = (const uint8_t *)input,
                                   .input_len = sizeof input - 1};
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    wa_wasi *w;
    wa_trap trap;
    assert_int_equal(run_with("stdin_echo.wasm", &cfg, &w, &trap), WA_RUN_DONE);
    assert_output(w, 1, "ABC\nXYZlines=1 bytes=7\n");
    assert_false(wa_wasi_exited(w, NULL));
    wa_wasi_free(w);
}

typedef struct sink {
    char data[256];
    size_t len;
    int stream;
} sink;

static size_t sink_write(void *ud, int stream, const uint8_t *data, size_t len) {
    sink *s = ud;
    s->stream = stream;
    if (len > sizeof s->data - s->len) len = sizeof s->data - s->len;
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return len;
}

static void test_exit_and_callback(void **state) {
    (void)state;
    sink s = {0};
    const char *args[] = {"exit_code", "3"};
    wa_wasi_config cfg = {0};
    cfg.args = args;
    cfg.nargs = 2;
    cfg.stdio[1] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_CALLBACK, .write = sink_write, .write_ud = &s};
    wa_wasi *w;
    wa_trap trap;
    assert_int_equal(run_with("exit_code.wasm", &cfg, &w, &trap), WA_RUN_TRAP);
    assert_int_equal(trap.kind, WA_TRAP_EXIT);
    assert_int_equal(trap.exit_code, 3);
    int32_t code = -1;
    assert_true(wa_wasi_exited(w, &code));
    assert_int_equal(code, 3);
    assert_int_equal(s.stream, 1);
    assert_int_equal(s.len, strlen("before exit\n"));
    assert_memory_equal(s.data, "before exit\n", s.len);
    wa_wasi_free(w);
}

static void test_denied_functions(void **state) {
    (void)state;
    char dir[] = "/tmp/wactor-wasi-XXXXXX";
    assert_non_null(mkdtemp(dir));
    wa_wasi_preopen po = {dir, "/data", false};
    wa_wasi_config cfg = {0};
    cfg.preopens = &po;
    cfg.npreopens = 1;
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    cfg.deny = WA_WASI_BIT(WA_WASI_random_get) | WA_WASI_BIT(WA_WASI_path_open) |
               WA_WASI_BIT(WA_WASI_proc_exit); /* proc_exit cannot be denied */
    wa_wasi *w;
    wa_trap trap;
    assert_int_equal(run_with("deny.wasm", &cfg, &w, &trap), WA_RUN_DONE);
    assert_output(w, 1, "ok random_get denied\nok path_open denied\nok clock_time_get still granted\n");
    assert_int_equal(wa_wasi_denied_calls(w), 2);
    wa_wasi_free(w);
    rmdir(dir);
}

static void test_capture_limit(void **state) {
    (void)state;
    wa_wasi_config cfg = {0};
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    cfg.capture_max = 8; /* the program's first write is longer: ENOSPC, not a crash */
    wa_wasi *w;
    wa_trap trap;
    assert_int_equal(run_with("exit_code.wasm", &cfg, &w, &trap), WA_RUN_DONE);
    size_t len = 99;
    wa_wasi_output(w, 1, &len);
    assert_int_equal(len, 0);
    assert_null(wa_wasi_output(w, 0, &len)); /* stdin captures nothing */
    assert_int_equal(len, 0);
    wa_wasi_free(w);
}

static void test_link_single(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = load(e, "exit_code.wasm");
    wa_linker *l = wa_linker_new(e);
    wa_wasi_config cfg = {0};
    cfg.stdio[1].kind = WA_WASI_STDIO_BUFFER;
    wa_wasi *w;
    wb_error err = {0};
    assert_int_equal(wa_wasi_new(&cfg, &w, &err), WB_OK);
    assert_int_equal(wa_wasi_link_single(l, w, &err), WB_OK);
    /* Two instances in turn share the one context (and its captured output);
     * the user data is free for the embedder. */
    for (int i = 0; i < 2; i++) {
        wa_instance *inst;
        assert_int_equal(run_start(m, l, (void *)0x1234, &inst), WA_RUN_DONE);
        wa_instance_unref(inst);
    }
    assert_output(w, 1, "before exit\nbefore exit\n");
    wa_linker_free(l);
    wa_wasi_free(w);
    wa_module_unref(m);
    wa_engine_free(e);
}

static void test_no_context_traps(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = load(e, "args_env.wasm");
    wa_linker *l = wa_linker_new(e);
    wb_error err = {0};
    assert_int_equal(wa_wasi_link(l, NULL, &err), WB_OK);
    wa_instance *inst;
    assert_int_equal(run_start(m, l, NULL, &inst), WA_RUN_TRAP);
    const wa_trap *t = wa_instance_trap(inst);
    assert_int_equal(t->kind, WA_TRAP_HOST);
    assert_non_null(strstr(t->message, "without a WASI context"));
    wa_instance_unref(inst);
    /* Linking twice into one linker: the names are taken. */
    assert_int_equal(wa_wasi_link(l, NULL, &err), WB_EXISTS);
    wa_linker_free(l);
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_many_instances_one_linker),
        cmocka_unit_test(test_stdin_buffer),
        cmocka_unit_test(test_exit_and_callback),
        cmocka_unit_test(test_denied_functions),
        cmocka_unit_test(test_capture_limit),
        cmocka_unit_test(test_link_single),
        cmocka_unit_test(test_no_context_traps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
