/* SPDX-License-Identifier: MIT */
/* Capabilities of a component: pattern lists for send/publish/subscribe,
 * spawn and WASI grants, resource limits, and the send-rate token bucket. */
#include <stdlib.h>
#include <string.h>

#include "wactor/component.h"

void wc_limits_resolve(wc_limits *l) {
    if (!l->max_memory_pages) l->max_memory_pages = 256;
    if (!l->max_memory_bytes) l->max_memory_bytes = (uint64_t)l->max_memory_pages * 65536 + (16u << 20);
    if (!l->mailbox_capacity) l->mailbox_capacity = 10000;
    if (!l->mailbox_bytes) l->mailbox_bytes = 16u << 20;
    if (!l->max_fds) l->max_fds = 256;
    if (!l->disk_bytes) l->disk_bytes = 1ull << 30;
    if (!l->spawn_children) l->spawn_children = 64;
    if (!l->spawn_total) l->spawn_total = 1024;
    if (!l->max_timers) l->max_timers = 256;
    if (!l->max_monitors) l->max_monitors = 256;
    if (!l->fuel_slice) l->fuel_slice = 20000;
    if (!l->max_payload) l->max_payload = 4u << 20;
    if (l->send_rate && !l->send_burst) l->send_burst = l->send_rate;
}

void wc_caps_init(wc_caps *c) { memset(c, 0, sizeof *c); }

static void list_free(char **l) {
    for (size_t i = 0; l && l[i]; i++) free(l[i]);
    free(l);
}

void wc_caps_close(wc_caps *c) {
    if (!c) return;
    list_free(c->send);
    list_free(c->publish);
    list_free(c->subscribe);
    list_free(c->wasi);
    list_free(c->dirs);
    memset(c, 0, sizeof *c);
}

static size_t list_len(char *const *l) {
    size_t n = 0;
    while (l && l[n]) n++;
    return n;
}

/* Appends a copy of s to *l (NULL-terminated). */
static wb_status list_add(char ***l, const char *s) {
    size_t n = list_len(*l);
    char **nl = realloc(*l, (n + 2) * sizeof *nl);
    if (!nl) return WB_NOMEM;
    *l = nl;
    nl[n] = strdup(s);
    nl[n + 1] = NULL;
    return nl[n] ? WB_OK : WB_NOMEM;
}

static wb_status list_copy(char ***dst, char *const *src) {
    *dst = NULL;
    for (size_t i = 0; src && src[i]; i++)
        if (list_add(dst, src[i]) != WB_OK) return WB_NOMEM;
    return WB_OK;
}

wb_status wc_caps_copy(wc_caps *dst, const wc_caps *src) {
    wc_caps_init(dst);
    dst->spawn = src->spawn;
    dst->limits = src->limits;
    if (list_copy(&dst->send, src->send) || list_copy(&dst->publish, src->publish) ||
        list_copy(&dst->subscribe, src->subscribe) || list_copy(&dst->wasi, src->wasi) ||
        list_copy(&dst->dirs, src->dirs)) {
        wc_caps_close(dst);
        return WB_NOMEM;
    }
    return WB_OK;
}

static char ***list_of(wc_caps *c, wc_cap_kind kind) {
    switch (kind) {
    case WC_CAP_SEND: return &c->send;
    case WC_CAP_PUBLISH: return &c->publish;
    default: return &c->subscribe;
    }
}

wb_status wc_caps_allow(wc_caps *c, wc_cap_kind kind, const char *pattern, wb_error *err) {
    wb_status st = wc_pattern_check(pattern, err);
    if (st != WB_OK) return st;
    if (list_add(list_of(c, kind), pattern) != WB_OK)
        return wb_error_set(err, WB_NOMEM, "out of memory");
    return WB_OK;
}

static bool list_match(char *const *l, const char *subject) {
    for (size_t i = 0; l && l[i]; i++)
        if (wc_pattern_match(l[i], subject)) return true;
    return false;
}

bool wc_caps_permits(const wc_caps *c, wc_cap_kind kind, const char *subject) {
    switch (kind) {
    case WC_CAP_SEND: return list_match(c->send, subject);
    case WC_CAP_PUBLISH: return list_match(c->publish, subject);
    default: return list_match(c->subscribe, subject);
    }
}

bool wc_caps_covers(const wc_caps *c, wc_cap_kind kind, const char *pattern) {
    char *const *l = kind == WC_CAP_SEND ? c->send : kind == WC_CAP_PUBLISH ? c->publish : c->subscribe;
    for (size_t i = 0; l && l[i]; i++)
        if (wc_pattern_covers(l[i], pattern)) return true;
    return false;
}

bool wc_caps_wasi_granted(const wc_caps *c, const char *func) { return list_match(c->wasi, func); }

void wc_rate_init(wc_rate *r, uint32_t rate, uint32_t burst, uint64_t now_ns) {
    r->rate = rate;
    r->burst = burst ? burst : rate;
    r->tokens = r->burst;
    r->last_ns = now_ns;
}

bool wc_rate_take(wc_rate *r, uint64_t now_ns) {
    if (!r->rate) return true;
    if (now_ns > r->last_ns) {
        r->tokens += (double)(now_ns - r->last_ns) * r->rate / 1e9;
        if (r->tokens > r->burst) r->tokens = r->burst;
        r->last_ns = now_ns;
    }
    if (r->tokens < 1.0) return false;
    r->tokens -= 1.0;
    return true;
}
