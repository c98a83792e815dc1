#include "gl_nn.h"
#include "gl_vmath.h"
#include <cblas.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

static atomic_llong flops;
void gl_nn_flops_reset(void) { atomic_store(&flops, 0); }
double gl_nn_flops(void) { return (double)atomic_load(&flops); }
void gl_nn_flops_add(double n) { atomic_fetch_add_explicit(&flops, (long long)n, memory_order_relaxed); }
#define COUNT(m, n, k)                                                                                                 \
    atomic_fetch_add_explicit(&flops, 2LL * (long long)(m) * (long long)(n) * (long long)(k), memory_order_relaxed)

void gl_sgemm(int tA, int tB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float beta,
              float *C, int ldc) {
    COUNT(M, N, K);
    cblas_sgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans, tB ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, lda, B,
                ldb, beta, C, ldc);
}

void gl_linear_forward(float *out, const float *inp, const float *w, const float *b, int B, int C, int OC,
                       int accumulate) {
    if (!accumulate) {
        for (int i = 0; i < B; i++) {
            if (b) memcpy(out + (size_t)i * OC, b, (size_t)OC * sizeof(float));
            else memset(out + (size_t)i * OC, 0, (size_t)OC * sizeof(float));
        }
    } else if (b) {
        for (int i = 0; i < B; i++) for (int o = 0; o < OC; o++) out[(size_t)i * OC + o] += b[o];
    }
    COUNT(B, OC, C);
    if (B == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, OC, C, 1.0f, w, C, inp, 1, 1.0f, out, 1);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, inp, C, w, C, 1.0f, out, OC);
}

void gl_linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w, int B,
                        int C, int OC) {
    if (dinp) {
        COUNT(B, C, OC);
        if (B == 1) cblas_sgemv(CblasRowMajor, CblasTrans, OC, C, 1.0f, w, C, dout, 1, 1.0f, dinp, 1);
        else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, OC, 1.0f, dout, OC, w, C, 1.0f, dinp, C);
    }
    if (dw) COUNT(OC, C, B);
    if (dw) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, B, 1.0f, dout, OC, inp, C, 1.0f, dw, C);
    if (db) for (int i = 0; i < B; i++) {
        const float *d = dout + (size_t)i * OC;
        for (int o = 0; o < OC; o++) db[o] += d[o];
    }
}

void gl_lstm_forward(float *h, float *c, float *act, float *tc,
                     const float *x, const float *h_prev, const float *c_prev,
                     const float *Wx, const float *Wh, const float *b,
                     const float *pre_extra, int B, int NI, int H) {
    int G = 4 * H;
    float *pre = act;   // computed in place, then activated
    if (NI > 0) gl_linear_forward(pre, x, Wx, b, B, NI, G, 0);
    else for (int n = 0; n < B; n++) memcpy(pre + (size_t)n * G, b, (size_t)G * sizeof(float));
    if (pre_extra) for (size_t k = 0; k < (size_t)B * G; k++) pre[k] += pre_extra[k];
    gl_lstm_step_forward(h, c, act, tc, h_prev, c_prev, Wh, B, H);
}

void gl_lstm_step_forward(float *h, float *c, float *act, float *tc,
                          const float *h_prev, const float *c_prev, const float *Wh, int B, int H) {
    if (h_prev) gl_linear_forward(act, h_prev, Wh, NULL, B, H, 4 * H, 1);
    gl_lstm_pointwise_forward(act, c, tc, h, c_prev, B, H);
}

void gl_lstm_step_backward(float *dpre, float *dh_prev, float *dc_prev, const float *dh, float *dc,
                           const float *act, const float *tc, const float *c_prev, const float *Wh, int B, int H) {
    gl_lstm_pointwise_backward(dpre, dc_prev, dh, dc, act, tc, c_prev, B, H);
    if (dh_prev) gl_linear_backward(dh_prev, NULL, NULL, dpre, NULL, Wh, B, H, 4 * H);
}

void gl_lstm_step_forward_p(float *h, float *c, float *act, float *tc,
                            const float *h_prev, const float *c_prev, const gl_wpack *Whf, int B, int H) {
    if (h_prev) gl_wpack_gemm(act, 4 * H, h_prev, H, B, Whf, 1.0f);
    gl_lstm_pointwise_forward(act, c, tc, h, c_prev, B, H);
}

void gl_lstm_step_backward_p(float *dpre, float *dh_prev, float *dc_prev, const float *dh, float *dc, const float *act,
                             const float *tc, const float *c_prev, const gl_wpack *Whb, int B, int H) {
    gl_lstm_pointwise_backward(dpre, dc_prev, dh, dc, act, tc, c_prev, B, H);
    if (dh_prev) gl_wpack_gemm(dh_prev, H, dpre, 4 * H, B, Whb, 1.0f);
}

void gl_lstm_backward(float *dpre, float *dx, float *dh_prev, float *dc_prev,
                      float *dWx, float *dWh, float *db,
                      const float *dh, float *dc, const float *act, const float *tc,
                      const float *x, const float *h_prev, const float *c_prev,
                      const float *Wx, const float *Wh, int B, int NI, int H) {
    int G = 4 * H;
    gl_lstm_pointwise_backward(dpre, dc_prev, dh, dc, act, tc, c_prev, B, H);
    if (NI > 0) gl_linear_backward(dx, dWx, db, dpre, x, Wx, B, NI, G);
    else if (db) for (int n = 0; n < B; n++) for (int o = 0; o < G; o++) db[o] += dpre[(size_t)n * G + o];
    if (h_prev) gl_linear_backward(dh_prev, dWh, NULL, dpre, h_prev, Wh, B, H, G);
}

// Step 0 has no h_prev (zeros), so dWh only sums steps 1..T−1, whose
// h_prev blocks are Hprev[0..T−2].
void gl_lstm_weights_backward(float *dX, float *dWx, float *dWh, float *db, const float *dPRE,
                              const float *X, const float *Hprev, const float *Wx, int T, int B, int NI, int H) {
    int G = 4 * H, N = T * B;
    if (NI > 0) gl_linear_backward(dX, dWx, db, dPRE, X, Wx, N, NI, G);
    else if (db) gl_linear_backward(NULL, NULL, db, dPRE, NULL, NULL, N, 0, G);
    if (dWh && T > 1) gl_linear_backward(NULL, dWh, NULL, dPRE + (size_t)B * G, Hprev, NULL, (T - 1) * B, H, G);
}

float gl_softmax(float *x, int n) {
    float mx = x[0];
    for (int i = 1; i < n; i++) if (x[i] > mx) mx = x[i];
    for (int i = 0; i < n; i++) x[i] -= mx;
    gl_vexp(x, x, (size_t)n);
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    float inv = (float)(1.0 / s);
    for (int i = 0; i < n; i++) x[i] *= inv;
    return mx + (float)log(s);
}
