/* SPDX-License-Identifier: MIT */
/* Test guest using WASI through wasi-libc: "write PATH TEXT" creates a file,
 * "read PATH" answers its content; failures answer "err ERRNO". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest_util.h"

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    char *s = g_msg;
    char *cmd = guest_word(&s);
    if (guest_starts(cmd, "write")) {
        char *path = guest_word(&s);
        FILE *f = fopen(path, "w");
        if (!f) return guest_status(sender, kind, corr, -errno) < 0;
        fputs(s, f);
        int bad = fclose(f) != 0;
        return guest_status(sender, kind, corr, bad ? -errno : 0) < 0;
    }
    if (guest_starts(cmd, "read")) {
        FILE *f = fopen(guest_word(&s), "r");
        if (!f) return guest_status(sender, kind, corr, -errno) < 0;
        char buf[256];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        return guest_answer(sender, kind, corr, buf, (int32_t)n) < 0;
    }
    return guest_status(sender, kind, corr, WACTOR_INVALID) < 0;
}
