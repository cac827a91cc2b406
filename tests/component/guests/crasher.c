/* SPDX-License-Identifier: MIT */
/* Test guest: fails on command. "unreachable", "div0", "oob", "stack" trap;
 * "spin" never returns; "grow N" grows memory by N pages at a time until the
 * limit stops it and answers the pages it got; "bomb" does the same and then
 * aborts as a failed malloc would; "busy MS" keeps its worker busy (in fuel
 * slices) for MS milliseconds, then answers "done MS"; anything else is answered
 * "ok". */
#include "guest_util.h"

static volatile int32_t zero;
static volatile int64_t sink;

/* Recursion through a volatile function pointer: no shadow-stack use and no
 * loop the compiler could make of it, so only the engine's call stack fills. */
static int32_t deep(int32_t n);
static int32_t (*volatile deep_fn)(int32_t) = deep;
static int32_t deep(int32_t n) { return deep_fn(n + 1) + 1; }

static void spin(void) {
    for (;;) sink++;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    if (guest_starts(g_msg, "unreachable")) __builtin_trap();
    if (guest_starts(g_msg, "div0")) return 100 / zero;
    if (guest_starts(g_msg, "oob")) return *(volatile int32_t *)(uintptr_t)0xfffffff0u;
    if (guest_starts(g_msg, "stack")) return deep(0);
    if (guest_starts(g_msg, "spin")) spin();
    if (guest_starts(g_msg, "busy")) {
        int64_t until = wactor_now_ns() + (int64_t)guest_atoi(g_msg + 5) * 1000000;
        while (wactor_now_ns() < until) sink++;
        char t[32];
        int32_t n = 0;
        guest_cat(t, &n, "done ");
        guest_itoa(t, &n, guest_atoi(g_msg + 5));
        return guest_answer(sender, kind, corr, t, n) < 0;
    }
    if (guest_starts(g_msg, "grow") || guest_starts(g_msg, "bomb")) {
        int32_t step = guest_atoi(g_msg + 5);
        if (step <= 0) step = 1;
        int64_t pages = 0;
        for (;;) {
            if (__builtin_wasm_memory_grow(0, (uint32_t)step) == (size_t)-1) break;
            pages += step;
        }
        if (guest_starts(g_msg, "grow")) return guest_status(sender, kind, corr, pages) < 0;
        __builtin_trap();
    }
    return guest_answer(sender, kind, corr, "ok", 2) < 0;
}

WACTOR_EXPORT("div") int32_t divide(int32_t a, int32_t b) { return a / b; }
WACTOR_EXPORT("spin") void spin_export(void) { spin(); }
WACTOR_EXPORT("pages") int32_t pages(void) { return (int32_t)__builtin_wasm_memory_size(0); }
