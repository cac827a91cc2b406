/* SPDX-License-Identifier: MIT */
/* WASI calls that would block, without blocking a worker: the component
 * suspends in a wait on the runtime (wr_ctx_sleep: a timer for the deadline,
 * none when there is none), and descriptors it waits on are watched by the
 * host's poller thread (one epoll per host), which ends the wait with a
 * reply (wr_send_reply). The call then runs again (wa_wasi_resume) and
 * either finishes or waits anew. Inside init and cleanup, which cannot
 * suspend, run_sync waits on its own thread, bounded by the call's deadline. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "component/host.h"

#define POLLER_MAX_FDS 8

/* One wait on descriptors: the actor to wake and the dups registered. */
typedef struct poll_reg {
    uint64_t id;
    wr_id actor;
    uint64_t corr;
    int dups[POLLER_MAX_FDS]; /* owner: the registration; -1 when none */
    uint32_t ndups;
    bool fired;
    bool retry;       /* its wake-up could not be sent (no memory): sent again shortly */
    struct poll_reg *next;
} poll_reg;

struct wc_poller {
    wr_system *sys;
    int ep;                /* owner: the poller */
    int stop_fd;           /* owner: the poller; an eventfd, data 0 in ep */
    pthread_t thread;
    pthread_mutex_t lock;  /* guards regs, next_id, fired */
    poll_reg *regs;        /* owner: the poller */
    uint64_t next_id;
    uint32_t retries;      /* registrations waiting for a wake-up to be sent again */
    atomic_bool stop;
};

static poll_reg *reg_find(struct wc_poller *p, uint64_t id, poll_reg ***link) {
    for (poll_reg **r = &p->regs; *r; r = &(*r)->next)
        if ((*r)->id == id) {
            if (link) *link = r;
            return *r;
        }
    return NULL;
}

/* Ends the wait once: the component runs its call again and looks. A
 * wake-up that cannot be sent for want of memory is tried again (the loop
 * then polls every 10 ms), never dropped: the component would wait for
 * ever. */
static void reg_fire(struct wc_poller *p, poll_reg *r) {
    if (r->fired) return;
    r->fired = true;
    wb_error err;
    wb_status st = wr_send_reply(p->sys, r->actor, r->corr, 0, NULL, 0, &err); /* DEAD: nothing to wake */
    if (st == WB_NOMEM && !r->retry) {
        r->fired = false;
        r->retry = true;
        p->retries++;
    } else if (st == WB_NOMEM) {
        r->fired = false;
    } else if (r->retry) {
        r->retry = false;
        p->retries--;
    }
}

static void *poller_main(void *arg) {
    struct wc_poller *p = arg;
    struct epoll_event evs[64];
    while (!atomic_load(&p->stop)) {
        pthread_mutex_lock(&p->lock);
        int timeout = p->retries ? 10 : -1;
        pthread_mutex_unlock(&p->lock);
        int n = epoll_wait(p->ep, evs, 64, timeout);
        if (n < 0 && errno != EINTR) break;
        pthread_mutex_lock(&p->lock);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u64 == 0) continue; /* the stop eventfd */
            poll_reg *r = reg_find(p, evs[i].data.u64, NULL);
            if (r) reg_fire(p, r); /* else cancelled meanwhile */
        }
        for (poll_reg *r = p->regs; p->retries && r; r = r->next)
            if (r->retry) reg_fire(p, r);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static struct wc_poller *poller_new(wr_system *sys) {
    struct wc_poller *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->sys = sys;
    p->next_id = 1;
    p->ep = epoll_create1(EPOLL_CLOEXEC);
    p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    pthread_mutex_init(&p->lock, NULL);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
    if (p->ep < 0 || p->stop_fd < 0 || epoll_ctl(p->ep, EPOLL_CTL_ADD, p->stop_fd, &ev) != 0 ||
        pthread_create(&p->thread, NULL, poller_main, p) != 0) {
        if (p->ep >= 0) close(p->ep);
        if (p->stop_fd >= 0) close(p->stop_fd);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

static void reg_free(struct wc_poller *p, poll_reg *r) {
    for (uint32_t i = 0; i < r->ndups; i++) {
        epoll_ctl(p->ep, EPOLL_CTL_DEL, r->dups[i], NULL);
        close(r->dups[i]);
    }
    free(r);
}

void wc__poller_free(struct wc_poller *p) {
    if (!p) return;
    atomic_store(&p->stop, true);
    uint64_t one = 1;
    if (write(p->stop_fd, &one, sizeof one) < 0) { /* the thread wakes anyway at its next event */
    }
    pthread_join(p->thread, NULL);
    for (poll_reg *r = p->regs, *next; r; r = next) {
        next = r->next;
        reg_free(p, r);
    }
    close(p->ep);
    close(p->stop_fd);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static struct wc_poller *poller_get(wc_host *h) {
    pthread_mutex_lock(&h->lock);
    if (!h->poller) h->poller = poller_new(h->sys);
    struct wc_poller *p = h->poller;
    pthread_mutex_unlock(&h->lock);
    return p;
}

/* Watches the descriptors for actor/corr; 0 when that is impossible. Each is
 * registered as a dup (one-shot), so the same host descriptor may be watched
 * twice and closing the guest's copy never confuses epoll. */
static uint64_t poller_add(struct wc_poller *p, wr_id actor, uint64_t corr, const wa_wasi_waitfd *fds,
                           uint32_t nfds) {
    poll_reg *r = calloc(1, sizeof *r);
    if (!r) return 0;
    r->actor = actor;
    r->corr = corr;
    pthread_mutex_lock(&p->lock);
    r->id = p->next_id++;
    bool ready = false;
    for (uint32_t i = 0; i < nfds && i < POLLER_MAX_FDS; i++) {
        int d = fcntl(fds[i].fd, F_DUPFD_CLOEXEC, 3);
        if (d < 0) {
            ready = true; /* cannot watch it: let the call look again (and fail) */
            continue;
        }
        struct epoll_event ev = {.events = (fds[i].write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT,
                                 .data.u64 = r->id};
        if (epoll_ctl(p->ep, EPOLL_CTL_ADD, d, &ev) != 0) {
            close(d);
            ready = true; /* e.g. a regular file: always ready */
            continue;
        }
        r->dups[r->ndups++] = d;
    }
    r->next = p->regs;
    p->regs = r;
    if (ready) reg_fire(p, r);
    pthread_mutex_unlock(&p->lock);
    return r->id;
}

static void poller_cancel(struct wc_poller *p, uint64_t id) {
    pthread_mutex_lock(&p->lock);
    poll_reg **link = NULL;
    poll_reg *r = reg_find(p, id, &link);
    if (r) *link = r->next;
    if (r && r->retry) p->retries--;
    pthread_mutex_unlock(&p->lock);
    if (r) reg_free(p, r);
}

/* ---- the component's side ------------------------------------------------ */
static void wait_copy(wc_actor *a, const wa_wasi_wait_req *req) {
    a->wait_deadline = req->deadline_ns;
    a->wait_nfds = req->nfds < POLLER_MAX_FDS ? req->nfds : POLLER_MAX_FDS;
    for (uint32_t i = 0; i < a->wait_nfds; i++) a->wait_fds[i] = req->fds[i];
}

bool wc__wasi_wait(wc_actor *a, const wa_wasi_wait_req *req) {
    if (!a->ctx) return false;
    wait_copy(a, req);
    if (a->no_suspend) { /* init/cleanup: run_sync waits, bounded by the call's deadline */
        a->sync_wait = true;
        return true;
    }
    uint64_t now = wb_now_ns();
    uint64_t ns = req->deadline_ns == UINT64_MAX ? UINT64_MAX
                  : req->deadline_ns > now       ? req->deadline_ns - now
                                                 : 1;
    uint64_t corr = 0;
    wb_error err;
    wb_status st = wr_ctx_sleep(a->ctx, ns, &corr, &err);
    if (st == WB_OK && a->wait_nfds) {
        struct wc_poller *p = poller_get(a->comp->host);
        a->wait_reg = p ? poller_add(p, wr_ctx_self(a->ctx), corr, a->wait_fds, a->wait_nfds) : 0;
        if (!a->wait_reg) st = WB_NOMEM;
    }
    if (st != WB_OK) { /* no way to wait: the call fails (after_run), never blocks */
        a->wait_failed = true;
        return true;
    }
    wr_ctx_await_or(a->ctx, corr, WC_TAG_SHUTDOWN); /* a stop need not wait */
    a->pending_corr = corr;
    a->sleeping = true;
    a->suspended = true;
    return true;
}

void wc__wasi_wait_cancel(wc_actor *a) {
    if (a->wait_reg) poller_cancel(a->comp->host->poller, a->wait_reg);
    a->wait_reg = 0;
    a->sleeping = a->sync_wait = a->wait_failed = false;
    wa_wasi_cancel(a->wasi);
}

wa_run_status wc__wasi_wake(wc_actor *a, uint64_t fuel) {
    /* the poller may have answered just as the timer did: that answer is stale */
    if (a->wait_reg) a->waits_done[a->waits_done_next++ % WB_ARRAY_LEN(a->waits_done)] = a->pending_corr;
    if (a->wait_reg) poller_cancel(a->comp->host->poller, a->wait_reg);
    a->wait_reg = 0;
    a->sleeping = false;
    return wa_wasi_resume(a->wasi, a->inst, fuel);
}

bool wc__wasi_wait_here(wc_actor *a, uint64_t deadline_ns) {
    a->sync_wait = false;
    uint64_t until = a->wait_deadline < deadline_ns ? a->wait_deadline : deadline_ns;
    struct pollfd pfd[POLLER_MAX_FDS];
    for (uint32_t i = 0; i < a->wait_nfds; i++)
        pfd[i] = (struct pollfd){.fd = a->wait_fds[i].fd, .events = a->wait_fds[i].write ? POLLOUT : POLLIN};
    uint64_t now = wb_now_ns();
    if (until > now) {
        uint64_t d = until - now;
        struct timespec ts = {(time_t)(d / 1000000000u), (long)(d % 1000000000u)};
        if (ppoll(pfd, a->wait_nfds, &ts, NULL) < 0 && errno != EINTR) { /* look again anyway */
        }
    }
    return wb_now_ns() < deadline_ns || a->wait_deadline <= deadline_ns;
}
