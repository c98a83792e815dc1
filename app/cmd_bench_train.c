// glimpse bench train MODEL: training throughput (forward + backward +
// update of one minibatch) at the shipped sizes and batch, on 1 and 2
// threads, beside the PyTorch twin's figure for the same work measured in
// the same run, and the GFLOP/s of the matrix products against this
// machine's sgemm rate.
#include "args.h"
#include "bench.h"
#include "cli.h"
#include "gl_attn_ws.h"
#include "gl_draw.h"
#include "gl_hw.h"
#include "gl_mnist.h"
#include "gl_nn.h"
#include "gl_wpack.h"
#include "gl_par.h"
#include "gl_progress.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gl_opt opts[] = {
    { "threads", 1, "thread counts to measure, comma-separated (default 1,2)" },
    { "steps", 1, "timed steps per thread count (default 20; the median is reported)" },
    { "key", 1, "attention: key type (default softmax)" },
    { "weights", 1, "weights file (default: the shipped one)" },
    { "points", 1, "handwriting: points per line (default 300, 32 lines)" },
    { "no-twin", 0, "skip the PyTorch twin" },
    { "data", 1, "MNIST directory (default data/mnist)" },
    { NULL, 0, NULL }
};

typedef struct {
    const char *model;
    // one training step of the model on its fixed minibatch
    double (*step)(void *ctx);
    void *ctx;
    int samples;       // samples (or points) per step
    const char *unit;  // "samples/s" or "points/s"
} bench_job;

// ---- attention -------------------------------------------------------------
typedef struct { gl_attn *m; gl_attn_trainer *t; float *x; uint8_t *y; int B; float aux; } attn_job;
static double attn_step(void *vp) {
    attn_job *j = vp;
    gl_params *ps = gl_attn_params(j->m);
    gl_params_zero_grad(ps);
    double loss = gl_attn_trainer_step(j->t, j->x, j->y, j->B, j->aux, 1, 0, NULL);
    gl_params_clip(ps, 5.0f);
    gl_adam_step(ps, 1e-5f, 0.9f, 0.999f, 1e-8f);
    return loss;
}

// ---- DRAW ------------------------------------------------------------------
typedef struct { gl_draw *m; gl_draw_trainer *t; float *x, *eps; int B; } draw_job;
static double draw_step(void *vp) {
    draw_job *j = vp;
    gl_params *ps = gl_draw_params(j->m);
    gl_params_zero_grad(ps);
    double b = gl_draw_trainer_step(j->t, j->x, j->eps, j->B, 1, NULL, NULL);
    gl_params_clip(ps, 10.0f);
    gl_adam_step(ps, 1e-5f, 0.9f, 0.999f, 1e-8f);
    return b;
}

// ---- handwriting -----------------------------------------------------------
typedef struct { gl_hw_model *m; gl_hw_trainer *t; gl_hw_corpus c; int idx[32]; int B; } hw_job;
static double hw_step(void *vp) {
    hw_job *j = vp;
    gl_params_zero_grad(&j->m->ps);
    int np;
    double l = gl_hw_trainer_step(j->t, &j->c, j->idx, j->B, 100000, 1, 100.0f, 10.0f, &np);
    gl_params_clip(&j->m->ps, 5.0f);
    gl_adam_step(&j->m->ps, 1e-5f, 0.9f, 0.999f, 1e-8f);
    return l;
}

static double median_step(bench_job *b, int steps, double *flops_per_step) {
    for (int i = 0; i < 2; i++) b->step(b->ctx);   // warm-up: workspaces, caches
    double *ts = gl_malloc(sizeof(double) * steps), fl = 0;
    for (int i = 0; i < steps; i++) {
        gl_nn_flops_reset();
        double t = gl_now();
        double l = b->step(b->ctx);
        ts[i] = gl_now() - t;
        fl = gl_nn_flops();
        if (!isfinite(l)) { fprintf(stderr, "glimpse: the loss became %g during the benchmark\n", l); free(ts); return NAN; }
    }
    double med = gl_percentile(ts, steps, 50);
    free(ts);
    *flops_per_step = fl;
    return med;
}

int cmd_bench_train(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse_pos(argc, argv, opts, "usage: glimpse bench train attention|draw|synthesis|prediction [options]\n\n"
        "Training throughput at the shipped model's sizes and batch (forward, backward,\n"
        "gradient clipping and an Adam update per step; the median of --steps steps),\n"
        "on 1 and 2 threads, beside the PyTorch twin's figure for the same work, and\n"
        "the GFLOP/s of the matrix products against the sgemm rate of this machine.", &a, 1);
    if (rc) return rc > 0 ? 0 : 2;
    if (a.npos != 1) { fprintf(stderr, "glimpse: bench train needs one model: attention, draw, synthesis or prediction\n"); return 2; }
    const char *model = a.pos[0];
    long steps, points;
    if (!gl_arg_int(&a, opts, "steps", 3, 100000, 20, &steps) || !gl_arg_int(&a, opts, "points", 10, 2000, 300, &points)) return 2;
    int tlist[8], nt = 0;
    const char *ts = gl_arg(&a, opts, "threads");
    if (!ts) { tlist[0] = 1; tlist[1] = 2; nt = 2; }
    else for (const char *p = ts; *p && nt < 8;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 16) { fprintf(stderr, "glimpse: --threads takes counts from 1 to 16, comma-separated (got '%s')\n", ts); return 2; }
        tlist[nt++] = (int)v;
        p = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') { fprintf(stderr, "glimpse: --threads takes counts from 1 to 16, comma-separated (got '%s')\n", ts); return 2; }
    }
    const char *weights = gl_arg(&a, opts, "weights");
    int twin_ok = !gl_arg(&a, opts, "no-twin");
    bench_job job = { model, NULL, NULL, 0, NULL };
    char twin_name[32] = "", twin_args[512] = "";
    attn_job aj = {0}; draw_job dj = {0}; hw_job hj = {0};
    gl_mnist tr = {0};
    gl_hw_model hm = {0};
    const char *mnist = gl_arg(&a, opts, "data");
    int status = 0;

    if (!strcmp(model, "attention")) {
        const char *key = gl_arg(&a, opts, "key") ? gl_arg(&a, opts, "key") : "softmax";
        gl_key_type k;
        if (gl_key_parse(key, &k)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 2; }
        char def[64];
        snprintf(def, sizeof def, "attention-%s.safetensors", key);
        const char *w = weights ? weights : gl_asset_path(def);
        aj.m = gl_attn_load(w);
        if (!aj.m) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        if (gl_mnist_load(mnist ? mnist : gl_mnist_dir(), "train", &tr)) { fprintf(stderr, "glimpse: %s\n", gl_err()); gl_attn_free(aj.m); return 1; }
        aj.B = gl_meta_int(gl_attn_meta(aj.m), "batch", 50);
        aj.aux = (float)gl_meta_num(gl_attn_meta(aj.m), "aux", 0.2);
        aj.x = tr.x; aj.y = tr.y;
        job.step = attn_step; job.ctx = &aj; job.samples = aj.B; job.unit = "samples/s";
        printf("attention/%s: %d cells, %zu parameters, batch %d\n", key, gl_attn_hidden(aj.m), gl_params_count(gl_attn_params(aj.m)), aj.B);
        snprintf(twin_name, sizeof twin_name, "attn_train");
        snprintf(twin_args, sizeof twin_args, "--key %s --batch %d --weights '%s'", key, aj.B, w);
    } else if (!strcmp(model, "draw")) {
        const char *w = weights ? weights : gl_asset_path("draw-attention.safetensors");
        dj.m = gl_draw_load(w, 0);
        if (!dj.m) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        if (gl_mnist_load(mnist ? mnist : gl_mnist_dir(), "train", &tr)) { fprintf(stderr, "glimpse: %s\n", gl_err()); gl_draw_free(dj.m); return 1; }
        dj.B = gl_meta_int(gl_draw_meta(dj.m), "batch", 100);
        gl_draw_binarize(tr.x, (size_t)dj.B * GL_DRAW_D, GL_DRAW_BINARIZE_SEED);
        const gl_draw_config *c = gl_draw_cfg(dj.m);
        dj.x = tr.x;
        dj.eps = gl_malloc(sizeof(float) * (size_t)c->T * dj.B * c->z);
        gl_rng r; gl_rng_seed(&r, 1);
        for (size_t i = 0; i < (size_t)c->T * dj.B * c->z; i++) dj.eps[i] = gl_rng_normal(&r);
        job.step = draw_step; job.ctx = &dj; job.samples = dj.B; job.unit = "samples/s";
        printf("draw: %s, T=%d, read %d, write %d, enc %d, dec %d, z %d; %zu parameters, batch %d\n", c->attention ? "attention" : "no attention",
               c->T, c->read_n, c->write_n, c->enc, c->dec, c->z, gl_params_count(gl_draw_params(dj.m)), dj.B);
        snprintf(twin_name, sizeof twin_name, "draw_train");
        snprintf(twin_args, sizeof twin_args, "--batch %d --weights '%s'", dj.B, w);
    } else if (!strcmp(model, "synthesis") || !strcmp(model, "prediction")) {
        int synth = !strcmp(model, "synthesis");
        const char *w = weights ? weights : gl_asset_path(synth ? "handwriting-synth.safetensors" : "handwriting-predict.safetensors");
        if (gl_hw_model_load(&hm, w, NULL, 0)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        if (synth != (hm.cfg.K > 0)) { fprintf(stderr, "glimpse: %s is a %s network\n", w, hm.cfg.K ? "synthesis" : "prediction"); gl_hw_model_free(&hm); return 2; }
        // 32 lines of `points` normalised offsets, a pen lift every ~25 points,
        // texts of points/25 characters: every point real, no padding
        hj.m = &hm; hj.B = 32;
        gl_rng r; gl_rng_seed(&r, 3);
        int U = (int)points / 25 > 0 ? (int)points / 25 : 1;
        float *pts = gl_malloc(sizeof(float) * 3 * points);
        char text[GL_HW_MAXU + 1];
        for (int b = 0; b < hj.B; b++) {
            for (int t = 0; t < points; t++) { pts[3 * t] = gl_rng_normal(&r); pts[3 * t + 1] = gl_rng_normal(&r); pts[3 * t + 2] = gl_rng_below(&r, 25) == 0; }
            for (int u = 0; u < U && u < GL_HW_MAXU; u++) text[u] = synth ? hm.cfg.alphabet[gl_rng_below(&r, (uint32_t)hm.cfg.C)] : 'a';
            text[U < GL_HW_MAXU ? U : GL_HW_MAXU] = 0;
            gl_hw_corpus_add(&hj.c, pts, (int)points, text, 0);
            hj.idx[b] = b;
        }
        free(pts);
        job.step = hw_step; job.ctx = &hj; job.samples = hj.B * (int)points; job.unit = "points/s";
        printf("%s: %d layers x %d cells, M=%d, K=%d, %zu parameters; batch %d lines x %ld points\n", model, hm.cfg.L, hm.cfg.H, hm.cfg.M, hm.cfg.K,
               gl_params_count(&hm.ps), hj.B, points);
        snprintf(twin_name, sizeof twin_name, "hw_train");
        snprintf(twin_args, sizeof twin_args, "--task %s --batch %d --points %ld --weights '%s'", synth ? "synth" : "predict", hj.B, points, w);
    } else {
        fprintf(stderr, "glimpse: unknown model '%s' (attention, draw, synthesis or prediction)\n", model);
        return 2;
    }
    printf("OpenBLAS kernels: %s; vector kernels: %s; per-step products: %s\n", gl_bench_blas_core(), gl_vmath_target_name(),
           !strcmp(gl_wpack_target(), "avx512") ? "packed weights, AVX-512" : "OpenBLAS");
    for (int i = 0; i < nt; i++) {
        int th = tlist[i];
        double rate = gl_bench_sgemm_rate(th);
        gl_par_set_threads(th);
        switch (job.step == attn_step ? 0 : job.step == draw_step ? 1 : 2) {
            case 0: aj.t = gl_attn_trainer_new(aj.m, NULL, aj.B); break;
            case 1: dj.t = gl_draw_trainer_new(dj.m); break;
            default: hj.t = gl_hw_trainer_new(&hm); break;
        }
        double fl = 0, med = median_step(&job, (int)steps, &fl);
        switch (job.step == attn_step ? 0 : job.step == draw_step ? 1 : 2) {
            case 0: gl_attn_trainer_free(aj.t); break;
            case 1: gl_draw_trainer_free(dj.t); break;
            default: gl_hw_trainer_free(hj.t); break;
        }
        if (isnan(med)) { status = 1; break; }
        double ours = job.samples / med, gf = fl / med / 1e9;
        printf("%d thread%s: sgemm %.1f GFLOP/s; one step %.2f ms (median of %ld); matrix products %.1f GFLOP/s = %.0f%% of sgemm\n",
               th, th > 1 ? "s" : "", rate, 1e3 * med, steps, gf, 100 * gf / rate);
        char why[512] = "skipped (--no-twin)";
        double twin = NAN;
        if (twin_ok) {
            const char *key = !strcmp(job.unit, "points/s") ? "points_per_s" : "samples_per_s";
            twin = gl_bench_twin(twin_name, th, twin_args, key, why, sizeof why);
        }
        char what[64];
        snprintf(what, sizeof what, "training, %d thread%s", th, th > 1 ? "s" : "");
        gl_bench_side_by_side(what, ours, twin, job.unit, 1, why);
    }
    gl_par_set_threads(0);
    if (aj.m) gl_attn_free(aj.m);
    if (dj.m) { gl_draw_free(dj.m); free(dj.eps); }
    if (hm.NY) { gl_hw_corpus_free(&hj.c); gl_hw_model_free(&hm); }
    gl_mnist_free(&tr);
    return status;
}
