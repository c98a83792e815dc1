#include "train_cli.h"
#include "stop_signal.h"
#include "gl_util.h"
#include <stdio.h>
#include <unistd.h>

static void train_cli_report(void *user, const gl_train_report *r) {
    train_cli *c = user;
    c->sum += r->loss; c->sum_acc += r->acc; c->n++;
    double now = gl_now();
    if (r->has_eval && c->eval) {
        gl_progress_end(&c->p);
        c->eval(c, r);
    }
    if (c->n >= 50 || r->step == r->total || r->has_eval) {
        c->line(c, r, c->sum / c->n, c->sum_acc / c->n);
        c->sum = c->sum_acc = 0; c->n = 0;
    }
    int stop = (c->minutes > 0 && now - c->t0 >= c->minutes * 60) || stop_signal();
    if (now - c->last_ckpt >= c->every || r->step == r->total || stop) {
        if (gl_train_checkpoint(c->t, c->ckpt)) {
            gl_progress_end(&c->p);
            fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err());
            c->failed = 1; atomic_store(&c->stop, 1); return;
        }
        c->last_ckpt = now;
        c->ckpt_step = r->step;
    }
    if (stop) atomic_store(&c->stop, 1);
}

int train_cli_run(train_cli *c, const char *title) {
    gl_train *t = c->t;
    long total = gl_train_total(t);
    c->t0 = c->last_ckpt = gl_now();
    c->sum = c->sum_acc = 0; c->n = 0; c->failed = 0;
    atomic_store(&c->stop, 0);
    // Ctrl-C: a checkpoint of the step at hand, not of the last periodic one (caught before the progress bar shows:
    // a signal that comes once it has is handled)
    stop_on_signals(&c->stop);
    gl_progress_begin(&c->p, title, total);
    gl_progress_resume_at(&c->p, gl_train_step_no(t));
    int status = 0;
    if (gl_train_run(t, total, &c->stop, train_cli_report, c) < 0) {
        gl_progress_end(&c->p);
        fprintf(stderr, "glimpse: training diverged at iteration %ld (%s %g)\n", gl_train_step_no(t), c->loss_word,
                gl_train_last_loss(t));
        status = 1;
    } else if (c->failed) status = 1;
    gl_progress_end(&c->p);
    long it = gl_train_step_no(t);
    int by_minutes = c->minutes_stops && c->minutes > 0 && it < total;
    if (!status && (stop_signal() || by_minutes)) {
        // the checkpoint of the step at hand, unless one holds it already (a run stopped before its first step
        // has none yet: it gets one of step 0, so that the message below is true and --resume works)
        if ((it != c->ckpt_step || access(c->ckpt, F_OK) != 0) && gl_train_checkpoint(t, c->ckpt)) {
            fprintf(stderr, "glimpse: checkpoint: %s\n", gl_err());
            status = 1;
        } else {
            fprintf(stderr, "glimpse: stopped (%s) at iteration %ld of %ld; %s holds it: go on with --resume\n",
                    stop_signal() ? stop_signal_word() : "--minutes", it, total, c->ckpt);
            status = stop_signal() ? 128 + stop_signal() : -1;
        }
    }
    stop_on_signals(NULL);
    return status;
}
