/* SPDX-License-Identifier: MIT */
/* Clocks move forward and are plausible; random bytes differ. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static uint64_t ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(void) {
    uint64_t m0 = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 20 * 1000 * 1000}; /* 20 ms, through poll_oneoff */
    check(nanosleep(&req, NULL) == 0, "nanosleep 20ms");
    uint64_t m1 = ns(CLOCK_MONOTONIC);
    check(m1 > m0, "monotonic increases");
    /* Generous upper bound: CI machines under sanitizers are slow. */
    check(m1 - m0 >= 20000000u && m1 - m0 < 30000000000u, "slept at least 20ms");
    uint64_t rt = ns(CLOCK_REALTIME);
    check(rt > UINT64_C(1577836800) * 1000000000u && rt < UINT64_C(4102444800) * 1000000000u,
          "realtime between 2020 and 2100");
    check(time(NULL) > 1577836800, "time() plausible");
    struct timespec res;
    check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0),
          "monotonic resolution");
    check(ns(CLOCK_PROCESS_CPUTIME_ID) > 0, "process cputime");
    uint8_t a[32] = {0}, b[32] = {0}, z[32] = {0};
    check(getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0, "getentropy");
    check(memcmp(a, z, 32) != 0 && memcmp(a, b, 32) != 0, "random bytes differ");
    uint32_t r1 = arc4random(), r2 = arc4random(), r3 = arc4random();
    check(!(r1 == r2 && r2 == r3), "arc4random varies");
    return check_failures ? 1 : 0;
}
