// gl_vmath: run-time choice between the AVX2+FMA and the baseline kernels
// of gl_vmath_kern.c (compiled twice).
#include "gl_vmath.h"
#include "gl_util.h"
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <string.h>

// the int8 product's two kernels (also built for AVX-512: engine/gl_qgemv512.c)
#define QDECL(suf)                                                                                  \
    void gl_qgemv_blocks4##suf(float *, size_t, const int8_t *, const int16_t *, size_t, const float *, size_t, int, \
                                 int, int, int, int);                                               \
    void gl_qgemv_blocks##suf(float *, const int8_t *, const int16_t *, const float *, int, int, int, int);
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
    void gl_qx_make##suf(int16_t *, float *, const float *, int);                                  \
    QDECL(suf)
DECL(_base)
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
DECL(_avx2)
#endif
#if defined(__x86_64__) && defined(GL_HAVE_AVX512_KERNELS)
QDECL(_avx512)
QDECL(_vnni)
#endif

static atomic_int force_base;
static int cpu_avx2(void) {
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        unsigned a, b, c = 0, d;   // F16C: CPUID leaf 1, ECX bit 29 (every AVX2 CPU has it; checked all the same)
        int f16c = __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
    }
    return cached;
#else
    return 0;
#endif
}
static int use_avx2(void) { return cpu_avx2() && !atomic_load(&force_base); }

int gl_vmath_force_baseline(int on) { return atomic_exchange(&force_base, on); }

// The int8 product's kernels: the best this CPU runs (AVX-512 needs AVX2's
// set too, for the input's quantization), unless a test forces a lower one.
static atomic_int int8_cap = -1;   // -1: not set yet (GLIMPSE_INT8 read on first use)
static int int8_best(void) {
    static int cached = -1;
    if (cached < 0) {
        int c = cpu_avx2() ? GL_INT8_AVX2 : GL_INT8_BASE;
#if defined(__x86_64__) && defined(GL_HAVE_AVX512_KERNELS)
        if (c == GL_INT8_AVX2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
            c = __builtin_cpu_supports("avx512vnni") ? GL_INT8_VNNI : GL_INT8_AVX512;
#endif
        cached = c;
    }
    return cached;
}
static const char *const int8_names[] = { "baseline", "avx2", "avx512", "avx512-vnni" };
// GLIMPSE_INT8=avx2|avx512|avx512-vnni holds the product at that level (for
// benchmarks); a name not known, or above what the CPU runs, says so once.
static int int8_env_cap(void) {
    const char *env = getenv("GLIMPSE_INT8");
    if (!env || !*env) return GL_INT8_VNNI;
    for (int k = GL_INT8_AVX2; k <= GL_INT8_VNNI; k++)
        if (!strcmp(env, int8_names[k])) {
            if (k > int8_best())
                fprintf(stderr, "glimpse: GLIMPSE_INT8=%s names a kernel this CPU cannot run; using %s\n", env,
                        int8_names[int8_best()]);
            return k;
        }
    fprintf(stderr, "glimpse: GLIMPSE_INT8=%s is not avx2, avx512 or avx512-vnni; using %s\n", env,
            int8_names[int8_best()]);
    return GL_INT8_VNNI;
}
static int int8_cap_now(void) {
    int cap = atomic_load(&int8_cap);
    if (cap < 0) {
        int expect = -1, want = int8_env_cap();
        cap = atomic_compare_exchange_strong(&int8_cap, &expect, want) ? want : expect;
    }
    return cap;
}
static int int8_level(void) {
    if (!use_avx2()) return GL_INT8_BASE;
    int b = int8_best(), cap = int8_cap_now();
    return b < cap ? b : cap;
}
int gl_vmath_int8_cap(int level) {
    int old = int8_cap_now();
    atomic_store(&int8_cap, level);
    return old;
}
int gl_vmath_int8_best(void) { return int8_best(); }
const char *gl_vmath_int8_target(void) { return int8_names[int8_level()]; }
const char *gl_vmath_target(void) {
    if (!use_avx2()) return "baseline";
    switch (int8_level()) {
    case GL_INT8_AVX512: return "avx2+fma, int8 avx512";
    case GL_INT8_VNNI: return "avx2+fma, int8 avx512-vnni";
    default: return "avx2+fma";
    }
}

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

// The level read once a call (int8_level includes the baseline's forcing).
#if defined(__x86_64__) && defined(GL_HAVE_AVX512_KERNELS)
#define QCALL(name, ...)                                                \
    switch (int8_level()) {                                             \
    case GL_INT8_VNNI: name##_vnni(__VA_ARGS__); break;                 \
    case GL_INT8_AVX512: name##_avx512(__VA_ARGS__); break;             \
    case GL_INT8_AVX2: name##_avx2(__VA_ARGS__); break;                 \
    default: name##_base(__VA_ARGS__);                                  \
    }
#else
#define QCALL(name, ...) PICK(name)(__VA_ARGS__)
#endif

void gl_qgemv_blocks(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                     int b1) {
    QCALL(gl_qgemv_blocks, acc, Q, xq, xs, rows, cols, b0, b1);
}

void gl_qgemv_blocks4(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                      size_t xss, int T, int rows, int cols, int b0, int b1) {
    QCALL(gl_qgemv_blocks4, acc, accs, Q, xq, xqs, xs, xss, T, rows, cols, b0, b1);
}

size_t gl_qx_len(int cols) { return (size_t)(cols + 15) / 16 * 16; }

void gl_qx_make(int16_t *xq, float *xs, const float *x, int cols) { PICK(gl_qx_make)(xq, xs, x, cols); }

void gl_qgemv(float *y, const int8_t *Q, const float *scale, const float *x, int rows, int cols) {
    enum { XMAX = 2048, RMAX = 4096 };
    int16_t xqb[XMAX]; float xsb[XMAX / 16], accb[RMAX];
    size_t nx = gl_qx_len(cols), nr = (size_t)(rows + 63) / 64 * 64;
    int heap = nx > XMAX || nr > RMAX;
    int16_t *xq = heap ? gl_malloc(nx * sizeof *xq) : xqb;
    float *xs = heap ? gl_malloc(nx / 16 * sizeof *xs) : xsb, *acc = heap ? gl_malloc(nr * sizeof *acc) : accb;
    gl_qx_make(xq, xs, x, cols);
    memset(acc, 0, nr * sizeof *acc);
    gl_qgemv_blocks(acc, Q, xq, xs, rows, cols, 0, (int)(nx / 16));
    for (int r = 0; r < rows; r++) y[r] += scale[r] * acc[r];
    if (heap) { free(xq); free(xs); free(acc); }
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

size_t gl_qpack_len(int rows, int cols) { return (size_t)(rows + 63) / 64 * 64 * gl_qx_len(cols); }
size_t gl_qpack_at(int r, int j, int cols) {
    return (size_t)(r / 64) * 64 * gl_qx_len(cols) + (size_t)(j / 2) * 128 + (size_t)(r % 64) * 2 + (size_t)(j % 2);
}

// Symmetric, per row: scale = max |W(r,·)| / 127, Q = round(W / scale), so
// every weight is within scale/2 of scale·Q (a row of zeros gets scale 0).
int gl_qpack(int8_t *dst, float *scale, const float *W, int rows, int cols) {
    for (size_t i = 0; i < (size_t)rows * cols; i++)
        if (!isfinite(W[i])) return -1;
    memset(dst, 0, gl_qpack_len(rows, cols));
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
            dst[gl_qpack_at(r, j, cols)] = (int8_t)(q > 127 ? 127 : q < -127 ? -127 : q);
        }
    }
    return 0;
}
