// gl_vmath: run-time choice between the AVX2+FMA and the baseline kernels
// of gl_vmath_kern.c (compiled twice).
#include "gl_vmath.h"
#include <math.h>
#include <stdatomic.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <string.h>

#define DECL(suf)                                                                                   \
    void gl_vexp##suf(float *, const float *, size_t);                                              \
    void gl_vsigmoid##suf(float *, const float *, size_t);                                          \
    void gl_vtanh##suf(float *, const float *, size_t);                                             \
    void gl_lstm_pointwise_forward##suf(float *, float *, float *, float *, const float *, int, int); \
    void gl_lstm_pointwise_backward##suf(float *, float *, const float *, float *, const float *,   \
                                         const float *, const float *, int, int);                   \
    void gl_conv5x5_forward##suf(float *, const float *, const float *, int, int);                  \
    void gl_conv5x5_backward_w##suf(float *, const float *, const float *, int, int);                \
    void gl_hgemv##suf(float *, const uint16_t *, const float *, int, int);                          \
    void gl_qgemv##suf(float *, const int8_t *, const float *, const float *, int, int);
DECL(_base)
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
DECL(_avx2)
#endif

static atomic_int force_base;
static int use_avx2(void) {
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        unsigned a, b, c = 0, d;   // F16C: CPUID leaf 1, ECX bit 29 (every AVX2 CPU has it; checked all the same)
        int f16c = __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
    }
    return cached && !atomic_load(&force_base);
#else
    return 0;
#endif
}

int gl_vmath_force_baseline(int on) { return atomic_exchange(&force_base, on); }
const char *gl_vmath_target(void) { return use_avx2() ? "avx2+fma" : "baseline"; }

#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
#define PICK(name) (use_avx2() ? name##_avx2 : name##_base)
#else
#define PICK(name) name##_base
#endif

void gl_vexp(float *y, const float *x, size_t n) { PICK(gl_vexp)(y, x, n); }
void gl_vsigmoid(float *y, const float *x, size_t n) { PICK(gl_vsigmoid)(y, x, n); }
void gl_vtanh(float *y, const float *x, size_t n) { PICK(gl_vtanh)(y, x, n); }
void gl_lstm_pointwise_forward(float *act, float *c, float *tc, float *h, const float *c_prev, int B, int H) {
    PICK(gl_lstm_pointwise_forward)(act, c, tc, h, c_prev, B, H);
}
void gl_lstm_pointwise_backward(float *dpre, float *dc_prev, const float *dh, float *dc,
                                const float *act, const float *tc, const float *c_prev, int B, int H) {
    PICK(gl_lstm_pointwise_backward)(dpre, dc_prev, dh, dc, act, tc, c_prev, B, H);
}
void gl_conv5x5_forward(float *out, const float *pad, const float *w, int wstride, int CH) {
    PICK(gl_conv5x5_forward)(out, pad, w, wstride, CH);
}
void gl_conv5x5_backward_w(float *dw, const float *dout, const float *pad, int wstride, int CH) {
    PICK(gl_conv5x5_backward_w)(dw, dout, pad, wstride, CH);
}

void gl_hgemv(float *y, const uint16_t *W, const float *x, int rows, int cols) { PICK(gl_hgemv)(y, W, x, rows, cols); }

#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
#include <immintrin.h>
// With AVX-512 the int8 product converts 16 weights per instruction: with
// eight (AVX2) it is bound by the conversions, not by reading the weights.
__attribute__((target("avx512f"))) static void qgemv_avx512(float *y, const int8_t *Q, const float *scale,
                                                            const float *x, int rows, int cols) {
    for (int r0 = 0; r0 < rows; r0 += 64) {
        const int8_t *blk = Q + (size_t)r0 * cols;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < cols; j++) {
            float xj = x[j];
            if (xj == 0.0f) continue;
            const int8_t *p = blk + (size_t)j * 64;
            __m512 v = _mm512_set1_ps(xj);
            a0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p))), v, a0);
            a1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 16)))),
                                 v, a1);
            a2 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 32)))),
                                 v, a2);
            a3 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(p + 48)))),
                                 v, a3);
        }
        float acc[64];
        _mm512_storeu_ps(acc, a0);
        _mm512_storeu_ps(acc + 16, a1);
        _mm512_storeu_ps(acc + 32, a2);
        _mm512_storeu_ps(acc + 48, a3);
        int n = rows - r0 < 64 ? rows - r0 : 64;
        for (int k = 0; k < n; k++) y[r0 + k] += scale[r0 + k] * acc[k];
    }
}
static atomic_int force_no512;
static int use_avx512(void) {
    static int cached = -1;
    if (cached < 0) { __builtin_cpu_init(); cached = __builtin_cpu_supports("avx512f") != 0; }
    return cached && !atomic_load(&force_base) && !atomic_load(&force_no512);
}
int gl_vmath_force_no_avx512(int on) { return atomic_exchange(&force_no512, on); }
#else
int gl_vmath_force_no_avx512(int on) { (void)on; return 0; }
#endif

void gl_qgemv(float *y, const int8_t *Q, const float *scale, const float *x, int rows, int cols) {
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
    if (use_avx512()) { qgemv_avx512(y, Q, scale, x, rows, cols); return; }
#endif
    PICK(gl_qgemv)(y, Q, scale, x, rows, cols);
}

size_t gl_hpack_len(int rows, int cols) { return (size_t)((rows + 63) / 64) * 64 * (size_t)cols; }

// float to half, rounding to nearest even (subnormal halves included)
static uint16_t to_half(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    uint32_t s = (u >> 16) & 0x8000, a = u & 0x7fffffff;
    if (a >= 0x477ff000u) return (uint16_t)(s | 0x7c00);   // rounds beyond 65504 (callers reject these)
    if (a < 0x38800000u) {                                  // below 2^-14: a subnormal half (or 0)
        float h = fabsf(f) * 16777216.0f;                     // in units of 2^-24
        return (uint16_t)(s | (uint32_t)lrintf(h));            // the default rounding: to nearest even
    }
    uint32_t r = a - 0x38000000u;                           // rebias the exponent (127 -> 15)
    uint32_t m = r >> 13, rest = r & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (m & 1))) m++;
    return (uint16_t)(s | m);
}

int gl_hpack(uint16_t *dst, const float *W, int rows, int cols) {
    for (size_t i = 0; i < (size_t)rows * cols; i++)
        if (!(fabsf(W[i]) <= 65504.0f)) return -1;
    size_t n = gl_hpack_len(rows, cols);
    memset(dst, 0, n * sizeof *dst);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            dst[(size_t)(r / 64) * 64 * cols + (size_t)j * 64 + r % 64] = to_half(W[(size_t)r * cols + j]);
    return 0;
}

// Symmetric, per row: scale = max |W(r,·)| / 127, Q = round(W / scale), so
// every weight is within scale/2 of scale·Q (a row of zeros gets scale 0).
int gl_qpack(int8_t *dst, float *scale, const float *W, int rows, int cols) {
    for (size_t i = 0; i < (size_t)rows * cols; i++)
        if (!isfinite(W[i])) return -1;
    size_t n = gl_hpack_len(rows, cols);
    memset(dst, 0, n);
    memset(scale, 0, sizeof(float) * ((size_t)(rows + 63) / 64 * 64));
    for (int r = 0; r < rows; r++) {
        const float *w = W + (size_t)r * cols;
        float m = 0;
        for (int j = 0; j < cols; j++) m = fmaxf(m, fabsf(w[j]));
        if (m == 0) continue;
        float s = m / 127.0f;
        scale[r] = s;
        for (int j = 0; j < cols; j++) {
            long q = lrintf(w[j] / s);
            dst[(size_t)(r / 64) * 64 * cols + (size_t)j * 64 + r % 64] = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
        }
    }
    return 0;
}
