#!/usr/bin/env bash
# Shards that merge: `dsim explore --shard I/3 --json` run as 3 parallel
# processes, with the environment the engines give them (a Kubernetes Indexed
# Job's JOB_COMPLETION_INDEX; a GitHub Actions matrix value, as
# deploy/github-actions-matrix.yml passes it), then `dsim merge`: the merged
# report must equal one machine's `explore --json` except the wall-time fields.
# Also: other splits give the same hash, the earliest violation wins, and merge
# refuses reports that are not one split of one exploration.
set -uo pipefail
dsim="$1"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsim-merge-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
flags=(explore --seed 42 --runs 3000 --time 600 --progress off --json)
# The wall-time (machine-dependent) fields replaced by X.
walltime() { sed -E 's/"(elapsed_s|runs_per_s|peak_rss_mb|seconds_to_detect)":[0-9.e+-]+/"\1":X/g'; }
check() {  # check WHAT EXPECTED GOT
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else
    echo "FAILED: $1"; echo "  expected: $2"; echo "  got:      $3"; fail=1; fi
}

"$dsim" "${flags[@]}" >"$tmp/one.json" 2>/dev/null; rc=$?
check "one machine: exit 0" 0 "$rc"
one=$(walltime <"$tmp/one.json")
[[ "$one" == *'"runs":"3000"'* ]] || { echo "FAILED: one machine did not make 3000 runs: $one"; fail=1; }

# Kubernetes Indexed Job: each pod gets JOB_COMPLETION_INDEX (0..completions-1).
pids=()
for index in 0 1 2; do
  JOB_COMPLETION_INDEX=$index bash -c \
    '"$0" "${@}" --shard "$JOB_COMPLETION_INDEX/3" >"'"$tmp"'/k8s-$JOB_COMPLETION_INDEX.json" 2>/dev/null' \
    "$dsim" "${flags[@]}" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "FAILED: a k8s shard exited $?"; fail=1; }; done
merged=$("$dsim" merge "$tmp"/k8s-{2,0,1}.json 2>/dev/null | walltime); rc=$?
check "k8s indexed job: 3 shards merged equal one machine" "$one" "$merged"

# GitHub Actions matrix: the workflow maps matrix.index to DSIM_SHARD_INDEX;
# GITHUB_ACTIONS is set on every runner.
pids=()
for index in 0 1 2; do
  GITHUB_ACTIONS=true DSIM_SHARD_INDEX=$index DSIM_SHARDS=3 bash -c \
    '"$0" "${@}" --shard "$DSIM_SHARD_INDEX/$DSIM_SHARDS" >"'"$tmp"'/gha-$DSIM_SHARD_INDEX.json" 2>/dev/null' \
    "$dsim" "${flags[@]}" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { echo "FAILED: a matrix shard exited $?"; fail=1; }; done
merged=$("$dsim" merge "$tmp"/gha-*.json 2>/dev/null | walltime)
check "github actions matrix: 3 shards merged equal one machine" "$one" "$merged"

# Any split: 5 shards, and 1 (merge of a single report is that report).
for index in 0 1 2 3 4; do
  "$dsim" "${flags[@]}" --shard "$index/5" >"$tmp/five-$index.json" 2>/dev/null
done
check "5 shards merged equal one machine" "$one" "$("$dsim" merge "$tmp"/five-*.json 2>/dev/null | walltime)"
check "merge of one report is that report" "$one" "$("$dsim" merge "$tmp/one.json" 2>/dev/null | walltime)"

# A violation: the merge reports the earliest by run index, as one machine does.
vflags=(explore --seed 42 --runs 3000 --time 600 --progress off --json --mutation exec-store-locked-across-rpc)
first() { sed -n 's/.*\("first_violation":{.*}\),"shard".*/\1/p' | walltime; }
vone=$("$dsim" "${vflags[@]}" 2>/dev/null | first)
for index in 0 1 2; do
  "$dsim" "${vflags[@]}" --shard "$index/3" >"$tmp/v-$index.json" 2>/dev/null
done
vmerged=$("$dsim" merge "$tmp"/v-*.json 2>/dev/null); rc=$?
check "merge exits 1 when a shard found a violation" 1 "$rc"
[[ -n "$vone" ]] || { echo "FAILED: no violation found on one machine"; fail=1; }
check "merged first violation is one machine's" "$vone" "$(first <<<"$vmerged")"
[[ "$vmerged" == *'"violations":1,'*'"stopped_by":"violation"'* ]] ||
  { echo "FAILED: merged violation fields: $vmerged"; fail=1; }

# Bad input: one line on stderr, exit 2.
expect2() {  # expect2 WHAT ARGS...
  local what="$1"; shift
  err=$("$dsim" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -eq 2 && $(wc -l <<<"$err") -eq 1 ]]; then echo "ok: $what -> $err"; else
    echo "FAILED: $what: rc=$rc: $err"; fail=1; fi
}
expect2 "no reports" merge
expect2 "a shard missing" merge "$tmp"/k8s-0.json "$tmp"/k8s-2.json
expect2 "a shard twice" merge "$tmp"/k8s-0.json "$tmp"/k8s-0.json "$tmp"/k8s-2.json
expect2 "shards of two splits" merge "$tmp"/k8s-0.json "$tmp"/five-1.json "$tmp"/k8s-2.json
expect2 "shards of two explorations" merge "$tmp"/k8s-0.json "$tmp"/v-1.json "$tmp"/k8s-2.json
echo '{"runs":1}' >"$tmp/bad.json"
expect2 "a report without its shard" merge "$tmp/bad.json"
echo 'not json' >"$tmp/bad.json"
expect2 "not a report" merge "$tmp/bad.json"
expect2 "a missing file" merge "$tmp/none.json"
expect2 "dfs cannot be sharded" explore --strategy dfs --shard 1/2 --runs 10
exit $fail
