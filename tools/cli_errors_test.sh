#!/usr/bin/env bash
# Bad input gets one clear line on stderr and exit status 2.
set -uo pipefail
dsim="$1"
fail=0
expect2() {
  local out rc
  out=$("$dsim" "$@" 2>&1 >/dev/null); rc=$?
  if [[ $rc -ne 2 || $(printf '%s\n' "$out" | wc -l) -ne 1 || "$out" != dsim:* ]]; then
    echo "FAILED: dsim $* -> rc=$rc, stderr: $out"; fail=1
  else
    echo "ok: dsim $* -> $out"
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
expect2 replay
expect2 replay not-a-token
expect2 replay dsim1zz
expect2 replay dsim10400000000
expect2 replay dsim1000000 --format pdf
expect2 rpcs --client bogus
expect2 explore --scenario no-such-scenario
expect2 explore --client bogus
expect2 check
expect2 explore --jitter=sometimes
bad=$(mktemp --suffix=.textproto)
printf 'container { id: "c1" args: ["run"] }\nclient { name: "x" call { op: BOGUS } }\n' >"$bad"
expect2 explore --scenario "$bad"
rm -f "$bad"
expect2 rpcs --no-such-flag
json=$("$dsim" rpcs --json)
[[ "$json" == *'"operation":"start","legacy":['* && "$json" == *'"objects":["/containerd.services.leases.v1.Leases/Create"'* ]] \
  || { echo "FAILED: rpcs --json: $json"; fail=1; }
"$dsim" --help | grep -q "usage: dsim explore" || { echo "FAILED: --help"; fail=1; }
exit $fail
