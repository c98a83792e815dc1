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
#endif
