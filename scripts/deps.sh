#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian package wactor needs. Idempotent: apt-get runs only
# when something is missing. Nothing is downloaded from anywhere else.
set -euo pipefail

PKGS=(
  build-essential cmake clang lld llvm
  libclang-rt-14-dev libclang-rt-14-dev-wasm32 wasi-libc wabt
  libcmocka-dev libyaml-dev libcjson-dev libcbor-dev libxxhash-dev
  pkg-config
)
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(erlang-base)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
