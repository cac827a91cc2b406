/* SPDX-License-Identifier: MIT */
/* The --wrap'ed allocation functions of fail_malloc.h, and free to count
 * live blocks. The real ones stay in charge (under ASan, its allocator and
 * leak checker). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "fail_malloc.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#define PRINT_STACK() __sanitizer_print_stack_trace()
#else
#define PRINT_STACK() ((void)0)
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void __wrap_free(void *p);

static _Atomic bool armed, trace;
static _Atomic int mode;
static _Atomic uint64_t nth, seen, injected;

void fail_malloc_arm(uint64_t n, int m) {
    atomic_store(&armed, false);
    atomic_store(&seen, 0);
    atomic_store(&injected, 0);
    atomic_store(&mode, m);
    atomic_store(&nth, n);
    atomic_store(&armed, true);
}

void fail_malloc_trace(bool on) { atomic_store(&trace, on); }
void fail_malloc_disarm(void) { atomic_store(&armed, false); }
uint64_t fail_malloc_seen(void) { return atomic_load(&seen); }
uint64_t fail_malloc_injected(void) { return atomic_load(&injected); }

/* Counts one allocation; true when it is to fail. */
static bool fail_now(void) {
    if (!atomic_load_explicit(&armed, memory_order_relaxed)) return false;
    uint64_t n = atomic_fetch_add(&seen, 1) + 1, k = atomic_load(&nth);
    if (!k || n < k || (n > k && atomic_load(&mode) != FAIL_MALLOC_FROM_ON)) return false;
    atomic_fetch_add(&injected, 1);
    if (atomic_load(&trace)) PRINT_STACK();
    errno = ENOMEM;
    return true;
}

/* ---- live blocks: a set of the pointers handed out (linear probing) ----
 * Only blocks of the wrapped calls are in it, so a free of what a shared
 * library allocated (libcbor's output, say) is ignored. */
#define SLOTS (1u << 20)
static void **table; /* owner: this file, never freed */
static size_t live;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t home(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)(x & (SLOTS - 1));
}

static void track(void *p) {
    if (!p) return;
    pthread_mutex_lock(&lock);
    if (!table) table = __real_calloc(SLOTS, sizeof *table);
    if (table && live < SLOTS / 2) { /* else the count is wrong: live stays high, the test fails */
        size_t i = home(p);
        while (table[i]) i = (i + 1) & (SLOTS - 1);
        table[i] = p;
        live++;
    }
    pthread_mutex_unlock(&lock);
}

/* Removes p (backward-shift deletion keeps every probe chain whole). */
static void untrack(void *p) {
    if (!p) return;
    pthread_mutex_lock(&lock);
    size_t i = table ? home(p) : 0;
    while (table && table[i] && table[i] != p) i = (i + 1) & (SLOTS - 1);
    if (table && table[i]) {
        for (size_t j = i;;) {
            j = (j + 1) & (SLOTS - 1);
            if (!table[j]) break;
            size_t k = home(table[j]);
            bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (stays) continue;
            table[i] = table[j];
            i = j;
        }
        table[i] = NULL;
        live--;
    }
    pthread_mutex_unlock(&lock);
}

size_t fail_malloc_live(void) {
    pthread_mutex_lock(&lock);
    size_t n = live;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- the wrapped calls ---------------------------------------------------- */
static void *tracked(void *p) {
    track(p);
    return p;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : tracked(__real_malloc(n)); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : tracked(__real_calloc(n, size)); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : tracked(__real_strdup(s)); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : tracked(__real_strndup(s, n)); }

/* Untracked first: once freed, another thread may be handed the same address. */
void __wrap_free(void *p) {
    untrack(p);
    __real_free(p);
}

/* realloc(p, 0) frees: not an allocation. A failed one leaves p as it was. */
void *__wrap_realloc(void *p, size_t n) {
    if (n && fail_now()) return NULL;
    untrack(p);
    void *q = __real_realloc(p, n);
    track(q ? q : n ? p : NULL);
    return q;
}
