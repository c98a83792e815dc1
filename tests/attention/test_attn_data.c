// Attention tests that need MNIST (data/get_mnist.sh, run by setup.sh):
// the shipped weights reproduce their recorded accuracy on the fixed subset
// (first 1,000 test digits) within 0.5 points; masks of a real digit sum to
// 1; a tiny training run lowers the loss on its batch.
#include "gl_test.h"
#include "gl_attn_ws.h"
#include "gl_mnist.h"
#include "gl_util.h"
#include <stdlib.h>

static double subset_accuracy(gl_attn *m, const gl_mnist *te, int n) {
    gl_attn_ws *w = gl_attn_ws_new(m, n);
    gl_attn_forward(m, w, te->x, n);
    int right = 0;
    const float *p = w->probs + (size_t)(GL_ATTN_STEPS - 1) * n * 10;
    for (int k = 0; k < n; k++) {
        int best = 0;
        for (int c = 1; c < 10; c++) if (p[k * 10 + c] > p[k * 10 + best]) best = c;
        right += best == te->y[k];
    }
    gl_attn_ws_free(w);
    return (double)right / n;
}

static void check_shipped(const gl_mnist *te) {
    const char *assets = getenv("GLIMPSE_ASSETS");
    for (int k = 0; k < 3; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/attention-%s.safetensors", assets ? assets : "assets", gl_key_name((gl_key_type)k));
        gl_attn *m = gl_attn_load(path);
        CHECK(m != NULL, "shipped model loads: %s", gl_err());
        if (!m) continue;
        double rec = gl_meta_num(gl_attn_meta(m), "subset1000_accuracy", -1);
        double full = gl_meta_num(gl_attn_meta(m), "test_accuracy", -1);
        CHECK(rec > 0 && full > 0, "%s records its accuracy in the metadata", path);
        double acc = subset_accuracy(m, te, 1000);
        CHECK_NEAR(acc, rec, 0.005, path);
        CHECK(full >= 0.98, "%s: recorded test accuracy %.4f >= 0.98", path, full);
        // the masks of a real digit are distributions
        gl_attn_frame fr[GL_ATTN_STEPS];
        gl_attn_run(m, te->x, fr, NULL);
        for (int t = 0; t < GL_ATTN_STEPS; t++) {
            double s = 0;
            for (int l = 0; l < GL_ATTN_LOC; l++) { s += fr[t].mask[l]; CHECK(fr[t].mask[l] >= 0, "non-negative"); }
            CHECK_NEAR(s, 1.0, 1e-4, "mask sums to 1");
        }
        gl_attn_free(m);
    }
}

static void check_training_lowers_loss(const gl_mnist *tr) {
    int B = 50;
    gl_attn *m = gl_attn_new(GL_KEY_FEATURE, 32, 3);
    gl_attn_ws *w = gl_attn_ws_new(m, B);
    gl_params *ps = gl_attn_params(m);
    double first = 0, last = 0;
    for (int step = 0; step < 60; step++) {
        const float *x = tr->x + (size_t)(step % 4) * B * 784;
        const uint8_t *y = tr->y + (size_t)(step % 4) * B;
        gl_params_zero_grad(ps);
        gl_attn_forward(m, w, x, B);
        double loss = gl_attn_backward(m, w, y, B, 0.2f, 1);
        if (step < 4) first += loss / 4;
        if (step >= 56) last += loss / 4;
        gl_params_clip(ps, 5);
        gl_adam_step(ps, 1e-2f, 0.9f, 0.999f, 1e-8f);
    }
    CHECK(last < 0.8 * first, "60 Adam steps lower the loss on 200 digits: %.3f -> %.3f", first, last);
    gl_attn_ws_free(w);
    gl_attn_free(m);
}

int main(void) {
    gl_mnist te, tr;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0 || gl_mnist_load(gl_mnist_dir(), "train", &tr) != 0) {
        fprintf(stderr, "MNIST missing: %s\n", gl_err());
        return 1;
    }
    check_shipped(&te);
    check_training_lowers_loss(&tr);
    gl_mnist_free(&te);
    gl_mnist_free(&tr);
    TEST_MAIN_END();
}
