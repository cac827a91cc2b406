/* SPDX-License-Identifier: MIT */
/* wactor base: status codes, error details, allocator hook, time, hashing,
 * varints and reference-counted byte buffers. Every layer builds on this. */
#ifndef WACTOR_BASE_H
#define WACTOR_BASE_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes: defined once, expanded into enum, name and message ---- */
#define WB_STATUS_MAP(X)                                                     \
    X(OK, "ok")                                                              \
    X(NOMEM, "out of memory")                                                \
    X(INVALID_ARG, "invalid argument")                                       \
    X(MALFORMED, "malformed module")                                         \
    X(INVALID, "invalid module")                                             \
    X(UNLINKABLE, "unknown or incompatible import")                          \
    X(TRAP, "trap")                                                          \
    X(NOT_FOUND, "not found")                                                \
    X(EXISTS, "already exists")                                              \
    X(FULL, "full")                                                          \
    X(DEAD, "target is dead")                                                \
    X(TIMEOUT, "timed out")                                                  \
    X(DENIED, "permission denied")                                           \
    X(CLOSED, "closed")                                                      \
    X(LIMIT, "limit exceeded")                                               \
    X(IO, "input/output error")                                              \
    X(STATE, "operation not allowed in this state")                          \
    X(UNSUPPORTED, "unsupported")                                            \
    X(DECODE, "payload does not decode")

typedef enum wb_status {
#define WB_STATUS_ENUM_(name, msg) WB_##name,
    WB_STATUS_MAP(WB_STATUS_ENUM_)
#undef WB_STATUS_ENUM_
    WB_STATUS_COUNT_
} wb_status;

/* "WB_NOMEM" style identifier, and a human sentence. Never NULL. */
const char *wb_status_name(wb_status st);
const char *wb_status_str(wb_status st);

/* Details of a failure, filled by the callee into a struct the caller owns.
 * `msg` is always NUL-terminated; `file`/`line` are set in debug builds. */
typedef struct wb_error {
    wb_status status;
    const char *file;
    int line;
    char msg[256];
} wb_error;

/* Sets err (which may be NULL) and returns st, so callers can write
 * `return wb_error_set(err, WB_INVALID, "type mismatch at %u", off);`. */
wb_status wb_error_set_at(wb_error *err, wb_status st, const char *file, int line,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#ifndef NDEBUG
#define wb_error_set(err, st, ...) wb_error_set_at((err), (st), __FILE__, __LINE__, __VA_ARGS__)
#else
#define wb_error_set(err, st, ...) wb_error_set_at((err), (st), NULL, 0, __VA_ARGS__)
#endif
void wb_error_clear(wb_error *err);

/* ---- allocator hook (lua_Alloc style, tagged for accounting) ------------- */
typedef enum wb_alloc_tag {
    WB_TAG_GENERIC = 0,
    WB_TAG_ACTOR,
    WB_TAG_MAILBOX,
    WB_TAG_MESSAGE,
    WB_TAG_MODULE,
    WB_TAG_INSTANCE,
    WB_TAG_LINEAR_MEMORY,
    WB_TAG_STACK,
    WB_TAG_COUNT_
} wb_alloc_tag;

/* realloc-like: nsize == 0 frees ptr and returns NULL. */
typedef void *(*wb_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize, wb_alloc_tag tag);
typedef struct wb_allocator {
    wb_alloc_fn fn; /* NULL means the C library's malloc/realloc/free */
    void *ud;
} wb_allocator;

void *wb_alloc(const wb_allocator *a, size_t size, wb_alloc_tag tag);
void *wb_calloc(const wb_allocator *a, size_t n, size_t size, wb_alloc_tag tag);
void *wb_realloc(const wb_allocator *a, void *p, size_t osize, size_t nsize, wb_alloc_tag tag);
void wb_free(const wb_allocator *a, void *p, size_t size, wb_alloc_tag tag);

/* ---- time --------------------------------------------------------------- */
uint64_t wb_now_ns(void);      /* CLOCK_MONOTONIC */
uint64_t wb_wall_ns(void);     /* CLOCK_REALTIME */
void wb_sleep_ns(uint64_t ns);

/* ---- hashing (xxHash XXH3 64-bit) --------------------------------------- */
uint64_t wb_hash64(const void *data, size_t len);
uint64_t wb_hash64_seed(const void *data, size_t len, uint64_t seed);

/* ---- random (per-thread xorshift, seeded from the OS) -------------------- */
uint64_t wb_random_u64(void);
/* Fills buf from the OS random source; WB_IO on failure. */
wb_status wb_random_fill(void *buf, size_t len);

/* ---- unsigned varint (LEB128, as multiformats uses) ---------------------- */
#define WB_VARINT_MAX 10
/* Writes v into out (at least WB_VARINT_MAX bytes); returns bytes written. */
size_t wb_varint_encode(uint64_t v, uint8_t *out);
/* Reads a varint of at most 9 bytes (multiformats) from in[0..len). Returns the
 * bytes consumed, or 0 if truncated, overlong or over 63 bits. */
size_t wb_varint_decode(const uint8_t *in, size_t len, uint64_t *v);

/* ---- reference-counted immutable byte buffers ---------------------------- */
/* Payloads travel between threads as wb_buf; fan-out takes a ref, no copy.
 * Owner: every holder of a reference; the last wb_buf_unref frees it. */
typedef struct wb_buf {
    atomic_uint refs;
    uint32_t _pad;
    size_t len;
    uint8_t data[];
} wb_buf;

wb_buf *wb_buf_new(size_t len);                       /* data uninitialised */
wb_buf *wb_buf_from(const void *data, size_t len);    /* copy */
static inline wb_buf *wb_buf_ref(wb_buf *b) {
    if (b) atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
    return b;
}
void wb_buf_unref(wb_buf *b);

/* ---- logging (stderr; level set by WACTOR_LOG=error|warn|info|debug) ----- */
typedef enum wb_log_level { WB_LOG_ERROR, WB_LOG_WARN, WB_LOG_INFO, WB_LOG_DEBUG } wb_log_level;
void wb_log(wb_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool wb_log_enabled(wb_log_level lvl);

/* ---- internal invariants (never on input: input errors return a status) -- */
#ifndef NDEBUG
void wb_assert_fail(const char *expr, const char *file, int line);
#define WB_ASSERT(e) ((e) ? (void)0 : wb_assert_fail(#e, __FILE__, __LINE__))
#else
#define WB_ASSERT(e) ((void)0)
#endif

#define WB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define WB_CONTAINER_OF(ptr, type, field) ((type *)(void *)((char *)(ptr) - offsetof(type, field)))

#ifdef __cplusplus
}
#endif
#endif
