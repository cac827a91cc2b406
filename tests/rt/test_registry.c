/* SPDX-License-Identifier: MIT */
/* Name registry: register, lookup, unregister, removal on exit; lock-free
 * lookups racing with writers and exits; memory retired only once no
 * reader can hold it. */
// ctest-label: concurrency
#include <inttypes.h>
#include <stdlib.h>

#include "rt/internal.h"
#include "rt/registry.h"
#include "rt/rt_test.h"

static void register_lookup_exit(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p, q;
    probe_init(&p);
    probe_init(&q);
    wr_id a, b;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &a, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &probe_spec, &q, &b, NULL), WB_OK);
    wb_error err;
    assert_int_equal(wr_register(sys, "alpha", a, &err), WB_OK);
    assert_int_equal(wr_register(sys, "alpha", b, &err), WB_EXISTS);
    assert_int_equal(wr_register(sys, "beta", a, &err), WB_EXISTS); /* one name per actor */
    assert_int_equal(wr_register(sys, "", b, &err), WB_INVALID_ARG);
    assert_int_equal(wr_lookup(sys, "alpha"), a);
    assert_int_equal(wr_lookup(sys, "nobody"), 0);
    char name[32];
    for (int i = 0; i < 200; i++) { /* forces rehashing */
        wr_id id;
        assert_int_equal(wr_spawn(sys, &probe_spec, &q, &id, NULL), WB_OK);
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(wr_register(sys, name, id, &err), WB_OK);
    }
    assert_int_equal(wr_lookup(sys, "alpha"), a);
    assert_int_not_equal(wr_lookup(sys, "n150"), 0);
    /* Names around the length a table slot holds inline (12 bytes), alike
     * but for their ends: each finds its own actor only. */
    const char *edge[] = {"abcdefghijk", "abcdefghijkl", "abcdefghijkm", "abcdefghijklm",
                          "abcdefghijklmn", "abcdefghijklmo"};
    wr_id edge_ids[6];
    for (int i = 0; i < 6; i++) {
        assert_int_equal(wr_spawn(sys, &probe_spec, &q, &edge_ids[i], NULL), WB_OK);
        assert_int_equal(wr_register(sys, edge[i], edge_ids[i], &err), WB_OK);
    }
    for (int i = 0; i < 6; i++) assert_int_equal(wr_lookup(sys, edge[i]), edge_ids[i]);
    assert_int_equal(wr_lookup(sys, "abcdefghij"), 0);
    assert_int_equal(wr_lookup(sys, "abcdefghijklmnop"), 0);
    assert_int_equal(wr_unregister(sys, "abcdefghijklm"), WB_OK);
    assert_int_equal(wr_lookup(sys, "abcdefghijklm"), 0);
    assert_int_equal(wr_lookup(sys, "abcdefghijklmn"), edge_ids[4]);
    assert_int_equal(wr_unregister(sys, "n150"), WB_OK);
    assert_int_equal(wr_lookup(sys, "n150"), 0);
    assert_int_equal(wr_unregister(sys, "n150"), WB_NOT_FOUND);
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(wr_lookup(sys, "alpha") == 0, 5000 * MS));
    assert_int_equal(wr_register(sys, "alpha", b, &err), WB_OK);
    assert_int_equal(wr_register(sys, "gone", a, &err), WB_DEAD);
    wr_system_free(sys);
}

/* Every change of a name is seen at once by the next lookup, whatever that
 * thread looked up before (lookups were cached per thread once). */
static void lookup_cache_follows_changes(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe p;
    probe_init(&p);
    wr_id a, b;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &a, NULL), WB_OK);
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &b, NULL), WB_OK);
    wb_error err;
    const char *long_name = "a-name-longer-than-the-per-thread-cache-keeps-0123456789";
    for (int round = 0; round < 3; round++) {
        const char *n = round == 2 ? long_name : "svc";
        assert_int_equal(wr_register(sys, n, a, &err), WB_OK);
        assert_int_equal(wr_lookup(sys, n), a);
        assert_int_equal(wr_lookup(sys, n), a); /* from the cache when short */
        assert_int_equal(wr_unregister(sys, n), WB_OK);
        assert_int_equal(wr_lookup(sys, n), 0);
        assert_int_equal(wr_register(sys, n, b, &err), WB_OK); /* the name moves */
        assert_int_equal(wr_lookup(sys, n), b);
        assert_int_equal(wr_unregister(sys, n), WB_OK);
        assert_int_equal(wr_register(sys, "other", a, &err), WB_OK); /* a, renamed */
        assert_int_equal(wr_lookup(sys, n), 0);
        assert_int_equal(wr_lookup(sys, "other"), a);
        assert_int_equal(wr_unregister(sys, "other"), WB_OK);
    }
    /* An exit drops the name; a new actor in a reused slot does not inherit it. */
    assert_int_equal(wr_register(sys, "svc", b, &err), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), b);
    assert_int_equal(wr_exit(sys, 0, b, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(wr_lookup(sys, "svc") == 0, 5000 * MS));
    wr_id c;
    assert_int_equal(wr_spawn(sys, &probe_spec, &p, &c, NULL), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), 0);
    assert_int_equal(wr_register(sys, "svc", c, &err), WB_OK);
    assert_int_equal(wr_lookup(sys, "svc"), c);
    wr_system_free(sys);
    /* A new system with the same names: nothing of the old one is reused. */
    sys = test_system(1);
    assert_int_equal(wr_lookup(sys, "svc"), 0);
    wr_system_free(sys);
}

static uint64_t xorshift(uint64_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static wr_turn idle_handle(wr_ctx *ctx, const wr_msg *m) {
    (void)ctx;
    (void)m;
    return WR_OK;
}

static const wr_actor_spec idle_spec = {.name = "idle", .handle = idle_handle};

/* ---- 100k names, written and read from several threads at once ---------- */

#define MANY 100000
#define MANY_WRITERS 4  /* writer i owns the names n with n % MANY_WRITERS == i */
#define MANY_READERS 3  /* outside threads looking up random names */
#define MANY_LOOKERS 4  /* actors doing the same on the workers */
#define MANY_CHURN 20000 /* unregisters or registers per writer after the fill */

typedef struct many {
    wr_system *sys;
    wr_id *actors;          /* name n may only ever be registered to actors[n] */
    char (*names)[40];      /* short ones and long ones sharing a long prefix */
    bool *registered;       /* name n's state, written by its writer only */
    _Atomic bool stop;
    _Atomic uint64_t wrong, hits, outside_lookups, worker_lookups;
} many;

typedef struct many_writer {
    many *m;
    unsigned index;
    pthread_t thread;
} many_writer;

/* A random lookup: nothing, or the one actor that name may have. */
static void many_lookup(many *m, uint64_t *x, uint64_t *hits, uint64_t *wrong) {
    uint64_t n = xorshift(x) % MANY;
    wr_id id = wr_lookup(m->sys, m->names[n]);
    if (id && id != m->actors[n]) (*wrong)++;
    if (id) (*hits)++;
}

static void *many_write(void *arg) {
    many_writer *w = arg;
    many *m = w->m;
    uint64_t x = 0x2545F4914F6CDD1Dull + w->index, wrong = 0;
    wb_error err;
    /* Fill: the table grows (a new table each time) under the readers. */
    for (uint64_t n = w->index; n < MANY; n += MANY_WRITERS) {
        if (wr_register(m->sys, m->names[n], m->actors[n], &err) != WB_OK) wrong++;
        m->registered[n] = true;
        if (wr_lookup(m->sys, m->names[n]) != m->actors[n]) wrong++;
    }
    /* Churn: tombstones, tables rebuilt to clean them out, entries retired. */
    uint64_t own = (MANY - w->index + MANY_WRITERS - 1) / MANY_WRITERS;
    for (int r = 0; r < MANY_CHURN; r++) {
        uint64_t n = w->index + (xorshift(&x) % own) * MANY_WRITERS;
        if (m->registered[n]) {
            if (wr_register(m->sys, m->names[n], m->actors[w->index], &err) != WB_EXISTS) wrong++;
            if (wr_unregister(m->sys, m->names[n]) != WB_OK) wrong++;
        } else if (wr_register(m->sys, m->names[n], m->actors[n], &err) != WB_OK) {
            wrong++;
        }
        m->registered[n] = !m->registered[n];
        if (wr_lookup(m->sys, m->names[n]) != (m->registered[n] ? m->actors[n] : 0)) wrong++;
    }
    atomic_fetch_add(&m->wrong, wrong);
    return NULL;
}

static void *many_read(void *arg) {
    many *m = arg;
    uint64_t x = (uint64_t)(uintptr_t)&x | 1, n = 0, hits = 0, wrong = 0;
    while (!atomic_load(&m->stop)) {
        many_lookup(m, &x, &hits, &wrong);
        n++;
    }
    atomic_fetch_add(&m->outside_lookups, n);
    atomic_fetch_add(&m->hits, hits);
    atomic_fetch_add(&m->wrong, wrong);
    return NULL;
}

static wb_status many_looker_init(wr_ctx *ctx, void *arg) {
    *(many **)wr_ctx_state(ctx) = arg;
    return wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL);
}

/* 256 lookups a turn, then again, until the test stops. */
static wr_turn many_looker_handle(wr_ctx *ctx, const wr_msg *msg) {
    (void)msg;
    many *m = *(many **)wr_ctx_state(ctx);
    uint64_t x = wb_random_u64() | 1, hits = 0, wrong = 0;
    for (int i = 0; i < 256; i++) many_lookup(m, &x, &hits, &wrong);
    atomic_fetch_add(&m->worker_lookups, 256);
    atomic_fetch_add(&m->hits, hits);
    atomic_fetch_add(&m->wrong, wrong);
    if (!atomic_load(&m->stop)) wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL);
    return WR_OK;
}

static void many_names_concurrent(void **state) {
    (void)state;
    many m = {.sys = test_system(2)};
    m.actors = calloc(MANY, sizeof *m.actors);
    m.names = calloc(MANY, sizeof *m.names);
    m.registered = calloc(MANY, sizeof *m.registered);
    assert_true(m.actors && m.names && m.registered);
    for (uint64_t n = 0; n < MANY; n++) {
        snprintf(m.names[n], sizeof m.names[n], n % 2 ? "n%06u" : "a/long/common/prefix/n%06u",
                 (unsigned)n);
        assert_int_equal(wr_spawn(m.sys, &idle_spec, NULL, &m.actors[n], NULL), WB_OK);
    }
    static const wr_actor_spec looker = {.name = "looker", .init = many_looker_init,
                                         .handle = many_looker_handle, .state_size = sizeof(many *)};
    for (int i = 0; i < MANY_LOOKERS; i++) {
        wr_id id;
        assert_int_equal(wr_spawn(m.sys, &looker, &m, &id, NULL), WB_OK);
    }
    pthread_t readers[MANY_READERS];
    for (int i = 0; i < MANY_READERS; i++)
        assert_int_equal(pthread_create(&readers[i], NULL, many_read, &m), 0);
    many_writer writers[MANY_WRITERS];
    for (unsigned i = 0; i < MANY_WRITERS; i++) {
        writers[i] = (many_writer){.m = &m, .index = i};
        assert_int_equal(pthread_create(&writers[i].thread, NULL, many_write, &writers[i]), 0);
    }
    for (int i = 0; i < MANY_WRITERS; i++) pthread_join(writers[i].thread, NULL);
    atomic_store(&m.stop, true);
    for (int i = 0; i < MANY_READERS; i++) pthread_join(readers[i], NULL);
    /* Quiet now: each name is exactly what its writer left. */
    uint64_t live = 0;
    for (uint64_t n = 0; n < MANY; n++) {
        wr_id want = m.registered[n] ? m.actors[n] : 0;
        if (wr_lookup(m.sys, m.names[n]) != want) atomic_fetch_add(&m.wrong, 1);
        live += m.registered[n];
    }
    print_message("lookups: %" PRIu64 " outside, %" PRIu64 " on workers, %" PRIu64
                  " found; %" PRIu64 " names left\n",
                  atomic_load(&m.outside_lookups), atomic_load(&m.worker_lookups),
                  atomic_load(&m.hits), live);
    assert_int_equal(atomic_load(&m.wrong), 0);
    assert_true(atomic_load(&m.outside_lookups) > 0 && atomic_load(&m.worker_lookups) > 0);
    assert_true(atomic_load(&m.hits) > 0);
    assert_int_equal(m.sys->registry->count, live);
    wr_system_free(m.sys);
    free(m.actors);
    free(m.names);
    free(m.registered);
}

/* ---- lookups racing with exits and re-registrations -------------------------
 * Each name is taken over and over by a churner actor: registration k goes to
 * hist[k], and v is 2k+1 from just before wr_register until the name is gone
 * again (unregistered, or dropped by the actor's exit: then v changes on its
 * DOWN), 2k+2 after. A lookup between reading v = vb and v = va may only
 * return 0 or hist[k] for some k with vb <= 2k+1 <= va. */

#define RACE_NAMES 8
#define RACE_ROUNDS 1500
#define RACE_READERS 2

typedef struct race_name {
    char name[24];
    _Atomic uint64_t v;
    _Atomic wr_id hist[RACE_ROUNDS];
} race_name;

typedef struct race {
    wr_system *sys;
    race_name names[RACE_NAMES];
    _Atomic bool stop;
    _Atomic unsigned done; /* churners finished */
    _Atomic uint64_t wrong, hits, checks, worker_checks;
} race;

/* One checked lookup of a random name. */
static void race_check(race *rc, uint64_t *x, uint64_t *hits, uint64_t *wrong) {
    race_name *rn = &rc->names[xorshift(x) % RACE_NAMES];
    uint64_t vb = atomic_load(&rn->v);
    wr_id id = wr_lookup(rc->sys, rn->name);
    uint64_t va = atomic_load(&rn->v);
    if (!id) return;
    (*hits)++;
    for (uint64_t k = vb / 2; va > 0 && k <= (va - 1) / 2 && k < RACE_ROUNDS; k++)
        if (atomic_load(&rn->hist[k]) == id) return;
    (*wrong)++;
}

static void *race_read(void *arg) {
    race *rc = arg;
    uint64_t x = (uint64_t)(uintptr_t)&x | 1, n = 0, hits = 0, wrong = 0;
    while (!atomic_load(&rc->stop)) {
        race_check(rc, &x, &hits, &wrong);
        n++;
    }
    atomic_fetch_add(&rc->checks, n);
    atomic_fetch_add(&rc->hits, hits);
    atomic_fetch_add(&rc->wrong, wrong);
    return NULL;
}

typedef struct race_churner {
    race *rc;
    unsigned n;
    uint64_t k;         /* registration under way */
    wr_id killed;       /* killed with the name: its DOWN ends registration k */
    wr_id spare;        /* alive, unregistered: taken again on the next round */
} race_churner;

typedef struct race_start {
    race *rc;
    unsigned n;
} race_start;

static wb_status race_churner_init(wr_ctx *ctx, void *arg) {
    race_start *s = arg;
    race_churner *c = wr_ctx_state(ctx);
    c->rc = s->rc;
    c->n = s->n;
    return wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL);
}

static void race_next(wr_ctx *ctx, race_churner *c) {
    race_name *rn = &c->rc->names[c->n];
    atomic_store(&rn->v, 2 * c->k + 2);
    c->k++;
    if (wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL) != WB_OK) atomic_fetch_add(&c->rc->wrong, 1);
}

/* Rounds cycle: a fresh actor registered then unregistered (kept as spare);
 * the spare registered again, then killed; a fresh actor registered, then
 * killed. A kill's DOWN comes after its exit dropped the name. */
static wr_turn race_churner_handle(wr_ctx *ctx, const wr_msg *m) {
    race_churner *c = wr_ctx_state(ctx);
    race *rc = c->rc;
    race_name *rn = &rc->names[c->n];
    if (m->kind == WR_MSG_DOWN) {
        if (m->from == c->killed) {
            c->killed = 0;
            race_next(ctx, c);
        }
        return WR_OK;
    }
    if (c->k == RACE_ROUNDS) {
        if (c->spare) wr_exit(rc->sys, WR_NONE, c->spare, WR_EXIT_KILLED, NULL, NULL);
        atomic_fetch_add(&rc->done, 1);
        return WR_OK;
    }
    unsigned mode = c->k % 3;
    wr_id id = c->spare;
    if (mode != 1 && wr_ctx_spawn(ctx, &idle_spec, NULL, WR_SPAWN_MONITOR, &id, NULL, NULL) != WB_OK) {
        atomic_fetch_add(&rc->wrong, 1);
        return WR_OK;
    }
    wb_error err;
    atomic_store(&rn->hist[c->k], id);
    atomic_store(&rn->v, 2 * c->k + 1);
    if (wr_register(rc->sys, rn->name, id, &err) != WB_OK) atomic_fetch_add(&rc->wrong, 1);
    if (mode == 0) {
        if (wr_unregister(rc->sys, rn->name) != WB_OK) atomic_fetch_add(&rc->wrong, 1);
        c->spare = id;
        race_next(ctx, c);
    } else {
        if (mode == 1) c->spare = 0;
        c->killed = id;
        wr_exit(rc->sys, wr_ctx_self(ctx), id, WR_EXIT_KILLED, NULL, NULL);
    }
    return WR_OK;
}

static wb_status race_looker_init(wr_ctx *ctx, void *arg) {
    *(race **)wr_ctx_state(ctx) = arg;
    return wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL);
}

static wr_turn race_looker_handle(wr_ctx *ctx, const wr_msg *msg) {
    (void)msg;
    race *rc = *(race **)wr_ctx_state(ctx);
    uint64_t x = wb_random_u64() | 1, hits = 0, wrong = 0;
    for (int i = 0; i < 64; i++) race_check(rc, &x, &hits, &wrong);
    atomic_fetch_add(&rc->worker_checks, 64);
    atomic_fetch_add(&rc->hits, hits);
    atomic_fetch_add(&rc->wrong, wrong);
    if (!atomic_load(&rc->stop)) wr_ctx_send(ctx, wr_ctx_self(ctx), 1, NULL, 0, NULL);
    return WR_OK;
}

static void lookups_race_exits_and_reregistrations(void **state) {
    (void)state;
    race *rc = calloc(1, sizeof *rc);
    assert_non_null(rc);
    rc->sys = test_system(2);
    static const wr_actor_spec looker = {.name = "looker", .init = race_looker_init,
                                         .handle = race_looker_handle, .state_size = sizeof(race *)};
    static const wr_actor_spec churner = {.name = "churner", .init = race_churner_init,
                                          .handle = race_churner_handle,
                                          .state_size = sizeof(race_churner)};
    for (unsigned i = 0; i < RACE_NAMES; i++)
        snprintf(rc->names[i].name, sizeof rc->names[i].name, i % 2 ? "race-%u" : "race/long/name-%u", i);
    wr_id id;
    for (int i = 0; i < 2; i++) assert_int_equal(wr_spawn(rc->sys, &looker, rc, &id, NULL), WB_OK);
    pthread_t readers[RACE_READERS];
    for (int i = 0; i < RACE_READERS; i++)
        assert_int_equal(pthread_create(&readers[i], NULL, race_read, rc), 0);
    race_start starts[RACE_NAMES];
    for (unsigned i = 0; i < RACE_NAMES; i++) {
        starts[i] = (race_start){rc, i};
        assert_int_equal(wr_spawn(rc->sys, &churner, &starts[i], &id, NULL), WB_OK);
    }
    bool finished = WAIT_UNTIL(atomic_load(&rc->done) == RACE_NAMES, 120000 * MS);
    atomic_store(&rc->stop, true);
    for (int i = 0; i < RACE_READERS; i++) pthread_join(readers[i], NULL);
    print_message("checks: %" PRIu64 " outside, %" PRIu64 " on workers, %" PRIu64 " found\n",
                  atomic_load(&rc->checks), atomic_load(&rc->worker_checks), atomic_load(&rc->hits));
    assert_true(finished);
    assert_int_equal(atomic_load(&rc->wrong), 0);
    assert_true(atomic_load(&rc->checks) > 0 && atomic_load(&rc->worker_checks) > 0);
    assert_true(atomic_load(&rc->hits) > 0);
    for (unsigned i = 0; i < RACE_NAMES; i++) assert_int_equal(wr_lookup(rc->sys, rc->names[i].name), 0);
    wr_system_free(rc->sys);
    free(rc);
}

/* ---- reclamation (white box: registry.h) -------------------------------------
 * A reader that announced an epoch keeps everything unlinked since alive (an
 * early free would be a use after free under ASan here); once it leaves, the
 * next reclaim pass frees it all. With every outside record taken, lookups
 * from outside read under the lock, and still see every change. */

static wr__reg_entry *entry_named(wr__registry *r, const char *name) {
    wr__reg_table *t = atomic_load(&r->table);
    for (size_t i = 0; i <= t->mask; i++) {
        wr__reg_entry *e = atomic_load(&t->slot[i].entry);
        if (e && e->len == strlen(name) && !memcmp(e->name, name, e->len)) return e;
    }
    return NULL;
}

static void retired_memory_waits_for_readers(void **state) {
    (void)state;
    wr_system *sys = test_system(1);
    wr__registry *r = sys->registry;
    enum { N = 3 * WR__REG_RECLAIM_BATCH };
    wr_id ids[N];
    for (int i = 0; i < N; i++) assert_int_equal(wr_spawn(sys, &idle_spec, NULL, &ids[i], NULL), WB_OK);
    wb_error err;
    assert_int_equal(wr_register(sys, "held", ids[0], &err), WB_OK);
    wr__reg_entry *held = entry_named(r, "held");
    assert_non_null(held);
    wr__reg_table *first = atomic_load(&r->table);
    /* Outside lookups in flight from now on, in every outside record. */
    uint64_t now = atomic_load(&r->epoch);
    for (int i = 0; i < WR__REG_EXT_READERS; i++) atomic_store(&r->readers[r->nworkers + i].epoch, now);
    assert_int_equal(wr_unregister(sys, "held"), WB_OK);
    char name[16];
    for (int i = 1; i < N; i++) { /* grows the table: 16 slots -> 512 */
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(wr_register(sys, name, ids[i], &err), WB_OK);
        assert_int_equal(wr_lookup(sys, name), ids[i]); /* under the lock */
    }
    assert_int_equal(wr_lookup(sys, "held"), 0);
    for (int i = 1; i < N; i++) {
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(wr_unregister(sys, name), WB_OK);
        assert_int_equal(wr_lookup(sys, name), 0);
    }
    assert_int_equal(r->nretired, N); /* several reclaim passes freed nothing */
    assert_non_null(r->retired_tables);
    assert_ptr_not_equal(atomic_load(&r->table), first);
    /* What the reader may hold is intact: the first table, the entry. */
    size_t seen = 0;
    for (size_t i = 0; i <= first->mask; i++) seen += atomic_load(&first->slot[i].entry) != NULL;
    assert_true(seen > 0);
    assert_int_equal(held->id, ids[0]);
    assert_string_equal(held->name, "held");
    /* The readers leave: the next write's reclaim pass frees everything. */
    for (int i = 0; i < WR__REG_EXT_READERS; i++) atomic_store(&r->readers[r->nworkers + i].epoch, 0);
    assert_int_equal(wr_register(sys, "last", ids[1], &err), WB_OK);
    assert_int_equal(wr_unregister(sys, "last"), WB_OK);
    assert_int_equal(r->nretired, 0);
    assert_null(r->retired_tables);
    assert_int_equal(r->count, 0);
    wr_system_free(sys);
}

/* ---- names whose hashes agree in the 32 bits a slot keeps ------------------
 * Found by search (a birthday collision among 2^18 names), one pair of short
 * names (told apart by the key in the slot) and one pair of long names with
 * the same first 12 bytes (told apart only by the entry's full name). */

typedef struct hash_ix {
    uint32_t hash, ix;
} hash_ix;

static int hash_ix_cmp(const void *a, const void *b) {
    const hash_ix *x = a, *y = b;
    return x->hash != y->hash ? (x->hash < y->hash ? -1 : 1) : (x->ix < y->ix ? -1 : x->ix > y->ix);
}

/* Two formats' worth of names printf(fmt, i) whose 32-bit hashes agree. */
static bool find_collision(const char *fmt, char out[2][40]) {
    enum { N = 1 << 18 };
    hash_ix *v = malloc(N * sizeof *v);
    if (!v) return false;
    char name[40];
    for (uint32_t i = 0; i < N; i++) {
        int len = snprintf(name, sizeof name, fmt, i);
        v[i] = (hash_ix){(uint32_t)wb_hash64(name, (size_t)len), i};
    }
    qsort(v, N, sizeof *v, hash_ix_cmp);
    bool found = false;
    for (uint32_t i = 1; i < N && !found; i++) {
        if (v[i].hash != v[i - 1].hash) continue;
        snprintf(out[0], 40, fmt, v[i - 1].ix);
        snprintf(out[1], 40, fmt, v[i].ix);
        found = true;
    }
    free(v);
    return found;
}

static void hash_collisions(void **state) {
    (void)state;
    wr_system *sys = test_system(1);
    const char *fmts[] = {"c%07x", "collide/long/%08x"};
    for (int f = 0; f < 2; f++) {
        char names[2][40];
        assert_true(find_collision(fmts[f], names));
        assert_string_not_equal(names[0], names[1]);
        wr_id ids[2];
        wb_error err;
        for (int i = 0; i < 2; i++) {
            assert_int_equal(wr_spawn(sys, &idle_spec, NULL, &ids[i], NULL), WB_OK);
            assert_int_equal(wr_register(sys, names[i], ids[i], &err), WB_OK);
        }
        assert_int_equal(wr_lookup(sys, names[0]), ids[0]);
        assert_int_equal(wr_lookup(sys, names[1]), ids[1]); /* probes past names[0] */
        assert_int_equal(wr_unregister(sys, names[0]), WB_OK);
        assert_int_equal(wr_lookup(sys, names[0]), 0);
        assert_int_equal(wr_lookup(sys, names[1]), ids[1]);
        assert_int_equal(wr_register(sys, names[0], ids[0], &err), WB_OK); /* after it now */
        assert_int_equal(wr_lookup(sys, names[0]), ids[0]);
        assert_int_equal(wr_unregister(sys, names[1]), WB_OK);
        assert_int_equal(wr_lookup(sys, names[1]), 0);
        assert_int_equal(wr_lookup(sys, names[0]), ids[0]);
    }
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(register_lookup_exit),
                                       cmocka_unit_test(lookup_cache_follows_changes),
                                       cmocka_unit_test(hash_collisions),
                                       cmocka_unit_test(retired_memory_waits_for_readers),
                                       cmocka_unit_test(lookups_race_exits_and_reregistrations),
                                       cmocka_unit_test(many_names_concurrent)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
