// gui_plot: training curves (see gui_plot.h).
#include "gui_plot.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void gui_plot_x_init(gui_plot_x *px) {
    memset(px, 0, sizeof *px);
    px->fit = 1;
    px->hover_x = NAN;
}

int gui_nice_ticks(double lo, double hi, int want, double *ticks, int max, double *step) {
    if (!(hi > lo) || want < 1) { *step = 1; return 0; }
    double raw = (hi - lo) / want, p = pow(10, floor(log10(raw))), f = raw / p;
    double s = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
    *step = s;
    int n = 0;
    for (double t = ceil(lo / s - 1e-9) * s; t <= hi + s * 1e-9 && n < max; t += s)
        ticks[n++] = fabs(t) < s * 1e-9 ? 0 : t;
    return n;
}

// Tick label: short (1.5k, 20k, 1M for steps; 0.002, 1e-05 for values).
static void tick_label(char *b, size_t n, double v, double step) {
    double a = fabs(v);
    if (a >= 1e6 && step >= 1e5) snprintf(b, n, "%gM", v / 1e6);
    else if (a >= 1e4 && step >= 1e3) snprintf(b, n, "%gk", v / 1e3);
    else if (a != 0 && (a < 1e-3 || a >= 1e6)) snprintf(b, n, "%.0e", v);
    else snprintf(b, n, "%g", v);
}

typedef struct { gui_rect r; double x0, x1, y0, y1; int logy; } frame_map;
static float map_x(const frame_map *m, double x) {
    return (float)(m->r.x + (x - m->x0) / (m->x1 - m->x0) * (m->r.w - 1));
}
static float map_y(const frame_map *m, double y) {
    double t = m->logy ? (log10(y) - log10(m->y0)) / (log10(m->y1) - log10(m->y0)) : (y - m->y0) / (m->y1 - m->y0);
    return (float)(m->r.y + m->r.h - 1 - t * (m->r.h - 1));
}

// First index with x[i] >= v.
static int lower_bound(const float *x, int n, double v) {
    int lo = 0, hi = n;
    while (lo < hi) { int mid = (lo + hi) / 2; if (x[mid] < v) lo = mid + 1; else hi = mid; }
    return lo;
}

static void draw_series(gui_ctx *ui, const frame_map *m, const gui_series *s) {
    if (s->n <= 0) return;
    int i0 = lower_bound(s->x, s->n, m->x0), i1 = lower_bound(s->x, s->n, m->x1 + 1e-9);
    if (i0 > 0) i0--;   // the segment coming into view
    if (i1 < s->n) i1++;
    if (s->style == 2) {
        for (int i = i0; i < i1; i++) {
            if (!isfinite(s->y[i]) || (m->logy && s->y[i] <= 0)) continue;
            float X = map_x(m, s->x[i]), Y = map_y(m, s->y[i]);
            gui_rect_fill(ui, gui_r((int)X - 2, (int)Y - 2, 5, 5), s->c);
        }
        return;
    }
    // one pixel column at a time: its min and max (band) or its last value (line)
    int col = -1000000;
    float lo = 0, hi = 0, last = 0, px = 0, py = 0;
    int have_prev = 0;
    for (int i = i0; i <= i1; i++) {
        int end = i == i1;
        int c = end ? col + 1 : (int)floorf(map_x(m, s->x[i]));
        if (!end && (!isfinite(s->y[i]) || (m->logy && s->y[i] <= 0))) continue;
        if (c != col) {
            if (col > -1000000) {   // close the column
                if (s->style == 1)
                    gui_line(ui, (float)col + 0.5f, map_y(m, lo), (float)col + 0.5f, map_y(m, hi) - 1, 1, s->c);
                else {
                    float Y = map_y(m, last);
                    if (have_prev) gui_line(ui, px, py, (float)col + 0.5f, Y, 1.6f, s->c);
                    px = (float)col + 0.5f; py = Y; have_prev = 1;
                }
            }
            if (end) break;
            col = c; lo = hi = last = s->y[i];
        } else {
            if (s->y[i] < lo) lo = s->y[i];
            if (s->y[i] > hi) hi = s->y[i];
            last = s->y[i];
        }
    }
}

// Wheel zooms the x range about the mouse, a drag pans it; the range shown (x0, x1) out.
static void plot_input(gui_ctx *ui, uint32_t id, gui_rect pr, gui_plot_x *px, double dmax, double *x0, double *x1) {
    int over = gui_inside(pr, ui->mx, ui->my);
    if (over) ui->hot = id;
    if (over && ui->wheel != 0) {
        double at = *x0 + (double)(ui->mx - pr.x) / pr.w * (*x1 - *x0), f = pow(0.8, ui->wheel), w = (*x1 - *x0) * f;
        if (w < 10) w = 10;
        if (w >= dmax) px->fit = 1;
        else {
            double n0 = at - (at - *x0) * w / (*x1 - *x0);
            if (n0 < 0) n0 = 0;
            if (n0 + w > dmax) n0 = dmax - w;
            px->fit = 0; px->x0 = n0; px->x1 = n0 + w;
        }
        *x0 = px->x0; *x1 = px->x1;
        if (px->fit) { *x0 = 0; *x1 = dmax; }
    }
    if (ui->mouse_pressed && gui_inside(pr, ui->press_x, ui->press_y)) {
        ui->active = id; px->dragging = 1; px->drag_mx = ui->press_x; px->drag_x0 = *x0; px->drag_x1 = *x1;
    }
    if (px->dragging && ui->active == id && ui->mouse_down) {
        double w = px->drag_x1 - px->drag_x0, d = -(double)(ui->mx - px->drag_mx) / pr.w * w;
        if (fabs((double)(ui->mx - px->drag_mx)) >= 2 && w < dmax) {
            double n0 = px->drag_x0 + d;
            if (n0 < 0) n0 = 0;
            if (n0 + w > dmax) n0 = dmax - w;
            px->fit = 0; px->x0 = n0; px->x1 = n0 + w;
            *x0 = px->x0; *x1 = px->x1;
        }
    } else if (!ui->mouse_down) px->dragging = 0;
}

// The y range over what is shown: the options' fixed one, else the data's
// padded (linear) or widened to quarter decades (log; linear when a value is <= 0).
static frame_map plot_frame(gui_rect pr, const gui_plot_opts *o, const gui_series *s, int ns, double x0, double x1) {
    double ylo = DBL_MAX, yhi = -DBL_MAX;
    int logy = o->logy;
    if (o->ymax > o->ymin) { ylo = o->ymin; yhi = o->ymax; }
    else {
        for (int k = 0; k < ns; k++) {
            int i0 = lower_bound(s[k].x, s[k].n, x0), i1 = lower_bound(s[k].x, s[k].n, x1 + 1e-9);
            for (int i = i0; i < i1; i++) {
                float v = s[k].y[i];
                if (!isfinite(v)) continue;
                if (v < ylo) ylo = v;
                if (v > yhi) yhi = v;
            }
        }
        if (ylo > yhi) { ylo = logy ? 0.1 : 0; yhi = 1; }
        if (logy && ylo <= 0) logy = 0;
        if (logy) {
            ylo = pow(10, floor(log10(ylo) * 4) / 4); yhi = pow(10, ceil(log10(yhi) * 4) / 4);
            if (yhi <= ylo * 1.001) yhi = ylo * 10;
        } else {
            double pad = (yhi - ylo) * 0.06;
            if (pad <= 0) pad = fabs(yhi) * 0.1 + 1e-3;
            ylo -= pad; yhi += pad;
        }
    }
    frame_map m = { pr, x0, x1, ylo, yhi, logy };
    return m;
}

// Grid lines and tick labels of both axes, and the frame.
static void plot_axes(gui_ctx *ui, const frame_map *m) {
    gui_rect pr = m->r;
    int lh = ui->line_h[GUI_FONT_SMALL];
    gui_color grid = gui_rgb(52, 56, 64), axis = gui_rgb(120, 126, 138);
    double ticks[32], step;
    int nt = gui_nice_ticks(m->x0, m->x1, pr.w / 90 > 2 ? pr.w / 90 : 2, ticks, 32, &step);
    char b[32];
    for (int i = 0; i < nt; i++) {
        float X = map_x(m, ticks[i]);
        gui_line(ui, X, (float)pr.y, X, (float)(pr.y + pr.h), 1, grid);
        tick_label(b, sizeof b, ticks[i], step);
        gui_text(ui, (int)X - gui_text_w(ui, GUI_FONT_SMALL, b) / 2, pr.y + pr.h + 3, GUI_FONT_SMALL, gui_col_dim, b);
    }
    int ny = 0;
    double yt[32];
    if (m->logy) {   // decades, and 2 and 5 between them when there are few
        double d0 = floor(log10(m->y0)), d1 = ceil(log10(m->y1));
        int few = d1 - d0 <= 2;
        for (double d = d0; d <= d1 && ny < 30; d++)
            for (int k = 0; k < (few ? 3 : 1); k++) {
                double v = pow(10, d) * (k == 0 ? 1 : k == 1 ? 2 : 5);
                if (v >= m->y0 * 0.999 && v <= m->y1 * 1.001) yt[ny++] = v;
            }
        step = 0;
    } else ny = gui_nice_ticks(m->y0, m->y1, pr.h / 40 > 2 ? pr.h / 40 : 2, yt, 32, &step);
    for (int i = 0; i < ny; i++) {
        float Y = map_y(m, yt[i]);
        gui_line(ui, (float)pr.x, Y, (float)(pr.x + pr.w), Y, 1, grid);
        if (m->logy) snprintf(b, sizeof b, "%g", yt[i]); else tick_label(b, sizeof b, yt[i], step);
        gui_text(ui, pr.x - 6 - gui_text_w(ui, GUI_FONT_SMALL, b), (int)Y - lh / 2, GUI_FONT_SMALL, gui_col_dim, b);
    }
    gui_rect_frame(ui, pr, axis);
}

// The header: the title, "(log)", the named series' legend, and the x
// axis's label at the right. What does not fit the panel's width is left
// out, the axis label first, then the legend's last entries: nothing overlaps.
static void plot_header(gui_ctx *ui, gui_rect r, const gui_plot_opts *o, const gui_series *s, int ns, int logy) {
    int lh = ui->line_h[GUI_FONT_SMALL], y = r.y + 4, right = r.x + r.w - 8;
    int x = r.x + 8;
    if (o->title) {
        gui_text(ui, x, y, GUI_FONT_SMALL, gui_col_text, o->title);
        x += gui_text_w(ui, GUI_FONT_SMALL, o->title);
    }
    if (logy) {
        gui_text(ui, x + 8, y, GUI_FONT_SMALL, gui_col_dim, "(log)");
        x += 8 + gui_text_w(ui, GUI_FONT_SMALL, "(log)");
    }
    x += 16;
    int xl_w = o->xlabel ? gui_text_w(ui, GUI_FONT_SMALL, o->xlabel) : 0, legend_w = 0;
    for (int k = 0; k < ns; k++)
        if (s[k].name) legend_w += 18 + gui_text_w(ui, GUI_FONT_SMALL, s[k].name) + 14;
    if (o->xlabel && x + legend_w + xl_w <= right)
        gui_text(ui, right - xl_w, y, GUI_FONT_SMALL, gui_col_dim, o->xlabel);
    for (int k = 0; k < ns; k++) {
        if (!s[k].name) continue;
        int w = 18 + gui_text_w(ui, GUI_FONT_SMALL, s[k].name);
        if (x + w > right) break;
        gui_rect_fill(ui, gui_r(x, y + lh / 2 - 2, 14, 4), s[k].c);
        gui_text(ui, x + 18, y, GUI_FONT_SMALL, gui_col_dim, s[k].name);
        x += w + 14;
    }
}

// The values of the named series nearest the mouse's step, in a box beside it.
static void plot_hover(gui_ctx *ui, gui_plot_x *px, const frame_map *m, const gui_series *s, int ns) {
    gui_rect pr = m->r;
    int lh = ui->line_h[GUI_FONT_SMALL];
    px->hover_x = m->x0 + (double)(ui->mx - pr.x) / (pr.w - 1) * (m->x1 - m->x0);
    double hx = px->hover_x;
    float X = map_x(m, hx);
    gui_line(ui, X, (float)pr.y, X, (float)(pr.y + pr.h), 1, gui_rgba(230, 230, 230, 120));
    char lines[6][64];
    int nl = 0;
    for (int k = 0; k < ns && nl < 5; k++) {
        if (!s[k].name || s[k].n == 0) continue;
        int i = lower_bound(s[k].x, s[k].n, hx);
        if (i >= s[k].n) i = s[k].n - 1;
        if (i > 0 && fabs(s[k].x[i - 1] - hx) < fabs(s[k].x[i] - hx)) i--;
        char v[32];
        snprintf(v, sizeof v, s[k].fmt ? s[k].fmt : "%.4g", s[k].y[i]);
        snprintf(lines[nl++], sizeof lines[0], "%s %s (step %ld)", s[k].name, v, (long)s[k].x[i]);
    }
    if (!nl) return;
    int w = 0;
    for (int i = 0; i < nl; i++) { int tw = gui_text_w(ui, GUI_FONT_SMALL, lines[i]); if (tw > w) w = tw; }
    int bx = (int)X + 10, by = pr.y + 6, bh = nl * (lh + 2) + 8;
    if (bx + w + 12 > pr.x + pr.w) bx = (int)X - 10 - w - 12;
    gui_rect_fill(ui, gui_r(bx, by, w + 12, bh), gui_rgba(20, 22, 26, 230));
    for (int i = 0; i < nl; i++) gui_text(ui, bx + 6, by + 4 + i * (lh + 2), GUI_FONT_SMALL, gui_col_text, lines[i]);
}

void gui_plot(gui_ctx *ui, uint32_t id, gui_rect r, gui_plot_x *px, const gui_plot_opts *o, const gui_series *s,
              int ns) {
    gui_mark(ui, r, o->title ? o->title : "plot");
    gui_rect_fill(ui, r, gui_col_panel);
    int lh = ui->line_h[GUI_FONT_SMALL];
    gui_rect pr = gui_r(r.x + 58, r.y + lh + 10, r.w - 58 - 12, r.h - lh - 10 - (lh + 10));
    if (pr.w < 20 || pr.h < 20) {
        if (o->title) gui_text(ui, r.x + 8, r.y + 4, GUI_FONT_SMALL, gui_col_text, o->title);
        return;
    }
    // x range: the data's (fit) or the zoomed one
    double dmax = o->xmax;
    for (int k = 0; k < ns; k++) if (s[k].n > 0 && s[k].x[s[k].n - 1] > dmax) dmax = s[k].x[s[k].n - 1];
    if (dmax < 1) dmax = 1;
    if (px->fit) { px->x0 = 0; px->x1 = dmax; }
    double x0 = px->x0, x1 = px->x1;
    if (!(x1 > x0)) x1 = x0 + 1;
    plot_input(ui, id, pr, px, dmax, &x0, &x1);
    frame_map m = plot_frame(pr, o, s, ns, x0, x1);
    plot_axes(ui, &m);
    plot_header(ui, r, o, s, ns, m.logy);
    gui_clip(ui, pr);
    for (int k = 0; k < ns; k++) if (s[k].style == 1) draw_series(ui, &m, &s[k]);   // bands under lines
    for (int k = 0; k < ns; k++) if (s[k].style != 1) draw_series(ui, &m, &s[k]);
    if (gui_inside(pr, ui->mx, ui->my)) plot_hover(ui, px, &m, s, ns);
    gui_clip_reset(ui);
}
