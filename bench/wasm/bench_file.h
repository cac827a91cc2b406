/* SPDX-License-Identifier: MIT */
/* Shared by the engine benchmark drivers: read a whole file, load a module. */
#ifndef BENCH_FILE_H
#define BENCH_FILE_H

#include <stdio.h>
#include <stdlib.h>

#include "wactor/wasm.h"

/* Returns the engine-loaded module at path, or NULL after printing why. */
static inline wa_module *bench_module_load(wa_engine *e, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *bytes = malloc(len > 0 ? (size_t)len : 1); /* owner: this function */
    size_t got = bytes ? fread(bytes, 1, (size_t)len, f) : 0;
    fclose(f);
    wa_module *m = NULL;
    wb_error err = {0};
    if (got != (size_t)len) {
        fprintf(stderr, "bench: cannot read %s\n", path);
    } else if (wa_module_new(e, bytes, got, &m, &err) != WB_OK) {
        fprintf(stderr, "bench: %s: %s\n", path, err.msg);
        m = NULL;
    }
    free(bytes);
    return m;
}

#endif
