/* SPDX-License-Identifier: MIT */
/* wactor guest SDK for C: the `wactor` import module, the export names a
 * component may define, and payload helpers. Header only; see docs/ABI.md.
 * Build: clang --target=wasm32-wasi -mexec-model=reactor -O2 my.c -o my.wasm */
#ifndef WACTOR_GUEST_H
#define WACTOR_GUEST_H

#include <stddef.h>
#include <stdint.h>

/* ---- what the host passes to handle_message as `kind` -------------------- */
enum {
    WACTOR_KIND_MESSAGE = 1, /* InterComponent: no reply expected */
    WACTOR_KIND_REQUEST = 2, /* InterComponentWithCorrelation: reply(correlation, ...) */
    WACTOR_KIND_EVENT = 3,   /* a publication on a subscribed topic (msg_topic) */
    WACTOR_KIND_DOWN = 4,    /* a monitored target ended (monitor): raw reason */
};

/* ---- status codes: 0 ok, negative errors --------------------------------- */
enum {
    WACTOR_OK = 0,
    WACTOR_DENIED = -1,      /* capability missing */
    WACTOR_NOT_FOUND = -2,   /* no such name / id / component */
    WACTOR_FULL = -3,        /* target mailbox full */
    WACTOR_TIMEOUT = -4,     /* no reply in time */
    WACTOR_TOO_LARGE = -5,   /* payload over the limit */
    WACTOR_DEAD = -6,        /* target stopped (or stopped while we waited) */
    WACTOR_INVALID = -7,     /* bad argument (pointer out of memory, bad pattern) */
    WACTOR_DECODE = -8,      /* payload prefix or body does not decode */
    WACTOR_THROTTLED = -9,   /* send rate limit */
    WACTOR_STATE = -10,      /* not allowed now (e.g. reply outside a request) */
    WACTOR_NOMEM = -11,
    WACTOR_UNSUPPORTED = -12,
    WACTOR_ERROR = -13,      /* the target answered with an error */
    WACTOR_LIMIT = -14,      /* a component or node limit refused it (e.g. spawn) */
};

/* Health, the result of the optional `health` export. */
enum { WACTOR_HEALTHY = 0, WACTOR_DEGRADED = 1, WACTOR_UNHEALTHY = 2 };

/* Multicodec codes (docs/ABI.md). */
#define WACTOR_CODEC_CBOR 0x51u
#define WACTOR_CODEC_RAW 0x55u
#define WACTOR_CODEC_JSON 0x0200u
#define WACTOR_CODEC_BORSH 0x3000b0u

#define WACTOR_IMPORT(name) __attribute__((import_module("wactor"), import_name(name)))
#define WACTOR_EXPORT(name) __attribute__((export_name(name)))

/* ---- the `wactor` import module ------------------------------------------ */
WACTOR_IMPORT("self") int64_t wactor_self(void);
/* Id of the component registered under name, or a negative error. */
WACTOR_IMPORT("lookup") int64_t wactor_lookup(const char *name, int32_t name_len);
WACTOR_IMPORT("send") int32_t wactor_send(int64_t target, const void *payload, int32_t len);
WACTOR_IMPORT("publish")
int32_t wactor_publish(const char *topic, int32_t topic_len, const void *payload, int32_t len);
WACTOR_IMPORT("subscribe") int32_t wactor_subscribe(const char *pattern, int32_t len);
/* Blocks this component (not its worker) until the reply or the timeout.
 * Copies up to out_cap reply bytes to out; returns the reply's full length
 * or a negative error. */
WACTOR_IMPORT("request")
int32_t wactor_request(int64_t target, const void *payload, int32_t len, void *out,
                       int32_t out_cap, int32_t timeout_ms);
WACTOR_IMPORT("reply") int32_t wactor_reply(int64_t correlation, const void *payload, int32_t len);
/* Waits (the component, not its worker) for the next message or publication:
 * copies up to cap payload bytes to dst, its sender to *sender, and returns
 * the payload's length, or WACTOR_TIMEOUT. A request that arrives meanwhile
 * gets the error reply STATE. Not in init/cleanup. */
WACTOR_IMPORT("receive")
int32_t wactor_receive(int32_t timeout_ms, void *dst, int32_t cap, int64_t *sender);
/* The current message's payload: copies up to cap bytes, returns the count. */
WACTOR_IMPORT("msg_read") int32_t wactor_msg_read(void *dst, int32_t cap);
/* The current event's topic (KIND_EVENT): copies up to cap bytes. */
WACTOR_IMPORT("msg_topic") int32_t wactor_msg_topic(char *dst, int32_t cap);
/* Spawns a child from the component named in the manifest/registry; its id. */
WACTOR_IMPORT("spawn") int64_t wactor_spawn(const char *component, int32_t len);
WACTOR_IMPORT("log") void wactor_log(int32_t level, const char *msg, int32_t len);
WACTOR_IMPORT("now_ns") int64_t wactor_now_ns(void);
/* Reason text for the next Degraded/Unhealthy health answer or error reply. */
WACTOR_IMPORT("set_reason") void wactor_set_reason(const char *msg, int32_t len);
/* Stops a child this component spawned (its cleanup runs). */
WACTOR_IMPORT("stop") int32_t wactor_stop(int64_t child);
WACTOR_IMPORT("unsubscribe") int32_t wactor_unsubscribe(const char *pattern, int32_t len);
/* Sends payload to target after delay_ms (a timer on the runtime's wheel, no
 * sleep); returns the timer's id for cancel_timer, or a negative error
 * (LIMIT past max_timers pending). Timers end with the component. */
WACTOR_IMPORT("send_after")
int64_t wactor_send_after(int64_t target, int32_t delay_ms, const void *payload, int32_t len);
WACTOR_IMPORT("cancel_timer") int32_t wactor_cancel_timer(int64_t timer);
/* Watches target (anything it may send to): when it ends, a message of kind
 * WACTOR_KIND_DOWN arrives from it, correlation = the returned reference,
 * payload = the raw reason ("normal", "error: ...", "noproc" ...). */
WACTOR_IMPORT("monitor") int64_t wactor_monitor(int64_t target);
WACTOR_IMPORT("demonitor") int32_t wactor_demonitor(int64_t ref);

/* ---- helpers -------------------------------------------------------------- */
static inline int32_t wactor_strlen_(const char *s) {
    int32_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Writes the varint prefix of code into out (>= 4 bytes); returns its length. */
static inline int32_t wactor_prefix(uint32_t code, uint8_t *out) {
    int32_t n = 0;
    do {
        uint8_t b = code & 0x7f;
        code >>= 7;
        out[n++] = (uint8_t)(b | (code ? 0x80 : 0));
    } while (code);
    return n;
}

/* Reads the prefix of p; returns its length (body follows) or 0 if bad. */
static inline int32_t wactor_split(const uint8_t *p, int32_t len, uint32_t *code) {
    uint32_t v = 0;
    for (int32_t i = 0; i < len && i < 4; i++) {
        v |= (uint32_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *code = v;
            return i + 1;
        }
    }
    return 0;
}

/* Builds "prefix + body" in buf (cap bytes); returns the length or -1. */
static inline int32_t wactor_encode(uint32_t code, const void *body, int32_t len, uint8_t *buf,
                                    int32_t cap) {
    uint8_t pre[4];
    int32_t n = wactor_prefix(code, pre);
    if (len < 0 || n + len > cap) return -1;
    for (int32_t i = 0; i < n; i++) buf[i] = pre[i];
    for (int32_t i = 0; i < len; i++) buf[n + i] = ((const uint8_t *)body)[i];
    return n + len;
}

static inline int64_t wactor_lookup_str(const char *name) {
    return wactor_lookup(name, wactor_strlen_(name));
}
static inline void wactor_log_str(int32_t level, const char *msg) {
    wactor_log(level, msg, wactor_strlen_(msg));
}

#endif
