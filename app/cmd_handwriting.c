// Handwriting subcommands (Graves 2013 §4-5): train handwriting, eval
// handwriting, write, scribble, bench handwriting.
#include "args.h"
#include "bench.h"
#include <cblas.h>
#include "cli.h"
#include "gif_export.h"
#include "gl_hw.h"
#include "hw_train_data.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_progress.h"
#include "gl_params.h"
#include "gl_util.h"
#include "resume.h"
#include "train_opts.h"
#include "stop_signal.h"
#include "style_file.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNTH_WEIGHTS "handwriting-synth.safetensors"
#define PREDICT_WEIGHTS "handwriting-predict.safetensors"

static int fail(void) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }

// --data hershey | iam:DIR, IAM-OnDB prepared with iam (see hw_train_data.h).
static int load_corpus(const char *data, int lines, uint64_t seed, int max_words, const gl_hw_iam_opts *iam,
                       gl_hw_corpus *c) {
    gl_hw_iam_report rep;
    return hw_load_corpus(data, lines, seed, max_words, iam, &rep, iam->quiet ? NULL : stderr, c);
}

// Mean NLL per point and per line over a corpus (already normalised).
static double corpus_loss(gl_hw_model *m, const gl_hw_corpus *c, int max_T, double *per_line, long *npts_out) {
    gl_hw_trainer *t = gl_hw_trainer_new(m);   // forward only, on every core
    double tot = 0; long np = 0;
    int B = 16;
    int *idx = gl_malloc(sizeof(int) * B);
    for (int i = 0; i < c->n; i += B) {
        int b = c->n - i < B ? c->n - i : B;
        for (int k = 0; k < b; k++) idx[k] = i + k;
        int n;
        double l = gl_hw_trainer_step(t, c, idx, b, max_T, 0, 0, 0, &n);
        if (isnan(l)) { free(idx); gl_hw_trainer_free(t); return NAN; }
        tot += l; np += n;
    }
    free(idx); gl_hw_trainer_free(t);
    if (per_line) *per_line = tot / c->n;
    if (npts_out) *npts_out = np;
    return tot / (np ? np : 1);
}

// The CLI's side of a training run: the progress bar (the loss per point
// smoothed as the checkpoints record it), a checkpoint every `every`
// seconds, and the stop after --minutes.
//
// With --eval-every N it also scores the held-out lines every N updates and
// keeps the best: whenever a score beats every earlier one, the weights go
// to OUT at once (so a stop or a crash leaves the best so far there), and
// with --patience P the run stops after P scores in a row without a better
// one. This is the paper's early stopping: a large network goes on lowering
// its training loss long after its held-out loss has turned (the 3 x 400
// synthesis network on IAM-OnDB did so from about update 8,000).
typedef struct {
    gl_train *t;
    const char *ckpt, *out;
    const hw_train_spec *sp;
    double every, minutes, t0, last_ck, ema;
    long eval_every, patience, since_best, best_update;
    double best;           // the best held-out loss per point so far (INFINITY: none)
    int stopped_early;
    atomic_int *stop;      // raised to end the run (--minutes, --patience)
    gl_progress pg;
} hw_cli;

// Early stopping's state, as checkpoints keep it for --resume.
static void hw_cli_es_meta(const hw_cli *c, gl_meta *m) {
    gl_meta_set(m, "eval_every", "%ld", c->eval_every);
    if (c->patience > 0) gl_meta_set(m, "patience", "%ld", c->patience);
    if (c->best_update > 0) {
        gl_meta_set(m, "best_update", "%ld", c->best_update);
        gl_meta_set(m, "best_heldout_loss_per_point", "%.6f", c->best);
    }
    gl_meta_set(m, "evals_since_best", "%ld", c->since_best);
}

// The run's metadata as a weights file of update `step` records it.
static void hw_cli_meta(hw_cli *c, gl_meta *ex) {
    hw_train_meta(c->sp, ex);
    gl_train_meta_times(c->t, ex);
    gl_meta_set(ex, "updates", "%ld", gl_train_step_no(c->t));
    if (isfinite(c->ema)) gl_meta_set(ex, "train_loss_per_point", "%.4f", c->ema);
    if (c->eval_every > 0) hw_cli_es_meta(c, ex);
}

static void hw_cli_eval(hw_cli *c, const gl_train_report *r) {
    int better = isfinite(r->eval_loss) && r->eval_loss < c->best;
    if (better) { c->best = r->eval_loss; c->best_update = r->step; c->since_best = 0; }
    else c->since_best++;
    fprintf(stderr, "%sglimpse: update %ld: held-out loss %.4f nats/point (%d lines)%s", c->pg.tty ? "\n" : "", r->step,
            r->eval_loss, r->eval_n, better ? ", the best so far" : "");
    if (!better) fprintf(stderr, "; the best is %.4f at update %ld", c->best, c->best_update);
    fputc('\n', stderr);
    // every checkpoint from now on carries the best so far (what --resume needs)
    hw_cli_es_meta(c, gl_hw_train_meta(c->t));
    if (better) {
        gl_meta ex = {0};
        hw_cli_meta(c, &ex);
        gl_meta_set(&ex, "heldout_loss_per_point", "%.4f", r->eval_loss);
        if (gl_hw_save(gl_hw_train_model(c->t), c->out, &ex, 0)) fprintf(stderr, "glimpse: %s: %s\n", c->out, gl_err());
        gl_meta_free(&ex);
    }
    if (c->patience > 0 && c->since_best >= c->patience) {
        fprintf(
            stderr,
            "glimpse: %ld held-out scores in a row without a better one: stopping (the best, update %ld, is in %s)\n",
            c->since_best, c->best_update, c->out);
        c->stopped_early = 1;
        atomic_store(c->stop, 1);
    }
}

static void hw_cli_report(void *user, const gl_train_report *r) {
    hw_cli *c = user;
    c->ema = isnan(c->ema) ? r->loss : 0.98 * c->ema + 0.02 * r->loss;
    if (r->has_eval) hw_cli_eval(c, r);
    if (c->best_update > 0)
        gl_progress_update(&c->pg, r->step, "loss/point %.3f  held-out best %.4f (update %ld)", c->ema, c->best,
                           c->best_update);
    else gl_progress_update(&c->pg, r->step, "loss/point %.3f", c->ema);
    if (gl_now() - c->last_ck > c->every) {
        if (gl_train_checkpoint(c->t, c->ckpt)) fprintf(stderr, "\nglimpse: checkpoint: %s\n", gl_err());
        c->last_ck = gl_now();
    }
    if (gl_now() - c->t0 > c->minutes * 60) atomic_store(c->stop, 1);
}

// The end of an early-stopped run: -o holds the best update's weights (as
// hw_cli_eval wrote them); they get the same held-out figures as a last
// update would (per point and per line, every held-out line) and the run's
// totals beside their own. -1 with gl_err.
static int finish_best(const char *out, const gl_hw_corpus *va, const hw_cli *c, long last_update, double run_seconds) {
    gl_hw_model *b = gl_hw_load(out, 0);
    if (!b) return -1;
    gl_meta bm = {0};
    gl_meta_copy(&bm, gl_hw_meta(b));
    if (gl_meta_int(&bm, "updates", -1) != c->best_update) {
        gl_seterr("%s is not the best update's weights (update %d, the best is %ld): keeping the last update's in the "
                  "checkpoint only",
                  out, gl_meta_int(&bm, "updates", -1), c->best_update);
        gl_hw_free(b); gl_meta_free(&bm); return -1;
    }
    double per_line = NAN, lp = corpus_loss(b, va, 100000, &per_line, NULL);
    if (isfinite(lp)) gl_meta_set(&bm, "heldout_loss_per_point", "%.4f", lp);
    if (isfinite(per_line)) gl_meta_set(&bm, "heldout_loss_per_line", "%.3f", per_line);
    gl_meta_set(&bm, "early_stopping", "the best of held-out scores every %ld updates: update %ld of %ld",
                c->eval_every, c->best_update, last_update);
    gl_meta_set(&bm, "run_updates", "%ld", last_update);
    gl_meta_set(&bm, "run_train_seconds", "%.0f", run_seconds);
    fprintf(stderr, "glimpse: update %ld: held-out loss %.4f nats/point, %.2f nats/line\n", c->best_update, lp,
            per_line);
    int rc = gl_hw_save(b, out, &bm, 0);
    gl_hw_free(b); gl_meta_free(&bm);
    return rc;
}

// ---- train --------------------------------------------------------------------
// A model trained without an --exclude list's lines, scored on IAM-OnDB
// without that list, is scored on those lines too: said on stderr.
static void note_exclude(const gl_meta *meta, const char *path, const char *data, const char *exclude) {
    const char *exn = gl_meta_get(meta, "iam_exclude");
    if (exn && data && !strncmp(data, "iam:", 4) && !exclude)
        fprintf(
            stderr,
            "glimpse: note: %s was trained without the lines of --exclude %s; without --exclude they are used here\n",
            path, exn);
}

// One `train handwriting`: parse, prepare (a new network, --init or
// --resume), run, finish, then one cleanup.
typedef struct {
    app_args a;
    hw_train_spec sp;           // the run's options (hw_train_data.h)
    long every, eval_every, patience, best_update, since_best;
    double minutes, best, train_seconds;
    int resume;
    const char *init;
    char out[4096], ckpt[4200], init_from[600];
    gl_hw_model *m;             // until the session takes it over (NULL then)
    int loaded;                 // m came from a file (--init, --resume)
    gl_meta meta;               // the loaded file's metadata
    gl_hw_corpus tr, va;
    gl_train *t;
    atomic_int stop;
    char taken[512];            // the options taken from the checkpoint, said once it is known good
} hw_run;

#define HELP_SHOWN (-1)   // --help printed: exit 0 without running

static int hw_parse(hw_run *r, int argc, char **argv) {
    const app_opt *T = app_hw_train_table;
    app_args *a = &r->a;
    int rc = app_args_parse(
        argc, argv, T, "usage: glimpse train handwriting [--task predict|synth] [--data hershey|iam:DIR] [options]", a);
    if (rc) return rc > 0 ? HELP_SHOWN : 2;
    hw_train_spec *s = &r->sp;
    hw_train_spec_defaults(s);
    s->synth = app_opt_long(a, T, "task") == 1;
    s->data = app_opt_text(a, T, "data") ? app_opt_text(a, T, "data") : "hershey";
    s->lines = app_opt_long(a, T, "lines"); s->words = app_opt_long(a, T, "words");
    s->corpus_seed = app_opt_long(a, T, "corpus-seed");
    s->iam.thin = (int)app_opt_long(a, T, "thin");
    s->iam.exclude = app_opt_text(a, T, "exclude");
    s->L = app_opt_long(a, T, "layers"); s->H = app_opt_long(a, T, "cells");
    s->M = app_opt_long(a, T, "mixtures"); s->K = app_opt_long(a, T, "window");
    s->batch = app_opt_long(a, T, "batch");
    s->seed = app_opt_long(a, T, "seed");
    s->iters = app_opt_long(a, T, "iters");
    s->lr = app_opt_num(a, T, "lr");
    s->lr_final = app_opt_num(a, T, "lr-final");   // 0 when not given: a constant rate
    s->decay_from = app_opt_long(a, T, "decay-from");
    s->decay_to = s->iters;
    s->rare = app_opt_long(a, T, "rare"); s->rare_final = app_opt_flag(a, T, "rare-final");
    s->augment = app_opt_num(a, T, "augment"); s->jump_weight = app_opt_num(a, T, "jump-weight");
    if (app_arg(a, T, "max-points")) s->max_points = app_opt_long(a, T, "max-points");
    r->every = app_opt_long(a, T, "every");
    r->minutes = app_arg(a, T, "minutes") ? app_opt_num(a, T, "minutes") : 1e6;
    r->eval_every = app_opt_long(a, T, "eval-every"); r->patience = app_opt_long(a, T, "patience");
    r->best = INFINITY;
    r->resume = app_opt_flag(a, T, "resume");
    r->init = app_opt_text(a, T, "init");
    if (r->patience > 0 && r->eval_every == 0 && !r->resume) {
        fprintf(stderr, "glimpse: --patience needs --eval-every\n");
        return 2;
    }
    if (app_arg(a, T, "decay-from") && !app_arg(a, T, "lr-final")) {
        fprintf(stderr, "glimpse: --decay-from needs --lr-final\n");
        return 2;
    }
    const char *o = app_opt_text(a, T, "o"), *ck = app_opt_text(a, T, "checkpoint");
    snprintf(r->out, sizeof r->out, "%s", o ? o : app_asset_path(s->synth ? SYNTH_WEIGHTS : PREDICT_WEIGHTS));
    if (ck) snprintf(r->ckpt, sizeof r->ckpt, "%s", ck);
    else snprintf(r->ckpt, sizeof r->ckpt, "%s.ckpt", r->out);
    if (r->init && r->resume) {
        fprintf(stderr, "glimpse: --init starts a run and --resume continues one: give one of them\n");
        return 2;
    }
    return 0;
}

// The first size --init's network has otherwise than asked (NULL: none).
static const char *hw_init_differs(const hw_run *r) {
    const app_opt *T = app_hw_train_table;
    const app_args *a = &r->a;
    const hw_train_spec *s = &r->sp;
    const gl_hw_cfg *c = &r->m->cfg;
    if ((c->K > 0) != s->synth) return "task";
    if (app_arg(a, T, "layers") && s->L != c->L) return "--layers";
    if (app_arg(a, T, "cells") && s->H != c->H) return "--cells";
    if (app_arg(a, T, "mixtures") && s->M != c->M) return "--mixtures";
    if (s->synth && app_arg(a, T, "window") && s->K != c->K) return "--window";
    if (app_arg(a, T, "thin") && gl_meta_get(&r->meta, "iam_thin") &&
        s->iam.thin != gl_meta_int(&r->meta, "iam_thin", 0))
        return "--thin";
    return NULL;
}

// --init: a fine-tune: the network of the file, its normalisation and
// alphabet; a fresh Adam (its moments are not in a weights file).
static int hw_init(hw_run *r) {
    const char *init = r->init;
    if (!(r->m = gl_hw_load(init, 0))) return fail();
    gl_meta_copy(&r->meta, gl_hw_meta(r->m));
    r->loaded = 1;
    double thin = r->sp.iam.thin;
    long updates = 0;
    if (app_stored_opt(&r->meta, init, "iam_thin", app_hw_train_table, "thin", &thin) < 0 ||
        app_stored_int(&r->meta, init, "updates", 0, APP_STEP_MAX, &updates) < 0 ||
        app_stored_counters_ok(&r->meta, init))
        return fail();
    const char *why = hw_init_differs(r);
    const gl_hw_cfg *c = &r->m->cfg;
    if (why) {
        // a Hershey-trained file has no thinning: say so rather than show the default
        char thin_s[32] = ", no thinning";
        if (gl_meta_get(&r->meta, "iam_thin")) snprintf(thin_s, sizeof thin_s, ", thin %ld", (long)thin);
        fprintf(stderr,
                "glimpse: --init %s: a %s network (%d x %d, M=%d, K=%d%s): its %s differs from what was asked\n", init,
                c->K > 0 ? "synthesis" : "prediction", c->L, c->H, c->M, c->K, thin_s, why);
        return 2;
    }
    r->sp.L = c->L; r->sp.H = c->H; r->sp.M = c->M; r->sp.K = c->K;
    if (!app_arg(&r->a, app_hw_train_table, "thin")) r->sp.iam.thin = (int)thin;
    const char *b = strrchr(init, '/');
    snprintf(r->init_from, sizeof r->init_from, "%s, update %ld", b ? b + 1 : init, updates);
    r->m->ps.step = 0;
    fprintf(stderr, "glimpse: fine-tuning %s (%d x %d cells, update %ld of its run)\n", init, c->L, c->H, updates);
    return 0;
}

// --resume: the options that shape the run are the checkpoint's (each
// through its option's range, refused when given otherwise); --iters may
// grow. A constant-rate run given --lr-final decays from where it resumes.
static int hw_resume_opts(hw_run *r) {
    hw_train_spec *s = &r->sp;
    const gl_meta *cm = &r->meta;
    int lr_final_given = app_arg(&r->a, app_hw_train_table, "lr-final") != NULL;
    app_resume rs;
    app_resume_begin(&rs, &r->a, app_hw_train_table, cm, r->ckpt);
    app_resume_int(&rs, "layers", "layers", &s->L);
    app_resume_int(&rs, "cells", "cells", &s->H);
    app_resume_int(&rs, "mixtures", "mixtures", &s->M);
    if (s->synth) app_resume_int(&rs, "window", "window_gaussians", &s->K);
    app_resume_int(&rs, "batch", "batch", &s->batch);
    app_resume_int(&rs, "seed", "seed", &s->seed);
    app_resume_int(&rs, "max-points", "max_points", &s->max_points);
    app_resume_num(&rs, "lr", "lr", &s->lr);
    long thin = s->iam.thin;
    app_resume_int(&rs, "thin", "iam_thin", &thin);
    s->iam.thin = (int)thin;
    app_resume_int(&rs, "rare", "rare", &s->rare);
    app_resume_num(&rs, "augment", "augment", &s->augment);
    app_resume_num(&rs, "jump-weight", "jump_weight", &s->jump_weight);
    app_resume_flag(&rs, "rare-final", "rare_final", &s->rare_final);
    if (gl_meta_get(cm, "lr_final")) {   // the schedule is the checkpoint's
        app_resume_num(&rs, "lr-final", "lr_final", &s->lr_final);
        app_resume_int(&rs, "decay-from", "lr_decay_from", &s->decay_from);
        double to = (double)s->iters;
        if (!rs.failed && app_stored_opt(cm, r->ckpt, "lr_decay_to", app_hw_train_table, "iters", &to) < 0)
            return fail();
        s->decay_to = (long)to;
    } else if (lr_final_given && !app_arg(&r->a, app_hw_train_table, "decay-from")) {
        s->decay_from = r->m->ps.step;
    }
    // the ids skipped are not stored (only the list's name): resuming without them would train on them
    const char *exn = gl_meta_get(cm, "iam_exclude"),
               *rd = app_arg(&r->a, app_hw_train_table, "data") ? s->data : gl_meta_get(cm, "corpus");
    if (exn && rd && !strncmp(rd, "iam:", 4) && !s->iam.exclude) {
        fprintf(stderr, "glimpse: %s was trained without the lines of --exclude %s: give --exclude FILE again\n",
                r->ckpt, exn);
        return 2;
    }
    // the corpus is rebuilt from the checkpoint's settings unless given
    // again (a curriculum from short to longer lines); how often the
    // held-out lines are scored changes nothing learnt: a new --eval-every
    // or --patience is taken as given
    app_resume_default(&rs, "lines", "corpus_lines", &s->lines);
    app_resume_default(&rs, "corpus-seed", "corpus_seed", &s->corpus_seed);
    app_resume_default(&rs, "words", "corpus_words", &s->words);
    app_resume_default(&rs, "eval-every", "eval_every", &r->eval_every);
    app_resume_default(&rs, "patience", "patience", &r->patience);
    snprintf(r->taken, sizeof r->taken, "%s", rs.taken);
    return app_resume_check(&rs) ? 1 : 0;
}

static int hw_resume(hw_run *r) {
    if (!(r->m = gl_hw_load(r->ckpt, 1))) return fail();
    gl_meta_copy(&r->meta, gl_hw_meta(r->m));
    r->loaded = 1;
    const gl_meta *cm = &r->meta;
    if ((r->m->cfg.K > 0) != r->sp.synth) {
        fprintf(stderr, "glimpse: %s is a %s checkpoint\n", r->ckpt, r->m->cfg.K > 0 ? "synthesis" : "prediction");
        return 2;
    }
    if (r->m->ps.step > APP_STEP_MAX) {
        fprintf(stderr, "glimpse: %s: its update %ld is past %ld\n", r->ckpt, r->m->ps.step, APP_STEP_MAX);
        return 1;
    }
    int st = hw_resume_opts(r);
    if (st) return st;
    if (app_stored_counters_ok(cm, r->ckpt) ||
        app_stored_num(cm, r->ckpt, "train_seconds", 0, APP_SECONDS_MAX, &r->train_seconds) < 0 ||
        app_stored_int(cm, r->ckpt, "best_update", 0, APP_STEP_MAX, &r->best_update) < 0 ||
        app_stored_int(cm, r->ckpt, "evals_since_best", 0, APP_STEP_MAX, &r->since_best) < 0 ||
        (r->best_update > 0 && app_stored_num(cm, r->ckpt, "best_heldout_loss_per_point", -1e6, 1e6, &r->best) < 0))
        return fail();
    const char *d = gl_meta_get(cm, "corpus");
    if (d && !app_arg(&r->a, app_hw_train_table, "data")) r->sp.data = d;
    if (r->patience > 0 && r->eval_every == 0) {
        fprintf(stderr, "glimpse: --patience needs --eval-every\n");
        return 2;
    }
    if (gl_meta_get(cm, "init_from")) snprintf(r->init_from, sizeof r->init_from, "%s", gl_meta_get(cm, "init_from"));
    app_resume_say(r->taken);
    fprintf(stderr, "glimpse: resuming %s at update %ld\n", r->ckpt, r->m->ps.step);
    return 0;
}

// The spec's last checks, the corpus and the session.
static int hw_prepare(hw_run *r) {
    hw_train_spec *s = &r->sp;
    int st = r->init ? hw_init(r) : r->resume ? hw_resume(r) : 0;
    if (st) return st;
    gl_clean_stale_tmp(r->ckpt);
    gl_clean_stale_tmp(r->out);
    if (s->rare_final && s->rare <= 0) { fprintf(stderr, "glimpse: --rare-final needs --rare\n"); return 2; }
    if (s->jump_weight > 1)
        fprintf(stderr, "glimpse: --jump-weight %g: each pen-up jump's gradient counted %g times\n", s->jump_weight,
                s->jump_weight);
    if (r->init_from[0]) s->init = r->init_from;
    if (s->lr_final > 0) {
        if (s->decay_from >= s->decay_to) {
            fprintf(stderr, "glimpse: the decay to --lr-final must start before update %ld (--iters)\n", s->decay_to);
            return 2;
        }
        fprintf(stderr, "glimpse: learning rate %g until update %ld, then down to %g at update %ld\n", s->lr,
                s->decay_from, s->lr_final, s->decay_to);
    } else s->decay_from = s->decay_to = 0;
    s->max_points_given =
        app_arg(&r->a, app_hw_train_table, "max-points") || (r->resume && gl_meta_get(&r->meta, "max_points"));
    if (hw_train_prepare(s, &r->m, r->loaded, &r->tr, &r->va, stderr)) return fail();
    // the training loop: a gl_train session (engine/handwriting/gl_hw_train.c),
    // the one the Train view runs; progress and checkpoints from its reports
    r->t = hw_train_session(s, r->m, r->train_seconds, &r->tr, &r->va);
    r->m = NULL;   // the session's now
    if (!r->t) return fail();
    // (a fine-tune's times begin with those of the weights it started from)
    if (r->resume || r->init) gl_train_resume_times(r->t, &r->meta);
    if (r->eval_every > 0 && r->va.n == 0) {
        fprintf(stderr, "glimpse: --eval-every: this corpus has no held-out line to score\n");
        r->eval_every = 0;
    }
    if (r->eval_every > 0) gl_train_set_eval(r->t, r->eval_every, r->va.n);
    return 0;
}

static int hw_train_loop(hw_run *r, hw_cli *cli) {
    gl_train *t = r->t;
    long iters = r->sp.iters;
    *cli = (hw_cli){ .t = t,
                     .ckpt = r->ckpt,
                     .out = r->out,
                     .sp = &r->sp,
                     .every = (double)r->every,
                     .minutes = r->minutes,
                     .t0 = gl_now(),
                     .ema = NAN,
                     .eval_every = r->eval_every,
                     .patience = r->patience,
                     .best_update = r->best_update,
                     .best = r->best,
                     .since_best = r->since_best,
                     .stop = &r->stop };
    cli->last_ck = cli->t0;
    stop_on_signals(&r->stop);   // Ctrl-C: stop after the update at hand (a second one: at once); before the bar shows
    gl_progress_begin(&cli->pg, r->sp.synth ? "train synth" : "train predict", iters);
    gl_progress_resume_at(&cli->pg, gl_train_step_no(t));
    int rc = 0;
    if (gl_train_step_no(t) < iters && gl_train_run(t, iters, &r->stop, hw_cli_report, cli) < 0) {
        if (isnan(gl_train_last_loss(t)) && strncmp(gl_err(), "the loss became", 15)) rc = fail();
        else { fprintf(stderr, "\nglimpse: loss is not finite at update %ld\n", gl_train_step_no(t)); rc = 1; }
    }
    stop_on_signals(NULL);
    gl_progress_end(&cli->pg);
    return rc;
}

// The held-out figures, the checkpoint and -o (or, early-stopped, the best
// update's weights kept there).
static int hw_finish(hw_run *r, hw_cli *cli) {
    gl_hw_model *mm = gl_hw_train_model(r->t);
    double ema = gl_hw_train_smoothed(r->t), per_line = NAN, va_loss = NAN;
    if (r->va.n == 0) fprintf(stderr, "glimpse: no held-out line can be evaluated\n");
    else va_loss = corpus_loss(mm, &r->va, 100000, &per_line, NULL);
    double secs = gl_train_seconds(r->t);
    fprintf(stderr,
            "glimpse: %ld updates, %.0f s of training; held-out loss %.4f nats/point, %.2f nats/line (%d lines)\n",
            mm->ps.step, secs, va_loss, per_line, r->va.n);
    cli->ema = ema;
    gl_meta ex = {0};
    hw_cli_meta(cli, &ex);
    // no "nan" in metadata: a value that was not measured is left out
    if (isfinite(va_loss)) gl_meta_set(&ex, "heldout_loss_per_point", "%.4f", va_loss);
    if (isfinite(per_line)) gl_meta_set(&ex, "heldout_loss_per_line", "%.3f", per_line);
    // early stopping: -o keeps the best scored weights unless the last
    // update is at least as good (or no score was kept)
    int keep_best = cli->best_update > 0 && cli->best_update != mm->ps.step && !(va_loss <= cli->best), rc = 0;
    if (gl_hw_save(mm, r->ckpt, &ex, 1)) rc = fail();
    else if (!keep_best) {
        if (gl_hw_save(mm, r->out, &ex, 0)) rc = fail();
        else fprintf(stderr, "glimpse: wrote %s (checkpoint %s)\n", r->out, r->ckpt);
    } else if (finish_best(r->out, &r->va, cli, mm->ps.step, secs)) rc = fail();
    else fprintf(stderr, "glimpse: %s holds update %ld, the best held-out score (checkpoint %s: update %ld)\n", r->out,
                 cli->best_update, r->ckpt, mm->ps.step);
    gl_meta_free(&ex);
    return rc;
}

int cmd_train_handwriting(int argc, char **argv) {
    hw_run *r = gl_calloc(1, sizeof *r);
    hw_cli cli;
    int status = hw_parse(r, argc, argv);
    if (!status) status = hw_prepare(r);
    if (!status) status = hw_train_loop(r, &cli);
    if (!status) status = hw_finish(r, &cli);
    gl_train_free(r->t);   // and the model
    gl_hw_free(r->m);
    gl_hw_corpus_free(&r->tr); gl_hw_corpus_free(&r->va);
    gl_meta_free(&r->meta);
    free(r);
    return status == HELP_SHOWN ? 0 : status;
}

// ---- eval ---------------------------------------------------------------------
// The corpus a weights file says it was trained on, each number through the
// range of the training option that set it (a corpus_words of 0 would
// divide by zero building the Hershey lines). -1 with gl_err naming the file.
static int stored_corpus(const gl_meta *meta, const char *path, long *seed, long *words, gl_hw_iam_opts *iam) {
    const app_opt *T = app_hw_train_table;
    double cs = 1, w = 3, thin = 1;
    gl_hw_iam_defaults(iam);
    if (app_stored_opt(meta, path, "corpus_seed", T, "corpus-seed", &cs) < 0 ||
        app_stored_opt(meta, path, "corpus_words", T, "words", &w) < 0 ||
        app_stored_opt(meta, path, "iam_thin", T, "thin", &thin) < 0)
        return -1;
    *seed = (long)cs; *words = (long)w; iam->thin = (int)thin;
    return 0;
}

static const app_opt eval_opts[] = {
    APP_TEXT("model", "weights (default assets/handwriting-synth.safetensors)"),
    APP_TEXT("task", "predict | synth: picks the shipped weights (default synth)"),
    APP_TEXT("data",
            "hershey | iam:DIR: the held-out forms, prepared as the model's training data was (default: the corpus "
            "the model was trained on; IAM needs its DIR)"),
    APP_TEXT("exclude", "IAM: file of line or form ids to skip (as in training)"),
    APP_FLAG("all", "IAM: every line, not only the held-out forms"),
    APP_INT("lines", 1, 1000000, "200", "held-out Hershey lines"),
    APP_INT("corpus-seed", 0, 1099511627776.0, NULL,
           "Hershey seed (default: the model's corpus seed + 1000, never trained on)"),
    APP_INT("batch1", 0, 1000000, "0",
           "also score the first N lines one point at a time, as the app runs the network, in float, "
           "half and int8 weights"),
    APP_OPT_END,
};

// Keeps the corpus's lines keep() accepts (in order); the number left.
static int corpus_keep(gl_hw_corpus *c, int (*keep)(const gl_hw_line *l, const void *u), const void *u) {
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        if (keep(&c->lines[i], u)) c->lines[k++] = c->lines[i];
        else { free(c->lines[i].pts); free(c->lines[i].text); }
    }
    return c->n = k;
}
static int heldout_form(const gl_hw_line *l, const void *u) { (void)u; return l->style % GL_HW_IAM_HELDOUT_MOD == 0; }
static int writable(const gl_hw_line *l, const void *cfg) { return gl_hw_encode(cfg, l->text, NULL) == 0; }

// The corpus eval handwriting scores: --data (else the one the model was
// trained on: IAM-OnDB needs its directory), its held-out forms (IAM, unless
// --all), the lines the model can write, normalised as it was trained.
// 0, or the exit status (said on stderr).
static int eval_corpus(const app_args *a, const gl_hw_model *m, const char *path, gl_hw_corpus *c, const char **data,
                       gl_hw_iam_opts *iam_o, long *cs) {
    const gl_meta *meta = gl_hw_meta(m);
    long dseed, words;
    if (stored_corpus(meta, path, &dseed, &words, iam_o)) return fail();
    *cs = app_arg(a, eval_opts, "corpus-seed") ? app_opt_long(a, eval_opts, "corpus-seed") : dseed + 1000;
    *data = app_arg(a, eval_opts, "data");
    if (!*data) {
        // a model's held-out lines come from the corpus it was trained on: an
        // IAM-OnDB model scored on Hershey lines would be a figure about nothing
        const char *trained = gl_meta_get(meta, "corpus");
        if (trained && !strncmp(trained, "iam:", 4)) {
            fprintf(stderr,
                    "glimpse: %s was trained on IAM-OnDB; evaluate it on its held-out forms with --data iam:DIR "
                    "(or --data hershey for the built-in corpus)\n",
                    path);
            return 2;
        }
        *data = "hershey";
    }
    iam_o->quiet = 1;   // only the result (and one line on an error)
    iam_o->exclude = app_arg(a, eval_opts, "exclude");
    note_exclude(meta, path, *data, iam_o->exclude);
    if (load_corpus(*data, (int)app_opt_long(a, eval_opts, "lines"), (uint64_t)*cs, (int)words, iam_o, c))
        return fail();
    if (strcmp(*data, "hershey") && !app_arg(a, eval_opts, "all") && corpus_keep(c, heldout_form, NULL) == 0) {
        fprintf(stderr, "glimpse: %s has no line of a held-out form (forms whose id hashes to 0 mod %d); --all "
                "evaluates every line\n", *data + 4, GL_HW_IAM_HELDOUT_MOD);
        return 1;
    }
    if (m->cfg.K > 0 && corpus_keep(c, writable, &m->cfg) == 0) {
        fprintf(stderr, "glimpse: no line of the corpus can be written with the model's alphabet\n");
        return 1;
    }
    gl_hw_corpus_normalise(c, m->cfg.mean, m->cfg.std);
    return 0;
}

// --batch1: the first n lines through the batch-1 path (the app's) with
// float weights, halves and int8. 0, or the exit status.
static int eval_batch1(gl_hw_model *m, const gl_hw_corpus *c, long nb1) {
    int n1 = nb1 < c->n ? (int)nb1 : c->n;
    double l1[3] = {0, 0, 0};
    long p1 = 0;
    static const gl_hw_weights ws[3] = {GL_HW_FP32, GL_HW_HALF, GL_HW_INT8};
    for (int i = 0; i < n1; i++) {
        p1 += c->lines[i].n;
        for (int k = 0; k < 3; k++) {
            gl_hw_sample_opts so = {0};
            so.weights = ws[k];
            double l = gl_hw_line_loss(m, &c->lines[i], &so);
            if (isnan(l)) return fail();
            l1[k] += l;
        }
    }
    printf("one point at a time (the app's path), the first %d lines, %ld points:", n1, p1);
    for (int k = 0; k < 3; k++)
        printf(" %s %.4f%s", gl_hw_weights_name(ws[k]), l1[k] / (p1 ? p1 : 1), k < 2 ? "," : "");
    printf(" nats per point\n");
    return 0;
}

int cmd_eval_handwriting(int argc, char **argv) {
    app_args a;
    int r = app_args_parse(argc, argv, eval_opts,
                          "usage: glimpse eval handwriting [--model FILE] [--data hershey|iam:DIR]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *task = app_arg(&a, eval_opts, "task");
    const char *path = app_arg(&a, eval_opts, "model");
    if (!path) path = app_asset_path(task && !strcmp(task, "predict") ? PREDICT_WEIGHTS : SYNTH_WEIGHTS);
    gl_hw_model *m = gl_hw_load(path, 0);
    if (!m) return fail();
    gl_hw_corpus c = {0};
    gl_hw_iam_opts iam_o;
    const char *data;
    long cs;
    int status = eval_corpus(&a, m, path, &c, &data, &iam_o, &cs);
    if (!status) {
        double per_line, t0 = gl_now();
        long np;
        double lp = corpus_loss(m, &c, 1000000, &per_line, &np);
        printf("%s: %s, %zu parameters\n", path, m->cfg.K > 0 ? "synthesis" : "prediction", gl_params_count(&m->ps));
        static const char *const nth[4] = { "th", "st", "nd", "rd" };
        if (!strcmp(data, "hershey")) printf("held-out %s lines (seed %ld): %d lines, %ld points\n", data, cs, c.n, np);
        else
            printf("%s: %d %s lines, %ld points (every %d%s point of a stroke kept)\n", data, c.n,
                   app_arg(&a, eval_opts, "all") ? "" : "held-out", np, iam_o.thin,
                   nth[iam_o.thin <= 3 ? iam_o.thin : 0]);
        printf("loss: %.4f nats per point, %.2f nats per line (%.1f s)\n", lp, per_line, gl_now() - t0);
        long nb1 = app_opt_long(&a, eval_opts, "batch1");
        if (nb1 > 0) status = eval_batch1(m, &c, nb1);
    }
    gl_hw_corpus_free(&c);
    gl_hw_free(m);
    return status;
}

// ---- write / scribble ---------------------------------------------------------
// Sampled output with Inf or NaN (extreme weights or primer) is an error,
// never a blank picture or invalid JSON.
static int result_finite(const gl_hw_result *r) {
    if (!gl_all_finite(r->pts, (size_t)r->n * 3)) return 0;
    if (r->phi && !gl_all_finite(r->phi, (size_t)r->n * (r->U + 1))) return 0;
    if (r->kappa && !gl_all_finite(r->kappa, (size_t)r->n * r->K)) return 0;
    return 1;
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

// Stacks several lines' points into one sequence (each line on its own row,
// left-aligned): absolute positions are shifted, then turned back into offsets.
static float *stack_lines(gl_hw_result *res, int n, float gap, int *total) {
    int tot = 0;
    for (int i = 0; i < n; i++) tot += res[i].n;
    float *pts = gl_malloc(sizeof(float) * 3 * (tot + 1));
    int k = 0; float px = 0, py = 0, row = 0;
    for (int i = 0; i < n; i++) {
        float x0, y0, x1, y1; gl_hw_bbox(res[i].pts, res[i].n, &x0, &y0, &x1, &y1);
        float x = 0, y = 0;
        for (int t = 0; t < res[i].n; t++) {
            x += res[i].pts[3 * t]; y += res[i].pts[3 * t + 1];
            float ax = x - x0, ay = y - y0 + row;
            pts[3 * k] = ax - px; pts[3 * k + 1] = ay - py;
            pts[3 * k + 2] = t == res[i].n - 1 ? 1 : res[i].pts[3 * t + 2];
            px = ax; py = ay; k++;
        }
        row += (y1 - y0) + gap;
    }
    *total = k;
    return pts;
}

static int save_output(const char *out, gl_hw_result *res, int n) {
    int tot;
    float x0, y0, x1, y1; gl_hw_bbox(res[0].pts, res[0].n, &x0, &y0, &x1, &y1);
    float *pts = stack_lines(res, n, 0.6f * (y1 - y0 > 1 ? y1 - y0 : 20), &tot);
    int rc;
    if (ends_with(out, ".svg")) rc = gl_hw_save_svg(out, pts, tot, 0);   // millimetres, at a handwriting size
    else if (ends_with(out, ".png")) {
        gl_hw_bbox(pts, tot, &x0, &y0, &x1, &y1);
        rc = gl_hw_save_png(out, pts, tot, n == 1 ? 120 : 90 * n);
    } else { gl_seterr("-o must end in .svg or .png (got '%s')", out); rc = -1; }
    free(pts);
    return rc;
}

// --gif: the lines being written one after the other, stacked as save_output
// stacks them, at the pen's speed (gif_export.h).
static int save_gif(const char *gif, gl_hw_result *res, int n, const gl_meta *meta) {
    int tot;
    float x0, y0, x1, y1; gl_hw_bbox(res[0].pts, res[0].n, &x0, &y0, &x1, &y1);
    float *pts = stack_lines(res, n, 0.6f * (y1 - y0 > 1 ? y1 - y0 : 20), &tot);
    int rc = gif_ink(gif, pts, tot, n == 1 ? 120 : 90 * n, gif_point_seconds(meta));
    free(pts);
    return rc;
}

static void json_result(gl_buf *b, const gl_hw_result *r, const char *text) {
    gl_buf_printf(b, "{\"text\":"); gl_buf_str(b, text ? text : "");
    gl_buf_printf(b, ",\"ended\":%s,\"steps\":%d,\"points\":[", r->ended ? "true" : "false", r->n);
    for (int i = 0; i < r->n; i++)
        gl_buf_printf(b, "%s[%.4g,%.4g,%d]", i ? "," : "", r->pts[3 * i], r->pts[3 * i + 1], (int)r->pts[3 * i + 2]);
    gl_buf_printf(b, "]");
    if (r->phi) {
        gl_buf_printf(b, ",\"phi\":[");
        for (int i = 0; i < r->n; i++) {
            if (i) gl_buf_printf(b, ",");
            gl_buf_floats(b, r->phi + (size_t)i * (r->U + 1), r->U + 1);
        }
        gl_buf_printf(b, "],\"kappa\":[");
        for (int i = 0; i < r->n; i++) {
            if (i) gl_buf_printf(b, ",");
            gl_buf_floats(b, r->kappa + (size_t)i * r->K, r->K);
        }
        gl_buf_printf(b, "]");
    }
    gl_buf_printf(b, "}");
}

// ---- write --page: a text as one page in one hand (gl_hw_page) ------------
#define PAGE_MAX_CHARS 20000

// The page's text: FILE, or standard input for "-" (at most PAGE_MAX_CHARS).
static char *read_page_text(const char *path) {
    if (strcmp(path, "-")) {
        uint8_t *b;
        size_t n;
        if (gl_read_file_max(path, &b, &n, PAGE_MAX_CHARS * 4)) return NULL;
        return (char *)b;
    }
    size_t cap = 4096, n = 0;
    char *b = gl_malloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > PAGE_MAX_CHARS * 4) {
                free(b);
                gl_seterr("--page -: the text is over %d characters", PAGE_MAX_CHARS);
                return NULL;
            }
            cap *= 2;
            b = realloc(b, cap);
        }
        size_t got = fread(b + n, 1, cap - 1 - n, stdin);
        if (got == 0) break;
        n += got;
    }
    if (ferror(stdin)) {
        free(b);
        gl_seterr("--page -: cannot read standard input");
        return NULL;
    }
    b[n] = 0;
    return b;
}

// --fp32 | --half | --int8 (the default); 2 when more than one is given (said).
static int weights_opt(const app_args *a, const app_opt *opts, gl_hw_weights *w) {
    if (!!app_arg(a, opts, "fp32") + !!app_arg(a, opts, "half") + !!app_arg(a, opts, "int8") > 1) {
        fprintf(stderr, "glimpse: --fp32, --half and --int8 exclude each other\n");
        return 2;
    }
    *w = app_arg(a, opts, "fp32") ? GL_HW_FP32 : app_arg(a, opts, "half") ? GL_HW_HALF : GL_HW_INT8;
    return 0;
}

// The synthesis network of --model (default the shipped one); NULL with *rc
// 1 (it did not load) or 2 (a prediction network), said on stderr.
static gl_hw_model *load_synth(const app_args *a, const app_opt *opts, const char **path, int *rc) {
    *path = app_arg(a, opts, "model");
    if (!*path) *path = app_asset_path(SYNTH_WEIGHTS);
    gl_hw_model *m = gl_hw_load(*path, 0);
    if (!m) {
        *rc = fail();
        return NULL;
    }
    if (m->cfg.K == 0) {
        fprintf(stderr, "glimpse: %s is a prediction network; write needs a synthesis network (try scribble)\n", *path);
        gl_hw_free(m);
        *rc = 2;
        return NULL;
    }
    return m;
}

// --style for write and write --page: the primer (§5.5) of a style file or
// name, its text prepared as typed text is; a Hershey style number serves
// Hershey-trained models only. 0 (also without --style: *ptext NULL); 2 (a
// usage error) or 1 with gl_err.
static int load_primer(const char *style, gl_hw_model *m, gl_hw_corpus *pc, char **ptext) {
    const gl_meta *meta = gl_hw_meta(m);
    *ptext = NULL;
    if (!style) return 0;
    if (*style && strspn(style, "0123456789") == strlen(style) && gl_meta_get(meta, "corpus") &&
        strcmp(gl_meta_get(meta, "corpus"), "hershey")) {
        gl_seterr("--style %s is a Hershey writer style, in another model's units; prime this model with a style file "
                  "(e.g. %s/style-1.json)",
                  style, app_asset_path("handwriting/styles"));
        return 2;
    }
    if (style[0] == '-' && style[1] && strspn(style + 1, "0123456789") == strlen(style + 1)) {
        gl_seterr("--style must be a style number >= 0 or a JSON file, got '%s'", style);
        return 2;
    }
    if (app_style_load(style, &m->cfg, pc, ptext)) return 1;
    size_t cap = strlen(*ptext) + 1;   // the primer's text is typed text too
    char *pt = gl_malloc(cap);
    int bad = gl_hw_text_prepare(&m->cfg, *ptext, pt, cap, NULL, 0) || gl_hw_encode(&m->cfg, pt, NULL);
    if (bad) gl_seterr("%s: the primer's text: %s", style, gl_err());
    free(*ptext);
    *ptext = pt;
    return bad ? 2 : 0;
}

// write --page's options: 0, or 2 when they do not fit a page (said).
static int page_args(const app_args *a, const app_opt *opts) {
    const char *out = app_arg(a, opts, "o");
    const char *why = a->npos ? "--page takes its text from FILE (or - for standard input), not the command line"
                      : !out  ? "write --page needs -o OUT.svg|OUT.png"
                      : !ends_with(out, ".svg") && !ends_with(out, ".png") ? "-o must end in .svg or .png"
                                                                            : NULL;
    if (why) {
        fprintf(stderr, "glimpse: %s\n", why);
        return 2;
    }
    static const char *const single[] = { "json", "window", "save-style", "name", "max-steps", "gif" };
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++)
        if (app_arg(a, opts, single[i])) {
            fprintf(stderr, "glimpse: --%s is for single lines, not --page\n", single[i]);
            return 2;
        }
    return 0;
}

// The page's typed text as the model's characters (look-alikes replaced,
// said in note); a character it cannot write is named with its line of
// src, and NULL comes back (2, with gl_err), as for more than PAGE_MAX_CHARS.
static char *page_text(const gl_hw_cfg *cfg, const char *src, const char *raw, char *note, size_t notecap) {
    size_t cap = strlen(raw) * 3 + 1;
    char *text = gl_malloc(cap);
    if (gl_hw_text_prepare(cfg, raw, text, cap, note, notecap)) {
        free(text);
        return NULL;
    }
    long nchars = 0;
    for (const char *c = text; *c; c++) nchars += *c != '\r';
    if (nchars > PAGE_MAX_CHARS) {
        gl_seterr("--page: the text has %ld characters (at most %d)", nchars, PAGE_MAX_CHARS);
        free(text);
        return NULL;
    }
    int lineno = 1, bad = 0;
    for (char *l = text, *e; !bad && *l; l = *e ? e + 1 : e, lineno++) {
        e = strchr(l, '\n');
        if (!e) e = l + strlen(l);
        char keep = *e;
        *e = 0;
        for (char *c = l; *c; c++)
            if (*c == '\r' || *c == '\t') *c = ' ';
        if (gl_hw_text_check(cfg, l)) {
            gl_seterr("%s: line %d: %s", src, lineno, gl_err());
            bad = 1;
        }
        *e = keep;
    }
    if (bad) {
        free(text);
        return NULL;
    }
    return text;
}

// What the page notes, on stderr and in d (the SVG's <desc>): lines written
// again, and lines that did not end in any try. Returns the lines written.
static int page_notes(const gl_hw_page *pg, gl_buf *d) {
    int written = 0;
    for (int i = 0; i < pg->n; i++) {
        if (!pg->text[i][0]) continue;
        written++;
        if (pg->done[i] && pg->tries[i] == 1) continue;
        char msg[300];
        if (pg->done[i])
            snprintf(msg, sizeof msg, "line %d written again: whole on try %d (seed %llu)", i + 1, pg->tries[i],
                     (unsigned long long)pg->seed[i]);
        else
            snprintf(msg, sizeof msg, "line %d %s in %d tries (the least bad, seed %llu, is kept): \"%s\"", i + 1,
                     gl_hw_verdict_name(pg->why[i]), pg->tries[i], (unsigned long long)pg->seed[i], pg->text[i]);
        fprintf(stderr, "glimpse: %s\n", msg);
        gl_buf_printf(d, "; %s", msg);
    }
    return written;
}

// The page to out (SVG in millimetres with desc, or PNG at dpi), said with
// its size and the time it took. 0, or 1 (said).
static int page_save(const char *out, const gl_hw_page *pg, const char *desc, double dpi, int written,
                     double wall, double cpu) {
    int n;
    float mm;
    float *pts = gl_hw_page_points(pg, &n, &mm);
    int rc = ends_with(out, ".svg") ? gl_hw_save_svg_desc(out, pts, n, mm, desc)
                                    : gl_hw_save_png_dpi(out, pts, n, mm, (float)dpi);
    if (rc) rc = fail();
    else {
        float x0, y0, x1, y1;
        gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
        fprintf(stderr,
                "glimpse: wrote %s: %d lines (%d of them written again, %d not whole), %.0f x %.0f mm, in %.2f s "
                "(%.2f CPU s)\n",
                out, written, pg->retried, pg->failed, (x1 - x0) * mm + 2 * GL_HW_MARGIN_MM,
                (y1 - y0) * mm + 2 * GL_HW_MARGIN_MM, wall, cpu);
    }
    free(pts);
    return rc;
}

static int write_page(const app_args *a, const app_opt *opts) {
    gl_hw_page_opts po = { 0 };
    int rc = page_args(a, opts);
    if (!rc) rc = weights_opt(a, opts, &po.weights);
    if (rc) return rc;
    const char *src = app_arg(a, opts, "page"), *out = app_arg(a, opts, "o"), *style = app_arg(a, opts, "style"), *path;
    po.bias = (float)app_opt_num(a, opts, "bias");
    po.seed = (uint64_t)app_opt_long(a, opts, "seed");
    int width = (int)app_opt_long(a, opts, "width");
    char *raw = read_page_text(src);
    if (!raw) return fail();
    gl_hw_model *m = load_synth(a, opts, &path, &rc);
    if (!m) {
        free(raw);
        return rc;
    }
    char note[256] = "", **lines = NULL, *ptext = NULL;
    int nlines = 0;
    char *text = page_text(&m->cfg, src, raw, note, sizeof note);
    gl_hw_corpus pc = { 0 };
    if (!text || gl_hw_wrap(&m->cfg, text, width, &lines, &nlines)) rc = 2;
    if (!rc) rc = load_primer(style, m, &pc, &ptext);
    if (rc) fprintf(stderr, "glimpse: %s\n", gl_err());
    else if (note[0]) fprintf(stderr, "glimpse: %s\n", note);
    if (ptext) {
        po.prime = &pc.lines[0];
        po.prime_text = ptext;
    }
    gl_hw_page pg = { 0 };
    double t0 = gl_now(), c0 = gl_cpu_now();
    if (!rc && gl_hw_page_write(m, lines, nlines, &po, &pg)) rc = fail();
    double wall = gl_now() - t0, cpu = gl_cpu_now() - c0;
    if (!rc) {
        gl_buf d = { 0 };
        gl_buf_printf(&d, "glimpse write --page: %s, bias %g, seed %llu, width %d%s%s", path, po.bias,
                      (unsigned long long)po.seed, width, style ? ", style " : "", style ? style : "");
        int written = page_notes(&pg, &d);
        rc = page_save(out, &pg, d.s, app_opt_num(a, opts, "dpi"), written, wall, cpu);
        gl_buf_free(&d);
    }
    gl_hw_page_free(&pg);
    gl_hw_wrapped_free(lines, nlines);
    free(text);
    free(raw);
    free(ptext);
    gl_hw_corpus_free(&pc);
    gl_hw_free(m);
    return rc;
}

// write's options for single lines: 0, or 2 when they do not fit (said).
static int write_args(const app_args *a, const app_opt *opts) {
    const char *out = app_arg(a, opts, "o"), *save_style = app_arg(a, opts, "save-style"),
               *gif = app_arg(a, opts, "gif");
    const char *win = app_arg(a, opts, "window"), *why = NULL;
    char buf[96];
    if (a->npos < 1) why = "write needs the text to write";
    else if (!out && !app_arg(a, opts, "json") && !win && !save_style && !gif)
        why = "write needs -o OUT.svg|OUT.png (or --json, --window, --save-style, --gif)";
    else if (gif && !ends_with(gif, ".gif")) why = "--gif must end in .gif";
    else if (save_style && !ends_with(save_style, ".json")) why = "--save-style must end in .json";
    else if (save_style && a->npos != 1) {
        snprintf(buf, sizeof buf, "--save-style saves one line (got %d texts)", a->npos);
        why = buf;
    } else if (win && !ends_with(win, ".png")) why = "--window must end in .png";
    else if (out && !ends_with(out, ".svg") && !ends_with(out, ".png")) why = "-o must end in .svg or .png";
    if (!why) return 0;
    fprintf(stderr, "glimpse: %s\n", why);
    return 2;
}

// Typed text -> the model's characters: look-alikes (curly quotes, dashes,
// special spaces, …) become what it knows, said in notes[i]; any other
// character it cannot write is named, with what it can (-1, gl_err), and
// nothing is written.
static int write_texts(const gl_hw_cfg *cfg, const app_args *a, char **texts, char **notes) {
    for (int i = 0; i < a->npos; i++) {
        size_t cap = strlen(a->pos[i]) + 1;
        texts[i] = gl_malloc(cap);
        notes[i] = gl_malloc(256);
        if (gl_hw_text_prepare(cfg, a->pos[i], texts[i], cap, notes[i], 256) || gl_hw_text_check(cfg, texts[i])) {
            if (a->npos > 1) gl_seterr("line %d: %s", i + 1, gl_err());
            return -1;
        }
    }
    for (int i = 0; i < a->npos; i++)
        if (notes[i][0]) {
            if (a->npos > 1) fprintf(stderr, "glimpse: line %d: %s\n", i + 1, notes[i]);
            else fprintf(stderr, "glimpse: %s\n", notes[i]);
        }
    return 0;
}

// --save-style: the (one) line as a style file. A preset is a whole line:
// one that did not end on its own, or with too few points for its text,
// would not prime well. 0, or 1 (said).
static int write_save_style(const char *save_style, const char *name_opt, const char *path, const char *text,
                            const gl_hw_result *r, const gl_hw_cfg *cfg, long seed, double bias) {
    long need = (long)strlen(text) * PRIMER_MIN_PER_CHAR < 10 ? 10 : (long)strlen(text) * PRIMER_MIN_PER_CHAR;
    if (!r->ended) {
        gl_seterr("--save-style: the line did not end on its own within %d steps; nothing saved (another --seed?)",
                  r->n);
        return fail();
    }
    if (r->n < need) {
        gl_seterr("--save-style: %d points are too few for a primer of %zu characters; nothing saved", r->n,
                  strlen(text));
        return fail();
    }
    const char *base = strrchr(save_style, '/'), *mb = strrchr(path, '/');
    char name[64];
    if (name_opt) snprintf(name, sizeof name, "%s", name_opt);
    else {
        const char *file = base ? base + 1 : save_style;
        snprintf(name, sizeof name, "%.*s", (int)strlen(file) - 5, file);
    }
    if (app_style_save(save_style, name, text, r->pts, r->n, cfg, mb ? mb + 1 : path, (uint64_t)seed, (float)bias))
        return fail();
    fprintf(stderr, "glimpse: wrote %s (\"%s\", %d points, seed %ld, bias %g)\n", save_style, text, r->n, seed, bias);
    return 0;
}

// --window (the first line's alignment figure, the primer's text first) and
// --json (every line's points, φ and κ on stdout). 0, or 1 (said).
static int write_extras(const app_args *a, const app_opt *opts, const char *path, const gl_hw_cfg *cfg, char **texts,
                        const gl_hw_result *res, const char *ptext) {
    const char *wpng = app_arg(a, opts, "window");
    if (wpng) {
        char *full = NULL;
        if (ptext) {
            size_t n = strlen(ptext) + strlen(texts[0]) + 2;
            full = gl_malloc(n);
            snprintf(full, n, "%s %s", ptext, texts[0]);
        }
        int bad = gl_hw_save_window_png(wpng, &res[0], full ? full : texts[0]);
        free(full);
        if (bad) return fail();
        fprintf(stderr, "glimpse: wrote %s\n", wpng);
    }
    if (app_arg(a, opts, "json")) {
        gl_buf b = { 0 };
        gl_buf_printf(&b, "{\"model\":");
        gl_buf_str(&b, path);
        gl_buf_printf(&b, ",\"bias\":%g,\"seed\":%ld,\"alphabet\":", app_opt_num(a, opts, "bias"),
                      app_opt_long(a, opts, "seed"));
        gl_buf_str(&b, cfg->alphabet);
        gl_buf_printf(&b, ",\"lines\":[");
        for (int i = 0; i < a->npos; i++) {
            if (i) gl_buf_printf(&b, ",");
            json_result(&b, &res[i], texts[i]);
        }
        gl_buf_printf(&b, "]}\n");
        fwrite(b.s, 1, b.len, stdout);
        gl_buf_free(&b);
    }
    return 0;
}

static const app_opt write_opts[] = {
    APP_TEXT("model", "synthesis weights (default assets/handwriting-synth.safetensors)"),
    APP_NUM("bias", 0, 100, "1", "sampling bias b (§5.4)"),
    APP_INT("seed", 0, 1099511627776.0, "1", "random seed (line i uses seed+i; a line that does not end on its own "
                                             "is written again with seed+i+k*7919, up to 3 tries, as a page's)"),
    APP_TEXT("style", "prime with writer style N (a Hershey style), FILE (JSON from write --json) or NAME "
                      "(a style of your own hand saved in the app) (§5.5)"),
    APP_INT("max-steps", 1, 100000, NULL, "stop after this many points per line (default 40 per character + 40)"),
    APP_TEXT("o", "output OUT.svg or OUT.png"),
    APP_FLAG("json", "also print the points, φ(t,u) and κ per step as JSON on stdout"),
    APP_TEXT("window", "also draw the first line's window weights φ(t,u) under it to this PNG"),
    APP_TEXT("save-style", "also save the (one) line as a style file OUT.json: a style preset written by this model"),
    APP_TEXT("name", "the style file's name (--save-style; default: the file's name)"),
    APP_FLAG("fp32",
             "run the network on its float weights as trained (default: int8 weights with a scale per row, four "
             "times fewer bytes; see README)"),
    APP_FLAG("half", "run the network on its weights read as half floats"),
    APP_FLAG("int8", "run the network on int8 weights, a scale per row (the default)"),
    APP_TEXT("page", "write the text of FILE (- : standard input) as one page in one hand: word-wrapped, each line "
                     "primed with the one before (§5.5); a newline starts a new line, a blank line leaves a gap"),
    APP_INT("width", 8, 100, GL_HW_PAGE_WIDTH_S, "--page: characters per line at most"),
    APP_NUM("dpi", 30, 1200, "150", "--page: pixels per inch of a PNG page (an SVG page is in millimetres)"),
    APP_TEXT("gif", "also write the line(s) being written as an animated GIF, at the pen's speed (IAM-OnDB's clock)"),
    APP_OPT_END,
};

// One line, written as a page writes each of its lines (gl_hw_page_write, a
// page of one): a try not written whole (gl_hw_line_verdict) is written again
// with seed + k·GL_HW_PAGE_RESEED, up to `tries` tries (1 for a line saved as
// a style), the least bad kept. *res gets the line kept; *pg its tries, seed
// and verdict (the caller frees pg). -1 with gl_err.
static int write_line(gl_hw_model *m, const char *text, const gl_hw_sample_opts *so, int tries, gl_hw_result *res,
                       gl_hw_page *pg) {
    gl_hw_page_opts po = { 0 };
    po.bias = so->bias;
    po.seed = so->seed;
    po.weights = so->weights;
    po.max_steps = so->max_steps;
    po.tries = tries;
    po.prime = so->prime;
    po.prime_text = so->prime_text;
    size_t U = strlen(text) + (so->prime_text ? strlen(so->prime_text) + 1 : 0);
    if (U > GL_HW_MAXU) {   // a page would write it unprimed; a line asked for with a style is refused
        gl_seterr("write: text too long (%zu characters with the style's, at most %d)", U, GL_HW_MAXU);
        return -1;
    }
    char *one = (char *)text;
    if (gl_hw_page_write(m, &one, 1, &po, pg)) return -1;
    *res = pg->line[0];   // moved out of the page
    memset(&pg->line[0], 0, sizeof pg->line[0]);
    return 0;
}

int cmd_write(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    app_args a;
    int r = app_args_parse_pos(argc, argv, write_opts,
                              "usage: glimpse write \"text\" [\"more lines\" ...] [--bias B] [--seed S] "
                              "[--style N|FILE] -o OUT.svg|OUT.png [--json] [--save-style OUT.json] [--gif OUT.gif]\n"
                              "       glimpse write --page FILE|- -o OUT.svg|OUT.png [--width CHARS] [--style FILE] "
                              "[--bias B] [--seed S] [--dpi N]",
                              &a, APP_MAXPOS);
    if (r) return r > 0 ? 0 : 2;
    if (app_arg(&a, write_opts, "page")) return write_page(&a, write_opts);
    gl_hw_weights wts;
    int rc = write_args(&a, write_opts);
    if (!rc) rc = weights_opt(&a, write_opts, &wts);
    if (rc) return rc;
    const char *out = app_arg(&a, write_opts, "o"), *save_style = app_arg(&a, write_opts, "save-style"), *path;
    const char *gif = app_arg(&a, write_opts, "gif");
    double bias = app_opt_num(&a, write_opts, "bias");
    long seed = app_opt_long(&a, write_opts, "seed"), maxs = app_opt_long(&a, write_opts, "max-steps"); // 0: by length
    gl_hw_model *m = load_synth(&a, write_opts, &path, &rc);
    if (!m) return rc;
    char **texts = gl_calloc(a.npos, sizeof(char *)), **notes = gl_calloc(a.npos, sizeof(char *)), *ptext = NULL;
    gl_hw_corpus pc = { 0 };
    if (write_texts(&m->cfg, &a, texts, notes)) rc = 2;
    else rc = load_primer(app_arg(&a, write_opts, "style"), m, &pc, &ptext);
    if (rc) fprintf(stderr, "glimpse: %s\n", gl_err());
    gl_hw_result *res = gl_calloc(a.npos, sizeof(gl_hw_result));
    for (int i = 0; i < a.npos && !rc; i++) {
        gl_hw_sample_opts so = { 0 };
        so.weights = wts;
        so.bias = (float)bias;
        so.seed = (uint64_t)seed + i;
        so.max_steps = (int)maxs;
        if (ptext) {
            so.prime = &pc.lines[0];
            so.prime_text = ptext;
        }
        gl_hw_page pg = { 0 };
        if (write_line(m, texts[i], &so, save_style ? 1 : GL_HW_PAGE_TRIES, &res[i], &pg)) rc = fail();   // a style: 1
        else if (!result_finite(&res[i])) {
            gl_seterr("line %d: the network produced non-finite values (weights or primer out of range?)", i + 1);
            rc = fail();
        } else if (!pg.done[0] && !save_style)
            fprintf(stderr, "glimpse: line %d %s in %d tries (seeds %ld + k * %d; the least bad kept, seed %llu, %d "
                    "steps)\n", i + 1, gl_hw_verdict_name(pg.why[0]), pg.tries[0], seed + i, GL_HW_PAGE_RESEED,
                    (unsigned long long)pg.seed[0], res[i].n);
        else if (pg.tries[0] > 1)
            fprintf(stderr, "glimpse: line %d written again with seed %llu: whole on try %d\n", i + 1,
                    (unsigned long long)pg.seed[0], pg.tries[0]);
        gl_hw_page_free(&pg);
    }
    if (!rc && save_style)
        rc =
            write_save_style(save_style, app_arg(&a, write_opts, "name"), path, texts[0], &res[0], &m->cfg, seed, bias);
    if (!rc && out && save_output(out, res, a.npos)) rc = fail();
    if (!rc && gif && save_gif(gif, res, a.npos, gl_hw_meta(m))) rc = fail();
    if (!rc) rc = write_extras(&a, write_opts, path, &m->cfg, texts, res, ptext);
    if (!rc && out) fprintf(stderr, "glimpse: wrote %s\n", out);
    for (int i = 0; i < a.npos; i++) {
        gl_hw_result_free(&res[i]);
        free(texts[i]);
        free(notes[i]);
    }
    free(res);
    free(texts);
    free(notes);
    free(ptext);
    gl_hw_corpus_free(&pc);
    gl_hw_free(m);
    return rc;
}

static const app_opt scribble_opts[] = {
    APP_TEXT("model", "prediction weights (default assets/handwriting-predict.safetensors)"),
    APP_NUM("bias", 0, 100, "0", "sampling bias b"),
    APP_INT("seed", 0, 1099511627776.0, "1", "random seed"),
    APP_INT("steps", 1, 100000, "400", "points to generate"),
    APP_TEXT("o", "output OUT.svg or OUT.png"),
    APP_FLAG("json", "also print the points as JSON on stdout"),
    APP_TEXT("gif", "also write the scribble being written as an animated GIF, at the pen's speed (IAM-OnDB's clock)"),
    APP_OPT_END,
};

int cmd_scribble(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    app_args a;
    int r = app_args_parse(
        argc, argv, scribble_opts,
        "usage: glimpse scribble [--seed S] [--bias B] [--steps N] -o OUT.svg|OUT.png [--gif OUT.gif]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *out = app_arg(&a, scribble_opts, "o"), *gif = app_arg(&a, scribble_opts, "gif");
    if (!out && !app_arg(&a, scribble_opts, "json") && !gif) {
        fprintf(stderr, "glimpse: scribble needs -o OUT.svg|OUT.png (or --json, --gif)\n");
        return 2;
    }
    if (gif && !ends_with(gif, ".gif")) { fprintf(stderr, "glimpse: --gif must end in .gif\n"); return 2; }
    if (out && !ends_with(out, ".svg") && !ends_with(out, ".png")) {
        fprintf(stderr, "glimpse: -o must end in .svg or .png\n");
        return 2;
    }
    double bias = app_opt_num(&a, scribble_opts, "bias");
    long seed = app_opt_long(&a, scribble_opts, "seed"), steps = app_opt_long(&a, scribble_opts, "steps");
    const char *path = app_arg(&a, scribble_opts, "model"); if (!path) path = app_asset_path(PREDICT_WEIGHTS);
    gl_hw_model *m = gl_hw_load(path, 0);   // the metadata: the pen's clock for --gif
    if (!m) return fail();
    const gl_meta *meta = gl_hw_meta(m);
    if (m->cfg.K > 0) {
        fprintf(stderr, "glimpse: %s is a synthesis network; scribble needs a prediction network\n", path);
        gl_hw_free(m);
        return 2;
    }
    gl_hw_sample_opts so = {0};
    so.bias = (float)bias; so.seed = (uint64_t)seed; so.max_steps = (int)steps;
    gl_hw_result res;
    int rc = 0;
    int sampled = gl_hw_sample(m, NULL, &so, &res, NULL) >= 0;
    if (!sampled) rc = fail();
    else if (!result_finite(&res)) {
        gl_seterr("the network produced non-finite values (weights out of range?)");
        rc = fail();
    }
    if (!rc && out && save_output(out, &res, 1)) rc = fail();
    if (!rc && gif && save_gif(gif, &res, 1, meta)) rc = fail();
    if (!rc && app_arg(&a, scribble_opts, "json")) {
        gl_buf b = {0}; json_result(&b, &res, ""); gl_buf_printf(&b, "\n");
        fwrite(b.s, 1, b.len, stdout); gl_buf_free(&b);
    }
    if (!rc && out) fprintf(stderr, "glimpse: wrote %s\n", out);
    if (sampled) gl_hw_result_free(&res);
    gl_hw_free(m);
        return rc;
}

// ---- bench --------------------------------------------------------------------
static const app_opt bench_opts[] = {
    APP_TEXT("model", "synthesis weights (default assets/handwriting-synth.safetensors)"),
    APP_INT("sentences", 1, 100000, NULL, "test texts for the end-of-text rate (default 100; 200 with --data iam:DIR)"),
    APP_TEXT("data",
            "test texts: random words (default) | iam:DIR: texts of IAM-OnDB's held-out forms (as eval handwriting)"),
    APP_TEXT("exclude", "IAM: file of line or form ids to skip (as in training)"),
    APP_NUM("bias", 0, 100, "1", "sampling bias"),
    APP_INT("seed", 0, 1099511627776.0, "2024", "seed of the test sentences and the sampling"),
    APP_TEXT("picture", "also write the five README sentences to this PNG"),
    APP_FLAG("no-twin", "skip the PyTorch twin"),
    APP_OPT_END,
};

// The README's picture: ordinary sentences with capitals, digits and
// punctuation when the model can write them, else lower-case ones.
static const char *README_SENTENCES[5] = {
    "Hello, World! It is 2024.",
    "The quick brown fox jumps over 3 lazy dogs.",
    "Meet me at 7:30 by the old mill, please.",
    "Is it \"soft\" attention? Yes - it is.",
    "Graves wrote it in 2013 (page 23).",
};
static const char *README_SENTENCES_LOWER[5] = {
    "the quick brown fox jumps over a lazy dog",
    "attention is a soft window on the text",
    "handwriting with recurrent networks",
    "she sells sea shells by the sea shore",
    "every point is sampled from a mixture",
};

static int by_text(const void *a, const void *b) {
    return strcmp(((const gl_hw_line *)a)->text, ((const gl_hw_line *)b)->text);
}

// The test texts of bench handwriting: n random word lines of up to 40
// characters (Hershey word list, seed), or with iam:DIR n texts of the
// held-out forms (style % GL_HW_IAM_HELDOUT_MOD == 0 after the model's own
// preparation, as eval handwriting), sorted and taken evenly spaced so that
// the choice does not depend on the order of the files on disk. Texts the
// model cannot write (gl_hw_text_check: IAM-OnDB's '#' of a word not read is
// not a character), or longer than GL_HW_MAXU, are left out and counted.
static int bench_texts(const char *data, const char *exclude, const gl_meta *meta, const gl_hw_cfg *cfg, int n,
                       uint64_t seed, char ***out, int *nout, int *skipped, int *writable) {
    gl_hw_corpus c = {0};
    *out = NULL; *nout = 0; *skipped = 0; *writable = 0;
    if (!data) {
        gl_hw_hershey_opts o; gl_hw_hershey_defaults(&o);
        o.lines = n; o.seed = seed; o.min_words = 2; o.max_words = 6;
        if (gl_hw_hershey_build(&c, &o)) return -1;
        for (int i = 0; i < c.n; i++) {   // up to 40 characters, no trailing space
            char *t = c.lines[i].text;
            if (strlen(t) > 40) t[40] = 0;
            for (size_t l = strlen(t); l > 0 && t[l - 1] == ' '; l--) t[l - 1] = 0;
        }
    } else {
        if (strncmp(data, "iam:", 4)) { gl_seterr("--data must be iam:DIR (without it: random words)"); return -1; }
        gl_hw_iam_opts iam;
        long cseed, words;
        if (stored_corpus(meta, "the model", &cseed, &words, &iam)) return -1;
        iam.exclude = exclude;
        if (load_corpus(data, 0, 0, 0, &iam, &c)) { gl_hw_corpus_free(&c); return -1; }
        int k = 0;
        for (int i = 0; i < c.n; i++) {
            if (c.lines[i].style % GL_HW_IAM_HELDOUT_MOD == 0) c.lines[k++] = c.lines[i];
            else { free(c.lines[i].pts); free(c.lines[i].text); }
        }
        c.n = k;
        qsort(c.lines, (size_t)c.n, sizeof *c.lines, by_text);
    }
    char **t = gl_calloc((size_t)c.n + 1, sizeof *t);
    int m = 0;
    for (int i = 0; i < c.n; i++) {
        const char *x = c.lines[i].text;
        if (!*x || strlen(x) > GL_HW_MAXU || gl_hw_text_check(cfg, x)) { (*skipped)++; continue; }
        t[m++] = gl_strdup(x);
    }
    gl_hw_corpus_free(&c);
    *writable = m;
    if (data && m > n) {   // n of them, evenly spaced
        char **sel = gl_calloc((size_t)n + 1, sizeof *sel);
        for (int i = 0; i < n; i++) { size_t j = (size_t)i * m / n; sel[i] = t[j]; t[j] = NULL; }
        for (int i = 0; i < m; i++) free(t[i]);
        free(t);
        t = sel; m = n;
    }
    *out = t; *nout = m;
    return 0;
}

// A line that ended on its own also stopped within one character of its
// last one: the ink written after the window's peak reached the last
// character spans at most two mean character widths of the line.
static int stopped_within(const gl_hw_result *res) {
    int U = res->U, tl = res->n;
    for (int t = 0; t < res->n; t++) {
        if (gl_hw_peak(res->phi + (size_t)t * (U + 1), U) >= U - 1) { tl = t; break; }
    }
    float x = 0, xl = 0, xmin = 1e30f, xmax = -1e30f, xafter = -1e30f;
    for (int t = 0; t < res->n; t++) {
        x += res->pts[3 * t];
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (t == tl) xl = x;
        if (t >= tl && x > xafter) xafter = x;
    }
    float cw = (xmax - xmin) / U;
    return tl >= res->n || xafter - xl <= 2.0f * cw;
}

typedef struct {
    int ended, within, n40;
    long steps, chars;
    double t_steps, t_40;
} hw_bench_run;

// Every text written once (seed + i, the default int8 weights): the end-of-text rate and the step time.
static int bench_write_all(gl_hw_model *m, char **texts, int ntexts, double bias, long seed, hw_bench_run *b) {
    memset(b, 0, sizeof *b);
    for (int i = 0; i < ntexts; i++) {
        int len = (int)strlen(texts[i]);
        gl_hw_sample_opts so = {0};
        so.bias = (float)bias; so.seed = (uint64_t)seed + i;
        gl_hw_result res;
        double t0 = gl_now();
        if (gl_hw_sample(m, texts[i], &so, &res, NULL) < 0) return -1;
        double dt = gl_now() - t0;
        b->t_steps += dt; b->steps += res.n; b->chars += len;
        if (len >= 35) { b->t_40 += dt * 40.0 / len; b->n40++; }
        if (res.ended) { b->ended++; b->within += stopped_within(&res); }
        gl_hw_result_free(&res);
    }
    return 0;
}

// The float path (what the twins check), halves and int8 on the first 20 texts, in turn.
static void bench_weight_kinds(gl_hw_model *m, char **texts, int ntexts, double bias, long seed) {
    double tk[3] = {0, 0, 0};
    long sk[3] = {0, 0, 0};
    static const gl_hw_weights ws[3] = {GL_HW_FP32, GL_HW_HALF, GL_HW_INT8};
    for (int i = 0; i < ntexts && i < 20; i++)
        for (int k = 0; k < 3; k++) {
            gl_hw_sample_opts so = {0};
            so.bias = (float)bias; so.seed = (uint64_t)seed + i; so.weights = ws[k];
            gl_hw_result res;
            double t0 = gl_now();
            if (gl_hw_sample(m, texts[i], &so, &res, NULL) < 0) continue;
            tk[k] += gl_now() - t0; sk[k] += res.n;
            gl_hw_result_free(&res);
        }
    if (sk[0] && sk[1] && sk[2])
        printf("synthesis step in float weights: %.3f ms, half: %.3f ms, int8: %.3f ms (the first %d texts, in turn)\n",
               1000.0 * tk[0] / sk[0], 1000.0 * tk[1] / sk[1], 1000.0 * tk[2] / sk[2], ntexts < 20 ? ntexts : 20);
}

// --picture: the README's five sentences (seeds 1..5). 0, or -1 with gl_err.
static int bench_picture(gl_hw_model *m, const char *pic, double bias) {
    const char *const *sent = README_SENTENCES;
    for (int i = 0; i < 5; i++) if (gl_hw_encode(&m->cfg, README_SENTENCES[i], NULL)) sent = README_SENTENCES_LOWER;
    gl_hw_result res[5];
    for (int i = 0; i < 5; i++) {
        gl_hw_sample_opts so = {0};
        so.bias = (float)bias; so.seed = (uint64_t)i + 1;
        if (gl_hw_sample(m, sent[i], &so, &res[i], NULL) < 0) {
            gl_seterr("--picture: %s", gl_err());
            for (int k = 0; k < i; k++) gl_hw_result_free(&res[k]);
            return -1;
        }
    }
    int rc = save_output(pic, res, 5);
    for (int i = 0; i < 5; i++) gl_hw_result_free(&res[i]);
    if (rc) return -1;
    printf("wrote %s (%s sentences, seeds 1..5, bias %g)\n", pic,
           sent == README_SENTENCES ? "mixed-case" : "lower-case", bias);
    return 0;
}

// What bench handwriting prints of a run over the texts, the twin beside it.
static void bench_report(const char *data, long seed, double bias, int ntexts,
                         int writable, int skipped, const hw_bench_run *b) {
    if (data)
        printf("test texts: %d of the %d texts of IAM-OnDB's held-out forms (%s; forms whose id hashes to 0 mod %d; "
               "sorted, evenly spaced; %d more left out: characters outside the alphabet, IAM-OnDB's '#' of a word "
               "not read, or over %d)\n",
               ntexts, writable, data + 4, GL_HW_IAM_HELDOUT_MOD, skipped, GL_HW_MAXU);
    else
        printf("test texts: %d lines of random words (seed %ld, up to 40 characters; %d left out: characters outside "
               "the alphabet)\n", ntexts, seed, skipped);
    printf("ends on its own: %d / %d texts (%.1f%%; the window passed the last character); %d / %d also stopped within "
           "one character of it; bias %g, mean %.1f characters\n", b->ended, ntexts, 100.0 * b->ended / ntexts,
           b->within, ntexts, bias, (double)b->chars / ntexts);
    double step_ms = 1000.0 * b->t_steps / (b->steps ? b->steps : 1);
    printf("synthesis step (batch 1, 1 thread, %s weights, the default): %.3f ms (%ld steps)\n",
           gl_hw_weights_name(GL_HW_INT8), step_ms, b->steps);
}

int cmd_bench_handwriting(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    app_args a;
    int r = app_args_parse(argc, argv, bench_opts, "usage: glimpse bench handwriting [--model FILE] [--sentences N] "
                          "[--data iam:DIR] [--picture OUT.png]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *data = app_arg(&a, bench_opts, "data");
    long ns = app_arg(&a, bench_opts, "sentences") ? app_opt_long(&a, bench_opts, "sentences") : data ? 200 : 100;
    long seed = app_opt_long(&a, bench_opts, "seed");
    double bias = app_opt_num(&a, bench_opts, "bias");
    if (data && strncmp(data, "iam:", 4)) {
        fprintf(stderr, "glimpse: --data must be iam:DIR (without it: random words)\n");
        return 2;
    }
    const char *path = app_arg(&a, bench_opts, "model");
    if (!path) path = app_asset_path(SYNTH_WEIGHTS);
    gl_hw_model *m = gl_hw_load(path, 0);
    if (!m) return fail();
    const gl_meta *meta = gl_hw_meta(m);
    if (m->cfg.K == 0) {
        fprintf(stderr, "glimpse: bench handwriting needs a synthesis network\n");
        gl_hw_free(m);
        return 2;
    }
    printf("model %s: %d layer(s) x %d cells, M=%d, K=%d, alphabet %d, %zu parameters; held-out loss %s nats/point; "
           "trained %s s\n", path, m->cfg.L, m->cfg.H, m->cfg.M, m->cfg.K, m->cfg.C, gl_params_count(&m->ps),
           gl_meta_get(meta, "heldout_loss_per_point") ? gl_meta_get(meta, "heldout_loss_per_point") : "?",
           gl_meta_get(meta, "train_seconds") ? gl_meta_get(meta, "train_seconds") : "?");
    note_exclude(meta, path, data, app_arg(&a, bench_opts, "exclude"));
    // test texts: random words, up to 40 characters; or IAM-OnDB's held-out forms' texts
    char **texts = NULL;
    int ntexts = 0, skipped, writable, status = 0;
    hw_bench_run b;
    if (bench_texts(data, app_arg(&a, bench_opts, "exclude"), meta, &m->cfg, (int)ns, (uint64_t)seed, &texts, &ntexts,
                    &skipped, &writable)) status = fail();
    else if (ntexts == 0) {
        fprintf(stderr, "glimpse: no test text can be written with the model's alphabet (%d left out)\n", skipped);
        status = 1;
    } else if (bench_write_all(m, texts, ntexts, bias, seed, &b)) status = fail();
    if (!status) {
        bench_report(data, seed, bias, ntexts, writable, skipped, &b);
        bench_weight_kinds(m, texts, ntexts, bias, seed);
        char why[512] = "skipped (--no-twin)", targs[4200];
        snprintf(targs, sizeof targs, "--weights '%s'", path);
        double tw = app_arg(&a, bench_opts, "no-twin") ? NAN : app_bench_twin("synth_step", 1, targs, "median_ms", why,
                                                                            sizeof why);
        printf("OpenBLAS kernels %s; vector kernels %s; sgemm %.1f GFLOP/s on 1 thread\n", app_bench_blas_core(),
               gl_vmath_target(), app_bench_sgemm_rate(1));
        app_bench_side_by_side("synthesis step, batch 1, 1 thread", 1000.0 * b.t_steps / (b.steps ? b.steps : 1), tw,
                              "ms", 0, why);
        if (b.n40) printf("40-character line: %.3f s (mean over %d texts of 35 or more characters, scaled to 40)\n",
                          b.t_40 / b.n40, b.n40);
        const char *pic = app_arg(&a, bench_opts, "picture");
        if (pic && bench_picture(m, pic, bias)) status = fail();
    }
    for (int k = 0; k < ntexts; k++) free(texts[k]);
    free(texts);
    gl_hw_free(m);
    return status;
}
