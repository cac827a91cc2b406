/* SPDX-License-Identifier: MIT */
/* The engine object: allocator and the linear-memory pool. Private to src/wasm. */
#ifndef WACTOR_WASM_ENGINE_H
#define WACTOR_WASM_ENGINE_H

#include "wactor/wasm.h"

struct wa_engine {
    wb_allocator alloc; /* immutable after wa_engine_new */
    uint32_t memory_pool_max;
};

#endif
