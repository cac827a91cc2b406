/* SPDX-License-Identifier: MIT */
/* Test guest for `wactor run`: logs from cleanup ("cleanup of <n> messages"),
 * answers "ok", and traps on "crash". */
#include "guest_util.h"

static int64_t handled;

WACTOR_EXPORT("cleanup")
void cleanup(void) {
    char t[64];
    int32_t n = 0;
    guest_cat(t, &n, "cleanup after ");
    guest_itoa(t, &n, handled);
    guest_cat(t, &n, " messages");
    wactor_log(2, t, n);
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    handled++;
    if (guest_starts(g_msg, "crash")) __builtin_trap();
    if (kind == WACTOR_KIND_REQUEST) return guest_answer(sender, kind, corr, "ok", 2) < 0;
    return 0;
}
