#!/usr/bin/env bash
# glimpse's cluttered-MNIST commands from the outside: bad input ends with a
# one-line error and a non-zero status; a tiny train / resume / eval / find /
# bench round trip works (needs MNIST: data/get_mnist.sh).
G="$1"
source "$(dirname "$0")/../cli_lib.sh"

"$G" train cluttered --help | grep -q -- "--no-attention" && ok || bad "train cluttered --help"
"$G" find --help | grep -q -- "--image" && ok || bad "find --help"
expect_err "bad glimpses" "--glimpses must be" "$G" train cluttered --glimpses 0
expect_err "bad read" "--read must be" "$G" train cluttered --read 99
expect_err "bad clutter" "--clutter must be" "$G" train cluttered --clutter 65
expect_err "init and resume" "give one of them" "$G" train cluttered --init x --resume
expect_err "find needs an input" "needs one of --image FILE or --index K" "$G" find
expect_err "find both inputs" "needs one of --image FILE or --index K" "$G" find --image a.png --index 3
expect_err "find bad index" "--index must be" "$G" find --index 10000
expect_err "grid without png" "--grid needs --png" "$G" find --index 0 --grid 4
expect_err "missing weights" "cannot open\|No such file" "$G" find --index 0 --weights "$T/none.safetensors"
expect_err "resume without checkpoint" "cannot resume" "$G" train cluttered --out "$T/none.safetensors" --resume --limit 100
echo "not weights" > "$T/junk.safetensors"
expect_err "junk weights" "truncated\|header" "$G" eval cluttered --weights "$T/junk.safetensors"
# an image of another size is refused, naming its size
python3 - "$T/small.pgm" <<'PY'
import sys
open(sys.argv[1], "wb").write(b"P5\n28 28\n255\n" + bytes(784))
PY
expect_err "wrong size" "is 28x28; the search reads 100x100" "$G" find --image "$T/small.pgm" --no-attention

# a tiny model: train, resume (refused with other options), eval, find, bench
W="$T/c.safetensors"
"$G" train cluttered --limit 256 --batch 32 --epochs 2 --hidden 16 --eval-n 40 --out "$W" >"$T/train.out" 2>&1 \
  && [ -s "$W" ] && [ -s "$W.ckpt" ] && grep -q "test error .* on 10000 images" "$T/train.out" && ok \
  || bad "train cluttered: $(cat "$T/train.out")"
expect_err "resume other epochs" "written with --epochs 2, not 3" "$G" train cluttered --limit 256 --batch 32 --epochs 3 --out "$W" --resume
expect_err "resume other clutter" "written with --clutter 8, not 4" "$G" train cluttered --clutter 4 --out "$W" --resume
"$G" train cluttered --out "$W" --resume --no-eval 2>"$T/resume.err" >/dev/null \
  && grep -q "resuming .* at iteration 16" "$T/resume.err" && ok || bad "resume: $(cat "$T/resume.err")"
"$G" eval cluttered --weights "$W" --limit 100 --steps >"$T/eval.out" 2>&1 \
  && grep -q "^test error [0-9.]*%$" "$T/eval.out" && grep -q "after glimpse 8" "$T/eval.out" && ok || bad "eval: $(cat "$T/eval.out")"
"$G" find --index 5 --weights "$W" --json >"$T/f.json" && python3 - "$T/f.json" <<'PY' && ok || bad "find --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["model"] == "cluttered" and len(j["steps"]) == 8 and 0 <= j["class"] <= 9, j
for s in j["steps"]:
    assert abs(sum(s["probs"]) - 1) < 1e-4 and s["box"] > 0 and s["sigma2"] >= 0.25 and s["delta"] >= 0.7, s
assert j["steps"][0]["box"] > 98, "the first window covers the image"
PY
"$G" find --index 5 --weights "$W" --json --hidden | python3 -c "
import json, sys
j = json.load(sys.stdin)
assert all(len(s['h']) == 16 and all(-1 <= v <= 1 for v in s['h']) for s in j['steps'])
" && ok || bad "find --json --hidden: the state after each glimpse"
"$G" find --index 5 --weights "$W" --png "$T/f.png" >/dev/null && python3 - "$T/f.png" <<'PY' && ok || bad "find --png"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", b[16:24])
assert w >= 400 and h >= 400, (w, h)
PY
"$G" find --index 0 --grid 8 --weights "$W" --png "$T/g.png" >"$T/g.out" && grep -q "test images 0-7" "$T/g.out" && ok || bad "find --grid"
# an image file round trip: the PGM of a fixed test image names the same class as --index
python3 - "$T/f.json" "$T/img.pgm" <<'PY'
import sys
open(sys.argv[2], "wb").write(b"P5\n100 100\n255\n" + bytes(10000))
PY
"$G" find --image "$T/img.pgm" --weights "$W" --json >/dev/null && ok || bad "find --image (an empty canvas is an image)"
"$G" bench cluttered --weights "$W" --runs 20 --limit 200 --no-twin >"$T/bench.out" 2>&1 \
  && grep -q "one image, 8 glimpses" "$T/bench.out" && ok || bad "bench: $(cat "$T/bench.out")"
# output to a full disk is an error
if [ -w /dev/full ]; then
  "$G" find --index 0 --weights "$W" --json >/dev/full 2>"$T/full.err"; [ $? -eq 1 ] && ok || bad "find --json > /dev/full exits 1"
fi
summary
