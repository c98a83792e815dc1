// glimpse bench futures: how long the possible futures take at the shipped
// sizes, one thread: N futures of P points from the pen tip of a line half
// written (the prediction network, as the Prediction view draws them; the
// synthesis network beside it), and DRAW's 3x3 grid of futures from steps
// spread over a generation (following the run from its start to the step,
// then nine futures of the remaining steps).
#include "args.h"
#include "bench.h"
#include "cli.h"
#include "gl_draw.h"
#include "gl_hw.h"
#include "gl_nn.h"
#include "gl_util.h"
#include "gl_wpack.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const app_opt opts[] = {
    APP_INT("futures", 1, GL_HW_FUTURES_MAX, "20", "handwriting futures"),
    APP_INT("points", 1, GL_HW_FUTURES_MAXP, "40", "points per handwriting future"),
    APP_NUM("bias", 0, 10, "0.5", "sampling bias of the handwriting futures (§5.4)"),
    APP_INT("reps", 3, 100000, "30", "timed repetitions (the median is reported)"),
    APP_OPT_END
};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp_double); return v[n / 2]; }

// Futures of one handwriting network from the state after `fed` points of a
// line it wrote itself (seed 1). Prints the median time and the GFLOP/s.
static int bench_hw(const char *file, const char *text, int n, int P, float bias, int reps, double *ms_out,
                    double *cpu_out) {
    gl_hw_model *m = gl_hw_load(app_asset_path(file), 0);
    if (!m) { fprintf(stderr, "bench futures: %s\n", gl_err()); return -1; }
    gl_hw_sample_opts so = { .bias = 0.5f, .seed = 1, .max_steps = text ? 0 : 200 };
    gl_hw_result line;
    int synth = m->cfg.K > 0;
    if (gl_hw_sample(m, synth ? text : NULL, &so, &line, NULL) != 0) {
        fprintf(stderr, "bench futures: %s\n", gl_err());
        gl_hw_free(m);
        return -1;
    }
    gl_hw_futures *f = gl_hw_futures_new(m, synth ? text : NULL);
    if (!f) { fprintf(stderr, "bench futures: %s\n", gl_err()); gl_hw_result_free(&line); gl_hw_free(m); return -1; }
    int fed = line.n / 2;
    double t0 = gl_now();
    gl_hw_futures_feed(f, line.pts, fed);
    double feed_ms = (gl_now() - t0) * 1e3 / (fed > 0 ? fed : 1);
    float *pts = gl_malloc(sizeof(float) * 3 * (size_t)n * P), *wpos = gl_malloc(sizeof(float) * (size_t)n * P);
    gl_hw_futures_opts fo = { .n = n, .points = P, .bias = bias, .seed = 7 };
    gl_hw_futures_sample(f, &fo, pts, wpos);   // warm-up
    double *ts = gl_malloc(sizeof(double) * (size_t)reps), *cpu = gl_malloc(sizeof(double) * (size_t)reps);
    gl_nn_flops_reset();
    for (int r = 0; r < reps; r++) {
        fo.seed = 100 + (uint64_t)r;
        double a = gl_now(), c = gl_cpu_now();
        gl_hw_futures_sample(f, &fo, pts, wpos);
        ts[r] = gl_now() - a;
        cpu[r] = gl_cpu_now() - c;
    }
    double fl = gl_nn_flops() / reps, med = median(ts, reps), cmed = median(cpu, reps);
    printf("  %-12s L %d H %d: %d futures x %d points from point %d of %d: median %.1f ms (p10 %.1f, p90 %.1f; "
           "CPU time %.1f ms), %.2f GFLOP, %.1f GFLOP/s; following the line %.2f ms a point\n",
           synth ? "synthesis" : "prediction", m->cfg.L, m->cfg.H, n, P, fed, line.n, med * 1e3,
           ts[reps / 10] * 1e3, ts[reps * 9 / 10] * 1e3, cmed * 1e3, fl / 1e9, fl / med / 1e9, feed_ms);
    *ms_out = med * 1e3;
    *cpu_out = cmed * 1e3;
    free(ts); free(cpu); free(pts); free(wpos);
    gl_hw_futures_free(f);
    gl_hw_result_free(&line);
    gl_hw_free(m);
    return 0;
}

// DRAW: follow generation seed 1 to step t, then nine futures; median over
// reps at each of several steps. Returns the worst median (ms).
static int bench_draw(int reps, double *worst_out) {
    gl_draw *m = gl_draw_load(app_asset_path("draw-attention.safetensors"), 0);
    if (!m) { fprintf(stderr, "bench futures: %s\n", gl_err()); return -1; }
    gl_draw_futures *f = gl_draw_futures_new(m);
    if (!f) { fprintf(stderr, "bench futures: %s\n", gl_err()); gl_draw_free(m); return -1; }
    int T = gl_draw_cfg(m)->T;
    float *out = gl_malloc(sizeof(float) * 9 * GL_DRAW_D);
    double *ts = gl_malloc(sizeof(double) * (size_t)reps), worst = 0;
    const int steps[] = { 0, T / 4, T / 2, 3 * T / 4, T - 1 };
    printf("  DRAW (T %d, decoder %d, z %d): follow generation to step t, then 9 futures of the rest:\n   ", T,
           gl_draw_cfg(m)->dec, gl_draw_cfg(m)->z);
    for (int k = 0; k < 5; k++) {
        gl_draw_futures_opts o = { .n = 9, .scale = 1, .seed = 5 };
        for (int r = 0; r < reps; r++) {
            double a = gl_now();
            gl_draw_futures_follow(f, 1000 + (uint64_t)r, steps[k]);   // a new seed: followed from the start
            gl_draw_futures_sample(f, &o, out);
            ts[r] = gl_now() - a;
        }
        double med = median(ts, reps) * 1e3;
        if (med > worst) worst = med;
        printf(" t=%d %.2f ms", steps[k], med);
    }
    printf("\n");
    *worst_out = worst;
    free(out); free(ts);
    gl_draw_futures_free(f);
    gl_draw_free(m);
    return 0;
}

int cmd_bench_futures(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, opts, "usage: glimpse bench futures [options]\n\n"
        "The possible futures at the shipped sizes on one thread: N handwriting futures of P\n"
        "points from the middle of a line (all N as one batch through the products), and\n"
        "DRAW's 3x3 grid of futures from steps over a generation. Medians of --reps runs.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    int n = (int)app_opt_long(&a, opts, "futures"), P = (int)app_opt_long(&a, opts, "points");
    int reps = (int)app_opt_long(&a, opts, "reps");
    float bias = (float)app_opt_num(&a, opts, "bias");
    int old = openblas_get_num_threads();
    openblas_set_num_threads(1);
    printf("OpenBLAS kernels %s; vmath %s; packed kernel %s; sgemm %.1f GFLOP/s on 1 thread (1024 x 1024 x 1024)\n",
           app_bench_blas_core(), app_vmath_target_name(), gl_wpack_target(), app_bench_sgemm_rate(1));
    double pred = 0, pcpu = 0, syn = 0, scpu = 0, dw = 0;
    rc = bench_hw("handwriting-predict.safetensors", NULL, n, P, bias, reps, &pred, &pcpu);
    if (!rc)
        rc = bench_hw("handwriting-synth.safetensors", "the quick brown fox jumps over", n, P, bias, reps, &syn, &scpu);
    if (!rc) rc = bench_draw(reps, &dw);
    openblas_set_num_threads(old);
    if (rc) return 1;
    double load = -1;   // wall times include any wait for a core: the load says how busy the machine was
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) { if (fscanf(la, "%lf", &load) != 1) load = -1; fclose(la); }
    printf("targets: prediction %d x %d <= 50 ms: %.1f ms wall, %.1f ms CPU (%s); DRAW 3x3 grid from any step "
           "<= 100 ms: worst %.2f ms (%s); load average %.1f on %ld cores\n", n, P, pred, pcpu,
           pred <= 50 ? "met" : pcpu <= 50 ? "met in CPU time, not wall" : "MISSED", dw, dw <= 100 ? "met" : "MISSED",
           load, sysconf(_SC_NPROCESSORS_ONLN));
    return 0;
}
