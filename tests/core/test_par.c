// The data-parallel trainers (gl_par) against one pass over the whole batch:
// for the attention classifier, DRAW and the handwriting network, the batch
// split over 1, 2 and 3 threads gives the same loss and the same gradient
// of every parameter as gl_X_forward + gl_X_backward on the whole batch, up
// to float rounding (sums in another order). Also: gl_par_run runs every
// task exactly once.
#include "gl_test.h"
#include "gl_attn_ws.h"
#include "gl_draw.h"
#include "gl_hw.h"
#include "gl_par.h"
#include "gl_util.h"
#include <stdatomic.h>
#include <string.h>

static double max_rel_diff(const gl_params *a, float *const *ref) {
    double worst = 0;
    for (int i = 0; i < a->n; i++) {
        double mx = 1e-6, d = 0;
        for (size_t k = 0; k < a->p[i].n; k++) {
            mx = fmax(mx, fabs(ref[i][k]));
            d = fmax(d, fabs(a->p[i].g[k] - ref[i][k]));
        }
        worst = fmax(worst, d / mx);
    }
    return worst;
}

static float **copy_grads(const gl_params *ps) {
    float **g = gl_malloc((size_t)ps->n * sizeof *g);
    for (int i = 0; i < ps->n; i++) { g[i] = gl_malloc(ps->p[i].n * sizeof(float)); memcpy(g[i], ps->p[i].g, ps->p[i].n * sizeof(float)); }
    return g;
}
static void free_grads(float **g, int n) { for (int i = 0; i < n; i++) free(g[i]); free(g); }

static atomic_int hits[1000];
static void count_task(void *ctx, int i) { (void)ctx; atomic_fetch_add(&hits[i], 1); }

static void test_pool(void) {
    for (int nt = 1; nt <= 4; nt++) {
        gl_par_set_threads(nt);
        for (int rep = 0; rep < 20; rep++) {
            int n = 1 + (rep * 37) % 1000;
            for (int i = 0; i < n; i++) hits[i] = 0;
            gl_par_run(n, count_task, NULL);
            int ok = 1;
            for (int i = 0; i < n; i++) ok &= hits[i] == 1;
            CHECK(ok, "every task once (threads %d, tasks %d)", nt, n);
        }
    }
}

static void test_attention(gl_key_type key) {
    int B = 7;
    gl_attn *m = gl_attn_new(key, 16, 3);
    gl_rng r; gl_rng_seed(&r, 9);
    float *img = gl_malloc((size_t)B * 784 * sizeof(float));
    uint8_t lab[7];
    for (int i = 0; i < B * 784; i++) img[i] = gl_rng_uniform(&r) < 0.2f ? gl_rng_uniform(&r) : 0.0f;
    for (int b = 0; b < B; b++) lab[b] = (uint8_t)gl_rng_below(&r, 10);
    gl_params *ps = gl_attn_params(m);
    gl_attn_ws *w = gl_attn_ws_new(m, B);
    gl_params_zero_grad(ps);
    gl_attn_forward(m, w, img, B);
    double L = gl_attn_backward(m, w, lab, B, 0.3f, 1);
    float **ref = copy_grads(ps);
    for (int nt = 1; nt <= 3; nt++) {
        gl_par_set_threads(nt);
        gl_attn_trainer *t = gl_attn_trainer_new(m, NULL, B);
        gl_params_zero_grad(ps);
        int right;
        double L2 = gl_attn_trainer_step(t, img, lab, B, 0.3f, 1, 0, &right);
        CHECK_NEAR(L2, L, 1e-5 * fabs(L), "attention trainer loss");
        double d = max_rel_diff(ps, ref);
        CHECK(d < 1e-4, "attention/%s gradients with %d threads (max rel diff %.3g)", gl_key_name(key), nt, d);
        gl_attn_trainer_free(t);
    }
    free_grads(ref, ps->n);
    gl_attn_ws_free(w);
    gl_attn_free(m);
    free(img);
}

static void test_draw(int attention) {
    gl_draw_config c = { .attention = attention, .T = 4, .read_n = 2, .write_n = 3, .enc = 12, .dec = 10, .z = 3 };
    gl_draw *m = gl_draw_new(&c, 5);
    int B = 5;
    gl_rng r; gl_rng_seed(&r, 2);
    float *x = gl_malloc((size_t)B * GL_DRAW_D * sizeof(float)), *eps = gl_malloc((size_t)c.T * B * c.z * sizeof(float));
    for (int i = 0; i < B * GL_DRAW_D; i++) x[i] = gl_rng_uniform(&r) < 0.3f;
    for (int i = 0; i < c.T * B * c.z; i++) eps[i] = gl_rng_normal(&r);
    gl_params *ps = gl_draw_params(m);
    gl_params_zero_grad(ps);
    double L = gl_draw_forward(m, x, eps, B, NULL, NULL);
    gl_draw_backward(m);
    float **ref = copy_grads(ps);
    for (int nt = 1; nt <= 3; nt++) {
        gl_par_set_threads(nt);
        gl_draw_trainer *t = gl_draw_trainer_new(m);
        gl_params_zero_grad(ps);
        double L2 = gl_draw_trainer_step(t, x, eps, B, 1, NULL, NULL);
        CHECK_NEAR(L2, L, 1e-5 * fabs(L), "DRAW trainer bound");
        double d = max_rel_diff(ps, ref);
        CHECK(d < 1e-4, "DRAW (attention %d) gradients with %d threads (max rel diff %.3g)", attention, nt, d);
        gl_draw_trainer_free(t);
    }
    // the parallel bound is the mean of per-batch bounds, whatever the threads
    gl_par_set_threads(1);
    double b1 = gl_draw_bound(m, x, B, 77, NULL, NULL);
    gl_par_set_threads(3);
    double b3 = gl_draw_bound(m, x, B, 77, NULL, NULL);
    CHECK(b1 == b3, "DRAW bound does not depend on the threads (%.9g vs %.9g)", b1, b3);
    free_grads(ref, ps->n);
    gl_draw_free(m);
    free(x); free(eps);
}

static void test_handwriting(int K) {
    gl_hw_cfg cfg = {0};
    cfg.L = 3; cfg.H = 6; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, "%s", " abc"); cfg.C = 4;
    cfg.std[0] = cfg.std[1] = 1;
    gl_hw_model *m = NULL;
    CHECK((m = gl_hw_new(&cfg, 3)) != NULL, "init: %s", gl_err());
    gl_rng r; gl_rng_seed(&r, 4);
    gl_hw_corpus c = {0};
    const char *texts[5] = { "abc a", "cab", "b ca", "a", "cc ba" };
    int lens[5] = { 9, 5, 7, 3, 11 }, idx[5] = { 0, 1, 2, 3, 4 };
    for (int i = 0; i < 5; i++) {
        float pts[33];
        for (int t = 0; t < lens[i]; t++) { pts[3 * t] = gl_rng_normal(&r); pts[3 * t + 1] = gl_rng_normal(&r); pts[3 * t + 2] = gl_rng_uniform(&r) < 0.3f; }
        gl_hw_corpus_add(&c, pts, lens[i], texts[i], 0);
    }
    gl_hw_ws ws = {0};
    CHECK(gl_hw_ws_fill(&ws, m, &c, idx, 5, 100) == 0, "fill");
    int np;
    double L = gl_hw_forward(m, &ws, &np);
    gl_params_zero_grad(&m->ps);
    gl_hw_backward(m, &ws, 1.0f / np, 100.0f, 10.0f);
    float **ref = copy_grads(&m->ps);
    for (int nt = 1; nt <= 3; nt++) {
        gl_par_set_threads(nt);
        gl_hw_trainer *t = gl_hw_trainer_new(m);
        gl_params_zero_grad(&m->ps);
        int np2;
        double L2 = gl_hw_trainer_step(t, &c, idx, 5, 100, 1, 100.0f, 10.0f, &np2);
        CHECK(np2 == np, "points %d vs %d", np2, np);
        CHECK_NEAR(L2, L, 1e-5 * fabs(L), "handwriting trainer loss");
        double d = max_rel_diff(&m->ps, ref);
        CHECK(d < 1e-4, "handwriting (K=%d) gradients with %d threads (max rel diff %.3g)", K, nt, d);
        gl_hw_trainer_free(t);
    }
    free_grads(ref, m->ps.n);
    gl_hw_ws_free(&ws);
    gl_hw_corpus_free(&c);
    gl_hw_free(m);
}

// The OpenBLAS kernels asked for instead of its own pick: only where it fell
// back to pre-AVX2 ones on a CPU with AVX2 and FMA.
static void test_blas_core(void) {
    const char *b;
    b = gl_blas_better_core("Prescott", 1, 1);
    CHECK(b && !strcmp(b, "SkylakeX"), "Prescott on an AVX-512 CPU: SkylakeX (%s)", b ? b : "none");
    b = gl_blas_better_core("Prescott", 1, 0);
    CHECK(b && !strcmp(b, "Haswell"), "Prescott on an AVX2 CPU: Haswell (%s)", b ? b : "none");
    b = gl_blas_better_core("Sandybridge", 1, 0);
    CHECK(b && !strcmp(b, "Haswell"), "Sandybridge on an AVX2 CPU: Haswell");
    CHECK(!gl_blas_better_core("Prescott", 0, 0), "Prescott on a CPU without AVX2: kept");
    CHECK(!gl_blas_better_core("Haswell", 1, 1) && !gl_blas_better_core("ZEN", 1, 0) &&
              !gl_blas_better_core("SkylakeX", 1, 1),
          "an AVX2 or newer pick is kept, whatever the case of its name");
    CHECK(!gl_blas_better_core(NULL, 1, 1) && !gl_blas_better_core("", 1, 1), "no name: nothing asked");
}

int main(void) {
    test_blas_core();
    test_pool();
    for (int k = 0; k < 3; k++) test_attention((gl_key_type)k);
    test_draw(1);
    test_draw(0);
    test_handwriting(0);
    test_handwriting(2);
    TEST_MAIN_END();
}
