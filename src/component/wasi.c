/* SPDX-License-Identifier: MIT */
/* WASI preview1 for components: one context per incarnation, with only the
 * functions and directories its capabilities grant. stdout/stderr are the
 * host's; stdin is empty; a sleep suspends the component, not its worker. */
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

static wa_wasi *wasi_of(wa_instance *caller, void *ud) {
    wc_actor *a = wa_instance_user_data(caller);
    return a ? a->wasi : NULL;
}

/* nanosleep and friends suspend the component instead of its worker. */
static bool wasi_wait(wa_instance *caller, uint64_t ns, void *ud) {
    (void)ud;
    wc_actor *a = wa_instance_user_data(caller);
    return a && wc__sleep(a, ns);
}

static const wa_wasi_resolver resolver = {.ctx_of = wasi_of, .ud = NULL};

wb_status wc__wasi_link(wa_linker *l, wb_error *err) { return wa_wasi_link(l, &resolver, err); }

/* "HOST[::GUEST][:ro]" -> a preopen; strings point into buf. */
static void parse_dir(char *buf, wa_wasi_preopen *p) {
    size_t n = strlen(buf);
    p->read_only = n > 3 && !strcmp(buf + n - 3, ":ro");
    if (p->read_only) buf[n - 3] = 0;
    char *sep = strstr(buf, "::");
    p->host_path = buf;
    p->guest_path = buf;
    if (sep) {
        *sep = 0;
        p->guest_path = sep + 2;
    }
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
    size_t ndirs = 0;
    while (caps->dirs && caps->dirs[ndirs]) ndirs++;
    wa_wasi_preopen pre[16];
    char bufs[16][512];
    if (ndirs > 16) return wb_error_set(err, WB_LIMIT, "more than 16 directories granted");
    for (size_t i = 0; i < ndirs; i++) {
        strncpy(bufs[i], caps->dirs[i], sizeof bufs[i] - 1);
        bufs[i][sizeof bufs[i] - 1] = 0;
        parse_dir(bufs[i], &pre[i]);
    }
    cfg.wait = wasi_wait;
    cfg.preopens = pre;
    cfg.npreopens = (uint32_t)ndirs;
    return wa_wasi_new(&cfg, out, err);
}
