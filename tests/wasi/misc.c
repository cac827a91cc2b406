/* SPDX-License-Identifier: MIT */
/* The less common preview1 calls, made directly: preopen info, rights,
 * renumber, advise/allocate, times, links, poll, proc_raise, sched_yield,
 * sockets. Runs with /data granted. */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

/* wasi-libc no longer declares proc_raise; import it by hand. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) extern int32_t
raw_proc_raise(int32_t sig);

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t of, __wasi_rights_t rights) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    __wasi_errno_t e = __wasi_path_open(3, 0, path, of, rights, 0, 0, &fd);
    return e == 0 ? fd : (__wasi_fd_t)-1;
}

static void preopens(void) {
    __wasi_prestat_t ps;
    check(__wasi_fd_prestat_get(3, &ps) == 0 && ps.tag == __WASI_PREOPENTYPE_DIR &&
          ps.u.dir.pr_name_len == 5, "prestat of fd 3");
    char name[8] = {0};
    check(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 5) == 0 && memcmp(name, "/data", 5) == 0,
          "prestat dir name");
    check(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 2) == __WASI_ERRNO_NAMETOOLONG,
          "prestat dir name too short");
    check(__wasi_fd_prestat_get(4, &ps) == __WASI_ERRNO_BADF, "no preopen at fd 4");
    check(__wasi_fd_prestat_get(0, &ps) == __WASI_ERRNO_BADF, "stdin is no preopen");
}

static void rights(void) {
    __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                         __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |
                         __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES;
    __wasi_fd_t fd = open_file("r.txt", __WASI_OFLAGS_CREAT, rw);
    check(fd != (__wasi_fd_t)-1, "open with rights");
    __wasi_fdstat_t st;
    check(__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE &&
          st.fs_rights_base == rw, "fdstat rights");
    check(__wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL) == 0, "fd_advise");
    check(__wasi_fd_advise(fd, 0, 100, 9) == __WASI_ERRNO_INVAL, "fd_advise bad advice");
    check(__wasi_fd_allocate(fd, 0, 4096) == 0, "fd_allocate");
    __wasi_filestat_t fs;
    check(__wasi_fd_filestat_get(fd, &fs) == 0 && fs.size == 4096, "size after allocate");
    check(__wasi_fd_filestat_set_times(fd, 1000000000ull * 86400, 1000000000ull * 86400 * 2,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM) == 0,
          "fd_filestat_set_times");
    check(__wasi_fd_filestat_get(fd, &fs) == 0 && fs.mtim == 1000000000ull * 86400 * 2,
          "mtime set");
    check(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW) ==
          __WASI_ERRNO_INVAL, "set_times with both ATIM flags");
    /* Drop the write right: writes are refused from then on. */
    check(__wasi_fd_fdstat_set_rights(fd, rw & ~__WASI_RIGHTS_FD_WRITE, 0) == 0, "drop a right");
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    check(__wasi_fd_write(fd, &iov, 1, &n) == __WASI_ERRNO_NOTCAPABLE, "write without the right");
    check(__wasi_fd_fdstat_set_rights(fd, rw, 0) == __WASI_ERRNO_NOTCAPABLE, "rights never grow");
    /* Renumber onto stdin's slot would lose stdin; use a second file. */
    __wasi_fd_t fd2 = open_file("r2.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ);
    check(__wasi_fd_renumber(fd, fd2) == 0, "fd_renumber");
    check(__wasi_fd_filestat_get(fd2, &fs) == 0 && fs.size == 4096, "renumbered fd is the file");
    check(__wasi_fd_close(fd) == __WASI_ERRNO_BADF, "old number is closed");
    check(__wasi_fd_close(fd2) == 0, "close renumbered");
    check(__wasi_fd_close(1234) == __WASI_ERRNO_BADF, "close a bad fd");
}

static void links_and_times(void) {
    check(__wasi_path_link(3, 0, "r.txt", 3, "hard.txt") == 0, "path_link");
    __wasi_filestat_t fs;
    check(__wasi_path_filestat_get(3, 0, "hard.txt", &fs) == 0 && fs.nlink == 2, "link count 2");
    check(__wasi_path_link(3, 0, "r.txt", 3, "../outside/hard.txt") == __WASI_ERRNO_NOTCAPABLE,
          "link out of the grant");
    check(__wasi_path_filestat_set_times(3, 0, "hard.txt", 0, 5000000000ull,
                                         __WASI_FSTFLAGS_MTIM) == 0, "path_filestat_set_times");
    check(__wasi_path_filestat_get(3, 0, "r.txt", &fs) == 0 && fs.mtim == 5000000000ull,
          "mtime through the other link");
    check(__wasi_path_filestat_get(3, 0, "inlink", &fs) == 0 &&
          fs.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "stat a symlink itself");
    check(__wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "inlink", &fs) == 0 &&
          fs.filetype == __WASI_FILETYPE_REGULAR_FILE && fs.size == 6, "stat through a symlink");
    uint8_t buf[32];
    __wasi_size_t used;
    check(__wasi_path_readlink(3, "inlink", buf, 4, &used) == 0 && used == 4 &&
          memcmp(buf, "hell", 4) == 0, "readlink truncates");
    check(__wasi_path_unlink_file(3, "hard.txt") == 0 && __wasi_path_unlink_file(3, "r.txt") == 0 &&
          __wasi_path_unlink_file(3, "r2.txt") == 0, "unlink links");
    check(__wasi_path_remove_directory(3, "hello.txt") == __WASI_ERRNO_NOTDIR, "rmdir a file");
    check(__wasi_path_unlink_file(3, "sub") == __WASI_ERRNO_ISDIR, "unlink a directory");
}

static void process(void) {
    check(raw_proc_raise(15 /* TERM */) == __WASI_ERRNO_NOSYS, "proc_raise");
    check(__wasi_sched_yield() == 0, "sched_yield");
    __wasi_fd_t nfd;
    check(__wasi_sock_accept(3, 0, &nfd) == __WASI_ERRNO_NOTSUP, "sock_accept");
    check(__wasi_sock_shutdown(99, __WASI_SDFLAGS_RD) == __WASI_ERRNO_BADF, "sock on a bad fd");
    __wasi_timestamp_t t;
    check(__wasi_clock_time_get(7, 1, &t) == __WASI_ERRNO_INVAL, "unknown clock");
    struct pollfd p = {0, POLLIN, 0};
    check(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "poll stdin (a file) is ready");
    check(poll(NULL, 0, 5) == 0, "poll timeout only");
    char line[32] = {0};
    check(read(0, line, sizeof line - 1) == 6 && strcmp(line, "input\n") == 0, "read stdin after poll");
}

int main(void) {
    preopens();
    rights();
    links_and_times();
    process();
    return check_failures ? 1 : 0;
}
