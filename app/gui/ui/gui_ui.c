// gui_ui: input state, the command list and the widgets (see gui.h).
#include "gui.h"
#include "gl_image.h"
#include "gl_util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const gui_color gui_col_bg = { 28, 30, 34, 255 }, gui_col_panel = { 40, 43, 49, 255 },
                gui_col_button = { 58, 62, 70, 255 }, gui_col_hot = { 78, 84, 96, 255 },
                gui_col_accent = { 66, 133, 230, 255 }, gui_col_text = { 225, 228, 232, 255 },
                gui_col_dim = { 150, 155, 165, 255 };

static const struct { int key; const char *name; } key_names[] = {
    { GUI_KEY_TAB, "Tab" }, { GUI_KEY_RETURN, "Return" }, { GUI_KEY_ESCAPE, "Escape" }, { GUI_KEY_SPACE, "Space" },
    { GUI_KEY_BACKSPACE, "Backspace" }, { GUI_KEY_DELETE, "Delete" }, { GUI_KEY_LEFT, "Left" },
    { GUI_KEY_RIGHT, "Right" }, { GUI_KEY_UP, "Up" }, { GUI_KEY_DOWN, "Down" }, { GUI_KEY_HOME, "Home" },
    { GUI_KEY_END, "End" }, { GUI_KEY_PAGEUP, "PageUp" }, { GUI_KEY_PAGEDOWN, "PageDown" }, { GUI_KEY_F1, "F1" },
};

int gui_key_parse(const char *name, int *key, int *mods) {
    *mods = 0;
    for (;;) {   // modifier prefixes: ctrl+, shift+, alt+
        if (!strncasecmp(name, "ctrl+", 5)) { *mods |= GUI_MOD_CTRL; name += 5; }
        else if (!strncasecmp(name, "shift+", 6)) { *mods |= GUI_MOD_SHIFT; name += 6; }
        else if (!strncasecmp(name, "alt+", 4)) { *mods |= GUI_MOD_ALT; name += 4; }
        else break;
    }
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (!strcasecmp(name, key_names[i].name)) { *key = key_names[i].key; return 0; }
    if (name[0] > 32 && name[0] < 127 && name[1] == 0) {
        int c = (unsigned char)name[0];
        *key = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
        return 0;
    }
    return -1;
}

const char *gui_key_name(int key) {
    static _Thread_local char one[2];
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (key_names[i].key == key) return key_names[i].name;
    if (key > 32 && key < 127) { one[0] = (char)key; one[1] = 0; return one; }
    return "?";
}

void gui_init(gui_ctx *ui, int w, int h, gui_text_width_fn tw, void *user, const int line_h[GUI_NFONT]) {
    memset(ui, 0, sizeof *ui);
    ui->w = w; ui->h = h;
    ui->text_width = tw; ui->text_user = user;
    for (int i = 0; i < GUI_NFONT; i++) ui->line_h[i] = line_h[i];
    ui->mx = ui->my = -1;
}

void gui_free(gui_ctx *ui) {
    free(ui->cmds); free(ui->arena); free(ui->laid);
    ui->cmds = NULL; ui->arena = NULL; ui->laid = NULL;
}

void gui_begin(gui_ctx *ui) {
    ui->ncmd = 0;
    ui->arena_len = 0;
    ui->focus_seen = 0;
    ui->hot = 0;
    ui->wake_at = 0;
    ui->nlaid = 0;
}

void gui_end(gui_ctx *ui) {
    // A focused text field that was not drawn this frame (view switched) lets go.
    if (ui->focus && !ui->focus_seen) ui->focus = 0;
    ui->mouse_pressed = ui->mouse_released = 0;
    ui->wheel = 0;
    ui->nkeys = 0;
    ui->text[0] = 0;
    if (!ui->mouse_down) ui->active = 0;
    ui->frame++;
}

void gui_input(gui_ctx *ui, const gui_event *ev) {
    switch (ev->type) {
    case GUI_EV_MOVE: ui->mx = ev->x; ui->my = ev->y; break;
    case GUI_EV_DOWN:
        ui->mx = ev->x; ui->my = ev->y;
        if (ev->button == 1) { ui->mouse_down = 1; ui->mouse_pressed = 1; ui->press_x = ev->x; ui->press_y = ev->y; }
        break;
    case GUI_EV_UP:
        ui->mx = ev->x; ui->my = ev->y;
        if (ev->button == 1) { ui->mouse_down = 0; ui->mouse_released = 1; }
        break;
    case GUI_EV_WHEEL: ui->wheel += ev->wheel; break;
    case GUI_EV_KEY:
        if (ui->nkeys < GUI_MAX_KEYS) {
            ui->keys[ui->nkeys] = ev->key;
            ui->key_mods[ui->nkeys] = ev->mods;
            ui->nkeys++;
        }
        break;
    case GUI_EV_TEXT: {
        size_t n = strlen(ui->text), m = strlen(ev->text);
        if (n + m < sizeof ui->text) memcpy(ui->text + n, ev->text, m + 1);
        break;
    }
    case GUI_EV_RESIZE: ui->w = ev->x; ui->h = ev->y; break;
    default: break;
    }
}

int gui_input_fits(const gui_ctx *ui, const gui_event *ev) {
    switch (ev->type) {
    case GUI_EV_KEY: return ui->nkeys < GUI_MAX_KEYS;
    // Widgets take a frame's text before its keys: text after a key (type,
    // Backspace, type) waits for the next frame to keep its order.
    case GUI_EV_TEXT: return ui->nkeys == 0 && strlen(ui->text) + strlen(ev->text) < sizeof ui->text;
    // A press and a release of the left button in one frame: a widget sees
    // mouse_down already 0 and would miss a quick tap on a timeline.
    case GUI_EV_UP: return !(ev->button == 1 && ui->mouse_pressed);
    case GUI_EV_DOWN: return !(ev->button == 1 && (ui->mouse_released || ui->mouse_pressed));
    default: return 1;
    }
}

int gui_key_pressed(const gui_ctx *ui, int key, int mods) {
    for (int i = 0; i < ui->nkeys; i++)
        if (ui->keys[i] == key && (ui->key_mods[i] & (GUI_MOD_CTRL | GUI_MOD_ALT)) == mods) return 1;
    return 0;
}

// ---- command list --------------------------------------------------------------
static gui_cmd *push_cmd(gui_ctx *ui, gui_cmd_type t) {
    if (ui->ncmd == ui->cmd_cap) {
        ui->cmd_cap = ui->cmd_cap ? ui->cmd_cap * 2 : 256;
        gui_cmd *c = realloc(ui->cmds, (size_t)ui->cmd_cap * sizeof *c);
        if (!c) abort();
        ui->cmds = c;
    }
    gui_cmd *c = &ui->cmds[ui->ncmd++];
    memset(c, 0, sizeof *c);
    c->type = t;
    return c;
}

// Offsets, not pointers: the arena may move as it grows.
static size_t arena_put(gui_ctx *ui, const void *p, size_t n) {
    if (ui->arena_len + n > ui->arena_cap) {
        size_t cap = ui->arena_cap ? ui->arena_cap : 1 << 16;
        while (cap < ui->arena_len + n) cap *= 2;
        unsigned char *a = realloc(ui->arena, cap);
        if (!a) abort();
        ui->arena = a; ui->arena_cap = cap;
    }
    size_t off = ui->arena_len;
    memcpy(ui->arena + off, p, n);
    ui->arena_len += (n + 7) & ~(size_t)7;
    if (ui->arena_len > ui->arena_cap) ui->arena_len = ui->arena_cap;
    return off;
}

void gui_rect_fill(gui_ctx *ui, gui_rect r, gui_color c) {
    gui_cmd *k = push_cmd(ui, GUI_CMD_RECT);
    k->r = r;
    k->c = c;
}
void gui_rect_frame(gui_ctx *ui, gui_rect r, gui_color c) {
    gui_cmd *k = push_cmd(ui, GUI_CMD_FRAME);
    k->r = r;
    k->c = c;
}
void gui_line(gui_ctx *ui, float x0, float y0, float x1, float y1, float width, gui_color c) {
    gui_cmd *k = push_cmd(ui, GUI_CMD_LINE);
    k->x0 = x0; k->y0 = y0; k->x1 = x1; k->y1 = y1; k->width = width; k->c = c;
}
void gui_text(gui_ctx *ui, int x, int y, int font, gui_color c, const char *s) {
    if (!s || !*s) return;
    size_t off = arena_put(ui, s, strlen(s) + 1);
    gui_cmd *k = push_cmd(ui, GUI_CMD_TEXT);
    k->r = gui_r(x, y, 0, ui->line_h[font]); k->c = c; k->font = font; k->data = off;
}
void gui_textf(gui_ctx *ui, int x, int y, int font, gui_color c, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    gui_text(ui, x, y, font, c, buf);
}
int gui_text_w(gui_ctx *ui, int font, const char *s) {
    return ui->text_width ? ui->text_width(ui->text_user, font, s) : 0;
}

static int prefix_w(gui_ctx *ui, int font, const char *s, size_t k) {
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)k, s);
    return gui_text_w(ui, font, buf);
}

// The longest start of s (at most n bytes) no wider than w, broken after a
// space, else after a '/', else between two UTF-8 characters. Measures only
// at the breaks (a frame draws this often), then bisects.
static size_t wrap_len(gui_ctx *ui, int font, int w, const char *s, size_t n) {
    if (n > 500) n = 500;
    if (prefix_w(ui, font, s, n) <= w) return n;
    size_t best_space = 0, best_slash = 0;
    for (size_t k = 1; k < n; k++) {
        if (s[k - 1] != ' ' && s[k - 1] != '/') continue;
        if (prefix_w(ui, font, s, k) > w) break;
        if (s[k - 1] == ' ') best_space = k; else best_slash = k;
    }
    if (best_space) return best_space;
    if (best_slash) return best_slash;
    size_t lo = 1, hi = n;   // prefix lo fits (or is one byte), prefix hi does not
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (prefix_w(ui, font, s, mid) <= w) lo = mid; else hi = mid;
    }
    while (lo > 1 && (s[lo] & 0xC0) == 0x80) lo--;   // not inside a character
    return lo;
}

int gui_text_wrap(gui_ctx *ui, int x, int y, int w, int max_lines, int font, gui_color c, const char *s) {
    int lines = 0;
    size_t n = strlen(s);
    char buf[512];
    while (n > 0 && lines < max_lines) {
        size_t k = wrap_len(ui, font, w, s, n);
        int last = lines == max_lines - 1 && k < n;
        if (last) {   // room for the "..." that says the text goes on
            k = wrap_len(ui, font, w - gui_text_w(ui, font, "..."), s, n);
            snprintf(buf, sizeof buf, "%.*s...", (int)k, s);
        } else snprintf(buf, sizeof buf, "%.*s", (int)k, s);
        size_t e = strlen(buf);
        while (!last && e > 0 && buf[e - 1] == ' ') buf[--e] = 0;
        gui_text(ui, x, y + lines * ui->line_h[font], font, c, buf);
        lines++;
        s += k; n -= k;
        while (n > 0 && *s == ' ') { s++; n--; }
    }
    return lines;
}
void gui_image(gui_ctx *ui, gui_rect r, const uint8_t *rgb, int iw, int ih) {
    size_t off = arena_put(ui, rgb, (size_t)iw * ih * 3);
    gui_cmd *k = push_cmd(ui, GUI_CMD_IMAGE);
    k->r = r; k->iw = iw; k->ih = ih; k->data = off; k->c = gui_rgb(255, 255, 255);
}
void gui_heat(gui_ctx *ui, gui_rect r, const float *v, int gh, int gw, float lo, float hi, int grey) {
    uint8_t px[64 * 64 * 3];
    if (gh * gw > 64 * 64) return;
    float span = hi > lo ? hi - lo : 1;
    for (int i = 0; i < gh * gw; i++) {
        float t = (v[i] - lo) / span;
        if (!(t >= 0)) t = 0;
        if (t > 1) t = 1;
        if (grey) px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = (uint8_t)(t * 255);
        else gl_jet(t, &px[3 * i], &px[3 * i + 1], &px[3 * i + 2]);
    }
    gui_image(ui, r, px, gw, gh);
}
void gui_clip(gui_ctx *ui, gui_rect r) { gui_cmd *k = push_cmd(ui, GUI_CMD_CLIP); k->r = r; }
void gui_clip_reset(gui_ctx *ui) { gui_clip(ui, gui_r(0, 0, 0, 0)); }
const char *gui_cmd_text(const gui_ctx *ui, const gui_cmd *c) { return (const char *)ui->arena + c->data; }
const uint8_t *gui_cmd_pixels(const gui_ctx *ui, const gui_cmd *c) { return ui->arena + c->data; }

// ---- widgets ---------------------------------------------------------------------
uint32_t gui_id(const char *s) {
    uint32_t h = 2166136261u;   // FNV-1a
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 16777619u; }
    return h ? h : 1;
}
uint32_t gui_idx(const char *s, int i) {
    uint32_t h = gui_id(s);
    h ^= (uint32_t)i * 2654435761u;
    return h ? h : 1;
}

// The press/release logic shared by clickable widgets: a click is a press
// and a release both inside the widget (a drag off it cancels).
static void laid(gui_ctx *ui, gui_rect r, const char *name) {
    if (!ui->record) return;
    if (ui->nlaid == ui->laid_cap) {
        ui->laid_cap = ui->laid_cap ? 2 * ui->laid_cap : 64;
        gui_laid *p = realloc(ui->laid, (size_t)ui->laid_cap * sizeof *p);
        if (!p) abort();
        ui->laid = p;
    }
    gui_laid *l = &ui->laid[ui->nlaid++];
    l->r = r;
    snprintf(l->name, sizeof l->name, "%s", name ? name : "?");
}

void gui_mark(gui_ctx *ui, gui_rect r, const char *name) { laid(ui, r, name); }

static int overlap(gui_rect a, gui_rect b) {
    return a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
        b.y < a.y + a.h;
}

int gui_layout_check(const gui_ctx *ui, gui_rect area, char *msg, size_t n) {
    int faults = 0;
    size_t used = 0;
    if (n) msg[0] = 0;
#define SAY(...)                                                                                                       \
    do {                                                                                                               \
        if (faults < 6 && used < n) {                                                                                  \
            int k = snprintf(msg + used, n - used, __VA_ARGS__);                                                       \
            if (k > 0) used += (size_t)k;                                                                              \
        }                                                                                                              \
        faults++;                                                                                                      \
    } while (0)
    for (int i = 0; i < ui->nlaid; i++) {
        gui_rect a = ui->laid[i].r;
        if (a.w <= 0 || a.h <= 0) { SAY("%s has no size (%dx%d); ", ui->laid[i].name, a.w, a.h); continue; }
        if (a.x < area.x || a.y < area.y || a.x + a.w > area.x + area.w || a.y + a.h > area.y + area.h)
            SAY("%s (%d,%d %dx%d) is outside (%d,%d %dx%d); ", ui->laid[i].name, a.x, a.y, a.w, a.h, area.x, area.y,
                area.w, area.h);
        for (int j = i + 1; j < ui->nlaid; j++)
            if (overlap(a, ui->laid[j].r)) {
                gui_rect b = ui->laid[j].r;
                SAY("%s (%d,%d %dx%d) overlaps %s (%d,%d %dx%d); ", ui->laid[i].name, a.x, a.y, a.w, a.h,
                    ui->laid[j].name, b.x, b.y, b.w, b.h);
            }
    }
#undef SAY
    return faults;
}

gui_flow gui_flow_begin(int x, int y, int right, int h, int gap, int row_gap) {
    gui_flow f = { x, x, y, right, h, gap, row_gap, 0 };
    return f;
}

gui_rect gui_flow_put(gui_flow *f, int w) {
    if (f->used && f->x + w > f->right) gui_flow_newline(f);
    if (w > f->right - f->x) w = f->right - f->x;   // a control wider than the row shrinks to it
    gui_rect r = gui_r(f->x, f->y, w, f->h);
    f->x += w + f->gap;
    f->used = 1;
    return r;
}

void gui_flow_newline(gui_flow *f) {
    if (!f->used) return;
    f->x = f->x0;
    f->y += f->h + f->row_gap;
    f->used = 0;
}

int gui_flow_end(const gui_flow *f) { return f->used ? f->y + f->h : f->y - f->row_gap; }

int gui_button_w(gui_ctx *ui, const char *label) { return gui_text_w(ui, GUI_FONT_NORMAL, label) + 24; }

static int clickable(gui_ctx *ui, uint32_t id, gui_rect r) {
    int over = gui_inside(r, ui->mx, ui->my);
    if (over) ui->hot = id;
    if (ui->mouse_pressed && gui_inside(r, ui->press_x, ui->press_y)) ui->active = id;
    int clicked = 0;
    if (ui->mouse_released && ui->active == id) {
        clicked = over;
        ui->active = 0;
    }
    return clicked;
}

static void label_centred(gui_ctx *ui, gui_rect r, const char *label, gui_color c) {
    int tw = gui_text_w(ui, GUI_FONT_NORMAL, label);
    gui_text(ui, r.x + (r.w - tw) / 2, r.y + (r.h - ui->line_h[GUI_FONT_NORMAL]) / 2, GUI_FONT_NORMAL, c, label);
}

int gui_button(gui_ctx *ui, uint32_t id, gui_rect r, const char *label) {
    laid(ui, r, label);
    int clicked = clickable(ui, id, r);
    gui_color c = ui->active == id ? gui_col_accent : ui->hot == id ? gui_col_hot : gui_col_button;
    gui_rect_fill(ui, r, c);
    label_centred(ui, r, label, gui_col_text);
    return clicked;
}

int gui_toggle(gui_ctx *ui, uint32_t id, gui_rect r, const char *label, int *on) {
    laid(ui, r, label);
    int clicked = clickable(ui, id, r);
    if (clicked) *on = !*on;
    gui_rect_fill(ui, r, *on ? gui_col_accent : ui->hot == id ? gui_col_hot : gui_col_button);
    label_centred(ui, r, label, gui_col_text);
    return clicked;
}

int gui_choice(gui_ctx *ui, uint32_t id, gui_rect r, const char *const *labels, int n, int *sel) {
    laid(ui, r, labels[0]);
    int changed = 0;
    for (int i = 0; i < n; i++) {
        gui_rect b = gui_r(r.x + r.w * i / n, r.y, r.w * (i + 1) / n - r.w * i / n - (i < n - 1 ? 2 : 0), r.h);
        uint32_t bid = id ^ ((uint32_t)(i + 1) * 0x9e3779b9u);
        if (clickable(ui, bid, b) && *sel != i) { *sel = i; changed = 1; }
        gui_rect_fill(ui, b, *sel == i ? gui_col_accent : ui->hot == bid ? gui_col_hot : gui_col_button);
        label_centred(ui, b, labels[i], gui_col_text);
    }
    return changed;
}

int gui_slider(gui_ctx *ui, uint32_t id, gui_rect r, float *v, float lo, float hi, const char *fmt) {
    laid(ui, r, fmt);
    clickable(ui, id, r);
    float old = *v;
    if (ui->active == id && ui->mouse_down && r.w > 1) {
        float t = (float)(ui->mx - r.x) / (float)(r.w - 1);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        *v = lo + t * (hi - lo);
    }
    if (ui->hot == id && ui->wheel != 0) {   // the wheel nudges by 1/20 of the range
        *v += ui->wheel * (hi - lo) / 20;
        *v = *v < lo ? lo : *v > hi ? hi : *v;
    }
    gui_rect_fill(ui, r, ui->hot == id || ui->active == id ? gui_col_hot : gui_col_button);
    float t = hi > lo ? (*v - lo) / (hi - lo) : 0;
    gui_rect_fill(ui, gui_r(r.x, r.y, (int)(t * r.w), r.h), gui_rgba(66, 133, 230, 160));
    char buf[64];
    snprintf(buf, sizeof buf, fmt, (double)*v);
    label_centred(ui, r, buf, gui_col_text);
    return *v != old;
}

int gui_list(gui_ctx *ui, uint32_t id, gui_rect r, int n, int item_h, int cols, int *sel, int *scroll,
             gui_list_item_fn item, void *user) {
    laid(ui, r, "list");
    if (cols < 1) cols = 1;
    int rows = (n + cols - 1) / cols, vis = r.h / item_h;
    if (vis < 1) vis = 1;
    int over = gui_inside(r, ui->mx, ui->my);
    if (over && ui->wheel != 0) *scroll -= (int)(ui->wheel * 2);
    // Keep the selection visible when it moved by keyboard.
    int max_scroll = rows > vis ? rows - vis : 0;
    if (*scroll > max_scroll) *scroll = max_scroll;
    if (*scroll < 0) *scroll = 0;
    int changed = 0, iw = r.w / cols;
    gui_rect_fill(ui, r, gui_col_panel);
    gui_clip(ui, r);
    for (int row = *scroll; row < rows && row < *scroll + vis; row++)
        for (int c = 0; c < cols; c++) {
            int i = row * cols + c;
            if (i >= n) break;
            gui_rect ir = gui_r(r.x + c * iw, r.y + (row - *scroll) * item_h, iw, item_h);
            if (clickable(ui, gui_idx("list", i) ^ id, ir) && *sel != i) { *sel = i; changed = 1; }
            item(ui, user, i, ir, *sel == i);
        }
    gui_clip_reset(ui);
    if (rows > vis) {   // scroll position marker
        int bh = r.h * vis / rows, by = r.y + (r.h - bh) * *scroll / (max_scroll ? max_scroll : 1);
        gui_rect_fill(ui, gui_r(r.x + r.w - 4, by, 4, bh), gui_col_dim);
    }
    return changed;
}

int gui_probe_pick(const char *what, const gui_probe_val *vals, int n, double *out) {
    size_t len = strcspn(what, " ");
    for (int i = 0; i < n; i++)
        if (strlen(vals[i].name) == len && !strncmp(what, vals[i].name, len)) { *out = vals[i].v; return 0; }
    return -1;
}

int gui_probe_rect(const char *what, const char *name, gui_rect r, double *out) {
    size_t n = strlen(name);
    if (strncmp(what, name, n) || what[n] != '_' || !what[n + 1] || what[n + 2]) return 0;
    switch (what[n + 1]) {
    case 'x': *out = r.x; return 1;
    case 'y': *out = r.y; return 1;
    case 'w': *out = r.w; return 1;
    case 'h': *out = r.h; return 1;
    default: return 0;
    }
}
