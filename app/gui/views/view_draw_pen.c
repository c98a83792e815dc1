// view_draw_pen: drawing a DRAW run as a moving pen (see view_draw_pen.h).
#include "view_draw_pen.h"
#include "draw/gl_draw_figure.h"
#include <math.h>
#include <stdio.h>

void dv_grey_image(gui_ctx *ui, gui_rect r, const float *img) {
    uint8_t px[GL_DRAW_D * 3];
    for (int i = 0; i < GL_DRAW_D; i++) {
        float x = img[i] < 0 ? 0 : img[i] > 1 ? 1 : img[i];
        px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = (uint8_t)(x * 255.0f + 0.5f);
    }
    gui_image(ui, r, px, GL_DRAW_A, GL_DRAW_A);
}

void dv_window_box(gui_rect r, const gl_draw_window *w, int N, float *x0, float *y0, float *x1, float *y1, float *cx,
                   float *cy) {
    float c_x, c_y, h, s = (float)r.w / GL_DRAW_A;
    gl_draw_window_box(w, N, &c_x, &c_y, &h);
    *cx = (float)r.x + c_x * s; *cy = (float)r.y + c_y * s;
    *x0 = *cx - h * s; *x1 = *cx + h * s; *y0 = *cy - h * s; *y1 = *cy + h * s;
}

static void box_lines(gui_ctx *ui, float x0, float y0, float x1, float y1, float lw, gui_color c) {
    gui_line(ui, x0, y0, x1, y0, lw, c);
    gui_line(ui, x1, y0, x1, y1, lw, c);
    gui_line(ui, x1, y1, x0, y1, lw, c);
    gui_line(ui, x0, y1, x0, y0, lw, c);
}

void dv_window(gui_ctx *ui, gui_rect r, const gl_draw_window *w, int N, const uint8_t rgb[3]) {
    float x0, y0, x1, y1, cx, cy, s = (float)r.w / GL_DRAW_A;
    dv_window_box(r, w, N, &x0, &y0, &x1, &y1, &cx, &cy);
    gui_color c = gui_rgb(rgb[0], rgb[1], rgb[2]);
    int big = r.w >= 200;
    gui_clip(ui, r);
    box_lines(ui, x0, y0, x1, y1, big ? 2.0f : 1.0f, c);
    if (big && N > 1) {
        float step = w->delta * s;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++)
                gui_rect_fill(ui, gui_r((int)lroundf(x0 + k * step) - 2, (int)lroundf(y0 + i * step) - 2, 4, 4),
                              gui_rgba(rgb[0], rgb[1], rgb[2], 200));
    }
    // The pen tip: the centre g, ringed in black so it shows on white ink too.
    int d = big ? 9 : 3, px = (int)lroundf(cx), py = (int)lroundf(cy);
    if (big) gui_rect_fill(ui, gui_r(px - d / 2 - 2, py - d / 2 - 2, d + 4, d + 4), gui_rgba(0, 0, 0, 170));
    gui_rect_fill(ui, gui_r(px - d / 2, py - d / 2, d, d), c);
    gui_clip_reset(ui);
}

void dv_path_rgb(const uint8_t rgb[3], uint8_t out[3]) {
    for (int k = 0; k < 3; k++) out[k] = (uint8_t)((rgb[k] + 255) / 2);
}

void dv_trail(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int read, int N, const uint8_t rgb[3], int boxes) {
    int T = (int)gl_trace_count(t);
    if (step >= T) step = T - 1;
    if (step < 0) return;
    // Fading scales in steps: a few boxes behind the pen whatever T is, a
    // path that keeps about the last sixth of the run bright.
    float tau_box = 1.5f + (float)T / 24.0f, tau_path = fmaxf(3.0f, (float)T / 6.0f);
    int big = r.w >= 200;
    gui_clip(ui, r);
    for (int k = 0; boxes != DV_TRAIL_NONE && k < step; k++) {
        float a = boxes == DV_TRAIL_ALL ? 60.0f : 150.0f * expf(-(float)(step - 1 - k) / tau_box);
        if (a < 10) continue;
        float x0, y0, x1, y1, cx, cy;
        dv_window_box(r, dv_win(t, k, read), N, &x0, &y0, &x1, &y1, &cx, &cy);
        box_lines(ui, x0, y0, x1, y1, 1.0f, gui_rgba(rgb[0], rgb[1], rgb[2], (int)a));
    }
    // The path in a lighter tint of the window's colour.
    uint8_t tint[3];
    dv_path_rgb(rgb, tint);
    int tr = tint[0], tg = tint[1], tb = tint[2];
    float lx = 0, ly = 0;
    for (int k = 0; k <= step; k++) {
        float x0, y0, x1, y1, cx, cy;
        dv_window_box(r, dv_win(t, k, read), N, &x0, &y0, &x1, &y1, &cx, &cy);
        int a = (int)(80.0f + 175.0f * expf(-(float)(step - k) / tau_path));
        if (k) gui_line(ui, lx, ly, cx, cy, big ? 2.0f : 1.0f, gui_rgba(tr, tg, tb, a));
        int d = big ? 5 : 3;
        if (k < step)
            gui_rect_fill(ui, gui_r((int)lroundf(cx) - d / 2, (int)lroundf(cy) - d / 2, d, d), gui_rgba(tr, tg, tb, a));
        lx = cx; ly = cy;
    }
    gui_clip_reset(ui);
}

void dv_zoom_lines(gui_ctx *ui, gui_rect cell, const gl_draw_window *w, int N, gui_rect p, const uint8_t rgb[3]) {
    float x0, y0, x1, y1, cx, cy;
    dv_window_box(cell, w, N, &x0, &y0, &x1, &y1, &cx, &cy);
    float lo_x = (float)cell.x, hi_x = (float)(cell.x + cell.w), lo_y = (float)cell.y, hi_y = (float)(cell.y + cell.h);
    x0 = fminf(fmaxf(x0, lo_x), hi_x); x1 = fminf(fmaxf(x1, lo_x), hi_x);
    y0 = fminf(fmaxf(y0, lo_y), hi_y); y1 = fminf(fmaxf(y1, lo_y), hi_y);
    int right = p.x >= cell.x + cell.w;   // the panel is right of the cell: lines leave the box's right side
    float bx = right ? x1 : x0, px = right ? (float)p.x : (float)(p.x + p.w);
    gui_color c = gui_rgba(rgb[0], rgb[1], rgb[2], 90);
    gui_line(ui, bx, y0, px, (float)p.y, 1.0f, c);
    gui_line(ui, bx, y1, px, (float)(p.y + p.h), 1.0f, c);
}

int dv_patch_side(int side, int N) { return N < 1 ? side : side / N * N; }

gui_rect dv_patch_cell(gui_rect r, int N, int i, int j) {
    int c = r.w / N;
    return gui_r(r.x + j * c, r.y + i * c, c, c);
}

void dv_patch(gui_ctx *ui, gui_rect r, const float *v, int N, float scale, int grey, const uint8_t rgb[3]) {
    gui_rect_fill(ui, r, gui_rgb(12, 12, 14));
    int c = r.w / N, gap = c >= 12 ? 1 : 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            uint8_t px[3];
            float x = v[i * N + j];
            if (grey) {
                float g = scale > 0 ? x / scale : 0;
                g = g < 0 ? 0 : g > 1 ? 1 : g;
                if (!(g >= 0)) g = 0;
                px[0] = px[1] = px[2] = (uint8_t)(g * 255.0f + 0.5f);
            } else gl_draw_patch_rgb(x, scale, px);
            gui_rect q = dv_patch_cell(r, N, i, j);
            gui_rect_fill(ui, gui_r(q.x + gap, q.y + gap, q.w - 2 * gap, q.h - 2 * gap), gui_rgb(px[0], px[1], px[2]));
        }
    gui_rect_frame(ui, gui_r(r.x - 1, r.y - 1, r.w + 2, r.h + 2), gui_rgb(rgb[0], rgb[1], rgb[2]));
}

void dv_box_chart(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int read, int N, const uint8_t rgb[3],
                  int first) {
    int T = (int)gl_trace_count(t);
    if (T < 1 || r.w < 20 || r.h < 20) return;
    float top = 28.0f;   // the canvas's side: a box this large covers everything
    if (first) {
        gui_rect_fill(ui, r, gui_rgb(24, 25, 30));
        gui_line(ui, (float)r.x, (float)r.y + r.h * 0.5f, (float)(r.x + r.w), (float)r.y + r.h * 0.5f, 1.0f,
                 gui_rgba(255, 255, 255, 30));
        float xs = (float)r.x + ((float)step + 0.5f) * (float)r.w / (float)T;
        gui_line(ui, xs, (float)r.y, xs, (float)(r.y + r.h), 1.0f, gui_rgba(255, 255, 255, 90));
    }
    gui_clip(ui, r);
    gui_color c = gui_rgb(rgb[0], rgb[1], rgb[2]);
    float lx = 0, ly = 0;
    for (int k = 0; k < T; k++) {
        float side = (float)(N - 1) * dv_win(t, k, read)->delta;
        float x = (float)r.x + ((float)k + 0.5f) * (float)r.w / (float)T;
        float y = (float)(r.y + r.h - 1) - fminf(side / top, 1.0f) * (float)(r.h - 2);
        if (k)
            gui_line(ui, lx, ly, x, y, k <= step ? 2.0f : 1.0f, k <= step ? c : gui_rgba(rgb[0], rgb[1], rgb[2], 110));
        if (k == step) gui_rect_fill(ui, gui_r((int)lroundf(x) - 3, (int)lroundf(y) - 3, 7, 7), c);
        lx = x; ly = y;
    }
    gui_clip_reset(ui);
}

void dv_timeline(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int *k_out) {
    int T = t ? (int)gl_trace_count(t) : 0;
    *k_out = 1;
    if (!T || r.w < T) { gui_rect_fill(ui, r, gui_col_panel); return; }
    int tick_h = 8, th = r.h - tick_h - 2;
    int k = 1;   // steps per thumbnail: thumbnails at least min(th, 28) wide
    int want = th < 28 ? th : 28;
    while (k < T && r.w * k / T < want) k++;
    *k_out = k;
    gui_rect_fill(ui, r, gui_rgb(24, 25, 30));
    // Thumbnails: group g covers steps [g·k, g·k + k) and shows the canvas
    // at its last step, where the strip export (every k-th step) would.
    int ng = (T + k - 1) / k;
    for (int g = 0; g < ng; g++) {
        int s0 = T - 1 - (ng - 1 - g) * k, a = s0 - k + 1 < 0 ? 0 : s0 - k + 1;   // counted back from the last step
        int x0 = r.x + r.w * a / T, x1 = r.x + r.w * (s0 + 1) / T;
        int side = x1 - x0 - 2 < th ? x1 - x0 - 2 : th;
        gui_rect c = gui_r(x0 + (x1 - x0 - side) / 2, r.y, side, side);
        if (side >= 8) dv_grey_image(ui, c, dv_frame(t, s0)->canvas);
        if (step >= a && step <= s0) gui_rect_frame(ui, gui_r(c.x - 1, c.y - 1, c.w + 2, c.h + 2), gui_col_accent);
        else if (s0 > step) gui_rect_fill(ui, c, gui_rgba(24, 25, 30, 120));   // still to come: dimmed
    }
    // Ticks, one per step.
    int gap = r.w / T >= 6 ? 1 : 0;
    for (int s = 0; s < T; s++) {
        int x0 = r.x + r.w * s / T, x1 = r.x + r.w * (s + 1) / T;
        gui_rect c = gui_r(x0, r.y + r.h - tick_h, x1 - x0 - gap, tick_h);
        gui_rect_fill(ui, c, s == step ? gui_col_accent : s < step ? gui_col_hot : gui_col_button);
    }
}
