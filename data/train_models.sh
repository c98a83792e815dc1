#!/usr/bin/env bash
# Starts (or, when a checkpoint exists, resumes) the long training runs in
# the background: DRAW in the paper's configuration with and without
# attention, and the IAM-OnDB synthesis and prediction networks. Each logs
# to OUT/NAME.log and checkpoints to OUT/NAME.safetensors.ckpt every 5
# minutes; run it again after a stop to go on where they were.
#   IAM=/tmp/iam/data EXCLUDE=blacklist.txt data/train_models.sh [OUT]
# IAM: the unpacked IAM-OnDB (its lineStrokes/ and ascii/); without it the
# handwriting runs are left out. The binary is copied to OUT first, so that
# rebuilding while they run does not touch them.
# ONLY="draw-attention-t64 handwriting-synth-iam" starts just those (on two
# cores, one or two runs at a time finish sooner than four side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out}"
mkdir -p "$out"
cp build/glimpse "$out/glimpse-run"
G="$out/glimpse-run"
run() {   # run NAME NICE ARGS...: start or resume one training
  local name=$1 nice=$2; shift 2
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then return; fi
  local resume=()
  # EXTEND: options for a resume only (a run that has been extended: --extend-to)
  # INIT: options for a fresh start only (a fine-tune: --init WEIGHTS)
  if [ -f "$out/$name.safetensors.ckpt" ]; then resume=(--resume ${EXTEND:-}); else resume=(${INIT:-}); fi
  if pgrep -f -- "$out/$name.safetensors" >/dev/null; then echo "$name: already running"; return; fi
  nohup nice -n "$nice" "$G" "$@" "${resume[@]}" >>"$out/$name.log" 2>&1 &
  echo "$name: ${resume[*]:-started} (log $out/$name.log)"
}
# DRAW: 40 epochs with the learning rate decaying, then 40 more at --lr-final
# (both the same way, so that the two bounds compare)
EXTEND="--extend-to 80" run draw-attention-t64 5 train draw --steps 64 --read 2 --write 5 --enc 256 --dec 256 --z 100 --batch 100 \
    --epochs 40 --lr 1e-3 --lr-final 1e-4 --every 300 --out "$out/draw-attention-t64.safetensors"
EXTEND="--extend-to 80" run draw-noattention-t64 15 train draw --no-attention --steps 64 --enc 256 --dec 256 --z 100 --batch 100 \
    --epochs 40 --lr 1e-3 --lr-final 1e-4 --every 300 --out "$out/draw-noattention-t64.safetensors"
# DRAW stage 2: a shipped pair (the weights in DRAW_FROM, default assets/) annealed the same way,
# from a fresh Adam warmed up over 300 iterations: 12 epochs from 1e-4 to 1e-5, one thread each
# (two one-thread runs side by side do more on two cores than one after the other on two)
DRAW_FROM="${DRAW_FROM:-assets}"
for v in attention noattention; do
  [ -f "$out/draw-$v-ft.safetensors.ckpt" ] || [ -f "$DRAW_FROM/draw-$v.safetensors" ] || continue
  GLIMPSE_THREADS=1 INIT="--init $DRAW_FROM/draw-$v.safetensors" run draw-$v-ft 5 train draw --epochs 12 --lr 1e-4 --lr-final 1e-5 \
      --warmup 300 --every 300 --out "$out/draw-$v-ft.safetensors"
done
# DRAW stage 3: the stage-2 pair, the rate raised again to 3e-4 and decayed to 1e-5 over 22 epochs
# (another 1e-4 -> 1e-5 anneal gained under 0.1 nats); it starts once stage 2 has written its weights
for v in attention noattention; do
  [ -f "$out/draw-$v-s3.safetensors.ckpt" ] || { [ -f "$out/draw-$v-ft.safetensors" ] &&
    ! pgrep -f -- "$out/draw-$v-ft.safetensors" >/dev/null; } || continue
  GLIMPSE_THREADS=1 INIT="--init $out/draw-$v-ft.safetensors" run draw-$v-s3 5 train draw --epochs 22 --lr 3e-4 --lr-final 1e-5 \
      --warmup 300 --every 300 --out "$out/draw-$v-s3.safetensors"
done
if [ -n "${IAM:-}" ]; then
  ex=(); [ -n "${EXCLUDE:-}" ] && ex=(--exclude "$EXCLUDE")
  run handwriting-synth-iam 5 train handwriting --task synth --data "iam:$IAM" "${ex[@]}" --thin 2 --layers 3 --cells 256 \
      --mixtures 20 --window 10 --batch 32 --lr 1e-3 --iters 7000 --every 300 -o "$out/handwriting-synth-iam.safetensors"
  # the paper's size (3 × 400), for legibility: about 1 s per update on two cores alone; it
  # overfits once the rate decays (from about update 8,000), so -o keeps the update with the
  # best held-out score (scored every 250 updates; stops after 12 scores without a better one, so
  # that the decayed rate gets its chance: at the full rate the score wanders by a few hundredths)
  run handwriting-synth-iam-400 5 train handwriting --task synth --data "iam:$IAM" "${ex[@]}" --thin 2 --layers 3 --cells 400 \
      --mixtures 20 --window 10 --batch 32 --lr 1e-3 --lr-final 1e-4 --decay-from 8000 --iters 12000 --every 300 \
      --eval-every 250 --patience 12 \
      -o "$out/handwriting-synth-iam-400.safetensors"
  # stage 2: the best of that run fine-tuned at a lower rate, the lines with rare characters
  # (digits, some capitals and punctuation) repeated up to 4 times an epoch; it starts once stage 1
  # has stopped (its -o then holds its best update)
  if [ -f "$out/handwriting-synth-iam-400.safetensors" ] && ! pgrep -f -- "$out/handwriting-synth-iam-400.safetensors" >/dev/null; then
    INIT="--init $out/handwriting-synth-iam-400.safetensors" run handwriting-synth-iam-400-ft 5 train handwriting --task synth \
        --data "iam:$IAM" "${ex[@]}" --rare 300 --batch 32 --lr 3e-4 --lr-final 5e-5 --iters 2500 --every 300 \
        --eval-every 250 --patience 6 -o "$out/handwriting-synth-iam-400-ft.safetensors"
  fi
  run handwriting-predict-iam 10 train handwriting --task predict --data "iam:$IAM" "${ex[@]}" --thin 2 --layers 3 --cells 256 \
      --mixtures 20 --batch 32 --lr 1e-3 --iters 7000 --every 300 -o "$out/handwriting-predict-iam.safetensors"
fi
