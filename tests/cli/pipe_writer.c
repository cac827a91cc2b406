/* SPDX-License-Identifier: MIT */
/* A WASI program that writes to stdout until a write fails: exits 42 when
 * it failed with EPIPE (the reader went away), 3 on any other error, and 4
 * when 64 MiB went through without an error. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 1024; i++) {
        if (write(1, buf, sizeof buf) < 0) {
            int e = errno;
            fprintf(stderr, "write failed: errno %d (%s)\n", e, strerror(e));
            return e == EPIPE ? 42 : 3;
        }
    }
    return 4;
}
