// A tiny training run on the built-in corpus lowers the loss (both networks),
// and a checkpoint with the Adam state resumes exactly; the --rare
// oversampling counts; --augment's maps act on the raw offsets.
#include "gl_hw.h"
#include "gl_train.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

static double run(gl_hw_model *m, gl_hw_corpus *c, int steps, double *first) {
    gl_hw_ws ws = {0};
    int idx[16]; double last = 0;
    for (int s = 0; s < steps; s++) {
        for (int b = 0; b < 16; b++) idx[b] = (s * 16 + b) % c->n;
        CHECK(gl_hw_ws_fill(&ws, m, c, idx, 16, 120) == 0, "fill: %s", gl_err());
        int np;
        double L = gl_hw_forward(m, &ws, &np) / np;
        if (s == 0 && first) *first = L;
        gl_params_zero_grad(&m->ps);
        gl_hw_backward(m, &ws, 1.0f / np, 100, 10);
        gl_params_clip(&m->ps, 5);
        gl_adam_step(&m->ps, 1e-2f, 0.9f, 0.999f, 1e-8f);
        last = L;
    }
    gl_hw_ws_free(&ws);
    return last;
}

static double eval(gl_hw_model *m, gl_hw_corpus *c) {
    gl_hw_ws ws = {0}; int idx[64]; double tot = 0; long n = 0;
    for (int i = 0; i < c->n; i++) idx[i] = i;
    for (int i = 0; i < c->n; i += 16) {
        gl_hw_ws_fill(&ws, m, c, idx + i, c->n - i < 16 ? c->n - i : 16, 120);
        int np; tot += gl_hw_forward(m, &ws, &np); n += np;
    }
    gl_hw_ws_free(&ws);
    return tot / n;
}

static void test_train(int K) {
    gl_hw_hershey_opts o; gl_hw_hershey_defaults(&o);
    o.lines = 64; o.seed = 3; o.max_words = 1;
    gl_hw_corpus c = {0};
    CHECK(gl_hw_hershey_build(&c, &o) == 0, "corpus: %s", gl_err());
    gl_hw_cfg cfg = {0};
    cfg.L = 1; cfg.H = 32; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abcdefghijklmnopqrstuvwxyz.,"); cfg.C = (int)strlen(cfg.alphabet);
    gl_hw_norm_stats(&c, cfg.mean, cfg.std);
    gl_hw_corpus_normalise(&c, cfg.mean, cfg.std);
    gl_hw_model *m = NULL;
    CHECK((m = gl_hw_new(&cfg, 1)) != NULL, "init");
    double before = eval(m, &c);
    double first;
    run(m, &c, 40, &first);
    double after = eval(m, &c);
    CHECK(after < before - 0.5, "K=%d loss per point %g -> %g", K, before, after);
    // checkpoint with Adam state: resuming gives the same next steps
    char p[] = "/tmp/glimpse-hw-train-XXXXXX";
    int fd = mkstemp(p); close(fd);
    CHECK(gl_hw_save(m, p, NULL, 1) == 0, "save ckpt: %s", gl_err());
    gl_hw_model *m2 = NULL;
    CHECK((m2 = gl_hw_load(p, 1)) != NULL, "load ckpt: %s", gl_err());
    CHECK(m2->ps.step == m->ps.step, "step %ld vs %ld", m2->ps.step, m->ps.step);
    double a = run(m, &c, 3, NULL), b = run(m2, &c, 3, NULL);
    CHECK(a == b, "resumed training matches: %g vs %g", a, b);
    unlink(p);
    gl_hw_free(m); gl_hw_free(m2);
    gl_hw_corpus_free(&c);
}

// The --lr-final schedule: constant until decay_from, exponential to
// lr_final at decay_to, held after it; constant without lr_final.
static void test_schedule(void) {
    gl_hw_train_opts o = { .lr = 1e-3 };
    CHECK(gl_hw_train_lr(&o, 0) == 1e-3 && gl_hw_train_lr(&o, 100000) == 1e-3, "constant rate");
    o.lr_final = 1e-4; o.decay_from = 100; o.decay_to = 300;
    CHECK(gl_hw_train_lr(&o, 50) == 1e-3 && gl_hw_train_lr(&o, 100) == 1e-3, "before the decay: %g", gl_hw_train_lr(&o, 50));
    double mid = gl_hw_train_lr(&o, 200);
    CHECK(fabs(mid - sqrt(1e-3 * 1e-4)) < 1e-12, "half way is the geometric mean: %g", mid);
    CHECK(gl_hw_train_lr(&o, 150) > mid && gl_hw_train_lr(&o, 250) < mid, "decreasing");
    CHECK(fabs(gl_hw_train_lr(&o, 300) - 1e-4) < 1e-15 && gl_hw_train_lr(&o, 5000) == 1e-4, "held at lr_final");
}

// --rare: copies = min(ceil(rare / count of the line's rarest character), 4)
static void test_rare(void) {
    gl_hw_corpus c = {0};
    float pt[3] = { 0, 0, 0 };
    const char *texts[] = { "aaaa", "ab", "a7", "Zb" };   // a: 7, b: 2, 7: 1, Z: 1 occurrences
    for (int i = 0; i < 4; i++) gl_hw_corpus_add(&c, pt, 1, texts[i], i);
    int cp[4];
    CHECK(gl_hw_rare_copies(&c, 0, 0, 4, cp) == 4 && cp[0] == 1 && cp[1] == 1 && cp[2] == 1 && cp[3] == 1, "rare 0: each line once");
    long n = gl_hw_rare_copies(&c, 3, 0, 4, cp);
    CHECK(cp[0] == 1 && cp[1] == 2 && cp[2] == 3 && cp[3] == 3 && n == 9, "rare 3: %d %d %d %d (%ld)", cp[0], cp[1], cp[2], cp[3], n);
    n = gl_hw_rare_copies(&c, 100, 0, 4, cp);
    CHECK(cp[0] == 4 && cp[1] == 4 && cp[2] == 4 && cp[3] == 4 && n == 16, "capped at 4: %d %d %d %d", cp[0], cp[1], cp[2], cp[3]);
    CHECK(gl_hw_rare_copies(&c, 8, 0, 4, cp) == 14 && cp[0] == 2 && cp[1] == 4, "rare 8: a (7 times) twice, b (2) four times: %d %d", cp[0], cp[1]);
    gl_hw_corpus_free(&c);
    // final: a letter that ends a word counts apart from the same letter inside one
    const char *t3[] = { "fox.", "taxi", "taxi", "box" };   // x inside twice, x final twice
    for (int i = 0; i < 4; i++) gl_hw_corpus_add(&c, pt, 1, t3[i], i);
    n = gl_hw_rare_copies(&c, 4, 0, 4, cp);   // x 4 times: '.' (once) and f (once) are rarer in line 0; t, i twice in lines 1-2; b once
    CHECK(cp[0] == 4 && cp[1] == 2 && cp[2] == 2 && cp[3] == 4, "x counted whole: %d %d %d %d", cp[0], cp[1], cp[2], cp[3]);
    gl_hw_corpus_free(&c);
    const char *t4[] = { "ox ox", "oxo", "oxo", "oxo" };
    for (int i = 0; i < 4; i++) gl_hw_corpus_add(&c, pt, 1, t4[i], i);
    // counts, whole: o 8, x 5, ' ' 1 -> line 0 has ' ' (1): 4 copies; lines 1-3 rarest x (5): 1 copy at rare 5
    n = gl_hw_rare_copies(&c, 5, 0, 4, cp);
    CHECK(cp[0] == 4 && cp[1] == 1 && cp[2] == 1 && cp[3] == 1, "whole: %d %d %d %d", cp[0], cp[1], cp[2], cp[3]);
    // final: x-final 2 (line 0), x-inside 3 (lines 1-3), o-final 3 (lines 1-3), o-inside 5
    n = gl_hw_rare_copies(&c, 5, 1, 4, cp);
    CHECK(cp[0] == 4 && cp[1] == 2 && cp[2] == 2 && cp[3] == 2 && n == 10, "final: %d %d %d %d (%ld)", cp[0], cp[1], cp[2], cp[3], n);
    gl_hw_corpus_free(&c);
}

// --augment: A acts on the raw offsets (d = x·std + mean) and the result is
// normalised again; the identity leaves a line as it was, the pen bits stay.
static void test_augment(void) {
    const float mean[2] = { 0.5f, -0.25f }, sd[2] = { 2.0f, 4.0f };
    const float src[9] = { 0.1f, 0.2f, 0, -1.5f, 0.75f, 1, 2.0f, -0.5f, 0 };
    float dst[9];
    const float I[4] = { 1, 0, 0, 1 };
    gl_hw_augment_line(src, dst, 3, mean, sd, I);
    int same = 1;
    for (int i = 0; i < 9; i++) same &= fabsf(dst[i] - src[i]) < 1e-6f;
    CHECK(same, "the identity map keeps the line");
    const float A[4] = { 1.5f, 0.25f, 0, 0.5f };   // wider, flatter, slanted
    gl_hw_augment_line(src, dst, 3, mean, sd, A);
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        float dx = src[3 * i] * sd[0] + mean[0], dy = src[3 * i + 1] * sd[1] + mean[1];
        float ex = 1.5f * dx + 0.25f * dy, ey = 0.5f * dy;
        ok &= fabsf(dst[3 * i] * sd[0] + mean[0] - ex) < 1e-5f && fabsf(dst[3 * i + 1] * sd[1] + mean[1] - ey) < 1e-5f;
        ok &= dst[3 * i + 2] == src[3 * i + 2];
    }
    // the second point by hand: d = (-2.5, 2.75) -> (-3.0625, 1.375) -> normalised (-1.78125, 0.40625)
    CHECK(ok && fabsf(dst[3] + 1.78125f) < 1e-5f && fabsf(dst[4] - 0.40625f) < 1e-5f, "a known map: %g %g", dst[3], dst[4]);
    gl_rng r;
    gl_rng_seed(&r, 5);
    float A0[4];
    gl_hw_augment_draw(&r, 0, A0);
    CHECK(A0[0] == 1 && A0[1] == 0 && A0[2] == 0 && A0[3] == 1, "s = 0 draws the identity");
    double lo = 1e9, hi = 0, kmax = 0, lsum = 0;
    for (int i = 0; i < 20000; i++) {
        float B[4];
        gl_hw_augment_draw(&r, 0.1, B);
        for (int j = 0; j < 4; j += 3) { lo = fmin(lo, B[j]); hi = fmax(hi, B[j]); lsum += log(B[j]); }
        kmax = fmax(kmax, fabs(B[1]));
        CHECK(B[2] == 0, "no shear of y by x");
    }
    CHECK(lo >= exp(-0.2) - 1e-6 && hi <= exp(0.2) + 1e-6 && lo < exp(-0.15) && hi > exp(0.15), "scales within exp(±2s): %g..%g", lo, hi);
    CHECK(kmax <= 0.2 + 1e-6 && kmax > 0.15, "slant within ±2s: %g", kmax);
    CHECK(fabs(lsum / 40000) < 0.005, "log-scales centred on 0: %g", lsum / 40000);
}

int main(void) {
    test_augment();
    test_rare();
    test_schedule();
    test_train(0);
    test_train(3);
    TEST_MAIN_END();
}
