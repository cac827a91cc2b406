/* SPDX-License-Identifier: MIT */
/* Test guest: answers every message with its payload, byte for byte (a
 * request gets a reply, a plain message is sent back to its sender). */
#include <stdlib.h>

#include "wactor.h"

static int64_t last_sender;
static int32_t last_kind;

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    last_sender = sender;
    last_kind = kind;
    uint8_t *p = malloc(len ? (size_t)len : 1);
    if (!p) return 12;
    int32_t n = wactor_msg_read(p, len);
    int32_t st = kind == WACTOR_KIND_REQUEST ? wactor_reply(corr, p, n) : wactor_send(sender, p, n);
    free(p);
    return st < 0 ? -st : 0;
}

/* Invoke targets: who sent the last message, and what kind it was. */
WACTOR_EXPORT("last_sender") int64_t get_last_sender(void) { return last_sender; }
WACTOR_EXPORT("last_kind") int32_t get_last_kind(void) { return last_kind; }
