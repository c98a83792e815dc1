// gui: the UI core of the desktop application, in the manner of microui. It
// knows nothing about SDL:
//   - input comes in as plain gui_event values (gui_input), from the SDL
//     backend (gui_sdl.c), from a --script file, or from a test;
//   - drawing goes out as a command list (rects, lines, text, RGB images)
//     that the backend renders at the end of the frame;
//   - widgets are immediate-mode functions that read the frame's input and
//     append their own drawing: `if (gui_button(ui, GUI_ID("clear"), r, "Clear")) ...`.
// Text is measured through a callback, so layout can be tested with a stub.
//
// Frame: gui_begin(ui) ... gui_input(ui, ev) for each event ... widgets and
// drawing ... backend renders ui->cmds ... gui_end(ui).
#ifndef GUI_H
#define GUI_H
#include <stddef.h>
#include <stdint.h>

// The smallest window the application lays out (the window enforces it,
// --size refuses less): every view fits it without overlap.
#define GUI_MIN_W 900
#define GUI_MIN_H 600

typedef struct { int x, y, w, h; } gui_rect;
typedef struct { uint8_t r, g, b, a; } gui_color;

static inline gui_rect gui_r(int x, int y, int w, int h) { gui_rect r = { x, y, w, h }; return r; }
static inline gui_color gui_rgb(int r, int g, int b) {
    gui_color c = { (uint8_t)r, (uint8_t)g, (uint8_t)b, 255 };
    return c;
}
static inline gui_color gui_rgba(int r, int g, int b, int a) {
    gui_color c = { (uint8_t)r, (uint8_t)g, (uint8_t)b, (uint8_t)a };
    return c;
}
static inline int gui_inside(gui_rect r, int x, int y) {
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

// ---- input -----------------------------------------------------------------
// Keys: printable ASCII characters are their own code (letters lower case);
// the rest are named here.
enum {
    GUI_KEY_NONE = 0, GUI_KEY_TAB = 9, GUI_KEY_RETURN = 13, GUI_KEY_ESCAPE = 27, GUI_KEY_SPACE = 32,
    GUI_KEY_BACKSPACE = 256, GUI_KEY_DELETE, GUI_KEY_LEFT, GUI_KEY_RIGHT, GUI_KEY_UP, GUI_KEY_DOWN,
    GUI_KEY_HOME, GUI_KEY_END, GUI_KEY_PAGEUP, GUI_KEY_PAGEDOWN, GUI_KEY_F1,
};
enum { GUI_MOD_SHIFT = 1, GUI_MOD_CTRL = 2, GUI_MOD_ALT = 4 };
// Key name as written in scripts and help ("Right", "F1", "a", "ctrl+z"); -1 if unknown.
int gui_key_parse(const char *name, int *key, int *mods);
const char *gui_key_name(int key);

typedef enum {
    GUI_EV_NONE, GUI_EV_MOVE, GUI_EV_DOWN, GUI_EV_UP, GUI_EV_WHEEL, GUI_EV_KEY, GUI_EV_TEXT, GUI_EV_RESIZE, GUI_EV_QUIT,
    GUI_EV_EXPOSE,     // the window needs drawing again (shown, restored, uncovered)
} gui_ev_type;

typedef struct {
    gui_ev_type type;
    int x, y;          // mouse position (MOVE/DOWN/UP), new size (RESIZE)
    int button;        // 1 left, 2 middle, 3 right
    int key, mods;     // KEY
    float wheel;       // WHEEL: + is up
    char text[32];     // TEXT: UTF-8
} gui_event;

// ---- drawing commands --------------------------------------------------------
enum { GUI_FONT_SMALL, GUI_FONT_NORMAL, GUI_FONT_LARGE, GUI_NFONT };
typedef enum { GUI_CMD_RECT, GUI_CMD_FRAME, GUI_CMD_LINE, GUI_CMD_TEXT, GUI_CMD_IMAGE, GUI_CMD_CLIP } gui_cmd_type;

typedef struct {
    gui_cmd_type type;
    gui_rect r;              // RECT/FRAME/IMAGE destination, CLIP area, TEXT position (x,y)
    gui_color c;
    float x0, y0, x1, y1, width;   // LINE
    int font;                // TEXT
    int iw, ih;              // IMAGE source size (RGB, 3 bytes per pixel)
    size_t data;             // TEXT: offset of the string, IMAGE: offset of the pixels in ui->arena
} gui_cmd;

typedef int (*gui_text_width_fn)(void *user, int font, const char *s);

#define GUI_MAX_KEYS 32
#define GUI_NAME_MAX 32

// A rectangle a frame laid out (a widget, or a panel a view marked), kept
// when ui->record is set so that tests can check that no two overlap.
typedef struct { gui_rect r; char name[GUI_NAME_MAX]; } gui_laid;

typedef struct gui_ctx {
    // input state, fed by gui_input
    int mx, my;                 // mouse position
    int mouse_down;             // left button held
    int mouse_pressed, mouse_released;   // this frame
    int press_x, press_y;
    float wheel;                // summed this frame
    int keys[GUI_MAX_KEYS], key_mods[GUI_MAX_KEYS], nkeys;   // pressed this frame
    char text[64];              // typed this frame
    int w, h;                   // window size in points
    double time;                // seconds (the shell sets it each frame): caret blink
    double wake_at;             // a widget wants a frame drawn at this time (0: none); cleared by gui_begin
    // widget state
    uint32_t hot, active, focus;
    uint32_t focus_seen;        // focus widget was drawn this frame (else it loses focus)
    // the focused text field (only one has the focus): byte offsets of the
    // caret and of the selection's other end, horizontal scroll in points
    int tf_cur, tf_anchor, tf_scroll, tf_drag;
    double tf_edit_t;           // last edit or caret move: the caret blinks for a while after
    char tf_note[160];          // why the last input was refused, for the status line
    uint64_t tf_note_seq;       // bumped with each new note
    // clipboard: the backend's (SDL), or a private buffer when none is set
    char *(*clip_get)(void *user);          // a malloc'd string, or NULL
    void (*clip_set)(void *user, const char *s);
    void *clip_user;
    char clip_local[512];
    // layout record (tests): widgets and marked panels of this frame
    int record;
    gui_laid *laid; int nlaid, laid_cap;
    // output
    gui_cmd *cmds; int ncmd, cmd_cap;
    unsigned char *arena; size_t arena_len, arena_cap;
    gui_text_width_fn text_width; void *text_user;
    int line_h[GUI_NFONT];      // text line height per font
    uint64_t frame;
} gui_ctx;

void gui_init(gui_ctx *ui, int w, int h, gui_text_width_fn tw, void *user, const int line_h[GUI_NFONT]);
void gui_free(gui_ctx *ui);
void gui_begin(gui_ctx *ui);          // clears the command list
void gui_input(gui_ctx *ui, const gui_event *ev);
// 0 if ev cannot join this frame's input without losing something: the key
// buffer is full, the typed text would not fit (or would come before keys
// pressed ahead of it, since widgets read text first), or the button went down and
// comes up (or the reverse) within the frame, which a widget reading the
// frame's state would miss. The frame loop then builds a frame first.
int gui_input_fits(const gui_ctx *ui, const gui_event *ev);
void gui_end(gui_ctx *ui);            // clears this frame's pressed keys, clicks, text
int gui_key_pressed(const gui_ctx *ui, int key, int mods);   // mods must match exactly

// Drawing
void gui_rect_fill(gui_ctx *ui, gui_rect r, gui_color c);
void gui_rect_frame(gui_ctx *ui, gui_rect r, gui_color c);
void gui_line(gui_ctx *ui, float x0, float y0, float x1, float y1, float width, gui_color c);
void gui_text(gui_ctx *ui, int x, int y, int font, gui_color c, const char *s);
void gui_textf(gui_ctx *ui, int x, int y, int font, gui_color c, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int gui_text_w(gui_ctx *ui, int font, const char *s);
// s in lines no wider than w, broken at spaces (a word wider than w, a path,
// after a '/' or, failing that, anywhere), at most max_lines (the last one
// ends in "..." when s goes on). Returns the lines drawn; each is line_h[font] high.
int gui_text_wrap(gui_ctx *ui, int x, int y, int w, int max_lines, int font, gui_color c, const char *s);
// RGB image (iw x ih, 3 bytes per pixel, copied) stretched over r with nearest sampling.
void gui_image(gui_ctx *ui, gui_rect r, const uint8_t *rgb, int iw, int ih);
// A grid of values as a heat map: jet (blue..red) or grey, lo/hi at the ends.
void gui_heat(gui_ctx *ui, gui_rect r, const float *v, int gh, int gw, float lo, float hi, int grey);
void gui_clip(gui_ctx *ui, gui_rect r);   // w = 0 resets
void gui_clip_reset(gui_ctx *ui);
const char *gui_cmd_text(const gui_ctx *ui, const gui_cmd *c);
const uint8_t *gui_cmd_pixels(const gui_ctx *ui, const gui_cmd *c);

// ---- layout --------------------------------------------------------------------
// Marks r as a panel of the layout (a canvas, a figure, a column of bars):
// recorded with the widgets when ui->record is set. No drawing.
void gui_mark(gui_ctx *ui, gui_rect r, const char *name);
// Checks the recorded rectangles of the last frame: no two overlap and each
// lies inside `area`. Returns the number of faults, the first few described
// in msg.
int gui_layout_check(const gui_ctx *ui, gui_rect area, char *msg, size_t n);
// Controls placed left to right, wrapping to a new row at `right`.
typedef struct { int x0, x, y, right, h, gap, row_gap, used; } gui_flow;
gui_flow gui_flow_begin(int x, int y, int right, int h, int gap, int row_gap);
gui_rect gui_flow_put(gui_flow *f, int w);
void gui_flow_newline(gui_flow *f);
int gui_flow_end(const gui_flow *f);   // the y below the last row
// Width of a button that shows label with some room around it.
int gui_button_w(gui_ctx *ui, const char *label);

// ---- widgets -----------------------------------------------------------------
// Widget ids: a hash of a label, or of a label and an index for repeated items.
uint32_t gui_id(const char *s);
uint32_t gui_idx(const char *s, int i);
#define GUI_ID(s) gui_id(s)

extern const gui_color gui_col_bg, gui_col_panel, gui_col_button, gui_col_hot, gui_col_accent, gui_col_text,
    gui_col_dim;

int gui_button(gui_ctx *ui, uint32_t id, gui_rect r, const char *label);            // 1 on click
int gui_toggle(gui_ctx *ui, uint32_t id, gui_rect r, const char *label, int *on);   // 1 on change
// A row of buttons of which one is selected; 1 on change.
int gui_choice(gui_ctx *ui, uint32_t id, gui_rect r, const char *const *labels, int n, int *sel);
// Horizontal slider between lo and hi; fmt formats the value; 1 on change.
int gui_slider(gui_ctx *ui, uint32_t id, gui_rect r, float *v, float lo, float hi, const char *fmt);
// One-line text field editing buf (cap bytes, ASCII), the one text field of
// the application (gui_field.c). Click to focus (and place the caret), drag
// to select; Left/Right (Ctrl: by word, Shift: select), Home/End,
// Backspace/Delete, Ctrl+A, Ctrl+C/X/V (the clipboard), Return submits,
// Escape leaves. Text wider than the field scrolls. Its limits are stated:
// a text field shows its length against the most it takes, a numeric one
// its range; input it refuses is said in ui->tf_note, never dropped silently.
typedef struct {
    int max_len;            // characters it takes (0: cap - 1)
    int numeric;            // digits only (a leading '-' if lo < 0), range lo..hi
    long long lo, hi;
    const char *hint;       // shown dimmed while the field is empty
    const char *what;       // what it holds, for messages ("seed", "test digit")
    const char *range;      // stated instead of the length count: a text field
                            // that holds a number ("1e-6..1"), where "5/12" would read as a fraction
    // Typed or pasted text passes through map first (NULL: as it comes), which
    // may rewrite it into out (cap bytes, NUL-terminated): e.g. the look-alikes
    // of characters a model knows. What is still outside ASCII is refused.
    void (*map)(void *user, const char *in, char *out, size_t cap);
    void *map_user;
    // A text area of several lines (gui_field.c): the text wraps at spaces to
    // the field's width; Return starts a new line ('\n') and Tab puts a tab,
    // Up/Down move by line, Ctrl+Home/End to the text's ends, the wheel
    // scrolls; Escape (or a click elsewhere) leaves. Pasted newlines and tabs
    // are kept.
    int multiline;
} gui_field_opts;
enum { GUI_FIELD_EDITED = 1, GUI_FIELD_SUBMIT = 2 };
int gui_field(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap, const gui_field_opts *o);
// A plain text field: 1 when Return submits it.
int gui_textfield(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap);
// A view's probe (tests) of a rectangle it laid out: 1, with *out, when what
// is NAME_x, NAME_y, NAME_w or NAME_h.
int gui_probe_rect(const char *what, const char *name, gui_rect r, double *out);
// A view's named numbers in a table: *out = the value whose name is what's
// first word ("write_x0 3" names "write_x0"). 0, or -1 when none is.
typedef struct { const char *name; double v; } gui_probe_val;
int gui_probe_pick(const char *what, const gui_probe_val *vals, int n, double *out);
// The value of a numeric field's text: 0 and *out if it is a number within
// [lo, hi], else -1 with the reason in ui->tf_note (stated, nothing reverts).
int gui_field_value(gui_ctx *ui, const char *buf, const gui_field_opts *o, long long *out);
// Gives field id the keyboard, caret at the end of its text.
void gui_focus(gui_ctx *ui, uint32_t id);
// Sets ui->tf_note (printf-style).
void gui_note(gui_ctx *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// A scrolling list of n items, each drawn by item(); *sel is the selection,
// *scroll the first visible row; 1 when the selection changed.
typedef void (*gui_list_item_fn)(gui_ctx *ui, void *user, int i, gui_rect r, int selected);
int gui_list(gui_ctx *ui, uint32_t id, gui_rect r, int n, int item_h, int cols, int *sel, int *scroll,
             gui_list_item_fn item, void *user);
#endif
