/* SPDX-License-Identifier: MIT */
/* The allocator hook: every layer allocates through a wb_allocator. */
#include "wactor/base.h"

#include <stdlib.h>
#include <string.h>

void *wb_realloc(const wb_allocator *a, void *p, size_t osize, size_t nsize, wb_alloc_tag tag) {
    if (a && a->fn) return a->fn(a->ud, p, osize, nsize, tag);
    if (nsize == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, nsize);
}

void *wb_alloc(const wb_allocator *a, size_t size, wb_alloc_tag tag) {
    return wb_realloc(a, NULL, 0, size ? size : 1, tag);
}

void *wb_calloc(const wb_allocator *a, size_t n, size_t size, wb_alloc_tag tag) {
    if (size && n > SIZE_MAX / size) return NULL;
    size_t total = n * size;
    if (!a || !a->fn) return calloc(n ? n : 1, size ? size : 1);
    void *p = wb_alloc(a, total, tag);
    if (p) memset(p, 0, total);
    return p;
}

void wb_free(const wb_allocator *a, void *p, size_t size, wb_alloc_tag tag) {
    if (!p) return;
    wb_realloc(a, p, size, 0, tag);
}
