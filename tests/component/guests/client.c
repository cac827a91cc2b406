/* SPDX-License-Identifier: MIT */
/* Test guest: uses the host imports on command and answers with the result.
 *   send NAME TEXT            -> "ok 0" / "err N"
 *   request NAME TIMEOUT TEXT -> the reply payload verbatim, or "err N" / "err N: REASON"
 *   publish TOPIC TEXT        -> "ok 0" / "err N"
 *   subscribe PATTERN         -> "ok 0" / "err N"
 *   spawn COMPONENT           -> "ok ID" / "err N"
 *   events                    -> "N TOPIC" (events seen, last topic)
 *   raw HEXBYTES NAME         -> sends exactly those bytes (bad prefixes)
 *   sendn NAME N              -> sends a raw payload of N bytes in all
 *   receive TIMEOUT           -> "got TEXT" (next message) or "err N"
 *   publishn TOPIC PREFIX N   -> publishes PREFIX0 .. PREFIX<N-1>; "ok 0" / "err N"
 *   self                      -> "ok ID" (its own id)
 *   whosent                   -> "ok ID" (the sender id handle_message was given)
 *   seen                      -> the bodies of the events seen, comma-separated
 *   crashon TEXT              -> "ok 0"; an event whose body is TEXT then traps */
#include "guest_util.h"

static int32_t events;
static char last_topic[128];
static uint8_t buf[8192];

static int32_t send_text(int64_t target, const char *text) {
    int32_t n = wactor_encode(WACTOR_CODEC_RAW, text, wactor_strlen_(text), buf, (int32_t)sizeof buf);
    return wactor_send(target, buf, n);
}

static int32_t hexval(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static char seen[2048];
static int32_t seen_len;
static char crash_on[64];

static int32_t on_event(int32_t len) {
    events++;
    int32_t n = wactor_msg_topic(last_topic, (int32_t)sizeof last_topic - 1);
    last_topic[n < 0 ? 0 : n] = 0;
    guest_read(len);
    if (crash_on[0] && !__builtin_strcmp(g_msg, crash_on)) __builtin_trap();
    if (seen_len + g_msg_len + 1 < (int32_t)sizeof seen) {
        if (seen_len) seen[seen_len++] = ',';
        for (int32_t i = 0; i < g_msg_len; i++) seen[seen_len++] = g_msg[i];
    }
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    if (kind == WACTOR_KIND_EVENT) return on_event(len);
    guest_read(len);
    char *s = g_msg;
    char *cmd = guest_word(&s);
    if (guest_starts(cmd, "receive")) {
        static uint8_t in[512];
        int64_t from = 0;
        int32_t n = wactor_receive(guest_atoi(s), in, (int32_t)sizeof in, &from);
        if (n < 0) return guest_status(sender, kind, corr, n) < 0;
        char t[600];
        int32_t k = 0;
        guest_cat(t, &k, "got ");
        for (int32_t i = 1; i < n && i < (int32_t)sizeof in; i++) t[k++] = (char)in[i];
        return guest_answer(sender, kind, corr, t, k) < 0;
    }
    if (guest_starts(cmd, "sendn")) {
        int64_t t = wactor_lookup_str(guest_word(&s));
        int32_t n = guest_atoi(s);
        if (n < 1 || n > (int32_t)sizeof buf) return guest_status(sender, kind, corr, WACTOR_INVALID) < 0;
        buf[0] = WACTOR_CODEC_RAW;
        for (int32_t i = 1; i < n; i++) buf[i] = 'x';
        return guest_status(sender, kind, corr, t < 0 ? t : wactor_send(t, buf, n)) < 0;
    }
    if (guest_starts(cmd, "whosent")) return guest_status(sender, kind, corr, sender) < 0;
    if (guest_starts(cmd, "send")) {
        int64_t t = wactor_lookup_str(guest_word(&s));
        return guest_status(sender, kind, corr, t < 0 ? t : send_text(t, s)) < 0;
    }
    if (guest_starts(cmd, "request")) {
        int64_t t = wactor_lookup_str(guest_word(&s));
        int32_t timeout = guest_atoi(guest_word(&s));
        if (t < 0) return guest_status(sender, kind, corr, t) < 0;
        int32_t n = wactor_encode(WACTOR_CODEC_RAW, s, wactor_strlen_(s), buf, (int32_t)sizeof buf);
        static uint8_t rep[8192];
        rep[0] = 0;
        int32_t r = wactor_request(t, buf, n, rep, (int32_t)sizeof rep - 1, timeout);
        if (r < 0 && rep[0]) { /* an error reply's reason: "err N: REASON" */
            char e[256];
            int32_t k = 0;
            guest_cat(e, &k, "err ");
            guest_itoa(e, &k, r);
            guest_cat(e, &k, ": ");
            for (int32_t i = 0; rep[i] && k < (int32_t)sizeof e - 1; i++) e[k++] = (char)rep[i];
            return guest_answer(sender, kind, corr, e, k) < 0;
        }
        if (r < 0) return guest_status(sender, kind, corr, r) < 0;
        if (kind == WACTOR_KIND_REQUEST) return wactor_reply(corr, rep, r) < 0;
        return wactor_send(sender, rep, r) < 0;
    }
    if (guest_starts(cmd, "publishn")) {
        char *topic = guest_word(&s);
        char *prefix = guest_word(&s);
        int32_t count = guest_atoi(s), r = 0;
        for (int32_t i = 0; i < count && r == 0; i++) {
            char body[80];
            int32_t k = 0;
            guest_cat(body, &k, prefix);
            guest_itoa(body, &k, i);
            int32_t n = wactor_encode(WACTOR_CODEC_RAW, body, k, buf, (int32_t)sizeof buf);
            r = wactor_publish(topic, wactor_strlen_(topic), buf, n);
        }
        return guest_status(sender, kind, corr, r) < 0;
    }
    if (guest_starts(cmd, "publish")) {
        char *topic = guest_word(&s);
        int32_t n = wactor_encode(WACTOR_CODEC_RAW, s, wactor_strlen_(s), buf, (int32_t)sizeof buf);
        return guest_status(sender, kind, corr, wactor_publish(topic, wactor_strlen_(topic), buf, n)) < 0;
    }
    if (guest_starts(cmd, "subscribe"))
        return guest_status(sender, kind, corr, wactor_subscribe(s, wactor_strlen_(s))) < 0;
    if (guest_starts(cmd, "spawn"))
        return guest_status(sender, kind, corr, wactor_spawn(s, wactor_strlen_(s))) < 0;
    if (guest_starts(cmd, "events")) {
        char t[160];
        int32_t n = 0;
        guest_itoa(t, &n, events);
        guest_cat(t, &n, " ");
        guest_cat(t, &n, last_topic);
        return guest_answer(sender, kind, corr, t, n) < 0;
    }
    if (guest_starts(cmd, "self")) return guest_status(sender, kind, corr, wactor_self()) < 0;
    if (guest_starts(cmd, "seen")) return guest_answer(sender, kind, corr, seen, seen_len) < 0;
    if (guest_starts(cmd, "crashon")) {
        int32_t i = 0;
        for (; s[i] && i < (int32_t)sizeof crash_on - 1; i++) crash_on[i] = s[i];
        crash_on[i] = 0;
        return guest_status(sender, kind, corr, 0) < 0;
    }
    if (guest_starts(cmd, "raw")) {
        char *hex = guest_word(&s);
        int32_t n = 0;
        for (; hex[0] && hex[1]; hex += 2) buf[n++] = (uint8_t)(hexval(hex[0]) << 4 | hexval(hex[1]));
        int64_t t = wactor_lookup_str(s);
        return guest_status(sender, kind, corr, t < 0 ? t : wactor_send(t, buf, n)) < 0;
    }
    return guest_status(sender, kind, corr, WACTOR_INVALID) < 0;
}

WACTOR_EXPORT("events") int32_t get_events(void) { return events; }
