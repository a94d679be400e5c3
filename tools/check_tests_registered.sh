#!/usr/bin/env bash
# Fails when a *_test.cc file is not named in any CMakeLists.txt: a test that drops out of
# the build silently stops testing anything.
set -euo pipefail
cd "$1"
fail=0
while IFS= read -r f; do
  dir=$(dirname "$f"); base=$(basename "$f")
  if ! grep -qs -- "$base" "$dir/CMakeLists.txt"; then
    echo "not built by any target: $f"; fail=1
  fi
done < <(find . -path ./build -prune -o -name '*_test.cc' -print | sort)
[[ $fail -eq 0 ]] && echo "every *_test.cc is built"
exit $fail
