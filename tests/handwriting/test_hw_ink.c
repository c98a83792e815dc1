// gl_hw_ink_measure on ink of known shape: a row of slanted strokes (up one
// way, down the other, pen lifted between letters) gives the slant it was
// drawn with, either way; scaled, the height scales and the aspect stays;
// too little ink is refused.
#include "gl_hw.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>

// nl letters, each a down-stroke of height h leaning by deg (top right of
// the foot for deg > 0) drawn in 8 moves, then an up-stroke of 4 moves back
// up to the right; the pen lifts after it and the next letter starts w on.
static int letters(float *pts, int nl, float h, float w, float deg) {
    int n = 0;
    float lean = tanf(deg * (float)M_PI / 180.0f) * h, px = 0, py = 0;
    for (int l = 0; l < nl; l++) {
        float x0 = (float)l * w + lean;
        for (int k = 0; k <= 12; k++, n++) {
            float x = k <= 8 ? x0 - lean * (float)k / 8 : x0 - lean + 0.5f * w * (float)(k - 8) / 4;
            float y = k <= 8 ? h * (float)k / 8 : h * (float)(12 - k) / 4;
            pts[3 * n] = x - px;
            pts[3 * n + 1] = y - py;
            pts[3 * n + 2] = k == 12;
            px = x;
            py = y;
        }
    }
    return n;
}

int main(void) {
    float *pts = malloc(sizeof(float) * 3 * 20 * 13);
    gl_hw_ink_stats a, b, c;
    for (int s = -1; s <= 1; s += 2) {
        int n = letters(pts, 20, 10, 6, 20.0f * (float)s);
        CHECK(gl_hw_ink_measure(pts, n, 20, &a) == 0, "measure: %s", gl_err());
        CHECK(fabsf(a.slant_deg - 20.0f * (float)s) < 0.5f && a.downstrokes == 20,
              "slant %+.0f: measured %.2f (%d strokes)", 20.0f * (float)s, a.slant_deg, a.downstrokes);
        CHECK(a.height > 6 && a.height <= 10, "height %.2f of letters 10 high", a.height);
    }
    int n = letters(pts, 20, 10, 6, 0);
    CHECK(gl_hw_ink_measure(pts, n, 20, &a) == 0 && fabsf(a.slant_deg) < 0.5f, "upright: %.2f", a.slant_deg);
    for (int i = 0; i < 3 * n; i++)
        if (i % 3 != 2) pts[i] *= 3;
    CHECK(gl_hw_ink_measure(pts, n, 20, &b) == 0, "scaled: %s", gl_err());
    CHECK(fabsf(b.height - 3 * a.height) < 1e-3f * b.height && fabsf(b.aspect - a.aspect) < 1e-4f &&
                  fabsf(b.slant_deg - a.slant_deg) < 1e-3f,
          "scaled by 3: height %.3f -> %.3f, aspect %.4f -> %.4f", a.height, b.height, a.aspect, b.aspect);
    CHECK(gl_hw_ink_measure(pts, n, 0, &c) == 0 && isnan(c.aspect) && isnan(c.char_width), "no characters: no aspect");
    CHECK(gl_hw_ink_measure(pts, 1, 1, &c) < 0 && strstr(gl_err(), "too few"), "one point refused: %s", gl_err());
    pts[4] = NAN;
    CHECK(gl_hw_ink_measure(pts, n, 20, &c) < 0 && strstr(gl_err(), "finite"), "NaN refused: %s", gl_err());
    free(pts);
    TEST_MAIN_END();
}
