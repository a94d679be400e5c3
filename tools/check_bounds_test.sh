#!/usr/bin/env bash
# `dsim check` deepens the preemption bound and reports each bound: counts that
# are fixed by the scenario (bound 0 of wait-removed-created has 12,600
# schedules), each bound's share of --runs (walked in two search orders), and the stop at the first
# violation with a token that replays it. The counts are fixed only when
# --runs, not --time, ends the check: --time is far above what it needs, even
# under ASan on a busy machine.
set -uo pipefail
dsim="$1"
fail=0
check() {  # check WHAT EXPECTED GOT
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else
    echo "FAILED: $1"; echo "  expected: $2"; echo "  got:      $3"; fail=1; fi
}
field() { python3 -c "import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# Each bound is walked in two orders, one execution each in turn (oldest
# runnable task first, newest first); the first order to finish ends the bound
# and gives its counts. --nodpor: dfs alone.
out=$("$dsim" check --scenario wait-removed-created --preemption-bound 1 --runs 60000 --time 900 --nodpor --json 2>/dev/null)
check "bounds 0 and 1 tried" "[0, 1]" "$(field '[b["bound"] for b in j["bounds"]]' <<<"$out")"
check "bound 0 exhausted with 12600 schedules in 25199 executions" "12600 12600 True 25199" \
  "$(field '" ".join(str(j["bounds"][0][k]) for k in ("schedules","new_schedules","exhausted","executions"))' <<<"$out")"
# Bound 0 may take half of --runs (30000) and needs 25199; bound 1 gets the
# rest: 60000 - 25199, and reports the order that got further (the newest-first
# one, with one execution more than the other).
check "bound 1 gets the rest of --runs" "34801 17401 False" \
  "$(field '" ".join(str(j["bounds"][1][k]) for k in ("executions","schedules","exhausted"))' <<<"$out")"
check "runs are the executions over all bounds" "60000 runs False" \
  "$(field '" ".join(str(x) for x in (j["runs"], j["stopped_by"], j["exhaustive"]))' <<<"$out")"

# By default DPOR takes every other turn; its 2 classes of schedules cover
# every bound, so the check ends in bound 0, exhaustive.
out=$("$dsim" check --scenario wait-removed-created --preemption-bound 1 --runs 60000 --time 900 --json 2>/dev/null)
check "DPOR ends the check in bound 0" "1 True True 2 3" \
  "$(field '" ".join(str(x) for x in (len(j["bounds"]), j["bounds"][0]["by_dpor"], j["exhaustive"], j["bounds"][0]["schedules"], j["bounds"][0]["executions"]))' <<<"$out")"

out=$("$dsim" check --scenario wait-removed-created --mutation removal-skips-stop-waiters --json 2>/dev/null); rc=$?
check "a planted bug: exit 1" 1 "$rc"
check "stops in bound 0 at the violation" "1 violation every-waiter-woken" \
  "$(field '" ".join(str(x) for x in (len(j["bounds"]), j["stopped_by"], j["first_violation"]["invariant"]))' <<<"$out")"
token=$(field 'j["first_violation"]["token"]' <<<"$out")
"$dsim" replay "$token" >/dev/null 2>&1; rc=$?
check "its token replays the violation (exit 1)" 1 "$rc"
exit $fail
