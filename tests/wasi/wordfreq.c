/* SPDX-License-Identifier: MIT */
/* A bigger real program: writes a generated corpus to /data, reads it back,
 * counts words in a growing hash table, sorts with qsort, formats numbers,
 * and churns the allocator. Output is deterministic. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) & 0xFFFFFF;
}

static const char *const syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu"};

typedef struct word_count {
    char *word; /* owner: table */
    uint32_t count;
} word_count;

typedef struct table {
    word_count *slots; /* owner: table */
    size_t cap, len;
} table;

static uint64_t fnv1a(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static int table_add(table *t, const char *w);

static int table_grow(table *t) {
    table n = {calloc(t->cap * 2, sizeof(word_count)), t->cap * 2, 0};
    if (!n.slots) return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].word) continue;
        size_t j = fnv1a(t->slots[i].word) & (n.cap - 1);
        while (n.slots[j].word) j = (j + 1) & (n.cap - 1);
        n.slots[j] = t->slots[i];
        n.len++;
    }
    free(t->slots);
    *t = n;
    return 0;
}

static int table_add(table *t, const char *w) {
    if ((t->len + 1) * 4 > t->cap * 3 && table_grow(t) != 0) return -1;
    size_t j = fnv1a(w) & (t->cap - 1);
    while (t->slots[j].word && strcmp(t->slots[j].word, w) != 0) j = (j + 1) & (t->cap - 1);
    if (!t->slots[j].word) {
        t->slots[j].word = strdup(w);
        t->len++;
    }
    t->slots[j].count++;
    return 0;
}

static int by_count(const void *a, const void *b) {
    const word_count *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->word, y->word);
}

static int by_int(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static long write_corpus(const char *path, int nwords) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int i = 0; i < nwords; i++) {
        char w[16] = {0};
        int n = 1 + (int)(rng() % 3);
        /* Skewed choice so counts differ: low syllables are more common. */
        for (int k = 0; k < n; k++) strcat(w, syllables[(rng() % 10) * (rng() % 10) / 10]);
        fprintf(f, "%s%s", w, (i % 12 == 11) ? ".\n" : (i % 5 == 4) ? ", " : " ");
    }
    long size = ftell(f);
    fclose(f);
    return size;
}

static char *read_all(const char *path, long *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)*len + 1);
    if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
        free(buf);
        buf = NULL;
    }
    if (buf) buf[*len] = 0;
    fclose(f);
    return buf;
}

static void words(void) {
    long written = write_corpus("/data/corpus.txt", 60000), len = 0;
    char *text = read_all("/data/corpus.txt", &len);
    printf("corpus: wrote %ld bytes, read %ld bytes\n", written, len);
    if (!text) return;
    table t = {calloc(16, sizeof(word_count)), 16, 0};
    uint32_t total = 0;
    for (char *save = NULL, *w = strtok_r(text, " ,.\n", &save); w; w = strtok_r(NULL, " ,.\n", &save)) {
        table_add(&t, w);
        total++;
    }
    word_count *all = malloc(t.len * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < t.cap; i++)
        if (t.slots[i].word) all[n++] = t.slots[i];
    qsort(all, n, sizeof *all, by_count);
    printf("words: %u total, %zu distinct, table capacity %zu\n", total, n, t.cap);
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) h = h * 31 + fnv1a(all[i].word) + all[i].count;
    for (size_t i = 0; i < 12 && i < n; i++)
        printf("%2zu. %-8s %6u %6.2f%%\n", i + 1, all[i].word, all[i].count,
               100.0 * all[i].count / total);
    printf("checksum %016llx\n", (unsigned long long)h);
    for (size_t i = 0; i < t.cap; i++) free(t.slots[i].word);
    free(t.slots);
    free(all);
    free(text);
    remove("/data/corpus.txt");
}

static void numbers(void) {
    enum { N = 100000 };
    int32_t *v = malloc(N * sizeof *v);
    int64_t sum = 0;
    for (int i = 0; i < N; i++) {
        v[i] = (int32_t)(rng() % 2000001) - 1000000;
        sum += v[i];
    }
    qsort(v, N, sizeof *v, by_int);
    int32_t key = v[N / 3];
    int32_t *found = bsearch(&key, v, N, sizeof *v, by_int);
    printf("ints: sum %lld min %d median %d max %d found %d\n", (long long)sum, v[0], v[N / 2],
           v[N - 1], found && *found == key);
    free(v);
    double x = 0;
    for (int i = 1; i <= 1000; i++) x += 1.0 / ((double)i * i);
    char buf[64];
    snprintf(buf, sizeof buf, "%.12f", x);
    printf("basel %s %.3e %g strtod-roundtrip %d\n", buf, x, x, strtod(buf, NULL) == atof(buf));
    printf("strtol %ld %ld %lu\n", strtol("-12345", NULL, 10), strtol("ff", NULL, 16),
           strtoul("777", NULL, 8));
}

typedef struct node {
    struct node *next; /* owner: list */
    char *text;        /* owner: node */
} node;

static void allocator(void) {
    node *head = NULL;
    size_t bytes = 0;
    for (int i = 0; i < 20000; i++) {
        node *nd = malloc(sizeof *nd);
        size_t len = 1 + (size_t)(rng() % 200);
        nd->text = malloc(len);
        memset(nd->text, 'a' + i % 26, len - 1);
        nd->text[len - 1] = 0;
        bytes += len;
        nd->next = head;
        head = nd;
        if (i % 3 == 0) { /* free every third node early */
            head = nd->next;
            bytes -= len;
            free(nd->text);
            free(nd);
        }
    }
    size_t count = 0, check = 0;
    while (head) {
        node *nx = head->next;
        count++;
        check += strlen(head->text) + 1;
        free(head->text);
        free(head);
        head = nx;
    }
    char s[] = "the quick brown fox jumps over the lazy dog";
    memmove(s + 4, s + 10, strlen(s + 10) + 1);
    printf("alloc: %zu nodes, %zu bytes, consistent %d; %s; %s\n", count, check, check == bytes, s,
           strstr(s, "fox") ? strchr(s, 'j') : "-");
}

int main(void) {
    words();
    numbers();
    allocator();
    return 0;
}
