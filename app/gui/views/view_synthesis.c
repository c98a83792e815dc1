// view_synthesis: type text and watch it being handwritten (Graves 2013, §5),
// a page of it, in one hand.
//
// Top: the text area (up to SYN_TEXT_MAX characters; Return starts a new
// paragraph) and the sampling controls (bias §5.4, seed, a primed style §5.5
// or none, pen speed, stroke width and colour). The styles are presets --
// lines the model itself wrote, style files in assets/handwriting/styles
// (data/make_styles.sh) --, styles of one's own hand saved here (style files
// in the user's data directory, style_file.h), or a line the person writes
// with the mouse. Middle: the paper, where the pen writes the page's lines one
// under another up to the current point; the page scrolls with the pen.
// Under it: the text of the line being written with the character the window
// is on highlighted, the timeline of the whole page, and the alignment figure
// of the paper's Figure 13 for that line: characters down, steps across,
// φ(t,u) as a jet heat map (eq. 46), the window's centres κ_k(t) (eq. 51) as
// white lines, the current step as a vertical line. Right of it: the window's
// mixture at the current step (α, β, κ per component, eq. 48-51) and φ(t,·)
// with each component's share.
//
// The text is word-wrapped as `glimpse write --page` wraps it (gl_hw_wrap,
// GL_HW_PAGE_WIDTH characters) and the lines are written by the engine's
// page code (gl_hw_page_write): each primed with the line before it, the
// first with the chosen style, a line not written whole (gl_hw_line_verdict)
// written again with another seed (view_synthesis_page.c hands the engine that job and reads
// each line's trace as it fills).
//
// Typed text goes through gl_hw_text_prepare: look-alikes of characters the
// model knows are written as them, and a note on the paper says so while the
// text holds them. A character it cannot write gets a note on the paper that
// names it and lists what it can write; the note stays until the text
// changes, nothing is written, and the status line says so (it names the text
// shown, never one that was not written).
//
// Every change of the text or of a sampling control bumps `version`;
// request() then hands the engine one job that writes the whole page. A newer
// request cancels the running job between two points. The view reveals the
// page's points at the pen speed (characters per second: the lines' points
// per character times the speed), or all at once ("instant").
#include "view.h"
#include "hw_gui.h"
#include "gif_export.h"
#include "gui_export.h"
#include "gui_timeline.h"
#include "style_file.h"
#include "view_synthesis_page.h"
#include "view_synthesis.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const colour_labels[3] = { "ink", "blue", "red" };

static const char *const syn_shortcuts[] = {
    "Return\ttype in the text (Return there: a new paragraph; Escape leaves)",
    "Left / Right\tprevious / next point (pauses)",
    "PageUp / PageDown\t10 points back / on",
    "Home / End\tfirst / last point of the page",
    "Space\tplay / pause the pen",
    "R\treplay from the start",
    "+ / -\tpen faster / slower (characters a second)",
    "I\tinstant: show the whole page at once",
    "A\twrite again (new seed)",
    "[ / ]\tbias down / up (legibility)",
    "0 .. 9\tplain or style 1-9 (presets, then your own)",
    "M\twrite a line of your own (M again: prime with it)",
    "wheel on the paper\tscroll the page",
    "E\texport the page (SVG in mm, PNG) and the line's alignment (PNG)",
    "F\tpossible futures on / off: where the pen might go on from the point shown",
    NULL,
};

static int user_style(const syn_view *v) {   // the saved style of one's own selected (0-based), or -1
    int u = v->style - 1 - v->presets.n;
    return u >= 0 && u < v->user.n ? u : -1;
}

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

static int step_of(const syn_view *v) {
    int s = (int)v->pos, n = v->page.total;
    return s < 0 ? 0 : s >= n ? (n > 0 ? n - 1 : 0) : s;
}

// The point of the current line (its own count) the page's point s is.
int syn_local_step(const syn_view *v, int s) {
    if (v->cur_line < 0 || v->ncache == 0) return 0;
    int l = s - v->page.start[v->cur_line];
    return l < 0 ? 0 : l >= v->ncache ? v->ncache - 1 : l;
}

// The line of the current point becomes the one whose window is shown; its
// frames published since the last look are copied.
static void cache_update(syn_view *v) {
    int L = syn_page_line_of(&v->page, step_of(v));
    gl_trace *t = L >= 0 ? v->page.line[L].tr : NULL;
    if (L != v->cur_line || t != v->trace) {
        v->cur_line = L;
        v->trace = t;
        cache_reset(v);
        v->full[0] = 0;
        v->U = 0;
        if (t) {
            snprintf(v->full, sizeof v->full, "%s", v->page.line[L].full);
            v->U = v->page.line[L].U;
        }
    }
    if (!v->trace) return;
    int n = v->page.line[L].count;   // what the page took: the same frames
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

// The line shown ended on its own: the window's argmax reached the last
// character (§5.3) on its last point.
static int syn_ended(const syn_view *v) {
    if (!v->ncache) return 0;
    return gl_hw_peak(v->phi + (size_t)(v->ncache - 1) * (v->U + 1), v->U) >= v->U - 1;
}

// Points a character takes in the lines written so far (the corpus's 9 before).
static double points_per_char(const syn_view *v) {
    int pts = 0, chars = 0;
    for (int i = 0; i < v->page.n; i++) {
        const syn_line *l = &v->page.line[i];
        if (l->tr && atomic_load(&l->tr->done) && l->count > 0) {
            pts += l->count;
            chars += (int)strlen(v->page.text[i]);
        }
    }
    return pts > 0 && chars > 0 ? (double)pts / chars : 9;
}

// The character the window is on at the line's step s: argmax over u < U of φ(s,u).
int syn_char_at(const syn_view *v, int s) {
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
// in this model's units (through its offsets' standard deviations). The
// page's rows are GL_HW_PITCH core heights of those lines apart.
static void mine_scale(syn_view *v) {
    gl_hw_line ls[APP_STYLE_PRESETS_MAX];
    float cores[APP_STYLE_PRESETS_MAX];
    for (int p = 0; p < v->presets.n; p++) {
        ls[p] = v->presets.p[p].pc.lines[0];
        ls[p].text = v->presets.p[p].text;
        cores[p] = gl_hw_core_height(ls[p].pts, ls[p].n);
    }
    app_style_ref_of(ls, v->presets.n, &v->ref);
    v->mine_height = v->ref.height;
    v->mine_step = v->ref.step;
    qsort(cores, (size_t)v->presets.n, sizeof *cores, cmp_float);
    v->core = v->presets.n ? cores[v->presets.n / 2] : 0;
    if (!(v->mine_height > 0 && v->mine_step > 0 && v->mine_step < v->mine_height)) {
        v->mine_height = 20.0f * v->m->cfg.std[1] / 4.12f;
        v->mine_step = 4.5f * v->m->cfg.std[0] / 3.65f;
    }
    if (!(v->core > 0)) v->core = 0.4f * v->mine_height;
}

// The styles the model can write: the presets (their alphabet is its), the
// saved styles of one's own hand, and the scale of the person's own line.
static void load_styles(syn_view *v, gui_app *app) {
    app_style_presets_free(&v->presets);
    app_style_presets_free(&v->user);
    v->style_labels[0] = "plain";
    v->nstyle = 2;
    v->mine_height = 20; v->mine_step = 4.5f; v->core = 8;
    if (v->have_model) {
        char dir[4096];
        app_style_presets_load(&v->presets, app->asset_path ? app->asset_path(SYN_STYLES) : SYN_STYLES, &v->m->cfg);
        app_style_user_dir(dir, sizeof dir);
        app_style_presets_load(&v->user, dir, &v->m->cfg);
        for (int i = 0; i < v->presets.n; i++) v->style_labels[1 + i] = v->presets.p[i].name;
        for (int i = 0; i < v->user.n; i++) v->style_labels[1 + v->presets.n + i] = v->user.p[i].name;
        v->nstyle = v->presets.n + v->user.n + 2;
        if (v->presets.note[0]) gui_app_note(app, "%s", v->presets.note);
        else if (v->user.note[0] && !strstr(v->user.note, "no style presets")) gui_app_note(app, "%s", v->user.note);
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
    gl_hw_model *m = NULL;
    if (hw_take_use(app, GUI_USE_SYNTH, &v->use_seen, 1, &m) != 1) return;
    syn_page_free(&v->page);
    v->trace = NULL;
    v->cur_line = -1;
    hw_fut_free(v->fut);   // its worker reads the old network
    v->fut = NULL;
    if (v->have_model) gl_hw_free(v->m);
    v->m = m;
    v->fut = hw_fut_new(v->m);
    v->have_model = 1;
    hw_weights_said(v->weights, sizeof v->weights, app, SYN_WEIGHTS, app->use_path[GUI_USE_SYNTH]);
    v->model_err[0] = 0;
    load_styles(v, app);
    cache_reset(v);
    v->playing = 1;
    v->version++;
}

static void *syn_init(gui_app *app) {
    syn_view *v = gl_calloc(1, sizeof *v);
    const char *path = app->asset_path ? app->asset_path(SYN_WEIGHTS) : SYN_WEIGHTS;
    hw_weights_said(v->weights, sizeof v->weights, app, SYN_WEIGHTS, NULL);
    // Loaded here, before any job: from now on only the engine thread uses it.
    if ((v->m = gl_hw_load(path, 0)) != NULL) {
        if (v->m->cfg.K > 0) v->have_model = 1;
        else {
            snprintf(v->model_err, sizeof v->model_err, "%s is not a synthesis network", path);
            gl_hw_free(v->m);
            v->m = NULL;
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
    v->follow = 1;
    v->version = 1;
    v->cur_line = -1;
    v->style_seen = -1;
    if (v->have_model) { v->K = v->m->cfg.K; v->M = v->m->cfg.M; }
    if (v->have_model) v->fut = hw_fut_new(v->m);   // NULL (no futures) if its worker cannot start
    v->fut_n = 20; v->fut_bias = 0.5f; v->fut_seed = 1;   // off until F: the worker would share the cores with the page
    cache_reset(v);
    return v;
}

static void syn_free(void *self) {
    syn_view *v = self;
    syn_page_free(&v->page);
    hw_fut_free(v->fut);   // its worker reads the model
    gl_hw_free(v->m);
    app_style_presets_free(&v->presets);
    app_style_presets_free(&v->user);
    free(v->ax); free(v->ay); free(v->up); free(v->phi); free(v->kappa); free(v->alpha);
    free(v->figpx); free(v->mine);
    free(v);
}

// ---- actions ----------------------------------------------------------------------------
void syn_set_pos(syn_view *v, double p) {
    double last = v->page.total > 0 ? v->page.total - 1 : 0;
    v->pos = p < 0 ? 0 : p > last ? last : p;
}

// The page as SVG (millimetres, one path per stroke) and PNG (150 dpi), and the
// alignment figure of the line shown.
static void export_all(syn_view *v, gui_app *app) {
    if (!v->page.done || v->page.total == 0 || v->ncache == 0) {
        gui_app_note(app, "nothing to export yet (the page is still being written)");
        return;
    }
    int n = 0;
    float mmpu = 1;
    float *pts = syn_page_points(&v->page, &n, &mmpu);
    gl_hw_result r = {0};
    r.n = v->ncache; r.U = v->U; r.K = v->K;
    r.pts = gl_malloc(sizeof(float) * 3 * (size_t)r.n);
    for (int i = 0; i < r.n; i++) {
        const gl_hw_frame *f = gl_trace_frame(v->trace, i);
        r.pts[3 * i] = f->dx; r.pts[3 * i + 1] = f->dy; r.pts[3 * i + 2] = (float)f->eos;
    }
    r.phi = v->phi;
    static const char *const exts[3] = { ".svg", ".png", "-window.png" };
    char base[1200], p[1300], desc[200];
    if (gui_export_name(app, "synthesis", exts, 3, base, sizeof base) != 0) { free(r.pts); free(pts); return; }
    snprintf(desc, sizeof desc, "glimpse synthesis: %d line(s), bias %.2f, seed %llu%s", v->page.n, v->bias,
             (unsigned long long)v->seed, v->page.failed ? "; some lines did not end" : "");
    snprintf(p, sizeof p, "%s.svg", base);
    int rc = gl_hw_save_svg_desc(p, pts, n, mmpu, desc);
    snprintf(p, sizeof p, "%s.png", base);
    if (!rc) rc = gl_hw_save_png_dpi(p, pts, n, mmpu, 150);
    snprintf(p, sizeof p, "%s-window.png", base);
    if (!rc) rc = gl_hw_save_window_png(p, &r, v->full);
    if (rc) gui_app_note(app, "export failed: %s", gl_err());
    else gui_app_note(app, "saved %s.svg, .png and -window.png", base);
    free(r.pts);
    free(pts);
}

// Ctrl+G (the shell): the page being written at the pen's speed (a point
// every gif_point_seconds of the shipped models), as `glimpse write --gif` plays it.
static int syn_gif(void *self, gui_app *app, const char *path) {
    syn_view *v = self;
    (void)app;
    if (!v->page.done || v->page.total == 0) {
        gl_seterr("nothing to play yet (the page is still being written)");
        return -1;
    }
    int n = 0;
    float mmpu = 1;
    float *pts = syn_page_points(&v->page, &n, &mmpu);
    int rc = pts ? gif_ink(path, pts, n, v->page.n > 1 ? 90 * v->page.n : 120, gif_point_seconds(NULL)) : -1;
    if (!pts) gl_seterr("nothing to play yet");
    free(pts);
    return rc;
}

static void new_version(syn_view *v) { v->version++; }

// ---- your own hand ------------------------------------------------------------------------
static void start_recording(syn_view *v, gui_app *app) {
    v->recording = 1;
    v->nrec = 0;
    v->pen_down = 0;
    gui_app_note(app, "write \"%s\" on the paper with the mouse, then press Use my line", v->mine_text);
}

// The recorded line, in the model's terms (hw_hand_points: the recording is
// 3 px a unit, a written line about 20 units high), primes the page when it
// can serve (app_style_sample_check); else the note says why.
static void finish_recording(syn_view *v, gui_app *app) {
    v->recording = 0;
    if (v->nrec < 5) { gui_app_note(app, "your line is empty: draw on the paper first"); return; }
    int n = 0;
    char prep[GL_HW_MAXU + 1];
    int bad = gl_hw_text_prepare(&v->m->cfg, v->mine_text, prep, sizeof prep, NULL, 0) ||
              gl_hw_encode(&v->m->cfg, prep, NULL);
    app_style_ref ref = v->ref;   // the presets' pace (without presets, ink_per_char 0: the step as it is)
    ref.core = v->core;
    ref.step = v->mine_step;
    float *pts = hw_hand_points_paced(v->rec_x, v->rec_y, v->rec_up, v->nrec, bad ? NULL : prep, &ref,
                                      v->mine_height / 20.0f, &n);
    if (bad) snprintf(v->mine_refused, sizeof v->mine_refused, "your line's text: %s", gl_err());
    else if (app_style_sample_check(prep, pts, n, &v->ref)) {
        bad = 1;
        snprintf(v->mine_refused, sizeof v->mine_refused, "%s", gl_err());
    }
    if (bad) {
        gui_app_note(app, "your line cannot serve as a style: %s", v->mine_refused);
        free(pts);
        return;
    }
    v->mine_refused[0] = 0;
    free(v->mine);
    v->mine = pts;
    v->nmine = n;
    snprintf(v->mine_text, sizeof v->mine_text, "%.*s", APP_STYLE_TEXT_MAX, prep);
    v->style = v->style_mine;
    new_version(v);
    gui_app_note(app, "priming with your line (%d points); name it and Save to keep it", v->nmine);
}

// Selects the saved style called name (after a save or rename), or plain.
static void select_user(syn_view *v, const char *name) {
    v->style = 0;
    for (int i = 0; i < v->user.n; i++)
        if (!strcmp(v->user.p[i].name, name)) v->style = 1 + v->presets.n + i;
    v->style_seen = -1;
    new_version(v);
}

static void save_mine(syn_view *v, gui_app *app) {
    if (v->nmine == 0) return;
    char name[APP_STYLE_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", v->name_buf);
    if (app_style_user_save(name, v->mine_text, v->mine, v->nmine, &v->m->cfg, 0)) {
        gui_app_note(app, "not saved: %s", gl_err());
        return;
    }
    load_styles(v, app);
    select_user(v, name);
    char dir[4096];
    app_style_user_dir(dir, sizeof dir);
    gui_app_note(app, "saved your style \"%s\" in %s (glimpse write --style %s)", name, dir, name);
}

static void rename_user(syn_view *v, gui_app *app) {
    int u = user_style(v);
    if (u < 0) return;
    char from[APP_STYLE_NAME_MAX + 4], to[APP_STYLE_NAME_MAX + 1];
    snprintf(from, sizeof from, "%s", v->user.p[u].name);
    snprintf(to, sizeof to, "%s", v->name_buf);
    if (app_style_user_rename(from, to, &v->m->cfg)) { gui_app_note(app, "not renamed: %s", gl_err()); return; }
    load_styles(v, app);
    select_user(v, to);
    gui_app_note(app, "renamed \"%s\" to \"%s\"", from, to);
}

static void delete_user(syn_view *v, gui_app *app) {
    int u = user_style(v);
    if (u < 0) return;
    char name[APP_STYLE_NAME_MAX + 4];
    snprintf(name, sizeof name, "%s", v->user.p[u].name);
    if (app_style_user_delete(name)) { gui_app_note(app, "not deleted: %s", gl_err()); return; }
    load_styles(v, app);
    select_user(v, "");
    gui_app_note(app, "deleted your style \"%s\"", name);
}

// ---- input -------------------------------------------------------------------------------
static int record_event(syn_view *v, const gui_event *ev) {
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
        // window -> recording units: the paper shows the recording at 3 px per unit
        v->rec_x[v->nrec] = (float)(ev->x - v->paper.x) / 3.0f;
        v->rec_y[v->nrec] = (float)(ev->y - v->paper.y) / 3.0f;
        v->rec_up[v->nrec] = 0;
        v->nrec++;
    }
    return add;
}

static void step_to(syn_view *v, double p) {
    v->playing = v->instant = 0;
    v->follow = 1;
    syn_set_pos(v, p);
}

static int syn_event(void *self, gui_app *app, const gui_event *ev) {
    syn_view *v = self;
    if (v->recording && record_event(v, ev)) return 1;
    if (ev->type == GUI_EV_WHEEL && !v->recording && gui_inside(v->paper, app->ui->mx, app->ui->my)) {
        v->scroll -= (int)(ev->wheel * 40);
        v->follow = 0;
        return 1;
    }
    if (ev->type != GUI_EV_KEY) return 0;
    int k = ev->key;
    if (ev->mods & (GUI_MOD_CTRL | GUI_MOD_ALT)) return 0;
    switch (k) {
    case GUI_KEY_RETURN: v->want_focus = 1; return 1;   // given in draw, after this frame's Return reached the field
    case GUI_KEY_LEFT: step_to(v, floor(v->pos) - 1); return 1;
    case GUI_KEY_RIGHT: step_to(v, floor(v->pos) + 1); return 1;
    case GUI_KEY_PAGEUP: step_to(v, floor(v->pos) - 10); return 1;
    case GUI_KEY_PAGEDOWN: step_to(v, floor(v->pos) + 10); return 1;
    case GUI_KEY_HOME: step_to(v, 0); return 1;
    case GUI_KEY_END: step_to(v, v->page.total); return 1;
    case GUI_KEY_SPACE:
        v->playing = !v->playing;
        v->follow = 1;
        if (v->playing && v->page.total > 0 && step_of(v) >= v->page.total - 1 && v->page.done) v->pos = 0;
        return 1;
    case 'r': v->pos = 0; v->playing = 1; v->instant = 0; v->follow = 1; return 1;
    case '+': case '=': v->speed = fminf(v->speed * 1.5f, 40); return 1;
    case '-': v->speed = fmaxf(v->speed / 1.5f, 0.5f); return 1;
    case 'i': v->instant = !v->instant; v->follow = 1; return 1;
    case 'a': v->seed++; new_version(v); return 1;
    case '[': v->bias = fmaxf(0, v->bias - 0.25f); new_version(v); return 1;
    case ']': v->bias = fminf(5, v->bias + 0.25f); new_version(v); return 1;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        if (k - '0' >= v->style_mine) return 0;   // no such style
        if (v->style != k - '0') { v->style = k - '0'; new_version(v); }
        return 1;
    case 'm': if (v->recording) finish_recording(v, app); else start_recording(v, app); return 1;
    case 'e': export_all(v, app); return 1;
    case 'f': v->fut_on = !v->fut_on; return 1;
    default: return 0;
    }
}

static void syn_update(void *self, gui_app *app, double dt) {
    syn_view *v = self;
    syn_take_use(v, app);
    syn_page_update(&v->page);
    gui_app_note_engine_failure(app, &v->failures_seen);
    if (v->instant) syn_set_pos(v, v->page.total);
    else if (v->playing) syn_set_pos(v, v->pos + dt * v->speed * points_per_char(v));
    cache_update(v);
    // The pen stops at the end of a finished page.
    if (v->playing && v->page.done && v->page.total > 0 && step_of(v) >= v->page.total - 1) v->playing = 0;
}

// ---- the text -----------------------------------------------------------------------------
// The text field's map (gui_field_opts.map): look-alikes of characters the
// model knows become them, remembered (item, what it became) for the note;
// anything else passes, for prepare_text to name.
static void syn_map(void *user, const char *in, char *out, size_t cap) {
    syn_view *v = user;
    char note[256];
    if (!v->have_model || gl_hw_text_prepare(&v->m->cfg, in, out, cap, note, sizeof note)) {
        snprintf(out, cap, "%s", in);
        return;
    }
    // the note's items: "written A as 'a', B as 'b'"
    for (char *item = note[0] ? strtok(note + strlen("written "), ",") : NULL; item; item = strtok(NULL, ",")) {
        while (*item == ' ') item++;
        char *as = strstr(item, " as '");
        if (!as || strlen(item) >= sizeof v->item[0]) continue;
        int seen = 0;
        for (int i = 0; i < v->nitems; i++) seen |= !strcmp(v->item[i], item);
        if (seen) continue;
        int i = v->nitems < ITEMS_MAX ? v->nitems++ : ITEMS_MAX - 1;
        snprintf(v->item[i], sizeof v->item[0], "%s", item);
        snprintf(v->item_to[i], sizeof v->item_to[0], "%.*s", (int)(strlen(as + 5) - 1), as + 5);
    }
}

// The note about look-alikes: those replaced, as typed or in the text as it
// stands, that the text still holds.
static void lookalike_note(syn_view *v) {
    size_t k = strlen(v->text_info);
    for (int i = 0; i < v->nitems; i++) {
        if (!v->item_to[i][0] || !strstr(v->text, v->item_to[i]) || strstr(v->text_info, v->item[i])) continue;
        if (k + strlen(v->item[i]) + 12 < sizeof v->text_info)
            k += (size_t)snprintf(v->text_info + k, sizeof v->text_info - k, "%s%s", k ? ", " : "written ", v->item[i]);
    }
}

// The text as the model will write it, and the notes about it. Tabs are
// gaps between words, as spaces; the paragraphs are checked as one, so that
// the note names every character it cannot write. Returns 0 when it can be
// written (v->prepared), -1 with v->text_err.
static int prepare_text(syn_view *v) {
    v->text_err[0] = v->text_info[0] = 0;
    static char tmp[SYN_TEXT_MAX + 1];
    snprintf(tmp, sizeof tmp, "%s", v->text);
    for (char *p = tmp; *p; p++) if (*p == '\t') *p = ' ';
    if (gl_hw_text_prepare(&v->m->cfg, tmp, v->prepared, sizeof v->prepared, v->text_info, sizeof v->text_info)) {
        snprintf(v->text_err, sizeof v->text_err, "not written: %s", gl_err());
        return -1;
    }
    lookalike_note(v);
    snprintf(tmp, sizeof tmp, "%s", v->prepared);
    for (char *p = tmp; *p; p++) if (*p == '\n') *p = ' ';
    if (gl_hw_text_check(&v->m->cfg, tmp)) {   // names every character it cannot write, and what it can
        snprintf(v->text_err, sizeof v->text_err, "not written: %s", gl_err());
        return -1;
    }
    return 0;
}

int syn_blank(const char *s) {
    for (; *s; s++) if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
    return 1;
}

// The primer of the first line: a preset (the model's own line), a saved
// style of one's own hand, or the line just written with the mouse.
static int primer_of(syn_view *v, syn_page_opts *o) {
    int u = user_style(v);
    if (v->style >= 1 && v->style <= v->presets.n) {
        const app_style_preset *p = &v->presets.p[v->style - 1];
        o->prime_text = p->text; o->prime = p->pc.lines[0].pts; o->nprime = p->pc.lines[0].n;
    } else if (u >= 0) {
        const app_style_preset *p = &v->user.p[u];
        o->prime_text = p->text; o->prime = p->pc.lines[0].pts; o->nprime = p->pc.lines[0].n;
    } else if (v->style == v->style_mine && v->nmine > 0) {
        o->prime_text = v->mine_text; o->prime = v->mine; o->nprime = v->nmine;
    }
    if (o->prime_text && gl_hw_encode(&v->m->cfg, o->prime_text, NULL)) {
        snprintf(v->text_err, sizeof v->text_err, "not written: the style's text: %s", gl_err());
        return -1;
    }
    return 0;
}

// ---- possible futures ----------------------------------------------------------------------
// The line shown's key: the page, the line and its try (another try is another line).
static uint64_t fut_key(const syn_view *v) {
    int L = v->cur_line;
    if (L < 0 || !v->trace) return 0;
    return (v->trace_version << 24) ^ ((uint64_t)L << 8) ^ (uint64_t)v->page.line[L].tries;
}

// The raw offsets of a line's first n points (its trace's frames).
static float *line_offsets(gl_trace *t, int n) {
    float *p = gl_malloc(sizeof(float) * 3 * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        const gl_hw_frame *f = gl_trace_frame(t, i);
        p[3 * i] = f->dx; p[3 * i + 1] = f->dy; p[3 * i + 2] = f->eos ? 1.0f : 0.0f;
    }
    return p;
}

// The primer line L was written with, as gl_hw_page_write chose it: the
// first line's style, else the last words of the nearest earlier line whose
// text ends with the primer's (line_tail there: from the first stroke begun
// once the window's peak reached the space before them; the whole line when
// that is not found). *pts is the caller's to free; 0 points: none found.
static int fut_primer(syn_view *v, int L, const char *ptext, int plen, float **pts, int *n) {
    *pts = NULL; *n = 0;
    for (int i = L - 1; i >= 0; i--) {
        const syn_line *l = &v->page.line[i];
        const char *t = v->page.text[i];
        int len = (int)strlen(t);
        if (!l->tr || !l->full || len < plen || strncmp(t + len - plen, ptext, (size_t)plen)) continue;
        if (len > plen && t[len - plen - 1] != ' ') continue;
        int c = l->count, from = (int)strlen(l->full) - len, start = 0;
        if (len > plen) {   // the tail: the step the window's peak reached the space before it
            int j = from + len - plen - 1, U = l->U;
            start = c;
            for (int s = 0; s < c && start == c; s++) {
                if (gl_hw_peak(((const gl_hw_frame *)gl_trace_frame(l->tr, s))->phi, U) >= j) start = s;
            }
            while (start < c && start > 0 && !l->up[start - 1]) start++;
            if (start <= 0 || start >= c - 1) continue;   // line_tail kept the whole line: not this primer
        }
        float *all = line_offsets(l->tr, c);
        *n = c - start;
        *pts = gl_malloc(sizeof(float) * 3 * (size_t)*n);
        memcpy(*pts, all + 3 * start, sizeof(float) * 3 * (size_t)*n);
        free(all);
        return 0;
    }
    syn_page_opts o = { 0 };
    if (primer_of(v, &o) || !o.prime_text || strcmp(o.prime_text, ptext)) return -1;
    *pts = gl_malloc(sizeof(float) * 3 * (size_t)o.nprime);
    memcpy(*pts, o.prime, sizeof(float) * 3 * (size_t)o.nprime);
    *n = o.nprime;
    return 0;
}

// Hands the futures' worker the line shown up to the point shown, when it is idle.
static void fut_request(syn_view *v) {
    int L = v->cur_line;
    if (!v->fut || !v->fut_on || !v->have_model || L < 0 || !v->trace || v->ncache == 0) return;
    hw_fut_poll(v->fut);   // takes what arrived, so that the worker counts as idle
    if (hw_fut_busy(v->fut)) return;
    const syn_line *l = &v->page.line[L];
    int s = syn_local_step(v, step_of(v));
    if (!l->full || s >= l->count) return;
    hw_fut_params p = { (int)v->fut_n, 40, v->fut_bias, v->fut_seed };
    uint64_t key = fut_key(v);
    if (key == v->fut_last_key && s + 1 == v->fut_last_n && !memcmp(&p, &v->fut_last_p, sizeof p)) return;   // asked
    int tl = (int)strlen(v->page.text[L]), fl = (int)strlen(l->full), plen = fl - tl - 1;
    float *prime = NULL;
    int nprime = 0;
    if (plen > 0) {
        char ptext[2 * GL_HW_MAXU + 2];
        snprintf(ptext, sizeof ptext, "%.*s", plen, l->full);
        if (fut_primer(v, L, ptext, plen, &prime, &nprime) || nprime == 0) {   // not found: not asked again
            free(prime);
            v->fut_last_key = key; v->fut_last_n = s + 1; v->fut_last_p = p;
            return;
        }
    }
    float *pts = line_offsets(v->trace, s + 1);
    hw_fut_line ln = { l->full, prime, nprime, plen > 0 ? plen : 0, pts, s + 1, l->x[s], l->y[s], 1.0f, -1 };
    if (hw_fut_request_line(v->fut, key, (uint64_t)s + 1, &ln, &p)) {
        v->fut_nprime = nprime;
        v->fut_last_key = key; v->fut_last_n = s + 1; v->fut_last_p = p;
    }
    free(pts);
    free(prime);
}

// The newest futures, when they belong to the line shown and a point not past the one shown.
const hw_fut_set *syn_fut_shown(syn_view *v) {
    const hw_fut_set *s = v->fut_on ? hw_fut_poll(v->fut) : NULL;
    uint64_t key = fut_key(v);
    return s && key && s->key == key && s->fed <= syn_local_step(v, step_of(v)) + 1 ? s : NULL;
}

static void syn_request(void *self, gui_app *app) {
    syn_view *v = self;
    fut_request(v);
    if (v->submitted == v->version || !v->have_model) return;
    v->submitted = v->version;
    if (syn_blank(v->text)) {   // nothing to write: drop the old page
        v->text_err[0] = v->text_info[0] = 0;
        v->nitems = 0;
        gl_engine_stop(app->engine);
        syn_page_free(&v->page);
        v->trace = NULL;
        v->cur_line = -1;
        cache_reset(v);
        return;
    }
    syn_page_opts o = { 0 };
    o.bias = v->bias;
    o.seed = v->seed;
    if (prepare_text(v) || primer_of(v, &o)) return;   // the old page stays; the note says why
    char **lines;
    int n;
    if (gl_hw_wrap(&v->m->cfg, v->prepared, GL_HW_PAGE_WIDTH, &lines, &n)) {
        snprintf(v->text_err, sizeof v->text_err, "not written: %s", gl_err());
        return;
    }
    syn_feed *f = syn_page_submit(app->engine, v->m, lines, n, &o);
    gl_hw_wrapped_free(lines, n);
    syn_page_free(&v->page);   // the old page; the engine cancels its job
    syn_page_init(&v->page, f);
    snprintf(v->shown_text, sizeof v->shown_text, "%s", v->prepared);
    v->trace_version = v->version;
    v->trace = NULL;
    v->cur_line = -1;
    cache_reset(v);
    v->pos = 0;
    v->playing = 1;
    v->scroll = 0;
    v->follow = 1;
}

// The text area (left, two control rows high) and the controls beside it.
// Returns the y under them.
static int draw_text_controls(syn_view *v, gui_app *app, int x, int y, int w) {
    gui_ctx *ui = app->ui;
    int cw = 460, tw = w - cw - 8;
    gui_field_opts to = { .max_len = SYN_TEXT_MAX, .what = "the text",
                          .hint = "type text to write (Return: new paragraph)", .map = syn_map, .map_user = v,
                          .multiline = 1 };
    int submitted = gui_field(ui, gui_id("syn.text"), gui_r(x, y, tw, 64), v->text, sizeof v->text, &to) &
                    GUI_FIELD_SUBMIT;
    if (v->want_focus) { gui_focus(ui, gui_id("syn.text")); v->want_focus = 0; }
    if (strcmp(v->text, v->last_text)) {   // typed: write it as it stands
        snprintf(v->last_text, sizeof v->last_text, "%s", v->text);
        if (syn_blank(v->text)) v->nitems = 0;
        new_version(v);
    }
    gui_flow fl = gui_flow_begin(x + tw + 8, y, x + w, 28, 6, 8);
    if (gui_button(ui, gui_id("syn.write"), gui_flow_put(&fl, 70), "Write") || submitted) new_version(v);
    if (gui_button(ui, gui_id("syn.again"), gui_flow_put(&fl, 110), "Write again")) { v->seed++; new_version(v); }
    if (gui_slider(ui, gui_id("syn.bias"), gui_flow_put(&fl, 170), &v->bias, 0, 5, "bias %.2f")) new_version(v);
    gui_rect lr = gui_flow_put(&fl, 90);
    gui_textf(ui, lr.x + 4, lr.y + 6, GUI_FONT_NORMAL, gui_col_dim, "seed %llu", (unsigned long long)v->seed);
    gui_flow_newline(&fl);
    gui_slider(ui, gui_id("syn.speed"), gui_flow_put(&fl, 150), &v->speed, 0.5f, 40, "%.1f chars/s");
    gui_toggle(ui, gui_id("syn.instant"), gui_flow_put(&fl, 70), "Instant", &v->instant);
    gui_slider(ui, gui_id("syn.width"), gui_flow_put(&fl, 110), &v->width, 1, 6, "width %.1f");
    int yb = gui_flow_end(&fl);
    return yb > y + 64 ? yb : y + 64;
}

// The styles: plain, presets, one's own saved ones and "mine"; writing a
// line of one's own; naming it, renaming or deleting a saved one.
static int draw_style_row(syn_view *v, gui_app *app, int x, int y, int right) {
    gui_ctx *ui = app->ui;
    gui_flow fl = gui_flow_begin(x, y, right, 28, 6, 8);
    int lw = 70;
    for (int i = 0; i < v->nstyle; i++) {
        int tw = gui_text_w(ui, GUI_FONT_NORMAL, v->style_labels[i]) + 16;
        if (tw > lw) lw = tw;
    }
    int st = v->style;
    if (gui_choice(ui, gui_id("syn.style"), gui_flow_put(&fl, lw * v->nstyle + 10), v->style_labels, v->nstyle, &st)) {
        if (st == v->style_mine && v->nmine == 0) start_recording(v, app);
        else { v->style = st; new_version(v); }
    }
    if (v->style != v->style_seen) {   // the name field starts from the style's name
        int u = user_style(v);
        snprintf(v->name_buf, sizeof v->name_buf, "%s", u >= 0 ? v->user.p[u].name : "");
        v->style_seen = v->style;
    }
    gui_field_opts no = { .max_len = APP_STYLE_NAME_MAX, .what = "the style's name", .hint = "name" };
    if (v->recording) {
        gui_rect lr = gui_flow_put(&fl, 50);
        gui_text(ui, lr.x + 4, lr.y + 6, GUI_FONT_NORMAL, gui_col_dim, "it says");
        gui_field_opts mo = { .what = "your line's text", .max_len = APP_STYLE_TEXT_MAX };
        gui_field(ui, gui_id("syn.minetext"), gui_flow_put(&fl, 170), v->mine_text, sizeof v->mine_text, &mo);
        if (gui_button(ui, gui_id("syn.usemine"), gui_flow_put(&fl, 110), "Use my line")) finish_recording(v, app);
        if (gui_button(ui, gui_id("syn.cancelmine"), gui_flow_put(&fl, 70), "Cancel")) v->recording = 0;
    } else {
        if (gui_button(ui, gui_id("syn.record"), gui_flow_put(&fl, 130), "Write my own...")) start_recording(v, app);
        if (v->style == v->style_mine && v->nmine > 0) {
            int sub = gui_field(ui, gui_id("syn.name"), gui_flow_put(&fl, 150), v->name_buf, sizeof v->name_buf, &no);
            if (gui_button(ui, gui_id("syn.save"), gui_flow_put(&fl, 100), "Save style") || (sub & GUI_FIELD_SUBMIT))
                save_mine(v, app);
        } else if (user_style(v) >= 0) {
            int sub = gui_field(ui, gui_id("syn.name"), gui_flow_put(&fl, 150), v->name_buf, sizeof v->name_buf, &no);
            if (gui_button(ui, gui_id("syn.rename"), gui_flow_put(&fl, 80), "Rename") || (sub & GUI_FIELD_SUBMIT))
                rename_user(v, app);
            if (gui_button(ui, gui_id("syn.delete"), gui_flow_put(&fl, 70), "Delete")) delete_user(v, app);
        }
        gui_choice(ui, gui_id("syn.colour"), gui_flow_put(&fl, 150), colour_labels, 3, &v->colour);
    }
    return gui_flow_end(&fl);
}

// Under the paper: the line's text, the page's timeline, the alignment
// figure and the window's mixture (when there is room).
static void draw_lower(syn_view *v, gui_app *app, gui_rect area, int x, int y, int step) {
    gui_ctx *ui = app->ui;
    int m = 12, right_w = area.w >= 1100 ? 300 : 280, ls = syn_local_step(v, step);
    int cur = syn_char_at(v, ls), lh = ui->line_h[GUI_FONT_LARGE];
    gui_rect tr = gui_r(x, y, area.w - 2 * m, lh + 2);
    gui_mark(ui, tr, "text line");
    gui_clip(ui, tr);
    syn_draw_text_line(v, ui, tr, cur);
    gui_clip_reset(ui);
    y += lh + 10;
    if (gui_button(ui, gui_id("syn.play"), gui_r(x, y, 70, 26), v->playing ? "Pause" : "Play")) {
        v->playing = !v->playing;
        v->follow = 1;
        if (v->playing && v->page.total > 0 && step >= v->page.total - 1) v->pos = 0;
    }
    if (gui_button(ui, gui_id("syn.replay"), gui_r(x + 76, y, 70, 26), "Replay")) {
        v->pos = 0;
        v->playing = 1;
        v->instant = 0;
        v->follow = 1;
    }
    if (gui_button(ui, gui_id("syn.export"), gui_r(x + 152, y, 80, 26), "Export")) export_all(v, app);
    gui_rect tl = gui_r(x + 240, y, area.w - 2 * m - 240 - 150, 26);
    syn_draw_timeline(v, ui, tl, step);
    gui_mark(ui, tl, "timeline");
    gui_textf(ui, area.x + area.w - m - 140, y + 5, GUI_FONT_NORMAL, gui_col_dim, "point %d / %d",
              v->page.total ? step + 1 : 0, v->page.total);
    y += 34;
    int fh = area.y + area.h - m - y;
    if (fh < 60) { v->fig = v->mix = gui_r(0, 0, 0, 0); return; }
    gui_rect fr = gui_r(x, y, area.w - 2 * m - right_w - 10, fh);
    gui_rect mr = gui_r(area.x + area.w - m - right_w, y, right_w, fh);
    v->mix = mr;
    gui_mark(ui, fr, "alignment figure");
    gui_mark(ui, mr, "window mixture");
    gui_clip(ui, fr);
    syn_draw_figure(v, ui, fr, ls);
    gui_clip(ui, mr);
    syn_draw_mixture(v, ui, mr, ls);
    gui_clip_reset(ui);
}

// The status names the text of the page shown (shown_text), which is not
// the field's when that could not be written.
static void syn_status(syn_view *v, gui_app *app, int step) {
    const char *sname = v->style_labels[v->style];
    char lead[300] = "", what[80];
    if (v->text_err[0] && v->page.total)
        snprintf(lead, sizeof lead, "the text is not written (see the note) | shown: ");
    else if (v->text_err[0]) snprintf(lead, sizeof lead, "the text is not written (see the note) | ");
    int L = v->cur_line, cur = syn_char_at(v, syn_local_step(v, step));
    if (!v->page.done) snprintf(what, sizeof what, " (writing)");
    else if (L >= 0 && L == v->page.n - 1 && !syn_ended(v)) snprintf(what, sizeof what, " (stopped before the end)");
    else what[0] = 0;
    if (!v->have_model) snprintf(app->status, sizeof app->status, "no synthesis model: %s", v->model_err);
    else if (v->page.total && v->ncache)
        snprintf(app->status, sizeof app->status,
                 "%s\"%.60s%s\" | line %d of %d | bias %.2f | seed %llu | %s | point %d/%d%s | on '%c'", lead,
                 v->shown_text, strlen(v->shown_text) > 60 ? "..." : "", L + 1, v->page.n, v->bias,
                 (unsigned long long)v->seed, sname, step + 1, v->page.total, what, cur >= 0 ? v->full[cur] : ' ');
    else if (v->page.done && v->page.total == 0 && !syn_blank(v->text) && !v->text_err[0])
        snprintf(app->status, sizeof app->status,
                 "nothing written (the engine failed: see the note) | bias %.2f | seed %llu | %s", v->bias,
                 (unsigned long long)v->seed, sname);
    else
        snprintf(app->status, sizeof app->status, "%sbias %.2f | seed %llu | %s", lead, v->bias,
                 (unsigned long long)v->seed, sname);
    size_t k = strlen(app->status);
    if (v->have_model) snprintf(app->status + k, sizeof app->status - k, " | %s", v->weights);
}

static void syn_draw(void *self, gui_app *app, gui_rect area) {
    syn_view *v = self;
    gui_ctx *ui = app->ui;
    int m = 12, x = area.x + m, y = area.y + 10, step = step_of(v);
    y = draw_text_controls(v, app, x, y, area.w - 2 * m) + 8;
    y = draw_style_row(v, app, x, y, area.x + area.w - m) + 10;
    // the paper: 2/5 of what is left (230 points at the default size, less in a small window)
    int ph = (area.y + area.h - y) * 2 / 5;
    gui_rect paper = gui_r(x, y, area.w - 2 * m, ph < 110 ? 110 : ph > 300 ? 300 : ph);
    v->paper = paper;
    gui_mark(ui, paper, "paper");
    syn_draw_paper(v, ui, paper, step);
    draw_lower(v, app, area, x, y + paper.h + 10, step);
    (void)ui;
    syn_status(v, app, step);
}

static int syn_probe(void *self, const char *what, double *out) {
    syn_view *v = self;
    if (!strcmp(what, "input_version")) *out = (double)v->version;
    else if (!strcmp(what, "shown_version")) *out = v->page.total > 0 ? (double)v->trace_version : -1;
    else if (!strcmp(what, "step")) *out = v->page.total ? step_of(v) : -1;
    else if (!strcmp(what, "steps")) *out = v->page.total;
    else if (!strcmp(what, "done")) *out = v->page.feed ? v->page.done : -1;
    else if (!strcmp(what, "playing")) *out = v->playing;
    else if (!strcmp(what, "instant")) *out = v->instant;
    else if (!strcmp(what, "speed")) *out = v->speed;
    else if (!strcmp(what, "points_per_char")) *out = points_per_char(v);
    else if (!strcmp(what, "style")) *out = v->style;
    else if (!strcmp(what, "bias")) *out = v->bias;
    else if (!strcmp(what, "seed")) *out = (double)v->seed;
    else if (!strcmp(what, "U")) *out = v->U;
    else if (!strcmp(what, "cells")) *out = v->have_model ? v->m->cfg.H : 0;
    else if (!strcmp(what, "char")) *out = syn_char_at(v, syn_local_step(v, step_of(v)));
    else if (!strcmp(what, "recording")) *out = v->recording;
    else if (!strcmp(what, "mine_points")) *out = v->nmine;
    else if (!strcmp(what, "have_model")) *out = v->have_model;
    else if (!strcmp(what, "text_len")) *out = (double)strlen(v->text);
    else if (gui_probe_rect(what, "paper", v->paper, out) || gui_probe_rect(what, "fig", v->fig, out) ||
             gui_probe_rect(what, "mix", v->mix, out)) return 0;
    else if (!strcmp(what, "fig_caption_bottom")) *out = v->fig_caption_bottom;
    else if (!strcmp(what, "mix_bottom")) *out = v->mix_bottom;
    else if (!strcmp(what, "ended")) {   // the window passed the last character (§5.3) on the line's last point
        if (!v->ncache) return -1;
        *out = syn_ended(v);
    } else if (!strcmp(what, "styles")) *out = v->nstyle;
    else if (!strcmp(what, "style_mine")) *out = v->style_mine;
    else if (!strcmp(what, "user_styles")) *out = v->user.n;
    else if (!strcmp(what, "mine_height")) *out = v->mine_height;
    else if (!strcmp(what, "mine_step")) *out = v->mine_step;
    else if (!strcmp(what, "mine_refused")) *out = v->mine_refused[0] != 0;
    else if (!strcmp(what, "text_error")) *out = v->text_err[0] != 0;
    else if (!strcmp(what, "text_replaced")) *out = v->text_info[0] != 0;
    else if (!strcmp(what, "shown_len")) *out = v->page.total ? (double)strlen(v->shown_text) : -1;
    else if (!strcmp(what, "lines")) *out = v->page.n;
    else if (!strcmp(what, "line")) *out = v->cur_line;
    else if (!strcmp(what, "lines_failed")) *out = v->page.done ? v->page.failed : -1;
    else if (!strcmp(what, "lines_written")) {   // lines with points
        int k = 0;
        for (int i = 0; i < v->page.n; i++) k += v->page.line[i].count > 0;
        *out = k;
    } else if (!strcmp(what, "scroll")) *out = v->scroll;
    else if (!strcmp(what, "futures_on")) *out = v->fut_on && v->fut;
    else if (!strcmp(what, "futures_primer")) *out = v->fut_nprime;
    else if (!strcmp(what, "line_points"))   // points of the line shown
        *out = v->page.total && v->cur_line >= 0 ? v->page.line[v->cur_line].count : -1;
    else if (!strcmp(what, "line_step")) *out = v->page.total ? syn_local_step(v, step_of(v)) : -1;
    else if (!strcmp(what, "futures") || !strcmp(what, "futures_step") || !strcmp(what, "futures_ms")) {
        const hw_fut_set *fs = syn_fut_shown(v);   // on screen: how many, from which point of the line, how long
        *out = !fs ? 0 : what[7] == 0 ? fs->n : what[8] == 's' ? fs->fed : fs->ms;
    } else if (!strcmp(what, "futures_window")) {   // where the futures' windows end, on average (1-based characters)
        const hw_fut_set *fs = syn_fut_shown(v);
        double sum = 0;
        for (int r = 0; fs && r < fs->n; r++) sum += fs->wpos[(size_t)r * fs->P + fs->P - 1];
        *out = fs && fs->n ? sum / fs->n : -1;
    } else return -1;
    return 0;
}

// The app is closing: the futures' worker stops with the others (free waits for it).
static void syn_quit(void *self, int wait) {
    syn_view *v = self;
    if (!wait) hw_fut_quit(v->fut);
}

static int syn_animating(void *self, gui_app *app) {
    syn_view *v = self;
    (void)app;
    if (v->page.feed && !v->page.done) return 1;   // the page is still being written
    if (v->fut_on && hw_fut_busy(v->fut)) return 1;   // futures on their way
    return v->playing && !v->instant && v->page.total > 0;
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
    .gif = syn_gif,
    .quit = syn_quit,
};
