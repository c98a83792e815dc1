// gl_hw_data: stroke corpora. The built-in corpus writes English words with
// the Hershey script faces (Debian package hershey-fonts-data), made to look
// handwritten; the IAM-OnDB reader loads lineStrokes XML + ascii text.
#include "gl_hw.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// ------------------------------------------------------------------ corpus
void gl_hw_corpus_free(gl_hw_corpus *c) {
    for (int i = 0; i < c->n; i++) { free(c->lines[i].pts); free(c->lines[i].text); }
    free(c->lines);
    memset(c, 0, sizeof *c);
}

void gl_hw_corpus_add(gl_hw_corpus *c, const float *pts, int n, const char *text, int style) {
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->lines = realloc(c->lines, sizeof(gl_hw_line) * c->cap);
    }
    gl_hw_line *l = &c->lines[c->n++];
    l->n = n; l->pts = gl_malloc(sizeof(float) * 3 * (n > 0 ? n : 1));
    memcpy(l->pts, pts, sizeof(float) * 3 * n);
    l->text = gl_strdup(text ? text : "");
    l->style = style;
}

// ------------------------------------------------------------------ Hershey
const char *gl_hw_hershey_dir(void) {
    const char *d = getenv("GLIMPSE_HERSHEY_DIR");
    return d && *d ? d : "/usr/share/hershey-fonts";
}

void gl_hw_font_free(gl_hw_font *f) {
    for (int i = 0; i < 95; i++) { free(f->g[i].xy); free(f->g[i].up); }
    memset(f, 0, sizeof *f);
}

// JHF: columns 0-4 glyph number, 5-7 vertex count (including the bounds
// pair), then pairs of characters, each coordinate = char − 'R'; the first
// pair is the left/right bound, " R" lifts the pen. Long glyphs continue on
// the following lines.
int gl_hw_font_load(gl_hw_font *f, const char *path) {
    memset(f, 0, sizeof *f);
    uint8_t *buf; size_t len;
    if (gl_read_file(path, &buf, &len)) {
        gl_seterr("%s: cannot read the Hershey font (install the Debian package hershey-fonts-data)", path);
        return -1;
    }
    size_t pos = 0; int lineno = 0, gi = 0;
    while (pos < len && gi < 95) {
        // one record: header on this line
        size_t ls = pos; lineno++;
        while (pos < len && buf[pos] != '\n') pos++;
        size_t le = pos; if (pos < len) pos++;
        if (le > ls && buf[le - 1] == '\r') le--;
        if (le == ls) continue;
        if (le - ls < 10) {
            gl_seterr("%s:%d: glyph line too short", path, lineno);
            gl_hw_font_free(f);
            free(buf);
            return -1;
        }
        char num[4] = { (char)buf[ls + 5], (char)buf[ls + 6], (char)buf[ls + 7], 0 };
        int nv = atoi(num);
        if (nv < 1) { gl_seterr("%s:%d: bad vertex count", path, lineno); gl_hw_font_free(f); free(buf); return -1; }
        // gather 2*nv coordinate characters, across continuation lines
        char *co = gl_malloc((size_t)2 * nv + 1); int have = 0;
        size_t p = ls + 8;
        for (;;) {
            while (p < le && have < 2 * nv) co[have++] = (char)buf[p++];
            if (have >= 2 * nv || pos >= len) break;
            ls = pos; lineno++;
            while (pos < len && buf[pos] != '\n') pos++;
            le = pos; if (pos < len) pos++;
            if (le > ls && buf[le - 1] == '\r') le--;
            p = ls;
        }
        if (have < 2 * nv) {
            free(co);
            gl_seterr("%s:%d: glyph truncated", path, lineno);
            gl_hw_font_free(f);
            free(buf);
            return -1;
        }
        gl_hw_glyph *g = &f->g[gi++];
        g->left = co[0] - 'R'; g->right = co[1] - 'R';
        g->xy = gl_malloc((size_t)2 * nv); g->up = gl_calloc(nv, 1); g->npts = 0;
        for (int v = 1; v < nv; v++) {
            char a = co[2 * v], b = co[2 * v + 1];
            if (a == ' ' && b == 'R') { if (g->npts > 0) g->up[g->npts - 1] = 1; continue; }
            g->xy[2 * g->npts] = (int8_t)(a - 'R'); g->xy[2 * g->npts + 1] = (int8_t)(b - 'R');
            g->npts++;
        }
        if (g->npts > 0) g->up[g->npts - 1] = 1;
        free(co);
    }
    free(buf);
    if (gi < 95) {
        gl_seterr("%s: only %d glyphs (expected 95, ASCII 32..126)", path, gi);
        gl_hw_font_free(f);
        return -1;
    }
    return 0;
}

void gl_hw_hershey_defaults(gl_hw_hershey_opts *o) {
    memset(o, 0, sizeof *o);
    o->lines = 4000; o->seed = 1; o->min_words = 1; o->max_words = 3; o->step = 5.5f;
}

typedef struct { int n, cap; float *x, *y; } poly;   // one stroke
typedef struct { int n, cap; poly *s; } strokes;

static void poly_push(poly *p, float x, float y) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->x = realloc(p->x, 4 * p->cap);
        p->y = realloc(p->y, 4 * p->cap);
    }
    p->x[p->n] = x; p->y[p->n] = y; p->n++;
}
static poly *strokes_new(strokes *s) {
    if (s->n == s->cap) { s->cap = s->cap ? 2 * s->cap : 32; s->s = realloc(s->s, sizeof(poly) * s->cap); }
    memset(&s->s[s->n], 0, sizeof(poly));
    return &s->s[s->n++];
}
static void strokes_free(strokes *s) {
    for (int i = 0; i < s->n; i++) {
        free(s->s[i].x);
        free(s->s[i].y);
    }
    free(s->s);
    memset(s, 0, sizeof *s);
}

// A smooth random function of one variable (sum of a few random sinusoids),
// used for baseline drift, pen-speed variation and jitter.
typedef struct { float a[3], f[3], ph[3]; } smooth_fn;
static void smooth_init(smooth_fn *s, gl_rng *r, float amp, float freq) {
    for (int i = 0; i < 3; i++) {
        s->a[i] = amp * (0.3f + 0.7f * gl_rng_uniform(r)) / (float)(i + 1);
        s->f[i] = freq * (0.5f + gl_rng_uniform(r)) * (float)(i + 1);
        s->ph[i] = 6.2831853f * gl_rng_uniform(r);
    }
}
static float smooth_at(const smooth_fn *s, float t) {
    float v = 0;
    for (int i = 0; i < 3; i++) v += s->a[i] * sinf(s->f[i] * t + s->ph[i]);
    return v;
}

typedef struct {
    int face; float slant, size, spacing, word_space, step;
    smooth_fn drift, speed, jx, jy;
    float lift_p;
} hw_style;

static void style_draw(hw_style *st, gl_rng *r, int nfaces) {
    st->face = (int)gl_rng_below(r, (uint32_t)nfaces);
    st->slant = -0.05f + 0.4f * gl_rng_uniform(r);
    st->size = 0.85f + 0.3f * gl_rng_uniform(r);
    st->spacing = -1.5f + 3.0f * gl_rng_uniform(r);
    st->word_space = 0.7f + 0.6f * gl_rng_uniform(r);
    st->step = 0.8f + 0.45f * gl_rng_uniform(r);
    smooth_init(&st->drift, r, 0.3f + 1.2f * gl_rng_uniform(r), 0.02f);
    smooth_init(&st->speed, r, 0.25f, 0.15f);
    float ja = 0.15f + 0.35f * gl_rng_uniform(r);
    smooth_init(&st->jx, r, ja, 0.6f);
    smooth_init(&st->jy, r, ja, 0.6f);
    st->lift_p = 0.04f * gl_rng_uniform(r);
}

// Lays the text out with the font, joins strokes that meet (cursive joins),
// applies the style, resamples by arc length with varying pen speed, adds
// smooth jitter and writes offsets.
static void render_line(gl_hw_corpus *c, const gl_hw_font *f, const char *text, hw_style *st, gl_rng *r, float step,
                        int style_id) {
    strokes S = {0};
    float cursor = 0;
    poly *last = NULL;
    for (int i = 0; text[i]; i++) {
        int ch = (unsigned char)text[i];
        if (ch < 32 || ch > 126) ch = '?';
        const gl_hw_glyph *g = &f->g[ch - 32];
        float w = (float)(g->right - g->left);
        if (ch == ' ') { cursor += w * st->word_space; last = NULL; continue; }
        float ox = cursor - g->left;
        poly *cur = NULL;
        for (int v = 0; v < g->npts; v++) {
            float x = ox + g->xy[2 * v], y = g->xy[2 * v + 1];
            if (!cur) {
                // join to the previous stroke when the pen is (almost) there
                if (v == 0 && last && last->n > 0) {
                    float ddx = last->x[last->n - 1] - x, ddy = last->y[last->n - 1] - y;
                    if (ddx * ddx + ddy * ddy < 3.5f * 3.5f) cur = last;
                }
                if (!cur) cur = strokes_new(&S);
            }
            poly_push(cur, x, y);
            if (g->up[v]) { last = cur; cur = NULL; }
        }
        // strokes_new may move S.s: re-find the last stroke by index
        last = S.n ? &S.s[S.n - 1] : NULL;
        cursor += w + st->spacing;
    }
    // style: size, slant about the baseline (y = 9 in these faces), baseline drift
    for (int k = 0; k < S.n; k++) for (int i = 0; i < S.s[k].n; i++) {
        float x = S.s[k].x[i], y = S.s[k].y[i];
        x += st->slant * (9.0f - y);
        y += smooth_at(&st->drift, x);
        S.s[k].x[i] = x * st->size; S.s[k].y[i] = y * st->size;
    }
    // resample each stroke by arc length; pen speed varies smoothly along the line
    int cap = 1024, n = 0;
    float *pts = gl_malloc(sizeof(float) * 3 * cap);
    float px = 0, py = 0, tpath = 0;
    for (int k = 0; k < S.n; k++) {
        poly *p = &S.s[k];
        if (p->n == 0) continue;
        float *rx = gl_malloc(sizeof(float) * 4096), *ry = gl_malloc(sizeof(float) * 4096); int rn = 0;
        rx[rn] = p->x[0]; ry[rn] = p->y[0]; rn++;
        float need = step * st->step * (1 + smooth_at(&st->speed, tpath * 0.1f));
        float acc = 0;
        for (int i = 1; i < p->n; i++) {
            float ax = p->x[i - 1], ay = p->y[i - 1], bx = p->x[i], by = p->y[i];
            float seg = sqrtf((bx - ax) * (bx - ax) + (by - ay) * (by - ay)), done = 0;
            while (seg - done + acc >= need && rn < 4090) {
                done += need - acc; acc = 0;
                float t = done / seg;
                rx[rn] = ax + t * (bx - ax); ry[rn] = ay + t * (by - ay); rn++;
                tpath += need;
                need = step * st->step * (1 + smooth_at(&st->speed, tpath * 0.1f));
                if (need < 0.3f * step) need = 0.3f * step;
            }
            acc += seg - done;
        }
        float lx = p->x[p->n - 1], ly = p->y[p->n - 1];
        float ex = rx[rn - 1] - lx, ey = ry[rn - 1] - ly;
        if (rn == 1 || ex * ex + ey * ey > 0.09f * step * step) { rx[rn] = lx; ry[rn] = ly; rn++; }
        else { rx[rn - 1] = lx; ry[rn - 1] = ly; }
        for (int i = 0; i < rn; i++) {
            float jx = smooth_at(&st->jx, (float)(n + i)), jy = smooth_at(&st->jy, (float)(n + i));
            float x = rx[i] + jx, y = ry[i] + jy;
            if (n == cap) { cap *= 2; pts = realloc(pts, sizeof(float) * 3 * cap); }
            int lift = (i == rn - 1);
            // occasional pen lift inside a long stroke (a hesitation)
            if (!lift && i > 2 && i < rn - 3 && gl_rng_uniform(r) < st->lift_p * 0.1f) lift = 1;
            pts[3 * n] = x - px; pts[3 * n + 1] = y - py; pts[3 * n + 2] = (float)lift;
            px = x; py = y; n++;
        }
        free(rx); free(ry);
    }
    gl_hw_corpus_add(c, pts, n, text, style_id);
    free(pts);
    strokes_free(&S);
}

static int load_faces(gl_hw_font **fonts, int *nf, const char *faces) {
    char list[256]; snprintf(list, sizeof list, "%s", faces ? faces : GL_HW_FACES);
    *fonts = NULL; *nf = 0;
    const char *dir = gl_hw_hershey_dir();
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        gl_seterr("%s not found: install the Debian package hershey-fonts-data (apt-get install hershey-fonts-data)",
                  dir);
        return -1;
    }
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        char path[512]; snprintf(path, sizeof path, "%s/%s.jhf", dir, tok);
        *fonts = realloc(*fonts, sizeof(gl_hw_font) * (*nf + 1));
        if (!gl_file_exists(path)) {
            gl_seterr("%s not found: install the Debian package hershey-fonts-data", path);
            for (int i = 0; i < *nf; i++) gl_hw_font_free(&(*fonts)[i]);
            free(*fonts); *fonts = NULL; return -1;
        }
        if (gl_hw_font_load(&(*fonts)[*nf], path)) {
            for (int i = 0; i < *nf; i++) gl_hw_font_free(&(*fonts)[i]);
            free(*fonts);
            *fonts = NULL;
            return -1;
        }
        (*nf)++;
    }
    if (*nf == 0) { gl_seterr("no Hershey faces given"); return -1; }
    return 0;
}

int gl_hw_hershey_line(gl_hw_corpus *c, const char *text, const gl_hw_hershey_opts *o, uint64_t seed) {
    gl_hw_font *fonts; int nf;
    if (load_faces(&fonts, &nf, o->faces)) return -1;
    gl_rng r; gl_rng_seed(&r, seed);
    hw_style st; style_draw(&st, &r, nf);
    render_line(c, &fonts[st.face], text, &st, &r, o->step, (int)(seed & 0x7fffffff));
    for (int i = 0; i < nf; i++) gl_hw_font_free(&fonts[i]);
    free(fonts);
    return 0;
}

int gl_hw_hershey_build(gl_hw_corpus *c, const gl_hw_hershey_opts *o) {
    const char *wpath = o->words ? o->words : "/usr/share/dict/words";
    uint8_t *wb; size_t wl;
    if (o->lines < 1) { gl_seterr("corpus: --lines must be at least 1"); return -1; }
    gl_hw_font *fonts; int nf;
    if (load_faces(&fonts, &nf, o->faces)) return -1;
    if (gl_read_file(wpath, &wb, &wl)) {
        gl_seterr("%s: cannot read the word list (install the Debian package wamerican)", wpath);
        for (int i = 0; i < nf; i++) gl_hw_font_free(&fonts[i]);
        free(fonts); return -1;
    }
    // plain lower-case words of 1..10 letters
    int nw = 0, wcap = 1024; char **words = gl_malloc(sizeof(char *) * wcap);
    for (size_t p = 0; p < wl;) {
        size_t s = p;
        while (p < wl && wb[p] != '\n') p++;
        size_t e = p; p++;
        if (e > s && wb[e - 1] == '\r') e--;
        if (e - s < 1 || e - s > 10) continue;
        int ok = 1;
        for (size_t i = s; i < e; i++) if (wb[i] < 'a' || wb[i] > 'z') { ok = 0; break; }
        if (!ok) continue;
        if (nw == wcap) { wcap *= 2; words = realloc(words, sizeof(char *) * wcap); }
        words[nw] = gl_malloc(e - s + 1); memcpy(words[nw], wb + s, e - s); words[nw][e - s] = 0; nw++;
    }
    free(wb);
    if (nw < 10) {
        gl_seterr("%s: too few plain lower-case words", wpath);
        for (int i = 0; i < nf; i++) gl_hw_font_free(&fonts[i]);
        free(fonts);
        for (int i = 0; i < nw; i++) free(words[i]);
        free(words);
        return -1;
    }
    gl_rng r; gl_rng_seed(&r, o->seed);
    for (int li = 0; li < o->lines; li++) {
        char text[256]; int tl = 0;
        int k = o->min_words + (int)gl_rng_below(&r, (uint32_t)(o->max_words - o->min_words + 1));
        for (int j = 0; j < k; j++) {
            // short words are common in real text: favour them
            const char *w = words[gl_rng_below(&r, (uint32_t)nw)];
            const char *w2 = words[gl_rng_below(&r, (uint32_t)nw)];
            if (strlen(w2) < strlen(w)) w = w2;
            int n = (int)strlen(w);
            if (tl + n + 3 >= (int)sizeof text) break;
            if (j) text[tl++] = ' ';
            memcpy(text + tl, w, n); tl += n;
            float pu = gl_rng_uniform(&r);
            if (pu < 0.04f) text[tl++] = ',';
            else if (pu < 0.07f) text[tl++] = '.';
        }
        text[tl] = 0;
        hw_style st; style_draw(&st, &r, nf);
        render_line(c, &fonts[st.face], text, &st, &r, o->step, li);
    }
    for (int i = 0; i < nw; i++) free(words[i]);
    free(words);
    for (int i = 0; i < nf; i++) gl_hw_font_free(&fonts[i]);
    free(fonts);
    return 0;
}

// ------------------------------------------------------------------ IAM-OnDB
static int attr_num(const char *tag, const char *end, const char *name, double *out) {
    size_t nl = strlen(name);
    for (const char *p = tag; p + nl + 2 < end; p++) {
        if ((p == tag || isspace((unsigned char)p[-1])) && !strncmp(p, name, nl) && p[nl] == '=' &&
            (p[nl + 1] == '"' || p[nl + 1] == '\'')) {
            char q = p[nl + 1];
            const char *v = p + nl + 2, *ve = v;
            while (ve < end && *ve != q) ve++;
            if (ve >= end) return -1;
            char tmp[64]; size_t n = (size_t)(ve - v);
            if (n == 0 || n >= sizeof tmp) return -1;
            memcpy(tmp, v, n); tmp[n] = 0;
            char *ep; double d = strtod(tmp, &ep);
            if (*ep || !isfinite(d)) return -1;
            *out = d; return 0;
        }
    }
    return -2;
}

int gl_hw_iam_read_strokes(const char *path, float **pts_out, int *n_out) {
    uint8_t *buf; size_t len;
    if (gl_read_file_max(path, &buf, &len, GL_HW_IAM_MAX_FILE)) return -1;
    char *s = (char *)buf;   // gl_read_file puts a 0 after the data
    if (strlen(s) != len) { gl_seterr("%s:1: not a text file (a 0 byte)", path); free(s); return -1; }
    int cap = 1024, n = 0, in_stroke = 0, saw_set = 0, strokes = 0;
    float *pts = gl_malloc(sizeof(float) * 3 * cap);
    double px = 0, py = 0; int line = 1;
    const char *p = s, *lp = s;
    int rc = 0;
    while ((p = strchr(p, '<'))) {
        for (; lp < p; lp++) if (*lp == '\n') line++;
        const char *e = strchr(p, '>');
        if (!e) { gl_seterr("%s:%d: unterminated tag", path, line); rc = -1; break; }
        if (!strncmp(p, "<StrokeSet", 10)) saw_set = 1;
        else if (!strncmp(p, "<Stroke", 7) && (p[7] == ' ' || p[7] == '>' || p[7] == '\t' || p[7] == '\n')) {
            if (in_stroke) { gl_seterr("%s:%d: <Stroke> inside <Stroke>", path, line); rc = -1; break; }
            in_stroke = 1; strokes++;
        } else if (!strncmp(p, "</Stroke>", 9)) {
            if (!in_stroke) { gl_seterr("%s:%d: </Stroke> without <Stroke>", path, line); rc = -1; break; }
            in_stroke = 0;
            if (n > 0) pts[3 * (n - 1) + 2] = 1;
        } else if (!strncmp(p, "<Point", 6)) {
            if (!in_stroke) { gl_seterr("%s:%d: <Point> outside a <Stroke>", path, line); rc = -1; break; }
            double x, y;
            int ax = attr_num(p, e, "x", &x), ay = attr_num(p, e, "y", &y);
            if (ax || ay) { gl_seterr("%s:%d: <Point> needs numeric x and y attributes", path, line); rc = -1; break; }
            // tablet coordinates are below 10^5; anything far beyond is corrupt
            if (fabs(x) > GL_HW_IAM_MAX_COORD || fabs(y) > GL_HW_IAM_MAX_COORD) {
                gl_seterr("%s:%d: <Point> coordinate out of range (|x|, |y| <= %g)", path, line, GL_HW_IAM_MAX_COORD);
                rc = -1;
                break;
            }
            if (n == GL_HW_IAM_MAX_POINTS) {
                gl_seterr("%s:%d: more than %d points in one line", path, line, GL_HW_IAM_MAX_POINTS);
                rc = -1;
                break;
            }
            if (n == cap) { cap *= 2; pts = realloc(pts, sizeof(float) * 3 * cap); }
            if (n == 0) { px = x; py = y; }
            pts[3 * n] = (float)(x - px); pts[3 * n + 1] = (float)(y - py); pts[3 * n + 2] = 0;
            px = x; py = y; n++;
        }
        p = e + 1;
    }
    if (!rc && in_stroke) { gl_seterr("%s:%d: <Stroke> not closed", path, line); rc = -1; }
    if (!rc && (!saw_set || n == 0)) { gl_seterr("%s:%d: no <StrokeSet> with points", path, line); rc = -1; }
    free(s);
    if (rc) { free(pts); return -1; }
    (void)strokes;
    *pts_out = pts; *n_out = n;
    return 0;
}

int gl_hw_iam_read_text(const char *path, int index, char **text) {
    uint8_t *buf; size_t len;
    if (gl_read_file_max(path, &buf, &len, GL_HW_IAM_MAX_FILE)) {
        gl_seterr("cannot read the transcription: %s", gl_err());
        return -1;
    }
    char *s = (char *)buf;
    char *csr = strstr(s, "CSR:");
    if (!csr) { gl_seterr("%s:1: no CSR: section", path); free(s); return -1; }
    int line = 1;
    for (char *q = s; q < csr; q++) if (*q == '\n') line++;
    char *p = strchr(csr, '\n');
    int k = 0;
    while (p) {
        p++; line++;
        char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ')) n--;
        if (n > 0 && ++k == index) {
            *text = gl_malloc(n + 1); memcpy(*text, p, n); (*text)[n] = 0;
            free(s); return 0;
        }
        p = e;
    }
    gl_seterr("%s:%d: no line %d in the CSR section", path, line, index);
    free(s);
    return -1;
}

typedef struct { int n, cap; char **v; } strlist;
// Directories already walked, by device and inode: symlinks back to a parent
// (lineStrokes/a -> .) would otherwise be walked forever.
typedef struct { int n, cap; dev_t *dev; ino_t *ino; } dirset;
static int dirset_add(dirset *s, dev_t d, ino_t i) {
    for (int k = 0; k < s->n; k++) if (s->dev[k] == d && s->ino[k] == i) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->dev = realloc(s->dev, sizeof(dev_t) * s->cap); s->ino = realloc(s->ino, sizeof(ino_t) * s->cap);
        if (!s->dev || !s->ino) abort();
    }
    s->dev[s->n] = d; s->ino[s->n] = i; s->n++;
    return 1;
}
static void walk(const char *dir, strlist *out, dirset *seen, int depth) {
    struct stat ds;
    if (depth > 32 || stat(dir, &ds) || !dirset_add(seen, ds.st_dev, ds.st_ino)) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path) continue;
        struct stat sb;
        if (stat(path, &sb)) continue;
        if (S_ISDIR(sb.st_mode)) walk(path, out, seen, depth + 1);
        else if (S_ISREG(sb.st_mode)) {
            size_t l = strlen(path);
            if (l > 4 && !strcmp(path + l - 4, ".xml")) {
                if (out->n == out->cap) {
                    out->cap = out->cap ? 2 * out->cap : 64;
                    out->v = realloc(out->v, sizeof(char *) * out->cap);
                }
                out->v[out->n++] = gl_strdup(path);
            }
        }
    }
    closedir(d);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// One bad file must not decide the normalisation (gl_hw_norm_stats: a single
// 1e30 offset makes the std 1e28 and every other line zero). A line whose
// largest offset is more than GL_HW_IAM_OUTLIER times the corpus's median
// offset length (pen-up jumps between words are well within that) is
// dropped and counted. Returns the number dropped.
static int drop_outlier_lines(gl_hw_corpus *c, int quiet) {
    size_t tot = 0;
    for (int i = 0; i < c->n; i++) tot += (size_t)c->lines[i].n;
    if (tot == 0) return 0;
    // median of |offset| over a sample of at most 1M points
    size_t stride = tot > 1000000 ? tot / 1000000 + 1 : 1, k = 0, at = 0;
    float *v = gl_malloc(sizeof(float) * (tot / stride + 1));
    for (int i = 0; i < c->n; i++)
        for (int t = 0; t < c->lines[i].n; t++, at++)
            if (at % stride == 0) v[k++] = hypotf(c->lines[i].pts[3 * t], c->lines[i].pts[3 * t + 1]);
    qsort(v, k, sizeof *v, cmp_float);
    float med = v[k / 2];
    free(v);
    if (!(med > 0)) med = 1;
    int kept = 0, dropped = 0;
    for (int i = 0; i < c->n; i++) {
        float mx = 0;
        for (int t = 0; t < c->lines[i].n; t++)
            mx = fmaxf(mx, hypotf(c->lines[i].pts[3 * t], c->lines[i].pts[3 * t + 1]));
        if (mx > GL_HW_IAM_OUTLIER * med) {
            if (!quiet)
                fprintf(stderr, "glimpse: skipped line %d (\"%.30s\"): an offset of %g is %.0f times the median %g\n",
                        i, c->lines[i].text, mx, mx / med, med);
            free(c->lines[i].pts); free(c->lines[i].text);
            dropped++;
        } else c->lines[kept++] = c->lines[i];
    }
    c->n = kept;
    c->skipped += dropped;
    return dropped;
}

// Number of non-empty lines in the CSR section of a transcription (-1 when
// it cannot be read).
static int iam_csr_lines(const char *path) {
    int n = 0;
    char *t = NULL;
    for (;;) {
        // gl_hw_iam_read_text finds line k; count until it fails (forms have < 20 lines)
        if (n >= 64 || gl_hw_iam_read_text(path, n + 1, &t)) break;
        free(t); t = NULL;
        n++;
    }
    return n > 0 ? n : -1;
}

// FNV-1a of a form id: the held-out split is by form, fixed for all time.
uint32_t gl_hw_iam_form_hash(const char *form) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)form; *p; p++) { h ^= *p; h *= 16777619u; }
    return h & 0x7fffffffu;
}

typedef struct { int n, cap; char **v; } idset;
static int idset_has(const idset *s, const char *id) {
    for (int i = 0; i < s->n; i++) if (!strcmp(s->v[i], id)) return 1;
    return 0;
}
static int read_ids(const char *path, idset *s) {
    uint8_t *buf; size_t len;
    if (gl_read_file_max(path, &buf, &len, (size_t)1 << 20)) { gl_seterr("--exclude: %s", gl_err()); return -1; }
    char *p = (char *)buf;
    while (*p) {
        char *e = p + strcspn(p, "\r\n");
        char save = *e; *e = 0;
        char *q = p; while (*q == ' ' || *q == '\t') q++;
        size_t l = strlen(q); while (l && (q[l - 1] == ' ' || q[l - 1] == '\t')) q[--l] = 0;
        if (l && q[0] != '#') {
            if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 256;
                s->v = realloc(s->v, sizeof(char *) * s->cap);
                if (!s->v) abort();
            }
            s->v[s->n++] = gl_strdup(q);
        }
        *e = save;
        p = *e ? e + 1 : e;
    }
    free(buf);
    return 0;
}

static int cmp_f(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

// Cleans one line's raw offsets in place (see gl_hw_iam_opts): drops the
// first point's (meaningless) offset, merges spikes, thins strokes. Returns
// the new length, or -1 when a pen-down jump remains (the line is dropped).
static int clean_line(float *p, int n, float spike, float max_up, int thin, int *spikes) {
    if (n < 2) return -1;
    // the line starts at its first point: its offset from "nowhere" goes
    for (int i = 0; i < 3 * (n - 1); i++)
        p[i] = p[i + 3]; // (a memmove here draws a false -Warray-bounds from GCC once inlined)
    n--;
    // a point far off while the pen is down, whose neighbour brings the pen
    // back, is a sensor spike: merge its offset into the next point
    int k = 0;
    for (int i = 0; i < n; i++) {
        int down = i == 0 ? 0 : p[3 * (k - 1) + 2] < 0.5f;   // pen was down before this point
        float d = hypotf(p[3 * i], p[3 * i + 1]);
        if (down && d > spike && i + 1 < n && p[3 * i + 2] < 0.5f &&
            hypotf(p[3 * i] + p[3 * i + 3], p[3 * i + 1] + p[3 * i + 4]) <= spike) {
            p[3 * i + 3] += p[3 * i]; p[3 * i + 4] += p[3 * i + 1];
            (*spikes)++;
            continue;
        }
        if (down && d > spike) return -1;       // a jump with the pen down
        if (!down && d > max_up) return -1;     // a pen-up move far beyond any line's width
        memmove(p + 3 * k, p + 3 * i, sizeof(float) * 3);
        k++;
    }
    n = k;
    if (thin > 1) {
        // keep every thin-th point of a stroke and always its last one; the
        // dropped points' offsets add up into the next kept one
        int o = 0, in_stroke = 0;
        float ax = 0, ay = 0;
        for (int i = 0; i < n; i++) {
            ax += p[3 * i]; ay += p[3 * i + 1];
            int last = p[3 * i + 2] > 0.5f || i == n - 1;
            if (last || in_stroke % thin == thin - 1) {
                p[3 * o] = ax; p[3 * o + 1] = ay; p[3 * o + 2] = p[3 * i + 2];
                o++; ax = ay = 0;
            }
            in_stroke = last ? 0 : in_stroke + 1;
        }
        n = o;
    }
    return n >= 2 ? n : -1;
}

void gl_hw_iam_defaults(gl_hw_iam_opts *o) {
    memset(o, 0, sizeof *o);
    o->prepare = 1;
    o->thin = 1;
    o->spike = 15.0f;
    o->max_up = 250.0f;
    o->misfit = 3.0f;
}

int gl_hw_iam_load_ex(gl_hw_corpus *c, const char *dir, const gl_hw_iam_opts *o, gl_hw_iam_report *rep) {
    gl_hw_iam_report r0;
    if (!rep) rep = &r0;
    memset(rep, 0, sizeof *rep);
    char root[4096]; snprintf(root, sizeof root, "%s/lineStrokes", dir);
    struct stat sb;
    if (stat(root, &sb) || !S_ISDIR(sb.st_mode)) {
        gl_seterr("%s: no lineStrokes directory (expected IAM-OnDB layout DIR/lineStrokes, DIR/ascii)", dir);
        return -1;
    }
    idset ex = {0};
    if (o->exclude && read_ids(o->exclude, &ex)) return -1;
    strlist L = {0};
    dirset seen = {0};
    walk(root, &L, &seen, 0);
    free(seen.dev); free(seen.ino);
    qsort(L.v, L.n, sizeof(char *), cmp_str);
    rep->files = L.n;
    int first = c->n;
    char cur_form[256] = "", cur_t[4096] = "";
    int form_ok = 0;
    for (int i = 0; i < L.n; i++) {
        const char *path = L.v[i];
        // DIR/lineStrokes/x01/x01-000/x01-000a-01.xml -> DIR/ascii/x01/x01-000/x01-000a.txt, line 1
        const char *rel = path + strlen(root);
        char tpath[4096]; snprintf(tpath, sizeof tpath, "%s/ascii%s", dir, rel);
        size_t tl = strlen(tpath);
        int idx = -1;
        char *dash = strrchr(tpath, '-');
        if (dash && tl > 4) {
            char *ep; long v = strtol(dash + 1, &ep, 10);
            if (ep != dash + 1 && !strcmp(ep, ".xml") && v > 0) { idx = (int)v; strcpy(dash, ".txt"); }
        }
        float *pts; int n; char *text = NULL;
        if (idx < 0) { gl_seterr("%s:1: file name does not end in -NN.xml (line number)", path); goto bad; }
        // ids: the line (x01-000a-01) and its form (x01-000a)
        const char *base = strrchr(path, '/'); base = base ? base + 1 : path;
        char lid[256], form[256];
        snprintf(lid, sizeof lid, "%.*s", (int)(strlen(base) > 4 ? strlen(base) - 4 : 0), base);
        snprintf(form, sizeof form, "%s", lid);
        char *fd = strrchr(form, '-'); if (fd) *fd = 0;
        if (o->prepare && strcmp(form, cur_form)) {
            // a form with more stroke files than transcribed lines does not
            // pair up (file NN is line NN of the text): all its lines go. Fewer
            // files than lines is fine: some lines were not recorded.
            snprintf(cur_form, sizeof cur_form, "%s", form);
            snprintf(cur_t, sizeof cur_t, "%s", tpath);
            int files = 0;
            for (int j = i; j < L.n; j++) {
                const char *b2 = strrchr(L.v[j], '/'); b2 = b2 ? b2 + 1 : L.v[j];
                if (strncmp(b2, form, strlen(form)) || b2[strlen(form)] != '-') break;
                files++;
            }
            int lines = iam_csr_lines(tpath);
            form_ok = lines < 0 || files <= lines;   // unreadable: each line reports its own error below
            if (!form_ok) {
                rep->unpaired_forms++;
                if (!o->quiet)
                    fprintf(stderr, "glimpse: skipped form %s: %d stroke files, %d transcribed lines\n", form, files,
                            lines);
            }
        }
        if (o->prepare && !form_ok) { rep->unpaired_lines++; continue; }
        if (idset_has(&ex, lid) || idset_has(&ex, form)) { rep->excluded++; continue; }
        if (gl_hw_iam_read_strokes(path, &pts, &n)) goto bad;
        if (gl_hw_iam_read_text(tpath, idx, &text)) { free(pts); goto bad; }
        rep->points_in += n;
        gl_hw_corpus_add(c, pts, n, text, (int)gl_hw_iam_form_hash(form));
        free(pts); free(text);
        continue;
bad:
        c->skipped++;
        rep->bad_files++;
        if (!o->quiet) fprintf(stderr, "glimpse: skipped %s\n", gl_err());
    }
    for (int i = 0; i < L.n; i++) free(L.v[i]);
    free(L.v);
    for (int i = 0; i < ex.n; i++) free(ex.v[i]);
    free(ex.v);
    rep->outliers = drop_outlier_lines(c, o->quiet);
    if (!o->prepare) {
        rep->lines = c->n - first;
        for (int i = first; i < c->n; i++) rep->points_out += c->lines[i].n;
        if (rep->lines == 0) {
            gl_seterr("%s: no IAM-OnDB line could be loaded (%d skipped)", dir, c->skipped);
            return -1;
        }
        return 0;
    }
    // the scale of a pen-down offset: the median over (a sample of) the corpus
    size_t tot = 0;
    for (int i = first; i < c->n; i++) tot += (size_t)c->lines[i].n;
    float med = 1;
    if (tot > 0) {
        size_t stride = tot > 1000000 ? tot / 1000000 + 1 : 1, k = 0, at = 0;
        float *v = gl_malloc(sizeof(float) * (tot / stride + 1));
        for (int i = first; i < c->n; i++)
            for (int t = 1; t < c->lines[i].n; t++, at++)
                if (at % stride == 0 && c->lines[i].pts[3 * (t - 1) + 2] < 0.5f)
                    v[k++] = hypotf(c->lines[i].pts[3 * t], c->lines[i].pts[3 * t + 1]);
        if (k) { qsort(v, k, sizeof *v, cmp_f); med = v[k / 2] > 0 ? v[k / 2] : 1; }
        free(v);
    }
    rep->median_step = med;
    int kept = first;
    for (int i = first; i < c->n; i++) {
        gl_hw_line *ln = &c->lines[i];
        int n = clean_line(ln->pts, ln->n, o->spike * med, o->max_up * med, o->thin > 1 ? o->thin : 1, &rep->spikes);
        if (n < 0) { rep->jumps++; free(ln->pts); free(ln->text); continue; }
        ln->n = n;
        c->lines[kept++] = *ln;
    }
    c->n = kept;
    // strokes that do not fit their text: far too few or too many points per
    // character against the corpus's median
    if (o->misfit > 1 && c->n > first) {
        float *ppc = gl_malloc(sizeof(float) * (size_t)(c->n - first));
        // (texts over GL_HW_MAXU characters are left for the caller to drop and count)
        int np = 0;
        for (int i = first; i < c->n; i++)
            if (strlen(c->lines[i].text) <= GL_HW_MAXU)
                ppc[np++] = (float)c->lines[i].n / (float)(strlen(c->lines[i].text) ? strlen(c->lines[i].text) : 1);
        qsort(ppc, (size_t)np, sizeof *ppc, cmp_f);
        float m = np ? ppc[np / 2] : 1;
        free(ppc);
        kept = first;
        for (int i = first; i < c->n; i++) {
            gl_hw_line *ln = &c->lines[i];
            float r = (float)ln->n / (float)(strlen(ln->text) ? strlen(ln->text) : 1);
            if (strlen(ln->text) <= GL_HW_MAXU && np > 0 && (r > m * o->misfit || r < m / o->misfit)) {
                rep->misfits++;
                free(ln->pts);
                free(ln->text);
                continue;
            }
            c->lines[kept++] = *ln;
        }
        c->n = kept;
        rep->points_per_char = m;
    }
    for (int i = first; i < c->n; i++) rep->points_out += c->lines[i].n;
    rep->lines = c->n - first;
    c->skipped += rep->jumps + rep->misfits + rep->unpaired_lines;
    if (rep->lines == 0) { gl_seterr("%s: no IAM-OnDB line could be loaded (%d skipped)", dir, c->skipped); return -1; }
    return 0;
}

int gl_hw_iam_load(gl_hw_corpus *c, const char *dir, int quiet) {
    gl_hw_iam_opts o;
    gl_hw_iam_defaults(&o);
    o.prepare = 0;   // the files as they are (only the outlier lines go)
    o.quiet = quiet;
    return gl_hw_iam_load_ex(c, dir, &o, NULL);
}
