// gl_draw_figure: pictures of DRAW runs (see gl_draw_figure.h).
#include "draw/gl_draw_figure.h"
#include <math.h>

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
    float lo_x = (float)x0, hi_x = (float)(x0 + GL_DRAW_A * S - 1), lo_y = (float)y0, hi_y = (float)(y0 + GL_DRAW_A * S - 1);
    float l = cx - half, rr = cx + half, t = cy - half, bt = cy + half;
    float cl = fmaxf(l, lo_x), cr = fminf(rr, hi_x), ct = fmaxf(t, lo_y), cb = fminf(bt, hi_y);
    if (cl > cr || ct > cb) return;   // entirely outside
    uint8_t r = rgb[0], g = rgb[1], b = rgb[2];
    if (t >= lo_y) gl_image_line(im, cl, t, cr, t, 1, r, g, b);
    if (bt <= hi_y) gl_image_line(im, cl, bt, cr, bt, 1, r, g, b);
    if (l >= lo_x) gl_image_line(im, l, ct, l, cb, 1, r, g, b);
    if (rr <= hi_x) gl_image_line(im, rr, ct, rr, cb, 1, r, g, b);
    if (cx >= lo_x + 1 && cx <= hi_x - 1 && cy >= lo_y + 1 && cy <= hi_y - 1) gl_image_rect(im, (int)cx - 1, (int)cy - 1, 3, 3, r, g, b);
}

void gl_draw_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_draw_window *w, int N, const uint8_t rgb[3]) {
    gl_image_heat(im, x0, y0, img, GL_DRAW_A, GL_DRAW_A, S, 0, 1, 1);
    if (w) gl_draw_image_window(im, x0, y0, S, w, N, rgb);
}

void gl_draw_image_row(gl_image *im, int x0, int y0, int S, int pad, const gl_draw_config *c,
                       const gl_draw_frame *fr, int T, const float *input) {
    for (int t = 0; t < T; t++) {
        const gl_draw_frame *f = &fr[t];
        int x = x0 + t * (GL_DRAW_A * S + pad);
        if (input) gl_draw_image_cell(im, x, y0, S, input, c->attention ? &f->read : NULL, c->read_n, gl_draw_read_rgb);
        else gl_draw_image_cell(im, x, y0, S, f->canvas, c->attention ? &f->write : NULL, c->write_n, gl_draw_write_rgb);
    }
}
