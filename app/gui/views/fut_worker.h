// fut_worker: the worker a view's possible futures run on (a gl_engine of its own, beside the view's, so the
// view's runs never wait for them) and the newest finished set. A request is handed over only while the worker
// is idle (the states in between are dropped, never queued); the set shown stays until a newer one is finished.
// Used by the handwriting views' futures (hw_futures.c) and the DRAW view's (view_draw_future.c).
#ifndef FUT_WORKER_H
#define FUT_WORKER_H
#include "gl_engine.h"

typedef struct {
    gl_engine *eng;
    gl_trace *pending, *shown;   // the GUI thread's: the request handed over, the newest finished one
    int quitting;                // fut_worker_quit was called: no more requests
} fut_worker;

int fut_worker_init(fut_worker *w);    // 0, or -1 with gl_err when its thread cannot start
void fut_worker_quit(fut_worker *w);   // stops the worker without waiting (the app is closing)
void fut_worker_free(fut_worker *w);   // waits for the worker: no job runs after it
int fut_worker_busy(const fut_worker *w);
// Whether a request can be handed over now: not quitting, none pending, the worker idle.
int fut_worker_ready(const fut_worker *w);
// Hands over job, whose one frame goes to its trace out (a trace of one frame the job owns a reference to).
void fut_worker_submit(fut_worker *w, gl_trace *out, const gl_job *job);
// Takes in a finished request: 1 when its set is now the one shown, -1 when it ended without one (cancelled or
// failed), 0 otherwise. Then the set shown: its frame, NULL before the first.
int fut_worker_poll(fut_worker *w);
const void *fut_worker_shown(const fut_worker *w);
#endif
