// gl_attn: the MNIST soft-attention classifier (seed 000).
//
//   conv 5x5x12 (same) + ReLU + 2x2 max-pool:  image (28,28) -> V (196,12)
//   (the conv's input may also carry two coordinate channels, see gl_attn.c)
//   x_1 = [mean_l V_l, steps_left=10]           (13)
//   for t = 1..10:
//     h_t = LSTM(x_t, h_{t-1})
//     mask_t = key(h_t, V)                      (196), sums to 1
//     glimpse_t = Σ_l mask_t[l] V_l              (12)
//     x_{t+1} = [glimpse_t, steps_left = 10-t]
//   h_11 = LSTM(x_11, h_10);  class = softmax(W h_11 + b)
//
// The per-step class probabilities of a trace come from the same classifier
// applied to h_{t+1}, the state right after glimpse t was taken in.
//
// Conventions for loading these weights elsewhere (checked against the
// PyTorch twin in tests/reference/twins.py):
//   - image: MNIST bytes / 255, row-major 28x28.
//   - conv.w (12, 25·cin) is [filter][channel][dy][dx] (PyTorch's Conv2d
//     weight (12, cin, 5, 5) flattened), padding 2 with zeros. With
//     coord_channels = 1 (cin = 3) channel 1 holds each pixel's column x and
//     channel 2 its row y, both as v/13.5 − 1 ∈ [−1, 1]; ReLU, then 2x2 max-pool.
//   - V (196, 12): location l = row·14 + col of the pooled grid.
//   - steps left is a fraction, not a count: x_s carries (10 − (s−1))/10,
//     i.e. 1.0 beside the mean volume, 0.9 beside glimpse 1, …, 0.0 beside glimpse 10.
//   - LSTM: gates (i, f, g, o), no peepholes, one bias vector lstm.b (PyTorch:
//     bias_ih = lstm.b, bias_hh = 0), h_0 = c_0 = 0.
//   - keys, from kout = key.w h + key.b: softmax: kout are the 196 logits;
//     feature: logit_l = kout · V_l (12 values, unscaled); Gaussian: kout =
//     (p0..p4), μx = 6.5 + 7 tanh p0, μy = 6.5 + 7 tanh p1 (grid cells, x =
//     column, y = row, 0..13), σx = 2 exp(clamp(p2, −6, 4)), σy likewise from
//     p3, ρ = 0.9 tanh p4, logit_l = −(a² + b² − 2ρab) / (2(1 − ρ²)) with
//     a = (col − μx)/σx, b = (row − μy)/σy. mask = softmax of the logits.
//   - training loss (gl_attn_backward): mean cross-entropy of the last step
//     plus aux/9 times that of each of the 9 earlier steps.
#ifndef GL_ATTN_H
#define GL_ATTN_H
#include "gl_image.h"
#include "gl_params.h"

#define GL_ATTN_STEPS 10
#define GL_ATTN_LOC 196      // 14 x 14 locations
#define GL_ATTN_CH 12        // conv filters
#define GL_ATTN_IN (GL_ATTN_CH + 1)

typedef enum { GL_KEY_SOFTMAX = 0, GL_KEY_GAUSSIAN = 1, GL_KEY_FEATURE = 2 } gl_key_type;
const char *gl_key_name(gl_key_type k);              // "softmax", "gaussian", "feature"
int gl_key_parse(const char *s, gl_key_type *k);      // -1 (with gl_err) if unknown
int gl_key_outputs(gl_key_type k);                    // 196, 5 or 12

// What one step of a run shows: its mask over the 14x14 grid, the class
// probabilities after taking in its glimpse, and the LSTM state they are read
// from (h_{t+1}, the state right after glimpse t; its first GL_ATTN_FRAME_H
// cells, nh of them, the rest zero).
#define GL_ATTN_FRAME_H 256
typedef struct { float mask[GL_ATTN_LOC]; float probs[10]; int nh; float h[GL_ATTN_FRAME_H]; } gl_attn_frame;

typedef struct gl_attn gl_attn;
// A fresh model with random weights (for training and tests). coords adds
// two coordinate channels (x, y) to the conv layer's input.
gl_attn *gl_attn_new_ex(gl_key_type key, int hidden, int coords, unsigned long seed);
gl_attn *gl_attn_new(gl_key_type key, int hidden, unsigned long seed);   // coords on
// Loads weights and hyper-parameters from a safetensors file written by
// gl_attn_save. NULL with gl_err() on any problem.
gl_attn *gl_attn_load(const char *path);
int gl_attn_save(const gl_attn *m, const char *path, const gl_meta *extra);
void gl_attn_free(gl_attn *m);
gl_key_type gl_attn_key(const gl_attn *m);
int gl_attn_hidden(const gl_attn *m);
gl_params *gl_attn_params(gl_attn *m);
const gl_meta *gl_attn_meta(const gl_attn *m);        // metadata of the loaded file

// Runs one 28x28 digit (values in [0,1]) through all 10 steps. Fills
// frames[10] and, if not NULL, volume_sum (196): the sum over the 12 channels
// of the feature volume. Returns the predicted class. Uses the model's own
// scratch memory: one thread per model at a time. No allocation.
int gl_attn_run(gl_attn *m, const float *img28, gl_attn_frame *frames, float *volume_sum);

// The seed's figure for one run: the 10 masks over the digit (shared colour
// bar), the volume sum and the original. label < 0 when unknown.
gl_image gl_attn_figure(const float *img28, const gl_attn_frame *frames, const float *volume_sum, int label,
                        gl_key_type key);
// The same figure as it stands after step upto (0-based): the masks of steps
// 0..upto, later steps' panels left empty; colours scaled to all 10 masks, so
// the frames of an animation agree (upto = 9 is gl_attn_figure).
gl_image gl_attn_figure_upto(const float *img28, const gl_attn_frame *frames, const float *volume_sum, int label,
                             gl_key_type key, int upto);
#endif
