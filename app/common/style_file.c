// style_file: the primers of `glimpse write --style` (Graves 2013 §5.5).
#include "style_file.h"
#include "gl_json.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define PRIMER_TEXT "a quick brown fox"

// The style file's written_by.std (NaN when it has none) and name.
static int style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext, double std_out[2],
                      char *name, size_t namecap);

int gl_style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext) {
    double sd[2];
    return style_load(style, cfg, pc, ptext, sd, NULL, 0);
}

static int style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext, double std_out[2],
                      char *name, size_t namecap) {
    std_out[0] = std_out[1] = NAN;
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
    if (gl_read_file_max(style, &buf, &len, STYLE_FILE_MAX)) {
        gl_seterr("cannot read the style file: %s", gl_err());
        return -1;
    }
    gl_json *j = gl_json_parse((const char *)buf, len);
    free(buf);
    if (!j) { gl_seterr("%s: %s", style, gl_err()); return -1; }
    const gl_json *root = j;
    const gl_json *ls = gl_json_get(j, "lines");
    if (ls && ls->type == GL_JARR && ls->n > 0) root = &ls->kids[0];
    const gl_json *t = gl_json_get(root, "text"), *p = gl_json_get(root, "points");
    if (!t || t->type != GL_JSTR || !p || p->type != GL_JARR || p->n == 0) {
        gl_json_free(j);
        gl_seterr("%s: needs \"text\" and \"points\" (as written by glimpse write --json)", style);
        return -1;
    }
    size_t tl = strlen(t->str);
    if (tl == 0 || tl > GL_HW_MAXU) {
        gl_json_free(j);
        gl_seterr("%s: the primer's text has %zu characters (1 to %d)", style, tl, GL_HW_MAXU);
        return -1;
    }
    if (p->n > GL_HW_PRIMER_MAX) {
        gl_seterr("%s: %d points (a primer has at most %d)", style, p->n, GL_HW_PRIMER_MAX);
        gl_json_free(j);
        return -1;
    }
    long need = (long)tl * PRIMER_MIN_PER_CHAR < 10 ? 10 : (long)tl * PRIMER_MIN_PER_CHAR;
    if (p->n < need) {
        gl_seterr("%s: %d points are too few for the %zu characters of \"%s\" (at least %ld)", style, p->n, tl, t->str,
                  need);
        gl_json_free(j);
        return -1;
    }
    float *pts = gl_malloc(sizeof(float) * 3 * p->n);
    for (int i = 0; i < p->n; i++) {
        const gl_json *q = &p->kids[i];
        if (q->type != GL_JARR || q->n != 3 || q->kids[0].type != GL_JNUM || q->kids[1].type != GL_JNUM ||
            q->kids[2].type != GL_JNUM) {
            free(pts); gl_json_free(j); gl_seterr("%s: point %d is not [dx, dy, eos]", style, i); return -1;
        }
        for (int d = 0; d < 2; d++) {
            double v = q->kids[d].num, z = (v - cfg->mean[d]) / cfg->std[d];
            if (!isfinite(v) || fabs(z) > 1000) {
                free(pts);
                gl_json_free(j);
                gl_seterr("%s: point %d has %s = %g, out of range for this model", style, i, d ? "dy" : "dx", v);
                return -1;
            }
            pts[3 * i + d] = (float)v;
        }
        double e = q->kids[2].num;
        if (e != 0 && e != 1) {
            free(pts);
            gl_json_free(j);
            gl_seterr("%s: point %d has pen value %g (0 or 1)", style, i, e);
            return -1;
        }
        pts[3 * i + 2] = (float)e;
    }
    const gl_json *wb = gl_json_get(root, "written_by"), *sd = wb ? gl_json_get(wb, "std") : NULL;
    if (sd && sd->type == GL_JARR && sd->n == 2 && sd->kids[0].type == GL_JNUM && sd->kids[1].type == GL_JNUM) {
        std_out[0] = sd->kids[0].num; std_out[1] = sd->kids[1].num;
    }
    const gl_json *nm = gl_json_get(root, "name");
    if (name && namecap) snprintf(name, namecap, "%s", nm && nm->type == GL_JSTR ? nm->str : "");
    gl_hw_corpus_add(pc, pts, p->n, t->str, 0);
    *ptext = gl_strdup(t->str);
    free(pts); gl_json_free(j);
    return 0;
}


int gl_style_save(const char *path, const char *name, const char *text, const float *pts, int n,
                  const gl_hw_cfg *cfg, const char *model, uint64_t seed, float bias) {
    gl_buf b = {0};
    gl_buf_printf(&b, "{\"name\":"); gl_buf_str(&b, name ? name : "");
    gl_buf_printf(&b, ",\n\"text\":"); gl_buf_str(&b, text);
    gl_buf_printf(&b, ",\n\"written_by\":{\"model\":"); gl_buf_str(&b, model ? model : "");
    gl_buf_printf(&b, ",\"seed\":%llu,\"bias\":%g,\"alphabet\":", (unsigned long long)seed, bias);
    gl_buf_str(&b, cfg->alphabet);
    gl_buf_printf(&b, ",\"mean\":[%.9g,%.9g],\"std\":[%.9g,%.9g]},\n\"points\":[", cfg->mean[0], cfg->mean[1],
                  cfg->std[0], cfg->std[1]);
    for (int i = 0; i < n; i++)
        gl_buf_printf(&b, "%s[%.6g,%.6g,%d]", i ? (i % 8 ? "," : ",\n") : "", pts[3 * i], pts[3 * i + 1],
                      pts[3 * i + 2] > 0.5f);
    gl_buf_printf(&b, "]}\n");
    int rc = gl_write_atomic(path, b.s, b.len);
    gl_buf_free(&b);
    return rc;
}

void gl_style_presets_free(gl_style_presets *ps) {
    for (int i = 0; i < ps->n; i++) { gl_hw_corpus_free(&ps->p[i].pc); free(ps->p[i].text); }
    ps->n = 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void gl_style_presets_load(gl_style_presets *ps, const char *dir, const gl_hw_cfg *cfg) {
    memset(ps, 0, sizeof *ps);
    DIR *d = opendir(dir);
    if (!d) { snprintf(ps->note, sizeof ps->note, "no style presets (%s: %s)", dir, strerror(errno)); return; }
    char *names[64]; int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l > 5 && !strcmp(de->d_name + l - 5, ".json") && de->d_name[0] != '.') names[nn++] = gl_strdup(de->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof *names, by_name);
    int other_model = 0, bad = 0;
    char first_bad[300] = "";
    for (int i = 0; i < nn; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (ps->n == GL_STYLE_PRESETS_MAX) {
            bad++;
            if (!first_bad[0])
                snprintf(first_bad, sizeof first_bad, "%s: more than %d presets", names[i], GL_STYLE_PRESETS_MAX);
            continue;
        }
        gl_style_preset *p = &ps->p[ps->n];
        double sd[2];
        if (style_load(path, cfg, &p->pc, &p->text, sd, p->name, sizeof p->name)) {
            bad++;
            if (!first_bad[0]) snprintf(first_bad, sizeof first_bad, "%s", gl_err());
            gl_hw_corpus_free(&p->pc); free(p->text); p->text = NULL;
            continue;
        }
        int same = isnan(sd[0]) || (fabs(sd[0] / cfg->std[0] - 1) < 0.01 && fabs(sd[1] / cfg->std[1] - 1) < 0.01);
        int writable = gl_hw_encode(cfg, p->text, NULL) == 0;
        if (!same || !writable) {
            if (!same) other_model++;
            else { bad++; if (!first_bad[0]) snprintf(first_bad, sizeof first_bad, "%s: %s", names[i], gl_err()); }
            gl_hw_corpus_free(&p->pc); free(p->text); p->text = NULL;
            continue;
        }
        if (!p->name[0]) {   // the file's name without .json
            snprintf(p->name, sizeof p->name, "%.*s", (int)strlen(names[i]) - 5, names[i]);
        }
        ps->n++;
    }
    for (int i = 0; i < nn; i++) free(names[i]);
    size_t k = 0;
    if (other_model)
        k += (size_t)snprintf(
            ps->note + k, sizeof ps->note - k,
            "%d style preset(s) in %s were written by another model (regenerate them: data/make_styles.sh)",
            other_model, dir);
    if (bad && k < sizeof ps->note)
        snprintf(ps->note + k, sizeof ps->note - k, "%s%d style preset(s) left out (%s)", k ? "; " : "", bad,
                 first_bad);
}
