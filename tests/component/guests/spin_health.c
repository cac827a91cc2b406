/* SPDX-License-Identifier: MIT */
/* Hostile test guest: answers "pong", but its health check never returns. */
#include "guest_util.h"

WACTOR_EXPORT("health")
int32_t health(void) {
    for (volatile int i = 0;; i++) {
    }
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    return guest_answer(sender, kind, corr, "pong", 4) < 0;
}
