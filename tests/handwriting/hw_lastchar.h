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
// "n" of "and" (c is done; the pen crosses to the next word). The last
// character is complete when the line wrote at least HW_COMPLETE of the
// mid-line count, or all of it but one point (a full stop is one to three
// points). A 3 cut after its top half has about half of them.
#ifndef HW_LASTCHAR_H
#define HW_LASTCHAR_H
#include "gl_hw.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HW_COMPLETE 0.8
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

static int hw_reaches(int x, int ref) { return x >= fmin(HW_COMPLETE * ref, ref - 1); }

typedef struct {
    int complete, ended, tail, ref;
} hw_verdict;

// Writes text (its last character judged) and then text + HW_MIDLINE
// continued from the line's own first a points (forced: the same points and
// the same random stream up to a, see gl_hw_sample_opts.force), a being the
// step at which the line's window peak first reaches its last character;
// both counts start at a. The verdicts under the end rule (v[1]) and under
// the rule as written (v[0]: the line stopped the step the window passed
// the end, the same points without the tail).
// dump (may be NULL): the two runs' alignment figures are written to
// dump-line.png and dump-mid.png.
static int hw_judge_dump(gl_hw_model *m, const char *text, uint64_t seed, float bias, hw_verdict v[2],
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
    int ref = hw_mid_points(&rm, a, U - 1);
    for (int k = 0; k < 2; k++) {
        int n = k == 0 ? r.n - r.tail : r.n;
        v[k].tail = n > a ? n - a : 0;
        v[k].ref = ref;
        v[k].ended = k == 0 ? r.ended || r.tail > 0 : r.ended;   // the old rule: the window passed the end
        v[k].complete = v[k].ended && hw_reaches(v[k].tail, ref);
    }
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

static int hw_judge(gl_hw_model *m, const char *text, uint64_t seed, float bias, hw_verdict v[2]) {
    return hw_judge_dump(m, text, seed, bias, v, NULL);
}
#endif
