// glimpse train|eval|bench attention, glimpse attend.
#include "args.h"
#include "cli.h"
#include "gl_attn_ws.h"
#include "gl_train.h"
#include "gl_json.h"
#include "gl_par.h"
#include "bench.h"
#include "gl_mnist.h"
#include "gl_progress.h"
#include "gl_util.h"
#include "resume.h"
#include "stop_signal.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *default_model_path(gl_key_type key) {
    static char name[64];
    snprintf(name, sizeof name, "attention-%s.safetensors", gl_key_name(key));
    return gl_asset_path(name);
}

static int parse_key(const char *s, gl_key_type *k) {
    if (!s) { *k = GL_KEY_SOFTMAX; return 0; }
    if (gl_key_parse(s, k) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); return -1; }
    return 0;
}

static gl_attn *load_model(const char *path) {
    gl_attn *m = gl_attn_load(path);
    if (!m) fprintf(stderr, "glimpse: %s\n", gl_err());
    return m;
}

// ---------------------------------------------------------------------------
// train

static const gl_opt train_opts[] = {
    { "key", 1, "softmax | gaussian | feature (default softmax)" },
    { "hidden", 1, "LSTM cells (default 128)" },
    { "epochs", 1, "epochs of the attention stage (default 6)" },
    { "cnn-epochs", 1, "epochs pre-training the conv layer as a CNN (default 1)" },
    { "batch", 1, "minibatch size (default 50)" },
    { "lr", 1, "Adam learning rate, cosine-decayed (default 0.002)" },
    { "clip", 1, "gradient-norm clipping (default 5)" },
    { "aux", 1, "weight of the per-step losses before the last step (default 0.2)" },
    { "augment", 1, "shift each training digit by up to N pixels at random (default 2)" },
    { "no-coords", 0, "no coordinate channels in the conv input (the seed's original layer)" },
    { "fixed-conv", 0, "keep the pre-trained conv layer fixed (default: fine-tune end to end)" },
    { "limit", 1, "train on the first N training digits only" },
    { "seed", 1, "random seed (default 1)" },
    { "out", 1, "weights file (default assets/attention-KEY.safetensors)" },
    { "every", 1, "seconds between checkpoints besides each epoch's end (default 60; 0: after every step)" },
    { "resume", 0, "continue from OUT.ckpt" },
    { "threads", 1, "threads (default: all cores)" },
    { "data", 1, "MNIST directory (default data/mnist)" },
    { NULL, 0, NULL }
};

// The progress bar, checkpoints and epoch figures of a CLI run, from the
// session's reports (the Train view plots the same reports).
typedef struct {
    gl_train *t;
    const char *ckpt;
    long every, start_step, ckpt_step;
    double last_ck, run_loss, run_acc;
    int cnn_epochs;
    gl_progress pg;
} attn_cli;

static void attn_cli_report(void *user, const gl_train_report *r) {
    attn_cli *c = user;
    int first = r->step == c->start_step + 1;
    c->run_loss = first ? r->loss : 0.98 * c->run_loss + 0.02 * r->loss;
    c->run_acc = first ? r->acc : 0.98 * c->run_acc + 0.02 * r->acc;
    gl_progress_update(&c->pg, r->step, "%s ep %d loss %.4f acc %.2f%%", r->stage ? "attn" : "cnn", r->epoch, c->run_loss, 100 * c->run_acc);
    if (r->epoch_end || gl_now() - c->last_ck >= c->every || r->step == r->total || stop_signal()) {
        if (gl_train_checkpoint(c->t, c->ckpt) != 0) fprintf(stderr, "\nglimpse: checkpoint failed: %s\n", gl_err());
        else c->ckpt_step = r->step;
        c->last_ck = gl_now();
    }
    if (r->has_eval && r->epoch_end && r->stage && !c->pg.quiet)
        fprintf(stderr, "%sepoch %d: test accuracy on 1000 digits %.2f%%\n", c->pg.tty ? "\n" : "", r->epoch, 100 * r->eval_acc);
}

int cmd_train_attention(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, train_opts, "usage: glimpse train attention [--key K] [options]\n\n"
        "Pre-trains the 12-filter conv layer as a CNN classifier, then trains the\n"
        "10-step attention LSTM (and fine-tunes the conv layer) with Adam.\n"
        "Checkpoints go to OUT.ckpt after every epoch and every minute.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    gl_key_type key;
    long hidden, epochs, cnn_epochs, batch, limit, seed, threads, augment, every;
    double lr, clip, aux;
    if (parse_key(gl_arg(&a, train_opts, "key"), &key) ||
        !gl_arg_int(&a, train_opts, "hidden", 4, 2048, 128, &hidden) ||
        !gl_arg_int(&a, train_opts, "epochs", 0, 1000, 6, &epochs) ||
        !gl_arg_int(&a, train_opts, "cnn-epochs", 0, 100, 1, &cnn_epochs) ||
        !gl_arg_int(&a, train_opts, "batch", 1, 4096, 50, &batch) ||
        !gl_arg_int(&a, train_opts, "limit", 1, 60000, 60000, &limit) ||
        !gl_arg_int(&a, train_opts, "seed", 0, 1L << 40, 1, &seed) ||
        !gl_arg_int(&a, train_opts, "threads", 0, 256, 0, &threads) ||
        !gl_arg_int(&a, train_opts, "augment", 0, 8, 2, &augment) ||
        !gl_arg_int(&a, train_opts, "every", 0, 1000000, 60, &every) ||
        !gl_arg_num(&a, train_opts, "lr", 1e-7, 1, 0.002, &lr) ||
        !gl_arg_num(&a, train_opts, "clip", 0, 1e9, 5, &clip) ||
        !gl_arg_num(&a, train_opts, "aux", 0, 10, 0.2, &aux)) return 2;
    if (threads > 0) gl_par_set_threads((int)threads);
    int fixed_conv = gl_arg(&a, train_opts, "fixed-conv") != NULL;
    const char *out = gl_arg(&a, train_opts, "out");
    char outbuf[4096], ckpt[4200];
    snprintf(outbuf, sizeof outbuf, "%s", out ? out : default_model_path(key));
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", outbuf);
    const char *dir = gl_arg(&a, train_opts, "data");
    gl_mnist tr = {0}, te = {0};
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "train", &tr) != 0 ||
        gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        gl_mnist_free(&tr);
        return 1;
    }
    int resume = gl_arg(&a, train_opts, "resume") != NULL, no_coords = gl_arg(&a, train_opts, "no-coords") != NULL;
    if (resume) {
        // the checkpoint's options, before anything is built from them
        gl_st_file f;
        if (gl_st_load(ckpt, &f) != 0) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); gl_mnist_free(&tr); gl_mnist_free(&te); return 1; }
        const char *ck = gl_meta_get(&f.meta, "key");
        if (!ck || strcmp(ck, gl_key_name(key))) {
            fprintf(stderr, "glimpse: %s was written with --key %s, not %s: start without --resume\n", ckpt, ck ? ck : "?", gl_key_name(key));
            gl_st_free(&f); gl_mnist_free(&tr); gl_mnist_free(&te); return 1;
        }
        gl_resume r;
        gl_resume_begin(&r, &a, train_opts, &f.meta, ckpt);
        gl_resume_int(&r, "hidden", "hidden", &hidden);
        gl_resume_int(&r, "batch", "batch", &batch);
        gl_resume_int(&r, "limit", "limit", &limit);
        gl_resume_int(&r, "epochs", "epochs", &epochs);
        gl_resume_int(&r, "cnn-epochs", "cnn_epochs", &cnn_epochs);
        gl_resume_int(&r, "seed", "seed", &seed);
        gl_resume_int(&r, "augment", "augment", &augment);
        gl_resume_num(&r, "lr", "lr", &lr);
        gl_resume_num(&r, "clip", "clip", &clip);
        gl_resume_num(&r, "aux", "aux", &aux);
        gl_resume_flag(&r, "no-coords", "no_coords", &no_coords);
        gl_resume_flag(&r, "fixed-conv", "fixed_conv", &fixed_conv);
        int bad = gl_resume_end(&r);
        gl_st_free(&f);
        if (bad) { gl_mnist_free(&tr); gl_mnist_free(&te); return 1; }
    }
    int N = (int)(limit < tr.n ? limit : tr.n);
    gl_clean_stale_tmp(ckpt);
    gl_clean_stale_tmp(outbuf);

    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    o.key = key; o.hidden = hidden; o.epochs = epochs; o.cnn_epochs = cnn_epochs; o.batch = batch; o.limit = limit;
    o.seed = seed; o.augment = augment; o.lr = lr; o.clip = clip; o.aux = aux; o.no_coords = no_coords; o.fixed_conv = fixed_conv;
    int status = 0;
    gl_meta meta = {0};
    gl_train *t = gl_attn_train_new(&o, &tr, &te);
    if (!t) { fprintf(stderr, "glimpse: %s\n", gl_err()); gl_mnist_free(&tr); gl_mnist_free(&te); return 1; }
    gl_attn *m = gl_attn_train_model(t);
    if (resume) {
        if (gl_attn_train_resume(t, ckpt) != 0) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); status = 1; goto done; }
        fprintf(stderr, "resuming %s at step %ld\n", ckpt, gl_train_step_no(t));
    }
    long start_step = gl_train_step_no(t), total = gl_train_total(t);
    fprintf(stderr, "attention/%s: %d cells, %zu parameters, %d training digits, %ld steps\n",
            gl_key_name(key), (int)hidden, gl_params_count(gl_attn_params(m)), N, total);
    attn_cli cli = { .t = t, .ckpt = ckpt, .every = every, .start_step = start_step, .ckpt_step = start_step, .last_ck = gl_now(), .cnn_epochs = (int)cnn_epochs };
    gl_progress_begin(&cli.pg, "train", total);
    gl_progress_resume_at(&cli.pg, start_step);
    atomic_int stop = 0;
    stop_on_signals(&stop);   // Ctrl-C: a checkpoint of the step at hand
    int ran = gl_train_run(t, total, &stop, attn_cli_report, &cli);
    stop_on_signals(NULL);
    if (ran < 0) {
        fprintf(stderr, "\nglimpse: loss became %g at step %ld; lower --lr\n", gl_train_last_loss(t), gl_train_step_no(t));
        status = 1; goto done;
    }
    gl_progress_end(&cli.pg);
    if (stop_signal()) {
        // the checkpoint and nothing else: OUT may hold a finished model
        long it = gl_train_step_no(t);
        if (it != cli.ckpt_step && gl_train_checkpoint(t, ckpt) != 0) { fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err()); status = 1; }
        else {
            fprintf(stderr, "glimpse: stopped (%s) at step %ld of %ld; %s holds it: go on with --resume\n", stop_signal_word(), it, total, ckpt);
            status = 128 + stop_signal();
        }
        goto done;
    }
    double seconds = gl_train_seconds(t);
    double tl, acc = gl_attn_accuracy(m, &te, te.n, &tl), acc1k = gl_attn_accuracy(m, &te, 1000, NULL);
    gl_meta_set(&meta, "test_accuracy", "%.4f", acc);
    gl_meta_set(&meta, "test_loss", "%.4f", tl);
    gl_meta_set(&meta, "subset1000_accuracy", "%.4f", acc1k);
    gl_train_meta_times(t, &meta);
    gl_meta_set(&meta, "train_digits", "%d", N);
    gl_meta_set(&meta, "epochs", "%ld", epochs);
    gl_meta_set(&meta, "cnn_epochs", "%ld", cnn_epochs);
    gl_meta_set(&meta, "batch", "%ld", batch);
    gl_meta_set(&meta, "lr", "%g", lr);
    gl_meta_set(&meta, "aux", "%g", aux);
    gl_meta_set(&meta, "augment_shift", "%ld", augment);
    gl_meta_set(&meta, "conv", "%s", fixed_conv ? "pre-trained, fixed" : "pre-trained, fine-tuned");
    gl_meta_set(&meta, "seed", "%ld", seed);
    if (gl_attn_save(m, outbuf, &meta) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; goto done; }
    printf("attention/%s: test accuracy %.2f%% (10000 digits), trained in %.0f s -> %s\n", gl_key_name(key), 100 * acc, seconds, outbuf);
done:
    gl_meta_free(&meta);
    gl_train_free(t);
    gl_mnist_free(&tr); gl_mnist_free(&te);
    return status;
}

// ---------------------------------------------------------------------------
// eval

static const gl_opt eval_opts[] = {
    { "key", 1, "softmax | gaussian | feature (default: all three)" },
    { "model", 1, "weights file (default: the shipped one for the key)" },
    { "limit", 1, "evaluate the first N test digits only" },
    { "data", 1, "MNIST directory (default data/mnist)" },
    { NULL, 0, NULL }
};

int cmd_eval_attention(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, eval_opts, "usage: glimpse eval attention [--key K] [--model FILE]\n\nPrints test-set accuracy.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    long limit;
    if (!gl_arg_int(&a, eval_opts, "limit", 1, 10000, 10000, &limit)) return 2;
    const char *ks = gl_arg(&a, eval_opts, "key"), *model = gl_arg(&a, eval_opts, "model"), *dir = gl_arg(&a, eval_opts, "data");
    gl_mnist te;
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    int n = (int)(limit < te.n ? limit : te.n), status = 0;
    for (int k = 0; k < 3; k++) {
        gl_key_type key = (gl_key_type)k;
        if (ks) { if (parse_key(ks, &key)) { status = 2; break; } if (k) break; }
        else if (model && k) break;
        gl_attn *m = load_model(model ? model : default_model_path(key));
        if (!m) { status = 1; continue; }
        double loss, acc = gl_attn_accuracy(m, &te, n, &loss);
        printf("attention/%s: test accuracy %.2f%% on %d digits (loss %.4f)\n", gl_key_name(gl_attn_key(m)), 100 * acc, n, loss);
        gl_attn_free(m);
    }
    gl_mnist_free(&te);
    return status;
}

// ---------------------------------------------------------------------------
// attend

static const gl_opt attend_opts[] = {
    { "key", 1, "softmax | gaussian | feature (default softmax)" },
    { "model", 1, "weights file (default: the shipped one for the key)" },
    { "index", 1, "index into the MNIST test set (0..9999)" },
    { "image", 1, "a PNG or PGM digit, any size (scaled and centred as MNIST)" },
    { "json", 0, "print masks, per-step probabilities, prediction and label as JSON" },
    { "png", 1, "write the figure: 10 masks over the digit, volume sum, original" },
    { "data", 1, "MNIST directory (default data/mnist)" },
    { NULL, 0, NULL }
};

int cmd_attend(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, attend_opts, "usage: glimpse attend [--key K] (--index N | --image FILE) [--json] [--png OUT.png]", &a);
    if (rc) return rc > 0 ? 0 : 2;
    gl_key_type key;
    if (parse_key(gl_arg(&a, attend_opts, "key"), &key)) return 2;
    const char *idx = gl_arg(&a, attend_opts, "index"), *file = gl_arg(&a, attend_opts, "image"), *dir = gl_arg(&a, attend_opts, "data");
    if (!idx == !file) { fprintf(stderr, "glimpse: attend needs exactly one of --index N or --image FILE\n"); return 2; }
    float img[784];
    int label = -1;
    if (idx) {
        long i;
        if (!gl_arg_int(&a, attend_opts, "index", 0, 9999, 0, &i)) return 2;
        gl_mnist te;
        if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        if (i >= te.n) { fprintf(stderr, "glimpse: --index %ld is past the %d test digits\n", i, te.n); gl_mnist_free(&te); return 2; }
        memcpy(img, te.x + (size_t)i * 784, sizeof img);
        label = te.y[i];
        gl_mnist_free(&te);
    } else {
        float *g; int w, h;
        if (gl_image_load_grey(file, &g, &w, &h) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        int r2 = gl_mnist_normalise(g, w, h, img);
        free(g);
        if (r2 != 0) { fprintf(stderr, "glimpse: %s: %s\n", file, gl_err()); return 1; }
    }
    const char *model = gl_arg(&a, attend_opts, "model");
    gl_attn *m = load_model(model ? model : default_model_path(key));
    if (!m) return 1;
    gl_attn_frame fr[GL_ATTN_STEPS];
    float vs[GL_ATTN_LOC];
    int pred = gl_attn_run(m, img, fr, vs);
    int finite = gl_all_finite(vs, GL_ATTN_LOC);
    for (int t = 0; t < GL_ATTN_STEPS; t++) finite &= gl_all_finite(fr[t].mask, GL_ATTN_LOC) && gl_all_finite(fr[t].probs, 10);
    if (!finite) { fprintf(stderr, "glimpse: the model produced non-finite values (weights out of range?)\n"); gl_attn_free(m); return 1; }
    if (gl_arg(&a, attend_opts, "json")) {
        gl_buf b = {0};
        gl_buf_printf(&b, "{\"key\":\"%s\",\"prediction\":%d,\"label\":", gl_key_name(gl_attn_key(m)), pred);
        if (label >= 0) gl_buf_printf(&b, "%d", label); else gl_buf_printf(&b, "null");
        gl_buf_printf(&b, ",\"steps\":[");
        for (int t = 0; t < GL_ATTN_STEPS; t++) {
            gl_buf_printf(&b, "%s{\"step\":%d,\"mask\":[", t ? "," : "", t + 1);
            for (int y = 0; y < 14; y++) { if (y) gl_buf_put(&b, ",", 1); gl_buf_floats(&b, fr[t].mask + y * 14, 14); }
            gl_buf_printf(&b, "],\"probs\":");
            gl_buf_floats(&b, fr[t].probs, 10);
            gl_buf_put(&b, "}", 1);
        }
        gl_buf_printf(&b, "],\"volume_sum\":[");
        for (int y = 0; y < 14; y++) { if (y) gl_buf_put(&b, ",", 1); gl_buf_floats(&b, vs + y * 14, 14); }
        gl_buf_printf(&b, "]}\n");
        fputs(b.s, stdout);
        gl_buf_free(&b);
    } else {
        printf("prediction %d (p=%.3f)%s", pred, fr[GL_ATTN_STEPS - 1].probs[pred], label >= 0 ? "" : "\n");
        if (label >= 0) printf(", label %d\n", label);
    }
    const char *png = gl_arg(&a, attend_opts, "png");
    int status = 0;
    if (png) {
        gl_image im = gl_attn_figure(img, fr, vs, label, gl_attn_key(m));
        if (gl_image_save_png(&im, png) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
        gl_image_free(&im);
    }
    gl_attn_free(m);
    return status;
}

// ---------------------------------------------------------------------------
// bench

static const gl_opt bench_opts[] = {
    { "key", 1, "only this key type (default: all three)" },
    { "runs", 1, "single-digit timing runs (default 2000)" },
    { "data", 1, "MNIST directory (default data/mnist)" },
    { "no-twin", 0, "skip the PyTorch twin" },
    { NULL, 0, NULL }
};

int cmd_bench_attention(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, bench_opts, "usage: glimpse bench attention [--key K] [--no-twin]\n\n"
        "For each shipped model: accuracy on all 10,000 test digits, the time of one\n"
        "digit through all 10 steps on one thread (median), and of the whole test set\n"
        "on two threads (median of 3), each beside the PyTorch twin's figure for the\n"
        "same work measured in the same run.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    long runs;
    if (!gl_arg_int(&a, bench_opts, "runs", 10, 1000000, 2000, &runs)) return 2;
    const char *ks = gl_arg(&a, bench_opts, "key"), *dir = gl_arg(&a, bench_opts, "data");
    int twin_ok = !gl_arg(&a, bench_opts, "no-twin");
    gl_mnist te;
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    printf("OpenBLAS kernels %s; vector kernels %s; sgemm %.1f GFLOP/s on 1 thread, %.1f on 2\n",
           gl_bench_blas_core(), gl_vmath_target(), gl_bench_sgemm_rate(1), gl_bench_sgemm_rate(2));
    for (int k = 0; k < 3; k++) {
        gl_key_type key = (gl_key_type)k;
        if (ks) { if (parse_key(ks, &key)) return 2; if (k) break; }
        const char *path = default_model_path(key);
        gl_attn *m = load_model(path);
        if (!m) continue;
        gl_par_set_threads(2);
        double acc = gl_attn_accuracy(m, &te, te.n, NULL), whole[3];
        for (int r = 0; r < 3; r++) {
            double t0 = gl_now();
            gl_attn_accuracy(m, &te, te.n, NULL);
            whole[r] = gl_now() - t0;
        }
        gl_par_set_threads(0);
        openblas_set_num_threads(1);
        gl_attn_frame fr[GL_ATTN_STEPS];
        double *ts = gl_malloc((size_t)runs * sizeof(double));
        for (long i = 0; i < runs; i++) {
            double s = gl_now();
            gl_attn_run(m, te.x + (size_t)(i % te.n) * 784, fr, NULL);
            ts[i] = gl_now() - s;
        }
        double one = 1e3 * gl_percentile(ts, (int)runs, 50), p99 = 1e3 * gl_percentile(ts, (int)runs, 99), all = gl_percentile(whole, 3, 50);
        printf("%s: test accuracy %.2f%% (10,000 digits); trained %.0f s\n", gl_key_name(key), 100 * acc,
               gl_meta_num(gl_attn_meta(m), "train_seconds", NAN));
        char why[512] = "skipped (--no-twin)", args[4200];
        snprintf(args, sizeof args, "--key %s --weights '%s'", gl_key_name(key), path);
        double t1 = twin_ok ? gl_bench_twin("attn_one_digit", 1, args, "median_ms", why, sizeof why) : NAN;
        char what[80];
        snprintf(what, sizeof what, "one digit, 1 thread (p99 %.3f ms)", p99);
        gl_bench_side_by_side(what, one, t1, "ms", 0, why);
        double t2 = twin_ok ? gl_bench_twin("attn_test_set", 2, args, "median_s", why, sizeof why) : NAN;
        gl_bench_side_by_side("10,000 digits, 2 threads", all, t2, "s", 0, why);
        free(ts);
        gl_attn_free(m);
    }
    gl_mnist_free(&te);
    return 0;
}
