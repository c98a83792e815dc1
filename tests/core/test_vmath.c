// gl_vmath against libm: exp, sigmoid and tanh over a dense sweep of
// [-100, 100], near 0 and at the special points, for both kernel sets (the
// AVX2+FMA one when this CPU has it, and the baseline); the fused LSTM gate
// kernels against the textbook formulas; lengths that are not multiples of
// the vector width. The packed-weight product (gl_wpack) against sums in
// doubles, on both paths, at every shape its kernel treats differently.
#include "gl_test.h"
#include "gl_wpack.h"
#include "gl_vmath.h"
#include "gl_nn.h"
#include "gl_util.h"
#include <float.h>

// Error in units of the last place of the reference (as float).
static double ulps(float got, double want) {
    if (want == 0) return got == 0 ? 0 : fabs(got) / FLT_MIN;
    double ulp = ldexp(1.0, ilogb((float)want) - 23);
    return fabs(got - want) / ulp;
}

static void sweep(const char *set) {
    enum { N = 400003 };
    float *x = gl_malloc(N * sizeof(float)), *y = gl_malloc(N * sizeof(float));
    for (int i = 0; i < N; i++) x[i] = -100.0f + 200.0f * (float)i / (N - 1);
    // exp: relative accuracy where the result is a normal float
    gl_vexp(y, x, N);
    double worst = 0; int bad_special = 0;
    for (int i = 0; i < N; i++) {
        double want = exp((double)x[i]);
        if (x[i] > -87.3f && x[i] < 88.7f) { double u = ulps(y[i], want); if (u > worst) worst = u; }
        else if (x[i] >= 88.73f && !isinf(y[i])) bad_special++;
        else if (x[i] <= -87.34f && y[i] > FLT_MIN) bad_special++;
    }
    printf("%s exp: worst %.2f ulp on [-87.3, 88.7]\n", set, worst);
    CHECK(worst <= 2.0, "%s exp within 2 ulp (worst %.2f)", set, worst);
    CHECK(bad_special == 0, "%s exp overflows to inf and underflows to 0 (%d wrong)", set, bad_special);
    // sigmoid
    gl_vsigmoid(y, x, N);
    worst = 0;
    for (int i = 0; i < N; i++) {
        double want = 1.0 / (1.0 + exp(-(double)x[i]));
        if (want > FLT_MIN) { double u = ulps(y[i], want); if (u > worst) worst = u; }
        CHECK(y[i] >= 0.0f && y[i] <= 1.0f, "%s sigmoid(%g) = %g in [0,1]", set, x[i], y[i]);
    }
    printf("%s sigmoid: worst %.2f ulp\n", set, worst);
    CHECK(worst <= 3.0, "%s sigmoid within 3 ulp (worst %.2f)", set, worst);
    // tanh: absolute error everywhere, relative near 0
    gl_vtanh(y, x, N);
    double wabs = 0;
    for (int i = 0; i < N; i++) { double e = fabs(y[i] - tanh((double)x[i])); if (e > wabs) wabs = e; }
    float xs[2001], ys[2001];
    for (int i = 0; i < 2001; i++) xs[i] = (i - 1000) * 0.000625f + (i % 7) * 1e-7f;   // [-0.625, 0.625]
    gl_vtanh(ys, xs, 2001);
    double wrel = 0;
    for (int i = 0; i < 2001; i++) if (xs[i] != 0) { double u = ulps(ys[i], tanh((double)xs[i])); if (u > wrel) wrel = u; }
    float tiny[3] = { 1e-30f, -3e-8f, 0.0f }, ty[3];
    gl_vtanh(ty, tiny, 3);
    printf("%s tanh: worst absolute %.3g, worst %.2f ulp on [-0.625, 0.625]\n", set, wabs, wrel);
    CHECK(wabs <= 1.5e-7, "%s tanh absolute error (worst %.3g)", set, wabs);
    CHECK(wrel <= 2.0, "%s tanh relative error near 0 (worst %.2f ulp)", set, wrel);
    CHECK(ty[0] == 1e-30f && ty[1] == -3e-8f && ty[2] == 0.0f, "%s tanh of tiny values is the value", set);
    // NaN stays NaN (a poisoned input must not look finite)
    float nanv[1] = { NAN }, o[1];
    gl_vsigmoid(o, nanv, 1); CHECK(isnan(o[0]), "%s sigmoid(NaN) is NaN", set);
    gl_vtanh(o, nanv, 1); CHECK(isnan(o[0]), "%s tanh(NaN) is NaN", set);
    // in place, odd lengths
    for (int n = 1; n <= 19; n++) {
        float a[19], b[19];
        for (int i = 0; i < n; i++) a[i] = b[i] = 0.37f * (float)(i - 9);
        gl_vexp(a, a, (size_t)n);
        for (int i = 0; i < n; i++) CHECK(ulps(a[i], exp((double)b[i])) <= 2.0, "%s exp in place n=%d i=%d", set, n, i);
    }
    free(x); free(y);
}

static void lstm_gates(const char *set) {
    int B = 3, H = 13;
    gl_rng r; gl_rng_seed(&r, 11);
    float pre[3 * 52], act[3 * 52], cp[39], c[39], tc[39], h[39];
    for (int i = 0; i < B * 4 * H; i++) pre[i] = act[i] = 6.0f * (gl_rng_uniform(&r) - 0.5f);
    for (int i = 0; i < B * H; i++) cp[i] = 2.0f * (gl_rng_uniform(&r) - 0.5f);
    gl_lstm_pointwise_forward(act, c, tc, h, cp, B, H);
    double worst = 0;
    for (int n = 0; n < B; n++)
        for (int j = 0; j < H; j++) {
            const float *p = pre + n * 4 * H;
            double i_ = 1 / (1 + exp(-p[j])), f_ = 1 / (1 + exp(-p[H + j])), g_ = tanh(p[2 * H + j]), o_ = 1 / (1 + exp(-p[3 * H + j]));
            double cc = f_ * cp[n * H + j] + i_ * g_, hh = o_ * tanh(cc);
            double e = fmax(fabs(c[n * H + j] - cc), fabs(h[n * H + j] - hh));
            if (e > worst) worst = e;
        }
    CHECK(worst < 1e-6, "%s LSTM gates match the formulas (worst %.3g)", set, worst);
}

// Half-precision weights: rounding to nearest even at the edges of the
// format, and the blocked product against the same halves in doubles.
static uint16_t half_of(float f) { uint16_t h[64]; CHECK(gl_hpack(h, &f, 1, 1) == 0, "pack %g", f); return h[0]; }
static double half_value(uint16_t h) {
    int e = (h >> 10) & 31, m = h & 1023;
    double v = e ? ldexp(1024 + m, e - 25) : ldexp(m, -24);
    return h & 0x8000 ? -v : v;
}
static void halves(const char *set) {
    CHECK(half_of(1.0f) == 0x3c00 && half_of(-2.0f) == 0xc000 && half_of(65504.0f) == 0x7bff, "halves of 1, -2, 65504");
    CHECK(half_of(1.0f + 0x1p-11f) == 0x3c00 && half_of(1.0f + 3 * 0x1p-11f) == 0x3c02, "ties round to even");
    CHECK(half_of(0x1p-24f) == 0x0001 && half_of(0x1p-25f) == 0x0000 && half_of(0x1.8p-24f) == 0x0002, "subnormal halves");
    CHECK(half_of(0x1p-14f) == 0x0400 && half_of(0.1f) == 0x2e66, "smallest normal, 0.1");
    float big = 70000.0f, nan = NAN;
    uint16_t h[64];
    CHECK(gl_hpack(h, &big, 1, 1) == -1 && gl_hpack(h, &nan, 1, 1) == -1, "beyond the half range is refused");
    enum { R = 150, C = 77 };
    static float W[R * C], x[C], y[R];
    static uint16_t P[3 * 64 * C];
    CHECK(gl_hpack_len(R, C) == 3 * 64 * C, "padded to whole blocks");
    gl_rng rng; gl_rng_seed(&rng, 5);
    for (int i = 0; i < R * C; i++) W[i] = (float)(gl_rng_normal(&rng) * 0.3);
    for (int j = 0; j < C; j++) x[j] = j % 7 == 3 ? 0.0f : (float)gl_rng_normal(&rng);
    CHECK(gl_hpack(P, W, R, C) == 0, "pack");
    double worst = 0;
    for (int r = 0; r < R; r++) y[r] = (float)r;
    gl_hgemv(y, P, x, R, C);
    for (int r = 0; r < R; r++) {
        double ref = r, err16 = 0;
        for (int j = 0; j < C; j++) {
            double hw = half_value(P[(size_t)(r / 64) * 64 * C + (size_t)j * 64 + r % 64]);
            ref += hw * x[j];
            if (fabs(W[r * C + j]) > 0x1p-14) err16 = fmax(err16, fabs(hw - W[r * C + j]) / fabs(W[r * C + j]));
        }
        CHECK(err16 <= 0x1p-11 * 1.0001, "row %d: halves within half an ulp (%g)", r, err16);
        worst = fmax(worst, fabs(y[r] - ref) / (1 + fabs(ref)));
    }
    CHECK(worst < 1e-5, "%s half-precision product matches doubles (worst %.3g)", set, worst);
}

// int8 weights: each weight within half a step (scale/2) of scale·Q, the row's
// largest at ±127, a row of zeros kept at zero, non-finite refused. The
// input's blocks of 16: each x within xs/2 of xs·xq, |xq| ≤ 32767, a block of
// zeros at xs = 0. The product: the exact integer sums of the quantized input
// (in doubles) to float rounding, the whole within the bound the header
// promises of the product with the unquantized input, and a product split at
// a block and continued the same to the bit.
static void int8s(const char *set) {
    enum { R = 150, C = 77, NB = (C + 15) / 16 };
    static float W[R * C], x[C], y[R], S[192], xs[NB], acc[192], acc2[192];
    static int16_t xq[NB * 16];
    static int8_t Q[3 * 64 * NB * 16];
    float nan = NAN, inf = INFINITY;
    int8_t q1[64 * 16]; float s1[64];
    CHECK(gl_qpack(q1, s1, &nan, 1, 1) == -1 && gl_qpack(q1, s1, &inf, 1, 1) == -1, "non-finite weights are refused");
    float one = -0.5f;
    CHECK(gl_qpack(q1, s1, &one, 1, 1) == 0 && q1[0] == -127 && s1[0] == 0.5f / 127.0f, "a row's largest weight is ±127");
    CHECK(gl_qpack_len(R, C) == sizeof Q, "int8 pack length: rows to 64, columns to 16");
    gl_rng rng; gl_rng_seed(&rng, 9);
    for (int i = 0; i < R * C; i++) W[i] = (float)(gl_rng_normal(&rng) * 0.3);
    for (int j = 0; j < C; j++) W[7 * C + j] = 0;   // a row of zeros
    for (int j = 0; j < C; j++) x[j] = j % 7 == 3 ? 0.0f : (float)gl_rng_normal(&rng);
    for (int j = 16; j < 32; j++) x[j] = 0;   // a block of zeros
    x[40] = 1e-30f; x[41] = -3e4f;            // a block with a tiny and a huge input
    for (int j = 48; j < 64; j++) x[j] = j % 2 ? 3e-31f : -2e-38f;   // a block below 1e-30: counts as zeros
    CHECK(gl_qpack(Q, S, W, R, C) == 0, "int8 pack");
    CHECK(S[7] == 0, "a row of zeros has scale 0");
    gl_qx_make(xq, xs, x, C);
    int qoff = 0;
    for (int j = 0; j < NB * 16; j++) {
        float xj = j < C ? x[j] : 0, s = xs[j / 16];
        if (s == 0 ? xq[j] != 0 || fabsf(xj) >= 1e-30f : fabsf(xq[j] * s - xj) > 0.5001f * s || abs(xq[j]) > 32767)
            qoff++;
        if (j >= C && xq[j]) qoff++;
    }
    CHECK(qoff == 0 && xs[1] == 0 && xs[3] == 0 && xs[2] > 0,
          "the input within half a step of its int16 value, zeros and blocks below 1e-30 at scale 0 (%d off)", qoff);
    {   // a non-finite input: its block counts as zeros; both kernel sets quantize to the same bits
        float xb[C]; int16_t qa[NB * 16], qb[NB * 16]; float sa[NB], sb[NB];
        memcpy(xb, x, sizeof xb);
        xb[5] = NAN; xb[70] = -INFINITY;
        gl_qx_make(qa, sa, xb, C);
        CHECK(sa[0] == 0 && sa[4] == 0 && !qa[5] && sa[2] == xs[2], "%s: a NaN or an infinity zeroes its block", set);
        int old = gl_vmath_force_baseline(1);
        gl_qx_make(qb, sb, x, C);
        gl_vmath_force_baseline(old);
        gl_qx_make(qa, sa, x, C);
        CHECK(!memcmp(qa, qb, sizeof qa) && !memcmp(sa, sb, sizeof sa), "%s: the input quantized as the baseline does",
              set);
    }
    for (int r = 0; r < R; r++) y[r] = (float)r;
    gl_qgemv(y, Q, S, x, R, C);
    memset(acc, 0, sizeof acc);
    gl_qgemv_blocks(acc, Q, xq, xs, R, C, 0, NB);
    memset(acc2, 0, sizeof acc2);
    gl_qgemv_blocks(acc2, Q, xq, xs, R, C, 0, 2);
    gl_qgemv_blocks(acc2, Q, xq, xs, R, C, 2, NB);
    CHECK(!memcmp(acc, acc2, sizeof acc), "%s int8 product split at a block: the same bits", set);
    {   // three inputs at once (x, x reversed, x halved; one block of zeros in each): the bits of one at a time
        static int16_t xq3[3 * NB * 16]; static float xs3[3 * NB], x3[C], one3[3 * 192], many[3 * 192];
        for (int t = 0; t < 3; t++) {
            for (int j = 0; j < C; j++) x3[j] = t == 0 ? x[j] : t == 1 ? x[C - 1 - j] : 0.5f * x[j];
            gl_qx_make(xq3 + t * NB * 16, xs3 + t * NB, x3, C);
            for (int r = 0; r < 192; r++) one3[t * 192 + r] = many[t * 192 + r] = 0.25f * r - 7;
            gl_qgemv_blocks(one3 + t * 192, Q, xq3 + t * NB * 16, xs3 + t * NB, R, C, 1, NB);
        }
        gl_qgemv_blocks4(many, 192, Q, xq3, NB * 16, xs3, NB, 3, R, C, 1, NB);
        CHECK(!memcmp(one3, many, sizeof many), "%s int8 product of three inputs at once: the same bits", set);
    }
    double worst = 0, over = 0; int off = 0;
    for (int r = 0; r < R; r++) {
        double exact = 0, ref = 0, bound = 0, mag = 0;
        for (int j = 0; j < C; j++) {
            int q = Q[gl_qpack_at(r, j, C)];
            if (fabs((double)S[r] * q - W[r * C + j]) > 0.5001 * S[r] + 1e-12) off++;
            exact += (double)q * xq[j] * xs[j / 16];
            ref += (double)q * x[j];
            bound += fabs((double)q) * (xs[j / 16] > 0 ? xs[j / 16] / 2 : fabs(x[j]));   // (a zeroed block: all of x)
            mag += fabs((double)q * x[j]);
        }
        worst = fmax(worst, fabs(acc[r] - exact) / (1 + mag));
        double err = fabs(y[r] - (r + (double)S[r] * ref)), lim = S[r] * (bound * 1.0001 + 1e-6 * mag) + 1e-5 * r;
        over = fmax(over, err / lim);
    }
    CHECK(off == 0, "every weight within half a step of its int8 value (%d off)", off);
    CHECK(worst < 1e-6, "%s int8 product: the integer sums of the quantized input (worst %.3g)", set, worst);
    CHECK(over <= 1, "%s int8 product within its bound of the unquantized input's (worst at %.3g of it)", set, over);
}

// The int8 product's kernel levels this CPU has (AVX2, AVX-512, AVX-512
// VNNI): each passes int8s, and each gives AVX2's bits, one input and up to
// four at once, over rows and columns that are not multiples of the blocks,
// inputs with blocks of zeros, and products continued from partial sums.
static void int8_levels(void) {
    enum { R = 200, C = 333, NB = (C + 15) / 16, RP = 256 };
    static float W[R * C], S[RP], xs[4 * NB], ref[5][4 * RP], got[4 * RP];
    static int16_t xq[4 * NB * 16];
    static int8_t Q[4 * 64 * NB * 16];
    static const char *const names[] = { "baseline", "avx2", "avx512", "avx512-vnni" };
    int best = gl_vmath_int8_best();
    printf("int8 product kernels: best %s\n", names[best]);
    if (best < GL_INT8_AVX2) return;
    gl_rng rng; gl_rng_seed(&rng, 21);
    for (int i = 0; i < R * C; i++) W[i] = (float)(gl_rng_normal(&rng) * 0.2);
    CHECK(gl_qpack(Q, S, W, R, C) == 0, "int8 pack (%d x %d)", R, C);
    for (int t = 0; t < 4; t++) {
        float x[C];
        for (int j = 0; j < C; j++) x[j] = (j / 16) % (t + 2) == 1 ? 0.0f : (float)(gl_rng_normal(&rng) * (t + 1));
        gl_qx_make(xq + t * NB * 16, xs + t * NB, x, C);
    }
    int old = gl_vmath_int8_cap(GL_INT8_AVX2);
    CHECK(!strcmp(gl_vmath_int8_target(), "avx2"), "the int8 product can be held at AVX2");
    for (int T = 0; T <= 4; T++) {   // T = 0: one input at a time, continued from partial sums at block 5
        for (int i = 0; i < 4 * RP; i++) ref[T][i] = 0.01f * (i % 97) - 0.3f;
        if (T == 0)
            for (int t = 0; t < 4; t++) {
                gl_qgemv_blocks(ref[0] + t * RP, Q, xq + t * NB * 16, xs + t * NB, R, C, 0, 5);
                gl_qgemv_blocks(ref[0] + t * RP, Q, xq + t * NB * 16, xs + t * NB, R, C, 5, NB);
            }
        else
            gl_qgemv_blocks4(ref[T], RP, Q, xq, NB * 16, xs, NB, T, R, C, 0, NB);
    }
    CHECK(!memcmp(ref[0], ref[4], sizeof ref[0]), "avx2: four inputs at once, the bits of one at a time");
    for (int level = GL_INT8_AVX512; level <= best; level++) {
        gl_vmath_int8_cap(level);
        CHECK(!strcmp(gl_vmath_int8_target(), names[level]), "the int8 product runs %s", names[level]);
        int8s(names[level]);
        int differ = 0;
        for (int T = 0; T <= 4; T++) {
            for (int i = 0; i < 4 * RP; i++) got[i] = 0.01f * (i % 97) - 0.3f;
            if (T == 0)
                for (int t = 0; t < 4; t++) {
                    gl_qgemv_blocks(got + t * RP, Q, xq + t * NB * 16, xs + t * NB, R, C, 0, 5);
                    gl_qgemv_blocks(got + t * RP, Q, xq + t * NB * 16, xs + t * NB, R, C, 5, NB);
                }
            else
                gl_qgemv_blocks4(got, RP, Q, xq, NB * 16, xs, NB, T, R, C, 0, NB);
            for (int i = 0; i < (T ? T : 4) * RP; i++) differ += memcmp(&got[i], &ref[T][i], sizeof got[i]) != 0;
            for (int i = (T ? T : 4) * RP; i < 4 * RP; i++) differ += got[i] != 0.01f * (i % 97) - 0.3f;
        }
        CHECK(differ == 0, "%s int8 product: AVX2's bits, 1 to 4 inputs at once and continued (%d differ)",
              names[level], differ);
    }
    gl_vmath_int8_cap(old);
}

// C = A·op(w) + beta·C through gl_wpack, against doubles: rows 1..19 (the
// 8- and 6-row blocks and every remainder), columns around the 8-, 16- and
// 32-wide vectors and panels, K from 0; leading dimensions wider than the
// blocks (w's too); both layouts of w. A packed kernel must also give the
// bits of its promise, Σ_k in order k by fmaf from 0, then + C; so each row
// comes out the same whether multiplied alone or with others (threads split
// minibatches by rows), and every packed kernel gives the same bits.
static void wpack(const char *set) {
    static const int Ns[] = {1, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 83, 256}, Ks[] = {0, 1, 7, 64, 257};
    static const int Ms[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 16, 19};
    gl_rng r; gl_rng_seed(&r, 5);
    double worst = 0; int bad_rows = 0, nan_left = 0, inexact = 0, packed = strcmp(set, "blas") != 0;
    for (size_t in = 0; in < sizeof Ns / sizeof *Ns; in++) for (size_t ik = 0; ik < sizeof Ks / sizeof *Ks; ik++)
    for (int trans = 0; trans < 2; trans++) for (size_t im = 0; im < sizeof Ms / sizeof *Ms; im++) for (int beta = 0; beta < 2; beta++) {
        int N = Ns[in], K = Ks[ik], M = Ms[im], lda = K + 3, ldc = N + 5;
        int wide = (trans ? K : N) + (int)(im % 2) * 3, rows = trans ? N : K;   // odd cases: w is a block of a wider matrix
        float *w = gl_malloc(sizeof(float) * ((size_t)rows * wide + 1)), *A = gl_malloc(sizeof(float) * ((size_t)M * lda + 1));
        float *C = gl_malloc(sizeof(float) * (size_t)M * ldc), *C0 = gl_malloc(sizeof(float) * (size_t)M * ldc);
        float *row = gl_malloc(sizeof(float) * ldc);
        for (size_t i = 0; i < (size_t)rows * wide; i++) w[i] = gl_rng_normal(&r);
        for (size_t i = 0; i < (size_t)M * lda; i++) A[i] = gl_rng_normal(&r);
        for (size_t i = 0; i < (size_t)M * ldc; i++) C0[i] = C[i] = beta ? gl_rng_normal(&r) : NAN;   // beta 0 must not read C
        gl_wpack pk = {0};
        gl_wpack_set(&pk, w, wide, trans, K, N);
        gl_wpack_gemm(C, ldc, A, lda, M, &pk, (float)beta);
        for (int i = 0; i < M; i++) {
            for (int n = 0; n < N; n++) {
                double s = beta ? C0[(size_t)i * ldc + n] : 0;
                float f = 0;
                for (int k = 0; k < K; k++) {
                    float a = A[(size_t)i * lda + k], b = trans ? w[(size_t)n * wide + k] : w[(size_t)k * wide + n];
                    s += (double)a * b;
                    f = fmaf(a, b, f);
                }
                double e = fabs(C[(size_t)i * ldc + n] - s) / (1 + sqrt((double)K));
                if (!(e <= worst)) worst = isnan(e) ? INFINITY : e;
                if (beta) f = C0[(size_t)i * ldc + n] + f;
                inexact += packed && memcmp(&f, &C[(size_t)i * ldc + n], sizeof f) != 0;
            }
            for (int n = N; n < ldc; n++) nan_left += beta ? C[(size_t)i * ldc + n] != C0[(size_t)i * ldc + n] : !isnan(C[(size_t)i * ldc + n]);
            memcpy(row, C0 + (size_t)i * ldc, sizeof(float) * ldc);
            gl_wpack_gemm(row, ldc, A + (size_t)i * lda, lda, 1, &pk, (float)beta);
            bad_rows += memcmp(row, C + (size_t)i * ldc, sizeof(float) * N) != 0;
        }
        gl_wpack_free(&pk);
        free(w); free(A); free(C); free(C0); free(row);
    }
    CHECK(worst < 1e-5, "%s packed product matches doubles (worst %.3g per sqrt K)", set, worst);
    CHECK(nan_left == 0, "%s packed product writes only its N columns (%d others touched)", set, nan_left);
    if (strcmp(set, "blas")) CHECK(bad_rows == 0, "%s a row multiplied alone equals the same row in a block (%d differ)", set, bad_rows);
    if (packed)
        CHECK(inexact == 0, "%s packed product gives the bits of fmaf in order k (%d entries differ)", set, inexact);
}

// Every kernel this CPU runs, chosen through gl_wpack_force; then the
// choice that GLIMPSE_WPACK asks for (tests/core/meson.build runs this test
// under each value too) must be the one in use.
static void wpack_kernels(const char *env_choice) {
    const char *env = getenv("GLIMPSE_WPACK"), *names[] = {"blas", "avx2", "avx512"};
    int best = gl_wpack_best();
    printf("packed products: %s (best on this CPU: %s; GLIMPSE_WPACK=%s)\n", env_choice, names[best], env ? env : "");
    if (env && *env) {
        int want = !strcmp(env, "avx512") ? GL_WPACK_AVX512 : !strcmp(env, "avx2") ? GL_WPACK_AVX2 : GL_WPACK_BLAS;
        CHECK(!strcmp(env_choice, names[want <= best ? want : best]), "GLIMPSE_WPACK=%s chooses %s (got %s)", env,
              names[want <= best ? want : best], env_choice);
    } else {
        CHECK(!strcmp(env_choice, names[best]), "the best kernel is chosen (%s, got %s)", names[best], env_choice);
    }
#if defined(__x86_64__)
    CHECK(best >= GL_WPACK_AVX2 || !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"),
          "an AVX2+FMA CPU gets a packed kernel");
#endif
    int old = gl_wpack_force(GL_WPACK_BLAS);
    CHECK(old >= 0 && gl_wpack_force(best + 1) == -1, "a kernel beyond this CPU cannot be forced");
    for (int k = GL_WPACK_AVX2; k <= best; k++) {
        gl_wpack_force(k);
        CHECK(!strcmp(gl_wpack_target(), names[k]), "%s can be forced", names[k]);
        wpack(names[k]);
    }
    // a pack set under one kernel serves another, and one set under blas holds no panels
    gl_wpack pk = {0};
    float w[40 * 9], a[5 * 9], c1[5 * 40], c2[5 * 40];
    for (int i = 0; i < 40 * 9; i++) w[i] = (float)((i * 37 % 101) - 50) / 25;
    for (int i = 0; i < 5 * 9; i++) a[i] = (float)((i * 53 % 97) - 48) / 25;
    gl_wpack_force(best);
    gl_wpack_set(&pk, w, 0, 1, 9, 40);
    gl_wpack_gemm(c1, 40, a, 9, 5, &pk, 0.0f);
    for (int k = GL_WPACK_AVX2; k < best; k++) {
        gl_wpack_force(k);
        gl_wpack_gemm(c2, 40, a, 9, 5, &pk, 0.0f);
        CHECK(!memcmp(c1, c2, sizeof c1), "%s on a pack set under %s gives its bits", names[k], names[best]);
    }
    gl_wpack_force(GL_WPACK_BLAS);
    for (int i = 0; i < 40 * 9; i++) w[i] = -w[i];
    gl_wpack_set(&pk, w, 0, 1, 9, 40);
    CHECK(pk.p == NULL, "no panels are packed while blas is chosen");
    gl_wpack_force(best);
    gl_wpack_gemm(c2, 40, a, 9, 5, &pk, 0.0f);
    double err = 0;
    for (int i = 0; i < 5 * 40; i++) err = fmax(err, fabs(c1[i] + c2[i]));
    CHECK(err < 1e-4, "a pack set under blas is not multiplied through stale panels (%.3g)", err);
    gl_wpack_free(&pk);
    gl_wpack_force(old);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--wpack-only")) {   // the runs under each GLIMPSE_WPACK (tests/core/meson.build)
        const char *chosen = gl_wpack_target();
        wpack(chosen);
        wpack_kernels(chosen);
        TEST_MAIN_END();
    }
    halves(gl_vmath_target());
    int8s(gl_vmath_target());
    int8_levels();
    printf("kernels in use: %s\n", gl_vmath_target());
    sweep(gl_vmath_target());
    lstm_gates(gl_vmath_target());
    int old = gl_vmath_force_baseline(1);
    CHECK(!strcmp(gl_vmath_target(), "baseline"), "baseline can be forced");
    sweep("baseline");
    lstm_gates("baseline");
    halves("baseline");
    int8s("baseline");
    gl_vmath_force_baseline(old);
    wpack_kernels(gl_wpack_target());   // (every packed kernel this CPU has)
    old = gl_wpack_force_blas(1);
    CHECK(!strcmp(gl_wpack_target(), "blas"), "the BLAS path can be forced");
    wpack("blas");
    gl_wpack_force_blas(old);
    TEST_MAIN_END();
}
