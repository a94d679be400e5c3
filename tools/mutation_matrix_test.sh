#!/usr/bin/env bash
# The mutation matrix: for every planted bug, `dsim explore` over the built-in
# scenarios finds a violation of the property the bug targets (or of a
# scenario's expectation, which states that property for its scenario); with no
# planted bug the same budget finds none, for both clients. Prints the runs to
# detection of each.
set -uo pipefail
dsim="$1"
runs=20000
fail=0
for client in objects legacy; do
  out=$("$dsim" explore --client "$client" --runs "$runs" --time 600 --json --progress off 2>/dev/null); rc=$?
  if [[ $rc -ne 0 || "$out" != *'"violations":0'* ]]; then
    echo "FAILED: no mutation, client $client: rc=$rc: $out"; fail=1
  else
    echo "ok: no mutation, client $client: no violation in $runs runs"
  fi
done
while IFS=$'\t' read -r name target; do
  out=$("$dsim" explore --mutation "$name" --runs "$runs" --time 600 --json --progress off 2>/dev/null); rc=$?
  got=$(sed -n 's/.*"first_violation":{"invariant":"\([^"]*\)".*/\1/p' <<<"$out")
  n=$(sed -n 's/.*"runs_to_detect":\([0-9]*\).*/\1/p' <<<"$out")
  scenario=$(sed -n 's/.*"first_violation":{[^}]*"scenario":"\([^"]*\)".*/\1/p' <<<"$out")
  if [[ $rc -ne 1 || ( "$got" != "$target" && "$got" != "expectation" ) ]]; then
    echo "FAILED: $name: expected a $target violation, got rc=$rc invariant='$got'"; fail=1
  else
    printf 'ok: %-40s %-22s in %6s runs (%s)\n' "$name" "$got" "$n" "$scenario"
  fi
done < <("$dsim" mutations --json | sed 's/},{/}\n{/g' |
         sed -n 's/.*"name":"\([^"]*\)".*"targets":"\([^"]*\)".*/\1\t\2/p')
exit $fail
