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
// in blocks of 64 rows; in each block the columns (zero-padded to a multiple
// of 16) go in pairs, a pair holding its two columns' weights row after row
// (r0c0 r0c1 r1c0 r1c1 …, 128 bytes): Q(r,j) is at gl_qpack_at(r, j, cols),
// gl_qpack_len(rows, cols) bytes in all; scale holds rows rounded up to 64
// floats; -1 when a weight is not finite.
// The input is quantized too, in blocks of 16 columns (gl_qx_make: int16,
// xs[b] = max |x| over the block / 32767, each x within xs[b]/2 of
// xs[b]·xq[j]; a block of zeros, one whose largest |x| is below 1e-30, or
// one with a non-finite x gets xs[b] = 0 and counts as zeros), so that a block's sums are
// integers, exact in int32, taken two columns at a time (AVX2's multiply-add
// of int16 pairs: 16 products an instruction against 8 with a float
// conversion of every weight). gl_qgemv_blocks: acc[r] += Σ_{b0 ≤ b < b1}
// xs[b]·Σ_{j in block b} Q(r,j)·xq[j], block after block (acc: rows rounded up
// to 64); a product split at a block and continued gives the same bits.
// gl_qgemv: y[r] += scale[r]·Σ_j Q(r,j)·x[j] through those, blocks of zeros
// skipped; its error beyond the weights' is at most scale[r]·Σ_j |Q(r,j)|·xs/2
// (all of |x| in a block counted as zeros).
size_t gl_qpack_len(int rows, int cols);
size_t gl_qpack_at(int r, int j, int cols);
int gl_qpack(int8_t *dst, float *scale, const float *W, int rows, int cols);
size_t gl_qx_len(int cols);   // int16 entries of xq (cols rounded up to 16); xs: a sixteenth of it
void gl_qx_make(int16_t *xq, float *xs, const float *x, int cols);
void gl_qgemv_blocks(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                     int b1);
// gl_qgemv_blocks4: the same for T ≤ 4 inputs at once (input t's xq, xs and
// acc at xq + t·xqs, xs + t·xss, acc + t·accs), each weight read once for
// all of them; the same bits as T calls of gl_qgemv_blocks.
void gl_qgemv_blocks4(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                      size_t xss, int T, int rows, int cols, int b0, int b1);
void gl_qgemv(float *y, const int8_t *Q, const float *scale, const float *x, int rows, int cols);

// Name of the kernel set in use ("baseline", "avx2+fma", or "avx2+fma, int8
// avx512[-vnni]" where the int8 product runs on AVX-512), for benchmarks.
const char *gl_vmath_target(void);
// The int8 product's kernels (engine/gl_qgemv512.c for AVX-512; all of them
// give the baseline's integer sums, and AVX2 and AVX-512 the same bits):
// the best the CPU runs, capped at a level (tests compare them; returns the
// old cap; GL_INT8_VNNI: no cap), and the name of the one in use.
enum { GL_INT8_BASE, GL_INT8_AVX2, GL_INT8_AVX512, GL_INT8_VNNI };
int gl_vmath_int8_cap(int level);
int gl_vmath_int8_best(void);
const char *gl_vmath_int8_target(void);
// Forces the baseline kernels (tests compare both sets); returns the old setting.
int gl_vmath_force_baseline(int on);
#endif
