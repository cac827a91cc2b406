/* SPDX-License-Identifier: MIT */
/* The application manifest: YAML (libyaml document API) into wc_manifest.
 * Strict: unknown keys and bad values are errors with their line number. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "wactor/component.h"

typedef struct ctx {
    yaml_document_t *doc;
    wb_error *err;
} ctx;

static wb_status bad(ctx *c, const yaml_node_t *n, const char *what) {
    return wb_error_set(c->err, WB_INVALID_ARG, "manifest line %lu: %s",
                        (unsigned long)(n ? n->start_mark.line + 1 : 0), what);
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

static wb_status get_u64(ctx *c, const yaml_node_t *n, uint64_t *out) {
    const char *s = scalar(n);
    char *end = NULL;
    if (!s || !*s || *s == '-') return bad(c, n, "expected a non-negative integer");
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

static wb_status get_double(ctx *c, const yaml_node_t *n, double *out) {
    const char *s = scalar(n);
    char *end = NULL;
    if (!s || !*s) return bad(c, n, "expected a number");
    *out = strtod(s, &end);
    return *end || *out < 0 ? bad(c, n, "expected a non-negative number") : WB_OK;
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
    char msg[160];
    snprintf(msg, sizeof msg, "unknown value \"%s\" (expected %s ...)", s ? s : "?", names[0]);
    return bad(c, n, msg);
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
        wb_status st = fn(c, key, v, obj);
        if (st != WB_OK) return st;
    }
    return WB_OK;
}

static wb_status unknown_key(ctx *c, yaml_node_t *v, const char *key) {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown key \"%s\"", key);
    return bad(c, v, msg);
}

/* A list of strings: a sequence, or one scalar. Patterns are checked. */
static wb_status get_list(ctx *c, yaml_node_t *n, char ***out, bool patterns) {
    yaml_node_item_t one = 0, *start = &one, *top = &one + 1;
    if (n && n->type == YAML_SEQUENCE_NODE) {
        start = n->data.sequence.items.start;
        top = n->data.sequence.items.top;
    } else if (!scalar(n)) {
        return bad(c, n, "expected a list of strings");
    }
    for (yaml_node_item_t *it = start; it < top; it++) {
        yaml_node_t *e = it == &one ? n : yaml_document_get_node(c->doc, *it);
        const char *s = scalar(e);
        if (!s) return bad(c, e, "expected a string");
        wb_error perr;
        if (patterns && wc_pattern_check(s, &perr) != WB_OK) return bad(c, e, perr.msg);
        size_t len = 0;
        while (*out && (*out)[len]) len++;
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
    if (!strcmp(k, "mailbox_policy")) {
        st = get_enum(c, v, policy_names, WB_ARRAY_LEN(policy_names), &e);
        l->mailbox_policy = (wc_mailbox_policy)e;
        return st;
    }
    return unknown_key(c, v, k);
}

static wb_status caps_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_caps *caps = obj;
    if (!strcmp(k, "send")) return get_list(c, v, &caps->send, true);
    if (!strcmp(k, "publish")) return get_list(c, v, &caps->publish, true);
    if (!strcmp(k, "subscribe")) return get_list(c, v, &caps->subscribe, true);
    if (!strcmp(k, "wasi")) return get_list(c, v, &caps->wasi, true);
    if (!strcmp(k, "dirs")) return get_list(c, v, &caps->dirs, false);
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
    if (!strcmp(k, "name")) return get_str(c, v, &cs->name);
    if (!strcmp(k, "wasm")) return get_str(c, v, &cs->wasm);
    if (!strcmp(k, "supervisor")) return get_str(c, v, &cs->supervisor);
    if (!strcmp(k, "instances")) return get_u32(c, v, &cs->instances);
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
    if (!strcmp(k, "name")) return get_str(c, v, &s->name);
    if (!strcmp(k, "parent")) return get_str(c, v, &s->parent);
    if (!strcmp(k, "intensity")) return get_u32(c, v, &s->intensity);
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
            st = bad(c, n, "unknown codec");
        if (st == WB_OK && !e->to) st = bad(c, n, "message without \"to\"");
        if (st == WB_OK) {
            const char *body = ms.payload ? ms.payload : "";
            e->payload = wc_payload_new(codec, body, strlen(body));
            wb_error perr;
            if (!e->payload) st = wb_error_set(c->err, WB_NOMEM, "out of memory");
            else if (wc_payload_check(e->payload->data, e->payload->len, &perr) != WB_OK)
                st = bad(c, n, perr.msg);
        }
        free(ms.codec);
        free(ms.payload);
        if (st != WB_OK) return st;
    }
    return WB_OK;
}

static wb_status top_pair(ctx *c, const char *k, yaml_node_t *v, void *obj) {
    wc_manifest *m = obj;
    if (!strcmp(k, "name")) return get_str(c, v, &m->name);
    if (!strcmp(k, "workers")) return get_u32(c, v, &m->workers);
    if (!strcmp(k, "duration")) return get_u32(c, v, &m->duration_s);
    if (!strcmp(k, "topics")) return get_list(c, v, &m->topics, true);
    if (!strcmp(k, "messages")) return messages(c, v, m);
    if (!strcmp(k, "components"))
        return each_item(c, v, (void **)&m->components, &m->ncomponents, sizeof(wc_component_spec),
                         component_init_cb, component_pair);
    if (!strcmp(k, "supervisors"))
        return each_item(c, v, (void **)&m->supervisors, &m->nsupervisors,
                         sizeof(wc_supervisor_spec), supervisor_init_cb, supervisor_pair);
    return unknown_key(c, v, k);
}

static const wc_supervisor_spec *find_sup(const wc_manifest *m, const char *name) {
    for (size_t i = 0; i < m->nsupervisors; i++)
        if (!strcmp(m->supervisors[i].name, name)) return &m->supervisors[i];
    return NULL;
}

static bool matches_a_topic(const wc_manifest *m, const char *pattern) {
    for (size_t i = 0; m->topics[i]; i++)
        if (wc_pattern_match(pattern, m->topics[i])) return true;
    return false;
}

/* Declared topics are plain topics, and every publish/subscribe grant of a
 * component names at least one of them (a grant that matches none is a typo
 * or a dangling reference). */
static wb_status finish_topics(const wc_manifest *m, wb_error *err) {
    if (!m->topics) return WB_OK;
    for (size_t i = 0; m->topics[i]; i++)
        if (strpbrk(m->topics[i], "*#"))
            return wb_error_set(err, WB_INVALID_ARG, "topic \"%s\": declared topics have no wildcards",
                                m->topics[i]);
    for (size_t i = 0; i < m->ncomponents; i++) {
        const wc_caps *c = &m->components[i].caps;
        char **lists[2] = {c->publish, c->subscribe};
        for (int k = 0; k < 2; k++)
            for (size_t j = 0; lists[k] && lists[k][j]; j++)
                if (!matches_a_topic(m, lists[k][j]))
                    return wb_error_set(err, WB_INVALID_ARG,
                                        "component \"%s\": %s \"%s\" matches no declared topic",
                                        m->components[i].name, k ? "subscribe" : "publish", lists[k][j]);
    }
    return WB_OK;
}

/* Required fields, unique names, references that resolve, wasm paths. */
static wb_status finish(wc_manifest *m, const char *base_dir, wb_error *err) {
    for (size_t i = 0; i < m->nsupervisors; i++) {
        wc_supervisor_spec *s = &m->supervisors[i];
        if (!s->name) return wb_error_set(err, WB_INVALID_ARG, "supervisor %zu has no name", i);
        if (find_sup(m, s->name) != s)
            return wb_error_set(err, WB_INVALID_ARG, "duplicate supervisor \"%s\"", s->name);
        if (s->parent && !find_sup(m, s->parent))
            return wb_error_set(err, WB_INVALID_ARG, "supervisor \"%s\": unknown parent \"%s\"",
                                s->name, s->parent);
    }
    for (size_t i = 0; i < m->ncomponents; i++) {
        wc_component_spec *cs = &m->components[i];
        if (!cs->name || !cs->wasm)
            return wb_error_set(err, WB_INVALID_ARG, "component %zu needs \"name\" and \"wasm\"", i);
        if (wc_manifest_component(m, cs->name) != cs)
            return wb_error_set(err, WB_INVALID_ARG, "duplicate component \"%s\"", cs->name);
        if (cs->supervisor && !find_sup(m, cs->supervisor))
            return wb_error_set(err, WB_INVALID_ARG, "component \"%s\": unknown supervisor \"%s\"",
                                cs->name, cs->supervisor);
        if (!cs->instances)
            return wb_error_set(err, WB_INVALID_ARG, "component \"%s\": instances must be >= 1",
                                cs->name);
        wc_limits_resolve(&cs->caps.limits);
        if (cs->wasm[0] != '/' && base_dir && *base_dir) {
            size_t n = strlen(base_dir) + strlen(cs->wasm) + 2;
            char *p = malloc(n);
            if (!p) return wb_error_set(err, WB_NOMEM, "out of memory");
            snprintf(p, n, "%s/%s", base_dir, cs->wasm);
            free(cs->wasm);
            cs->wasm = p;
        }
    }
    wb_status st = finish_topics(m, err);
    if (st != WB_OK) return st;
    if (base_dir && !(m->base_dir = strdup(base_dir))) return wb_error_set(err, WB_NOMEM, "out of memory");
    return WB_OK;
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
    ctx c = {&doc, err};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    st = root ? each_pair(&c, root, top_pair, m) : wb_error_set(err, WB_INVALID_ARG, "empty manifest");
    if (st == WB_OK) st = finish(m, base_dir, err);
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
    /* wasm paths are relative to the manifest's directory. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    wb_status st = wc_manifest_parse(text, len, dir, out, err);
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
