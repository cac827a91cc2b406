/* SPDX-License-Identifier: MIT */
/* Links and monitors. Each entry of an actor's links, watchers and monitors
 * lists holds the envelope of the notice it will send: EXIT, DOWN or
 * DEMONITOR when the actor exits, UNLINK or DEMONITOR when it drops the
 * entry. It is reserved when the link or monitor is made, and the LINK and
 * MONITOR signals carry the receiver's entry and become its notice, so
 * neither the receiver nor an exit ever allocates: an exit cannot be lost. */
#include <string.h>

#include "rt/internal.h"

wr__link *wr__link_new(wr_system *sys, wr_id peer, uint64_t ref) {
    wr__link *l = wb_alloc(&sys->alloc, sizeof *l, WB_TAG_ACTOR);
    if (!l) return NULL;
    l->note = wr__msg_new(sys);
    if (!l->note) {
        wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
        return NULL;
    }
    l->next = NULL;
    l->peer = peer;
    l->ref = ref;
    l->timer = 0;
    return l;
}

void wr__link_free(wr_system *sys, wr__link *l) {
    if (!l) return;
    wr__msg_free(sys, l->note);
    wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
}

bool wr__list_has(wr__link *l, wr_id peer) {
    for (; l; l = l->next)
        if (l->peer == peer) return true;
    return false;
}

/* Removes the first entry matching peer (ref == 0) or ref; true if found.
 * The removed entry is returned in *out when out is non-NULL, else freed. */
bool wr__list_remove(wr_system *sys, wr__link **list, wr_id peer, uint64_t ref, wr__link **out) {
    for (wr__link **pp = list; *pp; pp = &(*pp)->next) {
        wr__link *l = *pp;
        if (ref ? l->ref == ref : l->peer == peer) {
            *pp = l->next;
            if (out) *out = l;
            else wr__link_free(sys, l);
            return true;
        }
    }
    return false;
}

void wr__list_free(wr_system *sys, wr__link **list) {
    while (*list) {
        wr__link *l = *list;
        *list = l->next;
        wr__link_free(sys, l);
    }
}

/* Sends an entry's notice as `kind` (an exit or down with its reason) and
 * frees the entry. */
static void note_send(wr_system *sys, wr__link *l, uint16_t kind, wr_id self, uint32_t tag,
                      wb_buf *shared, const char *text) {
    wr_msg *m = l->note;
    l->note = NULL;
    wr_id peer = l->peer;
    uint64_t ref = l->ref;
    wr__link_free(sys, l);
    if (!m) return;
    if (!peer) { /* never linked (a spawn that failed) */
        wr__msg_free(sys, m);
        return;
    }
    wr__msg_reset(m, kind, self, peer, tag, ref);
    if (kind == WR__SIG_EXIT || kind == WR_MSG_DOWN) wr__msg_set_reason(m, shared, text);
    wr__deliver(sys, NULL, m, NULL);
}

/* ---- LINK and MONITOR signals ------------------------------------------------ */

static wr__link *carried(const wr_msg *m) {
    wr__link *l;
    memcpy(&l, m->data, sizeof l);
    return l;
}

wr_msg *wr__link_signal(wr_system *sys, uint16_t kind, wr_id from, wr_id to, uint64_t ref) {
    wr__link *l = wb_alloc(&sys->alloc, sizeof *l, WB_TAG_ACTOR);
    wr_msg *m = l ? wr__msg_new(sys) : NULL;
    if (!m) {
        wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
        return NULL;
    }
    *l = (wr__link){.peer = from, .ref = ref};
    wr__msg_reset(m, kind, from, to, 0, ref);
    _Static_assert(sizeof l <= WR_INLINE_MAX, "entry pointer fits inline");
    memcpy(m->data, &l, sizeof l);
    m->len = sizeof l;
    return m;
}

void wr__link_signal_from(wr_msg *m, wr_id from) {
    m->from = from;
    carried(m)->peer = from;
}

void wr__link_take(wr_system *sys, wr__actor *a, wr_msg *m) {
    wr__link *l = carried(m);
    m->len = 0;
    if (m->kind == WR__SIG_LINK && wr__list_has(a->links, m->from)) { /* linked already */
        wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
        wr__msg_free(sys, m);
        return;
    }
    l->note = m;
    wr__list_push(m->kind == WR__SIG_LINK ? &a->links : &a->watchers, l);
}

/* Signals to the dead are answered as Erlang does: a link gets an exit
 * noproc back, a monitor DOWN noproc; the signal's own envelope carries it. */
void wr__link_answer_dead(wr_system *sys, wr_msg *m) {
    wr__link *l = carried(m);
    wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
    uint16_t kind = m->kind == WR__SIG_LINK ? WR__SIG_EXIT : WR_MSG_DOWN;
    wr__msg_reset(m, kind, m->to, m->from, WR_EXIT_NOPROC, m->corr);
    wr__deliver(sys, NULL, m, NULL);
}

/* ---- exit ---------------------------------------------------------------------- */

void wr__msg_set_reason(wr_msg *m, wb_buf *shared, const char *text) {
    if (shared) {
        m->meta = wb_buf_ref(shared);
        return;
    }
    size_t n = text ? strlen(text) : 0;
    if (!n) return;
    if (n >= WR_INLINE_MAX) n = WR_INLINE_MAX - 1; /* no buffer for the rest */
    memcpy(m->data, text, n);
    m->data[n] = '\0';
    m->len = (uint32_t)n + 1;
}

const char *wr__msg_text(const wr_msg *m) {
    if (m->meta) return (const char *)m->meta->data;
    return m->len ? (const char *)m->data : "";
}

static void notify(wr_system *sys, wr__link **list, uint16_t kind, wr_id self, wr_exit_kind why,
                   wb_buf *shared, const char *text) {
    while (*list) {
        wr__link *l = *list;
        *list = l->next;
        note_send(sys, l, kind, self, why, shared, text);
    }
}

void wr__links_notify(wr_system *sys, wr__actor *a, wr_id self, wr_exit_kind why, const char *text) {
    wb_buf *shared = NULL;
    if (text && strlen(text) >= WR_INLINE_MAX && (a->links || a->watchers)) {
        shared = wr__text(text);
        if (!shared) wr__lost(sys, self, self, WR_MSG_EXIT); /* the reason's tail */
    }
    notify(sys, &a->links, WR__SIG_EXIT, self, why, shared, text);
    notify(sys, &a->watchers, WR_MSG_DOWN, self, why, shared, text);
    notify(sys, &a->monitors, WR__SIG_DEMONITOR, self, why, NULL, NULL);
    wb_buf_unref(shared);
}

void wr__msg_discard(wr_system *sys, wr_msg *m) {
    if (!m) return;
    if ((m->kind == WR__SIG_LINK || m->kind == WR__SIG_MONITOR) && m->len == sizeof(wr__link *)) {
        wr__link *l = carried(m);
        wb_free(&sys->alloc, l, sizeof *l, WB_TAG_ACTOR);
    } else if (m->kind == WR__SIG_INIT) {
        void *blk[4];
        memcpy(blk, m->data, sizeof blk);
        wr__life *life = blk[0];
        wr__actor *a = wr__slot(sys, m->to);
        if (life && (!a || life != (wr__life *)(void *)a->life_inline))
            wb_free(&sys->alloc, life, life->size, WB_TAG_ACTOR);
        wr__link_free(sys, blk[2]);
        wr__link_free(sys, blk[3]);
    }
    wr__msg_free(sys, m);
}

/* ---- handler-side API -------------------------------------------------------- */

wb_status wr_ctx_link(wr_ctx *ctx, wr_id other, wb_error *err) {
    wr_system *sys = ctx->sys;
    wr__actor *self = ctx->a;
    if (other == self->self) return WB_OK;
    if (wr__list_has(self->links, other)) return WB_OK;
    if (!wr__live(sys, other))
        return wb_error_set(err, WB_DEAD, "link: %016llx is not alive", (unsigned long long)other);
    wr__link *mine = wr__link_new(sys, other, 0);
    wr_msg *sig = mine ? wr__link_signal(sys, WR__SIG_LINK, self->self, other, 0) : NULL;
    if (!sig) {
        wr__link_free(sys, mine);
        return wb_error_set(err, WB_NOMEM, "no memory for a link");
    }
    wr__list_push(&self->links, mine);
    wr__deliver(sys, NULL, sig, NULL);
    return WB_OK;
}

void wr_ctx_unlink(wr_ctx *ctx, wr_id other) {
    wr__link *l;
    if (wr__list_remove(ctx->sys, &ctx->a->links, other, 0, &l))
        note_send(ctx->sys, l, WR__SIG_UNLINK, ctx->a->self, 0, NULL, NULL);
}

wb_status wr_ctx_monitor(wr_ctx *ctx, wr_id other, uint64_t *ref, wb_error *err) {
    wr_system *sys = ctx->sys;
    uint64_t r = wr__corr_new(sys);
    wr__link *mine = wr__link_new(sys, other, r);
    wr_msg *sig = mine ? wr__link_signal(sys, WR__SIG_MONITOR, ctx->a->self, other, r) : NULL;
    if (!sig) {
        wr__link_free(sys, mine);
        return wb_error_set(err, WB_NOMEM, "no memory for a monitor");
    }
    wr__list_push(&ctx->a->monitors, mine);
    /* A dead target answers with DOWN noproc (wr__link_answer_dead). */
    wr__deliver(sys, NULL, sig, NULL);
    if (ref) *ref = r;
    return WB_OK;
}

void wr_ctx_demonitor(wr_ctx *ctx, uint64_t ref) {
    wr__link *l;
    if (wr__list_remove(ctx->sys, &ctx->a->monitors, 0, ref, &l))
        note_send(ctx->sys, l, WR__SIG_DEMONITOR, ctx->a->self, 0, NULL, NULL);
}
