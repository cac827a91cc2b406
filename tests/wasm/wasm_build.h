/* SPDX-License-Identifier: MIT */
/* A tiny module builder for decoder/validator tests: byte buffers with
 * LEB128 writers and section framing, so tests spell modules by hand. */
#ifndef WACTOR_TESTS_WASM_BUILD_H
#define WACTOR_TESTS_WASM_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tb {
    uint8_t *p; /* owner: tb (tb_free) */
    size_t len, cap;
} tb;

static inline void tb_byte(tb *b, uint8_t v) {
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort(); /* test helper: out of memory ends the test run */
    }
    b->p[b->len++] = v;
}

static inline void tb_bytes(tb *b, const void *s, size_t n) {
    for (size_t i = 0; i < n; i++) tb_byte(b, ((const uint8_t *)s)[i]);
}

static inline void tb_u32(tb *b, uint64_t v) {
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        tb_byte(b, c | (v ? 0x80 : 0));
    } while (v);
}

static inline void tb_s64(tb *b, int64_t v) {
    for (;;) {
        uint8_t c = v & 0x7f;
        v >>= 7; /* arithmetic shift on every compiler we use */
        if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
            tb_byte(b, c);
            return;
        }
        tb_byte(b, c | 0x80);
    }
}

static inline void tb_name(tb *b, const char *s) {
    tb_u32(b, strlen(s));
    tb_bytes(b, s, strlen(s));
}

static inline void tb_header(tb *b) { tb_bytes(b, "\0asm\1\0\0\0", 8); }

/* Appends section `id` holding `content`, and empties content. */
static inline void tb_section(tb *b, uint8_t id, tb *content) {
    tb_byte(b, id);
    tb_u32(b, content->len);
    tb_bytes(b, content->p, content->len);
    content->len = 0;
}

static inline void tb_free(tb *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Type section entry from "ii:l" style signatures (i l f d, r=funcref,
 * e=externref). */
static inline void tb_functype(tb *b, const char *sig) {
    static const char codes[] = "ilfdre";
    static const uint8_t types[] = {0x7F, 0x7E, 0x7D, 0x7C, 0x70, 0x6F};
    const char *colon = strchr(sig, ':');
    tb_byte(b, 0x60);
    tb_u32(b, (uint64_t)(colon - sig));
    for (const char *c = sig; c < colon; c++) tb_byte(b, types[strchr(codes, *c) - codes]);
    tb_u32(b, strlen(colon + 1));
    for (const char *c = colon + 1; *c; c++) tb_byte(b, types[strchr(codes, *c) - codes]);
}

#endif
