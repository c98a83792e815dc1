#define _POSIX_C_SOURCE 200809L
#include "gl_util.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Thread_local char err_buf[512];

void gl_seterr(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_buf, sizeof err_buf, fmt, ap);
    va_end(ap);
}
const char *gl_err(void) { return err_buf[0] ? err_buf : "unknown error"; }

void *gl_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "glimpse: out of memory (%zu bytes)\n", n); abort(); }
    return p;
}
void *gl_calloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) { fprintf(stderr, "glimpse: out of memory\n"); abort(); }
    return p;
}
char *gl_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = gl_malloc(n);
    memcpy(d, s, n);
    return d;
}

static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
void gl_rng_seed(gl_rng *r, uint64_t seed) {
    for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed);
    r->has_spare = 0;
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
uint64_t gl_rng_u64(gl_rng *r) {
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return res;
}
float gl_rng_uniform(gl_rng *r) { return (float)((gl_rng_u64(r) >> 40) * (1.0 / 16777216.0)); }
float gl_rng_normal(gl_rng *r) {
    if (r->has_spare) { r->has_spare = 0; return r->spare; }
    double u, v, s;
    do {
        u = 2.0 * ((gl_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0)) - 1.0;
        v = 2.0 * ((gl_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0)) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double m = sqrt(-2.0 * log(s) / s);
    r->spare = (float)(v * m); r->has_spare = 1;
    return (float)(u * m);
}
uint32_t gl_rng_below(gl_rng *r, uint32_t n) { return (uint32_t)((gl_rng_u64(r) >> 32) % n); }
void gl_rng_shuffle(gl_rng *r, int *a, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)gl_rng_below(r, (uint32_t)(i + 1));
        int t = a[i]; a[i] = a[j]; a[j] = t;
    }
}

double gl_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int gl_read_file(const char *path, uint8_t **buf, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) { gl_seterr("%s: cannot open: %s", path, strerror(errno)); return -1; }
    if (fseek(f, 0, SEEK_END) != 0) { fclose(f); gl_seterr("%s: cannot seek", path); return -1; }
    long len = ftell(f);
    if (len < 0) { fclose(f); gl_seterr("%s: not a regular file", path); return -1; }
    rewind(f);
    uint8_t *b = gl_malloc((size_t)len + 1);
    if (fread(b, 1, (size_t)len, f) != (size_t)len) {
        fclose(f); free(b); gl_seterr("%s: read error", path); return -1;
    }
    fclose(f);
    b[len] = 0;
    *buf = b; *n = (size_t)len;
    return 0;
}

int gl_write_atomic(const char *path, const void *buf, size_t n) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) { gl_seterr("%s: cannot write: %s", path, strerror(errno)); return -1; }
    int ok = fwrite(buf, 1, n, f) == n;
    ok &= fflush(f) == 0;
    ok &= fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        gl_seterr("%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int gl_file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

void gl_fill_uniform(float *w, size_t n, float scale, gl_rng *r) {
    for (size_t i = 0; i < n; i++) w[i] = (2.0f * gl_rng_uniform(r) - 1.0f) * scale;
}
int gl_all_finite(const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) if (!isfinite(x[i])) return 0;
    return 1;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double gl_percentile(double *v, int n, double p) {
    if (n <= 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)ceil(p / 100.0 * n) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}
