/* SPDX-License-Identifier: MIT */
/* Randomness: the OS source for WASI and seeds, a per-thread PRNG for jitter. */
#include "wactor/base.h"

#include <errno.h>
#include <sys/random.h>

wb_status wb_random_fill(void *buf, size_t len) {
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return WB_IO;
        }
        p += n;
        len -= (size_t)n;
    }
    return WB_OK;
}

static _Thread_local uint64_t rng_state;

uint64_t wb_random_u64(void) {
    if (rng_state == 0) {
        if (wb_random_fill(&rng_state, sizeof rng_state) != WB_OK || rng_state == 0)
            rng_state = wb_now_ns() | 1;
    }
    /* xorshift64* */
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}
