#!/usr/bin/env bash
# The mutation matrix: for every planted bug, `dsim explore` over the built-in
# scenarios finds a violation of the property the bug targets (or of a
# scenario's expectation, which states that property for its scenario); with no
# planted bug 20,000 runs find none, for both clients. Prints the runs to
# detection of each. Planted bugs are looked for on the larger built-ins only:
# the check-* parts are for `dsim check`, and one of them shows a bug's side
# effect first (the unlocked exec inspect that
# exec-exit-clears-running-before-delete brings back is a data race on
# check-exec-valid-command). Without a planted bug every built-in runs.
# Usage: mutation_matrix_test.sh DSIM [--junit-xml FILE]: FILE gets one
# testcase per mutation (and one per client without a mutation).
set -uo pipefail
dsim="$1"
junit=""
if [[ $# -ge 2 ]]; then
  [[ "$2" == "--junit-xml" && $# -eq 3 ]] || { echo "usage: $0 DSIM [--junit-xml FILE]" >&2; exit 2; }
  junit="$3"
  # Checked before the first run, as dsim checks its own output paths.
  [[ -d "$(dirname -- "$junit")" && -w "$(dirname -- "$junit")" ]] ||
    { echo "cannot write --junit-xml file '$junit'" >&2; exit 2; }
fi
runs=20000
# A planted bug's budget: each larger built-in gets about 1/60 of the runs, and
# the slowest to find (root-dir-removed-without-lock) needs a median of about
# 100 runs on rm-late-oom alone, some 1,500 over them all (seeds 1-4: 485 to
# 20,585). A run stops at the first violation, so the margin costs nothing
# while the bugs are found.
mutation_runs=60000
fail=0
cases=""
tests=0
failures=0
xml() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g' <<<"$1"; }
# testcase CLASSNAME NAME SECONDS [FAILURE-MESSAGE]
testcase() {
  tests=$((tests + 1))
  cases+="    <testcase classname=\"$(xml "$1")\" name=\"$(xml "$2")\" time=\"$3\">"$'\n'
  if [[ -n "${4:-}" ]]; then
    failures=$((failures + 1))
    cases+="      <failure message=\"$(xml "$4")\">$(xml "$4")</failure>"$'\n'
  fi
  cases+="    </testcase>"$'\n'
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
larger=()
for s in $("$dsim" scenarios | awk '{print $1}' | grep -v '^check-'); do larger+=(--scenario "$s"); done
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([0-9]*\).*/\1/p"; }

for client in objects legacy; do
  t0=$(now)
  out=$("$dsim" explore --client "$client" --runs "$runs" --time 600 --json --progress off 2>/dev/null); rc=$?
  if [[ $rc -ne 0 || "$out" != *'"violations":0'* ]]; then
    echo "FAILED: no mutation, client $client: rc=$rc: $out"; fail=1
    testcase "dsim.mutation_matrix.none" "$client" "$(elapsed "$t0")" \
      "a violation without a planted bug (rc=$rc): $(sed -n 's/.*"first_violation":\({[^}]*}\).*/\1/p' <<<"$out")"
  else
    echo "ok: no mutation, client $client: no violation in $runs runs"
    testcase "dsim.mutation_matrix.none" "$client" "$(elapsed "$t0")"
  fi
done
while IFS=$'\t' read -r name target; do
  t0=$(now)
  out=$("$dsim" explore "${larger[@]}" --mutation "$name" --runs "$mutation_runs" --time 600 --json --progress off 2>/dev/null); rc=$?
  got=$(sed -n 's/.*"first_violation":{"invariant":"\([^"]*\)".*/\1/p' <<<"$out")
  n=$(field runs_to_detect <<<"$out")
  scenario=$(sed -n 's/.*"first_violation":{[^}]*"scenario":"\([^"]*\)".*/\1/p' <<<"$out")
  token=$(sed -n 's/.*"token":"\([0-9a-z]*\)".*/\1/p' <<<"$out")
  if [[ $rc -ne 1 || ( "$got" != "$target" && "$got" != "expectation" ) ]]; then
    echo "FAILED: $name: expected a $target violation, got rc=$rc invariant='$got'"; fail=1
    testcase "dsim.mutation_matrix.$target" "$name" "$(elapsed "$t0")" \
      "expected a $target violation within $mutation_runs runs, got rc=$rc invariant='$got'${token:+ (token $token)}"
  else
    printf 'ok: %-40s %-22s in %6s runs (%s)\n' "$name" "$got" "$n" "$scenario"
    testcase "dsim.mutation_matrix.$target" "$name" "$(elapsed "$t0")"
  fi
done < <("$dsim" mutations --json | sed 's/},{/}\n{/g' |
         sed -n 's/.*"name":"\([^"]*\)".*"targets":"\([^"]*\)".*/\1\t\2/p')
if [[ -n "$junit" ]]; then
  counts="tests=\"$tests\" failures=\"$failures\" errors=\"0\""
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dsim mutation matrix" %s>\n  <testsuite name="dsim mutation matrix" %s>\n%s  </testsuite>\n</testsuites>\n' \
    "$counts" "$counts" "$cases" >"$junit" || { echo "cannot write $junit"; fail=1; }
  if command -v xmllint >/dev/null && ! xmllint --noout "$junit"; then
    echo "FAILED: $junit is not well-formed XML"; fail=1
  fi
  echo "junit: $tests testcases, $failures failures in $junit"
fi
exit $fail
