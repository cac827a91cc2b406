/* SPDX-License-Identifier: MIT */
/* Private layout of the name registry (registry.c): a lock-free open-addressed
 * table with epoch-based reclamation. Only registry.c and its tests use it. */
#ifndef WACTOR_RT_REGISTRY_H
#define WACTOR_RT_REGISTRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "wactor/rt.h"

/* One registration. owner: the registry; what lookups read (id, len, name)
 * is immutable once the entry is published in a slot. */
typedef struct wr__reg_entry {
    struct wr__reg_entry *retired_next; /* writers only: retired list link */
    uint64_t retired_at;                /* writers only: epoch when unlinked */
    wr_id id;
    size_t len;
    char name[]; /* also pointed to by the actor's reg_name */
} wr__reg_entry;

/* A slot holds what a lookup needs, so that one cache line answers it: the
 * id, a 32-bit hash and the name's first bytes (all of it, NUL-padded, when
 * shorter than WR__REG_KEY). Written while the slot is empty, before entry
 * is published, and never again in this table (removing changes entry only,
 * and a removed slot is not reused: a rebuild drops it), so readers read
 * them plainly once they have seen entry. */
#define WR__REG_KEY 12
typedef struct wr__reg_slot {
    _Atomic(wr__reg_entry *) entry; /* NULL: never used; a marker: removed */
    wr_id id;
    uint32_t hash;                  /* low bits of the name's hash: placement, filter */
    char key[WR__REG_KEY];
} wr__reg_slot;
_Static_assert(sizeof(wr__reg_slot) == 32, "two slots a cache line");

typedef struct wr__reg_table {
    struct wr__reg_table *retired_next; /* writers only */
    uint64_t retired_at;
    size_t mask; /* slots - 1; the number of slots is a power of two */
    void *raw;   /* owner: the registry; the allocation, of which this is the
                    64-byte aligned part (slots never straddle cache lines) */
    wr__reg_slot slot[];
} wr__reg_table;
_Static_assert(offsetof(wr__reg_table, slot) % sizeof(wr__reg_slot) == 0, "slots stay within lines");

/* A reader's announcement: the epoch it began a lookup in, 0 when idle.
 * Written by its reader, read by writers; 128 bytes apart, so that no two
 * readers share a line, nor a pair of lines that the hardware prefetches
 * together. */
typedef struct wr__reg_reader {
    _Alignas(64) _Atomic uint64_t epoch;
    char apart_[120];
} wr__reg_reader;

#define WR__REG_EXT_READERS 16   /* records for threads that are not this system's workers */
#define WR__REG_RECLAIM_BATCH 64 /* retired entries gathered before a reclaim pass */

typedef struct wr__registry {
    /* read by every lookup, written by writers */
    _Atomic(wr__reg_table *) table; /* owner: registry */
    _Atomic uint64_t epoch;         /* bumped for each unlinked entry or table */
    wr__reg_reader *readers;        /* nworkers + WR__REG_EXT_READERS; worker i owns record i */
    unsigned nworkers;
    char apart_[64]; /* keeps the writers' fields off the line lookups read */
    /* writers (guarded by lock) */
    pthread_mutex_t lock;
    size_t count;                   /* live entries */
    size_t used;                    /* slots of the table ever filled (live or removed) */
    wr__reg_entry *retired;         /* unlinked entries, newest first; owner: registry */
    wr__reg_table *retired_tables;  /* replaced tables, newest first; owner: registry */
    size_t nretired;                /* entries on `retired` */
    void *readers_raw;              /* owner: registry; the unaligned block of readers */
} wr__registry;

#endif
