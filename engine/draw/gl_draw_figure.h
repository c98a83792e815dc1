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
void gl_draw_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_draw_window *w, int N,
                        const uint8_t rgb[3]);
// One row of T cells (side A·S, pad pixels apart) from (x0, y0): with
// input == NULL the canvas of each frame and its write window; else the
// input in every cell with that frame's read window. Windows only when
// c->attention.
void gl_draw_image_row(gl_image *im, int x0, int y0, int S, int pad, const gl_draw_config *c,
                       const gl_draw_frame *fr, int T, const float *input);

// ---- the window as a moving pen ------------------------------------------------
// Colour of a patch value v against scale (> 0), on black: the write patch
// w_t and the error glimpse x̂ add ink in orange and take it away in blue,
// brighter the larger |v| / scale (clipped at 1). The same colours as the
// view's "what this step wrote".
void gl_draw_patch_rgb(float v, float scale, uint8_t rgb[3]);
// The path of the window's centre over steps 0..upto of fr (read windows
// when read, else write) drawn over a cell (as gl_draw_image_window), with
// the boxes of steps from..upto−1 dimmed; the box of step upto is left to
// gl_draw_image_window.
void gl_draw_image_trail(gl_image *im, int x0, int y0, int S, const gl_draw_frame *fr, int from, int upto,
                         int read, int N, const uint8_t rgb[3]);
// A strip of at most max_cells steps shows every k-th: k = ⌈T / max_cells⌉,
// steps k, 2k, ..., ending on the last step T (1-based).
int gl_draw_strip_every(int T, int max_cells);
// Steps shown in a strip of T steps taking every k-th, and the 0-based
// index of cell j's step.
int gl_draw_strip_cells(int T, int k);
int gl_draw_strip_step(int T, int k, int j);
// Height of the step-number band above a strip's cells.
#define GL_DRAW_STRIP_BAND 22
// A strip of a run: a band of step numbers, then one row per trace — the
// canvases of every k-th step with the write window's path since step 1
// and the boxes of the steps skipped since the previous cell; with input
// given (reconstruct) first a row of the input with the read windows.
// Cells A·S pixels a side, pad apart. Returns the image (empty on failure,
// gl_err set).
gl_image gl_draw_image_strip(const gl_draw_config *c, const gl_draw_frame *const *runs, int nruns, int T, int k,
                             const float *input, int S, int pad);
#endif
