/* SPDX-License-Identifier: MIT */
/* The actor table (paged slots, lock-free free list, generations), spawning
 * and the handler-side API for identity and exits (links: link.c). */
#include <stdio.h>
#include <string.h>

#include "rt/internal.h"

#define PAGE_SHIFT 12
#define PAGE_SLOTS (1u << PAGE_SHIFT)

/* ---- table ------------------------------------------------------------------ */

wb_status wr__table_init(wr_system *sys, wb_error *err) {
    pthread_mutex_init(&sys->grow_lock, NULL);
    sys->npages = (sys->cfg.max_actors + PAGE_SLOTS - 1) / PAGE_SLOTS;
    sys->pages = wb_calloc(&sys->alloc, sys->npages, sizeof *sys->pages, WB_TAG_ACTOR);
    sys->raw_pages = wb_calloc(&sys->alloc, sys->npages, sizeof *sys->raw_pages, WB_TAG_ACTOR);
    if (!sys->pages || !sys->raw_pages) return wb_error_set(err, WB_NOMEM, "no memory for actor table");
    return WB_OK;
}

static wr__actor *slot_at(wr_system *sys, uint32_t idx) {
    uint32_t p = idx >> PAGE_SHIFT;
    if (p >= sys->npages) return NULL;
    wr__actor *page = atomic_load_explicit(&sys->pages[p], memory_order_acquire);
    return page ? &page[idx & (PAGE_SLOTS - 1)] : NULL;
}

wr__actor *wr__slot(wr_system *sys, wr_id id) { return slot_at(sys, wr__idx(id)); }

wr__actor *wr__live(wr_system *sys, wr_id id) {
    wr__actor *a = wr__slot(sys, id);
    if (!a || id == 0 || atomic_load_explicit(&a->id, memory_order_acquire) != id) return NULL;
    return a;
}

bool wr_alive(wr_system *sys, wr_id id) { return sys && wr__live(sys, id) != NULL; }

bool wr_id_issued(wr_system *sys, wr_id id) {
    wr__actor *a = sys && id ? wr__slot(sys, id) : NULL;
    uint32_t gen = (uint32_t)(id >> 32);
    return a && gen && gen <= atomic_load_explicit(&a->gen, memory_order_relaxed);
}

static void free_push(wr_system *sys, wr__actor *a) {
    uint64_t h = atomic_load(&sys->free_head);
    uint64_t nh;
    do {
        atomic_store_explicit(&a->next_free, (uint32_t)h, memory_order_relaxed);
        nh = (((h >> 32) + 1) << 32) | (uint64_t)(a->idx + 1);
    } while (!atomic_compare_exchange_weak(&sys->free_head, &h, nh));
}

/* Adds a page of slots to the free list; WB_LIMIT when the table is full. */
static wb_status grow(wr_system *sys) {
    pthread_mutex_lock(&sys->grow_lock);
    wb_status st = WB_OK;
    if ((uint32_t)atomic_load(&sys->free_head) != 0) goto out; /* someone else grew it */
    uint32_t p = atomic_load(&sys->pages_used);
    if (p >= sys->npages) {
        st = WB_LIMIT;
        goto out;
    }
    size_t bytes = sizeof(wr__actor) * PAGE_SLOTS + 64;
    void *raw = wb_calloc(&sys->alloc, 1, bytes, WB_TAG_ACTOR);
    if (!raw) {
        st = WB_NOMEM;
        goto out;
    }
    wr__actor *page = (wr__actor *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    for (uint32_t i = 0; i < PAGE_SLOTS; i++) {
        page[i].idx = (p << PAGE_SHIFT) | i;
        wr__mailbox_init(&page[i]);
    }
    sys->raw_pages[p] = raw;
    atomic_store_explicit(&sys->pages[p], page, memory_order_release);
    atomic_store(&sys->pages_used, p + 1);
    for (uint32_t i = PAGE_SLOTS; i-- > 0;) {
        if (((p << PAGE_SHIFT) | i) >= sys->cfg.max_actors) continue;
        free_push(sys, &page[i]);
    }
out:
    pthread_mutex_unlock(&sys->grow_lock);
    return st;
}

static wb_status free_pop(wr_system *sys, wr__actor **out) {
    for (;;) {
        uint64_t h = atomic_load(&sys->free_head);
        uint32_t top = (uint32_t)h;
        if (top == 0) {
            wb_status st = grow(sys);
            if (st != WB_OK) return st;
            continue;
        }
        wr__actor *a = slot_at(sys, top - 1);
        uint64_t nh = (((h >> 32) + 1) << 32) | atomic_load_explicit(&a->next_free, memory_order_relaxed);
        if (atomic_compare_exchange_weak(&sys->free_head, &h, nh)) {
            *out = a;
            return WB_OK;
        }
    }
}

void wr__slot_release(wr_system *sys, wr__actor *a) { free_push(sys, a); }

void wr__table_free(wr_system *sys) {
    if (!sys->pages) {
        wb_free(&sys->alloc, sys->raw_pages, sys->npages * sizeof *sys->raw_pages, WB_TAG_ACTOR);
        pthread_mutex_destroy(&sys->grow_lock);
        return;
    }
    uint32_t used = atomic_load(&sys->pages_used);
    for (uint32_t p = 0; p < used; p++) {
        wr__actor *page = atomic_load(&sys->pages[p]);
        for (uint32_t i = 0; i < PAGE_SLOTS; i++) {
            wr__actor *a = &page[i];
            wr_msg *m;
            while ((m = wr__mailbox_pop(a)) != NULL) wr__msg_discard(sys, m);
            wr__waiter *wt = atomic_exchange(&a->waiters, NULL);
            while (wt) {
                wr__waiter *n = wt->next;
                wb_free(&sys->alloc, wt, sizeof *wt, WB_TAG_MAILBOX);
                wt = n;
            }
        }
        wb_free(&sys->alloc, sys->raw_pages[p], sizeof(wr__actor) * PAGE_SLOTS + 64, WB_TAG_ACTOR);
    }
    wb_free(&sys->alloc, sys->pages, sys->npages * sizeof *sys->pages, WB_TAG_ACTOR);
    wb_free(&sys->alloc, sys->raw_pages, sys->npages * sizeof *sys->raw_pages, WB_TAG_ACTOR);
    sys->pages = NULL;
    pthread_mutex_destroy(&sys->grow_lock);
}

/* ---- spawning --------------------------------------------------------------- */

/* Everything a spawn needs, taken before the id is published. */
typedef struct spawn_res {
    wr__life *life;   /* the incarnation (inline in the slot when small) */
    size_t size;
    wr_msg *init;     /* INIT, later the start acknowledgement */
    wr__link *to_link, *to_watcher; /* the child's entries for link_to, monitor_by */
    wr_msg *link_sig; /* SEND_LINK: link_to's side, carried by a LINK signal */
} spawn_res;

static void spawn_unreserve(wr_system *sys, wr__actor *a, spawn_res *r) {
    if (r->life != (wr__life *)(void *)a->life_inline) wb_free(&sys->alloc, r->life, r->size, WB_TAG_ACTOR);
    wr__msg_free(sys, r->init);
    wr__link_free(sys, r->to_link);
    wr__link_free(sys, r->to_watcher);
    wr__msg_discard(sys, r->link_sig);
}

static bool spawn_reserve(wr_system *sys, wr__actor *a, size_t size, wr_id link_to, unsigned sflags,
                          wr_id monitor_by, uint64_t mon_ref, spawn_res *r) {
    *r = (spawn_res){.size = size};
    if (size <= WR__LIFE_INLINE) {
        r->life = (wr__life *)(void *)a->life_inline;
        memset(r->life, 0, size);
    } else {
        r->life = wb_calloc(&sys->alloc, 1, size, WB_TAG_ACTOR);
    }
    r->init = wr__msg_new(sys);
    if (link_to) r->to_link = wr__link_new(sys, link_to, 0);
    if (monitor_by) r->to_watcher = wr__link_new(sys, monitor_by, mon_ref);
    bool send_link = link_to && (sflags & WR__SPAWN_SEND_LINK);
    if (send_link) r->link_sig = wr__link_signal(sys, WR__SIG_LINK, 0, link_to, 0);
    return r->life && r->init && (!link_to || r->to_link) && (!monitor_by || r->to_watcher) &&
           (!send_link || r->link_sig);
}

/* The INIT message carries the incarnation: life block, init arg and the
 * child's link and monitor entries. The id is published before INIT is
 * queued, so a message sent right after spawn returns is queued after INIT
 * (or, racing, is kept aside by the runner until INIT arrived). */
wb_status wr__spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id link_to,
                    unsigned sflags, wr_id monitor_by, uint64_t mon_ref, uint64_t restarts,
                    wr_id *out, wb_error *err) {
    if (!spec || !spec->handle) return wb_error_set(err, WB_INVALID_ARG, "actor spec needs handle");
    if (spec->mailbox_policy > WR_MAILBOX_ERROR)
        return wb_error_set(err, WB_INVALID_ARG, "unknown mailbox policy %d", (int)spec->mailbox_policy);
    size_t size = sizeof(wr__life) + spec->state_size;
    if (size < spec->state_size || size > UINT32_MAX) return wb_error_set(err, WB_INVALID_ARG, "state too large");
    wr__actor *a;
    wb_status st = free_pop(sys, &a);
    if (st == WB_LIMIT) return wb_error_set(err, st, "actor table full (%u)", sys->cfg.max_actors);
    if (st != WB_OK) return wb_error_set(err, st, "no memory for actor slots");
    /* The slot is ours: its previous incarnation finished before release. */
    spawn_res r;
    if (!spawn_reserve(sys, a, size, link_to, sflags, monitor_by, mon_ref, &r)) {
        spawn_unreserve(sys, a, &r);
        free_push(sys, a);
        return wb_error_set(err, WB_NOMEM, "no memory to spawn");
    }
    wr__life *life = r.life;
    life->spec = *spec;
    life->size = (uint32_t)size;
    if (spec->name) snprintf(life->name, sizeof life->name, "%s", spec->name);
    life->spec.name = life->name;
    uint32_t cap = spec->mailbox_capacity;
    uint32_t maxb = spec->mailbox_max_bytes;
    if (!cap && !maxb) {
        cap = sys->cfg.default_mailbox_capacity;
        maxb = sys->cfg.default_mailbox_bytes;
    }
    uint32_t gen = atomic_load_explicit(&a->gen, memory_order_relaxed) + 1;
    if (gen == 0) gen = 1;
    atomic_store_explicit(&a->gen, gen, memory_order_relaxed);
    wr_id id = ((uint64_t)gen << 32) | a->idx;
    atomic_store_explicit(&a->capacity, cap, memory_order_relaxed);
    atomic_store_explicit(&a->max_bytes, maxb, memory_order_relaxed);
    atomic_store_explicit(&a->policy, (uint32_t)spec->mailbox_policy, memory_order_relaxed);
    atomic_store_explicit(&a->msgs_in, 0, memory_order_relaxed);
    atomic_store_explicit(&a->msgs_out, 0, memory_order_relaxed);
    atomic_store_explicit(&a->drops, 0, memory_order_relaxed);
    atomic_store_explicit(&a->hwm, 0, memory_order_relaxed);
    atomic_store_explicit(&a->restarts, restarts, memory_order_relaxed);
    wr_msg *m = r.init;
    m->kind = WR__SIG_INIT;
    m->to = id;
    if (sflags & WR__SPAWN_ACK) m->flags_ = WR__MF_ACK;
    void *blk[4] = {life, arg, r.to_link, r.to_watcher};
    _Static_assert(sizeof blk <= WR_INLINE_MAX, "INIT block fits inline");
    memcpy(m->data, blk, sizeof blk);
    m->len = sizeof blk;
    atomic_fetch_add(&sys->live, 1);
    atomic_fetch_add_explicit(&sys->spawned, 1, memory_order_relaxed);
    atomic_store_explicit(&a->id, id, memory_order_release);
    /* The parent's side first, so the child's exit signal is queued after it. */
    if (r.link_sig) {
        wr__link_signal_from(r.link_sig, id);
        wr__deliver(sys, NULL, r.link_sig, NULL);
    }
    wr__mailbox_push(sys, a, m);
    wr__event(sys, WR_EV_SPAWN, id, link_to ? link_to : monitor_by, 0);
    if (out) *out = id;
    return WB_OK;
}

wb_status wr_spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id *out, wb_error *err) {
    if (!sys) return wb_error_set(err, WB_INVALID_ARG, "wr_spawn: no system");
    if (atomic_load(&sys->stopping) && !wr__current_worker(sys))
        return wb_error_set(err, WB_CLOSED, "system is shutting down");
    return wr__spawn(sys, spec, arg, 0, 0, 0, 0, 0, out, err);
}

wb_status wr_ctx_spawn(wr_ctx *ctx, const wr_actor_spec *spec, void *arg, unsigned flags, wr_id *out,
                       uint64_t *ref, wb_error *err) {
    wr_system *sys = ctx->sys;
    wr__actor *self = ctx->a;
    uint64_t mref = (flags & WR_SPAWN_MONITOR) ? wr__corr_new(sys) : 0;
    /* Our side of the link and monitor, with the notices our exit owes. */
    wr__link *ml = (flags & WR_SPAWN_LINK) ? wr__link_new(sys, 0, 0) : NULL;
    wr__link *mm = mref ? wr__link_new(sys, 0, mref) : NULL;
    if (((flags & WR_SPAWN_LINK) && !ml) || (mref && !mm)) {
        wr__link_free(sys, ml);
        wr__link_free(sys, mm);
        return wb_error_set(err, WB_NOMEM, "no memory for a link or monitor");
    }
    wr_id id = 0;
    wb_status st = wr__spawn(sys, spec, arg, ml ? self->self : 0, 0, mm ? self->self : 0, mref, 0,
                             &id, err);
    if (st != WB_OK) {
        wr__link_free(sys, ml);
        wr__link_free(sys, mm);
        return st;
    }
    /* The child cannot exit into our mailbox before this turn ends. */
    if (ml) {
        ml->peer = id;
        wr__list_push(&self->links, ml);
    }
    if (mm) {
        mm->peer = id;
        wr__list_push(&self->monitors, mm);
    }
    if (ref) *ref = mref;
    if (out) *out = id;
    return WB_OK;
}

/* ---- handler-side API -------------------------------------------------------- */

wr_id wr_ctx_self(const wr_ctx *ctx) { return ctx->a->self; }
void *wr_ctx_state(const wr_ctx *ctx) {
    return (ctx->a->life && ctx->a->life->spec.state_size) ? ctx->a->life->state : NULL;
}
wr_system *wr_ctx_system(const wr_ctx *ctx) { return ctx->sys; }

void wr_ctx_exit(wr_ctx *ctx, wr_exit_kind kind, const char *text) {
    if (ctx->exiting) return; /* the first reason wins */
    ctx->exiting = true;
    ctx->exit_kind = (uint8_t)kind;
    snprintf(ctx->exit_text, sizeof ctx->exit_text, "%s", text ? text : "");
}

void wr_ctx_await(wr_ctx *ctx, uint64_t corr) { wr_ctx_await_or(ctx, corr, 0); }

void wr_ctx_await_or(wr_ctx *ctx, uint64_t corr, uint32_t tag) {
    ctx->a->park = WR__PARK_AWAIT;
    ctx->a->await_corr = corr;
    ctx->a->await_tag = tag;
}

void wr_ctx_trap_exit(wr_ctx *ctx, bool on) { ctx->a->trap_exit = on; }

wb_status wr_exit(wr_system *sys, wr_id from, wr_id target, wr_exit_kind kind, const char *text,
                  wb_error *err) {
    if (!sys || kind > WR_EXIT_NOPROC) return wb_error_set(err, WB_INVALID_ARG, "wr_exit: bad arguments");
    wr__actor *a = wr__live(sys, target);
    if (!a) return wb_error_set(err, WB_DEAD, "%016llx is not alive", (unsigned long long)target);
    if (kind == WR_EXIT_KILLED) {
        /* Untrappable and urgent: checked before every message; the kick
         * needs no memory, so a kill cannot fail. */
        atomic_store(&a->stop_kind, (uint32_t)kind);
        atomic_store(&a->stop_id, target);
        wr__kick(sys, a);
        return WB_OK;
    }
    wr_msg *m = wr__msg_new(sys);
    wb_buf *shared = text && strlen(text) >= WR_INLINE_MAX ? wr__text(text) : NULL;
    if (!m || (text && strlen(text) >= WR_INLINE_MAX && !shared)) {
        wr__msg_free(sys, m);
        wb_buf_unref(shared);
        return wb_error_set(err, WB_NOMEM, "no memory for an exit signal");
    }
    wr__msg_reset(m, WR__SIG_EXIT, from, target, kind, 0);
    m->flags_ = WR__MF_DIRECT;
    wr__msg_set_reason(m, shared, text);
    wb_buf_unref(shared);
    return wr__deliver(sys, NULL, m, err);
}

wb_status wr_actor_stats_get(wr_system *sys, wr_id id, wr_actor_stats *out) {
    wr__actor *a = sys ? wr__live(sys, id) : NULL;
    if (!a || !out) return WB_DEAD;
    out->msgs_in = atomic_load_explicit(&a->msgs_in, memory_order_relaxed);
    out->msgs_out = atomic_load_explicit(&a->msgs_out, memory_order_relaxed);
    out->drops = atomic_load_explicit(&a->drops, memory_order_relaxed);
    out->mailbox_high_water = atomic_load_explicit(&a->hwm, memory_order_relaxed);
    int64_t n = wr__queued(a);
    out->mailbox_len = n > 0 ? (uint64_t)n : 0;
    out->restarts = atomic_load_explicit(&a->restarts, memory_order_relaxed);
    int64_t b = atomic_load_explicit(&a->bytes, memory_order_relaxed);
    out->mailbox_bytes = b > 0 ? (uint64_t)b : 0;
    return atomic_load(&a->id) == id ? WB_OK : WB_DEAD;
}
