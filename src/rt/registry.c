/* SPDX-License-Identifier: MIT */
/* The name registry: name -> actor id, one name per actor, dropped on exit. */
#include <string.h>

#include "rt/internal.h"

typedef struct reg_entry {
    struct reg_entry *next; /* owner: the bucket */
    wr_id id;
    size_t len;
    char name[]; /* also pointed to by the actor's reg_name */
} reg_entry;

struct wr__registry {
    pthread_mutex_t lock;
    reg_entry **buckets; /* owner: registry; guarded by lock */
    size_t nbuckets, count;
    uint64_t uid;        /* this registry among all that ever existed */
    uint64_t seq;        /* registrations so far; guarded by lock */
};

/* Lookups by name skip the lock through a small per-thread cache of
 * name -> (id, registration number): an entry is good while that actor is
 * alive with that very registration (a fresh number per register, so a name
 * dropped and given again never matches a stale entry). */
#define NAME_CACHE 64
#define NAME_CACHE_LEN 40
typedef struct name_slot {
    uint64_t hash, seq;
    wr_id id;
    char name[NAME_CACHE_LEN];
} name_slot;
static _Thread_local struct {
    uint64_t uid;
    name_slot slot[NAME_CACHE];
} tls_names;
static _Atomic uint64_t registry_uids;

wb_status wr__registry_new(wr_system *sys) {
    wr__registry *r = wb_calloc(&sys->alloc, 1, sizeof *r, WB_TAG_GENERIC);
    if (!r) return WB_NOMEM;
    r->nbuckets = 64;
    r->buckets = wb_calloc(&sys->alloc, r->nbuckets, sizeof *r->buckets, WB_TAG_GENERIC);
    if (!r->buckets) {
        wb_free(&sys->alloc, r, sizeof *r, WB_TAG_GENERIC);
        return WB_NOMEM;
    }
    pthread_mutex_init(&r->lock, NULL);
    r->uid = atomic_fetch_add(&registry_uids, 1) + 1;
    sys->registry = r;
    return WB_OK;
}

static void entry_free(wr_system *sys, reg_entry *e) {
    wb_free(&sys->alloc, e, sizeof *e + e->len + 1, WB_TAG_GENERIC);
}

void wr__registry_free(wr_system *sys) {
    wr__registry *r = sys->registry;
    if (!r) return;
    for (size_t i = 0; i < r->nbuckets; i++) {
        while (r->buckets[i]) {
            reg_entry *e = r->buckets[i];
            r->buckets[i] = e->next;
            entry_free(sys, e);
        }
    }
    pthread_mutex_destroy(&r->lock);
    wb_free(&sys->alloc, r->buckets, r->nbuckets * sizeof *r->buckets, WB_TAG_GENERIC);
    wb_free(&sys->alloc, r, sizeof *r, WB_TAG_GENERIC);
    sys->registry = NULL;
}

static reg_entry **find(wr__registry *r, const char *name, size_t len) {
    reg_entry **pp = &r->buckets[wb_hash64(name, len) & (r->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->next)
        if ((*pp)->len == len && !memcmp((*pp)->name, name, len)) return pp;
    return pp;
}

static void rehash(wr_system *sys, wr__registry *r) {
    size_t n = r->nbuckets * 2;
    reg_entry **nb = wb_calloc(&sys->alloc, n, sizeof *nb, WB_TAG_GENERIC);
    if (!nb) return; /* keep the longer chains */
    for (size_t i = 0; i < r->nbuckets; i++) {
        while (r->buckets[i]) {
            reg_entry *e = r->buckets[i];
            r->buckets[i] = e->next;
            size_t h = wb_hash64(e->name, e->len) & (n - 1);
            e->next = nb[h];
            nb[h] = e;
        }
    }
    wb_free(&sys->alloc, r->buckets, r->nbuckets * sizeof *r->buckets, WB_TAG_GENERIC);
    r->buckets = nb;
    r->nbuckets = n;
}

wb_status wr_register(wr_system *sys, const char *name, wr_id id, wb_error *err) {
    if (!sys || !name || !*name) return wb_error_set(err, WB_INVALID_ARG, "register: empty name");
    wr__registry *r = sys->registry;
    size_t len = strlen(name);
    pthread_mutex_lock(&r->lock);
    wr__actor *a = wr__live(sys, id);
    wb_status st = WB_OK;
    if (!a) {
        st = wb_error_set(err, WB_DEAD, "register '%s': actor is not alive", name);
    } else if (*find(r, name, len)) {
        st = wb_error_set(err, WB_EXISTS, "name '%s' is taken", name);
    } else if (atomic_load(&a->reg_name)) {
        st = wb_error_set(err, WB_EXISTS, "actor already has the name '%s'", atomic_load(&a->reg_name));
    } else {
        reg_entry *e = wb_alloc(&sys->alloc, sizeof *e + len + 1, WB_TAG_GENERIC);
        if (!e) {
            st = wb_error_set(err, WB_NOMEM, "no memory to register '%s'", name);
        } else {
            e->id = id;
            e->len = len;
            memcpy(e->name, name, len + 1);
            reg_entry **pp = find(r, name, len);
            e->next = NULL;
            *pp = e;
            atomic_store(&a->reg_name, e->name);
            atomic_store(&a->reg_seq, ++r->seq);
            if (++r->count > r->nbuckets) rehash(sys, r);
            /* It may have died between the check and here: undo then. */
            if (atomic_load(&a->id) != id) {
                pthread_mutex_unlock(&r->lock);
                wr_unregister(sys, name);
                return wb_error_set(err, WB_DEAD, "register '%s': actor exited", name);
            }
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
    name_slot *c = NULL;
    if (len < NAME_CACHE_LEN) {
        if (tls_names.uid != r->uid) {
            memset(&tls_names, 0, sizeof tls_names);
            tls_names.uid = r->uid;
        }
        c = &tls_names.slot[h & (NAME_CACHE - 1)];
        if (c->id && c->hash == h && !memcmp(c->name, name, len + 1)) {
            wr__actor *a = wr__slot(sys, c->id);
            if (a && atomic_load(&a->id) == c->id && atomic_load(&a->reg_seq) == c->seq) return c->id;
        }
    }
    pthread_mutex_lock(&r->lock);
    reg_entry *e = *find(r, name, len);
    wr_id id = e ? e->id : 0;
    uint64_t seq = 0;
    if (id) {
        wr__actor *a = wr__slot(sys, id);
        if (a && atomic_load(&a->reg_name) == e->name) seq = atomic_load(&a->reg_seq);
    }
    pthread_mutex_unlock(&r->lock);
    if (c && seq) {
        c->hash = h;
        c->seq = seq;
        c->id = id;
        memcpy(c->name, name, len + 1);
    }
    return id;
}

static bool remove_locked(wr_system *sys, wr__registry *r, const char *name, wr_id only) {
    reg_entry **pp = find(r, name, strlen(name));
    reg_entry *e = *pp;
    if (!e || (only && e->id != only)) return false;
    *pp = e->next;
    r->count--;
    wr__actor *a = wr__slot(sys, e->id);
    if (a) {
        char *expect = e->name;
        if (atomic_compare_exchange_strong(&a->reg_name, &expect, NULL)) atomic_store(&a->reg_seq, 0);
    }
    entry_free(sys, e);
    return true;
}

wb_status wr_unregister(wr_system *sys, const char *name) {
    if (!sys || !name) return WB_INVALID_ARG;
    wr__registry *r = sys->registry;
    pthread_mutex_lock(&r->lock);
    bool ok = remove_locked(sys, r, name, 0);
    pthread_mutex_unlock(&r->lock);
    return ok ? WB_OK : WB_NOT_FOUND;
}

void wr__registry_drop(wr_system *sys, wr__actor *a, wr_id id) {
    wr__registry *r = sys->registry;
    pthread_mutex_lock(&r->lock);
    char *name = atomic_load(&a->reg_name);
    if (name) remove_locked(sys, r, name, id);
    atomic_store(&a->reg_name, NULL);
    atomic_store(&a->reg_seq, 0);
    pthread_mutex_unlock(&r->lock);
}
