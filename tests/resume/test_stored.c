// The shared reading of a checkpoint's numbers (app/common/resume.c,
// train_opts.c): what the Train view's resume and the fuzz harness call.
// Out of range is -1 with a message naming the file, the key, the value and
// the range; in range is taken; a key the file lacks keeps the value. The
// tables' defaults are the engine's (a default is written once per command,
// and the Train view starts from the engine's).
#include "gl_test.h"
#include "resume.h"
#include "train_opts.h"
#include "gl_util.h"

static app_args no_args(const app_opt *t) {
    app_args a;
    char *argv[1] = { NULL };
    CHECK(app_args_parse(0, argv, t, "usage", &a) == 0, "an empty command line parses");
    return a;
}

static void check_defaults(void) {
    app_args a = no_args(app_attn_train_table);
    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    const app_opt *T = app_attn_train_table;
    CHECK(app_opt_long(&a, T, "hidden") == o.hidden && app_opt_long(&a, T, "epochs") == o.epochs &&
              app_opt_long(&a, T, "cnn-epochs") == o.cnn_epochs && app_opt_long(&a, T, "batch") == o.batch &&
              app_opt_long(&a, T, "limit") == o.limit && app_opt_long(&a, T, "seed") == o.seed &&
              app_opt_long(&a, T, "augment") == o.augment && app_opt_num(&a, T, "lr") == o.lr &&
              app_opt_num(&a, T, "clip") == o.clip && app_opt_num(&a, T, "aux") == o.aux &&
              app_opt_long(&a, T, "key") == (long)o.key,
          "attention: table defaults = engine defaults");
    a = no_args(app_draw_train_table);
    gl_draw_train_opts d;
    gl_draw_train_defaults(&d);
    T = app_draw_train_table;
    CHECK(app_opt_long(&a, T, "steps") == d.cfg.T && app_opt_long(&a, T, "read") == d.cfg.read_n &&
              app_opt_long(&a, T, "write") == d.cfg.write_n && app_opt_long(&a, T, "enc") == d.cfg.enc &&
              app_opt_long(&a, T, "dec") == d.cfg.dec && app_opt_long(&a, T, "z") == d.cfg.z &&
              app_opt_long(&a, T, "batch") == d.batch && app_opt_long(&a, T, "epochs") == d.epochs &&
              app_opt_long(&a, T, "seed") == d.seed && app_opt_num(&a, T, "lr") == d.lr &&
              app_opt_num(&a, T, "clip") == d.clip,
          "DRAW: table defaults = engine defaults");
    a = no_args(app_hw_train_table);
    hw_train_spec s;
    hw_train_spec_defaults(&s);
    T = app_hw_train_table;
    CHECK(app_opt_long(&a, T, "lines") == s.lines && app_opt_long(&a, T, "words") == s.words &&
              app_opt_long(&a, T, "corpus-seed") == s.corpus_seed && app_opt_long(&a, T, "thin") == s.iam.thin &&
              app_opt_long(&a, T, "layers") == s.L && app_opt_long(&a, T, "cells") == s.H &&
              app_opt_long(&a, T, "mixtures") == s.M && app_opt_long(&a, T, "window") == s.K &&
              app_opt_long(&a, T, "batch") == s.batch && app_opt_long(&a, T, "seed") == s.seed &&
              app_opt_long(&a, T, "iters") == s.iters && app_opt_num(&a, T, "lr") == s.lr &&
              (app_opt_long(&a, T, "task") == 1) == s.synth,
          "handwriting: table defaults = the spec's");
}

static void check_attention(void) {
    gl_meta m = {0};
    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    gl_meta_set(&m, "key", "gaussian");
    gl_meta_set(&m, "batch", "25");
    gl_meta_set(&m, "lr", "0.01");
    CHECK(app_attn_opts_from_meta(&m, "c.ckpt", &o) == 0 && o.key == GL_KEY_GAUSSIAN && o.batch == 25 && o.lr == 0.01 &&
              o.hidden == 128,
          "in range: taken, the rest kept (%s)", gl_err());
    gl_meta_set(&m, "batch", "0");
    CHECK(app_attn_opts_from_meta(&m, "c.ckpt", &o) != 0 &&
              !strcmp(gl_err(), "c.ckpt: metadata 'batch' is '0', not an integer in [1, 4096] (the range of --batch)"),
          "batch 0: %s", gl_err());
    gl_meta_set(&m, "batch", "25");
    gl_meta_set(&m, "epochs", "1e9");
    CHECK(app_attn_opts_from_meta(&m, "c.ckpt", &o) != 0 &&
              strstr(gl_err(), "'epochs' is '1e9', not an integer in [0, 1000]"),
          "epochs: %s", gl_err());
    gl_meta_free(&m);
    gl_meta_set(&m, "model", "draw");
    CHECK(app_attn_opts_from_meta(&m, "d.ckpt", &o) != 0 && strstr(gl_err(), "d.ckpt is not an attention checkpoint"),
          "DRAW file: %s", gl_err());
    gl_meta_free(&m);
}

static void check_draw_hw(void) {
    gl_meta m = {0};
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    long it;
    gl_meta_set(&m, "iter", "-5");
    CHECK(app_draw_opts_from_meta(&m, "d.ckpt", &o, &it) != 0 && strstr(gl_err(), "d.ckpt: metadata 'iter' is '-5'"),
          "iter: %s", gl_err());
    gl_meta_set(&m, "iter", "40");
    gl_meta_set(&m, "lr_final", "1e30");
    CHECK(app_draw_opts_from_meta(&m, "d.ckpt", &o, &it) != 0 &&
              strstr(gl_err(), "'lr_final' is '1e30', not a number in [1e-09, 1]"),
          "lr_final: %s", gl_err());
    gl_meta_set(&m, "lr_final", "1e-4");
    CHECK(app_draw_opts_from_meta(&m, "d.ckpt", &o, &it) == 0 && it == 40 && o.lr_final == 1e-4, "DRAW in range (%s)",
          gl_err());
    gl_meta_free(&m);
    // cluttered MNIST: what the Train view's resume reads, through train cluttered's ranges
    gl_clut_train_opts co;
    gl_clut_train_defaults(&co);
    gl_meta_set(&m, "iter", "40");
    gl_meta_set(&m, "lr_final", "1e-4");
    gl_meta_set(&m, "clutter", "65");
    CHECK(
        app_clut_opts_from_meta(&m, "c.ckpt", &co, &it) != 0 &&
            strstr(gl_err(), "c.ckpt: metadata 'clutter' is '65', not an integer in [0, 64] (the range of --clutter)"),
        "clutter: %s", gl_err());
    gl_meta_set(&m, "clutter", "3");
    gl_meta_set(&m, "warmup", "-1");
    CHECK(app_clut_opts_from_meta(&m, "c.ckpt", &co, &it) != 0 && strstr(gl_err(), "'warmup' is '-1'"), "warmup: %s",
          gl_err());
    gl_meta_set(&m, "warmup", "7");
    gl_meta_set(&m, "epochs_option", "3");
    CHECK(app_clut_opts_from_meta(&m, "c.ckpt", &co, &it) == 0 && it == 40 && co.clutter == 3 && co.warmup == 7 &&
              co.epochs == 3 && co.lr_final == 1e-4,
          "cluttered in range (%s)", gl_err());
    gl_meta_free(&m);
    hw_train_spec s;
    hw_train_spec_defaults(&s);
    double secs;
    gl_meta_set(&m, "corpus_words", "0");
    CHECK(app_hw_spec_from_meta(&m, "s.ckpt", &s, &secs) != 0 &&
              strstr(gl_err(), "'corpus_words' is '0', not an integer in [1, 12] (the range of --words)"),
          "corpus_words: %s", gl_err());
    gl_meta_set(&m, "corpus_words", "2");
    gl_meta_set(&m, "jump_weight", "0.5");
    CHECK(app_hw_spec_from_meta(&m, "s.ckpt", &s, &secs) != 0 && strstr(gl_err(), "'jump_weight' is '0.5'"),
          "jump_weight: %s", gl_err());
    gl_meta_set(&m, "jump_weight", "2");
    gl_meta_set(&m, "train_seconds", "inf");
    CHECK(app_hw_spec_from_meta(&m, "s.ckpt", &s, &secs) != 0 && strstr(gl_err(), "'train_seconds' is 'inf'"),
          "seconds: %s", gl_err());
    gl_meta_set(&m, "train_seconds", "12");
    gl_meta_set(&m, "adam_step", "9223372036854775807");
    CHECK(app_hw_spec_from_meta(&m, "s.ckpt", &s, &secs) != 0 && strstr(gl_err(), "'adam_step'"), "adam_step: %s",
          gl_err());
    gl_meta_set(&m, "adam_step", "30");
    CHECK(app_hw_spec_from_meta(&m, "s.ckpt", &s, &secs) == 0 && s.words == 2 && secs == 12, "handwriting in range (%s)",
          gl_err());
    gl_meta_free(&m);
}

// The command line and the file read a value the same way.
static void check_values(void) {
    const app_opt *b = app_opt_find(app_hw_train_table, "batch");
    double x;
    char why[160];
    CHECK(app_opt_value(b, "32", &x, why, sizeof why) == 0 && x == 32, "32");
    const char *bad[] = { "0", "-3", "1025", "3.5", "32abc", "", "1e3", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(app_opt_value(b, bad[i], &x, why, sizeof why) != 0 && !strcmp(why, "an integer in [1, 1024]"),
              "'%s' refused (%s)", bad[i], why);
    const app_opt *lr = app_opt_find(app_hw_train_table, "lr");
    const char *badf[] = { "1e30", "nan", "inf", "-1e-3", "0", "2e-3x" };
    for (size_t i = 0; i < sizeof badf / sizeof badf[0]; i++)
        CHECK(app_opt_value(lr, badf[i], &x, why, sizeof why) != 0, "lr '%s' refused", badf[i]);
    CHECK(app_opt_value(lr, "2e-3", &x, why, sizeof why) == 0 && x == 2e-3, "lr 2e-3");
}

int main(void) {
    check_defaults();
    check_attention();
    check_draw_hw();
    check_values();
    TEST_MAIN_END();
}
