/* SPDX-License-Identifier: MIT */
/* Tables of references (funcref: wa_func*, externref: host pointers). The
 * struct and its element array are charged to the creating instance's
 * account, so many tables cannot add up past the instance's memory budget. */
#include <string.h>

#include "instance.h"

static uint64_t table_bytes(uint64_t cap) { return sizeof(wa_table) + cap * sizeof(void *); }

wa_table *wa__table_new(wa_engine *e, const wa_tabletype *t, uint32_t limit, wa_account *acct,
                        wb_error *err) {
    uint64_t max = t->limits.has_max ? t->limits.max : UINT32_MAX;
    if (max > limit) max = limit;
    if (t->limits.min > max)
        return wb_error_set(err, WB_LIMIT, "table minimum of %llu elements exceeds the limit of %u",
                            (unsigned long long)t->limits.min, limit),
               NULL;
    if (!wa__charge(acct, table_bytes(t->limits.min)))
        return wb_error_set(err, WB_LIMIT,
                            "a table of %llu elements exceeds the instance's memory budget",
                            (unsigned long long)t->limits.min),
               NULL;
    wa_table *tb = wb_calloc(&e->alloc, 1, sizeof *tb, WB_TAG_INSTANCE);
    if (!tb) {
        wa__uncharge(acct, table_bytes(t->limits.min));
        return wb_error_set(err, WB_NOMEM, "out of memory"), NULL;
    }
    atomic_init(&tb->refs, 1);
    tb->engine = e;
    tb->elem = t->elem;
    tb->size = tb->cap = (uint32_t)t->limits.min;
    tb->max = (uint32_t)max;
    tb->has_max = t->limits.has_max;
    tb->decl_max = (uint32_t)t->limits.max;
    tb->acct = wa__account_ref(acct);
    if (tb->cap) {
        tb->elems = wb_calloc(&e->alloc, tb->cap, sizeof *tb->elems, WB_TAG_INSTANCE);
        if (!tb->elems) {
            wa__uncharge(acct, (uint64_t)tb->cap * sizeof(void *)); /* the rest goes with the struct */
            tb->cap = 0;
            wa__table_unref(tb);
            return wb_error_set(err, WB_NOMEM, "out of memory for a table of %u", (unsigned)t->limits.min),
                   NULL;
        }
    }
    return tb;
}

void wa__table_unref(wa_table *t) {
    if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1) return;
    wa__uncharge(t->acct, table_bytes(t->cap));
    wa__account_unref(t->acct);
    wb_free(&t->engine->alloc, t->elems, (size_t)t->cap * sizeof *t->elems, WB_TAG_INSTANCE);
    wb_free(&t->engine->alloc, t, sizeof *t, WB_TAG_INSTANCE);
}

int64_t wa__table_grow(wa_table *t, uint64_t delta, void *init) {
    uint32_t old = t->size;
    if ((uint64_t)old + delta > t->max) return -1;
    uint32_t nsize = (uint32_t)(old + delta);
    if (nsize > t->cap) {
        uint64_t ncap = t->cap ? (uint64_t)t->cap * 2 : 8;
        if (ncap < nsize) ncap = nsize;
        if (ncap > t->max) ncap = t->max;
        /* over the budget with room to spare: try the exact size */
        if (!wa__charge(t->acct, (ncap - t->cap) * sizeof(void *))) {
            ncap = nsize;
            if (!wa__charge(t->acct, (ncap - t->cap) * sizeof(void *))) return -1;
        }
        void **p = wb_realloc(&t->engine->alloc, t->elems, (size_t)t->cap * sizeof *p,
                              (size_t)ncap * sizeof *p, WB_TAG_INSTANCE);
        if (!p) {
            wa__uncharge(t->acct, (ncap - t->cap) * sizeof(void *));
            return -1;
        }
        t->elems = p;
        t->cap = (uint32_t)ncap;
    }
    for (uint32_t i = old; i < nsize; i++) t->elems[i] = init;
    t->size = nsize;
    return old;
}
