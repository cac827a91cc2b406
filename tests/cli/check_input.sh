#!/bin/sh
# SPDX-License-Identifier: MIT
# Operator input to the wactor command: options are parsed strictly, a
# --dir grant reads like a manifest's `dirs` entry (":ro" included), long
# values are refused or used whole (never cut), manifest errors name the
# line, and output that would be too long says what it left out.
# usage: check_input.sh WACTOR BIN_DIR TINY.wasm SCRATCH
set -u
w=$1 bin=$2 tiny=$3 dir=$4
fail() { echo "FAIL: $1"; [ -f "$dir/out" ] && cat "$dir/out"; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/a" "$dir/b" "$dir/c" || exit 1

# --dir HOST::GUEST:ro is read-only, like the manifest's dirs entry.
"$w" wasm run --dir "$dir/a::/ro:ro" --dir "$dir/b::/rw" --dir-ro "$dir/c::/c" \
    "$bin/dir_probe.wasm" /ro /rw /c >"$dir/out" 2>&1 || fail "dir_probe exited $?"
printf '/ro: read-only\n/rw: writable\n/c: read-only\n' | diff - "$dir/out" >/dev/null ||
    fail "--dir grants not as asked"
[ -e "$dir/a/probe.txt" ] && fail "wrote into a :ro grant"
# Grants that cannot be used as written are refused.
"$w" wasm run --dir "::/x" "$bin/dir_probe.wasm" >"$dir/out" 2>&1
[ $? = 2 ] && grep -q "no host path" "$dir/out" || fail "--dir ::/x not refused"
long="$dir/a$(printf '/.%.0s' $(seq 2100))" # over 4096 bytes
"$w" wasm run --dir "$long::/x" "$bin/dir_probe.wasm" >"$dir/out" 2>&1
[ $? = 2 ] && grep -q "PATH_MAX" "$dir/out" || fail "--dir over PATH_MAX not refused"
# --wasi-deny: the whole list is read, however long.
list=$(printf 'fd_write,%.0s' $(seq 150))nosuch
"$w" wasm run --wasi-deny "$list" "$bin/dir_probe.wasm" >"$dir/out" 2>&1
[ $? = 2 ] && grep -q "no WASI function 'nosuch'" "$dir/out" || fail "the end of a long --wasi-deny list was dropped"

# Numbers are numbers.
for bad in "run --duration abc $dir/x.yaml" "run --duration -1 $dir/x.yaml" "run --workers 2000 $dir/x.yaml" \
           "invoke --fuel 12abc $tiny handle_message" "invoke --max-memory-pages 4294967296 $tiny handle_message"; do
    $w $bad >"$dir/out" 2>&1
    [ $? = 2 ] || fail "wactor $bad accepted"
done
# More results than invoke can hold is an error, not a cut list.
"$w" invoke "$bin/many_results.wasm" seventeen >"$dir/out" 2>&1
[ $? = 1 ] && grep -q "at most 16" "$dir/out" || fail "17 results printed as 16"

# Manifest errors name the line.
printf 'supervisors:\n  - {name: a, parent: b}\n  - {name: b, parent: a}\n' >"$dir/cycle.yaml"
"$w" run "$dir/cycle.yaml" >"$dir/out" 2>&1
[ $? = 1 ] && grep -q "manifest line 2: supervisor \"a\": parent chain forms a cycle" "$dir/out" ||
    fail "cyclic supervisors not refused"
# The summary shows 256 instances and says how many more there were.
printf 'components:\n  - {name: t, wasm: %s, instances: 300}\n' "$tiny" >"$dir/many.yaml"
"$w" run --duration 1 --quiet "$dir/many.yaml" >"$dir/out" 2>&1 || fail "300 instances exited $?"
grep -q "and 44 more instances" "$dir/out" || fail "the summary left instances out silently"
# Node budgets: --max-instances (or the manifest's top-level limits) refuse
# the starts past them, with the reason; sizes take K/M/G.
printf 'components:\n  - {name: t, wasm: %s, instances: 3}\n' "$tiny" >"$dir/three.yaml"
"$w" run --duration 1 --max-instances 2 "$dir/three.yaml" >"$dir/out" 2>&1
grep -q "node limit" "$dir/out" || fail "--max-instances 2 let 3 instances start"
printf 'limits: {instances: 2}\ncomponents:\n  - {name: t, wasm: %s, instances: 3}\n' "$tiny" >"$dir/node.yaml"
"$w" run --duration 1 "$dir/node.yaml" >"$dir/out" 2>&1
grep -q "node limit" "$dir/out" || fail "the manifest's limits.instances was not applied"
for bad in "run --max-memory 12X $dir/three.yaml" "run --max-instances 0 $dir/three.yaml" \
           "wasm run --max-memory lots $bin/dir_probe.wasm"; do
    $w $bad >"$dir/out" 2>&1
    [ $? = 2 ] || fail "wactor $bad accepted"
done
# wasm run --max-memory counts all the instance's memory: a C program's
# linear memory alone is over 64K.
"$w" wasm run --max-memory 64K "$bin/dir_probe.wasm" >"$dir/out" 2>&1
[ $? = 1 ] && grep -q "budget" "$dir/out" || fail "--max-memory 64K not enforced"
# What no restart can fix is refused before anything starts, naming the
# component and the file.
printf 'components:\n  - {name: a, wasm: /etc/hostname}\n' >"$dir/notwasm.yaml"
"$w" run --duration 1 "$dir/notwasm.yaml" >"$dir/out" 2>&1
[ $? = 1 ] && grep -q 'component "a": /etc/hostname is not a valid WebAssembly module' "$dir/out" ||
    fail "a file that is not wasm was not named"
printf 'components:\n  - {name: a, wasm: %s, limits: {memory_pages: 1}}\n' "$bin/../data/component/logger.wasm" >"$dir/small.yaml"
"$w" run --duration 1 "$dir/small.yaml" >"$dir/out" 2>&1
[ $? = 1 ] && grep -q 'component "a": its memory starts at .* pages, over its limit of 1' "$dir/out" ||
    fail "a memory minimum over the limit was not refused at load"
echo "input ok"
