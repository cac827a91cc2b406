/* SPDX-License-Identifier: MIT */
/* Test guest: its cleanup sleeps 10 ms at a time and never ends (a WASI
 * sleep in cleanup must still be cut at the shutdown deadline). */
#include <unistd.h>

#include "guest_util.h"

WACTOR_EXPORT("cleanup")
void cleanup(void) {
    for (;;) usleep(10000);
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    return guest_answer(sender, kind, corr, "ok", 2) < 0;
}
