/* SPDX-License-Identifier: MIT */
/* Content hashing (module cache keys, name tables) with Debian's xxHash. */
#include "wactor/base.h"

#include <xxhash.h>

uint64_t wb_hash64(const void *data, size_t len) { return XXH3_64bits(data, len); }

uint64_t wb_hash64_seed(const void *data, size_t len, uint64_t seed) {
    return XXH3_64bits_withSeed(data, len, seed);
}
