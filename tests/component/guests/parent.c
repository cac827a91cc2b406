/* SPDX-License-Identifier: MIT */
/* Test guest for children, timers and monitors. Commands (answers):
 *   spawn DEF          spawns a child: "ok ID" / "err N"
 *   stop ID            stops a child it spawned: "ok 0" / "err N"
 *   monitor ID         "ok REF" / "err N"
 *   monitors N ID      N monitors of ID: "ok N" or the first "err N"
 *   demonitor REF      "ok 0"
 *   after MS TEXT      sends itself TEXT after MS ms: "ok TIMER" / "err N"
 *   cancel TIMER       "ok 0" / "err N"
 *   timers N MS        starts N timers of MS ms: "ok STARTED" ... "err N" at the first refusal
 *   unsub PATTERN      "ok 0" / "err N"
 *   seen               what it got meanwhile, ';'-separated: "down ID REASON", "msg TEXT"
 *   crash              traps */
#include "guest_util.h"

static char seen[2048];
static int32_t seen_len;

static void note(const char *what, int64_t id, const char *text) {
    char t[256];
    int32_t n = 0;
    guest_cat(t, &n, what);
    if (id) {
        t[n++] = ' ';
        guest_itoa(t, &n, id);
    }
    t[n++] = ' ';
    for (int32_t i = 0; text[i] && n < (int32_t)sizeof t - 1; i++) t[n++] = text[i];
    if (seen_len + n + 1 >= (int32_t)sizeof seen) return;
    if (seen_len) seen[seen_len++] = ';';
    for (int32_t i = 0; i < n; i++) seen[seen_len++] = t[i];
}

static int64_t num(char **s) {
    char *w = guest_word(s);
    int64_t v = 0;
    while (*w >= '0' && *w <= '9') v = v * 10 + (*w++ - '0');
    return v;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    guest_read(len);
    if (kind == WACTOR_KIND_DOWN) {
        note("down", sender, g_msg);
        return 0;
    }
    if (kind == WACTOR_KIND_MESSAGE && sender == wactor_self()) {
        note("msg", 0, g_msg);
        return 0;
    }
    char *s = g_msg;
    char *cmd = guest_word(&s);
    if (guest_starts(cmd, "spawn")) {
        int64_t id = wactor_spawn(s, wactor_strlen_(s));
        return guest_status(sender, kind, corr, id) < 0;
    }
    if (guest_starts(cmd, "stop")) return guest_status(sender, kind, corr, wactor_stop(num(&s))) < 0;
    if (guest_starts(cmd, "demonitor")) return guest_status(sender, kind, corr, wactor_demonitor(num(&s))) < 0;
    if (guest_starts(cmd, "after")) {
        int32_t ms = (int32_t)num(&s);
        static uint8_t p[256];
        int32_t n = wactor_encode(WACTOR_CODEC_RAW, s, wactor_strlen_(s), p, (int32_t)sizeof p);
        return guest_status(sender, kind, corr, wactor_send_after(wactor_self(), ms, p, n)) < 0;
    }
    if (guest_starts(cmd, "cancel")) return guest_status(sender, kind, corr, wactor_cancel_timer(num(&s))) < 0;
    if (guest_starts(cmd, "timers")) {
        int64_t n = num(&s), ms = num(&s), i = 0;
        static const uint8_t p[2] = {WACTOR_CODEC_RAW, 't'};
        for (; i < n; i++) {
            int64_t r = wactor_send_after(wactor_self(), (int32_t)ms, p, 2);
            if (r < 0) return guest_status(sender, kind, corr, r) < 0;
        }
        return guest_status(sender, kind, corr, i) < 0;
    }
    if (guest_starts(cmd, "monitors")) { /* N monitors of ID: the count, or the first refusal */
        int64_t n = num(&s), id = num(&s), i = 0;
        for (; i < n; i++) {
            int64_t r = wactor_monitor(id);
            if (r < 0) return guest_status(sender, kind, corr, r) < 0;
        }
        return guest_status(sender, kind, corr, i) < 0;
    }
    if (guest_starts(cmd, "monitor")) return guest_status(sender, kind, corr, wactor_monitor(num(&s))) < 0;
    if (guest_starts(cmd, "unsub")) return guest_status(sender, kind, corr, wactor_unsubscribe(s, wactor_strlen_(s))) < 0;
    if (guest_starts(cmd, "seen")) return guest_answer(sender, kind, corr, seen, seen_len) < 0;
    if (guest_starts(cmd, "crash")) __builtin_trap();
    return guest_answer(sender, kind, corr, "?", 1) < 0;
}
