/* SPDX-License-Identifier: MIT */
/* What supervisor.c offers the system's shutdown (system.c). */
#ifndef WACTOR_RT_SUPERVISOR_H
#define WACTOR_RT_SUPERVISOR_H

#include <stddef.h>

#include "wactor/rt.h"

/* Sends each top supervisor (one with no parent) a shutdown exit signal:
 * it stops its children in reverse start order, one at a time, then exits.
 * Returns how many were asked. */
size_t wr__sups_stop_roots(wr_system *sys);
/* Top supervisors still alive. */
size_t wr__sups_roots(wr_system *sys);

#endif
