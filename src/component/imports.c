/* SPDX-License-Identifier: MIT */
/* The `wactor` import module: what a component may ask of its host. Every
 * call is checked against the component's capabilities and limits; a refusal
 * is a negative code to the guest (and an event), never a trap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

#define NAME_MAX_ 256
#define DEFAULT_REQUEST_TIMEOUT_MS 30000

static wc_actor *actor_of(wa_instance *inst) { return wa_instance_user_data(inst); }
static uint32_t u32(wa_value v) { return (uint32_t)v.of.i32; }

/* Copies a guest string into buf (NUL-terminated); false if out of bounds,
 * too long or holding a NUL. */
static bool guest_str(wa_instance *inst, wa_value ptr, wa_value len, char *buf, size_t cap) {
    uint32_t n = u32(len);
    if (n >= cap) return false;
    const char *p = wa_instance_mem_ptr(inst, u32(ptr), n);
    if (!p || memchr(p, 0, n)) return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

static int32_t denied(wc_actor *a, const char *fmt, const char *what) {
    atomic_fetch_add(&a->comp->denied, 1);
    wc__event(a->comp->host, WC_EV_DENIED, a->comp, wr_ctx_self(a->ctx), fmt, what);
    return WC_DENIED;
}

static bool granted(const wc_actor *a, wr_id id) {
    for (size_t i = 0; i < WB_ARRAY_LEN(a->granted); i++)
        if (a->granted[i] == id) return true;
    return false;
}

/* The component record of target (NULL: not a component, or not alive) and
 * whether our send capability covers its name. Recent targets are
 * remembered (names and capabilities never change), so repeated sends skip
 * the host's lock and the pattern match. */
static wc_comp *route_find(wc_actor *a, wr_id target, bool *permitted) {
    for (size_t i = 0; i < WB_ARRAY_LEN(a->route_id); i++) {
        wc_comp *c = a->route_comp[i];
        if (c && a->route_id[i] == target && atomic_load(&c->id) == target) {
            *permitted = a->route_permitted[i];
            return c;
        }
    }
    wc_comp *c = wc__comp_by_id(a->comp->host, target);
    *permitted = c && wc_caps_permits(&a->comp->def->caps, WC_CAP_SEND, c->name);
    if (c) {
        uint32_t k = a->route_next++ % WB_ARRAY_LEN(a->route_id);
        a->route_id[k] = target;
        a->route_comp[k] = c;
        a->route_permitted[k] = *permitted;
    }
    return c;
}

/* Checks an outgoing payload: size limits (ours and the target's), codec,
 * capability to reach `target`, and the send rate. 0 or a negative code. */
static int32_t check_send(wc_actor *a, wr_id target, const uint8_t *p, uint32_t len) {
    const wc_caps *caps = &a->comp->def->caps;
    if (!p) return WC_INVALID;
    if (len > caps->limits.max_payload) return WC_TOO_LARGE;
    wb_error err;
    wb_status st = wc_payload_check(p, len, &err);
    if (st != WB_OK) return wc_code_from_status(st);
    bool permitted = false;
    wc_comp *tc = route_find(a, target, &permitted);
    /* Nobody there: no capability is in question (and no denial recorded). */
    wr_system *sys = wr_ctx_system(a->ctx);
    if (!tc && !wr_alive(sys, target)) return wr_id_issued(sys, target) ? WC_DEAD : WC_NOT_FOUND;
    /* Answering whoever wrote to us, writing to ourselves or to a child we
     * spawned needs no grant; nor does an id we looked up with permission. */
    bool ok = target == a->msg_from || target == wr_ctx_self(a->ctx) || granted(a, target) ||
              permitted || (tc && atomic_load_explicit(&tc->spawner, memory_order_relaxed) == a->comp);
    if (!ok) {
        char what[96];
        snprintf(what, sizeof what, "%s", tc ? tc->name : "an actor that is not a component");
        return denied(a, "send to %s", what);
    }
    if (tc && len > tc->def->caps.limits.max_payload) return WC_TOO_LARGE;
    if (caps->limits.send_rate && !wc_rate_take(&a->rate, wb_now_ns())) {
        atomic_fetch_add(&a->comp->throttled, 1);
        wc__event(a->comp->host, WC_EV_THROTTLED, a->comp, wr_ctx_self(a->ctx),
                  "send rate limit (%u/s)", caps->limits.send_rate);
        return WC_THROTTLED;
    }
    return WC_OK;
}

static wa_host_status imp_self(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    res[0] = wa_i64((int64_t)wr_ctx_self(actor_of(inst)->ctx));
    return WA_HOST_OK;
}

/* A child this component spawned and that is alive (which it may always
 * reach and stop), or NULL. */
static wc_comp *own_live_child(wc_actor *a, wr_id id) {
    wc_comp *c = wc__comp_by_id(a->comp->host, id);
    return c && atomic_load_explicit(&c->spawner, memory_order_relaxed) == a->comp ? c : NULL;
}

static wa_host_status imp_lookup(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    char name[NAME_MAX_];
    if (!guest_str(inst, args[0], args[1], name, sizeof name)) {
        res[0] = wa_i64(WC_INVALID);
    } else {
        /* a group's base name resolves to one of its instances: the grant
         * is checked against the name or the instance that answers */
        const char *as = name;
        wr_id id = wc_host_lookup(a->comp->host, name, &as);
        const wc_caps *caps = &a->comp->def->caps;
        if (!wc_caps_permits(caps, WC_CAP_SEND, name) && !wc_caps_permits(caps, WC_CAP_SEND, as) &&
            !own_live_child(a, wr_lookup(wr_ctx_system(a->ctx), name))) {
            res[0] = wa_i64(denied(a, "lookup of %s", name));
            return WA_HOST_OK;
        }
        res[0] = wa_i64(id ? (int64_t)id : WC_NOT_FOUND);
        if (id && !granted(a, id)) a->granted[a->granted_next++ % WB_ARRAY_LEN(a->granted)] = id;
    }
    return WA_HOST_OK;
}

static wa_host_status imp_send(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wr_id to = (wr_id)args[0].of.i64;
    const uint8_t *p = wa_instance_mem_ptr(inst, u32(args[1]), u32(args[2]));
    int32_t code = check_send(a, to, p, u32(args[2]));
    if (code == WC_OK) {
        wb_error err;
        code = wc_code_from_status(wr_ctx_send(a->ctx, to, WC_TAG_MESSAGE, p, u32(args[2]), &err));
    }
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

static wa_host_status imp_publish(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    const wc_caps *caps = &a->comp->def->caps;
    char topic[NAME_MAX_];
    const uint8_t *p = wa_instance_mem_ptr(inst, u32(args[2]), u32(args[3]));
    uint32_t len = u32(args[3]);
    wb_error err;
    int32_t code = WC_OK;
    if (!guest_str(inst, args[0], args[1], topic, sizeof topic) || !p ||
        !wr_topic_valid(topic, false))
        code = WC_INVALID;
    else if (!wc_caps_permits(caps, WC_CAP_PUBLISH, topic))
        code = denied(a, "publish to %s", topic);
    else if (!wc__topic_declared(a->comp->host, topic)) {
        denied(a, "publish to undeclared topic %s", topic); /* counted and reported */
        code = WC_NOT_FOUND;
    } else if (len > caps->limits.max_payload)
        code = WC_TOO_LARGE;
    else if (wc_payload_check(p, len, &err) != WB_OK)
        code = wc_code_from_status(err.status);
    else if (caps->limits.send_rate && !wc_rate_take(&a->rate, wb_now_ns()))
        code = WC_THROTTLED;
    else
        code = wc_code_from_status(wr_publish(wr_ctx_system(a->ctx), wr_ctx_self(a->ctx), topic,
                                              WC_TAG_MESSAGE, p, len, NULL, &err));
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

static wa_host_status imp_subscribe(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    char pat[NAME_MAX_];
    wb_error err;
    int32_t code;
    if (!guest_str(inst, args[0], args[1], pat, sizeof pat) || wc_pattern_check(pat, &err) != WB_OK)
        code = WC_INVALID;
    /* Every topic the subscription matches must be granted: "metrics.#"
     * allows "metrics.*" and "metrics.cpu"; "metrics.*" does not allow "#". */
    else if (!wc_caps_covers(&a->comp->def->caps, WC_CAP_SUBSCRIBE, pat))
        code = denied(a, "subscribe to %s", pat);
    else
        code = wc_code_from_status(wr_subscribe(wr_ctx_system(a->ctx), wr_ctx_self(a->ctx), pat, &err));
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

static wa_host_status imp_request(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wr_id to = (wr_id)args[0].of.i64;
    uint32_t len = u32(args[2]), out = u32(args[3]), cap = u32(args[4]);
    int32_t timeout_ms = args[5].of.i32;
    const uint8_t *p = wa_instance_mem_ptr(inst, u32(args[1]), len);
    int32_t code = a->no_suspend || a->in_init ? WC_STATE : WC_OK;
    if (code == WC_OK && !wa_instance_mem_ptr(inst, out, cap)) code = WC_INVALID;
    if (code == WC_OK) code = check_send(a, to, p, len);
    uint64_t corr = 0;
    if (code == WC_OK) {
        wb_error err;
        uint64_t ms = timeout_ms > 0 ? (uint64_t)timeout_ms : DEFAULT_REQUEST_TIMEOUT_MS;
        code = wc_code_from_status(
            wr_ctx_request(a->ctx, to, WC_TAG_MESSAGE, p, len, ms * 1000000ull, &corr, &err));
    }
    if (code != WC_OK) {
        res[0] = wa_i32(code);
        return WA_HOST_OK;
    }
    /* The guest waits; its worker goes on with other actors. */
    wr_ctx_await_or(a->ctx, corr, WC_TAG_SHUTDOWN); /* a stop need not wait */
    a->pending_corr = corr;
    a->pending_out = out;
    a->pending_cap = cap;
    a->suspended = true;
    return WA_HOST_SUSPEND;
}

wa_run_status wc__request_resume(wc_actor *a, const wr_msg *msg, uint64_t fuel) {
    int32_t r;
    size_t len = 0;
    const uint8_t *b = wr_msg_bytes(msg, &len);
    if (msg->kind == WR_MSG_TIMEOUT) {
        r = WC_TIMEOUT;
    } else if (msg->tag == WC_REPLY_OK) {
        size_t n = len < a->pending_cap ? len : a->pending_cap;
        if (n) wa_instance_mem_write(a->inst, a->pending_out, b, n);
        r = len > INT32_MAX ? WC_TOO_LARGE : (int32_t)len;
    } else {
        r = WC_ERROR;
        if (len >= 4) {
            int32_t code = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                                     (uint32_t)b[3] << 24);
            if (code < 0) r = code;
        }
        /* The reason goes to out (as much as fits, NUL-terminated when there
         * is room), so a guest can tell what went wrong (docs/ABI.md). */
        size_t n = len > 4 ? len - 4 : 0;
        if (n > a->pending_cap) n = a->pending_cap;
        if (n) wa_instance_mem_write(a->inst, a->pending_out, b + 4, n);
        if (n < a->pending_cap) wa_instance_mem_write(a->inst, a->pending_out + (uint32_t)n, "", 1);
    }
    wa_value v = wa_i32(r);
    return wa_instance_resume_host(a->inst, &v, 1, fuel);
}

static wa_host_status imp_receive(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    int32_t timeout_ms = args[0].of.i32;
    uint32_t dst = u32(args[1]), cap = u32(args[2]), sender = u32(args[3]);
    int32_t code = a->no_suspend || a->in_init ? WC_STATE : WC_OK;
    if (code == WC_OK && (!wa_instance_mem_ptr(inst, dst, cap) || !wa_instance_mem_ptr(inst, sender, 8)))
        code = WC_INVALID;
    if (code == WC_OK) {
        uint64_t ms = timeout_ms > 0 ? (uint64_t)timeout_ms : DEFAULT_REQUEST_TIMEOUT_MS;
        uint64_t seq = ++a->recv_seq;
        wb_error err;
        wr_id self = wr_ctx_self(a->ctx);
        code = wc_code_from_status(wr_send_after(wr_ctx_system(a->ctx), self, self, ms * 1000000ull,
                                                 WC_TAG_RECV_TIMEOUT, &seq, sizeof seq, &a->recv_timer, &err));
    }
    if (code != WC_OK) {
        res[0] = wa_i32(code);
        return WA_HOST_OK;
    }
    a->receiving = true;
    a->recv_dst = dst;
    a->recv_cap = cap;
    a->recv_sender = sender;
    return WA_HOST_SUSPEND;
}

wa_run_status wc__receive_offer(wc_actor *a, const wr_msg *msg, uint64_t fuel, bool *resumed) {
    *resumed = false;
    size_t len = 0;
    const uint8_t *b = wr_msg_bytes(msg, &len);
    int32_t r;
    if (msg->kind == WR_MSG_USER && msg->tag == WC_TAG_RECV_TIMEOUT) {
        uint64_t seq = 0;
        if (len == sizeof seq) memcpy(&seq, b, sizeof seq);
        if (seq != a->recv_seq) return WA_RUN_SUSPENDED; /* an old timer */
        r = WC_TIMEOUT;
    } else if ((msg->kind == WR_MSG_USER && msg->tag == WC_TAG_MESSAGE) || msg->kind == WR_MSG_PUBLISH) {
        wr_timer_cancel(wr_ctx_system(a->ctx), a->recv_timer);
        size_t n = len < a->recv_cap ? len : a->recv_cap;
        if (n) wa_instance_mem_write(a->inst, a->recv_dst, b, n);
        int64_t from = (int64_t)msg->from;
        wa_instance_mem_write(a->inst, a->recv_sender, &from, sizeof from); /* wasm is little-endian */
        r = len > INT32_MAX ? WC_TOO_LARGE : (int32_t)len;
    } else {
        if (msg->kind == WR_MSG_REQUEST) { /* cannot be answered from inside receive() */
            wb_buf *e = wc__error_payload(WC_STATE, "component is waiting in receive()");
            wb_error err;
            if (e) wr_ctx_reply(a->ctx, msg, WC_REPLY_ERROR, e->data, e->len, &err);
            wb_buf_unref(e);
        }
        return WA_RUN_SUSPENDED;
    }
    a->receiving = false;
    *resumed = true;
    wa_value v = wa_i32(r);
    return wa_instance_resume_host(a->inst, &v, 1, fuel);
}

static wa_host_status imp_reply(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    uint32_t len = u32(args[2]);
    const uint8_t *p = wa_instance_mem_ptr(inst, u32(args[1]), len);
    wb_error err;
    int32_t code = WC_OK;
    if (!p) code = WC_INVALID;
    else if (!a->msg_request || a->replied || (uint64_t)args[0].of.i64 != a->req_copy.corr) code = WC_STATE;
    else if (len > a->comp->def->caps.limits.max_payload) code = WC_TOO_LARGE;
    else if (wc_payload_check(p, len, &err) != WB_OK) code = wc_code_from_status(err.status);
    else code = wc_code_from_status(wc__reply(a, true, 0, p, len, NULL));
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

/* Copies min(cap, len) bytes to guest memory at dst; the count. */
static int32_t copy_out(wa_instance *inst, const uint8_t *data, size_t len, wa_value dst,
                        wa_value cap) {
    size_t n = u32(cap) < len ? u32(cap) : len;
    if (!wa_instance_mem_ptr(inst, u32(dst), n)) return WC_INVALID;
    if (n) wa_instance_mem_write(inst, u32(dst), data, n);
    return (int32_t)n;
}

static wa_host_status imp_msg_read(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    const wc_actor *a = actor_of(inst);
    res[0] = wa_i32(copy_out(inst, a->msg_data, a->msg_len, args[0], args[1]));
    return WA_HOST_OK;
}

static wa_host_status imp_msg_topic(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    const wb_buf *t = actor_of(inst)->msg_topic;
    res[0] = wa_i32(copy_out(inst, t ? t->data : NULL, t ? t->len : 0, args[0], args[1]));
    return WA_HOST_OK;
}

/* A guest-spawned instance is named "<spawner>/<def>#<n>", n the lowest
 * number that no live child of this spawner and definition holds (so a
 * spawner that keeps replacing its children reuses their records instead of
 * making new ones). The slashes in a name count its generation: past this
 * depth (or a name too long to build) the spawn is denied. */
#define SPAWN_DEPTH_MAX_ 16

static unsigned spawn_depth(const char *name) {
    unsigned d = 0;
    for (; *name; name++) d += *name == '/';
    return d;
}

/* Takes one place among the spawner's live children and one in its spawn
 * tree; false (nothing taken) when either limit is reached. */
static bool spawn_admit(wc_actor *a, wc_comp **root_out) {
    wc_comp *sp = a->comp;
    wc_host *h = sp->host;
    /* The node's budgets first (the child's start checks them again). */
    if ((h->max_instances && atomic_load(&h->live_instances) >= h->max_instances) ||
        (h->mem_budget.max && wa_budget_used(&h->mem_budget) >= h->mem_budget.max))
        return false;
    wc_comp *root = sp->tree_root ? sp->tree_root : sp;
    const wc_limits *l = &sp->def->caps.limits, *rl = &root->def->caps.limits;
    if (atomic_fetch_add(&sp->live_children, 1) >= l->spawn_children) {
        atomic_fetch_sub(&sp->live_children, 1);
        return false;
    }
    if (atomic_fetch_add(&root->tree_live, 1) >= rl->spawn_total) {
        atomic_fetch_sub(&root->tree_live, 1);
        atomic_fetch_sub(&sp->live_children, 1);
        return false;
    }
    *root_out = root;
    return true;
}

static int64_t spawn_refused(wc_actor *a, const char *def_name) {
    wc_comp *sp = a->comp;
    wc_host *h = sp->host;
    atomic_fetch_add(&h->refused, 1);
    wc__event(h, WC_EV_LIMIT, sp, wr_ctx_self(a->ctx),
              "spawn of %s refused: %u live children (limit %u), spawn tree limit %u, node: %u instances "
              "(limit %u), %llu bytes (limit %llu)",
              def_name, atomic_load(&sp->live_children), sp->def->caps.limits.spawn_children,
              (sp->tree_root ? sp->tree_root : sp)->def->caps.limits.spawn_total,
              atomic_load(&h->live_instances), h->max_instances,
              (unsigned long long)wa_budget_used(&h->mem_budget), (unsigned long long)h->mem_budget.max);
    return WC_LIMIT;
}

/* Records a spawn tree may make (4 per live instance it may hold): past
 * them a spawn must take a stopped child's record, so that spawning and
 * stopping children for ever holds a bounded amount of host memory. */
#define SPAWN_RECORDS_PER_LIVE_ 4u

/* Creates the child's record under the first free "<spawner>/<def>#<n>",
 * from the lowest number a child may have freed on. */
static wb_status spawn_record(wc_actor *a, wc_def *d, const char *def_name, wc_comp *root, wc_comp **out,
                              wb_error *err) {
    char name[NAME_MAX_ + 80];
    wc_comp *sp = a->comp;
    uint64_t max = (uint64_t)sp->def->caps.limits.spawn_children * SPAWN_RECORDS_PER_LIVE_;
    uint64_t records = (uint64_t)root->def->caps.limits.spawn_total * SPAWN_RECORDS_PER_LIVE_;
    for (uint32_t n = atomic_load(&sp->next_slot); n < max; n++) {
        if (snprintf(name, sizeof name, "%s/%s#%u", sp->name, def_name, n) >= (int)sizeof name)
            return wb_error_set(err, WB_DENIED, "name too long");
        bool created = atomic_load(&root->tree_records) < records;
        wb_status st = wc__comp_new(sp->host, d, name, NULL, &created, out, err);
        if (st == WB_EXISTS || (st == WB_LIMIT && n + 1 < max)) continue;
        if (st != WB_OK) return st;
        if (created) {
            atomic_fetch_add(&root->tree_records, 1);
            wc__comp_adopt(sp, *out);
        }
        (*out)->slot = n;
        atomic_store(&sp->next_slot, n + 1);
        return WB_OK;
    }
    return wb_error_set(err, WB_LIMIT, "no free child record");
}

static wa_host_status imp_spawn(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wc_host *h = a->comp->host;
    char def_name[NAME_MAX_];
    wc_def *d = NULL;
    wc_comp *root = NULL;
    int64_t r;
    if (!guest_str(inst, args[0], args[1], def_name, sizeof def_name)) r = WC_INVALID;
    else if (!a->comp->def->caps.spawn) r = denied(a, "spawn of %s", def_name);
    else if (!(d = wc__def_find(h, def_name))) r = WC_NOT_FOUND;
    else if (spawn_depth(a->comp->name) >= SPAWN_DEPTH_MAX_)
        r = denied(a, "spawn of %s beyond the spawn depth limit", def_name);
    else if (!spawn_admit(a, &root)) r = spawn_refused(a, def_name);
    else {
        wc_comp *c = NULL;
        wb_error err;
        wr_id id = 0;
        wb_status st = spawn_record(a, d, def_name, root, &c, &err);
        if (st == WB_OK) {
            atomic_store(&c->spawner, a->comp); /* released by the child's terminate (actor.c) */
            c->tree_root = root;
            st = wr_ctx_spawn(a->ctx, &c->spec, c, 0, &id, NULL, &err);
            if (st != WB_OK) {
                atomic_store(&c->spawner, NULL);
                c->tree_root = NULL;
            }
        }
        if (st == WB_OK) wc__comp_claim_id(c, id); /* the spawner may message it at once */
        if (st != WB_OK) { /* give the places back */
            atomic_fetch_sub(&a->comp->live_children, 1);
            atomic_fetch_sub(&root->tree_live, 1);
        }
        r = st == WB_OK ? (int64_t)id : st == WB_LIMIT ? WC_LIMIT : wc_code_from_status(st);
    }
    res[0] = wa_i64(r);
    return WA_HOST_OK;
}

/* ---- children, timers, monitors ----------------------------------------------- */
static wa_host_status imp_stop(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wr_id id = (wr_id)args[0].of.i64;
    int32_t code;
    wb_error err;
    if (own_live_child(a, id)) code = wc_code_from_status(wc_stop(a->comp->host, id, &err));
    else if (!wr_alive(wr_ctx_system(a->ctx), id)) code = wr_id_issued(wr_ctx_system(a->ctx), id) ? WC_DEAD : WC_NOT_FOUND;
    else code = denied(a, "stop of %s", "a component it did not spawn");
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

static wa_host_status imp_unsubscribe(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    char pat[NAME_MAX_];
    int32_t code = WC_INVALID;
    if (guest_str(inst, args[0], args[1], pat, sizeof pat))
        code = wc_code_from_status(wr_unsubscribe(wr_ctx_system(a->ctx), wr_ctx_self(a->ctx), pat));
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

/* The timers of this incarnation still to fire, in a table of max_timers:
 * a full table is first swept of those that fired. */
static int32_t timer_keep(wc_actor *a, uint64_t id) {
    uint32_t max = a->comp->def->caps.limits.max_timers;
    if (!a->timers && !(a->timers = calloc(max, sizeof *a->timers))) return WC_NOMEM;
    wr_system *sys = wr_ctx_system(a->ctx);
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < max; i++) {
            if (a->timers[i] && (pass == 0 || wr_timer_pending(sys, a->timers[i]))) continue;
            a->timers[i] = id;
            return WC_OK;
        }
    }
    return WC_LIMIT;
}

static wa_host_status imp_send_after(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wr_id to = (wr_id)args[0].of.i64;
    int32_t ms = args[1].of.i32;
    uint32_t len = u32(args[3]);
    const uint8_t *p = wa_instance_mem_ptr(inst, u32(args[2]), len);
    int64_t r = ms < 0 ? WC_INVALID : check_send(a, to, p, len);
    uint64_t timer = 0;
    wb_error err;
    if (r == WC_OK)
        r = wc_code_from_status(wr_send_after(wr_ctx_system(a->ctx), wr_ctx_self(a->ctx), to,
                                              (uint64_t)ms * 1000000ull, WC_TAG_MESSAGE, p, len, &timer, &err));
    if (r == WC_OK && (r = timer_keep(a, timer)) != WC_OK) { /* no room to track it: not kept */
        wr_timer_cancel(wr_ctx_system(a->ctx), timer);
        if (r == WC_LIMIT) {
            atomic_fetch_add(&a->comp->host->refused, 1);
            wc__event(a->comp->host, WC_EV_LIMIT, a->comp, wr_ctx_self(a->ctx),
                      "send_after refused: %u timers pending", a->comp->def->caps.limits.max_timers);
        }
    }
    res[0] = wa_i64(r == WC_OK ? (int64_t)timer : r);
    return WA_HOST_OK;
}

static wa_host_status imp_cancel_timer(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    uint64_t id = (uint64_t)args[0].of.i64;
    int32_t code = WC_NOT_FOUND;
    for (uint32_t i = 0; id && a->timers && i < a->comp->def->caps.limits.max_timers; i++) {
        if (a->timers[i] != id) continue; /* only its own timers */
        a->timers[i] = 0;
        code = wr_timer_cancel(wr_ctx_system(a->ctx), id) == WB_OK ? WC_OK : WC_NOT_FOUND;
    }
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

/* monitor(target): a DOWN message (kind 4: sender the target, correlation
 * the returned reference, payload the raw reason) when the target ends. The
 * target is anything the component may send to. */
static wa_host_status imp_monitor(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    wr_id to = (wr_id)args[0].of.i64;
    static const uint8_t probe[1] = {0x55}; /* the send check wants a payload */
    int64_t r = check_send(a, to, probe, 1);
    uint64_t ref = 0;
    wb_error err;
    uint32_t max = a->comp->def->caps.limits.max_monitors, slot = max;
    if ((r == WC_OK || r == WC_DEAD) && !a->monitors && !(a->monitors = calloc(max, sizeof *a->monitors)))
        r = WC_NOMEM;
    for (uint32_t i = 0; (r == WC_OK || r == WC_DEAD) && i < max && slot == max; i++)
        if (!a->monitors[i]) slot = i;
    if ((r == WC_OK || r == WC_DEAD) && slot == max) { /* max_monitors watched already */
        atomic_fetch_add(&a->comp->host->refused, 1);
        wc__event(a->comp->host, WC_EV_LIMIT, a->comp, wr_ctx_self(a->ctx), "monitor refused: %u monitors", max);
        r = WC_LIMIT;
    }
    if (r == WC_OK || r == WC_DEAD) /* a dead target: DOWN (noproc) at once, as Erlang does */
        r = wc_code_from_status(wr_ctx_monitor(a->ctx, to, &ref, &err));
    if (r == WC_OK) a->monitors[slot] = ref;
    res[0] = wa_i64(r == WC_OK ? (int64_t)ref : r);
    return WA_HOST_OK;
}

/* Forgets a monitor of the table (its DOWN came, or demonitor); false if
 * it is not one of ours. */
bool wc__monitor_forget(wc_actor *a, uint64_t ref) {
    for (uint32_t i = 0; ref && a->monitors && i < a->comp->def->caps.limits.max_monitors; i++)
        if (a->monitors[i] == ref) {
            a->monitors[i] = 0;
            return true;
        }
    return false;
}

static wa_host_status imp_demonitor(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    uint64_t ref = (uint64_t)args[0].of.i64;
    int32_t code = WC_NOT_FOUND;
    if (wc__monitor_forget(a, ref)) { /* only its own monitors */
        wr_ctx_demonitor(a->ctx, ref);
        code = WC_OK;
    }
    res[0] = wa_i32(code);
    return WA_HOST_OK;
}

static wa_host_status imp_log(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    uint32_t len = u32(args[2]);
    if (len > 1000) len = 1000;
    const char *p = wa_instance_mem_ptr(inst, u32(args[1]), len);
    if (!p) return WA_HOST_OK;
    wb_log_level lvl = args[0].of.i32 <= 0 ? WB_LOG_ERROR : args[0].of.i32 == 1 ? WB_LOG_WARN
                     : args[0].of.i32 == 2 ? WB_LOG_INFO : WB_LOG_DEBUG;
    wc__event(a->comp->host, WC_EV_LOG, a->comp, wr_ctx_self(a->ctx), "%.*s", (int)len, p);
    /* With an event callback the embedder shows logs; else stderr does. */
    if (!a->comp->host->on_event && wb_log_enabled(lvl)) wb_log(lvl, "[%s] %.*s", a->comp->name, (int)len, p);
    return WA_HOST_OK;
}

static wa_host_status imp_now_ns(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    res[0] = wa_i64((int64_t)wb_now_ns());
    return WA_HOST_OK;
}

static wa_host_status imp_set_reason(wa_instance *inst, const wa_value *args, wa_value *res, void *ud) {
    wc_actor *a = actor_of(inst);
    uint32_t len = u32(args[1]);
    if (len >= sizeof a->reason) len = sizeof a->reason - 1;
    const char *p = wa_instance_mem_ptr(inst, u32(args[0]), len);
    if (!p) return WA_HOST_OK;
    memcpy(a->reason, p, len);
    a->reason[len] = 0;
    return WA_HOST_OK;
}

#define I32 WA_I32
#define I64 WA_I64
static const struct {
    const char *name;
    wa_host_fn fn;
    uint8_t np, nr;
    wa_valtype params[6], results[1];
} imports[] = {
    {"self", imp_self, 0, 1, {0}, {I64}},
    {"lookup", imp_lookup, 2, 1, {I32, I32}, {I64}},
    {"send", imp_send, 3, 1, {I64, I32, I32}, {I32}},
    {"publish", imp_publish, 4, 1, {I32, I32, I32, I32}, {I32}},
    {"subscribe", imp_subscribe, 2, 1, {I32, I32}, {I32}},
    {"request", imp_request, 6, 1, {I64, I32, I32, I32, I32, I32}, {I32}},
    {"reply", imp_reply, 3, 1, {I64, I32, I32}, {I32}},
    {"receive", imp_receive, 4, 1, {I32, I32, I32, I32}, {I32}},
    {"msg_read", imp_msg_read, 2, 1, {I32, I32}, {I32}},
    {"msg_topic", imp_msg_topic, 2, 1, {I32, I32}, {I32}},
    {"spawn", imp_spawn, 2, 1, {I32, I32}, {I64}},
    {"log", imp_log, 3, 0, {I32, I32, I32}, {0}},
    {"now_ns", imp_now_ns, 0, 1, {0}, {I64}},
    {"set_reason", imp_set_reason, 2, 0, {I32, I32}, {0}},
    {"stop", imp_stop, 1, 1, {I64}, {I32}},
    {"unsubscribe", imp_unsubscribe, 2, 1, {I32, I32}, {I32}},
    {"send_after", imp_send_after, 4, 1, {I64, I32, I32, I32}, {I64}},
    {"cancel_timer", imp_cancel_timer, 1, 1, {I64}, {I32}},
    {"monitor", imp_monitor, 1, 1, {I64}, {I64}},
    {"demonitor", imp_demonitor, 1, 1, {I64}, {I32}},
};
#undef I32
#undef I64

bool wc__import_known(const char *name, const wa_functype *ft) {
    for (size_t i = 0; i < WB_ARRAY_LEN(imports); i++) {
        if (strcmp(imports[i].name, name)) continue;
        if (ft->nparams != imports[i].np || ft->nresults != imports[i].nr) return false;
        for (uint32_t k = 0; k < ft->nparams; k++)
            if (ft->params[k] != imports[i].params[k]) return false;
        for (uint32_t k = 0; k < ft->nresults; k++)
            if (ft->results[k] != imports[i].results[k]) return false;
        return true;
    }
    return false;
}

wb_status wc__imports_define(wa_linker *l, wb_error *err) {
    for (size_t i = 0; i < WB_ARRAY_LEN(imports); i++) {
        wb_status st = wa_linker_define_func(l, "wactor", imports[i].name, imports[i].params,
                                             imports[i].np, imports[i].results, imports[i].nr,
                                             imports[i].fn, NULL);
        if (st != WB_OK) return wb_error_set(err, st, "cannot define wactor.%s", imports[i].name);
    }
    return WB_OK;
}
