/* SPDX-License-Identifier: MIT */
/* Supervision tree helpers: sorted name index, parent-cycle check. */
#include <stdlib.h>
#include <string.h>

#include "component/tree.h"

static int ix_cmp(const void *a, const void *b) {
    const wc__name_ix *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i); /* equal names: in caller order */
}

size_t wc__names_sort(wc__name_ix *ix, size_t n) {
    if (n > 1) qsort(ix, n, sizeof *ix, ix_cmp);
    size_t dup = SIZE_MAX;
    for (size_t k = 1; k < n; k++)
        if (!strcmp(ix[k - 1].name, ix[k].name) && (dup == SIZE_MAX || ix[k].i < dup)) dup = ix[k].i;
    return dup;
}

static int key_cmp(const void *key, const void *e) {
    return strcmp(key, ((const wc__name_ix *)e)->name);
}

size_t wc__names_find(const wc__name_ix *ix, size_t n, const char *name) {
    const wc__name_ix *f = n ? bsearch(name, ix, n, sizeof *ix, key_cmp) : NULL;
    return f ? f->i : SIZE_MAX;
}

/* Marks: 0 not seen, 1 on the path being walked, 2 known to reach a root.
 * Every node turns 1 once and 2 once, so the walk is linear. */
size_t wc__tree_cycle(const size_t *parent, size_t n, uint8_t *mark) {
    for (size_t s = 0; s < n; s++) {
        size_t i = s;
        while (i < n && mark[i] == 0) {
            mark[i] = 1;
            i = parent[i];
        }
        if (i < n && mark[i] == 1) return i;
        for (size_t j = s; j < n && mark[j] == 1; j = parent[j]) mark[j] = 2;
    }
    return SIZE_MAX;
}
