// Gradient checks (finite differences) for the handwriting layers: the
// mixture density loss, the soft window, and the full unrolled prediction and
// synthesis networks at tiny sizes.
#include "gl_hw.h"
#include "gl_test.h"

// ---- MDN
typedef struct { float *y, *x, *mask; int B, M; } mdn_ctx;
static double mdn_loss(void *p) { mdn_ctx *c = p; return gl_hw_mdn_forward_backward(NULL, c->y, c->x, c->mask, c->B, c->M); }

static void test_mdn(void) {
    gl_rng r; gl_rng_seed(&r, 7);
    int B = 5, M = 3, NY = 1 + 6 * M;
    float y[5 * 19], x[15], mask[5] = {1, 1, 0, 1, 1}, dy[5 * 19];
    for (int i = 0; i < B * NY; i++) y[i] = 0.8f * gl_rng_normal(&r);
    for (int n = 0; n < B; n++) { x[3 * n] = gl_rng_normal(&r); x[3 * n + 1] = gl_rng_normal(&r); x[3 * n + 2] = n & 1; }
    mdn_ctx c = { y, x, mask, B, M };
    double L = gl_hw_mdn_forward_backward(dy, y, x, mask, B, M);
    CHECK(isfinite(L) && L > 0, "mdn loss %g", L);
    // a padded point contributes nothing
    for (int j = 0; j < NY; j++) CHECK(dy[2 * NY + j] == 0, "masked gradient");
    gl_gradcheck(mdn_loss, &c, y, dy, B * NY, B * NY, 1e-3f, "mdn dy", 1e-2);
    // π sums to one: the loss of a single component equals the negative
    // log of a bivariate normal density computed directly
    float y1[7] = { 0.3f, 0.0f, 0.5f, -0.2f, logf(0.7f), logf(1.3f), atanhf(0.4f) }, x1[3] = { 0.1f, 0.4f, 1 };
    double l1 = gl_hw_mdn_forward_backward(NULL, y1, x1, NULL, 1, 1);
    double d1 = (0.1 - 0.5) / 0.7, d2 = (0.4 + 0.2) / 1.3, rho = 0.4, Z = d1 * d1 + d2 * d2 - 2 * rho * d1 * d2;
    double N = exp(-Z / (2 * (1 - rho * rho))) / (2 * M_PI * 0.7 * 1.3 * sqrt(1 - rho * rho));
    double e = 1 / (1 + exp(0.3));
    CHECK_NEAR(l1, -log(N) - log(e), 1e-4, "single-component NLL (eq. 26)");
}

// ---- window
typedef struct { float *p, *kprev, *rw, *rk; int *chars, *U; int B, K, Umax, C; } win_ctx;
static double win_loss(void *pp) {
    win_ctx *c = pp;
    float kappa[64], phi[64], w[64];
    gl_hw_window_forward(kappa, phi, w, c->p, c->kprev, c->chars, c->U, c->B, c->K, c->Umax, c->C);
    double L = 0;
    for (int i = 0; i < c->B * c->C; i++) L += c->rw[i] * w[i];
    for (int i = 0; i < c->B * c->K; i++) L += c->rk[i] * kappa[i];
    return L;
}

static void test_window(void) {
    gl_rng r; gl_rng_seed(&r, 3);
    int B = 2, K = 3, Umax = 5, C = 4;
    float p[18], kprev[6], rw[8], rk[6], dp[18], dk[6];
    int chars[10] = { 0, 1, 2, 1, 3, 2, 2, 0, 0, 0 }, U[2] = { 5, 3 };
    for (int i = 0; i < 18; i++) p[i] = 0.5f * gl_rng_normal(&r);
    for (int i = 0; i < 6; i++) { kprev[i] = 1.0f + 2.5f * gl_rng_uniform(&r); rk[i] = gl_rng_normal(&r); dk[i] = rk[i]; }
    for (int i = 0; i < 8; i++) rw[i] = gl_rng_normal(&r);
    win_ctx c = { p, kprev, rw, rk, chars, U, B, K, Umax, C };
    float kappa[6], phi[12], w[8];
    gl_hw_window_forward(kappa, phi, w, p, kprev, chars, U, B, K, Umax, C);
    // κ only moves forward (eq. 51)
    for (int i = 0; i < 6; i++) CHECK(kappa[i] > kprev[i], "kappa monotone %g > %g", kappa[i], kprev[i]);
    // w is the φ-weighted sum of one-hot characters: Σ_c w = Σ_{u≤U} φ(t,u)
    for (int b = 0; b < B; b++) {
        double sw = 0, sp = 0;
        for (int j = 0; j < C; j++) sw += w[b * C + j];
        for (int u = 0; u < U[b]; u++) sp += phi[b * (Umax + 1) + u];
        CHECK_NEAR(sw, sp, 1e-5, "sum of w equals sum of phi");
        // padded positions beyond U+1 are zero
        for (int u = U[b] + 1; u <= Umax; u++) CHECK(phi[b * (Umax + 1) + u] == 0, "phi padding");
    }
    gl_hw_window_backward(dp, dk, rw, p, kappa, kprev, chars, U, B, K, Umax, C);
    gl_gradcheck(win_loss, &c, p, dp, 18, 18, 3e-3f, "window dp", 1e-2);
    // dk now holds ∂L/∂κ_{t−1}
    gl_gradcheck(win_loss, &c, kprev, dk, 6, 6, 3e-3f, "window dkappa_prev", 1e-2);
}

// ---- full networks
typedef struct { gl_hw_model *m; gl_hw_ws *ws; float jw; } net_ctx;
// Rows of step >= 1 whose input lifted the pen: the pen-up jumps.
static int is_jump(const gl_hw_ws *ws, size_t r) { return r >= (size_t)ws->B && ws->mask[r] > 0 && ws->x[3 * r + 2] > 0.5f; }
// The loss whose gradient gl_hw_backward gives: Σ_t w_t loss_t, w_t = jw on
// the jumps (the plain loss, then the jumps' loss alone, masked, jw − 1 times more).
static double net_loss(void *p) {
    net_ctx *c = p;
    double L = gl_hw_forward(c->m, c->ws, NULL);
    if (c->jw == 1) return L;
    size_t TB = (size_t)c->ws->T * c->ws->B;
    float *keep = malloc(TB * sizeof(float));
    memcpy(keep, c->ws->mask, TB * sizeof(float));
    for (size_t r = 0; r < TB; r++) if (!is_jump(c->ws, r)) c->ws->mask[r] = 0;
    L += (c->jw - 1) * gl_hw_forward(c->m, c->ws, NULL);
    memcpy(c->ws->mask, keep, TB * sizeof(float));
    free(keep);
    return L;
}

static void test_net(int L, int K, const char *what, float jw) {
    gl_hw_cfg cfg = {0};
    cfg.L = L; cfg.H = 5; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, "%s", " abc"); cfg.C = 4;
    cfg.std[0] = cfg.std[1] = 1;
    gl_hw_model *m = NULL;
    CHECK((m = gl_hw_new(&cfg, 11)) != NULL, "init: %s", gl_err());
    gl_rng r; gl_rng_seed(&r, 5);
    // larger weights so that every path carries a visible gradient
    for (int i = 0; i < m->ps.n; i++) for (size_t j = 0; j < m->ps.p[i].n; j++) m->ps.p[i].w[j] += 0.3f * gl_rng_normal(&r);
    if (K) for (int k = 0; k < K; k++) m->bp[2 * K + k] = -0.7f;
    gl_hw_corpus c = {0};
    const char *texts[3] = { "abc a", "cab", "b ca" };
    int lens[3] = { 7, 4, 6 };
    for (int i = 0; i < 3; i++) {
        float pts[30];
        for (int t = 0; t < lens[i]; t++) { pts[3 * t] = gl_rng_normal(&r); pts[3 * t + 1] = gl_rng_normal(&r); pts[3 * t + 2] = gl_rng_uniform(&r) < 0.3f; }
        gl_hw_corpus_add(&c, pts, lens[i], texts[i], 0);
    }
    gl_hw_ws ws = {0};
    int idx[3] = { 0, 1, 2 };
    CHECK(gl_hw_ws_fill(&ws, m, &c, idx, 3, 100) == 0, "fill: %s", gl_err());
    int npts;
    ws.jump_weight = jw;
    int jumps = 0;
    for (size_t r = 0; r < (size_t)ws.T * ws.B; r++) jumps += is_jump(&ws, r);
    CHECK(jw == 1 || jumps >= 2, "%s: %d jumps to weigh", what, jumps);
    double L0 = gl_hw_forward(m, &ws, &npts);
    CHECK(npts == 17, "points %d", npts);
    CHECK(isfinite(L0), "loss finite");
    gl_params_zero_grad(&m->ps);
    gl_hw_backward(m, &ws, 1.0f, 0, 0);
    net_ctx nc = { m, &ws, jw };
    // the loss sums 17 points in float32 (~1e-6 relative): with eps 1e-2 a
    // difference quotient resolves about 3e-4, so smaller gradients are
    // compared in absolute terms against 3e-3
    // (a weighted loss is larger, and so is its rounding: the floor grows with it)
    double floor_saved = gl_gradcheck_floor;
    gl_gradcheck_floor = 3e-3 * fmax(1.0, fabs(net_loss(&nc) / L0));
    for (int i = 0; i < m->ps.n; i++) {
        char nm[128]; snprintf(nm, sizeof nm, "%s %s", what, m->ps.p[i].name);
        // the backward pass reuses dy from the forward pass: copy grads first
        size_t n = m->ps.p[i].n;
        float *g = malloc(n * sizeof(float)); memcpy(g, m->ps.p[i].g, n * sizeof(float));
        gl_gradcheck(net_loss, &nc, m->ps.p[i].w, g, (int)n, 40, 1e-2f, nm, 3e-2);
        free(g);
    }
    gl_gradcheck_floor = floor_saved;
    gl_hw_ws_free(&ws);
    gl_hw_corpus_free(&c);
    gl_hw_free(m);
}

int main(void) {
    test_mdn();
    test_window();
    test_net(1, 0, "predict L1", 1);
    test_net(2, 0, "predict L2", 1);
    test_net(1, 2, "synth L1", 1);
    test_net(2, 2, "synth L2", 1);
    test_net(3, 3, "synth L3", 1);
    // --jump-weight: the gradient is that of the loss with each jump counted 3 times
    test_net(2, 0, "predict L2 jumps x3", 3);
    test_net(2, 2, "synth L2 jumps x3", 3);
    TEST_MAIN_END();
}
