#!/usr/bin/env bash
# `dsim drive` against a private real dockerd 20.10 on the fake containerd: a
# small scenario passes two runs on unmodified code; a daemon crash (SIGKILL,
# restart on the same roots) and a graceful stop are driven, recorded and
# judged; a containerd restart ends dockerd's event streams and it
# subscribes again; with a deliberately wrong
# containerd (--containerd-bug lost-exit-event: an init's /tasks/exit is never
# published) it reports a violation through the checks with a token, and
# `dsim drive TOKEN` replays it to the same violation; bad input is one line
# with status 2 before any run; nothing is left behind (processes, mounts,
# files). Needs root and docker.io (exit 77, skipped, without them).
#   drive_test.sh DSIM
set -uo pipefail
dsim=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/test_checks.sh
source "$here/test_checks.sh"
if [[ $EUID -ne 0 || ! -x /usr/sbin/dockerd || ! -x /usr/bin/docker || ! -x /bin/busybox ]]; then
  echo "skipped: needs root and docker.io, busybox-static (scripts/deps)"; exit 77
fi
tmp=$(mktemp -d)
export TMPDIR=$tmp
cleanup() { rm -rf --one-file-system "$tmp"; }
trap cleanup EXIT

# c1 runs a program that exits 3 when the strategy lets it; one client kills
# it (racing that exit), another inspects it and waits for it.
cat >"$tmp/exit-race.textproto" <<'SCN'
description: "an exit racing a kill, seen by inspect and wait"
container { id: "c1" args: ["exit", "3"] started: true }
client { name: "killer" call { op: KILL container: "c1" signal: 15 } }
client {
  name: "watcher"
  call { op: INSPECT container: "c1" }
  call { op: WAIT container: "c1" }
}
SCN
# The same without the waiter: a lost exit leaves no call hanging.
cat >"$tmp/exit-seen.textproto" <<'SCN'
description: "an exit the daemon must notice"
container { id: "c1" args: ["exit", "3"] started: true }
client { name: "watcher" call { op: INSPECT container: "c1" } }
SCN

# --- bad input: one line, status 2, before any dockerd starts -----------------
cat >"$tmp/stdin.textproto" <<'SCN'
container { id: "c1" args: ["run"] started: true }
client {
  call { op: EXEC_CREATE container: "c1" exec: "e1" args: ["cat"] }
  call { op: EXEC_START exec: "e1" detach: true }
}
SCN
out=$("$dsim" drive --scenario "$tmp/stdin.textproto" 2>&1); rc=$?
check "an exec's cat is refused (rc=$rc)" '^2 dsim: scenario stdin: dsim drive cannot run the cat program in an exec' "$rc $out"
out=$("$dsim" drive --scenario "$tmp/exit-seen.textproto" --strategy dfs 2>&1); rc=$?
check "drive's strategies are pct and random (rc=$rc)" "^2 dsim: drive's --strategy is pct or random" "$rc $out"
out=$("$dsim" drive dsimdrive1aa --seed 3 2>&1); rc=$?
check "a token takes no flag that would change its run (rc=$rc)" '^2 dsim: drive TOKEN takes no --seed' "$rc $out"
out=$("$dsim" drive dsimdrive1zz 2>&1); rc=$?
check "a corrupt token (rc=$rc)" '^2 dsim: corrupt drive token$' "$rc $out"

# --- unmodified: passes -----------------------------------------------------------
out=$("$dsim" drive --scenario "$tmp/exit-race.textproto" --seed 7 --runs 2 2>&1); rc=$?
check "two driven runs pass (rc=$rc)" '^0$' "$rc"
check "both runs ran, no violation" '2 runs, [0-9]+ steps, 0 violations' "$out"
check "each run released steps and passed the checks" 'run 1 \(seed [0-9]+\): all checks passed, [1-9][0-9]* steps' "$out"
check "the checks of explore ran" 'checked on every run: model, no-leak, running-has-task' "$out"
[[ $rc == 0 ]] || echo "$out"

# docker run --rm (HostConfig.AutoRemove): removed after its exit, seen by a
# removed-waiter (which may also come after the removal: 404).
cat >"$tmp/autorm.textproto" <<'SCN'
container { id: "c1" args: ["exit", "3"] auto_remove: true started: true }
client { name: "waiter" call { op: WAIT container: "c1" condition: REMOVED } }
client { name: "reader" call { op: INSPECT container: "c1" } }
SCN
out=$("$dsim" drive --scenario "$tmp/autorm.textproto" --runs 2 2>&1); rc=$?
check "auto_remove containers are driven too (rc=$rc)" '^0 .*2 runs, [0-9]+ steps, 0 violations' "$rc $(tr '\n' ' ' <<<"$out")"

# --- daemon restarts: a crash without live-restore (restore stops the running
# containers), a graceful stop with it --------------------------------------
cat >"$tmp/crash.textproto" <<'SCN'
container { id: "c1" args: ["run"] started: true }
container { id: "c2" args: ["exit", "3"] started: true }
event { kind: DAEMON_RESTART after_ms: 10 }
client { name: "a" call { op: PAUSE container: "c1" } call { op: INSPECT container: "c1" } }
client { name: "b" call { op: WAIT container: "c2" } call { op: START container: "c2" } }
SCN
out=$("$dsim" drive --scenario "$tmp/crash.textproto" --seed 5 --runs 2 --json 2>"$tmp/crash.err"); rc=$?
check "runs with a daemon crash pass (rc=$rc)" '^0 .*"runs":"2".*"violations":0' "$rc $out"
check "dockerd was killed and restarted in each" '"daemon_restarts":"2"' "$out"
[[ $rc == 0 ]] || cat "$tmp/crash.err"
cat >"$tmp/shutdown.textproto" <<'SCN'
live_restore: true
container { id: "c1" args: ["run"] started: true }
event { kind: DAEMON_SHUTDOWN after_ms: 10 }
client { name: "a" call { op: KILL container: "c1" signal: 15 } call { op: INSPECT container: "c1" } }
SCN
out=$("$dsim" drive --scenario "$tmp/shutdown.textproto" --seed 2 --runs 1 --json 2>"$tmp/shutdown.err"); rc=$?
check "a run with a graceful stop (live-restore) passes (rc=$rc)" '^0 .*"daemon_restarts":"1"' "$rc $out"
[[ $rc == 0 ]] || cat "$tmp/shutdown.err"
# A policy restart that restore's end leaves under way holds c1's lock while
# the gate holds its RPCs: the snapshot's inspect of c1 waits, and the steps
# go on meanwhile (seed 4's first run used to stop: "cannot inspect restored
# container c1 ... no reply in 60 s").
out=$("$dsim" drive --scenario daemon-restart-retries-used --seed 4 --runs 1 --json 2>"$tmp/retries.err"); rc=$?
check "a restored container whose restart is under way is snapshotted (rc=$rc)" '^0 .*"daemon_restarts":"1"' "$rc $out"
[[ $rc == 0 ]] || cat "$tmp/retries.err"

# --- containerd restarts: dockerd's event streams end at the gate, it polls
# the health check and subscribes again, and nothing is released until it
# has; the built-in's exit comes after or before it. Then a kill behind
# dockerd's back, always after the restart (environment events keep their
# order): its exit reaches dockerd only through the new subscription, and
# the waiter returns only if it did. --------------------------------------
out=$("$dsim" drive --scenario containerd-restart --seed 1 --runs 2 --json 2>"$tmp/c8d.err"); rc=$?
check "the containerd-restart built-in passes (rc=$rc)" '^0 .*"runs":"2".*"violations":0' "$rc $out"
[[ $rc == 0 ]] || cat "$tmp/c8d.err"
cat >"$tmp/c8d-kill.textproto" <<'SCN'
container { id: "c1" args: ["run"] started: true }
event { kind: CONTAINERD_RESTART after_ms: 10 }
event { kind: KILL_PROCESS after_ms: 20 container: "c1" signal: 9 }
client { name: "waiter" call { op: WAIT container: "c1" condition: NOT_RUNNING } }
SCN
out=$("$dsim" drive --scenario "$tmp/c8d-kill.textproto" --seed 3 --runs 2 --json 2>"$tmp/c8d-kill.err"); rc=$?
check "an exit after a containerd restart reaches dockerd (rc=$rc)" '^0 .*"runs":"2".*"violations":0' "$rc $out"
[[ $rc == 0 ]] || cat "$tmp/c8d-kill.err"

# --- a client that goes away from its attached exec start (cancel_after_ms):
# a step that closes the connection; dockerd carries on (the built-in's
# expectations hold) ------------------------------------------------------
out=$("$dsim" drive --scenario exec-attached-cancel --seed 1 --runs 2 --json 2>"$tmp/cancel.err"); rc=$?
check "the exec-attached-cancel built-in passes (rc=$rc)" '^0 .*"runs":"2".*"violations":0' "$rc $out"
[[ $rc == 0 ]] || cat "$tmp/cancel.err"

# --- --dockerd-binary: your own dockerd (here a wrapper of Debian's that
# counts its starts) is the one started, and restarted after a crash ---------
cat >"$tmp/my-dockerd" <<SH
#!/bin/sh
[ "\$1" = --version ] || echo start >>"$tmp/my-dockerd.starts"
exec /usr/sbin/dockerd "\$@"
SH
chmod +x "$tmp/my-dockerd"
out=$("$dsim" drive --scenario "$tmp/crash.textproto" --seed 5 --runs 1 --dockerd-binary "$tmp/my-dockerd" 2>&1); rc=$?
check "a run of your own dockerd passes (rc=$rc)" '^0 dsim drive: .*\(dockerd 20\.10\.[^ ]* from .*/my-dockerd on the fake containerd\).* 1 runs, [0-9]+ steps, 0 violations' "$rc $(tr '\n' ' ' <<<"$out")"
check "it was started, then restarted after the crash" '^2$' "$(wc -l <"$tmp/my-dockerd.starts" 2>/dev/null)"
out=$("$dsim" drive --scenario "$tmp/crash.textproto" --dockerd-binary "$tmp/nope" 2>&1); rc=$?
check "a missing --dockerd-binary is bad input (rc=$rc)" "^2 dsim: --dockerd-binary $tmp/nope: not an executable file" "$rc $out"
out=$("$dsim" drive --scenario "$tmp/crash.textproto" --dockerd-binary /bin/true 2>&1); rc=$?
check "a binary that is no dockerd is bad input (rc=$rc)" '^2 dsim: --dockerd-binary /bin/true: `--version` does not say a dockerd version' "$rc $out"
rm -f "$tmp/my-dockerd" "$tmp/my-dockerd.starts"  # the test's own, not drive's

# --- a forced fault: Containers/Create's reply lost, so the start fails; with a
# wrong expect the violation shows the fault in its decisions, and the token
# replays it ---------------------------------------------------------------
cat >"$tmp/fault.textproto" <<'SCN'
container { id: "c1" args: ["run"] created: true }
faults { force { point: "reply-lost" method: "/containerd.services.containers.v1.Containers/Create" } }
client { name: "main" call { op: START container: "c1" expect { error: OK } } }
SCN
out=$("$dsim" drive --scenario "$tmp/fault.textproto" --runs 1 2>&1); rc=$?
check "a lost reply fails the start (rc=$rc)" \
  '^1 .*VIOLATION expectation: main: START c1.*rpc Containers/Create c1 #1 !reply-lost' "$rc $(tr '\n' ' ' <<<"$out")"
token=$(grep -o '^reproduce with: dsim drive dsimdrive1[0-9a-f]*' <<<"$out" | awk '{print $5}')
out=$("$dsim" drive "$token" 2>&1); rc=$?
check "its token replays the fault (rc=$rc)" '^1 .*VIOLATION expectation: main: START c1' "$rc $(tr '\n' ' ' <<<"$out")"

# --- a scenario's expect is checked (no SLEEP, no program DELAY) -------------------
cat >"$tmp/expect.textproto" <<'SCN'
container { id: "c1" args: ["run"] started: true }
client { name: "reader" call { op: INSPECT container: "c1" expect { running: false } } }
SCN
out=$("$dsim" drive --scenario "$tmp/expect.textproto" --runs 1 2>&1); rc=$?
check "a wrong expect is an expectation violation (rc=$rc)" \
  '^1 .*VIOLATION expectation: reader: INSPECT c1: Running is true, expected false' "$rc $(tr '\n' ' ' <<<"$out")"

# --- a wrong containerd is found, with a token that replays it ---------------------
out=$("$dsim" drive --scenario "$tmp/exit-seen.textproto" --runs 3 \
  --containerd-bug lost-exit-event --json 2>"$tmp/bug.err"); rc=$?
err=$(cat "$tmp/bug.err")
check "a lost exit event is a violation (rc=$rc)" '^1$' "$rc"
check "found by running-has-task" '"invariant":"running-has-task"' "$out"
check "the report shows the history, the decisions and dockerd's log" \
  'history \(ms since.*event|call +watcher inspect c1.*decisions \(released in this order\):.*rpc Tasks/Start c1 #1.*dockerd log during the run' \
  "$(tr '\n' ' ' <<<"$err")"
token=$(grep -o '"token":"dsimdrive1[0-9a-f]*"' <<<"$out" | cut -d'"' -f4)
check "it has a drive token" '^dsimdrive1[0-9a-f]+$' "$token"
out=$("$dsim" drive "$token" --json 2>"$tmp/replay.err"); rc=$?
check "the token replays the violation (rc=$rc)" '^1 .*"invariant":"running-has-task".*"replay_outcome":"violation"' "$rc $out"
check "the replay compares dockerd's requests with the recording's" \
  "requests: dockerd's [0-9]+ requests as recorded|replay: dockerd" "$(cat "$tmp/replay.err")"
[[ $rc == 1 ]] || cat "$tmp/replay.err"

# --- a replay that cannot follow its recording says where, exit 2 ---------------------
# A token made by hand whose third step never becomes pending.
tok='scenario_name: "exit-seen" seed: 1 strategy: "pct" containerd_bug: "none" quiet_ms: 20
scenario_text: "container { id: \"c1\" args: [\"exit\", \"3\"] started: true } client { name: \"watcher\" call { op: INSPECT container: \"c1\" } }"
decisions: "call setup #1 CREATE" decisions: "call setup #2 START" decisions: "rpc Bogus/Method c1 #1"'
hex=$(printf '%s' "$tok" | protoc --encode=dsim.docker.DriveToken -I "$here/../proto" dsim/docker_api.proto | od -An -tx1 | tr -d ' \n')
out=$("$dsim" drive "dsimdrive1$hex" 2>&1); rc=$?
check "a replay that diverges exits 2 (rc=$rc)" '^2$' "$rc"
check "it names the first step it could not follow" \
  "replay diverged \\(best-effort.*step 2: the recording released 'rpc Bogus/Method c1 #1', which is not pending; pending: rpc Leases/Create #1" "$out"

# --- nothing left behind ------------------------------------------------------------
check "no process names the test's dir" '^$' "$(pgrep -af -- "$tmp/")"
check "no mount under the test's dir" '^0$' "$(grep -c -F "$tmp" /proc/self/mountinfo)"
check "drive removed its temp dirs" '^$' "$(ls "$tmp" | grep -v textproto | grep -v '\.err$')"
exit "$fail"
