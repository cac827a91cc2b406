/* SPDX-License-Identifier: MIT */
/* Validator: operand/control stack typing, index spaces, constant
 * expressions and module rules, each with the spec suite's message; real
 * clang-built modules and the speed of decoding + validating 1 MB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wactor/wasm.h"
#include "wasm/module.h"
#include "wasm/wasm_build.h"
#include "wasm/wasm_test_util.h"

/* Module parts the body under test may need. */
enum {
    M_MEM = 1,       /* memory 0: 1 page */
    M_TABLE = 2,     /* table 0: funcref */
    M_XTABLE = 4,    /* table 1: externref (needs M_TABLE) */
    M_GLOBALS = 8,   /* global 0: mut i32, global 1: const i64 */
    M_DATA = 16,     /* data count 1 + one passive data segment */
    M_ELEM = 32,     /* one passive elem segment: ref.func 0 (declares func 0) */
    M_DECLARE = 64,  /* export func 0 (declares it) */
};

/* Types: 0 = sig, 1 = [] -> [i32 i32], 2 = [i32 i32] -> [i32].
 * Function 0 has type 0 and locals: i32 (nparams), i64 (nparams + 1). */
static void build(tb *b, const char *sig, const uint8_t *code, size_t n, unsigned parts) {
    tb s = {0};
    tb_header(b);
    tb_u32(&s, 3), tb_functype(&s, sig), tb_functype(&s, ":ii"), tb_functype(&s, "ii:i");
    tb_section(b, 1, &s);
    tb_u32(&s, 1), tb_u32(&s, 0), tb_section(b, 3, &s);
    if (parts & M_TABLE) {
        tb_u32(&s, parts & M_XTABLE ? 2 : 1), tb_bytes(&s, "\x70\x00\x01", 3);
        if (parts & M_XTABLE) tb_bytes(&s, "\x6f\x00\x01", 3);
        tb_section(b, 4, &s);
    }
    if (parts & M_MEM) tb_u32(&s, 1), tb_bytes(&s, "\x00\x01", 2), tb_section(b, 5, &s);
    if (parts & M_GLOBALS) {
        tb_u32(&s, 2), tb_bytes(&s, "\x7f\x01\x41\x00\x0b\x7e\x00\x42\x00\x0b", 10);
        tb_section(b, 6, &s);
    }
    if (parts & M_DECLARE) tb_u32(&s, 1), tb_name(&s, "f"), tb_byte(&s, 0), tb_u32(&s, 0),
        tb_section(b, 7, &s);
    if (parts & M_ELEM) tb_bytes(&s, "\x01\x05\x70\x01\xd2\x00\x0b", 7), tb_section(b, 9, &s);
    if (parts & M_DATA) tb_u32(&s, 1), tb_section(b, 12, &s);
    tb body = {0};
    tb_bytes(&body, "\x02\x01\x7f\x01\x7e", 5);
    tb_bytes(&body, code, n);
    tb_byte(&body, 0x0b);
    tb_u32(&s, 1), tb_u32(&s, body.len), tb_bytes(&s, body.p, body.len), tb_section(b, 10, &s);
    if (parts & M_DATA) tb_bytes(&s, "\x01\x01\x01\x7a", 4), tb_section(b, 11, &s);
    tb_free(&body);
    tb_free(&s);
}

static void check_at(int line, const char *sig, const char *code, size_t n, unsigned parts,
                     wb_status want, const char *text) {
    tb b = {0};
    build(&b, sig, (const uint8_t *)code, n, parts);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    wb_status st = wa_module_new(e, b.p, b.len, &m, &err);
    wa_module_unref(m);
    wa_engine_free(e);
    tb_free(&b);
    if (st != want || (text && !strstr(err.msg, text)))
        fail_msg("line %d: got %s \"%s\", want %s \"%s\"", line, wb_status_name(st), err.msg,
                 wb_status_name(want), text ? text : "");
}

/* The body as a string literal; sizeof counts its trailing NUL. */
#define OK(sig, code, parts) check_at(__LINE__, sig, code, sizeof(code) - 1, parts, WB_OK, NULL)
#define BAD(sig, code, parts, text) \
    check_at(__LINE__, sig, code, sizeof(code) - 1, parts, WB_INVALID, text)

static void operand_typing(void **state) {
    (void)state;
    OK("i:i", "\x20\x00", 0);                                  /* local.get 0 */
    OK(":l", "\x20\x00\x1a\x20\x01", 0);                        /* locals i32, i64 */
    BAD("i:i", "\x20\x02", 0, "type mismatch");                /* i64 local as result */
    BAD(":i", "\x41\x01\x42\x01\x6a", 0, "type mismatch");     /* i32.add of i64 */
    BAD(":i", "\x6a", 0, "type mismatch");                     /* empty stack */
    BAD(":", "\x41\x01", 0, "type mismatch");                  /* value left over */
    BAD(":", "\x20\x05\x1a", 0, "unknown local 5");
    OK(":i", "\x00\x6a", 0);                                   /* unreachable; i32.add */
    OK(":i", "\x00", 0);                                       /* polymorphic result */
    BAD(":i", "\x00\x42\x00\x6a", 0, "type mismatch");         /* known i64 still checked */
    OK(":", "\x41\x01\x41\x02\x41\x01\x1b\x1a", 0);            /* select */
    BAD(":", "\xd0\x70\xd0\x70\x41\x01\x1b\x1a", 0, "type mismatch"); /* select of refs */
    OK(":", "\xd0\x70\xd0\x70\x41\x01\x1c\x01\x70\x1a", 0);    /* select (result funcref) */
    BAD(":", "\x41\x01\x41\x01\x41\x01\x1c\x02\x7f\x7f\x1a", 0, "invalid result arity");
    OK(":i", "\xd0\x6f\xd1", 0);                               /* ref.is_null */
    BAD(":i", "\x41\x00\xd1", 0, "type mismatch");
    BAD(":", "\xd2\x00\x1a", 0, "undeclared function reference");
    OK(":", "\xd2\x00\x1a", M_DECLARE);
    OK(":", "\xd2\x00\x1a", M_ELEM);
    BAD(":", "\xd2\x07\x1a", M_ELEM, "unknown function 7");
}

static void control_typing(void **state) {
    (void)state;
    OK(":", "\x02\x01\x41\x01\x41\x02\x0b\x1a\x1a", 0);         /* block (type 1): 2 results */
    OK(":i", "\x41\x01\x41\x02\x02\x02\x6a\x0b", 0);            /* block with params */
    BAD(":i", "\x41\x01\x02\x02\x6a\x0b", 0, "type mismatch");  /* one param missing */
    BAD(":", "\x02\x09\x0b", 0, "unknown type 9");
    OK(":i", "\x41\x01\x04\x7f\x41\x02\x05\x41\x03\x0b", 0);    /* if/else i32 */
    BAD(":i", "\x41\x01\x04\x7f\x41\x02\x0b", 0, "type mismatch"); /* if without else */
    BAD(":", "\x42\x01\x04\x40\x0b", 0, "type mismatch");       /* if on i64 */
    OK(":", "\x02\x40\x0c\x00\x0b", 0);                        /* br 0 */
    BAD(":", "\x02\x40\x0c\x02\x0b", 0, "unknown label 2");
    OK(":i", "\x02\x7f\x41\x01\x0c\x00\x0b", 0);               /* br with value */
    BAD(":i", "\x02\x7f\x0c\x00\x0b", 0, "type mismatch");
    /* loop labels take the loop's params: br 0 in loop (type 2) needs ii */
    OK(":i", "\x41\x01\x41\x02\x03\x02\x41\x00\x0d\x01\x6a\x0b", 0);
    BAD(":i", "\x41\x01\x41\x02\x03\x02\x6a\x0c\x00\x0b", 0, "type mismatch");
    /* br_table: all targets of one arity */
    OK(":", "\x02\x40\x02\x40\x41\x00\x0e\x02\x00\x01\x00\x0b\x0b", 0);
    BAD(":", "\x02\x40\x02\x7f\x41\x00\x0e\x01\x00\x01\x0b\x1a\x0b", 0, "type mismatch");
    OK(":i", "\x02\x7f\x00\x0e\x01\x00\x00\x0b", 0);           /* unreachable br_table */
    OK(":i", "\x41\x05\x0f", 0);                               /* return */
    BAD(":i", "\x0f", 0, "type mismatch");
    OK(":", "\x10\x00", 0);                                    /* call 0 */
    BAD(":", "\x10\x07", 0, "unknown function 7");
    BAD(":", "\x41\x00\x11\x00\x00", 0, "unknown table 0");
    OK(":", "\x41\x00\x11\x00\x00", M_TABLE);
    BAD(":", "\x41\x00\x11\x00\x01", M_TABLE | M_XTABLE, "type mismatch");
    BAD(":", "\x41\x00\x11\x09\x00", M_TABLE, "unknown type 9");
    /* else with no if is a binary-format error, not a typing one */
    check_at(__LINE__, ":", "\x02\x40\x05\x0b", 4, 0, WB_MALFORMED, "END opcode expected");
}

static void memory_table_globals(void **state) {
    (void)state;
    BAD(":", "\x41\x00\x28\x02\x00\x1a", 0, "unknown memory 0");
    OK(":", "\x41\x00\x28\x02\x00\x1a", M_MEM);
    BAD(":", "\x41\x00\x28\x03\x00\x1a", M_MEM, "alignment must not be larger than natural");
    BAD(":", "\x41\x00\x30\x01\x00\x1a", M_MEM, "alignment must not be larger than natural");
    OK(":", "\x41\x00\x42\x00\x37\x03\x00", M_MEM);             /* i64.store align 8 */
    BAD(":", "\x41\x00\x41\x00\x37\x03\x00", M_MEM, "type mismatch");
    OK(":", "\x41\x00\x40\x00\x1a\x3f\x00\x1a", M_MEM);         /* grow, size */
    OK(":", "\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\xfc\x09\x00", M_MEM | M_DATA);
    BAD(":", "\x41\x00\x41\x00\x41\x00\xfc\x08\x03\x00", M_MEM | M_DATA, "unknown data segment 3");
    BAD(":", "\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00", M_DATA, "unknown memory 0");
    OK(":", "\x41\x00\x41\x00\x41\x00\xfc\x0a\x00\x00\x41\x00\x41\x00\x41\x00\xfc\x0b\x00",
       M_MEM);
    OK(":", "\x41\x00\x25\x00\x1a", M_TABLE);                   /* table.get */
    OK(":", "\x41\x00\xd0\x6f\x26\x01", M_TABLE | M_XTABLE);    /* table.set externref */
    BAD(":", "\x41\x00\xd0\x70\x26\x01", M_TABLE | M_XTABLE, "type mismatch");
    OK(":", "\xd0\x70\x41\x01\xfc\x0f\x00\x1a\xfc\x10\x00\x1a", M_TABLE); /* grow, size */
    BAD(":", "\x41\x00\x41\x00\x41\x00\xfc\x0e\x00\x01", M_TABLE | M_XTABLE, "type mismatch");
    OK(":", "\x41\x00\x41\x00\x41\x00\xfc\x0c\x00\x00\xfc\x0d\x00", M_TABLE | M_ELEM);
    BAD(":", "\x41\x00\x41\x00\x41\x00\xfc\x0c\x00\x01", M_TABLE | M_XTABLE | M_ELEM,
        "type mismatch");
    BAD(":", "\xfc\x0d\x04", M_ELEM, "unknown elem segment 4");
    OK(":", "\x23\x00\x24\x00\x23\x01\x1a", M_GLOBALS);
    BAD(":", "\x42\x00\x24\x01", M_GLOBALS, "global is immutable");
    BAD(":", "\x23\x02\x1a", M_GLOBALS, "unknown global 2");
    BAD(":", "\x42\x00\x24\x00", M_GLOBALS, "type mismatch");
}

/* Builds a module from raw sections after the header. */
static wb_status load_sections(const char *bytes, size_t n, wb_error *err) {
    tb b = {0};
    tb_header(&b);
    tb_bytes(&b, bytes, n);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_status st = wa_module_new(e, b.p, b.len, &m, err);
    wa_module_unref(m);
    wa_engine_free(e);
    tb_free(&b);
    return st;
}

#define MOD(bytes, want, text)                                                                 \
    do {                                                                                       \
        wb_error err_ = {0};                                                                   \
        wb_status st_ = load_sections(bytes, sizeof(bytes) - 1, &err_);                        \
        if (st_ != (want) || !strstr(err_.msg, text))                                          \
            fail_msg("line %d: got %s \"%s\", want \"%s\"", __LINE__, wb_status_name(st_),     \
                     err_.msg, text);                                                          \
    } while (0)

static void module_rules(void **state) {
    (void)state;
    /* type [] -> [], one function, empty body */
    #define T "\x01\x04\x01\x60\x00\x00"
    #define F "\x03\x02\x01\x00"
    #define C "\x0a\x04\x01\x02\x00\x0b"
    MOD(T F "\x07\x09\x02\x01\x61\x00\x00\x01\x61\x00\x00" C, WB_INVALID,
        "duplicate export name \"a\" at offset 25"); /* the second entry */
    MOD(T F "\x07\x05\x01\x01\x61\x00\x03" C, WB_INVALID, "unknown function 3");
    MOD("\x01\x05\x01\x60\x01\x7f\x00" F "\x08\x01\x00" "\x0a\x04\x01\x02\x00\x0b", WB_INVALID,
        "start function");
    MOD("\x05\x05\x02\x00\x01\x00\x01", WB_INVALID, "multiple memories at offset 10");
    MOD("\x05\x05\x01\x00\x81\x80\x04", WB_INVALID, "memory size must be at most 65536 pages");
    MOD("\x05\x04\x01\x01\x02\x01", WB_INVALID, "size minimum must not be greater than maximum");
    MOD("\x04\x05\x01\x70\x01\x02\x01", WB_INVALID, "size minimum must not be greater than maximum");
    MOD(T "\x03\x02\x01\x05" C, WB_INVALID, "unknown type 5");
    /* constant expressions */
    MOD("\x06\x0b\x02\x7f\x00\x41\x00\x0b\x7f\x00\x23\x00\x0b", WB_INVALID, "unknown global 0");
    MOD("\x02\x07\x01\x00\x01\x67\x03\x7f\x01" "\x06\x06\x01\x7f\x00\x23\x00\x0b", WB_INVALID,
        "constant expression required");
    MOD("\x02\x07\x01\x00\x01\x67\x03\x7f\x00" "\x06\x06\x01\x7f\x00\x23\x00\x0b", WB_OK, "");
    MOD("\x06\x09\x01\x7f\x00\x41\x00\x41\x00\x6a\x0b", WB_INVALID, "constant expression required");
    MOD("\x06\x08\x01\x7f\x00\x41\x00\x41\x00\x0b", WB_INVALID, "type mismatch");
    MOD("\x06\x04\x01\x7f\x00\x0b", WB_INVALID, "type mismatch");
    MOD("\x06\x06\x01\x7e\x00\x41\x00\x0b", WB_INVALID, "type mismatch");
    MOD("\x06\x06\x01\x70\x00\xd2\x00\x0b", WB_INVALID, "unknown function 0");
    MOD("\x04\x04\x01\x70\x00\x01" "\x09\x06\x01\x00\x42\x00\x0b\x00", WB_INVALID, "type mismatch");
    MOD("\x09\x06\x01\x00\x41\x00\x0b\x00", WB_INVALID, "unknown table 0");
    MOD("\x05\x03\x01\x00\x01" "\x0b\x07\x01\x02\x01\x41\x00\x0b\x00", WB_INVALID, "unknown memory 1");
    MOD("\x04\x04\x01\x6f\x00\x01" "\x09\x06\x01\x00\x41\x00\x0b\x00", WB_INVALID, "type mismatch");
    /* an invalid body, then a malformed one: malformed wins */
    MOD("\x01\x04\x01\x60\x00\x00" "\x03\x03\x02\x00\x00"
        "\x0a\x09\x02\x03\x00\x6a\x0b\x02\x00\xff", WB_MALFORMED, "");
    #undef T
    #undef F
    #undef C
}

/* 100k values on the operand stack, then folded by 99999 adds. */
static void deep_operand_stack(void **state) {
    (void)state;
    enum { N = 100000 };
    tb code = {0};
    for (int i = 0; i < N; i++) tb_bytes(&code, "\x41\x01", 2);
    for (int i = 1; i < N; i++) tb_byte(&code, 0x6a);
    tb b = {0};
    build(&b, ":i", code.p, code.len, 0);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    wb_status st = wa_module_new(e, b.p, b.len, &m, &err);
    if (st != WB_OK) fail_msg("%s", err.msg);
    wa_module_unref(m);
    wa_engine_free(e);
    tb_free(&code);
    tb_free(&b);
}

/* `call` of a 1000-result function pushes 1000 values for 2 bytes: the
 * operand stack limit stops a small module from asking for gigabytes. */
static void stack_amplification(void **state) {
    (void)state;
    tb b = {0}, s = {0}, body = {0};
    tb_header(&b);
    tb_u32(&s, 2), tb_functype(&s, ":");
    tb_byte(&s, 0x60), tb_u32(&s, 0), tb_u32(&s, 1000);
    for (int i = 0; i < 1000; i++) tb_byte(&s, 0x7f);
    tb_section(&b, 1, &s);
    tb_u32(&s, 2), tb_u32(&s, 1), tb_u32(&s, 0), tb_section(&b, 3, &s);
    tb_u32(&body, 0);
    for (int i = 0; i < 5000; i++) tb_bytes(&body, "\x10\x00", 2);
    tb_bytes(&body, "\x00\x0b", 2); /* unreachable: the values need not be dropped */
    tb_u32(&s, 2), tb_bytes(&s, "\x03\x00\x00\x0b", 4);
    tb_u32(&s, body.len), tb_bytes(&s, body.p, body.len), tb_section(&b, 10, &s);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    uint64_t t0 = wb_now_ns();
    assert_int_equal(wa_module_new(e, b.p, b.len, &m, &err), WB_LIMIT);
    assert_non_null(strstr(err.msg, "operand stack"));
    assert_true(wb_now_ns() - t0 < 5000000000ull);
    wa_engine_free(e);
    tb_free(&body);
    tb_free(&s);
    tb_free(&b);
}

/* Decode + validate only (no translation), timed. */
static void decode_validate_file(const char *name, unsigned min_funcs) {
    size_t len = 0;
    uint8_t *bytes = wt_read_file(name, &len);
    if (!bytes) fail_msg("missing test program %s", name);
    wa_engine *e = wa_engine_new(NULL);
    wa_module m;
    memset(&m, 0, sizeof m);
    m.engine = e;
    m.bytes = bytes;
    m.len = len;
    wb_error err = {0};
    uint64_t t0 = wb_now_ns();
    wb_status st = wa__decode(&m, &err);
    uint64_t t1 = wb_now_ns();
    if (st == WB_OK) st = wa__validate(&m, &err);
    uint64_t t2 = wb_now_ns();
    if (st != WB_OK) fail_msg("%s: %s", name, err.msg);
    assert_true(m.nfuncs >= min_funcs);
    fprintf(stderr, "%s: %zu bytes, %u functions, code %zu bytes: decode %.2f ms, validate %.2f ms\n",
            name, len, m.nfuncs, m.code_section_size, (double)(t1 - t0) / 1e6,
            (double)(t2 - t1) / 1e6);
    /* generous: a CI core under sanitizers is slow, but linear is fast */
    assert_true(t2 - t0 < 5000000000ull);
    wa__module_free_decoded(&m);
    wa_engine_free(e);
    free(bytes);
}

static void real_modules(void **state) {
    (void)state;
    decode_validate_file("decode_real.wasm", 20);
    decode_validate_file("decode_big.wasm", 2000);
    /* the whole pipeline too, and the inspection of what clang made */
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = wt_load(e, "decode_real.wasm");
    bool has_start_export = false;
    for (uint32_t i = 0; i < wa_module_export_count(m); i++)
        if (strcmp(wa_module_export(m, i).name.str, "_start") == 0) has_start_export = true;
    assert_true(has_start_export);
    assert_true(wa_module_import_count(m) > 0);
    assert_string_equal(wa_module_import(m, 0).module.str, "wasi_snapshot_preview1");
    wa_module_unref(m);
    wa_engine_free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operand_typing),
        cmocka_unit_test(control_typing),
        cmocka_unit_test(memory_table_globals),
        cmocka_unit_test(module_rules),
        cmocka_unit_test(deep_operand_stack),
        cmocka_unit_test(stack_amplification),
        cmocka_unit_test(real_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
