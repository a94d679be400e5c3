#!/usr/bin/env bash
# Measures what docs/BENCHMARKS.md reports for `dsim explore`: runs/s per
# built-in scenario, and runs and seconds to detect each planted bug (median of
# 20 seeds). Usage: tools/bench_explore.sh build/release/bin/dsim
set -euo pipefail
dsim="$1"
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([0-9.]*\).*/\1/p"; }  # 64-bit ints are "N"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| scenario | runs/s (objects) | runs/s (legacy) |"
echo "|---|---|---|"
for s in $("$dsim" scenarios | awk '{print $1}'); do
  o=$("$dsim" explore --scenario "$s" --runs 5000 --json --progress off 2>/dev/null | field runs_per_s)
  l=$("$dsim" explore --scenario "$s" --client legacy --runs 5000 --json --progress off 2>/dev/null | field runs_per_s)
  echo "| \`$s\` | $o | $l |"
done
echo
echo "| mutation | median runs to detect | median seconds to detect |"
echo "|---|---|---|"
for m in $("$dsim" mutations | awk '/^[a-z]/ {print $1}'); do
  runs=(); secs=()
  for seed in $(seq 1 20); do
    out=$("$dsim" explore --mutation "$m" --seed "$seed" --runs 100000 --time 10 --json --progress off 2>/dev/null || true)
    runs+=("$(field runs_to_detect <<<"$out")"); secs+=("$(field seconds_to_detect <<<"$out")")
  done
  r=$(printf '%s\n' "${runs[@]}" | grep . | median || true)
  t=$(printf '%s\n' "${secs[@]}" | grep . | median || true)
  found=$(printf '%s\n' "${runs[@]}" | grep -c . || true)
  echo "| \`$m\` | ${r:-not found} ($found/20 seeds) | ${t:-–} |"
done
