/* SPDX-License-Identifier: MIT */
/* Message payloads, the MPSC mailbox (Vyukov intrusive queue) and message
 * routing with the bounded-mailbox policies. */
#include <string.h>

#include "rt/internal.h"

/* ---- envelopes ------------------------------------------------------------ */

wb_status wr__msg_fill(wr_system *sys, wr_msg *m, const void *data, size_t len) {
    (void)sys;
    if (len <= WR_INLINE_MAX) {
        if (len) memcpy(m->data, data, len);
        m->len = (uint32_t)len;
        return WB_OK;
    }
    m->payload = wb_buf_from(data, len);
    return m->payload ? WB_OK : WB_NOMEM;
}

wr_msg *wr__msg_clone(wr_system *sys, const wr_msg *src) {
    wr_msg *m = wr__msg_new(sys);
    if (!m) return NULL;
    m->from = src->from;
    m->to = src->to;
    m->kind = src->kind;
    m->flags_ = src->flags_;
    m->tag = src->tag;
    m->corr = src->corr;
    m->payload = wb_buf_ref(src->payload);
    m->meta = wb_buf_ref(src->meta);
    m->len = src->len;
    memcpy(m->data, src->data, src->len);
    return m;
}

wb_buf *wr__text(const char *s) {
    if (!s || !*s) return NULL;
    return wb_buf_from(s, strlen(s) + 1);
}

const void *wr_msg_bytes(const wr_msg *m, size_t *len) {
    if (m->payload) {
        if (len) *len = m->payload->len;
        return m->payload->data;
    }
    if (len) *len = m->len;
    return m->data;
}

const char *wr_msg_reason(const wr_msg *m) {
    if (m->kind == WR_MSG_EXIT || m->kind == WR_MSG_DOWN) return wr__msg_text(m);
    return "";
}

const char *wr_msg_topic(const wr_msg *m) {
    if (m->kind == WR_MSG_PUBLISH && m->meta) return (const char *)m->meta->data;
    return "";
}

/* ---- the queue ------------------------------------------------------------- */

void wr__mailbox_init(wr__actor *a) {
    atomic_store_explicit(&a->stub.next_, NULL, memory_order_relaxed);
    a->head = wr__stub(a);
    atomic_store_explicit(&a->tail, wr__stub(a), memory_order_relaxed);
}

static void queue_push(wr__actor *a, wr_msg *m) {
    atomic_store_explicit(&m->next_, NULL, memory_order_relaxed);
    wr_msg *prev = atomic_exchange_explicit(&a->tail, m, memory_order_acq_rel);
    atomic_store_explicit(&prev->next_, m, memory_order_release);
}

/* Push, then count: when count goes 0 -> 1 the pusher schedules the actor.
 * A runner that pops a message before its count lands subtracts it first;
 * the late increment then cannot reach 1 (see wr__run_turn). */
void wr__mailbox_push(wr_system *sys, wr__actor *a, wr_msg *m) {
    queue_push(a, m);
    int64_t old = atomic_fetch_add_explicit(&a->count, 1, memory_order_acq_rel);
    if (old == 0) wr__schedule(sys, a);
    uint64_t n = (uint64_t)(old + 1);
    if (old >= 0 && n > atomic_load_explicit(&a->hwm, memory_order_relaxed))
        atomic_store_explicit(&a->hwm, n, memory_order_relaxed);
}

wr_msg *wr__mailbox_pop(wr__actor *a) {
    wr_msg *head = a->head;
    wr_msg *next = atomic_load_explicit(&head->next_, memory_order_acquire);
    if (head == wr__stub(a)) {
        if (!next) return NULL;
        a->head = next;
        head = next;
        next = atomic_load_explicit(&next->next_, memory_order_acquire);
    }
    if (next) {
        a->head = next;
        /* The producer wrote next on its core: fetch it while head is handled. */
        __builtin_prefetch(next, 0);
        return head;
    }
    if (atomic_load_explicit(&a->tail, memory_order_acquire) != head) return NULL; /* push in flight */
    queue_push(a, wr__stub(a));
    next = atomic_load_explicit(&head->next_, memory_order_acquire);
    if (next) {
        a->head = next;
        return head;
    }
    return NULL;
}

/* ---- routing ------------------------------------------------------------- */

void wr__dead_letter(wr_system *sys, wr_msg *m) {
    switch (m->kind) {
    case WR__SIG_LINK: case WR__SIG_MONITOR:
        wr__link_answer_dead(sys, m);
        return;
    case WR__SIG_UNLINK: case WR__SIG_EXIT: case WR__SIG_DEMONITOR:
    case WR__SIG_KILL: case WR__SIG_INIT: case WR_MSG_TIMEOUT: case WR_MSG_EVENT:
        break;
    default:
        atomic_fetch_add_explicit(&sys->dead_letters, 1, memory_order_relaxed);
        if (!(m->flags_ & WR__MF_NO_EVENT) && !atomic_load(&sys->halting))
            wr__event(sys, WR_EV_DEAD_LETTER, m->to, m->from, m->kind);
        break;
    }
    wr__msg_discard(sys, m);
}

void wr__count_drop(wr_system *sys, wr__actor *a, wr_id from, uint32_t policy) {
    atomic_fetch_add_explicit(&a->drops, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&sys->drops, 1, memory_order_relaxed);
    wr__event(sys, WR_EV_DROP, atomic_load_explicit(&a->id, memory_order_relaxed), from, policy);
}

bool wr__mailbox_full(wr__actor *a, size_t size) {
    uint32_t cap = atomic_load_explicit(&a->capacity, memory_order_relaxed);
    if (cap && wr__queued(a) >= (int64_t)cap) return true;
    uint64_t maxb = atomic_load_explicit(&a->max_bytes, memory_order_relaxed);
    if (!maxb) return false;
    int64_t queued = atomic_load_explicit(&a->bytes, memory_order_relaxed);
    return size > maxb || (queued > 0 && (uint64_t)queued + size > maxb);
}

/* Park the sending actor on a full WAIT mailbox: register before pushing so
 * the receiver's turn that consumes our message sees the registration. The
 * receiver wakes us by bumping our `unparks` (recorded here first, so a wake
 * that comes before our handler returns still counts) and a kick: waking
 * needs no memory. */
static void park_sender(wr_system *sys, wr_ctx *ctx, wr__actor *a, wr_id to) {
    if (ctx->bp_target) return; /* already parked on someone this turn */
    wr__waiter *wt = wb_alloc(&sys->alloc, sizeof *wt, WB_TAG_MAILBOX);
    if (!wt) return; /* cannot park: the message still goes through, over the bound */
    wt->id = ctx->a->self;
    ctx->park_seq = atomic_load_explicit(&ctx->a->unparks, memory_order_acquire);
    wt->next = atomic_load_explicit(&a->waiters, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&a->waiters, &wt->next, wt, memory_order_acq_rel,
                                                  memory_order_relaxed)) {
    }
    ctx->bp_target = to;
}

/* Non-worker sender on a full WAIT mailbox: poll with growing sleeps. */
static wb_status wait_for_room(wr_system *sys, wr__actor *a, wr_id to, size_t size) {
    uint64_t deadline = wb_now_ns() + sys->cfg.send_wait_ns;
    uint64_t nap = 20000;
    while (wr__mailbox_full(a, size)) {
        if (atomic_load_explicit(&a->id, memory_order_acquire) != to) return WB_DEAD;
        if (wb_now_ns() >= deadline) return WB_TIMEOUT;
        wb_sleep_ns(nap);
        if (nap < 1000000) nap *= 2;
    }
    return WB_OK;
}

/* m (a bounded kind) found a's mailbox full: a's policy decides. Returns true
 * when m was consumed (dropped, or refused with *st for the sender), false
 * when it is queued anyway (DROP_OLDEST trims at the receiver; WAIT parked
 * the sending actor, or found room, or cannot wait on this thread). */
static bool on_full(wr_system *sys, wr_ctx *sender, wr__actor *a, wr_msg *m, size_t size,
                    wb_status *st, wb_error *err) {
    uint32_t policy = atomic_load_explicit(&a->policy, memory_order_relaxed);
    uint64_t maxb = atomic_load_explicit(&a->max_bytes, memory_order_relaxed);
    bool never = maxb && size > maxb; /* waiting or trimming cannot make room */
    wr_id to = m->to;
    *st = WB_OK;
    if (policy == WR_MAILBOX_DROP_NEWEST || (policy == WR_MAILBOX_DROP_OLDEST && never)) {
        wr__count_drop(sys, a, m->from, policy);
        wr__msg_free(sys, m);
        return true;
    }
    if (policy == WR_MAILBOX_DROP_OLDEST) return false;
    if (policy == WR_MAILBOX_ERROR || never) {
        wr__msg_free(sys, m);
        *st = never ? wb_error_set(err, WB_FULL, "a %zu byte message exceeds the mailbox bound of %016llx (%llu bytes)",
                                   size, (unsigned long long)to, (unsigned long long)maxb)
                    : wb_error_set(err, WB_FULL, "mailbox of %016llx is full", (unsigned long long)to);
        return true;
    }
    if (sender) {
        park_sender(sys, sender, a, to);
        return false;
    }
    if ((m->flags_ & WR__MF_NOWAIT) || wr__current_worker(sys)) return false; /* never block a worker */
    wb_status w = wait_for_room(sys, a, to, size);
    if (w == WB_OK) return false;
    if (w == WB_DEAD) wr__dead_letter(sys, m);
    else wr__msg_free(sys, m);
    *st = wb_error_set(err, w, "mailbox of %016llx stayed full", (unsigned long long)to);
    return true;
}

wb_status wr__deliver(wr_system *sys, wr_ctx *sender, wr_msg *m, wb_error *err) {
    wr__actor *a = wr__slot(sys, m->to);
    if (!a || atomic_load_explicit(&a->id, memory_order_acquire) != m->to || m->to == 0) {
        wr_id to = m->to;
        wr__dead_letter(sys, m);
        return wb_error_set(err, WB_DEAD, "actor %016llx is not alive", (unsigned long long)to);
    }
    if (m->kind == WR__SIG_KILL) {
        atomic_store(&a->stop_kind, m->tag);
        atomic_store(&a->stop_id, m->to);
        wr__msg_free(sys, m);
        wr__kick(sys, a);
        return WB_OK;
    }
    uint32_t cap = atomic_load_explicit(&a->capacity, memory_order_relaxed);
    uint64_t maxb = atomic_load_explicit(&a->max_bytes, memory_order_relaxed);
    if (cap | maxb) {
        size_t size = wr__msg_size(m);
        wb_status st;
        if (wr__bounded_kind(m->kind) && wr__mailbox_full(a, size) &&
            on_full(sys, sender, a, m, size, &st, err))
            return st;
        if (maxb) { /* counted before the push, so the runner's subtraction never comes first */
            m->flags_ |= WR__MF_BYTES;
            atomic_fetch_add_explicit(&a->bytes, (int64_t)size, memory_order_relaxed);
        }
    }
    /* Soft limit of unbounded mailboxes (WR__SOFT_HIGH). The count includes
     * what the target's running turn took: close enough for a limit. Like
     * WAIT, register before the push, so the turn that takes it sees us. */
    if (!cap && sender && sender->a != a && wr__bounded_kind(m->kind) &&
        atomic_load_explicit(&a->count, memory_order_relaxed) >= WR__SOFT_HIGH)
        park_sender(sys, sender, a, m->to);
    wr__mailbox_push(sys, a, m);
    return WB_OK;
}

/* A work unit without a message: the flag makes one at a time, the runner
 * takes it at the start of a turn and then checks the stop word. */
void wr__kick(wr_system *sys, wr__actor *a) {
    if (atomic_exchange(&a->kick, 1)) return; /* pending: that run sees our stop too */
    if (atomic_fetch_add_explicit(&a->count, 1, memory_order_acq_rel) == 0) wr__schedule(sys, a);
}

/* ---- public sends ------------------------------------------------------- */

static wb_status send_common(wr_system *sys, wr_ctx *ctx, wr_id from, wr_id to, uint16_t kind,
                             uint32_t tag, uint64_t corr, const void *data, size_t len, wb_buf *buf,
                             wb_error *err) {
    wr_msg *m = wr__msg_new(sys);
    if (!m) {
        wb_buf_unref(buf);
        return wb_error_set(err, WB_NOMEM, "no memory for a message");
    }
    m->from = from;
    m->to = to;
    m->kind = kind;
    m->tag = tag;
    m->corr = corr;
    if (buf) {
        m->payload = buf;
    } else if (wr__msg_fill(sys, m, data, len) != WB_OK) {
        wr__msg_free(sys, m);
        return wb_error_set(err, WB_NOMEM, "no memory for a %zu byte payload", len);
    }
    wb_status st = wr__deliver(sys, ctx, m, err);
    if (st == WB_OK && ctx) {
        atomic_store_explicit(&ctx->a->msgs_out,
                              atomic_load_explicit(&ctx->a->msgs_out, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    }
    return st;
}

wb_status wr_send(wr_system *sys, wr_id to, uint32_t tag, const void *data, size_t len,
                  wb_error *err) {
    if (!sys || (len && !data)) return wb_error_set(err, WB_INVALID_ARG, "wr_send: bad arguments");
    if (atomic_load(&sys->stopping)) return wb_error_set(err, WB_CLOSED, "system is shutting down");
    return send_common(sys, NULL, 0, to, WR_MSG_USER, tag, 0, data, len, NULL, err);
}

wb_status wr_send_buf(wr_system *sys, wr_id from, wr_id to, uint32_t tag, wb_buf *buf,
                      wb_error *err) {
    if (!sys || !buf) {
        wb_buf_unref(buf);
        return wb_error_set(err, WB_INVALID_ARG, "wr_send_buf: bad arguments");
    }
    if (atomic_load(&sys->stopping)) {
        wb_buf_unref(buf);
        return wb_error_set(err, WB_CLOSED, "system is shutting down");
    }
    return send_common(sys, NULL, from, to, WR_MSG_USER, tag, 0, NULL, 0, buf, err);
}

wb_status wr_ctx_send(wr_ctx *ctx, wr_id to, uint32_t tag, const void *data, size_t len,
                      wb_error *err) {
    if (len && !data) return wb_error_set(err, WB_INVALID_ARG, "wr_ctx_send: NULL data");
    return send_common(ctx->sys, ctx, ctx->a->self, to, WR_MSG_USER, tag, 0, data, len, NULL, err);
}

wb_status wr_ctx_send_buf(wr_ctx *ctx, wr_id to, uint32_t tag, wb_buf *buf, wb_error *err) {
    if (!buf) return wb_error_set(err, WB_INVALID_ARG, "wr_ctx_send_buf: NULL buffer");
    return send_common(ctx->sys, ctx, ctx->a->self, to, WR_MSG_USER, tag, 0, NULL, 0, buf, err);
}

/* Opens a pending request (corr, and a TIMEOUT armed after timeout_ns when
 * non-zero) on the running actor; *out is its record. */
static wb_status pending_open(wr_ctx *ctx, wr_id to, uint32_t tag, uint64_t timeout_ns, wr__link **out,
                              wb_error *err) {
    wr_system *sys = ctx->sys;
    wr__link *p = wb_alloc(&sys->alloc, sizeof *p, WB_TAG_ACTOR);
    if (!p) return wb_error_set(err, WB_NOMEM, "no memory for a request");
    p->peer = to;
    p->ref = wr__corr_new(sys);
    p->timer = 0;
    p->note = NULL; /* a request owes no one a notice */
    if (timeout_ns) {
        wr_msg *t = wr__msg_new(sys);
        if (!t) {
            wb_free(&sys->alloc, p, sizeof *p, WB_TAG_ACTOR);
            return wb_error_set(err, WB_NOMEM, "no memory for a request timer");
        }
        t->kind = WR_MSG_TIMEOUT;
        t->flags_ = WR__MF_NOWAIT;
        t->from = to;
        t->to = ctx->a->self;
        t->tag = tag;
        t->corr = p->ref;
        wb_status st = wr__timer_add(sys, t, timeout_ns, 0, &p->timer, err);
        if (st != WB_OK) {
            wb_free(&sys->alloc, p, sizeof *p, WB_TAG_ACTOR);
            return st;
        }
    }
    p->next = ctx->a->pending;
    ctx->a->pending = p;
    *out = p;
    return WB_OK;
}

wb_status wr_ctx_request(wr_ctx *ctx, wr_id to, uint32_t tag, const void *data, size_t len,
                         uint64_t timeout_ns, uint64_t *corr, wb_error *err) {
    if (len && !data) return wb_error_set(err, WB_INVALID_ARG, "wr_ctx_request: NULL data");
    wr__link *p = NULL;
    wb_status st = pending_open(ctx, to, tag, timeout_ns, &p, err);
    if (st != WB_OK) return st;
    if (corr) *corr = p->ref;
    /* A failed send still leaves the timeout armed: the requester learns of
     * the failure both from the status and, uniformly, from TIMEOUT. */
    return send_common(ctx->sys, ctx, ctx->a->self, to, WR_MSG_REQUEST, tag, p->ref, data, len, NULL,
                       err);
}

wb_status wr_ctx_sleep(wr_ctx *ctx, uint64_t ns, uint64_t *corr, wb_error *err) {
    wr__link *p = NULL;
    /* UINT64_MAX: no timer at all (only wr_send_reply ends such a wait) */
    wb_status st = pending_open(ctx, ctx->a->self, 0, ns == UINT64_MAX ? 0 : ns ? ns : 1, &p, err);
    if (st == WB_OK && corr) *corr = p->ref;
    return st;
}

wb_status wr_send_reply(wr_system *sys, wr_id to, uint64_t corr, uint32_t tag, const void *data,
                        size_t len, wb_error *err) {
    if (!sys || !corr || (len && !data)) return wb_error_set(err, WB_INVALID_ARG, "wr_send_reply: bad arguments");
    if (atomic_load(&sys->stopping)) return wb_error_set(err, WB_CLOSED, "system is shutting down");
    return send_common(sys, NULL, 0, to, WR_MSG_REPLY, tag, corr, data, len, NULL, err);
}

wb_status wr_ctx_reply(wr_ctx *ctx, const wr_msg *req, uint32_t tag, const void *data, size_t len,
                       wb_error *err) {
    if (!req || req->kind != WR_MSG_REQUEST)
        return wb_error_set(err, WB_INVALID_ARG, "wr_ctx_reply: not a request");
    if (req->from == 0) return wb_error_set(err, WB_INVALID_ARG, "request has no sender");
    return send_common(ctx->sys, ctx, ctx->a->self, req->from, WR_MSG_REPLY, tag, req->corr, data,
                       len, NULL, err);
}
