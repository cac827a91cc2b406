/* SPDX-License-Identifier: MIT */
/* Test guest: a module without the required handle_message export. */
#include "wactor.h"

WACTOR_EXPORT("init") int32_t init(void) { return 0; }
