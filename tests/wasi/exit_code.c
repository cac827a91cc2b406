/* SPDX-License-Identifier: MIT */
/* Exits with the status given as argv[1] through exit() (proc_exit), or
 * returns 0 from main when there is none. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("before exit\n");
    if (argc > 1) {
        fflush(stdout);
        exit(atoi(argv[1]));
    }
    return 0;
}
