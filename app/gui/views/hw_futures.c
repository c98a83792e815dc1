// hw_futures: possible futures for the handwriting views (see hw_futures.h).
#include "hw_futures.h"
#include "fut_worker.h"
#include "gl_par.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hw_fut {
    fut_worker w;
    const gl_hw_model *m;
    // the worker's: the futures object (for the text it was made with), the line it has read
    gl_hw_futures *hf;
    char text[2 * GL_HW_MAXU + 2];
    uint64_t fed_key;
    int base;                 // points of the primer read before the line's
    // the GUI thread's: the last request
    uint64_t last_key; int last_n; hw_fut_params last_p; int have_last;
};

typedef struct {
    hw_fut *f;
    gl_trace *out;
    uint64_t key, ver;
    char text[2 * GL_HW_MAXU + 2];
    float *prime; int nprime, prime_len;
    float *pts; int n;        // (n, 3) raw offsets of the line so far
    float x0, y0, scale;
    int tip_up;
    hw_fut_params p;
} fut_job;

static void fut_job_free(void *a) {
    fut_job *j = a;
    gl_trace_release(j->out);
    free(j->prime);
    free(j->pts);
    free(j);
}

// The worker's futures object for the job's text (made again when it changes).
static int fut_object(hw_fut *f, const fut_job *j) {
    if (f->hf && !strcmp(f->text, j->text)) return 0;
    gl_hw_futures_free(f->hf);
    f->hf = gl_hw_futures_new(f->m, j->text[0] ? j->text : NULL);
    snprintf(f->text, sizeof f->text, "%s", j->text);
    f->fed_key = 0;
    return f->hf ? 0 : -1;
}

static int fut_job_run(void *a, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    fut_job *j = a;
    hw_fut *f = j->f;
    gl_par_lower_this_thread(5);   // the futures' worker yields to the window and the view's own runs
    double t0 = gl_now();
    if (fut_object(f, j)) return -1;
    if (f->fed_key != j->key || gl_hw_futures_fed(f->hf) - f->base > j->n) {   // another line, or back along it
        if (j->nprime > 0) {
            if (gl_hw_futures_prime(f->hf, j->prime, j->nprime, j->prime_len)) return -1;
        } else gl_hw_futures_reset(f->hf);
        f->base = gl_hw_futures_fed(f->hf);
        f->fed_key = j->key;
    }
    for (int i = gl_hw_futures_fed(f->hf) - f->base; i < j->n; i += 32) {
        if (gl_job_cancelled(cancel)) return 1;
        int k = j->n - i < 32 ? j->n - i : 32;
        if (gl_hw_futures_feed(f->hf, j->pts + 3 * i, k)) return -1;
    }
    hw_fut_set *s = gl_calloc(1, sizeof *s);
    gl_hw_futures_opts o = { .n = j->p.n, .points = j->p.P, .bias = j->p.bias, .seed = j->p.seed, .cancel = cancel };
    int rc = gl_hw_futures_sample(f->hf, &o, s->pts, s->wpos);
    if (rc == 0) {
        for (int i = 0; i < j->p.n * j->p.P; i++) { s->pts[3 * i] *= j->scale; s->pts[3 * i + 1] *= j->scale; }
        s->key = j->key; s->ver = j->ver; s->fed = j->n; s->n = j->p.n; s->P = j->p.P;
        s->x0 = j->x0; s->y0 = j->y0;
        s->tip_up = j->tip_up;
        s->ms = (gl_now() - t0) * 1e3;
        gl_trace_push(j->out, s);
    }
    free(s);
    return rc;
}

hw_fut *hw_fut_new(const gl_hw_model *m) {
    hw_fut *f = gl_calloc(1, sizeof *f);
    f->m = m;
    if (fut_worker_init(&f->w)) { free(f); return NULL; }
    return f;
}

void hw_fut_quit(hw_fut *f) {
    if (f) fut_worker_quit(&f->w);
}

void hw_fut_free(hw_fut *f) {
    if (!f) return;
    fut_worker_free(&f->w);   // no job runs after this
    gl_hw_futures_free(f->hf);
    free(f);
}

int hw_fut_busy(hw_fut *f) { return f && fut_worker_busy(&f->w); }

void hw_fut_invalidate(hw_fut *f) { if (f) f->have_last = 0; }

int hw_fut_request_line(hw_fut *f, uint64_t key, uint64_t ver, const hw_fut_line *ln, const hw_fut_params *p) {
    if (!f || f->w.quitting || ln->n < 0 || p->n < 1 || p->P < 1) return 0;
    if (ln->text && strlen(ln->text) > 2 * GL_HW_MAXU) return 0;
    if (f->have_last && f->last_key == key && f->last_n == ln->n && !memcmp(&f->last_p, p, sizeof *p)) return 0;
    if (!fut_worker_ready(&f->w)) return 0;   // the worker is on an older state: this one waits
    fut_job *j = gl_calloc(1, sizeof *j);
    j->f = f; j->key = key; j->ver = ver; j->p = *p;
    if (j->p.n > GL_HW_FUTURES_MAX) j->p.n = GL_HW_FUTURES_MAX;
    if (j->p.P > HW_FUT_MAXP) j->p.P = HW_FUT_MAXP;
    snprintf(j->text, sizeof j->text, "%s", ln->text ? ln->text : "");
    if (ln->prime && ln->nprime > 0) {
        j->prime = gl_malloc(sizeof(float) * 3 * (size_t)ln->nprime);
        memcpy(j->prime, ln->prime, sizeof(float) * 3 * (size_t)ln->nprime);
        j->nprime = ln->nprime; j->prime_len = ln->prime_len;
    }
    j->n = ln->n;
    j->pts = gl_malloc(sizeof(float) * 3 * (size_t)(ln->n > 0 ? ln->n : 1));
    if (ln->n > 0) memcpy(j->pts, ln->pts, sizeof(float) * 3 * (size_t)ln->n);
    j->x0 = ln->x0; j->y0 = ln->y0; j->scale = ln->scale;
    j->tip_up = ln->tip_up >= 0 ? ln->tip_up : ln->n > 0 ? ln->pts[3 * (ln->n - 1) + 2] > 0.5f : 1;
    j->out = gl_trace_new(GL_TRACE_PREDICT, sizeof(hw_fut_set), 1, NULL);
    gl_job job = { fut_job_run, fut_job_free, j, { NULL } };
    fut_worker_submit(&f->w, j->out, &job);
    f->last_key = key; f->last_n = ln->n; f->last_p = *p; f->have_last = 1;
    return 1;
}

int hw_fut_request(hw_fut *f, uint64_t key, uint64_t ver, const float *x, const float *y, const uint8_t *up, int n,
                   float unit, const hw_fut_params *p) {
    if (!f || n < 1) return 0;
    // point 0 is where the line starts (the input (0, 0, 1)); points 1..n-1 are read as offsets
    float *pts = gl_malloc(sizeof(float) * 3 * (size_t)n);
    for (int i = 1; i < n; i++) {
        pts[3 * (i - 1)] = (x[i] - x[i - 1]) * unit;
        pts[3 * (i - 1) + 1] = (y[i] - y[i - 1]) * unit;
        pts[3 * (i - 1) + 2] = up[i] ? 1.0f : 0.0f;
    }
    hw_fut_line ln = { NULL, NULL, 0, 0, pts, n - 1, x[n - 1], y[n - 1], 1.0f / unit, up[n - 1] != 0 };
    int rc = hw_fut_request_line(f, key, ver, &ln, p);
    free(pts);
    return rc;
}

const hw_fut_set *hw_fut_poll(hw_fut *f) {
    if (!f) return NULL;
    if (fut_worker_poll(&f->w) < 0) f->have_last = 0;   // nothing to show: the same request may be asked again
    return fut_worker_shown(&f->w);
}

void hw_fut_draw(gui_ctx *ui, const hw_fut_set *s, hw_xform xf, float width, gui_color c) {
    if (!s) return;
    for (int r = 0; r < s->n; r++) {
        const float *p = s->pts + (size_t)r * s->P * 3;
        float x = s->x0, y = s->y0;
        int down = !s->tip_up;   // the first move leaves the pen as the line's last point left it
        for (int i = 0; i < s->P; i++) {
            float nx = x + p[3 * i], ny = y + p[3 * i + 1];
            if (down) gui_line(ui, xf.ox + xf.scale * x, xf.oy + xf.scale * y, xf.ox + xf.scale * nx,
                               xf.oy + xf.scale * ny, width, c);
            x = nx; y = ny;
            down = !(p[3 * i + 2] > 0.5f);
        }
    }
}

void hw_fut_draw_window(gui_ctx *ui, const hw_fut_set *s, float left, float cw, float y, gui_color c) {
    if (!s) return;
    for (int r = 0; r < s->n; r++) {
        float u = s->wpos[(size_t)r * s->P + s->P - 1];
        if (!isfinite(u)) continue;
        float x = left + (u - 1) * cw;
        gui_line(ui, x, y, x, y + 6, 1, c);
    }
}

void hw_fut_draw_window_at(gui_ctx *ui, const hw_fut_set *s, const float *xs, int n, float y, gui_color c) {
    if (!s || n < 1) return;
    for (int r = 0; r < s->n; r++) {
        float u = s->wpos[(size_t)r * s->P + s->P - 1] - 1;   // 0-based, fractional
        if (!isfinite(u)) continue;
        if (u < 0) u = 0;
        int k = (int)u;
        float x = k >= n ? xs[n] : xs[k] + (u - k) * (xs[k + 1] - xs[k]);
        gui_line(ui, x, y, x, y + 6, 1, c);
    }
}
