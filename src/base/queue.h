/* SPDX-License-Identifier: MIT */
/* Intrusive doubly linked lists (libuv style): the links live in the objects,
 * so putting an object on a list never allocates. Not thread-safe. */
#ifndef WACTOR_BASE_QUEUE_H
#define WACTOR_BASE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct wb_list {
    struct wb_list *next, *prev;
} wb_list;

static inline void wb_list_init(wb_list *h) { h->next = h->prev = h; }
static inline bool wb_list_empty(const wb_list *h) { return h->next == h; }

static inline void wb_list_insert_before(wb_list *pos, wb_list *n) {
    n->prev = pos->prev;
    n->next = pos;
    pos->prev->next = n;
    pos->prev = n;
}
static inline void wb_list_push_back(wb_list *h, wb_list *n) { wb_list_insert_before(h, n); }
static inline void wb_list_push_front(wb_list *h, wb_list *n) { wb_list_insert_before(h->next, n); }

static inline void wb_list_remove(wb_list *n) {
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

static inline wb_list *wb_list_pop_front(wb_list *h) {
    if (wb_list_empty(h)) return NULL;
    wb_list *n = h->next;
    wb_list_remove(n);
    return n;
}

#define wb_list_foreach(it, head) for (wb_list *it = (head)->next; it != (head); it = it->next)
/* Safe against removal of `it` inside the loop body. */
#define wb_list_foreach_safe(it, tmp, head)                                   \
    for (wb_list *it = (head)->next, *tmp = it->next; it != (head); it = tmp, tmp = it->next)

#endif
