/* SPDX-License-Identifier: MIT */
/* Shared by the component benchmark drivers: an actor system, an engine and a
 * host with the benchmark guests defined, raw-text requests, a READY/FAILED
 * event clock, memory readings and the result line "name value unit" that
 * run.sh reads. Header only, one driver per workload. */
#ifndef BENCH_COMP_H
#define BENCH_COMP_H

#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wactor/component.h"

#ifndef BENCH_COMP_DIR
#define BENCH_COMP_DIR "."
#endif

#define MS 1000000ull
#define SEC 1000000000ull

/* Transitions seen by the host's event callback: when the last component
 * became Ready or Failed. Written by workers, read by main. The host marks a
 * component Ready (what wc_spawn waits for) before it runs the callback for
 * that transition, so a reader that saw a component Ready must still wait
 * for `ready` to count it before its ready_ns is here (each time is stored
 * before its count is raised). The times are maxima: two workers may run
 * their callbacks in the other order than their transitions. */
typedef struct bench_clock {
    atomic_uint_fast64_t ready, failed;        /* counts */
    atomic_uint_fast64_t ready_ns, failed_ns;  /* time of the latest */
    atomic_uint_fast64_t starting_ns;          /* latest Creating -> Starting */
} bench_clock;

static inline void bench_clock_max(atomic_uint_fast64_t *at, uint64_t t) {
    uint_fast64_t cur = atomic_load(at);
    while (cur < t && !atomic_compare_exchange_weak(at, &cur, t)) {}
}

typedef struct bench {
    wr_system *sys;   /* owner: bench */
    wa_engine *engine; /* owner: bench */
    wc_host *host;    /* owner: bench */
    bench_clock clock;
} bench;

static inline void bench_on_event(void *ud, const wc_event *ev) {
    bench_clock *c = ud;
    if (ev->type != WC_EV_TRANSITION) return;
    if (ev->to == WC_STATE_STARTING) {
        bench_clock_max(&c->starting_ns, ev->time_ns);
    } else if (ev->to == WC_STATE_READY) {
        bench_clock_max(&c->ready_ns, ev->time_ns);
        atomic_fetch_add(&c->ready, 1);
    } else if (ev->to == WC_STATE_FAILED) {
        bench_clock_max(&c->failed_ns, ev->time_ns);
        atomic_fetch_add(&c->failed, 1);
    }
}

static inline bool bench_open(bench *b, unsigned workers, uint32_t event_log) {
    memset(b, 0, sizeof *b);
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    wb_error err = {0};
    if (wr_system_new(&cfg, &b->sys, &err) != WB_OK) {
        fprintf(stderr, "bench: system: %s\n", err.msg);
        return false;
    }
    b->engine = wa_engine_new(NULL);
    wc_host_config hc = {.sys = b->sys, .engine = b->engine, .on_event = bench_on_event,
                         .event_ud = &b->clock, .event_log = event_log};
    if (!b->engine || wc_host_new(&hc, &b->host, &err) != WB_OK) {
        fprintf(stderr, "bench: host: %s\n", b->engine ? err.msg : "no engine");
        return false;
    }
    return true;
}

static inline void bench_close(bench *b) {
    if (b->sys) wr_system_shutdown(b->sys, 10 * SEC);
    wr_system_free(b->sys);
    wc_host_free(b->host);
    wa_engine_free(b->engine);
}

/* Defines `def` from BENCH_COMP_DIR/<file>; may send to anything and spawn. */
static inline bool bench_define(bench *b, const char *def, const char *file, bool open_caps) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", BENCH_COMP_DIR, file);
    wc_caps caps;
    wc_caps_init(&caps);
    wb_error err = {0};
    wb_status st = WB_OK;
    if (open_caps) {
        st = wc_caps_allow(&caps, WC_CAP_SEND, "#", &err);
        caps.spawn = true;
        /* the idle benchmark spawns a million children from one component */
        caps.limits.spawn_children = caps.limits.spawn_total = 1u << 24;
    }
    if (st == WB_OK) st = wc_host_define_file(b->host, def, path, &caps, &err);
    wc_caps_close(&caps);
    if (st != WB_OK) fprintf(stderr, "bench: define %s: %s\n", def, err.msg);
    return st == WB_OK;
}

/* Waits (10 s at most) until the clock counts `want` Ready components. */
static inline bool bench_wait_ready(bench *b, uint64_t want) {
    uint64_t deadline = 0;
    while (atomic_load(&b->clock.ready) < want) {
        uint64_t now = wb_now_ns();
        if (!deadline) deadline = now + 10 * SEC;
        if (now > deadline) return false;
        sched_yield();
    }
    return true;
}

/* Spawns from outside, as wc_spawn: returns once the component is Ready,
 * and also once its Ready event has reached the clock (the driver spawns
 * nothing else meanwhile). *returned_ns (if not NULL): when wc_spawn
 * returned, before that wait. */
static inline wr_id bench_spawn_at(bench *b, const char *def, const char *name,
                                   uint64_t *returned_ns) {
    wr_id id = 0;
    wb_error err = {0};
    uint64_t want = atomic_load(&b->clock.ready) + 1;
    wb_status st = wc_spawn(b->host, def, name, &id, &err);
    if (returned_ns) *returned_ns = wb_now_ns();
    if (st != WB_OK) {
        fprintf(stderr, "bench: spawn %s: %s\n", name, err.msg);
        return 0;
    }
    if (!bench_wait_ready(b, want)) {
        fprintf(stderr, "bench: spawn %s: Ready, but no Ready event within 10 s\n", name);
        return 0;
    }
    return id;
}

static inline wr_id bench_spawn(bench *b, const char *def, const char *name) {
    return bench_spawn_at(b, def, name, NULL);
}

/* A raw-text request; the reply's body as a number (ns), or -1 on error. */
static inline int64_t bench_ask(bench *b, wr_id to, const char *text) {
    wb_buf *p = wc_payload_new(WC_CODEC_RAW, text, strlen(text));
    wc_reply r;
    wb_error err = {0};
    wb_status st = p ? wc_request(b->host, to, p->data, p->len, 120 * SEC, &r, &err) : WB_NOMEM;
    wb_buf_unref(p);
    if (st != WB_OK || !r.ok) {
        fprintf(stderr, "bench: \"%s\": %s\n", text, st != WB_OK ? err.msg : r.reason);
        if (st == WB_OK) wc_reply_close(&r);
        return -1;
    }
    int64_t v = 0;
    for (size_t i = 1; r.payload && i < r.payload->len; i++) {
        uint8_t c = r.payload->data[i];
        if (c < '0' || c > '9') break;
        v = v * 10 + (c - '0');
    }
    wc_reply_close(&r);
    return v;
}

static inline uint64_t bench_messages(bench *b, const char *name) {
    wc_info info;
    return wc_info_get(b->host, name, &info) == WB_OK ? info.messages : 0;
}

/* CPU time of the whole process / of the calling thread, in ns. On a shared
 * machine wall-clock figures include time spent waiting for a core; CPU time
 * does not. */
static inline uint64_t bench_cpu_ns(clockid_t which) {
    struct timespec ts;
    clock_gettime(which, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#define BENCH_CPU_PROCESS CLOCK_PROCESS_CPUTIME_ID
#define BENCH_CPU_THREAD CLOCK_THREAD_CPUTIME_ID

static inline double bench_loadavg(void) {
    double l = 0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", &l) != 1) l = 0;
    if (f) fclose(f);
    return l;
}

static inline uint64_t bench_arg(int argc, char **argv, int i, uint64_t dflt) {
    return argc > i ? strtoull(argv[i], NULL, 10) : dflt;
}

static inline int bench_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static inline void bench_report(const char *name, double value, const char *unit) {
    printf("%s %.1f %s\n", name, value, unit);
    fflush(stdout);
}

/* A field of /proc/self/status in bytes ("VmRSS", "VmPTE"). */
static inline uint64_t bench_status_bytes(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    uint64_t kib = 0;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, field, n) && line[n] == ':') {
            kib = strtoull(line + n + 1, NULL, 10);
            break;
        }
    }
    if (f) fclose(f);
    return kib * 1024;
}

#endif
