/* SPDX-License-Identifier: MIT */
/* printf-heavy numerics: %g/%e/%f of doubles across magnitudes, long long
 * arithmetic and formatting, strtod/strtoll round trips, qsort and bsearch
 * over records, snprintf truncation. */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A double spread over many magnitudes and both signs. */
static double rand_double(void) {
    double m = (double)(next() >> 11) / 9007199254740992.0; /* [0,1) */
    int e = (int)(next() % 80) - 40;
    double v = m * pow(10.0, e);
    return (next() & 1) ? -v : v;
}

static void formats(void) {
    static const double fixed[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 1e300,
                                    DBL_MAX, DBL_MIN, DBL_EPSILON, 123456789.0, 1e21, 1e-7,
                                    0.000123456, 5e-324, 9.999999e22, 65536.0, 3.14159265358979};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        double v = fixed[i];
        printf("%zu: %g | %e | %.3f | %.17g | %12.4E | %-10.2g|\n", i, v, v, v, v, v, v);
    }
    printf("inf %g %e %f, nan-ish %s\n", HUGE_VAL, -HUGE_VAL, HUGE_VAL,
           isnan(NAN) ? "nan ok" : "bad");
    uint32_t sum = 0;
    for (int i = 0; i < 3000; i++) {
        double v = rand_double();
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", v);
        double back = strtod(buf, NULL);
        if (back != v) printf("round trip failed: %s\n", buf);
        snprintf(buf, sizeof buf, "%.6e", v);
        for (char *p = buf; *p; p++) sum = sum * 31 + (unsigned char)*p;
        if (i % 300 == 0) printf("r%d: %s %g %.10f\n", i, buf, v, v);
    }
    printf("format hash %" PRIu32 "\n", sum);
    float f = 16777217.0f;
    printf("float %f %g %.9g\n", (double)f, (double)(f / 3), (double)(1.0f / 3.0f));
}

static void integers(void) {
    long long a = LLONG_MAX, b = LLONG_MIN;
    unsigned long long u = ULLONG_MAX;
    printf("%lld %lld %llu %llx %llo %#llx\n", a, b, u, u, u >> 40, 0xdeadbeefcafeull);
    printf("%+d %05d %-5d| %x %X %#o %%\n", 42, -42, 7, 255u, 255u, 8u);
    printf("%" PRId64 " %" PRIu32 " %" PRIx64 " %zu %td\n", -(INT64_C(1) << 40), UINT32_MAX,
           UINT64_C(0x0123456789abcdef), sizeof(long long), (ptrdiff_t)-3);
    long long acc = 1;
    for (int i = 1; i <= 25; i++) {
        acc = acc * 3 + i;
        acc ^= acc >> 17;
        if (i % 5 == 0) printf("acc %d = %lld (%llx) div %lld rem %lld\n", i, acc,
                               (unsigned long long)acc, acc / -7, acc % -7);
    }
    const char *nums[] = {"9223372036854775807", "-9223372036854775808", "  +12345xyz", "0x7fff",
                          "077", "99999999999999999999"};
    for (int i = 0; i < 6; i++) {
        char *end;
        long long v = strtoll(nums[i], &end, 0);
        printf("strtoll(%s) = %lld, rest '%s'\n", nums[i], v, end);
    }
}

typedef struct { char name[12]; int score; double weight; } rec;

static int by_score(const void *x, const void *y) {
    const rec *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? -1 : 1;
    return strcmp(a->name, b->name);
}
static int by_name(const void *x, const void *y) {
    return strcmp(((const rec *)x)->name, ((const rec *)y)->name);
}

static void sorting(void) {
    enum { N = 5000 };
    rec *r = malloc(N * sizeof *r);
    for (int i = 0; i < N; i++) {
        snprintf(r[i].name, sizeof r[i].name, "n%07u", (unsigned)(next() % 10000000));
        r[i].score = (int)(next() % 1000) - 500;
        r[i].weight = rand_double();
    }
    qsort(r, N, sizeof *r, by_score);
    for (int i = 0; i < N; i += 1000) printf("score[%d] %s %d %.4g\n", i, r[i].name, r[i].score, r[i].weight);
    qsort(r, N, sizeof *r, by_name);
    int found = 0;
    for (int i = 0; i < N; i += 7) {
        rec key;
        memcpy(key.name, r[i].name, sizeof key.name);
        rec *hit = bsearch(&key, r, N, sizeof *r, by_name);
        if (hit && strcmp(hit->name, key.name) == 0) found++;
    }
    rec miss = {"zzz", 0, 0};
    printf("bsearch found %d, miss %s\n", found, bsearch(&miss, r, N, sizeof *r, by_name) ? "hit" : "null");
    free(r);
}

static void truncation(void) {
    char small[8], word[16];
    for (int i = 0; i < 8; i++) word[i] = (char)('a' + (int)(next() % 3)); /* unknown length to the compiler */
    word[8] = 0;
    int n = snprintf(small, sizeof small, "%s-%d", word, 12345);
    printf("snprintf wanted %d, got '%s'\n", n, small);
    n = snprintf(NULL, 0, "%.40f", 1.0 / 7.0);
    printf("length of 1/7 at 40 digits: %d\n", n);
    char big[128];
    snprintf(big, sizeof big, "%*d|%-*s|%.*s", 8, -5, 6, "ab", 3, "abcdef");
    printf("%s\n", big);
}

int main(void) {
    formats();
    integers();
    sorting();
    truncation();
    printf("math: %.15g %.15g %.15g %.15g\n", sqrt(2.0), exp(1.0), log(10.0), atan2(1.0, -1.0));
    printf("math: %.15g %.15g %.15g\n", fmod(10.5, 3.0), floor(-2.5), round(2.5));
    return 0;
}
