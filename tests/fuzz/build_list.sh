#!/usr/bin/env bash
# The fuzz build (tests/fuzz/run.sh) compiles the engine by hand with clang, not through meson, so a source file
# that meson builds with its own instruction-set flags must be handled there too, or CI's fuzz stage fails to
# compile while every meson test passes. This checks that every file engine/meson.build names in a files(...)
# of its own (the kernels built per instruction set) is named in tests/fuzz/run.sh.
#   tests/fuzz/build_list.sh [SOURCE_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
bad=0 n=0
for f in $(grep -o "files('[^']*\.c')" engine/meson.build | sed "s/files('\(.*\)')/\1/"); do
  n=$((n + 1))
  if ! grep -q "engine/$f" tests/fuzz/run.sh; then
    echo "tests/fuzz/run.sh does not build engine/$f the way engine/meson.build does (its own flags)" >&2
    bad=1
  fi
done
[ $n -gt 0 ] || { echo "no per-instruction-set file found in engine/meson.build (the check is out of date)" >&2; exit 1; }
[ $bad = 0 ] && echo "the fuzz build names all $n kernel files of engine/meson.build"
exit $bad
