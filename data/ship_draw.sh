#!/usr/bin/env bash
# Makes a trained pair of DRAW models (with and without attention, trained
# the same way) the shipped ones and remakes everything in the repository
# that shows them: the weights in assets/, the README's pictures (both 10x10
# sample grids, the 64 steps of seed 1) and the two DRAW screenshots. Then it
# measures the README's figures into a log (`bench draw` of each, and seed 1's
# windows for the frames' caption); nothing is written into the README itself.
#
#   data/ship_draw.sh ATTENTION NOATTENTION [LOG]
#
# Run it on a quiet machine: the speed figures are medians but the machine is
# shared.
set -euo pipefail
source "$(dirname "$0")/glimpse_lib.sh"
ATT="${1:?usage: data/ship_draw.sh ATTENTION NOATTENTION [LOG]}"
NOATT="${2:?usage: data/ship_draw.sh ATTENTION NOATTENTION [LOG]}"
LOG="${3:-ship-draw.log}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
check() {   # check FILE WANT: FILE is a DRAW model with (WANT=1) or without (0) attention
  "$G" draw --weights "$1" --json --seed 1 >"$tmp/probe.json" 2>"$tmp/probe.err" ||
    { echo "ship_draw: $1: $(head -n1 "$tmp/probe.err")" >&2; exit 1; }
  local has; has=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(bool(d.get("attention"))))' "$tmp/probe.json" 2>/dev/null || echo "?")
  [ "$has" = "$2" ] || { echo "ship_draw: $1 is not a DRAW model $([ "$2" = 1 ] && echo with || echo without) attention" >&2; exit 1; }
}
check "$ATT" 1
check "$NOATT" 0

: >"$LOG"
for pair in "$ATT:assets/draw-attention.safetensors" "$NOATT:assets/draw-noattention.safetensors"; do
  src=${pair%%:*} dst=${pair#*:}
  if ! cmp -s "$src" "$dst"; then cp "$src" "$dst.tmp" && mv "$dst.tmp" "$dst"; fi
  echo "ship_draw: $dst is $src" | tee -a "$LOG"
done

step() { echo "+ $*" | tee -a "$LOG"; "$@" 2>&1 | tr '\r' '\n' | { grep -v '^\(bench\|eval\|draw\) .*\[' || true; } | tee -a "$LOG"; }
step "$G" draw -o assets/draw/samples-10x10.png --grid 10 --seed 1
step "$G" draw -o assets/draw/samples-noattention-10x10.png --grid 10 --seed 1 --weights assets/draw-noattention.safetensors
step "$G" draw -o assets/draw/generate-frames.png --frames --wrap 16 --seed 1 --scale 3
# seed 1's windows, a line a step, for the caption of the frames
echo "+ seed 1's write windows (step: box side (N-1)δ, centre, γ)" | tee -a "$LOG"
"$G" draw --json --seed 1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
n = d["write_n"]
for s in d["samples"][0]["steps"]:
    w = s["write"]
    print("%2d: box %5.1f px  centre (%5.1f, %5.1f)  gamma %.3f" % (s["t"], (n - 1) * w["delta"], w["gx"], w["gy"], w["gamma"]))
' | tee -a "$LOG"
for v in generate reconstruct; do
  step env SDL_VIDEODRIVER=offscreen "$G" --view draw --screenshot "assets/screenshots/draw-$v.png" \
      --script "app/gui/scripts/screenshot-draw-$v.txt"
done
step "$G" bench draw
step "$G" bench draw --weights assets/draw-noattention.safetensors
echo "ship_draw: weights, pictures and screenshots remade; figures in $LOG (quote them in the README)"
