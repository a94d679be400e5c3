#!/usr/bin/env bash
# For every planted bug: each built-in scenario where `dsim explore` shows it
# (up to EXPLORE_RUNS runs per scenario), then `dsim check --preemption-bound
# BOUND --time SECONDS` on those scenarios in turn, smallest first (fewest
# steps per run), until one finds it: the time and schedules to the first
# violation, or why each stopped.
# Usage: bench_check.sh DSIM [BOUND [SECONDS [EXPLORE_RUNS]]]. Prints a
# markdown table.
set -uo pipefail
dsim="$1"
bound="${2:-2}"
secs="${3:-10}"
explore_runs="${4:-3000}"
json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }
scenarios=$("$dsim" scenarios | awk '{print $1}')
echo "| mutation | scenarios where explore shows it (steps per run) | check --preemption-bound $bound --time $secs | per bound on the scenario that found it (schedules, exhausted) |"
echo "|---|---|---|---|"
"$dsim" mutations --json | sed 's/},{/}\n{/g' | sed -n 's/.*"name":"\([^"]*\)".*"targets".*/\1/p' |
while read -r m; do
  shown=""
  for s in $scenarios; do
    j=$("$dsim" explore --scenario "$s" --mutation "$m" --runs "$explore_runs" --time 60 --json --progress off 2>/dev/null)
    [[ "$(json_field violations <<<"$j")" =~ ^[1-9] ]] || continue
    runs=$(json_field runs <<<"$j"); steps=$(json_field steps <<<"$j")
    shown+="$((steps / (runs > 0 ? runs : 1))) $s"$'\n'
  done
  if [[ -z "$shown" ]]; then echo "| \`$m\` | (explore found none) | | |"; continue; fi
  shown=$(sort -n <<<"$shown" | sed '/^$/d')
  list=$(awk '{printf "%s`%s` (%s)", (NR>1?", ":""), $2, $1}' <<<"$shown")
  res=""; per=""
  while read -r _ sc; do
    out=$("$dsim" check --scenario "$sc" --mutation "$m" --preemption-bound "$bound" --time "$secs" 2>&1)
    v=$(sed -n 's/.*, \([0-9]*\) violations, \([0-9.]*\)s:.*/\1 \2/p' <<<"$out")
    total=$(sed -n 's/^\([0-9]*\) schedules explored.*/\1/p' <<<"$out")
    set -- $v
    if [[ "${1:-0}" -gt 0 ]]; then
      res="found on \`$sc\`, $total schedules, ${2}s"
      per=$(grep -E '^(bound [0-9]+|unbounded):' <<<"$out" |
            sed -E 's/^bound ([0-9]+): ([0-9]+) schedules.*, ((not )?exhausted)$/\1: \2 \3/' | paste -sd ';' | sed 's/;/; /g')
      break
    fi
    res+="not on \`$sc\` ($total schedules, ${2:-?}s); "
  done <<<"$shown"
  echo "| \`$m\` | $list | ${res%; } | $per |"
done
