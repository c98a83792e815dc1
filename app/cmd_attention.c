// glimpse train|eval|bench attention, glimpse attend.
#include "args.h"
#include "cli.h"
#include "gl_attn_ws.h"
#include "gl_train.h"
#include "gl_json.h"
#include "gl_par.h"
#include "bench.h"
#include "gif_export.h"
#include "gl_mnist.h"
#include "gl_progress.h"
#include "gl_util.h"
#include "resume.h"
#include "train_opts.h"
#include "stop_signal.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static const char *default_model_path(gl_key_type key) {
    static char name[64];
    snprintf(name, sizeof name, "attention-%s.safetensors", gl_key_name(key));
    return app_asset_path(name);
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
    gl_progress_update(&c->pg, r->step, "%s ep %d loss %.4f acc %.2f%%", r->stage ? "attn" : "cnn", r->epoch,
                       c->run_loss, 100 * c->run_acc);
    if (r->epoch_end || gl_now() - c->last_ck >= c->every || r->step == r->total || stop_signal()) {
        if (gl_train_checkpoint(c->t, c->ckpt) != 0) fprintf(stderr, "\nglimpse: checkpoint failed: %s\n", gl_err());
        else c->ckpt_step = r->step;
        c->last_ck = gl_now();
    }
    if (r->has_eval && r->epoch_end && r->stage && !c->pg.quiet)
        fprintf(stderr, "%sepoch %d: test accuracy on 1000 digits %.2f%%\n", c->pg.tty ? "\n" : "", r->epoch,
                100 * r->eval_acc);
}

// One `train attention`: parse, prepare, run, finish, then one cleanup.
typedef struct {
    app_args a;
    gl_attn_train_opts o;
    long every;
    int resume;
    char out[4096], ckpt[4200];
    gl_mnist tr, te;
    gl_train *t;
    char taken[512];   // the options taken from the checkpoint, said once it is known good
} attn_run;

#define HELP_SHOWN (-1)   // --help printed: exit 0 without running

static int attn_parse(attn_run *r, int argc, char **argv) {
    const app_opt *T = app_attn_train_table;
    int rc = app_args_parse(argc, argv, T, "usage: glimpse train attention [--key K] [options]\n\n"
        "Pre-trains the 12-filter conv layer as a CNN classifier, then trains the\n"
        "10-step attention LSTM (and fine-tunes the conv layer) with Adam.\n"
        "Checkpoints go to OUT.ckpt after every epoch and every minute.", &r->a);
    if (rc) return rc > 0 ? HELP_SHOWN : 2;
    gl_attn_train_opts *o = &r->o;
    gl_attn_train_defaults(o);
    o->key = (gl_key_type)app_opt_long(&r->a, T, "key");
    app_opts_into(&r->a, T, app_attn_train_fields, o);
    r->every = app_opt_long(&r->a, T, "every");
    r->resume = app_opt_flag(&r->a, T, "resume");
    if (app_arg(&r->a, T, "threads")) gl_par_set_threads((int)app_opt_long(&r->a, T, "threads"));
    const char *out = app_opt_text(&r->a, T, "out");
    snprintf(r->out, sizeof r->out, "%s", out ? out : default_model_path(o->key));
    snprintf(r->ckpt, sizeof r->ckpt, "%s.ckpt", r->out);
    return 0;
}

// The checkpoint's options, before anything is built from them: each
// through its option's range, and equal to the command line's when given.
static int attn_resume_opts(attn_run *r) {
    gl_st_file f;
    if (gl_st_load(r->ckpt, &f) != 0) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); return 1; }
    gl_attn_train_opts *o = &r->o;
    const char *ck = gl_meta_get(&f.meta, "key");
    gl_key_type fk;
    int status = 0;
    if (!ck) {
        fprintf(stderr, "glimpse: %s is not an attention checkpoint (it records no key type)\n", r->ckpt);
        status = 1;
    } else if (gl_key_parse(ck, &fk) != 0) {
        fprintf(stderr, "glimpse: %s: metadata 'key' is '%.40s', not one of softmax|gaussian|feature\n", r->ckpt, ck);
        status = 1;
    } else if (fk != o->key) {
        fprintf(stderr, "glimpse: %s was written with --key %s, not %s: start without --resume\n", r->ckpt, ck,
                gl_key_name(o->key));
        status = 1;
    }
    if (!status && app_stored_counters_ok(&f.meta, r->ckpt)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    if (status) { gl_st_free(&f); return status; }
    app_resume rs;
    app_resume_begin(&rs, &r->a, app_attn_train_table, &f.meta, r->ckpt);
    app_resume_int(&rs, "hidden", "hidden", &o->hidden);
    app_resume_int(&rs, "batch", "batch", &o->batch);
    app_resume_int(&rs, "limit", "limit", &o->limit);
    app_resume_int(&rs, "epochs", "epochs", &o->epochs);
    app_resume_int(&rs, "cnn-epochs", "cnn_epochs", &o->cnn_epochs);
    app_resume_int(&rs, "seed", "seed", &o->seed);
    app_resume_int(&rs, "augment", "augment", &o->augment);
    app_resume_num(&rs, "lr", "lr", &o->lr);
    app_resume_num(&rs, "clip", "clip", &o->clip);
    app_resume_num(&rs, "aux", "aux", &o->aux);
    app_resume_flag(&rs, "no-coords", "no_coords", &o->no_coords);
    app_resume_flag(&rs, "fixed-conv", "fixed_conv", &o->fixed_conv);
    int bad = app_resume_check(&rs);
    snprintf(r->taken, sizeof r->taken, "%s", rs.taken);
    gl_st_free(&f);
    return bad ? 1 : 0;
}

static int attn_prepare(attn_run *r) {
    const char *dir = app_opt_text(&r->a, app_attn_train_table, "data");
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "train", &r->tr) != 0 ||
        gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &r->te) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    if (r->resume && attn_resume_opts(r)) return 1;
    gl_clean_stale_tmp(r->ckpt);
    gl_clean_stale_tmp(r->out);
    r->t = gl_attn_train_new(&r->o, &r->tr, &r->te);
    if (!r->t) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    if (r->resume) {
        if (gl_attn_train_resume(r->t, r->ckpt) != 0) {
            fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err());
            return 1;
        }
        app_resume_say(r->taken);
        fprintf(stderr, "resuming %s at step %ld\n", r->ckpt, gl_train_step_no(r->t));
    }
    return 0;
}

// The training loop; a signal ends it with a checkpoint of the step at hand
// (and nothing else: OUT may hold a finished model), status 128 + signal.
static int attn_train_loop(attn_run *r) {
    gl_train *t = r->t;
    long start_step = gl_train_step_no(t), total = gl_train_total(t);
    int N = (int)(r->o.limit < r->tr.n ? r->o.limit : r->tr.n);
    fprintf(stderr, "attention/%s: %d cells, %zu parameters, %d training digits, %ld steps\n", gl_key_name(r->o.key),
            (int)r->o.hidden, gl_params_count(gl_attn_params(gl_attn_train_model(t))), N, total);
    attn_cli cli = { .t = t, .ckpt = r->ckpt, .every = r->every, .start_step = start_step, .ckpt_step = start_step,
                     .last_ck = gl_now(), .cnn_epochs = (int)r->o.cnn_epochs };
    atomic_int stop = 0;
    stop_on_signals(&stop);   // Ctrl-C: a checkpoint of the step at hand (caught before the progress bar shows)
    gl_progress_begin(&cli.pg, "train", total);
    gl_progress_resume_at(&cli.pg, start_step);
    int ran = gl_train_run(t, total, &stop, attn_cli_report, &cli);
    stop_on_signals(NULL);
    if (ran < 0) {
        fprintf(stderr, "\nglimpse: loss became %g at step %ld; lower --lr\n", gl_train_last_loss(t),
                gl_train_step_no(t));
        return 1;
    }
    gl_progress_end(&cli.pg);
    if (!stop_signal()) return 0;
    long it = gl_train_step_no(t);
    if ((it != cli.ckpt_step || access(r->ckpt, F_OK) != 0) && gl_train_checkpoint(t, r->ckpt) != 0) {   // as train_cli
        fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err());
        return 1;
    }
    fprintf(stderr, "glimpse: stopped (%s) at step %ld of %ld; %s holds it: go on with --resume\n", stop_signal_word(),
            it, total, r->ckpt);
    return 128 + stop_signal();
}

// Test-set figures into the weights' metadata, then OUT.
static int attn_finish(attn_run *r) {
    const gl_attn_train_opts *o = &r->o;
    gl_attn *m = gl_attn_train_model(r->t);
    int N = (int)(o->limit < r->tr.n ? o->limit : r->tr.n);
    double seconds = gl_train_seconds(r->t);
    double tl, acc = gl_attn_accuracy(m, &r->te, r->te.n, &tl), acc1k = gl_attn_accuracy(m, &r->te, 1000, NULL);
    gl_meta meta = {0};
    gl_meta_set(&meta, "test_accuracy", "%.4f", acc);
    gl_meta_set(&meta, "test_loss", "%.4f", tl);
    gl_meta_set(&meta, "subset1000_accuracy", "%.4f", acc1k);
    gl_train_meta_times(r->t, &meta);
    gl_meta_set(&meta, "train_digits", "%d", N);
    gl_meta_set(&meta, "epochs", "%ld", o->epochs);
    gl_meta_set(&meta, "cnn_epochs", "%ld", o->cnn_epochs);
    gl_meta_set(&meta, "batch", "%ld", o->batch);
    gl_meta_set(&meta, "lr", "%g", o->lr);
    gl_meta_set(&meta, "aux", "%g", o->aux);
    gl_meta_set(&meta, "augment_shift", "%ld", o->augment);
    gl_meta_set(&meta, "conv", "%s", o->fixed_conv ? "pre-trained, fixed" : "pre-trained, fine-tuned");
    gl_meta_set(&meta, "seed", "%ld", o->seed);
    int status = 0;
    if (gl_attn_save(m, r->out, &meta) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    else printf("attention/%s: test accuracy %.2f%% (10000 digits), trained in %.0f s -> %s\n", gl_key_name(o->key),
                100 * acc, seconds, r->out);
    gl_meta_free(&meta);
    return status;
}

int cmd_train_attention(int argc, char **argv) {
    attn_run r;
    memset(&r, 0, sizeof r);
    int status = attn_parse(&r, argc, argv);
    if (!status) status = attn_prepare(&r);
    if (!status) status = attn_train_loop(&r);
    if (!status) status = attn_finish(&r);
    gl_train_free(r.t);
    gl_mnist_free(&r.tr); gl_mnist_free(&r.te);
    return status == HELP_SHOWN ? 0 : status;
}

// ---------------------------------------------------------------------------
// eval

static const app_opt eval_opts[] = {
    APP_TEXT("key", "softmax | gaussian | feature (default: all three)"),
    APP_TEXT("model", "weights file (default: the shipped one for the key)"),
    APP_INT("limit", 1, 10000, "10000", "evaluate the first N test digits only"),
    APP_TEXT("data", "MNIST directory (default data/mnist)"),
    APP_OPT_END
};

int cmd_eval_attention(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, eval_opts,
                            "usage: glimpse eval attention [--key K] [--model FILE]\n\nPrints test-set accuracy.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    long limit = app_opt_long(&a, eval_opts, "limit");
    const char *ks = app_arg(&a, eval_opts, "key"), *model = app_arg(&a, eval_opts, "model"),
               *dir = app_arg(&a, eval_opts, "data");
    gl_mnist te;
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    int n = (int)(limit < te.n ? limit : te.n), status = 0;
    for (int k = 0; k < 3; k++) {
        gl_key_type key = (gl_key_type)k;
        if (ks) { if (parse_key(ks, &key)) { status = 2; break; } if (k) break; }
        else if (model && k) break;
        gl_attn *m = load_model(model ? model : default_model_path(key));
        if (!m) { status = 1; continue; }
        double loss, acc = gl_attn_accuracy(m, &te, n, &loss);
        printf("attention/%s: test accuracy %.2f%% on %d digits (loss %.4f)\n", gl_key_name(gl_attn_key(m)), 100 * acc,
               n, loss);
        gl_attn_free(m);
    }
    gl_mnist_free(&te);
    return status;
}

// ---------------------------------------------------------------------------
// attend

static const app_opt attend_opts[] = {
    APP_TEXT("key", "softmax | gaussian | feature (default softmax)"),
    APP_TEXT("model", "weights file (default: the shipped one for the key)"),
    APP_INT("index", 0, 9999, NULL, "index into the MNIST test set"),
    APP_TEXT("image", "a PNG or PGM digit, any size (scaled and centred as MNIST)"),
    APP_FLAG("json", "print masks, per-step probabilities, prediction and label as JSON"),
    APP_FLAG("hidden", "with --json: also the LSTM state h each step's probabilities are read from (first 256 cells)"),
    APP_TEXT("png", "write the figure: 10 masks over the digit, volume sum, original"),
    APP_TEXT("gif", "write the figure as an animated GIF: one frame a glimpse, at 2 a second"),
    APP_TEXT("data", "MNIST directory (default data/mnist)"),
    APP_OPT_END
};

int cmd_attend(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, attend_opts,
                            "usage: glimpse attend [--key K] (--index N | --image FILE) [--json [--hidden]] [--png "
                            "OUT.png] [--gif OUT.gif]",
                            &a);
    if (rc) return rc > 0 ? 0 : 2;
    gl_key_type key;
    if (parse_key(app_arg(&a, attend_opts, "key"), &key)) return 2;
    const char *idx = app_arg(&a, attend_opts, "index"), *file = app_arg(&a, attend_opts, "image"),
               *dir = app_arg(&a, attend_opts, "data");
    if (!idx == !file) {
        fprintf(stderr, "glimpse: attend needs exactly one of --index N or --image FILE\n");
        return 2;
    }
    float img[784];
    int label = -1;
    if (idx) {
        long i = app_opt_long(&a, attend_opts, "index");
        gl_mnist te;
        if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) {
            fprintf(stderr, "glimpse: %s\n", gl_err());
            return 1;
        }
        if (i >= te.n) {
            fprintf(stderr, "glimpse: --index %ld is past the %d test digits\n", i, te.n);
            gl_mnist_free(&te);
            return 2;
        }
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
    const char *model = app_arg(&a, attend_opts, "model");
    gl_attn *m = load_model(model ? model : default_model_path(key));
    if (!m) return 1;
    gl_attn_frame fr[GL_ATTN_STEPS];
    float vs[GL_ATTN_LOC];
    int pred = gl_attn_run(m, img, fr, vs);
    int finite = gl_all_finite(vs, GL_ATTN_LOC);
    for (int t = 0; t < GL_ATTN_STEPS; t++)
        finite &= gl_all_finite(fr[t].mask, GL_ATTN_LOC) && gl_all_finite(fr[t].probs, 10);
    if (!finite) {
        fprintf(stderr, "glimpse: the model produced non-finite values (weights out of range?)\n");
        gl_attn_free(m);
        return 1;
    }
    int hidden = app_opt_flag(&a, attend_opts, "hidden");
    if (hidden && !app_arg(&a, attend_opts, "json")) {
        fprintf(stderr, "glimpse: --hidden goes with --json\n");
        gl_attn_free(m);
        return 2;
    }
    if (app_arg(&a, attend_opts, "json")) {
        gl_buf b = {0};
        gl_buf_printf(&b, "{\"key\":\"%s\",\"prediction\":%d,\"label\":", gl_key_name(gl_attn_key(m)), pred);
        if (label >= 0) gl_buf_printf(&b, "%d", label); else gl_buf_printf(&b, "null");
        gl_buf_printf(&b, ",\"steps\":[");
        for (int t = 0; t < GL_ATTN_STEPS; t++) {
            gl_buf_printf(&b, "%s{\"step\":%d,\"mask\":[", t ? "," : "", t + 1);
            for (int y = 0; y < 14; y++) { if (y) gl_buf_put(&b, ",", 1); gl_buf_floats(&b, fr[t].mask + y * 14, 14); }
            gl_buf_printf(&b, "],\"probs\":");
            gl_buf_floats(&b, fr[t].probs, 10);
            if (hidden) { gl_buf_printf(&b, ",\"h\":"); gl_buf_floats(&b, fr[t].h, fr[t].nh); }
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
    const char *png = app_arg(&a, attend_opts, "png");
    int status = 0;
    if (png) {
        gl_image im = gl_attn_figure(img, fr, vs, label, gl_attn_key(m));
        if (gl_image_save_png(&im, png) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
        gl_image_free(&im);
    }
    const char *gif = app_arg(&a, attend_opts, "gif");
    if (gif && !status && gif_attend(gif, img, fr, vs, label, gl_attn_key(m)) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        status = 1;
    }
    gl_attn_free(m);
    return status;
}

// ---------------------------------------------------------------------------
// bench

static const app_opt bench_opts[] = {
    APP_TEXT("key", "only this key type (default: all three)"),
    APP_INT("runs", 10, 1000000, "2000", "single-digit timing runs"),
    APP_TEXT("data", "MNIST directory (default data/mnist)"),
    APP_FLAG("no-twin", "skip the PyTorch twin"),
    APP_OPT_END
};

int cmd_bench_attention(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, bench_opts, "usage: glimpse bench attention [--key K] [--no-twin]\n\n"
        "For each shipped model: accuracy on all 10,000 test digits, the time of one\n"
        "digit through all 10 steps on one thread (median), and of the whole test set\n"
        "on two threads (median of 3), each beside the PyTorch twin's figure for the\n"
        "same work measured in the same run.", &a);
    if (rc) return rc > 0 ? 0 : 2;
    long runs = app_opt_long(&a, bench_opts, "runs");
    const char *ks = app_arg(&a, bench_opts, "key"), *dir = app_arg(&a, bench_opts, "data");
    int twin_ok = !app_arg(&a, bench_opts, "no-twin");
    gl_mnist te;
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    printf("OpenBLAS kernels %s; vector kernels %s; sgemm %.1f GFLOP/s on 1 thread, %.1f on 2\n",
           app_bench_blas_core(), gl_vmath_target(), app_bench_sgemm_rate(1), app_bench_sgemm_rate(2));
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
        double one = 1e3 * gl_percentile(ts, (int)runs, 50), p99 = 1e3 * gl_percentile(ts, (int)runs, 99),
               all = gl_percentile(whole, 3, 50);
        printf("%s: test accuracy %.2f%% (10,000 digits); trained %.0f s\n", gl_key_name(key), 100 * acc,
               gl_meta_num(gl_attn_meta(m), "train_seconds", NAN));
        char why[512] = "skipped (--no-twin)", args[4200];
        snprintf(args, sizeof args, "--key %s --weights '%s'", gl_key_name(key), path);
        double t1 = twin_ok ? app_bench_twin("attn_one_digit", 1, args, "median_ms", why, sizeof why) : NAN;
        char what[80];
        snprintf(what, sizeof what, "one digit, 1 thread (p99 %.3f ms)", p99);
        app_bench_side_by_side(what, one, t1, "ms", 0, why);
        double t2 = twin_ok ? app_bench_twin("attn_test_set", 2, args, "median_s", why, sizeof why) : NAN;
        app_bench_side_by_side("10,000 digits, 2 threads", all, t2, "s", 0, why);
        free(ts);
        gl_attn_free(m);
    }
    gl_mnist_free(&te);
    return 0;
}
