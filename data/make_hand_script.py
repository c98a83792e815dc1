#!/usr/bin/env python3
"""Writes a --script for the Synthesis view that writes a line "by hand" with
the mouse -- down / move / up events on the paper, a point every few pixels as
a mouse reports them -- types what it says, and saves it as a style of one's
own (docs/handwriting.md, "Your own hand"). The strokes are those of the
Hershey cursive font (Debian hershey-fonts-data), slanted and set at a size,
so the picture they make is reproducible; the app takes them as it takes a
person's.

    data/make_hand_script.py [--text T] [--name N] [--slant 0.45] [--px 2.4] > app/gui/scripts/own-hand.txt
    XDG_DATA_HOME=DIR glimpse --view synthesis --script app/gui/scripts/own-hand.txt --screenshot shot.png

The positions are those of the default window (1280x800)."""
import argparse
import math
import os
import sys

FONT_DIR = os.environ.get("GLIMPSE_HERSHEY_DIR", "/usr/share/hershey-fonts")


def load_jhf(path):
    """ASCII 32..126 -> (left, right, strokes); strokes are lists of (x, y), y down."""
    entries = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            head = line[:8]
            if len(line) >= 8 and head[:5].strip().isdigit() and head[5:8].strip().isdigit():
                entries.append(line)
            elif entries:
                entries[-1] += line   # a continuation line
    glyphs = {}
    for i, e in enumerate(entries[:95]):
        n = int(e[5:8])
        data = e[8:8 + 2 * n]
        left, right = ord(data[0]) - ord("R"), ord(data[1]) - ord("R")
        strokes, cur = [], []
        for k in range(2, len(data) - 1, 2):
            pair = data[k:k + 2]
            if pair == " R":
                if cur:
                    strokes.append(cur)
                cur = []
                continue
            cur.append((ord(pair[0]) - ord("R"), ord(pair[1]) - ord("R")))
        if cur:
            strokes.append(cur)
        glyphs[chr(32 + i)] = (left, right, strokes)
    return glyphs


def mouse_strokes(text, glyphs, px, slant, x0, y0):
    """The text's strokes in window pixels, sheared by slant (x += slant * height above the baseline)."""
    out, pen = [], 0.0
    base = 9   # the font's baseline
    for c in text:
        left, right, strokes = glyphs[c]
        for s in strokes:
            pts = []
            for (x, y) in s:
                gx = pen + (x - left)
                pts.append((x0 + px * (gx + slant * (base - y)), y0 + px * (y - base)))
            out.append(pts)
        pen += right - left
    return out


def dense(stroke, step=4.0):
    """Points every `step` pixels along a stroke, as a mouse reports them."""
    res = [stroke[0]]
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
        d = math.hypot(bx - ax, by - ay)
        k = max(1, int(d // step))
        for i in range(1, k + 1):
            res.append((ax + (bx - ax) * i / k, ay + (by - ay) * i / k))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--text", default="a quick brown fox")
    ap.add_argument("--name", default="slanted")
    ap.add_argument("--slant", type=float, default=0.45, help="shear: pixels right per pixel up (0.45: about 24 deg)")
    ap.add_argument("--px", type=float, default=2.4, help="pixels per font unit")
    ap.add_argument("--font", default="cursive")
    a = ap.parse_args()
    glyphs = load_jhf(os.path.join(FONT_DIR, a.font + ".jhf"))
    # the default window: paper from (12, 155); the "it says" field and the name field in the style row (y 131)
    paper_x, paper_y = 12, 155
    print("# A line written with the mouse on the Synthesis view's paper (Hershey %s strokes, slant %.2f, "
          "%.1f px a unit)," % (a.font, a.slant, a.px))
    print("# what it says typed, used as the primer and saved as the style \"%s\". Made by:" % a.name)
    print("#   data/make_hand_script.py --text '%s' --name %s --slant %g --px %g" % (a.text, a.name, a.slant, a.px))
    print("key m")
    print("click 580 131\nkey ctrl+a\nkey Backspace\ntext %s\nkey Escape" % a.text)
    for s in mouse_strokes(a.text, glyphs, a.px, a.slant, paper_x + 60, paper_y + 120):
        d = dense(s)
        print("down %d %d" % (round(d[0][0]), round(d[0][1])))
        for (x, y) in d[1:]:
            print("move %d %d" % (round(x), round(y)))
        print("up %d %d" % (round(d[-1][0]), round(d[-1][1])))
    print("key m\nidle")
    print("click 640 131\ntext %s\nkey Return\nidle\nframe 2" % a.name)


if __name__ == "__main__":
    sys.exit(main())
