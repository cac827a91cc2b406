#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Engine benchmarks: each workload natively (gcc -O2) vs in wactor's
# interpreter (bench_wasm_driver, in-process, best of BENCH_RUNS), the
# geometric mean of the ratios, fuel slicing cost, instantiate, suspend+resume
# and idle-instance memory. Ratios from one run on one machine, not absolute
# times, are what to compare; workload times are CPU time (user+sys), so
# other processes on a shared machine do not count. BENCH_E2E=1 adds a pass
# through `wactor wasm run`. Usage: bench/wasm/run.sh BUILD_DIR
set -euo pipefail
B=${1:-build/release}
RUNS=${BENCH_RUNS:-3}
W=$B/bench/wasm
WORKLOADS=(${BENCH_ONLY:-fib sieve matmul nbody mixed strhash})
FUEL_WORKLOADS=" fib sieve matmul mixed " # metered in 10k slices too
SLICE=10000

if ! cmake --build "$B" -j2 --target bench_wasm_tools >"$W/tools.log" 2>&1; then
  echo "engine drivers do not build yet (see $W/tools.log); engine benchmarks skipped"
  exit 0
fi

# cpu_ns CMD... : runs CMD (stdout to $out_file), prints its user+sys CPU ns
out_file=$(mktemp)
trap 'rm -f "$out_file"' EXIT
cpu_ns() {
  local TIMEFORMAT='%3U %3S' t
  t=$({ time "$@" >"$out_file" 2>/dev/null; } 2>&1) || return 1
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d", (a[1] + a[2]) * 1e9 }'
}
row() { printf '%-22s %12s %12s %9s  %s\n' "$@"; }
# verdict RATIO TARGET: ok when RATIO <= TARGET
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "ok" : "MISS" }'; }

# native_best EXE -> "checksum best_ns"
native_best() {
  local best=0 ns
  for ((i = 0; i < RUNS; i++)); do
    ns=$(cpu_ns "$1")
    if ((best == 0 || ns < best)); then best=$ns; fi
  done
  echo "$(cat "$out_file") $best"
}

echo "engine: interpreter vs gcc -O2 native, CPU time, best of $RUNS, $(nproc) cores"
row workload "wactor ms" "native ms" ratio "target"
ratios=()
fuel_lines=()
for w in "${WORKLOADS[@]}"; do
  read -r nsum nns < <(native_best "$W/$w")
  slice=0
  [[ $FUEL_WORKLOADS == *" $w "* ]] && slice=$SLICE
  if ! out=$("$W/bench_wasm_driver" "$W/$w.r.wasm" "$RUNS" "$slice"); then
    row "$w" "FAILED" "$(awk -v n="$nns" 'BEGIN{printf "%.1f", n/1e6}')" "-" "<=16x"
    continue
  fi
  read -r wsum wns <<<"$(sed -n 1p <<<"$out")"
  if [[ $wsum != "$nsum" ]]; then
    row "$w" "CHECKSUM" "differs" "-" "($wsum vs native $nsum)"
    continue
  fi
  ratio=$(awk -v a="$wns" -v b="$nns" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  row "$w" "$(awk -v n="$wns" 'BEGIN{printf "%.1f", n/1e6}')" \
    "$(awk -v n="$nns" 'BEGIN{printf "%.1f", n/1e6}')" "${ratio}x" \
    "<=16x (stretch 10x) $(verdict "$ratio" 16)"
  if ((slice)); then
    read -r ssum sns nslices bns <<<"$(sed -n 2p <<<"$out")"
    pct=$(awk -v s="$sns" -v u="$bns" 'BEGIN { printf "%.1f", (s / u - 1) * 100 }')
    fuel_lines+=("$(row "fuel $w" "$(awk -v n="$sns" 'BEGIN{printf "%.1f", n/1e6}')" \
      "$(awk -v n="$bns" 'BEGIN{printf "%.1f", n/1e6}')" "${pct}%" \
      "<=5% $(verdict "$pct" 5) ($nslices slices of $SLICE fuel$([[ $ssum == "$wsum" ]] || echo ', CHECKSUM DIFFERS'))")")
  fi
done
if ((${#ratios[@]})); then
  g=$(printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ } END { printf "%.2f", exp(s / n) }')
  row "geomean (${#ratios[@]})" "" "" "${g}x" "<=16x (stretch 10x) $(verdict "$g" 16)"
fi

echo
echo "fuel: 10k-fuel slices vs 1M-fuel slices, two instances taking ~1 ms turns (see driver.c)"
row workload "sliced ms" "base ms" overhead target
for l in "${fuel_lines[@]}"; do echo "$l"; done

echo
echo "engine micro-benchmarks"
row measure wactor "" "" target
if read -r inew ifree < <("$W/bench_wasm_instantiate" "$W/one_page.wasm" 20000); then
  row "instantiate 1 page" "${inew} ns" "" "" "<=2000 ns $(verdict "$inew" 2000) (free: ${ifree} ns)"
fi
if read -r susp direct fres < <("$W/bench_wasm_suspend" "$W/suspend.wasm" 500000); then
  row "suspend+resume" "${susp} ns" "" "" "<100 ns $(verdict "$susp" 99) (plain host call: ${direct} ns)"
  row "out of fuel+resume" "${fres} ns" "" "" "(per slice; a 10k-fuel slice runs ~5-15 us)"
fi
if read -r per beyond over < <("$W/bench_wasm_idle" "$W/one_page.wasm" 10000); then
  row "idle instance" "${beyond} B" "" "" "<=16384 B $(verdict "$beyond" 16384) beyond 1 touched page (RSS/instance ${per} B, overhead_bytes ${over} B)"
fi

# End to end through the command (load + compile + WASI), one run each.
if [[ ${BENCH_E2E:-0} == 1 && -x $B/wactor ]]; then
  echo
  echo "end to end: \`wactor wasm run X.wasm\` (one run, CPU time, includes load and compile)"
  row workload "wactor ms" "native ms" ratio ""
  for w in "${WORKLOADS[@]}"; do
    read -r nsum nns < <(RUNS=1 native_best "$W/$w")
    ns=$(cpu_ns "$B/wactor" wasm run "$W/$w.wasm") || ns=0
    out=$(cat "$out_file")
    if [[ $out != "$nsum" ]]; then row "$w" "FAILED" "" "" "(${out:0:60})"; continue; fi
    row "$w" "$(awk -v n="$ns" 'BEGIN{printf "%.1f", n/1e6}')" \
      "$(awk -v n="$nns" 'BEGIN{printf "%.1f", n/1e6}')" \
      "$(awk -v a="$ns" -v b="$nns" 'BEGIN { printf "%.2fx", a / b }')" ""
  done
fi
