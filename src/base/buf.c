/* SPDX-License-Identifier: MIT */
/* Reference-counted immutable byte buffers (message payloads). */
#include "wactor/base.h"

#include <stdlib.h>
#include <string.h>

wb_buf *wb_buf_new(size_t len) {
    if (len > SIZE_MAX - sizeof(wb_buf)) return NULL;
    wb_buf *b = malloc(sizeof(wb_buf) + len);
    if (!b) return NULL;
    atomic_init(&b->refs, 1);
    b->_pad = 0;
    b->len = len;
    return b;
}

wb_buf *wb_buf_from(const void *data, size_t len) {
    wb_buf *b = wb_buf_new(len);
    if (b && len) memcpy(b->data, data, len);
    return b;
}

void wb_buf_unref(wb_buf *b) {
    if (!b) return;
    if (atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) free(b);
}
