/* SPDX-License-Identifier: MIT */
/* Fault injection below the allocator hook: fail_malloc.c defines
 * __wrap_malloc/calloc/realloc/strdup/strndup, and a test linked with
 * -Wl,--wrap=malloc,... routes every such call of wactor's static libraries
 * (and its own) through them. Once armed it counts allocations and fails the
 * Nth, or every one from the Nth on (the modes of tests/rt/fail_alloc.h);
 * disarmed it only passes them on. free is wrapped too, to count live blocks. Shared libraries (libyaml, cJSON, libcbor,
 * libc itself) are not wrapped. Thread-safe. */
#ifndef WACTOR_TESTS_FAIL_MALLOC_H
#define WACTOR_TESTS_FAIL_MALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    FAIL_MALLOC_ONCE = 0,    /* only the Nth allocation fails */
    FAIL_MALLOC_FROM_ON = 1, /* the Nth and every later one fail */
};

/* Counting from now, fail the nth allocation (nth 0: none, only count). */
void fail_malloc_arm(uint64_t nth, int mode);
void fail_malloc_disarm(void);
/* Prints the stack of each failure returned (under ASan), for debugging. */
void fail_malloc_trace(bool on);
uint64_t fail_malloc_seen(void);     /* allocations since arming */
uint64_t fail_malloc_injected(void); /* failures returned since arming */
/* Blocks of the wrapped calls not yet freed (armed or not), for leak checks
 * that cost nothing: equal before and after a run means nothing leaked. */
size_t fail_malloc_live(void);

#endif
