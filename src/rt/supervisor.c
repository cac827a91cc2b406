/* SPDX-License-Identifier: MIT */
/* Supervisors: an actor that traps its children's exits and restarts them by
 * strategy, restart policy, intensity (O(1) ring of restart times) and
 * backoff delays on timers. Readers on other threads go through the lock.
 *
 * Stops go one at a time in reverse start order, as OTP's do: the next child
 * is asked to stop when the previous one's exit arrived (its terminate ran,
 * or it was killed at its shutdown deadline). The supervisor keeps handling
 * messages meanwhile - it never blocks a worker - and its own exit (intensity
 * reached, told to stop) waits the same way for all its children, so its
 * parent hears of it only once their names are free. */
#include <stdio.h>
#include <string.h>

#include "rt/internal.h"
#include "rt/supervisor.h"

#define HIST 32          /* restart entries kept per child */
#define TAG_RESTART 0x5u /* timer message: restart batch `data` */

enum child_state {
    CH_RUNNING = 0,
    CH_STARTING, /* spawned, its init has not acknowledged yet */
    CH_STOPPING, /* to be stopped by us (stop_sent: asked); its exit is expected */
    CH_PENDING,  /* down, waiting for its batch to restart */
    CH_STOPPED,  /* down for good (temporary, transient normal, terminated) */
};

typedef struct sup_child {
    char name[48];
    wr_actor_spec actor;
    const wr_sup_spec *sup;
    void *arg;
    wr_restart restart;
    uint64_t shutdown_ns;
    wr_backoff backoff;
    wr_id id;
    uint8_t state;
    bool stop_sent;      /* CH_STOPPING: asked to stop; the next stop waits for its exit */
    uint64_t kill_timer; /* that stop's kill at the shutdown deadline, 0 if none */
    uint64_t batch;     /* restart batch it belongs to while STOPPING/PENDING */
    uint32_t attempt;   /* backoff attempt, reset after a quiet period */
    uint64_t last_crash;
    uint64_t restarts;
    wr_restart_entry hist[HIST]; /* ring */
    uint32_t nhist;
} sup_child;

typedef struct wr__sup {
    pthread_mutex_t lock; /* guards everything below against API readers */
    wr_id self, parent;
    char name[48];
    wr_strategy strategy;
    uint32_t intensity;
    uint64_t period_ns;
    sup_child *children; /* owner: this sup; start order */
    size_t n, cap;
    uint64_t *ring; /* owner: this sup; last `intensity` restart times */
    uint32_t ring_pos, ring_n;
    uint64_t next_batch; /* batch 1 is the initial start */
    bool started;        /* the initial batch is up */
    bool exiting;        /* stopping its children, then exits with the reason below */
    uint8_t exit_kind;
    char exit_text[200];
    uint64_t batch_delay[8]; /* delay per in-flight batch, by batch % 8 */
} wr__sup;

typedef struct sup_entry {
    struct sup_entry *next; /* owner: wr__sups */
    wr_id id;
    wr__sup *sup;
} sup_entry;

struct wr__sups {
    pthread_mutex_t lock;
    sup_entry *list; /* guarded by lock */
};

static wr_turn sup_handle(wr_ctx *ctx, const wr_msg *msg);
static wb_status sup_init(wr_ctx *ctx, void *arg);
static void sup_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text);
static const wr_actor_spec sup_actor = {
    .name = "supervisor", .init = sup_init, .handle = sup_handle, .terminate = sup_terminate,
    .state_size = sizeof(wr__sup *)};

/* ---- the id -> supervisor table for API readers ---------------------------- */

wb_status wr__sups_new(wr_system *sys) {
    wr__sups *s = wb_calloc(&sys->alloc, 1, sizeof *s, WB_TAG_GENERIC);
    if (!s) return WB_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    sys->sups = s;
    return WB_OK;
}

void wr__sups_free(wr_system *sys) {
    wr__sups *s = sys->sups;
    if (!s) return;
    while (s->list) { /* every supervisor removed itself on exit; be safe */
        sup_entry *e = s->list;
        s->list = e->next;
        wb_free(&sys->alloc, e, sizeof *e, WB_TAG_GENERIC);
    }
    pthread_mutex_destroy(&s->lock);
    wb_free(&sys->alloc, s, sizeof *s, WB_TAG_GENERIC);
    sys->sups = NULL;
}

size_t wr__sups_stop_roots(wr_system *sys) {
    size_t n = 0;
    pthread_mutex_lock(&sys->sups->lock);
    for (sup_entry *e = sys->sups->list; e; e = e->next) {
        if (e->sup->parent) continue; /* immutable once spawned */
        wr_exit(sys, 0, e->id, WR_EXIT_SHUTDOWN, "system shutdown", NULL);
        n++;
    }
    pthread_mutex_unlock(&sys->sups->lock);
    return n;
}

size_t wr__sups_roots(wr_system *sys) {
    size_t n = 0;
    pthread_mutex_lock(&sys->sups->lock);
    for (sup_entry *e = sys->sups->list; e; e = e->next) n += e->sup->parent == 0;
    pthread_mutex_unlock(&sys->sups->lock);
    return n;
}

/* Returns the supervisor locked (and the table locked); NULL if unknown. */
static wr__sup *sup_acquire(wr_system *sys, wr_id id) {
    pthread_mutex_lock(&sys->sups->lock);
    for (sup_entry *e = sys->sups->list; e; e = e->next) {
        if (e->id == id) {
            pthread_mutex_lock(&e->sup->lock);
            return e->sup;
        }
    }
    pthread_mutex_unlock(&sys->sups->lock);
    return NULL;
}

static void sup_release(wr_system *sys, wr__sup *s) {
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_unlock(&sys->sups->lock);
}

/* ---- building ----------------------------------------------------------------- */

static wb_status child_set(sup_child *c, const wr_child_spec *cs, wb_error *err) {
    if (!cs->name || !*cs->name || strlen(cs->name) >= sizeof c->name)
        return wb_error_set(err, WB_INVALID_ARG, "child needs a name under %zu bytes", sizeof c->name);
    if (!!cs->actor == !!cs->sup)
        return wb_error_set(err, WB_INVALID_ARG, "child '%s' needs exactly one of actor or sup", cs->name);
    if (cs->actor && !cs->actor->handle)
        return wb_error_set(err, WB_INVALID_ARG, "child '%s' actor has no handle", cs->name);
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", cs->name);
    if (cs->actor) c->actor = *cs->actor;
    c->sup = cs->sup;
    c->arg = cs->arg;
    c->restart = cs->restart;
    c->shutdown_ns = cs->shutdown_ns;
    c->backoff = cs->backoff;
    c->state = CH_STOPPED;
    return WB_OK;
}

static sup_child *child_find(wr__sup *s, const char *name) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->children[i].name, name)) return &s->children[i];
    return NULL;
}

static wb_status child_append(wr_system *sys, wr__sup *s, const wr_child_spec *cs, wb_error *err) {
    if (cs->name && child_find(s, cs->name))
        return wb_error_set(err, WB_EXISTS, "child '%s' exists", cs->name);
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4;
        sup_child *v = wb_realloc(&sys->alloc, s->children, s->cap * sizeof *v, nc * sizeof *v, WB_TAG_GENERIC);
        if (!v) return wb_error_set(err, WB_NOMEM, "no memory for a child");
        s->children = v;
        s->cap = nc;
    }
    wb_status st = child_set(&s->children[s->n], cs, err);
    if (st == WB_OK) s->n++;
    return st;
}

static void sup_destroy(wr_system *sys, wr__sup *s) {
    if (!s) return;
    pthread_mutex_destroy(&s->lock);
    wb_free(&sys->alloc, s->children, s->cap * sizeof *s->children, WB_TAG_GENERIC);
    wb_free(&sys->alloc, s->ring, (s->intensity ? s->intensity : 1) * sizeof *s->ring, WB_TAG_GENERIC);
    wb_free(&sys->alloc, s, sizeof *s, WB_TAG_GENERIC);
}

static wb_status sup_build(wr_system *sys, const wr_sup_spec *spec, wr__sup **out, wb_error *err) {
    if (!spec || spec->strategy > WR_REST_FOR_ONE || (spec->nchildren && !spec->children))
        return wb_error_set(err, WB_INVALID_ARG, "bad supervisor spec");
    wr__sup *s = wb_calloc(&sys->alloc, 1, sizeof *s, WB_TAG_GENERIC);
    if (!s) return wb_error_set(err, WB_NOMEM, "no memory for a supervisor");
    pthread_mutex_init(&s->lock, NULL);
    snprintf(s->name, sizeof s->name, "%s", spec->name ? spec->name : "supervisor");
    s->strategy = spec->strategy;
    s->intensity = spec->intensity;
    s->period_ns = spec->period_ns;
    s->ring = wb_calloc(&sys->alloc, s->intensity ? s->intensity : 1, sizeof *s->ring, WB_TAG_GENERIC);
    wb_status st = s->ring ? WB_OK : wb_error_set(err, WB_NOMEM, "no memory for a supervisor");
    for (size_t i = 0; st == WB_OK && i < spec->nchildren; i++)
        st = child_append(sys, s, &spec->children[i], err);
    if (st != WB_OK) {
        sup_destroy(sys, s);
        return st;
    }
    *out = s;
    return WB_OK;
}

static wb_status sup_spawn(wr_system *sys, const wr_sup_spec *spec, wr_id parent, unsigned sflags,
                           uint64_t restarts, wr_id *out, wb_error *err) {
    wr__sup *s = NULL;
    wb_status st = sup_build(sys, spec, &s, err);
    if (st != WB_OK) return st;
    s->parent = parent;
    st = wr__spawn(sys, &sup_actor, s, parent, sflags, 0, 0, restarts, out, err);
    if (st != WB_OK) sup_destroy(sys, s);
    return st;
}

/* ---- starting and stopping children ------------------------------------------------ */

/* Spawns the child linked to us; it acks after its init (CH_STARTING). Our
 * side of the link (with the notice our exit owes it) is reserved first. */
static wb_status child_start(wr_ctx *ctx, wr__sup *s, sup_child *c, wb_error *err) {
    wr_system *sys = ctx->sys;
    wr__link *l = wr__link_new(sys, 0, 0);
    if (!l) return wb_error_set(err, WB_NOMEM, "no memory to link child '%s'", c->name);
    wr_id id = 0;
    wb_status st = c->sup ? sup_spawn(sys, c->sup, s->self, WR__SPAWN_ACK, c->restarts, &id, err)
                          : wr__spawn(sys, &c->actor, c->arg, s->self, WR__SPAWN_ACK, 0, 0, c->restarts,
                                      &id, err);
    if (st != WB_OK) {
        wr__link_free(sys, l);
        return st;
    }
    l->peer = id;
    wr__list_push(&ctx->a->links, l);
    c->id = id;
    c->state = CH_STARTING;
    return WB_OK;
}

/* Asks a running child to stop: shutdown signal and a kill timer, or a kill
 * (which needs no memory: when the others cannot be had, it is the kill). */
static void child_stop(wr_system *sys, wr_id sup, sup_child *c) {
    if (!c->id) return;
    c->stop_sent = true;
    if (c->shutdown_ns == 0) {
        wr_exit(sys, sup, c->id, WR_EXIT_KILLED, "brutal kill", NULL);
        return;
    }
    wb_status st = wr_exit(sys, sup, c->id, WR_EXIT_SHUTDOWN, "shutdown", NULL);
    if (st == WB_DEAD) return; /* its exit is on the way */
    wr_msg *k = st == WB_OK ? wr__msg_new(sys) : NULL;
    if (!k) {
        wr_exit(sys, sup, c->id, WR_EXIT_KILLED, NULL, NULL);
        return;
    }
    k->kind = WR__SIG_KILL;
    k->from = sup;
    k->to = c->id;
    k->tag = WR_EXIT_KILLED;
    k->flags_ = WR__MF_NOWAIT;
    if (wr__timer_add(sys, k, c->shutdown_ns, 0, &c->kill_timer, NULL) != WB_OK)
        wr_exit(sys, sup, c->id, WR_EXIT_KILLED, NULL, NULL);
}

/* The child's exit arrived: its stop, if any, is over. */
static void child_gone(wr_system *sys, sup_child *c) {
    if (c->kill_timer) wr__timer_cancel(sys, c->kill_timer);
    c->kill_timer = 0;
    c->stop_sent = false;
    c->id = 0;
}

/* Stops the children marked CH_STOPPING one at a time, the last started
 * first: asks the next only when no stop is under way. Returns whether one
 * is (an exit is awaited). */
static bool stop_next(wr_system *sys, wr__sup *s) {
    sup_child *next = NULL;
    for (size_t i = s->n; i-- > 0;) {
        sup_child *c = &s->children[i];
        if (c->state != CH_STOPPING) continue;
        if (c->stop_sent) return true;
        if (!next) next = c;
    }
    if (!next) return false;
    child_stop(sys, s->self, next);
    return true;
}

/* The supervisor's own exit: no more restarts; every child is stopped in
 * reverse start order, then it exits with the reason of the first call. */
static void sup_exit(wr_ctx *ctx, wr__sup *s, wr_exit_kind why, const char *text) {
    if (!s->exiting) {
        s->exiting = true;
        s->exit_kind = (uint8_t)why;
        snprintf(s->exit_text, sizeof s->exit_text, "%s", text ? text : "");
        for (size_t i = 0; i < s->n; i++) {
            sup_child *c = &s->children[i];
            c->batch = 0;
            if (c->state == CH_RUNNING || c->state == CH_STARTING) c->state = CH_STOPPING;
            else if (c->state == CH_PENDING) c->state = CH_STOPPED;
        }
    }
    if (!stop_next(ctx->sys, s)) wr_ctx_exit(ctx, (wr_exit_kind)s->exit_kind, s->exit_text);
}

/* ---- restarting ------------------------------------------------------------------ */

/* O(1): the ring holds the last `intensity` restart times; the oldest of them
 * must be outside the window for one more restart to be allowed. */
static bool intensity_ok(wr__sup *s, uint64_t now) {
    if (s->intensity == 0) return false;
    if (s->ring_n == s->intensity && now - s->ring[s->ring_pos] < s->period_ns) return false;
    s->ring[s->ring_pos] = now;
    s->ring_pos = (s->ring_pos + 1) % s->intensity;
    if (s->ring_n < s->intensity) s->ring_n++;
    return true;
}

/* Starts the next child of a batch, in start order, one at a time: the next
 * one follows when this one's init acknowledged (OTP's start order). */
static void batch_next(wr_ctx *ctx, wr__sup *s, uint64_t batch) {
    wr_system *sys = ctx->sys;
    sup_child *c = NULL;
    if (s->exiting) return;
    for (size_t i = 0; i < s->n; i++) {
        sup_child *o = &s->children[i];
        if (o->batch != batch) continue;
        if (o->state == CH_STARTING) return; /* wait for its ack */
        if (o->state == CH_PENDING && !c) c = o;
    }
    if (!c) {
        if (batch == 1 && !s->started) {
            s->started = true;
            /* A nested supervisor is started once all its children are. */
            wr__ack_started(ctx);
        }
        return;
    }
    wb_error err;
    if (batch != 1) c->restarts++;
    if (child_start(ctx, s, c, &err) != WB_OK) {
        c->state = CH_STOPPED;
        sup_exit(ctx, s, WR_EXIT_ERROR, err.msg);
        return;
    }
    if (batch == 1) return;
    wr_restart_entry *h = &c->hist[(c->nhist + HIST - 1) % HIST];
    if (c->nhist && h->new_id == 0) h->new_id = c->id;
    atomic_fetch_add_explicit(&sys->restarts, 1, memory_order_relaxed);
    wr__event(sys, WR_EV_RESTART, c->id, s->self, (uint32_t)(s->batch_delay[batch % 8] / 1000000));
}

/* All members of the batch are down: start them now or after the delay. */
static void batch_arm(wr_ctx *ctx, wr__sup *s, uint64_t batch) {
    for (size_t i = 0; i < s->n; i++)
        if (s->children[i].state == CH_STOPPING && s->children[i].batch == batch) return;
    uint64_t delay = s->batch_delay[batch % 8];
    if (delay == 0) {
        batch_next(ctx, s, batch);
        return;
    }
    wb_error err;
    if (wr_send_after(ctx->sys, s->self, s->self, delay, TAG_RESTART, &batch, sizeof batch, NULL, &err) !=
        WB_OK)
        batch_next(ctx, s, batch); /* no timer (shutting down): restart now */
}

static uint64_t backoff_for(sup_child *c, uint64_t now) {
    if (c->backoff.reset_ns && c->last_crash && now - c->last_crash >= c->backoff.reset_ns) c->attempt = 0;
    uint64_t d = wr_backoff_delay(&c->backoff, c->attempt, wb_random_u64());
    c->attempt++;
    c->last_crash = now;
    return d;
}

static bool wants_restart(const sup_child *c, wr_exit_kind why) {
    if (c->restart == WR_PERMANENT) return true;
    if (c->restart == WR_TRANSIENT) return why != WR_EXIT_NORMAL && why != WR_EXIT_SHUTDOWN;
    return false;
}

static void on_child_exit(wr_ctx *ctx, wr__sup *s, size_t idx, wr_exit_kind why) {
    wr_system *sys = ctx->sys;
    sup_child *c = &s->children[idx];
    wr_id old = c->id;
    uint64_t old_batch = c->batch;
    bool was_starting = c->state == CH_STARTING;
    child_gone(sys, c);
    if (s->exiting) {
        c->state = CH_STOPPED;
        sup_exit(ctx, s, (wr_exit_kind)s->exit_kind, NULL);
        return;
    }
    if (c->state == CH_STOPPING) {
        c->state = c->batch ? CH_PENDING : CH_STOPPED;
        stop_next(sys, s);
        if (c->batch) batch_arm(ctx, s, c->batch);
        return;
    }
    if (c->state == CH_PENDING) return;
    if (!wants_restart(c, why) || atomic_load(&sys->halting)) {
        c->state = CH_STOPPED;
        c->batch = 0;
        if (was_starting) batch_next(ctx, s, old_batch);
        return;
    }
    uint64_t now = wb_now_ns();
    if (!intensity_ok(s, now)) {
        char text[160];
        snprintf(text, sizeof text, "%s: restart intensity %u in %llu ms reached by child '%s' (%s)",
                 s->name, s->intensity, (unsigned long long)(s->period_ns / 1000000), c->name,
                 wr_exit_kind_name(why));
        c->state = CH_STOPPED;
        sup_exit(ctx, s, WR_EXIT_ERROR, text);
        return;
    }
    uint64_t delay = backoff_for(c, now);
    wr_restart_entry *h = &c->hist[c->nhist++ % HIST];
    *h = (wr_restart_entry){.time_ns = now, .delay_ns = delay, .reason = why, .old_id = old};
    uint64_t batch = ++s->next_batch;
    s->batch_delay[batch % 8] = delay;
    c->state = CH_PENDING;
    c->batch = batch;
    if (s->strategy != WR_ONE_FOR_ONE) {
        size_t from = s->strategy == WR_ONE_FOR_ALL ? 0 : idx + 1;
        for (size_t i = from; i < s->n; i++) {
            sup_child *o = &s->children[i];
            if (i == idx || o->state == CH_STOPPED) continue;
            /* temporary siblings are stopped but not restarted */
            o->batch = o->restart == WR_TEMPORARY ? 0 : batch;
            if (o->state == CH_RUNNING || o->state == CH_STARTING) o->state = CH_STOPPING;
            else if (o->state == CH_PENDING && !o->batch) o->state = CH_STOPPED;
        }
        stop_next(sys, s); /* in reverse start order, one at a time */
    }
    batch_arm(ctx, s, batch);
    if (was_starting && old_batch != batch) batch_next(ctx, s, old_batch);
}

/* ---- the supervisor actor ----------------------------------------------------- */

static wb_status sup_init(wr_ctx *ctx, void *arg) {
    wr__sup *s = arg;
    wr_system *sys = ctx->sys;
    *(wr__sup **)wr_ctx_state(ctx) = s;
    s->self = wr_ctx_self(ctx);
    ctx->defer_ack = true; /* batch_next acks once the initial batch is up */
    wr_ctx_trap_exit(ctx, true);
    sup_entry *e = wb_alloc(&sys->alloc, sizeof *e, WB_TAG_GENERIC);
    if (!e) {
        wr_ctx_exit(ctx, WR_EXIT_ERROR, "no memory to register supervisor");
        return WB_OK;
    }
    pthread_mutex_lock(&s->lock);
    s->next_batch = 1;
    for (size_t i = 0; i < s->n; i++) {
        s->children[i].state = CH_PENDING;
        s->children[i].batch = 1;
    }
    batch_next(ctx, s, 1);
    pthread_mutex_unlock(&s->lock);
    e->id = s->self;
    e->sup = s;
    pthread_mutex_lock(&sys->sups->lock);
    e->next = sys->sups->list;
    sys->sups->list = e;
    pthread_mutex_unlock(&sys->sups->lock);
    return WB_OK;
}

static wr_turn sup_handle(wr_ctx *ctx, const wr_msg *msg) {
    wr__sup *s = *(wr__sup **)wr_ctx_state(ctx);
    pthread_mutex_lock(&s->lock);
    if (msg->kind == WR_MSG_EXIT) {
        size_t i = 0; /* from 0 (outside) is no child's, though a down child's id is 0 */
        for (; i < s->n && (!msg->from || s->children[i].id != msg->from); i++) {
        }
        if (i < s->n) {
            on_child_exit(ctx, s, i, (wr_exit_kind)msg->tag);
        } else if (msg->tag != WR_EXIT_NORMAL || (msg->from == s->parent && s->parent)) {
            /* the parent died, or someone told us to stop */
            sup_exit(ctx, s, (wr_exit_kind)msg->tag, wr_msg_reason(msg));
        }
    } else if (msg->kind == WR_MSG_USER && msg->tag == WR__TAG_STARTED) {
        for (size_t i = 0; i < s->n; i++) {
            sup_child *c = &s->children[i];
            if (c->id != msg->from || c->state != CH_STARTING) continue;
            c->state = CH_RUNNING;
            batch_next(ctx, s, c->batch);
            break;
        }
    } else if (msg->kind == WR_MSG_USER && msg->tag == TAG_RESTART && msg->from == s->self) {
        uint64_t batch;
        size_t len;
        const void *p = wr_msg_bytes(msg, &len);
        if (len == sizeof batch) {
            memcpy(&batch, p, sizeof batch);
            if (!atomic_load(&ctx->sys->halting)) batch_next(ctx, s, batch); /* not when exiting */
        }
    }
    pthread_mutex_unlock(&s->lock);
    return WR_OK;
}

static void sup_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    wr__sup **slot = wr_ctx_state(ctx);
    wr__sup *s = *slot;
    if (!s) return; /* init never ran */
    wr_system *sys = ctx->sys;
    pthread_mutex_lock(&sys->sups->lock);
    for (sup_entry **pp = &sys->sups->list; *pp; pp = &(*pp)->next) {
        if ((*pp)->sup == s) {
            sup_entry *e = *pp;
            *pp = e->next;
            wb_free(&sys->alloc, e, sizeof *e, WB_TAG_GENERIC);
            break;
        }
    }
    pthread_mutex_unlock(&sys->sups->lock);
    /* Killed (or halted) before its children were gone: those left are asked
     * at once, in reverse start order; a kill timer enforces each shutdown
     * timeout after we are gone. */
    for (size_t i = s->n; i-- > 0;) {
        sup_child *c = &s->children[i];
        if (c->state == CH_RUNNING || c->state == CH_STARTING || (c->state == CH_STOPPING && !c->stop_sent))
            child_stop(sys, s->self, c);
    }
    sup_destroy(sys, s);
    *slot = NULL;
}

/* ---- public API ------------------------------------------------------------------- */

wb_status wr_supervisor_start(wr_system *sys, const wr_sup_spec *spec, wr_id *out, wb_error *err) {
    if (!sys || !out) return wb_error_set(err, WB_INVALID_ARG, "wr_supervisor_start: bad arguments");
    if (atomic_load(&sys->stopping)) return wb_error_set(err, WB_CLOSED, "system is shutting down");
    wr_id id;
    wb_status st = sup_spawn(sys, spec, 0, 0, 0, &id, err);
    if (st != WB_OK) return st;
    /* From outside the workers, wait until every child's init ran. */
    if (!wr__current_worker(sys)) {
        for (uint64_t t0 = wb_now_ns(); wb_now_ns() - t0 < 10000000000ull;) {
            wr__sup *s = sup_acquire(sys, id);
            bool up = s && s->started;
            if (s) sup_release(sys, s);
            if (up) break;
            if (!wr_alive(sys, id)) return wb_error_set(err, WB_STATE, "supervisor exited during start");
            wb_sleep_ns(50000);
        }
    }
    *out = id;
    return WB_OK;
}

wr_id wr_supervisor_child(wr_system *sys, wr_id sup, const char *name) {
    wr__sup *s = sys && name ? sup_acquire(sys, sup) : NULL;
    if (!s) return 0;
    sup_child *c = child_find(s, name);
    wr_id id = c && c->state == CH_RUNNING ? c->id : 0;
    sup_release(sys, s);
    return id;
}

wb_status wr_supervisor_history(wr_system *sys, wr_id sup, const char *name, wr_restart_entry *out,
                                size_t max, size_t *n) {
    if (!n || (max && !out)) return WB_INVALID_ARG;
    *n = 0;
    wr__sup *s = sys && name ? sup_acquire(sys, sup) : NULL;
    if (!s) return WB_NOT_FOUND;
    sup_child *c = child_find(s, name);
    wb_status st = WB_NOT_FOUND;
    if (c) {
        uint32_t have = c->nhist < HIST ? c->nhist : HIST;
        uint32_t first = c->nhist - have;
        for (uint32_t i = 0; i < have && *n < max; i++) out[(*n)++] = c->hist[(first + i) % HIST];
        st = WB_OK;
    }
    sup_release(sys, s);
    return st;
}

wb_status wr_supervisor_start_child(wr_system *sys, wr_id sup, const wr_child_spec *child, wb_error *err) {
    if (!sys || !child) return wb_error_set(err, WB_INVALID_ARG, "no child spec");
    wr__sup *s = sup_acquire(sys, sup);
    if (!s) return wb_error_set(err, WB_NOT_FOUND, "no supervisor %016llx", (unsigned long long)sup);
    wb_status st = s->exiting ? wb_error_set(err, WB_STATE, "supervisor '%s' is stopping", s->name)
                              : child_append(sys, s, child, err);
    if (st == WB_OK) {
        sup_child *c = &s->children[s->n - 1];
        wr_id id = 0;
        st = c->sup ? sup_spawn(sys, c->sup, s->self, WR__SPAWN_SEND_LINK, 0, &id, err)
                    : wr__spawn(sys, &c->actor, c->arg, s->self, WR__SPAWN_SEND_LINK, 0, 0, 0, &id, err);
        if (st == WB_OK) {
            c->id = id;
            c->state = CH_RUNNING;
        } else {
            s->n--;
        }
    }
    sup_release(sys, s);
    return st;
}

wb_status wr_supervisor_terminate_child(wr_system *sys, wr_id sup, const char *name, wb_error *err) {
    wr__sup *s = sys && name ? sup_acquire(sys, sup) : NULL;
    if (!s) return wb_error_set(err, WB_NOT_FOUND, "no supervisor %016llx", (unsigned long long)sup);
    sup_child *c = child_find(s, name);
    wb_status st = WB_OK;
    if (!c) {
        st = wb_error_set(err, WB_NOT_FOUND, "no child '%s'", name);
    } else if (c->state == CH_RUNNING || c->state == CH_STARTING) {
        c->state = CH_STOPPING;
        c->batch = 0;
        stop_next(sys, s); /* after a stop under way, if any */
    } else if (c->state == CH_PENDING) {
        c->state = CH_STOPPED; /* its batch will skip it */
    }
    sup_release(sys, s);
    return st;
}

wb_status wr_supervisor_delete_child(wr_system *sys, wr_id sup, const char *name, wb_error *err) {
    wr__sup *s = sys && name ? sup_acquire(sys, sup) : NULL;
    if (!s) return wb_error_set(err, WB_NOT_FOUND, "no supervisor %016llx", (unsigned long long)sup);
    sup_child *c = child_find(s, name);
    wb_status st = WB_OK;
    if (!c) {
        st = wb_error_set(err, WB_NOT_FOUND, "no child '%s'", name);
    } else if (c->state != CH_STOPPED) {
        st = wb_error_set(err, WB_STATE, "child '%s' is running; terminate it first", name);
    } else {
        size_t i = (size_t)(c - s->children);
        memmove(c, c + 1, (s->n - i - 1) * sizeof *c);
        s->n--;
    }
    sup_release(sys, s);
    return st;
}
