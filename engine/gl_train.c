// gl_train: the chunked run loop shared by every model (see gl_train.h).
#include "gl_train_impl.h"
#include "gl_util.h"
#include <math.h>
#include <stdlib.h>

void gl_train_epoch_order(int *order, int n, uint64_t seed, long epoch) {
    gl_rng g;
    gl_rng_seed(&g, seed * 1000003ULL + (uint64_t)epoch);
    for (int i = 0; i < n; i++) order[i] = i;
    gl_rng_shuffle(&g, order, n);
}

gl_train *gl_train_make(const gl_train_ops *ops, void *impl, long total) {
    gl_train *t = gl_calloc(1, sizeof *t);
    t->ops = ops;
    t->impl = impl;
    t->total = total;
    t->eval_n = 1000;
    t->last_loss = NAN;
    return t;
}

static int run(gl_train *t, long max_steps, const atomic_int *stop, gl_train_report_fn fn, void *user) {
    for (long k = 0; k < max_steps && t->step < t->total; k++) {
        if (stop && atomic_load_explicit(stop, memory_order_relaxed)) return 1;
        gl_train_report r = { .total = t->total, .acc = NAN, .eval_loss = NAN, .eval_acc = NAN };
        double t0 = gl_now(), c0 = gl_cpu_now();
        int rc = t->ops->step(t, &r);
        r.step_s = gl_now() - t0;
        t->run_cpu += gl_cpu_now() - c0;
        t->run_seconds += r.step_s;
        t->last_loss = r.loss;
        // A step stopped half-way (the model looks at t->stop) is not taken:
        // it is repeated, the same, when the run goes on.
        if (rc != 0 && stop && atomic_load_explicit(stop, memory_order_relaxed)) { t->abandoned++; return 1; }
        if (rc != 0) {
            if (rc != -2) gl_seterr("the loss became %g at step %ld", r.loss, t->step);
            return -1;
        }
        t->step++;
        r.step = t->step;
        int due = t->ops->eval_due ? t->ops->eval_due(t, &r) : 0;
        if (due > 0 || (due == 0 && t->eval_every > 0 && (t->step % t->eval_every == 0 || t->step == t->total))) {
            double e0 = gl_now(), c0 = gl_cpu_now();
            if (t->ops->eval(t, due > 0 ? due : t->eval_n, &r) == 0) {
                r.has_eval = 1;
                r.eval_n = due > 0 ? due : t->eval_n;
            }
            t->run_seconds += gl_now() - e0;
            t->run_cpu += gl_cpu_now() - c0;
        }
        r.seconds = gl_train_seconds(t);
        if (fn) fn(user, &r);
    }
    if (stop && atomic_load_explicit(stop, memory_order_relaxed) && t->step < t->total) return 1;
    return 0;
}

int gl_train_run(gl_train *t, long max_steps, const atomic_int *stop, gl_train_report_fn fn, void *user) {
    t->stop = stop;   // the model's long passes look at it too (steps, held-out figures)
    int rc = run(t, max_steps, stop, fn, user);
    t->stop = NULL;
    return rc;
}

long gl_train_step_no(const gl_train *t) { return t->step; }
long gl_train_total(const gl_train *t) { return t->total; }
int gl_train_done(const gl_train *t) { return t->step >= t->total; }
double gl_train_seconds(const gl_train *t) { return t->prev_seconds + t->run_seconds; }
double gl_train_last_loss(const gl_train *t) { return t->last_loss; }
long gl_train_abandoned(const gl_train *t) { return t->abandoned; }
double gl_train_cpu_seconds(const gl_train *t) { return t->prev_cpu + t->run_cpu; }

void gl_train_resume_times(gl_train *t, const gl_meta *ckpt) {
    t->prev_seconds = gl_meta_num(ckpt, "train_seconds", 0);
    t->run_seconds = t->run_cpu = 0;
    if (gl_meta_get(ckpt, "train_cpu_seconds")) {
        t->prev_cpu = gl_meta_num(ckpt, "train_cpu_seconds", 0);
        t->cpu_from = (long)gl_meta_num(ckpt, "train_cpu_seconds_from_step", 0);
    } else {   // written before CPU time was kept: counted from here on
        t->prev_cpu = 0;
        t->cpu_from = t->step;
    }
}

void gl_train_init_times(gl_train *t, const gl_meta *weights) {
    t->prev_seconds = gl_meta_num(weights, "train_seconds", 0);
    t->prev_cpu = gl_meta_num(weights, "train_cpu_seconds", 0);
    t->run_seconds = t->run_cpu = 0;
    t->cpu_from = 0;
}

void gl_train_meta_times(const gl_train *t, gl_meta *m) {
    gl_meta_set(m, "train_seconds", "%.0f", gl_train_seconds(t));
    gl_meta_set(m, "train_cpu_seconds", "%.0f", gl_train_cpu_seconds(t));
    if (t->cpu_from > 0) gl_meta_set(m, "train_cpu_seconds_from_step", "%ld", t->cpu_from);
}
void gl_train_meta_run(const gl_train *t, const gl_train_run_keys *k, gl_meta *m) {
    gl_meta_set(m, "iter", "%ld", t->step);
    gl_train_meta_times(t, m);
    gl_meta_set(m, "epochs_option", "%ld", k->epochs);
    gl_meta_set(m, "limit", "%ld", k->limit);
    gl_meta_set(m, "seed", "%ld", k->seed);
    gl_meta_set(m, "lr", "%.17g", k->lr);
    gl_meta_set(m, "lr_final", "%.17g", k->lr_final);
    gl_meta_set(m, "clip", "%.17g", k->clip);
    gl_meta_set(m, "warmup", "%ld", k->warmup);
    gl_meta_set(m, "no_attention", "%d", !k->attention);
    if (k->init_from && k->init_from[0]) gl_meta_set(m, "init_from", "%s", k->init_from);
}

void gl_train_set_eval(gl_train *t, long every, int n) {
    t->eval_every = every > 0 ? every : 0;
    if (n > 0) t->eval_n = n;
}

int gl_train_eval(gl_train *t, int n, gl_train_report *r) {
    r->eval_loss = r->eval_acc = NAN;
    if (t->ops->eval(t, n > 0 ? n : t->eval_n, r) != 0) return -1;
    r->has_eval = 1;
    r->eval_n = n > 0 ? n : t->eval_n;
    return 0;
}

int gl_train_checkpoint(gl_train *t, const char *path) { return t->ops->checkpoint(t, path); }

void gl_train_free(gl_train *t) {
    if (!t) return;
    t->ops->free(t);
    free(t);
}
