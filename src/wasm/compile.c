/* SPDX-License-Identifier: MIT */
/* TEMPORARY: replaced by the translator to internal code (owner: engine work). */
#include "module.h"

wb_status wa__compile(wa_module *m, wb_error *err) {
    (void)m;
    (void)err;
    return WB_OK;
}

void wa__compiled_free(wa_module *m) { (void)m; }
