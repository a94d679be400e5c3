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

# 3. Not root (when setpriv can drop privileges here).
if command -v setpriv >/dev/null 2>&1; then
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
for ((i = 0; i < 100; i++)); do [[ -s $work/term ]] && break; sleep 0.1; done
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

echo "real_containerd_test: $((SECONDS - start)) s, $failures failure(s)"
[[ $failures == 0 ]]
