#include "gl_trace.h"
#include "gl_util.h"
#include <stdlib.h>
#include <string.h>

gl_trace *gl_trace_new(int kind, size_t frame_size, int cap, void *header) {
    gl_trace *t = gl_calloc(1, sizeof *t);
    t->frame_size = frame_size;
    t->cap = cap;
    t->kind = kind;
    t->header = header;
    t->frames = gl_malloc(frame_size * (size_t)cap);
    atomic_init(&t->count, 0);
    atomic_init(&t->done, 0);
    atomic_init(&t->refs, 1);
    return t;
}
void gl_trace_retain(gl_trace *t) { atomic_fetch_add(&t->refs, 1); }
void gl_trace_release(gl_trace *t) {
    if (t && atomic_fetch_sub(&t->refs, 1) == 1) { free(t->frames); free(t->header); free(t); }
}
int gl_trace_take(gl_trace **shown, gl_trace **pending, int complete) {
    gl_trace *p = *pending;
    if (!p) return 0;
    if (complete) {
        gl_trace_release(*shown);
        *shown = p;
        *pending = NULL;
        return 1;
    }
    if (atomic_load(&p->done)) {
        gl_trace_release(p);
        *pending = NULL;
    }
    return 0;
}
int gl_trace_push(gl_trace *t, const void *frame) {
    int n = atomic_load_explicit(&t->count, memory_order_relaxed);
    if (n >= t->cap) return -1;
    memcpy(t->frames + (size_t)n * t->frame_size, frame, t->frame_size);
    atomic_store_explicit(&t->count, n + 1, memory_order_release);   // publish after the copy
    return 0;
}
int gl_trace_count(const gl_trace *t) { return atomic_load_explicit(&((gl_trace *)t)->count, memory_order_acquire); }
const void *gl_trace_frame(const gl_trace *t, int i) { return t->frames + (size_t)i * t->frame_size; }
void gl_trace_finish(gl_trace *t) { atomic_store(&t->done, 1); }
