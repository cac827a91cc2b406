#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one C program built natively and for wasm32-wasi (through `wactor wasm
# run`) and requires the same stdout and exit status, byte for byte.
# usage: compare.sh SCRATCH NATIVE WACTOR WASM [ARGS...]
# Each side gets an empty directory of its own: the native program sees its
# path as argv[1], the wasm one sees it granted as /data. Both get the same
# small environment and nothing else, so programs may print it.
set -u
scratch=$1 native=$2 wactor=$3 wasm=$4
shift 4
rm -rf "$scratch"
mkdir -p "$scratch/native" "$scratch/wasm" || exit 1

env -i WPROG_GREETING="hello world" WPROG_EMPTY= TZ=UTC \
    "$native" "$scratch/native" "$@" > "$scratch/native.out" 2> "$scratch/native.err"
nstatus=$?
"$wactor" wasm run --dir "$scratch/wasm::/data" --env "WPROG_GREETING=hello world" \
    --env WPROG_EMPTY= --env TZ=UTC "$wasm" /data "$@" \
    > "$scratch/wasm.out" 2> "$scratch/wasm.err"
wstatus=$?
fail=0
if [ "$nstatus" != "$wstatus" ]; then
    echo "FAIL: exit status native $nstatus, wasm $wstatus"
    fail=1
fi
if ! cmp -s "$scratch/native.out" "$scratch/wasm.out"; then
    echo "FAIL: stdout differs (native vs wasm):"
    diff "$scratch/native.out" "$scratch/wasm.out" | head -40
    fail=1
fi
if [ ! -s "$scratch/native.out" ]; then
    echo "FAIL: the native program printed nothing"
    fail=1
fi
if [ $fail != 0 ]; then
    echo "--- wasm stderr:"; head -20 "$scratch/wasm.err"
    echo "--- native stderr:"; head -20 "$scratch/native.err"
fi
exit $fail
