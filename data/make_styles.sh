#!/usr/bin/env bash
# Regenerates the synthesis view's style presets, assets/handwriting/styles/:
# lines the shipped synthesis model writes itself at fixed seeds, saved by
# `glimpse write --save-style` (points, text and the model's normalisation).
# Never from a data set's lines. Run it again whenever the shipped model
# changes: the view leaves out presets written by a model with another
# normalisation, and says so.
#
#   data/make_styles.sh [MODEL] [OUTDIR]
#
# The text is a mixed-case one with punctuation and digits when the model
# can write it, else a lower-case one. Seeds 1, 2, ... in turn; a seed whose
# line does not end on its own is passed over (the script says so), until
# there are four presets.
set -euo pipefail
source "$(dirname "$0")/glimpse_lib.sh"
MODEL="${1:-assets/handwriting-synth.safetensors}"
OUT="${2:-assets/handwriting/styles}"
BIAS="${BIAS:-0.75}"
TEXT="A quick brown fox, 1984."
if ! "$G" write "$TEXT" --model "$MODEL" --max-steps 1 --json >/dev/null 2>&1; then TEXT="a quick brown fox"; fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
made=0; seed=1
while [ $made -lt 4 ] && [ $seed -le 16 ]; do
  n=$((made + 1))
  if "$G" write "$TEXT" --model "$MODEL" --seed $seed --bias "$BIAS" --name "style $n" --save-style "$tmp/style-$n.json" 2>"$tmp/err"; then
    echo "make_styles: style $n: \"$TEXT\", seed $seed, bias $BIAS"
    made=$n
  else
    echo "make_styles: seed $seed passed over: $(cat "$tmp/err")"
  fi
  seed=$((seed + 1))
done
[ $made -eq 4 ] || { echo "make_styles: only $made presets from seeds 1..16" >&2; exit 1; }
mkdir -p "$OUT"
rm -f "$OUT"/style-*.json
mv "$tmp"/style-*.json "$OUT"/
echo "make_styles: wrote $OUT/style-1.json .. style-4.json"
