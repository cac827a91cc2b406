/* SPDX-License-Identifier: MIT */
/* The name registry: name -> actor id, one name per actor, dropped on exit.
 *
 * Lookups take no lock. The table is open-addressed (linear probing, names
 * hashed with wb_hash64), its slots hold the id and the name's first bytes
 * (registry.h), so a lookup of a short name reads one cache line of it.
 * Writers (register, unregister, exit) are serialised by the mutex, and a
 * reader sees each slot either before or after a change:
 * - insert into an empty slot: id, hash and key, then the entry pointer
 *   (release);
 * - remove: the entry pointer becomes a tombstone (probes go on past it);
 * - grow, or clean out tombstones: a new table is filled, then published.
 * A slot never goes back to empty, nor is refilled, in a published table: a
 * probe that meets an empty slot knows the name is absent at that moment,
 * and what a reader read of a slot stays true for it.
 *
 * Entries are immutable once published, so the only hazard is memory that a
 * writer unlinked (a removed entry, a replaced table) while a reader may
 * still hold it. Epochs keep it safe: a reader announces the global epoch in
 * its own record for the length of one lookup (workers each own one; other
 * threads claim one of WR__REG_EXT_READERS by compare-and-swap, or take the
 * mutex when all are busy); a writer tags what it unlinks with a fresh epoch
 * and frees it only once no record still shows an older one. Readers never
 * wait; writers never wait either: what cannot be freed yet stays on the
 * retired lists until a later write (or the system's end) frees it. */
#include <stddef.h>
#include <string.h>

#include "rt/internal.h"
#include "rt/registry.h"

#define REG_MIN_SLOTS 16

static wr__reg_entry reg_tomb; /* the address marks a removed slot; never read */
static _Thread_local unsigned tls_ext_hint; /* last external record this thread claimed */

static size_t readers_bytes(unsigned n) { return n * sizeof(wr__reg_reader) + 63; }
static size_t table_bytes(size_t slots) { return sizeof(wr__reg_table) + slots * sizeof(wr__reg_slot) + 63; }
static size_t entry_bytes(const wr__reg_entry *e) { return sizeof *e + e->len + 1; }

static wr__reg_table *table_new(wr_system *sys, size_t slots) {
    void *raw = wb_calloc(&sys->alloc, 1, table_bytes(slots), WB_TAG_GENERIC);
    if (!raw) return NULL;
    wr__reg_table *t = (wr__reg_table *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
    t->mask = slots - 1;
    t->raw = raw;
    return t;
}

wb_status wr__registry_new(wr_system *sys) {
    wr__registry *r = wb_calloc(&sys->alloc, 1, sizeof *r, WB_TAG_GENERIC);
    if (!r) return WB_NOMEM;
    r->nworkers = sys->nworkers;
    unsigned nreaders = r->nworkers + WR__REG_EXT_READERS;
    r->readers_raw = wb_calloc(&sys->alloc, 1, readers_bytes(nreaders), WB_TAG_GENERIC);
    wr__reg_table *t = table_new(sys, REG_MIN_SLOTS);
    if (!r->readers_raw || !t) {
        if (t) wb_free(&sys->alloc, t->raw, table_bytes(REG_MIN_SLOTS), WB_TAG_GENERIC);
        if (r->readers_raw) wb_free(&sys->alloc, r->readers_raw, readers_bytes(nreaders), WB_TAG_GENERIC);
        wb_free(&sys->alloc, r, sizeof *r, WB_TAG_GENERIC);
        return WB_NOMEM;
    }
    r->readers = (wr__reg_reader *)(((uintptr_t)r->readers_raw + 63) & ~(uintptr_t)63);
    atomic_init(&r->table, t);
    atomic_init(&r->epoch, 1);
    pthread_mutex_init(&r->lock, NULL);
    sys->registry = r;
    return WB_OK;
}

static void entry_free(wr_system *sys, wr__reg_entry *e) {
    wb_free(&sys->alloc, e, entry_bytes(e), WB_TAG_GENERIC);
}

static void table_free(wr_system *sys, wr__reg_table *t) {
    wb_free(&sys->alloc, t->raw, table_bytes(t->mask + 1), WB_TAG_GENERIC);
}

/* Frees what was retired at or before `upto` (the lists are newest first). */
static void free_retired(wr_system *sys, wr__registry *r, uint64_t upto) {
    wr__reg_entry **pe = &r->retired;
    while (*pe && (*pe)->retired_at > upto) pe = &(*pe)->retired_next;
    for (wr__reg_entry *e = *pe, *next; e; e = next) {
        next = e->retired_next;
        entry_free(sys, e);
        r->nretired--;
    }
    *pe = NULL;
    wr__reg_table **pt = &r->retired_tables;
    while (*pt && (*pt)->retired_at > upto) pt = &(*pt)->retired_next;
    for (wr__reg_table *t = *pt, *next; t; t = next) {
        next = t->retired_next;
        table_free(sys, t);
    }
    *pt = NULL;
}

void wr__registry_free(wr_system *sys) {
    wr__registry *r = sys->registry;
    if (!r) return;
    wr__reg_table *t = atomic_load(&r->table);
    for (size_t i = 0; i <= t->mask; i++) {
        wr__reg_entry *e = atomic_load_explicit(&t->slot[i].entry, memory_order_relaxed);
        if (e && e != &reg_tomb) entry_free(sys, e);
    }
    table_free(sys, t);
    free_retired(sys, r, UINT64_MAX);
    pthread_mutex_destroy(&r->lock);
    wb_free(&sys->alloc, r->readers_raw, readers_bytes(r->nworkers + WR__REG_EXT_READERS), WB_TAG_GENERIC);
    wb_free(&sys->alloc, r, sizeof *r, WB_TAG_GENERIC);
    sys->registry = NULL;
}

/* ---- epochs ------------------------------------------------------------------ */

/* Announces a lookup: returns the caller's record, or NULL when none was free
 * (the caller then reads under the mutex). The announcement is a seq_cst
 * store and the table loads that follow are seq_cst: a writer that finds the
 * record idle after unlinking something is sure this lookup cannot see it. */
static _Atomic uint64_t *reader_enter(wr_system *sys, wr__registry *r) {
    uint64_t now = atomic_load_explicit(&r->epoch, memory_order_acquire);
    wr__worker *w = wr__current_worker(sys);
    if (w) {
        _Atomic uint64_t *rec = &r->readers[w->index].epoch;
        atomic_store(rec, now);
        return rec;
    }
    unsigned first = tls_ext_hint;
    for (unsigned k = 0; k < WR__REG_EXT_READERS; k++) {
        unsigned i = (first + k) % WR__REG_EXT_READERS;
        _Atomic uint64_t *rec = &r->readers[r->nworkers + i].epoch;
        uint64_t idle = 0;
        if (atomic_load_explicit(rec, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong(rec, &idle, now)) {
            tls_ext_hint = i;
            return rec;
        }
    }
    return NULL;
}

static void reader_exit(_Atomic uint64_t *rec) { atomic_store_explicit(rec, 0, memory_order_release); }

/* The oldest epoch a reader is in (UINT64_MAX when none reads). */
static uint64_t oldest_reader(wr__registry *r) {
    uint64_t oldest = UINT64_MAX;
    for (unsigned i = 0; i < r->nworkers + WR__REG_EXT_READERS; i++) {
        uint64_t e = atomic_load(&r->readers[i].epoch);
        if (e && e < oldest) oldest = e;
    }
    return oldest;
}

/* Frees what no reader can hold any more: anything retired at epoch E once
 * every record is idle or shows E or later (such a reader began after the
 * unlink, which its acquire of the epoch made visible to it). */
static void reclaim(wr_system *sys, wr__registry *r) {
    if (r->retired || r->retired_tables) free_retired(sys, r, oldest_reader(r));
}

/* Called with the lock held, after the entry's slot became TOMB. */
static void retire_entry(wr_system *sys, wr__registry *r, wr__reg_entry *e) {
    e->retired_at = atomic_fetch_add(&r->epoch, 1) + 1;
    e->retired_next = r->retired;
    r->retired = e;
    if (++r->nretired >= WR__REG_RECLAIM_BATCH) reclaim(sys, r);
}

/* ---- the table ----------------------------------------------------------------- */

/* The slot holding `name` (its entry in *out), or NULL. Safe for readers:
 * the entry loads are seq_cst (plain loads on x86), see reader_enter. A
 * name shorter than the key is decided by the slot alone (its key is the
 * name NUL-padded, while a longer name's key has no NUL); a longer one by
 * the entry, once the hash and the key's bytes match. */
static wr__reg_slot *probe(wr__reg_table *t, const char *name, size_t len, uint64_t h,
                           wr__reg_entry **out) {
    char key[WR__REG_KEY] = {0};
    memcpy(key, name, len < WR__REG_KEY ? len : WR__REG_KEY);
    size_t mask = t->mask;
    uint32_t h32 = (uint32_t)h;
    for (size_t i = h32 & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
        wr__reg_slot *s = &t->slot[i];
        wr__reg_entry *e = atomic_load(&s->entry);
        if (!e) return NULL;
        if (e == &reg_tomb || s->hash != h32 || memcmp(s->key, key, WR__REG_KEY)) continue;
        if (len < WR__REG_KEY || (e->len == len && !memcmp(e->name, name, len))) {
            *out = e;
            return s;
        }
    }
    return NULL;
}

/* Fills the first empty slot from hash h's place with e; the table must have
 * one and the name be absent. Writers only; published by the entry store
 * (release), or with the table when it is not published yet. */
static void fill_slot(wr__reg_table *t, uint32_t h32, wr__reg_entry *e, wr_id id,
                      const char *key) {
    size_t i = h32 & t->mask;
    while (atomic_load_explicit(&t->slot[i].entry, memory_order_relaxed)) i = (i + 1) & t->mask;
    wr__reg_slot *s = &t->slot[i];
    s->id = id;
    s->hash = h32;
    memcpy(s->key, key, WR__REG_KEY);
    atomic_store(&s->entry, e);
}

/* Replaces the table by one sized for count + 1 live entries at most half
 * full, without tombstones; the old one is retired. False when out of memory. */
static bool rebuild(wr_system *sys, wr__registry *r, wr__reg_table *old) {
    size_t slots = REG_MIN_SLOTS;
    while (slots / 2 < r->count + 1) slots *= 2;
    if (slots > ((size_t)1 << 31)) return false; /* placement uses 32 hash bits */
    wr__reg_table *t = table_new(sys, slots);
    if (!t) return false;
    for (size_t i = 0; i <= old->mask; i++) {
        wr__reg_slot *s = &old->slot[i];
        wr__reg_entry *e = atomic_load_explicit(&s->entry, memory_order_relaxed);
        if (e && e != &reg_tomb) fill_slot(t, s->hash, e, s->id, s->key);
    }
    atomic_store(&r->table, t); /* publishes the filled slots */
    r->used = r->count;
    old->retired_at = atomic_fetch_add(&r->epoch, 1) + 1;
    old->retired_next = r->retired_tables;
    r->retired_tables = old;
    reclaim(sys, r);
    return true;
}

/* The table with room for one more entry (at most 3/4 of the slots used
 * after it), or NULL when it is too full and a bigger one cannot be had. */
static wr__reg_table *room_for_one(wr_system *sys, wr__registry *r) {
    wr__reg_table *t = atomic_load_explicit(&r->table, memory_order_relaxed);
    size_t slots = t->mask + 1;
    if ((r->used + 1) * 4 <= slots * 3) return t;
    if (rebuild(sys, r, t)) return atomic_load_explicit(&r->table, memory_order_relaxed);
    return (r->used + 1) * 8 <= slots * 7 ? t : NULL; /* keep probing the fuller table */
}

/* Removes the slot's entry (lock held) and lets go of the actor's name. */
static void remove_locked(wr_system *sys, wr__registry *r, wr__reg_slot *s, wr__reg_entry *e) {
    atomic_store(&s->entry, &reg_tomb);
    r->count--;
    wr__actor *a = wr__slot(sys, e->id);
    if (a) {
        char *expect = e->name;
        atomic_compare_exchange_strong(&a->reg_name, &expect, NULL);
    }
    retire_entry(sys, r, e);
}

/* Removes `name` if it is registered (to `only`, unless 0); lock held. */
static bool remove_name(wr_system *sys, wr__registry *r, const char *name, wr_id only) {
    size_t len = strlen(name);
    wr__reg_entry *e = NULL;
    wr__reg_table *t = atomic_load_explicit(&r->table, memory_order_relaxed);
    wr__reg_slot *s = probe(t, name, len, wb_hash64(name, len), &e);
    if (!s || (only && e->id != only)) return false;
    remove_locked(sys, r, s, e);
    return true;
}

/* ---- API ------------------------------------------------------------------------- */

wb_status wr_register(wr_system *sys, const char *name, wr_id id, wb_error *err) {
    if (!sys || !name || !*name) return wb_error_set(err, WB_INVALID_ARG, "register: empty name");
    wr__registry *r = sys->registry;
    size_t len = strlen(name);
    uint64_t h = wb_hash64(name, len);
    wr__reg_entry *e = NULL;
    pthread_mutex_lock(&r->lock);
    wr__actor *a = wr__live(sys, id);
    wr__reg_table *t = atomic_load_explicit(&r->table, memory_order_relaxed);
    wb_status st = WB_OK;
    if (!a) {
        st = wb_error_set(err, WB_DEAD, "register '%s': actor is not alive", name);
    } else if (probe(t, name, len, h, &e)) {
        st = wb_error_set(err, WB_EXISTS, "name '%s' is taken", name);
    } else if (atomic_load(&a->reg_name)) {
        st = wb_error_set(err, WB_EXISTS, "actor already has the name '%s'", atomic_load(&a->reg_name));
    } else if (!(t = room_for_one(sys, r)) ||
               !(e = wb_alloc(&sys->alloc, sizeof *e + len + 1, WB_TAG_GENERIC))) {
        st = wb_error_set(err, WB_NOMEM, "no memory to register '%s'", name);
    } else {
        e->retired_next = NULL;
        e->retired_at = 0;
        e->id = id;
        e->len = len;
        memcpy(e->name, name, len + 1);
        char key[WR__REG_KEY] = {0};
        memcpy(key, name, len < WR__REG_KEY ? len : WR__REG_KEY);
        fill_slot(t, (uint32_t)h, e, id, key);
        r->used++;
        r->count++;
        atomic_store(&a->reg_name, e->name);
        /* It may have died between the check and here: undo then (its exit
         * either saw reg_name and waits for the lock, or we see its id gone). */
        if (atomic_load(&a->id) != id) {
            remove_name(sys, r, name, id);
            st = wb_error_set(err, WB_DEAD, "register '%s': actor exited", name);
        }
    }
    pthread_mutex_unlock(&r->lock);
    return st;
}

wr_id wr_lookup(wr_system *sys, const char *name) {
    if (!sys || !name) return 0;
    wr__registry *r = sys->registry;
    size_t len = strlen(name);
    uint64_t h = wb_hash64(name, len);
    wr__reg_entry *e = NULL;
    _Atomic uint64_t *rec = reader_enter(sys, r);
    if (!rec) pthread_mutex_lock(&r->lock);
    wr__reg_slot *s = probe(atomic_load(&r->table), name, len, h, &e);
    wr_id id = s ? s->id : 0;
    if (rec) reader_exit(rec);
    else pthread_mutex_unlock(&r->lock);
    return id;
}

wb_status wr_unregister(wr_system *sys, const char *name) {
    if (!sys || !name) return WB_INVALID_ARG;
    wr__registry *r = sys->registry;
    pthread_mutex_lock(&r->lock);
    bool ok = remove_name(sys, r, name, 0);
    pthread_mutex_unlock(&r->lock);
    return ok ? WB_OK : WB_NOT_FOUND;
}

void wr__registry_drop(wr_system *sys, wr__actor *a, wr_id id) {
    wr__registry *r = sys->registry;
    pthread_mutex_lock(&r->lock);
    char *name = atomic_load(&a->reg_name);
    if (name) remove_name(sys, r, name, id);
    atomic_store(&a->reg_name, NULL);
    pthread_mutex_unlock(&r->lock);
}
