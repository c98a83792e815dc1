// gl_clut: attention that has to search. DRAW's read window alone, driving an
// LSTM classifier over cluttered 100x100 MNIST (Gregor et al. 2015, arXiv
// 1502.04623, §4.1 and Table 1; the data after Mnih et al. 2014).
// Equation numbers are DRAW's.
//
//   h_0 = c_0 = 0
//   for t = 1..T:
//     p_t   = W_read h_{t−1} + b_read                  (5 values, eq. 21)
//     r_t   = γ_t F_Y(p_t) x F_X(p_t)ᵀ                  (N×N patch, eq. 27)
//     h_t, c_t = LSTM(r_t, h_{t−1}, c_{t−1})
//   class = softmax(W_cls h_T + b_cls)
//
// Conventions for loading these weights elsewhere (checked against the
// PyTorch twin in tests/reference/cluttered_twin.py):
//   - image x: A×A = 100×100, row-major, ink high in [0, 1] (the generator's
//     images as they are; no other scaling). Pixel (row y, column x), both
//     0-based, sits at filter position (x+1, y+1): positions run 1..A.
//   - window: p = (u_x, u_y, u_s, u_d, u_g) = read.W h_{t−1} + read.b, then
//       g_x = (A+1)/2 (tanh(u_x) + 1),  g_y likewise from u_y  (the centre,
//                                         kept inside 0..A+1; eq. 22-23 with
//                                         g̃ = tanh(u))
//       δ   = δ_min + (A−1)/(N−1) exp(u_d),  δ_min = 0.7 px  (eq. 24, bounded)
//       σ²  = σ²_min + exp(u_s),            σ²_min = 0.25 (σ ≥ 0.5 px)
//       γ   = exp(u_g)
//     u_d is clamped to at most ln 2 (δ ≤ 18.7 px: the grid spans at most
//     twice the image), u_s to ln 400 (σ ≤ 20 px) and u_g to 8, before the
//     exp (gradient 0 beyond): a window is never so large that it sees nothing.
//     The bounds are what keep training alive: without them σ and δ shrink
//     until the filters fall between pixels, the glimpse goes dark and its
//     gradient vanishes (a collapse from which the run never recovers).
//   - filters: F[i,a] = exp(−(a − μ_i)²/2σ²) / (Σ_a' exp(…) + 1e-8),
//     μ_i = g + (i − (N−1)/2) δ for i = 0..N−1, a = 1..A; the same for X and Y.
//     The patch r is N×N row-major: row j is filter j of F_Y.
//   - LSTM: gates (i, f, g, o), no peepholes, one bias (PyTorch: bias_ih = b,
//     bias_hh = 0), input r_t (N² values), h_0 = c_0 = 0, so the first
//     window comes from read.b alone.
//   - the class after the last glimpse: cls.W h_T + cls.b. The class after
//     an earlier glimpse t < T (for the view's "when did it know?"): probe.W[t]
//     h_t + probe.b[t], linear read-outs trained beside the model on the same
//     batches with their own cross-entropy, whose gradient stops at h_t: they
//     calibrate what the state after t glimpses already says without changing
//     what the network learns. (probe.W is (T−1, 10, H), probe.b (T−1, 10).)
//   - without attention (attention = 0): no read.W/read.b; every glimpse is
//     the fixed window over the whole image, g = 50.5, δ = 9 (the 12 filter
//     centres span positions 1..100), σ = δ/2, γ = 1: a 12×12 blur of the
//     whole canvas, the same at every step.
//   - initialisation (attention): read.b = (0, 0, log(σ0² − 0.25),
//     log((δ0 − 0.7)(N−1)/(A−1)), 0) with δ0 = (A−1)/(N−1) and σ0 = δ0/2: the
//     first window is the no-attention window, covering the whole image
//     without gaps; read.W small (uniform ±0.1/√H). Starting from a sharp
//     window (σ = 1 px) the glimpse sees scattered pixels and nothing is
//     learned.
//
// Layers come as forward/backward pairs over plain float buffers (shapes in
// the comments); backward functions ACCUMULATE into their outputs.
#ifndef GL_CLUT_H
#define GL_CLUT_H
#include "gl_mnist.h"
#include "gl_params.h"
#include "gl_trace.h"
#include "gl_util.h"
#include <stdatomic.h>
#include <stdint.h>

#define GL_CLUT_A 100                     // image width and height
#define GL_CLUT_D (GL_CLUT_A * GL_CLUT_A)
#define GL_CLUT_MAXT 16
#define GL_CLUT_MAXN 16
#define GL_CLUT_CLASSES 10
#define GL_CLUT_DELTA_MIN 0.7f
#define GL_CLUT_SIGMA2_MIN 0.25f
#define GL_CLUT_UMAX_DELTA 0.69314718f   // ln 2
#define GL_CLUT_UMAX_S2 5.9914645f       // ln 400
#define GL_CLUT_UMAX_GAMMA 8.0f

// ---- the data: cluttered MNIST ----------------------------------------------------
// One image: a 100x100 canvas of zeros; the 28x28 digit src[digit] added at a
// uniformly random place, then `clutter` fragments, each an 8x8 crop at a
// uniformly random place of a uniformly random OTHER image of src, added at
// a uniformly random place of the canvas; the sum clipped to 1. The draws,
// in this order, from a generator seeded with seed (gl_rng_seed):
//   x0 = below(73), y0 = below(73)          the digit's top-left pixel
//   per fragment: j = below(n) (drawn again while j == digit),
//                 sx = below(21), sy = below(21)   the crop's top-left in j
//                 px = below(93), py = below(93)   where it lands
// (below(k) = gl_rng_below, uniform in 0..k−1). The digit's centre, in filter
// positions (1..100), is (x0 + 14.5, y0 + 14.5).
typedef struct { float cx, cy; } gl_clut_place;
#define GL_CLUT_CLUTTER 8
#define GL_CLUT_CLUTTER_MAX 64
void gl_clut_make(float *img, const gl_mnist *src, int digit, int clutter, uint64_t seed, gl_clut_place *where);
// The seed of the test image k (from test digit k, clutter from the test set)
// and of training image k of an epoch (fresh clutter every epoch).
#define GL_CLUT_TEST_SEED 1502046230ULL
uint64_t gl_clut_test_seed(int k);
uint64_t gl_clut_train_seed(uint64_t run_seed, long epoch, int k);
// The digit alone at (x0, y0) (top-left pixel), with `clutter` fragments
// from the generator seeded with seed (the fragment draws above, without the
// digit's place): for the view's "drag the digit" and "draw your own".
// digit28 (784) may be any 28x28 image; src gives the fragments (exclude:
// an index of src not to take fragments from, or −1).
void gl_clut_compose(float *img, const float *digit28, int x0, int y0, const gl_mnist *src, int exclude,
                     int clutter, uint64_t seed);

// ---- the window (one sample) -------------------------------------------------------
enum { GL_CW_GX = 0, GL_CW_GY, GL_CW_LOGS2, GL_CW_LOGDELTA, GL_CW_LOGGAMMA, GL_CW_NPAR };
// The window in image units: centre (gx, gy) in positions 1..A, stride δ,
// variance σ², intensity γ. box = (N−1)δ, the side of the square spanned by
// the filter centres.
typedef struct { float gx, gy, delta, sigma2, gamma, box; } gl_clut_window;
void gl_clut_window_of(const float *p5, int N, gl_clut_window *w);
// The no-attention window (and the attention model's first, at init).
void gl_clut_window_whole(int N, gl_clut_window *w);
// p5 (5) -> Fx, Fy (N,A), *gamma. Rows sum to 1 (up to the 1e-8).
void gl_clut_filterbank_forward(float *Fx, float *Fy, float *gamma, const float *p5, int N);
// The same from a window in image units (no-attention, views).
void gl_clut_filterbank_of(float *Fx, float *Fy, const gl_clut_window *w, int N);
// dFx, dFy (N,A), dgamma -> dp5 (5), accumulated.
void gl_clut_filterbank_backward(float *dp5, const float *dFx, const float *dFy, float dgamma, const float *Fx,
                                 const float *Fy, const float *p5, int N);
// patch (N,N) = γ Fy img Fxᵀ, img (A,A); U (N,A) keeps Fy img for backward.
void gl_clut_read_forward(float *patch, float *U, const float *img, const float *Fx, const float *Fy, float gamma,
                          int N);
// dpatch (N,N) -> dFx, dFy (N,A) accumulated; returns dγ. (No image gradient:
// the image is data.)
float gl_clut_read_backward(float *dFx, float *dFy, const float *dpatch, const float *patch, const float *U,
                            const float *img, const float *Fx, float gamma, int N);

// ---- the model ---------------------------------------------------------------------
typedef struct {
    int attention;   // 1: the read window moves; 0: fixed over the whole image
    int T;           // glimpses
    int N;           // read grid N×N
    int hidden;      // LSTM cells
} gl_clut_config;
#define GL_CLUT_CONFIG_DEFAULT ((gl_clut_config){ .attention = 1, .T = 8, .N = 12, .hidden = 256 })

typedef struct gl_clut gl_clut;
gl_clut *gl_clut_new(const gl_clut_config *cfg, uint64_t seed);   // NULL + gl_err on bad sizes
// A file written by gl_clut_save (config from its metadata); with_opt also
// restores the Adam state (checkpoints). NULL + gl_err naming the file.
gl_clut *gl_clut_load(const char *path, int with_opt);
int gl_clut_save(const gl_clut *m, const char *path, const gl_meta *extra, int with_opt);
void gl_clut_free(gl_clut *m);
const gl_clut_config *gl_clut_cfg(const gl_clut *m);
gl_params *gl_clut_params(gl_clut *m);
const gl_meta *gl_clut_meta(const gl_clut *m);
// Parameters clipped together (all but the probes, whose gradient is their own).
int gl_clut_is_probe(const gl_param *p);

// Training pass over a minibatch: x (B, A·A), y (B) labels. Returns the mean
// cross-entropy of the class after the last glimpse; *correct (may be NULL)
// gets how many of the B it names right.
double gl_clut_forward(gl_clut *m, const float *x, const uint8_t *y, int B, int *correct);
// Accumulates into m's gradients (zero them first) ∂(mean cross-entropy)/∂θ,
// and each probe's own cross-entropy gradient into the probes. Uses the
// activations of the last forward.
void gl_clut_backward(gl_clut *m);
// Of the last forward: probabilities (T, B, 10) after each glimpse (the last
// from cls, the others from the probes), and each glimpse's window (T, B).
const float *gl_clut_probs(const gl_clut *m);
void gl_clut_windows(const gl_clut *m, gl_clut_window *w);

// A minibatch split over the cores on replicas of m (the same weights, their
// own activations and gradients), as gl_clut_forward + gl_clut_backward over
// the whole batch would, up to rounding. grads: 0 for a forward only.
typedef struct gl_clut_trainer gl_clut_trainer;
gl_clut_trainer *gl_clut_trainer_new(gl_clut *m);
void gl_clut_trainer_free(gl_clut_trainer *t);
double gl_clut_trainer_step(gl_clut_trainer *t, const float *x, const uint8_t *y, int B, int grads, int *correct);

// ---- evaluation --------------------------------------------------------------------
// Over the n first fixed test images made from test: error rate, mean
// cross-entropy, and where the last glimpse looked: the share whose last box
// (side (N−1)δ, centred on g) holds the digit's centre, and the median last
// box side. err_t (may be NULL, T values) gets the error after each glimpse.
// cancel (may be NULL) stops it early (returns −1).
typedef struct {
    int n;
    double err, loss;
    double err_t[GL_CLUT_MAXT];
    double found;       // share whose last box holds the digit's centre
    double box_median;  // median last box side (px)
    double box_t[GL_CLUT_MAXT];   // median box side after each glimpse
} gl_clut_score;
int gl_clut_evaluate(gl_clut *m, const gl_mnist *test, int n, int clutter, const atomic_int *cancel,
                     gl_clut_score *s);

// ---- runs for views: one frame per glimpse ----------------------------------------
// A frame holds the window of glimpse t, the N×N patch it saw (r_t / γ, the
// intensities as in the image), the class probabilities after it, and the
// LSTM state h_t (first 256 cells).
#define GL_CLUT_FRAME_H 256
typedef struct {
    int t, T, N;
    gl_clut_window win;
    float patch[GL_CLUT_MAXN * GL_CLUT_MAXN];
    float prob[GL_CLUT_CLASSES];
    float h[GL_CLUT_FRAME_H];
} gl_clut_frame;
// Runs one image (A·A values in [0,1]); appends T frames to trace (may be
// NULL), fills frames (may be NULL, T of them). Returns the class.
// One thread per model at a time.
int gl_clut_run(gl_clut *m, const float *img, gl_trace *trace, gl_clut_frame *frames);
gl_trace *gl_clut_trace_new(const gl_clut *m);
#endif
