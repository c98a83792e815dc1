#!/usr/bin/env bash
# train draw --binarize fixed|fresh from the outside: a bad value is one line
# of error; the checkpoint and the weights record the choice; --resume takes
# it from the checkpoint and refuses the other one; a checkpoint written
# before the option existed resumes as fixed; eval draw --split train gives
# the bound on the fixed training sample, --binarize-seed on another sample
# (needs MNIST: data/get_mnist.sh).
G="$1"
source "$(dirname "$0")/../cli_lib.sh"

meta() {   # meta FILE KEY: the value of KEY in FILE's safetensors metadata ("" when absent)
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]
print(json.loads(f.read(n))["__metadata__"].get(sys.argv[2], ""))
PY
}

"$G" train draw --help | grep -q -- "--binarize" && ok || bad "train draw --help lacks --binarize"
expect_err "bad binarize" "--binarize must be one of fixed|fresh" "$G" train draw --binarize sometimes

tiny=(--limit 100 --batch 50 --steps 3 --enc 8 --dec 8 --z 2 --no-eval)
W="$T/f.safetensors"
"$G" train draw "${tiny[@]}" --epochs 1 --binarize fresh --out "$W" >"$T/train.out" 2>&1 \
  && [ "$(meta "$W.ckpt" binarize)" = fresh ] && [ "$(meta "$W" binarize)" = fresh ] && ok \
  || bad "fresh run: $(cat "$T/train.out")"
expect_err "resume fresh as fixed" "written with --binarize fresh, not fixed" \
  "$G" train draw --out "$W" --resume --binarize fixed --no-eval
"$G" train draw --out "$W" --resume --extend-to 2 --no-eval 2>"$T/resume.err" >/dev/null \
  && grep -q -- "--binarize fresh" "$T/resume.err" && [ "$(meta "$W.ckpt" binarize)" = fresh ] && ok \
  || bad "resume takes --binarize fresh: $(cat "$T/resume.err")"

F="$T/x.safetensors"
"$G" train draw "${tiny[@]}" --epochs 1 --out "$F" >/dev/null 2>&1 \
  && [ "$(meta "$F.ckpt" binarize)" = fixed ] && [ "$(meta "$F" binarize)" = fixed ] && ok || bad "fixed is the default"
expect_err "resume fixed as fresh" "written with --binarize fixed, not fresh" \
  "$G" train draw --out "$F" --resume --binarize fresh --no-eval
# a checkpoint of before the option (no key; its digest dropped, as edited): resumed as fixed, the default
python3 - "$F.ckpt" <<'PY'
import json, struct, sys
p = sys.argv[1]; b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n]); del h["__metadata__"]["binarize"]
h["__metadata__"].pop("digest", None)   # edited: no digest (as a file of another tool's)
s = json.dumps(h).encode(); s += b' ' * ((8 - len(s) % 8) % 8)
open(p, 'wb').write(struct.pack('<Q', len(s)) + s + b[8 + n:])
PY
"$G" train draw --out "$F" --resume --extend-to 2 --no-eval >/dev/null 2>"$T/old.err" \
  && [ "$(meta "$F.ckpt" binarize)" = fixed ] && ok || bad "old checkpoint resumes as fixed: $(cat "$T/old.err")"
# a value no command line could give: one line naming the file, the key and the range
python3 - "$F.ckpt" <<'PY'
import json, struct, sys
p = sys.argv[1]; b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n]); h["__metadata__"]["binarize"] = "sometimes"; h["__metadata__"].pop("digest", None)
s = json.dumps(h).encode(); s += b' ' * ((8 - len(s) % 8) % 8)
open(p, 'wb').write(struct.pack('<Q', len(s)) + s + b[8 + n:])
PY
expect_err "stored binarize out of range" "metadata 'binarize' is 'sometimes', not one of fixed|fresh" \
  "$G" train draw --out "$F" --resume --extend-to 3 --no-eval

"$G" eval draw --weights "$F" --split train --limit 100 >"$T/ev.out" 2>&1 \
  && grep -q "train bound .* on 100 binarized training images" "$T/ev.out" && ok \
  || bad "eval --split train: $(cat "$T/ev.out")"
# the same images binarized with another seed: another bound (the model's memory of the fixed sample's noise)
"$G" eval draw --weights "$F" --split train --limit 100 --binarize-seed 5 >"$T/ev5.out" 2>&1 \
  && grep -q "on 100 binarized with seed 5 training images" "$T/ev5.out" \
  && [ "$(grep -o 'bound [0-9.]*' "$T/ev5.out")" != "$(grep -o 'bound [0-9.]*' "$T/ev.out")" ] && ok \
  || bad "eval --binarize-seed: $(cat "$T/ev5.out") vs $(cat "$T/ev.out")"
expect_err "bad split" "--split must be one of test|train" "$G" eval draw --weights "$F" --split valid
summary
