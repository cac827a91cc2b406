/* SPDX-License-Identifier: MIT */
/* Byte-bounded mailboxes: each policy with exact drop counts, messages larger
 * than the bound, messages to oneself (bytes and count), system messages
 * that no bound refuses, and the system-wide default bounds. */
// ctest-label: concurrency
#include "rt/rt_test.h"

static const char bytes_of[256] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!";

/* A probe whose tag-1 message blocks until the test opens the gate, so the
 * test can fill the mailbox while nothing is consumed. */
static _Atomic int gate_entered, gate_open;

static wr_turn gate_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    if (m->kind == WR_MSG_USER && m->tag == 1) {
        atomic_store(&gate_entered, 1);
        while (!atomic_load(&gate_open)) wb_sleep_ns(100000);
        return WR_OK;
    }
    probe_record(p, m);
    return WR_OK;
}

static wr_id gated_spec(wr_system *sys, probe *p, wr_actor_spec spec) {
    atomic_store(&gate_entered, 0);
    atomic_store(&gate_open, 0);
    spec.handle = gate_handle;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, p, &id, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 1, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&gate_entered), 5000 * MS));
    return id;
}

static wr_id gated(wr_system *sys, probe *p, uint64_t max_bytes, int policy) {
    wr_actor_spec spec = probe_spec;
    spec.mailbox_max_bytes = max_bytes;
    spec.mailbox_policy = policy;
    return gated_spec(sys, p, spec);
}

static uint64_t queued_bytes(wr_system *sys, wr_id id) {
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, id, &st), WB_OK);
    return st.mailbox_bytes;
}

static uint64_t drops_of(wr_system *sys, wr_id id) {
    wr_actor_stats st;
    assert_int_equal(wr_actor_stats_get(sys, id, &st), WB_OK);
    return st.drops;
}

/* Inline (30) and buffer (40) payloads both count. */
static void bytes_drop_newest(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id = gated(sys, &p, 100, WR_MAILBOX_DROP_NEWEST);
    assert_int_equal(wr_send(sys, id, 10, bytes_of, 40, NULL), WB_OK); /* 40 */
    assert_int_equal(wr_send(sys, id, 11, bytes_of, 40, NULL), WB_OK); /* 80 */
    assert_int_equal(wr_send(sys, id, 12, bytes_of, 30, NULL), WB_OK); /* 110: dropped */
    assert_int_equal(wr_send(sys, id, 13, bytes_of, 20, NULL), WB_OK); /* 100 */
    assert_int_equal(wr_send(sys, id, 14, bytes_of, 1, NULL), WB_OK);  /* 101: dropped */
    assert_int_equal(wr_send(sys, id, 15, NULL, 0, NULL), WB_OK);      /* 0 bytes fit */
    assert_int_equal(wr_send(sys, id, 16, bytes_of, 200, NULL), WB_OK); /* never fits */
    assert_int_equal(queued_bytes(sys, id), 100);
    assert_int_equal(drops_of(sys, id), 3);
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 4, 5000 * MS));
    const uint32_t want[] = {10, 11, 13, 15};
    for (size_t i = 0; i < 4; i++) assert_int_equal(p.recs[i].tag, want[i]);
    assert_true(WAIT_UNTIL(queued_bytes(sys, id) == 0, 5000 * MS));
    /* Room again. */
    assert_int_equal(wr_send(sys, id, 17, bytes_of, 60, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 5, 5000 * MS));
    wr_system_stats ss;
    wr_system_stats_get(sys, &ss);
    assert_int_equal(ss.drops, 3);
    wr_system_free(sys);
}

static void bytes_drop_oldest(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id = gated(sys, &p, 100, WR_MAILBOX_DROP_OLDEST);
    for (uint32_t i = 0; i < 10; i++) assert_int_equal(wr_send(sys, id, 10 + i, bytes_of, 30, NULL), WB_OK);
    /* One that can never fit is the one dropped, at once. */
    assert_int_equal(wr_send(sys, id, 30, bytes_of, 101, NULL), WB_OK);
    assert_int_equal(drops_of(sys, id), 1);
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 3, 5000 * MS));
    wb_sleep_ns(20 * MS);
    assert_int_equal(atomic_load(&p.n), 3);
    for (uint32_t i = 0; i < 3; i++) assert_int_equal(p.recs[i].tag, 17 + i); /* the last 90 bytes */
    assert_int_equal(drops_of(sys, id), 8);
    assert_int_equal(queued_bytes(sys, id), 0);
    wr_system_free(sys);
}

static void bytes_error_to_sender(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id id = gated(sys, &p, 100, WR_MAILBOX_ERROR);
    int full = 0;
    wb_error err;
    for (uint32_t i = 0; i < 10; i++) {
        wb_status st = wr_send(sys, id, 10 + i, bytes_of, 30, &err);
        if (st == WB_FULL) full++;
        else assert_int_equal(st, WB_OK);
    }
    assert_int_equal(full, 7);
    assert_int_equal(wr_send(sys, id, 30, bytes_of, 10, NULL), WB_OK); /* exactly 100 */
    wb_error_clear(&err);
    assert_int_equal(wr_send(sys, id, 31, bytes_of, 200, &err), WB_FULL);
    assert_non_null(strstr(err.msg, "exceeds"));
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 4, 5000 * MS));
    assert_int_equal(drops_of(sys, id), 0); /* refused, not dropped */
    wr_system_free(sys);
}

static void bytes_wait_outside(void **state) {
    (void)state;
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = 2;
    cfg.send_wait_ns = 30 * MS;
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    probe p;
    probe_init(&p);
    wr_id id = gated(sys, &p, 64, WR_MAILBOX_WAIT);
    assert_int_equal(wr_send(sys, id, 10, bytes_of, 40, NULL), WB_OK);
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wr_send(sys, id, 11, bytes_of, 40, NULL), WB_TIMEOUT);
    assert_true(wb_now_ns() - t0 >= 30 * MS);
    /* Larger than the bound: refused at once, waiting cannot help. */
    t0 = wb_now_ns();
    assert_int_equal(wr_send(sys, id, 12, bytes_of, 65, NULL), WB_FULL);
    assert_true(wb_now_ns() - t0 < 30 * MS);
    atomic_store(&gate_open, 1);
    assert_int_equal(wr_send(sys, id, 13, bytes_of, 40, NULL), WB_OK); /* waits for room */
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 2, 5000 * MS));
    assert_int_equal(p.recs[1].tag, 13);
    wr_system_free(sys);
}

/* Inside a handler WAIT parks the sender; room in bytes unparks it. */
static wr_turn flooder_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    if (m->tag == 50) {
        wr_id target;
        memcpy(&target, wr_msg_bytes(m, NULL), sizeof target);
        for (uint32_t i = 0; i < 10; i++)
            assert_int_equal(wr_ctx_send(ctx, target, 10 + i, bytes_of, 40, NULL), WB_OK);
        return WR_OK;
    }
    probe_record(p, m);
    return WR_OK;
}

static void bytes_wait_inside_parks_sender(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p, q;
    probe_init(&p);
    probe_init(&q);
    wr_id target = gated(sys, &p, 100, WR_MAILBOX_WAIT);
    wr_actor_spec spec = probe_spec;
    spec.handle = flooder_handle;
    wr_id flooder;
    assert_int_equal(wr_spawn(sys, &spec, &q, &flooder, NULL), WB_OK);
    assert_int_equal(wr_send(sys, flooder, 50, &target, sizeof target, NULL), WB_OK);
    wr_actor_stats st;
    assert_true(WAIT_UNTIL(wr_actor_stats_get(sys, flooder, &st) == WB_OK && st.msgs_out == 10, 5000 * MS));
    assert_int_equal(queued_bytes(sys, target), 400); /* accepted over the bound */
    assert_int_equal(wr_send(sys, flooder, 60, NULL, 0, NULL), WB_OK);
    wb_sleep_ns(50 * MS);
    assert_int_equal(atomic_load(&q.n), 0); /* parked: tag 60 is held back */
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&q.n) == 1, 5000 * MS));
    assert_int_equal(q.recs[0].tag, 60);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 10, 5000 * MS));
    assert_int_equal(drops_of(sys, target), 0);
    wr_system_free(sys);
}

/* ---- messages to oneself count like any other -------------------------------- */

typedef struct selfish {
    probe *p;
    _Atomic int sent_ok, full, done;
} selfish;

static wb_status selfish_init(wr_ctx *ctx, void *arg) {
    *(selfish **)wr_ctx_state(ctx) = arg;
    return WB_OK;
}

/* Tag 1: five 30-byte messages to itself; tag 9 ends the test. */
static wr_turn selfish_handle(wr_ctx *ctx, const wr_msg *m) {
    selfish *s = *(selfish **)wr_ctx_state(ctx);
    if (m->tag == 1) {
        for (uint32_t i = 0; i < 5; i++) {
            wb_status st = wr_ctx_send(ctx, wr_ctx_self(ctx), 10 + i, bytes_of, 30, NULL);
            if (st == WB_OK) atomic_fetch_add(&s->sent_ok, 1);
            else if (st == WB_FULL) atomic_fetch_add(&s->full, 1);
        }
        atomic_store(&s->done, 1);
        return WR_OK;
    }
    probe_record(s->p, m);
    return WR_OK;
}

/* Runs the five self-sends under one bound and policy; returns the probe's
 * count once quiet. by_bytes: 100 bytes, else capacity 3. */
static size_t self_sends(int policy, bool by_bytes, selfish *s, uint64_t *drops) {
    wr_system *sys = test_system(1);
    wr_actor_spec spec = {.name = "selfish", .init = selfish_init, .handle = selfish_handle,
                          .state_size = sizeof(selfish *), .mailbox_policy = policy};
    if (by_bytes) spec.mailbox_max_bytes = 100;
    else spec.mailbox_capacity = 3;
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, s, &id, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 1, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&s->done), 5000 * MS));
    /* A later message still gets through: a parked self is unparked. */
    assert_true(WAIT_UNTIL(wr_send(sys, id, 9, NULL, 0, NULL) == WB_OK, 5000 * MS));
    assert_true(WAIT_UNTIL(atomic_load(&s->p->n) > 0 && s->p->recs[atomic_load(&s->p->n) - 1].tag == 9,
                           5000 * MS));
    *drops = drops_of(sys, id);
    size_t n = atomic_load(&s->p->n) - 1;
    wr_system_free(sys);
    return n;
}

static void self_sends_count_like_any_other(void **state) {
    (void)state;
    for (int by_bytes = 0; by_bytes < 2; by_bytes++) {
        probe p;
        uint64_t drops;
        struct {
            int policy;
            int sent_ok, full, got, drops;
            uint32_t first_tag;
        } cases[] = {
            {WR_MAILBOX_DROP_NEWEST, 5, 0, 3, 2, 10},
            {WR_MAILBOX_DROP_OLDEST, 5, 0, 3, 2, 12},
            {WR_MAILBOX_ERROR, 3, 2, 3, 0, 10},
            {WR_MAILBOX_WAIT, 5, 0, 5, 0, 10}, /* over the bound, then parked on itself */
        };
        for (size_t i = 0; i < WB_ARRAY_LEN(cases); i++) {
            probe_init(&p);
            selfish s = {.p = &p};
            size_t got = self_sends(cases[i].policy, by_bytes, &s, &drops);
            printf("# %s policy %d: ok %d full %d got %zu drops %llu\n", by_bytes ? "bytes" : "count",
                   cases[i].policy, atomic_load(&s.sent_ok), atomic_load(&s.full), got,
                   (unsigned long long)drops);
            assert_int_equal(atomic_load(&s.sent_ok), cases[i].sent_ok);
            assert_int_equal(atomic_load(&s.full), cases[i].full);
            assert_int_equal(got, cases[i].got);
            assert_int_equal(drops, cases[i].drops);
            assert_int_equal(p.recs[0].tag, cases[i].first_tag);
        }
    }
}

/* ---- system messages pass both bounds ----------------------------------------- */

static wr_turn silent_handle(wr_ctx *ctx, const wr_msg *m) { (void)ctx, (void)m; return WR_OK; }

static wr_turn echo_handle(wr_ctx *ctx, const wr_msg *m) {
    if (m->kind == WR_MSG_REQUEST) wr_ctx_reply(ctx, m, 2, bytes_of, 60, NULL);
    return WR_OK;
}

static wb_status crash_init(wr_ctx *ctx, void *arg) { (void)ctx, (void)arg; return WB_INVALID_ARG; }

typedef struct asker {
    probe *p;
    wr_id echo, silent;
    _Atomic int full;
} asker;

static wb_status asker_init(wr_ctx *ctx, void *arg) {
    asker *k = arg;
    *(asker **)wr_ctx_state(ctx) = arg;
    wr_ctx_trap_exit(ctx, true);
    /* Fill both bounds with messages to ourselves, then ask. */
    while (wr_ctx_send(ctx, wr_ctx_self(ctx), 5, bytes_of, 30, NULL) == WB_OK) {
    }
    atomic_store(&k->full, 1);
    uint64_t c;
    assert_int_equal(wr_ctx_request(ctx, k->echo, 1, bytes_of, 40, 2000 * MS, &c, NULL), WB_OK);
    assert_int_equal(wr_ctx_request(ctx, k->silent, 1, NULL, 0, 10 * MS, &c, NULL), WB_OK);
    wr_actor_spec crasher = {.name = "crasher", .init = crash_init, .handle = silent_handle};
    assert_int_equal(wr_ctx_spawn(ctx, &crasher, NULL, WR_SPAWN_LINK | WR_SPAWN_MONITOR, NULL, NULL, NULL),
                     WB_OK);
    return WB_OK;
}

static wr_turn asker_handle(wr_ctx *ctx, const wr_msg *m) {
    asker *k = *(asker **)wr_ctx_state(ctx);
    if (m->tag == 5 && m->kind == WR_MSG_USER) wb_sleep_ns(5 * MS); /* slow: keeps the bounds full */
    probe_record(k->p, m);
    return WR_OK;
}

static void system_messages_pass_both_bounds(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    asker k = {.p = &p};
    wr_actor_spec echo = {.name = "echo", .handle = echo_handle};
    wr_actor_spec silent = {.name = "silent", .handle = silent_handle};
    assert_int_equal(wr_spawn(sys, &echo, NULL, &k.echo, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &silent, NULL, &k.silent, NULL), WB_OK);
    wr_actor_spec spec = {.name = "asker", .init = asker_init, .handle = asker_handle,
                          .state_size = sizeof(asker *), .mailbox_capacity = 3,
                          .mailbox_max_bytes = 64, .mailbox_policy = WR_MAILBOX_ERROR};
    wr_id id;
    assert_int_equal(wr_spawn(sys, &spec, &k, &id, NULL), WB_OK);
    assert_true(WAIT_UNTIL(probe_count_kind(&p, WR_MSG_REPLY) == 1 && probe_count_kind(&p, WR_MSG_TIMEOUT) == 1 &&
                               probe_count_kind(&p, WR_MSG_EXIT) == 1 && probe_count_kind(&p, WR_MSG_DOWN) == 1,
                           5000 * MS));
    assert_int_equal(probe_count_kind(&p, WR_MSG_USER), 2); /* two 30-byte messages fit in 64 */
    assert_int_equal(drops_of(sys, id), 0);
    wr_system_free(sys);
}

/* ---- node-wide defaults --------------------------------------------------------- */

static void config_defaults(void **state) {
    (void)state;
    wr_config cfg;
    wr_config_default(&cfg);
    assert_int_equal(cfg.default_mailbox_capacity, 0); /* unbounded unless asked */
    assert_int_equal(cfg.default_mailbox_bytes, 0);
    cfg.workers = 2;
    cfg.default_mailbox_capacity = 3;
    cfg.default_mailbox_bytes = 70;
    wr_system *sys;
    assert_int_equal(wr_system_new(&cfg, &sys, NULL), WB_OK);
    probe p;
    probe_init(&p);
    wr_actor_spec spec = probe_spec;
    spec.mailbox_policy = WR_MAILBOX_ERROR;
    /* 0/0 in the spec: both defaults apply. */
    wr_id id = gated_spec(sys, &p, spec);
    assert_int_equal(wr_send(sys, id, 10, bytes_of, 30, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 11, bytes_of, 30, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 12, bytes_of, 30, NULL), WB_FULL); /* 90 > 70 */
    assert_int_equal(wr_send(sys, id, 13, NULL, 0, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 14, NULL, 0, NULL), WB_FULL); /* 3 queued */
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&p.n) == 3, 5000 * MS));
    /* A spec with its own bound keeps it, without the other default. */
    probe q;
    probe_init(&q);
    spec.mailbox_capacity = 10;
    id = gated_spec(sys, &q, spec);
    for (uint32_t i = 0; i < 10; i++) assert_int_equal(wr_send(sys, id, 20 + i, bytes_of, 30, NULL), WB_OK);
    assert_int_equal(wr_send(sys, id, 30, NULL, 0, NULL), WB_FULL);
    atomic_store(&gate_open, 1);
    assert_true(WAIT_UNTIL(atomic_load(&q.n) == 10, 5000 * MS));
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bytes_drop_newest),
        cmocka_unit_test(bytes_drop_oldest),
        cmocka_unit_test(bytes_error_to_sender),
        cmocka_unit_test(bytes_wait_outside),
        cmocka_unit_test(bytes_wait_inside_parks_sender),
        cmocka_unit_test(self_sends_count_like_any_other),
        cmocka_unit_test(system_messages_pass_both_bounds),
        cmocka_unit_test(config_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
