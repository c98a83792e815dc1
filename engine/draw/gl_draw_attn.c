// DRAW's selective attention (eq. 19-29) and the latent KL term (eq. 11), as
// forward/backward pairs for one sample.
#include "gl_draw.h"
#include "gl_vmath.h"
#include <math.h>
#include <string.h>

#define FB_EPS 1e-8f   // keeps the normaliser of a far-off filter away from 0

static inline float stride_scale(int N, int A) { return (float)(A - 1) / (float)(N > 1 ? N - 1 : 1); }

void gl_draw_window_of(const float *p, int N, int A, gl_draw_window *w) {
    // g = (A+1)/2 (g̃+1), δ = (max(A,B)−1)/(N−1) δ̃   (eq. 22-24)
    w->gx = 0.5f * (float)(A + 1) * (p[GL_DA_GX] + 1.0f);
    w->gy = 0.5f * (float)(A + 1) * (p[GL_DA_GY] + 1.0f);
    w->sigma2 = expf(p[GL_DA_LOGS2]);
    w->delta = stride_scale(N, A) * expf(p[GL_DA_LOGDELTA]);
    w->gamma = expf(p[GL_DA_LOGGAMMA]);
}

// One bank: F (N,A), F[i,a] = exp(−(a − μ_i)²/2σ²) / Z_i with μ_i = g + (i − N/2 − 0.5) δ,
// i = 1..N and pixel positions a = 1..A (eq. 19-21, 25-26).
static void bank(float *F, float g, float delta, float s2, int N, int A) {
    for (int i = 0; i < N; i++) {
        float mu = g + ((float)i - 0.5f * (float)(N - 1)) * delta;
        float *row = F + (size_t)i * A, z = 0;
        float k = -1.0f / (2 * s2);
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; row[a] = d * d * k; }
        gl_vexp(row, row, (size_t)A);
        for (int a = 0; a < A; a++) z += row[a];
        float inv = 1.0f / (z + FB_EPS);
        for (int a = 0; a < A; a++) row[a] *= inv;
    }
}

void gl_draw_filterbank_forward(float *Fx, float *Fy, float *gamma, const float *p5, int N, int A) {
    gl_draw_window w;
    gl_draw_window_of(p5, N, A, &w);
    bank(Fx, w.gx, w.delta, w.sigma2, N, A);
    bank(Fy, w.gy, w.delta, w.sigma2, N, A);
    *gamma = w.gamma;
}

// Backward of bank(): accumulates dg, dδ, dσ².
static void bank_backward(float *dg, float *ddelta, float *ds2, const float *dF, const float *F,
                          float g, float delta, float s2, int N, int A) {
    float e[256];
    for (int i = 0; i < N; i++) {
        float off = (float)i - 0.5f * (float)(N - 1);
        float mu = g + off * delta;
        const float *row = F + (size_t)i * A, *drow = dF + (size_t)i * A;
        float z = 0, dot = 0;
        float k = -1.0f / (2 * s2);
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; e[a] = d * d * k; dot += drow[a] * row[a]; }
        gl_vexp(e, e, (size_t)A);
        for (int a = 0; a < A; a++) z += e[a];
        z += FB_EPS;
        // F = e / Z  =>  ∂L/∂e_a = (dF_a − Σ_b dF_b F_b) / Z
        float dmu = 0, dv = 0;
        for (int a = 0; a < A; a++) {
            float de = (drow[a] - dot) / z;
            float d = (float)(a + 1) - mu;
            // e = exp(−d²/2σ²): ∂e/∂μ = e d/σ², ∂e/∂σ² = e d²/2σ⁴
            dmu += de * e[a] * d / s2;
            dv += de * e[a] * d * d / (2 * s2 * s2);
        }
        *dg += dmu;
        *ddelta += dmu * off;
        *ds2 += dv;
    }
}

void gl_draw_filterbank_backward(float *dp5, const float *dFx, const float *dFy, float dgamma,
                            const float *Fx, const float *Fy, const float *p5, int N, int A) {
    gl_draw_window w;
    gl_draw_window_of(p5, N, A, &w);
    float dgx = 0, dgy = 0, ddelta = 0, ds2 = 0;
    bank_backward(&dgx, &ddelta, &ds2, dFx, Fx, w.gx, w.delta, w.sigma2, N, A);
    bank_backward(&dgy, &ddelta, &ds2, dFy, Fy, w.gy, w.delta, w.sigma2, N, A);
    dp5[GL_DA_GX] += dgx * 0.5f * (float)(A + 1);
    dp5[GL_DA_GY] += dgy * 0.5f * (float)(A + 1);
    dp5[GL_DA_LOGS2] += ds2 * w.sigma2;          // σ² = exp(log σ²)
    dp5[GL_DA_LOGDELTA] += ddelta * w.delta;     // δ ∝ exp(log δ̃)
    dp5[GL_DA_LOGGAMMA] += dgamma * w.gamma;     // γ = exp(log γ)
}

// Dot product with 8 partial sums in a fixed order: vectorisable, and the
// same result on every run.
static inline float dot(const float *x, const float *y, int n) {
    float p[8] = { 0 };
    int k = 0;
    for (; k + 8 <= n; k += 8)
        for (int l = 0; l < 8; l++) p[l] += x[k + l] * y[k + l];
    float s = ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]));
    for (; k < n; k++) s += x[k] * y[k];
    return s;
}
// y (n) += a·x (n)
static inline void axpy(float *y, float a, const float *x, int n) { for (int k = 0; k < n; k++) y[k] += a * x[k]; }

// patch (N,N) = γ U Fxᵀ with U (N,A) = Fy img, kept in tmp for backward.
void gl_draw_read_forward(float *patch, float *tmp, const float *img, const float *Fx, const float *Fy, float gamma,
                          int N, int A) {
    memset(tmp, 0, (size_t)N * A * sizeof(float));
    for (int j = 0; j < N; j++)
        for (int y = 0; y < A; y++) axpy(tmp + (size_t)j * A, Fy[(size_t)j * A + y], img + (size_t)y * A, A);
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) patch[(size_t)j * N + i] = gamma * dot(tmp + (size_t)j * A, Fx + (size_t)i * A, A);
}

float gl_draw_read_backward(float *dimg, float *dFx, float *dFy, const float *dpatch, const float *patch,
                            const float *tmp, const float *img, const float *Fx, const float *Fy, float gamma, int N,
                            int A) {
    float dP[GL_DRAW_MAXN * GL_DRAW_MAXN], dU[GL_DRAW_MAXN * GL_DRAW_A];
    double dgamma = 0;
    // patch = γ P  =>  dγ = Σ dpatch · patch / γ
    for (int k = 0; k < N * N; k++) { dgamma += (double)dpatch[k] * patch[k]; dP[k] = gamma * dpatch[k]; }
    dgamma /= gamma;
    // P = U Fxᵀ: dU = dP Fx, dFx += dPᵀ U
    memset(dU, 0, (size_t)N * A * sizeof(float));
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            axpy(dU + (size_t)j * A, dP[j * N + i], Fx + (size_t)i * A, A);
            axpy(dFx + (size_t)i * A, dP[j * N + i], tmp + (size_t)j * A, A);
        }
    // U = Fy img: dFy += dU imgᵀ, dimg += Fyᵀ dU
    for (int j = 0; j < N; j++)
        for (int y = 0; y < A; y++) {
            dFy[(size_t)j * A + y] += dot(dU + (size_t)j * A, img + (size_t)y * A, A);
            if (dimg) axpy(dimg + (size_t)y * A, Fy[(size_t)j * A + y], dU + (size_t)j * A, A);
        }
    return (float)dgamma;
}

// canvas (A,A) += (1/γ) Fyᵀ tmp;  tmp (N,A) = w Fx
void gl_draw_write_forward(float *canvas, float *tmp, const float *w, const float *Fx, const float *Fy, float gamma,
                           int N, int A) {
    memset(tmp, 0, (size_t)N * A * sizeof(float));
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) axpy(tmp + (size_t)j * A, w[j * N + i], Fx + (size_t)i * A, A);
    float inv = 1.0f / gamma;
    for (int y = 0; y < A; y++)
        for (int j = 0; j < N; j++) axpy(canvas + (size_t)y * A, Fy[(size_t)j * A + y] * inv, tmp + (size_t)j * A, A);
}

float gl_draw_write_backward(float *dw, float *dFx, float *dFy, const float *dcanvas, const float *tmp,
                        const float *w, const float *Fx, const float *Fy, float gamma, int N, int A) {
    float dtmp[GL_DRAW_MAXN * GL_DRAW_A];
    float inv = 1.0f / gamma;
    double S = 0;
    // out = (1/γ) Fyᵀ tmp: G[j,y] = Σ_a dcanvas[y,a] tmp[j,a]; dFy += G/γ; dγ = −Σ Fy·G / γ²;
    // dtmp = (1/γ) Fy dcanvas
    memset(dtmp, 0, (size_t)N * A * sizeof(float));
    for (int j = 0; j < N; j++)
        for (int y = 0; y < A; y++) {
            float g = dot(dcanvas + (size_t)y * A, tmp + (size_t)j * A, A);
            dFy[(size_t)j * A + y] += g * inv;
            S += (double)Fy[(size_t)j * A + y] * g;
            axpy(dtmp + (size_t)j * A, Fy[(size_t)j * A + y] * inv, dcanvas + (size_t)y * A, A);
        }
    // tmp = w Fx: dw = dtmp Fxᵀ, dFx += wᵀ dtmp
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            dw[j * N + i] += dot(dtmp + (size_t)j * A, Fx + (size_t)i * A, A);
            axpy(dFx + (size_t)i * A, w[j * N + i], dtmp + (size_t)j * A, A);
        }
    return (float)(-S * inv * inv);
}

double gl_kl_forward(const float *mu, const float *logsig, int n) {
    // KL = ½ Σ (μ² + σ² − log σ² − 1)
    double s = 0;
    for (int k = 0; k < n; k++) s += 0.5 * ((double)mu[k] * mu[k] + exp(2.0 * logsig[k]) - 2.0 * logsig[k] - 1.0);
    return s;
}

void gl_kl_backward(float *dmu, float *dlogsig, const float *mu, const float *logsig, int n, float scale) {
    for (int k = 0; k < n; k++) {
        dmu[k] += scale * mu[k];
        dlogsig[k] += scale * (expf(2.0f * logsig[k]) - 1.0f);
    }
}
