// train_run: the Train view's training on its own worker (see train_run.h).
#include "train_run.h"
#include "gl_util.h"
#include "gl_attn_ws.h"
#include "resume.h"
#include "train_opts.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void train_config_defaults(train_config *c) {
    *c = (train_config){
        .model = TRAIN_ATTENTION, .lr = 0.002, .batch = 50, .seed = 1,
        .key = GL_KEY_SOFTMAX, .hidden = 64, .epochs = 2,                                  // attention
        .draw_attention = 1, .T = 16, .read_n = 2, .write_n = 5, .draw_epochs = 5,          // DRAW
        .clut_attention = 1, .clut_epochs = 2,                                              // cluttered MNIST
        .hw_task = 0, .hw_data = "hershey", .hw_layers = 1, .hw_cells = 128, .hw_lines = 2000, .hw_iters = 3000,
    };
}

const char *train_state_name(train_state s) {
    static const char *const n[] = { "idle", "loading", "training", "paused", "stopped", "done", "failed" };
    return s <= TRAIN_FAILED ? n[s] : "?";
}

static void set_state(train_run *r, train_state s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_state(train_run *r, train_state s, const char *fmt, ...) {
    pthread_mutex_lock(&r->mu);
    r->state = s;
    if (fmt) { va_list ap; va_start(ap, fmt); vsnprintf(r->msg, sizeof r->msg, fmt, ap); va_end(ap); }
    pthread_mutex_unlock(&r->mu);
}

// ---- data (the app's side: the engine's trainer borrows it) ------------------------
// Loading takes a second or more: it looks at the job's cancel flag, so
// closing the app (or Stop) does not wait for it. -1 error, 1 cancelled.
static int load_mnist(train_run *r, const atomic_int *cancel) {
    if (r->have_mnist) return 0;
    int rc = gl_mnist_load_c(gl_mnist_dir(), "train", &r->mn_train, cancel);
    if (rc != 0) return rc;
    if ((rc = gl_mnist_load_c(gl_mnist_dir(), "t10k", &r->mn_test, cancel)) != 0) {
        gl_mnist_free(&r->mn_train);
        return rc;
    }
    r->have_mnist = 1;
    return 0;
}

// DRAW trains on binarized digits, binarized once with the CLI's fixed seeds.
static int load_binarized(train_run *r, const atomic_int *cancel) {
    if (r->have_bin) return 0;
    int rc = load_mnist(r, cancel);
    if (rc != 0) return rc;
    gl_mnist *src[2] = { &r->mn_train, &r->mn_test }, *dst[2] = { &r->bin_train, &r->bin_test };
    for (int i = 0; i < 2; i++) {
        dst[i]->n = src[i]->n;
        dst[i]->x = gl_malloc((size_t)src[i]->n * 784 * sizeof(float));
        dst[i]->y = gl_malloc((size_t)src[i]->n);
        memcpy(dst[i]->y, src[i]->y, (size_t)src[i]->n);
        if (gl_draw_binarize_copy(dst[i]->x, src[i]->x, (size_t)dst[i]->n * GL_DRAW_D,
                                  GL_DRAW_BINARIZE_SEED + (uint64_t)i, cancel)) {
            gl_mnist_free(&r->bin_train); gl_mnist_free(&r->bin_test);
            return 1;
        }
    }
    r->have_bin = 1;
    return 0;
}

// ---- the session ---------------------------------------------------------------------
// A training subset (limit) views the first n digits of the loaded set.
static gl_mnist subset(const gl_mnist *d, int limit) {
    gl_mnist s = *d;
    if (limit > 0 && limit < s.n) s.n = limit;
    return s;
}

static gl_mnist g_sub_train[TRAIN_NMODEL];   // engine thread only (one run at a time)

// Handwriting: the corpus prepared as `glimpse train handwriting` prepares
// it (hw_train_data.c), a new network or the checkpoint's, whose options
// (and corpus, unless the data field names another) it continues with.
static gl_train *build_hw(train_run *r, const train_config *c) {
    gl_hw_corpus_free(&r->hw_tr);
    gl_hw_corpus_free(&r->hw_va);
    hw_train_spec *s = &r->hw_spec;
    hw_train_spec_defaults(s);
    snprintf(r->hw_data, sizeof r->hw_data, "%s", c->hw_data[0] ? c->hw_data : "hershey");
    s->synth = c->hw_task == 0;
    s->lines = c->hw_lines; s->L = c->hw_layers; s->H = c->hw_cells;
    s->batch = c->batch; s->lr = c->lr; s->seed = c->seed; s->iters = c->hw_iters;
    gl_hw_model *m = NULL;
    double secs = 0;
    int resumed = 0;
    if (c->resume[0]) {
        if (!(m = gl_hw_load(c->resume, 1))) return NULL;
        const gl_meta *meta = gl_hw_meta(m);
        resumed = 1;
        s->synth = m->cfg.K > 0;
        // each number through the range of its option (train_opts.h), as `train handwriting --resume`
        if (app_hw_spec_from_meta(meta, c->resume, s, &secs)) { gl_hw_free(m); return NULL; }
        const char *d = gl_meta_get(meta, "corpus");
        if (d && (!c->hw_data[0] || !strcmp(c->hw_data, "hershey"))) snprintf(r->hw_data, sizeof r->hw_data, "%s", d);
        if (s->iters <= m->ps.step) s->iters = m->ps.step + c->hw_iters;   // the field: updates still to make
    }
    s->data = r->hw_data;
    if (hw_train_prepare(s, &m, resumed, &r->hw_tr, &r->hw_va, NULL) != 0) {
        if (resumed) gl_hw_free(m);
        return NULL;
    }
    gl_train *t = hw_train_session(s, m, secs, &r->hw_tr, &r->hw_va);   // m is the session's now
    if (!t) return NULL;
    gl_train_set_eval(t, 50, 32);
    return t;
}

// Cluttered MNIST: the CLI's recipe (gl_clut_train_defaults), a new model
// or the checkpoint's with its options; images made on the fly from MNIST.
static gl_train *build_clut(train_run *r, const train_config *c, const atomic_int *cancel) {
    if (load_mnist(r, cancel) != 0) return NULL;
    gl_clut_train_opts o;
    gl_clut_train_defaults(&o);
    gl_clut *m = NULL;
    long it = 0;
    if (c->resume[0]) {
        if (!(m = gl_clut_load(c->resume, 1))) return NULL;
        const gl_meta *cm = gl_clut_meta(m);
        // each number through the range of its option (train_opts.h), as `train cluttered --resume`
        if (app_clut_opts_from_meta(cm, c->resume, &o, &it) || app_stored_counters_ok(cm, c->resume)) {
            gl_clut_free(m);
            return NULL;
        }
        o.cfg = *gl_clut_cfg(m);
    } else {
        o.cfg.attention = c->clut_attention;
        o.epochs = c->clut_epochs; o.batch = c->batch; o.limit = c->limit; o.seed = c->seed;
        o.lr = c->lr; o.lr_final = c->lr / 10;
    }
    gl_train *t = gl_clut_train_new(&o, m, it, &r->mn_train, &r->mn_test);
    if (t && c->resume[0]) gl_train_resume_times(t, gl_clut_meta(gl_clut_train_model(t)));
    if (t) gl_train_set_eval(t, 100, 200);
    return t;
}

static gl_train *build(train_run *r, const train_config *c, const atomic_int *cancel) {
    if (c->model == TRAIN_CLUTTERED) return build_clut(r, c, cancel);
    if (c->model == TRAIN_ATTENTION) {
        if (load_mnist(r, cancel) != 0) return NULL;
        g_sub_train[0] = subset(&r->mn_train, c->limit);
        gl_attn_train_opts o;
        gl_attn_train_defaults(&o);
        if (c->resume[0]) {   // the checkpoint's options, as `train attention --resume` takes them
            gl_st_file f;
            if (gl_st_load(c->resume, &f) != 0) return NULL;
            // each number through the range of its option (train_opts.h)
            int bad = app_attn_opts_from_meta(&f.meta, c->resume, &o) || app_stored_counters_ok(&f.meta, c->resume);
            gl_st_free(&f);
            if (bad) return NULL;
            g_sub_train[0] = subset(&r->mn_train, (int)o.limit);
        } else {
            o.key = (gl_key_type)c->key; o.hidden = c->hidden; o.epochs = c->epochs; o.batch = c->batch;
            o.lr = c->lr; o.seed = c->seed; o.limit = c->limit > 0 ? c->limit : 60000;
        }
        gl_train *t = gl_attn_train_new(&o, &g_sub_train[0], &r->mn_test);
        if (t && c->resume[0] && gl_attn_train_resume(t, c->resume) != 0) { gl_train_free(t); return NULL; }
        if (t) gl_train_set_eval(t, 100, 500);
        return t;
    }
    if (c->model == TRAIN_HANDWRITING) return build_hw(r, c);
    if (load_binarized(r, cancel) != 0) return NULL;
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    gl_draw *m = NULL;
    long it = 0;
    double secs = 0;
    int limit = c->limit;
    if (c->resume[0]) {
        if (!(m = gl_draw_load(c->resume, 1))) return NULL;
        const gl_meta *cm = gl_draw_meta(m);
        // each number through the range of its option (train_opts.h), as `train draw --resume`
        if (app_draw_opts_from_meta(cm, c->resume, &o, &it) || app_stored_counters_ok(cm, c->resume) ||
            app_stored_num(cm, c->resume, "train_seconds", 0, APP_SECONDS_MAX, &secs) < 0) {
            gl_draw_free(m);
            return NULL;
        }
        const char *bin = gl_meta_get(cm, "binarize");
        if (bin && strcmp(bin, "fixed")) {   // the view trains on the fixed sample only
            gl_seterr("%s was trained with --binarize %s: continue it with glimpse train draw --resume", c->resume,
                      bin);
            gl_draw_free(m);
            return NULL;
        }
        limit = (int)o.limit;
        o.cfg = *gl_draw_cfg(m);
    } else {
        o.cfg.attention = c->draw_attention; o.cfg.T = c->T; o.cfg.read_n = c->read_n; o.cfg.write_n = c->write_n;
        o.cfg.enc = o.cfg.dec = 256; o.cfg.z = 100;
        o.batch = o.batch_option = c->batch; o.epochs = c->draw_epochs; o.limit = c->limit; o.seed = c->seed;
        o.lr = o.lr_final = c->lr;
    }
    g_sub_train[1] = subset(&r->bin_train, limit);
    gl_train *t = gl_draw_train_new(&o, m, it, secs, &g_sub_train[1], &r->bin_test);
    if (t) gl_train_set_eval(t, 100, 200);
    return t;
}

// Per-step arrays for the whole run, made before the first step is published.
// The GUI copies them under r->mu, so they are replaced under it.
static void alloc_series(train_run *r, long total) {
    pthread_mutex_lock(&r->mu);
    free(r->x); free(r->loss); free(r->smooth); free(r->lr); free(r->acc);
    free(r->ex); free(r->eloss); free(r->eacc);
    r->run_seq++;
    r->cap = total > 0 ? total : 1;
    r->x = gl_malloc((size_t)r->cap * sizeof(float));
    r->loss = gl_malloc((size_t)r->cap * sizeof(float));
    r->smooth = gl_malloc((size_t)r->cap * sizeof(float));
    r->lr = gl_malloc((size_t)r->cap * sizeof(float));
    r->acc = gl_malloc((size_t)r->cap * sizeof(float));
    r->ecap = r->cap / 50 + 64;
    r->ex = gl_malloc((size_t)r->ecap * sizeof(float));
    r->eloss = gl_malloc((size_t)r->ecap * sizeof(float));
    r->eacc = gl_malloc((size_t)r->ecap * sizeof(float));
    atomic_store(&r->npts, 0);
    atomic_store(&r->abandoned, 0);
    atomic_store(&r->nevals, 0);
    pthread_mutex_unlock(&r->mu);
}

static void on_report(void *user, const gl_train_report *rep) {
    train_run *r = user;
    int n = atomic_load_explicit(&r->npts, memory_order_relaxed);
    r->ema = n == 0 ? rep->loss : 0.95 * r->ema + 0.05 * rep->loss;
    if (n < r->cap) {
        r->x[n] = (float)rep->step;
        r->loss[n] = (float)rep->loss;
        r->smooth[n] = (float)r->ema;
        r->lr[n] = (float)rep->lr;
        r->acc[n] = (float)rep->acc;
        atomic_store_explicit(&r->npts, n + 1, memory_order_release);
    }
    if (rep->has_eval) {
        int e = atomic_load_explicit(&r->nevals, memory_order_relaxed);
        if (e < r->ecap) {
            r->ex[e] = (float)rep->step;
            r->eloss[e] = (float)rep->eval_loss;
            r->eacc[e] = (float)rep->eval_acc;
            atomic_store_explicit(&r->nevals, e + 1, memory_order_release);
        }
    }
    double now = gl_now();
    pthread_mutex_lock(&r->mu);
    if (r->first_point_at == 0) r->first_point_at = now;
    r->seconds = rep->seconds;
    // throughput over the last second or so of wall time (evaluations and
    // probes included): samples, or pen points for handwriting
    r->rate_n += rep->points > 0 ? rep->points : rep->batch;
    if (now - r->rate_t0 >= 1.0) {
        double sps = (double)(rep->step - r->rate_s0) / (now - r->rate_t0);
        r->rate = (double)r->rate_n / (now - r->rate_t0);
        r->eta = sps > 0 ? (double)(rep->total - rep->step) / sps : 0;
        r->rate_t0 = now; r->rate_s0 = rep->step; r->rate_n = 0;
    }
    pthread_mutex_unlock(&r->mu);
}

// The model on its fixed inputs: the first test digits (attention), four
// seeds and one test digit (DRAW).
static void probe(train_run *r) {
    // The session's model (engine thread only): r->model changes as soon
    // as Start is pressed for another model, while this run still goes on.
    train_probe p = { .step = gl_train_step_no(r->t), .seconds = gl_train_seconds(r->t), .model = r->cfg.model };
    if (p.model == TRAIN_ATTENTION) {
        gl_attn *m = gl_attn_train_model(r->t);
        gl_attn_weights_changed(m);   // Adam changed them: the one-digit path's copies are stale
        p.v = gl_malloc(TRAIN_ATTN_PROBE_N * sizeof(float));
        for (int d = 0; d < TRAIN_PROBE_DIGITS; d++) {
            const float *img = r->mn_test.x + (size_t)d * 784;
            float *o = p.v + (size_t)d * (784 + 10 * 196);
            gl_attn_frame fr[GL_ATTN_STEPS];
            p.pred[d] = gl_attn_run(m, img, fr, NULL);
            memcpy(o, img, 784 * sizeof(float));
            for (int s = 0; s < GL_ATTN_STEPS; s++) memcpy(o + 784 + s * 196, fr[s].mask, 196 * sizeof(float));
        }
        p.len = TRAIN_ATTN_PROBE_N;
    } else if (p.model == TRAIN_CLUTTERED) {
        // three fixed test images searched with the current weights
        gl_clut *m = gl_clut_train_model(r->t);
        p.len = TRAIN_CLUT_PROBE_N;
        p.v = gl_calloc(TRAIN_CLUT_PROBE_N, sizeof(float));
        for (int d = 0; d < TRAIN_PROBE_DIGITS && d < r->mn_test.n; d++) {
            float *o = p.v + (size_t)d * (GL_CLUT_D + 1 + GL_CLUT_MAXT * 3);
            gl_clut_make(o, &r->mn_test, d, GL_CLUT_CLUTTER, gl_clut_test_seed(d), NULL);
            gl_clut_frame fr[GL_CLUT_MAXT];
            p.pred[d] = gl_clut_run(m, o, NULL, fr);
            int T = gl_clut_cfg(m)->T;
            o[GL_CLUT_D] = (float)T;
            for (int t = 0; t < T; t++) {
                o[GL_CLUT_D + 1 + 3 * t] = fr[t].win.gx;
                o[GL_CLUT_D + 2 + 3 * t] = fr[t].win.gy;
                o[GL_CLUT_D + 3 + 3 * t] = fr[t].win.box;
            }
        }
    } else if (p.model == TRAIN_HANDWRITING) {
        // one fixed sentence written with the current weights (synthesis;
        // prediction: unconditional points), same seed and bias each time
        gl_hw_model *m = gl_hw_train_model(r->t);
        gl_hw_sample_opts so = { .bias = 1.0f, .seed = 1, .max_steps = m->cfg.K > 0 ? 0 : TRAIN_HW_PREDICT_STEPS };
        gl_hw_result res;
        memset(&res, 0, sizeof res);
        const char *text = m->cfg.K > 0 ? TRAIN_HW_TEXT : NULL;
        int n = 0, U = 0;
        if (gl_hw_sample(m, text, &so, &res, NULL) >= 0) { n = res.n; U = text ? res.U : 0; }
        p.len = 2 + n * 3 + (U ? n * (U + 1) : 0);
        p.v = gl_malloc((size_t)p.len * sizeof(float));
        p.v[0] = (float)n; p.v[1] = (float)U;
        if (n > 0) memcpy(p.v + 2, res.pts, (size_t)n * 3 * sizeof(float));
        if (n > 0 && U > 0 && res.phi) memcpy(p.v + 2 + n * 3, res.phi, (size_t)n * (U + 1) * sizeof(float));
        else if (n > 0 && U > 0) memset(p.v + 2 + n * 3, 0, (size_t)n * (U + 1) * sizeof(float));
        gl_hw_result_free(&res);
    } else {
        gl_draw *m = gl_draw_train_model(r->t);
        p.len = TRAIN_DRAW_PROBE_N;
        p.v = gl_malloc(TRAIN_DRAW_PROBE_N * sizeof(float));
        for (int s = 0; s < TRAIN_PROBE_SAMPLES; s++)
            gl_draw_generate(m, 1000 + (uint64_t)s, NULL, NULL, p.v + (size_t)s * 784);
        float *in = p.v + (size_t)TRAIN_PROBE_SAMPLES * 784;
        memcpy(in, r->bin_test.x, 784 * sizeof(float));
        gl_draw_reconstruct(m, in, 0, NULL, NULL, in + 784);
    }
    pthread_mutex_lock(&r->mu);
    if (r->nprobes == TRAIN_PROBE_MAX) {   // full: keep every other one (the first stays)
        int k = 1;
        for (int i = 1; i < r->nprobes; i++) {
            if (i % 2) { free(r->probes[i].v); continue; }
            r->probes[k++] = r->probes[i];
        }
        r->nprobes = k;
    }
    r->probes[r->nprobes++] = p;
    r->probe_seq++;
    pthread_mutex_unlock(&r->mu);
    r->last_probe = gl_now();
}

static void do_save(train_run *r) {
    char path[1024];
    int weights_only;
    pthread_mutex_lock(&r->mu);
    snprintf(path, sizeof path, "%s", r->save_path);
    weights_only = r->save_weights_only;
    pthread_mutex_unlock(&r->mu);
    int rc;
    if (!r->t) { gl_seterr("nothing trained yet"); rc = -1; }
    else if (!weights_only) rc = gl_train_checkpoint(r->t, path);
    else if (r->model == TRAIN_ATTENTION) {
        gl_meta meta = {0};
        gl_meta_set(&meta, "train_steps", "%ld", gl_train_step_no(r->t));
        rc = gl_attn_save(gl_attn_train_model(r->t), path, &meta);
        gl_meta_free(&meta);
    } else if (r->model == TRAIN_HANDWRITING) {
        gl_meta meta = {0};
        hw_train_meta(&r->hw_spec, &meta);
        gl_meta_set(&meta, "updates", "%ld", gl_train_step_no(r->t));
        gl_train_meta_times(r->t, &meta);
        rc = gl_hw_save(gl_hw_train_model(r->t), path, &meta, 0);
        gl_meta_free(&meta);
    } else if (r->model == TRAIN_CLUTTERED) {
        gl_meta meta = {0};
        gl_meta_set(&meta, "iter", "%ld", gl_train_step_no(r->t));
        gl_train_meta_times(r->t, &meta);
        rc = gl_clut_save(gl_clut_train_model(r->t), path, &meta, 0);
        gl_meta_free(&meta);
    } else rc = gl_draw_save(gl_draw_train_model(r->t), path, NULL, 0);
    pthread_mutex_lock(&r->mu);
    if (rc == 0) {
        snprintf(r->saved, sizeof r->saved, "%s", path);
        r->saved_seq++;
        snprintf(r->msg, sizeof r->msg, "saved %s", path);
    } else snprintf(r->msg, sizeof r->msg, "cannot save %s: %s", path, gl_err());
    pthread_mutex_unlock(&r->mu);
}

typedef struct { train_run *r; int start, train; train_config cfg; } train_job;

// Probes come every 2 s at first, then further apart as the strip fills.
static double probe_interval(train_run *r) {
    int n = r->nprobes;
    return n < 100 ? 2.0 : n < 200 ? 4.0 : 8.0;
}

static int job_run(void *arg, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    train_job *j = arg;
    train_run *r = j->r;
    if (atomic_exchange(&r->want_save, 0)) do_save(r);
    if (j->start) {
        gl_train_free(r->t);
        r->t = NULL;
        pthread_mutex_lock(&r->mu);
        for (int i = 0; i < r->nprobes; i++) free(r->probes[i].v);
        r->nprobes = 0;
        r->probe_seq++;
        r->model = j->cfg.model;
        r->rate = r->eta = r->seconds = 0;
        r->first_point_at = 0;
        pthread_mutex_unlock(&r->mu);
        atomic_store(&r->npts, 0);
        atomic_store(&r->nevals, 0);
        r->cfg = j->cfg;
        r->t = build(r, &j->cfg, cancel);
        if (!r->t && gl_job_cancelled(cancel)) return 1;   // stopped while loading
        if (!r->t) { set_state(r, TRAIN_FAILED, "cannot start: %s", gl_err()); return 0; }
        alloc_series(r, gl_train_total(r->t));
        pthread_mutex_lock(&r->mu);
        r->total = gl_train_total(r->t);
        if (r->state == TRAIN_LOADING) { r->state = TRAIN_RUNNING; r->msg[0] = 0; }
        pthread_mutex_unlock(&r->mu);
        r->ema = 0;
        probe(r);   // the untrained model: where the history strip begins
    }
    if (!j->train || !r->t) return 0;
    r->rate_t0 = gl_now();
    r->rate_s0 = gl_train_step_no(r->t);
    r->rate_n = 0;
    while (!gl_train_done(r->t)) {
        if (gl_job_cancelled(cancel)) return 1;
        if (atomic_exchange(&r->want_save, 0)) do_save(r);
        if (gl_now() - r->last_probe >= probe_interval(r)) probe(r);
        int rc = gl_train_run(r->t, 1, cancel, on_report, r);
        atomic_store(&r->abandoned, gl_train_abandoned(r->t));
        if (rc < 0) { probe(r); set_state(r, TRAIN_FAILED, "%s; lower the learning rate", gl_err()); return 0; }
        if (rc > 0) return 1;
    }
    probe(r);
    set_state(r, TRAIN_DONE, "finished %ld steps in %.0f s", gl_train_step_no(r->t), gl_train_seconds(r->t));
    return 0;
}

static void submit(train_run *r, int start, int train, const train_config *cfg) {
    train_job *j = gl_calloc(1, sizeof *j);
    j->r = r; j->start = start; j->train = train;
    if (cfg) j->cfg = *cfg;
    gl_job job = { .run = job_run, .free = free, .arg = j };
    gl_engine_submit(r->engine, &job);
}

int train_run_init(train_run *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->engine = gl_engine_new();
    return r->engine ? 0 : -1;
}

void train_run_free(train_run *r) {
    gl_engine_free(r->engine);   // cancels and joins: the session is ours again
    gl_train_free(r->t);
    for (int i = 0; i < r->nprobes; i++) free(r->probes[i].v);
    free(r->x); free(r->loss); free(r->smooth); free(r->lr); free(r->acc);
    free(r->ex); free(r->eloss); free(r->eacc);
    gl_mnist_free(&r->mn_train); gl_mnist_free(&r->mn_test);
    gl_mnist_free(&r->bin_train); gl_mnist_free(&r->bin_test);
    gl_hw_corpus_free(&r->hw_tr); gl_hw_corpus_free(&r->hw_va);
    pthread_mutex_destroy(&r->mu);
}

void train_run_quit(train_run *r, int wait) {
    if (!wait) { gl_engine_quit(r->engine); return; }
    gl_engine_free(r->engine);   // joins: a save under way is finished
    r->engine = NULL;
    // A save asked for just before closing that the worker had not reached
    // (it stops before its next step): the session is ours now, so write it.
    if (atomic_exchange(&r->want_save, 0)) do_save(r);
}

void train_run_start(train_run *r, const train_config *cfg) {
    pthread_mutex_lock(&r->mu);
    r->state = TRAIN_LOADING;
    r->model = cfg->model;
    r->started_at = gl_now();
    r->first_point_at = 0;
    if (cfg->model == TRAIN_HANDWRITING)
        snprintf(r->msg, sizeof r->msg, "building the corpus (%s)", cfg->hw_data[0] ? cfg->hw_data : "hershey");
    else snprintf(r->msg, sizeof r->msg, "%s", r->have_mnist ? "building the model" : "loading MNIST");
    pthread_mutex_unlock(&r->mu);
    submit(r, 1, 1, cfg);   // a run in progress is cancelled by the engine
}

void train_run_pause(train_run *r) {
    gl_engine_stop(r->engine);
    set_state(r, TRAIN_PAUSED, "paused");
}

void train_run_resume(train_run *r) {
    set_state(r, TRAIN_RUNNING, "%s", "");
    submit(r, 0, 1, NULL);
}

void train_run_stop(train_run *r) {
    gl_engine_stop(r->engine);
    set_state(r, TRAIN_STOPPED, "stopped");
}

void train_run_save(train_run *r, const char *path, int weights_only) {
    pthread_mutex_lock(&r->mu);
    snprintf(r->save_path, sizeof r->save_path, "%s", path);
    r->save_weights_only = weights_only;
    int running = r->state == TRAIN_RUNNING || r->state == TRAIN_LOADING;
    pthread_mutex_unlock(&r->mu);
    atomic_store(&r->want_save, 1);
    if (!running) submit(r, 0, 0, NULL);   // the worker is idle: a job that only saves
}

train_state train_run_state(train_run *r) {
    pthread_mutex_lock(&r->mu);
    train_state s = r->state;
    pthread_mutex_unlock(&r->mu);
    return s;
}

int train_run_wait_idle(train_run *r, double timeout_s) { return gl_engine_wait_idle(r->engine, timeout_s); }
