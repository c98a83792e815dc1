#include "gl_st.h"
#include "gl_json.h"
#include "gl_util.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rd_u64le(const uint8_t *b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}

// A JSON number that is a whole number in [0, hi] (offsets and dimensions:
// 1.5 or 1e300 must not be truncated into something that loads).
static int json_whole(const gl_json *v, double hi, uint64_t *out) {
    if (!v || v->type != GL_JNUM || !(v->num >= 0) || v->num > hi || v->num != floor(v->num)) return -1;
    *out = (uint64_t)v->num;
    return 0;
}

typedef struct { uint64_t b0, b1; int i; } st_span;
static int cmp_span(const void *a, const void *b) {
    const st_span *x = a, *y = b;
    if (x->b0 != y->b0) return x->b0 < y->b0 ? -1 : 1;
    return (x->b1 > y->b1) - (x->b1 < y->b1);
}

// The digest a file of glimpse's carries in its metadata: metadata, tensor
// names, shapes and offsets (in header order) and the data bytes. A header
// edited by hand (say DRAW's "steps", which no tensor shape records) no
// longer matches it.
static uint64_t hash_str(uint64_t h, const char *s) { return gl_hash64(h, s, strlen(s) + 1); }
static uint64_t hash_u64(uint64_t h, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    return gl_hash64(h, b, 8);
}
#define DIGEST_KEY "digest"

int gl_st_load(const char *path, gl_st_file *out) {
    memset(out, 0, sizeof *out);
    uint8_t *buf; size_t len;
    if (gl_read_file(path, &buf, &len) != 0) return -1;
    int rc = -1;
    gl_json *j = NULL;
    st_span *spans = NULL;
    if (len < 8) { gl_seterr("%s: truncated safetensors file (%zu bytes)", path, len); goto done; }
    uint64_t hlen = rd_u64le(buf);
    if (hlen > len - 8) {
        gl_seterr("%s: truncated safetensors file (header says %llu bytes, file has %zu)", path,
                  (unsigned long long)hlen, len - 8);
        goto done;
    }
    if (hlen > GL_ST_HEADER_MAX) {
        gl_seterr("%s: safetensors header of %llu bytes (the limit is %d)", path, (unsigned long long)hlen,
                  GL_ST_HEADER_MAX);
        goto done;
    }
    j = gl_json_parse((const char *)buf + 8, hlen);
    if (!j) { gl_seterr("%s: bad safetensors header: %s", path, gl_err()); goto done; }
    if (j->type != GL_JOBJ) { gl_seterr("%s: bad safetensors header: not a JSON object", path); goto done; }
    const uint8_t *data = buf + 8 + hlen;
    size_t dlen = len - 8 - hlen;
    out->t = gl_calloc((size_t)j->n + 1, sizeof(gl_st_tensor));
    spans = gl_calloc((size_t)j->n + 1, sizeof *spans);
    uint64_t h = GL_HASH64_INIT;
    const char *digest = NULL;
    int nmeta = 0;
    for (int i = 0; i < j->n; i++) {
        const gl_json *e = &j->kids[i];
        if (!strcmp(e->key, "__metadata__")) {
            if (nmeta++) { gl_seterr("%s: two __metadata__ entries", path); goto done; }
            if (e->type != GL_JOBJ) { gl_seterr("%s: __metadata__ is not an object of strings", path); goto done; }
            for (int k = 0; k < e->n; k++) {
                const gl_json *v = &e->kids[k];
                if (v->type != GL_JSTR) { gl_seterr("%s: metadata '%s' is not a string", path, v->key); goto done; }
                if (!strcmp(v->key, DIGEST_KEY)) { digest = v->str; continue; }
                if (gl_meta_get(&out->meta, v->key)) {
                    gl_seterr("%s: metadata '%s' given twice", path, v->key);
                    goto done;
                }
                if (out->meta.n == GL_META_MAX) {
                    gl_seterr("%s: more than %d metadata entries", path, GL_META_MAX);
                    goto done;
                }
                gl_meta_set(&out->meta, v->key, "%s", v->str);
                h = hash_str(hash_str(h, v->key), v->str);
            }
            continue;
        }
        const gl_json *dt = gl_json_get(e, "dtype"), *sh = gl_json_get(e, "shape"),
                      *of = gl_json_get(e, "data_offsets");
        if (!dt || dt->type != GL_JSTR || !sh || sh->type != GL_JARR || !of || of->type != GL_JARR || of->n != 2) {
            gl_seterr("%s: tensor '%s' has a malformed header entry", path, e->key); goto done;
        }
        if (strcmp(dt->str, "F32")) {
            gl_seterr("%s: tensor '%s' has unsupported dtype %s (only F32)", path, e->key, dt->str);
            goto done;
        }
        if (sh->n > 4) { gl_seterr("%s: tensor '%s' has %d dimensions (at most 4)", path, e->key, sh->n); goto done; }
        gl_st_tensor *t = &out->t[out->n];
        if (strlen(e->key) >= sizeof t->name) {
            gl_seterr("%s: tensor name '%.40s...' is too long", path, e->key);
            goto done;
        }
        if (gl_st_find(out, e->key)) { gl_seterr("%s: tensor '%s' given twice", path, e->key); goto done; }
        snprintf(t->name, sizeof t->name, "%s", e->key);
        t->ndim = sh->n;
        size_t n = 1;
        h = hash_u64(hash_str(h, t->name), (uint64_t)t->ndim);
        for (int d = 0; d < sh->n; d++) {
            uint64_t dim;
            if (json_whole(&sh->kids[d], 2147483647.0, &dim) || gl_mul_size(n, (size_t)dim, &n)) {
                gl_seterr("%s: tensor '%s' has a bad shape", path, e->key);
                goto done;
            }
            t->shape[d] = (int64_t)dim;
            h = hash_u64(h, dim);
        }
        size_t bytes;
        uint64_t b0, b1;
        if (gl_mul_size(n, sizeof(float), &bytes)) {
            gl_seterr("%s: tensor '%s' has a bad shape", path, e->key);
            goto done;
        }
        if (json_whole(&of->kids[0], 9007199254740992.0, &b0) || json_whole(&of->kids[1], 9007199254740992.0, &b1)) {
            gl_seterr("%s: tensor '%s' has data_offsets that are not whole numbers >= 0", path, e->key); goto done;
        }
        if (b1 < b0 || b1 > dlen) {
            gl_seterr("%s: tensor '%s' lies outside the file (truncated?)", path, e->key);
            goto done;
        }
        if (b1 - b0 != bytes) {
            gl_seterr("%s: tensor '%s' has %llu bytes for %zu values", path, e->key, (unsigned long long)(b1 - b0), n);
            goto done;
        }
        h = hash_u64(hash_u64(h, b0), b1);
        spans[out->n] = (st_span){ b0, b1, out->n };
        t->n = n;
        t->data = gl_malloc(bytes);
        memcpy(t->data, data + b0, bytes);   // little-endian host assumed (x86/arm)
        out->n++;
        if (!gl_all_finite(t->data, t->n)) {
            gl_seterr("%s: tensor '%s' contains NaN or Inf", path, e->key);
            goto done;
        }
    }
    // The data section is exactly the tensors, back to back: no overlaps
    // (two names for the same bytes), no gaps (bytes nobody reads).
    qsort(spans, (size_t)out->n, sizeof *spans, cmp_span);
    uint64_t at = 0;
    for (int i = 0; i < out->n; i++) {
        if (spans[i].b0 < at) {
            gl_seterr("%s: tensor '%s' overlaps another tensor's bytes", path, out->t[spans[i].i].name);
            goto done;
        }
        if (spans[i].b0 > at) {
            gl_seterr("%s: %llu bytes before tensor '%s' belong to no tensor", path,
                      (unsigned long long)(spans[i].b0 - at), out->t[spans[i].i].name);
            goto done;
        }
        at = spans[i].b1;
    }
    if (at != dlen) {
        gl_seterr("%s: %llu bytes at the end belong to no tensor", path, (unsigned long long)(dlen - at));
        goto done;
    }
    if (digest) {
        char want[32];
        snprintf(want, sizeof want, "%016llx", (unsigned long long)gl_hash64(h, data, dlen));
        if (strcmp(digest, want)) {
            gl_seterr("%s: the file does not match its digest (edited or corrupt)", path);
            goto done;
        }
    }
    rc = 0;
done:
    free(spans);
    gl_json_free(j);
    free(buf);
    if (rc) gl_st_free(out);
    return rc;
}

const gl_st_tensor *gl_st_find(const gl_st_file *f, const char *name) {
    for (int i = 0; i < f->n; i++) if (!strcmp(f->t[i].name, name)) return &f->t[i];
    return NULL;
}
void gl_st_free(gl_st_file *f) {
    for (int i = 0; i < f->n; i++) free(f->t[i].data);
    free(f->t);
    gl_meta_free(&f->meta);
    memset(f, 0, sizeof *f);
}

int gl_st_save(const char *path, const gl_st_tensor *ts, int n, const gl_meta *meta) {
    gl_buf h = {0};
    uint64_t hh = GL_HASH64_INIT;
    gl_buf_put(&h, "{", 1);
    gl_buf_str(&h, "__metadata__");
    gl_buf_put(&h, ":{", 2);
    for (int i = 0; meta && i < meta->n; i++) {
        if (!strcmp(meta->key[i], DIGEST_KEY)) continue;   // a loaded file's: recomputed below
        gl_buf_str(&h, meta->key[i]); gl_buf_put(&h, ":", 1); gl_buf_str(&h, meta->val[i]);
        gl_buf_put(&h, ",", 1);
        hh = hash_str(hash_str(hh, meta->key[i]), meta->val[i]);
    }
    size_t off = 0;
    gl_buf tens = {0};
    for (int i = 0; i < n; i++) {
        gl_buf_put(&tens, ",", 1);
        gl_buf_str(&tens, ts[i].name);
        gl_buf_printf(&tens, ":{\"dtype\":\"F32\",\"shape\":[");
        hh = hash_u64(hash_str(hh, ts[i].name), (uint64_t)ts[i].ndim);
        for (int d = 0; d < ts[i].ndim; d++) {
            gl_buf_printf(&tens, d ? ",%lld" : "%lld", (long long)ts[i].shape[d]);
            hh = hash_u64(hh, (uint64_t)ts[i].shape[d]);
        }
        gl_buf_printf(&tens, "],\"data_offsets\":[%zu,%zu]}", off, off + ts[i].n * 4);
        hh = hash_u64(hash_u64(hh, off), off + ts[i].n * 4);
        off += ts[i].n * 4;
    }
    // the data in one piece, hashed as gl_st_load hashes it
    uint8_t *dbuf = gl_malloc(off), *dp = dbuf;
    for (int i = 0; i < n; i++) { memcpy(dp, ts[i].data, ts[i].n * 4); dp += ts[i].n * 4; }
    hh = gl_hash64(hh, dbuf, off);
    gl_buf_printf(&h, "\"%s\":\"%016llx\"}", DIGEST_KEY, (unsigned long long)hh);
    if (tens.len) gl_buf_put(&h, tens.s, tens.len);
    gl_buf_free(&tens);
    gl_buf_put(&h, "}", 1);
    while ((h.len + 8) % 8) gl_buf_put(&h, " ", 1);
    size_t total = 8 + h.len + off;
    uint8_t *out = gl_malloc(total);
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)((uint64_t)h.len >> (8 * i));
    memcpy(out + 8, h.s, h.len);
    memcpy(out + 8 + h.len, dbuf, off);
    free(dbuf);
    int rc = gl_write_atomic(path, out, total);
    free(out);
    gl_buf_free(&h);
    return rc;
}
