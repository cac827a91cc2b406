/* SPDX-License-Identifier: MIT */
/* Unsigned varints as the multiformats spec defines them (LEB128, <= 9 bytes,
 * minimal encoding). */
#include "wactor/base.h"

size_t wb_varint_encode(uint64_t v, uint8_t *out) {
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        out[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

size_t wb_varint_decode(const uint8_t *in, size_t len, uint64_t *v) {
    uint64_t r = 0;
    for (size_t i = 0; i < len && i < 9; i++) {
        uint8_t b = in[i];
        r |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0) return 0; /* overlong: not minimal */
            if (r >> 63) return 0;
            *v = r;
            return i + 1;
        }
    }
    return 0;
}
