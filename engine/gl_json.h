// gl_json: a small JSON reader (for safetensors headers, scripts, tests) and
// a growable string buffer for writing JSON and SVG.
#ifndef GL_JSON_H
#define GL_JSON_H
#include <stddef.h>

typedef enum { GL_JNULL, GL_JBOOL, GL_JNUM, GL_JSTR, GL_JARR, GL_JOBJ } gl_jtype;
typedef struct gl_json {
    gl_jtype type;
    double num;            // GL_JNUM, GL_JBOOL (0/1)
    char *str;             // GL_JSTR
    char *key;             // set when this value is an object member
    int n;                 // children count (array / object)
    struct gl_json *kids;  // children
} gl_json;

// Parses text[0..len). Returns NULL (with gl_err) on malformed input.
gl_json *gl_json_parse(const char *text, size_t len);
void gl_json_free(gl_json *j);
const gl_json *gl_json_get(const gl_json *obj, const char *key);  // NULL if absent

typedef struct { char *s; size_t len, cap; } gl_buf;
void gl_buf_printf(gl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gl_buf_put(gl_buf *b, const char *s, size_t n);
void gl_buf_str(gl_buf *b, const char *s);   // JSON-quoted string
void gl_buf_floats(gl_buf *b, const float *x, int n);  // JSON array, compact
void gl_buf_free(gl_buf *b);
#endif
