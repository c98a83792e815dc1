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
// The input's blocks of 16 columns: xs = max |x| / 32767 and xq = round(x·(32767 /
// max |x|)) (to nearest even), so |xq| ≤ 32767 and every x within xs/2 of
// xs·xq. A block whose largest |x| is below 1e-30 (its products are below
// float's resolution of any sum they join; the window's far characters) or
// that holds a non-finite input counts as zeros: xs = 0. The same bits in
// both builds (one IEEE product a value, rounded to nearest even).
#define QX_TINY 1e-30f
#if defined(__AVX2__)
void K(gl_qx_make)(int16_t *xq, float *xs, const float *x, int cols) {
    const __m256 sign = _mm256_set1_ps(-0.0f), big = _mm256_set1_ps(3.4028235e38f);
    for (int b = 0; b < (cols + 15) / 16; b++) {
        float tail[16] = { 0 };
        const float *src = x + 16 * b;
        if (cols - 16 * b < 16) { memcpy(tail, src, sizeof(float) * (cols - 16 * b)); src = tail; }
        __m256 v0 = _mm256_loadu_ps(src), v1 = _mm256_loadu_ps(src + 8);
        __m256 a0 = _mm256_andnot_ps(sign, v0), a1 = _mm256_andnot_ps(sign, v1);
        int bad = _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(a0, big, _CMP_NLE_UQ),
                                                  _mm256_cmp_ps(a1, big, _CMP_NLE_UQ)));
        __m256 mx = _mm256_max_ps(a0, a1);
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
        float m = _mm_cvtss_f32(m4);
        if (bad || !(m >= QX_TINY)) {
            xs[b] = 0;
            memset(xq + 16 * b, 0, 16 * sizeof *xq);
            continue;
        }
        xs[b] = m / 32767.0f;
        __m256 inv = _mm256_set1_ps(32767.0f / m);
        __m256i q0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, inv)), q1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, inv));
        __m256i q = _mm256_permute4x64_epi64(_mm256_packs_epi32(q0, q1), 0xd8);   // packs works per 128-bit lane
        _mm256_storeu_si256((__m256i *)(xq + 16 * b), q);
    }
}
#else
void K(gl_qx_make)(int16_t *xq, float *xs, const float *x, int cols) {
    for (int b = 0; b < (cols + 15) / 16; b++) {
        float v[16] = { 0 }, m = 0;
        int n = cols - 16 * b < 16 ? cols - 16 * b : 16, bad = 0;
        memcpy(v, x + 16 * b, sizeof(float) * n);
        for (int j = 0; j < 16; j++) {
            float a = v[j] < 0 ? -v[j] : v[j];
            bad |= !(a <= 3.4028235e38f);
            m = a > m ? a : m;
        }
        if (bad || !(m >= QX_TINY)) {
            xs[b] = 0;
            memset(xq + 16 * b, 0, 16 * sizeof *xq);
            continue;
        }
        xs[b] = m / 32767.0f;
        float inv = 32767.0f / m;
        for (int j = 0; j < 16; j++) {   // |v·inv| ≤ 32767 (to rounding): adding 1.5·2^23 rounds it to an integer
            float r = (v[j] * inv + 12582912.0f) - 12582912.0f;
            xq[16 * b + j] = (int16_t)r;
        }
    }
}
#endif

// acc[r] += Σ_{b0 ≤ b < b1} xs[b]·S_b(r), block after block, S_b(r) the exact
// integer sum Σ_{16b ≤ j < 16b+16} Q(r,j)·xq[j] (gl_vmath.h: gl_qpack's layout,
// gl_qx_make's blocks); blocks with xs[b] == 0 are skipped. acc holds the rows
// rounded up to 64. The integer sums cannot overflow (|S_b| ≤ 16·127·32767);
// each is converted to float once and multiplied and added in float (fused
// where the CPU has FMA), so a product split at a block boundary and continued
// is the same to the bit as the whole.
#if defined(__AVX2__)
void K(gl_qgemv_blocks)(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                        int b1) {
    size_t cp = (size_t)(cols + 15) / 16 * 16;
    for (int r0 = 0; r0 < rows; r0 += 64)
        for (int h = 0; h < 64; h += 32) {   // 32 rows: 4 int and 4 float accumulators
            float *a = acc + r0 + h;
            __m256 f0 = _mm256_loadu_ps(a), f1 = _mm256_loadu_ps(a + 8), f2 = _mm256_loadu_ps(a + 16),
                   f3 = _mm256_loadu_ps(a + 24);
            for (int b = b0; b < b1; b++) {
                if (xs[b] == 0.0f) continue;
                const int8_t *p = Q + (size_t)r0 * cp + (size_t)b * 16 * 64 + 2 * h;
                __m256i i0 = _mm256_setzero_si256(), i1 = i0, i2 = i0, i3 = i0;
                // a pair of columns a turn: 2 int16 of x against 2 weights a row
                // (unrolled by 2: unrolled fully, GCC spills the accumulators)
#pragma GCC unroll 2
                for (int k = 0; k < 8; k++, p += 128) {
                    int32_t pair;
                    memcpy(&pair, xq + 16 * b + 2 * k, 4);
                    __m256i v = _mm256_set1_epi32(pair);
                    __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
                    __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 16)));
                    __m256i w2 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 32)));
                    __m256i w3 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 48)));
                    i0 = _mm256_add_epi32(i0, _mm256_madd_epi16(w0, v));
                    i1 = _mm256_add_epi32(i1, _mm256_madd_epi16(w1, v));
                    i2 = _mm256_add_epi32(i2, _mm256_madd_epi16(w2, v));
                    i3 = _mm256_add_epi32(i3, _mm256_madd_epi16(w3, v));
                }
                __m256 sc = _mm256_set1_ps(xs[b]);
                f0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i0), sc, f0);
                f1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i1), sc, f1);
                f2 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i2), sc, f2);
                f3 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i3), sc, f3);
            }
            _mm256_storeu_ps(a, f0); _mm256_storeu_ps(a + 8, f1);
            _mm256_storeu_ps(a + 16, f2); _mm256_storeu_ps(a + 24, f3);
        }
}

// Four inputs at once (input t: xq + t·xqs, xs + t·xss, acc + t·accs; the
// ones from T on not read): each weight read once for the four, each input's
// sums and order as in gl_qgemv_blocks, so the same bits.
void K(gl_qgemv_blocks4)(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                         size_t xss, int T, int rows, int cols, int b0, int b1) {
    size_t cp = (size_t)(cols + 15) / 16 * 16;
    const int16_t *xt[4]; const float *st[4];
    for (int t = 0; t < 4; t++) { xt[t] = xq + (t < T ? t : 0) * xqs; st[t] = xs + (t < T ? t : 0) * xss; }
    for (int r0 = 0; r0 < rows; r0 += 64)
        for (int h = 0; h < 64; h += 16)   // 16 rows: 2 int accumulators an input
            for (int b = b0; b < b1; b++) {
                int live = 0;
                for (int t = 0; t < T; t++) live |= st[t][b] != 0.0f;
                if (!live) continue;
                const int8_t *p = Q + (size_t)r0 * cp + (size_t)b * 16 * 64 + 2 * h;
                __m256i a0 = _mm256_setzero_si256(), a1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0;
                for (int k = 0; k < 8; k++, p += 128) {
                    int32_t q0, q1, q2, q3;
                    memcpy(&q0, xt[0] + 16 * b + 2 * k, 4); memcpy(&q1, xt[1] + 16 * b + 2 * k, 4);
                    memcpy(&q2, xt[2] + 16 * b + 2 * k, 4); memcpy(&q3, xt[3] + 16 * b + 2 * k, 4);
                    __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
                    __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(p + 16)));
                    __m256i v = _mm256_set1_epi32(q0);
                    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(w0, v));
                    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(w1, v));
                    v = _mm256_set1_epi32(q1);
                    c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(w0, v));
                    c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(w1, v));
                    v = _mm256_set1_epi32(q2);
                    d0 = _mm256_add_epi32(d0, _mm256_madd_epi16(w0, v));
                    d1 = _mm256_add_epi32(d1, _mm256_madd_epi16(w1, v));
                    v = _mm256_set1_epi32(q3);
                    e0 = _mm256_add_epi32(e0, _mm256_madd_epi16(w0, v));
                    e1 = _mm256_add_epi32(e1, _mm256_madd_epi16(w1, v));
                }
                __m256i sums[4][2] = { { a0, a1 }, { c0, c1 }, { d0, d1 }, { e0, e1 } };
                for (int t = 0; t < T; t++) {
                    if (st[t][b] == 0.0f) continue;
                    float *a = acc + t * accs + r0 + h;
                    __m256 sc = _mm256_set1_ps(st[t][b]);
                    _mm256_storeu_ps(a, _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[t][0]), sc, _mm256_loadu_ps(a)));
                    _mm256_storeu_ps(a + 8,
                                     _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[t][1]), sc, _mm256_loadu_ps(a + 8)));
                }
            }
}
#else
void K(gl_qgemv_blocks)(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                        int b1) {
    size_t cp = (size_t)(cols + 15) / 16 * 16;
    for (int r0 = 0; r0 < rows; r0 += 64)
        for (int b = b0; b < b1; b++) {
            if (xs[b] == 0.0f) continue;
            int32_t S[64] = { 0 };
            const int8_t *p = Q + (size_t)r0 * cp + (size_t)b * 16 * 64;
            for (int k = 0; k < 8; k++, p += 128) {
                int32_t x0 = xq[16 * b + 2 * k], x1 = xq[16 * b + 2 * k + 1];
                for (int r = 0; r < 64; r++) S[r] += p[2 * r] * x0 + p[2 * r + 1] * x1;
            }
            for (int r = 0; r < 64; r++) acc[r0 + r] += (float)S[r] * xs[b];
        }
}
void K(gl_qgemv_blocks4)(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                         size_t xss, int T, int rows, int cols, int b0, int b1) {
    for (int t = 0; t < T; t++) K(gl_qgemv_blocks)(acc + t * accs, Q, xq + t * xqs, xs + t * xss, rows, cols, b0, b1);
}
#endif
