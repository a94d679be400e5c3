#!/usr/bin/env bash
# tools/fuzz_run.sh: the bounded fuzz run (`make fuzz`, part of `make test`).
# Builds the `fuzz` preset (clang-16, libFuzzer, ASan + UBSan), then for each
# target in fuzz/:
#   1. replays every input in fuzz/regressions/<target>/ (a crash once found
#      must stay fixed);
#   2. fuzzes for FUZZ_SECONDS (default 60) over a copy of fuzz/corpus/<target>/
#      (with the dictionary fuzz/<target>.dict when there is one) in a
#      temporary directory, which is also the working directory, and is
#      removed at the end. The targets run side by side (FUZZ_JOBS at a time,
#      default all of them).
# A crash, leak, timeout or out-of-memory input found is copied to
# fuzz/regressions/<target>/ (commit it with the fix) and the run fails.
#
# Usage: tools/fuzz_run.sh [TARGET...]      (default: every target)
# Environment: FUZZ_SECONDS, FUZZ_JOBS, FUZZ_KEEP_CORPUS=DIR (copy the grown
# corpora there instead of dropping them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-60}
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(scenario_parser_fuzzer token_decoder_fuzzer flag_parser_fuzzer)
fi
jobs=${FUZZ_JOBS:-${#targets[@]}}

start=$(date +%s)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
built=$(date +%s)
bin="$root/build/fuzz/bin"

work=$(mktemp -d "${TMPDIR:-/tmp}/dsim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# Symbolized stacks when an llvm-symbolizer is installed (llvm-16 is only
# recommended by clang-16; any version reads the line tables).
if sym=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer); then
  export ASAN_SYMBOLIZER_PATH="$sym"
fi
libfuzzer_flags=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)

fail=0

# 1. The regression inputs, as a plain reproduction pass.
for t in "${targets[@]}"; do
  shopt -s nullglob
  regressions=("$root/fuzz/regressions/$t"/*)
  shopt -u nullglob
  [[ ${#regressions[@]} -gt 0 ]] || continue
  mkdir -p "$work/replay-$t"
  if (cd "$work/replay-$t" && "$bin/$t" "${libfuzzer_flags[@]}" "${regressions[@]}" \
        </dev/null >"$work/replay-$t.log" 2>&1); then
    echo "fuzz: $t: ${#regressions[@]} regression inputs pass"
  else
    echo "FAILED: fuzz: $t: a regression input fails again:"
    tail -n 40 "$work/replay-$t.log"
    fail=1
  fi
done

# 2. Bounded fuzzing, each target in its own directory.
fuzz_one() {
  local t=$1 dir="$work/$1" dict=()
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$root/fuzz/corpus/$t"/* "$dir/corpus/"
  [[ -f "$root/fuzz/$t.dict" ]] && dict=(-dict="$root/fuzz/$t.dict")
  (cd "$dir" && "$bin/$t" "${libfuzzer_flags[@]}" "${dict[@]}" -max_total_time="$seconds" \
      -artifact_prefix="$dir/artifacts/" corpus </dev/null >"$dir/log" 2>&1)
}
pids=()
running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  pids+=($!)
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

for i in "${!targets[@]}"; do
  t=${targets[$i]} dir="$work/${targets[$i]}"
  shopt -s nullglob
  found=("$dir/artifacts"/*)
  shopt -u nullglob
  stats=$(grep -E '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}' || true)
  if [[ ${#found[@]} -gt 0 ]] || ! grep -q '^Done [0-9]* runs' "$dir/log"; then
    echo "FAILED: fuzz: $t found a problem:"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*_fuzzer: )' "$dir/log" | head -n 5 || true
    tail -n 30 "$dir/log"
    mkdir -p "$root/fuzz/regressions/$t"
    for f in "${found[@]}"; do
      cp "$f" "$root/fuzz/regressions/$t/"
      echo "  input kept as fuzz/regressions/$t/$(basename "$f") (reproduce: $bin/$t $root/fuzz/regressions/$t/$(basename "$f"))"
    done
    fail=1
  else
    echo "fuzz: $t: ${stats:-?} inputs in ${seconds} s, no problem found" \
         "(corpus $(ls "$dir/corpus" | wc -l) inputs)"
  fi
  if [[ -n "${FUZZ_KEEP_CORPUS:-}" ]]; then
    mkdir -p "$FUZZ_KEEP_CORPUS/$t"
    cp "$dir/corpus"/* "$FUZZ_KEEP_CORPUS/$t/"
  fi
done

echo "fuzz: build $((built - start)) s, total $(($(date +%s) - start)) s"
exit $fail
