#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a short while on
# its seed corpus. FUZZ_SECONDS overrides the per-target time.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d fuzz ] || { echo "fuzz-smoke: no fuzz targets yet"; exit 0; }
secs=${FUZZ_SECONDS:-60}
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DWACTOR_FUZZ=ON -DWACTOR_TESTS=OFF -DWACTOR_BENCH=OFF >/dev/null
cmake --build build/fuzz -j "$(nproc)"
for t in build/fuzz/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  corpus=fuzz/corpus/${name#fuzz_}
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
  echo "fuzz-smoke: $name for ${secs}s"
  "$t" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10 "$work" 2>&1 | tail -3
  rm -rf "$work"
done
