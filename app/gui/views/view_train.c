// view_train: the Train view. A person picks a model (the attention
// classifier, DRAW, or a handwriting network on the built-in Hershey corpus
// or IAM-OnDB), sets the learning rate and batch size, starts
// training from scratch or from a checkpoint, and watches it learn: the loss
// per step (raw, faint, and smoothed), held-out figures at intervals, the
// learning rate, throughput and ETA; every few seconds the current weights
// run on fixed inputs (the probes), kept in a history strip to scrub back.
// Training runs on a worker of its own (train_run.h), the same gl_train
// session `glimpse train` runs, so the other views stay usable meanwhile.
#include "view.h"
#include "gl_util.h"
#include "gui_plot.h"
#include "gui_timeline.h"
#include "gui_shell.h"
#include "view_train.h"
#include "hw_gui.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

static const char *const model_labels[TRAIN_NMODEL] = { "Attention", "DRAW", "Writing", "Search" };
static const char *const task_labels[2] = { "synthesis", "prediction" };
static const char *const layer_labels[3] = { "1", "2", "3" };
static const char *const key_labels[3] = { "softmax", "gaussian", "feature" };
static const char *const hidden_labels[4] = { "32", "64", "128", "256" };
static const int hidden_vals[4] = { 32, 64, 128, 256 };

// The run's curves as the GUI thread holds them: copied from the worker's
// arrays (only the new points, under its lock) once a frame, then drawn
// without holding anything the worker waits for.
typedef struct {
    long run_seq;
    int n, ne, cap, ecap;
    float *x, *loss, *smooth, *lr, *acc, *ex, *eloss, *eacc;
} train_curves;

typedef struct {
    train_run run;
    train_config cfg;
    int hidden_sel, hw_cells_sel, hw_layers_sel;
    char lr_buf[24], batch_buf[16], epochs_buf[16], limit_buf[16], t_buf[8], read_buf[8], write_buf[8],
        resume_buf[1024];
    char hw_data_buf[1024], hw_lines_buf[16], hw_iters_buf[16];
    train_curves cv;
    gui_plot_x px;
    int sel;                 // probe shown (index into the history); -1: the newest
    long seen_probe_seq;
    train_probe shown;       // a copy of the probe on screen
    int shown_cap;
    int shown_model;
    // what the shown probe draws, made once when it changes: the attention
    // masks as images; the written points as a pen path and the window as
    // an image (handwriting)
    uint8_t *mask_px;
    float *hx, *hy;
    uint8_t *hup, *hphi_px;
    int hn, hU;
    double probe_sum;        // for tests: a checksum of the shown probe
    double next_draw;
    char train_dir[900];
    long saved_seen;
    uint64_t failures_seen;
    float first_smooth, last_smooth;   // for tests: the curve's first and last smoothed loss
} train_view;

static const char *const train_shortcuts[] = {
    "Return (in a field)\tstart training",
    "Space\tpause / resume",
    "Ctrl+S\tsave a checkpoint",
    "Left / Right\tearlier / later probe in the history",
    "End\tfollow the newest probe",
    "F\tcurves: show the whole run again",
    "wheel / drag on a plot\tzoom / pan the step axis; hover for values",
    NULL,
};

// Where checkpoints and weights made here go: $GLIMPSE_TRAIN_DIR, else
// $XDG_DATA_HOME/glimpse/train, else ~/.local/share/glimpse/train.
static void train_dir(char *out, size_t n) {
    const char *e = getenv("GLIMPSE_TRAIN_DIR"), *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");
    if (e && *e) snprintf(out, n, "%s", e);
    else if (x && *x) snprintf(out, n, "%s/glimpse/train", x);
    else if (h && *h) snprintf(out, n, "%s/.local/share/glimpse/train", h);
    else snprintf(out, n, "glimpse-train");
}

static int make_dirs(gui_app *app, const char *dir) {
    if (gl_mkdirs(dir) == 0) return 0;
    gui_app_note(app, "%s", gl_err());
    return -1;
}

static void *train_init(gui_app *app) {
    (void)app;
    train_view *v = gl_calloc(1, sizeof *v);
    if (train_run_init(&v->run) != 0) { free(v); return NULL; }
    train_config_defaults(&v->cfg);
    v->hidden_sel = 1;
    snprintf(v->lr_buf, sizeof v->lr_buf, "%g", v->cfg.lr);
    snprintf(v->batch_buf, sizeof v->batch_buf, "%d", v->cfg.batch);
    snprintf(v->epochs_buf, sizeof v->epochs_buf, "%d", v->cfg.epochs);
    snprintf(v->limit_buf, sizeof v->limit_buf, "%d", 60000);
    snprintf(v->t_buf, sizeof v->t_buf, "%d", v->cfg.T);
    snprintf(v->read_buf, sizeof v->read_buf, "%d", v->cfg.read_n);
    snprintf(v->write_buf, sizeof v->write_buf, "%d", v->cfg.write_n);
    snprintf(v->hw_data_buf, sizeof v->hw_data_buf, "%s", v->cfg.hw_data);
    snprintf(v->hw_lines_buf, sizeof v->hw_lines_buf, "%d", v->cfg.hw_lines);
    snprintf(v->hw_iters_buf, sizeof v->hw_iters_buf, "%d", v->cfg.hw_iters);
    v->hw_cells_sel = 2;   // 128
    v->hw_layers_sel = v->cfg.hw_layers - 1;
    gui_plot_x_init(&v->px);
    v->sel = -1;
    train_dir(v->train_dir, sizeof v->train_dir);
    return v;
}

static void train_quit(void *self, int wait) { train_run_quit(&((train_view *)self)->run, wait); }

static void train_free(void *self) {
    train_view *v = self;
    train_run_free(&v->run);
    free(v->shown.v);
    free(v->mask_px); free(v->hx); free(v->hy); free(v->hup); free(v->hphi_px);
    train_curves *c = &v->cv;
    free(c->x); free(c->loss); free(c->smooth); free(c->lr); free(c->acc); free(c->ex); free(c->eloss); free(c->eacc);
    free(v);
}

// ---- actions ---------------------------------------------------------------------------
static int field_long(gui_app *app, const char *buf, const char *what, long lo, long hi, long *out) {
    char *end;
    long x = strtol(buf, &end, 10);
    if (end == buf || *end || x < lo || x > hi) {
        gui_app_note(app, "%s must be a whole number from %ld to %ld", what, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

static void start(train_view *v, gui_app *app) {
    train_config c = v->cfg;
    char *end;
    double lr = strtod(v->lr_buf, &end);
    if (end == v->lr_buf || *end || !(lr >= 1e-6 && lr <= 1)) {
        gui_app_note(app, "learning rate must be a number from 1e-6 to 1");
        return;
    }
    long batch, epochs = c.epochs, limit = 60000, T = c.T, rn = c.read_n, wn = c.write_n, lines = c.hw_lines,
                iters = c.hw_iters;
    if (field_long(app, v->batch_buf, "batch", 1, 1000, &batch)) return;
    if (c.model != TRAIN_HANDWRITING && (field_long(app, v->epochs_buf, "epochs", 1, 1000, &epochs) ||
                                         field_long(app, v->limit_buf, "training digits", 100, 60000, &limit))) return;
    if (c.model == TRAIN_HANDWRITING) {
        if (field_long(app, v->hw_lines_buf, "lines", 10, 1000000, &lines) ||
            field_long(app, v->hw_iters_buf, "updates", 1, 100000000, &iters))
            return;
        const char *d = v->hw_data_buf[0] ? v->hw_data_buf : "hershey";
        if (strcmp(d, "hershey") && (strncmp(d, "iam:", 4) || !d[4])) {
            gui_app_note(app, "data must be hershey or iam:DIR (a directory in IAM-OnDB's layout)");
            return;
        }
        snprintf(c.hw_data, sizeof c.hw_data, "%s", d);
        c.hw_lines = (int)lines; c.hw_iters = (int)iters;
        c.hw_cells = hidden_vals[v->hw_cells_sel];
        c.hw_layers = v->hw_layers_sel + 1;
    }
    if (c.model == TRAIN_DRAW &&
        (field_long(app, v->t_buf, "T", 1, GL_DRAW_MAXT, &T) ||
         field_long(app, v->read_buf, "read N", 1, GL_DRAW_MAXN, &rn) ||
         field_long(app, v->write_buf, "write N", 1, GL_DRAW_MAXN, &wn)))
        return;
    if (c.model != TRAIN_HANDWRITING && batch > limit) {
        gui_app_note(app, "batch (%ld) is larger than the training set (%ld)", batch, limit);
        return;
    }
    c.lr = lr; c.batch = (int)batch; c.limit = (int)limit;
    c.epochs = (int)epochs; c.draw_epochs = (int)epochs; c.clut_epochs = (int)epochs;
    c.T = (int)T; c.read_n = (int)rn; c.write_n = (int)wn;
    c.hidden = hidden_vals[v->hidden_sel];
    snprintf(c.resume, sizeof c.resume, "%s", v->resume_buf);
    if (c.resume[0] && !gl_file_exists(c.resume)) { gui_app_note(app, "no checkpoint at %s", c.resume); return; }
    v->cfg = c;
    v->sel = -1;
    v->px.fit = 1;
    v->first_smooth = v->last_smooth = NAN;
    train_run_start(&v->run, &c);
}

// The view that runs weights of the current run (GUI_USE_*).
static int use_slot(train_view *v) {
    switch (v->run.model) {
    case TRAIN_ATTENTION: return GUI_USE_ATTENTION;
    case TRAIN_DRAW: return GUI_USE_DRAW;
    case TRAIN_CLUTTERED: return -1;   // the Search view loads its weights from assets/
    default: return v->run.hw_spec.synth ? GUI_USE_SYNTH : GUI_USE_PREDICT;
    }
}

static const char *const use_view_names[GUI_USE_N] = { "Attention", "DRAW", "Synthesis", "Prediction" };

// The shipped weights the view of slot runs when nothing came from here: of
// the kind (attention key, DRAW with or without attention) last handed over.
static void shipped_weights(gui_app *app, int slot, char *out, size_t n) {
    static const char *const keys[3] = { "softmax", "gaussian", "feature" };
    char name[64];
    int k = app->use_key >= 0 && app->use_key < 3 ? app->use_key : 0;
    if (slot == GUI_USE_ATTENTION) snprintf(name, sizeof name, "attention-%s.safetensors", keys[k]);
    else if (slot == GUI_USE_DRAW) snprintf(name, sizeof name, "draw-%s.safetensors", k ? "attention" : "noattention");
    else snprintf(name, sizeof name, "handwriting-%s.safetensors", slot == GUI_USE_SYNTH ? "synth" : "predict");
    snprintf(out, n, "%s", app->asset_path ? app->asset_path(name) : name);
}

// 1 when the view of this run's model runs weights handed over from here (not its shipped ones).
static int runs_from_here(train_view *v, gui_app *app) {
    int slot = use_slot(v);
    char shipped[1024];
    if (slot < 0 || !app->use_path[slot][0] || app->use_wait) return 0;
    shipped_weights(app, slot, shipped, sizeof shipped);
    return strcmp(shipped, app->use_path[slot]) != 0;
}

// "Shipped weights": the view takes its shipped file back, the way it takes a run's.
static void use_shipped(train_view *v, gui_app *app) {
    if (!runs_from_here(v, app)) return;
    int slot = use_slot(v);
    shipped_weights(app, slot, app->use_path[slot], sizeof app->use_path[slot]);
    app->use_seq[slot]++;
    gui_app_note(app, "the %s view runs its shipped weights again (%s)", use_view_names[slot], app->use_path[slot]);
}

static void save(train_view *v, gui_app *app, int weights_only) {
    train_state s = train_run_state(&v->run);
    if (s == TRAIN_IDLE || s == TRAIN_LOADING) { gui_app_note(app, "nothing trained yet: start first"); return; }
    if (make_dirs(app, v->train_dir) != 0) return;
    char path[1024];
    long step = atomic_load(&v->run.npts);
    if (v->run.model == TRAIN_ATTENTION) {
        if (weights_only)
            snprintf(path, sizeof path, "%s/attention-%s-trained.safetensors", v->train_dir, key_labels[v->cfg.key]);
        else
            snprintf(path, sizeof path, "%s/attention-%s-step%ld.safetensors.ckpt", v->train_dir,
                     key_labels[v->cfg.key], step);
    } else if (v->run.model == TRAIN_HANDWRITING) {
        const char *task = v->run.hw_spec.synth ? "synth" : "predict";
        if (weights_only) snprintf(path, sizeof path, "%s/handwriting-%s-trained.safetensors", v->train_dir, task);
        else snprintf(path, sizeof path, "%s/handwriting-%s-step%ld.safetensors.ckpt", v->train_dir, task, step);
    } else if (v->run.model == TRAIN_CLUTTERED) {
        const char *var = v->cfg.clut_attention ? "attention" : "noattention";
        if (weights_only) snprintf(path, sizeof path, "%s/cluttered-%s-trained.safetensors", v->train_dir, var);
        else snprintf(path, sizeof path, "%s/cluttered-%s-step%ld.safetensors.ckpt", v->train_dir, var, step);
    } else {
        if (weights_only) snprintf(path, sizeof path, "%s/draw-trained.safetensors", v->train_dir);
        else snprintf(path, sizeof path, "%s/draw-step%ld.safetensors.ckpt", v->train_dir, step);
    }
    train_run_save(&v->run, path, weights_only);
    if (weights_only && use_slot(v) >= 0) {
        int use = use_slot(v);
        snprintf(app->use_path[use], sizeof app->use_path[0], "%s", path);
        app->use_key = v->run.model == TRAIN_DRAW ? v->cfg.draw_attention : v->cfg.key;
        app->use_wait = 1;   // handed over once the file is written (train_update)
    }
}

static void toggle_pause(train_view *v) {
    train_state s = train_run_state(&v->run);
    if (s == TRAIN_RUNNING || s == TRAIN_LOADING) train_run_pause(&v->run);
    else if (s == TRAIN_PAUSED) train_run_resume(&v->run);
}

static int nprobes(train_view *v) {
    pthread_mutex_lock(&v->run.mu);
    int n = v->run.nprobes;
    pthread_mutex_unlock(&v->run.mu);
    return n;
}

static int train_event(void *self, gui_app *app, const gui_event *ev) {
    train_view *v = self;
    if (ev->type != GUI_EV_KEY) return 0;
    int n = nprobes(v);
    if (ev->key == GUI_KEY_SPACE && !ev->mods) { toggle_pause(v); return 1; }
    if (ev->key == 's' && ev->mods == GUI_MOD_CTRL) { save(v, app, 0); return 1; }
    if (ev->key == GUI_KEY_LEFT && n > 0) {
        v->sel = (v->sel < 0 ? n - 1 : v->sel) - 1;
        if (v->sel < 0) v->sel = 0;
        return 1;
    }
    if (ev->key == GUI_KEY_RIGHT && n > 0) { if (v->sel >= 0 && ++v->sel >= n - 1) v->sel = -1; return 1; }
    if (ev->key == GUI_KEY_END) { v->sel = -1; return 1; }
    if (ev->key == 'f' && !ev->mods) { v->px.fit = 1; return 1; }
    return 0;
}

// Appends the worker's new points to the view's copies (all of them again
// when a new run replaced the arrays). Called with r->mu held.
static float *grow(float *a, int cap) {
    float *b = realloc(a, (size_t)(cap > 0 ? cap : 1) * sizeof(float));
    if (!b) abort();
    return b;
}
static void curves_take(train_curves *c, train_run *r) {
    if (c->run_seq != r->run_seq) { c->run_seq = r->run_seq; c->n = c->ne = 0; }
    int n = atomic_load_explicit(&r->npts, memory_order_acquire),
        ne = atomic_load_explicit(&r->nevals, memory_order_acquire);
    if (n > c->cap) {
        c->cap = n + 1024;
        c->x = grow(c->x, c->cap); c->loss = grow(c->loss, c->cap); c->smooth = grow(c->smooth, c->cap);
        c->lr = grow(c->lr, c->cap); c->acc = grow(c->acc, c->cap);
    }
    if (ne > c->ecap) {
        c->ecap = ne + 256;
        c->ex = grow(c->ex, c->ecap); c->eloss = grow(c->eloss, c->ecap); c->eacc = grow(c->eacc, c->ecap);
    }
    for (int i = c->n; i < n; i++) {
        c->x[i] = r->x[i];
        c->loss[i] = r->loss[i];
        c->smooth[i] = r->smooth[i];
        c->lr[i] = r->lr[i];
        c->acc[i] = r->acc[i];
    }
    for (int i = c->ne; i < ne; i++) { c->ex[i] = r->ex[i]; c->eloss[i] = r->eloss[i]; c->eacc[i] = r->eacc[i]; }
    c->n = n; c->ne = ne;
}

// A mask over its digit: jet colours of the mask (scaled to its maximum),
// darkened where there is no ink, at 28x28.
static void mask_image(const float *digit, const float *mask, uint8_t *px) {
    float mx = 1e-12f;
    for (int i = 0; i < 196; i++) if (mask[i] > mx) mx = mask[i];
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            uint8_t c[3];
            gl_jet(mask[(y / 2) * 14 + x / 2] / mx, &c[0], &c[1], &c[2]);
            float ink = 0.35f + 0.65f * digit[y * 28 + x];
            for (int k = 0; k < 3; k++) px[(y * 28 + x) * 3 + k] = (uint8_t)(c[k] * ink);
        }
}

// What the shown probe draws, made once when it changes.
static void probe_prepare(train_view *v) {
    const train_probe *p = &v->shown;
    double sum = 0;
    for (int i = 0; i < p->len; i++) if (isfinite(p->v[i])) sum += p->v[i] * (1 + (i % 7));
    v->probe_sum = sum;
    if (v->shown_model == TRAIN_ATTENTION) {
        if (!v->mask_px) v->mask_px = gl_malloc((size_t)TRAIN_PROBE_DIGITS * 10 * 784 * 3);
        for (int d = 0; d < TRAIN_PROBE_DIGITS; d++) {
            const float *o = p->v + (size_t)d * (784 + 10 * 196);
            for (int s = 0; s < 10; s++) mask_image(o, o + 784 + s * 196, v->mask_px + ((size_t)d * 10 + s) * 784 * 3);
        }
    } else if (v->shown_model == TRAIN_HANDWRITING) {
        int n = (int)p->v[0], U = (int)p->v[1];
        v->hn = n; v->hU = U;
        free(v->hx); free(v->hy); free(v->hup); free(v->hphi_px);
        v->hx = gl_malloc((size_t)(n + 1) * sizeof(float));
        v->hy = gl_malloc((size_t)(n + 1) * sizeof(float));
        v->hup = gl_malloc((size_t)n + 1);
        v->hphi_px = NULL;
        const float *pts = p->v + 2;
        float x = 0, y = 0;
        for (int i = 0; i < n; i++) {   // offsets to positions; a non-finite offset (an untrained net) stays put
            if (isfinite(pts[i * 3]) && isfinite(pts[i * 3 + 1])) { x += pts[i * 3]; y += pts[i * 3 + 1]; }
            v->hx[i] = x; v->hy[i] = y; v->hup[i] = pts[i * 3 + 2] > 0.5f;
        }
        if (U > 0 && n > 0) {   // the window, characters down and points across, square-root colour scale
            const float *phi = pts + (size_t)n * 3;
            float mx = 1e-12f;
            for (int i = 0; i < n * (U + 1); i++) if (phi[i] > mx) mx = phi[i];
            v->hphi_px = gl_malloc((size_t)n * (U + 1) * 3);
            for (int u = 0; u <= U; u++)
                for (int t = 0; t < n; t++)
                    hw_heat_rgb(sqrtf(fmaxf(phi[(size_t)t * (U + 1) + u], 0) / mx), gui_col_panel,
                                v->hphi_px + ((size_t)u * n + t) * 3);
        }
    }
}

static void train_update(void *self, gui_app *app, double dt) {
    (void)dt;
    train_view *v = self;
    train_run *r = &v->run;
    pthread_mutex_lock(&r->mu);
    curves_take(&v->cv, r);
    int n = r->nprobes, fresh = 0;
    int idx = v->sel < 0 || v->sel >= n ? n - 1 : v->sel;
    if (idx >= 0 &&
        (r->probe_seq != v->seen_probe_seq || v->shown.step != r->probes[idx].step ||
         v->shown_model != r->probes[idx].model)) {
        int len = r->probes[idx].len;
        if (v->shown_cap < len) {
            free(v->shown.v);
            v->shown.v = gl_malloc((size_t)len * sizeof(float));
            v->shown_cap = len;
        }
        float *keep = v->shown.v;
        v->shown = r->probes[idx];
        v->shown.v = keep;
        memcpy(v->shown.v, r->probes[idx].v, (size_t)len * sizeof(float));
        v->shown_model = r->probes[idx].model;
        v->seen_probe_seq = r->probe_seq;
        fresh = 1;
    } else if (idx < 0) v->shown.step = -1;
    long saved = r->saved_seq;
    char saved_path[1024], msg[1200];
    snprintf(saved_path, sizeof saved_path, "%s", r->saved);
    snprintf(msg, sizeof msg, "%s", r->msg);
    pthread_mutex_unlock(&r->mu);
    if (fresh) probe_prepare(v);
    if (saved != v->saved_seen) {
        v->saved_seen = saved;
        // "use these weights": the file is written; the view that shows this model takes it
        int use = use_slot(v);
        if (app->use_wait && !strcmp(saved_path, app->use_path[use])) {
            static const char *const views[GUI_USE_N] = { "attention", "draw", "synthesis", "prediction" };
            app->use_wait = 0;
            app->use_seq[use]++;
            app->want_view = gui_view_find(views[use]) + 1;
            gui_app_note(app, "the %s view now runs %s", use_view_names[use], saved_path);
        } else gui_app_note(app, "%s", msg);
    }
}

// ---- drawing ---------------------------------------------------------------------------
// Handwriting: the sentence written with the weights of the probe's step
// (left), and the soft window over its characters against the points
// written (right, as the Synthesis view's alignment figure).
static void draw_hw_probe(train_view *v, gui_ctx *ui, gui_rect r) {
    int lh = ui->line_h[GUI_FONT_SMALL], n = v->hn, U = v->hU;
    gui_rect pen = U > 0 ? gui_r(r.x + 8, r.y, (r.w - 24) / 2, r.h - 8) : gui_r(r.x + 8, r.y, r.w - 16, r.h - 8);
    gui_rect_fill(ui, pen, gui_rgb(246, 244, 238));
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (int i = 0; i < n; i++) {
        if (v->hx[i] < x0) x0 = v->hx[i];
        if (v->hx[i] > x1) x1 = v->hx[i];
        if (v->hy[i] < y0) y0 = v->hy[i];
        if (v->hy[i] > y1) y1 = v->hy[i];
    }
    if (n > 1 && x1 > x0 && y1 >= y0) {
        float sx = (pen.w - 20) / (x1 - x0), sy = (pen.h - 20) / (y1 - y0 > 1e-6f ? y1 - y0 : 1e-6f);
        float sc = sx < sy ? sx : sy;
        hw_xform xf = { sc, pen.x + 10 + ((pen.w - 20) - sc * (x1 - x0)) / 2 - sc * x0,
                        pen.y + 10 + ((pen.h - 20) - sc * (y1 - y0)) / 2 - sc * y0 };
        gui_clip(ui, pen);
        hw_draw_strokes(ui, v->hx, v->hy, v->hup, n, xf, 2.0f, gui_rgb(20, 30, 60));
        gui_clip_reset(ui);
    } else gui_text(ui, pen.x + 10, pen.y + 10, GUI_FONT_SMALL, gui_rgb(80, 80, 80), "no points written");
    if (U <= 0 || !v->hphi_px) return;
    // characters down (the last row: past the end), points across
    gui_rect fig = gui_r(pen.x + pen.w + 8 + 22, r.y, r.w - 16 - pen.w - 8 - 22, r.h - 8 - lh - 4);
    if (fig.w < 20 || fig.h < 10) return;
    gui_image(ui, fig, v->hphi_px, n, U + 1);
    const char *text = TRAIN_HW_TEXT;
    for (int u = 0; u <= U; u++) {
        int y = fig.y + (int)((u + 0.5) * fig.h / (U + 1)) - lh / 2;
        char ch[4] = { u < U && u < (int)strlen(text) ? text[u] : '#', 0 };
        if (ch[0] == ' ') ch[0] = '_';
        if (fig.h / (U + 1) >= lh * 2 / 3 || u % 2 == 0) gui_text(ui, fig.x - 14, y, GUI_FONT_SMALL, gui_col_dim, ch);
    }
    gui_textf(ui, fig.x, fig.y + fig.h + 4, GUI_FONT_SMALL, gui_col_dim,
              "window phi(t,u): characters down (# = end), %d points across", n);
}

// Cluttered MNIST: each probe image with the box of every glimpse (blue
// first, red last), the path of their centres, and the class it named.
static void draw_clut_probe(train_view *v, gui_ctx *ui, gui_rect r) {
    int gap = 12, lh = ui->line_h[GUI_FONT_SMALL];
    int cell = (r.w - 16 - (TRAIN_PROBE_DIGITS - 1) * gap) / TRAIN_PROBE_DIGITS, ch = r.h - lh - 10;
    if (ch < cell) cell = ch;
    if (cell < 16) return;
    const size_t stride = GL_CLUT_D + 1 + GL_CLUT_MAXT * 3;
    for (int d = 0; d < TRAIN_PROBE_DIGITS; d++) {
        const float *o = v->shown.v + (size_t)d * stride;
        int x = r.x + 8 + d * (cell + gap), y = r.y;
        gui_rect box = gui_r(x, y, cell, cell);
        gui_heat(ui, box, o, GL_CLUT_A, GL_CLUT_A, 0, 1, 1);
        int T = (int)o[GL_CLUT_D];
        if (T < 1 || T > GL_CLUT_MAXT) continue;
        float k = (float)cell / GL_CLUT_A;
        gui_clip(ui, box);
        float px = 0, py = 0;
        for (int t = 0; t < T; t++) {
            const float *w = o + GL_CLUT_D + 1 + 3 * t;
            if (!isfinite(w[0]) || !isfinite(w[1]) || !isfinite(w[2])) break;
            float cx = x + (w[0] - 0.5f) * k, cy = y + (w[1] - 0.5f) * k, h = 0.5f * w[2] * k;
            uint8_t c[3];
            gl_jet(T > 1 ? (float)t / (float)(T - 1) : 1.0f, &c[0], &c[1], &c[2]);
            gui_color col = gui_rgb(c[0], c[1], c[2]);
            float lw = t == T - 1 ? 2.0f : 1.0f;
            gui_line(ui, cx - h, cy - h, cx + h, cy - h, lw, col);
            gui_line(ui, cx + h, cy - h, cx + h, cy + h, lw, col);
            gui_line(ui, cx + h, cy + h, cx - h, cy + h, lw, col);
            gui_line(ui, cx - h, cy + h, cx - h, cy - h, lw, col);
            if (t > 0) gui_line(ui, px, py, cx, cy, 1.0f, gui_rgb(255, 255, 255));
            px = cx; py = cy;
        }
        gui_clip(ui, gui_r(0, 0, 0, 0));
        gui_textf(ui, x, y + cell + 2, GUI_FONT_SMALL, gui_col_dim, "says %d", v->shown.pred[d]);
    }
}

static void draw_probe(train_view *v, gui_ctx *ui, gui_rect r) {
    gui_mark(ui, r, "probe");
    gui_rect_fill(ui, r, gui_col_panel);
    int lh = ui->line_h[GUI_FONT_SMALL];
    if (v->shown.step < 0 || !v->shown.v) {
        gui_text_wrap(ui, r.x + 10, r.y + 10, r.w - 20, 3, GUI_FONT_NORMAL, gui_col_dim,
                      "Probes appear here once training starts: the model on fixed inputs every few seconds.");
        return;
    }
    char title[160];
    const char *what = v->shown_model == TRAIN_ATTENTION ? "Masks of 3 test digits"
        : v->shown_model == TRAIN_DRAW                   ? "4 samples and one reconstruction"
        : v->shown_model == TRAIN_CLUTTERED              ? "3 cluttered test images searched"
        : v->hU > 0 ? "\"" TRAIN_HW_TEXT "\" written, and the window over its characters"
                    : "300 points written (no text: a prediction network)";
    snprintf(title, sizeof title, "%s at step %ld (%.0f s of training)%s", what,
             v->shown.step, v->shown.seconds, v->sel < 0 ? "  live" : "  (history: End returns to live)");
    gui_text(ui, r.x + 8, r.y + 4, GUI_FONT_SMALL, gui_col_text, title);
    int top = r.y + lh + 10;
    if (v->shown_model == TRAIN_HANDWRITING) { draw_hw_probe(v, ui, gui_r(r.x, top, r.w, r.y + r.h - top)); return; }
    if (v->shown_model == TRAIN_ATTENTION) {
        int cols = 11, gap = 4, rows = TRAIN_PROBE_DIGITS;
        int cell = (r.w - 16 - (cols - 1) * gap) / cols, ch = (r.y + r.h - top - 8 - (rows - 1) * gap) / rows - lh;
        if (ch < cell) cell = ch;
        if (cell < 8) return;
        for (int d = 0; d < rows; d++) {
            const float *o = v->shown.v + (size_t)d * (784 + 10 * 196);
            int y = top + d * (cell + lh + gap);
            gui_heat(ui, gui_r(r.x + 8, y, cell, cell), o, 28, 28, 0, 1, 1);
            gui_textf(ui, r.x + 8, y + cell, GUI_FONT_SMALL, gui_col_dim, "says %d", v->shown.pred[d]);
            for (int s = 0; s < 10; s++) {
                int x = r.x + 8 + (s + 1) * (cell + gap);
                gui_image(ui, gui_r(x, y, cell, cell), v->mask_px + ((size_t)d * 10 + s) * 784 * 3, 28, 28);
                if (d == 0) gui_textf(ui, x, y + cell, GUI_FONT_SMALL, gui_col_dim, "t=%d", s + 1);
            }
        }
    } else if (v->shown_model == TRAIN_CLUTTERED) {
        draw_clut_probe(v, ui, gui_r(r.x, top, r.w, r.y + r.h - top));
    } else {
        int n = TRAIN_PROBE_SAMPLES + 2, gap = 10;
        int cell = (r.w - 16 - (n - 1) * gap - 20) / n, ch = r.y + r.h - top - lh - 12;
        if (ch < cell) cell = ch;
        if (cell < 8) return;
        for (int i = 0; i < n; i++) {
            int x = r.x + 8 + i * (cell + gap) + (i >= TRAIN_PROBE_SAMPLES ? 20 : 0);
            gui_heat(ui, gui_r(x, top, cell, cell), v->shown.v + (size_t)i * 784, 28, 28, 0, 1, 1);
            const char *lab = i < TRAIN_PROBE_SAMPLES ? "sample"
                : i == TRAIN_PROBE_SAMPLES            ? "test digit"
                                                      : "reconstruction";
            gui_text(ui, x, top + cell + 2, GUI_FONT_SMALL, gui_col_dim, lab);
        }
    }
}

// The history strip: one tick per probe; click or drag to pick one.
static void draw_history(train_view *v, gui_ctx *ui, gui_rect r) {
    gui_mark(ui, r, "history");
    gui_rect_fill(ui, r, gui_col_panel);
    pthread_mutex_lock(&v->run.mu);
    int n = v->run.nprobes;
    long steps[TRAIN_PROBE_MAX];
    for (int i = 0; i < n; i++) steps[i] = v->run.probes[i].step;
    long total = v->run.total;
    pthread_mutex_unlock(&v->run.mu);
    int lh = ui->line_h[GUI_FONT_SMALL];
    gui_text(ui, r.x + 8, r.y + (r.h - lh) / 2, GUI_FONT_SMALL, gui_col_dim, "history");
    gui_rect s = gui_r(r.x + 70, r.y + 4, r.w - 80, r.h - 8);
    if (n == 0 || s.w < 10) return;
    double span = total > 0 ? (double)total : (double)steps[n - 1] + 1, at;
    if (gui_scrub(ui, GUI_ID("train.history"), s, span, &at) & GUI_SCRUB_HELD) {   // the probe nearest the mouse
        int best = 0;
        for (int i = 1; i < n; i++) if (fabs((double)steps[i] - at) < fabs((double)steps[best] - at)) best = i;
        v->sel = best == n - 1 ? -1 : best;
    }
    int cur = v->sel < 0 || v->sel >= n ? n - 1 : v->sel;
    for (int i = 0; i < n; i++) {
        int x = s.x + (int)((double)steps[i] / span * (s.w - 1));
        gui_rect_fill(ui, gui_r(x, s.y + (i == cur ? 0 : s.h / 4), i == cur ? 3 : 1, i == cur ? s.h : s.h / 2),
                      i == cur ? gui_col_accent : gui_col_dim);
    }
}

static void fmt_time(char *b, size_t n, double s) {
    long x = (long)(s + 0.5);
    if (x >= 3600) snprintf(b, n, "%ldh%02ldm", x / 3600, (x / 60) % 60);
    else snprintf(b, n, "%ld:%02ld", x / 60, x % 60);
}

// The run in numbers under the buttons: its state, its message, step, rate, loss and held-out figures.
static void draw_run_numbers(train_view *v, gui_app *app, gui_rect c, int y, train_state st) {
    gui_ctx *ui = app->ui;
    int lh = ui->line_h[GUI_FONT_SMALL];
    train_run *r = &v->run;
    pthread_mutex_lock(&r->mu);
    double rate = r->rate, eta = r->eta, secs = r->seconds;
    long total = r->total;
    char msg[1200];
    snprintf(msg, sizeof msg, "%s", r->msg);
    pthread_mutex_unlock(&r->mu);
    const train_curves *cv = &v->cv;
    int n = cv->n;
    char e1[32], e2[32];
    fmt_time(e1, sizeof e1, secs);
    fmt_time(e2, sizeof e2, eta);
    gui_textf(ui, c.x, y, GUI_FONT_NORMAL, st == TRAIN_FAILED ? gui_rgb(240, 110, 100) : gui_col_accent, "%s",
              train_state_name(st));
    y += lh + 8;
    // the message under the state, unless it only says the state again ("stopped")
    if (msg[0] && strcmp(msg, train_state_name(st)))
        y += gui_text_wrap(ui, c.x, y, c.w, 4, GUI_FONT_SMALL, gui_col_dim, msg) * lh + 4;
    if (total > 0) {
        gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "step %d of %ld (%.1f%%)", n > 0 ? (int)cv->x[n - 1] : 0,
                  total, n > 0 ? 100.0 * cv->x[n - 1] / total : 0);
        y += lh + 4;
        gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "%.0f %s/s   elapsed %s   ETA %s", rate,
                  r->model == TRAIN_ATTENTION  ? "digits"
                      : r->model == TRAIN_DRAW || r->model == TRAIN_CLUTTERED ? "images"
                                               : "points",
                  e1, st == TRAIN_RUNNING ? e2 : "-");
        y += lh + 4;
        if (n > 0) {
            gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "loss %.4f (smoothed %.4f)%s", cv->loss[n - 1],
                      cv->smooth[n - 1], r->model == TRAIN_HANDWRITING ? " nats/point" : "");
            y += lh + 4;
        }
        int ne = cv->ne;
        if (ne > 0) {
            if (r->model == TRAIN_ATTENTION || r->model == TRAIN_CLUTTERED)
                gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "held-out: accuracy %.1f%%, loss %.3f",
                          100 * cv->eacc[ne - 1], cv->eloss[ne - 1]);
            else if (r->model == TRAIN_DRAW)
                gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "held-out bound %.1f nats", cv->eloss[ne - 1]);
            else
                gui_textf(ui, c.x, y, GUI_FONT_SMALL, gui_col_text, "held-out loss %.3f nats/point", cv->eloss[ne - 1]);
        }
    }
    snprintf(app->status, sizeof app->status, "Train: %s%s%s", train_state_name(st), n > 0 ? ", step " : "", "");
    if (n > 0)
        snprintf(app->status + strlen(app->status), sizeof app->status - strlen(app->status), "%d/%ld  %.0f %s/s",
                 (int)cv->x[n - 1], total, rate, r->model == TRAIN_HANDWRITING ? "points" : "samples");
}

// The controls as a form: a label column and a field column, one row at a time.
typedef struct {
    gui_ctx *ui;
    int x, y, w, lw, rh, gap, lh;
    int submit;   // Return in a field: start
} train_form;

static void form_label(train_form *f, const char *label) {
    gui_text(f->ui, f->x, f->y + (f->rh - f->lh) / 2, GUI_FONT_SMALL, gui_col_dim, label);
}
static gui_rect form_cell(train_form *f) { return gui_r(f->x + f->lw, f->y, f->w - f->lw, f->rh); }
static void form_next(train_form *f) { f->y += f->rh + f->gap; }

static void form_field(train_form *f, uint32_t id, const char *label, char *buf, int cap, const gui_field_opts *o) {
    form_label(f, label);
    f->submit |= gui_field(f->ui, id, form_cell(f), buf, cap, o) & GUI_FIELD_SUBMIT;
    form_next(f);
}
static void form_choice(train_form *f, uint32_t id, const char *label, const char *const *labels, int n, int *sel) {
    form_label(f, label);
    gui_choice(f->ui, id, form_cell(f), labels, n, sel);
    form_next(f);
}
static void form_toggle(train_form *f, uint32_t id, const char *label, int *on) {
    form_label(f, label);
    gui_toggle(f->ui, id, form_cell(f), *on ? "on" : "off", on);
    form_next(f);
}

// The fields of the model picked for the next start.
static void controls_model(train_view *v, train_form *f) {
    if (v->cfg.model == TRAIN_ATTENTION) {
        form_choice(f, GUI_ID("train.key"), "key", key_labels, 3, &v->cfg.key);
        form_choice(f, GUI_ID("train.hidden"), "hidden", hidden_labels, 4, &v->hidden_sel);
    } else if (v->cfg.model == TRAIN_HANDWRITING) {
        form_choice(f, GUI_ID("train.hwtask"), "network", task_labels, 2, &v->cfg.hw_task);
        gui_field_opts fd = { .max_len = 1000, .what = "data", .hint = "hershey | iam:DIR" };
        form_field(f, GUI_ID("train.hwdata"), "data", v->hw_data_buf, sizeof v->hw_data_buf, &fd);
        form_choice(f, GUI_ID("train.hwlayers"), "layers", layer_labels, 3, &v->hw_layers_sel);
        form_choice(f, GUI_ID("train.hwcells"), "cells", hidden_labels, 4, &v->hw_cells_sel);
    } else if (v->cfg.model == TRAIN_CLUTTERED) {
        form_toggle(f, GUI_ID("train.catt"), "attention", &v->cfg.clut_attention);
    } else {
        form_toggle(f, GUI_ID("train.datt"), "attention", &v->cfg.draw_attention);
        gui_field_opts ft = { .numeric = 1, .lo = 1, .hi = GL_DRAW_MAXT, .what = "T" };
        gui_field_opts fn = { .numeric = 1, .lo = 1, .hi = GL_DRAW_MAXN, .what = "grid N" };
        form_label(f, "T, read, write");
        int w3 = (f->w - f->lw - 2 * f->gap) / 3, x = f->x + f->lw;
        char *bufs[3] = { v->t_buf, v->read_buf, v->write_buf };
        static const char *const ids[3] = { "train.T", "train.read", "train.write" };
        for (int i = 0; i < 3; i++)
            f->submit |= gui_field(f->ui, gui_id(ids[i]), gui_r(x + i * (w3 + f->gap), f->y, w3, f->rh), bufs[i],
                                   i ? (int)sizeof v->read_buf : (int)sizeof v->t_buf, i ? &fn : &ft) &
                GUI_FIELD_SUBMIT;
        form_next(f);
    }
}

// The run's fields every model has (the length counted in updates for handwriting, else epochs and digits).
static void controls_run(train_view *v, train_form *f) {
    gui_field_opts flr = { .max_len = 12, .what = "learning rate", .hint = "0.002", .range = "1e-6..1" };
    gui_field_opts fb = { .numeric = 1, .lo = 1, .hi = 1000, .what = "batch" };
    form_field(f, GUI_ID("train.lr"), "learning rate", v->lr_buf, sizeof v->lr_buf, &flr);
    form_field(f, GUI_ID("train.batch"), "batch", v->batch_buf, sizeof v->batch_buf, &fb);
    if (v->cfg.model == TRAIN_HANDWRITING) {
        gui_field_opts fu = { .numeric = 1, .lo = 1, .hi = 100000000, .what = "updates" };
        gui_field_opts fl = { .numeric = 1, .lo = 10, .hi = 1000000, .what = "Hershey lines" };
        form_field(f, GUI_ID("train.hwiters"), "updates", v->hw_iters_buf, sizeof v->hw_iters_buf, &fu);
        form_field(f, GUI_ID("train.hwlines"), "lines", v->hw_lines_buf, sizeof v->hw_lines_buf, &fl);
    } else {
        gui_field_opts fe = { .numeric = 1, .lo = 1, .hi = 1000, .what = "epochs" };
        gui_field_opts fl = { .numeric = 1, .lo = 100, .hi = 60000, .what = "training digits" };
        form_field(f, GUI_ID("train.epochs"), "epochs", v->epochs_buf, sizeof v->epochs_buf, &fe);
        form_field(f, GUI_ID("train.limit"), "digits", v->limit_buf, sizeof v->limit_buf, &fl);
    }
    gui_field_opts fr = { .max_len = 1000, .what = "checkpoint", .hint = "(from scratch)" };
    form_field(f, GUI_ID("train.resume"), "resume from", v->resume_buf, sizeof v->resume_buf, &fr);
}

// Start / Pause / Stop, then Save checkpoint / Use these weights, and the way back to the shipped weights.
static int controls_buttons(train_view *v, gui_app *app, gui_rect c, int y, int busy) {
    gui_ctx *ui = app->ui;
    int rh = 26, gap = 6;
    train_state st = train_run_state(&v->run);
    int bw = (c.w - 2 * gap) / 3;
    if (gui_button(ui, GUI_ID("train.start"), gui_r(c.x, y, bw, rh + 4), busy ? "Restart" : "Start")) start(v, app);
    const char *pl = st == TRAIN_PAUSED ? "Resume" : "Pause";
    if (gui_button(ui, GUI_ID("train.pause"), gui_r(c.x + bw + gap, y, bw, rh + 4), pl)) toggle_pause(v);
    if (gui_button(ui, GUI_ID("train.stop"), gui_r(c.x + 2 * (bw + gap), y, bw, rh + 4), "Stop") && busy)
        train_run_stop(&v->run);
    y += rh + 4 + gap;
    int hw = (c.w - gap) / 2;
    if (gui_button(ui, GUI_ID("train.save"), gui_r(c.x, y, hw, rh), "Save checkpoint")) save(v, app, 0);
    if (gui_button(ui, GUI_ID("train.use"), gui_r(c.x + hw + gap, y, hw, rh), "Use these weights")) save(v, app, 1);
    y += rh + gap;
    // weights of a run in use in their view: the way back to the shipped ones, and which file runs now
    int slot = use_slot(v);
    if (!runs_from_here(v, app)) return y + 8;
    if (gui_button(ui, GUI_ID("train.shipped"), gui_r(c.x, y, hw, rh), "Shipped weights")) use_shipped(v, app);
    else {
        const char *b = strrchr(app->use_path[slot], '/');
        char in_use[300];
        snprintf(in_use, sizeof in_use, "%s runs %s", use_view_names[slot], b ? b + 1 : app->use_path[slot]);
        gui_text_wrap(ui, c.x + hw + gap, y + 2, hw, 2, GUI_FONT_SMALL, gui_col_dim, in_use);
    }
    return y + rh + gap + 8;
}

static void draw_controls(train_view *v, gui_app *app, gui_rect c) {
    gui_ctx *ui = app->ui;
    train_state st = train_run_state(&v->run);
    int busy = st == TRAIN_RUNNING || st == TRAIN_LOADING || st == TRAIN_PAUSED;
    train_form f = { .ui = ui, .x = c.x, .y = c.y, .w = c.w, .lw = 96, .rh = 26, .gap = 6,
                     .lh = ui->line_h[GUI_FONT_SMALL] };
    int model = v->cfg.model;
    // the model of the next start (a run under way keeps its own)
    if (gui_choice(ui, GUI_ID("train.model"), gui_r(c.x, f.y, c.w, f.rh), model_labels, TRAIN_NMODEL, &model))
        v->cfg.model = (train_model)model;
    f.y += f.rh + f.gap + 4;
    controls_model(v, &f);
    controls_run(v, &f);
    if (f.submit) start(v, app);
    draw_run_numbers(v, app, c, controls_buttons(v, app, c, f.y + 6, busy), st);
}

static void draw_plots(train_view *v, gui_ctx *ui, gui_rect r) {
    train_run *tr = &v->run;
    const train_curves *cv = &v->cv;   // the GUI thread's copies: nothing is held while drawing
    pthread_mutex_lock(&tr->mu);
    int model = tr->model;
    double total = (double)tr->total;
    pthread_mutex_unlock(&tr->mu);
    int n = cv->n, ne = cv->ne, attn = model == TRAIN_ATTENTION || model == TRAIN_CLUTTERED;
    int gap = 10, w1 = (r.w - gap) * 3 / 5, w2 = r.w - gap - w1;
    gui_series loss[3] = {
        { cv->x, cv->loss, n, gui_rgba(120, 170, 255, 70), 1, NULL, NULL },
        { cv->x, cv->smooth, n, gui_rgb(120, 180, 255), 0, "train", "%.4f" },
        { cv->ex, cv->eloss, ne, gui_rgb(250, 170, 70), 2, "held-out", "%.4f" },
    };
    gui_plot_opts lo = { .title = attn             ? "Loss (cross-entropy)"
                             : model == TRAIN_DRAW ? "Bound (nats per image)"
                                                   : "Loss (nats per point)",
                         .xlabel = "step",
                         .logy = 1,
                         .xmax = total };
    gui_plot(ui, GUI_ID("train.plot.loss"), gui_r(r.x, r.y, w1, r.h), &v->px, &lo, loss, 3);
    if (attn) {
        gui_series acc[1] = { { cv->ex, cv->eacc, ne, gui_rgb(110, 220, 140), 2, "held-out accuracy", "%.3f" } };
        gui_plot_opts ao = { .title = "Accuracy", .xlabel = "step", .xmax = total, .ymin = 0, .ymax = 1 };
        gui_plot(ui, GUI_ID("train.plot.acc"), gui_r(r.x + w1 + gap, r.y, w2, r.h / 2 - gap / 2), &v->px, &ao, acc, 1);
    } else {
        gui_series b[2] = { { cv->x, cv->smooth, n, gui_rgb(120, 180, 255), 0, "train", "%.3f" },
                            { cv->ex, cv->eloss, ne, gui_rgb(250, 170, 70), 2, "held-out", "%.3f" } };
        gui_plot_opts bo = { .title = model == TRAIN_DRAW ? "Bound, linear" : "Loss per point, linear",
                             .xlabel = "step",
                             .xmax = total };
        gui_plot(ui, GUI_ID("train.plot.lin"), gui_r(r.x + w1 + gap, r.y, w2, r.h / 2 - gap / 2), &v->px, &bo, b,
                 model == TRAIN_DRAW ? 1 : 2);
    }
    gui_series lr[1] = { { cv->x, cv->lr, n, gui_rgb(200, 160, 240), 0, "lr", "%.2e" } };
    gui_plot_opts ro = { .title = "Learning rate", .xlabel = "step", .xmax = total };
    gui_plot(ui, GUI_ID("train.plot.lr"), gui_r(r.x + w1 + gap, r.y + r.h / 2 + gap / 2, w2, r.h - r.h / 2 - gap / 2),
             &v->px, &ro, lr, 1);
    if (n > 0) { v->first_smooth = cv->smooth[0]; v->last_smooth = cv->smooth[n - 1]; }
}

static void train_draw(void *self, gui_app *app, gui_rect area) {
    train_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12, cw = 300;
    gui_rect c = gui_r(area.x + m, area.y + m, cw, area.h - 2 * m);
    draw_controls(v, app, c);
    int x = c.x + c.w + 16, w = area.x + area.w - m - x;
    int hist_h = 30, probe_h = (area.h - 2 * m) * 42 / 100;
    if (probe_h > 360) probe_h = 360;
    int plot_h = area.h - 2 * m - probe_h - hist_h - 2 * 8;
    draw_plots(v, ui, gui_r(x, area.y + m, w, plot_h));
    draw_probe(v, ui, gui_r(x, area.y + m + plot_h + 8, w, probe_h));
    draw_history(v, ui, gui_r(x, area.y + m + plot_h + 8 + probe_h + 8, w, hist_h));
}

static int train_animating(void *self, gui_app *app) {
    (void)app;
    train_view *v = self;
    train_state s = train_run_state(&v->run);
    // while the worker trains, the curves move; a finished or paused run waits for input
    return s == TRAIN_RUNNING || s == TRAIN_LOADING || gl_engine_busy(v->run.engine);
}

static int train_probe_fn(void *self, const char *what, double *out) {
    train_view *v = self;
    train_run *r = &v->run;
    if (!strcmp(what, "state")) { *out = train_run_state(r); return 0; }
    if (!strcmp(what, "points")) { *out = atomic_load(&r->npts); return 0; }
    if (!strcmp(what, "evals")) { *out = atomic_load(&r->nevals); return 0; }
    if (!strcmp(what, "probes")) { *out = nprobes(v); return 0; }
    if (!strcmp(what, "shown_probe_step")) { *out = (double)v->shown.step; return 0; }
    if (!strcmp(what, "first_smooth")) { *out = v->first_smooth; return 0; }
    if (!strcmp(what, "last_smooth")) { *out = v->last_smooth; return 0; }
    if (!strcmp(what, "step")) { int n = v->cv.n; *out = n > 0 ? v->cv.x[n - 1] : 0; return 0; }
    if (!strcmp(what, "shown_probe_sum")) { *out = v->probe_sum; return 0; }
    if (!strcmp(what, "shown_probe_points")) { *out = v->shown_model == TRAIN_HANDWRITING ? v->hn : 0; return 0; }
    if (!strcmp(what, "last_eval")) { *out = v->cv.ne > 0 ? v->cv.eloss[v->cv.ne - 1] : NAN; return 0; }
    if (!strcmp(what, "first_eval")) { *out = v->cv.ne > 0 ? v->cv.eloss[0] : NAN; return 0; }
    if (!strcmp(what, "train_seconds")) {
        pthread_mutex_lock(&r->mu);
        *out = r->seconds;
        pthread_mutex_unlock(&r->mu);
        return 0;
    }
    if (!strcmp(what, "rate")) { pthread_mutex_lock(&r->mu); *out = r->rate; pthread_mutex_unlock(&r->mu); return 0; }
    if (!strcmp(what, "first_point_s")) {
        pthread_mutex_lock(&r->mu);
        *out = r->first_point_at > 0 ? r->first_point_at - r->started_at : -1;
        pthread_mutex_unlock(&r->mu);
        return 0;
    }
    return -1;
}

const gui_view_class view_train = {
    GUI_VIEW_CORE("Train", train), .animating = train_animating, .quit = train_quit, .probe = train_probe_fn,
};

// For the bench and tests: the view's run (the view must be view_train's).
train_run *view_train_run(void *self) { return &((train_view *)self)->run; }
void view_train_start(void *self, gui_app *app) { start(self, app); }
void view_train_shipped(void *self, gui_app *app) { use_shipped(self, app); }
void view_train_use(void *self, gui_app *app) { save(self, app, 1); }
train_config *view_train_config(void *self) { return &((train_view *)self)->cfg; }
