/* SPDX-License-Identifier: MIT */
/* Validation split: validate.c checks the module's declarations and calls
 * validate_expr.c for the function bodies. Private to src/wasm. */
#ifndef WACTOR_WASM_VALIDATE_H
#define WACTOR_WASM_VALIDATE_H

#include "module.h"

/* Type-checks every function body of m (operand and control stacks on the
 * heap, so nesting depth costs no C stack). */
wb_status wa__validate_code(const wa_module *m, wb_error *err);

/* decode.c: the binary-format check of every body, run when validation
 * fails so that malformed wins over invalid (WB_MALFORMED or WB_OK). */
wb_status wa__decode_scan_code(const wa_module *m, wb_error *err);

#endif
