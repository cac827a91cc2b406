/* SPDX-License-Identifier: MIT */
/* wactor's WebAssembly engine: load (decode + validate + compile), link,
 * instantiate, call with fuel, suspend and resume. Knows nothing of actors.
 *
 * Threads: an engine and its modules are immutable after creation and may be
 * shared by any number of threads. An instance is used by one thread at a
 * time (any thread; a suspended call may resume on another thread). */
#ifndef WACTOR_WASM_H
#define WACTOR_WASM_H

#include "wactor/base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wa_engine wa_engine;
typedef struct wa_module wa_module;
typedef struct wa_instance wa_instance;
typedef struct wa_linker wa_linker;
typedef struct wa_func wa_func; /* a function of an instance (or a host function) */

/* ---- types and values ---------------------------------------------------- */
typedef enum wa_valtype {
    WA_I32 = 0x7F,
    WA_I64 = 0x7E,
    WA_F32 = 0x7D,
    WA_F64 = 0x7C,
    WA_V128 = 0x7B,
    WA_FUNCREF = 0x70,
    WA_EXTERNREF = 0x6F,
} wa_valtype;

const char *wa_valtype_name(wa_valtype t); /* "i32", "funcref", ... */

/* A typed value. Floats are carried as their exact bits (NaN payloads kept).
 * References: NULL is the null reference; a funcref points to a wa_func; an
 * externref is any host pointer the embedder chose. */
typedef struct wa_value {
    wa_valtype type;
    union {
        int32_t i32;
        int64_t i64;
        uint32_t f32_bits;
        uint64_t f64_bits;
        void *ref;
    } of;
} wa_value;

static inline wa_value wa_i32(int32_t v) { wa_value r; r.type = WA_I32; r.of.i64 = 0; r.of.i32 = v; return r; }
static inline wa_value wa_i64(int64_t v) { wa_value r; r.type = WA_I64; r.of.i64 = v; return r; }
wa_value wa_f32(float v);
wa_value wa_f64(double v);
float wa_value_f32(wa_value v);
double wa_value_f64(wa_value v);

typedef struct wa_functype {
    uint32_t nparams, nresults;
    const wa_valtype *params;  /* owner: the module or linker that made it */
    const wa_valtype *results;
} wa_functype;

typedef struct wa_limits_type {
    uint64_t min;
    uint64_t max; /* valid when has_max */
    bool has_max;
} wa_limits_type;

typedef struct wa_tabletype {
    wa_valtype elem; /* WA_FUNCREF or WA_EXTERNREF */
    wa_limits_type limits;
} wa_tabletype;

typedef struct wa_memtype {
    wa_limits_type limits; /* in 64 KiB pages */
} wa_memtype;

typedef struct wa_globaltype {
    wa_valtype type;
    bool mutable_;
} wa_globaltype;

typedef enum wa_extern_kind {
    WA_EXTERN_FUNC = 0,
    WA_EXTERN_TABLE = 1,
    WA_EXTERN_MEMORY = 2,
    WA_EXTERN_GLOBAL = 3,
} wa_extern_kind;

/* Names are UTF-8 byte strings that may hold NUL; `str` is also
 * NUL-terminated for convenience. */
typedef struct wa_name {
    const char *str;
    uint32_t len;
} wa_name;

/* ---- traps --------------------------------------------------------------- */
/* Trap kinds; messages follow the spec test suite's wording. */
#define WA_TRAP_MAP(X)                                                       \
    X(NONE, "no trap")                                                       \
    X(UNREACHABLE, "unreachable")                                            \
    X(MEMORY_OOB, "out of bounds memory access")                             \
    X(TABLE_OOB, "out of bounds table access")                               \
    X(DIV_BY_ZERO, "integer divide by zero")                                 \
    X(INT_OVERFLOW, "integer overflow")                                      \
    X(BAD_CONVERSION, "invalid conversion to integer")                       \
    X(UNDEFINED_ELEMENT, "undefined element")                                \
    X(UNINITIALIZED_ELEMENT, "uninitialized element")                        \
    X(INDIRECT_TYPE, "indirect call type mismatch")                          \
    X(NULL_REFERENCE, "null reference")                                      \
    X(CALL_STACK, "call stack exhausted")                                    \
    X(VALUE_STACK, "value stack exhausted")                                  \
    X(FUEL, "fuel limit exceeded")                                           \
    X(MEMORY_LIMIT, "memory limit exceeded")                                 \
    X(TABLE_LIMIT, "table limit exceeded")                                   \
    X(HOST, "host function failed")                                          \
    X(EXIT, "program exited")                                                \
    X(CANCELLED, "execution cancelled")                                      \
    X(OUT_OF_MEMORY, "out of memory") /* the host's allocator failed */

typedef enum wa_trap_kind {
#define WA_TRAP_ENUM_(name, msg) WA_TRAP_##name,
    WA_TRAP_MAP(WA_TRAP_ENUM_)
#undef WA_TRAP_ENUM_
    WA_TRAP_COUNT_
} wa_trap_kind;

const char *wa_trap_name(wa_trap_kind k);    /* "WA_TRAP_UNREACHABLE" */
const char *wa_trap_message(wa_trap_kind k); /* "unreachable" */

typedef struct wa_trap {
    wa_trap_kind kind;
    int32_t exit_code;     /* for WA_TRAP_EXIT (WASI proc_exit) */
    uint32_t func_index;   /* function that trapped (module index space) */
    uint32_t code_offset;  /* byte offset in the module of the trapping instruction */
    char message[192];     /* kind's message plus detail */
} wa_trap;

/* ---- engine -------------------------------------------------------------- */
typedef struct wa_engine_config {
    wb_allocator alloc; /* zeroed: malloc */
    /* Linear memory blocks kept for reuse per engine (0: default). */
    uint32_t memory_pool_max;
} wa_engine_config;

/* cfg may be NULL for defaults. Returns NULL only on out of memory. */
wa_engine *wa_engine_new(const wa_engine_config *cfg);
void wa_engine_free(wa_engine *e); /* after every module and instance is gone */

/* ---- modules ------------------------------------------------------------- */
/* Decodes, validates and compiles. On failure returns WB_MALFORMED (binary
 * format; also more locals than the engine allows: "too many locals"),
 * WB_INVALID (validation), WB_LIMIT (over 4 GiB, operand stack higher than
 * the engine allows) or WB_NOMEM, with the reason and byte offset in
 * err->msg. The bytes are copied; the caller keeps its buffer. */
wb_status wa_module_new(wa_engine *e, const uint8_t *bytes, size_t len, wa_module **out,
                        wb_error *err);
/* Modules are reference counted (shared by instances, caches, threads). */
wa_module *wa_module_ref(wa_module *m);
void wa_module_unref(wa_module *m);
uint64_t wa_module_hash(const wa_module *m); /* content hash of the bytes */

/* Inspection. Indices count imports first, as the spec does. */
uint32_t wa_module_type_count(const wa_module *m);
wa_functype wa_module_type(const wa_module *m, uint32_t i);

typedef struct wa_import_info {
    wa_name module, name;
    wa_extern_kind kind;
    wa_functype func; /* kind == FUNC */
    uint32_t type_index;
    wa_tabletype table;
    wa_memtype memory;
    wa_globaltype global;
} wa_import_info;
uint32_t wa_module_import_count(const wa_module *m);
wa_import_info wa_module_import(const wa_module *m, uint32_t i);

typedef struct wa_export_info {
    wa_name name;
    wa_extern_kind kind;
    uint32_t index;
    wa_functype func; /* kind == FUNC */
    wa_tabletype table;
    wa_memtype memory;
    wa_globaltype global;
} wa_export_info;
uint32_t wa_module_export_count(const wa_module *m);
wa_export_info wa_module_export(const wa_module *m, uint32_t i);

typedef struct wa_custom_info {
    wa_name name;
    const uint8_t *data;
    uint32_t len;
} wa_custom_info;
uint32_t wa_module_custom_count(const wa_module *m);
wa_custom_info wa_module_custom(const wa_module *m, uint32_t i);

typedef struct wa_module_stats {
    uint32_t funcs_defined, funcs_imported;
    uint32_t tables, memories, globals, elems, datas;
    bool has_start;
    uint32_t start_index;
    size_t code_bytes;     /* size of the code section */
    size_t compiled_bytes; /* size of the engine's internal code */
} wa_module_stats;
wa_module_stats wa_module_stats_get(const wa_module *m);

/* ---- host functions and linking ------------------------------------------ */
typedef enum wa_host_status {
    WA_HOST_OK = 0,      /* results written */
    WA_HOST_TRAP = 1,    /* wa_instance_set_trap was called (or kind HOST is used) */
    WA_HOST_SUSPEND = 2, /* the call pauses; finish with wa_instance_resume_host */
} wa_host_status;

/* A host function. `caller` is the instance whose code made the call (use it
 * for memory access and wa_instance_user_data). args/results follow the
 * declared type. */
typedef wa_host_status (*wa_host_fn)(wa_instance *caller, const wa_value *args, wa_value *results,
                                     void *ud);

wa_linker *wa_linker_new(wa_engine *e);
void wa_linker_free(wa_linker *l);

/* Defines module.name as a host function. Types are copied. WB_EXISTS if the
 * name is taken. */
wb_status wa_linker_define_func(wa_linker *l, const char *module, const char *name,
                                const wa_valtype *params, uint32_t nparams,
                                const wa_valtype *results, uint32_t nresults, wa_host_fn fn,
                                void *ud);
/* Host-made globals, tables and memories (e.g. the spec tests' "spectest"). */
wb_status wa_linker_define_global(wa_linker *l, const char *module, const char *name,
                                  wa_value value, bool mutable_);
wb_status wa_linker_define_table(wa_linker *l, const char *module, const char *name,
                                 wa_tabletype type);
wb_status wa_linker_define_memory(wa_linker *l, const char *module, const char *name,
                                  wa_memtype type);
/* Makes every export of inst importable as `module`.<export name>. The linker
 * keeps the instance alive (it holds a reference). */
wb_status wa_linker_define_instance(wa_linker *l, const char *module, wa_instance *inst);

/* ---- instances ----------------------------------------------------------- */
/* A memory budget that several instances draw from (e.g. a node's guest
 * memory). Thread-safe; the embedder owns it and it must outlive every
 * instance charged to it. */
typedef struct wa_budget {
    _Atomic uint64_t used;     /* bytes charged now */
    uint64_t max;              /* 0: unlimited */
    _Atomic uint64_t refused;  /* charges refused because of this budget */
} wa_budget;
void wa_budget_init(wa_budget *b, uint64_t max);
uint64_t wa_budget_used(const wa_budget *b);
/* Charges n bytes the embedder holds for its instances (their shared code,
 * say); false, and nothing charged, when that passes max. */
bool wa_budget_charge(wa_budget *b, uint64_t n);
void wa_budget_uncharge(wa_budget *b, uint64_t n);

/* Per-instance limits. Zero means the default shown. */
typedef struct wa_limits {
    uint32_t max_memory_pages; /* default 65536 (4 GiB) */
    uint32_t max_table_elems;  /* per table; default 10,000,000 */
    uint32_t max_call_depth;   /* default 10,000 frames */
    uint32_t max_stack_bytes;  /* value stack incl. frames; default 8 MiB */
    uint64_t max_fuel;         /* total fuel for the instance's lifetime; 0 unlimited */
    /* Host memory the instance may hold, all kinds together: linear memory,
     * tables, globals, value and call stacks, its own bookkeeping; 0
     * unlimited. Instantiation over it fails (WB_LIMIT), memory.grow and
     * table.grow return -1, a stack that cannot grow traps. */
    uint64_t max_bytes;
    wa_budget *budget;         /* also charged, when set (shared by instances) */
    uint64_t start_fuel;       /* fuel for the start function; 0 unlimited */
} wa_limits;

#define WA_FUEL_UNLIMITED UINT64_MAX

/* Links imports through `l` (may be NULL when there are none), allocates
 * memory/tables/globals, applies element and data segments and runs the
 * start function (with limits->start_fuel, or unlimited; running out is a
 * WB_TRAP with the fuel trap's message). Errors:
 * WB_UNLINKABLE (missing/incompatible import), WB_TRAP (a segment out of
 * bounds or a trapping start function; err->msg has the trap message),
 * WB_LIMIT (a minimum larger than the limits), WB_NOMEM.
 * `user_data` is returned by wa_instance_user_data (host functions use it). */
wb_status wa_instance_new(wa_module *m, wa_linker *l, const wa_limits *limits, void *user_data,
                          wa_instance **out, wb_error *err);
wa_instance *wa_instance_ref(wa_instance *inst);
void wa_instance_unref(wa_instance *inst);
void *wa_instance_user_data(const wa_instance *inst);
void wa_instance_set_user_data(wa_instance *inst, void *ud);
wa_module *wa_instance_module(const wa_instance *inst);

/* Exports by name; NULL / WB_NOT_FOUND when absent or of another kind. */
wa_func *wa_instance_func(wa_instance *inst, const char *name);
/* Same for a name of `len` bytes that may hold NUL. */
wa_func *wa_instance_func_n(wa_instance *inst, const char *name, size_t len);
wa_functype wa_func_type(const wa_func *f);
wb_status wa_instance_global_get(wa_instance *inst, const char *name, wa_value *out);
wb_status wa_instance_global_set(wa_instance *inst, const char *name, wa_value v);

/* ---- running ------------------------------------------------------------- */
typedef enum wa_run_status {
    WA_RUN_DONE = 0,        /* results available */
    WA_RUN_TRAP = 1,        /* wa_instance_trap tells why; the call is over */
    WA_RUN_OUT_OF_FUEL = 2, /* the slice ran out; wa_instance_resume continues */
    WA_RUN_SUSPENDED = 3,   /* a host function suspended; see wa_instance_resume_host */
} wa_run_status;

/* Starts a call of f (an export of inst, or any funcref) with `fuel` units
 * for this slice (WA_FUEL_UNLIMITED for no slice limit). Only one call per
 * instance may be in progress; starting another while one is paused is
 * WB_STATE reported as a trap of kind HOST. Argument count/type mismatch is a
 * trap of kind HOST with a message, never a crash. */
wa_run_status wa_instance_call(wa_instance *inst, wa_func *f, const wa_value *args, uint32_t nargs,
                               uint64_t fuel);
/* Continues a call that returned WA_RUN_OUT_OF_FUEL. */
wa_run_status wa_instance_resume(wa_instance *inst, uint64_t fuel);
/* Continues a call paused by a host function's WA_HOST_SUSPEND, giving that
 * host function's results (as many as its type declares). */
wa_run_status wa_instance_resume_host(wa_instance *inst, const wa_value *results, uint32_t nresults,
                                      uint64_t fuel);
/* Abandons a paused call (out of fuel or suspended); the instance can be
 * called again. */
void wa_instance_cancel(wa_instance *inst);
/* Ends a call paused in a host function as a trap (set it first with
 * wa_instance_set_trap); returns WA_RUN_TRAP. */
wa_run_status wa_instance_fail_host(wa_instance *inst);
bool wa_instance_busy(const wa_instance *inst); /* a call is paused */

/* After WA_RUN_DONE: copies up to max results, returns how many there are. */
uint32_t wa_instance_results(const wa_instance *inst, wa_value *out, uint32_t max);
const wa_trap *wa_instance_trap(const wa_instance *inst);
/* For host functions: sets the trap to report when returning WA_HOST_TRAP. */
void wa_instance_set_trap(wa_instance *inst, wa_trap_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void wa_instance_set_exit(wa_instance *inst, int32_t code); /* trap kind EXIT */

/* Fuel used by this instance over its lifetime. */
uint64_t wa_instance_fuel_used(const wa_instance *inst);

/* ---- memory access for embedders and host functions ---------------------- */
/* Memory 0 of the instance (NULL/0 when it has none). The pointer changes
 * when memory grows: do not keep it across calls into the instance. */
uint8_t *wa_instance_memory(wa_instance *inst, uint64_t *size_bytes);
/* Bounds-checked view of [offset, offset+len) in memory 0, or NULL. */
void *wa_instance_mem_ptr(wa_instance *inst, uint64_t offset, uint64_t len);
wb_status wa_instance_mem_read(wa_instance *inst, uint64_t offset, void *dst, uint64_t len);
wb_status wa_instance_mem_write(wa_instance *inst, uint64_t offset, const void *src, uint64_t len);
uint32_t wa_instance_memory_pages(const wa_instance *inst);
/* memory.grow calls that the module allowed but max_memory_pages refused. */
uint32_t wa_instance_memory_denied(const wa_instance *inst);
/* Bytes the instance holds beyond its linear memory (structs, globals,
 * tables, stacks), for footprint reports. */
size_t wa_instance_overhead_bytes(const wa_instance *inst);
/* Bytes charged to the instance's max_bytes now (all kinds). */
uint64_t wa_instance_bytes(const wa_instance *inst);

/* ---- WASI preview1 ("wasi_snapshot_preview1") ---------------------------- */
/* A WASI context holds one program's view of the host: arguments,
 * environment, stdio, a descriptor table whose directories are the granted
 * preopens, and the set of WASI functions it may call. Paths never leave a
 * preopen (no `..`, absolute path or symlink escapes). Every preview1 name is
 * always defined by wa_wasi_link: a function that is not granted returns
 * ENOTCAPABLE to the program, never a trap or a link failure.
 * Threads: a context is used by one thread at a time, like its instance.
 * An embedder should ignore or block SIGPIPE: a closed pipe is then EPIPE, not a kill. */
typedef struct wa_wasi wa_wasi;

/* Every preview1 function, in witx order; WA_WASI_<name> is its bit index. */
#define WA_WASI_FUNC_MAP(X)                                                  \
    X(args_get) X(args_sizes_get) X(environ_get) X(environ_sizes_get)        \
    X(clock_res_get) X(clock_time_get) X(fd_advise) X(fd_allocate)           \
    X(fd_close) X(fd_datasync) X(fd_fdstat_get) X(fd_fdstat_set_flags)       \
    X(fd_fdstat_set_rights) X(fd_filestat_get) X(fd_filestat_set_size)       \
    X(fd_filestat_set_times) X(fd_pread) X(fd_prestat_get)                   \
    X(fd_prestat_dir_name) X(fd_pwrite) X(fd_read) X(fd_readdir)             \
    X(fd_renumber) X(fd_seek) X(fd_sync) X(fd_tell) X(fd_write)              \
    X(path_create_directory) X(path_filestat_get) X(path_filestat_set_times) \
    X(path_link) X(path_open) X(path_readlink) X(path_remove_directory)      \
    X(path_rename) X(path_symlink) X(path_unlink_file) X(poll_oneoff)        \
    X(proc_exit) X(proc_raise) X(sched_yield) X(random_get) X(sock_accept)   \
    X(sock_recv) X(sock_send) X(sock_shutdown)

typedef enum wa_wasi_func {
#define WA_WASI_FUNC_ENUM_(name) WA_WASI_##name,
    WA_WASI_FUNC_MAP(WA_WASI_FUNC_ENUM_)
#undef WA_WASI_FUNC_ENUM_
    WA_WASI_FUNC_COUNT_
} wa_wasi_func;

#define WA_WASI_BIT(f) (UINT64_C(1) << (f))
const char *wa_wasi_func_name(wa_wasi_func f); /* "fd_write"; "?" when out of range */
/* Looks a function up by its preview1 name; WB_NOT_FOUND if there is none. */
wb_status wa_wasi_func_lookup(const char *name, wa_wasi_func *out);

/* Where a standard stream goes. A zeroed stream is NULL. */
typedef enum wa_wasi_stdio_kind {
    WA_WASI_STDIO_NULL = 0, /* reads see end of file, writes are discarded */
    WA_WASI_STDIO_FD,       /* a host descriptor (not closed by the context) */
    WA_WASI_STDIO_BUFFER,   /* stdin: reads `input`; stdout/stderr: captured */
    WA_WASI_STDIO_CALLBACK, /* stdout/stderr: each write goes to `write` */
} wa_wasi_stdio_kind;

typedef struct wa_wasi_stdio {
    wa_wasi_stdio_kind kind;
    int fd;                 /* FD */
    const uint8_t *input;   /* BUFFER stdin; copied by wa_wasi_new */
    size_t input_len;
    /* CALLBACK: returns bytes taken (short or 0 on failure; EIO then). */
    size_t (*write)(void *ud, int stream, const uint8_t *data, size_t len);
    void *write_ud;
} wa_wasi_stdio;

typedef struct wa_wasi_preopen {
    const char *host_path;  /* an existing host directory */
    const char *guest_path; /* the name the program sees ("/data", ".") */
    bool read_only;         /* no create/write/rename/remove/set-times */
} wa_wasi_preopen;

/* What a blocked WASI call waits for: the earliest of a deadline and the
 * readiness of host descriptors. */
typedef struct wa_wasi_waitfd {
    int fd;       /* host descriptor; do not close */
    bool write;   /* ready for writing, else for reading */
} wa_wasi_waitfd;
typedef struct wa_wasi_wait_req {
    uint64_t deadline_ns;       /* wb_now_ns() clock; UINT64_MAX: none */
    const wa_wasi_waitfd *fds;  /* valid during the wait() call only */
    uint32_t nfds;
} wa_wasi_wait_req;

/* Everything is copied by wa_wasi_new; the caller keeps its strings. */
typedef struct wa_wasi_config {
    const char *const *args; /* argv, args[0] is the program name */
    uint32_t nargs;
    const char *const *env;  /* "KEY=VALUE" strings */
    uint32_t nenv;
    const wa_wasi_preopen *preopens; /* become descriptors 3, 4, ... */
    uint32_t npreopens;
    wa_wasi_stdio stdio[3];  /* stdin, stdout, stderr */
    /* Bits (WA_WASI_BIT) of functions the program may NOT call; zero grants
     * all (files stay limited to the preopens). proc_exit is always granted:
     * it has no result to report a denial with. */
    uint64_t deny;
    size_t capture_max;      /* BUFFER output limit per stream (0: 16 MiB) */
    /* Descriptors the program may hold open (preopens included; 0: 1024);
     * one more open is EMFILE. */
    uint32_t max_fds;
    /* Also charged one unit per open descriptor, when set: a budget shared
     * by contexts, so that programs together leave the process some (ENFILE). */
    wa_budget *fd_budget;
    /* Bytes the program may add to files, all writes, truncates and
     * allocations that grow a file together (0: no limit); past it a call
     * fails with ENOSPC. Shrinking or removing files gives nothing back. */
    uint64_t max_write_bytes;
    /* Optional: a wait that holds no thread. A call that would block - a
     * poll_oneoff with nothing ready yet (nanosleep, sleep), a read or write
     * on a descriptor that is not ready (FIFOs, terminals and other
     * descriptors that can block are opened non-blocking on the host, and
     * wait only if the program did not ask for NONBLOCK) - asks
     * wait(caller, req, wait_ud). true: the call suspended (WA_RUN_SUSPENDED)
     * and the embedder calls wa_wasi_resume once a descriptor of req may be
     * ready or its deadline passed (early is fine: the call then waits
     * again). false, or no wait: the call blocks this thread. */
    bool (*wait)(wa_instance *caller, const wa_wasi_wait_req *req, void *ud);
    void *wait_ud;
} wa_wasi_config;

/* Opens the preopens and copies the configuration. WB_IO (with the host
 * path and reason) if a preopen is not a readable directory, WB_INVALID_ARG
 * for a bad config, WB_NOMEM. */
wb_status wa_wasi_new(const wa_wasi_config *cfg, wa_wasi **out, wb_error *err);
void wa_wasi_free(wa_wasi *w); /* closes every descriptor it opened */

/* Finds the context of the instance making a WASI call. */
typedef struct wa_wasi_resolver {
    wa_wasi *(*ctx_of)(wa_instance *caller, void *ud);
    void *ud;
} wa_wasi_resolver;

/* Defines every preview1 function in l. With r == NULL each instance's
 * wa_instance_user_data is its wa_wasi; otherwise r->ctx_of finds it (r must
 * outlive the linker). One linker thus serves any number of instances, each
 * with its own context. A call whose context is NULL traps (kind HOST). */
wb_status wa_wasi_link(wa_linker *l, const wa_wasi_resolver *r, wb_error *err);
/* For one program: every instance linked through l uses w (w must outlive l). */
wb_status wa_wasi_link_single(wa_linker *l, wa_wasi *w, wb_error *err);

/* True after the program called proc_exit; *code is its status. */
bool wa_wasi_exited(const wa_wasi *w, int32_t *code);
/* Output captured from a BUFFER stdout (stream 1) or stderr (2); the pointer
 * is valid until the next call into the program or wa_wasi_free. */
const uint8_t *wa_wasi_output(const wa_wasi *w, int stream, size_t *len);
/* Calls the program made to functions it was not granted (for reports). */
uint64_t wa_wasi_denied_calls(const wa_wasi *w);
/* Continues the call of inst that suspended through wait(): runs it again
 * (it may wait again: WA_RUN_SUSPENDED) and resumes inst with its result,
 * with `fuel` for the rest of the slice. */
wa_run_status wa_wasi_resume(wa_wasi *w, wa_instance *inst, uint64_t fuel);
/* Forgets a suspended call (the instance's call was cancelled). */
void wa_wasi_cancel(wa_wasi *w);
/* Descriptors the program holds open now. */
uint32_t wa_wasi_open_fds(const wa_wasi *w);

#ifdef __cplusplus
}
#endif
#endif
