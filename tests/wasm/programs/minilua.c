/* SPDX-License-Identifier: MIT */
/* A small Lua-like language: lexer, recursive-descent parser to a syntax
 * tree, and a tree-walking evaluator with closures, tables (hashed), strings
 * and runtime errors reported by line (no setjmp: errors are a flag that
 * every evaluation step checks). Runs a few scripts and prints their output.
 * The evaluator recurses on the C stack, which wasm32-wasi programs keep in
 * linear memory (64 KiB by default, overflowing silently into the data
 * below it), so the wasm build asks for 1 MiB as a native stack would give. */
// wasm-flags: -Wl,-z,stack-size=1048576
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values and objects ---- */
enum { T_NIL, T_BOOL, T_NUM, T_STR, T_TAB, T_FUN, T_BUILTIN };
typedef struct obj obj;
typedef struct { int t; union { double n; int b; obj *o; int (*fn)(int, void *); } u; } val;
typedef struct { val k, v; } slot;
struct node;
struct obj {
    obj *all;            /* owner: the global object list (freed at exit) */
    int kind;
    size_t len;          /* string length; table capacity */
    char *s;             /* owner: this object (T_STR) */
    slot *slots;         /* owner: this object (T_TAB) */
    size_t count;        /* live keys (T_TAB) */
    struct node *def;    /* T_FUN: the function's syntax (owned by the tree list) */
    struct env *env;     /* T_FUN: captured scope (owned by the env list) */
};
typedef struct env {
    struct env *parent, *all; /* all: owner, the global env list */
    const char **names;       /* owner: this env (the strings are the tree's) */
    val *vals;                /* owner: this env */
    int n, cap;
} env;

static obj *objects;
static env *envs;
static char errmsg[256];
static int failed;
static int cur_line;

static void error(const char *fmt, ...) {
    if (failed) return;
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(errmsg, sizeof errmsg, "line %d: ", cur_line);
    vsnprintf(errmsg + n, sizeof errmsg - (size_t)n, fmt, ap);
    va_end(ap);
    failed = 1;
}

static obj *new_obj(int kind) {
    obj *o = calloc(1, sizeof *o);
    o->kind = kind;
    o->all = objects;
    objects = o;
    return o;
}
static val nil(void) { val v = {T_NIL, {0}}; return v; }
static val num(double n) { val v = {T_NUM, {.n = n}}; return v; }
static val boolean(int b) { val v = {T_BOOL, {.b = b != 0}}; return v; }
static val str(const char *s, size_t len) {
    obj *o = new_obj(T_STR);
    o->s = malloc(len + 1);
    memcpy(o->s, s, len);
    o->s[len] = 0;
    o->len = len;
    val v = {T_STR, {.o = o}};
    return v;
}
static int truthy(val v) { return !(v.t == T_NIL || (v.t == T_BOOL && !v.u.b)); }
static int equal(val a, val b) {
    if (a.t != b.t) return 0;
    switch (a.t) {
    case T_NIL: return 1;
    case T_BOOL: return a.u.b == b.u.b;
    case T_NUM: return a.u.n == b.u.n;
    case T_STR: return a.u.o->len == b.u.o->len && memcmp(a.u.o->s, b.u.o->s, a.u.o->len) == 0;
    case T_BUILTIN: return a.u.fn == b.u.fn;
    default: return a.u.o == b.u.o;
    }
}
static uint32_t hash(val v) {
    uint32_t h = 2166136261u;
    if (v.t == T_STR) {
        for (size_t i = 0; i < v.u.o->len; i++) h = (h ^ (uint8_t)v.u.o->s[i]) * 16777619u;
    } else if (v.t == T_NUM) {
        double d = v.u.n == 0 ? 0 : v.u.n; /* -0 and 0 are one key */
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        h = (uint32_t)(bits ^ bits >> 29) * 2654435761u;
    } else {
        h = (uint32_t)(uintptr_t)v.u.o * 2654435761u;
    }
    return h;
}

/* ---- tables: open addressing, tombstones are nil values with a key ---- */
static slot *tab_find(obj *t, val k) {
    if (!t->len) return NULL;
    for (size_t i = hash(k) & (t->len - 1);; i = (i + 1) & (t->len - 1)) {
        slot *s = &t->slots[i];
        if (s->k.t == T_NIL) return NULL;
        if (equal(s->k, k)) return s;
    }
}
static val tab_get(obj *t, val k) {
    slot *s = tab_find(t, k);
    return s ? s->v : nil();
}
static void tab_set(obj *t, val k, val v) {
    if (k.t == T_NIL || (k.t == T_NUM && isnan(k.u.n))) { error("bad table key"); return; }
    slot *s = tab_find(t, k);
    if (s) { s->v = v; return; }
    if (v.t == T_NIL) return;
    if ((t->count + 1) * 4 > t->len * 3) {
        size_t old = t->len;
        slot *olds = t->slots;
        t->len = old ? old * 2 : 8;
        t->slots = calloc(t->len, sizeof *t->slots);
        t->count = 0;
        for (size_t i = 0; i < old; i++)
            if (olds[i].k.t != T_NIL && olds[i].v.t != T_NIL) tab_set(t, olds[i].k, olds[i].v);
        free(olds);
    }
    for (size_t i = hash(k) & (t->len - 1);; i = (i + 1) & (t->len - 1)) {
        if (t->slots[i].k.t == T_NIL) { t->slots[i].k = k; t->slots[i].v = v; t->count++; return; }
    }
}
static double tab_len(obj *t) {
    double n = 0;
    while (tab_get(t, num(n + 1)).t != T_NIL) n++;
    return n;
}

static void tostr(val v, char *buf, size_t cap) {
    switch (v.t) {
    case T_NIL: snprintf(buf, cap, "nil"); break;
    case T_BOOL: snprintf(buf, cap, v.u.b ? "true" : "false"); break;
    case T_NUM: snprintf(buf, cap, "%.14g", v.u.n); break;
    case T_STR: snprintf(buf, cap, "%s", v.u.o->s); break;
    case T_TAB: snprintf(buf, cap, "table"); break;
    default: snprintf(buf, cap, "function"); break;
    }
}

/* ---- environments ---- */
static env *env_new(env *parent) {
    env *e = calloc(1, sizeof *e);
    e->parent = parent;
    e->all = envs;
    envs = e;
    return e;
}
static void env_define(env *e, const char *name, val v) {
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->names = realloc(e->names, (size_t)e->cap * sizeof *e->names);
        e->vals = realloc(e->vals, (size_t)e->cap * sizeof *e->vals);
    }
    e->names[e->n] = name;
    e->vals[e->n++] = v;
}
static val *env_lookup(env *e, const char *name) {
    for (; e; e = e->parent)
        for (int i = e->n - 1; i >= 0; i--)
            if (strcmp(e->names[i], name) == 0) return &e->vals[i];
    return NULL;
}

/* ---- lexer ---- */
enum { K_EOF = 256, K_NAME, K_NUM, K_STR, K_EQ, K_NE, K_LE, K_GE, K_CONCAT,
       K_AND, K_BREAK, K_DO, K_ELSE, K_ELSEIF, K_END, K_FALSE, K_FOR, K_FUNCTION, K_IF, K_LOCAL,
       K_NIL, K_NOT, K_OR, K_RETURN, K_THEN, K_TRUE, K_WHILE };
static const char *const keywords[] = {"and", "break", "do", "else", "elseif", "end", "false", "for",
                                       "function", "if", "local", "nil", "not", "or", "return",
                                       "then", "true", "while"};
typedef struct { const char *p; int tok, line; char *text; double num; } lexer;

static void lex_next(lexer *L) {
    free(L->text);
    L->text = NULL;
    for (;;) {
        while (*L->p == ' ' || *L->p == '\t' || *L->p == '\r' || *L->p == '\n')
            if (*L->p++ == '\n') L->line++;
        if (L->p[0] == '-' && L->p[1] == '-') { while (*L->p && *L->p != '\n') L->p++; continue; }
        break;
    }
    const char *s = L->p;
    if (!*s) { L->tok = K_EOF; return; }
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') {
        while ((*L->p >= 'a' && *L->p <= 'z') || (*L->p >= 'A' && *L->p <= 'Z') || *L->p == '_' ||
               (*L->p >= '0' && *L->p <= '9')) L->p++;
        size_t n = (size_t)(L->p - s);
        for (int i = 0; i < 18; i++)
            if (strlen(keywords[i]) == n && strncmp(keywords[i], s, n) == 0) { L->tok = K_AND + i; return; }
        L->text = strndup(s, n);
        L->tok = K_NAME;
        return;
    }
    if (*s >= '0' && *s <= '9') {
        char *end;
        L->num = strtod(s, &end);
        L->p = end;
        L->tok = K_NUM;
        return;
    }
    if (*s == '"' || *s == '\'') {
        char q = *L->p++;
        char *buf = malloc(strlen(s) + 1);
        size_t n = 0;
        while (*L->p && *L->p != q) {
            char c = *L->p++;
            if (c == '\\') { c = *L->p++; c = c == 'n' ? '\n' : c == 't' ? '\t' : c; }
            buf[n++] = c;
        }
        if (*L->p) L->p++;
        buf[n] = 0;
        L->text = buf;
        L->tok = K_STR;
        return;
    }
    static const char *const two[] = {"==", "~=", "<=", ">=", ".."};
    for (int i = 0; i < 5; i++)
        if (strncmp(s, two[i], 2) == 0) { L->p += 2; L->tok = K_EQ + i; return; }
    L->tok = *L->p++;
}

/* ---- syntax tree ---- */
enum { N_NUM, N_STR, N_NIL, N_TRUE, N_FALSE, N_NAME, N_INDEX, N_CALL, N_FUNC, N_BIN, N_UN,
       N_TABLE, N_AND, N_OR, N_BLOCK, N_LOCAL, N_ASSIGN, N_IF, N_WHILE, N_FOR, N_RET, N_BREAK, N_EXPR };
typedef struct node {
    int kind, op, line, n;
    double num;
    char *text;            /* owner: this node */
    struct node *a, *b, *c, *d;
    struct node **list;    /* owner: this node (the array; nodes are on the tree list) */
    struct node *all;      /* owner: the global tree list */
} node;
static node *trees;
typedef struct { lexer L; int err; } parser;

static node *mk(parser *P, int kind) {
    node *n = calloc(1, sizeof *n);
    n->kind = kind;
    n->line = P->L.line;
    n->all = trees;
    trees = n;
    return n;
}
static void push(node *n, node *item) {
    n->list = realloc(n->list, (size_t)(n->n + 1) * sizeof *n->list);
    n->list[n->n++] = item;
}
static void expect(parser *P, int tok, const char *what) {
    if (P->L.tok != tok) {
        if (!P->err) printf("syntax error line %d: expected %s\n", P->L.line, what);
        P->err = 1;
        return;
    }
    lex_next(&P->L);
}
static char *take_name(parser *P) {
    char *s = P->L.tok == K_NAME ? P->L.text : NULL;
    if (!s) { expect(P, K_NAME, "a name"); return strdup("?"); }
    P->L.text = NULL;
    lex_next(&P->L);
    return s;
}

static node *expr(parser *P, int prec);
static node *block(parser *P);

static node *funcbody(parser *P) {
    node *f = mk(P, N_FUNC);
    expect(P, '(', "'('");
    while (P->L.tok == K_NAME && !P->err) {
        node *param = mk(P, N_NAME);
        param->text = take_name(P);
        push(f, param);
        if (P->L.tok != ',') break;
        lex_next(&P->L);
    }
    expect(P, ')', "')'");
    f->a = block(P);
    expect(P, K_END, "'end'");
    return f;
}

static node *primary(parser *P) {
    node *e;
    if (P->L.tok == K_NAME) { e = mk(P, N_NAME); e->text = take_name(P); }
    else if (P->L.tok == '(') { lex_next(&P->L); e = expr(P, 0); expect(P, ')', "')'"); }
    else { if (!P->err) printf("syntax error line %d: unexpected token\n", P->L.line); P->err = 1; return mk(P, N_NIL); }
    while (!P->err) {
        if (P->L.tok == '.' || P->L.tok == '[') {
            node *ix = mk(P, N_INDEX);
            ix->a = e;
            if (P->L.tok == '.') {
                lex_next(&P->L);
                ix->b = mk(P, N_STR);
                ix->b->text = take_name(P);
            } else {
                lex_next(&P->L);
                ix->b = expr(P, 0);
                expect(P, ']', "']'");
            }
            e = ix;
        } else if (P->L.tok == '(') {
            node *call = mk(P, N_CALL);
            call->a = e;
            lex_next(&P->L);
            while (P->L.tok != ')' && !P->err) {
                push(call, expr(P, 0));
                if (P->L.tok != ',') break;
                lex_next(&P->L);
            }
            expect(P, ')', "')'");
            e = call;
        } else {
            return e;
        }
    }
    return e;
}

static node *simple(parser *P) {
    node *e;
    switch (P->L.tok) {
    case K_NUM: e = mk(P, N_NUM); e->num = P->L.num; lex_next(&P->L); return e;
    case K_STR: e = mk(P, N_STR); e->text = P->L.text; P->L.text = NULL; lex_next(&P->L); return e;
    case K_NIL: lex_next(&P->L); return mk(P, N_NIL);
    case K_TRUE: lex_next(&P->L); return mk(P, N_TRUE);
    case K_FALSE: lex_next(&P->L); return mk(P, N_FALSE);
    case K_FUNCTION: lex_next(&P->L); return funcbody(P);
    case '{':
        e = mk(P, N_TABLE);
        lex_next(&P->L);
        while (P->L.tok != '}' && !P->err) {
            node *field = mk(P, N_ASSIGN);
            if (P->L.tok == '[') {
                lex_next(&P->L);
                field->a = expr(P, 0);
                expect(P, ']', "']'");
                expect(P, '=', "'='");
            } else if (P->L.tok == K_NAME && P->L.p[strspn(P->L.p, " ")] == '=' &&
                       P->L.p[strspn(P->L.p, " ") + 1] != '=') {
                field->a = mk(P, N_STR);
                field->a->text = take_name(P);
                expect(P, '=', "'='");
            }
            field->b = expr(P, 0);
            push(e, field);
            if (P->L.tok != ',' && P->L.tok != ';') break;
            lex_next(&P->L);
        }
        expect(P, '}', "'}'");
        return e;
    default: return primary(P);
    }
}

static int binprec(int tok) {
    switch (tok) {
    case K_OR: return 1;
    case K_AND: return 2;
    case '<': case '>': case K_LE: case K_GE: case K_EQ: case K_NE: return 3;
    case K_CONCAT: return 4;
    case '+': case '-': return 5;
    case '*': case '/': case '%': return 6;
    case '^': return 8;
    default: return 0;
    }
}

static node *expr(parser *P, int prec) {
    node *e;
    if (P->L.tok == K_NOT || P->L.tok == '-' || P->L.tok == '#') {
        e = mk(P, N_UN);
        e->op = P->L.tok;
        lex_next(&P->L);
        e->a = expr(P, 7);
    } else {
        e = simple(P);
    }
    for (int p; (p = binprec(P->L.tok)) > prec && !P->err;) {
        int op = P->L.tok;
        lex_next(&P->L);
        node *b = mk(P, op == K_AND ? N_AND : op == K_OR ? N_OR : N_BIN);
        b->op = op;
        b->a = e;
        /* .. and ^ are right associative */
        b->b = expr(P, op == K_CONCAT || op == '^' ? p - 1 : p);
        e = b;
    }
    return e;
}

static node *statement(parser *P) {
    node *s;
    switch (P->L.tok) {
    case K_LOCAL:
        lex_next(&P->L);
        s = mk(P, N_LOCAL);
        if (P->L.tok == K_FUNCTION) {
            lex_next(&P->L);
            s->text = take_name(P);
            s->op = 1; /* local function: the name is in scope in its body */
            s->a = funcbody(P);
            return s;
        }
        s->text = take_name(P);
        if (P->L.tok == '=') { lex_next(&P->L); s->a = expr(P, 0); }
        return s;
    case K_FUNCTION: {
        lex_next(&P->L);
        s = mk(P, N_ASSIGN);
        s->a = mk(P, N_NAME);
        s->a->text = take_name(P);
        while (P->L.tok == '.') {
            lex_next(&P->L);
            node *ix = mk(P, N_INDEX);
            ix->a = s->a;
            ix->b = mk(P, N_STR);
            ix->b->text = take_name(P);
            s->a = ix;
        }
        s->b = funcbody(P);
        return s;
    }
    case K_IF:
        lex_next(&P->L);
        s = mk(P, N_IF);
        s->a = expr(P, 0);
        expect(P, K_THEN, "'then'");
        s->b = block(P);
        if (P->L.tok == K_ELSEIF) {
            P->L.tok = K_IF; /* elseif is an if in the else branch, sharing the end */
            s->c = mk(P, N_BLOCK);
            push(s->c, statement(P));
            return s;
        }
        if (P->L.tok == K_ELSE) { lex_next(&P->L); s->c = block(P); }
        expect(P, K_END, "'end'");
        return s;
    case K_WHILE:
        lex_next(&P->L);
        s = mk(P, N_WHILE);
        s->a = expr(P, 0);
        expect(P, K_DO, "'do'");
        s->b = block(P);
        expect(P, K_END, "'end'");
        return s;
    case K_FOR:
        lex_next(&P->L);
        s = mk(P, N_FOR);
        s->text = take_name(P);
        expect(P, '=', "'='");
        s->a = expr(P, 0);
        expect(P, ',', "','");
        s->b = expr(P, 0);
        if (P->L.tok == ',') { lex_next(&P->L); s->c = expr(P, 0); }
        expect(P, K_DO, "'do'");
        s->d = block(P);
        expect(P, K_END, "'end'");
        return s;
    case K_RETURN:
        lex_next(&P->L);
        s = mk(P, N_RET);
        if (P->L.tok != K_END && P->L.tok != K_EOF && P->L.tok != K_ELSE && P->L.tok != K_ELSEIF)
            s->a = expr(P, 0);
        return s;
    case K_BREAK: lex_next(&P->L); return mk(P, N_BREAK);
    case K_DO: lex_next(&P->L); s = block(P); expect(P, K_END, "'end'"); return s;
    default: {
        node *target = primary(P);
        if (P->L.tok == '=') {
            lex_next(&P->L);
            s = mk(P, N_ASSIGN);
            s->a = target;
            s->b = expr(P, 0);
            return s;
        }
        s = mk(P, N_EXPR);
        s->a = target;
        return s;
    }
    }
}

static node *block(parser *P) {
    node *b = mk(P, N_BLOCK);
    while (!P->err && P->L.tok != K_EOF && P->L.tok != K_END && P->L.tok != K_ELSE &&
           P->L.tok != K_ELSEIF) {
        push(b, statement(P));
        if (P->L.tok == ';') lex_next(&P->L);
    }
    return b;
}

/* ---- evaluator ---- */
enum { X_NORMAL, X_RETURN, X_BREAK };
static val ret_val;
static int call_depth;
static val eval(node *n, env *e);
static int exec(node *n, env *e);

static val call(val f, val *args, int nargs) {
    if (f.t == T_BUILTIN) {
        static val bargs[16];
        memcpy(bargs, args, (size_t)nargs * sizeof *args);
        f.u.fn(nargs, bargs);
        return bargs[0];
    }
    if (f.t != T_FUN) { error("attempt to call a %s value", f.t == T_NIL ? "nil" : "non-function"); return nil(); }
    if (++call_depth > 150) { error("stack overflow"); call_depth--; return nil(); }
    node *def = f.u.o->def;
    env *local = env_new(f.u.o->env);
    for (int i = 0; i < def->n; i++) env_define(local, def->list[i]->text, i < nargs ? args[i] : nil());
    int st = exec(def->a, local);
    call_depth--;
    val r = st == X_RETURN ? ret_val : nil();
    ret_val = nil();
    return r;
}

static val arith(int op, val a, val b) {
    if (a.t != T_NUM || b.t != T_NUM) { error("attempt to do arithmetic on a non-number"); return nil(); }
    double x = a.u.n, y = b.u.n;
    switch (op) {
    case '+': return num(x + y);
    case '-': return num(x - y);
    case '*': return num(x * y);
    case '/': return num(x / y);
    case '%': return num(y == 0 ? NAN : x - floor(x / y) * y);
    case '^': return num(pow(x, y));
    }
    return nil();
}

static val binary(int op, val a, val b) {
    char x[64], y[64];
    switch (op) {
    case K_EQ: return boolean(equal(a, b));
    case K_NE: return boolean(!equal(a, b));
    case K_CONCAT: {
        if ((a.t != T_STR && a.t != T_NUM) || (b.t != T_STR && b.t != T_NUM)) { error("attempt to concatenate"); return nil(); }
        const char *s1 = a.t == T_STR ? a.u.o->s : (tostr(a, x, sizeof x), x);
        const char *s2 = b.t == T_STR ? b.u.o->s : (tostr(b, y, sizeof y), y);
        size_t l1 = strlen(s1), l2 = strlen(s2);
        char *buf = malloc(l1 + l2 + 1);
        memcpy(buf, s1, l1);
        memcpy(buf + l1, s2, l2 + 1);
        val r = str(buf, l1 + l2);
        free(buf);
        return r;
    }
    case '<': case '>': case K_LE: case K_GE: {
        int c;
        if (a.t == T_NUM && b.t == T_NUM) c = a.u.n < b.u.n ? -1 : a.u.n > b.u.n ? 1 : 0;
        else if (a.t == T_STR && b.t == T_STR) c = strcmp(a.u.o->s, b.u.o->s);
        else { error("attempt to compare"); return nil(); }
        return boolean(op == '<' ? c < 0 : op == '>' ? c > 0 : op == K_LE ? c <= 0 : c >= 0);
    }
    default: return arith(op, a, b);
    }
}

static val eval(node *n, env *e) {
    if (failed) return nil();
    cur_line = n->line;
    val a, b;
    switch (n->kind) {
    case N_NUM: return num(n->num);
    case N_STR: return str(n->text, strlen(n->text));
    case N_NIL: return nil();
    case N_TRUE: return boolean(1);
    case N_FALSE: return boolean(0);
    case N_NAME: {
        val *v = env_lookup(e, n->text);
        return v ? *v : nil();
    }
    case N_INDEX:
        a = eval(n->a, e);
        b = eval(n->b, e);
        if (failed) return nil();
        if (a.t == T_STR && b.t == T_NUM) { /* s[i]: the i-th character, as a convenience */
            double i = b.u.n;
            return i >= 1 && i <= (double)a.u.o->len ? str(a.u.o->s + (size_t)i - 1, 1) : nil();
        }
        if (a.t != T_TAB) { error("attempt to index a non-table"); return nil(); }
        return tab_get(a.u.o, b);
    case N_CALL: {
        val f = eval(n->a, e);
        val args[16];
        int na = n->n < 16 ? n->n : 16;
        for (int i = 0; i < na; i++) args[i] = eval(n->list[i], e);
        if (failed) return nil();
        cur_line = n->line;
        return call(f, args, na);
    }
    case N_FUNC: {
        obj *f = new_obj(T_FUN);
        f->def = n;
        f->env = e;
        val v = {T_FUN, {.o = f}};
        return v;
    }
    case N_AND: a = eval(n->a, e); return truthy(a) ? eval(n->b, e) : a;
    case N_OR: a = eval(n->a, e); return truthy(a) ? a : eval(n->b, e);
    case N_UN:
        a = eval(n->a, e);
        if (failed) return nil();
        if (n->op == K_NOT) return boolean(!truthy(a));
        if (n->op == '#') {
            if (a.t == T_STR) return num((double)a.u.o->len);
            if (a.t == T_TAB) return num(tab_len(a.u.o));
            error("attempt to get length");
            return nil();
        }
        return arith('-', num(0), a);
    case N_BIN:
        a = eval(n->a, e);
        b = eval(n->b, e);
        return failed ? nil() : binary(n->op, a, b);
    case N_TABLE: {
        obj *t = new_obj(T_TAB);
        double idx = 1;
        for (int i = 0; i < n->n && !failed; i++) {
            node *f = n->list[i];
            val k = f->a ? eval(f->a, e) : num(idx++);
            tab_set(t, k, eval(f->b, e));
        }
        val v = {T_TAB, {.o = t}};
        return v;
    }
    }
    error("bad expression");
    return nil();
}

static void assign(node *target, val v, env *e) {
    if (target->kind == N_NAME) {
        val *slotp = env_lookup(e, target->text);
        if (slotp) *slotp = v;
        else {
            env *g = e;
            while (g->parent) g = g->parent;
            env_define(g, target->text, v);
        }
    } else if (target->kind == N_INDEX) {
        val t = eval(target->a, e), k = eval(target->b, e);
        if (failed) return;
        if (t.t != T_TAB) { error("attempt to index a non-table"); return; }
        tab_set(t.u.o, k, v);
    } else {
        error("cannot assign");
    }
}

static int exec(node *n, env *e) {
    if (failed) return X_RETURN;
    cur_line = n->line;
    switch (n->kind) {
    case N_BLOCK: {
        env *inner = env_new(e);
        for (int i = 0; i < n->n; i++) {
            int st = exec(n->list[i], inner);
            if (st != X_NORMAL) return st;
        }
        return X_NORMAL;
    }
    case N_LOCAL:
        if (n->op) {
            env_define(e, n->text, nil());
            *env_lookup(e, n->text) = eval(n->a, e);
        } else {
            env_define(e, n->text, n->a ? eval(n->a, e) : nil());
        }
        return X_NORMAL;
    case N_ASSIGN: assign(n->a, eval(n->b, e), e); return X_NORMAL;
    case N_EXPR: eval(n->a, e); return X_NORMAL;
    case N_IF:
        if (truthy(eval(n->a, e))) return exec(n->b, e);
        return n->c ? exec(n->c, e) : X_NORMAL;
    case N_WHILE:
        while (!failed && truthy(eval(n->a, e))) {
            int st = exec(n->b, e);
            if (st == X_BREAK) break;
            if (st == X_RETURN) return st;
        }
        return X_NORMAL;
    case N_FOR: {
        val from = eval(n->a, e), to = eval(n->b, e), step = n->c ? eval(n->c, e) : num(1);
        if (failed) return X_RETURN;
        if (from.t != T_NUM || to.t != T_NUM || step.t != T_NUM || step.u.n == 0) { error("bad 'for' limits"); return X_RETURN; }
        for (double i = from.u.n; step.u.n > 0 ? i <= to.u.n : i >= to.u.n; i += step.u.n) {
            env *loop = env_new(e);
            env_define(loop, n->text, num(i));
            int st = exec(n->d, loop);
            if (st == X_BREAK) break;
            if (st == X_RETURN) return st;
        }
        return X_NORMAL;
    }
    case N_RET: ret_val = n->a ? eval(n->a, e) : nil(); return X_RETURN;
    case N_BREAK: return X_BREAK;
    }
    error("bad statement");
    return X_RETURN;
}

/* ---- builtins: results go back in args[0] ---- */
static int b_print(int n, void *p) {
    val *args = p;
    char buf[256];
    for (int i = 0; i < n; i++) {
        tostr(args[i], buf, sizeof buf);
        printf("%s%s", i ? "\t" : "", buf);
    }
    printf("\n");
    args[0] = nil();
    return 0;
}
static int b_tostring(int n, void *p) {
    val *args = p;
    char buf[256];
    tostr(n ? args[0] : nil(), buf, sizeof buf);
    args[0] = str(buf, strlen(buf));
    return 0;
}
static int b_floor(int n, void *p) {
    val *args = p;
    args[0] = n && args[0].t == T_NUM ? num(floor(args[0].u.n)) : nil();
    return 0;
}
static int b_sub(int n, void *p) {
    val *args = p;
    if (n < 3 || args[0].t != T_STR || args[1].t != T_NUM || args[2].t != T_NUM) { error("bad sub"); args[0] = nil(); return 0; }
    double len = (double)args[0].u.o->len, i = args[1].u.n, j = args[2].u.n;
    if (i < 1) i = 1;
    if (j > len) j = len;
    args[0] = i > j ? str("", 0) : str(args[0].u.o->s + (size_t)i - 1, (size_t)(j - i + 1));
    return 0;
}

static void run(const char *name, const char *src) {
    printf("== %s\n", name);
    parser P = {{src, 0, 1, NULL, 0}, 0};
    lex_next(&P.L);
    node *prog = block(&P);
    if (P.L.tok != K_EOF && !P.err) { printf("syntax error line %d: unexpected token\n", P.L.line); P.err = 1; }
    free(P.L.text);
    if (P.err) return;
    env *g = env_new(NULL);
    const struct { const char *name; int (*fn)(int, void *); } builtins[] = {
        {"print", b_print}, {"tostring", b_tostring}, {"floor", b_floor}, {"sub", b_sub}};
    for (int i = 0; i < 4; i++) {
        val v = {T_BUILTIN, {.fn = builtins[i].fn}};
        env_define(g, builtins[i].name, v);
    }
    failed = 0;
    call_depth = 0;
    exec(prog, g);
    if (failed) printf("error: %s\n", errmsg);
}

static const char *const scripts[][2] = {
    {"basics",
     "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end\n"
     "print('fib', fib(14), 2^10, 7 % 3, -7 % 3, 7 / 2, 1e300 * 1e10, -(0/1))\n"
     "local s = ''\n"
     "for i = 1, 10 do s = s .. i .. (i < 10 and ',' or '') end\n"
     "print(s, #s, 'a' < 'b', 1 == 1.0, nil == false, not nil)\n"
     "for i = 10, 1, -3 do print('down', i) end\n"},
    {"closures",
     "function counter(start)\n"
     "  local n = start\n"
     "  return function(step) n = n + (step or 1) return n end\n"
     "end\n"
     "local c1 = counter(10)\n"
     "local c2 = counter(100)\n"
     "c1() c1(5) c2(-1)\n"
     "print(c1(), c2())\n"
     "local fs = {}\n"
     "for i = 1, 5 do fs[i] = function() return i * i end end\n"
     "print(fs[1](), fs[3](), fs[5]())\n"},
    {"tables",
     "local words = {}\n"
     "local text = 'the quick brown fox jumps over the lazy dog the end'\n"
     "local w = ''\n"
     "for i = 1, #text + 1 do\n"
     "  local ch = text[i]\n"
     "  if ch == ' ' or ch == nil then\n"
     "    if #w > 0 then words[w] = (words[w] or 0) + 1 end\n"
     "    w = ''\n"
     "  else w = w .. ch end\n"
     "end\n"
     "print('the', words.the, 'fox', words['fox'], 'cat', words.cat)\n"
     "local list = {5, 3, 9, 1, 7, 2, 8, 6, 4, 10; n = 'ten'}\n"
     "for i = 2, #list do\n"
     "  local v = list[i]\n"
     "  local j = i - 1\n"
     "  while j >= 1 and list[j] > v do list[j + 1] = list[j] j = j - 1 end\n"
     "  list[j + 1] = v\n"
     "end\n"
     "local out = ''\n"
     "for i = 1, #list do out = out .. list[i] .. ' ' end\n"
     "print(out, list.n, #list)\n"
     "local big = {}\n"
     "for i = 1, 300 do big[i] = i * 2 big['k' .. i] = i end\n"
     "local sum = 0\n"
     "for i = 1, #big do sum = sum + big[i] + big['k' .. i] end\n"
     "print('big', #big, sum)\n"
     "local obj = {name = 'box', size = {w = 3, h = 4}}\n"
     "function obj.area(o) return o.size.w * o.size.h end\n"
     "print(obj.name, obj.area(obj), sub('hello world', 7, 11), floor(-3.5))\n"},
    {"sieve",
     "local N = 1000\n"
     "local composite = {}\n"
     "local count = 0\n"
     "local last = 0\n"
     "for i = 2, N do\n"
     "  if not composite[i] then\n"
     "    count = count + 1 last = i\n"
     "    for j = i * i, N, i do composite[j] = true end\n"
     "  end\n"
     "end\n"
     "print('primes below', N, count, 'largest', last)\n"},
    {"runtime error",
     "local t = {}\n"
     "print('before')\n"
     "t.missing.field = 1\n"
     "print('not reached')\n"},
    {"call error", "local x = 5\nlocal y = x + 1\nundefined_function(y)\n"},
    {"recursion limit", "local function f(n) return f(n + 1) end\nf(1)\n"},
    {"syntax error", "local x = = 3\n"},
    {"unfinished", "if true then print(1)\n"},
};

int main(void) {
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) run(scripts[i][0], scripts[i][1]);
    while (objects) {
        obj *o = objects;
        objects = o->all;
        free(o->s);
        free(o->slots);
        free(o);
    }
    while (envs) {
        env *e = envs;
        envs = e->all;
        free(e->names);
        free(e->vals);
        free(e);
    }
    while (trees) {
        node *n = trees;
        trees = n->all;
        free(n->text);
        free(n->list);
        free(n);
    }
    return 0;
}
