/* SPDX-License-Identifier: MIT */
/* The system object: configuration, start, graceful shutdown and freeing. */
#include <string.h>
#include <unistd.h>

#include "rt/internal.h"
#include "rt/supervisor.h"

const char *wr_exit_kind_name(wr_exit_kind k) {
    switch (k) {
    case WR_EXIT_NORMAL: return "normal";
    case WR_EXIT_SHUTDOWN: return "shutdown";
    case WR_EXIT_ERROR: return "error";
    case WR_EXIT_KILLED: return "killed";
    case WR_EXIT_NOPROC: return "noproc";
    }
    return "unknown";
}

void wr_config_default(wr_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->budget = 64;
    cfg->max_actors = 1u << 22;
    cfg->spin_us = 50;
    cfg->send_wait_ns = 1000000000ull;
}

static void system_release(wr_system *sys) {
    wr__sups_free(sys);
    wr__timers_free(sys);
    wr__table_free(sys);
    wr__broker_free(sys);
    wr__registry_free(sys);
    wr__events_free(sys);
    wb_allocator alloc = sys->alloc;
    wb_free(&alloc, sys->workers, sys->nworkers * sizeof *sys->workers, WB_TAG_GENERIC);
    wb_free(&alloc, sys, sizeof *sys, WB_TAG_GENERIC);
}

wb_status wr_system_new(const wr_config *cfg_in, wr_system **out, wb_error *err) {
    if (!out) return wb_error_set(err, WB_INVALID_ARG, "wr_system_new: NULL out");
    *out = NULL;
    wr_config cfg;
    if (cfg_in) cfg = *cfg_in;
    else wr_config_default(&cfg);
    if (!cfg.workers) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cfg.workers = n > 0 ? (unsigned)n : 1;
    }
    if (cfg.workers > 1024) return wb_error_set(err, WB_INVALID_ARG, "too many workers (%u)", cfg.workers);
    if (!cfg.budget) cfg.budget = 64;
    if (!cfg.max_actors) cfg.max_actors = 1u << 22;
    if (!cfg.send_wait_ns) cfg.send_wait_ns = 1000000000ull;
    wr_system *sys = wb_calloc(&cfg.allocator, 1, sizeof *sys, WB_TAG_GENERIC);
    if (!sys) return wb_error_set(err, WB_NOMEM, "no memory for the system");
    sys->cfg = cfg;
    sys->alloc = cfg.allocator;
    sys->nworkers = cfg.workers;
    atomic_flag_clear(&sys->ext_lock);
    sys->workers = wb_calloc(&sys->alloc, cfg.workers, sizeof *sys->workers, WB_TAG_GENERIC);
    if (!sys->workers) {
        wb_free(&sys->alloc, sys, sizeof *sys, WB_TAG_GENERIC);
        return wb_error_set(err, WB_NOMEM, "no memory for workers");
    }
    wb_status st = wr__table_init(sys, err);
    if (st == WB_OK && (wr__registry_new(sys) != WB_OK || wr__broker_new(sys) != WB_OK ||
                        wr__events_new(sys) != WB_OK || wr__sups_new(sys) != WB_OK))
        st = wb_error_set(err, WB_NOMEM, "no memory for system tables");
    if (st == WB_OK) st = wr__timers_new(sys, err);
    if (st == WB_OK) st = wr__sched_start(sys, err);
    if (st != WB_OK) {
        wr__timers_stop(sys);
        system_release(sys);
        return st;
    }
    *out = sys;
    return WB_OK;
}

bool wr_system_stopping(const wr_system *sys) { return !sys || atomic_load(&((wr_system *)sys)->stopping); }
unsigned wr_system_workers(const wr_system *sys) { return sys ? sys->nworkers : 0; }

void wr_system_stats_get(wr_system *sys, wr_system_stats *out) {
    if (!sys || !out) return;
    out->live_actors = atomic_load(&sys->live);
    out->spawned = atomic_load(&sys->spawned);
    out->exited = atomic_load(&sys->exited);
    out->dead_letters = atomic_load(&sys->dead_letters);
    out->drops = atomic_load(&sys->drops);
    out->restarts = atomic_load(&sys->restarts);
    out->lost = atomic_load(&sys->lost);
}

/* Idle = no runnable actor seen twice in a row, 1 ms apart. */
static bool drained(wr_system *sys) {
    if (!wr__sched_idle(sys)) return false;
    wb_sleep_ns(1000000);
    return wr__sched_idle(sys);
}

wb_status wr_system_shutdown(wr_system *sys, uint64_t timeout_ns) {
    if (!sys) return WB_INVALID_ARG;
    if (wr__current_worker(sys)) return WB_STATE;
    if (sys->shut_down) return WB_OK;
    atomic_store(&sys->stopping, true);
    uint64_t now = wb_now_ns();
    uint64_t deadline = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
    wb_status st = WB_OK;
    /* Top supervisors first, as OTP stops an application: each stops its
     * children in reverse start order, one at a time, while the timers
     * still run (the kills at their shutdown deadlines). */
    for (size_t n = wr__sups_stop_roots(sys); n && (n = wr__sups_roots(sys)) != 0;) {
        if (wb_now_ns() >= deadline) {
            st = WB_TIMEOUT;
            break;
        }
        wb_sleep_ns(100000);
    }
    /* Timers are input from outside the actors too: none fires from now on,
     * so periodic work cannot keep the drain from ending. */
    wr__timers_stop(sys);
    while (st == WB_OK && !drained(sys)) {
        if (wb_now_ns() >= deadline) {
            st = WB_TIMEOUT;
            break;
        }
    }
    /* Every actor stops at its next message boundary and runs terminate. A
     * handler that never returns cannot be preempted. */
    atomic_store(&sys->halting, true);
    uint64_t nap = 100000;
    while (atomic_load(&sys->live) > 0) {
        wr__stop_all(sys);
        wb_sleep_ns(nap);
        if (nap < 10000000) nap *= 2;
    }
    while (!drained(sys)) {
    }
    wr__sched_stop(sys);
    sys->shut_down = true;
    return st;
}

void wr_system_free(wr_system *sys) {
    if (!sys) return;
    if (!sys->shut_down) wr_system_shutdown(sys, 1000000000ull);
    system_release(sys);
}
