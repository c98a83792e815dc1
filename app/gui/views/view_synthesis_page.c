// view_synthesis_page: the page job and the page as the Synthesis view holds it (see view_synthesis_page.h).
#include "view_synthesis_page.h"
#include "gl_util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct syn_feed {
    atomic_int refs;
    atomic_int done;           // the job is over (finished, cancelled, failed or dropped unrun)
    int n;
    char **text;
    pthread_mutex_t mu;        // guards what follows
    gl_trace **tr;             // the newest try of each line (the feed's reference)
    int *tries;
    char **full;
    int failed, retried;
};

static void feed_release(syn_feed *f) {
    if (!f || atomic_fetch_sub(&f->refs, 1) != 1) return;
    for (int i = 0; i < f->n; i++) {
        gl_trace_release(f->tr[i]);
        free(f->full[i]);
        free(f->text[i]);
    }
    free(f->tr);
    free(f->tries);
    free(f->full);
    free(f->text);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

// ---- engine side ------------------------------------------------------------------------
typedef struct {
    syn_feed *f;
    gl_hw_model *m;
    float *prime; int nprime; char *prime_text;
    float bias;
    uint64_t seed;
} page_job;

// gl_hw_page_opts.line_trace: a new trace for this try of the line, which becomes the line's.
static gl_trace *line_trace(void *user, int line, int attempt, const char *text, const gl_hw_sample_opts *so) {
    page_job *j = user;
    syn_feed *f = j->f;
    gl_trace *t = gl_hw_trace_new(j->m, text, so);
    size_t n = strlen(text) + (so->prime_text ? strlen(so->prime_text) + 2 : 1);
    char *full = gl_malloc(n);
    snprintf(full, n, "%s%s%s", so->prime_text ? so->prime_text : "", so->prime_text ? " " : "", text);
    pthread_mutex_lock(&f->mu);
    gl_trace *old = f->tr[line];
    f->tr[line] = t;
    f->tries[line] = attempt + 1;
    free(f->full[line]);
    f->full[line] = full;
    pthread_mutex_unlock(&f->mu);
    gl_trace_release(old);
    return t;
}

static int page_run(void *p, gl_trace **traces, const atomic_int *cancel) {
    (void)traces;
    page_job *j = p;
    gl_hw_page_opts o = { 0 };
    o.bias = j->bias;
    o.seed = j->seed;
    o.cancel = (atomic_int *)cancel;   // only read
    o.line_trace = line_trace;
    o.line_user = j;
    gl_hw_corpus pc = { 0 };
    if (j->nprime > 0) {
        gl_hw_corpus_add(&pc, j->prime, j->nprime, j->prime_text, 0);
        o.prime = &pc.lines[0];
        o.prime_text = j->prime_text;
    }
    gl_hw_page pg;
    int rc = gl_hw_page_write(j->m, j->f->text, j->f->n, &o, &pg);
    if (rc == 0) {
        pthread_mutex_lock(&j->f->mu);
        j->f->failed = pg.failed;
        j->f->retried = pg.retried;
        pthread_mutex_unlock(&j->f->mu);
        gl_hw_page_free(&pg);
    }
    gl_hw_corpus_free(&pc);
    return rc;
}

static void page_job_free(void *p) {
    page_job *j = p;
    atomic_store(&j->f->done, 1);
    feed_release(j->f);
    free(j->prime);
    free(j->prime_text);
    free(j);
}

syn_feed *syn_page_submit(gl_engine *e, gl_hw_model *m, char **lines, int n, const syn_page_opts *o) {
    syn_feed *f = gl_calloc(1, sizeof *f);
    atomic_init(&f->refs, 2);   // the job's and the caller's
    atomic_init(&f->done, 0);
    pthread_mutex_init(&f->mu, NULL);
    f->n = n;
    f->text = gl_calloc((size_t)n, sizeof(char *));
    f->tr = gl_calloc((size_t)n, sizeof(gl_trace *));
    f->tries = gl_calloc((size_t)n, sizeof(int));
    f->full = gl_calloc((size_t)n, sizeof(char *));
    for (int i = 0; i < n; i++) f->text[i] = gl_strdup(lines[i]);
    page_job *j = gl_calloc(1, sizeof *j);
    j->f = f;
    j->m = m;
    j->bias = o->bias;
    j->seed = o->seed;
    if (o->prime && o->nprime > 0 && o->prime_text) {
        j->prime = gl_malloc(sizeof(float) * 3 * (size_t)o->nprime);
        memcpy(j->prime, o->prime, sizeof(float) * 3 * (size_t)o->nprime);
        j->nprime = o->nprime;
        j->prime_text = gl_strdup(o->prime_text);
    }
    gl_job job = { page_run, page_job_free, j, { NULL } };
    gl_engine_submit(e, &job);
    return f;
}

// ---- the view's side ----------------------------------------------------------------------
void syn_page_init(syn_page *pg, syn_feed *f) {
    memset(pg, 0, sizeof *pg);
    pg->feed = f;
    if (!f) return;
    pg->n = f->n;
    pg->text = f->text;   // never changed after submit
    pg->line = gl_calloc((size_t)(f->n > 0 ? f->n : 1), sizeof(syn_line));
    pg->start = gl_calloc((size_t)f->n + 1, sizeof(int));
}

static void line_clear(syn_line *l) {
    gl_trace_release(l->tr);
    free(l->x);
    free(l->y);
    free(l->up);
    free(l->full);
    memset(l, 0, sizeof *l);
}

void syn_page_free(syn_page *pg) {
    if (!pg->feed) return;
    for (int i = 0; i < pg->n; i++) line_clear(&pg->line[i]);
    free(pg->line);
    free(pg->start);
    feed_release(pg->feed);
    memset(pg, 0, sizeof *pg);
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// Copies the frames of line l published since the last look.
static int line_take(syn_line *l) {
    int n = l->tr ? gl_trace_count(l->tr) : 0;
    if (n <= l->count) return 0;
    if (n > l->cap) {
        l->cap = n + 256;
        l->x = realloc(l->x, sizeof(float) * (size_t)l->cap);
        l->y = realloc(l->y, sizeof(float) * (size_t)l->cap);
        l->up = realloc(l->up, (size_t)l->cap);
        if (!l->x || !l->y || !l->up) abort();
    }
    for (int i = l->count; i < n; i++) {
        const gl_hw_frame *fr = gl_trace_frame(l->tr, i);
        l->x[i] = fr->x;
        l->y[i] = fr->y;
        l->up[i] = (uint8_t)fr->eos;
        if (i == 0 || fr->x < l->x0) l->x0 = fr->x;
        if (i == 0 || fr->x > l->x1) l->x1 = fr->x;
    }
    l->count = n;
    // the middle of the letters: half the points above, half below
    float *ys = gl_malloc(sizeof(float) * (size_t)n);
    memcpy(ys, l->y, sizeof(float) * (size_t)n);
    qsort(ys, (size_t)n, sizeof *ys, cmp_float);
    l->mid = ys[n / 2];
    free(ys);
    return 1;
}

int syn_page_update(syn_page *pg) {
    syn_feed *f = pg->feed;
    if (!f) return 0;
    int over = atomic_load(&f->done), changed = 0;   // read first: every line's trace is set before it
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < pg->n; i++) {
        syn_line *l = &pg->line[i];
        if (f->tr[i] == l->tr) continue;
        line_clear(l);   // a new try of the line takes the old one's place
        l->tr = f->tr[i];
        gl_trace_retain(l->tr);
        l->tries = f->tries[i];
        l->full = gl_strdup(f->full[i]);
        l->U = ((const gl_hw_trace_header *)l->tr->header)->U;
        changed = 1;
    }
    if (over) {
        pg->failed = f->failed;
        pg->retried = f->retried;
    }
    pthread_mutex_unlock(&f->mu);
    int all = 1;
    pg->total = 0;
    for (int i = 0; i < pg->n; i++) {
        syn_line *l = &pg->line[i];
        changed |= line_take(l);
        if (l->tr && !atomic_load(&l->tr->done)) all = 0;
        pg->start[i] = pg->total;
        pg->total += l->count;
    }
    pg->start[pg->n] = pg->total;
    int done = over && all;
    changed |= done != pg->done;
    pg->done = done;
    return changed;
}

int syn_page_line_of(const syn_page *pg, int step) {
    int best = -1;
    for (int i = 0; i < pg->n; i++)
        if (pg->line[i].count > 0) {
            if (best < 0 || pg->start[i] <= step) best = i;
            if (pg->start[i] > step) break;
        }
    return best;
}

float *syn_page_points(const syn_page *pg, int *n, float *mm_per_unit) {
    *n = 0;
    if (pg->total <= 0) return NULL;
    gl_hw_page hp = { 0 };
    hp.n = pg->n;
    hp.line = gl_calloc((size_t)pg->n, sizeof(gl_hw_result));
    for (int i = 0; i < pg->n; i++) {
        const syn_line *l = &pg->line[i];
        hp.line[i].n = l->count;
        hp.line[i].pts = gl_malloc(sizeof(float) * 3 * (size_t)(l->count + 1));
        for (int t = 0; t < l->count; t++) {
            const gl_hw_frame *fr = gl_trace_frame(l->tr, t);
            hp.line[i].pts[3 * t] = fr->dx;
            hp.line[i].pts[3 * t + 1] = fr->dy;
            hp.line[i].pts[3 * t + 2] = (float)fr->eos;
        }
    }
    float *pts = gl_hw_page_points(&hp, n, mm_per_unit);
    for (int i = 0; i < pg->n; i++) free(hp.line[i].pts);
    free(hp.line);
    return pts;
}
