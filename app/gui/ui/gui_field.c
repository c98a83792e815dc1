// gui_field: the application's one single-line text field (see gui.h).
//
// Immediate mode like the other widgets: the text lives in the caller's
// buffer; the editing state (caret, selection, scroll) lives in gui_ctx,
// because only the focused field has any. Offsets are bytes: fields take
// ASCII only (the models' alphabets and numbers), and say so when something
// else is typed or pasted.
#include "gui.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAD 5                 // text inset, points
#define BLINK_S 0.5           // caret on / off
#define BLINK_FOR_S 10.0      // then it stays on: an idle window draws nothing

void gui_note(gui_ctx *ui, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->tf_note, sizeof ui->tf_note, fmt, ap);
    va_end(ap);
    ui->tf_note_seq++;
}

void gui_focus(gui_ctx *ui, uint32_t id) {
    if (ui->focus != id) ui->tf_scroll = 0;
    ui->focus = ui->focus_seen = id;
    ui->tf_cur = ui->tf_anchor = 1 << 30;   // clamped to the end when drawn
    ui->tf_edit_t = ui->time;
}

static int max_len(const gui_field_opts *o, int cap) {
    int m = cap - 1;
    if (o && o->max_len > 0 && o->max_len < m) m = o->max_len;
    return m;
}

static const char *what_of(const gui_field_opts *o) { return o && o->what ? o->what : "this field"; }

// Whether character c may stand at byte position pos of a field holding
// `len` bytes; a refusal sets the note.
static int accepts(gui_ctx *ui, const gui_field_opts *o, char c, int pos) {
    unsigned char u = (unsigned char)c;
    if (u >= 128) { gui_note(ui, "%s takes ASCII characters only", what_of(o)); return 0; }
    if (u < 32 || u == 127) return 0;   // control characters: silently meaningless, never text
    if (o && o->numeric) {
        if (c >= '0' && c <= '9') return 1;
        if (c == '-' && pos == 0 && o->lo < 0) return 1;
        gui_note(ui, "%s takes digits only (%lld to %lld)", what_of(o), o->lo, o->hi);
        return 0;
    }
    return 1;
}

static void sel_range(const gui_ctx *ui, int *a, int *b) {
    *a = ui->tf_cur < ui->tf_anchor ? ui->tf_cur : ui->tf_anchor;
    *b = ui->tf_cur < ui->tf_anchor ? ui->tf_anchor : ui->tf_cur;
}

static int delete_sel(gui_ctx *ui, char *buf) {
    int a, b;
    sel_range(ui, &a, &b);
    if (a == b) return 0;
    memmove(buf + a, buf + b, strlen(buf + b) + 1);
    ui->tf_cur = ui->tf_anchor = a;
    return 1;
}

// Inserts s (n bytes) at the caret over the selection, as far as the field
// takes it; says what it left out. Returns 1 if the text changed.
static int insert(gui_ctx *ui, char *buf, int cap, const gui_field_opts *o, const char *s, size_t n) {
    char in[1024], mapped[1024];
    if (o && o->map) {
        if (n >= sizeof in) n = sizeof in - 1;
        memcpy(in, s, n);
        in[n] = 0;
        mapped[0] = 0;
        o->map(o->map_user, in, mapped, sizeof mapped);
        s = mapped;
        n = strlen(mapped);
    }
    int changed = delete_sel(ui, buf);
    int limit = max_len(o, cap);
    size_t len = strlen(buf);
    int refused_len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';   // pasted lines join into one
        if ((unsigned char)c >= 128) {   // a UTF-8 sequence: one refusal for the whole character
            accepts(ui, o, c, ui->tf_cur);
            while (i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) i++;
            continue;
        }
        if (!accepts(ui, o, c, ui->tf_cur)) continue;
        if ((int)len >= limit) { refused_len++; continue; }
        memmove(buf + ui->tf_cur + 1, buf + ui->tf_cur, len - (size_t)ui->tf_cur + 1);
        buf[ui->tf_cur++] = c;
        len++;
        changed = 1;
    }
    if (refused_len) gui_note(ui, "%s takes at most %d characters (%d left out)", what_of(o), limit, refused_len);
    ui->tf_anchor = ui->tf_cur;
    return changed;
}

static int is_word(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '\'';
}

// The caret's next stop to the left (dir -1) or right (+1), by character or by word.
static int next_stop(const char *buf, int pos, int dir, int word) {
    int len = (int)strlen(buf);
    if (!word) { pos += dir; return pos < 0 ? 0 : pos > len ? len : pos; }
    if (dir < 0) {
        while (pos > 0 && !is_word(buf[pos - 1])) pos--;
        while (pos > 0 && is_word(buf[pos - 1])) pos--;
    } else {
        while (pos < len && !is_word(buf[pos])) pos++;
        while (pos < len && is_word(buf[pos])) pos++;
    }
    return pos;
}

static int prefix_w(gui_ctx *ui, const char *buf, int n) {
    char tmp[1024];
    if (n <= 0) return 0;
    if (n >= (int)sizeof tmp) n = (int)sizeof tmp - 1;
    memcpy(tmp, buf, (size_t)n);
    tmp[n] = 0;
    return gui_text_w(ui, GUI_FONT_NORMAL, tmp);
}

// The byte offset nearest to x points from the text's start.
static int offset_at(gui_ctx *ui, const char *buf, int x) {
    int len = (int)strlen(buf), best = 0, bestd = 1 << 30;
    for (int i = 0; i <= len; i++) {
        int d = abs(prefix_w(ui, buf, i) - x);
        if (d < bestd) { bestd = d; best = i; }
    }
    return best;
}

static void copy_sel(gui_ctx *ui, const char *buf) {
    int a, b;
    sel_range(ui, &a, &b);
    if (a == b) return;
    char tmp[sizeof ui->clip_local];
    int n = b - a < (int)sizeof tmp - 1 ? b - a : (int)sizeof tmp - 1;
    memcpy(tmp, buf + a, (size_t)n);
    tmp[n] = 0;
    if (ui->clip_set) ui->clip_set(ui->clip_user, tmp);
    else snprintf(ui->clip_local, sizeof ui->clip_local, "%s", tmp);
}

static int paste(gui_ctx *ui, char *buf, int cap, const gui_field_opts *o) {
    if (ui->clip_get) {
        char *s = ui->clip_get(ui->clip_user);
        if (!s) return 0;
        int ch = insert(ui, buf, cap, o, s, strlen(s));
        free(s);
        return ch;
    }
    return insert(ui, buf, cap, o, ui->clip_local, strlen(ui->clip_local));
}

int gui_field_value(gui_ctx *ui, const char *buf, const gui_field_opts *o, long long *out) {
    char *end;
    const char *what = what_of(o);
    if (!buf[0]) { gui_note(ui, "%s is empty: type a number from %lld to %lld", what, o->lo, o->hi); return -1; }
    long long v = strtoll(buf, &end, 10);
    if (*end) { gui_note(ui, "%s: '%s' is not a number (%lld to %lld)", what, buf, o->lo, o->hi); return -1; }
    if (v < o->lo || v > o->hi) {
        gui_note(ui, "%s %s is out of range: %lld to %lld", what, buf, o->lo, o->hi);
        return -1;
    }
    *out = v;
    return 0;
}

int gui_field(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap, const gui_field_opts *o) {
    gui_mark(ui, r, o && o->what ? o->what : "field");
    int over = gui_inside(r, ui->mx, ui->my);
    if (over) ui->hot = id;
    int len = (int)strlen(buf);
    // What the field states at its right end: the range, or length / limit.
    char stated[48] = "";
    if (o && o->numeric) snprintf(stated, sizeof stated, "%lld-%lld", o->lo, o->hi);
    else if (o && o->range) snprintf(stated, sizeof stated, "%s", o->range);
    else snprintf(stated, sizeof stated, "%d/%d", len, max_len(o, cap));
    int sw = gui_text_w(ui, GUI_FONT_SMALL, stated) + 6;
    if (sw > r.w / 2) { sw = 0; stated[0] = 0; }   // no room to say it in the field: the note says it when it matters
    int inner = r.w - 2 * PAD - sw;
    if (inner < 8) inner = 8;
    int tx0 = r.x + PAD;

    int flags = 0;
    if (ui->mouse_pressed) {
        if (gui_inside(r, ui->press_x, ui->press_y)) {
            if (ui->focus != id) ui->tf_scroll = 0;
            ui->focus = id;
            ui->tf_cur = ui->tf_anchor = offset_at(ui, buf, ui->press_x - tx0 + ui->tf_scroll);
            ui->tf_drag = 1;
            ui->tf_edit_t = ui->time;
        } else if (ui->focus == id) ui->focus = 0;
    }
    if (ui->focus == id) {
        ui->focus_seen = id;
        if (ui->tf_cur > len) ui->tf_cur = len;
        if (ui->tf_anchor > len) ui->tf_anchor = len;
        if (ui->tf_cur < 0) ui->tf_cur = 0;
        if (ui->tf_anchor < 0) ui->tf_anchor = 0;
        if (ui->tf_drag && ui->mouse_down && !ui->mouse_pressed) {   // drag selects
            ui->tf_cur = offset_at(ui, buf, ui->mx - tx0 + ui->tf_scroll);
            ui->tf_edit_t = ui->time;
        }
        if (!ui->mouse_down) ui->tf_drag = 0;
        if (ui->text[0] && insert(ui, buf, cap, o, ui->text, strlen(ui->text))) flags |= GUI_FIELD_EDITED;
        for (int i = 0; i < ui->nkeys && ui->focus == id; i++) {
            int k = ui->keys[i], m = ui->key_mods[i];
            int shift = m & GUI_MOD_SHIFT, ctrl = m & GUI_MOD_CTRL;
            ui->tf_edit_t = ui->time;
            switch (k) {
            case GUI_KEY_LEFT: case GUI_KEY_RIGHT: {
                int a, b;
                sel_range(ui, &a, &b);
                if (!shift && a != b && !ctrl) ui->tf_cur = k == GUI_KEY_LEFT ? a : b;   // collapse the selection
                else ui->tf_cur = next_stop(buf, ui->tf_cur, k == GUI_KEY_LEFT ? -1 : 1, ctrl);
                if (!shift) ui->tf_anchor = ui->tf_cur;
                break;
            }
            case GUI_KEY_HOME: case GUI_KEY_END:
                ui->tf_cur = k == GUI_KEY_HOME ? 0 : (int)strlen(buf);
                if (!shift) ui->tf_anchor = ui->tf_cur;
                break;
            case GUI_KEY_BACKSPACE: case GUI_KEY_DELETE:
                if (delete_sel(ui, buf)) { flags |= GUI_FIELD_EDITED; break; }
                ui->tf_anchor = next_stop(buf, ui->tf_cur, k == GUI_KEY_BACKSPACE ? -1 : 1, ctrl);
                if (delete_sel(ui, buf)) flags |= GUI_FIELD_EDITED;
                break;
            case GUI_KEY_RETURN: flags |= GUI_FIELD_SUBMIT; ui->focus = 0; break;
            case GUI_KEY_ESCAPE: ui->focus = 0; break;
            case 'a': if (ctrl) { ui->tf_anchor = 0; ui->tf_cur = (int)strlen(buf); } break;
            case 'c': if (ctrl) copy_sel(ui, buf); break;
            case 'x': if (ctrl) { copy_sel(ui, buf); if (delete_sel(ui, buf)) flags |= GUI_FIELD_EDITED; } break;
            case 'v': if (ctrl && paste(ui, buf, cap, o)) flags |= GUI_FIELD_EDITED; break;
            default: break;
            }
        }
        len = (int)strlen(buf);
        if (flags & GUI_FIELD_EDITED) {   // the count changed
            if (stated[0] && !(o && (o->numeric || o->range)))
                snprintf(stated, sizeof stated, "%d/%d", len, max_len(o, cap));
        }
    }

    int focused = ui->focus == id;
    // Scroll so that the caret stays in sight (and no space is wasted at the end).
    if (focused) {
        int cx = prefix_w(ui, buf, ui->tf_cur), full = prefix_w(ui, buf, len);
        if (cx - ui->tf_scroll > inner - 2) ui->tf_scroll = cx - inner + 2;
        if (cx - ui->tf_scroll < 0) ui->tf_scroll = cx;
        if (full - ui->tf_scroll < inner - 2 && ui->tf_scroll > 0)
            ui->tf_scroll = full - inner + 2 > 0 ? full - inner + 2 : 0;
    }
    int scroll = focused ? ui->tf_scroll : 0;

    gui_rect_fill(ui, r, gui_rgb(22, 24, 27));
    gui_rect_frame(ui, r, focused ? gui_col_accent : ui->hot == id ? gui_col_hot : gui_col_button);
    int lh = ui->line_h[GUI_FONT_NORMAL], ty = r.y + (r.h - lh) / 2;
    gui_rect clip = gui_r(tx0, r.y + 1, inner, r.h - 2);
    gui_clip(ui, clip);
    if (focused && ui->tf_cur != ui->tf_anchor) {
        int a, b;
        sel_range(ui, &a, &b);
        int xa = prefix_w(ui, buf, a), xb = prefix_w(ui, buf, b);
        gui_rect_fill(ui, gui_r(tx0 - scroll + xa, ty, xb - xa, lh), gui_rgba(66, 133, 230, 140));
    }
    if (buf[0]) gui_text(ui, tx0 - scroll, ty, GUI_FONT_NORMAL, gui_col_text, buf);
    else if (o && o->hint && !focused) gui_text(ui, tx0, ty, GUI_FONT_NORMAL, gui_col_dim, o->hint);
    if (focused) {
        // The caret blinks for a while after the last key, then stays on, so
        // that a window left with a focused field stops drawing.
        double since = ui->time - ui->tf_edit_t;
        int on = 1;
        if (since < BLINK_FOR_S) {
            on = (long)(since / BLINK_S) % 2 == 0;
            double next = ui->tf_edit_t + BLINK_S * ((long)(since / BLINK_S) + 1);
            if (!ui->wake_at || next < ui->wake_at) ui->wake_at = next;
        }
        if (on) gui_rect_fill(ui, gui_r(tx0 - scroll + prefix_w(ui, buf, ui->tf_cur), ty, 1, lh), gui_col_text);
    }
    gui_clip_reset(ui);
    if (stated[0]) {
        int full = !(o && o->numeric) && len >= max_len(o, cap);
        gui_text(ui, r.x + r.w - sw, r.y + (r.h - ui->line_h[GUI_FONT_SMALL]) / 2, GUI_FONT_SMALL,
                 full ? gui_rgb(250, 210, 90) : gui_col_dim, stated);
    }
    return flags;
}

int gui_textfield(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap) {
    return (gui_field(ui, id, r, buf, cap, NULL) & GUI_FIELD_SUBMIT) != 0;
}
