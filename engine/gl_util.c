#define _POSIX_C_SOURCE 200809L
#include "gl_util.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Thread_local char err_buf[512];

// Formats into a scratch buffer first: callers often pass gl_err() itself as
// an argument ("%s: %s", path, gl_err()), and vsnprintf into the buffer it is
// reading from would overwrite the reason before it is copied.
void gl_seterr(const char *fmt, ...) {
    char tmp[sizeof err_buf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    memcpy(err_buf, tmp, sizeof err_buf);
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

double gl_cpu_now(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)) return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int gl_read_file(const char *path, uint8_t **buf, size_t *n) { return gl_read_file_max(path, buf, n, GL_READ_MAX); }

int gl_read_file_max(const char *path, uint8_t **buf, size_t *n, size_t max) {
    // fstat on the open descriptor: ftell on a directory or a pipe reports
    // nonsense (LONG_MAX on some systems), and what we read must be what we sized.
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { gl_seterr("%s: cannot open: %s", path, strerror(errno)); return -1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { gl_seterr("%s: cannot stat: %s", path, strerror(errno)); close(fd); return -1; }
    if (S_ISDIR(st.st_mode)) { gl_seterr("%s: is a directory, not a file", path); close(fd); return -1; }
    if (!S_ISREG(st.st_mode)) { gl_seterr("%s: not a regular file", path); close(fd); return -1; }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        gl_seterr("%s: too large (%lld bytes; the limit is %zu)", path, (long long)st.st_size, max);
        close(fd); return -1;
    }
    size_t len = (size_t)st.st_size, got = 0;
    uint8_t *b = gl_malloc(len + 1);
    while (got < len) {
        ssize_t r = read(fd, b + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { free(b); close(fd); gl_seterr("%s: read error%s", path, r < 0 ? "" : " (file shrank while reading)"); return -1; }
        got += (size_t)r;
    }
    close(fd);
    b[len] = 0;
    *buf = b; *n = len;
    return 0;
}

// PATH.tmp.PID of a process that no longer exists can only be the remains
// of a write that was killed before its rename.
void gl_clean_stale_tmp(const char *path) {
    char dir[4096], base[1024];
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t dl = (size_t)(slash - path);
        if (dl >= sizeof dir) return;
        memcpy(dir, path, dl); dir[dl] = 0;
        if (dl == 0) snprintf(dir, sizeof dir, "/");
    } else snprintf(dir, sizeof dir, ".");
    const char *name = slash ? slash + 1 : path;
    if (snprintf(base, sizeof base, "%s.tmp.", name) >= (int)sizeof base) return;
    size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, base, bl)) continue;
        const char *ps = de->d_name + bl;
        char *end;
        errno = 0;
        long pid = strtol(ps, &end, 10);
        if (*ps < '0' || *ps > '9' || *end || errno || pid <= 0 || pid > INT32_MAX) continue;
        if (pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;   // alive (or not ours to judge)
        char full[4096 + 1024 + 2];
        snprintf(full, sizeof full, "%s/%s", dir, de->d_name);
        unlink(full);
    }
    closedir(d);
}

int gl_write_atomic(const char *path, const void *buf, size_t n) {
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) { gl_seterr("%s: path too long", path); return -1; }
    gl_clean_stale_tmp(path);
    FILE *f = fopen(tmp, "wb");
    if (!f) { gl_seterr("%s: cannot write: %s", path, strerror(errno)); return -1; }
    // GLIMPSE_WRITE_PAUSE_MS (tests only): pause with half the file written,
    // so a crash test can kill the process inside a write for certain.
    static int pause_ms = -1;
    if (pause_ms < 0) { const char *e = getenv("GLIMPSE_WRITE_PAUSE_MS"); pause_ms = e ? atoi(e) : 0; }
    size_t half = pause_ms > 0 ? n / 2 : n;
    int ok = fwrite(buf, 1, half, f) == half;
    if (pause_ms > 0) {
        fflush(f);
        struct timespec ts = { pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        ok &= fwrite((const uint8_t *)buf + half, 1, n - half, f) == n - half;
    }
    ok &= fflush(f) == 0;
    ok &= fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        gl_seterr("%s: write failed: %s", path, strerror(e));
        return -1;
    }
    // the rename itself is durable only once the directory is synced
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) { snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path); }
    else snprintf(dir, sizeof dir, "%s", slash ? "/" : ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) { fsync(dfd); close(dfd); }
    return 0;
}

int gl_mul_size(size_t a, size_t b, size_t *out) {
    if (a && b > SIZE_MAX / a) return -1;
    *out = a * b;
    return 0;
}

// 64-bit FNV-1a over 8-byte words (then the tail bytes): fast enough for
// every load of a 15 MB file, and any edit of the covered bytes changes it.
uint64_t gl_hash64(uint64_t h, const void *data, size_t n) {
    const uint8_t *p = data;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w; memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; n; n--, p++) h = (h ^ *p) * 0x100000001b3ull;
    return h;
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
