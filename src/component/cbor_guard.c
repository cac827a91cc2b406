/* SPDX-License-Identifier: MIT */
/* CBOR bodies are walked before libcbor decodes them. libcbor (0.8) allocates
 * what an array, map or string header declares before it reads a single
 * element, so a 6-byte payload could ask for 60 GB. Every element takes at
 * least one byte, so a body whose declared lengths fit in its remaining
 * bytes gets allocations in proportion to its size. The walk also checks
 * well-formedness (RFC 8949 appendix C) and bounds the nesting. */
#include "component/cbor_guard.h"

#include <stdbool.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct reader {
    const uint8_t *p;
    size_t len, off;
} reader;

/* Reads an item's head: major type, additional info and argument. */
static bool head(reader *r, uint8_t *major, uint8_t *ai, uint64_t *arg) {
    if (r->off >= r->len) return false;
    uint8_t b = r->p[r->off++];
    *major = b >> 5;
    *ai = b & 31;
    *arg = *ai;
    if (*ai < 24 || *ai == 31) return true;
    if (*ai > 27) return false; /* 28..30 are reserved */
    size_t n = (size_t)1 << (*ai - 24);
    if (r->len - r->off < n) return false;
    *arg = 0;
    for (size_t i = 0; i < n; i++) *arg = *arg << 8 | r->p[r->off++];
    return true;
}

static bool item(reader *r, int depth);

/* The rest of an indefinite-length item, up to its break: string chunks of
 * the same major type (chunk_major >= 0), or items (in pairs for a map). */
static bool until_break(reader *r, int depth, int chunk_major, bool pairs) {
    for (size_t n = 0;; n++) {
        if (r->off >= r->len) return false;
        if (r->p[r->off] == 0xff) {
            r->off++;
            return !pairs || n % 2 == 0;
        }
        if (chunk_major < 0) {
            if (!item(r, depth)) return false;
            continue;
        }
        uint8_t major, ai;
        uint64_t len;
        if (!head(r, &major, &ai, &len) || major != chunk_major || ai == 31 || len > r->len - r->off)
            return false;
        r->off += len;
    }
}

static bool item(reader *r, int depth) {
    uint8_t major, ai;
    uint64_t arg;
    if (depth > MAX_DEPTH || !head(r, &major, &ai, &arg)) return false;
    size_t left = r->len - r->off;
    switch (major) {
    case 0: /* unsigned and negative integers */
    case 1: return ai != 31;
    case 2: /* byte and text strings */
    case 3:
        if (ai == 31) return until_break(r, depth, major, false);
        if (arg > left) return false;
        r->off += arg;
        return true;
    case 4: /* arrays and maps */
    case 5: {
        if (ai == 31) return until_break(r, depth + 1, -1, major == 5);
        uint64_t per = major == 5 ? 2 : 1;
        if (arg > left / per) return false;
        for (uint64_t i = 0; i < arg * per; i++)
            if (!item(r, depth + 1)) return false;
        return true;
    }
    case 6: return ai != 31 && item(r, depth + 1); /* a tag and its item */
    default: /* simple values and floats; a break belongs to an indefinite item */
        return ai != 31 && !(ai == 24 && arg < 32);
    }
}

cbor_item_t *wc__cbor_load(const uint8_t *b, size_t len, struct cbor_load_result *res) {
    reader r = {b, len, 0};
    if (!item(&r, 0)) {
        memset(res, 0, sizeof *res);
        res->error.code = CBOR_ERR_MALFORMATED;
        res->error.position = r.off;
        return NULL;
    }
    return cbor_load(b, len, res);
}
