/* SPDX-License-Identifier: MIT */
/* Decoder: every section kind, the inspection accessors, and malformed
 * input (truncation, overlong LEBs, section order, forged counts, deep
 * nesting, huge local counts, allocation failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/wasm.h"
#include "wasm/wasm_build.h"

/* Counts allocations and can fail the Nth, through the engine's hook. */
typedef struct counting {
    size_t live_bytes, peak_single;
    long allocs, fail_at; /* fail_at < 0: never */
} counting;

static void *counting_fn(void *ud, void *ptr, size_t osize, size_t nsize, wb_alloc_tag tag) {
    (void)tag;
    counting *c = ud;
    if (nsize == 0) {
        c->live_bytes -= osize;
        free(ptr);
        return NULL;
    }
    if (c->fail_at >= 0 && c->allocs++ == c->fail_at) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) {
        c->live_bytes += nsize - (ptr ? osize : 0);
        if (nsize > c->peak_single) c->peak_single = nsize;
    }
    return p;
}

static wa_engine *counting_engine(counting *c) {
    memset(c, 0, sizeof *c);
    c->fail_at = -1;
    wa_engine_config cfg = {.alloc = {counting_fn, c}};
    return wa_engine_new(&cfg);
}

static wb_status load(const tb *b, wb_error *err) {
    wa_engine *e = wa_engine_new(NULL);
    assert_non_null(e);
    wa_module *m = NULL;
    wb_status st = wa_module_new(e, b->p, b->len, &m, err);
    if (st == WB_OK) assert_non_null(m);
    else assert_null(m);
    wa_module_unref(m);
    wa_engine_free(e);
    return st;
}

static void expect_fail(const tb *b, wb_status want, const char *text) {
    wb_error err = {0};
    wb_status st = load(b, &err);
    if (st != want || !strstr(err.msg, text))
        fail_msg("got %s \"%s\", want %s \"%s\"", wb_status_name(st), err.msg, wb_status_name(want),
                 text);
}

/* A module using every section: imports of each kind, a passive and an
 * active data segment, three element segment forms, a start function. */
static void build_full(tb *m) {
    tb s = {0};
    tb_header(m);
    tb_u32(&s, 3);
    tb_functype(&s, ":");
    tb_functype(&s, "i:i");
    tb_functype(&s, "il:fd");
    tb_section(m, 1, &s);
    tb_u32(&s, 4); /* imports: func, table, memory, global */
    tb_name(&s, "env"), tb_name(&s, "f"), tb_byte(&s, 0), tb_u32(&s, 1);
    tb_name(&s, "env"), tb_name(&s, "t"), tb_byte(&s, 1), tb_byte(&s, 0x70), tb_byte(&s, 1),
        tb_u32(&s, 2), tb_u32(&s, 10);
    tb_name(&s, "env"), tb_name(&s, "m"), tb_byte(&s, 2), tb_byte(&s, 0), tb_u32(&s, 1);
    tb_name(&s, "env"), tb_name(&s, "g"), tb_byte(&s, 3), tb_byte(&s, 0x7F), tb_byte(&s, 0);
    tb_section(m, 2, &s);
    tb_u32(&s, 2), tb_u32(&s, 0), tb_u32(&s, 2); /* functions 1 and 2 */
    tb_section(m, 3, &s);
    tb_u32(&s, 1), tb_byte(&s, 0x6F), tb_byte(&s, 0), tb_u32(&s, 3); /* table 1: externref */
    tb_section(m, 4, &s);
    tb_u32(&s, 1), tb_byte(&s, 0x7E), tb_byte(&s, 1); /* global 1: mut i64 */
    tb_bytes(&s, "\x42\x2a\x0b", 3);                                 /* i64.const 42 end */
    tb_section(m, 6, &s);
    tb_u32(&s, 3);
    tb_name(&s, "run"), tb_byte(&s, 0), tb_u32(&s, 1);
    tb_name(&s, "mem"), tb_byte(&s, 2), tb_u32(&s, 0);
    tb_name(&s, "glob"), tb_byte(&s, 3), tb_u32(&s, 1);
    tb_section(m, 7, &s);
    tb_u32(&s, 1);
    tb_section(m, 8, &s);
    tb_u32(&s, 3);
    tb_u32(&s, 0), tb_bytes(&s, "\x41\x00\x0b", 3), tb_u32(&s, 2), tb_u32(&s, 1), tb_u32(&s, 2);
    tb_u32(&s, 5), tb_byte(&s, 0x70), tb_u32(&s, 2), tb_bytes(&s, "\xd2\x00\x0b\xd0\x70\x0b", 6);
    tb_u32(&s, 3), tb_byte(&s, 0), tb_u32(&s, 1), tb_u32(&s, 2); /* declarative */
    tb_section(m, 9, &s);
    tb_u32(&s, 2);
    tb_section(m, 12, &s);
    tb_u32(&s, 2);
    tb_u32(&s, 2), tb_bytes(&s, "\x00\x0b", 2); /* func 1: no locals, end */
    {
        tb body = {0};
        tb_u32(&body, 1), tb_u32(&body, 2), tb_byte(&body, 0x7D); /* 2 f32 locals */
        tb_bytes(&body, "\x43\0\0\0\0", 5);             /* f32.const 0 */
        tb_bytes(&body, "\x44\0\0\0\0\0\0\0\0", 9);     /* f64.const 0 */
        tb_byte(&body, 0x0b);
        tb_u32(&s, body.len);
        tb_bytes(&s, body.p, body.len);
        tb_free(&body);
    }
    tb_section(m, 10, &s);
    tb_u32(&s, 2);
    tb_u32(&s, 0), tb_bytes(&s, "\x41\x08\x0b", 3), tb_u32(&s, 3), tb_bytes(&s, "abc", 3);
    tb_u32(&s, 1), tb_u32(&s, 2), tb_bytes(&s, "xy", 2);
    tb_section(m, 11, &s);
    tb_name(&s, "note"), tb_bytes(&s, "\x01\x02\x03", 3);
    tb_section(m, 0, &s);
    tb_free(&s);
}

static void full_module_inspection(void **state) {
    (void)state;
    tb b = {0};
    build_full(&b);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    wb_status st = wa_module_new(e, b.p, b.len, &m, &err);
    if (st != WB_OK) fail_msg("%s", err.msg);
    assert_int_equal(wa_module_type_count(m), 3);
    wa_functype t2 = wa_module_type(m, 2);
    assert_int_equal(t2.nparams, 2);
    assert_int_equal(t2.params[1], WA_I64);
    assert_int_equal(t2.nresults, 2);
    assert_int_equal(t2.results[1], WA_F64);
    assert_int_equal(wa_module_type(m, 99).nparams, 0); /* out of range: empty */

    assert_int_equal(wa_module_import_count(m), 4);
    wa_import_info im = wa_module_import(m, 0);
    assert_string_equal(im.module.str, "env");
    assert_string_equal(im.name.str, "f");
    assert_int_equal(im.kind, WA_EXTERN_FUNC);
    assert_int_equal(im.func.nparams, 1);
    im = wa_module_import(m, 1);
    assert_int_equal(im.kind, WA_EXTERN_TABLE);
    assert_int_equal(im.table.limits.min, 2);
    assert_true(im.table.limits.has_max);
    assert_int_equal(im.table.limits.max, 10);
    im = wa_module_import(m, 3);
    assert_int_equal(im.global.type, WA_I32);
    assert_false(im.global.mutable_);

    assert_int_equal(wa_module_export_count(m), 3);
    wa_export_info ex = wa_module_export(m, 0);
    assert_string_equal(ex.name.str, "run");
    assert_int_equal(ex.func.nparams, 0);
    ex = wa_module_export(m, 1);
    assert_int_equal(ex.kind, WA_EXTERN_MEMORY);
    assert_int_equal(ex.memory.limits.min, 1);
    ex = wa_module_export(m, 2);
    assert_int_equal(ex.global.type, WA_I64);
    assert_true(ex.global.mutable_);

    assert_int_equal(wa_module_custom_count(m), 1);
    wa_custom_info c = wa_module_custom(m, 0);
    assert_string_equal(c.name.str, "note");
    assert_int_equal(c.len, 3);
    assert_memory_equal(c.data, "\x01\x02\x03", 3);

    wa_module_stats s = wa_module_stats_get(m);
    assert_int_equal(s.funcs_imported, 1);
    assert_int_equal(s.funcs_defined, 2);
    assert_int_equal(s.tables, 2);
    assert_int_equal(s.memories, 1);
    assert_int_equal(s.globals, 2);
    assert_int_equal(s.elems, 3);
    assert_int_equal(s.datas, 2);
    assert_true(s.has_start);
    assert_int_equal(s.start_index, 1);
    assert_true(s.code_bytes > 0);

    /* same bytes, same hash; the module owns a copy of the bytes */
    wa_module *m2 = NULL;
    b.p[b.len - 1] = 0x04; /* last byte of the custom section */
    assert_int_equal(wa_module_new(e, b.p, b.len, &m2, &err), WB_OK);
    assert_int_not_equal(wa_module_hash(m), wa_module_hash(m2));
    assert_memory_equal(wa_module_custom(m, 0).data, "\x01\x02\x03", 3);
    assert_ptr_equal(wa_module_ref(m2), m2);
    wa_module_unref(m2);
    wa_module_unref(m2);
    wa_module_unref(m);
    wa_engine_free(e);
    tb_free(&b);
}

/* Every proper prefix of a valid module is malformed, never a crash. */
static void truncation_everywhere(void **state) {
    (void)state;
    tb b = {0};
    build_full(&b);
    wa_engine *e = wa_engine_new(NULL);
    for (size_t n = 0; n < b.len; n++) {
        wa_module *m = NULL;
        wb_error err = {0};
        wb_status st = wa_module_new(e, b.p, n, &m, &err);
        /* a cut right after a section is a valid module when the rest is
         * optional, else the function/code or data count checks fire */
        if (st == WB_OK) {
            wa_module_unref(m);
            continue;
        }
        if (st != WB_MALFORMED) fail_msg("prefix %zu: %s %s", n, wb_status_name(st), err.msg);
        assert_non_null(strstr(err.msg, "offset"));
    }
    wa_engine_free(e);
    tb_free(&b);
}

static void header_errors(void **state) {
    (void)state;
    tb b = {0};
    expect_fail(&b, WB_MALFORMED, "unexpected end");
    tb_bytes(&b, "\0asx\1\0\0\0", 8);
    expect_fail(&b, WB_MALFORMED, "magic header not detected");
    b.len = 0;
    tb_bytes(&b, "\0asm\2\0\0\0", 8);
    expect_fail(&b, WB_MALFORMED, "unknown binary version");
    b.len = 0;
    tb_header(&b);
    assert_int_equal(load(&b, NULL), WB_OK); /* the empty module; err may be NULL */
    tb_bytes(&b, "\x0d\x00", 2);
    expect_fail(&b, WB_MALFORMED, "malformed section id");
    tb_free(&b);
}

static void leb_errors(void **state) {
    (void)state;
    tb b = {0};
    tb_header(&b);
    tb_bytes(&b, "\x05\x07\x01\x00\x82\x80\x80\x80\x70", 9); /* memory min, unused bits set */
    expect_fail(&b, WB_MALFORMED, "integer too large");
    b.len = 8;
    tb_bytes(&b, "\x05\x08\x01\x00\x82\x80\x80\x80\x80\x00", 10); /* 6-byte u32 */
    expect_fail(&b, WB_MALFORMED, "integer representation too long");
    b.len = 8;
    tb_bytes(&b, "\x06\x0a\x01\x7f\x00\x41\x80\x80\x80\x80\x70\x0b", 12); /* s32 unused bits */
    expect_fail(&b, WB_MALFORMED, "integer too large");
    tb_free(&b);
}

static void section_order_and_size(void **state) {
    (void)state;
    tb b = {0}, s = {0};
    tb_header(&b);
    tb_u32(&s, 0), tb_section(&b, 3, &s); /* function section, then type section */
    tb_u32(&s, 0), tb_section(&b, 1, &s);
    expect_fail(&b, WB_MALFORMED, "unexpected content after last section");
    b.len = 8;
    tb_u32(&s, 0), tb_section(&b, 1, &s);
    tb_u32(&s, 0), tb_section(&b, 1, &s); /* duplicate */
    expect_fail(&b, WB_MALFORMED, "unexpected content after last section");
    b.len = 8;
    tb_bytes(&b, "\x01\x02\x00\x00", 4); /* type section of 2 bytes holding count 0 + junk */
    expect_fail(&b, WB_MALFORMED, "section size mismatch");
    b.len = 8;
    tb_bytes(&b, "\x01\x09\x00", 3); /* size beyond the module */
    expect_fail(&b, WB_MALFORMED, "length out of bounds");
    b.len = 8;
    tb_u32(&s, 1), tb_functype(&s, ":"), tb_section(&b, 1, &s);
    tb_u32(&s, 2), tb_u32(&s, 0), tb_u32(&s, 0), tb_section(&b, 3, &s);
    tb_u32(&s, 1), tb_bytes(&s, "\x02\x00\x0b", 3), tb_section(&b, 10, &s);
    expect_fail(&b, WB_MALFORMED, "function and code section have inconsistent lengths");
    b.len = 8;
    tb_u32(&s, 2), tb_section(&b, 12, &s);
    tb_u32(&s, 1), tb_u32(&s, 1), tb_u32(&s, 0), tb_section(&b, 11, &s);
    expect_fail(&b, WB_MALFORMED, "data count and data section have inconsistent lengths");
    b.len = 8;
    tb_u32(&s, 1), tb_name(&s, "\xff"), tb_byte(&s, 0); /* bad UTF-8 in an import */
    tb_section(&b, 2, &s);
    expect_fail(&b, WB_MALFORMED, "malformed UTF-8 encoding");
    b.len = 8;
    tb_u32(&s, 1), tb_name(&s, "a"), tb_name(&s, "b"), tb_byte(&s, 4);
    tb_section(&b, 2, &s);
    expect_fail(&b, WB_MALFORMED, "malformed import kind at offset 15");
    b.len = 8;
    tb_u32(&s, 1), tb_byte(&s, 0x7B), tb_byte(&s, 0), tb_bytes(&s, "\x41\x00\x0b", 3);
    tb_section(&b, 6, &s); /* a v128 global: SIMD is not supported */
    expect_fail(&b, WB_MALFORMED, "malformed value type at offset 11");
    tb_free(&s);
    tb_free(&b);
}

/* A forged count must fail before anything of that size is allocated. */
static void forged_counts(void **state) {
    (void)state;
    static const uint8_t ids[] = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11};
    for (size_t i = 0; i < sizeof ids; i++) {
        tb b = {0};
        tb_header(&b);
        tb_bytes(&b, (const uint8_t[]){ids[i], 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f}, 7);
        counting c;
        wa_engine *e = counting_engine(&c);
        c.peak_single = 0; /* count the module's allocations only */
        wa_module *m = NULL;
        wb_error err = {0};
        assert_int_equal(wa_module_new(e, b.p, b.len, &m, &err), WB_MALFORMED);
        assert_true(c.peak_single < 4096);
        wa_engine_free(e);
        assert_int_equal(c.live_bytes, 0);
        tb_free(&b);
    }
}

/* A module with one function of signature `sig` and the given body
 * (local declarations + code, without the final `end`). */
static void build_func(tb *b, const char *sig, const tb *body) {
    tb s = {0};
    tb_header(b);
    tb_u32(&s, 1), tb_functype(&s, sig), tb_section(b, 1, &s);
    tb_u32(&s, 1), tb_u32(&s, 0), tb_section(b, 3, &s);
    tb_u32(&s, 1), tb_u32(&s, body->len + 1), tb_bytes(&s, body->p, body->len), tb_byte(&s, 0x0b);
    tb_section(b, 10, &s);
    tb_free(&s);
}

/* 100k nested blocks: no C recursion, so this neither overflows the stack
 * nor takes long. */
static void deep_nesting(void **state) {
    (void)state;
    enum { DEPTH = 100000 };
    tb body = {0}, b = {0};
    tb_u32(&body, 0);
    for (int i = 0; i < DEPTH; i++) tb_bytes(&body, "\x02\x40", 2);
    tb_bytes(&body, "\x41\x01\x1a", 3); /* i32.const 1, drop */
    for (int i = 0; i < DEPTH; i++) tb_byte(&body, 0x0b);
    build_func(&b, ":", &body);
    wb_error err = {0};
    uint64_t t0 = wb_now_ns();
    wb_status st = load(&b, &err);
    if (st != WB_OK) fail_msg("%s", err.msg);
    fprintf(stderr, "100k nested blocks: %.2f ms\n", (double)(wb_now_ns() - t0) / 1e6);
    /* the same nesting with a type error at the bottom */
    body.len = 1;
    for (int i = 0; i < DEPTH; i++) tb_bytes(&body, "\x02\x40", 2);
    tb_bytes(&body, "\x42\x01\x45\x1a", 4); /* i64.const 1, i32.eqz: mismatch */
    for (int i = 0; i < DEPTH; i++) tb_byte(&body, 0x0b);
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_INVALID, "type mismatch");
    /* and unbalanced: one `end` short */
    body.len--;
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_MALFORMED, "");
    tb_free(&body);
    tb_free(&b);
}

static void many_locals(void **state) {
    (void)state;
    tb body = {0}, b = {0};
    /* 50000 locals (the limit) in 2 declarations; read the last one */
    tb_u32(&body, 2), tb_u32(&body, 25000), tb_byte(&body, 0x7F), tb_u32(&body, 25000),
        tb_byte(&body, 0x7E);
    tb_byte(&body, 0x20), tb_u32(&body, 49999), tb_byte(&body, 0x1a);
    build_func(&b, ":", &body);
    wb_error err = {0};
    if (load(&b, &err) != WB_OK) fail_msg("%s", err.msg);
    /* local 49999 is an i64: using it as i32 is a type mismatch */
    body.len -= 1;
    tb_byte(&body, 0x45), tb_byte(&body, 0x1a);
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_INVALID, "type mismatch");
    /* 60000 locals */
    body.len = 0;
    tb_u32(&body, 2), tb_u32(&body, 30000), tb_byte(&body, 0x7F), tb_u32(&body, 30000),
        tb_byte(&body, 0x7F);
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_MALFORMED, "too many locals");
    /* 2^32 - 1 + 2 locals, as the spec suite writes it */
    body.len = 0;
    tb_u32(&body, 2), tb_u32(&body, 0xffffffffu), tb_byte(&body, 0x7F), tb_u32(&body, 2),
        tb_byte(&body, 0x7E);
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_MALFORMED, "too many locals");
    tb_free(&body);
    tb_free(&b);
}

static void body_errors(void **state) {
    (void)state;
    tb body = {0}, b = {0};
    tb_u32(&body, 0), tb_byte(&body, 0xff); /* no such opcode */
    build_func(&b, ":", &body);
    expect_fail(&b, WB_MALFORMED, "illegal opcode");
    body.len = 1;
    tb_bytes(&body, "\x3f\x01\x1a", 3); /* memory.size with memidx 1 */
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_MALFORMED, "zero byte expected");
    body.len = 1;
    tb_bytes(&body, "\xfc\x09\x00", 3); /* data.drop without data count */
    b.len = 0;
    build_func(&b, ":", &body);
    expect_fail(&b, WB_INVALID, "unknown data segment 0");
    tb s = {0};
    tb_u32(&s, 1), tb_u32(&s, 1), tb_u32(&s, 0), tb_section(&b, 11, &s); /* + data section */
    expect_fail(&b, WB_MALFORMED, "data count section required");
    tb_free(&s);
    tb_free(&body);
    tb_free(&b);
}

/* Fail each allocation in turn: always WB_NOMEM (or success once the
 * failure point is past the end), never a leak (ASan checks). */
static void allocation_failures(void **state) {
    (void)state;
    tb b = {0};
    build_full(&b);
    for (long n = 0;; n++) {
        counting c;
        wa_engine *e = counting_engine(&c);
        c.fail_at = n;
        c.allocs = 0;
        wa_module *m = NULL;
        wb_error err = {0};
        wb_status st = wa_module_new(e, b.p, b.len, &m, &err);
        if (st == WB_OK) {
            wa_module_unref(m);
            wa_engine_free(e);
            break;
        }
        if (st != WB_NOMEM) fail_msg("failing alloc %ld: %s %s", n, wb_status_name(st), err.msg);
        assert_null(m);
        wa_engine_free(e);
        assert_int_equal(c.live_bytes, 0);
        assert_true(n < 10000);
    }
    tb_free(&b);
}

static void bad_arguments(void **state) {
    (void)state;
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = (wa_module *)1;
    wb_error err = {0};
    assert_int_equal(wa_module_new(e, NULL, 8, &m, &err), WB_INVALID_ARG);
    assert_null(m);
    assert_int_equal(wa_module_new(NULL, (const uint8_t *)"", 0, &m, &err), WB_INVALID_ARG);
    assert_int_equal(wa_module_type_count(NULL), 0);
    assert_int_equal(wa_module_export(NULL, 0).kind, 0);
    wa_module_unref(NULL);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_module_inspection),
        cmocka_unit_test(truncation_everywhere),
        cmocka_unit_test(header_errors),
        cmocka_unit_test(leb_errors),
        cmocka_unit_test(section_order_and_size),
        cmocka_unit_test(forged_counts),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(many_locals),
        cmocka_unit_test(body_errors),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
