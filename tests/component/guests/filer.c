/* SPDX-License-Identifier: MIT */
/* Test guest using WASI through wasi-libc: "write PATH TEXT" creates a file,
 * "read PATH" answers its content; failures answer "err ERRNO". "sleep MS"
 * sleeps (nanosleep: poll_oneoff on a clock) and answers "slept N end E": the
 * milliseconds the monotonic clock moved meanwhile, and its reading after. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    if (guest_starts(cmd, "sleep")) {
        long ms = strtol(guest_word(&s), NULL, 10);
        struct timespec t0, t1, d = {ms / 1000, (ms % 1000) * 1000000L};
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (nanosleep(&d, NULL) != 0) return guest_status(sender, kind, corr, -errno) < 0;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long long took = (t1.tv_sec - t0.tv_sec) * 1000LL + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        char out[32];
        long long end = t1.tv_sec * 1000LL + t1.tv_nsec / 1000000;
        int n = snprintf(out, sizeof out, "slept %lld end %lld", took, end);
        return guest_answer(sender, kind, corr, out, n) < 0;
    }
    return guest_status(sender, kind, corr, WACTOR_INVALID) < 0;
}
