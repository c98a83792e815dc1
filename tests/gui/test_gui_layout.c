// Layout at every size the window allows: each view, in each of its modes,
// rendered at the minimum size (GUI_MIN_W x GUI_MIN_H), the default and a
// large one; no two widgets or panels overlap, every one lies inside the
// view's area, and no text runs past the window's edge (or, with the
// shortcuts overlay shown, past the overlay's panel).
#include "gl_test.h"
#include "gui_test.h"
#include <string.h>

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

int main(void) {
    static const char *const attn[] = { "", "key s\n", "key s\nkey o\n" };
    check_view("attention", attn, 3);
    static const char *const syn[] = { "", "key m\n" };
    check_view("synthesis", syn, 2);
    static const char *const pred[] = { "", "drag 300 300 500 320 12\nidle\nkey g\nwait 300\n" };
    check_view("prediction", pred, 2);
    static const char *const draw[] = { "", "key g\nkey g\nkey g\nkey g\n", "key m\n" };
    check_view("draw", draw, 3);
    static const char *const search[] = { "", "key a\n", "key c\n" };
    check_view("search", search, 3);
    TEST_MAIN_END();
}
