#!/usr/bin/env bash
# Runs every ```console block of README.md and checks that it prints what the README shows.
#
# Usage: readme_test.sh DSIM [README.md]     (README.md defaults to the one beside tools/)
#
# The rules a ```console block follows (what to know when editing the README):
# - A line starting with "$ " is a command; the lines after it, up to the next "$ " line or the
#   end of the block, are what it prints, stdout and stderr together. A command followed by no
#   lines must print nothing. Blank lines count.
# - A line that is exactly "..." stands for any number of output lines, zero included.
# - "build/release/bin/dsim" in a command is replaced by the dsim under test (DSIM). Each
#   command runs with bash in a scratch directory that looks like the repo root (a symlink to
#   each of its top-level entries): paths to the repo's files work, and a file a command writes
#   (`--trace-out race.json`) lands in the scratch directory, which is removed at the end. The
#   commands of the README run in order in that one directory; `$?` is the previous command's
#   exit status (so `$ echo $?` shows it). GITHUB_ACTIONS and DSIM_* are unset for them.
# - A replay token abbreviated in a command (`dsim replay dsim30a280a146...`) stands for the
#   last full token an earlier command printed (its "reproduce with:" line); the abbreviation
#   must be a prefix of that token.
# - Before comparing, both sides are normalized, only for what varies between machines and
#   loads:
#     wall times with a decimal point ("0.12s", "after 0.014s", "2.2 s")  -> "<T>s"
#     throughput ("4267 runs/s")                                          -> "<N> runs/s"
#     peak resident memory ("12.5 MB", "12.5 MiB")                        -> "<N> MB"
#     a replay token, full or abbreviated with "..." ("dsim3" + hex)      -> "TOKEN"
#     a line of 32 or more hex digits only (a wrapped token's next lines) -> "TOKEN"
#     "progress: ..." lines (printed every 5 s when stderr is not a terminal) are dropped
#     trailing whitespace is removed.
#   A "TOKEN" in the README thus still requires a token in the output at that place.
#   Everything else (run and step counts, seeds, trace and summary hashes, preemption counts,
#   violation text, scenario names) must match exactly: dsim is deterministic, with the same
#   results on every machine and build type.
# - Commands that need a real containerd (scripts/real-containerd ...), start background
#   processes, or take more than about 30 s belong in ```sh blocks: shown, not run. A command
#   here is stopped after 300 s (long enough for the slowest preset under load) and fails.
set -uo pipefail

dsim_arg=${1:?usage: readme_test.sh DSIM [README.md]}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readme=${2:-$here/../README.md}
repo=$(cd "$(dirname "$readme")" && pwd)
dsim=$(cd "$(dirname "$dsim_arg")" && pwd)/$(basename "$dsim_arg")
[[ -x $dsim ]] || { echo "readme_test: $dsim_arg is not an executable"; exit 2; }
[[ -r $readme ]] || { echo "readme_test: cannot read $readme"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dsim-readme-test.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
for entry in "$repo"/* "$repo"/.[!.]*; do
  [[ -e $entry || -L $entry ]] && ln -s "$entry" "$work/$(basename "$entry")"
done

normalize() {
  sed -E \
    -e '/^progress: /d' \
    -e 's/\bdsim[0-9][0-9a-f]{6,}(\.\.\.)?/TOKEN/g' \
    -e 's/^[0-9a-f]{32,}$/TOKEN/' \
    -e 's/\b[0-9]+(\.[0-9]+)? runs\/s/<N> runs\/s/g' \
    -e 's/\b[0-9]+\.[0-9]+ ?s\b/<T>s/g' \
    -e 's/\b[0-9]+(\.[0-9]+)? ?MB\b/<N> MB/g; s/\b[0-9]+(\.[0-9]+)? ?MiB\b/<N> MB/g' \
    -e 's/[[:space:]]+$//'
}

# Whether the lines of $2 (actual) match the lines of $1 (expected), "..." matching any run of
# lines: the usual wildcard match, backtracking to the last "..." on a mismatch. On a mismatch,
# unmatched is the first expected line never matched (or "(end of output)" / "(more output)").
unmatched=''
lines_match() {
  local -a e a
  mapfile -t e <<<"$1"; mapfile -t a <<<"$2"
  [[ -z $1 ]] && e=(); [[ -z $2 ]] && a=()
  local i=0 j=0 star=-1 mark=0 ne=${#e[@]} na=${#a[@]} furthest=0
  while (( j < na )); do
    (( i > furthest )) && furthest=$i
    if (( i < ne )) && [[ ${e[i]} != '...' && ${e[i]} == "${a[j]}" ]]; then
      ((i++, j++))
    elif (( i < ne )) && [[ ${e[i]} == '...' ]]; then
      star=$i; mark=$j; ((i++))
    elif (( star >= 0 )); then
      i=$((star + 1)); ((mark++)); j=$mark
    else
      (( i > furthest )) && furthest=$i
      if (( furthest < ne )); then unmatched="line $((furthest + 1)): ${e[furthest]}"
      else unmatched='(the output goes on after the last line)'; fi
      return 1
    fi
  done
  while (( i < ne )) && [[ ${e[i]} == '...' ]]; do ((i++)); done
  (( i > furthest )) && furthest=$i
  (( i == ne )) && return 0
  unmatched="line $((furthest + 1)): ${e[furthest]}"
  return 1
}

fail=0 commands=0 rc=0 last_token=''
# Runs one command of the README (at $1:$2) and compares its output with $3.
check() {
  local where=$1 cmd=$2 expected=$3 run out norm_out norm_exp
  run=${cmd//build\/release\/bin\/dsim/$(printf %q "$dsim")}
  if [[ $run =~ (dsim[0-9][0-9a-f]*)\.\.\. ]]; then
    local abbrev=${BASH_REMATCH[1]}
    if [[ -z $last_token || $last_token != "$abbrev"* ]]; then
      echo "FAILED: README.md:$where: \$ $cmd"
      echo "  the abbreviated token $abbrev... is not a prefix of the last token printed (${last_token:-none})"
      fail=1; return
    fi
    run=${run/"$abbrev..."/$last_token}
  fi
  out=$(cd "$work" && env -u GITHUB_ACTIONS -u DSIM_CONTAINERD -u DSIM_NAMESPACE -u DSIM_ROOTFS \
        timeout 300 bash -c "(exit $rc); $run" 2>&1 </dev/null)
  rc=$?
  ((commands++))
  if [[ $rc -eq 124 ]]; then
    echo "FAILED: README.md:$where: \$ $cmd"
    echo "  took more than 300 s (long commands belong in a \`\`\`sh block)"
    fail=1; return
  fi
  local t
  t=$(grep -oE 'reproduce with: dsim replay dsim[0-9][0-9a-f]+' <<<"$out" | tail -n 1)
  [[ -n $t ]] && last_token=${t##* }
  norm_exp=$(normalize <<<"$expected")
  norm_out=$(normalize <<<"$out")
  if lines_match "$norm_exp" "$norm_out"; then
    echo "ok: README.md:$where: \$ $cmd"
  else
    echo "FAILED: README.md:$where: \$ $cmd (exit status $rc)"
    echo "  README output $unmatched"
    echo "  not found in order in the output (normalized; '...' in the README matches any lines):"
    printf '%s\n' "$norm_out" | sed 's/^/  | /'
    fail=1
  fi
}

in_block=0 lineno=0 cmd='' cmd_line=0 expected='' have_expected=0 blocks=0
flush() {
  [[ -n $cmd ]] && check "$cmd_line" "$cmd" "$expected"
  cmd='' expected='' have_expected=0
}
while IFS= read -r line || [[ -n $line ]]; do
  ((lineno++))
  if (( !in_block )); then
    if [[ $line =~ ^\`\`\`console[[:space:]]*$ ]]; then in_block=1; ((blocks++)); fi
    continue
  fi
  if [[ $line =~ ^\`\`\` ]]; then flush; in_block=0; continue; fi
  if [[ $line == '$ '* ]]; then
    flush; cmd=${line#\$ }; cmd_line=$lineno
  elif [[ -z $cmd ]]; then
    echo "FAILED: README.md:$lineno: output before any \"\$ \" command in a console block"; fail=1
  else
    if (( have_expected )); then expected+=$'\n'"$line"; else expected=$line; have_expected=1; fi
  fi
done <"$readme"
(( in_block )) && { echo "FAILED: README.md: a console block is not closed"; fail=1; }

if (( commands == 0 )); then echo "FAILED: no console block command found in $readme"; fail=1; fi
echo "$commands command(s) in $blocks console block(s) checked"
exit $fail
