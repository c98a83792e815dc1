// gl_vmath: vectorised elementwise kernels for the hot loops of every model
// (exp, sigmoid, tanh, the LSTM's fused gate activations and their
// backward). Each kernel is compiled twice, for AVX2+FMA and for the
// baseline x86-64 (or any other) target, and the faster one that this CPU
// supports is picked at the first call.
//
// Accuracy (tested against libm over [-90, 90] and near 0, see test_core):
// exp: ≤ 2 ulp relative on [-87, 88] (a Cephes-style degree-5 polynomial
// after range reduction by ln 2); beyond, exp overflows to +inf and
// underflows to 0 as libm does (below ≈ -87.3 it flushes to 0 instead of
// returning subnormals). sigmoid(x) = 1/(1+exp(-x)): ≤ 3 ulp relative.
// tanh: for |x| < 0.625 an odd polynomial (relative error ≤ 2 ulp), above
// 1 − 2/(exp(2|x|)+1) with the sign restored (absolute error ≤ 1.2e-7).
#ifndef GL_VMATH_H
#define GL_VMATH_H
#include <stddef.h>

void gl_vexp(float *y, const float *x, size_t n);       // y may alias x
void gl_vsigmoid(float *y, const float *x, size_t n);
void gl_vtanh(float *y, const float *x, size_t n);

// LSTM gates (order i, f, g, o) of B rows: act (B,4H) holds the
// pre-activations on entry and the activated gates on exit;
// c = f⊙c_prev + i⊙g (c_prev NULL: zeros), tc = tanh(c), h = o⊙tc.
void gl_lstm_pointwise_forward(float *act, float *c, float *tc, float *h, const float *c_prev, int B, int H);
// Backward of the above: dh (B,H) reaching h; dc (B,H) reaching c (in: from
// the next step, out: the total, gaining the path through h). Writes dpre
// (B,4H); dc_prev (may be NULL) += dc⊙f.
void gl_lstm_pointwise_backward(float *dpre, float *dc_prev, const float *dh, float *dc,
                                const float *act, const float *tc, const float *c_prev, int B, int H);

// 5x5 convolution of a 28x28 plane zero-padded to pad (32,32):
// out (CH,784) += Σ w[c·wstride + dy·5 + dx] · pad[(y+dy)·32 + x+dx], and the
// weight gradient of the same: dw[c·wstride + tap] += Σ dout · pad.
void gl_conv5x5_forward(float *out, const float *pad, const float *w, int wstride, int CH);
void gl_conv5x5_backward_w(float *dw, const float *dout, const float *pad, int wstride, int CH);

// Batch-1 products with half-precision weights (a matrix-vector product is
// bound by reading its weights; halves read half the bytes). gl_hpack stores
// the row-major (rows, cols) W as IEEE halves (round to nearest even) in
// blocks of 64 rows, column after column, zero-padded to a whole block:
// gl_hpack_len(rows, cols) halves. -1 when a weight is beyond ±65504 (or not
// finite): keep such a matrix in floats. gl_hgemv: y[r] += Σ_j W(r,j)·x[j],
// in float arithmetic; columns with x[j] == 0 are skipped.
#include <stdint.h>
size_t gl_hpack_len(int rows, int cols);
int gl_hpack(uint16_t *dst, const float *W, int rows, int cols);
void gl_hgemv(float *y, const uint16_t *W, const float *x, int rows, int cols);
// The same with int8 weights and one scale per row (a quarter of the float
// bytes): gl_qpack stores round(W(r,j)/scale[r]), scale[r] = max_j |W(r,j)|/127,
// in gl_hpack's layout (gl_hpack_len(rows, cols) bytes; scale holds rows
// rounded up to 64 floats); -1 when a weight is not finite. gl_qgemv:
// y[r] += scale[r]·Σ_j Q(r,j)·x[j], in float arithmetic; zero x[j] skipped.
int gl_qpack(int8_t *dst, float *scale, const float *W, int rows, int cols);
void gl_qgemv(float *y, const int8_t *Q, const float *scale, const float *x, int rows, int cols);

// Name of the kernel set in use ("avx2+fma" or "baseline"), for benchmarks.
const char *gl_vmath_target(void);
// Forces the int8 product's AVX2 kernel where AVX-512 is there (tests run
// both); returns the old setting.
int gl_vmath_force_no_avx512(int on);
// Forces the baseline kernels (tests compare both sets); returns the old setting.
int gl_vmath_force_baseline(int on);
#endif
