#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks docs/COMPONENTS.md against what the build made: the page's C block is
# examples/hello/hello.c byte for byte, `wactor invoke` answers as shown, and
# the page's manifest, run next to the built hello.wasm, greets, reports and
# stops cleanly. Builds nothing.
set -euo pipefail
wactor=$1
doc=$2
src=$3
dir=$4
fail() { echo "walkthrough check failed: $1"; exit 1; }
block() { awk -v lang="$1" '$0 == "```" lang {on=1; next} on && $0 == "```" {exit} on {print}' "$doc"; }
[ -f "$dir/hello.wasm" ] || fail "no $dir/hello.wasm (build target example_hello)"
diff <(block c) "$src" >/dev/null || fail "the C block of $doc differs from $src"
out=$("$wactor" invoke "$dir/hello.wasm" greeted) || fail "invoke exited $?"
[ "$out" = "0" ] || fail "invoke greeted printed '$out'"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
block yaml >"$work/hello.yaml"
[ -s "$work/hello.yaml" ] || fail "no yaml block in $doc"
cp "$dir/hello.wasm" "$work/"
out=$(cd "$work" && "$wactor" run hello.yaml 2>&1) || fail "wactor run exited $?: $out"
show() { echo "$out"; }
grep -q 'hello .*log: hello: ready' <<<"$out" || { show; fail "init did not log"; }
grep -q 'hello .*log: hello, world #1' <<<"$out" || { show; fail "no first greeting"; }
grep -q 'hello .*log: hello, world #3' <<<"$out" || { show; fail "the timer message did not repeat"; }
grep -q 'component .*state .*starts .*messages' <<<"$out" || { show; fail "no status table"; }
grep -Eq '^  hello +ready +1 ' <<<"$out" || { show; fail "no status line for hello"; }
grep -q '=== summary after' <<<"$out" || { show; fail "no summary"; }
grep -q 'hello .*log: hello: goodbye' <<<"$out" || { show; fail "cleanup did not run"; }
grep -q 'shutdown: clean' <<<"$out" || { show; fail "shutdown not clean"; }
echo "walkthrough ok"
