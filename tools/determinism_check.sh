#!/usr/bin/env bash
# Determinism check: each configuration explored twice must give the same combined hash.
set -euo pipefail
dsim="$1"
fail=0
for strategy in pct random dfs; do
  for seed in 1 7 1234567; do
    args=(explore --strategy "$strategy" --seed "$seed" --runs 300 --json --progress off)
    a=$("$dsim" "${args[@]}" 2>/dev/null | sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p')
    b=$("$dsim" "${args[@]}" 2>/dev/null | sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p')
    if [[ -z "$a" || "$a" != "$b" ]]; then
      echo "determinism check FAILED: strategy=$strategy seed=$seed: '$a' vs '$b'"
      fail=1
    else
      echo "ok strategy=$strategy seed=$seed hash=$a"
    fi
  done
done
# Different seeds must explore different schedules (the hash is not a constant).
x=$("$dsim" explore --seed 1 --runs 50 --json 2>/dev/null | sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p')
y=$("$dsim" explore --seed 2 --runs 50 --json 2>/dev/null | sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p')
if [[ "$x" == "$y" ]]; then echo "seeds 1 and 2 gave the same hash $x"; fail=1; fi
exit $fail
