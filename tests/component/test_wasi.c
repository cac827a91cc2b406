/* SPDX-License-Identifier: MIT */
/* WASI directory grants of components (component/wasi.c): a grant is used
 * whole, however long, with its ":ro" kept; one that cannot be used as
 * written fails the start with the reason, never gets cut to fit. */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

static harness T;
static char tmp[] = "/tmp/wactor-wasi-XXXXXX";

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(tmp)) return -1;
    harness_open(&T, 2);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    harness_close(&T);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* dir spelled with "/." steps to exactly len bytes (len >= strlen(dir)). */
static char *spelled_long(const char *dir, size_t len) {
    char *s = malloc(len + 1);
    assert_non_null(s);
    size_t n = (size_t)snprintf(s, len + 1, "%s", dir);
    while (n + 2 <= len) n += (size_t)snprintf(s + n, len + 1 - n, "/.");
    if (n < len) s[n++] = '/';
    s[n] = 0;
    return s;
}

/* Caps with every WASI function and one directory grant. */
static void caps_with_dir(wc_caps *c, const char *grant) {
    wc_caps_init(c);
    c->wasi = calloc(2, sizeof *c->wasi);
    c->dirs = calloc(2, sizeof *c->dirs);
    assert_non_null(c->wasi);
    assert_non_null(c->dirs);
    c->wasi[0] = strdup("#");
    c->dirs[0] = strdup(grant);
}

/* 504 bytes of host path and "::/data" fill 511: a 512-byte copy kept that
 * much and dropped the ":ro", so the guest could write. */
static void long_read_only_grant(void **state) {
    (void)state;
    char *host = spelled_long(tmp, 504);
    char *grant = malloc(strlen(host) + 16);
    assert_non_null(grant);
    sprintf(grant, "%s::/data:ro", host);
    wc_caps c;
    caps_with_dir(&c, grant);
    define_guest(&T, "filer-long-ro", "filer", &c);
    wc_caps_close(&c);
    char path[128];
    snprintf(path, sizeof path, "%s/r.txt", tmp);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("readable", f);
    fclose(f);
    wr_id id = spawn_ok(&T, "filer-long-ro", "filer-long-ro");
    char out[64];
    ask(&T, id, "read /data/r.txt", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "readable"); /* the grant is there, whole */
    ask(&T, id, "write /data/w.txt x", 5 * SEC, out, sizeof out);
    assert_string_equal(out, "err -76"); /* ENOTCAPABLE: read-only */
    snprintf(path, sizeof path, "%s/w.txt", tmp);
    assert_int_equal(access(path, F_OK), -1);
    free(grant);
    free(host);
}

/* A host path of PATH_MAX bytes or more cannot be opened as written: the
 * start fails and says so (a cut copy named some other directory). */
static void too_long_grant_refused(void **state) {
    (void)state;
    char *host = spelled_long(tmp, 5000);
    char *grant = malloc(strlen(host) + 16);
    assert_non_null(grant);
    sprintf(grant, "%s::/data", host);
    wc_caps c;
    caps_with_dir(&c, grant);
    define_guest(&T, "filer-too-long", "filer", &c);
    wc_caps_close(&c);
    wr_id id = 0;
    wb_error err;
    assert_int_not_equal(wc_spawn(T.host, "filer-too-long", "filer-too-long", &id, &err), WB_OK);
    if (!strstr(err.msg, "PATH_MAX")) fail_msg("spawn failed with \"%s\"", err.msg);
    free(grant);
    free(host);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_read_only_grant),
        cmocka_unit_test(too_long_grant_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
