/* SPDX-License-Identifier: MIT */
/* Trap names and messages (from WA_TRAP_MAP). */
#include "wactor/wasm.h"

static const char *const trap_names[] = {
#define WA_TRAP_NAME_(name, msg) "WA_TRAP_" #name,
    WA_TRAP_MAP(WA_TRAP_NAME_)
#undef WA_TRAP_NAME_
};

static const char *const trap_messages[] = {
#define WA_TRAP_MSG_(name, msg) msg,
    WA_TRAP_MAP(WA_TRAP_MSG_)
#undef WA_TRAP_MSG_
};

const char *wa_trap_name(wa_trap_kind k) {
    return (unsigned)k < WA_TRAP_COUNT_ ? trap_names[k] : "WA_TRAP_UNKNOWN";
}

const char *wa_trap_message(wa_trap_kind k) {
    return (unsigned)k < WA_TRAP_COUNT_ ? trap_messages[k] : "unknown trap";
}
