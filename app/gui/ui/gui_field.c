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
// takes it; says what it left out. Returns 1 if the text changed. A text
// area keeps newlines ("\r\n" and "\r" become one) and tabs; a one-line
// field joins pasted lines with spaces.
static int insert(gui_ctx *ui, char *buf, int cap, const gui_field_opts *o, const char *s, size_t n) {
    char *in = NULL, *mapped = NULL;
    if (o && o->map) {
        size_t mcap = 4 * n + 64;   // room for look-alikes written longer than they were typed
        in = malloc(n + 1);
        mapped = malloc(mcap);
        if (!in || !mapped) { free(in); free(mapped); return 0; }
        memcpy(in, s, n);
        in[n] = 0;
        mapped[0] = 0;
        o->map(o->map_user, in, mapped, mcap);
        s = mapped;
        n = strlen(mapped);
    }
    int multi = o && o->multiline;
    int changed = delete_sel(ui, buf);
    int limit = max_len(o, cap);
    size_t len = strlen(buf);
    int refused_len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') continue;   // "\r\n": the '\n' stands for both
            c = '\n';
        }
        int kept = multi && (c == '\n' || c == '\t');
        if (!multi && (c == '\n' || c == '\t')) c = ' ';   // pasted lines join into one
        if ((unsigned char)c >= 128 && multi) {   // a text area keeps a whole UTF-8 character (the caller names
            size_t k = 1;                          // the ones it cannot use)
            while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++;
            if ((unsigned char)c < 0xC0) continue;   // a stray continuation byte
            if ((int)(len + k) > limit) { refused_len++; i += k - 1; continue; }
            memmove(buf + ui->tf_cur + k, buf + ui->tf_cur, len - (size_t)ui->tf_cur + 1);
            memcpy(buf + ui->tf_cur, s + i, k);
            ui->tf_cur += (int)k;
            len += k;
            i += k - 1;
            changed = 1;
            continue;
        }
        if ((unsigned char)c >= 128) {   // a UTF-8 sequence: one refusal for the whole character
            accepts(ui, o, c, ui->tf_cur);
            while (i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) i++;
            continue;
        }
        if (!kept && !accepts(ui, o, c, ui->tf_cur)) continue;
        if ((int)len >= limit) { refused_len++; continue; }
        memmove(buf + ui->tf_cur + 1, buf + ui->tf_cur, len - (size_t)ui->tf_cur + 1);
        buf[ui->tf_cur++] = c;
        len++;
        changed = 1;
    }
    if (refused_len) gui_note(ui, "%s takes at most %d characters (%d left out)", what_of(o), limit, refused_len);
    ui->tf_anchor = ui->tf_cur;
    free(in);
    free(mapped);
    return changed;
}

static int is_word(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '\'' ||
           (unsigned char)c >= 128;
}

static int is_cont(const char *buf, int pos) { return ((unsigned char)buf[pos] & 0xC0) == 0x80; }

// The caret's next stop to the left (dir -1) or right (+1), by character or by word.
static int next_stop(const char *buf, int pos, int dir, int word) {
    int len = (int)strlen(buf);
    if (!word) {   // by character: a UTF-8 sequence (a text area's) is one
        pos += dir;
        while (pos > 0 && pos < len && is_cont(buf, pos)) pos += dir;
        return pos < 0 ? 0 : pos > len ? len : pos;
    }
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
    char *tmp = malloc((size_t)(b - a) + 1);
    if (!tmp) return;
    memcpy(tmp, buf + a, (size_t)(b - a));
    tmp[b - a] = 0;
    if (ui->clip_set) ui->clip_set(ui->clip_user, tmp);
    else snprintf(ui->clip_local, sizeof ui->clip_local, "%s", tmp);
    free(tmp);
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

// ---- the text area (gui_field_opts.multiline) ---------------------------------------
// Visual lines: the text's own lines, wrapped at spaces (a word wider than
// the area at a character) to `inner` points. Widths of a line's pieces are
// measured with tabs as four spaces, which is how they are drawn.
#define TAB_SPACES 4

// Bytes [a, b) of buf with tabs as spaces, into out (cap bytes); returns out.
static char *expand(const char *buf, int a, int b, char *out, size_t cap) {
    size_t k = 0;
    for (int i = a; i < b && buf[i] && k + TAB_SPACES + 1 < cap; i++) {
        if (buf[i] == '\t') for (int t = 0; t < TAB_SPACES; t++) out[k++] = ' ';
        else if (buf[i] != '\n') out[k++] = buf[i];
    }
    out[k] = 0;
    return out;
}

static int seg_w(gui_ctx *ui, const char *buf, int a, int b) {
    char tmp[2048];
    return b > a ? gui_text_w(ui, GUI_FONT_NORMAL, expand(buf, a, b, tmp, sizeof tmp)) : 0;
}

// Start offsets of the visual lines into starts (room for strlen(buf) + 2);
// returns their count. Words are measured whole (a word wider than the area
// breaks at a character). The last result is kept: a frame that changes
// neither the text nor the width wraps nothing again.
static struct { char *buf; int inner, n, cap; int *starts; } wrap_memo;

static int area_wrap_words(gui_ctx *ui, const char *buf, int inner, int *starts) {
    int cw[128];
    char one[2] = { 0, 0 };
    for (int c = 0; c < 128; c++) {
        one[0] = (char)(c >= 32 && c < 127 ? c : ' ');
        cw[c] = gui_text_w(ui, GUI_FONT_NORMAL, one);
    }
    // a space's advance, as it counts between words (a lone space may measure less)
    cw[' '] = gui_text_w(ui, GUI_FONT_NORMAL, "n n") - gui_text_w(ui, GUI_FONT_NORMAL, "nn");
    cw['\t'] = TAB_SPACES * cw[' '];
    int n = 0, ls = 0, w = 0, len = (int)strlen(buf);
    starts[n++] = 0;
    for (int i = 0; i < len;) {
        if (buf[i] == '\n') { starts[n++] = ls = i + 1; w = 0; i++; continue; }
        if (buf[i] == ' ' || buf[i] == '\t') { w += cw[(int)buf[i]]; i++; continue; }   // spaces may hang past the edge
        int e = i;
        while (e < len && buf[e] != ' ' && buf[e] != '\t' && buf[e] != '\n') e++;
        int ww = seg_w(ui, buf, i, e);
        if (w + ww > inner && i > ls) { starts[n++] = ls = i; w = 0; }   // the word starts the next line
        if (ww > inner) {   // wider than the area: broken at characters
            int a = i;
            for (int k = i + 1; k <= e; k++) {
                if (k < e && is_cont(buf, k)) continue;
                if (seg_w(ui, buf, a, k) > inner && k - 1 > a) {
                    int b = k - 1;
                    while (b > a && is_cont(buf, b)) b--;
                    starts[n++] = ls = a = b;
                }
            }
            w = seg_w(ui, buf, a, e);
        } else w += ww;
        i = e;
    }
    return n;
}

static int area_wrap(gui_ctx *ui, const char *buf, int inner, int *starts) {
    int len = (int)strlen(buf);
    if (wrap_memo.buf && wrap_memo.inner == inner && !strcmp(wrap_memo.buf, buf)) {
        memcpy(starts, wrap_memo.starts, sizeof(int) * (size_t)wrap_memo.n);
        return wrap_memo.n;
    }
    int n = area_wrap_words(ui, buf, inner, starts);
    if (len + 2 > wrap_memo.cap) {
        free(wrap_memo.buf);
        free(wrap_memo.starts);
        wrap_memo.cap = len + 2;
        wrap_memo.buf = malloc((size_t)wrap_memo.cap);
        wrap_memo.starts = malloc(sizeof(int) * (size_t)wrap_memo.cap);
        if (!wrap_memo.buf || !wrap_memo.starts) {
            free(wrap_memo.buf); free(wrap_memo.starts);
            memset(&wrap_memo, 0, sizeof wrap_memo);
            return n;
        }
    }
    memcpy(wrap_memo.buf, buf, (size_t)len + 1);
    memcpy(wrap_memo.starts, starts, sizeof(int) * (size_t)n);
    wrap_memo.n = n;
    wrap_memo.inner = inner;
    return n;
}

static int line_of(const int *starts, int n, int off) {
    int k = 0;
    while (k + 1 < n && starts[k + 1] <= off) k++;
    return k;
}

// The end of visual line k (before its newline).
static int line_end(const char *buf, const int *starts, int n, int k) {
    if (k + 1 >= n) return (int)strlen(buf);
    int e = starts[k + 1];
    return e > starts[k] && buf[e - 1] == '\n' ? e - 1 : e;
}

static int area_offset_at(gui_ctx *ui, const char *buf, const int *starts, int n, int k, int x) {
    int a = starts[k], b = line_end(buf, starts, n, k), best = a, bestd = 1 << 30;
    if (k + 1 < n && b == starts[k + 1] && b > a) b--;   // a soft break: the caret stays on this line
    for (int i = a; i <= b; i++) {
        if (i < b && is_cont(buf, i)) continue;
        int d = abs(seg_w(ui, buf, a, i) - x);
        if (d < bestd) { bestd = d; best = i; }
    }
    return best;
}

// Whether a focused field's caret shows now: it blinks for a while after the last key (the frame loop woken for
// its next change), then stays on, so that a window left with a focused field stops drawing.
static int caret_on(gui_ctx *ui) {
    double since = ui->time - ui->tf_edit_t;
    if (since >= BLINK_FOR_S) return 1;
    double next = ui->tf_edit_t + BLINK_S * ((long)(since / BLINK_S) + 1);
    if (!ui->wake_at || next < ui->wake_at) ui->wake_at = next;
    return (long)(since / BLINK_S) % 2 == 0;
}

static void area_draw(gui_ctx *ui, gui_rect r, const char *buf, const int *starts, int n, int inner, int lh,
                      int focused, const gui_field_opts *o) {
    int tx0 = r.x + PAD, ty0 = r.y + PAD - (focused ? ui->tf_scroll : 0), rows = (r.h - 2 * PAD) / lh;
    gui_clip(ui, gui_r(tx0, r.y + PAD, inner, (rows > 0 ? rows : 1) * lh));   // whole lines only
    int a = 0, b = 0;
    if (focused) sel_range(ui, &a, &b);
    char tmp[2048];
    for (int k = 0; k < n; k++) {
        int y = ty0 + k * lh;
        if (y + lh < r.y || y > r.y + r.h) continue;
        int s = starts[k], e = line_end(buf, starts, n, k);
        if (a != b && a <= e && b > s) {
            int sa = a > s ? a : s, sb = b < e ? b : e;
            int xa = seg_w(ui, buf, s, sa), xb = seg_w(ui, buf, s, sb) + (b > e ? 4 : 0);
            gui_rect_fill(ui, gui_r(tx0 + xa, y, xb - xa, lh), gui_rgba(66, 133, 230, 140));
        }
        if (e > s) gui_text(ui, tx0, y, GUI_FONT_NORMAL, gui_col_text, expand(buf, s, e, tmp, sizeof tmp));
    }
    if (!buf[0] && o->hint && !focused) gui_text(ui, tx0, ty0, GUI_FONT_NORMAL, gui_col_dim, o->hint);
    if (focused) {
        int on = caret_on(ui);
        int k = line_of(starts, n, ui->tf_cur);
        int cx = tx0 + seg_w(ui, buf, starts[k], ui->tf_cur);
        if (on) gui_rect_fill(ui, gui_r(cx, ty0 + k * lh, 1, lh), gui_col_text);
    }
    gui_clip_reset(ui);
    int vis = rows * lh, total = n * lh;
    if (total > vis) {   // there is more: where the view is in the text
        int sc = focused ? ui->tf_scroll : 0;
        int bh = vis * vis / total, by = r.y + PAD + (int)((long long)sc * vis / total);
        gui_rect_fill(ui, gui_r(r.x + r.w - 4, by, 2, bh > 8 ? bh : 8), gui_col_dim);
    }
}

// One key of a focused text area; returns GUI_FIELD_* flags.
static int area_key(gui_ctx *ui, char *buf, int cap, const gui_field_opts *o, const int *starts, int n, int rows,
                    int k, int m) {
    int shift = m & GUI_MOD_SHIFT, ctrl = m & GUI_MOD_CTRL, flags = 0;
    int line = line_of(starts, n, ui->tf_cur);
    gui_field_opts raw = *o;
    raw.map = NULL;
    switch (k) {
    case GUI_KEY_UP: case GUI_KEY_DOWN: case GUI_KEY_PAGEUP: case GUI_KEY_PAGEDOWN: {
        int d = k == GUI_KEY_UP ? -1 : k == GUI_KEY_DOWN ? 1 : k == GUI_KEY_PAGEUP ? -rows : rows;
        int to = line + d < 0 ? 0 : line + d >= n ? n - 1 : line + d;
        if (to == line) ui->tf_cur = d < 0 ? 0 : (int)strlen(buf);
        else ui->tf_cur = area_offset_at(ui, buf, starts, n, to, seg_w(ui, buf, starts[line], ui->tf_cur));
        if (!shift) ui->tf_anchor = ui->tf_cur;
        break;
    }
    case GUI_KEY_HOME: case GUI_KEY_END:
        if (ctrl) ui->tf_cur = k == GUI_KEY_HOME ? 0 : (int)strlen(buf);
        else ui->tf_cur = k == GUI_KEY_HOME ? starts[line] : line_end(buf, starts, n, line);
        if (!shift) ui->tf_anchor = ui->tf_cur;
        break;
    case GUI_KEY_RETURN:
        if (ctrl) { flags |= GUI_FIELD_SUBMIT; ui->focus = 0; }
        else if (insert(ui, buf, cap, &raw, "\n", 1)) flags |= GUI_FIELD_EDITED;
        break;
    case GUI_KEY_TAB:
        if (!ctrl && insert(ui, buf, cap, &raw, "\t", 1)) flags |= GUI_FIELD_EDITED;
        break;
    default: break;
    }
    return flags;
}

// The keys and text of a frame for a focused text area (the one-line keys
// where they mean the same); lines are wrapped again after each edit.
static int field_keys(gui_ctx *ui, char *buf, int cap, const gui_field_opts *o, uint32_t id, int inner, int rows) {
    int flags = 0;
    if (ui->text[0] && insert(ui, buf, cap, o, ui->text, strlen(ui->text))) flags |= GUI_FIELD_EDITED;
    int *st = malloc(sizeof(int) * ((size_t)cap + 2));
    if (!st) return flags;
    int n = area_wrap(ui, buf, inner, st);
    for (int i = 0; i < ui->nkeys && ui->focus == id; i++) {
        int k = ui->keys[i], m = ui->key_mods[i], ctrl = m & GUI_MOD_CTRL, shift = m & GUI_MOD_SHIFT, f = 0;
        ui->tf_edit_t = ui->time;
        switch (k) {
        case GUI_KEY_LEFT: case GUI_KEY_RIGHT: {
            int a, b;
            sel_range(ui, &a, &b);
            if (!shift && a != b && !ctrl) ui->tf_cur = k == GUI_KEY_LEFT ? a : b;
            else ui->tf_cur = next_stop(buf, ui->tf_cur, k == GUI_KEY_LEFT ? -1 : 1, ctrl);
            if (!shift) ui->tf_anchor = ui->tf_cur;
            break;
        }
        case GUI_KEY_BACKSPACE: case GUI_KEY_DELETE:
            if (delete_sel(ui, buf)) { f = GUI_FIELD_EDITED; break; }
            ui->tf_anchor = next_stop(buf, ui->tf_cur, k == GUI_KEY_BACKSPACE ? -1 : 1, ctrl);
            if (delete_sel(ui, buf)) f = GUI_FIELD_EDITED;
            break;
        case GUI_KEY_ESCAPE: ui->focus = 0; break;
        case 'a': if (ctrl) { ui->tf_anchor = 0; ui->tf_cur = (int)strlen(buf); } break;
        case 'c': if (ctrl) copy_sel(ui, buf); break;
        case 'x': if (ctrl) { copy_sel(ui, buf); if (delete_sel(ui, buf)) f = GUI_FIELD_EDITED; } break;
        case 'v': if (ctrl && paste(ui, buf, cap, o)) f = GUI_FIELD_EDITED; break;
        default: f = area_key(ui, buf, cap, o, st, n, rows, k, m); break;
        }
        if (f & GUI_FIELD_EDITED) n = area_wrap(ui, buf, inner, st);
        flags |= f;
    }
    free(st);
    return flags;
}

// The caret and the selection's anchor kept inside a text of len bytes (it may have been changed from outside).
// A press inside r focuses field id (its scroll reset when the focus is new) and returns 1: the caller then puts
// the caret at the press (press_caret). A press elsewhere takes the focus away.
static int press_focus(gui_ctx *ui, uint32_t id, gui_rect r) {
    if (!ui->mouse_pressed) return 0;
    if (gui_inside(r, ui->press_x, ui->press_y)) {
        if (ui->focus != id) ui->tf_scroll = 0;
        ui->focus = id;
        return 1;
    }
    if (ui->focus == id) ui->focus = 0;
    return 0;
}

// The caret and the selection's anchor at offset k, a drag begun.
static void press_caret(gui_ctx *ui, int k) {
    ui->tf_cur = ui->tf_anchor = k;
    ui->tf_drag = 1;
    ui->tf_edit_t = ui->time;
}

// A drag that goes on (the button held since a press in the field).
static int drag_on(const gui_ctx *ui) { return ui->tf_drag && ui->mouse_down && !ui->mouse_pressed; }

static void caret_clamp(gui_ctx *ui, int len) {
    ui->tf_cur = ui->tf_cur < 0 ? 0 : ui->tf_cur > len ? len : ui->tf_cur;
    ui->tf_anchor = ui->tf_anchor < 0 ? 0 : ui->tf_anchor > len ? len : ui->tf_anchor;
}

static int field_area(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap, const gui_field_opts *o) {
    gui_mark(ui, r, o->what ? o->what : "field");
    if (gui_inside(r, ui->mx, ui->my)) ui->hot = id;
    int len = (int)strlen(buf), lh = ui->line_h[GUI_FONT_NORMAL];
    char stated[48];
    snprintf(stated, sizeof stated, "%d/%d", len, max_len(o, cap));
    int sw = gui_text_w(ui, GUI_FONT_SMALL, "0000/0000") + 8;
    int inner = r.w - 2 * PAD - sw, rows = (r.h - 2 * PAD) / lh;
    if (inner < 16) inner = 16;
    if (rows < 1) rows = 1;
    int *starts = malloc(sizeof(int) * ((size_t)cap + 2));
    if (!starts) return 0;
    int n = area_wrap(ui, buf, inner, starts), flags = 0, moved = 0;
    int tx0 = r.x + PAD, ty0 = r.y + PAD;
    if (press_focus(ui, id, r)) {
        int k = line_of(starts, n, 0) + (ui->press_y - ty0 + ui->tf_scroll) / lh;
        k = k < 0 ? 0 : k >= n ? n - 1 : k;
        press_caret(ui, area_offset_at(ui, buf, starts, n, k, ui->press_x - tx0));
    }
    if (ui->focus == id) {
        ui->focus_seen = id;
        caret_clamp(ui, len);
        if (drag_on(ui)) {   // drag selects
            int k = (ui->my - ty0 + ui->tf_scroll) / lh;
            k = k < 0 ? 0 : k >= n ? n - 1 : k;
            ui->tf_cur = area_offset_at(ui, buf, starts, n, k, ui->mx - tx0);
            ui->tf_edit_t = ui->time;
            moved = 1;
        }
        if (!ui->mouse_down) ui->tf_drag = 0;
        if (ui->wheel != 0 && gui_inside(r, ui->mx, ui->my)) ui->tf_scroll -= (int)(ui->wheel * 3 * lh);
        flags = field_keys(ui, buf, cap, o, id, inner, rows);
        if (flags || ui->nkeys || ui->text[0]) moved = 1;
        if (flags & GUI_FIELD_EDITED) n = area_wrap(ui, buf, inner, starts);
        if (moved) {   // the caret in sight
            int cy = line_of(starts, n, ui->tf_cur) * lh, vis = rows * lh;
            if (cy < ui->tf_scroll) ui->tf_scroll = cy;
            if (cy + lh > ui->tf_scroll + vis) ui->tf_scroll = cy + lh - vis;
        }
        int most = (n - rows) * lh;
        if (ui->tf_scroll > most) ui->tf_scroll = most;
        if (ui->tf_scroll < 0) ui->tf_scroll = 0;
        len = (int)strlen(buf);
        snprintf(stated, sizeof stated, "%d/%d", len, max_len(o, cap));
    }
    int focused = ui->focus == id;
    gui_rect_fill(ui, r, gui_rgb(22, 24, 27));
    gui_rect_frame(ui, r, focused ? gui_col_accent : ui->hot == id ? gui_col_hot : gui_col_button);
    area_draw(ui, r, buf, starts, n, inner, lh, focused, o);
    gui_text(ui, r.x + r.w - sw + 2, r.y + PAD, GUI_FONT_SMALL,
             len >= max_len(o, cap) ? gui_rgb(250, 210, 90) : gui_col_dim, stated);
    free(starts);
    return flags;
}

// The keys of this frame on the focused one-line field `id`: caret moves, selection,
// deletion, clipboard, Return and Escape. Returns GUI_FIELD_EDITED / _SUBMIT flags.
static int line_keys(gui_ctx *ui, uint32_t id, char *buf, int cap, const gui_field_opts *o) {
    int flags = 0;
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
    return flags;
}

// The caret of a focused one-line field whose text starts at x, when it shows (caret_on).
static void line_caret(gui_ctx *ui, const char *buf, int x, int ty, int lh) {
    if (caret_on(ui)) gui_rect_fill(ui, gui_r(x + prefix_w(ui, buf, ui->tf_cur), ty, 1, lh), gui_col_text);
}

// Scrolls a focused one-line field so that the caret stays in sight (and no
// space is wasted at the end); inner: the width the text shows in.
static void line_scroll(gui_ctx *ui, const char *buf, int len, int inner) {
    int cx = prefix_w(ui, buf, ui->tf_cur), full = prefix_w(ui, buf, len);
    if (cx - ui->tf_scroll > inner - 2) ui->tf_scroll = cx - inner + 2;
    if (cx - ui->tf_scroll < 0) ui->tf_scroll = cx;
    if (full - ui->tf_scroll < inner - 2 && ui->tf_scroll > 0)
        ui->tf_scroll = full - inner + 2 > 0 ? full - inner + 2 : 0;
}

int gui_field(gui_ctx *ui, uint32_t id, gui_rect r, char *buf, int cap, const gui_field_opts *o) {
    if (o && o->multiline) return field_area(ui, id, r, buf, cap, o);
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
    if (press_focus(ui, id, r)) press_caret(ui, offset_at(ui, buf, ui->press_x - tx0 + ui->tf_scroll));
    if (ui->focus == id) {
        ui->focus_seen = id;
        caret_clamp(ui, len);
        if (drag_on(ui)) {   // drag selects
            ui->tf_cur = offset_at(ui, buf, ui->mx - tx0 + ui->tf_scroll);
            ui->tf_edit_t = ui->time;
        }
        if (!ui->mouse_down) ui->tf_drag = 0;
        if (ui->text[0] && insert(ui, buf, cap, o, ui->text, strlen(ui->text))) flags |= GUI_FIELD_EDITED;
        flags |= line_keys(ui, id, buf, cap, o);
        len = (int)strlen(buf);
        if (flags & GUI_FIELD_EDITED) {   // the count changed
            if (stated[0] && !(o && (o->numeric || o->range)))
                snprintf(stated, sizeof stated, "%d/%d", len, max_len(o, cap));
        }
    }

    int focused = ui->focus == id;
    if (focused) line_scroll(ui, buf, len, inner);
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
        line_caret(ui, buf, tx0 - scroll, ty, lh);
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
