/* SPDX-License-Identifier: MIT */
/* The wactor command: dispatches to one subcommand group per file. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command's name */
    const char *summary;
} cli_command;

/* One row per subcommand group; add a row and a file to add a group. */
static const cli_command cli_commands[] = {
    {"wasm", cli__wasm_main, "run or inspect a WebAssembly module (wactor wasm --help)"},
    {"run", cli__run_main, "run an application manifest (wactor run --help)"},
    {"invoke", cli__invoke_main, "call one export of a module or component (wactor invoke --help)"},
    {"bench", cli__bench_main, "quick performance figures of this machine (wactor bench --help)"},
};

static void cli_usage(FILE *out) {
    fprintf(out, "usage: wactor <command> [options] [args...]\n\ncommands:\n");
    for (size_t i = 0; i < WB_ARRAY_LEN(cli_commands); i++)
        fprintf(out, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(out, "\n  wactor --help    this text\n");
}

int main(int argc, char **argv) {
    /* Before anything else: a write to a closed pipe (the guest's stdout, or
     * ours) then fails with EPIPE, which the guest sees, instead of SIGPIPE
     * killing the host with every component on it. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        cli_usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cli_usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < WB_ARRAY_LEN(cli_commands); i++)
        if (strcmp(cmd, cli_commands[i].name) == 0) return cli_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "wactor: unknown command '%s' (see wactor --help)\n", cmd);
    return 2;
}
