#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `wactor invoke`: results printed one per line, traps exit 134, bad
# arguments exit 1 with a reason, for a component and for a plain module.
set -uo pipefail
wactor=$1
data=$2
plain=$3
fail() { echo "invoke check failed: $1"; exit 1; }
out=$("$wactor" invoke "$data/crasher.wasm" div 7 2) || fail "div exited $?"
[ "$out" = "3" ] || fail "div 7 2 printed '$out'"
out=$("$wactor" invoke "$data/counter.wasm" add 41) || fail "add exited $?"
[ "$out" = "41" ] || fail "add 41 printed '$out'"
"$wactor" invoke "$data/crasher.wasm" div 7 0 >/dev/null 2>/tmp/wactor-invoke-$$.err
rc=$?
[ $rc -eq 134 ] || fail "div by zero exited $rc"
grep -q "integer divide by zero" /tmp/wactor-invoke-$$.err || fail "no trap message"
rm -f /tmp/wactor-invoke-$$.err
"$wactor" invoke "$data/crasher.wasm" div x 1 >/dev/null 2>&1
[ $? -eq 1 ] || fail "bad argument accepted"
"$wactor" invoke "$data/crasher.wasm" nope >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing export accepted"
out=$("$wactor" invoke "$plain" mix 40 2.5) || fail "plain module exited $?"
[ "$out" = "$(printf '42.5\n-1')" ] || fail "plain mix printed '$out'"
echo "invoke ok"
