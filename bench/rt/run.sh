#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Actor-runtime benchmarks: each workload in wactor (bench/rt) beside the
# same workload in Erlang/OTP (bench/compare/*.erl, compiled here with erlc),
# and ping-pong beside a pthread mutex+condvar hand-off (the floor). The
# "vs" column is how many times better wactor is (>1 = ahead), from one run
# on one machine. Each pair runs BENCH_PASSES times alternately (wactor,
# Erlang, wactor, ...) and keeps each side's best, so a burst of load from
# other processes does not decide a line. Usage: bench/rt/run.sh BUILD_DIR
# (BENCH_ONLY=TEXT: only the workload pairs whose name contains TEXT; no
# floor, no registry section)
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
  [[ -n ${BENCH_ONLY:-} && $name != *"$BENCH_ONLY"* ]] && return
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
# restart, two cases: one supervisor taking every restart at a high rate
# (OTP walks its list of recent restarts on each one), and a fresh
# supervisor per block of 100 restarts (the ordinary case)
pair "restart hi-rate" ns low "$R/bench_rt_restart" 2000 -- restart 2000
pair "restart /100" ns low "$R/bench_rt_restart" 2000 100 -- restart 2000 100
pair "named send" ns low "$R/bench_rt_named" 1000000 -- named 1000000

[[ -n ${BENCH_ONLY:-} ]] && exit 0
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

# Name lookups as the registry grows (no Erlang counterpart): CPU ns per
# wr_lookup with 10, 10k and 100k names registered, over all of them
# (shuffled) or over 10 hot ones, from one worker or every worker at once
# (bench/rt/lookup.c), best of BENCH_PASSES runs; "100k/10" is the growth,
# target at most 1.2x. The chase row is the memory underneath: one
# dependent read of a random cache line among N (no target: it grows as
# the lines leave the caches).
echo
echo "registry: ns per wr_lookup with N names registered"
lrow() { printf '%-34s %7s %7s %7s %8s %8s  %s\n' "$@"; }
lrow lookups 10 10k 100k 10k/10 100k/10 target
declare -A lk=() # key,N -> the best of BENCH_PASSES runs
for ((i = 0; i < PASSES; i++)); do
  for n in 10 10000 100000; do
    while read -r k v _; do
      lk[$k,$n]=$(better low "${lk[$k,$n]:-}" "$v")
    done < <(timeout "$LIMIT" "$R/bench_rt_lookup" "$n" 2>/dev/null || true)
  done
done
for k in all_one all_every all_every_wall hot_one hot_every hot_every_wall chase; do
  case $k in
    all_*) what="all N names";; hot_*) what="10 hot names";; *) what="memory: a random line of N";;
  esac
  case $k in
    *_one) what+=", one worker";; *_wall) what+=", every worker, wall";; *_every) what+=", every worker";;
  esac
  a=${lk[$k,10]:-} b=${lk[$k,10000]:-} c=${lk[$k,100000]:-}
  if [[ -z $a || -z $b || -z $c ]]; then
    lrow "$what" "${a:-FAILED}" "${b:-FAILED}" "${c:-FAILED}" - - "<=1.2x"
    continue
  fi
  g10k=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
  g=$(awk -v a="$a" -v c="$c" 'BEGIN { printf "%.2f", c / a }')
  verdict="<=1.2x $(awk -v g="$g" 'BEGIN { print (g <= 1.2) ? "ok" : "MISS" }')"
  [[ $k == chase ]] && verdict="(floor)"
  lrow "$what" "$a" "$b" "$c" "${g10k}x" "${g}x" "$verdict"
done
