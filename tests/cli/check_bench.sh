#!/bin/sh
# SPDX-License-Identifier: MIT
# `wactor bench` runs every section to the end (it checks its own results:
# fib's value, echo replies byte for byte) and prints one figure per row.
# Figures are not judged here: benchmarks are never timed tests.
set -u
w=$1
out=$("$w" bench --workers 2) || { echo "FAIL: wactor bench exited $?"; echo "$out"; exit 1; }
echo "$out"
for row in "spawn + message + exit" "ping-pong round trip" "fib: interpreter / native" \
           "fib in fuel slices" "instantiate + free" "spawn (cached module" \
           "request -> echo -> reply"; do
  echo "$out" | grep -F -- "$row" | grep -Eq '[0-9]+\.[0-9]' || { echo "FAIL: no figure for '$row'"; exit 1; }
done
"$w" bench --workers 0 >/dev/null 2>&1 && { echo "FAIL: --workers 0 accepted"; exit 1; }
"$w" bench --nope >/dev/null 2>&1 && { echo "FAIL: unknown option accepted"; exit 1; }
"$w" bench --help | grep -q "usage: wactor bench" || { echo "FAIL: no usage"; exit 1; }
echo ok
