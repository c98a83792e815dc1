// Cluttered-MNIST subcommands: train cluttered, eval cluttered, bench
// cluttered, find.
#include "args.h"
#include "bench.h"
#include "gif_export.h"
#include "gl_clut_figure.h"
#include "gl_image.h"
#include "gl_json.h"
#include "cli.h"
#include "gl_mnist.h"
#include "gl_par.h"
#include "gl_progress.h"
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

#define WEIGHTS_ATT "cluttered-attention.safetensors"
#define WEIGHTS_NOATT "cluttered-noattention.safetensors"
static const char *default_weights(int attention) { return app_asset_path(attention ? WEIGHTS_ATT : WEIGHTS_NOATT); }

static int load_split(const char *dir, const char *split, gl_mnist *m) {
    if (gl_mnist_load(dir ? dir : gl_mnist_dir(), split, m)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return -1; }
    return 0;
}

// ---- train --------------------------------------------------------------------

static void clut_cli_line(train_cli *c, const gl_train_report *r, double loss, double acc) {
    gl_progress_update(&c->p, r->step, "epoch %d  loss %.4f  train error %.2f%%  lr %.2g", r->epoch, loss,
                       100 * (1 - acc), r->lr);
}

static void clut_cli_eval(train_cli *c, const gl_train_report *r) {
    fprintf(stderr, "iteration %ld (epoch %.2f): test error %.2f%% on %d images, cross-entropy %.4f\n", r->step,
            (double)r->step / c->per_epoch, 100 * (1 - r->eval_acc), r->eval_n, r->eval_loss);
}

typedef struct {
    app_args a;
    gl_clut_train_opts o;
    long every, eval_every, eval_n;
    double minutes;
    char out[4096], ckpt[4200];
    char taken[512], resuming[4400];   // said once the run is set up (a refused run says one line: why)
    int resume;
    const char *init;
} train_args;

// Options -> ta; 0, or the exit status of a usage error or --help.
static int train_parse(int argc, char **argv, train_args *ta) {
    app_args *a = &ta->a;
    int rc = app_args_parse(argc, argv, app_clut_train_table,
                           "usage: glimpse train cluttered [--no-attention] [--epochs E] [--resume | --init W] ...", a);
    if (rc) return rc < 0 ? 2 : -1;
    gl_clut_train_opts *o = &ta->o;
    gl_clut_train_defaults(o);
    long T = app_opt_long(a, app_clut_train_table, "glimpses"), N = app_opt_long(a, app_clut_train_table, "read");
    long H = app_opt_long(a, app_clut_train_table, "hidden");
    app_opts_into(a, app_clut_train_table, app_clut_train_fields, o);
    ta->every = app_opt_long(a, app_clut_train_table, "every");
    ta->eval_every = app_opt_long(a, app_clut_train_table, "eval-every");
    ta->eval_n = app_opt_long(a, app_clut_train_table, "eval-n");
    ta->minutes = app_opt_num(a, app_clut_train_table, "minutes");
    o->cfg = (gl_clut_config){ .attention = !app_arg(a, app_clut_train_table, "no-attention"), .T = (int)T, .N = (int)N,
                               .hidden = (int)H };
    const char *out = app_arg(a, app_clut_train_table, "out");
    snprintf(ta->out, sizeof ta->out, "%s", out ? out : default_weights(o->cfg.attention));
    const char *ck = app_arg(a, app_clut_train_table, "checkpoint");
    if (ck) snprintf(ta->ckpt, sizeof ta->ckpt, "%s", ck);
    else snprintf(ta->ckpt, sizeof ta->ckpt, "%s.ckpt", ta->out);
    ta->resume = app_arg(a, app_clut_train_table, "resume") != NULL;
    ta->init = app_arg(a, app_clut_train_table, "init");
    if (ta->init && ta->resume) {
        fprintf(stderr, "glimpse: --init starts a run and --resume continues one: give one of them\n");
        return 2;
    }
    return 0;
}

// The checkpoint's run options, or refused when given otherwise; 0, or the exit status.
static int train_resume(train_args *ta, gl_clut **m, long *it) {
    *m = gl_clut_load(ta->ckpt, 1);
    if (!*m) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); return 1; }
    const gl_meta *cm = gl_clut_meta(*m);
    if (app_stored_int(cm, ta->ckpt, "iter", 0, APP_STEP_MAX, it) != 1) {
        fprintf(stderr, "glimpse: cannot resume: %s\n",
                gl_meta_get(cm, "iter") ? gl_err() : "the checkpoint has no 'iter'");
        return 1;
    }
    gl_clut_train_opts *o = &ta->o;
    const gl_clut_config *c = gl_clut_cfg(*m);
    int noatt = !c->attention;
    long T = o->cfg.T, N = o->cfg.N, H = o->cfg.hidden;
    app_resume r;
    app_resume_begin(&r, &ta->a, app_clut_train_table, cm, ta->ckpt);
    app_resume_flag(&r, "no-attention", "no_attention", &noatt);
    app_resume_int(&r, "glimpses", "glimpses", &T);
    app_resume_int(&r, "read", "read_n", &N);
    app_resume_int(&r, "hidden", "hidden", &H);
    app_resume_int(&r, "batch", "batch", &o->batch);
    app_resume_int(&r, "epochs", "epochs_option", &o->epochs);
    app_resume_int(&r, "limit", "limit", &o->limit);
    app_resume_int(&r, "seed", "seed", &o->seed);
    app_resume_int(&r, "clutter", "clutter", &o->clutter);
    app_resume_int(&r, "warmup", "warmup", &o->warmup);
    app_resume_num(&r, "lr", "lr", &o->lr);
    app_resume_num(&r, "lr-final", "lr_final", &o->lr_final);
    app_resume_num(&r, "clip", "clip", &o->clip);
    if (app_resume_check(&r)) return 1;
    if (app_stored_counters_ok(cm, ta->ckpt)) { fprintf(stderr, "glimpse: cannot resume: %s\n", gl_err()); return 1; }
    snprintf(ta->taken, sizeof ta->taken, "%s", r.taken);
    o->cfg = *c;
    const char *ifrom = gl_meta_get(cm, "init_from");
    if (ifrom) snprintf(o->init_from, sizeof o->init_from, "%s", ifrom);
    snprintf(ta->resuming, sizeof ta->resuming, "resuming %s at iteration %ld (%s, T=%d, N=%d, %d cells)", ta->ckpt,
             *it, c->attention ? "attention" : "no attention", c->T, c->N, c->hidden);
    return 0;
}

static int train_init(train_args *ta, gl_clut **m) {
    *m = gl_clut_load(ta->init, 0);
    if (!*m) { fprintf(stderr, "glimpse: --init: %s\n", gl_err()); return 1; }
    const gl_clut_config *c = gl_clut_cfg(*m);
    const app_args *a = &ta->a;
    const gl_clut_train_opts *o = &ta->o;
    if ((app_arg(a, app_clut_train_table, "no-attention") && c->attention) ||
        (app_arg(a, app_clut_train_table, "glimpses") && o->cfg.T != c->T) ||
        (app_arg(a, app_clut_train_table, "read") && o->cfg.N != c->N) ||
        (app_arg(a, app_clut_train_table, "hidden") && o->cfg.hidden != c->hidden)) {
        fprintf(stderr, "glimpse: --init %s: %s, T=%d, N=%d, %d cells: not the model asked for\n", ta->init,
                c->attention ? "attention" : "no attention", c->T, c->N, c->hidden);
        return 2;
    }
    ta->o.cfg = *c;
    if (!app_arg(a, app_clut_train_table, "out")) {
        snprintf(ta->out, sizeof ta->out, "%s", default_weights(c->attention));
        if (!app_arg(a, app_clut_train_table, "checkpoint")) snprintf(ta->ckpt, sizeof ta->ckpt, "%s.ckpt", ta->out);
    }
    const char *b = strrchr(ta->init, '/');
    long fit = (long)gl_meta_num(gl_clut_meta(*m), "iter", 0);
    snprintf(ta->o.init_from, sizeof ta->o.init_from, "%s, iteration %ld", b ? b + 1 : ta->init, fit);
    fprintf(stderr, "starting from %s: a fresh Adam, iterations from 0\n", ta->init);
    return 0;
}

// Test error on all 10,000 fixed test images, into meta and stdout.
static int final_eval(gl_clut *m, const gl_mnist *te, int clutter, gl_meta *meta) {
    gl_clut_score s;
    if (gl_clut_evaluate(m, te, te->n, clutter, NULL, &s)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
    printf("test error %.2f%% on %d images (cross-entropy %.4f); last box holds the digit's centre in %.1f%%, median "
           "last box %.1f px\n", 100 * s.err, s.n, s.loss, 100 * s.found, s.box_median);
    gl_meta_set(meta, "test_error", "%.4f", s.err);
    gl_meta_set(meta, "test_found", "%.4f", s.found);
    gl_meta_set(meta, "test_box_median", "%.2f", s.box_median);
    return 0;
}

static int train_finish(train_args *ta, gl_train *t, const gl_mnist *te) {
    gl_clut *m = gl_clut_train_model(t);
    long it = gl_train_step_no(t), per_epoch = gl_clut_train_per_epoch(t);
    const gl_clut_train_opts *o = &ta->o;
    gl_meta meta = {0};
    gl_meta_set(&meta, "iter", "%ld", it);
    gl_meta_set(&meta, "epochs", "%.2f", (double)it / per_epoch);
    gl_train_meta_times(t, &meta);
    gl_meta_set(&meta, "batch", "%ld", o->batch);
    gl_meta_set(&meta, "lr", "%g", o->lr);
    gl_meta_set(&meta, "lr_final", "%g", o->lr_final);
    gl_meta_set(&meta, "clip", "%g", o->clip);
    gl_meta_set(&meta, "clutter", "%ld", o->clutter);
    gl_meta_set(&meta, "seed", "%ld", o->seed);
    if (o->init_from[0]) gl_meta_set(&meta, "init_from", "%s", o->init_from);
    int status = 0;
    if (!app_arg(&ta->a, app_clut_train_table, "no-eval")) status = final_eval(m, te, (int)o->clutter, &meta);
    if (!status && gl_clut_save(m, ta->out, &meta, 0)) { fprintf(stderr, "glimpse: %s\n", gl_err()); status = 1; }
    else if (!status) printf("wrote %s (%.2f epochs, %.0f s)\n", ta->out, (double)it / per_epoch, gl_train_seconds(t));
    gl_meta_free(&meta);
    return status;
}

// The training loop; stopped by a signal or --minutes: the checkpoint only (-1, or the signal's status).
static int train_run(train_args *ta, gl_train *t, const gl_mnist *te) {
    long per_epoch = gl_clut_train_per_epoch(t);
    gl_train_set_eval(t, ta->eval_every > 0 ? ta->eval_every : per_epoch, (int)ta->eval_n);
    train_cli cli = { .t = t, .ckpt = ta->ckpt, .every = ta->every, .per_epoch = per_epoch,
                      .ckpt_step = gl_train_step_no(t), .minutes = ta->minutes, .minutes_stops = 1,
                      .loss_word = "loss", .line = clut_cli_line, .eval = clut_cli_eval };
    int status = train_cli_run(&cli, "train cluttered");
    return status ? status : train_finish(ta, t, te);
}

int cmd_train_cluttered(int argc, char **argv) {
    train_args ta;
    memset(&ta, 0, sizeof ta);
    int rc = train_parse(argc, argv, &ta);
    if (rc) return rc < 0 ? 0 : rc;
    gl_clean_stale_tmp(ta.ckpt);
    gl_clean_stale_tmp(ta.out);
    gl_clut *m = NULL;
    long it = 0;
    if (ta.resume) rc = train_resume(&ta, &m, &it);
    else if (ta.init) rc = train_init(&ta, &m);
    if (rc) { gl_clut_free(m); return rc; }
    gl_mnist tr = {0}, te = {0};
    if (load_split(app_arg(&ta.a, app_clut_train_table, "data"), "train", &tr) ||
        load_split(app_arg(&ta.a, app_clut_train_table, "data"), "t10k", &te)) {
        gl_clut_free(m); gl_mnist_free(&tr); gl_mnist_free(&te);
        return 1;
    }
    gl_train *t = gl_clut_train_new(&ta.o, m, it, &tr, &te);   // takes m over
    if (!t) {
        fprintf(stderr, "glimpse: %s%s\n", ta.resume ? "cannot resume: " : "", gl_err());
        gl_mnist_free(&tr); gl_mnist_free(&te);
        return 1;
    }
    if (ta.resume) {
        app_resume_say(ta.taken);
        fprintf(stderr, "%s\n", ta.resuming);
    }
    gl_clut *tm = gl_clut_train_model(t);
    if (ta.resume) gl_train_resume_times(t, gl_clut_meta(tm));
    if (ta.init) gl_train_init_times(t, gl_clut_meta(tm));
    rc = train_run(&ta, t, &te);
    gl_train_free(t);
    gl_mnist_free(&tr); gl_mnist_free(&te);
    return rc < 0 ? 0 : rc;
}

// ---- eval ---------------------------------------------------------------------
static const app_opt eval_opts[] = {
    APP_TEXT("weights", "weights (default assets/cluttered-attention.safetensors)"),
    APP_FLAG("no-attention", "evaluate the shipped no-attention model instead"),
    APP_INT("limit", 1, 10000, "10000", "use only the first N fixed test images"),
    APP_INT("clutter", 0, GL_CLUT_CLUTTER_MAX, "8", "fragments per image (8: the fixed test set's)"),
    APP_FLAG("steps", "also the error after each glimpse (the probes) and the median box side"),
    APP_TEXT("data", "MNIST directory"),
    APP_OPT_END,
};

gl_clut *cluttered_load_weights(const char *path, int attention) {
    const char *p = path ? path : default_weights(attention);
    gl_clut *m = gl_clut_load(p, 0);
    if (!m) fprintf(stderr, "glimpse: %s\n", gl_err());
    return m;
}

int cmd_eval_cluttered(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, eval_opts,
                           "usage: glimpse eval cluttered [--weights W | --no-attention] [--limit N]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long limit = app_opt_long(&a, eval_opts, "limit"), clutter = app_opt_long(&a, eval_opts, "clutter");
    if (app_arg(&a, eval_opts, "weights") && app_arg(&a, eval_opts, "no-attention")) {
        fprintf(stderr, "glimpse: --weights and --no-attention exclude each other\n");
        return 2;
    }
    gl_clut *m = cluttered_load_weights(app_arg(&a, eval_opts, "weights"), !app_arg(&a, eval_opts, "no-attention"));
    if (!m) return 1;
    gl_mnist te = {0};
    if (load_split(app_arg(&a, eval_opts, "data"), "t10k", &te)) { gl_clut_free(m); return 1; }
    gl_clut_score s;
    rc = gl_clut_evaluate(m, &te, (int)limit, (int)clutter, NULL, &s);
    if (rc) fprintf(stderr, "glimpse: %s\n", gl_err());
    else {
        printf("test error %.2f%%\n", 100 * s.err);
        printf("on %d fixed test images (%ld fragments each); cross-entropy %.4f\n", s.n, clutter, s.loss);
        printf("last box holds the digit's centre: %.1f%%; median last box side %.1f px\n", 100 * s.found,
               s.box_median);
        if (app_arg(&a, eval_opts, "steps"))
            for (int t = 0; t < gl_clut_cfg(m)->T; t++)
                printf("after glimpse %d: error %.2f%%, median box %.1f px\n", t + 1, 100 * s.err_t[t], s.box_t[t]);
        if (fflush(stdout) || ferror(stdout)) { fprintf(stderr, "glimpse: writing the result failed\n"); rc = -1; }
    }
    gl_clut_free(m);
    gl_mnist_free(&te);
    return rc ? 1 : 0;
}

// ---- find ---------------------------------------------------------------------
static const app_opt find_opts[] = {
    APP_TEXT("image", "a 100x100 greyscale PNG or PGM (light ink on dark, or dark on light)"),
    APP_INT("index", 0, 9999, "0", "instead of --image: fixed test image K, as eval cluttered scores it"),
    APP_INT("clutter", 0, GL_CLUT_CLUTTER_MAX, "8", "with --index: fragments (8: the fixed test set's)"),
    APP_INT("grid", 1, 256, "1",
           "with --index and --png: a grid of G fixed test images from K on, each with its glimpses"),
    APP_FLAG("json", "print the class, the probabilities after each glimpse and each glimpse's window as JSON"),
    APP_FLAG("hidden", "with --json: also the LSTM state h after each glimpse (its first 256 cells)"),
    APP_TEXT("png", "write the figure: the image with the glimpses' boxes and path, and the patches under it"),
    APP_TEXT("gif",
            "write the search as an animated GIF: the image with the boxes up to each glimpse, 2 glimpses a second"),
    APP_TEXT("weights", "weights (default assets/cluttered-attention.safetensors)"),
    APP_FLAG("no-attention", "the shipped no-attention model instead"),
    APP_TEXT("data", "MNIST directory (for --index)"),
    APP_OPT_END,
};

static int find_input(const app_args *a, float *img, int *label, gl_clut_place *where) {
    const char *path = app_arg(a, find_opts, "image");
    long index = app_opt_long(a, find_opts, "index"), clutter = app_opt_long(a, find_opts, "clutter");
    if (path) {
        float *g = NULL;
        int w = 0, h = 0;
        if (gl_image_load_grey(path, &g, &w, &h)) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }
        if (w != GL_CLUT_A || h != GL_CLUT_A) {
            fprintf(stderr, "glimpse: %s is %dx%d; the search reads 100x100 images (cluttered MNIST)\n", path, w, h);
            free(g);
            return 1;
        }
        memcpy(img, g, sizeof(float) * GL_CLUT_D);
        free(g);
        *label = -1;
        return 0;
    }
    gl_mnist te = {0};
    if (load_split(app_arg(a, find_opts, "data"), "t10k", &te)) return 1;
    if (index >= te.n) {
        fprintf(stderr, "glimpse: --index %ld: the test set has %d images\n", index, te.n);
        gl_mnist_free(&te);
        return 2;
    }
    gl_clut_make(img, &te, (int)index, (int)clutter, gl_clut_test_seed((int)index), where);
    *label = te.y[index];
    gl_mnist_free(&te);
    return 0;
}

static void find_json(gl_buf *j, const gl_clut *m, const gl_clut_frame *fr, int cls, int label,
                      const gl_clut_place *where, int hidden) {
    const gl_clut_config *c = gl_clut_cfg(m);
    gl_buf_printf(j, "{\"model\": \"cluttered\", \"attention\": %d, \"glimpses\": %d, \"read_n\": %d, \"class\": %d",
                  c->attention, c->T, c->N, cls);
    if (label >= 0) gl_buf_printf(j, ", \"label\": %d, \"digit_centre\": [%.1f, %.1f]", label, where->cx, where->cy);
    gl_buf_printf(j, ", \"steps\": [");
    for (int t = 0; t < c->T; t++) {
        const gl_clut_window *w = &fr[t].win;
        gl_buf_printf(
            j,
            "%s{\"glimpse\": %d, \"gx\": %.4g, \"gy\": %.4g, \"delta\": %.4g, \"sigma2\": %.4g, \"gamma\": %.4g, "
            "\"box\": %.4g, \"probs\": ",
            t ? ", " : "", t + 1, w->gx, w->gy, w->delta, w->sigma2, w->gamma, w->box);
        gl_buf_floats(j, fr[t].prob, GL_CLUT_CLASSES);
        if (hidden) {
            int nh = c->hidden < GL_CLUT_FRAME_H ? c->hidden : GL_CLUT_FRAME_H;
            gl_buf_printf(j, ", \"h\": ");
            gl_buf_floats(j, fr[t].h, nh);
        }
        gl_buf_printf(j, "}");
    }
    gl_buf_printf(j, "]}\n");
}

// --grid G: test images K..K+G−1 in a grid, each with its boxes and path.
static int find_grid(const app_args *a, long G, const char *png) {
    long index = app_opt_long(a, find_opts, "index"), clutter = app_opt_long(a, find_opts, "clutter");
    if (!png) { fprintf(stderr, "glimpse: --grid needs --png OUT\n"); return 2; }
    gl_mnist te = {0};
    if (load_split(app_arg(a, find_opts, "data"), "t10k", &te)) return 1;
    if (index + G > te.n) G = te.n - index;
    gl_clut *m = cluttered_load_weights(app_arg(a, find_opts, "weights"), !app_arg(a, find_opts, "no-attention"));
    if (!m) { gl_mnist_free(&te); return 1; }
    int T = gl_clut_cfg(m)->T, wrong = 0;
    float *imgs = gl_malloc(sizeof(float) * GL_CLUT_D * (size_t)G);
    gl_clut_frame *fr = gl_malloc(sizeof *fr * (size_t)(G * T));
    uint8_t *lab = gl_malloc((size_t)G);
    for (long i = 0; i < G; i++) {
        int k = (int)(index + i);
        gl_clut_make(imgs + (size_t)i * GL_CLUT_D, &te, k, (int)clutter, gl_clut_test_seed(k), NULL);
        lab[i] = te.y[k];
        wrong += gl_clut_run(m, imgs + (size_t)i * GL_CLUT_D, NULL, fr + (size_t)i * T) != lab[i];
    }
    int cols = G >= 16 ? 8 : (G >= 4 ? 4 : (int)G);
    gl_image im = gl_clut_image_grid(imgs, fr, T, lab, (int)G, cols, 2);
    int rc = 0;
    if (gl_image_save_png(&im, png)) { fprintf(stderr, "glimpse: %s\n", gl_err()); rc = 1; }
    else printf("test images %ld-%ld: %d of %ld named wrong; wrote %s\n", index, index + G - 1, wrong, G, png);
    gl_image_free(&im);
    free(imgs); free(fr); free(lab);
    gl_clut_free(m);
    gl_mnist_free(&te);
    return rc;
}

int cmd_find(int argc, char **argv) {
    app_args a;
    int rc =
        app_args_parse(argc, argv, find_opts,
                      "usage: glimpse find (--image FILE | --index K) [--json] [--png OUT] [--gif OUT.gif] [--weights "
                      "W | --no-attention]\n"
                      "Classifies a cluttered 100x100 image by searching it with 8 glimpses of DRAW's read window.",
                      &a);
    if (rc) return rc < 0 ? 2 : 0;
    const char *png = app_arg(&a, find_opts, "png");
    int json = app_arg(&a, find_opts, "json") != NULL;
    if (!!app_arg(&a, find_opts, "image") == !!app_arg(&a, find_opts, "index")) {
        fprintf(stderr, "glimpse: find needs one of --image FILE or --index K\n");
        return 2;
    }
    if (app_arg(&a, find_opts, "weights") && app_arg(&a, find_opts, "no-attention")) {
        fprintf(stderr, "glimpse: --weights and --no-attention exclude each other\n");
        return 2;
    }
    long G = app_opt_long(&a, find_opts, "grid");
    if (app_arg(&a, find_opts, "grid")) {
        if (!app_arg(&a, find_opts, "index") || json || app_arg(&a, find_opts, "gif")) {
            fprintf(stderr, "glimpse: --grid goes with --index and --png (not --json or --gif)\n");
            return 2;
        }
        return find_grid(&a, G, png);
    }
    float *img = gl_malloc(sizeof(float) * GL_CLUT_D);
    int label = -1;
    gl_clut_place where = { 0, 0 };
    rc = find_input(&a, img, &label, &where);
    gl_clut *m =
        rc ? NULL : cluttered_load_weights(app_arg(&a, find_opts, "weights"), !app_arg(&a, find_opts, "no-attention"));
    if (!m) { free(img); return rc ? rc : 1; }
    gl_clut_frame fr[GL_CLUT_MAXT];
    int cls = gl_clut_run(m, img, NULL, fr), T = gl_clut_cfg(m)->T;
    int ok = 1;
    for (int t = 0; t < T; t++) ok &= gl_all_finite(fr[t].prob, GL_CLUT_CLASSES) && gl_all_finite(&fr[t].win.gx, 6);
    if (!ok) { fprintf(stderr, "glimpse: the weights give non-finite probabilities or windows\n"); rc = 1; }
    if (!rc && png) {
        gl_image im = gl_clut_image_search(img, fr, T, label);
        if (gl_image_save_png(&im, png)) { fprintf(stderr, "glimpse: %s\n", gl_err()); rc = 1; }
        gl_image_free(&im);
    }
    const char *gif = app_arg(&a, find_opts, "gif");
    if (!rc && gif && gif_find(gif, img, fr, T, label)) { fprintf(stderr, "glimpse: %s\n", gl_err()); rc = 1; }
    if (!rc) {
        if (json) {
            gl_buf j = {0};
            find_json(&j, m, fr, cls, label, &where, app_opt_flag(&a, find_opts, "hidden"));
            fwrite(j.s, 1, j.len, stdout);
            gl_buf_free(&j);
        } else {
            printf("class %d (%.1f%%)", cls, 100 * fr[T - 1].prob[cls]);
            if (label >= 0) printf(", true %d", label);
            printf("; last box %.1f px at (%.1f, %.1f)\n", fr[T - 1].win.box, fr[T - 1].win.gx, fr[T - 1].win.gy);
            if (png) printf("wrote %s\n", png);
        }
        if (fflush(stdout) || ferror(stdout)) { fprintf(stderr, "glimpse: writing the result failed\n"); rc = 1; }
    }
    gl_clut_free(m);
    free(img);
    return rc;
}

// ---- bench --------------------------------------------------------------------
static const app_opt bench_opts[] = {
    APP_TEXT("weights", "weights (default: the shipped attention model, and the no-attention one beside it)"),
    APP_INT("runs", 10, 1000000, "2000", "single-image runs timed"),
    APP_INT("limit", 1, 10000, "10000", "test images for the error"),
    APP_FLAG("no-twin", "skip the PyTorch twin"),
    APP_TEXT("data", "MNIST directory"),
    APP_OPT_END,
};

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

// Median ms of one image through all T glimpses on one thread.
static double time_one(gl_clut *m, const gl_mnist *te, int runs, double *p10, double *p90) {
    float *img = gl_malloc(sizeof(float) * GL_CLUT_D);
    double *ts = gl_malloc(sizeof(double) * (size_t)runs);
    gl_clut_frame fr[GL_CLUT_MAXT];
    for (int r = -20; r < runs; r++) {
        gl_clut_make(img, te, (r < 0 ? -r : r) % te->n, GL_CLUT_CLUTTER, gl_clut_test_seed(r < 0 ? -r : r), NULL);
        double t0 = gl_now();
        gl_clut_run(m, img, NULL, fr);
        if (r >= 0) ts[r] = 1e3 * (gl_now() - t0);
    }
    qsort(ts, (size_t)runs, sizeof(double), cmp_double);
    double med = ts[runs / 2];
    *p10 = ts[runs / 10];
    *p90 = ts[runs * 9 / 10];
    free(ts); free(img);
    return med;
}

static int bench_model(gl_clut *m, const char *name, const gl_mnist *te, int limit, int runs, int twin,
                       const char *wpath) {
    gl_clut_score s;
    gl_par_set_threads(2);
    double t0 = gl_now();
    if (gl_clut_evaluate(m, te, limit, GL_CLUT_CLUTTER, NULL, &s)) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    double tset = gl_now() - t0;
    gl_par_set_threads(1);
    double p10, p90, one = time_one(m, te, runs, &p10, &p90);
    const gl_meta *mm = gl_clut_meta(m);
    printf("%s: test error %.2f%% on %d images; last box holds the digit's centre in %.1f%%, median last box %.1f px\n",
           name, 100 * s.err, s.n, 100 * s.found, s.box_median);
    printf("  error after each glimpse:");
    for (int t = 0; t < gl_clut_cfg(m)->T; t++) printf(" %.1f%%", 100 * s.err_t[t]);
    printf("\n  trained %.0f s (%s epochs)\n", gl_meta_num(mm, "train_seconds", NAN),
           gl_meta_get(mm, "epochs") ? gl_meta_get(mm, "epochs") : "?");
    char why[512] = "skipped (--no-twin)", targs[4400];
    snprintf(targs, sizeof targs, "--weights %s", wpath);
    double tw1 = twin ? app_bench_twin("clut_one_image", 1, targs, "median_ms", why, sizeof why) : NAN;
    app_bench_side_by_side("  one image, 8 glimpses, 1 thread (median ms)", one, tw1, "ms", 0, why);
    printf("    (glimpse p10 %.3f, p90 %.3f ms over %d runs; the Search view's budget, a quarter of a 60 Hz frame, "
           "4.17 ms: %s)\n", p10, p90, runs, one <= 1000.0 / 60 / 4 ? "met" : "NOT met");
    double tws = twin && s.n == 10000 ? app_bench_twin("clut_test_set", 2, targs, "median_s", why, sizeof why) : NAN;
    if (twin && s.n != 10000) snprintf(why, sizeof why, "only with all 10,000 test images");
    app_bench_side_by_side("  test set, 2 threads (s)", tset, tws, "s", 0, why);
    return 0;
}

int cmd_bench_cluttered(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, bench_opts,
                           "usage: glimpse bench cluttered [--weights W] [--runs N] [--no-twin]", &a);
    if (rc) return rc < 0 ? 2 : 0;
    long runs = app_opt_long(&a, bench_opts, "runs"), limit = app_opt_long(&a, bench_opts, "limit");
    gl_mnist te = {0};
    if (load_split(app_arg(&a, bench_opts, "data"), "t10k", &te)) return 1;
    printf("machine: sgemm %.1f GFLOP/s on 1 thread (OpenBLAS %s), elementwise kernels %s\n", app_bench_sgemm_rate(1),
           app_bench_blas_core(), gl_vmath_target());
    int twin = !app_arg(&a, bench_opts, "no-twin");
    const char *w = app_arg(&a, bench_opts, "weights");
    char pa[4400], pn[4400];   // app_asset_path returns one buffer: copy each path out of it
    snprintf(pa, sizeof pa, "%s", w ? w : default_weights(1));
    snprintf(pn, sizeof pn, "%s", default_weights(0));
    const char *paths[2] = { pa, w ? NULL : pn };
    for (int i = 0; i < 2 && !rc; i++) {
        if (!paths[i]) continue;
        gl_clut *m = cluttered_load_weights(paths[i], 1);
        if (!m) { rc = 1; break; }
        rc = bench_model(m, gl_clut_cfg(m)->attention ? "attention" : "no attention", &te, (int)limit, (int)runs, twin,
                         paths[i]);
        gl_clut_free(m);
    }
    gl_mnist_free(&te);
    if (!rc && (fflush(stdout) || ferror(stdout))) { fprintf(stderr, "glimpse: writing the result failed\n"); rc = 1; }
    return rc;
}
