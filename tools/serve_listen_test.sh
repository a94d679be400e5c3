#!/usr/bin/env bash
# `dsim serve --listen unix:PATH` on a path it cannot serve: one line
# `dsim: ...` with a hint, status 2, no gRPC log, the path untouched. A second
# serve on a running one's socket is refused (the first keeps serving); a
# stale socket (its server SIGKILLed) is replaced.
set -uo pipefail
dsim="$1"
dir=$(mktemp -d "${TMPDIR:-/tmp}/dsim-serve-listen.XXXXXX")
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }

# refused NAME PATH HINT-REGEX: status 2, exactly one line `dsim: ...` that
# names PATH and matches HINT-REGEX, and nothing from gRPC.
refused() {
  local name=$1 path=$2 hint=$3 err rc
  err=$(timeout 60 "$dsim" serve --listen "unix:$path" 2>&1 >/dev/null); rc=$?
  if [[ $rc != 2 ]]; then bad "$name: status $rc, not 2: $err"; return; fi
  if [[ $(printf '%s\n' "$err" | wc -l) != 1 || $err != "dsim: cannot listen on $path: "* ]]; then
    bad "$name: not one 'dsim: cannot listen on PATH: ...' line: $err"; return
  fi
  [[ $err =~ $hint ]] || { bad "$name: hint does not match /$hint/: $err"; return; }
  ok "$name: $err"
}

# ready LOG: the serve writing LOG says it listens (bounded, not timed).
ready() {
  local i
  for ((i = 0; i < 600; i++)); do
    grep -q 'listening on' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

echo data >"$dir/file"
refused "a regular file" "$dir/file" 'regular file, not a socket'
[[ $(cat "$dir/file") == data ]] || bad "the regular file was changed"
mkdir "$dir/sub"
refused "a directory" "$dir/sub" "directory .*unix:$dir/sub/dsim.sock"
[[ -d $dir/sub ]] || bad "the directory was removed"
long="$dir/$(printf 'x%.0s' $(seq 120)).sock"
refused "a path over 107 bytes" "$long" 'at most 107'
refused "/proc" /proc/x.sock 'does not take new files'
refused "/dev/null" /dev/null 'character device, not a socket \(choose another path\)$'
[[ -c /dev/null ]] || bad "/dev/null is no longer a character device"
refused "a missing directory" "$dir/nonexistent/x.sock" "no directory $dir/nonexistent"
refused "under a file" "$dir/file/x.sock" "$dir/file is not a directory"

# A running serve's socket is refused; the first keeps serving.
sock="$dir/live.sock"
"$dsim" serve --listen "unix:$sock" 2>"$dir/first.log" &
first=$!
pids+=("$first")
if ready "$dir/first.log"; then
  refused "the socket of a running serve" "$sock" 'already listening'
  [[ -S $sock ]] || bad "the running serve's socket was removed"
  kill -0 "$first" 2>/dev/null || bad "the first serve died"
  refused "the socket of a running serve, again" "$sock" 'already listening'
  kill -TERM "$first"; wait "$first"; rc=$?
  if [[ $rc == 0 ]]; then ok "the first serve still stops with status 0"; else bad "first serve: status $rc"; fi
  [[ -e $sock ]] && bad "the first serve left its socket"
else
  bad "the first serve never said it listens: $(cat "$dir/first.log")"
fi

# A stale socket (its server killed by SIGKILL) is replaced.
sock="$dir/stale.sock"
"$dsim" serve --listen "unix:$sock" 2>"$dir/killed.log" &
killed=$!
pids+=("$killed")
if ready "$dir/killed.log"; then
  kill -KILL "$killed"; wait "$killed" 2>/dev/null
  [[ -S $sock ]] || bad "SIGKILL left no stale socket to test with"
  "$dsim" serve --listen "unix:$sock" 2>"$dir/next.log" &
  next=$!
  pids+=("$next")
  if ready "$dir/next.log"; then
    ok "a stale socket is replaced"
    kill -TERM "$next"; wait "$next"; rc=$?
    [[ $rc == 0 ]] || bad "serve over a stale socket: status $rc"
  else
    bad "serve over a stale socket never listened: $(cat "$dir/next.log")"
  fi
else
  bad "the serve to kill never said it listens: $(cat "$dir/killed.log")"
fi
grep -h 'chttp2\|^E[0-9]' "$dir"/*.log && bad "gRPC logged"
exit $fail
