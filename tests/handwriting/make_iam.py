#!/usr/bin/env python3
# A tiny data set in IAM-OnDB's layout, made up here (no IAM-OnDB content;
# the form ids t02-NNNh/t are invented, no IAM-OnDB form has them):
# zigzag strokes, about 10 points a character, texts with capitals, digits
# and punctuation, and IAM-OnDB's '#' for a word not read; two forms, one
# of them held out (form hash 0 mod 20).
#   make_iam.py OUTDIR
import os, sys
def h(s):
    x = 2166136261
    for c in s.encode(): x ^= c; x = (x * 16777619) & 0xffffffff
    return x & 0x7fffffff
out = sys.argv[1]
held = next('t02-%03dh' % i for i in range(1000) if h('t02-%03dh' % i) % 20 == 0)
train = next('t02-%03dt' % i for i in range(1000) if h('t02-%03dt' % i) % 20 != 0)
texts = {train: ["Hello, World 2024!", "It's a \"soft\" window? Yes - yes.", "Seven herons by the mill",
                "The quick brown fox jumps over 3 lazy dogs.", "Meet me at 7:30 by the old mill, please.",
                "Graves wrote it in 2013 (page 23).", "5 boxing wizards jump quickly"],
         held: ["Herons: 12 (or 13); why?", "Quiet jazz & box", "a # not read"]}
for form, lines in texts.items():
    d = os.path.join(out, 'lineStrokes', form[:3], form[:7]); os.makedirs(d, exist_ok=True)
    a = os.path.join(out, 'ascii', form[:3], form[:7]); os.makedirs(a, exist_ok=True)
    open(os.path.join(a, form + '.txt'), 'w').write('OCR:\n\n' + '\n'.join(lines) + '\n\nCSR:\n\n' + '\n'.join(lines) + '\n')
    for i, t in enumerate(lines):
        x, y, t0, s = 1000, 1000, 0.0, []
        for w in t.split(' '):
            pts = []
            for k in range(10 * len(w)):
                pts.append('<Point x="%d" y="%d" time="%.2f"/>' % (x, y + (10 if k % 2 else 0), t0)); x += 10; t0 += 0.01
            s.append('<Stroke colour="black" start_time="0" end_time="1">' + ''.join(pts) + '</Stroke>')
            x += 20
        open(os.path.join(d, '%s-%02d.xml' % (form, i + 1)), 'w').write('<?xml version="1.0" encoding="ISO-8859-1"?>\n<WhiteboardCaptureSession><StrokeSet>' + ''.join(s) + '</StrokeSet></WhiteboardCaptureSession>\n')
