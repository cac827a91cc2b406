/* SPDX-License-Identifier: MIT */
/* Dotted topic/name patterns: '*' matches one segment, '#' the rest. */
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
        bool seg_ok = (pl == 1 && p[0] == '*') || (pl == sl && memcmp(p, s, pl) == 0);
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
        for (size_t i = 0; i < n; i++) {
            if ((p[i] == '*' || p[i] == '#') && n != 1)
                return wb_error_set(err, WB_INVALID_ARG,
                                    "wildcard mixed with text in a segment of \"%s\"", pattern);
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
        if (!g_star && (p_star || gl != pl || memcmp(g, p, gl))) return false;
        bool g_end = g[gl] == '\0', p_end = p[pl] == '\0';
        if (g_end || p_end) return p_end && (g_end || strcmp(g + gl, ".#") == 0);
        g += gl + 1;
        p += pl + 1;
    }
}
