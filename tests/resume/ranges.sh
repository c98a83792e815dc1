#!/usr/bin/env bash
# Issue 32: a number read from a checkpoint or a weights file goes through the
# range of the option that sets it (or the one the model needs). A file that
# is well formed but holds a negative step counter, a batch of 0 or -3, 1e9
# epochs, a learning rate of 1e30 or a corpus_words of 0 once crashed
# training (heap overflow, use after free, division by zero), asked for
# "out of memory" or an ETA of 856,924 hours, or ended in "unknown error".
# Each now ends with status 1 and one line naming the file, the key, the
# value and the range; no sanitizer report; the files at the output paths
# are left as they were.
G="$1"
source "$(dirname "$0")/../cli_lib.sh"
CR=tests/crafted.py

# expect_bad "what" "pattern" OUT cmd...: status 1, one line matching pattern,
# OUT and OUT.ckpt unchanged (their checksums before and after)
expect_bad() {
  local what="$1" pat="$2" out="$3"; shift 3
  local before after
  before="$(cat "$out" "$out.ckpt" 2>/dev/null | cksum)"
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  after="$(cat "$out" "$out.ckpt" 2>/dev/null | cksum)"
  if [ $rc -ne 1 ]; then bad "$what: status $rc (want 1): $(head -3 "$T/err")"; return; fi
  if grep -q "Sanitizer\|runtime error" "$T/err"; then bad "$what: sanitizer report: $(head -3 "$T/err")"; return; fi
  if [ "$(wc -l <"$T/err")" -ne 1 ]; then
    bad "$what: stderr has $(wc -l <"$T/err") lines: $(head -3 "$T/err")"; return
  fi
  if ! grep -q -- "$pat" "$T/err"; then bad "$what: '$(cat "$T/err")' lacks '$pat'"; return; fi
  [ "$before" = "$after" ] && ok || bad "$what: the output or its checkpoint changed"
}
# craft NAME SRC KEY VALUE: SRC with one metadata value set (its digest dropped,
# as a file edited by another tool has none) into $T/NAME
craft() { python3 $CR set-meta "$T/$1" "$2" "$3" "$4" nodigest; }
# tiny_run NAME WHAT cmd...: a tiny training run writes $T/NAME.safetensors and its checkpoint, kept as
# $T/NAME.ckpt.good
tiny_run() {
  local name="$1" what="$2"; shift 2
  "$@" >/dev/null 2>"$T/log" && [ -s "$T/$name.safetensors.ckpt" ] && ok || bad "tiny $what run: $(tail -2 "$T/log")"
  cp "$T/$name.safetensors.ckpt" "$T/$name.ckpt.good"
}
# ckpt_case NAME WHAT KEY VALUE PATTERN cmd...: the good checkpoint of NAME with KEY set to VALUE; cmd (its
# resume) as expect_bad wants it
ckpt_case() {
  local name="$1" what="$2" key="$3" value="$4" pat="$5"; shift 5
  craft "$name.safetensors.ckpt" "$T/$name.ckpt.good" "$key" "$value"
  expect_bad "$what" "$pat" "$T/$name.safetensors" "$@"
}
# resumes_good NAME WHAT cmd...: the good checkpoint of NAME back in place, cmd resumes it
resumes_good() {
  local name="$1" what="$2"; shift 2
  cp "$T/$name.ckpt.good" "$T/$name.safetensors.ckpt"
  "$@" >/dev/null 2>"$T/log" && ok || bad "$what: the good checkpoint no longer resumes: $(tail -2 "$T/log")"
}

# ---- attention ---------------------------------------------------------------
A="--key softmax --hidden 16 --limit 300 --epochs 1 --cnn-epochs 0 --batch 50 --threads 1"
tiny_run a attention "$G" train attention $A --out "$T/a.safetensors"
attn_case() {   # what key value pattern
  ckpt_case a "attention $1" "$2" "$3" "$4" "$G" train attention --key softmax --threads 1 --out "$T/a.safetensors" \
    --resume
}
attn_case "negative step" global_step -5 \
  "a.safetensors.ckpt: metadata 'global_step' is '-5', not an integer in \[0, 6\]"
attn_case "step past the run" global_step 7 "metadata 'global_step' is '7', not an integer in \[0, 6\]"
attn_case "batch 0" batch 0 \
  "a.safetensors.ckpt: metadata 'batch' is '0', not an integer in \[1, 4096\] (the range of --batch)"
attn_case "negative batch" batch -3 "metadata 'batch' is '-3', not an integer in \[1, 4096\]"
attn_case "1e9 epochs" epochs 1000000000 "metadata 'epochs' is '1000000000', not an integer in \[0, 1000\]"
attn_case "lr 1e30" lr 1e30 "metadata 'lr' is '1e30', not a number in \[1e-07, 1\]"
attn_case "lr nan" lr nan "metadata 'lr' is 'nan', not a number"
attn_case "hidden 0" hidden 0 "metadata 'hidden' is '0', not an integer in \[4, 2048\]"
attn_case "augment 100" augment 100 "metadata 'augment' is '100', not an integer in \[0, 8\]"
attn_case "seed -1" seed -1 "metadata 'seed' is '-1', not an integer"
attn_case "flag 7" no_coords 7 "metadata 'no_coords' is '7', not an integer in \[0, 1\]"
attn_case "key unknown" key wavelet "metadata 'key' is 'wavelet', not one of softmax|gaussian|feature"
attn_case "train seconds" train_seconds -1 "metadata 'train_seconds' is '-1', not a number"
# a well-formed checkpoint still resumes (the run is done: it evaluates and saves)
resumes_good a attention "$G" train attention --key softmax --threads 1 --out "$T/a.safetensors" --resume

# cluttered MNIST and DRAW alike (CASE: clut_case or draw_case): the iteration counter of a run of 8 iterations
# in FILE, negative and past the run; a batch (KEY) of 0 and -3, outside --batch's [1, 10000]
iter_cases() {   # CASE FILE
  $1 "negative iteration" iter -5 "$2: metadata 'iter' is '-5', not an integer in \[0, 1000000000\]"
  $1 "iteration past the run" iter 9 "iteration 9 is outside the run's \[0, 8\]"
}
batch_cases() {   # CASE KEY
  $1 "batch 0" "$2" 0 "metadata '$2' is '0', not an integer in \[1, 10000\] (the range of --batch)"
  $1 "negative batch" "$2" -3 "metadata '$2' is '-3', not an integer in \[1, 10000\]"
}

# ---- cluttered MNIST -----------------------------------------------------------
C="--limit 128 --batch 32 --epochs 2 --hidden 8 --no-eval --eval-every 1000000"
tiny_run c cluttered "$G" train cluttered $C --out "$T/c.safetensors"
clut_case() {   # what key value pattern
  ckpt_case c "cluttered $1" "$2" "$3" "$4" "$G" train cluttered --out "$T/c.safetensors" --resume --no-eval
}
iter_cases clut_case c.safetensors.ckpt
batch_cases clut_case batch
clut_case "1e9 epochs" epochs_option 1000000000 \
  "metadata 'epochs_option' is '1000000000', not an integer in \[1, 10000\]"
clut_case "lr 1e30" lr 1e30 "metadata 'lr' is '1e30', not a number in \[1e-07, 1\]"
clut_case "clutter 100" clutter 100 "metadata 'clutter' is '100', not an integer in \[0, 64\]"
clut_case "train seconds" train_seconds -1 "metadata 'train_seconds' is '-1', not a number"
resumes_good c cluttered "$G" train cluttered --out "$T/c.safetensors" --resume --no-eval

# ---- DRAW --------------------------------------------------------------------
D="--limit 200 --batch 50 --epochs 2 --steps 4 --enc 16 --dec 16 --z 4 --no-eval"
tiny_run d DRAW "$G" train draw $D --out "$T/d.safetensors"
draw_case() {   # what key value pattern
  ckpt_case d "draw $1" "$2" "$3" "$4" "$G" train draw --out "$T/d.safetensors" --resume --no-eval
}
iter_cases draw_case d.safetensors.ckpt
batch_cases draw_case batch_option
draw_case "1e9 epochs" epochs_option 1000000000 \
  "metadata 'epochs_option' is '1000000000', not an integer in \[1, 100000\]"
draw_case "lr 1e30" lr 1e30 "metadata 'lr' is '1e30', not a number in \[1e-07, 1\]"
draw_case "clip -1" clip -1 "metadata 'clip' is '-1', not a number in \[0, 1e+09\]"
draw_case "warmup -1" warmup -1 "metadata 'warmup' is '-1', not an integer"
draw_case "decay epochs 0" decay_epochs 0 "metadata 'decay_epochs' is '0', not an integer in \[1, 100000\]"
draw_case "seed 1e40" seed 1e40 "metadata 'seed' is '1e40', not an integer"
# --init reads the weights' counters through their ranges too
craft d-init.safetensors "$T/d.ckpt.good" iter -7
expect_bad "draw --init negative iteration" "d-init.safetensors: metadata 'iter' is '-7'" "$T/ft.safetensors" \
  "$G" train draw --init "$T/d-init.safetensors" --out "$T/ft.safetensors" --no-eval
# a DRAW checkpoint given as an attention one: said so, not "written with --key ?"
cp "$T/d.ckpt.good" "$T/x.safetensors.ckpt"
expect_bad "DRAW file as an attention checkpoint" \
  "x.safetensors.ckpt is not an attention checkpoint" "$T/x.safetensors" \
  "$G" train attention --out "$T/x.safetensors" --resume --threads 1
# bench train takes the weights' batch through the same range
craft d-bench.safetensors "$T/d.safetensors" batch 0
expect_bad "bench train draw batch 0" "metadata 'batch' is '0', not an integer in \[1, 10000\]" "$T/none" \
  "$G" bench train draw --weights "$T/d-bench.safetensors" --steps 3 --threads 1 --no-twin
craft a-bench.safetensors "$T/a.safetensors" batch -3
expect_bad "bench train attention batch -3" "metadata 'batch' is '-3', not an integer in \[1, 4096\]" "$T/none" \
  "$G" bench train attention --weights "$T/a-bench.safetensors" --steps 3 --threads 1 --no-twin

# ---- handwriting -------------------------------------------------------------
H="--lines 24 --words 1 --cells 8 --mixtures 2 --window 2 --batch 8 --every 100000"
tiny_run s synthesis "$G" train handwriting --task synth $H --iters 3 -o "$T/s.safetensors"
hw_case() {   # what key value pattern
  ckpt_case s "handwriting $1" "$2" "$3" "$4" "$G" train handwriting --task synth --iters 5 --resume \
    -o "$T/s.safetensors"
}
hw_case "lr 1e30" lr 1e30 \
  "s.safetensors.ckpt: metadata 'lr' is '1e30', not a number in \[1e-06, 1\] (the range of --lr)"
hw_case "batch 0" batch 0 "metadata 'batch' is '0', not an integer in \[1, 1024\]"
hw_case "negative batch" batch -3 "metadata 'batch' is '-3', not an integer in \[1, 1024\]"
hw_case "corpus_words 0" corpus_words 0 \
  "metadata 'corpus_words' is '0', not an integer in \[1, 12\] (the range of --words)"
hw_case "corpus_lines -1" corpus_lines -1 "metadata 'corpus_lines' is '-1', not an integer in \[10, 10000000\]"
hw_case "max points 0" max_points 0 "metadata 'max_points' is '0', not an integer in \[10, 100000\]"
hw_case "augment 1e9" augment 1e9 "metadata 'augment' is '1e9', not a number in \[0, 1\]"
hw_case "eval every -2" eval_every -2 "metadata 'eval_every' is '-2', not an integer"
craft s-dt.ckpt "$T/s.ckpt.good" lr_final 0.0001
craft s.safetensors.ckpt "$T/s-dt.ckpt" lr_decay_to -1
expect_bad "handwriting decay to -1" \
  "metadata 'lr_decay_to' is '-1', not an integer in \[1, 100000000\] (the range of --iters)" \
  "$T/s.safetensors" "$G" train handwriting --task synth --iters 5 --resume -o "$T/s.safetensors"
craft s.safetensors.ckpt "$T/s.ckpt.good" best_update -4
expect_bad "handwriting best update -4" "metadata 'best_update' is '-4'" "$T/s.safetensors" \
  "$G" train handwriting --task synth --iters 5 --resume -o "$T/s.safetensors"
craft s.safetensors.ckpt "$T/s.ckpt.good" adam_step -9
expect_bad "handwriting negative update" "adam_step" "$T/s.safetensors" \
  "$G" train handwriting --task synth --iters 5 --resume -o "$T/s.safetensors"
# eval handwriting: the weights' corpus settings (0 divided by zero, -1 gave a non-finite loss)
for w in 0 -1 13; do
  craft s-w$w.safetensors "$T/s.safetensors" corpus_words $w
  expect_bad "eval with corpus_words $w" \
    "s-w$w.safetensors: metadata 'corpus_words' is '$w', not an integer in \[1, 12\]" "$T/none" \
    "$G" eval handwriting --model "$T/s-w$w.safetensors" --lines 5
done
craft s-th.safetensors "$T/s.safetensors" iam_thin 0
expect_bad "eval with iam_thin 0" "metadata 'iam_thin' is '0', not an integer in \[1, 16\]" "$T/none" \
  "$G" eval handwriting --model "$T/s-th.safetensors" --lines 5
# --init: the fine-tuned file's counters
craft s-init.safetensors "$T/s.safetensors" updates -1
expect_bad "handwriting --init negative updates" "s-init.safetensors: metadata 'updates' is '-1'" "$T/ft.safetensors" \
  "$G" train handwriting --task synth $H --init "$T/s-init.safetensors" --iters 2 -o "$T/ft.safetensors"

# ---- the command line: the same ranges, a usage error (status 2) -------------
expect_err "attention --batch 0" "--batch must be an integer in \[1, 4096\], got '0'" "$G" train attention --batch 0
expect_err "draw --epochs 1e9" "--epochs must be an integer in \[1, 100000\], got '1000000000'" \
  "$G" train draw --epochs 1000000000
expect_err "handwriting --lr 1e30" "--lr must be a number in \[1e-06, 1\], got '1e30'" "$G" train handwriting --lr 1e30
"$G" train attention --batch 0 >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "a range error on the command line exits 2"
"$G" train handwriting --help | grep -q -- "--batch N .*lines per minibatch (1..1024; default 32)" \
  && ok || bad "--help shows range and default"
"$G" train draw --help | grep -q -- "--lr X .*(1e-07..1; default 1e-3)" \
  && ok || bad "draw --help shows range and default"
"$G" draw --help | grep -q -- "^  -o V " && ok || bad "draw --help names -o as -o"
summary
