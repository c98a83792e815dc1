// hw_train_data: the handwriting training run's data and session, shared by
// `glimpse train handwriting` (app/cmd_handwriting.c) and the Train view
// (app/gui/views/train_run.c): the corpus loaded and prepared the same way for
// both, the new network made from its statistics, the run's options written
// into checkpoints the same way, so a checkpoint saved by either continues
// in the other (`glimpse train handwriting --resume`).
#ifndef HW_TRAIN_DATA_H
#define HW_TRAIN_DATA_H
#include "gl_hw.h"
#include "gl_train.h"
#include <stdio.h>

#define HW_HERSHEY_ALPHABET " abcdefghijklmnopqrstuvwxyz.,"

// --data hershey | iam:DIR. Hershey lines come from (lines, seed, at most
// max_words words a line); IAM-OnDB is prepared with iam (thin, exclude),
// its counts go to rep and, unless log is NULL, a line on log.
int hw_load_corpus(const char *data, int lines, uint64_t seed, int max_words, const gl_hw_iam_opts *iam,
                   gl_hw_iam_report *rep, FILE *log, gl_hw_corpus *c);

typedef struct {
    int synth;                     // synthesis (1) or prediction (0)
    const char *data;              // "hershey" or "iam:DIR"
    long lines, words, corpus_seed;   // the Hershey corpus
    gl_hw_iam_opts iam;            // IAM: thin, exclude
    long L, H, M, K;               // a new network's size
    long batch, seed, iters;
    long max_points;               // lines cut (prediction) or dropped (synthesis) after this many points
    int max_points_given;          // 0: 400, or 1000 for IAM-OnDB
    double lr;
    double lr_final;               // > 0: decayed from lr at update decay_from to lr_final at decay_to
    long decay_from, decay_to;
    long rare;                     // > 0: lines with a character seen fewer times are repeated (--rare)
    int rare_final;                // --rare-final: a letter that ends a word counts apart
    double augment;                // > 0: each batch's lines under random affine maps (--augment)
    double jump_weight;            // > 1: each pen-up jump's gradient counted that many times (--jump-weight)
    const char *init; // "FILE, update N": the weights a fine-tune started from (--init), for the metadata; NULL: none
    // filled by hw_train_prepare
    gl_hw_iam_report iam_rep;
    int iam_loaded;
} hw_train_spec;
void hw_train_spec_defaults(hw_train_spec *s);   // the CLI's defaults

// Loads the corpus of s, splits off the held-out lines (Hershey: 200 lines
// of seed + 1000; IAM: the forms whose id hashes to 0 mod 20), drops the
// lines the network cannot be trained on, makes a new network into *mp from
// the training lines' statistics unless resumed (*mp then holds the
// checkpoint's model, whose alphabet and normalisation are kept), and
// normalises both corpora. Progress lines go to log (may be NULL). -1 with
// gl_err (*mp is freed and NULL then if it was made here).
int hw_train_prepare(hw_train_spec *s, gl_hw_model **mp, int resumed, gl_hw_corpus *tr, gl_hw_corpus *va, FILE *log);
// The corpus and run options a checkpoint records (what --resume compares).
void hw_train_meta(const hw_train_spec *s, gl_meta *ex);
// The gl_train session of the run (m is taken over, freed when none is made).
gl_train *hw_train_session(const hw_train_spec *s, gl_hw_model *m, double prev_seconds, const gl_hw_corpus *tr,
                           const gl_hw_corpus *va);
#endif
