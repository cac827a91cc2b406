/* SPDX-License-Identifier: MIT */
/* Traps in the way argv[1] names: unreachable, div, oob, stack. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

volatile int zero = 0;
volatile int stop_recursing = 0;

__attribute__((noinline)) static void trap_unreachable(void) { __builtin_trap(); }

__attribute__((noinline)) static int trap_div(int x) { return x / zero; }

__attribute__((noinline)) static int trap_oob(void) {
    volatile int32_t *p = (volatile int32_t *)(uintptr_t)0xFFFFFFF0u;
    return *p;
}

/* Not a tail call and no address-taken locals: recursion uses only the
 * engine's stack, never the C shadow stack in linear memory. */
__attribute__((noinline)) static int trap_stack(int n) {
    if (stop_recursing) return n;
    return trap_stack(n + 1) * 3 + zero;
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "";
    printf("trapping: %s\n", how);
    fflush(stdout);
    if (strcmp(how, "unreachable") == 0) trap_unreachable();
    if (strcmp(how, "div") == 0) return trap_div(argc);
    if (strcmp(how, "oob") == 0) return trap_oob();
    if (strcmp(how, "stack") == 0) return trap_stack(argc);
    return 0;
}
