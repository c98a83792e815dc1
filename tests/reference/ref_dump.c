// ref_dump: runs one glimpse model on fixed inputs and writes the inputs, every
// output the views and trainers use, the loss and one minibatch's parameter
// gradients to a safetensors file, for compare.py to recompute with the
// PyTorch twin (twins.py) and compare.
//
//   ref_dump attention WEIGHTS MNIST_DIR OUT   (any key type; 4 test digits)
//   ref_dump handwriting WEIGHTS OUT           (prediction or synthesis)
//   ref_dump draw WEIGHTS MNIST_DIR OUT        (with or without attention)
//
// Tensors are named "in.*" (inputs), "out.*" (outputs), "grad.NAME" (the
// gradient of parameter NAME) and "loss". Integer inputs (labels, character
// indices) are stored as F32, the only dtype glimpse's files use.
#include "attention/gl_attn_ws.h"
#include "draw/gl_draw.h"
#include "handwriting/gl_hw.h"
#include "gl_mnist.h"
#include "gl_st.h"
#include "gl_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int n; gl_st_tensor t[256]; } dump;

static float *put(dump *d, const char *name, const float *src, int ndim, int d0, int d1, int d2, int d3) {
    if (d->n == 256) { fprintf(stderr, "ref_dump: too many tensors\n"); exit(1); }
    gl_st_tensor *t = &d->t[d->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    int dims[4] = { d0, d1, d2, d3 };
    t->ndim = ndim; t->n = 1;
    for (int i = 0; i < ndim; i++) { t->shape[i] = dims[i]; t->n *= (size_t)dims[i]; }
    t->data = gl_malloc(t->n * sizeof(float));
    if (src) memcpy(t->data, src, t->n * sizeof(float));
    else memset(t->data, 0, t->n * sizeof(float));
    return t->data;
}
static void put_scalar(dump *d, const char *name, double v) { float f = (float)v; put(d, name, &f, 1, 1, 0, 0, 0); }

static void put_grads(dump *d, const gl_params *ps) {
    for (int i = 0; i < ps->n; i++) {
        const gl_param *p = &ps->p[i];
        char nm[96];
        snprintf(nm, sizeof nm, "grad.%s", p->name);
        put(d, nm, p->g, p->ndim, p->shape[0], p->shape[1], p->shape[2], p->shape[3]);
    }
}

static int finish(dump *d, const char *out, gl_meta *meta) {
    int rc = gl_st_save(out, d->t, d->n, meta);
    if (rc) fprintf(stderr, "ref_dump: %s\n", gl_err());
    for (int i = 0; i < d->n; i++) free(d->t[i].data);
    gl_meta_free(meta);
    return rc ? 1 : 0;
}

// ---- attention: 4 test digits through the batched forward (masks, per-step
// class probabilities), the one-digit path (gl_attn_run), and the training
// loss and gradients as the trainer computes them (aux 0.2, conv trained).
#define ATT_B 4
static int dump_attention(const char *weights, const char *mnist, const char *out) {
    gl_attn *m = gl_attn_load(weights);
    if (!m) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    gl_mnist te;
    if (gl_mnist_load(mnist, "t10k", &te)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); gl_attn_free(m); return 1; }
    dump d = {0};
    gl_meta meta = {0};
    const float *img = te.x;   // digits 0..3 of the test set: 7, 2, 1, 0
    uint8_t labels[ATT_B];
    float lab[ATT_B];
    for (int b = 0; b < ATT_B; b++) { labels[b] = te.y[b]; lab[b] = te.y[b]; }
    put(&d, "in.img", img, 2, ATT_B, 784, 0, 0);
    put(&d, "in.labels", lab, 1, ATT_B, 0, 0, 0);
    gl_attn_ws *w = gl_attn_ws_new(m, ATT_B);
    gl_attn_forward(m, w, img, ATT_B);
    put(&d, "out.mask", w->mask, 3, GL_ATTN_STEPS, ATT_B, GL_ATTN_LOC, 0);
    put(&d, "out.probs", w->probs, 3, GL_ATTN_STEPS, ATT_B, 10, 0);
    gl_params_zero_grad(gl_attn_params(m));
    double loss = gl_attn_backward(m, w, labels, ATT_B, 0.2f, 1);
    put_scalar(&d, "loss", loss);
    put_scalar(&d, "in.aux", 0.2);
    put_grads(&d, gl_attn_params(m));
    // the single-digit path the GUI uses
    gl_attn_frame fr[GL_ATTN_STEPS];
    float vs[GL_ATTN_LOC];
    gl_attn_run(m, img, fr, vs);
    float *rm = put(&d, "out.run_mask", NULL, 2, GL_ATTN_STEPS, GL_ATTN_LOC, 0, 0);
    float *rp = put(&d, "out.run_probs", NULL, 2, GL_ATTN_STEPS, 10, 0, 0);
    for (int t = 0; t < GL_ATTN_STEPS; t++) {
        memcpy(rm + t * GL_ATTN_LOC, fr[t].mask, sizeof fr[t].mask);
        memcpy(rp + t * 10, fr[t].probs, sizeof fr[t].probs);
    }
    put(&d, "out.run_volume_sum", vs, 1, GL_ATTN_LOC, 0, 0, 0);
    gl_meta_set(&meta, "model", "attention");
    gl_attn_ws_free(w);
    gl_attn_free(m);
    gl_mnist_free(&te);
    return finish(&d, out, &meta);
}

// ---- handwriting: three Hershey-rendered lines (normalised by the model's
// statistics) through the training forward/backward (raw outputs, window),
// and one sampled line (biased) through the step-by-step generator, whose
// per-step mixture, φ and κ the twin recomputes by feeding back the samples.
static const char *HW_TEXTS[3] = { "a quick fox", "ink, in lines.", "we write" };
#define HW_MAXT 120

static int dump_handwriting(const char *weights, const char *out) {
    gl_hw_model m;
    if (gl_hw_model_load(&m, weights, NULL, 0)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    const gl_hw_cfg *c = &m.cfg;
    int synth = c->K > 0, B = 3;
    gl_hw_corpus corp = {0};
    gl_hw_hershey_opts o;
    gl_hw_hershey_defaults(&o);
    for (int b = 0; b < B; b++)
        if (gl_hw_hershey_line(&corp, HW_TEXTS[b], &o, 100 + b)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    gl_hw_corpus_normalise(&corp, c->mean, c->std);
    int idx[3] = { 0, 1, 2 };
    gl_hw_ws ws = {0};
    if (gl_hw_ws_fill(&ws, &m, &corp, idx, B, HW_MAXT)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    dump d = {0};
    gl_meta meta = {0};
    int T = ws.T, Um = ws.Umax, NY = m.NY;
    put(&d, "in.x", ws.x, 3, T, B, 3, 0);
    put(&d, "in.target", ws.tgt, 3, T, B, 3, 0);
    put(&d, "in.mask", ws.mask, 2, T, B, 0, 0);
    if (synth) {
        float *ch = put(&d, "in.chars", NULL, 2, B, Um, 0, 0), *U = put(&d, "in.U", NULL, 1, B, 0, 0, 0);
        for (int b = 0; b < B; b++) { U[b] = (float)ws.U[b]; for (int u = 0; u < Um; u++) ch[b * Um + u] = (float)ws.chars[b * Um + u]; }
    }
    int np;
    double loss = gl_hw_forward(&m, &ws, &np);
    put(&d, "out.y", ws.y, 3, T, B, NY, 0);
    if (synth) {
        put(&d, "out.phi", ws.phi, 3, T, B, Um + 1, 0);
        put(&d, "out.kappa", ws.kappa, 3, T, B, c->K, 0);
        put(&d, "out.w", ws.w, 3, T, B, c->C, 0);
    }
    put_scalar(&d, "loss", loss);
    put_scalar(&d, "in.npoints", np);
    gl_params_zero_grad(&m.ps);
    gl_hw_backward(&m, &ws, 1.0f / (float)np, 100.0f, 10.0f);   // as the trainer calls it
    put_grads(&d, &m.ps);
    gl_hw_ws_free(&ws);
    gl_hw_corpus_free(&corp);

    // generation, bias 0.5, fixed seed; 60 steps at most
    const char *text = "glimpse";
    gl_hw_sample_opts so = {0};
    so.weights = GL_HW_FP32;   // the twin computes in floats: compare the float path
    so.bias = 0.5f; so.seed = 7; so.max_steps = 60;
    gl_hw_result res;
    gl_trace *tr = gl_hw_trace_new(&m, synth ? text : NULL, &so);
    if (gl_hw_sample(&m, synth ? text : NULL, &so, &res, tr) < 0) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    int n = gl_trace_count(tr), M = c->M, K = c->K, U = res.U;
    put_scalar(&d, "in.gen_bias", so.bias);
    float *gx = put(&d, "in.gen_x", NULL, 2, n, 3, 0, 0);   // normalised inputs of steps 0..n−1
    float *pe = put(&d, "out.gen_e", NULL, 1, n, 0, 0, 0);
    float *ppi = put(&d, "out.gen_pi", NULL, 2, n, M, 0, 0);
    float *pmu = put(&d, "out.gen_mu", NULL, 3, n, M, 2, 0);
    float *psg = put(&d, "out.gen_sigma", NULL, 3, n, M, 2, 0);
    float *prh = put(&d, "out.gen_rho", NULL, 2, n, M, 0, 0);
    float *pph = synth ? put(&d, "out.gen_phi", NULL, 2, n, U + 1, 0, 0) : NULL;
    float *pka = synth ? put(&d, "out.gen_kappa", NULL, 2, n, K, 0, 0) : NULL;
    for (int t = 0; t < n; t++) {
        const gl_hw_frame *f = gl_trace_frame(tr, t);
        if (t == 0) { gx[0] = 0; gx[1] = 0; gx[2] = 1; }
        else {
            const float *p = res.pts + 3 * (t - 1);
            gx[3 * t] = (p[0] - c->mean[0]) / c->std[0];
            gx[3 * t + 1] = (p[1] - c->mean[1]) / c->std[1];
            gx[3 * t + 2] = p[2];
        }
        pe[t] = f->e;
        for (int k = 0; k < M; k++) {
            ppi[t * M + k] = f->pi[k]; prh[t * M + k] = f->rho[k];
            for (int j = 0; j < 2; j++) { pmu[(t * M + k) * 2 + j] = f->mu[k][j]; psg[(t * M + k) * 2 + j] = f->sigma[k][j]; }
        }
        if (synth) { memcpy(pph + (size_t)t * (U + 1), f->phi, sizeof(float) * (U + 1)); memcpy(pka + (size_t)t * K, f->kappa, sizeof(float) * K); }
    }
    if (synth) {
        float *gc = put(&d, "in.gen_chars", NULL, 1, U, 0, 0, 0);
        int ci[GL_HW_MAXU];
        gl_hw_encode(c, text, ci);
        for (int u = 0; u < U; u++) gc[u] = (float)ci[u];
    }
    gl_trace_release(tr);
    gl_hw_result_free(&res);
    gl_meta_set(&meta, "model", "handwriting");
    gl_hw_model_free(&m);
    return finish(&d, out, &meta);
}

// ---- DRAW: 4 binarized test digits with fixed noise through the training
// pass (bound, its two terms, c_T, gradients), one reconstruction (z = μ)
// and one generation, each with the canvas σ(c_t) and windows of every step.
#define DRAW_B 4
static void put_frames(dump *d, const char *pre, gl_trace *tr) {
    int n = gl_trace_count(tr);
    char nm[96];
    snprintf(nm, sizeof nm, "out.%s_canvas", pre);
    float *cv = put(d, nm, NULL, 2, n, GL_DRAW_D, 0, 0);
    snprintf(nm, sizeof nm, "out.%s_read", pre);
    float *rd = put(d, nm, NULL, 2, n, 5, 0, 0);
    snprintf(nm, sizeof nm, "out.%s_write", pre);
    float *wr = put(d, nm, NULL, 2, n, 5, 0, 0);
    for (int t = 0; t < n; t++) {
        const gl_draw_frame *f = gl_trace_frame(tr, t);
        memcpy(cv + (size_t)t * GL_DRAW_D, f->canvas, sizeof f->canvas);
        const gl_draw_window *ws[2] = { &f->read, &f->write };
        float *dst[2] = { rd + t * 5, wr + t * 5 };
        for (int k = 0; k < 2; k++) { dst[k][0] = ws[k]->gx; dst[k][1] = ws[k]->gy; dst[k][2] = ws[k]->delta; dst[k][3] = ws[k]->sigma2; dst[k][4] = ws[k]->gamma; }
    }
}

static int dump_draw(const char *weights, const char *mnist, const char *out) {
    gl_draw *m = gl_draw_load(weights, 0);
    if (!m) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    gl_mnist te;
    if (gl_mnist_load(mnist, "t10k", &te)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); gl_draw_free(m); return 1; }
    te.n = DRAW_B;
    gl_draw_binarize(te.x, (size_t)DRAW_B * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + 1);
    const gl_draw_config *c = gl_draw_cfg(m);
    int T = c->T, Z = c->z;
    dump d = {0};
    gl_meta meta = {0};
    gl_rng r;
    gl_rng_seed(&r, 99);
    float *eps = put(&d, "in.eps", NULL, 3, T, DRAW_B, Z, 0);
    for (int k = 0; k < T * DRAW_B * Z; k++) eps[k] = gl_rng_normal(&r);
    put(&d, "in.x", te.x, 2, DRAW_B, GL_DRAW_D, 0, 0);
    double rec, kl;
    double bound = gl_draw_forward(m, te.x, eps, DRAW_B, &rec, &kl);
    put_scalar(&d, "loss", bound);
    put_scalar(&d, "out.recon", rec);
    put_scalar(&d, "out.kl", kl);
    put(&d, "out.canvas_T", gl_draw_canvas(m), 2, DRAW_B, GL_DRAW_D, 0, 0);
    gl_params_zero_grad(gl_draw_params(m));
    gl_draw_backward(m);
    put_grads(&d, gl_draw_params(m));
    // reconstruction of digit 0 (z_t = μ_t) and generation from seed 5
    gl_trace *tr = gl_draw_trace_new(m);
    gl_draw_reconstruct(m, te.x, 0, tr, NULL, NULL);
    put_frames(&d, "rec", tr);
    gl_trace_release(tr);
    tr = gl_draw_trace_new(m);
    gl_draw_generate(m, 5, tr, NULL, NULL);
    put_frames(&d, "gen", tr);
    gl_trace_release(tr);
    // the prior noise gl_draw_generate drew (same generator, same order)
    float *gz = put(&d, "in.gen_z", NULL, 2, T, Z, 0, 0);
    gl_rng_seed(&r, 5);
    for (int k = 0; k < T * Z; k++) gz[k] = gl_rng_normal(&r);
    gl_meta_set(&meta, "model", "draw");
    gl_draw_free(m);
    gl_mnist_free(&te);
    return finish(&d, out, &meta);
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "attention")) return dump_attention(argv[2], argv[3], argv[4]);
    if (argc == 4 && !strcmp(argv[1], "handwriting")) return dump_handwriting(argv[2], argv[3]);
    if (argc == 5 && !strcmp(argv[1], "draw")) return dump_draw(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: ref_dump attention WEIGHTS MNIST_DIR OUT | handwriting WEIGHTS OUT | draw WEIGHTS MNIST_DIR OUT\n");
    return 2;
}
