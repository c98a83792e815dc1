// The LSTM state each frame of a run carries (gl_attn_frame.h, issue 36) is
// the one its class probabilities are read from: softmax(cls.w h + cls.b)
// gives the frame's probabilities, for the shipped weights of every key type
// and for a model with more cells than a frame keeps (its first 256 cells).
#include "gl_attn.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>

static void digit(float *img) {   // a stroke like a 7
    memset(img, 0, 784 * sizeof(float));
    for (int x = 6; x < 22; x++) img[6 * 28 + x] = img[7 * 28 + x] = 1;
    for (int y = 7; y < 24; y++) { int x = 21 - (y - 7) / 2; img[y * 28 + x] = img[y * 28 + x - 1] = 1; }
}

// The largest difference between softmax(cls.w h + cls.b) and the frames' probabilities.
static double check(gl_attn *m, const char *what) {
    float img[784];
    digit(img);
    gl_attn_frame fr[GL_ATTN_STEPS];
    gl_attn_run(m, img, fr, NULL);
    gl_params *ps = gl_attn_params(m);
    gl_param *w = gl_params_find(ps, "cls.w"), *b = gl_params_find(ps, "cls.b");
    int H = gl_attn_hidden(m);
    CHECK(w && b, "%s: cls.w and cls.b", what);
    if (!w || !b) return 1;
    double worst = 0;
    for (int t = 0; t < GL_ATTN_STEPS; t++) {
        CHECK(fr[t].nh == (H < GL_ATTN_FRAME_H ? H : GL_ATTN_FRAME_H), "%s: nh %d", what, fr[t].nh);
        if (H > GL_ATTN_FRAME_H) continue;   // the whole state is needed for the classifier
        double z[10], mx = -1e30, sum = 0;
        for (int k = 0; k < 10; k++) {
            z[k] = b->w[k];
            for (int j = 0; j < H; j++) z[k] += (double)w->w[k * H + j] * fr[t].h[j];
            if (z[k] > mx) mx = z[k];
        }
        for (int k = 0; k < 10; k++) sum += exp(z[k] - mx);
        for (int k = 0; k < 10; k++) worst = fmax(worst, fabs(exp(z[k] - mx) / sum - fr[t].probs[k]));
    }
    CHECK(fr[0].h[0] != fr[GL_ATTN_STEPS - 1].h[0], "%s: the state changes over the glimpses", what);
    return worst;
}

int main(void) {
    static const char *const keys[3] = { "softmax", "gaussian", "feature" };
    for (int k = 0; k < 3; k++) {
        char path[1024];
        const char *dir = getenv("GLIMPSE_ASSETS");
        snprintf(path, sizeof path, "%s/attention-%s.safetensors", dir ? dir : "assets", keys[k]);
        gl_attn *m = gl_attn_load(path);
        CHECK(m != NULL, "load %s: %s", path, gl_err());
        if (!m) continue;
        double e = check(m, keys[k]);
        CHECK(e < 1e-5, "%s: probabilities from the frame's h differ by %g", keys[k], e);
        gl_attn_free(m);
    }
    gl_attn *big = gl_attn_new(GL_KEY_SOFTMAX, 300, 7);   // more cells than a frame keeps
    CHECK(big != NULL, "new: %s", gl_err());
    if (big) {
        float img[784];
        digit(img);
        gl_attn_frame fr[GL_ATTN_STEPS];
        gl_attn_run(big, img, fr, NULL);
        CHECK(fr[3].nh == GL_ATTN_FRAME_H, "nh %d", fr[3].nh);
        gl_attn_free(big);
    }
    TEST_MAIN_END();
}
