// gl_params: the named trainable tensors of a model with their gradients and
// Adam moments, saved to and loaded from safetensors files (gl_st.h).
#ifndef GL_PARAMS_H
#define GL_PARAMS_H
#include "gl_st.h"

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
