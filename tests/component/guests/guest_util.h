/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the test guests: text commands and replies
 * without libc I/O, so the guests import only the `wactor` module. */
#ifndef GUEST_UTIL_H
#define GUEST_UTIL_H

#include "wactor.h"

/* Current message body (prefix removed) in a static buffer, NUL-terminated. */
static char g_msg[4096];
static int32_t g_msg_len;

static inline int32_t guest_read(int32_t len) {
    static uint8_t raw[4096 + 8];
    if (len > (int32_t)sizeof raw) len = (int32_t)sizeof raw;
    int32_t n = wactor_msg_read(raw, len);
    uint32_t code = 0;
    int32_t off = wactor_split(raw, n, &code);
    g_msg_len = n - off;
    if (g_msg_len > (int32_t)sizeof g_msg - 1) g_msg_len = (int32_t)sizeof g_msg - 1;
    for (int32_t i = 0; i < g_msg_len; i++) g_msg[i] = (char)raw[off + i];
    g_msg[g_msg_len] = 0;
    return g_msg_len;
}

static inline int guest_starts(const char *s, const char *prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return 0;
    return 1;
}

/* Splits the next space-separated word off *s (in place). */
static inline char *guest_word(char **s) {
    char *w = *s;
    while (**s && **s != ' ') (*s)++;
    if (**s) *(*s)++ = 0;
    return w;
}

static inline int32_t guest_atoi(const char *s) {
    int32_t v = 0, neg = 0;
    if (*s == '-') neg = 1, s++;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

/* Appends decimal v to buf at *n. */
static inline void guest_itoa(char *buf, int32_t *n, int64_t v) {
    char tmp[24];
    int32_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    if (v < 0) buf[(*n)++] = '-';
    do tmp[k++] = (char)('0' + u % 10), u /= 10; while (u);
    while (k) buf[(*n)++] = tmp[--k];
}

static inline void guest_cat(char *buf, int32_t *n, const char *s) {
    while (*s) buf[(*n)++] = *s++;
}

/* Replies (or, for a plain message, sends back) raw text. */
static inline int32_t guest_answer(int64_t sender, int32_t kind, int64_t corr, const char *text,
                                   int32_t len) {
    static uint8_t out[4096 + 8];
    int32_t n = wactor_encode(WACTOR_CODEC_RAW, text, len, out, (int32_t)sizeof out);
    if (n < 0) return WACTOR_TOO_LARGE;
    if (kind == WACTOR_KIND_REQUEST) return wactor_reply(corr, out, n);
    return wactor_send(sender, out, n);
}

/* "ok N" or "err N" */
static inline int32_t guest_status(int64_t sender, int32_t kind, int64_t corr, int64_t v) {
    char t[40];
    int32_t n = 0;
    guest_cat(t, &n, v < 0 ? "err " : "ok ");
    guest_itoa(t, &n, v);
    return guest_answer(sender, kind, corr, t, n);
}

#endif
