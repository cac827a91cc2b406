/* SPDX-License-Identifier: MIT */
/* Prints argv and the environment exactly as the program received them. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s]\n", i, argv[i]);
    for (char **e = environ; *e; e++) printf("env [%s]\n", *e);
    const char *foo = getenv("FOO");
    const char *missing = getenv("MISSING");
    printf("getenv FOO=[%s] MISSING=%s\n", foo ? foo : "(null)", missing ? missing : "(null)");
    return 0;
}
