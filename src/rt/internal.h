/* SPDX-License-Identifier: MIT */
/* Private layout of the actor runtime, shared by the files of src/rt.
 *
 * How it fits together:
 * - Actors live in slots of a paged table (actor.c) that is freed only with
 *   the system. A slot's published `id` (generation << 32 | index) is what
 *   senders check; the incarnation state (callbacks, user state, links) is
 *   touched only by the worker that currently runs the slot. Spawning queues
 *   an INIT message; the runner sets the incarnation up from it, so a slot
 *   can be reused while a late message for the previous incarnation is still
 *   being drained (such messages become dead letters, never deliveries).
 * - Scheduling (turn.c, sched.c): `count` is one unit per pushed message (plus
 *   a self "token" while yielded work or deferred messages wait). The pusher
 *   that moves it 0 -> 1 schedules the actor; the runner subtracts what it
 *   took at the end of a turn and requeues itself if anything is left. One
 *   atomic per send, one per turn, and never two runners for one actor.
 * - Signals (link, exit, monitor, unpark) travel in the same FIFO mailbox as
 *   messages, so a message sent before an exit arrives before it. Kill and
 *   system halt are urgent: a per-slot stop word checked before each message,
 *   and a kick (a work unit without a message) so that no allocation is
 *   needed to make the victim run.
 * - Nothing the runtime owes an actor may be lost to a failed allocation:
 *   every notice an exit sends (EXIT to links, DOWN to watchers, DEMONITOR to
 *   monitored actors) and every start acknowledgement is an envelope
 *   reserved when the link, monitor or spawn was made (a failure there is an
 *   error to that caller); an unpark needs no memory (a counter and a kick).
 *   What cannot be reserved (an event, an interval's next tick) counts in
 *   `lost` and emits WR_EV_LOST.
 * - Parking: WR_YIELD keeps the message for the next turn; wr_ctx_await
 *   defers everything but the awaited reply into a per-actor saved list; a
 *   sender parked on a full WAIT mailbox defers user messages until the
 *   target, ending a turn with room, bumps the sender's `unparks` and kicks it.
 */
#ifndef WACTOR_RT_PRIVATE_H
#define WACTOR_RT_PRIVATE_H

#include <pthread.h>

#include "base/queue.h"
#include "wactor/rt.h"

/* Private message kinds (signals) live above the public ones. */
enum {
    WR__SIG_INIT = 64, /* first message of a new incarnation; data = spawn block */
    WR__SIG_LINK,      /* from wants a link */
    WR__SIG_UNLINK,
    WR__SIG_EXIT,      /* exit signal from a link or wr_exit; tag = kind, meta = text */
    WR__SIG_MONITOR,   /* from monitors us with ref corr */
    WR__SIG_DEMONITOR,
    WR__SIG_KILL,      /* turned into an urgent stop (tag = kind) at delivery; timers use it */
};

/* Message flags. */
enum {
    WR__MF_NO_EVENT = 1, /* a dead letter of this message emits no event */
    WR__MF_DIRECT = 2,   /* exit signal from wr_exit, not from a link */
    WR__MF_NOWAIT = 4,   /* never block the sender on a full WAIT mailbox */
    WR__MF_ACK = 8,      /* INIT: acknowledge a successful init to link_to */
    WR__MF_BYTES = 16,   /* its payload is counted in the target's `bytes` (until popped) */
};

/* Parking modes of an actor (owner: the actor's runner). */
enum { WR__PARK_NONE = 0, WR__PARK_AWAIT, WR__PARK_BACKPRESSURE };

typedef struct wr__link {
    struct wr__link *next; /* owner: the list holding it */
    wr_id peer;
    uint64_t ref; /* monitor ref / request corr; 0 for links */
    uint64_t timer;
    /* owner: this entry; the notice to peer (EXIT, DOWN, DEMONITOR, or the
     * UNLINK/DEMONITOR that drops the entry), reserved when the entry was
     * made; NULL for pending requests */
    wr_msg *note;
} wr__link;

/* A sender parked on a full mailbox (owner: the target's waiters stack). */
typedef struct wr__waiter {
    struct wr__waiter *next;
    wr_id id;
} wr__waiter;

/* One incarnation: callbacks plus the user state, one allocation.
 * owner: the actor's runner; freed when the actor exits. */
typedef struct wr__life {
    wr_actor_spec spec;
    uint32_t size; /* bytes of this block (spawn refuses more) */
    char name[28]; /* with size: 32 bytes, so the block head stays 96 bytes
                      and the slot 448 (a wider one grew every actor by 64) */
    _Alignas(16) unsigned char state[];
} wr__life;
_Static_assert(sizeof(wr__life) % 16 == 0, "state follows the head unpadded");

#define WR__LIFE_INLINE (sizeof(wr__life) + 64) /* up to 64 bytes of state inline */

/* A slot of the actor table. Slots live in pages that are freed only with the
 * system; an incarnation is bound to a slot by its generation. Fields above
 * `head` are touched by any thread (atomics); the rest belong to whichever
 * worker currently runs the slot (the scheduling protocol guarantees one). */
typedef struct wr__actor {
    /* -- written by every send: kept apart from what the runner writes per
     *    message, or producer and consumer cores trade this line each time -- */
    _Atomic(wr_msg *) tail;      /* mailbox producer end (Vyukov MPSC) */
    _Atomic int64_t count;       /* work units pushed minus accounted; 0->1 schedules */
    _Atomic uint64_t hwm;        /* mailbox high water */
    _Atomic(wr__waiter *) waiters; /* senders parked on our full mailbox */
    _Atomic uint64_t drops, restarts;
    _Atomic int64_t bytes;       /* payload bytes of WR__MF_BYTES messages queued */
    _Atomic uint32_t kick;       /* 1: a kick's work unit is in count (wr__kick) */
    _Atomic uint32_t unparks;    /* bumped by targets with room for us again */
    /* -- read by senders, written at spawn, exit and stop -- */
    _Alignas(64) _Atomic uint64_t id; /* live incarnation id, 0 when none */
    _Atomic uint32_t capacity;   /* 0 = unbounded */
    _Atomic uint32_t policy;     /* enum wr_mailbox_policy */
    _Atomic uint64_t stop_id;    /* incarnation asked to stop urgently */
    _Atomic uint32_t stop_kind;  /* wr_exit_kind of that stop */
    _Atomic uint32_t next_free;  /* freelist link (index+1) */
    _Atomic(char *) reg_name;    /* owner: registry (guarded by its lock) */
    _Atomic uint32_t nsubs;      /* broker subscriptions */
    _Atomic uint64_t max_bytes;  /* queued payload bound, 0 = unbounded */
    /* -- the runner (one worker at a time); others only read the atomics -- */
    _Alignas(64) wr_msg *head;   /* mailbox consumer end */
    _Atomic int64_t taken;       /* units the running turn took but not yet accounted */
    _Atomic uint64_t msgs_in, msgs_out;
    struct wr__actor *runq_next; /* owner: the run queue holding it */
    wr_id self;                  /* incarnation being run, 0 when dead */
    wr__life *life;              /* owner: this actor */
    wr__link *links;             /* owner: this actor */
    wr__link *monitors;          /* actors we monitor (ref, peer); owner: this actor */
    wr__link *watchers;          /* actors monitoring us; owner: this actor */
    wr__link *pending;           /* open requests (ref=corr, timer); owner: this actor */
    wr_msg *saved_head, *saved_tail; /* owner: this actor; deferred while parked */
    wr_msg *current;             /* owner: this actor; message of a WR_YIELD */
    uint64_t await_corr;
    uint32_t await_tag;          /* a USER message with this tag also ends the await (0: none) */
    uint32_t idx;
    _Atomic uint32_t gen;        /* written by the spawner holding the free slot; read by
                                  * wr_id_issued from anywhere */
    uint32_t budget;
    uint8_t park;
    bool trap_exit;
    bool token;                  /* holds a self work unit in count */
    uint32_t park_seq;           /* `unparks` when we registered as a waiter */
    wr_msg *ack;                 /* owner: this actor; start acknowledgement reserved
                                    at spawn (WR__SPAWN_ACK), sent by wr__ack_started */
    struct { _Atomic(wr_msg *) next_; } stub; /* Vyukov stub: only its link is used */
    /* Small incarnations live here instead of a separate allocation. */
    _Alignas(16) unsigned char life_inline[WR__LIFE_INLINE];
} wr__actor;

/* Envelopes of one home worker collected for the trip home (envelope.c). */
typedef struct wr__batch {
    wr_msg *head, *tail; /* owner: the collecting worker */
    uint32_t n, home;
} wr__batch;

#define WR__OUT 8 /* home slots per worker; homes share them modulo WR__OUT */

/* Free envelopes of one home (a worker, or the threads outside the system):
 * the home's own cache, and the list others return its envelopes to in
 * batches, taken whole when the cache runs dry (envelope.c). */
typedef struct wr__envpool {
    wr_msg *cache; /* owner: the home */
    uint32_t ncache;
    _Alignas(64) _Atomic(wr_msg *) remote; /* pushed by others */
    _Atomic uint32_t nremote;
} wr__envpool;

typedef struct wr__worker {
    wr_system *sys;
    unsigned index;
    pthread_t thread;
    /* run queue: spinlocked FIFO, pushed by anyone, stolen from by idle workers */
    _Alignas(64) atomic_int lock;
    wr__actor *rq_head, *rq_tail; /* guarded by lock */
    _Atomic uint32_t rq_len;
    _Atomic uint64_t rq_since; /* when the queue last became non-empty */
    _Alignas(64) _Atomic int parked; /* futex word: 1 while asleep */
    _Atomic int spinning;            /* 1 while spinning for work before parking */
    /* owner: this worker's thread */
    _Alignas(64) _Atomic(wr__actor *) running;
    _Atomic(wr__actor *) next; /* run-next slot: woken by this worker; stolen only
                                  when this worker is stuck in one long turn */
    _Atomic uint64_t turns;    /* turns started; thieves see whether we progress */
    uint32_t front_streak;
    struct wr__worker *watch;  /* thief side: victim whose run-next we watch */
    uint64_t watch_turns, watch_since;
    wr__batch out[WR__OUT]; /* other workers' envelopes on their way home */
    wr__batch ext_out;      /* outside threads' envelopes on their way home */
    wr__envpool pool;       /* our envelopes */
    uint64_t corr_next;
} wr__worker;

typedef struct wr__timers wr__timers;
typedef struct wr__registry wr__registry;
typedef struct wr__broker wr__broker;
typedef struct wr__events wr__events;
typedef struct wr__sups wr__sups;

struct wr_system {
    wr_config cfg;
    wb_allocator alloc;
    unsigned nworkers;
    wr__worker *workers; /* owner: system */
    /* actor table */
    _Atomic(wr__actor *) *pages; /* owner: system; npages entries */
    void **raw_pages;             /* owner: system; unaligned blocks of pages */
    uint32_t npages;
    pthread_mutex_t grow_lock;
    _Atomic uint32_t pages_used;
    _Atomic uint64_t free_head; /* tag<<32 | (index+1) Treiber stack */
    /* scheduling */
    _Atomic uint32_t nparked, nspinning;
    _Atomic uint32_t rr; /* round robin for pushes from outside */
    _Atomic bool stop_workers;
    _Atomic bool stopping;  /* shutdown began: no spawn/send from outside */
    _Atomic bool halting;   /* actors are being stopped: no restarts */
    _Atomic uint64_t corr_ext;
    /* Envelopes of threads outside the system (envelope.c): without a home of
     * their own, each one would be a malloc here and a free on a worker. */
    _Alignas(64) atomic_flag ext_lock; /* guards ext.cache, ext.ncache */
    wr__envpool ext;
    /* counters */
    _Atomic uint64_t live, spawned, exited, dead_letters, drops, restarts, lost;
    wr__timers *timers;     /* owner: system */
    wr__registry *registry; /* owner: system */
    wr__broker *broker;     /* owner: system */
    wr__events *events;     /* owner: system */
    wr__sups *sups;         /* owner: system */
    bool shut_down;
};

struct wr_ctx {
    wr_system *sys;
    wr__worker *w;
    wr__actor *a;
    const wr_msg *msg;
    bool exiting;
    bool defer_ack; /* init: the actor acknowledges its start itself (supervisors) */
    uint8_t exit_kind;
    uint64_t bp_target; /* parked on this target's full mailbox */
    uint32_t park_seq;  /* the sender's `unparks` when it registered there */
    char exit_text[200];
};

/* ---- actor table (actor.c) ---- */
wr__actor *wr__slot(wr_system *sys, wr_id id); /* slot of id's index, or NULL */
wr__actor *wr__live(wr_system *sys, wr_id id); /* slot if id is live, else NULL */
wb_status wr__table_init(wr_system *sys, wb_error *err);
void wr__table_free(wr_system *sys);
/* link_to: the child starts linked to it. Flags: SEND_LINK also makes
 * link_to's side of the link by a signal (when link_to is not the caller's
 * own actor); ACK sends link_to a WR__TAG_STARTED message once init succeeded
 * (supervisors start children one after the other with it). Everything the
 * child will owe link_to and monitor_by is reserved here: a failure is
 * WB_NOMEM to the caller, never a lost exit later. */
enum { WR__SPAWN_SEND_LINK = 1, WR__SPAWN_ACK = 2 };
#define WR__TAG_STARTED 0xFFFFFF01u
wb_status wr__spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id link_to,
                    unsigned sflags, wr_id monitor_by, uint64_t mon_ref, uint64_t restarts,
                    wr_id *out, wb_error *err);
void wr__run_turn(wr__worker *w, wr__actor *a);
void wr__slot_release(wr_system *sys, wr__actor *a);
void wr__stop_all(wr_system *sys);
/* Makes a run without a message (after an urgent stop was flagged); never
 * allocates, so a kill cannot fail. */
void wr__kick(wr_system *sys, wr__actor *a);
/* Sends the start acknowledgement reserved at spawn, if any (once). */
void wr__ack_started(wr_ctx *ctx);

/* ---- links and monitors (link.c) ---- */
/* An entry with its notice envelope reserved; NULL when out of memory. */
wr__link *wr__link_new(wr_system *sys, wr_id peer, uint64_t ref);
void wr__link_free(wr_system *sys, wr__link *l); /* the entry and its note */
static inline void wr__list_push(wr__link **list, wr__link *l) {
    l->next = *list;
    *list = l;
}
bool wr__list_has(wr__link *l, wr_id peer);
bool wr__list_remove(wr_system *sys, wr__link **list, wr_id peer, uint64_t ref, wr__link **out);
void wr__list_free(wr_system *sys, wr__link **list);
/* A LINK or MONITOR signal from -> to carrying the receiver's entry (peer =
 * from, ref), whose envelope becomes that entry's notice; NULL when out of
 * memory. wr__link_take (receiver) keeps both; wr__link_answer_dead (dead
 * receiver) turns the envelope into EXIT/DOWN noproc back to the sender. */
wr_msg *wr__link_signal(wr_system *sys, uint16_t kind, wr_id from, wr_id to, uint64_t ref);
void wr__link_signal_from(wr_msg *m, wr_id from); /* sender known only later (spawn) */
void wr__link_take(wr_system *sys, wr__actor *a, wr_msg *m);
void wr__link_answer_dead(wr_system *sys, wr_msg *m);
/* Exit: each entry's notice goes to its peer; the lists end up empty. */
void wr__links_notify(wr_system *sys, wr__actor *a, wr_id self, wr_exit_kind why, const char *text);
/* Reason text of an exit signal: inline when short, else a shared buffer
 * (one per exit); NULL text or "" is none. */
void wr__msg_set_reason(wr_msg *m, wb_buf *shared, const char *text);
const char *wr__msg_text(const wr_msg *m);
/* Frees a message, with what it carries (INIT's incarnation, a signal's entry). */
void wr__msg_discard(wr_system *sys, wr_msg *m);

/* ---- messages and mailboxes (mailbox.c) ---- */
/* Envelopes (envelope.c); aux_ holds the home worker (index + 1, 0 = none). */
wr_msg *wr__msg_new(wr_system *sys);
void wr__msg_free(wr_system *sys, wr_msg *m);
/* Readies an envelope (fresh, reserved or reused) as a runtime signal:
 * payload and meta dropped, flags NO_EVENT | NOWAIT; its home is kept. */
void wr__msg_reset(wr_msg *m, uint16_t kind, wr_id from, wr_id to, uint32_t tag, uint64_t corr);
void wr__msg_flush(wr__worker *w);     /* send collected envelopes home (going idle) */
void wr__msg_pool_free(wr__worker *w); /* workers stopped: free every pooled envelope */
void wr__msg_ext_free(wr_system *sys);   /* likewise, the outside threads' pool */
wb_status wr__msg_fill(wr_system *sys, wr_msg *m, const void *data, size_t len);
wr_msg *wr__msg_clone(wr_system *sys, const wr_msg *m);
wb_buf *wr__text(const char *s);
void wr__mailbox_init(wr__actor *a);
void wr__mailbox_push(wr_system *sys, wr__actor *a, wr_msg *m);
/* Pops one message; NULL when empty or when a push is half done. */
wr_msg *wr__mailbox_pop(wr__actor *a);
/* Routes m to m->to: live check, bounded policies, push. Consumes m always.
 * sender may be NULL (outside a handler). */
wb_status wr__deliver(wr_system *sys, wr_ctx *sender, wr_msg *m, wb_error *err);
void wr__dead_letter(wr_system *sys, wr_msg *m);
/* Payload bytes of m (what the byte bound counts). */
static inline size_t wr__msg_size(const wr_msg *m) { return m->payload ? m->payload->len : m->len; }
/* True when one more message of `size` bytes would pass a's count or byte
 * bound (a message larger than the byte bound never fits). */
bool wr__mailbox_full(wr__actor *a, size_t size);
/* A drop by a's policy: per-actor and system counters and a DROP event. */
void wr__count_drop(wr_system *sys, wr__actor *a, wr_id from, uint32_t policy);

/* ---- scheduler (sched.c) ---- */
wr__worker *wr__current_worker(wr_system *sys);
void wr__schedule(wr_system *sys, wr__actor *a);
void wr__requeue(wr__worker *w, wr__actor *a);
wb_status wr__sched_start(wr_system *sys, wb_error *err);
void wr__sched_stop(wr_system *sys);
bool wr__sched_idle(wr_system *sys);
uint64_t wr__corr_new(wr_system *sys);

/* ---- timers (timer.c) ---- */
wb_status wr__timers_new(wr_system *sys, wb_error *err);
void wr__timers_stop(wr_system *sys);
void wr__timers_free(wr_system *sys);
/* Takes ownership of tmpl (sent, cloned for intervals). */
wb_status wr__timer_cancel(wr_system *sys, uint64_t id);
wb_status wr__timer_add(wr_system *sys, wr_msg *tmpl, uint64_t delay_ns, uint64_t period_ns,
                        uint64_t *id, wb_error *err);

/* ---- registry, broker, events, supervisors ---- */
wb_status wr__registry_new(wr_system *sys);
void wr__registry_free(wr_system *sys);
void wr__registry_drop(wr_system *sys, wr__actor *a, wr_id id);
wb_status wr__broker_new(wr_system *sys);
void wr__broker_free(wr_system *sys);
void wr__broker_drop(wr_system *sys, wr_id id);
wb_status wr__events_new(wr_system *sys);
void wr__events_free(wr_system *sys);
void wr__event(wr_system *sys, wr_event_type type, wr_id actor, wr_id other, uint32_t aux);
/* Something owed to `actor` (a message of `kind` from `other`) was lost for
 * want of memory and no caller could be told: counts it, emits WR_EV_LOST. */
void wr__lost(wr_system *sys, wr_id actor, wr_id other, uint32_t kind);
wb_status wr__sups_new(wr_system *sys);
void wr__sups_free(wr_system *sys);

/* Unbounded mailboxes: an actor whose send leaves this many messages waiting
 * is parked after its handler like a WAIT sender, until fewer than
 * WR__SOFT_LOW wait. A producer cannot run its consumer out of memory or out
 * of cache; a consumer that keeps up never parks anyone. */
#define WR__SOFT_HIGH 4096
#define WR__SOFT_LOW 1024

/* Kinds subject to mailbox capacity; replies, timeouts, exits and downs answer
 * the actor's own requests and links, so they are never dropped or refused. */
static inline bool wr__bounded_kind(uint16_t k) {
    return k == WR_MSG_USER || k == WR_MSG_REQUEST || k == WR_MSG_PUBLISH || k == WR_MSG_EVENT;
}

/* Messages waiting in the mailbox (exact when no push is in flight). */
static inline int64_t wr__queued(struct wr__actor *a);

static inline uint32_t wr__idx(wr_id id) { return (uint32_t)id; }

static inline wr_msg *wr__stub(wr__actor *a) { return (wr_msg *)(void *)&a->stub; }

static inline int64_t wr__queued(wr__actor *a) {
    return atomic_load_explicit(&a->count, memory_order_acquire) -
           atomic_load_explicit(&a->taken, memory_order_relaxed);
}

#endif
