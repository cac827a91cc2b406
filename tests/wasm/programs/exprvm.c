/* SPDX-License-Identifier: MIT */
/* A recursive descent parser compiling integer expressions (with variables,
 * comparisons, ?:, and user functions) to bytecode for a small stack VM. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum op { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_NEG, OP_LT,
          OP_EQ, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_JZ, OP_JMP, OP_CALL, OP_RET,
          OP_ARG, OP_POP, OP_HALT };

typedef struct { uint8_t op; int64_t arg; } insn;

#define MAXCODE 16384
static insn code[MAXCODE];
static int ncode;
static const char *src;
static int perr;
static int64_t vars[26];
static int func_entry[26];
static int func_defined[26];

static int emit(uint8_t op, int64_t arg) {
    if (ncode >= MAXCODE) { perr = 1; return ncode - 1; }
    code[ncode].op = op;
    code[ncode].arg = arg;
    return ncode++;
}

static void skip(void) { while (*src == ' ' || *src == '\t') src++; }
static int accept(const char *t) {
    skip();
    size_t n = strlen(t);
    if (strncmp(src, t, n) == 0) { src += n; return 1; }
    return 0;
}
static void expect(const char *t) { if (!accept(t)) perr = 1; }

static void expr(void);

static void primary(void) {
    skip();
    if (perr) return;
    if (*src >= '0' && *src <= '9') {
        uint64_t v = 0;
        while (*src >= '0' && *src <= '9') v = v * 10 + (uint64_t)(*src++ - '0');
        emit(OP_PUSH, (int64_t)v);
    } else if (*src == '$') { /* function argument */
        src++;
        emit(OP_ARG, 0);
    } else if (*src >= 'a' && *src <= 'z') {
        int v = *src++ - 'a';
        if (accept("(")) {
            expr();
            expect(")");
            emit(OP_CALL, v);
        } else if (accept(":=")) {
            expr();
            emit(OP_STORE, v);
        } else {
            emit(OP_LOAD, v);
        }
    } else if (accept("(")) {
        expr();
        expect(")");
    } else if (accept("-")) {
        primary();
        emit(OP_NEG, 0);
    } else {
        perr = 1;
    }
}

static void term(void) {
    primary();
    for (;;) {
        if (accept("*")) { primary(); emit(OP_MUL, 0); }
        else if (accept("/")) { primary(); emit(OP_DIV, 0); }
        else if (accept("%")) { primary(); emit(OP_MOD, 0); }
        else return;
    }
}
static void sum(void) {
    term();
    for (;;) {
        if (accept("+")) { term(); emit(OP_ADD, 0); }
        else if (accept("-")) { term(); emit(OP_SUB, 0); }
        else return;
    }
}
static void shift(void) {
    sum();
    for (;;) {
        if (accept("<<")) { sum(); emit(OP_SHL, 0); }
        else if (accept(">>")) { sum(); emit(OP_SHR, 0); }
        else return;
    }
}
static void cmp(void) {
    shift();
    for (;;) {
        if (accept("==")) { shift(); emit(OP_EQ, 0); }
        else if (accept("<")) { shift(); emit(OP_LT, 0); }
        else return;
    }
}
static void bits(void) {
    cmp();
    for (;;) {
        if (accept("&")) { cmp(); emit(OP_AND, 0); }
        else if (accept("|")) { cmp(); emit(OP_OR, 0); }
        else if (accept("^")) { cmp(); emit(OP_XOR, 0); }
        else return;
    }
}
static void expr(void) {
    bits();
    if (accept("?")) {
        int jz = emit(OP_JZ, 0);
        expr();
        int jmp = emit(OP_JMP, 0);
        expect(":");
        code[jz].arg = ncode;
        expr();
        code[jmp].arg = ncode;
    }
}

/* Wrapping arithmetic on int64 done through uint64 so both hosts agree. */
static int64_t wrap(uint64_t v) { int64_t r; memcpy(&r, &v, sizeof r); return r; }

#define STACK 8192
typedef struct { int pc; int64_t arg; int sp_base; } frame;

static int run(int pc, int64_t *out, long *steps) {
    static int64_t st[STACK];
    static frame fr[2048];
    int sp = 0, fp = 0;
    int64_t arg = 0;
    for (;;) {
        if (++*steps > 20000000) return 3;
        insn in = code[pc++];
        int64_t a, b;
        switch (in.op) {
        case OP_PUSH: st[sp++] = in.arg; break;
        case OP_LOAD: st[sp++] = vars[in.arg]; break;
        case OP_STORE: vars[in.arg] = st[sp - 1]; break;
        case OP_ARG: st[sp++] = arg; break;
        case OP_POP: sp--; break;
        case OP_NEG: st[sp - 1] = wrap(0 - (uint64_t)st[sp - 1]); break;
        case OP_JZ: if (st[--sp] == 0) pc = (int)in.arg; break;
        case OP_JMP: pc = (int)in.arg; break;
        case OP_CALL:
            if (!func_defined[in.arg]) return 4;
            if (fp >= 2048) return 5;
            fr[fp].pc = pc; fr[fp].arg = arg; fr[fp].sp_base = sp - 1; fp++;
            arg = st[--sp];
            pc = func_entry[in.arg];
            break;
        case OP_RET:
            if (fp == 0) { *out = st[sp - 1]; return 0; }
            a = st[sp - 1];
            fp--;
            pc = fr[fp].pc; arg = fr[fp].arg; sp = fr[fp].sp_base;
            st[sp++] = a;
            break;
        case OP_HALT: *out = sp ? st[sp - 1] : 0; return 0;
        default:
            if (sp < 2) return 6;
            b = st[--sp];
            a = st[sp - 1];
            switch (in.op) {
            case OP_ADD: a = wrap((uint64_t)a + (uint64_t)b); break;
            case OP_SUB: a = wrap((uint64_t)a - (uint64_t)b); break;
            case OP_MUL: a = wrap((uint64_t)a * (uint64_t)b); break;
            case OP_DIV:
            case OP_MOD:
                if (b == 0) return 1;
                if (a == INT64_MIN && b == -1) { a = in.op == OP_DIV ? INT64_MIN : 0; break; }
                a = in.op == OP_DIV ? a / b : a % b;
                break;
            case OP_LT: a = a < b; break;
            case OP_EQ: a = a == b; break;
            case OP_AND: a &= b; break;
            case OP_OR: a |= b; break;
            case OP_XOR: a ^= b; break;
            case OP_SHL: a = wrap((uint64_t)a << (b & 63)); break;
            case OP_SHR: a = a >> (b & 63); break;
            default: return 2;
            }
            st[sp - 1] = a;
        }
        if (sp >= STACK - 4) return 7;
    }
}

static void line(const char *s) {
    src = s;
    perr = 0;
    int start = ncode;
    if (s[0] == 'd' && s[1] == 'e' && s[2] == 'f' && s[3] == ' ') { /* def f = expr */
        int f = s[4] - 'a';
        src = s + 5;
        expect("=");
        func_entry[f] = ncode;
        expr();
        emit(OP_RET, 0);
        skip();
        if (perr || *src) { printf("%-40s parse error\n", s); ncode = start; return; }
        func_defined[f] = 1;
        printf("%-40s defined (%d insns)\n", s, ncode - start);
        return;
    }
    expr();
    emit(OP_HALT, 0);
    skip();
    if (perr || *src) { printf("%-40s parse error\n", s); ncode = start; return; }
    int64_t v = 0;
    long steps = 0;
    int rc = run(start, &v, &steps);
    static const char *errs[] = {"ok", "division by zero", "bad op", "step limit",
                                 "undefined function", "call depth", "stack", "stack"};
    if (rc) printf("%-40s error: %s\n", s, errs[rc]);
    else printf("%-40s = %lld (%ld steps)\n", s, (long long)v, steps);
    ncode = start; /* expression code is temporary */
}

int main(int argc, char **argv) {
    static const char *prog[] = {
        "1 + 2 * 3", "(1 + 2) * 3", "-7 / 2", "-7 % 2", "7 % -3", "1 << 63",
        "(1 << 63) / -1", "(1 << 63) % -1", "1 / 0", "9223372036854775807 + 1",
        "18446744073709551615", "x := 40", "y := x * x - 1", "x ^ y | 3 & 12",
        "x < y ? 100 : 200", "y < x ? 100 : 200", "(0 - 1) >> 70", "3 << 65",
        "def f = $ < 2 ? $ : f($ - 1) + f($ - 2)", "f(15)", "f(18)",
        "def g = $ == 0 ? 1 : $ * g($ - 1)", "g(20)", "g(25)",
        "def h = $ < 1 ? 0 : 1 + h($ - 1)", "h(1500)", "h(3000)",
        "def s = $ == 0 ? 0 : $ + s($ - 1)", "s(2000)", "q(1)", "1 +", "((((((((((((1))))))))))))",
        "def c = $ == 1 ? 0 : 1 + c($ % 2 == 0 ? $ / 2 : 3 * $ + 1)", "c(27)", "c(837799)",
        "def p = a := $ * 6364136223846793005 + 1442695040888963407", "p(p(p(1)))",
    };
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < sizeof prog / sizeof *prog; i++) line(prog[i]);
    /* A generated deep expression: the parser recurses once per parenthesis. */
    static char deep[20000];
    size_t n = 0;
    for (int i = 0; i < 1000; i++) deep[n++] = '(';
    deep[n++] = '7';
    for (int i = 0; i < 1000; i++) { deep[n++] = '+'; deep[n++] = '1'; deep[n++] = ')'; }
    deep[n] = 0;
    src = deep;
    perr = 0;
    int start = ncode;
    expr();
    emit(OP_HALT, 0);
    int64_t v = 0;
    long steps = 0;
    int rc = perr ? -1 : run(start, &v, &steps);
    printf("deep: rc %d value %lld insns %d\n", rc, (long long)v, ncode - start);
    int64_t sum = 0;
    for (int i = 0; i < 26; i++) sum ^= wrap((uint64_t)vars[i] * (uint64_t)(i + 1));
    printf("vars checksum %lld\n", (long long)sum);
    return (int)(v & 0x7f);
}
