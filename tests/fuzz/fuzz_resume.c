// Resume: a checkpoint's metadata -> the trainer's setup, for each model.
// The first byte picks the model (attention, DRAW, handwriting); the rest is
// metadata, one key=value a line. The options go through the ranges of the
// training commands' tables (app/train_opts.c: what --resume and the Train
// view use); options they accept build a session on a few synthetic samples,
// which takes the step counter from the metadata (attention: from a real
// checkpoint file carrying it) and runs two steps. Sizes past what a
// harness can run fast (a batch over 64, hidden sizes over 32) are checked
// but not built: the ranges are what is fuzzed, then the setup they allow.
#include "fuzz_util.h"
#include "resume.h"
#include "train_opts.h"
#include "gl_util.h"
#include <string.h>

static void meta_of(const uint8_t *data, size_t size, gl_meta *m) {
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = 0;
    for (char *line = buf; line && *line && m->n < GL_META_MAX - 1;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        char *eq = strchr(line, '=');
        if (eq) { *eq = 0; gl_meta_set(m, line, "%s", eq + 1); }
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
}

// n synthetic digits (labels 0..9), the same every run
static void digits(gl_mnist *d, int n) {
    memset(d, 0, sizeof *d);
    d->n = n;
    d->x = gl_malloc(sizeof(float) * 784 * n);
    d->y = gl_malloc((size_t)n);
    gl_rng r; gl_rng_seed(&r, 7);
    for (int i = 0; i < 784 * n; i++) d->x[i] = gl_rng_below(&r, 4) == 0;
    for (int i = 0; i < n; i++) d->y[i] = (uint8_t)(i % 10);
}

static void run_two(gl_train *t) {
    long s = gl_train_step_no(t);
    if (s >= 0 && s <= gl_train_total(t)) gl_train_run(t, 2, NULL, NULL, NULL);
    else abort();   // a step outside the run got through
}

static void fuzz_attention(const gl_meta *m, const gl_mnist *tr) {
    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    o.hidden = 8; o.batch = 16; o.limit = 64; o.epochs = 1; o.cnn_epochs = 0;
    if (app_attn_opts_from_meta(m, "fuzz", &o) || app_stored_counters_ok(m, "fuzz")) return;
    if (o.hidden > 32 || o.batch > 64) return;
    gl_train *t = gl_attn_train_new(&o, tr, NULL);
    if (!t) return;
    // the step counter comes from a checkpoint file: this session's, with the metadata put in
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_resume.%d.ckpt", (int)getpid());
    gl_st_file f;
    if (gl_train_checkpoint(t, path) == 0 && gl_st_load(path, &f) == 0) {
        for (int i = 0; i < m->n; i++) gl_meta_set(&f.meta, m->key[i], "%s", m->val[i]);
        if (gl_st_save(path, f.t, f.n, &f.meta) == 0 && gl_attn_train_resume(t, path) == 0) run_two(t);
        gl_st_free(&f);
    }
    unlink(path);
    gl_train_free(t);
}

static void fuzz_draw(const gl_meta *m, const gl_mnist *tr) {
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    o.cfg = (gl_draw_config){ .attention = 1, .T = 3, .read_n = 2, .write_n = 3, .enc = 8, .dec = 8, .z = 2 };
    o.batch = o.batch_option = 16; o.epochs = 1;
    long iter;
    if (app_draw_opts_from_meta(m, "fuzz", &o, &iter) || app_stored_counters_ok(m, "fuzz")) return;
    if (o.batch > 64) return;
    gl_mnist sub = *tr;
    if (o.limit > 0 && o.limit < sub.n) sub.n = (int)o.limit;
    gl_train *t = gl_draw_train_new(&o, NULL, iter, 0, &sub, NULL);
    if (!t) return;
    run_two(t);
    gl_train_free(t);
}

static void fuzz_handwriting(const gl_meta *m) {
    hw_train_spec s;
    hw_train_spec_defaults(&s);
    double secs;
    if (app_hw_spec_from_meta(m, "fuzz", &s, &secs)) return;
    if (s.batch > 64 || s.max_points > 2000) return;
    gl_hw_cfg c = { .L = 1, .H = 8, .M = 2, .K = 2, .C = 4, .alphabet = " abc", .mean = {0, 0}, .std = {1, 1} };
    gl_hw_model *hm = NULL;
    if (!(hm = gl_hw_new(&c, 1))) abort();
    long step = 0;
    if (app_stored_int(m, "fuzz", "adam_step", 0, APP_STEP_MAX, &step) < 0) abort();   // checked by app_hw_spec_from_meta
    hm->ps.step = step;
    gl_hw_corpus tr = {0}, va = {0};
    float pts[3 * 40];
    gl_rng r; gl_rng_seed(&r, 3);
    for (int i = 0; i < 12; i++) {
        int n = 10 + (int)gl_rng_below(&r, 30);
        for (int k = 0; k < n; k++) {
            pts[3 * k] = gl_rng_normal(&r);
            pts[3 * k + 1] = gl_rng_normal(&r);
            pts[3 * k + 2] = k % 7 == 6;
        }
        gl_hw_corpus_add(i < 10 ? &tr : &va, pts, n, i % 2 ? "ab" : "ca b", 0);
    }
    s.iters = step + 2 < APP_STEP_MAX ? step + 2 : APP_STEP_MAX;
    gl_train *t = hw_train_session(&s, hm, secs, &tr, &va);   // hm is the session's (freed with it or at once)
    if (t) { gl_train_run(t, 2, NULL, NULL, NULL); gl_train_free(t); }
    gl_hw_corpus_free(&tr); gl_hw_corpus_free(&va);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static gl_mnist tr;
    if (!tr.n) { fuzz_file(data, 0); digits(&tr, 64); }   // (fuzz_file: stdout to /dev/null)
    if (size < 1 || size > 8192) return 0;
    gl_meta m = {0};
    meta_of(data + 1, size - 1, &m);
    switch (data[0] % 3) {
        case 0: fuzz_attention(&m, &tr); break;
        case 1: fuzz_draw(&m, &tr); break;
        default: fuzz_handwriting(&m); break;
    }
    gl_meta_free(&m);
    return 0;
}
