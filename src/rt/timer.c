/* SPDX-License-Identifier: MIT */
/* The system's timer wheel: a hashed wheel of 1 ms ticks run by one thread
 * that sleeps until the next non-empty slot; timers send messages. */
#include <errno.h>
#include <time.h>

#include "rt/internal.h"

#define TICK_NS 1000000ull
#define WHEEL_SLOTS 1024u

typedef struct wr__timer {
    wb_list link;     /* in a wheel slot or the firing list */
    uint64_t id;      /* generation << 32 | table index */
    uint64_t due;     /* tick */
    uint64_t period;  /* ticks; 0 = one-shot */
    wr_msg *tmpl;     /* owner: this timer */
    bool firing, cancelled;
} wr__timer;

struct wr__timers {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool running, stop;
    wb_list wheel[WHEEL_SLOTS]; /* guarded by lock */
    uint64_t tick;              /* next tick to process */
    uint64_t origin;            /* wb_now_ns at start */
    size_t count;
    uint64_t wake_tick; /* the thread sleeps until this tick (UINT64_MAX: no deadline) */
    bool sleeping;
    wr__timer **table; /* id -> timer; owner: timers; guarded by lock */
    uint32_t *gens;
    uint32_t cap, *free_idx, nfree;
};

static uint64_t now_tick(const wr__timers *t) { return (wb_now_ns() - t->origin) / TICK_NS; }

static void timer_free(wr_system *sys, wr__timers *t, wr__timer *tm) {
    uint32_t idx = (uint32_t)tm->id;
    t->table[idx] = NULL;
    t->free_idx[t->nfree++] = idx;
    wr__msg_free(sys, tm->tmpl);
    wb_free(&sys->alloc, tm, sizeof *tm, WB_TAG_GENERIC);
    t->count--;
}

static void insert(wr__timers *t, wr__timer *tm) {
    wb_list_push_back(&t->wheel[tm->due % WHEEL_SLOTS], &tm->link);
}

/* Sends a timer's message. A refusal by an ERROR mailbox (or of a message
 * larger than its byte bound) has no sender to tell: it counts as a drop. */
static wb_status fire_once(wr_system *sys, wr_msg *m) {
    wr_id to = m->to, from = m->from;
    wb_status st = wr__deliver(sys, NULL, m, NULL);
    wr__actor *a = st == WB_FULL ? wr__live(sys, to) : NULL;
    if (a) wr__count_drop(sys, a, from, atomic_load_explicit(&a->policy, memory_order_relaxed));
    return st;
}

/* An interval's tick is a copy of its template. Without memory for it the
 * tick is lost (counted); the interval goes on. One whose target died stops. */
static void fire_tick(wr_system *sys, wr__timer *tm) {
    wr_msg *m = wr__msg_clone(sys, tm->tmpl);
    if (!m) {
        if (wr__live(sys, tm->tmpl->to)) wr__lost(sys, tm->tmpl->to, tm->tmpl->from, tm->tmpl->kind);
        else tm->cancelled = true;
        return;
    }
    if (fire_once(sys, m) == WB_DEAD) tm->cancelled = true;
}

/* Fires due timers; called with the lock held, drops it while sending. */
static void run_due(wr_system *sys, wr__timers *t) {
    uint64_t now = now_tick(t);
    wb_list fire;
    wb_list_init(&fire);
    if (t->count == 0) t->tick = now + 1;
    for (; t->tick <= now; t->tick++) {
        wb_list *slot = &t->wheel[t->tick % WHEEL_SLOTS];
        wb_list_foreach_safe(it, tmp, slot) {
            wr__timer *tm = WB_CONTAINER_OF(it, wr__timer, link);
            if (tm->due > t->tick) continue; /* a later round */
            wb_list_remove(&tm->link);
            tm->firing = true;
            wb_list_push_back(&fire, &tm->link);
        }
    }
    if (wb_list_empty(&fire)) return;
    pthread_mutex_unlock(&t->lock);
    wb_list_foreach(it, &fire) {
        wr__timer *tm = WB_CONTAINER_OF(it, wr__timer, link);
        if (tm->period) fire_tick(sys, tm);
        else fire_once(sys, tm->tmpl);
        if (!tm->period) tm->tmpl = NULL;
    }
    pthread_mutex_lock(&t->lock);
    wb_list_foreach_safe(it, tmp, &fire) {
        wr__timer *tm = WB_CONTAINER_OF(it, wr__timer, link);
        wb_list_remove(&tm->link);
        tm->firing = false;
        if (tm->period && !tm->cancelled) {
            tm->due += tm->period;
            if (tm->due < t->tick) tm->due = t->tick;
            insert(t, tm);
        } else {
            timer_free(sys, t, tm);
        }
    }
}

/* Tick of the next non-empty slot within one wheel turn. */
static uint64_t next_due(wr__timers *t) {
    for (uint64_t k = t->tick; k < t->tick + WHEEL_SLOTS; k++)
        if (!wb_list_empty(&t->wheel[k % WHEEL_SLOTS])) return k;
    return t->tick + WHEEL_SLOTS;
}

static void *timer_main(void *arg) {
    wr_system *sys = arg;
    wr__timers *t = sys->timers;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        run_due(sys, t);
        if (t->stop) break;
        if (t->count == 0) {
            t->wake_tick = UINT64_MAX;
            t->sleeping = true;
            pthread_cond_wait(&t->cond, &t->lock);
            t->sleeping = false;
            continue;
        }
        t->wake_tick = next_due(t);
        uint64_t wake_ns = t->origin + t->wake_tick * TICK_NS;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t now = wb_now_ns();
        if (wake_ns <= now) continue;
        uint64_t d = wake_ns - now;
        ts.tv_sec += (time_t)(d / 1000000000ull);
        ts.tv_nsec += (long)(d % 1000000000ull);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        t->sleeping = true;
        pthread_cond_timedwait(&t->cond, &t->lock, &ts);
        t->sleeping = false;
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

wb_status wr__timers_new(wr_system *sys, wb_error *err) {
    wr__timers *t = wb_calloc(&sys->alloc, 1, sizeof *t, WB_TAG_GENERIC);
    if (!t) return wb_error_set(err, WB_NOMEM, "no memory for timers");
    sys->timers = t;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &ca);
    pthread_condattr_destroy(&ca);
    for (unsigned i = 0; i < WHEEL_SLOTS; i++) wb_list_init(&t->wheel[i]);
    t->origin = wb_now_ns();
    if (pthread_create(&t->thread, NULL, timer_main, sys) != 0)
        return wb_error_set(err, WB_NOMEM, "cannot start the timer thread");
    t->running = true;
    return WB_OK;
}

/* Stops the thread and drops every pending timer. */
void wr__timers_stop(wr_system *sys) {
    wr__timers *t = sys->timers;
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    if (t->running) pthread_join(t->thread, NULL);
    t->running = false;
    pthread_mutex_lock(&t->lock);
    for (unsigned i = 0; i < WHEEL_SLOTS; i++) {
        wb_list_foreach_safe(it, tmp, &t->wheel[i]) {
            wr__timer *tm = WB_CONTAINER_OF(it, wr__timer, link);
            wb_list_remove(&tm->link);
            timer_free(sys, t, tm);
        }
    }
    pthread_mutex_unlock(&t->lock);
}

void wr__timers_free(wr_system *sys) {
    wr__timers *t = sys->timers;
    if (!t) return;
    wr__timers_stop(sys);
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    wb_free(&sys->alloc, t->table, t->cap * sizeof *t->table, WB_TAG_GENERIC);
    wb_free(&sys->alloc, t->gens, t->cap * sizeof *t->gens, WB_TAG_GENERIC);
    wb_free(&sys->alloc, t->free_idx, t->cap * sizeof *t->free_idx, WB_TAG_GENERIC);
    wb_free(&sys->alloc, t, sizeof *t, WB_TAG_GENERIC);
    sys->timers = NULL;
}

static bool table_grow(wr_system *sys, wr__timers *t) {
    uint32_t ncap = t->cap ? t->cap * 2 : 64;
    wr__timer **tab = wb_realloc(&sys->alloc, t->table, t->cap * sizeof *tab, ncap * sizeof *tab, WB_TAG_GENERIC);
    if (!tab) return false;
    t->table = tab;
    uint32_t *g = wb_realloc(&sys->alloc, t->gens, t->cap * sizeof *g, ncap * sizeof *g, WB_TAG_GENERIC);
    if (!g) return false;
    t->gens = g;
    uint32_t *f = wb_realloc(&sys->alloc, t->free_idx, t->cap * sizeof *f, ncap * sizeof *f, WB_TAG_GENERIC);
    if (!f) return false;
    t->free_idx = f;
    for (uint32_t i = t->cap; i < ncap; i++) {
        tab[i] = NULL;
        g[i] = 0;
    }
    for (uint32_t i = ncap; i-- > t->cap;) f[t->nfree++] = i;
    t->cap = ncap;
    return true;
}

wb_status wr__timer_add(wr_system *sys, wr_msg *tmpl, uint64_t delay_ns, uint64_t period_ns,
                        uint64_t *id, wb_error *err) {
    wr__timers *t = sys->timers;
    wr__timer *tm = wb_alloc(&sys->alloc, sizeof *tm, WB_TAG_GENERIC);
    if (!tm) {
        wr__msg_free(sys, tmpl);
        return wb_error_set(err, WB_NOMEM, "no memory for a timer");
    }
    pthread_mutex_lock(&t->lock);
    if (t->stop || (!t->nfree && !table_grow(sys, t))) {
        bool stopped = t->stop;
        pthread_mutex_unlock(&t->lock);
        wb_free(&sys->alloc, tm, sizeof *tm, WB_TAG_GENERIC);
        wr__msg_free(sys, tmpl);
        return stopped ? wb_error_set(err, WB_CLOSED, "timers stopped")
                       : wb_error_set(err, WB_NOMEM, "no memory for a timer");
    }
    uint32_t idx = t->free_idx[--t->nfree];
    if (++t->gens[idx] == 0) t->gens[idx] = 1;
    tm->id = ((uint64_t)t->gens[idx] << 32) | idx;
    tm->tmpl = tmpl;
    tm->period = period_ns ? (period_ns + TICK_NS - 1) / TICK_NS : 0;
    /* Round up so a timer never fires early; +1 for the partial current tick.
     * A delay too long to add saturates (fires never, in practice): a
     * deadline must not wrap around into the past. */
    uint64_t rel = wb_now_ns() - t->origin;
    tm->due = delay_ns > UINT64_MAX - rel - TICK_NS ? UINT64_MAX / TICK_NS
                                                    : (rel + delay_ns + TICK_NS - 1) / TICK_NS;
    if (tm->due < t->tick) tm->due = t->tick;
    tm->firing = tm->cancelled = false;
    t->table[idx] = tm;
    t->count++;
    insert(t, tm);
    if (id) *id = tm->id;
    /* Wake the thread only if it would sleep past this timer. */
    if (!t->sleeping || tm->due < t->wake_tick) pthread_cond_signal(&t->cond);
    pthread_mutex_unlock(&t->lock);
    return WB_OK;
}

wb_status wr__timer_cancel(wr_system *sys, uint64_t id) {
    wr__timers *t = sys->timers;
    uint32_t idx = (uint32_t)id;
    wb_status st = WB_NOT_FOUND;
    pthread_mutex_lock(&t->lock);
    wr__timer *tm = idx < t->cap ? t->table[idx] : NULL;
    if (tm && tm->id == id && !tm->cancelled) {
        if (tm->firing) {
            tm->cancelled = true; /* the thread frees it after sending */
            if (tm->period) st = WB_OK;
        } else {
            wb_list_remove(&tm->link);
            timer_free(sys, t, tm);
            st = WB_OK;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return st;
}

bool wr_timer_pending(wr_system *sys, uint64_t timer) {
    if (!sys || !timer) return false;
    wr__timers *t = sys->timers;
    uint32_t idx = (uint32_t)timer;
    pthread_mutex_lock(&t->lock);
    wr__timer *tm = idx < t->cap ? t->table[idx] : NULL;
    bool pending = tm && tm->id == timer && !tm->cancelled && (!tm->firing || tm->period);
    pthread_mutex_unlock(&t->lock);
    return pending;
}

wb_status wr_timer_cancel(wr_system *sys, uint64_t timer) {
    if (!sys || !timer) return WB_INVALID_ARG;
    return wr__timer_cancel(sys, timer);
}

static wb_status timer_start(wr_system *sys, wr_id from, wr_id to, uint64_t delay, uint64_t period,
                             uint32_t tag, const void *data, size_t len, uint64_t *timer, wb_error *err) {
    if (!sys || (len && !data)) return wb_error_set(err, WB_INVALID_ARG, "timer: bad arguments");
    if (atomic_load(&sys->halting)) return wb_error_set(err, WB_CLOSED, "system is shutting down");
    wr_msg *m = wr__msg_new(sys);
    if (!m) return wb_error_set(err, WB_NOMEM, "no memory for a timer message");
    m->from = from;
    m->to = to;
    m->tag = tag;
    m->flags_ = WR__MF_NOWAIT;
    if (wr__msg_fill(sys, m, data, len) != WB_OK) {
        wr__msg_free(sys, m);
        return wb_error_set(err, WB_NOMEM, "no memory for a timer payload");
    }
    return wr__timer_add(sys, m, delay, period, timer, err);
}

wb_status wr_send_after(wr_system *sys, wr_id from, wr_id to, uint64_t delay_ns, uint32_t tag,
                        const void *data, size_t len, uint64_t *timer, wb_error *err) {
    return timer_start(sys, from, to, delay_ns, 0, tag, data, len, timer, err);
}

wb_status wr_send_interval(wr_system *sys, wr_id from, wr_id to, uint64_t period_ns, uint32_t tag,
                           const void *data, size_t len, uint64_t *timer, wb_error *err) {
    if (!period_ns) return wb_error_set(err, WB_INVALID_ARG, "interval needs a period");
    if (period_ns < 1000000ull) period_ns = 1000000ull; /* the wheel's tick */
    return timer_start(sys, from, to, period_ns, period_ns, tag, data, len, timer, err);
}
