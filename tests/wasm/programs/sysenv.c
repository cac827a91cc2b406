/* SPDX-License-Identifier: MIT */
/* The process around a program: argv (after the directory in argv[1]),
 * the environment (getenv and environ), wall and monotonic clocks, CPU time,
 * sleeping, and calendar conversion with strftime. Prints only what is the
 * same on every run and every host. */
// wasm-flags: -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks
// args: alpha "two words" --flag=-3
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

extern char **environ;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void args_and_env(int argc, char **argv) {
    printf("argc %d\n", argc);
    for (int i = 2; i < argc; i++) printf("argv[%d] = '%s' (%zu)\n", i, argv[i], strlen(argv[i]));
    const char *keys[] = {"WPROG_GREETING", "WPROG_EMPTY", "WPROG_MISSING", "TZ"};
    for (int i = 0; i < 4; i++) {
        const char *v = getenv(keys[i]);
        printf("getenv(%s) = %s%s%s\n", keys[i], v ? "'" : "", v ? v : "NULL", v ? "'" : "");
    }
    int n = 0;
    while (environ[n]) n++;
    char **copy = malloc((size_t)(n + 1) * sizeof *copy);
    memcpy(copy, environ, (size_t)n * sizeof *copy);
    qsort(copy, (size_t)n, sizeof *copy, cmp_str);
    printf("environ has %d entries:", n);
    for (int i = 0; i < n; i++) printf(" [%s]", copy[i]);
    printf("\n");
    free(copy);
    setenv("WPROG_SET", "later", 1);
    printf("after setenv: %s\n", getenv("WPROG_SET"));
}

static double mono_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void clocks(void) {
    time_t now = time(NULL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("time after 2024: %d, gettimeofday agrees: %d, realtime agrees: %d\n",
           now > 1704067200, tv.tv_sec - now >= 0 && tv.tv_sec - now < 5,
           rt.tv_sec - now >= 0 && rt.tv_sec - now < 5);
    int mono_ok = 1;
    double prev = mono_now();
    for (int i = 0; i < 1000; i++) {
        double t = mono_now();
        if (t < prev) mono_ok = 0;
        prev = t;
    }
    struct timespec res;
    printf("monotonic never goes back: %d, resolution at most 1 ms: %d\n", mono_ok,
           clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000);
    double t0 = mono_now();
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    double slept = mono_now() - t0;
    printf("nanosleep 20 ms took at least 19 ms: %d, less than 5 s: %d\n", slept >= 0.019, slept < 5);
    clock_t c0 = clock();
    volatile uint32_t x = 1;
    double w0 = mono_now();
    while (clock() - c0 < CLOCKS_PER_SEC / 50 && mono_now() - w0 < 10) x = x * 3 + 1;
    printf("clock() advances with work: %d\n", clock() > c0);
}

static void calendar(void) {
    time_t t = 1234567890; /* 2009-02-13 23:31:30 UTC */
    struct tm g;
    gmtime_r(&t, &g);
    char buf[128];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %b %j", &g);
    printf("gmtime: %s, wday %d yday %d\n", buf, g.tm_wday, g.tm_yday);
    struct tm l;
    localtime_r(&t, &l);
    strftime(buf, sizeof buf, "%F %T", &l);
    printf("localtime (TZ=UTC): %s\n", buf);
    struct tm in = {.tm_year = 100, .tm_mon = 1, .tm_mday = 29, .tm_hour = 12};
    time_t back = timegm(&in);
    printf("timegm 2000-02-29 12:00 = %lld\n", (long long)back);
    printf("difftime %.1f\n", difftime((time_t)2000000000, t));
}

int main(int argc, char **argv) {
    args_and_env(argc, argv);
    clocks();
    calendar();
    return 0;
}
