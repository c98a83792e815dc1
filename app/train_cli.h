// train_cli: a DRAW or cluttered-MNIST training run on the command line:
// the progress bar (the mean loss of the iterations since its last update,
// at most 50), a checkpoint every --every seconds, at the last iteration and
// when the run stops, --minutes, and Ctrl-C/TERM (stop_signal.h), which end
// the run with a checkpoint of the step at hand.
#ifndef APP_TRAIN_CLI_H
#define APP_TRAIN_CLI_H
#include "gl_progress.h"
#include "gl_train.h"
#include <stdatomic.h>

typedef struct train_cli train_cli;
struct train_cli {
    gl_train *t;
    const char *ckpt;
    long every, per_epoch;       // seconds between checkpoints; iterations per epoch
    long ckpt_step;              // the iteration the checkpoint holds (set it to the starting one)
    double minutes;              // 0: no limit
    int minutes_stops;           // 1: --minutes ends the run like a signal (checkpoint only, no weights)
    const char *loss_word;       // "bound" or "loss", for the divergence message
    // The progress line from the mean loss and accuracy of the iterations since the last one.
    void (*line)(train_cli *c, const gl_train_report *r, double loss, double acc);
    // A held-out figure the session reported (gl_train_set_eval); NULL: none expected.
    void (*eval)(train_cli *c, const gl_train_report *r);
    // the run's state, set by train_cli_run
    double t0, last_ckpt, sum, sum_acc;
    int n, failed;
    atomic_int stop;
    gl_progress p;
};

// Runs c->t from its current step to its total under a progress bar named
// title. 0: it ran to its end (or to --minutes, unless minutes_stops);
// 1: it failed (diverged, a checkpoint could not be written: said on stderr);
// 128 + the signal, or -1 for --minutes with minutes_stops: it stopped early
// and the checkpoint holds its last step (said in one line on stderr).
int train_cli_run(train_cli *c, const char *title);
#endif
