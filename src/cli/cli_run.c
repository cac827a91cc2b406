/* SPDX-License-Identifier: MIT */
/* `wactor run APP.yaml`: runs a manifest's components under supervision,
 * shows what happens while it runs (states, message rates, failures,
 * restarts) and prints a summary at the end. */
#define _GNU_SOURCE /* strsignal, sigaction */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wactor/component.h"

static volatile sig_atomic_t run_interrupted;
static void on_stop_signal(int sig) { run_interrupted = sig; }

/* The status lines and the summary show this many instances; a note says
 * how many more there are. */
#define RUN_SHOWN 256

typedef struct run_opts {
    const char *manifest;
    bool has_duration; /* else the manifest's */
    uint32_t duration_s;
    uint32_t workers;
    uint32_t max_instances; /* 0: the manifest's */
    uint64_t max_memory;
    bool quiet;
} run_opts;

typedef struct run_view {
    uint64_t t0;
    pthread_mutex_t m;
    unsigned printed_this_second, suppressed;
    uint64_t second;
    bool quiet;
    /* Per component name: Ready transitions (a second one is a restart) and
     * the time of the last failure, to show the restart delay. A slot holds
     * any name an event carries. */
    char ready_name[64][sizeof ((wc_event *)0)->component];
    unsigned ready_count[64];
    uint64_t failed_at[64]; /* when it last went down (failed or stopped) */
    bool own_failure[64];   /* ... and whether that was its own failure */
    unsigned nready;
    char last_failed[sizeof ((wc_event *)0)->component]; /* the latest component to fail */
} run_view;

static void run_usage(FILE *out) {
    fprintf(out,
            "usage: wactor run [--duration SECONDS] [--workers N] [--max-instances N]\n"
            "                  [--max-memory SIZE] [--quiet] APP.yaml\n\n"
            "Runs the components of a manifest (see docs/ABI.md) under supervision, prints\n"
            "events (failures, restarts, denials, health) and a status line per component\n"
            "every second, and a summary at the end. --duration overrides the manifest's\n"
            "duration (0: until Ctrl-C). --max-instances and --max-memory (bytes, K/M/G)\n"
            "set the node's budgets (the manifest's top-level limits): a start that would\n"
            "pass them is refused.\n");
}

/* The slot of `name` (v->m held); -1 when the table is full (restarts of
 * later names then go unmentioned). */
static int run_slot(run_view *v, const char *name) {
    for (unsigned i = 0; i < v->nready; i++)
        if (!strcmp(v->ready_name[i], name)) return (int)i;
    if (v->nready == 64) return -1;
    snprintf(v->ready_name[v->nready], sizeof v->ready_name[0], "%s", name);
    v->ready_count[v->nready] = 0;
    v->failed_at[v->nready] = 0;
    v->own_failure[v->nready] = false;
    return (int)v->nready++;
}

/* Events worth a line while running; at most 40 lines a second. */
static void run_on_event(void *ud, const wc_event *ev) {
    run_view *v = ud;
    if (v->quiet) return;
    bool ready = ev->type == WC_EV_TRANSITION && ev->to == WC_STATE_READY;
    bool failed = ev->type == WC_EV_TRANSITION && ev->to == WC_STATE_FAILED;
    bool stopped = ev->type == WC_EV_TRANSITION && ev->to == WC_STATE_TERMINATED;
    if (ev->type == WC_EV_TRANSITION && !ready && !failed && !stopped) return;
    pthread_mutex_lock(&v->m);
    int slot = ev->type == WC_EV_TRANSITION ? run_slot(v, ev->component) : -1;
    unsigned starts = 0;
    uint64_t down_ns = 0;
    bool own = false;
    char with[sizeof v->last_failed] = "";
    if (slot >= 0 && ready) {
        starts = ++v->ready_count[slot];
        if (v->failed_at[slot]) down_ns = ev->time_ns - v->failed_at[slot];
        own = v->own_failure[slot];
        snprintf(with, sizeof with, "%s", v->last_failed);
    } else if (slot >= 0 && (failed || stopped)) {
        v->failed_at[slot] = ev->time_ns;
        v->own_failure[slot] = failed;
        if (failed) snprintf(v->last_failed, sizeof v->last_failed, "%s", ev->component);
    }
    if ((ready && starts < 2) || stopped) { /* a first start, or a stop: no line of its own */
        pthread_mutex_unlock(&v->m);
        return;
    }
    uint64_t sec = (ev->time_ns - v->t0) / 1000000000ull;
    if (sec != v->second) {
        if (v->suppressed) printf("         ... %u more events\n", v->suppressed);
        v->second = sec;
        v->printed_this_second = v->suppressed = 0;
    }
    if (v->printed_this_second++ < 40) {
        double t = (double)(ev->time_ns - v->t0) / 1e9;
        if (ready && own)
            printf("%7.3fs  %-14s restarted: ready again %.0f ms after its failure (start %u)\n", t,
                   ev->component, (double)down_ns / 1e6, starts);
        else if (ready)
            printf("%7.3fs  %-14s restarted with %s, which failed: ready again %.0f ms after it was "
                   "stopped (start %u)\n",
                   t, ev->component, with[0] ? with : "a sibling", (double)down_ns / 1e6, starts);
        else if (ev->type == WC_EV_TRANSITION)
            printf("%7.3fs  %-14s FAILED (%s): %s\n", t, ev->component, wc_fail_name(ev->fail), ev->text);
        else
            printf("%7.3fs  %-14s %s: %s\n", t, ev->component, wc_event_name(ev->type), ev->text);
    } else {
        v->suppressed++;
    }
    pthread_mutex_unlock(&v->m);
}

static bool run_number(const char *s, uint32_t max, uint32_t *out) {
    uint64_t v;
    if (!cli__parse_count(s, max, &v)) return false;
    *out = (uint32_t)v;
    return true;
}

static int run_parse(int argc, char **argv, run_opts *o) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            run_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--duration") && i + 1 < argc) {
            if (!run_number(argv[++i], UINT32_MAX, &o->duration_s)) {
                fprintf(stderr, "wactor run: --duration wants whole seconds, got '%s'\n", argv[i]);
                return 2;
            }
            o->has_duration = true;
        } else if (!strcmp(a, "--workers") && i + 1 < argc) {
            if (!run_number(argv[++i], 1024, &o->workers)) {
                fprintf(stderr, "wactor run: --workers wants 0..1024, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--max-instances") && i + 1 < argc) {
            if (!run_number(argv[++i], UINT32_MAX, &o->max_instances) || !o->max_instances) {
                fprintf(stderr, "wactor run: --max-instances wants a positive count, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--max-memory") && i + 1 < argc) {
            if (!cli__parse_size(argv[++i], &o->max_memory) || !o->max_memory) {
                fprintf(stderr, "wactor run: --max-memory wants a size (bytes, K, M or G), got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "wactor run: unknown option %s\n", a);
            return 2;
        } else if (!o->manifest) {
            o->manifest = a;
        } else {
            fprintf(stderr, "wactor run: one manifest only\n");
            return 2;
        }
    }
    if (!o->manifest) {
        run_usage(stderr);
        return 2;
    }
    return -1; /* go on */
}

static void run_status(wc_host *h, uint64_t *last_msgs, size_t n, double secs, double dt) {
    const char *names[RUN_SHOWN];
    size_t all = wc_host_names(h, names, RUN_SHOWN), count = all < RUN_SHOWN ? all : RUN_SHOWN;
    printf("--- %.0fs ---------------------------------------------------------------\n", secs);
    printf("  %-16s %-10s %6s %10s %9s %6s %7s\n", "component", "state", "starts", "messages", "msg/s",
           "fails", "denied");
    for (size_t i = 0; i < count && i < n; i++) {
        wc_info info;
        if (wc_info_get(h, names[i], &info) != WB_OK) continue;
        double rate = dt > 0 ? (double)(info.messages - last_msgs[i]) / dt : 0;
        last_msgs[i] = info.messages;
        printf("  %-16s %-10s %6u %10llu %9.0f %6u %7llu\n", names[i], wc_state_name(info.state),
               info.incarnations, (unsigned long long)info.messages, rate, info.failures,
               (unsigned long long)info.denied);
    }
    if (all > count) printf("  ... and %zu more instances not shown\n", all - count);
    fflush(stdout);
}

static void run_summary(FILE *out, wc_host *h, wc_app *app, uint64_t t0, double secs) {
    /* Totals over every instance; lines for the first RUN_SHOWN. */
    size_t count = wc_host_names(h, NULL, 0);
    const char **names = calloc(count ? count : 1, sizeof *names);
    fprintf(out, "\n=== summary after %.1f s ===\n", secs);
    if (!names) {
        fprintf(out, "  (no memory for the summary)\n");
        return;
    }
    size_t now = wc_host_names(h, names, count); /* names are never removed, only added */
    if (now < count) count = now;
    uint64_t msgs = 0, fails = 0, restarts = 0;
    for (size_t i = 0; i < count; i++) {
        wc_info info;
        if (wc_info_get(h, names[i], &info) != WB_OK) continue;
        msgs += info.messages;
        fails += info.failures;
        restarts += info.incarnations ? info.incarnations - 1 : 0;
        if (i >= RUN_SHOWN) continue;
        fprintf(out, "  %-16s %8llu messages, %3u starts, %3u failures, fuel %llu\n", names[i],
               (unsigned long long)info.messages, info.incarnations, info.failures,
               (unsigned long long)info.fuel_used);
        if (info.failures) fprintf(out, "  %-16s   last failure: %s: %s\n", "", wc_fail_name(info.fail), info.reason);
        wr_restart_entry hist[16];
        size_t n = 0;
        if (wc_app_history(app, names[i], hist, 16, &n) == WB_OK && n) {
            /* When it went down (since the start), why, and the backoff delay. */
            fprintf(out, "  %-16s   restart history:", "");
            for (size_t k = 0; k < n; k++)
                fprintf(out, "%s %.3fs %s +%llums", k ? "," : "", (double)(hist[k].time_ns - t0) / 1e9,
                       wr_exit_kind_name(hist[k].reason), (unsigned long long)(hist[k].delay_ns / 1000000));
            fprintf(out, "\n");
        }
    }
    if (count > RUN_SHOWN) fprintf(out, "  ... and %zu more instances (in the totals below)\n", count - RUN_SHOWN);
    free(names);
    wc_app_stats st;
    wc_app_stats_get(app, &st);
    fprintf(out, "  total: %llu messages handled, %llu failures, %llu restarts, %llu health checks, "
           "%llu unhealthy restarts, %zu denied, %zu error replies\n",
           (unsigned long long)msgs, (unsigned long long)fails, (unsigned long long)restarts,
           (unsigned long long)st.health_checks, (unsigned long long)st.unhealthy_kills,
           wc_host_count_events(h, WC_EV_DENIED, NULL), wc_host_count_events(h, WC_EV_ERROR_REPLY, NULL));
    if (st.checks_failed || st.sends_failed) /* never skipped unseen */
        fprintf(out, "  not made: %llu health checks, %llu manifest messages (no memory, or no such instance then)\n",
                (unsigned long long)st.checks_failed, (unsigned long long)st.sends_failed);
}

/* Runs the app until the duration passes or Ctrl-C. */
/* Runs until the duration, a stop signal, or the root supervisor's end
 * (it gave up: its restart intensity was reached); false for the last. */
static bool run_loop(wc_host *h, wc_app *app, const run_opts *o, uint64_t t0, uint64_t duration_ns) {
    uint64_t last_msgs[RUN_SHOWN] = {0};
    uint64_t last = t0;
    wr_system *sys = wc_host_system(h);
    while (!run_interrupted) {
        uint64_t now = wb_now_ns();
        if (duration_ns && now - t0 >= duration_ns) break;
        if (!wr_alive(sys, wc_app_root(app))) return false;
        if (now - last >= 1000000000ull) {
            if (!o->quiet)
                run_status(h, last_msgs, RUN_SHOWN, (double)(now - t0) / 1e9, (double)(now - last) / 1e9);
            last = now;
        }
        wb_sleep_ns(20000000);
    }
    return true;
}

int cli__run_main(int argc, char **argv) {
    run_opts o = {0};
    int rc = run_parse(argc, argv, &o);
    if (rc >= 0) return rc;
    wb_error err;
    wc_manifest *m = NULL;
    if (wc_manifest_load(o.manifest, &m, &err) != WB_OK) {
        fprintf(stderr, "wactor run: %s\n", err.msg);
        return 1;
    }
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = o.workers ? o.workers : m->workers;
    wr_system *sys = NULL;
    wa_engine *engine = wa_engine_new(NULL);
    run_view view = {.t0 = wb_now_ns(), .quiet = o.quiet};
    pthread_mutex_init(&view.m, NULL);
    wc_host *h = NULL;
    wc_app *app = NULL;
    rc = 1;
    if (!engine || wr_system_new(&cfg, &sys, &err) != WB_OK) {
        fprintf(stderr, "wactor run: %s\n", engine ? err.msg : "out of memory");
        goto done;
    }
    wc_host_config hc = {.sys = sys, .engine = engine, .on_event = run_on_event, .event_ud = &view,
                         .max_instances = o.max_instances ? o.max_instances : m->max_instances,
                         .max_memory_bytes = o.max_memory ? o.max_memory : m->max_memory_bytes,
                         .max_fds = m->max_fds};
    if (wc_host_new(&hc, &h, &err) != WB_OK || wc_app_start(h, m, &app, &err) != WB_OK) {
        fprintf(stderr, "wactor run: %s\n", err.msg);
        goto done;
    }
    uint32_t dur = o.has_duration ? o.duration_s : m->duration_s;
    printf("wactor: running \"%s\" (%zu components, %u workers%s)\n", m->name ? m->name : o.manifest,
           m->ncomponents, wr_system_workers(sys), dur ? "" : ", Ctrl-C to stop");
    if (dur) printf("wactor: for %u s\n", dur);
    fflush(stdout);
    /* SIGTERM (a service manager) and SIGHUP (a closed terminal) stop it as
     * gracefully as Ctrl-C: cleanups, the summary, status 0. */
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    bool root_alive = run_loop(h, app, &o, view.t0, (uint64_t)dur * 1000000000ull);
    if (run_interrupted) printf("wactor: %s, stopping\n", strsignal(run_interrupted));
    wc_app_stop(app);
    uint64_t t_stop = wb_now_ns();
    /* The summary is taken while the supervisors still answer (restart
     * histories), and printed after the cleanups have run and logged. */
    char *summary = NULL;
    size_t summary_len = 0;
    FILE *sf = open_memstream(&summary, &summary_len);
    if (sf) {
        run_summary(sf, h, app, view.t0, (double)(t_stop - view.t0) / 1e9);
        fclose(sf);
    }
    wb_status st = wr_system_shutdown(sys, 5000000000ull);
    double stop_ms = (double)(wb_now_ns() - t_stop) / 1e6;
    fflush(stderr);
    if (summary) fputs(summary, stdout);
    else run_summary(stdout, h, app, view.t0, (double)(t_stop - view.t0) / 1e9);
    free(summary);
    printf("  shutdown: %s in %.0f ms\n", st == WB_OK ? "clean" : "cut short by the deadline", stop_ms);
    rc = 0;
    if (!root_alive) { /* as OTP stops the node when its top supervisor gives up */
        fprintf(stderr, "wactor run: supervisor \"%s\" gave up (its children failed more than its restart "
                        "intensity allows); stopping with status 3\n", wc_app_root_name(app));
        rc = 3;
    }
done:
    wr_system_free(sys); /* shuts down first if still running */
    wc_app_free(app);
    wc_host_free(h);
    wa_engine_free(engine);
    wc_manifest_free(m);
    pthread_mutex_destroy(&view.m);
    return rc;
}
