// The last-character measure shared by the diagnostic hw_lastchar and the
// test test_hw_lastchar: is a line's last character written whole?
//
// The window says when the network has moved past the text, not whether
// the pen has finished: φ(t,U+1) overtakes every φ(t,u) while the last
// character is still being written. So the measure counts the ink: the
// points the pen writes (it is down on every point; only the moves between
// strokes are pen-up). For a line TEXT ending in character c, written at
// seed S, it counts the points from the step at which the window's peak
// reaches c to the end of the line -- c and whatever follows it -- and
// compares them with what the same network writes for c in the middle of
// a line, at the same seed: TEXT + " and so". Up to where the window nears
// the end the two runs draw the same points (the same random numbers step by
// step, and the window's weights on the added characters are still zero),
// so both counts start at the same point of c; the mid-line one ends where
// the pen last lifts before the peak reaches the "a" (c is done; the next
// point begins "and"). The last character is complete when the line wrote
// at least HW_COMPLETE of the mid-line count, or all of it but one point (a
// full stop is one to three points). A 3 cut after its top half has about
// half of them.
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

static int hw_write(gl_hw_model *m, const char *text, uint64_t seed, float bias, gl_hw_result *r) {
    gl_hw_sample_opts o = { 0 };
    o.seed = seed;
    o.bias = bias;
    return gl_hw_sample(m, text, &o, r, NULL);
}

// The line the rule as written (stop the step the window passes the end,
// opts.stop_at_window) gives at the same seed: the same points up to that
// step, without the tail. A view of r's arrays, not to be freed.
static gl_hw_result hw_old_rule(const gl_hw_result *r) {
    gl_hw_result o = *r;
    o.n = r->n - r->tail;
    o.ended = r->ended || r->tail > 0;   // the window passed the end
    return o;
}

// Points of the last character: from the peak reaching it to the line's end.
static int hw_tail_points(const gl_hw_result *r) { return r->n - gl_hw_step_onto(r, r->U - 1); }

// Points of character j mid-line: from the peak reaching j to the pen's last
// lift before the peak reaches character j + 2 (the next word's first).
static int hw_mid_points(const gl_hw_result *r, int j) {
    int a = gl_hw_step_onto(r, j), b = gl_hw_step_onto(r, j + 2), last = b;
    for (int t = a; t < b && t < r->n; t++)
        if (r->pts[3 * t + 2] > 0.5f) last = t + 1;
    return last > a ? last - a : 0;
}

static int hw_reaches(int x, int ref) { return x >= fmin(HW_COMPLETE * ref, ref - 1); }

typedef struct {
    int complete, ended, tail, ref;
} hw_verdict;

// Writes text (its last character judged) and text + HW_MIDLINE at the
// seed; the verdicts under the end rule (v[1]) and the rule as written (v[0]).
static int hw_judge(gl_hw_model *m, const char *text, uint64_t seed, float bias, hw_verdict v[2]) {
    char mid[GL_HW_MAXU + 16];
    snprintf(mid, sizeof mid, "%s%s", text, HW_MIDLINE);
    gl_hw_result r, rm;
    if (hw_write(m, text, seed, bias, &r) < 0) return -1;
    if (hw_write(m, mid, seed, bias, &rm) < 0) {
        gl_hw_result_free(&r);
        return -1;
    }
    int ref = hw_mid_points(&rm, (int)strlen(text) - 1);
    for (int k = 0; k < 2; k++) {
        gl_hw_result x = k == 0 ? hw_old_rule(&r) : r;
        v[k].tail = hw_tail_points(&x);
        v[k].ref = ref;
        v[k].ended = x.ended;
        v[k].complete = x.ended && hw_reaches(v[k].tail, ref);
    }
    gl_hw_result_free(&r);
    gl_hw_result_free(&rm);
    return 0;
}
#endif
