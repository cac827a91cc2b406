/* SPDX-License-Identifier: MIT */
/* WASI preview1 paths: resolution that never leaves a granted directory, and
 * every path_* call. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WASI_PATH_MAX 4096
#define WASI_MAX_SYMLINKS 40
#define WASI_MAX_DEPTH 256

/* ---- resolution ---------------------------------------------------------------- */
/* Resolution walks one component at a time from the base descriptor, holding
 * a descriptor per directory entered (O_PATH | O_NOFOLLOW), so `..` pops a
 * level and can never rise above the base, and a symlink is read and spliced
 * into the remaining path instead of being followed by the kernel. Absolute
 * paths and absolute symlink targets name the host's root: refused. Every
 * step is anchored on a held descriptor, so a concurrent rename cannot move
 * the walk outside either. (openat2(RESOLVE_BENEATH) would do the same in
 * the kernel; one portable walk is simpler to trust than two paths.) */
typedef struct wasi_walk {
    int base;
    int stack[WASI_MAX_DEPTH]; /* owner: walk; directories entered */
    unsigned depth;
    unsigned links;
    bool slash_link; /* see wa__wasi_at */
    char path[WASI_PATH_MAX]; /* what is left to resolve */
    size_t pos;
} wasi_walk;

static int walk_cur(const wasi_walk *wk) { return wk->depth ? wk->stack[wk->depth - 1] : wk->base; }

static void walk_finish(wasi_walk *wk, const char *name, wa__wasi_at *out) {
    out->dir = walk_cur(wk);
    out->slash_link = wk->slash_link;
    out->own = wk->depth > 0;
    snprintf(out->name, sizeof out->name, "%s", name);
    for (unsigned i = 0; i + 1 < wk->depth; i++) close(wk->stack[i]);
    wk->depth = 0;
}

static void walk_abort(wasi_walk *wk) {
    for (unsigned i = 0; i < wk->depth; i++) close(wk->stack[i]);
    wk->depth = 0;
}

/* Replaces component `comp` (ending at wk->pos) by its symlink target. */
static uint16_t walk_splice_link(wasi_walk *wk, const char *comp) {
    if (++wk->links > WASI_MAX_SYMLINKS) return WA_WASI_ELOOP;
    char target[WASI_PATH_MAX];
    ssize_t n = readlinkat(walk_cur(wk), comp, target, sizeof target - 1);
    if (n < 0) return wa__wasi_errno(errno);
    if (n == 0) return WA_WASI_ENOENT;
    target[n] = 0;
    if (target[0] == '/') return WA_WASI_ENOTCAPABLE; /* points at the host's root */
    const char *rest = wk->path + wk->pos;
    size_t rlen = strlen(rest);
    if ((size_t)n + rlen + 1 >= sizeof wk->path) return WA_WASI_ENAMETOOLONG;
    memmove(wk->path + n, rest, rlen + 1); /* rest starts with '/' or is empty */
    memcpy(wk->path, target, (size_t)n);
    wk->pos = 0;
    return WA_WASI_ESUCCESS;
}

static bool is_symlink(int dir, const char *name) {
    struct stat sb;
    return fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode);
}

static bool is_dir(int dir, const char *name) {
    struct stat sb;
    return fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

static bool exists(int dir, const char *name) {
    struct stat sb;
    return fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Enters directory `comp`, or splices it when it is a symlink. */
static uint16_t walk_enter(wasi_walk *wk, const char *comp) {
    int cur = walk_cur(wk);
    int fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        if (wk->depth == WASI_MAX_DEPTH) {
            close(fd);
            return WA_WASI_ENAMETOOLONG;
        }
        wk->stack[wk->depth++] = fd;
        return WA_WASI_ESUCCESS;
    }
    int e = errno;
    if ((e == ELOOP || e == ENOTDIR) && is_symlink(cur, comp)) return walk_splice_link(wk, comp);
    return wa__wasi_errno(e);
}

/* wasi-libc's chdir() keeps the cwd as a string ("/a/b/../.."), so its
 * paths may pass through directories the program has left and removed
 * since; the host's cwd is an inode and never looks at them. A component
 * that is missing but cancelled by a later ".." is skipped with what
 * follows it up to that "..": true when that happened. */
static bool walk_skip_missing(wasi_walk *wk) {
    size_t p = wk->pos;
    int depth = 1;
    while (depth > 0) {
        while (wk->path[p] == '/') p++;
        if (!wk->path[p]) return false;
        size_t s = p;
        while (wk->path[p] && wk->path[p] != '/') p++;
        if (p - s == 2 && wk->path[s] == '.' && wk->path[s + 1] == '.') depth--;
        else if (p - s != 1 || wk->path[s] != '.') depth++;
    }
    wk->pos = p;
    return true;
}

static uint16_t walk_run(wasi_walk *wk, bool follow, wa__wasi_at *out) {
    for (;;) {
        while (wk->path[wk->pos] == '/') wk->pos++;
        if (!wk->path[wk->pos]) {
            walk_finish(wk, ".", out);
            return WA_WASI_ESUCCESS;
        }
        size_t start = wk->pos;
        while (wk->path[wk->pos] && wk->path[wk->pos] != '/') wk->pos++;
        size_t clen = wk->pos - start;
        if (clen > 255) return WA_WASI_ENAMETOOLONG;
        char comp[256];
        memcpy(comp, wk->path + start, clen);
        comp[clen] = 0;
        bool slash = wk->path[wk->pos] == '/';
        size_t after = wk->pos;
        while (wk->path[after] == '/') after++;
        bool last = !wk->path[after];
        uint16_t e = WA_WASI_ESUCCESS;
        if (strcmp(comp, ".") == 0) {
            continue;
        } else if (strcmp(comp, "..") == 0) {
            if (wk->depth == 0) return WA_WASI_ENOTCAPABLE; /* above the granted dir */
            close(wk->stack[--wk->depth]);
            continue;
        } else if (last) {
            /* A trailing slash follows a final symlink, as POSIX says. The
             * name is handed on without the slash: a slash would make the
             * kernel follow a symlink swapped in after this check. */
            if (!(follow || slash) || !is_symlink(walk_cur(wk), comp)) {
                /* "file/" names no file, as on the host (stat, open, unlink). */
                if (slash && exists(walk_cur(wk), comp) && !is_dir(walk_cur(wk), comp))
                    return WA_WASI_ENOTDIR;
                walk_finish(wk, comp, out);
                out->dir_only = slash;
                return WA_WASI_ESUCCESS;
            }
            if (!follow) wk->slash_link = true;
            e = walk_splice_link(wk, comp);
        } else {
            e = walk_enter(wk, comp);
            if (e == WA_WASI_ENOENT && walk_skip_missing(wk)) continue;
        }
        if (e != WA_WASI_ESUCCESS) return e;
    }
}

uint16_t wa__wasi_resolve(wa_instance *in, int base, uint32_t ptr, uint32_t len, bool follow,
                          wa__wasi_at *out) {
    memset(out, 0, sizeof *out);
    out->dir = -1;
    const char *gp = wa_instance_mem_ptr(in, ptr, len);
    if (!gp && len) return WA_WASI_EFAULT;
    if (len == 0) return WA_WASI_ENOENT;
    if (len >= WASI_PATH_MAX) return WA_WASI_ENAMETOOLONG;
    if (memchr(gp, 0, len)) return WA_WASI_EINVAL;
    if (gp[0] == '/') return WA_WASI_ENOTCAPABLE; /* the host's root, not a grant */
    wasi_walk *wk = malloc(sizeof *wk); /* 5 KiB: keep it off small worker stacks */
    if (!wk) return WA_WASI_ENOMEM;
    wk->base = base;
    wk->depth = 0;
    wk->links = 0;
    wk->slash_link = false;
    wk->pos = 0;
    memcpy(wk->path, gp, len);
    wk->path[len] = 0;
    uint16_t e = walk_run(wk, follow, out);
    if (e != WA_WASI_ESUCCESS) walk_abort(wk);
    free(wk);
    return e;
}

void wa__wasi_at_close(wa__wasi_at *at) {
    if (at->own && at->dir >= 0) close(at->dir);
    at->dir = -1;
    at->own = false;
}

/* The directory descriptor `fd` with rights `need`, as a host descriptor. */
static uint16_t path_dir(wa_wasi *w, uint32_t fd, uint64_t need, int *host, uint64_t *inh) {
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, fd, need, &e);
    if (!ent) return e;
    if (ent->kind != WA__WASI_FD_DIR) return WA_WASI_ENOTDIR;
    *host = ent->host;
    if (inh) *inh = ent->inheriting;
    return WA_WASI_ESUCCESS;
}

/* Resolves (fd, path) for an operation needing `need` on the directory. */
static uint16_t path_at(wa_wasi *w, wa_instance *in, uint32_t fd, uint64_t need, uint32_t ptr,
                        uint32_t len, bool follow, wa__wasi_at *at) {
    int host = -1;
    at->dir = -1;
    at->own = false;
    uint16_t e = path_dir(w, fd, need, &host, NULL);
    if (e != WA_WASI_ESUCCESS) return e;
    return wa__wasi_resolve(in, host, ptr, len, follow, at);
}

static uint16_t host_result(int rc) { return rc == 0 ? WA_WASI_ESUCCESS : wa__wasi_errno(errno); }

/* ---- create, remove, stat ------------------------------------------------------- */
static uint16_t path_simple(wa_wasi *w, wa_instance *in, const wa_value *a, wa_wasi_func f) {
    static const struct { int right; } need[] = {{WA_WASI_R_PATH_CREATE_DIRECTORY},
                                                 {WA_WASI_R_PATH_REMOVE_DIRECTORY},
                                                 {WA_WASI_R_PATH_UNLINK_FILE}};
    int k = f == WA_WASI_path_create_directory ? 0 : f == WA_WASI_path_remove_directory ? 1 : 2;
    wa__wasi_at at;
    uint16_t e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(need[k].right),
                         (uint32_t)a[1].of.i32, (uint32_t)a[2].of.i32, false, &at);
    if (e != WA_WASI_ESUCCESS) return e;
    if (at.slash_link) {
        /* "link/": the host neither creates nor removes through the link. */
        wa__wasi_at_close(&at);
        return k == 0 ? WA_WASI_EEXIST : WA_WASI_ENOTDIR;
    }
    int rc = k == 0 ? mkdirat(at.dir, at.name, 0777)
                    : unlinkat(at.dir, at.name, k == 1 ? AT_REMOVEDIR : 0);
    e = host_result(rc);
    wa__wasi_at_close(&at);
    return e;
}

wa_host_status wa__wasi_path_create_directory(wa_instance *in, const wa_value *a, wa_value *r,
                                              void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_create_directory, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_simple(w, in, a, WA_WASI_path_create_directory));
}

wa_host_status wa__wasi_path_remove_directory(wa_instance *in, const wa_value *a, wa_value *r,
                                              void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_remove_directory, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_simple(w, in, a, WA_WASI_path_remove_directory));
}

wa_host_status wa__wasi_path_unlink_file(wa_instance *in, const wa_value *a, wa_value *r,
                                         void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_unlink_file, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_simple(w, in, a, WA_WASI_path_unlink_file));
}

wa_host_status wa__wasi_path_filestat_get(wa_instance *in, const wa_value *a, wa_value *r,
                                          void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_filestat_get, r, &hs);
    if (!w) return hs;
    wa__wasi_at at;
    bool follow = (uint32_t)a[1].of.i32 & WA_WASI_LOOKUP_FOLLOW;
    uint16_t e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_PATH_FILESTAT_GET),
                         (uint32_t)a[2].of.i32, (uint32_t)a[3].of.i32, follow, &at);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    struct stat sb;
    /* Resolution already followed what had to be followed. */
    e = host_result(fstatat(at.dir, at.name, &sb, AT_SYMLINK_NOFOLLOW));
    wa__wasi_at_close(&at);
    if (e == WA_WASI_ESUCCESS) e = wa__wasi_filestat_put(in, (uint32_t)a[4].of.i32, &sb);
    return wa__wasi_ret(r, e);
}

wa_host_status wa__wasi_path_filestat_set_times(wa_instance *in, const wa_value *a, wa_value *r,
                                                void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_filestat_set_times, r, &hs);
    if (!w) return hs;
    struct timespec ts[2];
    uint16_t e = wa__wasi_times((uint64_t)a[4].of.i64, (uint64_t)a[5].of.i64,
                                (uint32_t)a[6].of.i32, ts);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    wa__wasi_at at;
    bool follow = (uint32_t)a[1].of.i32 & WA_WASI_LOOKUP_FOLLOW;
    e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_TIMES),
                (uint32_t)a[2].of.i32, (uint32_t)a[3].of.i32, follow, &at);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    e = host_result(utimensat(at.dir, at.name, ts, AT_SYMLINK_NOFOLLOW));
    wa__wasi_at_close(&at);
    return wa__wasi_ret(r, e);
}

/* ---- links and renames ------------------------------------------------------------ */
wa_host_status wa__wasi_path_rename(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_rename, r, &hs);
    if (!w) return hs;
    wa__wasi_at from, to;
    uint16_t e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_PATH_RENAME_SOURCE),
                         (uint32_t)a[1].of.i32, (uint32_t)a[2].of.i32, false, &from);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    e = path_at(w, in, (uint32_t)a[3].of.i32, WA_WASI_R(WA_WASI_R_PATH_RENAME_TARGET),
                (uint32_t)a[4].of.i32, (uint32_t)a[5].of.i32, false, &to);
    if (e == WA_WASI_ESUCCESS) {
        /* rename("file", "new/"): the slash asks for a directory. */
        if (from.slash_link || to.slash_link ||
            (to.dir_only && !is_dir(from.dir, from.name) && exists(from.dir, from.name)))
            e = WA_WASI_ENOTDIR;
        else
            e = host_result(renameat(from.dir, from.name, to.dir, to.name));
        wa__wasi_at_close(&to);
    }
    wa__wasi_at_close(&from);
    return wa__wasi_ret(r, e);
}

wa_host_status wa__wasi_path_link(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_link, r, &hs);
    if (!w) return hs;
    wa__wasi_at from, to;
    bool follow = (uint32_t)a[1].of.i32 & WA_WASI_LOOKUP_FOLLOW;
    uint16_t e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_PATH_LINK_SOURCE),
                         (uint32_t)a[2].of.i32, (uint32_t)a[3].of.i32, follow, &from);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    e = path_at(w, in, (uint32_t)a[4].of.i32, WA_WASI_R(WA_WASI_R_PATH_LINK_TARGET),
                (uint32_t)a[5].of.i32, (uint32_t)a[6].of.i32, false, &to);
    if (e == WA_WASI_ESUCCESS) {
        /* "name/" cannot be a new link either (as path_symlink). */
        if (to.slash_link || (to.dir_only && exists(to.dir, to.name))) e = WA_WASI_EEXIST;
        else if (to.dir_only) e = WA_WASI_ENOENT;
        else e = host_result(linkat(from.dir, from.name, to.dir, to.name, 0));
        wa__wasi_at_close(&to);
    }
    wa__wasi_at_close(&from);
    return wa__wasi_ret(r, e);
}

/* A symlink may only hold a relative target: resolution re-checks it on
 * every use, but an absolute one would lead host tools outside the grant. */
static uint16_t path_symlink(wa_wasi *w, wa_instance *in, const wa_value *a) {
    uint32_t olen = (uint32_t)a[1].of.i32;
    const char *old = wa_instance_mem_ptr(in, (uint32_t)a[0].of.i32, olen);
    if (!old && olen) return WA_WASI_EFAULT;
    if (olen == 0) return WA_WASI_ENOENT;
    if (olen >= WASI_PATH_MAX) return WA_WASI_ENAMETOOLONG;
    if (memchr(old, 0, olen)) return WA_WASI_EINVAL;
    if (old[0] == '/') return WA_WASI_ENOTCAPABLE;
    char target[WASI_PATH_MAX];
    memcpy(target, old, olen);
    target[olen] = 0;
    wa__wasi_at at;
    uint16_t e = path_at(w, in, (uint32_t)a[2].of.i32, WA_WASI_R(WA_WASI_R_PATH_SYMLINK),
                         (uint32_t)a[3].of.i32, (uint32_t)a[4].of.i32, false, &at);
    if (e != WA_WASI_ESUCCESS) return e;
    /* "name/" cannot be a new symlink: EEXIST when the name is taken, else ENOENT. */
    if (at.slash_link || (at.dir_only && exists(at.dir, at.name))) e = WA_WASI_EEXIST;
    else if (at.dir_only) e = WA_WASI_ENOENT;
    else e = host_result(symlinkat(target, at.dir, at.name));
    wa__wasi_at_close(&at);
    return e;
}

wa_host_status wa__wasi_path_symlink(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_symlink, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_symlink(w, in, a));
}

static uint16_t path_readlink(wa_wasi *w, wa_instance *in, const wa_value *a) {
    wa__wasi_at at;
    uint16_t e = path_at(w, in, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_PATH_READLINK),
                         (uint32_t)a[1].of.i32, (uint32_t)a[2].of.i32, false, &at);
    if (e != WA_WASI_ESUCCESS) return e;
    char target[WASI_PATH_MAX];
    ssize_t n = readlinkat(at.dir, at.name, target, sizeof target);
    e = n < 0 ? wa__wasi_errno(errno) : WA_WASI_ESUCCESS;
    wa__wasi_at_close(&at);
    if (e != WA_WASI_ESUCCESS) return e;
    uint32_t cap = (uint32_t)a[4].of.i32;
    uint32_t m = (uint32_t)n < cap ? (uint32_t)n : cap; /* truncated, as readlink(2) */
    uint8_t *dst = wa_instance_mem_ptr(in, (uint32_t)a[3].of.i32, m);
    if (!dst && m) return WA_WASI_EFAULT;
    if (m) memcpy(dst, target, m);
    return wa__wasi_put_u32(in, (uint32_t)a[5].of.i32, m) ? WA_WASI_ESUCCESS : WA_WASI_EFAULT;
}

wa_host_status wa__wasi_path_readlink(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_readlink, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_readlink(w, in, a));
}

/* ---- open ----------------------------------------------------------------------------- */
static int open_flags(uint32_t oflags, uint64_t rights, uint32_t fdflags) {
    const uint64_t rd = WA_WASI_R(WA_WASI_R_FD_READ) | WA_WASI_R(WA_WASI_R_FD_READDIR);
    const uint64_t wr = WA_WASI_R(WA_WASI_R_FD_WRITE) | WA_WASI_R(WA_WASI_R_FD_ALLOCATE) |
                        WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_SIZE);
    /* Always non-blocking on the host: opening a FIFO must not wait for its
     * other end, and reads that would block wait without a thread (fd_read). */
    int fl = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
    if (oflags & WA_WASI_O_DIRECTORY) fl |= O_RDONLY | O_DIRECTORY;
    else if ((rights & wr) && (rights & rd)) fl |= O_RDWR;
    else if (rights & wr) fl |= O_WRONLY;
    else fl |= O_RDONLY;
    if (oflags & WA_WASI_O_CREAT) fl |= O_CREAT;
    if (oflags & WA_WASI_O_EXCL) fl |= O_EXCL;
    if (oflags & WA_WASI_O_TRUNC) fl |= O_TRUNC;
    if (fdflags & WA_WASI_FDFLAG_APPEND) fl |= O_APPEND;
    if (fdflags & WA_WASI_FDFLAG_DSYNC) fl |= O_DSYNC;
    if (fdflags & (WA_WASI_FDFLAG_SYNC | WA_WASI_FDFLAG_RSYNC)) fl |= O_SYNC;
    return fl;
}

static uint16_t path_open(wa_wasi *w, wa_instance *in, const wa_value *a) {
    uint32_t oflags = (uint32_t)a[4].of.i32, fdflags = (uint32_t)a[7].of.i32;
    uint64_t base = (uint64_t)a[5].of.i64, inh = (uint64_t)a[6].of.i64;
    uint64_t need = WA_WASI_R(WA_WASI_R_PATH_OPEN);
    if (oflags & WA_WASI_O_CREAT) need |= WA_WASI_R(WA_WASI_R_PATH_CREATE_FILE);
    if (oflags & WA_WASI_O_TRUNC) need |= WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_SIZE);
    if (oflags & ~15u) return WA_WASI_EINVAL;
    int dir = -1;
    uint64_t dir_inh = 0;
    uint16_t e = path_dir(w, (uint32_t)a[0].of.i32, need, &dir, &dir_inh);
    if (e != WA_WASI_ESUCCESS) return e;
    /* A descriptor never gets more than its directory may hand down. */
    if ((base | inh) & ~dir_inh) return WA_WASI_ENOTCAPABLE;
    wa__wasi_at at;
    bool follow = (uint32_t)a[1].of.i32 & WA_WASI_LOOKUP_FOLLOW;
    e = wa__wasi_resolve(in, dir, (uint32_t)a[2].of.i32, (uint32_t)a[3].of.i32, follow, &at);
    if (e != WA_WASI_ESUCCESS) return e;
    int fl = open_flags(oflags, base, fdflags);
    if (at.dir_only && !(oflags & WA_WASI_O_DIRECTORY)) {
        /* "name/" opens a directory; creating a file by that name is EISDIR. */
        if (oflags & WA_WASI_O_CREAT) {
            wa__wasi_at_close(&at);
            return WA_WASI_EISDIR;
        }
        fl |= O_DIRECTORY;
    }
    int h = openat(at.dir, at.name, fl, 0666);
    e = h < 0 ? wa__wasi_errno(errno) : WA_WASI_ESUCCESS;
    wa__wasi_at_close(&at);
    if (e != WA_WASI_ESUCCESS) return e;
    struct stat sb;
    if (fstat(h, &sb) != 0) {
        e = wa__wasi_errno(errno);
        close(h);
        return e;
    }
    wa__wasi_fd ent = {0};
    ent.kind = S_ISDIR(sb.st_mode) ? WA__WASI_FD_DIR : WA__WASI_FD_FILE;
    ent.host = h;
    ent.filetype = wa__wasi_filetype(sb.st_mode);
    ent.fifo = S_ISFIFO(sb.st_mode);
    ent.fdflags = (uint16_t)fdflags;
    ent.rights = base & (ent.kind == WA__WASI_FD_DIR ? wa__wasi_rights_dir : wa__wasi_rights_file);
    ent.inheriting = inh;
    uint32_t fd;
    e = wa__wasi_fd_add(w, &ent, &fd);
    if (e != WA_WASI_ESUCCESS) {
        close(h);
        return e;
    }
    if (!wa__wasi_put_u32(in, (uint32_t)a[8].of.i32, fd)) {
        wa__wasi_fd_release(w, &w->fds[fd]);
        return WA_WASI_EFAULT;
    }
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_path_open(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_path_open, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, path_open(w, in, a));
}
