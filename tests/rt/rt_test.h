/* SPDX-License-Identifier: MIT */
/* Shared helpers for the rt tests: a recording probe actor and waiting. */
#ifndef WACTOR_TESTS_RT_TEST_H
#define WACTOR_TESTS_RT_TEST_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/rt.h"

#define MS 1000000ull

/* What a probe saw: one record per message, in arrival order. */
typedef struct probe_rec {
    uint16_t kind;
    uint32_t tag;
    wr_id from;
    uint64_t corr;
    uint64_t time_ns;
    char text[64]; /* reason / topic / first bytes */
    wr_event ev;
} probe_rec;

typedef struct probe {
    pthread_mutex_t lock;
    probe_rec recs[4096];
    _Atomic size_t n;
    _Atomic int terminated;
    _Atomic int term_kind;
    _Atomic wr_id self; /* the last actor started with this probe (probes may be shared) */
} probe;

static inline void probe_init(probe *p) {
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
}

static inline wb_status probe_start(wr_ctx *ctx, void *arg) {
    probe *p = arg;
    *(probe **)wr_ctx_state(ctx) = p;
    p->self = wr_ctx_self(ctx);
    return WB_OK;
}

static inline void probe_record(probe *p, const wr_msg *m) {
    pthread_mutex_lock(&p->lock);
    size_t n = atomic_load(&p->n);
    if (n < 4096) {
        probe_rec *r = &p->recs[n];
        memset(r, 0, sizeof *r);
        r->kind = m->kind;
        r->tag = m->tag;
        r->from = m->from;
        r->corr = m->corr;
        r->time_ns = wb_now_ns();
        if (m->kind == WR_MSG_EXIT || m->kind == WR_MSG_DOWN)
            snprintf(r->text, sizeof r->text, "%s", wr_msg_reason(m));
        else if (m->kind == WR_MSG_PUBLISH)
            snprintf(r->text, sizeof r->text, "%s", wr_msg_topic(m));
        else if (m->kind == WR_MSG_EVENT)
            wr_msg_event(m, &r->ev);
        else {
            size_t len;
            const void *b = wr_msg_bytes(m, &len);
            if (len >= sizeof r->text) len = sizeof r->text - 1;
            memcpy(r->text, b, len);
        }
        atomic_store(&p->n, n + 1);
    }
    pthread_mutex_unlock(&p->lock);
}

static inline wr_turn probe_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    probe_record(p, m);
    return WR_OK;
}

static inline void probe_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    atomic_store(&p->term_kind, (int)why);
    atomic_store(&p->terminated, 1);
}

static const wr_actor_spec probe_spec = {
    .name = "probe", .init = probe_start, .handle = probe_handle, .terminate = probe_terminate,
    .state_size = sizeof(probe *)};

/* Polls cond until true or timeout; returns the final value. */
#define WAIT_UNTIL(cond, timeout_ns)                                                    \
    ({                                                                                  \
        uint64_t t0_ = wb_now_ns();                                                     \
        bool ok_;                                                                       \
        while (!(ok_ = (cond)) && wb_now_ns() - t0_ < (timeout_ns)) wb_sleep_ns(200000); \
        ok_;                                                                            \
    })

static inline size_t probe_count_kind(probe *p, uint16_t kind) {
    size_t c = 0, n = atomic_load(&p->n);
    for (size_t i = 0; i < n; i++) c += p->recs[i].kind == kind;
    return c;
}

static inline wr_system *test_system(unsigned workers) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    wr_system *sys = NULL;
    wb_error err;
    assert_int_equal(wr_system_new(&cfg, &sys, &err), WB_OK);
    return sys;
}

#endif
