// SPDX-License-Identifier: MIT
// Engine workload: strings and hashing: format words, hash them into an
// open-addressing table and count, i.e. byte loops, memcmp and memcpy.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TABLE_SIZE 8192 // power of two, more than twice the distinct words
#define WORD_MAX 16

typedef struct slot {
    char word[WORD_MAX];
    uint32_t len, count;
} slot;

static slot table[TABLE_SIZE];
static volatile uint32_t bench_words = 5000000;

static uint32_t fnv1a(const char *s, uint32_t len) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

// Writes a word made of syllables picked by x; returns its length.
static uint32_t word_make(uint32_t x, char *out) {
    static const char *syl[8] = {"ka", "ro", "mi", "ten", "su", "lo", "vax", "e"};
    uint32_t len = 0, parts = 1 + (x & 3);
    for (uint32_t p = 0; p < parts; p++) {
        const char *s = syl[(x >> (2 + 3 * p)) & 7];
        size_t n = strlen(s);
        memcpy(out + len, s, n);
        len += (uint32_t)n;
    }
    return len;
}

static void table_add(const char *w, uint32_t len) {
    uint32_t i = fnv1a(w, len) & (TABLE_SIZE - 1);
    while (table[i].len != 0) {
        if (table[i].len == len && memcmp(table[i].word, w, len) == 0) {
            table[i].count++;
            return;
        }
        i = (i + 1) & (TABLE_SIZE - 1);
    }
    memcpy(table[i].word, w, len);
    table[i].len = len;
    table[i].count = 1;
}

uint32_t bench_run(void);
uint32_t bench_run(void) {
    memset(table, 0, sizeof table);
    char w[WORD_MAX];
    uint32_t x = 7;
    for (uint32_t i = 0; i < bench_words; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        table_add(w, word_make(x, w));
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < TABLE_SIZE; i++)
        if (table[i].len) sum = sum * 33 + table[i].count * fnv1a(table[i].word, table[i].len);
    return sum;
}

#ifndef BENCH_NO_MAIN
int main(void) {
    printf("%u\n", bench_run());
    return 0;
}
#endif
