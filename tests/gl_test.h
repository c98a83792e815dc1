// gl_test: a minimal test harness. Each test program runs its checks, prints
// one line per failure, and exits non-zero if any failed.
#ifndef GL_TEST_H
#define GL_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gl_test_failures = 0, gl_test_checks = 0;
#define CHECK(cond, ...) do { gl_test_checks++; if (!(cond)) { gl_test_failures++; \
    fprintf(stderr, "%s:%d: FAIL: %s: ", __FILE__, __LINE__, #cond); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_NEAR(a, b, tol, what) CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s: %g vs %g (tol %g)", what, (double)(a), (double)(b), (double)(tol))
#define TEST_MAIN_END() do { printf("%d checks, %d failed\n", gl_test_checks, gl_test_failures); return gl_test_failures ? 1 : 0; } while (0)

// Finite-difference gradient check. loss(ctx) evaluates the scalar loss with
// the current parameter values (in double precision where possible); x (n)
// is the parameter vector, g (n) the analytic gradient. Checks up to `probe`
// coordinates spread over x. Relative error |a-n| / max(|a|+|n|, floor).
typedef double (*gl_loss_fn)(void *ctx);
// Gradients smaller than this are compared in absolute terms (float32 losses
// cannot resolve finer differences).
static double gl_gradcheck_floor = 1e-3;
static inline double gl_gradcheck(gl_loss_fn loss, void *ctx, float *x, const float *g, int n, int probe, float eps, const char *what, double tol) {
    double worst = 0;
    int step = n > probe ? n / probe : 1;
    for (int i = 0; i < n; i += step) {
        float old = x[i];
        x[i] = old + eps; double lp = loss(ctx);
        x[i] = old - eps; double lm = loss(ctx);
        x[i] = old;
        double num = (lp - lm) / (2.0 * eps), ana = g[i];
        double denom = fabs(num) + fabs(ana);
        double err = denom < gl_gradcheck_floor ? fabs(num - ana) / gl_gradcheck_floor : fabs(num - ana) / denom;
        if (err > worst) worst = err;
        if (err > tol) {
            gl_test_failures++;
            fprintf(stderr, "gradcheck %s[%d]: analytic %.6g numeric %.6g (rel err %.3g)\n", what, i, ana, num, err);
        }
        gl_test_checks++;
    }
    return worst;
}

// A whole parameter tensor of a model checked against finite differences:
// derivatives by Richardson extrapolation of central differences,
// (4 D(h/2) − D(h)) / 3 (error O(h⁴)), trusted to 1e-2 relative plus
// 3·noise/h absolute (noise: the float rounding of the loss). Checked (1)
// along a random direction v (the directional derivative g·v) and (2) at the
// three largest-gradient coordinates. w (n) is changed during the check and
// restored; g (n) is the analytic gradient.
#include "gl_util.h"
static inline int gl_fd_close(double ana, double num, double h, double noise) {
    return fabs(ana - num) <= 1e-2 * (fabs(ana) + fabs(num)) + 3 * noise / h;
}
static inline double gl_fd_dir(gl_loss_fn loss, void *ctx, float *w, const float *w0, const float *v, size_t n, double h) {
    double D[2];
    for (int s = 0; s < 2; s++) {
        double e = s ? h / 2 : h, l[2];
        for (int sign = 0; sign < 2; sign++) {
            for (size_t k = 0; k < n; k++) w[k] = w0[k] + (float)((sign ? -e : e) * v[k]);
            l[sign] = loss(ctx);
        }
        D[s] = (l[0] - l[1]) / (2 * e);
    }
    memcpy(w, w0, sizeof(float) * n);
    return (4 * D[1] - D[0]) / 3;
}
static inline void gl_gradcheck_tensor(gl_loss_fn loss, void *ctx, float *w, const float *g, size_t n, double h,
                                       double noise, const char *what, gl_rng *r) {
    float *v = gl_malloc(sizeof(float) * n), *w0 = gl_malloc(sizeof(float) * n);
    int *done = gl_calloc(n, sizeof(int));
    memcpy(w0, w, sizeof(float) * n);
    double gv = 0;
    for (size_t k = 0; k < n; k++) { v[k] = gl_rng_normal(r); gv += (double)g[k] * v[k]; }
    double num = gl_fd_dir(loss, ctx, w, w0, v, n, h);
    CHECK(gl_fd_close(gv, num, h, noise), "%s: directional derivative analytic %g numeric %g", what, gv, num);
    for (size_t rep = 0; rep < 3 && rep < n; rep++) {
        size_t best = n;
        for (size_t k = 0; k < n; k++) if (!done[k] && (best == n || fabsf(g[k]) > fabsf(g[best]))) best = k;
        done[best] = 1;
        memset(v, 0, sizeof(float) * n);
        v[best] = 1;
        num = gl_fd_dir(loss, ctx, w, w0, v, n, h);
        CHECK(gl_fd_close(g[best], num, h, noise), "%s[%zu]: analytic %g numeric %g", what, best, g[best], num);
    }
    free(v); free(w0); free(done);
}
#endif
