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
for _ in $(seq 50); do [[ -S "$sock" ]] && break; sleep 0.1; done
fail=0
C=(timeout 10 ctr --address "$sock" -n test)
check() {  # check NAME EXPECTED-REGEX OUTPUT
  if [[ "$3" =~ $2 ]]; then echo "ok: $1"; else echo "FAILED: $1: got: $3"; fail=1; fi
}
mkdir -p "$dir/rootfs"
"${C[@]}" events >"$dir/events.txt" 2>&1 &
events=$!
sleep 0.3
check "containers create" '^$' "$("${C[@]}" containers create --rootfs "$dir/rootfs" c1 run 2>&1)"
check "containers ls" 'c1 +- +io\.containerd\.runc\.v2' "$("${C[@]}" containers ls 2>&1)"
check "containers info" '"ID": "c1"' "$("${C[@]}" containers info c1 2>&1)"
check "tasks start" '^$' "$("${C[@]}" tasks start -d --null-io c1 2>&1)"
check "tasks ls" 'c1 +[0-9]+ +RUNNING' "$("${C[@]}" tasks ls 2>&1)"
check "tasks ps" 'PID +INFO.[0-9]+' "$("${C[@]}" tasks ps c1 2>&1 | tr '\n' ' ')"
check "tasks kill" '^$' "$("${C[@]}" tasks kill c1 2>&1)"
sleep 0.2
check "task stopped" 'c1 +[0-9]+ +STOPPED' "$("${C[@]}" tasks ls 2>&1)"
check "tasks rm" '^$' "$("${C[@]}" tasks rm c1 2>&1 | grep -v 'exit with non-zero')"
check "containers rm" '^$' "$("${C[@]}" containers rm c1 2>&1)"
check "containers ls empty" '^CONTAINER +IMAGE +RUNTIME *$' "$("${C[@]}" containers ls 2>&1)"
check "missing container" 'not found' "$("${C[@]}" containers info nope 2>&1)"
sleep 0.3
kill "$events" 2>/dev/null
topics=$(grep -o ' /[a-z/-]*' "$dir/events.txt" | tr -d ' ' | tr '\n' ' ')
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
