/* SPDX-License-Identifier: MIT */
/* Restart delays: immediate, linear or exponential with cap and jitter. */
#include "rt/internal.h"

uint64_t wr_backoff_delay(const wr_backoff *b, uint32_t attempt, uint64_t random) {
    if (!b) return 0;
    uint64_t d;
    switch (b->kind) {
    case WR_BACKOFF_LINEAR:
        d = b->base_ns * ((uint64_t)attempt + 1);
        if (attempt && d / ((uint64_t)attempt + 1) != b->base_ns) d = UINT64_MAX; /* overflow */
        break;
    case WR_BACKOFF_EXPONENTIAL:
        d = attempt >= 63 || (b->base_ns << attempt) >> attempt != b->base_ns ? UINT64_MAX
                                                                               : b->base_ns << attempt;
        break;
    default:
        return 0;
    }
    if (b->max_ns && d > b->max_ns) d = b->max_ns;
    uint32_t pct = b->jitter_pct > 100 ? 100 : b->jitter_pct;
    if (pct && d != UINT64_MAX) {
        /* uniform in [d - d*pct/100, d + d*pct/100] */
        uint64_t spread = d / 100 * pct;
        uint64_t off = spread ? random % (2 * spread + 1) : 0;
        d = d - spread + off;
        if (b->max_ns && d > b->max_ns) d = b->max_ns;
    }
    return d;
}
