// gif_export: the animations behind `--gif OUT.gif` (gl_gif.h), made from the
// figures the same commands draw as PNGs, at the speed the app plays them or,
// for handwriting, at the pen's real speed. Each returns 0, or -1 with gl_err
// (nothing written); on success it prints one line to stderr: the file, its
// frames, playing time and bytes.
#ifndef GIF_EXPORT_H
#define GIF_EXPORT_H
#include "gl_attn.h"
#include "draw/gl_draw.h"
#include "gl_clut.h"
#include "gl_params.h"

// The last frame of every animation stays this long before it loops.
#define GIF_HOLD_S 2.0

// attend: the figure after each of the 10 glimpses, at the Attention view's
// default 2 steps a second.
int gif_attend(const char *path, const float *img28, const gl_attn_frame *fr, const float *volume_sum, int label,
               gl_key_type key);
// draw: samples seed, seed+1, ... (ns of them, in a grid) as their canvases
// build up, each with its write window and the path of its centre, S pixels
// a canvas pixel, at the DRAW view's default speed (a run of T steps in about
// 3 s: 5 steps/s up to T = 15, T/3 beyond).
int gif_draw_generate(const char *path, gl_draw *m, uint64_t seed, int ns, int S);
// draw --digit: the input with each step's read window beside the canvas
// with its write window.
int gif_draw_reconstruct(const char *path, gl_draw *m, const float *img784, int S);
// The DRAW view's runs as they stand (T frames each, e.g. its traces'): ns
// samples in a grid (input NULL), or one reconstruction of input (784)
// beside its canvas (ns 1), at the speed of gif_draw_generate.
int gif_draw_runs(const char *path, const gl_draw_config *c, const gl_draw_frame *const *runs, int ns, int T, int S,
                  const float *input);
// write / scribble: pts (n, 3 raw offsets, as gl_hw_save_png draws them,
// `height` pixels high) being written, a frame every ~40 ms of the pen's time.
// point_s: seconds per point (gif_point_seconds); a pen lift takes
// GIF_PEN_LIFT_S in all.
int gif_ink(const char *path, const float *pts, int n, int height, double point_s);
// Seconds between two of a handwriting model's points, from its metadata:
// IAM-OnDB's pen is sampled every GIF_IAM_POINT_S (a mean over the whole
// data set), and a model trained on every k-th point (iam_thin = k) writes
// one point per k samples. A model of the Hershey corpus (no clock: its
// lines are drawn, not recorded) plays at the shipped models' speed, k = 2.
#define GIF_IAM_POINT_S 0.01506
#define GIF_PEN_LIFT_S 0.180
double gif_point_seconds(const gl_meta *meta);
// The Prediction view's replay: the line point by point (x, y: the pen after
// step i, up: the pen lifts after it) and, after each step, the density of
// the next point (a G x G grid, cell (i, j) centred at the pen + (gx0 + (j +
// .5) cell, gy0 + (i + .5) cell), scaled by its peak gmax) left behind as a
// trail (the largest each pixel has seen), step_s seconds a step.
typedef struct { float x, y; int up; float gx0, gy0, cell, gmax; const float *grid; } gif_trail_step;
int gif_trail(const char *path, const gif_trail_step *st, int n, int G, double step_s);
// find: the cluttered image with the boxes of glimpses 1..t and the belief
// after glimpse t, at the view's default 2 glimpses a second.
int gif_find(const char *path, const float *img, const gl_clut_frame *fr, int T, int label);
#endif
