// The handwriting networks' training loop as a gl_train session (see
// gl_train.h): the loop `glimpse train handwriting` ran, moved here so the
// Train view runs the same one.
#include "gl_train_impl.h"
#include "gl_util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    gl_hw_train_opts o;
    gl_hw_model *m;
    const gl_hw_corpus *tr, *va;
    gl_hw_trainer *par;
    int *order, *border, nb, norder;   // order: line indices, a line repeated as --rare says
    long cur_epoch;
    double ema;
    gl_meta meta;
    gl_hw_corpus aug;   // --augment: the batch's lines, mapped (texts borrowed from tr)
    int aug_cap;        // points allocated in each of aug's lines
    int *aidx;          // 0..batch: aug's lines in order
} hw_train;

double gl_hw_train_lr(const gl_hw_train_opts *o, long step) {
    if (!(o->lr_final > 0) || step <= o->decay_from) return o->lr;
    if (step >= o->decay_to || o->decay_to <= o->decay_from) return o->lr_final;
    double f = (double)(step - o->decay_from) / (double)(o->decay_to - o->decay_from);
    return o->lr * pow(o->lr_final / o->lr, f);
}

static int is_letter(unsigned char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
// The counting token of p's character: 256 + the character for a letter that ends a word (with final).
static int rare_token(const unsigned char *p, int final) {
    return final && is_letter(p[0]) && !is_letter(p[1]) ? 256 + p[0] : p[0];
}

long gl_hw_rare_copies(const gl_hw_corpus *c, long rare, int final, int max_copies, int *copies) {
    long count[512] = {0}, total = 0;
    for (int i = 0; i < c->n; i++)
        for (const unsigned char *p = (const unsigned char *)c->lines[i].text; *p; p++) count[rare_token(p, final)]++;
    for (int i = 0; i < c->n; i++) {
        long least = 0;   // the count of the line's rarest character
        for (const unsigned char *p = (const unsigned char *)c->lines[i].text; *p; p++) {
            long k = count[rare_token(p, final)];
            if (!least || k < least) least = k;
        }
        long k = 1;
        if (rare > 0 && least > 0 && least < rare) k = (rare + least - 1) / least;
        if (k > max_copies) k = max_copies;
        if (k < 1) k = 1;
        copies[i] = (int)k;
        total += k;
    }
    return total;
}

static float cut2(float v) { return v > 2 ? 2 : v < -2 ? -2 : v; }

void gl_hw_augment_draw(gl_rng *r, double s, float A[4]) {
    float a = cut2(gl_rng_normal(r)), b = cut2(gl_rng_normal(r)), c = cut2(gl_rng_normal(r));
    A[0] = (float)exp(s * a); A[1] = (float)(s * c);
    A[2] = 0;                 A[3] = (float)exp(s * b);
}

void gl_hw_augment_line(const float *src, float *dst, int n, const float mean[2], const float std[2],
                        const float A[4]) {
    for (int i = 0; i < n; i++) {
        float dx = src[3 * i] * std[0] + mean[0], dy = src[3 * i + 1] * std[1] + mean[1];
        float ex = A[0] * dx + A[1] * dy, ey = A[2] * dx + A[3] * dy;
        dst[3 * i] = (ex - mean[0]) / std[0];
        dst[3 * i + 1] = (ey - mean[1]) / std[1];
        dst[3 * i + 2] = src[3 * i + 2];
    }
}

// The batch's lines under their maps, into h->aug (lines 0..nbat).
static void hw_augment_batch(hw_train *h, const int *idx, int nbat, long step) {
    if (!h->aug.lines) {
        h->aug.lines = gl_calloc((size_t)h->o.batch, sizeof *h->aug.lines);
        h->aug.n = h->aug.cap = (int)h->o.batch;
        h->aidx = gl_malloc(sizeof(int) * (size_t)h->o.batch);
        for (int j = 0; j < h->aug.n; j++) h->aidx[j] = j;
    }
    int most = 0;
    for (int j = 0; j < nbat; j++) if (h->tr->lines[idx[j]].n > most) most = h->tr->lines[idx[j]].n;
    if (most > h->aug_cap) {
        for (int j = 0; j < h->aug.n; j++) {
            free(h->aug.lines[j].pts);
            h->aug.lines[j].pts = gl_malloc(sizeof(float) * 3 * (size_t)most);
        }
        h->aug_cap = most;
    }
    gl_rng rng;
    gl_rng_seed(&rng, (uint64_t)h->o.seed * 7919u + (uint64_t)step * 1000003u + 17u);
    for (int j = 0; j < nbat; j++) {
        const gl_hw_line *src = &h->tr->lines[idx[j]];
        gl_hw_line *d = &h->aug.lines[j];
        float A[4];
        gl_hw_augment_draw(&rng, h->o.augment, A);
        gl_hw_augment_line(src->pts, d->pts, src->n, h->m->cfg.mean, h->m->cfg.std, A);
        d->n = src->n; d->text = src->text; d->style = src->style;
    }
}

static int hw_step(gl_train *t, gl_train_report *r) {
    hw_train *h = t->impl;
    gl_hw_model *m = h->m;
    int B = (int)h->o.batch;
    // The batch order of an epoch depends only on (seed, epoch), and the
    // update count says where in it we are: a resumed run continues the
    // interrupted epoch with the very batches it would have had.
    long epoch = t->step / h->nb;
    int bi = (int)(t->step % h->nb);
    if (epoch != h->cur_epoch) {
        gl_train_epoch_order(h->border, h->nb, (uint64_t)h->o.seed, epoch);
        h->cur_epoch = epoch;
    }
    int s0 = h->border[bi] * B, nbat = h->norder - s0 < B ? h->norder - s0 : B;
    int np = 0;
    gl_params_zero_grad(&m->ps);
    const gl_hw_corpus *c = h->tr;
    const int *idx = h->order + s0;
    if (h->o.augment > 0) {
        hw_augment_batch(h, idx, nbat, t->step);
        c = &h->aug; idx = h->aidx;
    }
    gl_hw_trainer_set_jump_weight(h->par, (float)h->o.jump_weight);
    double loss =
        gl_hw_trainer_step(h->par, c, idx, nbat, (int)h->o.max_points, 1, 100.0f, 10.0f, &np); // on every core
    r->batch = nbat;
    r->points = np;
    double lr = gl_hw_train_lr(&h->o, t->step);
    r->lr = lr;
    r->epoch = (int)epoch + 1;
    r->epoch_end = bi == h->nb - 1;
    r->loss = np > 0 ? loss / np : NAN;
    if (isnan(loss)) return -2;   // a text outside the alphabet: gl_err says which
    if (!isfinite(r->loss)) return -1;
    gl_params_clip(&m->ps, 5.0f);
    gl_adam_step(&m->ps, (float)lr, 0.9f, 0.999f, 1e-8f);
    h->ema = isnan(h->ema) ? r->loss : 0.98 * h->ema + 0.02 * r->loss;
    return 0;
}

// Mean loss per point over the first n held-out lines, whole (no cut).
static int hw_eval(gl_train *t, int n, gl_train_report *r) {
    hw_train *h = t->impl;
    if (!h->va || h->va->n <= 0) return -1;
    if (n > h->va->n) n = h->va->n;
    enum { B = 16 };
    int idx[B];
    double tot = 0;
    long np = 0;
    for (int i = 0; i < n; i += B) {
        int b = n - i < B ? n - i : B, k;
        for (int j = 0; j < b; j++) idx[j] = i + j;
        gl_hw_trainer_set_jump_weight(h->par, 1);   // (no gradient here: the weight would change nothing)
        double l = gl_hw_trainer_step(h->par, h->va, idx, b, 100000, 0, 0, 0, &k);
        if (isnan(l)) return -1;
        tot += l;
        np += k;
    }
    r->eval_loss = tot / (np ? np : 1);
    return 0;
}

static int hw_checkpoint(gl_train *t, const char *path) {
    hw_train *h = t->impl;
    gl_meta ex = {0};
    for (int i = 0; i < h->meta.n; i++) gl_meta_set(&ex, h->meta.key[i], "%s", h->meta.val[i]);
    gl_train_meta_times(t, &ex);
    if (isfinite(h->ema)) gl_meta_set(&ex, "train_loss_per_point", "%.4f", h->ema);
    int rc = gl_hw_save(h->m, path, &ex, 1);
    gl_meta_free(&ex);
    return rc;
}

static void hw_free(gl_train *t) {
    hw_train *h = t->impl;
    gl_hw_trainer_free(h->par);
    free(h->order); free(h->border);
    if (h->aug.lines) {
        for (int j = 0; j < h->aug.n; j++) free(h->aug.lines[j].pts);
        free(h->aug.lines);
        free(h->aidx);
    }
    gl_meta_free(&h->meta);
    gl_hw_free(h->m);
    free(h);
}

static const gl_train_ops hw_ops = { hw_step, hw_eval, NULL, hw_checkpoint, hw_free };

gl_train *gl_hw_train_new(const gl_hw_train_opts *o, gl_hw_model *m, double prev_seconds, const gl_hw_corpus *tr,
                          const gl_hw_corpus *va, const gl_meta *meta) {
    if (tr->n < 1) { gl_seterr("no training line"); gl_hw_free(m); return NULL; }
    if (o->batch < 1) { gl_seterr("the batch must hold at least one line"); gl_hw_free(m); return NULL; }
    hw_train *h = gl_calloc(1, sizeof *h);
    h->o = *o;
    h->m = m;
    h->tr = tr; h->va = va;
    h->ema = NAN;
    h->cur_epoch = -1;
    if (meta) for (int i = 0; i < meta->n; i++) gl_meta_set(&h->meta, meta->key[i], "%s", meta->val[i]);
    // batches of similar length: sort by length, cut into batches (their order is shuffled per epoch)
    // (a line repeated for its rare characters is repeated in place: its
    // copies usually share a batch, which weighs it that much more there)
    int *copies = gl_malloc(sizeof(int) * (size_t)tr->n);
    long norder = gl_hw_rare_copies(tr, o->rare, o->rare_final, GL_HW_RARE_MAX_COPIES, copies);
    h->norder = (int)norder;
    h->order = gl_malloc(sizeof(int) * (size_t)norder);
    for (int i = 0, k = 0; i < tr->n; i++) for (int j = 0; j < copies[i]; j++) h->order[k++] = i;
    free(copies);
    for (int i = 1; i < h->norder; i++) {   // insertion sort by length (stable)
        int v = h->order[i], j = i - 1;
        while (j >= 0 && tr->lines[h->order[j]].n > tr->lines[v].n) { h->order[j + 1] = h->order[j]; j--; }
        h->order[j + 1] = v;
    }
    h->nb = (int)((h->norder + o->batch - 1) / o->batch);
    h->border = gl_malloc(sizeof(int) * (size_t)h->nb);
    h->par = gl_hw_trainer_new(h->m);
    gl_train *t = gl_train_make(&hw_ops, h, o->iters);
    t->step = h->m->ps.step;
    t->prev_seconds = prev_seconds;
    t->cpu_from = t->step;   // until gl_train_resume_times says what came before
    return t;
}

gl_hw_model *gl_hw_train_model(gl_train *t) { return ((hw_train *)t->impl)->m; }
double gl_hw_train_smoothed(gl_train *t) { return ((hw_train *)t->impl)->ema; }
gl_meta *gl_hw_train_meta(gl_train *t) { return &((hw_train *)t->impl)->meta; }
