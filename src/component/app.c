/* SPDX-License-Identifier: MIT */
/* An application: a manifest turned into component definitions and a
 * supervision tree, plus a driver thread for initial messages and health
 * checks (health-based restarts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

typedef struct app_inst {
    char *name; /* owner: the app */
    const wc_component_spec *spec;
    size_t sup; /* index of its supervisor in app->sups */
    uint64_t next_check_ns;
    uint32_t bad_in_row;
} app_inst;

typedef struct app_sup {
    const char *name;   /* borrowed from the manifest, or "root" */
    size_t parent;      /* index; SIZE_MAX for the root */
    wc_strategy strategy;
    uint32_t intensity, period_ms;
    wr_sup_spec rt;
    wr_child_spec *kids; /* owner: the app */
    size_t nkids;
} app_sup;

struct wc_app {
    wc_host *h;
    const wc_manifest *m; /* borrowed: outlives the app */
    app_sup *sups;        /* owner: the app; [0] is the root */
    size_t nsups;
    app_inst *insts;      /* owner: the app */
    size_t ninsts;
    uint64_t *msg_due;    /* owner: the app; per manifest message */
    wr_id root;
    pthread_t thread;
    bool thread_started;
    atomic_bool stop;
    atomic_uint_fast64_t checks, kills, sent;
};

static size_t sup_index(const wc_app *app, const char *name) {
    for (size_t i = 0; name && i < app->nsups; i++)
        if (!strcmp(app->sups[i].name, name)) return i;
    return 0; /* the root */
}

/* The manifest's supervisors, with the first parentless one (or an implicit
 * "root") at index 0; every other parentless one goes under the root. */
static wb_status build_sups(wc_app *app, wb_error *err) {
    const wc_manifest *m = app->m;
    size_t root = SIZE_MAX;
    for (size_t i = 0; i < m->nsupervisors && root == SIZE_MAX; i++)
        if (!m->supervisors[i].parent) root = i;
    app->nsups = m->nsupervisors + (root == SIZE_MAX ? 1 : 0);
    app->sups = calloc(app->nsups, sizeof *app->sups);
    if (!app->sups) return wb_error_set(err, WB_NOMEM, "out of memory");
    size_t k = 0;
    if (root == SIZE_MAX) {
        app->sups[k++] = (app_sup){.name = "root", .parent = SIZE_MAX, .intensity = 10, .period_ms = 10000};
    } else {
        const wc_supervisor_spec *s = &m->supervisors[root];
        app->sups[k++] = (app_sup){.name = s->name, .parent = SIZE_MAX, .strategy = s->strategy,
                                   .intensity = s->intensity, .period_ms = s->period_ms};
    }
    for (size_t i = 0; i < m->nsupervisors; i++) {
        if (i == root) continue;
        const wc_supervisor_spec *s = &m->supervisors[i];
        app->sups[k++] = (app_sup){.name = s->name, .strategy = s->strategy,
                                   .intensity = s->intensity, .period_ms = s->period_ms};
    }
    for (size_t i = 1; i < app->nsups; i++) {
        const char *parent = NULL;
        for (size_t j = 0; j < m->nsupervisors; j++)
            if (!strcmp(m->supervisors[j].name, app->sups[i].name)) parent = m->supervisors[j].parent;
        app->sups[i].parent = sup_index(app, parent);
    }
    return WB_OK;
}

static wb_status build_insts(wc_app *app, wb_error *err) {
    const wc_manifest *m = app->m;
    for (size_t i = 0; i < m->ncomponents; i++) app->ninsts += m->components[i].instances;
    app->insts = calloc(app->ninsts ? app->ninsts : 1, sizeof *app->insts);
    if (!app->insts) return wb_error_set(err, WB_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_component_spec *cs = &m->components[i];
        for (uint32_t n = 0; n < cs->instances; n++, k++) {
            char name[256];
            if (cs->instances == 1) snprintf(name, sizeof name, "%s", cs->name);
            else snprintf(name, sizeof name, "%s.%u", cs->name, n);
            app->insts[k].name = strdup(name);
            if (!app->insts[k].name) return wb_error_set(err, WB_NOMEM, "out of memory");
            app->insts[k].spec = cs;
            app->insts[k].sup = sup_index(app, cs->supervisor);
        }
    }
    return WB_OK;
}

/* Children of each supervisor: its components in manifest order, then its
 * child supervisors. */
static wb_status build_kids(wc_app *app, wb_error *err) {
    for (size_t s = 0; s < app->nsups; s++) {
        app_sup *sp = &app->sups[s];
        size_t n = 0;
        for (size_t i = 0; i < app->ninsts; i++) n += app->insts[i].sup == s;
        for (size_t i = 1; i < app->nsups; i++) n += app->sups[i].parent == s;
        sp->kids = calloc(n ? n : 1, sizeof *sp->kids);
        if (!sp->kids) return wb_error_set(err, WB_NOMEM, "out of memory");
        for (size_t i = 0; i < app->ninsts; i++) {
            const app_inst *in = &app->insts[i];
            if (in->sup != s) continue;
            wc_child_opts o = {.restart = in->spec->restart, .backoff = in->spec->backoff,
                               .shutdown_ms = in->spec->shutdown_ms, .health = in->spec->health};
            wb_status st = wc_child_spec(app->h, in->spec->name, in->name, &o, &sp->kids[sp->nkids++], err);
            if (st != WB_OK) return st;
        }
        for (size_t i = 1; i < app->nsups; i++) {
            if (app->sups[i].parent != s) continue;
            sp->kids[sp->nkids++] = (wr_child_spec){.name = app->sups[i].name, .sup = &app->sups[i].rt,
                                                    .restart = WR_PERMANENT, .shutdown_ns = 10000000000ull};
        }
        sp->rt = (wr_sup_spec){.name = sp->name,
                               .strategy = sp->strategy == WC_ONE_FOR_ALL   ? WR_ONE_FOR_ALL
                                           : sp->strategy == WC_REST_FOR_ONE ? WR_REST_FOR_ONE
                                                                             : WR_ONE_FOR_ONE,
                               .intensity = sp->intensity,
                               .period_ns = (uint64_t)sp->period_ms * 1000000ull,
                               .children = sp->kids,
                               .nchildren = sp->nkids};
    }
    return WB_OK;
}

/* ---- the driver thread -------------------------------------------------------- */
static void send_due(wc_app *app, uint64_t now) {
    for (size_t i = 0; i < app->m->nmessages; i++) {
        const wc_initial_msg *im = &app->m->messages[i];
        if (now < app->msg_due[i]) continue;
        app->msg_due[i] = im->every_ms ? now + (uint64_t)im->every_ms * 1000000ull : UINT64_MAX;
        wr_id to = wr_lookup(app->h->sys, im->to);
        wb_error err;
        if (to && wc_send(app->h, to, im->payload->data, im->payload->len, &err) == WB_OK)
            atomic_fetch_add(&app->sent, 1);
    }
}

static void check_health(wc_app *app, app_inst *in, uint64_t now) {
    const wc_health_spec *hs = &in->spec->health;
    in->next_check_ns = now + (uint64_t)hs->interval_ms * 1000000ull;
    wr_id id = wr_lookup(app->h->sys, in->name);
    if (!id) return; /* down or restarting: nothing to ask */
    wc_health h = WC_UNHEALTHY;
    char reason[128] = "";
    wb_error err;
    if (wc_health_check(app->h, id, (uint64_t)hs->timeout_ms * 1000000ull, &h, reason, sizeof reason,
                        &err) != WB_OK)
        return;
    atomic_fetch_add(&app->checks, 1);
    wc_comp *c = wc__comp_by_id(app->h, id);
    if (h == WC_HEALTHY) {
        in->bad_in_row = 0;
        return;
    }
    if (h == WC_DEGRADED) {
        in->bad_in_row = 0; /* degraded is a warning, never a restart */
        wc__event(app->h, WC_EV_DEGRADED, c, id, "%s", reason);
        return;
    }
    in->bad_in_row++;
    wc__event(app->h, WC_EV_UNHEALTHY, c, id, "%s (%u of %u in a row)", reason, in->bad_in_row,
              hs->threshold);
    if (in->bad_in_row >= (hs->threshold ? hs->threshold : 1)) {
        in->bad_in_row = 0;
        if (c) { /* the kill carries no text: leave the reason with the record */
            pthread_mutex_lock(&c->lock);
            c->kill_kind = WC_FAIL_HEALTH;
            snprintf(c->kill_reason, sizeof c->kill_reason, "unhealthy %u times in a row: %s",
                     hs->threshold, reason);
            pthread_mutex_unlock(&c->lock);
        }
        if (wr_exit(app->h->sys, 0, id, WR_EXIT_KILLED, "unhealthy", &err) == WB_OK)
            atomic_fetch_add(&app->kills, 1);
    }
}

static void *driver(void *arg) {
    wc_app *app = arg;
    while (!atomic_load(&app->stop)) {
        uint64_t now = wb_now_ns();
        send_due(app, now);
        for (size_t i = 0; i < app->ninsts && !atomic_load(&app->stop); i++) {
            app_inst *in = &app->insts[i];
            if (in->spec->health.interval_ms && now >= in->next_check_ns) check_health(app, in, now);
        }
        wb_sleep_ns(2000000);
    }
    return NULL;
}

wb_status wc_app_start(wc_host *h, const wc_manifest *m, wc_app **out, wb_error *err) {
    *out = NULL;
    wc_app *app = calloc(1, sizeof *app);
    if (!app) return wb_error_set(err, WB_NOMEM, "out of memory");
    app->h = h;
    app->m = m;
    wb_status st = m->topics ? wc_host_declare_topics(h, m->topics, err) : WB_OK;
    for (size_t i = 0; i < m->ncomponents && st == WB_OK; i++)
        st = wc_host_define_file(h, m->components[i].name, m->components[i].wasm, &m->components[i].caps, err);
    if (st == WB_OK) st = build_sups(app, err);
    if (st == WB_OK) st = build_insts(app, err);
    if (st == WB_OK) st = build_kids(app, err);
    if (st == WB_OK && !(app->msg_due = calloc(m->nmessages + 1, sizeof *app->msg_due)))
        st = wb_error_set(err, WB_NOMEM, "out of memory");
    if (st == WB_OK) st = wr_supervisor_start(h->sys, &app->sups[0].rt, &app->root, err);
    if (st != WB_OK) {
        wc_app_free(app);
        return st;
    }
    uint64_t now = wb_now_ns();
    for (size_t i = 0; i < m->nmessages; i++) app->msg_due[i] = now + (uint64_t)m->messages[i].after_ms * 1000000ull;
    for (size_t i = 0; i < app->ninsts; i++)
        app->insts[i].next_check_ns = now + (uint64_t)app->insts[i].spec->health.interval_ms * 1000000ull;
    if (pthread_create(&app->thread, NULL, driver, app) == 0) app->thread_started = true;
    *out = app;
    return WB_OK;
}

void wc_app_stop(wc_app *app) {
    if (!app || !app->thread_started) return;
    atomic_store(&app->stop, true);
    pthread_join(app->thread, NULL);
    app->thread_started = false;
}

void wc_app_free(wc_app *app) {
    if (!app) return;
    wc_app_stop(app);
    for (size_t i = 0; i < app->nsups; i++) free(app->sups[i].kids);
    for (size_t i = 0; i < app->ninsts; i++) free(app->insts[i].name);
    free(app->sups);
    free(app->insts);
    free(app->msg_due);
    free(app);
}

wr_id wc_app_root(const wc_app *app) { return app->root; }

/* Current id of supervisor s, walking down from the root. */
static wr_id sup_id(wc_app *app, size_t s) {
    if (s == 0) return app->root;
    wr_id parent = sup_id(app, app->sups[s].parent);
    return parent ? wr_supervisor_child(app->h->sys, parent, app->sups[s].name) : 0;
}

wb_status wc_app_history(wc_app *app, const char *name, wr_restart_entry *out, size_t max, size_t *n) {
    *n = 0;
    for (size_t i = 0; i < app->ninsts; i++) {
        if (strcmp(app->insts[i].name, name)) continue;
        wr_id sup = sup_id(app, app->insts[i].sup);
        return sup ? wr_supervisor_history(app->h->sys, sup, name, out, max, n) : WB_DEAD;
    }
    return WB_NOT_FOUND;
}

void wc_app_stats_get(wc_app *app, wc_app_stats *out) {
    out->health_checks = atomic_load(&app->checks);
    out->unhealthy_kills = atomic_load(&app->kills);
    out->messages_sent = atomic_load(&app->sent);
}
