# shellcheck shell=bash disable=SC2034 # fail is read by the sourcing script
# tools/test_checks.sh: what the proxy and real-dockerd test scripts share
# (sourced): a named check that prints ok/FAILED and sets fail, and a bounded
# poll (tests wait for a condition, never for a fixed time).
fail=0
check() { # check NAME EXPECTED-REGEX OUTPUT
  if [[ "$3" =~ $2 ]]; then echo "ok: $1"; else echo "FAILED: $1: got: $3"; fail=1; fi
}
# until_ok TENTHS CMD...: polls CMD every 0.1 s until it succeeds, at most
# TENTHS times.
until_ok() {
  local n=$1 k; shift
  for ((k = 0; k < n; k++)); do "$@" && return 0; sleep 0.1; done
  return 1
}
