// Cells (gl_hw_cells.c): the recorded c and h are the LSTM's after reading
// each point (checked against the equations written out here), the pen's
// features on a line drawn by hand, pooled correlations, and the order that
// puts similar cells side by side.
#include "gl_hw.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>

static gl_hw_model *tiny(int K) {
    gl_hw_cfg cfg = {0};
    cfg.L = 2; cfg.H = 8; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abc"); cfg.C = 4;
    cfg.mean[0] = 2; cfg.mean[1] = -1; cfg.std[0] = 3; cfg.std[1] = 2;
    gl_hw_model *m = gl_hw_new(&cfg, 5);
    CHECK(m != NULL, "new: %s", gl_err());
    return m;
}

static float sig(float v) { return 1.0f / (1.0f + expf(-v)); }

// One LSTM step written out: gates (i, f, g, o) = Wx in + Wh h + b.
static void lstm_ref(const gl_hw_model *m, int l, const float *in, float *h, float *c) {
    int H = m->cfg.H, NI = m->NI[l];
    float a[4 * 64], hn[64];
    for (int r = 0; r < 4 * H; r++) {
        double s = m->b[l][r];
        for (int k = 0; k < NI; k++) s += (double)m->Wx[l][r * NI + k] * in[k];
        for (int k = 0; k < H; k++) s += (double)m->Wh[l][r * H + k] * h[k];
        a[r] = (float)s;
    }
    for (int j = 0; j < H; j++) {
        c[j] = sig(a[H + j]) * c[j] + sig(a[j]) * tanhf(a[2 * H + j]);
        hn[j] = sig(a[3 * H + j]) * tanhf(c[j]);
    }
    memcpy(h, hn, sizeof(float) * H);
}

static void test_states(void) {
    gl_hw_model *m = tiny(0);
    if (!m) return;
    enum { N = 12 };
    float pts[3 * N];
    for (int i = 0; i < N; i++) {
        pts[3 * i] = 1.5f + i % 3; pts[3 * i + 1] = (float)(i % 4) - 1.5f; pts[3 * i + 2] = i == 5;
    }
    gl_hw_cells cl;
    CHECK(gl_hw_cells_run(m, pts, N, NULL, &cl) == 0, "run: %s", gl_err());
    CHECK(cl.n == N && cl.L == 2 && cl.H == 8, "shape %d %d %d", cl.n, cl.L, cl.H);
    int H = 8;
    float h[2][8] = {{0}}, c[2][8] = {{0}}, x[3] = { 0, 0, 1 }, in[3 + 8];
    double worst = 0;
    for (int t = 0; t <= N; t++) {   // step t reads x_t: x_0 = (0,0,1), then the normalised points
        if (t > 0) {
            x[0] = (pts[3 * (t - 1)] - 2) / 3; x[1] = (pts[3 * (t - 1) + 1] + 1) / 2; x[2] = pts[3 * (t - 1) + 2];
        }
        memcpy(in, x, sizeof x);
        lstm_ref(m, 0, in, h[0], c[0]);
        memcpy(in + 3, h[0], sizeof(float) * H);
        lstm_ref(m, 1, in, h[1], c[1]);
        if (t == 0) continue;
        for (int l = 0; l < 2; l++)
            for (int j = 0; j < H; j++) {   // column t - 1: the network has read point t - 1
                worst = fmax(worst, fabs(gl_hw_cells_layer(&cl, l, 0)[(t - 1) * H + j] - c[l][j]));
                worst = fmax(worst, fabs(gl_hw_cells_layer(&cl, l, 1)[(t - 1) * H + j] - h[l][j]));
            }
    }
    CHECK(worst < 1e-5, "c and h against the equations: worst %g", worst);
    CHECK(gl_hw_cells_layer(&cl, 2, 0) == NULL, "no third layer");
    gl_hw_cells_free(&cl);
    CHECK(gl_hw_cells_run(m, pts, 0, NULL, &cl) == -1, "no points refused");
    gl_hw_free(m);
    // synthesis: the text is needed and checked
    m = tiny(2);
    if (!m) return;
    CHECK(gl_hw_cells_run(m, pts, N, NULL, &cl) == -1, "synthesis without text refused");
    CHECK(gl_hw_cells_run(m, pts, N, "abz", &cl) == -1 && strstr(gl_err(), "z"), "unknown character: %s", gl_err());
    CHECK(gl_hw_cells_run(m, pts, N, "ab c", &cl) == 0 && cl.n == N, "synthesis run: %s", gl_err());
    gl_hw_cells_free(&cl);
    gl_hw_free(m);
}

// Two words: "word 1" = a stroke right then a stroke down (the pen lifts
// after point 3), a gap of 20 units, "word 2" = one stroke right.
static void test_features(void) {
    const float pts[] = {
        0, 0, 0,   4, 0, 0,   4, 0, 0,   4, 0, 1,   // 0..3: right, lift
        -6, -4, 0, 0, 4, 0,   0, 4, 1,              // 4..6: a jump, then down twice
        26, -4, 0, 4, 0, 0,   4, 0, 1,              // 7..9: a jump of 20 right of the ink, right
    };
    int n = 10;
    float f[GL_HW_FEAT_N * 10];
    gl_hw_cells_features(pts, n, f);
    const float *up = f, *x = f + GL_HW_FEAT_X * n, *r = f + GL_HW_FEAT_RIGHT * n, *d = f + GL_HW_FEAT_DOWN * n,
                *w = f + GL_HW_FEAT_WORD * n;
    CHECK(up[3] == 1 && up[6] == 1 && up[9] == 1 && up[0] == 0 && up[5] == 0, "pen lifts");
    CHECK(x[0] == 0 && x[9] == 1 && fabsf(x[3] - 12.0f / 40) < 1e-6, "x in line %g %g %g", x[0], x[3], x[9]);
    CHECK(r[1] == 1 && d[1] == 0 && r[5] == 0 && d[5] == 1, "directions");
    CHECK(isnan(r[0]) && isnan(r[4]) && isnan(d[7]), "no direction at the first point or after a lift");
    CHECK(w[0] == 0 && w[3] == 1 && w[7] == 0 && w[9] == 1, "place in word %g %g %g %g", w[0], w[3], w[7], w[9]);
    CHECK(fabsf(w[4] - 6.0f / 12) < 1e-6, "the jump's point in word 1: %g", w[4]);
    CHECK(strcmp(gl_hw_feature_name(GL_HW_FEAT_PENUP), "pen lift") == 0, "names");
}

static void test_corr_order(void) {
    enum { N = 50, H = 6 };
    float act[N * H], feat[GL_HW_FEAT_N * N];
    for (int t = 0; t < N; t++) {
        float s = sinf(0.3f * t), q = cosf(0.7f * t + 1);
        // cells 0, 2, 4 follow s (scaled, shifted, one negated), 1 and 5 follow q, 3 is constant
        act[t * H + 0] = s; act[t * H + 2] = 3 * s + 1; act[t * H + 4] = -s;
        act[t * H + 1] = q; act[t * H + 5] = 0.5f * q; act[t * H + 3] = 2;
        for (int k = 0; k < GL_HW_FEAT_N; k++) feat[k * N + t] = k == 0 ? s : k == 1 ? q : (k == 3 && t % 2 ? NAN : s);
    }
    // added in two parts (features are (GL_HW_FEAT_N, n) per part): pooled
    gl_hw_corr c;
    float act2[N * H], feat2[GL_HW_FEAT_N * N];
    memcpy(act2, act + N / 2 * H, sizeof(float) * N / 2 * H);
    for (int k = 0; k < GL_HW_FEAT_N; k++) memcpy(feat2 + k * (N / 2), feat + k * N + N / 2, sizeof(float) * N / 2);
    float featA[GL_HW_FEAT_N * N];
    for (int k = 0; k < GL_HW_FEAT_N; k++) memcpy(featA + k * (N / 2), feat + k * N, sizeof(float) * N / 2);
    gl_hw_corr_init(&c, H);
    gl_hw_corr_add(&c, act, featA, N / 2);
    gl_hw_corr_add(&c, act2, feat2, N / 2);
    float r[GL_HW_FEAT_N * H];
    gl_hw_corr_result(&c, r);
    CHECK_NEAR(r[0 * H + 0], 1, 1e-5, "cell 0 with s");
    CHECK_NEAR(r[0 * H + 2], 1, 1e-5, "cell 2 with s");
    CHECK_NEAR(r[0 * H + 4], -1, 1e-5, "cell 4 with s");
    CHECK_NEAR(r[1 * H + 5], 1, 1e-5, "cell 5 with q");
    CHECK(r[0 * H + 3] == 0, "a constant cell: 0");
    CHECK_NEAR(r[3 * H + 2], 1, 1e-5, "NAN points left out");
    CHECK(fabsf(r[0 * H + 1]) < 0.5f, "s and q differ: %g", r[1]);
    gl_hw_corr_free(&c);
    int order[H];
    gl_hw_cells_order(act, N, H, order);
    int pos[H], seen = 0;
    for (int k = 0; k < H; k++) { pos[order[k]] = k; seen |= 1 << order[k]; }
    CHECK(seen == (1 << H) - 1, "a permutation");
    CHECK(order[0] == 2, "starts at the cell that varies most: %d", order[0]);
    CHECK(abs(pos[0] - pos[2]) == 1 && abs(pos[1] - pos[5]) == 1, "alike cells side by side: %d %d %d %d %d %d",
          order[0], order[1], order[2], order[3], order[4], order[5]);
}

int main(void) {
    test_states();
    test_features();
    test_corr_order();
    TEST_MAIN_END();
}
