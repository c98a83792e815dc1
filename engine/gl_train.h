// gl_train: the training loops of glimpse's models as resumable sessions,
// shared by `glimpse train ...` (app/cmd_*.c) and the Train view
// (app/gui/views/view_train.c). A session owns the model, its optimiser state and
// the run's schedule; the caller owns the data (loaded on its side) and
// decides what to do with the reports: the CLI draws its progress bar and
// writes checkpoints from them, the view plots them.
//
// A session runs in chunks: gl_train_run() takes at most max_steps steps and
// looks at a stop flag between steps, so a caller on another thread stops it
// within one step. Everything a step does depends only on (seed, step) —
// the epoch's order, the augmentation, the noise — so a session rebuilt from
// a checkpoint repeats the interrupted run bit for bit (tests/crash).
#ifndef GL_TRAIN_H
#define GL_TRAIN_H
#include "gl_mnist.h"
#include "gl_params.h"
#include <stdatomic.h>

// What one step reports.
typedef struct {
    long step;            // steps done, this one included (1, 2, ...)
    long total;           // steps in the whole run
    int stage;            // attention: 0 CNN pre-training, 1 attention; DRAW: 0
    int epoch;            // 1-based epoch of this step within its stage
    int epoch_end;        // this step was the last of an epoch
    long batch;           // samples in this step (handwriting: lines)
    long points;          // handwriting: pen points in this step's lines; 0 otherwise
    double loss;          // training loss of this step's batch (attention: cross-entropy; DRAW: bound, nats;
                          // handwriting: nats per point)
    double acc;           // attention: the batch's accuracy; NaN otherwise
    double lr;            // learning rate this step used
    double seconds;       // training time so far, runs resumed from included
    double step_s;        // wall time of this step (forward, backward, update)
    // held-out figures, computed after this step when has_eval is set
    int has_eval, eval_n;
    double eval_loss;     // attention: test cross-entropy; DRAW: test bound (nats); handwriting: nats per point
    double eval_acc;      // attention: test accuracy; NaN otherwise
} gl_train_report;

typedef void (*gl_train_report_fn)(void *user, const gl_train_report *r);

typedef struct gl_train gl_train;

// Runs up to max_steps steps (fewer at the end of the run), calling fn after
// each. Returns 0 when it took them all (or reached the end), 1 when *stop
// (may be NULL) was raised between steps (checked before each step) or fn
// raised it, -1 when the loss became non-finite or the step failed (gl_err
// says so; the step's update is not applied; gl_train_last_loss gives the
// value).
int gl_train_run(gl_train *t, long max_steps, const atomic_int *stop, gl_train_report_fn fn, void *user);
long gl_train_step_no(const gl_train *t);     // steps done
long gl_train_total(const gl_train *t);
int gl_train_done(const gl_train *t);
double gl_train_seconds(const gl_train *t);   // training time so far (resumed runs included)
double gl_train_last_loss(const gl_train *t);
// Steps stopped half-way by the stop flag (not taken; repeated when the run goes on).
long gl_train_abandoned(const gl_train *t);
// CPU seconds of the process (all its threads) inside the run's steps and
// held-out passes, resumed runs included.
double gl_train_cpu_seconds(const gl_train *t);
// A resumed run's times so far from its checkpoint's metadata (call after
// the step is set). A checkpoint from before CPU time was kept starts the
// count at its step.
void gl_train_resume_times(gl_train *t, const gl_meta *ckpt);
// A run started from another run's weights (--init) carries that run's wall
// and CPU seconds on; its steps count from 0, so a late start of the CPU
// count (train_cpu_seconds_from_step) is not carried: the caller says it.
void gl_train_init_times(gl_train *t, const gl_meta *weights);
// train_seconds (wall), train_cpu_seconds and, when the count started late,
// train_cpu_seconds_from_step.
void gl_train_meta_times(const gl_train *t, gl_meta *m);
// What the DRAW and cluttered-MNIST checkpoints record alike, and
// gl_train_meta_run writing it: "iter", the times above, "epochs_option",
// "limit", "seed", "lr", "lr_final", "clip" (17 digits: a resumed run takes
// them back exactly), "warmup", "no_attention" and "init_from" (when set).
typedef struct {
    long epochs, limit, seed, warmup;
    double lr, lr_final, clip;
    int attention;
    const char *init_from;   // "" or NULL: none
} gl_train_run_keys;
void gl_train_meta_run(const gl_train *t, const gl_train_run_keys *k, gl_meta *m);
// The keys of the options o of a run (gl_draw_train_opts, gl_clut_train_opts: the same field names).
#define GL_TRAIN_RUN_KEYS(o, att)                                                                                  \
    ((gl_train_run_keys){ .epochs = (o)->epochs, .limit = (o)->limit, .seed = (o)->seed, .warmup = (o)->warmup, \
                          .lr = (o)->lr, .lr_final = (o)->lr_final, .clip = (o)->clip, .attention = (att),     \
                          .init_from = (o)->init_from })
// Held-out figures after every `every` steps (0: none besides the model's
// own, which for attention is the end of each attention epoch) on the first
// n held-out samples.
void gl_train_set_eval(gl_train *t, long every, int n);
// Runs the held-out evaluation now (outside a step) into r's eval fields.
int gl_train_eval(gl_train *t, int n, gl_train_report *r);
// Writes a checkpoint (weights, Adam state, the run's options and position)
// to path through a temporary name. -1 with gl_err.
int gl_train_checkpoint(gl_train *t, const char *path);
void gl_train_free(gl_train *t);

// ---- the attention classifier (engine/attention/gl_attn_train.c) ----------------
#include "attention/gl_attn.h"
typedef struct {
    gl_key_type key;
    long hidden, epochs, cnn_epochs, batch, limit, seed, augment;
    double lr, clip, aux;
    int no_coords, fixed_conv;
} gl_attn_train_opts;
void gl_attn_train_defaults(gl_attn_train_opts *o);   // the CLI's defaults
// train and test are borrowed and must outlive the session (test may be
// NULL: no held-out figures). Training uses the first min(limit, n) digits.
gl_train *gl_attn_train_new(const gl_attn_train_opts *o, const gl_mnist *train, const gl_mnist *test);
// Continues from a checkpoint of the same options (weights, Adam state,
// step, seconds). -1 with gl_err.
int gl_attn_train_resume(gl_train *t, const char *ckpt);
gl_attn *gl_attn_train_model(gl_train *t);
// Accuracy of m on the first n digits of d (on every core); *loss (may be
// NULL) gets the mean cross-entropy.
double gl_attn_accuracy(gl_attn *m, const gl_mnist *d, int n, double *loss);

// ---- DRAW (engine/draw/gl_draw_train.c) ------------------------------------------
#include "draw/gl_draw.h"
typedef struct {
    gl_draw_config cfg;
    long batch, epochs, limit, seed, batch_option;
    double lr, lr_final, clip;
    // the learning rate decays from lr to lr_final over the first
    // decay_epochs (0: all epochs) and stays at lr_final after them, so a
    // finished run can be extended without a jump in the rate
    long decay_epochs;
    // the rate rises linearly from lr/warmup to the schedule's over the first
    // warmup iterations (0: none), so that a fresh Adam's first steps, each
    // about lr in every weight whatever its gradient, do not jolt a trained
    // model (--init)
    long warmup;
    // 0: the training images are binary already (one sample, made once:
    // GL_DRAW_BINARIZE_SEED); 1: they are intensities in [0, 1] and every
    // epoch draws a new binary sample of each (gl_draw_train_binarize), so
    // that the model never sees the same noise twice
    int binarize_fresh;
    // a run started from another run's weights (--init): "FILE, iteration N",
    // kept in every checkpoint; empty otherwise
    char init_from[512];
} gl_draw_train_opts;
void gl_draw_train_defaults(gl_draw_train_opts *o);
// m (may be NULL: a new model from o->cfg and o->seed) is taken over; a
// model loaded from a checkpoint continues at start_iter after prev_seconds.
// train and test (binarized; test may be NULL) are borrowed.
gl_train *gl_draw_train_new(const gl_draw_train_opts *o, gl_draw *m, long start_iter, double prev_seconds,
                            const gl_mnist *train, const gl_mnist *test);
gl_draw *gl_draw_train_model(gl_train *t);
// The binary sample of training image `index` (784 intensities in grey) that
// epoch `epoch` (0-based) of a --binarize fresh run with this seed trains on:
// a function of (seed, epoch, index) only, so a resumed run sees the same.
void gl_draw_train_binarize(uint64_t seed, long epoch, long index, const float *grey, float *out);
// The minibatch the last step trained on (B x 784; B = gl_train_report's batch).
const float *gl_draw_train_batch(const gl_train *t);

// ---- cluttered MNIST (engine/cluttered/gl_clut_train.c) ---------------------------
#include "cluttered/gl_clut.h"
typedef struct {
    gl_clut_config cfg;
    long batch, epochs, limit, seed, clutter, warmup;
    double lr, lr_final, clip;
    char init_from[512];   // a run started from another run's weights (--init); empty otherwise
} gl_clut_train_opts;
void gl_clut_train_defaults(gl_clut_train_opts *o);   // the CLI's defaults
// The rate of iteration it (from 0) of a run of total iterations.
double gl_clut_train_lr(const gl_clut_train_opts *o, long it, long total);
// Training images idx[0..B) of an epoch: x (B, 100·100), y (B).
void gl_clut_batch(const gl_mnist *tr, const int *idx, int B, int clutter, uint64_t seed, long epoch, float *x,
                   uint8_t *y);
// m (may be NULL: a new model from o->cfg and o->seed) is taken over and
// continues at start_iter; train and test (may be NULL) are borrowed.
gl_train *gl_clut_train_new(const gl_clut_train_opts *o, gl_clut *m, long start_iter, const gl_mnist *train,
                            const gl_mnist *test);
gl_clut *gl_clut_train_model(gl_train *t);
long gl_clut_train_per_epoch(gl_train *t);

// ---- handwriting (engine/handwriting/gl_hw_train.c) ------------------------------
// Minibatches of lines of similar length (the corpus sorted by length, cut
// into batches, their order shuffled per epoch from (seed, epoch)); the
// derivatives clipped as gl_hw_backward says (100 at the outputs, 10 into
// the LSTMs), the gradient's norm to 5, Adam at lr, or, with lr_final > 0,
// at lr until update decay_from, then decayed exponentially to lr_final at
// update decay_to and held there. The step count
// is the model's (m->ps.step), so a model loaded from a checkpoint with its
// Adam state continues where it stopped, with the very batches it would
// have had.
#include "handwriting/gl_hw.h"
typedef struct {
    long batch, max_points, seed, iters;   // iters: the run's total updates
    double lr;
    double lr_final;             // 0: a constant rate
    long decay_from, decay_to;   // the updates the decay spans
    long rare;                   // > 0: lines with a rare character are repeated (gl_hw_rare_copies)
    int rare_final;              // with rare: a letter that ends a word counts apart (gl_hw_rare_copies)
    double augment;              // > 0: each line of each batch under its own random affine map (gl_hw_augment_draw)
    double jump_weight;          // > 1: a pen-up jump's gradient counts this many times (gl_hw_trainer_set_jump_weight)
} gl_hw_train_opts;
#define GL_HW_RARE_MAX_COPIES 4
// Oversampling of rare characters: a line whose rarest character occurs c <
// rare times in c's texts is trained on min(ceil(rare / c), max_copies) times
// an epoch (once when rare <= 0). copies (c->n) receives each line's count;
// returns their sum (the lines an epoch holds). With final set, a letter
// that ends a word (followed by a non-letter or the end of the text) is
// counted apart from the same letter inside a word: the x of "fox." is
// written otherwise than the x of "taxi", and far more rarely.
long gl_hw_rare_copies(const gl_hw_corpus *c, long rare, int final, int max_copies, int *copies);
// Augmentation (--augment s): every time a line enters a batch, its raw
// pen offsets (dx, dy) are mapped by A = [[sx, k], [0, sy]]: sx = exp(s·a),
// sy = exp(s·b) (width and height), k = s·c (slant: dx += k·dy, y down),
// with a, b, c standard normal cut at ±2, drawn from (seed, update, place
// in the batch), so a resumed run draws the same ones. The pen bits stay.
// gl_hw_augment_draw draws A (row-major, 4 floats); gl_hw_augment_line maps
// the n points of a normalised line (offsets (d − mean)/std) from src to dst.
void gl_hw_augment_draw(gl_rng *r, double s, float A[4]);
void gl_hw_augment_line(const float *src, float *dst, int n, const float mean[2], const float std[2], const float A[4]);
// The learning rate of update `step` (counted from 0) under o's schedule.
double gl_hw_train_lr(const gl_hw_train_opts *o, long step);
// m is taken over (the session owns it from now, and frees it when no
// session can be made). tr and va (normalised with m's statistics; va may be empty: no
// held-out figures) are borrowed. meta (may be NULL) is copied: it goes
// into every checkpoint, with train_seconds and train_loss_per_point.
gl_train *gl_hw_train_new(const gl_hw_train_opts *o, gl_hw_model *m, double prev_seconds, const gl_hw_corpus *tr,
                          const gl_hw_corpus *va, const gl_meta *meta);
gl_hw_model *gl_hw_train_model(gl_train *t);
// The training loss per point smoothed over the last steps (0.98 per step),
// as checkpoints record it; NaN before the first step.
double gl_hw_train_smoothed(gl_train *t);
// The metadata every checkpoint of the session carries (the caller may add
// to it: early stopping keeps its best score there).
gl_meta *gl_hw_train_meta(gl_train *t);
#endif
