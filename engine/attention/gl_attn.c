// gl_attn: the MNIST soft-attention classifier. See gl_attn.h for the model.
// Every layer is a forward/backward pair over a minibatch workspace; the
// single-digit path (gl_attn_run) is the same forward with B = 1.
#include "gl_attn.h"
#include "gl_attn_ws.h"
#include "gl_nn.h"
#include "gl_util.h"
#include "gl_vmath.h"
#include "gl_par.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S GL_ATTN_STEPS
#define L GL_ATTN_LOC
#define CH GL_ATTN_CH
#define NIN GL_ATTN_IN

static const char *key_names[] = { "softmax", "gaussian", "feature" };
const char *gl_key_name(gl_key_type k) { return key_names[k]; }
int gl_key_parse(const char *s, gl_key_type *k) {
    for (int i = 0; i < 3; i++) if (!strcmp(s, key_names[i])) { *k = (gl_key_type)i; return 0; }
    gl_seterr("unknown key type '%s' (softmax, gaussian or feature)", s);
    return -1;
}
int gl_key_outputs(gl_key_type k) { return k == GL_KEY_SOFTMAX ? L : k == GL_KEY_GAUSSIAN ? 5 : CH; }

static void add_params(gl_attn *m) {
    int H = m->H, K = gl_key_outputs(m->key);
    m->conv_w = gl_params_add(&m->ps, "conv.w", CH, 25 * m->cin, 0, 0);
    m->conv_b = gl_params_add(&m->ps, "conv.b", CH, 0, 0, 0);
    m->Wx = gl_params_add(&m->ps, "lstm.wx", 4 * H, NIN, 0, 0);
    m->Wh = gl_params_add(&m->ps, "lstm.wh", 4 * H, H, 0, 0);
    m->lb = gl_params_add(&m->ps, "lstm.b", 4 * H, 0, 0, 0);
    m->key_w = gl_params_add(&m->ps, "key.w", K, H, 0, 0);
    m->key_b = gl_params_add(&m->ps, "key.b", K, 0, 0, 0);
    m->cls_w = gl_params_add(&m->ps, "cls.w", 10, H, 0, 0);
    m->cls_b = gl_params_add(&m->ps, "cls.b", 10, 0, 0, 0);
}

gl_attn *gl_attn_new(gl_key_type key, int hidden, unsigned long seed) { return gl_attn_new_ex(key, hidden, 1, seed); }

gl_attn *gl_attn_new_ex(gl_key_type key, int hidden, int coords, unsigned long seed) {
    gl_attn *m = gl_calloc(1, sizeof *m);
    m->key = key;
    m->H = hidden;
    m->cin = coords ? 3 : 1;
    add_params(m);
    gl_rng r;
    gl_rng_seed(&r, seed);
    int H = hidden, K = gl_key_outputs(key);
    for (int i = 0; i < CH * 25 * m->cin; i++) m->conv_w[i] = gl_rng_normal(&r) * sqrtf(2.0f / (25 * m->cin));
    gl_fill_uniform(m->Wx, (size_t)4 * H * NIN, 1.0f / sqrtf((float)NIN), &r);
    gl_fill_uniform(m->Wh, (size_t)4 * H * H, 1.0f / sqrtf((float)H), &r);
    for (int j = H; j < 2 * H; j++) m->lb[j] = 1.0f;   // forget gate starts open
    gl_fill_uniform(m->key_w, (size_t)K * H, 0.1f / sqrtf((float)H), &r);
    gl_fill_uniform(m->cls_w, (size_t)10 * H, 1.0f / sqrtf((float)H), &r);
    m->ws1 = gl_attn_ws_new(m, 1);
    return m;
}

void gl_attn_free(gl_attn *m) {
    if (!m) return;
    gl_attn_ws_free(m->ws1);
    free(m->fast_lstm); free(m->fast_key); free(m->fast_cls);
    gl_params_free(&m->ps);
    gl_meta_free(&m->meta);
    free(m);
}
gl_key_type gl_attn_key(const gl_attn *m) { return m->key; }
int gl_attn_hidden(const gl_attn *m) { return m->H; }
gl_params *gl_attn_params(gl_attn *m) { return &m->ps; }
const gl_meta *gl_attn_meta(const gl_attn *m) { return &m->meta; }

int gl_attn_save(const gl_attn *m, const char *path, const gl_meta *extra) {
    gl_meta meta = {0};
    gl_meta_set(&meta, "model", "glimpse-attention");
    gl_meta_set(&meta, "key", "%s", gl_key_name(m->key));
    gl_meta_set(&meta, "hidden", "%d", m->H);
    gl_meta_set(&meta, "steps", "%d", S);
    gl_meta_set(&meta, "conv_filters", "%d", CH);
    gl_meta_set(&meta, "coord_channels", "%d", m->cin == 3);
    if (extra) for (int i = 0; i < extra->n; i++) gl_meta_set(&meta, extra->key[i], "%s", extra->val[i]);
    int rc = gl_params_save(&m->ps, path, &meta, 0);
    gl_meta_free(&meta);
    return rc;
}

gl_attn *gl_attn_load(const char *path) {
    gl_st_file f;
    if (gl_st_load(path, &f) != 0) return NULL;
    const char *model = gl_meta_get(&f.meta, "model"), *ks = gl_meta_get(&f.meta, "key");
    long H = 0, coords = 0;
    gl_key_type key;
    if (!model || strcmp(model, "glimpse-attention")) {
        gl_seterr("%s: not a glimpse attention model (metadata 'model' is %s)", path, model ? model : "missing");
        gl_st_free(&f);
        return NULL;
    }
    if (!ks || gl_key_parse(ks, &key) != 0) {
        gl_seterr("%s: bad or missing 'key' in metadata", path);
        gl_st_free(&f);
        return NULL;
    }
    if (gl_meta_int_in(&f.meta, "hidden", 1, 4096, &H) ||
        (gl_meta_get(&f.meta, "coord_channels") && gl_meta_int_in(&f.meta, "coord_channels", 0, 1, &coords)) ||
        (gl_meta_get(&f.meta, "steps") && gl_meta_int_in(&f.meta, "steps", GL_ATTN_STEPS, GL_ATTN_STEPS, &(long){0}))) {
        gl_seterr("%s: %s", path, gl_err()); gl_st_free(&f); return NULL;
    }
    gl_st_free(&f);
    gl_attn *m = gl_attn_new_ex(key, (int)H, (int)coords, 0);
    if (gl_params_load(&m->ps, path, &m->meta, 0) != 0) { gl_attn_free(m); return NULL; }
    m->fast_ok = 0;
    return m;
}

// ---------------------------------------------------------------------------
// conv 5x5 (same padding) + ReLU + 2x2 max-pool.
// img (B,784) -> pad (B,32,32) -> conv (B,CH,784) -> V (B,L,CH)
// With coordinate channels (cin = 3) the conv also sees each pixel's x and y
// in [-1,1] (zero in the padding, like the ink), so the features - and the
// glimpses of the feature key, which selects by content alone - carry where
// on the digit they come from. Those two planes are the same for every
// digit, so their part of the conv (plus the bias) is one (CH,784) map,
// computed once per set of weights (ws->cmap, checked against ws->cmap_w).

static void coord_planes(float *px, float *py) {
    memset(px, 0, 1024 * sizeof(float));
    memset(py, 0, 1024 * sizeof(float));
    for (int yy = 0; yy < 28; yy++)
        for (int xx = 0; xx < 28; xx++) {
            px[(yy + 2) * 32 + xx + 2] = xx / 13.5f - 1.0f;
            py[(yy + 2) * 32 + xx + 2] = yy / 13.5f - 1.0f;
        }
}

static void coord_map(const gl_attn *m, gl_attn_ws *w) {
    size_t nw = (size_t)CH * 25 * m->cin;
    if (w->cmap_ok && !memcmp(w->cmap_w, m->conv_w, nw * sizeof(float)) &&
        !memcmp(w->cmap_w + nw, m->conv_b, CH * sizeof(float)))
        return;
    for (int c = 0; c < CH; c++) for (int p = 0; p < 784; p++) w->cmap[c * 784 + p] = m->conv_b[c];
    if (m->cin == 3) {
        gl_conv5x5_forward(w->cmap, w->px, m->conv_w + 25, 25 * m->cin, CH);
        gl_conv5x5_forward(w->cmap, w->py, m->conv_w + 50, 25 * m->cin, CH);
    }
    memcpy(w->cmap_w, m->conv_w, nw * sizeof(float));
    memcpy(w->cmap_w + nw, m->conv_b, CH * sizeof(float));
    w->cmap_ok = 1;
}

static void conv_forward(gl_attn *m, gl_attn_ws *w, const float *img, int B) {
    coord_map(m, w);
    for (int b = 0; b < B; b++) {
        float *pad = w->pad + (size_t)b * 1024, *conv = w->conv + (size_t)b * CH * 784;
        for (int y = 0; y < 28; y++) memcpy(pad + (y + 2) * 32 + 2, img + (size_t)b * 784 + y * 28, 28 * sizeof(float));
        memcpy(conv, w->cmap, (size_t)CH * 784 * sizeof(float));
        gl_conv5x5_forward(conv, pad, m->conv_w, 25 * m->cin, CH);
        // ReLU after the max: max(relu(a), relu(b)) = relu(max(a, b)).
        // Branch-free; which of the four won is found again in backward.
        float *V = w->V + (size_t)b * L * CH;
        for (int c = 0; c < CH; c++) {
            const float *cc = conv + (size_t)c * 784;
            for (int py = 0; py < 14; py++)
                for (int px = 0; px < 14; px++) {
                    const float *q = cc + 2 * py * 28 + 2 * px;
                    float a = q[0] > q[1] ? q[0] : q[1], b2 = q[28] > q[29] ? q[28] : q[29];
                    float v = a > b2 ? a : b2;
                    V[(py * 14 + px) * CH + c] = v > 0 ? v : 0.0f;
                }
        }
    }
}

// dV (B,L,CH) -> dconv_w, dconv_b (the image itself needs no gradient).
static void conv_backward(gl_attn *m, gl_attn_ws *w, int B) {
    gl_param *pw = gl_params_find(&m->ps, "conv.w"), *pb = gl_params_find(&m->ps, "conv.b");
    float *sum = w->dconv_sum;   // Σ over the batch, for the bias and the coordinate planes
    memset(sum, 0, (size_t)CH * 784 * sizeof(float));
    for (int b = 0; b < B; b++) {
        float *dconv = w->dconv, *conv = w->conv + (size_t)b * CH * 784;
        memset(dconv, 0, (size_t)CH * 784 * sizeof(float));
        const float *dV = w->dV + (size_t)b * L * CH, *V = w->V + (size_t)b * L * CH;
        // through the ReLU (V > 0) and the max: the first of the four equal to V
        for (int l = 0; l < L; l++)
            for (int c = 0; c < CH; c++) {
                float v = V[l * CH + c];
                if (!(v > 0)) continue;
                int p0 = c * 784 + (l / 14) * 56 + (l % 14) * 2;
                int best = conv[p0] == v ? p0 : conv[p0 + 1] == v ? p0 + 1 : conv[p0 + 28] == v ? p0 + 28 : p0 + 29;
                dconv[best] += dV[l * CH + c];
            }
        gl_conv5x5_backward_w(pw->g, dconv, w->pad + (size_t)b * 1024, 25 * m->cin, CH);
        for (int k = 0; k < CH * 784; k++) sum[k] += dconv[k];
    }
    for (int c = 0; c < CH; c++) {
        double s = 0;
        for (int p = 0; p < 784; p++) s += sum[c * 784 + p];
        pb->g[c] += (float)s;
    }
    if (m->cin == 3) {
        gl_conv5x5_backward_w(pw->g + 25, sum, w->px, 25 * m->cin, CH);
        gl_conv5x5_backward_w(pw->g + 50, sum, w->py, 25 * m->cin, CH);
    }
}

// ---------------------------------------------------------------------------
// Keys: h (B,H) -> kout (B,K) -> logits (B,L) -> mask = softmax(logits).

#define MU_C 6.5f      // grid centre
#define MU_R 7.0f      // μ = MU_C + MU_R·tanh(p)
#define SIG0 2.0f      // σ = SIG0·exp(p), in grid cells
#define RHO_R 0.9f     // ρ = RHO_R·tanh(p)

static void gauss_unpack(const float *p, float *mx, float *my, float *sx, float *sy, float *rho) {
    *mx = MU_C + MU_R * tanhf(p[0]);
    *my = MU_C + MU_R * tanhf(p[1]);
    *sx = SIG0 * expf(fminf(fmaxf(p[2], -6.0f), 4.0f));
    *sy = SIG0 * expf(fminf(fmaxf(p[3], -6.0f), 4.0f));
    *rho = RHO_R * tanhf(p[4]);
}

// logits (L) of one sample from its key output kout and its volume V (L,CH).
static void key_logits(gl_key_type key, const float *kout, const float *V, float *logits) {
    if (key == GL_KEY_SOFTMAX) memcpy(logits, kout, L * sizeof(float));
    else if (key == GL_KEY_FEATURE) {
        for (int l = 0; l < L; l++) {
            float s = 0;
            for (int c = 0; c < CH; c++) s += V[l * CH + c] * kout[c];
            logits[l] = s;
        }
    }
    else {
        // Bivariate Gaussian over the 14x14 grid (unnormalised log density;
        // the softmax over locations normalises it).
        float mx, my, sx, sy, rho;
        gauss_unpack(kout, &mx, &my, &sx, &sy, &rho);
        float s = 1 - rho * rho;
        for (int l = 0; l < L; l++) {
            float a = ((float)(l % 14) - mx) / sx, b = ((float)(l / 14) - my) / sy;
            logits[l] = -(a * a + b * b - 2 * rho * a * b) / (2 * s);
        }
    }
}

// dlogits (L) -> dkout (K, written) and dV (L,CH, accumulated).
static void key_logits_backward(gl_key_type key, const float *kout, const float *V, const float *dlogits, float *dkout,
                                float *dV) {
    if (key == GL_KEY_SOFTMAX) { memcpy(dkout, dlogits, L * sizeof(float)); return; }
    if (key == GL_KEY_FEATURE) {
        // logits_l = k·V_l
        for (int c = 0; c < CH; c++) dkout[c] = 0;
        for (int l = 0; l < L; l++)
            for (int c = 0; c < CH; c++) {
                dkout[c] += dlogits[l] * V[l * CH + c];
                dV[l * CH + c] += dlogits[l] * kout[c];
            }
        return;
    }
    float mx, my, sx, sy, rho;
    gauss_unpack(kout, &mx, &my, &sx, &sy, &rho);
    float s = 1 - rho * rho;
    double dmx = 0, dmy = 0, dsx = 0, dsy = 0, drho = 0;
    for (int l = 0; l < L; l++) {
        float g = dlogits[l];
        float a = ((float)(l % 14) - mx) / sx, b = ((float)(l / 14) - my) / sy;
        float Q = a * a + b * b - 2 * rho * a * b;
        float da = -(a - rho * b) / s, db = -(b - rho * a) / s;   // ∂logit/∂a, ∂logit/∂b
        dmx += g * da * (-1.0f / sx);
        dmy += g * db * (-1.0f / sy);
        dsx += g * da * (-a / sx);
        dsy += g * db * (-b / sy);
        drho += g * (a * b * s - rho * Q) / (s * s);
    }
    float t0 = tanhf(kout[0]), t1 = tanhf(kout[1]), t4 = tanhf(kout[4]);
    dkout[0] = (float)dmx * MU_R * (1 - t0 * t0);
    dkout[1] = (float)dmy * MU_R * (1 - t1 * t1);
    dkout[2] = (kout[2] > -6.0f && kout[2] < 4.0f) ? (float)dsx * sx : 0.0f;   // σ = SIG0·e^p
    dkout[3] = (kout[3] > -6.0f && kout[3] < 4.0f) ? (float)dsy * sy : 0.0f;
    dkout[4] = (float)drho * RHO_R * (1 - t4 * t4);
}

// ---------------------------------------------------------------------------
// Full forward over B images. LSTM step s = 0..S; mask k = 0..S-1 comes from
// h[k] and its glimpse feeds step k+1. Class logits from every h[s], s >= 1.

// One digit at a time the model is bound by reading its weights, which
// OpenBLAS streams fastest in the transposed (column) layout: the LSTM's
// [Wx | Wh]ᵀ (NIN+H, 4H), the key's and the classifier's Wᵀ. These copies
// are made from the weights once and made again whenever the weights may
// have changed: after an Adam step (ps.step moved), a load, or a backward
// pass (which precedes an update).
static int fast_weights(gl_attn *m) {
    if (m->fast_ok && m->fast_step == m->ps.step) return 1;
    int H = m->H, G = 4 * H, K = gl_key_outputs(m->key);
    if (!m->fast_lstm) {
        m->fast_lstm = gl_malloc(sizeof(float) * (size_t)(NIN + H) * G);
        m->fast_key = gl_malloc(sizeof(float) * (size_t)H * K);
        m->fast_cls = gl_malloc(sizeof(float) * (size_t)H * 10);
    }
    for (int r = 0; r < G; r++) {
        for (int c = 0; c < NIN; c++) m->fast_lstm[(size_t)c * G + r] = m->Wx[(size_t)r * NIN + c];
        for (int c = 0; c < H; c++) m->fast_lstm[(size_t)(NIN + c) * G + r] = m->Wh[(size_t)r * H + c];
    }
    for (int r = 0; r < K; r++)
        for (int c = 0; c < H; c++) m->fast_key[(size_t)c * K + r] = m->key_w[(size_t)r * H + c];
    for (int r = 0; r < 10; r++)
        for (int c = 0; c < H; c++) m->fast_cls[(size_t)c * 10 + r] = m->cls_w[(size_t)r * H + c];
    m->fast_ok = 1;
    m->fast_step = m->ps.step;
    return 1;
}
void gl_attn_weights_changed(gl_attn *m) { m->fast_ok = 0; }

// out (B,OC) = in · Wᵀ + b, from WT (C,OC) when given (one digit).
static void linear1(float *out, const float *in, const float *W, const float *WT, const float *b, int B, int C,
                    int OC) {
    if (WT) {
        memcpy(out, b, (size_t)OC * sizeof(float));
        cblas_sgemv(CblasRowMajor, CblasTrans, C, OC, 1.0f, WT, OC, in, 1, 1.0f, out, 1);
    } else gl_linear_forward(out, in, W, b, B, C, OC, 0);
}

void gl_attn_forward(gl_attn *m, gl_attn_ws *w, const float *img, int B) {
    int H = m->H, K = gl_key_outputs(m->key), G = 4 * H;
    conv_forward(m, w, img, B);
    for (int s = 0; s <= S; s++) {
        float *x = w->x + (size_t)s * B * NIN;
        for (int b = 0; b < B; b++) {
            float *xb = x + (size_t)b * NIN;
            const float *Vb = w->V + (size_t)b * L * CH;
            if (s == 0) {
                // First input: the volume averaged over locations.
                memset(xb, 0, CH * sizeof(float));
                for (int l = 0; l < L; l++) for (int c = 0; c < CH; c++) xb[c] += Vb[l * CH + c];
                for (int c = 0; c < CH; c++) xb[c] /= L;
            } else {
                // glimpse = Σ_l mask_l V_l
                const float *mk = w->mask + ((size_t)(s - 1) * B + b) * L;
                float g[CH] = { 0 };
                for (int l = 0; l < L; l++) for (int c = 0; c < CH; c++) g[c] += mk[l] * Vb[l * CH + c];
                memcpy(xb, g, sizeof g);
            }
            xb[CH] = (float)(S - s) / S;   // steps left
        }
        float *hs = w->h + (size_t)s * B * H, *cs = w->c + (size_t)s * B * H, *as = w->act + (size_t)s * B * G;
        if (B == 1 && fast_weights(m)) {
            // one digit: the gates from one product with [x, h_{s−1}] (see fast_weights)
            float *v = w->vin;
            memcpy(v, x, NIN * sizeof(float));
            if (s) memcpy(v + NIN, w->h + (size_t)(s - 1) * H, (size_t)H * sizeof(float));
            else memset(v + NIN, 0, (size_t)H * sizeof(float));
            memcpy(as, m->lb, (size_t)G * sizeof(float));
            cblas_sgemv(CblasRowMajor, CblasTrans, NIN + H, G, 1.0f, m->fast_lstm, G, v, 1, 1.0f, as, 1);
            gl_lstm_pointwise_forward(as, cs, w->tc + (size_t)s * B * H, hs, s ? w->c + (size_t)(s - 1) * H : NULL, 1,
                                      H);
        } else
            gl_lstm_forward(hs, cs, as, w->tc + (size_t)s * B * H,
                            x, s ? w->h + (size_t)(s - 1) * B * H : NULL, s ? w->c + (size_t)(s - 1) * B * H : NULL,
                            m->Wx, m->Wh, m->lb, NULL, B, NIN, H);
        const float *h = w->h + (size_t)s * B * H;
        if (s >= 1)
            linear1(w->probs + (size_t)(s - 1) * B * 10, h, m->cls_w, B == 1 && m->fast_ok ? m->fast_cls : NULL,
                    m->cls_b, B, H, 10);
        if (s < S) {
            float *ko = w->kout + (size_t)s * B * K;
            linear1(ko, h, m->key_w, B == 1 && m->fast_ok ? m->fast_key : NULL, m->key_b, B, H, K);
            for (int b = 0; b < B; b++) {
                float *mk = w->mask + ((size_t)s * B + b) * L;
                key_logits(m->key, ko + (size_t)b * K, w->V + (size_t)b * L * CH, mk);
                gl_softmax(mk, L);
            }
        }
    }
    for (int i = 0; i < S * B; i++) gl_softmax(w->probs + (size_t)i * 10, 10);
}

// Backward through time. Per step only what the recurrence needs (dh, dc,
// the glimpse's gradient); every step's dpre, dkout and dlogits are kept,
// and the weight gradients of the LSTM, the key and the classifier are
// formed after the loop, each in one product over all steps and samples.
double gl_attn_backward(gl_attn *m, gl_attn_ws *w, const uint8_t *labels, int B, float aux, int train_conv) {
    m->fast_ok = 0;   // an update follows
    int H = m->H, K = gl_key_outputs(m->key), G = 4 * H;
    gl_param *pWx = gl_params_find(&m->ps, "lstm.wx"), *pWh = gl_params_find(&m->ps, "lstm.wh"),
             *plb = gl_params_find(&m->ps, "lstm.b");
    gl_param *pkw = gl_params_find(&m->ps, "key.w"), *pkb = gl_params_find(&m->ps, "key.b");
    gl_param *pcw = gl_params_find(&m->ps, "cls.w"), *pcb = gl_params_find(&m->ps, "cls.b");
    double loss = 0;
    memset(w->dV, 0, (size_t)B * L * CH * sizeof(float));
    memset(w->dhn, 0, (size_t)B * H * sizeof(float));   // gradient flowing into h[s] from step s+1
    memset(w->dcn, 0, (size_t)B * H * sizeof(float));
    for (int s = S; s >= 0; s--) {
        float *dh = w->dh;
        memcpy(dh, w->dhn, (size_t)B * H * sizeof(float));
        // Classification loss at this step: full weight at the end, aux before.
        if (s >= 1) {
            float wt = s == S ? 1.0f : aux / (S - 1);
            const float *p = w->probs + (size_t)(s - 1) * B * 10;
            float *dl = w->dlog + (size_t)(s - 1) * B * 10;
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < 10; k++) dl[b * 10 + k] = wt * (p[b * 10 + k] - (k == labels[b])) / B;
                if (wt > 0) loss += -wt * log(fmax(p[b * 10 + labels[b]], 1e-12)) / B;
            }
            if (wt > 0) gl_linear_backward(dh, NULL, NULL, dl, NULL, m->cls_w, B, H, 10);
        }
        // Key at this step: the glimpse it produced went into x[s+1].
        if (s < S) {
            const float *ko = w->kout + (size_t)s * B * K;
            float *dko = w->dkout + (size_t)s * B * K;
            const float *dxn = w->dxs + (size_t)(s + 1) * B * NIN;   // gradient of x[s+1]
            for (int b = 0; b < B; b++) {
                const float *mk = w->mask + ((size_t)s * B + b) * L;
                const float *Vb = w->V + (size_t)b * L * CH;
                float *dVb = w->dV + (size_t)b * L * CH;
                const float *dg = dxn + (size_t)b * NIN;   // dglimpse = first CH of dx
                float *dm = w->dmask;
                // glimpse = Σ_l mask_l V_l
                for (int l = 0; l < L; l++) {
                    float d = 0;
                    for (int c = 0; c < CH; c++) { d += Vb[l * CH + c] * dg[c]; dVb[l * CH + c] += mk[l] * dg[c]; }
                    dm[l] = d;
                }
                // mask = softmax(logits)
                double dot = 0;
                for (int l = 0; l < L; l++) dot += (double)dm[l] * mk[l];
                for (int l = 0; l < L; l++) dm[l] = mk[l] * (dm[l] - (float)dot);
                key_logits_backward(m->key, ko + (size_t)b * K, Vb, dm, dko + (size_t)b * K, dVb);
            }
            gl_linear_backward(dh, NULL, NULL, dko, NULL, m->key_w, B, H, K);
        }
        // LSTM step s: dpre of the step is kept for the weight gradients.
        float *dpre = w->dpres + (size_t)s * B * G, *dx = w->dxs + (size_t)s * B * NIN;
        memset(w->dhn, 0, (size_t)B * H * sizeof(float));
        memset(w->dcp, 0, (size_t)B * H * sizeof(float));
        gl_lstm_step_backward(dpre, s ? w->dhn : NULL, s ? w->dcp : NULL, dh, w->dcn,
                              w->act + (size_t)s * B * G, w->tc + (size_t)s * B * H,
                              s ? w->c + (size_t)(s - 1) * B * H : NULL, m->Wh, B, H);
        memcpy(w->dcn, w->dcp, (size_t)B * H * sizeof(float));
        memset(dx, 0, (size_t)B * NIN * sizeof(float));
        gl_linear_backward(dx, NULL, NULL, dpre, NULL, m->Wx, B, NIN, G);
        if (s == 0)   // x[0] = mean over locations of V
            for (int b = 0; b < B; b++)
                for (int l = 0; l < L; l++)
                    for (int c = 0; c < CH; c++) w->dV[((size_t)b * L + l) * CH + c] += dx[(size_t)b * NIN + c] / L;
    }
    // Weight gradients over all steps at once.
    gl_lstm_weights_backward(NULL, pWx->g, pWh->g, plb->g, w->dpres, w->x, w->h, m->Wx, S + 1, B, NIN, H);
    gl_linear_backward(NULL, pkw->g, pkb->g, w->dkout, w->h, NULL, S * B, H, K);                  // keys from h[0..S-1]
    gl_linear_backward(NULL, pcw->g, pcb->g, w->dlog, w->h + (size_t)B * H, NULL, S * B, H, 10); // classes from h[1..S]
    if (train_conv) conv_backward(m, w, B);
    return loss;
}

int gl_attn_run(gl_attn *m, const float *img28, gl_attn_frame *frames, float *volume_sum) {
    gl_attn_ws *w = m->ws1;
    gl_attn_forward(m, w, img28, 1);
    for (int t = 0; t < S; t++) {
        memcpy(frames[t].mask, w->mask + (size_t)t * L, L * sizeof(float));
        memcpy(frames[t].probs, w->probs + (size_t)t * 10, 10 * sizeof(float));
        int nh = m->H < GL_ATTN_FRAME_H ? m->H : GL_ATTN_FRAME_H;
        frames[t].nh = nh;
        memset(frames[t].h, 0, sizeof frames[t].h);
        memcpy(frames[t].h, w->h + (size_t)(t + 1) * m->H, (size_t)nh * sizeof(float));   // h_{t+1}: B = 1
    }
    if (volume_sum)
        for (int l = 0; l < L; l++) {
            float s = 0;
            for (int c = 0; c < CH; c++) s += w->V[l * CH + c];
            volume_sum[l] = s;
        }
    const float *p = w->probs + (size_t)(S - 1) * 10;
    int best = 0;
    for (int k = 1; k < 10; k++) if (p[k] > p[best]) best = k;
    return best;
}

// ---------------------------------------------------------------------------
// Workspace

gl_attn_ws *gl_attn_ws_new(const gl_attn *m, int B) {
    int H = m->H, K = gl_key_outputs(m->key);
    gl_attn_ws *w = gl_calloc(1, sizeof *w);
    w->B = B;
    w->pad = gl_calloc((size_t)B * 1024, sizeof(float));   // the border stays zero
    w->vin = gl_malloc((size_t)(NIN + H) * sizeof(float));
    w->conv = gl_malloc((size_t)B * 784 * CH * sizeof(float));
    w->dconv = gl_malloc((size_t)784 * CH * sizeof(float));
    w->dconv_sum = gl_malloc((size_t)784 * CH * sizeof(float));
    w->cmap = gl_malloc((size_t)784 * CH * sizeof(float));
    w->cmap_w = gl_malloc(((size_t)CH * 25 * m->cin + CH) * sizeof(float));
    coord_planes(w->px, w->py);
    w->V = gl_malloc((size_t)B * L * CH * sizeof(float));
    w->dV = gl_malloc((size_t)B * L * CH * sizeof(float));
    w->x = gl_malloc((size_t)(S + 1) * B * NIN * sizeof(float));
    w->h = gl_malloc((size_t)(S + 1) * B * H * sizeof(float));
    w->c = gl_malloc((size_t)(S + 1) * B * H * sizeof(float));
    w->tc = gl_malloc((size_t)(S + 1) * B * H * sizeof(float));
    w->act = gl_malloc((size_t)(S + 1) * B * 4 * H * sizeof(float));
    w->kout = gl_malloc((size_t)S * B * K * sizeof(float));
    w->mask = gl_malloc((size_t)S * B * L * sizeof(float));
    w->probs = gl_malloc((size_t)S * B * 10 * sizeof(float));
    w->dh = gl_malloc((size_t)B * H * sizeof(float));
    w->dhn = gl_malloc((size_t)B * H * sizeof(float));
    w->dcn = gl_malloc((size_t)B * H * sizeof(float));
    w->dcp = gl_malloc((size_t)B * H * sizeof(float));
    w->dpres = gl_malloc((size_t)(S + 1) * B * 4 * H * sizeof(float));
    w->dxs = gl_malloc((size_t)(S + 1) * B * NIN * sizeof(float));
    w->dkout = gl_malloc((size_t)S * B * K * sizeof(float));
    w->dmask = gl_malloc((size_t)L * sizeof(float));
    w->dlog = gl_malloc((size_t)S * B * 10 * sizeof(float));
    return w;
}

void gl_attn_ws_free(gl_attn_ws *w) {
    if (!w) return;
    float *bufs[] = { w->vin, w->pad, w->conv, w->dconv, w->dconv_sum, w->cmap,  w->cmap_w, w->V,     w->dV,
                      w->x,   w->h,   w->c,    w->tc,    w->act,       w->kout,  w->mask,   w->probs, w->dh,
                      w->dhn, w->dcn, w->dcp,  w->dpres, w->dxs,       w->dkout, w->dmask,  w->dlog };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) free(bufs[i]);
    free(w);
}

// ---------------------------------------------------------------------------
// Pre-training head: the conv layer as the first layer of a small CNN
// classifier, logits = fc(V flattened (L*CH)). head holds "cnn.w" (10, L*CH)
// and "cnn.b" (10). Returns the mean cross-entropy; accumulates gradients
// into head and into the conv parameters when labels is not NULL;
// correct (may be NULL) receives the number of right answers.
void gl_attn_cnn_head_init(gl_params *head, unsigned long seed) {
    gl_rng r;
    gl_rng_seed(&r, seed);
    float *w = gl_params_add(head, "cnn.w", 10, L * CH, 0, 0);
    gl_params_add(head, "cnn.b", 10, 0, 0, 0);
    gl_fill_uniform(w, (size_t)10 * L * CH, 1.0f / sqrtf((float)(L * CH)), &r);
}

double gl_attn_cnn_step(gl_attn *m, gl_attn_ws *w, gl_params *head, const float *img, const uint8_t *labels, int B,
                        int *correct) {
    if (labels) m->fast_ok = 0;   // an update follows
    gl_param *hw = gl_params_find(head, "cnn.w"), *hb = gl_params_find(head, "cnn.b");
    conv_forward(m, w, img, B);
    float *logits = w->dlog;   // (B,10) reused as scratch
    gl_linear_forward(logits, w->V, hw->w, hb->w, B, L * CH, 10, 0);
    double loss = 0;
    int right = 0;
    for (int b = 0; b < B; b++) {
        float *p = logits + b * 10;
        gl_softmax(p, 10);
        int best = 0;
        for (int k = 1; k < 10; k++) if (p[k] > p[best]) best = k;
        if (labels) {
            right += best == labels[b];
            loss += -log(fmax(p[labels[b]], 1e-12)) / B;
            for (int k = 0; k < 10; k++) p[k] = (p[k] - (k == labels[b])) / B;
        }
    }
    if (correct) *correct = right;
    if (labels) {
        memset(w->dV, 0, (size_t)B * L * CH * sizeof(float));
        gl_linear_backward(w->dV, hw->g, hb->g, logits, w->V, hw->w, B, L * CH, 10);
        conv_backward(m, w, B);
    }
    return loss;
}

// ---------------------------------------------------------------------------
// On every core: the batch is cut into one contiguous slice per thread; each
// thread runs its slice on a replica of the model (the same weights, its own
// workspace and gradients), and the gradients are summed in thread order,
// each scaled by its share of the batch (the slices' losses are means over
// the slice), so the result does not depend on scheduling.

struct gl_attn_trainer {
    gl_attn *m;
    gl_params *head;
    int n, cap;
    gl_attn *rep[16];
    gl_params rhead[16];
    gl_attn_ws *ws[16];
    // the current call
    const float *img; const uint8_t *labels; int B; float aux; int train_conv, cnn; 
    double loss[16]; int right[16];
};

static gl_attn *attn_replica(gl_attn *m) {
    gl_attn *r = gl_malloc(sizeof *r);
    *r = *m;
    gl_params_replica(&r->ps, &m->ps);
    memset(&r->meta, 0, sizeof r->meta);
    r->ws1 = NULL;
    r->fast_lstm = r->fast_key = r->fast_cls = NULL;
    r->fast_ok = 0;
    return r;
}

gl_attn_trainer *gl_attn_trainer_new(gl_attn *m, gl_params *head, int B) {
    gl_attn_trainer *t = gl_calloc(1, sizeof *t);
    t->m = m; t->head = head;
    t->n = gl_par_threads();
    if (t->n > B) t->n = B;
    if (t->n < 1) t->n = 1;
    t->cap = (B + t->n - 1) / t->n;
    for (int i = 0; i < t->n; i++) {
        t->rep[i] = attn_replica(m);
        if (head) gl_params_replica(&t->rhead[i], head);
        t->ws[i] = gl_attn_ws_new(m, t->cap);
    }
    return t;
}

void gl_attn_trainer_free(gl_attn_trainer *t) {
    if (!t) return;
    for (int i = 0; i < t->n; i++) {
        gl_params_replica_free(&t->rep[i]->ps);
        free(t->rep[i]->fast_lstm); free(t->rep[i]->fast_key); free(t->rep[i]->fast_cls);
        free(t->rep[i]);
        if (t->head) gl_params_replica_free(&t->rhead[i]);
        gl_attn_ws_free(t->ws[i]);
    }
    free(t);
}


static void trainer_task(void *ctx, int i) {
    gl_attn_trainer *t = ctx;
    int lo, hi;
    gl_par_slice(t->B, t->n, i, &lo, &hi);
    int b = hi - lo;
    gl_attn *r = t->rep[i];
    gl_attn_ws *w = t->ws[i];
    gl_params_zero_grad(&r->ps);
    t->loss[i] = 0; t->right[i] = 0;
    if (b <= 0) return;
    const float *img = t->img + (size_t)lo * 784;
    const uint8_t *lab = t->labels + lo;
    if (t->cnn) {
        gl_params_zero_grad(&t->rhead[i]);
        t->loss[i] = gl_attn_cnn_step(r, w, &t->rhead[i], img, lab, b, &t->right[i]);
        return;
    }
    gl_attn_forward(r, w, img, b);
    const float *p = w->probs + (size_t)(S - 1) * b * 10;
    for (int k = 0; k < b; k++) {
        int best = 0;
        for (int c = 1; c < 10; c++) if (p[k * 10 + c] > p[k * 10 + best]) best = c;
        t->right[i] += best == lab[k];
    }
    t->loss[i] = gl_attn_backward(r, w, lab, b, t->aux, t->train_conv);
}

static void add_scaled(gl_params *dst, const gl_params *src, float a) {
    for (int i = 0; i < dst->n; i++)
        for (size_t k = 0; k < dst->p[i].n; k++) dst->p[i].g[k] += a * src->p[i].g[k];
}

double gl_attn_trainer_step(gl_attn_trainer *t, const float *img, const uint8_t *labels, int B, float aux,
                            int train_conv, int cnn_stage, int *correct) {
    if (B > t->n * t->cap) { gl_seterr("batch of %d is larger than the trainer's %d", B, t->n * t->cap); return NAN; }
    t->img = img; t->labels = labels; t->B = B; t->aux = aux; t->train_conv = train_conv; t->cnn = cnn_stage;
    gl_par_run(t->n, trainer_task, t);
    double loss = 0;
    int right = 0;
    for (int i = 0; i < t->n; i++) {
        int lo, hi;
        gl_par_slice(B, t->n, i, &lo, &hi);
        float share = (float)(hi - lo) / (float)B;
        if (hi <= lo) continue;
        add_scaled(&t->m->ps, &t->rep[i]->ps, share);
        if (cnn_stage && t->head) add_scaled(t->head, &t->rhead[i], share);
        loss += share * t->loss[i];
        right += t->right[i];
    }
    if (correct) *correct = right;
    return loss;
}

typedef struct { gl_attn *m; const float *img; int n, nt; float *probs; } classify_ctx;
static void classify_task(void *vp, int i) {
    classify_ctx *c = vp;
    int lo, hi;
    gl_par_slice(c->n, c->nt, i, &lo, &hi);
    enum { CHUNK = 64 };
    gl_attn_ws *w = gl_attn_ws_new(c->m, CHUNK);
    for (int a = lo; a < hi; a += CHUNK) {
        int b = hi - a < CHUNK ? hi - a : CHUNK;
        gl_attn_forward(c->m, w, c->img + (size_t)a * 784, b);
        memcpy(c->probs + (size_t)a * 10, w->probs + (size_t)(S - 1) * b * 10, (size_t)b * 10 * sizeof(float));
    }
    gl_attn_ws_free(w);
}

void gl_attn_classify(gl_attn *m, const float *img, int n, float *probs) {
    fast_weights(m);   // made here, so that the threads only read them
    classify_ctx c = { m, img, n, 0, probs };
    c.nt = gl_par_threads();
    if (c.nt > (n + 63) / 64) c.nt = (n + 63) / 64;
    if (c.nt < 1) c.nt = 1;
    gl_par_run(c.nt, classify_task, &c);
}
