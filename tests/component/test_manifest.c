/* SPDX-License-Identifier: MIT */
/* Manifest parsing: every field, defaults, and errors with line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <cmocka.h>

#include "wactor/component.h"

static const char full[] =
    "name: demo\n"
    "workers: 2\n"
    "duration: 10\n"
    "limits: {instances: 500, memory_bytes: 1073741824, fds: 900}\n"
    "topics: [metrics.cpu, jobs]\n"
    "supervisors:\n"
    "  - name: root\n"
    "    strategy: one_for_one\n"
    "    intensity: 3\n"
    "    period_ms: 5000\n"
    "  - name: pool\n"
    "    parent: root\n"
    "    strategy: rest_for_one\n"
    "components:\n"
    "  - name: worker\n"
    "    wasm: components/worker.wasm\n"
    "    instances: 3\n"
    "    supervisor: pool\n"
    "    restart: transient\n"
    "    shutdown_ms: 250\n"
    "    limits:\n"
    "      memory_pages: 64\n"
    "      fuel_per_message: 1000000\n"
    "      fuel_total: 50000000\n"
    "      fuel_slice: 5000\n"
    "      mailbox: 100\n"
    "      mailbox_policy: drop_oldest\n"
    "      max_payload: 65536\n"
    "      send_rate: 50\n"
    "      memory_bytes: 33554432\n"
    "      mailbox_bytes: 1048576\n"
    "      max_fds: 12\n"
    "      spawn_children: 5\n"
    "      spawn_total: 50\n"
    "    capabilities:\n"
    "      send: [aggregator, \"worker.*\"]\n"
    "      publish: metrics.#\n"
    "      subscribe: [jobs]\n"
    "      spawn: true\n"
    "      wasi: [fd_write]\n"
    "      dirs: [\"/tmp::/data:ro\"]\n"
    "    backoff: {initial_ms: 50, max_ms: 800, multiplier: 3, jitter: 0.2, reset_after_ms: 9000}\n"
    "    health: {interval_ms: 200, timeout_ms: 100, threshold: 2}\n"
    "  - name: aggregator\n"
    "    wasm: /abs/agg.wasm\n"
    "messages:\n"
    "  - to: worker\n"
    "    payload: start\n"
    "  - to: aggregator\n"
    "    codec: json\n"
    "    payload: '{\"n\": 1}'\n"
    "    after_ms: 100\n"
    "    every_ms: 1000\n";

static void parses_everything(void **state) {
    (void)state;
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_parse(full, strlen(full), "/apps", &m, &err), WB_OK);
    assert_string_equal(m->name, "demo");
    assert_int_equal(m->workers, 2);
    assert_int_equal(m->duration_s, 10);
    assert_string_equal(m->topics[1], "jobs");
    assert_null(m->topics[2]);
    assert_int_equal(m->nsupervisors, 2);
    assert_int_equal(m->supervisors[0].intensity, 3);
    assert_int_equal(m->supervisors[1].strategy, WC_REST_FOR_ONE);
    assert_string_equal(m->supervisors[1].parent, "root");
    assert_int_equal(m->supervisors[1].intensity, 5); /* default */
    assert_int_equal(m->ncomponents, 2);
    const wc_component_spec *w = wc_manifest_component(m, "worker");
    assert_non_null(w);
    assert_string_equal(w->wasm, "/apps/components/worker.wasm");
    assert_int_equal(w->instances, 3);
    assert_string_equal(w->supervisor, "pool");
    assert_int_equal(w->restart, WC_RESTART_TRANSIENT);
    assert_int_equal(w->shutdown_ms, 250);
    assert_int_equal(w->caps.limits.max_memory_pages, 64);
    assert_int_equal(w->caps.limits.fuel_per_message, 1000000);
    assert_int_equal(w->caps.limits.fuel_total, 50000000);
    assert_int_equal(w->caps.limits.fuel_slice, 5000);
    assert_int_equal(w->caps.limits.mailbox_capacity, 100);
    assert_int_equal(w->caps.limits.mailbox_policy, WC_MAILBOX_DROP_OLDEST);
    assert_int_equal(w->caps.limits.max_payload, 65536);
    assert_int_equal(w->caps.limits.send_rate, 50);
    assert_int_equal(w->caps.limits.send_burst, 50);
    assert_int_equal(w->caps.limits.max_memory_bytes, 33554432);
    assert_int_equal(w->caps.limits.mailbox_bytes, 1048576);
    assert_int_equal(w->caps.limits.max_fds, 12);
    assert_int_equal(w->caps.limits.spawn_children, 5);
    assert_int_equal(w->caps.limits.spawn_total, 50);
    assert_int_equal(m->max_instances, 500);
    assert_int_equal(m->max_memory_bytes, 1073741824ull);
    assert_int_equal(m->max_fds, 900);
    /* the defaults of what this manifest leaves out */
    const wc_component_spec *agg = wc_manifest_component(m, "aggregator");
    assert_int_equal(agg->caps.limits.mailbox_capacity, 10000);
    assert_int_equal(agg->caps.limits.mailbox_bytes, 16u << 20);
    assert_int_equal(agg->caps.limits.max_fds, 256);
    assert_int_equal(agg->caps.limits.spawn_children, 64);
    assert_int_equal(agg->caps.limits.max_memory_bytes, 256ull * 65536 + (16u << 20));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SEND, "worker.2"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SEND, "aggregator"));
    assert_false(wc_caps_permits(&w->caps, WC_CAP_SEND, "producer"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_PUBLISH, "metrics.cpu"));
    assert_true(wc_caps_permits(&w->caps, WC_CAP_SUBSCRIBE, "jobs"));
    assert_true(w->caps.spawn);
    assert_true(wc_caps_wasi_granted(&w->caps, "fd_write"));
    assert_false(wc_caps_wasi_granted(&w->caps, "path_open"));
    assert_string_equal(w->caps.dirs[0], "/tmp::/data:ro");
    assert_int_equal(w->backoff.initial_ms, 50);
    assert_int_equal(w->backoff.max_ms, 800);
    assert_true(w->backoff.multiplier == 3.0);
    assert_true(w->backoff.jitter > 0.19 && w->backoff.jitter < 0.21);
    assert_int_equal(w->backoff.reset_after_ms, 9000);
    assert_int_equal(w->health.interval_ms, 200);
    assert_int_equal(w->health.threshold, 2);
    const wc_component_spec *a = wc_manifest_component(m, "aggregator");
    assert_string_equal(a->wasm, "/abs/agg.wasm");
    assert_int_equal(a->instances, 1);
    assert_int_equal(a->restart, WC_RESTART_PERMANENT);
    assert_false(a->caps.spawn);
    assert_null(a->caps.send);
    assert_int_equal(a->caps.limits.max_memory_pages, 256);
    assert_null(wc_manifest_component(m, "nobody"));
    assert_int_equal(m->nmessages, 2);
    assert_string_equal(m->messages[0].to, "worker");
    assert_int_equal(m->messages[0].payload->len, 6); /* 0x55 + "start" */
    assert_int_equal(m->messages[0].payload->data[0], 0x55);
    assert_int_equal(m->messages[1].payload->data[0], 0x80);
    assert_int_equal(m->messages[1].every_ms, 1000);
    wc_manifest_free(m);
}

/* Parses src, expects failure with `needle` in the message, which names
 * the line like every manifest error. */
static void expect_error(const char *src, const char *needle) {
    wc_manifest *m = (wc_manifest *)1;
    wb_error err;
    wb_error_clear(&err);
    wb_status st = wc_manifest_parse(src, strlen(src), NULL, &m, &err);
    if (st == WB_OK || !strstr(err.msg, needle) || strncmp(err.msg, "manifest line ", 14))
        fail_msg("for %s: status %s, message \"%s\", expected \"manifest line N: ...%s\"", src,
                 wb_status_name(st), err.msg, needle);
    assert_null(m);
}

static void expect_ok(const char *src) {
    wc_manifest *m = NULL;
    wb_error err;
    if (wc_manifest_parse(src, strlen(src), NULL, &m, &err) != WB_OK) fail_msg("for %s: %s", src, err.msg);
    wc_manifest_free(m);
}

/* A string of n copies of c (owner: caller, free()). */
static char *repeat(char c, size_t n) {
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

/* printf into a new string (owner: caller, free()). */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void errors(void **state) {
    (void)state;
    expect_error("name: x\ncolour: red\n", "line 2: unknown key \"colour\"");
    expect_error("components:\n  - name: a\n", "line 2: component 0 needs \"name\" and \"wasm\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm}\n  - {name: a, wasm: b.wasm}\n",
                 "line 3: duplicate component \"a\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm, restart: sometimes}\n",
                 "unknown value \"sometimes\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm, instances: -1}\n", "non-negative");
    expect_error("components:\n  - {name: a, wasm: a.wasm, instances: 0}\n", "instances");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities: {send: [\"a.#.b\"]}\n",
                 "line 4");
    expect_error("components:\n  - {name: a, wasm: a.wasm, supervisor: nope}\n",
                 "line 2: component \"a\": unknown supervisor \"nope\"");
    expect_error("supervisors:\n  - {name: s, parent: t}\n", "line 2: supervisor \"s\": unknown parent");
    expect_error("supervisors:\n  - {name: s}\n  - name: s\n", "line 3: duplicate supervisor \"s\"");
    expect_error("messages:\n  - {to: a, codec: json, payload: '{bad'}\n", "does not parse");
    expect_error("messages:\n  - {to: a, codec: xml}\n", "unknown codec");
    expect_error("workers: [1\n", "line");
    expect_error("", "line 1: empty manifest");
    expect_error("- a\n- b\n", "expected a mapping");
    expect_error("components:\n  - {name: a, wasm: a.wasm, backoff: {jitter: 2}}\n", "jitter");
    /* Declared topics: plain topics, and every publish/subscribe grant names one. */
    expect_error("topics:\n  - jobs\n  - \"a.*\"\n", "line 3: topic \"a.*\": declared topics have no wildcards");
    expect_error("topics: [jobs]\ncomponents:\n  - name: a\n    wasm: a.wasm\n"
                 "    capabilities: {publish: [metrics.cpu]}\n",
                 "line 5: component \"a\": publish \"metrics.cpu\" matches no declared topic");
    expect_error("topics: [jobs, metrics.cpu]\ncomponents:\n  - name: a\n    wasm: a.wasm\n"
                 "    capabilities:\n      publish: [\"metrics.#\"]\n      subscribe:\n"
                 "        - jobs\n        - \"job.*\"\n",
                 "line 9: component \"a\": subscribe \"job.*\" matches no declared topic");
    /* Keys are unique: a second `components` would mix two lists. */
    expect_error("components: []\nname: x\ncomponents: []\n", "line 3: duplicate key \"components\"");
    expect_error("components:\n  - {name: a, wasm: a.wasm, name: b}\n", "line 2: duplicate key \"name\"");
}

/* A parent chain that loops would leave its supervisors unreachable from
 * the root (and overflowed the stack of the app's walk). */
static void parent_cycles(void **state) {
    (void)state;
    expect_error("supervisors:\n  - {name: top}\n  - name: a\n    parent: a\n",
                 "line 4: supervisor \"a\": parent chain forms a cycle (a -> a)");
    expect_error("supervisors:\n  - {name: a, parent: b}\n  - {name: b, parent: a}\n"
                 "components:\n  - {name: c, wasm: c.wasm, supervisor: a}\n",
                 "line 2: supervisor \"a\": parent chain forms a cycle (a -> b -> a)");
    expect_error("supervisors:\n  - {name: top}\n  - {name: x, parent: top}\n"
                 "  - {name: a, parent: c}\n  - {name: b, parent: a}\n  - {name: c, parent: b}\n",
                 "parent chain forms a cycle (a -> c -> b -> a)");
    expect_error("supervisors:\n  - {name: a, parent: b}\n  - {name: b, parent: c}\n"
                 "  - {name: c, parent: d}\n  - {name: d, parent: e}\n  - {name: e, parent: a}\n",
                 "(a -> b -> c -> ...)");
    /* A deep chain is no cycle, and is checked without recursion. */
    size_t n = 20000;
    char *text = malloc(n * 48 + 64);
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "supervisors:\n  - {name: s0}\n");
    for (size_t i = 1; i < n; i++) len += (size_t)sprintf(text + len, "  - {name: s%zu, parent: s%zu}\n", i, i - 1);
    expect_ok(text);
    free(text);
}

/* Counts, names and paths have documented limits (docs/ABI.md); a value
 * over one is refused at load, with its line. */
static void limits(void **state) {
    (void)state;
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    instances: 4294967295\n",
                 "line 4: instances must be 1..100000");
    expect_error("components:\n  - {name: a, wasm: a.wasm, instances: 100001}\n", "line 2: instances must be 1..100000");
    expect_ok("components:\n  - {name: a, wasm: a.wasm, instances: 100000}\n");
    expect_error("workers: 5000\n", "line 1: workers must be 0..1024");
    expect_error("supervisors:\n  - name: s\n    intensity: 4294967295\n", "line 3: intensity must be 0..100000");
    /* Numbers: no sign hidden behind a blank, no nan or infinity. */
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    limits: {fuel_total: \" -1\"}\n",
                 "line 4: expected a non-negative integer");
    expect_error("components:\n  - {name: a, wasm: a.wasm, backoff: {multiplier: .nan}}\n", "line 2: expected a finite");
    expect_error("components:\n  - {name: a, wasm: a.wasm, backoff: {multiplier: 1e999}}\n", "line 2: expected a finite");
    /* Names: at most WC_NAME_MAX bytes, the instance suffix included. */
    char *n47 = repeat('n', WC_NAME_MAX), *n48 = repeat('n', WC_NAME_MAX + 1), *n45 = repeat('n', WC_NAME_MAX - 2);
    char *t = format("components:\n  - {name: %s, wasm: a.wasm}\n", n47);
    expect_ok(t);
    free(t);
    t = format("components:\n  - {name: %s, wasm: a.wasm}\n", n48);
    expect_error(t, "line 2: a component name must be 1..47 bytes (this one has 48)");
    free(t);
    t = format("components:\n  - {name: %s, wasm: a.wasm, instances: 10}\n", n45); /* n45.9: 47 */
    expect_ok(t);
    free(t);
    t = format("components:\n  - {name: %s, wasm: a.wasm, instances: 11}\n", n45); /* n45.10: 48 */
    expect_error(t, "must be at most 47 bytes");
    free(t);
    t = format("supervisors:\n  - name: %s\n", n48);
    expect_error(t, "line 2: a supervisor name must be 1..47 bytes");
    free(t);
    expect_error("components:\n  - {name: \"\", wasm: a.wasm}\n", "line 2: a component name must be 1..47");
    free(n47);
    free(n48);
    free(n45);
    /* An instance's name is nobody else's. */
    expect_error("components:\n  - {name: w, wasm: a.wasm, instances: 2}\n  - {name: w.1, wasm: a.wasm}\n",
                 "line 3: component \"w.1\": the name of instance 1 of component \"w\"");
    expect_ok("components:\n  - {name: w, wasm: a.wasm, instances: 2}\n  - {name: w.2, wasm: a.wasm}\n"
              "  - {name: w.01, wasm: a.wasm}\n  - {name: v.0, wasm: a.wasm}\n");
    /* wasm: a path under PATH_MAX, also once joined to the manifest's directory. */
    char *long_path = repeat('p', 4096);
    t = format("components:\n  - name: a\n    wasm: %s\n", long_path);
    expect_error(t, "line 3: a wasm path must be 1..4095 bytes");
    free(t);
    t = format("components:\n  - name: a\n    wasm: %.4000s\n", long_path);
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_parse(t, strlen(t), "/a/directory/of/more/than/ninety-six/bytes/"
                                       "..........................................................",
                                       &m, &err), WB_INVALID_ARG);
    assert_non_null(strstr(err.msg, "manifest line 3: component \"a\": the wasm path"));
    free(t);
    free(long_path);
}

/* dirs: each entry parses as WASI will read it, whole, with :ro kept. */
static void dirs(void **state) {
    (void)state;
    /* a long path to a directory that exists: /tmp/././... (600 bytes) */
    char *dots = malloc(597);
    for (int i = 0; i < 596; i += 2) dots[i] = '/', dots[i + 1] = '.';
    dots[596] = 0;
    char *host = format("tmp%s", dots);
    free(dots);
    char *t = format("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n"
                     "      dirs: [\"/%s::/data:ro\"]\n", host);
    wc_manifest *m = NULL;
    wb_error err;
    if (wc_manifest_parse(t, strlen(t), NULL, &m, &err) != WB_OK) fail_msg("%s", err.msg);
    wc_dir d;
    assert_int_equal(wc_dir_parse(m->components[0].caps.dirs[0], &d, &err), WB_OK);
    assert_true(d.read_only);
    assert_int_equal(strlen(d.host), 600);
    assert_string_equal(d.guest, "/data");
    wc_dir_close(&d);
    wc_manifest_free(m);
    free(t);
    free(host);
    host = repeat('d', 4096); /* with the leading slash: PATH_MAX + 1 bytes */
    t = format("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      dirs:\n"
               "        - /tmp\n        - \"/%s::/data:ro\"\n", host);
    expect_error(t, "line 7: directory grant \"/ddd");
    expect_error(t, "a path of PATH_MAX bytes or more");
    free(t);
    free(host);
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities: {dirs: [\"::/x\"]}\n",
                 "line 4: directory grant \"::/x\": no host path");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities: {dirs: [\"/x:::ro\"]}\n",
                 "no guest path");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      dirs: [a, b, c, d, e, f, g, "
                 "h, i, j, k, l, m, n, o, p, q]\n",
                 "line 5: more than 16 entries");
}

static void load_file(void **state) {
    (void)state;
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_load("/nonexistent/app.yaml", &m, &err), WB_IO);
    assert_null(m);
    char path[] = "/tmp/wactor-manifest-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "components:\n  - {name: e, wasm: e.wasm}\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(wc_manifest_load(path, &m, &err), WB_OK);
    assert_string_equal(m->components[0].wasm, "/tmp/e.wasm");
    wc_manifest_free(m);
    unlink(path);
}

/* Everything the manifest names resolves at load, with the line: message
 * targets, send grants, WASI function names, directories (relative to the
 * manifest, like wasm). */
static void references_fail_fast(void **state) {
    (void)state;
    expect_error("components:\n  - {name: a, wasm: a.wasm}\nmessages:\n  - {to: b, payload: x}\n",
                 "line 4: message to \"b\": no such component");
    expect_ok("components:\n  - {name: w, wasm: a.wasm, instances: 2}\nmessages:\n"
              "  - {to: w, payload: x}\n  - {to: w.1, payload: x}\n");
    expect_error("components:\n  - {name: w, wasm: a.wasm, instances: 2}\nmessages:\n  - {to: w.2, payload: x}\n",
                 "line 4: message to \"w.2\"");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      send: [a, agregator]\n",
                 "line 5: component \"a\": send \"agregator\" matches no component");
    expect_ok("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n"
              "      send: [\"a.#\", \"a/kv#*\", \"#\"]\n");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      wasi: [fd_write, fd_wirte]\n",
                 "line 5: component \"a\": wasi \"fd_wirte\" is no WASI function");
    expect_ok("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      wasi: [\"#\", fd_read]\n");
    expect_error("components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      dirs: [/no/such/dir]\n",
                 "line 5: component \"a\": dirs: \"/no/such/dir\" is not a directory");
    /* relative to the manifest's directory */
    const char *t = "components:\n  - name: a\n    wasm: a.wasm\n    capabilities:\n      dirs: [\"tmp::/t:ro\"]\n";
    wc_manifest *m = NULL;
    wb_error err;
    assert_int_equal(wc_manifest_parse(t, strlen(t), "/", &m, &err), WB_OK);
    assert_string_equal(m->components[0].caps.dirs[0], "//tmp::/t:ro");
    wc_manifest_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_everything),
        cmocka_unit_test(errors),
        cmocka_unit_test(parent_cycles),
        cmocka_unit_test(limits),
        cmocka_unit_test(dirs),
        cmocka_unit_test(references_fail_fast),
        cmocka_unit_test(load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
