/* SPDX-License-Identifier: MIT */
/* Paths that leave the grant fail with ENOTCAPABLE and touch nothing:
 * `..`, absolute paths, symlinks out (relative and absolute), plus a
 * read-only grant (/ro). The checker verifies the host side afterwards. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

static int raw_open(const char *path) {
    __wasi_fd_t fd;
    return __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0,
                            __WASI_RIGHTS_FD_READ, 0, 0, &fd);
}

static void escapes(void) {
    char buf[64];
    check_errno(open("/data/../outside/secret.txt", O_RDONLY) < 0, ENOTCAPABLE, "dotdot");
    check_errno(open("/data/sub/../../outside/secret.txt", O_RDONLY) < 0, ENOTCAPABLE,
                "dotdot via subdir");
    check(raw_open("/etc/passwd") == __WASI_ERRNO_NOTCAPABLE, "absolute path to the host");
    check(raw_open("sub/../../outside/secret.txt") == __WASI_ERRNO_NOTCAPABLE, "raw dotdot");
    check(raw_open("sub/..") == 0, "dotdot that stays inside");
    int fd = open("/etc/passwd", O_RDONLY);
    check(fd < 0 && (errno == ENOENT || errno == ENOTCAPABLE), "path outside every grant");
    check_errno(open("/data/escape", O_RDONLY) < 0, ENOTCAPABLE, "relative symlink out");
    check_errno(open("/data/abs", O_RDONLY) < 0, ENOTCAPABLE, "absolute symlink out");
    check_errno(open("/data/escape_new", O_WRONLY | O_CREAT, 0644) < 0, ENOTCAPABLE,
                "create through a symlink out");
    check_errno(open("/data/loop", O_RDONLY) < 0, ELOOP, "symlink loop");
    check_errno(open("/data/outlink/secret.txt", O_RDONLY) < 0, ENOTCAPABLE,
                "directory symlink out");
    check_errno(open("/data/outlink/new.txt", O_WRONLY | O_CREAT, 0644) < 0, ENOTCAPABLE,
                "create through a directory symlink out");
    fd = open("/data/sublink/made.txt", O_WRONLY | O_CREAT, 0644);
    check(fd >= 0 && access("/data/sub/made.txt", F_OK) == 0, "directory symlink inside");
    if (fd >= 0) close(fd);
    fd = open("/data/inlink", O_RDONLY);
    check(fd >= 0 && read(fd, buf, sizeof buf) == 6 && memcmp(buf, "hello\n", 6) == 0,
          "symlink inside the grant");
    if (fd >= 0) close(fd);
    ssize_t n = readlink("/data/escape", buf, sizeof buf);
    check(n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0, "readlink");
    check_errno(mkdir("/data/../outside/newdir", 0755) != 0, ENOTCAPABLE, "mkdir outside");
    check_errno(rename("/data/hello.txt", "/data/../outside/stolen") != 0, ENOTCAPABLE,
                "rename outside");
    check_errno(symlink("/etc/passwd", "/data/mylink") != 0, ENOTCAPABLE,
                "symlink with an absolute target");
    check(symlink("hello.txt", "/data/oklink") == 0, "symlink inside");
    struct stat st;
    check_errno(stat("/data/../outside/secret.txt", &st) != 0, ENOTCAPABLE, "stat outside");
    check(stat("/data/hello.txt", &st) == 0 && st.st_size == 6, "stat inside");
}

static void read_only(void) {
    char buf[64] = {0};
    FILE *f = fopen("/ro/file.txt", "r");
    check(f && fgets(buf, sizeof buf, f) && strcmp(buf, "read only\n") == 0, "read a read-only file");
    if (f) fclose(f);
    check_errno(fopen("/ro/new.txt", "w") == NULL, ENOTCAPABLE, "create in a read-only grant");
    check_errno(unlink("/ro/file.txt") != 0, ENOTCAPABLE, "unlink in a read-only grant");
    check_errno(mkdir("/ro/d", 0755) != 0, ENOTCAPABLE, "mkdir in a read-only grant");
    check_errno(open("/ro/file.txt", O_WRONLY | O_TRUNC) < 0, ENOTCAPABLE,
                "truncate in a read-only grant");
    int fd = open("/ro/file.txt", O_WRONLY);
    check(fd < 0 || write(fd, "x", 1) < 0, "no write through a read-only grant");
    if (fd >= 0) close(fd);
}

int main(void) {
    escapes();
    read_only();
    return check_failures ? 1 : 0;
}
