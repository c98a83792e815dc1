// gl_wpack: see gl_wpack.h. The kernel is compiled for AVX-512F through the
// target attribute (the rest of the engine stays baseline x86-64) and
// chosen at run time when the CPU and the OS support it.
#include "gl_wpack.h"
#include "gl_nn.h"
#include <cblas.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define NR 32   // columns per panel: two 16-float registers
#define MR 8    // rows per register block

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GL_WPACK_AVX512 1
#include <immintrin.h>
#define T512 __attribute__((target("avx512f")))
#endif

static atomic_int force_blas;
int gl_wpack_force_blas(int on) { return atomic_exchange(&force_blas, on); }

static int have_kernel(void) {
#ifdef GL_WPACK_AVX512
    static int cached = -1;
    if (cached < 0) { __builtin_cpu_init(); cached = __builtin_cpu_supports("avx512f") != 0; }
    return cached;
#else
    return 0;
#endif
}
const char *gl_wpack_target(void) { return have_kernel() && !atomic_load(&force_blas) ? "avx512" : "blas"; }

void gl_wpack_set(gl_wpack *pk, const float *w, int ldw, int trans, int K, int N) {
    if (ldw <= 0) ldw = trans ? K : N;
    pk->w = w; pk->trans = trans; pk->K = K; pk->N = N; pk->ldw = ldw;
    size_t np = N > 0 ? (size_t)(N + NR - 1) / NR : 0, need = np * NR * (size_t)(K > 0 ? K : 0);
    if (!have_kernel() || need == 0) return;   // (an empty product never reads the panels)
    if (need > pk->cap) {
        free(pk->p);
        pk->p = aligned_alloc(64, (need * sizeof(float) + 63) / 64 * 64);
        if (!pk->p) { fprintf(stderr, "glimpse: out of memory (%zu bytes)\n", need * sizeof(float)); abort(); }
        pk->cap = need;
    }
    // panel p, row k holds op(w)[k][32p .. 32p+31], zero past column N
    for (size_t p = 0; p < np; p++) {
        float *dst = pk->p + p * NR * (size_t)K;
        int n0 = (int)p * NR, nn = N - n0 < NR ? N - n0 : NR;
        if (trans) {
            if (nn < NR) memset(dst, 0, sizeof(float) * NR * (size_t)K);
            for (int j = 0; j < nn; j++) {
                const float *src = w + (size_t)(n0 + j) * ldw;
                for (int k = 0; k < K; k++) dst[(size_t)k * NR + j] = src[k];
            }
        } else {
            for (int k = 0; k < K; k++) {
                memcpy(dst + (size_t)k * NR, w + (size_t)k * ldw + n0, sizeof(float) * nn);
                if (nn < NR) memset(dst + (size_t)k * NR + nn, 0, sizeof(float) * (NR - nn));
            }
        }
    }
}

void gl_wpack_free(gl_wpack *pk) {
    free(pk->p);
    memset(pk, 0, sizeof *pk);
}

#ifdef GL_WPACK_AVX512
// rows × 32 columns of C from `rows` rows of A and one panel; rows is a
// constant at every call site, so the loops unroll and the sums stay in registers
static inline __attribute__((always_inline)) T512 void block(const int rows, float *C, int ldc, const float *A, int lda,
                                                               const float *P, int K, int acc, __mmask16 m0, __mmask16 m1) {
    __m512 s[MR][2];
    _Pragma("GCC unroll 8") for (int r = 0; r < rows; r++) { s[r][0] = _mm512_setzero_ps(); s[r][1] = _mm512_setzero_ps(); }
    for (int k = 0; k < K; k++) {
        __m512 b0 = _mm512_load_ps(P + (size_t)k * NR), b1 = _mm512_load_ps(P + (size_t)k * NR + 16);
        _Pragma("GCC unroll 8") for (int r = 0; r < rows; r++) {
            __m512 a = _mm512_set1_ps(A[(size_t)r * lda + k]);
            s[r][0] = _mm512_fmadd_ps(a, b0, s[r][0]);
            s[r][1] = _mm512_fmadd_ps(a, b1, s[r][1]);
        }
    }
    _Pragma("GCC unroll 8") for (int r = 0; r < rows; r++) {
        float *c = C + (size_t)r * ldc;
        if (acc) {
            s[r][0] = _mm512_add_ps(s[r][0], _mm512_maskz_loadu_ps(m0, c));
            s[r][1] = _mm512_add_ps(s[r][1], _mm512_maskz_loadu_ps(m1, c + 16));
        }
        _mm512_mask_storeu_ps(c, m0, s[r][0]);
        _mm512_mask_storeu_ps(c + 16, m1, s[r][1]);
    }
}

static T512 void gemm512(float *C, int ldc, const float *A, int lda, int M, const gl_wpack *pk, int acc) {
    int K = pk->K, N = pk->N;
    for (int n0 = 0; n0 < N; n0 += NR) {
        int nn = N - n0 < NR ? N - n0 : NR;
        __mmask16 m0 = nn >= 16 ? 0xffff : (__mmask16)((1u << nn) - 1);
        __mmask16 m1 = nn >= NR ? 0xffff : nn > 16 ? (__mmask16)((1u << (nn - 16)) - 1) : 0;
        const float *P = pk->p + (size_t)(n0 / NR) * NR * K;
        float *c = C + n0;
        int i = 0;
        for (; i + MR <= M; i += MR) block(MR, c + (size_t)i * ldc, ldc, A + (size_t)i * lda, lda, P, K, acc, m0, m1);
        const float *a = A + (size_t)i * lda;
        c += (size_t)i * ldc;
        switch (M - i) {
            case 1: block(1, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 2: block(2, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 3: block(3, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 4: block(4, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 5: block(5, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 6: block(6, c, ldc, a, lda, P, K, acc, m0, m1); break;
            case 7: block(7, c, ldc, a, lda, P, K, acc, m0, m1); break;
            default: break;
        }
    }
}
#endif

void gl_wpack_gemm(float *C, int ldc, const float *A, int lda, int M, const gl_wpack *pk, float beta) {
    if (M <= 0 || pk->N <= 0) return;
    gl_nn_flops_add(2.0 * M * pk->N * pk->K);
    if (pk->K <= 0) {
        if (beta == 0) for (int i = 0; i < M; i++) memset(C + (size_t)i * ldc, 0, sizeof(float) * pk->N);
        return;
    }
#ifdef GL_WPACK_AVX512
    if (pk->p && !atomic_load(&force_blas)) { gemm512(C, ldc, A, lda, M, pk, beta != 0); return; }
#endif
    cblas_sgemm(CblasRowMajor, CblasNoTrans, pk->trans ? CblasTrans : CblasNoTrans, M, pk->N, pk->K, 1.0f, A, lda,
                pk->w, pk->ldw, beta, C, ldc);
}
