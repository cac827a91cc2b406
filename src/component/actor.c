/* SPDX-License-Identifier: MIT */
/* The component actor: one WebAssembly instance per actor incarnation. Runs
 * export calls in fuel slices (WR_YIELD between slices, so a runaway guest
 * never holds a worker), suspends in request() until the reply, fails with a
 * categorised reason on a trap or a limit, and runs cleanup on a graceful stop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

/* Fuel for init/_initialize/health/cleanup when no per-message limit is set. */
#define WC_SYNC_FUEL 50000000ull
/* Fuel of the first slice of _initialize/init, run inside the actor's init:
 * enough for most starts to end there, without a turn of their own. */
#define WC_INIT_SLICE 1000000ull

static void on_transition(void *ud, const wc_transition *t) {
    wc_actor *a = ud;
    wc_comp *c = a->comp;
    /* The failure first, then the state: whoever sees Failed reads its reason. */
    if (t->to == WC_STATE_FAILED) {
        atomic_fetch_add(&c->failures, 1);
        pthread_mutex_lock(&c->lock);
        c->fail = t->fail;
        snprintf(c->reason, sizeof c->reason, "%s", t->reason);
        pthread_mutex_unlock(&c->lock);
    }
    atomic_store(&c->state, (int)t->to);
    wc__event_transition(c->host, c, a->ctx ? wr_ctx_self(a->ctx) : 0, t);
}

/* ---- replies ----------------------------------------------------------------- */
/* Answers the current request (once). ok: payload bytes; else code + reason. */
wb_status wc__reply(wc_actor *a, bool ok, int32_t code, const void *data, size_t len,
                    const char *reason) {
    if (!a->msg_request || a->replied) return WB_STATE;
    wb_error err;
    wb_status st = WB_NOMEM;
    if (ok) {
        st = wr_ctx_reply(a->ctx, &a->req_copy, WC_REPLY_OK, data, len, &err);
    } else {
        wb_buf *b = wc__error_payload(code, reason);
        if (b) st = wr_ctx_reply(a->ctx, &a->req_copy, WC_REPLY_ERROR, b->data, b->len, &err);
        wb_buf_unref(b);
    }
    /* One that could not be sent is still owed: the error reply that
     * follows a failed call (or a stop) may get through. */
    a->replied = st == WB_OK;
    return st;
}

static void message_clear(wc_actor *a) {
    wb_buf_unref(a->msg_payload);
    wb_buf_unref(a->msg_topic);
    a->msg_payload = a->msg_topic = NULL;
    a->msg_data = NULL;
    a->msg_len = 0;
    a->msg_request = a->replied = false;
    a->msg_from = 0;
    a->msg_kind = 0;
    a->reason[0] = 0;
}

/* Keeps what the guest may read of msg after the runtime takes it back.
 * The header first: a message that cannot be kept can still be answered. */
static wb_status message_take(wc_actor *a, const wr_msg *msg, int32_t kind) {
    message_clear(a);
    a->msg_from = msg->from;
    a->msg_kind = kind;
    a->msg_request = msg->kind == WR_MSG_REQUEST;
    if (a->msg_request) {
        a->req_copy = *msg;
        a->req_copy.payload = a->req_copy.meta = NULL;
        atomic_store_explicit(&a->req_copy.next_, NULL, memory_order_relaxed);
    }
    size_t len = 0;
    const void *bytes = wr_msg_bytes(msg, &len);
    if (len > UINT32_MAX) return WB_LIMIT;
    if (msg->payload) {
        a->msg_payload = wb_buf_ref(msg->payload);
        bytes = a->msg_payload->data;
    } else if (len <= sizeof a->msg_inline) { /* inline in the envelope: copy, no allocation */
        if (len) memcpy(a->msg_inline, bytes, len);
        bytes = a->msg_inline;
    } else {
        if (!(a->msg_payload = wb_buf_from(bytes, len))) return WB_NOMEM;
        bytes = a->msg_payload->data;
    }
    a->msg_data = bytes;
    a->msg_len = (uint32_t)len;
    if (msg->kind == WR_MSG_PUBLISH) {
        const char *topic = wr_msg_topic(msg);
        if (!(a->msg_topic = wb_buf_from(topic, strlen(topic)))) return WB_NOMEM;
    }
    return WB_OK;
}

static uint64_t fuel_used(const wc_actor *a);

/* ---- failing ----------------------------------------------------------------- */
static void fail(wc_actor *a, wc_fail_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(wc_actor *a, wc_fail_kind kind, const char *fmt, ...) {
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    wc_lifecycle_fail(&a->lc, kind, "%s", reason);
    if (a->call != WC_CALL_NONE) atomic_fetch_add(&a->comp->fuel_used, fuel_used(a));
    if (a->msg_request && !a->replied) {
        char text[200];
        snprintf(text, sizeof text, "component failed: %s: %s", wc_fail_name(kind), reason);
        wc__reply(a, false, WC_ERROR, NULL, 0, text);
    }
    wc__wasi_wait_cancel(a);
    a->call = WC_CALL_NONE;
    a->suspended = a->sleeping = a->receiving = false;
    char exit_text[200];
    snprintf(exit_text, sizeof exit_text, "%s: %s", wc_fail_name(kind), reason);
    wr_ctx_exit(a->ctx, WR_EXIT_ERROR, exit_text);
}

static void fail_trap(wc_actor *a) {
    const wa_trap *t = wa_instance_trap(a->inst);
    const char *msg = t->message[0] ? t->message : wa_trap_message(t->kind);
    /* memory.grow past the limit returns -1; a guest that then aborts (its
     * malloc failed) died of the memory limit, and operators should see that. */
    uint32_t max = a->comp->def->caps.limits.max_memory_pages;
    if (t->kind == WA_TRAP_UNREACHABLE && wa_instance_memory_pages(a->inst) >= max)
        fail(a, WC_FAIL_MEMORY, "%s at the memory limit of %u pages", msg, max);
    else
        fail(a, wc_fail_from_trap(t->kind), "%s", msg);
}

/* ---- running calls ------------------------------------------------------------- */
static uint64_t fuel_used(const wc_actor *a) { return wa_instance_fuel_used(a->inst) - a->call_fuel0; }

/* The fuel for the next slice: the slice size, cut to what the per-message
 * limit still allows. */
uint64_t wc__slice_fuel(const wc_actor *a) {
    const wc_limits *l = &a->comp->def->caps.limits;
    uint64_t slice = l->fuel_slice;
    if (l->fuel_per_message) {
        uint64_t used = fuel_used(a);
        uint64_t left = used < l->fuel_per_message ? l->fuel_per_message - used : 1;
        if (left < slice) slice = left;
    }
    return slice;
}

/* Runs a call to completion on this thread (init, health in init, cleanup),
 * bounded by `budget` fuel and the deadline. Request() is refused meanwhile. */
static wa_run_status run_sync(wc_actor *a, wa_func *f, uint64_t budget, uint64_t deadline_ns) {
    const uint64_t slice = 100000;
    uint64_t start = wa_instance_fuel_used(a->inst);
    a->no_suspend = true;
    wa_run_status st = wa_instance_call(a->inst, f, NULL, 0, slice);
    for (;;) {
        bool in_time = wb_now_ns() < deadline_ns;
        if (st == WA_RUN_OUT_OF_FUEL && in_time && wa_instance_fuel_used(a->inst) - start < budget)
            st = wa_instance_resume(a->inst, slice);
        else if (st == WA_RUN_SUSPENDED && a->sync_wait && in_time && wc__wasi_wait_here(a, deadline_ns))
            st = wa_wasi_resume(a->wasi, a->inst, slice); /* a WASI wait, cut at the deadline */
        else
            break;
    }
    a->no_suspend = false;
    if (st == WA_RUN_OUT_OF_FUEL || st == WA_RUN_SUSPENDED) {
        wc__wasi_wait_cancel(a);
        wa_instance_cancel(a->inst);
    }
    return st;
}

static void finish_handle(wc_actor *a) {
    wc_comp *c = a->comp;
    wa_value r = wa_i32(0);
    wa_instance_results(a->inst, &r, 1);
    atomic_fetch_add(&c->messages, 1);
    if (r.of.i32 != 0) {
        atomic_fetch_add(&c->error_replies, 1);
        char text[192];
        snprintf(text, sizeof text, "handle_message returned %d%s%s", r.of.i32,
                 a->reason[0] ? ": " : "", a->reason);
        wc__event(c->host, WC_EV_ERROR_REPLY, c, wr_ctx_self(a->ctx), "%s", text);
        wc__reply(a, false, WC_ERROR, NULL, 0, text);
    } else if (a->msg_request && !a->replied) {
        wc__reply(a, false, WC_STATE, NULL, 0, "handle_message returned without a reply");
    }
}

static void finish_invoke(wc_actor *a) {
    wa_value res[16];
    uint32_t n = wa_instance_results(a->inst, res, 16);
    wb_buf *out = NULL;
    wb_error err;
    if (n > 16) {
        wc__reply(a, false, WC_UNSUPPORTED, NULL, 0, "more than 16 results");
    } else if (wc_values_to_payload(a->invoke_codec, res, n, &out, &err) != WB_OK) {
        wc__reply(a, false, wc_code_from_status(err.status), NULL, 0, err.msg);
    } else {
        wc__reply(a, true, 0, out->data, out->len, NULL);
    }
    wb_buf_unref(out);
}

/* How long one health call may run (the health spec's timeout; 1 s). */
static uint32_t health_timeout_ms(const wc_actor *a) {
    uint32_t ms = a->comp->opts.health.timeout_ms;
    return ms ? ms : 1000;
}

/* HealthStatus payload: i32 LE status, then the reason text. */
static void reply_health(wc_actor *a, int32_t status) {
    wb_buf *b = wc__error_payload(status, a->reason);
    if (b) wc__reply(a, true, 0, b->data, b->len, NULL);
    else wc__reply(a, false, WC_NOMEM, NULL, 0, "out of memory");
    wb_buf_unref(b);
}

static void finish_call(wc_actor *a) {
    wc_call_kind kind = a->call;
    a->call = WC_CALL_NONE;
    atomic_fetch_add(&a->comp->fuel_used, fuel_used(a));
    if (kind == WC_CALL_HANDLE) {
        finish_handle(a);
    } else if (kind == WC_CALL_INVOKE) {
        finish_invoke(a);
    } else {
        wa_value r = wa_i32(0);
        wa_instance_results(a->inst, &r, 1);
        reply_health(a, r.of.i32 < 0 || r.of.i32 > 2 ? WC_UNHEALTHY : r.of.i32);
    }
    message_clear(a);
}

/* WASI functions not granted answer ENOTCAPABLE inside the engine; count
 * them as denied calls and report them once the guest's run ends. */
static void report_wasi_denied(wc_actor *a) {
    uint64_t n = wa_wasi_denied_calls(a->wasi);
    if (n == a->wasi_denied_seen) return;
    uint64_t fresh = n - a->wasi_denied_seen;
    a->wasi_denied_seen = n;
    atomic_fetch_add(&a->comp->denied, fresh);
    wc__event(a->comp->host, WC_EV_DENIED, a->comp, wr_ctx_self(a->ctx),
              "%llu WASI call%s refused: function not granted", (unsigned long long)fresh,
              fresh == 1 ? "" : "s");
}

static wr_turn after_run(wc_actor *a, wa_run_status st) {
    const wc_limits *l = &a->comp->def->caps.limits;
    if (a->wasi) report_wasi_denied(a);
    switch (st) {
    case WA_RUN_DONE:
        finish_call(a);
        return WR_OK;
    case WA_RUN_OUT_OF_FUEL:
        if (a->call == WC_CALL_HEALTH && wb_now_ns() >= a->health_deadline) {
            /* a health check has its own deadline: the call is abandoned,
             * the answer is Unhealthy, and the component goes on */
            wa_instance_cancel(a->inst);
            atomic_fetch_add(&a->comp->fuel_used, fuel_used(a));
            a->call = WC_CALL_NONE;
            snprintf(a->reason, sizeof a->reason, "health did not answer within %u ms",
                     health_timeout_ms(a));
            reply_health(a, WC_UNHEALTHY);
            message_clear(a);
            return WR_OK;
        }
        if (l->fuel_per_message && fuel_used(a) >= l->fuel_per_message) {
            fail(a, WC_FAIL_FUEL, "message used %llu fuel (limit %llu)",
                 (unsigned long long)fuel_used(a), (unsigned long long)l->fuel_per_message);
            return WR_OK;
        }
        return WR_YIELD; /* the same message comes back: resume then */
    case WA_RUN_SUSPENDED:
        if (a->wait_failed) {
            fail(a, WC_FAIL_TRAP, "out of memory for a WASI wait");
            return WR_OK;
        }
        return WR_OK; /* request() or a WASI wait: the reply or timeout resumes the call */
    case WA_RUN_TRAP:
    default:
        fail_trap(a);
        return WR_OK;
    }
}

/* ---- starting calls ----------------------------------------------------------- */
static wr_turn begin_handle(wc_actor *a, const wr_msg *msg, int32_t kind) {
    wc_codec codec;
    size_t off;
    wb_error err;
    /* One that cannot be kept (no memory for an event's topic) is refused
     * like a bad one, so that it is never dropped unseen. */
    wb_status st = message_take(a, msg, kind);
    if (st != WB_OK) wb_error_set(&err, st, "%s", st == WB_NOMEM ? "out of memory" : "too large");
    size_t len = a->msg_len;
    if (st == WB_OK) st = wc_payload_split(a->msg_data, len, &codec, &off, &err);
    if (st == WB_OK && len > a->comp->def->caps.limits.max_payload)
        st = wb_error_set(&err, WB_LIMIT, "payload of %zu bytes over the limit", len);
    if (st != WB_OK) { /* refused before the guest sees it */
        if (!a->msg_request)
            wc__event(a->comp->host, WC_EV_ERROR_REPLY, a->comp, wr_ctx_self(a->ctx),
                      "message refused: %s", err.msg);
        wc__reply(a, false, wc_code_from_status(st), NULL, 0, err.msg);
        message_clear(a);
        return WR_OK;
    }
    if (msg->tag == WC__TAG_OUTSIDE_REQUEST) a->msg_from = 0; /* the port is no one to talk to */
    wa_value args[4] = {wa_i64((int64_t)a->msg_from), wa_i32(kind),
                        wa_i64(a->msg_request ? (int64_t)msg->corr : 0), wa_i32((int32_t)len)};
    a->call = WC_CALL_HANDLE;
    a->call_fuel0 = wa_instance_fuel_used(a->inst);
    return after_run(a, wa_instance_call(a->inst, a->f_handle, args, 4, wc__slice_fuel(a)));
}

/* A request whose message could not be kept: answered, never left to time out. */
static wr_turn refuse_nomem(wc_actor *a) {
    wc__reply(a, false, WC_NOMEM, NULL, 0, "out of memory");
    message_clear(a);
    return WR_OK;
}

/* A monitored target ended: handle_message(target, DOWN (4), ref, len)
 * with the reason as a raw payload. */
static wr_turn begin_down(wc_actor *a, const wr_msg *msg) {
    message_clear(a);
    wc__monitor_forget(a, msg->corr);
    const char *why = wr_msg_reason(msg);
    const char *kind = wr_exit_kind_name((wr_exit_kind)msg->tag);
    size_t n = strlen(kind) + (why[0] ? 2 + strlen(why) : 0);
    wb_buf *b = wb_buf_new(2 + n); /* prefix, text, and room for snprintf's NUL */
    if (!b) { /* not delivered: said, not silent */
        wc__event(a->comp->host, WC_EV_ERROR_REPLY, a->comp, wr_ctx_self(a->ctx),
                  "DOWN of %llu not delivered: out of memory", (unsigned long long)msg->from);
        return WR_OK;
    }
    b->data[0] = 0x55;
    snprintf((char *)b->data + 1, n + 1, "%s%s%s", kind, why[0] ? ": " : "", why);
    a->msg_payload = b;
    a->msg_data = b->data;
    a->msg_len = (uint32_t)(1 + n);
    a->msg_from = msg->from;
    a->msg_kind = 4;
    wa_value args[4] = {wa_i64((int64_t)msg->from), wa_i32(4), wa_i64((int64_t)msg->corr),
                        wa_i32((int32_t)a->msg_len)};
    a->call = WC_CALL_HANDLE;
    a->call_fuel0 = wa_instance_fuel_used(a->inst);
    return after_run(a, wa_instance_call(a->inst, a->f_handle, args, 4, wc__slice_fuel(a)));
}

static wr_turn begin_invoke(wc_actor *a, const wr_msg *msg) {
    if (message_take(a, msg, 0) != WB_OK) return refuse_nomem(a);
    const uint8_t *p = a->msg_data;
    size_t len = a->msg_len;
    const uint8_t *nul = p ? memchr(p, 0, len) : NULL;
    wa_func *f = nul ? wa_instance_func(a->inst, (const char *)p) : NULL;
    wb_error err;
    size_t off;
    if (!f) {
        wc__reply(a, false, WC_NOT_FOUND, NULL, 0, "no such exported function");
    } else {
        wa_functype ft = wa_func_type(f);
        wa_value args[16];
        const uint8_t *ap = nul + 1;
        size_t alen = len - (size_t)(ap - p);
        wb_status st = ft.nparams > 16 ? wb_error_set(&err, WB_UNSUPPORTED, "too many parameters")
                                       : wc_payload_split(ap, alen, &a->invoke_codec, &off, &err);
        if (st == WB_OK) st = wc_values_from_payload(ap, alen, ft.params, ft.nparams, args, &err);
        if (st == WB_OK) {
            a->call = WC_CALL_INVOKE;
            a->call_fuel0 = wa_instance_fuel_used(a->inst);
            return after_run(a, wa_instance_call(a->inst, f, args, ft.nparams, wc__slice_fuel(a)));
        }
        wc__reply(a, false, wc_code_from_status(st), NULL, 0, err.msg);
    }
    message_clear(a);
    return WR_OK;
}

static wr_turn begin_health(wc_actor *a, const wr_msg *msg) {
    if (message_take(a, msg, 0) != WB_OK) return refuse_nomem(a);
    if (!a->f_health) {
        reply_health(a, WC_HEALTHY);
        message_clear(a);
        return WR_OK;
    }
    a->call = WC_CALL_HEALTH;
    a->health_deadline = wb_now_ns() + (uint64_t)health_timeout_ms(a) * 1000000ull;
    a->call_fuel0 = wa_instance_fuel_used(a->inst);
    return after_run(a, wa_instance_call(a->inst, a->f_health, NULL, 0, wc__slice_fuel(a)));
}

/* Stopping -> cleanup (bounded) -> Terminated. */
static void run_cleanup(wc_actor *a) {
    if (wc_lifecycle_to(&a->lc, WC_STATE_STOPPING, NULL) != WB_OK) return;
    if (a->f_cleanup && a->inst) {
        if (wa_instance_busy(a->inst)) wa_instance_cancel(a->inst);
        uint64_t deadline = wb_now_ns() + (uint64_t)a->comp->opts.shutdown_ms * 1000000ull;
        wa_run_status st = run_sync(a, a->f_cleanup, WC_SYNC_FUEL, deadline);
        if (st == WA_RUN_TRAP) {
            wc_lifecycle_fail(&a->lc, wc_fail_from_trap(wa_instance_trap(a->inst)->kind),
                              "cleanup: %s", wa_instance_trap(a->inst)->message);
            return;
        }
        if (st != WA_RUN_DONE && wb_now_ns() >= deadline) {
            wc_lifecycle_fail(&a->lc, WC_FAIL_TIMEOUT, "cleanup did not finish within %u ms",
                              a->comp->opts.shutdown_ms);
            return;
        }
        if (st != WA_RUN_DONE) { /* stopped by the fuel bound before the deadline */
            wc_lifecycle_fail(&a->lc, WC_FAIL_TIMEOUT, "cleanup did not finish within %llu fuel",
                              WC_SYNC_FUEL);
            return;
        }
    }
    wc_lifecycle_to(&a->lc, WC_STATE_TERMINATED, NULL);
}

/* ---- the actor callbacks --------------------------------------------------------- */
/* Node admission: a slot of the node's live instances, taken before the
 * instance exists (its memory is checked as it is allocated: wa_budget). */
static wb_status admit(wc_actor *a, wb_error *err) {
    wc_host *h = a->comp->host;
    unsigned n = atomic_fetch_add(&h->live_instances, 1);
    a->counted = true;
    if (!h->max_instances || n < h->max_instances) return WB_OK;
    atomic_fetch_add(&h->refused, 1);
    wc__event(h, WC_EV_LIMIT, a->comp, wr_ctx_self(a->ctx), "start refused: the node holds %u instances (limit %u)",
              n, h->max_instances);
    wc_lifecycle_fail(&a->lc, WC_FAIL_LIMIT, "the node holds its limit of %u instances", h->max_instances);
    return wb_error_set(err, WB_LIMIT, "%s", a->lc.reason);
}

static wb_status start_instance(wc_actor *a, wb_error *err) {
    wc_comp *c = a->comp;
    const wc_def *d = c->def;
    wb_status st = admit(a, err);
    if (st != WB_OK) return st;
    wa_limits lim = {0};
    lim.max_memory_pages = d->caps.limits.max_memory_pages;
    lim.max_fuel = d->caps.limits.fuel_total;
    lim.max_bytes = d->caps.limits.max_memory_bytes;
    lim.budget = &c->host->mem_budget;
    lim.start_fuel = d->caps.limits.fuel_per_message ? d->caps.limits.fuel_per_message : WC_SYNC_FUEL;
    st = d->needs_wasi ? wc__wasi_new(c, &a->wasi, err) : WB_OK;
    if (st != WB_OK) {
        wc_lifecycle_fail(&a->lc, WC_FAIL_LINK, "WASI: %s", err->msg);
        return st;
    }
    a->no_suspend = true; /* the start function runs inside wa_instance_new */
    uint64_t refused0 = atomic_load(&lim.budget->refused);
    st = wa_instance_new(d->module, c->host->linker, &lim, a, &a->inst, err);
    a->no_suspend = a->sync_wait = false;
    if (st != WB_OK) {
        /* refused by the node's budget rather than the component's own */
        bool node_full = st == WB_LIMIT && atomic_load(&lim.budget->refused) != refused0;
        if (node_full) {
            atomic_fetch_add(&c->host->refused, 1);
            wc__event(c->host, WC_EV_LIMIT, c, wr_ctx_self(a->ctx), "start refused: %s", err->msg);
        }
        wc_fail_kind k = st == WB_TRAP    ? (strstr(err->msg, "fuel") ? WC_FAIL_FUEL : WC_FAIL_TRAP)
                         : st == WB_LIMIT ? (node_full ? WC_FAIL_LIMIT : WC_FAIL_MEMORY)
                                          : WC_FAIL_LINK;
        wc_lifecycle_fail(&a->lc, k, "%s", err->msg);
        return st;
    }
    a->f_handle = wa_instance_func(a->inst, "handle_message");
    a->f_health = d->has_health ? wa_instance_func(a->inst, "health") : NULL;
    a->f_cleanup = d->has_cleanup ? wa_instance_func(a->inst, "cleanup") : NULL;
    return WB_OK;
}

/* ---- the start: _initialize and init, as calls like any other ---------------
 * They run in fuel slices and may wait (WASI) without holding a worker: the
 * first slice runs inside the actor's init; if the start is not over by
 * then, the actor acknowledges its start later (wr_ctx_defer_start), so a
 * supervisor still starts the next child only once this one is Ready. */
static const char *const init_names[2] = {"_initialize", "init"};

static uint64_t init_budget(const wc_actor *a) {
    uint64_t b = a->comp->def->caps.limits.fuel_per_message;
    return b ? b : WC_SYNC_FUEL;
}

/* The next start call from stage `from` on, or NULL when the start is over. */
static wa_func *init_next(wc_actor *a, int from) {
    const wc_def *d = a->comp->def;
    for (a->init_stage = from; a->init_stage < 2; a->init_stage++) {
        bool has = a->init_stage == 0 ? d->has_initialize : d->has_init;
        if (has) return wa_instance_func(a->inst, init_names[a->init_stage]);
    }
    return NULL;
}

/* The component can answer: its name becomes visible, then Ready. */
static bool init_complete(wc_actor *a) {
    wb_error err;
    a->in_init = false;
    a->call = WC_CALL_NONE;
    wc_comp *c = a->comp;
    if (wr_register(wr_ctx_system(a->ctx), c->name, wr_ctx_self(a->ctx), &err) != WB_OK) {
        wc_lifecycle_fail(&a->lc, WC_FAIL_INIT, "cannot register \"%s\": %s", c->name, err.msg);
        return false;
    }
    wc_lifecycle_to(&a->lc, WC_STATE_READY, NULL);
    if (a->start_deferred) wr_ctx_started(a->ctx);
    return true;
}

/* After a slice of a start call: the next call, the end of the start, a
 * failure (lifecycle Failed, false), or more to run (*pending). */
static bool init_after(wc_actor *a, wa_run_status rs, bool *pending) {
    *pending = false;
    for (;;) {
        const char *name = init_names[a->init_stage];
        if (rs == WA_RUN_TRAP) {
            const wa_trap *t = wa_instance_trap(a->inst);
            wc_lifecycle_fail(&a->lc, wc_fail_from_trap(t->kind), "%s: %s", name, t->message);
            return false;
        }
        if (rs == WA_RUN_SUSPENDED && a->wait_failed) {
            wc_lifecycle_fail(&a->lc, WC_FAIL_TRAP, "%s: out of memory for a WASI wait", name);
            return false;
        }
        uint64_t used = wa_instance_fuel_used(a->inst) - a->call_fuel0;
        if (rs == WA_RUN_OUT_OF_FUEL && used >= init_budget(a)) {
            wc_lifecycle_fail(&a->lc, WC_FAIL_FUEL, "%s used more than %llu fuel", name,
                              (unsigned long long)init_budget(a));
            return false;
        }
        if (rs != WA_RUN_DONE) {
            *pending = true;
            return true;
        }
        wa_value r = wa_i32(0);
        if (a->init_stage == 1) wa_instance_results(a->inst, &r, 1);
        if (r.of.i32 != 0) {
            wc_lifecycle_fail(&a->lc, WC_FAIL_INIT, "init returned %d%s%s", r.of.i32,
                              a->reason[0] ? ": " : "", a->reason);
            return false;
        }
        wa_func *f = init_next(a, a->init_stage + 1);
        if (!f) return init_complete(a);
        a->call_fuel0 = wa_instance_fuel_used(a->inst);
        rs = wa_instance_call(a->inst, f, NULL, 0, WC_INIT_SLICE);
    }
}

/* Starts _initialize/init from the actor's init: WB_OK when Ready or when
 * the start goes on in later turns (kicked by a reply to itself). */
static wb_status init_begin(wc_actor *a, wb_error *err) {
    wa_func *f = init_next(a, 0);
    a->in_init = true;
    if (!f) return init_complete(a) ? WB_OK : wb_error_set(err, WB_STATE, "%s", a->lc.reason);
    a->call = WC_CALL_INIT;
    a->call_fuel0 = wa_instance_fuel_used(a->inst);
    bool pending;
    if (!init_after(a, wa_instance_call(a->inst, f, NULL, 0, WC_INIT_SLICE), &pending))
        return wb_error_set(err, WB_STATE, "%s", a->lc.reason);
    if (!pending || a->suspended) {
        if (a->suspended) { /* waiting in WASI: its wake-up is the kick */
            wr_ctx_defer_start(a->ctx);
            a->start_deferred = true;
        }
        return WB_OK;
    }
    /* Out of fuel for now: go on in the actor's next turns, ahead of any
     * message (await), after a reply it sends itself. */
    uint64_t corr = 0;
    wb_status st = wr_ctx_sleep(a->ctx, UINT64_MAX, &corr, err);
    if (st == WB_OK) st = wr_send_reply(wr_ctx_system(a->ctx), wr_ctx_self(a->ctx), corr, 0, NULL, 0, err);
    if (st != WB_OK) {
        wc_lifecycle_fail(&a->lc, WC_FAIL_INIT, "cannot continue the start: %s", err->msg);
        return st;
    }
    wr_ctx_await(a->ctx, corr);
    wr_ctx_defer_start(a->ctx);
    a->start_deferred = true;
    a->init_kick = corr;
    return WB_OK;
}

/* A later turn of the start (the kick, a redelivery after a slice, or the
 * end of a WASI wait). */
static wr_turn init_continue(wc_actor *a, wa_run_status rs) {
    bool pending;
    if (!init_after(a, rs, &pending)) {
        wr_ctx_exit(a->ctx, WR_EXIT_ERROR, a->lc.reason);
        return WR_OK;
    }
    return pending && !a->suspended ? WR_YIELD : WR_OK;
}

static wb_status actor_init(wr_ctx *ctx, void *arg) {
    wc_comp *c = arg;
    wc_actor *a = wr_ctx_state(ctx);
    wb_error err;
    a->comp = c;
    a->ctx = ctx;
    wc_lifecycle_init(&a->lc, on_transition, a);
    atomic_fetch_add(&c->incarnations, 1);
    wc__comp_set_id(c, wr_ctx_self(ctx));
    atomic_store(&c->state, WC_STATE_CREATING);
    const wc_limits *l = &c->def->caps.limits;
    wc_rate_init(&a->rate, l->send_rate, l->send_burst, wb_now_ns());
    wc_lifecycle_to(&a->lc, WC_STATE_STARTING, NULL);
    wb_status st = start_instance(a, &err);
    if (st == WB_OK) st = init_begin(a, &err);
    return st;
}

/* A message while a call is paused: the redelivered message after a fuel
 * slice, or the reply/timeout a suspended request() waits for. */
static wr_turn continue_call(wc_actor *a, const wr_msg *msg) {
    if (a->call == WC_CALL_INIT && !(msg->kind == WR_MSG_USER && msg->tag == WC_TAG_SHUTDOWN)) {
        if (!a->suspended) return init_continue(a, wa_instance_resume(a->inst, wc__slice_fuel(a)));
        if ((msg->kind == WR_MSG_REPLY || msg->kind == WR_MSG_TIMEOUT) && msg->corr == a->pending_corr) {
            a->suspended = false;
            return init_continue(a, wc__wasi_wake(a, wc__slice_fuel(a)));
        }
        return WR_OK;
    }
    if (msg->kind == WR_MSG_USER && msg->tag == WC_TAG_SHUTDOWN) { /* abandon the call */
        if (a->msg_request && !a->replied) wc__reply(a, false, WC_DEAD, NULL, 0, "component stopped");
        wc__wasi_wait_cancel(a);
        a->call = WC_CALL_NONE;
        a->suspended = a->sleeping = a->receiving = false;
        run_cleanup(a);
        wr_ctx_exit(a->ctx, WR_EXIT_SHUTDOWN, "shutdown requested");
        return WR_OK;
    }
    if (a->receiving) {
        bool resumed = false;
        wa_run_status st = wc__receive_offer(a, msg, wc__slice_fuel(a), &resumed);
        return resumed ? after_run(a, st) : WR_OK;
    }
    if (!a->suspended) return after_run(a, wa_instance_resume(a->inst, wc__slice_fuel(a)));
    if ((msg->kind == WR_MSG_REPLY || msg->kind == WR_MSG_TIMEOUT) && msg->corr == a->pending_corr) {
        a->suspended = false;
        if (a->sleeping) /* a WASI wait: the call looks again (and may wait again) */
            return after_run(a, wc__wasi_wake(a, wc__slice_fuel(a)));
        return after_run(a, wc__request_resume(a, msg, wc__slice_fuel(a)));
    }
    /* wr_ctx_await keeps other messages aside; anything else is a stray. */
    wc__event(a->comp->host, WC_EV_LATE_REPLY, a->comp, wr_ctx_self(a->ctx),
              "message kind %u ignored while waiting for a reply", msg->kind);
    return WR_OK;
}

/* A reply to a request that timed out already (the runtime hands late
 * replies to us: wr_actor_spec.late_replies): dropped, counted, an event.
 * The poller's wake-up of a WASI wait that its timer ended first is ours,
 * not the guest's: dropped silently. */
static void late_reply(wc_actor *a, const wr_msg *msg) {
    for (size_t i = 0; i < WB_ARRAY_LEN(a->waits_done); i++)
        if (a->waits_done[i] == msg->corr) return;
    atomic_fetch_add(&a->comp->late_replies, 1);
    wc__event(a->comp->host, WC_EV_LATE_REPLY, a->comp, wr_ctx_self(a->ctx),
              "%s for request %llu arrived after it was settled",
              msg->kind == WR_MSG_REPLY ? "reply" : "timeout", (unsigned long long)msg->corr);
}

static wr_turn actor_handle(wr_ctx *ctx, const wr_msg *msg) {
    wc_actor *a = wr_ctx_state(ctx);
    a->ctx = ctx;
    if (wc_state_final(a->lc.state)) return WR_OK;
    if (a->call != WC_CALL_NONE) return continue_call(a, msg);
    switch (msg->kind) {
    case WR_MSG_USER:
        if (msg->tag == WC_TAG_MESSAGE) return begin_handle(a, msg, 1);
        if (msg->tag == WC_TAG_SHUTDOWN) {
            run_cleanup(a);
            wr_ctx_exit(ctx, WR_EXIT_SHUTDOWN, "shutdown requested");
        }
        return WR_OK;
    case WR_MSG_REQUEST:
        if (msg->tag == WC_TAG_MESSAGE || msg->tag == WC__TAG_OUTSIDE_REQUEST) return begin_handle(a, msg, 2);
        if (msg->tag == WC_TAG_INVOKE) return begin_invoke(a, msg);
        if (msg->tag == WC_TAG_HEALTH) return begin_health(a, msg);
        a->msg_request = true;
        a->replied = false;
        a->req_copy = *msg;
        a->req_copy.payload = a->req_copy.meta = NULL;
        wc__reply(a, false, WC_UNSUPPORTED, NULL, 0, "unknown request tag");
        message_clear(a);
        return WR_OK;
    case WR_MSG_PUBLISH:
        return begin_handle(a, msg, 3);
    case WR_MSG_DOWN:
        return begin_down(a, msg);
    case WR_MSG_REPLY:
    case WR_MSG_TIMEOUT:
        late_reply(a, msg);
        return WR_OK;
    default:
        return WR_OK;
    }
}

static void actor_terminate(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    wc_actor *a = wr_ctx_state(ctx);
    wc_comp *c = a->comp;
    if (!c) return; /* init never ran */
    a->ctx = ctx;
    if (!wc_state_final(a->lc.state)) {
        /* A system shutdown may reach a supervised child as a kill from its
         * stopping supervisor: still a graceful stop, so cleanup runs. */
        bool graceful = why == WR_EXIT_NORMAL || why == WR_EXIT_SHUTDOWN ||
                        wr_system_stopping(wr_ctx_system(ctx));
        if (graceful) run_cleanup(a);
        else {
            char t[160];
            wc_fail_kind k = why == WR_EXIT_KILLED ? WC_FAIL_KILLED : WC_FAIL_TRAP;
            snprintf(t, sizeof t, "%s", text && *text ? text : wr_exit_kind_name(why));
            pthread_mutex_lock(&c->lock);
            if (why == WR_EXIT_KILLED && c->kill_reason[0]) { /* the host's own kill */
                k = c->kill_kind;
                snprintf(t, sizeof t, "%s", c->kill_reason);
            }
            c->kill_reason[0] = 0;
            pthread_mutex_unlock(&c->lock);
            wc_lifecycle_fail(&a->lc, k, "%s", t);
        }
    }
    if (a->msg_request && !a->replied) wc__reply(a, false, WC_DEAD, NULL, 0, "component stopped");
    message_clear(a);
    wc__wasi_wait_cancel(a);
    if (a->counted) atomic_fetch_sub(&c->host->live_instances, 1);
    a->counted = false;
    /* What was this incarnation's ends with it: its timers, its children. */
    for (uint32_t i = 0; a->timers && i < c->def->caps.limits.max_timers; i++)
        if (a->timers[i]) wr_timer_cancel(wr_ctx_system(ctx), a->timers[i]);
    free(a->timers);
    a->timers = NULL;
    free(a->monitors); /* the runtime drops an exiting actor's monitors itself */
    a->monitors = NULL;
    wc__comp_stop_children(c);
    wc_comp *sp = atomic_load(&c->spawner);
    if (sp) { /* a guest-spawned child: its places in the spawn limits, and its number */
        atomic_fetch_sub(&sp->live_children, 1);
        atomic_fetch_sub(&c->tree_root->tree_live, 1);
        unsigned hint = atomic_load(&sp->next_slot);
        while (c->slot < hint && !atomic_compare_exchange_weak(&sp->next_slot, &hint, c->slot)) {
        }
        atomic_store(&c->spawner, NULL);
        c->tree_root = NULL;
    }
    /* Free the name now, before the supervisor hears of the exit: a restart
     * with no delay must be able to register it again. */
    wr_system *sys = wr_ctx_system(ctx);
    if (wr_lookup(sys, c->name) == wr_ctx_self(ctx)) wr_unregister(sys, c->name);
    if (atomic_load(&c->id) == wr_ctx_self(ctx)) wc__comp_set_id(c, 0);
    wa_instance_unref(a->inst);
    a->inst = NULL;
    wa_wasi_free(a->wasi);
    a->wasi = NULL;
}

void wc__actor_spec(wc_comp *c, wr_actor_spec *spec) {
    memset(spec, 0, sizeof *spec);
    spec->name = c->name;
    spec->init = actor_init;
    spec->handle = actor_handle;
    spec->terminate = actor_terminate;
    spec->state_size = sizeof(wc_actor);
    const wc_limits *l = &c->def->caps.limits;
    spec->mailbox_capacity = l->mailbox_capacity;
    spec->mailbox_max_bytes = l->mailbox_bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)l->mailbox_bytes;
    spec->late_replies = true; /* counted as late-reply events (late_reply) */
    spec->mailbox_policy = l->mailbox_policy == WC_MAILBOX_DROP_NEWEST   ? WR_MAILBOX_DROP_NEWEST
                           : l->mailbox_policy == WC_MAILBOX_DROP_OLDEST ? WR_MAILBOX_DROP_OLDEST
                                                                         : WR_MAILBOX_ERROR;
}
