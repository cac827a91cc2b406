/* SPDX-License-Identifier: MIT */
/* WASI preview1 descriptors: the table, stdio streams and every fd_* call. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define WASI_MAX_FDS 65536u
#define WASI_MAX_IOVS 1024u /* IOV_MAX on Linux */

/* ---- the table --------------------------------------------------------------- */
wa__wasi_fd *wa__wasi_fd_get(wa_wasi *w, uint32_t fd, uint64_t need, uint16_t *e) {
    if (fd >= w->nfds || w->fds[fd].kind == WA__WASI_FD_FREE) {
        *e = WA_WASI_EBADF;
        return NULL;
    }
    wa__wasi_fd *ent = &w->fds[fd];
    if ((ent->rights & need) != need) {
        *e = WA_WASI_ENOTCAPABLE;
        return NULL;
    }
    *e = WA_WASI_ESUCCESS;
    return ent;
}

uint16_t wa__wasi_fds_charge(wa_wasi *w, uint32_t n) {
    if (w->open_fds + n > w->max_fds) return WA_WASI_EMFILE;
    if (w->fd_budget) {
        uint64_t cur = atomic_load_explicit(&w->fd_budget->used, memory_order_relaxed);
        do {
            if (w->fd_budget->max && cur + n > w->fd_budget->max) return WA_WASI_ENFILE;
        } while (!atomic_compare_exchange_weak_explicit(&w->fd_budget->used, &cur, cur + n,
                                                        memory_order_relaxed, memory_order_relaxed));
    }
    w->open_fds += n;
    return WA_WASI_ESUCCESS;
}

void wa__wasi_fds_uncharge(wa_wasi *w, uint32_t n) {
    w->open_fds -= n;
    if (w->fd_budget) atomic_fetch_sub_explicit(&w->fd_budget->used, n, memory_order_relaxed);
}

uint16_t wa__wasi_fd_add(wa_wasi *w, const wa__wasi_fd *ent, uint32_t *fd) {
    uint32_t i = 0;
    while (i < w->nfds && w->fds[i].kind != WA__WASI_FD_FREE) i++;
    if (i == w->nfds) {
        if (w->nfds >= WASI_MAX_FDS) return WA_WASI_EMFILE;
        uint32_t n = w->nfds ? w->nfds * 2 : 8;
        wa__wasi_fd *fds = realloc(w->fds, n * sizeof *fds);
        if (!fds) return WA_WASI_ENOMEM;
        memset(fds + w->nfds, 0, (n - w->nfds) * sizeof *fds);
        w->fds = fds;
        w->nfds = n;
    }
    /* A host descriptor counts against the limits from here until release. */
    uint8_t charged = ent->kind == WA__WASI_FD_FILE || ent->kind == WA__WASI_FD_DIR;
    uint16_t e = charged ? wa__wasi_fds_charge(w, 1) : WA_WASI_ESUCCESS;
    if (e != WA_WASI_ESUCCESS) return e;
    w->fds[i] = *ent;
    w->fds[i].charged = charged;
    *fd = i;
    return WA_WASI_ESUCCESS;
}

void wa__wasi_fd_release(wa_wasi *w, wa__wasi_fd *ent) {
    if (ent->dir) closedir(ent->dir);
    if (ent->kind == WA__WASI_FD_FILE || ent->kind == WA__WASI_FD_DIR) close(ent->host);
    if (ent->charged) wa__wasi_fds_uncharge(w, ent->charged);
    free(ent->preopen);
    memset(ent, 0, sizeof *ent);
}

uint32_t wa_wasi_open_fds(const wa_wasi *w) { return w ? w->open_fds : 0; }

/* The host descriptor behind an entry, or -1 for a stdio stream that is not
 * a host descriptor (NULL, BUFFER, CALLBACK). */
static int fd_host(const wa_wasi *w, const wa__wasi_fd *ent) {
    if (ent->kind != WA__WASI_FD_STDIO) return ent->host;
    const wa_wasi_stdio *s = &w->stdio[ent->host];
    return s->kind == WA_WASI_STDIO_FD ? s->fd : -1;
}

/* ---- stdio streams ---------------------------------------------------------------- */
uint16_t wa__wasi_stdio_read(wa_wasi *w, int stream, uint8_t *buf, size_t len, size_t *got) {
    const wa_wasi_stdio *s = &w->stdio[stream];
    *got = 0;
    if (s->kind == WA_WASI_STDIO_BUFFER && stream == 0) {
        size_t n = s->input_len - w->stdin_pos;
        if (n > len) n = len;
        if (n) memcpy(buf, w->stdin_data + w->stdin_pos, n);
        w->stdin_pos += n;
        *got = n;
        return WA_WASI_ESUCCESS;
    }
    if (s->kind == WA_WASI_STDIO_NULL) return WA_WASI_ESUCCESS; /* end of file */
    return WA_WASI_EBADF; /* output streams cannot be read */
}

uint16_t wa__wasi_stdio_write(wa_wasi *w, int stream, const uint8_t *buf, size_t len) {
    const wa_wasi_stdio *s = &w->stdio[stream];
    if (stream == 0 && s->kind != WA_WASI_STDIO_NULL) return WA_WASI_EBADF;
    if (s->kind == WA_WASI_STDIO_NULL || len == 0) return WA_WASI_ESUCCESS;
    if (s->kind == WA_WASI_STDIO_CALLBACK)
        return s->write(s->write_ud, stream, buf, len) == len ? WA_WASI_ESUCCESS : WA_WASI_EIO;
    wa__wasi_capture *c = &w->out[stream];
    if (len > w->capture_max - c->len) return WA_WASI_ENOSPC;
    if (c->len + len > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (cap < c->len + len) cap *= 2;
        uint8_t *d = realloc(c->data, cap);
        if (!d) return WA_WASI_ENOMEM;
        c->data = d;
        c->cap = cap;
    }
    memcpy(c->data + c->len, buf, len);
    c->len += len;
    return WA_WASI_ESUCCESS;
}

/* ---- scatter/gather ------------------------------------------------------------ */
/* Loads n guest iovecs at `iovs` into host iovecs: `small` when they fit
 * (the common case, no allocation), else a heap array the caller frees
 * when *v != small. */
#define WASI_SMALL_IOVS 8
static uint16_t iovs_load(wa_instance *in, uint32_t iovs, uint32_t n, struct iovec *small,
                          struct iovec **v) {
    *v = NULL;
    if (n > WASI_MAX_IOVS) return WA_WASI_EINVAL;
    const uint8_t *raw = wa_instance_mem_ptr(in, iovs, (uint64_t)n * 8);
    if (!raw) return WA_WASI_EFAULT;
    struct iovec *vec = n <= WASI_SMALL_IOVS ? small : calloc(n, sizeof *vec);
    if (!vec) return WA_WASI_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t ptr = wa__wasi_get_u32(raw + 8 * i), len = wa__wasi_get_u32(raw + 8 * i + 4);
        void *p = wa_instance_mem_ptr(in, ptr, len);
        if (!p && len) {
            if (vec != small) free(vec);
            return WA_WASI_EFAULT;
        }
        vec[i].iov_base = p;
        vec[i].iov_len = len;
    }
    *v = vec;
    return WA_WASI_ESUCCESS;
}

/* ---- the write budget ------------------------------------------------------------ */
/* Growing a regular file from its size to `end` takes end - size bytes of
 * the program's budget (max_write_bytes; 0: none): ENOSPC past it, so a
 * granted directory is not a way to fill the host's disk. *size (may be
 * NULL) gets the size before. Shrinking gives nothing back. */
static uint16_t grow_check(wa_wasi *w, int h, uint64_t end, uint64_t *size, uint64_t *growth) {
    *growth = 0;
    if (!w->max_write_bytes) return WA_WASI_ESUCCESS;
    struct stat sb;
    if (fstat(h, &sb) != 0 || !S_ISREG(sb.st_mode)) return WA_WASI_ESUCCESS;
    if (size) *size = (uint64_t)sb.st_size;
    *growth = end > (uint64_t)sb.st_size ? end - (uint64_t)sb.st_size : 0;
    if (*growth > w->max_write_bytes - w->written_bytes) return WA_WASI_ENOSPC;
    return WA_WASI_ESUCCESS;
}

/* Where a write through ent lands: at off, at the end (append), or the cursor. */
static uint64_t write_start(const wa__wasi_fd *ent, int h, int64_t off, uint64_t size) {
    if (off >= 0) return (uint64_t)off;
    if (ent->fdflags & WA_WASI_FDFLAG_APPEND) return size;
    off_t cur = lseek(h, 0, SEEK_CUR);
    return cur < 0 ? size : (uint64_t)cur;
}

/* Reads (write=false) or writes through one entry; off < 0: at the cursor. */
static uint16_t fd_io(wa_wasi *w, wa__wasi_fd *ent, struct iovec *v, uint32_t n, int64_t off,
                      bool write, size_t *done) {
    *done = 0;
    int h = fd_host(w, ent);
    if (h < 0) { /* a stdio stream kept by the context */
        for (uint32_t i = 0; i < n; i++) {
            size_t got = v[i].iov_len;
            uint16_t e = write ? wa__wasi_stdio_write(w, ent->host, v[i].iov_base, got)
                               : wa__wasi_stdio_read(w, ent->host, v[i].iov_base, got, &got);
            if (e != WA_WASI_ESUCCESS) return *done ? WA_WASI_ESUCCESS : e;
            *done += got;
            if (got < v[i].iov_len) break;
        }
        return WA_WASI_ESUCCESS;
    }
    uint64_t start = 0, size = 0, growth = 0;
    if (write && w->max_write_bytes && ent->kind == WA__WASI_FD_FILE) {
        uint64_t total = 0;
        for (uint32_t i = 0; i < n; i++) total += v[i].iov_len;
        struct stat sb;
        if (fstat(h, &sb) == 0) size = (uint64_t)sb.st_size;
        start = write_start(ent, h, off, size);
        uint16_t e = grow_check(w, h, start + total, &size, &growth);
        if (e != WA_WASI_ESUCCESS) return e;
    }
    ssize_t r;
    if (off >= 0)
        r = write ? pwritev(h, v, (int)n, off) : preadv(h, v, (int)n, off);
    else
        r = write ? writev(h, v, (int)n) : readv(h, v, (int)n);
    if (r < 0) return wa__wasi_errno(errno);
    *done = (size_t)r;
    if (growth && start + (uint64_t)r > size) w->written_bytes += start + (uint64_t)r - size;
    return WA_WASI_ESUCCESS;
}

/* A read or write that would block on a descriptor the program did not make
 * non-blocking (the host's are, so a worker never sleeps in read(2)). */
static bool would_block(const wa__wasi_fd *ent, uint16_t e, bool write, size_t done) {
    if (ent->kind != WA__WASI_FD_FILE || (ent->fdflags & WA_WASI_FDFLAG_NONBLOCK)) return false;
    if (e == WA_WASI_EAGAIN) return true;
    if (e != WA_WASI_ESUCCESS || write || done || !ent->fifo) return false;
    /* A blocking open of a FIFO would have waited for a writer: an end of
     * file before any writer came (no POLLHUP yet) waits for data. So does
     * one whose writer came and wrote since the read (POLLIN now): it is
     * read on the next look, not reported as the end. */
    struct pollfd pfd = {.fd = ent->host, .events = POLLIN};
    struct timespec zero = {0, 0};
    return ppoll(&pfd, 1, &zero, NULL) == 0 || (pfd.revents & POLLIN);
}

static uint16_t fd_rw(wa_wasi *w, wa_instance *in, const wa_value *a, bool write, bool positioned,
                      wa_wasi_func f, void *ud, bool *suspended) {
    uint64_t need = WA_WASI_R(write ? WA_WASI_R_FD_WRITE : WA_WASI_R_FD_READ);
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return e;
    /* What read(2)/write(2) say on a directory, and pread(2) on a pipe. */
    if (ent->kind == WA__WASI_FD_DIR) return write ? WA_WASI_EBADF : WA_WASI_EISDIR;
    if ((ent->rights & need) != need) return WA_WASI_ENOTCAPABLE;
    if (positioned && !(ent->rights & WA_WASI_R(WA_WASI_R_FD_SEEK)))
        return ent->kind == WA__WASI_FD_STDIO ? WA_WASI_ESPIPE : WA_WASI_ENOTCAPABLE;
    if (positioned && a[3].of.i64 < 0) return WA_WASI_EINVAL;
    if (positioned && fd_host(w, ent) < 0) return WA_WASI_ESPIPE;
    struct iovec small[WASI_SMALL_IOVS], *v;
    e = iovs_load(in, (uint32_t)a[1].of.i32, (uint32_t)a[2].of.i32, small, &v);
    if (e != WA_WASI_ESUCCESS) return e;
    size_t done;
    for (;;) {
        e = fd_io(w, ent, v, (uint32_t)a[2].of.i32, positioned ? a[3].of.i64 : -1, write, &done);
        if (!would_block(ent, e, write, done)) break;
        wa_wasi_waitfd wfd = {.fd = ent->host, .write = write};
        wa_wasi_wait_req req = {.deadline_ns = UINT64_MAX, .fds = &wfd, .nfds = 1};
        if (wa__wasi_block(w, in, f, ud, a, &req)) {
            *suspended = true;
            break;
        }
    }
    if (v != small) free(v);
    if (e != WA_WASI_ESUCCESS || *suspended) return e;
    uint32_t out = (uint32_t)a[positioned ? 4 : 3].of.i32;
    return wa__wasi_put_u32(in, out, (uint32_t)done) ? WA_WASI_ESUCCESS : WA_WASI_EFAULT;
}

wa_host_status wa__wasi_fd_read(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_read, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = fd_rw(w, in, a, false, false, WA_WASI_fd_read, ud, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}

wa_host_status wa__wasi_fd_write(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_write, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = fd_rw(w, in, a, true, false, WA_WASI_fd_write, ud, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}

wa_host_status wa__wasi_fd_pread(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_pread, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = fd_rw(w, in, a, false, true, WA_WASI_fd_pread, ud, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}

wa_host_status wa__wasi_fd_pwrite(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_pwrite, r, &hs);
    if (!w) return hs;
    bool suspended = false;
    uint16_t e = fd_rw(w, in, a, true, true, WA_WASI_fd_pwrite, ud, &suspended);
    return suspended ? WA_HOST_SUSPEND : wa__wasi_ret(r, e);
}

/* ---- cursor -------------------------------------------------------------------- */
static uint16_t fd_seek(wa_wasi *w, wa_instance *in, uint32_t fd, int64_t off, uint32_t whence,
                        uint32_t out) {
    /* Asking where the cursor is needs only the tell right. */
    bool tell = off == 0 && whence == 1;
    uint64_t need = WA_WASI_R(tell ? WA_WASI_R_FD_TELL : WA_WASI_R_FD_SEEK);
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, fd, 0, &e);
    if (!ent) return e;
    const uint64_t seekable = WA_WASI_R(WA_WASI_R_FD_SEEK) | WA_WASI_R(WA_WASI_R_FD_TELL);
    if (ent->kind == WA__WASI_FD_STDIO && !(ent->rights & seekable)) return WA_WASI_ESPIPE;
    if ((ent->rights & need) != need) return WA_WASI_ENOTCAPABLE;
    static const int whences[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    if (whence > 2) return WA_WASI_EINVAL;
    off_t pos = lseek(fd_host(w, ent), off, whences[whence]);
    if (pos < 0) return wa__wasi_errno(errno);
    return wa__wasi_put_u64(in, out, (uint64_t)pos) ? WA_WASI_ESUCCESS : WA_WASI_EFAULT;
}

wa_host_status wa__wasi_fd_seek(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_seek, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_seek(w, in, (uint32_t)a[0].of.i32, a[1].of.i64,
                                   (uint32_t)a[2].of.i32, (uint32_t)a[3].of.i32));
}

wa_host_status wa__wasi_fd_tell(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_tell, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_seek(w, in, (uint32_t)a[0].of.i32, 0, 1, (uint32_t)a[1].of.i32));
}

/* ---- lifetime -------------------------------------------------------------------- */
wa_host_status wa__wasi_fd_close(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_close, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return wa__wasi_ret(r, e);
    wa__wasi_fd_release(w, ent);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

wa_host_status wa__wasi_fd_renumber(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_renumber, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *from = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!from) return wa__wasi_ret(r, e);
    wa__wasi_fd *to = wa__wasi_fd_get(w, (uint32_t)a[1].of.i32, 0, &e);
    if (!to) return wa__wasi_ret(r, e);
    if (from != to) {
        wa__wasi_fd_release(w, to);
        *to = *from;
        memset(from, 0, sizeof *from);
    }
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

static uint16_t fd_sync(wa_wasi *w, uint32_t fd, bool data_only) {
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, fd, 0, &e);
    if (!ent) return e;
    /* wasi-libc drops datasync from a read-only descriptor, yet the host
     * syncs one (and a directory) either way: full sync implies it. */
    uint64_t any = WA_WASI_R(WA_WASI_R_FD_SYNC) |
                   (data_only ? WA_WASI_R(WA_WASI_R_FD_DATASYNC) : 0);
    if (!(ent->rights & any)) return WA_WASI_ENOTCAPABLE;
    int h = fd_host(w, ent);
    if (h < 0) return WA_WASI_ESUCCESS; /* nothing buffered outside the context */
    if ((data_only ? fdatasync(h) : fsync(h)) != 0) return wa__wasi_errno(errno);
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_fd_sync(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_sync, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_sync(w, (uint32_t)a[0].of.i32, false));
}

wa_host_status wa__wasi_fd_datasync(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_datasync, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_sync(w, (uint32_t)a[0].of.i32, true));
}

/* ---- fdstat ---------------------------------------------------------------------------- */
wa_host_status wa__wasi_fd_fdstat_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_fdstat_get, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return wa__wasi_ret(r, e);
    uint32_t p = (uint32_t)a[1].of.i32;
    uint8_t *dst = wa_instance_mem_ptr(in, p, 24);
    if (!dst) return wa__wasi_ret(r, WA_WASI_EFAULT);
    memset(dst, 0, 24);
    wa__wasi_put_u8(in, p, ent->filetype);
    wa__wasi_put_u16(in, p + 2, ent->fdflags);
    wa__wasi_put_u64(in, p + 8, ent->rights);
    wa__wasi_put_u64(in, p + 16, ent->inheriting);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

static uint16_t fd_set_flags(wa_wasi *w, uint32_t fd, uint32_t flags) {
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, fd, WA_WASI_R(WA_WASI_R_FD_FDSTAT_SET_FLAGS), &e);
    if (!ent) return e;
    if (flags == ent->fdflags) return WA_WASI_ESUCCESS;
    if (flags & ~(uint32_t)(WA_WASI_FDFLAG_APPEND | WA_WASI_FDFLAG_NONBLOCK))
        return WA_WASI_ENOTSUP; /* sync flags are fixed when the file is opened */
    if (ent->kind == WA__WASI_FD_STDIO) return WA_WASI_ENOTSUP; /* the host's own streams */
    int fl = fcntl(ent->host, F_GETFL);
    if (fl < 0) return wa__wasi_errno(errno);
    fl &= ~O_APPEND;
    if (flags & WA_WASI_FDFLAG_APPEND) fl |= O_APPEND;
    fl |= O_NONBLOCK; /* always on the host; NONBLOCK only tells fd_read whether to wait */
    if (fcntl(ent->host, F_SETFL, fl) != 0) return wa__wasi_errno(errno);
    ent->fdflags = (uint16_t)flags;
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_fd_fdstat_set_flags(wa_instance *in, const wa_value *a, wa_value *r,
                                            void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_fdstat_set_flags, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_set_flags(w, (uint32_t)a[0].of.i32, (uint32_t)a[1].of.i32));
}

wa_host_status wa__wasi_fd_fdstat_set_rights(wa_instance *in, const wa_value *a, wa_value *r,
                                             void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_fdstat_set_rights, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return wa__wasi_ret(r, e);
    uint64_t base = (uint64_t)a[1].of.i64, inh = (uint64_t)a[2].of.i64;
    /* Rights can only be dropped, never gained. */
    if ((base & ~ent->rights) || (inh & ~ent->inheriting))
        return wa__wasi_ret(r, WA_WASI_ENOTCAPABLE);
    ent->rights = base;
    ent->inheriting = inh;
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

/* ---- filestat --------------------------------------------------------------------------- */
uint16_t wa__wasi_filestat_put(wa_instance *in, uint32_t p, const struct stat *sb) {
    uint8_t *dst = wa_instance_mem_ptr(in, p, 64);
    if (!dst) return WA_WASI_EFAULT;
    memset(dst, 0, 64);
    wa__wasi_put_u64(in, p, (uint64_t)sb->st_dev);
    wa__wasi_put_u64(in, p + 8, (uint64_t)sb->st_ino);
    wa__wasi_put_u8(in, p + 16, wa__wasi_filetype(sb->st_mode));
    wa__wasi_put_u64(in, p + 24, (uint64_t)sb->st_nlink);
    wa__wasi_put_u64(in, p + 32, (uint64_t)sb->st_size);
    wa__wasi_put_u64(in, p + 40, (uint64_t)sb->st_atim.tv_sec * 1000000000u + (uint64_t)sb->st_atim.tv_nsec);
    wa__wasi_put_u64(in, p + 48, (uint64_t)sb->st_mtim.tv_sec * 1000000000u + (uint64_t)sb->st_mtim.tv_nsec);
    wa__wasi_put_u64(in, p + 56, (uint64_t)sb->st_ctim.tv_sec * 1000000000u + (uint64_t)sb->st_ctim.tv_nsec);
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_fd_filestat_get(wa_instance *in, const wa_value *a, wa_value *r,
                                        void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_filestat_get, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32,
                                       WA_WASI_R(WA_WASI_R_FD_FILESTAT_GET), &e);
    if (!ent) return wa__wasi_ret(r, e);
    struct stat sb;
    memset(&sb, 0, sizeof sb);
    int h = fd_host(w, ent);
    if (h < 0)
        sb.st_mode = S_IFCHR; /* a stream kept by the context looks like a device */
    else if (fstat(h, &sb) != 0)
        return wa__wasi_ret(r, wa__wasi_errno(errno));
    return wa__wasi_ret(r, wa__wasi_filestat_put(in, (uint32_t)a[1].of.i32, &sb));
}

wa_host_status wa__wasi_fd_filestat_set_size(wa_instance *in, const wa_value *a, wa_value *r,
                                             void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_filestat_set_size, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32,
                                       WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_SIZE), &e);
    /* A file opened read-only lacks the right: ftruncate(2) says EINVAL. */
    if (!ent && e == WA_WASI_ENOTCAPABLE && w->fds[(uint32_t)a[0].of.i32].kind == WA__WASI_FD_FILE)
        e = WA_WASI_EINVAL;
    if (!ent) return wa__wasi_ret(r, e);
    if (a[1].of.i64 < 0) return wa__wasi_ret(r, WA_WASI_EINVAL);
    uint64_t growth;
    e = grow_check(w, fd_host(w, ent), (uint64_t)a[1].of.i64, NULL, &growth);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    if (ftruncate(fd_host(w, ent), a[1].of.i64) != 0) return wa__wasi_ret(r, wa__wasi_errno(errno));
    w->written_bytes += growth;
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

uint16_t wa__wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
    if (((fst & WA_WASI_FST_ATIM) && (fst & WA_WASI_FST_ATIM_NOW)) ||
        ((fst & WA_WASI_FST_MTIM) && (fst & WA_WASI_FST_MTIM_NOW)) || fst > 15)
        return WA_WASI_EINVAL;
    uint64_t t[2] = {atim, mtim};
    for (int i = 0; i < 2; i++) {
        uint32_t set = i ? WA_WASI_FST_MTIM : WA_WASI_FST_ATIM;
        uint32_t now = i ? WA_WASI_FST_MTIM_NOW : WA_WASI_FST_ATIM_NOW;
        ts[i].tv_sec = (time_t)(t[i] / 1000000000u);
        ts[i].tv_nsec = (long)(t[i] % 1000000000u);
        if (fst & now) ts[i].tv_nsec = UTIME_NOW;
        else if (!(fst & set)) ts[i].tv_nsec = UTIME_OMIT;
    }
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_fd_filestat_set_times(wa_instance *in, const wa_value *a, wa_value *r,
                                              void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_filestat_set_times, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32,
                                       WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_TIMES), &e);
    if (!ent) return wa__wasi_ret(r, e);
    struct timespec ts[2];
    e = wa__wasi_times((uint64_t)a[1].of.i64, (uint64_t)a[2].of.i64, (uint32_t)a[3].of.i32, ts);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    int h = fd_host(w, ent);
    if (h < 0) return wa__wasi_ret(r, WA_WASI_ENOTSUP);
    if (futimens(h, ts) != 0) return wa__wasi_ret(r, wa__wasi_errno(errno));
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

/* ---- advice and allocation --------------------------------------------------------------- */
wa_host_status wa__wasi_fd_advise(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_advise, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_FD_ADVISE), &e);
    if (!ent) return wa__wasi_ret(r, e);
    static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                 POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    uint32_t adv = (uint32_t)a[3].of.i32;
    if (adv >= WB_ARRAY_LEN(advice) || a[1].of.i64 < 0 || a[2].of.i64 < 0)
        return wa__wasi_ret(r, WA_WASI_EINVAL);
    if (ent->kind != WA__WASI_FD_FILE) return wa__wasi_ret(r, WA_WASI_ESUCCESS); /* only a hint */
    int rc = posix_fadvise(ent->host, a[1].of.i64, a[2].of.i64, advice[adv]);
    return wa__wasi_ret(r, wa__wasi_errno(rc));
}

wa_host_status wa__wasi_fd_allocate(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_allocate, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32,
                                       WA_WASI_R(WA_WASI_R_FD_ALLOCATE), &e);
    /* A file opened read-only lacks the right: posix_fallocate says EBADF. */
    if (!ent && e == WA_WASI_ENOTCAPABLE && w->fds[(uint32_t)a[0].of.i32].kind == WA__WASI_FD_FILE)
        e = WA_WASI_EBADF;
    if (!ent) return wa__wasi_ret(r, e);
    if (a[1].of.i64 < 0 || a[2].of.i64 <= 0) return wa__wasi_ret(r, WA_WASI_EINVAL);
    if (ent->kind != WA__WASI_FD_FILE) return wa__wasi_ret(r, WA_WASI_EBADF);
    if (a[2].of.i64 > INT64_MAX - a[1].of.i64) return wa__wasi_ret(r, WA_WASI_EFBIG);
    uint64_t growth;
    e = grow_check(w, ent->host, (uint64_t)(a[1].of.i64 + a[2].of.i64), NULL, &growth);
    if (e != WA_WASI_ESUCCESS) return wa__wasi_ret(r, e);
    e = wa__wasi_errno(posix_fallocate(ent->host, a[1].of.i64, a[2].of.i64));
    if (e == WA_WASI_ESUCCESS) w->written_bytes += growth;
    return wa__wasi_ret(r, e);
}

/* ---- preopens -------------------------------------------------------------------------- */
wa_host_status wa__wasi_fd_prestat_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_prestat_get, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return wa__wasi_ret(r, e);
    if (!ent->preopen) return wa__wasi_ret(r, WA_WASI_EBADF);
    uint32_t p = (uint32_t)a[1].of.i32;
    if (!wa_instance_mem_ptr(in, p, 8)) return wa__wasi_ret(r, WA_WASI_EFAULT);
    wa__wasi_put_u32(in, p, 0); /* tag 0: a directory */
    wa__wasi_put_u32(in, p + 4, ent->preopen_len);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

wa_host_status wa__wasi_fd_prestat_dir_name(wa_instance *in, const wa_value *a, wa_value *r,
                                            void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_prestat_dir_name, r, &hs);
    if (!w) return hs;
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, 0, &e);
    if (!ent) return wa__wasi_ret(r, e);
    if (!ent->preopen) return wa__wasi_ret(r, WA_WASI_EBADF);
    uint32_t len = (uint32_t)a[2].of.i32;
    if (len < ent->preopen_len) return wa__wasi_ret(r, WA_WASI_ENAMETOOLONG);
    uint8_t *dst = wa_instance_mem_ptr(in, (uint32_t)a[1].of.i32, ent->preopen_len);
    if (!dst && ent->preopen_len) return wa__wasi_ret(r, WA_WASI_EFAULT);
    if (ent->preopen_len) memcpy(dst, ent->preopen, ent->preopen_len);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

/* ---- directories ------------------------------------------------------------------------ */
static uint8_t dirent_type(unsigned char t) {
    switch (t) {
    case DT_REG: return WA_WASI_FT_FILE;
    case DT_DIR: return WA_WASI_FT_DIR;
    case DT_LNK: return WA_WASI_FT_SYMLINK;
    case DT_CHR: return WA_WASI_FT_CHAR;
    case DT_BLK: return WA_WASI_FT_BLOCK;
    case DT_SOCK: return WA_WASI_FT_SOCK_STREAM;
    default: return WA_WASI_FT_UNKNOWN;
    }
}

/* Positions ent->dir so that the next entry read has index `cookie`. */
static uint16_t readdir_seek(wa_wasi *w, wa__wasi_fd *ent, uint64_t cookie) {
    if (!ent->dir) {
        uint16_t e = wa__wasi_fds_charge(w, 1); /* the stream holds a descriptor of its own */
        if (e != WA_WASI_ESUCCESS) return e;
        int d = openat(ent->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0) {
            int saved = errno;
            wa__wasi_fds_uncharge(w, 1);
            return wa__wasi_errno(saved);
        }
        ent->dir = fdopendir(d);
        if (!ent->dir) {
            int saved = errno;
            close(d);
            wa__wasi_fds_uncharge(w, 1);
            return wa__wasi_errno(saved);
        }
        ent->charged++;
        ent->dir_next = 0;
    }
    if (cookie < ent->dir_next) {
        rewinddir(ent->dir);
        ent->dir_next = 0;
    }
    while (ent->dir_next < cookie && readdir(ent->dir)) ent->dir_next++;
    return WA_WASI_ESUCCESS;
}

/* Fills buf with dirents from `cookie`; an entry that does not fit is cut
 * (bufused == len tells the program to ask again with a bigger buffer). */
static uint16_t fd_readdir(wa_wasi *w, wa_instance *in, const wa_value *a) {
    uint16_t e;
    wa__wasi_fd *ent = wa__wasi_fd_get(w, (uint32_t)a[0].of.i32, WA_WASI_R(WA_WASI_R_FD_READDIR), &e);
    if (!ent) return e;
    if (ent->kind != WA__WASI_FD_DIR) return WA_WASI_ENOTDIR;
    uint32_t len = (uint32_t)a[2].of.i32;
    uint8_t *buf = wa_instance_mem_ptr(in, (uint32_t)a[1].of.i32, len);
    if (!buf && len) return WA_WASI_EFAULT;
    e = readdir_seek(w, ent, (uint64_t)a[3].of.i64);
    if (e != WA_WASI_ESUCCESS) return e;
    uint32_t used = 0;
    while (used < len) {
        long pos = telldir(ent->dir);
        struct dirent *de = readdir(ent->dir);
        if (!de) break;
        uint32_t namlen = (uint32_t)strlen(de->d_name);
        uint8_t hdr[24] = {0};
        for (int i = 0; i < 8; i++) {
            hdr[i] = (uint8_t)((ent->dir_next + 1) >> (8 * i));
            hdr[8 + i] = (uint8_t)((uint64_t)de->d_ino >> (8 * i));
        }
        for (int i = 0; i < 4; i++) hdr[16 + i] = (uint8_t)(namlen >> (8 * i));
        hdr[20] = dirent_type(de->d_type);
        uint32_t n = len - used < 24 ? len - used : 24;
        memcpy(buf + used, hdr, n);
        used += n;
        uint32_t m = len - used < namlen ? len - used : namlen;
        memcpy(buf + used, de->d_name, m);
        used += m;
        if (n < 24 || m < namlen) {
            seekdir(ent->dir, pos); /* cut short: read it again next time */
            break;
        }
        ent->dir_next++;
    }
    return wa__wasi_put_u32(in, (uint32_t)a[4].of.i32, used) ? WA_WASI_ESUCCESS : WA_WASI_EFAULT;
}

wa_host_status wa__wasi_fd_readdir(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_fd_readdir, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, fd_readdir(w, in, a));
}
