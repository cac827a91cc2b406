/* SPDX-License-Identifier: MIT */
/* The application manifest: YAML (libyaml document API) into wc_manifest.
 * Strict: unknown keys, duplicate keys, bad values, values over a limit and
 * dangling references are errors with their line number. Nothing is cut
 * short: a value too long for its use is refused, never truncated. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "component/tree.h"
#include "wactor/component.h"

#define MAX_WORKERS 1024 /* the runtime refuses more (wr_system_new) */
#define SHOWN 64         /* bytes of an arbitrary key or value quoted in a message */

typedef struct ctx {
    yaml_document_t *doc;
    wb_error *err;
    yaml_node_t *comps, *sups; /* the `components` and `supervisors` lists: lines for finish() */
    yaml_node_t *msgs;         /* the `messages` list */
} ctx;

static wb_status bad(ctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static wb_status bad(ctx *c, const yaml_node_t *n, const char *fmt, ...) {
    char what[sizeof c->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap); /* a message: cut to what err can hold */
    va_end(ap);
    return wb_error_set(c->err, WB_INVALID_ARG, "manifest line %lu: %s",
                        (unsigned long)(n ? n->start_mark.line + 1 : 1), what);
}

static const char *scalar(const yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static wb_status get_str(ctx *c, const yaml_node_t *n, char **out) {
    const char *s = scalar(n);
    if (!s) return bad(c, n, "expected a string");
    free(*out);
    *out = strdup(s);
    return *out ? WB_OK : wb_error_set(c->err, WB_NOMEM, "out of memory");
}

/* A string of 1..max bytes (a name, a path): longer is an error, not a cut. */
static wb_status get_sized(ctx *c, const yaml_node_t *n, size_t max, const char *what, char **out) {
    const char *s = scalar(n);
    size_t len = s ? strlen(s) : 0;
    if (s && (!len || len > max))
        return bad(c, n, "%s must be 1..%zu bytes (this one has %zu)", what, max, len);
    return get_str(c, n, out);
}

static wb_status get_u64(ctx *c, const yaml_node_t *n, uint64_t *out) {
    const char *s = scalar(n);
    char *end = NULL;
    /* strtoull would skip blanks and accept a sign ("-1" wraps around). */
    if (!s || *s < '0' || *s > '9') return bad(c, n, "expected a non-negative integer");
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno) return bad(c, n, "expected a non-negative integer");
    *out = v;
    return WB_OK;
}

static wb_status get_u32(ctx *c, const yaml_node_t *n, uint32_t *out) {
    uint64_t v = 0;
    wb_status st = get_u64(c, n, &v);
    if (st == WB_OK && v > UINT32_MAX) return bad(c, n, "number too large");
    if (st == WB_OK) *out = (uint32_t)v;
    return st;
}

/* A finite non-negative number (no nan, inf or overflow). */
static wb_status get_double(ctx *c, const yaml_node_t *n, double *out) {
    const char *s = scalar(n);
    char *end = NULL;
    if (!s || !*s) return bad(c, n, "expected a number");
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v) || v < 0) return bad(c, n, "expected a finite non-negative number");
    *out = v;
    return WB_OK;
}

static wb_status get_bool(ctx *c, const yaml_node_t *n, bool *out) {
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) *out = true;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) *out = false;
    else return bad(c, n, "expected true or false");
    return WB_OK;
}

/* Picks a word from a table of names. */
static wb_status get_enum(ctx *c, const yaml_node_t *n, const char *const *names, size_t count,
                          int *out) {
    const char *s = scalar(n);
    for (size_t i = 0; s && i < count; i++) {
        if (!strcmp(s, names[i])) {
            *out = (int)i;
            return WB_OK;
        }
    }
    return bad(c, n, "unknown value \"%.*s\" (expected %s ...)", SHOWN, s ? s : "?", names[0]);
}

/* Iterates the pairs of a mapping node through a callback per key. */
typedef wb_status (*pair_fn)(ctx *c, const char *key, yaml_node_t *val, void *obj);

static wb_status each_pair(ctx *c, yaml_node_t *map, pair_fn fn, void *obj) {
    if (!map || map->type != YAML_MAPPING_NODE) return bad(c, map, "expected a mapping");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(k);
        if (!key) return bad(c, k, "keys must be strings");
        /* The keys before were all known ones, so this stays short. */
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
            if (!strcmp(scalar(yaml_document_get_node(c->doc, q->key)), key))
                return bad(c, k, "duplicate key \"%s\"", key);
        wb_status st = fn(c, key, v, obj);
        if (st != WB_OK) return st;
    }
    return WB_OK;
}

static wb_status unknown_key(ctx *c, yaml_node_t *v, const char *key) {
    return bad(c, v, "unknown key \"%.*s\"%s", SHOWN, key, strlen(key) > SHOWN ? "..." : "");
}

/* The value of key in mapping n; NULL when n is no mapping or lacks it. */
static yaml_node_t *value_of(ctx *c, yaml_node_t *n, const char *key) {
    if (!n || n->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(c->doc, p->key));
        if (k && !strcmp(k, key)) return yaml_document_get_node(c->doc, p->value);
    }
    return NULL;
}

/* Item i of a list (a lone scalar is its own item 0); NULL if none. */
static yaml_node_t *item_of(ctx *c, yaml_node_t *n, size_t i) {
    if (n && n->type == YAML_SEQUENCE_NODE)
        return i < (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
                   ? yaml_document_get_node(c->doc, n->data.sequence.items.start[i])
                   : NULL;
    return n && n->type == YAML_SCALAR_NODE && i == 0 ? n : NULL;
}

/* For messages about entry i of a list: its `key` if it has one, else the entry. */
static yaml_node_t *field_of(ctx *c, yaml_node_t *list, size_t i, const char *key) {
    yaml_node_t *item = item_of(c, list, i), *v = value_of(c, item, key);
    return v ? v : item;
}

/* Checks one entry of a list; err gets the reason. */
typedef wb_status (*entry_check)(const char *s, wb_error *err);

static wb_status dir_check(const char *s, wb_error *err) {
    wc_dir d;
    wb_status st = wc_dir_parse(s, &d, err);
    wc_dir_close(&d);
    return st;
}

static wb_status topic_check(const char *s, wb_error *err) {
    wb_status st = wc_pattern_check(s, err);
    if (st == WB_OK && strpbrk(s, "*#"))
        st = wb_error_set(err, WB_INVALID_ARG, "topic \"%.*s\": declared topics have no wildcards",
                          SHOWN, s);
    return st;
}

/* A list of strings: a sequence, or one scalar; each entry passes check
 * (NULL: any string). At most max entries in all. */
static wb_status get_list(ctx *c, yaml_node_t *n, char ***out, entry_check check, size_t max) {
    yaml_node_item_t one = 0, *start = &one, *top = &one + 1;
    if (n && n->type == YAML_SEQUENCE_NODE) {
        start = n->data.sequence.items.start;
        top = n->data.sequence.items.top;
    } else if (!scalar(n)) {
        return bad(c, n, "expected a list of strings");
    }
    size_t len = 0;
    while (*out && (*out)[len]) len++;
    if ((size_t)(top - start) > max - len) return bad(c, n, "more than %zu entries", max);
    for (yaml_node_item_t *it = start; it < top; it++, len++) {
        yaml_node_t *e = it == &one ? n : yaml_document_get_node(c->doc, *it);
        const char *s = scalar(e);
        if (!s) return bad(c, e, "expected a string");
        wb_error perr;
        wb_status st = check ? check(s, &perr) : WB_OK;
        if (st == WB_NOMEM) return wb_error_set(c->err, WB_NOMEM, "out of memory");
        if (st != WB_OK) return bad(c, e, "%s", perr.msg);
        char **l = realloc(*out, (len + 2) * sizeof *l);
        if (!l) return wb_error_set(c->err, WB_NOMEM, "out of memory");
        *out = l;
        l[len + 1] = NULL;
        l[len] = strdup(s);
        if (!l[len]) return wb_error_set(c->err, WB_NOMEM, "out of memory");
    }
    return WB_OK;
}

static const char *const policy_names[] = {"fail", "drop_newest", "drop_oldest"};
static const char *const restart_names[] = {"permanent", "transient", "temporary"};
static const char *const strategy_names[] = {"one_for_one", "one_for_all", "rest_for_one"};

static wb_status limits_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_limits *l = obj;
    int e = 0;
    wb_status st;
    if (!strcmp(k, "memory_pages")) return get_u32(c, v, &l->max_memory_pages);
    if (!strcmp(k, "fuel_per_message")) return get_u64(c, v, &l->fuel_per_message);
    if (!strcmp(k, "fuel_total")) return get_u64(c, v, &l->fuel_total);
    if (!strcmp(k, "fuel_slice")) return get_u64(c, v, &l->fuel_slice);
    if (!strcmp(k, "mailbox")) return get_u32(c, v, &l->mailbox_capacity);
    if (!strcmp(k, "max_payload")) return get_u32(c, v, &l->max_payload);
    if (!strcmp(k, "send_rate")) return get_u32(c, v, &l->send_rate);
    if (!strcmp(k, "send_burst")) return get_u32(c, v, &l->send_burst);
    if (!strcmp(k, "memory_bytes")) return get_u64(c, v, &l->max_memory_bytes);
    if (!strcmp(k, "mailbox_bytes")) return get_u64(c, v, &l->mailbox_bytes);
    if (!strcmp(k, "max_fds")) return get_u32(c, v, &l->max_fds);
    if (!strcmp(k, "disk_bytes")) return get_u64(c, v, &l->disk_bytes);
    if (!strcmp(k, "spawn_children")) return get_u32(c, v, &l->spawn_children);
    if (!strcmp(k, "spawn_total")) return get_u32(c, v, &l->spawn_total);
    if (!strcmp(k, "max_timers")) return get_u32(c, v, &l->max_timers);
    if (!strcmp(k, "max_monitors")) return get_u32(c, v, &l->max_monitors);
    if (!strcmp(k, "mailbox_policy")) {
        st = get_enum(c, v, policy_names, WB_ARRAY_LEN(policy_names), &e);
        l->mailbox_policy = (wc_mailbox_policy)e;
        return st;
    }
    return unknown_key(c, v, k);
}

static wb_status caps_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_caps *caps = obj;
    if (!strcmp(k, "send")) return get_list(c, v, &caps->send, wc_pattern_check, SIZE_MAX);
    if (!strcmp(k, "publish")) return get_list(c, v, &caps->publish, wc_pattern_check, SIZE_MAX);
    if (!strcmp(k, "subscribe")) return get_list(c, v, &caps->subscribe, wc_pattern_check, SIZE_MAX);
    if (!strcmp(k, "wasi")) return get_list(c, v, &caps->wasi, wc_pattern_check, SIZE_MAX);
    if (!strcmp(k, "dirs")) return get_list(c, v, &caps->dirs, dir_check, WC_MAX_DIRS);
    if (!strcmp(k, "spawn")) return get_bool(c, v, &caps->spawn);
    return unknown_key(c, v, k);
}

static wb_status backoff_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_backoff *b = obj;
    if (!strcmp(k, "initial_ms")) return get_u32(c, v, &b->initial_ms);
    if (!strcmp(k, "max_ms")) return get_u32(c, v, &b->max_ms);
    if (!strcmp(k, "reset_after_ms")) return get_u32(c, v, &b->reset_after_ms);
    if (!strcmp(k, "multiplier")) return get_double(c, v, &b->multiplier);
    if (!strcmp(k, "jitter")) {
        wb_status st = get_double(c, v, &b->jitter);
        return st == WB_OK && b->jitter > 1 ? bad(c, v, "jitter must be within 0..1") : st;
    }
    return unknown_key(c, v, k);
}

static wb_status health_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_health_spec *h = obj;
    if (!strcmp(k, "interval_ms")) return get_u32(c, v, &h->interval_ms);
    if (!strcmp(k, "timeout_ms")) return get_u32(c, v, &h->timeout_ms);
    if (!strcmp(k, "threshold")) return get_u32(c, v, &h->threshold);
    return unknown_key(c, v, k);
}

static wb_status component_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_component_spec *cs = obj;
    int e = 0;
    wb_status st;
    if (!strcmp(k, "name")) return get_sized(c, v, WC_NAME_MAX, "a component name", &cs->name);
    if (!strcmp(k, "wasm")) return get_sized(c, v, PATH_MAX - 1, "a wasm path", &cs->wasm);
    if (!strcmp(k, "supervisor")) return get_str(c, v, &cs->supervisor);
    if (!strcmp(k, "instances")) {
        st = get_u32(c, v, &cs->instances);
        if (st == WB_OK && (!cs->instances || cs->instances > WC_MAX_INSTANCES))
            return bad(c, v, "instances must be 1..%u", WC_MAX_INSTANCES);
        return st;
    }
    if (!strcmp(k, "shutdown_ms")) return get_u32(c, v, &cs->shutdown_ms);
    if (!strcmp(k, "limits")) return each_pair(c, v, limits_pair, &cs->caps.limits);
    if (!strcmp(k, "capabilities")) return each_pair(c, v, caps_pair, &cs->caps);
    if (!strcmp(k, "backoff")) return each_pair(c, v, backoff_pair, &cs->backoff);
    if (!strcmp(k, "health")) return each_pair(c, v, health_pair, &cs->health);
    if (!strcmp(k, "restart")) {
        st = get_enum(c, v, restart_names, WB_ARRAY_LEN(restart_names), &e);
        cs->restart = (wc_restart)e;
        return st;
    }
    return unknown_key(c, v, k);
}

static wb_status supervisor_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_supervisor_spec *s = obj;
    int e = 0;
    wb_status st;
    if (!strcmp(k, "name")) return get_sized(c, v, WC_NAME_MAX, "a supervisor name", &s->name);
    if (!strcmp(k, "parent")) return get_str(c, v, &s->parent);
    if (!strcmp(k, "intensity")) {
        st = get_u32(c, v, &s->intensity);
        if (st == WB_OK && s->intensity > WC_MAX_INTENSITY)
            return bad(c, v, "intensity must be 0..%u", WC_MAX_INTENSITY);
        return st;
    }
    if (!strcmp(k, "period_ms")) return get_u32(c, v, &s->period_ms);
    if (!strcmp(k, "strategy")) {
        st = get_enum(c, v, strategy_names, WB_ARRAY_LEN(strategy_names), &e);
        s->strategy = (wc_strategy)e;
        return st;
    }
    return unknown_key(c, v, k);
}

/* Scratch for one initial message while its keys are read. */
typedef struct msg_scratch {
    wc_initial_msg *m;
    char *codec, *payload;
} msg_scratch;

static wb_status message_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    msg_scratch *ms = obj;
    if (!strcmp(k, "to")) return get_str(c, v, &ms->m->to);
    if (!strcmp(k, "after_ms")) return get_u32(c, v, &ms->m->after_ms);
    if (!strcmp(k, "every_ms")) return get_u32(c, v, &ms->m->every_ms);
    if (!strcmp(k, "codec")) return get_str(c, v, &ms->codec);
    if (!strcmp(k, "payload")) return get_str(c, v, &ms->payload);
    return unknown_key(c, v, k);
}

static void component_defaults(wc_component_spec *cs) {
    memset(cs, 0, sizeof *cs);
    wc_caps_init(&cs->caps);
    cs->instances = 1;
    cs->shutdown_ms = 1000;
    cs->backoff = (wc_backoff){.initial_ms = 100, .max_ms = 5000, .multiplier = 2.0,
                               .jitter = 0.1, .reset_after_ms = 30000};
    cs->health.timeout_ms = 1000;
    cs->health.threshold = 3;
}

/* Resizes *arr to hold n+1 elements of size sz, zeroing the new one. */
static void *grow(void **arr, size_t n, size_t sz) {
    char *a = realloc(*arr, (n + 1) * sz);
    if (!a) return NULL;
    *arr = a;
    memset(a + n * sz, 0, sz);
    return a + n * sz;
}

/* Calls fn for each mapping in a sequence, on a new element of the array. */
static wb_status each_item(ctx *c, yaml_node_t *seq, void **arr, size_t *n, size_t sz,
                           void (*init)(void *), pair_fn fn) {
    if (!seq || seq->type != YAML_SEQUENCE_NODE) return bad(c, seq, "expected a list");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        void *e = grow(arr, *n, sz);
        if (!e) return wb_error_set(c->err, WB_NOMEM, "out of memory");
        if (init) init(e);
        (*n)++;
        wb_status st = each_pair(c, yaml_document_get_node(c->doc, *it), fn, e);
        if (st != WB_OK) return st;
    }
    return WB_OK;
}

static void component_init_cb(void *e) { component_defaults(e); }
static void supervisor_init_cb(void *e) {
    wc_supervisor_spec *s = e;
    s->intensity = 5;
    s->period_ms = 10000;
}

static wb_status messages(ctx *c, yaml_node_t *seq, wc_manifest *m) {
    if (!seq || seq->type != YAML_SEQUENCE_NODE) return bad(c, seq, "expected a list");
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        yaml_node_t *n = yaml_document_get_node(c->doc, *it);
        wc_initial_msg *e = grow((void **)&m->messages, m->nmessages, sizeof *e);
        if (!e) return wb_error_set(c->err, WB_NOMEM, "out of memory");
        m->nmessages++;
        msg_scratch ms = {e, NULL, NULL};
        wb_status st = each_pair(c, n, message_pair, &ms);
        wc_codec codec = WC_CODEC_RAW;
        if (st == WB_OK && ms.codec && wc_codec_parse(ms.codec, &codec) != WB_OK)
            st = bad(c, n, "unknown codec \"%.*s\"", SHOWN, ms.codec);
        if (st == WB_OK && !e->to) st = bad(c, n, "message without \"to\"");
        if (st == WB_OK) {
            const char *body = ms.payload ? ms.payload : "";
            e->payload = wc_payload_new(codec, body, strlen(body));
            wb_error perr;
            if (!e->payload) st = wb_error_set(c->err, WB_NOMEM, "out of memory");
            else if (wc_payload_check(e->payload->data, e->payload->len, &perr) != WB_OK)
                st = bad(c, n, "%s", perr.msg);
        }
        free(ms.codec);
        free(ms.payload);
        if (st != WB_OK) return st;
    }
    return WB_OK;
}

/* The node's budgets (top-level `limits:`). */
static wb_status node_limits_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_manifest *m = obj;
    if (!strcmp(k, "instances")) return get_u32(c, v, &m->max_instances);
    if (!strcmp(k, "memory_bytes")) return get_u64(c, v, &m->max_memory_bytes);
    if (!strcmp(k, "fds")) return get_u32(c, v, &m->max_fds);
    return unknown_key(c, v, k);
}

static wb_status top_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_manifest *m = obj;
    if (!strcmp(k, "name")) return get_str(c, v, &m->name);
    if (!strcmp(k, "workers")) {
        wb_status st = get_u32(c, v, &m->workers);
        return st == WB_OK && m->workers > MAX_WORKERS ? bad(c, v, "workers must be 0..%d", MAX_WORKERS)
                                                       : st;
    }
    if (!strcmp(k, "duration")) return get_u32(c, v, &m->duration_s);
    if (!strcmp(k, "limits")) return each_pair(c, v, node_limits_pair, m);
    if (!strcmp(k, "topics")) return get_list(c, v, &m->topics, topic_check, SIZE_MAX);
    if (!strcmp(k, "messages")) {
        c->msgs = v;
        return messages(c, v, m);
    }
    if (!strcmp(k, "components")) {
        c->comps = v; /* each entry i becomes components[i] (keys are unique) */
        return each_item(c, v, (void **)&m->components, &m->ncomponents, sizeof(wc_component_spec),
                         component_init_cb, component_pair);
    }
    if (!strcmp(k, "supervisors")) {
        c->sups = v;
        return each_item(c, v, (void **)&m->supervisors, &m->nsupervisors,
                         sizeof(wc_supervisor_spec), supervisor_init_cb, supervisor_pair);
    }
    return unknown_key(c, v, k);
}

/* ---- checks across entries, after parsing (the document gives the lines) ---- */
static bool matches_a_topic(const wc_manifest *m, const char *pattern) {
    for (size_t i = 0; m->topics[i]; i++)
        if (wc_pattern_match(pattern, m->topics[i])) return true;
    return false;
}

/* Every publish/subscribe grant of a component names at least one declared
 * topic (a grant that matches none is a typo or a dangling reference). The
 * topics themselves were checked for wildcards as they were read. */
static wb_status finish_topics(ctx *c, const wc_manifest *m) {
    static const char *const keys[2] = {"publish", "subscribe"};
    if (!m->topics) return WB_OK;
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_caps *caps = &m->components[i].caps;
        char **lists[2] = {caps->publish, caps->subscribe};
        for (int k = 0; k < 2; k++)
            for (size_t j = 0; lists[k] && lists[k][j]; j++) {
                if (matches_a_topic(m, lists[k][j])) continue;
                yaml_node_t *list = value_of(c, field_of(c, c->comps, i, "capabilities"), keys[k]);
                yaml_node_t *at = item_of(c, list, j);
                return bad(c, at ? at : list ? list : item_of(c, c->comps, i),
                           "component \"%s\": %s \"%.*s\" matches no declared topic",
                           m->components[i].name, keys[k], SHOWN, lists[k][j]);
            }
    }
    return WB_OK;
}

/* ---- what the manifest names resolves (checked at load, not retried) ---- */
/* A component, or an instance "name.N" of one with more than N instances. */
static bool name_known(const wc_manifest *m, const char *s, size_t len) {
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_component_spec *cs = &m->components[i];
        size_t n = strlen(cs->name);
        if (len < n || memcmp(s, cs->name, n)) continue;
        if (len == n) return true;
        if (s[n] != '.' || cs->instances < 2) continue;
        char *end;
        unsigned long k = strtoul(s + n + 1, &end, 10);
        if (end == s + len && end > s + n + 1 && k < cs->instances) return true;
    }
    return false;
}

/* A send grant reaches something this manifest starts: a pattern matching
 * one of its names, a child one of them spawns ("router/kv#*": "router" is
 * known), or everything ("#"). */
static bool send_reaches(const wc_manifest *m, const char *p) {
    const char *slash = strchr(p, '/');
    if (slash) return name_known(m, p, (size_t)(slash - p));
    if (!strcmp(p, "#") || !strcmp(p, "*")) return true;
    char name[WC_NAME_MAX + 16];
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_component_spec *cs = &m->components[i];
        if (wc_pattern_match(p, cs->name)) return true;
        for (uint32_t k = 0; k < cs->instances && cs->instances > 1; k++) {
            snprintf(name, sizeof name, "%s.%u", cs->name, k);
            if (wc_pattern_match(p, name)) return true;
            if (k == 1) k = cs->instances - 2 > k ? cs->instances - 2 : k; /* first, second, last */
        }
    }
    return false;
}

static bool wasi_known(const char *p) {
    for (int f = 0; f < WA_WASI_FUNC_COUNT_; f++)
        if (wc_pattern_match(p, wa_wasi_func_name((wa_wasi_func)f))) return true;
    return false;
}

/* Entry j of capability list `key` of component i, for the line number. */
static yaml_node_t *cap_item(ctx *c, size_t i, const char *key, size_t j) {
    yaml_node_t *list = value_of(c, field_of(c, c->comps, i, "capabilities"), key);
    yaml_node_t *at = item_of(c, list, j);
    return at ? at : list ? list : item_of(c, c->comps, i);
}

/* A `dirs` grant's host path, relative to the manifest like `wasm`, must be
 * a directory now: an error no restart could fix is refused here. */
static wb_status dir_resolve(ctx *c, char **entry, const char *base_dir, const char *comp, yaml_node_t *at) {
    wc_dir d;
    wb_status st = wc_dir_parse(*entry, &d, c->err);
    if (st != WB_OK) return bad(c, at, "component \"%s\": %s", comp, c->err->msg);
    char *resolved = NULL;
    if (d.host[0] != '/' && base_dir && *base_dir) {
        size_t n = strlen(base_dir) + strlen(*entry) + 2;
        if (n > PATH_MAX || !(resolved = malloc(n))) {
            wc_dir_close(&d);
            return n > PATH_MAX ? bad(c, at, "component \"%s\": directory path too long", comp)
                                : wb_error_set(c->err, WB_NOMEM, "out of memory");
        }
        if (snprintf(resolved, n, "%s/%s", base_dir, *entry) >= (int)n) { /* sized above: never */
            free(resolved);
            wc_dir_close(&d);
            return bad(c, at, "component \"%s\": directory path too long", comp);
        }
    }
    const char *host = d.host;
    char hostbuf[PATH_MAX];
    if (resolved) {
        snprintf(hostbuf, sizeof hostbuf, "%s/%s", base_dir, d.host);
        host = hostbuf;
    }
    struct stat sb;
    bool ok = stat(host, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (!ok) {
        free(resolved);
        st = bad(c, at, "component \"%s\": dirs: \"%.*s\" is not a directory", comp, SHOWN, host);
        wc_dir_close(&d);
        return st;
    }
    wc_dir_close(&d);
    if (resolved) {
        free(*entry);
        *entry = resolved;
    }
    return WB_OK;
}

static wb_status finish_refs(ctx *c, wc_manifest *m, const char *base_dir) {
    for (size_t i = 0; i < m->nmessages; i++) {
        const char *to = m->messages[i].to;
        if (!name_known(m, to, strlen(to)))
            return bad(c, field_of(c, c->msgs, i, "to"), "message to \"%.*s\": no such component", SHOWN, to);
    }
    for (size_t i = 0; i < m->ncomponents; i++) {
        wc_component_spec *cs = &m->components[i];
        for (size_t j = 0; cs->caps.send && cs->caps.send[j]; j++)
            if (!send_reaches(m, cs->caps.send[j]))
                return bad(c, cap_item(c, i, "send", j), "component \"%s\": send \"%.*s\" matches no component",
                           cs->name, SHOWN, cs->caps.send[j]);
        for (size_t j = 0; cs->caps.wasi && cs->caps.wasi[j]; j++)
            if (!wasi_known(cs->caps.wasi[j]))
                return bad(c, cap_item(c, i, "wasi", j), "component \"%s\": wasi \"%.*s\" is no WASI function",
                           cs->name, SHOWN, cs->caps.wasi[j]);
        for (size_t j = 0; cs->caps.dirs && cs->caps.dirs[j]; j++) {
            wb_status st = dir_resolve(c, &cs->caps.dirs[j], base_dir, cs->name, cap_item(c, i, "dirs", j));
            if (st != WB_OK) return st;
        }
    }
    return WB_OK;
}

/* "a -> b -> a": the cycle through supervisor i (at most three hops shown). */
static void cycle_text(const wc_manifest *m, const size_t *parent, size_t i, char *out, size_t cap) {
    size_t len = 0, j = i;
    for (int hops = 0; hops < 3; hops++) {
        int w = snprintf(out + len, cap - len, "%s -> ", m->supervisors[j].name);
        if (w < 0 || (size_t)w >= cap - len) return; /* cap holds three names: not reached */
        len += (size_t)w;
        j = parent[j];
        if (j == i) break;
    }
    snprintf(out + len, cap - len, "%s", j == i ? m->supervisors[i].name : "...");
}

/* Supervisors: named, unique, with parents that exist and form a tree (a
 * cycle would leave its members unreachable from the root). ix receives
 * their names, sorted, for the components' references. */
static wb_status finish_sups(ctx *c, const wc_manifest *m, wc__name_ix *ix) {
    size_t n = m->nsupervisors;
    for (size_t i = 0; i < n; i++) {
        if (!m->supervisors[i].name) return bad(c, item_of(c, c->sups, i), "supervisor without a name");
        ix[i] = (wc__name_ix){m->supervisors[i].name, i};
    }
    size_t dup = wc__names_sort(ix, n);
    if (dup != SIZE_MAX)
        return bad(c, field_of(c, c->sups, dup, "name"), "duplicate supervisor \"%s\"",
                   m->supervisors[dup].name);
    size_t *parent = calloc(n ? n : 1, sizeof *parent);
    uint8_t *mark = calloc(n ? n : 1, 1);
    wb_status st = parent && mark ? WB_OK : wb_error_set(c->err, WB_NOMEM, "out of memory");
    for (size_t i = 0; i < n && st == WB_OK; i++) {
        const wc_supervisor_spec *s = &m->supervisors[i];
        parent[i] = s->parent ? wc__names_find(ix, n, s->parent) : SIZE_MAX;
        if (s->parent && parent[i] == SIZE_MAX)
            st = bad(c, field_of(c, c->sups, i, "parent"), "supervisor \"%s\": unknown parent \"%.*s\"",
                     s->name, SHOWN, s->parent);
    }
    size_t cyc = st == WB_OK ? wc__tree_cycle(parent, n, mark) : SIZE_MAX;
    if (cyc != SIZE_MAX) {
        char path[3 * (WC_NAME_MAX + 4) + 8];
        cycle_text(m, parent, cyc, path, sizeof path);
        st = bad(c, field_of(c, c->sups, cyc, "parent"),
                 "supervisor \"%s\": parent chain forms a cycle (%s)", m->supervisors[cyc].name, path);
    }
    free(parent);
    free(mark);
    return st;
}

static unsigned decimal_digits(uint32_t v) {
    unsigned d = 1;
    for (; v >= 10; v /= 10) d++;
    return d;
}

/* Component i alone: required keys, instance names within WC_NAME_MAX, a
 * supervisor that exists, and its wasm path resolved under PATH_MAX. */
static wb_status check_component(ctx *c, wc_component_spec *cs, size_t i, const wc__name_ix *sups,
                                 size_t nsups, const char *base_dir) {
    if (!cs->name || !cs->wasm)
        return bad(c, item_of(c, c->comps, i), "component %zu needs \"name\" and \"wasm\"", i);
    if (strlen(cs->name) + (cs->instances > 1 ? 1 + decimal_digits(cs->instances - 1) : 0) > WC_NAME_MAX)
        return bad(c, field_of(c, c->comps, i, "name"),
                   "component \"%s\": instance names (up to \"%s.%u\") must be at most %d bytes",
                   cs->name, cs->name, cs->instances - 1, WC_NAME_MAX);
    if (cs->supervisor && wc__names_find(sups, nsups, cs->supervisor) == SIZE_MAX)
        return bad(c, field_of(c, c->comps, i, "supervisor"),
                   "component \"%s\": unknown supervisor \"%.*s\"", cs->name, SHOWN, cs->supervisor);
    wc_limits_resolve(&cs->caps.limits);
    if (cs->wasm[0] == '/' || !base_dir || !*base_dir) return WB_OK;
    size_t blen = strlen(base_dir), n = blen + strlen(cs->wasm) + 2;
    if (n > PATH_MAX)
        return bad(c, field_of(c, c->comps, i, "wasm"),
                   "component \"%s\": the wasm path in the manifest's directory has PATH_MAX bytes or more",
                   cs->name);
    char *p = malloc(n);
    if (!p) return wb_error_set(c->err, WB_NOMEM, "out of memory");
    if (snprintf(p, n, "%s%s%s", base_dir, base_dir[blen - 1] == '/' ? "" : "/", cs->wasm) >= (int)n) {
        free(p); /* sized above: never */
        return wb_error_set(c->err, WB_INVALID_ARG, "wasm path too long");
    }
    free(cs->wasm);
    cs->wasm = p;
    return WB_OK;
}

/* A component named like another's instance ("worker.1" beside a "worker"
 * with two or more instances) would take that instance's name. */
static wb_status instance_clash(ctx *c, const wc_manifest *m, const wc__name_ix *ix) {
    for (size_t i = 0; i < m->ncomponents; i++) {
        const char *name = m->components[i].name, *dot = strrchr(name, '.');
        if (!dot || dot - name > WC_NAME_MAX) continue;
        const char *d = dot + 1;
        size_t nd = strspn(d, "0123456789");
        if (!nd || d[nd] || nd > 9 || (d[0] == '0' && nd > 1)) continue; /* not an instance suffix */
        char prefix[WC_NAME_MAX + 1];
        memcpy(prefix, name, (size_t)(dot - name));
        prefix[dot - name] = 0;
        size_t j = wc__names_find(ix, m->ncomponents, prefix);
        unsigned long k = strtoul(d, NULL, 10);
        if (j != SIZE_MAX && m->components[j].instances > 1 && k < m->components[j].instances)
            return bad(c, field_of(c, c->comps, i, "name"),
                       "component \"%s\": the name of instance %lu of component \"%s\"", name, k, prefix);
    }
    return WB_OK;
}

static wb_status finish_components(ctx *c, wc_manifest *m, const wc__name_ix *sups,
                                   const char *base_dir) {
    size_t n = m->ncomponents;
    wc__name_ix *ix = calloc(n ? n : 1, sizeof *ix);
    if (!ix) return wb_error_set(c->err, WB_NOMEM, "out of memory");
    wb_status st = WB_OK;
    for (size_t i = 0; i < n && st == WB_OK; i++) {
        st = check_component(c, &m->components[i], i, sups, m->nsupervisors, base_dir);
        ix[i] = (wc__name_ix){m->components[i].name, i};
    }
    size_t dup = st == WB_OK ? wc__names_sort(ix, n) : SIZE_MAX;
    if (dup != SIZE_MAX)
        st = bad(c, field_of(c, c->comps, dup, "name"), "duplicate component \"%s\"",
                 m->components[dup].name);
    if (st == WB_OK) st = instance_clash(c, m, ix);
    free(ix);
    return st;
}

/* Required fields, unique names, references that resolve, a supervision
 * tree without cycles, wasm paths. */
static wb_status finish(ctx *c, wc_manifest *m, const char *base_dir) {
    wc__name_ix *sups = calloc(m->nsupervisors ? m->nsupervisors : 1, sizeof *sups);
    if (!sups) return wb_error_set(c->err, WB_NOMEM, "out of memory");
    wb_status st = finish_sups(c, m, sups);
    if (st == WB_OK) st = finish_components(c, m, sups, base_dir);
    free(sups);
    if (st == WB_OK) st = finish_topics(c, m);
    if (st == WB_OK) st = finish_refs(c, m, base_dir);
    if (st == WB_OK && base_dir && !(m->base_dir = strdup(base_dir)))
        st = wb_error_set(c->err, WB_NOMEM, "out of memory");
    return st;
}

wb_status wc_manifest_parse(const char *text, size_t len, const char *base_dir, wc_manifest **out,
                            wb_error *err) {
    *out = NULL;
    wc_manifest *m = calloc(1, sizeof *m);
    if (!m) return wb_error_set(err, WB_NOMEM, "out of memory");
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        free(m);
        return wb_error_set(err, WB_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    wb_status st = WB_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        st = wb_error_set(err, WB_INVALID_ARG, "manifest line %lu: %s",
                          (unsigned long)parser.problem_mark.line + 1,
                          parser.problem ? parser.problem : "YAML error");
        yaml_parser_delete(&parser);
        free(m);
        return st;
    }
    ctx c = {.doc = &doc, .err = err};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    st = root ? each_pair(&c, root, top_pair, m)
              : wb_error_set(err, WB_INVALID_ARG, "manifest line 1: empty manifest");
    if (st == WB_OK) st = finish(&c, m, base_dir);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (st != WB_OK) {
        wc_manifest_free(m);
        return st;
    }
    *out = m;
    return WB_OK;
}

wb_status wc_manifest_load(const char *path, wc_manifest **out, wb_error *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return wb_error_set(err, WB_IO, "cannot open %s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            char *t = realloc(text, cap = cap ? cap * 2 : 4096);
            if (!t) break;
            text = t;
        }
        size_t n = fread(text + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    bool io_error = ferror(f) || !text;
    fclose(f);
    if (io_error) {
        free(text);
        return wb_error_set(err, WB_IO, "cannot read %s", path);
    }
    /* wasm paths are relative to the manifest's directory ("/" for "/app.yaml"). */
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    wb_status st = dir ? wc_manifest_parse(text, len, dir, out, err)
                       : wb_error_set(err, WB_NOMEM, "out of memory");
    free(dir);
    free(text);
    return st;
}

void wc_manifest_free(wc_manifest *m) {
    if (!m) return;
    for (size_t i = 0; i < m->ncomponents; i++) {
        free(m->components[i].name);
        free(m->components[i].wasm);
        free(m->components[i].supervisor);
        wc_caps_close(&m->components[i].caps);
    }
    for (size_t i = 0; i < m->nsupervisors; i++) {
        free(m->supervisors[i].name);
        free(m->supervisors[i].parent);
    }
    for (size_t i = 0; i < m->nmessages; i++) {
        free(m->messages[i].to);
        wb_buf_unref(m->messages[i].payload);
    }
    for (size_t i = 0; m->topics && m->topics[i]; i++) free(m->topics[i]);
    free(m->topics);
    free(m->components);
    free(m->supervisors);
    free(m->messages);
    free(m->name);
    free(m->base_dir);
    free(m);
}

const wc_component_spec *wc_manifest_component(const wc_manifest *m, const char *name) {
    for (size_t i = 0; i < m->ncomponents; i++)
        if (m->components[i].name && !strcmp(m->components[i].name, name)) return &m->components[i];
    return NULL;
}
