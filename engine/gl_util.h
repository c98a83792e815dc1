// gl_util: errors, memory, random numbers, time, files.
// Every engine function that can fail returns -1 (or NULL) and leaves a
// one-line message in gl_err(); the caller prints it.
#ifndef GL_UTIL_H
#define GL_UTIL_H
#include <stddef.h>
#include <stdint.h>

void gl_seterr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *gl_err(void);

void *gl_malloc(size_t n);   // aborts on out-of-memory
void *gl_calloc(size_t n, size_t size);
char *gl_strdup(const char *s);

// xoshiro-style 64-bit generator: reproducible streams from a seed.
typedef struct { uint64_t s[4]; int has_spare; float spare; } gl_rng;
void gl_rng_seed(gl_rng *r, uint64_t seed);
uint64_t gl_rng_u64(gl_rng *r);
float gl_rng_uniform(gl_rng *r);        // [0,1)
float gl_rng_normal(gl_rng *r);         // N(0,1)
uint32_t gl_rng_below(gl_rng *r, uint32_t n);
void gl_rng_shuffle(gl_rng *r, int *a, int n);

double gl_now(void);                    // monotonic seconds
double gl_cpu_now(void);                // this process's CPU seconds (all threads)
// The p-th percentile (0..100, nearest rank) of v[0..n); sorts v in place.
double gl_percentile(double *v, int n, double p);

// Whole-file I/O. Only regular files are read: a directory, a FIFO, a
// device or a socket is refused before it is opened (a FIFO would block the
// open), "PATH: is a named pipe (FIFO), not a regular file"; at most max bytes
// (gl_read_file: GL_READ_MAX); buf gets a 0 after the data.
#define GL_READ_MAX ((size_t)1 << 30)
int gl_read_file(const char *path, uint8_t **buf, size_t *n);
int gl_read_file_max(const char *path, uint8_t **buf, size_t *n, size_t max);
// gl_write_atomic writes TARGET.tmp.PID then renames it over TARGET, so a
// crash never leaves a half-written file (the temporary is removed on every
// failure; a killed write's is cleaned by the next write to the same name).
// TARGET is PATH, or the file a symbolic link at PATH names (the link stays).
// Anything there that is not a regular file (a device, a FIFO, a directory)
// is refused, never replaced. An existing file keeps its mode (less set-ID
// bits) and, where permitted, its owner; other hard links to it keep the
// old contents (the rename replaces this name only).
int gl_write_atomic(const char *path, const void *buf, size_t n);
// Removes PATH.tmp.PID files left by writes of processes that are gone
// (killed between the write and the rename). gl_write_atomic calls it.
void gl_clean_stale_tmp(const char *path);
// *out = a*b; -1 when the product does not fit in size_t.
int gl_mul_size(size_t a, size_t b, size_t *out);
// Running 64-bit hash of bytes (start with h = GL_HASH64_INIT).
#define GL_HASH64_INIT 0xcbf29ce484222325ull
uint64_t gl_hash64(uint64_t h, const void *data, size_t n);
int gl_file_exists(const char *path);
// The file's modification time in seconds (nanoseconds kept), -1 when it cannot be read: a cache of what the
// file holds is stale when this changes.
double gl_file_mtime(const char *path);
// mkdir -p: dir and every missing directory above it (0755). -1 with gl_err ("cannot create P: why").
int gl_mkdirs(const char *dir);

// Fill with uniform(-scale, scale).
void gl_fill_uniform(float *w, size_t n, float scale, gl_rng *r);
int gl_all_finite(const float *x, size_t n);
#endif
