/* SPDX-License-Identifier: MIT */
/* The component lifecycle state machine: checked transitions, each one an
 * event with a timestamp. */
#include <stdio.h>
#include <string.h>

#include "wactor/component.h"

static const char *const state_names[] = {
#define WC_STATE_NAME_(name, s) s,
    WC_STATE_MAP(WC_STATE_NAME_)
#undef WC_STATE_NAME_
};

static const char *const fail_names[] = {
#define WC_FAIL_NAME_(name, s) s,
    WC_FAIL_MAP(WC_FAIL_NAME_)
#undef WC_FAIL_NAME_
};

const char *wc_state_name(wc_state s) {
    return (unsigned)s < WC_STATE_COUNT_ ? state_names[s] : "invalid";
}

const char *wc_fail_name(wc_fail_kind k) {
    return (unsigned)k < WC_FAIL_COUNT_ ? fail_names[k] : "invalid";
}

wc_fail_kind wc_fail_from_trap(wa_trap_kind k) {
    if (k == WA_TRAP_FUEL) return WC_FAIL_FUEL;
    if (k == WA_TRAP_MEMORY_LIMIT) return WC_FAIL_MEMORY;
    return WC_FAIL_TRAP;
}

bool wc_state_final(wc_state s) { return s == WC_STATE_TERMINATED || s == WC_STATE_FAILED; }

void wc_lifecycle_init(wc_lifecycle *lc, wc_transition_fn fn, void *ud) {
    memset(lc, 0, sizeof *lc);
    lc->state = WC_STATE_CREATING;
    lc->on_transition = fn;
    lc->ud = ud;
}

static bool legal(wc_state from, wc_state to) {
    switch (from) {
    case WC_STATE_CREATING: return to == WC_STATE_STARTING;
    case WC_STATE_STARTING: return to == WC_STATE_READY || to == WC_STATE_STOPPING;
    case WC_STATE_READY: return to == WC_STATE_STOPPING;
    case WC_STATE_STOPPING: return to == WC_STATE_TERMINATED;
    default: return false;
    }
}

static void emit(wc_lifecycle *lc, wc_state from, wc_state to) {
    if (!lc->on_transition) return;
    wc_transition t;
    t.from = from;
    t.to = to;
    t.fail = lc->fail;
    t.at_ns = wb_now_ns();
    _Static_assert(sizeof t.reason == sizeof lc->reason, "reason sizes differ");
    memcpy(t.reason, lc->reason, sizeof t.reason); /* NUL-terminated: set by vsnprintf */
    lc->on_transition(lc->ud, &t);
}

wb_status wc_lifecycle_to(wc_lifecycle *lc, wc_state to, wb_error *err) {
    wc_state from = lc->state;
    if (to == WC_STATE_FAILED || !legal(from, to))
        return wb_error_set(err, WB_STATE, "illegal lifecycle transition %s -> %s",
                            wc_state_name(from), wc_state_name(to));
    lc->state = to;
    emit(lc, from, to);
    return WB_OK;
}

wb_status wc_lifecycle_fail(wc_lifecycle *lc, wc_fail_kind kind, const char *fmt, ...) {
    wc_state from = lc->state;
    if (wc_state_final(from)) return WB_STATE;
    lc->state = WC_STATE_FAILED;
    lc->fail = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lc->reason, sizeof lc->reason, fmt, ap);
    va_end(ap);
    emit(lc, from, WC_STATE_FAILED);
    return WB_OK;
}
