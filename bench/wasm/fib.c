// SPDX-License-Identifier: MIT
// Engine workload: recursive calls (naive Fibonacci), i.e. call/return cost.
#include <stdint.h>
#include <stdio.h>

static volatile uint32_t bench_n = 38; // volatile: the compiler cannot fold the work away

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

uint32_t bench_run(void);
uint32_t bench_run(void) {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 4; i++) sum += fib(bench_n - (i & 1));
    return sum;
}

#ifndef BENCH_NO_MAIN
int main(void) {
    printf("%u\n", bench_run());
    return 0;
}
#endif
