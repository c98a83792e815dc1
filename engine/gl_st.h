// gl_st: safetensors files (8-byte little-endian header size, JSON header,
// raw little-endian f32 data) with their metadata (gl_meta.h).
#ifndef GL_ST_H
#define GL_ST_H
#include "gl_meta.h"
#include <stddef.h>
#include <stdint.h>

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
#endif
