// DRAW's possible futures (gl_draw_future.c): future 0 with the run's seed is
// the run (from step 0 and from a later step), the followed canvas is the
// run's, futures differ, a row of a batch is the future alone, sampling
// leaves the followed state as it was, the spread of z narrows them, and bad
// steps and counts are refused. With and without attention.
#include "gl_draw.h"
#include "gl_test.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double maxdiff(const float *a, const float *b, int n) {
    double w = 0;
    for (int i = 0; i < n; i++) if (fabs(a[i] - b[i]) > w) w = fabs(a[i] - b[i]);
    return w;
}

static void run_model(int attention) {
    gl_draw_config cfg = { attention, 6, 2, 3, 16, 16, 4 };
    gl_draw *m = gl_draw_new(&cfg, 3);
    CHECK(m != NULL, "new: %s", gl_err());
    if (!m) return;
    const char *what = attention ? "attention" : "no attention";
    enum { D = GL_DRAW_D };
    float gen[D], one[D], can[D];
    gl_trace *tr = gl_draw_trace_new(m);
    CHECK(gl_draw_generate(m, 42, tr, NULL, gen) == 6, "generate");
    gl_draw_futures *f = gl_draw_futures_new(m);
    CHECK(f != NULL, "futures: %s", gl_err());
    gl_draw_futures_opts o = { .n = 1, .scale = 1, .seed = 42 };
    for (int t = 0; t <= 6; t += 3) {
        CHECK(gl_draw_futures_follow(f, 42, t) == 0 && gl_draw_futures_step(f) == t, "follow to %d", t);
        CHECK(gl_draw_futures_sample(f, &o, one) == 0, "sample");
        CHECK(maxdiff(one, gen, D) < 1e-4, "%s: future 0 from step %d = the run (%g)", what, t, maxdiff(one, gen, D));
        if (t > 0) {
            gl_draw_futures_canvas(f, can);
            const gl_draw_frame *fr = gl_trace_frame(tr, t - 1);
            CHECK(maxdiff(can, fr->canvas, D) < 1e-4, "%s: the followed canvas at step %d is the run's", what, t);
        }
    }
    // nine futures from step 2
    gl_draw_futures_follow(f, 42, 2);
    enum { N = 9 };
    float *out = gl_malloc(sizeof(float) * N * D), *again = gl_malloc(sizeof(float) * N * D);
    o.n = N; o.seed = 7;
    CHECK(gl_draw_futures_sample(f, &o, out) == 0, "nine futures");
    int inside = 1, distinct = 1;
    for (int i = 0; i < N * D; i++) inside &= out[i] >= 0 && out[i] <= 1;
    for (int a = 0; a < N; a++)
        for (int b = a + 1; b < N; b++) if (maxdiff(out + (size_t)a * D, out + (size_t)b * D, D) < 1e-6) distinct = 0;
    CHECK(inside, "canvases in [0, 1]");
    CHECK(distinct, "%s: every future differs", what);
    gl_draw_futures_opts o1 = { .n = 1, .scale = 1, .seed = 7 + 5 * GL_DRAW_FUTURES_SEED_STRIDE };
    gl_draw_futures_sample(f, &o1, one);
    CHECK(!memcmp(one, out + 5 * D, sizeof one), "row 5 of the batch = that future alone");
    gl_draw_futures_sample(f, &o, again);
    CHECK(!memcmp(out, again, sizeof(float) * N * D), "sampling leaves the followed state: the same futures again");
    CHECK(gl_draw_futures_step(f) == 2, "still at step 2");
    // a narrow z: futures nearer each other
    o.scale = 0.05f;
    gl_draw_futures_sample(f, &o, again);
    double wide = 0, narrow = 0;
    for (int a = 1; a < N; a++) {
        wide += maxdiff(out, out + (size_t)a * D, D);
        narrow += maxdiff(again, again + (size_t)a * D, D);
    }
    CHECK(narrow < wide, "%s: scale 0.05 spreads less than 1 (%g vs %g)", what, narrow, wide);
    // from the last step nothing is left to choose: every future is the canvas
    gl_draw_futures_follow(f, 42, 6);
    o.scale = 1;
    gl_draw_futures_sample(f, &o, out);
    CHECK(maxdiff(out, gen, D) < 1e-4 && maxdiff(out + 8 * D, gen, D) < 1e-4, "from step T: the run's canvas");
    // bounds
    CHECK(gl_draw_futures_follow(f, 42, 7) == -1 && strstr(gl_err(), "step"), "step past T refused");
    CHECK(gl_draw_futures_follow(f, 42, -1) == -1, "negative step refused");
    o.n = 0;
    CHECK(gl_draw_futures_sample(f, &o, out) == -1, "0 futures refused");
    o.n = GL_DRAW_FUTURES_MAX + 1;
    CHECK(gl_draw_futures_sample(f, &o, out) == -1, "too many refused");
    atomic_int stop = 1;
    o.n = 2; o.cancel = &stop;
    gl_draw_futures_follow(f, 42, 1);
    CHECK(gl_draw_futures_sample(f, &o, out) == 1, "cancelled");
    free(out); free(again);
    gl_trace_release(tr);
    gl_draw_futures_free(f);
    gl_draw_free(m);
}

int main(void) {
    run_model(1);
    run_model(0);
    TEST_MAIN_END();
}
