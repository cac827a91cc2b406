/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the WASI preview1 host functions, called the way a guest
 * calls them. A module built here imports every preview1 function and
 * exports, for each, a wrapper that passes its parameters straight to the
 * import, plus its memory; the input is a list of calls (function and
 * argument words) and pokes (bytes placed in guest memory), run against a
 * fresh context whose preopens are a scratch directory reset to the same
 * tree before each input.
 *
 * Input: [config] [deny?] then ops. An op byte picks a function (every one
 * but proc_exit) or a poke; a call reads one argument word per parameter:
 * a byte whose low two bits say small (the byte >> 2), or a u16, u32 or u64
 * following it, little-endian.
 *
 * Checked beyond no crash/leak: every call returns (suspends only as
 * poll_oneoff with a wait may) with a valid errno and never traps; no host
 * descriptor outlives its context; and nothing beside the scratch
 * directory changes - a sentinel directory next to it, holding a secret
 * and reached from inside by symlinks, must keep its inode data (any
 * write, create, remove, rename or link) and its access times (any read or
 * listing). A change is a sandbox escape: abort(). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wactor/wasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) __builtin_trap();                                       \
    } while (0)

#define MAX_OPS 64
#define POLL_CAP_NS 100000u  /* longest clock wait a poll may spend in place */
#define ALLOC_CAP (1u << 20) /* fd_allocate offset and length: disk is shared */
#define WASI_ERRNO_MAX 76    /* ENOTCAPABLE, the last preview1 errno */

/* Parameter types of each function (i: i32, I: i64), as src/wasm/wasi.c
 * links them: a difference fails the link at start-up. */
static const char *const sigs[WA_WASI_FUNC_COUNT_] = {
    [WA_WASI_args_get] = "ii", [WA_WASI_args_sizes_get] = "ii",
    [WA_WASI_environ_get] = "ii", [WA_WASI_environ_sizes_get] = "ii",
    [WA_WASI_clock_res_get] = "ii", [WA_WASI_clock_time_get] = "iIi",
    [WA_WASI_fd_advise] = "iIIi", [WA_WASI_fd_allocate] = "iII", [WA_WASI_fd_close] = "i",
    [WA_WASI_fd_datasync] = "i", [WA_WASI_fd_fdstat_get] = "ii",
    [WA_WASI_fd_fdstat_set_flags] = "ii", [WA_WASI_fd_fdstat_set_rights] = "iII",
    [WA_WASI_fd_filestat_get] = "ii", [WA_WASI_fd_filestat_set_size] = "iI",
    [WA_WASI_fd_filestat_set_times] = "iIIi", [WA_WASI_fd_pread] = "iiiIi",
    [WA_WASI_fd_prestat_get] = "ii", [WA_WASI_fd_prestat_dir_name] = "iii",
    [WA_WASI_fd_pwrite] = "iiiIi", [WA_WASI_fd_read] = "iiii", [WA_WASI_fd_readdir] = "iiiIi",
    [WA_WASI_fd_renumber] = "ii", [WA_WASI_fd_seek] = "iIii", [WA_WASI_fd_sync] = "i",
    [WA_WASI_fd_tell] = "ii", [WA_WASI_fd_write] = "iiii",
    [WA_WASI_path_create_directory] = "iii", [WA_WASI_path_filestat_get] = "iiiii",
    [WA_WASI_path_filestat_set_times] = "iiiiIIi", [WA_WASI_path_link] = "iiiiiii",
    [WA_WASI_path_open] = "iiiiiIIii", [WA_WASI_path_readlink] = "iiiiii",
    [WA_WASI_path_remove_directory] = "iii", [WA_WASI_path_rename] = "iiiiii",
    [WA_WASI_path_symlink] = "iiiii", [WA_WASI_path_unlink_file] = "iii",
    [WA_WASI_poll_oneoff] = "iiii", [WA_WASI_proc_exit] = "i", [WA_WASI_proc_raise] = "i",
    [WA_WASI_sched_yield] = "", [WA_WASI_random_get] = "ii", [WA_WASI_sock_accept] = "iii",
    [WA_WASI_sock_recv] = "iiiiii", [WA_WASI_sock_send] = "iiiii", [WA_WASI_sock_shutdown] = "ii",
};

/* ---- the module ------------------------------------------------------------ */
typedef struct bytes {
    uint8_t b[8192];
    size_t n;
} bytes;

static void put(bytes *o, uint8_t v) {
    CHECK(o->n < sizeof o->b);
    o->b[o->n++] = v;
}

static void put_leb(bytes *o, uint32_t v) {
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        put(o, c | (v ? 0x80 : 0));
    } while (v);
}

static void put_name(bytes *o, const char *s) {
    put_leb(o, (uint32_t)strlen(s));
    for (; *s; s++) put(o, (uint8_t)*s);
}

static void put_section(bytes *o, uint8_t id, const bytes *body) {
    put(o, id);
    put_leb(o, (uint32_t)body->n);
    for (size_t i = 0; i < body->n; i++) put(o, body->b[i]);
}

/* Imports 0..N-1 are the preview1 functions; function N+i wraps import i
 * and is exported under its name. */
static void build_module(bytes *m) {
    static bytes sec, body;
    const uint32_t n = WA_WASI_FUNC_COUNT_;
    static const uint8_t header[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    for (size_t i = 0; i < sizeof header; i++) put(m, header[i]);
    sec.n = 0;
    put_leb(&sec, n);
    for (uint32_t f = 0; f < n; f++) {
        put(&sec, 0x60);
        put_leb(&sec, (uint32_t)strlen(sigs[f]));
        for (const char *p = sigs[f]; *p; p++) put(&sec, *p == 'I' ? 0x7E : 0x7F);
        if (f == WA_WASI_proc_exit) put(&sec, 0);
        else put(&sec, 1), put(&sec, 0x7F);
    }
    put_section(m, 1, &sec);
    sec.n = 0;
    put_leb(&sec, n);
    for (uint32_t f = 0; f < n; f++) {
        put_name(&sec, "wasi_snapshot_preview1");
        put_name(&sec, wa_wasi_func_name((wa_wasi_func)f));
        put(&sec, 0x00);
        put_leb(&sec, f);
    }
    put_section(m, 2, &sec);
    sec.n = 0;
    put_leb(&sec, n);
    for (uint32_t f = 0; f < n; f++) put_leb(&sec, f);
    put_section(m, 3, &sec);
    sec.n = 0;
    put_leb(&sec, 1);
    put(&sec, 0x01), put_leb(&sec, 1), put_leb(&sec, 1); /* one page, fixed */
    put_section(m, 5, &sec);
    sec.n = 0;
    put_leb(&sec, n + 1);
    put_name(&sec, "memory"), put(&sec, 0x02), put_leb(&sec, 0);
    for (uint32_t f = 0; f < n; f++) {
        put_name(&sec, wa_wasi_func_name((wa_wasi_func)f));
        put(&sec, 0x00), put_leb(&sec, n + f);
    }
    put_section(m, 7, &sec);
    sec.n = 0;
    put_leb(&sec, n);
    for (uint32_t f = 0; f < n; f++) {
        body.n = 0;
        put_leb(&body, 0); /* no locals */
        for (uint32_t k = 0; k < strlen(sigs[f]); k++) put(&body, 0x20), put_leb(&body, k);
        put(&body, 0x10), put_leb(&body, f), put(&body, 0x0B);
        put_leb(&sec, (uint32_t)body.n);
        for (size_t i = 0; i < body.n; i++) put(&sec, body.b[i]);
    }
    put_section(m, 10, &sec);
}

/* ---- the world: engine, module, directories --------------------------------- */
enum { SNAP_BASE, SNAP_SENTINEL, SNAP_SECRET, SNAP_SUB, SNAP_COUNT };

static struct {
    wa_engine *engine;
    wa_module *module;
    wa_linker *linker;
    wa_instance *inst; /* reused: its memory is reset and its context swapped per input */
    wa_func *funcs[WA_WASI_FUNC_COUNT_];
    char base[64];
    char scratch[96], ro[112];
    char snap_path[SNAP_COUNT][96];
    struct stat snap[SNAP_COUNT];
    int scratch_fd;
    int devnull;
    bool trace; /* FUZZ_WASI_TRACE set: print each call and its errno */
} W;

/* Removes everything inside directory dfd, never following a symlink. */
static void rm_contents(int dfd, int depth) {
    CHECK(depth < 1024);
    int d2 = dup(dfd);
    CHECK(d2 >= 0);
    DIR *d = fdopendir(d2);
    CHECK(d != NULL);
    for (bool any = true; any;) {
        any = false;
        rewinddir(d);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            any = true;
            if (unlinkat(dfd, de->d_name, 0) == 0) continue;
            CHECK(errno == EISDIR);
            int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            CHECK(sub >= 0);
            rm_contents(sub, depth + 1);
            close(sub);
            CHECK(unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0);
        }
    }
    closedir(d);
}

static void write_file(int dfd, const char *name, const char *text) {
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

/* The tree every input starts from: files, directories, and symlinks that
 * lead nowhere, in circles, or out (relative and absolute). */
static void make_tree(void) {
    int s = W.scratch_fd;
    char abs_target[128];
    rm_contents(s, 0);
    write_file(s, "a.txt", "hello, sandbox\n");
    CHECK(mkdirat(s, "dir", 0755) == 0 && mkdirat(s, "dir/deeper", 0755) == 0);
    write_file(s, "dir/b.txt", "bbb");
    CHECK(mkdirat(s, "empty", 0755) == 0 && mkdirat(s, "ro", 0755) == 0);
    write_file(s, "ro/r.txt", "read only\n");
    snprintf(abs_target, sizeof abs_target, "%s/sentinel/secret", W.base);
    static const char *const links[][2] = {
        {"a.txt", "link"}, {"dir", "dirlink"}, {"nowhere", "dangling"}, {"loop", "loop"},
        {"../sentinel", "up"}, {"../sentinel/secret", "upfile"}, {"dir/../../sentinel", "up2"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        CHECK(symlinkat(links[i][0], s, links[i][1]) == 0);
    CHECK(symlinkat(abs_target, s, "abs") == 0);
}

static void cleanup(void) {
    if (!W.base[0]) return;
    int fd = open(W.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        rm_contents(fd, 0);
        close(fd);
    }
    rmdir(W.base);
}

/* Sentinel entries get an access time far in the past: with relatime (or
 * strictatime) any read then updates it. */
static void make_sentinel(void) {
    static const char *const rel[SNAP_COUNT] = {"", "/sentinel", "/sentinel/secret", "/sentinel/sub"};
    for (int i = 0; i < SNAP_COUNT; i++)
        snprintf(W.snap_path[i], sizeof W.snap_path[i], "%s%s", W.base, rel[i]);
    CHECK(mkdir(W.snap_path[SNAP_SENTINEL], 0755) == 0 && mkdir(W.snap_path[SNAP_SUB], 0755) == 0);
    int fd = open(W.snap_path[SNAP_SECRET], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    CHECK(fd >= 0 && write(fd, "do not read\n", 12) == 12);
    close(fd);
    const struct timespec old[2] = {{946684800, 0}, {0, UTIME_OMIT}}; /* 2000-01-01 */
    for (int i = SNAP_SENTINEL; i < SNAP_COUNT; i++)
        CHECK(utimensat(AT_FDCWD, W.snap_path[i], old, AT_SYMLINK_NOFOLLOW) == 0);
    /* Read the secret once ourselves: the check must see it. */
    char c;
    fd = open(W.snap_path[SNAP_SECRET], O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0 && read(fd, &c, 1) == 1);
    close(fd);
    struct stat sb;
    CHECK(stat(W.snap_path[SNAP_SECRET], &sb) == 0);
    if (sb.st_atim.tv_sec == old[0].tv_sec)
        fprintf(stderr, "fuzz_wasi: %s is mounted noatime: reads outside go unseen\n", W.base);
    CHECK(utimensat(AT_FDCWD, W.snap_path[SNAP_SECRET], old, 0) == 0);
    for (int i = 0; i < SNAP_COUNT; i++) CHECK(lstat(W.snap_path[i], &W.snap[i]) == 0);
}

static bool same_time(struct timespec a, struct timespec b) {
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static void check_sentinel(void) {
    for (int i = 0; i < SNAP_COUNT; i++) {
        struct stat sb;
        const struct stat *o = &W.snap[i];
        bool same = lstat(W.snap_path[i], &sb) == 0 && sb.st_ino == o->st_ino &&
                    sb.st_mode == o->st_mode && sb.st_nlink == o->st_nlink &&
                    sb.st_size == o->st_size && same_time(sb.st_mtim, o->st_mtim) &&
                    same_time(sb.st_ctim, o->st_ctim) &&
                    (i == SNAP_BASE || same_time(sb.st_atim, o->st_atim));
        if (!same) {
            fprintf(stderr, "fuzz_wasi: SANDBOX ESCAPE: %s changed\n", W.snap_path[i]);
            abort();
        }
    }
}

static void world_init(void) {
    W.trace = getenv("FUZZ_WASI_TRACE") != NULL;
    /* tmpfs when there is one: fsync and O_SYNC cost little there. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(W.base, sizeof W.base, "%s/wactor-fuzz-wasi-XXXXXX", tmp);
    CHECK(mkdtemp(W.base) != NULL);
    atexit(cleanup);
    snprintf(W.scratch, sizeof W.scratch, "%s/scratch", W.base);
    snprintf(W.ro, sizeof W.ro, "%s/ro", W.scratch);
    CHECK(mkdir(W.scratch, 0755) == 0);
    W.scratch_fd = open(W.scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    W.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    CHECK(W.scratch_fd >= 0 && W.devnull >= 0);
    make_sentinel();
    W.engine = wa_engine_new(NULL);
    CHECK(W.engine != NULL);
    static bytes m;
    build_module(&m);
    wb_error err = {0};
    if (wa_module_new(W.engine, m.b, m.n, &W.module, &err) != WB_OK) {
        fprintf(stderr, "fuzz_wasi: module: %s\n", err.msg);
        abort();
    }
    W.linker = wa_linker_new(W.engine);
    CHECK(W.linker && wa_wasi_link(W.linker, NULL, &err) == WB_OK);
    wa_limits lim = {.max_memory_pages = 1};
    CHECK(wa_instance_new(W.module, W.linker, &lim, NULL, &W.inst, &err) == WB_OK);
    for (unsigned f = 0; f < WA_WASI_FUNC_COUNT_; f++)
        CHECK((W.funcs[f] = wa_instance_func(W.inst, wa_wasi_func_name((wa_wasi_func)f))));
}

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    CHECK(d != NULL);
    int n = 0;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

/* ---- one input -------------------------------------------------------------------- */
enum { WAIT_NONE, WAIT_SUSPEND, WAIT_DECLINE };

typedef struct run {
    const uint8_t *p;
    size_t left;
    wa_instance *inst;
    wa_wasi *w;
    int wait_mode;
    bool waited;
    uint64_t deadline; /* of the last wait asked for */
} run;

static uint8_t take8(run *r) {
    if (!r->left) return 0;
    r->left--;
    return *r->p++;
}

static uint64_t take_le(run *r, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)take8(r) << (8 * i);
    return v;
}

static uint64_t take_arg(run *r) {
    uint8_t b = take8(r);
    static const int sizes[] = {0, 2, 4, 8};
    return (b & 3) == 0 ? b >> 2 : take_le(r, sizes[b & 3]);
}

static bool on_wait(wa_instance *caller, const wa_wasi_wait_req *req, void *ud) {
    run *r = ud;
    CHECK(caller == r->inst && (req->nfds == 0 || req->fds));
    for (uint32_t i = 0; i < req->nfds; i++) CHECK(req->fds[i].fd >= 0);
    r->waited = true;
    r->deadline = req->deadline_ns;
    return r->wait_mode == WAIT_SUSPEND;
}

static void put_le(uint8_t *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* A poll that may wait in place (no wait hook, or one that declines) gets
 * its clock timeouts capped, so no input holds the fuzzer for long. */
static void cap_clocks(run *r, uint32_t subs, uint32_t nsubs) {
    for (uint32_t i = 0; i < nsubs && i < 4096; i++) {
        uint8_t *s = wa_instance_mem_ptr(r->inst, (uint64_t)subs + 48ull * i, 48);
        if (!s) return;
        if (s[8] != 0) continue; /* not a clock */
        uint64_t limit = POLL_CAP_NS;
        if (get_le(s + 40, 2) & 1) { /* absolute */
            struct timespec ts;
            clock_gettime(get_le(s + 16, 4) == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
            limit += (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        }
        if (get_le(s + 24, 8) > limit) put_le(s + 24, limit, 8);
    }
}

static void tame(run *r, wa_wasi_func f, wa_value *a) {
    if (f == WA_WASI_fd_allocate) {
        if (a[1].of.i64 > ALLOC_CAP) a[1].of.i64 %= ALLOC_CAP;
        if (a[2].of.i64 > ALLOC_CAP) a[2].of.i64 %= ALLOC_CAP;
    }
    if (f == WA_WASI_poll_oneoff && r->wait_mode != WAIT_SUSPEND)
        cap_clocks(r, (uint32_t)a[0].of.i32, (uint32_t)a[2].of.i32);
}

/* A call suspended in the wait hook: resumed a few times (early is allowed:
 * it waits again), after its deadline if that is near - then it must be
 * done; a far one is abandoned, as an embedder stopping the program does.
 * True when the call finished. */
static bool finish_wait(run *r, wa_wasi_func f) {
    wa_run_status rs = WA_RUN_SUSPENDED;
    for (int i = 0; rs == WA_RUN_SUSPENDED && i < 4; i++) {
        CHECK(r->wait_mode == WAIT_SUSPEND && r->waited);
        CHECK(f == WA_WASI_poll_oneoff || f == WA_WASI_fd_read || f == WA_WASI_fd_write ||
              f == WA_WASI_fd_pread || f == WA_WASI_fd_pwrite);
        bool near = r->deadline <= wb_now_ns() + POLL_CAP_NS;
        while (near && wb_now_ns() <= r->deadline) {
        }
        r->waited = false;
        rs = wa_wasi_resume(r->w, r->inst, WA_FUEL_UNLIMITED);
        CHECK(rs != WA_RUN_SUSPENDED || !near); /* the deadline passed: no more waiting */
    }
    if (rs == WA_RUN_SUSPENDED) {
        wa_instance_cancel(r->inst);
        wa_wasi_cancel(r->w);
        return false;
    }
    CHECK(rs == WA_RUN_DONE);
    return true;
}

static void trace_call(wa_wasi_func f, const wa_value *a, uint32_t n, int32_t e) {
    fprintf(stderr, "%s(", wa_wasi_func_name(f));
    for (uint32_t i = 0; i < n; i++)
        fprintf(stderr, "%s%lld", i ? ", " : "",
                a[i].type == WA_I64 ? (long long)a[i].of.i64 : (long long)a[i].of.i32);
    fprintf(stderr, ") -> %d\n", (int)e);
}

static void call(run *r, wa_wasi_func f) {
    wa_value a[9];
    uint32_t n = 0;
    for (const char *s = sigs[f]; *s; s++) {
        uint64_t v = take_arg(r);
        a[n++] = *s == 'I' ? wa_i64((int64_t)v) : wa_i32((int32_t)(uint32_t)v);
    }
    tame(r, f, a);
    r->waited = false;
    wa_run_status rs = wa_instance_call(r->inst, W.funcs[f], a, n, WA_FUEL_UNLIMITED);
    if (rs == WA_RUN_SUSPENDED) {
        if (!finish_wait(r, f)) return;
        rs = WA_RUN_DONE;
    }
    if (rs != WA_RUN_DONE) {
        fprintf(stderr, "fuzz_wasi: %s: run status %d: %s\n", wa_wasi_func_name(f), (int)rs,
                wa_instance_trap(r->inst)->message);
        abort();
    }
    wa_value res;
    CHECK(wa_instance_results(r->inst, &res, 1) == 1 && res.type == WA_I32);
    CHECK((uint32_t)res.of.i32 <= WASI_ERRNO_MAX);
    if (W.trace) trace_call(f, a, n, res.of.i32);
    if (f == WA_WASI_poll_oneoff && res.of.i32 == 0) {
        uint8_t nev[4];
        CHECK(wa_instance_mem_read(r->inst, (uint32_t)a[3].of.i32, nev, 4) == WB_OK);
        uint32_t got = (uint32_t)get_le(nev, 4);
        CHECK(got >= 1 && got <= (uint32_t)a[2].of.i32);
    }
}

/* Places bytes from the input in guest memory (what fits). */
static void poke(run *r) {
    uint32_t off = (uint32_t)take_le(r, 2);
    uint32_t n = take8(r);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t b = take8(r);
        wa_instance_mem_write(r->inst, (uint64_t)off + i, &b, 1);
    }
}

/* Strings, iovecs and poll subscriptions where the seeds expect them. */
static void init_memory(wa_instance *inst) {
    uint64_t size = 0;
    uint8_t *mem = wa_instance_memory(inst, &size);
    CHECK(mem != NULL);
    memset(mem, 0, size);
    static const char *const paths[] = {
        "a.txt", "dir", "dir/b.txt", "link", "dirlink", "new", "new/", "up/secret",
        "upfile", "../sentinel/secret", "abs", "dir/../a.txt", "loop", ".", "ro/r.txt", "up2"};
    for (uint32_t i = 0; i < 16; i++)
        wa_instance_mem_write(inst, 0x100 + 32 * i, paths[i], strlen(paths[i]));
    uint8_t iov[24];
    put_le(iov, 0x1000, 4), put_le(iov + 4, 16, 4);
    put_le(iov + 8, 0x1100, 4), put_le(iov + 12, 300, 4);
    put_le(iov + 16, 0x2000, 4), put_le(iov + 20, 0x1000, 4);
    wa_instance_mem_write(inst, 0x400, iov, sizeof iov);
    const char *text = "hello from the guest\n";
    wa_instance_mem_write(inst, 0x1000, text, strlen(text));
    uint8_t subs[4 * 48] = {0};
    for (int i = 0; i < 4; i++) put_le(subs + 48 * i, (uint64_t)i + 1, 8); /* userdata */
    subs[8] = 0, put_le(subs + 16, 1, 4), put_le(subs + 24, 1000, 8);  /* monotonic 1 us */
    subs[48 + 8] = 1, put_le(subs + 48 + 16, 0, 4);                     /* stdin readable */
    subs[96 + 8] = 2, put_le(subs + 96 + 16, 1, 4);                     /* stdout writable */
    subs[144 + 8] = 0, put_le(subs + 144 + 40, 1, 2);                   /* realtime, absolute 0 */
    wa_instance_mem_write(inst, 0x600, subs, sizeof subs);
}

static size_t on_write(void *ud, int stream, const uint8_t *data, size_t len) {
    (void)ud;
    (void)stream;
    (void)data;
    return len < 200 ? len : len / 2; /* long writes come up short: EIO */
}

static wa_wasi_stdio stdio_of(int stream, unsigned kind) {
    wa_wasi_stdio s;
    memset(&s, 0, sizeof s);
    static const char input[] = "line one\nline two\n";
    static const wa_wasi_stdio_kind in_kinds[] = {WA_WASI_STDIO_NULL, WA_WASI_STDIO_BUFFER,
                                                  WA_WASI_STDIO_FD, WA_WASI_STDIO_BUFFER};
    static const wa_wasi_stdio_kind out_kinds[] = {WA_WASI_STDIO_BUFFER, WA_WASI_STDIO_NULL,
                                                   WA_WASI_STDIO_CALLBACK, WA_WASI_STDIO_FD};
    s.kind = stream == 0 ? in_kinds[kind & 3] : out_kinds[kind & 3];
    s.fd = W.devnull;
    s.input = (const uint8_t *)input;
    s.input_len = sizeof input - 1;
    s.write = on_write;
    return s;
}

/* Config byte: bits 0-1 stdin, 2-3 stdout, 4-5 stderr, 6 wait hook that
 * suspends (else none), 7 a deny byte follows (one function refused); with
 * both the hook declines, so the poll waits in place. */
static wb_status context_new(run *r, wa_wasi **out) {
    uint8_t cfg_byte = take8(r);
    static const char *const args[] = {"fuzz", "--verbose", "x=1"};
    static const char *const env[] = {"HOME=/", "LANG=C"};
    wa_wasi_preopen pre[2] = {{W.scratch, ".", false}, {W.ro, "/ro", true}};
    wa_wasi_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.args = args, cfg.nargs = 3;
    cfg.env = env, cfg.nenv = 2;
    cfg.preopens = pre, cfg.npreopens = 2;
    for (int i = 0; i < 3; i++) cfg.stdio[i] = stdio_of(i, (unsigned)cfg_byte >> (2 * i));
    cfg.capture_max = 1024;
    cfg.max_fds = 12; /* low enough for inputs to reach EMFILE */
    r->wait_mode = WAIT_NONE;
    if (cfg_byte & 0x40) {
        cfg.wait = on_wait;
        cfg.wait_ud = r;
        r->wait_mode = (cfg_byte & 0x80) ? WAIT_DECLINE : WAIT_SUSPEND;
    }
    if (cfg_byte & 0x80) cfg.deny = WA_WASI_BIT(take8(r) % WA_WASI_FUNC_COUNT_);
    wb_error err;
    return wa_wasi_new(&cfg, out, &err);
}

/* Every function but proc_exit, which ends the program. */
static wa_wasi_func callable(unsigned k) {
    return (wa_wasi_func)(k < WA_WASI_proc_exit ? k : k + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!W.engine) world_init();
    make_tree();
    int fds = count_fds();
    run r;
    memset(&r, 0, sizeof r);
    r.p = data;
    r.left = size;
    CHECK(context_new(&r, &r.w) == WB_OK);
    wa_wasi *w = r.w;
    r.inst = W.inst;
    wa_instance_set_user_data(r.inst, w);
    init_memory(r.inst);
    const unsigned ncall = WA_WASI_FUNC_COUNT_ - 1;
    for (int op = 0; op < MAX_OPS && r.left; op++) {
        unsigned k = take8(&r) % (ncall + 1);
        if (k == ncall) poke(&r);
        else call(&r, callable(k));
    }
    CHECK(!wa_wasi_exited(w, NULL));
    /* The context's count of host descriptors is the truth. */
    CHECK((uint32_t)(count_fds() - fds) == wa_wasi_open_fds(w));
    CHECK(!wa_instance_busy(r.inst));
    wa_instance_set_user_data(r.inst, NULL);
    wa_wasi_free(w);
    CHECK(count_fds() == fds); /* every descriptor the program opened is closed */
    check_sentinel();
    return 0;
}
