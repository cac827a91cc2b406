// SPDX-License-Identifier: MIT
// Engine workload: dense double matrix multiply, i.e. f64 arithmetic and 2-D indexing.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 200
static double a[N][N], b[N][N], c[N][N];
static volatile uint32_t bench_rounds = 50;

static void matmul(void) {
    memset(c, 0, sizeof c);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
        }
}

uint32_t bench_run(void);
uint32_t bench_run(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 17.0;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 13.0;
        }
    double trace = 0;
    for (uint32_t r = 0; r < bench_rounds; r++) {
        matmul();
        // Feed the result back so every round depends on the previous one.
        for (int i = 0; i < N; i++) a[i][(i + (int)r) % N] = c[i][i] / (double)N;
        for (int i = 0; i < N; i++) trace += c[i][i];
    }
    // Checksum of a value rounded to 1e-6 so gcc and clang agree exactly.
    return (uint32_t)(uint64_t)(trace * 1000000.0);
}

#ifndef BENCH_NO_MAIN
int main(void) {
    printf("%u\n", bench_run());
    return 0;
}
#endif
