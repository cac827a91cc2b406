/* SPDX-License-Identifier: MIT */
/* Small helpers for the demo components: text building without libc I/O (so
 * the components import only the `wactor` module) and payload shortcuts. */
#ifndef WACTOR_DEMO_H
#define WACTOR_DEMO_H

#include "wactor.h"

typedef struct text {
    char b[256];
    int32_t n;
} text;

static inline void t_str(text *t, const char *s) {
    while (*s && t->n < (int32_t)sizeof t->b - 1) t->b[t->n++] = *s++;
    t->b[t->n] = 0;
}

static inline void t_int(text *t, int64_t v) {
    char tmp[24];
    int k = 0;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    if (v < 0) t_str(t, "-");
    do tmp[k++] = (char)('0' + u % 10), u /= 10; while (u);
    while (k && t->n < (int32_t)sizeof t->b - 1) t->b[t->n++] = tmp[--k];
    t->b[t->n] = 0;
}

static inline void demo_log(text *t) { wactor_log(2, t->b, t->n); }

/* The value of the first "key": N in a JSON body, or -1. */
static inline int64_t json_int(const char *s, int32_t len, const char *key) {
    int32_t kl = 0;
    while (key[kl]) kl++;
    for (int32_t i = 0; i + kl + 3 <= len; i++) {
        if (s[i] != '"') continue;
        int32_t k = 0;
        while (k < kl && s[i + 1 + k] == key[k]) k++;
        if (k < kl || s[i + 1 + kl] != '"') continue;
        int32_t j = i + kl + 2;
        while (j < len && (s[j] == ':' || s[j] == ' ')) j++;
        int64_t v = 0;
        while (j < len && s[j] >= '0' && s[j] <= '9') v = v * 10 + (s[j++] - '0');
        return v;
    }
    return -1;
}

/* Reads the current message; returns the body (after the prefix) and its length. */
static inline const char *demo_read(int32_t len, int32_t *body_len) {
    static uint8_t buf[1024];
    if (len > (int32_t)sizeof buf) len = (int32_t)sizeof buf;
    int32_t n = wactor_msg_read(buf, len);
    uint32_t code = 0;
    int32_t off = wactor_split(buf, n, &code);
    *body_len = n - off;
    return (const char *)buf + off;
}

/* Payload = prefix + text, in a static buffer. */
static inline int32_t demo_payload(uint32_t codec, const text *t, uint8_t *out, int32_t cap) {
    return wactor_encode(codec, t->b, t->n, out, cap);
}

#endif
