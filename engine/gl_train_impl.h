// gl_train_impl: what a model's part of gl_train provides (private to the
// engine's trainers).
#ifndef GL_TRAIN_IMPL_H
#define GL_TRAIN_IMPL_H
#include "gl_train.h"

typedef struct {
    // One step at t->step (0-based): fills loss, acc, lr, stage, epoch,
    // epoch_end, batch of r. Returns -1 (update not applied) when the loss
    // is not finite, or when t->stop was raised during the step (it may
    // give up part-way then); -2 for another failure that gl_err already names.
    int (*step)(gl_train *t, gl_train_report *r);
    // Held-out figures on the first n samples; -1 if there is no held-out set
    // (or t->stop cut it short).
    int (*eval)(gl_train *t, int n, gl_train_report *r);
    // Held-out figures the model always computes after this step (attention:
    // the end of an attention epoch, on 1000 digits): n > 0; 0 for none;
    // -1 for none and no interval figures either (attention's CNN stage,
    // where the attention model is not trained yet).
    int (*eval_due)(gl_train *t, const gl_train_report *r);
    int (*checkpoint)(gl_train *t, const char *path);
    void (*free)(gl_train *t);
} gl_train_ops;

struct gl_train {
    const gl_train_ops *ops;
    void *impl;
    long step, total;
    double prev_seconds, run_seconds;   // before this session; inside this session's steps
    double prev_cpu, run_cpu;           // the same in CPU seconds of the process
    long cpu_from;                      // CPU time counted from this step (older checkpoints lacked it)
    long abandoned;                     // steps stopped half-way (not taken)
    double last_loss;
    long eval_every;
    int eval_n;
    const atomic_int *stop;   // gl_train_run's stop flag while it runs (else NULL)
};

gl_train *gl_train_make(const gl_train_ops *ops, void *impl, long total);
// The order of an epoch's n items (0 .. n-1 shuffled), which depends only on (seed, epoch): a resumed run
// replays it.
void gl_train_epoch_order(int *order, int n, uint64_t seed, long epoch);
#endif
