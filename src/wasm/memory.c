/* SPDX-License-Identifier: MIT */
/* Linear memory: mmap'ed blocks with room to grow in place, recycled through
 * the engine's pool (only the part that was ever in use is zeroed again). */
#define _GNU_SOURCE /* mremap */
#include <string.h>
#include <sys/mman.h>

#include "instance.h"

/* Reserve at least this much so small memories grow without remapping and
 * pooled blocks fit most modules. Pages are committed by first touch. */
#define WA_MIN_RESERVE ((size_t)64 << 20)
/* Above this, zeroing on reuse gives the pages back instead of memset. */
#define WA_ZERO_BY_MADVISE ((size_t)1 << 20)

static void block_zero(uint8_t *base, size_t dirty) {
    if (dirty == 0) return;
    if (dirty >= WA_ZERO_BY_MADVISE && madvise(base, dirty, MADV_DONTNEED) == 0) return;
    memset(base, 0, dirty);
}

/* A zeroed block of at least `want` bytes mapped (pooled when possible). */
static uint8_t *block_get(wa_engine *e, size_t want, size_t *reserved) {
    pthread_mutex_lock(&e->pool_lock);
    for (uint32_t i = e->pool_len; i-- > 0;) {
        wa_pool_block b = e->pool[i];
        if (b.reserved < want) continue;
        e->pool[i] = e->pool[--e->pool_len];
        pthread_mutex_unlock(&e->pool_lock);
        block_zero(b.base, b.dirty);
        *reserved = b.reserved;
        return b.base;
    }
    pthread_mutex_unlock(&e->pool_lock);
    void *p = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return NULL;
    *reserved = want;
    return p;
}

static void block_put(wa_engine *e, uint8_t *base, size_t reserved, size_t dirty) {
    /* big blocks give their pages back now rather than sit resident in the pool */
    if (dirty >= WA_ZERO_BY_MADVISE && madvise(base, dirty, MADV_DONTNEED) == 0) dirty = 0;
    pthread_mutex_lock(&e->pool_lock);
    if (e->pool_len < e->memory_pool_max && reserved <= WA_MIN_RESERVE) {
        e->pool[e->pool_len++] = (wa_pool_block){base, reserved, dirty};
        base = NULL;
    }
    pthread_mutex_unlock(&e->pool_lock);
    if (base) munmap(base, reserved);
}

void wa__engine_pool_drain(wa_engine *e) {
    for (uint32_t i = 0; i < e->pool_len; i++) munmap(e->pool[i].base, e->pool[i].reserved);
    e->pool_len = 0;
}

static uint64_t memory_bytes(uint64_t size) { return sizeof(wa_memory) + size; }

wa_memory *wa__memory_new(wa_engine *e, const wa_memtype *t, uint32_t limit_pages,
                          wa_account *acct, wb_error *err) {
    uint64_t max = t->limits.has_max ? t->limits.max : WA_MAX_PAGES;
    if (max > limit_pages) max = limit_pages;
    if (t->limits.min > max)
        return wb_error_set(err, WB_LIMIT, "memory minimum of %llu pages exceeds the limit of %u",
                            (unsigned long long)t->limits.min, limit_pages),
               NULL;
    uint64_t charge = memory_bytes(t->limits.min * WA_PAGE_SIZE);
    if (!wa__charge(acct, charge))
        return wb_error_set(err, WB_LIMIT, "memory minimum of %llu pages exceeds the memory budget",
                            (unsigned long long)t->limits.min),
               NULL;
    wa_memory *m = wb_calloc(&e->alloc, 1, sizeof *m, WB_TAG_INSTANCE);
    if (!m) {
        wa__uncharge(acct, charge);
        return wb_error_set(err, WB_NOMEM, "out of memory"), NULL;
    }
    atomic_init(&m->refs, 1);
    m->engine = e;
    m->pages = (uint32_t)t->limits.min;
    m->size = (uint64_t)m->pages * WA_PAGE_SIZE;
    m->max_pages = (uint32_t)max;
    m->has_max = t->limits.has_max;
    m->decl_max = (uint32_t)t->limits.max;
    m->limit_pages = limit_pages;
    /* A memory that can never grow past a few pages (declared maximum or the
     * limit) reserves just that: neighbouring small mappings then share
     * page-table pages, which is most of an idle component's footprint. */
    size_t want = WA_MIN_RESERVE;
    if (max * WA_PAGE_SIZE < want) want = (size_t)(max ? max : 1) * WA_PAGE_SIZE;
    if (m->size > want) want = m->size;
    m->base = block_get(e, want, &m->reserved);
    if (!m->base) {
        wa__uncharge(acct, charge);
        wb_free(&e->alloc, m, sizeof *m, WB_TAG_INSTANCE);
        return wb_error_set(err, WB_NOMEM, "cannot map %llu bytes of linear memory",
                            (unsigned long long)want),
               NULL;
    }
    m->dirty = m->size;
    m->acct = wa__account_ref(acct);
    return m;
}

void wa__memory_unref(wa_memory *m) {
    if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1) return;
    block_put(m->engine, m->base, m->reserved, m->dirty);
    wa__uncharge(m->acct, memory_bytes(m->size));
    wa__account_unref(m->acct);
    wb_free(&m->engine->alloc, m, sizeof *m, WB_TAG_INSTANCE);
}

int64_t wa__memory_grow(wa_memory *m, uint64_t delta) {
    uint32_t old = m->pages;
    if (delta == 0) return old;
    if ((uint64_t)old + delta > m->max_pages) {
        bool by_limit = (uint64_t)old + delta <= (m->has_max ? m->decl_max : WA_MAX_PAGES);
        if (by_limit) {
            m->denied++;
            wb_log(WB_LOG_INFO, "memory.grow to %llu pages refused by the limit of %u pages",
                   (unsigned long long)old + delta, m->limit_pages);
        }
        return -1;
    }
    uint64_t nsize = ((uint64_t)old + delta) * WA_PAGE_SIZE;
    if (!wa__charge(m->acct, nsize - m->size)) { /* the instance's or the node's budget */
        m->denied++;
        wb_log(WB_LOG_INFO, "memory.grow to %llu pages refused by the memory budget",
               (unsigned long long)old + delta);
        return -1;
    }
    if (nsize > m->reserved) {
        /* remap without copying: the kernel moves the page tables */
        size_t nres = m->reserved;
        while (nres < nsize) nres *= 2;
        void *p = mremap(m->base, m->reserved, nres, MREMAP_MAYMOVE);
        if (p == MAP_FAILED) {
            wa__uncharge(m->acct, nsize - m->size);
            return -1;
        }
        m->base = p;
        m->reserved = nres;
    }
    m->pages = (uint32_t)(old + delta);
    m->size = nsize;
    if (nsize > m->dirty) m->dirty = nsize;
    return old;
}
