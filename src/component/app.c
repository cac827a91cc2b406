/* SPDX-License-Identifier: MIT */
/* An application: a manifest turned into component definitions and a
 * supervision tree, plus a driver thread for initial messages and health
 * checks (health-based restarts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"
#include "component/tree.h"

typedef struct app_inst {
    char *name; /* owner: the app */
    const wc_component_spec *spec;
    size_t sup; /* index of its supervisor in app->sups */
    struct wc_app *app;
    uint64_t next_check_ns; /* the driver's */
    /* A health check in flight (at most one per instance): its answer
     * comes on a worker (health_answer), which alone touches bad_in_row. */
    atomic_bool checking;
    wr_id check_id;
    uint32_t bad_in_row;
} app_inst;

typedef struct app_sup {
    const char *name;   /* borrowed from the manifest, or "root" */
    const wc_supervisor_spec *spec; /* borrowed; NULL for the implicit root */
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
    app_sup *sups;        /* owner: the app; [0] is the root; nsups counts only once allocated */
    size_t nsups;
    wc__name_ix *sup_ix;  /* owner: the app; sups' names, sorted */
    app_inst *insts;      /* owner: the app; ninsts counts only once allocated */
    size_t ninsts;
    uint64_t *msg_due;    /* owner: the app; per manifest message */
    wr_id root;
    pthread_t thread;
    bool thread_started;
    atomic_bool stop, running; /* running: the tree is up, the driver may act */
    atomic_uint_fast64_t checks, kills, sent;
    atomic_uint_fast64_t checks_failed, sends_failed; /* could not be made: counted, never skipped unseen */
    atomic_uint in_flight; /* health checks whose answer has not come yet */
};

static unsigned decimal_digits(uint32_t v) {
    unsigned d = 1;
    for (; v >= 10; v /= 10) d++;
    return d;
}

/* The manifest may have been built in code rather than loaded: check what
 * this file relies on (the loader checks the same, with line numbers). */
static wb_status check_manifest(const wc_manifest *m, wb_error *err) {
    for (size_t i = 0; i < m->nsupervisors; i++) {
        const char *n = m->supervisors[i].name;
        if (!n || !*n || strlen(n) > WC_NAME_MAX)
            return wb_error_set(err, WB_INVALID_ARG, "supervisor %zu: a name of 1..%d bytes needed", i,
                                WC_NAME_MAX);
        if (m->supervisors[i].intensity > WC_MAX_INTENSITY)
            return wb_error_set(err, WB_LIMIT, "supervisor \"%s\": intensity must be 0..%u", n,
                                WC_MAX_INTENSITY);
    }
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_component_spec *cs = &m->components[i];
        if (!cs->name || !*cs->name || !cs->wasm)
            return wb_error_set(err, WB_INVALID_ARG, "component %zu needs a name and a wasm path", i);
        if (!cs->instances || cs->instances > WC_MAX_INSTANCES)
            return wb_error_set(err, WB_LIMIT, "component \"%.*s\": instances must be 1..%u", WC_NAME_MAX,
                                cs->name, WC_MAX_INSTANCES);
        size_t len = strlen(cs->name) + (cs->instances > 1 ? 1 + decimal_digits(cs->instances - 1) : 0);
        if (len > WC_NAME_MAX)
            return wb_error_set(err, WB_INVALID_ARG, "component \"%.*s...\": instance names over %d bytes",
                                WC_NAME_MAX, cs->name, WC_NAME_MAX);
    }
    return WB_OK;
}

/* The manifest's supervisors, with the first parentless one (or an implicit
 * "root") at index 0. Parents are linked by link_sups. */
static wb_status build_sups(wc_app *app, wb_error *err) {
    const wc_manifest *m = app->m;
    size_t root = SIZE_MAX;
    for (size_t i = 0; i < m->nsupervisors && root == SIZE_MAX; i++)
        if (!m->supervisors[i].parent) root = i;
    size_t n = m->nsupervisors + (root == SIZE_MAX ? 1 : 0);
    app->sups = calloc(n, sizeof *app->sups);
    if (!app->sups) return wb_error_set(err, WB_NOMEM, "out of memory");
    app->nsups = n;
    size_t k = 1;
    if (root == SIZE_MAX) app->sups[0] = (app_sup){.name = "root", .intensity = 10, .period_ms = 10000};
    for (size_t i = 0; i < m->nsupervisors; i++) {
        const wc_supervisor_spec *s = &m->supervisors[i];
        app_sup *sp = &app->sups[i == root ? 0 : k++];
        *sp = (app_sup){.name = s->name, .spec = s, .strategy = s->strategy,
                        .intensity = s->intensity, .period_ms = s->period_ms};
    }
    return WB_OK;
}

/* Each supervisor's parent by name (parentless ones go under the root), and
 * a check that the result is a tree: a cycle of parents would never be
 * started, and walking it would never end. */
static wb_status link_sups(wc_app *app, wb_error *err) {
    size_t n = app->nsups;
    app->sup_ix = calloc(n, sizeof *app->sup_ix);
    size_t *parent = calloc(n, sizeof *parent);
    uint8_t *mark = calloc(n, 1);
    wb_status st = app->sup_ix && parent && mark ? WB_OK : wb_error_set(err, WB_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == WB_OK; i++) app->sup_ix[i] = (wc__name_ix){app->sups[i].name, i};
    size_t dup = st == WB_OK ? wc__names_sort(app->sup_ix, n) : SIZE_MAX;
    if (dup != SIZE_MAX)
        st = wb_error_set(err, WB_INVALID_ARG, "duplicate supervisor \"%s\"", app->sups[dup].name);
    for (size_t i = 0; i < n && st == WB_OK; i++) {
        const char *pname = app->sups[i].spec ? app->sups[i].spec->parent : NULL;
        parent[i] = i == 0 ? SIZE_MAX : pname ? wc__names_find(app->sup_ix, n, pname) : 0;
        if (i && parent[i] == SIZE_MAX)
            st = wb_error_set(err, WB_INVALID_ARG, "supervisor \"%s\": unknown parent \"%.*s\"",
                              app->sups[i].name, WC_NAME_MAX, pname);
    }
    size_t cyc = st == WB_OK ? wc__tree_cycle(parent, n, mark) : SIZE_MAX;
    if (cyc != SIZE_MAX)
        st = wb_error_set(err, WB_INVALID_ARG, "supervisor \"%s\": parent chain forms a cycle",
                          app->sups[cyc].name);
    for (size_t i = 0; i < n && st == WB_OK; i++) app->sups[i].parent = parent[i];
    free(parent);
    free(mark);
    return st;
}

static wb_status build_insts(wc_app *app, wb_error *err) {
    const wc_manifest *m = app->m;
    size_t total = 0;
    for (size_t i = 0; i < m->ncomponents; i++) {
        if (m->components[i].instances > SIZE_MAX / sizeof *app->insts - total)
            return wb_error_set(err, WB_LIMIT, "too many instances");
        total += m->components[i].instances;
    }
    app->insts = calloc(total ? total : 1, sizeof *app->insts);
    if (!app->insts) return wb_error_set(err, WB_NOMEM, "out of memory");
    app->ninsts = total;
    size_t k = 0;
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_component_spec *cs = &m->components[i];
        size_t sup = cs->supervisor ? wc__names_find(app->sup_ix, app->nsups, cs->supervisor) : 0;
        if (sup == SIZE_MAX)
            return wb_error_set(err, WB_INVALID_ARG, "component \"%s\": unknown supervisor \"%.*s\"",
                                cs->name, WC_NAME_MAX, cs->supervisor);
        for (uint32_t n = 0; n < cs->instances; n++, k++) {
            /* Exactly sized: check_manifest bounds it, nothing is cut. */
            size_t len = strlen(cs->name) + (cs->instances > 1 ? 1 + decimal_digits(n) : 0) + 1;
            char *name = malloc(len);
            if (!name) return wb_error_set(err, WB_NOMEM, "out of memory");
            if (cs->instances == 1) snprintf(name, len, "%s", cs->name);
            else snprintf(name, len, "%s.%u", cs->name, n);
            app->insts[k] = (app_inst){.name = name, .spec = cs, .sup = sup, .app = app};
        }
    }
    return WB_OK;
}
/* A component of several instances answers to its base name (round-robin). */
static wb_status build_groups(wc_app *app, wb_error *err) {
    size_t k = 0;
    for (size_t i = 0; i < app->m->ncomponents; i++) {
        const wc_component_spec *cs = &app->m->components[i];
        if (cs->instances > 1) {
            const char **names = malloc(cs->instances * sizeof *names);
            if (!names) return wb_error_set(err, WB_NOMEM, "out of memory");
            for (uint32_t n = 0; n < cs->instances; n++) names[n] = app->insts[k + n].name;
            wb_status st = wc__host_group_add(app->h, cs->name, names, cs->instances);
            free(names);
            if (st != WB_OK) return wb_error_set(err, st, "out of memory");
        }
        k += cs->instances;
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
        wr_id to = wc_host_lookup(app->h, im->to, NULL); /* a group's base name: one of them */
        wb_error err;
        if (to && wc_send(app->h, to, im->payload->data, im->payload->len, &err) == WB_OK)
            atomic_fetch_add(&app->sent, 1);
        else
            atomic_fetch_add(&app->sends_failed, 1); /* target down or no memory */
    }
}

/* One more Unhealthy answer: an event, and a kill at the threshold. */
static void health_unhealthy(wc_app *app, app_inst *in, wc_comp *c, wr_id id, const char *reason,
                             wb_error *err) {
    const wc_health_spec *hs = &in->spec->health;
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
        if (wr_exit(app->h->sys, 0, id, WR_EXIT_KILLED, "unhealthy", err) == WB_OK)
            atomic_fetch_add(&app->kills, 1);
    }
}

/* The answer of one health check (on the worker that got it). */
static void health_answer(void *ud, wc_health h, const char *reason) {
    app_inst *in = ud;
    wc_app *app = in->app;
    wr_id id = in->check_id;
    wb_error err;
    atomic_fetch_add(&app->checks, 1);
    wc_comp *c = wc__comp_by_id(app->h, id);
    if (h == WC_HEALTHY) {
        in->bad_in_row = 0;
    } else if (h == WC_DEGRADED) {
        in->bad_in_row = 0; /* degraded is a warning, never a restart */
        wc__event(app->h, WC_EV_DEGRADED, c, id, "%s", reason);
    } else {
        health_unhealthy(app, in, c, id, reason, &err);
    }
    atomic_store(&in->checking, false);
    atomic_fetch_sub(&app->in_flight, 1); /* the last touch of app */
}

/* Asks one instance without waiting: checks of different components never
 * wait for each other, and a slow one only delays its own next check. */
static void check_health(wc_app *app, app_inst *in, uint64_t now) {
    const wc_health_spec *hs = &in->spec->health;
    if (atomic_load(&in->checking)) return; /* the last one has not answered yet */
    in->next_check_ns = now + (uint64_t)hs->interval_ms * 1000000ull;
    wr_id id = wr_lookup(app->h->sys, in->name);
    if (!id) return; /* down or restarting: nothing to ask */
    in->check_id = id;
    atomic_store(&in->checking, true);
    atomic_fetch_add(&app->in_flight, 1);
    wb_error err;
    if (wc__health_check_async(app->h, id, (uint64_t)hs->timeout_ms * 1000000ull, health_answer, in,
                               &err) != WB_OK) {
        atomic_fetch_add(&app->checks_failed, 1);
        atomic_store(&in->checking, false);
        atomic_fetch_sub(&app->in_flight, 1);
    }
}

static void *driver(void *arg) {
    wc_app *app = arg;
    while (!atomic_load(&app->stop)) {
        uint64_t now = wb_now_ns();
        if (atomic_load(&app->running)) send_due(app, now);
        for (size_t i = 0; i < app->ninsts && atomic_load(&app->running) && !atomic_load(&app->stop); i++) {
            app_inst *in = &app->insts[i];
            if (in->spec->health.interval_ms && now >= in->next_check_ns) check_health(app, in, now);
        }
        wb_sleep_ns(2000000);
    }
    return NULL;
}

/* Everything but the running tree: checked, sized and allocated before
 * anything starts, so a failure leaves nothing behind but definitions. */
static wb_status app_build(wc_app *app, wb_error *err) {
    const wc_manifest *m = app->m;
    wb_status st = check_manifest(m, err);
    if (st == WB_OK) st = build_sups(app, err);
    if (st == WB_OK) st = link_sups(app, err);
    if (st == WB_OK) st = build_insts(app, err);
    if (st == WB_OK && m->topics) st = wc_host_declare_topics(app->h, m->topics, err);
    for (size_t i = 0; i < m->ncomponents && st == WB_OK; i++)
        st = wc_host_define_file(app->h, m->components[i].name, m->components[i].wasm, &m->components[i].caps, err);
    if (st == WB_OK) st = build_kids(app, err);
    if (st == WB_OK) st = build_groups(app, err);
    if (st == WB_OK && !(app->msg_due = calloc(m->nmessages + 1, sizeof *app->msg_due)))
        st = wb_error_set(err, WB_NOMEM, "out of memory");
    return st;
}

wb_status wc_app_start(wc_host *h, const wc_manifest *m, wc_app **out, wb_error *err) {
    *out = NULL;
    wc_app *app = calloc(1, sizeof *app);
    if (!app) return wb_error_set(err, WB_NOMEM, "out of memory");
    app->h = h;
    app->m = m;
    wb_status st = app_build(app, err);
    if (st == WB_OK) {
        uint64_t now = wb_now_ns();
        for (size_t i = 0; i < m->nmessages; i++) app->msg_due[i] = now + (uint64_t)m->messages[i].after_ms * 1000000ull;
        for (size_t i = 0; i < app->ninsts; i++)
            app->insts[i].next_check_ns = now + (uint64_t)app->insts[i].spec->health.interval_ms * 1000000ull;
        /* Before the tree starts: once it runs, the app must not be freed. */
        if (pthread_create(&app->thread, NULL, driver, app) != 0)
            st = wb_error_set(err, WB_NOMEM, "cannot start the application's driver thread");
        else app->thread_started = true;
    }
    if (st == WB_OK) st = wr_supervisor_start(h->sys, &app->sups[0].rt, &app->root, err);
    if (st != WB_OK) {
        wc_app_free(app);
        return st;
    }
    atomic_store(&app->running, true);
    *out = app;
    return WB_OK;
}

void wc_app_stop(wc_app *app) {
    if (!app || !app->thread_started) return;
    atomic_store(&app->stop, true);
    pthread_join(app->thread, NULL);
    app->thread_started = false;
    /* Answers still on their way hold the app: each comes by its timeout,
     * or at once when the system stops its port. */
    while (atomic_load(&app->in_flight)) wb_sleep_ns(1000000);
}

void wc_app_free(wc_app *app) {
    if (!app) return;
    wc_app_stop(app);
    for (size_t i = 0; i < app->nsups; i++) free(app->sups[i].kids);
    for (size_t i = 0; i < app->ninsts; i++) free(app->insts[i].name);
    free(app->sups);
    free(app->sup_ix);
    free(app->insts);
    free(app->msg_due);
    free(app);
}

wr_id wc_app_root(const wc_app *app) { return app->root; }

const char *wc_app_root_name(const wc_app *app) { return app->sups[0].name; }

/* Current id of supervisor s: its path from the root, walked down one level
 * at a time. Iterative, and bounded: link_sups made the parents a tree. */
static wb_status sup_id(wc_app *app, size_t s, wr_id *out) {
    *out = 0;
    size_t depth = 0;
    for (size_t i = s; i != 0 && depth < app->nsups; i = app->sups[i].parent) depth++;
    size_t *path = malloc((depth ? depth : 1) * sizeof *path);
    if (!path) return WB_NOMEM;
    size_t i = s;
    for (size_t d = depth; d > 0; d--, i = app->sups[i].parent) path[d - 1] = i;
    wr_id id = app->root;
    for (size_t d = 0; d < depth && id; d++) id = wr_supervisor_child(app->h->sys, id, app->sups[path[d]].name);
    free(path);
    *out = id;
    return WB_OK;
}

wb_status wc_app_history(wc_app *app, const char *name, wr_restart_entry *out, size_t max, size_t *n) {
    *n = 0;
    for (size_t i = 0; i < app->ninsts; i++) {
        if (strcmp(app->insts[i].name, name)) continue;
        wr_id sup = 0;
        wb_status st = sup_id(app, app->insts[i].sup, &sup);
        if (st != WB_OK) return st;
        return sup ? wr_supervisor_history(app->h->sys, sup, name, out, max, n) : WB_DEAD;
    }
    return WB_NOT_FOUND;
}

void wc_app_stats_get(wc_app *app, wc_app_stats *out) {
    out->health_checks = atomic_load(&app->checks);
    out->unhealthy_kills = atomic_load(&app->kills);
    out->messages_sent = atomic_load(&app->sent);
    out->checks_failed = atomic_load(&app->checks_failed);
    out->sends_failed = atomic_load(&app->sends_failed);
}
