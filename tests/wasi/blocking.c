// SPDX-License-Identifier: MIT
// WASI calls that would block, for tests/wasi/test_wasi_wait.c, which runs
// this program with an embedder wait and checks what it is asked to wait
// for. Modes (argv[1]):
//   sleep_max    poll_oneoff on one relative clock of 2^64-1 ns
//   sleep_near   the same with 2^64-2 ns (must not wrap into "due now")
//   sleep_abs    an absolute realtime clock 10 ms ahead
//   fifo PATH    opens a FIFO for reading and reads a line from it
//   fds          opens files until that fails; prints the count and errno
//   fill DIR     writes DIR/big until refused, then tries to grow it
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int sleep_clock(__wasi_clockid_t id, uint64_t t, bool abs) {
    __wasi_subscription_t sub = {0};
    sub.userdata = 42;
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = id;
    sub.u.u.clock.timeout = t;
    sub.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    __wasi_event_t ev;
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
    printf("poll: errno %d, %u event(s), userdata %llu\n", e, (unsigned)n,
           n ? (unsigned long long)ev.userdata : 0ull);
    return e ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (!strcmp(argv[1], "sleep_max")) return sleep_clock(__WASI_CLOCKID_MONOTONIC, UINT64_MAX, false);
    if (!strcmp(argv[1], "sleep_near")) return sleep_clock(__WASI_CLOCKID_MONOTONIC, UINT64_MAX - 1, false);
    if (!strcmp(argv[1], "sleep_abs")) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        return sleep_clock(__WASI_CLOCKID_REALTIME, now + 10000000ull, true);
    }
    if (!strcmp(argv[1], "fifo") && argc > 2) {
        int fd = open(argv[2], O_RDONLY);
        if (fd < 0) {
            printf("open: %s\n", strerror(errno));
            return 1;
        }
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        if (n < 0) {
            printf("read: %s\n", strerror(errno));
            return 1;
        }
        buf[n] = 0;
        printf("read %zd: %s\n", n, buf);
        close(fd);
        return 0;
    }
    if (!strcmp(argv[1], "fds") && argc > 2) {
        int count = 0;
        for (;;) {
            char path[64];
            snprintf(path, sizeof path, "%s/f%d", argv[2], count);
            int fd = open(path, O_CREAT | O_WRONLY, 0644);
            if (fd < 0) {
                printf("opened %d, then: errno %d\n", count, errno);
                return 0;
            }
            count++;
        }
    }
    if (!strcmp(argv[1], "fill") && argc > 2) { /* 4 KiB at a time until refused, then a truncate */
        char path[64];
        snprintf(path, sizeof path, "%s/big", argv[2]);
        int fd = open(path, O_CREAT | O_WRONLY, 0644);
        if (fd < 0) return 1;
        static char chunk[4096];
        long total = 0;
        for (;;) {
            ssize_t n = write(fd, chunk, sizeof chunk);
            if (n <= 0) break;
            total += n;
        }
        int werr = errno;
        int t = ftruncate(fd, 1 << 20);
        printf("wrote %ld, then: errno %d; truncate to 1 MiB: %d errno %d\n", total, werr, t, t ? errno : 0);
        return 0;
    }
    return 2;
}
