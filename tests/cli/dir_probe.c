/* SPDX-License-Identifier: MIT */
/* A WASI program that says, for each directory argument, "DIR: writable"
 * (a file could be created there; it is removed again), "DIR: read-only"
 * (creating one failed with ENOTCAPABLE), "DIR: missing", or the errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        struct stat st;
        char path[1024];
        if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            printf("%s: missing\n", argv[i]);
            continue;
        }
        snprintf(path, sizeof path, "%s/probe.txt", argv[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            close(fd);
            unlink(path);
            printf("%s: writable\n", argv[i]);
        } else if (errno == ENOTCAPABLE) {
            printf("%s: read-only\n", argv[i]);
        } else {
            printf("%s: errno %d\n", argv[i], errno);
        }
    }
    return 0;
}
