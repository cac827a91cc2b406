/* SPDX-License-Identifier: MIT */
/* Minimal leveled logging to stderr; level from WACTOR_LOG. */
#include "wactor/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int log_level(void) {
    static atomic_int level = -1;
    int l = atomic_load_explicit(&level, memory_order_relaxed);
    if (l >= 0) return l;
    const char *s = getenv("WACTOR_LOG");
    l = WB_LOG_WARN;
    if (s) {
        if (!strcmp(s, "error")) l = WB_LOG_ERROR;
        else if (!strcmp(s, "info")) l = WB_LOG_INFO;
        else if (!strcmp(s, "debug")) l = WB_LOG_DEBUG;
    }
    atomic_store_explicit(&level, l, memory_order_relaxed);
    return l;
}

bool wb_log_enabled(wb_log_level lvl) { return (int)lvl <= log_level(); }

void wb_log(wb_log_level lvl, const char *fmt, ...) {
    static const char *const names[] = {"error", "warn", "info", "debug"};
    if (!wb_log_enabled(lvl)) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "wactor %s: %s\n", names[lvl], line);
}
