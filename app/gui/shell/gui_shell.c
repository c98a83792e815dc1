// gui_shell: view bar, status line, shortcuts overlay, global keys (see gui_shell.h).
#include "gui_shell.h"
#include "gl_util.h"
#include "gui_export.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const shell_shortcuts[] = {
    "F1 or ?\tshow / hide these shortcuts",
    "Esc\tclose this overlay",
    "Ctrl+Tab / Ctrl+Shift+Tab\tnext / previous view",
    "Ctrl+G\tsave what the view plays as an animated GIF (in the export directory)",
    "Ctrl+Q\tquit",
    NULL,
};

void gui_app_note(gui_app *app, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->note, sizeof app->note, fmt, ap);
    va_end(ap);
    app->note_until = app->now + 4.0;
}

void gui_app_note_engine_failure(gui_app *app, uint64_t *seen) {
    gl_engine_stats st;
    gl_engine_get_stats(app->engine, &st);
    if (st.failed > *seen) {   // a job failed since the last look: say why
        char err[256];
        gl_engine_last_error(app->engine, err, sizeof err);
        gui_app_note(app, "engine: %s", err);
        *seen = st.failed;
    }
}

// XDG_PICTURES_DIR from user-dirs.dirs: a line XDG_PICTURES_DIR="$HOME/Pictures".
static int xdg_pictures(char *out, size_t n, const char *home) {
    char path[1024];
    const char *cfg = getenv("XDG_CONFIG_HOME");
    if (cfg && *cfg) snprintf(path, sizeof path, "%s/user-dirs.dirs", cfg);
    else snprintf(path, sizeof path, "%s/.config/user-dirs.dirs", home);
    // through gl_read_file_max: a FIFO or a device at that name must not
    // hang the app at start (a plain fopen would block on a FIFO)
    uint8_t *buf; size_t len;
    if (gl_read_file_max(path, &buf, &len, (size_t)1 << 20) != 0) return -1;
    int found = -1;
    for (char *save = NULL, *line = strtok_r((char *)buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "XDG_PICTURES_DIR=", 17)) continue;
        p += 17;
        if (*p == '"') p++;
        char *e = strchr(p, '"');
        if (!e) e = p + strcspn(p, "\r\n");
        *e = 0;
        if (!strncmp(p, "$HOME", 5)) snprintf(out, n, "%s%s", home, p + 5);
        else if (p[0] == '/') snprintf(out, n, "%s", p);
        else continue;
        found = 0;
    }
    free(buf);
    return found;
}

void gui_export_dir(char *out, size_t n) {
    const char *env = getenv("GLIMPSE_EXPORT_DIR"), *home = getenv("HOME");
    if (env && *env) snprintf(out, n, "%s", env);
    else if (home && *home) {
        if (xdg_pictures(out, n, home) != 0) snprintf(out, n, "%s/Pictures", home);
    } else snprintf(out, n, ".");
    if (out[0] != '/') {   // relative: from the current directory
        char cwd[1024], rel[1024];
        snprintf(rel, sizeof rel, "%s", out);
        if (getcwd(cwd, sizeof cwd))
            snprintf(out, n, "%s%s%s", cwd, strcmp(rel, ".") ? "/" : "", strcmp(rel, ".") ? rel : "");
    }
}

int gui_app_export_ready(gui_app *app) {
    if (gl_mkdirs(app->export_dir) == 0) return 0;
    gui_app_note(app, "export failed: %s", gl_err());
    return -1;
}

int gui_view_find(const char *name) {
    for (int i = 0; gui_views[i]; i++)
        if (!strcasecmp(gui_views[i]->name, name)) return i;
    return -1;
}

gui_shell *gui_shell_new(int w, int h, gui_text_width_fn tw, void *tw_user, const int line_h[GUI_NFONT],
                         const char *view_name, const char *(*asset_path)(const char *)) {
    gui_shell *sh = gl_calloc(1, sizeof *sh);
    gui_init(&sh->ui, w, h, tw, tw_user, line_h);
    sh->app.ui = &sh->ui;
    sh->app.asset_path = asset_path;
    gui_export_dir(sh->app.export_dir_buf, sizeof sh->app.export_dir_buf);
    sh->app.export_dir = sh->app.export_dir_buf;
    sh->t0 = gl_now();
    if (view_name) {
        sh->cur = gui_view_find(view_name);
        if (sh->cur < 0) {
            char names[256] = "";
            for (int i = 0; gui_views[i]; i++) {
                size_t n = strlen(names);
                snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "", gui_views[i]->name);
            }
            gl_seterr("unknown view '%s' (views: %s)", view_name, names);
            gui_free(&sh->ui); free(sh);
            return NULL;
        }
    }
    sh->app.engine = gl_engine_new();
    if (!sh->app.engine) { gui_free(&sh->ui); free(sh); return NULL; }
    for (int i = 0; gui_views[i] && i < GUI_MAX_VIEWS; i++) {
        sh->cls[i] = gui_views[i];
        sh->state[i] = gui_views[i]->init(&sh->app);
        sh->nviews = i + 1;
        if (!sh->state[i]) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s view: %s", gui_views[i]->name, gl_err());
            gui_shell_free(sh);
            gl_seterr("%s", msg);
            return NULL;
        }
    }
    return sh;
}

void gui_shell_quit(gui_shell *sh) {
    if (!sh || sh->stopped) return;
    // Every worker is told to stop before any is waited for: they wind down
    // together, and closing takes as long as the slowest, not their sum.
    gl_engine_quit(sh->app.engine);
    for (int i = 0; i < sh->nviews; i++)
        if (sh->state[i] && sh->cls[i]->quit) sh->cls[i]->quit(sh->state[i], 0);
    gl_engine_free(sh->app.engine);   // joins
    sh->app.engine = NULL;
    for (int i = 0; i < sh->nviews; i++)
        if (sh->state[i] && sh->cls[i]->quit) sh->cls[i]->quit(sh->state[i], 1);
    sh->stopped = 1;
}

void gui_shell_free(gui_shell *sh) {
    if (!sh) return;
    gui_shell_quit(sh);   // first: no job may outlive the views' models
    for (int i = 0; i < sh->nviews; i++)
        if (sh->state[i]) sh->cls[i]->free(sh->state[i]);
    gui_free(&sh->ui);
    free(sh);
}

void gui_shell_invalidate(gui_shell *sh) { if (sh->dirty < 1) sh->dirty = 1; }

// Ctrl+G and the view bar's GIF button: the view's animation (its gif hook)
// as the export directory's next glimpse-NAME-NNN.gif. It is written on the
// GUI thread from what the view already holds, as its PNG exports are.
static void shell_gif(gui_shell *sh) {
    const gui_view_class *v = sh->cls[sh->cur];
    gui_app *app = &sh->app;
    if (!v->gif) { gui_app_note(app, "nothing plays in %s to save as a GIF", v->name); return; }
    char name[GUI_NAME_MAX], path[1300];
    snprintf(name, sizeof name, "%s", v->name);
    for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
    static const char *const ext[1] = { ".gif" };
    if (gui_export_name(app, name, ext, 1, path, sizeof path - 4) != 0) return;
    strcat(path, ".gif");
    if (v->gif(sh->state[sh->cur], app, path) == 0) {
        sh->gifs++;
        gui_app_note(app, "saved the animation to %s", path);
    } else gui_app_note(app, "GIF export failed: %s", gl_err());
}

void gui_shell_event(gui_shell *sh, const gui_event *ev) {
    sh->app.now = gl_now() - sh->t0;   // a note set by this event lasts from now
    gui_input(&sh->ui, ev);
    // This frame shows the input; the next one what widgets changed while
    // drawing it (a button's click is seen in the middle of a frame).
    sh->dirty = 2;
    const gui_view_class *v = sh->cls[sh->cur];
    void *st = sh->state[sh->cur];
    switch (ev->type) {
    case GUI_EV_QUIT: sh->quit = 1; return;
    case GUI_EV_RESIZE: return;
    case GUI_EV_KEY:
        if (ev->key == GUI_KEY_F1) { sh->help = !sh->help; return; }
        if (ev->key == 'q' && (ev->mods & GUI_MOD_CTRL)) { sh->quit = 1; return; }
        if (ev->key == GUI_KEY_TAB && (ev->mods & GUI_MOD_CTRL)) {
            sh->cur = (sh->cur + ((ev->mods & GUI_MOD_SHIFT) ? sh->nviews - 1 : 1)) % sh->nviews;
            return;
        }
        if (sh->help) { if (ev->key == GUI_KEY_ESCAPE || ev->key == '?') sh->help = 0; return; }
        if (ev->key == '?' && !sh->ui.focus) { sh->help = 1; return; }   // scripts send '?' as a key
        if (sh->ui.focus) return;   // the text field has the keys
        if (ev->key == 'g' && ev->mods == GUI_MOD_CTRL) { shell_gif(sh); return; }
        break;
    case GUI_EV_TEXT:
        if (!sh->ui.focus && !strcmp(ev->text, "?")) { sh->help = !sh->help; return; }
        if (sh->help || sh->ui.focus) return;
        break;
    case GUI_EV_DOWN:
        if (sh->help) { sh->help = 0; sh->ui.mouse_pressed = 0; sh->ui.mouse_down = 0; return; }
        break;
    default: break;
    }
    if (v->event) v->event(st, &sh->app, ev);
}

// The shortcuts overlay: a panel as wide as its longest line needs (the
// key column, then the description), in one column, or two when the window
// is too low for one; lines that still do not fit are cut with an ellipsis.
static void draw_help(gui_shell *sh) {
    gui_ctx *ui = &sh->ui;
    sh->help_cmd = ui->ncmd;
    gui_rect_fill(ui, gui_r(0, 0, ui->w, ui->h), gui_rgba(0, 0, 0, 170));
    const char *const *lists[2] = { shell_shortcuts, sh->cls[sh->cur]->shortcuts };
    const char *lines[64];
    int nl = 0, kw = 0, dw = 0, gaps = 0;
    for (int l = 0; l < 2; l++) {
        for (int i = 0; lists[l] && lists[l][i] && nl < 63; i++) {
            const char *tab = strchr(lists[l][i], '\t');
            char k[64];
            snprintf(k, sizeof k, "%.*s", tab ? (int)(tab - lists[l][i]) : (int)strlen(lists[l][i]), lists[l][i]);
            int w = gui_text_w(ui, GUI_FONT_NORMAL, k);
            if (w > kw) kw = w;
            if (tab) { w = gui_text_w(ui, GUI_FONT_NORMAL, tab + 1); if (w > dw) dw = w; }
            lines[nl++] = lists[l][i];
        }
        if (l == 0) { lines[nl++] = NULL; gaps++; }   // a gap between the shell's keys and the view's
    }
    int lh = ui->line_h[GUI_FONT_NORMAL] + 4, pad = 16, title = ui->line_h[GUI_FONT_LARGE] + 14;
    int colw = kw + 16 + dw, cols = 1;
    int rows_h = (nl - gaps) * lh + gaps * lh / 2;
    if (title + rows_h + 2 * pad > ui->h - 20 && 2 * colw + 3 * pad <= ui->w - 20) cols = 2;
    int per_col = (nl + cols - 1) / cols;
    int pw = cols * colw + (cols + 1) * pad, ph = title + per_col * lh + 2 * pad;
    if (pw > ui->w - 20) { pw = ui->w - 20; colw = (pw - (cols + 1) * pad) / cols; }
    if (ph > ui->h - 20) ph = ui->h - 20;
    gui_rect p = gui_r((ui->w - pw) / 2, (ui->h - ph) / 2, pw, ph);
    sh->help_rect = p;
    gui_rect_fill(ui, p, gui_col_panel);
    gui_rect_frame(ui, p, gui_col_accent);
    gui_text(ui, p.x + pad, p.y + pad - 4, GUI_FONT_LARGE, gui_col_text, "Keyboard and mouse");
    int y0 = p.y + pad + title, y = y0, col = 0;
    for (int i = 0; i < nl; i++) {
        if (i > 0 && i % per_col == 0 && cols > 1) { col++; y = y0; }
        if (!lines[i]) { y += lh / 2; continue; }
        if (y + lh > p.y + p.h - pad / 2) continue;   // no room left: the window is too small for all
        const char *s = lines[i], *tab = strchr(s, '\t');
        int x = p.x + pad + col * (colw + pad);
        char k[64], d[160];
        snprintf(k, sizeof k, "%.*s", tab ? (int)(tab - s) : (int)strlen(s), s);
        gui_text(ui, x, y, GUI_FONT_NORMAL, gui_col_accent, k);
        if (tab) {
            snprintf(d, sizeof d, "%s", tab + 1);
            int room = colw - kw - 16;
            // cut to the room left (only in a window narrower than the text)
            while (d[0] && gui_text_w(ui, GUI_FONT_NORMAL, d) > room) {
                size_t n = strlen(d);
                if (n <= 4) { d[0] = 0; break; }
                memcpy(d + n - 4, "...", 4);
            }
            gui_text(ui, x + kw + 16, y, GUI_FONT_NORMAL, gui_col_text, d);
        }
        y += lh;
    }
}

void gui_shell_frame(gui_shell *sh, double dt) {
    gui_ctx *ui = &sh->ui;
    gui_app *app = &sh->app;
    app->now = gl_now() - sh->t0;
    ui->time = app->now;
    // After a sleep, dt is the time since the last frame: playback resumes
    // where it was rather than jumping, and the frame rate counts only
    // frames drawn back to back: a burst after a pause starts a new average
    // rather than showing the figure of the last burst.
    if (dt > 0.1) { dt = 1.0 / 60; sh->fps = 0; }
    else if (dt > 0) sh->fps = sh->fps ? 0.95 * sh->fps + 0.05 / dt : 1 / dt;
    if (sh->dirty > 0) sh->dirty--;
    sh->frames++;
    gui_begin(ui);
    const gui_view_class *v = sh->cls[sh->cur];
    void *st = sh->state[sh->cur];
    sh->engine_busy = gl_engine_busy(app->engine);
    if (v->update) v->update(st, app, dt);

    gui_rect_fill(ui, gui_r(0, 0, ui->w, ui->h), gui_col_bg);
    gui_rect area = gui_r(0, GUI_BAR_H, ui->w, ui->h - GUI_BAR_H - GUI_STATUS_H);
    app->status[0] = 0;
    v->draw(st, app, area);

    // View bar: one tab per registered view, the shortcuts button on the right.
    gui_rect_fill(ui, gui_r(0, 0, ui->w, GUI_BAR_H), gui_col_panel);
    gui_text(ui, 12, (GUI_BAR_H - ui->line_h[GUI_FONT_LARGE]) / 2, GUI_FONT_LARGE, gui_col_accent, "glimpse");
    int x = 110;
    for (int i = 0; i < sh->nviews; i++) {
        int w = gui_text_w(ui, GUI_FONT_NORMAL, sh->cls[i]->name) + 28;
        int on = i == sh->cur;
        if (gui_toggle(ui, gui_idx("viewtab", i), gui_r(x, 4, w, GUI_BAR_H - 8), sh->cls[i]->name, &on)) sh->cur = i;
        x += w + 4;
    }
    if (gui_button(ui, GUI_ID("help"), gui_r(ui->w - 120, 4, 112, GUI_BAR_H - 8), "? Shortcuts")) sh->help = !sh->help;
    if (v->gif && gui_button(ui, GUI_ID("gif"), gui_r(ui->w - 190, 4, 64, GUI_BAR_H - 8), "GIF")) shell_gif(sh);

    // Status line: the view's status (or a transient note) and the frame rate.
    gui_rect sb = gui_r(0, ui->h - GUI_STATUS_H, ui->w, GUI_STATUS_H);
    gui_rect_fill(ui, sb, gui_col_panel);
    int ty = sb.y + (GUI_STATUS_H - ui->line_h[GUI_FONT_SMALL]) / 2;
    int note = app->note[0] && app->now < app->note_until;
    gui_text(ui, 10, ty, GUI_FONT_SMALL, note ? gui_rgb(250, 210, 90) : gui_col_dim, note ? app->note : app->status);
    char right[64];
    int moving = sh->engine_busy || sh->animating;
    snprintf(right, sizeof right, "%s%s", sh->engine_busy ? "engine busy  " : "", moving ? "" : "idle");
    if (moving && sh->fps > 0) snprintf(right + strlen(right), sizeof right - strlen(right), "%.0f fps", sh->fps);
    gui_text(ui, ui->w - 12 - gui_text_w(ui, GUI_FONT_SMALL, right), ty, GUI_FONT_SMALL, gui_col_dim, right);

    if (sh->help) draw_help(sh);
    if (v->request) v->request(st, app);
    if (ui->tf_note_seq != sh->note_seq) {   // a text field refused input: say why
        sh->note_seq = ui->tf_note_seq;
        gui_app_note(app, "%s", ui->tf_note);
    }
    sh->animating = v->animating ? v->animating(st, app) : 0;
    if (app->want_view > 0 && app->want_view <= sh->nviews) {   // a view handed over to another
        sh->cur = app->want_view - 1;
        gui_shell_invalidate(sh);
    }
    app->want_view = 0;
}

void gui_shell_end(gui_shell *sh) {
    int view = sh->cur;
    gui_end(&sh->ui);
    if (sh->cur != view) gui_shell_invalidate(sh);
}

double gui_shell_next_frame(gui_shell *sh) {
    gui_app *app = &sh->app;
    // Work under way: the engine's traces fill (a new frame may be in), or
    // it has just finished (the last of them is not drawn yet).
    int busy = gl_engine_busy(app->engine);
    if (sh->dirty > 0 || sh->animating || busy || sh->engine_busy || sh->frames == 0) return 0;
    double now = gl_now() - sh->t0, due = -1;
    if (app->note[0] && app->note_until > 0) {   // the note disappears when it expires
        if (app->note_until <= now) { app->note_until = 0; return 0; }
        due = app->note_until - now;
    }
    if (sh->ui.wake_at > 0) {
        double w = sh->ui.wake_at - now;
        if (w <= 0) return 0;
        if (due < 0 || w < due) due = w;
    }
    return due;
}

int gui_shell_probe(gui_shell *sh, const char *what, double *out) {
    if (!strcmp(what, "help")) { *out = sh->help; return 0; }
    if (!strcmp(what, "view")) { *out = sh->cur; return 0; }
    if (!strcmp(what, "engine_busy")) { *out = gl_engine_busy(sh->app.engine); return 0; }
    if (!strcmp(what, "frames_built")) { *out = (double)sh->frames; return 0; }
    if (!strcmp(what, "help_x")) { *out = sh->help_rect.x; return 0; }
    if (!strcmp(what, "help_y")) { *out = sh->help_rect.y; return 0; }
    if (!strcmp(what, "help_w")) { *out = sh->help_rect.w; return 0; }
    if (!strcmp(what, "help_h")) { *out = sh->help_rect.h; return 0; }
    if (!strcmp(what, "help_cmd")) { *out = sh->help ? sh->help_cmd : -1; return 0; }
    if (!strcmp(what, "animating")) { *out = sh->animating; return 0; }
    if (!strcmp(what, "gifs")) { *out = sh->gifs; return 0; }
    const gui_view_class *v = sh->cls[sh->cur];
    return v->probe ? v->probe(sh->state[sh->cur], what, out) : -1;
}
