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

// What a path holds, in the words of the messages that refuse it.
static const char *kind_name(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a named pipe (FIFO)";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

// 0 for a regular file; else -1 with one message for every other kind:
// "PATH: is a directory, not a regular file" (a FIFO, a device, a socket).
static int refuse_not_regular(const char *path, mode_t m) {
    if (S_ISREG(m)) return 0;
    const char *k = kind_name(m);
    if (k[0] == 'a') gl_seterr("%s: is %s, not a regular file", path, k);
    else gl_seterr("%s: %s", path, k);
    return -1;
}

int gl_read_file_max(const char *path, uint8_t **buf, size_t *n, size_t max) {
    // stat before open: opening a FIFO for reading blocks until something
    // writes to it (forever, for a weights file given by mistake), and opening
    // a device can act on it (a tape rewinds, a terminal becomes ours).
    struct stat st;
    if (stat(path, &st) != 0) { gl_seterr("%s: cannot open: %s", path, strerror(errno)); return -1; }
    if (refuse_not_regular(path, st.st_mode)) return -1;
    // O_NONBLOCK: should the path become a FIFO between the stat and the open,
    // the open returns at once and the fstat below refuses it. fstat on the
    // open descriptor: what we read must be what we sized.
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) { gl_seterr("%s: cannot open: %s", path, strerror(errno)); return -1; }
    if (fstat(fd, &st) != 0) { gl_seterr("%s: cannot stat: %s", path, strerror(errno)); close(fd); return -1; }
    if (refuse_not_regular(path, st.st_mode)) { close(fd); return -1; }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        gl_seterr("%s: too large (%lld bytes; the limit is %zu)", path, (long long)st.st_size, max);
        close(fd); return -1;
    }
    size_t len = (size_t)st.st_size, got = 0;
    uint8_t *b = gl_malloc(len + 1);
    while (got < len) {
        ssize_t r = read(fd, b + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            free(b);
            close(fd);
            gl_seterr("%s: read error%s", path, r < 0 ? "" : " (file shrank while reading)");
            return -1;
        }
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

// Where a write to PATH lands. A symbolic link is written through, to the
// file it names (followed link by link, a relative target read against its
// link's directory), the way the shell's > and cp treat it: the link is often
// how a person keeps an output where they want it (assets/ linked to a
// training directory), and replacing the link with a regular file would
// silently split the two. The temporary file is made beside the target, so
// the final rename stays within one file system.
static int write_target(const char *path, char *out, size_t n, struct stat *st, int *exists) {
    if (snprintf(out, n, "%s", path) >= (int)n) { gl_seterr("%s: path too long", path); return -1; }
    for (int hops = 0;; hops++) {
        if (lstat(out, st) != 0) {
            if (errno == ENOENT) { *exists = 0; return 0; }
            gl_seterr("%s: cannot write: %s", path, strerror(errno));
            return -1;
        }
        if (!S_ISLNK(st->st_mode)) break;
        if (hops == 40) { gl_seterr("%s: cannot write: %s", path, strerror(ELOOP)); return -1; }
        char link[4096];
        ssize_t len = readlink(out, link, sizeof link - 1);
        if (len < 0 || len == (ssize_t)sizeof link - 1) {
            gl_seterr("%s: cannot read the link %s", path, out);
            return -1;
        }
        link[len] = 0;
        const char *slash = strrchr(out, '/');
        char next[4096];
        int w = link[0] == '/' || !slash ? snprintf(next, sizeof next, "%s", link)
                                         : snprintf(next, sizeof next, "%.*s/%s", (int)(slash - out), out, link);
        if (w >= (int)sizeof next || w >= (int)n) { gl_seterr("%s: path too long", path); return -1; }
        memcpy(out, next, (size_t)w + 1);
    }
    *exists = 1;
    if (S_ISREG(st->st_mode)) return 0;
    // a device node, a FIFO, a directory, a socket: the rename would replace
    // it (as root, -o /dev/null would leave a regular file where the device was)
    const char *k = kind_name(st->st_mode);
    if (strcmp(out, path)) gl_seterr("%s: names %s (%s), not a regular file: not replaced", path, out, k);
    else gl_seterr("%s: is %s, not a regular file: not replaced", path, k);
    return -1;
}

// write(2) all of buf, through interruptions and short writes.
static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { if (w == 0) errno = EIO; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

int gl_write_atomic(const char *path, const void *buf, size_t n) {
    char target[4096], tmp[4200];
    struct stat st;
    int exists;
    if (write_target(path, target, sizeof target, &st, &exists)) return -1;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", target, (int)getpid()) >= (int)sizeof tmp) {
        gl_seterr("%s: path too long", path);
        return -1;
    }
    gl_clean_stale_tmp(target);
    // O_EXCL | O_NOFOLLOW: in a shared directory (/tmp) a link planted at the
    // temporary name must not redirect the write. A file of that name can only
    // be left by a dead process that had our PID (the cleaning spares our own).
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) { gl_seterr("%s: cannot write: %s", path, strerror(errno)); return -1; }
    int ok = 1, e = 0;
    if (exists) {
        // The replacement keeps the file's owner and group where we may (root,
        // or a group of ours; otherwise it becomes ours) and its permissions,
        // so a 0600 file stays private; set-user-ID and set-group-ID bits are
        // not carried onto new contents. Other hard links to the old file keep
        // the old contents: the rename replaces this name only, the price of
        // never leaving a half-written file.
        if ((st.st_uid != geteuid() || st.st_gid != getegid()) && fchown(fd, st.st_uid, st.st_gid) != 0
            && fchown(fd, (uid_t)-1, st.st_gid) != 0) { /* stays ours, with our group */ }
        if (fchmod(fd, st.st_mode & 0777) != 0) { ok = 0; e = errno; }
    }
    // GLIMPSE_WRITE_PAUSE_MS (tests only): pause with half the file written,
    // so a crash test can kill the process inside a write for certain.
    static int pause_ms = -1;
    if (pause_ms < 0) { const char *env = getenv("GLIMPSE_WRITE_PAUSE_MS"); pause_ms = env ? atoi(env) : 0; }
    size_t half = pause_ms > 0 ? n / 2 : n;
    if (ok && write_all(fd, buf, half) != 0) { ok = 0; e = errno; }
    if (ok && pause_ms > 0) {
        struct timespec ts = { pause_ms / 1000, (long)(pause_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        if (write_all(fd, (const uint8_t *)buf + half, n - half) != 0) { ok = 0; e = errno; }
    }
    if (ok && fsync(fd) != 0) { ok = 0; e = errno; }
    if (close(fd) != 0 && ok) { ok = 0; e = errno; }
    if (ok && rename(tmp, target) != 0) { ok = 0; e = errno; }
    if (!ok) {
        unlink(tmp);
        gl_seterr("%s: write failed: %s", path, strerror(e));
        return -1;
    }
    // the rename itself is durable only once the directory is synced
    char dir[4096];
    const char *slash = strrchr(target, '/');
    if (slash && slash != target) snprintf(dir, sizeof dir, "%.*s", (int)(slash - target), target);
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

double gl_file_mtime(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_mtim.tv_sec + 1e-9 * (double)st.st_mtim.tv_nsec : -1;
}

int gl_mkdirs(const char *dir) {
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s) continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            gl_seterr("cannot create %s: %s", p, strerror(errno));
            return -1;
        }
        *s = c;
        if (!c) return 0;
    }
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
