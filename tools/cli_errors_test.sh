#!/usr/bin/env bash
# Bad input gets one clear line on stderr and exit status 2, before any run:
# "dsim: what" (with at most one hint), or a scenario file's bare
# "FILE:LINE:COL: what". Also: per-subcommand --help, --version, flag spelling,
# output paths checked up front, and self-contained tokens of scenario files.
set -uo pipefail
dsim=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# expect2 [PATTERN --] ARGS...: exit 2, one line on stderr matching
# "dsim: *" (and PATTERN), at most one "(see ...)" hint, nothing on stdout.
expect2() {
  local want="" out err rc
  if [[ $# -ge 2 && "$2" == "--" ]]; then want="$1"; shift 2; fi
  out=$("$dsim" "$@" 2>"$tmp/err"); rc=$?
  err=$(cat "$tmp/err")
  local hints=$(grep -o '(see ' <<<"$err" | wc -l)
  if [[ $rc -ne 2 || $(printf '%s\n' "$err" | wc -l) -ne 1 || "$err" != dsim:* \
        || $hints -gt 1 || -n "$out" || ( -n "$want" && "$err" != *"$want"* ) ]]; then
    echo "FAILED: dsim $* -> rc=$rc, stderr: $err, stdout: ${out:0:200}"; fail=1
  else
    local args="$*"
    echo "ok: dsim ${args:0:100} -> $err"
  fi
}
# expect_located FILE:LINE:COL ARGS...: exit 2, one bare located line.
expect_located() {
  local where="$1" err rc; shift
  err=$("$dsim" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 || $(printf '%s\n' "$err" | wc -l) -ne 1 || "$err" != "$where: "* \
        || "$err" == *"(see dsim"* ]]; then
    echo "FAILED: dsim $* -> rc=$rc, stderr: $err (want $where: ...)"; fail=1
  else
    echo "ok: dsim $* -> $err"
  fi
}
expect_rc() {
  local want="$1" rc; shift
  "$dsim" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [[ $rc -ne $want ]]; then
    echo "FAILED: dsim $* -> rc=$rc, want $want: $(head -c 300 "$tmp/err")"; fail=1
  else
    local args="$*"
    echo "ok: dsim ${args:0:100} -> rc=$rc"
  fi
}

expect2
expect2 frobnicate
expect2 explore --no-such-flag
expect2 explore --runs abc
expect2 explore --runs
expect2 explore --strategy bogus
expect2 explore --mutation bogus
expect2 explore --shard 3/2
expect2 explore --progress sometimes
expect2 explore stray
expect2 explore --json stray  # a boolean flag never takes the next argument
expect2 replay
expect2 corrupt -- replay not-a-token
expect2 corrupt -- replay dsim3zz
expect2 corrupt -- replay dsim30400000000
expect2 replay dsim3000000 --format pdf
expect2 rpcs --client bogus
expect2 explore --scenario no-such-scenario
expect2 explore --client bogus
expect2 check
expect2 explore --jitter=sometimes
expect2 rpcs --no-such-flag

# Issue 12 item 1: a budget that cannot run is bad input, not "0 runs, no bug".
for t in -1 0 -inf nan inf; do expect2 "--time" -- explore --time "$t"; done
expect2 explore --runs 0
expect2 check --scenario exec-valid-command --time 0
expect2 check --scenario exec-valid-command --runs 0
# Item 2: --pct-depth is 1..1000; --preemption-bound is -1 (unbounded) or more.
for d in 0 -3 1001 100000000; do expect2 explore --pct-depth "$d"; done
expect2 explore --strategy dfs --preemption-bound -7
expect2 check --scenario exec-valid-command --preemption-bound -2
expect_rc 0 explore --pct-depth 1000 --runs 20
expect_rc 0 explore --strategy dfs --preemption-bound -1 --runs 20

# Item 3: output paths are checked before the first run.
expect2 explore --trace-out /nonexistent/dir/x.json
expect2 explore --trace-out "$tmp" --mutation exec-store-locked-across-rpc --runs 1000
expect2 check --scenario exec-valid-command --trace-out /nonexistent/x.json
expect2 replay dsim3000000 --trace-out /nonexistent/x.json
# A violation keeps its exit 1 even when the trace cannot be written at the end.
"$dsim" explore --mutation exec-store-locked-across-rpc --runs 1000 --trace-out /dev/full \
  >"$tmp/out" 2>"$tmp/err"; rc=$?
if [[ $rc -ne 1 || "$(cat "$tmp/err")" != *"cannot write --trace-out"* ]] || ! grep -q VIOLATION "$tmp/out"; then
  echo "FAILED: violation with an unwritable trace: rc=$rc $(cat "$tmp/err")"; fail=1
else
  echo "ok: violation with an unwritable trace keeps exit 1"
fi
# Without a violation, an output file that did not exist is not left behind.
"$dsim" explore --runs 20 --trace-out "$tmp/never.json" >/dev/null 2>&1
[[ ! -e "$tmp/never.json" ]] || { echo "FAILED: empty trace file left behind"; fail=1; }

# Item 7: a scenario file's error is bare FILE:LINE:COL; tokens say what is wrong.
printf 'container { id: "c1" args: ["run"] }\nclient { name: "x" call { op: BOGUS } }\n' >bad.textproto
expect_located bad.textproto:2:31 explore --scenario bad.textproto
expect_located bad.textproto:2:31 check --scenario bad.textproto
expect2 "cannot read" -- explore --scenario missing.textproto
token=$("$dsim" explore --mutation exec-store-locked-across-rpc --runs 1000 --json 2>/dev/null |
        sed -n 's/.*"token":"\([0-9a-z]*\)".*/\1/p')
[[ "$token" == dsim3* ]] || { echo "FAILED: no version-3 token: $token"; fail=1; }
expect2 "wrong version" -- replay "dsim2${token:5}"
expect2 "wrong version" -- replay "dsim9${token:5}"
flipped=${token:0:40}$([[ ${token:40:1} == 0 ]] && echo 1 || echo 0)${token:41}
expect2 "corrupt" -- replay "$flipped"
# A replay whose run needs more decisions than the token holds diverges: exit 2,
# the reason on stderr (the token is re-encoded with one decision fewer).
if command -v python3 >/dev/null; then
  short=$(python3 - "$token" <<'PY'
import sys
# The token's body is a dsim.run.RunConfig (proto/dsim/run_config.proto):
# drop the last entry of its packed decisions (8) and fingerprints (9).
t = sys.argv[1]; b = bytes.fromhex(t[5:])[:-4]; pos = 0
def varint():
    global pos
    v = s = 0
    while True:
        c = b[pos]; pos += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v
def put(v):
    out = bytearray()
    while v >= 0x80: out.append(v & 0x7f | 0x80); v >>= 7
    out.append(v); return bytes(out)
body = b''
while pos < len(b):
    start = pos; key = varint(); wire = key & 7
    if wire == 0: varint()
    elif wire == 1: pos += 8
    elif wire == 5: pos += 4
    elif wire == 2:
        n = varint(); end = pos + n
        if key >> 3 in (8, 9):
            values = []
            while pos < end: values.append(varint())
            packed = b''.join(put(v) for v in values[:-1])
            body += put(key) + put(len(packed)) + packed
            continue
        pos = end
    body += b[start:pos]
h = 2166136261
for c in body: h = ((h ^ c) * 16777619) & 0xffffffff
print(t[:5] + (body + h.to_bytes(4, 'little')).hex())
PY
)
  out=$("$dsim" replay "$short" 2>"$tmp/err"); rc=$?
  err=$(cat "$tmp/err")
  if [[ $rc -ne 2 || "$err" != "dsim: replay diverged"* || $(wc -l <<<"$err") -ne 1 ]]; then
    echo "FAILED: diverged replay: rc=$rc stderr: $err"; fail=1
  else
    echo "ok: diverged replay -> $err"
  fi
else
  echo "skip: no python3 to re-encode a token for the divergence check"
fi

# Item 8: each subcommand takes only its flags; flag spelling; help; version.
expect2 "scenarios does not take --runs" -- scenarios --runs 5
expect2 "does not take --strategy" -- check --scenario exec-valid-command --strategy random
expect2 "does not take --jitter" -- replay --nojitter "$token"
expect2 "does not take --listen" -- explore --listen unix:/tmp/x
expect2 "empty scenario name" -- explore --scenario=
expect2 "empty scenario name" -- explore --scenario ,
expect2 "empty scenario name" -- explore --scenario exec-valid-command,
for spelling in --nojitter --no-jitter --no_jitter --jitter=false; do
  expect_rc 0 explore --runs 10 "$spelling"
done
expect_rc 1 replay --json "$token"        # --json does not take the token
expect_rc 1 replay "$token" --format=text --trace_out "$tmp/t.txt"
grep -q . "$tmp/t.txt" || { echo "FAILED: --trace_out wrote nothing"; fail=1; }
for c in explore replay check rpcs scenarios mutations serve live; do
  out=$("$dsim" "$c" --help); rc=$?
  if [[ $rc -ne 0 || "$out" != "usage: dsim $c"* || "$out" != *"flags"* ]]; then
    echo "FAILED: dsim $c --help (rc=$rc)"; fail=1
  fi
done
"$dsim" explore --help | grep -q -- "--pct-depth" || { echo "FAILED: explore --help lists no --pct-depth"; fail=1; }
! "$dsim" scenarios --help | grep -q -- "--runs" || { echo "FAILED: scenarios --help lists --runs"; fail=1; }
"$dsim" --help | grep -q "usage: dsim explore" || { echo "FAILED: --help"; fail=1; }
"$dsim" --version | grep -q "^dsim [0-9]" || { echo "FAILED: --version"; fail=1; }

# Item 9: a file scenario's token replays from elsewhere after the file is gone.
mkdir sub
cp "$src/properties/scenarios/exec-pid-collision.textproto" sub/mine.textproto
out=$("$dsim" explore --scenario sub/mine.textproto --mutation exec-exit-clears-running-before-delete \
      --runs 1000 --json 2>/dev/null)
ftoken=$(sed -n 's/.*"token":"\([0-9a-z]*\)".*/\1/p' <<<"$out")
fhash=$(sed -n 's/.*"first_violation":.*"trace_hash":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
rm -r sub
replayed=$(cd / && "$dsim" replay "$ftoken" --json 2>/dev/null); rc=$?
if [[ -z "$fhash" || $rc -ne 1 || "$replayed" != *"\"trace_hash\":\"$fhash\""* ]]; then
  echo "FAILED: file token after the file is gone (rc=$rc): $replayed"; fail=1
else
  echo "ok: a file scenario's token replays without the file (hash $fhash)"
fi

# Item 11: the summary says what stopped it, which checks ran, what the hash is for.
"$dsim" explore --runs 30 >"$tmp/out" 2>&1
grep -q "all 30 runs done (--runs)" "$tmp/out" || { echo "FAILED: no --runs stop reason"; fail=1; }
grep -q "checked on every run: .*exec-ids-never-exited.*deadlock" "$tmp/out" || { echo "FAILED: no checks"; fail=1; }
grep -q "hash [0-9a-f]* (equal on a rerun" "$tmp/out" || { echo "FAILED: no hash phrase"; fail=1; }
"$dsim" explore --runs 100000000 --time 0.2 >"$tmp/out" 2>&1
grep -q "time limit stopped it" "$tmp/out" || { echo "FAILED: no --time stop reason: $(cat "$tmp/out")"; fail=1; }
"$dsim" explore --runs 30 --json 2>/dev/null | grep -q '"stopped_by":"runs","checks":\[[^]]*"exec-ids-never-exited"' \
  || { echo "FAILED: json stopped_by/checks"; fail=1; }
# Progress when stderr is not a terminal: a line every few seconds (one is due
# at 5 s; 8 s leave room for slow runs under a sanitizer on a loaded machine).
"$dsim" explore --runs 100000000 --time 8 --progress auto 2>"$tmp/err" >/dev/null
grep -q "^progress: [0-9]* runs" "$tmp/err" || { echo "FAILED: no progress line off a terminal: $(cat "$tmp/err")"; fail=1; }

json=$("$dsim" rpcs --json)
[[ "$json" == *'"operation":"start","legacy":['* && "$json" == *'"objects":["/containerd.services.leases.v1.Leases/Create"'* ]] \
  || { echo "FAILED: rpcs --json: $json"; fail=1; }
exit $fail
