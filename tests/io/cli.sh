#!/usr/bin/env bash
# Files and streams of the commands (issue 32): inputs that are not regular
# files are refused at once (a FIFO used to block forever); outputs go through
# symbolic links, never replace a FIFO or a device node, keep the file's mode;
# a write killed half-way leaves the old file whole; output to a full standard
# output is a failure; a transparent PNG's ink is found.
G="$1"
source "$(dirname "$0")/../cli_lib.sh"

# --- inputs: a FIFO given for each kind of file, under a timeout (a blocked
# open would end with 124 and no message)
mkfifo "$T/fifo.safetensors" "$T/fifo.png" "$T/fifo.json" "$T/fifo.txt"
expect_err "attention weights from a FIFO" "fifo.safetensors: is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" attend --model "$T/fifo.safetensors" --index 0
expect_err "DRAW weights from a FIFO" "is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" draw --weights "$T/fifo.safetensors" -o "$T/x.png"
expect_err "synthesis weights from a FIFO" "is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" write "ab" --model "$T/fifo.safetensors" -o "$T/x.svg"
expect_err "prediction weights from a FIFO" "is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" scribble --model "$T/fifo.safetensors" -o "$T/x.svg"
expect_err "an image from a FIFO" "fifo.png: is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" attend --image "$T/fifo.png"
expect_err "a style file from a FIFO" "is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" write "ab" --style "$T/fifo.json" -o "$T/x.svg"
mkdir "$T/mnist"; mkfifo "$T/mnist/t10k-images-idx3-ubyte" "$T/mnist/t10k-labels-idx1-ubyte"
expect_err "MNIST from FIFOs" "is a named pipe (FIFO), not a regular file" \
  timeout 20 "$G" eval attention --key gaussian --limit 10 --data "$T/mnist"
expect_err "a device as weights" "/dev/zero: is a character device, not a regular file" \
  timeout 20 "$G" attend --model /dev/zero --index 0
"$G" --screenshot "$T/shot.png" --script "$T/fifo.txt" >/dev/null 2>"$T/err" & pid=$!
for i in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then kill -9 $pid; bad "an app script from a FIFO: still running after 20 s"
else
  wait $pid; rc=$?
  [ $rc -ne 0 ] && grep -q "not a regular file" "$T/err" && ok || bad "script FIFO: $rc $(cat "$T/err")"
fi

# --- messages: an image refused for its total says the total; --style -1 is a usage error (2)
printf 'P5 8192 8192 255\n' >"$T/big.pgm"
expect_err "an image too large in all" \
  "8192 x 8192 pixels is outside the limits (67108864 pixels in all; at most 16777216" \
  "$G" attend --image "$T/big.pgm"
"$G" write "ab" --style -1 -o "$T/x.svg" 2>"$T/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "style number >= 0" "$T/err" && ok \
  || bad "--style -1: exit $rc: $(cat "$T/err")"

# --- outputs
echo old >"$T/real.png"; chmod 600 "$T/real.png"; ln -s real.png "$T/link.png"
"$G" draw -o "$T/link.png" 2>"$T/err" || bad "draw -o a link: $(cat "$T/err")"
[ -L "$T/link.png" ] && [ "$(head -c 4 "$T/real.png" | tail -c 3)" = PNG ] && ok \
  || bad "-o a link: the link was replaced"
[ "$(stat -c %a "$T/real.png")" = 600 ] && ok || bad "-o a 0600 file: mode now $(stat -c %a "$T/real.png")"
mkfifo "$T/out.png"
expect_err "-o a FIFO" "out.png: is a named pipe (FIFO), not a regular file: not replaced" "$G" draw -o "$T/out.png"
[ -p "$T/out.png" ] && ok || bad "-o a FIFO: the FIFO was replaced"
if [ "$(id -u)" = 0 ]; then
  # as root the rename would replace a device node (glimpse draw -o /dev/null
  # destroyed /dev/null); a node of our own stands in for it
  mknod "$T/null" c 1 3
  expect_err "-o a device node (root)" "is a character device, not a regular file: not replaced" \
    "$G" attend --index 0 --png "$T/null"
  [ -c "$T/null" ] && ok || bad "-o a device node: replaced"
  ln -s "$T/null" "$T/null-link.svg"
  expect_err "-o a link to a device node (root)" \
    "null-link.svg: names $T/null (a character device), not a regular file" \
    "$G" write "ab" -o "$T/null-link.svg"
  [ -c "$T/null" ] && [ -L "$T/null-link.svg" ] && ok || bad "-o a link to a device node: replaced"
fi
ls "$T" | grep -q '\.tmp\.' && bad "temporaries left: $(ls "$T")" || ok

# --- a write killed half-way (writes pause halfway under GLIMPSE_WRITE_PAUSE_MS):
# the old file is whole; the next write to the name removes the temporary
# each case: the first write, then one with other contents
kill_case() {
  local out="$1" first="$2" second="$3"
  "$G" $first >/dev/null 2>&1 || bad "$first: failed"
  cp "$out" "$T/before"; chmod 640 "$out"
  GLIMPSE_WRITE_PAUSE_MS=5000 "$G" $second >/dev/null 2>&1 & local pid=$!
  for i in $(seq 300); do ls "$T" | grep -q "^${out##*/}\.tmp\." && break; sleep 0.02; done
  local part; part=$(ls "$T" | grep "^${out##*/}\.tmp\." | head -1)
  kill -9 $pid; wait $pid 2>/dev/null
  [ -n "$part" ] && [ -s "$T/$part" ] && ok || bad "$second: no kill inside the write"
  cmp -s "$out" "$T/before" && ok || bad "$second: a killed write changed the old file"
  "$G" $second >/dev/null 2>&1 || bad "$second: failed"
  [ ! -e "$T/$part" ] && ok || bad "$second: the next write left $part"
  [ "$(stat -c %a "$out")" = 640 ] && ! cmp -s "$out" "$T/before" && ok || bad "$second: the next write"
}
kill_case "$T/k.png" "draw -o $T/k.png" "draw -o $T/k.png --seed 7"
kill_case "$T/a.png" "attend --index 0 --png $T/a.png" "attend --index 1 --png $T/a.png"
kill_case "$T/k.svg" "write ab -o $T/k.svg" "write ab -o $T/k.svg --seed 7"
kill_case "$T/s.json" "write ab -o $T/k.svg --save-style $T/s.json" "write abc -o $T/k.svg --save-style $T/s.json"

# --- standard output that cannot be written: exit 1, one line saying so
# full WHAT CMD...: exit 1 and one line saying so (write and scribble also
# say "wrote FILE" on stderr: the file itself was written)
full() {
  local what="$1"; shift
  "$@" >/dev/full 2>"$T/err"; local rc=$?
  [ $rc -eq 1 ] && [ "$(grep -c "cannot write to standard output" "$T/err")" -eq 1 ] \
    && [ "$(grep -vc "^glimpse: wrote " "$T/err")" -eq 1 ] && ok || bad "$what > /dev/full: exit $rc: $(cat "$T/err")"
}
if [ -w /dev/full ]; then
  full "attend --json" "$G" attend --index 0 --json
  full "attend" "$G" attend --index 0
  full "draw --json" "$G" draw -o "$T/j.png" --json
  full "write --json" "$G" write "ab" -o "$T/j.svg" --json
  full "scribble --json" "$G" scribble -o "$T/j.svg" --json
  full "eval attention" "$G" eval attention --key gaussian --limit 500
  full "eval draw" "$G" eval draw --limit 10
  full "bench products" "$G" bench products --reps 5
  full "--help" "$G" --help
fi

# --- dark ink on a transparent PNG (as an HTML canvas exports it): MNIST's
# first three test digits as black ink whose alpha is the digit
python3 - "$T" <<'PY'
import sys, zlib, struct, os
T = sys.argv[1]
b = open(os.path.join(os.environ.get('GLIMPSE_DATA', 'data'), 'mnist', 't10k-images-idx3-ubyte'), 'rb').read()
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
for i in range(3):
    px = b[16 + 784 * i:16 + 784 * (i + 1)]
    raw = b''.join(b'\0' + b''.join(bytes([0, 0, 0, px[y * 28 + x]]) for x in range(28)) for y in range(28))
    png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 28, 28, 8, 6, 0, 0, 0))
           + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
    open(f'{T}/ink{i}.png', 'wb').write(png)
PY
for i in 0 1 2; do
  want=$("$G" attend --index $i | sed -n 's/prediction \([0-9]\).*/\1/p')
  got=$("$G" attend --image "$T/ink$i.png" 2>"$T/err" | sed -n 's/prediction \([0-9]\).*/\1/p')
  [ -n "$want" ] && [ "$got" = "$want" ] && ok \
    || bad "transparent digit $i: '$got' (as an index: '$want') $(cat "$T/err")"
done
summary
