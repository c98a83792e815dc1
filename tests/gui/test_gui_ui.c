// The UI core without SDL: widgets react to scripted input the way a person's
// clicks and keys would, the command list holds what was drawn, key names
// and the --script format parse (and reject bad lines with their number).
#include "gl_test.h"
#include "gui.h"
#include "gui_script.h"
#include "gl_util.h"

// Fixed-width stub font: 7 points per character.
static int stub_width(void *u, int font, const char *s) { (void)u; (void)font; return 7 * (int)strlen(s); }
static const int lh[GUI_NFONT] = { 12, 14, 18 };

static void ev_mouse(gui_ctx *ui, gui_ev_type t, int x, int y) {
    gui_event e = { .type = t, .x = x, .y = y, .button = 1 };
    gui_input(ui, &e);
}
static void ev_key(gui_ctx *ui, int key, int mods) {
    gui_event e = { .type = GUI_EV_KEY, .key = key, .mods = mods };
    gui_input(ui, &e);
}
static void ev_text(gui_ctx *ui, const char *s) {
    gui_event e = { .type = GUI_EV_TEXT };
    snprintf(e.text, sizeof e.text, "%s", s);
    gui_input(ui, &e);
}

static int count_cmds(const gui_ctx *ui, gui_cmd_type t) {
    int n = 0;
    for (int i = 0; i < ui->ncmd; i++) n += ui->cmds[i].type == t;
    return n;
}

static void test_button(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    gui_rect r = gui_r(10, 10, 100, 30);
    uint32_t id = GUI_ID("b");
    // Press inside, release inside (next frame): one click, on release only.
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 20, 20);
    CHECK(gui_button(&ui, id, r, "OK") == 0, "no click on press");
    CHECK(count_cmds(&ui, GUI_CMD_RECT) == 1 && count_cmds(&ui, GUI_CMD_TEXT) == 1, "button draws a rect and its label");
    const gui_cmd *txt = &ui.cmds[1];
    CHECK(!strcmp(gui_cmd_text(&ui, txt), "OK"), "label text '%s'", gui_cmd_text(&ui, txt));
    CHECK(txt->r.x == 10 + (100 - 14) / 2, "label centred with the measured width (x=%d)", txt->r.x);
    gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_UP, 25, 22);
    CHECK(gui_button(&ui, id, r, "OK") == 1, "click on release inside");
    gui_end(&ui);
    gui_begin(&ui);
    CHECK(gui_button(&ui, id, r, "OK") == 0, "one click only");
    gui_end(&ui);
    // Press inside, drag out, release outside: no click.
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 20, 20); gui_button(&ui, id, r, "OK"); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 300, 300); ev_mouse(&ui, GUI_EV_UP, 300, 300);
    CHECK(gui_button(&ui, id, r, "OK") == 0, "dragging off cancels the click");
    gui_end(&ui);
    // Press outside, release inside: no click either.
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 300, 300); gui_button(&ui, id, r, "OK"); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_UP, 20, 20);
    CHECK(gui_button(&ui, id, r, "OK") == 0, "a press elsewhere is not a click");
    gui_end(&ui);
    gui_free(&ui);
}

static void click(gui_ctx *ui, int x, int y, void (*draw)(gui_ctx *, void *), void *arg) {
    gui_begin(ui); ev_mouse(ui, GUI_EV_DOWN, x, y); draw(ui, arg); gui_end(ui);
    gui_begin(ui); ev_mouse(ui, GUI_EV_UP, x, y); draw(ui, arg); gui_end(ui);
}

typedef struct { int on, sel, changed; float v; char buf[16]; int submitted; int lsel, lscroll, nitems; } widgets;
static void draw_toggle(gui_ctx *ui, void *p) { widgets *w = p; w->changed += gui_toggle(ui, GUI_ID("t"), gui_r(0, 0, 50, 20), "T", &w->on); }
static const char *const labels[3] = { "a", "b", "c" };
static void draw_choice(gui_ctx *ui, void *p) { widgets *w = p; w->changed += gui_choice(ui, GUI_ID("c"), gui_r(0, 100, 300, 20), labels, 3, &w->sel); }
static void draw_slider(gui_ctx *ui, void *p) { widgets *w = p; w->changed += gui_slider(ui, GUI_ID("s"), gui_r(100, 200, 101, 20), &w->v, 0, 10, "%.1f"); }
static void draw_field(gui_ctx *ui, void *p) { widgets *w = p; w->submitted += gui_textfield(ui, GUI_ID("f"), gui_r(0, 300, 100, 24), w->buf, sizeof w->buf); }
static void item(gui_ctx *ui, void *user, int i, gui_rect r, int selected) { (void)user; (void)i; (void)selected; gui_rect_fill(ui, r, gui_col_panel); }
static void draw_list(gui_ctx *ui, void *p) {
    widgets *w = p;
    w->changed += gui_list(ui, GUI_ID("l"), gui_r(0, 400, 200, 100), w->nitems, 50, 4, &w->lsel, &w->lscroll, item, NULL);
}

static void test_widgets(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    widgets w = { .v = 5, .nitems = 40 };
    click(&ui, 10, 10, draw_toggle, &w);
    CHECK(w.on == 1 && w.changed == 1, "toggle turns on (%d, %d)", w.on, w.changed);
    click(&ui, 10, 10, draw_toggle, &w);
    CHECK(w.on == 0 && w.changed == 2, "and off again");

    w.changed = 0;
    click(&ui, 250, 110, draw_choice, &w);
    CHECK(w.sel == 2 && w.changed == 1, "choice: third button selected (%d)", w.sel);
    click(&ui, 250, 110, draw_choice, &w);
    CHECK(w.changed == 1, "choosing the selected one again is no change");

    // Slider: press at the left end, drag to 3/4: value follows the pointer.
    w.changed = 0;
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 100, 210); draw_slider(&ui, &w); gui_end(&ui);
    CHECK(fabsf(w.v - 0) < 1e-4f, "slider at the left end: %g", w.v);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 175, 260); draw_slider(&ui, &w); gui_end(&ui);
    CHECK(fabsf(w.v - 7.5f) < 1e-4f, "dragging (even off the slider vertically) follows x: %g", w.v);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 900, 260); draw_slider(&ui, &w); gui_end(&ui);
    CHECK(w.v == 10, "clamped at the right end: %g", w.v);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_UP, 900, 260); draw_slider(&ui, &w); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 120, 210); draw_slider(&ui, &w); gui_end(&ui);
    CHECK(w.v == 10, "released: moving over it changes nothing");
    CHECK(w.changed == 3, "three changes reported: press, two drags (%d)", w.changed);

    // Text field: focus by click, typing, backspace, Return submits and lets go.
    click(&ui, 10, 310, draw_field, &w);
    CHECK(ui.focus == GUI_ID("f"), "click focuses the field");
    gui_begin(&ui); ev_text(&ui, "12"); ev_text(&ui, "3x"); ev_key(&ui, GUI_KEY_BACKSPACE, 0); draw_field(&ui, &w); gui_end(&ui);
    CHECK(!strcmp(w.buf, "123"), "typed '%s'", w.buf);
    gui_begin(&ui); ev_key(&ui, GUI_KEY_RETURN, 0); draw_field(&ui, &w); gui_end(&ui);
    CHECK(w.submitted == 1 && ui.focus == 0, "Return submits and unfocuses");
    gui_begin(&ui); ev_text(&ui, "9"); draw_field(&ui, &w); gui_end(&ui);
    CHECK(!strcmp(w.buf, "123"), "an unfocused field ignores typing");
    for (int i = 0; i < 30; i++) { gui_begin(&ui); ev_text(&ui, "x"); gui_end(&ui); }
    click(&ui, 10, 310, draw_field, &w);
    for (int i = 0; i < 30; i++) { gui_begin(&ui); ev_text(&ui, "y"); draw_field(&ui, &w); gui_end(&ui); }
    CHECK(strlen(w.buf) == sizeof w.buf - 1, "the field never overflows its buffer (%zu)", strlen(w.buf));
    // A field that is no longer drawn loses the focus.
    gui_begin(&ui); gui_end(&ui);
    CHECK(ui.focus == 0, "focus dropped when the field disappears");

    // List: 40 items, 4 columns, rows of 50 in a 100-high box: 2 rows visible.
    w.changed = 0;
    click(&ui, 60, 460, draw_list, &w);
    CHECK(w.lsel == 5 && w.changed == 1, "list: second row, second column is item 5 (%d)", w.lsel);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 60, 460);
    gui_event wh = { .type = GUI_EV_WHEEL, .wheel = -1 };
    gui_input(&ui, &wh); draw_list(&ui, &w); gui_end(&ui);
    CHECK(w.lscroll == 2, "wheel down scrolls two rows (%d)", w.lscroll);
    click(&ui, 10, 410, draw_list, &w);
    CHECK(w.lsel == 8, "after scrolling, the first visible item is 8 (%d)", w.lsel);
    for (int i = 0; i < 20; i++) { gui_begin(&ui); gui_input(&ui, &wh); draw_list(&ui, &w); gui_end(&ui); }
    CHECK(w.lscroll == 8, "scrolling stops at the last row (%d)", w.lscroll);
    gui_free(&ui);
}

static void test_commands(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    gui_begin(&ui);
    // Many images: the arena grows; earlier commands must still read back.
    uint8_t px[28 * 28 * 3];
    for (int k = 0; k < 200; k++) {
        memset(px, k, sizeof px);
        gui_image(&ui, gui_r(0, 0, 28, 28), px, 28, 28);
        gui_textf(&ui, 0, 0, GUI_FONT_SMALL, gui_col_text, "item %d", k);
    }
    CHECK(ui.ncmd == 400, "400 commands (%d)", ui.ncmd);
    int ok = 1;
    for (int k = 0; k < 200; k++) {
        const gui_cmd *im = &ui.cmds[2 * k], *tx = &ui.cmds[2 * k + 1];
        char want[32];
        snprintf(want, sizeof want, "item %d", k);
        ok &= im->type == GUI_CMD_IMAGE && gui_cmd_pixels(&ui, im)[783] == (uint8_t)k && !strcmp(gui_cmd_text(&ui, tx), want);
    }
    CHECK(ok, "command data survives the arena growing");
    float v[4] = { 0, 1, 2, 3 };
    gui_heat(&ui, gui_r(0, 0, 20, 20), v, 2, 2, 0, 3, 0);
    const gui_cmd *h = &ui.cmds[ui.ncmd - 1];
    const uint8_t *p = gui_cmd_pixels(&ui, h);
    CHECK(h->iw == 2 && h->ih == 2, "heat map is a 2x2 image");
    CHECK(p[2] > p[0] && p[9] > p[11], "jet: low is blue, high is red (%d,%d,%d / %d,%d,%d)", p[0], p[1], p[2], p[9], p[10], p[11]);
    gui_end(&ui);
    gui_begin(&ui);
    CHECK(ui.ncmd == 0, "a new frame starts empty");
    gui_end(&ui);
    gui_free(&ui);
}

static void test_keys_and_script(void) {
    int k, m;
    CHECK(gui_key_parse("Right", &k, &m) == 0 && k == GUI_KEY_RIGHT && m == 0, "Right");
    CHECK(gui_key_parse("ctrl+z", &k, &m) == 0 && k == 'z' && m == GUI_MOD_CTRL, "ctrl+z");
    CHECK(gui_key_parse("ctrl+shift+Tab", &k, &m) == 0 && k == GUI_KEY_TAB && m == (GUI_MOD_CTRL | GUI_MOD_SHIFT), "ctrl+shift+Tab");
    CHECK(gui_key_parse("A", &k, &m) == 0 && k == 'a', "letters are lower case");
    CHECK(gui_key_parse("?", &k, &m) == 0 && k == '?', "?");
    CHECK(gui_key_parse("NoSuchKey", &k, &m) == -1, "unknown key rejected");
    CHECK(!strcmp(gui_key_name(GUI_KEY_F1), "F1"), "key name");

    gui_script s;
    const char *text = "# a session\n\nmove 10 20\ndrag 0 0 100 50 4\nkey Right\ntext ab\nwait 5\nframe 3\nidle\nscreenshot /tmp/x.png\nclick 5 6\nwheel -2\n";
    CHECK(gui_script_parse(text, "t", &s) == 0, "script parses: %s", gl_err());
    // move, drag (down + 4 moves + up), key, text (2), wait, frame, idle, shot, click (2), wheel
    CHECK(s.n == 1 + 6 + 1 + 2 + 1 + 1 + 1 + 1 + 2 + 1, "steps: %d", s.n);
    if (s.n == 17) {
        CHECK(s.steps[0].ev.type == GUI_EV_MOVE && s.steps[0].ev.x == 10 && s.steps[0].ev.y == 20, "move");
        CHECK(s.steps[1].ev.type == GUI_EV_DOWN && s.steps[5].ev.x == 100 && s.steps[5].ev.y == 50 && s.steps[6].ev.type == GUI_EV_UP, "drag");
        CHECK(s.steps[3].ev.x == 50 && s.steps[3].ev.y == 25, "drag interpolates (%d,%d)", s.steps[3].ev.x, s.steps[3].ev.y);
        CHECK(s.steps[7].ev.type == GUI_EV_KEY && s.steps[7].ev.key == GUI_KEY_RIGHT, "key");
        CHECK(s.steps[8].ev.type == GUI_EV_TEXT && s.steps[9].ev.text[0] == 'b', "text");
        CHECK(s.steps[10].kind == GUI_SC_WAIT && s.steps[10].n == 5, "wait");
        CHECK(s.steps[11].kind == GUI_SC_FRAME && s.steps[11].n == 3, "frame");
        CHECK(s.steps[12].kind == GUI_SC_IDLE, "idle");
        CHECK(s.steps[13].kind == GUI_SC_SHOT && !strcmp(s.steps[13].path, "/tmp/x.png"), "screenshot");
        CHECK(s.steps[16].ev.type == GUI_EV_WHEEL && s.steps[16].ev.wheel == -2, "wheel");
    }
    gui_script_free(&s);
    const char *bad[] = { "move 1\n", "key Nope\n", "frobnicate\n", "move 1 2\nwait -5\n", "drag 1 2 3\n", "down 1 2 7\n", "frame 0\n" };
    const char *where[] = { "t:1:", "t:1:", "t:1:", "t:2:", "t:1:", "t:1:", "t:1:" };
    for (int i = 0; i < 7; i++) {
        int rc = gui_script_parse(bad[i], "t", &s);
        CHECK(rc == -1 && strstr(gl_err(), where[i]) != NULL, "bad script %d rejected with its line: %s", i, gl_err());
    }
}

// The text field by script: caret, selection, clipboard, limits, numbers, scrolling.
typedef struct { char buf[32]; int flags; gui_field_opts o; } field_t;
static void draw_f(gui_ctx *ui, void *p) { field_t *f = p; f->flags |= gui_field(ui, GUI_ID("tf"), gui_r(0, 0, 140, 24), f->buf, sizeof f->buf, &f->o); }
static void frame_keys(gui_ctx *ui, field_t *f, const int *keys, const int *mods, int n, const char *text) {
    gui_begin(ui);
    if (text) ev_text(ui, text);
    for (int i = 0; i < n; i++) ev_key(ui, keys[i], mods ? mods[i] : 0);
    draw_f(ui, f);
    gui_end(ui);
}
static void key1(gui_ctx *ui, field_t *f, int key, int mods) { frame_keys(ui, f, &key, &mods, 1, NULL); }

static void test_field(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    field_t f = { .o = { .max_len = 20, .what = "the text" } };
    click(&ui, 5, 5, draw_f, &f);
    CHECK(ui.focus == GUI_ID("tf"), "click focuses");
    frame_keys(&ui, &f, NULL, NULL, 0, "hello world");
    CHECK(!strcmp(f.buf, "hello world") && ui.tf_cur == 11, "typed '%s', caret %d", f.buf, ui.tf_cur);
    key1(&ui, &f, GUI_KEY_HOME, 0);
    key1(&ui, &f, GUI_KEY_DELETE, 0);
    CHECK(!strcmp(f.buf, "ello world") && ui.tf_cur == 0, "Home, Delete: '%s'", f.buf);
    key1(&ui, &f, GUI_KEY_RIGHT, GUI_MOD_CTRL);
    CHECK(ui.tf_cur == 4, "Ctrl+Right jumps a word (%d)", ui.tf_cur);
    frame_keys(&ui, &f, NULL, NULL, 0, "!");
    CHECK(!strcmp(f.buf, "ello! world"), "typing in the middle: '%s'", f.buf);
    key1(&ui, &f, GUI_KEY_END, GUI_MOD_SHIFT);
    CHECK(ui.tf_anchor == 5 && ui.tf_cur == 11, "Shift+End selects to the end (%d..%d)", ui.tf_anchor, ui.tf_cur);
    frame_keys(&ui, &f, NULL, NULL, 0, "?");
    CHECK(!strcmp(f.buf, "ello!?"), "typing replaces the selection: '%s'", f.buf);
    key1(&ui, &f, GUI_KEY_LEFT, GUI_MOD_SHIFT);
    key1(&ui, &f, GUI_KEY_LEFT, GUI_MOD_SHIFT);
    key1(&ui, &f, 'c', GUI_MOD_CTRL);
    CHECK(!strcmp(ui.clip_local, "!?"), "Ctrl+C copies the selection ('%s')", ui.clip_local);
    key1(&ui, &f, GUI_KEY_END, 0);
    key1(&ui, &f, 'v', GUI_MOD_CTRL);
    CHECK(!strcmp(f.buf, "ello!?!?"), "Ctrl+V pastes at the caret: '%s'", f.buf);
    key1(&ui, &f, 'a', GUI_MOD_CTRL);
    key1(&ui, &f, 'x', GUI_MOD_CTRL);
    CHECK(!f.buf[0] && !strcmp(ui.clip_local, "ello!?!?"), "Ctrl+A, Ctrl+X cut it all ('%s')", f.buf);
    // Limits are stated: 20 characters, the rest refused with a note.
    uint64_t seq = ui.tf_note_seq;
    frame_keys(&ui, &f, NULL, NULL, 0, "abcdefghijklmnopqrstuvwxyz");
    CHECK(strlen(f.buf) == 20 && ui.tf_note_seq > seq && strstr(ui.tf_note, "at most 20"), "20 characters taken, '%s'", ui.tf_note);
    // Scrolled to keep the caret in sight (20 chars = 140 points in a 140-point field).
    CHECK(ui.tf_scroll > 0, "the text scrolls (%d)", ui.tf_scroll);
    key1(&ui, &f, GUI_KEY_HOME, 0);
    CHECK(ui.tf_scroll == 0, "Home scrolls back (%d)", ui.tf_scroll);
    // Backspace by word, then Escape leaves without submitting.
    key1(&ui, &f, GUI_KEY_END, 0);
    key1(&ui, &f, GUI_KEY_BACKSPACE, GUI_MOD_CTRL);
    CHECK(!f.buf[0], "Ctrl+Backspace deletes the word ('%s')", f.buf);
    f.flags = 0;
    key1(&ui, &f, GUI_KEY_ESCAPE, 0);
    CHECK(ui.focus == 0 && !(f.flags & GUI_FIELD_SUBMIT), "Escape leaves");
    // UTF-8 is refused with a note, not silently.
    click(&ui, 5, 5, draw_f, &f);
    seq = ui.tf_note_seq;
    frame_keys(&ui, &f, NULL, NULL, 0, "a\xc3\xa9" "b");
    CHECK(!strcmp(f.buf, "ab") && ui.tf_note_seq > seq && strstr(ui.tf_note, "ASCII"), "'%s': %s", f.buf, ui.tf_note);
    // A click places the caret (7 points a character, 5 of padding).
    click(&ui, 5 + 7 * 1 + 2, 5, draw_f, &f);
    CHECK(ui.tf_cur == 1, "click between the characters puts the caret there (%d)", ui.tf_cur);
    // A drag selects.
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 5, 5); draw_f(&ui, &f); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_MOVE, 5 + 14, 5); draw_f(&ui, &f); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_UP, 5 + 14, 5); draw_f(&ui, &f); gui_end(&ui);
    CHECK(ui.tf_anchor == 0 && ui.tf_cur == 2, "drag selects (%d..%d)", ui.tf_anchor, ui.tf_cur);

    // Numbers: letters are refused and the range is stated and checked.
    field_t n = { .o = { .numeric = 1, .lo = 0, .hi = 9999, .what = "test digit" } };
    ui.focus = 0;
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_DOWN, 5, 5); draw_f(&ui, &n); gui_end(&ui);
    gui_begin(&ui); ev_mouse(&ui, GUI_EV_UP, 5, 5); draw_f(&ui, &n); gui_end(&ui);
    seq = ui.tf_note_seq;
    frame_keys(&ui, &n, NULL, NULL, 0, "12a34");
    CHECK(!strcmp(n.buf, "1234") && ui.tf_note_seq > seq && strstr(ui.tf_note, "digits only"), "'%s': %s", n.buf, ui.tf_note);
    int found = 0;
    for (int i = 0; i < ui.ncmd; i++)
        if (ui.cmds[i].type == GUI_CMD_TEXT && !strcmp(gui_cmd_text(&ui, &ui.cmds[i]), "0-9999")) found = 1;
    CHECK(found, "the field states its range");
    long long v = -1;
    CHECK(gui_field_value(&ui, n.buf, &n.o, &v) == 0 && v == 1234, "1234 is in range (%lld)", v);
    frame_keys(&ui, &n, NULL, NULL, 0, "5");
    n.flags = 0;
    key1(&ui, &n, GUI_KEY_RETURN, 0);
    CHECK(n.flags & GUI_FIELD_SUBMIT, "Return submits");
    CHECK(gui_field_value(&ui, n.buf, &n.o, &v) == -1 && strstr(ui.tf_note, "out of range") && !strcmp(n.buf, "12345"),
          "12345 is refused, said, and kept for correcting: %s", ui.tf_note);
    gui_free(&ui);
}

// The layout check finds what it is for.
static void test_layout_check(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    ui.record = 1;
    gui_begin(&ui);
    gui_button(&ui, GUI_ID("a"), gui_r(10, 10, 100, 30), "A");
    gui_mark(&ui, gui_r(200, 10, 100, 100), "panel");
    char msg[256];
    CHECK(gui_layout_check(&ui, gui_r(0, 0, 800, 600), msg, sizeof msg) == 0, "apart: no fault (%s)", msg);
    gui_button(&ui, GUI_ID("b"), gui_r(290, 100, 60, 30), "B");
    CHECK(gui_layout_check(&ui, gui_r(0, 0, 800, 600), msg, sizeof msg) == 1 && strstr(msg, "overlaps"), "overlap found: %s", msg);
    gui_button(&ui, GUI_ID("c"), gui_r(780, 500, 60, 30), "C");
    CHECK(gui_layout_check(&ui, gui_r(0, 0, 800, 600), msg, sizeof msg) == 2 && strstr(msg, "outside"), "outside found: %s", msg);
    gui_end(&ui);
    // Input that would not fit the frame asks for a new one.
    gui_begin(&ui);
    gui_event d = { .type = GUI_EV_DOWN, .x = 1, .y = 1, .button = 1 }, u = d;
    u.type = GUI_EV_UP;
    CHECK(gui_input_fits(&ui, &d), "a press fits");
    gui_input(&ui, &d);
    CHECK(!gui_input_fits(&ui, &u), "its release in the same frame does not");
    gui_event k = { .type = GUI_EV_KEY, .key = 'a' };
    for (int i = 0; i < GUI_MAX_KEYS; i++) gui_input(&ui, &k);
    CHECK(!gui_input_fits(&ui, &k), "nor a key past the frame's %d", GUI_MAX_KEYS);
    gui_end(&ui);
    gui_free(&ui);
}

// Wrapped text: every line within the width, broken at spaces (a path after
// a '/'), nothing lost, and the last allowed line says the text goes on.
static void test_text_wrap(void) {
    gui_ctx ui;
    gui_init(&ui, 800, 600, stub_width, NULL, lh);
    gui_begin(&ui);
    const char *msg = "saved /home/someone/.local/share/glimpse/train/attention-softmax-step1200.safetensors.ckpt";
    int n = gui_text_wrap(&ui, 10, 20, 140, 8, GUI_FONT_SMALL, gui_col_dim, msg);   // 20 characters a line
    char joined[256] = "";
    int ok = n == count_cmds(&ui, GUI_CMD_TEXT) && n >= 5;
    for (int i = 0; i < ui.ncmd; i++) {
        const char *t = gui_cmd_text(&ui, &ui.cmds[i]);
        ok &= stub_width(NULL, 0, t) <= 140 && ui.cmds[i].r.y == 20 + i * lh[GUI_FONT_SMALL];
        if (i) strcat(joined, i == 1 ? " " : "");
        strcat(joined, t);
    }
    CHECK(ok && !strcmp(joined, msg), "%d lines within 140 points that give the text back: '%s'", n, joined);
    CHECK(!strcmp(gui_cmd_text(&ui, &ui.cmds[0]), "saved") && !strcmp(gui_cmd_text(&ui, &ui.cmds[1]), "/home/someone/"),
          "broken at the space, then after a '/': '%s' '%s'", gui_cmd_text(&ui, &ui.cmds[0]),
          gui_cmd_text(&ui, &ui.cmds[1]));
    gui_end(&ui);
    gui_begin(&ui);
    n = gui_text_wrap(&ui, 10, 20, 140, 2, GUI_FONT_SMALL, gui_col_dim, msg);
    const char *last = gui_cmd_text(&ui, &ui.cmds[1]);
    CHECK(n == 2 && stub_width(NULL, 0, last) <= 140 && strstr(last, "...") == last + strlen(last) - 3,
          "at most 2 lines, the second ending in '...': '%s'", last);
    gui_end(&ui);
    gui_free(&ui);
}

int main(void) {
    test_text_wrap();
    test_button();
    test_widgets();
    test_commands();
    test_keys_and_script();
    test_field();
    test_layout_check();
    TEST_MAIN_END();
}
