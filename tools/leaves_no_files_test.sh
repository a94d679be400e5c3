#!/usr/bin/env bash
# Usage: leaves_no_files_test.sh [--sockets DIR]... COMMAND...
# Runs COMMAND... with TMPDIR set to a fresh, empty directory and fails if the
# command fails or leaves anything in it (tests write only under their own
# temp dir and remove it). With --sockets DIR (e.g. /run/containerd/s, where
# shims put theirs), it also fails on a socket that appeared in DIR during the
# run and that nobody listens on (a dead shim's, left behind).
set -uo pipefail
socket_dirs=()
while [[ ${1:-} == --sockets ]]; do socket_dirs+=("$2"); shift 2; done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsim-leaves-no-files.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
declare -A before=()
for d in "${socket_dirs[@]}"; do
  for f in "$d"/*; do [[ -S $f ]] && before[$f]=1; done
done
TMPDIR="$tmp" "$@"; rc=$?
if [[ $rc != 0 ]]; then echo "FAILED: $* exited $rc"; exit 1; fi
left=$(find "$tmp" -mindepth 1 -maxdepth 2 | head -20)
if [[ -n $left ]]; then echo "FAILED: $* left in TMPDIR: $left"; exit 1; fi
# Listening unix sockets, by path (ss's fifth column).
listening=$(ss -xlH 2>/dev/null | awk '{ print $5 }')
for d in "${socket_dirs[@]}"; do
  for f in "$d"/*; do
    [[ -S $f && -z ${before[$f]:-} ]] || continue
    grep -qxF "$f" <<<"$listening" && continue  # someone else's live shim
    echo "FAILED: $* left a stale socket $f"; exit 1
  done
done
echo "ok: $* left nothing in TMPDIR${socket_dirs[*]:+ nor stale sockets in ${socket_dirs[*]}}"
