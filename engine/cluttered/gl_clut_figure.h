// gl_clut_figure: pictures of the cluttered-MNIST search on gl_image (no
// SDL), for `glimpse find --png`, the README's figures and the app's exports.
//
// Window geometry in canvas units u in [0, A] (pixel a = 1..A covers
// [a − 1, a]): the N×N filter centres of a glimpse span the square
// [c − h, c + h]² with c = g − 0.5 and h = box / 2 = (N − 1)/2 · δ.
#ifndef GL_CLUT_FIGURE_H
#define GL_CLUT_FIGURE_H
#include "gl_clut.h"
#include "gl_image.h"

void gl_clut_box(const gl_clut_window *w, float *cx, float *cy, float *half);
// Colour of glimpse t of T (the jet map from blue, first, to red, last).
void gl_clut_step_rgb(int t, int T, uint8_t rgb[3]);
// img (A·A) at (x0, y0), S pixels per image pixel, with the boxes of
// glimpses 0..upto (the last one thicker) and the path of their centres,
// clipped to the cell.
void gl_clut_image_cell(gl_image *im, int x0, int y0, int S, const float *img, const gl_clut_frame *fr, int upto);
// The search of one image: the image with every box and the path; beside it
// the class probabilities after each glimpse; under it the T patches
// enlarged with the step, the class it believes and how sure. label: the
// true class (−1: unknown).
gl_image gl_clut_image_search(const float *img, const gl_clut_frame *fr, int T, int label);
// A grid of n runs (cols across): each image with its boxes and path, under
// it the class named after the last glimpse (and the true one when it is
// wrong). imgs (n, A·A), frs (n, T), labels (n) or NULL.
gl_image gl_clut_image_grid(const float *imgs, const gl_clut_frame *frs, int T, const uint8_t *labels, int n, int cols,
                            int S);
#endif
