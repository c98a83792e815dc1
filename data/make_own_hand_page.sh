#!/bin/sh
# The README's page in a style of one's own hand (docs/handwriting.md, "Your own hand"): the Synthesis view
# writes a line with the mouse (app/gui/scripts/own-hand.txt, made by data/make_hand_script.py) and saves it as
# the style "slanted" in a temporary data directory; `glimpse write --page --style slanted` then writes the
# opening sentence of Pride and Prejudice with it at the app's defaults (bias 1, seed 1; not chosen from tries).
#   data/make_own_hand_page.sh [OUT.png]     (default assets/handwriting/page-own-hand.png)
set -e
GLIMPSE=${GLIMPSE:-build/glimpse}
OUT=${1:-assets/handwriting/page-own-hand.png}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
XDG_DATA_HOME="$DIR" GLIMPSE_QUIET=1 "$GLIMPSE" --view synthesis --script app/gui/scripts/own-hand.txt \
    --screenshot "$DIR/app.png"
test -f "$DIR/glimpse/styles/slanted.json" || { echo "the style was not saved" >&2; exit 1; }
echo "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife." |
    XDG_DATA_HOME="$DIR" "$GLIMPSE" write --page - --style slanted --bias 1 --seed 1 -o "$OUT"
