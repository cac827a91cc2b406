/* SPDX-License-Identifier: MIT */
/* Memory accounting: every byte an instance holds on the host (linear
 * memory, tables, globals, stacks, bookkeeping) is charged to its account,
 * and through it to a budget shared with other instances, before it is
 * allocated. A charge that does not fit is refused, never wrapped. */
#include "instance.h"

void wa_budget_init(wa_budget *b, uint64_t max) {
    atomic_init(&b->used, 0);
    atomic_init(&b->refused, 0);
    b->max = max;
}

uint64_t wa_budget_used(const wa_budget *b) {
    return atomic_load_explicit(&((wa_budget *)b)->used, memory_order_relaxed);
}

/* Adds n to *used unless that passes max (0: no max). */
static bool counter_add(_Atomic uint64_t *used, uint64_t max, uint64_t n) {
    uint64_t cur = atomic_load_explicit(used, memory_order_relaxed);
    do {
        if (cur > UINT64_MAX - n || (max && cur + n > max)) return false;
    } while (!atomic_compare_exchange_weak_explicit(used, &cur, cur + n, memory_order_relaxed,
                                                    memory_order_relaxed));
    return true;
}

wa_account *wa__account_new(wa_engine *e, uint64_t max, wa_budget *shared) {
    wa_account *a = wb_calloc(&e->alloc, 1, sizeof *a, WB_TAG_INSTANCE);
    if (!a) return NULL;
    atomic_init(&a->refs, 1);
    atomic_init(&a->used, 0);
    a->engine = e;
    a->max = max;
    a->shared = shared;
    return a;
}

wa_account *wa__account_ref(wa_account *a) {
    if (a) atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
    return a;
}

void wa__account_unref(wa_account *a) {
    if (a && atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        wb_free(&a->engine->alloc, a, sizeof *a, WB_TAG_INSTANCE);
}

bool wa__charge(wa_account *a, uint64_t n) {
    if (!a || n == 0) return true;
    if (!counter_add(&a->used, a->max, n)) return false;
    if (a->shared && !counter_add(&a->shared->used, a->shared->max, n)) {
        atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
        atomic_fetch_add_explicit(&a->shared->refused, 1, memory_order_relaxed);
        return false;
    }
    return true;
}

void wa__uncharge(wa_account *a, uint64_t n) {
    if (!a || n == 0) return;
    atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
    if (a->shared) atomic_fetch_sub_explicit(&a->shared->used, n, memory_order_relaxed);
}

bool wa_budget_charge(wa_budget *b, uint64_t n) {
    if (counter_add(&b->used, b->max, n)) return true;
    atomic_fetch_add_explicit(&b->refused, 1, memory_order_relaxed);
    return false;
}

void wa_budget_uncharge(wa_budget *b, uint64_t n) { atomic_fetch_sub_explicit(&b->used, n, memory_order_relaxed); }
