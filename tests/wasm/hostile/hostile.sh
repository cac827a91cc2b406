#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one hostile module through `wactor wasm run` and checks the outcome its
# header promises. Header lines in the .wat:
#   ;; expect: exit N, stderr "TEXT"   exit status N, TEXT a substring of stderr
#                                      (stderr "" : stderr must be empty)
#   ;; options: --fuel 1000            wactor options before FILE (optional)
# Whatever the case, stderr must not hold a sanitizer report: a hostile module
# ends in an error or trap value, never a crash or a leak.
# usage: hostile.sh WACTOR CASE.wat CASE.wasm
set -u
wactor=$1 wat=$2 wasm=$3
expect=$(sed -n 's/^;; expect: //p' "$wat")
if [ -z "$expect" ]; then
    echo "FAIL: $wat has no ';; expect:' line"
    exit 1
fi
status=$(printf '%s\n' "$expect" | sed -n 's/^exit \([0-9][0-9]*\).*/\1/p')
text=$(printf '%s\n' "$expect" | sed -n 's/.*stderr "\(.*\)"$/\1/p')
if [ -z "$status" ] || ! printf '%s\n' "$expect" | grep -q 'stderr ".*"$'; then
    echo "FAIL: cannot parse '$expect' (want: exit N, stderr \"TEXT\")"
    exit 1
fi
options=$(sed -n 's/^;; options: //p' "$wat")
err=$(mktemp) || exit 1
# shellcheck disable=SC2086 # options are words on purpose
"$wactor" wasm run $options "$wasm" > /dev/null 2> "$err"
got=$?
fail=0
if [ "$got" != "$status" ]; then
    echo "FAIL: exit status $got, want $status"
    fail=1
fi
if [ -z "$text" ] && [ -s "$err" ]; then
    echo "FAIL: stderr should be empty"
    fail=1
elif [ -n "$text" ] && ! grep -qF -- "$text" "$err"; then
    echo "FAIL: stderr lacks \"$text\""
    fail=1
fi
if grep -q 'Sanitizer\|runtime error:' "$err"; then
    echo "FAIL: sanitizer report"
    fail=1
fi
echo "--- stderr:"
head -c 4000 "$err"
rm -f "$err"
exit $fail
