#include "gl_progress.h"
#include "gl_util.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void gl_progress_begin(gl_progress *p, const char *label, long total) {
    p->label = label; p->total = total > 0 ? total : 1; p->start = 0;
    p->t0 = gl_now(); p->last = 0;
    p->tty = isatty(2);
    p->quiet = getenv("GLIMPSE_QUIET") != NULL;
}

void gl_progress_resume_at(gl_progress *p, long done) {
    p->start = done > 0 && done < p->total ? done : 0;
}

static void fmt_time(char *s, size_t n, double t) {
    long x = (long)(t + 0.5);
    if (x >= 3600) snprintf(s, n, "%ldh%02ldm", x / 3600, (x / 60) % 60);
    else snprintf(s, n, "%ld:%02ld", x / 60, x % 60);
}

void gl_progress_update(gl_progress *p, long done, const char *fmt, ...) {
    double now = gl_now();
    int final = done >= p->total;
    if (p->quiet) return;
    if (!final && now - p->last < (p->tty ? 0.1 : 5.0)) return;
    p->last = now;
    char status[256] = "";
    if (fmt) { va_list ap; va_start(ap, fmt); vsnprintf(status, sizeof status, fmt, ap); va_end(ap); }
    double el = now - p->t0, frac = (double)done / p->total;
    char e1[32], e2[32];
    fmt_time(e1, sizeof e1, el);
    long run = done - p->start;
    fmt_time(e2, sizeof e2, run > 0 ? el * (double)(p->total - done) / run : 0);
    char bar[31];
    int w = (int)(frac * 30);
    for (int i = 0; i < 30; i++) bar[i] = i < w ? '#' : '-';
    bar[30] = 0;
    fprintf(stderr, "%s%s [%s] %3.0f%% %ld/%ld %s  %s<%s%s", p->tty ? "\r\033[K" : "", p->label, bar,
            100 * frac, done, p->total, status, e1, e2, p->tty ? "" : "\n");
    fflush(stderr);
}

void gl_progress_end(gl_progress *p) {
    if (!p->quiet && p->tty) fputc('\n', stderr);
}
