// Cluttered-MNIST training as a gl_train session: every epoch a fresh set of
// cluttered images made from the training digits (the digits' order and each
// image's clutter depend only on (seed, epoch, index), so a resumed run makes
// the very same images), Adam with the rate decayed exponentially from lr to
// lr_final over the run after an optional linear warm-up, the gradient norm
// of the model (the probes apart) clipped to clip.
#include "gl_train_impl.h"
#include "gl_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gl_clut_train_opts o;
    const gl_mnist *tr, *te;
    int n, B;
    long per_epoch, epoch_seen;
    gl_clut *m;
    gl_clut_trainer *par;
    float *xb;
    uint8_t *yb;
    int *order;
} clut_train;

void gl_clut_train_defaults(gl_clut_train_opts *o) {
    *o = (gl_clut_train_opts){ .cfg = GL_CLUT_CONFIG_DEFAULT, .batch = 64, .epochs = 40, .seed = 1,
                               .clutter = GL_CLUT_CLUTTER, .lr = 5e-4, .lr_final = 5e-5, .clip = 1 };
}

double gl_clut_train_lr(const gl_clut_train_opts *o, long it, long total) {
    double frac = total > 0 ? (double)it / (double)total : 0;
    if (frac > 1) frac = 1;
    double lr = o->lr * pow(o->lr_final / o->lr, frac);
    if (o->warmup > 0 && it < o->warmup) lr *= (double)(it + 1) / (double)o->warmup;
    return lr;
}

// Clips the model's gradient (all but the probes) to norm c; returns the norm.
static double clip_model(gl_params *ps, double c) {
    double s = 0;
    for (int i = 0; i < ps->n; i++) {
        if (gl_clut_is_probe(&ps->p[i])) continue;
        for (size_t q = 0; q < ps->p[i].n; q++) s += (double)ps->p[i].g[q] * ps->p[i].g[q];
    }
    double norm = sqrt(s);
    if (c > 0 && norm > c) {
        float k = (float)(c / norm);
        for (int i = 0; i < ps->n; i++) {
            if (gl_clut_is_probe(&ps->p[i])) continue;
            for (size_t q = 0; q < ps->p[i].n; q++) ps->p[i].g[q] *= k;
        }
    }
    return norm;
}

void gl_clut_batch(const gl_mnist *tr, const int *idx, int B, int clutter, uint64_t seed, long epoch, float *x,
                   uint8_t *y) {
    for (int i = 0; i < B; i++) {
        gl_clut_make(x + (size_t)i * GL_CLUT_D, tr, idx[i], clutter, gl_clut_train_seed(seed, epoch, idx[i]), NULL);
        y[i] = tr->y[idx[i]];
    }
}

static int finite_grads(const gl_params *ps) {
    for (int i = 0; i < ps->n; i++)
        if (!gl_all_finite(ps->p[i].g, ps->p[i].n)) return 0;
    return 1;
}

static int clut_step(gl_train *t, gl_train_report *r) {
    clut_train *d = t->impl;
    long it = t->step, ep = it / d->per_epoch, k = it % d->per_epoch;
    int B = d->B;
    if (ep != d->epoch_seen) {
        gl_train_epoch_order(d->order, d->n, (uint64_t)d->o.seed, ep);
        d->epoch_seen = ep;
    }
    gl_clut_batch(d->tr, d->order + k * B, B, (int)d->o.clutter, (uint64_t)d->o.seed, ep, d->xb, d->yb);
    gl_params *ps = gl_clut_params(d->m);
    gl_params_zero_grad(ps);
    int hits = 0;
    double ce = gl_clut_trainer_step(d->par, d->xb, d->yb, B, 1, &hits);
    double lr = gl_clut_train_lr(&d->o, it, t->total);
    r->loss = ce;
    r->acc = (double)hits / B;
    r->lr = lr;
    r->batch = B;
    r->epoch = (int)ep + 1;
    r->epoch_end = k == d->per_epoch - 1;
    if (!isfinite(ce) || !finite_grads(ps)) return -1;
    clip_model(ps, d->o.clip);
    gl_adam_step(ps, (float)lr, 0.9f, 0.999f, 1e-8f);
    return 0;
}

static int clut_eval(gl_train *t, int n, gl_train_report *r) {
    clut_train *d = t->impl;
    if (!d->te || d->te->n <= 0) return -1;
    gl_clut_score s;
    if (gl_clut_evaluate(d->m, d->te, n, (int)d->o.clutter, t->stop, &s)) return -1;
    r->eval_loss = s.loss;
    r->eval_acc = 1 - s.err;
    return 0;
}

static int clut_checkpoint(gl_train *t, const char *path) {
    clut_train *d = t->impl;
    const gl_clut_train_opts *o = &d->o;
    gl_meta meta = {0};
    gl_train_meta_run(t, &GL_TRAIN_RUN_KEYS(o, gl_clut_cfg(d->m)->attention), &meta);
    gl_meta_set(&meta, "batch", "%ld", o->batch);
    gl_meta_set(&meta, "clutter", "%ld", o->clutter);
    int rc = gl_clut_save(d->m, path, &meta, 1);
    gl_meta_free(&meta);
    return rc;
}

static void clut_free(gl_train *t) {
    clut_train *d = t->impl;
    gl_clut_trainer_free(d->par);
    free(d->xb); free(d->yb); free(d->order);
    gl_clut_free(d->m);
    free(d);
}

static const gl_train_ops clut_ops = { clut_step, clut_eval, NULL, clut_checkpoint, clut_free };

gl_train *gl_clut_train_new(const gl_clut_train_opts *o, gl_clut *m, long start_iter, const gl_mnist *train,
                            const gl_mnist *test) {
    if (o->batch < 1) { gl_seterr("batch must be at least 1"); gl_clut_free(m); return NULL; }
    if (start_iter < 0) { gl_seterr("iteration must be at least 0"); gl_clut_free(m); return NULL; }
    int n = train->n;
    if (o->limit > 0 && o->limit < n) n = (int)o->limit;
    if (n < 2) { gl_seterr("too few training digits (%d)", n); gl_clut_free(m); return NULL; }
    int B = (int)o->batch < n ? (int)o->batch : n;
    long total = (long)(n / B) * o->epochs;
    if (start_iter > total) {
        gl_seterr("iteration %ld is outside the run's [0, %ld]", start_iter, total);
        gl_clut_free(m);
        return NULL;
    }
    if (!m && !(m = gl_clut_new(&o->cfg, (uint64_t)o->seed))) return NULL;
    clut_train *d = gl_calloc(1, sizeof *d);
    d->o = *o;
    d->tr = train; d->te = test;
    d->m = m;
    d->n = n;
    d->B = B;
    d->per_epoch = n / B;
    d->epoch_seen = -1;
    d->xb = gl_malloc(sizeof(float) * (size_t)B * GL_CLUT_D);
    d->yb = gl_malloc((size_t)B);
    d->order = gl_malloc(sizeof(int) * (size_t)n);
    d->par = gl_clut_trainer_new(m);
    gl_train *t = gl_train_make(&clut_ops, d, total);
    t->step = start_iter;
    t->cpu_from = start_iter;
    return t;
}

gl_clut *gl_clut_train_model(gl_train *t) { return ((clut_train *)t->impl)->m; }
long gl_clut_train_per_epoch(gl_train *t) { return ((clut_train *)t->impl)->per_epoch; }
