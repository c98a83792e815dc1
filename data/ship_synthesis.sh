#!/usr/bin/env bash
# Makes a trained synthesis network the shipped one and remakes everything
# in the repository that shows it: the weights in assets/, the README's
# pictures (five sentences at bias 1 and 2, the window figure), the synthesis view's style
# presets and screenshot. Then it measures the README's figures into a log
# (held-out loss, end of text over 200 held-out texts, the step and line
# times, the PyTorch twin's step) for the README to quote; nothing is
# written into the README itself.
#
#   IAM=/tmp/iam/data EXCLUDE=blacklist.txt data/ship_synthesis.sh MODEL [LOG]
#
# IAM (optional): the unpacked IAM-OnDB, for the held-out figures. Run it on a
# quiet machine: the speed figures are medians but the machine is shared.
set -euo pipefail
source "$(dirname "$0")/glimpse_lib.sh"
MODEL="${1:?usage: data/ship_synthesis.sh MODEL [LOG]}"
LOG="${2:-ship-synthesis.log}"
"$G" write "a" --model "$MODEL" --max-steps 1 --json >/dev/null || { echo "ship_synthesis: $MODEL is not a synthesis network glimpse can run" >&2; exit 1; }

dst=assets/handwriting-synth.safetensors
if ! cmp -s "$MODEL" "$dst"; then cp "$MODEL" "$dst.tmp" && mv "$dst.tmp" "$dst"; fi
echo "ship_synthesis: $dst is $MODEL" | tee "$LOG"

step() { echo "+ $*" | tee -a "$LOG"; "$@" 2>&1 | tr '\r' '\n' | grep -v '^\(bench\|eval\|write\) .*\[' | tee -a "$LOG"; }
if [ -n "${IAM:-}" ]; then
  ex=(); [ -n "${EXCLUDE:-}" ] && ex=(--exclude "$EXCLUDE")
  step "$G" bench handwriting --data "iam:$IAM" "${ex[@]}" --picture assets/handwriting/five-sentences.png
  step "$G" eval handwriting --data "iam:$IAM" "${ex[@]}"
  step "$G" eval handwriting --data "iam:$IAM" "${ex[@]}" --batch1 40
else
  step "$G" bench handwriting --picture assets/handwriting/five-sentences.png
fi
step "$G" bench handwriting --sentences 20 --no-twin --bias 2 --picture assets/handwriting/five-sentences-bias2.png
step "$G" write "Soft attention, 1308.0850" --bias 1 --seed 2 --window assets/handwriting/window.png -o "${TMPDIR:-/tmp}/ship-line.png"
step data/make_styles.sh
step env SDL_VIDEODRIVER=offscreen "$G" --view synthesis --screenshot assets/screenshots/handwriting-synthesis.png \
    --script app/gui/scripts/screenshot-handwriting-synthesis.txt
echo "ship_synthesis: pictures, presets and screenshot remade; figures in $LOG (quote them in the README)"
