#!/usr/bin/env bash
# DPOR's figures for docs/BENCHMARKS.md.
#   bench_dpor.sh DSIM SECONDS builtins  every built-in scenario, mutation none:
#                                        complete and sleep-set-blocked executions
#                                        within SECONDS, or when DPOR exhausted it
#   bench_dpor.sh DSIM SECONDS planted   each planted bug on a scenario that shows
#                                        it: complete executions to the violation
#   bench_dpor.sh DSIM SECONDS check     `dsim check --preemption-bound 2` (dfs with
#                                        DPOR in turn) on every built-in: exhausted
#                                        or not within SECONDS
# Prints one markdown table row per line.
set -uo pipefail
dsim="$1"
secs="$2"
mode="$3"
json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }
row() {  # scenario, mutation
  local j
  j=$("$dsim" explore --scenario "$1" --mutation "$2" --strategy dpor \
    --runs 1000000000 --time "$secs" --progress off --json 2>/dev/null)
  echo "| \`$2\` | \`$1\` | $(json_field runs <<<"$j") | $(json_field pruned <<<"$j") |" \
    "$(json_field violations <<<"$j") | $(json_field elapsed_s <<<"$j") s | $(json_field stopped_by <<<"$j") |"
}
if [[ "$mode" == check ]]; then
  echo "| scenario | stopped by | bounds tried | DPOR covered every bound | schedules of the last bound | executions | time |"
  echo "|---|---|---|---|---|---|---|"
  for s in $("$dsim" scenarios | awk '{print $1}'); do
    j=$("$dsim" check --scenario "$s" --preemption-bound 2 --runs 1000000000 \
      --time "$secs" --json 2>/dev/null)
    python3 -c '
import json, sys
j = json.loads(sys.argv[2]); b = j["bounds"]
print("| `%s` | %s | %s | %s | %s | %s | %.2f s |" % (sys.argv[1], j["stopped_by"],
      ", ".join(str(x["bound"]) for x in b), "yes" if b[-1].get("by_dpor") else "no",
      b[-1].get("schedules", 0), sum(int(x.get("executions", 0)) for x in b), j["elapsed_s"]))
' "$s" "$j"
  done
  exit 0
fi
echo "| mutation | scenario | complete | sleep-set blocked | violations | time | stopped by |"
echo "|---|---|---|---|---|---|---|"
case "$mode" in
  builtins)
    for s in $("$dsim" scenarios | awk '{print $1}'); do row "$s" none; done
    ;;
  planted)
    # The scenario where `dsim explore` shows each first (tools/bench_check.sh).
    while read -r m s; do row "$s" "$m"; done <<'LIST'
exec-exit-clears-running-before-delete exec-attached-cancel
exec-exit-clears-running-before-delete exec-pid-collision
exec-start-failure-deletes-after-unlock exec-attached-cancel
exec-inspect-without-lock exec-valid-command
exec-store-locked-across-rpc exec-attached-cancel
exit-handler-nil-process exec-dies-during-start
oom-killed-only-at-exit oom-exec-victim
oom-killed-not-cleared-on-start oom-then-restart
wait-reads-exit-code-after-wakeup restart-always
next-exit-treated-as-met wait-next-exit-stopped
removal-skips-stop-waiters wait-removed-created
failed-start-skips-container-delete auto-remove
start-does-not-replace-stale-container failed-start-reply-lost
root-dir-removed-without-lock rm-exited-late-oom
init-exit-classified-by-pid exec-pid-collision
restore-treats-dead-task-as-alive daemon-restart
LIST
    ;;
  *)
    echo "usage: bench_dpor.sh DSIM SECONDS builtins|planted|check" >&2
    exit 2
    ;;
esac
