/* SPDX-License-Identifier: MIT */
/* Runtime objects: instances, functions, memories, tables, globals, and the
 * paused state of a call. Private to src/wasm. */
#ifndef WACTOR_WASM_INSTANCE_H
#define WACTOR_WASM_INSTANCE_H

#include <stdatomic.h>

#include "engine.h"
#include "ir.h"
#include "module.h"

/* What an instance's host memory is charged to (budget.c): its own limit
 * and, through `shared`, a budget of the embedder's. Refcounted, since tables
 * and memories it created may be held by other instances after it is gone. */
typedef struct wa_account {
    atomic_uint refs;
    wa_engine *engine;
    _Atomic uint64_t used;
    uint64_t max;      /* 0: unlimited */
    wa_budget *shared; /* may be NULL; owned by the embedder */
} wa_account;

wa_account *wa__account_new(wa_engine *e, uint64_t max, wa_budget *shared);
wa_account *wa__account_ref(wa_account *a);
void wa__account_unref(wa_account *a);
/* Charges n bytes to a (NULL: nothing to charge); false when over a limit. */
bool wa__charge(wa_account *a, uint64_t n);
void wa__uncharge(wa_account *a, uint64_t n);

/* Linear memory. Shared (refcounted) when exported and imported. The block
 * is mmap'ed with room to grow in place; pages are committed by first touch. */
typedef struct wa_memory {
    atomic_uint refs;
    wa_engine *engine;
    uint8_t *base;      /* owner: this (from the engine's pool) */
    uint64_t size;      /* bytes = pages * WA_PAGE_SIZE */
    size_t reserved;    /* bytes mapped at base */
    size_t dirty;       /* bytes that may be non-zero (high-water mark) */
    uint32_t pages;
    uint32_t max_pages; /* declared max clamped by the limit */
    bool has_max;       /* declared max (import matching) */
    uint32_t decl_max;
    uint32_t limit_pages; /* the instance limit applied at creation */
    uint32_t denied;      /* memory.grow calls refused by the limit */
    wa_account *acct;     /* owner: reference; charged for size; NULL for host memories */
} wa_memory;

typedef struct wa_table {
    atomic_uint refs;
    wa_engine *engine;
    wa_valtype elem;
    uint32_t size, cap;
    uint32_t max;       /* declared max clamped by the limit */
    bool has_max;
    uint32_t decl_max;
    void **elems;       /* owner: this; wa_func* or host externref */
    wa_account *acct;   /* owner: reference; charged for the struct and cap; may be NULL */
} wa_table;

typedef struct wa_global {
    atomic_uint refs;
    wa_engine *engine;
    wa_globaltype type;
    uint64_t val;       /* slot representation */
} wa_global;

struct wa_func {
    wa_instance *inst;         /* context the code runs in; the defining instance */
    wa_functype type;          /* arrays owned by the module or `owned_types` */
    uint64_t sig_hash;
    const wa_code *code;       /* NULL for host functions */
    wa_host_fn host;
    void *ud;
    wa_valtype *owned_types;   /* owner: this (linker host funcs only) */
};

/* A caller waiting for its callee to return. */
typedef struct wa_frame {
    const uint32_t *pc;  /* where the caller continues (NULL: the call's end) */
    wa_instance *inst;   /* the caller's context */
    const wa_code *code; /* the caller's code */
    uint32_t fp;         /* the caller's frame base, as a slot index */
} wa_frame;

enum { WA_STATE_IDLE, WA_STATE_RUNNING, WA_STATE_FUEL, WA_STATE_HOST };

struct wa_instance {
    atomic_uint refs;
    wa_module *module;      /* owner: reference */
    wa_engine *engine;
    void *user_data;
    wa_limits limits;       /* defaults filled in */
    wa_account *acct;       /* owner: reference; everything below is charged to it */
    uint64_t own_bytes;     /* charged for this struct, its arrays and globals */
    wa_func **funcs;        /* owner: this (array only); [nfuncs] */
    wa_func *own_funcs;     /* owner: this; [nfuncs] defined and host-import entries */
    wa_global **globals;    /* owner: this (array), each entry a reference */
    wa_table **tables;      /* owner: this (array), each entry a reference */
    wa_memory *memory;      /* owner: reference; memory 0 or NULL */
    uint8_t *data_dropped;  /* owner: this; [ndatas] */
    uint8_t *elem_dropped;  /* owner: this; [nelems] */
    wa_instance **deps;     /* owner: this (array), each a reference: instances we import from */
    uint32_t ndeps;

    /* A call started on this instance (cross-instance calls run on it too). */
    uint64_t *stack;        /* owner: this; value slots, grown on demand */
    uint32_t stack_slots;
    wa_frame *frames;       /* owner: this */
    uint32_t nframes, frames_cap;
    int state;
    const uint32_t *pc;     /* paused: where to continue */
    uint32_t fp;
    wa_instance *cur;       /* paused: whose context */
    const wa_code *code;    /* paused: whose code */
    uint32_t host_args;     /* paused in a host call: its argument/result slot */
    const wa_func *host_func;
    uint32_t nresults;      /* of the last finished call */
    const wa_valtype *result_types;
    uint64_t fuel_used;
    wa_trap trap;
};

/* interp.c */
wa_run_status wa__run(wa_instance *inst, uint64_t slice);
/* A call whose entry is a host function (args in inst->stack). */
wa_run_status wa__run_host(wa_instance *inst, const wa_func *f);
void wa__set_trap(wa_instance *inst, wa_trap_kind kind, const char *detail);

/* value.c: slot <-> typed value */
uint64_t wa__value_to_slot(wa_value v);
wa_value wa__slot_to_value(uint64_t s, wa_valtype t);

/* memory.c */
wa_memory *wa__memory_new(wa_engine *e, const wa_memtype *t, uint32_t limit_pages,
                          wa_account *acct, wb_error *err);
void wa__memory_unref(wa_memory *mem);
/* Grows by delta pages; returns the old page count or -1. */
int64_t wa__memory_grow(wa_memory *mem, uint64_t delta);
void wa__engine_pool_drain(wa_engine *e);

/* table.c */
wa_table *wa__table_new(wa_engine *e, const wa_tabletype *t, uint32_t limit, wa_account *acct,
                        wb_error *err);
void wa__table_unref(wa_table *t);
int64_t wa__table_grow(wa_table *t, uint64_t delta, void *init);

/* instance.c: bulk operations shared by the interpreter and instantiation */
wa_trap_kind wa__memory_init(wa_instance *inst, uint32_t seg, uint64_t d, uint64_t s, uint64_t n);
wa_trap_kind wa__table_init(wa_instance *inst, uint32_t table, uint32_t seg, uint64_t d,
                            uint64_t s, uint64_t n);
void *wa__elem_item(wa_instance *inst, const wa_const_expr *e);

/* linker.c: resolves one import; WB_OK with *out set to a referenced object. */
typedef struct wa_extern {
    wa_extern_kind kind;
    wa_func *func;
    wa_table *table;
    wa_memory *memory;
    wa_global *global;
    wa_instance *owner; /* instance export, NULL for host objects */
} wa_extern;
wb_status wa__linker_resolve(wa_linker *l, const wa_import *imp, const wa_functype *ftype,
                             wa_extern *out, wb_error *err);
bool wa__instance_export(wa_instance *inst, const char *name, uint32_t len, wa_extern *out);

#endif
