/* SPDX-License-Identifier: MIT */
/* Helpers for the supervision tree shared by the manifest loader and the app:
 * a sorted name index (lookups in O(log n), duplicates found by sorting) and
 * a check that parent links form a tree, without recursion. */
#ifndef WACTOR_COMPONENT_TREE_H
#define WACTOR_COMPONENT_TREE_H

#include <stddef.h>
#include <stdint.h>

typedef struct wc__name_ix {
    const char *name; /* borrowed */
    size_t i;         /* the caller's index of that name */
} wc__name_ix;

/* Sorts ix by name; returns the first caller index (in caller order) whose
 * name repeats an earlier one, or SIZE_MAX when all n names differ. */
size_t wc__names_sort(wc__name_ix *ix, size_t n);
/* Caller index of name in a sorted ix; SIZE_MAX when absent. */
size_t wc__names_find(const wc__name_ix *ix, size_t n, const char *name);

/* parent[i] is i's parent index (SIZE_MAX or any index >= n: none). Returns
 * an index on a parent cycle (a node that is its own ancestor), or SIZE_MAX.
 * mark: n bytes of scratch, zeroed by the caller. O(n) steps. */
size_t wc__tree_cycle(const size_t *parent, size_t n, uint8_t *mark);

#endif
