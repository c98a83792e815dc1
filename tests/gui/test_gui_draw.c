// Headless sessions of the DRAW view (SDL offscreen driver, software
// renderer), with the shipped weights and with a model made here.
//
// Generate: the canvas on screen has ink at the last step and less after
// scrubbing back; the write window moves between steps and its box is drawn
// in the write colour; a new seed replays and paints another digit; a grid
// builds several samples; exports are PNGs of the expected size; the
// no-attention weights draw no window. Reconstruct: a test digit is rebuilt
// (the final canvas correlates with it), the read window is drawn on the
// input, a digit drawn with the mouse is reconstructed, an empty drawing
// runs nothing and says so. With a slow model of T = 64 (read 3, write 7)
// the view takes its sizes from the file, a burst of seed changes cancels
// the runs under way and the last seed is what is shown; missing and
// corrupt weights give a one-line error while the app keeps running.
//
// The pen: at every step the path drawn on the canvas runs through the
// write centres of steps 1..t (of a run made here with the same weights
// and seed) and nowhere else, the box of step t has its side (N−1)δ and
// centre g, and the enlarged patch beside the canvas shows w_t cell by
// cell; in Reconstruct the same for the read window on the input and the
// read patches. With T = 64: the timeline has a thumbnail every k-th step
// and scrubs step by step, the play speed follows T, a strip export shows
// every 4th step (16 cells, each the run's canvas at that step), and the
// layout holds at 900x600 and 1920x1080.
//
// With an argument (the glimpse executable): `glimpse --view draw
// --screenshot` catches the first run's build under way (it plays on opening);
// with a script pressing End it shows the finished digit's ink.
#include "draw/gl_draw.h"
#include "gl_image.h"
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_test.h"
#include "view.h"
#include "view_draw_pen.h"
#include "draw/gl_draw_figure.h"
#include "gl_mnist.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The default 1280x800 layout (checked in process, assumed by the executable test).
#define CANVAS_X 12
#define CANVAS_Y 86
#define CANVAS_W 560

static char asset_dir[512];
static const char *dir_asset_path(const char *name) {
    static char buf[1024];
    const char *dir = asset_dir[0] ? asset_dir : getenv("GLIMPSE_ASSETS") ? getenv("GLIMPSE_ASSETS") : "assets";
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static double probe_i(gui_run *r, const char *what, int i) {
    char s[64];
    snprintf(s, sizeof s, "%s %d", what, i);
    return probe(r, s);
}

static const uint8_t *px(const gl_image *im, int x, int y) {
    x = x < 0 ? 0 : x >= im->w ? im->w - 1 : x;
    y = y < 0 ? 0 : y >= im->h ? im->h - 1 : y;
    return im->px + ((size_t)y * im->w + x) * 3;
}

// Grey pixels brighter than half in a rectangle (the ink; window colours are not grey).
static int ink_pixels(const gl_image *im, int x0, int y0, int w, int h) {
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) {
            const uint8_t *p = px(im, x, y);
            n += p[0] == p[1] && p[1] == p[2] && p[0] > 128;
        }
    return n;
}
static int red_pixels(const gl_image *im, int x0, int y0, int w, int h) {
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) { const uint8_t *p = px(im, x, y); n += p[0] > 180 && p[1] < 110 && p[2] < 110; }
    return n;
}
static int green_pixels(const gl_image *im, int x0, int y0, int w, int h) {
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) { const uint8_t *p = px(im, x, y); n += p[1] > 160 && p[0] < 120 && p[2] < 120; }
    return n;
}

// The screen over cell (x, y, w) shows canvas (784 values) pixel for pixel:
// the centre of every canvas pixel is its grey level (pixels under a window's
// lines, which are not grey, are skipped; so is the pen tip at (tip_x,
// tip_y), whose black ring over ink is grey).
static double tip_x = -1e9, tip_y = -1e9;
static int min_compared = 700;   // grey pixels compared at least (a strip cell's path and boxes cover more)
static void tip_at(gui_run *r, int cell) { tip_x = probe_i(r, "write_cx", cell); tip_y = probe_i(r, "write_cy", cell); }
static int shows_canvas(const gl_image *im, int x, int y, int w, const float *canvas, const char *what) {
    int compared = 0, wrong = 0;
    for (int i = 0; i < GL_DRAW_D; i++) {
        int sx = x + (int)(((i % 28) + 0.5) * w / 28.0), sy = y + (int)(((i / 28) + 0.5) * w / 28.0);
        if (fabs(sx - tip_x) <= 8 && fabs(sy - tip_y) <= 8) continue;
        const uint8_t *p = px(im, sx, sy);
        if (p[0] != p[1] || p[1] != p[2]) continue;
        compared++;
        int want = (int)(canvas[i] * 255.0f + 0.5f);
        if (abs(p[0] - want) > 2) { if (!wrong) fprintf(stderr, "%s: pixel %d is %d, the canvas says %d\n", what, i, p[0], want); wrong++; }
    }
    CHECK(compared > min_compared && wrong == 0, "%s: %d of %d canvas pixels differ from the frame", what, wrong, compared);
    return compared > min_compared && wrong == 0;
}

// A new view plays its first run's build: from (about) step 0, the step
// rising frame by frame, until it stops on the finished canvas at step T - 1.
static void plays_to_the_end(gui_run *r, int T, const char *what) {
    double s0 = probe(r, "step");
    CHECK(probe(r, "playing") == 1 && s0 < T / 4.0, "%s: the first run plays from step 1 (step %g of %d)", what,
          s0 + 1, T);
    double prev = s0;
    int rising = 1, frames = 0;
    for (; frames < 300 && probe(r, "playing") == 1; frames++) {   // 30 s at most
        if (run_text(r, "wait 100\n") != 0) break;
        double s = probe(r, "step");
        rising &= s >= prev;
        prev = s;
    }
    CHECK(probe(r, "playing") == 0 && probe(r, "step") == T - 1 && rising && prev > s0,
          "%s: it plays on (never back) and stops on the finished canvas (step %g of %d, %.1f s)", what,
          probe(r, "step") + 1, T, frames / 10.0);
}

static int screen(gui_run *r, gl_image *im) {
    if (gui_sdl_read(r->sdl, im) != 0) { CHECK(0, "read back: %s", gl_err()); return -1; }
    return 0;
}

static int canvas_ink(gui_run *r) {
    gl_image im;
    if (screen(r, &im)) return -1;
    int n = ink_pixels(&im, (int)probe(r, "canvas_x"), (int)probe(r, "canvas_y"), (int)probe(r, "canvas_w"), (int)probe(r, "canvas_w"));
    gl_image_free(&im);
    return n;
}

// A strip's cells: every k-th step, k = ceil(T/16).
static int strip_cells(int T) { int k = (T + 15) / 16; return (T + k - 1) / k; }

// The last export's file: a PNG of w x h.
static void check_export(gui_run *r, const char *kind, int n, int w, int h) {
    char path[600];
    snprintf(path, sizeof path, "%s/glimpse-draw-%s-%03d.png", getenv("GLIMPSE_EXPORT_DIR"), kind, n);
    gl_image im;
    int rc = gl_image_load_png(path, &im);
    CHECK(rc == 0, "export %s is a PNG (%s)", path, r->sh->app.note);
    if (rc) return;
    CHECK(im.w == w && im.h == h, "export %s is %dx%d (expected %dx%d)", path, im.w, im.h, w, h);
    int bright = 0;
    for (size_t k = 0; k < (size_t)im.w * im.h * 3; k++) bright += im.px[k] > 200;
    CHECK(bright > 100, "export %s has ink (%d bright values)", path, bright);
    gl_image_free(&im);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(!gl_file_exists(tmp), "no temporary file left beside %s", path);
    unlink(path);
}


// ---- the pen --------------------------------------------------------------------
// The path segments of the last frame: line commands in the path's tint of rgb.
static int path_segments(gui_run *r, const uint8_t rgb[3], float (*seg)[4], int max) {
    uint8_t tint[3];
    dv_path_rgb(rgb, tint);
    gui_ctx *ui = r->sh->app.ui;
    int n = 0;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        if (c->type != GUI_CMD_LINE || c->c.r != tint[0] || c->c.g != tint[1] || c->c.b != tint[2]) continue;
        if (n < max) { seg[n][0] = c->x0; seg[n][1] = c->y0; seg[n][2] = c->x1; seg[n][3] = c->y1; }
        n++;
    }
    return n;
}

static void centre_on(gui_rect cell, const gl_draw_window *w, float *x, float *y) {
    *x = (float)cell.x + (w->gx - 0.5f) * (float)cell.w / 28.0f;
    *y = (float)cell.y + (w->gy - 0.5f) * (float)cell.w / 28.0f;
}

// At step s the path over cell is exactly the segments between the
// centres of steps 0..s of trace t, in order; the box of step s has the
// window's side and centre.
static void check_pen(gui_run *r, const gl_trace *t, int s, gui_rect cell, int read, int N, const char *what) {
    static float seg[GL_DRAW_MAXT + 8][4];
    const uint8_t *rgb = read ? gl_draw_read_rgb : gl_draw_write_rgb;
    int n = path_segments(r, rgb, seg, GL_DRAW_MAXT + 8), bad = 0;
    for (int k = 1; k <= s && k <= n; k++) {
        const gl_draw_frame *a = gl_trace_frame(t, k - 1), *b = gl_trace_frame(t, k);
        float ax, ay, bx, by;
        centre_on(cell, read ? &a->read : &a->write, &ax, &ay);
        centre_on(cell, read ? &b->read : &b->write, &bx, &by);
        const float *g = seg[k - 1];
        if (fabsf(g[0] - ax) > 0.01f || fabsf(g[1] - ay) > 0.01f || fabsf(g[2] - bx) > 0.01f || fabsf(g[3] - by) > 0.01f) {
            if (!bad) fprintf(stderr, "%s: segment %d is (%.2f,%.2f)-(%.2f,%.2f), the centres (%.2f,%.2f)-(%.2f,%.2f)\n", what, k, g[0], g[1], g[2], g[3], ax, ay, bx, by);
            bad++;
        }
    }
    CHECK(n == s && bad == 0, "%s, step %d: the path is %d segments through the centres of steps 1..%d (%d wrong)", what, s + 1, n, s + 1, bad);
    // The box of this step.
    const gl_draw_window *w = read ? &((const gl_draw_frame *)gl_trace_frame(t, s))->read : &((const gl_draw_frame *)gl_trace_frame(t, s))->write;
    const char *p = read ? "read" : "write";
    char q[32];
    snprintf(q, sizeof q, "%s_x0", p); double x0 = probe(r, q);
    snprintf(q, sizeof q, "%s_x1", p); double x1 = probe(r, q);
    snprintf(q, sizeof q, "%s_y0", p); double y0 = probe(r, q);
    snprintf(q, sizeof q, "%s_y1", p); double y1 = probe(r, q);
    snprintf(q, sizeof q, "%s_cx", p); double cx = probe(r, q);
    snprintf(q, sizeof q, "%s_cy", p); double cy = probe(r, q);
    float ex, ey;
    centre_on(cell, w, &ex, &ey);
    double side = (N - 1) * w->delta * cell.w / 28.0;
    CHECK(fabs(x1 - x0 - side) < 0.01 && fabs(y1 - y0 - side) < 0.01 && fabs(cx - ex) < 0.01 && fabs(cy - ey) < 0.01,
          "%s, step %d: the box is %.2f x %.2f at (%.2f, %.2f); (N-1)δ is %.2f at (%.2f, %.2f)", what, s + 1, x1 - x0, y1 - y0, cx, cy, side, ex, ey);
}

// The enlarged patch at (x, y), w wide, shows the N×N values v: the centre
// of square (i, j) has the colour of v[i·N + j] (grey: v/scale as a grey
// level; else gl_draw_patch_rgb).
static void check_patch(const gl_image *im, double x, double y, double w, int N, const float *v, float scale, int grey, const char *what) {
    int c = (int)w / N, wrong = 0;
    CHECK(w > 0 && c * N == (int)w && c >= 2, "%s: a patch of %dx%d squares, %g wide", what, N, N, w);
    for (int i = 0; i < N && c >= 2; i++)
        for (int j = 0; j < N; j++) {
            const uint8_t *p = px(im, (int)x + j * c + c / 2, (int)y + i * c + c / 2);
            uint8_t want[3];
            if (grey) { float g = v[i * N + j] / scale; g = g < 0 ? 0 : g > 1 ? 1 : g; want[0] = want[1] = want[2] = (uint8_t)(g * 255 + 0.5f); }
            else gl_draw_patch_rgb(v[i * N + j], scale, want);
            if (abs(p[0] - want[0]) > 2 || abs(p[1] - want[1]) > 2 || abs(p[2] - want[2]) > 2) {
                if (!wrong) fprintf(stderr, "%s: square (%d,%d) is %d,%d,%d; the value %g says %d,%d,%d\n", what, i, j, p[0], p[1], p[2], v[i * N + j], want[0], want[1], want[2]);
                wrong++;
            }
        }
    CHECK(wrong == 0, "%s: %d of %d squares differ from the patch", what, wrong, N * N);
}

static float max_abs(const float *x, int n) {
    float m = 0;
    for (int i = 0; i < n; i++) if (fabsf(x[i]) > m) m = fabsf(x[i]);
    return m;
}

// Goes to step s (Home, then Right s times).
static void go_step(gui_run *r, int s) {
    run_text(r, "key Home\n");
    for (int i = 0; i < s; i++) run_text(r, "key Right\n");
}

// Generate, one sample: the pen and the write patch at steps 0, s1, last of trace t.
static void check_generate_pen(gui_run *r, const gl_trace *t, const gl_draw_config *c, const char *what) {
    int T = c->T, steps[3] = { 0, T / 3, T - 1 };
    gui_rect cell = gui_r((int)probe(r, "canvas_x"), (int)probe(r, "canvas_y"), (int)probe(r, "canvas_w"), (int)probe(r, "canvas_w"));
    for (int k = 0; k < 3; k++) {
        int s = steps[k];
        go_step(r, s);
        CHECK(probe(r, "step") == s, "%s: at step %d", what, s + 1);
        char w[96];
        snprintf(w, sizeof w, "%s, generate", what);
        check_pen(r, t, s, cell, 0, c->write_n, w);
        gl_image im;
        if (screen(r, &im) == 0) {
            const gl_draw_frame *f = gl_trace_frame(t, s);
            int N = c->write_n;
            snprintf(w, sizeof w, "%s, write patch at step %d", what, s + 1);
            check_patch(&im, probe(r, "wpatch_x"), probe(r, "wpatch_y"), probe(r, "wpatch_w"), N, f->wpatch, fmaxf(max_abs(f->wpatch, N * N), 1e-6f), 0, w);
            // The path's dots (steps before this one) are drawn, in a tint of
            // red, where they fall on the canvas (the pen is clipped to it).
            int tinted = 0, inside = 0;
            for (int j = 0; j < s; j++) {
                const gl_draw_frame *g = gl_trace_frame(t, j);
                float x, y;
                centre_on(cell, &g->write, &x, &y);
                if (x < cell.x + 3 || y < cell.y + 3 || x > cell.x + cell.w - 3 || y > cell.y + cell.h - 3) continue;
                inside++;
                const uint8_t *p = px(&im, (int)lroundf(x), (int)lroundf(y));
                tinted += p[0] > p[1] + 8 && abs(p[1] - p[2]) < 12;
            }
            CHECK(tinted == inside && inside >= s / 2, "%s, step %d: the path's dots on the canvas are red-tinted on screen (%d of %d; %d steps)", what, s + 1, tinted, inside, s);
            gl_image_free(&im);
        }
    }
}

// A strip export: every k-th step of the runs (one row each, after an
// input row when input is given), each cell the run's canvas at that step.
static void check_strip(gui_run *r, int n, int T, int k, gl_trace *const *runs, int nruns, const float *input) {
    int cells = (T + k - 1) / k, rows = nruns + (input != NULL), cell = 28 * 4;
    CHECK(probe(r, "strip_k") == k, "the strip takes every %d-th step (%g)", k, probe(r, "strip_k"));
    char path[600];
    snprintf(path, sizeof path, "%s/glimpse-draw-strip-%03d.png", getenv("GLIMPSE_EXPORT_DIR"), n);
    gl_image im;
    int rc = gl_image_load_png(path, &im);
    CHECK(rc == 0, "strip %s is a PNG (%s)", path, r->sh->app.note);
    if (rc) return;
    int W = cells * (cell + 2) + 2, H = GL_DRAW_STRIP_BAND + rows * (cell + 2) + 2;
    CHECK(im.w == W && im.h == H, "strip is %dx%d (expected %dx%d: %d cells of %d steps)", im.w, im.h, W, H, cells, T);
    if (im.w == W && im.h == H) {
        int band = 0;
        for (int y = 0; y < GL_DRAW_STRIP_BAND; y++) for (int x = 0; x < W; x++) band += px(&im, x, y)[0] > 150;
        CHECK(band > cells * 10, "step numbers over the cells (%d bright pixels)", band);
        for (int j = 0; j < cells; j++) {
            int s = T - 1 - (cells - 1 - j) * k;
            if (j == cells - 1) CHECK(s == T - 1, "the strip ends on the last step");
            for (int i = 0; i < nruns; i++) {
                char what[64];
                snprintf(what, sizeof what, "strip cell %d (step %d), row %d", j, s + 1, i);
                tip_x = tip_y = -1e9;   // small cells: the tip is in the window's colour
                min_compared = 560;     // the path so far and the boxes in between drawn over it
                shows_canvas(&im, 2 + j * (cell + 2), GL_DRAW_STRIP_BAND + 2 + (i + (input != NULL)) * (cell + 2), cell,
                             ((const gl_draw_frame *)gl_trace_frame(runs[i], s))->canvas, what);
                min_compared = 700;
            }
        }
        int reds = red_pixels(&im, 0, GL_DRAW_STRIP_BAND, W, H - GL_DRAW_STRIP_BAND);
        CHECK(reds > cells * 20, "write windows drawn in the strip (%d red pixels)", reds);
    }
    gl_image_free(&im);
    unlink(path);
}


// Reconstruct test digit #digit (binarized as the view does it): the read
// pen on the input, the write pen on the canvas, and the read and write
// patches in the middle, at the first, a middle and the last step.
static void check_reconstruct_pen(gui_run *r, gl_draw *ref, int digit) {
    gl_mnist te;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0) { CHECK(0, "MNIST: %s", gl_err()); return; }
    int n = te.n < 1000 ? te.n : 1000;
    gl_draw_binarize(te.x, (size_t)n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + 1);
    const gl_draw_config *c = gl_draw_cfg(ref);
    gl_trace *t = gl_draw_trace_new(ref);
    gl_draw_reconstruct(ref, te.x + (size_t)digit * GL_DRAW_D, 0, t, NULL, NULL);
    gl_mnist_free(&te);
    CHECK(probe(r, "test_digit") == digit && probe(r, "mode") == 1, "reconstructing test digit #%d", digit);
    int T = c->T, steps[3] = { 0, T / 2, T - 1 };
    gui_rect in = gui_r((int)probe(r, "input_x"), (int)probe(r, "input_y"), (int)probe(r, "input_w"), (int)probe(r, "input_w"));
    gui_rect cv = gui_r((int)probe(r, "canvas_x"), (int)probe(r, "canvas_y"), (int)probe(r, "canvas_w"), (int)probe(r, "canvas_w"));
    for (int k = 0; k < 3; k++) {
        int s = steps[k];
        go_step(r, s);
        check_pen(r, t, s, in, 1, c->read_n, "reconstruct, read window on the input");
        check_pen(r, t, s, cv, 0, c->write_n, "reconstruct, write window on the canvas");
        gl_image im;
        if (screen(r, &im) != 0) continue;
        const gl_draw_frame *f = gl_trace_frame(t, s);
        int rn = c->read_n, wn = c->write_n;
        char w[96];
        snprintf(w, sizeof w, "read patch of x at step %d", s + 1);
        check_patch(&im, probe(r, "rpatch_x 0"), probe(r, "rpatch_y 0"), probe(r, "rpatch_w 0"), rn, f->rpatch, f->read.gamma, 1, w);
        snprintf(w, sizeof w, "read patch of x - sigma(c) at step %d", s + 1);
        check_patch(&im, probe(r, "rpatch_x 1"), probe(r, "rpatch_y 1"), probe(r, "rpatch_w 1"), rn, f->rpatch + rn * rn, f->read.gamma, 0, w);
        snprintf(w, sizeof w, "reconstruct, write patch at step %d", s + 1);
        check_patch(&im, probe(r, "wpatch_x"), probe(r, "wpatch_y"), probe(r, "wpatch_w"), wn, f->wpatch, fmaxf(max_abs(f->wpatch, wn * wn), 1e-6f), 0, w);
        gl_image_free(&im);
    }
    gl_trace_release(t);
}

// The DRAW view's place in the view bar (gui_views.c).
static int draw_index(void) {
    for (int i = 0; gui_views[i]; i++)
        if (!strcmp(gui_views[i]->name, "DRAW")) return i;
    return -1;
}

static void generate_and_reconstruct(void) {
    asset_dir[0] = 0;
    gl_draw *ref = gl_draw_load(dir_asset_path("draw-attention.safetensors"), 0);
    CHECK(ref != NULL, "the shipped weights load: %s", ref ? "" : gl_err());
    if (!ref) return;
    gl_draw_config cfg = *gl_draw_cfg(ref);
    char script[1024];

    gui_run r;
    if (open_view(&r, "DRAW", dir_asset_path)) { gl_draw_free(ref); return; }
    CHECK(gui_run_settle(&r) == 0, "first run: %s", gl_err());
    CHECK(draw_index() >= 0 && probe(&r, "view") == draw_index() && probe(&r, "mode") == 0, "DRAW view, generate mode");
    CHECK(probe(&r, "canvas_x") == CANVAS_X && probe(&r, "canvas_y") == CANVAS_Y && probe(&r, "canvas_w") == CANVAS_W,
          "the layout the executable test assumes (%g,%g,%g)", probe(&r, "canvas_x"), probe(&r, "canvas_y"), probe(&r, "canvas_w"));
    int T = (int)probe(&r, "T");
    CHECK(T == cfg.T && probe(&r, "read_n") == cfg.read_n && probe(&r, "write_n") == cfg.write_n && probe(&r, "attention") == 1,
          "T %d, read %g, write %g from the file's config (%d, %d, %d)", T, probe(&r, "read_n"), probe(&r, "write_n"), cfg.T, cfg.read_n, cfg.write_n);
    CHECK(probe(&r, "shown_seed") == 1, "the first run is seed 1's (%g)", probe(&r, "shown_seed"));
    CHECK(T >= 4, "enough steps to scrub (%d)", T);
    if (T >= 4) plays_to_the_end(&r, T, "shipped weights");
    if (T < 4) { gui_run_close(&r); gl_draw_free(ref); return; }

    // The canvas on screen is the run's frame at the step shown: seed 1
    // generated here with the same weights, at the last step, then the
    // first and a middle one after scrubbing back. The last has ink.
    gl_trace *mine = gl_draw_trace_new(ref);
    CHECK(gl_draw_generate(ref, 1, mine, NULL, NULL) == T, "generate seed 1 here");
    gl_image im;
    int ink_last = canvas_ink(&r);
    CHECK(ink_last > CANVAS_W * CANVAS_W / 50, "ink on the canvas at step %d (%d bright pixels)", T, ink_last);
    tip_at(&r, 0);
    if (screen(&r, &im) == 0) { shows_canvas(&im, CANVAS_X, CANVAS_Y, CANVAS_W, ((const gl_draw_frame *)gl_trace_frame(mine, T - 1))->canvas, "last step"); gl_image_free(&im); }
    CHECK(run_text(&r, "key Home\n") == 0 && probe(&r, "step") == 0, "Home");
    tip_at(&r, 0);
    if (screen(&r, &im) == 0) { shows_canvas(&im, CANVAS_X, CANVAS_Y, CANVAS_W, ((const gl_draw_frame *)gl_trace_frame(mine, 0))->canvas, "first step"); gl_image_free(&im); }
    CHECK(run_text(&r, "key Right\nkey Right\n") == 0 && probe(&r, "step") == 2, "two steps forward");
    tip_at(&r, 0);
    if (screen(&r, &im) == 0) { shows_canvas(&im, CANVAS_X, CANVAS_Y, CANVAS_W, ((const gl_draw_frame *)gl_trace_frame(mine, 2))->canvas, "third step"); gl_image_free(&im); }
    double d = 0;
    for (int i = 0; i < GL_DRAW_D; i++)
        d += fabs(((const gl_draw_frame *)gl_trace_frame(mine, 0))->canvas[i] - ((const gl_draw_frame *)gl_trace_frame(mine, T - 1))->canvas[i]);
    CHECK(d > 20, "the first and the last canvas differ (L1 %.1f): scrubbing changes the picture", d);
    check_generate_pen(&r, mine, &cfg, "shipped weights");
    gl_trace_release(mine);

    // The write window moves between steps, and its box is drawn where it says.
    double moved = 0;
    int boxes_seen = 0;
    double cx0 = 0, cy0 = 0;
    for (int s = 0; s < T; s++) {
        char k[32];
        snprintf(k, sizeof k, "key Home\n");
        if (run_text(&r, k) != 0) break;
        for (int i = 0; i < s; i++) run_text(&r, "key Right\n");
        double cx = probe(&r, "write_cx"), cy = probe(&r, "write_cy");
        double x0 = probe(&r, "write_x0"), y0 = probe(&r, "write_y0"), x1 = probe(&r, "write_x1"), y1 = probe(&r, "write_y1");
        CHECK(cx > -1e9 && x1 > x0 && y1 > y0, "step %d: a write window (%g..%g)", s + 1, x0, x1);
        if (s == 0) { cx0 = cx; cy0 = cy; }
        else if (hypot(cx - cx0, cy - cy0) > moved) moved = hypot(cx - cx0, cy - cy0);
        // A box inside the canvas: its top edge is red around the middle.
        if (x0 > CANVAS_X + 4 && y0 > CANVAS_Y + 4 && x1 < CANVAS_X + CANVAS_W - 4 && y1 < CANVAS_Y + CANVAS_W - 4 && x1 - x0 > 20) {
            gl_image im;
            if (screen(&r, &im) == 0) {
                int top = red_pixels(&im, (int)((x0 + x1) / 2) - 6, (int)y0 - 2, 12, 5);
                int left = red_pixels(&im, (int)x0 - 2, (int)((y0 + y1) / 2) - 6, 5, 12);
                int centre = red_pixels(&im, (int)cx - 2, (int)cy - 2, 5, 5);
                CHECK(top > 3 && left > 3 && centre > 3, "step %d: box edges and centre drawn in red (%d, %d, %d)", s + 1, top, left, centre);
                gl_image_free(&im);
                boxes_seen++;
            }
        }
    }
    CHECK(moved > 10, "the write window's centre moves between steps (%.1f points)", moved);
    CHECK(boxes_seen >= 1, "at least one step has its whole box on the canvas (%d)", boxes_seen);

    // Another seed: it replays from the first step, and paints another digit.
    CHECK(run_text(&r, "key n\nidle\n") == 0, "next seed");
    CHECK(probe(&r, "seed") == 2 && probe(&r, "shown_seed") == 2, "seed 2 shown (%g)", probe(&r, "shown_seed"));
    CHECK(probe(&r, "playing") == 1 || probe(&r, "step") == T - 1, "a new seed plays (playing %g, step %g)", probe(&r, "playing"), probe(&r, "step"));
    CHECK(run_text(&r, "key End\n") == 0 && probe(&r, "playing") == 0, "End stops playing");
    {
        gl_trace *t2 = gl_draw_trace_new(ref);
        gl_draw_generate(ref, 2, t2, NULL, NULL);
        tip_at(&r, 0);
        if (screen(&r, &im) == 0) { shows_canvas(&im, CANVAS_X, CANVAS_Y, CANVAS_W, ((const gl_draw_frame *)gl_trace_frame(t2, T - 1))->canvas, "seed 2, last step"); gl_image_free(&im); }
        gl_trace_release(t2);
    }
    // Play: the step advances by itself and stops at the end.
    CHECK(run_text(&r, "key Home\nkey Space\nwait 500\n") == 0, "play");
    double sp = probe(&r, "step");
    CHECK(sp > 0, "playback moved the step (%g)", sp);
    CHECK(run_text(&r, "key Space\n") == 0 && probe(&r, "playing") == 0, "pause");
    // Scrub on the timeline: a click on its last cell shows the last step.
    double tx = probe(&r, "timeline_x"), ty = probe(&r, "timeline_y"), tw = probe(&r, "timeline_w");
    snprintf(script, sizeof script, "click %d %d\n", (int)(tx + tw - 3), (int)(ty + 10));
    CHECK(run_text(&r, script) == 0 && probe(&r, "step") == T - 1, "timeline click on the last cell (step %g)", probe(&r, "step"));

    // Exports of the single sample.
    CHECK(run_text(&r, "key e\nkey s\n") == 0 && probe(&r, "exports") == 2, "two exports (%s)", r.sh->app.note);
    check_export(&r, "frame", 1, 28 * 8 + 4, 28 * 8 + 4);
    {
        gl_trace *t2 = gl_draw_trace_new(ref);
        gl_draw_generate(ref, 2, t2, NULL, NULL);
        check_strip(&r, 1, T, (T + 15) / 16, &t2, 1, NULL);   // at most 16 cells
        gl_trace_release(t2);
    }

    // A 2x2 then 3x3 grid: several samples, each with ink, building up together.
    CHECK(run_text(&r, "key g\nkey g\nidle\nkey End\n") == 0, "grid 3x3");
    CHECK(probe(&r, "samples") == 9 && probe(&r, "shown_seed") == 2, "nine samples from seed 2 (%g)", probe(&r, "samples"));
    // Every cell i shows seed 2 + i at the same step (building up together).
    for (int pass = 0; pass < 2; pass++) {
        int s = pass ? 1 : T - 1;
        if (pass) CHECK(run_text(&r, "key Home\nkey Right\n") == 0, "grid at step 2");
        if (screen(&r, &im) != 0) break;
        int inked = 0;
        for (int i = 0; i < 9; i++) {
            int x = (int)probe_i(&r, "cell_x", i), y = (int)probe_i(&r, "cell_y", i), w = (int)probe_i(&r, "cell_w", i);
            gl_trace *t = gl_draw_trace_new(ref);
            gl_draw_generate(ref, 2 + (uint64_t)i, t, NULL, NULL);
            char what[64];
            snprintf(what, sizeof what, "grid cell %d, step %d", i, s + 1);
            tip_at(&r, i);
            shows_canvas(&im, x, y, w, ((const gl_draw_frame *)gl_trace_frame(t, s))->canvas, what);
            gl_trace_release(t);
            inked += ink_pixels(&im, x, y, w, w) > w * w / 60;
        }
        if (!pass) CHECK(inked == 9, "every sample has ink at the last step (%d of 9)", inked);
        gl_image_free(&im);
    }
    CHECK(probe_i(&r, "write_cx", 4) != probe_i(&r, "write_cx", 0), "each sample has its own window");
    CHECK(run_text(&r, "key e\n") == 0, "export the grid frame");
    check_export(&r, "frame", 1, 3 * (28 * 4 + 2) + 2, 3 * (28 * 4 + 2) + 2);
    CHECK(run_text(&r, "key s\n") == 0, "export the grid strip");
    check_export(&r, "strip", 1, strip_cells(T) * (28 * 4 + 2) + 2, GL_DRAW_STRIP_BAND + 9 * (28 * 4 + 2) + 2);
    CHECK(run_text(&r, "key g\nkey g\nkey g\nidle\n") == 0 && probe(&r, "samples") == 1, "back to one sample (%g)", probe(&r, "samples"));

    // No attention: the other weights, and no window on the canvas.
    CHECK(run_text(&r, "key a\nidle\nkey End\n") == 0, "no-attention weights");
    CHECK(probe(&r, "attention") == 0 && probe(&r, "write_cx") <= -1e9, "no attention, no window");
    if (screen(&r, &im) == 0) {
        CHECK(red_pixels(&im, CANVAS_X, CANVAS_Y, CANVAS_W, CANVAS_W) == 0, "no red on the canvas");
        CHECK(ink_pixels(&im, CANVAS_X, CANVAS_Y, CANVAS_W, CANVAS_W) > CANVAS_W * CANVAS_W / 50, "but ink");
        gl_image_free(&im);
    }
    CHECK(run_text(&r, "key a\nidle\n") == 0 && probe(&r, "attention") == 1, "attention again");

    // Reconstruct test digit #0: the decoder's canvas resembles it.
    CHECK(run_text(&r, "key m\nidle\nkey End\n") == 0, "reconstruct mode");
    CHECK(probe(&r, "mode") == 1 && probe(&r, "test_digit") == 0, "test digit #0 (%g)", probe(&r, "test_digit"));
    double corr = probe(&r, "recon_corr");
    printf("reconstruction of test digit #0: correlation %.3f\n", corr);
    CHECK(corr > 0.8, "the reconstruction resembles the test digit (correlation %.3f)", corr);
    double thx = probe_i(&r, "thumb_x", 3), thy = probe_i(&r, "thumb_y", 3);
    CHECK(thx > -1e9, "test digit #3 is in the row of thumbnails");
    snprintf(script, sizeof script, "click %d %d\nidle\n", (int)thx, (int)thy);
    CHECK(run_text(&r, script) == 0 && probe(&r, "test_digit") == 3, "a click picks test digit #3 (%g)", probe(&r, "test_digit"));
    CHECK(run_text(&r, "key p\nkey p\nidle\nkey End\n") == 0 && probe(&r, "test_digit") == 1, "previous test digit, twice");
    CHECK(probe(&r, "recon_corr") > 0.8, "test digit #1 too (%.3f)", probe(&r, "recon_corr"));
    // The read window on the input: some step has its box inside the input, drawn in green.
    int greens = 0;
    for (int s = 0; s < T && !greens; s++) {
        run_text(&r, "key Home\n");
        for (int i = 0; i < s; i++) run_text(&r, "key Right\n");
        double ix = probe(&r, "input_x"), iy = probe(&r, "input_y"), iw = probe(&r, "input_w");
        double x0 = probe(&r, "read_x0"), y0 = probe(&r, "read_y0"), x1 = probe(&r, "read_x1"), y1 = probe(&r, "read_y1");
        CHECK(x0 > -1e9, "step %d: a read window", s + 1);
        if (x0 > ix + 4 && y0 > iy + 4 && x1 < ix + iw - 4 && y1 < iy + iw - 4 && x1 - x0 > 20 && screen(&r, &im) == 0) {
            greens = green_pixels(&im, (int)((x0 + x1) / 2) - 6, (int)y0 - 2, 12, 5);
            CHECK(greens > 3, "step %d: the read box's top edge is green (%d)", s + 1, greens);
            gl_image_free(&im);
        }
    }
    CHECK(greens > 0, "a read window drawn on the input");
    check_reconstruct_pen(&r, ref, 1);
    CHECK(run_text(&r, "key e\nkey s\n") == 0, "reconstruct exports");
    check_export(&r, "frame", 1, 2 * (28 * 8 + 2) + 2, 28 * 8 + 4);
    check_export(&r, "strip", 1, strip_cells(T) * (28 * 4 + 2) + 2, GL_DRAW_STRIP_BAND + 2 * (28 * 4 + 2) + 2);

    // An empty drawing: nothing runs, and the view says why.
    CHECK(run_text(&r, "key c\nidle\n") == 0, "clear");
    CHECK(probe(&r, "input_ink") == 0 && probe(&r, "shown_version") == -1, "empty input, no run shown");
    CHECK(strstr(r.sh->app.status, "empty drawing") != NULL, "the status says so: %s", r.sh->app.status);
    // Draw a 1 with the mouse: it is read and rebuilt.
    double x = probe(&r, "input_x"), y = probe(&r, "input_y"), w = probe(&r, "input_w");
    snprintf(script, sizeof script, "drag %d %d %d %d 20\nidle\n", (int)(x + 0.52 * w), (int)(y + 0.18 * w), (int)(x + 0.46 * w), (int)(y + 0.82 * w));
    CHECK(run_text(&r, script) == 0, "draw a stroke");
    CHECK(probe(&r, "drawn") == 1 && probe(&r, "input_ink") > 20, "a drawing (ink %g)", probe(&r, "input_ink"));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the reconstruction is of the latest drawing");
    CHECK(probe(&r, "step") == T - 1, "drawing shows the finished reconstruction (step %g)", probe(&r, "step"));
    printf("reconstruction of a drawn stroke: correlation %.3f\n", probe(&r, "recon_corr"));
    CHECK(probe(&r, "recon_corr") > 0.5, "and resembles it (correlation %.3f)", probe(&r, "recon_corr"));
    // The right button erases; undo brings the stroke back, then the empty canvas, then test digit #1.
    double ink0 = probe(&r, "input_ink");
    snprintf(script, sizeof script, "down %d %d 3\nmove %d %d\nup %d %d 3\nidle\n", (int)(x + 0.2 * w), (int)(y + 0.5 * w),
             (int)(x + 0.8 * w), (int)(y + 0.5 * w), (int)(x + 0.8 * w), (int)(y + 0.5 * w));
    CHECK(run_text(&r, script) == 0 && probe(&r, "input_ink") < ink0 - 1, "erasing removes ink (%g -> %g)", ink0, probe(&r, "input_ink"));
    CHECK(run_text(&r, "key u\nkey u\nkey ctrl+z\nidle\n") == 0 && probe(&r, "test_digit") == 1, "undo back to test digit #1 (%g)", probe(&r, "test_digit"));
    gl_draw_free(ref);
    CHECK(run_text(&r, "key F1\n") == 0 && probe(&r, "help") == 1, "F1 shows the shortcuts");
    CHECK(run_text(&r, "key Escape\nkey ctrl+Tab\n") == 0 && probe(&r, "view") == (gui_views[draw_index() + 1] ? draw_index() + 1 : 0), "Ctrl+Tab to the next view");
    gui_run_close(&r);
}

// A slow model made here: T = 64, read 3x3, write 7x7, a wide decoder.
static void own_model(void) {
    char dir[] = "/tmp/glimpse-drawview-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    snprintf(asset_dir, sizeof asset_dir, "%s", dir);
    gl_draw_config c = { .attention = 1, .T = 64, .read_n = 3, .write_n = 7, .enc = 16, .dec = 768, .z = 8 };
    gl_draw *m = gl_draw_new(&c, 7);
    CHECK(m && gl_draw_save(m, dir_asset_path("draw-attention.safetensors"), NULL, 0) == 0, "write the model: %s", gl_err());
    gl_draw_free(m);

    gui_run r;
    if (open_view(&r, "DRAW", dir_asset_path)) return;
    CHECK(gui_run_settle(&r) == 0, "first run: %s", gl_err());
    CHECK(probe(&r, "T") == 64 && probe(&r, "read_n") == 3 && probe(&r, "write_n") == 7, "T %g, read %g, write %g from the file",
          probe(&r, "T"), probe(&r, "read_n"), probe(&r, "write_n"));
    plays_to_the_end(&r, 64, "T = 64");
    {
        gl_draw *ref = gl_draw_load(dir_asset_path("draw-attention.safetensors"), 0);
        gl_trace *t = gl_draw_trace_new(ref);
        CHECK(gl_draw_generate(ref, 1, t, NULL, NULL) == 64, "seed 1 here");
        // The pen and the 7x7 write patch, as with the shipped weights.
        check_generate_pen(&r, t, gl_draw_cfg(ref), "T = 64");
        // A run of 64 steps plays in about 3 s until a speed is chosen; + chooses one, kept for the next run.
        CHECK(fabs(probe(&r, "speed") - 64 / 3.0) < 0.01, "64 steps play at %.1f steps/s", probe(&r, "speed"));
        CHECK(run_text(&r, "key Home\nkey Space\nwait 300\nkey Space\n") == 0 && probe(&r, "step") > 0, "playing moves the step (%g)", probe(&r, "step"));
        // The timeline: a thumbnail every 4th step at this width, and a click or drag scrubs step by step.
        double tx = probe(&r, "timeline_x"), ty = probe(&r, "timeline_y"), tw = probe(&r, "timeline_w");
        CHECK(probe(&r, "timeline_k") == 4, "a thumbnail every %g steps on a %g-wide timeline", probe(&r, "timeline_k"), tw);
        static const int at[] = { 0, 1, 17, 40, 62, 63 };
        for (int i = 0; i < 6; i++) {
            char sc[64];
            snprintf(sc, sizeof sc, "click %d %d\n", (int)(tx + (at[i] + 0.5) * tw / 64), (int)(ty + 20));
            CHECK(run_text(&r, sc) == 0 && probe(&r, "step") == at[i], "a click on tick %d shows step %d (%g)", at[i], at[i] + 1, probe(&r, "step"));
        }
        char sc[96];
        snprintf(sc, sizeof sc, "down %d %d\nmove %d %d\n", (int)(tx + 2), (int)(ty + 36), (int)(tx + 30.5 * tw / 64), (int)(ty + 36));
        CHECK(run_text(&r, sc) == 0 && probe(&r, "step") == 30, "dragging scrubs (step %g)", probe(&r, "step"));
        snprintf(sc, sizeof sc, "move %d %d\nup %d %d\n", (int)(tx + tw - 1), (int)(ty + 36), (int)(tx + tw - 1), (int)(ty + 36));
        CHECK(run_text(&r, sc) == 0 && probe(&r, "step") == 63, "to the end (step %g)", probe(&r, "step"));
        // The strip: every 4th step, 16 cells ending on step 64.
        CHECK(run_text(&r, "key s\n") == 0, "strip of 64 steps");
        check_strip(&r, 1, 64, 4, &t, 1, NULL);
        gl_trace_release(t);
        // The layout holds with T = 64 at the smallest and a large size, in both modes.
        for (int m = 0; m < 2; m++)
            for (int z = 0; z < 2; z++) {
                gui_event e = { .type = GUI_EV_RESIZE, .x = z ? 1920 : 900, .y = z ? 1080 : 600 };
                gui_run_event(&r, &e);
                r.sh->ui.record = 1;
                gui_run_settle(&r);
                run_text(&r, "frame 1\n");
                gui_ctx *ui = &r.sh->ui;
                int n_all = ui->nlaid, n_view = 0;
                while (n_view < n_all && ui->laid[n_view].r.y >= GUI_BAR_H) n_view++;
                ui->nlaid = n_view;
                char msg[1200];
                int faults = gui_layout_check(ui, gui_r(0, GUI_BAR_H, e.x, e.y - GUI_BAR_H - GUI_STATUS_H), msg, sizeof msg);
                ui->nlaid = n_all;
                r.sh->ui.record = 0;
                CHECK(faults == 0 && n_view >= 4, "T = 64, %s at %dx%d: %d layout faults: %s", m ? "reconstruct" : "generate", e.x, e.y, faults, msg);
                CHECK(probe(&r, "wpatch_w") >= 5 * 7, "the write patch is shown (%g wide)", probe(&r, "wpatch_w"));
                if (z) run_text(&r, "key m\nidle\n");
            }
        gui_event e = { .type = GUI_EV_RESIZE, .x = 1280, .y = 800 };
        gui_run_event(&r, &e);
        CHECK(run_text(&r, "idle\nkey End\n") == 0 && probe(&r, "mode") == 0, "back to generate");
        gl_draw_free(ref);
    }

    // A burst of seed changes on a 2x2 grid: each new request cancels the
    // run under way; the last seed is what ends up on screen.
    gl_engine_stats st0, st1;
    gl_engine_get_stats(r.sh->app.engine, &st0);
    CHECK(run_text(&r, "key g\nkey n\nkey n\nkey n\nkey n\nkey n\nidle\n") == 0, "seed burst");
    gl_engine_get_stats(r.sh->app.engine, &st1);
    CHECK(st1.cancelled + st1.dropped > st0.cancelled + st0.dropped, "runs under way were cancelled or dropped (%llu cancelled, %llu dropped)",
          (unsigned long long)(st1.cancelled - st0.cancelled), (unsigned long long)(st1.dropped - st0.dropped));
    CHECK(probe(&r, "seed") == 6 && probe(&r, "shown_seed") == 6 && probe(&r, "samples") == 4, "seed 6's four samples shown (%g, %g)",
          probe(&r, "shown_seed"), probe(&r, "samples"));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the run shown is the latest request");

    // Missing weights (no no-attention file here): a one-line error, the app runs on.
    CHECK(run_text(&r, "key a\nidle\nframe 3\n") == 0, "switch to missing weights");
    CHECK(probe(&r, "error") == 1, "the view reports the error");
    CHECK(strstr(r.sh->app.status, "cannot load the DRAW weights") && strstr(r.sh->app.status, "draw-noattention.safetensors") &&
          !strchr(r.sh->app.status, '\n'), "one line naming the file: %s", r.sh->app.status);
    CHECK(probe(&r, "samples") == 0, "no stale run shown under the error");
    // Corrupt weights: the same.
    CHECK(gl_write_atomic(dir_asset_path("draw-noattention.safetensors"), "not weights", 11) == 0, "write junk");
    CHECK(run_text(&r, "key n\nidle\nframe\n") == 0 && probe(&r, "error") == 1, "corrupt weights: error (%s)", r.sh->app.status);
    // Back to the good file: it works again.
    CHECK(run_text(&r, "key a\nidle\n") == 0 && probe(&r, "error") == 0 && probe(&r, "T") == 64, "good weights again (%s)", r.sh->app.status);

    // New weights on disk (another T and grid sizes): the next request loads them.
    gl_draw_config c2 = { .attention = 1, .T = 12, .read_n = 2, .write_n = 4, .enc = 16, .dec = 768, .z = 8 };
    m = gl_draw_new(&c2, 9);
    CHECK(m && gl_draw_save(m, dir_asset_path("draw-attention.safetensors"), NULL, 0) == 0, "rewrite the model: %s", gl_err());
    gl_draw_free(m);
    CHECK(run_text(&r, "key n\nidle\nkey End\n") == 0, "next seed");
    CHECK(probe(&r, "T") == 12 && probe(&r, "write_n") == 4 && probe(&r, "step") == 11, "the rewritten file is used: T %g, write %g, step %g",
          probe(&r, "T"), probe(&r, "write_n"), probe(&r, "step"));
    CHECK(run_text(&r, "key s\n") == 0, "strip of 12 steps");
    check_export(&r, "strip", 1, 12 * (28 * 4 + 2) + 2, GL_DRAW_STRIP_BAND + 4 * (28 * 4 + 2) + 2);

    // Close while a run is under way: quick, nothing leaks (sanitizer builds).
    CHECK(run_text(&r, "key n\n") == 0, "one more seed");
    double t0 = gl_now();
    gui_run_close(&r);
    CHECK(gl_now() - t0 < 1.0, "closing takes %.3f s", gl_now() - t0);
    unlink(dir_asset_path("draw-attention.safetensors"));
    unlink(dir_asset_path("draw-noattention.safetensors"));
    rmdir(dir);
    asset_dir[0] = 0;
}

// Without MNIST: reconstruct starts from an empty drawing, says so, and
// reconstructs what is drawn.
static void without_mnist(void) {
    setenv("GLIMPSE_DATA", "/nonexistent-glimpse-data", 1);
    gui_run r;
    if (open_view(&r, "DRAW", dir_asset_path)) { unsetenv("GLIMPSE_DATA"); return; }
    CHECK(run_text(&r, "key m\nidle\n") == 0, "reconstruct mode");
    CHECK(probe(&r, "mode") == 1 && probe(&r, "test_digit") == -1 && probe(&r, "input_ink") == 0 && probe(&r, "shown_version") == -1,
          "an empty drawing, no run");
    CHECK(strstr(r.sh->app.status, "empty drawing") && strstr(r.sh->app.status, "MNIST"), "the status says why: %s", r.sh->app.status);
    CHECK(run_text(&r, "key n\nidle\n") == 0 && probe(&r, "test_digit") == -1, "N has no test digit to pick");
    double x = probe(&r, "input_x"), y = probe(&r, "input_y"), w = probe(&r, "input_w");
    char script[256];
    snprintf(script, sizeof script, "drag %d %d %d %d 20\nidle\n", (int)(x + 0.5 * w), (int)(y + 0.2 * w), (int)(x + 0.5 * w), (int)(y + 0.8 * w));
    CHECK(run_text(&r, script) == 0 && probe(&r, "drawn") == 1, "draw a 1");
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "recon_corr") > 0.5, "it is reconstructed (correlation %.3f)",
          probe(&r, "recon_corr"));
    gui_run_close(&r);
    unsetenv("GLIMPSE_DATA");
}

// The canvas's bright pixels in the screenshot `glimpse --view draw` takes
// (after the script's steps, when script is not NULL), and its dark samples;
// -1 if none was written.
static int shot_ink(const char *exe, const char *dir, const char *script, int *dark_out) {
    char shot[600], sc[600], cmd[2000];
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    snprintf(sc, sizeof sc, "%s/script.txt", dir);
    if (script && gl_write_atomic(sc, script, strlen(script)) != 0) {
        CHECK(0, "write the script: %s", gl_err());
        return -1;
    }
    snprintf(cmd, sizeof cmd, "'%s' --view draw --screenshot '%s'%s%s%s", exe, shot, script ? " --script '" : "",
             script ? sc : "", script ? "'" : "");
    CHECK(system(cmd) == 0, "%s exits 0", cmd);
    if (script) unlink(sc);
    gl_image im;
    int ok = gl_image_load_png(shot, &im) == 0 && im.w == 1280 && im.h == 800;
    CHECK(ok, "a 1280x800 PNG");
    if (!ok) return -1;
    int ink = ink_pixels(&im, CANVAS_X, CANVAS_Y, CANVAS_W, CANVAS_W);
    int dark = 0;
    for (int y = CANVAS_Y + 2; y < CANVAS_Y + CANVAS_W - 2; y += 2)
        for (int x = CANVAS_X + 2; x < CANVAS_X + CANVAS_W - 2; x += 2) dark += px(&im, x, y)[0] < 40;
    *dark_out = dark;
    printf("%s: %d bright pixels, %d dark samples\n", script ? "after the script" : "bare", ink, dark);
    gl_image_free(&im);
    unlink(shot);
    return ink;
}

// A bare screenshot catches the first run's build near its start; with
// `key End` it shows the finished digit, with more ink.
static void with_executable(const char *exe) {
    char dir[] = "/tmp/glimpse-drawshot-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    int dark0, dark;
    int start = shot_ink(exe, dir, NULL, &dark0);
    int end = shot_ink(exe, dir, "idle\nkey End\n", &dark);
    CHECK(end > CANVAS_W * CANVAS_W / 50, "ink on the finished generate canvas (%d bright pixels)", end);
    CHECK(dark > (CANVAS_W / 2) * (CANVAS_W / 2) / 3, "on a dark background (%d dark samples)", dark);
    CHECK(start >= 0 && end > start && dark0 < dark / 2,
          "the build's start is not the finished digit: less ink (%d < %d), less dark background (%d < %d / 2)", start, end,
          dark0, dark);
    rmdir(dir);
}

int main(int argc, char **argv) {
    if (argc > 1) { with_executable(argv[1]); TEST_MAIN_END(); }
    char dir[] = "/tmp/glimpse-drawexport-XXXXXX";
    if (mkdtemp(dir)) setenv("GLIMPSE_EXPORT_DIR", dir, 1);
    generate_and_reconstruct();
    own_model();
    without_mnist();
    rmdir(dir);
    TEST_MAIN_END();
}
