#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the demo manifest for a few seconds and checks that it showed what it
# is for: messages flowing, request/response through the worker pool, pub/sub
# metrics, a trap restarted with growing backoff, a runaway loop ended by its
# fuel limit (the others kept working) and restarted, live status lines, a
# summary with the restart history, and cleanup at the end.
set -euo pipefail
wactor=$1
app=$2
out=$("$wactor" run --duration "${3:-6}" "$app" 2>&1)
fail() { echo "demo check failed: $1"; echo "$out"; exit 1; }
grep -q -- '--- 1s ---' <<<"$out" || fail "no live status"
grep -q 'component .*state .*starts .*messages .*msg/s' <<<"$out" || fail "no status table"
grep -q 'flaky .*FAILED (trap): unreachable' <<<"$out" || fail "no trap in flaky"
grep -q 'flaky .*restarted: ready again' <<<"$out" || fail "flaky not restarted"
grep -q 'runaway .*FAILED (fuel limit)' <<<"$out" || fail "runaway not stopped by fuel"
grep -q 'runaway .*restarted: ready again' <<<"$out" || fail "runaway not restarted"
grep -q 'denied: lookup of runaway' <<<"$out" || fail "no denied event"
grep -Eq 'producer .*request/response: [1-9][0-9]* jobs answered' <<<"$out" || fail "no request/response"
grep -Eq 'aggregator .*aggregated [1-9][0-9]* results, sum [0-9]+, [1-9][0-9]* metric events' <<<"$out" ||
  fail "no messages or no pub/sub events at the aggregator"
grep -q '=== summary after' <<<"$out" || fail "no summary"
grep -q 'aggregator .*log: cleanup: final count' <<<"$out" || fail "aggregator cleanup did not run"
grep -q 'shutdown: clean' <<<"$out" || fail "shutdown not clean"
# The restart history in the summary: flaky's delays grow (exponential backoff;
# the first four stay below the 2 s cap even with 10% jitter).
hist=$(awk '/^  flaky /{f=1} f && /restart history:/ {sub(/.*restart history:/, ""); print; exit}' <<<"$out")
[ -n "$hist" ] || fail "no restart history for flaky"
grep -Eq '^ [0-9]+\.[0-9]{3}s error \+[0-9]+ms' <<<"$hist" || fail "restart history format: $hist"
delays=$(grep -Eo '\+[0-9]+ms' <<<"$hist" | tr -d '+' | tr '\n' ' ')
prev=0
for d in $(tr ' ' '\n' <<<"$delays" | grep . | head -4); do
  ms=${d%ms}
  [ "$ms" -gt "$prev" ] || fail "flaky restart delays do not grow: $delays"
  prev=$ms
done
# The workers answered requests all along.
msgs=$(awk '/^  worker.0 / && /messages,/ {print $2}' <<<"$out")
[ "${msgs:-0}" -gt 10 ] || fail "worker.0 handled only ${msgs:-0} messages"
echo "demo ok: worker.0 handled $msgs messages, flaky restart delays: $delays"
