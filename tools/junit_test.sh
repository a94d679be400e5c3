#!/usr/bin/env bash
# Reports CI systems read: --junit-xml on explore and check (one testcase per
# scenario x client, a violation as <failure> with the property, message and
# replay token), its path checked before the first run, and GitHub ::error
# annotations when GITHUB_ACTIONS is set (on stdout; on stderr with --json,
# whose stdout stays one JSON object).
set -uo pipefail
dsim="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"  # absolute: a case runs elsewhere
src="$(cd "$(dirname "$0")/.." && pwd)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsim-junit-test.XXXXXX")
builtins=$("$dsim" scenarios | grep -c "^[a-z]")  # one testcase per built-in
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }
wellformed() {  # xmllint when installed, else a structural check
  if command -v xmllint >/dev/null; then xmllint --noout "$1"; else
    grep -q '^</testsuites>$' "$1"; fi
}
unset GITHUB_ACTIONS
mutation=exec-store-locked-across-rpc

# A violation: every built-in, one failure naming the property, with the token.
out=$("$dsim" explore --mutation $mutation --runs 1000 --junit-xml "$tmp/v.xml" --json 2>/dev/null); rc=$?
token=$(sed -n 's/.*"token":"\([0-9a-z]*\)".*/\1/p' <<<"$out")
x=$(cat "$tmp/v.xml" 2>/dev/null)
[[ $rc -eq 1 ]] && wellformed "$tmp/v.xml" && ok "explore violation: exit 1, well-formed XML" || bad "explore violation: rc=$rc"
[[ "$x" == *'<testsuite name="dsim explore" tests="'"$builtins"'" failures="1" '* ]] && ok "$builtins testcases, 1 failure" || bad "counts: $(head -3 <<<"$x")"
[[ $(grep -c '<testcase classname="dsim.explore.objects" name="[a-z-]*" time="[0-9.]*">' <<<"$x") -eq $builtins ]] &&
  ok "testcases have classname, name and time" || bad "testcase attributes"
[[ "$x" == *'<failure message="lock-held-across-rpc: '*'type="lock-held-across-rpc">'* ]] && ok "failure names the property" || bad "failure message"
[[ -n "$token" && "$x" == *"replay token: $token"* && "$x" == *"dsim replay $token"* ]] &&
  ok "failure text has the replay token" || bad "token not in the failure text"

# No violation: every scenario passes.
"$dsim" explore --runs 200 --progress off --junit-xml "$tmp/ok.xml" >/dev/null 2>&1; rc=$?
[[ $rc -eq 0 && $(grep -c '<failure' "$tmp/ok.xml") -eq 0 && $(grep -c '<testcase ' "$tmp/ok.xml") -eq $builtins ]] &&
  wellformed "$tmp/ok.xml" && ok "explore without violation: $builtins passing testcases" || bad "explore ok: rc=$rc"

# check: one testcase (one scenario, one client).
"$dsim" check --scenario exec-attached-cancel --client legacy --mutation $mutation --junit-xml "$tmp/c.xml" >/dev/null 2>&1; rc=$?
[[ $rc -eq 1 && $(grep -c '<testcase classname="dsim.check.legacy" name="exec-attached-cancel"' "$tmp/c.xml") -eq 1 &&
   $(grep -c '<failure ' "$tmp/c.xml") -eq 1 ]] && wellformed "$tmp/c.xml" && ok "check: one failing testcase" || bad "check: rc=$rc"

# A bad path is exit 2 before any run: no summary, no violation report.
for cmd in "explore --mutation $mutation --runs 1000" "check --scenario exec-attached-cancel" "live --scenario exec-valid-command"; do
  out=$("$dsim" $cmd --junit-xml /nonexistent/dir/r.xml 2>"$tmp/err"); rc=$?
  [[ $rc -eq 2 && -z "$out" && $(wc -l <"$tmp/err") -eq 1 ]] && ok "${cmd%% *} --junit-xml /nonexistent/...: exit 2: $(cat "$tmp/err")" ||
    bad "${cmd%% *} bad --junit-xml path: rc=$rc out=$out err=$(cat "$tmp/err")"
done
# A file never written is not left behind... and one written replaces the old.
echo old >"$tmp/old.xml"
"$dsim" explore --runs 20 --progress off --junit-xml "$tmp/old.xml" >/dev/null 2>&1
[[ "$(head -1 "$tmp/old.xml")" == '<?xml'* && "$(grep -c old "$tmp/old.xml")" -eq 0 ]] && ok "--junit-xml replaces an old file" || bad "old file kept"

# GitHub annotations.
out=$(GITHUB_ACTIONS=true "$dsim" explore --scenario exec-attached-cancel --mutation $mutation --runs 1000 --progress off 2>/dev/null)
line=$(grep '^::error ' <<<"$out")
[[ "$line" == "::error file=properties/scenarios/exec-attached-cancel.textproto,line=1::lock-held-across-rpc: "*"(token dsim3"*")" ]] &&
  ok "GITHUB_ACTIONS: $(cut -c1-100 <<<"$line")..." || bad "annotation on stdout: '$line'"
out=$(GITHUB_ACTIONS=true "$dsim" explore --mutation $mutation --runs 1000 --json 2>"$tmp/err")
[[ $(wc -l <<<"$out") -eq 1 && "$out" == '{'*'}' && $(grep -c '^::error file=' "$tmp/err") -eq 1 ]] &&
  ok "GITHUB_ACTIONS with --json: stdout one JSON object, annotation on stderr" || bad "annotation with --json"
out=$("$dsim" explore --mutation $mutation --runs 1000 --progress off 2>&1)
[[ "$out" != *'::error'* ]] && ok "no annotation without GITHUB_ACTIONS" || bad "annotation without GITHUB_ACTIONS"
# A scenario file is named by its path, which an annotation escapes.
cp "$src/properties/scenarios/exec-attached-cancel.textproto" "$tmp/a:b.textproto"
out=$(cd "$tmp" && GITHUB_ACTIONS=true "$dsim" explore --scenario "a:b.textproto" --mutation $mutation --runs 1000 --progress off 2>/dev/null)
[[ "$out" == *'::error file=a%3Ab.textproto,line=1::lock-held-across-rpc: '* ]] && ok "a scenario file's path, escaped" ||
  bad "file annotation: $(grep '::error' <<<"$out")"
exit $fail
