/* SPDX-License-Identifier: MIT */
/* Hostile test guest: abuses the host imports on command and answers with
 * the status codes it got back (each a space-separated "N"):
 *   unknown           send to ids no component has: 0, -1, a made-up id
 *   sendto ID         a send and a request to ID
 *   badptr            payloads, names and buffers outside linear memory or
 *                     with negative lengths (send, lookup, publish, msg_read,
 *                     receive, reply)
 *   oversize NAME N   sends N bytes (grown memory) to NAME: TOO_LARGE past
 *                     the limit
 *   grow              memory.grow by one page until refused: the page count
 *   spin              wactor_receive(0) in an endless loop (fuel must stop it) */
#include "guest_util.h"

static int32_t append(char *t, int32_t n, int64_t v) {
    if (n) t[n++] = ' ';
    guest_itoa(t, &n, v);
    return n;
}

static int32_t cmd_unknown(char *t) {
    static uint8_t p[2] = {WACTOR_CODEC_RAW, 'x'};
    int32_t n = 0;
    n = append(t, n, wactor_send(0, p, 2));
    n = append(t, n, wactor_send(-1, p, 2));
    n = append(t, n, wactor_send(0x7fffffff00000123LL, p, 2));
    static uint8_t out[16];
    n = append(t, n, wactor_request(0x7fffffff00000123LL, p, 2, out, 16, 100));
    n = append(t, n, wactor_lookup_str("no-such-component"));
    return n;
}

static int32_t cmd_badptr(char *t) {
    static uint8_t p[2] = {WACTOR_CODEC_RAW, 'x'};
    int64_t self = wactor_self();
    int32_t n = 0;
    const void *far = (const void *)(uintptr_t)0xfffffff0u;
    n = append(t, n, wactor_send(self, far, 64));
    n = append(t, n, wactor_send(self, p, -1));
    n = append(t, n, wactor_lookup((const char *)far, 32));
    n = append(t, n, wactor_lookup("x", -5));
    n = append(t, n, wactor_publish((const char *)far, 8, p, 2));
    n = append(t, n, wactor_msg_read((void *)(uintptr_t)0xfffffff0u, 64));
    int64_t sender;
    n = append(t, n, wactor_receive(0, (void *)(uintptr_t)0xfffffff0u, 64, &sender));
    n = append(t, n, wactor_reply(12345, p, 2));
    return n;
}

static int32_t cmd_oversize(char *t, char *s) {
    int64_t target = wactor_lookup_str(guest_word(&s));
    int32_t len = guest_atoi(s);
    if (target < 0) return append(t, 0, target);
    /* room for len bytes past the current end of memory */
    uint32_t base = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    uint32_t pages = ((uint32_t)len + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return append(t, 0, WACTOR_NOMEM);
    uint8_t *buf = (uint8_t *)(uintptr_t)base;
    buf[0] = WACTOR_CODEC_RAW;
    for (int32_t i = 1; i < len; i++) buf[i] = 'y';
    return append(t, 0, wactor_send(target, buf, len));
}

/* "sendto ID": a message and a request to that id (a stopped one: DEAD). */
static int32_t cmd_sendto(char *t, char *s) {
    int64_t id = 0;
    while (*s >= '0' && *s <= '9') id = id * 10 + (*s++ - '0');
    static uint8_t p[2] = {WACTOR_CODEC_RAW, 'x'};
    static uint8_t out[16];
    int32_t n = 0;
    n = append(t, n, wactor_send(id, p, 2));
    n = append(t, n, wactor_request(id, p, 2, out, 16, 100));
    return n;
}

static int32_t cmd_grow(char *t) {
    while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1) {
    }
    return append(t, 0, (int64_t)__builtin_wasm_memory_size(0));
}

static volatile int32_t spin_forever = 1;

static void cmd_spin(void) {
    static uint8_t in[64];
    int64_t from;
    while (spin_forever) wactor_receive(0, in, (int32_t)sizeof in, &from);
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    char *s = g_msg;
    char *cmd = guest_word(&s);
    char t[512];
    int32_t n = 0;
    if (guest_starts(cmd, "unknown")) n = cmd_unknown(t);
    else if (guest_starts(cmd, "badptr")) n = cmd_badptr(t);
    else if (guest_starts(cmd, "oversize")) n = cmd_oversize(t, s);
    else if (guest_starts(cmd, "grow")) n = cmd_grow(t);
    else if (guest_starts(cmd, "sendto")) n = cmd_sendto(t, s);
    else if (guest_starts(cmd, "spin")) cmd_spin();
    else guest_cat(t, &n, "unknown command");
    return guest_answer(sender, kind, corr, t, n) < 0;
}
