/* SPDX-License-Identifier: MIT */
/* cbor_load behind a size check (cbor_guard.c); private to src/component. */
#ifndef WACTOR_COMPONENT_CBOR_GUARD_H
#define WACTOR_COMPONENT_CBOR_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

/* cbor_load of the first data item of b, or NULL with res->error.code
 * CBOR_ERR_MALFORMATED when that item is malformed, nests deeper than 64 or
 * declares more elements or bytes than remain in b. */
cbor_item_t *wc__cbor_load(const uint8_t *b, size_t len, struct cbor_load_result *res);

#endif
