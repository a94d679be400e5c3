#!/usr/bin/env bash
# dsim finds a planted bug with each strategy, finds nothing without one, and replays the violation bit for bit (token, wrapped token, trace file).
set -uo pipefail
dsim="$1"
fail=0
for strategy in pct random dfs; do
  out=$("$dsim" explore --strategy "$strategy" --mutation exec-store-locked-across-rpc --runs 1000 --json 2>/dev/null); rc=$?
  if [[ $rc -ne 1 || "$out" != *'"invariant":"lock-held-across-rpc"'* ]]; then
    echo "FAILED: $strategy did not find exec-store-locked-across-rpc (rc=$rc): $out"; fail=1
  else
    echo "ok: $strategy finds exec-store-locked-across-rpc: $(sed -n 's/.*"runs_to_detect":"\{0,1\}\([0-9]*\).*/\1/p' <<<"$out") runs"
  fi
  out=$("$dsim" explore --strategy "$strategy" --runs 1000 --json 2>/dev/null); rc=$?
  if [[ $rc -ne 0 || "$out" != *'"violations":0'* ]]; then
    echo "FAILED: $strategy reports a violation without a mutation (rc=$rc): $out"; fail=1
  fi
done
# The replay token from a violation rebuilds the same run: same trace hash, same invariant.
out=$("$dsim" explore --strategy pct --mutation exec-store-locked-across-rpc --runs 1000 --json 2>/dev/null)
token=$(sed -n 's/.*"token":"\([0-9a-z]*\)".*/\1/p' <<<"$out")
hash=$(sed -n 's/.*"first_violation":.*"trace_hash":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
replayed=$("$dsim" replay "$token" --json 2>/dev/null); rc=$?
if [[ $rc -ne 1 || "$replayed" != *"\"trace_hash\":\"$hash\""* || "$replayed" != *'"invariant":"lock-held-across-rpc"'* ]]; then
  echo "FAILED: replay of $token (rc=$rc): $replayed (expected hash $hash)"; fail=1
else
  echo "ok: replay reproduces trace hash $hash"
fi
# A token pasted wrapped at 76 columns (as printed) replays too.
wrapped=$(fold -w 76 <<<"$token")
replayed=$("$dsim" replay $wrapped --json 2>/dev/null)  # unquoted: one argument per line
[[ "$replayed" == *"\"trace_hash\":\"$hash\""* ]] || { echo "FAILED: wrapped token"; fail=1; }
# The Chrome trace is written and is JSON with one row per task.
tmp=$(mktemp)
"$dsim" replay "$token" --trace-out "$tmp" >/dev/null 2>&1
grep -q '"thread_name"' "$tmp" || { echo "FAILED: --trace-out wrote no chrome trace"; fail=1; }
rm -f "$tmp"
exit $fail
