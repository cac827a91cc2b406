#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Actor-runtime benchmarks: each workload in wactor (bench/rt) beside the
# same workload in Erlang/OTP (bench/compare/*.erl, compiled here with erlc),
# and ping-pong beside a pthread mutex+condvar hand-off (the floor). The
# "vs" column is how many times better wactor is (>1 = ahead), from one run
# on one machine. Each pair runs BENCH_PASSES times alternately (wactor,
# Erlang, wactor, ...) and keeps each side's best, so a burst of load from
# other processes does not decide a line. Usage: bench/rt/run.sh BUILD_DIR
set -euo pipefail
B=${1:-build/release}
R=$B/bench/rt
C=$B/bench/compare
LIMIT=${BENCH_TIMEOUT:-180} # seconds per program, so a hang cannot stall `make bench`
PASSES=${BENCH_PASSES:-2}

if ! cmake --build "$B" -j2 --target bench_rt_tools bench_compare_handoff >"$B/bench/rt-tools.log" 2>&1; then
  echo "runtime benchmarks do not build yet (see $B/bench/rt-tools.log); skipped"
  exit 0
fi
ERL=0
if command -v erlc >/dev/null && command -v erl >/dev/null; then
  mkdir -p "$C/erl"
  erlc -o "$C/erl" bench/compare/*.erl && ERL=1
fi

row() { printf '%-16s %14s %14s %9s  %s\n' "$@"; }
# value PROGRAM ARGS... -> the number from its "name value unit" line
value() { timeout "$LIMIT" "$@" 2>/dev/null | awk 'NF == 3 { v = $2 } END { if (v == "") exit 1; print v }'; }
erl_value() {
  ((ERL)) || return 1
  local mod=$1; shift
  value erl -noshell -pa "$C/erl" -s "$mod" main "$@" -s init stop
}
# better DIR A B: the better of two values ("" counts as missing)
better() {
  if [[ -z $2 ]]; then echo "$3"; elif [[ -z $3 ]]; then echo "$2"; else
    awk -v d="$1" -v a="$2" -v b="$3" 'BEGIN { print ((d == "low") == (a + 0 < b + 0)) ? a : b }'
  fi
}
# pair NAME UNIT DIR WACTOR_PROG ARGS... -- ERLANG_MODULE ARGS...
# DIR is "low" when smaller is better, "high" when larger is.
pair() {
  local name=$1 unit=$2 dir=$3 w="" e="" v vs verdict i
  shift 3
  local wcmd=() ecmd=()
  while [[ $1 != -- ]]; do wcmd+=("$1"); shift; done
  shift
  ecmd=("$@")
  for ((i = 0; i < PASSES; i++)); do
    v=$(value "${wcmd[@]}" || true); w=$(better "$dir" "$w" "$v")
    v=$(erl_value "${ecmd[@]}" || true); e=$(better "$dir" "$e" "$v")
  done
  if [[ $name == "ping-pong rtt" ]]; then pp=$w; fi
  if [[ -z $w ]]; then row "$name" FAILED "$e $unit" - "ahead of Erlang/OTP"; return; fi
  if [[ -z $e ]]; then row "$name" "$w $unit" "n/a" - "ahead of Erlang/OTP"; return; fi
  vs=$(awk -v w="$w" -v e="$e" -v d="$dir" 'BEGIN { printf "%.2f", d == "low" ? e / w : w / e }')
  verdict=$(awk -v v="$vs" 'BEGIN { print (v > 1) ? "ok" : "MISS" }')
  row "$name" "$w $unit" "$e $unit" "${vs}x" "ahead of Erlang/OTP $verdict"
}

echo "runtime: wactor vs Erlang/OTP $(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), init:stop().' 2>/dev/null || echo '(not installed)'), $(nproc) cores, best of $PASSES alternating passes"
row workload wactor erlang vs target
pp=""
pair spawn+exit ns low "$R/bench_rt_spawn" 100000 -- spawn 100000
pair "idle actor" B low "$R/bench_rt_idle_mem" 100000 -- idle_mem 100000
pair "ping-pong rtt" ns low "$R/bench_rt_pingpong" 500000 -- pingpong 500000
pair "1->1" msg/s high "$R/bench_rt_throughput" 1 1000000 -- throughput 1 1000000
pair "4->1" msg/s high "$R/bench_rt_throughput" 4 1000000 -- throughput 4 1000000
pair "ring 10k hop" ns low "$R/bench_rt_ring" 10000 50 -- ring 10000 50
pair restart ns low "$R/bench_rt_restart" 2000 -- restart 2000
pair "named send" ns low "$R/bench_rt_named" 1000000 -- named 1000000

echo
echo "hand-off floor: wactor ping-pong vs two threads through a mutex + condvar"
row workload wactor floor ratio target
floor=$(value "$C/bench_compare_handoff" 100000 || true)
if [[ -n $pp && -n $floor ]]; then
  ratio=$(awk -v w="$pp" -v f="$floor" 'BEGIN { printf "%.3f", w / f }')
  row "ping-pong rtt" "$pp ns" "$floor ns" "${ratio}x" \
    "<=3x the floor $(awk -v r="$ratio" 'BEGIN { print (r <= 3) ? "ok" : "MISS" }')"
else
  row "ping-pong rtt" "${pp:-FAILED}" "${floor:-FAILED}" - "<=3x the floor"
fi
