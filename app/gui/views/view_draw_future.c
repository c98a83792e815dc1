// view_draw_future: the DRAW view's 3x3 grid of possible futures (see view_draw_future.h).
#include "view_draw_future.h"
#include "fut_worker.h"
#include "gl_par.h"
#include "gl_util.h"
#include "view_draw_pen.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dv_fut {
    fut_worker w;
    // the worker's: its model (loaded from path, reloaded when the file changes) and futures
    gl_draw *m;
    gl_draw_futures *df;
    char mpath[1024];
    double mtime;
    // the GUI thread's: the last request
    char last_path[1024];
    uint64_t last_key;
    int last_steps, have_last;
};

typedef struct {
    dv_fut *f;
    gl_trace *out;
    char path[1024];
    uint64_t key, seed;
    int steps;
} dvf_job;

static void dvf_job_free(void *a) {
    dvf_job *j = a;
    gl_trace_release(j->out);
    free(j);
}

// The worker's model for path, loaded again when the file on disk changes.
static int dvf_model(dv_fut *f, const char *path) {
    double mt = gl_file_mtime(path);
    if (f->m && !strcmp(f->mpath, path) && mt == f->mtime) return 0;
    gl_draw_futures_free(f->df);
    gl_draw_free(f->m);
    f->df = NULL;
    f->m = gl_draw_load(path, 0);
    if (!f->m) return -1;
    f->df = gl_draw_futures_new(f->m);
    if (!f->df) { gl_draw_free(f->m); f->m = NULL; return -1; }
    snprintf(f->mpath, sizeof f->mpath, "%s", path);
    f->mtime = mt;
    return 0;
}

static int dvf_job_run(void *a, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    dvf_job *j = a;
    dv_fut *f = j->f;
    gl_par_lower_this_thread(5);   // the futures' worker yields to the window and the view's own runs
    if (dvf_model(f, j->path)) return -1;
    double t0 = gl_now();
    int T = gl_draw_cfg(f->m)->T, steps = j->steps < 0 ? 0 : j->steps > T ? T : j->steps;
    if (gl_draw_futures_follow(f->df, j->seed, steps)) return -1;
    dv_fut_set *s = gl_calloc(1, sizeof *s);
    // the futures' noise: a stream of their own per run (seed), the same at every step
    gl_draw_futures_opts o = { .n = DV_FUT_N, .scale = 1, .seed = j->seed * 2654435761u + 977, .cancel = cancel };
    int rc = gl_draw_futures_sample(f->df, &o, s->canvas);
    if (rc == 0) {
        s->seed = j->seed; s->key = j->key; s->steps = steps; s->T = T; s->n = DV_FUT_N;
        s->ms = (gl_now() - t0) * 1e3;
        gl_trace_push(j->out, s);
    }
    free(s);
    return rc;
}

dv_fut *dv_fut_new(void) {
    dv_fut *f = gl_calloc(1, sizeof *f);
    if (fut_worker_init(&f->w)) { free(f); return NULL; }
    return f;
}

void dv_fut_quit(dv_fut *f) {
    if (f) fut_worker_quit(&f->w);
}

void dv_fut_free(dv_fut *f) {
    if (!f) return;
    fut_worker_free(&f->w);   // no job runs after this
    gl_draw_futures_free(f->df);
    gl_draw_free(f->m);
    free(f);
}

int dv_fut_busy(dv_fut *f) { return f && fut_worker_busy(&f->w); }

int dv_fut_request(dv_fut *f, const char *path, uint64_t key, uint64_t seed, int steps) {
    if (!f) return 0;
    if (f->have_last && f->last_key == key && f->last_steps == steps && !strcmp(f->last_path, path)) return 0;
    if (!fut_worker_ready(&f->w)) return 0;
    dvf_job *j = gl_calloc(1, sizeof *j);
    j->f = f; j->key = key; j->seed = seed; j->steps = steps;
    snprintf(j->path, sizeof j->path, "%s", path);
    j->out = gl_trace_new(GL_TRACE_DRAW, sizeof(dv_fut_set), 1, NULL);
    gl_job job = { dvf_job_run, dvf_job_free, j, { NULL } };
    fut_worker_submit(&f->w, j->out, &job);
    snprintf(f->last_path, sizeof f->last_path, "%s", path);
    f->last_key = key; f->last_steps = steps; f->have_last = 1;
    return 1;
}

const dv_fut_set *dv_fut_poll(dv_fut *f) {
    if (!f) return NULL;
    fut_worker_poll(&f->w);
    return fut_worker_shown(&f->w);
}

void dv_fut_draw(gui_ctx *ui, gui_rect r, const dv_fut_set *s, int step_shown) {
    gui_rect_fill(ui, r, gui_col_panel);
    gui_clip(ui, r);
    int cs = (r.w - 2 * 4) / 3;
    if (cs > (r.h - 20 - 8) / 3) cs = (r.h - 20 - 8) / 3;
    if (!s) {
        gui_text(ui, r.x, r.y, GUI_FONT_SMALL, gui_col_dim, "possible futures: working...");
    } else {
        gui_textf(ui, r.x, r.y, GUI_FONT_SMALL, gui_col_dim, "possible futures from step %d%s", s->steps,
                  s->steps != step_shown ? " ..." : "");
        for (int i = 0; i < s->n && i < DV_FUT_N; i++) {
            gui_rect c = gui_r(r.x + (i % 3) * (cs + 4), r.y + 20 + (i / 3) * (cs + 4), cs, cs);
            dv_grey_image(ui, c, s->canvas + (size_t)i * GL_DRAW_D);
            gui_rect_frame(ui, c, gui_col_button);
        }
    }
    gui_clip_reset(ui);
}
