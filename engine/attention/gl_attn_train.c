// The attention classifier's training loop as a gl_train session: the conv
// layer pre-trained as a CNN for cnn_epochs, then the 10-step attention
// LSTM (conv fine-tuned unless fixed_conv) for epochs; Adam with the
// learning rate cosine-decayed within each stage; each digit shifted by up
// to `augment` pixels.
#include "gl_train_impl.h"
#include "gl_attn_ws.h"
#include "gl_par.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gl_attn_train_opts o;
    const gl_mnist *tr, *te;
    int N, nb;             // training digits, full batches per epoch
    long cnn_total;        // steps of the CNN stage
    gl_attn *m;
    gl_params head, all;   // the CNN head; a view of the model's and the head's tensors
    gl_attn_trainer *par;
    int *perm, cur_epoch;
    float *xb;
    uint8_t *yb;
} attn_train;

void gl_attn_train_defaults(gl_attn_train_opts *o) {
    *o = (gl_attn_train_opts){ .key = GL_KEY_SOFTMAX, .hidden = 128, .epochs = 6, .cnn_epochs = 1, .batch = 50,
                               .limit = 60000, .seed = 1, .augment = 2, .lr = 0.002, .clip = 5, .aux = 0.2 };
}

double gl_attn_accuracy(gl_attn *m, const gl_mnist *d, int n, double *loss_out) {
    if (n > d->n) n = d->n;
    int right = 0;
    double loss = 0;
    float *probs = gl_malloc((size_t)n * 10 * sizeof(float));
    gl_attn_classify(m, d->x, n, probs);   // on every core
    for (int k = 0; k < n; k++) {
        const float *p = probs + (size_t)k * 10;
        int best = 0;
        for (int c = 1; c < 10; c++) if (p[c] > p[best]) best = c;
        right += best == d->y[k];
        loss += -log(fmax(p[d->y[k]], 1e-12));
    }
    free(probs);
    if (loss_out) *loss_out = loss / n;
    return (double)right / n;
}

// dst = src translated by (dx, dy) pixels, zero fill.
static void shift_digit(const float *src, float *dst, int dx, int dy) {
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            int sx = x - dx, sy = y - dy;
            dst[y * 28 + x] = (sx < 0 || sy < 0 || sx >= 28 || sy >= 28) ? 0.0f : src[sy * 28 + sx];
        }
}

static int attn_step(gl_train *t, gl_train_report *r) {
    attn_train *a = t->impl;
    const gl_attn_train_opts *o = &a->o;
    long step = t->step, total = t->total;
    int epoch = (int)(step / a->nb), bi = (int)(step % a->nb), B = (int)o->batch;
    if (epoch != a->cur_epoch) {   // the permutation depends only on seed and epoch
        gl_train_epoch_order(a->perm, a->N, (uint64_t)o->seed, epoch);
        a->cur_epoch = epoch;
    }
    gl_rng ar;   // shifts depend only on seed and step, so a resumed run repeats them
    gl_rng_seed(&ar, (uint64_t)o->seed * 7919u + (uint64_t)step);
    for (int k = 0; k < B; k++) {
        int i = a->perm[bi * B + k];
        int dx = o->augment ? (int)gl_rng_below(&ar, (uint32_t)(2 * o->augment + 1)) - (int)o->augment : 0;
        int dy = o->augment ? (int)gl_rng_below(&ar, (uint32_t)(2 * o->augment + 1)) - (int)o->augment : 0;
        shift_digit(a->tr->x + (size_t)i * 784, a->xb + (size_t)k * 784, dx, dy);
        a->yb[k] = a->tr->y[i];
    }
    int cnn_stage = step < a->cnn_total;
    long stage_len = cnn_stage ? a->cnn_total : total - a->cnn_total,
         stage_pos = cnn_stage ? step : step - a->cnn_total;
    float lr_t = (float)(o->lr * 0.5 * (1 + cos(M_PI * (double)stage_pos / (double)stage_len)));
    gl_params_zero_grad(&a->all);
    int right = 0;
    double loss = gl_attn_trainer_step(a->par, a->xb, a->yb, B, (float)o->aux, !o->fixed_conv, cnn_stage, &right);
    r->loss = loss;
    r->lr = lr_t;
    r->batch = B;
    r->acc = (double)right / B;
    r->stage = !cnn_stage;
    r->epoch = cnn_stage ? epoch + 1 : epoch - (int)o->cnn_epochs + 1;
    r->epoch_end = bi == a->nb - 1;
    if (!isfinite(loss)) return -1;
    if (o->clip > 0) gl_params_clip(&a->all, (float)o->clip);
    gl_adam_step(&a->all, lr_t, 0.9f, 0.999f, 1e-8f);
    return 0;
}

static int attn_eval(gl_train *t, int n, gl_train_report *r) {
    attn_train *a = t->impl;
    if (!a->te || a->te->n <= 0) return -1;
    r->eval_acc = gl_attn_accuracy(a->m, a->te, n, &r->eval_loss);
    return 0;
}

// The CLI's figure at the end of each attention epoch: accuracy on 1000 test digits.
static int attn_eval_due(gl_train *t, const gl_train_report *r) {
    attn_train *a = t->impl;
    if (r->stage == 0) return -1;   // the CNN stage: the attention model is not trained yet
    return r->epoch_end && a->te ? 1000 : 0;
}

static int attn_checkpoint(gl_train *t, const char *path) {
    attn_train *a = t->impl;
    const gl_attn_train_opts *o = &a->o;
    gl_meta cm = {0};
    gl_meta_set(&cm, "key", "%s", gl_key_name(o->key));
    gl_meta_set(&cm, "hidden", "%ld", o->hidden);
    gl_meta_set(&cm, "batch", "%ld", o->batch);
    gl_meta_set(&cm, "limit", "%ld", o->limit);
    gl_meta_set(&cm, "epochs", "%ld", o->epochs);
    gl_meta_set(&cm, "cnn_epochs", "%ld", o->cnn_epochs);
    gl_meta_set(&cm, "seed", "%ld", o->seed);
    gl_meta_set(&cm, "augment", "%ld", o->augment);
    gl_meta_set(&cm, "lr", "%.17g", o->lr);
    gl_meta_set(&cm, "clip", "%.17g", o->clip);
    gl_meta_set(&cm, "aux", "%.17g", o->aux);
    gl_meta_set(&cm, "no_coords", "%d", o->no_coords);
    gl_meta_set(&cm, "fixed_conv", "%d", o->fixed_conv);
    gl_meta_set(&cm, "global_step", "%ld", t->step);
    gl_train_meta_times(t, &cm);
    int rc = gl_params_save(&a->all, path, &cm, 1);
    gl_meta_free(&cm);
    return rc;
}

static void attn_free(gl_train *t) {
    attn_train *a = t->impl;
    gl_attn_trainer_free(a->par);
    free(a->perm); free(a->xb); free(a->yb); free(a->all.p);
    gl_params_free(&a->head);
    gl_attn_free(a->m);
    free(a);
}

static const gl_train_ops attn_ops = { attn_step, attn_eval, attn_eval_due, attn_checkpoint, attn_free };

gl_train *gl_attn_train_new(const gl_attn_train_opts *o, const gl_mnist *train, const gl_mnist *test) {
    // (the callers check every option against its range: these would divide by zero or index out of bounds)
    if (o->batch < 1 || o->epochs < 0 || o->cnn_epochs < 0 || o->augment < 0 || o->hidden < 1) {
        gl_seterr("a batch and hidden size of at least 1 and no negative epochs or shift"); return NULL; }
    int N = (int)(o->limit < train->n ? o->limit : train->n);
    if (N < o->batch) { gl_seterr("%d training digits are fewer than one batch of %ld", N, o->batch); return NULL; }
    attn_train *a = gl_calloc(1, sizeof *a);
    a->o = *o;
    a->tr = train; a->te = test;
    a->N = N;
    a->nb = N / (int)o->batch;
    a->cnn_total = o->cnn_epochs * a->nb;
    a->cur_epoch = -1;
    a->m = gl_attn_new_ex(o->key, (int)o->hidden, !o->no_coords, (unsigned long)o->seed);
    gl_attn_cnn_head_init(&a->head, (unsigned long)o->seed + 1);
    // one gl_params over the model's and the head's tensors, so a checkpoint holds both
    gl_params *mp = gl_attn_params(a->m);
    a->all.cap = mp->n + a->head.n;
    a->all.p = gl_calloc((size_t)a->all.cap, sizeof(gl_param));
    for (int i = 0; i < mp->n; i++) a->all.p[a->all.n++] = mp->p[i];
    for (int i = 0; i < a->head.n; i++) a->all.p[a->all.n++] = a->head.p[i];
    a->par = gl_attn_trainer_new(a->m, &a->head, (int)o->batch);   // the batch split over the cores
    a->perm = gl_malloc((size_t)N * sizeof(int));
    a->xb = gl_malloc((size_t)o->batch * 784 * sizeof(float));
    a->yb = gl_malloc((size_t)o->batch);
    return gl_train_make(&attn_ops, a, (o->cnn_epochs + o->epochs) * a->nb);
}

int gl_attn_train_resume(gl_train *t, const char *ckpt) {
    attn_train *a = t->impl;
    gl_meta cm = {0};
    if (gl_params_load(&a->all, ckpt, &cm, 1) != 0) { gl_meta_free(&cm); return -1; }
    // the step counter indexes the epoch's order and the schedule: a value
    // outside the run (a damaged or edited file) must not reach them
    long step = 0;
    if (gl_meta_get(&cm, "global_step") && gl_meta_int_in(&cm, "global_step", 0, t->total, &step)) {
        gl_seterr("%s: %s (the run's steps)", ckpt, gl_err());
        gl_meta_free(&cm);
        return -1;
    }
    t->step = step;
    gl_train_resume_times(t, &cm);
    gl_meta_free(&cm);
    // the model's step (Adam's t) came with the file: the one-digit path's transposed copies are stale
    gl_attn_weights_changed(a->m);
    return 0;
}

gl_attn *gl_attn_train_model(gl_train *t) { return ((attn_train *)t->impl)->m; }
