// gl_qgemv512: the int8 product's kernels (gl_vmath.h: gl_qgemv_blocks and
// gl_qgemv_blocks4) for AVX-512. This file is compiled twice (see
// engine/meson.build): with -mavx512f -mavx512bw and GL_QSUF=_avx512, and with
// -mavx512vnni as well and GL_QSUF=_vnni, where a pair's multiply, its sum and
// the add into the row's accumulator are one instruction (vpdpwssd).
//
// A zmm register holds 16 rows' int32 sums, so four of them cover the 64 rows
// of a packed block at once (AVX2's 8-row registers take two passes of 32).
// The integer sums are exact, and each block's sum goes into its row's float
// accumulator as the AVX2 kernel does it (converted once, one fused
// multiply-add by xs[b], blocks in order), so both give the same bits.
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define K(name) CAT(name, GL_QSUF)

void K(gl_qgemv_blocks)(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                        int b1);
void K(gl_qgemv_blocks4)(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                         size_t xss, int T, int rows, int cols, int b0, int b1);

// s += w·v, int16 pairs: 32 products, summed in pairs into 16 int32
static inline __m512i pairs(__m512i s, __m512i w, __m512i v) {
#if defined(__AVX512VNNI__)
    return _mm512_dpwssd_epi32(s, w, v);
#else
    return _mm512_add_epi32(s, _mm512_madd_epi16(w, v));
#endif
}

// 16 rows' weights of one column pair (32 bytes) widened to int16
static inline __m512i widen(const int8_t *p) { return _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)p)); }

static inline __m512i pair_of(const int16_t *x) {
    int32_t v;
    memcpy(&v, x, 4);
    return _mm512_set1_epi32(v);
}

void K(gl_qgemv_blocks)(float *acc, const int8_t *Q, const int16_t *xq, const float *xs, int rows, int cols, int b0,
                        int b1) {
    size_t cp = (size_t)(cols + 15) / 16 * 16;
    for (int r0 = 0; r0 < rows; r0 += 64) {
        float *a = acc + r0;
        __m512 f0 = _mm512_loadu_ps(a), f1 = _mm512_loadu_ps(a + 16), f2 = _mm512_loadu_ps(a + 32),
               f3 = _mm512_loadu_ps(a + 48);
        for (int b = b0; b < b1; b++) {
            if (xs[b] == 0.0f) continue;
            const int8_t *p = Q + (size_t)r0 * cp + (size_t)b * 16 * 64;
            __m512i i0 = _mm512_setzero_si512(), i1 = i0, i2 = i0, i3 = i0;
#pragma GCC unroll 8
            for (int k = 0; k < 8; k++, p += 128) {   // a pair of columns a turn: 64 rows × 2 weights
                __m512i v = pair_of(xq + 16 * b + 2 * k);
                i0 = pairs(i0, widen(p), v);
                i1 = pairs(i1, widen(p + 32), v);
                i2 = pairs(i2, widen(p + 64), v);
                i3 = pairs(i3, widen(p + 96), v);
            }
            __m512 sc = _mm512_set1_ps(xs[b]);
            f0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i0), sc, f0);
            f1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i1), sc, f1);
            f2 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i2), sc, f2);
            f3 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i3), sc, f3);
        }
        _mm512_storeu_ps(a, f0); _mm512_storeu_ps(a + 16, f1);
        _mm512_storeu_ps(a + 32, f2); _mm512_storeu_ps(a + 48, f3);
    }
}

// Up to four inputs at once, each weight read and widened once for all of
// them: 16 int32 accumulators (4 inputs × 64 rows), 4 of weights, 1 broadcast.
void K(gl_qgemv_blocks4)(float *acc, size_t accs, const int8_t *Q, const int16_t *xq, size_t xqs, const float *xs,
                         size_t xss, int T, int rows, int cols, int b0, int b1) {
    size_t cp = (size_t)(cols + 15) / 16 * 16;
    const int16_t *xt[4]; const float *st[4];
    for (int t = 0; t < 4; t++) { xt[t] = xq + (t < T ? t : 0) * xqs; st[t] = xs + (t < T ? t : 0) * xss; }
    for (int r0 = 0; r0 < rows; r0 += 64)
        for (int b = b0; b < b1; b++) {
            int live = 0;
            for (int t = 0; t < T; t++) live |= st[t][b] != 0.0f;
            if (!live) continue;
            const int8_t *p = Q + (size_t)r0 * cp + (size_t)b * 16 * 64;
            __m512i s[4][4];
            for (int t = 0; t < 4; t++) for (int q = 0; q < 4; q++) s[t][q] = _mm512_setzero_si512();
#pragma GCC unroll 2
            for (int k = 0; k < 8; k++, p += 128) {
                __m512i w0 = widen(p), w1 = widen(p + 32), w2 = widen(p + 64), w3 = widen(p + 96);
#pragma GCC unroll 4
                for (int t = 0; t < 4; t++) {
                    __m512i v = pair_of(xt[t] + 16 * b + 2 * k);
                    s[t][0] = pairs(s[t][0], w0, v);
                    s[t][1] = pairs(s[t][1], w1, v);
                    s[t][2] = pairs(s[t][2], w2, v);
                    s[t][3] = pairs(s[t][3], w3, v);
                }
            }
            for (int t = 0; t < T; t++) {
                if (st[t][b] == 0.0f) continue;
                float *a = acc + t * accs + r0;
                __m512 sc = _mm512_set1_ps(st[t][b]);
                for (int q = 0; q < 4; q++)
                    _mm512_storeu_ps(a + 16 * q,
                                     _mm512_fmadd_ps(_mm512_cvtepi32_ps(s[t][q]), sc, _mm512_loadu_ps(a + 16 * q)));
            }
        }
}
