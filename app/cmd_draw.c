// DRAW subcommands: train draw, eval draw, draw, bench draw.
#include "args.h"
#include "bench.h"
#include "gl_par.h"
#include "attention/gl_attn.h"
#include <cblas.h>
#include "cli.h"
#include "draw/gl_draw.h"
#include "draw/gl_draw_figure.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_mnist.h"
#include "gl_progress.h"
#include "gl_st.h"
#include "gl_train.h"
#include "gl_util.h"
#include "resume.h"
#include "stop_signal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WEIGHTS "draw-attention.safetensors"
#define DEFAULT_WEIGHTS_NOATT "draw-noattention.safetensors"

// Loads one MNIST split, binarized once with the fixed seed (train and test
// get different streams).
static int load_binarized(const char *dir, const char *split, int limit, gl_mnist *m) {
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), split, m)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return -1; }
    if (limit > 0 && limit < m->n) m->n = limit;
    gl_draw_binarize(m->x, (size_t)m->n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + (strcmp(split, "train") ? 1 : 0));
    return 0;
}

// Mean bound (nats per image) over the first n images, one ε sample per image.
static double dataset_bound(gl_draw *m, const float *x, int n, uint64_t seed, double *rec, double *kl) {
    return gl_draw_bound(m, x, n, seed, rec, kl);
}

// Finite but extreme weights (say a write log γ of −200) can turn the canvas
// into Inf/NaN: that is an error, never a blank picture or "nan" in JSON.
static int frames_finite(const gl_trace *tr) {
    for (int t = 0; t < gl_trace_count(tr); t++) {
        const gl_draw_frame *f = gl_trace_frame(tr, t);
        const float *wr = &f->read.gx, *ww = &f->write.gx;
        if (!gl_all_finite(f->canvas, GL_DRAW_D) || !gl_all_finite(wr, 5) || !gl_all_finite(ww, 5)) return 0;
    }
    return 1;
}
static int image_size_check(long long w, long long h, const char *what) {
    if (gl_image_size_ok(w, h)) return 0;
    fprintf(stderr, "glimpse: %s; %s\n", gl_err(), what);
    return -1;
}

static const char *default_weights(int attention) { return gl_asset_path(attention ? DEFAULT_WEIGHTS : DEFAULT_WEIGHTS_NOATT); }

// ---- train --------------------------------------------------------------------
static const gl_opt train_opts[] = {
    { "attention", 0, "selective attention (default)" },
    { "no-attention", 0, "read the whole image, write the whole canvas" },
    { "steps", 1, "glimpses T (default 64, as in the paper)" },
    { "read", 1, "read grid N (default 2)" },
    { "write", 1, "write grid N (default 5)" },
    { "enc", 1, "encoder LSTM units (default 256)" },
    { "dec", 1, "decoder LSTM units (default 256)" },
    { "z", 1, "latent size per step (default 100)" },
    { "batch", 1, "minibatch (default 100)" },
    { "lr", 1, "Adam learning rate (default 1e-3)" },
    { "lr-final", 1, "learning rate at the last iteration, decayed exponentially from --lr (default: constant)" },
    { "clip", 1, "gradient norm clip (default 10)" },
    { "warmup", 1, "raise the learning rate linearly over the first N iterations (default 0; for --init)" },
    { "epochs", 1, "passes over the training set (default 20)" },
    { "minutes", 1, "stop (and save) after this many minutes of this run" },
    { "limit", 1, "use only the first N training images" },
    { "seed", 1, "random seed (default 1)" },
    { "out", 1, "weights to write (default assets/draw-attention.safetensors or draw-noattention)" },
    { "checkpoint", 1, "checkpoint file (default OUT.ckpt)" },
    { "every", 1, "seconds between checkpoints (default 120; 0: after every iteration)" },
    { "resume", 0, "continue from the checkpoint" },
    { "init", 1, "start from these weights (their sizes) with a fresh Adam, iterations from 0 and this command's schedule; their training time carries on" },
    { "extend-to", 1, "with --resume: go on to this many epochs in all; the learning rate stays at --lr-final after the first run's epochs (--epochs, if given, names those)" },
    { "no-eval", 0, "skip the test-set bound at the end" },
    { "data", 1, "MNIST directory" },
    { NULL, 0, NULL },
};

// The progress bar (the mean bound of the last 50 iterations), checkpoints
// and --minutes of a CLI run, from the session's reports.
typedef struct {
    gl_train *t;
    const char *ckpt;
    long every, per_epoch, ckpt_step;
    double minutes, t0, last_ckpt, avg;
    int navg, failed;
    atomic_int stop;
    gl_progress p;
} draw_cli;

static void draw_cli_report(void *user, const gl_train_report *r) {
    draw_cli *c = user;
    c->avg += r->loss; c->navg++;
    double now = gl_now();
    long per_epoch = c->per_epoch;
    if (c->navg >= 50 || r->step == r->total) {
        gl_progress_update(&c->p, r->step, "epoch %ld  bound %.2f nats", r->step / per_epoch + (r->step % per_epoch ? 1 : 0), c->avg / c->navg);
        c->avg = 0; c->navg = 0;
    }
    int stop = (c->minutes > 0 && now - c->t0 >= c->minutes * 60) || stop_signal();
    if (now - c->last_ckpt >= c->every || r->step == r->total || stop) {
        if (gl_train_checkpoint(c->t, c->ckpt)) {
            gl_progress_end(&c->p); fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err());
            c->failed = 1; atomic_store(&c->stop, 1); return;
        }
        c->last_ckpt = now;
        c->ckpt_step = r->step;
    }
    if (stop) atomic_store(&c->stop, 1);
}

int cmd_train_draw(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, train_opts, "usage: glimpse train draw [--attention|--no-attention] [--steps T] [--read N] [--write N] [--resume] ...", &a);
    if (rc) return rc < 0 ? 2 : 0;
    if (a.npos) { fprintf(stderr, "glimpse: train draw takes no positional arguments\n"); return 2; }
    if (gl_arg(&a, train_opts, "attention") && gl_arg(&a, train_opts, "no-attention")) {
        fprintf(stderr, "glimpse: --attention and --no-attention exclude each other\n"); return 2;
    }
    long T, rn, wn, enc, dec, z, batch, epochs, limit, seed, every, warmup;
    double lr, lr_final, clip, minutes;
    if (!gl_arg_int(&a, train_opts, "steps", 1, GL_DRAW_MAXT, 64, &T) || !gl_arg_int(&a, train_opts, "read", 1, GL_DRAW_MAXN, 2, &rn) ||
        !gl_arg_int(&a, train_opts, "write", 1, GL_DRAW_MAXN, 5, &wn) || !gl_arg_int(&a, train_opts, "enc", 1, 4096, 256, &enc) ||
        !gl_arg_int(&a, train_opts, "dec", 1, 4096, 256, &dec) || !gl_arg_int(&a, train_opts, "z", 1, 1024, 100, &z) ||
        !gl_arg_int(&a, train_opts, "batch", 1, 10000, 100, &batch) || !gl_arg_int(&a, train_opts, "epochs", 1, 100000, 20, &epochs) ||
        !gl_arg_int(&a, train_opts, "limit", 0, 60000, 0, &limit) || !gl_arg_int(&a, train_opts, "seed", 0, 1L << 40, 1, &seed) ||
        !gl_arg_int(&a, train_opts, "every", 0, 1000000, 120, &every) ||
        !gl_arg_int(&a, train_opts, "warmup", 0, 100000000, 0, &warmup) ||
        !gl_arg_num(&a, train_opts, "lr", 1e-7, 1, 1e-3, &lr) || !gl_arg_num(&a, train_opts, "clip", 0, 1e9, 10, &clip) ||
        !gl_arg_num(&a, train_opts, "minutes", 0, 1e7, 0, &minutes) ||
        !gl_arg_num(&a, train_opts, "lr-final", 1e-9, 1, lr, &lr_final))
        return 2;
    int attention = gl_arg(&a, train_opts, "no-attention") ? 0 : 1;
    char out[4096], ckpt[4200];
    snprintf(out, sizeof out, "%s", gl_arg(&a, train_opts, "out") ? gl_arg(&a, train_opts, "out") : default_weights(attention));
    if (gl_arg(&a, train_opts, "checkpoint")) snprintf(ckpt, sizeof ckpt, "%s", gl_arg(&a, train_opts, "checkpoint"));
    else snprintf(ckpt, sizeof ckpt, "%s.ckpt", out);

    gl_draw *m;
    long it = 0;
    double prev_secs = 0;
    int resume = gl_arg(&a, train_opts, "resume") != NULL;
    long decay_epochs = 0;
    if (gl_arg(&a, train_opts, "extend-to") && !resume) { fprintf(stderr, "glimpse: --extend-to goes with --resume\n"); return 2; }
    const char *init = gl_arg(&a, train_opts, "init");
    if (init && resume) { fprintf(stderr, "glimpse: --init starts a run and --resume continues one: give one of them\n"); return 2; }
    char init_from[512] = "";
    gl_clean_stale_tmp(ckpt);
    gl_clean_stale_tmp(out);
    if (resume) {
        m = gl_draw_load(ckpt, 1);
        if (!m) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); return 1; }
        const gl_meta *cm = gl_draw_meta(m);
        it = (long)gl_meta_num(cm, "iter", 0);
        prev_secs = gl_meta_num(cm, "train_seconds", 0);
        // architecture and run options: the checkpoint's, or refused when given otherwise
        int noatt = !gl_draw_cfg(m)->attention, att = !noatt;
        gl_resume r;
        gl_resume_begin(&r, &a, train_opts, cm, ckpt);
        gl_resume_flag(&r, "no-attention", "no_attention", &noatt);
        gl_resume_flag(&r, "attention", "attention", &att);
        gl_resume_int(&r, "steps", "steps", &T);
        if (att) { gl_resume_int(&r, "read", "read_n", &rn); gl_resume_int(&r, "write", "write_n", &wn); }
        gl_resume_int(&r, "enc", "enc", &enc);
        gl_resume_int(&r, "dec", "dec", &dec);
        gl_resume_int(&r, "z", "z", &z);
        gl_resume_int(&r, "batch", "batch_option", &batch);
        gl_resume_int(&r, "limit", "limit", &limit);
        // with --extend-to, --epochs names the first run's epochs (the span of
        // its decay), so that the first command line plus --extend-to resumes
        // a run that has been extended before
        int extend = gl_arg(&a, train_opts, "extend-to") != NULL;
        long planned = (long)gl_meta_num(cm, "epochs_option", (double)epochs);
        gl_resume_int(&r, "epochs", extend ? "decay_epochs" : "epochs_option", &epochs);
        gl_resume_int(&r, "seed", "seed", &seed);
        gl_resume_num(&r, "lr", "lr", &lr);
        gl_resume_num(&r, "lr-final", "lr_final", &lr_final);
        gl_resume_num(&r, "clip", "clip", &clip);
        gl_resume_int(&r, "warmup", "warmup", &warmup);
        decay_epochs = (long)gl_meta_num(cm, "decay_epochs", (double)epochs);
        if (extend) {
            long to;
            if (!gl_arg_int(&a, train_opts, "extend-to", 1, 100000, planned, &to)) { gl_draw_free(m); return 2; }
            if (to < planned) { fprintf(stderr, "glimpse: --extend-to %ld is fewer than the run's %ld epochs\n", to, planned); gl_draw_free(m); return 2; }
            epochs = to;
        }
        if (gl_resume_end(&r)) { gl_draw_free(m); return 1; }
        if (gl_meta_get(cm, "init_from")) snprintf(init_from, sizeof init_from, "%s", gl_meta_get(cm, "init_from"));
        const gl_draw_config *c = gl_draw_cfg(m);
        attention = c->attention;
        fprintf(stderr, "resuming %s at iteration %ld (%s, T=%d, read %d, write %d, enc %d, dec %d, z %d)\n", ckpt, it,
                c->attention ? "attention" : "no attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z);
    } else if (init) {
        // another run's weights, a new schedule: the sizes are the file's
        // (asked for otherwise: refused), the Adam moments start at zero
        m = gl_draw_load(init, 0);
        if (!m) { fprintf(stderr, "glimpse: --init: %s\n", gl_err()); return 1; }
        const gl_draw_config *c = gl_draw_cfg(m);
        const char *why = NULL;
        if ((gl_arg(&a, train_opts, "no-attention") && c->attention) || (gl_arg(&a, train_opts, "attention") && !c->attention)) why = "attention";
        else if (gl_arg(&a, train_opts, "steps") && T != c->T) why = "--steps";
        else if (c->attention && gl_arg(&a, train_opts, "read") && rn != c->read_n) why = "--read";
        else if (c->attention && gl_arg(&a, train_opts, "write") && wn != c->write_n) why = "--write";
        else if (gl_arg(&a, train_opts, "enc") && enc != c->enc) why = "--enc";
        else if (gl_arg(&a, train_opts, "dec") && dec != c->dec) why = "--dec";
        else if (gl_arg(&a, train_opts, "z") && z != c->z) why = "--z";
        if (why) {
            fprintf(stderr, "glimpse: --init %s: DRAW %s, T=%d, read %d, write %d, enc %d, dec %d, z %d: its %s differs from what was asked\n", init,
                    c->attention ? "with attention" : "without attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z, why);
            gl_draw_free(m); return 2;
        }
        attention = c->attention;
        if (!gl_arg(&a, train_opts, "out")) {   // the default follows the file's variant
            snprintf(out, sizeof out, "%s", default_weights(attention));
            if (!gl_arg(&a, train_opts, "checkpoint")) snprintf(ckpt, sizeof ckpt, "%s.ckpt", out);
            gl_clean_stale_tmp(ckpt);
            gl_clean_stale_tmp(out);
        }
        const gl_meta *fm = gl_draw_meta(m);
        const char *b = strrchr(init, '/');
        long fit = (long)gl_meta_num(fm, "iter", 0);
        if (gl_meta_get(fm, "train_cpu_seconds_from_step"))
            snprintf(init_from, sizeof init_from, "%s, iteration %ld (its CPU time counted from iteration %ld)", b ? b + 1 : init, fit,
                     (long)gl_meta_num(fm, "train_cpu_seconds_from_step", 0));
        else snprintf(init_from, sizeof init_from, "%s, iteration %ld", b ? b + 1 : init, fit);
        // weights that came from a --init run themselves: keep the chain
        const char *prev = gl_meta_get(fm, "init_from");
        if (prev) {
            size_t n = strlen(init_from);
            snprintf(init_from + n, sizeof init_from - n, "; that run started from %s", prev);
        }
        fprintf(stderr, "starting from %s (iteration %ld of its run; %s, T=%d, read %d, write %d, enc %d, dec %d, z %d): a fresh Adam, iterations from 0\n",
                init, fit, c->attention ? "attention" : "no attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z);
    } else {
        gl_draw_config c = { .attention = attention, .T = (int)T, .read_n = (int)rn, .write_n = (int)wn, .enc = (int)enc, .dec = (int)dec, .z = (int)z };
        m = gl_draw_new(&c, (uint64_t)seed);
        if (!m) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 2; }
    }
    gl_mnist tr = {0}, te = {0};
    if (load_binarized(gl_arg(&a, train_opts, "data"), "train", (int)limit, &tr)) { gl_draw_free(m); return 1; }
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    o.cfg = *gl_draw_cfg(m);
    o.batch = o.batch_option = batch; o.epochs = epochs; o.limit = limit; o.seed = seed;
    o.lr = lr; o.lr_final = lr_final; o.clip = clip; o.decay_epochs = decay_epochs; o.warmup = warmup;
    snprintf(o.init_from, sizeof o.init_from, "%s", init_from);
    gl_train *t = gl_draw_train_new(&o, m, it, prev_secs, &tr, NULL);
    if (t && resume) gl_train_resume_times(t, gl_draw_meta(gl_draw_train_model(t)));
    if (t && init) gl_train_init_times(t, gl_draw_meta(gl_draw_train_model(t)));
    if (!t) { fprintf(stderr, "glimpse: %s\n", gl_err()); gl_mnist_free(&tr); return 1; }
    long total = gl_train_total(t);
    int status = 0;
    int B = (int)batch < tr.n ? (int)batch : tr.n;
    long per_epoch = tr.n / B;
    draw_cli cli = { .t = t, .ckpt = ckpt, .every = every, .per_epoch = per_epoch, .minutes = minutes, .t0 = gl_now(), .last_ckpt = gl_now() };
    gl_progress_begin(&cli.p, "train draw", total);
    gl_progress_resume_at(&cli.p, it);
    cli.ckpt_step = it;
    stop_on_signals(&cli.stop);   // Ctrl-C: a checkpoint of the step at hand, not of the last periodic one
    if (gl_train_run(t, total, &cli.stop, draw_cli_report, &cli) < 0) { gl_progress_end(&cli.p); fprintf(stderr, "glimpse: training diverged at iteration %ld (bound %g)\n", gl_train_step_no(t), gl_train_last_loss(t)); status = 1; }
    else if (cli.failed) status = 1;
    it = gl_train_step_no(t);
    gl_progress_end(&cli.p);
    if (stop_signal() && !status) {
        // stopped by a signal: the checkpoint (if the last step came after
        // the report that saved it, once more) and nothing else: -o may hold
        // a finished run's weights that a half-trained model must not replace
        if (it != cli.ckpt_step && gl_train_checkpoint(t, ckpt)) { fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err()); status = 1; }
        else {
            fprintf(stderr, "glimpse: stopped (%s) at iteration %ld of %ld; %s holds it: go on with --resume\n",
                    stop_signal_word(), it, total, ckpt);
            status = 128 + stop_signal();
        }
    }
    stop_on_signals(NULL);
    if (!status) {
        double secs = gl_train_seconds(t);
        gl_meta meta = {0};
        gl_meta_set(&meta, "iter", "%ld", it);
        gl_meta_set(&meta, "epochs", "%.2f", (double)it / per_epoch);
        gl_train_meta_times(t, &meta);
        gl_meta_set(&meta, "batch", "%d", B);
        gl_meta_set(&meta, "lr", "%g", lr);
        gl_meta_set(&meta, "lr_final", "%g", lr_final);
        if (decay_epochs && decay_epochs != epochs) gl_meta_set(&meta, "decay_epochs", "%ld", decay_epochs);
        if (warmup) gl_meta_set(&meta, "warmup", "%ld", warmup);
        gl_meta_set(&meta, "binarize_seed", "%llu", (unsigned long long)GL_DRAW_BINARIZE_SEED);
        if (init_from[0]) gl_meta_set(&meta, "init_from", "%s", init_from);
        if (!gl_arg(&a, train_opts, "no-eval")) {
            if (load_binarized(gl_arg(&a, train_opts, "data"), "t10k", 0, &te)) status = 1;
            else {
                double rec, kl, b = dataset_bound(m, te.x, te.n, 12345, &rec, &kl);
                printf("test bound %.2f nats (reconstruction %.2f + KL %.2f) after %.2f epochs, %.0f s\n", b, rec, kl, (double)it / per_epoch, secs);
                gl_meta_set(&meta, "test_bound", "%.2f", b);
            }
        }
        if (!status && gl_draw_save(m, out, &meta, 0)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
        else if (!status) printf("wrote %s\n", out);
        gl_meta_free(&meta);
    }
    gl_train_free(t);   // and the model
    gl_mnist_free(&tr); gl_mnist_free(&te);
    return status;
}

// ---- eval ---------------------------------------------------------------------
static const gl_opt eval_opts[] = {
    { "weights", 1, "DRAW weights (default assets/draw-attention.safetensors)" },
    { "no-attention", 0, "evaluate the shipped no-attention model instead" },
    { "limit", 1, "use only the first N test images" },
    { "seed", 1, "seed of the ε samples (default 12345)" },
    { "data", 1, "MNIST directory" },
    { NULL, 0, NULL },
};

static gl_draw *load_model(const char *path) {
    gl_draw *m = gl_draw_load(path, 0);
    if (!m) fprintf(stderr, "glimpse: %s\n", gl_err());
    return m;
}

int cmd_eval_draw(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, eval_opts, "usage: glimpse eval draw [--weights FILE] [--limit N]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long limit, seed;
    if (!gl_arg_int(&a, eval_opts, "limit", 0, 10000, 0, &limit) || !gl_arg_int(&a, eval_opts, "seed", 0, 1L << 40, 12345, &seed)) return 2;
    const char *w = gl_arg(&a, eval_opts, "weights");
    gl_draw *m = load_model(w ? w : default_weights(!gl_arg(&a, eval_opts, "no-attention")));
    if (!m) return 1;
    gl_mnist te;
    if (load_binarized(gl_arg(&a, eval_opts, "data"), "t10k", (int)limit, &te)) { gl_draw_free(m); return 1; }
    double rec, kl, b = dataset_bound(m, te.x, te.n, (uint64_t)seed, &rec, &kl);
    printf("test bound %.2f nats per image (reconstruction %.2f + KL %.2f) on %d binarized test images\n", b, rec, kl, te.n);
    gl_mnist_free(&te);
    gl_draw_free(m);
    return 0;
}

// ---- draw ---------------------------------------------------------------------
static const gl_opt draw_opts[] = {
    { "o", 1, "output PNG" },
    { "seed", 1, "seed of the first sample (default 1); sample i uses seed+i" },
    { "grid", 1, "a GxG grid of samples (default 1)" },
    { "frames", 0, "one row per sample: the canvas at every step, write window drawn" },
    { "wrap", 1, "with --frames: at most this many steps a row (a sample takes several rows), each cell with the window's path so far" },
    { "json", 0, "print each step's attention parameters and canvas as JSON" },
    { "scale", 1, "pixels per canvas pixel (default 4, 2 for grids)" },
    { "digit", 1, "reconstruct binarized test digit I instead: read windows (green) on the input row, canvas and write windows (red) below" },
    { "weights", 1, "DRAW weights (default assets/draw-attention.safetensors)" },
    { "data", 1, "MNIST directory (for --digit)" },
    { NULL, 0, NULL },
};

static void json_window(gl_buf *j, const char *name, const gl_draw_window *w, int N) {
    gl_buf_printf(j, "\"%s\": {\"gx\": %.4f, \"gy\": %.4f, \"delta\": %.4f, \"sigma2\": %.4f, \"gamma\": %.4f, \"n\": %d}", name, w->gx, w->gy, w->delta, w->sigma2, w->gamma, N);
}

// Two rows of T cells: the input with each step's read window, and the
// canvas with each step's write window.
static int reconstruct_png(gl_draw *m, int index, const char *dir, int S, const char *out) {
    gl_mnist te;
    if (load_binarized(dir, "t10k", index + 1, &te)) return 1;
    const float *img = te.x + (size_t)index * GL_DRAW_D;
    const gl_draw_config *c = gl_draw_cfg(m);
    int cell = GL_DRAW_A * S, pad = 2, T = gl_draw_cfg(m)->T;
    if (image_size_check((long long)T * (cell + pad) + pad, 2LL * (cell + pad) + pad, "lower --scale")) { gl_mnist_free(&te); return 2; }
    gl_trace *tr = gl_draw_trace_new(m);
    float rec[GL_DRAW_D];
    gl_draw_reconstruct(m, img, 0, tr, NULL, rec);
    T = gl_trace_count(tr);
    if (!frames_finite(tr) || !gl_all_finite(rec, GL_DRAW_D)) {
        fprintf(stderr, "glimpse: DRAW produced non-finite values reconstructing digit %d (weights out of range?)\n", index);
        gl_trace_release(tr); gl_mnist_free(&te); return 1;
    }
    gl_image im = gl_image_new(T * (cell + pad) + pad, 2 * (cell + pad) + pad, 40, 40, 40);
    const gl_draw_frame *fr = T ? gl_trace_frame(tr, 0) : NULL;
    gl_draw_image_row(&im, pad, pad, S, pad, c, fr, T, img);
    gl_draw_image_row(&im, pad, 2 * pad + cell, S, pad, c, fr, T, NULL);
    int st = gl_image_save_png(&im, out) ? 1 : 0;
    if (st) fprintf(stderr, "glimpse: %s\n", gl_err());
    gl_image_free(&im);
    gl_trace_release(tr);
    gl_mnist_free(&te);
    return st;
}

int cmd_draw(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, draw_opts, "usage: glimpse draw -o OUT.png [--seed S] [--grid G] [--frames] [--json] [--digit I]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long seed, grid, scale;
    const char *out = gl_arg(&a, draw_opts, "o");
    int frames = gl_arg(&a, draw_opts, "frames") != NULL, json = gl_arg(&a, draw_opts, "json") != NULL;
    if (!gl_arg_int(&a, draw_opts, "seed", 0, 1L << 40, 1, &seed) || !gl_arg_int(&a, draw_opts, "grid", 1, 100, 1, &grid)) return 2;
    if (!gl_arg_int(&a, draw_opts, "scale", 1, 32, grid > 1 && !frames ? 2 : 4, &scale)) return 2;
    if (!out && !json) { fprintf(stderr, "glimpse: draw needs -o OUT.png or --json\n"); return 2; }
    const char *w = gl_arg(&a, draw_opts, "weights");
    gl_draw *m = load_model(w ? w : default_weights(1));
    if (!m) return 1;
    const gl_draw_config *c = gl_draw_cfg(m);
    if (gl_arg(&a, draw_opts, "digit")) {
        long di;
        if (!gl_arg_int(&a, draw_opts, "digit", 0, 9999, 0, &di)) { gl_draw_free(m); return 2; }
        if (!out) { fprintf(stderr, "glimpse: --digit needs -o OUT.png\n"); gl_draw_free(m); return 2; }
        int st = reconstruct_png(m, (int)di, gl_arg(&a, draw_opts, "data"), (int)scale, out);
        gl_draw_free(m);
        return st;
    }
    int ns = (int)(frames ? grid : grid * grid), T = c->T, S = (int)scale, cell = GL_DRAW_A * S, pad = 2;
    long wrap = T;
    if (gl_arg(&a, draw_opts, "wrap") && !frames) { fprintf(stderr, "glimpse: --wrap goes with --frames\n"); gl_draw_free(m); return 2; }
    if (!gl_arg_int(&a, draw_opts, "wrap", 1, 64, T, &wrap)) { gl_draw_free(m); return 2; }
    if (wrap > T) wrap = T;
    int rows = frames ? (T + (int)wrap - 1) / (int)wrap : 1;   // rows per sample
    if (out && image_size_check(frames ? (long long)wrap * (cell + pad) + pad : grid * (cell + pad) + pad,
                                (frames ? (long long)ns * rows : grid) * (long long)(cell + pad) + pad, "lower --grid or --scale")) { gl_draw_free(m); return 2; }
    gl_image im = frames ? gl_image_new((int)wrap * (cell + pad) + pad, ns * rows * (cell + pad) + pad, 40, 40, 40)
                         : gl_image_new((int)grid * (cell + pad) + pad, (int)grid * (cell + pad) + pad, 40, 40, 40);
    gl_buf j = {0};
    if (json) gl_buf_printf(&j, "{\"model\": \"draw\", \"attention\": %d, \"steps\": %d, \"read_n\": %d, \"write_n\": %d, \"samples\": [", c->attention, T, c->read_n, c->write_n);
    for (int s = 0; s < ns; s++) {
        gl_trace *tr = gl_draw_trace_new(m);
        float img[GL_DRAW_D];
        gl_draw_generate(m, (uint64_t)(seed + s), tr, NULL, img);
        if (!frames_finite(tr) || !gl_all_finite(img, GL_DRAW_D)) {
            fprintf(stderr, "glimpse: DRAW produced non-finite values for seed %ld (weights out of range?)\n", seed + s);
            gl_trace_release(tr); gl_buf_free(&j); gl_image_free(&im); gl_draw_free(m);
            return 1;
        }
        if (frames && wrap >= T) {
            if (gl_trace_count(tr)) gl_draw_image_row(&im, pad, pad + s * (cell + pad), S, pad, c, gl_trace_frame(tr, 0), gl_trace_count(tr), NULL);
        } else if (frames) {   // wrapped: each cell also shows the path of the write window so far
            const gl_draw_frame *fr = gl_trace_count(tr) ? gl_trace_frame(tr, 0) : NULL;
            for (int t = 0; fr && t < gl_trace_count(tr); t++) {
                int x = pad + (t % (int)wrap) * (cell + pad), y = pad + (s * rows + t / (int)wrap) * (cell + pad);
                gl_draw_image_cell(&im, x, y, S, fr[t].canvas, c->attention ? &fr[t].write : NULL, c->write_n, gl_draw_write_rgb);
                if (c->attention && t > 0) gl_draw_image_trail(&im, x, y, S, fr, t, t, 0, c->write_n, gl_draw_write_rgb);
            }
        } else {
            int gx = s % (int)grid, gy = s / (int)grid;
            gl_image_heat(&im, pad + gx * (cell + pad), pad + gy * (cell + pad), img, GL_DRAW_A, GL_DRAW_A, S, 0, 1, 1);
        }
        if (json) {
            gl_buf_printf(&j, "%s{\"seed\": %ld, \"steps\": [", s ? ", " : "", seed + s);
            for (int t = 0; t < gl_trace_count(tr); t++) {
                const gl_draw_frame *f = gl_trace_frame(tr, t);
                gl_buf_printf(&j, "%s{\"t\": %d, ", t ? ", " : "", t + 1);
                if (c->attention) { json_window(&j, "write", &f->write, c->write_n); gl_buf_printf(&j, ", "); }
                gl_buf_printf(&j, "\"canvas\": [");
                for (int k = 0; k < GL_DRAW_D; k++) gl_buf_printf(&j, "%s%.3f", k ? "," : "", f->canvas[k]);
                gl_buf_printf(&j, "]}");
            }
            gl_buf_printf(&j, "]}");
        }
        gl_trace_release(tr);
    }
    int status = 0;
    if (out && gl_image_save_png(&im, out)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    if (json) { gl_buf_printf(&j, "]}\n"); fwrite(j.s, 1, j.len, stdout); }
    gl_buf_free(&j);
    gl_image_free(&im);
    gl_draw_free(m);
    return status;
}

// ---- bench --------------------------------------------------------------------
static const gl_opt bench_opts[] = {
    { "weights", 1, "DRAW weights (default assets/draw-attention.safetensors)" },
    { "baseline", 1, "no-attention weights to compare (default assets/draw-noattention.safetensors)" },
    { "samples", 1, "generated digits for recognisability (default 1000)" },
    { "limit", 1, "test images for the bound (default all 10000)" },
    { "seed", 1, "seed of the first generated digit (default 1)" },
    { "data", 1, "MNIST directory" },
    { "no-twin", 0, "skip the PyTorch twin" },
    { NULL, 0, NULL },
};

int cmd_bench_draw(int argc, char **argv) {
    gl_args a;
    int rc = gl_args_parse(argc, argv, bench_opts, "usage: glimpse bench draw [--weights FILE] [--baseline FILE] [--samples N] [--limit N]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long samples, limit, seed;
    if (!gl_arg_int(&a, bench_opts, "samples", 1, 100000, 1000, &samples) || !gl_arg_int(&a, bench_opts, "limit", 1, 10000, 10000, &limit) ||
        !gl_arg_int(&a, bench_opts, "seed", 0, 1L << 40, 1, &seed)) return 2;
    const char *w = gl_arg(&a, bench_opts, "weights");
    char wpath[4096];
    snprintf(wpath, sizeof wpath, "%s", w ? w : default_weights(1));
    gl_draw *m = load_model(wpath);
    if (!m) return 1;
    const gl_draw_config *c = gl_draw_cfg(m);
    gl_mnist te;
    if (load_binarized(gl_arg(&a, bench_opts, "data"), "t10k", (int)limit, &te)) { gl_draw_free(m); return 1; }
    printf("DRAW %s, T=%d, read %dx%d, write %dx%d, LSTM %d/%d, z %d (%zu parameters)\n", c->attention ? "with attention" : "without attention",
           c->T, c->read_n, c->read_n, c->write_n, c->write_n, c->enc, c->dec, c->z, gl_params_count(gl_draw_params(m)));
    int twin_ok = !gl_arg(&a, bench_opts, "no-twin");
    printf("OpenBLAS kernels %s; vector kernels %s; per-step products %s; sgemm %.1f GFLOP/s on 1 thread, %.1f on 2\n",
           gl_bench_blas_core(), gl_vmath_target(), gl_wpack_target(), gl_bench_sgemm_rate(1), gl_bench_sgemm_rate(2));
    gl_par_set_threads(2);
    double t_bound = gl_now();
    double rec, kl, b = dataset_bound(m, te.x, te.n, 12345, &rec, &kl);
    t_bound = gl_now() - t_bound;
    gl_par_set_threads(0);
    printf("test bound:        %.2f nats (reconstruction %.2f + KL %.2f), %d binarized test images   target <= 84 (the paper: 80.97)\n", b, rec, kl, te.n);
    char why[512] = "skipped (--no-twin)", targs[4200];
    snprintf(targs, sizeof targs, "--weights '%s'", wpath);
    double tw = twin_ok && te.n == 10000 ? gl_bench_twin("draw_test_bound", 2, targs, "median_s", why, sizeof why) : NAN;
    if (twin_ok && te.n != 10000) snprintf(why, sizeof why, "only with all 10,000 test images");
    gl_bench_side_by_side("test-set bound, 2 threads", t_bound, tw, "s", 0, why);
    const char *bp = gl_arg(&a, bench_opts, "baseline");
    if (!bp) bp = default_weights(0);
    if (gl_file_exists(bp)) {
        gl_draw *nb = load_model(bp);
        if (nb) {
            const gl_draw_config *bc = gl_draw_cfg(nb);
            double bb = dataset_bound(nb, te.x, te.n, 12345, NULL, NULL);
            printf("no-attention:      %.2f nats (T=%d, LSTM %d/%d, z %d)   target: attention below it (%s)\n", bb, bc->T, bc->enc, bc->dec, bc->z, b < bb ? "met" : "NOT met");
            gl_draw_free(nb);
        }
    } else printf("no-attention:      (no baseline weights at %s)\n", bp);
    // speed: one generation, all T steps, on one thread (OpenBLAS's own
    // threads would only spin on these small products)
    openblas_set_num_threads(1);
    float img[GL_DRAW_D];
    gl_draw_generate(m, 0, NULL, NULL, img);
    enum { REPS = 1000 };
    double *ts = gl_malloc(sizeof(double) * REPS);
    for (int i = 0; i < REPS; i++) {
        double t0 = gl_now();
        gl_draw_generate(m, (uint64_t)i, NULL, NULL, img);
        ts[i] = (gl_now() - t0) * 1000;
    }
    double med = gl_percentile(ts, REPS, 50), p99 = gl_percentile(ts, REPS, 99);
    free(ts);
    printf("generation:        %.3f ms per digit, median of %d (p99 %.3f ms; all %d steps, one thread)   target <= 5 (%s)\n", med, REPS, p99, c->T, med <= 5 ? "met" : "NOT met");
    double tg = twin_ok ? gl_bench_twin("draw_generate", 1, targs, "median_ms", why, sizeof why) : NAN;
    gl_bench_side_by_side("one generation, 1 thread", med, tg, "ms", 0, why);
    // where the windows look: write windows of generations, read windows of reconstructions
    if (c->attention) {
        gl_draw_window_stats ws, rs;
        int nrec = te.n < (int)samples ? te.n : (int)samples;
        if (gl_draw_window_stats_of(m, (int)samples, (uint64_t)seed, NULL, &ws) == 0 &&
            gl_draw_window_stats_of(m, nrec, 0, te.x, &rs) == 0) {
            int every = c->T <= 16 ? 1 : c->T / 16;
            printf("windows (medians over %ld generations / %d reconstructed test digits; box side = (N-1)*delta in pixels of 28):\n", samples, nrec);
            printf("  step |  write box  centre (x, y)   moved   gamma |  read box  centre (x, y)   moved   gamma\n");
            for (int t = 0; t < c->T; t += every)
                printf("  %4d | %9.1f  (%5.1f, %5.1f)  %6.2f  %6.2f | %8.1f  (%5.1f, %5.1f)  %6.2f  %6.2f\n", t + 1,
                       ws.box[t], ws.gx[t], ws.gy[t], ws.travel[t], ws.gamma[t], rs.box[t], rs.gx[t], rs.gy[t], rs.travel[t], rs.gamma[t]);
            printf("write box side:    median %.1f px over all steps of %ld samples (range %.1f..%.1f)   target <= 12 (%s)\n",
                   ws.box_all, samples, ws.box_min, ws.box_max, ws.box_all <= 12 ? "met" : "NOT met");
            printf("write centre:      moves a median %.2f px per step; visits all four quadrants in %.1f%% of samples   target: most (%s)\n",
                   ws.travel_all, 100 * ws.quadrants_all, ws.quadrants_all > 0.5f ? "met" : "NOT met");
            printf("read box side:     median %.1f px (range %.1f..%.1f); centre moves a median %.2f px per step; all four quadrants in %.1f%% of digits\n",
                   rs.box_all, rs.box_min, rs.box_max, rs.travel_all, 100 * rs.quadrants_all);
        }
    }
    // recognisability by the shipped attention classifier
    gl_attn *cls = gl_attn_load(gl_asset_path("attention-softmax.safetensors"));
    if (!cls) printf("recognisable:      (no classifier: %s)\n", gl_err());
    else {
        int ok = 0, hist[10] = {0};
        gl_attn_frame fr[GL_ATTN_STEPS];
        for (long s = 0; s < samples; s++) {
            gl_draw_generate(m, (uint64_t)(seed + s), NULL, NULL, img);
            int k = gl_attn_run(cls, img, fr, NULL);
            if (fr[GL_ATTN_STEPS - 1].probs[k] >= 0.9f) ok++;
            hist[k]++;
        }
        printf("recognisable:      %.1f%% of %ld samples (seeds %ld..%ld) get class probability >= 0.9   target >= 85%%\n",
               100.0 * ok / samples, samples, seed, seed + samples - 1);
        printf("classes:          ");
        for (int k = 0; k < 10; k++) printf(" %d:%d", k, hist[k]);
        printf("\n");
        gl_attn_free(cls);
    }
    const gl_meta *meta = gl_draw_meta(m);
    if (gl_meta_get(meta, "train_seconds")) {
        // a run started with --init counts its own epochs: say what it started from
        const char *from = gl_meta_get(meta, "init_from");
        printf("training:          %.1f min in all, %s epochs%s%s (from the weights' metadata)\n",
               gl_meta_num(meta, "train_seconds", 0) / 60, gl_meta_get(meta, "epochs") ? gl_meta_get(meta, "epochs") : "?",
               from ? " of a run started from " : "", from ? from : "");
    }
    gl_mnist_free(&te);
    gl_draw_free(m);
    return 0;
}
