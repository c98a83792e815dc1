// glimpse cells: which LSTM cells of a handwriting network track the pen.
// Every cell of every layer (gl_hw_cells_run) is correlated with the pen's
// features (gl_hw_cells_features: pen lifts, x, y, stroke direction, place
// in the word) over the points of many lines -- IAM-OnDB's held-out forms,
// prepared as the network's training data was, or lines the network writes
// itself -- and the best cells of each feature are printed. --png draws one
// line's heat map (cells down, points across, similar cells together) with
// the named cells marked and the line's strokes coloured by each of them.
#include "args.h"
#include "cli.h"
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_util.h"
#include "hw_train_data.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const app_opt cells_opts[] = {
    APP_TEXT("model", "weights (default: the shipped network of --task)"),
    APP_ENUM("task", "predict|synth", "predict", "which shipped network: prediction or synthesis"),
    APP_TEXT("data", "iam:DIR: the held-out forms of IAM-OnDB (default: lines the network writes itself)"),
    APP_TEXT("exclude", "IAM: file of line or form ids to skip"),
    APP_INT("lines", 1, 100000, "200", "lines to correlate over"),
    APP_INT("layer", 0, 4, "0", "only this layer (1-based; 0: every layer)"),
    APP_ENUM("state", "c|h", "c", "the cell state c or the output h"),
    APP_INT("top", 1, 50, "3", "cells printed per feature"),
    APP_INT("seed", 0, 1099511627776.0, "1", "seed of the written lines"),
    APP_NUM("bias", 0, 100, "1", "bias of the written lines"),
    APP_TEXT("png", "draw a line's heat map with the named cells to this PNG"),
    APP_INT("line", 0, 100000, "0", "--png: the line drawn (index among the lines used)"),
    APP_TEXT("show", "--png: cells to name, LAYER:CELL,... (default: the best of pen lift and of place in word)"),
    APP_OPT_END,
};

static const char *const synth_texts[] = {
    "a move to stop mr gaitskell from", "the quick brown fox jumps over", "he said it was never so good",
    "this is not the time to wait", "from the window she saw the sea", "nothing is left of the old town",
};

// The network's own lines: prediction scribbles (seed + i), or synthesis writing synth_texts in turn.
static int written_lines(gl_hw_model *m, int n, uint64_t seed, float bias, gl_hw_corpus *c) {
    for (int i = 0; i < n; i++) {
        gl_hw_sample_opts so = {0};
        so.bias = bias; so.seed = seed + (uint64_t)i; so.max_steps = m->cfg.K > 0 ? 0 : 300;   // as the Cells view
        const char *text = m->cfg.K > 0 ? synth_texts[i % (int)(sizeof synth_texts / sizeof *synth_texts)] : NULL;
        gl_hw_result r = {0};
        if (gl_hw_sample(m, text, &so, &r, NULL) < 0) return -1;
        if (r.n > 1) gl_hw_corpus_add(c, r.pts, r.n, text, 0);
        gl_hw_result_free(&r);
    }
    return 0;
}

// IAM-OnDB's held-out forms, thinned as the network's training lines were (its iam_thin).
static int iam_lines(gl_hw_model *m, const char *data, const char *exclude, int n, gl_hw_corpus *c) {
    gl_hw_iam_opts io;
    gl_hw_iam_defaults(&io);
    const char *thin = gl_meta_get(gl_hw_meta(m), "iam_thin");
    io.thin = thin ? atoi(thin) : 1;
    if (io.thin < 1) io.thin = 1;
    io.exclude = exclude; io.quiet = 1;
    if (hw_load_corpus(data, 0, 0, 0, &io, NULL, NULL, c)) return -1;
    int k = 0;
    for (int i = 0; i < c->n; i++) {
        gl_hw_line *ln = &c->lines[i];
        int ok = ln->style % GL_HW_IAM_HELDOUT_MOD == 0 && k < n && ln->n > 1 &&
                 (m->cfg.K == 0 || gl_hw_encode(&m->cfg, ln->text, NULL) == 0);
        if (ok) c->lines[k++] = *ln;
        else { free(ln->pts); free(ln->text); }
    }
    c->n = k;
    if (k == 0) { gl_seterr("%s has no held-out line the network can read", data + 4); return -1; }
    return 0;
}

typedef struct { int layer, cell; float r; } named_cell;

// The `top` cells of feature f by |r| over the layers in [l0, l1).
static void best_cells(float *const *r, int l0, int l1, int H, int f, int top, named_cell *out) {
    for (int k = 0; k < top; k++) out[k] = (named_cell){ -1, -1, 0 };
    for (int l = l0; l < l1; l++)
        for (int j = 0; j < H; j++) {
            float v = r[l][(size_t)f * H + j];
            for (int k = 0; k < top; k++) {
                if (out[k].layer >= 0 && fabsf(v) <= fabsf(out[k].r)) continue;
                memmove(out + k + 1, out + k, sizeof *out * (size_t)(top - k - 1));
                out[k] = (named_cell){ l, j, v };
                break;
            }
        }
}

// Strokes of pts fitted into (x, y, w, h), each segment coloured by the cell's
// activation a (n) on the jet map over [lo, hi].
static void strokes_coloured(gl_image *im, const float *pts, int n, const float *a, float lo, float hi, int x, int y,
                             int w, int h) {
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    float s = fminf(w / fmaxf(x1 - x0, 1e-3f), h / fmaxf(y1 - y0, 1e-3f));
    float px = 0, py = 0;
    for (int i = 0; i < n; i++) {
        float nx = px + pts[3 * i], ny = py + pts[3 * i + 1];
        if (i > 0 && pts[3 * (i - 1) + 2] < 0.5f) {
            uint8_t r, g, b;
            gl_jet(fmaxf(0, fminf(1, (a[i] - lo) / (hi - lo))), &r, &g, &b);
            gl_image_line(im, x + (px - x0) * s, y + (py - y0) * s, x + (nx - x0) * s, y + (ny - y0) * s, 2.5f, r, g,
                          b);
        }
        px = nx; py = ny;
    }
}

// The range of cell j over the line (a little wider when it does not vary).
static void range_of(const float *act, int n, int H, int j, float *lo, float *hi) {
    *lo = INFINITY; *hi = -INFINITY;
    for (int t = 0; t < n; t++) { *lo = fminf(*lo, act[(size_t)t * H + j]); *hi = fmaxf(*hi, act[(size_t)t * H + j]); }
    if (*hi - *lo < 1e-6f) { *lo -= 1e-3f; *hi += 1e-3f; }
}

// The figure: for each named cell the line coloured by it, then the layer's
// heat map (each row on its own scale, from its lowest to its highest value over the line) with the named rows marked.
static int draw_png(const char *path, const gl_hw_line *ln, const gl_hw_cells *cl, int which_h, const named_cell *sh,
                    int nsh, const char *const *labels) {
    int n = cl->n, H = cl->H, layer = sh[0].layer, S = n > 600 ? 1 : 2, lw = 330, band = 110;
    const float *act = gl_hw_cells_layer(cl, layer, which_h);
    int *order = gl_malloc(sizeof(int) * H);
    gl_hw_cells_order(act, n, H, order);
    int R = H > 200 ? 1 : 2, W = lw + n * S + 10, Hh = H * R, Himg = 30 + nsh * (band + 20) + Hh + 40;
    gl_image im = gl_image_new(W, Himg, 255, 255, 255);
    int y = 8;
    char s[200];
    char what[100];
    if (ln->text && *ln->text) snprintf(what, sizeof what, "\"%.90s\"", ln->text);
    else snprintf(what, sizeof what, "a line of the prediction network");
    snprintf(s, sizeof s, "%s: layer %d, %s of %d cells over %d points", what, layer + 1,
             which_h ? "output h" : "cell state c", H, n);
    gl_image_text(&im, 8, y, 2, s, 0, 0, 0);
    y += 24;
    for (int k = 0; k < nsh; k++) {
        const float *a = gl_hw_cells_layer(cl, sh[k].layer, which_h);
        float *col = gl_malloc(sizeof(float) * n);
        for (int t = 0; t < n; t++) col[t] = a[(size_t)t * H + sh[k].cell];
        const char *nl = strchr(labels[k], '\n');
        snprintf(s, sizeof s, "%.*s", nl ? (int)(nl - labels[k]) : (int)strlen(labels[k]), labels[k]);
        gl_image_text(&im, 8, y + band / 2 - 18, 2, s, 0, 0, 0);
        if (nl) gl_image_text(&im, 8, y + band / 2 + 2, 2, nl + 1, 60, 60, 60);
        float lo, hi;
        range_of(a, n, H, sh[k].cell, &lo, &hi);
        strokes_coloured(&im, ln->pts, n, col, lo, hi, lw, y, W - lw - 10, band);
        free(col);
        y += band + 20;
    }
    float *rows = gl_malloc(sizeof(float) * (size_t)H * n);
    for (int i = 0; i < H; i++) {
        float lo, hi;
        range_of(act, n, H, order[i], &lo, &hi);
        for (int t = 0; t < n; t++) rows[(size_t)i * n + t] = (act[(size_t)t * H + order[i]] - lo) / (hi - lo);
    }
    // rows of R pixels (one per cell), S pixels a point
    for (int i = 0; i < H; i++)
        for (int t = 0; t < n; t++) {
            uint8_t r, g, b;
            gl_jet(rows[(size_t)i * n + t], &r, &g, &b);
            gl_image_rect(&im, lw + t * S, y + i * R, S, R, r, g, b);
        }
    for (int k = 0; k < nsh; k++) {
        if (sh[k].layer != layer) continue;
        int row = 0;
        while (order[row] != sh[k].cell) row++;
        row = row * R + R / 2;
        gl_image_rect(&im, lw - 16, y + row - 1, 12, 3, 0, 0, 0);
        snprintf(s, sizeof s, "cell %d", sh[k].cell);
        gl_image_text(&im, lw - 24 - 12 * (int)strlen(s), y + row - 7, 2, s, 0, 0, 0);
    }
    snprintf(s, sizeof s, "cells ordered by a nearest-neighbour chain on 1 - correlation, points across");
    gl_image_text(&im, 8, y + Hh + 12, 2, s, 80, 80, 80);
    int rc = gl_image_save_png(&im, path);
    gl_image_free(&im);
    free(rows); free(order);
    return rc;
}

// --show LAYER:CELL,... (1-based layer) into sh; returns the count or -1.
static int parse_show(const char *s, const gl_hw_cfg *cf, named_cell *sh, int max) {
    int k = 0;
    while (s && *s && k < max) {
        int l, c, used;
        if (sscanf(s, "%d:%d%n", &l, &c, &used) != 2 || l < 1 || l > cf->L || c < 0 || c >= cf->H) {
            gl_seterr("--show: \"%s\" is not LAYER:CELL with a layer 1..%d and a cell 0..%d", s, cf->L, cf->H - 1);
            return -1;
        }
        sh[k++] = (named_cell){ l - 1, c, 0 };
        s += used;
        if (*s == ',') s++;
    }
    return k;
}

static int fail(void) { fprintf(stderr, "glimpse: %s\n", gl_err()); return 1; }

// Correlates every cell of every layer with the features over c's lines: r[l] (GL_HW_FEAT_N, H).
static int correlate(gl_hw_model *m, const gl_hw_corpus *c, int which_h, float **r) {
    int L = m->cfg.L, H = m->cfg.H;
    gl_hw_corr *acc = gl_calloc((size_t)L, sizeof *acc);
    for (int l = 0; l < L; l++) gl_hw_corr_init(&acc[l], H);
    int rc = 0;
    for (int i = 0; i < c->n && !rc; i++) {
        const gl_hw_line *ln = &c->lines[i];
        gl_hw_cells cl;
        if (gl_hw_cells_run(m, ln->pts, ln->n, ln->text, &cl)) { rc = -1; break; }
        float *f = gl_malloc(sizeof(float) * GL_HW_FEAT_N * (size_t)ln->n);
        gl_hw_cells_features(ln->pts, ln->n, f);
        for (int l = 0; l < L; l++) gl_hw_corr_add(&acc[l], gl_hw_cells_layer(&cl, l, which_h), f, ln->n);
        free(f);
        gl_hw_cells_free(&cl);
    }
    for (int l = 0; l < L; l++) {
        r[l] = gl_malloc(sizeof(float) * GL_HW_FEAT_N * (size_t)H);
        gl_hw_corr_result(&acc[l], r[l]);
        gl_hw_corr_free(&acc[l]);
    }
    free(acc);
    return rc;
}

static int report(gl_hw_model *m, const gl_hw_corpus *c, const app_args *a, int which_h, const char *src) {
    int L = m->cfg.L, H = m->cfg.H, layer = (int)app_opt_long(a, cells_opts, "layer");
    int top = (int)app_opt_long(a, cells_opts, "top");
    if (layer > L) { gl_seterr("--layer %d: the network has %d layers", layer, L); return -1; }
    long npts = 0;
    for (int i = 0; i < c->n; i++) npts += c->lines[i].n;
    float *r[4] = {0};
    if (correlate(m, c, which_h, r)) { for (int l = 0; l < L; l++) free(r[l]); return -1; }
    printf("%s network, %d layers of %d cells, %s; %d lines of %s, %ld points\n",
           m->cfg.K > 0 ? "synthesis" : "prediction",
           L, H, which_h ? "output h" : "cell state c", c->n, src, npts);
    int l0 = layer ? layer - 1 : 0, l1 = layer ? layer : L;
    named_cell best[GL_HW_FEAT_N][50];
    for (int f = 0; f < GL_HW_FEAT_N; f++) {
        best_cells(r, l0, l1, H, f, top, best[f]);
        printf("%-14s", gl_hw_feature_name(f));
        for (int k = 0; k < top; k++)
            printf("  layer %d cell %3d r %+.3f", best[f][k].layer + 1, best[f][k].cell, best[f][k].r);
        printf("\n");
    }
    int rc = 0;
    const char *png = app_arg(a, cells_opts, "png");
    if (png) {
        named_cell sh[8];
        int nsh = 2;
        sh[0] = best[GL_HW_FEAT_PENUP][0]; sh[1] = best[GL_HW_FEAT_WORD][0];
        const char *show = app_arg(a, cells_opts, "show");
        if (show && (nsh = parse_show(show, &m->cfg, sh, 8)) <= 0) rc = -1;
        long li = app_opt_long(a, cells_opts, "line");
        if (!rc && li >= c->n) { gl_seterr("--line %ld: there are %d lines", li, c->n); rc = -1; }
        char lab[8][96];
        const char *labels[8];
        for (int k = 0; k < nsh && !rc; k++) {   // each named cell with the feature it tracks best
            int bf = 0;
            const float *rl = r[sh[k].layer] + sh[k].cell;
            for (int f = 1; f < GL_HW_FEAT_N; f++)
                if (fabsf(rl[(size_t)f * H]) > fabsf(rl[(size_t)bf * H])) bf = f;
            snprintf(lab[k], sizeof lab[k], "layer %d cell %d", sh[k].layer + 1, sh[k].cell);
            snprintf(lab[k] + strlen(lab[k]), sizeof lab[k] - strlen(lab[k]), "\n%s r %+.2f", gl_hw_feature_name(bf),
                     r[sh[k].layer][(size_t)bf * H + sh[k].cell]);
            labels[k] = lab[k];
        }
        gl_hw_cells cl;
        if (!rc && !(rc = gl_hw_cells_run(m, c->lines[li].pts, c->lines[li].n, c->lines[li].text, &cl))) {
            rc = draw_png(png, &c->lines[li], &cl, which_h, sh, nsh, labels);
            gl_hw_cells_free(&cl);
            if (!rc) fprintf(stderr, "glimpse: wrote %s\n", png);
        }
    }
    for (int l = 0; l < L; l++) free(r[l]);
    return rc;
}

int cmd_cells(int argc, char **argv) {
    app_args a;
    int pr = app_args_parse(argc, argv, cells_opts,
                           "usage: glimpse cells [--task predict|synth] [--model FILE] [--data iam:DIR] [--lines N] "
                           "[--layer L] [--state c|h] [--png OUT.png [--line I] [--show L:C,...]]",
                           &a);
    if (pr) return pr > 0 ? 0 : 2;
    const char *task = app_opt_text(&a, cells_opts, "task"), *path = app_arg(&a, cells_opts, "model");
    const char *data = app_arg(&a, cells_opts, "data");
    if (data && strncmp(data, "iam:", 4)) {
        fprintf(stderr, "glimpse: --data takes iam:DIR (without it the network's own lines are used)\n");
        return 2;
    }
    if (!path) path = app_asset_path(!strcmp(task, "synth") ? "handwriting-synth.safetensors"
                                                           : "handwriting-predict.safetensors");
    gl_hw_model *m = gl_hw_load(path, 0);
    if (!m) return fail();
    int n = (int)app_opt_long(&a, cells_opts, "lines"), which_h = !strcmp(app_opt_text(&a, cells_opts, "state"), "h");
    gl_hw_corpus c = {0};
    int rc = data ? iam_lines(m, data, app_arg(&a, cells_opts, "exclude"), n, &c)
                  : written_lines(m, n, (uint64_t)app_opt_long(&a, cells_opts, "seed"),
                                  (float)app_opt_num(&a, cells_opts, "bias"), &c);
    char src[64];
    snprintf(src, sizeof src, "%s", data ? "IAM-OnDB's held-out forms" : "the network's own writing");
    if (!rc) rc = report(m, &c, &a, which_h, src);
    gl_hw_corpus_free(&c);
    gl_hw_free(m);
    return rc ? fail() : 0;
}
