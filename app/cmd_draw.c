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
#include "gl_params.h"
#include "gif_export.h"
#include "gl_train.h"
#include "gl_util.h"
#include "resume.h"
#include "train_opts.h"
#include "stop_signal.h"
#include "train_cli.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WEIGHTS "draw-attention.safetensors"
#define DEFAULT_WEIGHTS_NOATT "draw-noattention.safetensors"

// Loads one MNIST split, binarized once with the fixed seed (train and test
// get different streams), or left as intensities (binarize 0: train draw
// --binarize fresh binarizes each epoch's images itself).
static int load_split(const char *dir, const char *split, int limit, int binarize, gl_mnist *m) {
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), split, m)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return -1; }
    if (limit > 0 && limit < m->n) m->n = limit;
    if (binarize)
        gl_draw_binarize(m->x, (size_t)m->n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + (strcmp(split, "train") ? 1 : 0));
    return 0;
}
static int load_binarized(const char *dir, const char *split, int limit, gl_mnist *m) {
    return load_split(dir, split, limit, 1, m);
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

static const char *default_weights(int attention) {
    return app_asset_path(attention ? DEFAULT_WEIGHTS : DEFAULT_WEIGHTS_NOATT);
}

// ---- train --------------------------------------------------------------------
// The progress line of a CLI run (train_cli.h): the mean bound of the last 50 iterations.
static void draw_cli_line(train_cli *c, const gl_train_report *r, double bound, double acc) {
    (void)acc;
    gl_progress_update(&c->p, r->step, "epoch %ld  bound %.2f nats",
                       r->step / c->per_epoch + (r->step % c->per_epoch ? 1 : 0), bound);
}

// One `train draw`: parse, prepare (a new model, --resume or --init), run,
// finish, then one cleanup.
typedef struct {
    app_args a;
    gl_draw_train_opts o;    // o.cfg: the sizes asked for (a loaded model's are its own)
    long every, it;          // it: the iteration the run starts at
    double minutes, prev_secs;
    int resume;
    const char *init;
    char out[4096], ckpt[4200];
    gl_draw *m;              // until the session takes it over
    gl_mnist tr, te;
    gl_train *t;
    char taken[512];         // the options taken from the checkpoint, said once it is known good
} draw_run;

#define HELP_SHOWN (-1)   // --help printed: exit 0 without running

static int draw_parse(draw_run *r, int argc, char **argv) {
    const app_opt *T = app_draw_train_table;
    app_args *a = &r->a;
    int rc = app_args_parse(
        argc, argv, T,
        "usage: glimpse train draw [--attention|--no-attention] [--steps T] [--read N] [--write N] [--resume] ...", a);
    if (rc) return rc < 0 ? 2 : HELP_SHOWN;
    if (app_opt_flag(a, T, "attention") && app_opt_flag(a, T, "no-attention")) {
        fprintf(stderr, "glimpse: --attention and --no-attention exclude each other\n"); return 2;
    }
    gl_draw_train_opts *o = &r->o;
    gl_draw_train_defaults(o);
    o->cfg = (gl_draw_config){.attention = !app_opt_flag(a, T, "no-attention"),
                              .T = (int)app_opt_long(a, T, "steps"),
                              .read_n = (int)app_opt_long(a, T, "read"),
                              .write_n = (int)app_opt_long(a, T, "write"),
                              .enc = (int)app_opt_long(a, T, "enc"),
                              .dec = (int)app_opt_long(a, T, "dec"),
                              .z = (int)app_opt_long(a, T, "z")};
    app_opts_into(a, T, app_draw_train_fields, o);
    o->batch_option = o->batch;
    o->warmup = app_opt_long(a, T, "warmup");
    o->lr_final = app_arg(a, T, "lr-final") ? app_opt_num(a, T, "lr-final") : o->lr;
    o->clip = app_opt_num(a, T, "clip");
    o->binarize_fresh = app_opt_long(a, T, "binarize") == 1;
    o->decay_epochs = 0;
    r->every = app_opt_long(a, T, "every");
    r->minutes = app_opt_num(a, T, "minutes");
    r->resume = app_opt_flag(a, T, "resume");
    r->init = app_opt_text(a, T, "init");
    if (app_arg(a, T, "extend-to") && !r->resume) {
        fprintf(stderr, "glimpse: --extend-to goes with --resume\n");
        return 2;
    }
    if (r->init && r->resume) {
        fprintf(stderr, "glimpse: --init starts a run and --resume continues one: give one of them\n");
        return 2;
    }
    const char *out = app_opt_text(a, T, "out"), *ck = app_opt_text(a, T, "checkpoint");
    snprintf(r->out, sizeof r->out, "%s", out ? out : default_weights(o->cfg.attention));
    if (ck) snprintf(r->ckpt, sizeof r->ckpt, "%s", ck);
    else snprintf(r->ckpt, sizeof r->ckpt, "%s.ckpt", r->out);
    return 0;
}

// --binarize on --resume: the checkpoint's (a run of before it was recorded:
// fixed, the command line's), or refused with both names when given otherwise.
static void draw_resume_binarize(draw_run *r, app_resume *rs, const gl_meta *cm) {
    const char *given = app_arg(&r->a, app_draw_train_table, "binarize"), *was = gl_meta_get(cm, "binarize");
    if (!rs->failed && given && was && (!strcmp(was, "fixed") || !strcmp(was, "fresh")) && strcmp(given, was)) {
        fprintf(stderr,
                "glimpse: %s was written with --binarize %s, not %s: resume with the same value (or leave the option "
                "out), or start without --resume\n", r->ckpt, was, given);
        rs->failed = 1;
        return;
    }
    long fresh = r->o.binarize_fresh;
    app_resume_int(rs, "binarize", "binarize", &fresh);
    r->o.binarize_fresh = fresh == 1;
}

// --resume's run options: the checkpoint's (each through its option's
// range), or refused when given otherwise. With --extend-to, --epochs names
// the first run's epochs (the span of its decay), so that the first command
// line plus --extend-to resumes a run that has been extended before.
static int draw_resume_opts(draw_run *r, const gl_meta *cm) {
    const app_opt *T = app_draw_train_table;
    gl_draw_train_opts *o = &r->o;
    int noatt = !gl_draw_cfg(r->m)->attention, att = !noatt, extend = app_arg(&r->a, T, "extend-to") != NULL;
    long steps = o->cfg.T, rn = o->cfg.read_n, wn = o->cfg.write_n, enc = o->cfg.enc, dec = o->cfg.dec, z = o->cfg.z;
    double planned = (double)o->epochs, decay = 0;
    if (app_stored_opt(cm, r->ckpt, "epochs_option", T, "epochs", &planned) < 0 ||
        app_stored_int(cm, r->ckpt, "iter", 0, APP_STEP_MAX, &r->it) < 0 ||
        app_stored_num(cm, r->ckpt, "train_seconds", 0, APP_SECONDS_MAX, &r->prev_secs) < 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err()); return 1;
    }
    app_resume rs;
    app_resume_begin(&rs, &r->a, T, cm, r->ckpt);
    app_resume_flag(&rs, "no-attention", "no_attention", &noatt);
    app_resume_flag(&rs, "attention", "attention", &att);
    app_resume_int(&rs, "steps", "steps", &steps);
    if (att) { app_resume_int(&rs, "read", "read_n", &rn); app_resume_int(&rs, "write", "write_n", &wn); }
    app_resume_int(&rs, "enc", "enc", &enc);
    app_resume_int(&rs, "dec", "dec", &dec);
    app_resume_int(&rs, "z", "z", &z);
    app_resume_int(&rs, "batch", "batch_option", &o->batch);
    app_resume_int(&rs, "limit", "limit", &o->limit);
    app_resume_int(&rs, "epochs", extend ? "decay_epochs" : "epochs_option", &o->epochs);
    app_resume_int(&rs, "seed", "seed", &o->seed);
    app_resume_num(&rs, "lr", "lr", &o->lr);
    app_resume_num(&rs, "lr-final", "lr_final", &o->lr_final);
    app_resume_num(&rs, "clip", "clip", &o->clip);
    app_resume_int(&rs, "warmup", "warmup", &o->warmup);
    draw_resume_binarize(r, &rs, cm);
    decay = (double)o->epochs;
    if (!rs.failed && app_stored_opt(cm, r->ckpt, "decay_epochs", T, "epochs", &decay) < 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err()); return 1;
    }
    o->decay_epochs = (long)decay;
    o->batch_option = o->batch;
    if (extend) {
        long to = app_opt_long(&r->a, T, "extend-to");
        if (to < (long)planned) {
            fprintf(stderr, "glimpse: --extend-to %ld is fewer than the run's %ld epochs\n", to, (long)planned);
            return 2;
        }
        o->epochs = to;
    }
    snprintf(r->taken, sizeof r->taken, "%s", rs.taken);
    return app_resume_check(&rs) ? 1 : 0;
}

static int draw_resume(draw_run *r) {
    r->m = gl_draw_load(r->ckpt, 1);
    if (!r->m) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); return 1; }
    const gl_meta *cm = gl_draw_meta(r->m);
    if (app_stored_counters_ok(cm, r->ckpt)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    int st = draw_resume_opts(r, cm);
    if (st) return st;
    if (gl_meta_get(cm, "init_from"))
        snprintf(r->o.init_from, sizeof r->o.init_from, "%s", gl_meta_get(cm, "init_from"));
    return 0;
}

// The first size --init's weights have otherwise than asked (NULL: none).
static const char *draw_init_differs(const draw_run *r, const gl_draw_config *c) {
    const app_opt *T = app_draw_train_table;
    const app_args *a = &r->a;
    const gl_draw_config *w = &r->o.cfg;
    if ((app_arg(a, T, "no-attention") && c->attention) || (app_arg(a, T, "attention") && !c->attention))
        return "attention";
    if (app_arg(a, T, "steps") && w->T != c->T) return "--steps";
    if (c->attention && app_arg(a, T, "read") && w->read_n != c->read_n) return "--read";
    if (c->attention && app_arg(a, T, "write") && w->write_n != c->write_n) return "--write";
    if (app_arg(a, T, "enc") && w->enc != c->enc) return "--enc";
    if (app_arg(a, T, "dec") && w->dec != c->dec) return "--dec";
    if (app_arg(a, T, "z") && w->z != c->z) return "--z";
    return NULL;
}

// --init: another run's weights, a new schedule: the sizes are the file's
// (asked for otherwise: refused), the Adam moments start at zero.
static int draw_init(draw_run *r) {
    const char *init = r->init;
    r->m = gl_draw_load(init, 0);
    if (!r->m) { fprintf(stderr, "glimpse: --init: %s\n", gl_err()); return 1; }
    const gl_draw_config *c = gl_draw_cfg(r->m);
    const char *why = draw_init_differs(r, c);
    if (why) {
        fprintf(stderr,
                "glimpse: --init %s: DRAW %s, T=%d, read %d, write %d, enc %d, dec %d, z %d: its %s differs from what "
                "was asked\n",
                init, c->attention ? "with attention" : "without attention", c->T, c->read_n, c->write_n, c->enc,
                c->dec, c->z, why);
        return 2;
    }
    if (!app_arg(&r->a, app_draw_train_table, "out")) {   // the default follows the file's variant
        snprintf(r->out, sizeof r->out, "%s", default_weights(c->attention));
        if (!app_arg(&r->a, app_draw_train_table, "checkpoint")) snprintf(r->ckpt, sizeof r->ckpt, "%s.ckpt", r->out);
    }
    const gl_meta *fm = gl_draw_meta(r->m);
    long fit = 0, from = 0;
    if (app_stored_counters_ok(fm, init) || app_stored_int(fm, init, "iter", 0, APP_STEP_MAX, &fit) < 0 ||
        app_stored_int(fm, init, "train_cpu_seconds_from_step", 0, APP_STEP_MAX, &from) < 0) {
        fprintf(stderr, "glimpse: --init: %s\n", gl_err()); return 1;
    }
    const char *b = strrchr(init, '/');
    char *dst = r->o.init_from;
    size_t cap = sizeof r->o.init_from;
    if (gl_meta_get(fm, "train_cpu_seconds_from_step"))
        snprintf(dst, cap, "%s, iteration %ld (its CPU time counted from iteration %ld)", b ? b + 1 : init, fit, from);
    else snprintf(dst, cap, "%s, iteration %ld", b ? b + 1 : init, fit);
    const char *prev = gl_meta_get(fm, "init_from");   // weights that came from a --init run themselves: keep the chain
    if (prev) { size_t n = strlen(dst); snprintf(dst + n, cap - n, "; that run started from %s", prev); }
    fprintf(stderr,
            "starting from %s (iteration %ld of its run; %s, T=%d, read %d, write %d, enc %d, dec %d, z %d): a fresh "
            "Adam, iterations from 0\n",
            init, fit, c->attention ? "attention" : "no attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z);
    return 0;
}

static int draw_prepare(draw_run *r) {
    int st = r->resume ? draw_resume(r) : r->init ? draw_init(r) : 0;
    if (st) return st;
    if (!r->m && !(r->m = gl_draw_new(&r->o.cfg, (uint64_t)r->o.seed))) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 2;
    }
    gl_clean_stale_tmp(r->ckpt);
    gl_clean_stale_tmp(r->out);
    if (load_split(app_opt_text(&r->a, app_draw_train_table, "data"), "train", (int)r->o.limit, !r->o.binarize_fresh,
                   &r->tr))
        return 1;
    r->o.cfg = *gl_draw_cfg(r->m);
    gl_draw *m = r->m;
    r->m = NULL;   // the session's now (freed by it, also when it cannot be made)
    r->t = gl_draw_train_new(&r->o, m, r->it, r->prev_secs, &r->tr, NULL);
    if (!r->t) { fprintf(stderr, "glimpse: %s%s\n", r->resume ? "cannot resume: " : "", gl_err()); return 1; }
    if (r->resume) {
        const gl_draw_config *c = gl_draw_cfg(gl_draw_train_model(r->t));
        app_resume_say(r->taken);
        fprintf(stderr, "resuming %s at iteration %ld (%s, T=%d, read %d, write %d, enc %d, dec %d, z %d)\n", r->ckpt,
                r->it, c->attention ? "attention" : "no attention", c->T, c->read_n, c->write_n, c->enc, c->dec, c->z);
        gl_train_resume_times(r->t, gl_draw_meta(gl_draw_train_model(r->t)));
    }
    if (r->init) gl_train_init_times(r->t, gl_draw_meta(gl_draw_train_model(r->t)));
    return 0;
}

static long draw_per_epoch(const draw_run *r) {
    int B = (int)r->o.batch < r->tr.n ? (int)r->o.batch : r->tr.n;
    return r->tr.n / B;
}

// The training loop. Stopped by a signal: the checkpoint (if the last step
// came after the report that saved it, once more) and nothing else: -o may
// hold a finished run's weights that a half-trained model must not replace.
// --minutes ends the loop and the weights are written.
static int draw_train_loop(draw_run *r) {
    train_cli cli = { .t = r->t, .ckpt = r->ckpt, .every = r->every, .per_epoch = draw_per_epoch(r),
                      .ckpt_step = r->it, .minutes = r->minutes, .loss_word = "bound", .line = draw_cli_line };
    return train_cli_run(&cli, "train draw");
}

// The weights' metadata, the test-set bound (unless --no-eval), then -o.
static int draw_finish(draw_run *r) {
    const gl_draw_train_opts *o = &r->o;
    gl_train *t = r->t;
    gl_draw *m = gl_draw_train_model(t);
    long it = gl_train_step_no(t), per_epoch = draw_per_epoch(r);
    double secs = gl_train_seconds(t);
    gl_meta meta = {0};
    gl_meta_set(&meta, "iter", "%ld", it);
    gl_meta_set(&meta, "epochs", "%.2f", (double)it / per_epoch);
    gl_train_meta_times(t, &meta);
    gl_meta_set(&meta, "batch", "%d", (int)o->batch < r->tr.n ? (int)o->batch : r->tr.n);
    gl_meta_set(&meta, "lr", "%g", o->lr);
    gl_meta_set(&meta, "lr_final", "%g", o->lr_final);
    if (o->decay_epochs && o->decay_epochs != o->epochs) gl_meta_set(&meta, "decay_epochs", "%ld", o->decay_epochs);
    if (o->warmup) gl_meta_set(&meta, "warmup", "%ld", o->warmup);
    gl_meta_set(&meta, "binarize_seed", "%llu", (unsigned long long)GL_DRAW_BINARIZE_SEED);
    gl_meta_set(&meta, "binarize", "%s", o->binarize_fresh ? "fresh" : "fixed");
    if (o->init_from[0]) gl_meta_set(&meta, "init_from", "%s", o->init_from);
    int status = 0;
    if (!app_arg(&r->a, app_draw_train_table, "no-eval")) {
        if (load_binarized(app_opt_text(&r->a, app_draw_train_table, "data"), "t10k", 0, &r->te)) status = 1;
        else {
            double rec, kl, b = dataset_bound(m, r->te.x, r->te.n, 12345, &rec, &kl);
            printf("test bound %.2f nats (reconstruction %.2f + KL %.2f) after %.2f epochs, %.0f s\n", b, rec, kl,
                   (double)it / per_epoch, secs);
            gl_meta_set(&meta, "test_bound", "%.2f", b);
        }
    }
    if (!status && gl_draw_save(m, r->out, &meta, 0)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    else if (!status) printf("wrote %s\n", r->out);
    gl_meta_free(&meta);
    return status;
}

int cmd_train_draw(int argc, char **argv) {
    draw_run r;
    memset(&r, 0, sizeof r);
    int status = draw_parse(&r, argc, argv);
    if (!status) status = draw_prepare(&r);
    if (!status) status = draw_train_loop(&r);
    if (!status) status = draw_finish(&r);
    gl_draw_free(r.m);
    gl_train_free(r.t);   // and the model
    gl_mnist_free(&r.tr); gl_mnist_free(&r.te);
    return status == HELP_SHOWN ? 0 : status;
}

// ---- eval ---------------------------------------------------------------------
static const app_opt eval_opts[] = {
    APP_TEXT("weights", "DRAW weights (default assets/draw-attention.safetensors)"),
    APP_FLAG("no-attention", "evaluate the shipped no-attention model instead"),
    APP_INT("limit", 0, 10000, "0", "use only the first N test images (0: all)"),
    APP_INT("seed", 0, 1099511627776.0, "12345", "seed of the ε samples"),
    APP_ENUM("split", "test|train", "test", "the images: the test set, or the first --limit (default 10,000) of the "
            "training set's fixed binary sample (the generalisation gap)"),
    APP_INT("binarize-seed", 0, 1099511627776.0, NULL, "binarize the same images with this seed instead of the fixed "
           "sample's (with --split train: how much of the bound is that sample's noise learnt by heart)"),
    APP_TEXT("data", "MNIST directory"),
    APP_OPT_END,
};

static gl_draw *load_model(const char *path) {
    gl_draw *m = gl_draw_load(path, 0);
    if (!m) fprintf(stderr, "glimpse: %s\n", gl_err());
    return m;
}

int cmd_eval_draw(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, eval_opts, "usage: glimpse eval draw [--weights FILE] [--limit N]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long limit = app_opt_long(&a, eval_opts, "limit"), seed = app_opt_long(&a, eval_opts, "seed");
    const char *w = app_arg(&a, eval_opts, "weights");
    gl_draw *m = load_model(w ? w : default_weights(!app_arg(&a, eval_opts, "no-attention")));
    if (!m) return 1;
    gl_mnist te;
    int train = app_opt_long(&a, eval_opts, "split") == 1;
    if (train && !limit) limit = 10000;
    int own = app_arg(&a, eval_opts, "binarize-seed") != NULL;
    if (load_split(app_arg(&a, eval_opts, "data"), train ? "train" : "t10k", (int)limit, !own, &te)) {
        gl_draw_free(m);
        return 1;
    }
    if (own) gl_draw_binarize(te.x, (size_t)te.n * GL_DRAW_D, (uint64_t)app_opt_long(&a, eval_opts, "binarize-seed"));
    double rec, kl, b = dataset_bound(m, te.x, te.n, (uint64_t)seed, &rec, &kl);
    char how[64] = "binarized";
    if (own) snprintf(how, sizeof how, "binarized with seed %ld", app_opt_long(&a, eval_opts, "binarize-seed"));
    printf("%s bound %.2f nats per image (reconstruction %.2f + KL %.2f) on %d %s %s images\n",
           train ? "train" : "test", b, rec, kl, te.n, how, train ? "training" : "test");
    gl_mnist_free(&te);
    gl_draw_free(m);
    return 0;
}

// ---- draw ---------------------------------------------------------------------
static const app_opt draw_opts[] = {
    APP_TEXT("o", "output PNG"),
    APP_INT("seed", 0, 1099511627776.0, "1", "seed of the first sample; sample i uses seed+i"),
    APP_INT("grid", 1, 100, "1", "a GxG grid of samples"),
    APP_FLAG("frames", "one row per sample: the canvas at every step, write window drawn"),
    APP_INT("wrap", 1, 64, NULL,
            "with --frames: at most this many steps a row (a sample takes several rows), each cell "
            "with the window's path so far"),
    APP_FLAG("json", "print each step's attention parameters and canvas as JSON"),
    APP_INT("scale", 1, 32, NULL, "pixels per canvas pixel (default 4, 2 for grids)"),
    APP_INT("digit", 0, 9999, NULL,
            "reconstruct binarized test digit I instead: read windows (green) on the input row, "
            "canvas and write windows (red) below"),
    APP_TEXT("weights", "DRAW weights (default assets/draw-attention.safetensors)"),
    APP_TEXT("data", "MNIST directory (for --digit)"),
    APP_TEXT("gif",
             "also write the run as an animated GIF: the canvas building up with the write window (with --digit: "
             "the input with the read window beside it), at the app's speed"),
    APP_OPT_END,
};

static void json_window(gl_buf *j, const char *name, const gl_draw_window *w, int N) {
    gl_buf_printf(j,
                  "\"%s\": {\"gx\": %.4f, \"gy\": %.4f, \"delta\": %.4f, \"sigma2\": %.4f, \"gamma\": %.4f, \"n\": %d}",
                  name, w->gx, w->gy, w->delta, w->sigma2, w->gamma, N);
}

// Two rows of T cells: the input with each step's read window, and the
// canvas with each step's write window.
static int reconstruct_png(gl_draw *m, int index, const char *dir, int S, const char *out, const char *gif) {
    gl_mnist te;
    if (load_binarized(dir, "t10k", index + 1, &te)) return 1;
    const float *img = te.x + (size_t)index * GL_DRAW_D;
    const gl_draw_config *c = gl_draw_cfg(m);
    int cell = GL_DRAW_A * S, pad = 2, T = gl_draw_cfg(m)->T;
    if (out && image_size_check((long long)T * (cell + pad) + pad, 2LL * (cell + pad) + pad, "lower --scale")) {
        gl_mnist_free(&te);
        return 2;
    }
    gl_trace *tr = gl_draw_trace_new(m);
    float rec[GL_DRAW_D];
    gl_draw_reconstruct(m, img, 0, tr, NULL, rec);
    T = gl_trace_count(tr);
    if (!frames_finite(tr) || !gl_all_finite(rec, GL_DRAW_D)) {
        fprintf(stderr, "glimpse: DRAW produced non-finite values reconstructing digit %d (weights out of range?)\n",
                index);
        gl_trace_release(tr); gl_mnist_free(&te); return 1;
    }
    gl_image im = gl_image_new(T * (cell + pad) + pad, 2 * (cell + pad) + pad, 40, 40, 40);
    const gl_draw_frame *fr = T ? gl_trace_frame(tr, 0) : NULL;
    gl_draw_image_row(&im, pad, pad, S, pad, c, fr, T, img);
    gl_draw_image_row(&im, pad, 2 * pad + cell, S, pad, c, fr, T, NULL);
    int st = out && gl_image_save_png(&im, out) ? 1 : 0;
    if (!st && gif && gif_draw_reconstruct(gif, m, img, S)) st = 1;
    if (st) fprintf(stderr, "glimpse: %s\n", gl_err());
    gl_image_free(&im);
    gl_trace_release(tr);
    gl_mnist_free(&te);
    return st;
}

// Where `glimpse draw` puts sample s: a grid cell of the final canvases, or
// (--frames) a row of its steps, wrapped after `wrap` steps.
typedef struct {
    int frames, grid, wrap, rows, S, cell, pad;
} draw_layout;

static void draw_sample_picture(gl_image *im, const draw_layout *l, const gl_draw_config *c, const gl_trace *tr,
                                const float *img, int s) {
    int S = l->S, cell = l->cell, pad = l->pad, n = gl_trace_count(tr);
    const gl_draw_frame *fr = n ? gl_trace_frame(tr, 0) : NULL;
    if (l->frames && l->wrap >= c->T) {
        if (n) gl_draw_image_row(im, pad, pad + s * (cell + pad), S, pad, c, fr, n, NULL);
    } else if (l->frames) {   // wrapped: each cell also shows the path of the write window so far
        for (int t = 0; fr && t < n; t++) {
            int x = pad + (t % l->wrap) * (cell + pad), y = pad + (s * l->rows + t / l->wrap) * (cell + pad);
            gl_draw_image_cell(im, x, y, S, fr[t].canvas, c->attention ? &fr[t].write : NULL, c->write_n,
                               gl_draw_write_rgb);
            if (c->attention && t > 0) gl_draw_image_trail(im, x, y, S, fr, t, t, 0, c->write_n, gl_draw_write_rgb);
        }
    } else {
        int gx = s % l->grid, gy = s / l->grid;
        gl_image_heat(im, pad + gx * (cell + pad), pad + gy * (cell + pad), img, GL_DRAW_A, GL_DRAW_A, S, 0, 1, 1);
    }
}

// --json: sample s's steps, each with its write window and canvas.
static void draw_sample_json(gl_buf *j, const gl_draw_config *c, const gl_trace *tr, long seed, int s) {
    gl_buf_printf(j, "%s{\"seed\": %ld, \"steps\": [", s ? ", " : "", seed);
    for (int t = 0; t < gl_trace_count(tr); t++) {
        const gl_draw_frame *f = gl_trace_frame(tr, t);
        gl_buf_printf(j, "%s{\"t\": %d, ", t ? ", " : "", t + 1);
        if (c->attention) { json_window(j, "write", &f->write, c->write_n); gl_buf_printf(j, ", "); }
        gl_buf_printf(j, "\"canvas\": [");
        for (int k = 0; k < GL_DRAW_D; k++) gl_buf_printf(j, "%s%.3f", k ? "," : "", f->canvas[k]);
        gl_buf_printf(j, "]}");
    }
    gl_buf_printf(j, "]}");
}

// The ns samples from seed on: each drawn into im by lay, and into j (may be NULL) as JSON.
// -1 (said on stderr) when the weights give non-finite values.
static int draw_samples(gl_draw *m, long seed, int ns, gl_image *im, const draw_layout *lay, gl_buf *j) {
    const gl_draw_config *c = gl_draw_cfg(m);
    for (int s = 0; s < ns; s++) {
        gl_trace *tr = gl_draw_trace_new(m);
        float img[GL_DRAW_D];
        gl_draw_generate(m, (uint64_t)(seed + s), tr, NULL, img);
        if (!frames_finite(tr) || !gl_all_finite(img, GL_DRAW_D)) {
            fprintf(stderr, "glimpse: DRAW produced non-finite values for seed %ld (weights out of range?)\n",
                    seed + s);
            gl_trace_release(tr);
            return -1;
        }
        draw_sample_picture(im, lay, c, tr, img, s);
        if (j) draw_sample_json(j, c, tr, seed + s, s);
        gl_trace_release(tr);
    }
    return 0;
}

int cmd_draw(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(
        argc, argv, draw_opts,
        "usage: glimpse draw -o OUT.png [--seed S] [--grid G] [--frames] [--json] [--digit I] [--gif OUT.gif]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long seed, grid, scale;
    const char *out = app_arg(&a, draw_opts, "o");
    int frames = app_arg(&a, draw_opts, "frames") != NULL, json = app_arg(&a, draw_opts, "json") != NULL;
    seed = app_opt_long(&a, draw_opts, "seed"); grid = app_opt_long(&a, draw_opts, "grid");
    scale = app_arg(&a, draw_opts, "scale") ? app_opt_long(&a, draw_opts, "scale") : grid > 1 && !frames ? 2 : 4;
    const char *gif = app_arg(&a, draw_opts, "gif");
    if (!out && !json && !gif) {
        fprintf(stderr, "glimpse: draw needs -o OUT.png, --gif OUT.gif or --json\n");
        return 2;
    }
    const char *w = app_arg(&a, draw_opts, "weights");
    gl_draw *m = load_model(w ? w : default_weights(1));
    if (!m) return 1;
    const gl_draw_config *c = gl_draw_cfg(m);
    if (app_arg(&a, draw_opts, "digit")) {
        long di = app_opt_long(&a, draw_opts, "digit");
        if (!out && !gif) {
            fprintf(stderr, "glimpse: --digit needs -o OUT.png or --gif OUT.gif\n");
            gl_draw_free(m);
            return 2;
        }
        int st = reconstruct_png(m, (int)di, app_arg(&a, draw_opts, "data"), (int)scale, out, gif);
        gl_draw_free(m);
        return st;
    }
    int ns = (int)(frames ? grid : grid * grid), T = c->T, S = (int)scale, cell = GL_DRAW_A * S, pad = 2;
    long wrap = T;
    if (app_arg(&a, draw_opts, "wrap") && !frames) {
        fprintf(stderr, "glimpse: --wrap goes with --frames\n");
        gl_draw_free(m);
        return 2;
    }
    if (app_arg(&a, draw_opts, "wrap")) wrap = app_opt_long(&a, draw_opts, "wrap");
    if (wrap > T) wrap = T;
    int rows = frames ? (T + (int)wrap - 1) / (int)wrap : 1;   // rows per sample
    draw_layout lay = { frames, (int)grid, (int)wrap, rows, S, cell, pad };
    if (out &&
        image_size_check(frames ? (long long)wrap * (cell + pad) + pad : grid * (cell + pad) + pad,
                         (frames ? (long long)ns * rows : grid) * (long long)(cell + pad) + pad,
                         "lower --grid or --scale")) {
        gl_draw_free(m);
        return 2;
    }
    gl_image im = frames ? gl_image_new((int)wrap * (cell + pad) + pad, ns * rows * (cell + pad) + pad, 40, 40, 40)
                         : gl_image_new((int)grid * (cell + pad) + pad, (int)grid * (cell + pad) + pad, 40, 40, 40);
    gl_buf j = {0};
    if (json)
        gl_buf_printf(
            &j,
            "{\"model\": \"draw\", \"attention\": %d, \"steps\": %d, \"read_n\": %d, \"write_n\": %d, \"samples\": [",
            c->attention, T, c->read_n, c->write_n);
    if (draw_samples(m, seed, ns, &im, &lay, json ? &j : NULL)) {
        gl_buf_free(&j); gl_image_free(&im); gl_draw_free(m);
        return 1;
    }
    int status = 0;
    if (out && gl_image_save_png(&im, out)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    if (!status && gif && gif_draw_generate(gif, m, (uint64_t)seed, ns, S)) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        status = 1;
    }
    if (json) { gl_buf_printf(&j, "]}\n"); fwrite(j.s, 1, j.len, stdout); }
    gl_buf_free(&j);
    gl_image_free(&im);
    gl_draw_free(m);
    return status;
}

// ---- bench --------------------------------------------------------------------
static const app_opt bench_opts[] = {
    APP_TEXT("weights", "DRAW weights (default assets/draw-attention.safetensors)"),
    APP_TEXT("baseline", "no-attention weights to compare (default assets/draw-noattention.safetensors)"),
    APP_INT("samples", 1, 100000, "1000", "generated digits for recognisability"),
    APP_INT("limit", 1, 10000, "10000", "test images for the bound"),
    APP_INT("seed", 0, 1099511627776.0, "1", "seed of the first generated digit"),
    APP_TEXT("data", "MNIST directory"),
    APP_FLAG("no-twin", "skip the PyTorch twin"),
    APP_OPT_END,
};

// The test-set bound on 2 threads beside the twin's, and the no-attention
// baseline's (--baseline).
static void bench_draw_bound(gl_draw *m, const gl_mnist *te, const app_args *a, const char *targs, int twin_ok) {
    gl_par_set_threads(2);
    double t_bound = gl_now();
    double rec, kl, b = dataset_bound(m, te->x, te->n, 12345, &rec, &kl);
    t_bound = gl_now() - t_bound;
    gl_par_set_threads(0);
    printf("test bound:        %.2f nats (reconstruction %.2f + KL %.2f), %d binarized test images   "
           "target <= 84 (the paper: 80.97)\n", b, rec, kl, te->n);
    char why[512] = "skipped (--no-twin)";
    double tw =
        twin_ok && te->n == 10000 ? app_bench_twin("draw_test_bound", 2, targs, "median_s", why, sizeof why) : NAN;
    if (twin_ok && te->n != 10000) snprintf(why, sizeof why, "only with all 10,000 test images");
    app_bench_side_by_side("test-set bound, 2 threads", t_bound, tw, "s", 0, why);
    const char *bp = app_arg(a, bench_opts, "baseline");
    if (!bp) bp = default_weights(0);
    if (!gl_file_exists(bp)) { printf("no-attention:      (no baseline weights at %s)\n", bp); return; }
    gl_draw *nb = load_model(bp);
    if (!nb) return;
    const gl_draw_config *bc = gl_draw_cfg(nb);
    double bb = dataset_bound(nb, te->x, te->n, 12345, NULL, NULL);
    printf("no-attention:      %.2f nats (T=%d, LSTM %d/%d, z %d)   target: attention below it (%s)\n", bb, bc->T,
           bc->enc, bc->dec, bc->z, b < bb ? "met" : "NOT met");
    gl_draw_free(nb);
}

// Speed: one generation, all T steps, on one thread (OpenBLAS's own threads
// would only spin on these small products), beside the twin's.
static void bench_draw_speed(gl_draw *m, const char *targs, int twin_ok) {
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
    printf("generation:        %.3f ms per digit, median of %d (p99 %.3f ms; all %d steps, one thread)   "
           "target <= 5 (%s)\n", med, REPS, p99, gl_draw_cfg(m)->T, med <= 5 ? "met" : "NOT met");
    char why[512] = "skipped (--no-twin)";
    double tg = twin_ok ? app_bench_twin("draw_generate", 1, targs, "median_ms", why, sizeof why) : NAN;
    app_bench_side_by_side("one generation, 1 thread", med, tg, "ms", 0, why);
}

// Where the windows look: write windows of generations, read windows of reconstructions.
static void bench_draw_windows(gl_draw *m, const gl_mnist *te, long samples, long seed) {
    const gl_draw_config *c = gl_draw_cfg(m);
    gl_draw_window_stats ws, rs;
    int nrec = te->n < (int)samples ? te->n : (int)samples;
    if (gl_draw_window_stats_of(m, (int)samples, (uint64_t)seed, NULL, &ws) ||
        gl_draw_window_stats_of(m, nrec, 0, te->x, &rs))
        return;
    int every = c->T <= 16 ? 1 : c->T / 16;
    printf("windows (medians over %ld generations / %d reconstructed test digits; box side = (N-1)*delta in pixels "
           "of 28):\n", samples, nrec);
    printf("  step |  write box  centre (x, y)   moved   gamma |  read box  centre (x, y)   moved   gamma\n");
    for (int t = 0; t < c->T; t += every)
        printf("  %4d | %9.1f  (%5.1f, %5.1f)  %6.2f  %6.2f | %8.1f  (%5.1f, %5.1f)  %6.2f  %6.2f\n", t + 1,
               ws.box[t], ws.gx[t], ws.gy[t], ws.travel[t], ws.gamma[t], rs.box[t], rs.gx[t], rs.gy[t], rs.travel[t],
               rs.gamma[t]);
    printf("write box side:    median %.1f px over all steps of %ld samples (range %.1f..%.1f)   target <= 12 (%s)\n",
           ws.box_all, samples, ws.box_min, ws.box_max, ws.box_all <= 12 ? "met" : "NOT met");
    printf("write centre:      moves a median %.2f px per step; visits all four quadrants in %.1f%% of samples   "
           "target: most (%s)\n", ws.travel_all, 100 * ws.quadrants_all, ws.quadrants_all > 0.5f ? "met" : "NOT met");
    printf("write selectivity: all four quadrants with a 1-px dead band at the middle lines in %.1f%% of samples; "
           "path of the centre a median %.1f px; %.1f%% of steps with a box <= 12 px\n",
           100 * ws.quadrants_dead, ws.path_all, 100 * ws.small_box_share);
    printf("read box side:     median %.1f px (range %.1f..%.1f); centre moves a median %.2f px per step; all four "
           "quadrants in %.1f%% of digits\n", rs.box_all, rs.box_min, rs.box_max, rs.travel_all,
           100 * rs.quadrants_all);
}

// Recognisability by the shipped attention classifier.
static void bench_draw_recognisable(gl_draw *m, long samples, long seed) {
    gl_attn *cls = gl_attn_load(app_asset_path("attention-softmax.safetensors"));
    if (!cls) { printf("recognisable:      (no classifier: %s)\n", gl_err()); return; }
    int ok = 0, hist[10] = {0};
    float img[GL_DRAW_D];
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

int cmd_bench_draw(int argc, char **argv) {
    app_args a;
    int rc =
        app_args_parse(argc, argv, bench_opts,
                      "usage: glimpse bench draw [--weights FILE] [--baseline FILE] [--samples N] [--limit N]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long samples = app_opt_long(&a, bench_opts, "samples"), limit = app_opt_long(&a, bench_opts, "limit");
    long seed = app_opt_long(&a, bench_opts, "seed");
    const char *w = app_arg(&a, bench_opts, "weights");
    char wpath[4096];
    snprintf(wpath, sizeof wpath, "%s", w ? w : default_weights(1));
    gl_draw *m = load_model(wpath);
    if (!m) return 1;
    const gl_draw_config *c = gl_draw_cfg(m);
    gl_mnist te;
    if (load_binarized(app_arg(&a, bench_opts, "data"), "t10k", (int)limit, &te)) { gl_draw_free(m); return 1; }
    printf("DRAW %s, T=%d, read %dx%d, write %dx%d, LSTM %d/%d, z %d (%zu parameters)\n",
           c->attention ? "with attention" : "without attention", c->T, c->read_n, c->read_n, c->write_n, c->write_n,
           c->enc, c->dec, c->z, gl_params_count(gl_draw_params(m)));
    int twin_ok = !app_arg(&a, bench_opts, "no-twin");
    printf("OpenBLAS kernels %s; vector kernels %s; per-step products %s; sgemm %.1f GFLOP/s on 1 thread, %.1f on 2\n",
           app_bench_blas_core(), gl_vmath_target(), gl_wpack_target(), app_bench_sgemm_rate(1),
           app_bench_sgemm_rate(2));
    char targs[4200];
    snprintf(targs, sizeof targs, "--weights '%s'", wpath);
    bench_draw_bound(m, &te, &a, targs, twin_ok);
    bench_draw_speed(m, targs, twin_ok);
    if (c->attention) bench_draw_windows(m, &te, samples, seed);
    bench_draw_recognisable(m, samples, seed);
    const gl_meta *meta = gl_draw_meta(m);
    if (gl_meta_get(meta, "train_seconds")) {
        // a run started with --init counts its own epochs: say what it started from
        const char *from = gl_meta_get(meta, "init_from");
        printf("training:          %.1f min in all, %s epochs%s%s (from the weights' metadata)\n",
               gl_meta_num(meta, "train_seconds", 0) / 60,
               gl_meta_get(meta, "epochs") ? gl_meta_get(meta, "epochs") : "?", from ? " of a run started from " : "",
               from ? from : "");
    }
    gl_mnist_free(&te);
    gl_draw_free(m);
    return 0;
}
