#!/usr/bin/env bash
# `meson install` puts the binary, its weights, MNIST's test set, a desktop
# entry and an icon under the prefix, and the installed binary finds its
# weights there (not in the source tree): with one installed weights file
# removed, it names the installed path; without the training set it says how
# to fetch it, and `glimpse fetch-data` does.
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
real=$(realpath "$root")
check 'echo "$out" | grep -q "^glimpse: $real/share/glimpse/assets/attention-softmax.safetensors"' \
  "it looks in the installed directory (the path normalised): $out"
# the training data: not installed (only the test set is); the error names the command that fetches it,
# and `glimpse fetch-data` puts it where the installed binary reads it (the user's data directory)
unset GLIMPSE_DATA
export XDG_DATA_HOME="$dest/xdg"
tiny=(train draw --steps 1 --enc 4 --dec 4 --z 2 --limit 100 --batch 50 --epochs 1 --no-eval
      --out "$dest/d.safetensors")
out=$("$root/bin/glimpse" "${tiny[@]}" 2>&1 || true)
check 'echo "$out" | grep -q "glimpse fetch-data" && ! echo "$out" | grep -q "/\.\./"' \
  "without the training set, one line names the command: $out"
check '[ -x "$root/share/glimpse/data/get_mnist.sh" ]' "the data getter is installed"
out=$("$root/bin/glimpse" fetch-data --from "$(dirname "$build")/data/mnist" 2>&1 || true)
check '[ -f "$XDG_DATA_HOME/glimpse/data/mnist/train-images-idx3-ubyte" ]' \
  "fetch-data puts MNIST in the user's data directory: $(echo "$out" | tail -1)"
out=$("$root/bin/glimpse" "${tiny[@]}" 2>&1 || true)
check '[ -f "$dest/d.safetensors" ]' "the installed binary then trains on it: $(echo "$out" | tail -1)"
[ $fail = 0 ]
