// gl_hw_ink_measure on ink of known shape: a row of slanted strokes (up one
// way, down the other, pen lifted between letters) gives the slant it was
// drawn with, either way; scaled, the height scales and the aspect stays;
// too little ink is refused. gl_hw_line_verdict on window weights of known
// shape: a window that keeps its place, one that holds a character and runs
// over the next, one that jumps a character, a line that did not end, a
// primer's characters left out of the count; a text ending in a full stop
// whose last stroke is a dot, and one whose last stroke is a letter's.
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

// A run over `text` (its first `from` characters a primer's) whose window's
// peak stays steps[u] steps on character u (u = U: past the end) and that
// ended; pts are zeros (the verdict reads the window).
static gl_hw_result run_of(int U, const int *steps) {
    gl_hw_result r = { 0 };
    r.U = U;
    for (int u = 0; u <= U; u++) r.n += steps[u];
    r.pts = calloc((size_t)r.n * 3, sizeof(float));
    r.phi = calloc((size_t)r.n * (U + 1), sizeof(float));
    int t = 0;
    for (int u = 0; u <= U; u++)
        for (int k = 0; k < steps[u]; k++, t++) {
            float *ph = r.phi + (size_t)t * (U + 1);
            for (int v = 0; v <= U; v++) ph[v] = 0.05f;
            ph[u] = 0.6f;
        }
    r.ended = 1;
    return r;
}

static void check_verdicts(void) {
    const char *text = "ab cd";   // U = 5
    int even[6] = { 10, 12, 6, 9, 11, 2 }, held[6] = { 10, 12, 6, 70, 1, 2 }, jumped[6] = { 10, 0, 6, 9, 11, 2 };
    int space0[6] = { 10, 12, 0, 9, 11, 2 };
    gl_hw_result r = run_of(5, even);
    int at;
    CHECK(gl_hw_line_verdict(&r, text) == GL_HW_WHOLE, "a window that keeps its place: %s",
          gl_hw_verdict_name(gl_hw_line_verdict(&r, text)));
    CHECK(fabsf(gl_hw_window_hold(&r, 0, &at) - 12.0f / 10.0f) < 1e-6f && at == 1, "hold %.3f at %d",
          gl_hw_window_hold(&r, 0, &at), at);
    r.ended = 0;
    CHECK(gl_hw_line_verdict(&r, text) == GL_HW_NOT_ENDED, "not ended");
    gl_hw_result_free(&r);
    r = run_of(5, held);   // 70 steps on 'c' against a median of 10: over GL_HW_HOLD_MAX
    CHECK(gl_hw_line_verdict(&r, text) == GL_HW_LOST && gl_hw_window_hold(&r, 0, &at) == 7.0f && at == 3,
          "held 'c': %s, hold %.2f at %d", gl_hw_verdict_name(gl_hw_line_verdict(&r, text)),
          gl_hw_window_hold(&r, 0, &at), at);
    // the same run read as "cd" written after the primer "ab": only 'c' and 'd' are counted (70 and 1 steps:
    // a median of 35.5, a hold of 1.97)
    CHECK(gl_hw_line_verdict(&r, "cd") == GL_HW_WHOLE && fabsf(gl_hw_window_hold(&r, 3, NULL) - 70 / 35.5f) < 1e-5f,
          "the primer's characters are not the line's: %s", gl_hw_verdict_name(gl_hw_line_verdict(&r, "cd")));
    gl_hw_result_free(&r);
    r = run_of(5, jumped);
    CHECK(gl_hw_line_verdict(&r, text) == GL_HW_SKIPPED, "'b' jumped: %s",
          gl_hw_verdict_name(gl_hw_line_verdict(&r, text)));
    gl_hw_result_free(&r);
    r = run_of(5, space0);   // the window may pass a space in no step: the pen jumps it
    CHECK(gl_hw_line_verdict(&r, text) == GL_HW_WHOLE, "a space passed: %s",
          gl_hw_verdict_name(gl_hw_line_verdict(&r, text)));
    gl_hw_result_free(&r);
}

// "ab." written as two letters 20 high and a last stroke of 3 points: a dot
// (0.6 across) is a full stop; a stroke 24 high is no dot (over GL_HW_STOP_MAX
// of the core height), whatever the window did; a text not ending in "." is
// not asked for one.
static void check_full_stop(void) {
    int steps[4] = { 13, 13, 3, 0 };
    gl_hw_result r = run_of(3, steps);
    int n = letters(r.pts, 2, 20, 10, 0);
    CHECK(n == 26 && r.n == 29, "%d letter points of %d", n, r.n);
    for (int k = 0; k < 3; k++) {
        r.pts[3 * (n + k)] = 0.2f;
        r.pts[3 * (n + k) + 1] = 0.2f;
        r.pts[3 * (n + k) + 2] = k == 2;
    }
    CHECK(gl_hw_line_verdict(&r, "ab.") == GL_HW_WHOLE, "a dot last: %s",
          gl_hw_verdict_name(gl_hw_line_verdict(&r, "ab.")));
    for (int k = 0; k < 3; k++) r.pts[3 * (n + k) + 1] = 8;
    CHECK(gl_hw_line_verdict(&r, "ab.") == GL_HW_STOP, "a letter's stroke last: %s",
          gl_hw_verdict_name(gl_hw_line_verdict(&r, "ab.")));
    CHECK(gl_hw_line_verdict(&r, "abc") == GL_HW_WHOLE && gl_hw_line_verdict(&r, "ab!") == GL_HW_WHOLE,
          "no full stop asked for: %s", gl_hw_verdict_name(gl_hw_line_verdict(&r, "abc")));
    gl_hw_result_free(&r);
}

int main(void) {
    check_verdicts();
    check_full_stop();
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
