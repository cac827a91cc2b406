/* SPDX-License-Identifier: MIT */
/* Test guest: a counter whose state lives in the instance. "bad" makes the
 * handler fail; "health N" sets the health answer; cleanup tells "witness";
 * after "hang" the cleanup never finishes. */
#include "guest_util.h"

static int64_t count;
static int32_t health_mode;
static int32_t inits;
static volatile int32_t hang_cleanup;

WACTOR_EXPORT("init") int32_t init(void) {
    inits++;
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    if (guest_starts(g_msg, "bad")) {
        wactor_set_reason("bad input", 9);
        return 7;
    }
    if (guest_starts(g_msg, "hang")) {
        hang_cleanup = 1;
        return guest_status(sender, kind, corr, 0) < 0;
    }
    if (guest_starts(g_msg, "health ")) {
        health_mode = guest_atoi(g_msg + 7);
        return guest_status(sender, kind, corr, health_mode) < 0;
    }
    count++;
    if (kind == WACTOR_KIND_REQUEST) return guest_status(sender, kind, corr, count) < 0;
    return 0;
}

WACTOR_EXPORT("health") int32_t health(void) {
    if (health_mode == WACTOR_DEGRADED) wactor_set_reason("slow disk", 9);
    if (health_mode == WACTOR_UNHEALTHY) wactor_set_reason("lost quorum", 11);
    if (health_mode == 3)
        for (;;) __asm__ volatile(""); /* never answers */
    return health_mode;
}

WACTOR_EXPORT("cleanup") void cleanup(void) {
    while (hang_cleanup) __asm__ volatile("");
    wactor_log_str(2, "cleanup");
    int64_t w = wactor_lookup_str("witness");
    if (w > 0) {
        uint8_t out[32];
        int32_t n = 0;
        char t[24];
        guest_cat(t, &n, "cleanup ");
        guest_itoa(t, &n, count);
        n = wactor_encode(WACTOR_CODEC_RAW, t, n, out, (int32_t)sizeof out);
        wactor_send(w, out, n);
    }
}

WACTOR_EXPORT("get") int64_t get(void) { return count; }
WACTOR_EXPORT("add") int64_t add(int64_t x) { return count += x; }
WACTOR_EXPORT("inits") int32_t get_inits(void) { return inits; }
