/* SPDX-License-Identifier: MIT */
/* Test guest with a slow start: init spins for many fuel slices, then
 * sleeps 300 ms (nanosleep: a WASI wait), then the component answers
 * "started N ms" - the time init took. */
#include <time.h>

#include "guest_util.h"

static int64_t g_took_ms;

WACTOR_EXPORT("init")
int32_t init(void) {
    int64_t t0 = wactor_now_ns();
    volatile uint32_t x = 0;
    for (uint32_t i = 0; i < 3000000; i++) x += i;
    struct timespec d = {0, 300 * 1000000L};
    nanosleep(&d, NULL);
    g_took_ms = (wactor_now_ns() - t0) / 1000000;
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    char t[40];
    int32_t n = 0;
    guest_cat(t, &n, "started ");
    guest_itoa(t, &n, g_took_ms);
    guest_cat(t, &n, " ms");
    return guest_answer(sender, kind, corr, t, n) < 0;
}
