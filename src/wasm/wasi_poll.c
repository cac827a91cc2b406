/* SPDX-License-Identifier: MIT */
/* WASI preview1 poll_oneoff: clock timeouts and fd readiness. What is ready
 * now is answered at once; otherwise the call waits (wasi_wait.c) until the
 * earliest clock deadline or a descriptor's readiness - suspended through the
 * embedder's wait when it has one - and then looks again. Deadlines saturate:
 * the largest timeouts mean "never", they do not wrap into the past. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WASI_MAX_SUBS 4096u

enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };
enum { SUB_CLOCK_ABSTIME = 1, EV_FD_HANGUP = 1 };

typedef struct poll_state {
    uint8_t *subs;      /* owner: state; a copy, since events may overwrite them */
    uint8_t *events;    /* guest memory, nsubs * 32 bytes */
    uint32_t nsubs, nev;
    struct pollfd *pfd; /* owner: state */
    uint32_t *pfd_sub;  /* owner: state; subscription index of each pollfd */
    uint32_t npfd;
    uint64_t *deadline; /* owner: state; wb_now_ns() deadline per clock subscription */
} poll_state;

static void event_put(poll_state *ps, uint32_t sub, uint16_t error, uint8_t type, uint64_t nbytes,
                      uint16_t flags) {
    uint8_t *ev = ps->events + 32 * ps->nev++;
    const uint8_t *s = ps->subs + 48 * sub;
    memset(ev, 0, 32);
    memcpy(ev, s, 8); /* userdata, already little-endian */
    ev[8] = (uint8_t)error;
    ev[9] = (uint8_t)(error >> 8);
    ev[10] = type;
    for (int i = 0; i < 8; i++) ev[16 + i] = (uint8_t)(nbytes >> (8 * i));
    ev[24] = (uint8_t)flags;
    ev[25] = (uint8_t)(flags >> 8);
}

static uint64_t realtime_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The monotonic deadline of a clock subscription; relative timeouts count
 * from t0, when the call first ran (a resumed call keeps it). */
static uint64_t clock_deadline(uint32_t id, uint64_t t, bool abs, uint64_t t0) {
    if (!abs) return wa__wasi_sat_add(t0, t);
    if (id == 1) return t; /* the guest's monotonic clock is wb_now_ns()'s */
    uint64_t now = realtime_now();
    return wa__wasi_sat_add(wb_now_ns(), t > now ? t - now : 0);
}

/* Sorts one subscription: a clock gets its deadline, an fd that is always
 * ready (files, context-kept streams) or invalid gets its event now, any
 * other fd a pollfd. */
static uint16_t poll_sub(wa_wasi *w, poll_state *ps, uint32_t i, uint64_t t0, uint64_t *min) {
    const uint8_t *s = ps->subs + 48 * i;
    uint8_t tag = s[8];
    ps->deadline[i] = UINT64_MAX;
    if (tag == EV_CLOCK) {
        uint32_t id = wa__wasi_get_u32(s + 16);
        if (id > 1) { /* cputime clocks cannot be waited for */
            event_put(ps, i, WA_WASI_EINVAL, EV_CLOCK, 0, 0);
            return WA_WASI_ESUCCESS;
        }
        bool abs = wa__wasi_get_u16(s + 40) & SUB_CLOCK_ABSTIME;
        ps->deadline[i] = clock_deadline(id, wa__wasi_get_u64(s + 24), abs, t0);
        if (ps->deadline[i] < *min) *min = ps->deadline[i];
        return WA_WASI_ESUCCESS;
    }
    if (tag != EV_FD_READ && tag != EV_FD_WRITE) return WA_WASI_EINVAL;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, wa__wasi_get_u32(s + 16),
                                       WA_WASI_R(WA_WASI_R_POLL_FD_READWRITE), &e);
    if (!ent) {
        event_put(ps, i, e, tag, 0, 0);
        return WA_WASI_ESUCCESS;
    }
    int h = ent->kind == WA__WASI_FD_STDIO && w->stdio[ent->host].kind != WA_WASI_STDIO_FD
                ? -1
                : ent->kind == WA__WASI_FD_STDIO ? w->stdio[ent->host].fd : ent->host;
    if (h < 0 || ent->filetype == WA_WASI_FT_FILE || ent->filetype == WA_WASI_FT_DIR) {
        uint64_t n = 0;
        if (h < 0 && ent->host == 0 && w->stdio[0].kind == WA_WASI_STDIO_BUFFER)
            n = w->stdio[0].input_len - w->stdin_pos;
        event_put(ps, i, WA_WASI_ESUCCESS, tag, n, 0);
        return WA_WASI_ESUCCESS;
    }
    ps->pfd[ps->npfd].fd = h;
    ps->pfd[ps->npfd].events = tag == EV_FD_READ ? POLLIN : POLLOUT;
    ps->pfd_sub[ps->npfd++] = i;
    return WA_WASI_ESUCCESS;
}

/* Records what is ready now, without waiting: descriptors, due clocks. */
static uint16_t poll_now(poll_state *ps) {
    if (ps->npfd) {
        struct timespec zero = {0, 0};
        int n = ppoll(ps->pfd, ps->npfd, &zero, NULL);
        if (n < 0 && errno != EINTR) return wa__wasi_errno(errno);
        for (uint32_t k = 0; n > 0 && k < ps->npfd; k++) {
            short re = ps->pfd[k].revents;
            if (!re) continue;
            uint8_t type = ps->pfd[k].events == POLLIN ? EV_FD_READ : EV_FD_WRITE;
            uint16_t err = (re & POLLNVAL) ? WA_WASI_EBADF : (re & POLLERR) ? WA_WASI_EIO : 0;
            event_put(ps, ps->pfd_sub[k], err, type, 0, (re & POLLHUP) ? EV_FD_HANGUP : 0);
        }
    }
    uint64_t now = wb_now_ns();
    for (uint32_t i = 0; i < ps->nsubs; i++)
        if (ps->deadline[i] != UINT64_MAX && ps->deadline[i] <= now)
            event_put(ps, i, WA_WASI_ESUCCESS, EV_CLOCK, 0, 0);
    return WA_WASI_ESUCCESS;
}

/* One look at every subscription; *nothing when the call must wait (then
 * req says for what). */
static uint16_t poll_once(wa_wasi *w, poll_state *ps, uint64_t t0, wa_wasi_waitfd *wfd,
                          wa_wasi_wait_req *req, bool *nothing) {
    ps->nev = ps->npfd = 0;
    uint64_t min = UINT64_MAX;
    uint16_t e = WA_WASI_ESUCCESS;
    for (uint32_t i = 0; i < ps->nsubs && e == WA_WASI_ESUCCESS; i++) e = poll_sub(w, ps, i, t0, &min);
    if (e == WA_WASI_ESUCCESS) e = poll_now(ps);
    *nothing = e == WA_WASI_ESUCCESS && ps->nev == 0;
    for (uint32_t k = 0; k < ps->npfd; k++)
        wfd[k] = (wa_wasi_waitfd){.fd = ps->pfd[k].fd, .write = ps->pfd[k].events == POLLOUT};
    *req = (wa_wasi_wait_req){.deadline_ns = min, .fds = wfd, .nfds = ps->npfd};
    return e;
}

static uint16_t poll_oneoff(wa_wasi *w, wa_instance *in, const wa_value *a, void *ud, bool *suspended) {
    uint32_t nsubs = (uint32_t)a[2].of.i32;
    if (nsubs == 0 || nsubs > WASI_MAX_SUBS) return WA_WASI_EINVAL;
    const uint8_t *subs = wa_instance_mem_ptr(in, (uint32_t)a[0].of.i32, (uint64_t)nsubs * 48);
    uint8_t *events = wa_instance_mem_ptr(in, (uint32_t)a[1].of.i32, (uint64_t)nsubs * 32);
    if (!subs || !events || !wa_instance_mem_ptr(in, (uint32_t)a[3].of.i32, 4))
        return WA_WASI_EFAULT;
    poll_state ps = {0};
    ps.nsubs = nsubs;
    ps.events = events;
    ps.subs = malloc((size_t)nsubs * 48);
    ps.pfd = calloc(nsubs, sizeof *ps.pfd);
    ps.pfd_sub = calloc(nsubs, sizeof *ps.pfd_sub);
    ps.deadline = calloc(nsubs, sizeof *ps.deadline);
    wa_wasi_waitfd *wfd = calloc(nsubs, sizeof *wfd);
    uint16_t e = WA_WASI_ENOMEM;
    if (ps.subs && ps.pfd && ps.pfd_sub && ps.deadline && wfd) {
        memcpy(ps.subs, subs, (size_t)nsubs * 48);
        uint64_t t0 = wa__wasi_call_t0(w);
        for (;;) {
            bool nothing;
            wa_wasi_wait_req req;
            e = poll_once(w, &ps, t0, wfd, &req, &nothing);
            if (!nothing) break;
            if (wa__wasi_block(w, in, WA_WASI_poll_oneoff, ud, a, &req)) {
                *suspended = true;
                break;
            }
        }
        if (e == WA_WASI_ESUCCESS && !*suspended) wa__wasi_put_u32(in, (uint32_t)a[3].of.i32, ps.nev);
    }
    free(ps.subs);
    free(ps.pfd);
    free(ps.pfd_sub);
    free(ps.deadline);
    free(wfd);
    return e;
}

wa_host_status wa__wasi_poll_oneoff(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_poll_oneoff, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = poll_oneoff(w, in, a, ud, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}
