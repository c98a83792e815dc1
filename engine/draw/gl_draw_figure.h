// gl_draw_figure: pictures of DRAW runs on gl_image (no SDL), shared by
// `glimpse draw` and the app's DRAW view (its exports, and the geometry of
// the windows it draws on screen).
//
// Window geometry in canvas units u in [0, A] (pixel a = 1..A covers
// [a − 1, a]): the N×N filter centres of a window span the square
// [c − h, c + h]² with c = g − 0.5 and h = (N − 1)/2 · δ (eq. 19-24).
#ifndef GL_DRAW_FIGURE_H
#define GL_DRAW_FIGURE_H
#include "draw/gl_draw.h"
#include "gl_image.h"

// Colours of the read (green) and write (red) windows everywhere.
extern const uint8_t gl_draw_read_rgb[3], gl_draw_write_rgb[3];

void gl_draw_window_box(const gl_draw_window *w, int N, float *cx, float *cy, float *half);
// The window's box of filter centres and its centre (a 3x3 dot) over a cell
// whose top-left is (x0, y0), S image pixels per canvas pixel; edges outside
// the cell are left out, the rest clipped to it.
void gl_draw_image_window(gl_image *im, int x0, int y0, int S, const gl_draw_window *w, int N, const uint8_t rgb[3]);
// One cell: img (784 values in [0,1], black..white) with a window (w may be NULL).
void gl_draw_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_draw_window *w, int N, const uint8_t rgb[3]);
// One row of T cells (side A·S, pad pixels apart) from (x0, y0): with
// input == NULL the canvas of each frame and its write window; else the
// input in every cell with that frame's read window. Windows only when
// c->attention.
void gl_draw_image_row(gl_image *im, int x0, int y0, int S, int pad, const gl_draw_config *c,
                       const gl_draw_frame *fr, int T, const float *input);
#endif
