#!/usr/bin/env bash
# glimpse's attention commands from the outside: help, every bad-input case
# ends with a one-line error and a non-zero status, and the good paths work.
G="$1"
source "$(dirname "$0")/../cli_lib.sh"
A="${GLIMPSE_ASSETS:-assets}"

"$G" --help | grep -q "train attention" && ok || bad "--help lists commands"
"$G" attend --help | grep -q -- "--index" && ok || bad "attend --help"
expect_err "unknown command" "unknown command" "$G" frobnicate
expect_err "unknown option" "unknown option" "$G" attend --index 3 --bogus
expect_err "unknown key" "unknown key type 'wavelet'" "$G" attend --key wavelet --index 0
expect_err "index out of range" "--index" "$G" attend --index 10000
expect_err "neither index nor image" "exactly one of" "$G" attend
expect_err "missing image" "cannot open" "$G" attend --image "$T/nope.png"
printf 'P5\n4 4\n255\n' > "$T/trunc.pgm"; printf '\0\0' >> "$T/trunc.pgm"
expect_err "truncated pgm" "truncated PGM" "$G" attend --image "$T/trunc.pgm"
printf 'P2\n3 3\n255\n0 0 0\n0 0 0\n0 0 0\n' > "$T/empty.pgm"
expect_err "empty drawing" "no ink" "$G" attend --image "$T/empty.pgm"
echo "not an image" > "$T/x.png"
expect_err "not an image" "not a PNG or PGM" "$G" attend --image "$T/x.png"

# bench train: a few steps of the shipped model; bad model names and thread lists are one line
expect_err "bench train needs a model" "needs one model" "$G" bench train
expect_err "bench train unknown model" "unknown model 'bogus'" "$G" bench train bogus
expect_err "bench train bad threads" "--threads takes counts" "$G" bench train attention --threads 1,x
"$G" bench train attention --steps 3 --threads 1,2 --no-twin >"$T/bt.out" 2>&1
grep -q "1 thread: sgemm" "$T/bt.out" && grep -q "2 threads: sgemm" "$T/bt.out" && grep -Eq "training, 2 threads +glimpse +[0-9.e+]+ samples/s" "$T/bt.out" \
  && ok || bad "bench train attention: $(cat "$T/bt.out")"

# bench products: every shape measured on both paths, extra words refused
"$G" bench products --reps 5 >"$T/bp.out" 2>&1
[ "$(grep -Ec '^(handwriting|synthesis|DRAW).* [0-9]+x[0-9]+x[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+x$' "$T/bp.out")" = 11 ] \
  && ok || bad "bench products: $(cat "$T/bp.out")"
expect_err "bench products extra word" "extra" "$G" bench products extra

M="$A/attention-softmax.safetensors"
head -c 100 "$M" > "$T/trunc.safetensors"
expect_err "truncated weights" "truncated" "$G" attend --model "$T/trunc.safetensors" --index 0
python3 - "$M" "$T/nan.safetensors" <<'PY'
import sys, struct
b = bytearray(open(sys.argv[1], 'rb').read())
b[-4:] = struct.pack('<f', float('nan'))
open(sys.argv[2], 'wb').write(b)
PY
expect_err "NaN weights" "NaN" "$G" attend --model "$T/nan.safetensors" --index 0
python3 - "$M" "$T/shape.safetensors" <<'PY'
import sys, struct, json
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8+n])
h['__metadata__']['hidden'] = str(int(h['__metadata__']['hidden']) + 1)
hb = json.dumps(h).encode(); hb += b' ' * ((8 - len(hb) % 8) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8+n:])
PY
expect_err "shape mismatch" "shape" "$G" attend --model "$T/shape.safetensors" --index 0
python3 - "$M" "$T/other.safetensors" <<'PY'
import sys, struct, json
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8+n])
h['__metadata__']['model'] = 'something-else'
hb = json.dumps(h).encode(); hb += b' ' * ((8 - len(hb) % 8) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8+n:])
del h['__metadata__']['digest']   # a file of another tool's: no digest
hb = json.dumps(h).encode(); hb += b' ' * ((8 - len(hb) % 8) % 8)
open(sys.argv[2] + '.nodigest', 'wb').write(struct.pack('<Q', len(hb)) + hb + b[8+n:])
PY
expect_err "edited metadata" "does not match its digest" "$G" attend --model "$T/other.safetensors" --index 0
expect_err "other model's file" "not a glimpse attention model" "$G" attend --model "$T/other.safetensors.nodigest" --index 0

# good paths
"$G" attend --key softmax --index 0 --json > "$T/a.json" && ok || bad "attend --json"
python3 - "$T/a.json" <<'PY' && ok || bad "attend --json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["label"] == 7 and len(d["steps"]) == 10
for s in d["steps"]:
    m = s["mask"]; assert len(m) == 14 and all(len(r) == 14 for r in m)
    assert abs(sum(map(sum, m)) - 1) < 1e-3 and abs(sum(s["probs"]) - 1) < 1e-3
PY
# --hidden: the LSTM state of each step (the shipped models' 128 cells), which the probabilities are read from
"$G" attend --key softmax --index 0 --json --hidden > "$T/h.json" && ok || bad "attend --json --hidden"
python3 - "$T/a.json" "$T/h.json" <<'PY' && ok || bad "attend --hidden content"
import json, sys
a, h = (json.load(open(p)) for p in sys.argv[1:3])
assert all("h" not in s for s in a["steps"])
assert all(len(s["h"]) == 128 and all(-1 <= v <= 1 for v in s["h"]) for s in h["steps"])
assert h["steps"][0]["h"] != h["steps"][9]["h"] and [s["probs"] for s in h["steps"]] == [s["probs"] for s in a["steps"]]
PY
expect_err "attend --hidden without --json" "goes with --json" "$G" attend --index 0 --hidden
"$G" attend --key gaussian --index 1 --png "$T/fig.png" >/dev/null && python3 -c "
import sys; b=open('$T/fig.png','rb').read(); assert b[:8]==b'\x89PNG\r\n\x1a\n' and len(b)>2000" && ok || bad "attend --png"
# a tiny training run writes weights and a checkpoint; --resume picks it up
"$G" train attention --key gaussian --hidden 16 --limit 300 --epochs 1 --cnn-epochs 1 --batch 50 \
    --threads 1 --out "$T/tiny.safetensors" >"$T/train.out" 2>"$T/train.err" && ok || bad "tiny training: $(tail -1 "$T/train.err")"
[ -f "$T/tiny.safetensors" ] && [ -f "$T/tiny.safetensors.ckpt" ] && ok || bad "weights and checkpoint written"
ls "$T" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok
"$G" train attention --key gaussian --hidden 16 --limit 300 --epochs 1 --cnn-epochs 1 --batch 50 \
    --threads 1 --out "$T/tiny.safetensors" --resume >"$T/resume.out" 2>"$T/resume.err" && grep -q "resuming" "$T/resume.err" && ok || bad "resume"
expect_err "resume with another key" "written with --key gaussian, not softmax" "$G" train attention --key softmax --hidden 16 --limit 300 --epochs 1 \
    --batch 50 --out "$T/tiny.safetensors" --resume
expect_err "resume with another batch" "written with --batch 50, not 25" "$G" train attention --key gaussian --batch 25 \
    --threads 1 --out "$T/tiny.safetensors" --resume
expect_err "resume with another limit" "written with --limit 300, not 200" "$G" train attention --key gaussian --limit 200 \
    --threads 1 --out "$T/tiny.safetensors" --resume
expect_err "resume with another lr" "written with --lr 0.002, not 0.01" "$G" train attention --key gaussian --lr 0.01 \
    --threads 1 --out "$T/tiny.safetensors" --resume
# left out, the checkpoint's values are taken, and said
"$G" train attention --key gaussian --threads 1 --out "$T/tiny.safetensors" --resume >/dev/null 2>"$T/resume2.err" \
  && grep -q "resuming with the checkpoint's --hidden 16 --limit 300 --epochs 1" "$T/resume2.err" && ok || bad "resume takes the checkpoint's options: $(cat "$T/resume2.err")"
"$G" eval attention --model "$T/tiny.safetensors" --limit 100 | grep -q "attention/gaussian: test accuracy" && ok || bad "eval --model"
# Ctrl-C ends a run after the step at hand with a checkpoint of that step
# (--every is far off here), status 130, no weights written; --resume goes on from it
env -u GLIMPSE_QUIET "$G" train attention --key gaussian --hidden 16 --limit 300 --epochs 1000 --cnn-epochs 1 --batch 50 \
    --threads 1 --every 100000 --out "$T/int.safetensors" >/dev/null 2>"$T/int.err" &
pid=$!
for i in $(seq 600); do grep -q "train \[" "$T/int.err" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
kill -INT $pid; wait $pid; rc=$?
[ $rc -eq 130 ] && grep -q "stopped (interrupted) at step [1-9][0-9]* of .*int.safetensors.ckpt holds it" "$T/int.err" \
  && [ ! -e "$T/int.safetensors" ] && ok || bad "Ctrl-C: rc $rc, $(tail -2 "$T/int.err")"
at=$(grep -o "at step [0-9]*" "$T/int.err" | grep -o "[0-9]*")
"$G" train attention --key gaussian --threads 1 --out "$T/int.safetensors" --resume >/dev/null 2>"$T/int2.err" &
pid=$!
for i in $(seq 600); do grep -q "resuming" "$T/int2.err" 2>/dev/null && break; sleep 0.1; done
kill -TERM $pid; wait $pid; rc=$?
[ $rc -eq 143 ] && grep -q "resuming .* at step ${at:-x}$" "$T/int2.err" && ok || bad "resume after Ctrl-C (step ${at:-?}), then TERM: rc $rc, $(head -2 "$T/int2.err")"
# issue 14: crafted and odd input is one line, never a crash or gigabytes
C="python3 tests/crafted.py"
expect_err "model is a directory" "is a directory" "$G" attend --model "$T" --index 0
$C st-wrap "$T/wrap.safetensors"; $C st-meta-array "$T/meta.safetensors"; $C st-frac "$T/frac.safetensors"
expect_err "shape product overflow" "bad shape" "$G" attend --model "$T/wrap.safetensors" --index 0
expect_err "__metadata__ an array" "__metadata__ is not an object" "$G" attend --model "$T/meta.safetensors" --index 0
expect_err "fractional offsets" "not whole numbers" "$G" attend --model "$T/frac.safetensors" --index 0
$C png-huge "$T/huge.png"; $C pgm-wide "$T/wide.pgm"; $C pgm-pixel "$T/pixel.pgm"; $C pgm-grey "$T/grey.pgm"
[ "$(stat -c %s "$T/huge.png")" -lt 100 ] && ok || bad "a PNG of under 100 bytes"
expect_err "1,000,000 x 1,000,000 PNG" "outside the limits" "$G" attend --image "$T/huge.png"
expect_err "23-digit PGM width" "too large" "$G" attend --image "$T/wide.pgm"
expect_err "20-digit PGM pixel" "above the maximum" "$G" attend --image "$T/pixel.pgm"
expect_err "uniform grey image" "no digit" "$G" attend --image "$T/grey.pgm"
expect_err "extra argument" "unexpected argument 'extra'" "$G" attend --index 0 extra
expect_err "extra argument to train" "unexpected argument '7'" "$G" train attention --out "$T/seven.safetensors" --limit 10 --epochs 0 --cnn-epochs 0 7
expect_err "extra argument to eval" "unexpected argument" "$G" eval attention --limit 10 more
summary
