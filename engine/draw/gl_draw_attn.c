// DRAW's selective attention (eq. 19-29) and the latent KL term (eq. 11), as
// forward/backward pairs for one sample.
#include "gl_draw.h"
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
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; row[a] = expf(-d * d / (2 * s2)); z += row[a]; }
        float inv = 1.0f / (z + FB_EPS);
        for (int a = 0; a < A; a++) row[a] *= inv;
    }
}

void gl_filterbank_forward(float *Fx, float *Fy, float *gamma, const float *p5, int N, int A) {
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
        for (int a = 0; a < A; a++) { float d = (float)(a + 1) - mu; e[a] = expf(-d * d / (2 * s2)); z += e[a]; dot += drow[a] * row[a]; }
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

void gl_filterbank_backward(float *dp5, const float *dFx, const float *dFy, float dgamma,
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

// patch (N,N) = γ Fy img Fxᵀ;  tmp (A,N) = img Fxᵀ
void gl_read_forward(float *patch, float *tmp, const float *img, const float *Fx, const float *Fy, float gamma, int N, int A) {
    for (int y = 0; y < A; y++)
        for (int i = 0; i < N; i++) {
            float s = 0;
            const float *ir = img + (size_t)y * A, *fr = Fx + (size_t)i * A;
            for (int a = 0; a < A; a++) s += ir[a] * fr[a];
            tmp[(size_t)y * N + i] = s;
        }
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            float s = 0;
            for (int y = 0; y < A; y++) s += Fy[(size_t)j * A + y] * tmp[(size_t)y * N + i];
            patch[(size_t)j * N + i] = gamma * s;
        }
}

float gl_read_backward(float *dimg, float *dFx, float *dFy, const float *dpatch, const float *patch,
                       const float *tmp, const float *img, const float *Fx, const float *Fy, float gamma, int N, int A) {
    float dP[GL_DRAW_MAXN * GL_DRAW_MAXN], dtmp[GL_DRAW_A * GL_DRAW_MAXN];
    double dgamma = 0;
    // patch = γ P  =>  dγ = Σ dpatch · patch / γ
    for (int k = 0; k < N * N; k++) { dgamma += (double)dpatch[k] * patch[k]; dP[k] = gamma * dpatch[k]; }
    dgamma /= gamma;
    // P = Fy tmp
    for (int j = 0; j < N; j++)
        for (int y = 0; y < A; y++) {
            float s = 0;
            for (int i = 0; i < N; i++) s += dP[j * N + i] * tmp[(size_t)y * N + i];
            dFy[(size_t)j * A + y] += s;
        }
    for (int y = 0; y < A; y++)
        for (int i = 0; i < N; i++) {
            float s = 0;
            for (int j = 0; j < N; j++) s += Fy[(size_t)j * A + y] * dP[j * N + i];
            dtmp[y * N + i] = s;
        }
    // tmp = img Fxᵀ
    for (int i = 0; i < N; i++)
        for (int a = 0; a < A; a++) {
            float s = 0;
            for (int y = 0; y < A; y++) s += dtmp[y * N + i] * img[(size_t)y * A + a];
            dFx[(size_t)i * A + a] += s;
        }
    if (dimg)
        for (int y = 0; y < A; y++)
            for (int a = 0; a < A; a++) {
                float s = 0;
                for (int i = 0; i < N; i++) s += dtmp[y * N + i] * Fx[(size_t)i * A + a];
                dimg[(size_t)y * A + a] += s;
            }
    return (float)dgamma;
}

// canvas (A,A) += (1/γ) Fyᵀ tmp;  tmp (N,A) = w Fx
void gl_write_forward(float *canvas, float *tmp, const float *w, const float *Fx, const float *Fy, float gamma, int N, int A) {
    for (int j = 0; j < N; j++)
        for (int a = 0; a < A; a++) {
            float s = 0;
            for (int i = 0; i < N; i++) s += w[j * N + i] * Fx[(size_t)i * A + a];
            tmp[(size_t)j * A + a] = s;
        }
    float inv = 1.0f / gamma;
    for (int y = 0; y < A; y++)
        for (int j = 0; j < N; j++) {
            float f = Fy[(size_t)j * A + y] * inv;
            const float *tr = tmp + (size_t)j * A;
            float *cr = canvas + (size_t)y * A;
            for (int a = 0; a < A; a++) cr[a] += f * tr[a];
        }
}

float gl_write_backward(float *dw, float *dFx, float *dFy, const float *dcanvas, const float *tmp,
                        const float *w, const float *Fx, const float *Fy, float gamma, int N, int A) {
    float dtmp[GL_DRAW_MAXN * GL_DRAW_A];
    float inv = 1.0f / gamma;
    double S = 0;
    // out = (1/γ) Fyᵀ tmp: G[j,y] = Σ_a dcanvas[y,a] tmp[j,a]; dFy += G/γ; dγ = −Σ Fy·G / γ²
    for (int j = 0; j < N; j++)
        for (int y = 0; y < A; y++) {
            float g = 0;
            const float *dr = dcanvas + (size_t)y * A, *tr = tmp + (size_t)j * A;
            for (int a = 0; a < A; a++) g += dr[a] * tr[a];
            dFy[(size_t)j * A + y] += g * inv;
            S += (double)Fy[(size_t)j * A + y] * g;
        }
    for (int j = 0; j < N; j++)
        for (int a = 0; a < A; a++) {
            float s = 0;
            for (int y = 0; y < A; y++) s += Fy[(size_t)j * A + y] * dcanvas[(size_t)y * A + a];
            dtmp[j * A + a] = s * inv;
        }
    // tmp = w Fx
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            float s = 0;
            for (int a = 0; a < A; a++) s += dtmp[j * A + a] * Fx[(size_t)i * A + a];
            dw[j * N + i] += s;
        }
    for (int i = 0; i < N; i++)
        for (int a = 0; a < A; a++) {
            float s = 0;
            for (int j = 0; j < N; j++) s += w[j * N + i] * dtmp[j * A + a];
            dFx[(size_t)i * A + a] += s;
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
