/* SPDX-License-Identifier: MIT */
/* Benchmark guest: idle.wat's component written in C with sdk/c/wactor.h and
 * built the way a real component is (clang --target=wasm32-wasi
 * -mexec-model=reactor -O2): wasi-libc's reactor start-up (_initialize), a
 * 64 KiB shadow stack in linear memory, data after it, and a memory whose
 * minimum the linker chose, with no declared maximum (so the component's
 * memory limit, 256 pages by default, bounds it). Answers a request with
 * its payload; a plain message is only read (and counted by the host). */
#include "wactor.h"

static uint32_t g_handled; /* in the data segment, as a real component's state */

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    uint8_t buf[256]; /* on the shadow stack: its address goes to the host */
    int32_t n = wactor_msg_read(buf, (int32_t)sizeof buf);
    g_handled++;
    if (kind == WACTOR_KIND_REQUEST) return wactor_reply(corr, buf, n) < 0;
    return 0;
}
