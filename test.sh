#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test.
#   ./test.sh              release build in build/
#   ./test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
# Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
dir=build; opts=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  opts=(-Db_sanitize=address,undefined -Dbuildtype=debugoptimized -Db_lundef=false)
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export GLIMPSE_TEST_SLOW=3   # timed GUI runs (the Train view's 20 s) get 3 times as long
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
fi
if [ -d "$dir" ]; then meson setup --reconfigure "$dir" "${opts[@]}" >/dev/null
else meson setup "$dir" "${opts[@]}" >/dev/null; fi
meson compile -C "$dir" >/dev/null
meson test -C "$dir" --print-errorlogs --num-processes 2 || true
python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL", "SKIP"): ok += 1
    else:
        bad += 1
        print("FAILED:", r["name"], r["result"])
print(f"{ok} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
