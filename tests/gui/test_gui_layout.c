// Layout at every size the window allows: each view, in each of its modes,
// rendered at the minimum size (GUI_MIN_W x GUI_MIN_H), the default and a
// large one; no two widgets or panels overlap, every one lies inside the
// view's area, and no text runs past the window's edge (or, with the
// shortcuts overlay shown, past the overlay's panel).
#include "gl_test.h"
#include "gui_test.h"
#include "gui_plot.h"
#include "view.h"
#include <string.h>
#include <strings.h>

static const int sizes[3][2] = { { GUI_MIN_W, GUI_MIN_H }, { 1280, 800 }, { 1920, 1080 } };

static void resize(gui_run *r, int w, int h) {
    gui_event e = { .type = GUI_EV_RESIZE, .x = w, .y = h };
    gui_run_event(r, &e);
}

// Unclipped text inside [0, w) x [0, h) (or inside `panel` from command
// `from` on); returns the number of faults, describing the first.
static int check_text(gui_run *r, const char *what, int from, gui_rect panel) {
    gui_ctx *ui = &r->sh->ui;
    int faults = 0, clipped = 0;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        if (c->type == GUI_CMD_CLIP) { clipped = c->r.w > 0; continue; }
        if (c->type != GUI_CMD_TEXT || clipped) continue;
        const char *s = gui_cmd_text(ui, c);
        int tw = gui_text_w(ui, c->font, s);
        gui_rect box = from >= 0 && i >= from ? panel : gui_r(0, 0, ui->w, ui->h);
        if (c->r.x < box.x || c->r.x + tw > box.x + box.w || c->r.y < box.y || c->r.y + c->r.h > box.y + box.h) {
            if (!faults)
                fprintf(stderr, "  %s: text '%s' at (%d,%d) %dx%d runs out of (%d,%d %dx%d)\n", what, s, c->r.x, c->r.y, tw, c->r.h,
                        box.x, box.y, box.w, box.h);
            faults++;
        }
    }
    return faults;
}

static void check_view(const char *view, const char *const *states, int nstates) {
    gui_run r;
    int rc = gui_run_open(&r, 1920, 1080, 1, view, test_asset_path);
    CHECK(rc == 0, "%s: open (%s)", view, rc ? gl_err() : "");
    if (rc) return;
    r.sh->ui.record = 1;
    for (int st = 0; st < nstates; st++) {
        if (states[st][0]) CHECK(run_text(&r, states[st]) == 0, "%s: script '%s'", view, states[st]);
        for (int k = 0; k < 3; k++) {
            int w = sizes[k][0], h = sizes[k][1];
            resize(&r, w, h);
            gui_run_settle(&r);
            char msg[1200];
            gui_rect area = gui_r(0, GUI_BAR_H, w, h - GUI_BAR_H - GUI_STATUS_H);
            // the view's widgets and panels (the shell's bar is laid out after them)
            gui_ctx *ui = &r.sh->ui;
            int n_all = ui->nlaid, n_view = 0;
            while (n_view < n_all && ui->laid[n_view].r.y >= GUI_BAR_H) n_view++;
            ui->nlaid = n_view;
            int faults = gui_layout_check(ui, area, msg, sizeof msg);
            ui->nlaid = n_all;
            CHECK(n_view >= 4, "%s (%s) at %dx%d: the view laid out %d widgets and panels", view, states[st], w, h, n_view);
            CHECK(faults == 0, "%s (%s) at %dx%d: %d layout faults: %s", view, states[st][0] ? states[st] : "default", w, h, faults, msg);
            int tf = check_text(&r, view, -1, area);
            CHECK(tf == 0, "%s (%s) at %dx%d: %d texts run past the window", view, states[st], w, h, tf);
            // The shortcuts overlay: every line inside its panel.
            CHECK(run_text(&r, "key F1\nframe 1\n") == 0, "overlay on");
            double px = 0, py = 0, pw = 0, ph = 0, from = -1;
            gui_shell_probe(r.sh, "help_x", &px); gui_shell_probe(r.sh, "help_y", &py);
            gui_shell_probe(r.sh, "help_w", &pw); gui_shell_probe(r.sh, "help_h", &ph);
            gui_shell_probe(r.sh, "help_cmd", &from);
            int hf = check_text(&r, "overlay", (int)from, gui_r((int)px, (int)py, (int)pw, (int)ph));
            CHECK(from > 0 && hf == 0, "%s at %dx%d: the shortcuts overlay holds its %d-line text (%d outside)", view, w, h, 0, hf);
            CHECK(px >= 0 && py >= 0 && px + pw <= w && py + ph <= h, "%s at %dx%d: the overlay (%.0fx%.0f) fits the window", view, w, h, pw, ph);
            CHECK(run_text(&r, "key Escape\n") == 0, "overlay off");
        }
    }
    gui_run_close(&r);
}

// Stub font: 7 points a character.
static int stub_width(void *u, int font, const char *s) { (void)u; (void)font; return 7 * (int)strlen(s); }

// A plot's header (title, "(log)", legend, the axis label) in a narrow
// panel, as the Train view's at 900x600: no two of its texts overlap and
// none runs past the panel; a wide panel has room for all of them.
static void check_plot_header(void) {
    static const int lh[GUI_NFONT] = { 12, 14, 18 };
    float x[3] = { 0, 1, 2 }, y[3] = { 1, 0.5f, 0.2f };
    gui_series s[2] = { { x, y, 3, gui_rgb(1, 2, 3), 0, "train", NULL },
                        { x, y, 3, gui_rgb(4, 5, 6), 2, "held-out", NULL } };
    gui_plot_opts o = { .title = "Loss (cross-entropy)", .xlabel = "step", .logy = 1 };
    for (int wide = 0; wide < 2; wide++) {
        gui_ctx ui;
        gui_init(&ui, 1000, 600, stub_width, NULL, lh);
        gui_begin(&ui);
        gui_plot_x px;
        gui_plot_x_init(&px);
        gui_rect r = gui_r(0, 0, wide ? 500 : 300, 200);
        gui_plot(&ui, 1, r, &px, &o, s, 2);
        int n = 0, overlap = 0, outside = 0, step = 0, x0[16], x1[16];
        for (int i = 0; i < ui.ncmd && n < 16; i++) {
            const gui_cmd *c = &ui.cmds[i];
            if (c->type != GUI_CMD_TEXT || c->r.y != r.y + 4) continue;   // the header row
            const char *t = gui_cmd_text(&ui, c);
            step |= !strcmp(t, "step");
            x0[n] = c->r.x; x1[n] = c->r.x + stub_width(NULL, 0, t);
            outside |= x1[n] > r.x + r.w;
            for (int k = 0; k < n; k++) overlap |= x0[n] < x1[k] && x0[k] < x1[n];
            n++;
        }
        CHECK(n >= 2 && !overlap && !outside, "%d-point plot: %d header texts, none overlapping or past the panel",
              r.w, n);
        CHECK(step == wide, "%d-point plot: the axis label %s", r.w, wide ? "is shown" : "gives way to the legend");
        gui_end(&ui);
        gui_free(&ui);
    }
}

// The modes of the views: script lines that put the view into each, run one after another. Every registered
// view (gui_views) is checked; one without a row here in the mode it opens in.
static const struct { const char *view; int n; const char *states[3]; } modes[] = {
    { "train", 2, { "", "click 199 58\nframe 2\n" } },   // the attention model's form, the writing one's
    { "attention", 3, { "", "key s\n", "key s\nkey o\n" } },
    { "synthesis", 2, { "", "key m\n" } },
    { "prediction", 2, { "", "drag 300 300 500 320 12\nidle\nkey g\nwait 300\n" } },
    { "draw", 3, { "", "key g\nkey g\nkey g\nkey g\n", "key m\n" } },
    { "search", 3, { "", "key a\n", "key c\n" } },
    { "cells", 2, { "idle\n", "idle\nkey t\nidle\nkey l\nkey s\nkey Down\n" } },
};
#define NMODES (sizeof modes / sizeof modes[0])

int main(void) {
    check_plot_header();
    for (size_t k = 0; k < NMODES; k++)
        CHECK(gui_view_find(modes[k].view) >= 0, "'%s' is a registered view", modes[k].view);
    static const char *const opening[1] = { "" };
    for (int i = 0; gui_views[i]; i++) {
        size_t k = 0;
        while (k < NMODES && strcasecmp(modes[k].view, gui_views[i]->name)) k++;
        if (k < NMODES) check_view(modes[k].view, modes[k].states, modes[k].n);
        else check_view(gui_views[i]->name, opening, 1);
    }
    TEST_MAIN_END();
}
