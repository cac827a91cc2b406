/* SPDX-License-Identifier: MIT */
/* Hostile test guest: a spawn bomb. Its init spawns another instance of its
 * own definition ("hostile-chain"), whose init does the same, without end;
 * the host must cut the chain with an error value. "spawned" answers with
 * what this instance's spawn returned (an id, or a negative error). */
#include "guest_util.h"

static int64_t spawn_result = 1; /* 1: init has not run */

WACTOR_EXPORT("init") int32_t init(void) {
    static const char def[] = "hostile-chain";
    spawn_result = wactor_spawn(def, (int32_t)sizeof def - 1);
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    char t[32];
    int32_t n = 0;
    guest_itoa(t, &n, spawn_result);
    return guest_answer(sender, kind, corr, t, n) < 0;
}
