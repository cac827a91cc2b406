/* SPDX-License-Identifier: MIT */
/* Test guest: its init refuses to start, with a reason. */
#include "wactor.h"

WACTOR_EXPORT("init") int32_t init(void) {
    wactor_set_reason("no config", 9);
    return 3;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    (void)sender, (void)kind, (void)corr, (void)len;
    return 0;
}
