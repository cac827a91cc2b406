/* SPDX-License-Identifier: MIT */
/* Files in a granted directory (/data): create, write, read back, seek,
 * stat, append, pread/pwrite, truncate, mkdir, readdir, rename, unlink, rmdir. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory without . and .., sorted, joined by spaces. */
static int list_dir(const char *path, char *out, size_t cap) {
    DIR *d = opendir(path);
    if (!d) return -1;
    char *names[256];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
        free(names[i]);
    }
    return n;
}

static void stream_io(void) {
    char buf[128];
    struct stat st;
    FILE *f = fopen("/data/a.txt", "w");
    check(f != NULL, "create a.txt");
    if (!f) return;
    check(fputs("hello, world\nsecond line\n", f) >= 0, "write a.txt");
    check(fclose(f) == 0, "close a.txt");
    f = fopen("/data/a.txt", "r");
    check(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello, world\n") == 0, "read back");
    if (!f) return;
    check(fseek(f, 7, SEEK_SET) == 0 && ftell(f) == 7, "seek and tell");
    check(fgets(buf, sizeof buf, f) && strcmp(buf, "world\n") == 0, "read after seek");
    check(fseek(f, -5, SEEK_END) == 0 && fgets(buf, sizeof buf, f) && strcmp(buf, "line\n") == 0,
          "seek from end");
    fclose(f);
    check(stat("/data/a.txt", &st) == 0 && st.st_size == 25 && S_ISREG(st.st_mode), "stat size");
    f = fopen("/data/a.txt", "a");
    check(f && fputs("third\n", f) >= 0 && fclose(f) == 0, "append");
    check(stat("/data/a.txt", &st) == 0 && st.st_size == 31, "size after append");
}

static void fd_io(void) {
    char buf[16];
    struct stat st;
    int fd = open("/data/b.bin", O_RDWR | O_CREAT | O_EXCL, 0644);
    check(fd >= 0, "open O_CREAT|O_EXCL");
    int fd2 = open("/data/b.bin", O_RDWR | O_CREAT | O_EXCL, 0644);
    check_errno(fd2 < 0, EEXIST, "O_EXCL on an existing file");
    check(pwrite(fd, "0123456789", 10, 0) == 10, "pwrite");
    check(pread(fd, buf, 4, 3) == 4 && memcmp(buf, "3456", 4) == 0, "pread");
    check(lseek(fd, 0, SEEK_CUR) == 0, "pread/pwrite keep the cursor");
    check(ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 && st.st_size == 4, "ftruncate");
    check(lseek(fd, 0, SEEK_END) == 4, "lseek to end");
    check(write(fd, "xy", 2) == 2 && fstat(fd, &st) == 0 && st.st_size == 6, "write at end");
    check(close(fd) == 0, "close");
    check_errno(close(fd) != 0, EBADF, "close twice");
    check_errno(open("/data/missing.txt", O_RDONLY) < 0, ENOENT, "open a missing file");
    check_errno(open("/data", O_WRONLY) < 0, EISDIR, "open a directory for writing");
}

static void dirs(void) {
    char list[4096];
    check(mkdir("/data/work", 0755) == 0, "mkdir");
    check_errno(mkdir("/data/work", 0755) != 0, EEXIST, "mkdir existing");
    const char *names[] = {"/data/work/x3", "/data/work/x1", "/data/work/x2"};
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(names[i], "w");
        if (f) fclose(f);
    }
    check(list_dir("/data/work", list, sizeof list) == 3, "readdir count");
    printf("listing: %s\n", list);
    check(rename("/data/work/x1", "/data/work/y1") == 0, "rename");
    check(access("/data/work/x1", F_OK) != 0 && access("/data/work/y1", F_OK) == 0, "renamed");
    check_errno(rmdir("/data/work") != 0, ENOTEMPTY, "rmdir non-empty");
    check(unlink("/data/work/y1") == 0 && unlink("/data/work/x2") == 0 &&
          unlink("/data/work/x3") == 0, "unlink");
    check(rmdir("/data/work") == 0, "rmdir");
    check(mkdir("/data/slash/", 0755) == 0 && rmdir("/data/slash/") == 0,
          "mkdir and rmdir with a trailing slash");
    check_errno(access("/data/work", F_OK) != 0, ENOENT, "gone");
    /* Enough long names that readdir needs several buffers. */
    check(mkdir("/data/many", 0755) == 0, "mkdir many");
    for (int i = 0; i < 150; i++) {
        char p[128];
        snprintf(p, sizeof p, "/data/many/entry-with-a-rather-long-name-%03d", i);
        FILE *f = fopen(p, "w");
        if (f) fclose(f);
    }
    check(list_dir("/data/many", list, sizeof list) == 150, "readdir 150 entries");
}

int main(void) {
    stream_io();
    fd_io();
    dirs();
    char list[4096];
    list_dir("/data", list, sizeof list);
    printf("data: %s\n", list);
    return check_failures ? 1 : 0;
}
