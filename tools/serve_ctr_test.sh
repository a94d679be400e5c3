#!/usr/bin/env bash
# `dsim serve` answers Debian's ctr: containers ls/info/rm, tasks ls/kill/rm/ps
# and events, on a temporary socket.
set -uo pipefail
dsim="$1"
command -v ctr >/dev/null || { echo "FAILED: ctr not installed (scripts/deps with DSIM_DEPS_EXTRA=containerd)"; exit 1; }
dir=$(mktemp -d)
sock="$dir/fake.sock"
"$dsim" serve --listen "unix:$sock" 2>"$dir/serve.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
# Readiness, not time: serve says when it listens (bounded for a hung build).
for _ in $(seq 600); do grep -q 'listening on' "$dir/serve.log" && break; sleep 0.1; done
fail=0
C=(timeout 10 ctr --address "$sock" -n test)
check() {  # check NAME EXPECTED-REGEX OUTPUT
  if [[ "$3" =~ $2 ]]; then echo "ok: $1"; else echo "FAILED: $1: got: $3"; fail=1; fi
}
mkdir -p "$dir/rootfs"
# All namespaces, and no timeout: it runs until killed below.
ctr --address "$sock" events >"$dir/events.txt" 2>&1 &
events=$!
# The subscription is live once it shows an event: create probe containers
# (namespace "probe", left out of the checks below) until one is seen.
P=(timeout 10 ctr --address "$sock" -n probe)
for i in $(seq 300); do
  "${P[@]}" containers create --rootfs "$dir/rootfs" "probe$i" run >/dev/null 2>&1
  grep -q ' probe /containers/create' "$dir/events.txt" && break
  sleep 0.1
done
for j in $(seq "$i"); do "${P[@]}" containers rm "probe$j" >/dev/null 2>&1; done
# until_ok TIMEOUT-TENTHS CMD...: polls CMD until it succeeds (bounded).
until_ok() {
  local n=$1 k; shift
  for ((k = 0; k < n; k++)); do "$@" && return 0; sleep 0.1; done
  return 1
}
check "containers create" '^$' "$("${C[@]}" containers create --rootfs "$dir/rootfs" c1 run 2>&1)"
check "containers ls" 'c1 +- +io\.containerd\.runc\.v2' "$("${C[@]}" containers ls 2>&1)"
check "containers info" '"ID": "c1"' "$("${C[@]}" containers info c1 2>&1)"
check "tasks start" '^$' "$("${C[@]}" tasks start -d --null-io c1 2>&1)"
check "tasks ls" 'c1 +[0-9]+ +RUNNING' "$("${C[@]}" tasks ls 2>&1)"
check "tasks ps" 'PID +INFO.[0-9]+' "$("${C[@]}" tasks ps c1 2>&1 | tr '\n' ' ')"
check "tasks kill" '^$' "$("${C[@]}" tasks kill c1 2>&1)"
until_ok 300 grep -q ' test /tasks/exit' "$dir/events.txt"
check "task stopped" 'c1 +[0-9]+ +STOPPED' "$("${C[@]}" tasks ls 2>&1)"
check "tasks rm" '^$' "$("${C[@]}" tasks rm c1 2>&1 | grep -v 'exit with non-zero')"
check "containers rm" '^$' "$("${C[@]}" containers rm c1 2>&1)"
check "containers ls empty" '^CONTAINER +IMAGE +RUNTIME *$' "$("${C[@]}" containers ls 2>&1)"
check "missing container" 'not found' "$("${C[@]}" containers info nope 2>&1)"
until_ok 300 grep -q ' test /containers/delete' "$dir/events.txt"
kill "$events" 2>/dev/null
topics=$(grep -o ' test /[a-z/-]*' "$dir/events.txt" | sed 's/^ test //' | tr '\n' ' ')
check "events" '^/containers/create /tasks/create /tasks/start /tasks/exit /tasks/delete /containers/delete $' "$topics"
check "exit status of SIGTERM" '"exit_status":143' "$(cat "$dir/events.txt")"
kill "$pid"
wait "$pid"; rc=$?
check "serve stops on SIGTERM with status 0" '^0$' "$rc"
[[ -S "$sock" ]] && { echo "FAILED: socket left behind"; fail=1; }
err=$("$dsim" serve --listen unix:/nonexistent-dir/x.sock 2>&1); rc=$?
check "a socket in a missing directory: one line, status 2" '^2 dsim: [^
]*$' "$rc $err"
exit $fail
