// gl_wpack_avx2: the packed product with AVX2+FMA (see gl_wpack.h). Built
// with -mavx2 -mfma and called only where the CPU has both.
//
// The panels are gl_wpack.c's, 32 columns wide (the AVX-512 kernel's two
// zmm registers): row k of a panel holds op(w)[k][32p .. 32p+31], zero past
// column N. Sixteen ymm registers hold 6 rows × 16 columns of sums (12), the
// two weight vectors of row k (2) and the broadcast a[r][k]: per k, 12 FMAs
// against 8 loads, so the two FMA units set the pace, and 12 independent
// sums cover the FMA latency. So the kernel runs over each half of a panel
// (its rows 128 bytes apart, 64 used: whole cache lines) for all blocks of 6
// rows, then over the last 1–5 rows: 1–3 of them over the whole panel at
// once (3 × 4 sums: fewer rows than 6 would leave too few sums in flight).
//
// Each sum starts at 0 and takes one FMA per k in order, as the AVX-512
// kernel's do, so both give the same bits.
#include "gl_wpack.h"
#include <immintrin.h>

#define NR 32   // panel width (gl_wpack.c)
#define MR 6    // rows per register block

// lanes j of the 8 columns from c with j < n (n may be ≤ 0 or ≥ 8)
static inline __m256i lanes(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// rows × (8·nv) columns of C (nn of them stored) from `rows` rows of A and
// the columns of one panel at P; rows and nv are constants at every call
// site, so the loops unroll and the sums stay in registers
static inline __attribute__((always_inline)) void block(const int rows, const int nv, float *C, int ldc, const float *A,
                                                        int lda, const float *P, int K, int acc, int nn) {
    __m256 s[MR][4];
    _Pragma("GCC unroll 6") for (int r = 0; r < rows; r++)
        _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) s[r][v] = _mm256_setzero_ps();
    for (int k = 0; k < K; k++) {
        __m256 b[4];
        _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) b[v] = _mm256_load_ps(P + (size_t)k * NR + 8 * v);
        _Pragma("GCC unroll 6") for (int r = 0; r < rows; r++) {
            __m256 a = _mm256_broadcast_ss(A + (size_t)r * lda + k);
            _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) s[r][v] = _mm256_fmadd_ps(a, b[v], s[r][v]);
        }
    }
    _Pragma("GCC unroll 6") for (int r = 0; r < rows; r++) {
        float *c = C + (size_t)r * ldc;
        _Pragma("GCC unroll 4") for (int v = 0; v < nv; v++) {
            int n = nn - 8 * v;
            if (n >= 8) {
                if (acc) s[r][v] = _mm256_add_ps(s[r][v], _mm256_loadu_ps(c + 8 * v));
                _mm256_storeu_ps(c + 8 * v, s[r][v]);
            } else if (n > 0) {   // the last columns: masked, so nothing past column N is read or written
                __m256i m = lanes(n);
                if (acc) s[r][v] = _mm256_add_ps(s[r][v], _mm256_maskload_ps(c + 8 * v, m));
                _mm256_maskstore_ps(c + 8 * v, m, s[r][v]);
            }
        }
    }
}

// the last 1–5 rows of one panel (nn columns of it)
static void tail(int rows, float *C, int ldc, const float *A, int lda, const float *P, int K, int acc, int nn) {
    if (rows <= 3 && nn > 16) {
        switch (rows) {
            case 1: block(1, 4, C, ldc, A, lda, P, K, acc, nn); break;
            case 2: block(2, 4, C, ldc, A, lda, P, K, acc, nn); break;
            default: block(3, 4, C, ldc, A, lda, P, K, acc, nn); break;
        }
        return;
    }
    for (int h = 0; h < nn; h += 16) {
        float *c = C + h;
        const float *p = P + h;
        switch (rows) {
            case 1: block(1, 2, c, ldc, A, lda, p, K, acc, nn - h); break;
            case 2: block(2, 2, c, ldc, A, lda, p, K, acc, nn - h); break;
            case 3: block(3, 2, c, ldc, A, lda, p, K, acc, nn - h); break;
            case 4: block(4, 2, c, ldc, A, lda, p, K, acc, nn - h); break;
            default: block(5, 2, c, ldc, A, lda, p, K, acc, nn - h); break;
        }
    }
}

void gl_wpack_gemm_avx2(float *C, int ldc, const float *A, int lda, int M, const float *P, int K, int N, int acc) {
    int full = M / MR * MR;
    for (int n0 = 0; n0 < N; n0 += NR) {
        int nn = N - n0 < NR ? N - n0 : NR;
        const float *pp = P + (size_t)(n0 / NR) * NR * K;
        for (int h = 0; h < nn; h += 16)   // a half panel (8 KB at K = 128) stays in L1 over the blocks of rows
            for (int i = 0; i < full; i += MR)
                block(MR, 2, C + (size_t)i * ldc + n0 + h, ldc, A + (size_t)i * lda, lda, pp + h, K, acc, nn - h);
        if (M > full) tail(M - full, C + (size_t)full * ldc + n0, ldc, A + (size_t)full * lda, lda, pp, K, acc, nn);
    }
}
