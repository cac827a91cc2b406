/* SPDX-License-Identifier: MIT */
/* Health checks do not wait for each other: while one component's health
 * export spins (its check waits out a 3 s timeout), the other components
 * are checked on time and the application's periodic messages keep coming. */
// ctest-label: concurrency
#include "harness.h"

static const char manifest_fmt[] =
    "name: health-app\n"
    "components:\n"
    "  - name: spinner\n"
    "    wasm: %s/component/spin_health.wasm\n"
    "    health: {interval_ms: 50, timeout_ms: 3000, threshold: 100}\n"
    "  - name: fine\n"
    "    wasm: %s/component/counter.wasm\n"
    "    health: {interval_ms: 40, timeout_ms: 500, threshold: 3}\n"
    "  - name: fed\n"
    "    wasm: %s/component/counter.wasm\n"
    "messages:\n"
    "  - {to: fed, payload: tick, every_ms: 20}\n";

static void checks_do_not_serialise(void **state) {
    (void)state;
    harness T;
    harness_open(&T, 2);
    char text[sizeof manifest_fmt + 3 * 512];
    const char *d = WACTOR_TEST_DATA;
    snprintf(text, sizeof text, manifest_fmt, d, d, d);
    wb_error err;
    wc_manifest *m = NULL;
    wc_app *app = NULL;
    if (wc_manifest_parse(text, strlen(text), NULL, &m, &err) != WB_OK) fail_msg("%s", err.msg);
    if (wc_app_start(T.host, m, &app, &err) != WB_OK) fail_msg("%s", err.msg);
    assert_true(wait_ready(&T, "spinner") && wait_ready(&T, "fine") && wait_ready(&T, "fed"));
    wb_sleep_ns(200 * MS); /* the spinner's first check is in flight by now */
    wc_app_stats s0, s1;
    wc_info f0, f1;
    wc_app_stats_get(app, &s0);
    wc_info_get(T.host, "fed", &f0);
    wb_sleep_ns(1000 * MS);
    wc_app_stats_get(app, &s1);
    wc_info_get(T.host, "fed", &f1);
    /* "fine" is asked every 40 ms and "fed" gets a message every 20 ms: a
     * driver stuck in the spinner's 3 s check would show neither */
    if (s1.health_checks - s0.health_checks < 10 || f1.messages - f0.messages < 20)
        fail_msg("in 1 s: %llu health checks, %llu messages",
                 (unsigned long long)(s1.health_checks - s0.health_checks),
                 (unsigned long long)(f1.messages - f0.messages));
    wc_app_stop(app);
    wr_system_shutdown(T.sys, 5 * SEC);
    wc_app_free(app);
    wc_manifest_free(m);
    harness_close(&T);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(checks_do_not_serialise)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
