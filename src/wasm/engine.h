/* SPDX-License-Identifier: MIT */
/* The engine object: allocator and the linear-memory pool. Private to src/wasm. */
#ifndef WACTOR_WASM_ENGINE_H
#define WACTOR_WASM_ENGINE_H

#include <pthread.h>

#include "wactor/wasm.h"

/* A released linear-memory mapping kept for the next instance. */
typedef struct wa_pool_block {
    uint8_t *base;   /* owner: the pool */
    size_t reserved; /* bytes mapped */
    size_t dirty;    /* bytes that may be non-zero */
} wa_pool_block;

struct wa_engine {
    wb_allocator alloc; /* immutable after wa_engine_new */
    uint32_t memory_pool_max;
    pthread_mutex_t pool_lock; /* guards the pool: instances die on any thread */
    wa_pool_block *pool;       /* owner: this; [memory_pool_max] */
    uint32_t pool_len;
    /* Instances whose instantiation failed after putting their functions
     * into an imported table: the table may still call them, so they live
     * until the engine goes. Guarded by pool_lock. */
    wa_instance **zombies; /* owner: this (array and references) */
    uint32_t nzombies, zombies_cap;
};

#endif
