/* SPDX-License-Identifier: MIT */
/* Dotted topic/name patterns: '*' matches one segment, '#' the rest, and a
 * segment ending in '*' ("kv#*") any segment that starts with the text
 * before it (a spawner's children "router/kv#0", "router/kv#1", ...). A '#'
 * inside a segment's text is just a character. */
#include <string.h>

#include "wactor/component.h"

/* Length of the segment starting at s (up to '.' or the end). */
static size_t seg_len(const char *s) {
    const char *d = strchr(s, '.');
    return d ? (size_t)(d - s) : strlen(s);
}

bool wc_pattern_match(const char *pattern, const char *subject) {
    const char *p = pattern, *s = subject;
    for (;;) {
        size_t pl = seg_len(p), sl = seg_len(s);
        if (pl == 1 && p[0] == '#') return true; /* the rest, including nothing */
        bool prefix = pl > 1 && p[pl - 1] == '*'; /* "text*": the segment starts with text */
        bool seg_ok = (pl == 1 && p[0] == '*') || (prefix && sl >= pl - 1 && memcmp(p, s, pl - 1) == 0) ||
                      (!prefix && pl == sl && memcmp(p, s, pl) == 0);
        if (!seg_ok) return false;
        bool p_end = p[pl] == '\0', s_end = s[sl] == '\0';
        if (p_end || s_end) {
            /* "a.#" also matches "a": '#' may match zero segments. */
            if (!p_end && s_end) return strcmp(p + pl, ".#") == 0;
            return p_end && s_end;
        }
        p += pl + 1;
        s += sl + 1;
    }
}

wb_status wc_pattern_check(const char *pattern, wb_error *err) {
    if (!pattern || !*pattern) return wb_error_set(err, WB_INVALID_ARG, "empty pattern");
    for (const char *p = pattern;;) {
        size_t n = seg_len(p);
        if (n == 0) return wb_error_set(err, WB_INVALID_ARG, "empty segment in \"%s\"", pattern);
        for (size_t i = 0; i + 1 < n; i++) { /* '*' only alone or at a segment's end */
            if (p[i] == '*')
                return wb_error_set(err, WB_INVALID_ARG,
                                    "'*' inside a segment of \"%s\" (only alone or last)", pattern);
        }
        if (p[n] == '\0') return WB_OK;
        if (p[0] == '#') return wb_error_set(err, WB_INVALID_ARG, "'#' must be last in \"%s\"", pattern);
        p += n + 1;
    }
}

bool wc_pattern_covers(const char *grant, const char *pattern) {
    const char *g = grant, *p = pattern;
    for (;;) {
        size_t gl = seg_len(g), pl = seg_len(p);
        bool g_hash = gl == 1 && g[0] == '#', p_hash = pl == 1 && p[0] == '#';
        if (g_hash) return true;
        if (p_hash) return false; /* the rest, but the grant stops short of it */
        bool g_star = gl == 1 && g[0] == '*', p_star = pl == 1 && p[0] == '*';
        bool g_pre = gl > 1 && g[gl - 1] == '*', p_pre = pl > 1 && p[pl - 1] == '*';
        /* "ab*" covers "abc*" and "abc"; it does not cover "*" */
        bool seg = g_star || (g_pre ? !p_star && pl >= gl - 1 && memcmp(g, p, gl - 1) == 0
                                    : !p_star && !p_pre && gl == pl && memcmp(g, p, gl) == 0);
        if (!seg) return false;
        bool g_end = g[gl] == '\0', p_end = p[pl] == '\0';
        if (g_end || p_end) return p_end && (g_end || strcmp(g + gl, ".#") == 0);
        g += gl + 1;
        p += pl + 1;
    }
}
