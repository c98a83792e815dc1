// view_synthesis_draw: the Synthesis view's drawing (see view_synthesis.h).
#include "view_synthesis.h"
#include "hw_gui.h"
#include "gui_timeline.h"
#include "gl_image.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gui_color ink_colours[3] = { { 25, 25, 35, 255 }, { 25, 70, 175, 255 }, { 185, 35, 40, 255 } };
static const gui_color paper_col = { 250, 248, 240, 255 };
static const gui_color fut_col = { 40, 150, 230, 90 };   // the possible futures: faint blue on the paper

// Text wrapped at spaces into lines of at most w points; returns the height
// it took. draw 0: measure only.
static int wrap_text_font(gui_ctx *ui, int font, int x, int y, int w, gui_color c, const char *s, int draw) {
    int lh = ui->line_h[font], h = 0;
    char line[600];
    while (*s) {
        size_t best = 0, n = strlen(s);
        if (n >= sizeof line) n = sizeof line - 1;
        // the longest prefix ending at a space (or the end) that fits
        for (size_t i = 1; i <= n; i++) {
            if (i < n && s[i] != ' ') continue;
            memcpy(line, s, i); line[i] = 0;
            if (gui_text_w(ui, font, line) > w && best) break;
            best = i;
        }
        memcpy(line, s, best); line[best] = 0;
        if (draw) gui_text(ui, x, y + h, font, c, line);
        h += lh;
        s += best;
        while (*s == ' ') s++;
    }
    return h;
}

static int wrap_text(gui_ctx *ui, int x, int y, int w, gui_color c, const char *s, int draw) {
    return wrap_text_font(ui, GUI_FONT_NORMAL, x, y, w, c, s, draw);
}

// The lasting notes about the text, at the top of the paper: what could not
// be written (and what can), which look-alikes were replaced, which lines of
// the page were not written whole. Returns the height they take.
static int draw_text_notes(syn_view *v, gui_ctx *ui, gui_rect r) {
    const char *err = v->text_err[0] ? v->text_err : NULL;
    char lines_note[200] = "";
    if (!err && v->page.done && (v->page.failed || v->page.retried))
        snprintf(lines_note, sizeof lines_note,
                 "%d line(s) written again with another seed (not whole before); %d not whole in %d tries",
                 v->page.retried, v->page.failed, GL_HW_PAGE_TRIES);
    int y = r.y + 6, w = r.w - 24;
    if (err) {
        int h = wrap_text(ui, 0, 0, w, gui_col_text, err, 0);
        gui_rect box = gui_r(r.x + 6, y - 2, r.w - 12, h + 6);
        gui_rect_fill(ui, box, gui_rgb(250, 222, 218));
        gui_rect_frame(ui, box, gui_rgb(190, 60, 50));
        wrap_text(ui, r.x + 12, y + 1, w, gui_rgb(140, 20, 20), err, 1);
        y += h + 10;
    }
    if (v->text_info[0] && !err) y += wrap_text(ui, r.x + 12, y, w, gui_rgb(90, 90, 120), v->text_info, 1) + 4;
    if (lines_note[0]) y += wrap_text(ui, r.x + 12, y, w, gui_rgb(90, 90, 120), lines_note, 1) + 4;
    return y - (r.y + 6);
}

// The paper's scale (points per raw unit) and row pitch (points) for the page:
// the widest line so far, and at least a wrapped line's width when there are
// several, fit the width; a line alone is also fitted to the height.
static float page_scale(const syn_view *v, gui_rect r, float pad, float *pitch) {
    float wmax = 0, s = 5.0f;
    int lines = 0;
    for (int i = 0; i < v->page.n; i++) {
        const syn_line *l = &v->page.line[i];
        if (l->count > 0 && l->x1 - l->x0 > wmax) wmax = l->x1 - l->x0;
        lines += v->page.text[i][0] != 0;
    }
    float pu = GL_HW_PITCH * v->core;
    if (lines > 1 && v->ref.width_per_char > 0 && 0.8f * GL_HW_PAGE_WIDTH * v->ref.width_per_char > wmax)
        wmax = 0.8f * GL_HW_PAGE_WIDTH * v->ref.width_per_char;
    if (wmax > 1e-3f && (r.w - 2 * pad) / wmax < s) s = (r.w - 2 * pad) / wmax;
    if (lines <= 1 && v->ncache > 0) {   // one line: as big as the paper takes it
        float y0 = 1e30f, y1 = -1e30f;
        for (int i = 0; i < v->ncache; i++) { y0 = fminf(y0, v->ay[i]); y1 = fmaxf(y1, v->ay[i]); }
        if (y1 - y0 > 1e-3f && (r.h - 2 * pad) / (y1 - y0) < s) s = (r.h - 2 * pad) / (y1 - y0);
    } else if (pu > 0 && (r.h - pad) / (3 * pu) < s) s = (r.h - pad) / (3 * pu);   // three rows in sight
    *pitch = pu * s;
    return s;
}

// The page: each line on its row (its median height on the row's middle),
// the lines before the current point's whole, that one up to the point; the
// paper scrolls to keep that row in sight unless the wheel moved it.
static void draw_page(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    float pad = 20, pitch, s = page_scale(v, r, pad, &pitch);
    int L = v->cur_line, single = 1;
    for (int i = 1; i < v->page.n; i++) single &= v->page.text[i][0] == 0;
    float top = r.y + (single ? r.h / 2.0f : pad + pitch / 2);
    if (!single && L >= 0 && v->follow) {   // the row being written in sight
        int row0 = (int)(L * pitch), row1 = (int)((L + 1) * pitch + pad);
        if (row0 < v->scroll) v->scroll = row0;
        if (row1 > v->scroll + r.h) v->scroll = row1 - r.h;
    }
    int most = single ? 0 : (int)(v->page.n * pitch + 2 * pad) - r.h;
    if (v->scroll > most) v->scroll = most;
    if (v->scroll < 0) v->scroll = 0;
    for (int i = 0; i < v->page.n && L >= 0 && i <= L; i++) {
        const syn_line *l = &v->page.line[i];
        if (l->count == 0) continue;
        int upto = i < L ? l->count : syn_local_step(v, step) + 1;
        float mid = single ? 0.5f * (l->y[0] + l->mid) : l->mid;
        if (single) {   // centred as a whole
            float y0 = 1e30f, y1 = -1e30f;
            for (int t = 0; t < l->count; t++) { y0 = fminf(y0, l->y[t]); y1 = fmaxf(y1, l->y[t]); }
            mid = 0.5f * (y0 + y1);
        }
        hw_xform xf = { s, r.x + pad - s * l->x0, top + i * pitch - v->scroll - s * mid };
        if (xf.oy + s * (mid) + pitch < r.y || xf.oy + s * mid - pitch > r.y + r.h) continue;
        hw_draw_strokes(ui, l->x, l->y, l->up, upto, xf, v->width, ink_colours[v->colour]);
        if (i == L) {   // the possible futures from the point shown (F), then the pen tip
            hw_fut_draw(ui, syn_fut_shown(v), xf, 1.2f, fut_col);
            float px = xf.ox + s * l->x[upto - 1], py = xf.oy + s * l->y[upto - 1];
            gui_rect_fill(ui, gui_r((int)px - 3, (int)py - 3, 7, 7),
                          l->up[upto - 1] ? gui_rgb(150, 150, 150) : gui_col_accent);
        }
    }
}

void syn_draw_paper(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, paper_col);
    gui_rect_frame(ui, r, gui_col_button);
    gui_clip(ui, r);
    if (v->recording) {
        // ruled at the model's letter size as recorded (3 points a unit): its letters' body between a pair of
        // lines; a hand written larger or smaller keeps its size (within half and twice)
        float cpx = 3.0f * v->core / (v->mine_height / 20.0f);
        for (float yb = r.y + 36 + 1.5f * cpx; cpx > 4 && yb < r.y + r.h; yb += GL_HW_PITCH * cpx) {
            gui_line(ui, (float)r.x + 8, yb, (float)(r.x + r.w - 8), yb, 1, gui_rgb(170, 190, 215));
            gui_line(ui, (float)r.x + 8, yb - cpx, (float)(r.x + r.w - 8), yb - cpx, 1, gui_rgb(215, 225, 235));
        }
        gui_textf(ui, r.x + 10, r.y + 8, GUI_FONT_NORMAL, gui_rgb(120, 110, 90),
                  "write \"%s\" here with the mouse, then press Use my line", v->mine_text);
        hw_xform xf = { 3.0f, (float)r.x, (float)r.y };
        hw_draw_strokes(ui, v->rec_x, v->rec_y, v->rec_up, v->nrec, xf, v->width, ink_colours[v->colour]);
        gui_clip_reset(ui);
        return;
    }
    int nh = draw_text_notes(v, ui, r);   // the notes take the paper's top; the page is below them
    if (nh > 0 && r.h - nh > 40) { r.y += nh; r.h -= nh; }
    gui_clip(ui, r);
    if (v->page.total == 0 || v->ncache == 0) {
        const char *msg = !v->have_model ? v->model_err
            : syn_blank(v->text)             ? "type some text (Return, then type)"
            : v->text_err[0]             ? ""
            : v->page.done               ? "nothing written (the engine failed)"
                                         : "writing...";
        gui_text(ui, r.x + 12, r.y + 10, GUI_FONT_NORMAL, gui_rgb(120, 110, 90), msg);
    } else draw_page(v, ui, r, step);
    gui_clip_reset(ui);
}

// The text of the line shown with the character under the window highlighted.
void syn_draw_text_line(syn_view *v, gui_ctx *ui, gui_rect r, int cur) {
    int n = (int)strlen(v->full);
    int cx = r.x, w0 = 0;
    // a long line (primer and line) scrolls so that the character under the window is in sight
    for (int u = 0; u < n && u < cur; u++) {
        char ch[2] = { v->full[u], 0 };
        w0 += gui_text_w(ui, GUI_FONT_LARGE, ch);
    }
    if (w0 > r.w * 2 / 3) cx -= w0 - r.w * 2 / 3;
    float xs[2 * GL_HW_MAXU + 3];   // where each character begins, and the end
    for (int u = 0; u < n; u++) {
        char ch[2] = { v->full[u], 0 };
        int w = gui_text_w(ui, GUI_FONT_LARGE, ch);
        if (v->full[u] == ' ') w = w > 0 ? w : 8;
        xs[u] = (float)cx;
        if (cx + w >= r.x && cx < r.x + r.w) {
            if (u == cur)
                gui_rect_fill(ui, gui_r(cx - 1, r.y - 1, w + 2, ui->line_h[GUI_FONT_LARGE] + 2), gui_rgb(250, 210, 90));
            gui_text(ui, cx, r.y, GUI_FONT_LARGE, u == cur ? gui_rgb(20, 20, 20) : gui_col_text, ch);
        }
        cx += w;
    }
    xs[n] = (float)cx;
    // where each possible future's window went: ticks under the characters
    hw_fut_draw_window_at(ui, syn_fut_shown(v), xs, n, (float)(r.y + r.h - 6), gui_rgb(40, 150, 230));
}

// Timeline of the page's points: click or drag to scrub. Pen lifts as short
// ticks (when there is room for them), the lines' starts as tall ones.
void syn_draw_timeline(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    int n = v->page.total;
    double pos;
    int sc = gui_scrub(ui, gui_id("syn.timeline"), r, n, &pos);
    if (sc & GUI_SCRUB_PRESSED) { v->playing = v->instant = 0; v->follow = 1; }
    if ((sc & GUI_SCRUB_HELD) && n > 0) syn_set_pos(v, pos);
    int w = gui_timeline_bar(ui, r, n, step);
    if (w < 0) return;
    for (int i = 0; i < v->page.n; i++) {
        const syn_line *l = &v->page.line[i];
        int x0 = r.x + (int)((double)v->page.start[i] * r.w / n);
        if (l->count > 0 && i > 0) gui_rect_fill(ui, gui_r(x0, r.y, 1, r.h), gui_col_hot);
        if (n > 2 * r.w) continue;
        for (int t = 0; t < l->count; t++)
            if (l->up[t])
                gui_rect_fill(ui, gui_r(r.x + (int)((double)(v->page.start[i] + t) * r.w / n), r.y + r.h - 6, 1, 6),
                              gui_col_dim);
    }
    gui_rect_fill(ui, gui_r(r.x + w - 1, r.y, 2, r.h), gui_col_accent);
}

// The figure's heat map: φ(t,u) of the line shown up to step (√ colour scale).
static void figure_pixels(syn_view *v, gui_ctx *ui, gui_rect f, int step) {
    int n = v->ncache, rows = v->U + 1;
    size_t need = (size_t)n * rows * 3;
    if (need > v->figpx_cap) { v->figpx = realloc(v->figpx, need); if (!v->figpx) abort(); v->figpx_cap = need; }
    for (int u = 0; u < rows; u++) {
        uint8_t *row = v->figpx + (size_t)u * n * 3;
        for (int t = 0; t < n; t++) {
            uint8_t *p = row + 3 * t;
            if (t > step) { p[0] = gui_col_panel.r; p[1] = gui_col_panel.g; p[2] = gui_col_panel.b; continue; }
            gl_jet(sqrtf(v->phi[(size_t)t * rows + u] / v->phi_max), &p[0], &p[1], &p[2]);   // √: faint steps show
        }
    }
    gui_image(ui, f, v->figpx, n, rows);
}

// The alignment figure: rows = characters (and the end row U+1), columns =
// steps up to the current one; its caption under it, wrapped, inside r.
void syn_draw_figure(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, gui_col_panel);
    v->fig = gui_r(0, 0, 0, 0);
    int n = v->ncache, U = v->U;
    if (n == 0 || U <= 0) return;
    char cap[200];
    snprintf(cap, sizeof cap, "window weights phi(t,u) (square-root colour scale): characters down (# = end), points "
             "across; white: kappa of the %d components", v->K);
    int lw = 18, cw = r.w - lw - 4, caph = wrap_text_font(ui, GUI_FONT_SMALL, 0, 0, cw, gui_col_dim, cap, 0);
    int rows = U + 1;
    float rowh = (float)(r.h - caph - 8) / rows;
    if (rowh > 22) rowh = 22;
    if (rowh < 1) rowh = 1;
    gui_rect f = gui_r(r.x + lw, r.y + 4, cw, (int)(rows * rowh));
    v->fig = f;
    figure_pixels(v, ui, f, step);
    // κ_k(t): row u is character u+1, so κ sits at (κ − 1 + 0.5) rows.
    // Each line is as opaque as its component's share of α at that step, so
    // components the window does not use fade out.
    int stride = n > f.w ? (n + f.w - 1) / f.w : 1;
    for (int k = 0; k < v->K; k++) {
        float lx = -1, ly = 0;
        for (int t = 0; t <= step; t += stride) {
            const float *al = v->alpha + (size_t)t * v->K;
            float amax = 1e-12f;
            for (int q = 0; q < v->K; q++) if (al[q] > amax) amax = al[q];
            float x = f.x + (t + 0.5f) * f.w / n, y = f.y + (v->kappa[(size_t)t * v->K + k] - 0.5f) * rowh;
            if (y > f.y + f.h) y = (float)(f.y + f.h);
            int a = (int)(40 + 200 * fminf(1, al[k] / amax));
            if (lx >= 0) gui_line(ui, lx, ly, x, y, 1, gui_rgba(255, 255, 255, a));
            lx = x; ly = y;
        }
    }
    // the current step, and κ of each component on it
    float sx = f.x + (step + 0.5f) * f.w / n;
    gui_line(ui, sx, (float)f.y, sx, (float)(f.y + f.h), 1, gui_rgb(255, 255, 255));
    for (int k = 0; k < v->K; k++) {
        float y = f.y + (v->kappa[(size_t)step * v->K + k] - 0.5f) * rowh;
        if (y <= f.y + f.h) gui_rect_fill(ui, gui_r((int)sx - 3, (int)y - 1, 7, 3), gui_rgb(255, 255, 255));
    }
    // character labels (every row if they fit); a space is a short bar on its
    // row's floor, never a glyph reaching into the next row
    int cur = syn_char_at(v, step), lh = ui->line_h[GUI_FONT_SMALL];
    int every = rowh >= lh - 2 ? 1 : (int)ceilf(lh / rowh);
    for (int u = 0; u < rows; u++) {
        if (u % every && u != cur) continue;
        gui_color c = u == cur ? gui_rgb(250, 210, 90) : gui_col_dim;
        int ry = f.y + (int)(u * rowh);
        if (u < U && v->full[u] == ' ') {
            gui_rect_fill(ui, gui_r(r.x + 5, ry + (int)rowh - 2, 7, 1), c);
            continue;
        }
        char ch[4] = { u < U ? v->full[u] : '#', 0 };
        gui_text(ui, r.x + 4, ry + (int)(rowh - lh) / 2, GUI_FONT_SMALL, c, ch);
    }
    wrap_text_font(ui, GUI_FONT_SMALL, f.x, f.y + f.h + 2, cw, gui_col_dim, cap, 1);
    v->fig_caption_bottom = f.y + f.h + 2 + caph;
}

// φ(t,u) over the characters at one step, with each component's share as a
// line, from y down to r's bottom (left out when there is no room).
static void draw_phi_bars(syn_view *v, gui_ctx *ui, gui_rect r, const gl_hw_frame *f, int y) {
    int U = v->U, rows = U + 1, caph = ui->line_h[GUI_FONT_SMALL] + 6;
    gui_rect pr = gui_r(r.x + 8, y, r.w - 16, r.y + r.h - y - caph);
    if (pr.h < 30) return;
    gui_rect_fill(ui, pr, gui_rgb(22, 24, 27));
    float hi = 1e-6f;
    for (int u = 0; u < rows; u++) if (f->phi[u] > hi) hi = f->phi[u];
    float bw = (float)pr.w / rows;
    for (int u = 0; u < rows; u++) {
        int h = (int)(f->phi[u] / hi * (pr.h - 4));
        gui_rect_fill(ui, gui_r(pr.x + (int)(u * bw), pr.y + pr.h - h, (int)bw > 1 ? (int)bw - 1 : 1, h),
                      u < U ? gui_col_accent : gui_col_dim);
    }
    static const gui_color kc[5] = { { 250, 210, 90, 255 },
                                     { 240, 120, 90, 255 },
                                     { 120, 220, 140, 255 },
                                     { 200, 140, 240, 255 },
                                     { 120, 200, 240, 255 } };
    for (int k = 0; k < v->K; k++) {
        float lx = -1, ly = 0;
        for (int s = 0; s <= 4 * rows; s++) {
            float q = 0.5f + s / 4.0f;   // character position; character q (1-based) has its bar centred at q − 0.5
            float d = f->kappa[k] - q;
            float val = f->alpha[k] * expf(-f->beta[k] * d * d);
            float x = pr.x + (q - 0.5f) * bw, yy = pr.y + pr.h - val / hi * (pr.h - 4);
            if (yy < pr.y) yy = (float)pr.y;
            if (lx >= 0) gui_line(ui, lx, ly, x, yy, 1.5f, kc[k % 5]);
            lx = x; ly = yy;
        }
    }
    gui_text(ui, pr.x, pr.y + pr.h + 4, GUI_FONT_SMALL, gui_col_dim, "phi(t,u) per character, components as lines");
    v->mix_bottom = pr.y + pr.h + 4 + ui->line_h[GUI_FONT_SMALL];
}

// The window's mixture at the step: α, β, κ per component (in two columns
// when one does not fit the height) and, with room left, φ(t,·).
void syn_draw_mixture(syn_view *v, gui_ctx *ui, gui_rect r, int step) {
    gui_rect_fill(ui, r, gui_col_panel);
    gui_textf(ui, r.x + 8, r.y + 6, GUI_FONT_NORMAL, gui_col_text, "Window at point %d of line %d",
              v->ncache ? step + 1 : 0, v->cur_line + 1);
    v->mix_bottom = r.y + 6 + ui->line_h[GUI_FONT_NORMAL];
    if (!v->trace || v->ncache == 0) return;
    const gl_hw_frame *f = gl_trace_frame(v->trace, step);
    int rh = ui->line_h[GUI_FONT_SMALL] + 1, y0 = r.y + 28, room = r.y + r.h - 4 - y0 - rh;
    int cols = room / rh >= v->K ? 1 : 2, per = (v->K + cols - 1) / cols, cwid = (r.w - 16) / cols;
    // cells at fixed places: k, then alpha, beta, kappa in thirds of what is left
    int kx = gui_text_w(ui, GUI_FONT_SMALL, "10") + 6, third = (cwid - kx - 6) / 3;
    static const char *const head[4] = { "k", "alpha", "beta", "kappa" };
    for (int c = 0; c < cols; c++) {
        int y = y0, cx = r.x + 8 + c * cwid;
        for (int q = 0; q < 4; q++)
            gui_text(ui, cx + (q ? kx + (q - 1) * third : 0), y, GUI_FONT_SMALL, gui_col_dim, head[q]);
        y += rh;
        for (int k = c * per; k < v->K && k < (c + 1) * per; k++, y += rh) {
            gui_textf(ui, cx, y, GUI_FONT_SMALL, gui_col_text, "%d", k + 1);
            int d = cols == 1 ? 3 : 2;   // two columns: fewer decimals
            gui_textf(ui, cx + kx, y, GUI_FONT_SMALL, gui_col_text, "%.*f", d, f->alpha[k]);
            gui_textf(ui, cx + kx + third, y, GUI_FONT_SMALL, gui_col_text, "%.*f", d, f->beta[k]);
            gui_textf(ui, cx + kx + 2 * third, y, GUI_FONT_SMALL, gui_col_text, "%.*f", d - 1, f->kappa[k]);
            if (y + rh > v->mix_bottom) v->mix_bottom = y + rh;
        }
    }
    draw_phi_bars(v, ui, r, f, v->mix_bottom + 8);
}

