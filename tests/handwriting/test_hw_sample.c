// Sampling: reproducible with a seed, bias shrinks the spread (§5.4), the
// end-of-text rule (§5.3), priming (§5.5), unknown characters, the trace and
// the cancel flag, SVG/PNG output and save/load.
#include "gl_hw.h"
#include "gl_test.h"
#include <stdlib.h>
#include <unistd.h>

static void tiny(gl_hw_model *m, int K, uint64_t seed) {
    gl_hw_cfg cfg = {0};
    cfg.L = 2; cfg.H = 16; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abc"); cfg.C = 4;
    cfg.mean[0] = 2; cfg.mean[1] = 0; cfg.std[0] = 3; cfg.std[1] = 2;
    CHECK(gl_hw_model_init(m, &cfg, seed) == 0, "init: %s", gl_err());
}

static int same_result(const gl_hw_result *a, const gl_hw_result *b) {
    return a->n == b->n && !memcmp(a->pts, b->pts, sizeof(float) * 3 * a->n);
}

static void test_seed(void) {
    gl_hw_model m; tiny(&m, 2, 3);
    gl_hw_sample_opts o = {0}; o.seed = 9; o.max_steps = 60;
    gl_hw_result a, b, c;
    CHECK(gl_hw_sample(&m, "abc", &o, &a, NULL) == 0, "sample: %s", gl_err());
    CHECK(gl_hw_sample(&m, "abc", &o, &b, NULL) == 0, "sample again");
    o.seed = 10;
    CHECK(gl_hw_sample(&m, "abc", &o, &c, NULL) == 0, "sample seed 10");
    CHECK(a.n > 0 && same_result(&a, &b), "same seed, same strokes");
    CHECK(!same_result(&a, &c), "another seed, other strokes");
    // κ only moves forward, φ has U+1 entries per step
    CHECK(a.U == 3 && a.K == 2, "U %d K %d", a.U, a.K);
    int mono = 1;
    for (int t = 1; t < a.n; t++) for (int k = 0; k < a.K; k++) if (a.kappa[t * a.K + k] < a.kappa[(t - 1) * a.K + k]) mono = 0;
    CHECK(mono, "kappa monotone over steps");
    // the GUI path: a trace from gl_hw_trace_new gets one frame per point,
    // with the same points and window weights as the result
    gl_trace *tr = gl_hw_trace_new(&m, "abc", &o);
    gl_hw_result d;
    CHECK(tr->kind == GL_TRACE_WRITE && tr->cap == 60, "trace kind %d cap %d", tr->kind, tr->cap);
    CHECK(gl_hw_sample(&m, "abc", &o, &d, tr) == 0 && gl_trace_count(tr) == d.n && atomic_load(&tr->done), "trace frames %d", gl_trace_count(tr));
    int same = d.n > 0;
    for (int t = 0; t < d.n && same; t++) {
        const gl_hw_frame *f = gl_trace_frame(tr, t);
        if (f->dx != d.pts[3 * t] || f->U != 3 || memcmp(f->phi, d.phi + t * 4, 4 * sizeof(float))) same = 0;
    }
    CHECK(same, "frames match the result");
    CHECK(!strcmp(((gl_hw_trace_header *)tr->header)->text, "abc"), "trace header text");
    gl_trace_release(tr); gl_hw_result_free(&d);
    gl_hw_result_free(&a); gl_hw_result_free(&b); gl_hw_result_free(&c);
    // characters the model cannot write: one error naming each of them
    CHECK(gl_hw_sample(&m, "abz!z", &o, &a, NULL) < 0, "unknown characters");
    CHECK(strstr(gl_err(), "'z'") && strstr(gl_err(), "'!'"), "error names them: %s", gl_err());
    CHECK(gl_hw_sample(&m, "", &o, &a, NULL) < 0, "empty text");
    gl_hw_model_free(&m);
}

// The spread of the first sampled offset over many seeds: bias b scales σ by
// exp(−b) and sharpens π, so a large bias must shrink it.
static double first_step_spread(gl_hw_model *m, float bias) {
    double s = 0, s2 = 0; int n = 400;
    for (int i = 0; i < n; i++) {
        gl_hw_sample_opts o = {0}; o.seed = 1000 + i; o.max_steps = 1; o.bias = bias;
        gl_hw_result r;
        gl_hw_sample(m, NULL, &o, &r, NULL);
        s += r.pts[0]; s2 += r.pts[0] * r.pts[0];
        gl_hw_result_free(&r);
    }
    return sqrt(s2 / n - (s / n) * (s / n));
}

static void test_bias(void) {
    gl_hw_model m; tiny(&m, 0, 4);
    // one dominant component so that the spread is σ-driven
    int M = m.cfg.M;
    for (int j = 0; j < M; j++) m.by[1 + j] = j == 0 ? 2.0f : 0.0f;
    double s0 = first_step_spread(&m, 0), s3 = first_step_spread(&m, 3);
    CHECK(s3 < 0.2 * s0, "bias 3 spread %g vs bias 0 spread %g", s3, s0);
    // the trace: frames carry the biased σ = exp(σ̂ − b)·std
    gl_trace *t0 = gl_trace_new(GL_TRACE_PREDICT, sizeof(gl_hw_frame), 10, NULL);
    gl_trace *t1 = gl_trace_new(GL_TRACE_PREDICT, sizeof(gl_hw_frame), 10, NULL);
    gl_hw_sample_opts o = {0}; o.seed = 1; o.max_steps = 5;
    gl_hw_result r0, r1;
    gl_hw_sample(&m, NULL, &o, &r0, t0);
    o.bias = 2;
    gl_hw_sample(&m, NULL, &o, &r1, t1);
    CHECK(gl_trace_count(t0) == 5 && r0.n == 5 && atomic_load(&t0->done), "trace has every step (%d)", gl_trace_count(t0));
    const gl_hw_frame *f0 = gl_trace_frame(t0, 0), *f1 = gl_trace_frame(t1, 0);
    CHECK_NEAR(f1->sigma[0][0] / f0->sigma[0][0], exp(-2.0), 1e-4, "sigma ratio");
    double sp = 0; for (int j = 0; j < M; j++) sp += f0->pi[j];
    CHECK_NEAR(sp, 1, 1e-5, "pi sums to 1");
    CHECK(f1->pi[0] > f0->pi[0], "bias sharpens pi: %g > %g", f1->pi[0], f0->pi[0]);
    // frame positions add up the offsets
    float x = 0; for (int i = 0; i < 5; i++) x += r0.pts[3 * i];
    CHECK_NEAR(((const gl_hw_frame *)gl_trace_frame(t0, 4))->x, x, 1e-3, "pen position");
    gl_trace_release(t0); gl_trace_release(t1);
    gl_hw_result_free(&r0); gl_hw_result_free(&r1);
    // cancel before the first step: nothing written, returns 1
    atomic_int cancel = 1;
    o.cancel = &cancel;
    gl_trace *t2 = gl_trace_new(GL_TRACE_PREDICT, sizeof(gl_hw_frame), 10, NULL);
    CHECK(gl_hw_sample(&m, NULL, &o, &r0, t2) == 1 && r0.n == 0 && gl_trace_count(t2) == 0 && atomic_load(&t2->done), "cancelled");
    gl_hw_result_free(&r0); gl_trace_release(t2);
    gl_hw_model_free(&m);
}

// §5.3: with κ advancing one character per step (exp(κ̂) = 1) and a narrow
// window, φ(t,U+1) overtakes every φ(t,u) after about U steps.
static void test_end(void) {
    gl_hw_model m; tiny(&m, 2, 5);
    int K = m.cfg.K, H = m.cfg.H;
    memset(m.Wp, 0, sizeof(float) * 3 * K * H);
    for (int k = 0; k < K; k++) { m.bp[k] = 0; m.bp[K + k] = 1.0f; m.bp[2 * K + k] = 0.0f; }
    gl_hw_sample_opts o = {0}; o.seed = 1;
    gl_hw_result r;
    CHECK(gl_hw_sample(&m, "abcab", &o, &r, NULL) == 0, "sample");
    CHECK(r.ended == 1, "ended");
    CHECK(r.n >= 4 && r.n <= 6, "stopped after %d steps for 5 characters", r.n);
    for (int t = 0; t < r.n; t++) CHECK_NEAR(r.kappa[t * K], t + 1, 1e-4, "kappa = t");
    gl_hw_result_free(&r);
    // priming: the primer's text is prepended, so writing takes longer, and
    // the primer's points are not part of the result
    gl_hw_line pr = {0}; float pts[12] = { 1, 0, 0, 2, 1, 0, 1, -1, 1, 3, 0, 1 };
    pr.n = 4; pr.pts = pts; pr.text = "ba";
    o.prime = &pr; o.prime_text = "ba";
    CHECK(gl_hw_sample(&m, "abcab", &o, &r, NULL) == 0, "primed: %s", gl_err());
    CHECK(r.U == 8 && r.ended, "primed text length %d", r.U);
    CHECK(r.n >= 8 - 4 - 1 && r.n <= 8 - 4 + 2, "primed steps %d", r.n);
    gl_hw_result_free(&r);
    gl_hw_model_free(&m);
}

static void test_io(void) {
    gl_hw_model m; tiny(&m, 2, 6);
    char dir[] = "/tmp/glimpse-hw-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "tmpdir");
    char p[256]; snprintf(p, sizeof p, "%s/m.safetensors", dir);
    CHECK(gl_hw_model_save(&m, p, NULL, 0) == 0, "save: %s", gl_err());
    gl_hw_model m2;
    CHECK(gl_hw_model_load(&m2, p, NULL, 0) == 0, "load: %s", gl_err());
    CHECK(!strcmp(m2.cfg.alphabet, " abc") && m2.cfg.K == 2 && m2.cfg.std[0] == 3, "config round trip");
    gl_hw_sample_opts o = {0}; o.seed = 2; o.max_steps = 30;
    gl_hw_result a, b;
    gl_hw_sample(&m, "cab", &o, &a, NULL);
    gl_hw_sample(&m2, "cab", &o, &b, NULL);
    CHECK(same_result(&a, &b), "reloaded model writes the same strokes");
    char svg[256], png[256]; snprintf(svg, sizeof svg, "%s/a.svg", dir); snprintf(png, sizeof png, "%s/a.png", dir);
    CHECK(gl_hw_save_svg(svg, a.pts, a.n, 2) == 0 && gl_hw_save_png(png, a.pts, a.n, 100) == 0, "save svg/png: %s", gl_err());
    uint8_t *buf; size_t len;
    CHECK(gl_read_file(svg, &buf, &len) == 0, "read svg");
    int paths = 0, strokes = 0;
    for (size_t i = 0; i + 5 < len; i++) paths += !memcmp(buf + i, "<path", 5);
    for (int t = 0; t < a.n; t++) strokes += a.pts[3 * t + 2] > 0.5f || t == a.n - 1;
    CHECK(paths == strokes && paths > 0, "one path per stroke: %d vs %d", paths, strokes);
    free(buf);
    CHECK(gl_read_file(png, &buf, &len) == 0 && len > 8 && !memcmp(buf + 1, "PNG", 3), "png written");
    free(buf);
    gl_hw_model_free(&m2);
    // a file that is not a handwriting model
    snprintf(p, sizeof p, "%s/bad.safetensors", dir);
    gl_params ps = {0}; gl_params_add(&ps, "x", 2, 0, 0, 0);
    gl_params_save(&ps, p, NULL, 0); gl_params_free(&ps);
    CHECK(gl_hw_model_load(&m2, p, NULL, 0) != 0 || (gl_hw_model_free(&m2), 0), "loading a foreign file fails");
    gl_hw_result_free(&a); gl_hw_result_free(&b);
    gl_hw_model_free(&m); gl_hw_model_free(&m2);
    char cmd[300]; snprintf(cmd, sizeof cmd, "rm -rf %s", dir); CHECK(system(cmd) == 0, "cleanup");
}

int main(void) {
    test_seed();
    test_bias();
    test_end();
    test_io();
    TEST_MAIN_END();
}
