#!/usr/bin/env bash
# The demo's planted bug is found (exit 1, a named invariant), and the clean program is not.
set -uo pipefail
dsim="$1"
fail=0
for strategy in pct random dfs; do
  out=$("$dsim" explore --strategy "$strategy" --mutation lost-update --runs 1000 --json 2>/dev/null); rc=$?
  if [[ $rc -ne 1 || "$out" != *'"invariant":"data-race"'* ]]; then
    echo "FAILED: $strategy did not find lost-update (rc=$rc): $out"; fail=1
  else
    echo "ok: $strategy finds lost-update: $(sed -n 's/.*"runs_to_detect":\([0-9]*\).*/\1/p' <<<"$out") runs"
  fi
  out=$("$dsim" explore --strategy "$strategy" --runs 1000 --json 2>/dev/null); rc=$?
  if [[ $rc -ne 0 || "$out" != *'"violations":0'* ]]; then
    echo "FAILED: $strategy reports a violation without a mutation (rc=$rc): $out"; fail=1
  fi
done
exit $fail
