#include "gl_json.h"
#include "gl_util.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *p, *end; int depth; } parser;

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')) ps->p++;
}

static int parse_value(parser *ps, gl_json *out);

static char *parse_string(parser *ps) {
    if (ps->p >= ps->end || *ps->p != '"') { gl_seterr("JSON: expected string"); return NULL; }
    ps->p++;
    size_t cap = 16, n = 0;
    char *s = gl_malloc(cap);
    while (ps->p < ps->end && *ps->p != '"') {
        char c = *ps->p++;
        if (c == '\\') {
            if (ps->p >= ps->end) break;
            char e = *ps->p++;
            switch (e) {
            case 'n': c = '\n'; break; case 't': c = '\t'; break; case 'r': c = '\r'; break;
            case 'b': c = '\b'; break; case 'f': c = '\f'; break;
            case 'u': {
                if (ps->end - ps->p < 4) { free(s); gl_seterr("JSON: bad \\u escape"); return NULL; }
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    char h = *ps->p++;
                    v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
                }
                // encode as UTF-8 (BMP only)
                char tmp[3]; int k = 0;
                if (v < 0x80) tmp[k++] = (char)v;
                else if (v < 0x800) { tmp[k++] = (char)(0xC0 | (v >> 6)); tmp[k++] = (char)(0x80 | (v & 63));
                } else {
                    tmp[k++] = (char)(0xE0 | (v >> 12));
                    tmp[k++] = (char)(0x80 | ((v >> 6) & 63));
                    tmp[k++] = (char)(0x80 | (v & 63));
                }
                for (int i = 0; i < k; i++) {
                    if (n + 2 > cap) s = realloc(s, cap *= 2);
                    s[n++] = tmp[i];
                }
                continue;
            }
            default: c = e;
            }
        }
        if (n + 2 > cap) s = realloc(s, cap *= 2);
        s[n++] = c;
    }
    if (ps->p >= ps->end) { free(s); gl_seterr("JSON: unterminated string"); return NULL; }
    ps->p++;
    s[n] = 0;
    return s;
}

static int parse_container(parser *ps, gl_json *out, int is_obj) {
    char close = is_obj ? '}' : ']';
    ps->p++;
    out->type = is_obj ? GL_JOBJ : GL_JARR;
    int cap = 0;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return 0; }
    for (;;) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            out->kids = realloc(out->kids, (size_t)cap * sizeof(gl_json));
        }
        gl_json *kid = &out->kids[out->n];
        memset(kid, 0, sizeof *kid);
        out->n++;
        skip_ws(ps);
        if (is_obj) {
            kid->key = parse_string(ps);
            if (!kid->key) return -1;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') { gl_seterr("JSON: expected ':'"); return -1; }
            ps->p++;
        }
        if (parse_value(ps, kid) != 0) return -1;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == close) { ps->p++; return 0; }
        gl_seterr("JSON: expected ',' or '%c'", close);
        return -1;
    }
}

static int parse_value(parser *ps, gl_json *out) {
    skip_ws(ps);
    if (ps->p >= ps->end) { gl_seterr("JSON: unexpected end"); return -1; }
    if (++ps->depth > 64) { gl_seterr("JSON: nested too deeply"); return -1; }
    int rc = 0;
    char c = *ps->p;
    if (c == '{' || c == '[') rc = parse_container(ps, out, c == '{');
    else if (c == '"') { out->type = GL_JSTR; out->str = parse_string(ps); rc = out->str ? 0 : -1; }
    else if (ps->end - ps->p >= 4 && !strncmp(ps->p, "true", 4)) { out->type = GL_JBOOL; out->num = 1; ps->p += 4; }
    else if (ps->end - ps->p >= 5 && !strncmp(ps->p, "false", 5)) { out->type = GL_JBOOL; ps->p += 5; }
    else if (ps->end - ps->p >= 4 && !strncmp(ps->p, "null", 4)) { out->type = GL_JNULL; ps->p += 4; }
    else if (c == '-' || (c >= '0' && c <= '9')) {
        char tmp[64]; size_t k = 0;
        while (ps->p < ps->end && k < 63 && strchr("+-.eE0123456789", *ps->p)) tmp[k++] = *ps->p++;
        tmp[k] = 0;
        char *endp;
        out->type = GL_JNUM;
        out->num = strtod(tmp, &endp);
        if (*endp) { gl_seterr("JSON: bad number '%s'", tmp); rc = -1; }
    } else { gl_seterr("JSON: unexpected character '%c'", c); rc = -1; }
    ps->depth--;
    return rc;
}

static void free_kids(gl_json *j) {
    for (int i = 0; i < j->n; i++) free_kids(&j->kids[i]);
    free(j->kids); free(j->str); free(j->key);
}

gl_json *gl_json_parse(const char *text, size_t len) {
    parser ps = { text, text + len, 0 };
    gl_json *j = gl_calloc(1, sizeof *j);
    if (parse_value(&ps, j) != 0) { gl_json_free(j); return NULL; }
    skip_ws(&ps);
    if (ps.p != ps.end) { gl_json_free(j); gl_seterr("JSON: trailing characters"); return NULL; }
    return j;
}
void gl_json_free(gl_json *j) { if (j) { free_kids(j); free(j); } }
const gl_json *gl_json_get(const gl_json *obj, const char *key) {
    if (!obj || obj->type != GL_JOBJ) return NULL;
    for (int i = 0; i < obj->n; i++) if (!strcmp(obj->kids[i].key, key)) return &obj->kids[i];
    return NULL;
}

void gl_buf_put(gl_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
void gl_buf_printf(gl_buf *b, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < (int)sizeof tmp) { gl_buf_put(b, tmp, (size_t)n); return; }
    char *big = gl_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    gl_buf_put(b, big, (size_t)n);
    free(big);
}
void gl_buf_str(gl_buf *b, const char *s) {
    gl_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { char e[2] = { '\\', (char)c }; gl_buf_put(b, e, 2); }
        else if (c < 0x20) gl_buf_printf(b, "\\u%04x", c);
        else gl_buf_put(b, (const char *)&c, 1);
    }
    gl_buf_put(b, "\"", 1);
}
void gl_buf_floats(gl_buf *b, const float *x, int n) {
    gl_buf_put(b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (isfinite(x[i])) gl_buf_printf(b, i ? ",%.6g" : "%.6g", (double)x[i]);
        else gl_buf_printf(b, i ? ",null" : "null");
    }
    gl_buf_put(b, "]", 1);
}
void gl_buf_free(gl_buf *b) { free(b->s); b->s = NULL; b->len = b->cap = 0; }
