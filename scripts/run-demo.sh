#!/usr/bin/env bash
# Runs the demo application from a build directory: the component demo when
# the component layer is built, else the native supervised-pipeline demo.
set -euo pipefail
cd "$(dirname "$0")/.."
b=${1:-build/release}
if [ -x "$b/wactor" ] && [ -f "$b/examples/app.yaml" ] && "$b/wactor" run --help >/dev/null 2>&1; then
  exec "$b/wactor" run "$b/examples/app.yaml"
fi
exec "$b/examples/native_pipeline"
