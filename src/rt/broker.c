/* SPDX-License-Identifier: MIT */
/* The pub/sub broker: a trie of topic segments with '*' (one segment) and a
 * final '#' (the rest) wildcard children; publish walks it and shares the
 * payload buffer among all matching subscribers. */
#include <stdlib.h>
#include <string.h>

#include "rt/internal.h"

typedef struct topic_node {
    struct topic_node *next;     /* owner: parent's child list */
    struct topic_node *children; /* owner: this node */
    wr_id *subs;                 /* owner: this node */
    uint32_t nsubs, capsubs;
    uint32_t len;
    char seg[]; /* "*" and "#" are the wildcard children */
} topic_node;

struct wr__broker {
    pthread_rwlock_t lock;
    topic_node *root; /* owner: broker; guarded by lock */
};

/* ---- topic syntax -------------------------------------------------------------- */

bool wr_topic_valid(const char *s, bool pattern) {
    if (!s || !*s) return false;
    const char *p = s;
    for (;;) {
        const char *e = strchr(p, '.');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) return false;
        bool wild = n == 1 && (*p == '*' || *p == '#');
        if (!wild && (memchr(p, '*', n) || memchr(p, '#', n))) return false;
        if (wild && !pattern) return false;
        if (wild && *p == '#' && e) return false; /* '#' only at the end */
        if (!e) return true;
        p = e + 1;
    }
}

bool wr_topic_match(const char *pat, const char *topic) {
    for (;;) {
        const char *pe = strchr(pat, '.'), *te = strchr(topic, '.');
        size_t pn = pe ? (size_t)(pe - pat) : strlen(pat);
        size_t tn = te ? (size_t)(te - topic) : strlen(topic);
        if (pn == 1 && *pat == '#') return true;
        if (!(pn == 1 && *pat == '*') && (pn != tn || memcmp(pat, topic, pn))) return false;
        if (!pe && !te) return true;
        if (!te) return pe && !strcmp(pe + 1, "#"); /* "a.#" matches "a" */
        if (!pe) return false;
        pat = pe + 1;
        topic = te + 1;
    }
}

/* ---- trie --------------------------------------------------------------------- */

static topic_node *node_new(wr_system *sys, const char *seg, size_t len) {
    topic_node *n = wb_calloc(&sys->alloc, 1, sizeof *n + len + 1, WB_TAG_GENERIC);
    if (!n) return NULL;
    n->len = (uint32_t)len;
    memcpy(n->seg, seg, len);
    return n;
}

static void node_free(wr_system *sys, topic_node *n) {
    while (n->children) {
        topic_node *c = n->children;
        n->children = c->next;
        node_free(sys, c);
    }
    wb_free(&sys->alloc, n->subs, n->capsubs * sizeof *n->subs, WB_TAG_GENERIC);
    wb_free(&sys->alloc, n, sizeof *n + n->len + 1, WB_TAG_GENERIC);
}

static topic_node *child(topic_node *n, const char *seg, size_t len) {
    for (topic_node *c = n->children; c; c = c->next)
        if (c->len == len && !memcmp(c->seg, seg, len)) return c;
    return NULL;
}

wb_status wr__broker_new(wr_system *sys) {
    wr__broker *b = wb_calloc(&sys->alloc, 1, sizeof *b, WB_TAG_GENERIC);
    if (!b) return WB_NOMEM;
    b->root = node_new(sys, "", 0);
    if (!b->root) {
        wb_free(&sys->alloc, b, sizeof *b, WB_TAG_GENERIC);
        return WB_NOMEM;
    }
    pthread_rwlock_init(&b->lock, NULL);
    sys->broker = b;
    return WB_OK;
}

void wr__broker_free(wr_system *sys) {
    wr__broker *b = sys->broker;
    if (!b) return;
    node_free(sys, b->root);
    pthread_rwlock_destroy(&b->lock);
    wb_free(&sys->alloc, b, sizeof *b, WB_TAG_GENERIC);
    sys->broker = NULL;
}

static bool sub_remove(topic_node *n, wr_id id) {
    for (uint32_t i = 0; i < n->nsubs; i++) {
        if (n->subs[i] != id) continue;
        n->subs[i] = n->subs[--n->nsubs];
        return true;
    }
    return false;
}

/* Frees children that hold no subscriber and no grandchild. */
static void prune(wr_system *sys, topic_node *n) {
    for (topic_node **pp = &n->children; *pp;) {
        topic_node *c = *pp;
        prune(sys, c);
        if (!c->nsubs && !c->children) {
            *pp = c->next;
            node_free(sys, c);
        } else {
            pp = &c->next;
        }
    }
}

wb_status wr_subscribe(wr_system *sys, wr_id id, const char *pattern, wb_error *err) {
    if (!sys || !wr_topic_valid(pattern, true))
        return wb_error_set(err, WB_INVALID_ARG, "bad topic pattern '%s'", pattern ? pattern : "");
    wr__actor *a = wr__live(sys, id);
    if (!a) return wb_error_set(err, WB_DEAD, "subscriber is not alive");
    wr__broker *b = sys->broker;
    wb_status st = WB_OK;
    pthread_rwlock_wrlock(&b->lock);
    topic_node *n = b->root;
    for (const char *p = pattern; n;) {
        const char *e = strchr(p, '.');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        topic_node *c = child(n, p, len);
        if (!c && (c = node_new(sys, p, len)) != NULL) {
            c->next = n->children;
            n->children = c;
        }
        n = c;
        if (!e) break;
        p = e + 1;
    }
    if (!n) {
        st = wb_error_set(err, WB_NOMEM, "no memory to subscribe");
    } else {
        bool dup = false;
        for (uint32_t i = 0; i < n->nsubs; i++) dup |= n->subs[i] == id;
        if (!dup && n->nsubs == n->capsubs) {
            uint32_t nc = n->capsubs ? n->capsubs * 2 : 4;
            wr_id *s = wb_realloc(&sys->alloc, n->subs, n->capsubs * sizeof *s, nc * sizeof *s,
                                  WB_TAG_GENERIC);
            if (!s) st = wb_error_set(err, WB_NOMEM, "no memory to subscribe");
            else n->subs = s, n->capsubs = nc;
        }
        if (!dup && st == WB_OK) {
            n->subs[n->nsubs++] = id;
            atomic_fetch_add(&a->nsubs, 1);
        }
    }
    pthread_rwlock_unlock(&b->lock);
    /* Died meanwhile: its exit may have run before we added it. */
    if (st == WB_OK && !wr__live(sys, id)) wr__broker_drop(sys, id);
    return st;
}

wb_status wr_unsubscribe(wr_system *sys, wr_id id, const char *pattern) {
    if (!sys || !wr_topic_valid(pattern, true)) return WB_INVALID_ARG;
    wr__broker *b = sys->broker;
    wb_status st = WB_NOT_FOUND;
    pthread_rwlock_wrlock(&b->lock);
    topic_node *n = b->root;
    for (const char *p = pattern; n;) {
        const char *e = strchr(p, '.');
        n = child(n, p, e ? (size_t)(e - p) : strlen(p));
        if (!e) break;
        p = e + 1;
    }
    if (n && sub_remove(n, id)) {
        st = WB_OK;
        wr__actor *a = wr__slot(sys, id);
        if (a) atomic_fetch_sub(&a->nsubs, 1);
        prune(sys, b->root);
    }
    pthread_rwlock_unlock(&b->lock);
    return st;
}

static void drop_rec(topic_node *n, wr_id id) {
    sub_remove(n, id);
    for (topic_node *c = n->children; c; c = c->next) drop_rec(c, id);
}

void wr__broker_drop(wr_system *sys, wr_id id) {
    wr__broker *b = sys->broker;
    pthread_rwlock_wrlock(&b->lock);
    drop_rec(b->root, id);
    prune(sys, b->root);
    wr__actor *a = wr__slot(sys, id);
    if (a) atomic_store(&a->nsubs, 0);
    pthread_rwlock_unlock(&b->lock);
}

/* ---- publish -------------------------------------------------------------------- */

typedef struct id_set {
    wr_id *v;
    size_t n, cap;
    bool oom;
} id_set;

static void collect(wr_system *sys, id_set *s, const topic_node *n) {
    if (s->n + n->nsubs > s->cap) {
        size_t nc = (s->n + n->nsubs) * 2;
        wr_id *v = wb_realloc(&sys->alloc, s->v, s->cap * sizeof *v, nc * sizeof *v, WB_TAG_GENERIC);
        if (!v) {
            s->oom = true;
            return;
        }
        s->v = v;
        s->cap = nc;
    }
    if (n->nsubs) memcpy(s->v + s->n, n->subs, n->nsubs * sizeof *n->subs); /* subs may be NULL */
    s->n += n->nsubs;
}

static void match(wr_system *sys, id_set *s, const topic_node *n, const char *topic) {
    const topic_node *hash = child((topic_node *)n, "#", 1);
    if (hash) collect(sys, s, hash); /* '#' matches the rest, also nothing */
    if (!topic) {
        collect(sys, s, n);
        return;
    }
    const char *e = strchr(topic, '.');
    size_t len = e ? (size_t)(e - topic) : strlen(topic);
    const topic_node *c = child((topic_node *)n, topic, len);
    if (c) match(sys, s, c, e ? e + 1 : NULL);
    const topic_node *star = child((topic_node *)n, "*", 1);
    if (star) match(sys, s, star, e ? e + 1 : NULL);
}

static int id_cmp(const void *a, const void *b) {
    wr_id x = *(const wr_id *)a, y = *(const wr_id *)b;
    return x < y ? -1 : x > y;
}

wb_status wr_publish(wr_system *sys, wr_id from, const char *topic, uint32_t tag, const void *data,
                     size_t len, size_t *delivered, wb_error *err) {
    if (delivered) *delivered = 0;
    if (!sys || !wr_topic_valid(topic, false) || (len && !data))
        return wb_error_set(err, WB_INVALID_ARG, "bad topic '%s'", topic ? topic : "");
    id_set s = {0};
    wr__broker *b = sys->broker;
    pthread_rwlock_rdlock(&b->lock);
    match(sys, &s, b->root, topic);
    pthread_rwlock_unlock(&b->lock);
    wb_status st = WB_OK;
    if (s.oom) st = wb_error_set(err, WB_NOMEM, "no memory to publish");
    wb_buf *payload = NULL, *meta = NULL;
    if (st == WB_OK && s.n) {
        payload = len > WR_INLINE_MAX ? wb_buf_from(data, len) : NULL;
        meta = wr__text(topic);
        if ((len > WR_INLINE_MAX && !payload) || !meta) st = wb_error_set(err, WB_NOMEM, "no memory to publish");
    }
    if (st == WB_OK && s.n) qsort(s.v, s.n, sizeof *s.v, id_cmp);
    wr__worker *w = wr__current_worker(sys);
    size_t count = 0;
    for (size_t i = 0; st == WB_OK && i < s.n; i++) {
        if (i && s.v[i] == s.v[i - 1]) continue;
        wr_msg *m = wr__msg_new(sys);
        if (!m) {
            st = wb_error_set(err, WB_NOMEM, "no memory to publish");
            break;
        }
        m->kind = WR_MSG_PUBLISH;
        m->from = from;
        m->to = s.v[i];
        m->tag = tag;
        m->meta = wb_buf_ref(meta);
        if (payload) m->payload = wb_buf_ref(payload);
        else wr__msg_fill(sys, m, data, len);
        if (!w) m->flags_ = WR__MF_NOWAIT;
        if (wr__deliver(sys, NULL, m, NULL) == WB_OK) count++;
    }
    wb_buf_unref(payload);
    wb_buf_unref(meta);
    wb_free(&sys->alloc, s.v, s.cap * sizeof *s.v, WB_TAG_GENERIC);
    if (delivered) *delivered = count;
    return st;
}
