// Issue 35, the app's side: the text area (newlines, tabs, paste, the
// 2,000-character cap, UTF-8 kept whole), styles of one's own hand (saved in
// a temporary XDG data directory, loaded, renamed, deleted, refused with a
// reason when a sample cannot serve; `glimpse write --style NAME`), and the
// Synthesis view writing a page in one hand: every line written, the paper
// following the pen, the timeline over the whole page, and at 900x600 the
// alignment caption and the window table inside their panels.
#include "gl_test.h"
#include "gui_test.h"
#include "gui.h"
#include "gui_shell.h"
#include "gl_hw.h"
#include "hw_gui.h"
#include "style_file.h"
#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

// ---- the text area, on the UI core with a fixed-width stub font ---------------------------
static int stub_width(void *u, int font, const char *s) { (void)u; (void)font; return 7 * (int)strlen(s); }
static const int lh[GUI_NFONT] = { 12, 14, 18 };
static char clip[8192];
static char *clip_get(void *u) { (void)u; return gl_strdup(clip); }
static void clip_set(void *u, const char *s) { (void)u; snprintf(clip, sizeof clip, "%s", s); }

// One frame of the area with the given input; returns the field's flags.
static int area_frame(gui_ctx *ui, char *buf, int cap, int key, int mods, const char *text) {
    gui_field_opts o = { .max_len = 2000, .what = "the text", .multiline = 1 };
    gui_begin(ui);
    if (key) { gui_event e = { .type = GUI_EV_KEY, .key = key, .mods = mods }; gui_input(ui, &e); }
    if (text) { gui_event e = { .type = GUI_EV_TEXT }; snprintf(e.text, sizeof e.text, "%s", text); gui_input(ui, &e); }
    int f = gui_field(ui, gui_id("area"), gui_r(10, 10, 300, 60), buf, cap, &o);
    gui_end(ui);
    return f;
}

static void text_area(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    ui.clip_get = clip_get;
    ui.clip_set = clip_set;
    static char buf[2001];
    buf[0] = 0;
    gui_focus(&ui, gui_id("area"));
    area_frame(&ui, buf, sizeof buf, 0, 0, "line one");
    int f = area_frame(&ui, buf, sizeof buf, GUI_KEY_RETURN, 0, NULL);
    area_frame(&ui, buf, sizeof buf, GUI_KEY_TAB, 0, NULL);
    area_frame(&ui, buf, sizeof buf, 0, 0, "two");
    CHECK(!strcmp(buf, "line one\n\ttwo"), "Return starts a new line, Tab puts a tab: '%s'", buf);
    CHECK((f & GUI_FIELD_EDITED) && !(f & GUI_FIELD_SUBMIT) && ui.focus == gui_id("area"),
          "Return edits and keeps the focus");
    // Up goes to the line above at about the same place, Home/End to its ends
    area_frame(&ui, buf, sizeof buf, GUI_KEY_UP, 0, NULL);
    CHECK(ui.tf_cur <= 8, "Up: on the first line (caret %d)", ui.tf_cur);
    area_frame(&ui, buf, sizeof buf, GUI_KEY_END, 0, NULL);
    CHECK(ui.tf_cur == 8, "End: the first line's end (%d)", ui.tf_cur);
    area_frame(&ui, buf, sizeof buf, GUI_KEY_END, GUI_MOD_CTRL, NULL);
    CHECK(ui.tf_cur == (int)strlen(buf), "Ctrl+End: the text's end (%d)", ui.tf_cur);
    // paste keeps newlines ("\r\n" as one) and tabs
    snprintf(clip, sizeof clip, "\r\nthree\r\nfour\tfive");
    area_frame(&ui, buf, sizeof buf, 'v', GUI_MOD_CTRL, NULL);
    CHECK(!strcmp(buf, "line one\n\ttwo\nthree\nfour\tfive"), "paste keeps the lines: '%s'", buf);
    // copy of a long selection is whole
    static char big[2500];
    memset(big, 'x', 1999);
    big[1999] = 0;
    snprintf(clip, sizeof clip, "%s", big);
    area_frame(&ui, buf, sizeof buf, 'a', GUI_MOD_CTRL, NULL);
    area_frame(&ui, buf, sizeof buf, 'v', GUI_MOD_CTRL, NULL);
    CHECK(strlen(buf) == 1999, "a 1,999-character paste (%zu)", strlen(buf));
    area_frame(&ui, buf, sizeof buf, 'a', GUI_MOD_CTRL, NULL);
    area_frame(&ui, buf, sizeof buf, 'c', GUI_MOD_CTRL, NULL);
    CHECK(strlen(clip) == 1999, "copied whole (%zu)", strlen(clip));
    // the cap: 2,000 characters, the rest refused with a note
    area_frame(&ui, buf, sizeof buf, GUI_KEY_END, GUI_MOD_CTRL, NULL);
    uint64_t seq = ui.tf_note_seq;
    area_frame(&ui, buf, sizeof buf, 0, 0, "abc");
    CHECK(strlen(buf) == 2000 && ui.tf_note_seq > seq && strstr(ui.tf_note, "at most 2000"),
          "2,000 characters at most, said: %zu, '%s'", strlen(buf), ui.tf_note);
    // wrapped into lines of the area's width; the caret scrolls into sight
    CHECK(ui.tf_scroll > 0, "scrolled to the caret at the end (%d)", ui.tf_scroll);
    // UTF-8: kept whole, one Backspace takes the whole character
    area_frame(&ui, buf, sizeof buf, 'a', GUI_MOD_CTRL, NULL);
    area_frame(&ui, buf, sizeof buf, GUI_KEY_BACKSPACE, 0, NULL);
    area_frame(&ui, buf, sizeof buf, 0, 0, "caf\xc3\xa9");
    CHECK(!strcmp(buf, "caf\xc3\xa9"), "an accented letter is kept: '%s'", buf);
    area_frame(&ui, buf, sizeof buf, GUI_KEY_BACKSPACE, 0, NULL);
    CHECK(!strcmp(buf, "caf"), "one Backspace takes it whole: '%s'", buf);
    // Escape leaves; Ctrl+Return submits
    area_frame(&ui, buf, sizeof buf, GUI_KEY_ESCAPE, 0, NULL);
    CHECK(ui.focus == 0, "Escape leaves the area");
    gui_focus(&ui, gui_id("area"));
    f = area_frame(&ui, buf, sizeof buf, GUI_KEY_RETURN, GUI_MOD_CTRL, NULL);
    CHECK((f & GUI_FIELD_SUBMIT) && !strcmp(buf, "caf"), "Ctrl+Return submits without a newline");
    // a one-line field still joins pasted lines and takes ASCII only
    static char one[64] = "";
    gui_field_opts o1 = { .max_len = 40, .what = "one line" };
    gui_focus(&ui, gui_id("one"));
    snprintf(clip, sizeof clip, "a\nb\tc");
    gui_begin(&ui);
    { gui_event e = { .type = GUI_EV_KEY, .key = 'v', .mods = GUI_MOD_CTRL }; gui_input(&ui, &e); }
    gui_field(&ui, gui_id("one"), gui_r(10, 100, 200, 26), one, sizeof one, &o1);
    gui_end(&ui);
    CHECK(!strcmp(one, "a b c"), "a one-line field joins pasted lines: '%s'", one);
    gui_free(&ui);
}

// ---- styles of one's own hand -------------------------------------------------------------
static char xdg[256];

static int count_json(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) n += strstr(de->d_name, ".json") != NULL;
    closedir(d);
    return n;
}

// A mouse-written line (the test corpus's Hershey strokes of text) through the
// app's conversion to the model's units, with the presets' measures, paced as
// the app paces it for what the person typed (said).
static float *hand_line(const gl_hw_cfg *cfg, const app_style_ref *ref, const char *text, const char *said,
                        uint64_t seed, int *n) {
    gl_hw_corpus pc = { 0 };
    gl_hw_hershey_opts ho;
    gl_hw_hershey_defaults(&ho);
    if (gl_hw_hershey_line(&pc, text, &ho, seed)) { *n = 0; return NULL; }
    const gl_hw_line *l = &pc.lines[0];
    float *x = gl_malloc(sizeof(float) * (size_t)l->n), *y = gl_malloc(sizeof(float) * (size_t)l->n), ax = 0, ay = 0;
    uint8_t *up = gl_malloc((size_t)l->n);
    for (int i = 0; i < l->n; i++) {
        ax += l->pts[3 * i]; ay += l->pts[3 * i + 1];
        x[i] = ax; y[i] = ay; up[i] = l->pts[3 * i + 2] > 0.5f;
    }
    (void)cfg;
    float *pts = hw_hand_points_paced(x, y, up, l->n, said, ref, ref->height / 20, n);
    free(x); free(y); free(up);
    gl_hw_corpus_free(&pc);
    return pts;
}

static void styles(const char *exe) {
    gl_hw_model *m = gl_hw_load(test_asset_path("handwriting-synth.safetensors"), 0);
    CHECK(m != NULL, "the shipped model: %s", gl_err());
    if (!m) return;
    app_style_presets ps;
    app_style_presets_load(&ps, test_asset_path("handwriting/styles"), &m->cfg);
    gl_hw_line ls[APP_STYLE_PRESETS_MAX];
    for (int i = 0; i < ps.n; i++) { ls[i] = ps.p[i].pc.lines[0]; ls[i].text = ps.p[i].text; }
    app_style_ref ref;
    app_style_ref_of(ls, ps.n, &ref);
    CHECK(ps.n == 4 && ref.height > 0 && ref.ink_per_char > 0 && ref.width_per_char > 0,
          "the presets' measures (height %g, ink %g and width %g a character)", ref.height, ref.ink_per_char,
          ref.width_per_char);
    char dir[512];
    app_style_user_dir(dir, sizeof dir);
    char want[512];
    snprintf(want, sizeof want, "%s/glimpse/styles", xdg);
    CHECK(!strcmp(dir, want), "styles of one's own go to $XDG_DATA_HOME/glimpse/styles (%s)", dir);

    // a sample that can serve, saved, loaded as a preset and by name
    int n;
    float *pts = hand_line(&m->cfg, &ref, "a quick brown fox", "a quick brown fox", 3, &n);
    CHECK(pts && app_style_sample_check("a quick brown fox", pts, n, &ref) == 0, "a written line serves: %s", gl_err());
    CHECK(app_style_user_save("my-hand", "a quick brown fox", pts, n, &m->cfg, 0) == 0, "saved: %s", gl_err());
    CHECK(app_style_user_save("my-hand", "a quick brown fox", pts, n, &m->cfg, 0) != 0 && strstr(gl_err(), "already"),
          "a name taken is refused: %s", gl_err());
    app_style_presets us;
    app_style_presets_load(&us, dir, &m->cfg);
    CHECK(us.n == 1 && !strcmp(us.p[0].name, "my-hand") && us.p[0].pc.lines[0].n == n &&
          !strcmp(us.p[0].text, "a quick brown fox"), "loaded back as a style (%d)", us.n);
    if (us.n == 1) {
        float worst = 0;
        for (int i = 0; i < 3 * n; i++) worst = fmaxf(worst, fabsf(us.p[0].pc.lines[0].pts[i] - pts[i]));
        CHECK(worst < 1e-3f * (1 + ref.height), "the same points (%g)", worst);
    }
    app_style_presets_free(&us);
    gl_hw_corpus pc;
    char *ptext = NULL;
    CHECK(app_style_load("my-hand", &m->cfg, &pc, &ptext) == 0 && ptext && !strcmp(ptext, "a quick brown fox"),
          "--style NAME finds it: %s", gl_err());
    if (ptext) { gl_hw_corpus_free(&pc); free(ptext); }
    CHECK(app_style_load("nobody", &m->cfg, &pc, &ptext) != 0 && strstr(gl_err(), "no style of that name"),
          "an unknown name is said: %s", gl_err());
    if (exe) {   // the CLI, with the same data directory
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "XDG_DATA_HOME='%s' '%s' write 'in my hand' --style my-hand --seed 1 -o '%s/out.svg' "
                 ">/dev/null 2>&1", xdg, exe, xdg);
        CHECK(system(cmd) == 0, "glimpse write --style my-hand");
        snprintf(cmd, sizeof cmd, "%s/out.svg", xdg);
        CHECK(gl_file_exists(cmd), "wrote %s", cmd);
        unlink(cmd);
    }
    // rename, delete
    CHECK(app_style_user_rename("my-hand", "hand2", &m->cfg) == 0, "renamed: %s", gl_err());
    app_style_presets_load(&us, dir, &m->cfg);
    CHECK(us.n == 1 && !strcmp(us.p[0].name, "hand2") && count_json(dir) == 1, "one style, the new name (%d)", us.n);
    app_style_presets_free(&us);
    CHECK(app_style_user_rename("hand2", "12", &m->cfg) != 0 && strstr(gl_err(), "letter"), "a number is no name: %s",
          gl_err());
    CHECK(app_style_user_rename("hand2", "a/b", &m->cfg) != 0 && strstr(gl_err(), "'/'"), "nor a path: %s", gl_err());
    CHECK(app_style_user_delete("hand2") == 0 && count_json(dir) == 0, "deleted: %s", gl_err());
    CHECK(app_style_user_delete("hand2") != 0, "deleting it again says so: %s", gl_err());

    // refused, with the reason
    CHECK(app_style_sample_check("ab", pts, n, &ref) != 0 && strstr(gl_err(), "too short"), "two letters: %s", gl_err());
    CHECK(app_style_sample_check("a quick brown fox", pts, 12, &ref) != 0 && strstr(gl_err(), "too few points"),
          "twelve points: %s", gl_err());
    // text and strokes plainly apart: the strokes of "a quick brown fox" said
    // to be four letters, those of "abcd" a line of 23 characters
    CHECK(app_style_sample_check("abcd", pts, n, &ref) != 0 && strstr(gl_err(), "do not match"),
          "17 letters' strokes as 4: %s", gl_err());
    int n2;
    float *pts2 = hand_line(&m->cfg, &ref, "abcd", "a quick brown fox jumps", 5, &n2);
    gl_seterr("-");
    CHECK(pts2 && app_style_sample_check("a quick brown fox jumps", pts2, n2, &ref) != 0 &&
          strstr(gl_err(), "do not match"), "four letters' strokes as 23: %s", gl_err());
    CHECK(app_style_sample_check("abcd", pts2, n2, &ref) == 0, "the same strokes as what they say serve: %s", gl_err());
    free(pts2);
    free(pts);
    app_style_presets_free(&ps);
    gl_hw_free(m);
}

// ---- the Synthesis view: a page, and styles in the app ------------------------------------
static void replace_text(gui_run *r, const char *script_text) {
    char s[4096];
    snprintf(s, sizeof s, "key Return\nkey ctrl+a\nkey Backspace\n%skey Escape\n", script_text);
    run_text(r, s);
}

// Lets the engine finish the page (an ASan build on a loaded machine takes far longer than `idle` waits).
static void wait_done(gui_run *r) {
    for (int i = 0; i < 1200 && probe(r, "done") != 1; i++) run_text(r, "wait 100\n");
    run_text(r, "frame\n");
}

static void page_view(int w, int h) {
    gui_run r;
    int rc = gui_run_open(&r, w, h, 1, "synthesis", test_asset_path);
    CHECK(rc == 0, "the app starts at %dx%d: %s", w, h, rc ? gl_err() : "");
    if (rc) return;
    r.sh->ui.record = 1;   // the laid-out widgets, to click them
    gui_run_frame(&r);
    replace_text(&r, "text It was the best of times, it was the worst of times, it was the age of wisdom, it was the "
                     "age of foolishness.\nkey Return\ntext A second paragraph.\n");
    wait_done(&r);
    int lines = (int)probe(&r, "lines");
    CHECK(lines == 4, "wrapped at %d characters into 4 lines, the paragraph its own (%d)", GL_HW_PAGE_WIDTH, lines);
    CHECK(probe(&r, "done") == 1 && probe(&r, "lines_written") == lines, "every line written (%g of %d)",
          probe(&r, "lines_written"), lines);
    run_text(&r, "key Home\nframe\n");
    CHECK(probe(&r, "line") == 0 && probe(&r, "step") == 0, "Home: the first line's first point");
    CHECK(probe(&r, "U") == (double)strlen("It was the best of times, it was the worst of"),
          "the window runs over the first line (%g)", probe(&r, "U"));
    // the page as written: the last line, primed by the one before
    run_text(&r, "key End\nframe\n");
    CHECK(probe(&r, "line") == lines - 1 && probe(&r, "step") == probe(&r, "steps") - 1, "End: the page's last point");
    CHECK(probe(&r, "U") > (double)strlen("A second paragraph."), "primed with the line before it (%g characters)",
          probe(&r, "U"));
    if (lines > 2) CHECK(probe(&r, "scroll") > 0, "the paper scrolled with the pen (%g)", probe(&r, "scroll"));
    double sc = probe(&r, "scroll");
    int px = (int)probe(&r, "paper_x"), py = (int)probe(&r, "paper_y");
    char s[128];
    snprintf(s, sizeof s, "move %d %d\nwheel 3\nframe\n", px + 50, py + 50);
    run_text(&r, s);
    CHECK(probe(&r, "scroll") < sc, "the wheel scrolls back (%g from %g)", probe(&r, "scroll"), sc);
    // the figure's rows: a space is a bar on its row's floor, no "_" glyph reaching into the next row's label
    int underscores = 0, labels = 0;
    const gui_ctx *ui = &r.sh->ui;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        if (c->type != GUI_CMD_TEXT || c->r.x >= probe(&r, "fig_x") || c->r.y < probe(&r, "fig_y") ||
            c->r.y > probe(&r, "fig_y") + probe(&r, "fig_h"))
            continue;
        labels++;
        underscores += !strcmp(gui_cmd_text(ui, c), "_");
    }
    CHECK(labels > 5 && underscores == 0, "the figure's labels (%d) hold no '_' (%d)", labels, underscores);
    // the caption and the window table inside their panels
    double fb = probe(&r, "fig_y") + probe(&r, "fig_h"), cb = probe(&r, "fig_caption_bottom");
    double mb = probe(&r, "mix_bottom"), my = probe(&r, "mix_y"), mh = probe(&r, "mix_h");
    CHECK(cb > fb && mb > my && mb <= my + mh, "the window table fits its panel (%g..%g, to %g)", my, my + mh, mb);
    CHECK(cb <= my + mh + 1, "the caption is inside the figure's panel (%g, panel to %g)", cb, my + mh);
    // a style of one's own: written with the mouse, named, saved, renamed, deleted
    char script[4096] = "key m\n";
    size_t k = strlen(script);
    k += (size_t)snprintf(script + k, sizeof script - k, "down %d %d\n", px + 40, py + 90);
    for (int c = 0; c < 5; c++)
        for (int t = 1; t <= 8; t++)
            k += (size_t)snprintf(script + k, sizeof script - k, "move %d %d\n", px + 40 + c * 14 + t * 14 / 8,
                                  py + 90 - (int)(30 * sin(3.14159265 * t / 8)));
    snprintf(script + k, sizeof script - k, "up %d %d\nkey m\nidle\n", px + 110, py + 90);
    run_text(&r, script);
    CHECK(probe(&r, "style") == probe(&r, "style_mine") && probe(&r, "mine_points") >= 20, "primed with my line: %s",
          r.sh->app.note);
    double styles = probe(&r, "styles");
    gui_laid *fld = NULL;
    for (int i = 0; i < r.sh->ui.nlaid; i++)
        if (!strcmp(r.sh->ui.laid[i].name, "the style's name")) fld = &r.sh->ui.laid[i];
    CHECK(fld != NULL, "a name field for it");
    if (fld) {
        snprintf(s, sizeof s, "click %d %d\ntext mine1\nkey Return\nidle\nframe\n", fld->r.x + 5, fld->r.y + 5);
        run_text(&r, s);
    }
    CHECK(probe(&r, "user_styles") == 1 && probe(&r, "styles") == styles + 1 &&
          probe(&r, "style") == probe(&r, "style_mine") - 1, "saved and chosen: %s", r.sh->app.note);
    char p[600];
    snprintf(p, sizeof p, "%s/glimpse/styles/mine1.json", xdg);
    CHECK(gl_file_exists(p), "as %s", p);
    fld = NULL;
    for (int i = 0; i < r.sh->ui.nlaid; i++)
        if (!strcmp(r.sh->ui.laid[i].name, "the style's name")) fld = &r.sh->ui.laid[i];
    if (fld) {
        snprintf(s, sizeof s, "click %d %d\nkey End\ntext x\nkey Return\nidle\nframe\n", fld->r.x + 5, fld->r.y + 5);
        run_text(&r, s);
    }
    snprintf(p, sizeof p, "%s/glimpse/styles/mine1x.json", xdg);
    CHECK(gl_file_exists(p) && probe(&r, "user_styles") == 1, "renamed in the app: %s", r.sh->app.note);
    gui_run_close(&r);
    // a later run finds it among the styles, and deletes it
    rc = gui_run_open(&r, w, h, 1, "synthesis", test_asset_path);
    if (rc) return;
    r.sh->ui.record = 1;
    gui_run_frame(&r);
    CHECK(probe(&r, "user_styles") == 1 && probe(&r, "styles") == styles + 1, "the next run has it (%g)",
          probe(&r, "user_styles"));
    run_text(&r, "key 5\n");
    wait_done(&r);
    CHECK(probe(&r, "style") == 5 && probe(&r, "done") == 1 && probe(&r, "lines_written") >= 1,
          "key 5 chooses it and writes with it");
    {   // the style row with the name field, Rename and Delete lays out without overlap
        gui_ctx *ui = &r.sh->ui;
        int n_all = ui->nlaid, n_view = 0;
        while (n_view < n_all && ui->laid[n_view].r.y >= GUI_BAR_H) n_view++;
        ui->nlaid = n_view;
        char msg[1200];
        int faults = gui_layout_check(ui, gui_r(0, GUI_BAR_H, w, h - GUI_BAR_H - GUI_STATUS_H), msg, sizeof msg);
        ui->nlaid = n_all;
        CHECK(faults == 0, "a style of one's own chosen, at %dx%d: %d layout faults: %s", w, h, faults, msg);
    }
    gui_laid *del = NULL;
    for (int i = 0; i < r.sh->ui.nlaid; i++)
        if (!strcmp(r.sh->ui.laid[i].name, "Delete")) del = &r.sh->ui.laid[i];
    if (del) {
        snprintf(s, sizeof s, "click %d %d\nidle\nframe\n", del->r.x + 5, del->r.y + 5);
        run_text(&r, s);
    }
    CHECK(del && probe(&r, "user_styles") == 0 && !gl_file_exists(p) && probe(&r, "style") == 0,
          "deleted in the app: %s", r.sh->app.note);
    gui_run_close(&r);
}

// hw_hand_points_paced: a line with three times the model's ink a character
// gets the model's pen-down points a character (not three times as many); a
// line with half of it keeps the model's step.
static void paced(void) {
    enum { N = 400 };
    float x[N], y[N];
    uint8_t up[N] = { 0 };
    for (int i = 0; i < N; i++) { x[i] = (float)i; y[i] = (i % 20 < 10 ? i % 20 : 20 - i % 20) * 3.0f; }
    up[N - 1] = 1;   // one stroke of zigzags: about 3.2 units of ink for each unit to the right
    app_style_ref ref = { .height = 30, .core = 30, .step = 4 };
    const char *text = "abcdefghij";   // 10 characters
    int n0 = 0, n1 = 0;
    float *a = hw_hand_points(x, y, up, N, ref.core, 1.0f, ref.step, &n0);
    gl_hw_line l = { n0, a, (char *)text, 0 };
    app_style_ref got;
    app_style_ref_of(&l, 1, &got);
    ref.ink_per_char = got.ink_per_char / 3;   // the model writes a third of this line's ink a character
    float *b = hw_hand_points_paced(x, y, up, N, text, &ref, 1.0f, &n1);
    float want = ref.ink_per_char / ref.step * 10;   // the model's points for 10 characters
    CHECK(a && b && n0 > 2.5f * want && fabsf((float)n1 - want) < 0.15f * want,
          "paced: %d points for 10 characters (the model's pace: %.0f; at its step: %d)", n1, want, n0);
    free(b);
    ref.ink_per_char = got.ink_per_char * 2;   // a line with half the model's ink a character: as it was
    b = hw_hand_points_paced(x, y, up, N, text, &ref, 1.0f, &n1);
    CHECK(b && n1 == n0 && !memcmp(a, b, sizeof(float) * 3 * (size_t)n0), "less ink a character: the model's step");
    free(b);
    b = hw_hand_points_paced(x, y, up, N, NULL, &ref, 1.0f, &n1);
    CHECK(b && n1 == n0, "no text: the model's step");
    free(a); free(b);
}

int main(int argc, char **argv) {
    char dir[] = "/tmp/glimpse-style-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    snprintf(xdg, sizeof xdg, "%s", dir);
    setenv("XDG_DATA_HOME", xdg, 1);
    setenv("GLIMPSE_EXPORT_DIR", xdg, 1);
    paced();
    text_area();
    styles(argc > 1 ? argv[1] : NULL);
    page_view(900, 600);
    page_view(1280, 800);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    TEST_MAIN_END();
}
