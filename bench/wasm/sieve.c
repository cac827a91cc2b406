// SPDX-License-Identifier: MIT
// Engine workload: sieve of Eratosthenes, i.e. byte loads/stores in tight loops.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SIEVE_SIZE (1u << 20)
static uint8_t flags[SIEVE_SIZE];
static volatile uint32_t bench_rounds = 150;

static uint32_t sieve_count(uint32_t n) {
    memset(flags, 1, n);
    flags[0] = flags[1] = 0;
    for (uint32_t i = 2; i * i < n; i++) {
        if (!flags[i]) continue;
        for (uint32_t j = i * i; j < n; j += i) flags[j] = 0;
    }
    uint32_t count = 0;
    for (uint32_t i = 0; i < n; i++) count += flags[i];
    return count;
}

uint32_t bench_run(void);
uint32_t bench_run(void) {
    uint32_t sum = 0;
    for (uint32_t r = 0; r < bench_rounds; r++) sum = sum * 31 + sieve_count(SIEVE_SIZE - r);
    return sum;
}

#ifndef BENCH_NO_MAIN
int main(void) {
    printf("%u\n", bench_run());
    return 0;
}
#endif
