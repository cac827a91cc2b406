/* SPDX-License-Identifier: MIT */
/* Talking to components from outside the actor system (tests, the CLI):
 * spawning and waiting for Ready, sends, and blocking requests made through
 * a short-lived native "port" actor that turns the reply into a condvar. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

/* ---- spawning ------------------------------------------------------------------- */
static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static wb_status wait_ready(wc_comp *c, wb_error *err) {
    uint64_t start = wb_now_ns(), deadline = start + 30000000000ull;
    for (;;) {
        int st = atomic_load(&c->state);
        if (st == WC_STATE_READY) return WB_OK;
        if (st == WC_STATE_FAILED || st == WC_STATE_TERMINATED) {
            pthread_mutex_lock(&c->lock);
            wb_status r = wb_error_set(err, WB_STATE, "component \"%s\" failed to start: %s: %s",
                                       c->name, wc_fail_name(c->fail), c->reason);
            pthread_mutex_unlock(&c->lock);
            return r;
        }
        if (wb_now_ns() > deadline)
            return wb_error_set(err, WB_TIMEOUT, "component \"%s\" not ready after 30 s", c->name);
        /* Starting takes microseconds: spin first (a yield on a busy machine
         * may give the core away for a whole time slice), then yield, then nap. */
        uint64_t waited = wb_now_ns() - start;
        if (waited < 100000) {
            for (int i = 0; i < 16; i++) cpu_relax();
        } else if (waited < 1000000) {
            sched_yield();
        } else {
            wb_sleep_ns(50000);
        }
    }
}

wb_status wc_spawn(wc_host *h, const char *def, const char *name, wr_id *out, wb_error *err) {
    if (out) *out = 0;
    wc_def *d = wc__def_find(h, def);
    if (!d) return wb_error_set(err, WB_NOT_FOUND, "no component definition \"%s\"", def);
    if (!name || !*name) return wb_error_set(err, WB_INVALID_ARG, "a component needs a name");
    if (wr_lookup(h->sys, name)) return wb_error_set(err, WB_EXISTS, "name \"%s\" is taken", name);
    wc_comp *c = NULL;
    wb_status st = wc__comp_new(h, d, name, NULL, NULL, &c, err);
    if (st != WB_OK) return st;
    /* Set before the actor runs, so wait_ready never sees a stale state. */
    atomic_store(&c->state, WC_STATE_CREATING);
    wr_id id = 0;
    st = wr_spawn(h->sys, &c->spec, c, &id, err);
    if (st != WB_OK) atomic_store(&c->state, WC_STATE_FAILED); /* frees the name */
    if (st == WB_OK) st = wait_ready(c, err);
    if (st == WB_OK && out) *out = id;
    return st;
}

wb_status wc_child_spec(wc_host *h, const char *def, const char *name, const wc_child_opts *opts,
                        wr_child_spec *out, wb_error *err) {
    memset(out, 0, sizeof *out);
    wc_def *d = wc__def_find(h, def);
    if (!d) return wb_error_set(err, WB_NOT_FOUND, "no component definition \"%s\"", def);
    wc_comp *c = NULL;
    wb_status st = wc__comp_new(h, d, name, opts, NULL, &c, err);
    if (st != WB_OK) return st;
    atomic_store(&c->supervised, true);
    out->name = c->name;
    out->actor = &c->spec;
    out->arg = c;
    out->restart = c->opts.restart == WC_RESTART_TRANSIENT   ? WR_TRANSIENT
                   : c->opts.restart == WC_RESTART_TEMPORARY ? WR_TEMPORARY
                                                             : WR_PERMANENT;
    /* The runtime kills after this; cleanup gets most of it. */
    out->shutdown_ns = ((uint64_t)c->opts.shutdown_ms + 500) * 1000000ull;
    const wc_backoff *b = &c->opts.backoff;
    if (b->initial_ms) {
        out->backoff.kind = b->multiplier > 1.0 ? WR_BACKOFF_EXPONENTIAL : WR_BACKOFF_LINEAR;
        out->backoff.base_ns = (uint64_t)b->initial_ms * 1000000ull;
        out->backoff.max_ns = (uint64_t)b->max_ms * 1000000ull;
        out->backoff.jitter_pct = (uint32_t)(b->jitter * 100.0 + 0.5);
        out->backoff.reset_ns = (uint64_t)b->reset_after_ms * 1000000ull;
    }
    return WB_OK;
}

/* ---- sends from outside ---------------------------------------------------------- */
static wb_status check_payload(wc_host *h, wr_id to, const void *p, size_t len, wb_error *err) {
    wb_status st = wc_payload_check(p, len, err);
    if (st != WB_OK) return st;
    if (len <= atomic_load_explicit(&h->payload_floor, memory_order_relaxed)) return WB_OK;
    wc_comp *c = wc__comp_by_id(h, to);
    if (c && len > c->def->caps.limits.max_payload)
        return wb_error_set(err, WB_LIMIT, "payload of %zu bytes over the limit of \"%s\" (%u)",
                            len, c->name, c->def->caps.limits.max_payload);
    return WB_OK;
}

wb_status wc_send(wc_host *h, wr_id to, const void *payload, size_t len, wb_error *err) {
    wb_status st = check_payload(h, to, payload, len, err);
    if (st != WB_OK) return st;
    return wr_send(h->sys, to, WC_TAG_MESSAGE, payload, len, err);
}

wb_status wc_stop(wc_host *h, wr_id to, wb_error *err) {
    return wr_send(h->sys, to, WC_TAG_SHUTDOWN, NULL, 0, err);
}

void wc_reply_close(wc_reply *r) {
    if (!r) return;
    wb_buf_unref(r->payload);
    r->payload = NULL;
}

/* ---- the port actor -------------------------------------------------------------- */
typedef struct port_call {
    pthread_mutex_t m;
    pthread_cond_t cv;
    bool done;             /* guarded by m */
    _Atomic bool out;      /* the finisher is done with this struct */
    wr_id to;
    uint32_t tag;
    const void *data; /* borrowed until init ran */
    size_t len;
    uint64_t timeout_ns;
    wc_reply *r;
    /* An asynchronous health check: the answer goes to cb (on the worker
     * that finished it) and the call frees itself; nobody waits. */
    wc__health_cb cb;
    void *cb_ud;
} port_call;

static void health_decode(const wc_reply *r, wc_health *out, char *reason, size_t cap);

typedef struct port_state {
    port_call *call;
} port_state;

static void port_finish(port_call *pc, bool ok, int32_t code, wb_buf *payload, const char *reason) {
    if (pc->cb) {
        wc_reply r = {.ok = ok, .code = code, .payload = payload};
        snprintf(r.reason, sizeof r.reason, "%s", reason ? reason : "");
        wc_health h;
        char why[160];
        health_decode(&r, &h, why, sizeof why);
        pc->cb(pc->cb_ud, h, why);
        wc_reply_close(&r);
        free(pc);
        return;
    }
    pthread_mutex_lock(&pc->m);
    if (!pc->done) {
        pc->r->ok = ok;
        pc->r->code = code;
        pc->r->payload = payload;
        size_t n = reason ? strlen(reason) : 0; /* cut to fit */
        if (n >= sizeof pc->r->reason) n = sizeof pc->r->reason - 1;
        if (n) memcpy(pc->r->reason, reason, n);
        pc->r->reason[n] = 0;
        pc->done = true;
        pthread_cond_broadcast(&pc->cv);
    } else {
        wb_buf_unref(payload);
    }
    pthread_mutex_unlock(&pc->m);
    /* The last touch: the requester may return (and pc go) right after.
     * Each call is finished once (its port forgets it first). */
    atomic_store_explicit(&pc->out, true, memory_order_release);
}

static wb_status port_init(wr_ctx *ctx, void *arg) {
    port_state *ps = wr_ctx_state(ctx);
    port_call *pc = arg;
    wb_error err;
    uint64_t corr = 0;
    /* Watch the target too: if it stops with our request still queued, the
     * request is dropped with its mailbox, and DOWN says so at once. */
    wb_status st = wr_ctx_monitor(ctx, pc->to, NULL, &err);
    if (st == WB_OK)
        st = wr_ctx_request(ctx, pc->to, pc->tag, pc->data, pc->len, pc->timeout_ns, &corr, &err);
    if (st != WB_OK) {
        port_finish(pc, false, wc_code_from_status(st), NULL, err.msg);
        return st;
    }
    ps->call = pc;
    return WB_OK;
}

static wr_turn port_handle(wr_ctx *ctx, const wr_msg *msg) {
    port_state *ps = wr_ctx_state(ctx);
    if (!ps->call || (msg->kind != WR_MSG_REPLY && msg->kind != WR_MSG_TIMEOUT && msg->kind != WR_MSG_DOWN))
        return WR_OK;
    port_call *pc = ps->call;
    ps->call = NULL;
    size_t len = 0;
    const uint8_t *b = wr_msg_bytes(msg, &len);
    if (msg->kind == WR_MSG_DOWN) { /* a reply sent before it stopped came first */
        port_finish(pc, false, WC_DEAD, NULL, "the component stopped before answering");
    } else if (msg->kind == WR_MSG_TIMEOUT) {
        port_finish(pc, false, WC_TIMEOUT, NULL, "no reply in time");
    } else if (msg->tag == WC_REPLY_OK) {
        /* An inline reply is copied: without memory it is an error, not an empty answer. */
        wb_buf *p = msg->payload ? wb_buf_ref(msg->payload) : wb_buf_from(b, len);
        if (p) port_finish(pc, true, 0, p, NULL);
        else port_finish(pc, false, WC_NOMEM, NULL, "out of memory for the reply");
    } else {
        int32_t code = WC_ERROR;
        char reason[192] = "";
        if (len >= 4) {
            code = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
            snprintf(reason, sizeof reason, "%.*s", (int)(len - 4), (const char *)b + 4);
        }
        port_finish(pc, false, code, NULL, reason);
    }
    wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}

static void port_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    port_state *ps = wr_ctx_state(ctx);
    if (ps->call) port_finish(ps->call, false, WC_DEAD, NULL, "system stopped");
    ps->call = NULL;
}

static const wr_actor_spec port_spec = {
    .name = "wc-port",
    .init = port_init,
    .handle = port_handle,
    .terminate = port_terminate,
    .state_size = sizeof(port_state),
};

/* Sends a request from outside and waits for its reply or timeout. */
static wb_status port_request(wc_host *h, wr_id to, uint32_t tag, const void *data, size_t len,
                              uint64_t timeout_ns, wc_reply *r, wb_error *err) {
    memset(r, 0, sizeof *r);
    port_call pc = {.to = to, .tag = tag, .data = data, .len = len, .timeout_ns = timeout_ns, .r = r};
    pthread_mutex_init(&pc.m, NULL);
    pthread_cond_init(&pc.cv, NULL);
    wr_id port = 0;
    wb_status st = wr_spawn(h->sys, &port_spec, &pc, &port, err);
    if (st == WB_OK) {
        /* A reply often comes within microseconds: spin a little first, as
         * a sleeping thread takes tens of microseconds to wake here. */
        uint64_t start = wb_now_ns();
        while (!atomic_load_explicit(&pc.out, memory_order_acquire) && wb_now_ns() - start < 50000)
            for (int i = 0; i < 16; i++) cpu_relax();
        if (!atomic_load_explicit(&pc.out, memory_order_acquire)) {
            pthread_mutex_lock(&pc.m);
            while (!pc.done) pthread_cond_wait(&pc.cv, &pc.m);
            pthread_mutex_unlock(&pc.m);
            while (!atomic_load_explicit(&pc.out, memory_order_acquire)) sched_yield();
        }
    }
    pthread_cond_destroy(&pc.cv);
    pthread_mutex_destroy(&pc.m);
    return st;
}

wb_status wc_request(wc_host *h, wr_id to, const void *payload, size_t len, uint64_t timeout_ns,
                     wc_reply *r, wb_error *err) {
    memset(r, 0, sizeof *r);
    wb_status st = check_payload(h, to, payload, len, err);
    if (st != WB_OK) return st;
    return port_request(h, to, WC__TAG_OUTSIDE_REQUEST, payload, len, timeout_ns, r, err);
}

wb_status wc_invoke(wc_host *h, wr_id to, const char *func, const void *args, size_t len,
                    uint64_t timeout_ns, wc_reply *r, wb_error *err) {
    memset(r, 0, sizeof *r);
    size_t n = strlen(func);
    wb_buf *b = wb_buf_new(n + 1 + len);
    if (!b) return wb_error_set(err, WB_NOMEM, "out of memory");
    memcpy(b->data, func, n + 1);
    if (len) memcpy(b->data + n + 1, args, len);
    wb_status st = port_request(h, to, WC_TAG_INVOKE, b->data, b->len, timeout_ns, r, err);
    wb_buf_unref(b);
    return st;
}

/* A HealthStatus reply (i32 LE status, reason) or the error that came
 * instead of one (Unhealthy: no answer, stopped, ...). */
static void health_decode(const wc_reply *r, wc_health *out, char *reason, size_t cap) {
    *out = WC_UNHEALTHY;
    if (r->ok && r->payload && r->payload->len >= 4) {
        const uint8_t *b = r->payload->data;
        int32_t s = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
        *out = s == 0 ? WC_HEALTHY : s == 1 ? WC_DEGRADED : WC_UNHEALTHY;
        if (reason && cap) snprintf(reason, cap, "%.*s", (int)(r->payload->len - 4), (const char *)b + 4);
    } else if (reason && cap) {
        const char *why = r->code == WC_TIMEOUT ? "no answer" : r->reason;
        size_t n = strnlen(why, cap - 1); /* a display text: cut to the caller's buffer */
        memcpy(reason, why, n);
        reason[n] = 0;
    }
}

wb_status wc_health_check(wc_host *h, wr_id to, uint64_t timeout_ns, wc_health *out, char *reason,
                          size_t reason_cap, wb_error *err) {
    wc_reply r;
    wb_status st = port_request(h, to, WC_TAG_HEALTH, NULL, 0, timeout_ns, &r, err);
    if (st != WB_OK) return st;
    health_decode(&r, out, reason, reason_cap);
    wc_reply_close(&r);
    return WB_OK;
}

wb_status wc__health_check_async(wc_host *h, wr_id to, uint64_t timeout_ns, wc__health_cb cb, void *ud,
                                 wb_error *err) {
    port_call *pc = calloc(1, sizeof *pc);
    if (!pc) return wb_error_set(err, WB_NOMEM, "out of memory");
    *pc = (port_call){.to = to, .tag = WC_TAG_HEALTH, .timeout_ns = timeout_ns, .cb = cb, .cb_ud = ud};
    wr_id port = 0;
    wb_status st = wr_spawn(h->sys, &port_spec, pc, &port, err);
    if (st != WB_OK) free(pc); /* its init never ran: cb will not be called */
    return st;
}
