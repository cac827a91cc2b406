/* SPDX-License-Identifier: MIT */
/* One actor turn: pop messages up to the budget, act on signals, run the
 * handler, park and defer, and the exit path (terminate, links, monitors). */
#include <stdio.h>
#include <string.h>

#include "rt/internal.h"

static void save(wr__actor *a, wr_msg *m) {
    atomic_store_explicit(&m->next_, NULL, memory_order_relaxed);
    if (a->saved_tail) atomic_store_explicit(&a->saved_tail->next_, m, memory_order_relaxed);
    else a->saved_head = m;
    a->saved_tail = m;
}

static wr_msg *saved_pop(wr__actor *a) {
    wr_msg *m = a->saved_head;
    if (m) {
        a->saved_head = atomic_load_explicit(&m->next_, memory_order_relaxed);
        if (!a->saved_head) a->saved_tail = NULL;
    }
    return m;
}

/* Field by field: zeroing the whole context (its exit text) per message
 * showed up as the top cost of a ping-pong hop. */
static inline void ctx_init(wr_ctx *ctx, wr__worker *w, wr__actor *a, const wr_msg *m) {
    ctx->sys = w->sys;
    ctx->w = w;
    ctx->a = a;
    ctx->msg = m;
    ctx->exiting = false;
    ctx->defer_ack = false;
    ctx->exit_kind = 0;
    ctx->bp_target = 0;
    ctx->exit_text[0] = '\0';
}

/* A parked sender runs again once its `unparks` moved (wr__run_turn). One
 * that exited meanwhile is left alone (a turn on its slot would be wasted,
 * and a next incarnation there is not ours to unpark). */
static void unpark(wr_system *sys, wr_id id) {
    wr__actor *s = wr__slot(sys, id);
    if (!s || atomic_load_explicit(&s->id, memory_order_acquire) != id) return;
    atomic_fetch_add(&s->unparks, 1);
    wr__kick(sys, s);
}

/* Tell senders parked on our full mailbox that there is room (or that we died). */
static void wake_waiters(wr_system *sys, wr__actor *a, int64_t queued, bool force) {
    if (!atomic_load_explicit(&a->waiters, memory_order_acquire)) return;
    uint32_t cap = atomic_load_explicit(&a->capacity, memory_order_relaxed);
    int64_t room = cap ? (int64_t)cap : WR__SOFT_LOW;
    uint64_t maxb = atomic_load_explicit(&a->max_bytes, memory_order_relaxed);
    if (!force && (queued >= room ||
                   (maxb && atomic_load_explicit(&a->bytes, memory_order_relaxed) >= (int64_t)maxb)))
        return;
    wr__waiter *wt = atomic_exchange(&a->waiters, NULL);
    while (wt) {
        wr__waiter *n = wt->next;
        unpark(sys, wt->id);
        wb_free(&sys->alloc, wt, sizeof *wt, WB_TAG_MAILBOX);
        wt = n;
    }
}

void wr_ctx_defer_start(wr_ctx *ctx) { ctx->defer_ack = true; }

void wr_ctx_started(wr_ctx *ctx) { wr__ack_started(ctx); }

void wr__ack_started(wr_ctx *ctx) {
    wr_msg *k = ctx->a->ack;
    if (!k) return;
    ctx->a->ack = NULL;
    wr__deliver(ctx->sys, NULL, k, NULL);
}

static void exit_actor(wr__worker *w, wr__actor *a, wr_exit_kind why, const char *text) {
    wr_system *sys = w->sys;
    wr_id id = a->self;
    atomic_store(&a->id, 0); /* from here on, sends to id fail */
    wr_ctx ctx;
    ctx_init(&ctx, w, a, NULL);
    ctx.exiting = true;
    if (a->life->spec.terminate) a->life->spec.terminate(&ctx, why, text ? text : "");
    /* Names and subscriptions go before anyone hears of the exit, so a
     * supervisor restarting at once finds the name free. */
    if (atomic_load(&a->reg_name)) wr__registry_drop(sys, a, id);
    if (atomic_load(&a->nsubs)) wr__broker_drop(sys, id);
    wr_events_unsubscribe(sys, id);
    wr__links_notify(sys, a, id, why, text);
    wr__msg_free(sys, a->ack);
    a->ack = NULL;
    for (wr__link *p = a->pending; p; p = p->next)
        if (p->timer) wr__timer_cancel(sys, p->timer);
    wr__list_free(sys, &a->pending);
    wr_msg *m;
    while ((m = saved_pop(a)) != NULL) wr__dead_letter(sys, m);
    wr__msg_free(sys, a->current);
    a->current = NULL;
    if (a->life != (wr__life *)(void *)a->life_inline) wb_free(&sys->alloc, a->life, a->life->size, WB_TAG_ACTOR);
    a->life = NULL;
    a->self = 0;
    a->park = WR__PARK_NONE;
    a->await_corr = 0;
    a->await_tag = 0;
    a->trap_exit = false;
    a->budget = 0;
    wake_waiters(sys, a, 0, true);
    atomic_fetch_add_explicit(&sys->exited, 1, memory_order_relaxed);
    wr__event(sys, WR_EV_EXIT, id, 0, why);
    atomic_fetch_sub(&sys->live, 1);
    wr__slot_release(sys, a);
}

static void after_handler(wr_ctx *ctx) {
    wr__actor *a = ctx->a;
    if (ctx->bp_target && a->park == WR__PARK_NONE) {
        a->park = WR__PARK_BACKPRESSURE;
        a->park_seq = ctx->park_seq;
    }
    if (ctx->exiting) exit_actor(ctx->w, a, (wr_exit_kind)ctx->exit_kind, ctx->exit_text);
}

/* Calls the handler; returns true if it yielded (message kept in current). */
static bool call_handler(wr__worker *w, wr__actor *a, wr_msg *m) {
    wr_ctx ctx;
    ctx_init(&ctx, w, a, m);
    atomic_store_explicit(&a->msgs_in, atomic_load_explicit(&a->msgs_in, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    wr_turn r = a->life->spec.handle(&ctx, m);
    bool yielded = (r == WR_YIELD && !ctx.exiting);
    if (yielded) a->current = m;
    else wr__msg_free(w->sys, m);
    after_handler(&ctx);
    return yielded && a->self != 0;
}

static void init_actor(wr__worker *w, wr__actor *a, wr_msg *m) {
    wr_system *sys = w->sys;
    void *blk[4];
    memcpy(blk, m->data, sizeof blk);
    wr__life *life = blk[0];
    wr__link *to_link = blk[2], *to_watcher = blk[3];
    a->self = m->to;
    a->life = life;
    a->budget = life->spec.budget;
    if (to_link) wr__list_push(&a->links, to_link);
    if (to_watcher) wr__list_push(&a->watchers, to_watcher);
    if ((m->flags_ & WR__MF_ACK) && to_link) { /* INIT's envelope becomes the acknowledgement */
        wr__msg_reset(m, WR_MSG_USER, a->self, to_link->peer, WR__TAG_STARTED, 0);
        a->ack = m;
    } else {
        wr__msg_free(sys, m);
    }
    wr_ctx ctx;
    ctx_init(&ctx, w, a, NULL);
    if (life->spec.init) {
        wb_status st = life->spec.init(&ctx, blk[1]);
        if (st != WB_OK && !ctx.exiting) {
            char text[120];
            snprintf(text, sizeof text, "init failed: %s", wb_status_str(st));
            wr_ctx_exit(&ctx, WR_EXIT_ERROR, text);
        }
    }
    if (!ctx.exiting && !ctx.defer_ack) wr__ack_started(&ctx);
    after_handler(&ctx);
}

static void on_exit_signal(wr__worker *w, wr__actor *a, wr_msg *m) {
    wr_exit_kind why = (wr_exit_kind)m->tag;
    if (!(m->flags_ & WR__MF_DIRECT) && !wr__list_remove(w->sys, &a->links, m->from, 0, NULL)) {
        wr__msg_free(w->sys, m); /* unlinked meanwhile */
        return;
    }
    if (a->trap_exit) {
        m->kind = WR_MSG_EXIT;
        m->flags_ = 0;
        if (a->park != WR__PARK_NONE) save(a, m);
        else call_handler(w, a, m);
        return;
    }
    if (why == WR_EXIT_NORMAL) {
        wr__msg_free(w->sys, m);
        return;
    }
    char text[200];
    snprintf(text, sizeof text, "%s", wr__msg_text(m));
    wr__msg_free(w->sys, m);
    exit_actor(w, a, why, text);
}

/* A user-visible message for the live incarnation. Returns true on yield. */
static bool on_message(wr__worker *w, wr__actor *a, wr_msg *m) {
    wr_system *sys = w->sys;
    if (a->park == WR__PARK_BACKPRESSURE) {
        save(a, m);
        return false;
    }
    if (a->park == WR__PARK_AWAIT) {
        bool awaited = (m->kind == WR_MSG_REPLY || m->kind == WR_MSG_TIMEOUT) && m->corr == a->await_corr;
        bool urgent = a->await_tag && m->kind == WR_MSG_USER && m->tag == a->await_tag;
        if (!awaited && !urgent) {
            save(a, m);
            return false;
        }
        a->park = WR__PARK_NONE;
        a->await_corr = 0;
        a->await_tag = 0;
    }
    wr__link *p;
    switch (m->kind) {
    case WR_MSG_REPLY:
        if (!wr__list_remove(sys, &a->pending, 0, m->corr, &p)) {
            if (a->life->spec.late_replies) break; /* late: the handler counts it */
            wr__dead_letter(sys, m); /* late: its timeout was already delivered */
            return false;
        }
        if (p->timer) wr__timer_cancel(sys, p->timer);
        wb_free(&sys->alloc, p, sizeof *p, WB_TAG_ACTOR);
        break;
    case WR_MSG_TIMEOUT:
        if (!wr__list_remove(sys, &a->pending, 0, m->corr, NULL)) {
            wr__msg_free(sys, m); /* the reply won the race */
            return false;
        }
        break;
    case WR_MSG_DOWN:
        if (!wr__list_remove(sys, &a->monitors, 0, m->corr, NULL)) {
            wr__msg_free(sys, m); /* demonitored meanwhile */
            return false;
        }
        break;
    default:
        break;
    }
    return call_handler(w, a, m);
}

/* Handles one popped message; returns true if the handler yielded. */
static bool process(wr__worker *w, wr__actor *a, wr_msg *m) {
    wr_system *sys = w->sys;
    if (m->kind == WR__SIG_INIT) {
        init_actor(w, a, m);
        return false;
    }
    if (m->to != a->self || a->self == 0) {
        if (a->self == 0 && m->to == atomic_load_explicit(&a->id, memory_order_acquire))
            save(a, m); /* raced ahead of its INIT */
        else
            wr__dead_letter(sys, m);
        return false;
    }
    switch (m->kind) {
    case WR__SIG_LINK:
    case WR__SIG_MONITOR:
        wr__link_take(sys, a, m); /* the envelope becomes the entry's notice */
        return false;
    case WR__SIG_UNLINK:
        wr__list_remove(sys, &a->links, m->from, 0, NULL);
        break;
    case WR__SIG_EXIT:
        on_exit_signal(w, a, m);
        return false;
    case WR__SIG_DEMONITOR:
        wr__list_remove(sys, &a->watchers, 0, m->corr, NULL);
        break;
    default:
        return on_message(w, a, m);
    }
    wr__msg_free(sys, m);
    return false;
}

/* DROP_OLDEST: while more than the bounds is queued, the oldest goes (m has
 * left the mailbox and its bytes the count: both add it back). */
static bool trim_oldest(wr_system *sys, wr__actor *a, wr_msg *m) {
    if (!wr__bounded_kind(m->kind) || m->to != a->self) return false;
    uint32_t cap = atomic_load_explicit(&a->capacity, memory_order_relaxed);
    uint64_t maxb = atomic_load_explicit(&a->max_bytes, memory_order_relaxed);
    if (!(cap | maxb) || atomic_load_explicit(&a->policy, memory_order_relaxed) != WR_MAILBOX_DROP_OLDEST)
        return false;
    bool over = (cap && wr__queued(a) + 1 > (int64_t)cap) ||
                (maxb && atomic_load_explicit(&a->bytes, memory_order_relaxed) + (int64_t)wr__msg_size(m) >
                             (int64_t)maxb);
    if (!over) return false;
    wr__count_drop(sys, a, m->from, WR_MAILBOX_DROP_OLDEST);
    wr__msg_free(sys, m);
    return true;
}

/* Takes m's bytes out of the byte count as it leaves the mailbox. */
static inline void uncount_bytes(wr__actor *a, wr_msg *m) {
    if (!(m->flags_ & WR__MF_BYTES)) return;
    m->flags_ &= (uint16_t)~WR__MF_BYTES;
    atomic_fetch_sub_explicit(&a->bytes, (int64_t)wr__msg_size(m), memory_order_relaxed);
}

/* The scheduling protocol: `count` holds one unit per pushed message plus
 * one "token" while the actor must run again without new mail (yielded, or
 * deferred messages to replay). The runner subtracts what it consumed; if
 * anything is left it requeues itself, else the next 0 -> 1 push schedules. */
void wr__run_turn(wr__worker *w, wr__actor *a) {
    wr_system *sys = w->sys;
    uint32_t budget = a->budget ? a->budget : sys->cfg.budget;
    bool had_token = a->token;
    int64_t popped = 0;
    a->token = false;
    /* A kick's unit: taken before the loop, whose first check is the stop
     * word, and before the unpark check (a kick brings both). */
    int64_t kicked = 0;
    if (atomic_load_explicit(&a->kick, memory_order_relaxed)) {
        kicked = atomic_exchange(&a->kick, 0);
        atomic_store_explicit(&a->taken, had_token + kicked, memory_order_relaxed);
    }
    if (a->park == WR__PARK_BACKPRESSURE &&
        atomic_load_explicit(&a->unparks, memory_order_acquire) != a->park_seq)
        a->park = WR__PARK_NONE;
    for (uint32_t n = 0; n < budget; n++) {
        if (a->self && atomic_load_explicit(&a->stop_id, memory_order_acquire) == a->self) {
            exit_actor(w, a, (wr_exit_kind)atomic_load(&a->stop_kind), NULL);
            continue;
        }
        if (a->current && a->park == WR__PARK_NONE) {
            wr_msg *m = a->current;
            a->current = NULL;
            if (call_handler(w, a, m)) break;
            continue;
        }
        wr_msg *m = NULL;
        if (a->self && a->park == WR__PARK_NONE) m = saved_pop(a);
        if (!m) {
            m = wr__mailbox_pop(a);
            if (!m) break;
            popped++;
            atomic_store_explicit(&a->taken, popped + had_token + kicked, memory_order_relaxed);
            uncount_bytes(a, m);
            if (trim_oldest(sys, a, m)) {
                n--;
                continue;
            }
        }
        if (process(w, a, m)) break;
    }
    bool need_token = a->self && a->park == WR__PARK_NONE && (a->current || a->saved_head);
    a->token = need_token;
    int64_t units = popped + (had_token ? 1 : 0) + kicked - (need_token ? 1 : 0);
    int64_t left = atomic_fetch_sub(&a->count, units) - units;
    atomic_store_explicit(&a->taken, need_token ? 1 : 0, memory_order_relaxed);
    wake_waiters(sys, a, left, false);
    if (left > 0) wr__requeue(w, a);
}

/* System halt: every live actor stops at its next message boundary. */
void wr__stop_all(wr_system *sys) {
    uint32_t used = atomic_load(&sys->pages_used);
    for (uint32_t p = 0; p < used; p++) {
        for (uint32_t i = 0; i < 4096; i++) {
            wr__actor *a = wr__slot(sys, ((uint64_t)p << 12) | i);
            wr_id id = atomic_load(&a->id);
            if (!id) continue;
            atomic_store(&a->stop_kind, WR_EXIT_SHUTDOWN);
            atomic_store(&a->stop_id, id);
            wr__kick(sys, a);
        }
    }
}
