// view_cluttered: the Search view. DRAW's read window classifying cluttered
// 100x100 MNIST (engine/cluttered/gl_clut.h): watch it find the digit.
//
// Left: the cluttered image enlarged, with the box of every glimpse so far
// (side (N−1)δ centred on (g_x, g_y); the box of this glimpse thicker) and
// the path of their centres; under it the timeline. Right: the 12x12 patch
// this glimpse saw, enlarged, beside the class probabilities after it; the
// patches of all glimpses in a row; and "when did it know?": the
// probability of every class after each glimpse as lines.
//
// The image is made here, on the GUI thread (it costs microseconds): a fixed
// test image (gl_clut_make with gl_clut_test_seed(k)), recomposed with
// gl_clut_compose when the digit is dragged elsewhere or the clutter changes
// (the clutter keeps its seed), plus the strokes a person draws (a layer of
// its own, added and clipped to 1). Every change bumps `version`;
// request() hands the engine thread one job that runs both models (the one
// on screen first) on a copy of the image, each into its own trace. A run
// takes about a millisecond, so the glimpses follow a pen in the next frame;
// a newer job cancels an older one (the newest wins).
//
// Weights: assets/cluttered-{attention,noattention}.safetensors,
// loaded on the engine thread and loaded again when the file changes on
// disk. A file that is missing or cannot be used gives way to random weights
// (gl_clut_new), and the view says which file and why, in a note that stays
// as long as those weights are the ones shown ("untrained" only when there
// is no file; a broken file is not a missing one).
#include "view.h"
#include "gl_clut.h"
#include "gl_clut_figure.h"
#include "gl_image.h"
#include "gl_mnist.h"
#include "gl_util.h"
#include "gif_export.h"
#include "gui_export.h"
#include "gui_timeline.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define A GL_CLUT_A
#define D GL_CLUT_D
#define NVAR 2                   // 0: attention, 1: no attention (the window fixed over the whole image)
#define CLUTTER_MAX 16           // fragments the view offers (the models were trained with 8)
#define NUNDO 16                 // edits remembered
#define PEN_FULL 1.5f            // the pen: full ink within 1.5 image pixels,
#define PEN_EDGE 2.5f            // none beyond 2.5 (a soft edge)

static const char *const var_labels[NVAR] = { "attention", "no attention" };
static const char *const var_files[NVAR] = { "cluttered-attention.safetensors",
                                             "cluttered-noattention.safetensors" };
enum { TOOL_MOVE, TOOL_DRAW, NTOOL };
static const char *const tool_labels[NTOOL] = { "Move digit", "Draw" };

// ---- engine side -------------------------------------------------------------------
// The two models. After init only the engine thread touches them (jobs run
// one at a time), so they need no lock.
typedef struct {
    gl_clut *m[NVAR];
    int untrained[NVAR];         // random weights in use
    int no_file[NVAR];           // ... because there is no file (else it could not be used)
    double mtime[NVAR];          // of the file when it was last tried (-1: missing)
    char path[NVAR][1024];
    char why[NVAR][600];         // with untrained: the file, and why it is not in use
} clut_models;

// Header of one run's trace. The view fills version..label before it submits
// the job; the job writes the rest before the first frame is published, so a
// reader may use it once the run is complete.
typedef struct {
    uint64_t version;
    int variant, label;          // label: the test digit's class, −1 when none is on the canvas
    float cx, cy;                // the test digit's centre in filter positions (1..A), when label >= 0
    int untrained, no_file;
    char why[600];
    float img[D];                // what the model saw
} clut_header;

typedef struct {
    clut_models *models;
    int n, var[NVAR];
    float img[D];
} clut_job;

// The model of variant var: the file's if it loads and holds that variant,
// else an untrained one and the reason in ms->why[var]. The file is looked
// at again whenever it changes on disk (it appears, training rewrites it).
static gl_clut *models_get(clut_models *ms, int var) {
    double mt = gl_file_mtime(ms->path[var]);
    if (ms->m[var] && mt == ms->mtime[var]) return ms->m[var];
    gl_clut_free(ms->m[var]);
    ms->m[var] = NULL;
    ms->mtime[var] = mt;
    // A file that exists but cannot be used is not the same as no file: the
    // view says which (issue 32). Built here, then copied: the path and the
    // reason live side by side in ms.
    char why[600] = "";
    ms->no_file[var] = mt < 0;
    if (mt < 0) snprintf(why, sizeof why, "no trained file (%s does not exist)", ms->path[var]);
    else {
        gl_clut *m = gl_clut_load(ms->path[var], 0);
        if (!m) snprintf(why, sizeof why, "cannot use %s", gl_err());   // gl_clut_load's message names the file
        else if (gl_clut_cfg(m)->attention != (var == 0)) {
            snprintf(why, sizeof why, "cannot use %s: it holds the %s model, not the %s one", ms->path[var],
                     var == 0 ? "no-attention" : "attention", var == 0 ? "attention" : "no-attention");
            gl_clut_free(m);
        } else ms->m[var] = m;
    }
    memcpy(ms->why[var], why, sizeof why);
    ms->untrained[var] = ms->m[var] == NULL;
    if (!ms->m[var]) {
        gl_clut_config c = GL_CLUT_CONFIG_DEFAULT;
        c.attention = var == 0;
        ms->m[var] = gl_clut_new(&c, 1);
    }
    return ms->m[var];
}

static int clut_job_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    clut_job *j = p;
    for (int i = 0; i < j->n; i++) {
        if (gl_job_cancelled(cancel)) return 1;   // a newer image is waiting
        gl_clut *m = models_get(j->models, j->var[i]);
        if (!m) return -1;
        clut_header *h = traces[i]->header;
        h->untrained = j->models->untrained[j->var[i]];
        h->no_file = j->models->no_file[j->var[i]];
        snprintf(h->why, sizeof h->why, "%s", j->models->why[j->var[i]]);
        memcpy(h->img, j->img, sizeof h->img);
        gl_clut_run(m, j->img, traces[i], NULL);
    }
    return 0;
}

// ---- the input ---------------------------------------------------------------------
// What the image is made of; an edit pushes a copy to undo.
typedef struct {
    int index;                   // the test image: its digit, label and clutter seed
    int digit;                   // 1: the test digit is on the canvas
    int x0, y0;                  // its top-left pixel
    int clutter;                 // fragments
    uint64_t seed;               // the clutter's (gl_clut_test_seed(index) until N / P / R)
    float ink[D];                // the person's strokes
} clut_input;

// ---- view state --------------------------------------------------------------------
typedef struct {
    clut_models models;
    gl_mnist test;               // MNIST's test set, loaded when the view is first shown
    int data_tried, have_data;
    char data_err[300];
    clut_input in;
    clut_input *undo;            // NUNDO of them
    int nundo;
    float img[D];                // the image as composed from `in`
    uint64_t version, reseeds;
    gl_trace *shown[NVAR], *pending[NVAR];
    int variant, tool;
    int step, playing, at_end;   // at_end: follow the last glimpse as runs arrive
    float speed;                 // glimpses per second while playing
    double play_acc;
    // the pointer on the canvas
    int pen_down, pen_erase, grab;
    float pen_u, pen_v, grab_du, grab_dv;
    // layout of the last frame (for input and the probes)
    gui_rect canvas, timeline, strip[GL_CLUT_MAXT], patch;
    int nstrip;
    char index_buf[16];
    uint8_t *rgb;                // A×A×3: the image as drawn
    uint64_t failures_seen;
    int exports;
    char last_export[1200];
} clut_view;

static const char *const clut_shortcuts[] = {
    "Left / Right\tprevious / next glimpse",
    "Home / End\tfirst / last glimpse",
    "Space\tplay / pause",
    "+ / -\tplay faster / slower",
    "N / P\tnext / previous test image",
    "[ / ]\tless / more clutter (0 to 16 fragments)",
    "R\tnew clutter (another seed)",
    "A\tattention on / off (the no-attention model, same image)",
    "M / D\tthe mouse moves the digit / draws",
    "drag on the image\tmove the digit, or draw (right button erases)",
    "C\tclear: the clutter alone, to draw a digit of your own",
    "U or Ctrl+Z\tundo",
    "E\texport the figure as PNG",
    NULL,
};

static const clut_header *hdr(const gl_trace *t) { return t->header; }
static const gl_clut_frame *frame_at(const gl_trace *t, int i) { return gl_trace_frame(t, i); }
// Complete: gl_clut_run published every frame and finished the trace.
static int complete(const gl_trace *t) {
    return t && atomic_load(&t->done) && gl_trace_count(t) > 0 && gl_trace_count(t) == frame_at(t, 0)->T;
}
static const gl_trace *cur(const clut_view *v) { return complete(v->shown[v->variant]) ? v->shown[v->variant] : NULL; }
static int cur_T(const clut_view *v) { const gl_trace *t = cur(v); return t ? frame_at(t, 0)->T : 0; }
static int label_of(const clut_view *v) { return v->have_data && v->in.digit ? v->test.y[v->in.index] : -1; }

static int argmax10(const float *p) {
    int b = 0;
    for (int k = 1; k < GL_CLUT_CLASSES; k++) if (p[k] > p[b]) b = k;
    return b;
}

static void set_step(clut_view *v, int s) {
    int T = cur_T(v);
    v->step = T == 0 || s < 0 ? 0 : s >= T ? T - 1 : s;
    v->at_end = T > 0 && v->step == T - 1;
}

// ---- making the image -------------------------------------------------------------------
static void recompose(clut_view *v) {
    const float *digit = v->have_data && v->in.digit ? v->test.x + (size_t)v->in.index * 784 : NULL;
    gl_clut_compose(v->img, digit, v->in.x0, v->in.y0, v->have_data ? &v->test : NULL, v->in.index,
                    v->have_data ? v->in.clutter : 0, v->in.seed);
    for (int i = 0; i < D; i++) {
        float s = v->img[i] + v->in.ink[i];
        v->img[i] = s > 1.0f ? 1.0f : s;
    }
    v->version++;
}

static void push_undo(clut_view *v) {
    if (v->nundo == NUNDO) { memmove(&v->undo[0], &v->undo[1], sizeof v->undo[0] * (NUNDO - 1)); v->nundo--; }
    v->undo[v->nundo++] = v->in;
}

static void pop_undo(clut_view *v, gui_app *app) {
    if (!v->nundo) { gui_app_note(app, "nothing to undo"); return; }
    v->in = v->undo[--v->nundo];
    snprintf(v->index_buf, sizeof v->index_buf, "%d", v->in.index);
    recompose(v);
}

// Test image k as the test set has it: the digit where gl_clut_make puts it,
// the clutter of its seed; the strokes are cleared.
static void pick_image(clut_view *v, int k) {
    if (!v->have_data) return;
    k = k < 0 ? 0 : k >= v->test.n ? v->test.n - 1 : k;
    gl_clut_place where;
    gl_clut_make(v->img, &v->test, k, v->in.clutter, gl_clut_test_seed(k), &where);
    v->in.index = k;
    v->in.digit = 1;
    v->in.x0 = (int)lroundf(where.cx - 14.5f);
    v->in.y0 = (int)lroundf(where.cy - 14.5f);
    v->in.seed = gl_clut_test_seed(k);
    memset(v->in.ink, 0, sizeof v->in.ink);
    snprintf(v->index_buf, sizeof v->index_buf, "%d", k);
    recompose(v);   // the same image gl_clut_make made, through the path every edit takes
}

static void set_clutter(clut_view *v, int n, gui_app *app) {
    n = n < 0 ? 0 : n > CLUTTER_MAX ? CLUTTER_MAX : n;
    if (!v->have_data) { gui_app_note(app, "no clutter without MNIST's test set"); return; }
    if (n == v->in.clutter) return;
    push_undo(v);
    v->in.clutter = n;
    recompose(v);
}

// A fresh seed for the clutter (the digit stays where it is).
static void reseed(clut_view *v) {
    push_undo(v);
    v->reseeds++;
    v->in.seed = gl_clut_train_seed(v->in.seed, (long)v->reseeds, v->in.index);
    recompose(v);
}

// The clutter alone: no test digit, no strokes; the mouse draws.
static void clear_digit(clut_view *v) {
    push_undo(v);
    v->in.digit = 0;
    memset(v->in.ink, 0, sizeof v->in.ink);
    v->tool = TOOL_DRAW;
    recompose(v);
}

// Loads the test set the first time the view is shown (31 MB as floats:
// an app that never opens this view does not pay for it).
static void ensure_data(clut_view *v) {
    if (v->data_tried) return;
    v->data_tried = 1;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &v->test) == 0) {
        v->have_data = 1;
        pick_image(v, 0);
    } else {
        snprintf(v->data_err, sizeof v->data_err, "%s", gl_err());
        v->tool = TOOL_DRAW;
        recompose(v);
    }
}

// The pen: a soft round brush on the A×A stroke layer, pixel-centre units
// (pixel x covers [x − 0.5, x + 0.5]), combined by max so that a stroke over
// itself does not saturate; erase rubs out with the same edge.
static void brush(float *img, float u, float v, int erase) {
    for (int y = (int)floorf(v - PEN_EDGE); y <= (int)ceilf(v + PEN_EDGE); y++)
        for (int x = (int)floorf(u - PEN_EDGE); x <= (int)ceilf(u + PEN_EDGE); x++) {
            if (x < 0 || y < 0 || x >= A || y >= A) continue;
            float a = (PEN_EDGE - hypotf((float)x - u, (float)y - v)) / (PEN_EDGE - PEN_FULL);
            a = a < 0 ? 0 : a > 1 ? 1 : a;
            float *p = &img[y * A + x];
            if (erase) { if (1 - a < *p) *p = 1 - a; }
            else if (a > *p) *p = a;
        }
}

static void pen_stroke(float *img, float u0, float v0, float u1, float v1, int erase) {
    int n = (int)ceilf(hypotf(u1 - u0, v1 - v0) / 0.25f);
    if (n > 2000) n = 2000;
    for (int i = 0; i <= n; i++) {
        float t = n ? (float)i / (float)n : 0;
        brush(img, u0 + t * (u1 - u0), v0 + t * (v1 - v0), erase);
    }
}

// Window point -> canvas units in [0, A] (pixel a = 1..A covers [a − 1, a]).
static void to_canvas(const clut_view *v, int x, int y, float *u, float *w) {
    *u = (float)(x - v->canvas.x) * (float)A / (float)v->canvas.w;
    *w = (float)(y - v->canvas.y) * (float)A / (float)v->canvas.h;
}

static void move_digit(clut_view *v, float u, float w) {
    int x0 = (int)lroundf(u - v->grab_du), y0 = (int)lroundf(w - v->grab_dv);
    x0 = x0 < 0 ? 0 : x0 > A - 28 ? A - 28 : x0;
    y0 = y0 < 0 ? 0 : y0 > A - 28 ? A - 28 : y0;
    if (x0 == v->in.x0 && y0 == v->in.y0) return;
    v->in.x0 = x0;
    v->in.y0 = y0;
    recompose(v);
}

// ---- lifecycle -------------------------------------------------------------------------
static void *clut_init(gui_app *app) {
    clut_view *v = gl_calloc(1, sizeof *v);
    for (int k = 0; k < NVAR; k++) {
        snprintf(v->models.path[k], sizeof v->models.path[k], "%s",
                 app->asset_path ? app->asset_path(var_files[k]) : var_files[k]);
        v->models.mtime[k] = -2;   // never looked at
    }
    v->undo = gl_calloc(NUNDO, sizeof *v->undo);
    v->rgb = gl_malloc((size_t)D * 3);
    v->in.clutter = GL_CLUT_CLUTTER;
    v->in.seed = gl_clut_test_seed(0);
    v->speed = 2.0f;
    v->at_end = 1;
    snprintf(v->index_buf, sizeof v->index_buf, "0");
    return v;
}

static void clut_free(void *self) {
    clut_view *v = self;
    gui_traces_release(v->shown, v->pending, NVAR);
    for (int k = 0; k < NVAR; k++) gl_clut_free(v->models.m[k]);
    if (v->have_data) gl_mnist_free(&v->test);
    free(v->undo);
    free(v->rgb);
    free(v);
}

// ---- export ----------------------------------------------------------------------------
// The figure of `glimpse find --png`: the image with every box and the path,
// the class probabilities after each glimpse, the patches enlarged; saved as
// glimpse-search-NNN.png (gui_export.h: never over an earlier export).
static void export_figure(clut_view *v, gui_app *app) {
    const gl_trace *t = cur(v);
    if (!t) { gui_app_note(app, "nothing to export yet"); return; }
    int T = frame_at(t, 0)->T;
    gl_clut_frame fr[GL_CLUT_MAXT];
    for (int i = 0; i < T; i++) fr[i] = *frame_at(t, i);
    gl_image im = gl_clut_image_search(hdr(t)->img, fr, T, hdr(t)->label);
    if (!im.px) { gui_app_note(app, "export failed: %s", gl_err()); return; }
    static const char *const png[1] = { ".png" };
    char path[1200];
    if (gui_export_name(app, "search", png, 1, path, sizeof path - 4) != 0) { gl_image_free(&im); return; }
    strcat(path, ".png");
    if (gl_image_save_png(&im, path) == 0) {   // a temporary file, then rename
        gui_app_note(app, "saved the figure to %s (%dx%d)", path, im.w, im.h);
        v->exports++;
        snprintf(v->last_export, sizeof v->last_export, "%s", path);
    } else gui_app_note(app, "export failed: %s", gl_err());
    gl_image_free(&im);
}

// Ctrl+G: the search glimpse by glimpse, as `glimpse find --gif` plays it.
static int clut_gif(void *self, gui_app *app, const char *path) {
    clut_view *v = self;
    (void)app;
    const gl_trace *t = cur(v);
    if (!t) { gl_seterr("nothing to play yet"); return -1; }
    int T = frame_at(t, 0)->T;
    gl_clut_frame fr[GL_CLUT_MAXT];
    for (int i = 0; i < T; i++) fr[i] = *frame_at(t, i);
    return gif_find(path, hdr(t)->img, fr, T, hdr(t)->label);
}

// ---- input -------------------------------------------------------------------------------
static void toggle_play(clut_view *v) {
    v->playing = !v->playing;
    if (v->playing && v->step >= cur_T(v) - 1) v->step = 0;
    v->play_acc = 0;
    v->at_end = 0;
}

static int clut_event(void *self, gui_app *app, const gui_event *ev) {
    clut_view *v = self;
    switch (ev->type) {
    case GUI_EV_DOWN: {
        if (v->pen_down || v->grab || v->canvas.w <= 0 || !gui_inside(v->canvas, ev->x, ev->y)) return 0;
        float u, w;
        to_canvas(v, ev->x, ev->y, &u, &w);
        if (ev->button == 3 || (ev->button == 1 && (v->tool == TOOL_DRAW || !v->in.digit))) {
            push_undo(v);
            v->pen_down = 1;
            v->pen_erase = ev->button == 3;
            v->pen_u = u - 0.5f;   // canvas units -> pixel-centre units
            v->pen_v = w - 0.5f;
            pen_stroke(v->in.ink, v->pen_u, v->pen_v, v->pen_u, v->pen_v, v->pen_erase);
            recompose(v);
            return 1;
        }
        if (ev->button != 1) return 0;
        // Move: grab the digit where it was pressed, or bring its centre here.
        push_undo(v);
        v->grab = 1;
        int inside = u >= v->in.x0 && u < v->in.x0 + 28 && w >= v->in.y0 && w < v->in.y0 + 28;
        v->grab_du = inside ? u - (float)v->in.x0 : 14.0f;
        v->grab_dv = inside ? w - (float)v->in.y0 : 14.0f;
        move_digit(v, u, w);
        return 1;
    }
    case GUI_EV_MOVE: {
        if (!v->pen_down && !v->grab) return 0;
        float u, w;
        to_canvas(v, ev->x, ev->y, &u, &w);
        if (v->grab) { move_digit(v, u, w); return 1; }
        pen_stroke(v->in.ink, v->pen_u, v->pen_v, u - 0.5f, w - 0.5f, v->pen_erase);
        v->pen_u = u - 0.5f;
        v->pen_v = w - 0.5f;
        recompose(v);
        return 1;
    }
    case GUI_EV_UP:
        if (v->grab && ev->button == 1) { v->grab = 0; return 1; }
        if (v->pen_down && ev->button == (v->pen_erase ? 3 : 1)) { v->pen_down = 0; return 1; }
        return 0;
    case GUI_EV_KEY: {
        int k = ev->key;
        if ((ev->mods & GUI_MOD_CTRL) && k == 'z') { pop_undo(v, app); return 1; }
        if (ev->mods & (GUI_MOD_CTRL | GUI_MOD_ALT)) return 0;
        switch (k) {
        case GUI_KEY_LEFT: v->playing = 0; set_step(v, v->step - 1); return 1;
        case GUI_KEY_RIGHT: v->playing = 0; set_step(v, v->step + 1); return 1;
        case GUI_KEY_HOME: v->playing = 0; set_step(v, 0); return 1;
        case GUI_KEY_END: v->playing = 0; set_step(v, cur_T(v) - 1); return 1;
        case GUI_KEY_SPACE: toggle_play(v); return 1;
        case '+': case '=': v->speed = fminf(v->speed * 1.5f, 20.0f); return 1;
        case '-': v->speed = fmaxf(v->speed / 1.5f, 0.25f); return 1;
        case 'n': push_undo(v); pick_image(v, v->in.index + 1); return 1;
        case 'p': push_undo(v); pick_image(v, v->in.index - 1); return 1;
        case ']': set_clutter(v, v->in.clutter + 1, app); return 1;
        case '[': set_clutter(v, v->in.clutter - 1, app); return 1;
        case 'r': reseed(v); return 1;
        case 'a': v->variant = !v->variant; return 1;
        case 'm': v->tool = TOOL_MOVE; return 1;
        case 'd': v->tool = TOOL_DRAW; return 1;
        case 'c': clear_digit(v); return 1;
        case 'u': pop_undo(v, app); return 1;
        case 'e': export_figure(v, app); return 1;
        default: return 0;
        }
    }
    default: return 0;
    }
}

static void clut_update(void *self, gui_app *app, double dt) {
    clut_view *v = self;
    ensure_data(v);
    for (int k = 0; k < NVAR; k++)   // a whole run replaces the one shown: never a half-drawn search
        if (v->pending[k]) gl_trace_take(&v->shown[k], &v->pending[k], complete(v->pending[k]));
    gui_app_note_engine_failure(app, &v->failures_seen);
    int T = cur_T(v);
    if (v->at_end && T > 0) v->step = T - 1;
    if (v->step >= T && T > 0) v->step = T - 1;
    if (v->playing && T > 0) {
        v->play_acc += dt * v->speed;
        while (v->play_acc >= 1) { v->play_acc -= 1; v->step = (v->step + 1) % T; }
    }
}

// One job per change of the image: both models, the one on screen first (if
// the next change cancels the job, the run a person is looking at is in).
static void clut_request(void *self, gui_app *app) {
    clut_view *v = self;
    if (!v->data_tried) return;
    const gl_trace *s = v->shown[v->variant], *p = v->pending[v->variant];
    if ((s && hdr(s)->version == v->version) || (p && hdr(p)->version == v->version)) return;
    clut_job *j = gl_calloc(1, sizeof *j);
    j->models = &v->models;
    memcpy(j->img, v->img, sizeof j->img);
    j->n = NVAR;
    j->var[0] = v->variant;
    j->var[1] = !v->variant;
    gl_job job = { clut_job_run, free, j, { NULL } };
    for (int i = 0; i < j->n; i++) {
        int k = j->var[i];
        clut_header *h = gl_calloc(1, sizeof *h);
        h->version = v->version;
        h->variant = k;
        h->label = label_of(v);
        h->cx = (float)v->in.x0 + 14.5f;
        h->cy = (float)v->in.y0 + 14.5f;
        job.traces[i] = gui_trace_renew(&v->pending[k], GL_TRACE_CLUTTER, sizeof(gl_clut_frame), GL_CLUT_MAXT, h);
    }
    gl_engine_submit(app->engine, &job);
}

// ---- drawing -------------------------------------------------------------------------------
// The colour of glimpse t: the figures' (gl_clut_step_rgb, blue first, red
// last), a quarter of the way to white so that the first boxes show on the
// black image.
static gui_color step_col(int t, int T, int a) {
    uint8_t c[3];
    gl_clut_step_rgb(t, T, c);
    return gui_rgba(c[0] + (255 - c[0]) / 4, c[1] + (255 - c[1]) / 4, c[2] + (255 - c[2]) / 4, a);
}

// Screen point of canvas units (u, w) on the canvas.
static float sx(const clut_view *v, float u) { return (float)v->canvas.x + u * (float)v->canvas.w / (float)A; }
static float sy(const clut_view *v, float w) { return (float)v->canvas.y + w * (float)v->canvas.h / (float)A; }

// The image, the boxes of glimpses 0..step (earlier ones thin and fainter)
// and the path of their centres, clipped to the canvas.
static void draw_canvas(clut_view *v, gui_ctx *ui, const gl_trace *t) {
    gui_rect c = v->canvas;
    for (int i = 0; i < D; i++)
        v->rgb[3 * i] = v->rgb[3 * i + 1] = v->rgb[3 * i + 2] = (uint8_t)(v->img[i] * 255.0f + 0.5f);
    gui_image(ui, c, v->rgb, A, A);
    gui_mark(ui, c, "image");
    gui_clip(ui, c);
    if (v->tool == TOOL_MOVE && v->in.digit && (v->grab || gui_inside(c, ui->mx, ui->my))) {
        // where the digit can be grabbed
        gui_rect_frame(ui, gui_r((int)sx(v, (float)v->in.x0), (int)sy(v, (float)v->in.y0), (int)(sx(v, 28) - sx(v, 0)),
                                 (int)(sy(v, 28) - sy(v, 0))), gui_rgba(250, 210, 90, 150));
    }
    if (t) {
        int T = frame_at(t, 0)->T;
        for (int s = 0; s <= v->step && s < T; s++) {
            float cx, cy, h;
            gl_clut_box(&frame_at(t, s)->win, &cx, &cy, &h);
            float x0 = sx(v, cx - h), x1 = sx(v, cx + h), y0 = sy(v, cy - h), y1 = sy(v, cy + h);
            int now = s == v->step;
            gui_color col = step_col(s, T, now ? 255 : 150);
            float wd = now ? 2.5f : 1.2f;
            gui_line(ui, x0, y0, x1, y0, wd, col);
            gui_line(ui, x1, y0, x1, y1, wd, col);
            gui_line(ui, x1, y1, x0, y1, wd, col);
            gui_line(ui, x0, y1, x0, y0, wd, col);
        }
        for (int s = 0; s <= v->step && s < T; s++) {
            float cx, cy, h, px, py;
            gl_clut_box(&frame_at(t, s)->win, &cx, &cy, &h);
            if (s > 0) {
                gl_clut_box(&frame_at(t, s - 1)->win, &px, &py, &h);
                gui_line(ui, sx(v, px), sy(v, py), sx(v, cx), sy(v, cy), 1.5f, gui_rgba(255, 255, 255, 220));
            }
            gui_rect_fill(ui, gui_r((int)sx(v, cx) - 3, (int)sy(v, cy) - 3, 7, 7), step_col(s, T, 255));
        }
    }
    gui_clip_reset(ui);
    gui_rect_frame(ui, c, gui_col_button);
    if (!v->in.digit && !v->pen_down) {
        int ink = 0;
        for (int i = 0; i < D && !ink; i++) ink = v->in.ink[i] > 0.05f;
        if (!ink) gui_text(ui, c.x + 10, c.y + 8, GUI_FONT_NORMAL, gui_rgb(250, 210, 90), "draw a digit anywhere here");
    }
}

// An N×N patch enlarged over r (black..white), framed in col.
static void draw_patch(gui_ctx *ui, gui_rect r, const float *patch, int N, gui_color col, int frame_w) {
    gui_heat(ui, r, patch, N, N, 0, 1, 1);
    for (int i = 0; i < frame_w; i++)
        gui_rect_frame(ui, gui_r(r.x - 1 - i, r.y - 1 - i, r.w + 2 + 2 * i, r.h + 2 + 2 * i), col);
}

// The timeline (gui_timeline.h): one cell per glimpse, this one in its
// colour, the probability of the class named at the end under each as a
// bar; click or drag to scrub.
static void draw_timeline(clut_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    int T = t ? frame_at(t, 0)->T : 8;
    double pos;
    int sc = gui_scrub(ui, GUI_ID("clut.timeline"), r, T, &pos);
    if (sc & GUI_SCRUB_PRESSED) v->playing = 0;
    if ((sc & GUI_SCRUB_HELD) && t) set_step(v, (int)floor(pos));
    float bar[GL_CLUT_MAXT];
    int fin = t ? argmax10(frame_at(t, T - 1)->prob) : 0;
    for (int s = 0; t && s < T; s++) bar[s] = frame_at(t, s)->prob[fin];
    gui_timeline_cells(ui, r, T, t ? v->step : -1, step_col(v->step, T, 255), t ? bar : NULL);
    gui_mark(ui, r, "timeline");
}

// Text cut to w points (the note and titles in narrow windows).
static void text_fit(gui_ctx *ui, int x, int y, int w, int font, gui_color c, const char *s) {
    char b[512];
    snprintf(b, sizeof b, "%s", s);
    while (b[0] && gui_text_w(ui, font, b) > w) {
        size_t n = strlen(b);
        if (n <= 4) { b[0] = 0; break; }
        memcpy(b + n - 4, "...", 4);
    }
    gui_text(ui, x, y, font, c, b);
}

// A message wrapped at spaces (and anywhere in a word longer than a line)
// into lines at most w points wide; returns the lines drawn (draw = 0: only
// counts). Widths are measured at word ends only, so a note costs a few
// dozen measurements a frame.
static int text_wrap(gui_ctx *ui, int x, int y, int w, int font, gui_color c, const char *s, int max_lines, int draw) {
    int lines = 0, lh = ui->line_h[font] + 2;
    char b[512];
    while (*s && lines < max_lines) {
        int n = (int)strlen(s), fit = 0;
        if (n >= (int)sizeof b) n = (int)sizeof b - 1;
        for (int k = 0; k <= n; k++) {   // the longest run of whole words that fits
            if (k < n && s[k] != ' ') continue;
            snprintf(b, sizeof b, "%.*s", k, s);
            if (gui_text_w(ui, font, b) > w) break;
            fit = k;
        }
        if (fit == 0) {   // one word wider than the line: as many characters as fit
            fit = 1;
            while (fit < n) {
                snprintf(b, sizeof b, "%.*s", fit + 1, s);
                if (gui_text_w(ui, font, b) > w) break;
                fit++;
            }
        }
        if (lines == max_lines - 1 && fit < n) {   // the last line: cut
            if (draw) text_fit(ui, x, y + lines * lh, w, font, c, s);
            return lines + 1;
        }
        if (draw) { snprintf(b, sizeof b, "%.*s", fit, s); gui_text(ui, x, y + lines * lh, font, c, b); }
        s += fit;
        while (*s == ' ') s++;
        lines++;
    }
    return lines;
}

// The class probabilities after this glimpse, one column per class.
static void draw_bars(clut_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    int lh = ui->line_h[GUI_FONT_SMALL];
    const float *p = t ? frame_at(t, v->step)->prob : NULL;
    int best = p ? argmax10(p) : -1, label = t ? hdr(t)->label : -1;
    char s[64];
    if (p) snprintf(s, sizeof s, "after glimpse %d: %d (%.0f%%)", v->step + 1, best, 100 * p[best]);
    else snprintf(s, sizeof s, "class probabilities");
    text_fit(ui, r.x, r.y, r.w, GUI_FONT_SMALL, gui_col_text, s);
    int top = r.y + lh + 6, bh = r.h - (lh + 6) - (lh + 4), cw = r.w / GL_CLUT_CLASSES;
    for (int k = 0; k < GL_CLUT_CLASSES; k++) {
        gui_rect b = gui_r(r.x + k * cw + 2, top, cw - 4, bh);
        gui_rect_fill(ui, b, gui_col_panel);
        if (p) {
            int h = (int)((float)bh * p[k] + 0.5f);
            gui_rect_fill(ui, gui_r(b.x, b.y + bh - h, b.w, h), k == best ? gui_col_accent : gui_rgb(95, 105, 125));
        }
        snprintf(s, sizeof s, "%d", k);
        gui_text(ui, b.x + (b.w - gui_text_w(ui, GUI_FONT_SMALL, s)) / 2, top + bh + 2, GUI_FONT_SMALL,
                 k == label ? gui_rgb(250, 210, 90) : gui_col_dim, s);
    }
    gui_mark(ui, r, "class bars");
}

// The first glimpse from which the class named at the end stays the most
// probable and above one half (0-based; the last glimpse when it never is),
// or −1 when there is no run.
static int knew_at(const gl_trace *t) {
    if (!t) return -1;
    int T = frame_at(t, 0)->T, fin = argmax10(frame_at(t, T - 1)->prob), k = T - 1;
    while (k > 0 && argmax10(frame_at(t, k - 1)->prob) == fin && frame_at(t, k - 1)->prob[fin] > 0.5f) k--;
    return k;
}

// "When did it know?": P(class) after each glimpse, one line per class; the
// class named at the end in the accent colour, the true class (when it is
// another) in yellow, the rest dim; a marker at this glimpse.
static void draw_chart(clut_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    int lh = ui->line_h[GUI_FONT_SMALL];
    char s[96];
    int T = t ? frame_at(t, 0)->T : 8;
    int fin = t ? argmax10(frame_at(t, T - 1)->prob) : -1, label = t ? hdr(t)->label : -1;
    if (t && frame_at(t, T - 1)->prob[fin] > 0.5f)
        snprintf(s, sizeof s, "When did it know? %d from glimpse %d on", fin, knew_at(t) + 1);
    else if (t) snprintf(s, sizeof s, "When did it know? Never sure: %d at %.0f%% in the end", fin,
                         100 * frame_at(t, T - 1)->prob[fin]);
    else snprintf(s, sizeof s, "When did it know?");
    text_fit(ui, r.x, r.y, r.w, GUI_FONT_NORMAL, gui_col_text, s);
    int ax = r.x + 30, ay = r.y + ui->line_h[GUI_FONT_NORMAL] + 8, aw = r.w - 30 - 24, ah = r.y + r.h - lh - 4 - ay;
    gui_rect p = gui_r(ax, ay, aw, ah);
    gui_rect_fill(ui, p, gui_col_panel);
    for (int i = 0; i <= 4; i++) {
        int y = ay + ah - ah * i / 4;
        gui_line(ui, (float)ax, (float)y, (float)(ax + aw), (float)y, 1, gui_rgba(255, 255, 255, i == 0 ? 90 : 30));
        if (i % 2 == 0) {
            snprintf(s, sizeof s, "%.1f", i / 4.0);
            gui_text(ui, r.x, y - lh / 2, GUI_FONT_SMALL, gui_col_dim, s);
        }
    }
    float dx = T > 1 ? (float)aw / (float)(T - 1) : 0;
    for (int i = 0; i < T; i++) {
        snprintf(s, sizeof s, "%d", i + 1);
        int x = ax + (int)(dx * (float)i) - gui_text_w(ui, GUI_FONT_SMALL, s) / 2;
        gui_text(ui, x, ay + ah + 2, GUI_FONT_SMALL, i == v->step ? gui_col_text : gui_col_dim, s);
    }
    if (t) {
        float xs = (float)ax + dx * (float)v->step;
        gui_line(ui, xs, (float)ay, xs, (float)(ay + ah), 2, step_col(v->step, T, 200));
        for (int pass = 0; pass < 3; pass++)   // the dim classes first, the named one last, on top
            for (int k = 0; k < GL_CLUT_CLASSES; k++) {
                int which = k == fin ? 2 : k == label ? 1 : 0;
                if (which != pass) continue;
                gui_color col = which == 2 ? gui_col_accent : which == 1 ? gui_rgb(250, 210, 90) : gui_rgb(85, 92, 110);
                float wd = which ? 2.5f : 1.2f;
                for (int i = 1; i < T; i++)
                    gui_line(ui, (float)ax + dx * (float)(i - 1),
                             (float)(ay + ah) - (float)ah * frame_at(t, i - 1)->prob[k], (float)ax + dx * (float)i,
                             (float)(ay + ah) - (float)ah * frame_at(t, i)->prob[k], wd, col);
            }
        // The two highlighted lines named at their ends, apart when they end close together.
        float yf = (float)(ay + ah) - (float)ah * frame_at(t, T - 1)->prob[fin] - (float)lh / 2;
        snprintf(s, sizeof s, "%d", fin);
        gui_text(ui, ax + aw + 6, (int)yf, GUI_FONT_SMALL, gui_col_accent, s);
        if (label >= 0 && label != fin) {
            float yl = (float)(ay + ah) - (float)ah * frame_at(t, T - 1)->prob[label] - (float)lh / 2;
            if (fabsf(yl - yf) < (float)lh)
                yl = yf + (yf + (float)lh <= (float)(ay + ah - lh / 2) ? (float)lh : -(float)lh);
            snprintf(s, sizeof s, "%d", label);
            gui_text(ui, ax + aw + 6, (int)yl, GUI_FONT_SMALL, gui_rgb(250, 210, 90), s);
        }
    }
    gui_mark(ui, r, "when did it know");
}

// The right column: the note (if any), this glimpse's window, its patch
// enlarged beside the class bars, the patches of all glimpses, the chart.
static void draw_column(clut_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t, const char *note) {
    int y = r.y;
    if (note) {
        int lines = text_wrap(ui, r.x + 8, y + 5, r.w - 16, GUI_FONT_SMALL, gui_rgb(250, 160, 90), note, 4, 0);
        int h = lines * (ui->line_h[GUI_FONT_SMALL] + 2) + 8;
        gui_rect_fill(ui, gui_r(r.x, y, r.w, h), gui_rgb(70, 45, 35));
        text_wrap(ui, r.x + 8, y + 5, r.w - 16, GUI_FONT_SMALL, gui_rgb(250, 160, 90), note, 4, 1);
        gui_mark(ui, gui_r(r.x, y, r.w, h), "note");
        y += h + 8;
    }
    int T = t ? frame_at(t, 0)->T : 8, N = t ? frame_at(t, 0)->N : 12;
    char s[160];
    if (t) {
        const gl_clut_window *w = &frame_at(t, v->step)->win;
        snprintf(s, sizeof s, "Glimpse %d of %d: box %.0f px at (%.0f, %.0f), stride %.1f, sigma %.1f", v->step + 1, T,
                 w->box, w->gx - 0.5f, w->gy - 0.5f, w->delta, sqrtf(w->sigma2));
    } else snprintf(s, sizeof s, "Glimpse -");
    text_fit(ui, r.x, y, r.w, GUI_FONT_NORMAL, gui_col_text, s);
    y += ui->line_h[GUI_FONT_NORMAL] + 8;
    int bottom = r.y + r.h;
    // Heights: the chart keeps at least 150 points, the strip its row; the
    // big patch takes what is left, up to 20 points a patch cell.
    int strip_title = ui->line_h[GUI_FONT_SMALL] + 4, under = ui->line_h[GUI_FONT_SMALL] + 2;
    int gap = 6, cell = (r.w - (T - 1) * gap) / T / N * N;
    if (cell > 6 * N) cell = 6 * N;
    if (cell < N) cell = N;
    int strip_h = strip_title + cell + under + 10;
    int left = bottom - y - strip_h - 150;
    int P = left / N * N;
    if (P > 20 * N) P = 20 * N;
    if (P > (r.w - 170) / N * N) P = (r.w - 170) / N * N;
    if (P < 6 * N) P = 6 * N;
    v->patch = gui_r(r.x + 2, y + 2, P, P);
    if (t) {
        draw_patch(ui, v->patch, frame_at(t, v->step)->patch, N, step_col(v->step, T, 255), 2);
    } else gui_rect_fill(ui, v->patch, gui_col_panel);
    gui_mark(ui, gui_r(r.x, y, P + 4, P + 4), "patch");
    draw_bars(v, ui, gui_r(r.x + P + 20, y, r.w - P - 20, P + 4), t);
    y += P + 14;
    text_fit(ui, r.x, y, r.w, GUI_FONT_SMALL, gui_col_dim, "what each glimpse saw (12x12, as in the image)");
    y += strip_title;
    v->nstrip = t ? T : 0;
    for (int i = 0; i < T; i++) {
        gui_rect c = gui_r(r.x + 2 + i * (cell + gap), y + 2, cell, cell);
        if (t) {
            draw_patch(ui, c, frame_at(t, i)->patch, N, step_col(i, T, 255), i == v->step ? 2 : 1);
            v->strip[i] = c;
            if (ui->mouse_pressed && gui_inside(c, ui->press_x, ui->press_y)) { v->playing = 0; set_step(v, i); }
            snprintf(s, sizeof s, "%.0f px", frame_at(t, i)->win.box);
            if (gui_text_w(ui, GUI_FONT_SMALL, s) <= cell + gap)
                gui_text(ui, c.x, c.y + c.h + 3, GUI_FONT_SMALL, i == v->step ? gui_col_text : gui_col_dim, s);
        } else gui_rect_fill(ui, c, gui_col_panel);
    }
    gui_mark(ui, gui_r(r.x, y, r.w, cell + 4 + under), "patches");
    y += cell + under + 10;
    draw_chart(v, ui, gui_r(r.x, y, r.w, bottom - y), t);
}

// The toolbar across the top (wrapping in a narrow window); returns the y under it.
static int clut_toolbar(clut_view *v, gui_app *app, gui_rect area, int m) {
    gui_ctx *ui = app->ui;
    gui_flow fl = gui_flow_begin(area.x + m, area.y + m, area.x + area.w - m, 28, 6, 6);
    gui_rect r;
    if (gui_button(ui, GUI_ID("clut.prev"), gui_flow_put(&fl, 56), "< Prev")) {
        push_undo(v);
        pick_image(v, v->in.index - 1);
    }
    if (gui_button(ui, GUI_ID("clut.next"), gui_flow_put(&fl, 56), "Next >")) {
        push_undo(v);
        pick_image(v, v->in.index + 1);
    }
    if (v->have_data) {
        r = gui_flow_put(&fl, 74);
        gui_field_opts fo = { .numeric = 1, .lo = 0, .hi = v->test.n - 1, .what = "test image" };
        if (gui_field(ui, GUI_ID("clut.index"), r, v->index_buf, sizeof v->index_buf, &fo) & GUI_FIELD_SUBMIT) {
            long long k;
            if (gui_field_value(ui, v->index_buf, &fo, &k) == 0) { push_undo(v); pick_image(v, (int)k); }
        }
    }
    if (gui_button(ui, GUI_ID("clut.less"), gui_flow_put(&fl, 28), "-")) set_clutter(v, v->in.clutter - 1, app);
    r = gui_flow_put(&fl, 96);
    char s[300];
    snprintf(s, sizeof s, "%d fragment%s", v->in.clutter, v->in.clutter == 1 ? "" : "s");
    gui_text(ui, r.x + (r.w - gui_text_w(ui, GUI_FONT_NORMAL, s)) / 2, r.y + (r.h - ui->line_h[GUI_FONT_NORMAL]) / 2,
             GUI_FONT_NORMAL, gui_col_text, s);
    gui_mark(ui, r, "clutter");
    if (gui_button(ui, GUI_ID("clut.more"), gui_flow_put(&fl, 28), "+")) set_clutter(v, v->in.clutter + 1, app);
    if (gui_button(ui, GUI_ID("clut.reseed"), gui_flow_put(&fl, 104), "New clutter")) reseed(v);
    int att = v->variant == 0;
    if (gui_toggle(ui, GUI_ID("clut.att"), gui_flow_put(&fl, 92), "Attention", &att)) v->variant = !att;
    gui_choice(ui, GUI_ID("clut.tool"), gui_flow_put(&fl, 160), tool_labels, NTOOL, &v->tool);
    if (gui_button(ui, GUI_ID("clut.clear"), gui_flow_put(&fl, 56), "Clear")) clear_digit(v);
    if (gui_button(ui, GUI_ID("clut.undo"), gui_flow_put(&fl, 56), "Undo")) pop_undo(v, app);
    if (gui_button(ui, GUI_ID("clut.export"), gui_flow_put(&fl, 96), "Export PNG")) export_figure(v, app);
    return gui_flow_end(&fl) + 10;
}

// The status line: the parts in order of weight, each kept if it still fits
// beside the shell's frame rate (a narrow window drops the details).
static void clut_status(clut_view *v, gui_app *app, const gl_trace *t) {
    gui_ctx *ui = app->ui;
    char part[6][128];
    int np = 0;
    const clut_header *h = t ? hdr(t) : NULL;
    snprintf(part[np++], sizeof part[0], "%s%s", var_labels[v->variant],
             !h || !h->untrained ? ""
             : h->no_file        ? " | untrained weights (no trained file: see the note)"
                                 : " | random weights (the trained file cannot be used: see the note)");
    if (!v->have_data) snprintf(part[np++], sizeof part[0], "your drawing");
    else if (v->in.digit) snprintf(part[np++], sizeof part[0], "test image #%d (a %d)", v->in.index, label_of(v));
    else snprintf(part[np++], sizeof part[0], "clutter of test image #%d and your drawing", v->in.index);
    if (t) {
        int T = frame_at(t, 0)->T;
        const gl_clut_frame *last = frame_at(t, T - 1);
        int pred = argmax10(last->prob);
        snprintf(part[np++], sizeof part[0], "names %d (%.0f%%)", pred, 100 * last->prob[pred]);
        snprintf(part[np++], sizeof part[0], "glimpse %d/%d", v->step + 1, T);
        if (h->label >= 0) {
            float cx0, cy0, half;
            gl_clut_box(&last->win, &cx0, &cy0, &half);
            int in = fabsf(h->cx - last->win.gx) <= half && fabsf(h->cy - last->win.gy) <= half;
            snprintf(part[np++], sizeof part[0], "the last box %s the digit's centre", in ? "holds" : "misses");
        }
    }
    snprintf(part[np++], sizeof part[0], "%d fragments", v->in.clutter);
    int room = ui->w - 10 - 150;
    app->status[0] = 0;
    for (int i = 0; i < np; i++) {
        char next[sizeof app->status];
        int k = snprintf(next, sizeof next, "%s%s%s", app->status, i ? " | " : "", part[i]);
        if (k < 0 || k >= (int)sizeof next) break;   // the status line is full
        if (i == 0 || gui_text_w(ui, GUI_FONT_SMALL, next) <= room) memcpy(app->status, next, sizeof next);
    }
}

static void clut_draw(void *self, gui_app *app, gui_rect area) {
    clut_view *v = self;
    gui_ctx *ui = app->ui;
    const int m = 12;
    const gl_trace *t = cur(v);
    int y = clut_toolbar(v, app, area, m);

    // The canvas: as large as the height allows (a whole number of screen
    // points per image pixel from 2 up), leaving the right column 300 points.
    int row_h = 28, avail_h = area.y + area.h - m - row_h - 10 - y, avail_w = area.w - 2 * m - 20 - 300;
    int side = avail_h < avail_w ? avail_h : avail_w;
    side = side >= 2 * A ? side / A * A : side;
    v->canvas = gui_r(area.x + m, y, side, side);
    draw_canvas(v, ui, t);

    // Under it: play, the timeline, the speed.
    int ry = y + side + 10;
    if (gui_button(ui, GUI_ID("clut.play"), gui_r(v->canvas.x, ry, 64, row_h), v->playing ? "Pause" : "Play"))
        toggle_play(v);
    int sw = side >= 420 ? 130 : 0;
    v->timeline = gui_r(v->canvas.x + 70, ry, side - 70 - (sw ? sw + 6 : 0), row_h);
    draw_timeline(v, ui, v->timeline, t);
    if (sw) gui_slider(ui, GUI_ID("clut.speed"), gui_r(v->canvas.x + side - sw, ry, sw, row_h), &v->speed, 0.25f, 20.0f,
                       "%.1f glimpses/s");

    // Why the weights in use are not the trained ones, or MNIST is missing:
    // a note that stays while it holds.
    char note[900] = "";
    if (t && hdr(t)->untrained)
        snprintf(note, sizeof note, "%s (%s model): %s.", hdr(t)->no_file ? "Untrained weights" : "Random weights",
                 var_labels[v->variant], hdr(t)->why);
    if (!v->have_data && v->data_tried) {
        size_t n = strlen(note);
        snprintf(note + n, sizeof note - n,
                 "%sMNIST's test set is missing (%s): no test images or clutter; draw a digit.", n ? " " : "",
                 v->data_err);
    }
    int cx = v->canvas.x + side + 20;
    draw_column(v, ui, gui_r(cx, y, area.x + area.w - m - cx, ry + row_h - y), t, note[0] ? note : NULL);

    clut_status(v, app, t);
}

// ---- probes (tests) -------------------------------------------------------------------------
static int clut_probe(void *self, const char *what, double *out) {
    clut_view *v = self;
    const gl_trace *t = cur(v);
    double sum = 0;
    if (!strcmp(what, "input_version")) *out = (double)v->version;
    else if (!strcmp(what, "shown_version")) *out = t ? (double)hdr(t)->version : -1;
    else if (!strcmp(what, "step")) *out = v->step;
    else if (!strcmp(what, "T")) *out = cur_T(v);
    else if (!strcmp(what, "playing")) *out = v->playing;
    else if (!strcmp(what, "variant")) *out = v->variant;
    else if (!strcmp(what, "shown_variant")) *out = t ? hdr(t)->variant : -1;
    else if (!strcmp(what, "tool")) *out = v->tool;
    else if (!strcmp(what, "index")) *out = v->in.index;
    else if (!strcmp(what, "digit")) *out = v->in.digit;
    else if (!strcmp(what, "x0")) *out = v->in.x0;
    else if (!strcmp(what, "y0")) *out = v->in.y0;
    else if (!strcmp(what, "clutter")) *out = v->in.clutter;
    else if (!strcmp(what, "have_data")) *out = v->have_data;
    else if (!strcmp(what, "label")) *out = label_of(v);
    else if (!strcmp(what, "untrained")) *out = t ? hdr(t)->untrained : -1;
    else if (!strcmp(what, "pred")) *out = t ? argmax10(frame_at(t, cur_T(v) - 1)->prob) : -1;
    else if (!strcmp(what, "exports")) *out = v->exports;
    else if (!strcmp(what, "undo")) *out = v->nundo;
    else if (!strcmp(what, "img_sum")) { for (int i = 0; i < D; i++) sum += v->img[i]; *out = sum; }
    else if (!strcmp(what, "ink")) { for (int i = 0; i < D; i++) sum += v->in.ink[i]; *out = sum; }
    else if (!strcmp(what, "shown_img_sum")) {   // of the image the shown run saw
        if (!t) return -1;
        for (int i = 0; i < D; i++) sum += hdr(t)->img[i];
        *out = sum;
    } else if (gui_probe_rect(what, "canvas", v->canvas, out) || gui_probe_rect(what, "timeline", v->timeline, out) ||
               gui_probe_rect(what, "patch", v->patch, out))
        return 0;
    else if (!strncmp(what, "strip_x ", 8) || !strncmp(what, "strip_y ", 8)) {
        int i = atoi(what + 8);
        if (i < 0 || i >= v->nstrip) return -1;
        *out = what[6] == 'x' ? v->strip[i].x + v->strip[i].w / 2 : v->strip[i].y + v->strip[i].h / 2;
    } else if (!strncmp(what, "win_", 4)) {   // "win_gx 3": the window of glimpse 3 of the shown run
        int i = v->step;
        const char *sp = strchr(what, ' ');
        if (sp) i = atoi(sp + 1);
        if (!t || i < 0 || i >= cur_T(v)) return -1;
        const gl_clut_window *w = &frame_at(t, i)->win;
        if (!strncmp(what + 4, "gx", 2)) *out = w->gx;
        else if (!strncmp(what + 4, "gy", 2)) *out = w->gy;
        else if (!strncmp(what + 4, "box", 3)) *out = w->box;
        else return -1;
    } else if (!strncmp(what, "prob ", 5)) {   // "prob S K": P(class K) after glimpse S
        int s, k;
        if (!t || sscanf(what + 5, "%d %d", &s, &k) != 2 || s < 0 || s >= cur_T(v) || k < 0 || k > 9) return -1;
        *out = frame_at(t, s)->prob[k];
    } else return -1;
    return 0;
}

static int clut_animating(void *self, gui_app *app) {
    clut_view *v = self;
    (void)app;
    return v->playing || v->pending[0] || v->pending[1];
}

const gui_view_class view_cluttered = {
    GUI_VIEW_CORE("Search", clut), .request = clut_request, .animating = clut_animating, .probe = clut_probe,
    .gif = clut_gif,
};
