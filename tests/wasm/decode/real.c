/* SPDX-License-Identifier: MIT */
/* An ordinary WASI program (libc: stdio, malloc, qsort, strings, math) for
 * the decoder/validator tests: what clang --target=wasm32-wasi emits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char key[16];
    double value;
    struct entry *next;
} entry;

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static int cmp_entry(const void *a, const void *b) {
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    return x->value < y->value ? -1 : x->value > y->value;
}

int main(int argc, char **argv) {
    enum { NB = 64, N = 500 };
    entry *buckets[NB] = {0};
    entry **all = malloc(N * sizeof *all);
    if (!all) return 1;
    for (int i = 0; i < N; i++) {
        entry *e = calloc(1, sizeof *e);
        if (!e) return 1;
        snprintf(e->key, sizeof e->key, "k%d", i * 37 % 1000);
        e->value = sin(i) * 100.0 + sqrt((double)i);
        unsigned b = hash(e->key) % NB;
        e->next = buckets[b];
        buckets[b] = e;
        all[i] = e;
    }
    qsort(all, N, sizeof *all, cmp_entry);
    printf("min %s %.3f max %s %.3f argc %d %s\n", all[0]->key, all[0]->value, all[N - 1]->key,
           all[N - 1]->value, argc, argc > 0 ? argv[0] : "");
    for (int i = 0; i < N; i++) free(all[i]);
    free(all);
    return strcmp("a", "b") < 0 ? 0 : 2;
}
