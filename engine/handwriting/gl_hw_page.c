// gl_hw_page: a text of several lines written as one page in one hand.
// The text is word-wrapped to lines of at most `width` characters; each
// line is written primed (§5.5) with the last words (points and text) of the
// line written before it -- the first with the chosen style, or unprimed -- so the page
// keeps one hand; a line that does not end on its own is written again with
// another seed. The lines are then set one under another, at one scale, for
// SVG (millimetres, one path per stroke) and PNG output (gl_hw_sample.c).
#include "gl_hw.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gl_hw_wrapped_free(char **lines, int n) {
    for (int i = 0; i < n; i++) free(lines[i]);
    free(lines);
}

static void push_line(char ***lines, int *n, int *cap, const char *s, size_t len) {
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *lines = realloc(*lines, sizeof(char *) * (size_t)*cap);
    }
    char *t = gl_malloc(len + 1);
    memcpy(t, s, len);
    t[len] = 0;
    (*lines)[(*n)++] = t;
}

// Greedy wrapping, one input line (paragraph) at a time: words (runs of
// non-spaces) are joined by one space while the line stays within width.
int gl_hw_wrap(const gl_hw_cfg *cfg, const char *text, int width, char ***out, int *nout) {
    *out = NULL;
    *nout = 0;
    if (width < 2) {
        gl_seterr("page: the line width must be at least 2 characters");
        return -1;
    }
    int hyphen = gl_hw_char_index(cfg, '-') >= 0;
    char **lines = NULL, *cur = gl_malloc((size_t)width + 2);
    int n = 0, cap = 0, lineno = 1;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        size_t len = 0;   // of cur
        const char *q = p;
        int any = 0;
        while (q < eol) {
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
            if (q >= eol) break;
            const char *w = q;
            while (q < eol && *q != ' ' && *q != '\t' && *q != '\r') q++;
            size_t wl = (size_t)(q - w);
            any = 1;
            if (len && len + 1 + wl <= (size_t)width) {
                cur[len++] = ' ';
                memcpy(cur + len, w, wl);
                len += wl;
                continue;
            }
            if (len) {
                push_line(&lines, &n, &cap, cur, len);
                len = 0;
            }
            while (wl > (size_t)width) {   // a word longer than a line
                if (!hyphen) {
                    gl_seterr("page: line %d: the word \"%.*s\" is longer than a line (%zu characters, --width %d) and "
                              "the "
                              "model cannot write a hyphen to break it",
                              lineno, (int)(wl > 40 ? 40 : wl), w, wl, width);
                    free(cur);
                    gl_hw_wrapped_free(lines, n);
                    return -1;
                }
                memcpy(cur, w, (size_t)width - 1);
                cur[width - 1] = '-';
                push_line(&lines, &n, &cap, cur, (size_t)width);
                w += width - 1;
                wl -= (size_t)(width - 1);
            }
            memcpy(cur, w, wl);
            len = wl;
        }
        if (len) push_line(&lines, &n, &cap, cur, len);
        if (!any) push_line(&lines, &n, &cap, "", 0);   // a blank line: a gap on the page
        p = *eol ? eol + 1 : eol;
        lineno++;
    }
    // blank lines at the start and end of the text are no part of the page
    while (n > 0 && !lines[n - 1][0]) free(lines[--n]);
    int lead = 0;
    while (lead < n && !lines[lead][0]) free(lines[lead++]);
    if (lead) memmove(lines, lines + lead, sizeof(char *) * (size_t)(n - lead));
    n -= lead;
    free(cur);
    if (n == 0) {
        free(lines);
        gl_seterr("page: the text is empty");
        return -1;
    }
    *out = lines;
    *nout = n;
    return 0;
}

void gl_hw_page_free(gl_hw_page *pg) {
    for (int i = 0; i < pg->n; i++) {
        free(pg->text[i]);
        gl_hw_result_free(&pg->line[i]);
        if (pg->prime) { free(pg->prime[i].pts); free(pg->prime[i].text); }
    }
    free(pg->text);
    free(pg->line);
    free(pg->prime);
    free(pg->tries);
    free(pg->why);
    free(pg->done);
    free(pg->seed);
    memset(pg, 0, sizeof *pg);
}

// The primer a line leaves the next: its last words, from the first word
// after which at least `chars` characters remain (the whole line when it is
// shorter), with their points -- from the first stroke begun once the
// window's peak reached the space before that word (the pen jumped over
// it). r was written with the text from `from` on being `text` (before it,
// its own primer's). The line's points are not copied.
static void line_tail(const gl_hw_result *r, int from, const char *text, int chars, gl_hw_line *out) {
    int len = (int)strlen(text), sp = -1;
    for (int j = len - 1 - chars; j > 0; j--)
        if (text[j] == ' ') {
            sp = j;
            break;
        }
    out->n = r->n;
    out->pts = r->pts;
    out->text = (char *)text;
    if (sp < 0) return;
    int t = gl_hw_step_onto(r, from + sp);
    while (t < r->n && t > 0 && !(r->pts[3 * (t - 1) + 2] > 0.5f)) t++;
    if (t <= 0 || t >= r->n - 1) return;
    out->n = r->n - t;
    out->pts = r->pts + 3 * t;
    out->text = (char *)text + sp + 1;
}

int gl_hw_page_write(gl_hw_model *m, char **lines, int nlines, const gl_hw_page_opts *o, gl_hw_page *pg) {
    memset(pg, 0, sizeof *pg);
    if (m->cfg.K <= 0) {
        gl_seterr("page: a page needs a synthesis network");
        return -1;
    }
    int tries = o->tries > 0 ? o->tries : GL_HW_PAGE_TRIES;
    pg->n = nlines;
    pg->text = gl_calloc((size_t)nlines, sizeof(char *));
    pg->line = gl_calloc((size_t)nlines, sizeof(gl_hw_result));
    pg->tries = gl_calloc((size_t)nlines, sizeof(int));
    pg->done = gl_calloc((size_t)nlines, sizeof(int));
    pg->seed = gl_calloc((size_t)nlines, sizeof(uint64_t));
    pg->why = gl_calloc((size_t)nlines, sizeof(int));
    pg->prime = gl_calloc((size_t)nlines, sizeof(gl_hw_line));
    for (int i = 0; i < nlines; i++) pg->text[i] = gl_strdup(lines[i]);
    // primer of the line at hand: the last line written, else the style
    gl_hw_line prev = { 0 };
    const gl_hw_line *prime = o->prime;
    const char *prime_text = o->prime ? o->prime_text : NULL;
    for (int i = 0; i < nlines; i++) {
        const char *t = lines[i];
        if (!t[0]) continue;   // a gap
        size_t need = strlen(t) + (prime ? strlen(prime_text) + 1 : 0);
        if (need > GL_HW_MAXU) {   // a long primer text: the line is written unprimed rather than not at all
            prime = NULL;
            prime_text = NULL;
            if (strlen(t) > GL_HW_MAXU) {
                gl_seterr("page: line %d is over %d characters", i + 1, GL_HW_MAXU);
                gl_hw_page_free(pg);
                return -1;
            }
        }
        int from = prime ? (int)strlen(prime_text) + 1 : 0;
        gl_hw_result best = { 0 };
        int got = 0, best_k = -1, best_why = GL_HW_NOT_ENDED;
        for (int k = 0; k <= tries && !got; k++) {
            int kk = k;
            if (k == tries) {   // none whole: the least bad try is written once more (its seed: the same line), so
                if (best_k == tries - 1 || !o->line_trace) break;   // that the line's last trace is the one kept
                kk = best_k;
            }
            gl_hw_sample_opts so = { 0 };
            so.bias = o->bias;
            so.weights = o->weights;
            so.cancel = o->cancel;
            so.max_steps = o->max_steps;
            so.seed = o->seed + (uint64_t)i + (uint64_t)kk * GL_HW_PAGE_RESEED;
            so.prime = prime;
            so.prime_text = prime_text;
            gl_hw_result r;
            gl_trace *tr = o->line_trace ? o->line_trace(o->line_user, i, kk, t, &so) : NULL;
            int rc = gl_hw_sample(m, t, &so, &r, tr);
            if (rc < 0) {
                gl_hw_result_free(&best);
                gl_hw_page_free(pg);
                return -1;
            }
            if (rc == 1) {
                gl_hw_result_free(&r);
                gl_hw_result_free(&best);
                gl_hw_page_free(pg);
                return 1;
            }
            int why = gl_hw_line_verdict(&r, t);
            got = why == GL_HW_WHOLE;
            if (k < tries) pg->tries[i] = k + 1;
            if (k == tries || best_k < 0 || why < best_why) {
                gl_hw_result_free(&best);
                best = r;
                best_k = kk;
                best_why = why;
            } else {
                gl_hw_result_free(&r);
            }
        }
        pg->why[i] = best_why;
        pg->seed[i] = o->seed + (uint64_t)i + (uint64_t)best_k * GL_HW_PAGE_RESEED;
        pg->line[i] = best;
        pg->done[i] = got;
        if (prime) {   // a copy of the primer it was written after (the next line's primer points into this one)
            gl_hw_line *cp = &pg->prime[i];
            cp->n = prime->n;
            cp->pts = gl_malloc(sizeof(float) * 3 * (size_t)(prime->n > 0 ? prime->n : 1));
            memcpy(cp->pts, prime->pts, sizeof(float) * 3 * (size_t)prime->n);
            cp->text = gl_strdup(prime_text);
        }
        if (!got) pg->failed++;
        else if (pg->tries[i] > 1) pg->retried++;
        // the next line is primed with this one when it is whole (a line that ran on or lost its place would pass
        // that on)
        if (got) {
            line_tail(&best, from, pg->text[i], o->prime_chars > 0 ? o->prime_chars : GL_HW_PAGE_PRIME_CHARS, &prev);
            prime = &prev;
            prime_text = prev.text;
        }
    }
    return 0;
}

// ---------------------------------------------------------------- layout
static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// The q-quantile of v[0..n) (sorted in place).
static float quantile(float *v, int n, float q) {
    if (n <= 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_float);
    float pos = q * (float)(n - 1);
    int i = (int)pos;
    return i + 1 < n ? v[i] + (pos - (float)i) * (v[i + 1] - v[i]) : v[n - 1];
}

float gl_hw_core_height(const float *pts, int n) {
    if (n < 2) return 0;
    float *ys = gl_malloc(sizeof(float) * (size_t)n), y = 0;
    for (int i = 0; i < n; i++) {
        y += pts[3 * i + 1];
        ys[i] = y;
    }
    float lo = quantile(ys, n, 0.1f), hi = quantile(ys, n, 0.9f);
    free(ys);
    return hi - lo;
}

float gl_hw_mm_per_unit(const float *pts, int n) {
    float h = gl_hw_core_height(pts, n);
    return h > 1e-6f ? GL_HW_CORE_MM / h : 1.0f;
}

// Lines one under another, left-aligned: each line's median height (half
// its points above, half below: the middle of its letters, whatever its
// ascenders and descenders) on its row; rows GL_HW_PITCH core heights apart
// (the median core height of the page's lines), a gap line one row.
float *gl_hw_page_points(const gl_hw_page *pg, int *total, float *mm_per_unit) {
    int tot = 0, nl = 0;
    for (int i = 0; i < pg->n; i++) {
        tot += pg->line[i].n;
        nl += pg->line[i].n > 0;
    }
    float *core = gl_malloc(sizeof(float) * (size_t)(nl + 1));
    int k = 0;
    for (int i = 0; i < pg->n; i++)
        if (pg->line[i].n > 0) core[k++] = gl_hw_core_height(pg->line[i].pts, pg->line[i].n);
    float ch = quantile(core, k, 0.5f);
    if (!(ch > 1e-6f)) ch = 1;
    free(core);
    *mm_per_unit = GL_HW_CORE_MM / ch;
    float pitch = GL_HW_PITCH * ch;
    float *pts = gl_malloc(sizeof(float) * 3 * (size_t)(tot + 1));
    int o = 0;
    float px = 0, py = 0;
    for (int i = 0; i < pg->n; i++) {
        const gl_hw_result *r = &pg->line[i];
        if (r->n <= 0) continue;
        float x0, y0, x1, y1;
        gl_hw_bbox(r->pts, r->n, &x0, &y0, &x1, &y1);
        float *ys = gl_malloc(sizeof(float) * (size_t)r->n), x = 0, y = 0;
        for (int t = 0; t < r->n; t++) {
            y += r->pts[3 * t + 1];
            ys[t] = y;
        }
        float mid = quantile(ys, r->n, 0.5f);
        free(ys);
        float row = (float)i * pitch;
        y = 0;
        for (int t = 0; t < r->n; t++) {
            x += r->pts[3 * t];
            y += r->pts[3 * t + 1];
            float ax = x - x0, ay = y - mid + row;
            pts[3 * o] = ax - px;
            pts[3 * o + 1] = ay - py;
            pts[3 * o + 2] = t == r->n - 1 ? 1 : r->pts[3 * t + 2];
            px = ax;
            py = ay;
            o++;
        }
    }
    *total = o;
    return pts;
}
