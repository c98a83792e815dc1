// Cluttered MNIST (gl_clut.h): the generator, and the read window's filter
// banks and read as forward/backward pairs for one sample.
#include "gl_clut.h"
#include "gl_vmath.h"
#include <cblas.h>
#include <math.h>
#include <string.h>

#define A GL_CLUT_A
#define FB_EPS 1e-8f

uint64_t gl_clut_test_seed(int k) { return GL_CLUT_TEST_SEED * 1000003ULL + (uint64_t)k; }
uint64_t gl_clut_train_seed(uint64_t run_seed, long epoch, int k) {
    return (run_seed * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)epoch * 0xBF58476D1CE4E5B9ULL) ^
        ((uint64_t)k * 0x94D049BB133111EBULL);
}

// Adds the fragments of one image, drawn from r as gl_clut.h says.
static void add_clutter(float *img, const gl_mnist *src, int exclude, int clutter, gl_rng *r) {
    if (src->n < 2 && exclude >= 0) return;
    if (src->n < 1) return;
    for (int f = 0; f < clutter; f++) {
        int j;
        do j = (int)gl_rng_below(r, (uint32_t)src->n); while (j == exclude);
        int sx = (int)gl_rng_below(r, 21), sy = (int)gl_rng_below(r, 21);
        int px = (int)gl_rng_below(r, A - 7), py = (int)gl_rng_below(r, A - 7);
        const float *s = src->x + (size_t)j * 784;
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) img[(size_t)(py + y) * A + px + x] += s[(sy + y) * 28 + sx + x];
    }
}

static void clip1(float *img) {
    for (int i = 0; i < GL_CLUT_D; i++) if (img[i] > 1.0f) img[i] = 1.0f;
}

static void put_digit(float *img, const float *d, int x0, int y0) {
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) img[(size_t)(y0 + y) * A + x0 + x] += d[y * 28 + x];
}

void gl_clut_make(float *img, const gl_mnist *src, int digit, int clutter, uint64_t seed, gl_clut_place *where) {
    gl_rng r;
    gl_rng_seed(&r, seed);
    memset(img, 0, sizeof(float) * GL_CLUT_D);
    int x0 = (int)gl_rng_below(&r, A - 27), y0 = (int)gl_rng_below(&r, A - 27);
    put_digit(img, src->x + (size_t)digit * 784, x0, y0);
    add_clutter(img, src, digit, clutter, &r);
    clip1(img);
    if (where) { where->cx = (float)x0 + 14.5f; where->cy = (float)y0 + 14.5f; }
}

void gl_clut_compose(float *img, const float *digit28, int x0, int y0, const gl_mnist *src, int exclude,
                     int clutter, uint64_t seed) {
    gl_rng r;
    gl_rng_seed(&r, seed);
    memset(img, 0, sizeof(float) * GL_CLUT_D);
    if (x0 < 0) x0 = 0;
    if (x0 > A - 28) x0 = A - 28;
    if (y0 < 0) y0 = 0;
    if (y0 > A - 28) y0 = A - 28;
    // the same two draws as gl_clut_make, so that a seed gives the same clutter
    (void)gl_rng_below(&r, A - 27); (void)gl_rng_below(&r, A - 27);
    if (digit28) put_digit(img, digit28, x0, y0);
    if (src) add_clutter(img, src, exclude, clutter, &r);
    clip1(img);
}

// ---- the window ---------------------------------------------------------------------
static inline float stride_scale(int N) { return (float)(A - 1) / (float)(N > 1 ? N - 1 : 1); }
static inline float uclamp(float u, float hi) { return u < hi ? u : hi; }

void gl_clut_window_of(const float *p, int N, gl_clut_window *w) {
    w->gx = 0.5f * (float)(A + 1) * (tanhf(p[GL_CW_GX]) + 1.0f);
    w->gy = 0.5f * (float)(A + 1) * (tanhf(p[GL_CW_GY]) + 1.0f);
    w->sigma2 = GL_CLUT_SIGMA2_MIN + expf(uclamp(p[GL_CW_LOGS2], GL_CLUT_UMAX_S2));
    w->delta = GL_CLUT_DELTA_MIN + stride_scale(N) * expf(uclamp(p[GL_CW_LOGDELTA], GL_CLUT_UMAX_DELTA));
    w->gamma = expf(uclamp(p[GL_CW_LOGGAMMA], GL_CLUT_UMAX_GAMMA));
    w->box = (float)(N - 1) * w->delta;
}

void gl_clut_window_whole(int N, gl_clut_window *w) {
    w->gx = w->gy = 0.5f * (float)(A + 1);
    w->delta = stride_scale(N);
    w->sigma2 = 0.25f * w->delta * w->delta;
    w->gamma = 1.0f;
    w->box = (float)(N - 1) * w->delta;
}

// F (N,A): F[i,a] = exp(−(a − μ_i)²/2σ²) / Z_i, μ_i = g + (i − (N−1)/2) δ (eq. 25-26)
static void bank(float *F, float g, float delta, float s2, int N) {
    float k = -1.0f / (2 * s2);
    for (int i = 0; i < N; i++) {
        float mu = g + ((float)i - 0.5f * (float)(N - 1)) * delta;
        float *row = F + (size_t)i * A, z = 0;
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; row[a] = d * d * k; }
        gl_vexp(row, row, (size_t)A);
        for (int a = 0; a < A; a++) z += row[a];
        float inv = 1.0f / (z + FB_EPS);
        for (int a = 0; a < A; a++) row[a] *= inv;
    }
}

void gl_clut_filterbank_of(float *Fx, float *Fy, const gl_clut_window *w, int N) {
    bank(Fx, w->gx, w->delta, w->sigma2, N);
    bank(Fy, w->gy, w->delta, w->sigma2, N);
}

void gl_clut_filterbank_forward(float *Fx, float *Fy, float *gamma, const float *p5, int N) {
    gl_clut_window w;
    gl_clut_window_of(p5, N, &w);
    gl_clut_filterbank_of(Fx, Fy, &w, N);
    *gamma = w.gamma;
}

// Backward of bank(): accumulates dg, dδ, dσ².
static void bank_backward(float *dg, float *ddelta, float *ds2, const float *dF, const float *F, float g, float delta,
                          float s2, int N) {
    float e[A];
    float k = -1.0f / (2 * s2);
    for (int i = 0; i < N; i++) {
        float off = (float)i - 0.5f * (float)(N - 1);
        float mu = g + off * delta;
        const float *row = F + (size_t)i * A, *drow = dF + (size_t)i * A;
        float z = 0, dot = 0;
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; e[a] = d * d * k; dot += drow[a] * row[a]; }
        gl_vexp(e, e, (size_t)A);
        for (int a = 0; a < A; a++) z += e[a];
        z += FB_EPS;
        // F = e/Z  =>  ∂L/∂e_a = (dF_a − Σ_b dF_b F_b)/Z;  ∂e/∂μ = e d/σ², ∂e/∂σ² = e d²/2σ⁴
        float dmu = 0, dv = 0;
        for (int a = 0; a < A; a++) {
            float de = (drow[a] - dot) / z * e[a];
            float d = (float)(a + 1) - mu;
            dmu += de * d;
            dv += de * d * d;
        }
        *dg += dmu / s2;
        *ddelta += dmu / s2 * off;
        *ds2 += dv / (2 * s2 * s2);
    }
}

void gl_clut_filterbank_backward(float *dp5, const float *dFx, const float *dFy, float dgamma, const float *Fx,
                                 const float *Fy, const float *p5, int N) {
    gl_clut_window w;
    gl_clut_window_of(p5, N, &w);
    float dgx = 0, dgy = 0, ddelta = 0, ds2 = 0;
    bank_backward(&dgx, &ddelta, &ds2, dFx, Fx, w.gx, w.delta, w.sigma2, N);
    bank_backward(&dgy, &ddelta, &ds2, dFy, Fy, w.gy, w.delta, w.sigma2, N);
    float tx = tanhf(p5[GL_CW_GX]), ty = tanhf(p5[GL_CW_GY]);
    dp5[GL_CW_GX] += dgx * 0.5f * (float)(A + 1) * (1 - tx * tx);
    dp5[GL_CW_GY] += dgy * 0.5f * (float)(A + 1) * (1 - ty * ty);
    if (p5[GL_CW_LOGS2] < GL_CLUT_UMAX_S2) dp5[GL_CW_LOGS2] += ds2 * (w.sigma2 - GL_CLUT_SIGMA2_MIN);
    if (p5[GL_CW_LOGDELTA] < GL_CLUT_UMAX_DELTA) dp5[GL_CW_LOGDELTA] += ddelta * (w.delta - GL_CLUT_DELTA_MIN);
    if (p5[GL_CW_LOGGAMMA] < GL_CLUT_UMAX_GAMMA) dp5[GL_CW_LOGGAMMA] += dgamma * w.gamma;
}

// ---- the read -----------------------------------------------------------------------
void gl_clut_read_forward(float *patch, float *U, const float *img, const float *Fx, const float *Fy, float gamma,
                          int N) {
    // U (N,A) = Fy (N,A) · img (A,A);  patch (N,N) = γ U Fxᵀ
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, A, A, 1.0f, Fy, A, img, A, 0.0f, U, A);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, A, gamma, U, A, Fx, A, 0.0f, patch, N);
}

float gl_clut_read_backward(float *dFx, float *dFy, const float *dpatch, const float *patch, const float *U,
                            const float *img, const float *Fx, float gamma, int N) {
    float dP[GL_CLUT_MAXN * GL_CLUT_MAXN], dU[GL_CLUT_MAXN * A];
    double dg = 0;
    // patch = γ P: dγ = Σ dpatch·patch/γ, dP = γ dpatch
    for (int k = 0; k < N * N; k++) { dg += (double)dpatch[k] * patch[k]; dP[k] = gamma * dpatch[k]; }
    // P = U Fxᵀ: dU = dP Fx (N,A), dFx += dPᵀ U
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, A, N, 1.0f, dP, N, Fx, A, 0.0f, dU, A);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, A, N, 1.0f, dP, N, U, A, 1.0f, dFx, A);
    // U = Fy img: dFy += dU imgᵀ
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, A, A, 1.0f, dU, A, img, A, 1.0f, dFy, A);
    return (float)(dg / gamma);
}
