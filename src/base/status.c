/* SPDX-License-Identifier: MIT */
/* Status names, messages and the caller-owned error struct. */
#include "wactor/base.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
#define WB_NAME_(name, msg) "WB_" #name,
    WB_STATUS_MAP(WB_NAME_)
#undef WB_NAME_
};
static const char *const status_msgs[] = {
#define WB_MSG_(name, msg) msg,
    WB_STATUS_MAP(WB_MSG_)
#undef WB_MSG_
};

const char *wb_status_name(wb_status st) {
    if ((unsigned)st >= WB_STATUS_COUNT_) return "WB_UNKNOWN";
    return status_names[st];
}

const char *wb_status_str(wb_status st) {
    if ((unsigned)st >= WB_STATUS_COUNT_) return "unknown status";
    return status_msgs[st];
}

wb_status wb_error_set_at(wb_error *err, wb_status st, const char *file, int line,
                          const char *fmt, ...) {
    if (!err) return st;
    err->status = st;
    err->file = file;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return st;
}

void wb_error_clear(wb_error *err) {
    if (!err) return;
    err->status = WB_OK;
    err->file = NULL;
    err->line = 0;
    err->msg[0] = '\0';
}

#ifndef NDEBUG
void wb_assert_fail(const char *expr, const char *file, int line) {
    fprintf(stderr, "wactor: internal invariant failed: %s (%s:%d)\n", expr, file, line);
    __builtin_trap();
}
#endif
