// gl_draw_figure: pictures of DRAW runs (see gl_draw_figure.h).
#include "draw/gl_draw_figure.h"
#include <math.h>
#include <stdio.h>

const uint8_t gl_draw_read_rgb[3] = { 60, 220, 60 }, gl_draw_write_rgb[3] = { 255, 60, 60 };

void gl_draw_window_box(const gl_draw_window *w, int N, float *cx, float *cy, float *half) {
    *cx = w->gx - 0.5f;
    *cy = w->gy - 0.5f;
    *half = 0.5f * (float)(N - 1) * w->delta;
}

void gl_draw_image_window(gl_image *im, int x0, int y0, int S, const gl_draw_window *w, int N, const uint8_t rgb[3]) {
    float c_x, c_y, h;
    gl_draw_window_box(w, N, &c_x, &c_y, &h);
    float half = h * (float)S, cx = (float)x0 + c_x * (float)S, cy = (float)y0 + c_y * (float)S;
    float lo_x = (float)x0, hi_x = (float)(x0 + GL_DRAW_A * S - 1), lo_y = (float)y0,
          hi_y = (float)(y0 + GL_DRAW_A * S - 1);
    float l = cx - half, rr = cx + half, t = cy - half, bt = cy + half;
    float cl = fmaxf(l, lo_x), cr = fminf(rr, hi_x), ct = fmaxf(t, lo_y), cb = fminf(bt, hi_y);
    if (cl > cr || ct > cb) return;   // entirely outside
    uint8_t r = rgb[0], g = rgb[1], b = rgb[2];
    if (t >= lo_y) gl_image_line(im, cl, t, cr, t, 1, r, g, b);
    if (bt <= hi_y) gl_image_line(im, cl, bt, cr, bt, 1, r, g, b);
    if (l >= lo_x) gl_image_line(im, l, ct, l, cb, 1, r, g, b);
    if (rr <= hi_x) gl_image_line(im, rr, ct, rr, cb, 1, r, g, b);
    if (cx >= lo_x + 1 && cx <= hi_x - 1 && cy >= lo_y + 1 && cy <= hi_y - 1)
        gl_image_rect(im, (int)cx - 1, (int)cy - 1, 3, 3, r, g, b);
}

void gl_draw_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_draw_window *w, int N,
                        const uint8_t rgb[3]) {
    gl_image_heat(im, x0, y0, img, GL_DRAW_A, GL_DRAW_A, S, 0, 1, 1);
    if (w) gl_draw_image_window(im, x0, y0, S, w, N, rgb);
}

void gl_draw_image_row(gl_image *im, int x0, int y0, int S, int pad, const gl_draw_config *c,
                       const gl_draw_frame *fr, int T, const float *input) {
    for (int t = 0; t < T; t++) {
        const gl_draw_frame *f = &fr[t];
        int x = x0 + t * (GL_DRAW_A * S + pad);
        if (input) gl_draw_image_cell(im, x, y0, S, input, c->attention ? &f->read : NULL, c->read_n, gl_draw_read_rgb);
        else
            gl_draw_image_cell(im, x, y0, S, f->canvas, c->attention ? &f->write : NULL, c->write_n, gl_draw_write_rgb);
    }
}

void gl_draw_patch_rgb(float v, float scale, uint8_t rgb[3]) {
    float a = scale > 0 ? fabsf(v) / scale : 0;
    if (a > 1) a = 1;
    if (!(a >= 0)) a = 0;   // NaN
    rgb[0] = (uint8_t)(a * (v > 0 ? 255.0f : 60.0f) + 0.5f);
    rgb[1] = (uint8_t)(a * (v > 0 ? 170.0f : 140.0f) + 0.5f);
    rgb[2] = (uint8_t)(a * (v > 0 ? 40.0f : 255.0f) + 0.5f);
}

void gl_draw_image_trail(gl_image *im, int x0, int y0, int S, const gl_draw_frame *fr, int from, int upto,
                         int read, int N, const uint8_t rgb[3]) {
    uint8_t dim[3] = { (uint8_t)(rgb[0] * 0.45f), (uint8_t)(rgb[1] * 0.45f), (uint8_t)(rgb[2] * 0.45f) };
    if (from < 0) from = 0;
    for (int k = from; k < upto; k++) gl_draw_image_window(im, x0, y0, S, read ? &fr[k].read : &fr[k].write, N, dim);
    // The path: centres g − 0.5 in canvas units, clipped to the cell by
    // leaving out segments with an end outside it.
    float lo = 0, hi = (float)(GL_DRAW_A * S - 1), px = 0, py = 0;
    uint8_t pc[3] = { (uint8_t)(rgb[0] * 0.5f + 127), (uint8_t)(rgb[1] * 0.5f + 127), (uint8_t)(rgb[2] * 0.5f + 127) };
    for (int k = 0; k <= upto; k++) {
        const gl_draw_window *w = read ? &fr[k].read : &fr[k].write;
        float x = (w->gx - 0.5f) * (float)S, y = (w->gy - 0.5f) * (float)S;
        int in = x >= lo && x <= hi && y >= lo && y <= hi;
        if (k && in && px >= lo && px <= hi && py >= lo && py <= hi)
            gl_image_line(im, (float)x0 + px, (float)y0 + py, (float)x0 + x, (float)y0 + y, S >= 4 ? 1.5f : 1.0f, pc[0],
                          pc[1], pc[2]);
        px = x; py = y;
    }
}

int gl_draw_strip_every(int T, int max_cells) {
    if (max_cells < 1) max_cells = 1;
    return T <= max_cells ? 1 : (T + max_cells - 1) / max_cells;
}
int gl_draw_strip_cells(int T, int k) { return k < 1 ? T : (T + k - 1) / k; }
// Counted back from the last step, so the strip always ends on the finished canvas.
int gl_draw_strip_step(int T, int k, int j) { return T - 1 - (gl_draw_strip_cells(T, k) - 1 - j) * k; }

gl_image gl_draw_image_strip(const gl_draw_config *c, const gl_draw_frame *const *runs, int nruns, int T, int k,
                             const float *input, int S, int pad) {
    int cell = GL_DRAW_A * S, n = gl_draw_strip_cells(T, k), rows = nruns + (input != NULL);
    gl_image im = gl_image_new(n * (cell + pad) + pad, GL_DRAW_STRIP_BAND + rows * (cell + pad) + pad, 40, 40, 40);
    if (!im.px) return im;
    for (int j = 0; j < n; j++) {
        int s = gl_draw_strip_step(T, k, j), prev = j ? gl_draw_strip_step(T, k, j - 1) : -1,
            x = pad + j * (cell + pad);
        char lab[24];
        snprintf(lab, sizeof lab, "t = %d", s + 1);
        gl_image_text(&im, x + 2, 4, 2, lab, 200, 200, 200);
        int y = GL_DRAW_STRIP_BAND + pad;
        if (input) {
            gl_draw_image_cell(&im, x, y, S, input, NULL, 0, NULL);
            if (c->attention) {
                gl_draw_image_trail(&im, x, y, S, runs[0], prev + 1, s, 1, c->read_n, gl_draw_read_rgb);
                gl_draw_image_window(&im, x, y, S, &runs[0][s].read, c->read_n, gl_draw_read_rgb);
            }
            y += cell + pad;
        }
        for (int i = 0; i < nruns; i++, y += cell + pad) {
            gl_draw_image_cell(&im, x, y, S, runs[i][s].canvas, NULL, 0, NULL);
            if (c->attention) {
                gl_draw_image_trail(&im, x, y, S, runs[i], prev + 1, s, 0, c->write_n, gl_draw_write_rgb);
                gl_draw_image_window(&im, x, y, S, &runs[i][s].write, c->write_n, gl_draw_write_rgb);
            }
        }
    }
    return im;
}
