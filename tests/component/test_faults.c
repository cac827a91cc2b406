/* SPDX-License-Identifier: MIT */
/* Fault injection over the component layer (issue 7, "nothing lost
 * silently"). The test is linked with malloc, calloc, realloc, strdup and
 * strndup wrapped (fail_malloc.c), so every allocation of wactor's own code -
 * component, runtime, engine, WASI - can be made to fail. Four scenarios
 * (the node's setup; components with requests, sends, pub/sub, a guest's
 * spawn and a stop; an app from a manifest; WASI files, a sleep and a FIFO
 * wait) run with the Nth allocation of their armed part failing, for every
 * N on one worker; with every allocation from the Nth on failing, and on two
 * workers, for N = 1..150 and then a stride (120 runs spread over the rest);
 * in each sweep until a run sees no failure. Every run must end (a watchdog
 * aborts a hang), leak no block (the wrapper counts live ones), leave no
 * instance or descriptor counted, and either do all it set out to or have
 * the failure visible: an error returned to this test (a status, an error
 * reply, a guest's "err N"; a timeout only when every allocation from the
 * Nth fails), a component failed with a reason, or a counter moved (the
 * runtime's lost and drops; the host's refused, dropped events and refused
 * messages; error replies; the app's failed checks and sends; a root
 * supervisor that gave up). What succeeded is owed: an accepted send
 * arrives, a published event reaches its subscriber, a crash is restarted,
 * a stop stops - unless a loss was counted meanwhile.
 * Debugging: FAULTS_ONLY=<case pattern>, FAULTS_N=<n> (one run, with the
 * failure's stack), FAULTS_SLOW=1 (runs over 200 ms). */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "component/host.h"
#include "fail_malloc.h"
#include "harness.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() ((void)__lsan_do_recoverable_leak_check()) /* reports what leaked */
#else
#define LEAK_CHECK() ((void)0)
#endif

#define ASK_NS (1500 * MS) /* a request's timeout, and a wait's: reaching it is told, but slow */

typedef struct run {
    harness h;
    uint64_t nth;  /* 0: the counting run */
    int mode;
    unsigned workers;
    size_t live0;  /* blocks live before the run */
    int told;      /* errors returned to this test */
    int timeouts;  /* requests that were never answered */
    char note[240]; /* the first of them */
    char tmp[64];  /* the filer's directory */
    wc_manifest *m; /* the app's, freed by run_close */
    wc_app *app;
    /* Failures the scenario causes on purpose (a crash, a health kill): at
     * most this many are not evidence of anything else. */
    struct {
        const char *name;
        uint32_t failures;
    } expect[4];
} run;

static void told(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void told(run *r, const char *fmt, ...) {
    if (!r->told++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->note, sizeof r->note, fmt, ap);
        va_end(ap);
    }
}

/* An error reply; a timeout is counted apart (see run_close). */
static void told_reply(run *r, const char *what, const wc_reply *rep) {
    if (rep->code == WC_TIMEOUT) r->timeouts++;
    told(r, "%s: error %d: %s", what, rep->code, rep->reason);
}

static bool status_ok(run *r, wb_status st, const wb_error *err, const char *what) {
    if (st == WB_OK) return true;
    told(r, "%s: %s: %s", what, wb_status_name(st), err->msg);
    return false;
}

/* ---- talking to components (every allocation may fail) ------------------- */

/* A reply's body as text (the codec prefix skipped). */
static void reply_text(const wc_reply *rep, char *out, size_t cap) {
    wc_codec codec;
    size_t off = 0, n = rep->payload ? rep->payload->len : 0;
    wb_error err;
    if (n && wc_payload_split(rep->payload->data, n, &codec, &off, &err) != WB_OK) off = 0;
    snprintf(out, cap, "%.*s", (int)(n - off), n ? (const char *)rep->payload->data + off : "");
}

/* A raw-text request whose answer must be `want` (or start with it, when
 * prefix): true if it was. An error (status, error reply, a guest's "err N")
 * is told; any other answer is wrong and fails the test. */
static bool ask_is(run *r, wr_id to, const char *text, const char *want, bool prefix) {
    if (!to) return false;
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    if (!p) {
        told(r, "%s: no payload", text);
        return false;
    }
    wc_reply rep;
    wb_error err;
    wb_status st = wc_request(r->h.host, to, p->data, p->len, ASK_NS, &rep, &err);
    wb_buf_unref(p);
    if (!status_ok(r, st, &err, text)) return false;
    char out[256];
    reply_text(&rep, out, sizeof out);
    bool ok = rep.ok;
    wc_reply_close(&rep);
    if (!ok) {
        told_reply(r, text, &rep);
        return false;
    }
    if (prefix ? !strncmp(out, want, strlen(want)) : !strcmp(out, want)) return true;
    if (!strncmp(out, "err ", 4)) {
        told(r, "%s: %s", text, out);
        return false;
    }
    fail_msg("N=%llu: %s: answered \"%s\", not \"%s\"", (unsigned long long)r->nth, text, out, want);
    return false;
}

/* wc_invoke with JSON arguments; the JSON results (in out) must be `want`,
 * or when !strict may differ (the caller judges). */
static bool invoke_is(run *r, wr_id to, const char *func, const char *args, const char *want, bool strict,
                      char *out, size_t cap) {
    out[0] = 0;
    if (!to) return false;
    wb_buf *p = wc_payload_new(WC_CODEC_JSON, args, strlen(args));
    if (!p) {
        told(r, "invoke %s: no payload", func);
        return false;
    }
    wc_reply rep;
    wb_error err;
    wb_status st = wc_invoke(r->h.host, to, func, p->data, p->len, ASK_NS, &rep, &err);
    wb_buf_unref(p);
    if (!status_ok(r, st, &err, func)) return false;
    reply_text(&rep, out, cap);
    bool ok = rep.ok;
    wc_reply_close(&rep);
    if (!ok) {
        told_reply(r, func, &rep);
        out[0] = 0;
        return false;
    }
    if (strict && strcmp(out, want))
        fail_msg("N=%llu: invoke %s answered %s, not %s", (unsigned long long)r->nth, func, out, want);
    return !strcmp(out, want);
}

static bool send_text(run *r, wr_id to, const char *text) {
    if (!to) return false;
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    if (!p) {
        told(r, "send %s: no payload", text);
        return false;
    }
    wb_error err;
    wb_status st = wc_send(r->h.host, to, p->data, p->len, &err);
    wb_buf_unref(p);
    return status_ok(r, st, &err, text);
}

static bool define(run *r, const char *def, const char *guest, const wc_caps *caps) {
    char path[512];
    guest_path(path, sizeof path, guest);
    wb_error err;
    return status_ok(r, wc_host_define_file(r->h.host, def, path, caps, &err), &err, def);
}

/* wc_spawn: the id once Ready, or 0 with the error told. */
static wr_id spawn(run *r, bool defined, const char *def, const char *name) {
    if (!defined) return 0;
    wr_id id = 0;
    wb_error err;
    if (!status_ok(r, wc_spawn(r->h.host, def, name, &id, &err), &err, name)) return 0;
    return id;
}

/* ---- what the node counted ------------------------------------------------- */

/* Evidence the node counted of something gone wrong (0: none), described
 * in why (may be NULL). Read before the system is freed. Also checks that
 * every failed instance says why. */
static uint64_t node_counted(run *r, char *why, size_t cap) {
    char scratch[400];
    if (!why) why = scratch, cap = sizeof scratch;
    wr_system_stats ss;
    wr_system_stats_get(r->h.sys, &ss);
    wc_host_stats hs;
    wc_host_stats_get(r->h.host, &hs);
    size_t errs = wc_host_count_events(r->h.host, WC_EV_ERROR_REPLY, NULL);
    /* Not dead letters: a port that got its answer exits with its target's
     * DOWN still queued, which counts as one without anything lost. */
    uint64_t any = ss.lost + ss.drops + hs.refused + hs.events_dropped + errs;
    snprintf(why, cap, "lost %llu drops %llu dead %llu refused %llu dropped events %llu error events %zu",
             (unsigned long long)ss.lost, (unsigned long long)ss.drops, (unsigned long long)ss.dead_letters,
             (unsigned long long)hs.refused, (unsigned long long)hs.events_dropped, errs);
    const char *names[64];
    size_t n = wc_host_names(r->h.host, names, 64);
    for (size_t i = 0; i < n && i < 64; i++) {
        wc_info info;
        if (wc_info_get(r->h.host, names[i], &info) != WB_OK) continue;
        if (info.failures && !info.reason[0])
            fail_msg("N=%llu: %s failed (%s) without a reason", (unsigned long long)r->nth, names[i],
                     wc_fail_name(info.fail));
        uint32_t planned = 0;
        for (size_t k = 0; k < WB_ARRAY_LEN(r->expect); k++)
            if (r->expect[k].name && !strcmp(r->expect[k].name, names[i])) planned = r->expect[k].failures;
        if (info.failures > planned || info.error_replies) {
            size_t at = strlen(why);
            snprintf(why + at, cap - at, "; %s: %u failures (%s), %llu error replies", names[i], info.failures,
                     info.reason, (unsigned long long)info.error_replies);
            any += (info.failures > planned ? info.failures - planned : 0) + info.error_replies;
        }
    }
    wc_app_stats as = {0};
    if (r->app) wc_app_stats_get(r->app, &as);
    if (as.checks_failed || as.sends_failed) {
        size_t at = strlen(why);
        snprintf(why + at, cap - at, "; the app could not make %llu checks, %llu sends",
                 (unsigned long long)as.checks_failed, (unsigned long long)as.sends_failed);
        any += as.checks_failed + as.sends_failed;
    }
    /* a supervisor that gave up took the tree down, loudly */
    if (r->app && !wr_alive(r->h.sys, wc_app_root(r->app)) && !wr_system_stopping(r->h.sys)) {
        size_t at = strlen(why);
        snprintf(why + at, cap - at, "; the app's root is down");
        told(r, "the app's root went down"); /* kept: the shutdown takes it down too */
        any++;
    }
    return any;
}

/* ---- one run ---------------------------------------------------------------- */

static char watchdog_note[160];

static void watchdog(int sig) {
    (void)sig;
    ssize_t n = write(2, watchdog_note, strlen(watchdog_note));
    (void)n;
    _exit(3);
}

static void run_open(run *r) {
    r->live0 = fail_malloc_live();
    harness_open(&r->h, r->workers);
    witness_start(r->h.sys);
}

static void arm(run *r) { fail_malloc_arm(r->nth, r->mode); }

/* The node's counters once it is shut down: nothing live, nothing held. */
static void check_idle(run *r) {
    wc_host_stats hs;
    wc_host_stats_get(r->h.host, &hs);
    wr_system_stats ss;
    wr_system_stats_get(r->h.sys, &ss);
    /* The cached modules' code stays charged until the host goes (host.h:
     * a look inside, as the public API does not say which were cached). */
    uint64_t code = 0;
    for (size_t i = 0; i < r->h.host->nmodules; i++) {
        wa_module_stats ms = wa_module_stats_get(r->h.host->modules[i]);
        code += (uint64_t)ms.code_bytes + ms.compiled_bytes;
    }
    if (ss.live_actors || hs.live_instances || hs.memory_bytes != code || hs.open_fds)
        fail_msg("N=%llu: after shutdown %llu actors, %llu instances, %llu bytes (%llu of code), %llu fds held",
                 (unsigned long long)r->nth, (unsigned long long)ss.live_actors,
                 (unsigned long long)hs.live_instances, (unsigned long long)hs.memory_bytes,
                 (unsigned long long)code, (unsigned long long)hs.open_fds);
}

/* Shuts the node down (still armed), then checks and frees it unarmed.
 * complete: the scenario did all it set out to. Any of system, engine and
 * host may be missing (their creation failed). */
static void run_close(run *r, bool complete) {
    wc_app_stop(r->app);
    if (r->h.sys) wr_system_shutdown(r->h.sys, 5 * SEC);
    fail_malloc_disarm();
    uint64_t injected = fail_malloc_injected();
    char why[400] = "no host";
    bool counted = r->h.host && node_counted(r, why, sizeof why);
    wc_app_free(r->app);
    r->app = NULL;
    wc_manifest_free(r->m);
    if (r->h.host) check_idle(r);
    wr_system_free(r->h.sys);
    wc_host_free(r->h.host);
    wa_engine_free(r->h.engine);
    size_t live = fail_malloc_live();
    if (live != r->live0) {
        LEAK_CHECK(); /* says which (slow: only when something leaked) */
        fail_msg("N=%llu: %zu blocks leaked", (unsigned long long)r->nth, live - r->live0);
    }
    if (!injected && !complete) fail_msg("a run without failures did not complete: %s", r->note);
    if (!injected && (r->told || counted)) fail_msg("a run without failures told of one: %s; %s", r->note, why);
    /* One failed allocation is always answered for: an error reply, not
     * silence until the requester gives up. (With every allocation from
     * the Nth failing, a reply may have nothing left to travel in.) */
    if (r->mode == FAIL_MALLOC_ONCE && r->timeouts)
        fail_msg("N=%llu: %d requests never answered (%s)", (unsigned long long)r->nth, r->timeouts, r->note);
    if (!complete && !r->told && !counted)
        fail_msg("N=%llu: incomplete, and nothing told or counted (%llu failures injected; %s)",
                 (unsigned long long)r->nth, (unsigned long long)injected, why);
}

/* ---- waiting for what is owed ---------------------------------------------- */

#define GRACE_NS (300 * MS) /* what may still come after a loss was counted */

/* A wait for something owed: at most ASK_NS, and GRACE_NS past the moment
 * the node counted a loss it had not counted when the wait began (begin it
 * before the step whose effect it waits for), or until the app's tree is
 * down. The loss then explains what did not come. */
typedef struct wait_ctx {
    uint64_t e0, grew_at, until;
} wait_ctx;

static bool root_down(run *r);

static wait_ctx wait_begin(run *r) {
    return (wait_ctx){.e0 = node_counted(r, NULL, 0), .until = wb_now_ns() + ASK_NS};
}

/* Sleeps a little; false once the wait is over. */
static bool wait_more(run *r, wait_ctx *w) {
    uint64_t now = wb_now_ns();
    if (now >= w->until || (r->app && root_down(r))) return false;
    if (!w->grew_at && node_counted(r, NULL, 0) > w->e0) w->grew_at = now;
    if (w->grew_at && now - w->grew_at >= GRACE_NS) return false;
    wb_sleep_ns(MS / 10); /* most of what is waited for takes microseconds */
    return true;
}

/* Polls `id` with `cmd` until the answer is `want` (wait w); a guest answer
 * that differs is not an error (the event is on its way). True also when no
 * answer came at all: then nothing could be seen (the errors were told),
 * which is no evidence of a loss. */
static bool ask_until(run *r, wait_ctx *w, wr_id id, const char *cmd, const char *want) {
    char out[256];
    int answered = 0, errors = 0;
    do {
        wb_buf *p = wc_payload_new(WC_CODEC_RAW, cmd, strlen(cmd));
        wc_reply rep;
        wb_error err;
        wb_status st = p ? wc_request(r->h.host, id, p->data, p->len, ASK_NS, &rep, &err) : WB_NOMEM;
        wb_buf_unref(p);
        if (st == WB_OK) {
            reply_text(&rep, out, sizeof out);
            answered += rep.ok;
            errors += !rep.ok;
            r->timeouts += rep.code == WC_TIMEOUT;
            bool match = rep.ok && !strcmp(out, want);
            wc_reply_close(&rep);
            if (match) return true;
        } else {
            errors++;
        }
    } while (!(errors > 20 && !answered) && wait_more(r, w)); /* no memory left to ask with */
    if (!answered) told(r, "%s: never answered", cmd);
    return !answered;
}

static bool witness_has(const char *text) {
    pthread_mutex_lock(&g_witness.m);
    bool found = false;
    for (int i = 0; i < g_witness.n && !found; i++) found = !strcmp(g_witness.texts[i], text);
    pthread_mutex_unlock(&g_witness.m);
    return found;
}

static bool wait_witness(run *r, wait_ctx *w, const char *text) {
    while (!witness_has(text) && wait_more(r, w)) {
    }
    return witness_has(text);
}

/* Waits until the named instance is down (final state, no incarnation). */
static bool wait_down(run *r, const char *name) {
    wait_ctx w = wait_begin(r);
    w.e0 = UINT64_MAX; /* a stop is owed whatever was counted */
    do {
        wc_info info;
        if (wc_info_get(r->h.host, name, &info) == WB_OK && !info.id && wc_state_final(info.state)) return true;
    } while (wait_more(r, &w));
    return false;
}

/* What went unseen although it was accepted: a loss unless counted. */
static void owed(run *r, bool seen, const char *what) {
    char why[400];
    bool counted = node_counted(r, why, sizeof why);
    if (getenv("FAULTS_N")) printf("# owed %s: %s; %s\n", what, seen ? "seen" : "not seen", why);
    if (!seen && !counted)
        fail_msg("N=%llu: %s accepted but never seen, and nothing counted (%s)", (unsigned long long)r->nth, what,
                 why);
}

/* ---- 0. the node itself: system, engine, host, a definition, a spawn ------- */

static void setup_scenario(run *r) {
    r->live0 = fail_malloc_live();
    arm(r);
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = r->workers;
    wb_error err;
    bool done = false;
    if (status_ok(r, wr_system_new(&cfg, &r->h.sys, &err), &err, "system")) {
        if (!(r->h.engine = wa_engine_new(NULL))) told(r, "no engine");
        wc_host_config hc = {.sys = r->h.sys, .engine = r->h.engine};
        if (r->h.engine && status_ok(r, wc_host_new(&hc, &r->h.host, &err), &err, "host"))
            done = ask_is(r, spawn(r, define(r, "echo", "echo", NULL), "echo", "e"), "hello", "hello", false);
    }
    run_close(r, done);
}

/* ---- 1. components: spawn, requests from outside and between them, sends,
 * pub/sub, stop, shutdown ---------------------------------------------------- */

/* c1 spawns an echo of its own (c1/echo#0), which then answers. */
static bool spawned_child(run *r, wr_id c1) {
    wait_ctx w = wait_begin(r);
    if (!ask_is(r, c1, "spawn echo", "ok ", true)) return false;
    wc_state st;
    while ((st = state_of(&r->h, "c1/echo#0")) != WC_STATE_READY && !wc_state_final(st) && wait_more(r, &w)) {
    }
    wr_id id = wr_lookup(r->h.sys, "c1/echo#0");
    owed(r, id != 0, "a guest's spawn");
    return ask_is(r, id, "hi child", "hi child", false);
}

static void components_scenario(run *r) {
    run_open(r);
    wc_caps caps;
    wc_caps_init(&caps);
    wb_error err;
    const char *const grants[] = {"#"};
    assert_int_equal(wc_caps_allow(&caps, WC_CAP_SEND, grants[0], &err), WB_OK);
    assert_int_equal(wc_caps_allow(&caps, WC_CAP_PUBLISH, grants[0], &err), WB_OK);
    assert_int_equal(wc_caps_allow(&caps, WC_CAP_SUBSCRIBE, grants[0], &err), WB_OK);
    caps.spawn = true;
    arm(r);
    bool d_echo = define(r, "echo", "echo", NULL);
    bool d_client = define(r, "client", "client", &caps);
    bool d_counter = define(r, "counter", "counter", NULL);
    wr_id e = spawn(r, d_echo, "echo", "e"), c1 = spawn(r, d_client, "client", "c1");
    wr_id c2 = spawn(r, d_client, "client", "c2"), n = spawn(r, d_counter, "counter", "n");
    char out[256];
    bool done = ask_is(r, e, "hello", "hello", false);
    bool added = invoke_is(r, n, "add", "[5]", "[5]", true, out, sizeof out);
    done &= added;
    done &= e && ask_is(r, c1, "request e 1000 ping", "ping", false);
    wait_ctx w = wait_begin(r);
    bool sent = ask_is(r, c1, "send witness hi", "ok 0", false);
    if (sent) owed(r, wait_witness(r, &w, "hi"), "a send to the witness");
    bool subscribed = ask_is(r, c2, "subscribe news.#", "ok 0", false);
    w = wait_begin(r);
    bool published = subscribed && ask_is(r, c1, "publish news.a x", "ok 0", false);
    if (published) owed(r, ask_until(r, &w, c2, "events", "1 news.a"), "a published event");
    bool child = spawned_child(r, c1);
    bool c2c = n && ask_is(r, c1, "send n tick", "ok 0", false); /* component to component */
    int ticks = c2c;
    for (int i = 0; i < 3; i++) ticks += send_text(r, n, "tick");
    char want[16];
    snprintf(want, sizeof want, "[%d]", 5 + ticks);
    bool counted = invoke_is(r, n, "get", "[]", want, false, out, sizeof out);
    /* A request whose answer failed may still have done its part: the add,
     * c1's send. Any other count lost a tick. */
    int got = out[0] == '[' ? atoi(out + 1) : -1, base = (added ? 5 : 0) + ticks;
    bool explained = got == base || (!added && got == base + 5) ||
                     (!c2c && (got == base + 1 || (!added && got == base + 6)));
    if (got >= 0 && !explained) owed(r, false, "ticks to the counter");
    bool stopped = false;
    if (c2 && status_ok(r, wc_stop(r->h.host, c2, &err), &err, "stop")) {
        stopped = wait_down(r, "c2");
        owed(r, stopped, "a stop");
    }
    done &= sent && published && child && ticks == 4 && counted && stopped;
    wc_caps_close(&caps);
    run_close(r, done);
}

/* ---- 2. an app from a manifest: supervisors, restarts of a crashing guest,
 * health checks, periodic messages, stop and free ------------------------------ */

static const char app_fmt[] =
    "topics: [app.news, app.jobs]\n"
    "supervisors:\n"
    "  - {name: top, strategy: one_for_one, intensity: 50, period_ms: 10000}\n"
    "  - {name: pool, parent: top, strategy: one_for_all, intensity: 50, period_ms: 10000}\n"
    "components:\n"
    "  - name: sick\n"
    "    wasm: %s/component/counter.wasm\n"
    "    backoff: {initial_ms: 0}\n"
    "    health: {interval_ms: 5, timeout_ms: 500, threshold: 2}\n"
    "  - name: worker\n"
    "    wasm: %s/component/crasher.wasm\n"
    "    instances: 2\n"
    "    supervisor: pool\n"
    "    backoff: {initial_ms: 0}\n"
    "  - name: fed\n"
    "    wasm: %s/component/counter.wasm\n"
    "messages:\n"
    "  - {to: fed, payload: tick, every_ms: 2}\n";

/* The app's root supervisor gave up (then nothing will restart). */
static bool root_down(run *r) {
    return !wr_alive(r->h.sys, wc_app_root(r->app)) && node_counted(r, NULL, 0);
}

/* Waits until every instance of the app is Ready. */
static bool app_ready(run *r) {
    static const char *const names[] = {"sick", "worker.0", "worker.1", "fed"};
    wait_ctx w = wait_begin(r);
    do {
        size_t k = 0;
        while (k < WB_ARRAY_LEN(names) && state_of(&r->h, names[k]) == WC_STATE_READY) k++;
        if (k == WB_ARRAY_LEN(names)) return true;
    } while (wait_more(r, &w));
    return false;
}

/* A restart of `name` after its incarnation `old` (0: none), or 0. */
static wr_id restarted(run *r, wait_ctx *w, const char *name, wr_id old) {
    do {
        wc_info info;
        if (wc_info_get(r->h.host, name, &info) == WB_OK && info.id && info.id != old &&
            info.state == WC_STATE_READY)
            return info.id;
    } while (wait_more(r, w));
    return 0;
}

/* The crash of worker.1 restarts both workers (one_for_all). */
static bool crash_and_restart(run *r) {
    wr_id w0 = wr_lookup(r->h.sys, "worker.0"), w1 = wr_lookup(r->h.sys, "worker.1");
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, "unreachable", 11);
    if (!p) {
        told(r, "crash: no payload");
        return false;
    }
    wc_reply rep;
    wb_error err;
    wait_ctx w = wait_begin(r);
    wb_status st = wc_request(r->h.host, w1, p->data, p->len, ASK_NS, &rep, &err);
    wb_buf_unref(p);
    if (!status_ok(r, st, &err, "crash")) return false;
    bool crashed = !rep.ok && strstr(rep.reason, "unreachable");
    if (!crashed && !rep.ok) told_reply(r, "crash", &rep);
    else if (!crashed) told(r, "crash: answered");
    wc_reply_close(&rep);
    if (!crashed) return false;
    /* one_for_all may kill worker.0 (Failed: killed) to restart it */
    r->expect[1] = (typeof(r->expect[1])){"worker.1", 1};
    r->expect[2] = (typeof(r->expect[2])){"worker.0", 1};
    bool back = restarted(r, &w, "worker.1", w1) && restarted(r, &w, "worker.0", w0);
    owed(r, back, "restarts after a crash");
    return back;
}

/* "health 2": the app kills sick after two Unhealthy answers; it restarts. */
static bool health_kill(run *r) {
    wr_id sick = wr_lookup(r->h.sys, "sick");
    wait_ctx w = wait_begin(r);
    if (!ask_is(r, sick, "health 2", "ok 2", false)) return false;
    r->expect[0] = (typeof(r->expect[0])){"sick", 1};
    bool back = restarted(r, &w, "sick", sick) != 0;
    owed(r, back, "a restart of an unhealthy instance");
    wc_info info;
    if (back && wc_info_get(r->h.host, "sick", &info) == WB_OK && info.fail != WC_FAIL_HEALTH)
        told(r, "sick failed of %s: %s", wc_fail_name(info.fail), info.reason);
    return back;
}

/* Messages fed has handled. */
static uint64_t fed_messages(run *r) {
    wc_info info;
    return wc_info_get(r->h.host, "fed", &info) == WB_OK ? info.messages : 0;
}

/* Periodic ticks reach fed: at least 3, and then, with the driver stopped,
 * every one the app sent. */
static bool fed_ticks(run *r) {
    wait_ctx w = wait_begin(r);
    while (fed_messages(r) < 3 && wait_more(r, &w)) {
    }
    if (fed_messages(r) < 3) {
        owed(r, false, "periodic messages");
        return false;
    }
    wc_app_stop(r->app);
    wc_app_stats as;
    wc_app_stats_get(r->app, &as);
    w = wait_begin(r);
    while (fed_messages(r) < as.messages_sent && wait_more(r, &w)) {
    }
    bool all = fed_messages(r) == as.messages_sent;
    owed(r, all, "every periodic message sent");
    return all;
}

static void app_scenario(run *r) {
    run_open(r);
    char text[sizeof app_fmt + 3 * 512];
    const char *d = WACTOR_TEST_DATA;
    snprintf(text, sizeof text, app_fmt, d, d, d);
    wb_error err;
    arm(r);
    bool done = false;
    if (status_ok(r, wc_manifest_parse(text, strlen(text), NULL, &r->m, &err), &err, "manifest") &&
        status_ok(r, wc_app_start(r->h.host, r->m, &r->app, &err), &err, "app")) {
        done = app_ready(r);
        owed(r, done, "the app's instances ready");
        done = done && crash_and_restart(r);
        done = done && health_kill(r);
        done = done && fed_ticks(r);
    }
    run_close(r, done);
}

/* ---- 3. WASI: files in a granted directory, a sleep ------------------------- */

/* A request made on a thread of its own (it waits for the test's write);
 * the main thread judges its outcome. */
typedef struct bg_request {
    run *r;
    wr_id to;
    wb_status st;
    wb_error err;
    wc_reply rep;
    pthread_t th;
    _Atomic bool done;
} bg_request;

static void *bg_request_run(void *arg) {
    bg_request *q = arg;
    static const char cmd[] = "\x55" "fifo /d/pipe"; /* raw codec: prefixed here, nothing to allocate */
    q->st = wc_request(q->r->h.host, q->to, cmd, sizeof cmd - 1, ASK_NS, &q->rep, &q->err);
    atomic_store(&q->done, true);
    return NULL;
}

/* A read of a FIFO nobody writes yet: the component waits on the host's
 * poller (wait.c) until the test writes once the reader holds its end. */
static bool fifo_read(run *r, wr_id reader) {
    if (!reader) return false;
    char path[128];
    snprintf(path, sizeof path, "%s/pipe", r->tmp);
    assert_int_equal(mkfifo(path, 0600), 0);
    wc_host_stats hs, hs0; /* the reader's open of the FIFO is one descriptor more */
    wc_host_stats_get(r->h.host, &hs0);
    bg_request q = {.r = r, .to = reader};
    assert_int_equal(pthread_create(&q.th, NULL, bg_request_run, &q), 0);
    wait_ctx w = wait_begin(r);
    do wc_host_stats_get(r->h.host, &hs);
    while (hs.open_fds == hs0.open_fds && !atomic_load(&q.done) && wait_more(r, &w));
    int fd = open(path, O_WRONLY | O_NONBLOCK); /* fails while no reader holds it */
    if (fd >= 0) assert_int_equal(write(fd, "hi", 2), 2);
    pthread_join(q.th, NULL);
    if (fd >= 0) close(fd);
    unlink(path);
    if (!status_ok(r, q.st, &q.err, "fifo")) return false;
    char out[64];
    reply_text(&q.rep, out, sizeof out);
    bool ok = q.rep.ok;
    wc_reply_close(&q.rep);
    if (!ok) told_reply(r, "fifo", &q.rep);
    else if (strcmp(out, "2 0") && out[0] == '-') told(r, "fifo: %s", out); /* open or read refused: -1 errno */
    else if (strcmp(out, "2 0")) fail_msg("N=%llu: fifo answered \"%s\"", (unsigned long long)r->nth, out);
    return ok && !strcmp(out, "2 0");
}

static void wasi_scenario(run *r) {
    snprintf(r->tmp, sizeof r->tmp, "/tmp/wactor-faults-XXXXXX");
    assert_non_null(mkdtemp(r->tmp));
    char grant[128];
    snprintf(grant, sizeof grant, "%s::/d", r->tmp);
    wc_caps caps;
    wc_caps_init(&caps);
    caps.wasi = calloc(2, sizeof *caps.wasi);
    caps.dirs = calloc(2, sizeof *caps.dirs);
    assert_true(caps.wasi && caps.dirs);
    assert_true((caps.wasi[0] = strdup("#")) && (caps.dirs[0] = strdup(grant)));
    run_open(r);
    /* Definitions (decoding, compiling) are swept by the scenarios above. */
    assert_true(define(r, "filer", "filer", &caps) && define(r, "block", "hostile_block", &caps));
    arm(r);
    wr_id f = spawn(r, true, "filer", "f");
    bool wrote = ask_is(r, f, "write /d/a.txt hello", "ok 0", false);
    bool done = wrote && ask_is(r, f, "read /d/a.txt", "hello", false);
    done &= ask_is(r, f, "sleep 1", "slept ", true); /* suspends on a timer, not the worker */
    done &= fifo_read(r, spawn(r, true, "block", "reader"));
    wb_error err;
    if (f && status_ok(r, wc_stop(r->h.host, f, &err), &err, "stop")) {
        bool stopped = wait_down(r, "f");
        owed(r, stopped, "a stop");
        done &= stopped;
    } else {
        done = false;
    }
    run_close(r, done);
    wc_caps_close(&caps);
    char path[128];
    snprintf(path, sizeof path, "%s/a.txt", r->tmp);
    unlink(path); /* absent when the write failed */
    assert_int_equal(rmdir(r->tmp), 0);
}

/* ---- the sweep -------------------------------------------------------------- */

#define RUN_LIMIT_S 60 /* per run, for the watchdog */
#define DENSE 150      /* every N up to here; past it a stride */
#define SPARSE 120     /* runs spread over the rest of the count */

typedef void (*scenario)(run *r);

typedef struct sweep_case {
    const char *name;
    scenario fn;
    int mode;
    bool dense; /* every N; else DENSE of them, then SPARSE spread over the rest */
    unsigned workers;
} sweep_case;

/* One run with the nth allocation failing (0: none); the failures it saw. */
static uint64_t run_one(const sweep_case *c, uint64_t nth, uint64_t *seen) {
    /* On the heap, and left there by a failed assertion: the failed run's
     * system may still be running on it. */
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->nth = nth;
    r->mode = c->mode;
    r->workers = c->workers;
    snprintf(watchdog_note, sizeof watchdog_note, "\nhang: %s with N = %llu\n", c->name, (unsigned long long)nth);
    alarm(RUN_LIMIT_S);
    uint64_t t0 = wb_now_ns();
    c->fn(r);
    alarm(0);
    if (getenv("FAULTS_SLOW") && wb_now_ns() - t0 > 200 * MS)
        printf("# slow: N=%llu %.2f s: %s\n", (unsigned long long)nth, (double)(wb_now_ns() - t0) / 1e9, r->note);
    free(r);
    if (seen) *seen = fail_malloc_seen();
    return fail_malloc_injected();
}

/* A counting run first, then every N up to the count (or, for a case not
 * dense, N = 1 .. DENSE and SPARSE runs spread over the rest), then on from
 * the count until a run sees no failure (counts vary a little with timing). */
static void sweep(void **state) {
    const sweep_case *c = *state;
    signal(SIGALRM, watchdog);
    LEAK_CHECK(); /* what an earlier failed case left behind is reported here, not charged to this one */
    uint64_t total = 0, t0 = wb_now_ns();
    const char *one = getenv("FAULTS_N"); /* one run only, for debugging (0: the count) */
    if (one) {
        fail_malloc_trace(true);
        uint64_t k = run_one(c, strtoull(one, NULL, 10), &total);
        printf("# %s N=%s: %llu allocations, %llu failed, %.2f s\n", c->name, one, (unsigned long long)total,
               (unsigned long long)k, (double)(wb_now_ns() - t0) / 1e9);
        return;
    }
    run_one(c, 0, &total);
    uint64_t stride = !c->dense && total > DENSE ? (total - DENSE + SPARSE - 1) / SPARSE : 1;
    uint64_t n = 1, runs = 1, injected = 0;
    for (;; runs++) {
        uint64_t k = run_one(c, n, NULL);
        if (!k && n > total) break;
        injected += k;
        n += n < DENSE || n >= total ? 1 : stride;
        if (n > total + 1000) fail_msg("%s: still failing past N=%llu", c->name, (unsigned long long)n);
    }
    printf("# %-28s %5llu allocations, %4llu runs (stride %llu past %d), %5llu failures injected, %5.1f s\n",
           c->name, (unsigned long long)total, (unsigned long long)runs, (unsigned long long)stride, DENSE,
           (unsigned long long)injected, (double)(wb_now_ns() - t0) / 1e9);
    fflush(stdout);
}

static const sweep_case cases[] = {
    {"node: Nth fails", setup_scenario, FAIL_MALLOC_ONCE, true, 1},
    {"node: all from Nth fail", setup_scenario, FAIL_MALLOC_FROM_ON, true, 1},
    {"components: Nth fails", components_scenario, FAIL_MALLOC_ONCE, true, 1},
    {"components: all from Nth fail", components_scenario, FAIL_MALLOC_FROM_ON, false, 1},
    {"components: Nth fails, 2 workers", components_scenario, FAIL_MALLOC_ONCE, false, 2},
    {"app: Nth fails", app_scenario, FAIL_MALLOC_ONCE, true, 1},
    {"app: all from Nth fail", app_scenario, FAIL_MALLOC_FROM_ON, false, 1},
    {"app: Nth fails, 2 workers", app_scenario, FAIL_MALLOC_ONCE, false, 2},
    {"wasi: Nth fails", wasi_scenario, FAIL_MALLOC_ONCE, true, 1},
    {"wasi: all from Nth fail", wasi_scenario, FAIL_MALLOC_FROM_ON, false, 1},
};

int main(void) {
    struct CMUnitTest tests[WB_ARRAY_LEN(cases)];
    for (size_t i = 0; i < WB_ARRAY_LEN(cases); i++)
        tests[i] = (struct CMUnitTest){.name = cases[i].name, .test_func = sweep, .initial_state = (void *)&cases[i]};
    const char *only = getenv("FAULTS_ONLY"); /* a case name pattern, for debugging */
    if (only) cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
