// Cluttered-MNIST classifier (gl_clut.h): parameters, the unrolled training
// pass (forward/backward through T glimpses), the trainer on every core,
// evaluation, runs for views, files.
#include "gl_clut.h"
#include "gl_nn.h"
#include "gl_par.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A GL_CLUT_A
#define K GL_CLUT_CLASSES
enum { P_WX, P_WH, P_B, P_CLS_W, P_CLS_B, P_PROBE_W, P_PROBE_B, P_READ_W, P_READ_B, P_COUNT };

struct gl_clut {
    gl_clut_config c;
    int NI;                 // N², the LSTM's input
    gl_params ps;
    int pi[P_COUNT];        // index into ps (−1: absent)
    gl_meta meta;
    float fixFx[GL_CLUT_MAXN * A], fixFy[GL_CLUT_MAXN * A];   // the no-attention window's banks
    // activations of the last forward, for B <= cap samples
    int cap, B;
    const float *x;
    uint8_t *y;             // (B)
    float *p5, *Fx, *Fy, *gam, *U;   // (T,B,5), (T,B,N,A) ×2, (T,B), (T,B,N,A)
    float *patch;           // (T,B,NI)
    float *h, *cs;          // (T+1,B,H) states h and c: index 0 holds zeros
    float *act, *tc;        // (T,B,4H), (T,B,H)
    float *prob;            // (T,B,K)
    // backward scratch
    float *dh, *dh2, *dc, *dc2, *dpre, *dpatch, *dp5, *dlog, *dF;
};

static float *P(gl_clut *m, int k) { return m->pi[k] < 0 ? NULL : m->ps.p[m->pi[k]].w; }
static float *G(gl_clut *m, int k) { return m->pi[k] < 0 ? NULL : m->ps.p[m->pi[k]].g; }

static int check_cfg(const gl_clut_config *c) {
    if (c->T < 1 || c->T > GL_CLUT_MAXT) {
        gl_seterr("glimpses must be in [1, %d], got %d", GL_CLUT_MAXT, c->T);
        return -1;
    }
    if (c->N < 2 || c->N > GL_CLUT_MAXN) {
        gl_seterr("read grid must be in [2, %d], got %d", GL_CLUT_MAXN, c->N);
        return -1;
    }
    if (c->hidden < 1 || c->hidden > 4096) {
        gl_seterr("LSTM size must be in [1, 4096], got %d", c->hidden);
        return -1;
    }
    if (c->attention != 0 && c->attention != 1) { gl_seterr("attention must be 0 or 1"); return -1; }
    return 0;
}

static gl_clut *alloc_model(const gl_clut_config *cfg) {
    if (check_cfg(cfg)) return NULL;
    gl_clut *m = gl_calloc(1, sizeof *m);
    m->c = *cfg;
    int H = cfg->hidden, T = cfg->T;
    m->NI = cfg->N * cfg->N;
    for (int k = 0; k < P_COUNT; k++) m->pi[k] = -1;
#define ADD(k, name, a, b, c_) do { gl_params_add(&m->ps, name, a, b, c_, 0); m->pi[k] = m->ps.n - 1; } while (0)
    ADD(P_WX, "lstm.Wx", 4 * H, m->NI, 0);
    ADD(P_WH, "lstm.Wh", 4 * H, H, 0);
    ADD(P_B, "lstm.b", 4 * H, 0, 0);
    ADD(P_CLS_W, "cls.W", K, H, 0);
    ADD(P_CLS_B, "cls.b", K, 0, 0);
    if (T > 1) {
        ADD(P_PROBE_W, "probe.W", T - 1, K, H);
        ADD(P_PROBE_B, "probe.b", T - 1, K, 0);
    }
    if (cfg->attention) {
        ADD(P_READ_W, "read.W", GL_CW_NPAR, H, 0);
        ADD(P_READ_B, "read.b", GL_CW_NPAR, 0, 0);
    }
#undef ADD
    gl_clut_window w;
    gl_clut_window_whole(cfg->N, &w);
    gl_clut_filterbank_of(m->fixFx, m->fixFy, &w, cfg->N);
    return m;
}

int gl_clut_is_probe(const gl_param *p) { return !strncmp(p->name, "probe.", 6); }

gl_clut *gl_clut_new(const gl_clut_config *cfg, uint64_t seed) {
    gl_clut *m = alloc_model(cfg);
    if (!m) return NULL;
    gl_rng r;
    gl_rng_seed(&r, seed);
    int H = m->c.hidden, N = m->c.N;
    float s = 1.0f / sqrtf((float)(m->NI + H));
    gl_fill_uniform(P(m, P_WX), (size_t)4 * H * m->NI, s, &r);
    gl_fill_uniform(P(m, P_WH), (size_t)4 * H * H, s, &r);
    for (int j = 0; j < H; j++) P(m, P_B)[H + j] = 1.0f;   // forget gates start open
    gl_fill_uniform(P(m, P_CLS_W), (size_t)K * H, 1.0f / sqrtf((float)H), &r);
    if (m->c.T > 1) gl_fill_uniform(P(m, P_PROBE_W), (size_t)(m->c.T - 1) * K * H, 1.0f / sqrtf((float)H), &r);
    if (m->c.attention) {
        gl_fill_uniform(P(m, P_READ_W), (size_t)GL_CW_NPAR * H, 0.1f / sqrtf((float)H), &r);
        // the first window is the whole-image window: δ0 = (A−1)/(N−1), σ0 = δ0/2
        gl_clut_window w;
        gl_clut_window_whole(N, &w);
        float *b = P(m, P_READ_B);
        b[GL_CW_LOGS2] = logf(w.sigma2 - GL_CLUT_SIGMA2_MIN);
        b[GL_CW_LOGDELTA] = logf((w.delta - GL_CLUT_DELTA_MIN) * (float)(N - 1) / (float)(A - 1));
    }
    return m;
}

gl_clut *gl_clut_load(const char *path, int with_opt) {
    gl_st_file f;
    if (gl_st_load(path, &f)) return NULL;
    const char *model = gl_meta_get(&f.meta, "model");
    if (!model || strcmp(model, "cluttered")) {
        gl_seterr("%s: not a cluttered-MNIST weight file (metadata model=%s)", path, model ? model : "missing");
        gl_st_free(&f);
        return NULL;
    }
    long v[4];
    static const char *keys[4] = { "attention", "glimpses", "read_n", "hidden" };
    static const long lo[4] = { 0, 1, 2, 1 }, hi[4] = { 1, GL_CLUT_MAXT, GL_CLUT_MAXN, 4096 };
    for (int i = 0; i < 4; i++)
        if (gl_meta_int_in(&f.meta, keys[i], lo[i], hi[i], &v[i])) {
            gl_seterr("%s: %s", path, gl_err());
            gl_st_free(&f);
            return NULL;
        }
    gl_st_free(&f);
    gl_clut_config c = { .attention = (int)v[0], .T = (int)v[1], .N = (int)v[2], .hidden = (int)v[3] };
    gl_clut *m = alloc_model(&c);
    if (!m) { char e[256]; snprintf(e, sizeof e, "%s", gl_err()); gl_seterr("%s: %s", path, e); return NULL; }
    if (gl_params_load(&m->ps, path, &m->meta, with_opt)) { gl_clut_free(m); return NULL; }
    return m;
}

int gl_clut_save(const gl_clut *m, const char *path, const gl_meta *extra, int with_opt) {
    gl_meta meta = {0};
    if (extra) for (int i = 0; i < extra->n; i++) gl_meta_set(&meta, extra->key[i], "%s", extra->val[i]);
    gl_meta_set(&meta, "model", "cluttered");
    gl_meta_set(&meta, "attention", "%d", m->c.attention);
    gl_meta_set(&meta, "glimpses", "%d", m->c.T);
    gl_meta_set(&meta, "read_n", "%d", m->c.N);
    gl_meta_set(&meta, "hidden", "%d", m->c.hidden);
    gl_meta_set(&meta, "image_size", "%d", A);
    int rc = gl_params_save(&m->ps, path, &meta, with_opt);
    gl_meta_free(&meta);
    return rc;
}

static void free_ws(gl_clut *m) {
    float **bufs[] = { &m->p5, &m->Fx, &m->Fy, &m->gam, &m->U, &m->patch, &m->h, &m->cs, &m->act, &m->tc, &m->prob,
                       &m->dh, &m->dh2, &m->dc, &m->dc2, &m->dpre, &m->dpatch, &m->dp5, &m->dlog, &m->dF };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) { free(*bufs[i]); *bufs[i] = NULL; }
    free(m->y); m->y = NULL;
    m->cap = 0;
}

void gl_clut_free(gl_clut *m) {
    if (!m) return;
    free_ws(m);
    gl_params_free(&m->ps);
    gl_meta_free(&m->meta);
    free(m);
}

const gl_clut_config *gl_clut_cfg(const gl_clut *m) { return &m->c; }
gl_params *gl_clut_params(gl_clut *m) { return &m->ps; }
const gl_meta *gl_clut_meta(const gl_clut *m) { return &m->meta; }
const float *gl_clut_probs(const gl_clut *m) { return m->prob; }

static void ensure_ws(gl_clut *m, int B) {
    if (B <= m->cap) return;
    free_ws(m);
    size_t T = (size_t)m->c.T, H = (size_t)m->c.hidden, N = (size_t)m->c.N, b = (size_t)B;
#define AL(p, n) (m->p = gl_calloc((n), sizeof(float)))
    AL(p5, T * b * GL_CW_NPAR); AL(Fx, T * b * N * A); AL(Fy, T * b * N * A); AL(gam, T * b); AL(U, T * b * N * A);
    AL(patch, T * b * m->NI); AL(h, (T + 1) * b * H); AL(cs, (T + 1) * b * H); AL(act, T * b * 4 * H);
    AL(tc, T * b * H); AL(prob, T * b * K);
    AL(dh, b * H); AL(dh2, b * H); AL(dc, b * H); AL(dc2, b * H); AL(dpre, b * 4 * H); AL(dpatch, b * m->NI);
    AL(dp5, b * GL_CW_NPAR); AL(dlog, b * K); AL(dF, 2 * N * A);
#undef AL
    m->y = gl_calloc(b, 1);
    m->cap = B;
}

// probabilities (B,K) = softmax(h W^T + b); returns Σ −log p[y] and counts hits
static double classify(float *prob, const float *h, const float *W, const float *bias, const uint8_t *y, int B, int H,
                       int *hits) {
    gl_linear_forward(prob, h, W, bias, B, H, K, 0);
    double ce = 0;
    for (int n = 0; n < B; n++) {
        float *p = prob + (size_t)n * K;
        gl_softmax(p, K);
        if (y) {
            ce -= log((double)p[y[n]] + 1e-30);
            int best = 0;
            for (int k = 1; k < K; k++) if (p[k] > p[best]) best = k;
            if (hits && best == y[n]) (*hits)++;
        }
    }
    return ce;
}

double gl_clut_forward(gl_clut *m, const float *x, const uint8_t *y, int B, int *correct) {
    ensure_ws(m, B);
    m->B = B;
    m->x = x;
    if (y) memcpy(m->y, y, (size_t)B);
    else memset(m->y, 0, (size_t)B);
    int T = m->c.T, H = m->c.hidden, N = m->c.N, NI = m->NI;
    size_t NA = (size_t)N * A;
    memset(m->h, 0, sizeof(float) * (size_t)B * H);   // h_0 = c_0 = 0
    memset(m->cs, 0, sizeof(float) * (size_t)B * H);
    for (int t = 0; t < T; t++) {
        float *p5 = m->p5 + (size_t)t * B * GL_CW_NPAR, *patch = m->patch + (size_t)t * B * NI;
        const float *hp = m->h + (size_t)t * B * H;
        if (m->c.attention) {
            gl_linear_forward(p5, hp, P(m, P_READ_W), P(m, P_READ_B), B, H, GL_CW_NPAR, 0);
            for (int n = 0; n < B; n++) {
                size_t o = (size_t)t * B + n;
                gl_clut_filterbank_forward(m->Fx + o * NA, m->Fy + o * NA, &m->gam[o], p5 + (size_t)n * GL_CW_NPAR, N);
                gl_clut_read_forward(patch + (size_t)n * NI, m->U + o * NA, x + (size_t)n * GL_CLUT_D, m->Fx + o * NA,
                                     m->Fy + o * NA, m->gam[o], N);
            }
        } else if (t == 0) {
            for (int n = 0; n < B; n++)
                gl_clut_read_forward(patch + (size_t)n * NI, m->U + (size_t)n * NA, x + (size_t)n * GL_CLUT_D,
                                     m->fixFx, m->fixFy, 1.0f, N);
        } else {
            memcpy(patch, m->patch, sizeof(float) * (size_t)B * NI);   // the same glimpse every step
        }
        gl_lstm_forward(m->h + (size_t)(t + 1) * B * H, m->cs + (size_t)(t + 1) * B * H, m->act + (size_t)t * B * 4 * H,
                        m->tc + (size_t)t * B * H, patch, t ? hp : NULL, t ? m->cs + (size_t)t * B * H : NULL,
                        P(m, P_WX), P(m, P_WH), P(m, P_B), NULL, B, NI, H);
    }
    // the probes after glimpses 1..T−1, the classifier after the last
    for (int t = 0; t + 1 < T; t++)
        classify(m->prob + (size_t)t * B * K, m->h + (size_t)(t + 1) * B * H, P(m, P_PROBE_W) + (size_t)t * K * H,
                 P(m, P_PROBE_B) + (size_t)t * K, NULL, B, H, NULL);
    int hits = 0;
    double ce = classify(m->prob + (size_t)(T - 1) * B * K, m->h + (size_t)T * B * H, P(m, P_CLS_W), P(m, P_CLS_B),
                         y ? m->y : NULL, B, H, &hits);
    if (correct) *correct = hits;
    return ce / B;
}

// dlog (B,K) = (p − onehot(y)) / B
static void dlogits(float *dlog, const float *prob, const uint8_t *y, int B) {
    for (int n = 0; n < B; n++)
        for (int k = 0; k < K; k++) dlog[n * K + k] = (prob[n * K + k] - (k == y[n] ? 1.0f : 0.0f)) / (float)B;
}

void gl_clut_backward(gl_clut *m) {
    int B = m->B, T = m->c.T, H = m->c.hidden, N = m->c.N, NI = m->NI;
    size_t NA = (size_t)N * A;
    // probes: their own cross-entropy, stopped at h_t
    for (int t = 0; t + 1 < T; t++) {
        dlogits(m->dlog, m->prob + (size_t)t * B * K, m->y, B);
        gl_linear_backward(NULL, G(m, P_PROBE_W) + (size_t)t * K * H, G(m, P_PROBE_B) + (size_t)t * K, m->dlog,
                           m->h + (size_t)(t + 1) * B * H, NULL, B, H, K);
    }
    // the class after the last glimpse: into dh_T
    dlogits(m->dlog, m->prob + (size_t)(T - 1) * B * K, m->y, B);
    memset(m->dh, 0, sizeof(float) * (size_t)B * H);
    memset(m->dc, 0, sizeof(float) * (size_t)B * H);
    gl_linear_backward(m->dh, G(m, P_CLS_W), G(m, P_CLS_B), m->dlog, m->h + (size_t)T * B * H, P(m, P_CLS_W), B, H, K);
    float *dh = m->dh, *dhp = m->dh2, *dc = m->dc, *dcp = m->dc2;
    for (int t = T - 1; t >= 0; t--) {
        const float *hp = m->h + (size_t)t * B * H, *cp = m->cs + (size_t)t * B * H;
        const float *patch = m->patch + (size_t)t * B * NI;
        memset(dhp, 0, sizeof(float) * (size_t)B * H);
        memset(dcp, 0, sizeof(float) * (size_t)B * H);
        if (m->c.attention) memset(m->dpatch, 0, sizeof(float) * (size_t)B * NI);
        gl_lstm_backward(m->dpre, m->c.attention ? m->dpatch : NULL, t ? dhp : NULL, t ? dcp : NULL, G(m, P_WX),
                         G(m, P_WH), G(m, P_B), dh, dc, m->act + (size_t)t * B * 4 * H, m->tc + (size_t)t * B * H,
                         patch, t ? hp : NULL, t ? cp : NULL, P(m, P_WX), P(m, P_WH), B, NI, H);
        if (m->c.attention) {
            memset(m->dp5, 0, sizeof(float) * (size_t)B * GL_CW_NPAR);
            for (int n = 0; n < B; n++) {
                size_t o = (size_t)t * B + n;
                float *dFx = m->dF, *dFy = m->dF + NA;
                memset(m->dF, 0, sizeof(float) * 2 * NA);
                float dg =
                    gl_clut_read_backward(dFx, dFy, m->dpatch + (size_t)n * NI, patch + (size_t)n * NI, m->U + o * NA,
                                          m->x + (size_t)n * GL_CLUT_D, m->Fx + o * NA, m->gam[o], N);
                gl_clut_filterbank_backward(m->dp5 + (size_t)n * GL_CW_NPAR, dFx, dFy, dg, m->Fx + o * NA,
                                            m->Fy + o * NA, m->p5 + o * GL_CW_NPAR, N);
            }
            // p5 = W h_{t−1} + b (h_0 = 0: only b's gradient at t = 0)
            gl_linear_backward(t ? dhp : NULL, t ? G(m, P_READ_W) : NULL, G(m, P_READ_B), m->dp5, hp, P(m, P_READ_W), B,
                               H, GL_CW_NPAR);
        }
        float *s = dh; dh = dhp; dhp = s;
        s = dc; dc = dcp; dcp = s;
    }
}

void gl_clut_windows(const gl_clut *m, gl_clut_window *w) {
    int B = m->B, T = m->c.T;
    for (int t = 0; t < T; t++)
        for (int n = 0; n < B; n++) {
            if (m->c.attention)
                gl_clut_window_of(m->p5 + ((size_t)t * B + n) * GL_CW_NPAR, m->c.N, &w[(size_t)t * B + n]);
            else gl_clut_window_whole(m->c.N, &w[(size_t)t * B + n]);
        }
}

// ---- the trainer on every core ------------------------------------------------------
struct gl_clut_trainer {
    gl_clut *m;
    int n;
    gl_clut *rep[16];
    const float *x;
    const uint8_t *y;
    int B, grads;
    double ce[16];
    int hits[16];
};

static gl_clut *replica(gl_clut *m) {
    gl_clut *r = gl_calloc(1, sizeof *r);
    r->c = m->c; r->NI = m->NI;
    memcpy(r->pi, m->pi, sizeof r->pi);
    memcpy(r->fixFx, m->fixFx, sizeof r->fixFx);
    memcpy(r->fixFy, m->fixFy, sizeof r->fixFy);
    gl_params_replica(&r->ps, &m->ps);
    return r;
}

gl_clut_trainer *gl_clut_trainer_new(gl_clut *m) {
    gl_clut_trainer *t = gl_calloc(1, sizeof *t);
    t->m = m;
    t->n = gl_par_threads();
    if (t->n > 16) t->n = 16;
    for (int i = 0; i < t->n; i++) t->rep[i] = replica(m);
    return t;
}

void gl_clut_trainer_free(gl_clut_trainer *t) {
    if (!t) return;
    for (int i = 0; i < t->n; i++) {
        gl_clut *r = t->rep[i];
        free_ws(r);
        gl_params_replica_free(&r->ps);
        free(r);
    }
    free(t);
}

static void task(void *ctx, int i) {
    gl_clut_trainer *t = ctx;
    int lo, hi;
    gl_par_slice(t->B, t->n, i, &lo, &hi);
    gl_clut *r = t->rep[i];
    t->ce[i] = 0;
    t->hits[i] = 0;
    if (hi <= lo) return;
    if (t->grads) gl_params_zero_grad(&r->ps);
    t->ce[i] = gl_clut_forward(r, t->x + (size_t)lo * GL_CLUT_D, t->y ? t->y + lo : NULL, hi - lo, &t->hits[i]);
    if (t->grads) gl_clut_backward(r);
}

double gl_clut_trainer_step(gl_clut_trainer *t, const float *x, const uint8_t *y, int B, int grads, int *correct) {
    t->x = x; t->y = y; t->B = B; t->grads = grads;
    int saved = t->n;
    if (t->n > B) t->n = B;
    gl_par_run(t->n, task, t);
    double ce = 0;
    int hits = 0;
    for (int i = 0; i < t->n; i++) {
        int lo, hi;
        gl_par_slice(B, t->n, i, &lo, &hi);
        if (hi <= lo) continue;
        double share = (double)(hi - lo) / B;
        ce += share * t->ce[i];
        hits += t->hits[i];
        if (grads) {
            gl_params *dst = &t->m->ps, *src = &t->rep[i]->ps;
            for (int p = 0; p < dst->n; p++)
                for (size_t q = 0; q < dst->p[p].n; q++) dst->p[p].g[q] += (float)share * src->p[p].g[q];
        }
    }
    t->n = saved;
    if (correct) *correct = hits;
    return ce;
}

// ---- evaluation ---------------------------------------------------------------------
static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int gl_clut_evaluate(gl_clut *m, const gl_mnist *test, int n, int clutter, const atomic_int *cancel,
                     gl_clut_score *s) {
    if (n > test->n) n = test->n;
    memset(s, 0, sizeof *s);
    if (n < 1) { gl_seterr("no test images"); return -1; }
    int T = m->c.T, Bmax = 100;
    float *x = gl_malloc(sizeof(float) * (size_t)Bmax * GL_CLUT_D);
    uint8_t *y = gl_malloc((size_t)Bmax);
    gl_clut_place *where = gl_malloc(sizeof *where * (size_t)Bmax);
    float *box = gl_malloc(sizeof(float) * (size_t)n * T);
    gl_clut_window *w = gl_malloc(sizeof *w * (size_t)Bmax * T);
    long wrong_t[GL_CLUT_MAXT] = { 0 }, found = 0;
    double ce = 0;
    gl_clut_trainer *tr = gl_clut_trainer_new(m);
    int rc = 0;
    for (int lo = 0; lo < n; lo += Bmax) {
        if (cancel && atomic_load(cancel)) { rc = -1; gl_seterr("cancelled"); break; }
        int B = n - lo < Bmax ? n - lo : Bmax;
        for (int i = 0; i < B; i++) {
            gl_clut_make(x + (size_t)i * GL_CLUT_D, test, lo + i, clutter, gl_clut_test_seed(lo + i), &where[i]);
            y[i] = test->y[lo + i];
        }
        ce += B * gl_clut_trainer_step(tr, x, y, B, 0, NULL);
        // the replicas hold the slices' activations: windows and probabilities from each
        for (int r = 0; r < tr->n; r++) {
            int a, b;
            gl_par_slice(B, tr->n, r, &a, &b);
            if (b <= a) continue;
            gl_clut *rep = tr->rep[r];
            gl_clut_windows(rep, w);
            int nb = b - a;
            for (int i = 0; i < nb; i++) {
                int g = a + i;
                for (int t = 0; t < T; t++) {
                    const float *p = rep->prob + ((size_t)t * nb + i) * K;
                    int best = 0;
                    for (int k = 1; k < K; k++) if (p[k] > p[best]) best = k;
                    if (best != y[g]) wrong_t[t]++;
                    box[(size_t)t * n + lo + g] = w[(size_t)t * nb + i].box;
                }
                const gl_clut_window *lw = &w[(size_t)(T - 1) * nb + i];
                float half = 0.5f * lw->box;
                if (fabsf(where[g].cx - lw->gx) <= half && fabsf(where[g].cy - lw->gy) <= half) found++;
            }
        }
    }
    if (!rc) {
        s->n = n;
        s->loss = ce / n;
        for (int t = 0; t < T; t++) {
            s->err_t[t] = (double)wrong_t[t] / n;
            qsort(box + (size_t)t * n, (size_t)n, sizeof(float), cmp_float);
            s->box_t[t] = box[(size_t)t * n + n / 2];
        }
        s->err = s->err_t[T - 1];
        s->found = (double)found / n;
        s->box_median = s->box_t[T - 1];
    }
    gl_clut_trainer_free(tr);
    free(x); free(y); free(where); free(box); free(w);
    return rc;
}

// ---- runs for views -----------------------------------------------------------------
gl_trace *gl_clut_trace_new(const gl_clut *m) {
    return gl_trace_new(GL_TRACE_CLUTTER, sizeof(gl_clut_frame), m->c.T, NULL);
}

typedef struct { gl_clut *m; const float *img; } run_ctx;
static void run_task(void *ctx, int i) {
    (void)i;
    run_ctx *c = ctx;
    gl_clut_forward(c->m, c->img, NULL, 1, NULL);
}

int gl_clut_run(gl_clut *m, const float *img, gl_trace *trace, gl_clut_frame *frames) {
    // as one task of a parallel section: OpenBLAS held to one thread (its
    // threads would cost more than the ~0.4 ms of work, and the app's cores
    // are the GUI's and the trainer's)
    run_ctx c = { m, img };
    gl_par_run(1, run_task, &c);
    int T = m->c.T, N = m->c.N, H = m->c.hidden;
    gl_clut_window w[GL_CLUT_MAXT];
    gl_clut_windows(m, w);
    gl_clut_frame f;
    for (int t = 0; t < T; t++) {
        memset(&f, 0, sizeof f);
        f.t = t; f.T = T; f.N = N;
        f.win = w[t];
        const float *patch = m->patch + (size_t)t * m->NI;
        for (int k = 0; k < N * N; k++) f.patch[k] = patch[k] / (w[t].gamma > 0 ? w[t].gamma : 1.0f);
        memcpy(f.prob, m->prob + (size_t)t * K, sizeof f.prob);
        int nh = H < GL_CLUT_FRAME_H ? H : GL_CLUT_FRAME_H;
        memcpy(f.h, m->h + (size_t)(t + 1) * H, sizeof(float) * (size_t)nh);
        if (frames) frames[t] = f;
        if (trace) gl_trace_push(trace, &f);
    }
    if (trace) gl_trace_finish(trace);
    const float *p = m->prob + (size_t)(T - 1) * K;
    int best = 0;
    for (int k = 1; k < K; k++) if (p[k] > p[best]) best = k;
    return best;
}
