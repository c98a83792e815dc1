#!/usr/bin/env bash
# Crash safety of training, for real: each model trains uninterrupted once;
# then the same run is started, SIGKILLed at random moments (checkpoints are
# written after every step, so many kills land inside a checkpoint write),
# resumed from whatever checkpoint is there, killed again, ... and finally
# resumed to the end. The first kill of each model lands inside a write for
# certain (GLIMPSE_WRITE_PAUSE_MS holds it halfway). Every resume must work (no corrupt checkpoint), the
# final weights must equal the uninterrupted run's bit for bit, and no
# OUT*.tmp.PID file may be left. KILL_SEED picks the kill moments (printed).
G="$1"
source "$(dirname "$0")/../cli_lib.sh"
seed="${KILL_SEED:-$(( $(date +%s) % 100000 ))}"
RANDOM=$seed
echo "kill moments from KILL_SEED=$seed"
tmps=0

same_tensors() {   # same tensor names, shapes and bytes; metadata may differ
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
def load(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n]); h.pop('__metadata__', None); d = b[8 + n:]
    return {k: (v['shape'], d[v['data_offsets'][0]:v['data_offsets'][1]]) for k, v in h.items()}
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in a if k not in b or a[k] != b[k]] + [k for k in b if k not in a]
if bad: sys.exit('differ: ' + ', '.join(bad[:5]))
PY
}

now_ms() { date +%s%3N; }
# ref NAME ARGS...: the uninterrupted run (to $T/NAME-ref.safetensors, given
# in ARGS); sets D, its duration in ms, which spaces the kills.
ref() {
  local name="$1"; shift
  local t0; t0=$(now_ms)
  "$@" >/dev/null 2>"$T/err" || bad "$name reference: $(tail -1 "$T/err")"
  D=$(( $(now_ms) - t0 ))
}

# run_killed NAME OUT CKPT ARGS...: runs ARGS (resuming when a checkpoint
# exists), killing each run after a random 10-50% of the reference's time,
# until a run finishes or 12 kills; then resumes to the end.
run_killed() {
  local name="$1" out="$2" ckpt="$3"; shift 3
  local kills=0 left=0 r ms i
  # first a kill inside a checkpoint write for certain: writes pause halfway
  GLIMPSE_WRITE_PAUSE_MS=3000 "$@" >"$T/$name.out" 2>"$T/$name.err" &
  local pid=$!
  for i in $(seq 200); do ls "$(dirname "$out")" | grep -q '\.tmp\.' && break; sleep 0.05; done
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  local part; part=$(ls "$(dirname "$out")" | grep '\.tmp\.' | head -1)
  [ -n "$part" ] && [ -f "$ckpt" -o "$(stat -c %s "$(dirname "$out")/$part")" -gt 0 ] && ok || bad "$name: no kill inside a write ($part)"
  kills=1; left=1
  while [ $kills -lt 12 ]; do
    r=(); [ -f "$ckpt" ] && r=(--resume)
    "$@" "${r[@]}" >"$T/$name.out" 2>"$T/$name.err" &
    local pid=$!
    ms=$(( D / 10 + RANDOM % (D * 4 / 10 + 1) ))
    sleep "$(( ms / 1000 )).$(printf '%03d' $(( ms % 1000 )))"
    # no checkpoint yet (the first kill landed inside the first write): this
    # run is killed only once it has written one, or on a loaded machine every
    # kill could land before it, leaving nothing to resume
    if [ ${#r[@]} -eq 0 ]; then
      for i in $(seq 400); do [ -f "$ckpt" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
    fi
    if ! kill -9 "$pid" 2>/dev/null; then
      wait "$pid"; r=$?
      [ $r -eq 0 ] || { bad "$name: a run ended with $r: $(tail -2 "$T/$name.err")"; return; }
      break   # it finished before the kill
    fi
    wait "$pid" 2>/dev/null
    kills=$((kills + 1))
    ls "$(dirname "$out")" | grep -q '\.tmp\.' && left=$((left + 1))
  done
  if [ $kills -gt 0 ]; then
    "$@" --resume >"$T/$name.out" 2>"$T/$name.err" || { bad "$name: final resume: $(tail -2 "$T/$name.err")"; return; }
  fi
  echo "$name: ${D} ms uninterrupted; $kills kills, $left of them inside a checkpoint write (a temporary left behind)"
  tmps=$((tmps + left)); nkills=$((nkills + kills))
  [ $kills -ge 2 ] && ok || bad "$name: only $kills kills"
  same_tensors "$T/$name-ref.safetensors" "$out" && ok || bad "$name: resumed weights differ from the uninterrupted run's"
  ls "$(dirname "$out")" | grep '\.tmp\.' && bad "$name: temporaries left behind" || ok
}

mkdir -p "$T/a" "$T/d" "$T/h" "$T/c"
nkills=0
A=(--key softmax --hidden 8 --limit 2000 --batch 20 --epochs 3 --cnn-epochs 1 --augment 1 --threads 1 --every 0)
ref attention "$G" train attention "${A[@]}" --out "$T/attention-ref.safetensors"
run_killed attention "$T/a/w.safetensors" "$T/a/w.safetensors.ckpt" "$G" train attention "${A[@]}" --out "$T/a/w.safetensors"

W=(--limit 1000 --batch 20 --epochs 6 --steps 3 --enc 16 --dec 16 --z 4 --read 2 --write 3 --every 0 --no-eval)
ref draw "$G" train draw "${W[@]}" --out "$T/draw-ref.safetensors"
run_killed draw "$T/d/w.safetensors" "$T/d/w.safetensors.ckpt" "$G" train draw "${W[@]}" --out "$T/d/w.safetensors"

H=(--task synth --lines 100 --words 1 --cells 8 --mixtures 2 --window 2 --batch 8 --iters 300 --every 0)
ref handwriting "$G" train handwriting "${H[@]}" -o "$T/handwriting-ref.safetensors"
run_killed handwriting "$T/h/w.safetensors" "$T/h/w.safetensors.ckpt" "$G" train handwriting "${H[@]}" -o "$T/h/w.safetensors"

C=(--limit 640 --batch 32 --epochs 3 --hidden 16 --every 0 --no-eval --eval-every 100000000)
ref cluttered "$G" train cluttered "${C[@]}" --out "$T/cluttered-ref.safetensors"
run_killed cluttered "$T/c/w.safetensors" "$T/c/w.safetensors.ckpt" "$G" train cluttered "${C[@]}" --out "$T/c/w.safetensors"

echo "$nkills kills in all, $tmps inside a checkpoint write"
summary
