#!/usr/bin/env bash
# Runs every benchmark area (bench/<area>/run.sh BUILD_DIR) in turn.
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build/release}
for r in bench/*/run.sh; do
  [ -x "$r" ] || continue
  echo "== $(dirname "$r")"
  "$r" "$b"
done
