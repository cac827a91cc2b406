/* SPDX-License-Identifier: MIT */
/* `wactor bench`: a quick, self-contained performance check of this machine
 * and build - actors, the interpreter against the same code compiled into
 * this binary, instances and components - using only the public API. The
 * full suites with Erlang/OTP and gcc comparisons live in bench/ (make bench). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "wactor/component.h"

/* ---- a tiny module builder (sections with computed sizes) ---------------- */
typedef struct bb {
    uint8_t p[512];
    size_t len;
} bb;

static void bb_put(bb *b, const void *d, size_t n) {
    memcpy(b->p + b->len, d, n); /* callers stay far below sizeof p */
    b->len += n;
}

static void bb_section(bb *b, uint8_t id, const void *d, size_t n) {
    uint8_t h[2] = {id, (uint8_t)n}; /* every section here is < 128 bytes */
    bb_put(b, h, 2);
    bb_put(b, d, n);
}

static const uint8_t wasm_header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};

/* (func $fib (param i32) (result i32)) recursive, exported as "fib". */
static void build_fib(bb *b) {
    static const uint8_t types[] = {1, 0x60, 1, 0x7f, 1, 0x7f};
    static const uint8_t funcs[] = {1, 0};
    static const uint8_t exports[] = {1, 3, 'f', 'i', 'b', 0, 0};
    static const uint8_t body[] = {
        0,                                   /* no locals */
        0x20, 0, 0x41, 2, 0x49,              /* n < 2 (unsigned) */
        0x04, 0x7f, 0x20, 0,                 /* if (result i32) n */
        0x05, 0x20, 0, 0x41, 1, 0x6b, 0x10, 0, /* else fib(n - 1) */
        0x20, 0, 0x41, 2, 0x6b, 0x10, 0, 0x6a, /* + fib(n - 2) */
        0x0b, 0x0b};
    uint8_t code[64] = {1, (uint8_t)sizeof body};
    memcpy(code + 2, body, sizeof body);
    b->len = 0;
    bb_put(b, wasm_header, sizeof wasm_header);
    bb_section(b, 1, types, sizeof types);
    bb_section(b, 3, funcs, sizeof funcs);
    bb_section(b, 7, exports, sizeof exports);
    bb_section(b, 10, code, 2 + sizeof body);
}

/* An echo component (docs/ABI.md): handle_message reads the payload into
 * memory at 0 and, for a request, replies with the same bytes. */
static void build_echo(bb *b) {
    static const uint8_t types[] = {3,
                                    0x60, 2, 0x7f, 0x7f, 1, 0x7f,               /* msg_read */
                                    0x60, 3, 0x7e, 0x7f, 0x7f, 1, 0x7f,         /* reply */
                                    0x60, 4, 0x7e, 0x7f, 0x7e, 0x7f, 1, 0x7f};  /* handle */
    static const uint8_t imports[] = {2,
                                      6, 'w', 'a', 'c', 't', 'o', 'r', 8, 'm', 's', 'g', '_',
                                      'r', 'e', 'a', 'd', 0, 0,
                                      6, 'w', 'a', 'c', 't', 'o', 'r', 5, 'r', 'e', 'p', 'l',
                                      'y', 0, 1};
    static const uint8_t funcs[] = {1, 2};
    static const uint8_t memory[] = {1, 0, 1};
    static const uint8_t exports[] = {2, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0,
                                      14, 'h', 'a', 'n', 'd', 'l', 'e', '_', 'm', 'e', 's', 's',
                                      'a', 'g', 'e', 0, 2};
    static const uint8_t body[] = {
        0,
        0x41, 0, 0x41, 0x80, 0x80, 0x04, 0x10, 0, 0x1a, /* msg_read(0, 65536) */
        0x20, 1, 0x41, 2, 0x46, 0x04, 0x40,            /* if kind == REQUEST */
        0x20, 2, 0x41, 0, 0x20, 3, 0x10, 1, 0x1a,      /*   reply(corr, 0, len) */
        0x0b, 0x41, 0, 0x0b};
    uint8_t code[64] = {1, (uint8_t)sizeof body};
    memcpy(code + 2, body, sizeof body);
    b->len = 0;
    bb_put(b, wasm_header, sizeof wasm_header);
    bb_section(b, 1, types, sizeof types);
    bb_section(b, 2, imports, sizeof imports);
    bb_section(b, 3, funcs, sizeof funcs);
    bb_section(b, 5, memory, sizeof memory);
    bb_section(b, 7, exports, sizeof exports);
    bb_section(b, 10, code, 2 + sizeof body);
}

/* The same function as build_fib's, compiled into this binary. */
__attribute__((noinline)) static uint32_t native_fib(uint32_t n) {
    return n < 2 ? n : native_fib(n - 1) + native_fib(n - 2);
}

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_seconds(void) { return (double)wb_now_ns() / 1e9; }

static void row(const char *what, double value, const char *unit, const char *note) {
    printf("  %-38s %12.1f %-8s %s\n", what, value, unit, note ? note : "");
}

/* ---- actors ---------------------------------------------------------------- */
typedef struct bench_done {
    atomic_uint_fast64_t count;
    uint64_t target;
} bench_done;

typedef struct pp_state {
    wr_id peer;
    uint64_t left;
    bench_done *done;
} pp_state;

typedef struct pp_arg {
    wr_id peer;
    uint64_t rounds;
    bench_done *done;
} pp_arg;

static wb_status pp_init(wr_ctx *ctx, void *arg) {
    pp_state *s = wr_ctx_state(ctx);
    const pp_arg *a = arg;
    s->peer = a->peer, s->left = a->rounds, s->done = a->done;
    return WB_OK;
}

/* tag 1 from outside: the peer id to bounce with; tag 2: a ball. */
static wr_turn pp_handle(wr_ctx *ctx, const wr_msg *m) {
    pp_state *s = wr_ctx_state(ctx);
    if (m->tag == 1) {
        memcpy(&s->peer, m->data, sizeof s->peer);
        wr_ctx_send(ctx, s->peer, 2, NULL, 0, NULL);
        return WR_OK;
    }
    if (s->left == 0 || --s->left == 0) {
        atomic_fetch_add(&s->done->count, 1);
        return WR_OK;
    }
    wr_ctx_send(ctx, m->from, 2, NULL, 0, NULL);
    return WR_OK;
}

static wr_turn exit_handle(wr_ctx *ctx, const wr_msg *m) {
    bench_done *d;
    memcpy(&d, wr_msg_bytes(m, NULL), sizeof d);
    atomic_fetch_add(&d->count, 1);
    wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL);
    return WR_OK;
}

static void wait_done(bench_done *d) {
    while (atomic_load(&d->count) < d->target) {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

static int bench_actors(unsigned workers, uint64_t scale) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    wr_system *sys = NULL;
    wb_error err = {0};
    if (wr_system_new(&cfg, &sys, &err) != WB_OK) {
        fprintf(stderr, "wactor bench: %s\n", err.msg);
        return 1;
    }
    printf("actors (%u workers)\n", wr_system_workers(sys));
    /* spawn, one message, exit */
    uint64_t n = 20000 * scale;
    bench_done d = {.target = n};
    bench_done *dp = &d;
    wr_actor_spec once = {.name = "once", .handle = exit_handle};
    double t0 = wall_seconds();
    for (uint64_t i = 0; i < n; i++) {
        wr_id id;
        if (wr_spawn(sys, &once, NULL, &id, &err) != WB_OK ||
            wr_send(sys, id, 0, &dp, sizeof dp, &err) != WB_OK) {
            fprintf(stderr, "wactor bench: spawn: %s\n", err.msg);
            wr_system_free(sys);
            return 1;
        }
    }
    wait_done(&d);
    row("spawn + message + exit", (wall_seconds() - t0) * 1e9 / (double)n, "ns/actor", NULL);

    /* ping-pong between two actors */
    uint64_t rounds = 100000 * scale;
    bench_done pd = {.target = 1};
    wr_actor_spec pp = {.name = "pp", .init = pp_init, .handle = pp_handle,
                        .state_size = sizeof(pp_state)};
    pp_arg arg = {.rounds = rounds, .done = &pd};
    wr_id a = 0, b = 0;
    wr_spawn(sys, &pp, &arg, &a, &err);
    wr_spawn(sys, &pp, &arg, &b, &err);
    t0 = wall_seconds();
    wr_send(sys, a, 1, &b, sizeof b, &err);
    wait_done(&pd);
    row("ping-pong round trip", (wall_seconds() - t0) * 1e9 / (double)rounds, "ns", NULL);
    wr_system_free(sys);
    return 0;
}

/* ---- the interpreter ------------------------------------------------------ */
static int bench_engine(uint64_t scale) {
    printf("engine\n");
    bb b;
    build_fib(&b);
    wa_engine *e = wa_engine_new(NULL);
    wa_module *m = NULL;
    wb_error err = {0};
    if (!e || wa_module_new(e, b.p, b.len, &m, &err) != WB_OK) {
        fprintf(stderr, "wactor bench: fib module: %s\n", err.msg);
        wa_engine_free(e);
        return 1;
    }
    wa_instance *inst = NULL;
    if (wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK) {
        fprintf(stderr, "wactor bench: %s\n", err.msg);
        return 1;
    }
    uint32_t n = scale > 1 ? 35 : 32;
    volatile uint32_t vn = n;
    double t0 = cpu_seconds();
    uint32_t want = native_fib(vn);
    double native = cpu_seconds() - t0;
    wa_value arg = wa_i32((int32_t)n), res;
    t0 = cpu_seconds();
    wa_run_status rs = wa_instance_call(inst, wa_instance_func(inst, "fib"), &arg, 1,
                                        WA_FUEL_UNLIMITED);
    double interp = cpu_seconds() - t0;
    if (rs != WA_RUN_DONE || wa_instance_results(inst, &res, 1) != 1 ||
        (uint32_t)res.of.i32 != want) {
        fprintf(stderr, "wactor bench: fib gave a wrong result\n");
        return 1;
    }
    char note[64];
    snprintf(note, sizeof note, "(native %.3f s, interpreter %.3f s)", native, interp);
    row("fib: interpreter / native", interp / (native > 0 ? native : 1e-9), "x", note);
    /* fuel slices: the same call in 10k-unit slices */
    t0 = cpu_seconds();
    uint64_t slices = 1;
    rs = wa_instance_call(inst, wa_instance_func(inst, "fib"), &arg, 1, 10000);
    while (rs == WA_RUN_OUT_OF_FUEL) rs = wa_instance_resume(inst, 10000), slices++;
    double sliced = cpu_seconds() - t0;
    snprintf(note, sizeof note, "(%llu slices of 10k fuel)", (unsigned long long)slices);
    row("fib in fuel slices: cost over unlimited", (sliced / interp - 1) * 100, "%", note);
    wa_instance_unref(inst);
    /* instantiate with recycled memory */
    uint64_t count = 20000 * scale;
    t0 = wall_seconds();
    for (uint64_t i = 0; i < count; i++) {
        if (wa_instance_new(m, NULL, NULL, NULL, &inst, &err) != WB_OK) return 1;
        wa_instance_unref(inst);
    }
    row("instantiate + free", (wall_seconds() - t0) * 1e9 / (double)count, "ns", NULL);
    wa_module_unref(m);
    wa_engine_free(e);
    return 0;
}

/* ---- components ----------------------------------------------------------- */
static int bench_components(unsigned workers, uint64_t scale) {
    wr_config cfg;
    wr_config_default(&cfg);
    cfg.workers = workers;
    wr_system *sys = NULL;
    wa_engine *e = wa_engine_new(NULL);
    wc_host *h = NULL;
    wb_error err = {0};
    bb b;
    build_echo(&b);
    int rc = 1;
    if (!e || wr_system_new(&cfg, &sys, &err) != WB_OK) goto out;
    wc_host_config hc = {.sys = sys, .engine = e};
    if (wc_host_new(&hc, &h, &err) != WB_OK ||
        wc_host_define(h, "echo", b.p, b.len, NULL, &err) != WB_OK)
        goto out;
    printf("components\n");
    uint64_t n = 2000 * scale;
    wr_id first = 0;
    double t0 = wall_seconds();
    for (uint64_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "echo.%llu", (unsigned long long)i);
        wr_id id;
        if (wc_spawn(h, "echo", name, &id, &err) != WB_OK) goto out;
        if (!first) first = id;
    }
    row("spawn (cached module, until Ready)", (wall_seconds() - t0) * 1e6 / (double)n, "us",
        "(one at a time from a native thread)");
    static const uint8_t payload[] = {0x55, 'p', 'i', 'n', 'g'};
    uint64_t reqs = 20000 * scale;
    t0 = wall_seconds();
    for (uint64_t i = 0; i < reqs; i++) {
        wc_reply r;
        if (wc_request(h, first, payload, sizeof payload, 1000000000ull, &r, &err) != WB_OK)
            goto out;
        bool same = r.ok && r.payload && r.payload->len == sizeof payload &&
                    memcmp(r.payload->data, payload, sizeof payload) == 0;
        wc_reply_close(&r);
        if (!same) {
            snprintf(err.msg, sizeof err.msg, "echo reply differs from the request");
            goto out;
        }
    }
    row("request -> echo -> reply", (wall_seconds() - t0) * 1e6 / (double)reqs, "us",
        "(from a native thread, waits each reply)");
    rc = 0;
out:
    if (rc) fprintf(stderr, "wactor bench: components: %s\n", err.msg);
    if (sys) wr_system_shutdown(sys, 2000000000ull);
    wr_system_free(sys);
    wc_host_free(h);
    wa_engine_free(e);
    return rc;
}

static void bench_usage(FILE *out) {
    fprintf(out,
            "usage: wactor bench [--workers N] [--long]\n\n"
            "Quick in-process figures for this machine and build: actor spawn and\n"
            "ping-pong, the interpreter against the same function compiled into this\n"
            "binary, fuel slicing, instantiation, component spawn and request/reply.\n"
            "The full suites (Erlang/OTP and gcc -O2 comparisons) are `make bench`.\n");
}

int cli__bench_main(int argc, char **argv) {
    unsigned workers = 0;
    uint64_t scale = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            bench_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--long") == 0) {
            scale = 5;
        } else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v == 0 || v > 256) {
                fprintf(stderr, "wactor bench: --workers wants 1..256\n");
                return 2;
            }
            workers = (unsigned)v;
        } else {
            fprintf(stderr, "wactor bench: unknown option '%s'\n", argv[i]);
            bench_usage(stderr);
            return 2;
        }
    }
    if (bench_actors(workers, scale) || bench_engine(scale) || bench_components(workers, scale))
        return 1;
    return 0;
}
