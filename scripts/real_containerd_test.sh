#!/usr/bin/env bash
# Tests scripts/real-containerd against the real containerd on this machine:
# the environment it sets, exit status pass-through, and that a crashed or
# interrupted command leaves no task, shim, cgroup or temp dir behind.
# Usage: scripts/real_containerd_test.sh [path/to/real-containerd]
# Exit: 0 pass, 1 fail, 77 skip (not root, or containerd etc. missing).
set -euo pipefail

script=${1:-scripts/real-containerd}
[[ -x $script ]] || { echo "FAIL: $script is not executable" >&2; exit 1; }

if [[ $EUID -ne 0 ]]; then
  echo "SKIP: needs root"
  exit 77
fi
for b in containerd ctr runc; do
  command -v "$b" >/dev/null 2>&1 || { echo "SKIP: $b not installed"; exit 77; }
done
[[ -x /bin/busybox ]] || { echo "SKIP: /bin/busybox not installed"; exit 77; }

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Outside any D, so it survives the cleanup it is meant to check.
work=$(mktemp -d "${TMPDIR:-/tmp}/real_containerd_test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# PIDs whose command line has an argument under $1 (builtins only, so the scan
# does not see itself).
pids_mentioning() {
  local d=$1 p arg found=()
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    while IFS= read -r -d '' arg; do
      if [[ $arg == "$d" || $arg == *"$d"/* ]]; then found+=("$p"); break; fi
    done 2>/dev/null </proc/"$p"/cmdline || true
  done
  echo "${found[*]}"
}

# Everything a run with dir $1 and namespace $2 must not leave behind.
check_clean() {
  local what=$1 d=$2 ns=$3 left c
  [[ -n $d && -n $ns ]] || { fail "$what: no D/namespace recorded"; return; }
  left=$(pids_mentioning "$d")
  [[ -z $left ]] || fail "$what: processes still mention $d: $left"
  [[ ! -e $d ]] || fail "$what: $d still exists"
  for c in /sys/fs/cgroup/*/"$ns"; do
    [[ -e $c ]] && fail "$what: cgroup dir $c remains"
  done
  [[ ! -e /run/containerd/runc/$ns ]] || fail "$what: /run/containerd/runc/$ns remains"
}

# task_gone PID: gone, or (recycled) no longer our busybox sleep.
task_gone() {
  local cmd=""
  [[ -r /proc/$1/cmdline ]] || return 0
  cmd=$(tr '\0' ' ' </proc/"$1"/cmdline 2>/dev/null || true)
  [[ $cmd != "/bin/sleep 1000 "* ]]
}

start=$SECONDS
# Host dirs absent now must be absent (or in use by someone else) at the end.
run_absent=()
for d in /run/containerd/fifo /run/containerd/s /run/containerd/runc /run/containerd; do
  [[ -e $d ]] || run_absent+=("$d")
done

# 1. --help
if out=$("$script" --help 2>&1) && [[ $out == *Usage* ]]; then
  pass "--help exits 0"
else
  fail "--help: status/output wrong: $out"
fi

# 2. Missing tools: one line on stderr, exit 2 (bash by path, empty PATH).
set +e
err=$(env PATH=/nonexistent /bin/bash "$script" true 2>&1 >/dev/null)
rc=$?
set -e
if [[ $rc == 2 && $err == "real-containerd: "*"missing containerd"*"DSIM_DEPS_EXTRA"* && $(wc -l <<<"$err") == 1 ]]; then
  pass "missing tools: exit 2, one line"
else
  fail "missing tools: rc=$rc, stderr: $err"
fi

# 3. Not root (when setpriv can drop privileges here, and the checkout is
# reachable by uid 65534: a clone under a mode-700 directory such as mktemp -d
# or /root is not, and bash would only say "Permission denied").
if command -v setpriv >/dev/null 2>&1 &&
   ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$script"; then
  echo "skip: not root: $script is not reachable as uid 65534 from this checkout"
elif command -v setpriv >/dev/null 2>&1; then
  set +e
  err=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$script" true 2>&1 >/dev/null)
  rc=$?
  set -e
  if [[ $rc == 2 && $err == "real-containerd: must run as root"* ]]; then
    pass "not root: exit 2"
  else
    fail "not root: rc=$rc, stderr: $err"
  fi
fi

# 4. ctr run --rm echo, through the exported variables.
set +e
# shellcheck disable=SC2016 # expanded by the inner shell
out=$("$script" sh -c 'ctr --address "$DSIM_CONTAINERD_ADDRESS" -n "$DSIM_NAMESPACE" run --rm --rootfs "$DSIM_ROOTFS" t1 /bin/echo hello
  echo "env $DSIM_CONTAINERD_DIR $DSIM_NAMESPACE $DSIM_CONTAINERD"' 2>"$work/err4")
rc=$?
set -e
read -r _ d4 ns4 uri4 < <(grep '^env ' <<<"$out" || true)
if [[ $rc == 0 && $(head -n1 <<<"$out") == hello ]]; then
  pass "ctr run --rm echo hello"
else
  fail "ctr run echo: rc=$rc, stdout: $out, stderr: $(cat "$work/err4")"
fi
[[ ${ns4:-} == dsim-* && ${uri4:-} == "unix:${d4:-}/containerd.sock" ]] ||
  fail "variables: D=${d4:-} ns=${ns4:-} uri=${uri4:-}"
check_clean "echo run" "${d4:-}" "${ns4:-}"

# 5. Exit status pass-through.
set +e
"$script" sh -c 'exit 3' 2>"$work/err5"
rc=$?
set -e
if [[ $rc == 3 ]]; then pass "exit status 3 passed through"; else fail "exit status: want 3, got $rc ($(cat "$work/err5"))"; fi

# 6. Crashed run: a detached task, then the command SIGKILLs itself.
set +e
# shellcheck disable=SC2016 # expanded by the inner shell
"$script" sh -c '
  C="ctr --address $DSIM_CONTAINERD_ADDRESS -n $DSIM_NAMESPACE"
  $C run -d --rootfs "$DSIM_ROOTFS" t2 /bin/sleep 1000 || exit 9
  pid=$($C tasks ls | awk "\$1 == \"t2\" { print \$2 }")
  echo "$pid $DSIM_CONTAINERD_DIR $DSIM_NAMESPACE" >"$1"
  kill -KILL $$' sh "$work/crash" 2>"$work/err6"
rc=$?
set -e
read -r pid6 d6 ns6 <"$work/crash" || true
[[ $rc == 137 ]] || fail "crash: want status 137, got $rc ($(cat "$work/err6"))"
if [[ -n ${pid6:-} ]] && task_gone "$pid6"; then
  pass "crash: task pid $pid6 gone"
else
  fail "crash: task pid '${pid6:-}' still running (or not recorded)"
fi
check_clean "crash" "${d6:-}" "${ns6:-}"
grep -q 'warning' "$work/err6" && fail "crash: cleanup warned: $(cat "$work/err6")"
[[ $failures == 0 ]] && pass "crash: nothing left behind"

# 7. SIGTERM to the script while its command and a task run.
# shellcheck disable=SC2016 # expanded by the inner shell
"$script" sh -c '
  C="ctr --address $DSIM_CONTAINERD_ADDRESS -n $DSIM_NAMESPACE"
  $C run -d --rootfs "$DSIM_ROOTFS" t3 /bin/sleep 1000 || exit 9
  pid=$($C tasks ls | awk "\$1 == \"t3\" { print \$2 }")
  echo "$pid $DSIM_CONTAINERD_DIR $DSIM_NAMESPACE" >"$1.tmp"; mv "$1.tmp" "$1"
  exec sleep 30' sh "$work/term" 2>"$work/err7" &
spid=$!
for ((i = 0; i < 600; i++)); do [[ -s $work/term ]] && break; sleep 0.1; done
kill -TERM "$spid"
set +e
wait "$spid"
rc=$?
set -e
read -r pid7 d7 ns7 <"$work/term" || true
[[ $rc == 143 ]] || fail "TERM: want status 143, got $rc ($(cat "$work/err7"))"
if [[ -z ${pid7:-} ]] || ! task_gone "$pid7"; then
  fail "TERM: task pid '${pid7:-}' still running (or not recorded)"
fi
check_clean "TERM" "${d7:-}" "${ns7:-}"
[[ $failures == 0 ]] && pass "TERM: status 143, nothing left behind"

# await_clean WHAT D NS: the reaper works after the script is gone; wait for
# it (bounded: by what is left, not by the clock's say-so), then check.
await_clean() {
  local i
  for ((i = 0; i < 600; i++)); do
    [[ ! -e $2 && -z $(pids_mentioning "$2") ]] && break
    sleep 0.1
  done
  check_clean "$@"
}

# A command that starts a task, records it, and then runs until killed.
# shellcheck disable=SC2016 # expanded by the inner shell
runs_a_task='
  C="ctr --address $DSIM_CONTAINERD_ADDRESS -n $DSIM_NAMESPACE"
  $C run -d --rootfs "$DSIM_ROOTFS" t "/bin/sleep" 1000 || exit 9
  pid=$($C tasks ls | awk "\$1 == \"t\" { print \$2 }")
  echo "$pid $DSIM_CONTAINERD_DIR $DSIM_NAMESPACE $$ $TMPDIR" >"$1.tmp"; mv "$1.tmp" "$1"
  exec sleep 1000'

running() { # PID alive, not a zombie
  local st
  { read -r st </proc/"$1"/stat; } 2>/dev/null || return 1
  st=${st##*) }
  [[ ${st%% *} != Z ]]
}

# 8. SIGKILL to the script: its reaper kills the command and cleans up.
"$script" sh -c "$runs_a_task" sh "$work/kill" 2>"$work/err8" &
spid=$!
for ((i = 0; i < 600; i++)); do [[ -s $work/kill ]] && break; sleep 0.1; done
read -r pid8 d8 ns8 cmd8 tmp8 <"$work/kill" || true
[[ -n ${tmp8:-} && $tmp8 == "${d8:-none}/tmp" ]] || fail "TMPDIR of the command is '${tmp8:-}', not D/tmp"
kill -KILL "$spid"
wait "$spid" 2>/dev/null || true
await_clean "SIGKILL" "${d8:-}" "${ns8:-}"
if [[ -n ${pid8:-} ]] && task_gone "$pid8"; then :; else fail "SIGKILL: task pid '${pid8:-}' still running"; fi
[[ -n ${cmd8:-} ]] && running "$cmd8" && fail "SIGKILL: the command (pid $cmd8) still runs: $(cat /proc/"$cmd8"/stat)"
[[ $failures == 0 ]] && pass "SIGKILL: the reaper left nothing behind"

# 9. SIGKILL to the script and its reaper: the next run cleans up after it.
"$script" sh -c "$runs_a_task" sh "$work/both" 2>"$work/err9" &
spid=$!
for ((i = 0; i < 600; i++)); do [[ -s $work/both ]] && break; sleep 0.1; done
read -r pid9 d9 ns9 cmd9 _ <"$work/both" || true
read -r _ _ reaper9 _ <"${d9:-/nonexistent}/real-containerd.owner" || true
[[ -n ${reaper9:-} ]] && kill -KILL "$reaper9"
kill -KILL "$spid"
wait "$spid" 2>/dev/null || true
# SIGKILL is delivered asynchronously: the reaper must be gone first.
for ((i = 0; i < 600; i++)); do running "${reaper9:-0}" || break; sleep 0.1; done
[[ -n ${d9:-} && -d $d9 ]] || fail "SIGKILL of script and reaper: nothing left to clean up (test broken?)"
# (Under set -e a failing run would end the test without a word.)
"$script" true 2>"$work/err9b" ||
  fail "the next run exited with status $?: $(tail -n 5 "$work/err9b")"
grep -q "cleaning up after an earlier run in ${d9:-none}" "$work/err9b" ||
  fail "the next run did not clean up ${d9:-}: $(cat "$work/err9b")"
check_clean "earlier run" "${d9:-}" "${ns9:-}"
if [[ -n ${pid9:-} ]] && task_gone "$pid9"; then :; else fail "earlier run: task pid '${pid9:-}' still running"; fi
[[ -n ${cmd9:-} ]] && running "$cmd9" && fail "earlier run: the command (pid $cmd9) still runs"
[[ $failures == 0 ]] && pass "an earlier run killed with its reaper is cleaned up at start"

# 10. /run/containerd dirs the runs created are gone again (unless another
# containerd uses them: then they are not empty).
for d in "${run_absent[@]}"; do
  if [[ -d $d && -z $(ls -A "$d" 2>/dev/null) ]]; then
    fail "$d was created by a run and left behind"
  fi
done
# 11. No stray error lines (e.g. a vanished /proc/N/stat).
if grep -h 'No such file or directory' "$work"/err*; then
  fail "the script printed errors"
fi

echo "real_containerd_test: $((SECONDS - start)) s, $failures failure(s)"
[[ $failures == 0 ]]
