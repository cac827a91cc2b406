#!/bin/sh
# SPDX-License-Identifier: MIT
# `wactor run` as an operator sees it: SIGTERM and SIGHUP stop it as
# gracefully as Ctrl-C (cleanups log before the summary, status 0); a root
# supervisor that gives up ends the run with its name and a non-zero status;
# a sibling restarted by one_for_all is not shown as failed.
# usage: check_run.sh WACTOR LOGGER.wasm SCRATCH
set -u
w=$1 logger=$2 dir=$3
fail() { echo "FAIL: $1"; [ -f "$dir/out" ] && cat "$dir/out"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir" || exit 1

printf 'components:\n  - {name: a, wasm: %s}\nmessages:\n  - {to: a, payload: hi, every_ms: 50}\n' \
    "$logger" >"$dir/calm.yaml"
for sig in TERM HUP INT; do
    rm -f "$dir/out"
    "$w" run "$dir/calm.yaml" >"$dir/out" 2>&1 &
    pid=$!
    # wait until it runs (its first status line), then signal it
    i=0
    while ! grep -q -- "--- 1s" "$dir/out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    kill -s $sig $pid
    wait $pid
    rc=$?
    [ $rc = 0 ] || fail "SIG$sig: exit status $rc"
    grep -q "summary" "$dir/out" || fail "SIG$sig: no summary"
    clean=$(grep -n "cleanup after" "$dir/out" | head -1 | cut -d: -f1)
    summ=$(grep -n "summary" "$dir/out" | head -1 | cut -d: -f1)
    [ -n "$clean" ] && [ "$clean" -lt "$summ" ] || fail "SIG$sig: cleanup log not before the summary"
done

# The root gives up: a crash every 20 ms against an intensity of 2 in 10 s.
printf 'supervisors:\n  - {name: top, intensity: 2, period_ms: 10000}\ncomponents:\n  - {name: a, wasm: %s}\nmessages:\n  - {to: a, payload: crash, every_ms: 20}\n' \
    "$logger" >"$dir/doomed.yaml"
"$w" run --duration 20 "$dir/doomed.yaml" >"$dir/out" 2>&1
rc=$?
[ $rc != 0 ] || fail "a root supervisor that gave up ended with status 0"
grep -q 'supervisor "top" gave up' "$dir/out" || fail "the supervisor that gave up is not named"

# one_for_all: b is restarted because a failed, and says so.
printf 'supervisors:\n  - {name: top, strategy: one_for_all, intensity: 100, period_ms: 10000}\ncomponents:\n  - {name: a, wasm: %s}\n  - {name: b, wasm: %s}\nmessages:\n  - {to: a, payload: crash, after_ms: 200}\n' \
    "$logger" "$logger" >"$dir/all.yaml"
"$w" run --duration 2 "$dir/all.yaml" >"$dir/out" 2>&1 || fail "one_for_all run exited $?"
grep -q "a .*restarted: ready again .* after its failure" "$dir/out" || fail "a's restart not shown as its own"
grep -q "b .*restarted with a, which failed" "$dir/out" || fail "b's restart not shown as caused by a"
grep -q "b .*after its failure" "$dir/out" && fail "b shown as failed"
echo "run ok"
