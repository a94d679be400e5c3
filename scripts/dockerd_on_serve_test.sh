#!/usr/bin/env bash
# A real dockerd 20.10 (scripts/real-dockerd) on dsim's fake containerd
# (`dsim serve`): the docker CLI's exit codes, output and `docker inspect`
# fields for run, stdio, exec, pause, kill, stop, restart, rm, wait, OOM, a
# missing binary, and daemon restarts with live-restore off and on, as dockerd
# reports them over the fake. Nothing is left behind (real-dockerd cleans up;
# serve is stopped and its socket checked gone).
# Needs root and docker.io (exit 77, skipped, without them).
#   dockerd_on_serve_test.sh DSIM                    (what ctest runs)
#   dockerd_on_serve_test.sh DSIM --in-dockerd DIR       (under real-dockerd)
#   dockerd_on_serve_test.sh DSIM --in-live-restore DIR  (under real-dockerd --live-restore)
set -uo pipefail
dsim=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=tools/test_checks.sh disable=SC1091
source "$here/../tools/test_checks.sh"

# Every docker command is bounded: a hang fails the check instead of ctest.
d() { timeout 60 "$DOCKER" -H "$DSIM_DOCKER_HOST" "$@"; }
run() { d run --network none "$@"; }
# out CMD...: CMD's stdout and stderr, then "rc=STATUS".
out() { local o rc; o=$("$@" 2>&1); rc=$?; echo "$o rc=$rc"; }
state() { d inspect -f "$1" "$2" 2>&1; }
# restart TERM|KILL: real-dockerd's restart of our dockerd.
# shellcheck disable=SC2317 # called through out
restart() { local -a r; read -ra r <<<"$DSIM_DOCKERD_RESTART"; "${r[@]}" "$1"; }
# shellcheck disable=SC2317 # called through until_ok
state_is() { [[ $(state "$1" "$2") == "$3" ]]; }

case ${2:-} in
  --in-dockerd | --in-live-restore)
    # What the outer script checks is gone afterwards.
    echo "$DSIM_DOCKERD_DIR" >>"$3/dockerd-dirs"
    ;;
esac
case ${2:-} in
  --in-dockerd)
    check "run: exit code" '^ rc=3$' "$(out run bb exit 3)"
    check "run: output" '^hi there rc=0$' "$(out run bb echo hi there)"
    check "run -i: stdin to stdout, exit at its end" '^hello rc=0$' \
      "$(echo hello | out run -i bb cat)"
    check "logs of a detached run" '^logged rc=0$' \
      "$(run -d --name lg bb echo logged >/dev/null; d wait lg >/dev/null; out d logs lg)"
    check "run -d" 'rc=0$' "$(out run -d --name r1 bb run)"
    check "exec: exit 0" '^ rc=0$' "$(out d exec r1 exit 0)"
    check "exec: exit 5" '^ rc=5$' "$(out d exec r1 exit 5)"
    check "exec: output" '^from exec rc=0$' "$(out d exec r1 echo from exec)"
    check "exec -i: stdin to stdout" '^piped rc=0$' "$(echo piped | out d exec -i r1 cat)"
    check "exec -d" '^ rc=0$' "$(out d exec -d r1 exit 4)"
    check "exec: missing binary 126" 'executable file not found in .PATH.* rc=126$' \
      "$(out d exec r1 nosuch)"
    check "pause" '^r1 rc=0$' "$(out d pause r1)"
    check "paused: inspect" '^paused true$' "$(state '{{.State.Status}} {{.State.Paused}}' r1)"
    check "exec in a paused container refused" 'is paused.* rc=1$' "$(out d exec r1 exit 0)"
    check "unpause" '^r1 rc=0$' "$(out d unpause r1)"
    check "unpaused: inspect" '^running false$' "$(state '{{.State.Status}} {{.State.Paused}}' r1)"
    check "kill" '^r1 rc=0$' "$(out d kill r1)"
    check "kill: wait says 137" '^137 rc=0$' "$(out d wait r1)"
    check "killed: inspect" '^exited 137 false$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}' r1)"

    run -d --name p1 bb run >/dev/null
    d pause p1 >/dev/null
    check "kill of a paused container" '^p1 rc=0$' "$(out d kill p1)"
    check "killed while paused: wait says 137" '^137 rc=0$' "$(out d wait p1)"
    check "killed while paused: inspect" '^exited 137 false$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}' p1)"

    run -d --name r2 bb run >/dev/null
    check "stop: SIGTERM, 143" '^r2 rc=0$' "$(out d stop r2)"
    check "stopped: inspect" '^exited 143$' "$(state '{{.State.Status}} {{.State.ExitCode}}' r2)"
    pid1=$(state '{{.State.Pid}}' r2)
    check "restart" '^r2 rc=0$' "$(out d restart r2)"
    check "restarted: inspect" '^running true 0$' \
      "$(state '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}' r2)"
    check "restarted: a new pid" "^[1-9][0-9]*\$" "$(p=$(state '{{.State.Pid}}' r2); [[ $p != "$pid1" ]] && echo "$p")"
    run -d --name s1 bb sleep >/dev/null
    check "stop of a SIGTERM-ignoring PID 1: SIGKILL after -t" '^s1 rc=0$' "$(out d stop -t 1 s1)"
    check "stopped by SIGKILL: inspect" '^exited 137$' "$(state '{{.State.Status}} {{.State.ExitCode}}' s1)"
    check "rm -f of a running container" '^r2 rc=0$' "$(out d rm -f r2)"
    check "removed" 'No such (container|object)' "$(state '{{.Id}}' r2)"
    check "wait" '^9 rc=0$' "$(run -d --name w1 bb exit 9 300ms >/dev/null; out d wait w1)"
    check "OOM: exit code" ' rc=137$' "$(out run --name o1 -m 32m bb oom)"
    check "OOM: inspect" '^exited 137 true$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}' o1)"
    check "missing binary at start: 127" 'executable file not found in .PATH.* rc=127$' \
      "$(out run --name m1 bb nosuch)"
    check "missing binary: stays created" '^created 127 false$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' m1)"

    # Daemon restarts, live-restore off: a shutdown stops the containers
    # (SIGTERM), and after a crash restore kills those it finds running.
    run -d --name t1 bb run >/dev/null
    check "dockerd shutdown and start" '^ rc=0$' "$(out restart TERM)"
    check "after a shutdown: stopped by it" '^exited 143 false$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' t1)"
    run -d --name k1 bb run >/dev/null
    check "dockerd crash and start" '^ rc=0$' "$(out restart KILL)"
    # Restore's kill is asynchronous to the API coming up.
    until_ok 300 state_is '{{.State.Status}}' k1 exited
    check "after a crash: restore stopped it" '^exited 143 false$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' k1)"
    check "after a crash: start again" '^k1 rc=0$' "$(out d start k1)"
    check "after a crash: running again" '^running$' "$(state '{{.State.Status}}' k1)"
    run -d --name left bb run >/dev/null # for real-dockerd's cleanup
    exit "$fail"
    ;;
  --in-live-restore)
    run -d --name l1 bb run >/dev/null
    run -d --name l2 bb run >/dev/null
    d pause l2 >/dev/null
    pid=$(state '{{.State.Pid}}' l1)
    check "live-restore: dockerd shutdown and start" '^ rc=0$' "$(out restart TERM)"
    check "live-restore: still running, same pid" "^running true $pid\$" \
      "$(state '{{.State.Status}} {{.State.Running}} {{.State.Pid}}' l1)"
    check "live-restore: paused stays paused" '^paused true$' \
      "$(state '{{.State.Status}} {{.State.Paused}}' l2)"
    check "live-restore: exec in a restored container" '^restored rc=0$' "$(out d exec l1 echo restored)"
    check "live-restore: dockerd crash and start" '^ rc=0$' "$(out restart KILL)"
    check "live-restore: running after a crash" "^running $pid\$" \
      "$(state '{{.State.Status}} {{.State.Pid}}' l1)"
    check "live-restore: stop after restore" '^l1 rc=0$' "$(out d stop l1)"
    check "live-restore: stopped after restore" '^exited 143$' \
      "$(state '{{.State.Status}} {{.State.ExitCode}}' l1)"
    check "live-restore: unpause after restore" '^l2 rc=0$' "$(out d unpause l2)"
    check "live-restore: kill after restore" '^137 rc=0$' "$(d kill l2 >/dev/null; out d wait l2)"
    exit "$fail"
    ;;
esac

if [[ $EUID -ne 0 || ! -x /usr/sbin/dockerd || ! -x /usr/bin/docker || ! -x /bin/busybox ]]; then
  echo "skipped: needs root and docker.io, busybox-static (scripts/deps)"; exit 77
fi
dir=$(mktemp -d)
sock=$dir/c.sock
"$dsim" serve --listen "unix:$sock" 2>"$dir/serve.log" &
serve=$!
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  kill -TERM "$serve" 2>/dev/null
  wait "$serve" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM # so that EXIT's cleanup runs
trap 'exit 130' INT
# Readiness, not time: serve says when it listens (bounded for a hung build).
until_ok 600 grep -qs 'listening on' "$dir/serve.log" || { echo "FAILED: dsim serve did not start"; cat "$dir/serve.log"; exit 1; }

"$here/real-dockerd" --containerd "$sock" -- "$self" "$dsim" --in-dockerd "$dir"
check "live-restore off: every check passed (real-dockerd status 0)" '^0$' "$?"
"$here/real-dockerd" --live-restore --containerd "$sock" -- "$self" "$dsim" --in-live-restore "$dir"
check "live-restore on: every check passed (real-dockerd status 0)" '^0$' "$?"

if command -v ctr >/dev/null; then
  check "no container left on the fake" '^$' \
    "$(timeout 10 ctr --address "$sock" -n moby containers ls -q 2>&1)"
  check "no task left on the fake" '^$' "$(timeout 10 ctr --address "$sock" -n moby tasks ls -q 2>&1)"
fi
kill -TERM "$serve"
wait "$serve"
check "serve stops on SIGTERM with status 0" '^0$' "$?"
check "serve's socket removed" '^gone$' "$([[ -e $sock ]] && echo "$sock" || echo gone)"
while read -r ddir; do
  check "its dockerd dir removed" '^gone$' "$([[ -e $ddir ]] && echo "$ddir" || echo gone)"
  check "no process names it" '^$' "$(pgrep -af -- "$ddir/")"
  check "no mount under it" '^0$' "$(grep -c -F "$ddir" /proc/self/mountinfo)"
done <"$dir/dockerd-dirs"
exit "$fail"
