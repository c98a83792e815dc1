// fut_worker: the possible futures' worker and its newest finished set (see fut_worker.h).
#include "fut_worker.h"
#include <stdatomic.h>
#include <stddef.h>

int fut_worker_init(fut_worker *w) {
    *w = (fut_worker){ .eng = gl_engine_new() };
    return w->eng ? 0 : -1;
}

void fut_worker_quit(fut_worker *w) {
    w->quitting = 1;
    gl_engine_quit(w->eng);
}

void fut_worker_free(fut_worker *w) {
    gl_engine_free(w->eng);
    gl_trace_release(w->pending);
    gl_trace_release(w->shown);
}

int fut_worker_busy(const fut_worker *w) { return gl_engine_busy(w->eng); }

int fut_worker_ready(const fut_worker *w) { return !w->quitting && !w->pending && !gl_engine_busy(w->eng); }

void fut_worker_submit(fut_worker *w, gl_trace *out, const gl_job *job) {
    w->pending = out;
    gl_trace_retain(w->pending);
    gl_engine_submit(w->eng, job);
}

int fut_worker_poll(fut_worker *w) {
    if (w->pending && gl_trace_count(w->pending) > 0) {
        gl_trace_release(w->shown);
        w->shown = w->pending;
        w->pending = NULL;
        return 1;
    }
    if (w->pending && atomic_load(&w->pending->done)) {   // cancelled or failed: nothing to show
        gl_trace_release(w->pending);
        w->pending = NULL;
        return -1;
    }
    return 0;
}

const void *fut_worker_shown(const fut_worker *w) { return w->shown ? gl_trace_frame(w->shown, 0) : NULL; }
