/* SPDX-License-Identifier: MIT */
/* Demo crasher: every fifth tick it traps (unreachable); its supervisor
 * restarts it with exponential backoff, and the count starts again. */
#include "demo.h"

static int64_t ticks;

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    ticks++;
    uint8_t p[64];
    text t = {0};
    t_str(&t, "{\"flaky_tick\": ");
    t_int(&t, ticks);
    t_str(&t, "}");
    int32_t n = demo_payload(WACTOR_CODEC_JSON, &t, p, sizeof p);
    wactor_publish("metrics.flaky", 13, p, n);
    if (ticks == 5) __builtin_trap();
    return 0;
}
