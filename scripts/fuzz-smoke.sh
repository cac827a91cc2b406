#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a short while on
# its seed corpus (6 targets x 30 s: about 3 minutes). FUZZ_SECONDS overrides
# the per-target time. Crashes, leaks and timeouts are kept in
# build/fuzz/artifacts/; the script fails if any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d fuzz ] || { echo "fuzz-smoke: no fuzz targets yet"; exit 0; }
secs=${FUZZ_SECONDS:-30}
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DWACTOR_FUZZ=ON -DWACTOR_TESTS=OFF -DWACTOR_BENCH=OFF >/dev/null
targets=$(sed -n 's/^wactor_fuzz_target(\(fuzz_[a-z0-9_]*\).*/\1/p' fuzz/CMakeLists.txt)
# shellcheck disable=SC2086 # one word per target
cmake --build build/fuzz -j "$(nproc)" --target $targets
mkdir -p build/fuzz/artifacts
failed=""
for name in $targets; do
  t=build/fuzz/fuzz/$name
  corpus=fuzz/corpus/${name#fuzz_}
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  echo "fuzz-smoke: $name for ${secs}s"
  if ! "$t" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 \
       -artifact_prefix=build/fuzz/artifacts/"$name"- "$work" >"$work.log" 2>&1; then
    failed="$failed $name"
    grep -E "ERROR|SUMMARY|check failed|ESCAPE" "$work.log" | head -5 || true
  fi
  grep -E "^#[0-9]+.*DONE" "$work.log" | tail -1 || tail -3 "$work.log"
  rm -rf "$work" "$work.log"
done
if [ -n "$failed" ]; then
  echo "fuzz-smoke: FAILED:$failed (inputs in build/fuzz/artifacts/)"
  exit 1
fi
