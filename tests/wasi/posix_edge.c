/* SPDX-License-Identifier: MIT */
/* What real C programs met that differed from the host: /dev/null as stdin
 * is no terminal, "file/" names no file, read(2) on a directory is EISDIR,
 * and recursion as deep as a native 8 MiB stack allows. Runs with stdin
 * from /dev/null and /data granted (check.sh's grant/). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void stdin_devnull(void) {
    check(!isatty(0), "/dev/null stdin is no tty");
    check(lseek(0, 0, SEEK_CUR) == 0, "/dev/null stdin seeks like the host's");
    char c;
    check(read(0, &c, 1) == 0, "/dev/null stdin reads end of file");
}

static void trailing_slash(void) {
    struct stat sb;
    check_errno(stat("/data/hello.txt/", &sb) != 0, ENOTDIR, "stat file/ is ENOTDIR");
    check_errno(open("/data/hello.txt/", O_RDONLY) < 0, ENOTDIR, "open file/ is ENOTDIR");
    check_errno(unlink("/data/hello.txt/") != 0, ENOTDIR, "unlink file/ is ENOTDIR");
    check_errno(open("/data/fresh/", O_WRONLY | O_CREAT, 0644) < 0, EISDIR,
                "creating file/ is EISDIR");
    check_errno(stat("/data/fresh", &sb) != 0, ENOENT, "and created nothing");
    check_errno(rename("/data/hello.txt", "/data/moved/") != 0, ENOTDIR,
                "rename file to new/ is ENOTDIR");
    check(stat("/data/hello.txt", &sb) == 0 && S_ISREG(sb.st_mode), "file still in place");
    check(stat("/data/sub/", &sb) == 0 && S_ISDIR(sb.st_mode), "stat dir/ works");
    DIR *d = opendir("/data/sub/");
    check(d != NULL, "opendir dir/ works");
    if (d) closedir(d);
    int fd = open("/data/sub/", O_RDONLY);
    check(fd >= 0, "open dir/ works");
    if (fd >= 0) close(fd);
    check(stat("/data/sublink/", &sb) == 0 && S_ISDIR(sb.st_mode), "symlink to dir with / works");
    check_errno(stat("/data/inlink/", &sb) != 0, ENOTDIR, "symlink to file with / is ENOTDIR");
    check_errno(rmdir("/data/sublink/") != 0, ENOTDIR, "rmdir symlink/ is ENOTDIR");
    check_errno(unlink("/data/sublink/") != 0, ENOTDIR, "unlink symlink/ is ENOTDIR");
    check(stat("/data/sub", &sb) == 0 && S_ISDIR(sb.st_mode), "the link's target is still there");
    check_errno(mkdir("/data/escape_new/", 0755) != 0, ENOTCAPABLE, "mkdir through an outward link");
    check(mkdir("/data/newdir/", 0755) == 0, "mkdir new/ works");
    check(rename("/data/newdir", "/data/newdir2/") == 0, "rename dir to new/ works");
    check(rmdir("/data/newdir2/") == 0, "rmdir dir/ works");
}

static void read_directory(void) {
    int fd = open("/data/sub", O_RDONLY | O_DIRECTORY);
    check(fd >= 0, "open a directory");
    char buf[8];
    check_errno(read(fd, buf, sizeof buf) < 0, EISDIR, "read on a directory is EISDIR");
    check_errno(pread(fd, buf, sizeof buf, 0) < 0, EISDIR, "pread on a directory is EISDIR");
    close(fd);
}

/* A descriptor opened read-only: the errors are the host's, not the
 * missing-right ENOTCAPABLE; syncing it works as on the host. */
static void read_only_descriptor(void) {
    int fd = open("/data/hello.txt", O_RDONLY);
    check(fd >= 0, "open read-only");
    check_errno(ftruncate(fd, 0) != 0, EINVAL, "ftruncate read-only is EINVAL");
    check(posix_fallocate(fd, 0, 10) == EBADF, "posix_fallocate read-only is EBADF");
    check(fdatasync(fd) == 0 && fsync(fd) == 0, "fdatasync and fsync read-only work");
    close(fd);
    int d = open("/data/sub", O_RDONLY | O_DIRECTORY);
    check(d >= 0 && fsync(d) == 0 && fdatasync(d) == 0, "fsync and fdatasync of a directory");
    if (d >= 0) close(d);
    struct stat sb;
    check(stat("/data/hello.txt", &sb) == 0 && sb.st_size == 6, "file untouched");
}

/* wasi-libc keeps the cwd as a string: after chdir("x/y"), chdir("..")
 * twice, "hello.txt" reaches the host as "x/y/../../hello.txt". Removing
 * x/y must not break it, as it does not on the host. */
static void chdir_then_remove(void) {
    check(mkdir("/data/x", 0755) == 0 && mkdir("/data/x/y", 0755) == 0, "mkdir x/y");
    check(chdir("/data/x/y") == 0 && chdir("..") == 0 && chdir("..") == 0, "chdir in and out");
    check(rmdir("x/y") == 0, "rmdir x/y after leaving it");
    check(rmdir("x") == 0, "rmdir x after x/y went");
    FILE *f = fopen("hello.txt", "r");
    char line[16] = "";
    check(f && fgets(line, sizeof line, f) && strcmp(line, "hello\n") == 0,
          "relative open after the cwd's path lost its directories");
    if (f) fclose(f);
    struct stat sb;
    check_errno(stat("x", &sb) != 0, ENOENT, "x is gone");
    check_errno(stat("../outside/secret.txt", &sb) != 0, ENOTCAPABLE, "no way above the grant");
    check(chdir("/data") == 0, "chdir back to the grant");
}

/* Not a tail call, no address taken: each level is one engine frame. */
static volatile int sink;
static __attribute__((noinline)) int depth(int n) {
    if (n == 0) return 0;
    int r = depth(n - 1) + 1;
    sink = r;
    return r;
}

int main(void) {
    stdin_devnull();
    trailing_slash();
    read_directory();
    read_only_descriptor();
    chdir_then_remove();
    check(depth(200000) == 200000, "recursion 200000 deep");
    return check_failures != 0;
}
