/* SPDX-License-Identifier: MIT */
/* The component host: module cache by content hash, component definitions,
 * named instance records (identity across restarts), id table, event log. */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "component/host.h"

static const char *const event_names[] = {
    "transition", "denied", "degraded", "unhealthy", "throttled", "error-reply", "late-reply", "log",
    "limit",
};

const char *wc_event_name(wc_event_type t) {
    return (unsigned)t < WC_EV_COUNT_ ? event_names[t] : "invalid";
}

/* What all components may hold open together: the process's limit less a
 * reserve, so that the node can still open what it needs. */
#define WC_FD_RESERVE 64
static uint32_t default_fd_budget(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1u << 20;
    return rl.rlim_cur > 2 * WC_FD_RESERVE ? (uint32_t)(rl.rlim_cur - WC_FD_RESERVE)
                                           : (uint32_t)(rl.rlim_cur / 2);
}

void wc_host_stats_get(wc_host *h, wc_host_stats *out) {
    out->live_instances = atomic_load(&h->live_instances);
    out->memory_bytes = wa_budget_used(&h->mem_budget);
    out->open_fds = wa_budget_used(&h->fd_budget);
    out->refused = atomic_load(&h->refused);
    pthread_mutex_lock(&h->lock);
    out->events_dropped = h->events_dropped;
    pthread_mutex_unlock(&h->lock);
}

/* What a module holds on the host once, for all its instances: the node's
 * memory budget is charged with it while the host caches the module. */
static uint64_t module_bytes(const wa_module *m) {
    wa_module_stats st = wa_module_stats_get(m);
    return (uint64_t)st.code_bytes + st.compiled_bytes;
}

wb_status wc_host_new(const wc_host_config *cfg, wc_host **out, wb_error *err) {
    *out = NULL;
    if (!cfg || !cfg->sys || !cfg->engine)
        return wb_error_set(err, WB_INVALID_ARG, "host needs an actor system and an engine");
    wc_host *h = calloc(1, sizeof *h);
    if (!h) return wb_error_set(err, WB_NOMEM, "out of memory");
    h->sys = cfg->sys;
    h->engine = cfg->engine;
    h->on_event = cfg->on_event;
    h->event_ud = cfg->event_ud;
    h->events_cap = cfg->event_log ? cfg->event_log : 4096;
    h->events = calloc(h->events_cap, sizeof *h->events);
    h->ids_cap = 1024;
    h->ids = calloc(h->ids_cap, sizeof *h->ids);
    h->names_cap = 1024;
    h->names = calloc(h->names_cap, sizeof *h->names);
    h->linker = wa_linker_new(cfg->engine);
    h->comps_tail = &h->comps;
    atomic_init(&h->payload_floor, UINT32_MAX);
    h->max_instances = cfg->max_instances;
    wa_budget_init(&h->mem_budget, cfg->max_memory_bytes);
    wa_budget_init(&h->fd_budget, cfg->max_fds ? cfg->max_fds : default_fd_budget());
    pthread_mutex_init(&h->lock, NULL);
    wb_status st = WB_OK;
    if (!h->events || !h->ids || !h->names || !h->linker) st = wb_error_set(err, WB_NOMEM, "out of memory");
    if (st == WB_OK) st = wc__imports_define(h->linker, err);
    if (st == WB_OK) st = wc__wasi_link(h->linker, err);
    if (st != WB_OK) {
        wc_host_free(h);
        return st;
    }
    *out = h;
    return WB_OK;
}

void wc_host_free(wc_host *h) {
    if (!h) return;
    wc__poller_free(h->poller);
    for (wc_group *g = h->groups, *next; g; g = next) {
        next = g->next;
        for (uint32_t i = 0; i < g->n; i++) free(g->members[i]);
        free(g->members);
        free(g->name);
        free(g);
    }
    for (wc_comp *c = h->comps, *next; c; c = next) {
        next = c->next;
        pthread_mutex_destroy(&c->lock);
        free(c->name);
        free(c);
    }
    for (wc_def *d = h->defs, *next; d; d = next) {
        next = d->next;
        wa_module_unref(d->module);
        wc_caps_close(&d->caps);
        free(d->name);
        free(d);
    }
    for (size_t i = 0; i < h->nmodules; i++) {
        wa_budget_uncharge(&h->mem_budget, module_bytes(h->modules[i]));
        wa_module_unref(h->modules[i]);
    }
    free(h->modules);
    wa_linker_free(h->linker);
    free(h->ids);
    free(h->names);
    free(h->events);
    char **topics = atomic_load(&h->topics);
    for (size_t i = 0; topics && topics[i]; i++) free(topics[i]);
    free(topics);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

wb_status wc_host_declare_topics(wc_host *h, char *const *topics, wb_error *err) {
    if (!h || !topics) return wb_error_set(err, WB_INVALID_ARG, "wc_host_declare_topics: NULL argument");
    size_t n = 0;
    for (; topics[n]; n++)
        if (!wr_topic_valid(topics[n], false))
            return wb_error_set(err, WB_INVALID_ARG, "\"%s\" is not a topic", topics[n]);
    char **copy = calloc(n + 1, sizeof *copy);
    for (size_t i = 0; copy && i < n; i++)
        if (!(copy[i] = strdup(topics[i]))) {
            for (size_t k = 0; k < i; k++) free(copy[k]);
            free(copy);
            copy = NULL;
        }
    if (!copy) return wb_error_set(err, WB_NOMEM, "out of memory");
    char **none = NULL;
    if (!atomic_compare_exchange_strong(&h->topics, &none, copy)) {
        for (size_t i = 0; i < n; i++) free(copy[i]);
        free(copy);
        return wb_error_set(err, WB_STATE, "topics are declared already");
    }
    return WB_OK;
}

bool wc__topic_declared(wc_host *h, const char *topic) {
    char **topics = atomic_load(&h->topics);
    if (!topics) return true;
    for (size_t i = 0; topics[i]; i++)
        if (!strcmp(topics[i], topic)) return true;
    return false;
}

wr_system *wc_host_system(wc_host *h) { return h->sys; }

/* ---- events ---------------------------------------------------------------- */
static void event_push(wc_host *h, const wc_event *ev) {
    pthread_mutex_lock(&h->lock);
    size_t at = (h->events_head + h->events_len) % h->events_cap;
    h->events[at] = *ev;
    if (h->events_len < h->events_cap) {
        h->events_len++;
    } else {
        h->events_head = (h->events_head + 1) % h->events_cap;
        h->events_dropped++; /* counted: the oldest event left the log */
    }
    pthread_mutex_unlock(&h->lock);
    if (h->on_event) h->on_event(h->event_ud, ev);
}

/* Copies src into dst (cap bytes, cut to fit, NUL-terminated): a plain
 * copy, as snprintf("%s") costs more than the rest of an event. */
static void text_copy(char *dst, size_t cap, const char *src) {
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void event_init(wc_event *ev, wc_event_type type, const wc_comp *c, wr_id id) {
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->id = id;
    ev->time_ns = wb_now_ns();
    if (c) text_copy(ev->component, sizeof ev->component, c->name);
}

void wc__event(wc_host *h, wc_event_type type, const wc_comp *c, wr_id id, const char *fmt, ...) {
    wc_event ev;
    event_init(&ev, type, c, id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev.text, sizeof ev.text, fmt, ap);
    va_end(ap);
    event_push(h, &ev);
}

void wc__event_transition(wc_host *h, const wc_comp *c, wr_id id, const wc_transition *t) {
    wc_event ev;
    event_init(&ev, WC_EV_TRANSITION, c, id);
    ev.time_ns = t->at_ns;
    ev.from = t->from;
    ev.to = t->to;
    ev.fail = t->fail;
    text_copy(ev.text, sizeof ev.text, t->reason);
    event_push(h, &ev);
}

size_t wc_host_events(wc_host *h, wc_event *out, size_t max) {
    pthread_mutex_lock(&h->lock);
    size_t n = h->events_len < max ? h->events_len : max;
    size_t skip = h->events_len - n; /* the most recent n */
    for (size_t i = 0; i < n; i++) out[i] = h->events[(h->events_head + skip + i) % h->events_cap];
    pthread_mutex_unlock(&h->lock);
    return n;
}

size_t wc_host_count_events(wc_host *h, wc_event_type type, const char *component) {
    size_t n = 0;
    pthread_mutex_lock(&h->lock);
    for (size_t i = 0; i < h->events_len; i++) {
        const wc_event *ev = &h->events[(h->events_head + i) % h->events_cap];
        if (ev->type == type && (!component || !strcmp(ev->component, component))) n++;
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

/* ---- definitions and the module cache ------------------------------------------ */
wc_def *wc__def_find(wc_host *h, const char *name) {
    pthread_mutex_lock(&h->lock);
    wc_def *d = h->defs;
    while (d && strcmp(d->name, name)) d = d->next;
    pthread_mutex_unlock(&h->lock);
    return d;
}

size_t wc_host_module_count(wc_host *h) {
    pthread_mutex_lock(&h->lock);
    size_t n = h->nmodules;
    pthread_mutex_unlock(&h->lock);
    return n;
}

/* The cached module with the same content, or m itself added to the cache.
 * Returns a new reference; the caller's reference to m is kept or dropped. */
static wa_module *module_intern(wc_host *h, wa_module *m) {
    uint64_t hash = wa_module_hash(m);
    pthread_mutex_lock(&h->lock);
    for (size_t i = 0; i < h->nmodules; i++) {
        if (wa_module_hash(h->modules[i]) == hash) {
            wa_module *cached = wa_module_ref(h->modules[i]);
            pthread_mutex_unlock(&h->lock);
            wa_module_unref(m);
            return cached;
        }
    }
    if (h->nmodules == h->modules_cap) {
        size_t cap = h->modules_cap ? h->modules_cap * 2 : 8;
        wa_module **ms = realloc(h->modules, cap * sizeof *ms);
        if (!ms) {
            pthread_mutex_unlock(&h->lock);
            return m; /* uncached but usable */
        }
        h->modules = ms;
        h->modules_cap = cap;
    }
    if (!wa_budget_charge(&h->mem_budget, module_bytes(m))) { /* the node cannot hold its code */
        pthread_mutex_unlock(&h->lock);
        wa_module_unref(m);
        return NULL;
    }
    h->modules[h->nmodules++] = wa_module_ref(m);
    pthread_mutex_unlock(&h->lock);
    return m;
}

/* Is export `name` a function of exactly this type? */
static int export_check(const wa_module *m, const char *name, const wa_valtype *params,
                        uint32_t np, const wa_valtype *results, uint32_t nr) {
    uint32_t n = wa_module_export_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wa_export_info e = wa_module_export(m, i);
        if (strcmp(e.name.str, name)) continue;
        if (e.kind != WA_EXTERN_FUNC || e.func.nparams != np || e.func.nresults != nr) return -1;
        for (uint32_t k = 0; k < np; k++)
            if (e.func.params[k] != params[k]) return -1;
        for (uint32_t k = 0; k < nr; k++)
            if (e.func.results[k] != results[k]) return -1;
        return 1;
    }
    return 0; /* absent */
}

static bool has_memory_export(const wa_module *m) {
    uint32_t n = wa_module_export_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wa_export_info e = wa_module_export(m, i);
        if (e.kind == WA_EXTERN_MEMORY && !strcmp(e.name.str, "memory")) return true;
    }
    return false;
}

/* The ABI's export types (docs/ABI.md). */
static wb_status abi_check(wc_def *d, wb_error *err) {
    static const wa_valtype hm_params[] = {WA_I64, WA_I32, WA_I64, WA_I32};
    static const wa_valtype i32[] = {WA_I32};
    const wa_module *m = d->module;
    /* Imports: only the ABI's (checked now, so a bad module is refused at
     * definition, not at every spawn) and WASI. */
    for (uint32_t i = 0; i < wa_module_import_count(m); i++) {
        wa_import_info im = wa_module_import(m, i);
        if (!strcmp(im.module.str, "wasi_snapshot_preview1")) {
            d->needs_wasi = true;
        } else if (strcmp(im.module.str, "wactor") || im.kind != WA_EXTERN_FUNC ||
                   !wc__import_known(im.name.str, &im.func)) {
            return wb_error_set(err, WB_UNLINKABLE, "component \"%s\": unknown import %s.%s (or wrong type)",
                                d->name, im.module.str, im.name.str);
        }
    }
    if (!has_memory_export(m))
        return wb_error_set(err, WB_UNLINKABLE, "component \"%s\": no exported memory \"memory\"", d->name);
    /* A minimum over the limits could never start: refused now, not retried. */
    for (uint32_t i = 0; i < wa_module_export_count(m); i++) {
        wa_export_info e = wa_module_export(m, i);
        if (e.kind != WA_EXTERN_MEMORY) continue;
        uint64_t min = e.memory.limits.min, pages = d->caps.limits.max_memory_pages;
        if (pages && min > pages)
            return wb_error_set(err, WB_LIMIT,
                                "component \"%s\": its memory starts at %llu pages, over its limit of %llu "
                                "(limits.memory_pages)",
                                d->name, (unsigned long long)min, (unsigned long long)pages);
    }
    int hm = export_check(m, "handle_message", hm_params, 4, i32, 1);
    if (hm <= 0)
        return wb_error_set(err, WB_UNLINKABLE,
                            "component \"%s\": %s export handle_message(i64, i32, i64, i32) -> i32",
                            d->name, hm ? "wrong type of" : "missing required");
    int init = export_check(m, "init", NULL, 0, i32, 1);
    int health = export_check(m, "health", NULL, 0, i32, 1);
    int cleanup = export_check(m, "cleanup", NULL, 0, NULL, 0);
    int initialize = export_check(m, "_initialize", NULL, 0, NULL, 0);
    const char *bad = init < 0 ? "init() -> i32" : health < 0 ? "health() -> i32"
                    : cleanup < 0 ? "cleanup()" : initialize < 0 ? "_initialize()" : NULL;
    if (bad) return wb_error_set(err, WB_UNLINKABLE, "component \"%s\": export must be %s", d->name, bad);
    d->has_init = init > 0;
    d->has_health = health > 0;
    d->has_cleanup = cleanup > 0;
    d->has_initialize = initialize > 0;
    return WB_OK;
}

wb_status wc_host_define(wc_host *h, const char *def, const uint8_t *bytes, size_t len,
                         const wc_caps *caps, wb_error *err) {
    if (!def || !*def) return wb_error_set(err, WB_INVALID_ARG, "component definition needs a name");
    if (wc__def_find(h, def)) return wb_error_set(err, WB_EXISTS, "component \"%s\" already defined", def);
    wa_module *m = NULL;
    wb_status st = wa_module_new(h->engine, bytes, len, &m, err);
    if (st != WB_OK) return st;
    wc_def *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strdup(def))) {
        free(d);
        wa_module_unref(m);
        return wb_error_set(err, WB_NOMEM, "out of memory");
    }
    d->module = m;
    if (caps) st = wc_caps_copy(&d->caps, caps);
    else wc_caps_init(&d->caps);
    if (st != WB_OK) st = wb_error_set(err, WB_NOMEM, "out of memory");
    if (st == WB_OK) wc_limits_resolve(&d->caps.limits);
    if (st == WB_OK) st = abi_check(d, err);
    if (st != WB_OK) {
        wa_module_unref(d->module);
        wc_caps_close(&d->caps);
        free(d->name);
        free(d);
        return st;
    }
    uint64_t need = module_bytes(m);
    d->module = module_intern(h, m); /* takes m */
    if (!d->module) {
        uint64_t used = wa_budget_used(&h->mem_budget);
        wc_caps_close(&d->caps);
        free(d->name);
        free(d);
        return wb_error_set(err, WB_LIMIT, "component \"%s\": its code (%llu bytes) does not fit the node's "
                            "memory budget (%llu of %llu bytes used)", def, (unsigned long long)need,
                            (unsigned long long)used, (unsigned long long)h->mem_budget.max);
    }
    pthread_mutex_lock(&h->lock);
    wc_def **tail = &h->defs;
    while (*tail) tail = &(*tail)->next;
    *tail = d;
    if (d->caps.limits.max_payload < atomic_load(&h->payload_floor))
        atomic_store(&h->payload_floor, d->caps.limits.max_payload);
    pthread_mutex_unlock(&h->lock);
    return WB_OK;
}

wb_status wc_host_define_file(wc_host *h, const char *def, const char *path, const wc_caps *caps,
                              wb_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return wb_error_set(err, WB_IO, "cannot open %s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    bool nomem = false;
    for (;;) {
        if (len == cap) {
            uint8_t *b = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!b) { nomem = true; break; }
            buf = b;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (!n) break;
        len += n;
    }
    bool ok = !nomem && !ferror(f);
    fclose(f);
    wb_status st = ok ? wc_host_define(h, def, buf, len, caps, err)
                 : nomem ? wb_error_set(err, WB_NOMEM, "out of memory reading %s", path)
                         : wb_error_set(err, WB_IO, "cannot read %s", path);
    free(buf);
    if (st == WB_MALFORMED || st == WB_INVALID) { /* say which component and which file */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        wb_error_set(err, st, "component \"%s\": %s is not a valid WebAssembly module: %s", def, path, why);
    }
    return st;
}

/* ---- instance records and the id table -------------------------------------- */
/* ids_cap is a power of two; a multiply-xorshift mix spreads slot and
 * generation bits (cheaper than a general hash on every send). */
static size_t id_slot(const wc_host *h, wr_id id) {
    uint64_t x = id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)(x & (h->ids_cap - 1));
}

static void ids_remove(wc_host *h, wc_comp *c, wr_id id) {
    for (wc_comp **p = &h->ids[id_slot(h, id)]; *p; p = &(*p)->hnext) {
        if (*p == c) {
            *p = c->hnext;
            c->hnext = NULL;
            return;
        }
    }
}

static void ids_grow(wc_host *h) {
    size_t cap = h->ids_cap * 2;
    wc_comp **t = calloc(cap, sizeof *t);
    if (!t) return; /* keep the longer chains */
    wc_comp **old = h->ids;
    size_t ocap = h->ids_cap;
    h->ids = t;
    h->ids_cap = cap;
    for (size_t i = 0; i < ocap; i++) {
        for (wc_comp *c = old[i], *next; c; c = next) {
            next = c->hnext;
            size_t s = id_slot(h, atomic_load(&c->id));
            c->hnext = h->ids[s];
            h->ids[s] = c;
        }
    }
    free(old);
}

void wc__comp_set_id(wc_comp *c, wr_id id) {
    wc_host *h = c->host;
    pthread_mutex_lock(&h->lock);
    wr_id old = atomic_load(&c->id);
    if (old) ids_remove(h, c, old);
    atomic_store(&c->id, id);
    if (id) {
        if (h->ncomps > h->ids_cap) ids_grow(h);
        size_t s = id_slot(h, id);
        c->hnext = h->ids[s];
        h->ids[s] = c;
    }
    pthread_mutex_unlock(&h->lock);
}

void wc__comp_claim_id(wc_comp *c, wr_id id) {
    wc_host *h = c->host;
    pthread_mutex_lock(&h->lock);
    /* Once its init began, the incarnation records itself (and may be gone). */
    if (!atomic_load(&c->id) && atomic_load(&c->incarnations) == 0) {
        atomic_store(&c->id, id);
        if (h->ncomps > h->ids_cap) ids_grow(h);
        size_t s = id_slot(h, id);
        c->hnext = h->ids[s];
        h->ids[s] = c;
    }
    pthread_mutex_unlock(&h->lock);
}

wc_comp *wc__comp_by_id(wc_host *h, wr_id id) {
    if (!id) return NULL;
    pthread_mutex_lock(&h->lock);
    wc_comp *c = h->ids[id_slot(h, id)];
    while (c && atomic_load(&c->id) != id) c = c->hnext;
    pthread_mutex_unlock(&h->lock);
    return c;
}

static size_t name_slot(const wc_host *h, const char *name) {
    return (size_t)(wb_hash64(name, strlen(name)) & (h->names_cap - 1));
}

static wc_comp *comp_find_locked(wc_host *h, const char *name) {
    wc_comp *c = h->names[name_slot(h, name)];
    while (c && strcmp(c->name, name)) c = c->nnext;
    return c;
}

/* Adds c to the name table, doubling it past one record per slot. */
static void names_add_locked(wc_host *h, wc_comp *c) {
    if (h->ncomps >= h->names_cap) {
        size_t cap = h->names_cap * 2; /* stays a power of two */
        wc_comp **t = calloc(cap, sizeof *t);
        if (t) { /* else keep the longer chains */
            free(h->names);
            h->names = t;
            h->names_cap = cap;
            for (wc_comp *o = h->comps; o; o = o->next) {
                size_t s = name_slot(h, o->name);
                o->nnext = h->names[s];
                h->names[s] = o;
            }
        }
    }
    size_t s = name_slot(h, c->name);
    c->nnext = h->names[s];
    h->names[s] = c;
}

wb_status wc__comp_new(wc_host *h, wc_def *def, const char *name, const wc_child_opts *opts,
                       bool *created, wc_comp **out, wb_error *err) {
    if (created && !*created) { /* only a stopped record of that name may be had */
        pthread_mutex_lock(&h->lock);
        wc_comp *old = comp_find_locked(h, name);
        bool free_one = old && !atomic_load(&old->supervised) && !atomic_load(&old->id) &&
                        wc_state_final((wc_state)atomic_load(&old->state));
        pthread_mutex_unlock(&h->lock);
        if (!free_one)
            return wb_error_set(err, old ? WB_EXISTS : WB_LIMIT, "no record to reuse for \"%s\"", name);
    }
    if (created) *created = false;
    wc_comp *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(name))) {
        free(c);
        return wb_error_set(err, WB_NOMEM, "out of memory");
    }
    c->host = h;
    c->def = def;
    if (opts) c->opts = *opts;
    if (!c->opts.shutdown_ms) c->opts.shutdown_ms = 1000;
    atomic_init(&c->state, WC_STATE_CREATING);
    pthread_mutex_init(&c->lock, NULL);
    wc__actor_spec(c, &c->spec);
    pthread_mutex_lock(&h->lock);
    wc_comp *old = comp_find_locked(h, name);
    /* A stopped, unsupervised instance's name may be used again. */
    if (old && !atomic_load(&old->supervised) && !atomic_load(&old->id) &&
        wc_state_final((wc_state)atomic_load(&old->state))) {
        old->def = def;
        old->opts = c->opts;
        wc__actor_spec(old, &old->spec);
        pthread_mutex_unlock(&h->lock);
        pthread_mutex_destroy(&c->lock);
        free(c->name);
        free(c);
        *out = old;
        return WB_OK;
    }
    if (old) {
        pthread_mutex_unlock(&h->lock);
        pthread_mutex_destroy(&c->lock);
        free(c->name);
        free(c);
        return wb_error_set(err, WB_EXISTS, "name \"%s\" is taken", name);
    }
    names_add_locked(h, c);
    *h->comps_tail = c;
    h->comps_tail = &c->next;
    h->ncomps++;
    pthread_mutex_unlock(&h->lock);
    if (created) *created = true;
    *out = c;
    return WB_OK;
}

void wc__comp_adopt(wc_comp *parent, wc_comp *child) {
    pthread_mutex_lock(&parent->host->lock);
    child->next_sibling = parent->first_child;
    parent->first_child = child;
    pthread_mutex_unlock(&parent->host->lock);
}

void wc__comp_stop_children(wc_comp *parent) {
    wc_host *h = parent->host;
    pthread_mutex_lock(&h->lock);
    for (wc_comp *c = parent->first_child; c; c = c->next_sibling) {
        wr_id id = atomic_load(&c->id);
        if (!id || atomic_load_explicit(&c->spawner, memory_order_relaxed) != parent) continue;
        wb_error err; /* already gone: nothing to stop */
        wr_exit(h->sys, 0, id, WR_EXIT_SHUTDOWN, "its spawner stopped", &err);
    }
    pthread_mutex_unlock(&h->lock);
}

wb_status wc__host_group_add(wc_host *h, const char *name, const char *const *members, uint32_t n) {
    wc_group *g = calloc(1, sizeof *g);
    if (!g || !(g->name = strdup(name)) || !(g->members = calloc(n ? n : 1, sizeof *g->members))) {
        if (g) free(g->name);
        free(g);
        return WB_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!(g->members[i] = strdup(members[i]))) {
            for (uint32_t k = 0; k < i; k++) free(g->members[k]);
            free(g->members);
            free(g->name);
            free(g);
            return WB_NOMEM;
        }
    }
    g->n = n;
    atomic_init(&g->cursor, 0);
    pthread_mutex_lock(&h->lock);
    g->next = h->groups;
    h->groups = g;
    pthread_mutex_unlock(&h->lock);
    return WB_OK;
}

wr_id wc_host_lookup(wc_host *h, const char *name, const char **as) {
    if (as) *as = name;
    wr_id id = wr_lookup(h->sys, name);
    if (id) return id;
    pthread_mutex_lock(&h->lock); /* groups are only added, and few */
    wc_group *g = h->groups;
    while (g && strcmp(g->name, name)) g = g->next;
    pthread_mutex_unlock(&h->lock);
    for (uint32_t k = 0; g && k < g->n; k++) { /* the next one that is up */
        const char *m = g->members[atomic_fetch_add(&g->cursor, 1) % g->n];
        if ((id = wr_lookup(h->sys, m)) != 0) {
            if (as) *as = m;
            return id;
        }
    }
    return 0;
}

wb_status wc_info_get(wc_host *h, const char *name, wc_info *out) {
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&h->lock);
    wc_comp *c = comp_find_locked(h, name);
    pthread_mutex_unlock(&h->lock);
    if (!c) return WB_NOT_FOUND;
    out->id = atomic_load(&c->id);
    out->state = (wc_state)atomic_load(&c->state);
    out->incarnations = atomic_load(&c->incarnations);
    out->failures = atomic_load(&c->failures);
    out->messages = atomic_load(&c->messages);
    out->error_replies = atomic_load(&c->error_replies);
    out->denied = atomic_load(&c->denied);
    out->throttled = atomic_load(&c->throttled);
    out->fuel_used = atomic_load(&c->fuel_used);
    out->late_replies = atomic_load(&c->late_replies);
    pthread_mutex_lock(&c->lock);
    out->fail = c->fail;
    snprintf(out->reason, sizeof out->reason, "%s", c->reason);
    pthread_mutex_unlock(&c->lock);
    return WB_OK;
}

size_t wc_host_names(wc_host *h, const char **names, size_t max) {
    pthread_mutex_lock(&h->lock);
    size_t i = 0;
    for (wc_comp *c = h->comps; c; c = c->next, i++)
        if (i < max) names[i] = c->name;
    pthread_mutex_unlock(&h->lock);
    return i;
}

/* ---- guest codes ------------------------------------------------------------ */
wc_code wc_code_from_status(wb_status st) {
    switch (st) {
    case WB_OK: return WC_OK;
    case WB_DENIED: return WC_DENIED;
    case WB_NOT_FOUND: return WC_NOT_FOUND;
    case WB_FULL: return WC_FULL;
    case WB_TIMEOUT: return WC_TIMEOUT;
    case WB_LIMIT: return WC_TOO_LARGE;
    case WB_DEAD:
    case WB_CLOSED: return WC_DEAD;
    case WB_DECODE: return WC_DECODE;
    case WB_STATE: return WC_STATE;
    case WB_NOMEM: return WC_NOMEM;
    case WB_UNSUPPORTED: return WC_UNSUPPORTED;
    case WB_INVALID_ARG: return WC_INVALID;
    default: return WC_ERROR;
    }
}

wb_status wc_status_from_code(int32_t code) {
    switch (code) {
    case WC_OK: return WB_OK;
    case WC_DENIED: return WB_DENIED;
    case WC_NOT_FOUND: return WB_NOT_FOUND;
    case WC_FULL: return WB_FULL;
    case WC_TIMEOUT: return WB_TIMEOUT;
    case WC_TOO_LARGE:
    case WC_THROTTLED: return WB_LIMIT;
    case WC_DEAD: return WB_DEAD;
    case WC_DECODE: return WB_DECODE;
    case WC_STATE: return WB_STATE;
    case WC_NOMEM: return WB_NOMEM;
    case WC_UNSUPPORTED: return WB_UNSUPPORTED;
    case WC_INVALID: return WB_INVALID_ARG;
    default: return WB_TRAP;
    }
}

wb_buf *wc__error_payload(int32_t code, const char *reason) {
    size_t n = reason ? strlen(reason) : 0;
    wb_buf *b = wb_buf_new(4 + n);
    if (!b) return NULL;
    for (int i = 0; i < 4; i++) b->data[i] = (uint8_t)((uint32_t)code >> (8 * i));
    if (n) memcpy(b->data + 4, reason, n);
    return b;
}
