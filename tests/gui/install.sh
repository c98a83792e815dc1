#!/usr/bin/env bash
# `meson install` puts the binary, its weights, MNIST's test set, a desktop
# entry and an icon under the prefix, and the installed binary finds its
# weights there (not in the source tree): with one installed weights file
# removed, it names the installed path.
set -euo pipefail
build="$1"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root="$dest$prefix"
fail=0
check() { if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi; }
check '[ -x "$root/bin/glimpse" ]' "the binary is installed"
check '[ -f "$root/share/glimpse/assets/attention-softmax.safetensors" ]' "the weights are installed"
check '[ -f "$root/share/glimpse/assets/handwriting/styles/style-1.json" ]' "the synthesis view's style presets are installed"
check '[ -f "$root/share/applications/glimpse.desktop" ]' "a desktop entry is installed"
check 'grep -q "^Exec=$prefix/bin/glimpse" "$root/share/applications/glimpse.desktop"' "it starts the installed binary"
check 'grep -q "^Icon=glimpse" "$root/share/applications/glimpse.desktop"' "it names the icon"
check '[ -f "$root/share/icons/hicolor/scalable/apps/glimpse.svg" ]' "the icon is installed"
if command -v desktop-file-validate >/dev/null; then
  check 'desktop-file-validate "$root/share/applications/glimpse.desktop"' "the desktop entry is valid"
fi
unset GLIMPSE_ASSETS
out=$("$root/bin/glimpse" attend --index 0 --data "$(dirname "$build")/data/mnist" 2>&1 || true)
check 'echo "$out" | grep -q "predicted\|pred"' "the installed binary runs with its installed weights: $(echo "$out" | head -1)"
rm "$root/share/glimpse/assets/attention-softmax.safetensors"
out=$("$root/bin/glimpse" attend --index 0 --data "$(dirname "$build")/data/mnist" 2>&1 || true)
check 'echo "$out" | grep -q "$root/bin/../share/glimpse/assets/attention-softmax.safetensors"' "it looks in the installed directory: $out"
[ $fail = 0 ]
