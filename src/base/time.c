/* SPDX-License-Identifier: MIT */
/* Monotonic and wall clocks in nanoseconds. */
#include "wactor/base.h"

#include <errno.h>
#include <time.h>

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t wb_now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t wb_wall_ns(void) { return clock_ns(CLOCK_REALTIME); }

void wb_sleep_ns(uint64_t ns) {
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
