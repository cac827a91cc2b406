#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one command and compares its stdout, stderr and exit status with the
# expected files; checks that nothing outside the sandbox was touched.
# usage: check.sh NAME EXPECT_DIR SCRATCH STATUS STDIN -- COMMAND...
#   STDIN: a file, or - for /dev/null.
#   EXPECT_DIR/NAME.stdout, NAME.stderr: exact (an absent file means empty);
#   NAME.stdout.re, NAME.stderr.re instead: each line is an extended regex
#   that must match some line of the output.
# SCRATCH is recreated before the run: grant/ (with hello.txt, sub/ and
# symlinks to files and directories, pointing in and out), outside/secret.txt and ro/file.txt.
set -u
name=$1 exp=$2 scratch=$3 want=$4 stdin=$5
shift 5
[ "${1:-}" = "--" ] && shift

rm -rf "$scratch"
mkdir -p "$scratch/grant/sub" "$scratch/outside" "$scratch/ro" || exit 1
printf 'hello\n' > "$scratch/grant/hello.txt"
printf 'secret\n' > "$scratch/outside/secret.txt"
printf 'read only\n' > "$scratch/ro/file.txt"
ln -s ../outside/secret.txt "$scratch/grant/escape"
ln -s "$scratch/outside/secret.txt" "$scratch/grant/abs"
ln -s ../outside/new.txt "$scratch/grant/escape_new"
ln -s hello.txt "$scratch/grant/inlink"
ln -s loop "$scratch/grant/loop"
ln -s ../outside "$scratch/grant/outlink"
ln -s sub "$scratch/grant/sublink"
[ "$stdin" = "-" ] && stdin=/dev/null

"$@" < "$stdin" > "$scratch/stdout" 2> "$scratch/stderr"
status=$?
fail=0
if [ "$status" != "$want" ]; then
    echo "FAIL: exit status $status, expected $want"
    fail=1
fi
for stream in stdout stderr; do
    if [ -f "$exp/$name.$stream.re" ]; then
        while IFS= read -r re; do
            [ -z "$re" ] && continue
            if ! grep -Eq -- "$re" "$scratch/$stream"; then
                echo "FAIL: $stream has no line matching /$re/"
                fail=1
            fi
        done < "$exp/$name.$stream.re"
    else
        want_file="$exp/$name.$stream"
        [ -f "$want_file" ] || want_file=/dev/null
        if ! diff -u "$want_file" "$scratch/$stream" > "$scratch/$stream.diff"; then
            echo "FAIL: $stream differs from $want_file:"
            cat "$scratch/$stream.diff"
            fail=1
        fi
    fi
done
# The sandbox: nothing outside the grants, nor in the read-only one, changed.
if [ "$(ls -A "$scratch/outside")" != "secret.txt" ] ||
   [ "$(cat "$scratch/outside/secret.txt")" != "secret" ] ||
   [ "$(ls -A "$scratch/ro")" != "file.txt" ] ||
   [ "$(cat "$scratch/ro/file.txt")" != "read only" ]; then
    echo "FAIL: the program changed files outside its grant:"
    ls -lA "$scratch/outside" "$scratch/ro"
    fail=1
fi
if [ $fail != 0 ]; then
    echo "--- command: $*"
    echo "--- stdout:"; cat "$scratch/stdout"
    echo "--- stderr:"; cat "$scratch/stderr"
fi
exit $fail
