/* SPDX-License-Identifier: MIT */
/* wc_app_start when one of the app's own allocations fails: the Nth, for
 * every N until the start succeeds. Each failure must be a clean WB_NOMEM,
 * with nothing dereferenced and nothing leaked (LeakSanitizer checks at
 * exit). app.c is compiled into this test with its malloc and calloc routed
 * through a counter; the host, engine and runtime are the real ones. */
#include "harness.h"

static long nomem_left = -1; /* allocations of app.c before one fails; -1: none fails */
static bool nomem_hit;       /* the armed failure happened */

static bool nomem_take(void) {
    if (nomem_left < 0) return true;
    if (nomem_left-- > 0) return true;
    nomem_hit = true;
    return false;
}
static void *nomem_malloc(size_t n) { return nomem_take() ? malloc(n) : NULL; }
static void *nomem_calloc(size_t n, size_t size) { return nomem_take() ? calloc(n, size) : NULL; }

/* The system headers are in already, so only app.c's own calls change. */
#define malloc nomem_malloc
#define calloc nomem_calloc
#include "component/app.c"
#undef malloc
#undef calloc

static const char manifest_fmt[] =
    "supervisors:\n"
    "  - {name: top}\n"
    "  - {name: pool, parent: top, strategy: one_for_all}\n"
    "components:\n"
    "  - {name: many, wasm: %s, instances: 3, supervisor: pool}\n"
    "  - {name: one, wasm: %s}\n"
    "messages:\n"
    "  - {to: one, payload: hi}\n";

static void each_allocation_fails_cleanly(void **state) {
    (void)state;
    char wasm[512], text[2048];
    guest_path(wasm, sizeof wasm, "tiny");
    snprintf(text, sizeof text, manifest_fmt, wasm, wasm);
    wc_manifest *m = NULL;
    wb_error err;
    if (wc_manifest_parse(text, strlen(text), NULL, &m, &err) != WB_OK) fail_msg("%s", err.msg);
    long n = 0;
    for (;; n++) {
        assert_true(n < 1000);
        harness h;
        harness_open(&h, 1);
        wc_app *app = (wc_app *)1;
        nomem_left = n;
        nomem_hit = false;
        wb_status st = wc_app_start(h.host, m, &app, &err);
        nomem_left = -1;
        if (!nomem_hit) { /* n is past the last allocation: the start went through */
            assert_int_equal(st, WB_OK);
            assert_non_null(wait_ready(&h, "many.2"));
            /* The history walk allocates its path too. */
            wr_restart_entry hist[4];
            size_t count = 0;
            nomem_left = 0;
            assert_int_equal(wc_app_history(app, "many.2", hist, 4, &count), WB_NOMEM);
            nomem_left = -1;
            assert_int_equal(wc_app_history(app, "many.2", hist, 4, &count), WB_OK);
            wc_app_stop(app);
            wr_system_shutdown(h.sys, 5 * SEC);
            wc_app_free(app);
            harness_close(&h);
            break;
        }
        if (st != WB_NOMEM || !strstr(err.msg, "out of memory"))
            fail_msg("allocation %ld failed: %s \"%s\", expected NOMEM", n, wb_status_name(st), err.msg);
        assert_null(app);
        harness_close(&h);
    }
    /* app, supervisors, their index and scratch, instances and their names,
     * children lists, message times: the loop went through all of them. */
    assert_true(n >= 12);
    wc_manifest_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_allocation_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
