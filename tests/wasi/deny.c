/* SPDX-License-Identifier: MIT */
/* Run with random_get and path_open denied: they return ENOTCAPABLE, the
 * program keeps running, and granted functions still work. */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

int main(void) {
    uint8_t buf[16];
    check(__wasi_random_get(buf, sizeof buf) == __WASI_ERRNO_NOTCAPABLE, "random_get denied");
    check_errno(open("/data/hello.txt", O_RDONLY) < 0, ENOTCAPABLE, "path_open denied");
    __wasi_timestamp_t t;
    check(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) == 0 && t > 0,
          "clock_time_get still granted");
    return check_failures ? 1 : 0;
}
