// train_run: the Train view's training, on a worker thread of its own.
//
// The view owns one train_run. It holds a gl_engine (gl_engine.h) of its own,
// so a training run never takes the shared engine from the other views: they
// stay usable while it trains. The run's job builds a gl_train session (the
// same one `glimpse train` uses), loads the data on the first start, and
// takes one step at a time with the engine's cancel flag as the stop flag,
// so pause and stop take effect within one step.
//
// What the GUI reads (curves, probes, state) is published by the worker:
//   - per-step arrays are allocated for the whole run before the first step
//     and only appended to; the count is an atomic, so the GUI reads below
//     it without a lock;
//   - the probes (the model run on fixed inputs every few seconds) and the
//     small state are behind a mutex, copied out in one go.
#ifndef TRAIN_RUN_H
#define TRAIN_RUN_H
#include "gl_engine.h"
#include "gl_mnist.h"
#include "gl_train.h"
#include "hw_train_data.h"
#include <pthread.h>
#include <stdatomic.h>

typedef enum { TRAIN_ATTENTION, TRAIN_DRAW, TRAIN_HANDWRITING, TRAIN_CLUTTERED, TRAIN_NMODEL } train_model;
typedef enum {
    TRAIN_IDLE,
    TRAIN_LOADING,
    TRAIN_RUNNING,
    TRAIN_PAUSED,
    TRAIN_STOPPED,
    TRAIN_DONE,
    TRAIN_FAILED
} train_state;

typedef struct {
    train_model model;
    double lr;
    int batch;
    int limit;               // training samples (0: all)
    long seed;
    // attention
    int key, hidden, epochs;
    // DRAW
    int draw_attention, T, read_n, write_n, draw_epochs;
    // cluttered MNIST (the search): attention or the fixed whole-image window
    int clut_attention, clut_epochs;
    // handwriting (the CLI's corpus options; M = 10, K = 5 as its defaults)
    int hw_task;             // 0 synthesis, 1 prediction
    char hw_data[1024];      // "hershey" (the built-in corpus) or "iam:DIR" (IAM-OnDB)
    int hw_layers, hw_cells, hw_lines, hw_iters;
    char resume[1024];       // a checkpoint to continue ("" to start from scratch)
} train_config;
void train_config_defaults(train_config *c);

#define TRAIN_PROBE_DIGITS 3                  // attention: test digits probed
#define TRAIN_PROBE_SAMPLES 4                 // DRAW: samples generated
#define TRAIN_PROBE_MAX 400                   // probes kept
#define TRAIN_ATTN_PROBE_N (TRAIN_PROBE_DIGITS * (784 + 10 * 196))
#define TRAIN_DRAW_PROBE_N ((TRAIN_PROBE_SAMPLES + 2) * 784)
#define TRAIN_CLUT_PROBE_N (TRAIN_PROBE_DIGITS * (GL_CLUT_D + 1 + GL_CLUT_MAXT * 3))
#define TRAIN_HW_TEXT "watch it learn"          // handwriting: the sentence the synthesis probe writes
#define TRAIN_HW_PREDICT_STEPS 300             // prediction: points the probe writes

// One probe: the model on its fixed inputs at one step.
//   attention: for each digit, the image (784) then its 10 masks (196 each);
//              pred[d] the prediction after the last step;
//   DRAW: the samples' final canvases (784 each, probabilities), then the
//         reconstructed digit's input and its final canvas;
//   cluttered: for each of 3 fixed test images, the image (100·100), T,
//              then per glimpse the box's centre and side (gx, gy, box);
//              pred[d] the class after the last glimpse;
//   handwriting: n, U, then the n written points (dx, dy, eos; raw pen
//         units), then the window φ(t,u) (n rows of U+1; U = 0 for a
//         prediction network); len floats in all.
typedef struct {
    long step;
    double seconds;
    int model;               // train_model of the run it comes from (sizes v)
    int pred[TRAIN_PROBE_DIGITS];
    int len;
    float *v;
} train_probe;

typedef struct train_run {
    gl_engine *engine;
    pthread_mutex_t mu;
    // ---- published (mu) -------------------------------------------------------
    train_state state;
    train_model model;       // of the current run
    char msg[1200];          // what the state line says (errors, "loading MNIST")
    long total;
    double seconds, rate, eta;   // training time, samples (handwriting: points) per second, seconds left
    long run_seq;            // bumped when a run starts (its arrays are new)
    double started_at, first_point_at;   // gl_now() of start, of the first step reported
    train_probe probes[TRAIN_PROBE_MAX];
    int nprobes;
    long probe_seq;          // bumped with each probe
    // ---- per-step arrays (published by count) --------------------------------
    atomic_int npts;
    atomic_long abandoned;   // steps the worker stopped half-way (closing, stop)
    float *x, *loss, *smooth, *lr, *acc;   // step, raw loss, smoothed loss, lr, batch accuracy (cap: total)
    atomic_int nevals;
    float *ex, *eloss, *eacc;               // held-out figures at intervals
    long cap, ecap;
    // ---- engine thread only ---------------------------------------------------
    train_config cfg;
    gl_train *t;
    gl_mnist mn_train, mn_test;   // attention: as loaded; DRAW: binarized copies below
    gl_mnist bin_train, bin_test;
    int have_mnist, have_bin;
    gl_hw_corpus hw_tr, hw_va;    // handwriting: the run's corpora (normalised)
    hw_train_spec hw_spec;
    char hw_data[1024];
    double last_probe, rate_t0;
    long rate_s0, rate_n;
    double ema;
    // commands for the next job
    atomic_int want_save;
    char save_path[1024];
    int save_weights_only;
    char saved[1024];        // the last file written (mu)
    long saved_seq;
} train_run;

int train_run_init(train_run *r);   // -1 with gl_err if the thread cannot start
void train_run_free(train_run *r);
// The application is closing: wait 0 tells the worker to stop; wait 1 waits
// for it to end, and writes a save asked for that it had not reached yet.
// Nothing but train_run_free may follow.
void train_run_quit(train_run *r, int wait);
// Starts a new run with cfg (a run in progress is stopped first).
void train_run_start(train_run *r, const train_config *cfg);
void train_run_pause(train_run *r);
void train_run_resume(train_run *r);
void train_run_stop(train_run *r);
// Writes a checkpoint (weights_only = 0) or the weights alone (1, in the
// format the other views load) to path, between two steps; training goes
// on. The result is said in r->msg and r->saved.
void train_run_save(train_run *r, const char *path, int weights_only);
train_state train_run_state(train_run *r);
// Waits until the worker is idle (paused, stopped, done); -1 after timeout.
int train_run_wait_idle(train_run *r, double timeout_s);
const char *train_state_name(train_state s);
#endif
