/* SPDX-License-Identifier: MIT */
/* Hostile test guest: tries to hold its worker or exhaust the node, on
 * command. Commands that succeed in waiting never answer; the others
 * answer with what they got:
 *   sleep_max / sleep_near  poll_oneoff on a clock of 2^64-1 / 2^64-2 ns
 *   fifo PATH               opens a FIFO and reads it (no writer comes)
 *   fds DIR                 opens files in DIR until refused: "N errno"
 *   flood N                 sends itself N messages of 60000 bytes:
 *                           "ok-count first-error-code"
 *   spawn DEF N             spawns N instances of DEF: "ok-count first-error"
 *   spin                    loops for ever (fuel slices it) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "guest_util.h"

static void sleep_clock(uint64_t t) {
    __wasi_subscription_t sub = {0};
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = t;
    __wasi_event_t ev;
    __wasi_size_t n;
    (void)!__wasi_poll_oneoff(&sub, &ev, 1, &n);
}

static int32_t two(int64_t sender, int32_t kind, int64_t corr, int64_t a, int64_t b) {
    char t[64];
    int32_t n = 0;
    guest_itoa(t, &n, a);
    t[n++] = ' ';
    guest_itoa(t, &n, b);
    return guest_answer(sender, kind, corr, t, n);
}

static uint8_t big[60000];

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    char *s = g_msg;
    char *cmd = guest_word(&s);
    if (!strcmp(cmd, "sleep_max")) sleep_clock(UINT64_MAX);
    else if (!strcmp(cmd, "sleep_near")) sleep_clock(UINT64_MAX - 1);
    else if (!strcmp(cmd, "spin")) {
        for (volatile int i = 0;; i++) {
        }
    } else if (!strcmp(cmd, "fifo")) {
        int fd = open(guest_word(&s), O_RDONLY);
        if (fd < 0) return two(sender, kind, corr, -1, errno) < 0;
        char buf[16];
        ssize_t n = read(fd, buf, sizeof buf);
        return two(sender, kind, corr, n, n < 0 ? errno : 0) < 0;
    } else if (!strcmp(cmd, "fds")) {
        char *dir = guest_word(&s);
        int count = 0;
        for (;;) {
            char path[128];
            snprintf(path, sizeof path, "%s/f%d", dir, count);
            if (open(path, O_CREAT | O_WRONLY, 0644) < 0) return two(sender, kind, corr, count, errno) < 0;
            count++;
        }
    } else if (!strcmp(cmd, "flood")) {
        int32_t n = guest_atoi(guest_word(&s)), ok = 0, first = 0;
        big[0] = WACTOR_CODEC_RAW;
        for (int32_t i = 0; i < n; i++) {
            int32_t r = wactor_send(wactor_self(), big, (int32_t)sizeof big);
            if (r == 0) ok++;
            else if (!first) first = r;
        }
        return two(sender, kind, corr, ok, first) < 0;
    } else if (!strcmp(cmd, "spawn")) {
        char *def = guest_word(&s);
        int32_t n = guest_atoi(guest_word(&s)), ok = 0;
        int64_t first = 0;
        for (int32_t i = 0; i < n; i++) {
            int64_t r = wactor_spawn(def, (int32_t)strlen(def));
            if (r > 0) ok++;
            else if (!first) first = r;
        }
        return two(sender, kind, corr, ok, first) < 0;
    }
    if (!strcmp(cmd, "ping")) return guest_answer(sender, kind, corr, "pong", 4) < 0;
    return 0;
}
