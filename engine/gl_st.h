// gl_st: safetensors files (8-byte little-endian header size, JSON header,
// raw little-endian f32 data) and gl_params, the named trainable tensors of a
// model with their gradients and Adam moments.
#ifndef GL_ST_H
#define GL_ST_H
#include <stddef.h>
#include <stdint.h>

#define GL_META_MAX 64
typedef struct { int n; char *key[GL_META_MAX]; char *val[GL_META_MAX]; } gl_meta;
void gl_meta_set(gl_meta *m, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *gl_meta_get(const gl_meta *m, const char *key);   // NULL if absent
int gl_meta_int(const gl_meta *m, const char *key, int dflt);
double gl_meta_num(const gl_meta *m, const char *key, double dflt);
// Strict readers for model loaders: the whole value must be a number in
// [lo, hi]; otherwise -1 with gl_err naming the key ("steps: '10abc' ...").
int gl_meta_int_in(const gl_meta *m, const char *key, long lo, long hi, long *out);
int gl_meta_num_in(const gl_meta *m, const char *key, double lo, double hi, double *out);
void gl_meta_free(gl_meta *m);

typedef struct { char name[96]; int ndim; int64_t shape[4]; size_t n; float *data; } gl_st_tensor;
typedef struct { int n; gl_st_tensor *t; gl_meta meta; } gl_st_file;

// Loads and validates a whole file: header bounds, JSON, __metadata__ an
// object of strings, dtype F32 only, whole-number shapes and offsets whose
// products do not overflow, offsets matching the shape and together tiling
// the data section exactly (no overlap, no gap), every value finite, and -
// when the metadata holds the digest gl_st_save writes - metadata, header and
// data unchanged since saving (the digest itself is not put in meta).
#define GL_ST_HEADER_MAX (16 << 20)
int gl_st_load(const char *path, gl_st_file *out);
const gl_st_tensor *gl_st_find(const gl_st_file *f, const char *name);
void gl_st_free(gl_st_file *f);
// Writes atomically (temporary name, then rename), with a "digest" metadata
// entry over metadata, header and data (a "digest" in meta is replaced).
int gl_st_save(const char *path, const gl_st_tensor *ts, int n, const gl_meta *meta);

typedef struct {
    char name[64]; int ndim; int shape[4]; size_t n;
    float *w, *g, *m, *v;   // weights, gradient, Adam first and second moments
} gl_param;
typedef struct { gl_param *p; int n, cap; long step; } gl_params;

// Adds a zero-initialised parameter of shape (d0[,d1[,d2[,d3]]]); pass 0 for
// absent trailing dimensions. Returns the weight buffer.
float *gl_params_add(gl_params *ps, const char *name, int d0, int d1, int d2, int d3);
gl_param *gl_params_find(gl_params *ps, const char *name);
size_t gl_params_count(const gl_params *ps);
void gl_params_zero_grad(gl_params *ps);
float gl_params_grad_norm(const gl_params *ps);
float gl_params_clip(gl_params *ps, float max_norm);   // returns the norm before clipping
void gl_params_clip_each(gl_params *ps, float lim);    // clamp each derivative to [-lim, lim]
void gl_adam_step(gl_params *ps, float lr, float b1, float b2, float eps);
void gl_params_free(gl_params *ps);

// with_opt also saves/loads the Adam moments and step (a checkpoint).
int gl_params_save(const gl_params *ps, const char *path, const gl_meta *meta, int with_opt);
// Every parameter must be present with its shape and the file must hold no
// other tensor (a checkpoint's Adam moments are allowed without with_opt);
// meta (may be NULL) receives the file's metadata.
int gl_params_load(gl_params *ps, const char *path, gl_meta *meta, int with_opt);
#endif
