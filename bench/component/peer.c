/* SPDX-License-Identifier: MIT */
/* Benchmark guest: every component-side workload in one module. Commands come
 * as raw-text requests; plain messages are payloads to count (the host counts
 * handled messages, wc_info.messages). Imports only the `wactor` module.
 *   "ping"           reply with the payload (the other side of a round trip)
 *   "blast ID N"     send N 9-byte raw messages to component ID; reply with
 *                    the ns the sends took (guest clock)
 *   "rtt ID N"       N requests to ID, each waiting for its reply; reply with
 *                    the ns they took
 *   "spawn DEF N"    spawn N children of definition DEF; reply with the ns
 *   "spawnask DEF N" N times: spawn a child of DEF and wait for its answer to
 *                    a request (spawn -> serving latency); reply with the ns
 *   "crash"          trap (unreachable), also as a plain message */
#include "wactor.h"

static uint8_t g_in[256];
static uint8_t g_out[64];

/* Parses a decimal number at *p and skips one following space. */
static int64_t num(const char **p, const char *end) {
    int64_t v = 0;
    while (*p < end && **p >= '0' && **p <= '9') v = v * 10 + (*(*p)++ - '0');
    if (*p < end && **p == ' ') (*p)++;
    return v;
}

static int starts(const char *s, const char *end, const char *word) {
    while (*word)
        if (s >= end || *s++ != *word++) return 0;
    return 1;
}

static int32_t answer_ns(int64_t corr, int64_t v) {
    char t[24];
    int32_t n = 0, k = 0;
    char d[24];
    do d[k++] = (char)('0' + v % 10), v /= 10; while (v);
    while (k) t[n++] = d[--k];
    int32_t len = wactor_encode(WACTOR_CODEC_RAW, t, n, g_out, (int32_t)sizeof g_out);
    return wactor_reply(corr, g_out, len);
}

static int32_t blast(int64_t target, int64_t n) {
    static const uint8_t msg[9] = {0x55, 'm', 's', 'g', '-', 'b', 'o', 'd', 'y'};
    for (int64_t i = 0; i < n; i++) {
        int32_t st = wactor_send(target, msg, (int32_t)sizeof msg);
        if (st < 0) return st;
    }
    return 0;
}

static int32_t rtt(int64_t target, int64_t n) {
    static const uint8_t msg[] = {0x55, 'p', 'i', 'n', 'g'};
    uint8_t reply[16];
    for (int64_t i = 0; i < n; i++) {
        int32_t st = wactor_request(target, msg, (int32_t)sizeof msg, reply, (int32_t)sizeof reply, 10000);
        if (st != (int32_t)sizeof msg) return st < 0 ? st : WACTOR_ERROR;
    }
    return 0;
}

static int32_t spawn(const char *def, int32_t len, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        int64_t id = wactor_spawn(def, len);
        if (id < 0) return (int32_t)id;
    }
    return 0;
}

static int32_t spawn_ask(const char *def, int32_t len, int64_t n) {
    static const uint8_t msg[] = {0x55, 'h', 'i'};
    uint8_t reply[16];
    for (int64_t i = 0; i < n; i++) {
        int64_t id = wactor_spawn(def, len);
        if (id < 0) return (int32_t)id;
        int32_t st = wactor_request(id, msg, (int32_t)sizeof msg, reply, (int32_t)sizeof reply, 10000);
        if (st != (int32_t)sizeof msg) return st < 0 ? st : WACTOR_ERROR;
    }
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    int32_t n = wactor_msg_read(g_in, (int32_t)sizeof g_in);
    const char *p = (const char *)g_in + 1, *end = (const char *)g_in + n; /* after 0x55 */
    if (n < 1 || g_in[0] != 0x55) return 1;
    if (starts(p, end, "crash")) __builtin_trap();
    if (kind != WACTOR_KIND_REQUEST) return 0; /* counted by the host */
    if (starts(p, end, "ping")) return wactor_reply(corr, g_in, n) < 0;
    int64_t t0 = wactor_now_ns(), st = 0;
    if (starts(p, end, "blast ")) {
        p += 6;
        int64_t target = num(&p, end);
        st = blast(target, num(&p, end));
    } else if (starts(p, end, "rtt ")) {
        p += 4;
        int64_t target = num(&p, end);
        st = rtt(target, num(&p, end));
    } else if (starts(p, end, "spawnask ")) {
        p += 9;
        const char *def = p;
        while (p < end && *p != ' ') p++;
        int32_t dlen = (int32_t)(p - def);
        if (p < end) p++;
        st = spawn_ask(def, dlen, num(&p, end));
    } else if (starts(p, end, "spawn ")) {
        p += 6;
        const char *def = p;
        while (p < end && *p != ' ') p++;
        int32_t dlen = (int32_t)(p - def);
        if (p < end) p++;
        st = spawn(def, dlen, num(&p, end));
    } else {
        return 2;
    }
    if (st < 0) return (int32_t)-st + 100; /* an error reply names the code */
    return answer_ns(corr, wactor_now_ns() - t0) < 0;
}
