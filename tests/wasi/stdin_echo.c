/* SPDX-License-Identifier: MIT */
/* Reads stdin to the end, prints it upper-cased with line and byte counts. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    int c, lines = 0, bytes = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') lines++;
        putchar(toupper(c));
    }
    printf("lines=%d bytes=%d\n", lines, bytes);
    return ferror(stdin) ? 1 : 0;
}
