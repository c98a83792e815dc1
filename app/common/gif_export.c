// The animations of `--gif` (gif_export.h): frames drawn with the figures'
// own code (gl_attn_figure_upto, gl_draw_figure.h, gl_clut_figure.h, the
// handwriting PNG's strokes) and timed as the app plays them.
#include "gif_export.h"
#include "draw/gl_draw_figure.h"
#include "gl_clut_figure.h"
#include "gl_gif.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_trace.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Adds frames and keeps the playback's clock: frame k is shown from t_k to
// t_{k+1}; its delay is rounded on the whole clock (gl_gif_delay), so a long
// animation keeps its real length.
typedef struct { gl_gif *g; double t; } clip;

// (x, y, w, h): where the frame can differ from the one before (all of it: 0, 0, im->w, im->h)
static int clip_add_rect(clip *c, const gl_image *im, double seconds, int x, int y, int w, int h) {
    int d = gl_gif_delay(c->t, c->t + seconds);
    if (d < GL_GIF_MIN_DELAY) d = GL_GIF_MIN_DELAY;   // the callers' frames are ≥ 40 ms; this only guards
    c->t += seconds;
    return gl_gif_add_rect(c->g, im, d, x, y, w, h);
}

static int clip_add(clip *c, const gl_image *im, double seconds) {
    return clip_add_rect(c, im, seconds, 0, 0, im->w, im->h);
}

static int clip_save(clip *c, const char *path) {
    int frames = gl_gif_frames(c->g);
    if (gl_gif_save(c->g, path)) return -1;
    fprintf(stderr, "glimpse: wrote %s: %d frames, %.2f s, %zu bytes\n", path, frames, c->t, gl_gif_bytes(c->g));
    return 0;
}

static int clip_new(clip *c, int w, int h) {
    c->t = 0;
    c->g = gl_gif_new(w, h, 1);
    return c->g ? 0 : -1;
}

// ---- attend ------------------------------------------------------------------------
#define ATTN_STEP_S 0.5   // the Attention view plays 2 steps a second

int gif_attend(const char *path, const float *img28, const gl_attn_frame *fr, const float *volume_sum, int label,
               gl_key_type key) {
    clip c = {0};
    int rc = 0;
    for (int t = 0; t < GL_ATTN_STEPS && !rc; t++) {
        gl_image im = gl_attn_figure_upto(img28, fr, volume_sum, label, key, t);
        if (!im.px) rc = -1;
        else if (!c.g && clip_new(&c, im.w, im.h)) rc = -1;
        else rc = clip_add(&c, &im, t == GL_ATTN_STEPS - 1 ? GIF_HOLD_S : ATTN_STEP_S);
        gl_image_free(&im);
    }
    if (!rc) rc = clip_save(&c, path);
    gl_gif_free(c.g);
    return rc;
}

// ---- draw --------------------------------------------------------------------------
// The DRAW view's default speed (view_draw.c): a run in about 3 s.
static double draw_steps_per_s(int T) { return T <= 15 ? 5.0 : fmin(T / 3.0, 60.0); }

#define BAND 20   // the step number above the cells
#define PAD 2

static void band(gl_image *im, int t, int T) {
    char s[48];
    gl_image_rect(im, 0, 0, im->w, BAND, 40, 40, 40);
    snprintf(s, sizeof s, "step %d/%d", t + 1, T);
    gl_image_text(im, PAD + 2, 4, 2, s, 230, 230, 230);
}

// Plays ns runs side by side (cols across); cell(im, run, t, x, y) draws one.
typedef void (*cell_fn)(gl_image *im, const gl_draw_config *c, const gl_draw_frame *fr, int t, int x, int y, int S,
                        const float *input);

static void canvas_cell(gl_image *im, const gl_draw_config *c, const gl_draw_frame *fr, int t, int x, int y, int S,
                        const float *input) {
    gl_draw_image_cell(im, x, y, S, fr[t].canvas, c->attention ? &fr[t].write : NULL, c->write_n, gl_draw_write_rgb);
    if (c->attention && t > 0) gl_draw_image_trail(im, x, y, S, fr, t, t, 0, c->write_n, gl_draw_write_rgb);
}

static void input_cell(gl_image *im, const gl_draw_config *c, const gl_draw_frame *fr, int t, int x, int y, int S,
                       const float *input) {
    gl_draw_image_cell(im, x, y, S, input, c->attention && fr[t].has_read ? &fr[t].read : NULL, c->read_n,
                       gl_draw_read_rgb);
    if (c->attention && t > 0) gl_draw_image_trail(im, x, y, S, fr, t, t, 1, c->read_n, gl_draw_read_rgb);
}

// cells[i] draws cell i from runs[i] (its T frames).
static int draw_play(const char *path, const gl_draw_config *c, const gl_draw_frame *const *runs, cell_fn *cells,
                     int n, int cols, int T, int S, const float *input) {
    int cell = GL_DRAW_A * S, rows = (n + cols - 1) / cols;
    long long W = PAD + (long long)cols * (cell + PAD), H = BAND + PAD + (long long)rows * (cell + PAD);
    if (!gl_image_size_ok(W, H)) return -1;
    clip cl = {0};
    if (clip_new(&cl, (int)W, (int)H)) return -1;
    gl_image im = gl_image_new((int)W, (int)H, 40, 40, 40);
    int rc = 0;
    double step_s = 1.0 / draw_steps_per_s(T);
    for (int t = 0; t < T && !rc; t++) {
        band(&im, t, T);
        for (int i = 0; i < n; i++)
            cells[i](&im, c, runs[i], t, PAD + (i % cols) * (cell + PAD), BAND + PAD + (i / cols) * (cell + PAD), S,
                     input);
        rc = clip_add(&cl, &im, t == T - 1 ? GIF_HOLD_S : step_s);
    }
    if (!rc) rc = clip_save(&cl, path);
    gl_image_free(&im);
    gl_gif_free(cl.g);
    return rc;
}

static int runs_finite(gl_trace **tr, int n) {
    for (int i = 0; i < n; i++)
        for (int t = 0; t < gl_trace_count(tr[i]); t++) {
            const gl_draw_frame *f = gl_trace_frame(tr[i], t);
            if (!gl_all_finite(f->canvas, GL_DRAW_D) || !gl_all_finite(&f->write.gx, 5) ||
                !gl_all_finite(&f->read.gx, 5))
                return 0;
        }
    return 1;
}

int gif_draw_generate(const char *path, gl_draw *m, uint64_t seed, int ns, int S) {
    const gl_draw_config *c = gl_draw_cfg(m);
    gl_trace **tr = gl_calloc((size_t)ns, sizeof *tr);
    const gl_draw_frame **runs = gl_calloc((size_t)ns, sizeof *runs);
    cell_fn *cells = gl_calloc((size_t)ns, sizeof *cells);
    int T = c->T, rc = 0;
    for (int i = 0; i < ns; i++) {
        tr[i] = gl_draw_trace_new(m);
        gl_draw_generate(m, seed + (uint64_t)i, tr[i], NULL, NULL);
        if (gl_trace_count(tr[i]) < T) T = gl_trace_count(tr[i]);
        runs[i] = gl_trace_count(tr[i]) ? gl_trace_frame(tr[i], 0) : NULL;
        cells[i] = canvas_cell;
    }
    if (T < 1 || !runs_finite(tr, ns)) { gl_seterr("DRAW produced no steps or non-finite values"); rc = -1; }
    int cols = (int)ceil(sqrt((double)ns));
    if (!rc) rc = draw_play(path, c, runs, cells, ns, cols, T, S, NULL);
    for (int i = 0; i < ns; i++) gl_trace_release(tr[i]);
    free(tr); free(runs); free(cells);
    return rc;
}

int gif_draw_runs(const char *path, const gl_draw_config *c, const gl_draw_frame *const *runs, int ns, int T, int S,
                  const float *input) {
    if (ns < 1 || ns > 64 || T < 1) { gl_seterr("no DRAW run to animate"); return -1; }
    if (input) {
        const gl_draw_frame *two[2] = { runs[0], runs[0] };
        cell_fn cells[2] = { input_cell, canvas_cell };
        return draw_play(path, c, two, cells, 2, 2, T, S, input);
    }
    cell_fn cells[64];
    for (int i = 0; i < ns; i++) cells[i] = canvas_cell;
    return draw_play(path, c, runs, cells, ns, (int)ceil(sqrt((double)ns)), T, S, NULL);
}

int gif_draw_reconstruct(const char *path, gl_draw *m, const float *img784, int S) {
    const gl_draw_config *c = gl_draw_cfg(m);
    gl_trace *tr = gl_draw_trace_new(m);
    gl_draw_reconstruct(m, img784, 0, tr, NULL, NULL);
    int T = gl_trace_count(tr), rc = 0;
    if (T < 1 || !runs_finite(&tr, 1)) { gl_seterr("DRAW produced no steps or non-finite values"); rc = -1; }
    if (!rc) {
        const gl_draw_frame *runs[2] = { gl_trace_frame(tr, 0), gl_trace_frame(tr, 0) };
        cell_fn cells[2] = { input_cell, canvas_cell };
        rc = draw_play(path, c, runs, cells, 2, 2, T, S, img784);
    }
    gl_trace_release(tr);
    return rc;
}

// ---- write / scribble ----------------------------------------------------------------
double gif_point_seconds(const gl_meta *meta) {
    double thin = meta ? gl_meta_num(meta, "iam_thin", 2) : 2;
    if (!(thin >= 1 && thin <= 100)) thin = 2;
    return thin * GIF_IAM_POINT_S;
}

// The piece of stroke [a, a+m) that point i (a < i < a+m) adds, drawn as
// gl_hw_save_png draws it: a quadratic Bézier from the midpoint before point
// i to the midpoint after it, point i its control point (the stroke's first
// and last points are its ends).
static void ink_piece(gl_image *im, const float *ax, const float *ay, int a, int m, int i, float lw) {
    float cx = i - 1 == a ? ax[a] : 0.5f * (ax[i - 1] + ax[i]), cy = i - 1 == a ? ay[a] : 0.5f * (ay[i - 1] + ay[i]);
    int last = i == a + m - 1;
    float ex = last ? ax[i] : 0.5f * (ax[i] + ax[i + 1]), ey = last ? ay[i] : 0.5f * (ay[i] + ay[i + 1]);
    float qx = last ? 0.5f * (cx + ex) : ax[i], qy = last ? 0.5f * (cy + ey) : ay[i];
    for (int k = 1; k <= 6; k++) {
        float t = k / 6.0f, u = 1 - t, tp = (k - 1) / 6.0f, up = 1 - tp;
        float ox = up * up * cx + 2 * up * tp * qx + tp * tp * ex, oy = up * up * cy + 2 * up * tp * qy + tp * tp * ey;
        gl_image_line(im, ox, oy, u * u * cx + 2 * u * t * qx + t * t * ex, u * u * cy + 2 * u * t * qy + t * t * ey,
                      lw, 0, 0, 0);
    }
}

#define INK_FRAME_S 0.04   // a frame at least every 40 ms of the pen's time: 25 frames a second

int gif_ink(const char *path, const float *pts, int n, int height, double point_s) {
    if (n < 1) { gl_seterr("no points to animate"); return -1; }
    // the layout of gl_hw_save_png
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    float pad = 12, span = y1 - y0 > 1e-3f ? y1 - y0 : 1, scale = (height - 2 * pad) / span;
    int W = (int)((x1 - x0) * scale + 2 * pad) + 1;
    if (W > 8000) { scale *= 8000.0f / W; W = 8000; }
    if (W < 16) W = 16;
    float *ax = gl_malloc(sizeof(float) * (size_t)n), *ay = gl_malloc(sizeof(float) * (size_t)n);
    int *start = gl_malloc(sizeof(int) * (size_t)n), *len = gl_malloc(sizeof(int) * (size_t)n);
    float x = 0, y = 0;
    int s0 = 0;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        ax[i] = (x - x0) * scale + pad; ay[i] = (y - y0) * scale + pad;
        if (pts[3 * i + 2] > 0.5f || i == n - 1) {
            for (int k = s0; k <= i; k++) { start[k] = s0; len[k] = i - s0 + 1; }
            s0 = i + 1;
        }
    }
    float lw = height > 200 ? 2.4f : 2.0f;
    clip c = {0};
    int rc = clip_new(&c, W, height);
    gl_image im = gl_image_new(W, height, 255, 255, 255);
    // the pen's clock: a point every point_s, a lift (the move to the next
    // stroke) GIF_PEN_LIFT_S; a frame is added once INK_FRAME_S has passed
    double clock = 0, shown = 0;
    double lift = GIF_PEN_LIFT_S > point_s ? GIF_PEN_LIFT_S : point_s;
    // the box of the ink drawn since the last frame (points i−1..i+1 of a piece, and the pen's width)
    float bx0 = 1e30f, by0 = 1e30f, bx1 = -1e30f, by1 = -1e30f;
    for (int i = 0; i < n && !rc; i++) {
        int a = start[i], m = len[i];
        if (m == 1) gl_image_line(&im, ax[i], ay[i], ax[i] + 0.5f, ay[i], lw, 0, 0, 0);
        else if (i > a) ink_piece(&im, ax, ay, a, m, i, lw);
        for (int k = i - 1; k <= i + 1; k++)
            if (k >= a && k < a + m) {
                bx0 = fminf(bx0, ax[k]); bx1 = fmaxf(bx1, ax[k] + 0.5f);
                by0 = fminf(by0, ay[k]); by1 = fmaxf(by1, ay[k]);
            }
        clock += i > 0 && pts[3 * (i - 1) + 2] > 0.5f ? lift : point_s;
        int last = i == n - 1;
        if (last || clock - shown >= INK_FRAME_S) {
            int m2 = (int)ceilf(lw) + 3, x = (int)floorf(bx0) - m2, y = (int)floorf(by0) - m2;
            int w = bx1 >= bx0 ? (int)ceilf(bx1) + m2 - x + 1 : 0;
            int h = by1 >= by0 ? (int)ceilf(by1) + m2 - y + 1 : 0;
            rc = clip_add_rect(&c, &im, clock - shown + (last ? GIF_HOLD_S : 0), x, y, w, h);
            shown = clock;
            bx0 = by0 = 1e30f; bx1 = by1 = -1e30f;
        }
    }
    if (!rc) rc = clip_save(&c, path);
    gl_image_free(&im);
    gl_gif_free(c.g);
    free(ax); free(ay); free(start); free(len);
    return rc;
}

// ---- find --------------------------------------------------------------------------
#define FIND_STEP_S 0.5   // the view plays 2 glimpses a second

int gif_find(const char *path, const float *img, const gl_clut_frame *fr, int T, int label) {
    const int S = 4, pad = 16, top = 40, barw = 160, A = GL_CLUT_A;
    int W = pad + A * S + pad + barw + pad, H = top + A * S + pad;
    clip c = {0};
    if (clip_new(&c, W, H)) return -1;
    int rc = 0;
    char s[96];
    for (int t = 0; t < T && !rc; t++) {
        gl_image im = gl_image_new(W, H, 255, 255, 255);
        int b = 0;
        for (int k = 1; k < GL_CLUT_CLASSES; k++) if (fr[t].prob[k] > fr[t].prob[b]) b = k;
        int n = snprintf(s, sizeof s, "glimpse %d/%d: %d (%.0f%%)", t + 1, T, b, 100 * fr[t].prob[b]);
        if (label >= 0 && n > 0 && n < (int)sizeof s) snprintf(s + n, sizeof s - (size_t)n, ", true %d", label);
        gl_image_text(&im, pad, 12, 2, s, 0, 0, 0);
        gl_clut_image_cell(&im, pad, top, S, img, fr, t);
        // the belief after this glimpse: a bar a class, in the glimpse's colour
        int bx = pad + A * S + pad, bh = A * S - 40;
        uint8_t col[3];
        gl_clut_step_rgb(t, T, col);
        gl_image_text(&im, bx, top, 1, "belief", 0, 0, 0);
        for (int k = 0; k < GL_CLUT_CLASSES; k++) {
            int h = (int)(fr[t].prob[k] * (float)bh + 0.5f), x = bx + k * 15;
            gl_image_rect(&im, x, top + 20 + bh, 12, 1, 200, 200, 200);
            if (h > 0) gl_image_rect(&im, x, top + 20 + bh - h, 12, h, col[0], col[1], col[2]);
            snprintf(s, sizeof s, "%d", k);
            gl_image_text(&im, x + 3, top + 24 + bh, 1, s, 0, 0, 0);
        }
        rc = clip_add(&c, &im, t == T - 1 ? GIF_HOLD_S : FIND_STEP_S);
        gl_image_free(&im);
    }
    if (!rc) rc = clip_save(&c, path);
    gl_gif_free(c.g);
    return rc;
}

// ---- prediction replay ---------------------------------------------------------------------
// The trail's colour of a density t (0..1, its step's peak 1) under ink k
// (0 black .. 1 paper): the jet map faded into the paper where t is small,
// as the Prediction view fades its trail, then the ink multiplied over it.
static void trail_rgb(float t, float k, uint8_t *px) {
    uint8_t c[3] = { 255, 255, 255 };
    if (t > 0.02f) {
        gl_jet(t, &c[0], &c[1], &c[2]);
        float a = fminf(1.0f, 3.0f * t);
        for (int j = 0; j < 3; j++) c[j] = (uint8_t)(255 - a * (255 - c[j]) + 0.5f);
    }
    for (int j = 0; j < 3; j++) px[j] = (uint8_t)(c[j] * k + 0.5f);
}

int gif_trail(const char *path, const gif_trail_step *st, int n, int G, double step_s) {
    if (n < 2) { gl_seterr("no replay to animate"); return -1; }
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int i = 0; i < n; i++) {
        const gif_trail_step *s = &st[i];
        x0 = fminf(x0, fminf(s->x, s->x + s->gx0)); x1 = fmaxf(x1, fmaxf(s->x, s->x + s->gx0 + G * s->cell));
        y0 = fminf(y0, fminf(s->y, s->y + s->gy0)); y1 = fmaxf(y1, fmaxf(s->y, s->y + s->gy0 + G * s->cell));
    }
    float pad = 8, sc = fminf(2.0f, fminf(1400.0f / fmaxf(x1 - x0, 1), 500.0f / fmaxf(y1 - y0, 1)));
    int W = (int)((x1 - x0) * sc + 2 * pad) + 1, H = (int)((y1 - y0) * sc + 2 * pad) + 1;
    if (!gl_image_size_ok(W, H)) return -1;
    clip c = {0};
    if (clip_new(&c, W, H)) return -1;
    gl_image ink = gl_image_new(W, H, 255, 255, 255), im = gl_image_new(W, H, 255, 255, 255);
    float *trail = gl_calloc((size_t)W * H, sizeof(float));
    int rc = 0;
#define PX(v, o) (((v) - (o)) * sc + pad)
    for (int i = 0; i < n && !rc; i++) {
        const gif_trail_step *s = &st[i];
        int rx0 = W, ry0 = H, rx1 = 0, ry1 = 0;   // what this step changes
        if (i > 0 && !st[i - 1].up) {
            float ax = PX(st[i - 1].x, x0), ay = PX(st[i - 1].y, y0), bx = PX(s->x, x0), by = PX(s->y, y0);
            gl_image_line(&ink, ax, ay, bx, by, 2.0f, 0, 0, 0);
            rx0 = (int)fminf(ax, bx) - 3; ry0 = (int)fminf(ay, by) - 3;
            rx1 = (int)fmaxf(ax, bx) + 4; ry1 = (int)fmaxf(ay, by) + 4;
        }
        float inv = s->gmax > 0 ? 1.0f / s->gmax : 0;
        for (int gi = 0; gi < G && s->grid && inv > 0; gi++)
            for (int gj = 0; gj < G; gj++) {
                float v = s->grid[gi * G + gj] * inv;
                if (!(v > 0.02f)) continue;
                int ax = (int)PX(s->x + s->gx0 + gj * s->cell, x0), ay = (int)PX(s->y + s->gy0 + gi * s->cell, y0);
                int bx = (int)PX(s->x + s->gx0 + (gj + 1) * s->cell, x0);
                int by = (int)PX(s->y + s->gy0 + (gi + 1) * s->cell, y0);
                for (int y = ay < 0 ? 0 : ay; y < by && y < H; y++)
                    for (int x = ax < 0 ? 0 : ax; x < bx && x < W; x++)
                        if (v > trail[(size_t)y * W + x]) trail[(size_t)y * W + x] = v;
                if (ax < rx0) rx0 = ax;
                if (ay < ry0) ry0 = ay;
                if (bx > rx1) rx1 = bx;
                if (by > ry1) ry1 = by;
            }
        if (rx0 < 0) rx0 = 0;
        if (ry0 < 0) ry0 = 0;
        if (rx1 > W) rx1 = W;
        if (ry1 > H) ry1 = H;
        for (int y = ry0; y < ry1; y++)
            for (int x = rx0; x < rx1; x++) {
                size_t p = (size_t)y * W + x;
                trail_rgb(trail[p], ink.px[3 * p] / 255.0f, im.px + 3 * p);
            }
        int last = i == n - 1;
        rc = clip_add_rect(&c, &im, step_s + (last ? GIF_HOLD_S : 0), rx0, ry0, rx1 > rx0 ? rx1 - rx0 : 0,
                           ry1 > ry0 ? ry1 - ry0 : 0);
    }
#undef PX
    if (!rc) rc = clip_save(&c, path);
    gl_image_free(&ink); gl_image_free(&im);
    free(trail);
    gl_gif_free(c.g);
    return rc;
}
