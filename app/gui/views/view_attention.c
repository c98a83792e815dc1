// view_attention: the MNIST soft-attention classifier, step by step.
//
// Left: a gallery of MNIST test digits. Centre: the digit on a 28x28 canvas
// shown large (draw on it with the mouse), with the current step's mask over
// it as a jet heat map (red high, blue low), a colour bar, the timeline and
// the playback controls; or, side by side, the same digit under all three
// key types. Right: the class probabilities of the step as bars, the belief
// over all steps, the sum over the activation volume and the model's input.
//
// Every change of the input (a stroke, a gallery pick, clear, undo) bumps
// `version`; request() then hands one job to the engine thread that runs the
// current key first and the other two after it, each into its own trace. A
// trace replaces the shown one for its key when all 10 frames are in, so the
// picture never flickers through a half-filled run.
#include "view.h"
#include "gl_attn.h"
#include "gl_image.h"
#include "gl_mnist.h"
#include "gl_util.h"
#include "gif_export.h"
#include "gui_export.h"
#include "gui_pad.h"
#include "gui_timeline.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NKEY 3
#define SUB 8                 // display pixels per canvas pixel in the rendered panels
#define DISP (28 * SUB)       // 224: side of a rendered panel image
#define GALLERY_N 10000

// ---- engine side ---------------------------------------------------------------
// The three models. After init only the engine thread touches them (jobs run
// one at a time), so they need no lock.
typedef struct {
    gl_attn *m[NKEY];
    int untrained[NKEY];      // random weights in use
    int no_file[NKEY];        // ... because no file exists (else the file could not be used)
    char why[NKEY][600];      // with untrained: the file, and why it is not in use
    char use_err[NKEY][600];  // weights handed over by the Train view that could not be used ("" if none)
    double tried_at[NKEY];    // when the file was last looked for
    char path[NKEY][1024];
    // "use these weights" from the Train view: a file to load for a key,
    // set by the GUI thread under mu, taken by the engine thread (which
    // alone touches the models) at its next job.
    pthread_mutex_t mu;
    char use_path[NKEY][1024];
    int use_pending[NKEY];
} attn_models;

// Header of an attention trace. version/key are set by the view before the
// job is submitted; the rest is written by the job before its first frame is
// published, so a reader may use it once gl_trace_count() > 0.
typedef struct {
    uint64_t version;
    int key;
    float s, tx, ty;          // canvas point u (pixel-centre units) -> model input X = s*u + t
    float input[784];         // what the model saw
    float volume[GL_ATTN_LOC];
    int pred, untrained, no_file;
    char why[600], use_err[600];   // copies of attn_models' at the time of the run
} attn_header;

typedef struct {
    attn_models *models;
    float img[784];
    int normalise;            // 0 for an untouched MNIST digit: it is already in MNIST form
    int keys[NKEY], nkeys;
} attn_job;

// Loads the trained file for key k if it is there and holds that key type;
// else NULL with the reason in why (the file named: a truncated or broken
// file is not the same as no file, and the view says which).
static gl_attn *load_trained(attn_models *ms, int k, int *no_file, char *why, size_t n) {
    ms->tried_at[k] = gl_now();
    *no_file = !gl_file_exists(ms->path[k]);
    if (*no_file) { snprintf(why, n, "no trained file (%s does not exist)", ms->path[k]); return NULL; }
    gl_attn *m = gl_attn_load(ms->path[k]);
    if (!m) { snprintf(why, n, "cannot use %s", gl_err()); return NULL; }   // gl_attn_load's message names the file
    if ((int)gl_attn_key(m) != k) {
        snprintf(why, n, "cannot use %s: it holds the %s key, not %s", ms->path[k], gl_key_name(gl_attn_key(m)),
                 gl_key_name((gl_key_type)k));
        gl_attn_free(m);
        return NULL;
    }
    why[0] = 0;
    return m;
}

static gl_attn *models_get(attn_models *ms, int k) {
    pthread_mutex_lock(&ms->mu);
    int use = ms->use_pending[k];
    if (use) { memcpy(ms->path[k], ms->use_path[k], sizeof ms->path[k]); ms->use_pending[k] = 0; }
    pthread_mutex_unlock(&ms->mu);
    int no_file;
    char why[sizeof ms->why[k]];
    if (use) {   // weights handed over by the Train view replace the ones in use
        gl_attn *m = load_trained(ms, k, &no_file, why, sizeof why);
        if (m) { gl_attn_free(ms->m[k]); ms->m[k] = m; ms->untrained[k] = 0; ms->use_err[k][0] = 0; }
        else memcpy(ms->use_err[k], why, sizeof why);   // the weights in use stay; the view says why
    }
    // Training may write the file while the app runs: random weights give
    // way to it once it loads (looked for at most once a second).
    if (ms->m[k] && ms->untrained[k] && gl_now() - ms->tried_at[k] > 1.0) {
        gl_attn *m = load_trained(ms, k, &no_file, why, sizeof why);
        if (m) { gl_attn_free(ms->m[k]); ms->m[k] = m; ms->untrained[k] = 0; }
        else { ms->no_file[k] = no_file; memcpy(ms->why[k], why, sizeof why); }
    }
    if (ms->m[k]) return ms->m[k];
    ms->m[k] = load_trained(ms, k, &no_file, why, sizeof why);
    if (!ms->m[k]) {   // missing or unusable: random weights, and the view says which and why
        ms->m[k] = gl_attn_new((gl_key_type)k, 64, 1);
        ms->untrained[k] = 1;
        ms->no_file[k] = no_file;
        memcpy(ms->why[k], why, sizeof why);
    }
    return ms->m[k];
}

// gl_mnist_normalise crops to the ink (pixels above 10% of the maximum),
// scales the box's longer side to 20 px and shifts the centre of mass to the
// middle by a whole number of pixels. Redo the cheap part of that here to
// get the map canvas -> model input, so the mask can be drawn back over the
// strokes the person drew: X = (u - x0 + 0.5) * scale - 0.5 + shift.
// The integer shift is recovered from the centres of mass of the canvas and
// of the normalised image (area resampling keeps the centre of mass).
static void fit_transform(const float *img, const float *out, float *s, float *tx, float *ty) {
    float mx = 0;
    for (int i = 0; i < 784; i++) if (img[i] > mx) mx = img[i];
    int x0 = 28, y0 = 28, x1 = -1, y1 = -1;
    double m = 0, cx = 0, cy = 0, mo = 0, ox = 0, oy = 0;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            float v = img[y * 28 + x];
            if (v > 0.1f * mx) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
            m += v; cx += v * x; cy += v * y;
            float w = out[y * 28 + x];
            mo += w; ox += w * x; oy += w * y;
        }
    if (x1 < 0 || m <= 0 || mo <= 0) { *s = 1; *tx = *ty = 0; return; }
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    float sc = 20.0f / (float)(bw > bh ? bw : bh);
    double bx = (cx / m - x0 + 0.5) * sc - 0.5, by = (cy / m - y0 + 0.5) * sc - 0.5;
    double shx = floor(ox / mo - bx + 0.5), shy = floor(oy / mo - by + 0.5);
    *s = sc;
    *tx = (float)((-x0 + 0.5) * sc - 0.5 + shx);
    *ty = (float)((-y0 + 0.5) * sc - 0.5 + shy);
}

static int attn_job_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    attn_job *j = p;
    float in[784], s = 1, tx = 0, ty = 0;
    if (j->normalise) {
        if (gl_mnist_normalise(j->img, 28, 28, in) != 0) return -1;
        fit_transform(j->img, in, &s, &tx, &ty);
    } else memcpy(in, j->img, sizeof in);
    for (int i = 0; i < j->nkeys; i++) {
        if (gl_job_cancelled(cancel)) return 1;   // a newer input is waiting
        int k = j->keys[i];
        gl_attn *m = models_get(j->models, k);
        gl_trace *t = traces[i];
        attn_header *h = t->header;
        gl_attn_frame fr[GL_ATTN_STEPS];
        h->pred = gl_attn_run(m, in, fr, h->volume);
        memcpy(h->input, in, sizeof in);
        h->s = s; h->tx = tx; h->ty = ty;
        h->untrained = j->models->untrained[k];
        h->no_file = j->models->no_file[k];
        memcpy(h->why, j->models->why[k], sizeof h->why);
        memcpy(h->use_err, j->models->use_err[k], sizeof h->use_err);
        for (int st = 0; st < GL_ATTN_STEPS; st++) gl_trace_push(t, &fr[st]);
    }
    return 0;
}

// ---- view state --------------------------------------------------------------------
typedef struct {
    attn_models models;
    // the test set as bytes (a quarter of the loader's floats: 7.8 MB, not 31)
    struct { uint8_t *x, *y; int n; } mnist;
    int have_mnist;
    char mnist_err[300];
    int scroll;                      // the gallery's first visible row
    gui_pad pad;                     // the digit: a gallery digit (pad.sel) or the drawing
    int pen_canvas;                  // which canvas rect the pen started on
    gl_trace *shown[NKEY], *pending[NKEY];
    uint64_t version, submitted;
    int key, side, step, playing, overlay;
    float speed;                     // steps per second while playing
    double play_acc;
    gui_rect canvas[NKEY];           // where the pen draws (as laid out last frame)
    gui_rect timeline;
    int ncanvas;
    char index_buf[16];
    uint8_t disp[DISP * DISP * 3];
    uint64_t failures_seen;          // engine failures already reported
    int gallery_seen;                // selection the gallery last scrolled to
    uint64_t use_seen;               // app->use_seq[GUI_USE_ATTENTION] taken
} attn_view;

static const char *const key_labels[NKEY] = { "softmax", "gaussian", "feature" };

static const char *const attn_shortcuts[] = {
    "Left / Right\tprevious / next step",
    "Home / End\tfirst / last step",
    "Space\tplay / pause",
    "+ / -\tplay faster / slower",
    "1 2 3  or  K\tsoftmax / gaussian / feature key",
    "S\tside by side: all three keys",
    "O\tmask overlay on / off",
    "drag on the digit\tdraw (live inference); right button erases",
    "C\tclear the canvas",
    "U or Ctrl+Z\tundo",
    "N / P\tnext / previous test digit",
    "E\texport the figure as PNG",
    NULL,
};

static int frames_ready(const gl_trace *t) { return t && gl_trace_count(t) == GL_ATTN_STEPS; }
static const attn_header *hdr(const gl_trace *t) { return t->header; }
static const gl_attn_frame *frame_at(const gl_trace *t, int i) { return gl_trace_frame(t, i); }

// The label of the digit shown: a gallery digit's, -1 for a drawn one.
static int shown_label(const attn_view *v) { return v->pad.from_test ? v->mnist.y[v->pad.sel] : -1; }

static void pop_undo(attn_view *v) {
    if (gui_pad_undo(&v->pad)) v->version++;
}

static void pick_digit(attn_view *v, int i) {
    if (!v->have_mnist) return;
    if (i < 0) i = 0;
    if (i >= v->mnist.n) i = v->mnist.n - 1;
    float img[GUI_PAD_D];
    for (int k = 0; k < GUI_PAD_D; k++) img[k] = v->mnist.x[(size_t)i * GUI_PAD_D + k] / 255.0f;
    gui_pad_pick(&v->pad, i, img);
    v->version++;
    snprintf(v->index_buf, sizeof v->index_buf, "%d", i);
}

static int canvas_at(const attn_view *v, int x, int y) {
    for (int i = 0; i < v->ncanvas; i++) if (v->canvas[i].w > 0 && gui_inside(v->canvas[i], x, y)) return i;
    return -1;
}

// ---- lifecycle -------------------------------------------------------------------------
static void *attn_init(gui_app *app) {
    attn_view *v = gl_calloc(1, sizeof *v);
    pthread_mutex_init(&v->models.mu, NULL);
    for (int k = 0; k < NKEY; k++) {
        char name[64];
        snprintf(name, sizeof name, "attention-%s.safetensors", key_labels[k]);
        snprintf(v->models.path[k], sizeof v->models.path[k], "%s", app->asset_path ? app->asset_path(name) : name);
    }
    v->overlay = 1;
    v->speed = 2.0f;
    v->gallery_seen = -1;
    gl_mnist te;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &te) == 0) {
        v->have_mnist = 1;
        v->mnist.n = te.n > GALLERY_N ? GALLERY_N : te.n;
        v->mnist.x = gl_malloc((size_t)v->mnist.n * 784);
        v->mnist.y = gl_malloc((size_t)v->mnist.n);
        for (size_t k = 0; k < (size_t)v->mnist.n * 784; k++) v->mnist.x[k] = (uint8_t)(te.x[k] * 255.0f + 0.5f);
        for (int k = 0; k < v->mnist.n; k++) v->mnist.y[k] = (uint8_t)te.y[k];
        gl_mnist_free(&te);
        pick_digit(v, 0);
        v->pad.nundo = 0;   // the first digit is not an edit to undo
    } else {
        snprintf(v->mnist_err, sizeof v->mnist_err, "%s", gl_err());
    }
    return v;
}

static void attn_free(void *self) {
    attn_view *v = self;
    gui_traces_release(v->shown, v->pending, NKEY);
    for (int k = 0; k < NKEY; k++) gl_attn_free(v->models.m[k]);
    free(v->mnist.x);
    free(v->mnist.y);
    pthread_mutex_destroy(&v->models.mu);
    free(v);
}

// ---- actions -------------------------------------------------------------------------
static void set_step(attn_view *v, int s) { v->step = s < 0 ? 0 : s >= GL_ATTN_STEPS ? GL_ATTN_STEPS - 1 : s; }

static void clear_canvas(attn_view *v) {
    gui_pad_clear(&v->pad);
    v->version++;
}

static void export_figure(attn_view *v, gui_app *app) {
    gl_trace *t = v->shown[v->key];
    if (!frames_ready(t)) { gui_app_note(app, "nothing to export yet"); return; }
    if (gui_app_export_ready(app) != 0) return;
    gl_attn_frame fr[GL_ATTN_STEPS];
    for (int i = 0; i < GL_ATTN_STEPS; i++) fr[i] = *frame_at(t, i);
    const attn_header *h = hdr(t);
    // Same figure as `glimpse attend --png`.
    gl_image im = gl_attn_figure(h->input, fr, h->volume, shown_label(v), (gl_key_type)v->key);
    char name[64], path[1300];
    static const char *const png[1] = { ".png" };
    snprintf(name, sizeof name, "attention-%s", key_labels[v->key]);
    if (gui_export_name(app, name, png, 1, path, sizeof path - 4) != 0) { gl_image_free(&im); return; }
    strcat(path, ".png");
    if (gl_image_save_png(&im, path) == 0) gui_app_note(app, "saved the figure to %s", path);
    else gui_app_note(app, "export failed: %s", gl_err());
    gl_image_free(&im);
}

// Ctrl+G: the 10 glimpses of the key shown, as `glimpse attend --gif` plays them.
static int attn_gif(void *self, gui_app *app, const char *path) {
    attn_view *v = self;
    (void)app;
    gl_trace *t = v->shown[v->key];
    if (!frames_ready(t)) { gl_seterr("nothing to play yet"); return -1; }
    gl_attn_frame fr[GL_ATTN_STEPS];
    for (int i = 0; i < GL_ATTN_STEPS; i++) fr[i] = *frame_at(t, i);
    return gif_attend(path, hdr(t)->input, fr, hdr(t)->volume, shown_label(v), (gl_key_type)v->key);
}

static int attn_event(void *self, gui_app *app, const gui_event *ev) {
    attn_view *v = self;
    switch (ev->type) {
    case GUI_EV_DOWN: {
        int c = canvas_at(v, ev->x, ev->y);
        // an edited digit goes through MNIST normalisation (from_test cleared)
        if (c < 0 || !gui_pad_pen_down(&v->pad, v->canvas[c], ev->button, ev->x, ev->y)) return 0;
        v->pen_canvas = c;
        v->version++;
        return 1;
    }
    case GUI_EV_MOVE:
    case GUI_EV_UP: {
        int used = gui_pad_pen_follow(&v->pad, v->canvas[v->pen_canvas], ev);
        if (used == GUI_PAD_DREW) v->version++;
        return used != 0;
    }
    case GUI_EV_KEY: {
        int k = ev->key, ctrl = ev->mods & GUI_MOD_CTRL;
        if (ctrl && k == 'z') { pop_undo(v); return 1; }
        if (ctrl) return 0;
        switch (k) {
        case GUI_KEY_LEFT: v->playing = 0; set_step(v, v->step - 1); return 1;
        case GUI_KEY_RIGHT: v->playing = 0; set_step(v, v->step + 1); return 1;
        case GUI_KEY_HOME: v->playing = 0; set_step(v, 0); return 1;
        case GUI_KEY_END: v->playing = 0; set_step(v, GL_ATTN_STEPS - 1); return 1;
        case GUI_KEY_SPACE:
            v->playing = !v->playing;
            if (v->playing && v->step == GL_ATTN_STEPS - 1) v->step = 0;
            v->play_acc = 0;
            return 1;
        case '+': case '=': v->speed = fminf(v->speed * 1.5f, 20.0f); return 1;
        case '-': v->speed = fmaxf(v->speed / 1.5f, 0.25f); return 1;
        case '1': case '2': case '3': v->key = k - '1'; return 1;
        case 'k': v->key = (v->key + 1) % NKEY; return 1;
        case 's': v->side = !v->side; return 1;
        case 'o': v->overlay = !v->overlay; return 1;
        case 'c': clear_canvas(v); return 1;
        case 'u': pop_undo(v); return 1;
        case 'n': case GUI_KEY_DOWN: pick_digit(v, v->pad.sel + 1); return 1;
        case 'p': case GUI_KEY_UP: pick_digit(v, v->pad.sel - 1); return 1;
        case 'e': export_figure(v, app); return 1;
        default: return 0;
        }
    }
    default: return 0;
    }
}

static void attn_update(void *self, gui_app *app, double dt) {
    attn_view *v = self;
    for (int k = 0; k < NKEY; k++)   // complete: it becomes the shown run for its key
        if (v->pending[k]) gl_trace_take(&v->shown[k], &v->pending[k], frames_ready(v->pending[k]));
    gui_app_note_engine_failure(app, &v->failures_seen);
    if (v->playing) {
        v->play_acc += dt * v->speed;
        while (v->play_acc >= 1) { v->play_acc -= 1; v->step = (v->step + 1) % GL_ATTN_STEPS; }
    }
}

// A new trace on its way for key k (a header of the input's version), in
// place of the one there.
static gl_trace *new_pending(attn_view *v, int k) {
    attn_header *h = gl_calloc(1, sizeof *h);
    h->version = v->version;
    h->key = k;
    return gui_trace_renew(&v->pending[k], GL_TRACE_ATTENTION, sizeof(gl_attn_frame), GL_ATTN_STEPS, h);
}

// Submits a job when a key type that is on screen has no run for the current
// input, shown or under way.
static void attn_request(void *self, gui_app *app) {
    attn_view *v = self;
    if (app->use_seq[GUI_USE_ATTENTION] != v->use_seen) {   // the Train view's weights: run them
        v->use_seen = app->use_seq[GUI_USE_ATTENTION];
        int k = app->use_key >= 0 && app->use_key < NKEY ? app->use_key : 0;
        pthread_mutex_lock(&v->models.mu);
        snprintf(v->models.use_path[k], sizeof v->models.use_path[k], "%s", app->use_path[GUI_USE_ATTENTION]);
        v->models.use_pending[k] = 1;
        pthread_mutex_unlock(&v->models.mu);
        v->key = k;
        v->version++;
    }
    if (gui_pad_empty(&v->pad)) {   // nothing to look at: drop the old runs
        for (int k = 0; k < NKEY; k++) {
            gl_trace_release(v->shown[k]); v->shown[k] = NULL;
            gl_trace_release(v->pending[k]); v->pending[k] = NULL;
        }
        v->submitted = v->version;
        return;
    }
    int need = 0;
    for (int k = 0; k < NKEY; k++) {
        if (!v->side && k != v->key) continue;
        int fresh = (v->pending[k] && hdr(v->pending[k])->version == v->version) ||
                    (v->shown[k] && hdr(v->shown[k])->version == v->version);
        if (!fresh) need = 1;
    }
    if (!need) return;
    attn_job *j = gl_calloc(1, sizeof *j);
    j->models = &v->models;
    memcpy(j->img, v->pad.img, sizeof v->pad.img);
    j->normalise = !v->pad.from_test;
    // The key on screen first: if the next stroke cancels this job, the run
    // a person is looking at is already published.
    j->keys[j->nkeys++] = v->key;
    for (int k = 0; k < NKEY; k++) if (k != v->key) j->keys[j->nkeys++] = k;
    gl_job job = { attn_job_run, free, j, { NULL } };
    for (int i = 0; i < j->nkeys; i++) job.traces[i] = new_pending(v, j->keys[i]);
    gl_engine_submit(app->engine, &job);
    v->submitted = v->version;
}

// ---- drawing -----------------------------------------------------------------------
static float trace_max(const gl_trace *t) {
    float mx = 1e-12f;
    for (int s = 0; s < GL_ATTN_STEPS; s++)
        for (int l = 0; l < GL_ATTN_LOC; l++) if (frame_at(t, s)->mask[l] > mx) mx = frame_at(t, s)->mask[l];
    return mx;
}

// Renders the canvas (nearest pixels: the model's resolution) with the mask
// of step `step` of trace t over it, mapped back through the normalisation,
// scaled by mx. The ink lightens the heat map as in the seed's figure:
// colour = jet + (white - jet) * ink / 2.
static void render_panel(attn_view *v, const gl_trace *t, int step, float mx, uint8_t *out) {
    const attn_header *h = t ? hdr(t) : NULL;
    const float *mask = (t && v->overlay) ? frame_at(t, step)->mask : NULL;
    // Per display column / row: the mask cell it falls in, 14 = outside the
    // model's 28x28 input (weight 0 there).
    int colcell[DISP], rowcell[DISP];
    for (int p = 0; p < DISP; p++) {
        float q = (p + 0.5f) / SUB - 0.5f;
        int cx = 14, cy = 14;
        if (h) {
            cx = (int)floorf((h->s * q + h->tx + 0.5f) / 2);
            cy = (int)floorf((h->s * q + h->ty + 0.5f) / 2);
            if (cx < 0 || cx >= 14) cx = 14;
            if (cy < 0 || cy >= 14) cy = 14;
        }
        colcell[p] = cx; rowcell[p] = cy;
    }
    uint8_t jet[15 * 15][3];   // colour of each cell (+ the outside row/column)
    if (mask)
        for (int cy = 0; cy < 15; cy++)
            for (int cx = 0; cx < 15; cx++) {
                float m = (cx < 14 && cy < 14) ? mask[cy * 14 + cx] : 0;
                gl_jet(m / mx, &jet[cy * 15 + cx][0], &jet[cy * 15 + cx][1], &jet[cy * 15 + cx][2]);
            }
    for (int py = 0; py < DISP; py++) {
        const float *row = v->pad.img + (py / SUB) * 28;
        const int cy15 = rowcell[py] * 15;
        uint8_t *p = out + (size_t)py * DISP * 3;
        for (int px = 0; px < DISP; px++, p += 3) {
            int ink = (int)(row[px / SUB] * 255.0f + 0.5f);
            if (!mask) { p[0] = p[1] = p[2] = (uint8_t)ink; continue; }
            const uint8_t *c = jet[cy15 + colcell[px]];
            for (int k = 0; k < 3; k++) p[k] = (uint8_t)(c[k] + ((255 - c[k]) * ink) / 510);
        }
    }
}

static void colour_bar(gui_ctx *ui, gui_rect r, float mx) {
    float col[64];
    for (int i = 0; i < 64; i++) col[i] = 1.0f - i / 63.0f;
    gui_heat(ui, r, col, 64, 1, 0, 1, 0);
    gui_rect_frame(ui, r, gui_col_dim);
    gui_textf(ui, r.x + r.w + 4, r.y - 2, GUI_FONT_SMALL, gui_col_dim, "%.3f", mx);
    gui_text(ui, r.x + r.w + 4, r.y + r.h - ui->line_h[GUI_FONT_SMALL] + 2, GUI_FONT_SMALL, gui_col_dim, "0");
}

static void gallery_item(gui_ctx *ui, void *user, int i, gui_rect r, int selected) {
    attn_view *v = user;
    uint8_t px[784 * 3];
    const uint8_t *d = v->mnist.x + (size_t)i * 784;
    for (int j = 0; j < 784; j++) px[3 * j] = px[3 * j + 1] = px[3 * j + 2] = d[j];
    gui_rect ir = gui_r(r.x + 3, r.y + 3, r.w - 6, r.h - 6);
    gui_image(ui, ir, px, 28, 28);
    if (selected) {
        gui_rect_frame(ui, gui_r(r.x + 1, r.y + 1, r.w - 2, r.h - 2), gui_col_accent);
        gui_rect_frame(ui, r, gui_col_accent);
    } else if (ui->hot && gui_inside(r, ui->mx, ui->my)) gui_rect_frame(ui, r, gui_col_hot);
}

static void draw_gallery(attn_view *v, gui_ctx *ui, gui_rect r) {
    gui_text(ui, r.x, r.y, GUI_FONT_NORMAL, gui_col_text, "MNIST test digits");
    if (!v->have_mnist) {
        gui_rect p = gui_r(r.x, r.y + 26, r.w, 120);
        gui_rect_fill(ui, p, gui_col_panel);
        gui_text(ui, p.x + 8, p.y + 8, GUI_FONT_SMALL, gui_rgb(250, 210, 90), "MNIST not found:");
        // Wrap the loader's message by hand (it names the missing file).
        const char *s = v->mnist_err;
        int y = p.y + 26;
        while (*s && y < p.y + p.h - 30) {
            int n = (int)strlen(s);
            if (n > 30) n = 30;
            char line[40];
            snprintf(line, sizeof line, "%.*s", n, s);
            gui_text(ui, p.x + 8, y, GUI_FONT_SMALL, gui_col_dim, line);
            s += n; y += 16;
        }
        gui_text(ui, p.x + 8, p.y + p.h - 20, GUI_FONT_SMALL, gui_rgb(250, 210, 90), "Meanwhile, draw a digit.");
        return;
    }
    int y = r.y + 24;
    gui_text(ui, r.x, y + 5, GUI_FONT_NORMAL, gui_col_dim, "#");
    gui_field_opts fo = { .numeric = 1, .lo = 0, .hi = v->mnist.n - 1, .what = "test digit" };
    int fl = gui_field(ui, GUI_ID("attn.index"), gui_r(r.x + 16, y, r.w - 16 - 50, 26), v->index_buf,
                       sizeof v->index_buf, &fo);
    if ((fl & GUI_FIELD_SUBMIT) || gui_button(ui, GUI_ID("attn.go"), gui_r(r.x + r.w - 46, y, 46, 26), "Go")) {
        long long i;
        // An index out of range is said in the status line and stays in the
        // field to be corrected.
        if (gui_field_value(ui, v->index_buf, &fo, &i) == 0) {
            pick_digit(v, (int)i);
            v->scroll = v->pad.sel / 4;
        }
    }
    y += 34;
    int sel = v->pad.sel, old = v->pad.sel;
    // Scroll so that a selection made by keyboard stays in sight.
    int item = r.w / 4, vis = (r.y + r.h - y) / item;
    if (v->pad.sel != v->gallery_seen) {
        if (v->pad.sel / 4 < v->scroll) v->scroll = v->pad.sel / 4;
        if (vis > 0 && v->pad.sel / 4 >= v->scroll + vis) v->scroll = v->pad.sel / 4 - vis + 1;
        v->gallery_seen = v->pad.sel;
    }
    if (gui_list(ui, GUI_ID("attn.gallery"), gui_r(r.x, y, r.w, r.y + r.h - y), v->mnist.n, item, 4, &sel, &v->scroll,
                 gallery_item, v) && sel != old) {
        pick_digit(v, sel);
        v->gallery_seen = v->pad.sel;
    }
}

// Timeline: ten cells, click or drag to scrub; under each the belief in the
// predicted class after that step.
static void draw_timeline(attn_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    double pos;
    int sc = gui_scrub(ui, GUI_ID("attn.timeline"), r, GL_ATTN_STEPS, &pos);
    if (sc & GUI_SCRUB_PRESSED) v->playing = 0;
    if (sc & GUI_SCRUB_HELD) set_step(v, (int)pos);
    float belief[GL_ATTN_STEPS];
    for (int s = 0; t && s < GL_ATTN_STEPS; s++) belief[s] = frame_at(t, s)->probs[hdr(t)->pred];
    gui_timeline_cells(ui, r, GL_ATTN_STEPS, v->step, gui_col_accent, t ? belief : NULL);
}

// The right column: class probabilities of the step as bars, the belief
// over the steps, the volume sum and the model's input. Bars and pictures
// shrink to the column's height; it is marked for the layout check.
// Beside the belief: the LSTM state h the probabilities of each step are
// read from (gl_attn_frame.h), its cells down and the steps across, on the
// jet map over [-1, 1]; the step shown framed. Only where there is room.
static void draw_hidden(const attn_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    int nh = frame_at(t, 0)->nh;
    if (r.w < 50 || r.h < 40 || nh < 1) return;
    gui_text(ui, r.x, r.y, GUI_FONT_SMALL, gui_col_dim, "state h");
    float grid[GL_ATTN_FRAME_H * GL_ATTN_STEPS];
    for (int j = 0; j < nh; j++)
        for (int s = 0; s < GL_ATTN_STEPS; s++) grid[j * GL_ATTN_STEPS + s] = frame_at(t, s)->h[j];
    gui_rect hm = gui_r(r.x, r.y + 18, r.w > 120 ? 120 : r.w, r.h - 18);
    gui_heat(ui, hm, grid, nh, GL_ATTN_STEPS, -1, 1, 0);
    gui_rect_frame(ui, gui_r(hm.x + v->step * hm.w / GL_ATTN_STEPS, hm.y, hm.w / GL_ATTN_STEPS, hm.h), gui_col_accent);
}

static void draw_probs(attn_view *v, gui_ctx *ui, gui_rect r, const gl_trace *t) {
    int side = (r.w - 10) / 2;   // volume sum and model input, side by side
    if (side > 120) side = 120;
    int fixed = 24 + 8 + 18 + 12 + 18, bh = 18, belief = 120;
    int room = r.h - fixed - belief - side;
    bh = room / 10 - 3;
    if (bh > 18) bh = 18;
    if (bh < 10) {   // a low window: smaller pictures first
        bh = 10;
        int left = r.h - fixed - 130;
        belief = side = left / 2 < 120 ? left / 2 : 120;
        if (side > (r.w - 10) / 2) side = (r.w - 10) / 2;
        if (belief < 40) belief = side = 40;
    }
    gui_textf(ui, r.x, r.y, GUI_FONT_NORMAL, gui_col_text, "Class probabilities, step %d", v->step + 1);
    int y = r.y + 24;
    const float *p = t ? frame_at(t, v->step)->probs : NULL;
    int best = 0;
    if (p) for (int c = 1; c < 10; c++) if (p[c] > p[best]) best = c;
    int font = bh >= 16 ? GUI_FONT_NORMAL : GUI_FONT_SMALL;
    for (int c = 0; c < 10; c++, y += bh + 3) {
        gui_textf(ui, r.x, y + (bh - ui->line_h[font]) / 2, font,
                  c == shown_label(v) ? gui_rgb(250, 210, 90) : gui_col_text, "%d", c);
        gui_rect bar = gui_r(r.x + 18, y, r.w - 70, bh);
        gui_rect_fill(ui, bar, gui_col_panel);
        if (!p) continue;
        gui_rect_fill(ui, gui_r(bar.x, bar.y, (int)(bar.w * p[c] + 0.5f), bh),
                      c == best ? gui_col_accent : gui_rgb(95, 105, 125));
        gui_textf(ui, bar.x + bar.w + 6, y + (bh - ui->line_h[GUI_FONT_SMALL]) / 2, GUI_FONT_SMALL, gui_col_dim,
                  "%5.1f%%", 100 * p[c]);
    }
    // Belief over the steps: rows are classes, columns steps (white = 1).
    y += 8;
    gui_text(ui, r.x, y, GUI_FONT_SMALL, gui_col_dim, "belief over the 10 steps");
    y += 18;
    if (t) {
        float grid[100];
        for (int c = 0; c < 10; c++)
            for (int s = 0; s < GL_ATTN_STEPS; s++) grid[c * 10 + s] = frame_at(t, s)->probs[c];
        gui_heat(ui, gui_r(r.x + 18, y, belief, belief), grid, 10, 10, 0, 1, 1);
        gui_rect_frame(ui, gui_r(r.x + 18 + v->step * belief / 10, y, belief / 10, belief), gui_col_accent);
        for (int c = 0; c < 10; c += 3)
            gui_textf(ui, r.x + 4, y + c * belief / 10, GUI_FONT_SMALL, gui_col_dim, "%d", c);
        draw_hidden(v, ui, gui_r(r.x + 18 + belief + 12, y - 18, r.w - 18 - belief - 12, belief + 18), t);
    }
    y += belief + 12;
    // The seed's figure ends with the sum over the volume and the original.
    gui_text(ui, r.x, y, GUI_FONT_SMALL, gui_col_dim, "volume sum");
    gui_text(ui, r.x + side + 10, y, GUI_FONT_SMALL, gui_col_dim, "model input");
    y += 18;
    if (t) {
        const attn_header *h = hdr(t);
        float vmax = 1e-12f;
        for (int l = 0; l < GL_ATTN_LOC; l++) if (h->volume[l] > vmax) vmax = h->volume[l];
        gui_heat(ui, gui_r(r.x, y, side, side), h->volume, 14, 14, 0, vmax, 0);
        gui_heat(ui, gui_r(r.x + side + 10, y, side, side), h->input, 28, 28, 0, 1, 1);
    } else {
        gui_rect_fill(ui, gui_r(r.x, y, side, side), gui_col_panel);
        gui_rect_fill(ui, gui_r(r.x + side + 10, y, side, side), gui_col_panel);
    }
    y += side;
    gui_mark(ui, gui_r(r.x, r.y, r.w, y - r.y), "class probabilities");
}

// Why the masks shown are not from the trained weights (or the Train view's
// weights were not taken): "" when they are. The file is named, and a file
// that exists but cannot be used is never called missing.
static void weights_note(const attn_header *h, char *out, size_t n) {
    out[0] = 0;
    if (h->untrained && h->no_file) snprintf(out, n, "Untrained weights: %s.", h->why);
    else if (h->untrained) snprintf(out, n, "Random weights: %s.", h->why);
    if (h->use_err[0]) {
        size_t k = strlen(out);
        snprintf(out + k, n - k, "%sThe Train view's weights were not taken: %s.", k ? " " : "", h->use_err);
    }
}

// A note that stays on the canvas while it holds: wrapped to the canvas's
// width, from its bottom up, over a dark band so the masks do not hide it.
static int too_wide(gui_ctx *ui, const char *s, int n, int w) {
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", n, s);
    return gui_text_w(ui, GUI_FONT_SMALL, buf) > w;
}

static void canvas_note(gui_ctx *ui, gui_rect c, const char *msg) {
    char lines[8][256];
    int nl = 0, w = c.w - 16;
    for (const char *s = msg; *s && nl < 8; nl++) {
        int len = (int)strlen(s), cut = len < 255 ? len : 255;
        while (cut > 1 && too_wide(ui, s, cut, w)) {   // the longest prefix that fits, broken at a space
            int sp = cut - 1;
            while (sp > 0 && s[sp] != ' ') sp--;
            if (sp > 0) { cut = sp; continue; }
            // one word wider than the canvas (a long path): as many characters as fit
            int lo = 1, hi = cut;
            while (hi - lo > 1) { int mid = (lo + hi) / 2; if (too_wide(ui, s, mid, w)) hi = mid; else lo = mid; }
            cut = lo;
            while (cut > 1 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;   // not inside a UTF-8 character
            break;
        }
        snprintf(lines[nl], sizeof lines[nl], "%.*s", cut, s);
        s += cut;
        while (*s == ' ') s++;
    }
    int lh = ui->line_h[GUI_FONT_SMALL] + 2, h = nl * lh + 8;
    if (h > c.h) h = c.h;
    gui_rect band = gui_r(c.x + 1, c.y + c.h - h - 1, c.w - 2, h);
    gui_rect_fill(ui, band, gui_rgb(40, 20, 20));
    for (int i = 0; i < nl && band.y + 4 + i * lh < c.y + c.h; i++)
        gui_text(ui, band.x + 7, band.y + 4 + i * lh, GUI_FONT_SMALL, gui_rgb(250, 150, 120), lines[i]);
    gui_mark(ui, band, "weights note");
}

// Which trained weights the key shown runs, for the status line: "shipped
// weights", or the file the Train view handed over ("Use these weights").
static const char *weights_said(attn_view *v, gui_app *app, char *out, size_t n) {
    char name[64], path[sizeof v->models.path[0]];
    snprintf(name, sizeof name, "attention-%s.safetensors", key_labels[v->key]);
    pthread_mutex_lock(&v->models.mu);
    memcpy(path, v->models.path[v->key], sizeof path);
    pthread_mutex_unlock(&v->models.mu);
    const char *b = strrchr(path, '/');
    if (!strcmp(path, app->asset_path ? app->asset_path(name) : name)) snprintf(out, n, "shipped weights");
    else snprintf(out, n, "weights from %s", b ? b + 1 : path);
    return out;
}

// One canvas (the key chosen) with its colour bar and notes; returns the y under it.
static int draw_one_canvas(attn_view *v, gui_ctx *ui, gui_rect mid, int y, int avail_h, int bar_w, gl_trace *cur) {
    int side = mid.w - bar_w < avail_h ? mid.w - bar_w : avail_h;
    side = side < 112 ? 112 : side / 28 * 28;
    gui_rect c = gui_r(mid.x, y, side, side);
    float mx = cur ? trace_max(cur) : 1;
    render_panel(v, cur, v->step, mx, v->disp);
    gui_image(ui, c, v->disp, DISP, DISP);
    gui_rect_frame(ui, c, gui_col_button);
    gui_mark(ui, c, "canvas");
    v->canvas[0] = c; v->ncanvas = 1;
    if (cur && v->overlay) {
        colour_bar(ui, gui_r(c.x + c.w + 10, c.y, 16, c.h), mx);
        gui_mark(ui, gui_r(c.x + c.w + 10, c.y, bar_w - 10, c.h), "colour bar");
    }
    if (gui_pad_empty(&v->pad))
        gui_text(ui, c.x + 12, c.y + 10, GUI_FONT_NORMAL, gui_col_dim, "draw a digit here");
    char note[1400];
    if (cur) weights_note(hdr(cur), note, sizeof note);
    if (cur && note[0]) canvas_note(ui, c, note);
    return y + side + 10;
}

// Key k's title over its canvas: its name, and its guess at the step.
static void key_title(attn_view *v, gui_ctx *ui, int k, const gl_trace *t, int x, int y, int w, int h) {
    char title_s[64];
    if (t) {
        const float *p = frame_at(t, v->step)->probs;
        int b = 0;
        for (int d = 1; d < 10; d++) if (p[d] > p[b]) b = d;
        snprintf(title_s, sizeof title_s, "%s: %d (%.0f%%)%s", key_labels[k], b, 100 * p[b],
                 !hdr(t)->untrained ? "" : hdr(t)->no_file ? ", untrained" : ", random weights");
    } else snprintf(title_s, sizeof title_s, "%s", key_labels[k]);
    gui_clip(ui, gui_r(x, y, w, h));
    gui_text(ui, x, y, GUI_FONT_NORMAL, k == v->key ? gui_col_accent : gui_col_text, title_s);
    gui_clip_reset(ui);
}

// A key's class probabilities at the step, as ten columns of height bh under its canvas c.
static void key_probs(attn_view *v, gui_ctx *ui, gui_rect c, int bh, int under, const gl_trace *t) {
    int by = c.y + c.h + 8, cw = c.w / 10;
    gui_mark(ui, gui_r(c.x, by, c.w, bh + under), "key probabilities");
    for (int d = 0; d < 10 && t; d++) {
        float pd = frame_at(t, v->step)->probs[d];
        gui_rect_fill(ui, gui_r(c.x + d * cw + 1, by, cw - 2, bh), gui_col_panel);
        int hgt = (int)(bh * pd + 0.5f);
        gui_rect_fill(ui, gui_r(c.x + d * cw + 1, by + bh - hgt, cw - 2, hgt), gui_col_accent);
        gui_textf(ui, c.x + d * cw + cw / 2 - 3, by + bh + 2, GUI_FONT_SMALL, gui_col_dim, "%d", d);
    }
}

// Three canvases across, side by side; the height left under them goes to
// each key's probability bars. Returns the y under them.
static int draw_three_canvases(attn_view *v, gui_ctx *ui, gui_rect mid, int y, int avail_h, int bar_w) {
    int gap = 16, title = 22, under = 16, side = (mid.w - bar_w - 2 * gap) / 3;
    int bh = 40;
    if (side > avail_h - title - bh - under - 10) side = avail_h - title - bh - under - 10;
    side = side < 84 ? 84 : side;
    bh = avail_h - title - side - under - 10 - 8;
    if (bh > side / 2) bh = side / 2;
    if (bh < 24) bh = 24;
    v->ncanvas = NKEY;
    for (int k = 0; k < NKEY; k++) {
        gl_trace *t = frames_ready(v->shown[k]) ? v->shown[k] : NULL;
        gui_rect c = gui_r(mid.x + k * (side + gap), y + title, side, side);
        key_title(v, ui, k, t, c.x, y, side, title);
        // Each key scaled by its own maximum: their mask scales differ a lot.
        render_panel(v, t, v->step, t ? trace_max(t) : 1, v->disp);
        gui_image(ui, c, v->disp, DISP, DISP);
        gui_rect_frame(ui, c, k == v->key ? gui_col_accent : gui_col_button);
        gui_mark(ui, c, key_labels[k]);
        char note[1400];
        if (t) weights_note(hdr(t), note, sizeof note);
        if (t && note[0]) canvas_note(ui, c, note);
        v->canvas[k] = c;
        key_probs(v, ui, c, bh, under, t);
    }
    if (v->overlay) {
        gui_rect cb = gui_r(mid.x + 3 * (side + gap) - gap + 10, y + title, 16, side);
        colour_bar(ui, cb, 1.0f);
        gui_text(ui, cb.x, cb.y + cb.h + 4, GUI_FONT_SMALL, gui_col_dim, "x max");
        gui_mark(ui, gui_r(cb.x, cb.y, bar_w - 10, cb.h), "colour bar");
    }
    return y + title + side + 8 + bh + under + 10;
}

// The widths of the control row's five pieces under the canvas.
static const int ctl_w[5] = { 70, 130, 64, 64, 96 };

// Timeline, playback and canvas controls under the canvas, from y.
static void draw_controls(attn_view *v, gui_app *app, gui_rect mid, int y, int bar_w, gl_trace *cur) {
    gui_ctx *ui = app->ui;
    int tw = mid.w - bar_w < 560 ? mid.w - bar_w : 560;
    if (tw < 200) tw = 200;
    gui_rect tl = gui_r(mid.x, y, tw, 26);
    draw_timeline(v, ui, tl, cur);
    gui_mark(ui, tl, "timeline");
    v->timeline = tl;
    y += 34;
    gui_flow fl = gui_flow_begin(mid.x, y, mid.x + mid.w, 28, 6, 6);
    if (gui_button(ui, GUI_ID("attn.play"), gui_flow_put(&fl, ctl_w[0]), v->playing ? "Pause" : "Play")) {
        v->playing = !v->playing;
        if (v->playing && v->step == GL_ATTN_STEPS - 1) v->step = 0;
    }
    gui_slider(ui, GUI_ID("attn.speed"), gui_flow_put(&fl, ctl_w[1]), &v->speed, 0.25f, 20.0f, "%.1f steps/s");
    if (gui_button(ui, GUI_ID("attn.clear"), gui_flow_put(&fl, ctl_w[2]), "Clear")) clear_canvas(v);
    if (gui_button(ui, GUI_ID("attn.undo"), gui_flow_put(&fl, ctl_w[3]), "Undo")) pop_undo(v);
    if (gui_button(ui, GUI_ID("attn.export"), gui_flow_put(&fl, ctl_w[4]), "Export PNG")) export_figure(v, app);
}

// The status line: key, input, guess, step and the weights in use.
static void attn_status(attn_view *v, gui_app *app, const gl_trace *cur) {
    char src[96];
    if (gui_pad_empty(&v->pad)) snprintf(src, sizeof src, "empty canvas");
    else if (v->pad.from_test)   // a newcomer learns here that the digit takes the mouse
        snprintf(src, sizeof src, "test digit #%d (label %d; drag on it to draw your own)", v->pad.sel, shown_label(v));
    else snprintf(src, sizeof src, "drawn digit");
    if (cur) {
        const attn_header *h = hdr(cur);
        const float *p = frame_at(cur, GL_ATTN_STEPS - 1)->probs;
        char wts[64];
        snprintf(app->status, sizeof app->status, "%s key | %s | predicted %d (%.0f%%) | step %d/10 | %s",
                 key_labels[v->key], src, h->pred, 100 * p[h->pred], v->step + 1,
                 !h->untrained ? weights_said(v, app, wts, sizeof wts)
                 : h->no_file ? "untrained weights (no trained file: see the note)"
                              : "random weights (the trained file cannot be used: see the note)");
    } else snprintf(app->status, sizeof app->status, "%s key | %s | step %d/10", key_labels[v->key], src, v->step + 1);
}

static void attn_draw(void *self, gui_app *app, gui_rect area) {
    attn_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12;
    // Three columns: the gallery, the canvas, the class probabilities. Side
    // by side, every key has its own bars under its canvas, so the right
    // column gives its room to the three canvases.
    gui_rect left = gui_r(area.x + m, area.y + m, 232, area.h - 2 * m);
    int right_w = v->side ? 0 : 270;
    gui_rect right = gui_r(area.x + area.w - right_w - m, area.y + m, right_w, area.h - 2 * m);
    int mid_x = left.x + left.w + 20;
    gui_rect mid = gui_r(mid_x, area.y + m, (v->side ? area.x + area.w - m : right.x - 20) - mid_x, area.h - 2 * m);
    draw_gallery(v, ui, left);

    // Toolbar: key type, side by side, overlay (wrapping in a narrow column).
    gui_flow fl = gui_flow_begin(mid.x, mid.y, mid.x + mid.w, 28, 6, 6);
    gui_choice(ui, GUI_ID("attn.key"), gui_flow_put(&fl, 270), key_labels, NKEY, &v->key);
    gui_toggle(ui, GUI_ID("attn.side"), gui_flow_put(&fl, 110), "Side by side", &v->side);
    gui_toggle(ui, GUI_ID("attn.overlay"), gui_flow_put(&fl, 80), "Overlay", &v->overlay);
    int y = gui_flow_end(&fl) + 12;

    // The controls under the canvas: measure their rows first so that the
    // canvas takes what is left.
    gui_flow probe = gui_flow_begin(mid.x, 0, mid.x + mid.w, 28, 6, 6);
    for (int i = 0; i < 5; i++) gui_flow_put(&probe, ctl_w[i]);
    int bottom_h = 26 + 8 + gui_flow_end(&probe) + 34;   // timeline, gap, control rows, room under them
    int avail_h = mid.y + mid.h - y - bottom_h, bar_w = 60;
    gl_trace *cur = frames_ready(v->shown[v->key]) ? v->shown[v->key] : NULL;
    y = v->side ? draw_three_canvases(v, ui, mid, y, avail_h, bar_w)
                : draw_one_canvas(v, ui, mid, y, avail_h, bar_w, cur);
    draw_controls(v, app, mid, y, bar_w, cur);
    if (!v->side) draw_probs(v, ui, right, cur);
    attn_status(v, app, cur);
}

static int attn_probe(void *self, const char *what, double *out) {
    attn_view *v = self;
    const gl_trace *t = frames_ready(v->shown[v->key]) ? v->shown[v->key] : NULL;
    if (gui_probe_rect(what, "timeline", v->timeline, out) || gui_probe_rect(what, "canvas", v->canvas[0], out))
        return 0;
    const gui_probe_val named[] = {
        { "input_version", (double)v->version }, { "shown_version", t ? (double)hdr(t)->version : -1 },
        { "step", v->step }, { "key", v->key }, { "side", v->side }, { "playing", v->playing },
        { "pred", t ? hdr(t)->pred : -1 }, { "untrained", t ? hdr(t)->untrained : -1 },
        { "drawn", !v->pad.from_test && !gui_pad_empty(&v->pad) },
    };
    if (!strchr(what, ' ') && !gui_probe_pick(what, named, (int)(sizeof named / sizeof named[0]), out)) return 0;
    if (!strcmp(what, "ink")) { double s = 0; for (int i = 0; i < 784; i++) s += v->pad.img[i]; *out = s;
    } else if (!strncmp(what, "hot_", 4) || !strncmp(what, "cold_", 5) || !strcmp(what, "mask_ratio") ||
               !strncmp(what, "cell_", 5)) {
        // Window point over the strongest (hot) or weakest (cold) mask cell of
        // the step on screen, among cells whose centre lies on the canvas; for
        // tests that check the colours drawn there.
        if (!t || v->ncanvas < 1 || v->side) return -1;
        const attn_header *h = hdr(t);
        const float *m = frame_at(t, v->step)->mask;
        gui_rect c = v->canvas[0];
        int hot = -1, cold = -1;
        double px[GL_ATTN_LOC], py[GL_ATTN_LOC];
        for (int l = 0; l < GL_ATTN_LOC; l++) {
            double X = 2 * (l % 14) + 0.5, Y = 2 * (l / 14) + 0.5;   // cell centre in model-input pixels
            double u = (X - h->tx) / h->s, w = (Y - h->ty) / h->s;   // back to canvas pixels
            px[l] = c.x + (u + 0.5) * c.w / 28.0; py[l] = c.y + (w + 0.5) * c.h / 28.0;
            if (px[l] < c.x + 2 || py[l] < c.y + 2 || px[l] > c.x + c.w - 3 || py[l] > c.y + c.h - 3) continue;
            if (hot < 0 || m[l] > m[hot]) hot = l;
            if (cold < 0 || m[l] < m[cold]) cold = l;
        }
        if (hot < 0) return -1;
        int l = -1;   // "cell_x L", "cell_y L", "cell_t L": one cell (-1 if its centre is off the canvas)
        if (sscanf(what, "cell_%*c %d", &l) == 1) {
            if (l < 0 || l >= GL_ATTN_LOC) return -1;
            if (px[l] < c.x + 2 || py[l] < c.y + 2 || px[l] > c.x + c.w - 3 || py[l] > c.y + c.h - 3) return -1;
            *out = what[5] == 'x' ? px[l] : what[5] == 'y' ? py[l] : m[l] / trace_max(t);
            return 0;
        }
        const gui_probe_val pv[] = {
            { "mask_ratio", m[hot] > 0 ? m[cold] / m[hot] : 1 },
            { "hot_t", m[hot] / trace_max(t) },   // where it sits on the colour bar
            { "cold_t", m[cold] / trace_max(t) },
            { "hot_x", px[hot] }, { "hot_y", py[hot] }, { "cold_x", px[cold] }, { "cold_y", py[cold] },
        };
        return strchr(what, ' ') ? -1 : gui_probe_pick(what, pv, (int)(sizeof pv / sizeof pv[0]), out);
    } else return -1;
    return 0;
}

static int attn_animating(void *self, gui_app *app) {
    attn_view *v = self;
    (void)app;
    if (v->playing) return 1;
    for (int k = 0; k < NKEY; k++) if (v->pending[k]) return 1;   // runs still arriving
    return 0;
}

const gui_view_class view_attention = {
    GUI_VIEW_CORE("Attention", attn), .request = attn_request, .animating = attn_animating, .probe = attn_probe,
    .gif = attn_gif,
};
