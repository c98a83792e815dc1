// The last-character measure shared by the diagnostic hw_lastchar and the
// test test_hw_lastchar: is a line's last character written whole?
//
// The window says when the network has moved past the text, not whether
// the pen has finished: φ(t,U+1) overtakes every φ(t,u) while the last
// character is still being written. So the measure counts the ink: the
// points the pen writes (it is down on every point; only the moves between
// strokes are pen-up). For a line TEXT ending in character c, written at
// seed S, it counts the points from the step a at which the window's peak
// first reaches c to the end of the line -- c and whatever follows it -- and
// compares them with what the same network writes for c in the middle of
// a line: TEXT + " and so", continued from the line's own first a points at
// the same seed (gl_hw_sample_opts.force: the same inputs and the same
// random numbers up to a; drawn freely, the two runs part wherever a draw
// falls near a boundary, often many characters before the end), so both
// counts start at the same point of c; the mid-line one ends at the move
// over the space, the widest move to the right before the peak reaches the
// "n" of "and" (c is done; the pen crosses to the next word). Both count
// ink, not time (hw_ink_points): a point counts where it begins a stroke or
// has moved HW_STILL of a character from the last one counted; a pen at
// rest, dithering in place, adds none. The last character is complete when
// the line wrote at least HW_COMPLETE of the mid-line count, or all of it
// but one point (a full stop is one to three), and began every stroke that c
// begins mid-line (a bar, a dot) within HW_STROKE of a character of where
// the mid-line one begins (hw_stroke_gap). A 3 cut after its top half has
// about half of the points; a t without its bar lacks a stroke.
#ifndef HW_LASTCHAR_H
#define HW_LASTCHAR_H
#include "gl_hw.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HW_COMPLETE 0.8
#define HW_STILL 0.05
#define HW_STROKE 0.5f
#define HW_MIDLINE " and so"
static const char *const HW_PREFIXES[] = { "we can see ", "it is on the ", "then there is " };
#define HW_NPREFIX 3

enum { HW_LOWER, HW_UPPER, HW_DIGIT, HW_PUNCT, HW_KINDS };
static const char *const HW_KIND_NAME[HW_KINDS] = { "lowercase", "uppercase", "digit", "punctuation" };
static inline int hw_kind(int c) {
    return c >= 'a' && c <= 'z'    ? HW_LOWER
            : c >= 'A' && c <= 'Z' ? HW_UPPER
            : c >= '0' && c <= '9' ? HW_DIGIT
                                   : HW_PUNCT;
}

static int hw_write(gl_hw_model *m, const char *text, uint64_t seed, float bias, const gl_hw_result *force,
                    int nforce, gl_hw_result *r) {
    gl_hw_sample_opts o = { 0 };
    o.seed = seed;
    o.bias = bias;
    if (force) {
        o.force = force->pts;
        o.nforce = nforce;
    }
    return gl_hw_sample(m, text, &o, r, NULL);
}

// Points of character j mid-line (j + 1 is the space before the next word):
// from step a (the line's own points up to there) to the move over the
// space, the widest move to the right that the pen makes before the window's
// peak reaches the next word's second character (the peak can reach its
// first after that letter is written; the pen can cross the space without
// lifting, as from a full stop into "and").
static int hw_mid_points(const gl_hw_result *r, int a, int j) {
    int b = gl_hw_step_onto(r, j + 3), last = -1;
    float widest = 0;
    for (int t = a + 1; t < b && t < r->n; t++)
        if (r->pts[3 * t] > widest) {
            widest = r->pts[3 * t];
            last = t;
        }
    return last > a ? last - a : 0;
}

// The points of a run from..to-1 that put ink in a new place: a point that
// begins a stroke (the pen was up before it: a dot, the start of a bar), and
// a point that has moved at least `still` from the last one counted. A pen
// at rest dithers: the network writes a full stop as 2 points or as 27
// points within a few units of each other, and slows to a stand at the
// end of an exit stroke or a bar; those points are time, not ink.
static int hw_ink_points(const gl_hw_result *r, int from, int to, float still) {
    int k = 0;
    float ax = 0, ay = 0;
    for (int t = from > 0 ? from : 0; t < to && t < r->n; t++) {
        ax += r->pts[3 * t];
        ay += r->pts[3 * t + 1];
        if (t == 0 || r->pts[3 * (t - 1) + 2] > 0.5f || hypotf(ax, ay) >= still) {
            k++;
            ax = ay = 0;
        }
    }
    return k;
}

// Pen positions of a run's first n points: both runs start at the origin and
// share their first a points, so their ink is in one frame.
static float *hw_positions(const gl_hw_result *r, int n) {
    float *p = malloc(sizeof(float) * 2 * (size_t)(n > 0 ? n : 1)), x = 0, y = 0;
    for (int t = 0; t < n; t++) {
        x += r->pts[3 * t];
        y += r->pts[3 * t + 1];
        p[2 * t] = x;
        p[2 * t + 1] = y;
    }
    return p;
}

// Every stroke that c begins mid-line after a (points a+1..e-1 of rm: the
// bar of a t, the dot of an i, the second stroke of an x, the full stop)
// must be begun by the line too: each, in order, takes the nearest start of
// a stroke the line begins after a (in its first n points) that no earlier
// one took; the farthest of those, in units of width (INFINITY when the line
// begins fewer strokes). A count of points cannot see a bar left out: a bar
// is 4 or 5 quick points of 20.
static float hw_stroke_gap(const gl_hw_result *r, int n, const gl_hw_result *rm, int a, int e, float width) {
    float *p = hw_positions(r, n), *q = hw_positions(rm, e), worst = 0;
    char *used = calloc((size_t)(n > 0 ? n : 1), 1);
    for (int t = a + 1; t < e; t++) {
        if (!(rm->pts[3 * (t - 1) + 2] > 0.5f)) continue;
        float best = INFINITY;
        int take = -1;
        for (int u = a + 1; u < n; u++)
            if (r->pts[3 * (u - 1) + 2] > 0.5f && !used[u]) {
                float d = hypotf(p[2 * u] - q[2 * t], p[2 * u + 1] - q[2 * t + 1]);
                if (d < best) {
                    best = d;
                    take = u;
                }
            }
        if (take >= 0) used[take] = 1;
        worst = fmaxf(worst, best / width);
    }
    free(used);
    free(p);
    free(q);
    return worst;
}

// The line's mean character width before c: the width of its first a
// points' ink over the characters before c.
static float hw_char_width(const gl_hw_result *r, int a, int U) {
    float x = 0, lo = 0, hi = 0;
    for (int t = 0; t < a && t < r->n; t++) {
        x += r->pts[3 * t];
        lo = fminf(lo, x);
        hi = fmaxf(hi, x);
    }
    return (hi - lo) / (float)(U > 1 ? U - 1 : 1);
}

static int hw_reaches(int x, int ref) { return x >= fmin(HW_COMPLETE * ref, ref - 1); }

typedef struct {
    int complete, ended, tail, ref;   // tail, ref: ink points (hw_ink_points) of the line and of c mid-line
    int why;                          // the line's gl_hw_line_verdict (the whole line: as write judges it)
    float gap;                        // hw_stroke_gap, in characters
} hw_verdict;

// The verdict on a line r (its first n points) against the mid-line run rm,
// both from a (the step at which the line's window peak first reaches its
// last character, U - 1).
static hw_verdict hw_verdict_of(const gl_hw_result *r, int n, int ended, const gl_hw_result *rm, int a, int U) {
    float cw = hw_char_width(r, a, U);
    int e = a + hw_mid_points(rm, a, U - 1);
    hw_verdict v;
    v.ref = hw_ink_points(rm, a, e, HW_STILL * cw);
    v.tail = hw_ink_points(r, a, n, HW_STILL * cw);
    v.gap = hw_stroke_gap(r, n, rm, a, e, cw);
    v.ended = ended;
    v.complete = ended && hw_reaches(v.tail, v.ref) && v.gap <= HW_STROKE;
    return v;
}

// Writes text (its last character judged) and then text + HW_MIDLINE
// continued from the line's own first a points (forced: the same points and
// the same random stream up to a, see gl_hw_sample_opts.force), a being the
// step at which the line's window peak first reaches its last character.
// The verdicts under the end rule (v[1]) and under the rule as written
// (v[0]: the line stopped the step the window passed the end, the same
// points without the tail). cut > 0: the line's last cut ink points are
// dropped first (a line cut on purpose, to check that the measure sees it).
// dump (may be NULL): the two runs' alignment figures are written to
// dump-line.png and dump-mid.png.
static int hw_judge_cut(gl_hw_model *m, const char *text, uint64_t seed, float bias, int cut, hw_verdict v[2],
                        const char *dump) {
    char mid[GL_HW_MAXU + 16];
    snprintf(mid, sizeof mid, "%s%s", text, HW_MIDLINE);
    gl_hw_result r, rm;
    if (hw_write(m, text, seed, bias, NULL, 0, &r) < 0) return -1;
    int U = (int)strlen(text), a = gl_hw_step_onto(&r, U - 1);
    if (hw_write(m, mid, seed, bias, &r, a, &rm) < 0) {
        gl_hw_result_free(&r);
        return -1;
    }
    int n = r.n;
    if (cut > 0) {   // the line's last cut ink points dropped (with the points at rest among them)
        float still = HW_STILL * hw_char_width(&r, a, U);
        int keep = hw_ink_points(&r, a, n, still) - cut;
        while (n > a && hw_ink_points(&r, a, n, still) > keep) n--;
    }
    v[1] = hw_verdict_of(&r, n, r.ended, &rm, a, U);
    int n0 = r.n - r.tail < n ? r.n - r.tail : n;   // the old rule: the line stopped where the window passed
    v[0] = hw_verdict_of(&r, n0, r.ended || r.tail > 0, &rm, a, U);
    v[0].why = v[1].why = gl_hw_line_verdict(&r, text);
    if (dump) {
        char fn[1024];
        snprintf(fn, sizeof fn, "%s-line.png", dump);
        gl_hw_save_window_png(fn, &r, text);
        snprintf(fn, sizeof fn, "%s-mid.png", dump);
        gl_hw_save_window_png(fn, &rm, mid);
    }
    gl_hw_result_free(&r);
    gl_hw_result_free(&rm);
    return 0;
}

static int hw_judge_dump(gl_hw_model *m, const char *text, uint64_t seed, float bias, hw_verdict v[2],
                         const char *dump) {
    return hw_judge_cut(m, text, seed, bias, 0, v, dump);
}

static int hw_judge(gl_hw_model *m, const char *text, uint64_t seed, float bias, hw_verdict v[2]) {
    return hw_judge_dump(m, text, seed, bias, v, NULL);
}
#endif
