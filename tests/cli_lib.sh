# Shared by the tests/*/cli.sh scripts: sourced after setting G (the glimpse
# executable). Gives a scratch directory $T, counters and the checks.
set -u
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail=0; n=0
ok()   { n=$((n+1)); }
bad()  { n=$((n+1)); fail=$((fail+1)); echo "FAIL: $*" >&2; }
# expect_err "what" "pattern" cmd...: non-zero exit, exactly one line on stderr matching pattern
expect_err() {
  local what="$1" pat="$2"; shift 2
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ $rc -eq 0 ]; then bad "$what: exit 0"; return; fi
  if [ "$(wc -l <"$T/err")" -ne 1 ]; then bad "$what: stderr has $(wc -l <"$T/err") lines: $(cat "$T/err")"; return; fi
  grep -q -- "$pat" "$T/err" && ok || bad "$what: '$(cat "$T/err")' lacks '$pat'"
}
summary() { echo "$n checks, $fail failed"; [ $fail -eq 0 ]; }
