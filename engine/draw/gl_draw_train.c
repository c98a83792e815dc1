// DRAW's training loop as a gl_train session: minibatches in an order that
// depends only on (seed, epoch), reparameterisation noise only on (seed,
// iteration), Adam with the learning rate decayed exponentially from lr to
// lr_final over the whole run (or its first decay_epochs, then held),
// after an optional linear warm-up,
// gradient-norm clipping; the training images either binary once and for
// all or binarized afresh every epoch (--binarize fresh).
#include "gl_train_impl.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gl_draw_train_opts o;
    const gl_mnist *tr, *te;
    int n, B;
    long per_epoch, epoch_seen;
    gl_draw *m;
    gl_draw_trainer *par;
    float *xb, *eps;
    int *order;
} draw_train;

void gl_draw_train_defaults(gl_draw_train_opts *o) {
    memset(o, 0, sizeof *o);
    o->cfg = (gl_draw_config){ .attention = 1, .T = 64, .read_n = 2, .write_n = 5, .enc = 256, .dec = 256, .z = 100 };
    o->batch = o->batch_option = 100; o->epochs = 20; o->seed = 1;
    o->lr = o->lr_final = 1e-3; o->clip = 10;
}

void gl_draw_train_binarize(uint64_t seed, long epoch, long index, const float *grey, float *out) {
    // one stream per (seed, epoch, image), apart from the fixed sample's (the
    // seed mixes through splitmix in gl_rng_seed)
    uint64_t s = GL_DRAW_BINARIZE_SEED ^ (seed * 0x9E3779B97F4A7C15ULL);
    s += ((uint64_t)epoch + 1) * 0xD1B54A32D192ED03ULL + (uint64_t)index * 0x8CB92BA72F3D8DD7ULL;
    gl_draw_binarize_copy(out, grey, GL_DRAW_D, s, NULL);
}

static int draw_step(gl_train *t, gl_train_report *r) {
    draw_train *d = t->impl;
    const gl_draw_config *c = gl_draw_cfg(d->m);
    long it = t->step, ep = it / d->per_epoch, k = it % d->per_epoch;
    int B = d->B;
    if (ep != d->epoch_seen) {
        gl_train_epoch_order(d->order, d->n, (uint64_t)d->o.seed, ep);
        d->epoch_seen = ep;
    }
    for (int i = 0; i < B; i++) {
        long idx = d->order[k * B + i];
        const float *src = d->tr->x + (size_t)idx * GL_DRAW_D;
        float *dst = d->xb + (size_t)i * GL_DRAW_D;
        if (d->o.binarize_fresh) gl_draw_train_binarize((uint64_t)d->o.seed, ep, idx, src, dst);
        else memcpy(dst, src, sizeof(float) * GL_DRAW_D);
    }
    gl_rng er;
    gl_rng_seed(&er, (uint64_t)d->o.seed * 7919ULL + (uint64_t)it * 2654435761ULL + 17);
    for (size_t j = 0; j < (size_t)c->T * B * c->z; j++) d->eps[j] = gl_rng_normal(&er);
    gl_params *ps = gl_draw_params(d->m);
    gl_params_zero_grad(ps);
    gl_draw_set_stop(d->m, t->stop);
    double bound = gl_draw_trainer_step(d->par, d->xb, d->eps, B, 1, NULL, NULL);   // on every core
    gl_draw_set_stop(d->m, NULL);
    // exponential decay from lr to lr_final over the whole run, or over its
    // first decay_epochs and then held (resume-safe: depends on it only)
    double span = d->o.decay_epochs > 0 ? (double)d->o.decay_epochs * d->per_epoch : (double)t->total;
    double frac = (double)it / span < 1 ? (double)it / span : 1;
    double lr_it = d->o.lr * pow(d->o.lr_final / d->o.lr, frac);
    if (d->o.warmup > 0 && it < d->o.warmup) lr_it *= (double)(it + 1) / (double)d->o.warmup;
    r->loss = bound;
    r->lr = lr_it;
    r->batch = B;
    r->epoch = (int)ep + 1;
    r->epoch_end = k == d->per_epoch - 1;
    if (!isfinite(bound)) return -1;
    if (d->o.clip > 0) gl_params_clip(ps, (float)d->o.clip);
    gl_adam_step(ps, (float)lr_it, 0.9f, 0.999f, 1e-8f);
    return 0;
}

static int draw_eval(gl_train *t, int n, gl_train_report *r) {
    draw_train *d = t->impl;
    if (!d->te || d->te->n <= 0) return -1;
    if (n > d->te->n) n = d->te->n;
    gl_draw_set_stop(d->m, t->stop);
    double bound = gl_draw_bound(d->m, d->te->x, n, 12345, NULL, NULL);
    gl_draw_set_stop(d->m, NULL);
    if (!isfinite(bound) && t->stop && atomic_load(t->stop)) return -1;
    r->eval_loss = bound;
    return 0;
}

static int draw_checkpoint(gl_train *t, const char *path) {
    draw_train *d = t->impl;
    const gl_draw_train_opts *o = &d->o;
    gl_meta meta = {0};
    gl_train_meta_run(t, &GL_TRAIN_RUN_KEYS(o, gl_draw_cfg(d->m)->attention), &meta);
    gl_meta_set(&meta, "binarize", "%s", o->binarize_fresh ? "fresh" : "fixed");
    gl_meta_set(&meta, "batch", "%d", d->B);
    gl_meta_set(&meta, "batch_option", "%ld", o->batch_option);
    gl_meta_set(&meta, "decay_epochs", "%ld", o->decay_epochs > 0 ? o->decay_epochs : o->epochs);
    int rc = gl_draw_save(d->m, path, &meta, 1);
    gl_meta_free(&meta);
    return rc;
}

static void draw_free(gl_train *t) {
    draw_train *d = t->impl;
    gl_draw_trainer_free(d->par);
    free(d->xb); free(d->eps); free(d->order);
    gl_draw_free(d->m);
    free(d);
}

static const gl_train_ops draw_ops = { draw_step, draw_eval, NULL, draw_checkpoint, draw_free };

gl_train *gl_draw_train_new(const gl_draw_train_opts *o, gl_draw *m, long start_iter, double prev_seconds,
                            const gl_mnist *train, const gl_mnist *test) {
    if (train->n < 1) { gl_seterr("no training images"); gl_draw_free(m); return NULL; }
    if (o->batch < 1 || o->epochs < 1) { gl_seterr("a batch and epochs of at least 1"); gl_draw_free(m); return NULL; }
    // the iteration indexes the epoch's order and the schedule: one outside
    // the run (a damaged or edited checkpoint) must not reach them
    long B = o->batch < train->n ? o->batch : train->n, total = (train->n / B) * o->epochs;
    if (start_iter < 0 || start_iter > total) {
        gl_seterr("iteration %ld is outside the run's [0, %ld] (%ld epochs of %ld)", start_iter, total, o->epochs,
                  train->n / B);
        gl_draw_free(m);
        return NULL;
    }
    if (!m && !(m = gl_draw_new(&o->cfg, (uint64_t)o->seed))) return NULL;
    draw_train *d = gl_calloc(1, sizeof *d);
    d->o = *o;
    d->tr = train; d->te = test;
    d->m = m;
    d->n = train->n;
    d->B = (int)o->batch < d->n ? (int)o->batch : d->n;
    d->per_epoch = d->n / d->B;
    d->epoch_seen = -1;
    const gl_draw_config *c = gl_draw_cfg(m);
    d->xb = gl_malloc(sizeof(float) * (size_t)d->B * GL_DRAW_D);
    d->eps = gl_malloc(sizeof(float) * (size_t)c->T * d->B * c->z);
    d->order = gl_malloc(sizeof(int) * (size_t)d->n);
    d->par = gl_draw_trainer_new(m);
    gl_train *t = gl_train_make(&draw_ops, d, d->per_epoch * o->epochs);
    t->step = start_iter;
    t->prev_seconds = prev_seconds;
    t->cpu_from = start_iter;   // until gl_train_resume_times says what came before
    return t;
}

gl_draw *gl_draw_train_model(gl_train *t) { return ((draw_train *)t->impl)->m; }
const float *gl_draw_train_batch(const gl_train *t) { return ((const draw_train *)t->impl)->xb; }
