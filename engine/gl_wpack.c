// gl_wpack: see gl_wpack.h. The AVX-512 kernel is compiled here through the
// target attribute (the rest of the engine stays baseline x86-64), the
// AVX2+FMA one in gl_wpack_avx2.c with -mavx2 -mfma; one of them, or cblas,
// is chosen at run time from what the CPU and the OS support.
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
#define HAVE_AVX512 1
#include <immintrin.h>
#define T512 __attribute__((target("avx512f")))
#endif
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
#define HAVE_AVX2 1
#endif

static const char *const names[] = { "blas", "avx2", "avx512" };
static atomic_int force_blas;
static atomic_int chosen = -1;   // a GL_WPACK_* once the first use has read the CPU and GLIMPSE_WPACK
int gl_wpack_force_blas(int on) { return atomic_exchange(&force_blas, on); }

int gl_wpack_best(void) {
    static atomic_int cached = -1;
    int b = atomic_load(&cached);
    if (b < 0) {
        b = GL_WPACK_BLAS;
#if defined(HAVE_AVX512) || defined(HAVE_AVX2)
        __builtin_cpu_init();   // (its checks include the OS's saving of the wide registers)
#endif
#ifdef HAVE_AVX2
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) b = GL_WPACK_AVX2;
#endif
#ifdef HAVE_AVX512
        if (__builtin_cpu_supports("avx512f")) b = GL_WPACK_AVX512;
#endif
        atomic_store(&cached, b);
    }
    return b;
}

static int choice(void) {
    int c = atomic_load(&chosen);
    if (c >= 0) return c;
    int best = gl_wpack_best(), want = best;
    const char *env = getenv("GLIMPSE_WPACK"), *why = NULL;
    if (env && *env) {
        want = -1;
        for (int k = 0; k < 3; k++) if (!strcmp(env, names[k])) want = k;
        if (want < 0) { why = "is not avx512, avx2 or blas"; want = best; }
        else if (want > best) { why = "names a kernel this CPU cannot run"; want = best; }
    }
    int expect = -1;
    if (atomic_compare_exchange_strong(&chosen, &expect, want)) {
        if (why) fprintf(stderr, "glimpse: GLIMPSE_WPACK=%s %s; using %s\n", env, why, names[want]);
        return want;
    }
    return expect;   // another thread chose first (the same way)
}

int gl_wpack_force(int k) {
    if (k < 0 || k > gl_wpack_best()) return -1;
    int old = choice();
    atomic_store(&chosen, k);
    return old;
}
const char *gl_wpack_target(void) { return atomic_load(&force_blas) ? "blas" : names[choice()]; }

void gl_wpack_set(gl_wpack *pk, const float *w, int ldw, int trans, int K, int N) {
    if (ldw <= 0) ldw = trans ? K : N;
    pk->w = w; pk->trans = trans; pk->K = K; pk->N = N; pk->ldw = ldw;
    size_t np = N > 0 ? (size_t)(N + NR - 1) / NR : 0, need = np * NR * (size_t)(K > 0 ? K : 0);
    if (need == 0) return;   // (an empty product never reads the panels)
    if (choice() == GL_WPACK_BLAS) {   // no panels, not stale ones that a later gl_wpack_force would use
        free(pk->p); pk->p = NULL; pk->cap = 0;
        return;
    }
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

#ifdef HAVE_AVX512
// rows × 32 columns of C from `rows` rows of A and one panel; rows is a
// constant at every call site, so the loops unroll and the sums stay in registers
static inline __attribute__((always_inline)) T512 void block(const int rows, float *C, int ldc, const float *A, int lda,
                                                             const float *P, int K, int acc, __mmask16 m0,
                                                             __mmask16 m1) {
    __m512 s[MR][2];
    _Pragma("GCC unroll 8") for (int r = 0; r < rows; r++) {
        s[r][0] = _mm512_setzero_ps();
        s[r][1] = _mm512_setzero_ps();
    }
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
    int k = pk->p && !atomic_load(&force_blas) ? choice() : GL_WPACK_BLAS;
    (void)k;   // (unused in a build without packed kernels)
#ifdef HAVE_AVX512
    if (k == GL_WPACK_AVX512) { gemm512(C, ldc, A, lda, M, pk, beta != 0); return; }
#endif
#ifdef HAVE_AVX2
    if (k == GL_WPACK_AVX2) { gl_wpack_gemm_avx2(C, ldc, A, lda, M, pk->p, pk->K, pk->N, beta != 0); return; }
#endif
    cblas_sgemm(CblasRowMajor, CblasNoTrans, pk->trans ? CblasTrans : CblasNoTrans, M, pk->N, pk->K, 1.0f, A, lda,
                pk->w, pk->ldw, beta, C, ldc);
}
