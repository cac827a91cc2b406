/* SPDX-License-Identifier: MIT */
/* The actor table (paged slots, lock-free free list, generations), spawning
 * and the handler-side API for identity, links and monitors. */
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
            while ((m = wr__mailbox_pop(a)) != NULL) wr__msg_free(sys, m);
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

/* The INIT message carries the incarnation: life block, init arg, link and
 * monitor requests. The id is published before INIT is queued, so a message
 * sent right after spawn returns is queued after INIT (or, racing, is kept
 * aside by the runner until INIT arrived). */
wb_status wr__spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id link_to,
                    unsigned sflags, wr_id monitor_by, uint64_t mon_ref, uint64_t restarts,
                    wr_id *out, wb_error *err) {
    if (!spec || !spec->handle) return wb_error_set(err, WB_INVALID_ARG, "actor spec needs handle");
    if (spec->mailbox_policy > WR_MAILBOX_ERROR)
        return wb_error_set(err, WB_INVALID_ARG, "unknown mailbox policy %d", (int)spec->mailbox_policy);
    size_t size = sizeof(wr__life) + spec->state_size;
    if (size < spec->state_size) return wb_error_set(err, WB_INVALID_ARG, "state too large");
    wr__actor *a;
    wb_status st = free_pop(sys, &a);
    if (st == WB_LIMIT) return wb_error_set(err, st, "actor table full (%u)", sys->cfg.max_actors);
    if (st != WB_OK) return wb_error_set(err, st, "no memory for actor slots");
    /* The slot is ours: its previous incarnation finished before release. */
    wr__life *life;
    if (size <= WR__LIFE_INLINE) {
        life = (wr__life *)(void *)a->life_inline;
        memset(life, 0, size);
    } else {
        life = wb_calloc(&sys->alloc, 1, size, WB_TAG_ACTOR);
    }
    wr_msg *m = wr__msg_new(sys);
    if (!life || !m) {
        if (life != (wr__life *)(void *)a->life_inline) wb_free(&sys->alloc, life, size, WB_TAG_ACTOR);
        wr__msg_free(sys, m);
        free_push(sys, a);
        return wb_error_set(err, WB_NOMEM, "no memory to spawn");
    }
    life->spec = *spec;
    life->size = size;
    if (spec->name) snprintf(life->name, sizeof life->name, "%s", spec->name);
    life->spec.name = life->name;
    if (++a->gen == 0) a->gen = 1;
    wr_id id = ((uint64_t)a->gen << 32) | a->idx;
    atomic_store_explicit(&a->capacity, spec->mailbox_capacity, memory_order_relaxed);
    atomic_store_explicit(&a->policy, (uint32_t)spec->mailbox_policy, memory_order_relaxed);
    atomic_store_explicit(&a->msgs_in, 0, memory_order_relaxed);
    atomic_store_explicit(&a->msgs_out, 0, memory_order_relaxed);
    atomic_store_explicit(&a->drops, 0, memory_order_relaxed);
    atomic_store_explicit(&a->hwm, 0, memory_order_relaxed);
    atomic_store_explicit(&a->restarts, restarts, memory_order_relaxed);
    m->kind = WR__SIG_INIT;
    m->to = id;
    if (sflags & WR__SPAWN_ACK) m->flags_ = WR__MF_ACK;
    m->corr = mon_ref;
    void *blk[4] = {life, arg, (void *)(uintptr_t)link_to, (void *)(uintptr_t)monitor_by};
    _Static_assert(sizeof blk <= WR_INLINE_MAX, "INIT block fits inline");
    memcpy(m->data, blk, sizeof blk);
    m->len = sizeof blk;
    atomic_fetch_add(&sys->live, 1);
    atomic_fetch_add_explicit(&sys->spawned, 1, memory_order_relaxed);
    atomic_store_explicit(&a->id, id, memory_order_release);
    /* The parent's side first, so the child's exit signal is queued after it. */
    if (link_to && (sflags & WR__SPAWN_SEND_LINK)) wr__signal(sys, id, link_to, WR__SIG_LINK, 0, 0, NULL);
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

static wr__link *link_new(wr_system *sys, wr_id peer, uint64_t ref) {
    wr__link *l = wb_alloc(&sys->alloc, sizeof *l, WB_TAG_ACTOR);
    if (!l) return NULL;
    l->peer = peer;
    l->ref = ref;
    l->timer = 0;
    l->next = NULL;
    return l;
}

bool wr__list_has(wr__link *l, wr_id peer) {
    for (; l; l = l->next)
        if (l->peer == peer) return true;
    return false;
}

wb_status wr__list_add(wr_system *sys, wr__link **list, wr_id peer, uint64_t ref) {
    wr__link *l = link_new(sys, peer, ref);
    if (!l) return WB_NOMEM;
    l->next = *list;
    *list = l;
    return WB_OK;
}

/* Removes the first entry matching peer (ref == 0) or ref; true if found.
 * The removed entry is returned in *out when out is non-NULL, else freed. */
bool wr__list_remove(wr_system *sys, wr__link **list, wr_id peer, uint64_t ref, wr__link **out) {
    for (wr__link **pp = list; *pp; pp = &(*pp)->next) {
        wr__link *l = *pp;
        if (ref ? l->ref == ref : l->peer == peer) {
            *pp = l->next;
            if (out) *out = l;
            else wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
            return true;
        }
    }
    return false;
}

void wr__list_free(wr_system *sys, wr__link **list) {
    while (*list) {
        wr__link *l = *list;
        *list = l->next;
        wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
    }
}

wb_status wr_ctx_spawn(wr_ctx *ctx, const wr_actor_spec *spec, void *arg, unsigned flags, wr_id *out,
                       uint64_t *ref, wb_error *err) {
    wr_system *sys = ctx->sys;
    wr__actor *self = ctx->a;
    uint64_t mref = (flags & WR_SPAWN_MONITOR) ? wr__corr_new(sys) : 0;
    /* Reserve our side first so a child that dies at once finds the link. */
    if ((flags & WR_SPAWN_LINK) && wr__list_add(sys, &self->links, 0, 0) != WB_OK)
        return wb_error_set(err, WB_NOMEM, "no memory for a link");
    if (mref && wr__list_add(sys, &self->monitors, 0, mref) != WB_OK) {
        if (flags & WR_SPAWN_LINK) wr__list_remove(sys, &self->links, 0, 0, NULL);
        return wb_error_set(err, WB_NOMEM, "no memory for a monitor");
    }
    wr_id id = 0;
    wb_status st = wr__spawn(sys, spec, arg, (flags & WR_SPAWN_LINK) ? self->self : 0, 0,
                             mref ? self->self : 0, mref, 0, &id, err);
    if (st != WB_OK) {
        if (flags & WR_SPAWN_LINK) wr__list_remove(sys, &self->links, 0, 0, NULL);
        if (mref) wr__list_remove(sys, &self->monitors, 0, mref, NULL);
        return st;
    }
    if (mref) {
        for (wr__link *l = self->monitors; l; l = l->next)
            if (l->ref == mref) l->peer = id;
    }
    if (flags & WR_SPAWN_LINK) {
        for (wr__link *l = self->links; l; l = l->next)
            if (l->peer == 0) l->peer = id;
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

wb_status wr_ctx_link(wr_ctx *ctx, wr_id other, wb_error *err) {
    wr__actor *self = ctx->a;
    if (other == self->self) return WB_OK;
    if (wr__list_has(self->links, other)) return WB_OK;
    if (!wr__live(ctx->sys, other))
        return wb_error_set(err, WB_DEAD, "link: %016llx is not alive", (unsigned long long)other);
    if (wr__list_add(ctx->sys, &self->links, other, 0) != WB_OK)
        return wb_error_set(err, WB_NOMEM, "no memory for a link");
    wr__signal(ctx->sys, self->self, other, WR__SIG_LINK, 0, 0, NULL);
    return WB_OK;
}

void wr_ctx_unlink(wr_ctx *ctx, wr_id other) {
    if (wr__list_remove(ctx->sys, &ctx->a->links, other, 0, NULL))
        wr__signal(ctx->sys, ctx->a->self, other, WR__SIG_UNLINK, 0, 0, NULL);
}

wb_status wr_ctx_monitor(wr_ctx *ctx, wr_id other, uint64_t *ref, wb_error *err) {
    uint64_t r = wr__corr_new(ctx->sys);
    if (wr__list_add(ctx->sys, &ctx->a->monitors, other, r) != WB_OK)
        return wb_error_set(err, WB_NOMEM, "no memory for a monitor");
    /* A dead target answers with DOWN noproc (see wr__dead_letter). */
    wr__signal(ctx->sys, ctx->a->self, other, WR__SIG_MONITOR, 0, r, NULL);
    if (ref) *ref = r;
    return WB_OK;
}

void wr_ctx_demonitor(wr_ctx *ctx, uint64_t ref) {
    wr__link *l;
    if (wr__list_remove(ctx->sys, &ctx->a->monitors, 0, ref, &l)) {
        wr__signal(ctx->sys, ctx->a->self, l->peer, WR__SIG_DEMONITOR, 0, ref, NULL);
        wb_free(&ctx->sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
    }
}

wb_status wr_exit(wr_system *sys, wr_id from, wr_id target, wr_exit_kind kind, const char *text,
                  wb_error *err) {
    if (!sys || kind > WR_EXIT_NOPROC) return wb_error_set(err, WB_INVALID_ARG, "wr_exit: bad arguments");
    wr__actor *a = wr__live(sys, target);
    if (!a) return wb_error_set(err, WB_DEAD, "%016llx is not alive", (unsigned long long)target);
    if (kind == WR_EXIT_KILLED) {
        /* Untrappable and urgent: checked before every message. */
        atomic_store(&a->stop_kind, (uint32_t)kind);
        atomic_store(&a->stop_id, target);
        wr__signal(sys, from, target, WR__SIG_WAKE, 0, 0, NULL);
        return WB_OK;
    }
    wr_msg *m = wr__msg_new(sys);
    if (!m) return wb_error_set(err, WB_NOMEM, "no memory for an exit signal");
    m->kind = WR__SIG_EXIT;
    m->flags_ = WR__MF_DIRECT;
    m->from = from;
    m->to = target;
    m->tag = kind;
    m->meta = wr__text(text);
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
    return atomic_load(&a->id) == id ? WB_OK : WB_DEAD;
}
