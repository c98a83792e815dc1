// view_prediction: write with the mouse and watch the prediction network's
// density of the next pen position follow the pen (Graves 2013, §4).
//
// The canvas shows pen units at PX_PER_UNIT pixels each. The pen's path is
// resampled into points about STEP_UNITS apart (the corpus's pen speed),
// and every new point is fed to the prediction network on the engine thread,
// one step per point (gl_hw_stepper). For each point the engine publishes a
// frame: the mixture of the next offset (eq. 18-23), its end-of-stroke
// probability and the mixture density on a PG x PG grid around the pen tip
// (eq. 23-24). The view draws the newest frame's grid as a heat map around
// the tip, and the same grid enlarged beside the canvas with the components'
// centres.
//
// Continue: the network samples on from where the pen stopped (primed by the
// strokes, as §5.5 primes synthesis) up to CONT_STEPS points or the canvas's
// right edge, and the view reveals its points at the pen speed with their
// densities. Replay: the whole line again, step by
// step, leaving the density of every step behind as a trail.
//
// Units: the view works in Hershey-corpus pen units (the scale STEP_UNITS,
// PX_PER_UNIT and the grid's range are set for); a network trained on
// another corpus (IAM-OnDB's tablet units are about 16 times larger) gets
// every offset multiplied by `unit` (the ratio of its offsets' standard
// deviation to the Hershey corpus's) and its mixtures divided by it, so the
// same mouse gesture is the same handwriting to any model.
//
// Futures (F): N possible continuations of the line, sampled from the state
// at the pen tip (live) or at the step shown (replay, continue), drawn
// faintly from that point; computed on a worker of their own (hw_futures.h),
// so the density never waits for them, and only for the newest state the
// worker can take (the ones in between are dropped, never queued).
//
// A drawing is a *session*: the stepper's state belongs to one. Clearing,
// a new bias, or drawing on after a continuation starts a new session; the
// engine then resets the network and feeds the points again from the first.
#include "view.h"
#include "hw_gui.h"
#include "hw_futures.h"
#include "gif_export.h"
#include "gui_export.h"
#include "gui_timeline.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRED_WEIGHTS "handwriting-predict.safetensors"
#define PX_PER_UNIT 3.0f
#define STEP_UNITS 4.5f        // the Hershey corpus moves about 5 units a point
#define PG 40                  // density grid side (cells)
#define MAX_PTS 2400           // points the person may draw in one session
#define MAX_FRAMES 3200        // frames of one session: drawn points + continuation
#define CONT_STEPS 400         // points one "continue" writes at most
#define TRAIL_PX 3             // trail resolution, pixels per cell
#define HERSHEY_STD 3.879f     // geometric mean of the Hershey corpus's offset std (x 3.654, y 4.119)

// ---- frames and the engine side --------------------------------------------------------
typedef struct {
    gl_hw_frame mix; // mixture of the next offset in view units; mix.x, mix.y: pen position from the first point
    uint64_t ver;              // input version of the point (drawn points; 0 for generated ones)
    int generated;             // 1: sampled by the network (continue)
    float gx0, gy0, cell;      // grid cell (i, j) centre: pen + (gx0 + (j + .5) cell, gy0 + (i + .5) cell)
    float gmax;
    float grid[PG * PG];
} pred_frame;

// The network and its state: touched by the engine thread only after init.
typedef struct {
    gl_hw_model *m;
    gl_hw_stepper *st;
    uint64_t session;          // the drawing the stepper's state belongs to
    int fed;                   // points of that drawing fed so far
    gl_hw_frame last;          // the newest mixture, model units (what continue samples from)
    float unit;                // model units per view unit (see the top)
} pred_engine;

typedef struct {
    pred_engine *pe;
    gl_trace *trace;           // the session's trace (its own reference)
    uint64_t session;
    float bias;
    int n;                     // points: (dx, dy, eos) offsets in view units, point 0 is the origin
    float *pts;
    uint64_t *ver;
    int cont;                  // then continue for this many points
    float x_limit;             // or until the pen passes this x (view units, from the first point): the canvas's edge
    uint64_t seed;
} pred_job;

static void pred_job_free(void *p) {
    pred_job *j = p;
    gl_trace_release(j->trace);
    free(j->pts);
    free(j->ver);
    free(j);
}

// Places the grid over the mixture's mass: ±(largest |μ| + 2.5σ among the
// components that matter), at least ±8 units, at most ±24 (a pen-up jump
// may land outside; the shape near the pen matters more).
static void grid_fill(pred_frame *f, int M) {
    float half = 8;
    for (int k = 0; k < M; k++) {
        if (f->mix.pi[k] < 0.05f) continue;
        float s = fmaxf(f->mix.sigma[k][0], f->mix.sigma[k][1]);
        float h = fmaxf(fabsf(f->mix.mu[k][0]), fabsf(f->mix.mu[k][1])) + 2.5f * s;
        if (h > half) half = h;
    }
    if (half > 24) half = 24;
    f->cell = 2 * half / PG;
    f->gx0 = f->gy0 = -half;
    f->gmax = gl_hw_density_grid(&f->mix, M, f->gx0, f->gy0, f->cell, PG, PG, f->grid);
}

static int push(pred_job *j, const gl_hw_frame *mix, uint64_t ver, int generated) {
    pred_frame f;
    memset(&f, 0, sizeof f);
    f.mix = *mix;
    float inv = 1.0f / j->pe->unit;   // model units -> view units
    f.mix.x *= inv; f.mix.y *= inv; f.mix.dx *= inv; f.mix.dy *= inv;
    for (int k = 0; k < j->pe->m->cfg.M; k++)
        for (int d = 0; d < 2; d++) { f.mix.mu[k][d] *= inv; f.mix.sigma[k][d] *= inv; }
    f.ver = ver;
    f.generated = generated;
    grid_fill(&f, j->pe->m->cfg.M);
    j->pe->last = *mix;
    return gl_trace_push(j->trace, &f);
}

static int pred_job_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    pred_job *j = p;
    pred_engine *pe = j->pe;
    if (pe->session != j->session) {   // a new drawing: start over
        gl_hw_stepper_reset(pe->st);
        pe->session = j->session;
        pe->fed = 0;
    }
    gl_hw_frame mix;
    while (pe->fed < j->n) {
        if (gl_job_cancelled(cancel)) return 1;
        int i = pe->fed;
        if (i == 0) gl_hw_stepper_start(pe->st, j->bias, &mix);   // the first point is where the line starts
        else {
            const float *q = j->pts + 3 * i;
            float o[3] = { q[0] * pe->unit, q[1] * pe->unit, q[2] };
            gl_hw_stepper_feed(pe->st, o, j->bias, &mix);
        }
        if (push(j, &mix, j->ver[i], 0)) return 0;   // the session's trace is full
        pe->fed++;
    }
    if (!j->cont || j->n == 0) return 0;
    gl_rng rng;
    gl_rng_seed(&rng, j->seed);
    for (int s = 0; s < j->cont; s++) {
        if (gl_job_cancelled(cancel)) return 1;
        float o[3];
        gl_hw_mixture_sample(&pe->last, pe->m->cfg.M, &rng, o);
        gl_hw_stepper_feed(pe->st, o, j->bias, &mix);
        if (push(j, &mix, 0, 1)) return 0;
        pe->fed++;   // generated points belong to the state too: drawing on starts a new session
        if (mix.x > j->x_limit * pe->unit) break;
    }
    return 0;
}

// ---- view state --------------------------------------------------------------------------
enum { MODE_LIVE, MODE_CONT, MODE_REPLAY };

typedef struct {
    pred_engine pe;
    int have_model;
    char model_err[200];
    // the drawing (view units, absolute; point 0 is where the first stroke began)
    float px[MAX_PTS], py[MAX_PTS];
    uint8_t up[MAX_PTS];
    uint64_t pver[MAX_PTS];
    int n;
    int pen_down;
    uint64_t version;          // bumped by every new point
    uint64_t session;
    int session_has_cont;      // a continuation ran in this session
    gl_trace *trace;
    int submitted_n;
    uint64_t submitted_session;
    // display
    int mode, playing;
    double pos;                // shown frame (MODE_CONT, MODE_REPLAY)
    float bias, speed;
    uint64_t seed;
    gui_rect canvas, zoom;
    float ox, oy;              // canvas point of view (0, 0)
    float pxu;                 // pixels per view unit: PX_PER_UNIT, less when the line would not fit the canvas
    // caches of the frames' pen positions (view units, absolute like px/py)
    int ncache;
    float fx[MAX_FRAMES], fy[MAX_FRAMES];
    uint8_t fup[MAX_FRAMES];
    int nuser_frames;
    // the trail: each step's density, normalised to its peak, kept by max
    float *trail; int tw, th, trail_upto; float trail_pxu;
    uint8_t *trail_rgb;
    uint8_t tip_rgb[PG * PG * 3];
    uint64_t failures_seen;
    uint64_t use_seen;         // app->use_seq[GUI_USE_PREDICT] taken
    char weights[80];          // the weights in use, as the status names them (hw_weights_said)
    int cont_pending;          // "continue" asked: submit it in request()
    int cont_stopped;          // the person stopped the network: the pen stays where it is
    // possible futures
    hw_fut *fut;
    int fut_on;
    float fut_n, fut_bias;     // how many (10-50); their bias (§5.4)
    uint64_t fut_seed;
} pred_view;

static const gui_color canvas_col = { 18, 20, 24, 255 };

static const char *const pred_shortcuts[] = {
    "drag\twrite; the next point's density follows the pen",
    "G\tcontinue: the network writes on (G again: stop)",
    "R\treplay with the density trail of every step",
    "Left / Right\tprevious / next step (replay)",
    "Home / End\tfirst / last step (replay)",
    "Space\tplay / pause the replay",
    "+ / -\tfaster / slower",
    "[ / ]\tbias down / up (sharper density, §5.4)",
    "C\tclear the canvas",
    "E\texport the line (SVG, PNG) and the trail (PNG)",
    "F\tpossible futures on / off: where the network might take the pen",
    ", / .\tfewer / more futures (10-50)",
    NULL,
};

static const pred_frame *frame_at(const pred_view *v, int i) { return gl_trace_frame(v->trace, i); }
static int frames(const pred_view *v) { return v->trace ? v->ncache : 0; }

// The frame on screen: the newest while drawing, the revealed one otherwise.
static int shown_index(const pred_view *v) {
    int n = frames(v);
    if (n == 0) return -1;
    if (v->mode == MODE_LIVE) {
        // the newest frame of a drawn point (a finished continuation stays revealed)
        return v->nuser_frames > 0 ? v->nuser_frames - 1 : -1;
    }
    int i = (int)v->pos;
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

static void new_session(pred_view *v) {
    v->session++;
    v->session_has_cont = 0;
    gl_trace_release(v->trace);
    v->trace = NULL;
    v->ncache = 0;
    v->nuser_frames = 0;
    v->trail_upto = -1;
    if (v->trail) memset(v->trail, 0, sizeof(float) * (size_t)v->tw * v->th);
    v->submitted_n = 0;
}

static void cache_update(pred_view *v) {
    if (!v->trace) return;
    int n = gl_trace_count(v->trace);
    for (int i = v->ncache; i < n; i++) {
        const pred_frame *f = frame_at(v, i);
        v->fx[i] = v->px[0] + f->mix.x;
        v->fy[i] = v->py[0] + f->mix.y;
        v->fup[i] = (uint8_t)f->mix.eos;
        if (!f->generated) v->nuser_frames = i + 1;
    }
    v->ncache = n;
}

// Model units per view unit (see the top).
static float model_unit(const gl_hw_model *m) {
    const float *sd = m->cfg.std;
    return sd[0] > 0 && sd[1] > 0 ? sqrtf(sd[0] * sd[1]) / HERSHEY_STD : 1;
}

// ---- lifecycle ------------------------------------------------------------------------
static void *pred_init(gui_app *app) {
    pred_view *v = gl_calloc(1, sizeof *v);
    const char *path = app->asset_path ? app->asset_path(PRED_WEIGHTS) : PRED_WEIGHTS;
    hw_weights_said(v->weights, sizeof v->weights, app, PRED_WEIGHTS, NULL);
    if ((v->pe.m = gl_hw_load(path, 0)) != NULL) {
        v->pe.st = gl_hw_stepper_new(v->pe.m);
        if (v->pe.st) {
            v->have_model = 1;
            v->pe.unit = model_unit(v->pe.m);
            v->fut = hw_fut_new(v->pe.m);   // NULL (no futures) if its worker cannot start
        }
        else {
            snprintf(v->model_err, sizeof v->model_err, "%s: %s", path, gl_err());
            gl_hw_free(v->pe.m);
            v->pe.m = NULL;
        }
    } else snprintf(v->model_err, sizeof v->model_err, "%s", gl_err());
    v->pxu = PX_PER_UNIT;
    v->fut_on = 1; v->fut_n = 20; v->fut_bias = 0.5f; v->fut_seed = 1;
    v->bias = 0;
    v->speed = 30;                 // points a second: about 3 characters, as the synthesis pen
    v->seed = 1;
    v->trail_upto = -1;
    return v;
}

// The app is closing: the futures' worker stops with the others (free waits for it).
static void pred_quit(void *self, int wait) {
    pred_view *v = self;
    if (!wait) hw_fut_quit(v->fut);
}

static void pred_free(void *self) {
    pred_view *v = self;
    gl_trace_release(v->trace);
    hw_fut_free(v->fut);   // its worker reads the model
    gl_hw_stepper_free(v->pe.st);
    gl_hw_free(v->pe.m);
    free(v->trail);
    free(v->trail_rgb);
    free(v);
}

// ---- input -------------------------------------------------------------------------------
static void add_point(pred_view *v, float x, float y) {
    if (v->n >= MAX_PTS) return;
    v->px[v->n] = x; v->py[v->n] = y; v->up[v->n] = 0;
    v->pver[v->n] = ++v->version;
    v->n++;
}

// Adds points along the pen's path from the last point, STEP_UNITS apart.
static void pen_to(pred_view *v, float x, float y) {
    if (v->n == 0) { add_point(v, x, y); return; }
    float lx = v->px[v->n - 1], ly = v->py[v->n - 1];
    float d = hypotf(x - lx, y - ly);
    int k = (int)(d / STEP_UNITS);
    for (int i = 1; i <= k && v->n < MAX_PTS; i++)
        add_point(v, lx + (x - lx) * i * STEP_UNITS / d, ly + (y - ly) * i * STEP_UNITS / d);
}

static void clear_all(pred_view *v, gui_app *app) {
    gl_engine_stop(app->engine);
    v->n = 0;
    v->pxu = PX_PER_UNIT;
    v->mode = MODE_LIVE;
    new_session(v);
}

static void start_continue(pred_view *v, gui_app *app) {
    if (v->n == 0) { gui_app_note(app, "draw something first: the network continues from your pen"); return; }
    if (v->pen_down) return;
    v->cont_pending = 1;
}

static void stop_continue(pred_view *v, gui_app *app) {
    gl_engine_stop(app->engine);
    v->cont_stopped = 1;
    v->cont_pending = 0;
}

static void set_replay(pred_view *v, double p, int playing) {
    v->mode = MODE_REPLAY;
    v->playing = playing;
    int n = frames(v);
    v->pos = p < 0 ? 0 : p > n - 1 ? (n > 0 ? n - 1 : 0) : p;
}

static void export_all(pred_view *v, gui_app *app);

static int pred_event(void *self, gui_app *app, const gui_event *ev) {
    pred_view *v = self;
    switch (ev->type) {
    case GUI_EV_DOWN: {
        if (ev->button != 1 || !gui_inside(v->canvas, ev->x, ev->y) || !v->have_model) return 0;
        if (v->session_has_cont) {
            // drawing on after a continuation: the network state holds its
            // points, so a new session replays the drawn points alone
            gl_engine_stop(app->engine);
            new_session(v);
        }
        v->mode = MODE_LIVE;
        v->cont_pending = 0;
        if (v->n >= MAX_PTS) { gui_app_note(app, "the canvas is full (%d points): C clears it", MAX_PTS); return 1; }
        v->pen_down = 1;
        float x = (ev->x - v->ox) / v->pxu, y = (ev->y - v->oy) / v->pxu;
        if (v->n == 0) { v->ox = (float)ev->x; v->oy = (float)ev->y; x = y = 0; }   // view (0,0) at the first point
        // a new stroke starts with a point where the pen touches
        if (v->n == 0 || hypotf(x - v->px[v->n - 1], y - v->py[v->n - 1]) > 0.5f) add_point(v, x, y);
        return 1;
    }
    case GUI_EV_MOVE:
        if (!v->pen_down) return 0;
        pen_to(v, (ev->x - v->ox) / v->pxu, (ev->y - v->oy) / v->pxu);
        return 1;
    case GUI_EV_UP:
        if (!v->pen_down || ev->button != 1) return 0;
        v->pen_down = 0;
        pen_to(v, (ev->x - v->ox) / v->pxu, (ev->y - v->oy) / v->pxu);
        // The pen lifts after the stroke's last point; the network has seen
        // that point already (with the pen down), so the lift comes as one
        // more point where the pen left the paper.
        add_point(v, (ev->x - v->ox) / v->pxu, (ev->y - v->oy) / v->pxu);
        v->up[v->n - 1] = 1;
        return 1;
    case GUI_EV_KEY: {
        if (ev->mods & (GUI_MOD_CTRL | GUI_MOD_ALT)) return 0;
        int n = frames(v);
        switch (ev->key) {
        case 'g':
            if (v->mode == MODE_CONT && !v->cont_stopped && gl_engine_busy(app->engine)) stop_continue(v, app);
            else start_continue(v, app);
            return 1;
        case 'r': if (n) set_replay(v, 0, 1); return 1;
        case GUI_KEY_LEFT:
            if (n) set_replay(v, (v->mode == MODE_REPLAY ? floor(v->pos) : shown_index(v)) - 1, 0);
            return 1;
        case GUI_KEY_RIGHT:
            if (n) set_replay(v, (v->mode == MODE_REPLAY ? floor(v->pos) : shown_index(v)) + 1, 0);
            return 1;
        case GUI_KEY_HOME: if (n) set_replay(v, 0, 0); return 1;
        case GUI_KEY_END: if (n) set_replay(v, n - 1, 0); return 1;
        case GUI_KEY_SPACE:
            if (v->mode == MODE_REPLAY) {
                v->playing = !v->playing;
                if (v->playing && (int)v->pos >= n - 1) v->pos = 0;
            } else if (n) set_replay(v, 0, 1);
            return 1;
        case '+': case '=': v->speed = fminf(v->speed * 1.5f, 600); return 1;
        case '-': v->speed = fmaxf(v->speed / 1.5f, 5); return 1;
        case '[': case ']': {
            float b = ev->key == '[' ? fmaxf(0, v->bias - 0.25f) : fminf(5, v->bias + 0.25f);
            if (b != v->bias) { v->bias = b; gl_engine_stop(app->engine); new_session(v); v->mode = MODE_LIVE; }
            return 1;
        }
        case 'c': clear_all(v, app); return 1;
        case 'e': export_all(v, app); return 1;
        case 'f': v->fut_on = !v->fut_on; return 1;
        case ',': case '.': v->fut_n = fminf(50, fmaxf(10, v->fut_n + (ev->key == ',' ? -5 : 5))); return 1;
        default: return 0;
        }
    }
    default: return 0;
    }
}

// "Use these weights" (the Train view): the network being trained takes the
// place of this view's, and the drawing is read again with it. The shared
// engine's jobs use v->pe, so it is stopped and idle before the swap.
static void pred_take_use(pred_view *v, gui_app *app) {
    const char *path = app->use_path[GUI_USE_PREDICT];
    gl_hw_model *m = NULL;
    if (hw_take_use(app, GUI_USE_PREDICT, &v->use_seen, 0, &m) != 1) return;
    if (v->have_model) { gl_hw_stepper_free(v->pe.st); v->pe.st = NULL; v->have_model = 0; }
    hw_fut_free(v->fut);
    v->fut = NULL;
    gl_hw_free(v->pe.m);
    v->pe.m = m;
    v->pe.st = gl_hw_stepper_new(v->pe.m);   // NULL for a synthesis network
    if (!v->pe.st) {
        snprintf(v->model_err, sizeof v->model_err, "%.80s: %.100s", path, gl_err());
        gl_hw_free(v->pe.m);
        v->pe.m = NULL;
        gui_app_note(app, "%s", v->model_err);
        return;
    }
    v->have_model = 1;
    hw_weights_said(v->weights, sizeof v->weights, app, PRED_WEIGHTS, path);
    v->fut = hw_fut_new(v->pe.m);
    v->pe.unit = model_unit(v->pe.m);   // the new network's units
    v->model_err[0] = 0;
    v->pe.session = 0;   // the stepper starts over
    new_session(v);
}

static void pred_update(void *self, gui_app *app, double dt) {
    pred_view *v = self;
    pred_take_use(v, app);
    cache_update(v);
    gui_app_note_engine_failure(app, &v->failures_seen);
    int n = frames(v);
    if (v->mode == MODE_CONT && !v->cont_stopped) {
        v->pos += dt * v->speed;
        if (v->pos > n - 1) v->pos = n > 0 ? n - 1 : 0;
    } else if (v->mode == MODE_REPLAY && v->playing) {
        v->pos += dt * v->speed;
        if (v->pos >= n - 1) { v->pos = n > 0 ? n - 1 : 0; v->playing = 0; }
    }
}

// ---- possible futures ----------------------------------------------------------------------
// The line the futures start from: the drawn points while drawing (key:
// the session, even), else the frames up to the step shown (odd). *n
// points; 0 when there is none.
static uint64_t fut_line(const pred_view *v, const float **x, const float **y, const uint8_t **up, int *n) {
    *n = 0;
    if (v->mode == MODE_LIVE) {
        *x = v->px; *y = v->py; *up = v->up; *n = v->n;
        return 2 * v->session;
    }
    int shown = shown_index(v);
    *x = v->fx; *y = v->fy; *up = v->fup; *n = shown + 1;
    return 2 * v->session + 1;
}

static void fut_request(pred_view *v) {
    if (!v->fut || !v->fut_on || !v->have_model) return;
    const float *x, *y;
    const uint8_t *up;
    int n;
    uint64_t key = fut_line(v, &x, &y, &up, &n);
    if (n < 1) return;
    hw_fut_params p = { (int)v->fut_n, 40, v->fut_bias, v->fut_seed };
    uint64_t ver = v->mode == MODE_LIVE ? v->pver[n - 1] : (uint64_t)n;
    hw_fut_request(v->fut, key, ver, x, y, up, n, v->pe.unit, &p);
}

// The newest futures, when they belong to what is on screen.
static const hw_fut_set *fut_shown(const pred_view *v) {
    const hw_fut_set *s = v->fut_on ? hw_fut_poll(v->fut) : NULL;
    const float *x, *y;
    const uint8_t *up;
    int n;
    uint64_t key = fut_line(v, &x, &y, &up, &n);
    return s && s->key == key && s->fed <= n ? s : NULL;
}

static void pred_request(void *self, gui_app *app) {
    pred_view *v = self;
    fut_request(v);
    if (!v->have_model || v->n == 0) return;
    int cont = v->cont_pending;
    if (!cont && v->submitted_session == v->session && v->submitted_n == v->n && v->trace) return;
    if (cont && v->session_has_cont) {   // continue again: from the drawn points alone
        new_session(v);
    }
    if (!v->trace) v->trace = gl_trace_new(GL_TRACE_PREDICT, sizeof(pred_frame), MAX_FRAMES, NULL);
    pred_job *j = gl_calloc(1, sizeof *j);
    j->pe = &v->pe;
    j->trace = v->trace;
    gl_trace_retain(j->trace);
    j->session = v->session;
    j->bias = v->bias;
    j->n = v->n;
    j->pts = gl_malloc(sizeof(float) * 3 * (size_t)v->n);
    j->ver = gl_malloc(sizeof(uint64_t) * (size_t)v->n);
    for (int i = 0; i < v->n; i++) {
        // offsets; the eos flag of point i says the pen lifts after it
        j->pts[3 * i] = i ? v->px[i] - v->px[i - 1] : 0;
        j->pts[3 * i + 1] = i ? v->py[i] - v->py[i - 1] : 0;
        j->pts[3 * i + 2] = v->up[i];
        j->ver[i] = v->pver[i];
    }
    if (cont) {
        j->cont = CONT_STEPS;
        j->x_limit = (v->canvas.x + v->canvas.w - v->ox) / v->pxu - 6 - v->px[0];
        j->seed = v->seed++;
        v->cont_pending = 0;
        v->session_has_cont = 1;
        v->mode = MODE_CONT;
        v->cont_stopped = 0;
        v->pos = v->n > 0 ? v->n - 1 : 0;   // reveal from the last drawn point on
    }
    gl_job job = { pred_job_run, pred_job_free, j, { NULL } };
    gl_engine_submit(app->engine, &job);
    v->submitted_session = v->session;
    v->submitted_n = v->n;
}

// ---- drawing ---------------------------------------------------------------------------------
// The grid of frame f as an RGB image over the canvas colour (peak = 1).
static void grid_rgb(const pred_frame *f, uint8_t *out) {
    float hi = f->gmax > 0 ? f->gmax : 1;
    for (int i = 0; i < PG * PG; i++) hw_heat_rgb(sqrtf(f->grid[i] / hi), canvas_col, out + 3 * i);
}

// Adds frames (trail_upto, upto] to the trail; starts over when going back.
static void trail_update(pred_view *v, int upto) {
    int tw = v->canvas.w / TRAIL_PX, th = v->canvas.h / TRAIL_PX;
    if (tw < 1 || th < 1) return;
    if (tw != v->tw || th != v->th || !v->trail || v->trail_pxu != v->pxu) {
        free(v->trail); free(v->trail_rgb);
        v->tw = tw; v->th = th; v->trail_pxu = v->pxu;
        v->trail = gl_calloc((size_t)tw * th, sizeof(float));
        v->trail_rgb = gl_malloc((size_t)tw * th * 3);
        v->trail_upto = -1;
    }
    if (upto < v->trail_upto) { memset(v->trail, 0, sizeof(float) * (size_t)tw * th); v->trail_upto = -1; }
    // view unit -> trail cell: canvas pixel (ox + pxu * x) / TRAIL_PX
    float s = v->pxu / TRAIL_PX, cx0 = (v->ox - v->canvas.x) / TRAIL_PX,
          cy0 = (v->oy - v->canvas.y) / TRAIL_PX;
    for (int i = v->trail_upto + 1; i <= upto; i++) {
        const pred_frame *f = frame_at(v, i);
        float hi = f->gmax > 0 ? f->gmax : 1;
        // each grid cell covers every trail cell its square overlaps (a
        // grid cell can be larger than a trail cell: no holes between them)
        for (int gi = 0; gi < PG; gi++)
            for (int gj = 0; gj < PG; gj++) {
                float x = v->fx[i] + f->gx0 + gj * f->cell, y = v->fy[i] + f->gy0 + gi * f->cell;
                int tx0 = (int)floorf(cx0 + x * s), ty0 = (int)floorf(cy0 + y * s);
                int tx1 = (int)ceilf(cx0 + (x + f->cell) * s) - 1, ty1 = (int)ceilf(cy0 + (y + f->cell) * s) - 1;
                if (tx1 < tx0) tx1 = tx0;
                if (ty1 < ty0) ty1 = ty0;
                float val = f->grid[gi * PG + gj] / hi;
                for (int ty = ty0 < 0 ? 0 : ty0; ty <= ty1 && ty < th; ty++)
                    for (int tx = tx0 < 0 ? 0 : tx0; tx <= tx1 && tx < tw; tx++) {
                        float *t = &v->trail[ty * tw + tx];
                        if (val > *t) *t = val;
                    }
            }
    }
    v->trail_upto = upto;
}

// The line (drawn points and the network's) within the canvas: when part of
// it lies outside (a smaller window, a long continuation), the view is
// scaled down (never up) and centred so that all of it shows, a sixth of the
// width kept free on the right for the pen to go on (and its futures). Not
// while the pen is down: the pen's points stay where the mouse puts them.
static void fit_view(pred_view *v) {
    if (v->pen_down || v->n == 0) return;
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int i = 0; i < v->n + v->ncache; i++) {
        float x = i < v->n ? v->px[i] : v->fx[i - v->n], y = i < v->n ? v->py[i] : v->fy[i - v->n];
        x0 = fminf(x0, x); y0 = fminf(y0, y); x1 = fmaxf(x1, x); y1 = fmaxf(y1, y);
    }
    gui_rect c = v->canvas;
    float m = 12;
    if (c.w <= 2 * m || c.h <= 2 * m) return;
    if (v->ox + v->pxu * x0 >= c.x + 2 && v->ox + v->pxu * x1 <= c.x + c.w - 2 && v->oy + v->pxu * y0 >= c.y + 2 &&
        v->oy + v->pxu * y1 <= c.y + c.h - 2)
        return;   // all of it shows
    float bw = fmaxf(x1 - x0, 1), bh = fmaxf(y1 - y0, 1), room = c.w - 2 * m - c.w / 6.0f;
    float s = fminf(v->pxu, fminf(room / bw, (c.h - 2 * m) / bh));
    v->pxu = s;
    v->ox = c.x + m + (room - bw * s) / 2 - x0 * s;
    v->oy = c.y + m + ((c.h - 2 * m) - bh * s) / 2 - y0 * s;
}

static void draw_line_ink(pred_view *v, gui_ctx *ui, int shown) {
    hw_xform xf = { v->pxu, v->ox, v->oy };
    // drawn strokes
    hw_draw_strokes(ui, v->px, v->py, v->up, v->n, xf, 2.2f, gui_rgb(235, 235, 240));
    // the network's points up to the shown one (they start where the pen left off)
    int n = frames(v), a = v->nuser_frames;
    if (shown >= a && a > 0 && a <= n) {
        int m = shown - a + 2;   // from the last drawn point
        hw_draw_strokes(ui, v->fx + a - 1, v->fy + a - 1, v->fup + a - 1, m, xf, 2.2f, gui_rgb(120, 200, 255));
    }
}

static void draw_zoom(pred_view *v, gui_ctx *ui, gui_rect r, const pred_frame *f) {
    gui_rect_fill(ui, r, gui_col_panel);
    gui_text(ui, r.x + 8, r.y + 6, GUI_FONT_NORMAL, gui_col_text, "Next point: density around the pen");
    int side = r.w - 16;
    if (side > r.h - 150) side = r.h - 150;
    if (side < 40) side = 40;
    gui_rect g = gui_r(r.x + 8, r.y + 30, side, side);
    v->zoom = g;
    if (!f) {
        gui_rect_fill(ui, g, canvas_col);
        gui_text(ui, g.x + 10, g.y + 10, GUI_FONT_SMALL, gui_col_dim, "draw on the canvas");
        return;
    }
    grid_rgb(f, v->tip_rgb);
    gui_image(ui, g, v->tip_rgb, PG, PG);
    // the pen tip (the grid's centre) and each component's centre, sized by π
    float span = PG * f->cell, sc = side / span;
    float cx = g.x + (-f->gx0) * sc, cy = g.y + (-f->gy0) * sc;
    gui_line(ui, cx - 6, cy, cx + 6, cy, 1, gui_rgb(255, 255, 255));
    gui_line(ui, cx, cy - 6, cx, cy + 6, 1, gui_rgb(255, 255, 255));
    for (int k = 0; k < v->pe.m->cfg.M; k++) {
        float mx = cx + f->mix.mu[k][0] * sc, my = cy + f->mix.mu[k][1] * sc;
        if (mx < g.x || my < g.y || mx > g.x + g.w || my > g.y + g.h) continue;
        int s = 2 + (int)(8 * f->mix.pi[k]);
        gui_rect_frame(ui, gui_r((int)mx - s, (int)my - s, 2 * s + 1, 2 * s + 1), gui_rgba(120, 200, 255, 200));
    }
    gui_rect_frame(ui, g, gui_col_button);
    int y = g.y + g.h + 8;
    gui_textf(ui, g.x, y, GUI_FONT_SMALL, gui_col_dim, "%.1f x %.1f pen units, peak %.3g per unit^2", span, span,
              f->gmax);
    y += 22;
    gui_textf(ui, g.x, y, GUI_FONT_NORMAL, gui_col_text, "end of stroke  %.1f%%", 100 * f->mix.e);
    y += 22;
    gui_rect bar = gui_r(g.x, y, g.w, 12);
    gui_rect_fill(ui, bar, gui_col_button);
    gui_rect_fill(ui, gui_r(bar.x, bar.y, (int)(bar.w * f->mix.e + 0.5f), bar.h), gui_rgb(250, 210, 90));
    y += 22;
    gui_textf(ui, g.x, y, GUI_FONT_SMALL, gui_col_dim, "%s point; boxes: the %d means",
              f->generated ? "network's" : "your", v->pe.m->cfg.M);
    const hw_fut_set *fs = fut_shown(v);
    if (fs) {   // the key to the faint lines on the canvas
        y += 22;
        gui_line(ui, g.x, y + 7, g.x + 18, y + 7, 1.2f, gui_rgba(150, 215, 255, 160));
        gui_textf(ui, g.x + 24, y, GUI_FONT_SMALL, gui_col_dim, "%d possible futures, %d points (F)", fs->n, fs->P);
        y += 18;
        gui_textf(ui, g.x + 24, y, GUI_FONT_SMALL, gui_col_dim, "from point %d, bias %.1f", fs->fed + 1, v->fut_bias);
    }
}

// The toolbar (wrapping in a narrow window); returns the y under it and the mode's words in *mode.
static int pred_toolbar(pred_view *v, gui_app *app, gui_rect area, int writing, const char **mode_out) {
    gui_ctx *ui = app->ui;
    int m = 12, x = area.x + m, y = area.y + 10;
    gui_flow fl = gui_flow_begin(x, y, area.x + area.w - m, 28, 6, 6);
    if (gui_button(ui, gui_id("pred.cont"), gui_flow_put(&fl, 100), writing ? "Stop" : "Continue")) {
        if (writing) stop_continue(v, app);
        else start_continue(v, app);
    }
    if (gui_button(ui, gui_id("pred.replay"), gui_flow_put(&fl, 80), "Replay") && frames(v)) set_replay(v, 0, 1);
    if (gui_button(ui, gui_id("pred.clear"), gui_flow_put(&fl, 70), "Clear")) clear_all(v, app);
    if (gui_button(ui, gui_id("pred.export"), gui_flow_put(&fl, 80), "Export")) export_all(v, app);
    float b = v->bias;
    if (gui_slider(ui, gui_id("pred.bias"), gui_flow_put(&fl, 170), &b, 0, 5, "bias %.2f") && b != v->bias) {
        v->bias = b;
        gl_engine_stop(app->engine);
        new_session(v);
        v->mode = MODE_LIVE;
    }
    gui_slider(ui, gui_id("pred.speed"), gui_flow_put(&fl, 160), &v->speed, 5, 600, "%.0f points/s");
    if (v->fut) {
        gui_toggle(ui, gui_id("pred.fut"), gui_flow_put(&fl, 90), "futures", &v->fut_on);
        gui_slider(ui, gui_id("pred.futn"), gui_flow_put(&fl, 120), &v->fut_n, 10, 50, "%.0f futures");
        gui_slider(ui, gui_id("pred.futb"), gui_flow_put(&fl, 140), &v->fut_bias, 0, 3, "their bias %.1f");
        v->fut_n = roundf(v->fut_n);
    }
    const char *mode = writing   ? "the network is writing"
        : v->mode == MODE_CONT   ? "the network wrote on from your pen"
        : v->mode == MODE_REPLAY ? "replay: the density of every step"
                                 : "live";
    gui_rect mr = gui_flow_put(&fl, gui_text_w(ui, GUI_FONT_NORMAL, "the network wrote on from your pen") + 8);
    gui_text(ui, mr.x + 4, mr.y + 6, GUI_FONT_NORMAL, gui_col_dim, mode);
    *mode_out = mode;
    return gui_flow_end(&fl) + 12;
}

static void pred_draw(void *self, gui_app *app, gui_rect area) {
    pred_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12, x = area.x + m;
    int writing =
        v->mode == MODE_CONT && !v->cont_stopped && (gl_engine_busy(app->engine) || (int)v->pos < frames(v) - 1);
    const char *mode;
    int y = pred_toolbar(v, app, area, writing, &mode);
    int zw = area.w >= 1100 ? 300 : 260;
    gui_rect c = gui_r(x, y, area.w - 2 * m - zw - 10, area.y + area.h - m - y - 40);
    v->canvas = c;
    fit_view(v);
    gui_mark(ui, c, "canvas");
    gui_rect_fill(ui, c, canvas_col);
    gui_clip(ui, c);
    int shown = shown_index(v);
    const pred_frame *f = shown >= 0 ? frame_at(v, shown) : NULL;
    if (v->mode == MODE_REPLAY && f) {
        trail_update(v, shown);
        for (int i = 0; i < v->tw * v->th; i++) hw_heat_rgb(sqrtf(v->trail[i]), canvas_col, v->trail_rgb + 3 * i);
        gui_image(ui, gui_r(c.x, c.y, v->tw * TRAIL_PX, v->th * TRAIL_PX),
                  v->trail_rgb, v->tw, v->th);
    }
    if (f) {   // the density around the tip
        grid_rgb(f, v->tip_rgb);
        float sx = v->ox + v->pxu * (v->fx[shown] + f->gx0), sy = v->oy + v->pxu * (v->fy[shown] + f->gy0);
        int side = (int)(v->pxu * f->cell * PG + 0.5f);
        if (v->mode != MODE_REPLAY) gui_image(ui, gui_r((int)sx, (int)sy, side, side), v->tip_rgb, PG, PG);
    }
    if (v->n == 0) {
        const char *msg =
            v->have_model ? "write here with the mouse: the network predicts where the pen goes next" : v->model_err;
        gui_text(ui, c.x + 14, c.y + 12, GUI_FONT_NORMAL, gui_col_dim, msg);
    }
    const hw_fut_set *fs = fut_shown(v);
    if (fs) {
        hw_xform fxf = { v->pxu, v->ox, v->oy };
        hw_fut_draw(ui, fs, fxf, 1.2f, gui_rgba(150, 215, 255, 70));
    }
    draw_line_ink(v, ui, shown);
    if (f) {
        float tx = v->ox + v->pxu * v->fx[shown], ty = v->oy + v->pxu * v->fy[shown];
        gui_rect_frame(ui, gui_r((int)tx - 3, (int)ty - 3, 7, 7), gui_col_accent);
    }
    gui_clip_reset(ui);
    gui_rect_frame(ui, c, gui_col_button);

    // Timeline of the session's steps.
    int n = frames(v);
    gui_rect tl = gui_r(c.x, c.y + c.h + 10, c.w, 22);
    gui_mark(ui, tl, "timeline");
    double pos;
    if (n && (gui_scrub(ui, gui_id("pred.timeline"), tl, n, &pos) & GUI_SCRUB_HELD)) set_replay(v, pos, 0);
    if (gui_timeline_bar(ui, tl, n, shown) >= 0 && v->nuser_frames < n) {   // where the network took over
        int a = (int)((double)v->nuser_frames * tl.w / n);
        gui_rect_fill(ui, gui_r(tl.x + a, tl.y + tl.h - 5, tl.w - a, 5), gui_rgb(120, 200, 255));
    }
    gui_rect zr = gui_r(area.x + area.w - m - zw, c.y, zw, c.h);
    gui_mark(ui, zr, "density");
    gui_clip(ui, zr);
    draw_zoom(v, ui, zr, f);
    gui_clip_reset(ui);

    if (!v->have_model) snprintf(app->status, sizeof app->status, "no prediction model: %s", v->model_err);
    else
        snprintf(app->status, sizeof app->status, "%d points drawn | step %d/%d | bias %.2f | %s | %s%s", v->n,
                 shown + 1, n, v->bias, mode, v->weights, f ? "" : " | draw on the canvas");
}

// ---- export ---------------------------------------------------------------------------------
// Ctrl+G (the shell): the replay -- every step of the line with its density
// left behind as a trail -- at the replay's speed (gif_export.h).
static int pred_gif(void *self, gui_app *app, const char *path) {
    pred_view *v = self;
    (void)app;
    int n = frames(v);
    if (n < 2) { gl_seterr("nothing to replay: write on the canvas first"); return -1; }
    gif_trail_step *st = gl_calloc((size_t)n, sizeof *st);
    for (int i = 0; i < n; i++) {
        const pred_frame *f = frame_at(v, i);
        st[i] = (gif_trail_step){ v->fx[i], v->fy[i], v->fup[i], f->gx0, f->gy0, f->cell, f->gmax, f->grid };
    }
    int rc = gif_trail(path, st, n, PG, 1.0 / v->speed);
    free(st);
    return rc;
}

static void export_all(pred_view *v, gui_app *app) {
    int shown = shown_index(v), n = frames(v);
    if (v->n < 2 || shown < 0) { gui_app_note(app, "nothing to export: the canvas is empty"); return; }
    // The whole line: the drawn points, then every point the network wrote
    // on (all of the continuation, however far the pen on screen has got).
    int a = v->nuser_frames, extra = n > a ? n - a : 0, tot = v->n + extra;
    shown = n - 1;
    float *pts = gl_malloc(sizeof(float) * 3 * (size_t)tot);
    float lx = 0, ly = 0;
    for (int i = 0; i < tot; i++) {
        float x = i < v->n ? v->px[i] : v->fx[a + i - v->n], y = i < v->n ? v->py[i] : v->fy[a + i - v->n];
        int up = i < v->n ? v->up[i] : v->fup[a + i - v->n];
        pts[3 * i] = x - lx; pts[3 * i + 1] = y - ly; pts[3 * i + 2] = (float)up;
        lx = x; ly = y;
    }
    static const char *const exts[3] = { ".svg", ".png", "-density.png" };
    char base[1200], p[1300];
    if (gui_export_name(app, "prediction", exts, 3, base, sizeof base) != 0) { free(pts); return; }
    snprintf(p, sizeof p, "%s.svg", base);
    int rc = gl_hw_save_svg(p, pts, tot, 0);   // millimetres, at a handwriting size
    snprintf(p, sizeof p, "%s.png", base);
    if (!rc) rc = gl_hw_save_png(p, pts, tot, 160);
    free(pts);
    // the density trail of every step up to the shown one, with the line over it
    if (!rc) {
        trail_update(v, shown < n ? shown : n - 1);
        int s = TRAIL_PX;
        gl_image im = gl_image_new(v->tw * s, v->th * s, canvas_col.r, canvas_col.g, canvas_col.b);
        for (int ty = 0; ty < v->th; ty++)
            for (int tx = 0; tx < v->tw; tx++) {
                uint8_t c[3];
                hw_heat_rgb(sqrtf(v->trail[ty * v->tw + tx]), canvas_col, c);
                gl_image_rect(&im, tx * s, ty * s, s, s, c[0], c[1], c[2]);
            }
        float ox = v->ox - v->canvas.x, oy = v->oy - v->canvas.y;
        for (int i = 1; i < v->n; i++)
            if (!v->up[i - 1])
                gl_image_line(&im, ox + v->pxu * v->px[i - 1], oy + v->pxu * v->py[i - 1],
                              ox + v->pxu * v->px[i], oy + v->pxu * v->py[i], 1.6f, 235, 235, 240);
        for (int i = a; i <= shown && i > 0; i++)
            if (!v->fup[i - 1])
                gl_image_line(&im, ox + v->pxu * v->fx[i - 1], oy + v->pxu * v->fy[i - 1],
                              ox + v->pxu * v->fx[i], oy + v->pxu * v->fy[i], 1.6f, 120, 200, 255);
        snprintf(p, sizeof p, "%s-density.png", base);
        rc = gl_image_save_png(&im, p);
        gl_image_free(&im);
    }
    if (rc) gui_app_note(app, "export failed: %s", gl_err());
    else gui_app_note(app, "saved %s.svg, .png and -density.png", base);
}

static int pred_probe(void *self, const char *what, double *out) {
    pred_view *v = self;
    int shown = shown_index(v);
    const pred_frame *f = shown >= 0 ? frame_at(v, shown) : NULL;
    if (!strcmp(what, "input_version")) *out = (double)v->version;
    else if (!strcmp(what, "shown_version")) {   // the newest drawn point whose density is on screen
        int k = v->nuser_frames;
        *out = v->mode == MODE_LIVE && k > 0 ? (double)frame_at(v, k - 1)->ver : -1;
    } else if (!strcmp(what, "points")) *out = v->n;
    else if (!strcmp(what, "frames")) *out = frames(v);
    else if (!strcmp(what, "user_frames")) *out = v->nuser_frames;
    else if (!strcmp(what, "step")) *out = shown;
    else if (!strcmp(what, "mode")) *out = v->mode;
    else if (!strcmp(what, "playing")) *out = v->playing;
    else if (!strcmp(what, "have_model")) *out = v->have_model;
    else if (!strcmp(what, "cells")) *out = v->have_model ? v->pe.m->cfg.H : 0;
    else if (!strcmp(what, "bias")) *out = v->bias;
    else if (!strcmp(what, "futures_on")) *out = v->fut_on && v->fut;
    else if (!strcmp(what, "futures") || !strcmp(what, "futures_version") || !strcmp(what, "futures_ms")) {
        const hw_fut_set *fs = fut_shown(v);   // the futures on screen: how many, from which point, how long
        *out = !fs ? (what[7] ? -1 : 0) : what[7] == 0 ? fs->n : what[8] == 'v' ? (double)fs->ver : fs->ms;
    }
    else if (!strcmp(what, "canvas_x")) *out = v->canvas.x;
    else if (!strcmp(what, "canvas_y")) *out = v->canvas.y;
    else if (!strcmp(what, "canvas_w")) *out = v->canvas.w;
    else if (!strcmp(what, "canvas_h")) *out = v->canvas.h;
    else if (!strcmp(what, "px_per_unit")) *out = v->pxu;
    else if (!strcmp(what, "trail_cells")) {   // trail cells above a tenth of their step's peak
        int c = 0;
        if (v->mode != MODE_REPLAY || !v->trail) return -1;
        for (int i = 0; i < v->tw * v->th; i++) c += v->trail[i] > 0.1f;
        *out = c;
    } else if (!f) return -1;
    else if (!strcmp(what, "tip_x")) *out = v->ox + v->pxu * v->fx[shown];
    else if (!strcmp(what, "tip_y")) *out = v->oy + v->pxu * v->fy[shown];
    else if (!strcmp(what, "eos")) *out = f->mix.e;
    else if (!strcmp(what, "generated")) *out = f->generated;
    else if (!strcmp(what, "grid_half")) *out = v->pxu * -f->gx0;   // half the grid's side on screen
    else if (!strcmp(what, "peak_x") || !strcmp(what, "peak_y")) {   // screen centre of the densest cell
        int best = 0;
        for (int i = 1; i < PG * PG; i++) if (f->grid[i] > f->grid[best]) best = i;
        if (what[5] == 'x') *out = v->ox + v->pxu * (v->fx[shown] + f->gx0 + (best % PG + 0.5f) * f->cell);
        else *out = v->oy + v->pxu * (v->fy[shown] + f->gy0 + (best / PG + 0.5f) * f->cell);
    } else return -1;
    return 0;
}

static int pred_animating(void *self, gui_app *app) {
    pred_view *v = self;
    (void)app;
    int n = frames(v);
    if (v->mode == MODE_CONT && !v->cont_stopped && (int)v->pos < n - 1) return 1;   // the network's pen is revealed
    if (v->fut_on && hw_fut_busy(v->fut)) return 1;   // futures on their way
    return v->mode == MODE_REPLAY && v->playing;
}

const gui_view_class view_prediction = {
    GUI_VIEW_CORE("Prediction", pred), .request = pred_request, .animating = pred_animating, .probe = pred_probe,
    .quit = pred_quit, .gif = pred_gif,
};
