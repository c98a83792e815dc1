# Ten digits drawn through the Search view's real input path (scripted mouse
# strokes: press, moves along the stroke, release), each at a random place of
# a fixed test image's canvas whose own digit is cleared, among its 8 fragments.
import random, sys
D = {
 0: [[(10,1),(5,3),(3,8),(3,15),(5,20),(10,23),(15,20),(17,14),(17,7),(15,3),(10,1)]],
 1: [[(7,6),(11,2),(11,12),(10,23)]],
 2: [[(3,7),(5,3),(10,2),(15,4),(16,8),(13,13),(8,17),(3,22),(17,22)]],
 3: [[(4,4),(10,2),(15,5),(14,9),(9,11),(15,14),(16,18),(11,22),(4,20)]],
 4: [[(12,2),(3,15),(17,15)],[(13,8),(13,23)]],
 5: [[(15,2),(5,2),(4,10),(10,9),(15,12),(16,17),(12,22),(4,21)]],
 6: [[(14,2),(8,6),(4,13),(4,19),(9,22),(14,20),(15,15),(10,12),(5,15)]],
 7: [[(3,3),(17,3),(10,22)]],
 8: [[(14,5),(10,2),(5,5),(6,9),(14,14),(15,19),(10,22),(5,19),(6,14),(14,9),(14,5)]],
 9: [[(15,8),(10,11),(5,8),(6,3),(12,2),(15,6),(15,14),(13,22)]],
}
# usage: drawn_digits.py SEED [OUTDIR]: writes OUTDIR/digitN.txt (N = 0..9), each ending
# with a screenshot OUTDIR/digitN.png; run one with
#   glimpse --view search --screenshot OUTDIR/x.png --script OUTDIR/digitN.txt
# (the view must be at its default size, 1280x800: the canvas is at (12, 85), 6 px a pixel).
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp"
S, X0, Y0 = 6, 12, 85          # the canvas: 600 px for 100 image pixels at (12, 85)
for digit, strokes in D.items():
    ox, oy = rng.randint(2, 78), rng.randint(2, 74)   # the digit's 20x24 box inside the canvas
    k = rng.randint(10, 9999)                        # whose clutter
    lines = [f"# digit {digit} drawn at ({ox}, {oy}) among the fragments of test image {k}",
             "click 172 59", "key End", "key Backspace", "key Backspace", "key Backspace", "key Backspace", "key Backspace", f"text {k}", "key Return", "idle", "key c"]
    for st in strokes:
        pts = [(X0 + (ox + u) * S, Y0 + (oy + v) * S) for u, v in st]
        lines.append(f"down {pts[0][0]} {pts[0][1]}")
        for (a, b), (c, d) in zip(pts, pts[1:]):
            for i in range(1, 7):          # six mouse moves along each segment
                lines.append(f"move {a + (c - a) * i // 6} {b + (d - b) * i // 6}")
        lines.append(f"up {pts[-1][0]} {pts[-1][1]}")
    lines += ["idle", "key End", "idle", f"screenshot {out}/digit{digit}.png"]
    open(f"{out}/digit{digit}.txt", "w").write("\n".join(lines) + "\n")
