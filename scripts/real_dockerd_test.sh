#!/usr/bin/env bash
# A real dockerd 20.10 (scripts/real-dockerd) whose containerd is `dsim proxy`
# in front of a private real containerd (scripts/real-containerd): the proxy
# passes everything through (`docker run` works) and its log shows the RPC
# rows of reference/dockerd-20.10.md (startup, start, init exit); the script
# leaves nothing behind, also when it is SIGKILLed (its reaper cleans up).
# Needs root and docker.io (exit 77, skipped, without them).
#   real_dockerd_test.sh DSIM                      (what ctest runs)
#   real_dockerd_test.sh DSIM --in-containerd      (under real-containerd)
#   real_dockerd_test.sh DSIM --in-dockerd DIR     (under real-dockerd)
set -uo pipefail
dsim=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self="$here/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=tools/test_checks.sh
source "$here/../tools/test_checks.sh"
running() { [[ -e /proc/$1 ]] && ! grep -q '^[^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
# rows LOG FROM: the moby-namespace lines after line FROM as Service/Method:id:code.
rows() {
  tail -n "+$(($2 + 1))" "$1" | grep ' ns=moby ' |
    sed -E 's#^[0-9.]+ /containerd\.services\.[a-z]+\.v1\.##' |
    awk '{ id = "-"; code = ""
           for (i = 2; i <= NF; i++) { if ($i ~ /^id=/) id = substr($i, 4); if ($i ~ /^code=/) code = substr($i, 6) }
           print $1 ":" id ":" code }'
}
# shellcheck disable=SC2317 # called through until_ok
moby_rows_at_least() { (($(rows "$1" "$2" | wc -l) >= $3)); }
# shellcheck disable=SC2317 # called through until_ok
no_process_names() { ! pgrep -f -- "$1" >/dev/null; }

case ${2:-} in
  --in-dockerd)
    # Under real-dockerd: one `docker run`, marked in the proxy's log, and a
    # container left running for the cleanup to remove.
    dir=$3 log=$3/rpcs.log
    echo "$DSIM_DOCKERD_DIR" >"$dir/ddir"
    echo "$DSIM_DOCKERD_PID" >"$dir/dpid"
    wc -l <"$log" >"$dir/mark"
    "$DOCKER" -H "$DSIM_DOCKER_HOST" run --network none --cidfile "$dir/cid" bb true || exit 1
    # The exit path's RPCs may end after the CLI returns: 9 + 9 rows.
    until_ok 300 moby_rows_at_least "$log" "$(cat "$dir/mark")" 18
    "$DOCKER" -H "$DSIM_DOCKER_HOST" run -d --network none --cidfile "$dir/cid2" bb sleep 100 >/dev/null || exit 1
    exit 0
    ;;
  --in-containerd) ;;
  *)
    if [[ $EUID -ne 0 || ! -x /usr/sbin/dockerd ]] || ! command -v containerd >/dev/null; then
      echo "skipped: needs root, containerd and docker.io (scripts/deps)"; exit 77
    fi
    exec "$here/real-containerd" -- "$self" "$dsim" --in-containerd
    ;;
esac

# --- under real-containerd ---------------------------------------------------
dir=$(mktemp -d) # in real-containerd's D/tmp
log=$dir/rpcs.log
"$dsim" proxy --listen "unix:$dir/p.sock" --containerd "$DSIM_CONTAINERD" --log "$log" 2>"$dir/proxy.err" &
proxy=$!
until_ok 600 grep -qs 'listening on' "$dir/proxy.err"
"$here/real-dockerd" --containerd "$dir/p.sock" -- "$self" "$dsim" --in-dockerd "$dir" 2>"$dir/dockerd.err"
rc=$?
check "docker run through the proxy (real-dockerd status 0)" '^0$' "$rc"
[[ $rc == 0 ]] || cat "$dir/dockerd.err"

ddir=$(cat "$dir/ddir") dpid=$(cat "$dir/dpid") cid=$(cat "$dir/cid") cid2=$(cat "$dir/cid2")
mark=$(cat "$dir/mark")
start="Leases/Create:-:OK Containers/Create:$cid:OK Leases/Delete:-:OK \
Containers/Get:$cid:OK Containers/Get:$cid:OK Containers/Get:$cid:OK Containers/Get:$cid:OK \
Tasks/Create:$cid:OK Tasks/Start:$cid:OK"
check "start: the 9 RPCs of dockerd-20.10.md, in order, with the container's id" \
  "^$start\$" "$(rows "$log" "$mark" | head -9 | tr '\n' ' ' | sed 's/ $//')"
exit_row="Containers/Get Tasks/Get Tasks/Get Tasks/Delete Containers/Get Containers/Get Tasks/Get Containers/Get Containers/Delete"
check "init exit: the 9 RPCs of dockerd-20.10.md" "^$exit_row\$" \
  "$(rows "$log" "$mark" | sed -n 10,18p | cut -d: -f1 | tr '\n' ' ' | sed 's/ $//')"
startup=$(head -n "$mark" "$log" | grep -v Subscribe | sed -E 's#^[0-9.]+ /containerd\.services\.##; s# .*code=([A-Z_]+).*# \1#' | tr '\n' ' ')
check "startup: Namespaces/Get x2 (methods outside dsim's protos pass too), Version x2" \
  '^namespaces.v1.Namespaces/Get OK namespaces.v1.Namespaces/Get OK version.v1.Version/Version OK version.v1.Version/Version OK $' "$startup"
# dockerd's two subscriptions end with it: CANCELLED (the proxy was asked to
# cancel nothing; dockerd's shutdown cancelled them).
check "shutdown: both subscriptions ended CANCELLED" '^2$' "$(grep -c 'Events/Subscribe .*code=CANCELLED' "$log")"

# Nothing left: dockerd, its dir and mounts, the running container's task
# and cgroups.
check "dockerd stopped" '^gone$' "$(running "$dpid" && echo "running $dpid" || echo gone)"
check "its dir removed" '^gone$' "$([[ -e $ddir ]] && echo "$ddir" || echo gone)"
check "no mount under it" '^0$' "$(grep -c -F "$ddir" /proc/self/mountinfo)"
check "the running container's task removed" '^$' \
  "$(timeout 10 ctr --address "$DSIM_CONTAINERD_ADDRESS" -n moby tasks ls -q 2>&1)"
check "its cgroup dirs removed" '^$' "$(ls -d /sys/fs/cgroup/*/docker/"$cid2" 2>/dev/null)"
kill -TERM "$proxy"; wait "$proxy"

# --- SIGKILL: the reaper cleans up ------------------------------------------------
# shellcheck disable=SC2016 # expanded by that sh
"$here/real-dockerd" -- sh -c 'echo "$DSIM_DOCKERD_DIR $DSIM_DOCKERD_PID" >"$0/killed" &&
  "$DOCKER" -H "$DSIM_DOCKER_HOST" run -d --network none --cidfile "$0/kcid" bb sleep 100 >/dev/null &&
  touch "$0/kstarted" && exec sleep 300' "$dir" 2>"$dir/killed.err" &
script=$!
until_ok 600 test -e "$dir/kstarted"
read -r kdir kpid <"$dir/killed"
kcid=$(cat "$dir/kcid")
check "killed run: its container ran" "$kcid" "$(timeout 10 ctr --address "$DSIM_CONTAINERD_ADDRESS" -n moby tasks ls 2>&1)"
kill -KILL "$script"; wait "$script" 2>/dev/null
until_ok 600 test ! -e "$kdir"
until_ok 300 no_process_names "$kdir" # the reaper itself, finishing
check "killed run: the reaper removed its dir" '^gone$' "$([[ -e $kdir ]] && echo "$kdir" || echo gone)"
check "killed run: dockerd stopped" '^gone$' "$(running "$kpid" && echo "running $kpid" || echo gone)"
check "killed run: no mount left" '^0$' "$(grep -c -F "$kdir" /proc/self/mountinfo)"
check "killed run: its container's task removed" '^$' \
  "$(timeout 10 ctr --address "$DSIM_CONTAINERD_ADDRESS" -n moby tasks ls -q 2>&1)"
check "killed run: its cgroup dirs removed" '^$' "$(ls -d /sys/fs/cgroup/*/docker/"$kcid" 2>/dev/null)"
check "killed run: no process names its dir" '^$' "$(pgrep -af -- "$kdir")"
exit "$fail"
