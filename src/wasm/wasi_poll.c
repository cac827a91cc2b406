/* SPDX-License-Identifier: MIT */
/* WASI preview1 poll_oneoff: clock timeouts and fd readiness. Blocks the
 * calling thread for at most the earliest clock timeout, unless the embedder
 * waits for a clocks-only poll itself (wa_wasi_config.wait). */
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
    uint64_t *clock_ns; /* owner: state; relative timeout per clock subscription */
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

static uint64_t clock_now(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sorts one subscription: a clock gets its relative timeout, an fd that is
 * always ready (files, context-kept streams) or invalid gets its event now,
 * any other fd a pollfd. */
static uint16_t poll_sub(wa_wasi *w, poll_state *ps, uint32_t i, uint64_t *min_ns) {
    const uint8_t *s = ps->subs + 48 * i;
    uint8_t tag = s[8];
    ps->clock_ns[i] = UINT64_MAX;
    if (tag == EV_CLOCK) {
        uint32_t id = wa__wasi_get_u32(s + 16);
        uint64_t t = wa__wasi_get_u64(s + 24);
        if (id > 1) { /* cputime clocks cannot be waited for */
            event_put(ps, i, WA_WASI_EINVAL, EV_CLOCK, 0, 0);
            return WA_WASI_ESUCCESS;
        }
        if (wa__wasi_get_u16(s + 40) & SUB_CLOCK_ABSTIME) {
            uint64_t now = clock_now(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC);
            t = t > now ? t - now : 0;
        }
        ps->clock_ns[i] = t;
        if (t < *min_ns) *min_ns = t;
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

/* Waits (up to min_ns, or not at all when events are ready) and records
 * the fd and clock events that are due. */
static uint16_t poll_wait(poll_state *ps, uint64_t min_ns) {
    uint64_t start = clock_now(CLOCK_MONOTONIC);
    for (;;) {
        uint64_t elapsed = clock_now(CLOCK_MONOTONIC) - start;
        uint64_t wait = ps->nev ? 0 : min_ns == UINT64_MAX ? UINT64_MAX
                                  : min_ns > elapsed     ? min_ns - elapsed
                                                         : 0;
        struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
        int n = ppoll(ps->pfd, ps->npfd, wait == UINT64_MAX ? NULL : &ts, NULL);
        if (n < 0 && errno != EINTR) return wa__wasi_errno(errno);
        for (uint32_t k = 0; n > 0 && k < ps->npfd; k++) {
            short re = ps->pfd[k].revents;
            if (!re) continue;
            uint8_t type = ps->pfd[k].events == POLLIN ? EV_FD_READ : EV_FD_WRITE;
            uint16_t err = (re & POLLNVAL) ? WA_WASI_EBADF : (re & POLLERR) ? WA_WASI_EIO : 0;
            event_put(ps, ps->pfd_sub[k], err, type, 0, (re & POLLHUP) ? EV_FD_HANGUP : 0);
        }
        elapsed = clock_now(CLOCK_MONOTONIC) - start;
        for (uint32_t i = 0; i < ps->nsubs; i++)
            if (ps->clock_ns[i] != UINT64_MAX && ps->clock_ns[i] <= elapsed)
                event_put(ps, i, WA_WASI_ESUCCESS, EV_CLOCK, 0, 0);
        if (ps->nev) return WA_WASI_ESUCCESS;
    }
}

/* Clocks only, nothing due yet, and an embedder that can wait without the
 * thread: the earliest clocks' events are written now (they are what the
 * guest will see), and the embedder is asked to resume the call after ns. */
static bool poll_hand_off(wa_wasi *w, poll_state *ps, wa_instance *in, uint32_t nevents_at,
                          uint64_t min_ns) {
    if (!w->wait || ps->npfd || ps->nev || min_ns == 0 || min_ns == UINT64_MAX) return false;
    for (uint32_t i = 0; i < ps->nsubs; i++)
        if (ps->clock_ns[i] == min_ns) event_put(ps, i, WA_WASI_ESUCCESS, EV_CLOCK, 0, 0);
    if (!w->wait(in, min_ns, w->wait_ud)) {
        ps->nev = 0; /* waits here after all; the events are found again */
        return false;
    }
    wa__wasi_put_u32(in, nevents_at, ps->nev);
    return true;
}

static uint16_t poll_oneoff(wa_wasi *w, wa_instance *in, const wa_value *a, bool *suspended) {
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
    ps.clock_ns = calloc(nsubs, sizeof *ps.clock_ns);
    uint16_t e = WA_WASI_ENOMEM;
    if (ps.subs && ps.pfd && ps.pfd_sub && ps.clock_ns) {
        memcpy(ps.subs, subs, (size_t)nsubs * 48);
        uint64_t min_ns = UINT64_MAX;
        e = WA_WASI_ESUCCESS;
        for (uint32_t i = 0; i < nsubs && e == WA_WASI_ESUCCESS; i++)
            e = poll_sub(w, &ps, i, &min_ns);
        if (e == WA_WASI_ESUCCESS)
            *suspended = poll_hand_off(w, &ps, in, (uint32_t)a[3].of.i32, min_ns);
        if (e == WA_WASI_ESUCCESS && !*suspended) e = poll_wait(&ps, min_ns);
        if (e == WA_WASI_ESUCCESS && !*suspended) wa__wasi_put_u32(in, (uint32_t)a[3].of.i32, ps.nev);
    }
    free(ps.subs);
    free(ps.pfd);
    free(ps.pfd_sub);
    free(ps.clock_ns);
    return e;
}

wa_host_status wa__wasi_poll_oneoff(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_poll_oneoff, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = poll_oneoff(w, in, a, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}
