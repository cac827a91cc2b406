/* SPDX-License-Identifier: MIT */
/* Helpers shared by subcommands: reading files, function names from the
 * "name" custom section. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

wb_status cli__read_file(const char *path, uint8_t **data, size_t *len, wb_error *err) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return wb_error_set(err, WB_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    wb_status st = !buf ? WB_NOMEM : ferror(f) ? WB_IO : WB_OK;
    fclose(f);
    if (st != WB_OK) {
        free(buf);
        return wb_error_set(err, st, "cannot read '%s': %s", path, wb_status_str(st));
    }
    *data = buf;
    *len = n;
    return WB_OK;
}

/* Unsigned LEB128 of at most 32 bits; false when truncated or too long. */
static bool leb_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (*p >= end) return false;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX) return false;
            *out = (uint32_t)v;
            return true;
        }
    }
    return false;
}

/* Looks index up in subsection 1 (function names) of one "name" section. */
static const char *names_lookup(const uint8_t *p, const uint8_t *end, uint32_t index,
                                uint32_t *len) {
    while (p < end) {
        uint8_t id = *p++;
        uint32_t size;
        if (!leb_u32(&p, end, &size) || size > (size_t)(end - p)) return NULL;
        const uint8_t *sub_end = p + size;
        if (id == 1) {
            uint32_t count;
            if (!leb_u32(&p, sub_end, &count)) return NULL;
            for (uint32_t i = 0; i < count; i++) {
                uint32_t idx, nlen;
                if (!leb_u32(&p, sub_end, &idx) || !leb_u32(&p, sub_end, &nlen) ||
                    nlen > (size_t)(sub_end - p))
                    return NULL;
                if (idx == index) {
                    *len = nlen;
                    return (const char *)p;
                }
                p += nlen;
            }
            return NULL;
        }
        p = sub_end;
    }
    return NULL;
}

const char *cli__func_name(const wa_module *m, uint32_t index, uint32_t *len) {
    uint32_t n = wa_module_custom_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wa_custom_info c = wa_module_custom(m, i);
        if (c.name.len == 4 && memcmp(c.name.str, "name", 4) == 0)
            return names_lookup(c.data, c.data + c.len, index, len);
    }
    return NULL;
}

/* Digits at s: the value and where they end; false on none or overflow. */
static bool digits(const char *s, unsigned long long *v, char **end) {
    if (!s || *s < '0' || *s > '9') return false;
    errno = 0;
    *v = strtoull(s, end, 10);
    return errno == 0;
}

bool cli__parse_count(const char *s, uint64_t max, uint64_t *out) {
    unsigned long long v;
    char *end;
    if (!digits(s, &v, &end) || *end || v > max) return false;
    *out = v;
    return true;
}

bool cli__parse_size(const char *s, uint64_t *out) {
    unsigned long long v;
    char *end;
    if (!digits(s, &v, &end)) return false;
    unsigned shift = 0;
    if (*end == 'K') shift = 10;
    else if (*end == 'M') shift = 20;
    else if (*end == 'G') shift = 30;
    if (shift) end++;
    if (*end || v > (UINT64_MAX >> shift)) return false;
    *out = (uint64_t)v << shift;
    return true;
}
