/* SPDX-License-Identifier: MIT */
/* WASI calls that would block: handed to the embedder's wait, so that the
 * instance suspends and its thread runs others (the call runs again when
 * the embedder calls wa_wasi_resume), or, without one, blocked here in
 * ppoll until a descriptor may be ready or the deadline passes. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

/* Blocks this thread until a descriptor of req is ready or its deadline. */
static void block_here(const wa_wasi_wait_req *req) {
    struct pollfd small[8], *pfd = small;
    if (req->nfds > 8 && !(pfd = calloc(req->nfds, sizeof *pfd))) {
        pfd = small; /* out of memory: watch the first few, the caller retries */
    }
    uint32_t n = pfd == small && req->nfds > 8 ? 8 : req->nfds;
    for (uint32_t i = 0; i < n; i++) {
        pfd[i].fd = req->fds[i].fd;
        pfd[i].events = req->fds[i].write ? POLLOUT : POLLIN;
        pfd[i].revents = 0;
    }
    uint64_t now = wb_now_ns();
    struct timespec ts, *tp = NULL;
    if (req->deadline_ns != UINT64_MAX) {
        uint64_t d = req->deadline_ns > now ? req->deadline_ns - now : 0;
        ts.tv_sec = (time_t)(d / 1000000000u);
        ts.tv_nsec = (long)(d % 1000000000u);
        tp = &ts;
    }
    if (ppoll(pfd, n, tp, NULL) < 0 && errno != EINTR) { /* nothing to wait on */
    }
    if (pfd != small) free(pfd);
}

bool wa__wasi_block(wa_wasi *w, wa_instance *in, wa_wasi_func f, void *ud, const wa_value *a,
                    const wa_wasi_wait_req *req) {
    if (w->wait) {
        uint32_t nparams = 0;
        wa__wasi_host_fn(f, &nparams);
        wa__wasi_pending p = {.active = true, .func = f, .caller = in, .ud = ud};
        for (uint32_t i = 0; i < nparams && i < WA__WASI_MAX_ARGS; i++) p.args[i] = a[i];
        p.t0 = w->resuming ? w->pending.t0 : wb_now_ns();
        w->pending = p;
        if (w->wait(in, req, w->wait_ud)) return true;
        w->pending.active = false;
    }
    block_here(req);
    return false;
}

uint64_t wa__wasi_call_t0(const wa_wasi *w) { return w->resuming ? w->pending.t0 : wb_now_ns(); }

wa_run_status wa_wasi_resume(wa_wasi *w, wa_instance *inst, uint64_t fuel) {
    if (!w || !w->pending.active) {
        wa_instance_set_trap(inst, WA_TRAP_HOST, "no WASI call is waiting");
        return wa_instance_fail_host(inst);
    }
    uint32_t nparams = 0;
    wa_host_fn fn = wa__wasi_host_fn(w->pending.func, &nparams);
    wa__wasi_pending p = w->pending;
    wa_value r[1] = {wa_i32(0)};
    w->resuming = true; /* the call keeps its start time (poll_oneoff's relative clocks) */
    wa_host_status hs = fn(p.caller, p.args, r, p.ud);
    w->resuming = false;
    if (hs == WA_HOST_SUSPEND) return WA_RUN_SUSPENDED; /* waits again: pending is set anew */
    w->pending.active = false;
    if (hs == WA_HOST_TRAP) return wa_instance_fail_host(inst);
    return wa_instance_resume_host(inst, r, 1, fuel);
}

void wa_wasi_cancel(wa_wasi *w) {
    if (w) w->pending.active = false;
}
