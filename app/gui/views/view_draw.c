// view_draw: DRAW (Gregor et al. 2015) building its canvas step by step.
//
// The windows are drawn as a moving pen (view_draw_pen.c): over the canvas
// the path of the write window's centre from step 1 to step t, the boxes of
// the last few steps fading out behind it, and the box of step t with its
// N×N filter centres. Generate: the canvas σ(c_t), large, and beside it the
// patch w_t that step t wrote, enlarged (one square per value, lines from
// the box to it as from a magnifier), over what the step changed on the
// canvas; or a grid of samples (seeds s, s+1, ...) all at step t, so they
// build up together. Reconstruct: the person draws a digit (or picks a
// binarized MNIST test digit); left, the input with the encoder's read
// window and its path; in the middle, the read r_t (the glimpse of x and of
// the error x − σ(c_{t−1})) and the write patch w_t, enlarged; right, the
// decoder's canvas with its write window. Below: a timeline of the canvases
// (every k-th step as a thumbnail over one tick per step; click or drag to
// scrub), play/pause and speed (a run of T steps plays in about 3 s until
// the person sets a speed). The information panel plots the box side of
// every step: the pen zooming in and out.
//
// T, the read and write grid sizes and attention on/off come from the loaded
// weights (gl_draw_cfg), written into each trace's header by the job. The
// models are loaded and run on the engine thread only. Every input change
// (seed, grid size, model, mode, drawing) bumps `version`; request() then
// submits one job that fills one trace per sample. A new set of traces
// replaces the shown one only when every sample is complete, so a grid
// never flickers through half-filled runs; a newer request cancels the job
// under way (the engine raises its cancel flag, the generator stops between
// steps, and the job's free function finishes and releases its traces).
#include "view.h"
#include "draw/gl_draw.h"
#include "draw/gl_draw_figure.h"
#include "gl_image.h"
#include "gl_mnist.h"
#include "gl_util.h"
#include "gif_export.h"
#include "gui_export.h"
#include "gui_pad.h"
#include "gui_timeline.h"
#include "view_draw_pen.h"
#include "view_draw_future.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NVAR 2                 // 0: attention weights, 1: no attention
#define NGRID 5
#define MAXS 36                // samples in the largest grid (6x6)
#define TESTS_N 10000          // binarized test digits kept for reconstruct: all of them, as in Attention
_Static_assert(GL_DRAW_D == GUI_PAD_D, "the input pad is a 28x28 digit");
#define EXPORT_S 8             // image pixels per canvas pixel in frame exports
#define STRIP_S 4              // ... in strip exports
#define STRIP_MAX 16           // steps in a strip export: every k-th beyond this
#define PAD 2

enum { MODE_GEN, MODE_REC, NMODE };

static const char *const mode_labels[NMODE] = { "Generate", "Reconstruct" };
static const char *const var_labels[NVAR] = { "attention", "no attention" };
static const char *const var_files[NVAR] = { "draw-attention.safetensors", "draw-noattention.safetensors" };
static const int grid_sizes[NGRID] = { 1, 2, 3, 4, 6 };
static const char *const grid_labels[NGRID] = { "1", "2x2", "3x3", "4x4", "6x6" };
static const char *const trail_labels[DV_NTRAIL] = { "recent boxes", "every box", "path only" };

// ---- engine side -----------------------------------------------------------------
// The two models. After init only the engine thread touches them.
typedef struct {
    gl_draw *m[NVAR];
    double mtime[NVAR];        // of the file when it was loaded
    char path[NVAR][1024];
} draw_models;

// Header of one sample's trace. The view sets the request fields before
// submitting; the job writes cfg (and err on failure) before it publishes a
// frame or finishes the trace, so a reader may use cfg once a frame is in
// and err once the trace is done.
typedef struct {
    uint64_t version, seed;
    int mode, variant, index;
    gl_draw_config cfg;
    char err[400];
} draw_header;

// A trace's header and frame i, typed.
static const draw_header *hdr(const gl_trace *t) { return t->header; }
static const gl_draw_frame *frame_at(const gl_trace *t, int i) { return gl_trace_frame(t, i); }

typedef struct {
    draw_models *models;
    int variant, mode, n;
    float img[GL_DRAW_D];
    gl_trace *tr[MAXS];        // one reference each, owned by the job
} draw_job;

// The model of variant var, loaded on first use. A missing or broken file
// is tried again on the next request, and weights rewritten on disk (a
// training run finishing, new weights shipped, with another T or grid) are
// loaded in place of the old ones.
static gl_draw *models_get(draw_models *ms, int var) {
    double mt = gl_file_mtime(ms->path[var]);
    if (ms->m[var] && mt != ms->mtime[var]) { gl_draw_free(ms->m[var]); ms->m[var] = NULL; }
    if (!ms->m[var]) { ms->m[var] = gl_draw_load(ms->path[var], 0); ms->mtime[var] = mt; }
    return ms->m[var];
}

static int draw_job_run(void *p, gl_trace **unused, const atomic_int *cancel) {
    (void)unused;
    draw_job *j = p;
    gl_draw *m = models_get(j->models, j->variant);
    if (!m) {
        draw_header *h = j->tr[0]->header;
        snprintf(h->err, sizeof h->err, "cannot load the DRAW weights: %s", gl_err());
        gl_seterr("%s", h->err);
        return -1;
    }
    const gl_draw_config *c = gl_draw_cfg(m);
    for (int i = 0; i < j->n; i++) {
        if (gl_job_cancelled(cancel)) return 1;
        draw_header *h = j->tr[i]->header;
        h->cfg = *c;
        int steps = j->mode == MODE_GEN ? gl_draw_generate(m, h->seed, j->tr[i], cancel, NULL)
                                        : gl_draw_reconstruct(m, j->img, 0, j->tr[i], cancel, NULL);
        if (steps < c->T) return 1;   // cancelled between steps
        gl_trace_finish(j->tr[i]);
    }
    return 0;
}

// Runs exactly once whatever became of the job: no reader waits on a trace
// that nobody will finish.
static void draw_job_free(void *p) {
    draw_job *j = p;
    for (int i = 0; i < j->n; i++) { gl_trace_finish(j->tr[i]); gl_trace_release(j->tr[i]); }
    free(j);
}

// ---- view state --------------------------------------------------------------------
typedef struct {
    draw_models models;
    int mode, variant, grid;         // grid: index into grid_sizes
    uint64_t seed;
    char seed_buf[24];
    gl_trace *shown[MAXS], *pending[MAXS];
    int nshown, npending;
    uint64_t version, failed_version;
    char err[400];                   // why the last request failed ("" if it did not)
    int step, playing, replay;       // replay: the next run to arrive plays from its first step
    float speed;                     // steps per second while playing
    int speed_set;                   // the person chose the speed (else it follows T)
    int trail;                       // DV_TRAIL_*: which earlier boxes the pen's trail keeps
    double play_acc;
    // reconstruct input
    gui_pad pad;                     // test digit #pad.sel or a drawing
    uint8_t *tests;                  // TESTS_N binarized test digits, 0 or 1 (loaded when first needed)
    uint8_t labels[TESTS_N];
    int ntests, tests_tried;
    char tests_err[300], index_buf[16];
    // layout of the last frame (for the pen and the probes)
    gui_rect canvas, input, cells[MAXS], timeline, diff;
    gui_rect wpatch, rpatch[2];      // the enlarged patches (w = 0 when not shown)
    float wscale;                    // the write patch's colour scale: max |w| of the step
    int tl_k;                        // steps per timeline thumbnail
    int thumb_x, thumb_y, thumb_first, thumb_n;   // the row of test digits
    int ncells;
    int exports;                     // files written (for tests)
    char last_export[1200];
    uint64_t use_seen;               // app->use_seq[GUI_USE_DRAW] taken
    dv_fut *fut;                     // possible futures (generate): a 3x3 grid from the step shown
    int fut_on;
    gui_rect fut_rect;
} draw_view;

static const char *const draw_shortcuts[] = {
    "Left / Right\tprevious / next step",
    "Home / End\tfirst / last step",
    "Space\tplay / pause",
    "+ / -\tplay faster / slower",
    "B\tthe pen's trail: recent boxes, every box, path only",
    "M\tGenerate / Reconstruct",
    "A\tattention / no-attention weights",
    "G\tgrid of samples: 1, 2x2, 3x3, 4x4, 6x6",
    "N / P\tnext / previous seed (test digit when reconstructing)",
    "R\ta random seed",
    "drag on the input\tdraw a digit; right button erases",
    "C\tclear the drawing",
    "U or Ctrl+Z\tundo",
    "E\texport the frame as PNG",
    "S\texport the sequence as a strip PNG (every k-th step of a long run)",
    "F\tpossible futures from the step shown (generate): on / off",
    NULL,
};

static int complete(const gl_trace *t) { return gl_trace_count(t) > 0 && gl_trace_count(t) == hdr(t)->cfg.T; }
static int nsamples(const draw_view *v) { return v->mode == MODE_GEN ? grid_sizes[v->grid] * grid_sizes[v->grid] : 1; }

// The shown run if it belongs to what is on screen now (mode), else NULL.
static const gl_trace *cur(const draw_view *v) {
    return v->nshown && hdr(v->shown[0])->mode == v->mode ? v->shown[0] : NULL;
}
static int cur_T(const draw_view *v) { const gl_trace *t = cur(v); return t ? hdr(t)->cfg.T : 0; }

static void set_step(draw_view *v, int s) {
    int T = cur_T(v);
    v->step = T == 0 || s < 0 ? 0 : s >= T ? T - 1 : s;
}

// A run plays in about 3 s until the person picks a speed: 5 steps/s up
// to T = 15, T/3 beyond (21 steps/s for T = 64).
static float default_speed(int T) { return T <= 15 ? 5.0f : fminf((float)T / 3.0f, 60.0f); }

static void changed(draw_view *v, int replay) { v->version++; v->replay = replay; }

static void set_seed(draw_view *v, long long s) {
    if (s < 0) s = 0;
    v->seed = (uint64_t)s;
    snprintf(v->seed_buf, sizeof v->seed_buf, "%llu", (unsigned long long)v->seed);
    changed(v, 1);
}

// Binarized like the CLI's test images (the same seed and stream), so test
// digit #I here is `glimpse draw --digit I`.
static void load_tests(draw_view *v) {
    if (v->tests_tried) return;
    v->tests_tried = 1;
    gl_mnist te;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0) {
        snprintf(v->tests_err, sizeof v->tests_err, "%s", gl_err());
        return;
    }
    v->ntests = te.n < TESTS_N ? te.n : TESTS_N;
    // binarized as floats (the CLI's stream), kept as bytes: 7.8 MB, not 31
    gl_draw_binarize(te.x, (size_t)v->ntests * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + 1);
    v->tests = gl_malloc((size_t)v->ntests * GL_DRAW_D);
    for (size_t k = 0; k < (size_t)v->ntests * GL_DRAW_D; k++) v->tests[k] = te.x[k] > 0.5f;
    memcpy(v->labels, te.y, (size_t)v->ntests);
    gl_mnist_free(&te);
}

// Test digit #i as the model reads it (0 or 1 a pixel).
static void test_digit(const draw_view *v, int i, float *img) {
    for (int k = 0; k < GL_DRAW_D; k++) img[k] = v->tests[(size_t)i * GL_DRAW_D + k];
}

static void pop_undo(draw_view *v) {
    if (gui_pad_undo(&v->pad)) changed(v, 0);
}

static void pick_test(draw_view *v, int i) {
    load_tests(v);
    if (!v->ntests) return;
    i = i < 0 ? 0 : i >= v->ntests ? v->ntests - 1 : i;
    float img[GL_DRAW_D];
    test_digit(v, i, img);
    gui_pad_pick(&v->pad, i, img);
    snprintf(v->index_buf, sizeof v->index_buf, "%d", i);
    changed(v, 1);
}

static void clear_drawing(draw_view *v) {
    gui_pad_clear(&v->pad);
    changed(v, 0);
}

static void set_mode(draw_view *v, int mode) {
    if (mode == v->mode) return;
    v->mode = mode;
    if (mode == MODE_REC && !v->tests_tried) {   // first visit: start from test digit #0
        load_tests(v);
        if (v->ntests) { pick_test(v, 0); v->pad.nundo = 0; }
    }
    changed(v, 1);
}

// ---- lifecycle -------------------------------------------------------------------------
static void *draw_init(gui_app *app) {
    draw_view *v = gl_calloc(1, sizeof *v);
    for (int k = 0; k < NVAR; k++)
        snprintf(v->models.path[k], sizeof v->models.path[k], "%s",
                 app->asset_path ? app->asset_path(var_files[k]) : var_files[k]);
    v->seed = 1;
    snprintf(v->seed_buf, sizeof v->seed_buf, "1");
    v->speed = 5.0f;
    v->version = 1;
    v->replay = 1;            // the first run plays its build from step 1
    v->fut = dv_fut_new();    // NULL (no futures) if its worker cannot start
    v->fut_on = 1;
    return v;
}

static void release_all(gl_trace **t, int *n) {
    for (int i = 0; i < *n; i++) gl_trace_release(t[i]);
    *n = 0;
}

static void draw_free(void *self) {
    draw_view *v = self;
    release_all(v->shown, &v->nshown);
    release_all(v->pending, &v->npending);
    dv_fut_free(v->fut);
    for (int k = 0; k < NVAR; k++) gl_draw_free(v->models.m[k]);
    free(v->tests);
    free(v);
}

// ---- exports -----------------------------------------------------------------------------
static void save_export(draw_view *v, gui_app *app, gl_image *im, const char *kind) {
    char name[64], path[1200];
    static const char *const png[1] = { ".png" };
    snprintf(name, sizeof name, "draw-%s", kind);
    if (gui_export_name(app, name, png, 1, path, sizeof path - 4) != 0) { gl_image_free(im); return; }
    strcat(path, ".png");
    if (gl_image_save_png(im, path) == 0) {   // atomic: a temporary file, then rename
        gui_app_note(app, "saved the %s to %s (%dx%d)", kind, path, im->w, im->h);
        v->exports++;
        snprintf(v->last_export, sizeof v->last_export, "%s", path);
    } else gui_app_note(app, "export failed: %s", gl_err());
    gl_image_free(im);
}

// A cell of an export: img with the pen's trail up to step s and its box.
static void export_cell(gl_image *im, int x, int y, int S, const float *img, const gl_trace *t, int s, int read,
                        const gl_draw_config *c) {
    gl_draw_image_cell(im, x, y, S, img, NULL, 0, NULL);
    if (!c->attention) return;
    int N = read ? c->read_n : c->write_n;
    const uint8_t *rgb = read ? gl_draw_read_rgb : gl_draw_write_rgb;
    gl_draw_image_trail(im, x, y, S, frame_at(t, 0), s - 3, s, read, N, rgb);
    gl_draw_image_window(im, x, y, S, read ? &frame_at(t, s)->read : &frame_at(t, s)->write, N, rgb);
}

// The frame on screen: one cell (generate), the G×G grid at the step
// (generate), or input with read window beside canvas with write window,
// each with the path of its window's centre so far.
static void export_frame(draw_view *v, gui_app *app) {
    const gl_trace *t = cur(v);
    if (!t) { gui_app_note(app, "nothing to export yet"); return; }
    const gl_draw_config *c = &hdr(t)->cfg;
    int S = EXPORT_S, cell = GL_DRAW_A * S, s = v->step;
    gl_image im;
    if (v->mode == MODE_REC) {
        im = gl_image_new(2 * (cell + PAD) + PAD, cell + 2 * PAD, 40, 40, 40);
        export_cell(&im, PAD, PAD, S, v->pad.img, t, s, 1, c);
        export_cell(&im, 2 * PAD + cell, PAD, S, frame_at(t, s)->canvas, t, s, 0, c);
    } else {
        int g = 1;
        while (g * g < v->nshown) g++;
        if (g > 1) { S = EXPORT_S / 2; cell = GL_DRAW_A * S; }
        im = gl_image_new(g * (cell + PAD) + PAD, g * (cell + PAD) + PAD, 40, 40, 40);
        for (int i = 0; i < v->nshown; i++)
            export_cell(&im, PAD + (i % g) * (cell + PAD), PAD + (i / g) * (cell + PAD), S,
                        frame_at(v->shown[i], s)->canvas, v->shown[i], s, 0, c);
    }
    save_export(v, app, &im, "frame");
}

// Steps of the sequence in a row, at most STRIP_MAX of them (every k-th
// step of a long run, ending on the last), each with the path so far and
// the boxes of the steps in between: one row per sample (generate), or
// the input with the read windows above the canvases with the write
// windows (reconstruct).
static int strip_k(const draw_view *v) { return gl_draw_strip_every(cur_T(v), STRIP_MAX); }

static void export_strip(draw_view *v, gui_app *app) {
    const gl_trace *t = cur(v);
    if (!t) { gui_app_note(app, "nothing to export yet"); return; }
    const gl_draw_config *c = &hdr(t)->cfg;
    const gl_draw_frame *runs[MAXS];
    int n = v->mode == MODE_REC ? 1 : v->nshown;
    for (int i = 0; i < n; i++) runs[i] = frame_at(v->shown[i], 0);
    gl_image im =
        gl_draw_image_strip(c, runs, n, c->T, strip_k(v), v->mode == MODE_REC ? v->pad.img : NULL, STRIP_S, PAD);
    if (!im.px) { gui_app_note(app, "export failed: %s", gl_err()); return; }
    save_export(v, app, &im, "strip");
}

// Ctrl+G (the shell): the runs on screen step by step, as `glimpse draw --gif` plays them (gif_export.h).
static int draw_gif(void *self, gui_app *app, const char *path) {
    draw_view *v = self;
    (void)app;
    const gl_trace *t = cur(v);
    if (!t) { gl_seterr("nothing to play yet"); return -1; }
    const gl_draw_frame *runs[MAXS];
    int n = v->mode == MODE_REC ? 1 : v->nshown;
    for (int i = 0; i < n; i++) runs[i] = frame_at(v->shown[i], 0);
    return gif_draw_runs(path, &hdr(t)->cfg, runs, n, hdr(t)->cfg.T, n > 1 ? 2 : 4,
                         v->mode == MODE_REC ? v->pad.img : NULL);
}

// ---- input -------------------------------------------------------------------------------
static void toggle_play(draw_view *v) {
    v->playing = !v->playing;
    if (v->playing && v->step >= cur_T(v) - 1) v->step = 0;
    v->play_acc = 0;
}

static int draw_event(void *self, gui_app *app, const gui_event *ev) {
    draw_view *v = self;
    switch (ev->type) {
    case GUI_EV_DOWN:
        if (v->mode != MODE_REC || v->input.w <= 0 || !gui_inside(v->input, ev->x, ev->y) ||
            !gui_pad_pen_down(&v->pad, v->input, ev->button, ev->x, ev->y))
            return 0;
        v->playing = 0;
        v->step = GL_DRAW_MAXT;   // follow the finished reconstruction while drawing
        changed(v, 0);
        return 1;
    case GUI_EV_MOVE:
    case GUI_EV_UP: {
        int used = gui_pad_pen_follow(&v->pad, v->input, ev);
        if (used == GUI_PAD_DREW) changed(v, 0);
        return used != 0;
    }
    case GUI_EV_KEY: {
        int k = ev->key, ctrl = ev->mods & GUI_MOD_CTRL;
        if (ctrl && k == 'z') { pop_undo(v); return 1; }
        if (ctrl) return 0;
        int gen = v->mode == MODE_GEN;
        switch (k) {
        case GUI_KEY_LEFT: v->playing = 0; set_step(v, v->step - 1); return 1;
        case GUI_KEY_RIGHT: v->playing = 0; set_step(v, v->step + 1); return 1;
        case GUI_KEY_HOME: v->playing = 0; set_step(v, 0); return 1;
        case GUI_KEY_END: v->playing = 0; set_step(v, GL_DRAW_MAXT); return 1;
        case GUI_KEY_SPACE: toggle_play(v); return 1;
        case '+': case '=': v->speed = fminf(v->speed * 1.5f, 60.0f); v->speed_set = 1; return 1;
        case '-': v->speed = fmaxf(v->speed / 1.5f, 0.5f); v->speed_set = 1; return 1;
        case 'b':
            v->trail = (v->trail + 1) % DV_NTRAIL;
            gui_app_note(app, "the pen's trail: %s", trail_labels[v->trail]);
            return 1;
        case 'm': set_mode(v, !v->mode); return 1;
        case 'a': v->variant = !v->variant; changed(v, 1); return 1;
        case 'g': v->grid = (v->grid + 1) % NGRID; if (gen) changed(v, 1); return 1;
        case 'n': case GUI_KEY_DOWN:
            if (gen) set_seed(v, (long long)v->seed + 1); else pick_test(v, v->pad.sel + 1);
            return 1;
        case 'p': case GUI_KEY_UP:
            if (gen) set_seed(v, (long long)v->seed - 1); else pick_test(v, v->pad.sel - 1);
            return 1;
        case 'r': {
            gl_rng r;
            gl_rng_seed(&r, (uint64_t)(gl_now() * 1e6) ^ v->seed);
            set_seed(v, (long long)(gl_rng_u64(&r) % 1000000));
            if (!gen) set_mode(v, MODE_GEN);
            return 1;
        }
        case 'c': if (!gen) clear_drawing(v); return !gen;
        case 'u': if (!gen) pop_undo(v); return !gen;
        case 'e': export_frame(v, app); return 1;
        case 's': export_strip(v, app); return 1;
        case 'f': v->fut_on = !v->fut_on; return 1;
        default: return 0;
        }
    }
    default: return 0;
    }
}

// ---- update / request ----------------------------------------------------------------
static void draw_update(void *self, gui_app *app, double dt) {
    draw_view *v = self;
    if (v->npending) {
        int all = 1, dead = 0;
        for (int i = 0; i < v->npending; i++) {
            if (!complete(v->pending[i])) all = 0;
            if (atomic_load(&v->pending[i]->done) && !complete(v->pending[i])) dead = 1;
        }
        if (all) {   // every sample is in: the run replaces the shown one
            release_all(v->shown, &v->nshown);
            memcpy(v->shown, v->pending, sizeof(gl_trace *) * (size_t)v->npending);
            v->nshown = v->npending;
            v->npending = 0;
            v->err[0] = 0;
            if (!v->speed_set) v->speed = default_speed(hdr(v->shown[0])->cfg.T);
            if (v->replay) { v->step = 0; v->playing = 1; v->play_acc = 0; v->replay = 0; }
            else set_step(v, v->step);   // the same step, within the new run's T
        } else if (dead) {   // cancelled (a newer request is on its way) or failed
            const draw_header *h = hdr(v->pending[0]);
            if (h->err[0]) {
                snprintf(v->err, sizeof v->err, "%s", h->err);
                v->failed_version = h->version;
                release_all(v->shown, &v->nshown);   // what is on screen no longer matches the request
            }
            release_all(v->pending, &v->npending);
        }
    }
    (void)app;
    int T = cur_T(v);
    if (v->playing && T > 0) {
        v->play_acc += dt * v->speed;
        while (v->play_acc >= 1) {
            v->play_acc -= 1;
            if (v->step >= T - 1) { v->playing = 0; break; }   // stops on the finished canvas
            v->step++;
        }
    }
    if (T > 0 && v->step >= T) v->step = T - 1;
}

// "Use these weights" (the Train view): the DRAW model being trained takes
// the place of the shipped weights of its variant (attention or not, as the
// file says), and the view runs it. The models belong to the engine thread,
// so the shared engine is stopped and idle before the swap.
static void draw_take_use(draw_view *v, gui_app *app) {
    if (app->use_seq[GUI_USE_DRAW] == v->use_seen) return;
    v->use_seen = app->use_seq[GUI_USE_DRAW];
    const char *path = app->use_path[GUI_USE_DRAW];
    gl_draw *m = gl_draw_load(path, 0);
    if (!m) { gui_app_note(app, "cannot use %s: %s", path, gl_err()); return; }
    int var = gl_draw_cfg(m)->attention ? 0 : 1;
    gl_engine_stop(app->engine);
    gl_engine_wait_idle(app->engine, 10);
    gl_draw_free(v->models.m[var]);
    v->models.m[var] = m;
    snprintf(v->models.path[var], sizeof v->models.path[var], "%s", path);
    v->models.mtime[var] = gl_file_mtime(path);
    release_all(v->shown, &v->nshown);
    release_all(v->pending, &v->npending);
    v->variant = var;
    changed(v, 1);
}

// Futures of the run on screen (generate: the top-left sample) from the step shown.
static void fut_request(draw_view *v) {
    const gl_trace *t = cur(v);
    if (!v->fut_on || v->mode != MODE_GEN || !t) return;
    const draw_header *h = hdr(t);
    dv_fut_request(v->fut, v->models.path[h->variant], h->version, h->seed, v->step + 1);
}

// The futures on screen: those of the run shown.
static const dv_fut_set *fut_shown(draw_view *v) {
    const dv_fut_set *s = v->fut_on && v->mode == MODE_GEN ? dv_fut_poll(v->fut) : NULL;
    const gl_trace *t = cur(v);
    return s && t && s->key == hdr(t)->version ? s : NULL;
}

static void draw_request(void *self, gui_app *app) {
    draw_view *v = self;
    draw_take_use(v, app);
    fut_request(v);
    if (v->npending && hdr(v->pending[0])->version == v->version) return;   // under way
    if (v->nshown && hdr(v->shown[0])->version == v->version) return;       // on screen
    if (v->failed_version == v->version) return;   // failed: wait for another request
    if (v->mode == MODE_REC && gui_pad_empty(&v->pad)) {   // nothing to read: say so (draw()) rather than run
        release_all(v->shown, &v->nshown);
        release_all(v->pending, &v->npending);
        return;
    }
    release_all(v->pending, &v->npending);
    draw_job *j = gl_calloc(1, sizeof *j);
    j->models = &v->models;
    j->variant = v->variant;
    j->mode = v->mode;
    j->n = nsamples(v);
    memcpy(j->img, v->pad.img, sizeof v->pad.img);
    for (int i = 0; i < j->n; i++) {
        draw_header *h = gl_calloc(1, sizeof *h);
        h->version = v->version;
        h->seed = v->seed + (uint64_t)i;   // sample i of a grid uses seed + i, as `glimpse draw --grid`
        h->mode = v->mode;
        h->variant = v->variant;
        h->index = i;
        v->pending[i] = gl_trace_new(GL_TRACE_DRAW, sizeof(gl_draw_frame), GL_DRAW_MAXT, h);
        gl_trace_retain(v->pending[i]);   // one reference for the view, one for the job
        j->tr[i] = v->pending[i];
    }
    v->npending = j->n;
    gl_job job = { draw_job_run, draw_job_free, j, { NULL } };
    gl_engine_submit(app->engine, &job);
}

// ---- drawing -----------------------------------------------------------------------
// A row of test digits around the selected one; a click picks one.
static void draw_tests(draw_view *v, gui_ctx *ui, gui_rect r) {
    if (!v->ntests) {
        if (v->tests_err[0]) {
            gui_text(ui, r.x, r.y, GUI_FONT_SMALL, gui_rgb(250, 210, 90), "No MNIST test digits (draw one instead):");
            gui_textf(ui, r.x, r.y + 18, GUI_FONT_SMALL, gui_col_dim, "%.110s", v->tests_err);
        }
        return;
    }
    int cell = 48;
    v->thumb_n = 0;
    if (r.h < cell + 20) return;
    gui_text(ui, r.x, r.y, GUI_FONT_SMALL, gui_col_dim, "binarized MNIST test digits (click one; N / P)");
    int n = r.w / cell, first = v->pad.sel - n / 2;
    if (first > v->ntests - n) first = v->ntests - n;
    if (first < 0) first = 0;
    v->thumb_x = r.x; v->thumb_y = r.y + 18; v->thumb_first = first; v->thumb_n = n;
    for (int k = 0; k < n && first + k < v->ntests; k++) {
        int i = first + k;
        gui_rect c = gui_r(r.x + k * cell, r.y + 18, cell - 4, cell - 4);
        float img[GL_DRAW_D];
        test_digit(v, i, img);
        dv_grey_image(ui, gui_r(c.x + 2, c.y + 2, c.w - 4, c.h - 4), img);
        int sel = v->pad.from_test && i == v->pad.sel;
        if (sel) gui_rect_frame(ui, c, gui_col_accent);
        else if (gui_inside(c, ui->mx, ui->my)) gui_rect_frame(ui, c, gui_col_hot);
        if (ui->mouse_pressed && gui_inside(c, ui->press_x, ui->press_y)) pick_test(v, i);
    }
}

// A message in the middle of a panel, split into lines of at most 48 characters.
static void panel_message(gui_ctx *ui, gui_rect r, gui_color c, const char *msg) {
    int y = r.y + r.h / 2 - 30;
    const char *s = msg;
    while (*s && y < r.y + r.h - 20) {
        int n = (int)strlen(s);
        if (n > 48) {   // break at the last space within the line
            n = 48;
            for (int k = 47; k > 20; k--) if (s[k] == ' ') { n = k; break; }
        }
        char line[64];
        snprintf(line, sizeof line, "%.*s", n, s);
        gui_text(ui, r.x + 16, y, GUI_FONT_NORMAL, c, line);
        s += n;
        while (*s == ' ') s++;
        y += 22;
    }
}

static void draw_window_text(gui_ctx *ui, int x, int y, const char *what, const gl_draw_window *w, int N,
                             const uint8_t rgb[3]) {
    gui_textf(ui, x, y, GUI_FONT_NORMAL, gui_rgb(rgb[0], rgb[1], rgb[2]), "%s window, %dx%d filters", what, N, N);
    gui_textf(ui, x, y + 22, GUI_FONT_SMALL, gui_col_text, "g = (%.1f, %.1f) px, box side %.1f px", w->gx, w->gy,
              (N - 1) * w->delta);
    gui_textf(ui, x, y + 40, GUI_FONT_SMALL, gui_col_text, "\xce\xb4 = %.2f  \xcf\x83\xc2\xb2 = %.2f  \xce\xb3 = %.3g",
              w->delta, w->sigma2, w->gamma);
    float cx, cy, h;
    gl_draw_window_box(w, N, &cx, &cy, &h);
    if (cx - h < 0 || cy - h < 0 || cx + h > GL_DRAW_A || cy + h > GL_DRAW_A)
        gui_text(ui, x, y + 58, GUI_FONT_SMALL, gui_rgb(250, 210, 90), "the box reaches past the image's edge");
}

// The timeline (view_draw_pen.c draws it); click or drag to scrub.
static void draw_timeline(draw_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    v->timeline = r;
    int T = t ? hdr(t)->cfg.T : 0;
    double pos;
    int sc = T ? gui_scrub(ui, GUI_ID("draw.timeline"), r, T, &pos) : 0;
    if (sc & GUI_SCRUB_PRESSED) v->playing = 0;
    if (sc & GUI_SCRUB_HELD) set_step(v, (int)pos);
    dv_timeline(ui, r, t, v->step, &v->tl_k);
}

// What step t changed on the canvas: σ(c_t) − σ(c_{t−1}), ink added in
// orange and taken away in blue (scaled by the largest change), with this
// step's write window.
static void draw_diff(draw_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t, const gl_draw_config *c) {
    v->diff = r;
    const gl_draw_frame *f = frame_at(t, v->step), *p = v->step ? frame_at(t, v->step - 1) : NULL;
    if (p) gui_text(ui, r.x, r.y - 22, GUI_FONT_NORMAL, gui_col_text, "What this step changed");
    else gui_text(ui, r.x, r.y - 22, GUI_FONT_NORMAL, gui_col_text, "Step 1 writes over the learned c\xe2\x82\x80");
    uint8_t px[GL_DRAW_D * 3];
    float mx = 1e-6f;
    for (int i = 0; p && i < GL_DRAW_D; i++) { float d = fabsf(f->canvas[i] - p->canvas[i]); if (d > mx) mx = d; }
    for (int i = 0; i < GL_DRAW_D; i++) gl_draw_patch_rgb(p ? f->canvas[i] - p->canvas[i] : 0, mx, px + 3 * i);
    gui_image(ui, r, px, GL_DRAW_A, GL_DRAW_A);
    gui_rect_frame(ui, r, gui_col_button);
    if (c->attention) dv_window(ui, r, &f->write, c->write_n, gl_draw_write_rgb);
    if (p)
        gui_textf(ui, r.x, r.y + r.h + 4, GUI_FONT_SMALL, gui_col_dim,
                  "\xcf\x83(c_t) \xe2\x88\x92 \xcf\x83(c_t-1), largest %.2f", mx);
}

static float max_abs(const float *x, int n) {
    float m = 0;
    for (int i = 0; i < n; i++) if (fabsf(x[i]) > m) m = fabsf(x[i]);
    return m;
}

// The write patch w_t enlarged in r (with its caption above and scale
// below), and the magnifier's lines from the window's box on cell.
static void draw_wpatch(draw_view *v, gui_ctx *ui, gui_rect r, gui_rect cell, const gl_draw_frame *f,
                        const gl_draw_config *c, int small) {
    int N = c->write_n;
    v->wpatch = r;
    v->wscale = fmaxf(max_abs(f->wpatch, N * N), 1e-6f);
    gui_textf(ui, r.x, r.y - (small ? 18 : 22), small ? GUI_FONT_SMALL : GUI_FONT_NORMAL,
              gui_rgb(gl_draw_write_rgb[0], gl_draw_write_rgb[1], gl_draw_write_rgb[2]),
              small ? "write w_t, %dx%d" : "Write patch w_t, %dx%d, enlarged", N, N);
    dv_zoom_lines(ui, cell, &f->write, N, r, gl_draw_write_rgb);
    dv_patch(ui, r, f->wpatch, N, v->wscale, 0, gl_draw_write_rgb);
    gui_textf(ui, r.x, r.y + r.h + 3, GUI_FONT_SMALL, gui_col_dim,
              small ? "|w| \xe2\x89\xa4 %.2g" : "orange adds ink, blue removes; |w| \xe2\x89\xa4 %.2g", v->wscale);
}

// Generate: the canvas (or the grid) with the pen, and beside a single
// sample the write patch enlarged over what the step changed.
static int draw_generate(draw_view *v, gui_ctx *ui, gui_rect main, int y, int avail, const gl_trace *t,
                         const gl_draw_config *c) {
    int single = nsamples(v) == 1;
    int side = avail < main.w ? avail : main.w;
    if (single && side > (main.w - 24) * 62 / 100) side = (main.w - 24) * 62 / 100;   // room for the patches beside
    side = side < 112 ? 112 : side / 28 * 28;
    gui_rect cr = gui_r(main.x, y, side, side);
    v->canvas = cr;
    v->input = gui_r(0, 0, 0, 0);
    gui_mark(ui, cr, "canvas");
    gui_rect_fill(ui, cr, gui_rgb(0, 0, 0));
    int g = 1;
    while (g * g < v->nshown) g++;
    v->ncells = t ? v->nshown : 0;
    for (int i = 0; t && i < v->nshown; i++) {
        int cs = (side - (g - 1) * 4) / g;
        gui_rect cell = g == 1 ? cr : gui_r(cr.x + (i % g) * (cs + 4), cr.y + (i / g) * (cs + 4), cs, cs);
        v->cells[i] = cell;
        const gl_draw_frame *f = frame_at(v->shown[i], v->step);
        dv_grey_image(ui, cell, f->canvas);
        if (c->attention) {
            dv_trail(ui, cell, v->shown[i], v->step, 0, c->write_n, gl_draw_write_rgb,
                     g == 1 ? v->trail : DV_TRAIL_NONE);
            dv_window(ui, cell, &f->write, c->write_n, gl_draw_write_rgb);
        }
    }
    gui_rect_frame(ui, cr, gui_col_button);
    if (v->err[0]) panel_message(ui, cr, gui_rgb(250, 120, 90), v->err);
    else if (!t) gui_text(ui, cr.x + 16, cr.y + 16, GUI_FONT_NORMAL, gui_col_dim, "generating...");
    // Beside one sample: the write patch enlarged, and under it (where
    // there is room) what the step changed on the canvas.
    v->diff = v->wpatch = v->rpatch[0] = v->rpatch[1] = gui_r(0, 0, 0, 0);
    int colx = cr.x + side + 24, colw = main.x + main.w - colx;
    if (t && v->nshown == 1 && colw >= 100) {
        gui_rect col = gui_r(colx, y, colw, side);
        gui_mark(ui, col, "patches");
        gui_clip(ui, col);
        const gl_draw_frame *f = frame_at(t, v->step);
        int both = (side - 112) / 2 >= 112 || !c->attention, top = y + 22;
        if (c->attention) {
            int ps = both ? (side - 112) / 2 : side - 22 - 40;
            if (ps > colw - 4) ps = colw - 4;
            if (ps > 336) ps = 336;
            ps = dv_patch_side(ps, c->write_n);
            gui_clip_reset(ui);   // the magnifier's lines cross onto the canvas
            draw_wpatch(v, ui, gui_r(colx + 1, top, ps, ps), cr, f, c, 0);
            gui_clip(ui, col);
            top += ps + 22 + 22 + 12;
        }
        if (both) {
            int ds = (y + side - 40 - top) / 28 * 28;
            if (ds > colw - 4) ds = (colw - 4) / 28 * 28;
            if (ds > 336) ds = 336;
            if (ds >= 84) draw_diff(v, ui, gui_r(colx + 1, top, ds, ds), t, c);
        }
        gui_clip_reset(ui);
    }
    return y + side + 10;
}

// Reconstruct's middle column: r_t = [γ Fy x Fxᵀ, γ Fy x̂ Fxᵀ] side by side
// (shown divided by γ: the filters' weighted mean of x, and of x̂), then w_t.
static void draw_rec_patches(draw_view *v, gui_ctx *ui, gui_rect ir, gui_rect cr, gui_rect mid, int side,
                             const gl_draw_config *c, const gl_draw_frame *f0) {
    int mw = mid.w;
    int rn = c->read_n, rs = (mw - 10) / 2;
    if (rs > (side - 82) / 3) rs = (side - 82) / 3;   // the rest to w_t
    rs = dv_patch_side(rs, rn);
    int ws = side - 18 - rs - 16 - 12 - 18 - 18;
    if (ws > mw - 2) ws = mw - 2;
    ws = dv_patch_side(ws, c->write_n);
    int yy = mid.y + 18;
    gui_clip(ui, mid);
    gui_textf(ui, mid.x, mid.y, GUI_FONT_SMALL,
              gui_rgb(gl_draw_read_rgb[0], gl_draw_read_rgb[1], gl_draw_read_rgb[2]),
              "read r_t, %dx%d (/\xce\xb3)", rn, rn);
    gui_clip_reset(ui);
    float gam = f0->read.gamma > 0 ? f0->read.gamma : 1;
    v->rpatch[0] = gui_r(mid.x + 1, yy, rs, rs);
    v->rpatch[1] = gui_r(mid.x + mw - rs - 1, yy, rs, rs);
    dv_zoom_lines(ui, ir, &f0->read, rn, v->rpatch[0], gl_draw_read_rgb);
    dv_patch(ui, v->rpatch[0], f0->rpatch, rn, gam, 1, gl_draw_read_rgb);
    dv_patch(ui, v->rpatch[1], f0->rpatch + rn * rn, rn, gam, 0, gl_draw_read_rgb);
    gui_clip(ui, mid);
    gui_text(ui, mid.x + 1, yy + rs + 2, GUI_FONT_SMALL, gui_col_dim, "x");
    gui_text(ui, v->rpatch[1].x, yy + rs + 2, GUI_FONT_SMALL, gui_col_dim, "x \xe2\x88\x92 \xcf\x83(c)");
    gui_clip_reset(ui);
    if (ws >= 2 * c->write_n) {
        gui_rect wr = gui_r(mid.x + (mw - ws) / 2, yy + rs + 16 + 12 + 18, ws, ws);
        gui_clip(ui, mid);
        draw_wpatch(v, ui, wr, cr, f0, c, 1);
        gui_clip_reset(ui);
        dv_zoom_lines(ui, cr, &f0->write, c->write_n, wr, gl_draw_write_rgb);
    }
}

// Reconstruct: input with the read pen, the patches through the windows
// enlarged in the middle, the canvas with the write pen.
static int draw_reconstruct(draw_view *v, gui_ctx *ui, gui_rect main, int y, int avail, const gl_trace *t,
                            const gl_draw_config *c, const gl_draw_frame *f0) {
    // The panels as large as the height allows, leaving the middle at least 96 wide.
    int gap = 16, side = (main.w - 96 - 2 * gap) / 2, mw;
    if (side > avail - 24) side = avail - 24;
    side = side < 112 ? 112 : side / 28 * 28;
    mw = main.w - 2 * side - 2 * gap;   // the spare width to the patches
    if (mw > 260) mw = 260;
    gui_rect ir = gui_r(main.x, y + 24, side, side), mid = gui_r(ir.x + side + gap, y + 24, mw, side);
    gui_rect cr = gui_r(mid.x + mw + gap, y + 24, side, side);
    v->input = ir; v->canvas = cr;
    v->ncells = t ? 1 : 0;
    v->cells[0] = cr;
    gui_mark(ui, gui_r(ir.x, y, side, side + 24), "input");
    gui_mark(ui, mid, "patches");
    gui_mark(ui, gui_r(cr.x, y, side, side + 24), "canvas");
    char title[96];
    if (v->pad.from_test)
        snprintf(title, sizeof title, "Input: test digit #%d (a %d), binarized", v->pad.sel, v->labels[v->pad.sel]);
    else snprintf(title, sizeof title, "Input: your drawing");
    if (gui_text_w(ui, GUI_FONT_NORMAL, title) > cr.x - 8 - ir.x && v->pad.from_test)
        snprintf(title, sizeof title, "Input: test digit #%d", v->pad.sel);
    gui_clip(ui, gui_r(ir.x, y, cr.x - 8 - ir.x, 24));
    gui_text(ui, ir.x, y, GUI_FONT_NORMAL, gui_col_text, title);
    gui_clip(ui, gui_r(cr.x, y, main.x + main.w - cr.x, 24));
    const char *ct = "Canvas: the decoder's rebuild";
    gui_text(ui, cr.x, y, GUI_FONT_NORMAL, gui_col_text,
             gui_text_w(ui, GUI_FONT_NORMAL, ct) <= main.x + main.w - cr.x ? ct : "Canvas: the rebuild");
    gui_clip_reset(ui);
    dv_grey_image(ui, ir, v->pad.img);
    gui_rect_fill(ui, cr, gui_rgb(0, 0, 0));
    v->wpatch = v->rpatch[0] = v->rpatch[1] = gui_r(0, 0, 0, 0);
    if (t) {
        dv_grey_image(ui, cr, f0->canvas);
        if (c->attention) {
            dv_trail(ui, ir, t, v->step, 1, c->read_n, gl_draw_read_rgb, v->trail);
            dv_window(ui, ir, &f0->read, c->read_n, gl_draw_read_rgb);
            dv_trail(ui, cr, t, v->step, 0, c->write_n, gl_draw_write_rgb, v->trail);
            dv_window(ui, cr, &f0->write, c->write_n, gl_draw_write_rgb);
            draw_rec_patches(v, ui, ir, cr, mid, side, c, f0);
        } else {
            gui_clip(ui, mid);
            gui_text(ui, mid.x, mid.y, GUI_FONT_SMALL, gui_col_dim, "no attention:");
            gui_text(ui, mid.x, mid.y + 16, GUI_FONT_SMALL, gui_col_dim, "reads and writes");
            gui_text(ui, mid.x, mid.y + 32, GUI_FONT_SMALL, gui_col_dim, "the whole image");
            gui_clip_reset(ui);
        }
    }
    gui_rect_frame(ui, ir, gui_col_accent);
    gui_rect_frame(ui, cr, gui_col_button);
    if (gui_pad_empty(&v->pad))
        panel_message(ui, cr, gui_col_dim,
                      "Nothing to reconstruct: draw a digit on the left (large and centred, like MNIST) or pick a test "
                      "digit with N / P.");
    else if (v->err[0]) panel_message(ui, cr, gui_rgb(250, 120, 90), v->err);
    return y + 24 + side + 10;
}

// Information panel: the model, the step, the windows, the box side over the steps.
static void draw_info(draw_view *v, gui_ctx *ui, gui_rect info, const gl_trace *t, const gl_draw_config *c,
                      const gl_draw_frame *f0) {
    int y = info.y, bottom = info.y + info.h;
    gui_rect_fill(ui, info, gui_col_panel);
    gui_mark(ui, info, "information");
    gui_clip(ui, info);
    int ix = info.x + 12, iw = info.w - 24;
    y += 10;
    if (c) {
        gui_textf(ui, ix, y, GUI_FONT_LARGE, gui_col_text, "Step %d of %d", v->step + 1, c->T);
        y += 32;
        gui_textf(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "%s weights, T = %d steps",
                  c->attention ? "attention" : "no-attention", c->T);
        y += 18;
        if (c->attention)
            gui_textf(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "read %dx%d, write %dx%d, LSTM %d/%d, z %d",
                      c->read_n, c->read_n, c->write_n, c->write_n, c->enc, c->dec, c->z);
        else gui_textf(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "LSTM %d/%d, z %d per step", c->enc, c->dec, c->z);
        y += 28;
        if (!c->attention) {
            gui_text(ui, ix, y, GUI_FONT_NORMAL, gui_col_text, "No attention: every step reads");
            gui_text(ui, ix, y + 20, GUI_FONT_NORMAL, gui_col_text, "and writes the whole image.");
            y += 50;
        } else {
            if (v->mode == MODE_REC) {
                draw_window_text(ui, ix, y, "read", &f0->read, c->read_n, gl_draw_read_rgb);
                y += 80;
            }
            draw_window_text(ui, ix, y, "write", &f0->write, c->write_n, gl_draw_write_rgb);
            y += 80;
            if (v->nshown > 1) {
                gui_text(ui, ix, y - 4, GUI_FONT_SMALL, gui_col_dim, "(the top-left sample's window)");
                y += 18;
            }
            // The box side of every step: the pen zooming in and out.
            if (y + 18 + 56 + 110 < bottom) {
                gui_text(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "box side per step (0 to 28 px)");
                gui_rect ch = gui_r(ix, y + 18, iw, 56);
                dv_box_chart(ui, ch, t, v->step, 0, c->write_n, gl_draw_write_rgb, 1);
                if (v->mode == MODE_REC) dv_box_chart(ui, ch, t, v->step, 1, c->read_n, gl_draw_read_rgb, 0);
                y += 18 + 56 + 12;
            }
        }
        double ink = 0;
        for (int k = 0; k < GL_DRAW_D; k++) ink += f0->canvas[k];
        gui_textf(ui, ix, y, GUI_FONT_SMALL, gui_col_text, "ink on the canvas: %.1f (sum of \xcf\x83(c_t))", ink);
        y += 26;
    } else y += 40;
    if (!c || c->attention) {
        gui_text(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "The box spans the N x N filter centres;");
        gui_text(ui, ix, y + 16, GUI_FONT_SMALL, gui_col_dim, "the line is the path of its centre g.");
        gui_text(ui, ix, y + 32, GUI_FONT_SMALL, gui_col_dim, "Red: write (decoder); green: read.");
        gui_textf(ui, ix, y + 48, GUI_FONT_SMALL, gui_col_dim, "B: %s.", trail_labels[v->trail]);
        y += 72;
    }
    gui_text(ui, ix, y, GUI_FONT_SMALL, gui_col_dim, "F1 or ? lists the keys.");
    gui_clip_reset(ui);
}

// The controls under the timeline, placed by a flow (wrapping in a narrow
// window). With measure set they are only placed, to learn their height.
static int draw_controls(draw_view *v, gui_app *app, gui_ctx *ui, int x, int y, int right, int measure) {
    gui_flow fl = gui_flow_begin(x, y, right, 28, 6, 6);
    gui_rect r;
#define PUT(w) (r = gui_flow_put(&fl, (w)), !measure)
    if (PUT(70) && gui_button(ui, GUI_ID("draw.play"), r, v->playing ? "Pause" : "Play")) toggle_play(v);
    if (PUT(140) && gui_slider(ui, GUI_ID("draw.speed"), r, &v->speed, 0.5f, 60.0f, "%.1f steps/s")) v->speed_set = 1;
    if (v->mode == MODE_GEN) {
        if (PUT(36)) gui_text(ui, r.x, r.y + 5, GUI_FONT_NORMAL, gui_col_dim, "seed");
        gui_field_opts fo = { .numeric = 1, .lo = 0, .hi = 999999999999LL, .what = "seed" };
        int f = 0;
        if (PUT(150)) f = gui_field(ui, GUI_ID("draw.seed"), r, v->seed_buf, sizeof v->seed_buf, &fo);
        int go = PUT(36) && gui_button(ui, GUI_ID("draw.seedgo"), r, "Go");
        long long s;
        if (!measure && ((f & GUI_FIELD_SUBMIT) || go) && gui_field_value(ui, v->seed_buf, &fo, &s) == 0)
            set_seed(v, s);
        if (PUT(28) && gui_button(ui, GUI_ID("draw.prev"), r, "<")) set_seed(v, (long long)v->seed - 1);
        if (PUT(28) && gui_button(ui, GUI_ID("draw.next"), r, ">")) set_seed(v, (long long)v->seed + 1);
    } else {
        if (PUT(48)) gui_text(ui, r.x, r.y + 5, GUI_FONT_NORMAL, gui_col_dim, "test #");
        if (!measure) load_tests(v);
        gui_field_opts fo = { .numeric = 1, .lo = 0, .hi = v->ntests > 0 ? v->ntests - 1 : 0, .what = "test digit" };
        int f = 0;
        if (PUT(100)) f = gui_field(ui, GUI_ID("draw.index"), r, v->index_buf, sizeof v->index_buf, &fo);
        int go = PUT(36) && gui_button(ui, GUI_ID("draw.indexgo"), r, "Go");
        long long i;
        if (!measure && ((f & GUI_FIELD_SUBMIT) || go)) {
            if (!v->ntests) gui_note(ui, "no MNIST test digits to pick from: draw one");
            else if (gui_field_value(ui, v->index_buf, &fo, &i) == 0) pick_test(v, (int)i);
        }
        if (PUT(60) && gui_button(ui, GUI_ID("draw.clear"), r, "Clear")) clear_drawing(v);
        if (PUT(60) && gui_button(ui, GUI_ID("draw.undo"), r, "Undo")) pop_undo(v);
    }
    if (PUT(110) && gui_button(ui, GUI_ID("draw.expf"), r, "Export frame")) export_frame(v, app);
    if (PUT(110) && gui_button(ui, GUI_ID("draw.exps"), r, "Export strip")) export_strip(v, app);
#undef PUT
    return gui_flow_end(&fl);
}

// The futures' grid at the foot of the information panel (generate), which
// it takes from *info when the panel has room for both.
static void draw_futures(draw_view *v, gui_ctx *ui, gui_rect *info) {
    v->fut_rect = gui_r(0, 0, 0, 0);
    if (!v->fut || !v->fut_on || v->mode != MODE_GEN) return;
    int cs = (info->w - 24 - 8) / 3, gh;
    if (cs > 84) cs = 84;
    gh = 20 + 3 * cs + 8 + 12;
    if (info->h - gh < 280) return;
    info->h -= gh;
    v->fut_rect = gui_r(info->x, info->y + info->h, info->w, gh);
    gui_rect_fill(ui, v->fut_rect, gui_col_panel);
    gui_mark(ui, v->fut_rect, "futures");
    dv_fut_draw(ui, gui_r(info->x + 12, info->y + info->h, 3 * cs + 8, gh - 12), fut_shown(v), v->step + 1);
}

// Which weights the variant shown runs, for the status line: "shipped weights",
// or the file the Train view handed over ("Use these weights"). The paths are
// written on this thread only (init, draw_take_use), so no lock is needed.
static const char *weights_said(const draw_view *v, gui_app *app, char *out, size_t n) {
    const char *path = v->models.path[v->variant], *b = strrchr(path, '/');
    const char *file = var_files[v->variant];
    if (!strcmp(path, app->asset_path ? app->asset_path(file) : file)) snprintf(out, n, "shipped weights");
    else snprintf(out, n, "weights from %s", b ? b + 1 : path);
    return out;
}

static void draw_draw(void *self, gui_app *app, gui_rect area) {
    draw_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12, info_w = area.w >= 1100 ? 300 : 270;
    gui_rect main = gui_r(area.x + m, area.y + m, area.w - 3 * m - info_w, area.h - 2 * m);
    gui_rect info = gui_r(main.x + main.w + m, main.y, info_w, main.h);
    const gl_trace *t = cur(v);
    const gl_draw_config *c = t ? &hdr(t)->cfg : NULL;
    const gl_draw_frame *f0 = t ? frame_at(t, v->step) : NULL;

    // Toolbar (wrapping in a narrow window).
    int mode = v->mode, var = v->variant, grid = v->grid;
    gui_flow fl = gui_flow_begin(main.x, main.y, main.x + main.w, 28, 12, 6);
    if (gui_choice(ui, GUI_ID("draw.mode"), gui_flow_put(&fl, 230), mode_labels, NMODE, &mode)) set_mode(v, mode);
    if (gui_choice(ui, GUI_ID("draw.var"), gui_flow_put(&fl, 230), var_labels, NVAR, &var)) {
        v->variant = var;
        changed(v, 1);
    }
    if (v->mode == MODE_GEN) {
        gui_rect lr = gui_flow_put(&fl, 60);
        gui_text(ui, lr.x, lr.y + 5, GUI_FONT_NORMAL, gui_col_dim, "samples");
        if (gui_choice(ui, GUI_ID("draw.grid"), gui_flow_put(&fl, 230), grid_labels, NGRID, &grid)) {
            v->grid = grid;
            changed(v, 1);
        }
    }
    int y = gui_flow_end(&fl) + 12;

    // Panels: what is left above the timeline and the controls.
    int ctl_h = draw_controls(v, app, ui, main.x, 0, main.x + main.w, 1);
    int tests_h = v->mode == MODE_REC ? 48 + 18 + 8 : 0;
    int bottom_h = 40 + 8 + ctl_h + 20 + tests_h, avail = main.y + main.h - y - bottom_h;
    y = v->mode == MODE_GEN ? draw_generate(v, ui, main, y, avail, t, c)
                            : draw_reconstruct(v, ui, main, y, avail, t, c, f0);

    // Timeline and controls.
    int tw = v->mode == MODE_GEN ? v->canvas.w : v->canvas.x + v->canvas.w - main.x;
    if (tw < 300) tw = 300;
    if (tw > main.w) tw = main.w;
    draw_timeline(v, ui, gui_r(main.x, y, tw, 40), t);
    gui_mark(ui, gui_r(main.x, y, tw, 40), "timeline");
    y += 48;
    y = draw_controls(v, app, ui, main.x, y, main.x + main.w, 0) + 10;
    if (v->mode == MODE_REC) {
        gui_rect tr = gui_r(main.x, y, tw, main.y + main.h - y);
        draw_tests(v, ui, tr);
        if (tr.h > 0) gui_mark(ui, tr, "test digits");
    }
    draw_futures(v, ui, &info);
    draw_info(v, ui, info, t, c, f0);

    // Status line.
    char wts[80], win[160] = "";
    weights_said(v, app, wts, sizeof wts);
    if (c && c->attention)
        snprintf(win, sizeof win, " | write g=(%.1f, %.1f) \xce\xb4=%.2f \xcf\x83\xc2\xb2=%.2f \xce\xb3=%.3g",
                 f0->write.gx, f0->write.gy, f0->write.delta, f0->write.sigma2, f0->write.gamma);
    if (v->err[0]) snprintf(app->status, sizeof app->status, "DRAW: %.240s", v->err);
    else if (v->mode == MODE_REC && gui_pad_empty(&v->pad))
        snprintf(app->status, sizeof app->status,
                 "Reconstruct | empty drawing: draw a digit or press N for a test digit%s%.150s",
                 v->tests_err[0] ? " | MNIST: " : "", v->tests_err);
    else if (!c)
        snprintf(app->status, sizeof app->status, "%s | %s weights | working...", mode_labels[v->mode],
                 var_labels[v->variant]);
    else if (v->mode == MODE_GEN)
        snprintf(app->status, sizeof app->status, "Generate | %s, %s | seed %llu%s | step %d/%d%s",
                 var_labels[v->variant], wts, (unsigned long long)v->seed, v->nshown > 1 ? " (top left)" : "",
                 v->step + 1, c->T, win);
    else
        snprintf(app->status, sizeof app->status, "Reconstruct | %s, %s | %s | step %d/%d%s", var_labels[v->variant],
                 wts, v->pad.from_test ? "test digit" : "drawn digit", v->step + 1, c->T, win);
}

// ---- probes (tests and bench) ---------------------------------------------------------
// Pearson correlation of a[0..n) with b[0..n); 0 when either is flat.
static double pearson(const float *a, const float *b, int n) {
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int k = 0; k < n; k++) { ma += a[k]; mb += b[k]; }
    ma /= n; mb /= n;
    for (int k = 0; k < n; k++) {
        sab += (a[k] - ma) * (b[k] - mb);
        saa += (a[k] - ma) * (a[k] - ma);
        sbb += (b[k] - mb) * (b[k] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

// draw_probe's figures of the model shown (t, its config c, its frame f at the step).
static int draw_probe_model(draw_view *v, const char *what, const gl_trace *t, const gl_draw_config *c,
                            const gl_draw_frame *f, double *out) {
    int i = 0;
    if (!strcmp(what, "T")) *out = c->T;
    else if (!strcmp(what, "read_n")) *out = c->read_n;
    else if (!strcmp(what, "write_n")) *out = c->write_n;
    else if (!strcmp(what, "attention")) *out = c->attention;
    else if (!strcmp(what, "ink")) { double s = 0; for (int k = 0; k < GL_DRAW_D; k++) s += f->canvas[k]; *out = s; }
    else if (!strcmp(what, "recon_corr")) {
        // Pearson correlation of the final canvas with the input (reconstruct).
        if (v->mode != MODE_REC) return -1;
        *out = pearson(frame_at(t, c->T - 1)->canvas, v->pad.img, GL_DRAW_D);
    } else if (!strncmp(what, "write_", 6) || !strncmp(what, "read_", 5)) {
        // "write_gx", "write_delta", ... the window's parameters at the step;
        // "write_x0", "write_y0", "write_x1", "write_y1", "write_cx", "write_cy":
        // its box on screen (over the canvas, or over grid cell I with "write_x0 I").
        if (!c->attention) return -1;
        int rd = what[0] == 'r';
        if (rd && !f->has_read) return -1;
        const char *p = what + (rd ? 5 : 6);
        sscanf(p, "%*s %d", &i);
        if (i < 0 || i >= v->ncells) return -1;
        const gl_draw_frame *fi = rd ? f : frame_at(v->shown[i], v->step);
        const gl_draw_window *w = rd ? &fi->read : &fi->write;
        float x0, y0, x1, y1, cx, cy;
        dv_window_box(rd ? v->input : v->cells[i], w, rd ? c->read_n : c->write_n, &x0, &y0, &x1, &y1, &cx, &cy);
        const gui_probe_val pv[] = {
            { "gx", w->gx }, { "gy", w->gy }, { "delta", w->delta }, { "sigma2", w->sigma2 }, { "gamma", w->gamma },
            { "x0", x0 }, { "y0", y0 }, { "x1", x1 }, { "y1", y1 }, { "cx", cx }, { "cy", cy },
        };
        return gui_probe_pick(p, pv, (int)(sizeof pv / sizeof pv[0]), out);
    } else return -1;
    return 0;
}

static int draw_probe(void *self, const char *what, double *out) {
    draw_view *v = self;
    const gl_trace *t = cur(v);
    const gl_draw_config *c = t ? &hdr(t)->cfg : NULL;
    const gl_draw_frame *f = t ? frame_at(t, v->step) : NULL;
    int i = 0;
    if (gui_probe_rect(what, "canvas", v->canvas, out) || gui_probe_rect(what, "input", v->input, out) ||
        gui_probe_rect(what, "timeline", v->timeline, out))
        return 0;
    const gui_probe_val named[] = {
        { "input_version", (double)v->version }, { "shown_version", t ? (double)hdr(t)->version : -1 },
        { "mode", v->mode }, { "variant", v->variant }, { "step", v->step }, { "playing", v->playing },
        { "seed", (double)v->seed }, { "shown_seed", t ? (double)hdr(t)->seed : -1 },
        { "samples", t ? v->nshown : 0 }, { "error", v->err[0] != 0 }, { "exports", v->exports },
        { "drawn", !v->pad.from_test && !gui_pad_empty(&v->pad) },
        { "test_digit", v->pad.from_test ? v->pad.sel : -1 },
        { "timeline_k", v->tl_k },   // steps per timeline thumbnail
        { "strip_k", strip_k(v) },   // a strip export shows every k-th step
        { "speed", v->speed }, { "trail", v->trail },
    };
    if (!strchr(what, ' ') && !gui_probe_pick(what, named, (int)(sizeof named / sizeof named[0]), out)) return 0;
    if (!strcmp(what, "futures_step") || !strcmp(what, "futures_ms")) {   // the futures grid on screen
        const dv_fut_set *fs = fut_shown(v);
        if (!fs) return -1;
        *out = what[8] == 's' ? fs->steps : fs->ms;
    }
    else if (!strncmp(what, "wpatch_", 7) || !strncmp(what, "rpatch_", 7)) {
        // "wpatch_x", "wpatch_y", "wpatch_w": the enlarged write patch on
        // screen; "rpatch_x K" ...: the read patch K (0: x, 1: x̂); absent when not shown.
        gui_rect pr = v->wpatch;
        if (what[0] == 'r') {
            if (sscanf(what + 8, "%d", &i) != 1 || i < 0 || i > 1) return -1;
            pr = v->rpatch[i];
        }
        if (pr.w <= 0 || !t) return -1;
        *out = what[7] == 'x' ? pr.x : what[7] == 'y' ? pr.y : pr.w;
    }
    else if (sscanf(what, "cell_%*c %d", &i) == 1) {   // "cell_x I", "cell_y I", "cell_w I": grid cell I on screen
        if (i < 0 || i >= v->ncells) return -1;
        gui_rect r = v->cells[i];
        *out = what[5] == 'x' ? r.x : what[5] == 'y' ? r.y : r.w;
    } else if (sscanf(what, "thumb_%*c %d", &i) == 1) { // "thumb_x I", "thumb_y I": centre of test digit I's thumbnail
        if (v->mode != MODE_REC || i < v->thumb_first || i >= v->thumb_first + v->thumb_n || i >= v->ntests) return -1;
        *out = what[6] == 'x' ? v->thumb_x + (i - v->thumb_first) * 48 + 22 : v->thumb_y + 22;
    } else if (!strcmp(what, "input_ink")) {
        double s = 0;
        for (int k = 0; k < GL_DRAW_D; k++) s += v->pad.img[k];
        *out = s;
    } else if (!c) return -1;
    else return draw_probe_model(v, what, t, c, f, out);
    return 0;
}

static int draw_animating(void *self, gui_app *app) {
    draw_view *v = self;
    (void)app;
    return v->playing || v->npending > 0 || (v->fut_on && dv_fut_busy(v->fut));
}

// The app is closing: the futures' worker stops with the others (free waits for it).
static void draw_quit(void *self, int wait) {
    draw_view *v = self;
    if (!wait) dv_fut_quit(v->fut);
}

const gui_view_class view_draw = {
    GUI_VIEW_CORE("DRAW", draw), .request = draw_request, .animating = draw_animating, .probe = draw_probe,
    .quit = draw_quit, .gif = draw_gif,
};
