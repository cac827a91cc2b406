/* SPDX-License-Identifier: MIT */
/* Modules across threads: one engine loading on many threads at once, and
 * one module shared by reference (ref/unref/inspect race-free).
 * Also runs under ThreadSanitizer. */
// ctest-label: concurrency
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/wasm.h"
#include "wasm/wasm_build.h"

enum { THREADS = 4, ROUNDS = 200 };

typedef struct shared {
    wa_engine *engine;
    const tb *bytes;
    wa_module *module; /* one reference per thread, taken before start */
    uint64_t hash;
} shared;

typedef struct worker {
    shared *s;
    int failures;
} worker;

static void build_small(tb *b) {
    tb s = {0};
    tb_header(b);
    tb_u32(&s, 1), tb_functype(&s, "ii:i"), tb_section(b, 1, &s);
    tb_u32(&s, 1), tb_u32(&s, 0), tb_section(b, 3, &s);
    tb_u32(&s, 1), tb_name(&s, "add"), tb_byte(&s, 0), tb_u32(&s, 0), tb_section(b, 7, &s);
    tb_u32(&s, 1), tb_bytes(&s, "\x07\x00\x20\x00\x20\x01\x6a\x0b", 8), tb_section(b, 10, &s);
    tb_free(&s);
}

static void *worker_main(void *arg) {
    worker *w = arg;
    shared *s = w->s;
    for (int i = 0; i < ROUNDS; i++) {
        wa_module *m = NULL;
        wb_error err = {0};
        if (wa_module_new(s->engine, s->bytes->p, s->bytes->len, &m, &err) != WB_OK) {
            w->failures++;
            continue;
        }
        if (wa_module_hash(m) != s->hash) w->failures++;
        wa_module_unref(m);
        /* the shared module: take and drop extra references while reading */
        wa_module *r = wa_module_ref(s->module);
        wa_export_info ex = wa_module_export(r, 0);
        if (ex.func.nparams != 2 || strcmp(ex.name.str, "add") != 0) w->failures++;
        wa_module_unref(r);
    }
    wa_module_unref(s->module); /* the reference main took for this thread */
    return NULL;
}

static void shared_across_threads(void **state) {
    (void)state;
    tb b = {0};
    build_small(&b);
    shared s = {0};
    s.engine = wa_engine_new(NULL);
    s.bytes = &b;
    wb_error err = {0};
    assert_int_equal(wa_module_new(s.engine, b.p, b.len, &s.module, &err), WB_OK);
    s.hash = wa_module_hash(s.module);
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){&s, 0};
        wa_module_ref(s.module);
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    /* only main's reference is left: the module is still readable */
    assert_int_equal(wa_module_export_count(s.module), 1);
    wa_module_unref(s.module);
    wa_engine_free(s.engine);
    tb_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_across_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
