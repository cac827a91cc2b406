/* SPDX-License-Identifier: MIT */
/* libFuzzer target: message delivery in the actor runtime. Each input is a
 * short script run on a fresh wr_system (1 or 2 workers): the driver thread
 * spawns native actors (varied mailbox bounds and policies, inits that fail
 * or exit), sends to live, dead and never-issued ids, sends actors commands
 * they run in their handlers (send, request, sleep, await, link, monitor,
 * trap exits, exit with each kind, spawn children, yield, publish,
 * subscribe, register, forward a command), starts supervisors with
 * children, kills and restarts them, and uses the registry, broker, timers
 * and event stream from outside.
 *
 * Checked: a handler only sees messages for its own incarnation, with intact
 * payloads and expected tags; a REPLY or TIMEOUT only for an open request
 * (never both), a DOWN only for a live monitor; sends to never-issued ids
 * fail with WB_DEAD; wr_system_shutdown returns, after which no actor is
 * alive, spawned == exited, and every init of ours met exactly one
 * terminate. Work per input is bounded (ops, sizes, delays, a 20 ms drain). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wactor/rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz_rt: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                         \
        }                                                                    \
    } while (0)

#define MS 1000000ull
#define NSLOT 8
#define MAX_OPS 40
#define MAX_SIZE 70000
#define TAG_DATA 0xDA7A0000u
#define TAG_CMD 0xC0DE0000u
#define TAG_REQ 0x0E9E0000u /* | 1: the receiver does not answer */
#define TAG_REPLY 0x0E9E0002u

static const size_t sizes[] = {0, 1, 31, 32, 33, 1000, MAX_SIZE};
static const char *const topics[] = {"a", "a.b", "a.b.c", "x.y", "a.#.b", ""};
static const char *const patterns[] = {"a", "a.*", "a.#", "#", "*.y", "x.y", "a.#.b", ""};
static const char *const names[] = {"n0", "n1", "n2", "n3"};
static const char *const kid_names[] = {"c0", "c1", "c2", "n", "x0", "x1"};

/* ---- per input state ------------------------------------------------------ */
enum { INIT_OK, INIT_FAIL, INIT_EXIT, INIT_FLAKY, INIT_MODES };

typedef struct fz fz;
typedef struct spawn_arg {
    fz *z;
    int mode;
} spawn_arg;

struct fz {
    wr_system *sys;
    _Atomic uint64_t inits, terms, flaky;
    spawn_arg args[INIT_MODES];
    /* driver thread only */
    wr_id ids[NSLOT];
    unsigned next_slot;
    wr_id sups[2];
    unsigned nsups;
    wr_actor_spec kid_actor[2][4];
    wr_child_spec kids[2][4], nested_kid[2], extra;
    wr_sup_spec sup_spec[2], nested[2];
    uint64_t timers[8];
    unsigned ntimers;
    const uint8_t *p;
    size_t left;
};

static uint8_t take8(fz *z) {
    if (!z->left) return 0;
    z->left--;
    return *z->p++;
}

static void fill(uint8_t *b, size_t len) {
    for (size_t i = 0; i < len; i++) b[i] = (uint8_t)(i * 7 + len);
}

static bool intact(const uint8_t *b, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (b[i] != (uint8_t)(i * 7 + len)) return false;
    return true;
}

/* ---- the actor -------------------------------------------------------------- */
typedef struct act {
    fz *z;
    uint64_t corr[8]; /* open requests and sleeps */
    uint64_t mon[8];  /* monitor refs */
    uint8_t ncorr, nmon, yields;
} act;

static bool take_ref(uint64_t *list, uint8_t *n, uint64_t ref) {
    for (uint8_t i = 0; i < *n; i++) {
        if (list[i] == ref) {
            list[i] = list[--*n];
            return true;
        }
    }
    return false;
}

static wb_status a_init(wr_ctx *ctx, void *arg) {
    spawn_arg *sa = arg;
    act *s = wr_ctx_state(ctx);
    s->z = sa->z;
    atomic_fetch_add(&sa->z->inits, 1);
    if (sa->mode == INIT_FAIL) return WB_INVALID_ARG;
    if (sa->mode == INIT_FLAKY && atomic_fetch_add(&sa->z->flaky, 1) % 2 == 0) return WB_IO;
    if (sa->mode == INIT_EXIT) wr_ctx_exit(ctx, WR_EXIT_NORMAL, "done at init");
    return WB_OK;
}

static void a_term(wr_ctx *ctx, wr_exit_kind why, const char *text) {
    act *s = wr_ctx_state(ctx);
    CHECK(s->z != NULL && why <= WR_EXIT_NOPROC && text != NULL);
    atomic_fetch_add(&s->z->terms, 1);
}

static wr_actor_spec actor_spec(uint8_t b);

/* A payload of sizes[k], filled; sent as a buffer (the big ones) or inline. */
static wb_status send_data(wr_ctx *ctx, wr_id to, unsigned k) {
    size_t len = sizes[k % WB_ARRAY_LEN(sizes)];
    wb_buf *buf = wb_buf_new(len);
    if (!buf) return WB_NOMEM;
    fill(buf->data, len);
    if (len > 100) return wr_ctx_send_buf(ctx, to, TAG_DATA, buf, NULL);
    wb_status st = wr_ctx_send(ctx, to, TAG_DATA, buf->data, len, NULL);
    wb_buf_unref(buf);
    return st;
}

enum {
    C_SEND, C_REQUEST, C_SLEEP, C_LINK, C_UNLINK, C_MONITOR, C_DEMONITOR, C_TRAP, C_EXIT,
    C_SPAWN, C_YIELD, C_PUBLISH, C_SUBSCRIBE, C_REGISTER, C_FORWARD, C_KILL, C_COUNT
};
#define CMD_SIZE 10 /* op, arg, target (u64 LE) */

static wr_id cmd_target(const uint8_t *b) {
    wr_id t = 0;
    for (int i = 0; i < 8; i++) t |= (wr_id)b[2 + i] << (8 * i);
    return t;
}

static void cmd_request(wr_ctx *ctx, act *s, uint8_t arg, wr_id target) {
    static const uint64_t timeouts[] = {0, 1 * MS, 3 * MS};
    if (s->ncorr == 8) return;
    uint8_t data[33];
    fill(data, sizeof data);
    uint64_t corr = 0;
    /* A request whose send failed stays open too: its TIMEOUT still comes. */
    wr_ctx_request(ctx, target, TAG_REQ | (arg & 1), data, sizeof data, timeouts[(arg >> 1) % 3],
                   &corr, NULL);
    if (!corr) return;
    s->corr[s->ncorr++] = corr;
    if (arg & 8) wr_ctx_await_or(ctx, corr, (arg & 16) ? TAG_DATA : 0);
}

static void cmd_sleep(wr_ctx *ctx, act *s, uint8_t arg) {
    static const uint64_t naps[] = {0, 1 * MS, 2 * MS, UINT64_MAX};
    uint64_t corr = 0;
    if (s->ncorr == 8 || wr_ctx_sleep(ctx, naps[arg % 4], &corr, NULL) != WB_OK) return;
    s->corr[s->ncorr++] = corr;
    if (arg & 4) wr_ctx_await(ctx, corr);
}

static void cmd_spawn(wr_ctx *ctx, act *s, uint8_t arg) {
    wr_actor_spec spec = actor_spec((uint8_t)(arg * 37));
    unsigned flags = (arg >> 2) & 3;
    if ((flags & WR_SPAWN_MONITOR) && s->nmon == 8) flags &= ~(unsigned)WR_SPAWN_MONITOR;
    uint64_t ref = 0;
    wr_id id;
    if (wr_ctx_spawn(ctx, &spec, &s->z->args[arg % INIT_MODES], flags, &id, &ref, NULL) == WB_OK &&
        (flags & WR_SPAWN_MONITOR))
        s->mon[s->nmon++] = ref;
}

/* Runs one command; FORWARD hands the rest of the payload on as a command. */
static wr_turn run_cmd(wr_ctx *ctx, act *s, const uint8_t *b, size_t len) {
    CHECK(len >= CMD_SIZE);
    uint8_t op = b[0] % C_COUNT, arg = b[1];
    wr_id t = cmd_target(b), self = wr_ctx_self(ctx);
    wr_system *sys = wr_ctx_system(ctx);
    uint64_t ref = 0;
    switch (op) {
    case C_SEND: send_data(ctx, arg & 1 ? self : t, arg >> 1); break;
    case C_REQUEST: cmd_request(ctx, s, arg, t); break;
    case C_SLEEP: cmd_sleep(ctx, s, arg); break;
    case C_LINK: wr_ctx_link(ctx, t, NULL); break;
    case C_UNLINK: wr_ctx_unlink(ctx, t); break;
    case C_MONITOR:
        if (s->nmon < 8 && wr_ctx_monitor(ctx, t, &ref, NULL) == WB_OK) s->mon[s->nmon++] = ref;
        break;
    case C_DEMONITOR:
        if (s->nmon) wr_ctx_demonitor(ctx, s->mon[--s->nmon]);
        break;
    case C_TRAP: wr_ctx_trap_exit(ctx, arg & 1); break;
    case C_EXIT: wr_ctx_exit(ctx, (wr_exit_kind)(arg % 5), arg & 8 ? "fuzz exit" : NULL); break;
    case C_SPAWN: cmd_spawn(ctx, s, arg); break;
    case C_YIELD:
        if (s->yields < arg % 4) {
            s->yields++;
            return WR_YIELD; /* the same message comes back */
        }
        s->yields = 0;
        break;
    case C_PUBLISH: {
        uint8_t data[32];
        fill(data, sizeof data);
        wr_publish(sys, self, topics[arg % WB_ARRAY_LEN(topics)], TAG_DATA, data, sizeof data,
                   NULL, NULL);
        break;
    }
    case C_SUBSCRIBE: wr_subscribe(sys, self, patterns[arg % WB_ARRAY_LEN(patterns)], NULL); break;
    case C_REGISTER: wr_register(sys, names[arg % 4], arg & 4 ? t : self, NULL); break;
    case C_FORWARD:
        if (len >= 2 * CMD_SIZE) wr_ctx_send(ctx, t, TAG_CMD, b + CMD_SIZE, len - CMD_SIZE, NULL);
        break;
    case C_KILL: wr_exit(sys, self, t, (wr_exit_kind)(arg % 5), "killed by a peer", NULL); break;
    }
    return WR_OK;
}

static wr_turn a_handle(wr_ctx *ctx, const wr_msg *m) {
    act *s = wr_ctx_state(ctx);
    CHECK(s->z != NULL && m->to == wr_ctx_self(ctx)); /* never a successor's mail */
    size_t len = 0;
    const uint8_t *b = wr_msg_bytes(m, &len);
    wr_event ev;
    switch (m->kind) {
    case WR_MSG_USER:
        if (m->tag == TAG_CMD) return run_cmd(ctx, s, b, len);
        CHECK(m->tag == TAG_DATA && intact(b, len));
        break;
    case WR_MSG_REQUEST:
        CHECK((m->tag & ~1u) == TAG_REQ && intact(b, len));
        if (!(m->tag & 1)) wr_ctx_reply(ctx, m, TAG_REPLY, b, len, NULL);
        break;
    case WR_MSG_REPLY:
        CHECK(m->tag == TAG_REPLY && intact(b, len));
        CHECK(take_ref(s->corr, &s->ncorr, m->corr)); /* one answer per open request */
        break;
    case WR_MSG_TIMEOUT: CHECK(take_ref(s->corr, &s->ncorr, m->corr)); break;
    case WR_MSG_EXIT: CHECK(m->tag <= WR_EXIT_NOPROC); break;
    case WR_MSG_DOWN: CHECK(m->tag <= WR_EXIT_NOPROC && take_ref(s->mon, &s->nmon, m->corr)); break;
    case WR_MSG_PUBLISH:
        CHECK(m->tag == TAG_DATA && intact(b, len) && wr_topic_valid(wr_msg_topic(m), false));
        break;
    case WR_MSG_EVENT: CHECK(wr_msg_event(m, &ev) && ev.type < WR_EV_COUNT_); break;
    default: CHECK(!"unexpected message kind");
    }
    return WR_OK;
}

/* Byte b: bits 0-1 message bound, 2 byte bound, 3-4 policy, 5-6 budget. */
static wr_actor_spec actor_spec(uint8_t b) {
    static const uint32_t caps[] = {0, 2, 8, 0};
    wr_actor_spec s;
    memset(&s, 0, sizeof s);
    s.name = "fuzz";
    s.init = a_init;
    s.handle = a_handle;
    s.terminate = a_term;
    s.state_size = sizeof(act);
    s.mailbox_capacity = caps[b & 3];
    s.mailbox_max_bytes = (b & 4) ? 4096 : 0;
    s.mailbox_policy = (enum wr_mailbox_policy)((b >> 3) & 3);
    s.budget = (b >> 5) & 3;
    return s;
}

/* ---- the driver ------------------------------------------------------------------ */
/* Targets: the slots (live, dead or empty), never-issued ids, supervisors
 * and their children. */
static wr_id pick(fz *z, uint8_t b, bool *never) {
    *never = false;
    unsigned k = b % 12;
    if (k < NSLOT) return z->ids[k];
    if (k == 8 || k == 9) {
        *never = true; /* a generation never used, or a slot past the table */
        wr_id base = z->ids[b % NSLOT];
        return k == 8 && base ? base + ((wr_id)0x10000 << 32) : ((wr_id)1 << 32) | 0x3FFFFF;
    }
    wr_id sup = z->nsups ? z->sups[b % z->nsups] : 0;
    if (k == 10 || !sup) return sup;
    return wr_supervisor_child(z->sys, sup, kid_names[(b >> 4) % 4]);
}

static wr_id pick_t(fz *z) {
    bool never;
    return pick(z, take8(z), &never);
}

static void op_spawn(fz *z) {
    wr_actor_spec spec = actor_spec(take8(z));
    uint8_t m = take8(z);
    wr_id id = 0;
    if (wr_spawn(z->sys, &spec, &z->args[m % INIT_MODES], &id, NULL) == WB_OK) {
        CHECK(id != WR_NONE);
        z->ids[z->next_slot++ % NSLOT] = id;
    }
}

static void op_send(fz *z) {
    static uint8_t buf[MAX_SIZE];
    bool never;
    wr_id to = pick(z, take8(z), &never);
    size_t len = sizes[take8(z) % WB_ARRAY_LEN(sizes)];
    fill(buf, len);
    wb_status st = wr_send(z->sys, to, TAG_DATA, buf, len, NULL);
    CHECK(!never || st == WB_DEAD);
    if (to == WR_NONE) CHECK(st == WB_DEAD);
}

/* A command, or a FORWARD chain of up to three. */
static void op_cmd(fz *z) {
    uint8_t buf[3 * CMD_SIZE];
    size_t len = 0;
    wr_id to = pick_t(z);
    for (int hop = 0; hop < 3; hop++) {
        uint8_t *c = buf + len;
        c[0] = take8(z);
        c[1] = take8(z);
        wr_id t = pick_t(z);
        for (int i = 0; i < 8; i++) c[2 + i] = (uint8_t)(t >> (8 * i));
        len += CMD_SIZE;
        if (c[0] % C_COUNT != C_FORWARD) break;
    }
    wr_send(z->sys, to, TAG_CMD, buf, len, NULL);
}

static void op_exit(fz *z) {
    bool never;
    wr_id to = pick(z, take8(z), &never);
    uint8_t b = take8(z);
    wr_id from = b & 8 ? pick_t(z) : WR_NONE;
    wr_exit_kind kind = (wr_exit_kind)(b % 6); /* 5: not a kind */
    wb_status st = wr_exit(z->sys, from, to, kind, b & 16 ? "outside" : NULL, NULL);
    CHECK(kind > WR_EXIT_NOPROC ? st == WB_INVALID_ARG : !never || st == WB_DEAD);
}

static void child(fz *z, wr_child_spec *ch, wr_actor_spec *spec, const char *name, uint8_t b) {
    *spec = actor_spec((uint8_t)(b * 29));
    memset(ch, 0, sizeof *ch);
    ch->name = name;
    ch->actor = spec;
    ch->arg = &z->args[b % INIT_MODES];
    ch->restart = (wr_restart)((b >> 2) % 3);
    ch->shutdown_ns = (b & 32) ? 1 * MS : 0;
    ch->backoff.kind = (wr_backoff_kind)((b >> 6) % 3);
    ch->backoff.base_ns = (b & 16) ? 1 * MS : 100000;
    ch->backoff.max_ns = 3 * MS;
    ch->backoff.jitter_pct = 20;
}

static void op_sup(fz *z) {
    uint8_t b = take8(z), c = take8(z);
    if (z->nsups == 2) return;
    unsigned k = z->nsups, n = 1 + b % 3;
    for (unsigned i = 0; i < n; i++) child(z, &z->kids[k][i], &z->kid_actor[k][i], kid_names[i], take8(z));
    if (b & 0x80) { /* a nested supervisor with one child */
        child(z, &z->nested_kid[k], &z->kid_actor[k][3], "c0", take8(z));
        z->nested[k] = (wr_sup_spec){.name = "nested", .strategy = WR_ONE_FOR_ONE, .intensity = 2,
                                     .period_ns = 100 * MS, .children = &z->nested_kid[k], .nchildren = 1};
        memset(&z->kids[k][n], 0, sizeof z->kids[k][n]);
        z->kids[k][n].name = "n";
        z->kids[k][n].sup = &z->nested[k];
        z->kids[k][n].restart = (wr_restart)(c % 3);
        z->kids[k][n++].shutdown_ns = 1 * MS;
    }
    z->sup_spec[k] = (wr_sup_spec){.name = "sup", .strategy = (wr_strategy)((b >> 2) % 3),
                                   .intensity = 1 + (c >> 2) % 4, .period_ns = 100 * MS,
                                   .children = z->kids[k], .nchildren = n};
    wr_id id;
    if (wr_supervisor_start(z->sys, &z->sup_spec[k], &id, NULL) == WB_OK) z->sups[z->nsups++] = id;
}

static void op_sup_ctl(fz *z) {
    uint8_t b = take8(z), c = take8(z);
    if (!z->nsups) return;
    wr_system *sys = z->sys;
    wr_id sup = z->sups[b % z->nsups];
    const char *name = kid_names[(b >> 1) % WB_ARRAY_LEN(kid_names)];
    wr_restart_entry hist[8];
    size_t n = 0;
    switch (c % 6) {
    case 0: {
        wr_id id = wr_supervisor_child(sys, sup, name);
        if (id) wr_exit(sys, 0, id, (wr_exit_kind)((c >> 3) % 4), "fuzz", NULL);
        break;
    }
    case 1: wr_supervisor_terminate_child(sys, sup, name, NULL); break;
    case 2: wr_supervisor_delete_child(sys, sup, name, NULL); break;
    case 3:
        child(z, &z->extra, &z->kid_actor[b & 1][3], kid_names[4 + (c >> 3) % 2], take8(z));
        wr_supervisor_start_child(sys, sup, &z->extra, NULL);
        break;
    case 4:
        if (wr_supervisor_history(sys, sup, name, hist, 8, &n) == WB_OK) CHECK(n <= 8);
        break;
    case 5: wr_exit(sys, 0, sup, (wr_exit_kind)((c >> 3) % 4), "fuzz", NULL); break;
    }
}

static void op_names(fz *z) {
    uint8_t b = take8(z);
    const char *name = names[(b >> 2) % 4];
    switch (b % 3) {
    case 0: wr_register(z->sys, name, pick_t(z), NULL); break;
    case 1: wr_unregister(z->sys, name); break;
    case 2: wr_lookup(z->sys, name); break;
    }
}

static void op_pubsub(fz *z) {
    uint8_t b = take8(z);
    uint8_t data[40];
    size_t delivered = 0;
    switch (b % 3) {
    case 0: wr_subscribe(z->sys, pick_t(z), patterns[(b >> 2) % WB_ARRAY_LEN(patterns)], NULL); break;
    case 1: wr_unsubscribe(z->sys, pick_t(z), patterns[(b >> 2) % WB_ARRAY_LEN(patterns)]); break;
    case 2:
        fill(data, (b >> 2) % sizeof data);
        if (wr_publish(z->sys, b & 0x80 ? pick_t(z) : 0, topics[(b >> 2) % WB_ARRAY_LEN(topics)],
                       TAG_DATA, data, (b >> 2) % sizeof data, &delivered, NULL) == WB_OK)
            CHECK(delivered <= 64);
        break;
    }
}

static void op_timer(fz *z) {
    static const uint64_t delays[] = {0, 100000, 1 * MS, 3 * MS};
    uint8_t b = take8(z);
    uint8_t data[33];
    fill(data, sizeof data);
    wr_id to = pick_t(z);
    wr_id from = b & 0x40 ? pick_t(z) : 0;
    uint64_t id = 0;
    wb_status st = WB_OK;
    switch (b % 3) {
    case 0: st = wr_send_after(z->sys, from, to, delays[(b >> 2) % 4], TAG_DATA, data, sizeof data, &id, NULL); break;
    case 1: st = wr_send_interval(z->sys, from, to, 1 * MS + ((b >> 2) % 4) * MS / 2, TAG_DATA, data,
                                  sizeof data, &id, NULL); break;
    case 2:
        if (z->ntimers) wr_timer_cancel(z->sys, z->timers[(b >> 2) % z->ntimers]);
        return;
    }
    if (st == WB_OK && z->ntimers < 8) z->timers[z->ntimers++] = id;
}

static void op_misc(fz *z) {
    uint8_t b = take8(z);
    wr_id id = pick_t(z);
    wr_actor_stats as;
    wr_system_stats ss;
    uint8_t data[32];
    fill(data, sizeof data);
    switch (b % 5) {
    case 0: wr_events_subscribe(z->sys, id, (b >> 3) & WR_EV_ALL, NULL); break;
    case 1: wr_events_unsubscribe(z->sys, id); break;
    case 2:
        wr_actor_stats_get(z->sys, id, &as);
        wr_system_stats_get(z->sys, &ss);
        CHECK(ss.exited <= ss.spawned);
        break;
    case 3: wb_sleep_ns(((b >> 3) % 4) * 300000ull); break; /* let the workers run */
    case 4: /* an answer nobody asked for (or one that is late) */
        wr_send_reply(z->sys, id, (b >> 3) % 8, TAG_REPLY, data, sizeof data, NULL);
        break;
    }
}

static void run_ops(fz *z) {
    for (int op = 0; op < MAX_OPS && z->left; op++) {
        switch (take8(z) % 12) {
        case 0: op_spawn(z); break;
        case 1:
        case 2: op_send(z); break;
        case 3:
        case 4: op_cmd(z); break;
        case 5: op_exit(z); break;
        case 6: op_sup(z); break;
        case 7: op_sup_ctl(z); break;
        case 8: op_names(z); break;
        case 9: op_pubsub(z); break;
        case 10: op_timer(z); break;
        case 11: op_misc(z); break;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static fz z; /* static: big, and zeroed per input below */
    memset(&z, 0, sizeof z);
    z.p = data;
    z.left = size;
    for (int i = 0; i < INIT_MODES; i++) z.args[i] = (spawn_arg){&z, i};
    wr_config cfg;
    wr_config_default(&cfg);
    uint8_t head = take8(&z);
    cfg.workers = 1 + (head & 1);
    cfg.budget = (head & 2) ? 2 : 0;
    cfg.max_actors = 64;         /* small enough to fill */
    cfg.send_wait_ns = 1 * MS;   /* an outside send to a full WAIT mailbox */
    cfg.spin_us = 10;
    wb_error err;
    CHECK(wr_system_new(&cfg, &z.sys, &err) == WB_OK);
    run_ops(&z);
    wb_status st = wr_system_shutdown(z.sys, 20 * MS);
    CHECK(st == WB_OK || st == WB_TIMEOUT);
    wr_system_stats ss;
    wr_system_stats_get(z.sys, &ss);
    CHECK(ss.live_actors == 0 && ss.spawned == ss.exited);
    CHECK(atomic_load(&z.inits) == atomic_load(&z.terms));
    for (int i = 0; i < NSLOT; i++) CHECK(!z.ids[i] || !wr_alive(z.sys, z.ids[i]));
    wr_system_free(z.sys);
    return 0;
}
