/* SPDX-License-Identifier: MIT */
/* A large generated program (thousands of functions, ~1 MB of code) for
 * the decoder/validator's size and speed tests. Macros expand one body
 * template into 2000 distinct functions reached through a table. */
#include <stdio.h>

#define BODY(n)                                                                      \
    __attribute__((noinline)) int f##n(const int *a, int len, int x) {                \
        int s = x * (n);                                                             \
        double d = 0.5;                                                              \
        for (int i = 0; i < len; i++) {                                              \
            switch ((a[i] + (n)) & 15) {                                             \
            case 0: s += a[i] * 3; break;                                            \
            case 1: s -= a[i] >> 2; break;                                           \
            case 2: s ^= a[i] << 3; break;                                           \
            case 3: d += a[i] * 0.25; break;                                         \
            case 4: s = s * 31 + (n); break;                                         \
            case 5: d = d * 1.0001 - a[i]; break;                                    \
            case 6: s |= (a[i] & (n)); break;                                        \
            case 7: s += (int)(d / ((n) + 1.0)); break;                              \
            case 8: s = (s << 5) | ((unsigned)s >> 27); break;                       \
            case 9: s -= a[(i + (n)) % len]; break;                                  \
            case 10: d += (float)s / 7.0f; break;                                    \
            case 11: s += a[i] % ((n) + 3); break;                                   \
            case 12: s = ~s + (n); break;                                            \
            case 13: d -= (long long)s * (n) / 11; break;                            \
            case 14: s += (a[i] > (n)) ? 1 : -1; break;                              \
            default: s ^= (int)(d * 3.0); break;                                     \
            }                                                                        \
        }                                                                            \
        return s ^ (int)d;                                                           \
    }
#define B10(n) BODY(n##0) BODY(n##1) BODY(n##2) BODY(n##3) BODY(n##4) \
               BODY(n##5) BODY(n##6) BODY(n##7) BODY(n##8) BODY(n##9)
#define B100(n) B10(n##0) B10(n##1) B10(n##2) B10(n##3) B10(n##4) \
                B10(n##5) B10(n##6) B10(n##7) B10(n##8) B10(n##9)
#define B1000(n) B100(n##0) B100(n##1) B100(n##2) B100(n##3) B100(n##4) \
                 B100(n##5) B100(n##6) B100(n##7) B100(n##8) B100(n##9)
B1000(1)
B1000(2)

#define P(n) f##n,
#define P10(n) P(n##0) P(n##1) P(n##2) P(n##3) P(n##4) P(n##5) P(n##6) P(n##7) P(n##8) P(n##9)
#define P100(n) P10(n##0) P10(n##1) P10(n##2) P10(n##3) P10(n##4) \
                P10(n##5) P10(n##6) P10(n##7) P10(n##8) P10(n##9)
#define P1000(n) P100(n##0) P100(n##1) P100(n##2) P100(n##3) P100(n##4) \
                 P100(n##5) P100(n##6) P100(n##7) P100(n##8) P100(n##9)
static int (*const table[])(const int *, int, int) = {P1000(1) P1000(2)};

int main(void) {
    int a[64];
    for (int i = 0; i < 64; i++) a[i] = i * 7 - 100;
    int s = 0;
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++) s ^= table[i](a, 64, s);
    printf("%d\n", s);
    return 0;
}
