#!/bin/sh
# SPDX-License-Identifier: MIT
# A guest writing to a stdout pipe whose reader has gone gets EPIPE and
# exits with its own status; wactor must not die of SIGPIPE (status 141).
# usage: check_sigpipe.sh WACTOR PIPE_WRITER.wasm SCRATCH
set -u
wactor=$1 prog=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir" || exit 1
# SIGPIPE as a fresh process has it: an ignored signal would be inherited
# and hide the bug. The control shows this shell can see a SIGPIPE death.
{ env --default-signal=PIPE yes; echo $? >"$dir/control"; } | head -c 10 >/dev/null
if [ "$(cat "$dir/control")" != 141 ]; then
    echo "FAIL: the control did not die of SIGPIPE (status $(cat "$dir/control"))"
    exit 1
fi
# The reader takes a little and leaves; the status goes to a file (a
# pipeline's own status is its last command's).
{ env --default-signal=PIPE "$wactor" wasm run "$prog" 2>"$dir/stderr"; echo $? >"$dir/status"; } |
    head -c 1000 >/dev/null
status=$(cat "$dir/status")
if [ "$status" != 42 ]; then
    echo "FAIL: wactor exited $status (141: killed by SIGPIPE), expected the program's 42 (EPIPE)"
    cat "$dir/stderr"
    exit 1
fi
grep -q "write failed: errno 64" "$dir/stderr" || { echo "FAIL: no EPIPE (64) reported:"; cat "$dir/stderr"; exit 1; }
echo "sigpipe ok"
