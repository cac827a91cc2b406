/* SPDX-License-Identifier: MIT */
/* The wactor command's private interface: one entry per subcommand group
 * (each in its own file, listed in main.c) and helpers they share. */
#ifndef WACTOR_CLI_H
#define WACTOR_CLI_H

#include "wactor/wasm.h"

/* Subcommand groups: argv[0] is the group's name; returns the exit status. */
int cli__wasm_main(int argc, char **argv); /* cli_wasm.c */
int cli__run_main(int argc, char **argv);    /* cli_run.c */
int cli__invoke_main(int argc, char **argv); /* cli_invoke.c */
int cli__bench_main(int argc, char **argv);  /* cli_bench.c */

/* A count: digits only (no sign, blanks or trailing text; strtoull alone
 * takes "-1" and "12abc"), at most max. */
bool cli__parse_count(const char *s, uint64_t max, uint64_t *out);
/* A size in bytes: digits, optionally followed by K, M or G (KiB, MiB,
 * GiB); false for anything else or an overflow. */
bool cli__parse_size(const char *s, uint64_t *out);

/* Reads a whole file into *data (owner: caller, free()). */
wb_status cli__read_file(const char *path, uint8_t **data, size_t *len, wb_error *err);

/* Name of function `index` from the module's "name" section, or NULL. The
 * result points into the module's bytes; *len is its length. */
const char *cli__func_name(const wa_module *m, uint32_t index, uint32_t *len);

#endif
