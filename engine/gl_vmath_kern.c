// gl_vmath kernels. This file is compiled twice (see engine/meson.build):
// with -mavx2 -mfma and GL_VSUF=_avx2, and for the baseline with
// GL_VSUF=_base; gl_vmath.c picks one set at run time. The code is written
// with GCC's generic vectors (8 floats), which become AVX2 instructions in
// the first build and pairs of SSE instructions in the second.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define K(name) CAT(name, GL_VSUF)

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4), may_alias));   // for unaligned loads/stores

static inline v8f splat(float a) { return (v8f){ a, a, a, a, a, a, a, a }; }
static inline v8i splati(int32_t a) { return (v8i){ a, a, a, a, a, a, a, a }; }
// m ? a : b, lane by lane (m lanes are all ones or all zeros)
static inline v8f sel(v8i m, v8f a, v8f b) { return (v8f)((m & (v8i)a) | (~m & (v8i)b)); }
static inline v8f vload(const float *p) { return *(const v8f_u *)p; }
static inline void vstore(float *p, v8f v) { *(v8f_u *)p = v; }

// exp(x): x = n ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-5 minimax
// polynomial (the coefficients of Cephes' expf), 2^n built in the exponent
// bits in two halves so that n = 128 (x just below the overflow threshold)
// still scales correctly.
static inline v8f exp8(v8f x) {
    const v8f hi = splat(88.7228391f), lo = splat(-87.3365479f);
    v8i over = x > hi, under = x < lo;
    x = sel(over, hi, sel(under, lo, x));
    const v8f magic = splat(12582912.0f);           // 1.5·2^23: adding it rounds to an integer
    v8f t = x * splat(1.44269504088896341f) + magic;
    v8f n = t - magic;
    v8i ni = (v8i)t - (v8i)magic;
    v8f r = x - n * splat(0.693359375f) - n * splat(-2.12194440e-4f);
    v8f p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * r * r + r + splat(1.0f);
    v8i n1 = ni >> 1, n2 = ni - n1;
    v8f s1 = (v8f)((n1 + 127) << 23), s2 = (v8f)((n2 + 127) << 23);
    v8f y = p * s1 * s2;
    y = sel(over, splat(__builtin_inff()), y);
    return sel(under, splat(0.0f), y);
}

static inline v8f sigmoid8(v8f x) { return splat(1.0f) / (splat(1.0f) + exp8(-x)); }

static inline v8f tanh8(v8f x) {
    v8i sign = (v8i)x & splati((int32_t)0x80000000u);
    v8f ax = (v8f)((v8i)x & splati(0x7fffffff));
    // |x| < 0.625: x + x³·P(x²) (Cephes' tanhf coefficients)
    v8f z = x * x;
    v8f p = splat(-5.70498872745e-3f);
    p = p * z + splat(2.06390887954e-2f);
    p = p * z + splat(-5.37397155531e-2f);
    p = p * z + splat(1.33314422036e-1f);
    p = p * z + splat(-3.33332819422e-1f);
    v8f small = p * z * x + x;
    // otherwise 1 − 2/(e^{2|x|} + 1); |x| ≥ 9.1 gives exactly 1
    v8f a2 = ax + ax;
    a2 = sel(a2 > splat(18.2f), splat(18.2f), a2);
    v8f big = splat(1.0f) - splat(2.0f) / (exp8(a2) + splat(1.0f));
    big = (v8f)((v8i)big | sign);
    return sel(ax < splat(0.625f), small, big);
}

#define ARRAY_KERNEL(name, f8)                                              \
    void K(name)(float *y, const float *x, size_t n) {                       \
        size_t i = 0;                                                         \
        for (; i + 8 <= n; i += 8) vstore(y + i, f8(vload(x + i)));          \
        if (i < n) {                                                          \
            float buf[8] = { 0 };                                             \
            memcpy(buf, x + i, (n - i) * sizeof(float));                      \
            vstore(buf, f8(vload(buf)));                                      \
            memcpy(y + i, buf, (n - i) * sizeof(float));                      \
        }                                                                     \
    }
ARRAY_KERNEL(gl_vexp, exp8)
ARRAY_KERNEL(gl_vsigmoid, sigmoid8)
ARRAY_KERNEL(gl_vtanh, tanh8)

void K(gl_lstm_pointwise_forward)(float *act, float *c, float *tc, float *h, const float *c_prev, int B, int H) {
    for (int n = 0; n < B; n++) {
        float *a = act + (size_t)n * 4 * H, *cn = c + (size_t)n * H, *tn = tc + (size_t)n * H, *hn = h + (size_t)n * H;
        K(gl_vsigmoid)(a, a, (size_t)2 * H);          // i, f
        K(gl_vtanh)(a + 2 * H, a + 2 * H, (size_t)H);  // g
        K(gl_vsigmoid)(a + 3 * H, a + 3 * H, (size_t)H);   // o
        const float *ig = a, *fg = a + H, *gg = a + 2 * H;
        if (c_prev) {
            const float *cp = c_prev + (size_t)n * H;
            for (int j = 0; j < H; j++) cn[j] = fg[j] * cp[j] + ig[j] * gg[j];
        } else {
            for (int j = 0; j < H; j++) cn[j] = ig[j] * gg[j];
        }
        K(gl_vtanh)(tn, cn, (size_t)H);
        const float *og = a + 3 * H;
        for (int j = 0; j < H; j++) hn[j] = og[j] * tn[j];
    }
}

void K(gl_lstm_pointwise_backward)(float *dpre, float *dc_prev, const float *dh, float *dc,
                                   const float *act, const float *tc, const float *c_prev, int B, int H) {
    for (int n = 0; n < B; n++) {
        const float *a = act + (size_t)n * 4 * H, *t = tc + (size_t)n * H, *dhn = dh + (size_t)n * H;
        const float *ig = a, *fg = a + H, *gg = a + 2 * H, *og = a + 3 * H;
        const float *cp = c_prev ? c_prev + (size_t)n * H : NULL;
        float *dcn = dc + (size_t)n * H, *dp = dpre + (size_t)n * 4 * H;
        float *dcp = dc_prev ? dc_prev + (size_t)n * H : NULL;
        for (int j = 0; j < H; j++) {
            // h = o·tanh(c): c gains dh·o·(1 − tanh²c)
            float dcc = dcn[j] + dhn[j] * og[j] * (1.0f - t[j] * t[j]);
            dcn[j] = dcc;
            float cpj = cp ? cp[j] : 0.0f;
            // c = f·c_prev + i·g; σ' = σ(1−σ), tanh' = 1 − tanh²
            dp[j] = dcc * gg[j] * ig[j] * (1.0f - ig[j]);
            dp[H + j] = dcc * cpj * fg[j] * (1.0f - fg[j]);
            dp[2 * H + j] = dcc * ig[j] * (1.0f - gg[j] * gg[j]);
            dp[3 * H + j] = dhn[j] * t[j] * og[j] * (1.0f - og[j]);
            if (dcp) dcp[j] += dcc * fg[j];
        }
    }
}

// 5x5 convolution of one 28x28 plane, given zero-padded to 32x32:
// out (CH,784) += Σ_taps w[c·ws + dy·5 + dx] · pad[(y+dy)·32 + x+dx].
// Each output row is kept in registers while the 25 taps stream past.
typedef float v4f __attribute__((vector_size(16)));
typedef float v4f_u __attribute__((vector_size(16), aligned(4), may_alias));
void K(gl_conv5x5_forward)(float *out, const float *pad, const float *w, int wstride, int CH) {
    for (int c = 0; c < CH; c++) {
        const float *wc = w + (size_t)c * wstride;
        float *oc = out + (size_t)c * 784;
        for (int y = 0; y < 28; y++) {
            // the row's 28 outputs in registers: 3 × 8 lanes + 4
            float *o = oc + y * 28;
            v8f a0 = vload(o), a1 = vload(o + 8), a2 = vload(o + 16);
            v4f a3 = *(const v4f_u *)(o + 24);
            for (int dy = 0; dy < 5; dy++) {
                const float *row = pad + (y + dy) * 32;
                for (int dx = 0; dx < 5; dx++) {
                    float wv = wc[dy * 5 + dx];
                    v8f w8 = splat(wv);
                    const float *r = row + dx;
                    a0 += w8 * vload(r); a1 += w8 * vload(r + 8); a2 += w8 * vload(r + 16);
                    a3 += (v4f){ wv, wv, wv, wv } * *(const v4f_u *)(r + 24);
                }
            }
            vstore(o, a0); vstore(o + 8, a1); vstore(o + 16, a2);
            *(v4f_u *)(o + 24) = a3;
        }
    }
}

// Its weight gradient: dw[c·ws + dy·5 + dx] += Σ_{y,x} dout[c][y·28+x] · pad[(y+dy)·32 + x+dx].
// For each channel and tap row dy, the five taps' partial sums stay in
// registers while the 28 output rows stream past.
void K(gl_conv5x5_backward_w)(float *dw, const float *dout, const float *pad, int wstride, int CH) {
    for (int c = 0; c < CH; c++) {
        const float *dc = dout + (size_t)c * 784;
        for (int dy = 0; dy < 5; dy++) {
            v8f a8[5];
            v4f a4[5];
            for (int dx = 0; dx < 5; dx++) { a8[dx] = splat(0); a4[dx] = (v4f){ 0, 0, 0, 0 }; }
            for (int y = 0; y < 28; y++) {
                const float *d = dc + y * 28, *row = pad + (y + dy) * 32;
                v8f d0 = vload(d), d1 = vload(d + 8), d2 = vload(d + 16);
                v4f d3 = *(const v4f_u *)(d + 24);
                for (int dx = 0; dx < 5; dx++) {
                    const float *r = row + dx;
                    a8[dx] += d0 * vload(r) + d1 * vload(r + 8) + d2 * vload(r + 16);
                    a4[dx] += d3 * *(const v4f_u *)(r + 24);
                }
            }
            for (int dx = 0; dx < 5; dx++) {
                float s = 0;
                for (int k = 0; k < 8; k++) s += a8[dx][k];
                for (int k = 0; k < 4; k++) s += a4[dx][k];
                dw[(size_t)c * wstride + dy * 5 + dx] += s;
            }
        }
    }
}

// ---- half-precision weights, batch-1 products --------------------------------
// y[r] += Σ_j W(r, j)·x[j] with W stored as IEEE half floats in blocks of 64
// rows, each block column after column (gl_hpack's layout), so a block's 64
// sums stay in eight registers while its columns stream past, and a column
// whose x[j] is exactly 0 is skipped (the window's one-hot characters).
#if defined(__F16C__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#if defined(__F16C__)
static inline v8f h8(const uint16_t *p) { return (v8f)_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
#else
static inline float h1(uint16_t h) {
    uint32_t s = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 31, m = h & 1023, u;
    if (e == 31) u = s | 0x7f800000u | (m << 13);
    else if (e) u = s | ((e + 112) << 23) | (m << 13);
    else if (!m) u = s;
    else {   // subnormal: normalise
        e = 113;
        while (!(m & 1024)) { m <<= 1; e--; }
        u = s | (e << 23) | ((m & 1023) << 13);
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static inline v8f h8(const uint16_t *p) {
    v8f v;
    for (int k = 0; k < 8; k++) v[k] = h1(p[k]);
    return v;
}
#endif

void K(gl_hgemv)(float *y, const uint16_t *W, const float *x, int rows, int cols) {
    for (int r0 = 0; r0 < rows; r0 += 64) {
        const uint16_t *blk = W + (size_t)r0 * cols;
        v8f a0 = splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int j = 0; j < cols; j++) {
            float xj = x[j];
            if (xj == 0.0f) continue;
            const uint16_t *p = blk + (size_t)j * 64;
            v8f v = splat(xj);
            a0 += h8(p) * v;      a1 += h8(p + 8) * v;  a2 += h8(p + 16) * v; a3 += h8(p + 24) * v;
            a4 += h8(p + 32) * v; a5 += h8(p + 40) * v; a6 += h8(p + 48) * v; a7 += h8(p + 56) * v;
        }
        v8f acc[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
        int n = rows - r0 < 64 ? rows - r0 : 64;
        for (int k = 0; k < n; k++) y[r0 + k] += acc[k / 8][k % 8];
    }
}

// ---- int8 weights, batch-1 products --------------------------------------------
// y[r] += scale[r]·Σ_j Q(r, j)·x[j] with Q stored as int8 in gl_hpack's layout
// (blocks of 64 rows, column after column): a quarter of the float bytes,
// half of the halves'. The sums are taken in float over the integers and
// scaled once per row; columns with x[j] == 0 are skipped.
#if defined(__AVX2__)
static inline v8f q8(const int8_t *p) {
    return (v8f)_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}
#else
static inline v8f q8(const int8_t *p) { v8f v; for (int k = 0; k < 8; k++) v[k] = (float)p[k]; return v; }
#endif

void K(gl_qgemv)(float *y, const int8_t *Q, const float *scale, const float *x, int rows, int cols) {
    for (int r0 = 0; r0 < rows; r0 += 64) {
        const int8_t *blk = Q + (size_t)r0 * cols;
        v8f a0 = splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int j = 0; j < cols; j++) {
            float xj = x[j];
            if (xj == 0.0f) continue;
            const int8_t *p = blk + (size_t)j * 64;
            v8f v = splat(xj);
            a0 += q8(p) * v;      a1 += q8(p + 8) * v;  a2 += q8(p + 16) * v; a3 += q8(p + 24) * v;
            a4 += q8(p + 32) * v; a5 += q8(p + 40) * v; a6 += q8(p + 48) * v; a7 += q8(p + 56) * v;
        }
        v8f acc[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
        int n = rows - r0 < 64 ? rows - r0 : 64;
        for (int k = 0; k < n; k++) y[r0 + k] += scale[r0 + k] * acc[k / 8][k % 8];
    }
}
