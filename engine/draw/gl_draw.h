// gl_draw: DRAW, the Deep Recurrent Attentive Writer (Gregor et al. 2015,
// arXiv 1502.04623), on 28x28 binarized MNIST. Equation numbers are the paper's.
//
//   for t = 1..T:                                   (eq. 3-8)
//     x̂_t     = x − σ(c_{t−1})
//     r_t     = read(x, x̂_t, h_dec_{t−1})
//     h_enc_t = LSTM_enc(h_enc_{t−1}, [r_t, h_dec_{t−1}])
//     z_t     = μ_t + σ_t ε_t,  (μ_t, log σ_t) = W(h_enc_t)     (eq. 1-2)
//     h_dec_t = LSTM_dec(h_dec_{t−1}, z_t)
//     c_t     = c_{t−1} + write(h_dec_t)
//   loss = −log D(x | σ(c_T)) + Σ_t KL(Q(z_t|h_enc_t) ‖ N(0,I))  (eq. 9-12)
//
// Selective attention (eq. 19-27): an N×N grid of Gaussian filters with
// (g̃X, g̃Y, log σ², log δ̃, log γ) = W(h_dec), centre g = (A+1)/2 (g̃+1),
// stride δ = (max(A,B)−1)/(N−1) δ̃, filter i centred at μ^i = g + (i − N/2 − 0.5) δ
// (i = 1..N, pixel a at position a = 1..A), each filter normalised to sum 1.
//   read  = γ [F_Y x F_Xᵀ, F_Y x̂ F_Xᵀ]          (eq. 27)
//   write = (1/γ̂) F̂_Yᵀ w_t F̂_X,  w_t = W(h_dec_t)  (eq. 28-29)
// Without attention: read = [x, x̂], write = W(h_dec_t) over the whole canvas.
//
// Conventions for loading these weights elsewhere (checked against the
// PyTorch twin in tests/reference/twins.py):
//   - c_0 is learned: the parameter canvas0 (784 logits), the same for every
//     image. h_enc_0 = c_enc_0 = h_dec_0 = c_dec_0 = 0, so the first read
//     window comes from read_attn.b alone.
//   - LSTMs: gates (i, f, g, o), no peepholes, one bias (PyTorch: bias_ih =
//     b, bias_hh = 0). Encoder input [r_t, h_dec_{t−1}]; with attention r_t =
//     [γ Fy x Fxᵀ, γ Fy x̂ Fxᵀ], each N×N row-major (row j: filter j of Fy);
//     without, r_t = [x, x̂] (784 each).
//   - q.W h_enc + q.b = [μ (z), log σ (z)]. Reconstruction: z_t = μ_t;
//     generation: z_t ~ N(0, I), the decoder alone.
//   - filters: pixel positions a = 1..A, filter centres
//     μ_i = g + (i − (N+1)/2) δ for i = 1..N, each row normalised by
//     Σ_a exp(…) + 1e-8; for N = 1 the stride scale is (A − 1)/1.
//   - write patch w_t = write.W h_dec_t + write.b (N×N row-major), added as
//     (1/γ̂) F̂yᵀ w_t F̂x; without attention write.W's 784 outputs add to c.
//   - loss per image: Σ_pixels BCE-with-logits(c_T, x) + Σ_t KL; the bound
//     and its gradient are means over the batch. Images are binarized once:
//     pixel = 1 with probability = intensity (gl_draw_binarize).
//
// Layers come as forward/backward pairs over plain float buffers (shapes in
// the comments); backward functions ACCUMULATE into their outputs.
#ifndef GL_DRAW_H
#define GL_DRAW_H
#include "gl_params.h"
#include "gl_trace.h"
#include <stdatomic.h>
#include <stdint.h>

#define GL_DRAW_A 28            // image width and height
#define GL_DRAW_D (GL_DRAW_A * GL_DRAW_A)
#define GL_DRAW_MAXT 64
#define GL_DRAW_MAXN 12

// ---- filter banks (one sample) -------------------------------------------------
// The five attention parameters as the linear layer emits them.
enum { GL_DA_GX = 0, GL_DA_GY, GL_DA_LOGS2, GL_DA_LOGDELTA, GL_DA_LOGGAMMA, GL_DA_NPAR };
// The same in image units: centre (gx, gy) in pixel positions 1..A, stride
// δ, variance σ², intensity γ.
typedef struct { float gx, gy, delta, sigma2, gamma; } gl_draw_window;
void gl_draw_window_of(const float *p5, int N, int A, gl_draw_window *w);

// p5 (5) -> Fx (N,A), Fy (N,A), *gamma. Each row of Fx and Fy sums to 1.
void gl_draw_filterbank_forward(float *Fx, float *Fy, float *gamma, const float *p5, int N, int A);
// dFx, dFy (N,A), dgamma -> dp5 (5) (accumulated).
void gl_draw_filterbank_backward(float *dp5, const float *dFx, const float *dFy, float dgamma,
                            const float *Fx, const float *Fy, const float *p5, int N, int A);
// patch (N,N) = γ Fy img Fxᵀ, img (A,A). tmp (N,A) keeps Fy img for backward.
void gl_draw_read_forward(float *patch, float *tmp, const float *img, const float *Fx, const float *Fy, float gamma,
                          int N, int A);
// Accumulates dimg (A,A) (may be NULL), dFx, dFy (N,A); returns dγ.
float gl_draw_read_backward(float *dimg, float *dFx, float *dFy, const float *dpatch, const float *patch,
                       const float *tmp, const float *img, const float *Fx, const float *Fy, float gamma, int N, int A);
// canvas (A,A) += (1/γ) Fyᵀ w Fx, w (N,N). tmp (N,A) keeps w Fx.
void gl_draw_write_forward(float *canvas, float *tmp, const float *w, const float *Fx, const float *Fy, float gamma,
                           int N, int A);
// dcanvas (A,A) -> dw (N,N), dFx, dFy (accumulated); returns dγ.
float gl_draw_write_backward(float *dw, float *dFx, float *dFy, const float *dcanvas, const float *tmp,
                        const float *w, const float *Fx, const float *Fy, float gamma, int N, int A);
// KL(N(μ, σ²) ‖ N(0,1)) summed over n latents, σ = exp(logsig) (eq. 11).
double gl_kl_forward(const float *mu, const float *logsig, int n);
// dmu, dlogsig += scale · ∂KL.
void gl_kl_backward(float *dmu, float *dlogsig, const float *mu, const float *logsig, int n, float scale);

// ---- the model -----------------------------------------------------------------
typedef struct {
    int attention;    // 1: selective attention, 0: whole image
    int T;            // steps
    int read_n, write_n;
    int enc, dec;     // LSTM sizes
    int z;            // latent size per step
} gl_draw_config;

typedef struct gl_draw gl_draw;
gl_draw *gl_draw_new(const gl_draw_config *cfg, uint64_t seed);   // NULL + gl_err on bad sizes
// Loads a file written by gl_draw_save (config from its metadata). with_opt
// also restores the Adam state (checkpoints).
gl_draw *gl_draw_load(const char *path, int with_opt);
int gl_draw_save(const gl_draw *m, const char *path, const gl_meta *extra, int with_opt);
void gl_draw_free(gl_draw *m);
const gl_draw_config *gl_draw_cfg(const gl_draw *m);
gl_params *gl_draw_params(gl_draw *m);
const gl_meta *gl_draw_meta(const gl_draw *m);   // metadata of the loaded file

// Training pass over a minibatch. x (B,784) binary; eps (T,B,z) standard
// normal noise (the reparameterisation). Returns the mean bound per image in
// nats (reconstruction + KL); *recon and *kl (may be NULL) get its parts.
double gl_draw_forward(gl_draw *m, const float *x, const float *eps, int B, double *recon, double *kl);
// Accumulates ∂(mean bound)/∂params into the gradients of gl_draw_params
// (zero them first). Uses the activations of the last gl_draw_forward.
void gl_draw_backward(gl_draw *m);
// Canvas logits c_T (B,784) of the last forward pass.
const float *gl_draw_canvas(const gl_draw *m);

// ---- on every core (gl_par) --------------------------------------------------------
// A minibatch split over the cores, each part on a replica of the model (the
// same weights, its own activations and gradients). x (B,784), eps (T,B,z)
// as for gl_draw_forward. grads: also backward, accumulating the gradient of
// the mean bound into m's parameters (zero them first), as one
// gl_draw_forward + gl_draw_backward over the whole batch would, up to float
// rounding. Returns the mean bound.
typedef struct gl_draw_trainer gl_draw_trainer;
gl_draw_trainer *gl_draw_trainer_new(gl_draw *m);
void gl_draw_trainer_free(gl_draw_trainer *t);
double gl_draw_trainer_step(gl_draw_trainer *t, const float *x, const float *eps, int B, int grads, double *rec,
                            double *kl);
// A flag (NULL: none) that long passes on m look at between time steps: the
// trainer's step (gl_draw_trainer_step of a trainer made from m) and
// gl_draw_bound return NaN, leaving m's weights as they were, soon after it
// is raised. A training session uses its stop flag, so closing the app or
// pausing does not wait out a step.
void gl_draw_set_stop(gl_draw *m, const atomic_int *stop);
// Mean bound (nats per image) of n binarized images in batches of 100 on
// every core, one ε sample per image: the noise of all batches is drawn in
// order from one stream seeded with seed, each batch's as (T, b, z).
double gl_draw_bound(gl_draw *m, const float *x, int n, uint64_t seed, double *rec, double *kl);

// ---- runs for views: one frame per step ----------------------------------------
// A frame holds σ(c_t), the canvas as the view shows it, and the windows
// of that step (has_read is 0 when generating; windows are zero without
// attention). With attention it also holds what passed through them, so a
// view can show the patches enlarged: wpatch, the write patch w_t
// (write_n × write_n row-major, before the 1/γ̂ and the filters, eq. 28-29),
// and rpatch, the read r_t = [γ Fy x Fxᵀ, γ Fy x̂ Fxᵀ] (two read_n × read_n
// row-major patches, eq. 27; zero when has_read is 0).
typedef struct {
    int t;
    int has_read;
    gl_draw_window read, write;
    float canvas[GL_DRAW_D];
    float wpatch[GL_DRAW_MAXN * GL_DRAW_MAXN];
    float rpatch[2 * GL_DRAW_MAXN * GL_DRAW_MAXN];
} gl_draw_frame;

// Generates one digit from the prior (z_t ~ N(0,I) from seed). Appends T
// frames to trace (may be NULL; kind GL_TRACE_DRAW, frame size
// sizeof(gl_draw_frame)), checks *cancel (may be NULL) between steps and
// stops early when it is set; out784 (may be NULL) gets the final σ(c_T).
// Returns the number of steps run. One thread per model at a time.
int gl_draw_generate(gl_draw *m, uint64_t seed, gl_trace *trace, const atomic_int *cancel, float *out784);
// Encodes img (784 values in [0,1]) and rebuilds it (z_t = μ_t, or sampled
// when seed != 0), with the read window of each step in the frames.
int gl_draw_reconstruct(gl_draw *m, const float *img, uint64_t seed, gl_trace *trace, const atomic_int *cancel,
                        float *out784);
// A trace sized for one run of this model.
gl_trace *gl_draw_trace_new(const gl_draw *m);

// ---- where the windows look (selectivity) --------------------------------------
// Over n runs: per step t, the median box side (N−1)·δ (pixels), centre
// (gx, gy), intensity γ, and distance the centre moved since step t−1; over
// all steps of all runs, the median box side and step distance; and the
// share of runs whose centre visits all four quadrants of the canvas (split
// at its middle, 14.5). Write windows of generations from the prior (seeds
// seed..seed+n−1), or, with imgs (n,784) given, read windows of
// reconstructions of those images (z = μ). -1 without attention.
typedef struct {
    int T, n;
    float box[GL_DRAW_MAXT], gx[GL_DRAW_MAXT], gy[GL_DRAW_MAXT], gamma[GL_DRAW_MAXT], travel[GL_DRAW_MAXT];
    float box_all, travel_all;   // medians over every step of every run
    float box_min, box_max;      // extremes over every step of every run
    float quadrants_all;         // share of runs visiting all four quadrants
    // the same with a dead band: a centre within 1 px of a middle line counts
    // for no quadrant (a centre that hovers on the middle does not visit all four)
    float quadrants_dead;
    float path_all;              // median over runs of the length of the centre's path (px, all T steps)
    float small_box_share;       // share of the steps of all runs whose box side is <= 12 px
} gl_draw_window_stats;
int gl_draw_window_stats_of(gl_draw *m, int n, uint64_t seed, const float *imgs, gl_draw_window_stats *st);

// ---- possible futures (gl_draw_future.c) ------------------------------------------
// The canvases a generation could still become: a gl_draw_futures follows
// gl_draw_generate(m, seed) to step t with the decoder alone (t = 0: the
// learned c_0), and gl_draw_futures_sample runs n futures of the remaining
// steps at once (one batch through the decoder's products) with fresh
// z ~ N(0, scale² I). Future r's noise is the stream seed + r *
// GL_DRAW_FUTURES_SEED_STRIDE drawn for every step from 0 in order, as
// gl_draw_generate draws it, of which the steps from t on are used: future 0
// with the followed run's seed continues it as gl_draw_generate did (up to
// float rounding), and the same seed from a later step keeps the later
// steps' noise. Sampling leaves the followed state as it was. The model must
// outlive it and keep its weights; one thread at a time.
#define GL_DRAW_FUTURES_MAX 64
#define GL_DRAW_FUTURES_SEED_STRIDE 0x9e3779b97f4a7c15ull
typedef struct gl_draw_futures gl_draw_futures;
gl_draw_futures *gl_draw_futures_new(gl_draw *m);   // NULL with gl_err
void gl_draw_futures_free(gl_draw_futures *f);
// Follows the generation with this seed to after step t (0..T). -1 with gl_err.
int gl_draw_futures_follow(gl_draw_futures *f, uint64_t seed, int t);
int gl_draw_futures_step(const gl_draw_futures *f);          // the step followed to
void gl_draw_futures_canvas(const gl_draw_futures *f, float *out784);   // σ(c_t) of the followed run
typedef struct {
    int n;                      // futures, 1..GL_DRAW_FUTURES_MAX
    float scale;                // the spread of z (0 or 1: the prior's)
    uint64_t seed;
    const atomic_int *cancel;   // checked between steps; may be NULL
} gl_draw_futures_opts;
// out (n, 784): each future's σ(c_T). 0; 1 when cancelled; -1 with gl_err.
int gl_draw_futures_sample(gl_draw_futures *f, const gl_draw_futures_opts *o, float *out);

// Binarizes MNIST images in place: pixel = 1 with probability = intensity,
// from a fixed seed (done once, as in the literature).
void gl_draw_binarize(float *x, size_t n, uint64_t seed);
// dst = src binarized as gl_draw_binarize(copy of src, n, seed) would, looking
// at *cancel (may be NULL) every 2^16 values: returns 1, dst part-filled,
// soon after it is raised; 0 when done.
int gl_draw_binarize_copy(float *dst, const float *src, size_t n, uint64_t seed, const atomic_int *cancel);
#define GL_DRAW_BINARIZE_SEED 20150216ULL
#endif
