// gl_engine: the background engine thread. The GUI thread never runs a model;
// it hands the engine a *job* (a function, its argument, and the traces the
// job will fill) and draws whatever frames those traces have published.
//
// One worker thread, one pending slot:
//   - submit() while idle: the job starts at once.
//   - submit() while a job runs: the new job takes the pending slot (a job
//     already waiting there is dropped unrun) and the running job's cancel
//     flag is raised, so it stops between its steps. The newest request
//     always wins; the engine never builds a queue the GUI must wait out.
//   - free(): drops the pending job, cancels the running one and joins.
//     Shutdown time is the length of one job step (well under 200 ms for
//     every model in glimpse).
// Whatever happens to a job (finished, cancelled, dropped, or shut down), the
// engine marks each of its traces done (gl_trace_finish), drops its trace
// references and calls its free function exactly once, on the engine thread
// or inside submit()/free(). A reader therefore never waits on a trace that
// nobody will finish.
//
// No SDL here: the worker is tested headless (tests/gui/test_engine.c).
#ifndef GL_ENGINE_H
#define GL_ENGINE_H
#include "gl_trace.h"
#include <stdatomic.h>
#include <stdint.h>

#define GL_JOB_TRACES 4

// A job's body. Checks gl_job_cancelled(cancel) between steps and returns
// early when it is set. Returns 0 when it ran to the end, 1 when it stopped
// because it was cancelled, -1 on error (message in gl_err()).
typedef int (*gl_job_fn)(void *arg, gl_trace **traces, const atomic_int *cancel);

typedef struct {
    gl_job_fn run;
    void (*free)(void *arg);          // may be NULL
    void *arg;
    gl_trace *traces[GL_JOB_TRACES];  // optional; the engine takes its own reference
} gl_job;

static inline int gl_job_cancelled(const atomic_int *cancel) {
    return atomic_load_explicit(cancel, memory_order_relaxed) != 0;
}

typedef struct {
    uint64_t submitted, finished, cancelled, dropped, failed;
    uint64_t last_started, last_done;  // request ids (1, 2, ...); 0 = none yet
} gl_engine_stats;

typedef struct gl_engine gl_engine;

gl_engine *gl_engine_new(void);      // NULL with gl_err() if the thread cannot start
// Hands a job to the engine; returns its request id (> 0).
uint64_t gl_engine_submit(gl_engine *e, const gl_job *job);
// "Stop": drops the pending job and cancels the running one.
void gl_engine_stop(gl_engine *e);
int gl_engine_busy(gl_engine *e);    // 1 while a job runs or waits
// Waits until the engine is idle; 0 when it is, -1 after timeout_s seconds.
int gl_engine_wait_idle(gl_engine *e, double timeout_s);
void gl_engine_get_stats(gl_engine *e, gl_engine_stats *st);
// The message of the last job that failed ("" if none).
void gl_engine_last_error(gl_engine *e, char *buf, int n);
// Asks the worker to end without waiting for it: drops the pending job,
// cancels the running one; submit() must not be called after it. The
// application calls it on every engine it has before freeing any, so their
// jobs wind down together rather than one after another.
void gl_engine_quit(gl_engine *e);
// gl_engine_quit, then waits for the worker to end.
void gl_engine_free(gl_engine *e);
#endif
