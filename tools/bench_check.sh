#!/usr/bin/env bash
# For every planted bug: the built-in scenario where `dsim explore` first shows
# it, then `dsim check --preemption-bound BOUND --time SECONDS` on that
# scenario (time and schedules to the first violation, or why it stopped).
# Usage: bench_check.sh DSIM [BOUND [SECONDS]]. Prints a markdown table.
set -uo pipefail
dsim="$1"
bound="${2:-2}"
secs="${3:-10}"
echo "| mutation | scenario | check --preemption-bound $bound --time $secs | per bound (schedules, exhausted) |"
echo "|---|---|---|---|"
"$dsim" mutations --json | sed 's/},{/}\n{/g' | sed -n 's/.*"name":"\([^"]*\)".*"targets".*/\1/p' |
while read -r m; do
  sc=$("$dsim" explore --mutation "$m" --runs 20000 --time 120 --json --progress off 2>/dev/null |
       sed -n 's/.*"first_violation":{[^}]*"scenario":"\([^"]*\)".*/\1/p')
  if [[ -z "$sc" ]]; then echo "| \`$m\` | (explore found none) | | |"; continue; fi
  out=$("$dsim" check --scenario "$sc" --mutation "$m" --preemption-bound "$bound" --time "$secs" 2>&1)
  v=$(sed -n 's/.*, \([0-9]*\) violations, \([0-9.]*\)s:.*/\1 \2/p' <<<"$out")
  total=$(sed -n 's/^\([0-9]*\) schedules explored.*/\1/p' <<<"$out")
  per=$(grep -E '^(bound [0-9]+|unbounded):' <<<"$out" |
        sed -E 's/^bound ([0-9]+): ([0-9]+) schedules.*, ((not )?exhausted)$/\1: \2 \3/' | paste -sd ';' | sed 's/;/; /g')
  set -- $v
  if [[ "${1:-0}" -gt 0 ]]; then res="found, $total schedules, ${2}s"; else res="not found ($total schedules, ${2:-?}s)"; fi
  echo "| \`$m\` | \`$sc\` | $res | $per |"
done
