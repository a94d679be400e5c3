#!/usr/bin/env bash
# `dsim proxy` between Debian's ctr and `dsim serve`: ctr's commands work
# through it, its log has one line per RPC in order with namespace, container
# and exec ids and status codes, an event subscription streams through it
# until ctr is killed, a ctr deadline reaches the backend, and SIGTERM stops
# it cleanly. Bad flags are one line and status 2.
set -uo pipefail
dsim="$1"
command -v ctr >/dev/null || { echo "FAILED: ctr not installed (scripts/deps with DSIM_DEPS_EXTRA=containerd)"; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/dsim-proxy-ctr.XXXXXX")
fake="$dir/fake.sock" sock="$dir/proxy.sock" log="$dir/rpcs.log"
# Every process this test starts is a job of this shell.
trap '{ kill -KILL $(jobs -p); wait; } 2>/dev/null; rm -rf "$dir"' EXIT
# shellcheck source=tools/test_checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_checks.sh"
"$dsim" serve --listen "unix:$fake" 2>"$dir/serve.err" &
until_ok 600 grep -qs 'listening on' "$dir/serve.err"
"$dsim" proxy --listen "unix:$sock" --containerd "unix:$fake" --log "$log" 2>"$dir/proxy.err" &
proxy=$!
until_ok 600 grep -qs 'listening on' "$dir/proxy.err"
check "proxy says where it listens" "^dsim proxy: listening on unix:$sock, forwarding to unix:$fake$" "$(cat "$dir/proxy.err")"

# subscribe FILE: `ctr events` through the proxy into $dir/FILE, returning
# once it is live: once it shows the creation of a probe container (namespace
# "probe", left out of the checks below), made until one is seen (bounded).
subscribe() {
  local n
  ctr --address "$sock" events >"$dir/$1" 2>&1 &
  events=$!
  for ((n = 0; n < 300; n++)); do
    timeout 10 ctr --address "$sock" -n probe containers create \
      --rootfs "$dir/rootfs" "probe-$1-$n" run >/dev/null 2>&1
    grep -q ' probe /containers/create' "$dir/$1" && return 0
    sleep 0.1
  done
}
mkdir -p "$dir/rootfs"
subscribe events.txt

# ctr's commands, one a line; each must succeed (kill waits for the exit).
C=(timeout 10 ctr --address "$sock" -n test)
while read -r -a cmd; do
  [[ ${cmd[0]} == wait-exit ]] && { until_ok 300 grep -q ' test /tasks/exit' "$dir/events.txt"; continue; }
  out=$("${C[@]}" "${cmd[@]//ROOTFS/$dir/rootfs}" 2>&1) || { echo "FAILED: ctr ${cmd[*]}: $out"; fail=1; }
done <<'CMDS'
containers create --rootfs ROOTFS c1 run
tasks start -d --null-io c1
tasks ls
tasks kill c1
wait-exit
tasks rm c1
containers rm c1
CMDS
check "a missing container's NOT_FOUND passes back" 'not found' "$("${C[@]}" containers info nope 2>&1)"
# An exec (the fake's empty rootfs has no `true`: its start fails UNKNOWN).
"${C[@]}" containers create --rootfs "$dir/rootfs" c2 run >/dev/null 2>&1
"${C[@]}" tasks start -d --null-io c2 >/dev/null 2>&1
check "exec start error passes back" 'executable file not found' \
  "$("${C[@]}" tasks exec -d --exec-id e1 c2 true 2>&1)"
until_ok 300 grep -q ' test /containers/create' "$dir/events.txt"

# The log, namespace test, as METHOD:ID:CODE (Service/Method, service short).
short() {
  grep ' ns=test ' "$log" | sed -E 's#^[0-9]+\.[0-9]{6} /containerd\.services\.[a-z]+\.v1\.##' |
    awk '{ id = "-"; for (i = 2; i <= NF; i++) if ($i ~ /^id=/) id = substr($i, 4)
           code = ""; for (i = 2; i <= NF; i++) if ($i ~ /^code=/) code = substr($i, 6)
           printf "%s:%s:%s\n", $1, id, code }'
}
expected="Leases/Create:-:OK Containers/Create:c1:OK Leases/Delete:-:OK \
Containers/Get:c1:OK Containers/Get:c1:OK Containers/Get:c1:OK Tasks/Create:c1:OK Tasks/Start:c1:OK \
Tasks/List:-:OK \
Containers/Get:c1:OK Containers/Get:c1:OK Tasks/Get:c1:OK Tasks/Kill:c1:OK \
Containers/Get:c1:OK Tasks/Get:c1:OK Tasks/Get:c1:OK Tasks/Delete:c1:OK \
Containers/Get:c1:OK Tasks/Get:c1:NOT_FOUND Tasks/Get:c1:NOT_FOUND Containers/Get:c1:OK Containers/Delete:c1:OK \
Containers/Get:nope:NOT_FOUND"
got=$(short | head -23 | tr '\n' ' ')
check "log: ctr's RPCs in order, with ids and codes" "^$expected \$" "$got"
check "log: line format" '^[0-9]+\.[0-9]{6} /containerd\.services\.tasks\.v1\.Tasks/Start ns=test id=c1 code=OK replies=1$' \
  "$(grep -m1 'Tasks/Start ns=test id=c1' "$log")"
check "log: exec id of Tasks/Exec" 'Tasks/Exec ns=test id=c2 exec=e1 code=OK' "$(cat "$log")"
check "log: exec start's UNKNOWN" 'Tasks/Start ns=test id=c2 exec=e1 code=UNKNOWN replies=0' "$(cat "$log")"

# The subscription ends when its client goes: CANCELLED, events passed back.
kill "$events"; wait "$events" 2>/dev/null
until_ok 300 grep -q 'Events/Subscribe' "$log"
check "log: subscription cancelled after streaming" \
  'Events/Subscribe ns=default code=CANCELLED replies=([1-9][0-9]+)$' "$(grep 'Events/Subscribe' "$log")"
topics=$(grep -o ' test /[a-z/-]*' "$dir/events.txt" | sed 's/^ test //' | tr '\n' ' ')
check "events through the proxy" '^/containers/create /tasks/create /tasks/start /tasks/exit /tasks/delete /containers/delete /containers/create /tasks/create /tasks/start' "$topics"
# A deadline reaches the backend: the backend call itself runs out
# (DEADLINE_EXCEEDED; a client-side-only deadline would log CANCELLED). ctr's
# own deadline is the same instant, so on a loaded machine its cancel may
# reach the proxy first (CANCELLED, seen in CI): up to five tries, each
# waiting for its own log line.
subscriptions() { grep -c 'Subscribe ns=default' "$log"; }
more_subscriptions_than() { [ "$(subscriptions)" -gt "$1" ]; }
for ((try = 0; try < 5; try++)); do
  before=$(subscriptions)
  timeout 20 ctr --address "$sock" --timeout 1s events >/dev/null 2>&1
  until_ok 300 more_subscriptions_than "$before"
  grep 'Subscribe ns=default' "$log" | tail -1 | grep -q DEADLINE_EXCEEDED && break
done
check "deadline passed on" 'DEADLINE_EXCEEDED' "$(grep 'Subscribe' "$log" | tail -1)"

# Bad input: one line `dsim: ...`, status 2, before anything runs.
one_line() {  # one_line NAME REGEX ARGS...
  local name=$1 re=$2 err rc; shift 2
  err=$(timeout 60 "$dsim" proxy "$@" 2>&1 >/dev/null); rc=$?
  check "$name: one line, status 2" "^2 dsim: ${re}[^
]*\$" "$rc $err"
}
one_line "no --listen" 'proxy needs --listen' --containerd "unix:$fake"
one_line "no backend socket" 'no containerd socket at /nonexistent' --listen "unix:$dir/x.sock" --containerd unix:/nonexistent/c.sock
one_line "a live server's socket" "cannot listen on $sock: a server is already listening" --listen "unix:$sock" --containerd "unix:$fake"
one_line "same socket" '--listen and --containerd are the same socket' --listen "unix:$fake" --containerd "unix:$fake"
one_line "unknown flag" 'unknown flag --nope' --nope
one_line "--listen not unix:PATH" "--listen must be unix:PATH, not 'tcp:1'" --listen tcp:1 --containerd "unix:$fake"
one_line "log in a missing directory" 'cannot open --log /nonexistent/' --listen "unix:$dir/y.sock" --containerd "unix:$fake" --log /nonexistent/l
help=$("$dsim" proxy --help)
check "proxy --help: usage and its three flags" '^usage: dsim proxy +--listen unix:PATH --containerd unix:PATH \[--log FILE\].*--listen.*--containerd.*--log' "$(tr '\n' ' ' <<<"$help")"
check "dsim --help lists proxy" 'dsim proxy +--listen' "$("$dsim" --help)"
[[ -e "$dir/x.sock" || -e "$dir/y.sock" ]] && { echo "FAILED: a refused proxy left a socket"; fail=1; }

# SIGTERM: a subscription in flight (it has shown an event) is cancelled,
# the proxy exits 0 and removes its socket.
subscribe events2.txt
kill -TERM "$proxy"
wait "$proxy"; rc=$?
check "proxy stops on SIGTERM with status 0" '^0$' "$rc"
check "log: the open subscription ended CANCELLED" 'Events/Subscribe ns=default code=CANCELLED replies=[1-9]' "$(tail -1 "$log")"
wait "$events" 2>/dev/null
check "its client was told UNAVAILABLE" 'Unavailable' "$(tail -1 "$dir/events2.txt")"
[[ -e "$sock" ]] && { echo "FAILED: socket left behind"; fail=1; }
exit "$fail"
