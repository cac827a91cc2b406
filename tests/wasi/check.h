/* SPDX-License-Identifier: MIT */
/* Self-checking WASI test programs: each check prints "ok <what>" or
 * "FAIL <what> (errno ...)"; the expected stdout lists only ok lines. */
#ifndef WASI_TEST_CHECK_H
#define WASI_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

static void check(int ok, const char *what) {
    int e = errno;
    if (ok) {
        printf("ok %s\n", what);
    } else {
        printf("FAIL %s (errno %d: %s)\n", what, e, strerror(e));
        check_failures++;
    }
    errno = 0;
}

/* A call that must fail with errno `want`. */
static void check_errno(int failed, int want, const char *what) {
    int e = errno;
    if (failed && e == want) {
        printf("ok %s\n", what);
    } else {
        printf("FAIL %s (failed=%d errno %d, want %d)\n", what, failed, e, want);
        check_failures++;
    }
    errno = 0;
}

#endif
