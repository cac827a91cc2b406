/* SPDX-License-Identifier: MIT */
/* A manifest component of several instances answers to its base name: the
 * app's messages to "w" and a component's lookup of "w" go round-robin over
 * w.0, w.1, w.2 (those registered), and a grant on "w.*" covers it. */
// ctest-label: concurrency
#include "harness.h"

static const char manifest_fmt[] =
    "name: group-app\n"
    "components:\n"
    "  - {name: w, wasm: %s/component/echo.wasm, instances: 3}\n"
    "  - name: caller\n"
    "    wasm: %s/component/client.wasm\n"
    "    capabilities: {send: [\"w.*\"]}\n"
    "messages:\n"
    "  - {to: w, payload: tick, every_ms: 10}\n";

static void base_name_round_robin(void **state) {
    (void)state;
    harness T;
    harness_open(&T, 2);
    char text[sizeof manifest_fmt + 2 * 512];
    const char *d = WACTOR_TEST_DATA;
    snprintf(text, sizeof text, manifest_fmt, d, d);
    wb_error err;
    wc_manifest *m = NULL;
    wc_app *app = NULL;
    if (wc_manifest_parse(text, strlen(text), NULL, &m, &err) != WB_OK) fail_msg("%s", err.msg);
    if (wc_app_start(T.host, m, &app, &err) != WB_OK) fail_msg("%s", err.msg);
    wr_id caller = wait_ready(&T, "caller");
    assert_true(caller);
    /* the app's periodic message to "w" reaches every instance in turn */
    const char *names[3] = {"w.0", "w.1", "w.2"};
    for (int i = 0; i < 3; i++) {
        wc_info info = {0};
        for (int k = 0; k < 5000; k++) {
            wc_info_get(T.host, names[i], &info);
            if (info.messages >= 2) break;
            wb_sleep_ns(MS);
        }
        if (info.messages < 2) fail_msg("%s got %llu messages", names[i], (unsigned long long)info.messages);
    }
    /* a component's request to "w": answered (by one of them), twice by different ones */
    char out[128];
    assert_true(ask(&T, caller, "request w 5000 hello", 5 * SEC, out, sizeof out));
    assert_string_equal(out, "hello");
    wr_id first = wc_host_lookup(T.host, "w", NULL), second = wc_host_lookup(T.host, "w", NULL);
    assert_true(first && second && first != second);
    assert_int_equal(wc_host_lookup(T.host, "no-such-group", NULL), 0);
    wc_app_stop(app);
    wr_system_shutdown(T.sys, 5 * SEC);
    wc_app_free(app);
    wc_manifest_free(m);
    harness_close(&T);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(base_name_round_robin)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
