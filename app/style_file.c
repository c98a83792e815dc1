// style_file: the primers of `glimpse write --style` (Graves 2013 §5.5).
#include "style_file.h"
#include "gl_json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRIMER_TEXT "a quick brown fox"

int gl_style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext) {
    memset(pc, 0, sizeof *pc);
    *ptext = NULL;
    char *end; long n = strtol(style, &end, 10);
    if (*style && !*end) {
        if (n < 0) { gl_seterr("--style must be a style number >= 0 or a JSON file"); return -1; }
        gl_hw_hershey_opts o; gl_hw_hershey_defaults(&o);
        if (gl_hw_hershey_line(pc, PRIMER_TEXT, &o, (uint64_t)n * 2654435761u + 17)) return -1;
        *ptext = gl_strdup(PRIMER_TEXT);
        return 0;
    }
    uint8_t *buf; size_t len;
    if (gl_read_file_max(style, &buf, &len, STYLE_FILE_MAX)) { gl_seterr("cannot read the style file: %s", gl_err()); return -1; }
    gl_json *j = gl_json_parse((const char *)buf, len);
    free(buf);
    if (!j) { gl_seterr("%s: %s", style, gl_err()); return -1; }
    const gl_json *root = j;
    const gl_json *ls = gl_json_get(j, "lines");
    if (ls && ls->type == GL_JARR && ls->n > 0) root = &ls->kids[0];
    const gl_json *t = gl_json_get(root, "text"), *p = gl_json_get(root, "points");
    if (!t || t->type != GL_JSTR || !p || p->type != GL_JARR || p->n == 0) { gl_json_free(j); gl_seterr("%s: needs \"text\" and \"points\" (as written by glimpse write --json)", style); return -1; }
    size_t tl = strlen(t->str);
    if (tl == 0 || tl > GL_HW_MAXU) { gl_json_free(j); gl_seterr("%s: the primer's text has %zu characters (1 to %d)", style, tl, GL_HW_MAXU); return -1; }
    if (p->n > GL_HW_PRIMER_MAX) { gl_seterr("%s: %d points (a primer has at most %d)", style, p->n, GL_HW_PRIMER_MAX); gl_json_free(j); return -1; }
    long need = (long)tl * PRIMER_MIN_PER_CHAR < 10 ? 10 : (long)tl * PRIMER_MIN_PER_CHAR;
    if (p->n < need) { gl_seterr("%s: %d points are too few for the %zu characters of \"%s\" (at least %ld)", style, p->n, tl, t->str, need); gl_json_free(j); return -1; }
    float *pts = gl_malloc(sizeof(float) * 3 * p->n);
    for (int i = 0; i < p->n; i++) {
        const gl_json *q = &p->kids[i];
        if (q->type != GL_JARR || q->n != 3 || q->kids[0].type != GL_JNUM || q->kids[1].type != GL_JNUM || q->kids[2].type != GL_JNUM) {
            free(pts); gl_json_free(j); gl_seterr("%s: point %d is not [dx, dy, eos]", style, i); return -1;
        }
        for (int d = 0; d < 2; d++) {
            double v = q->kids[d].num, z = (v - cfg->mean[d]) / cfg->std[d];
            if (!isfinite(v) || fabs(z) > 1000) { free(pts); gl_json_free(j); gl_seterr("%s: point %d has %s = %g, out of range for this model", style, i, d ? "dy" : "dx", v); return -1; }
            pts[3 * i + d] = (float)v;
        }
        double e = q->kids[2].num;
        if (e != 0 && e != 1) { free(pts); gl_json_free(j); gl_seterr("%s: point %d has pen value %g (0 or 1)", style, i, e); return -1; }
        pts[3 * i + 2] = (float)e;
    }
    gl_hw_corpus_add(pc, pts, p->n, t->str, 0);
    *ptext = gl_strdup(t->str);
    free(pts); gl_json_free(j);
    return 0;
}

