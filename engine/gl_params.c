#include "gl_params.h"
#include "gl_util.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float *gl_params_add(gl_params *ps, const char *name, int d0, int d1, int d2, int d3) {
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 16;
        ps->p = realloc(ps->p, (size_t)ps->cap * sizeof(gl_param));
    }
    gl_param *p = &ps->p[ps->n++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    int dims[4] = { d0, d1, d2, d3 };
    p->n = 1;
    for (int i = 0; i < 4 && dims[i] > 0; i++) { p->shape[i] = dims[i]; p->ndim++; p->n *= (size_t)dims[i]; }
    p->w = gl_calloc(p->n, sizeof(float));
    p->g = gl_calloc(p->n, sizeof(float));
    p->m = gl_calloc(p->n, sizeof(float));
    p->v = gl_calloc(p->n, sizeof(float));
    return p->w;
}
gl_param *gl_params_find(gl_params *ps, const char *name) {
    for (int i = 0; i < ps->n; i++) if (!strcmp(ps->p[i].name, name)) return &ps->p[i];
    return NULL;
}
size_t gl_params_count(const gl_params *ps) {
    size_t n = 0;
    for (int i = 0; i < ps->n; i++) n += ps->p[i].n;
    return n;
}
void gl_params_zero_grad(gl_params *ps) {
    for (int i = 0; i < ps->n; i++) memset(ps->p[i].g, 0, ps->p[i].n * sizeof(float));
}
float gl_params_grad_norm(const gl_params *ps) {
    double s = 0;
    for (int i = 0; i < ps->n; i++)
        for (size_t k = 0; k < ps->p[i].n; k++) s += (double)ps->p[i].g[k] * ps->p[i].g[k];
    return (float)sqrt(s);
}
float gl_params_clip(gl_params *ps, float max_norm) {
    float norm = gl_params_grad_norm(ps);
    if (norm > max_norm && norm > 0) {
        float s = max_norm / norm;
        for (int i = 0; i < ps->n; i++)
            for (size_t k = 0; k < ps->p[i].n; k++) ps->p[i].g[k] *= s;
    }
    return norm;
}
void gl_params_clip_each(gl_params *ps, float lim) {
    for (int i = 0; i < ps->n; i++)
        for (size_t k = 0; k < ps->p[i].n; k++) {
            float *g = &ps->p[i].g[k];
            if (*g > lim) *g = lim; else if (*g < -lim) *g = -lim;
        }
}
void gl_adam_step(gl_params *ps, float lr, float b1, float b2, float eps) {
    ps->step++;
    double c1 = 1.0 - pow(b1, (double)ps->step), c2 = 1.0 - pow(b2, (double)ps->step);
    float a = (float)(lr * sqrt(c2) / c1);
    for (int i = 0; i < ps->n; i++) {
        gl_param *p = &ps->p[i];
        for (size_t k = 0; k < p->n; k++) {
            float g = p->g[k];
            p->m[k] = b1 * p->m[k] + (1 - b1) * g;
            p->v[k] = b2 * p->v[k] + (1 - b2) * g * g;
            p->w[k] -= a * p->m[k] / (sqrtf(p->v[k]) + eps);
        }
    }
}
void gl_params_free(gl_params *ps) {
    for (int i = 0; i < ps->n; i++) { free(ps->p[i].w); free(ps->p[i].g); free(ps->p[i].m); free(ps->p[i].v); }
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

static void fill_tensor(gl_st_tensor *t, const gl_param *p, const char *prefix, float *data) {
    snprintf(t->name, sizeof t->name, "%s%s", prefix, p->name);
    t->ndim = p->ndim;
    for (int d = 0; d < p->ndim; d++) t->shape[d] = p->shape[d];
    t->n = p->n;
    t->data = data;
}

int gl_params_save(const gl_params *ps, const char *path, const gl_meta *meta, int with_opt) {
    int nt = ps->n * (with_opt ? 3 : 1);
    gl_st_tensor *ts = gl_calloc((size_t)nt, sizeof *ts);
    for (int i = 0; i < ps->n; i++) {
        fill_tensor(&ts[i], &ps->p[i], "", ps->p[i].w);
        if (with_opt) {
            fill_tensor(&ts[ps->n + i], &ps->p[i], "adam.m.", ps->p[i].m);
            fill_tensor(&ts[2 * ps->n + i], &ps->p[i], "adam.v.", ps->p[i].v);
        }
    }
    gl_meta m = {0};
    if (meta) for (int i = 0; i < meta->n; i++) gl_meta_set(&m, meta->key[i], "%s", meta->val[i]);
    if (with_opt) gl_meta_set(&m, "adam_step", "%ld", ps->step);
    int rc = gl_st_save(path, ts, nt, &m);
    gl_meta_free(&m);
    free(ts);
    return rc;
}

static int load_into(const gl_st_file *f, const char *path, const gl_param *p, const char *prefix, float *dst) {
    char name[128];
    snprintf(name, sizeof name, "%s%s", prefix, p->name);
    const gl_st_tensor *t = gl_st_find(f, name);
    if (!t) { gl_seterr("%s: missing tensor '%s'", path, name); return -1; }
    int ok = t->ndim == p->ndim;
    for (int d = 0; ok && d < p->ndim; d++) ok = t->shape[d] == p->shape[d];
    if (!ok) {
        char want[64] = "", got[64] = "";
        for (int d = 0; d < p->ndim; d++)
            snprintf(want + strlen(want), sizeof want - strlen(want), d ? ",%d" : "%d", p->shape[d]);
        for (int d = 0; d < t->ndim; d++)
            snprintf(got + strlen(got), sizeof got - strlen(got), d ? ",%lld" : "%lld", (long long)t->shape[d]);
        gl_seterr("%s: tensor '%s' has shape [%s], expected [%s]", path, name, got, want);
        return -1;
    }
    if (dst) memcpy(dst, t->data, p->n * sizeof(float));
    return 0;
}

// Is t one of ps's tensors (or, in a checkpoint, their Adam moments)?
static int known_tensor(const gl_params *ps, const char *name) {
    if (!strncmp(name, "adam.m.", 7) || !strncmp(name, "adam.v.", 7)) name += 7;
    for (int i = 0; i < ps->n; i++) if (!strcmp(ps->p[i].name, name)) return 1;
    return 0;
}

int gl_params_load(gl_params *ps, const char *path, gl_meta *meta, int with_opt) {
    gl_st_file f;
    if (gl_st_load(path, &f) != 0) return -1;
    int rc = 0;
    long step = 0;
    if (with_opt && gl_meta_int_in(&f.meta, "adam_step", 0, LONG_MAX, &step)) {
        gl_seterr("%s: %s", path, gl_err());
        rc = -1;
    }
    // Two passes: check everything first so a bad file leaves the model untouched.
    for (int pass = 0; pass < 2 && !rc; pass++) {
        for (int i = 0; i < f.n && !rc && pass == 1; i++)
            if (!known_tensor(ps, f.t[i].name)) {
                gl_seterr("%s: tensor '%s' is not part of this model", path, f.t[i].name);
                rc = -1;
            }
        for (int i = 0; i < ps->n && !rc; i++) {
            gl_param *p = &ps->p[i];
            rc = load_into(&f, path, p, "", pass ? p->w : NULL);
            if (!rc && with_opt) rc = load_into(&f, path, p, "adam.m.", pass ? p->m : NULL);
            if (!rc && with_opt) rc = load_into(&f, path, p, "adam.v.", pass ? p->v : NULL);
        }
    }
    if (!rc && with_opt) ps->step = step;
    if (!rc && meta) for (int i = 0; i < f.meta.n; i++) gl_meta_set(meta, f.meta.key[i], "%s", f.meta.val[i]);
    gl_st_free(&f);
    return rc;
}
