// ref_dump: runs one glimpse model on fixed inputs and writes the inputs, every
// output the views and trainers use, the loss and one minibatch's parameter
// gradients to a safetensors file, for compare.py to recompute with the
// PyTorch twin (twins.py) and compare.
//
//   ref_dump attention WEIGHTS MNIST_DIR OUT   (any key type; 4 test digits)
//   ref_dump handwriting WEIGHTS OUT           (prediction or synthesis)
//   ref_dump draw WEIGHTS MNIST_DIR OUT        (with or without attention)
//   ref_dump cluttered WEIGHTS MNIST_DIR OUT [N] (with or without attention;
//                                              the first N fixed test images, default 10,000)
//
// Tensors are named "in.*" (inputs), "out.*" (outputs), "grad.NAME" (the
// gradient of parameter NAME) and "loss". Integer inputs (labels, character
// indices) are stored as F32, the only dtype glimpse's files use.
#include "attention/gl_attn_ws.h"
#include "cluttered/gl_clut.h"
#include "draw/gl_draw.h"
#include "handwriting/gl_hw.h"
#include "gl_mnist.h"
#include "gl_params.h"
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
    gl_hw_model *m = NULL;
    if (!(m = gl_hw_load(weights, 0))) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    const gl_hw_cfg *c = &m->cfg;
    int synth = c->K > 0, B = 3;
    gl_hw_corpus corp = {0};
    gl_hw_hershey_opts o;
    gl_hw_hershey_defaults(&o);
    for (int b = 0; b < B; b++)
        if (gl_hw_hershey_line(&corp, HW_TEXTS[b], &o, 100 + b)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    gl_hw_corpus_normalise(&corp, c->mean, c->std);
    int idx[3] = { 0, 1, 2 };
    gl_hw_ws ws = {0};
    if (gl_hw_ws_fill(&ws, m, &corp, idx, B, HW_MAXT)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    dump d = {0};
    gl_meta meta = {0};
    int T = ws.T, Um = ws.Umax, NY = m->NY;
    put(&d, "in.x", ws.x, 3, T, B, 3, 0);
    put(&d, "in.target", ws.tgt, 3, T, B, 3, 0);
    put(&d, "in.mask", ws.mask, 2, T, B, 0, 0);
    if (synth) {
        float *ch = put(&d, "in.chars", NULL, 2, B, Um, 0, 0), *U = put(&d, "in.U", NULL, 1, B, 0, 0, 0);
        for (int b = 0; b < B; b++) { U[b] = (float)ws.U[b]; for (int u = 0; u < Um; u++) ch[b * Um + u] = (float)ws.chars[b * Um + u]; }
    }
    int np;
    double loss = gl_hw_forward(m, &ws, &np);
    put(&d, "out.y", ws.y, 3, T, B, NY, 0);
    if (synth) {
        put(&d, "out.phi", ws.phi, 3, T, B, Um + 1, 0);
        put(&d, "out.kappa", ws.kappa, 3, T, B, c->K, 0);
        put(&d, "out.w", ws.w, 3, T, B, c->C, 0);
    }
    put_scalar(&d, "loss", loss);
    put_scalar(&d, "in.npoints", np);
    gl_params_zero_grad(&m->ps);
    gl_hw_backward(m, &ws, 1.0f / (float)np, 100.0f, 10.0f);   // as the trainer calls it
    put_grads(&d, &m->ps);
    gl_hw_ws_free(&ws);
    gl_hw_corpus_free(&corp);

    // generation, bias 0.5, fixed seed; 60 steps at most
    const char *text = "glimpse";
    gl_hw_sample_opts so = {0};
    so.weights = GL_HW_FP32;   // the twin computes in floats: compare the float path
    so.bias = 0.5f; so.seed = 7; so.max_steps = 60;
    gl_hw_result res;
    gl_trace *tr = gl_hw_trace_new(m, synth ? text : NULL, &so);
    if (gl_hw_sample(m, synth ? text : NULL, &so, &res, tr) < 0) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
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
    gl_hw_free(m);
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

// ---- cluttered MNIST: the generator, checked image by image (a checksum of
// every fixed test image's float bits and the digit's place); 4 fixed test
// images through the training pass (probabilities after every glimpse,
// windows, loss, gradients); the one-image path of the view (gl_clut_run);
// and the whole test set: every image's probabilities and windows from a
// forward in batches of 100 on one thread, and gl_clut_evaluate's figures
// (what `glimpse eval cluttered` prints).
#define CLUT_B 4
// Σ_i bits(img[i])·w_i mod 2^32 with odd weights w_i: any single changed
// float changes it. Stored as two 16-bit halves (exact in F32).
static uint32_t clut_checksum(const float *img) {
    uint32_t h = 0;
    for (uint64_t i = 0; i < GL_CLUT_D; i++) {
        uint32_t bits;
        memcpy(&bits, &img[i], 4);
        uint32_t w = (uint32_t)(((i + 1) * 0x9E3779B97F4A7C15ULL) >> 32) | 1u;
        h += bits * w;
    }
    return h;
}

static void put_windows(float *dst, const gl_clut_window *w, int n) {
    for (int k = 0; k < n; k++) {
        float *o = dst + (size_t)k * 6;
        o[0] = w[k].gx; o[1] = w[k].gy; o[2] = w[k].delta; o[3] = w[k].sigma2; o[4] = w[k].gamma; o[5] = w[k].box;
    }
}

static int dump_cluttered(const char *weights, const char *mnist, const char *out, int n) {
    gl_clut *m = gl_clut_load(weights, 0);
    if (!m) { fprintf(stderr, "ref_dump: %s\n", gl_err()); return 1; }
    gl_mnist te;
    if (gl_mnist_load(mnist, "t10k", &te)) { fprintf(stderr, "ref_dump: %s\n", gl_err()); gl_clut_free(m); return 1; }
    if (n > te.n) n = te.n;
    const gl_clut_config *c = gl_clut_cfg(m);
    int T = c->T, N = c->N, H = c->hidden, Bmax = 100;
    dump d = {0};
    gl_meta meta = {0};
    float *img = gl_malloc(sizeof(float) * (size_t)Bmax * GL_CLUT_D);
    uint8_t y[100];
    gl_clut_window *w = gl_malloc(sizeof *w * (size_t)T * Bmax);
    // the training pass on the first 4 fixed test images
    float lab[CLUT_B];
    for (int b = 0; b < CLUT_B; b++) {
        gl_clut_make(img + (size_t)b * GL_CLUT_D, &te, b, GL_CLUT_CLUTTER, gl_clut_test_seed(b), NULL);
        y[b] = te.y[b]; lab[b] = te.y[b];
    }
    put(&d, "in.img", img, 2, CLUT_B, GL_CLUT_D, 0, 0);
    put(&d, "in.labels", lab, 1, CLUT_B, 0, 0, 0);
    double loss = gl_clut_forward(m, img, y, CLUT_B, NULL);
    put(&d, "out.probs", gl_clut_probs(m), 3, T, CLUT_B, GL_CLUT_CLASSES, 0);
    gl_clut_windows(m, w);
    put_windows(put(&d, "out.windows", NULL, 3, T, CLUT_B, 6, 0), w, T * CLUT_B);
    put_scalar(&d, "loss", loss);
    gl_params_zero_grad(gl_clut_params(m));
    gl_clut_backward(m);
    put_grads(&d, gl_clut_params(m));
    // the view's path: image 0 alone
    gl_clut_frame fr[GL_CLUT_MAXT];
    gl_clut_run(m, img, NULL, fr);
    float *rw = put(&d, "out.run_windows", NULL, 2, T, 6, 0, 0);
    float *rp = put(&d, "out.run_patch", NULL, 2, T, N * N, 0, 0);
    float *rq = put(&d, "out.run_probs", NULL, 2, T, GL_CLUT_CLASSES, 0, 0);
    int nh = H < GL_CLUT_FRAME_H ? H : GL_CLUT_FRAME_H;
    float *rh = put(&d, "out.run_h", NULL, 2, T, nh, 0, 0);
    for (int t = 0; t < T; t++) {
        put_windows(rw + t * 6, &fr[t].win, 1);
        memcpy(rp + (size_t)t * N * N, fr[t].patch, sizeof(float) * (size_t)N * N);
        memcpy(rq + (size_t)t * GL_CLUT_CLASSES, fr[t].prob, sizeof fr[t].prob);
        memcpy(rh + (size_t)t * nh, fr[t].h, sizeof(float) * (size_t)nh);
    }
    // every fixed test image: checksum, place, probabilities and windows
    float *hash = put(&d, "out.gen_checksum", NULL, 2, n, 2, 0, 0);
    float *place = put(&d, "out.gen_place", NULL, 2, n, 2, 0, 0);
    float *ep = put(&d, "out.eval_probs", NULL, 3, T, n, GL_CLUT_CLASSES, 0);
    float *ew = put(&d, "out.eval_windows", NULL, 3, T, n, 6, 0);
    for (int lo = 0; lo < n; lo += Bmax) {
        int B = n - lo < Bmax ? n - lo : Bmax;
        for (int i = 0; i < B; i++) {
            gl_clut_place pl;
            float *x = img + (size_t)i * GL_CLUT_D;
            gl_clut_make(x, &te, lo + i, GL_CLUT_CLUTTER, gl_clut_test_seed(lo + i), &pl);
            uint32_t h = clut_checksum(x);
            hash[2 * (lo + i)] = (float)(h >> 16);
            hash[2 * (lo + i) + 1] = (float)(h & 0xFFFF);
            place[2 * (lo + i)] = pl.cx;
            place[2 * (lo + i) + 1] = pl.cy;
        }
        gl_clut_forward(m, img, NULL, B, NULL);
        gl_clut_windows(m, w);
        const float *pr = gl_clut_probs(m);
        for (int t = 0; t < T; t++) {
            memcpy(ep + ((size_t)t * n + lo) * GL_CLUT_CLASSES, pr + (size_t)t * B * GL_CLUT_CLASSES,
                   sizeof(float) * (size_t)B * GL_CLUT_CLASSES);
            put_windows(ew + ((size_t)t * n + lo) * 6, w + (size_t)t * B, B);
        }
    }
    // what `glimpse eval cluttered` prints (the trainer's replicas, every core)
    gl_clut_score s;
    if (gl_clut_evaluate(m, &te, n, GL_CLUT_CLUTTER, NULL, &s)) {
        fprintf(stderr, "ref_dump: %s\n", gl_err());
        return 1;
    }
    put_scalar(&d, "out.eval_err", s.err);
    put_scalar(&d, "out.eval_loss", s.loss);
    put_scalar(&d, "out.eval_found", s.found);
    put_scalar(&d, "out.eval_box_median", s.box_median);
    float et[GL_CLUT_MAXT], bt[GL_CLUT_MAXT];
    for (int t = 0; t < T; t++) { et[t] = (float)s.err_t[t]; bt[t] = (float)s.box_t[t]; }
    put(&d, "out.eval_err_t", et, 1, T, 0, 0, 0);
    put(&d, "out.eval_box_t", bt, 1, T, 0, 0, 0);
    float *yl = put(&d, "in.eval_labels", NULL, 1, n, 0, 0, 0);
    for (int k = 0; k < n; k++) yl[k] = te.y[k];
    gl_meta_set(&meta, "model", "cluttered");
    gl_meta_set(&meta, "images", "%d", n);
    free(img);
    free(w);
    gl_clut_free(m);
    gl_mnist_free(&te);
    return finish(&d, out, &meta);
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "attention")) return dump_attention(argv[2], argv[3], argv[4]);
    if (argc == 4 && !strcmp(argv[1], "handwriting")) return dump_handwriting(argv[2], argv[3]);
    if (argc == 5 && !strcmp(argv[1], "draw")) return dump_draw(argv[2], argv[3], argv[4]);
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "cluttered")) {
        char *end = NULL;
        long n = argc == 6 ? strtol(argv[5], &end, 10) : 10000;
        if (argc == 6 && (*end || n < 1 || n > 10000)) {
            fprintf(stderr, "ref_dump: N must be in [1, 10000]\n");
            return 2;
        }
        return dump_cluttered(argv[2], argv[3], argv[4], (int)n);
    }
    fprintf(stderr, "usage: ref_dump attention WEIGHTS MNIST_DIR OUT | handwriting WEIGHTS OUT | draw WEIGHTS MNIST_DIR"
                    " OUT | cluttered WEIGHTS MNIST_DIR OUT [N]\n");
    return 2;
}
