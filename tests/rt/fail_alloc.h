/* SPDX-License-Identifier: MIT */
/* A wb_allocator for fault injection (SQLite's test_malloc idea): once armed
 * it fails the Nth matching allocation, or every matching one from the Nth
 * on, where matching means any tag or one given tag; it also counts live
 * blocks, so a test can run a scenario for N = 1, 2, ... and check that
 * nothing leaked. Header-only and layer-neutral (wactor/base.h only): any
 * layer's tests pass fail_alloc_hook() wherever a wb_allocator goes.
 * Thread-safe; arm it before the threads that allocate start, or accept
 * that allocations racing with arming count either way. */
#ifndef WACTOR_TESTS_FAIL_ALLOC_H
#define WACTOR_TESTS_FAIL_ALLOC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "wactor/base.h"

enum {
    FAIL_ONCE = 0,    /* only the Nth matching allocation fails */
    FAIL_FROM_ON = 1, /* the Nth and every later matching allocation fail */
};
#define FAIL_ANY_TAG (-1)

typedef struct fail_alloc {
    _Atomic uint64_t nth;      /* 1-based; 0 = disarmed */
    _Atomic int mode;          /* FAIL_ONCE or FAIL_FROM_ON */
    _Atomic int tag;           /* wb_alloc_tag to match, or FAIL_ANY_TAG */
    _Atomic uint64_t seen;     /* matching allocations since arming */
    _Atomic uint64_t injected; /* failures returned so far */
    _Atomic int64_t live;      /* blocks allocated and not yet freed */
    _Atomic uint64_t total;    /* every allocation attempted, matching or not */
} fail_alloc;

static inline void *fail_alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize, wb_alloc_tag tag) {
    fail_alloc *f = ud;
    (void)osize;
    if (nsize == 0) {
        if (ptr) {
            atomic_fetch_sub(&f->live, 1);
            free(ptr);
        }
        return NULL;
    }
    atomic_fetch_add(&f->total, 1);
    uint64_t nth = atomic_load(&f->nth);
    int want = atomic_load(&f->tag);
    if (nth && (want == FAIL_ANY_TAG || want == (int)tag)) {
        uint64_t n = atomic_fetch_add(&f->seen, 1) + 1;
        if (n == nth || (n > nth && atomic_load(&f->mode) == FAIL_FROM_ON)) {
            atomic_fetch_add(&f->injected, 1);
            return NULL; /* a failed realloc leaves ptr as it was */
        }
    }
    void *p = realloc(ptr, nsize);
    if (p && !ptr) atomic_fetch_add(&f->live, 1);
    return p;
}

static inline void fail_alloc_init(fail_alloc *f) {
    atomic_init(&f->nth, 0);
    atomic_init(&f->mode, FAIL_ONCE);
    atomic_init(&f->tag, FAIL_ANY_TAG);
    atomic_init(&f->seen, 0);
    atomic_init(&f->injected, 0);
    atomic_init(&f->live, 0);
    atomic_init(&f->total, 0);
}

/* Counting from now, fail the nth matching allocation (and with
 * FAIL_FROM_ON every later one); tag is a wb_alloc_tag or FAIL_ANY_TAG. */
static inline void fail_alloc_arm(fail_alloc *f, uint64_t nth, int mode, int tag) {
    atomic_store(&f->nth, 0);
    atomic_store(&f->seen, 0);
    atomic_store(&f->mode, mode);
    atomic_store(&f->tag, tag);
    atomic_store(&f->nth, nth);
}

static inline void fail_alloc_disarm(fail_alloc *f) { atomic_store(&f->nth, 0); }

static inline wb_allocator fail_alloc_hook(fail_alloc *f) {
    wb_allocator a = {fail_alloc_fn, f};
    return a;
}

static inline uint64_t fail_alloc_injected(fail_alloc *f) { return atomic_load(&f->injected); }
static inline int64_t fail_alloc_live(fail_alloc *f) { return atomic_load(&f->live); }

#endif
