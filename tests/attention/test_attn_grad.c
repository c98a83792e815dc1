// Finite-difference gradient checks of the attention model: every parameter
// (conv, LSTM through time, each key type, classifier) of the full unrolled
// network at a tiny size, plus the CNN pre-training head. Also: masks sum
// to 1, and the forward of a known input behaves as the equations say.
#include "gl_test.h"
#include "gl_attn_ws.h"
#include "gl_util.h"

typedef struct { gl_attn *m; gl_attn_ws *w; float *img; uint8_t *lab; int B; float aux; } ctx;
static double loss_fn(void *vp) {
    ctx *c = vp;
    gl_attn_forward(c->m, c->w, c->img, c->B);
    double L = 0;
    for (int s = 1; s <= GL_ATTN_STEPS; s++) {
        float wt = s == GL_ATTN_STEPS ? 1.0f : c->aux / (GL_ATTN_STEPS - 1);
        for (int b = 0; b < c->B; b++) L += -wt * log(c->w->probs[((size_t)(s - 1) * c->B + b) * 10 + c->lab[b]]) / c->B;
    }
    return L;
}

static void check_key(gl_key_type key) {
    int B = 2;
    gl_attn *m = gl_attn_new(key, 6, 7 + key);
    gl_params *ps = gl_attn_params(m);
    gl_rng r; gl_rng_seed(&r, 3);
    // Larger key weights than the default init, so masks are far from uniform.
    gl_param *kw = gl_params_find(ps, "key.w");
    gl_fill_uniform(kw->w, kw->n, 1.0f, &r);
    float img[2 * 784];
    for (int i = 0; i < 2 * 784; i++) img[i] = gl_rng_uniform(&r);
    uint8_t lab[2] = { 3, 8 };
    gl_attn_ws *w = gl_attn_ws_new(m, B);
    ctx c = { m, w, img, lab, B, 0.5f };
    gl_params_zero_grad(ps);
    gl_attn_forward(m, w, img, B);
    for (int k = 0; k < GL_ATTN_STEPS * B; k++) {
        double s = 0;
        for (int l = 0; l < GL_ATTN_LOC; l++) s += w->mask[(size_t)k * GL_ATTN_LOC + l];
        CHECK_NEAR(s, 1.0, 1e-4, "mask sums to 1");
    }
    double L0 = gl_attn_backward(m, w, lab, B, c.aux, 1);
    CHECK_NEAR(L0, loss_fn(&c), 1e-4, "backward returns the forward loss");
    for (int i = 0; i < ps->n; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s/%s", gl_key_name(key), ps->p[i].name);
        // conv weights touch every ReLU and max-pool decision: a smaller step
        // keeps the finite difference away from those kinks.
        float eps = !strncmp(ps->p[i].name, "conv", 4) ? 1e-3f : 1e-2f;
        gl_gradcheck(loss_fn, &c, ps->p[i].w, ps->p[i].g, (int)ps->p[i].n, 12, eps, what, 5e-2);
    }
    gl_attn_ws_free(w);
    gl_attn_free(m);
}

typedef struct { gl_attn *m; gl_attn_ws *w; gl_params *head; float *img; uint8_t *lab; } cnn_ctx;
static double cnn_loss(void *vp) {
    cnn_ctx *c = vp;
    // forward only: labels NULL computes probabilities in w->dlog
    gl_attn_cnn_step(c->m, c->w, c->head, c->img, NULL, 2, NULL);
    return -log(c->w->dlog[c->lab[0]]) / 2 - log(c->w->dlog[10 + c->lab[1]]) / 2;
}
static void check_cnn(void) {
    gl_attn *m = gl_attn_new_ex(GL_KEY_SOFTMAX, 4, 0, 1);
    gl_params head = {0};
    gl_attn_cnn_head_init(&head, 2);
    gl_attn_ws *w = gl_attn_ws_new(m, 2);
    gl_rng r; gl_rng_seed(&r, 5);
    // Digit-like inputs: blank paper with two bars of ink; positive conv
    // biases keep the blank-region units away from the ReLU kink at 0.
    float img[2 * 784] = {0};
    for (int y = 6; y < 22; y++) { img[y * 28 + 12] = 0.9f; img[784 + 14 * 28 + y] = 0.8f; img[784 + y * 28 + 20] = 0.6f; }
    gl_param *cbias = gl_params_find(gl_attn_params(m), "conv.b");
    for (int i = 0; i < GL_ATTN_CH; i++) cbias->w[i] = 0.1f + 0.1f * gl_rng_uniform(&r);
    uint8_t lab[2] = { 1, 9 };
    cnn_ctx c = { m, w, &head, img, lab };
    gl_params_zero_grad(gl_attn_params(m));
    gl_attn_cnn_step(m, w, &head, img, lab, 2, NULL);
    gl_param *cw = gl_params_find(gl_attn_params(m), "conv.w"), *cb = gl_params_find(gl_attn_params(m), "conv.b");
    gl_gradcheck(cnn_loss, &c, cw->w, cw->g, (int)cw->n, 30, 1e-3f, "cnn/conv.w", 5e-2);
    gl_gradcheck(cnn_loss, &c, cb->w, cb->g, (int)cb->n, 12, 1e-3f, "cnn/conv.b", 5e-2);
    gl_gradcheck(cnn_loss, &c, head.p[0].w, head.p[0].g, (int)head.p[0].n, 30, 1e-2f, "cnn/head.w", 5e-2);
    gl_params_free(&head);
    gl_attn_ws_free(w);
    gl_attn_free(m);
}

// Known input: a Gaussian key whose output puts μ at grid cell (3, 10) with a
// small σ must put the mask's peak there; a softmax key with one large logit
// must put (almost) all its mass on that location.
static void check_known_forward(void) {
    gl_attn *m = gl_attn_new(GL_KEY_GAUSSIAN, 4, 1);
    gl_params *ps = gl_attn_params(m);
    gl_param *kw = gl_params_find(ps, "key.w"), *kb = gl_params_find(ps, "key.b");
    memset(kw->w, 0, kw->n * sizeof(float));
    // μx = 6.5 + 7 tanh(p0) = 3  ->  p0 = atanh(-0.5);  μy = 10 -> p1 = atanh(0.5)
    kb->w[0] = atanhf(-0.5f); kb->w[1] = atanhf(0.5f); kb->w[2] = logf(0.5f / 2.0f); kb->w[3] = logf(0.5f / 2.0f); kb->w[4] = 0;
    float img[784] = {0};
    for (int y = 8; y < 20; y++) img[y * 28 + 14] = 1;
    gl_attn_frame fr[GL_ATTN_STEPS];
    float vs[196];
    gl_attn_run(m, img, fr, vs);
    int best = 0;
    for (int l = 1; l < 196; l++) if (fr[4].mask[l] > fr[4].mask[best]) best = l;
    CHECK(best == 10 * 14 + 3, "gaussian peak at (3,10), got (%d,%d)", best % 14, best / 14);
    CHECK(fr[4].mask[best] > 0.5f, "σ=0.5 concentrates the mask (%g)", fr[4].mask[best]);
    // the symmetric neighbours get equal weight
    CHECK_NEAR(fr[4].mask[best - 1], fr[4].mask[best + 1], 1e-6, "symmetric in x");
    gl_attn_free(m);

    m = gl_attn_new(GL_KEY_SOFTMAX, 4, 1);
    ps = gl_attn_params(m);
    kw = gl_params_find(ps, "key.w"); kb = gl_params_find(ps, "key.b");
    memset(kw->w, 0, kw->n * sizeof(float));
    memset(kb->w, 0, kb->n * sizeof(float));
    kb->w[77] = 20;
    gl_attn_run(m, img, fr, vs);
    CHECK(fr[0].mask[77] > 0.999f, "softmax key puts its mass on the big logit");
    // volume sum is zero where the image and its 5x5 neighbourhood are empty
    // only if the conv bias is non-positive; check instead that it is >= 0
    float mn = vs[0];
    for (int l = 1; l < 196; l++) if (vs[l] < mn) mn = vs[l];
    CHECK(mn >= 0, "volume after ReLU is non-negative");
    gl_attn_free(m);
}

int main(void) {
    check_key(GL_KEY_SOFTMAX);
    check_key(GL_KEY_GAUSSIAN);
    check_key(GL_KEY_FEATURE);
    check_cnn();
    check_known_forward();
    TEST_MAIN_END();
}
