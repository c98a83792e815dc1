// The engine thread: a burst of superseding requests, stop, and shutdown in
// the middle of a long job. Every job's argument must be freed exactly once,
// every trace finished, and shutdown must take well under 200 ms.
#include "gl_engine.h"
#include "gl_test.h"
#include "gl_util.h"
#include <stdatomic.h>
#include <time.h>

static atomic_int n_freed, n_started, n_ran_to_end;

typedef struct { int steps; double step_s; int id; int *last_completed; } job_arg;

static void sleep_s(double s) {
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

// A job of `steps` steps, each a short sleep, one frame per step.
static int slow_job(void *p, gl_trace **traces, const atomic_int *cancel) {
    job_arg *a = p;
    atomic_fetch_add(&n_started, 1);
    for (int i = 0; i < a->steps; i++) {
        if (gl_job_cancelled(cancel)) return 1;
        sleep_s(a->step_s);
        int v = a->id * 1000 + i;
        if (traces[0]) gl_trace_push(traces[0], &v);
    }
    atomic_fetch_add(&n_ran_to_end, 1);
    *a->last_completed = a->id;
    return 0;
}
static int failing_job(void *p, gl_trace **traces, const atomic_int *cancel) {
    gl_seterr("deliberate failure %d", ((job_arg *)p)->id);
    return -1;
}
static void free_arg(void *p) { atomic_fetch_add(&n_freed, 1); free(p); }

static gl_job make_job(int id, int steps, double step_s, int *last, gl_trace *t) {
    job_arg *a = gl_calloc(1, sizeof *a);
    a->id = id; a->steps = steps; a->step_s = step_s; a->last_completed = last;
    gl_job j = { slow_job, free_arg, a, { t } };
    return j;
}

// gl_trace_take: a complete run replaces the one shown (its reference
// moves), a run that ended otherwise is dropped, one still under way waits.
static void check_take(void) {
    gl_trace *shown = gl_trace_new(GL_TRACE_ATTENTION, sizeof(int), 4, NULL);
    gl_trace *old = shown, *pending = gl_trace_new(GL_TRACE_ATTENTION, sizeof(int), 4, NULL), *p = pending;
    gl_trace_retain(old);   // kept here to see it released by the take
    CHECK(gl_trace_take(&shown, &pending, 0) == 0 && shown == old && pending == p, "under way: nothing changes");
    CHECK(gl_trace_take(&shown, &pending, 1) == 1 && shown == p && pending == NULL, "complete: it is shown");
    CHECK(atomic_load(&old->refs) == 1, "and the run it replaced lost the view's reference (%d left)",
          atomic_load(&old->refs));
    gl_trace_release(old);
    pending = gl_trace_new(GL_TRACE_ATTENTION, sizeof(int), 4, NULL);
    gl_trace_finish(pending);   // ended without the frames the view needs
    CHECK(gl_trace_take(&shown, &pending, 0) == 0 && shown == p && pending == NULL, "ended incomplete: dropped");
    gl_trace_release(shown);
}

int main(void) {
    check_take();
    int last = -1;
    // 1. A burst: 500 superseding requests of 5 x 1 ms; the last must win.
    gl_engine *e = gl_engine_new();
    CHECK(e != NULL, "engine starts");
    enum { BURST = 500 };
    gl_trace *traces[BURST];
    for (int i = 0; i < BURST; i++) {
        traces[i] = gl_trace_new(GL_TRACE_ATTENTION, sizeof(int), 8, NULL);
        gl_job j = make_job(i, 5, 0.001, &last, traces[i]);
        uint64_t id = gl_engine_submit(e, &j);
        CHECK(id == (uint64_t)i + 1, "request ids count up: %llu", (unsigned long long)id);
    }
    CHECK(gl_engine_wait_idle(e, 10.0) == 0, "engine goes idle after the burst");
    gl_engine_stats st;
    gl_engine_get_stats(e, &st);
    CHECK(st.submitted == BURST, "submitted %llu", (unsigned long long)st.submitted);
    CHECK(st.finished + st.cancelled + st.dropped == BURST, "every request accounted for: %llu+%llu+%llu",
          (unsigned long long)st.finished, (unsigned long long)st.cancelled, (unsigned long long)st.dropped);
    CHECK(st.dropped > BURST / 2, "most of a burst is superseded before it starts (%llu dropped)", (unsigned long long)st.dropped);
    CHECK(last == BURST - 1, "the newest request wins (last completed %d)", last);
    CHECK(st.last_done == BURST, "last done id %llu", (unsigned long long)st.last_done);
    CHECK(atomic_load(&n_freed) == BURST, "every argument freed once (%d)", atomic_load(&n_freed));
    int all_done = 1;
    for (int i = 0; i < BURST; i++) all_done &= atomic_load(&traces[i]->done);
    CHECK(all_done, "every trace is marked done, whatever happened to its job");
    CHECK(gl_trace_count(traces[BURST - 1]) == 5, "the winning trace has all its frames (%d)", gl_trace_count(traces[BURST - 1]));
    CHECK(*(const int *)gl_trace_frame(traces[BURST - 1], 4) == (BURST - 1) * 1000 + 4, "frame content");
    for (int i = 0; i < BURST; i++) gl_trace_release(traces[i]);

    // 2. A failing job reports its message and the engine keeps working.
    job_arg *fa = gl_calloc(1, sizeof *fa);
    fa->id = 7;
    gl_job fj = { failing_job, free_arg, fa, { NULL } };
    gl_engine_submit(e, &fj);
    CHECK(gl_engine_wait_idle(e, 5.0) == 0, "idle after failure");
    char msg[256];
    gl_engine_last_error(e, msg, sizeof msg);
    CHECK(strstr(msg, "deliberate failure 7") != NULL, "error message kept: '%s'", msg);
    gl_job ok = make_job(42, 2, 0.001, &last, NULL);
    gl_engine_submit(e, &ok);
    CHECK(gl_engine_wait_idle(e, 5.0) == 0 && last == 42, "works after a failure");

    // 3. Stop: cancels a long job quickly.
    gl_job long_job = make_job(99, 10000, 0.001, &last, NULL);
    gl_engine_submit(e, &long_job);
    sleep_s(0.02);
    double t0 = gl_now();
    gl_engine_stop(e);
    CHECK(gl_engine_wait_idle(e, 2.0) == 0, "stop ends the job");
    CHECK(gl_now() - t0 < 0.2, "stop takes %.3f s", gl_now() - t0);
    CHECK(last == 42, "a stopped job does not complete");

    // 4. Shutdown in the middle of a long job, with another one pending.
    gl_trace *lt = gl_trace_new(GL_TRACE_ATTENTION, sizeof(int), 10000, NULL);
    gl_job j1 = make_job(100, 10000, 0.002, &last, lt);
    gl_engine_submit(e, &j1);
    sleep_s(0.05);
    gl_job j2 = make_job(101, 10000, 0.002, &last, NULL);
    gl_engine_submit(e, &j2);
    gl_job j3 = make_job(102, 10000, 0.002, &last, NULL);
    gl_engine_submit(e, &j3);
    t0 = gl_now();
    gl_engine_free(e);
    double dt = gl_now() - t0;
    CHECK(dt < 0.2, "shutdown mid-computation takes %.3f s (limit 0.2)", dt);
    CHECK(atomic_load(&lt->done) == 1, "the interrupted trace is finished");
    CHECK(gl_trace_count(lt) < 10000, "and holds only the frames computed before the stop (%d)", gl_trace_count(lt));
    gl_trace_release(lt);
    int expect = BURST + 1 + 1 + 1 + 3;
    CHECK(atomic_load(&n_freed) == expect, "all arguments freed: %d of %d", atomic_load(&n_freed), expect);

    // 5. Many engines started and shut down at once (no job, pending job, running job).
    for (int r = 0; r < 20; r++) {
        gl_engine *x = gl_engine_new();
        if (r % 3 == 1) { gl_job j = make_job(r, 3, 0.0005, &last, NULL); gl_engine_submit(x, &j); }
        if (r % 3 == 2) { gl_job j = make_job(r, 100, 0.0005, &last, NULL); gl_engine_submit(x, &j); gl_job k = make_job(r, 1, 0, &last, NULL); gl_engine_submit(x, &k); }
        gl_engine_free(x);
    }
    CHECK(atomic_load(&n_freed) == expect + 7 + 12, "arguments freed after quick shutdowns: %d", atomic_load(&n_freed));
    TEST_MAIN_END();
}
