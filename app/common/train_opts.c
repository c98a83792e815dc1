#include "train_opts.h"
#include "resume.h"
#include "gl_util.h"
#include <stddef.h>
#include <string.h>

#define SEED_MAX 1099511627776.0   // 2^40

const app_opt app_attn_train_table[] = {
    APP_ENUM("key", "softmax|gaussian|feature", "softmax", "key type"),
    APP_INT("hidden", 4, 2048, "128", "LSTM cells"),
    APP_INT("epochs", 0, 1000, "6", "epochs of the attention stage"),
    APP_INT("cnn-epochs", 0, 100, "1", "epochs pre-training the conv layer as a CNN"),
    APP_INT("batch", 1, 4096, "50", "minibatch size"),
    APP_NUM("lr", 1e-7, 1, "0.002", "Adam learning rate, cosine-decayed"),
    APP_NUM("clip", 0, 1e9, "5", "gradient-norm clipping"),
    APP_NUM("aux", 0, 10, "0.2", "weight of the per-step losses before the last step"),
    APP_INT("augment", 0, 8, "2", "shift each training digit by up to N pixels at random"),
    APP_FLAG("no-coords", "no coordinate channels in the conv input (the seed's original layer)"),
    APP_FLAG("fixed-conv", "keep the pre-trained conv layer fixed (default: fine-tune end to end)"),
    APP_INT("limit", 1, 60000, "60000", "train on the first N training digits only"),
    APP_INT("seed", 0, SEED_MAX, "1", "random seed"),
    APP_TEXT("out", "weights file (default assets/attention-KEY.safetensors)"),
    APP_INT("every", 0, 1000000, "60", "seconds between checkpoints besides each epoch's end (0: after every step)"),
    APP_FLAG("resume", "continue from OUT.ckpt"),
    APP_INT("threads", 0, 256, NULL, "threads (default: all cores)"),
    APP_TEXT("data", "MNIST directory (default data/mnist)"),
    APP_OPT_END
};

const app_opt app_draw_train_table[] = {
    APP_FLAG("attention", "selective attention (default)"),
    APP_FLAG("no-attention", "read the whole image, write the whole canvas"),
    APP_INT("steps", 1, GL_DRAW_MAXT, "64", "glimpses T (64 as in the paper)"),
    APP_INT("read", 1, GL_DRAW_MAXN, "2", "read grid N"),
    APP_INT("write", 1, GL_DRAW_MAXN, "5", "write grid N"),
    APP_INT("enc", 1, 4096, "256", "encoder LSTM units"),
    APP_INT("dec", 1, 4096, "256", "decoder LSTM units"),
    APP_INT("z", 1, 1024, "100", "latent size per step"),
    APP_INT("batch", 1, 10000, "100", "minibatch"),
    APP_NUM("lr", 1e-7, 1, "1e-3", "Adam learning rate"),
    APP_NUM("lr-final", 1e-9, 1, NULL, "learning rate at the last iteration, decayed exponentially from --lr "
           "(default: --lr, a constant rate)"),
    APP_NUM("clip", 0, 1e9, "10", "gradient norm clip"),
    APP_INT("warmup", 0, 100000000, "0", "raise the learning rate linearly over the first N iterations (for --init)"),
    APP_ENUM("binarize", "fixed|fresh", "fixed", "training images: one binary sample made once (fixed) or a new one "
            "every epoch (fresh); the test set stays the fixed sample"),
    APP_INT("epochs", 1, 100000, "20", "passes over the training set"),
    APP_NUM("minutes", 0, 1e7, "0", "stop (and save) after this many minutes of this run (0: no limit)"),
    APP_INT("limit", 0, 60000, "0", "use only the first N training images (0: all)"),
    APP_INT("seed", 0, SEED_MAX, "1", "random seed"),
    APP_TEXT("out", "weights to write (default assets/draw-attention.safetensors or draw-noattention)"),
    APP_TEXT("checkpoint", "checkpoint file (default OUT.ckpt)"),
    APP_INT("every", 0, 1000000, "120", "seconds between checkpoints (0: after every iteration)"),
    APP_FLAG("resume", "continue from the checkpoint"),
    APP_TEXT("init", "start from these weights (their sizes) with a fresh Adam, iterations from 0 and this "
            "command's schedule; their training time carries on"),
    APP_INT("extend-to", 1, 100000, NULL, "with --resume: go on to this many epochs in all; the learning rate "
           "stays at --lr-final after the first run's epochs (--epochs, if given, names those)"),
    APP_FLAG("no-eval", "skip the test-set bound at the end"),
    APP_TEXT("data", "MNIST directory"),
    APP_OPT_END
};

const app_opt app_hw_train_table[] = {
    APP_ENUM("task", "predict|synth", "synth", "prediction or synthesis"),
    APP_TEXT("data", "hershey (built-in corpus, default) | iam:DIR (IAM-OnDB)"),
    APP_TEXT("exclude", "IAM: file of line or form ids to skip, one a line (e.g. the data set's blacklist)"),
    APP_INT("thin", 1, 16, "2", "IAM: keep every K-th point of a stroke and its last one"),
    APP_INT("lines", 10, 10000000, "6000", "Hershey corpus lines"),
    APP_INT("words", 1, 12, "3", "at most this many words per Hershey line"),
    APP_INT("corpus-seed", 0, SEED_MAX, "1", "Hershey corpus seed (held-out lines use seed+1000)"),
    APP_INT("layers", 1, 4, "2", "LSTM layers"),
    APP_INT("cells", 1, 2048, "128", "LSTM cells per layer"),
    APP_INT("mixtures", 1, GL_HW_MAXM, "10", "mixture components M"),
    APP_INT("window", 1, GL_HW_MAXK, "5", "window Gaussians K (synthesis)"),
    APP_INT("batch", 1, 1024, "32", "lines per minibatch"),
    APP_NUM("lr", 1e-6, 1, "2e-3", "Adam learning rate"),
    APP_INT("max-points", 10, 100000, NULL, "cut lines after this many points (default 400; IAM 1000); "
           "synthesis drops longer lines instead"),
    APP_INT("iters", 1, 100000000, "20000", "stop after this many updates in total"),
    APP_NUM("lr-final", 1e-9, 1, NULL, "learning rate at update --iters, decayed exponentially from --lr (default: "
           "constant); with --resume of a constant-rate run, the decay starts where it resumes"),
    APP_INT("decay-from", 0, 100000000, NULL, "the update the --lr-final decay starts at (default 0, or the update "
           "resumed at)"),
    APP_NUM("minutes", 0.01, 1e6, NULL, "stop (and save) after this many minutes of this run (default: no limit)"),
    APP_INT("seed", 0, SEED_MAX, "1", "random seed for weights and batch order"),
    APP_TEXT("o", "weights to write (default assets/handwriting-synth.safetensors or -predict)"),
    APP_TEXT("checkpoint", "checkpoint file (default OUT.ckpt)"),
    APP_INT("every", 0, 100000, "120", "seconds between checkpoints (0: after every update)"),
    APP_INT("eval-every", 0, 100000000, "0", "score the held-out lines every N updates and write the best weights "
           "to -o (early stopping; 0: the last update's weights)"),
    APP_INT("patience", 0, 1000000, "0", "with --eval-every: stop after this many scores in a row without a "
           "better one (0: never)"),
    APP_INT("rare", 0, 100000000, "0", "repeat each line whose rarest character occurs c < N times in the "
           "training texts ceil(N/c) times an epoch, at most 4 (digits, capitals; 0: none)"),
    APP_FLAG("rare-final", "with --rare: count a letter that ends a word (the x of \"fox.\") apart from the same "
            "letter inside one"),
    APP_NUM("augment", 0, 1, "0", "each time a line enters a batch, stretch its width and height by exp(S*N(0,1)) "
           "and slant it by S*N(0,1) (both cut at 2 S; e.g. 0.1; 0: as written)"),
    APP_NUM("jump-weight", 1, 100, "1", "the gradient of each pen-up jump (where the pen goes after a lift: the "
           "second stroke of an x or a 4) counted V times (the loss shown stays the plain one)"),
    APP_TEXT("init", "fine-tune: start from these weights (their size, alphabet and normalisation) with a fresh "
            "optimiser, updates counted from 0"),
    APP_FLAG("resume", "continue from the checkpoint exactly (its options; its corpus settings unless "
            "--data/--lines/--words/--corpus-seed are given)"),
    APP_OPT_END
};

const app_opt app_clut_train_table[] = {
    APP_FLAG("no-attention", "the window fixed over the whole image (the baseline)"),
    APP_INT("glimpses", 1, GL_CLUT_MAXT, "8", "glimpses T (8, as in the paper)"),
    APP_INT("read", 2, GL_CLUT_MAXN, "12", "read grid N"),
    APP_INT("hidden", 1, 4096, "256", "LSTM cells"),
    APP_INT("batch", 1, 10000, "64", "minibatch"),
    APP_NUM("lr", 1e-7, 1, "5e-4", "Adam learning rate"),
    APP_NUM("lr-final", 1e-9, 1, "5e-5", "learning rate at the last iteration, decayed exponentially from --lr"),
    APP_NUM("clip", 0, 1e9, "1", "gradient norm clip (0: none)"),
    APP_INT("warmup", 0, 100000000, "0", "raise the learning rate linearly over the first N iterations (for --init)"),
    APP_INT("epochs", 1, 10000, "40", "passes over the 60,000 training digits, fresh clutter each"),
    APP_INT("clutter", 0, GL_CLUT_CLUTTER_MAX, "8", "fragments per image"),
    APP_NUM("minutes", 0, 1e7, "0", "stop (with a checkpoint) after this many minutes of this run (0: no limit)"),
    APP_INT("limit", 0, 60000, "0", "use only the first N training digits (0: all)"),
    APP_INT("seed", 0, SEED_MAX, "1", "random seed"),
    APP_INT("eval-every", 0, 100000000, "0",
           "test error on --eval-n fixed test images every N iterations (0: each epoch)"),
    APP_INT("eval-n", 1, 10000, "1000", "test images for the figures during training"),
    APP_TEXT("out", "weights to write (default assets/cluttered-attention.safetensors or -noattention)"),
    APP_TEXT("checkpoint", "checkpoint file (default OUT.ckpt)"),
    APP_INT("every", 0, 1000000, "120", "seconds between checkpoints (0: after every iteration)"),
    APP_FLAG("resume", "continue from the checkpoint"),
    APP_TEXT("init", "start from these weights with a fresh Adam and this command's schedule"),
    APP_FLAG("no-eval", "skip the test error on all 10,000 test images at the end"),
    APP_TEXT("data", "MNIST directory"),
    APP_OPT_END
};

#define F(opt, key, type, S, field) { opt, key, type, offsetof(S, field) }
#define F_END { NULL, NULL, 0, 0 }

const app_field app_attn_train_fields[] = {
    F("hidden", "hidden", 'l', gl_attn_train_opts, hidden), F("batch", "batch", 'l', gl_attn_train_opts, batch),
    F("limit", "limit", 'l', gl_attn_train_opts, limit), F("epochs", "epochs", 'l', gl_attn_train_opts, epochs),
    F("cnn-epochs", "cnn_epochs", 'l', gl_attn_train_opts, cnn_epochs),
    F("seed", "seed", 'l', gl_attn_train_opts, seed), F("augment", "augment", 'l', gl_attn_train_opts, augment),
    F("lr", "lr", 'd', gl_attn_train_opts, lr), F("clip", "clip", 'd', gl_attn_train_opts, clip),
    F("aux", "aux", 'd', gl_attn_train_opts, aux), F("no-coords", "no_coords", 'f', gl_attn_train_opts, no_coords),
    F("fixed-conv", "fixed_conv", 'f', gl_attn_train_opts, fixed_conv), F_END,
};

const app_field app_draw_train_fields[] = {
    F("batch", "batch_option", 'l', gl_draw_train_opts, batch),
    F("epochs", "epochs_option", 'l', gl_draw_train_opts, epochs),
    F("limit", "limit", 'l', gl_draw_train_opts, limit), F("seed", "seed", 'l', gl_draw_train_opts, seed),
    F("lr", "lr", 'd', gl_draw_train_opts, lr), F_END,
};

const app_field app_clut_train_fields[] = {
    F("batch", "batch", 'l', gl_clut_train_opts, batch),
    F("epochs", "epochs_option", 'l', gl_clut_train_opts, epochs),
    F("limit", "limit", 'l', gl_clut_train_opts, limit), F("seed", "seed", 'l', gl_clut_train_opts, seed),
    F("clutter", "clutter", 'l', gl_clut_train_opts, clutter),
    F("warmup", "warmup", 'l', gl_clut_train_opts, warmup), F("lr", "lr", 'd', gl_clut_train_opts, lr),
    F("lr-final", "lr_final", 'd', gl_clut_train_opts, lr_final),
    F("clip", "clip", 'd', gl_clut_train_opts, clip), F_END,
};

static void field_set(const app_field *f, void *dst, double x) {
    char *p = (char *)dst + f->off;
    if (f->type == 'd') *(double *)p = x;
    else if (f->type == 'i' || f->type == 'f') *(int *)p = (int)(long)x;
    else if (f->type == 'l') *(long *)p = (long)x;
}

void app_opts_into(const app_args *a, const app_opt *opts, const app_field *f, void *dst) {
    for (; f->opt; f++)
        if (f->type == 'f') field_set(f, dst, app_opt_flag(a, opts, f->opt));
        else if (f->type == 'd') field_set(f, dst, app_opt_num(a, opts, f->opt));
        else field_set(f, dst, (double)app_opt_long(a, opts, f->opt));
}

// Each stored value of the table through its option's range into its field; fields not stored keep their value.
static int take_stored(const gl_meta *m, const char *file, const app_opt *t, const app_field *f, void *dst) {
    for (; f->opt; f++) {
        double x;
        int r = app_stored_opt(m, file, f->key, t, f->opt, &x);
        if (r < 0) return -1;
        if (r) field_set(f, dst, x);
    }
    return 0;
}

int app_attn_opts_from_meta(const gl_meta *m, const char *file, gl_attn_train_opts *o) {
    const app_opt *t = app_attn_train_table;
    double k;
    int got = app_stored_opt(m, file, "key", t, "key", &k);
    if (got < 0) return -1;
    if (!got) { gl_seterr("%s is not an attention checkpoint (no key type in it)", file); return -1; }
    o->key = (gl_key_type)(int)k;
    return take_stored(m, file, t, app_attn_train_fields, o);
}

int app_draw_opts_from_meta(const gl_meta *m, const char *file, gl_draw_train_opts *o, long *iter) {
    static const app_field tail[] = {
        F("lr-final", "lr_final", 'd', gl_draw_train_opts, lr_final),
        F("clip", "clip", 'd', gl_draw_train_opts, clip), F("warmup", "warmup", 'l', gl_draw_train_opts, warmup),
        F("epochs", "decay_epochs", 'l', gl_draw_train_opts, decay_epochs), F_END,
    };
    const app_opt *t = app_draw_train_table;
    if (take_stored(m, file, t, app_draw_train_fields, o) < 0) return -1;
    o->batch_option = o->batch;
    o->lr_final = o->lr;
    if (take_stored(m, file, t, tail, o) < 0) return -1;
    *iter = 0;
    if (app_stored_int(m, file, "iter", 0, APP_STEP_MAX, iter) < 0) return -1;
    return 0;
}

int app_clut_opts_from_meta(const gl_meta *m, const char *file, gl_clut_train_opts *o, long *iter) {
    if (take_stored(m, file, app_clut_train_table, app_clut_train_fields, o) < 0) return -1;
    *iter = 0;
    if (app_stored_int(m, file, "iter", 0, APP_STEP_MAX, iter) < 0) return -1;
    return 0;
}

int app_hw_spec_from_meta(const gl_meta *m, const char *file, hw_train_spec *s, double *seconds) {
    static const app_field head[] = {
        F("batch", "batch", 'l', hw_train_spec, batch), F("seed", "seed", 'l', hw_train_spec, seed),
        F("lr", "lr", 'd', hw_train_spec, lr), F_END,
    };
    static const app_field tail[] = {
        F("thin", "iam_thin", 'i', hw_train_spec, iam.thin), F("lines", "corpus_lines", 'l', hw_train_spec, lines),
        F("corpus-seed", "corpus_seed", 'l', hw_train_spec, corpus_seed),
        F("words", "corpus_words", 'l', hw_train_spec, words),
        // the rest of the run's numbers: checked, as --resume checks them (type 'c': not kept)
        { "rare", "rare", 'c', 0 }, { "rare-final", "rare_final", 'c', 0 }, { "augment", "augment", 'c', 0 },
        { "jump-weight", "jump_weight", 'c', 0 }, { "lr-final", "lr_final", 'c', 0 },
        { "decay-from", "lr_decay_from", 'c', 0 }, { "iters", "lr_decay_to", 'c', 0 },
        { "eval-every", "eval_every", 'c', 0 }, { "patience", "patience", 'c', 0 }, F_END,
    };
    const app_opt *t = app_hw_train_table;
    if (take_stored(m, file, t, head, s) < 0) return -1;
    double x;
    int got = app_stored_opt(m, file, "max_points", t, "max-points", &x);
    if (got < 0) return -1;
    if (got) { s->max_points = (long)x; s->max_points_given = 1; }
    if (take_stored(m, file, t, tail, s) < 0) return -1;
    long k;
    if (app_stored_int(m, file, "adam_step", 0, APP_STEP_MAX, &k) < 0 ||
        app_stored_int(m, file, "best_update", 0, APP_STEP_MAX, &k) < 0 ||
        app_stored_int(m, file, "evals_since_best", 0, APP_STEP_MAX, &k) < 0 || app_stored_counters_ok(m, file))
        return -1;
    *seconds = 0;
    if (app_stored_num(m, file, "train_seconds", 0, APP_SECONDS_MAX, seconds) < 0) return -1;
    return 0;
}
