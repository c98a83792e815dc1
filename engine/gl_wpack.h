// gl_wpack: a weight matrix laid out once for the many products of few rows
// that reuse it: the recurrent products of an LSTM run step by step, where
// each step multiplies 16–50 rows by the same (4H, H) weights. A general
// sgemm packs the weights again at every such call (for 16 rows of 256 that
// costs as much as the arithmetic: OpenBLAS reaches 60–90 GFLOP/s on one
// thread there, against 150–190 on large products). Packed once per
// minibatch into panels of 32 columns, K rows each, the product of a few
// rows runs in a register kernel at the large-product rate:
//   avx512  8 rows × 32 columns of sums in 16 zmm registers, the weights
//           streamed once per 8 rows (engine/gl_wpack.c);
//   avx2    6 rows × 16 columns (half a panel) of sums in 12 ymm registers,
//           with AVX2+FMA, as most desktop CPUs have (AMD before Zen 4,
//           Intel's consumer chips); 3 rows take a whole panel
//           (engine/gl_wpack_avx2.c, built for x86-64 only);
//   blas    cblas_sgemm on the original weights, which must therefore stay
//           where they were (and the only path off x86-64).
// The best one this CPU runs is used (cpuid: avx512 > avx2 > blas), unless
// the environment variable GLIMPSE_WPACK=avx512|avx2|blas names another (for
// tests and benchmarks; read once, at the first use; a kernel this CPU lacks
// falls back to the best it has, with one line on stderr). All kernels
// share one panel layout, so switching between them needs no repacking.
//
// Each entry of the result is Σ_k a[k]·b[k] summed in order k = 0..K−1 with
// one fused multiply-add per term, from 0, then added to C when beta is 1 —
// whatever the number of rows or which rows they are, and the same bits from
// both packed kernels: splitting a minibatch over threads gives the same
// values. (The blas path promises only float accuracy.)
#ifndef GL_WPACK_H
#define GL_WPACK_H
#include <stddef.h>

typedef struct {
    const float *w;   // the weights as given
    int trans;        // the product uses wᵀ, w being (N,K) (a layer's (out,in) weights); else w is (K,N)
    int K, N, ldw;    // ldw: w's row stride (a block of columns of a wider matrix can be packed)
    float *p;         // the panels (NULL: no packed kernel chosen; cblas on w)
    size_t cap;
} gl_wpack;

// (Re)lay out w for C = A·op(w): after every change of w's values. ldw is
// w's row stride, 0 for its width (K when trans, else N).
void gl_wpack_set(gl_wpack *pk, const float *w, int ldw, int trans, int K, int N);
void gl_wpack_free(gl_wpack *pk);
// C (M,N) = A (M,K) · op(w) + beta·C (beta 0 or 1), row-major with leading
// dimensions. Counted in gl_nn_flops.
void gl_wpack_gemm(float *C, int ldc, const float *A, int lda, int M, const gl_wpack *pk, float beta);

// The kernels, slowest first.
enum { GL_WPACK_BLAS, GL_WPACK_AVX2, GL_WPACK_AVX512 };
// "avx512", "avx2" or "blas": what gl_wpack_gemm uses now.
const char *gl_wpack_target(void);
// The best kernel this CPU (and this build) runs, whatever is chosen.
int gl_wpack_best(void);
// Tests and benchmarks: use kernel k from now on (packs set while blas was
// chosen hold no panels and stay on cblas until set again). Returns the
// previous choice, or -1, changing nothing, when this CPU cannot run k.
int gl_wpack_force(int k);
// Tests: use cblas even where a packed kernel is chosen (returns the previous setting).
int gl_wpack_force_blas(int on);

// The AVX2+FMA kernel (gl_wpack_avx2.c), for gl_wpack_gemm only: C (M, N) =
// A · the K×N panels P (+ C when acc).
void gl_wpack_gemm_avx2(float *C, int ldc, const float *A, int lda, int M, const float *P, int K, int N, int acc);
#endif
