/* SPDX-License-Identifier: MIT */
/* WASI preview1 for components: one context per incarnation, with only the
 * functions and directories its capabilities grant. stdout/stderr are the
 * host's; stdin is empty; a sleep suspends the component, not its worker. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

static wa_wasi *wasi_of(wa_instance *caller, void *ud) {
    wc_actor *a = wa_instance_user_data(caller);
    return a ? a->wasi : NULL;
}

/* A WASI call that would block (a sleep, a poll, a read on a FIFO) suspends
 * the component instead of its worker (wait.c). */
static bool wasi_wait(wa_instance *caller, const wa_wasi_wait_req *req, void *ud) {
    (void)ud;
    wc_actor *a = wa_instance_user_data(caller);
    return a && wc__wasi_wait(a, req);
}

static const wa_wasi_resolver resolver = {.ctx_of = wasi_of, .ud = NULL};

wb_status wc__wasi_link(wa_linker *l, wb_error *err) { return wa_wasi_link(l, &resolver, err); }

/* Shown in errors: the start of a grant, which may be very long. */
#define DIR_SHOWN 64

wb_status wc_dir_parse(const char *spec, wc_dir *out, wb_error *err) {
    memset(out, 0, sizeof *out);
    size_t n = strlen(spec);
    bool ro = n > 3 && !strcmp(spec + n - 3, ":ro");
    if (ro) n -= 3;
    char *buf = malloc(n + 1); /* exact size: nothing is cut */
    if (!buf) return wb_error_set(err, WB_NOMEM, "out of memory");
    memcpy(buf, spec, n);
    buf[n] = 0;
    char *guest = buf, *sep = strstr(buf, "::");
    if (sep) {
        *sep = 0;
        guest = sep + 2;
    }
    size_t hn = strlen(buf), gn = strlen(guest);
    const char *why = !hn ? "no host path"
                      : !gn ? "no guest path"
                      : hn >= PATH_MAX || gn >= PATH_MAX ? "a path of PATH_MAX bytes or more"
                                                        : NULL;
    if (why) {
        free(buf);
        return wb_error_set(err, WB_INVALID_ARG, "directory grant \"%.*s%s\": %s", DIR_SHOWN, spec,
                            strlen(spec) > DIR_SHOWN ? "..." : "", why);
    }
    *out = (wc_dir){.host = buf, .guest = guest, .read_only = ro};
    return WB_OK;
}

void wc_dir_close(wc_dir *d) {
    free(d->host);
    memset(d, 0, sizeof *d);
}

/* The component's dirs grants, parsed into pre[] (strings in dirs[]). */
static wb_status wasi_dirs(const wc_caps *caps, wc_dir *dirs, wa_wasi_preopen *pre, size_t *n,
                           wb_error *err) {
    size_t ndirs = 0;
    while (caps->dirs && caps->dirs[ndirs]) ndirs++;
    if (ndirs > WC_MAX_DIRS)
        return wb_error_set(err, WB_LIMIT, "more than %d directories granted", WC_MAX_DIRS);
    for (*n = 0; *n < ndirs; (*n)++) {
        wb_status st = wc_dir_parse(caps->dirs[*n], &dirs[*n], err);
        if (st != WB_OK) return st;
        pre[*n] = (wa_wasi_preopen){.host_path = dirs[*n].host, .guest_path = dirs[*n].guest,
                                    .read_only = dirs[*n].read_only};
    }
    return WB_OK;
}

wb_status wc__wasi_new(const wc_comp *c, wa_wasi **out, wb_error *err) {
    const wc_caps *caps = &c->def->caps;
    wa_wasi_config cfg = {0};
    const char *argv0[1] = {c->name};
    cfg.args = argv0;
    cfg.nargs = 1;
    cfg.stdio[1] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_FD, .fd = 1};
    cfg.stdio[2] = (wa_wasi_stdio){.kind = WA_WASI_STDIO_FD, .fd = 2};
    /* Deny everything not granted by name or pattern. */
    for (int f = 0; f < WA_WASI_FUNC_COUNT_; f++)
        if (!wc_caps_wasi_granted(caps, wa_wasi_func_name((wa_wasi_func)f))) cfg.deny |= WA_WASI_BIT(f);
    wc_dir dirs[WC_MAX_DIRS] = {0};
    wa_wasi_preopen pre[WC_MAX_DIRS];
    size_t ndirs = 0;
    wb_status st = wasi_dirs(caps, dirs, pre, &ndirs, err);
    cfg.wait = wasi_wait;
    cfg.max_fds = caps->limits.max_fds;
    cfg.max_write_bytes = caps->limits.disk_bytes;
    cfg.fd_budget = &c->host->fd_budget;
    cfg.preopens = pre;
    cfg.npreopens = (uint32_t)ndirs;
    if (st == WB_OK) st = wa_wasi_new(&cfg, out, err); /* copies the strings */
    for (size_t i = 0; i < ndirs; i++) wc_dir_close(&dirs[i]);
    return st;
}
