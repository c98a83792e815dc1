#include "gl_meta.h"
#include "gl_util.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gl_meta_copy(gl_meta *dst, const gl_meta *src) {
    for (int i = 0; i < src->n; i++) gl_meta_set(dst, src->key[i], "%s", src->val[i]);
}

void gl_meta_set(gl_meta *m, const char *key, const char *fmt, ...) {
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->key[i], key)) { free(m->val[i]); m->val[i] = gl_strdup(tmp); return; }
    if (m->n == GL_META_MAX) return;
    m->key[m->n] = gl_strdup(key);
    m->val[m->n] = gl_strdup(tmp);
    m->n++;
}
const char *gl_meta_get(const gl_meta *m, const char *key) {
    for (int i = 0; i < m->n; i++) if (!strcmp(m->key[i], key)) return m->val[i];
    return NULL;
}
int gl_meta_int(const gl_meta *m, const char *key, int dflt) {
    const char *v = gl_meta_get(m, key);
    return v ? atoi(v) : dflt;
}
double gl_meta_num(const gl_meta *m, const char *key, double dflt) {
    const char *v = gl_meta_get(m, key);
    return v ? atof(v) : dflt;
}
int gl_meta_int_in(const gl_meta *m, const char *key, long lo, long hi, long *out) {
    const char *v = gl_meta_get(m, key);
    if (!v) { gl_seterr("metadata '%s' is missing", key); return -1; }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        gl_seterr("metadata '%s' is '%.40s', not an integer in [%ld, %ld]", key, v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}
int gl_meta_num_in(const gl_meta *m, const char *key, double lo, double hi, double *out) {
    const char *v = gl_meta_get(m, key);
    if (!v) { gl_seterr("metadata '%s' is missing", key); return -1; }
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi)) {
        gl_seterr("metadata '%s' is '%.40s', not a number in [%g, %g]", key, v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}
void gl_meta_free(gl_meta *m) {
    for (int i = 0; i < m->n; i++) { free(m->key[i]); free(m->val[i]); }
    m->n = 0;
}
