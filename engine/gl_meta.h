// gl_meta: the string key/value metadata of weights files and checkpoints
// (a safetensors file's __metadata__), with strict readers for loaders.
#ifndef GL_META_H
#define GL_META_H

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
// dst gets every key of src (added to, or replacing, what it holds).
void gl_meta_copy(gl_meta *dst, const gl_meta *src);
#endif
