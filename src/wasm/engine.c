/* SPDX-License-Identifier: MIT */
/* Engine lifetime. */
#include "engine.h"

#include "instance.h"

wa_engine *wa_engine_new(const wa_engine_config *cfg) {
    wb_allocator a = {0};
    if (cfg) a = cfg->alloc;
    wa_engine *e = wb_calloc(&a, 1, sizeof *e, WB_TAG_GENERIC);
    if (!e) return NULL;
    e->alloc = a;
    e->memory_pool_max = cfg && cfg->memory_pool_max ? cfg->memory_pool_max : 1024;
    e->pool = wb_calloc(&a, e->memory_pool_max, sizeof *e->pool, WB_TAG_GENERIC);
    if (!e->pool || pthread_mutex_init(&e->pool_lock, NULL) != 0) {
        wb_free(&a, e->pool, (size_t)e->memory_pool_max * sizeof *e->pool, WB_TAG_GENERIC);
        wb_free(&a, e, sizeof *e, WB_TAG_GENERIC);
        return NULL;
    }
    return e;
}

void wa_engine_free(wa_engine *e) {
    if (!e) return;
    for (uint32_t i = 0; i < e->nzombies; i++) wa_instance_unref(e->zombies[i]);
    wb_free(&e->alloc, e->zombies, (size_t)e->zombies_cap * sizeof *e->zombies, WB_TAG_GENERIC);
    wa__engine_pool_drain(e);
    pthread_mutex_destroy(&e->pool_lock);
    wb_allocator a = e->alloc;
    wb_free(&a, e->pool, (size_t)e->memory_pool_max * sizeof *e->pool, WB_TAG_GENERIC);
    wb_free(&a, e, sizeof *e, WB_TAG_GENERIC);
}
