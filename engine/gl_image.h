// gl_image: RGB images for figures and exports (PNG through libpng), a few
// drawing primitives, the jet colour map of the seed's figures, and a tiny
// built-in 5x7 font for labels on figures made without SDL.
#ifndef GL_IMAGE_H
#define GL_IMAGE_H
#include <stdint.h>

typedef struct { int w, h; uint8_t *px; } gl_image;   // px: w*h*3, RGB

// Images made here (figures, exports): at most GL_IMAGE_MAX_SIDE pixels a
// side and GL_IMAGE_MAX_PIXELS in all (64 Mpx = 192 MB of RGB).
#define GL_IMAGE_MAX_SIDE 32768
#define GL_IMAGE_MAX_PIXELS (64 << 20)
// Images read as input (a digit to classify): at most 8192 a side and
// 16 Mpx (4096 x 4096), files at most 64 MB; checked from the header before
// decoding.
#define GL_IMAGE_MAX_INPUT_SIDE 8192
#define GL_IMAGE_MAX_INPUT_PIXELS (16 << 20)
#define GL_IMAGE_MAX_FILE ((size_t)64 << 20)
// 1 when w x h is within the output limits, else 0 with gl_err.
int gl_image_size_ok(long long w, long long h);
int gl_image_input_ok(long long w, long long h);
// Outside the limits: an empty image (px NULL, gl_err set) that drawing
// ignores and gl_image_save_png refuses.
gl_image gl_image_new(int w, int h, uint8_t r, uint8_t g, uint8_t b);
void gl_image_free(gl_image *im);
int gl_image_save_png(const gl_image *im, const char *path);   // atomic write
// Loads a PNG as RGB (grey converted by libpng; alpha composited onto white).
int gl_image_load_png(const char *path, gl_image *out);
// Loads a PNG or a binary/ASCII PGM (P5/P2) as grey levels in [0,1]
// (white ink on black, as MNIST: dark-on-light images are inverted). A PNG's
// alpha channel is composited onto white first: dark ink on a transparent
// background is dark ink on paper.
int gl_image_load_grey(const char *path, float **out, int *w, int *h);

void gl_image_rect(gl_image *im, int x, int y, int w, int h, uint8_t r, uint8_t g, uint8_t b);
void gl_image_line(gl_image *im, float x0, float y0, float x1, float y1, float width, uint8_t r, uint8_t g, uint8_t b);
void gl_image_text(gl_image *im, int x, int y, int scale, const char *s, uint8_t r, uint8_t g, uint8_t b);
// A better text renderer for gl_image_text (the app's TrueType font: the
// engine has none). It draws s with its top at y, about 7*scale pixels
// high; nonzero makes gl_image_text fall back to the 5x7 font.
typedef int (*gl_image_text_fn)(gl_image *im, int x, int y, int scale, const char *s, uint8_t r, uint8_t g, uint8_t b);
void gl_image_set_text_fn(gl_image_text_fn fn);
// Paints a (gh,gw) grid of values, each cell scaled up to cell×cell pixels.
// lo/hi map to the ends of the colour map; grey=1 uses black..white.
void gl_image_heat(gl_image *im, int x, int y, const float *v, int gh, int gw, int cell, float lo, float hi, int grey);
// Jet colour map: t in [0,1] -> blue..cyan..yellow..red.
void gl_jet(float t, uint8_t *r, uint8_t *g, uint8_t *b);
#endif
