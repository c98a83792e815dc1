// gl_wpack: a weight matrix laid out once for the many products of few rows
// that reuse it: the recurrent products of an LSTM run step by step, where
// each step multiplies 16–50 rows by the same (4H, H) weights. A general
// sgemm packs the weights again at every such call (for 16 rows of 256 that
// costs as much as the arithmetic: OpenBLAS reaches 60–90 GFLOP/s on one
// thread there, against 150–190 on large products). Packed once per
// minibatch into panels of 32 columns, K rows each, the product of a few
// rows runs in an AVX-512 register kernel (8 rows × 32 columns of sums in
// 16 registers, the weights streamed once per 8 rows) at the large-product
// rate.
//
// Without AVX-512 (or with gl_wpack_force_blas) the product is cblas_sgemm
// on the original weights, which must then stay where they were.
//
// Each entry of the result is Σ_k a[k]·b[k] summed in order k = 0..K−1 with
// one fused multiply-add per term, whatever the number of rows or which rows
// they are: splitting a minibatch over threads gives the same values.
#ifndef GL_WPACK_H
#define GL_WPACK_H
#include <stddef.h>

typedef struct {
    const float *w;   // the weights as given
    int trans;        // the product uses wᵀ, w being (N,K) (a layer's (out,in) weights); else w is (K,N)
    int K, N, ldw;    // ldw: w's row stride (a block of columns of a wider matrix can be packed)
    float *p;         // the panels (NULL: no packed kernel on this CPU; cblas on w)
    size_t cap;
} gl_wpack;

// (Re)lay out w for C = A·op(w): after every change of w's values. ldw is
// w's row stride, 0 for its width (K when trans, else N).
void gl_wpack_set(gl_wpack *pk, const float *w, int ldw, int trans, int K, int N);
void gl_wpack_free(gl_wpack *pk);
// C (M,N) = A (M,K) · op(w) + beta·C (beta 0 or 1), row-major with leading
// dimensions. Counted in gl_nn_flops.
void gl_wpack_gemm(float *C, int ldc, const float *A, int lda, int M, const gl_wpack *pk, float beta);

// "avx512" or "blas": what gl_wpack_gemm uses on this CPU.
const char *gl_wpack_target(void);
// Tests: use cblas even where the packed kernel runs (returns the previous setting).
int gl_wpack_force_blas(int on);
#endif
