// gl_hw_cells: what each LSTM cell of a handwriting network does over a line
// (the cell state c and the output h of every cell after each point), the
// pen's features the cells are compared with, correlations pooled over many
// lines, and an order of the cells that puts similar ones side by side.
#include "gl_hw.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void gl_hw_cells_free(gl_hw_cells *c) {
    if (!c) return;
    free(c->c); free(c->h);
    memset(c, 0, sizeof *c);
}

// The line is run through the training path's forward (gl_hw_forward, batch
// 1, float weights) with one padding point after it, so that step t + 1 is
// the network having read point t: column t of the result.
int gl_hw_cells_run(gl_hw_model *m, const float *pts, int n, const char *text, gl_hw_cells *out) {
    memset(out, 0, sizeof *out);
    const gl_hw_cfg *cf = &m->cfg;
    if (n < 1) { gl_seterr("cells: the line has no points"); return -1; }
    if (cf->K > 0 && (!text || !*text)) { gl_seterr("cells: the synthesis network needs the line's text"); return -1; }
    if (cf->K > 0 && gl_hw_encode(cf, text, NULL)) return -1;
    gl_hw_corpus one = {0};
    float *p = gl_malloc(sizeof(float) * 3 * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        p[3 * i] = (pts[3 * i] - cf->mean[0]) / cf->std[0];
        p[3 * i + 1] = (pts[3 * i + 1] - cf->mean[1]) / cf->std[1];
        p[3 * i + 2] = pts[3 * i + 2] > 0.5f;
    }
    p[3 * n] = p[3 * n + 1] = p[3 * n + 2] = 0;
    gl_hw_corpus_add(&one, p, n + 1, cf->K > 0 ? text : NULL, 0);
    free(p);
    gl_hw_ws ws = {0};
    int idx = 0, np = 0;
    if (gl_hw_ws_fill(&ws, m, &one, &idx, 1, n + 1)) {
        gl_hw_ws_free(&ws); gl_hw_corpus_free(&one);
        gl_seterr("cells: the text has characters the network cannot write");
        return -1;
    }
    gl_hw_forward(m, &ws, &np);
    int L = cf->L, H = cf->H;
    out->n = n; out->L = L; out->H = H;
    out->c = gl_malloc(sizeof(float) * (size_t)L * n * H);
    out->h = gl_malloc(sizeof(float) * (size_t)L * n * H);
    for (int l = 0; l < L; l++) {
        memcpy(out->c + (size_t)l * n * H, ws.c[l] + H, sizeof(float) * (size_t)n * H);
        memcpy(out->h + (size_t)l * n * H, ws.h[l] + H, sizeof(float) * (size_t)n * H);
    }
    gl_hw_ws_free(&ws);
    gl_hw_corpus_free(&one);
    return 0;
}

const float *gl_hw_cells_layer(const gl_hw_cells *c, int layer, int which_h) {
    if (layer < 0 || layer >= c->L) return NULL;
    return (which_h ? c->h : c->c) + (size_t)layer * c->n * c->H;
}

const char *gl_hw_feature_name(int f) {
    static const char *const names[GL_HW_FEAT_N] = { "pen lift", "x in line", "y", "rightward", "downward",
                                                    "place in word" };
    return f >= 0 && f < GL_HW_FEAT_N ? names[f] : "?";
}

// Words: strokes left to right; a stroke that starts more than half a core
// height (gl_hw_core_height) right of all the ink before it starts a new
// word. word[i] = the word of point i; wx0/wx1 its extent.
static void words_of(const float *ax, const float *pts, int n, float gap, int *word, float *wx0, float *wx1) {
    int w = 0, s0 = 0;
    float maxx = -FLT_MAX;
    for (int i = 0; i <= n; i++) {
        int end = i == n || (i > 0 && pts[3 * (i - 1) + 2] > 0.5f);   // point i starts a stroke
        if (!end || i == s0) continue;
        float lo = FLT_MAX, hi = -FLT_MAX;
        for (int k = s0; k < i; k++) { lo = fminf(lo, ax[k]); hi = fmaxf(hi, ax[k]); }
        if (s0 > 0 && lo > maxx + gap) { w++; wx0[w] = lo; wx1[w] = hi; }
        else if (s0 == 0) { wx0[0] = lo; wx1[0] = hi; }
        else { wx0[w] = fminf(wx0[w], lo); wx1[w] = fmaxf(wx1[w], hi); }
        for (int k = s0; k < i; k++) word[k] = w;
        maxx = fmaxf(maxx, hi);
        s0 = i;
    }
}

void gl_hw_cells_features(const float *pts, int n, float *feat) {
    float *ax = gl_malloc(sizeof(float) * (size_t)n * 4), *ay = ax + n, *wx0 = ay + n, *wx1 = wx0 + n;
    int *word = gl_malloc(sizeof(int) * (size_t)n);
    float x = 0, y = 0, xmin = FLT_MAX, xmax = -FLT_MAX, ymean = 0;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        ax[i] = x; ay[i] = y;
        xmin = fminf(xmin, x); xmax = fmaxf(xmax, x); ymean += y / n;
    }
    float core = gl_hw_core_height(pts, n);
    if (!(core > 1e-6f)) core = 1;
    words_of(ax, pts, n, 0.5f * core, word, wx0, wx1);
    float *F[GL_HW_FEAT_N];
    for (int f = 0; f < GL_HW_FEAT_N; f++) F[f] = feat + (size_t)f * n;
    for (int i = 0; i < n; i++) {
        F[GL_HW_FEAT_PENUP][i] = pts[3 * i + 2] > 0.5f;
        F[GL_HW_FEAT_X][i] = xmax > xmin ? (ax[i] - xmin) / (xmax - xmin) : 0;
        F[GL_HW_FEAT_Y][i] = (ay[i] - ymean) / core;
        // the move that reached point i, when the pen was down for it (not the line's first point)
        float dx = pts[3 * i], dy = pts[3 * i + 1], len = sqrtf(dx * dx + dy * dy);
        int down = i > 0 && pts[3 * (i - 1) + 2] < 0.5f && len > 0;
        F[GL_HW_FEAT_RIGHT][i] = down ? dx / len : NAN;
        F[GL_HW_FEAT_DOWN][i] = down ? dy / len : NAN;
        int w = word[i];
        F[GL_HW_FEAT_WORD][i] = wx1[w] > wx0[w] ? (ax[i] - wx0[w]) / (wx1[w] - wx0[w]) : NAN;
    }
    free(ax); free(word);
}

void gl_hw_corr_init(gl_hw_corr *c, int H) {
    memset(c, 0, sizeof *c);
    c->H = H;
    size_t k = (size_t)GL_HW_FEAT_N * H;
    c->sa = gl_calloc(k * 3, sizeof(double));
    c->saa = c->sa + k; c->saf = c->saa + k;
}

void gl_hw_corr_free(gl_hw_corr *c) { free(c->sa); memset(c, 0, sizeof *c); }

void gl_hw_corr_add(gl_hw_corr *c, const float *act, const float *feat, int n) {
    int H = c->H;
    for (int f = 0; f < GL_HW_FEAT_N; f++) {
        double *sa = c->sa + (size_t)f * H, *saa = c->saa + (size_t)f * H, *saf = c->saf + (size_t)f * H;
        for (int t = 0; t < n; t++) {
            float v = feat[(size_t)f * n + t];
            if (isnan(v)) continue;
            c->n[f] += 1; c->sf[f] += v; c->sff[f] += (double)v * v;
            const float *a = act + (size_t)t * H;
            for (int j = 0; j < H; j++) { sa[j] += a[j]; saa[j] += (double)a[j] * a[j]; saf[j] += (double)a[j] * v; }
        }
    }
}

void gl_hw_corr_result(const gl_hw_corr *c, float *r) {
    int H = c->H;
    for (int f = 0; f < GL_HW_FEAT_N; f++) {
        double N = c->n[f], vf = c->sff[f] - c->sf[f] * c->sf[f] / (N > 0 ? N : 1);
        for (int j = 0; j < H; j++) {
            size_t k = (size_t)f * H + j;
            double va = c->saa[k] - c->sa[k] * c->sa[k] / (N > 0 ? N : 1);
            double cov = c->saf[k] - c->sa[k] * c->sf[f] / (N > 0 ? N : 1);
            r[k] = N > 1 && va > 1e-12 && vf > 1e-12 ? (float)(cov / sqrt(va * vf)) : 0;
        }
    }
}

// Greedy nearest-neighbour chain on the correlation distance 1 − r between
// cells' activations over the line: start at the cell that varies most,
// then append the unplaced cell closest to the chain's last one. Cells that
// do not vary have r = 0 with every cell.
void gl_hw_cells_order(const float *act, int n, int H, int *order) {
    double *mean = gl_calloc((size_t)H * 2, sizeof(double)), *sd = mean + H;
    for (int t = 0; t < n; t++)
        for (int j = 0; j < H; j++) mean[j] += act[(size_t)t * H + j] / n;
    for (int t = 0; t < n; t++)
        for (int j = 0; j < H; j++) { double d = act[(size_t)t * H + j] - mean[j]; sd[j] += d * d; }
    float *z = gl_malloc(sizeof(float) * (size_t)n * H);   // standardised, cell-major: z[j*n + t]
    for (int j = 0; j < H; j++) {
        double s = sqrt(sd[j]);
        for (int t = 0; t < n; t++)
            z[(size_t)j * n + t] = s > 1e-9 ? (float)((act[(size_t)t * H + j] - mean[j]) / s) : 0;
    }
    int first = 0;
    for (int j = 1; j < H; j++) if (sd[j] > sd[first]) first = j;
    char *used = gl_calloc((size_t)H, 1);
    order[0] = first; used[first] = 1;
    for (int k = 1; k < H; k++) {
        const float *a = z + (size_t)order[k - 1] * n;
        int best = -1; double br = -2;
        for (int j = 0; j < H; j++) {
            if (used[j]) continue;
            const float *b = z + (size_t)j * n;
            double r = 0;
            for (int t = 0; t < n; t++) r += (double)a[t] * b[t];
            if (r > br) { br = r; best = j; }
        }
        order[k] = best; used[best] = 1;
    }
    free(used); free(z); free(mean);
}
