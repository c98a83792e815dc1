// Cluttered MNIST: the generator on known inputs, the window's bounds (a
// collapsed window cannot happen), finite-difference gradient checks of the
// filter bank, the read and the whole model (with and without attention),
// the trainer on every core against one pass, files, and a tiny training.
#include "gl_train.h"
#include "gl_par.h"
#include "gl_test.h"
#include "gl_util.h"

#define A GL_CLUT_A

static void rand_fill(float *w, int n, float s, gl_rng *r) { for (int k = 0; k < n; k++) w[k] = s * (2 * gl_rng_uniform(r) - 1); }

// A source of 5 "digits": digit k is a filled 28x28 square of value (k+1)/10.
static gl_mnist squares(void) {
    gl_mnist d = { .n = 5 };
    d.x = gl_malloc(sizeof(float) * 5 * 784);
    d.y = gl_malloc(5);
    for (int k = 0; k < 5; k++) {
        for (int i = 0; i < 784; i++) d.x[k * 784 + i] = (float)(k + 1) / 10.0f;
        d.y[k] = (uint8_t)k;
    }
    return d;
}

static void test_generator(void) {
    gl_mnist d = squares();
    float *img = gl_malloc(sizeof(float) * GL_CLUT_D), *img2 = gl_malloc(sizeof(float) * GL_CLUT_D);
    gl_clut_place w, w2;
    // no clutter: exactly the digit, 28x28 of 0.3 centred on the place reported
    gl_clut_make(img, &d, 2, 0, 77, &w);
    int x0 = (int)(w.cx - 14.5f), y0 = (int)(w.cy - 14.5f);
    CHECK(x0 >= 0 && x0 <= 72 && y0 >= 0 && y0 <= 72, "digit inside the canvas: %d %d", x0, y0);
    double s = 0;
    int inside_ok = 1;
    for (int y = 0; y < A; y++)
        for (int x = 0; x < A; x++) {
            float v = img[y * A + x];
            s += v;
            int in = x >= x0 && x < x0 + 28 && y >= y0 && y < y0 + 28;
            if (fabsf(v - (in ? 0.3f : 0.0f)) > 1e-6f) inside_ok = 0;
        }
    CHECK(inside_ok, "the digit alone, where the place says");
    CHECK_NEAR(s, 784 * 0.3, 1e-2, "ink of the digit");
    // the same seed, the same image; with clutter more ink, never above 1, never from the digit itself
    gl_clut_make(img, &d, 2, 8, 77, &w);
    gl_clut_make(img2, &d, 2, 8, 77, &w2);
    CHECK(!memcmp(img, img2, sizeof(float) * GL_CLUT_D) && w.cx == w2.cx, "deterministic from the seed");
    double s8 = 0, mx = 0;
    for (int i = 0; i < GL_CLUT_D; i++) { s8 += img[i]; if (img[i] > mx) mx = img[i]; }
    CHECK(s8 > 784 * 0.3 + 8 * 64 * 0.1 - 1e-3 - 64 * 8 * 1.0 && mx <= 1.0f, "clipped to 1 (max %g)", mx);
    CHECK(s8 > 784 * 0.3, "clutter adds ink: %g", s8);
    // fragments come from other digits only: with 2 digits, every fragment is digit 1's (0.2)
    gl_mnist two = { .n = 2, .x = d.x, .y = d.y };
    gl_clut_make(img, &two, 0, 4, 5, &w);
    int other = 0;
    for (int i = 0; i < GL_CLUT_D; i++) {
        float v = img[i];
        if (v > 1e-6f && fabsf(v - 0.1f) > 1e-6f && fabsf(v - 0.2f) > 1e-6f && fabsf(v - 0.3f) > 1e-6f &&
            fabsf(v - 0.4f) > 1e-6f && fabsf(v - 0.5f) > 1e-6f && fabsf(v - 0.6f) > 1e-6f && fabsf(v - 0.8f) > 1e-6f &&
            fabsf(v - 0.9f) > 1e-6f && fabsf(v - 1.0f) > 1e-6f)
            other++;
    }
    CHECK(other == 0, "values are sums of 0.1 (digit 0) and 0.2 (fragments of digit 1): %d others", other);
    // another seed, another image; test and training seeds differ by index and epoch
    gl_clut_make(img2, &two, 0, 4, 6, &w2);
    CHECK(memcmp(img, img2, sizeof(float) * GL_CLUT_D) != 0, "another seed, another image");
    CHECK(gl_clut_test_seed(0) != gl_clut_test_seed(1), "test seeds differ");
    CHECK(gl_clut_train_seed(1, 0, 5) != gl_clut_train_seed(1, 1, 5), "fresh clutter every epoch");
    // compose: the digit at a chosen place, clamped inside
    gl_clut_compose(img, d.x, 90, -5, NULL, -1, 0, 1);
    CHECK(img[0 * A + 72] > 0.09f && img[27 * A + 99] > 0.09f && img[28 * A + 99] == 0.0f, "compose clamps the place");
    free(img); free(img2);
    gl_mnist_free(&d);
}

// The window cannot collapse: whatever the parameters, δ ≥ 0.7, σ ≥ 0.5, the
// centre inside, every filter whose centre lies on the image sums to ~1, and
// a glimpse of a white image inside the window is not dark.
static void test_bounds(void) {
    float vals[] = { -1e4f, -60, -8, -1, 0, 1, 8, 60, 1e4f };
    float Fx[12 * A], Fy[12 * A], U[12 * A], patch[144], g;
    float *white = gl_malloc(sizeof(float) * GL_CLUT_D);
    for (int i = 0; i < GL_CLUT_D; i++) white[i] = 1;
    int ok = 1, dark = 0;
    for (int a = 0; a < 9; a++)
        for (int b = 0; b < 9; b++) {
            float p[5] = { vals[a] * 0.001f, vals[b] * 0.001f, vals[a], vals[b], 0 };
            gl_clut_window w;
            gl_clut_window_of(p, 12, &w);
            if (!(w.delta >= GL_CLUT_DELTA_MIN && w.sigma2 >= GL_CLUT_SIGMA2_MIN && isfinite(w.delta) && isfinite(w.sigma2)
                  && w.gx >= 0 && w.gx <= A + 1 && w.gy >= 0 && w.gy <= A + 1)) ok = 0;
            gl_clut_filterbank_forward(Fx, Fy, &g, p, 12);
            gl_clut_read_forward(patch, U, white, Fx, Fy, g, 12);
            for (int i = 0; i < 12; i++) {
                float mu = w.gx + ((float)i - 5.5f) * w.delta;
                double rs = 0;
                for (int k = 0; k < A; k++) rs += Fx[i * A + k];
                if (mu >= 1 && mu <= A && fabs(rs - 1) > 1e-3) ok = 0;
            }
            // some filter lies on the image: part of the glimpse of white is γ·1
            float mx = 0;
            for (int k = 0; k < 144; k++) if (patch[k] > mx) mx = patch[k];
            if (mx < 0.99f * g) dark++;
        }
    CHECK(ok, "bounds hold for every parameter");
    CHECK(dark == 0, "%d windows see a dark glimpse of a white image", dark);
    free(white);
}

// ---- gradient checks ----------------------------------------------------------------
typedef struct { float p[5]; float *img; const float *wt; int N; } pctx;
static double pair_loss(void *v) {
    pctx *c = v;
    float Fx[4 * A], Fy[4 * A], U[4 * A], patch[16], g;
    gl_clut_filterbank_forward(Fx, Fy, &g, c->p, c->N);
    gl_clut_read_forward(patch, U, c->img, Fx, Fy, g, c->N);
    double s = 0;
    for (int k = 0; k < c->N * c->N; k++) s += (double)c->wt[k] * patch[k];
    return s;
}

static void test_pairs_gradcheck(void) {
    gl_rng r; gl_rng_seed(&r, 8);
    float *img = gl_malloc(sizeof(float) * GL_CLUT_D), wt[16];
    for (int i = 0; i < GL_CLUT_D; i++) img[i] = gl_rng_uniform(&r);
    for (int k = 0; k < 16; k++) wt[k] = gl_rng_normal(&r);
    // windows: off-centre small, centred large, at an edge
    float ps[3][5] = { { 0.3f, -0.2f, 0.5f, -1.0f, 0.2f }, { 0, 0, 2.5f, 0, -0.3f }, { 1.2f, -0.9f, 1.0f, -0.5f, 0.1f } };
    for (int w = 0; w < 3; w++) {
        pctx c = { .img = img, .wt = wt, .N = 4 };
        memcpy(c.p, ps[w], sizeof c.p);
        float Fx[4 * A], Fy[4 * A], U[4 * A], patch[16], g, dFx[4 * A] = { 0 }, dFy[4 * A] = { 0 }, dp[5] = { 0 };
        gl_clut_filterbank_forward(Fx, Fy, &g, c.p, 4);
        gl_clut_read_forward(patch, U, img, Fx, Fy, g, 4);
        float dg = gl_clut_read_backward(dFx, dFy, wt, patch, U, img, Fx, g, 4);
        gl_clut_filterbank_backward(dp, dFx, dFy, dg, Fx, Fy, c.p, 4);
        gl_gradcheck(pair_loss, &c, c.p, dp, 5, 5, 1e-3f, "window parameters", 1e-2);
    }
    free(img);
}

typedef struct { gl_clut *m; const float *x; const uint8_t *y; int B; } mctx;
static double model_loss(void *v) {
    mctx *c = v;
    return gl_clut_forward(c->m, c->x, c->y, c->B, NULL);
}

// The cross-entropy (a few nats, in float) carries rounding noise of ~1e-7:
// gl_gradcheck_tensor (gl_test.h), h = 2e-3.
static void model_gradcheck(mctx *c, gl_param *p, const char *what, gl_rng *r) {
    gl_gradcheck_tensor(model_loss, c, p->w, p->g, p->n, 2e-3, 1e-7, what, r);
}

static void test_model_gradcheck(int attention) {
    gl_clut_config cfg = { .attention = attention, .T = 3, .N = 3, .hidden = 6 };
    gl_clut *m = gl_clut_new(&cfg, 3);
    CHECK(m != NULL, "new: %s", gl_err());
    int B = 3;
    gl_rng r; gl_rng_seed(&r, 21);
    float *x = gl_malloc(sizeof(float) * B * GL_CLUT_D);
    for (int k = 0; k < B * GL_CLUT_D; k++) x[k] = gl_rng_uniform(&r) < 0.3f ? gl_rng_uniform(&r) : 0.0f;
    uint8_t y[3] = { 1, 7, 4 };
    gl_params *ps = gl_clut_params(m);
    for (int i = 0; i < ps->n; i++) {
        if (!strcmp(ps->p[i].name, "read.b")) {   // a mid-size window off centre
            float *b = ps->p[i].w;
            b[0] = 0.2f; b[1] = -0.3f; b[2] = 1.5f; b[3] = -0.6f; b[4] = 0.1f;
            continue;
        }
        rand_fill(ps->p[i].w, (int)ps->p[i].n, !strcmp(ps->p[i].name, "read.W") ? 0.3f : 0.5f, &r);
    }
    mctx c = { m, x, y, B };
    gl_params_zero_grad(ps);
    double L = gl_clut_forward(m, x, y, B, NULL);
    CHECK(isfinite(L) && L > 0, "finite positive loss %g", L);
    gl_clut_backward(m);
    for (int i = 0; i < ps->n; i++) {
        char what[128];
        snprintf(what, sizeof what, "%s %s", attention ? "attn" : "noattn", ps->p[i].name);
        if (gl_clut_is_probe(&ps->p[i])) {
            // the probes' gradient is their own cross-entropy's, not the loss's: zero in the loss
            double s = 0;
            for (size_t k = 0; k < ps->p[i].n; k++) s += fabs(ps->p[i].g[k]);
            CHECK(s > 0, "%s gets a gradient", what);
            continue;
        }
        model_gradcheck(&c, &ps->p[i], what, &r);
    }
    free(x);
    gl_clut_free(m);
}

// The probes' gradient: the cross-entropy of probe t over h_t (fixed).
typedef struct { gl_clut *m; const float *x; const uint8_t *y; int B, t; } prctx;
static double probe_loss(void *v) {
    prctx *c = v;
    gl_clut_forward(c->m, c->x, c->y, c->B, NULL);
    const float *p = gl_clut_probs(c->m) + (size_t)c->t * c->B * 10;
    double s = 0;
    for (int n = 0; n < c->B; n++) s -= log((double)p[n * 10 + c->y[n]]);
    return s / c->B;
}
static void test_probe_gradcheck(void) {
    gl_clut_config cfg = { .attention = 1, .T = 3, .N = 3, .hidden = 6 };
    gl_clut *m = gl_clut_new(&cfg, 5);
    int B = 2;
    gl_rng r; gl_rng_seed(&r, 2);
    float *x = gl_malloc(sizeof(float) * B * GL_CLUT_D);
    for (int k = 0; k < B * GL_CLUT_D; k++) x[k] = gl_rng_uniform(&r);
    uint8_t y[2] = { 3, 9 };
    gl_params *ps = gl_clut_params(m);
    gl_params_zero_grad(ps);
    gl_clut_forward(m, x, y, B, NULL);
    gl_clut_backward(m);
    gl_param *pw = gl_params_find(ps, "probe.W"), *pb = gl_params_find(ps, "probe.b");
    for (int t = 0; t < 2; t++) {
        prctx c = { m, x, y, B, t };
        gl_gradcheck(probe_loss, &c, pw->w + t * 60, pw->g + t * 60, 60, 20, 1e-2f, "probe.W", 1e-2);
        gl_gradcheck(probe_loss, &c, pb->w + t * 10, pb->g + t * 10, 10, 10, 1e-2f, "probe.b", 1e-2);
    }
    free(x);
    gl_clut_free(m);
}

// The trainer on 2 threads gives the gradient of one pass over the batch.
static void test_trainer(void) {
    gl_clut_config cfg = { .attention = 1, .T = 4, .N = 5, .hidden = 16 };
    gl_clut *m = gl_clut_new(&cfg, 11);
    int B = 7;
    gl_rng r; gl_rng_seed(&r, 6);
    float *x = gl_malloc(sizeof(float) * B * GL_CLUT_D);
    for (int k = 0; k < B * GL_CLUT_D; k++) x[k] = gl_rng_uniform(&r) < 0.2f ? 1.0f : 0.0f;
    uint8_t y[7] = { 0, 1, 2, 3, 4, 5, 6 };
    gl_params *ps = gl_clut_params(m);
    gl_params_zero_grad(ps);
    double L1 = gl_clut_forward(m, x, y, B, NULL);
    gl_clut_backward(m);
    size_t tot = gl_params_count(ps);
    float *g1 = gl_malloc(sizeof(float) * tot);
    size_t o = 0;
    for (int i = 0; i < ps->n; i++) { memcpy(g1 + o, ps->p[i].g, sizeof(float) * ps->p[i].n); o += ps->p[i].n; }
    gl_par_set_threads(2);
    gl_clut_trainer *t = gl_clut_trainer_new(m);
    gl_params_zero_grad(ps);
    double L2 = gl_clut_trainer_step(t, x, y, B, 1, NULL);
    CHECK_NEAR(L1, L2, 1e-5, "trainer loss");
    double worst = 0;
    o = 0;
    for (int i = 0; i < ps->n; i++)
        for (size_t k = 0; k < ps->p[i].n; k++, o++) {
            double d = fabs(ps->p[i].g[k] - g1[o]) / (fabs(g1[o]) + 1e-4);
            if (d > worst) worst = d;
        }
    CHECK(worst < 1e-3, "trainer gradient matches one pass (worst rel %g)", worst);
    gl_clut_trainer_free(t);
    free(g1); free(x);
    gl_clut_free(m);
}

static void test_files(void) {
    gl_clut_config cfg = { .attention = 1, .T = 4, .N = 6, .hidden = 9 };
    gl_clut *m = gl_clut_new(&cfg, 2);
    char path[] = "/tmp/glimpse_clut_test.safetensors";
    gl_meta meta = {0};
    gl_meta_set(&meta, "note", "x");
    CHECK(gl_clut_save(m, path, &meta, 0) == 0, "save: %s", gl_err());
    gl_meta_free(&meta);
    gl_clut *m2 = gl_clut_load(path, 0);
    CHECK(m2 != NULL, "load: %s", gl_err());
    if (m2) {
        CHECK(gl_clut_cfg(m2)->T == 4 && gl_clut_cfg(m2)->N == 6 && gl_clut_cfg(m2)->hidden == 9, "config round trip");
        float *img = gl_malloc(sizeof(float) * GL_CLUT_D);
        for (int i = 0; i < GL_CLUT_D; i++) img[i] = (float)((i * 7) % 13) / 13.0f;
        gl_clut_frame f1[4], f2[4];
        int c1 = gl_clut_run(m, img, NULL, f1), c2 = gl_clut_run(m2, img, NULL, f2);
        CHECK(c1 == c2 && !memcmp(f1, f2, sizeof f1), "the same run after a round trip");
        CHECK(fabsf(f1[0].win.gx - 50.5f) < 1e-3f && fabsf(f1[0].win.box - 99.0f) < 1e-2f, "first window covers the image: %g %g",
              f1[0].win.gx, f1[0].win.box);
        double ps = 0;
        for (int k = 0; k < 10; k++) ps += f1[3].prob[k];
        CHECK_NEAR(ps, 1, 1e-5, "probabilities sum to 1");
        free(img);
        gl_clut_free(m2);
    }
    // not a cluttered file: a clear error naming the file
    gl_params other = {0};
    gl_params_add(&other, "w", 3, 0, 0, 0);
    gl_meta om = {0};
    gl_meta_set(&om, "model", "draw");
    gl_params_save(&other, path, &om, 0);
    gl_meta_free(&om);
    gl_params_free(&other);
    CHECK(gl_clut_load(path, 0) == NULL && strstr(gl_err(), "not a cluttered-MNIST weight file"), "refused: %s", gl_err());
    remove(path);
    gl_clut_free(m);
}

// A few Adam steps on a fixed batch lower its loss.
static void test_tiny_training(void) {
    gl_mnist d = squares();
    gl_clut_config cfg = { .attention = 1, .T = 3, .N = 6, .hidden = 24 };
    gl_clut *m = gl_clut_new(&cfg, 4);
    int B = 10, idx[10];
    for (int i = 0; i < B; i++) idx[i] = i % 5;
    float *x = gl_malloc(sizeof(float) * B * GL_CLUT_D);
    uint8_t y[10];
    gl_clut_batch(&d, idx, B, 2, 1, 0, x, y);
    gl_params *ps = gl_clut_params(m);
    double first = 0, last = 0;
    for (int it = 0; it < 80; it++) {
        gl_params_zero_grad(ps);
        double L = gl_clut_forward(m, x, y, B, NULL);
        if (!it) first = L;
        last = L;
        gl_clut_backward(m);
        gl_adam_step(ps, 3e-3f, 0.9f, 0.999f, 1e-8f);
    }
    CHECK(last < 0.3 * first, "loss fell from %.3f to %.3f", first, last);
    free(x);
    gl_clut_free(m);
    gl_mnist_free(&d);
}

int main(void) {
    test_generator();
    test_bounds();
    test_pairs_gradcheck();
    test_model_gradcheck(1);
    test_model_gradcheck(0);
    test_probe_gradcheck();
    test_trainer();
    test_files();
    test_tiny_training();
    TEST_MAIN_END();
}
