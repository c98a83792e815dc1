#!/usr/bin/env bash
# Regenerates tests/fuzz/seeds/: small valid files of every format, made by
# glimpse itself (tiny models of every kind, weights and checkpoints, write
# --json primers) and by tests/fuzz/make_seeds.py (other dtypes, images of
# every PNG colour type and depth, PGMs, IDX, scripts, argument lists).
# Seeds that reach deep: a fuzzer starting from valid files of each model
# kind mutates the metadata checks, not only the header's first bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${G:-build/glimpse}
S=tests/fuzz/seeds
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
rm -rf $S; mkdir -p $S/{safetensors,json,idx,image,iam,jhf,style,script,args}
export GLIMPSE_QUIET=1 OPENBLAS_NUM_THREADS=1
for k in softmax gaussian feature; do
  $G train attention --key $k --hidden 4 --limit 20 --batch 10 --epochs 1 --cnn-epochs 0 --out "$T/attn-$k.safetensors" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
done
$G train draw --limit 20 --batch 10 --epochs 1 --steps 2 --enc 2 --dec 2 --z 1 --read 1 --write 1 --no-eval --out "$T/draw-att.safetensors" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
$G train draw --no-attention --limit 20 --batch 10 --epochs 1 --steps 1 --enc 1 --dec 1 --z 1 --no-eval --out "$T/draw-noatt.safetensors" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
$G train handwriting --task synth --lines 10 --words 1 --layers 1 --cells 2 --mixtures 1 --window 1 --batch 4 --iters 1 -o "$T/hw-synth.safetensors" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
$G train handwriting --task predict --lines 10 --words 1 --layers 2 --cells 1 --mixtures 1 --batch 4 --iters 1 -o "$T/hw-pred.safetensors" >/dev/null 2>"$T/err" || { cat "$T/err"; exit 1; }
# weights of every kind; checkpoints (Adam moments, with_opt) of the small ones
cp "$T"/*.safetensors "$T"/draw-att.safetensors.ckpt "$T"/hw-*.ckpt $S/safetensors/
$G write "ab" --model "$T/hw-synth.safetensors" --max-steps 12 --json > $S/style/write.json 2>/dev/null || true
python3 tests/fuzz/make_seeds.py $S
cp tests/handwriting/fixtures/iam/lineStrokes/t01/t01-000/*.xml $S/iam/
cp tests/handwriting/fixtures/iam/ascii/t01/t01-000/*.txt $S/iam/
cp tests/handwriting/fixtures/hershey/*.jhf $S/jhf/
du -sh $S/*
