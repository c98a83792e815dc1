// gl_hw_ink: measures of what a synthesis run wrote, read from its pen
// points and its window weights φ(t,u): where the window's peak reaches a
// character (tests/handwriting/hw_lastchar.h counts the points the pen
// writes from there to judge whether a line's last character is whole), and
// the hand's height and slant (gl_hw_ink_measure).
#include "gl_hw.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int gl_hw_peak(const float *phi, int U) {
    int am = 0;
    for (int u = 1; u <= U; u++)
        if (phi[u] > phi[am]) am = u;
    return am;
}

int gl_hw_step_onto(const gl_hw_result *r, int j) {
    if (!r->phi) return r->n;
    for (int t = 0; t < r->n; t++)
        if (gl_hw_peak(r->phi + (size_t)t * (r->U + 1), r->U) >= j) return t;
    return r->n;
}

static int cmp_f(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static float median_of(float *v, int n) {
    if (n <= 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_f);
    return n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

// The steps the window's peak (argmax over u = 0..U) spends on each of r's
// U + 1 places; the caller frees it.
static int *peak_steps(const gl_hw_result *r) {
    int *cnt = gl_calloc((size_t)r->U + 1, sizeof(int));
    for (int t = 0; r->phi && t < r->n; t++) cnt[gl_hw_peak(r->phi + (size_t)t * (r->U + 1), r->U)]++;
    return cnt;
}

// gl_hw_window_hold over the counts of peak_steps (U + 1 places).
static float hold_of(const int *cnt, int U, int from, int *at) {
    int most = 0, where = from;
    float *v = gl_malloc(sizeof(float) * (size_t)(U - from));
    for (int u = from; u < U; u++) {
        v[u - from] = (float)cnt[u];
        if (cnt[u] > most) most = cnt[u], where = u;
    }
    float med = median_of(v, U - from);
    free(v);
    if (at) *at = where;
    return most / fmaxf(med, 1.0f);
}

float gl_hw_window_hold(const gl_hw_result *r, int from, int *at) {
    if (at) *at = from;
    if (from < 0 || from >= r->U || !r->phi) return 0;
    int *cnt = peak_steps(r);
    float h = hold_of(cnt, r->U, from, at);
    free(cnt);
    return h;
}

// The extent (the larger of width and height) of the line's last stroke,
// the points after the last pen lift before its final point (gl_hw_bbox of
// those offsets: where they start does not change it).
static float last_stroke_extent(const gl_hw_result *r) {
    int st = 0;
    for (int t = 0; t < r->n - 1; t++)
        if (r->pts[3 * t + 2] > 0.5f) st = t + 1;
    float x0, y0, x1, y1;
    gl_hw_bbox(r->pts + 3 * (size_t)st, r->n - st, &x0, &y0, &x1, &y1);
    return fmaxf(x1 - x0, y1 - y0);
}

int gl_hw_line_verdict(const gl_hw_result *r, const char *text) {
    if (!r->ended || r->n <= 0) return GL_HW_NOT_ENDED;
    int U = r->U, from = U - (int)strlen(text);
    if (!r->phi || from < 0 || from >= U) return GL_HW_WHOLE;   // unconditional: no window to read
    int *cnt = peak_steps(r), skipped = 0;
    for (int u = from; u < U && !skipped; u++) skipped = text[u - from] != ' ' && !cnt[u];
    int v = skipped ? GL_HW_SKIPPED : hold_of(cnt, U, from, NULL) > GL_HW_HOLD_MAX ? GL_HW_LOST : GL_HW_WHOLE;
    free(cnt);
    size_t L = strlen(text);
    if (v == GL_HW_WHOLE && L > 0 && text[L - 1] == '.' &&
        last_stroke_extent(r) > GL_HW_STOP_MAX * gl_hw_core_height(r->pts, r->n))
        v = GL_HW_STOP;
    return v;
}

const char *gl_hw_verdict_name(int v) {
    return v == GL_HW_NOT_ENDED ? "did not end on its own"
           : v == GL_HW_SKIPPED ? "skipped a character (its window did not visit it)"
           : v == GL_HW_LOST    ? "lost its place (its window held one character, then ran over the next)"
           : v == GL_HW_STOP    ? "did not end on its full stop (none written, or a stroke after it)"
                                : "was written whole";
}

// ------------------------------------------------------------ hand measures

// Height: the core height (gl_hw_core_height: 10th to 90th percentile of the
// points' heights). Slant: the pen-down runs that go down (each segment
// within 45 degrees of straight down) over at least half the core height
// are the down-strokes; each one's angle is atan(-run dx / run dy) (its
// top right of its foot: positive) and the slant is their median. Width:
// the ink's extent left to right over the characters (nchars > 0).
int gl_hw_ink_measure(const float *pts, int n, int nchars, gl_hw_ink_stats *out) {
    memset(out, 0, sizeof *out);
    out->slant_deg = NAN;
    out->char_width = NAN;
    out->aspect = NAN;
    if (n < 2) {
        gl_seterr("ink measure: %d points are too few", n);
        return -1;
    }
    if (!gl_all_finite(pts, (size_t)n * 3)) {
        gl_seterr("ink measure: a point is not finite");
        return -1;
    }
    out->height = gl_hw_core_height(pts, n);
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    if (nchars > 0) {
        out->char_width = (x1 - x0) / (float)nchars;
        if (out->char_width > 0) out->aspect = out->height / out->char_width;
    }
    float *ang = gl_malloc(sizeof(float) * (size_t)n);
    int na = 0;
    float rx = 0, ry = 0;   // the down-run in progress
    for (int i = 1; i <= n; i++) {
        // segment i: from point i-1 to point i, pen down when point i-1 did not lift the pen
        int down = i < n && !(pts[3 * (i - 1) + 2] > 0.5f);
        float dx = i < n ? pts[3 * i] : 0, dy = i < n ? pts[3 * i + 1] : 0;
        int goes_down = down && dy > 0 && fabsf(dx) <= dy;
        if (goes_down) {
            rx += dx;
            ry += dy;
            continue;
        }
        if (ry >= 0.5f * out->height && ry > 0) ang[na++] = atanf(-rx / ry) * (float)(180.0 / M_PI);
        rx = ry = 0;
    }
    out->downstrokes = na;
    if (na > 0) out->slant_deg = median_of(ang, na);
    free(ang);
    return 0;
}
