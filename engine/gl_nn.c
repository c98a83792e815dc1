#include "gl_nn.h"
#include <cblas.h>
#include <math.h>
#include <string.h>

void gl_linear_forward(float *out, const float *inp, const float *w, const float *b, int B, int C, int OC, int accumulate) {
    if (!accumulate) {
        for (int i = 0; i < B; i++) {
            if (b) memcpy(out + (size_t)i * OC, b, (size_t)OC * sizeof(float));
            else memset(out + (size_t)i * OC, 0, (size_t)OC * sizeof(float));
        }
    } else if (b) {
        for (int i = 0; i < B; i++) for (int o = 0; o < OC; o++) out[(size_t)i * OC + o] += b[o];
    }
    if (B == 1) cblas_sgemv(CblasRowMajor, CblasNoTrans, OC, C, 1.0f, w, C, inp, 1, 1.0f, out, 1);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, inp, C, w, C, 1.0f, out, OC);
}

void gl_linear_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp, const float *w, int B, int C, int OC) {
    if (dinp) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, OC, 1.0f, dout, OC, w, C, 1.0f, dinp, C);
    if (dw) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, B, 1.0f, dout, OC, inp, C, 1.0f, dw, C);
    if (db) for (int i = 0; i < B; i++) for (int o = 0; o < OC; o++) db[o] += dout[(size_t)i * OC + o];
}

void gl_lstm_forward(float *h, float *c, float *act, float *tc,
                     const float *x, const float *h_prev, const float *c_prev,
                     const float *Wx, const float *Wh, const float *b,
                     const float *pre_extra, int B, int NI, int H) {
    int G = 4 * H;
    float *pre = act;   // computed in place, then activated
    if (NI > 0) gl_linear_forward(pre, x, Wx, b, B, NI, G, 0);
    else for (int n = 0; n < B; n++) memcpy(pre + (size_t)n * G, b, (size_t)G * sizeof(float));
    if (h_prev) gl_linear_forward(pre, h_prev, Wh, NULL, B, H, G, 1);
    if (pre_extra) for (size_t k = 0; k < (size_t)B * G; k++) pre[k] += pre_extra[k];
    for (int n = 0; n < B; n++) {
        float *a = act + (size_t)n * G;
        for (int j = 0; j < H; j++) {
            float ig = gl_sigmoid(a[j]), fg = gl_sigmoid(a[H + j]), gg = tanhf(a[2 * H + j]), og = gl_sigmoid(a[3 * H + j]);
            a[j] = ig; a[H + j] = fg; a[2 * H + j] = gg; a[3 * H + j] = og;
            float cp = c_prev ? c_prev[(size_t)n * H + j] : 0.0f;
            float cc = fg * cp + ig * gg;
            c[(size_t)n * H + j] = cc;
            float t = tanhf(cc);
            tc[(size_t)n * H + j] = t;
            h[(size_t)n * H + j] = og * t;
        }
    }
}

void gl_lstm_backward(float *dpre, float *dx, float *dh_prev, float *dc_prev,
                      float *dWx, float *dWh, float *db,
                      const float *dh, float *dc, const float *act, const float *tc,
                      const float *x, const float *h_prev, const float *c_prev,
                      const float *Wx, const float *Wh, int B, int NI, int H) {
    int G = 4 * H;
    for (int n = 0; n < B; n++) {
        const float *a = act + (size_t)n * G;
        float *dp = dpre + (size_t)n * G;
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)n * H + j;
            float ig = a[j], fg = a[H + j], gg = a[2 * H + j], og = a[3 * H + j], t = tc[k];
            // h = o·tanh(c)
            float dho = dh[k];
            float dcc = dc[k] + dho * og * (1 - t * t);
            dc[k] = dcc;
            float cp = c_prev ? c_prev[k] : 0.0f;
            // c = f·c_prev + i·g
            dp[j] = dcc * gg * ig * (1 - ig);
            dp[H + j] = dcc * cp * fg * (1 - fg);
            dp[2 * H + j] = dcc * ig * (1 - gg * gg);
            dp[3 * H + j] = dho * t * og * (1 - og);
            if (dc_prev) dc_prev[k] += dcc * fg;
        }
    }
    if (NI > 0) gl_linear_backward(dx, dWx, db, dpre, x, Wx, B, NI, G);
    else if (db) for (int n = 0; n < B; n++) for (int o = 0; o < G; o++) db[o] += dpre[(size_t)n * G + o];
    if (h_prev) gl_linear_backward(dh_prev, dWh, NULL, dpre, h_prev, Wh, B, H, G);
}

float gl_softmax(float *x, int n) {
    float mx = x[0];
    for (int i = 1; i < n; i++) if (x[i] > mx) mx = x[i];
    double s = 0;
    for (int i = 0; i < n; i++) { x[i] = expf(x[i] - mx); s += x[i]; }
    float inv = (float)(1.0 / s);
    for (int i = 0; i < n; i++) x[i] *= inv;
    return mx + (float)log(s);
}
