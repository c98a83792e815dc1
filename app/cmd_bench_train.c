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
#include "resume.h"
#include "train_opts.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const app_opt opts[] = {
    APP_TEXT("threads", "thread counts to measure, comma-separated, each 1..16 (default 1,2)"),
    APP_INT("steps", 3, 100000, "20", "timed steps per thread count (the median is reported)"),
    APP_TEXT("key", "attention: key type (default softmax)"),
    APP_TEXT("weights", "weights file (default: the shipped one)"),
    APP_INT("points", 10, 2000, "300", "handwriting: points per line (32 lines)"),
    APP_FLAG("no-twin", "skip the PyTorch twin"),
    APP_TEXT("data", "MNIST directory (default data/mnist)"),
    APP_OPT_END
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
        if (!isfinite(l)) {
            fprintf(stderr, "glimpse: the loss became %g during the benchmark\n", l);
            free(ts);
            return NAN;
        }
    }
    double med = gl_percentile(ts, steps, 50);
    free(ts);
    *flops_per_step = fl;
    return med;
}

// What one `bench train` measures: the job, its twin, and what it holds.
typedef struct {
    app_args a;
    bench_job job;
    char twin_name[32], twin_args[512];
    attn_job aj; draw_job dj; hw_job hj;
    gl_mnist tr;
    gl_hw_model *hm;
    int tlist[8], nt;
} bench_run;

static int parse_threads(const char *ts, int *tlist, int *nt) {
    *nt = 0;
    if (!ts) { tlist[0] = 1; tlist[1] = 2; *nt = 2; return 0; }
    for (const char *p = ts; *p && *nt < 8;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 16 || (*end && *end != ',')) {
            fprintf(stderr, "glimpse: --threads takes counts from 1 to 16, comma-separated (got '%s')\n", ts);
            return -1;
        }
        tlist[(*nt)++] = (int)v;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

// The shipped weights' batch (and aux weight), read through the ranges of
// the training options that set them: a batch of 0 in a file would divide
// by zero, a negative one ask for "out of memory".
static int bench_attention(bench_run *b, const char *weights, const char *mnist) {
    const char *key = app_opt_text(&b->a, opts, "key") ? app_opt_text(&b->a, opts, "key") : "softmax";
    gl_key_type k;
    if (gl_key_parse(key, &k)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 2; }
    char def[64];
    snprintf(def, sizeof def, "attention-%s.safetensors", key);
    const char *w = weights ? weights : app_asset_path(def);
    attn_job *aj = &b->aj;
    if (!(aj->m = gl_attn_load(w))) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    double B = 50, aux = 0.2;
    const gl_meta *meta = gl_attn_meta(aj->m);
    if (app_stored_opt(meta, w, "batch", app_attn_train_table, "batch", &B) < 0 ||
        app_stored_opt(meta, w, "aux", app_attn_train_table, "aux", &aux) < 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    if (gl_mnist_load(mnist ? mnist : gl_mnist_dir(), "train", &b->tr)) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    aj->B = (int)B < b->tr.n ? (int)B : b->tr.n;
    aj->aux = (float)aux;
    aj->x = b->tr.x; aj->y = b->tr.y;
    b->job = (bench_job){ "attention", attn_step, aj, aj->B, "samples/s" };
    printf("attention/%s: %d cells, %zu parameters, batch %d\n", key, gl_attn_hidden(aj->m),
           gl_params_count(gl_attn_params(aj->m)), aj->B);
    snprintf(b->twin_name, sizeof b->twin_name, "attn_train");
    snprintf(b->twin_args, sizeof b->twin_args, "--key %s --batch %d --weights '%s'", key, aj->B, w);
    return 0;
}

static int bench_draw(bench_run *b, const char *weights, const char *mnist) {
    const char *w = weights ? weights : app_asset_path("draw-attention.safetensors");
    draw_job *dj = &b->dj;
    if (!(dj->m = gl_draw_load(w, 0))) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    double B = 100;
    if (app_stored_opt(gl_draw_meta(dj->m), w, "batch", app_draw_train_table, "batch", &B) < 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    if (gl_mnist_load(mnist ? mnist : gl_mnist_dir(), "train", &b->tr)) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    dj->B = (int)B < b->tr.n ? (int)B : b->tr.n;
    gl_draw_binarize(b->tr.x, (size_t)dj->B * GL_DRAW_D, GL_DRAW_BINARIZE_SEED);
    const gl_draw_config *c = gl_draw_cfg(dj->m);
    dj->x = b->tr.x;
    dj->eps = gl_malloc(sizeof(float) * (size_t)c->T * dj->B * c->z);
    gl_rng r; gl_rng_seed(&r, 1);
    for (size_t i = 0; i < (size_t)c->T * dj->B * c->z; i++) dj->eps[i] = gl_rng_normal(&r);
    b->job = (bench_job){ "draw", draw_step, dj, dj->B, "samples/s" };
    printf("draw: %s, T=%d, read %d, write %d, enc %d, dec %d, z %d; %zu parameters, batch %d\n",
           c->attention ? "attention" : "no attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z,
           gl_params_count(gl_draw_params(dj->m)), dj->B);
    snprintf(b->twin_name, sizeof b->twin_name, "draw_train");
    snprintf(b->twin_args, sizeof b->twin_args, "--batch %d --weights '%s'", dj->B, w);
    return 0;
}

// 32 lines of `points` normalised offsets, a pen lift every ~25 points,
// texts of points/25 characters: every point real, no padding.
static int bench_handwriting(bench_run *b, const char *model, const char *weights) {
    int synth = !strcmp(model, "synthesis");
    long points = app_opt_long(&b->a, opts, "points");
    const char *w =
        weights ? weights : app_asset_path(synth ? "handwriting-synth.safetensors" : "handwriting-predict.safetensors");
    gl_hw_model *hm = b->hm = gl_hw_load(w, 0);
    if (!hm) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    if (synth != (hm->cfg.K > 0)) {
        fprintf(stderr, "glimpse: %s is a %s network\n", w, hm->cfg.K ? "synthesis" : "prediction");
        return 2;
    }
    hw_job *hj = &b->hj;
    hj->m = hm; hj->B = 32;
    gl_rng r; gl_rng_seed(&r, 3);
    int U = (int)points / 25 > 0 ? (int)points / 25 : 1;
    float *pts = gl_malloc(sizeof(float) * 3 * points);
    char text[GL_HW_MAXU + 1];
    for (int k = 0; k < hj->B; k++) {
        for (int t = 0; t < points; t++) {
            pts[3 * t] = gl_rng_normal(&r);
            pts[3 * t + 1] = gl_rng_normal(&r);
            pts[3 * t + 2] = gl_rng_below(&r, 25) == 0;
        }
        for (int u = 0; u < U && u < GL_HW_MAXU; u++)
            text[u] = synth ? hm->cfg.alphabet[gl_rng_below(&r, (uint32_t)hm->cfg.C)] : 'a';
        text[U < GL_HW_MAXU ? U : GL_HW_MAXU] = 0;
        gl_hw_corpus_add(&hj->c, pts, (int)points, text, 0);
        hj->idx[k] = k;
    }
    free(pts);
    b->job = (bench_job){ model, hw_step, hj, hj->B * (int)points, "points/s" };
    printf("%s: %d layers x %d cells, M=%d, K=%d, %zu parameters; batch %d lines x %ld points\n", model, hm->cfg.L,
           hm->cfg.H, hm->cfg.M, hm->cfg.K, gl_params_count(&hm->ps), hj->B, points);
    snprintf(b->twin_name, sizeof b->twin_name, "hw_train");
    snprintf(b->twin_args, sizeof b->twin_args, "--task %s --batch %d --points %ld --weights '%s'",
             synth ? "synth" : "predict", hj->B, points, w);
    return 0;
}

// One thread count: our median step beside the twin's. 0, or 1 when the loss was not finite.
static int bench_threads(bench_run *b, int th, long steps, int twin_ok) {
    bench_job *job = &b->job;
    double rate = app_bench_sgemm_rate(th);
    gl_par_set_threads(th);
    int kind = job->step == attn_step ? 0 : job->step == draw_step ? 1 : 2;
    if (kind == 0) b->aj.t = gl_attn_trainer_new(b->aj.m, NULL, b->aj.B);
    else if (kind == 1) b->dj.t = gl_draw_trainer_new(b->dj.m);
    else b->hj.t = gl_hw_trainer_new(b->hm);
    double fl = 0, med = median_step(job, (int)steps, &fl);
    if (kind == 0) gl_attn_trainer_free(b->aj.t);
    else if (kind == 1) gl_draw_trainer_free(b->dj.t);
    else gl_hw_trainer_free(b->hj.t);
    if (isnan(med)) return 1;
    double ours = job->samples / med, gf = fl / med / 1e9;
    printf("%d thread%s: sgemm %.1f GFLOP/s; one step %.2f ms (median of %ld); matrix products %.1f GFLOP/s = %.0f%% "
           "of sgemm\n",
           th, th > 1 ? "s" : "", rate, 1e3 * med, steps, gf, 100 * gf / rate);
    char why[512] = "skipped (--no-twin)";
    double twin = NAN;
    if (twin_ok) {
        const char *key = !strcmp(job->unit, "points/s") ? "points_per_s" : "samples_per_s";
        twin = app_bench_twin(b->twin_name, th, b->twin_args, key, why, sizeof why);
    }
    char what[64];
    snprintf(what, sizeof what, "training, %d thread%s", th, th > 1 ? "s" : "");
    app_bench_side_by_side(what, ours, twin, job->unit, 1, why);
    return 0;
}

int cmd_bench_train(int argc, char **argv) {
    bench_run *b = gl_calloc(1, sizeof *b);
    int status = app_args_parse_pos(argc, argv, opts,
                                   "usage: glimpse bench train attention|draw|synthesis|prediction [options]\n\n"
                                   "Training throughput at the shipped model's sizes and batch (forward, backward,\n"
                                   "gradient clipping and an Adam update per step; the median of --steps steps),\n"
                                   "on 1 and 2 threads, beside the PyTorch twin's figure for the same work, and\n"
                                   "the GFLOP/s of the matrix products against the sgemm rate of this machine.",
                                   &b->a, 1);
    status = status > 0 ? -1 : status < 0 ? 2 : 0;
    if (!status && b->a.npos != 1) {
        fprintf(stderr, "glimpse: bench train needs one model: attention, draw, synthesis or prediction\n"); status = 2;
    }
    if (!status && parse_threads(app_opt_text(&b->a, opts, "threads"), b->tlist, &b->nt)) status = 2;
    const char *model = b->a.pos[0], *weights = app_opt_text(&b->a, opts, "weights"),
               *mnist = app_opt_text(&b->a, opts, "data");
    if (status) {}
    else if (!strcmp(model, "attention")) status = bench_attention(b, weights, mnist);
    else if (!strcmp(model, "draw")) status = bench_draw(b, weights, mnist);
    else if (!strcmp(model, "synthesis") || !strcmp(model, "prediction")) status = bench_handwriting(b, model, weights);
    else {
        fprintf(stderr, "glimpse: unknown model '%s' (attention, draw, synthesis or prediction)\n", model);
        status = 2;
    }
    if (!status) {
        printf("OpenBLAS kernels: %s; vector kernels: %s; per-step products: %s\n", app_bench_blas_core(),
               app_vmath_target_name(),
               !strcmp(gl_wpack_target(), "avx512")     ? "packed weights, AVX-512"
                   : !strcmp(gl_wpack_target(), "avx2") ? "packed weights, AVX2+FMA"
                                                        : "OpenBLAS");
        for (int i = 0; i < b->nt && !status; i++)
            status = bench_threads(b, b->tlist[i], app_opt_long(&b->a, opts, "steps"),
                                   !app_opt_flag(&b->a, opts, "no-twin"));
        gl_par_set_threads(0);
    }
    if (b->aj.m) gl_attn_free(b->aj.m);
    if (b->dj.m) { gl_draw_free(b->dj.m); free(b->dj.eps); }
    gl_hw_corpus_free(&b->hj.c);
    gl_hw_free(b->hm);
    gl_mnist_free(&b->tr);
    free(b);
    return status < 0 ? 0 : status;
}
