/* SPDX-License-Identifier: MIT */
/* Message envelopes: per-worker free lists, and envelopes freed on another
 * worker travel home in batches, so a producer on one core and a consumer on
 * another recycle the same envelopes instead of going through malloc. */
#include "rt/internal.h"

#define WR__CACHE_MAX 4096  /* free envelopes kept per worker: above the soft limit's traffic */
#define WR__BATCH 64        /* envelopes sent home together (one CAS) */
#define WR__REMOTE_MAX 8192 /* returned envelopes a worker may have waiting */
#define WR__HOME_EXT UINT32_MAX /* home: the outside threads' pool */

/* An envelope leaves the pools for good (the allocator takes it). */
static void envelope_release(wr_system *sys, wr_msg *m) {
    wb_free(&sys->alloc, m, sizeof *m, WB_TAG_MESSAGE);
}

/* Takes an envelope from a home's pool: from its cache, refilled with
 * everything returned to it when empty. NULL when there is none. */
static wr_msg *pool_take(wr__envpool *p) {
    if (!p->cache && atomic_load_explicit(&p->remote, memory_order_relaxed)) {
        p->cache = atomic_exchange_explicit(&p->remote, NULL, memory_order_acquire);
        /* Approximate: a batch pushed between the two exchanges is counted
         * late or early; the count only bounds how much waits here. */
        p->ncache = atomic_exchange_explicit(&p->nremote, 0, memory_order_relaxed);
    }
    wr_msg *m = p->cache;
    if (!m) return NULL;
    p->cache = atomic_load_explicit(&m->next_, memory_order_relaxed);
    if (p->ncache) p->ncache--;
    /* Envelopes come back cold from other cores; fetching the next one now
     * hides the miss behind this message's send. */
    if (p->cache) __builtin_prefetch(p->cache, 1);
    return m;
}

wr_msg *wr__msg_new(wr_system *sys) {
    wr__worker *w = wr__current_worker(sys);
    wr_msg *m = NULL;
    uint32_t home = 0;
    if (w) {
        m = pool_take(&w->pool);
        home = w->index + 1;
    } else if (!atomic_flag_test_and_set_explicit(&sys->ext_lock, memory_order_acquire)) {
        /* A sender outside the system: the shared outside pool, unless
         * another outside thread holds it (then malloc, home 0). */
        m = pool_take(&sys->ext);
        atomic_flag_clear_explicit(&sys->ext_lock, memory_order_release);
        home = WR__HOME_EXT;
    }
    if (!m) {
        m = wb_alloc(&sys->alloc, sizeof *m, WB_TAG_MESSAGE);
        if (!m) return NULL;
    }
    atomic_store_explicit(&m->next_, NULL, memory_order_relaxed);
    m->from = m->to = 0;
    m->kind = WR_MSG_USER;
    m->flags_ = 0;
    m->tag = 0;
    m->corr = 0;
    m->payload = m->meta = NULL;
    m->len = 0;
    m->aux_ = home; /* home worker + 1, WR__HOME_EXT, or 0 = none */
    return m;
}

void wr__msg_reset(wr_msg *m, uint16_t kind, wr_id from, wr_id to, uint32_t tag, uint64_t corr) {
    wb_buf_unref(m->payload);
    wb_buf_unref(m->meta);
    m->payload = m->meta = NULL;
    m->len = 0;
    m->kind = kind;
    m->from = from;
    m->to = to;
    m->tag = tag;
    m->corr = corr;
    m->flags_ = WR__MF_NO_EVENT | WR__MF_NOWAIT;
}

static void list_release(wr_system *sys, wr_msg *m) {
    while (m) {
        wr_msg *next = atomic_load_explicit(&m->next_, memory_order_relaxed);
        envelope_release(sys, m);
        m = next;
    }
}

/* Frees a batch's envelopes and empties it. */
static void batch_release(wr_system *sys, wr__batch *b) {
    list_release(sys, b->head);
    b->head = b->tail = NULL;
    b->n = 0;
}

/* Pushes a batch onto a home's return list, or to the allocator when enough
 * waits there already (a home that stopped sending must not hoard memory). */
static void batch_push(wr_system *sys, wr__batch *b, wr__envpool *home) {
    if (!b->n) return;
    if (atomic_load_explicit(&home->nremote, memory_order_relaxed) >= WR__REMOTE_MAX) {
        batch_release(sys, b);
        return;
    }
    wr_msg *top = atomic_load_explicit(&home->remote, memory_order_relaxed);
    do {
        atomic_store_explicit(&b->tail->next_, top, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&home->remote, &top, b->head,
                                                    memory_order_release, memory_order_relaxed));
    atomic_fetch_add_explicit(&home->nremote, b->n, memory_order_relaxed);
    b->head = b->tail = NULL;
    b->n = 0;
}

static void batch_send(wr_system *sys, wr__batch *b) {
    if (!b->n) return;
    batch_push(sys, b, &sys->workers[b->home].pool);
}

static void batch_add(wr__batch *b, wr_msg *m) {
    atomic_store_explicit(&m->next_, b->head, memory_order_relaxed);
    if (!b->head) b->tail = m;
    b->head = m;
    b->n++;
}

void wr__msg_free(wr_system *sys, wr_msg *m) {
    if (!m) return;
    wb_buf_unref(m->payload);
    wb_buf_unref(m->meta);
    wr__worker *w = wr__current_worker(sys);
    if (!w) {
        envelope_release(sys, m);
        return;
    }
    uint32_t home = m->aux_;
    if (home == WR__HOME_EXT) {
        batch_add(&w->ext_out, m);
        if (w->ext_out.n >= WR__BATCH) batch_push(sys, &w->ext_out, &sys->ext);
        return;
    }
    if (home == 0 || home - 1 == w->index || home > sys->nworkers) {
        if (w->pool.ncache >= WR__CACHE_MAX) {
            envelope_release(sys, m);
            return;
        }
        atomic_store_explicit(&m->next_, w->pool.cache, memory_order_relaxed);
        w->pool.cache = m;
        w->pool.ncache++;
        return;
    }
    /* Another worker's envelope: collect, then send home in one go. Slots are
     * shared by homes with the same index modulo WR__OUT; a different home
     * flushes the slot first. */
    wr__batch *b = &w->out[(home - 1) % WR__OUT];
    if (b->n && b->home != home - 1) batch_send(sys, b);
    b->home = home - 1;
    batch_add(b, m);
    if (b->n >= WR__BATCH) batch_send(sys, b);
}

void wr__msg_flush(wr__worker *w) {
    for (unsigned i = 0; i < WR__OUT; i++) batch_send(w->sys, &w->out[i]);
    batch_push(w->sys, &w->ext_out, &w->sys->ext);
}

/* Frees every envelope a pool holds. */
static void pool_release(wr_system *sys, wr__envpool *p) {
    list_release(sys, p->cache);
    list_release(sys, atomic_exchange(&p->remote, NULL));
    p->cache = NULL;
    p->ncache = 0;
    atomic_store(&p->nremote, 0);
}

void wr__msg_ext_free(wr_system *sys) { pool_release(sys, &sys->ext); }

void wr__msg_pool_free(wr__worker *w) {
    batch_release(w->sys, &w->ext_out);
    for (unsigned i = 0; i < WR__OUT; i++) batch_release(w->sys, &w->out[i]);
    pool_release(w->sys, &w->pool);
}
