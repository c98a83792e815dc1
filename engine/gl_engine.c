// gl_engine: one worker thread with a single pending slot (see gl_engine.h).
#include "gl_engine.h"
#include "gl_util.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct gl_engine {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;     // worker waits here for a job or quit
    pthread_cond_t idle;     // wait_idle waits here
    gl_job pending;
    int has_pending, running, quit;
    uint64_t pending_id, next_id;
    atomic_int cancel;       // raised for the running job
    gl_engine_stats st;
    char err[256];
};

// Ends a job's life: traces done and released, argument freed. Called
// without the lock (a free function may take its time).
static void job_retire(gl_job *j) {
    for (int i = 0; i < GL_JOB_TRACES; i++)
        if (j->traces[i]) { gl_trace_finish(j->traces[i]); gl_trace_release(j->traces[i]); }
    if (j->free) j->free(j->arg);
    memset(j, 0, sizeof *j);
}

static void *worker(void *p) {
    gl_engine *e = p;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->has_pending && !e->quit) pthread_cond_wait(&e->wake, &e->mu);
        if (e->quit) break;
        gl_job job = e->pending;
        uint64_t id = e->pending_id;
        e->has_pending = 0;
        e->running = 1;
        e->st.last_started = id;
        atomic_store(&e->cancel, 0);
        pthread_mutex_unlock(&e->mu);

        int rc = job.run(job.arg, job.traces, &e->cancel);
        const char *msg = rc < 0 ? gl_err() : NULL;
        char msgbuf[256] = "";
        if (msg) snprintf(msgbuf, sizeof msgbuf, "%s", msg);
        job_retire(&job);

        pthread_mutex_lock(&e->mu);
        e->running = 0;
        e->st.last_done = id;
        if (rc < 0) { e->st.failed++; snprintf(e->err, sizeof e->err, "%s", msgbuf); }
        else if (rc > 0) e->st.cancelled++;
        else e->st.finished++;
        if (!e->has_pending) pthread_cond_broadcast(&e->idle);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

gl_engine *gl_engine_new(void) {
    gl_engine *e = gl_calloc(1, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->wake, NULL);
    // wait_idle uses a monotonic deadline, so a clock change cannot stall it.
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&e->idle, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&e->cancel, 0);
    e->next_id = 1;
    int rc = pthread_create(&e->thread, NULL, worker, e);
    if (rc != 0) {
        gl_seterr("cannot start the engine thread: %s", strerror(rc));
        pthread_cond_destroy(&e->wake); pthread_cond_destroy(&e->idle); pthread_mutex_destroy(&e->mu);
        free(e);
        return NULL;
    }
    return e;
}

uint64_t gl_engine_submit(gl_engine *e, const gl_job *job) {
    gl_job j = *job, old = {0};
    for (int i = 0; i < GL_JOB_TRACES; i++) if (j.traces[i]) gl_trace_retain(j.traces[i]);
    pthread_mutex_lock(&e->mu);
    int had = e->has_pending;
    if (had) { old = e->pending; e->st.dropped++; }
    e->pending = j;
    e->has_pending = 1;
    uint64_t id = e->pending_id = e->next_id++;
    e->st.submitted++;
    if (e->running) atomic_store(&e->cancel, 1);
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->mu);
    if (had) job_retire(&old);
    return id;
}

void gl_engine_stop(gl_engine *e) {
    gl_job old = {0};
    pthread_mutex_lock(&e->mu);
    int had = e->has_pending;
    if (had) { old = e->pending; e->has_pending = 0; e->st.dropped++; }
    if (e->running) atomic_store(&e->cancel, 1);
    else pthread_cond_broadcast(&e->idle);
    pthread_mutex_unlock(&e->mu);
    if (had) job_retire(&old);
}

int gl_engine_busy(gl_engine *e) {
    pthread_mutex_lock(&e->mu);
    int b = e->running || e->has_pending;
    pthread_mutex_unlock(&e->mu);
    return b;
}

int gl_engine_wait_idle(gl_engine *e, double timeout_s) {
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    double s = dl.tv_sec + dl.tv_nsec * 1e-9 + timeout_s;
    dl.tv_sec = (time_t)s;
    dl.tv_nsec = (long)((s - (double)dl.tv_sec) * 1e9);
    int rc = 0;
    pthread_mutex_lock(&e->mu);
    while (e->running || e->has_pending) {
        if (pthread_cond_timedwait(&e->idle, &e->mu, &dl) == ETIMEDOUT) {
            rc = (e->running || e->has_pending) ? -1 : 0;
            break;
        }
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

void gl_engine_get_stats(gl_engine *e, gl_engine_stats *st) {
    pthread_mutex_lock(&e->mu);
    *st = e->st;
    pthread_mutex_unlock(&e->mu);
}

void gl_engine_last_error(gl_engine *e, char *buf, int n) {
    pthread_mutex_lock(&e->mu);
    snprintf(buf, (size_t)n, "%s", e->err);
    pthread_mutex_unlock(&e->mu);
}

void gl_engine_quit(gl_engine *e) {
    if (!e) return;
    gl_job old = {0};
    pthread_mutex_lock(&e->mu);
    int had = e->has_pending;
    if (had) { old = e->pending; e->has_pending = 0; e->st.dropped++; }
    e->quit = 1;
    atomic_store(&e->cancel, 1);
    pthread_cond_signal(&e->wake);
    pthread_mutex_unlock(&e->mu);
    if (had) job_retire(&old);
}

void gl_engine_free(gl_engine *e) {
    if (!e) return;
    gl_engine_quit(e);
    pthread_join(e->thread, NULL);
    pthread_cond_destroy(&e->wake);
    pthread_cond_destroy(&e->idle);
    pthread_mutex_destroy(&e->mu);
    free(e);
}
