// view_cells: inside the handwriting networks. A line is written by the
// prediction network (a scribble, seed s) or the synthesis network (one of a
// few sentences, seed s); every LSTM cell of the chosen layer is shown as a
// row of a heat map over the line's points (gl_hw_cells_run: the cell state c
// or the output h after each point), rows in an order that puts similar cells
// together (gl_hw_cells_order: a greedy nearest-neighbour chain on 1 −
// correlation), each row on its own scale (its lowest to its highest value
// over the line, the jet colour map). Above it, the line; hovering a row
// colours the strokes by that cell, a click keeps it. Beside the cell: the
// pen feature it follows best over this line (gl_hw_cells_features) and r.
//
// The job (engine thread) writes the line, runs the cells, and orders them
// for every layer and both states; it hands the whole result over through
// `ready` (an atomic slot the view empties in update), since this is one
// analysis of a finished line, not frames the view plays.
#include "view.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_util.h"
#include "hw_gui.h"
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NNET 2
#define PRED_STEPS 300
static const char *const net_files[NNET] = { "handwriting-predict.safetensors", "handwriting-synth.safetensors" };
static const char *const net_labels[NNET] = { "Prediction", "Synthesis" };
static const char *const state_labels[2] = { "cell state c", "output h" };
static const char *const texts[] = {
    "a move to stop mr gaitskell", "the quick brown fox jumps", "he said it was never so good",
    "from the window she saw the sea", "nothing is left of the old town",
};
#define NTEXT ((int)(sizeof texts / sizeof *texts))

typedef struct {
    uint64_t version;
    int net, seed;
    char text[64];
    char err[300];             // not empty: the run failed, this says why
    int n, L, H;
    float *pts;                // (n, 3) raw offsets
    gl_hw_cells cells;
    int *order;                // (2, L, H): the order of each state's layer
    float *r;                  // (2, L, GL_HW_FEAT_N, H): r of each cell with each feature over this line
} cells_result;

static void result_free(cells_result *r) {
    if (!r) return;
    free(r->pts); gl_hw_cells_free(&r->cells); free(r->order); free(r->r);
    free(r);
}

// The engine side: the networks (touched by the engine thread only) and the slot for results.
typedef struct {
    gl_hw_model *m[NNET];
    char path[NNET][1024];
    _Atomic(cells_result *) ready;
    atomic_ullong inflight;    // the version of the job submitted and not yet over (0: none)
} cells_engine;

typedef struct { cells_engine *e; uint64_t version; int net, seed; } cells_job;

static void job_free(void *p) {
    cells_job *j = p;
    unsigned long long v = j->version;
    atomic_compare_exchange_strong(&j->e->inflight, &v, 0ULL);
    free(j);
}

static void publish(cells_engine *e, cells_result *r) { result_free(atomic_exchange(&e->ready, r)); }

static int analyse(cells_result *r, gl_hw_model *m, const atomic_int *cancel) {
    gl_hw_sample_opts so = {0};
    so.bias = 1; so.seed = (uint64_t)r->seed; so.max_steps = m->cfg.K > 0 ? 0 : PRED_STEPS;
    gl_hw_result res = {0};
    if (gl_hw_sample(m, m->cfg.K > 0 ? r->text : NULL, &so, &res, NULL) < 0) return -1;
    r->n = res.n; r->pts = res.pts; res.pts = NULL;
    gl_hw_result_free(&res);
    if (r->n < 2) { gl_seterr("the network wrote fewer than 2 points"); return -1; }
    if (gl_hw_cells_run(m, r->pts, r->n, r->text, &r->cells)) return -1;
    int n = r->n, L = r->L = r->cells.L, H = r->H = r->cells.H;
    float *f = gl_malloc(sizeof(float) * GL_HW_FEAT_N * (size_t)n);
    gl_hw_cells_features(r->pts, n, f);
    r->order = gl_malloc(sizeof(int) * 2 * (size_t)L * H);
    r->r = gl_malloc(sizeof(float) * 2 * (size_t)L * GL_HW_FEAT_N * H);
    for (int s = 0; s < 2; s++)
        for (int l = 0; l < L; l++) {
            if (gl_job_cancelled(cancel)) { free(f); return 1; }
            const float *act = gl_hw_cells_layer(&r->cells, l, s);
            gl_hw_cells_order(act, n, H, r->order + ((size_t)s * L + l) * H);
            gl_hw_corr c;
            gl_hw_corr_init(&c, H);
            gl_hw_corr_add(&c, act, f, n);
            gl_hw_corr_result(&c, r->r + ((size_t)s * L + l) * GL_HW_FEAT_N * H);
            gl_hw_corr_free(&c);
        }
    free(f);
    return 0;
}

static int job_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    cells_job *j = p;
    cells_engine *e = j->e;
    cells_result *r = gl_calloc(1, sizeof *r);
    r->version = j->version; r->net = j->net; r->seed = j->seed;
    if (j->net == 1) snprintf(r->text, sizeof r->text, "%s", texts[j->seed % NTEXT]);
    if (!e->m[j->net]) e->m[j->net] = gl_hw_load(e->path[j->net], 0);
    int rc = e->m[j->net] ? analyse(r, e->m[j->net], cancel) : -1;
    if (rc == 1) { result_free(r); return 1; }
    if (rc < 0) snprintf(r->err, sizeof r->err, "%s", gl_err());
    publish(e, r);
    return 0;
}

// ---- the view ----------------------------------------------------------------------
typedef struct {
    cells_engine e;
    cells_result *shown;
    uint64_t version;
    int net, seed, layer, state;
    int hover, pinned;         // rows (cells) under the pointer / kept by a click; -1: none
    uint8_t *rgb;              // the heat map of (shown, layer, state): H rows of n pixels
    int rgb_for[4];            // what rgb holds: version, layer, state, valid
    gui_rect heat, ink;
    uint64_t failures_seen;
} cells_view;

static const char *const cells_shortcuts[] = {
    "N / P\tnext / previous line (seed)",
    "T\tthe other network (prediction / synthesis)",
    "L\tnext layer",
    "S\tcell state c / output h",
    "Up / Down\tthe cell above / below the one kept",
    "hover or click a row\tcolour the line by that cell (a click keeps it; Escape lets go)",
    NULL,
};

static void *cells_init(gui_app *app) {
    cells_view *v = gl_calloc(1, sizeof *v);
    for (int k = 0; k < NNET; k++) {
        const char *p = app->asset_path ? app->asset_path(net_files[k]) : net_files[k];
        snprintf(v->e.path[k], sizeof v->e.path[k], "%s", p);
    }
    atomic_init(&v->e.ready, NULL);
    atomic_init(&v->e.inflight, 0ULL);
    v->version = 1; v->seed = 1; v->hover = v->pinned = -1;
    return v;
}

static void cells_free(void *self) {
    cells_view *v = self;
    result_free(atomic_exchange(&v->e.ready, NULL));
    result_free(v->shown);
    for (int k = 0; k < NNET; k++) gl_hw_free(v->e.m[k]);
    free(v->rgb);
    free(v);
}

static void changed(cells_view *v) { v->version++; }

static int cells_event(void *self, gui_app *app, const gui_event *ev) {
    cells_view *v = self;
    (void)app;
    const cells_result *r = v->shown;
    if (ev->type == GUI_EV_MOVE || ev->type == GUI_EV_DOWN) {
        int row = -1;
        if (r && !r->err[0] && v->heat.h > 0 && gui_inside(v->heat, ev->x, ev->y))
            row = (int)((long)(ev->y - v->heat.y) * r->H / v->heat.h);
        if (ev->type == GUI_EV_MOVE) { v->hover = row; return 0; }
        if (row < 0 || ev->button != 1) return 0;
        v->pinned = v->pinned == row ? -1 : row;
        return 1;
    }
    if (ev->type != GUI_EV_KEY || ev->mods & (GUI_MOD_CTRL | GUI_MOD_ALT)) return 0;
    int L = r && !r->err[0] ? r->L : 1, H = r && !r->err[0] ? r->H : 1;
    switch (ev->key) {
    case 'n': v->seed++; changed(v); return 1;
    case 'p': if (v->seed > 1) { v->seed--; changed(v); } return 1;
    case 't': v->net = !v->net; v->layer = 0; v->pinned = -1; changed(v); return 1;
    case 'l': v->layer = (v->layer + 1) % L; return 1;
    case 's': v->state = !v->state; return 1;
    case GUI_KEY_UP: v->pinned = v->pinned > 0 ? v->pinned - 1 : 0; return 1;
    case GUI_KEY_DOWN: v->pinned = v->pinned < 0 ? 0 : v->pinned + 1 < H ? v->pinned + 1 : H - 1; return 1;
    case GUI_KEY_ESCAPE: if (v->pinned < 0) return 0; v->pinned = -1; return 1;
    default: return 0;
    }
}

static void cells_update(void *self, gui_app *app, double dt) {
    cells_view *v = self;
    (void)dt;
    cells_result *r = atomic_exchange(&v->e.ready, NULL);
    if (r && r->version == v->version) {
        int same_net = v->shown && v->shown->net == r->net;
        result_free(v->shown);
        v->shown = r;
        if (!r->err[0] && v->layer >= r->L) v->layer = 0;
        if (!same_net || (!r->err[0] && v->pinned >= r->H)) v->pinned = -1;
        if (r->err[0]) gui_app_note(app, "cells: %s", r->err);
    } else result_free(r);
    gui_app_note_engine_failure(app, &v->failures_seen);
}

static void cells_request(void *self, gui_app *app) {
    cells_view *v = self;
    if ((v->shown && v->shown->version == v->version) || atomic_load(&v->e.inflight) == v->version) return;
    if (atomic_load(&v->e.ready)) return;   // a result not taken yet (update takes it next frame): maybe this one
    cells_job *j = gl_calloc(1, sizeof *j);
    j->e = &v->e; j->version = v->version; j->net = v->net; j->seed = v->seed;
    atomic_store(&v->e.inflight, v->version);
    gl_job job = { job_run, job_free, j, { NULL } };
    gl_engine_submit(app->engine, &job);
}

static int cells_animating(void *self, gui_app *app) {
    cells_view *v = self;
    (void)app;
    return atomic_load(&v->e.inflight) != 0 || atomic_load(&v->e.ready) != NULL;
}

// ---- drawing ---------------------------------------------------------------------------
static const int *order_of(const cells_view *v) {
    const cells_result *r = v->shown;
    return r->order + ((size_t)v->state * r->L + v->layer) * r->H;
}

static void range_of(const float *act, int n, int H, int j, float *lo, float *hi) {
    *lo = INFINITY; *hi = -INFINITY;
    for (int t = 0; t < n; t++) { *lo = fminf(*lo, act[(size_t)t * H + j]); *hi = fmaxf(*hi, act[(size_t)t * H + j]); }
    if (*hi - *lo < 1e-6f) { *lo -= 1e-3f; *hi += 1e-3f; }
}

static void build_rgb(cells_view *v) {
    const cells_result *r = v->shown;
    if (v->rgb_for[3] && v->rgb_for[0] == (int)r->version && v->rgb_for[1] == v->layer && v->rgb_for[2] == v->state)
        return;
    int n = r->n, H = r->H;
    free(v->rgb);
    v->rgb = gl_malloc((size_t)n * H * 3);
    const float *act = gl_hw_cells_layer(&r->cells, v->layer, v->state);
    const int *ord = order_of(v);
    for (int i = 0; i < H; i++) {
        float lo, hi;
        range_of(act, n, H, ord[i], &lo, &hi);
        for (int t = 0; t < n; t++) {
            uint8_t *px = v->rgb + ((size_t)i * n + t) * 3;
            gl_jet((act[(size_t)t * H + ord[i]] - lo) / (hi - lo), px, px + 1, px + 2);
        }
    }
    v->rgb_for[0] = (int)r->version; v->rgb_for[1] = v->layer; v->rgb_for[2] = v->state; v->rgb_for[3] = 1;
}

// The line fitted into box, coloured by cell j's activation (j < 0: ink colour).
static void draw_line(cells_view *v, gui_ctx *ui, gui_rect box, int j) {
    const cells_result *r = v->shown;
    float x0, y0, x1, y1;
    gl_hw_bbox(r->pts, r->n, &x0, &y0, &x1, &y1);
    float s = fminf((box.w - 8) / fmaxf(x1 - x0, 1e-3f), (box.h - 8) / fmaxf(y1 - y0, 1e-3f));
    float ox = box.x + 4 + (box.w - 8 - (x1 - x0) * s) / 2, oy = box.y + 4 + (box.h - 8 - (y1 - y0) * s) / 2;
    const float *act = j >= 0 ? gl_hw_cells_layer(&r->cells, v->layer, v->state) : NULL;
    float lo = 0, hi = 1;
    if (act) range_of(act, r->n, r->H, j, &lo, &hi);
    float px = 0, py = 0;
    for (int i = 0; i < r->n; i++) {
        float nx = px + r->pts[3 * i], ny = py + r->pts[3 * i + 1];
        if (i > 0 && r->pts[3 * (i - 1) + 2] < 0.5f) {
            gui_color c = gui_rgb(30, 30, 40);
            if (act) gl_jet((act[(size_t)i * r->H + j] - lo) / (hi - lo), &c.r, &c.g, &c.b);
            gui_line(ui, ox + (px - x0) * s, oy + (py - y0) * s, ox + (nx - x0) * s, oy + (ny - y0) * s, 2.5f, c);
        }
        px = nx; py = ny;
    }
}

static void draw_toolbar(cells_view *v, gui_ctx *ui, gui_rect area, int *y) {
    gui_flow fl = gui_flow_begin(area.x + 12, area.y + 12, area.x + area.w - 12, 28, 6, 6);
    int net = v->net;
    if (gui_choice(ui, GUI_ID("cells.net"), gui_flow_put(&fl, 200), net_labels, NNET, &net) && net != v->net) {
        v->net = net; v->layer = 0; v->pinned = -1; changed(v);
    }
    if (gui_button(ui, GUI_ID("cells.prev"), gui_flow_put(&fl, 56), "< Prev") && v->seed > 1) { v->seed--; changed(v); }
    if (gui_button(ui, GUI_ID("cells.next"), gui_flow_put(&fl, 56), "Next >")) { v->seed++; changed(v); }
    const cells_result *r = v->shown;
    int L = r && !r->err[0] ? r->L : 1;
    static const char *const layer_labels[4] = { "Layer 1", "Layer 2", "Layer 3", "Layer 4" };
    gui_choice(ui, GUI_ID("cells.layer"), gui_flow_put(&fl, 80 * L), layer_labels, L, &v->layer);
    gui_choice(ui, GUI_ID("cells.state"), gui_flow_put(&fl, 220), state_labels, 2, &v->state);
    *y = gui_flow_end(&fl) + 8;
}

static void cells_draw(void *self, gui_app *app, gui_rect area) {
    cells_view *v = self;
    gui_ctx *ui = app->ui;
    int y;
    draw_toolbar(v, ui, area, &y);
    const cells_result *r = v->shown;
    int x = area.x + 12, w = area.w - 24, bottom = area.y + area.h - 12, lh = ui->line_h[GUI_FONT_NORMAL];
    if (!r || r->err[0]) {
        gui_text(ui, x, y + 10, GUI_FONT_NORMAL, gui_col_text,
                 r ? r->err : "writing a line and reading its cells...");
        v->heat = v->ink = gui_r(0, 0, 0, 0);
        snprintf(app->status, sizeof app->status, "Cells: %s", r ? "failed" : "working");
        return;
    }
    const int *ord = order_of(v);
    int row = v->hover >= 0 ? v->hover : v->pinned, cell = row >= 0 && row < r->H ? ord[row] : -1;
    char s[300];
    if (r->net == 1) snprintf(s, sizeof s, "\"%s\", seed %d: %d points", r->text, r->seed, r->n);
    else snprintf(s, sizeof s, "a scribble of the prediction network, seed %d: %d points", r->seed, r->n);
    gui_text(ui, x, y, GUI_FONT_NORMAL, gui_col_text, s);
    y += lh + 4;
    int ink_h = (bottom - y) / 4;
    v->ink = gui_r(x, y, w, ink_h);
    gui_rect_fill(ui, v->ink, gui_rgb(250, 250, 246));
    draw_line(v, ui, v->ink, cell);
    gui_mark(ui, v->ink, "ink");
    y += ink_h + 6;
    if (cell >= 0) {
        const float *rr = r->r + ((size_t)v->state * r->L + v->layer) * GL_HW_FEAT_N * r->H + cell;
        int bf = 0;
        for (int f = 1; f < GL_HW_FEAT_N; f++) if (fabsf(rr[(size_t)f * r->H]) > fabsf(rr[(size_t)bf * r->H])) bf = f;
        snprintf(s, sizeof s, "layer %d cell %d%s: follows %s best on this line (r %+.2f)", v->layer + 1, cell,
                 v->pinned == row ? " (kept)" : "", gl_hw_feature_name(bf), rr[(size_t)bf * r->H]);
    } else snprintf(s, sizeof s, "layer %d, %s of %d cells, similar cells together; hover or click a row", v->layer + 1,
                    state_labels[v->state], r->H);
    gui_text(ui, x, y, GUI_FONT_NORMAL, gui_col_text, s);
    y += lh + 4;
    build_rgb(v);
    v->heat = gui_r(x, y, w, bottom - y);
    gui_image(ui, v->heat, v->rgb, r->n, r->H);
    gui_mark(ui, v->heat, "heat");
    if (row >= 0 && row < r->H) {
        // the row between two white lines (a row can be under a pixel high)
        float ry0 = v->heat.y + (float)row * v->heat.h / r->H - 1.5f;
        float ry1 = v->heat.y + (row + 1.0f) * v->heat.h / r->H + 1.5f;
        gui_line(ui, (float)v->heat.x, ry0, (float)(v->heat.x + v->heat.w), ry0, 1.0f, gui_rgb(255, 255, 255));
        gui_line(ui, (float)v->heat.x, ry1, (float)(v->heat.x + v->heat.w), ry1, 1.0f, gui_rgb(255, 255, 255));
    }
    snprintf(app->status, sizeof app->status, "Cells: %s network, layer %d, %s", net_labels[r->net], v->layer + 1,
             state_labels[v->state]);
}

static int cells_probe(void *self, const char *what, double *out) {
    cells_view *v = self;
    const cells_result *r = v->shown && !v->shown->err[0] ? v->shown : NULL;
    if (!strcmp(what, "input_version")) *out = (double)v->version;
    else if (!strcmp(what, "shown_version")) *out = v->shown ? (double)v->shown->version : -1;
    else if (!strcmp(what, "ready")) *out = r != NULL;
    else if (!strcmp(what, "net")) *out = v->net;
    else if (!strcmp(what, "layer")) *out = v->layer;
    else if (!strcmp(what, "state")) *out = v->state;
    else if (!strcmp(what, "seed")) *out = v->seed;
    else if (!strcmp(what, "points")) *out = r ? r->n : -1;
    else if (!strcmp(what, "cells")) *out = r ? r->H : -1;
    else if (!strcmp(what, "layers")) *out = r ? r->L : -1;
    else if (!strcmp(what, "pinned")) *out = v->pinned;
    else if (!strcmp(what, "pinned_cell")) *out = r && v->pinned >= 0 ? order_of(v)[v->pinned] : -1;
    else if (gui_probe_rect(what, "heat", v->heat, out) || gui_probe_rect(what, "ink", v->ink, out)) return 0;
    else if (!strncmp(what, "act ", 4)) {   // "act T J": cell J after point T, the layer and state shown
        int t, j;
        if (!r || sscanf(what + 4, "%d %d", &t, &j) != 2 || t < 0 || t >= r->n || j < 0 || j >= r->H) return -1;
        *out = gl_hw_cells_layer(&r->cells, v->layer, v->state)[(size_t)t * r->H + j];
    } else if (!strncmp(what, "row ", 4)) {   // "row I": the cell shown in row I
        int i = atoi(what + 4);
        if (!r || i < 0 || i >= r->H) return -1;
        *out = order_of(v)[i];
    }
    else return -1;
    return 0;
}

const gui_view_class view_cells = {
    GUI_VIEW_CORE("Cells", cells), .request = cells_request, .animating = cells_animating, .probe = cells_probe,
};
