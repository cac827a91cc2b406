/* SPDX-License-Identifier: MIT */
/* Demo runaway: its third tick starts an endless loop. It runs in fuel
 * slices, so every other component keeps being served, until its fuel limit
 * per message fails it and the supervisor restarts it. */
#include "demo.h"

static int64_t ticks;
static volatile uint64_t spin;

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    if (++ticks == 3) {
        wactor_log_str(1, "entering an endless loop");
        for (;;) spin++;
    }
    return 0;
}
