#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the demo manifest for a few seconds and checks that it showed what it
# is for: messages flowing, a trap restarted with backoff, a runaway loop
# ended by its fuel limit while the others kept working, cleanup at the end.
set -euo pipefail
wactor=$1
app=$2
out=$("$wactor" run --duration "${3:-6}" "$app" 2>&1)
fail() { echo "demo check failed: $1"; echo "$out"; exit 1; }
grep -q 'flaky .*FAILED (trap): unreachable' <<<"$out" || fail "no trap in flaky"
grep -q 'runaway .*FAILED (fuel limit)' <<<"$out" || fail "runaway not stopped by fuel"
grep -q 'restart delays:' <<<"$out" || fail "no restart history"
grep -q 'denied: lookup of runaway' <<<"$out" || fail "no denied event"
grep -q 'aggregator .*log: cleanup: final count' <<<"$out" || fail "aggregator cleanup did not run"
grep -q 'shutdown: clean' <<<"$out" || fail "shutdown not clean"
# The workers answered requests all along.
msgs=$(awk '/^  worker.0 / && /messages,/ {print $2}' <<<"$out")
[ "${msgs:-0}" -gt 10 ] || fail "worker.0 handled only ${msgs:-0} messages"
echo "demo ok: worker.0 handled $msgs messages"
