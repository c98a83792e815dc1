// view_synthesis: type text and watch it being handwritten (Graves 2013, §5).
//
// Top: the text field and the sampling controls (bias §5.4, seed, a primed
// style §5.5 or none, pen speed, stroke width and colour). The styles are
// presets -- lines the model itself wrote, style files in
// assets/handwriting/styles (data/make_styles.sh) -- or a line the person
// writes with the mouse. Middle: the paper,
// where the pen draws the trace's points up to the current step. Under it:
// the text with the character the window is on highlighted, the timeline,
// and the alignment figure of the paper's Figure 13: characters down, steps
// across, φ(t,u) as a jet heat map (eq. 46), the window's centres κ_k(t)
// (eq. 51) as white lines, the current step as a vertical line. Right of it:
// the window's mixture at the current step (α, β, κ per component, eq. 48-51)
// and φ(t,·) with each component's share.
//
// Typed text goes through gl_hw_text_prepare: look-alikes of characters the
// model knows are written as them, and a note on the paper says so. A
// character it cannot write gets a note on the paper that names it and lists
// what it can write; the note stays until the text changes, nothing is
// written, and the status line says so (it names the text of the line shown,
// never one that was not written).
//
// Every change of the text or of a sampling control bumps `version`;
// request() then hands the engine one job that writes the whole line into a
// new trace (gl_hw_sample pushes a frame per point). A newer request cancels
// the running job between two points. The view reveals the trace's frames at
// the pen speed (characters per second: the line's points per character
// times the speed), or all at once ("instant").
#include "view.h"
#include "hw_gui.h"
#include "gui_export.h"
#include "gui_timeline.h"
#include "style_file.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYN_WEIGHTS "handwriting-synth.safetensors"
#define SYN_STYLES "handwriting/styles"   // the presets (style files), beside the weights
#define SYN_TEXT_MAX 80
#define NSTYLE_MAX (GL_STYLE_PRESETS_MAX + 2)   // plain, the presets, mine
#define MINE_MAX 2000

// ---- engine side -------------------------------------------------------------------
typedef struct {
    gl_hw_model *m;                // the view's model: only the engine thread uses it after init
    char text[GL_HW_MAXU + 1];     // prepared (look-alikes replaced)
    float bias;
    uint64_t seed;
    float *prime; int nprime;      // the primer (a preset or the person's line, raw offsets), or none
    char prime_text[GL_HW_MAXU + 1];
} syn_job;

static void syn_job_free(void *p) {
    syn_job *j = p;
    free(j->prime);
    free(j);
}

static int syn_job_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    syn_job *j = p;
    gl_hw_sample_opts o = {0};
    o.bias = j->bias;
    o.seed = j->seed;
    o.cancel = (atomic_int *)cancel;   // gl_hw_sample only reads it
    gl_hw_corpus pc = {0};
    if (j->nprime > 0) {
        gl_hw_corpus_add(&pc, j->prime, j->nprime, j->prime_text, 0);
        o.prime = &pc.lines[0];
        o.prime_text = j->prime_text;
    }
    int rc = gl_hw_sample(j->m, j->text, &o, NULL, traces[0]);
    gl_hw_corpus_free(&pc);
    return rc;
}

// ---- view state ----------------------------------------------------------------------
typedef struct {
    gl_hw_model m;
    int have_model;
    char model_err[200];
    char text[SYN_TEXT_MAX + 1], last_text[SYN_TEXT_MAX + 1];
    // what the text field's text became for the model, and the lasting notes
    // about it: text_err (nothing written: a character it cannot write, a
    // text too long) and text_info (look-alikes replaced). refused: typed
    // characters the field left out, named until the text next changes.
    char prepared[GL_HW_MAXU + 1];
    char text_err[512], text_info[256], refused[512], typed_info[256];
    uint64_t text_changes, refused_at; int refused_fresh;
    float bias, speed, width;      // speed: characters per second
    uint64_t seed;
    int style, colour, instant;
    // styles: 0 plain, 1..presets.n the presets, presets.n + 1 mine
    gl_style_presets presets;
    int nstyle, style_mine;
    const char *style_labels[NSTYLE_MAX];
    float mine_height, mine_step;  // the person's line is scaled to the model's own writing
    // the shown trace and what it was asked for
    gl_trace *trace;
    uint64_t version, submitted, trace_version;
    char full[200];                // the text the window runs over (primer + ' ' + text)
    char shown_text[GL_HW_MAXU + 1];     // the text of the trace (without the primer)
    int U, K, M;
    // per-trace copies of the frames' points and window, filled as frames arrive
    int ncache, cache_cap;
    float *ax, *ay, *phi, *kappa, *alpha;
    uint8_t *up;
    float phi_max;
    double pos;                    // display position: frames [0, pos] are drawn
    int playing;
    int want_focus;
    // "mine": the person's own line, drawn on the paper while recording
    int recording, pen_down;
    float *mine; int nmine;        // raw offsets (dx, dy, eos)
    float mine_x, mine_y;          // last recorded point (raw units)
    float rec_x[MINE_MAX], rec_y[MINE_MAX]; uint8_t rec_up[MINE_MAX]; int nrec;
    char mine_text[41];            // with the 80 of the text, within GL_HW_MAXU
    // layout of the last frame
    gui_rect paper, fig;
    hw_xform xf;
    uint8_t *figpx; size_t figpx_cap;
    uint64_t failures_seen;
    uint64_t use_seen;             // app->use_seq[GUI_USE_SYNTH] taken
} syn_view;

static const char *const colour_labels[3] = { "ink", "blue", "red" };
static const gui_color ink_colours[3] = { { 25, 25, 35, 255 }, { 25, 70, 175, 255 }, { 185, 35, 40, 255 } };
static const gui_color paper_col = { 250, 248, 240, 255 };

static const char *const syn_shortcuts[] = {
    "Return\ttype in the text field (Return again: write it)",
    "Left / Right\tprevious / next point (pauses)",
    "PageUp / PageDown\t10 points back / on",
    "Home / End\tfirst / last point",
    "Space\tplay / pause the pen",
    "R\treplay from the start",
    "+ / -\tpen faster / slower (characters a second)",
    "I\tinstant: show the whole line at once",
    "A\twrite again (new seed)",
    "[ / ]\tbias down / up (legibility)",
    "0 .. 8\tplain or style preset 1-8 (priming with a line the model wrote)",
    "M\twrite a line of your own (M again: prime with it)",
    "E\texport the writing (SVG, PNG) and the alignment (PNG)",
    NULL,
};

static void cache_reset(syn_view *v) {
    v->ncache = 0;
    v->phi_max = 1e-6f;
}

static void cache_reserve(syn_view *v, int n) {
    if (n <= v->cache_cap) return;
    int cap = v->cache_cap ? v->cache_cap : 256;
    while (cap < n) cap *= 2;
    v->ax = realloc(v->ax, sizeof(float) * cap);
    v->ay = realloc(v->ay, sizeof(float) * cap);
    v->up = realloc(v->up, (size_t)cap);
    v->phi = realloc(v->phi, sizeof(float) * (size_t)cap * (GL_HW_MAXU + 1));
    v->kappa = realloc(v->kappa, sizeof(float) * (size_t)cap * GL_HW_MAXK);
    v->alpha = realloc(v->alpha, sizeof(float) * (size_t)cap * GL_HW_MAXK);
    if (!v->ax || !v->ay || !v->up || !v->phi || !v->kappa || !v->alpha) abort();
    v->cache_cap = cap;
}

// Copies the frames published since the last look.
static void cache_update(syn_view *v) {
    if (!v->trace) return;
    int n = gl_trace_count(v->trace);
    if (n <= v->ncache) return;
    cache_reserve(v, n);
    for (int i = v->ncache; i < n; i++) {
        const gl_hw_frame *f = gl_trace_frame(v->trace, i);
        v->ax[i] = f->x; v->ay[i] = f->y; v->up[i] = (uint8_t)f->eos;
        memcpy(v->phi + (size_t)i * (v->U + 1), f->phi, sizeof(float) * (v->U + 1));
        memcpy(v->kappa + (size_t)i * v->K, f->kappa, sizeof(float) * v->K);
        memcpy(v->alpha + (size_t)i * v->K, f->alpha, sizeof(float) * v->K);
        for (int u = 0; u <= v->U; u++) if (f->phi[u] > v->phi_max) v->phi_max = f->phi[u];
    }
    v->ncache = n;
}

// The line on the paper ended on its own: the window's argmax reached the
// last character (§5.3) on its last point.
static int syn_ended(const syn_view *v) {
    if (!v->ncache) return 0;
    const float *ph = v->phi + (size_t)(v->ncache - 1) * (v->U + 1);
    int am = 0;
    for (int u = 1; u <= v->U; u++) if (ph[u] > ph[am]) am = u;
    return am >= v->U - 1;
}

static int step_of(const syn_view *v) {
    int s = (int)v->pos;
    return s < 0 ? 0 : s >= v->ncache ? v->ncache - 1 : s;
}

// Points a character takes in the shown line (once it is written; the
// corpus's 9 before).
static double points_per_char(const syn_view *v) {
    int n = (int)strlen(v->shown_text);
    if (!v->trace || !atomic_load(&v->trace->done) || n == 0 || v->ncache == 0) return 9;
    return (double)v->ncache / n;
}

// The character the window is on at step s: argmax over u < U of φ(s,u).
static int char_at(const syn_view *v, int s) {
    if (s < 0 || s >= v->ncache || v->U <= 0) return -1;
    const float *ph = v->phi + (size_t)s * (v->U + 1);
    int best = 0;
    for (int u = 1; u < v->U; u++) if (ph[u] > ph[best]) best = u;
    return best;
}

// ---- lifecycle ------------------------------------------------------------------------
static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// The person's line is brought to the model's own writing: the height (top
// to bottom) and median pen-down step of the presets' lines, which the
// model wrote. Without presets: the Hershey corpus's 20 and 4.5 units,
// in this model's units (through its offsets' standard deviations).
static void mine_scale(syn_view *v) {
    float hs[GL_STYLE_PRESETS_MAX], *steps = NULL;
    v->mine_height = v->mine_step = 0;
    int nh = 0; size_t ns = 0;
    for (int p = 0; p < v->presets.n; p++) {
        const gl_hw_line *ln = &v->presets.p[p].pc.lines[0];
        steps = realloc(steps, sizeof(float) * (ns + (size_t)ln->n));
        if (!steps) abort();
        float y = 0, y0 = 1e30f, y1 = -1e30f;
        for (int i = 0; i < ln->n; i++) {
            y += ln->pts[3 * i + 1];
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
            if (i > 0 && ln->pts[3 * (i - 1) + 2] < 0.5f) steps[ns++] = hypotf(ln->pts[3 * i], ln->pts[3 * i + 1]);
        }
        hs[nh++] = y1 - y0;
    }
    if (nh > 0 && ns > 0) {
        qsort(hs, (size_t)nh, sizeof *hs, cmp_float);
        qsort(steps, ns, sizeof *steps, cmp_float);
        v->mine_height = hs[nh / 2];
        v->mine_step = steps[ns / 2];
    }
    if (!(v->mine_height > 0 && v->mine_step > 0 && v->mine_step < v->mine_height)) {
        v->mine_height = 20.0f * v->m.cfg.std[1] / 4.12f;
        v->mine_step = 4.5f * v->m.cfg.std[0] / 3.65f;
    }
    free(steps);
}

// The style presets the model can write (their alphabet is its), and the
// scale of the person's own line.
static void load_styles(syn_view *v, gui_app *app) {
    gl_style_presets_free(&v->presets);
    v->style_labels[0] = "plain";
    v->nstyle = 2;
    v->mine_height = 20; v->mine_step = 4.5f;
    if (v->have_model) {
        gl_style_presets_load(&v->presets, app->asset_path ? app->asset_path(SYN_STYLES) : SYN_STYLES, &v->m.cfg);
        for (int i = 0; i < v->presets.n; i++) v->style_labels[1 + i] = v->presets.p[i].name;
        v->nstyle = v->presets.n + 2;
        if (v->presets.note[0]) gui_app_note(app, "%s", v->presets.note);
        mine_scale(v);
    }
    v->style_mine = v->nstyle - 1;
    v->style_labels[v->style_mine] = "mine";
    if (v->style >= v->nstyle) v->style = 0;
}

// "Use these weights" (the Train view): the network being trained takes the
// place of this view's, and the text is written again with it. The shared
// engine's jobs use v->m, so it is stopped and idle before the swap.
static void syn_take_use(syn_view *v, gui_app *app) {
    gl_hw_model m;
    if (hw_take_use(app, GUI_USE_SYNTH, &v->use_seen, 1, &m) != 1) return;
    gl_trace_release(v->trace);
    v->trace = NULL;
    if (v->have_model) gl_hw_model_free(&v->m);
    v->m = m;
    v->have_model = 1;
    v->model_err[0] = 0;
    load_styles(v, app);
    cache_reset(v);
    v->playing = 1;
    v->version++;
}

static void *syn_init(gui_app *app) {
    syn_view *v = gl_calloc(1, sizeof *v);
    const char *path = app->asset_path ? app->asset_path(SYN_WEIGHTS) : SYN_WEIGHTS;
    // Loaded here, before any job: from now on only the engine thread uses it.
    if (gl_hw_model_load(&v->m, path, NULL, 0) == 0) {
        if (v->m.cfg.K > 0) v->have_model = 1;
        else {
            snprintf(v->model_err, sizeof v->model_err, "%s is not a synthesis network", path);
            gl_hw_model_free(&v->m);
        }
    } else snprintf(v->model_err, sizeof v->model_err, "%s", gl_err());
    load_styles(v, app);
    snprintf(v->text, sizeof v->text, "hello world");
    snprintf(v->mine_text, sizeof v->mine_text, "hello");
    v->bias = 1.0f;
    v->seed = 1;
    v->speed = 3;                  // a brisk hand
    v->width = 2.5f;
    v->playing = 1;
    v->version = 1;
    cache_reset(v);
    return v;
}

static void syn_free(void *self) {
    syn_view *v = self;
    gl_trace_release(v->trace);
    if (v->have_model) gl_hw_model_free(&v->m);
    gl_style_presets_free(&v->presets);
    free(v->ax); free(v->ay); free(v->up); free(v->phi); free(v->kappa); free(v->alpha);
    free(v->figpx); free(v->mine);
    free(v);
}

// ---- actions ----------------------------------------------------------------------------
static void set_pos(syn_view *v, double p) {
    double last = v->ncache > 0 ? v->ncache - 1 : 0;
    v->pos = p < 0 ? 0 : p > last ? last : p;
}

static void export_all(syn_view *v, gui_app *app) {
    if (!v->trace || !atomic_load(&v->trace->done) || v->ncache == 0) {
        gui_app_note(app, "nothing to export yet (the line is still being written)");
        return;
    }
    int n = v->ncache;
    gl_hw_result r = {0};
    r.n = n; r.U = v->U; r.K = v->K;
    r.pts = gl_malloc(sizeof(float) * 3 * n);
    for (int i = 0; i < n; i++) {
        const gl_hw_frame *f = gl_trace_frame(v->trace, i);
        r.pts[3 * i] = f->dx; r.pts[3 * i + 1] = f->dy; r.pts[3 * i + 2] = (float)f->eos;
    }
    r.phi = v->phi;
    static const char *const exts[3] = { ".svg", ".png", "-window.png" };
    char base[1200], p[1300];
    if (gui_export_name(app, "synthesis", exts, 3, base, sizeof base) != 0) { free(r.pts); return; }
    int rc = 0;
    snprintf(p, sizeof p, "%s.svg", base);
    rc = gl_hw_save_svg(p, r.pts, n, 0);   // millimetres, at a handwriting size
    snprintf(p, sizeof p, "%s.png", base);
    if (!rc) rc = gl_hw_save_png(p, r.pts, n, 160);
    snprintf(p, sizeof p, "%s-window.png", base);
    if (!rc) rc = gl_hw_save_window_png(p, &r, v->full);
    if (rc) gui_app_note(app, "export failed: %s", gl_err());
    else gui_app_note(app, "saved %s.svg, .png and -window.png", base);
    free(r.pts);
}

static void new_version(syn_view *v) { v->version++; }

static void start_recording(syn_view *v, gui_app *app) {
    v->recording = 1;
    v->nrec = 0;
    v->pen_down = 0;
    gui_app_note(app, "write \"%s\" on the paper with the mouse, then press Use my line", v->mine_text);
}

// Turns the recorded strokes into raw offsets for priming, in the model's
// terms (mine_scale): the line is scaled to the height of a line the model
// writes (tops of ascenders to bottoms of descenders) and each stroke is
// resampled by arc length, a point every mine_step units (its pen speed),
// keeping its first and last points.
static void mine_add(syn_view *v, float x, float y, int up, float *px, float *py) {
    if (v->nmine == 0) { *px = x; *py = y; }   // the line starts at its first point
    v->mine[3 * v->nmine] = x - *px; v->mine[3 * v->nmine + 1] = y - *py; v->mine[3 * v->nmine + 2] = (float)up;
    v->nmine++;
    *px = x; *py = y;
}

static void finish_recording(syn_view *v, gui_app *app) {
    v->recording = 0;
    if (v->nrec < 5) { gui_app_note(app, "your line is empty: draw on the paper first"); return; }
    float y0 = 1e30f, y1 = -1e30f;
    for (int i = 0; i < v->nrec; i++) {
        if (v->rec_y[i] < y0) y0 = v->rec_y[i];
        if (v->rec_y[i] > y1) y1 = v->rec_y[i];
    }
    // the recording is 3 px a unit, a written line about 20 units high: the
    // scale is kept within 1/4 and 4 times the one such a line gets
    float nominal = v->mine_height / 20.0f, step = v->mine_step;
    float sc = y1 - y0 > 1 ? v->mine_height / (y1 - y0) : nominal;
    sc = sc < 0.25f * nominal ? 0.25f * nominal : sc > 4 * nominal ? 4 * nominal : sc;
    // at most one point per recorded point plus one per MINE_STEP of path
    double len = 0;
    for (int i = 1; i < v->nrec; i++) len += hypotf(v->rec_x[i] - v->rec_x[i - 1], v->rec_y[i] - v->rec_y[i - 1]) * sc;
    size_t cap = (size_t)v->nrec + (size_t)(len / step) + 2;
    free(v->mine);
    v->mine = gl_malloc(sizeof(float) * 3 * cap);
    v->nmine = 0;
    float px = 0, py = 0;
    for (int a = 0; a < v->nrec;) {
        int b = a;   // stroke [a, b]
        while (b < v->nrec - 1 && !v->rec_up[b]) b++;
        float lx = v->rec_x[a] * sc, ly = v->rec_y[a] * sc, carry = 0;
        mine_add(v, lx, ly, a == b, &px, &py);
        for (int i = a + 1; i <= b; i++) {
            float x = v->rec_x[i] * sc, y = v->rec_y[i] * sc, d = hypotf(x - lx, y - ly);
            // points along (l, i) every `step` of path since the last one
            for (float t = step - carry; t < d; t += step)
                if ((size_t)v->nmine < cap - 1) mine_add(v, lx + (x - lx) * t / d, ly + (y - ly) * t / d, 0, &px, &py);
            carry = d > 0 ? fmodf(carry + d, step) : carry;
            lx = x; ly = y;
        }
        if (b > a && (size_t)v->nmine < cap) mine_add(v, lx, ly, 1, &px, &py);
        else if (b > a) v->mine[3 * (v->nmine - 1) + 2] = 1;
        a = b + 1;
    }
    v->style = v->style_mine;
    new_version(v);
    gui_app_note(app, "priming with your line (%d points)", v->nmine);
}

static int syn_event(void *self, gui_app *app, const gui_event *ev) {
    syn_view *v = self;
    if (v->recording) {
        int add = 0;
        if (ev->type == GUI_EV_DOWN && ev->button == 1 && gui_inside(v->paper, ev->x, ev->y)) {
            v->pen_down = 1;
            add = 1;
        } else if (ev->type == GUI_EV_MOVE && v->pen_down) add = 1;
        else if (ev->type == GUI_EV_UP && ev->button == 1 && v->pen_down) {
            v->pen_down = 0;
            if (v->nrec > 0) v->rec_up[v->nrec - 1] = 1;
            return 1;
        }
        if (add && v->nrec < MINE_MAX) {
            // window -> raw units: the paper shows the recording at 3 px per unit
            v->rec_x[v->nrec] = (float)(ev->x - v->paper.x) / 3.0f;
            v->rec_y[v->nrec] = (float)(ev->y - v->paper.y) / 3.0f;
            v->rec_up[v->nrec] = 0;
            v->nrec++;
        }
        if (add) return 1;
    }
    if (ev->type != GUI_EV_KEY) return 0;
    int k = ev->key;
    if (ev->mods & (GUI_MOD_CTRL | GUI_MOD_ALT)) return 0;
    switch (k) {
    case GUI_KEY_RETURN: v->want_focus = 1; return 1;   // given in draw, after this frame's Return reached the field
    case GUI_KEY_LEFT: v->playing = v->instant = 0; set_pos(v, floor(v->pos) - 1); return 1;
    case GUI_KEY_RIGHT: v->playing = v->instant = 0; set_pos(v, floor(v->pos) + 1); return 1;
    case GUI_KEY_PAGEUP: v->playing = v->instant = 0; set_pos(v, floor(v->pos) - 10); return 1;
    case GUI_KEY_PAGEDOWN: v->playing = v->instant = 0; set_pos(v, floor(v->pos) + 10); return 1;
    case GUI_KEY_HOME: v->playing = v->instant = 0; set_pos(v, 0); return 1;
    case GUI_KEY_END: v->playing = v->instant = 0; set_pos(v, v->ncache); return 1;
    case GUI_KEY_SPACE:
        v->playing = !v->playing;
        if (v->playing && v->ncache > 0 && step_of(v) >= v->ncache - 1 && v->trace && atomic_load(&v->trace->done))
            v->pos = 0;
        return 1;
    case 'r': v->pos = 0; v->playing = 1; v->instant = 0; return 1;
    case '+': case '=': v->speed = fminf(v->speed * 1.5f, 40); return 1;
    case '-': v->speed = fmaxf(v->speed / 1.5f, 0.5f); return 1;
    case 'i': v->instant = !v->instant; return 1;
    case 'a': v->seed++; new_version(v); return 1;
    case '[': v->bias = fmaxf(0, v->bias - 0.25f); new_version(v); return 1;
    case ']': v->bias = fminf(5, v->bias + 0.25f); new_version(v); return 1;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
        if (k - '0' > v->presets.n) return 0;   // no such preset
        if (v->style != k - '0') { v->style = k - '0'; new_version(v); }
        return 1;
    case 'm': if (v->recording) finish_recording(v, app); else start_recording(v, app); return 1;
    case 'e': export_all(v, app); return 1;
    default: return 0;
    }
}

static void syn_update(void *self, gui_app *app, double dt) {
    syn_view *v = self;
    syn_take_use(v, app);
    cache_update(v);
    gui_app_note_engine_failure(app, &v->failures_seen);
    if (v->instant) set_pos(v, v->ncache);
    else if (v->playing) set_pos(v, v->pos + dt * v->speed * points_per_char(v));
    // The pen stops at the end of a finished line.
    if (v->playing && v->trace && atomic_load(&v->trace->done) && v->ncache > 0 && step_of(v) >= v->ncache - 1)
        v->playing = 0;
}

// The text field's map (gui_field_opts.map): look-alikes of characters the
// model knows become them (the note on the paper says which, once the text
// is written); characters outside ASCII it still cannot write are named in
// a note that stays until the text next changes (the field leaves them out).
static void syn_map(void *user, const char *in, char *out, size_t cap) {
    syn_view *v = user;
    char note[256];
    if (!v->have_model || gl_hw_text_prepare(&v->m.cfg, in, out, cap, note, sizeof note)) {
        snprintf(out, cap, "%s", in);
        return;
    }
    // the note's items ("written A as 'a', B as 'b'") join those said
    // before, until the text is emptied
    for (char *item = note[0] ? strtok(note + strlen("written "), ",") : NULL; item; item = strtok(NULL, ",")) {
        while (*item == ' ') item++;
        size_t k = strlen(v->typed_info);
        if (!strstr(v->typed_info, item) && k + strlen(item) + 12 < sizeof v->typed_info)
            snprintf(v->typed_info + k, sizeof v->typed_info - k, "%s%s", k ? ", " : "written ", item);
    }
    int other = 0;
    for (const char *p = out; *p; p++) other |= (unsigned char)*p >= 128;
    if (other && gl_hw_encode(&v->m.cfg, out, NULL)) {
        snprintf(v->refused, sizeof v->refused, "left out: %s", gl_err());
        v->refused_fresh = 1;
    }
}

// The line to write for the text as it stands, and the notes about it.
// Returns 0 when it can be written (v->prepared), -1 with v->text_err.
static int prepare_text(syn_view *v, const char *prime_text) {
    v->text_err[0] = v->text_info[0] = 0;
    if (gl_hw_text_prepare(&v->m.cfg, v->text, v->prepared, sizeof v->prepared, v->text_info, sizeof v->text_info) ||
        gl_hw_encode(&v->m.cfg, v->prepared, NULL)) {   // names every character it cannot write, and what it can
        snprintf(v->text_err, sizeof v->text_err, "not written: %s", gl_err());
        return -1;
    }
    size_t n = strlen(v->prepared) + (prime_text ? strlen(prime_text) + 1 : 0);
    if (n > GL_HW_MAXU) {
        snprintf(v->text_err, sizeof v->text_err,
                 "not written: with the style's text \"%s\" the line has %zu characters (at most %d): shorten it or "
                 "write it plain",
                 prime_text, n, GL_HW_MAXU);
        return -1;
    }
    return 0;
}

static void syn_request(void *self, gui_app *app) {
    syn_view *v = self;
    if (v->submitted == v->version || !v->have_model) return;
    v->submitted = v->version;
    if (!v->text[0]) {   // nothing to write: drop the old line
        v->text_err[0] = v->text_info[0] = v->typed_info[0] = 0;
        gl_engine_stop(app->engine);
        gl_trace_release(v->trace);
        v->trace = NULL;
        cache_reset(v);
        return;
    }
    // the primer: a preset (the model's own line) or the person's
    const char *prime_text = NULL;
    const float *prime = NULL; int nprime = 0;
    char mine_prep[GL_HW_MAXU + 1];
    if (v->style >= 1 && v->style <= v->presets.n) {
        const gl_style_preset *p = &v->presets.p[v->style - 1];
        prime_text = p->text; prime = p->pc.lines[0].pts; nprime = p->pc.lines[0].n;
    } else if (v->style == v->style_mine && v->nmine > 0) {
        if (gl_hw_text_prepare(&v->m.cfg, v->mine_text, mine_prep, sizeof mine_prep, NULL, 0) ||
            gl_hw_encode(&v->m.cfg, mine_prep, NULL)) {
            snprintf(v->text_err, sizeof v->text_err, "not written: your line's text: %s", gl_err());
            return;
        }
        prime_text = mine_prep; prime = v->mine; nprime = v->nmine;
    }
    if (prepare_text(v, prime_text)) return;   // the old line stays; the note says why
    syn_job *j = gl_calloc(1, sizeof *j);
    j->m = &v->m;
    snprintf(j->text, sizeof j->text, "%s", v->prepared);
    j->bias = v->bias;
    j->seed = v->seed;
    if (prime_text) {
        j->prime = gl_malloc(sizeof(float) * 3 * (size_t)nprime);
        memcpy(j->prime, prime, sizeof(float) * 3 * (size_t)nprime);
        j->nprime = nprime;
        snprintf(j->prime_text, sizeof j->prime_text, "%s", prime_text);
    }
    gl_hw_sample_opts o = {0};
    o.bias = v->bias; o.seed = v->seed; o.prime_text = prime_text;
    gl_trace *t = gl_hw_trace_new(&v->m, j->text, &o);
    // the text the window runs over, written before the job is handed on (it may be freed at once)
    snprintf(v->shown_text, sizeof v->shown_text, "%s", j->text);
    if (prime_text) snprintf(v->full, sizeof v->full, "%s %s", prime_text, j->text);
    else snprintf(v->full, sizeof v->full, "%s", j->text);
    gl_job job = { syn_job_run, syn_job_free, j, { t } };
    gl_engine_submit(app->engine, &job);
    gl_trace_release(v->trace);   // the old line; the engine holds its own reference to the new one
    v->trace = t;
    v->trace_version = v->version;
    const gl_hw_trace_header *h = t->header;
    v->U = h->U; v->K = h->K; v->M = h->M;
    cache_reset(v);
    v->pos = 0;
    v->playing = 1;
}

// ---- drawing ---------------------------------------------------------------------------
// Text wrapped at spaces into lines of at most w points; returns the height
// it took. draw 0: measure only.
static int wrap_text(gui_ctx *ui, int x, int y, int w, gui_color c, const char *s, int draw) {
    int lh = ui->line_h[GUI_FONT_NORMAL], h = 0;
    char line[600];
    while (*s) {
        size_t best = 0, n = strlen(s);
        if (n >= sizeof line) n = sizeof line - 1;
        // the longest prefix ending at a space (or the end) that fits
        for (size_t i = 1; i <= n; i++) {
            if (i < n && s[i] != ' ') continue;
            memcpy(line, s, i); line[i] = 0;
            if (gui_text_w(ui, GUI_FONT_NORMAL, line) > w && best) break;
            best = i;
        }
        memcpy(line, s, best); line[best] = 0;
        if (draw) gui_text(ui, x, y + h, GUI_FONT_NORMAL, c, line);
        h += lh;
        s += best;
        while (*s == ' ') s++;
    }
    return h;
}

// The lasting notes about the text, at the top of the paper: what could not
// be written (and what can), or which look-alikes were replaced. Returns the
// height they take.
static int draw_text_notes(syn_view *v, gui_ctx *ui, gui_rect r) {
    const char *err = v->text_err[0] ? v->text_err : v->refused[0] ? v->refused : NULL;
    int y = r.y + 6, w = r.w - 24;
    if (err) {
        int h = wrap_text(ui, 0, 0, w, gui_col_text, err, 0);
        gui_rect box = gui_r(r.x + 6, y - 2, r.w - 12, h + 6);
        gui_rect_fill(ui, box, gui_rgb(250, 222, 218));
        gui_rect_frame(ui, box, gui_rgb(190, 60, 50));
        wrap_text(ui, r.x + 12, y + 1, w, gui_rgb(140, 20, 20), err, 1);
        y += h + 10;
    }
    const char *info = v->text_info[0] ? v->text_info : v->typed_info;
    if (info[0] && !v->text_err[0]) y += wrap_text(ui, r.x + 12, y, w, gui_rgb(90, 90, 120), info, 1) + 4;
    return y - (r.y + 6);
}

static void draw_paper(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, paper_col);
    gui_rect_frame(ui, r, gui_col_button);
    gui_clip(ui, r);
    if (!v->recording) {   // the notes take the paper's top; the line is fitted below them
        int nh = draw_text_notes(v, ui, r);
        if (nh > 0 && r.h - nh > 40) { r.y += nh; r.h -= nh; }
    }
    if (v->recording) {
        gui_textf(ui, r.x + 10, r.y + 8, GUI_FONT_NORMAL, gui_rgb(120, 110, 90),
                  "write \"%s\" here with the mouse, then press Use my line", v->mine_text);
        hw_xform xf = { 3.0f, (float)r.x, (float)r.y };
        hw_draw_strokes(ui, v->rec_x, v->rec_y, v->rec_up, v->nrec, xf, v->width, ink_colours[v->colour]);
        gui_clip_reset(ui);
        return;
    }
    if (v->ncache == 0) {
        const char *msg = !v->have_model ? v->model_err
            : !v->text[0]                ? "type some text (Return, then type)"
            : v->text_err[0]             ? ""
            : v->trace && atomic_load(&v->trace->done) && gl_trace_count(v->trace) == 0
            ? "nothing written (the engine failed)"
            : "writing...";
        gui_text(ui, r.x + 12, r.y + 10, GUI_FONT_NORMAL, gui_rgb(120, 110, 90), msg);
        gui_clip_reset(ui);
        return;
    }
    // Fit the whole line (as far as it is written) at up to 5 px per unit.
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int i = 0; i < v->ncache; i++) {
        if (v->ax[i] < x0) x0 = v->ax[i];
        if (v->ax[i] > x1) x1 = v->ax[i];
        if (v->ay[i] < y0) y0 = v->ay[i];
        if (v->ay[i] > y1) y1 = v->ay[i];
    }
    float pad = 24, s = 5.0f;
    if (x1 - x0 > 1e-3f && (r.w - 2 * pad) / (x1 - x0) < s) s = (r.w - 2 * pad) / (x1 - x0);
    if (y1 - y0 > 1e-3f && (r.h - 2 * pad) / (y1 - y0) < s) s = (r.h - 2 * pad) / (y1 - y0);
    hw_xform xf = { s, r.x + pad - s * x0, r.y + r.h / 2.0f - s * 0.5f * (y0 + y1) };
    v->xf = xf;
    hw_draw_strokes(ui, v->ax, v->ay, v->up, step + 1, xf, v->width, ink_colours[v->colour]);
    // the pen tip
    float px = xf.ox + s * v->ax[step], py = xf.oy + s * v->ay[step];
    gui_rect_fill(ui, gui_r((int)px - 3, (int)py - 3, 7, 7), v->up[step] ? gui_rgb(150, 150, 150) : gui_col_accent);
    gui_clip_reset(ui);
}

// The text with the character under the window highlighted.
static void draw_text_line(syn_view *v, gui_ctx *ui, int x, int y, int cur) {
    int n = (int)strlen(v->full);
    int cx = x;
    for (int u = 0; u < n; u++) {
        char ch[2] = { v->full[u], 0 };
        int w = gui_text_w(ui, GUI_FONT_LARGE, ch);
        if (v->full[u] == ' ') w = w > 0 ? w : 8;
        if (u == cur)
            gui_rect_fill(ui, gui_r(cx - 1, y - 1, w + 2, ui->line_h[GUI_FONT_LARGE] + 2), gui_rgb(250, 210, 90));
        gui_text(ui, cx, y, GUI_FONT_LARGE, u == cur ? gui_rgb(20, 20, 20) : gui_col_text, ch);
        cx += w;
    }
}

// Timeline of the points: click or drag to scrub.
static void draw_timeline(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    int n = v->ncache;
    double pos;
    int sc = gui_scrub(ui, gui_id("syn.timeline"), r, n, &pos);
    if (sc & GUI_SCRUB_PRESSED) v->playing = v->instant = 0;
    if ((sc & GUI_SCRUB_HELD) && n > 0) set_pos(v, pos);
    int w = gui_timeline_bar(ui, r, n, step);
    if (w >= 0) {
        // pen lifts as ticks
        for (int i = 0; i < n; i++)
            if (v->up[i]) gui_rect_fill(ui, gui_r(r.x + (int)((double)i * r.w / n), r.y + r.h - 6, 1, 6), gui_col_dim);
        gui_rect_fill(ui, gui_r(r.x + w - 1, r.y, 2, r.h), gui_col_accent);
    }
}

// The alignment figure: rows = characters (and the end row U+1), columns =
// steps up to the current one.
static void draw_figure(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, gui_col_panel);
    v->fig = gui_r(0, 0, 0, 0);
    int n = v->ncache, U = v->U;
    if (n == 0 || U <= 0) return;
    int rows = U + 1, lw = 18;
    int rowh = (r.h - 18) / rows;
    if (rowh > 22) rowh = 22;
    if (rowh < 2) rowh = 2;
    gui_rect f = gui_r(r.x + lw, r.y + 4, r.w - lw - 4, rows * rowh);
    v->fig = f;
    size_t need = (size_t)n * rows * 3;
    if (need > v->figpx_cap) { v->figpx = realloc(v->figpx, need); if (!v->figpx) abort(); v->figpx_cap = need; }
    for (int u = 0; u < rows; u++) {
        uint8_t *row = v->figpx + (size_t)u * n * 3;
        for (int t = 0; t < n; t++) {
            uint8_t *p = row + 3 * t;
            if (t > step) { p[0] = gui_col_panel.r; p[1] = gui_col_panel.g; p[2] = gui_col_panel.b; continue; }
            gl_jet(sqrtf(v->phi[(size_t)t * rows + u] / v->phi_max), &p[0], &p[1],
                   &p[2]); // √: faint steps stay visible
        }
    }
    gui_image(ui, f, v->figpx, n, rows);
    // κ_k(t): row u is character u+1, so κ sits at (κ − 1 + 0.5) rows.
    // Each line is as opaque as its component's share of α at that step, so
    // components the window does not use fade out.
    int stride = n > f.w ? (n + f.w - 1) / f.w : 1;
    for (int k = 0; k < v->K; k++) {
        float lx = -1, ly = 0;
        for (int t = 0; t <= step; t += stride) {
            const float *al = v->alpha + (size_t)t * v->K;
            float amax = 1e-12f;
            for (int q = 0; q < v->K; q++) if (al[q] > amax) amax = al[q];
            float x = f.x + (t + 0.5f) * f.w / n, y = f.y + (v->kappa[(size_t)t * v->K + k] - 0.5f) * rowh;
            if (y > f.y + f.h) y = (float)(f.y + f.h);
            int a = (int)(40 + 200 * fminf(1, al[k] / amax));
            if (lx >= 0) gui_line(ui, lx, ly, x, y, 1, gui_rgba(255, 255, 255, a));
            lx = x; ly = y;
        }
    }
    // the current step, and κ of each component on it
    float sx = f.x + (step + 0.5f) * f.w / n;
    gui_line(ui, sx, (float)f.y, sx, (float)(f.y + f.h), 1, gui_rgb(255, 255, 255));
    for (int k = 0; k < v->K; k++) {
        float y = f.y + (v->kappa[(size_t)step * v->K + k] - 0.5f) * rowh;
        if (y <= f.y + f.h) gui_rect_fill(ui, gui_r((int)sx - 3, (int)y - 1, 7, 3), gui_rgb(255, 255, 255));
    }
    // character labels (every row if they fit)
    int cur = char_at(v, step),
        every = rowh >= ui->line_h[GUI_FONT_SMALL] - 2 ? 1 : (ui->line_h[GUI_FONT_SMALL] + rowh - 1) / rowh;
    for (int u = 0; u < rows; u++) {
        if (u % every && u != cur) continue;
        char ch[4] = { u < U ? v->full[u] : '#', 0 };
        if (ch[0] == ' ') ch[0] = '_';
        gui_text(ui, r.x + 4, f.y + u * rowh + (rowh - ui->line_h[GUI_FONT_SMALL]) / 2, GUI_FONT_SMALL,
                 u == cur ? gui_rgb(250, 210, 90) : gui_col_dim, ch);
    }
    gui_textf(ui, f.x, f.y + f.h + 2, GUI_FONT_SMALL, gui_col_dim,
              "window weights phi(t,u) (square-root colour scale): characters down (# = end), points across; white: "
              "kappa of the %d components",
              v->K);
}

// The window's mixture at the step: α, β, κ per component and φ(t,·).
static void draw_mixture(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, gui_col_panel);
    gui_textf(ui, r.x + 8, r.y + 6, GUI_FONT_NORMAL, gui_col_text, "Window at point %d", v->ncache ? step + 1 : 0);
    if (!v->trace || v->ncache == 0) return;
    const gl_hw_frame *f = gl_trace_frame(v->trace, step);
    int y = r.y + 30;
    gui_text(ui, r.x + 8, y, GUI_FONT_SMALL, gui_col_dim, "k      alpha       beta      kappa");
    y += 18;
    for (int k = 0; k < v->K; k++, y += 18) {
        gui_textf(ui, r.x + 8, y, GUI_FONT_SMALL, gui_col_text, "%d %10.3f %10.3f %10.2f", k + 1, f->alpha[k],
                  f->beta[k], f->kappa[k]);
    }
    // φ(t,u) over the characters, with each component's share as a line
    y += 8;
    int U = v->U, rows = U + 1;
    gui_rect pr = gui_r(r.x + 8, y, r.w - 16, r.y + r.h - y - 26);
    if (pr.h < 30) return;
    gui_rect_fill(ui, pr, gui_rgb(22, 24, 27));
    float hi = 1e-6f;
    for (int u = 0; u < rows; u++) if (f->phi[u] > hi) hi = f->phi[u];
    float bw = (float)pr.w / rows;
    for (int u = 0; u < rows; u++) {
        int h = (int)(f->phi[u] / hi * (pr.h - 4));
        gui_rect_fill(ui, gui_r(pr.x + (int)(u * bw), pr.y + pr.h - h, (int)bw > 1 ? (int)bw - 1 : 1, h),
                      u < U ? gui_col_accent : gui_col_dim);
    }
    static const gui_color kc[5] = { { 250, 210, 90, 255 },
                                     { 240, 120, 90, 255 },
                                     { 120, 220, 140, 255 },
                                     { 200, 140, 240, 255 },
                                     { 120, 200, 240, 255 } };
    for (int k = 0; k < v->K; k++) {
        float lx = -1, ly = 0;
        for (int s = 0; s <= 4 * rows; s++) {
            float q = 0.5f + s / 4.0f;   // character position; character q (1-based) has its bar centred at q − 0.5
            float d = f->kappa[k] - q;
            float val = f->alpha[k] * expf(-f->beta[k] * d * d);
            float x = pr.x + (q - 0.5f) * bw, yy = pr.y + pr.h - val / hi * (pr.h - 4);
            if (yy < pr.y) yy = (float)pr.y;
            if (lx >= 0) gui_line(ui, lx, ly, x, yy, 1.5f, kc[k % 5]);
            lx = x; ly = yy;
        }
    }
    gui_text(ui, pr.x, pr.y + pr.h + 4, GUI_FONT_SMALL, gui_col_dim, "phi(t,u) per character, components as lines");
}

static void syn_draw(void *self, gui_app *app, gui_rect area) {
    syn_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12, x = area.x + m, y = area.y + 10;
    int step = step_of(v);

    // Rows of controls, wrapping when the window is narrow.
    gui_flow fl = gui_flow_begin(x, y, area.x + area.w - m, 28, 6, 8);
    gui_rect lr = gui_flow_put(&fl, 34);
    gui_text(ui, lr.x, lr.y + 6, GUI_FONT_NORMAL, gui_col_dim, "Text");
    int tw = area.w - 2 * m - 40 - 80;
    gui_field_opts to = {
        .max_len = SYN_TEXT_MAX, .what = "the text", .hint = "type a line to write", .map = syn_map, .map_user = v
    };
    int submitted = gui_field(ui, gui_id("syn.text"), gui_flow_put(&fl, tw < 520 ? (tw > 200 ? tw : 200) : 520),
                              v->text, sizeof v->text, &to) &
        GUI_FIELD_SUBMIT;
    if (v->want_focus) { gui_focus(ui, gui_id("syn.text")); v->want_focus = 0; }
    if (strcmp(v->text, v->last_text)) {   // typed: write it as it stands
        snprintf(v->last_text, sizeof v->last_text, "%s", v->text);
        v->text_changes++;
        if (v->refused[0] && !v->refused_fresh) v->refused[0] = 0;   // named until the text next changes
        new_version(v);
    }
    if (v->refused_fresh) { v->refused_at = v->text_changes; v->refused_fresh = 0; }
    if (gui_button(ui, gui_id("syn.write"), gui_flow_put(&fl, 70), "Write") || submitted) new_version(v);
    if (gui_button(ui, gui_id("syn.again"), gui_flow_put(&fl, 110), "Write again")) { v->seed++; new_version(v); }
    if (gui_slider(ui, gui_id("syn.bias"), gui_flow_put(&fl, 170), &v->bias, 0, 5, "bias %.2f")) new_version(v);
    lr = gui_flow_put(&fl, 90);
    gui_textf(ui, lr.x + 4, lr.y + 6, GUI_FONT_NORMAL, gui_col_dim, "seed %llu", (unsigned long long)v->seed);
    gui_flow_newline(&fl);
    int st = v->style;
    if (gui_choice(ui, gui_id("syn.style"), gui_flow_put(&fl, 70 * v->nstyle + 10), v->style_labels, v->nstyle, &st)) {
        if (st == v->style_mine && v->nmine == 0) start_recording(v, app);
        else { v->style = st; new_version(v); }
    }
    if (v->recording) {
        lr = gui_flow_put(&fl, 50);
        gui_text(ui, lr.x + 4, lr.y + 6, GUI_FONT_NORMAL, gui_col_dim, "it says");
        gui_field_opts mo = { .what = "your line's text" };
        gui_field(ui, gui_id("syn.minetext"), gui_flow_put(&fl, 170), v->mine_text, sizeof v->mine_text, &mo);
        if (gui_button(ui, gui_id("syn.usemine"), gui_flow_put(&fl, 110), "Use my line")) finish_recording(v, app);
        if (gui_button(ui, gui_id("syn.cancelmine"), gui_flow_put(&fl, 70), "Cancel")) v->recording = 0;
    } else {
        if (gui_button(ui, gui_id("syn.record"), gui_flow_put(&fl, 130), "Write my own...")) start_recording(v, app);
        gui_slider(ui, gui_id("syn.speed"), gui_flow_put(&fl, 150), &v->speed, 0.5f, 40, "%.1f chars/s");
        gui_toggle(ui, gui_id("syn.instant"), gui_flow_put(&fl, 70), "Instant", &v->instant);
        gui_slider(ui, gui_id("syn.width"), gui_flow_put(&fl, 110), &v->width, 1, 6, "width %.1f");
        gui_choice(ui, gui_id("syn.colour"), gui_flow_put(&fl, 150), colour_labels, 3, &v->colour);
    }
    y = gui_flow_end(&fl) + 12;

    // Paper.
    int right_w = area.w >= 1100 ? 300 : 260;
    int ph = (area.y + area.h - y) * 2 / 5;   // 230 at the default size; less in a small window
    gui_rect paper = gui_r(x, y, area.w - 2 * m, ph < 110 ? 110 : ph > 230 ? 230 : ph);
    v->paper = paper;
    gui_mark(ui, paper, "paper");
    draw_paper(v, ui, paper, step);
    y += paper.h + 10;

    // Text with the window's character, timeline and controls.
    int cur = char_at(v, step), lh = ui->line_h[GUI_FONT_LARGE];
    gui_rect tr = gui_r(x, y, area.w - 2 * m, lh + 2);
    gui_mark(ui, tr, "text line");
    gui_clip(ui, tr);
    draw_text_line(v, ui, x, y, cur);
    gui_clip_reset(ui);
    y += lh + 10;
    if (gui_button(ui, gui_id("syn.play"), gui_r(x, y, 70, 26), v->playing ? "Pause" : "Play")) {
        v->playing = !v->playing;
        if (v->playing && v->ncache > 0 && step >= v->ncache - 1) v->pos = 0;
    }
    if (gui_button(ui, gui_id("syn.replay"), gui_r(x + 76, y, 70, 26), "Replay")) {
        v->pos = 0;
        v->playing = 1;
        v->instant = 0;
    }
    if (gui_button(ui, gui_id("syn.export"), gui_r(x + 152, y, 80, 26), "Export")) export_all(v, app);
    gui_rect tl = gui_r(x + 240, y, area.w - 2 * m - 240 - 150, 26);
    draw_timeline(v, ui, tl, step);
    gui_mark(ui, tl, "timeline");
    gui_textf(ui, area.x + area.w - m - 140, y + 5, GUI_FONT_NORMAL, gui_col_dim, "point %d / %d",
              v->ncache ? step + 1 : 0, v->ncache);
    y += 34;

    // Alignment figure and the window's mixture (when there is room).
    int fh = area.y + area.h - m - y;
    if (fh < 60) { v->fig = gui_r(0, 0, 0, 0); fh = 0; }
    if (fh > 0) {
        gui_rect fr = gui_r(x, y, area.w - 2 * m - right_w - 10, fh),
                 mr = gui_r(area.x + area.w - m - right_w, y, right_w, fh);
        gui_mark(ui, fr, "alignment figure");
        gui_mark(ui, mr, "window mixture");
        gui_clip(ui, fr);
        draw_figure(v, ui, fr, step);
        gui_clip(ui, mr);
        draw_mixture(v, ui, mr, step);
        gui_clip_reset(ui);
    }

    // The status names the text of the line on the paper (shown_text), which
    // is not the field's when that could not be written.
    const char *sname = v->style_labels[v->style];
    int done = v->trace && atomic_load(&v->trace->done);
    char lead[300] = "";
    if (v->text_err[0] && v->ncache) snprintf(lead, sizeof lead, "the text is not written (see the note) | shown: ");
    else if (v->text_err[0]) snprintf(lead, sizeof lead, "the text is not written (see the note) | ");
    if (!v->have_model) snprintf(app->status, sizeof app->status, "no synthesis model: %s", v->model_err);
    else if (v->ncache)
        snprintf(app->status, sizeof app->status,
                 "%s\"%s\" | bias %.2f | seed %llu | %s | point %d/%d%s | on '%c' (%d of %d)", lead, v->shown_text,
                 v->bias, (unsigned long long)v->seed, sname, step + 1, v->ncache,
                 !done              ? " (writing)"
                     : syn_ended(v) ? ""
                                    : " (stopped before the end: step limit)",
                 cur >= 0 ? v->full[cur] : ' ', cur + 1, v->U);
    else if (done && gl_trace_count(v->trace) == 0 && v->text[0] && !v->text_err[0])
        snprintf(app->status, sizeof app->status,
                 "nothing written (the engine failed: see the note) | bias %.2f | seed %llu | %s", v->bias,
                 (unsigned long long)v->seed, sname);
    else
        snprintf(app->status, sizeof app->status, "%sbias %.2f | seed %llu | %s", lead, v->bias,
                 (unsigned long long)v->seed, sname);
}

static int syn_probe(void *self, const char *what, double *out) {
    syn_view *v = self;
    if (!strcmp(what, "input_version")) *out = (double)v->version;
    else if (!strcmp(what, "shown_version")) *out = v->trace && v->ncache > 0 ? (double)v->trace_version : -1;
    else if (!strcmp(what, "step")) *out = v->ncache ? step_of(v) : -1;
    else if (!strcmp(what, "steps")) *out = v->ncache;
    else if (!strcmp(what, "done")) *out = v->trace ? atomic_load(&v->trace->done) : -1;
    else if (!strcmp(what, "playing")) *out = v->playing;
    else if (!strcmp(what, "instant")) *out = v->instant;
    else if (!strcmp(what, "speed")) *out = v->speed;
    else if (!strcmp(what, "points_per_char")) *out = points_per_char(v);
    else if (!strcmp(what, "style")) *out = v->style;
    else if (!strcmp(what, "bias")) *out = v->bias;
    else if (!strcmp(what, "seed")) *out = (double)v->seed;
    else if (!strcmp(what, "U")) *out = v->U;
    else if (!strcmp(what, "cells")) *out = v->have_model ? v->m.cfg.H : 0;
    else if (!strcmp(what, "char")) *out = char_at(v, step_of(v));
    else if (!strcmp(what, "recording")) *out = v->recording;
    else if (!strcmp(what, "mine_points")) *out = v->nmine;
    else if (!strcmp(what, "have_model")) *out = v->have_model;
    else if (!strcmp(what, "text_len")) *out = (double)strlen(v->text);
    else if (!strcmp(what, "paper_x")) *out = v->paper.x;
    else if (!strcmp(what, "paper_y")) *out = v->paper.y;
    else if (!strcmp(what, "paper_w")) *out = v->paper.w;
    else if (!strcmp(what, "paper_h")) *out = v->paper.h;
    else if (!strcmp(what, "fig_x")) *out = v->fig.x;
    else if (!strcmp(what, "fig_y")) *out = v->fig.y;
    else if (!strcmp(what, "fig_w")) *out = v->fig.w;
    else if (!strcmp(what, "fig_h")) *out = v->fig.h;
    else if (!strcmp(what, "ended")) {   // the window passed the last character (§5.3) on the last point
        if (!v->ncache) return -1;
        *out = syn_ended(v);
    } else if (!strcmp(what, "styles")) *out = v->nstyle;
    else if (!strcmp(what, "style_mine")) *out = v->style_mine;
    else if (!strcmp(what, "mine_height")) *out = v->mine_height;
    else if (!strcmp(what, "mine_step")) *out = v->mine_step;
    else if (!strcmp(what, "text_error")) *out = v->text_err[0] != 0;
    else if (!strcmp(what, "text_refused")) *out = v->refused[0] != 0;
    else if (!strcmp(what, "text_replaced")) *out = v->text_info[0] || v->typed_info[0];
    else if (!strcmp(what, "shown_len")) *out = v->ncache ? (double)strlen(v->shown_text) : -1;
    else return -1;
    return 0;
}

static int syn_animating(void *self, gui_app *app) {
    syn_view *v = self;
    (void)app;
    if (v->trace && !atomic_load(&v->trace->done)) return 1;   // the line is still being written
    return v->playing && !v->instant && v->ncache > 0;
}

const gui_view_class view_synthesis = {
    .animating = syn_animating,
    .name = "Synthesis",
    .shortcuts = syn_shortcuts,
    .init = syn_init,
    .event = syn_event,
    .update = syn_update,
    .draw = syn_draw,
    .request = syn_request,
    .free = syn_free,
    .probe = syn_probe,
};
