/* SPDX-License-Identifier: MIT */
/* WASI preview1 internals shared by wasi*.c: the context, the descriptor
 * table, guest-memory helpers, errno and rights constants. Private to src/wasm. */
#ifndef WACTOR_WASM_WASI_H
#define WACTOR_WASM_WASI_H

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "wactor/wasm.h"

/* errno values of wasi_snapshot_preview1 (witx `errno`, a u16). */
enum {
    WA_WASI_ESUCCESS = 0, WA_WASI_E2BIG = 1, WA_WASI_EACCES = 2, WA_WASI_EAGAIN = 6,
    WA_WASI_EBADF = 8, WA_WASI_EBUSY = 10, WA_WASI_EEXIST = 20, WA_WASI_EFAULT = 21,
    WA_WASI_EFBIG = 22, WA_WASI_EILSEQ = 25, WA_WASI_EINTR = 27, WA_WASI_EINVAL = 28,
    WA_WASI_EIO = 29, WA_WASI_EISDIR = 31, WA_WASI_ELOOP = 32, WA_WASI_EMFILE = 33,
    WA_WASI_EMLINK = 34, WA_WASI_ENAMETOOLONG = 37, WA_WASI_ENFILE = 41, WA_WASI_ENODEV = 43,
    WA_WASI_ENOENT = 44, WA_WASI_ENOMEM = 48, WA_WASI_ENOSPC = 51, WA_WASI_ENOSYS = 52,
    WA_WASI_ENOTDIR = 54, WA_WASI_ENOTEMPTY = 55, WA_WASI_ENOTSUP = 58, WA_WASI_ENOTTY = 59,
    WA_WASI_ENXIO = 60, WA_WASI_EOVERFLOW = 61, WA_WASI_EPERM = 63, WA_WASI_EPIPE = 64,
    WA_WASI_ERANGE = 68, WA_WASI_EROFS = 69, WA_WASI_ESPIPE = 70, WA_WASI_ETIMEDOUT = 73,
    WA_WASI_ETXTBSY = 74, WA_WASI_EXDEV = 75, WA_WASI_ENOTCAPABLE = 76,
};

/* filetype */
enum {
    WA_WASI_FT_UNKNOWN = 0, WA_WASI_FT_BLOCK = 1, WA_WASI_FT_CHAR = 2, WA_WASI_FT_DIR = 3,
    WA_WASI_FT_FILE = 4, WA_WASI_FT_SOCK_DGRAM = 5, WA_WASI_FT_SOCK_STREAM = 6,
    WA_WASI_FT_SYMLINK = 7,
};
/* fdflags, oflags, lookupflags, fstflags */
enum { WA_WASI_FDFLAG_APPEND = 1, WA_WASI_FDFLAG_DSYNC = 2, WA_WASI_FDFLAG_NONBLOCK = 4,
       WA_WASI_FDFLAG_RSYNC = 8, WA_WASI_FDFLAG_SYNC = 16 };
enum { WA_WASI_O_CREAT = 1, WA_WASI_O_DIRECTORY = 2, WA_WASI_O_EXCL = 4, WA_WASI_O_TRUNC = 8 };
enum { WA_WASI_LOOKUP_FOLLOW = 1 };
enum { WA_WASI_FST_ATIM = 1, WA_WASI_FST_ATIM_NOW = 2, WA_WASI_FST_MTIM = 4,
       WA_WASI_FST_MTIM_NOW = 8 };

/* rights: bit n of witx `rights`. */
#define WA_WASI_R(n) (UINT64_C(1) << (n))
enum {
    WA_WASI_R_FD_DATASYNC = 0, WA_WASI_R_FD_READ = 1, WA_WASI_R_FD_SEEK = 2,
    WA_WASI_R_FD_FDSTAT_SET_FLAGS = 3, WA_WASI_R_FD_SYNC = 4, WA_WASI_R_FD_TELL = 5,
    WA_WASI_R_FD_WRITE = 6, WA_WASI_R_FD_ADVISE = 7, WA_WASI_R_FD_ALLOCATE = 8,
    WA_WASI_R_PATH_CREATE_DIRECTORY = 9, WA_WASI_R_PATH_CREATE_FILE = 10,
    WA_WASI_R_PATH_LINK_SOURCE = 11, WA_WASI_R_PATH_LINK_TARGET = 12, WA_WASI_R_PATH_OPEN = 13,
    WA_WASI_R_FD_READDIR = 14, WA_WASI_R_PATH_READLINK = 15, WA_WASI_R_PATH_RENAME_SOURCE = 16,
    WA_WASI_R_PATH_RENAME_TARGET = 17, WA_WASI_R_PATH_FILESTAT_GET = 18,
    WA_WASI_R_PATH_FILESTAT_SET_SIZE = 19, WA_WASI_R_PATH_FILESTAT_SET_TIMES = 20,
    WA_WASI_R_FD_FILESTAT_GET = 21, WA_WASI_R_FD_FILESTAT_SET_SIZE = 22,
    WA_WASI_R_FD_FILESTAT_SET_TIMES = 23, WA_WASI_R_PATH_SYMLINK = 24,
    WA_WASI_R_PATH_REMOVE_DIRECTORY = 25, WA_WASI_R_PATH_UNLINK_FILE = 26,
    WA_WASI_R_POLL_FD_READWRITE = 27,
};
/* Rights a regular file can use, rights a directory can use, and the ones a
 * read-only grant removes from both. */
extern const uint64_t wa__wasi_rights_file;
extern const uint64_t wa__wasi_rights_dir;
extern const uint64_t wa__wasi_rights_write;

typedef enum wa__wasi_fd_kind {
    WA__WASI_FD_FREE = 0,
    WA__WASI_FD_STDIO, /* index 0..2; behaviour from wa_wasi.stdio */
    WA__WASI_FD_FILE,  /* any non-directory host descriptor */
    WA__WASI_FD_DIR,
} wa__wasi_fd_kind;

typedef struct wa__wasi_fd {
    wa__wasi_fd_kind kind;
    int host;            /* FILE/DIR: owned; STDIO: the stream index 0..2 */
    uint8_t filetype;    /* WASI filetype reported by fdstat */
    uint16_t fdflags;
    uint64_t rights, inheriting;
    char *preopen;       /* owner: this entry; guest path of a preopen, else NULL */
    uint32_t preopen_len;
    DIR *dir;            /* owner: this entry; fd_readdir stream on a dup of host */
    uint64_t dir_next;   /* cookie of the entry `dir` yields next */
    uint8_t charged;     /* host descriptors counted against the limits (host + dir's) */
    bool fifo;           /* a FIFO: an end of file before any writer came means "wait" */
} wa__wasi_fd;

/* A call that suspended through the embedder's wait (wasi_wait.c): run
 * again, with the same arguments, by wa_wasi_resume. */
#define WA__WASI_MAX_ARGS 10
typedef struct wa__wasi_pending {
    bool active;
    wa_wasi_func func;
    wa_instance *caller;   /* the instance whose code called */
    void *ud;              /* the host function's ud (its resolver) */
    wa_value args[WA__WASI_MAX_ARGS];
    uint64_t t0;           /* wb_now_ns() when the call first ran */
} wa__wasi_pending;

typedef struct wa__wasi_capture {
    uint8_t *data;       /* owner: context */
    size_t len, cap;
} wa__wasi_capture;

struct wa_wasi {
    wa_wasi_resolver self; /* resolves to this context: wa_wasi_link_single */
    char *args;            /* owner: context; NUL-terminated strings back to back */
    size_t args_size;
    uint32_t nargs;
    char *env;             /* owner: context; same layout as args */
    size_t env_size;
    uint32_t nenv;
    wa_wasi_stdio stdio[3];
    uint8_t *stdin_data;   /* owner: context; copy of stdio[0].input */
    size_t stdin_pos;
    wa__wasi_capture out[3]; /* [1] stdout, [2] stderr when BUFFER */
    size_t capture_max;
    uint64_t deny;
    uint64_t denied_calls;
    wa__wasi_fd *fds;      /* owner: context; index = guest descriptor */
    uint32_t nfds;
    bool exited;
    int32_t exit_code;
    bool (*wait)(wa_instance *caller, const wa_wasi_wait_req *req, void *ud); /* config.wait */
    void *wait_ud;
    uint32_t max_fds, open_fds; /* host descriptors: the limit and those open now */
    uint64_t max_write_bytes, written_bytes; /* file growth allowed (0: any) and used */
    wa_budget *fd_budget;       /* also charged, when set */
    wa__wasi_pending pending;   /* a suspended call */
    bool resuming;              /* wa_wasi_resume is running the pending call again */
};

/* Entry of every WASI host function: finds the context and checks the grant.
 * NULL means stop and return *hs (results[0] holds ENOTCAPABLE when the
 * function is denied; a missing context is a HOST trap). */
wa_wasi *wa__wasi_enter(wa_instance *in, void *ud, wa_wasi_func f, wa_value *results,
                        wa_host_status *hs);
static inline wa_host_status wa__wasi_ret(wa_value *results, uint16_t e) {
    results[0] = wa_i32(e);
    return WA_HOST_OK;
}
uint16_t wa__wasi_errno(int host_errno); /* host errno -> WASI errno */
uint8_t wa__wasi_filetype(unsigned st_mode);
/* Writes a 64-byte filestat at guest offset p (wasi_fd.c). */
uint16_t wa__wasi_filestat_put(wa_instance *in, uint32_t p, const struct stat *sb);
/* Builds utimensat times from WASI's (atim, mtim, fstflags) (wasi_fd.c). */
uint16_t wa__wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

/* Guest memory (memory 0), little-endian; false when out of bounds. */
bool wa__wasi_put_u8(wa_instance *in, uint32_t off, uint8_t v);
bool wa__wasi_put_u16(wa_instance *in, uint32_t off, uint16_t v);
bool wa__wasi_put_u32(wa_instance *in, uint32_t off, uint32_t v);
bool wa__wasi_put_u64(wa_instance *in, uint32_t off, uint64_t v);
uint16_t wa__wasi_get_u16(const uint8_t *p);
uint32_t wa__wasi_get_u32(const uint8_t *p);
uint64_t wa__wasi_get_u64(const uint8_t *p);

/* Descriptor table (wasi_fd.c). get: the entry when fd is open and holds
 * every right in `need`, else NULL with *e = EBADF or ENOTCAPABLE. */
wa__wasi_fd *wa__wasi_fd_get(wa_wasi *w, uint32_t fd, uint64_t need, uint16_t *e);
/* Takes the lowest free descriptor for `ent`; EMFILE/ENOMEM on failure (the
 * caller still owns ent's host descriptor then). */
uint16_t wa__wasi_fd_add(wa_wasi *w, const wa__wasi_fd *ent, uint32_t *fd);
void wa__wasi_fd_release(wa_wasi *w, wa__wasi_fd *ent); /* closes what the entry owns */
/* Counts n more host descriptors against the limits: EMFILE over the
 * context's, ENFILE over the shared budget (then nothing is counted). */
uint16_t wa__wasi_fds_charge(wa_wasi *w, uint32_t n);
void wa__wasi_fds_uncharge(wa_wasi *w, uint32_t n);

/* Blocking calls (wasi_wait.c). The call `f` (arguments a, host ud) cannot
 * finish before req: true when it suspended through the embedder's wait
 * (the host function then returns WA_HOST_SUSPEND and is run again by
 * wa_wasi_resume); false after blocking this thread until req may be met
 * (the caller tries again). */
bool wa__wasi_block(wa_wasi *w, wa_instance *in, wa_wasi_func f, void *ud, const wa_value *a,
                    const wa_wasi_wait_req *req);
/* The host function of f and its parameter count (wasi.c). */
wa_host_fn wa__wasi_host_fn(wa_wasi_func f, uint32_t *nparams);
/* When the current call first ran (it may be a resumed one). */
uint64_t wa__wasi_call_t0(const wa_wasi *w);
/* a + b, saturating at UINT64_MAX: deadlines never wrap. */
static inline uint64_t wa__wasi_sat_add(uint64_t a, uint64_t b) {
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* Stdio (wasi_fd.c): reads/writes through the configured streams. */
uint16_t wa__wasi_stdio_read(wa_wasi *w, int stream, uint8_t *buf, size_t len, size_t *got);
uint16_t wa__wasi_stdio_write(wa_wasi *w, int stream, const uint8_t *buf, size_t len);

/* A path resolved inside a directory descriptor (wasi_path.c): the host
 * directory holding the last component and that component's name. */
typedef struct wa__wasi_at {
    int dir;        /* owned when `own`, else the base descriptor */
    bool own;
    bool dir_only;  /* the path ended in '/': it names a directory or nothing */
    bool slash_link; /* a final symlink was followed only for that '/' (which
                      * rmdir, unlink, rename and mkdir refuse, as the host does) */
    char name[256]; /* "." when the path names the directory itself */
} wa__wasi_at;
/* Reads the guest path at [ptr, ptr+len) and resolves it beneath base.
 * follow: whether a symlink in the last component is followed. */
uint16_t wa__wasi_resolve(wa_instance *in, int base, uint32_t ptr, uint32_t len, bool follow,
                          wa__wasi_at *out);
void wa__wasi_at_close(wa__wasi_at *at);

/* Host functions, one per preview1 name, in the file of their group. */
#define WA__WASI_HOST(name)                                                  \
    wa_host_status wa__wasi_##name(wa_instance *in, const wa_value *a, wa_value *r, void *ud);
WA_WASI_FUNC_MAP(WA__WASI_HOST)
#undef WA__WASI_HOST

#endif
