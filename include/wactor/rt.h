/* SPDX-License-Identifier: MIT */
/* wactor rt: the actor runtime for native (C) actors - scheduler, mailboxes,
 * links and monitors, supervisors, timers, broker, registry and events. */
#ifndef WACTOR_RT_H
#define WACTOR_RT_H

#include "wactor/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ids ----------------------------------------------------------------
 * An actor id is 64 bits: slot index (low 32) and generation (high 32). A
 * slot is reused only with a new generation, so a message to a dead actor is
 * detected (WB_DEAD + a dead-letter event) and never reaches a successor.
 * 0 is never a valid id. */
typedef uint64_t wr_id;
#define WR_NONE ((wr_id)0)

typedef struct wr_system wr_system; /* opaque */
typedef struct wr_ctx wr_ctx;       /* handler context, valid during one callback */

/* ---- exit reasons -------------------------------------------------------- */
typedef enum wr_exit_kind {
    WR_EXIT_NORMAL = 0, /* finished; links ignore it unless they trap exits */
    WR_EXIT_SHUTDOWN,   /* asked to stop (supervisor, system shutdown) */
    WR_EXIT_ERROR,      /* crashed, with a text */
    WR_EXIT_KILLED,     /* killed: cannot be trapped by the victim */
    WR_EXIT_NOPROC,     /* link/monitor target was already dead */
} wr_exit_kind;
const char *wr_exit_kind_name(wr_exit_kind k);

/* ---- messages -----------------------------------------------------------
 * An envelope. Handlers receive `const wr_msg *` and must not keep it past
 * the callback (take a wb_buf_ref on payload to keep the bytes). */
typedef enum wr_msg_kind {
    WR_MSG_USER = 0, /* plain send; `tag` is the caller's */
    WR_MSG_REQUEST,  /* expects wr_ctx_reply; `corr` identifies it */
    WR_MSG_REPLY,    /* answer to this actor's request `corr` */
    WR_MSG_TIMEOUT,  /* request `corr` got no reply in time */
    WR_MSG_EXIT,     /* trapped exit of linked `from`; tag = wr_exit_kind, text = reason */
    WR_MSG_DOWN,     /* monitored `from` died; corr = monitor ref, tag = wr_exit_kind */
    WR_MSG_PUBLISH,  /* broker delivery; wr_msg_topic() names the topic */
    WR_MSG_EVENT,    /* event stream; wr_msg_event() decodes it */
    WR_MSG_KIND_COUNT_
} wr_msg_kind;

#define WR_INLINE_MAX 32 /* payloads up to this size travel inside the envelope */

typedef struct wr_msg {
    _Atomic(struct wr_msg *) next_; /* private: mailbox link */
    wr_id from;                     /* sender, WR_NONE from outside the system */
    wr_id to;                       /* target incarnation */
    uint16_t kind;                  /* wr_msg_kind (or a private signal kind) */
    uint16_t flags_;                /* private */
    uint32_t tag;
    uint64_t corr;    /* correlation id / monitor ref / timer id */
    wb_buf *payload;  /* owner: this message (one reference), or NULL */
    wb_buf *meta;     /* owner: this message; topic or reason text, or NULL */
    uint32_t len;     /* inline payload length when payload == NULL */
    uint32_t aux_;    /* private */
    uint8_t data[WR_INLINE_MAX];
} wr_msg;

/* Payload bytes (inline or buffer) and their length. */
const void *wr_msg_bytes(const wr_msg *m, size_t *len);
/* Exit/down reason text ("" when none); topic of a PUBLISH message. */
const char *wr_msg_reason(const wr_msg *m);
const char *wr_msg_topic(const wr_msg *m);

/* ---- actor callbacks ------------------------------------------------------ */
typedef enum wr_turn {
    WR_OK = 0,  /* done with this message */
    WR_YIELD,   /* not done: end this turn, call handle again later with the
                   same message (used to run long work in slices) */
} wr_turn;

typedef struct wr_actor_spec {
    const char *name; /* for logs and events; not registered */
    /* Runs first in the actor's own turn; a failure exits it with WR_EXIT_ERROR. */
    wb_status (*init)(wr_ctx *ctx, void *arg);
    wr_turn (*handle)(wr_ctx *ctx, const wr_msg *msg);
    /* Always runs once when the actor exits, whatever the reason (also on kill,
     * so C resources are released). */
    void (*terminate)(wr_ctx *ctx, wr_exit_kind why, const char *text);
    size_t state_size; /* zeroed state for wr_ctx_state(); 0 for none */
    /* Mailbox bounds, each 0 = none: messages queued, and payload bytes
     * queued (buffers and inline; a message larger than the byte bound
     * never fits). Both 0: the system's defaults (wr_config). One policy
     * for both. Replies, timeouts, exits and downs are never refused.
     * (32 bits each: a wider field would grow every actor's slot.) */
    uint32_t mailbox_capacity;
    uint32_t mailbox_max_bytes;
    enum wr_mailbox_policy {
        WR_MAILBOX_WAIT = 0,   /* see wr_send: bounded wait outside, park inside */
        WR_MAILBOX_DROP_NEWEST, /* the new message is dropped */
        WR_MAILBOX_DROP_OLDEST, /* the oldest queued message is dropped (by the
                                   receiver, when it next runs) */
        WR_MAILBOX_ERROR,       /* the sender gets WB_FULL */
    } mailbox_policy;
    uint32_t budget; /* messages per turn; 0 = system default */
    /* A REPLY that comes after its request was settled (timed out) reaches
     * handle (to be counted, say) instead of the dead letters. */
    bool late_replies;
} wr_actor_spec;

/* ---- system ----------------------------------------------------------------- */
typedef struct wr_config {
    unsigned workers;          /* 0 = number of online CPUs */
    uint32_t budget;           /* messages per actor turn (default 64) */
    uint32_t max_actors;       /* slot table size (default 1<<22) */
    uint32_t spin_us;          /* idle spin before a worker parks (default 50) */
    uint64_t send_wait_ns;     /* WAIT policy bound for non-worker senders (default 1 s) */
    wb_allocator allocator;    /* tagged: ACTOR, MAILBOX, MESSAGE, GENERIC */
    /* Bounds for an actor spawned with mailbox_capacity and mailbox_max_bytes
     * both 0 (its spec's policy applies); 0 = unbounded. */
    uint32_t default_mailbox_capacity;
    uint32_t default_mailbox_bytes;
} wr_config;

void wr_config_default(wr_config *cfg);
wb_status wr_system_new(const wr_config *cfg, wr_system **out, wb_error *err);
/* Stops accepting spawns and sends from outside, shuts each top supervisor
 * down (its children stop in reverse start order, one at a time) and waits
 * for them, then cancels every timer, lets queued work drain until timeout_ns
 * passes or nothing is runnable, then stops every actor (reason shutdown;
 * each terminate runs) and the workers. Returns WB_TIMEOUT when the
 * deadline cut the supervisors' stop or the drain short. Must not be called
 * from a worker. */
wb_status wr_system_shutdown(wr_system *sys, uint64_t timeout_ns);
/* Shuts down (1 s drain) if still running, then frees everything. NULL ok. */
void wr_system_free(wr_system *sys);
bool wr_system_stopping(const wr_system *sys);
unsigned wr_system_workers(const wr_system *sys);

/* lost: things the runtime owed an actor but could not allocate, with no
 * caller to return an error to (an event, an interval's tick, a long exit
 * reason's text); each also emits WR_EV_LOST where memory allows. Exits,
 * downs, start acknowledgements and unparks are reserved in advance and
 * never lost. */
typedef struct wr_system_stats {
    uint64_t live_actors, spawned, exited, dead_letters, drops, restarts, lost;
} wr_system_stats;
void wr_system_stats_get(wr_system *sys, wr_system_stats *out);

/* ---- spawning, identity, exits ------------------------------------------- */
enum { WR_SPAWN_LINK = 1, WR_SPAWN_MONITOR = 2 };

/* The spec is copied; arg goes to init. Thread-safe, from anywhere. */
wb_status wr_spawn(wr_system *sys, const wr_actor_spec *spec, void *arg, wr_id *out,
                   wb_error *err);
/* From a handler; flags link the child to the caller and/or monitor it (the
 * monitor ref is written to *ref when non-NULL). */
wb_status wr_ctx_spawn(wr_ctx *ctx, const wr_actor_spec *spec, void *arg, unsigned flags,
                       wr_id *out, uint64_t *ref, wb_error *err);

/* From init: the start is acknowledged later, by wr_ctx_started from a
 * handler (a supervisor starts the next child, and wr_supervisor_start
 * returns, only then); the actor runs meanwhile. An exit before the
 * acknowledgement is a failed start, as a failing init is. */
void wr_ctx_defer_start(wr_ctx *ctx);
void wr_ctx_started(wr_ctx *ctx);

wr_id wr_ctx_self(const wr_ctx *ctx);
void *wr_ctx_state(const wr_ctx *ctx);
wr_system *wr_ctx_system(const wr_ctx *ctx);
bool wr_alive(wr_system *sys, wr_id id);
/* Whether id ever named an actor (alive or gone): tells DEAD from NOT_FOUND. */
bool wr_id_issued(wr_system *sys, wr_id id);

/* The caller exits when its handler returns. text may be NULL (copied). */
void wr_ctx_exit(wr_ctx *ctx, wr_exit_kind kind, const char *text);
/* Sends an exit signal to `target` as if a linked actor had died with kind:
 * NORMAL is ignored unless trapped, KILLED cannot be trapped (and needs no
 * memory: it cannot fail on a live target). */
wb_status wr_exit(wr_system *sys, wr_id from, wr_id target, wr_exit_kind kind,
                  const char *text, wb_error *err);

/* ---- sending -------------------------------------------------------------
 * Bounded mailboxes (by count, bytes or both; a message to oneself counts
 * like any other): DROP_* count the drop (stats + event) and return WB_OK;
 * ERROR returns WB_FULL, and so does WAIT for a message larger than the byte
 * bound (it could never fit); WAIT from a non-worker thread polls for space up to
 * cfg.send_wait_ns (then WB_TIMEOUT), and from inside a handler it accepts
 * the message over capacity and parks the sending actor after its handler
 * returns: it receives nothing but exit signals until the target's mailbox is
 * below capacity again (or the target died). A worker thread never blocks.
 * Unbounded mailboxes have a soft limit: an actor whose send finds 4096 or
 * more messages waiting is parked the same way until fewer than 1024 wait
 * (senders outside the actors are never held). */
wb_status wr_send(wr_system *sys, wr_id to, uint32_t tag, const void *data, size_t len,
                  wb_error *err);
wb_status wr_ctx_send(wr_ctx *ctx, wr_id to, uint32_t tag, const void *data, size_t len,
                      wb_error *err);
/* Payload by reference: takes one reference to buf (also on failure). */
wb_status wr_ctx_send_buf(wr_ctx *ctx, wr_id to, uint32_t tag, wb_buf *buf, wb_error *err);
wb_status wr_send_buf(wr_system *sys, wr_id from, wr_id to, uint32_t tag, wb_buf *buf,
                      wb_error *err);

/* Request/reply. The request carries a fresh correlation id (*corr). Exactly
 * one of REPLY or TIMEOUT (after timeout_ns; 0 = no timeout) reaches the
 * requester; a late reply is a dead letter. */
wb_status wr_ctx_request(wr_ctx *ctx, wr_id to, uint32_t tag, const void *data, size_t len,
                         uint64_t timeout_ns, uint64_t *corr, wb_error *err);
wb_status wr_ctx_reply(wr_ctx *ctx, const wr_msg *request, uint32_t tag, const void *data,
                       size_t len, wb_error *err);
/* Answers the open request or sleep `corr` of actor `to` from anywhere (an
 * I/O poller thread, say): a REPLY with this tag and payload, which cancels
 * the request's timeout. A corr that is no longer open makes a dead letter. */
wb_status wr_send_reply(wr_system *sys, wr_id to, uint64_t corr, uint32_t tag, const void *data,
                        size_t len, wb_error *err);
/* Selective receive: after the current handler returns, the actor receives
 * only the REPLY or TIMEOUT for `corr` (exit signals still act); every other
 * message is kept aside and delivered, in order, once that one arrived. */
void wr_ctx_await(wr_ctx *ctx, uint64_t corr);
/* The same, but a WR_MSG_USER message with `tag` (e.g. a stop request) also
 * ends the wait, ahead of what was kept aside. */
void wr_ctx_await_or(wr_ctx *ctx, uint64_t corr, uint32_t tag);
/* A request that no one answers: the TIMEOUT for *corr reaches the actor
 * after ns (timer resolution: 1 ms; UINT64_MAX: never - only a reply from
 * wr_send_reply ends it). With wr_ctx_await, a wait that holds no thread. */
wb_status wr_ctx_sleep(wr_ctx *ctx, uint64_t ns, uint64_t *corr, wb_error *err);

/* ---- timers ----------------------------------------------------------------
 * One timer wheel per system (1 ms ticks). The message is sent from `from`
 * when due; an interval repeats every period until cancelled or the target
 * dies. Returns the timer id in *timer. */
wb_status wr_send_after(wr_system *sys, wr_id from, wr_id to, uint64_t delay_ns, uint32_t tag,
                        const void *data, size_t len, uint64_t *timer, wb_error *err);
wb_status wr_send_interval(wr_system *sys, wr_id from, wr_id to, uint64_t period_ns,
                           uint32_t tag, const void *data, size_t len, uint64_t *timer,
                           wb_error *err);
/* WB_OK if cancelled before firing (or between intervals), WB_NOT_FOUND else. */
wb_status wr_timer_cancel(wr_system *sys, uint64_t timer);
/* Whether the timer will still fire (not fired yet, not cancelled). */
bool wr_timer_pending(wr_system *sys, uint64_t timer);

/* ---- links, monitors, trap exit (from a handler) -----------------------------
 * Making a link or monitor reserves the notices both sides' exits will send,
 * so it may fail with WB_NOMEM; an exit itself never needs memory and is
 * never lost. Unlink and demonitor reuse those reservations. */
wb_status wr_ctx_link(wr_ctx *ctx, wr_id other, wb_error *err);
void wr_ctx_unlink(wr_ctx *ctx, wr_id other);
wb_status wr_ctx_monitor(wr_ctx *ctx, wr_id other, uint64_t *ref, wb_error *err);
void wr_ctx_demonitor(wr_ctx *ctx, uint64_t ref);
/* When on, exit signals from links arrive as WR_MSG_EXIT (except KILLED). */
void wr_ctx_trap_exit(wr_ctx *ctx, bool on);

/* ---- name registry (one name per actor; removed when it exits) ------------ */
wb_status wr_register(wr_system *sys, const char *name, wr_id id, wb_error *err);
wr_id wr_lookup(wr_system *sys, const char *name);
wb_status wr_unregister(wr_system *sys, const char *name);

/* ---- per-actor counters ---------------------------------------------------------- */
typedef struct wr_actor_stats {
    uint64_t msgs_in, msgs_out, drops, mailbox_high_water, mailbox_len, restarts;
    uint64_t mailbox_bytes; /* payload bytes queued (counted when byte-bounded) */
} wr_actor_stats;
wb_status wr_actor_stats_get(wr_system *sys, wr_id id, wr_actor_stats *out);

/* ---- event stream ---------------------------------------------------------------
 * Subscribed actors receive WR_MSG_EVENT messages; sending them never emits
 * further events. */
typedef enum wr_event_type {
    WR_EV_SPAWN = 0,
    WR_EV_EXIT,        /* aux = wr_exit_kind */
    WR_EV_RESTART,     /* actor = new child, other = supervisor, aux = delay ms */
    WR_EV_DROP,        /* actor = mailbox owner, other = sender, aux = policy */
    WR_EV_DEAD_LETTER, /* actor = dead target, other = sender, aux = msg kind */
    WR_EV_LOST,        /* no memory: actor = who was owed it, other = sender, aux = msg kind */
    WR_EV_COUNT_
} wr_event_type;
#define WR_EV_MASK(t) (1u << (t))
#define WR_EV_ALL ((1u << WR_EV_COUNT_) - 1)

typedef struct wr_event {
    uint16_t type; /* wr_event_type */
    uint16_t pad_;
    uint32_t aux;
    wr_id actor;
    wr_id other;
    uint64_t time_ns; /* wb_now_ns() when it happened */
} wr_event;

wb_status wr_events_subscribe(wr_system *sys, wr_id observer, uint32_t mask, wb_error *err);
void wr_events_unsubscribe(wr_system *sys, wr_id observer);
/* Decodes an event message; false if m is not one. */
bool wr_msg_event(const wr_msg *m, wr_event *out);

/* ---- pub/sub broker ----------------------------------------------------------------
 * Topics are '.'-separated segments. A pattern segment '*' matches exactly one
 * segment, a final '#' matches zero or more. An actor's exit removes its
 * subscriptions. */
wb_status wr_subscribe(wr_system *sys, wr_id subscriber, const char *pattern, wb_error *err);
wb_status wr_unsubscribe(wr_system *sys, wr_id subscriber, const char *pattern);
/* Delivers WR_MSG_PUBLISH to every matching subscriber (payload shared, not
 * copied); *delivered (may be NULL) counts them. */
wb_status wr_publish(wr_system *sys, wr_id from, const char *topic, uint32_t tag,
                     const void *data, size_t len, size_t *delivered, wb_error *err);
bool wr_topic_match(const char *pattern, const char *topic);
bool wr_topic_valid(const char *s, bool pattern);

/* ---- supervisors --------------------------------------------------------------- */
typedef enum wr_strategy { WR_ONE_FOR_ONE = 0, WR_ONE_FOR_ALL, WR_REST_FOR_ONE } wr_strategy;
typedef enum wr_restart {
    WR_PERMANENT = 0, /* always restarted */
    WR_TRANSIENT,     /* restarted unless it exited NORMAL or SHUTDOWN */
    WR_TEMPORARY,     /* never restarted */
} wr_restart;

typedef enum wr_backoff_kind { WR_BACKOFF_NONE = 0, WR_BACKOFF_LINEAR, WR_BACKOFF_EXPONENTIAL } wr_backoff_kind;
typedef struct wr_backoff {
    wr_backoff_kind kind;
    uint64_t base_ns;    /* first delay (and linear step) */
    uint64_t max_ns;     /* cap; 0 = none */
    uint32_t jitter_pct; /* +-pct random spread, 0..100 */
    uint64_t reset_ns;   /* quiet period after which the attempt count resets; 0 = never */
} wr_backoff;
/* Delay before restart number `attempt` (0-based) with a random value for jitter. */
uint64_t wr_backoff_delay(const wr_backoff *b, uint32_t attempt, uint64_t random);

typedef struct wr_sup_spec wr_sup_spec;
typedef struct wr_child_spec {
    const char *name;           /* unique among the supervisor's children (copied) */
    const wr_actor_spec *actor; /* worker child (copied), or */
    const wr_sup_spec *sup;     /* a nested supervisor (must outlive it) */
    void *arg;                  /* passed to actor->init */
    wr_restart restart;
    uint64_t shutdown_ns; /* 0 = brutal kill; else shutdown signal, kill after this */
    wr_backoff backoff;
} wr_child_spec;

struct wr_sup_spec {
    const char *name;
    wr_strategy strategy;
    uint32_t intensity; /* at most this many restarts ... */
    uint64_t period_ns; /* ... within this window, else the supervisor exits */
    const wr_child_spec *children;
    size_t nchildren;
};

typedef struct wr_restart_entry {
    uint64_t time_ns;  /* wb_now_ns() at the crash */
    uint64_t delay_ns; /* backoff delay applied */
    wr_exit_kind reason;
    wr_id old_id, new_id; /* new_id is 0 until the restart happened */
} wr_restart_entry;

/* Starts the tree. Children start in order, each once the previous one's init
 * returned (a nested supervisor: once all its children started), restarts
 * too; called from outside the workers it returns when all have started. A
 * child whose init fails is restarted like a crash. Sending the supervisor a
 * non-normal exit signal stops it and its children. Children stop in reverse
 * start order, one at a time: the next is asked once the previous one's exit
 * arrived (its terminate ran, or it was killed at shutdown_ns); so do the
 * siblings one_for_all and rest_for_one restart. A supervisor that exits
 * (told to, or its intensity reached) does so after its last child: its
 * parent hears of it once their names are free. Only one killed outright
 * leaves its children to stop after it. */
wb_status wr_supervisor_start(wr_system *sys, const wr_sup_spec *spec, wr_id *out, wb_error *err);
/* Current id of a child (0 while it is down or restarting). */
wr_id wr_supervisor_child(wr_system *sys, wr_id sup, const char *name);
/* Copies up to max restart entries of a child, oldest first; *n = copied. */
wb_status wr_supervisor_history(wr_system *sys, wr_id sup, const char *name,
                                wr_restart_entry *out, size_t max, size_t *n);
wb_status wr_supervisor_start_child(wr_system *sys, wr_id sup, const wr_child_spec *child,
                                    wb_error *err);
wb_status wr_supervisor_terminate_child(wr_system *sys, wr_id sup, const char *name,
                                        wb_error *err);
wb_status wr_supervisor_delete_child(wr_system *sys, wr_id sup, const char *name,
                                     wb_error *err);

#ifdef __cplusplus
}
#endif
#endif
