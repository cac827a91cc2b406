/* SPDX-License-Identifier: MIT */
/* stdio and POSIX file work inside the directory named by argv[1]: write,
 * append, seek, read back, rename, unlink, directories, a 1 MiB file in
 * chunks, truncation, and the errors a missing file gives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[512];

static const char *at(const char *name) {
    static char buf[2][1200];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", root, name);
    return buf[which];
}

static int fail(const char *what) {
    printf("FAILED: %s (errno %d)\n", what, errno);
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory sorted (readdir order is the file system's own). */
static int list(const char *dir) {
    DIR *d = opendir(at(dir));
    if (!d) return fail("opendir");
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    printf("%s:", dir);
    for (int i = 0; i < n; i++) {
        struct stat st;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(at(path), &st) != 0) return fail("stat");
        printf(" %s%s(%lld)", names[i], S_ISDIR(st.st_mode) ? "/" : "",
               S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
        free(names[i]);
    }
    printf("\n");
    return 0;
}

static int text_files(void) {
    FILE *f = fopen(at("notes.txt"), "w");
    if (!f) return fail("fopen w");
    for (int i = 0; i < 100; i++) fprintf(f, "line %03d: %s\n", i, i % 2 ? "odd" : "even");
    if (fclose(f) != 0) return fail("fclose");
    f = fopen(at("notes.txt"), "a");
    if (!f) return fail("fopen a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen(at("notes.txt"), "r+");
    if (!f) return fail("fopen r+");
    if (fseek(f, 0, SEEK_END) != 0) return fail("fseek end");
    long size = ftell(f);
    fseek(f, 10 * 15, SEEK_SET); /* each line is 14 or 15 bytes: land mid-file */
    char word[8] = {0};
    size_t got = fread(word, 1, 7, f);
    fseek(f, -9, SEEK_END);
    char tail[16] = {0};
    size_t got2 = fread(tail, 1, sizeof tail - 1, f);
    fseek(f, 5, SEEK_SET);
    fputs("XYZ", f); /* overwrite in place */
    rewind(f);
    char first[64];
    if (!fgets(first, sizeof first, f)) return fail("fgets");
    int lines = 1;
    char line[64];
    while (fgets(line, sizeof line, f)) lines++;
    printf("size %ld, mid '%.*s' (%zu), tail '%.*s' (%zu), first '%.*s', %d lines, eof %d\n",
           size, (int)got, word, got, (int)got2 - 1, tail, got2, (int)strlen(first) - 1, first,
           lines, feof(f) != 0);
    fclose(f);
    return 0;
}

static int big_file(void) {
    int fd = open(at("big.bin"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) return fail("open big");
    static uint8_t chunk[4096];
    uint32_t x = 12345, sum = 0;
    for (int c = 0; c < 256; c++) {
        for (size_t i = 0; i < sizeof chunk; i++) {
            x = x * 1103515245u + 12345u;
            chunk[i] = (uint8_t)(x >> 16);
            sum = sum * 31 + chunk[i];
        }
        if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) return fail("write");
    }
    if (ftruncate(fd, 1000000) != 0) return fail("ftruncate");
    close(fd);
    fd = open(at("big.bin"), O_RDONLY);
    if (fd < 0) return fail("open big r");
    off_t end = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    uint32_t sum2 = 0, total = 0;
    ssize_t n;
    while ((n = read(fd, chunk, 3000)) > 0) {
        for (ssize_t i = 0; i < n; i++) sum2 = sum2 * 31 + chunk[i];
        total += (uint32_t)n;
    }
    uint8_t b[4];
    ssize_t pn = pread(fd, b, 4, 999998);
    close(fd);
    printf("big: wrote sum %08x, truncated to %lld, read %u bytes sum %08x, pread %zd\n",
           sum, (long long)end, total, sum2, pn);
    return 0;
}

static int dirs_and_names(void) {
    if (mkdir(at("sub"), 0755) != 0) return fail("mkdir");
    if (mkdir(at("sub/deeper"), 0755) != 0) return fail("mkdir deeper");
    FILE *f = fopen(at("sub/a.txt"), "w");
    if (!f) return fail("fopen sub/a");
    fputs("alpha\n", f);
    fclose(f);
    if (rename(at("sub/a.txt"), at("sub/deeper/b.txt")) != 0) return fail("rename");
    if (rename(at("notes.txt"), at("sub/notes.txt")) != 0) return fail("rename 2");
    if (list("") || list("sub") || list("sub/deeper")) return 1;
    errno = 0;
    FILE *missing = fopen(at("sub/a.txt"), "r");
    printf("reopen renamed-away file: %s, ENOENT %d\n", missing ? "opened" : "NULL", errno == ENOENT);
    if (missing) fclose(missing);
    errno = 0;
    int r = rmdir(at("sub/deeper"));
    printf("rmdir non-empty: %d, errno is ENOTEMPTY %d\n", r, errno == ENOTEMPTY);
    if (unlink(at("sub/deeper/b.txt")) != 0) return fail("unlink");
    if (rmdir(at("sub/deeper")) != 0) return fail("rmdir");
    if (unlink(at("sub/notes.txt")) != 0 || unlink(at("big.bin")) != 0) return fail("unlink 2");
    errno = 0;
    r = unlink(at("big.bin"));
    printf("unlink again: %d, ENOENT %d\n", r, errno == ENOENT);
    if (rmdir(at("sub")) != 0) return fail("rmdir sub");
    return list("");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: fileio DIR\n");
        return 2;
    }
    snprintf(root, sizeof root, "%s", argv[1]);
    int rc = text_files() || big_file() || dirs_and_names();
    printf("%s\n", rc ? "failed" : "all file checks done");
    return rc;
}
