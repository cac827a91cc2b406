/* SPDX-License-Identifier: MIT */
/* wactor component actors: WebAssembly components hosted as supervised,
 * message-passing actors. Payload codecs, capabilities, lifecycle, manifest,
 * and the host that runs components on the actor runtime. The only layer that
 * sees both the actor runtime (rt) and the WebAssembly engine (wasm). */
#ifndef WACTOR_COMPONENT_H
#define WACTOR_COMPONENT_H

#include "wactor/base.h"
#include "wactor/rt.h"
#include "wactor/wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- payloads: multicodec prefix (unsigned varint code), then the bytes --- */
/* Borsh has no multicodec code; wactor uses one from the private-use range
 * 0x300000-0x3fffff (see docs/ABI.md). */
typedef enum wc_codec {
    WC_CODEC_CBOR = 0x51,
    WC_CODEC_RAW = 0x55,
    WC_CODEC_JSON = 0x0200,
    WC_CODEC_BORSH = 0x3000b0,
} wc_codec;

const char *wc_codec_name(uint64_t code); /* "json", ..., "unknown" */
/* Parses a name ("raw", "json", "cbor", "borsh"); WB_NOT_FOUND if unknown. */
wb_status wc_codec_parse(const char *name, wc_codec *out);

/* Splits a payload into codec and body. WB_DECODE when the prefix is
 * truncated or overlong, WB_UNSUPPORTED when the code is not one of wc_codec. */
wb_status wc_payload_split(const uint8_t *p, size_t len, wc_codec *codec, size_t *body_off,
                           wb_error *err);
/* wc_payload_split plus a check that the body decodes in its codec (JSON
 * parses, CBOR is one well-formed item; raw and Borsh bodies are opaque). */
wb_status wc_payload_check(const uint8_t *p, size_t len, wb_error *err);
/* New buffer: prefix for `codec` followed by body. NULL on out of memory. */
wb_buf *wc_payload_new(wc_codec codec, const void *body, size_t len);

/* Invoke arguments and results: WebAssembly values <-> a payload.
 *   json:  an array of numbers (i64 beyond 2^53 also as a decimal string;
 *          NaN and infinities as "NaN", "Infinity", "-Infinity"); a single
 *          parameter may also be given as a bare number. Output is exact:
 *          floats in the fewest digits that read back to the same bits
 *   cbor:  an array of integers / floats
 *   borsh, raw: the values packed little-endian (i32/f32 4 bytes, i64/f64 8)
 * Only i32, i64, f32 and f64 convert; anything else is WB_UNSUPPORTED.
 * Mismatched count or type is WB_DECODE with a message. */
wb_status wc_values_from_payload(const uint8_t *p, size_t len, const wa_valtype *types,
                                 uint32_t n, wa_value *out, wb_error *err);
/* Encodes n values in `codec`. *out is a new buffer owned by the caller. */
wb_status wc_values_to_payload(wc_codec codec, const wa_value *vals, uint32_t n, wb_buf **out,
                               wb_error *err);

/* ---- topic and name patterns --------------------------------------------- */
/* Segments are separated by '.'; in a pattern '*' matches exactly one segment
 * and '#' (last segment only) matches the rest, including nothing. A pattern
 * without wildcards matches only itself. "#" alone matches everything. */
bool wc_pattern_match(const char *pattern, const char *subject);
/* Does every subject `pattern` matches also match `grant`? ("a.#" covers
 * "a.*" and "a.b"; "a.*" does not cover "a.#".) */
bool wc_pattern_covers(const char *grant, const char *pattern);
/* WB_INVALID_ARG when '#' is not the last segment or a wildcard is mixed with
 * other characters inside one segment. */
wb_status wc_pattern_check(const char *pattern, wb_error *err);

/* ---- capabilities --------------------------------------------------------- */
typedef enum wc_mailbox_policy {
    WC_MAILBOX_FAIL = 0,     /* full: the sender gets FULL */
    WC_MAILBOX_DROP_NEWEST,  /* full: the new message is dropped and counted */
    WC_MAILBOX_DROP_OLDEST,  /* full: the oldest queued message is dropped */
} wc_mailbox_policy;

/* Resource limits; zero means the default shown. */
typedef struct wc_limits {
    uint32_t max_memory_pages;    /* default 256 (16 MiB) */
    /* Host memory of an instance, every kind: linear memory, tables,
     * globals, stacks, bookkeeping; default max_memory_pages * 64 KiB + 16 MiB. */
    uint64_t max_memory_bytes;
    uint64_t fuel_per_message;    /* default 0: unlimited */
    uint64_t fuel_total;          /* default 0: unlimited */
    uint64_t fuel_slice;          /* fuel per scheduling turn; default 20000 */
    uint32_t mailbox_capacity;    /* messages; default 10000 */
    uint64_t mailbox_bytes;       /* payload bytes queued; default 16 MiB */
    wc_mailbox_policy mailbox_policy;
    uint32_t max_payload;         /* bytes; default 4 MiB */
    uint32_t send_rate;           /* messages per second; 0: unlimited */
    uint32_t send_burst;          /* token bucket size; default = send_rate */
    uint32_t max_fds;             /* WASI descriptors open at once; default 256 */
    uint64_t disk_bytes;          /* bytes it may add to files (an incarnation); default 1 GiB */
    uint32_t spawn_children;      /* live children spawned by one instance; default 64 */
    uint32_t spawn_total;         /* live instances in one spawn tree; default 1024 */
    uint32_t max_timers;          /* send_after timers pending at once; default 256 */
    uint32_t max_monitors;        /* monitors held at once; default 256 */
} wc_limits;

/* What a component may do. Pattern lists are NULL-terminated arrays of
 * strings in wc_pattern syntax. Owner: the wc_caps (wc_caps_close frees). */
typedef struct wc_caps {
    char **send;       /* names it may send/request to; NULL: none. "#": any */
    char **publish;    /* topics it may publish to */
    char **subscribe;  /* topics it may subscribe to */
    bool spawn;        /* may spawn child components */
    char **wasi;       /* WASI preview1 functions granted ("fd_write", "#": all) */
    char **dirs;       /* "HOST[::GUEST][:ro]" directories granted to WASI */
    wc_limits limits;
} wc_caps;

typedef enum wc_cap_kind { WC_CAP_SEND, WC_CAP_PUBLISH, WC_CAP_SUBSCRIBE } wc_cap_kind;

void wc_caps_init(wc_caps *c); /* nothing allowed, default limits */
void wc_caps_close(wc_caps *c);
wb_status wc_caps_copy(wc_caps *dst, const wc_caps *src);
/* Adds a pattern to one of the lists (copied). */
wb_status wc_caps_allow(wc_caps *c, wc_cap_kind kind, const char *pattern, wb_error *err);
bool wc_caps_permits(const wc_caps *c, wc_cap_kind kind, const char *subject);
/* For subscriptions: is every subject of `pattern` permitted? */
bool wc_caps_covers(const wc_caps *c, wc_cap_kind kind, const char *pattern);
bool wc_caps_wasi_granted(const wc_caps *c, const char *func);
/* Fills zero fields of l with the defaults. */
void wc_limits_resolve(wc_limits *l);

/* One `dirs` grant "HOST[::GUEST][:ro]" taken apart: a trailing ":ro" makes
 * it read-only; without "::" GUEST is HOST. An empty path, or one of PATH_MAX
 * bytes or more, is WB_INVALID_ARG (nothing to close): never cut short. */
#define WC_MAX_DIRS 16 /* grants per component */
typedef struct wc_dir {
    char *host;  /* owner: the wc_dir (wc_dir_close); one allocation */
    char *guest; /* points into host's allocation */
    bool read_only;
} wc_dir;
wb_status wc_dir_parse(const char *spec, wc_dir *out, wb_error *err);
void wc_dir_close(wc_dir *d);

/* Token bucket for the send rate limit. Not thread-safe: one per component,
 * used only by the thread running it. */
typedef struct wc_rate {
    uint32_t rate, burst;  /* 0 rate: unlimited */
    double tokens;
    uint64_t last_ns;
} wc_rate;
void wc_rate_init(wc_rate *r, uint32_t rate, uint32_t burst, uint64_t now_ns);
bool wc_rate_take(wc_rate *r, uint64_t now_ns); /* false: throttled */

/* ---- lifecycle ------------------------------------------------------------ */
#define WC_STATE_MAP(X) \
    X(CREATING, "creating") X(STARTING, "starting") X(READY, "ready") \
    X(STOPPING, "stopping") X(TERMINATED, "terminated") X(FAILED, "failed")

typedef enum wc_state {
#define WC_STATE_ENUM_(name, s) WC_STATE_##name,
    WC_STATE_MAP(WC_STATE_ENUM_)
#undef WC_STATE_ENUM_
    WC_STATE_COUNT_
} wc_state;
const char *wc_state_name(wc_state s); /* "ready" */

/* Why a component failed; the supervisor and operators see this category. */
#define WC_FAIL_MAP(X) \
    X(NONE, "none") X(TRAP, "trap") X(FUEL, "fuel limit") X(MEMORY, "memory limit") \
    X(INIT, "init failed") X(HEALTH, "unhealthy") X(KILLED, "killed") \
    X(LINK, "link error") X(TIMEOUT, "timeout") X(LIMIT, "node limit")

typedef enum wc_fail_kind {
#define WC_FAIL_ENUM_(name, s) WC_FAIL_##name,
    WC_FAIL_MAP(WC_FAIL_ENUM_)
#undef WC_FAIL_ENUM_
    WC_FAIL_COUNT_
} wc_fail_kind;
const char *wc_fail_name(wc_fail_kind k);
/* Category of a trap: FUEL for fuel traps, MEMORY for memory-limit, else TRAP. */
wc_fail_kind wc_fail_from_trap(wa_trap_kind k);

/* One transition, with the monotonic time it happened. */
typedef struct wc_transition {
    wc_state from, to;
    wc_fail_kind fail;
    uint64_t at_ns;
    char reason[160];
} wc_transition;

typedef void (*wc_transition_fn)(void *ud, const wc_transition *t);

/* The state machine of one component instance. Not thread-safe: owned by the
 * thread running the component. `on_transition` (may be NULL) sees every
 * accepted transition. */
typedef struct wc_lifecycle {
    wc_state state;
    wc_fail_kind fail;
    char reason[160];
    wc_transition_fn on_transition;
    void *ud;
} wc_lifecycle;

void wc_lifecycle_init(wc_lifecycle *lc, wc_transition_fn fn, void *ud);
/* Legal: Creating->Starting->Ready->Stopping->Terminated, Starting->Stopping,
 * and any non-final state -> Failed (use wc_lifecycle_fail). Anything else is
 * WB_STATE and changes nothing. */
wb_status wc_lifecycle_to(wc_lifecycle *lc, wc_state to, wb_error *err);
wb_status wc_lifecycle_fail(wc_lifecycle *lc, wc_fail_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool wc_state_final(wc_state s);

/* ---- manifest (YAML; see docs/ABI.md for the format) ---------------------- */
typedef enum wc_restart {
    WC_RESTART_PERMANENT = 0, /* always restarted */
    WC_RESTART_TRANSIENT,     /* restarted only after a failure */
    WC_RESTART_TEMPORARY,     /* never restarted */
} wc_restart;

typedef enum wc_strategy { WC_ONE_FOR_ONE = 0, WC_ONE_FOR_ALL, WC_REST_FOR_ONE } wc_strategy;

/* Restart delay: initial * multiplier^n, capped at max, +-jitter (0..1);
 * the count resets after reset_after_ms without a restart. */
typedef struct wc_backoff {
    uint32_t initial_ms, max_ms, reset_after_ms;
    double multiplier, jitter;
} wc_backoff;

/* Health checks every interval_ms; an answer later than timeout_ms counts as
 * Unhealthy; `threshold` Unhealthy answers in a row restart the component. */
typedef struct wc_health_spec {
    uint32_t interval_ms, timeout_ms, threshold;
} wc_health_spec;

/* Manifest limits (docs/ABI.md). Names are the runtime's supervisor child
 * names: a supervisor's name and each instance name ("name", or "name.<i>"
 * with N > 1 instances) are 1..WC_NAME_MAX bytes. */
#define WC_MAX_INSTANCES 100000u
#define WC_MAX_INTENSITY 100000u /* a supervisor's restarts per period (one slot each) */
#define WC_NAME_MAX 47

/* One component entry. Owner of every pointer: the manifest. */
typedef struct wc_component_spec {
    char *name;        /* registered name (with N > 1 instances: "name.0" ...) */
    char *wasm;        /* path, resolved against the manifest's directory */
    char *supervisor;  /* name of its supervisor; NULL: the root */
    uint32_t instances;
    wc_caps caps;
    wc_restart restart;
    wc_backoff backoff;
    wc_health_spec health;
    uint32_t shutdown_ms; /* cleanup deadline; default 1000 */
} wc_component_spec;

typedef struct wc_supervisor_spec {
    char *name;
    char *parent; /* NULL: child of the root (or the root itself) */
    wc_strategy strategy;
    uint32_t intensity, period_ms; /* at most intensity restarts in period_ms */
} wc_supervisor_spec;

/* A message the runner sends after start (and every every_ms if non-zero). */
typedef struct wc_initial_msg {
    char *to;
    wb_buf *payload; /* owner: the manifest (prefixed, checked) */
    uint32_t after_ms, every_ms;
} wc_initial_msg;

typedef struct wc_manifest {
    char *name;
    char *base_dir;
    uint32_t workers;    /* 0: number of cores */
    uint32_t duration_s; /* run time for `wactor run` without --duration; 0: until stopped */
    /* Node budgets (top-level `limits:`; wc_host_config); 0: the defaults. */
    uint32_t max_instances;
    uint64_t max_memory_bytes;
    uint32_t max_fds;
    wc_component_spec *components;
    size_t ncomponents;
    wc_supervisor_spec *supervisors;
    size_t nsupervisors;
    char **topics; /* NULL-terminated */
    wc_initial_msg *messages;
    size_t nmessages;
} wc_manifest;

/* Parses a manifest; unknown keys, bad values and dangling references are
 * WB_INVALID_ARG with the line in err->msg. base_dir resolves wasm paths. */
wb_status wc_manifest_parse(const char *text, size_t len, const char *base_dir, wc_manifest **out,
                            wb_error *err);
wb_status wc_manifest_load(const char *path, wc_manifest **out, wb_error *err);
void wc_manifest_free(wc_manifest *m);
const wc_component_spec *wc_manifest_component(const wc_manifest *m, const char *name);

/* ---- the component host -------------------------------------------------- */
/* A host runs components on an actor system with an engine. It owns the
 * module cache (modules by content hash), the component definitions (a module
 * plus capabilities), one record per named component instance (state,
 * counters and failure reasons that survive restarts) and an event log.
 * Thread-safe: every function may be called from any thread, except where a
 * comment says "not from a worker". */
typedef struct wc_host wc_host;

/* Message tags on the actor runtime (wr_msg.tag). */
enum {
    WC_TAG_MESSAGE = 0x57430001u,  /* InterComponent(+WithCorrelation): payload */
    WC_TAG_INVOKE = 0x57430002u,   /* request: export name, NUL, argument payload */
    WC_TAG_HEALTH = 0x57430003u,   /* request: HealthCheck, reply HealthStatus */
    WC_TAG_SHUTDOWN = 0x57430004u, /* graceful stop: cleanup runs, then exit */
    WC_TAG_RECV_TIMEOUT = 0x57430005u, /* private: a receive() timer */
    WC_REPLY_OK = 0,               /* reply tags */
    WC_REPLY_ERROR = 1,            /* payload: i32 LE guest error code, reason text */
};

/* Guest-visible status codes (docs/ABI.md, sdk/c/wactor.h). */
typedef enum wc_code {
    WC_OK = 0, WC_DENIED = -1, WC_NOT_FOUND = -2, WC_FULL = -3, WC_TIMEOUT = -4,
    WC_TOO_LARGE = -5, WC_DEAD = -6, WC_INVALID = -7, WC_DECODE = -8, WC_THROTTLED = -9,
    WC_STATE = -10, WC_NOMEM = -11, WC_UNSUPPORTED = -12, WC_ERROR = -13, WC_LIMIT = -14,
} wc_code;
wc_code wc_code_from_status(wb_status st);
wb_status wc_status_from_code(int32_t code);

typedef enum wc_event_type {
    WC_EV_TRANSITION = 0, /* lifecycle transition (from, to, reason) */
    WC_EV_DENIED,         /* a capability check refused a guest call */
    WC_EV_DEGRADED,       /* health answered Degraded */
    WC_EV_UNHEALTHY,      /* health answered Unhealthy or did not answer */
    WC_EV_THROTTLED,      /* send rate limit hit */
    WC_EV_ERROR_REPLY,    /* handle_message returned non-zero */
    WC_EV_LATE_REPLY,     /* a reply arrived after its request timed out */
    WC_EV_LOG,            /* the guest's log import */
    WC_EV_LIMIT,          /* a component or node limit refused a spawn, start or restart */
    WC_EV_COUNT_
} wc_event_type;
const char *wc_event_name(wc_event_type t);

typedef struct wc_event {
    wc_event_type type;
    wr_id id;
    uint64_t time_ns;
    wc_state from, to;   /* WC_EV_TRANSITION */
    wc_fail_kind fail;   /* WC_EV_TRANSITION to FAILED */
    char component[64];
    char text[160];
} wc_event;

/* Sees every event, on the thread that produced it (often a worker): keep it
 * short and do not call back into the host. */
typedef void (*wc_event_fn)(void *ud, const wc_event *ev);

typedef struct wc_host_config {
    wr_system *sys;     /* borrowed; must outlive the host */
    wa_engine *engine;  /* borrowed; must outlive the host */
    wc_event_fn on_event; /* may be NULL */
    void *event_ud;
    uint32_t event_log; /* events kept for wc_host_events (default 4096) */
    /* Node budgets, checked before an instance starts (spawn, start or
     * restart); a refused start fails with WC_FAIL_LIMIT, a refused guest
     * spawn returns WC_LIMIT, and both are `limit` events. 0: unlimited. */
    uint32_t max_instances;    /* live component instances */
    uint64_t max_memory_bytes; /* host memory of all instances together */
    /* Descriptors all components may hold together (0: the process's
     * RLIMIT_NOFILE minus a reserve of 64 for the node itself). */
    uint32_t max_fds;
} wc_host_config;

/* Node-wide figures. */
typedef struct wc_host_stats {
    uint64_t live_instances, memory_bytes, open_fds;
    uint64_t refused;        /* starts and spawns refused by a limit */
    uint64_t events_dropped; /* events pushed out of the full log (seen by on_event only) */
} wc_host_stats;
void wc_host_stats_get(wc_host *h, wc_host_stats *out);

wb_status wc_host_new(const wc_host_config *cfg, wc_host **out, wb_error *err);
/* After the actor system is shut down (every component has terminated). */
void wc_host_free(wc_host *h);

/* Defines component `def` from module bytes (cached by content hash: the
 * same bytes are decoded once) and its capabilities (copied; NULL: none).
 * Checks the module: it must export a memory and handle_message with the
 * ABI's types; optional exports must have theirs. WB_EXISTS if def exists. */
wb_status wc_host_define(wc_host *h, const char *def, const uint8_t *bytes, size_t len,
                         const wc_caps *caps, wb_error *err);
wb_status wc_host_define_file(wc_host *h, const char *def, const char *path, const wc_caps *caps,
                              wb_error *err);
size_t wc_host_module_count(wc_host *h); /* distinct modules in the cache */
/* Declares the application's topics (copied; NULL-terminated, no wildcards):
 * from then on a guest's publish to any other topic is refused with
 * NOT_FOUND and a denied event. Undeclared, any topic goes. Once per host
 * (WB_STATE the second time); wc_app_start declares a manifest's `topics`. */
wb_status wc_host_declare_topics(wc_host *h, char *const *topics, wb_error *err);

/* Spawns an unsupervised instance of def registered under name. From a
 * non-worker thread it waits until the instance is Ready (or failed: the
 * error says why, and nothing stays registered). WB_EXISTS for a taken name. */
wb_status wc_spawn(wc_host *h, const char *def, const char *name, wr_id *out, wb_error *err);

/* A supervisor child spec for an instance of def named name (the arg points
 * into the host, which must outlive the supervisor). Fills *out; the
 * wr_child_spec's strings point into the host too. */
typedef struct wc_child_opts {
    wc_restart restart;
    wc_backoff backoff;   /* zero: immediate restart */
    uint32_t shutdown_ms; /* cleanup deadline (default 1000) */
    wc_health_spec health;
} wc_child_opts;
wb_status wc_child_spec(wc_host *h, const char *def, const char *name, const wc_child_opts *opts,
                        wr_child_spec *out, wb_error *err);

/* A reply: ok, payload (owner: the caller, wb_buf_unref) or an error code
 * and reason. */
typedef struct wc_reply {
    bool ok;
    int32_t code;    /* wc_code when !ok */
    wb_buf *payload; /* when ok */
    char reason[192];
} wc_reply;
void wc_reply_close(wc_reply *r);

/* Sends an InterComponent message from outside (sender id 0). The payload is
 * checked (prefix, body) and the size limit of the target applies. */
wb_status wc_send(wc_host *h, wr_id to, const void *payload, size_t len, wb_error *err);
/* InterComponentWithCorrelation from outside; waits for the reply or the
 * timeout (then r->code == WC_TIMEOUT). Not from a worker. */
wb_status wc_request(wc_host *h, wr_id to, const void *payload, size_t len, uint64_t timeout_ns,
                     wc_reply *r, wb_error *err);
/* Invoke: calls export `func` with arguments from a payload (see
 * wc_values_from_payload); the reply holds the results in the same codec, or
 * the trap. Not from a worker. */
wb_status wc_invoke(wc_host *h, wr_id to, const char *func, const void *args, size_t len,
                    uint64_t timeout_ns, wc_reply *r, wb_error *err);

typedef enum wc_health { WC_HEALTHY = 0, WC_DEGRADED = 1, WC_UNHEALTHY = 2 } wc_health;
/* HealthCheck: no answer in time is Unhealthy ("no answer"). Not from a worker. */
wb_status wc_health_check(wc_host *h, wr_id to, uint64_t timeout_ns, wc_health *out,
                          char *reason, size_t reason_cap, wb_error *err);
/* Graceful shutdown message: the cleanup export runs (bounded by the
 * component's shutdown deadline), then the component terminates. */
wb_status wc_stop(wc_host *h, wr_id to, wb_error *err);

/* What the host knows about a named component instance; survives restarts. */
typedef struct wc_info {
    wr_id id;                  /* current incarnation (0 while down) */
    wc_state state;
    wc_fail_kind fail;         /* of the last failure */
    char reason[160];          /* of the last failure */
    uint32_t incarnations;     /* starts, including restarts */
    uint32_t failures;
    uint64_t messages, error_replies, denied, throttled, fuel_used;
    uint64_t late_replies; /* replies to its requests that came after their timeout */
} wc_info;
wb_status wc_info_get(wc_host *h, const char *name, wc_info *out);
/* The id registered under name; for the base name of a manifest component
 * with several instances ("worker" for worker.0 ... worker.N-1), the next of
 * those that is registered, round-robin. *as (may be NULL) gets the name
 * that answered. 0 when none. */
wr_id wc_host_lookup(wc_host *h, const char *name, const char **as);
/* Names of the known instances, in creation order; *n total. */
size_t wc_host_names(wc_host *h, const char **names, size_t max);
/* Copies up to max recent events, oldest first; returns how many. */
size_t wc_host_events(wc_host *h, wc_event *out, size_t max);
size_t wc_host_count_events(wc_host *h, wc_event_type type, const char *component);
wr_system *wc_host_system(wc_host *h);

/* ---- applications: a manifest running on a host --------------------------- */
/* Defines every component of the manifest (definition name = component name),
 * builds the supervision tree (manifest supervisors; components without one
 * go under the root, an implicit one_for_one "root" when the manifest has no
 * supervisor), starts it, and runs a driver thread that sends the initial
 * messages and performs health checks: `threshold` Unhealthy answers (or
 * non-answers within timeout_ms) in a row kill the instance so that its
 * supervisor restarts it; Degraded is only an event. Instance i of a
 * component with N > 1 instances is named "<name>.<i>". */
typedef struct wc_app wc_app;
wb_status wc_app_start(wc_host *h, const wc_manifest *m, wc_app **out, wb_error *err);
/* Stops the driver thread (call before shutting the system down). */
void wc_app_stop(wc_app *app);
void wc_app_free(wc_app *app); /* after the system is shut down */
wr_id wc_app_root(const wc_app *app);
const char *wc_app_root_name(const wc_app *app); /* the root supervisor's name */
/* Restart history of instance `name` from its supervisor. */
wb_status wc_app_history(wc_app *app, const char *name, wr_restart_entry *out, size_t max,
                         size_t *n);
typedef struct wc_app_stats {
    uint64_t health_checks, unhealthy_kills, messages_sent;
    /* Health checks and manifest messages the driver could not make (no
     * memory; a message's target not registered): counted, never skipped unseen. */
    uint64_t checks_failed, sends_failed;
} wc_app_stats;
void wc_app_stats_get(wc_app *app, wc_app_stats *out);

#ifdef __cplusplus
}
#endif
#endif
