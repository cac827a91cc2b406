/* SPDX-License-Identifier: MIT */
/* A JSON parser and printer: builds a document, writes it compactly and
 * pretty-printed to a file in argv[1], reads it back, parses, queries and
 * compares it, and checks that malformed inputs are refused with a position. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    double num;
    char *str;           /* owner: this value (J_STR; key for members) */
    struct jval **items; /* owner: this value (J_ARR and J_OBJ children) */
    char **keys;         /* owner: this value (J_OBJ) */
    size_t n, cap;
} jval;

static jval *jnew(jtype t) {
    jval *v = calloc(1, sizeof *v);
    v->type = t;
    return v;
}

static void jfree(jval *v) {
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) {
        jfree(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

static void jpush(jval *a, char *key, jval *item) {
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 4;
        a->items = realloc(a->items, a->cap * sizeof *a->items);
        if (a->type == J_OBJ) a->keys = realloc(a->keys, a->cap * sizeof *a->keys);
    }
    if (a->type == J_OBJ) a->keys[a->n] = key;
    a->items[a->n++] = item;
}

/* ---- writer ---- */
typedef struct { char *p; size_t len, cap; } sbuf;
static void sb_put(sbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 256;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}
static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void write_string(sbuf *b, const char *s) {
    sb_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': sb_str(b, "\\\""); break;
        case '\\': sb_str(b, "\\\\"); break;
        case '\n': sb_str(b, "\\n"); break;
        case '\t': sb_str(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                sb_str(b, esc);
            } else {
                sb_put(b, (const char *)p, 1);
            }
        }
    }
    sb_put(b, "\"", 1);
}

static void indent(sbuf *b, int depth) {
    sb_put(b, "\n", 1);
    for (int i = 0; i < depth; i++) sb_put(b, "  ", 2);
}

static void jwrite(sbuf *b, const jval *v, int pretty, int depth) {
    char num[40];
    switch (v->type) {
    case J_NULL: sb_str(b, "null"); break;
    case J_FALSE: sb_str(b, "false"); break;
    case J_TRUE: sb_str(b, "true"); break;
    case J_NUM:
        if (v->num == floor(v->num) && fabs(v->num) < 1e15) snprintf(num, sizeof num, "%.0f", v->num);
        else snprintf(num, sizeof num, "%.17g", v->num);
        sb_str(b, num);
        break;
    case J_STR: write_string(b, v->str); break;
    case J_ARR:
    case J_OBJ:
        sb_put(b, v->type == J_ARR ? "[" : "{", 1);
        for (size_t i = 0; i < v->n; i++) {
            if (i) sb_put(b, ",", 1);
            if (pretty) indent(b, depth + 1);
            if (v->type == J_OBJ) {
                write_string(b, v->keys[i]);
                sb_str(b, pretty ? ": " : ":");
            }
            jwrite(b, v->items[i], pretty, depth + 1);
        }
        if (pretty && v->n) indent(b, depth);
        sb_put(b, v->type == J_ARR ? "]" : "}", 1);
        break;
    }
}

/* ---- parser ---- */
typedef struct { const char *s; size_t pos; const char *err; int depth; } parser;

static void skip_ws(parser *p) {
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\n' || p->s[p->pos] == '\t' || p->s[p->pos] == '\r') p->pos++;
}

static void utf8_put(sbuf *b, uint32_t cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xc0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
    else if (cp < 0x10000) { u[0] = (char)(0xe0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)); u[2] = (char)(0x80 | (cp & 0x3f)); n = 3; }
    else { u[0] = (char)(0xf0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)); u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); u[3] = (char)(0x80 | (cp & 0x3f)); n = 4; }
    sb_put(b, u, n);
}

static int hex4(parser *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

static char *parse_string(parser *p) {
    sbuf b = {0};
    sb_put(&b, "", 0);
    p->pos++; /* opening quote */
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c == '"') return b.p;
        if (c == 0 || c < 0x20) { p->err = "bad character in string"; break; }
        if (c != '\\') { sb_put(&b, (const char *)&c, 1); continue; }
        char e = p->s[p->pos++];
        uint32_t cp;
        switch (e) {
        case '"': sb_str(&b, "\""); break;
        case '\\': sb_str(&b, "\\"); break;
        case '/': sb_str(&b, "/"); break;
        case 'n': sb_str(&b, "\n"); break;
        case 't': sb_str(&b, "\t"); break;
        case 'r': sb_str(&b, "\r"); break;
        case 'b': sb_str(&b, "\b"); break;
        case 'f': sb_str(&b, "\f"); break;
        case 'u':
            if (!hex4(p, &cp)) { p->err = "bad \\u escape"; goto fail; }
            if (cp >= 0xd800 && cp < 0xdc00) {
                uint32_t lo;
                if (p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') { p->err = "lone surrogate"; goto fail; }
                p->pos += 2;
                if (!hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff) { p->err = "bad surrogate pair"; goto fail; }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            utf8_put(&b, cp);
            break;
        default: p->err = "bad escape"; goto fail;
        }
    }
fail:
    free(b.p);
    return NULL;
}

static jval *parse_value(parser *p);

static jval *parse_container(parser *p, int obj) {
    jval *v = jnew(obj ? J_OBJ : J_ARR);
    p->pos++;
    skip_ws(p);
    if (p->s[p->pos] == (obj ? '}' : ']')) { p->pos++; return v; }
    for (;;) {
        char *key = NULL;
        if (obj) {
            skip_ws(p);
            if (p->s[p->pos] != '"') { p->err = "expected a key"; break; }
            if (!(key = parse_string(p))) break;
            skip_ws(p);
            if (p->s[p->pos] != ':') { p->err = "expected ':'"; free(key); break; }
            p->pos++;
        }
        jval *item = parse_value(p);
        if (!item) { free(key); break; }
        jpush(v, key, item);
        skip_ws(p);
        char c = p->s[p->pos++];
        if (c == (obj ? '}' : ']')) return v;
        if (c != ',') { p->err = obj ? "expected ',' or '}'" : "expected ',' or ']'"; p->pos--; break; }
    }
    jfree(v);
    return NULL;
}

static jval *parse_number(parser *p) {
    const char *start = p->s + p->pos;
    const char *q = start;
    if (*q == '-') q++;
    if (*q == '0') q++;
    else if (*q >= '1' && *q <= '9') while (*q >= '0' && *q <= '9') q++;
    else { p->err = "bad number"; return NULL; }
    if (*q == '.') {
        q++;
        if (!(*q >= '0' && *q <= '9')) { p->err = "bad fraction"; return NULL; }
        while (*q >= '0' && *q <= '9') q++;
    }
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!(*q >= '0' && *q <= '9')) { p->err = "bad exponent"; return NULL; }
        while (*q >= '0' && *q <= '9') q++;
    }
    jval *v = jnew(J_NUM);
    v->num = strtod(start, NULL);
    p->pos += (size_t)(q - start);
    return v;
}

static jval *parse_value(parser *p) {
    if (++p->depth > 200) { p->err = "nested too deeply"; return NULL; }
    skip_ws(p);
    jval *v = NULL;
    const char *s = p->s + p->pos;
    if (*s == '{' || *s == '[') v = parse_container(p, *s == '{');
    else if (*s == '"') {
        char *str = parse_string(p);
        if (str) { v = jnew(J_STR); v->str = str; }
    } else if (strncmp(s, "null", 4) == 0) { v = jnew(J_NULL); p->pos += 4; }
    else if (strncmp(s, "true", 4) == 0) { v = jnew(J_TRUE); p->pos += 4; }
    else if (strncmp(s, "false", 5) == 0) { v = jnew(J_FALSE); p->pos += 5; }
    else if (*s == '-' || (*s >= '0' && *s <= '9')) v = parse_number(p);
    else p->err = "unexpected character";
    p->depth--;
    return v;
}

static jval *jparse(const char *s, const char **err, size_t *errpos) {
    parser p = {s, 0, NULL, 0};
    jval *v = parse_value(&p);
    if (v) {
        skip_ws(&p);
        if (p.s[p.pos]) { p.err = "trailing text"; jfree(v); v = NULL; }
    }
    *err = p.err;
    *errpos = p.pos;
    return v;
}

static int jequal(const jval *a, const jval *b) {
    if (a->type != b->type || a->n != b->n) return 0;
    if (a->type == J_NUM) return a->num == b->num;
    if (a->type == J_STR) return strcmp(a->str, b->str) == 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->keys && strcmp(a->keys[i], b->keys[i]) != 0) return 0;
        if (!jequal(a->items[i], b->items[i])) return 0;
    }
    return 1;
}

static const jval *jget(const jval *o, const char *key) {
    for (size_t i = 0; o->type == J_OBJ && i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) return o->items[i];
    return NULL;
}

/* ---- the document ---- */
static uint32_t rng = 7;
static uint32_t next(void) { rng = rng * 1664525u + 1013904223u; return rng >> 8; }

static jval *make_doc(void) {
    jval *root = jnew(J_OBJ);
    jval *name = jnew(J_STR);
    name->str = strdup("wactor \"test\"\tdoc \xc3\xa9\xe2\x82\xac");
    jpush(root, strdup("name"), name);
    jval *users = jnew(J_ARR);
    for (int i = 0; i < 300; i++) {
        jval *u = jnew(J_OBJ);
        jval *id = jnew(J_NUM);
        id->num = i * 7 + 1;
        jpush(u, strdup("id"), id);
        jval *score = jnew(J_NUM);
        score->num = (double)next() / 1024.0 - 4000.0;
        jpush(u, strdup("score"), score);
        jval *tags = jnew(J_ARR);
        for (uint32_t k = 0; k < next() % 5; k++) {
            jval *t = jnew(J_STR);
            char buf[32];
            snprintf(buf, sizeof buf, "tag%u", next() % 50);
            t->str = strdup(buf);
            jpush(tags, NULL, t);
        }
        jpush(u, strdup("tags"), tags);
        jpush(u, strdup("active"), jnew(i % 3 ? J_TRUE : J_FALSE));
        jpush(u, strdup("manager"), i % 10 ? jnew(J_NULL) : jnew(J_OBJ));
        jpush(users, NULL, u);
    }
    jpush(root, strdup("users"), users);
    jval *nums = jnew(J_ARR);
    const double special[] = {0.1, 1e300, -2.5e-300, 123456789012345678.0, 1.0 / 3.0, -0.0};
    for (int i = 0; i < 6; i++) {
        jval *n = jnew(J_NUM);
        n->num = special[i];
        jpush(nums, NULL, n);
    }
    jpush(root, strdup("numbers"), nums);
    return root;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static void malformed(void) {
    const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "[01]", "\"\\x\"", "[1e]", "tru",
                         "{\"a\":1,}", "\"\\ud800\"", "[\"a\nb\"]", "1 2", "-", "[.5]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *err;
        size_t pos;
        jval *v = jparse(bad[i], &err, &pos);
        printf("bad %zu: %s at %zu\n", i, v ? "ACCEPTED" : err, pos);
        jfree(v);
    }
    char deep[1000];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = 0;
    const char *err;
    size_t pos;
    jval *v = jparse(deep, &err, &pos);
    printf("deep: %s at %zu\n", v ? "ACCEPTED" : err, pos);
    jfree(v);
    v = jparse(" {\"k\": [1, 2.5e3, \"\\u00e9\\ud83d\\ude00\", {\"z\": null}]} ", &err, &pos);
    sbuf b = {0};
    jwrite(&b, v, 0, 0);
    printf("good: %s\n", b.p);
    free(b.p);
    jfree(v);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    jval *doc = make_doc();
    sbuf compact = {0}, pretty = {0};
    jwrite(&compact, doc, 0, 0);
    jwrite(&pretty, doc, 1, 0);
    char path[512];
    snprintf(path, sizeof path, "%s/doc.json", argv[1]);
    FILE *f = fopen(path, "w");
    if (!f) return 3;
    fputs(pretty.p, f);
    fclose(f);
    char *text = read_file(path);
    const char *err;
    size_t pos;
    jval *back = jparse(text, &err, &pos);
    if (!back) {
        printf("parse failed: %s at %zu\n", err, pos);
        return 1;
    }
    sbuf again = {0};
    jwrite(&again, back, 0, 0);
    printf("compact %zu bytes, pretty %zu bytes, equal after round trip: %d, same text: %d\n",
           compact.len, pretty.len, jequal(doc, back), strcmp(compact.p, again.p) == 0);
    const jval *users = jget(back, "users");
    double total = 0;
    int active = 0, tagged = 0;
    for (size_t i = 0; users && i < users->n; i++) {
        total += jget(users->items[i], "score")->num;
        active += jget(users->items[i], "active")->type == J_TRUE;
        tagged += jget(users->items[i], "tags")->n > 0;
    }
    printf("users %zu, active %d, tagged %d, score sum %.6f\n", users ? users->n : 0, active, tagged, total);
    printf("name: %s\n", jget(back, "name")->str);
    printf("head: %.200s\n", compact.p);
    printf("numbers: %s\n", strstr(compact.p, "\"numbers\""));
    malformed();
    free(text);
    free(compact.p);
    free(pretty.p);
    free(again.p);
    jfree(doc);
    jfree(back);
    return 0;
}
