/* SPDX-License-Identifier: MIT */
/* The event stream: spawn, exit, restart, drop, dead-letter and lost events
 * sent as messages to subscribed observer actors, and the loss counter. */
#include <string.h>

#include "rt/internal.h"

#define MAX_OBSERVERS 64

struct wr__events {
    pthread_mutex_t lock;
    _Atomic uint32_t n; /* fast "nobody listens" check */
    wr_id ids[MAX_OBSERVERS]; /* guarded by lock */
    uint32_t masks[MAX_OBSERVERS];
};

wb_status wr__events_new(wr_system *sys) {
    wr__events *e = wb_calloc(&sys->alloc, 1, sizeof *e, WB_TAG_GENERIC);
    if (!e) return WB_NOMEM;
    pthread_mutex_init(&e->lock, NULL);
    sys->events = e;
    return WB_OK;
}

void wr__events_free(wr_system *sys) {
    if (!sys->events) return;
    pthread_mutex_destroy(&sys->events->lock);
    wb_free(&sys->alloc, sys->events, sizeof *sys->events, WB_TAG_GENERIC);
    sys->events = NULL;
}

wb_status wr_events_subscribe(wr_system *sys, wr_id observer, uint32_t mask, wb_error *err) {
    if (!sys || !observer) return wb_error_set(err, WB_INVALID_ARG, "events: no observer");
    wr__events *e = sys->events;
    wb_status st = WB_OK;
    pthread_mutex_lock(&e->lock);
    uint32_t n = atomic_load(&e->n), i;
    for (i = 0; i < n && e->ids[i] != observer; i++) {
    }
    if (i < n) {
        e->masks[i] = mask;
    } else if (n == MAX_OBSERVERS) {
        st = wb_error_set(err, WB_LIMIT, "at most %d event observers", MAX_OBSERVERS);
    } else {
        e->ids[n] = observer;
        e->masks[n] = mask;
        atomic_store(&e->n, n + 1);
    }
    pthread_mutex_unlock(&e->lock);
    return st;
}

void wr_events_unsubscribe(wr_system *sys, wr_id observer) {
    if (!sys) return;
    wr__events *e = sys->events;
    if (!atomic_load_explicit(&e->n, memory_order_relaxed)) return;
    pthread_mutex_lock(&e->lock);
    uint32_t n = atomic_load(&e->n);
    for (uint32_t i = 0; i < n; i++) {
        if (e->ids[i] != observer) continue;
        e->ids[i] = e->ids[n - 1];
        e->masks[i] = e->masks[n - 1];
        atomic_store(&e->n, n - 1);
        break;
    }
    pthread_mutex_unlock(&e->lock);
}

void wr__event(wr_system *sys, wr_event_type type, wr_id actor, wr_id other, uint32_t aux) {
    wr__events *e = sys->events;
    if (!atomic_load_explicit(&e->n, memory_order_relaxed)) return;
    wr_event ev = {.type = (uint16_t)type, .aux = aux, .actor = actor, .other = other,
                   .time_ns = wb_now_ns()};
    wr_id to[MAX_OBSERVERS];
    uint32_t k = 0;
    pthread_mutex_lock(&e->lock);
    uint32_t n = atomic_load(&e->n);
    for (uint32_t i = 0; i < n; i++)
        if ((e->masks[i] & WR_EV_MASK(type)) && e->ids[i] != actor) to[k++] = e->ids[i];
    pthread_mutex_unlock(&e->lock);
    _Static_assert(sizeof ev <= WR_INLINE_MAX, "event fits inline");
    for (uint32_t i = 0; i < k; i++) {
        wr_msg *m = wr__msg_new(sys);
        if (!m) { /* counted, never reported as an event itself */
            atomic_fetch_add_explicit(&sys->lost, k - i, memory_order_relaxed);
            return;
        }
        m->kind = WR_MSG_EVENT;
        m->to = to[i];
        m->tag = type;
        m->flags_ = WR__MF_NO_EVENT | WR__MF_NOWAIT;
        memcpy(m->data, &ev, sizeof ev);
        m->len = sizeof ev;
        /* Never recursive: a drop of this message is counted, not reported. */
        wr__actor *a = wr__live(sys, to[i]);
        if (a && wr__mailbox_full(a, sizeof ev)) {
            atomic_fetch_add(&a->drops, 1);
            atomic_fetch_add_explicit(&sys->drops, 1, memory_order_relaxed);
            wr__msg_free(sys, m);
            continue;
        }
        wr__deliver(sys, NULL, m, NULL);
    }
}

void wr__lost(wr_system *sys, wr_id actor, wr_id other, uint32_t kind) {
    atomic_fetch_add_explicit(&sys->lost, 1, memory_order_relaxed);
    wr__event(sys, WR_EV_LOST, actor, other, kind);
}

bool wr_msg_event(const wr_msg *m, wr_event *out) {
    if (!m || m->kind != WR_MSG_EVENT || m->len != sizeof *out) return false;
    memcpy(out, m->data, sizeof *out);
    return true;
}
