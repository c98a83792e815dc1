// Pictures of the cluttered-MNIST search (gl_clut_figure.h).
#include "gl_clut_figure.h"
#include <stdio.h>
#include <string.h>

#define A GL_CLUT_A

void gl_clut_box(const gl_clut_window *w, float *cx, float *cy, float *half) {
    *cx = w->gx - 0.5f;
    *cy = w->gy - 0.5f;
    *half = 0.5f * w->box;
}

void gl_clut_step_rgb(int t, int T, uint8_t rgb[3]) {
    gl_jet(T > 1 ? (float)t / (float)(T - 1) : 1.0f, &rgb[0], &rgb[1], &rgb[2]);
}

// A segment clipped to the rectangle [lx, hx] × [ly, hy] (Liang–Barsky).
static void clipped_line(gl_image *im, float x0, float y0, float x1, float y1, float lx, float ly, float hx, float hy,
                         float width, const uint8_t c[3]) {
    float dx = x1 - x0, dy = y1 - y0, t0 = 0, t1 = 1;
    float p[4] = { -dx, dx, -dy, dy }, q[4] = { x0 - lx, hx - x0, y0 - ly, hy - y0 };
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) { if (q[i] < 0) return; continue; }
        float r = q[i] / p[i];
        if (p[i] < 0) { if (r > t1) return; if (r > t0) t0 = r; }
        else { if (r < t0) return; if (r < t1) t1 = r; }
    }
    gl_image_line(im, x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, width, c[0], c[1], c[2]);
}

void gl_clut_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_clut_frame *fr, int upto) {
    gl_image_heat(im, x0, y0, img, A, A, S, 0, 1, 1);
    float lx = (float)x0, ly = (float)y0, hx = (float)(x0 + A * S - 1), hy = (float)(y0 + A * S - 1);
    for (int t = 0; t <= upto; t++) {
        float cx, cy, h;
        gl_clut_box(&fr[t].win, &cx, &cy, &h);
        uint8_t c[3];
        gl_clut_step_rgb(t, fr[0].T, c);
        float w = t == upto ? 2.5f : 1.2f;
        float ax = x0 + (cx - h) * S, bx = x0 + (cx + h) * S, ay = y0 + (cy - h) * S, by = y0 + (cy + h) * S;
        clipped_line(im, ax, ay, bx, ay, lx, ly, hx, hy, w, c);
        clipped_line(im, bx, ay, bx, by, lx, ly, hx, hy, w, c);
        clipped_line(im, bx, by, ax, by, lx, ly, hx, hy, w, c);
        clipped_line(im, ax, by, ax, ay, lx, ly, hx, hy, w, c);
        if (t > 0) {
            float px, py, ph;
            gl_clut_box(&fr[t - 1].win, &px, &py, &ph);
            clipped_line(im, x0 + px * S, y0 + py * S, x0 + cx * S, y0 + cy * S, lx, ly, hx, hy, 1.5f,
                         (const uint8_t[3]){ 255, 255, 255 });
        }
        float dx = x0 + cx * S, dy = y0 + cy * S;
        if (dx >= lx + 2 && dx <= hx - 2 && dy >= ly + 2 && dy <= hy - 2)
            gl_image_rect(im, (int)dx - 2, (int)dy - 2, 5, 5, c[0], c[1], c[2]);
    }
}

static int argmax10(const float *p) {
    int b = 0;
    for (int k = 1; k < GL_CLUT_CLASSES; k++) if (p[k] > p[b]) b = k;
    return b;
}

gl_image gl_clut_image_search(const float *img, const gl_clut_frame *fr, int T, int label) {
    const int S = 4, PC = 66, pad = 16, barw = 150;   // image scale, patch cell, padding, probability panel
    int W = pad + A * S + pad + barw + pad;
    int SC = 1;   // the step-by-step row: the image at 1 px a pixel, that glimpse's box and the path so far
    int stripw = pad + T * (A * SC + 8);
    if (stripw + pad > W) W = stripw + pad;
    int HH = 8;   // the hidden state: one row of GL_CLUT_FRAME_H cells per glimpse, HH px tall
    int H = pad + 24 + A * S + pad + A * SC + 8 + PC + 48 + 16 + T * HH + 8;
    gl_image im = gl_image_new(W, H, 255, 255, 255);
    if (!im.px) return im;
    int N = fr[0].N;
    char s[96];
    int cls = argmax10(fr[T - 1].prob);
    if (label >= 0)
        snprintf(s, sizeof s, "%d glimpses: %d (%.0f%%), true %d", T, cls, 100 * fr[T - 1].prob[cls], label);
    else snprintf(s, sizeof s, "%d glimpses: %d (%.0f%%)", T, cls, 100 * fr[T - 1].prob[cls]);
    gl_image_text(&im, pad, pad, 2, s, 0, 0, 0);
    int iy = pad + 24;
    gl_clut_image_cell(&im, pad, iy, S, img, fr, T - 1);
    // class probabilities after each glimpse: one row per glimpse, a bar per class
    int bx = pad + A * S + pad;
    gl_image_text(&im, bx, iy, 1, "belief after glimpse", 0, 0, 0);
    int rowh = (A * S - 40) / T;
    for (int t = 0; t < T; t++) {
        int y = iy + 20 + t * rowh;
        uint8_t c[3];
        gl_clut_step_rgb(t, T, c);
        snprintf(s, sizeof s, "%d", t + 1);
        gl_image_text(&im, bx, y + 2, 1, s, c[0], c[1], c[2]);
        for (int k = 0; k < GL_CLUT_CLASSES; k++) {
            int h = (int)(fr[t].prob[k] * (float)(rowh - 6) + 0.5f), x = bx + 16 + k * 13;
            gl_image_rect(&im, x, y + rowh - 4, 11, 1, 200, 200, 200);
            if (h > 0) gl_image_rect(&im, x, y + rowh - 4 - h, 11, h, c[0], c[1], c[2]);
        }
    }
    for (int k = 0; k < GL_CLUT_CLASSES; k++) {
        snprintf(s, sizeof s, "%d", k);
        gl_image_text(&im, bx + 19 + k * 13, iy + 20 + T * rowh + 2, 1, s, 0, 0, 0);
    }
    // step by step: the search as it went, then the patches enlarged
    int sy = iy + A * S + pad;
    for (int t = 0; t < T; t++) gl_clut_image_cell(&im, pad + t * (A * SC + 8), sy, SC, img, fr, t);
    int py = sy + A * SC + 8;
    for (int t = 0; t < T; t++) {
        int x = pad + t * (A * SC + 8) + (A * SC - PC) / 2, cell = PC / N;
        uint8_t c[3];
        gl_clut_step_rgb(t, T, c);
        gl_image_rect(&im, x - 2, py - 2, cell * N + 4, cell * N + 4, c[0], c[1], c[2]);
        gl_image_heat(&im, x, py, fr[t].patch, N, N, cell, 0, 1, 1);
        int b = argmax10(fr[t].prob);
        snprintf(s, sizeof s, "%d: %d %.0f%%", t + 1, b, 100 * fr[t].prob[b]);
        gl_image_text(&im, x, py + cell * N + 6, 1, s, 0, 0, 0);
        snprintf(s, sizeof s, "%.0f px", fr[t].win.box);
        gl_image_text(&im, x, py + cell * N + 18, 1, s, 90, 90, 90);
    }
    // inside: the LSTM's state h_t after each glimpse (cells across, −1 blue .. +1 red)
    int hy = py + PC + 48, cw = (W - 2 * pad - 24) / GL_CLUT_FRAME_H;
    if (cw < 1) cw = 1;
    gl_image_text(&im, pad, hy, 1, "LSTM state h after each glimpse (256 cells; -1 blue, +1 red)", 0, 0, 0);
    for (int t = 0; t < T; t++) {
        int y = hy + 14 + t * HH;
        uint8_t c[3];
        gl_clut_step_rgb(t, T, c);
        snprintf(s, sizeof s, "%d", t + 1);
        gl_image_text(&im, pad, y, 1, s, c[0], c[1], c[2]);
        for (int k = 0; k < GL_CLUT_FRAME_H; k++) {
            uint8_t r, g, b;
            float v = fr[t].h[k];
            gl_jet(0.5f * ((v < -1 ? -1 : v > 1 ? 1 : v) + 1), &r, &g, &b);
            gl_image_rect(&im, pad + 24 + k * cw, y, cw, HH - 1, r, g, b);
        }
    }
    return im;
}

gl_image gl_clut_image_grid(const float *imgs, const gl_clut_frame *frs, int T, const uint8_t *labels, int n, int cols,
                            int S) {
    const int pad = 8, band = 18;
    if (cols < 1) cols = 1;
    int rows = (n + cols - 1) / cols;
    int cw = A * S, ch = A * S + band;
    gl_image im = gl_image_new(pad + cols * (cw + pad), pad + rows * (ch + pad), 255, 255, 255);
    if (!im.px) return im;
    for (int i = 0; i < n; i++) {
        int x = pad + (i % cols) * (cw + pad), y = pad + (i / cols) * (ch + pad);
        const gl_clut_frame *fr = frs + (size_t)i * T;
        gl_clut_image_cell(&im, x, y, S, imgs + (size_t)i * GL_CLUT_D, fr, T - 1);
        int b = argmax10(fr[T - 1].prob);
        char s[64];
        if (labels && labels[i] != b) {
            snprintf(s, sizeof s, "%d (true %d)", b, labels[i]);
            gl_image_text(&im, x, y + A * S + 4, 1, s, 200, 0, 0);
        } else {
            snprintf(s, sizeof s, "%d  %.0f%%", b, 100 * fr[T - 1].prob[b]);
            gl_image_text(&im, x, y + A * S + 4, 1, s, 0, 0, 0);
        }
    }
    return im;
}
