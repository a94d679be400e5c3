#!/usr/bin/env bash
# dsim against a real containerd; run through scripts/real-containerd, which
# sets DSIM_CONTAINERD, DSIM_NAMESPACE and DSIM_ROOTFS. The live scenarios pass
# with both clients, the RPC table measured live equals the simulated one, a
# planted bug is caught live too, and bad input is one line with status 2.
set -uo pipefail
dsim="$1"
: "${DSIM_CONTAINERD:?run me through scripts/real-containerd}"
fail=0
check() {  # check NAME EXPECTED-REGEX OUTPUT
  if [[ "$3" =~ $2 ]]; then echo "ok: $1"; else echo "FAILED: $1: got: $3"; fail=1; fi
}

out=$("$dsim" live --client both --json 2>/dev/null); rc=$?
check "every live scenario passes with both clients (rc=$rc)" '"violations":0}$' "$out"
for s in exec-valid-command exec-invalid-command oom-then-restart \
         failed-start-runtime-error wait-conditions pause-unpause-exec; do
  for c in objects legacy; do
    check "live $s ($c)" "\"scenario\":\"$s\",\"client\":\"$c\",\"outcome\":\"completed\",(\"violation\":null,)?\"seconds\"" "$out"  # no violation key: passed
  done
done

out=$("$dsim" rpcs --containerd "$DSIM_CONTAINERD" --json 2>&1); rc=$?
check "live RPC counts equal the simulated table (rc=$rc)" '"differences":0}$' "$out"
check "live RPC table has rows" '"operation":"exec start","live":\[' "$out"

out=$("$dsim" live --scenario oom-then-restart --mutation oom-killed-not-cleared-on-start --json 2>/dev/null); rc=$?
check "a planted bug is caught live (rc=$rc)" '"invariant":"(oom-killed|expectation)".*"violations":1}$' "$out"
[[ $rc -eq 1 ]] || { echo "FAILED: planted bug: exit status $rc, not 1"; fail=1; }

left=$(ctr --address "${DSIM_CONTAINERD#unix:}" -n "$DSIM_NAMESPACE" containers ls -q 2>&1)
check "nothing left in the namespace" '^$' "$left"

expect2() {  # expect2 NAME ARGS...: one line on stderr, status 2
  local name="$1"; shift
  local err rc
  err=$("$dsim" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 || $(printf '%s\n' "$err" | wc -l) -ne 1 ]]; then
    echo "FAILED: $name: rc=$rc: $err"; fail=1
  else
    echo "ok: $name: $err"
  fi
}
expect2 "no socket" live --containerd unix:/nonexistent/containerd.sock --scenario exec-valid-command
dead=$(mktemp -d)/dead.sock
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$dead"
expect2 "nobody listening" live --containerd "unix:$dead" --scenario exec-valid-command
expect2 "nobody listening (rpcs)" rpcs --containerd "unix:$dead"
rm -rf "$(dirname "$dead")"
expect2 "not live-capable" live --scenario containerd-restart
expect2 "no rootfs" live --rootfs /nonexistent --scenario exec-valid-command

# A SIGKILLed dsim live leaves its stdin FIFO dir only under the wrapper's
# TMPDIR, inside the wrapper's own dir: its cleanup removes it (the wrapper's
# test checks that). Last, so its leftovers in the namespace do not matter.
check "TMPDIR is inside the wrapper's dir" "^$DSIM_CONTAINERD_DIR/" "${TMPDIR:-}"
"$dsim" live --scenario exec-valid-command >/dev/null 2>&1 &
live=$!
for _ in $(seq 600); do
  compgen -G "$TMPDIR/dsim-live-stdin.*" >/dev/null && break
  sleep 0.1
done
kill -KILL "$live" 2>/dev/null; wait "$live" 2>/dev/null
check "dsim live made its stdin dir under TMPDIR" "dsim-live-stdin" "$(compgen -G "$TMPDIR/dsim-live-stdin.*")"
exit $fail
