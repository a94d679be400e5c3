#!/usr/bin/env bash
# Runs COMMAND... with TMPDIR set to a fresh, empty directory and fails if the
# command fails or leaves anything in it (tests write only under their own
# temp dir and remove it).
set -uo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsim-leaves-no-files.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
TMPDIR="$tmp" "$@"; rc=$?
if [[ $rc != 0 ]]; then echo "FAILED: $* exited $rc"; exit 1; fi
left=$(find "$tmp" -mindepth 1 -maxdepth 2 | head -20)
if [[ -n $left ]]; then echo "FAILED: $* left in TMPDIR: $left"; exit 1; fi
echo "ok: $* left nothing in TMPDIR"
