/* SPDX-License-Identifier: MIT */
/* Workers: per-worker run queues with stealing, a run-next slot for locality,
 * brief idle spinning and futex parking (wake only when work would wait). */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt/internal.h"

static _Thread_local wr__worker *tls_worker; /* the worker this thread is, if any */

#define WR__FRONT_STREAK_MAX 64 /* run-next hand-offs before a woken actor queues at the back */

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

wr__worker *wr__current_worker(wr_system *sys) {
    wr__worker *w = tls_worker;
    return (w && w->sys == sys) ? w : NULL;
}

uint64_t wr__corr_new(wr_system *sys) {
    wr__worker *w = wr__current_worker(sys);
    if (w) return ((uint64_t)(w->index + 1) << 48) | ++w->corr_next;
    return (0xFFFFull << 48) | (atomic_fetch_add(&sys->corr_ext, 1) + 1);
}

/* ---- run queue ------------------------------------------------------------- */

static void rq_lock(wr__worker *w) {
    while (atomic_exchange_explicit(&w->lock, 1, memory_order_acquire)) {
        while (atomic_load_explicit(&w->lock, memory_order_relaxed)) cpu_relax();
    }
}
static void rq_unlock(wr__worker *w) { atomic_store_explicit(&w->lock, 0, memory_order_release); }

static void rq_push(wr__worker *w, wr__actor *a) {
    a->runq_next = NULL;
    uint64_t now = atomic_load_explicit(&w->rq_len, memory_order_relaxed) ? 0 : wb_now_ns();
    rq_lock(w);
    if (w->rq_tail) {
        w->rq_tail->runq_next = a;
    } else {
        w->rq_head = a;
        atomic_store_explicit(&w->rq_since, now ? now : wb_now_ns(), memory_order_relaxed);
    }
    w->rq_tail = a;
    atomic_store(&w->rq_len, atomic_load_explicit(&w->rq_len, memory_order_relaxed) + 1);
    rq_unlock(w);
}

static wr__actor *rq_pop(wr__worker *w) {
    if (atomic_load_explicit(&w->rq_len, memory_order_relaxed) == 0) return NULL;
    rq_lock(w);
    wr__actor *a = w->rq_head;
    if (a) {
        w->rq_head = a->runq_next;
        if (!w->rq_head) w->rq_tail = NULL;
        atomic_store_explicit(&w->rq_len, atomic_load_explicit(&w->rq_len, memory_order_relaxed) - 1,
                              memory_order_relaxed);
    }
    rq_unlock(w);
    return a;
}

#define WR__STUCK_NS 20000 /* a turn this long lets thieves take the run-next actor */

/* A victim's run-next actor is taken only when the victim started no new turn
 * for WR__STUCK_NS while it waited: a ping-pong pair keeps its core, an actor
 * woken by a long-running one does not wait for it. */
static wr__actor *steal_next(wr__worker *self, wr__worker *v, uint64_t now) {
    if (!atomic_load_explicit(&v->next, memory_order_relaxed)) return NULL;
    uint64_t turns = atomic_load_explicit(&v->turns, memory_order_relaxed);
    if (self->watch != v || self->watch_turns != turns) {
        self->watch = v;
        self->watch_turns = turns;
        self->watch_since = now;
        return NULL;
    }
    if (now - self->watch_since < WR__STUCK_NS) return NULL;
    self->watch = NULL;
    return atomic_exchange_explicit(&v->next, NULL, memory_order_acquire);
}

/* A victim's only queued actor is left to it unless the queue has not been
 * empty for WR__STUCK_NS: an actor that wakes another and yields (a producer
 * and its consumer) keeps sharing one core and its cache, while work queued
 * behind a long turn, or a queue that never drains, is spread out. */
static bool rq_stealable(wr__worker *v, uint64_t now) {
    uint32_t len = atomic_load_explicit(&v->rq_len, memory_order_relaxed);
    if (len >= 2) return true;
    if (len == 0) return false;
    if (atomic_load_explicit(&v->parked, memory_order_relaxed)) return true; /* no cache to keep */
    if (!now) return false;
    uint64_t since = atomic_load_explicit(&v->rq_since, memory_order_relaxed);
    return now > since && now - since >= WR__STUCK_NS; /* now may predate since */
}

/* Takes from another worker's queue; with now != 0 also a stuck run-next or
 * a stuck single queued actor. */
static wr__actor *steal(wr__worker *self, uint64_t now) {
    wr_system *sys = self->sys;
    unsigned n = sys->nworkers;
    unsigned start = (unsigned)(wb_random_u64() % n);
    for (unsigned i = 0; i < n; i++) {
        wr__worker *v = &sys->workers[(start + i) % n];
        if (v == self) continue;
        wr__actor *a = rq_stealable(v, now) ? rq_pop(v) : NULL;
        if (!a && now) a = steal_next(self, v, now);
        if (a) return a;
    }
    return NULL;
}

/* ---- parking --------------------------------------------------------------- */

static void futex_wait(_Atomic int *addr, int val) {
    syscall(SYS_futex, (int *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}
static void futex_wake(_Atomic int *addr) {
    syscall(SYS_futex, (int *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Wakes w if it sleeps. Pairs with park() as in Dekker's algorithm: the
 * caller's queued work (rq_len, a seq_cst store) comes before this seq_cst
 * load of parked, and park() stores parked before it loads rq_len, so
 * either it sees the work or we see it parked. */
static bool wake_parked(wr_system *sys, wr__worker *w) {
    int one = 1;
    if (atomic_load(&w->parked) != 1 ||
        !atomic_compare_exchange_strong(&w->parked, &one, 0))
        return false;
    atomic_fetch_sub(&sys->nparked, 1);
    futex_wake(&w->parked);
    return true;
}

static void wake_one(wr_system *sys) {
    if (atomic_load(&sys->nparked) == 0) return;
    if (atomic_load(&sys->nspinning) > 0) return; /* a spinner will steal it */
    unsigned n = sys->nworkers;
    unsigned start = atomic_fetch_add_explicit(&sys->rr, 1, memory_order_relaxed);
    for (unsigned i = 0; i < n; i++)
        if (wake_parked(sys, &sys->workers[(start + i) % n])) return;
}

/* Wakes a parked worker once w's queue has held work for WR__STUCK_NS (the
 * spinners' steal threshold): only then would that work otherwise wait. An
 * actor queued behind the one this worker runs next is run within a few
 * turns here, long before a woken thread could take it, and the futex wake
 * costs the waker its core for a while: 150-600 us per wake measured under
 * load on 2 shared vCPUs, which made the restart benchmark bimodal. */
static void wake_if_backlog(wr__worker *w) {
    wr_system *sys = w->sys;
    if (!atomic_load_explicit(&w->rq_len, memory_order_relaxed) ||
        !atomic_load_explicit(&sys->nparked, memory_order_relaxed))
        return;
    uint64_t since = atomic_load_explicit(&w->rq_since, memory_order_relaxed), now = wb_now_ns();
    if (now > since && now - since >= WR__STUCK_NS) wake_one(sys);
}

static bool any_work(wr_system *sys) {
    for (unsigned i = 0; i < sys->nworkers; i++)
        if (atomic_load(&sys->workers[i].rq_len) > 0) return true;
    return false;
}

static void park(wr__worker *w) {
    wr_system *sys = w->sys;
    atomic_store(&w->parked, 1);
    atomic_fetch_add(&sys->nparked, 1);
    /* Re-check after announcing: a pusher either sees nparked or we see its work. */
    if (any_work(sys) || atomic_load(&sys->stop_workers)) {
        int one = 1;
        if (atomic_compare_exchange_strong(&w->parked, &one, 0)) atomic_fetch_sub(&sys->nparked, 1);
        return;
    }
    while (atomic_load(&w->parked) == 1 && !atomic_load(&sys->stop_workers))
        futex_wait(&w->parked, 1);
}

/* ---- scheduling ------------------------------------------------------------ */

/* Work from outside the system goes to a worker spinning for work if there
 * is one (it runs it at once), else to a sleeping one that it wakes, else
 * round robin: a spinner or a freshly woken worker would leave a single actor
 * queued on a busy worker alone for a while (see rq_stealable). */
static void push_outside(wr_system *sys, wr__actor *a) {
    unsigned n = sys->nworkers;
    unsigned start = atomic_fetch_add_explicit(&sys->rr, 1, memory_order_relaxed);
    for (unsigned i = 0; i < n; i++) {
        wr__worker *w = &sys->workers[(start + i) % n];
        if (atomic_load_explicit(&w->spinning, memory_order_relaxed)) {
            rq_push(w, a);
            wake_parked(sys, w); /* it may have stopped spinning and gone to park */
            return;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        wr__worker *w = &sys->workers[(start + i) % n];
        if (atomic_load_explicit(&w->parked, memory_order_relaxed)) {
            rq_push(w, a);
            wake_parked(sys, w); /* when it fails, someone else woke w */
            return;
        }
    }
    rq_push(&sys->workers[start % n], a); /* all busy */
    wake_one(sys);
}


void wr__schedule(wr_system *sys, wr__actor *a) {
    wr__worker *w = wr__current_worker(sys);
    /* The streak only matters while others wait in our queue. */
    if (w && atomic_load_explicit(&w->rq_len, memory_order_relaxed) == 0) w->front_streak = 0;
    if (w && atomic_load_explicit(&w->running, memory_order_relaxed) != a &&
        w->front_streak < WR__FRONT_STREAK_MAX) {
        /* Woken by the actor this worker runs: run it right after (ping-pong
         * stays on one core). A displaced run-next goes to the queue. */
        w->front_streak++;
        wr__actor *old = atomic_exchange_explicit(&w->next, a, memory_order_acq_rel);
        if (!old) return;
        a = old;
    }
    if (!w) {
        push_outside(sys, a);
        return;
    }
    rq_push(w, a);
    wake_if_backlog(w);
}

static wr__actor *find_work(wr__worker *w, uint64_t now) {
    wr__actor *a = atomic_exchange_explicit(&w->next, NULL, memory_order_acquire);
    if (a) return a;
    w->front_streak = 0;
    a = rq_pop(w);
    if (a) return a;
    return steal(w, now);
}

static wr__actor *spin_for_work(wr__worker *w) {
    wr_system *sys = w->sys;
    atomic_fetch_add(&sys->nspinning, 1);
    atomic_store_explicit(&w->spinning, 1, memory_order_relaxed);
    uint64_t now = wb_now_ns(), until = now + (uint64_t)sys->cfg.spin_us * 1000;
    wr__actor *a = NULL;
    for (unsigned i = 1; !atomic_load_explicit(&sys->stop_workers, memory_order_relaxed); i++) {
        a = find_work(w, (i & 63) == 0 ? now : 0);
        if (a) break;
        cpu_relax();
        if ((i & 63) == 0) {
            now = wb_now_ns();
            if (now >= until) break;
        }
    }
    atomic_store_explicit(&w->spinning, 0, memory_order_relaxed);
    atomic_fetch_sub(&sys->nspinning, 1);
    return a;
}

static void *worker_main(void *arg) {
    wr__worker *w = arg;
    wr_system *sys = w->sys;
    tls_worker = w;
    while (!atomic_load_explicit(&sys->stop_workers, memory_order_acquire)) {
        wr__actor *a = find_work(w, 0);
        if (!a) {
            wr__msg_flush(w); /* idle: envelopes we hold go home */
            a = spin_for_work(w);
        }
        if (!a) {
            park(w);
            continue;
        }
        wake_if_backlog(w); /* a backlog waits behind every turn: help comes */
        atomic_store_explicit(&w->running, a, memory_order_relaxed);
        atomic_store_explicit(&w->turns, atomic_load_explicit(&w->turns, memory_order_relaxed) + 1,
                              memory_order_relaxed);
        wr__run_turn(w, a);
        atomic_store_explicit(&w->running, NULL, memory_order_release);
    }
    tls_worker = NULL;
    return NULL;
}

/* Called by wr__run_turn when the actor still has work: back of own queue. */
void wr__requeue(wr__worker *w, wr__actor *a) {
    rq_push(w, a);
    wake_if_backlog(w);
}

bool wr__sched_idle(wr_system *sys) {
    for (unsigned i = 0; i < sys->nworkers; i++) {
        wr__worker *w = &sys->workers[i];
        if (atomic_load(&w->rq_len) || atomic_load(&w->running) || atomic_load(&w->next)) return false;
    }
    return true;
}

wb_status wr__sched_start(wr_system *sys, wb_error *err) {
    for (unsigned i = 0; i < sys->nworkers; i++) {
        wr__worker *w = &sys->workers[i];
        w->sys = sys;
        w->index = i;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            atomic_store(&sys->stop_workers, true);
            for (unsigned j = 0; j < i; j++) {
                atomic_store(&sys->workers[j].parked, 0);
                futex_wake(&sys->workers[j].parked);
                pthread_join(sys->workers[j].thread, NULL);
            }
            return wb_error_set(err, WB_NOMEM, "cannot start worker thread %u", i);
        }
    }
    return WB_OK;
}

void wr__sched_stop(wr_system *sys) {
    atomic_store(&sys->stop_workers, true);
    for (unsigned i = 0; i < sys->nworkers; i++) {
        atomic_store(&sys->workers[i].parked, 0);
        futex_wake(&sys->workers[i].parked);
    }
    for (unsigned i = 0; i < sys->nworkers; i++) pthread_join(sys->workers[i].thread, NULL);
    for (unsigned i = 0; i < sys->nworkers; i++) wr__msg_pool_free(&sys->workers[i]);
    wr__msg_ext_free(sys);
}
