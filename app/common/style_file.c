// style_file: the primers of `glimpse write --style` (Graves 2013 §5.5).
#include "style_file.h"
#include "gl_json.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRIMER_TEXT "a quick brown fox"

// The style file's written_by.std (NaN when it has none) and name.
static int style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext, double std_out[2],
                      char *name, size_t namecap);

int app_style_load(const char *style, const gl_hw_cfg *cfg, gl_hw_corpus *pc, char **ptext) {
    double sd[2];
    char path[4200];
    // a NAME of one's own hand, when no file of that name is here
    if (strspn(style, "0123456789") != strlen(style) && !gl_file_exists(style) && !strchr(style, '/') &&
        app_style_user_path(style, path, sizeof path) == 0) {
        if (!gl_file_exists(path)) {
            char dir[4096];
            app_style_user_dir(dir, sizeof dir);
            gl_seterr("--style %s: no such file, and no style of that name in %s", style, dir);
            return -1;
        }
        return style_load(path, cfg, pc, ptext, sd, NULL, 0);
    }
    return style_load(style, cfg, pc, ptext, sd, NULL, 0);
}

// The primer's points, p: an array of [dx, dy, eos], checked against the
// model's scale; a new array of 3 floats a point, or NULL and gl_err().
static float *style_points(const char *style, const gl_json *p, const gl_hw_cfg *cfg) {
    float *pts = gl_malloc(sizeof(float) * 3 * p->n);
    for (int i = 0; i < p->n; i++) {
        const gl_json *q = &p->kids[i];
        if (q->type != GL_JARR || q->n != 3 || q->kids[0].type != GL_JNUM || q->kids[1].type != GL_JNUM ||
            q->kids[2].type != GL_JNUM) {
            free(pts); gl_seterr("%s: point %d is not [dx, dy, eos]", style, i); return NULL;
        }
        for (int d = 0; d < 2; d++) {
            double v = q->kids[d].num, z = (v - cfg->mean[d]) / cfg->std[d];
            if (!isfinite(v) || fabs(z) > 1000) {
                free(pts);
                gl_seterr("%s: point %d has %s = %g, out of range for this model", style, i, d ? "dy" : "dx", v);
                return NULL;
            }
            pts[3 * i + d] = (float)v;
        }
        double e = q->kids[2].num;
        if (e != 0 && e != 1) {
            free(pts);
            gl_seterr("%s: point %d has pen value %g (0 or 1)", style, i, e);
            return NULL;
        }
        pts[3 * i + 2] = (float)e;
    }
    return pts;
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
    if (p->n > APP_HW_PRIMER_MAX) {
        gl_seterr("%s: %d points (a primer has at most %d)", style, p->n, APP_HW_PRIMER_MAX);
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
    float *pts = style_points(style, p, cfg);
    if (!pts) { gl_json_free(j); return -1; }
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


int app_style_save(const char *path, const char *name, const char *text, const float *pts, int n,
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

void app_style_presets_free(app_style_presets *ps) {
    for (int i = 0; i < ps->n; i++) { gl_hw_corpus_free(&ps->p[i].pc); free(ps->p[i].text); }
    ps->n = 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void app_style_presets_load(app_style_presets *ps, const char *dir, const gl_hw_cfg *cfg) {
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
        if (ps->n == APP_STYLE_PRESETS_MAX) {
            bad++;
            if (!first_bad[0])
                snprintf(first_bad, sizeof first_bad, "%s: more than %d presets", names[i], APP_STYLE_PRESETS_MAX);
            continue;
        }
        app_style_preset *p = &ps->p[ps->n];
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

// ---- your own hand ---------------------------------------------------------------
void app_style_user_dir(char *out, size_t cap) {
    const char *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");
    if (x && *x) snprintf(out, cap, "%s/glimpse/styles", x);
    else if (h && *h) snprintf(out, cap, "%s/.local/share/glimpse/styles", h);
    else snprintf(out, cap, "glimpse-styles");
}

int app_style_name_check(const char *name) {
    size_t n = strlen(name);
    int letter = 0;
    if (n == 0 || n > APP_STYLE_NAME_MAX) {
        gl_seterr("a style's name has 1 to %d characters (\"%.40s\" has %zu)", APP_STYLE_NAME_MAX, name, n);
        return -1;
    }
    for (const char *p = name; *p; p++) {
        char c = *p;
        int l = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        letter |= l;
        if (!l && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
            if ((unsigned char)c >= 32 && (unsigned char)c < 127)
                gl_seterr("a style's name takes letters, digits, '-' and '_' only, not '%c'", c);
            else gl_seterr("a style's name takes letters, digits, '-' and '_' only");
            return -1;
        }
    }
    if (!letter) {
        gl_seterr("a style's name needs a letter (\"%s\" would read as a Hershey style number)", name);
        return -1;
    }
    return 0;
}

int app_style_user_path(const char *name, char *out, size_t cap) {
    if (app_style_name_check(name)) return -1;
    char dir[4096];
    app_style_user_dir(dir, sizeof dir);
    snprintf(out, cap, "%s/%s.json", dir, name);
    return 0;
}

static int make_dirs(const char *dir) {
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                gl_seterr("cannot create %s: %s", p, strerror(errno));
                return -1;
            }
            *s = c;
            if (!c) break;
        }
    }
    return 0;
}

int app_style_user_save(const char *name, const char *text, const float *pts, int n, const gl_hw_cfg *cfg,
                       int replace) {
    char path[4200], dir[4096];
    if (app_style_user_path(name, path, sizeof path)) return -1;
    if (!replace && gl_file_exists(path)) {
        gl_seterr("there is a style named %s already (%s)", name, path);
        return -1;
    }
    app_style_user_dir(dir, sizeof dir);
    if (make_dirs(dir)) return -1;
    if (app_style_save(path, name, text, pts, n, cfg, "your hand", 0, 0)) {
        gl_seterr("cannot save the style %s: %s", name, gl_err());
        return -1;
    }
    return 0;
}

int app_style_user_rename(const char *from, const char *to, const gl_hw_cfg *cfg) {
    char pf[4200], pt[4200];
    if (app_style_user_path(from, pf, sizeof pf) || app_style_user_path(to, pt, sizeof pt)) return -1;
    if (!strcmp(from, to)) return 0;
    if (gl_file_exists(pt)) {
        gl_seterr("there is a style named %s already", to);
        return -1;
    }
    gl_hw_corpus pc;
    char *text;
    double sd[2];
    if (style_load(pf, cfg, &pc, &text, sd, NULL, 0)) return -1;
    int rc = app_style_user_save(to, text, pc.lines[0].pts, pc.lines[0].n, cfg, 0);
    gl_hw_corpus_free(&pc);
    free(text);
    if (rc) return -1;
    if (unlink(pf) != 0) {
        gl_seterr("wrote %s but cannot remove %s: %s", pt, pf, strerror(errno));
        return -1;
    }
    return 0;
}

int app_style_user_delete(const char *name) {
    char p[4200];
    if (app_style_user_path(name, p, sizeof p)) return -1;
    if (unlink(p) != 0) {
        gl_seterr("cannot delete the style %s (%s): %s", name, p, strerror(errno));
        return -1;
    }
    return 0;
}

// ---- whether a sample can serve ------------------------------------------------------
static float median_of(float *v, int n) {
    if (n <= 0) return 0;
    for (int i = 1; i < n; i++)   // insertion sort: a handful of values
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            float t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

// Ink (the pen-down path), width and height of a line, its strokes and its
// median pen-down step.
typedef struct { float ink, width, height, step; int strokes; } line_geom;
static void geom_of(const float *pts, int n, line_geom *g) {
    memset(g, 0, sizeof *g);
    float x = 0, y = 0, x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
    float *steps = gl_malloc(sizeof(float) * (size_t)(n + 1));
    int ns = 0;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        if (i > 0 && pts[3 * (i - 1) + 2] < 0.5f) {   // the pen was down on the way to this point
            float d = hypotf(pts[3 * i], pts[3 * i + 1]);
            g->ink += d;
            steps[ns++] = d;
        }
        if (pts[3 * i + 2] > 0.5f || i == n - 1) g->strokes++;
    }
    g->width = n ? x1 - x0 : 0;
    g->height = n ? y1 - y0 : 0;
    g->step = median_of(steps, ns);
    free(steps);
}

static int text_chars(const char *text, int *words) {
    int c = 0, w = 0, in = 0;
    for (const char *p = text; *p; p++) {
        int sp = *p == ' ' || *p == '\t' || *p == '\n';
        if (!sp) c++;
        if (!sp && !in) w++;
        in = !sp;
    }
    if (words) *words = w;
    return c;
}

void app_style_ref_of(const gl_hw_line *lines, int n, app_style_ref *ref) {
    memset(ref, 0, sizeof *ref);
    if (n <= 0) return;
    float *h = gl_malloc(sizeof(float) * 5 * (size_t)n), *s = h + n, *ink = s + n, *w = ink + n, *core = w + n;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int chars = lines[i].text ? text_chars(lines[i].text, NULL) : 0;
        if (chars == 0 || lines[i].n < 2) continue;
        line_geom g;
        geom_of(lines[i].pts, lines[i].n, &g);
        h[k] = g.height; s[k] = g.step; ink[k] = g.ink / (float)chars; w[k] = g.width / (float)strlen(lines[i].text);
        core[k] = gl_hw_core_height(lines[i].pts, lines[i].n);
        k++;
    }
    ref->height = median_of(h, k);
    ref->step = median_of(s, k);
    ref->ink_per_char = median_of(ink, k);
    ref->width_per_char = median_of(w, k);
    ref->core = median_of(core, k);
    free(h);
}

int app_style_sample_check(const char *text, const float *pts, int n, const app_style_ref *ref) {
    int words, chars = text_chars(text, &words);
    size_t len = strlen(text);
    if (chars < APP_STYLE_MIN_CHARS) {
        gl_seterr("the text is too short (%d letters): write and type at least %d, a word or two", chars,
                  APP_STYLE_MIN_CHARS);
        return -1;
    }
    if (len > APP_STYLE_TEXT_MAX) {
        gl_seterr("the text is too long (%zu characters, at most %d): a line or two", len, APP_STYLE_TEXT_MAX);
        return -1;
    }
    int need = (int)len * PRIMER_MIN_PER_CHAR < 10 ? 10 : (int)len * PRIMER_MIN_PER_CHAR;
    if (n < need) {
        gl_seterr("too few points: %d for the %zu characters of \"%s\" (at least %d): write it all, not a scribble", n,
                  len, text, need);
        return -1;
    }
    line_geom g;
    geom_of(pts, n, &g);
    if (g.strokes * 3 < words) {
        gl_seterr("the text and the strokes do not match: %d stroke(s) for the %d words of \"%s\"", g.strokes, words,
                  text);
        return -1;
    }
    float core = gl_hw_core_height(pts, n), size = ref && ref->core > 0 && core > 0 ? ref->core / core : 1;
    if (ref && ref->ink_per_char > 0 && ref->width_per_char > 0) {   // in core heights: the size aside
        float ink = size * g.ink / (float)chars, r = ink / ref->ink_per_char;
        if (r > APP_STYLE_MISMATCH || r < 1 / APP_STYLE_MISMATCH) {
            gl_seterr("the text and the strokes do not match: %.1f times the ink a character takes in the model's own "
                      "writing (\"%s\": is that what you wrote?)",
                      r, text);
            return -1;
        }
        float w = size * g.width / (float)len;
        r = w / ref->width_per_char;
        if (r > APP_STYLE_MISMATCH || r < 1 / APP_STYLE_MISMATCH) {
            gl_seterr("the text and the strokes do not match: the line is %.1f times as wide a character as the "
                      "model's own writing (\"%s\": is that what you wrote?)",
                      r, text);
            return -1;
        }
    }
    return 0;
}
