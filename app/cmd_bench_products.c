// glimpse bench products: the per-step matrix products of the training
// passes (a few rows by the same weights at every step) through OpenBLAS
// and through the packed-weight kernel (engine/gl_wpack.c), one thread,
// at the shapes the shipped models use.
#include "args.h"
#include "bench.h"
#include "cli.h"
#include "gl_util.h"
#include "gl_wpack.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const app_opt opts[] = {
    APP_INT("reps", 5, 100000, "200", "timed repetitions per shape (the median is reported)"),
    APP_OPT_END
};

typedef struct { const char *what; int M, N, K, trans; } shape;
static const shape shapes[] = {
    { "handwriting, 2 threads: h Wh^T (forward)", 16, 1024, 256, 1 },
    { "handwriting, 2 threads: dpre Wh (backward)", 16, 256, 1024, 0 },
    { "synthesis layer 1, 2 threads: [x, w] Wx^T", 16, 1024, 83, 1 },
    { "synthesis layer 1, 2 threads: dpre Wx", 16, 83, 1024, 0 },
    { "handwriting, 1 thread: h Wh^T", 32, 1024, 256, 1 },
    { "handwriting, 1 thread: dpre Wh", 32, 256, 1024, 0 },
    { "DRAW, 2 threads: encoder [r, h_dec] Wx^T", 50, 1024, 264, 1 },
    { "DRAW, 2 threads: encoder dpre Wx", 50, 264, 1024, 0 },
    { "DRAW, 2 threads: decoder z Wx^T", 50, 1024, 100, 1 },
    { "DRAW, 2 threads: h_enc Wq^T", 50, 200, 256, 1 },
    { "DRAW, 1 thread: encoder [r, h_dec] Wx^T", 100, 1024, 264, 1 },
};

int cmd_bench_products(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, opts, "usage: glimpse bench products [options]\n\n"
        "The per-step matrix products of training (a few rows by the same weights at\n"
        "every step) at the shipped models' shapes, one thread: OpenBLAS's sgemm\n"
        "against the weights packed once (engine/gl_wpack.c), in GFLOP/s (median).", &a);
    if (rc) return rc > 0 ? 0 : 2;
    long reps = app_opt_long(&a, opts, "reps");
    int old = openblas_get_num_threads();
    openblas_set_num_threads(1);
    printf("OpenBLAS kernels %s; packed kernel %s; sgemm %.1f GFLOP/s on 1 thread (1024 x 1024 x 1024)\n",
           app_bench_blas_core(), gl_wpack_target(), app_bench_sgemm_rate(1));
    printf("%-44s %14s %9s %9s %6s\n", "product", "M x N x K", "OpenBLAS", "packed", "ratio");
    double *tb = gl_malloc(sizeof(double) * (size_t)reps), *tp = gl_malloc(sizeof(double) * (size_t)reps);
    gl_rng r;
    gl_rng_seed(&r, 1);
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const shape *sh = &shapes[s];
        int M = sh->M, N = sh->N, K = sh->K, inner = 20;
        float *A = gl_malloc(sizeof(float) * (size_t)M * K), *W = gl_malloc(sizeof(float) * (size_t)N * K);
        float *C = gl_malloc(sizeof(float) * (size_t)M * N);
        for (size_t i = 0; i < (size_t)M * K; i++) A[i] = gl_rng_normal(&r);
        for (size_t i = 0; i < (size_t)N * K; i++) W[i] = gl_rng_normal(&r);
        gl_wpack pk = {0};
        gl_wpack_set(&pk, W, 0, sh->trans, K, N);
        for (long i = 0; i < reps; i++) {
            double t0 = gl_now();
            for (int q = 0; q < inner; q++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, sh->trans ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, K, W,
                            sh->trans ? K : N, 0.0f, C, N);
            double t1 = gl_now();
            for (int q = 0; q < inner; q++) gl_wpack_gemm(C, N, A, K, M, &pk, 0.0f);
            double t2 = gl_now();
            tb[i] = (t1 - t0) / inner; tp[i] = (t2 - t1) / inner;
        }
        double fl = 2.0 * M * N * K, gb = fl / gl_percentile(tb, (int)reps, 50) / 1e9,
               gp = fl / gl_percentile(tp, (int)reps, 50) / 1e9;
        char dims[32];
        snprintf(dims, sizeof dims, "%dx%dx%d", M, N, K);
        printf("%-44s %14s %9.1f %9.1f %5.2fx\n", sh->what, dims, gb, gp, gp / gb);
        gl_wpack_free(&pk);
        free(A); free(W); free(C);
    }
    free(tb); free(tp);
    openblas_set_num_threads(old);
    return 0;
}
