/* SPDX-License-Identifier: MIT */
/* WASI preview1: the context (config copy, preopens, stdio), linking every
 * preview1 name, args/environ, clocks, random, proc and socket stubs. */
#define _GNU_SOURCE
#include "wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WASI_MODULE "wasi_snapshot_preview1"
#define WASI_CAPTURE_DEFAULT (16u << 20)

const uint64_t wa__wasi_rights_file =
    WA_WASI_R(WA_WASI_R_FD_DATASYNC) | WA_WASI_R(WA_WASI_R_FD_READ) |
    WA_WASI_R(WA_WASI_R_FD_SEEK) | WA_WASI_R(WA_WASI_R_FD_FDSTAT_SET_FLAGS) |
    WA_WASI_R(WA_WASI_R_FD_SYNC) | WA_WASI_R(WA_WASI_R_FD_TELL) | WA_WASI_R(WA_WASI_R_FD_WRITE) |
    WA_WASI_R(WA_WASI_R_FD_ADVISE) | WA_WASI_R(WA_WASI_R_FD_ALLOCATE) |
    WA_WASI_R(WA_WASI_R_FD_FILESTAT_GET) | WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_SIZE) |
    WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_TIMES) | WA_WASI_R(WA_WASI_R_POLL_FD_READWRITE);

const uint64_t wa__wasi_rights_dir =
    WA_WASI_R(WA_WASI_R_FD_FDSTAT_SET_FLAGS) | WA_WASI_R(WA_WASI_R_FD_SYNC) |
    WA_WASI_R(WA_WASI_R_FD_ADVISE) | WA_WASI_R(WA_WASI_R_PATH_CREATE_DIRECTORY) |
    WA_WASI_R(WA_WASI_R_PATH_CREATE_FILE) | WA_WASI_R(WA_WASI_R_PATH_LINK_SOURCE) |
    WA_WASI_R(WA_WASI_R_PATH_LINK_TARGET) | WA_WASI_R(WA_WASI_R_PATH_OPEN) |
    WA_WASI_R(WA_WASI_R_FD_READDIR) | WA_WASI_R(WA_WASI_R_PATH_READLINK) |
    WA_WASI_R(WA_WASI_R_PATH_RENAME_SOURCE) | WA_WASI_R(WA_WASI_R_PATH_RENAME_TARGET) |
    WA_WASI_R(WA_WASI_R_PATH_FILESTAT_GET) | WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_SIZE) |
    WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_TIMES) | WA_WASI_R(WA_WASI_R_FD_FILESTAT_GET) |
    WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_TIMES) | WA_WASI_R(WA_WASI_R_PATH_SYMLINK) |
    WA_WASI_R(WA_WASI_R_PATH_REMOVE_DIRECTORY) | WA_WASI_R(WA_WASI_R_PATH_UNLINK_FILE) |
    WA_WASI_R(WA_WASI_R_POLL_FD_READWRITE);

const uint64_t wa__wasi_rights_write =
    WA_WASI_R(WA_WASI_R_FD_DATASYNC) | WA_WASI_R(WA_WASI_R_FD_WRITE) |
    WA_WASI_R(WA_WASI_R_FD_ALLOCATE) | WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_SIZE) |
    WA_WASI_R(WA_WASI_R_FD_FILESTAT_SET_TIMES) | WA_WASI_R(WA_WASI_R_PATH_CREATE_DIRECTORY) |
    WA_WASI_R(WA_WASI_R_PATH_CREATE_FILE) | WA_WASI_R(WA_WASI_R_PATH_LINK_SOURCE) |
    WA_WASI_R(WA_WASI_R_PATH_LINK_TARGET) | WA_WASI_R(WA_WASI_R_PATH_RENAME_SOURCE) |
    WA_WASI_R(WA_WASI_R_PATH_RENAME_TARGET) | WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_SIZE) |
    WA_WASI_R(WA_WASI_R_PATH_FILESTAT_SET_TIMES) | WA_WASI_R(WA_WASI_R_PATH_SYMLINK) |
    WA_WASI_R(WA_WASI_R_PATH_REMOVE_DIRECTORY) | WA_WASI_R(WA_WASI_R_PATH_UNLINK_FILE);

/* ---- names and signatures ------------------------------------------------ */
static const char *const wasi_names[] = {
#define WASI_NAME_(name) #name,
    WA_WASI_FUNC_MAP(WASI_NAME_)
#undef WASI_NAME_
};

/* Parameter types as letters (i: i32, I: i64); every function but proc_exit
 * returns an i32 errno. */
typedef struct wasi_sig {
    const char *params;
    wa_host_fn fn;
} wasi_sig;

static const wasi_sig wasi_sigs[WA_WASI_FUNC_COUNT_] = {
    [WA_WASI_args_get] = {"ii", wa__wasi_args_get},
    [WA_WASI_args_sizes_get] = {"ii", wa__wasi_args_sizes_get},
    [WA_WASI_environ_get] = {"ii", wa__wasi_environ_get},
    [WA_WASI_environ_sizes_get] = {"ii", wa__wasi_environ_sizes_get},
    [WA_WASI_clock_res_get] = {"ii", wa__wasi_clock_res_get},
    [WA_WASI_clock_time_get] = {"iIi", wa__wasi_clock_time_get},
    [WA_WASI_fd_advise] = {"iIIi", wa__wasi_fd_advise},
    [WA_WASI_fd_allocate] = {"iII", wa__wasi_fd_allocate},
    [WA_WASI_fd_close] = {"i", wa__wasi_fd_close},
    [WA_WASI_fd_datasync] = {"i", wa__wasi_fd_datasync},
    [WA_WASI_fd_fdstat_get] = {"ii", wa__wasi_fd_fdstat_get},
    [WA_WASI_fd_fdstat_set_flags] = {"ii", wa__wasi_fd_fdstat_set_flags},
    [WA_WASI_fd_fdstat_set_rights] = {"iII", wa__wasi_fd_fdstat_set_rights},
    [WA_WASI_fd_filestat_get] = {"ii", wa__wasi_fd_filestat_get},
    [WA_WASI_fd_filestat_set_size] = {"iI", wa__wasi_fd_filestat_set_size},
    [WA_WASI_fd_filestat_set_times] = {"iIIi", wa__wasi_fd_filestat_set_times},
    [WA_WASI_fd_pread] = {"iiiIi", wa__wasi_fd_pread},
    [WA_WASI_fd_prestat_get] = {"ii", wa__wasi_fd_prestat_get},
    [WA_WASI_fd_prestat_dir_name] = {"iii", wa__wasi_fd_prestat_dir_name},
    [WA_WASI_fd_pwrite] = {"iiiIi", wa__wasi_fd_pwrite},
    [WA_WASI_fd_read] = {"iiii", wa__wasi_fd_read},
    [WA_WASI_fd_readdir] = {"iiiIi", wa__wasi_fd_readdir},
    [WA_WASI_fd_renumber] = {"ii", wa__wasi_fd_renumber},
    [WA_WASI_fd_seek] = {"iIii", wa__wasi_fd_seek},
    [WA_WASI_fd_sync] = {"i", wa__wasi_fd_sync},
    [WA_WASI_fd_tell] = {"ii", wa__wasi_fd_tell},
    [WA_WASI_fd_write] = {"iiii", wa__wasi_fd_write},
    [WA_WASI_path_create_directory] = {"iii", wa__wasi_path_create_directory},
    [WA_WASI_path_filestat_get] = {"iiiii", wa__wasi_path_filestat_get},
    [WA_WASI_path_filestat_set_times] = {"iiiiIIi", wa__wasi_path_filestat_set_times},
    [WA_WASI_path_link] = {"iiiiiii", wa__wasi_path_link},
    [WA_WASI_path_open] = {"iiiiiIIii", wa__wasi_path_open},
    [WA_WASI_path_readlink] = {"iiiiii", wa__wasi_path_readlink},
    [WA_WASI_path_remove_directory] = {"iii", wa__wasi_path_remove_directory},
    [WA_WASI_path_rename] = {"iiiiii", wa__wasi_path_rename},
    [WA_WASI_path_symlink] = {"iiiii", wa__wasi_path_symlink},
    [WA_WASI_path_unlink_file] = {"iii", wa__wasi_path_unlink_file},
    [WA_WASI_poll_oneoff] = {"iiii", wa__wasi_poll_oneoff},
    [WA_WASI_proc_exit] = {"i", wa__wasi_proc_exit},
    [WA_WASI_proc_raise] = {"i", wa__wasi_proc_raise},
    [WA_WASI_sched_yield] = {"", wa__wasi_sched_yield},
    [WA_WASI_random_get] = {"ii", wa__wasi_random_get},
    [WA_WASI_sock_accept] = {"iii", wa__wasi_sock_accept},
    [WA_WASI_sock_recv] = {"iiiiii", wa__wasi_sock_recv},
    [WA_WASI_sock_send] = {"iiiii", wa__wasi_sock_send},
    [WA_WASI_sock_shutdown] = {"ii", wa__wasi_sock_shutdown},
};

wa_host_fn wa__wasi_host_fn(wa_wasi_func f, uint32_t *nparams) {
    *nparams = (uint32_t)strlen(wasi_sigs[f].params);
    return wasi_sigs[f].fn;
}

const char *wa_wasi_func_name(wa_wasi_func f) {
    if ((unsigned)f >= WA_WASI_FUNC_COUNT_) return "?";
    return wasi_names[f];
}

wb_status wa_wasi_func_lookup(const char *name, wa_wasi_func *out) {
    for (unsigned i = 0; name && i < WA_WASI_FUNC_COUNT_; i++) {
        if (strcmp(wasi_names[i], name) == 0) {
            *out = (wa_wasi_func)i;
            return WB_OK;
        }
    }
    return WB_NOT_FOUND;
}

/* ---- linking ------------------------------------------------------------- */
static wa_wasi *wasi_from_user_data(wa_instance *caller, void *ud) {
    (void)ud;
    return wa_instance_user_data(caller);
}
static const wa_wasi_resolver wasi_user_data_resolver = {wasi_from_user_data, NULL};

static wa_wasi *wasi_self(wa_instance *caller, void *ud) {
    (void)caller;
    return ud;
}

wb_status wa_wasi_link(wa_linker *l, const wa_wasi_resolver *r, wb_error *err) {
    if (!l) return wb_error_set(err, WB_INVALID_ARG, "wa_wasi_link: no linker");
    if (!r) r = &wasi_user_data_resolver;
    static const wa_valtype i32 = WA_I32;
    for (unsigned f = 0; f < WA_WASI_FUNC_COUNT_; f++) {
        const wasi_sig *s = &wasi_sigs[f];
        wa_valtype params[16];
        uint32_t n = 0;
        for (const char *p = s->params; *p; p++) params[n++] = *p == 'I' ? WA_I64 : WA_I32;
        uint32_t nres = f == WA_WASI_proc_exit ? 0 : 1;
        /* The resolver travels as ud: const only by contract, never written. */
        wb_status st = wa_linker_define_func(l, WASI_MODULE, wasi_names[f], params, n, &i32,
                                             nres, s->fn, (void *)r);
        if (st != WB_OK)
            return wb_error_set(err, st, "defining %s.%s: %s", WASI_MODULE, wasi_names[f],
                                wb_status_str(st));
    }
    return WB_OK;
}

wb_status wa_wasi_link_single(wa_linker *l, wa_wasi *w, wb_error *err) {
    if (!w) return wb_error_set(err, WB_INVALID_ARG, "wa_wasi_link_single: no context");
    return wa_wasi_link(l, &w->self, err);
}

wa_wasi *wa__wasi_enter(wa_instance *in, void *ud, wa_wasi_func f, wa_value *results,
                        wa_host_status *hs) {
    const wa_wasi_resolver *r = ud;
    wa_wasi *w = r && r->ctx_of ? r->ctx_of(in, r->ud) : NULL;
    if (!w) {
        wa_instance_set_trap(in, WA_TRAP_HOST, "WASI %s called by an instance without a WASI context",
                             wasi_names[f]);
        *hs = WA_HOST_TRAP;
        return NULL;
    }
    if (f != WA_WASI_proc_exit && (w->deny & WA_WASI_BIT(f))) {
        w->denied_calls++;
        results[0] = wa_i32(WA_WASI_ENOTCAPABLE);
        *hs = WA_HOST_OK;
        return NULL;
    }
    return w;
}

/* ---- context ------------------------------------------------------------- */
/* Packs strings back to back, each NUL-terminated. */
static wb_status wasi_pack(const char *const *strs, uint32_t n, char **out, size_t *size,
                           const char *what, wb_error *err) {
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!strs[i]) return wb_error_set(err, WB_INVALID_ARG, "WASI %s[%u] is NULL", what, i);
        total += strlen(strs[i]) + 1;
    }
    if (total > UINT32_MAX) return wb_error_set(err, WB_LIMIT, "WASI %s too large", what);
    *out = malloc(total ? total : 1);
    if (!*out) return wb_error_set(err, WB_NOMEM, "WASI %s: out of memory", what);
    char *p = *out;
    for (uint32_t i = 0; i < n; i++) {
        size_t len = strlen(strs[i]) + 1;
        memcpy(p, strs[i], len);
        p += len;
    }
    *size = total;
    return WB_OK;
}

static wb_status wasi_add_preopen(wa_wasi *w, const wa_wasi_preopen *po, wb_error *err) {
    if (!po->host_path || !po->guest_path)
        return wb_error_set(err, WB_INVALID_ARG, "WASI preopen without a path");
    int fd = open(po->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return wb_error_set(err, WB_IO, "cannot open directory '%s': %s", po->host_path,
                            strerror(errno));
    wa__wasi_fd ent = {0};
    ent.kind = WA__WASI_FD_DIR;
    ent.host = fd;
    ent.filetype = WA_WASI_FT_DIR;
    ent.rights = wa__wasi_rights_dir;
    ent.inheriting = wa__wasi_rights_dir | wa__wasi_rights_file;
    if (po->read_only) {
        ent.rights &= ~wa__wasi_rights_write;
        ent.inheriting &= ~wa__wasi_rights_write;
    }
    ent.preopen = strdup(po->guest_path);
    ent.preopen_len = (uint32_t)strlen(po->guest_path);
    uint32_t slot;
    uint16_t e = ent.preopen ? wa__wasi_fd_add(w, &ent, &slot) : WA_WASI_ENOMEM;
    if (e != WA_WASI_ESUCCESS) {
        free(ent.preopen);
        close(fd);
        if (e == WA_WASI_ENOMEM)
            return wb_error_set(err, WB_NOMEM, "WASI preopen '%s': out of memory", po->guest_path);
        return wb_error_set(err, WB_LIMIT, "WASI preopen '%s': over the descriptor limit",
                            po->guest_path);
    }
    return WB_OK;
}

static wb_status wasi_init_stdio(wa_wasi *w, const wa_wasi_config *cfg, wb_error *err) {
    for (int i = 0; i < 3; i++) {
        w->stdio[i] = cfg->stdio[i];
        const wa_wasi_stdio *s = &cfg->stdio[i];
        if (s->kind == WA_WASI_STDIO_CALLBACK && (i == 0 || !s->write))
            return wb_error_set(err, WB_INVALID_ARG, "WASI stdio %d: bad callback stream", i);
        if (s->kind == WA_WASI_STDIO_FD && s->fd < 0)
            return wb_error_set(err, WB_INVALID_ARG, "WASI stdio %d: bad host fd", i);
        wa__wasi_fd ent = {0};
        ent.kind = WA__WASI_FD_STDIO;
        ent.host = i;
        ent.filetype = WA_WASI_FT_CHAR;
        ent.rights = WA_WASI_R(i == 0 ? WA_WASI_R_FD_READ : WA_WASI_R_FD_WRITE) |
                     WA_WASI_R(WA_WASI_R_FD_FILESTAT_GET) | WA_WASI_R(WA_WASI_R_POLL_FD_READWRITE);
        if (s->kind == WA_WASI_STDIO_FD) {
            struct stat sb;
            if (fstat(s->fd, &sb) == 0) ent.filetype = wa__wasi_filetype(sb.st_mode);
            /* Seekable on the host (a file, /dev/null): seekable here too. A
             * character device with the seek right is no terminal to
             * wasi-libc's isatty(), so /dev/null is not taken for a tty. */
            if (lseek(s->fd, 0, SEEK_CUR) >= 0)
                ent.rights |= WA_WASI_R(WA_WASI_R_FD_SEEK) | WA_WASI_R(WA_WASI_R_FD_TELL);
        }
        uint32_t slot;
        if (wa__wasi_fd_add(w, &ent, &slot) != WA_WASI_ESUCCESS)
            return wb_error_set(err, WB_NOMEM, "WASI stdio: out of memory");
    }
    const wa_wasi_stdio *in = &cfg->stdio[0];
    if (in->kind == WA_WASI_STDIO_BUFFER && in->input_len) {
        if (!in->input) return wb_error_set(err, WB_INVALID_ARG, "WASI stdin buffer is NULL");
        w->stdin_data = malloc(in->input_len);
        if (!w->stdin_data) return wb_error_set(err, WB_NOMEM, "WASI stdin: out of memory");
        memcpy(w->stdin_data, in->input, in->input_len);
    }
    w->stdio[0].input = w->stdin_data;
    return WB_OK;
}

wb_status wa_wasi_new(const wa_wasi_config *cfg, wa_wasi **out, wb_error *err) {
    *out = NULL;
    if (!cfg) return wb_error_set(err, WB_INVALID_ARG, "wa_wasi_new: no config");
    if ((cfg->nargs && !cfg->args) || (cfg->nenv && !cfg->env) ||
        (cfg->npreopens && !cfg->preopens))
        return wb_error_set(err, WB_INVALID_ARG, "wa_wasi_new: count without array");
    wa_wasi *w = calloc(1, sizeof *w);
    if (!w) return wb_error_set(err, WB_NOMEM, "wa_wasi_new: out of memory");
    w->self.ctx_of = wasi_self;
    w->self.ud = w;
    w->deny = cfg->deny;
    w->wait = cfg->wait;
    w->wait_ud = cfg->wait_ud;
    w->max_fds = cfg->max_fds ? cfg->max_fds : 1024;
    w->max_write_bytes = cfg->max_write_bytes;
    w->fd_budget = cfg->fd_budget;
    w->capture_max = cfg->capture_max ? cfg->capture_max : WASI_CAPTURE_DEFAULT;
    w->nargs = cfg->nargs;
    w->nenv = cfg->nenv;
    wb_status st = wasi_pack(cfg->args, cfg->nargs, &w->args, &w->args_size, "args", err);
    if (st == WB_OK) st = wasi_pack(cfg->env, cfg->nenv, &w->env, &w->env_size, "env", err);
    if (st == WB_OK) st = wasi_init_stdio(w, cfg, err);
    for (uint32_t i = 0; st == WB_OK && i < cfg->npreopens; i++)
        st = wasi_add_preopen(w, &cfg->preopens[i], err);
    if (st != WB_OK) {
        wa_wasi_free(w);
        return st;
    }
    *out = w;
    return WB_OK;
}

void wa_wasi_free(wa_wasi *w) {
    if (!w) return;
    for (uint32_t i = 0; i < w->nfds; i++) wa__wasi_fd_release(w, &w->fds[i]);
    free(w->fds);
    for (int i = 0; i < 3; i++) free(w->out[i].data);
    free(w->stdin_data);
    free(w->args);
    free(w->env);
    free(w);
}

bool wa_wasi_exited(const wa_wasi *w, int32_t *code) {
    if (!w || !w->exited) return false;
    if (code) *code = w->exit_code;
    return true;
}

const uint8_t *wa_wasi_output(const wa_wasi *w, int stream, size_t *len) {
    *len = 0;
    if (!w || stream < 1 || stream > 2) return NULL;
    *len = w->out[stream].len;
    return w->out[stream].data;
}

uint64_t wa_wasi_denied_calls(const wa_wasi *w) { return w ? w->denied_calls : 0; }

/* ---- shared helpers -------------------------------------------------------- */
uint16_t wa__wasi_errno(int e) {
    switch (e) {
    case 0: return WA_WASI_ESUCCESS;
    case E2BIG: return WA_WASI_E2BIG;
    case EACCES: return WA_WASI_EACCES;
    case EAGAIN: return WA_WASI_EAGAIN;
    case EBADF: return WA_WASI_EBADF;
    case EBUSY: return WA_WASI_EBUSY;
    case EEXIST: return WA_WASI_EEXIST;
    case EFAULT: return WA_WASI_EFAULT;
    case EFBIG: return WA_WASI_EFBIG;
    case EILSEQ: return WA_WASI_EILSEQ;
    case EINTR: return WA_WASI_EINTR;
    case EINVAL: return WA_WASI_EINVAL;
    case EIO: return WA_WASI_EIO;
    case EISDIR: return WA_WASI_EISDIR;
    case ELOOP: return WA_WASI_ELOOP;
    case EMFILE: return WA_WASI_EMFILE;
    case EMLINK: return WA_WASI_EMLINK;
    case ENAMETOOLONG: return WA_WASI_ENAMETOOLONG;
    case ENFILE: return WA_WASI_ENFILE;
    case ENODEV: return WA_WASI_ENODEV;
    case ENOENT: return WA_WASI_ENOENT;
    case ENOMEM: return WA_WASI_ENOMEM;
    case ENOSPC: return WA_WASI_ENOSPC;
    case ENOSYS: return WA_WASI_ENOSYS;
    case ENOTDIR: return WA_WASI_ENOTDIR;
    case ENOTEMPTY: return WA_WASI_ENOTEMPTY;
    case EOPNOTSUPP: return WA_WASI_ENOTSUP;
    case ENOTTY: return WA_WASI_ENOTTY;
    case ENXIO: return WA_WASI_ENXIO;
    case EOVERFLOW: return WA_WASI_EOVERFLOW;
    case EPERM: return WA_WASI_EPERM;
    case EPIPE: return WA_WASI_EPIPE;
    case ERANGE: return WA_WASI_ERANGE;
    case EROFS: return WA_WASI_EROFS;
    case ESPIPE: return WA_WASI_ESPIPE;
    case ETIMEDOUT: return WA_WASI_ETIMEDOUT;
    case ETXTBSY: return WA_WASI_ETXTBSY;
    case EXDEV: return WA_WASI_EXDEV;
    default: return WA_WASI_EIO;
    }
}

uint8_t wa__wasi_filetype(unsigned mode) {
    switch (mode & S_IFMT) {
    case S_IFREG: return WA_WASI_FT_FILE;
    case S_IFDIR: return WA_WASI_FT_DIR;
    case S_IFCHR: return WA_WASI_FT_CHAR;
    case S_IFBLK: return WA_WASI_FT_BLOCK;
    case S_IFLNK: return WA_WASI_FT_SYMLINK;
    case S_IFSOCK: return WA_WASI_FT_SOCK_STREAM;
    default: return WA_WASI_FT_UNKNOWN; /* FIFOs have no WASI type */
    }
}

static bool wasi_put(wa_instance *in, uint32_t off, uint64_t v, unsigned n) {
    uint8_t *p = wa_instance_mem_ptr(in, off, n);
    if (!p) return false;
    for (unsigned i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
    return true;
}
bool wa__wasi_put_u8(wa_instance *in, uint32_t off, uint8_t v) { return wasi_put(in, off, v, 1); }
bool wa__wasi_put_u16(wa_instance *in, uint32_t off, uint16_t v) { return wasi_put(in, off, v, 2); }
bool wa__wasi_put_u32(wa_instance *in, uint32_t off, uint32_t v) { return wasi_put(in, off, v, 4); }
bool wa__wasi_put_u64(wa_instance *in, uint32_t off, uint64_t v) { return wasi_put(in, off, v, 8); }

uint16_t wa__wasi_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t wa__wasi_get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
uint64_t wa__wasi_get_u64(const uint8_t *p) {
    return (uint64_t)wa__wasi_get_u32(p) | (uint64_t)wa__wasi_get_u32(p + 4) << 32;
}

/* ---- args and environ ------------------------------------------------------ */
/* Writes the pointer array at `vec` and the strings at `buf`. */
static uint16_t wasi_strings_get(wa_instance *in, const char *strs, size_t size, uint32_t n,
                                 uint32_t vec, uint32_t buf) {
    uint8_t *dst = wa_instance_mem_ptr(in, buf, size);
    if ((!dst && size) || (n && !wa_instance_mem_ptr(in, vec, (uint64_t)n * 4)))
        return WA_WASI_EFAULT;
    if (size) memcpy(dst, strs, size);
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        wa__wasi_put_u32(in, vec + 4 * i, (uint32_t)(buf + off));
        off += strlen(strs + off) + 1;
    }
    return WA_WASI_ESUCCESS;
}

static uint16_t wasi_sizes_get(wa_instance *in, uint32_t n, size_t size, uint32_t pn,
                               uint32_t psize) {
    if (!wa__wasi_put_u32(in, pn, n) || !wa__wasi_put_u32(in, psize, (uint32_t)size))
        return WA_WASI_EFAULT;
    return WA_WASI_ESUCCESS;
}

wa_host_status wa__wasi_args_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_args_get, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, wasi_strings_get(in, w->args, w->args_size, w->nargs,
                                            (uint32_t)a[0].of.i32, (uint32_t)a[1].of.i32));
}

wa_host_status wa__wasi_args_sizes_get(wa_instance *in, const wa_value *a, wa_value *r,
                                       void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_args_sizes_get, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, wasi_sizes_get(in, w->nargs, w->args_size, (uint32_t)a[0].of.i32,
                                          (uint32_t)a[1].of.i32));
}

wa_host_status wa__wasi_environ_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_environ_get, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, wasi_strings_get(in, w->env, w->env_size, w->nenv,
                                            (uint32_t)a[0].of.i32, (uint32_t)a[1].of.i32));
}

wa_host_status wa__wasi_environ_sizes_get(wa_instance *in, const wa_value *a, wa_value *r,
                                          void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_environ_sizes_get, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, wasi_sizes_get(in, w->nenv, w->env_size, (uint32_t)a[0].of.i32,
                                          (uint32_t)a[1].of.i32));
}

/* ---- clocks ---------------------------------------------------------------- */
static bool wasi_clock_id(uint32_t id, clockid_t *out) {
    static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                    CLOCK_THREAD_CPUTIME_ID};
    if (id >= WB_ARRAY_LEN(ids)) return false;
    *out = ids[id];
    return true;
}

wa_host_status wa__wasi_clock_res_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_clock_res_get, r, &hs);
    if (!w) return hs;
    clockid_t id;
    struct timespec ts;
    if (!wasi_clock_id((uint32_t)a[0].of.i32, &id)) return wa__wasi_ret(r, WA_WASI_EINVAL);
    if (clock_getres(id, &ts) != 0) return wa__wasi_ret(r, wa__wasi_errno(errno));
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (!wa__wasi_put_u64(in, (uint32_t)a[1].of.i32, ns)) return wa__wasi_ret(r, WA_WASI_EFAULT);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

wa_host_status wa__wasi_clock_time_get(wa_instance *in, const wa_value *a, wa_value *r,
                                       void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_clock_time_get, r, &hs);
    if (!w) return hs;
    clockid_t id;
    struct timespec ts;
    if (!wasi_clock_id((uint32_t)a[0].of.i32, &id)) return wa__wasi_ret(r, WA_WASI_EINVAL);
    if (clock_gettime(id, &ts) != 0) return wa__wasi_ret(r, wa__wasi_errno(errno));
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (!wa__wasi_put_u64(in, (uint32_t)a[2].of.i32, ns)) return wa__wasi_ret(r, WA_WASI_EFAULT);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

/* ---- random, proc, sched ----------------------------------------------------- */
wa_host_status wa__wasi_random_get(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_random_get, r, &hs);
    if (!w) return hs;
    uint32_t len = (uint32_t)a[1].of.i32;
    uint8_t *p = wa_instance_mem_ptr(in, (uint32_t)a[0].of.i32, len);
    if (!p && len) return wa__wasi_ret(r, WA_WASI_EFAULT);
    if (len && wb_random_fill(p, len) != WB_OK) return wa__wasi_ret(r, WA_WASI_EIO);
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

wa_host_status wa__wasi_proc_exit(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_proc_exit, r, &hs);
    if (!w) return hs;
    w->exited = true;
    w->exit_code = a[0].of.i32;
    wa_instance_set_exit(in, a[0].of.i32);
    return WA_HOST_TRAP;
}

wa_host_status wa__wasi_proc_raise(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_proc_raise, r, &hs);
    if (!w) return hs;
    return wa__wasi_ret(r, WA_WASI_ENOSYS); /* signals do not cross the sandbox */
}

wa_host_status wa__wasi_sched_yield(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, WA_WASI_sched_yield, r, &hs);
    if (!w) return hs;
    sched_yield();
    return wa__wasi_ret(r, WA_WASI_ESUCCESS);
}

/* ---- sockets: preview1 can only use sockets handed in, and we hand in none -- */
static wa_host_status wasi_sock(wa_instance *in, wa_value *r, void *ud, wa_wasi_func f,
                                uint32_t fd) {
    wa_host_status hs;
    wa_wasi *w = wa__wasi_enter(in, ud, f, r, &hs);
    if (!w) return hs;
    uint16_t e;
    if (!wa__wasi_fd_get(w, fd, 0, &e)) return wa__wasi_ret(r, e);
    return wa__wasi_ret(r, WA_WASI_ENOTSUP);
}

wa_host_status wa__wasi_sock_accept(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    return wasi_sock(in, r, ud, WA_WASI_sock_accept, (uint32_t)a[0].of.i32);
}
wa_host_status wa__wasi_sock_recv(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    return wasi_sock(in, r, ud, WA_WASI_sock_recv, (uint32_t)a[0].of.i32);
}
wa_host_status wa__wasi_sock_send(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    return wasi_sock(in, r, ud, WA_WASI_sock_send, (uint32_t)a[0].of.i32);
}
wa_host_status wa__wasi_sock_shutdown(wa_instance *in, const wa_value *a, wa_value *r, void *ud) {
    return wasi_sock(in, r, ud, WA_WASI_sock_shutdown, (uint32_t)a[0].of.i32);
}
