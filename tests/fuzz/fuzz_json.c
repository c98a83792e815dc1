// The JSON reader (safetensors headers, style files) on its own, and the
// writer round trip: what parses must serialise to something that parses.
#include "fuzz_util.h"
#include "gl_json.h"
#include "gl_util.h"
#include <string.h>

static void reserialise(const gl_json *j, gl_buf *b) {
    switch (j->type) {
    case GL_JNULL: gl_buf_put(b, "null", 4); break;
    case GL_JBOOL: gl_buf_put(b, j->num ? "true" : "false", j->num ? 4 : 5); break;
    case GL_JNUM: { float v = (float)j->num; gl_buf_floats(b, &v, 1); break; }
    case GL_JSTR: gl_buf_str(b, j->str); break;
    case GL_JARR: case GL_JOBJ:
        gl_buf_put(b, j->type == GL_JARR ? "[" : "{", 1);
        for (int i = 0; i < j->n; i++) {
            if (i) gl_buf_put(b, ",", 1);
            if (j->type == GL_JOBJ) { gl_buf_str(b, j->kids[i].key); gl_buf_put(b, ":", 1); }
            reserialise(&j->kids[i], b);
        }
        gl_buf_put(b, j->type == GL_JARR ? "]" : "}", 1);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gl_json *j = gl_json_parse((const char *)data, size);
    if (!j) return 0;
    gl_buf b = {0};
    reserialise(j, &b);
    gl_json *k = gl_json_parse(b.s, b.len);
    if (!k) { fprintf(stderr, "re-serialised JSON does not parse: %s\n%s\n", gl_err(), b.s); abort(); }
    gl_json_free(k);
    gl_buf_free(&b);
    gl_json_free(j);
    return 0;
}
