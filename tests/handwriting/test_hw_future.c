// Possible futures of the handwriting networks (gl_hw_future.c): future 0 is
// the ordinary sampler's continuation from the same state, futures differ
// from each other, a row of a batch is the same future as alone, the
// followed state and the weights are unchanged by sampling, the window's
// centre follows the line, and bad sizes are refused.
#include "gl_hw.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static gl_hw_model *tiny(int K, uint64_t seed) {
    gl_hw_cfg cfg = {0};
    cfg.L = 2; cfg.H = 16; cfg.M = 3; cfg.K = K;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " abc"); cfg.C = 4;
    cfg.mean[0] = 2; cfg.mean[1] = 0; cfg.std[0] = 3; cfg.std[1] = 2;
    gl_hw_model *m = gl_hw_new(&cfg, seed);
    CHECK(m != NULL, "new: %s", gl_err());
    return m;
}

// Points a and b (n, 3) agree: offsets within float rounding grown over the
// steps, the same pen lifts.
static int close_points(const float *a, const float *b, int n, double *worst) {
    *worst = 0;
    for (int i = 0; i < n; i++) {
        for (int d = 0; d < 2; d++) {
            double e = fabs(a[3 * i + d] - b[3 * i + d]) / (1 + fabs(b[3 * i + d]));
            if (e > *worst) *worst = e;
        }
        if (a[3 * i + 2] != b[3 * i + 2]) return 0;
    }
    return *worst < 1e-3;
}

static uint64_t weights_hash(const gl_hw_model *m) {
    uint64_t h = GL_HASH64_INIT;
    for (int i = 0; i < m->ps.n; i++) h = gl_hash64(h, m->ps.p[i].w, sizeof(float) * m->ps.p[i].n);
    return h;
}

// Future 0 with the sampler's seed is the sampler's line: from the start,
// and after a primer (gl_hw_sample primes by reading the points, then lifts
// the pen: a primer whose last point lifts it is read as fed).
static void test_same_as_sampler(void) {
    gl_hw_model *m = tiny(0, 3);
    if (!m) return;
    gl_hw_sample_opts so = {0};
    so.seed = 5; so.max_steps = 40; so.weights = GL_HW_FP32; so.bias = 0.5f;
    gl_hw_result a;
    CHECK(gl_hw_sample(m, NULL, &so, &a, NULL) == 0 && a.n == 40, "sample: %d points", a.n);
    gl_hw_futures *f = gl_hw_futures_new(m, NULL);
    CHECK(f != NULL, "futures: %s", gl_err());
    float pts[40 * 3];
    gl_hw_futures_opts fo = { .n = 1, .points = 40, .bias = 0.5f, .seed = 5 };
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == 0, "futures sample");
    double worst;
    CHECK(close_points(pts, a.pts, 40, &worst), "from the start: future 0 = the sampler's line (worst %g)", worst);
    // from step 12 of that line
    int t = 12;
    gl_hw_line pr = { t, gl_malloc(sizeof(float) * 3 * t), NULL, 0 };
    memcpy(pr.pts, a.pts, sizeof(float) * 3 * t);
    pr.pts[3 * (t - 1) + 2] = 1;
    so.prime = &pr; so.seed = 77; so.max_steps = 25;
    gl_hw_result b;
    CHECK(gl_hw_sample(m, NULL, &so, &b, NULL) == 0 && b.n == 25, "primed sample: %d", b.n);
    CHECK(gl_hw_futures_feed(f, pr.pts, t) == 0 && gl_hw_futures_fed(f) == t, "fed %d", gl_hw_futures_fed(f));
    fo.seed = 77; fo.points = 25;
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == 0, "futures after the primer");
    CHECK(close_points(pts, b.pts, 25, &worst), "after %d points: future 0 = the sampler's continuation (worst %g)", t,
          worst);
    // another seed: another continuation
    fo.seed = 78;
    float other[25 * 3];
    gl_hw_futures_sample(f, &fo, other, NULL);
    CHECK(!close_points(other, b.pts, 25, &worst), "another seed, another continuation");
    free(pr.pts);
    gl_hw_result_free(&a); gl_hw_result_free(&b);
    gl_hw_futures_free(f);
    gl_hw_free(m);
}

// N futures: they differ; row r of a batch is the future alone with seed +
// r·stride (the same bits: the packed products sum in one order whatever
// the rows); sampling leaves the state and the weights as they were.
static void test_batch_and_state(void) {
    gl_hw_model *m = tiny(0, 4);
    if (!m) return;
    uint64_t wh = weights_hash(m);
    gl_hw_futures *f = gl_hw_futures_new(m, NULL), *g = gl_hw_futures_new(m, NULL);
    float line[30 * 3];
    gl_rng r; gl_rng_seed(&r, 1);
    for (int i = 0; i < 30; i++) {
        line[3 * i] = 2 + 3 * gl_rng_normal(&r); line[3 * i + 1] = 2 * gl_rng_normal(&r);
        line[3 * i + 2] = i % 7 == 6;
    }
    gl_hw_futures_feed(f, line, 20);
    gl_hw_futures_feed(g, line, 20);
    enum { N = 8, P = 30 };
    float *pts = gl_malloc(sizeof(float) * N * P * 3), *again = gl_malloc(sizeof(float) * N * P * 3);
    gl_hw_futures_opts fo = { .n = N, .points = P, .bias = 0, .seed = 11 };
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == 0, "sample %d", N);
    int finite = 1, distinct = 1;
    for (int i = 0; i < N * P * 3; i++) finite &= isfinite(pts[i]) != 0;
    for (int a = 0; a < N; a++)
        for (int b = a + 1; b < N; b++)
            if (!memcmp(pts + (size_t)a * P * 3, pts + (size_t)b * P * 3, sizeof(float) * P * 3)) distinct = 0;
    CHECK(finite, "finite futures");
    CHECK(distinct, "every future differs from every other");
    int lifts = 0;
    for (int i = 0; i < N * P; i++) lifts += pts[3 * i + 2] == 1.0f ? 1 : pts[3 * i + 2] == 0.0f ? 0 : 1000;
    CHECK(lifts < 1000, "eos is 0 or 1");
    // alone: future 3 with its own seed
    float one[P * 3];
    gl_hw_futures_opts fo1 = { .n = 1, .points = P, .bias = 0, .seed = 11 + 3 * GL_HW_FUTURES_SEED_STRIDE };
    gl_hw_futures_sample(f, &fo1, one, NULL);
    CHECK(!memcmp(one, pts + 3 * P * 3, sizeof one), "row 3 of the batch = that future alone");
    // the state: sampling again gives the same futures; f (sampled) and g (not)
    // fed on alike give the same futures
    gl_hw_futures_sample(f, &fo, again, NULL);
    CHECK(!memcmp(pts, again, sizeof(float) * N * P * 3), "sampling again: the same futures");
    CHECK(gl_hw_futures_fed(f) == 20, "fed unchanged: %d", gl_hw_futures_fed(f));
    gl_hw_futures_feed(f, line + 60, 10);
    gl_hw_futures_feed(g, line + 60, 10);
    gl_hw_futures_sample(f, &fo, pts, NULL);
    gl_hw_futures_sample(g, &fo, again, NULL);
    CHECK(!memcmp(pts, again, sizeof(float) * N * P * 3), "a state that was sampled from follows on unchanged");
    CHECK(weights_hash(m) == wh, "the weights are unchanged");
    // reset: back to the start of a line
    gl_hw_futures_reset(g);
    CHECK(gl_hw_futures_fed(g) == 0, "reset");
    gl_hw_futures *h = gl_hw_futures_new(m, NULL);
    gl_hw_futures_sample(g, &fo, pts, NULL);
    gl_hw_futures_sample(h, &fo, again, NULL);
    CHECK(!memcmp(pts, again, sizeof(float) * N * P * 3), "reset = new");
    // cancel: stops between steps
    atomic_int stop = 1;
    fo.cancel = &stop;
    CHECK(gl_hw_futures_sample(g, &fo, pts, NULL) == 1, "cancelled");
    // bias: sharper futures stay nearer their means (smaller spread of the first offsets)
    fo.cancel = NULL; fo.n = 64; fo.points = 1;
    float *wide = gl_malloc(sizeof(float) * 64 * 3), *sharp = gl_malloc(sizeof(float) * 64 * 3);
    gl_hw_futures_sample(f, &fo, wide, NULL);
    fo.bias = 3;
    gl_hw_futures_sample(f, &fo, sharp, NULL);
    double vw = 0, vs = 0, mw = 0, ms = 0;
    for (int i = 0; i < 64; i++) { mw += wide[3 * i] / 64; ms += sharp[3 * i] / 64; }
    for (int i = 0; i < 64; i++) { vw += pow(wide[3 * i] - mw, 2); vs += pow(sharp[3 * i] - ms, 2); }
    CHECK(vs < vw, "bias 3 spreads less than bias 0: %g vs %g", vs, vw);
    free(wide); free(sharp);
    // bounds
    fo.n = 0;
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == -1 && strstr(gl_err(), "futures"), "0 futures refused");
    fo.n = GL_HW_FUTURES_MAX + 1; fo.points = 1;
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == -1, "too many futures refused");
    fo.n = 1; fo.points = 0;
    CHECK(gl_hw_futures_sample(f, &fo, pts, NULL) == -1, "0 points refused");
    float bad[3] = { NAN, 0, 0 };
    CHECK(gl_hw_futures_feed(f, bad, 1) == -1 && strstr(gl_err(), "finite"), "a NaN point refused: %s", gl_err());
    free(pts); free(again);
    gl_hw_futures_free(f); gl_hw_futures_free(g); gl_hw_futures_free(h);
    gl_hw_free(m);
}

// Synthesis: future 0 from the start is the sampler's line; after feeding
// the sampler's own points the window's centre is the sampler's at that
// point; the text is checked.
static void test_synthesis(void) {
    gl_hw_model *m = tiny(2, 6);
    if (!m) return;
    CHECK(gl_hw_futures_new(m, NULL) == NULL && strstr(gl_err(), "text"), "synthesis needs a text");
    CHECK(gl_hw_futures_new(m, "abz") == NULL && strstr(gl_err(), "'z'"), "unknown character: %s", gl_err());
    gl_hw_sample_opts so = {0};
    so.seed = 9; so.max_steps = 30; so.weights = GL_HW_FP32; so.end_rule = GL_HW_END_NEVER;
    gl_trace *tr = gl_hw_trace_new(m, "abc", &so);
    gl_hw_result a;
    CHECK(gl_hw_sample(m, "abc", &so, &a, tr) == 0 && a.n == 30, "sample %d", a.n);
    gl_hw_futures *f = gl_hw_futures_new(m, "abc");
    CHECK(f != NULL, "futures: %s", gl_err());
    float pts[30 * 3], wpos[30];
    gl_hw_futures_opts fo = { .n = 1, .points = 30, .seed = 9 };
    CHECK(gl_hw_futures_sample(f, &fo, pts, wpos) == 0, "sample");
    double worst;
    CHECK(close_points(pts, a.pts, 30, &worst), "synthesis: future 0 = the sampler's line (worst %g)", worst);
    int t = 10, ok = 1;
    for (int s = 0; s < 30 && ok; s++) {   // the centre of the window at each point, from the trace's frames
        const gl_hw_frame *fr = gl_trace_frame(tr, s);
        double sa = 0, sk = 0;
        for (int k = 0; k < 2; k++) { sa += fr->alpha[k]; sk += fr->alpha[k] * fr->kappa[k]; }
        if (fabs(sk / sa - wpos[s]) > 1e-3 * (1 + fabs(wpos[s]))) ok = 0;
    }
    CHECK(ok, "the window's centre of every point is the sampler's");
    gl_hw_futures_feed(f, a.pts, t);
    fo.n = 4; fo.points = 5; fo.seed = 1;
    float p4[4 * 5 * 3], w4[4 * 5];
    gl_hw_futures_sample(f, &fo, p4, w4);
    const gl_hw_frame *fr = gl_trace_frame(tr, t);
    double sa = 0, sk = 0;
    for (int k = 0; k < 2; k++) { sa += fr->alpha[k]; sk += fr->alpha[k] * fr->kappa[k]; }
    CHECK(fabs(sk / sa - w4[0]) < 1e-3 && w4[0] == w4[15], "after %d points the window is the line's: %g vs %g", t,
          w4[0], sk / sa);
    // a row of a batch (grown from 1 row to 4 above) is the future alone, from a new object fed alike
    gl_hw_futures *h = gl_hw_futures_new(m, "abc");
    gl_hw_futures_feed(h, a.pts, t);
    float one[5 * 3];
    gl_hw_futures_opts fo1 = { .n = 1, .points = 5, .seed = 1 + 2 * GL_HW_FUTURES_SEED_STRIDE };
    gl_hw_futures_sample(h, &fo1, one, NULL);
    CHECK(!memcmp(one, p4 + 2 * 5 * 3, sizeof one), "synthesis: row 2 of the batch = that future alone");
    gl_hw_futures_sample(f, &fo, p4, w4);   // and the batch again: the text stayed with every row
    CHECK(!memcmp(one, p4 + 2 * 5 * 3, sizeof one), "synthesis: the same after the batch grew");
    gl_hw_futures_free(h);
    // primed (§5.5): the primer "ab" (the points just written), then "c"; future 0 = gl_hw_sample's primed line
    // (a seed at which the sampler drops no mark before the text, gl_hw_result.lead: futures keep every point;
    // the pen made to lift seldom, e = 0.018, so that the window reaches the text before a stroke ends)
    for (int k = 0; k < m->cfg.L * m->cfg.H; k++) m->Wy[k] = 0;
    m->by[0] = 4.0f;
    gl_hw_line pr = { 12, a.pts, "ab", 0 };
    gl_hw_sample_opts po = so;
    po.prime = &pr; po.prime_text = "ab"; po.seed = 21; po.max_steps = 20;
    gl_hw_result b;
    CHECK(gl_hw_sample(m, "c", &po, &b, NULL) == 0, "primed sample: %s", gl_err());
    while (b.lead > 0 && po.seed < 60) {
        gl_hw_result_free(&b);
        po.seed++;
        CHECK(gl_hw_sample(m, "c", &po, &b, NULL) == 0, "primed sample: %s", gl_err());
    }
    CHECK(b.lead == 0 && b.n == 20, "primed sample at seed %d: %d points, %d dropped", (int)po.seed, b.n, b.lead);
    gl_hw_futures *g = gl_hw_futures_new(m, "ab c");
    CHECK(gl_hw_futures_prime(g, pr.pts, pr.n, 2) == 0, "prime: %s", gl_err());
    fo.n = 1; fo.points = 20; fo.seed = po.seed;
    float pp[20 * 3];
    gl_hw_futures_sample(g, &fo, pp, NULL);
    CHECK(close_points(pp, b.pts, 20, &worst), "primed: future 0 = the sampler's primed line (worst %g)", worst);
    CHECK(gl_hw_futures_prime(g, pr.pts, pr.n, 4) == -1 && strstr(gl_err(), "primer"), "a primer text too long refused");
    gl_hw_result_free(&b);
    gl_hw_futures_free(g);
    gl_trace_release(tr);
    gl_hw_result_free(&a);
    gl_hw_futures_free(f);
    gl_hw_free(m);
}

int main(void) {
    test_same_as_sampler();
    test_batch_and_state();
    test_synthesis();
    TEST_MAIN_END();
}
