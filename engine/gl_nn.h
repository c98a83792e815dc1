// gl_nn: layers shared by every model, as forward/backward pairs over plain
// float buffers (row-major). Backward functions ACCUMULATE (+=) into every
// gradient they write, so the caller zeroes them once per minibatch.
#ifndef GL_NN_H
#define GL_NN_H
#include "gl_wpack.h"

// out (B,OC) = inp (B,C) · wᵀ (w is (OC,C)) + b (OC); b may be NULL.
// With accumulate set, out += instead of =.
void gl_linear_forward(float *out, const float *inp, const float *w, const float *b, int B, int C, int OC,
                       int accumulate);
// C (M,N) = beta·C + op(A)·op(B) on row-major blocks with leading
// dimensions (so a block of columns of a wider matrix can take part);
// op(X) = Xᵀ when tX. Counted in gl_nn_flops like the layers' products.
void gl_sgemm(int tA, int tB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float beta,
              float *C, int ldc);
// dinp (B,C) += dout · w;  dw (OC,C) += doutᵀ · inp;  db (OC) += Σ_B dout.
// Any of dinp, dw, db may be NULL.
void gl_linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w, int B,
                        int C, int OC);

// LSTM cell without peepholes (gate order i, f, g, o):
//   pre = x·Wxᵀ + h_prev·Whᵀ + b           (B,4H)
//   i,f,o = σ(pre), g = tanh(pre)
//   c = f⊙c_prev + i⊙g,  h = o⊙tanh(c)
// act (B,4H) keeps the activated gates and tc (B,H) keeps tanh(c) for backward.
// x is (B,I), Wx (4H,I), Wh (4H,H), b (4H). h_prev/c_prev may be NULL (zeros).
// pre_extra (B,4H), if not NULL, is added to the pre-activations (for inputs
// projected elsewhere, e.g. skip connections).
void gl_lstm_forward(float *h, float *c, float *act, float *tc,
                     const float *x, const float *h_prev, const float *c_prev,
                     const float *Wx, const float *Wh, const float *b,
                     const float *pre_extra, int B, int NI, int H);
// dh, dc: total gradient reaching h and c of this step (dc is modified in
// place: it gains the path through h). Writes dpre (B,4H) (gradient of the
// pre-activations), then accumulates dx, dh_prev, dc_prev, dWx, dWh, db.
// Any of dx, dh_prev, dc_prev may be NULL.
void gl_lstm_backward(float *dpre, float *dx, float *dh_prev, float *dc_prev,
                      float *dWx, float *dWh, float *db,
                      const float *dh, float *dc, const float *act, const float *tc,
                      const float *x, const float *h_prev, const float *c_prev,
                      const float *Wx, const float *Wh, int B, int NI, int H);

// ---- the same LSTM over a sequence whose inputs are known in advance ----------
// Forward: pre (T·B,4H) = X·Wxᵀ + b for all steps in one product
// (gl_linear_forward), then for each step t, with act = pre + t·B·4H:
void gl_lstm_step_forward(float *h, float *c, float *act, float *tc,
                          const float *h_prev, const float *c_prev, const float *Wh, int B, int H);
// Backward of one step without any weight gradient: writes dpre (B,4H)
// (keep it for every step), accumulates dh_prev (B,H) (may be NULL) and
// dc_prev. dc is modified as in gl_lstm_backward. After the last step:
//   gl_lstm_weights_backward(dX, dWx, dWh, db, dPRE, X, Hs, Wx, T, B, NI, H)
// turns every step's dpre into the input and weight gradients in three
// large products.
void gl_lstm_step_backward(float *dpre, float *dh_prev, float *dc_prev, const float *dh, float *dc,
                           const float *act, const float *tc, const float *c_prev, const float *Wh, int B, int H);
// The same two steps with Wh packed once for all of them (gl_wpack.h):
// Whf = gl_wpack_set(·, Wh, 0, 1, H, 4H) for the forward, Whb =
// gl_wpack_set(·, Wh, 0, 0, 4H, H) for the backward.
void gl_lstm_step_forward_p(float *h, float *c, float *act, float *tc,
                            const float *h_prev, const float *c_prev, const gl_wpack *Whf, int B, int H);
void gl_lstm_step_backward_p(float *dpre, float *dh_prev, float *dc_prev, const float *dh, float *dc,
                             const float *act, const float *tc, const float *c_prev, const gl_wpack *Whb, int B, int H);
// dPRE (T·B,4H) of all steps; X (T·B,NI) the inputs of all steps; Hprev
// ((T−1)·B,H) the states that steps 1..T−1 read (step 0 reads zeros).
// dX (T·B,NI) += dPRE·Wx (may be NULL); dWx += dPREᵀX; db += Σ dPRE;
// dWh += Σ_{t≥1} dPRE_tᵀ h_{t−1} with h_{t−1} = Hprev + (t−1)·B·H.
void gl_lstm_weights_backward(float *dX, float *dWx, float *dWh, float *db, const float *dPRE,
                              const float *X, const float *Hprev, const float *Wx, int T, int B, int NI, int H);

// Floating-point operations (2·M·N·K per product) of every matrix product
// that went through gl_linear_*, for the benchmarks' GFLOP/s.
void gl_nn_flops_reset(void);
double gl_nn_flops(void);
void gl_nn_flops_add(double n);   // products computed elsewhere (gl_wpack)

static inline float gl_sigmoid(float x) { return 1.0f / (1.0f + __builtin_expf(-x)); }
// In-place softmax over n values; returns log of the normaliser (logsumexp).
float gl_softmax(float *x, int n);
#endif
