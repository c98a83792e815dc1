// gl_trace: the record of one model run, an append-only array of frames (one
// per time step; see docs/architecture.md). The engine thread appends; other
// threads read frames [0, gl_trace_count()). Storage is allocated once at
// creation, so a published frame never moves.
#ifndef GL_TRACE_H
#define GL_TRACE_H
#include <stdatomic.h>
#include <stddef.h>

typedef struct gl_trace {
    size_t frame_size;
    int cap;
    atomic_int count;
    atomic_int done;       // 1 when the run finished (or was cancelled)
    atomic_int refs;       // shared between the engine and views
    int kind;              // which model wrote it (GL_TRACE_*)
    void *header;          // per-run data (input image, text, ...), owned
    unsigned char *frames;
} gl_trace;

enum { GL_TRACE_ATTENTION = 1, GL_TRACE_WRITE, GL_TRACE_PREDICT, GL_TRACE_DRAW, GL_TRACE_CLUTTER };

gl_trace *gl_trace_new(int kind, size_t frame_size, int cap, void *header);
void gl_trace_retain(gl_trace *t);
void gl_trace_release(gl_trace *t);   // frees at zero references
// A view's run under way (*pending) takes the place of the one it shows
// (*shown) once complete (the view says: all its frames, or the header it
// needs); one that ended otherwise (cancelled, failed) is dropped. Each
// pointer holds one reference. 1 when *shown changed.
int gl_trace_take(gl_trace **shown, gl_trace **pending, int complete);
// Copies one frame in and publishes it; -1 when full.
int gl_trace_push(gl_trace *t, const void *frame);
int gl_trace_count(const gl_trace *t);
const void *gl_trace_frame(const gl_trace *t, int i);
void gl_trace_finish(gl_trace *t);
#endif
