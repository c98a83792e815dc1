// Handwriting subcommands (Graves 2013 §4-5): train handwriting, eval
// handwriting, write, scribble, bench handwriting.
#include "args.h"
#include "bench.h"
#include <cblas.h>
#include "cli.h"
#include "gl_hw.h"
#include "hw_train_data.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_progress.h"
#include "gl_st.h"
#include "gl_util.h"
#include "resume.h"
#include "stop_signal.h"
#include "style_file.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNTH_WEIGHTS "handwriting-synth.safetensors"
#define PREDICT_WEIGHTS "handwriting-predict.safetensors"

static int fail(void) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }

// IAM-OnDB preparation of this run (see gl_hw_iam_load_ex): --exclude and --thin.
static gl_hw_iam_opts g_iam;
static gl_hw_iam_report g_iam_rep;

// --data hershey | iam:DIR, prepared with g_iam (see hw_train_data.h).
static int load_corpus(const char *data, int lines, uint64_t seed, int max_words, gl_hw_corpus *c) {
    if (!g_iam.thin) gl_hw_iam_defaults(&g_iam);
    return hw_load_corpus(data, lines, seed, max_words, &g_iam, &g_iam_rep, g_iam.quiet ? NULL : stderr, c);
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

static atomic_int g_stop;

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
    fprintf(stderr, "%sglimpse: update %ld: held-out loss %.4f nats/point (%d lines)%s", c->pg.tty ? "\n" : "", r->step, r->eval_loss, r->eval_n,
            better ? ", the best so far" : "");
    if (!better) fprintf(stderr, "; the best is %.4f at update %ld", c->best, c->best_update);
    fputc('\n', stderr);
    // every checkpoint from now on carries the best so far (what --resume needs)
    hw_cli_es_meta(c, gl_hw_train_meta(c->t));
    if (better) {
        gl_meta ex = {0};
        hw_cli_meta(c, &ex);
        gl_meta_set(&ex, "heldout_loss_per_point", "%.4f", r->eval_loss);
        if (gl_hw_model_save(gl_hw_train_model(c->t), c->out, &ex, 0)) fprintf(stderr, "glimpse: %s: %s\n", c->out, gl_err());
        gl_meta_free(&ex);
    }
    if (c->patience > 0 && c->since_best >= c->patience) {
        fprintf(stderr, "glimpse: %ld held-out scores in a row without a better one: stopping (the best, update %ld, is in %s)\n",
                c->since_best, c->best_update, c->out);
        c->stopped_early = 1;
        atomic_store(&g_stop, 1);
    }
}

static void hw_cli_report(void *user, const gl_train_report *r) {
    hw_cli *c = user;
    c->ema = isnan(c->ema) ? r->loss : 0.98 * c->ema + 0.02 * r->loss;
    if (r->has_eval) hw_cli_eval(c, r);
    if (c->best_update > 0) gl_progress_update(&c->pg, r->step, "loss/point %.3f  held-out best %.4f (update %ld)", c->ema, c->best, c->best_update);
    else gl_progress_update(&c->pg, r->step, "loss/point %.3f", c->ema);
    if (gl_now() - c->last_ck > c->every) {
        if (gl_train_checkpoint(c->t, c->ckpt)) fprintf(stderr, "\nglimpse: checkpoint: %s\n", gl_err());
        c->last_ck = gl_now();
    }
    if (gl_now() - c->t0 > c->minutes * 60) atomic_store(&g_stop, 1);
}

// The end of an early-stopped run: -o holds the best update's weights (as
// hw_cli_eval wrote them); they get the same held-out figures as a last
// update would (per point and per line, every held-out line) and the run's
// totals beside their own. -1 with gl_err.
static int finish_best(const char *out, const gl_hw_corpus *va, const hw_cli *c, long last_update, double run_seconds) {
    gl_hw_model b;
    gl_meta bm = {0};
    if (gl_hw_model_load(&b, out, &bm, 0)) return -1;
    if (gl_meta_int(&bm, "updates", -1) != c->best_update) {
        gl_seterr("%s is not the best update's weights (update %d, the best is %ld): keeping the last update's in the checkpoint only",
                  out, gl_meta_int(&bm, "updates", -1), c->best_update);
        gl_hw_model_free(&b); gl_meta_free(&bm); return -1;
    }
    double per_line = NAN, lp = corpus_loss(&b, va, 100000, &per_line, NULL);
    if (isfinite(lp)) gl_meta_set(&bm, "heldout_loss_per_point", "%.4f", lp);
    if (isfinite(per_line)) gl_meta_set(&bm, "heldout_loss_per_line", "%.3f", per_line);
    gl_meta_set(&bm, "early_stopping", "the best of held-out scores every %ld updates: update %ld of %ld", c->eval_every,
                c->best_update, last_update);
    gl_meta_set(&bm, "run_updates", "%ld", last_update);
    gl_meta_set(&bm, "run_train_seconds", "%.0f", run_seconds);
    fprintf(stderr, "glimpse: update %ld: held-out loss %.4f nats/point, %.2f nats/line\n", c->best_update, lp, per_line);
    int rc = gl_hw_model_save(&b, out, &bm, 0);
    gl_hw_model_free(&b); gl_meta_free(&bm);
    return rc;
}

// ---- train --------------------------------------------------------------------
// A model trained without an --exclude list's lines, scored on IAM-OnDB
// without that list, is scored on those lines too: said on stderr.
static void note_exclude(const gl_meta *meta, const char *path, const char *data, const char *exclude) {
    const char *exn = gl_meta_get(meta, "iam_exclude");
    if (exn && data && !strncmp(data, "iam:", 4) && !exclude)
        fprintf(stderr, "glimpse: note: %s was trained without the lines of --exclude %s; without --exclude they are used here\n", path, exn);
}

static const gl_opt train_opts[] = {
    { "task", 1, "predict | synth (default synth)" },
    { "data", 1, "hershey (built-in corpus, default) | iam:DIR (IAM-OnDB)" },
    { "exclude", 1, "IAM: file of line or form ids to skip, one a line (e.g. the data set's blacklist)" },
    { "thin", 1, "IAM: keep every K-th point of a stroke and its last one (default 2)" },
    { "lines", 1, "Hershey corpus lines (default 6000)" },
    { "words", 1, "at most this many words per Hershey line (default 3)" },
    { "corpus-seed", 1, "Hershey corpus seed (default 1; held-out lines use seed+1000)" },
    { "layers", 1, "LSTM layers (default 2)" },
    { "cells", 1, "LSTM cells per layer (default 128)" },
    { "mixtures", 1, "mixture components M (default 10)" },
    { "window", 1, "window Gaussians K (synthesis, default 5)" },
    { "batch", 1, "lines per minibatch (default 32)" },
    { "lr", 1, "Adam learning rate (default 2e-3)" },
    { "max-points", 1, "cut lines after this many points (default 400; IAM 1000); synthesis drops longer lines instead" },
    { "iters", 1, "stop after this many updates in total (default 20000)" },
    { "lr-final", 1, "learning rate at update --iters, decayed exponentially from --lr (default: constant); with --resume of a constant-rate run, the decay starts where it resumes" },
    { "decay-from", 1, "the update the --lr-final decay starts at (default 0, or the update resumed at)" },
    { "minutes", 1, "stop (and save) after this many minutes of this run" },
    { "seed", 1, "random seed for weights and batch order (default 1)" },
    { "o", 1, "weights to write (default assets/handwriting-synth.safetensors or -predict)" },
    { "checkpoint", 1, "checkpoint file (default OUT.ckpt)" },
    { "every", 1, "seconds between checkpoints (default 120; 0: after every update)" },
    { "eval-every", 1, "score the held-out lines every N updates and write the best weights to -o (early stopping; default 0: the last update's weights)" },
    { "patience", 1, "with --eval-every: stop after this many scores in a row without a better one (default 0: never)" },
    { "rare", 1, "repeat each line whose rarest character occurs c < N times in the training texts ceil(N/c) times an epoch, at most 4 (digits, capitals; default 0: none)" },
    { "rare-final", 0, "with --rare: count a letter that ends a word (the x of \"fox.\") apart from the same letter inside one" },
    { "augment", 1, "each time a line enters a batch, stretch its width and height by exp(S*N(0,1)) and slant it by S*N(0,1) (both cut at 2 S; e.g. 0.1; default 0: as written)" },
    { "jump-weight", 1, "the gradient of each pen-up jump (where the pen goes after a lift: the second stroke of an x or a 4) counted V times (default 1; the loss shown stays the plain one)" },
    { "init", 1, "fine-tune: start from these weights (their size, alphabet and normalisation) with a fresh optimiser, updates counted from 0" },
    { "resume", 0, "continue from the checkpoint exactly (its options; its corpus settings unless --data/--lines/--words/--corpus-seed are given)" },
    { NULL, 0, NULL },
};

int cmd_train_handwriting(int argc, char **argv) {
    gl_args a;
    int r = gl_args_parse(argc, argv, train_opts, "usage: glimpse train handwriting [--task predict|synth] [--data hershey|iam:DIR] [options]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *task = gl_arg(&a, train_opts, "task"); if (!task) task = "synth";
    int synth = !strcmp(task, "synth");
    if (!synth && strcmp(task, "predict")) { fprintf(stderr, "glimpse: --task must be predict or synth\n"); return 2; }
    long lines, words, cseed, L, H, M, K, B, maxT, iters, seed, every, thin, decay_from, eval_every, patience, rare; double lr, lr_final, minutes;
    long best_update = 0; double best = INFINITY, augment, jump_weight;
    int rare_final = gl_arg(&a, train_opts, "rare-final") != NULL;
    if (!gl_arg_int(&a, train_opts, "thin", 1, 16, 2, &thin) ||
        !gl_arg_int(&a, train_opts, "lines", 10, 10000000, 6000, &lines) || !gl_arg_int(&a, train_opts, "words", 1, 12, 3, &words) ||
        !gl_arg_int(&a, train_opts, "corpus-seed", 0, 1L << 40, 1, &cseed) || !gl_arg_int(&a, train_opts, "layers", 1, 4, 2, &L) ||
        !gl_arg_int(&a, train_opts, "cells", 1, 2048, 128, &H) || !gl_arg_int(&a, train_opts, "mixtures", 1, GL_HW_MAXM, 10, &M) ||
        !gl_arg_int(&a, train_opts, "window", 1, GL_HW_MAXK, 5, &K) || !gl_arg_int(&a, train_opts, "batch", 1, 1024, 32, &B) ||
        !gl_arg_int(&a, train_opts, "max-points", 10, 100000, 400, &maxT) || !gl_arg_int(&a, train_opts, "iters", 1, 100000000, 20000, &iters) ||
        !gl_arg_int(&a, train_opts, "seed", 0, 1L << 40, 1, &seed) || !gl_arg_int(&a, train_opts, "every", 0, 100000, 120, &every) ||
        !gl_arg_num(&a, train_opts, "lr", 1e-6, 1, 2e-3, &lr) || !gl_arg_num(&a, train_opts, "minutes", 0.01, 1e6, 1e6, &minutes) ||
        !gl_arg_num(&a, train_opts, "lr-final", 1e-9, 1, 0, &lr_final) || !gl_arg_int(&a, train_opts, "decay-from", 0, 100000000, 0, &decay_from) ||
        !gl_arg_int(&a, train_opts, "eval-every", 0, 100000000, 0, &eval_every) ||
        !gl_arg_int(&a, train_opts, "patience", 0, 1000000, 0, &patience) || !gl_arg_int(&a, train_opts, "rare", 0, 100000000, 0, &rare) ||
        !gl_arg_num(&a, train_opts, "augment", 0, 1, 0, &augment) ||
        !gl_arg_num(&a, train_opts, "jump-weight", 1, 100, 1, &jump_weight)) return 2;
    if (patience > 0 && eval_every == 0 && !gl_arg(&a, train_opts, "resume")) { fprintf(stderr, "glimpse: --patience needs --eval-every\n"); return 2; }
    int lr_final_given = gl_arg(&a, train_opts, "lr-final") != NULL;
    if (gl_arg(&a, train_opts, "decay-from") && !lr_final_given) { fprintf(stderr, "glimpse: --decay-from needs --lr-final\n"); return 2; }
    long decay_to = iters;
    const char *data = gl_arg(&a, train_opts, "data"); if (!data) data = "hershey";
    char out[4096], ckpt[4096];
    snprintf(out, sizeof out, "%s", gl_arg(&a, train_opts, "o") ? gl_arg(&a, train_opts, "o") : gl_asset_path(synth ? SYNTH_WEIGHTS : PREDICT_WEIGHTS));
    snprintf(ckpt, sizeof ckpt, "%s", gl_arg(&a, train_opts, "checkpoint") ? gl_arg(&a, train_opts, "checkpoint") : out);
    if (!gl_arg(&a, train_opts, "checkpoint")) strncat(ckpt, ".ckpt", sizeof ckpt - strlen(ckpt) - 1);
    int resume = gl_arg(&a, train_opts, "resume") != NULL;
    const char *init = gl_arg(&a, train_opts, "init");
    if (init && resume) { fprintf(stderr, "glimpse: --init starts a run and --resume continues one: give one of them\n"); return 2; }

    gl_hw_model m;
    gl_meta meta = {0};
    double train_seconds = 0;
    char init_from[600] = "";
    if (init) {
        // a fine-tune: the network of the file, its normalisation and
        // alphabet; a fresh Adam (its moments are not in a weights file)
        if (gl_hw_model_load(&m, init, &meta, 0)) return fail();
        const char *why = (m.cfg.K > 0) != synth ? "task" : NULL;
        if (!why && gl_arg(&a, train_opts, "layers") && L != m.cfg.L) why = "--layers";
        if (!why && gl_arg(&a, train_opts, "cells") && H != m.cfg.H) why = "--cells";
        if (!why && gl_arg(&a, train_opts, "mixtures") && M != m.cfg.M) why = "--mixtures";
        if (!why && synth && gl_arg(&a, train_opts, "window") && K != m.cfg.K) why = "--window";
        if (!why && gl_arg(&a, train_opts, "thin") && gl_meta_get(&meta, "iam_thin") && thin != gl_meta_int(&meta, "iam_thin", 0)) why = "--thin";
        if (why) {
            // a Hershey-trained file has no thinning: say so rather than show the default
            char thin_s[32] = ", no thinning";
            if (gl_meta_get(&meta, "iam_thin")) snprintf(thin_s, sizeof thin_s, ", thin %ld", (long)gl_meta_int(&meta, "iam_thin", 1));
            fprintf(stderr, "glimpse: --init %s: a %s network (%d x %d, M=%d, K=%d%s): its %s differs from what was asked\n", init,
                    m.cfg.K > 0 ? "synthesis" : "prediction", m.cfg.L, m.cfg.H, m.cfg.M, m.cfg.K, thin_s, why);
            gl_hw_model_free(&m); gl_meta_free(&meta); return 2;
        }
        L = m.cfg.L; H = m.cfg.H; M = m.cfg.M; K = m.cfg.K;
        if (!gl_arg(&a, train_opts, "thin")) thin = gl_meta_int(&meta, "iam_thin", (int)thin);
        const char *b = strrchr(init, '/');
        snprintf(init_from, sizeof init_from, "%s, update %ld", b ? b + 1 : init, (long)gl_meta_int(&meta, "updates", 0));
        m.ps.step = 0;
        fprintf(stderr, "glimpse: fine-tuning %s (%d x %d cells, update %ld of its run)\n", init, m.cfg.L, m.cfg.H, (long)gl_meta_int(&meta, "updates", 0));
    }
    if (resume) {
        if (gl_hw_model_load(&m, ckpt, &meta, 1)) return fail();
        if ((m.cfg.K > 0) != synth) {
            fprintf(stderr, "glimpse: %s is a %s checkpoint\n", ckpt, m.cfg.K > 0 ? "synthesis" : "prediction");
            gl_hw_model_free(&m); gl_meta_free(&meta); return 2;
        }
        // The options that shape the run are the checkpoint's (or refused when
        // given otherwise); the corpus is rebuilt from the checkpoint's
        // settings unless given again (a curriculum from short to longer
        // lines), and --iters may grow: neither changes what was done so far.
        gl_resume r;
        gl_resume_begin(&r, &a, train_opts, &meta, ckpt);
        gl_resume_int(&r, "layers", "layers", &L);
        gl_resume_int(&r, "cells", "cells", &H);
        gl_resume_int(&r, "mixtures", "mixtures", &M);
        if (synth) gl_resume_int(&r, "window", "window_gaussians", &K);
        gl_resume_int(&r, "batch", "batch", &B);
        gl_resume_int(&r, "seed", "seed", &seed);
        gl_resume_int(&r, "max-points", "max_points", &maxT);
        gl_resume_num(&r, "lr", "lr", &lr);
        gl_resume_int(&r, "thin", "iam_thin", &thin);
        gl_resume_int(&r, "rare", "rare", &rare);
        gl_resume_num(&r, "augment", "augment", &augment);
        gl_resume_num(&r, "jump-weight", "jump_weight", &jump_weight);
        gl_resume_flag(&r, "rare-final", "rare_final", &rare_final);
        if (gl_meta_get(&meta, "lr_final")) {   // the schedule is the checkpoint's
            gl_resume_num(&r, "lr-final", "lr_final", &lr_final);
            gl_resume_int(&r, "decay-from", "lr_decay_from", &decay_from);
            decay_to = gl_meta_int(&meta, "lr_decay_to", (int)iters);
        } else if (lr_final_given && !gl_arg(&a, train_opts, "decay-from")) {
            decay_from = m.ps.step;   // a constant-rate run decays from here on
        }
        // the ids skipped are not stored (only the list's name): resuming without them would train on them
        const char *exn = gl_meta_get(&meta, "iam_exclude"), *rd = gl_arg(&a, train_opts, "data") ? data : gl_meta_get(&meta, "corpus");
        if (exn && rd && !strncmp(rd, "iam:", 4) && !gl_arg(&a, train_opts, "exclude")) {
            fprintf(stderr, "glimpse: %s was trained without the lines of --exclude %s: give --exclude FILE again\n", ckpt, exn);
            gl_hw_model_free(&m); gl_meta_free(&meta); return 2;
        }
        if (gl_resume_end(&r)) { gl_hw_model_free(&m); gl_meta_free(&meta); return 1; }
        const char *d = gl_meta_get(&meta, "corpus"); if (d && !gl_arg(&a, train_opts, "data")) data = d;
        if (!gl_arg(&a, train_opts, "lines")) lines = gl_meta_int(&meta, "corpus_lines", (int)lines);
        if (!gl_arg(&a, train_opts, "corpus-seed")) cseed = gl_meta_int(&meta, "corpus_seed", (int)cseed);
        if (!gl_arg(&a, train_opts, "words")) words = gl_meta_int(&meta, "corpus_words", (int)words);
        train_seconds = gl_meta_num(&meta, "train_seconds", 0);
        // early stopping goes on with the checkpoint's cadence and best score
        // (how often the held-out lines are scored changes nothing learnt, so
        // a new --eval-every or --patience is taken as given)
        if (!gl_arg(&a, train_opts, "eval-every")) eval_every = gl_meta_int(&meta, "eval_every", 0);
        if (!gl_arg(&a, train_opts, "patience")) patience = gl_meta_int(&meta, "patience", 0);
        if (patience > 0 && eval_every == 0) { fprintf(stderr, "glimpse: --patience needs --eval-every\n"); gl_hw_model_free(&m); gl_meta_free(&meta); return 2; }
        if (gl_meta_get(&meta, "init_from")) snprintf(init_from, sizeof init_from, "%s", gl_meta_get(&meta, "init_from"));
        best_update = gl_meta_int(&meta, "best_update", 0);
        if (best_update > 0) best = gl_meta_num(&meta, "best_heldout_loss_per_point", INFINITY);
        fprintf(stderr, "glimpse: resuming %s at update %ld\n", ckpt, m.ps.step);
    }
    gl_clean_stale_tmp(ckpt);
    gl_clean_stale_tmp(out);
    hw_train_spec sp;
    hw_train_spec_defaults(&sp);
    sp.synth = synth; sp.data = data; sp.lines = lines; sp.words = words; sp.corpus_seed = cseed;
    sp.iam.thin = (int)thin;
    sp.iam.exclude = gl_arg(&a, train_opts, "exclude");
    sp.L = L; sp.H = H; sp.M = M; sp.K = K;
    sp.batch = B; sp.seed = seed; sp.iters = iters; sp.lr = lr;
    sp.rare = rare;
    if (rare_final && rare <= 0) { fprintf(stderr, "glimpse: --rare-final needs --rare\n"); if (resume || init) gl_hw_model_free(&m); gl_meta_free(&meta); return 2; }
    sp.rare_final = rare_final;
    sp.augment = augment;
    sp.jump_weight = jump_weight;
    if (jump_weight > 1) fprintf(stderr, "glimpse: --jump-weight %g: each pen-up jump's gradient counted %g times\n", jump_weight, jump_weight);
    if (init_from[0]) sp.init = init_from;
    if (lr_final > 0) {
        if (decay_from >= decay_to) { fprintf(stderr, "glimpse: the decay to --lr-final must start before update %ld (--iters)\n", decay_to); if (resume || init) gl_hw_model_free(&m); gl_meta_free(&meta); return 2; }
        sp.lr_final = lr_final; sp.decay_from = decay_from; sp.decay_to = decay_to;
        fprintf(stderr, "glimpse: learning rate %g until update %ld, then down to %g at update %ld\n", lr, decay_from, lr_final, decay_to);
    }
    sp.max_points = maxT;
    sp.max_points_given = gl_arg(&a, train_opts, "max-points") || (resume && gl_meta_get(&meta, "max_points"));
    gl_hw_corpus tr, va;
    if (hw_train_prepare(&sp, &m, resume || init, &tr, &va, stderr)) {
        int rc = fail();
        if (resume || init) gl_hw_model_free(&m);
        gl_meta_free(&meta);
        return rc;
    }
    maxT = sp.max_points;
    g_iam = sp.iam; g_iam_rep = sp.iam_rep;

    // the training loop: a gl_train session (engine/handwriting/gl_hw_train.c),
    // the one the Train view runs; progress and checkpoints from its reports
    gl_train *t = hw_train_session(&sp, &m, train_seconds, &tr, &va);
    // (a fine-tune's times begin with those of the weights it started from)
    if (t && (resume || init)) gl_train_resume_times(t, &meta);
    if (!t) { int rc = fail(); gl_hw_model_free(&m); gl_meta_free(&meta); gl_hw_corpus_free(&tr); gl_hw_corpus_free(&va); return rc; }
    stop_on_signals(&g_stop);   // Ctrl-C: stop after the update at hand (a second one: at once)
    if (eval_every > 0 && va.n == 0) { fprintf(stderr, "glimpse: --eval-every: this corpus has no held-out line to score\n"); eval_every = 0; }
    if (eval_every > 0) gl_train_set_eval(t, eval_every, va.n);
    hw_cli cli = { .t = t, .ckpt = ckpt, .out = out, .sp = &sp, .every = (double)every, .minutes = minutes, .t0 = gl_now(), .ema = NAN,
                   .eval_every = eval_every, .patience = patience, .best_update = best_update, .best = best,
                   .since_best = resume ? gl_meta_int(&meta, "evals_since_best", 0) : 0 };
    cli.last_ck = cli.t0;
    gl_progress_begin(&cli.pg, synth ? "train synth" : "train predict", iters);
    gl_progress_resume_at(&cli.pg, gl_train_step_no(t));
    int rc = 0;
    double va_loss = NAN;
    if (gl_train_step_no(t) < iters && gl_train_run(t, iters, &g_stop, hw_cli_report, &cli) < 0) {
        if (isnan(gl_train_last_loss(t)) && strncmp(gl_err(), "the loss became", 15)) rc = fail();
        else { fprintf(stderr, "\nglimpse: loss is not finite at update %ld\n", gl_train_step_no(t)); rc = 1; }
    }
    stop_on_signals(NULL);
    gl_progress_end(&cli.pg);
    gl_hw_model *mm = gl_hw_train_model(t);
    double ema = gl_hw_train_smoothed(t);
    if (rc == 0 && va.n == 0) { fprintf(stderr, "glimpse: no held-out line can be evaluated\n"); }
    if (rc == 0) {
        double per_line = NAN;
        if (va.n > 0) va_loss = corpus_loss(mm, &va, 100000, &per_line, NULL);
        double secs = gl_train_seconds(t);
        fprintf(stderr, "glimpse: %ld updates, %.0f s of training; held-out loss %.4f nats/point, %.2f nats/line (%d lines)\n",
                mm->ps.step, secs, va_loss, per_line, va.n);
        cli.ema = ema;
        gl_meta ex = {0};
        hw_cli_meta(&cli, &ex);
        // no "nan" in metadata: a value that was not measured is left out
        if (isfinite(va_loss)) gl_meta_set(&ex, "heldout_loss_per_point", "%.4f", va_loss);
        if (isfinite(per_line)) gl_meta_set(&ex, "heldout_loss_per_line", "%.3f", per_line);
        // early stopping: -o keeps the best scored weights unless the last
        // update is at least as good (or no score was kept)
        int keep_best = cli.best_update > 0 && cli.best_update != mm->ps.step && !(va_loss <= cli.best);
        if (gl_hw_model_save(mm, ckpt, &ex, 1)) rc = fail();
        else if (!keep_best) {
            if (gl_hw_model_save(mm, out, &ex, 0)) rc = fail();
            else fprintf(stderr, "glimpse: wrote %s (checkpoint %s)\n", out, ckpt);
        } else if (finish_best(out, &va, &cli, mm->ps.step, secs)) rc = fail();
        else fprintf(stderr, "glimpse: %s holds update %ld, the best held-out score (checkpoint %s: update %ld)\n", out,
                     cli.best_update, ckpt, mm->ps.step);
        gl_meta_free(&ex);
    }
    gl_train_free(t);   // and the model
    gl_hw_corpus_free(&tr); gl_hw_corpus_free(&va);
    gl_meta_free(&meta);
    return rc;
}

// ---- eval ---------------------------------------------------------------------
static const gl_opt eval_opts[] = {
    { "model", 1, "weights (default assets/handwriting-synth.safetensors)" },
    { "task", 1, "predict | synth: picks the shipped weights (default synth)" },
    { "data", 1, "hershey | iam:DIR: the held-out forms, prepared as the model's training data was (default: the corpus the model was trained on; IAM needs its DIR)" },
    { "exclude", 1, "IAM: file of line or form ids to skip (as in training)" },
    { "all", 0, "IAM: every line, not only the held-out forms" },
    { "lines", 1, "held-out Hershey lines (default 200)" },
    { "corpus-seed", 1, "Hershey seed (default: the model's corpus seed + 1000, never trained on)" },
    { "batch1", 1, "also score the first N lines one point at a time, as the app runs the network, in float, half and int8 weights" },
    { NULL, 0, NULL },
};

int cmd_eval_handwriting(int argc, char **argv) {
    gl_args a;
    int r = gl_args_parse(argc, argv, eval_opts, "usage: glimpse eval handwriting [--model FILE] [--data hershey|iam:DIR]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *task = gl_arg(&a, eval_opts, "task");
    const char *path = gl_arg(&a, eval_opts, "model");
    if (!path) path = gl_asset_path(task && !strcmp(task, "predict") ? PREDICT_WEIGHTS : SYNTH_WEIGHTS);
    gl_hw_model m; gl_meta meta = {0};
    if (gl_hw_model_load(&m, path, &meta, 0)) return fail();
    long lines, cs;
    long dseed = gl_meta_int(&meta, "corpus_seed", 1) + 1000;
    long words = gl_meta_int(&meta, "corpus_words", 3);
    long nb1;
    if (!gl_arg_int(&a, eval_opts, "lines", 1, 1000000, 200, &lines) || !gl_arg_int(&a, eval_opts, "corpus-seed", 0, 1L << 40, dseed, &cs) ||
        !gl_arg_int(&a, eval_opts, "batch1", 0, 1000000, 0, &nb1)) return 2;
    const char *data = gl_arg(&a, eval_opts, "data");
    if (!data) {
        // a model's held-out lines come from the corpus it was trained on: an
        // IAM-OnDB model scored on Hershey lines would be a figure about nothing
        const char *trained = gl_meta_get(&meta, "corpus");
        if (trained && !strncmp(trained, "iam:", 4)) {
            fprintf(stderr, "glimpse: %s was trained on IAM-OnDB; evaluate it on its held-out forms with --data iam:DIR (or --data hershey for the built-in corpus)\n", path);
            gl_meta_free(&meta); gl_hw_model_free(&m); return 2;
        }
        data = "hershey";
    }
    gl_hw_iam_defaults(&g_iam);
    g_iam.quiet = 1;   // only the result (and one line on an error)
    g_iam.thin = gl_meta_int(&meta, "iam_thin", 1);
    g_iam.exclude = gl_arg(&a, eval_opts, "exclude");
    note_exclude(&meta, path, data, g_iam.exclude);
    gl_hw_corpus c;
    if (load_corpus(data, (int)lines, (uint64_t)cs, (int)words, &c)) return fail();
    int iam = strcmp(data, "hershey") != 0;
    if (iam && !gl_arg(&a, eval_opts, "all")) {
        int k = 0;
        for (int i = 0; i < c.n; i++) {
            if (c.lines[i].style % GL_HW_IAM_HELDOUT_MOD == 0) c.lines[k++] = c.lines[i];
            else { free(c.lines[i].pts); free(c.lines[i].text); }
        }
        c.n = k;
        if (k == 0) {
            fprintf(stderr, "glimpse: %s has no line of a held-out form (forms whose id hashes to 0 mod %d); --all evaluates every line\n", data + 4, GL_HW_IAM_HELDOUT_MOD);
            gl_hw_corpus_free(&c); gl_meta_free(&meta); gl_hw_model_free(&m); return 1;
        }
    }
    if (m.cfg.K > 0) {
        int k = 0;
        for (int i = 0; i < c.n; i++) {
            if (gl_hw_encode(&m.cfg, c.lines[i].text, NULL) == 0) c.lines[k++] = c.lines[i];
            else { free(c.lines[i].pts); free(c.lines[i].text); }
        }
        c.n = k;
        if (k == 0) { fprintf(stderr, "glimpse: no line of the corpus can be written with the model's alphabet\n"); return 1; }
    }
    gl_hw_corpus_normalise(&c, m.cfg.mean, m.cfg.std);
    double per_line; long np;
    double t0 = gl_now();
    double lp = corpus_loss(&m, &c, 1000000, &per_line, &np);
    printf("%s: %s, %zu parameters\n", path, m.cfg.K > 0 ? "synthesis" : "prediction", gl_params_count(&m.ps));
    if (!strcmp(data, "hershey")) printf("held-out %s lines (seed %ld): %d lines, %ld points\n", data, cs, c.n, np);
    else printf("%s: %d %s lines, %ld points (every %d%s point of a stroke kept)\n", data, c.n, gl_arg(&a, eval_opts, "all") ? "" : "held-out", np,
                g_iam.thin, g_iam.thin == 1 ? "st" : g_iam.thin == 2 ? "nd" : g_iam.thin == 3 ? "rd" : "th");
    printf("loss: %.4f nats per point, %.2f nats per line (%.1f s)\n", lp, per_line, gl_now() - t0);
    if (nb1 > 0) {   // the batch-1 path (the app's): float weights, halves, int8
        int n1 = nb1 < c.n ? (int)nb1 : c.n;
        double l1[3] = {0, 0, 0}; long p1 = 0;
        static const gl_hw_weights ws[3] = {GL_HW_FP32, GL_HW_HALF, GL_HW_INT8};
        for (int i = 0; i < n1; i++) {
            p1 += c.lines[i].n;
            for (int k = 0; k < 3; k++) {
                gl_hw_sample_opts so = {0}; so.weights = ws[k];
                double l = gl_hw_line_loss(&m, &c.lines[i], &so);
                if (isnan(l)) { gl_hw_corpus_free(&c); gl_meta_free(&meta); gl_hw_model_free(&m); return fail(); }
                l1[k] += l;
            }
        }
        printf("one point at a time (the app's path), the first %d lines, %ld points:", n1, p1);
        for (int k = 0; k < 3; k++) printf(" %s %.4f%s", gl_hw_weights_name(ws[k]), l1[k] / (p1 ? p1 : 1), k < 2 ? "," : "");
        printf(" nats per point\n");
    }
    gl_hw_corpus_free(&c); gl_meta_free(&meta); gl_hw_model_free(&m);
    return 0;
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

static int ends_with(const char *s, const char *suf) { size_t a = strlen(s), b = strlen(suf); return a >= b && !strcmp(s + a - b, suf); }

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
    if (ends_with(out, ".svg")) rc = gl_hw_save_svg(out, pts, tot, 2.0f);
    else if (ends_with(out, ".png")) {
        gl_hw_bbox(pts, tot, &x0, &y0, &x1, &y1);
        rc = gl_hw_save_png(out, pts, tot, n == 1 ? 120 : 90 * n);
    } else { gl_seterr("-o must end in .svg or .png (got '%s')", out); rc = -1; }
    free(pts);
    return rc;
}

static void json_result(gl_buf *b, const gl_hw_result *r, const char *text) {
    gl_buf_printf(b, "{\"text\":"); gl_buf_str(b, text ? text : "");
    gl_buf_printf(b, ",\"ended\":%s,\"steps\":%d,\"points\":[", r->ended ? "true" : "false", r->n);
    for (int i = 0; i < r->n; i++) gl_buf_printf(b, "%s[%.4g,%.4g,%d]", i ? "," : "", r->pts[3 * i], r->pts[3 * i + 1], (int)r->pts[3 * i + 2]);
    gl_buf_printf(b, "]");
    if (r->phi) {
        gl_buf_printf(b, ",\"phi\":[");
        for (int i = 0; i < r->n; i++) { if (i) gl_buf_printf(b, ","); gl_buf_floats(b, r->phi + (size_t)i * (r->U + 1), r->U + 1); }
        gl_buf_printf(b, "],\"kappa\":[");
        for (int i = 0; i < r->n; i++) { if (i) gl_buf_printf(b, ","); gl_buf_floats(b, r->kappa + (size_t)i * r->K, r->K); }
        gl_buf_printf(b, "]");
    }
    gl_buf_printf(b, "}");
}

static const gl_opt write_opts[] = {
    { "model", 1, "synthesis weights (default assets/handwriting-synth.safetensors)" },
    { "bias", 1, "sampling bias b >= 0 (§5.4; default 1)" },
    { "seed", 1, "random seed (default 1; line i uses seed+i)" },
    { "style", 1, "prime with writer style N (a Hershey style) or FILE (JSON from write --json) (§5.5)" },
    { "max-steps", 1, "stop after this many points per line (default 40 per character + 40)" },
    { "o", 1, "output OUT.svg or OUT.png" },
    { "json", 0, "also print the points, φ(t,u) and κ per step as JSON on stdout" },
    { "window", 1, "also draw the first line's window weights φ(t,u) under it to this PNG" },
    { "save-style", 1, "also save the (one) line as a style file OUT.json: a style preset written by this model" },
    { "name", 1, "the style file's name (--save-style; default: the file's name)" },
    { "fp32", 0, "run the network on its float weights as trained (default: int8 weights with a scale per row, four times fewer bytes; see README)" },
    { "half", 0, "run the network on its weights read as half floats" },
    { "int8", 0, "run the network on int8 weights, a scale per row (the default)" },
    { NULL, 0, NULL },
};

int cmd_write(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    gl_args a;
    int r = gl_args_parse_pos(argc, argv, write_opts, "usage: glimpse write \"text\" [\"more lines\" ...] [--bias B] [--seed S] [--style N|FILE] -o OUT.svg|OUT.png [--json] [--save-style OUT.json]", &a, GL_MAXPOS);
    if (r) return r > 0 ? 0 : 2;
    if (a.npos < 1) { fprintf(stderr, "glimpse: write needs the text to write\n"); return 2; }
    if (!!gl_arg(&a, write_opts, "fp32") + !!gl_arg(&a, write_opts, "half") + !!gl_arg(&a, write_opts, "int8") > 1) {
        fprintf(stderr, "glimpse: --fp32, --half and --int8 exclude each other\n"); return 2; }
    gl_hw_weights wts = gl_arg(&a, write_opts, "fp32") ? GL_HW_FP32 : gl_arg(&a, write_opts, "half") ? GL_HW_HALF : GL_HW_INT8;
    const char *out = gl_arg(&a, write_opts, "o"), *save_style = gl_arg(&a, write_opts, "save-style");
    if (!out && !gl_arg(&a, write_opts, "json") && !gl_arg(&a, write_opts, "window") && !save_style) { fprintf(stderr, "glimpse: write needs -o OUT.svg|OUT.png (or --json, --window, --save-style)\n"); return 2; }
    if (save_style && !ends_with(save_style, ".json")) { fprintf(stderr, "glimpse: --save-style must end in .json\n"); return 2; }
    if (save_style && a.npos != 1) { fprintf(stderr, "glimpse: --save-style saves one line (got %d texts)\n", a.npos); return 2; }
    if (gl_arg(&a, write_opts, "window") && !ends_with(gl_arg(&a, write_opts, "window"), ".png")) { fprintf(stderr, "glimpse: --window must end in .png\n"); return 2; }
    if (out && !ends_with(out, ".svg") && !ends_with(out, ".png")) { fprintf(stderr, "glimpse: -o must end in .svg or .png\n"); return 2; }
    double bias; long seed, maxs;
    if (!gl_arg_num(&a, write_opts, "bias", 0, 100, 1, &bias) || !gl_arg_int(&a, write_opts, "seed", 0, 1L << 40, 1, &seed) ||
        !gl_arg_int(&a, write_opts, "max-steps", 1, 100000, 0, &maxs)) return 2;
    const char *path = gl_arg(&a, write_opts, "model"); if (!path) path = gl_asset_path(SYNTH_WEIGHTS);
    gl_hw_model m; gl_meta meta = {0};
    if (gl_hw_model_load(&m, path, &meta, 0)) return fail();
    if (m.cfg.K == 0) { fprintf(stderr, "glimpse: %s is a prediction network; write needs a synthesis network (try scribble)\n", path); gl_hw_model_free(&m); gl_meta_free(&meta); return 2; }
    // Typed text -> the model's characters: look-alikes (curly quotes,
    // dashes, special spaces, …) become what it knows and are said; any
    // other character it cannot write is named, with what it can, and
    // nothing is written (status 2).
    char **texts = gl_calloc(a.npos, sizeof(char *)), **notes = gl_calloc(a.npos, sizeof(char *));
    int bad_text = 0;
    for (int i = 0; i < a.npos && !bad_text; i++) {
        size_t cap = strlen(a.pos[i]) + 1;
        texts[i] = gl_malloc(cap); notes[i] = gl_malloc(256);
        if (gl_hw_text_prepare(&m.cfg, a.pos[i], texts[i], cap, notes[i], 256) || gl_hw_encode(&m.cfg, texts[i], NULL)) {
            if (a.npos > 1) gl_seterr("line %d: %s", i + 1, gl_err());
            bad_text = 1;
        }
    }
    gl_hw_corpus pc = {0}; char *ptext = NULL;
    const char *style = gl_arg(&a, write_opts, "style");
    int rc = 0;
    if (bad_text) rc = 2;
    else if (style && *style && strspn(style, "0123456789") == strlen(style) &&
             gl_meta_get(&meta, "corpus") && strcmp(gl_meta_get(&meta, "corpus"), "hershey")) {
        gl_seterr("--style %s is a Hershey writer style, in another model's units; prime this model with a style file (e.g. %s/style-1.json)", style, gl_asset_path("handwriting/styles"));
        rc = 2;
    } else if (style && gl_style_load(style, &m.cfg, &pc, &ptext)) rc = 1;
    else if (ptext) {
        // the primer's text is typed text too
        size_t cap = strlen(ptext) + 1;
        char *pt = gl_malloc(cap);
        if (gl_hw_text_prepare(&m.cfg, ptext, pt, cap, NULL, 0) || gl_hw_encode(&m.cfg, pt, NULL)) { gl_seterr("%s: the primer's text: %s", style, gl_err()); rc = 2; }
        free(ptext); ptext = pt;
    }
    if (rc) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        for (int i = 0; i < a.npos; i++) { free(texts[i]); free(notes[i]); }
        free(texts); free(notes); gl_hw_corpus_free(&pc); free(ptext); gl_hw_model_free(&m); gl_meta_free(&meta);
        return rc;
    }
    for (int i = 0; i < a.npos; i++)
        if (notes[i][0]) { if (a.npos > 1) fprintf(stderr, "glimpse: line %d: %s\n", i + 1, notes[i]); else fprintf(stderr, "glimpse: %s\n", notes[i]); }
    gl_hw_result *res = gl_calloc(a.npos, sizeof(gl_hw_result));
    for (int i = 0; i < a.npos && !rc; i++) {
        gl_hw_sample_opts so = {0};
        so.weights = wts;
        so.bias = (float)bias; so.seed = (uint64_t)seed + i; so.max_steps = (int)maxs;
        if (ptext) { so.prime = &pc.lines[0]; so.prime_text = ptext; }
        if (gl_hw_sample(&m, texts[i], &so, &res[i], NULL) < 0) rc = fail();
        else if (!result_finite(&res[i])) { gl_seterr("line %d: the network produced non-finite values (weights or primer out of range?)", i + 1); rc = fail(); }
        else if (!res[i].ended && !save_style) fprintf(stderr, "glimpse: line %d did not end on its own within %d steps\n", i + 1, res[i].n);
    }
    if (!rc && save_style) {
        // a preset is a whole line: one that did not end on its own, or
        // with too few points for its text, would not prime well
        long need = (long)strlen(texts[0]) * PRIMER_MIN_PER_CHAR < 10 ? 10 : (long)strlen(texts[0]) * PRIMER_MIN_PER_CHAR;
        if (!res[0].ended) { gl_seterr("--save-style: the line did not end on its own within %d steps; nothing saved (another --seed?)", res[0].n); rc = fail(); }
        else if (res[0].n < need) { gl_seterr("--save-style: %d points are too few for a primer of %zu characters; nothing saved", res[0].n, strlen(texts[0])); rc = fail(); }
        else {
            const char *nm = gl_arg(&a, write_opts, "name"), *base = strrchr(save_style, '/');
            char name[64];
            if (nm) snprintf(name, sizeof name, "%s", nm);
            else snprintf(name, sizeof name, "%.*s", (int)strlen(base ? base + 1 : save_style) - 5, base ? base + 1 : save_style);
            const char *mb = strrchr(path, '/');
            if (gl_style_save(save_style, name, texts[0], res[0].pts, res[0].n, &m.cfg, mb ? mb + 1 : path, (uint64_t)seed, (float)bias)) rc = fail();
            else fprintf(stderr, "glimpse: wrote %s (\"%s\", %d points, seed %ld, bias %g)\n", save_style, texts[0], res[0].n, seed, bias);
        }
    }
    if (!rc && out && save_output(out, res, a.npos)) rc = fail();
    const char *wpng = gl_arg(&a, write_opts, "window");
    if (!rc && wpng) {
        char *full = NULL;
        if (ptext) { size_t n = strlen(ptext) + strlen(texts[0]) + 2; full = gl_malloc(n); snprintf(full, n, "%s %s", ptext, texts[0]); }
        if (gl_hw_save_window_png(wpng, &res[0], full ? full : texts[0])) rc = fail();
        else fprintf(stderr, "glimpse: wrote %s\n", wpng);
        free(full);
    }
    if (!rc && gl_arg(&a, write_opts, "json")) {
        gl_buf b = {0};
        gl_buf_printf(&b, "{\"model\":"); gl_buf_str(&b, path);
        gl_buf_printf(&b, ",\"bias\":%g,\"seed\":%ld,\"alphabet\":", bias, seed); gl_buf_str(&b, m.cfg.alphabet);
        gl_buf_printf(&b, ",\"lines\":[");
        for (int i = 0; i < a.npos; i++) { if (i) gl_buf_printf(&b, ","); json_result(&b, &res[i], texts[i]); }
        gl_buf_printf(&b, "]}\n");
        fwrite(b.s, 1, b.len, stdout);
        gl_buf_free(&b);
    }
    if (!rc && out) fprintf(stderr, "glimpse: wrote %s\n", out);
    for (int i = 0; i < a.npos; i++) { gl_hw_result_free(&res[i]); free(texts[i]); free(notes[i]); }
    free(res); free(texts); free(notes); free(ptext); gl_hw_corpus_free(&pc); gl_hw_model_free(&m); gl_meta_free(&meta);
    return rc;
}

static const gl_opt scribble_opts[] = {
    { "model", 1, "prediction weights (default assets/handwriting-predict.safetensors)" },
    { "bias", 1, "sampling bias b >= 0 (default 0)" },
    { "seed", 1, "random seed (default 1)" },
    { "steps", 1, "points to generate (default 400)" },
    { "o", 1, "output OUT.svg or OUT.png" },
    { "json", 0, "also print the points as JSON on stdout" },
    { NULL, 0, NULL },
};

int cmd_scribble(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    gl_args a;
    int r = gl_args_parse(argc, argv, scribble_opts, "usage: glimpse scribble [--seed S] [--bias B] [--steps N] -o OUT.svg|OUT.png", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *out = gl_arg(&a, scribble_opts, "o");
    if (!out && !gl_arg(&a, scribble_opts, "json")) { fprintf(stderr, "glimpse: scribble needs -o OUT.svg|OUT.png (or --json)\n"); return 2; }
    if (out && !ends_with(out, ".svg") && !ends_with(out, ".png")) { fprintf(stderr, "glimpse: -o must end in .svg or .png\n"); return 2; }
    double bias; long seed, steps;
    if (!gl_arg_num(&a, scribble_opts, "bias", 0, 100, 0, &bias) || !gl_arg_int(&a, scribble_opts, "seed", 0, 1L << 40, 1, &seed) ||
        !gl_arg_int(&a, scribble_opts, "steps", 1, 100000, 400, &steps)) return 2;
    const char *path = gl_arg(&a, scribble_opts, "model"); if (!path) path = gl_asset_path(PREDICT_WEIGHTS);
    gl_hw_model m;
    if (gl_hw_model_load(&m, path, NULL, 0)) return fail();
    if (m.cfg.K > 0) { fprintf(stderr, "glimpse: %s is a synthesis network; scribble needs a prediction network\n", path); gl_hw_model_free(&m); return 2; }
    gl_hw_sample_opts so = {0};
    so.bias = (float)bias; so.seed = (uint64_t)seed; so.max_steps = (int)steps;
    gl_hw_result res;
    int rc = 0;
    int sampled = gl_hw_sample(&m, NULL, &so, &res, NULL) >= 0;
    if (!sampled) rc = fail();
    else if (!result_finite(&res)) { gl_seterr("the network produced non-finite values (weights out of range?)"); rc = fail(); }
    if (!rc && out && save_output(out, &res, 1)) rc = fail();
    if (!rc && gl_arg(&a, scribble_opts, "json")) {
        gl_buf b = {0}; json_result(&b, &res, ""); gl_buf_printf(&b, "\n");
        fwrite(b.s, 1, b.len, stdout); gl_buf_free(&b);
    }
    if (!rc && out) fprintf(stderr, "glimpse: wrote %s\n", out);
    if (sampled) gl_hw_result_free(&res);
    gl_hw_model_free(&m);
    return rc;
}

// ---- bench --------------------------------------------------------------------
static const gl_opt bench_opts[] = {
    { "model", 1, "synthesis weights (default assets/handwriting-synth.safetensors)" },
    { "sentences", 1, "test texts for the end-of-text rate (default 100; 200 with --data iam:DIR)" },
    { "data", 1, "test texts: random words (default) | iam:DIR: texts of IAM-OnDB's held-out forms (as eval handwriting)" },
    { "exclude", 1, "IAM: file of line or form ids to skip (as in training)" },
    { "bias", 1, "sampling bias (default 1)" },
    { "seed", 1, "seed of the test sentences and the sampling (default 2024)" },
    { "picture", 1, "also write the five README sentences to this PNG" },
    { "no-twin", 0, "skip the PyTorch twin" },
    { NULL, 0, NULL },
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

static int by_text(const void *a, const void *b) { return strcmp(((const gl_hw_line *)a)->text, ((const gl_hw_line *)b)->text); }

// The test texts of bench handwriting: n random word lines of up to 40
// characters (Hershey word list, seed), or with iam:DIR n texts of the
// held-out forms (style % GL_HW_IAM_HELDOUT_MOD == 0 after the model's own
// preparation, as eval handwriting), sorted and taken evenly spaced so that
// the choice does not depend on the order of the files on disk. Texts the
// model cannot write, or longer than GL_HW_MAXU, are left out and counted.
static int bench_texts(const char *data, const char *exclude, const gl_meta *meta, const gl_hw_cfg *cfg, int n, uint64_t seed,
                       char ***out, int *nout, int *skipped, int *writable) {
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
        gl_hw_iam_defaults(&g_iam);
        g_iam.thin = gl_meta_int(meta, "iam_thin", 1);
        g_iam.exclude = exclude;
        if (load_corpus(data, 0, 0, 0, &c)) { gl_hw_corpus_free(&c); return -1; }
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
        if (!*x || strlen(x) > GL_HW_MAXU || gl_hw_encode(cfg, x, NULL)) { (*skipped)++; continue; }
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

int cmd_bench_handwriting(int argc, char **argv) {
    openblas_set_num_threads(1);   // batch 1: one thread is fastest (and the benchmark is single-threaded)
    gl_args a;
    int r = gl_args_parse(argc, argv, bench_opts, "usage: glimpse bench handwriting [--model FILE] [--sentences N] [--data iam:DIR] [--picture OUT.png]", &a);
    if (r) return r > 0 ? 0 : 2;
    const char *data = gl_arg(&a, bench_opts, "data");
    long ns, seed; double bias;
    if (!gl_arg_int(&a, bench_opts, "sentences", 1, 100000, data ? 200 : 100, &ns) || !gl_arg_int(&a, bench_opts, "seed", 0, 1L << 40, 2024, &seed) ||
        !gl_arg_num(&a, bench_opts, "bias", 0, 100, 1, &bias)) return 2;
    if (data && strncmp(data, "iam:", 4)) { fprintf(stderr, "glimpse: --data must be iam:DIR (without it: random words)\n"); return 2; }
    const char *path = gl_arg(&a, bench_opts, "model"); if (!path) path = gl_asset_path(SYNTH_WEIGHTS);
    gl_hw_model m; gl_meta meta = {0};
    if (gl_hw_model_load(&m, path, &meta, 0)) return fail();
    if (m.cfg.K == 0) { fprintf(stderr, "glimpse: bench handwriting needs a synthesis network\n"); gl_hw_model_free(&m); gl_meta_free(&meta); return 2; }
    printf("model %s: %d layer(s) x %d cells, M=%d, K=%d, alphabet %d, %zu parameters; held-out loss %s nats/point; trained %s s\n",
           path, m.cfg.L, m.cfg.H, m.cfg.M, m.cfg.K, m.cfg.C, gl_params_count(&m.ps),
           gl_meta_get(&meta, "heldout_loss_per_point") ? gl_meta_get(&meta, "heldout_loss_per_point") : "?",
           gl_meta_get(&meta, "train_seconds") ? gl_meta_get(&meta, "train_seconds") : "?");
    note_exclude(&meta, path, data, gl_arg(&a, bench_opts, "exclude"));
    // test texts: random words, up to 40 characters; or IAM-OnDB's held-out forms' texts
    char **texts; int ntexts, skipped, writable;
    if (bench_texts(data, gl_arg(&a, bench_opts, "exclude"), &meta, &m.cfg, (int)ns, (uint64_t)seed, &texts, &ntexts, &skipped, &writable)) {
        gl_hw_model_free(&m); gl_meta_free(&meta); return fail();
    }
    if (ntexts == 0) {
        fprintf(stderr, "glimpse: no test text can be written with the model's alphabet (%d left out)\n", skipped);
        free(texts); gl_hw_model_free(&m); gl_meta_free(&meta); return 1;
    }
    int ended = 0, within = 0; long steps = 0, chars = 0; double t_steps = 0, t_40 = 0; int n40 = 0;
    for (int i = 0; i < ntexts; i++) {
        const char *text = texts[i];
        int len = (int)strlen(text);
        gl_hw_sample_opts so = {0}; so.bias = (float)bias; so.seed = (uint64_t)seed + i;
        gl_hw_result res;
        double t0 = gl_now();
        if (gl_hw_sample(&m, text, &so, &res, NULL) < 0) { for (int k = 0; k < ntexts; k++) free(texts[k]); free(texts); gl_hw_model_free(&m); gl_meta_free(&meta); return fail(); }
        double dt = gl_now() - t0;
        t_steps += dt; steps += res.n; chars += len;
        if (len >= 35) { t_40 += dt * 40.0 / len; n40++; }
        if (res.ended) {
            ended++;
            // ink written after the window's peak reached the last character,
            // compared with the mean character width of the line
            int U = res.U, tl = res.n;
            for (int t = 0; t < res.n; t++) {
                const float *ph = res.phi + (size_t)t * (U + 1);
                int am = 0; for (int u = 1; u <= U; u++) if (ph[u] > ph[am]) am = u;
                if (am >= U - 1) { tl = t; break; }
            }
            float x = 0, xl = 0, xmin = 1e30f, xmax = -1e30f, xafter = -1e30f;
            for (int t = 0; t < res.n; t++) {
                x += res.pts[3 * t];
                if (x < xmin) xmin = x;
                if (x > xmax) xmax = x;
                if (t == tl) xl = x;
                if (t >= tl && x > xafter) xafter = x;
            }
            float cw = (xmax - xmin) / U;
            if (tl >= res.n || xafter - xl <= 2.0f * cw) within++;
        }
        gl_hw_result_free(&res);
    }
    if (data) printf("test texts: %d of the %d texts of IAM-OnDB's held-out forms (%s; forms whose id hashes to 0 mod %d; sorted, evenly spaced; %d more left out: characters outside the alphabet or over %d)\n",
                     ntexts, writable, data + 4, GL_HW_IAM_HELDOUT_MOD, skipped, GL_HW_MAXU);
    else printf("test texts: %d lines of random words (seed %ld, up to 40 characters; %d left out: characters outside the alphabet)\n", ntexts, seed, skipped);
    printf("ends on its own: %d / %d texts (%.1f%%; the window passed the last character); %d / %d also stopped within one character of it; bias %g, mean %.1f characters\n",
           ended, ntexts, 100.0 * ended / ntexts, within, ntexts, bias, (double)chars / ntexts);
    printf("synthesis step (batch 1, 1 thread, %s weights, the default): %.3f ms (%ld steps)\n", gl_hw_weights_name(GL_HW_INT8),
           1000.0 * t_steps / (steps ? steps : 1), steps);
    {   // the float path (what the twins check), halves and int8 on the first 20 texts, in turn
        double tk[3] = {0, 0, 0}; long sk[3] = {0, 0, 0};   // float, half, int8
        static const gl_hw_weights ws[3] = {GL_HW_FP32, GL_HW_HALF, GL_HW_INT8};
        for (int i = 0; i < ntexts && i < 20; i++) for (int k = 0; k < 3; k++) {
            gl_hw_sample_opts so = {0}; so.bias = (float)bias; so.seed = (uint64_t)seed + i; so.weights = ws[k];
            gl_hw_result res;
            double t0 = gl_now();
            if (gl_hw_sample(&m, texts[i], &so, &res, NULL) < 0) continue;
            tk[k] += gl_now() - t0; sk[k] += res.n;
            gl_hw_result_free(&res);
        }
        if (sk[0] && sk[1] && sk[2]) printf("synthesis step in float weights: %.3f ms, half: %.3f ms, int8: %.3f ms (the first %d texts, in turn)\n",
                             1000.0 * tk[0] / sk[0], 1000.0 * tk[1] / sk[1], 1000.0 * tk[2] / sk[2], ntexts < 20 ? ntexts : 20);
    }
    {
        char why[512] = "skipped (--no-twin)", targs[4200];
        snprintf(targs, sizeof targs, "--weights '%s'", path);
        double tw = gl_arg(&a, bench_opts, "no-twin") ? NAN : gl_bench_twin("synth_step", 1, targs, "median_ms", why, sizeof why);
        printf("OpenBLAS kernels %s; vector kernels %s; sgemm %.1f GFLOP/s on 1 thread\n", gl_bench_blas_core(), gl_vmath_target(), gl_bench_sgemm_rate(1));
        gl_bench_side_by_side("synthesis step, batch 1, 1 thread", 1000.0 * t_steps / (steps ? steps : 1), tw, "ms", 0, why);
    }
    if (n40) printf("40-character line: %.3f s (mean over %d texts of 35 or more characters, scaled to 40)\n", t_40 / n40, n40);
    for (int k = 0; k < ntexts; k++) free(texts[k]);
    free(texts);
    const char *pic = gl_arg(&a, bench_opts, "picture");
    if (pic) {
        const char *const *sent = README_SENTENCES;
        for (int i = 0; i < 5; i++) if (gl_hw_encode(&m.cfg, README_SENTENCES[i], NULL)) sent = README_SENTENCES_LOWER;
        gl_hw_result res[5];
        for (int i = 0; i < 5; i++) {
            gl_hw_sample_opts so = {0}; so.bias = (float)bias; so.seed = (uint64_t)i + 1;
            if (gl_hw_sample(&m, sent[i], &so, &res[i], NULL) < 0) {
                gl_seterr("--picture: %s", gl_err()); for (int k = 0; k < i; k++) gl_hw_result_free(&res[k]); gl_hw_model_free(&m); gl_meta_free(&meta); return fail(); }
        }
        int rc = save_output(pic, res, 5);
        for (int i = 0; i < 5; i++) gl_hw_result_free(&res[i]);
        if (rc) { gl_hw_model_free(&m); gl_meta_free(&meta); return fail(); }
        printf("wrote %s (%s sentences, seeds 1..5, bias %g)\n", pic, sent == README_SENTENCES ? "mixed-case" : "lower-case", bias);
    }
    gl_meta_free(&meta); gl_hw_model_free(&m);
    return 0;
}
