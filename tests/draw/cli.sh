#!/usr/bin/env bash
# glimpse's DRAW commands from the outside: every bad input ends with a
# one-line error and a non-zero status; a tiny train / resume / eval / draw /
# bench round trip works (needs MNIST: data/get_mnist.sh).
G="$1"
source "$(dirname "$0")/../cli_lib.sh"

"$G" train draw --help | grep -q -- "--no-attention" && ok || bad "train draw --help"
expect_err "bad steps" "--steps must be" "$G" train draw --steps 0
expect_err "bad read" "--read must be" "$G" train draw --read 99
expect_err "bad lr-final" "--lr-final must be" "$G" train draw --lr-final 0
expect_err "both variants" "exclude each other" "$G" train draw --attention --no-attention
expect_err "unknown option" "unknown option" "$G" draw -o "$T/x.png" --bogus
expect_err "no output" "needs -o" "$G" draw
expect_err "bad seed" "--seed must be" "$G" draw -o "$T/x.png" --seed abc
expect_err "missing weights" "cannot open" "$G" draw -o "$T/x.png" --weights "$T/none.safetensors"
expect_err "resume without checkpoint" "cannot resume" "$G" train draw --out "$T/none.safetensors" --resume --limit 100
echo "not weights" > "$T/junk.safetensors"
expect_err "junk weights" "truncated\|header" "$G" eval draw --weights "$T/junk.safetensors"

# a tiny model: train (stopped by a checkpoint), resume, eval, draw, bench
W="$T/d.safetensors"
"$G" train draw --limit 200 --batch 50 --epochs 2 --steps 4 --enc 16 --dec 16 --z 4 --out "$W" --no-eval >"$T/train.out" 2>&1 \
  && [ -s "$W" ] && [ -s "$W.ckpt" ] && ok || bad "train draw: $(cat "$T/train.out")"
"$G" train draw --limit 200 --batch 50 --epochs 2 --out "$W" --resume --no-eval 2>"$T/resume.err" >/dev/null \
  && grep -q "resuming .* at iteration 8" "$T/resume.err" && ok || bad "resume: $(cat "$T/resume.err")"
# --resume with other options is refused, naming the option; left out, the checkpoint's are taken
expect_err "resume other epochs" "written with --epochs 2, not 3" "$G" train draw --limit 200 --batch 50 --epochs 3 --out "$W" --resume --no-eval
expect_err "resume other batch" "written with --batch 50, not 20" "$G" train draw --batch 20 --out "$W" --resume --no-eval
expect_err "resume other seed" "written with --seed 1, not 2" "$G" train draw --seed 2 --out "$W" --resume --no-eval
expect_err "resume other steps" "written with --steps 4, not 5" "$G" train draw --steps 5 --out "$W" --resume --no-eval
"$G" train draw --out "$W" --resume --no-eval 2>"$T/resume2.err" >/dev/null \
  && grep -q "resuming with the checkpoint's --steps 4 --enc 16 --dec 16 --z 4 --batch 50 --limit 200 --epochs 2" "$T/resume2.err" && ok || bad "resume takes the checkpoint's: $(cat "$T/resume2.err")"
# --extend-to: a finished run goes on to more epochs at lr_final (decay span kept)
expect_err "extend without resume" "goes with --resume" "$G" train draw --out "$W" --extend-to 3 --no-eval
expect_err "extend to fewer" "fewer than the run's 2 epochs" "$G" train draw --out "$W" --resume --extend-to 1 --no-eval
"$G" train draw --out "$W" --resume --extend-to 3 --no-eval 2>"$T/ext.err" >/dev/null \
  && grep -q "resuming .* at iteration 8" "$T/ext.err" && python3 - "$W" "$W.ckpt" <<'PY' && ok || bad "extend-to: $(cat "$T/ext.err")"
import json, struct, sys
def meta(p):
    f = open(p, 'rb'); n = struct.unpack('<Q', f.read(8))[0]
    return json.loads(f.read(n))["__metadata__"]
m, c = meta(sys.argv[1]), meta(sys.argv[2])
assert m["iter"] == "12" and m["decay_epochs"] == "2", m
assert c["epochs_option"] == "3" and c["decay_epochs"] == "2", c
PY
# an extended run resumes with its first command line plus --extend-to
# (--epochs then names the first run's 2 epochs, not the 3 it now plans)
expect_err "extend: other first epochs" "written with --epochs 2, not 3" "$G" train draw --limit 200 --batch 50 --epochs 3 --out "$W" --resume --extend-to 4 --no-eval
expect_err "extend: fewer than extended" "fewer than the run's 3 epochs" "$G" train draw --epochs 2 --out "$W" --resume --extend-to 2 --no-eval
"$G" train draw --limit 200 --batch 50 --epochs 2 --out "$W" --resume --extend-to 4 --no-eval 2>"$T/ext2.err" >/dev/null \
  && grep -q "resuming .* at iteration 12" "$T/ext2.err" && python3 - "$W.ckpt" <<'PY' && ok || bad "extend again: $(cat "$T/ext2.err")"
import json, struct, sys
f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]
c = json.loads(f.read(n))["__metadata__"]
assert c["iter"] == "16" and c["epochs_option"] == "4" and c["decay_epochs"] == "2", c
PY
# --init: another run's weights with a fresh Adam and a new schedule; the
# sizes come from the file (asked for otherwise: refused), iterations count
# from 0, the file's training time carries on, init_from names it
"$G" train draw --init "$W" --limit 200 --batch 50 --epochs 1 --lr 5e-4 --lr-final 1e-4 --out "$T/ft.safetensors" --no-eval \
    >/dev/null 2>"$T/ft.err" && grep -q "starting from .*d.safetensors (iteration 16 of its run; attention, T=4" "$T/ft.err" \
  && python3 - "$W" "$T/ft.safetensors" "$T/ft.safetensors.ckpt" <<'PY' && ok || bad "--init: $(tail -2 "$T/ft.err")"
import json, struct, sys
def load(p):
    f = open(p, 'rb'); n = struct.unpack('<Q', f.read(8))[0]
    h = json.loads(f.read(n)); return h, f.read()
(wh, wb), (fh, fb), (ch, cb) = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
wm, fm, cm = wh["__metadata__"], fh["__metadata__"], ch["__metadata__"]
assert fm["init_from"] == "d.safetensors, iteration 16" and cm["init_from"] == fm["init_from"], (fm, cm)
assert fm["iter"] == "4" and float(fm["lr"]) == 5e-4 and float(fm["lr_final"]) == 1e-4, fm
assert float(fm["train_seconds"]) >= float(wm["train_seconds"]), (fm, wm)
assert fm["steps"] == "4" and fm["enc"] == "16" and fm["z"] == "4", fm
e = wh["canvas0"]; g = fh["canvas0"]
assert wb[e["data_offsets"][0]:e["data_offsets"][1]] != fb[g["data_offsets"][0]:g["data_offsets"][1]], "weights unchanged"
PY
"$G" train draw --out "$T/ft.safetensors" --resume --extend-to 2 --no-eval >/dev/null 2>&1 \
  && head -c 8192 "$T/ft.safetensors" | grep -a -q '"init_from":"d.safetensors, iteration 16"' && ok || bad "a resumed --init run keeps init_from"
# --warmup: the rate rises from lr/N, so a fresh Adam's first step (about lr
# in every weight, whatever the gradient) all but leaves the weights alone;
# without it the same step moves them by about lr. Recorded in the metadata
# and kept on --resume.
for wu in 0 100000; do
  "$G" train draw --init "$W" --limit 50 --batch 50 --epochs 1 --lr 1e-3 --warmup $wu --out "$T/wu$wu.safetensors" --no-eval >/dev/null 2>"$T/wu.err" \
    || bad "--warmup $wu: $(tail -1 "$T/wu.err")"
done
python3 - "$W" "$T/wu0.safetensors" "$T/wu100000.safetensors" "$T/wu100000.safetensors.ckpt" <<'PY' && ok || bad "--warmup: the first step's size"
import json, struct, sys, array
def load(p):
    f = open(p, 'rb'); n = struct.unpack('<Q', f.read(8))[0]
    h = json.loads(f.read(n)); return h, f.read()
def maxdiff(a, b, name):
    (ah, ab), (bh, bb) = a, b
    ea, eb = ah[name]["data_offsets"], bh[name]["data_offsets"]
    x = array.array('f', ab[ea[0]:ea[1]]); y = array.array('f', bb[eb[0]:eb[1]])
    return max(abs(u - v) for u, v in zip(x, y))
w, n0, n1 = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
c = load(sys.argv[4])[0]["__metadata__"]
d0, d1 = maxdiff(w, n0, "dec.Wh"), maxdiff(w, n1, "dec.Wh")
assert 3e-4 < d0 < 3e-3, d0            # one Adam step at lr 1e-3
assert d1 < 1e-6, d1                   # the same step at lr 1e-3 / 100000
assert n1[0]["__metadata__"]["warmup"] == "100000" and c["warmup"] == "100000", c
assert "warmup" not in n0[0]["__metadata__"], n0[0]["__metadata__"]
PY
expect_err "resume other warmup" "written with --warmup 100000, not 5" "$G" train draw --out "$T/wu100000.safetensors" --resume --warmup 5 --no-eval
# weights from a --init run started again with --init: init_from keeps the chain
"$G" train draw --init "$T/ft.safetensors" --limit 50 --batch 50 --epochs 1 --out "$T/ft2.safetensors" --no-eval >/dev/null 2>&1 \
  && head -c 8192 "$T/ft2.safetensors" | grep -a -q '"init_from":"ft.safetensors, iteration 8; that run started from d.safetensors, iteration 16"' \
  && ok || bad "--init of --init weights: $(head -c 8192 "$T/ft2.safetensors" | grep -a -o '"init_from":"[^"]*"')"
expect_err "--init and --resume" "give one of them" "$G" train draw --init "$W" --resume --out "$T/ft.safetensors"
expect_err "--init of other steps" "T=4, read 2, write 5, enc 16, dec 16, z 4: its --steps differs" "$G" train draw --init "$W" --steps 5 --out "$T/x.safetensors"
expect_err "--init without attention" "its attention differs" "$G" train draw --init "$W" --no-attention --out "$T/x.safetensors"
expect_err "--init of a missing file" "--init: .*cannot open" "$G" train draw --init "$T/none.safetensors" --out "$T/x.safetensors"
# a decaying learning rate is recorded in the weights' metadata
"$G" train draw --limit 100 --batch 50 --epochs 1 --steps 2 --enc 8 --dec 8 --z 2 --lr 2e-3 --lr-final 1e-4 --out "$T/lr.safetensors" --no-eval >/dev/null 2>&1 \
  && python3 - "$T/lr.safetensors" <<'PY' && ok || bad "lr-final metadata"
import json, struct, sys
f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]
m = json.loads(f.read(n))["__metadata__"]
assert float(m["lr"]) == 2e-3 and float(m["lr_final"]) == 1e-4, m
PY
"$G" eval draw --weights "$W" --limit 100 >"$T/eval.out" && grep -q "test bound [0-9.]* nats" "$T/eval.out" && ok || bad "eval draw: $(cat "$T/eval.out")"
"$G" draw --weights "$W" -o "$T/g.png" --grid 3 && "$G" draw --weights "$W" -o "$T/f.png" --frames --grid 2 \
  && "$G" draw --weights "$W" -o "$T/r.png" --digit 5 && ok || bad "draw png"
python3 - "$T/g.png" "$T/f.png" "$T/r.png" <<'PY' && ok || bad "png files"
import sys
for p in sys.argv[1:]:
    b = open(p, 'rb').read(); assert b[:8] == b'\x89PNG\r\n\x1a\n' and len(b) > 500, p
PY
"$G" draw --weights "$W" --json --seed 4 > "$T/d.json" && python3 - "$T/d.json" <<'PY' && ok || bad "draw --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "draw" and d["steps"] == 4 and len(d["samples"]) == 1
steps = d["samples"][0]["steps"]
assert len(steps) == 4
for s in steps:
    assert len(s["canvas"]) == 784 and all(0 <= v <= 1 for v in s["canvas"])
    w = s["write"]; assert w["delta"] > 0 and w["sigma2"] > 0 and w["gamma"] > 0 and w["n"] == 5
PY
"$G" bench draw --weights "$W" --baseline "$T/none" --limit 100 --samples 20 > "$T/bench.out" 2>&1 \
  && grep -q "ms per digit" "$T/bench.out" && grep -q "test bound" "$T/bench.out" && ok || bad "bench draw: $(cat "$T/bench.out")"
# the app's DRAW view under `bench gui` (headless: SDL_VIDEODRIVER=offscreen)
expect_err "bench gui bad view" "--view must be" "$G" bench gui --view nope --seconds 1
expect_err "bench gui bad grid" "--grid must be" "$G" bench gui --view draw --grid 5 --seconds 1
"$G" bench gui --view draw --seconds 1 --grid 2 --json > "$T/bg.json" 2>"$T/bg.err" && python3 - "$T/bg.json" <<'PY' && ok || bad "bench gui --view draw: $(cat "$T/bg.err")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["view"] == "draw" and d["frames"] == 60 and d["samples"] == 4 and d["T"] >= 1, d
assert 0 < d["frame_ms_median"] <= d["frame_ms_p99"] <= d["frame_ms_max"], d
assert d["seeds"] == 1 and d["seed_to_screen_frames_median"] >= 1, d
PY

# Ctrl-C (and TERM) end a run after the step at hand with a checkpoint of
# that step (not the last periodic one: --every is far off here), a status of
# 128 + the signal, and -o left as it was; --resume goes on from there
I="$T/int.safetensors"
printf keep > "$I"
for sig in INT TERM; do
  env -u GLIMPSE_QUIET "$G" train draw --limit 200 --batch 50 --epochs 100000 --steps 4 --enc 16 --dec 16 --z 4 --every 100000 --out "$I" --no-eval \
      >/dev/null 2>"$T/int.err" &
  pid=$!
  for i in $(seq 600); do grep -q "train draw \[" "$T/int.err" 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
  kill -$sig $pid; wait $pid; rc=$?
  want=$([ $sig = INT ] && echo 130 || echo 143)
  # (under load the signal can come before the first step: a checkpoint of iteration 0, resumed from there)
  [ $rc -eq $want ] && grep -q "stopped (\(interrupted\|terminated\)) at iteration [0-9][0-9]* of 400000; .*int.safetensors.ckpt holds it" "$T/int.err" \
    && [ "$(cat "$I")" = keep ] && ok || bad "SIG$sig: rc $rc, $(tail -2 "$T/int.err")"
  at=$(grep -o "at iteration [0-9]*" "$T/int.err" | grep -o "[0-9]*")
  "$G" train draw --out "$I" --resume --no-eval --minutes 0.001 >/dev/null 2>"$T/int2.err"
  grep -q "resuming .* at iteration ${at:-x} " "$T/int2.err" && ok || bad "resume after SIG$sig (iteration ${at:-?}): $(head -2 "$T/int2.err")"
  rm -f "$I.ckpt"; printf keep > "$I"
done

# issue 14: sizes within the documented ranges but too large a picture, a
# header that lies, weights that make Inf: one line each, nothing written
C="python3 tests/crafted.py"
A="assets/draw-attention.safetensors"
expect_err "figure too large" "x 89802 pixels is outside the limits" "$G" draw --frames --grid 100 --scale 32 -o "$T/big.png"
[ -e "$T/big.png" ] && bad "no picture written" || ok
expect_err "weights are a directory" "is a directory" "$G" draw --weights "$T" -o "$T/x.png"
steps=$(head -c 4096 "$A" | grep -a -o '"steps":"[0-9]*"' | grep -o '[0-9]*')
other=$([ "$steps" = 10 ] && echo 64 || echo 10)
$C set-meta "$T/s64.safetensors" "$A" steps $other
expect_err "steps=$other on T=$steps weights" "does not match its digest" "$G" draw --weights "$T/s64.safetensors" --json
$C set-meta "$T/s10x.safetensors" "$A" steps 10abc nodigest
expect_err "steps not a number" "metadata 'steps' is '10abc'" "$G" draw --weights "$T/s10x.safetensors" --json
# write log gamma = -200 (bias of the 5th attention parameter): Inf canvases
$C set-value "$T/gamma.safetensors" "$A" write_attn.b 4 -200
"$G" draw --weights "$T/gamma.safetensors" --json >"$T/g.json" 2>"$T/g.err"; rc=$?
[ $rc -ne 0 ] && grep -q "non-finite" "$T/g.err" && [ ! -s "$T/g.json" ] && ok || bad "non-finite canvases: rc $rc, $(cat "$T/g.err"), stdout $(head -c 80 "$T/g.json")"
expect_err "non-finite png" "non-finite" "$G" draw --weights "$T/gamma.safetensors" -o "$T/gamma.png"
[ -e "$T/gamma.png" ] && bad "no blank PNG" || ok
expect_err "extra argument" "unexpected argument 'x'" "$G" draw -o "$T/x.png" x
# a run killed at its checkpoints leaves OUT.ckpt.tmp.PID behind: the next run removes those of dead processes
sh -c 'echo $$ > "$1/dead.pid"' sh "$T"; dead=$(cat "$T/dead.pid")
printf partial > "$W.ckpt.tmp.$dead"; printf live > "$W.ckpt.tmp.$$"
"$G" train draw --out "$W" --resume --no-eval >/dev/null 2>&1
[ ! -e "$W.ckpt.tmp.$dead" ] && [ -e "$W.ckpt.tmp.$$" ] && ok || bad "stale temporaries: $(ls "$T")"
summary
