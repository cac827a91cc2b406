/* SPDX-License-Identifier: MIT */
/* Private structures of the component host, shared by host.c (registry,
 * events), actor.c (the component actor), imports.c (the guest's `wactor`
 * imports) and port.c (calls from outside the actor system). */
#ifndef WACTOR_COMPONENT_HOST_H
#define WACTOR_COMPONENT_HOST_H

#include <pthread.h>
#include <stdatomic.h>

#include "wactor/component.h"

/* A component definition: a module and the capabilities of its instances.
 * Immutable after wc_host_define; lives until wc_host_free. */
typedef struct wc_def {
    char *name;        /* owner: this def */
    wa_module *module; /* owner: one reference */
    wc_caps caps;      /* owner: this def */
    bool has_init, has_health, has_cleanup, has_initialize;
    bool needs_wasi; /* imports wasi_snapshot_preview1: a context per incarnation */
    struct wc_def *next; /* owner: the host's list */
} wc_def;

/* One named component instance. Lives until wc_host_free, across restarts:
 * the actor (wc_actor) is the incarnation, this is the identity. Counters are
 * atomic (written by the worker running it, read by anyone); `lock` guards
 * fail/reason. */
typedef struct wc_comp {
    struct wc_host *host;
    wc_def *def;
    char *name;              /* owner: this record */
    wc_child_opts opts;
    wr_actor_spec spec;      /* the actor spec every incarnation uses */
    _Atomic(wr_id) id;       /* current incarnation, 0 while down */
    _Atomic(int) state;      /* wc_state of the current incarnation */
    _Atomic(bool) supervised;
    atomic_uint incarnations, failures;
    atomic_uint_fast64_t messages, error_replies, denied, throttled, fuel_used, late_replies;
    pthread_mutex_t lock;
    wc_fail_kind fail;
    char reason[160];
    /* Spawn limits: who spawned this instance, and what lives under it. */
    _Atomic(struct wc_comp *) spawner; /* NULL for manifest or outside spawns, and once it
                                        * terminated; read by senders (their child?) */
    struct wc_comp *tree_root; /* the first spawner of its tree (itself at the top) */
    atomic_uint live_children; /* spawned by this record and not yet terminated */
    atomic_uint tree_live;     /* at a tree root: spawned instances alive below it */
    atomic_uint tree_records;  /* at a tree root: records made for its spawns (never freed;
                                * a stopped child's record is taken again by a later spawn) */
    atomic_uint next_slot;     /* the lowest child number that may be free */
    uint32_t slot;             /* a spawned child's number n in "<spawner>/<def>#n" */
    struct wc_comp *first_child, *next_sibling; /* records it made for its spawns (host lock) */
    /* Why the host is about to kill the current incarnation (the runtime's
     * kill carries no text); read and cleared by its terminate. */
    wc_fail_kind kill_kind;
    char kill_reason[160];
    struct wc_comp *next;     /* owner: the host's list (creation order) */
    struct wc_comp *hnext;    /* the host's id table chain */
    struct wc_comp *nnext;    /* the host's name table chain */
} wc_comp;

/* A request from outside the actor system (wc_request): its sender is a
 * short-lived port actor, which the guest sees as 0 (docs/ABI.md). */
#define WC__TAG_OUTSIDE_REQUEST 0x57430006u

/* Which export call is in progress in an actor. */
typedef enum wc_call_kind {
    WC_CALL_NONE = 0, WC_CALL_HANDLE, WC_CALL_INVOKE, WC_CALL_HEALTH,
    WC_CALL_INIT, /* _initialize or init (init_stage), during the start */
} wc_call_kind;

/* The actor state of one incarnation (zeroed by the runtime, sized by the
 * spec). Used only by the worker running the actor. */
typedef struct wc_actor {
    wc_comp *comp;
    wa_instance *inst; /* owner: one reference */
    wa_wasi *wasi;     /* owner: this actor; its WASI view (grants, dirs) */
    uint64_t wasi_denied_seen; /* WASI calls refused so far, already reported */
    wr_ctx *ctx;       /* valid during the current callback only */
    wc_lifecycle lc;
    wa_func *f_handle, *f_health, *f_cleanup;
    wc_rate rate;
    bool no_suspend;   /* cleanup, the start function: calls run on this thread */
    bool in_init;      /* _initialize/init running: request() and receive() are refused */
    int init_stage;    /* 0 _initialize, 1 init */
    bool start_deferred; /* the start is acknowledged when init is over (wr_ctx_started) */
    uint64_t init_kick;  /* the reply to itself that continues a start */
    /* The call in progress (survives fuel slices and suspensions). */
    wc_call_kind call;
    bool suspended;        /* inside a host request() or a WASI wait, waiting */
    bool sleeping;         /* that wait is a WASI call that would block (wait.c) */
    bool sync_wait;        /* ... inside init/cleanup: run_sync waits for it here */
    uint64_t wait_deadline;        /* what the WASI call waits for: wb_now_ns() time, */
    wa_wasi_waitfd wait_fds[8];    /* descriptors (the first 8) */
    uint32_t wait_nfds;
    uint64_t wait_reg;     /* its registration with the host's poller; 0: none */
    bool wait_failed;      /* the wait could not be set up: the call fails */
    uint64_t waits_done[4]; /* corrs of recent descriptor waits (late wake-ups are ours) */
    uint32_t waits_done_next;
    bool counted;          /* this incarnation holds a slot of the node's instances */
    uint64_t *timers;      /* owner: this actor; [max_timers] send_after timers, 0: free */
    uint64_t *monitors;    /* owner: this actor; [max_monitors] monitor references, 0: free */
    uint64_t call_fuel0;   /* fuel used by the instance when the call began */
    uint64_t health_deadline; /* a health call is abandoned (Unhealthy) past it */
    /* The message being handled. */
    wr_id msg_from;
    int32_t msg_kind;      /* guest kind (WACTOR_KIND_*) */
    bool msg_request;      /* a reply is owed */
    bool replied;
    wr_msg req_copy;       /* header of the request (payload/meta NULL) */
    wb_buf *msg_payload;   /* owner: one reference (NULL when empty or inline) */
    const uint8_t *msg_data; /* the payload: msg_payload's bytes or msg_inline */
    uint32_t msg_len;
    uint8_t msg_inline[WR_INLINE_MAX]; /* a small payload, kept without an allocation */
    wb_buf *msg_topic;     /* owner: one reference (PUBLISH) */
    wc_codec invoke_codec; /* results are encoded like the arguments */
    /* A receive() the guest waits in: the next message, or the timer. */
    bool receiving;
    uint32_t recv_dst, recv_cap, recv_sender;
    uint64_t recv_seq, recv_timer;
    /* The host request() the guest waits in. */
    uint64_t pending_corr;
    uint32_t pending_out, pending_cap;
    char reason[160];      /* guest's set_reason */
    /* Ids this incarnation looked up with permission (native actors have no
     * component record to check a name against). A ring of the last few. */
    wr_id granted[16];
    uint32_t granted_next;
    /* Recent send targets: id -> record, so a send finds its target without
     * the host lock (records live as long as the host; a hit is checked
     * against the record's current id). */
    wr_id route_id[4];
    struct wc_comp *route_comp[4];
    bool route_permitted[4]; /* our send capability covers its name */
    uint32_t route_next;
} wc_actor;

struct wc_host {
    wr_system *sys;
    wa_engine *engine;
    wa_linker *linker; /* owner: the host; the `wactor` imports */
    wc_event_fn on_event;
    void *event_ud;
    pthread_mutex_t lock; /* guards everything below */
    wc_def *defs;
    wc_comp *comps, **comps_tail;
    size_t ncomps;
    wa_module **modules; /* owner: one reference each; distinct content hashes */
    size_t nmodules, modules_cap;
    wc_comp **ids; /* id -> comp chains, by id hash */
    size_t ids_cap;
    wc_comp **names; /* name -> comp chains, by name hash (spawning stays O(1)) */
    size_t names_cap;
    wc_event *events; /* ring */
    size_t events_cap, events_head, events_len;
    uint64_t events_dropped; /* overwritten before anyone read them */
    /* The smallest max_payload of any definition: a payload within it fits
     * every target, so a send from outside need not find its target. */
    atomic_uint payload_floor;
    /* owner: the host; declared topics, NULL-terminated; NULL: any topic.
     * Set once (release), read by publishing guests (acquire). */
    _Atomic(char **) topics;
    /* Node budgets (wc_host_config): checked before an instance starts. */
    uint32_t max_instances;        /* 0: unlimited */
    atomic_uint live_instances;
    atomic_uint_fast64_t refused;
    wa_budget mem_budget;          /* every instance's memory is charged here too */
    wa_budget fd_budget;           /* every WASI descriptor too */
    struct wc_poller *poller;      /* owner: the host; started by the first descriptor wait */
    struct wc_group *groups;       /* owner: the host; instance groups (host lock to add) */
};

/* A manifest component of N > 1 instances: its base name finds one of them
 * (wc_host_lookup, round-robin over those registered). Immutable once
 * added, except the cursor. */
typedef struct wc_group {
    char *name;               /* owner: the group */
    char **members;           /* owner: the group; [n] instance names */
    uint32_t n;
    atomic_uint cursor;
    struct wc_group *next;    /* owner: the host's list */
} wc_group;
wb_status wc__host_group_add(wc_host *h, const char *name, const char *const *members, uint32_t n);

/* host.c */
void wc__event(wc_host *h, wc_event_type type, const wc_comp *c, wr_id id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void wc__event_transition(wc_host *h, const wc_comp *c, wr_id id, const wc_transition *t);
wc_def *wc__def_find(wc_host *h, const char *name);
/* May a guest publish to `topic` (declared, or no topics declared)? */
bool wc__topic_declared(wc_host *h, const char *topic);
wc_comp *wc__comp_by_id(wc_host *h, wr_id id);
void wc__comp_set_id(wc_comp *c, wr_id id);
/* Records the id of a just-spawned child before its init runs (so its
 * spawner can message it at once); no-op once an incarnation started. */
void wc__comp_claim_id(wc_comp *c, wr_id id);
/* Creates the record for a new named instance, or takes the record of a
 * stopped, unsupervised one of that name; WB_EXISTS if taken. created (may
 * be NULL) says which it was; when it points to false on entry, only a
 * stopped record may be taken (else WB_LIMIT: nothing is created). */
wb_status wc__comp_new(wc_host *h, wc_def *def, const char *name, const wc_child_opts *opts,
                       bool *created, wc_comp **out, wb_error *err);

/* actor.c */
void wc__actor_spec(wc_comp *c, wr_actor_spec *spec);
/* Answers the current request once: ok with bytes, or an error code+reason. */
wb_status wc__reply(wc_actor *a, bool ok, int32_t code, const void *data, size_t len,
                    const char *reason);
uint64_t wc__slice_fuel(const wc_actor *a);

/* imports.c */
wb_status wc__imports_define(wa_linker *l, wb_error *err);
/* Is wactor.<name> an import of this ABI, with this type? */
bool wc__import_known(const char *name, const wa_functype *ft);
/* wasi.c: the WASI context of an incarnation from its capabilities. */
wb_status wc__wasi_new(const wc_comp *c, wa_wasi **out, wb_error *err);
wb_status wc__wasi_link(wa_linker *l, wb_error *err);
/* wait.c: a WASI call that would block suspends the component (the worker
 * runs others) until its deadline (a timer) or a descriptor's readiness
 * (the host's poller thread). Inside init/cleanup the call is marked for
 * run_sync instead (sync_wait). */
bool wc__wasi_wait(wc_actor *a, const wa_wasi_wait_req *req);
/* The WASI wait of a call ended (its reply or timer came): resumes it. */
wa_run_status wc__wasi_wake(wc_actor *a, uint64_t fuel);
/* Forgets the WASI wait of a call being abandoned. */
void wc__wasi_wait_cancel(wc_actor *a);
/* In init/cleanup: waits on this thread for what a suspended WASI call asked
 * for, at most until deadline_ns; false when the deadline came first. */
bool wc__wasi_wait_here(wc_actor *a, uint64_t deadline_ns);
void wc__poller_free(struct wc_poller *p);
/* host.c: links a spawned child's new record to its spawner's list. */
void wc__comp_adopt(wc_comp *parent, wc_comp *child);
/* Stops (gracefully) every live child parent spawned: they end with it. */
void wc__comp_stop_children(wc_comp *parent);
/* Resumes a call suspended in request() with the reply or timeout message. */
wa_run_status wc__request_resume(wc_actor *a, const wr_msg *msg, uint64_t fuel);
/* A message for a call suspended in receive(): resumes it (*resumed) with
 * the message or the timeout, or answers/ignores what receive does not take. */
wa_run_status wc__receive_offer(wc_actor *a, const wr_msg *msg, uint64_t fuel, bool *resumed);

/* port.c: a health check nobody waits for. cb runs exactly once, on a
 * worker, with the answer (Unhealthy "no answer" at the timeout) - unless
 * this returns an error, and then never. */
typedef void (*wc__health_cb)(void *ud, wc_health h, const char *reason);
wb_status wc__health_check_async(wc_host *h, wr_id to, uint64_t timeout_ns, wc__health_cb cb, void *ud,
                                 wb_error *err);

/* imports.c: forgets monitor ref (its DOWN came); false if not ours. */
bool wc__monitor_forget(wc_actor *a, uint64_t ref);

/* Encodes an error reply payload: i32 LE code, then the reason text. */
wb_buf *wc__error_payload(int32_t code, const char *reason);

#endif
