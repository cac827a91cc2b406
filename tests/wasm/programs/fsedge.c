/* SPDX-License-Identifier: MIT */
/* File-system corners real programs reach, compared with the host call by
 * call: O_APPEND/O_TRUNC/O_EXCL, seeking past the end, pread/pwrite,
 * ftruncate, fopen modes, a 300-entry directory, deleting while reading it,
 * renames over files and directories, an unlinked open file, symlinks and
 * hard links, trailing slashes (also on symlinks), chdir in and out of a directory that is then
 * removed, read-only descriptors. Works in the directory named by argv[1]
 * after chdir to it; prints each call's result and errno. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char *err_name(int e) {
    static const struct { int e; const char *name; } names[] = {
        {ENOENT, "ENOENT"}, {EEXIST, "EEXIST"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"},
        {ENOTEMPTY, "ENOTEMPTY"}, {EBADF, "EBADF"}, {EINVAL, "EINVAL"}, {ESPIPE, "ESPIPE"},
        {EACCES, "EACCES"}, {EPERM, "EPERM"}, {ELOOP, "ELOOP"}, {ENAMETOOLONG, "ENAMETOOLONG"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].e == e) return names[i].name;
    return "other";
}

#define T(expr)                                                                   \
    do {                                                                          \
        errno = 0;                                                                \
        long long r_ = (long long)(expr);                                         \
        printf("%-44s = %lld %s\n", #expr, r_, r_ < 0 ? err_name(errno) : "");    \
    } while (0)

static void st(const char *p) {
    struct stat sb;
    if (stat(p, &sb) != 0) {
        printf("stat %s: %s\n", p, err_name(errno));
        return;
    }
    if (S_ISREG(sb.st_mode))
        printf("stat %s: file size %lld nlink %ld\n", p, (long long)sb.st_size, (long)sb.st_nlink);
    else
        printf("stat %s: %s\n", p, S_ISDIR(sb.st_mode) ? "dir" : "other");
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ls(const char *p) {
    DIR *d = opendir(p);
    if (!d) {
        printf("opendir %s: %s\n", p, err_name(errno));
        return;
    }
    static char *names[1000];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 1000) names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    printf("ls %s: %d:", p, n);
    for (int i = 0; i < n; i++) {
        if (i < 8) printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void cat(const char *p) {
    FILE *f = fopen(p, "rb");
    if (!f) {
        printf("cat %s: %s\n", p, err_name(errno));
        return;
    }
    char buf[128];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    for (size_t i = 0; i < n; i++)
        if (!buf[i]) buf[i] = '@';
    buf[n] = 0;
    printf("cat %s: [%s]\n", p, buf);
    fclose(f);
}

static void descriptors(void) {
    char buf[64];
    int fd = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    T(write(fd, "hello", 5));
    T(close(fd));
    fd = open("a.txt", O_WRONLY | O_APPEND);
    T(lseek(fd, 0, SEEK_SET));
    T(write(fd, "XY", 2));
    T(lseek(fd, 0, SEEK_CUR));
    T(close(fd));
    cat("a.txt");
    T(open("a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open("a.txt", O_RDWR | O_TRUNC);
    T(lseek(fd, 10, SEEK_END));
    T(write(fd, "Z", 1));
    T(pwrite(fd, "pw", 2, 3));
    T(pread(fd, buf, 20, 0));
    T(lseek(fd, 0, SEEK_CUR));
    T(lseek(fd, -100, SEEK_CUR));
    T(ftruncate(fd, 4));
    T(ftruncate(fd, 100000));
    st("a.txt");
    T(ftruncate(fd, -1));
    T(read(fd, buf, 10));
    T(close(fd));
    T(close(fd));
    cat("a.txt");
    fd = open("a.txt", O_RDONLY);
    T(write(fd, "x", 1));
    T(ftruncate(fd, 0));
    T(fdatasync(fd));
    T(fsync(fd));
    T(close(fd));
}

static void streams(void) {
    FILE *f = fopen("b.txt", "w");
    fputs("line1\nline2\n", f);
    fclose(f);
    f = fopen("b.txt", "a");
    fputs("line3\n", f);
    printf("ftell a: %ld\n", ftell(f));
    fclose(f);
    f = fopen("b.txt", "r+");
    fseek(f, 2, SEEK_SET);
    fputc('!', f);
    fseek(f, 0, SEEK_END);
    printf("ftell r+: %ld\n", ftell(f));
    fclose(f);
    f = fopen("b.txt", "a+");
    fseek(f, 0, SEEK_SET);
    printf("a+ first: %c\n", fgetc(f));
    fputs("tail\n", f);
    fclose(f);
    cat("b.txt");
    T(fopen("nosuch/x", "r") != NULL);
    T(fopen("b.txt/x", "w") != NULL);
    f = fopen("w.txt", "wx");
    T(f != NULL);
    if (f) fclose(f);
    T(fopen("w.txt", "wx") != NULL);
}

static void directories(void) {
    T(mkdir("d", 0755));
    T(mkdir("d", 0755));
    T(mkdir("d/e/f", 0755));
    T(mkdir("d/e", 0755));
    for (int i = 0; i < 300; i++) {
        char p[64];
        snprintf(p, sizeof p, "d/file_with_a_fairly_long_name_%03d.txt", i);
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
    ls("d");
    ls("nosuch");
    ls("a.txt");
    T(rmdir("d"));
    T(rmdir("a.txt"));
    T(unlink("d"));
    T(open("d", O_WRONLY));
    T(open("a.txt", O_RDONLY | O_DIRECTORY));
    int fd = open("d", O_RDONLY);
    char c;
    T(read(fd, &c, 1));
    close(fd);
    DIR *dd = opendir("d");
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dd))) {
        char p[300];
        snprintf(p, sizeof p, "d/%s", de->d_name);
        if (de->d_name[0] == 'f' && unlink(p) == 0) n++;
    }
    closedir(dd);
    printf("deleted while reading: %d\n", n);
    ls("d");
}

static void names(void) {
    char buf[64];
    T(rename("a.txt", "c.txt"));
    st("a.txt");
    T(rename("c.txt", "b.txt"));
    T(rename("b.txt", "d"));
    T(rename("nosuch", "x"));
    T(rename("d", "d/e/g"));
    T(mkdir("d2", 0755));
    T(rename("d", "d2"));
    T(mkdir("d3", 0755));
    T(rename("d3", "d2"));
    st("d3");
    int fd = open("u.txt", O_RDWR | O_CREAT, 0644);
    T(write(fd, "data", 4));
    T(unlink("u.txt"));
    T(lseek(fd, 0, SEEK_SET));
    T(read(fd, buf, 10));
    close(fd);
    T(symlink("b.txt", "sl"));
    T(readlink("sl", buf, sizeof buf));
    cat("sl");
    T(symlink("nowhere", "dang"));
    st("dang");
    T(link("b.txt", "hl"));
    st("b.txt");
    T(unlink("sl"));
    st("b.txt/");
    st("d2/");
    T(open("b.txt/", O_RDONLY));
    T(open("fresh/", O_WRONLY | O_CREAT, 0644));
    T(rename("b.txt", "moved/"));
    T(unlink("b.txt/"));
    struct timeval tv[2] = {{1000000000, 0}, {1200000000, 500000}};
    T(utimes("b.txt", tv));
    struct stat sb;
    stat("b.txt", &sb);
    printf("mtime %lld\n", (long long)sb.st_mtime);
    T(truncate("b.txt", 3));
    cat("b.txt");
}

/* A trailing slash follows a symlink for lookups, but rmdir, unlink,
 * rename and mkdir refuse it: none may act on the link's target. */
static void slash_links(void) {
    T(mkdir("t", 0755));
    T(symlink("t", "l"));
    T(close(open("f", O_CREAT | O_WRONLY, 0644)));
    T(symlink("f", "lf"));
    T(symlink("nowhere", "dang2"));
    T(rmdir("l/"));
    T(unlink("l/"));
    T(rename("l/", "m"));
    T(rename("f", "l/"));
    T(rmdir("lf/"));
    T(unlink("lf/"));
    T(mkdir("dang2/", 0755));
    T(symlink("x", "new/"));
    T(link("f", "new/"));
    T(link("f", "dang2/"));
    T(symlink("x", "d3/"));
    st("l/");
    st("t");
    st("nowhere");
    st("new");
    T(access("l", F_OK));
    T(access("m", F_OK));
}

static void cwd(void) {
    T(mkdir("x", 0755));
    T(mkdir("x/y", 0755));
    T(chdir("x/y"));
    T(chdir(".."));
    T(chdir(".."));
    T(rmdir("x/y"));
    T(rmdir("x"));
    cat("b.txt");
    T(chdir("nosuch"));
    T(chdir("b.txt"));
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) return 2;
    descriptors();
    streams();
    directories();
    names();
    slash_links();
    cwd();
    return 0;
}
