// gl_attn: the MNIST soft-attention classifier. See gl_attn.h for the model.
// Every layer is a forward/backward pair over a minibatch workspace; the
// single-digit path (gl_attn_run) is the same forward with B = 1.
#include "gl_attn.h"
#include "gl_attn_ws.h"
#include "gl_nn.h"
#include "gl_util.h"
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
    if (!model || strcmp(model, "glimpse-attention")) { gl_seterr("%s: not a glimpse attention model (metadata 'model' is %s)", path, model ? model : "missing"); gl_st_free(&f); return NULL; }
    if (!ks || gl_key_parse(ks, &key) != 0) { gl_seterr("%s: bad or missing 'key' in metadata", path); gl_st_free(&f); return NULL; }
    if (gl_meta_int_in(&f.meta, "hidden", 1, 4096, &H) ||
        (gl_meta_get(&f.meta, "coord_channels") && gl_meta_int_in(&f.meta, "coord_channels", 0, 1, &coords)) ||
        (gl_meta_get(&f.meta, "steps") && gl_meta_int_in(&f.meta, "steps", GL_ATTN_STEPS, GL_ATTN_STEPS, &(long){0}))) {
        gl_seterr("%s: %s", path, gl_err()); gl_st_free(&f); return NULL;
    }
    gl_st_free(&f);
    gl_attn *m = gl_attn_new_ex(key, (int)H, (int)coords, 0);
    if (gl_params_load(&m->ps, path, &m->meta, 0) != 0) { gl_attn_free(m); return NULL; }
    return m;
}

// ---------------------------------------------------------------------------
// conv 5x5 (same padding) + ReLU + 2x2 max-pool.
// img (B,784) -> patches (B*784,25*cin) -> conv (B*784,CH) -> V (B,L,CH), argmax (B,L,CH)
// With coordinate channels (cin = 3) the conv also sees each pixel's x and y
// in [-1,1] (zero in the padding, like the ink), so the features - and the
// glimpses of the feature key, which selects by content alone - carry where
// on the digit they come from.

static void conv_forward(gl_attn *m, gl_attn_ws *w, const float *img, int B) {
    for (int b = 0; b < B; b++)
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                float *p = w->patches + ((size_t)b * 784 + y * 28 + x) * 25 * m->cin;
                for (int dy = 0; dy < 5; dy++)
                    for (int dx = 0; dx < 5; dx++) {
                        int yy = y + dy - 2, xx = x + dx - 2, k = dy * 5 + dx;
                        int out = yy < 0 || xx < 0 || yy >= 28 || xx >= 28;
                        p[k] = out ? 0.0f : img[(size_t)b * 784 + yy * 28 + xx];
                        if (m->cin == 3) {
                            p[25 + k] = out ? 0.0f : xx / 13.5f - 1.0f;
                            p[50 + k] = out ? 0.0f : yy / 13.5f - 1.0f;
                        }
                    }
            }
    gl_linear_forward(w->conv, w->patches, m->conv_w, m->conv_b, B * 784, 25 * m->cin, CH, 0);
    for (size_t i = 0; i < (size_t)B * 784 * CH; i++) if (w->conv[i] < 0) w->conv[i] = 0;
    for (int b = 0; b < B; b++)
        for (int py = 0; py < 14; py++)
            for (int px = 0; px < 14; px++)
                for (int c = 0; c < CH; c++) {
                    int best = -1; float bv = -1;
                    for (int j = 0; j < 2; j++)
                        for (int i = 0; i < 2; i++) {
                            int row = b * 784 + (2 * py + j) * 28 + 2 * px + i;
                            float v = w->conv[(size_t)row * CH + c];
                            if (v > bv) { bv = v; best = row; }
                        }
                    size_t k = ((size_t)b * L + py * 14 + px) * CH + c;
                    w->V[k] = bv;
                    w->argmax[k] = best;
                }
}

// dV (B,L,CH) -> dconv_w, dconv_b (the image itself needs no gradient).
static void conv_backward(gl_attn *m, gl_attn_ws *w, int B) {
    gl_param *pw = gl_params_find(&m->ps, "conv.w"), *pb = gl_params_find(&m->ps, "conv.b");
    memset(w->dconv, 0, (size_t)B * 784 * CH * sizeof(float));
    for (size_t k = 0; k < (size_t)B * L * CH; k++) {
        int row = w->argmax[k], c = (int)(k % CH);
        if (w->conv[(size_t)row * CH + c] > 0) w->dconv[(size_t)row * CH + c] += w->dV[k];   // ReLU
    }
    gl_linear_backward(NULL, pw->g, pb->g, w->dconv, w->patches, m->conv_w, B * 784, 25 * m->cin, CH);
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
    else if (key == GL_KEY_FEATURE) cblas_sgemv(CblasRowMajor, CblasNoTrans, L, CH, 1.0f, V, CH, kout, 1, 0.0f, logits, 1);
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
static void key_logits_backward(gl_key_type key, const float *kout, const float *V, const float *dlogits, float *dkout, float *dV) {
    if (key == GL_KEY_SOFTMAX) { memcpy(dkout, dlogits, L * sizeof(float)); return; }
    if (key == GL_KEY_FEATURE) {
        // logits_l = k·V_l
        cblas_sgemv(CblasRowMajor, CblasTrans, L, CH, 1.0f, V, CH, dlogits, 1, 0.0f, dkout, 1);
        cblas_sger(CblasRowMajor, L, CH, 1.0f, dlogits, 1, kout, 1, dV, CH);
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
                const float *mk = w->mask + ((size_t)(s - 1) * B + b) * L;
                cblas_sgemv(CblasRowMajor, CblasTrans, L, CH, 1.0f, Vb, CH, mk, 1, 0.0f, xb, 1);
            }
            xb[CH] = (float)(S - s) / S;   // steps left
        }
        gl_lstm_forward(w->h + (size_t)s * B * H, w->c + (size_t)s * B * H, w->act + (size_t)s * B * G, w->tc + (size_t)s * B * H,
                        x, s ? w->h + (size_t)(s - 1) * B * H : NULL, s ? w->c + (size_t)(s - 1) * B * H : NULL,
                        m->Wx, m->Wh, m->lb, NULL, B, NIN, H);
        const float *h = w->h + (size_t)s * B * H;
        if (s >= 1) gl_linear_forward(w->probs + (size_t)(s - 1) * B * 10, h, m->cls_w, m->cls_b, B, H, 10, 0);
        if (s < S) {
            float *ko = w->kout + (size_t)s * B * K;
            gl_linear_forward(ko, h, m->key_w, m->key_b, B, H, K, 0);
            for (int b = 0; b < B; b++) {
                float *mk = w->mask + ((size_t)s * B + b) * L;
                key_logits(m->key, ko + (size_t)b * K, w->V + (size_t)b * L * CH, mk);
                gl_softmax(mk, L);
            }
        }
    }
    for (int i = 0; i < S * B; i++) gl_softmax(w->probs + (size_t)i * 10, 10);
}

double gl_attn_backward(gl_attn *m, gl_attn_ws *w, const uint8_t *labels, int B, float aux, int train_conv) {
    int H = m->H, K = gl_key_outputs(m->key), G = 4 * H;
    gl_param *pWx = gl_params_find(&m->ps, "lstm.wx"), *pWh = gl_params_find(&m->ps, "lstm.wh"), *plb = gl_params_find(&m->ps, "lstm.b");
    gl_param *pkw = gl_params_find(&m->ps, "key.w"), *pkb = gl_params_find(&m->ps, "key.b");
    gl_param *pcw = gl_params_find(&m->ps, "cls.w"), *pcb = gl_params_find(&m->ps, "cls.b");
    double loss = 0;
    memset(w->dV, 0, (size_t)B * L * CH * sizeof(float));
    memset(w->dhn, 0, (size_t)B * H * sizeof(float));   // gradient flowing into h[s] from step s+1
    memset(w->dcn, 0, (size_t)B * H * sizeof(float));
    memset(w->dxn, 0, (size_t)B * NIN * sizeof(float));  // gradient of x[s+1]
    for (int s = S; s >= 0; s--) {
        const float *h = w->h + (size_t)s * B * H;
        float *dh = w->dh;
        memcpy(dh, w->dhn, (size_t)B * H * sizeof(float));
        // Classification loss at this step: full weight at the end, aux before.
        if (s >= 1) {
            float wt = s == S ? 1.0f : aux / (S - 1);
            if (wt > 0) {
                const float *p = w->probs + (size_t)(s - 1) * B * 10;
                for (int b = 0; b < B; b++) {
                    for (int k = 0; k < 10; k++) w->dlog[b * 10 + k] = wt * (p[b * 10 + k] - (k == labels[b])) / B;
                    loss += -wt * log(fmax(p[b * 10 + labels[b]], 1e-12)) / B;
                }
                gl_linear_backward(dh, pcw->g, pcb->g, w->dlog, h, m->cls_w, B, H, 10);
            }
        }
        // Key at this step: the glimpse it produced went into x[s+1].
        if (s < S) {
            const float *ko = w->kout + (size_t)s * B * K;
            for (int b = 0; b < B; b++) {
                const float *mk = w->mask + ((size_t)s * B + b) * L;
                const float *Vb = w->V + (size_t)b * L * CH;
                float *dVb = w->dV + (size_t)b * L * CH;
                const float *dg = w->dxn + (size_t)b * NIN;   // dglimpse = first CH of dx
                float *dm = w->dmask;
                // glimpse = Σ_l mask_l V_l
                cblas_sgemv(CblasRowMajor, CblasNoTrans, L, CH, 1.0f, Vb, CH, dg, 1, 0.0f, dm, 1);
                cblas_sger(CblasRowMajor, L, CH, 1.0f, mk, 1, dg, 1, dVb, CH);
                // mask = softmax(logits)
                double dot = 0;
                for (int l = 0; l < L; l++) dot += (double)dm[l] * mk[l];
                for (int l = 0; l < L; l++) dm[l] = mk[l] * (dm[l] - (float)dot);
                key_logits_backward(m->key, ko + (size_t)b * K, Vb, dm, w->dkout + (size_t)b * K, dVb);
            }
            gl_linear_backward(dh, pkw->g, pkb->g, w->dkout, h, m->key_w, B, H, K);
        }
        // LSTM step s.
        float *dx = w->dxn;
        memset(dx, 0, (size_t)B * NIN * sizeof(float));
        memset(w->dhn, 0, (size_t)B * H * sizeof(float));
        float *dcp = w->dcp;
        memset(dcp, 0, (size_t)B * H * sizeof(float));
        gl_lstm_backward(w->dpre, dx, s ? w->dhn : NULL, s ? dcp : NULL, pWx->g, pWh->g, plb->g, dh, w->dcn,
                         w->act + (size_t)s * B * G, w->tc + (size_t)s * B * H, w->x + (size_t)s * B * NIN,
                         s ? w->h + (size_t)(s - 1) * B * H : NULL, s ? w->c + (size_t)(s - 1) * B * H : NULL,
                         m->Wx, m->Wh, B, NIN, H);
        memcpy(w->dcn, dcp, (size_t)B * H * sizeof(float));
        if (s == 0)   // x[0] = mean over locations of V
            for (int b = 0; b < B; b++)
                for (int l = 0; l < L; l++)
                    for (int c = 0; c < CH; c++) w->dV[((size_t)b * L + l) * CH + c] += dx[(size_t)b * NIN + c] / L;
    }
    if (train_conv) conv_backward(m, w, B);
    return loss;
}

int gl_attn_run(gl_attn *m, const float *img28, gl_attn_frame *frames, float *volume_sum) {
    gl_attn_ws *w = m->ws1;
    gl_attn_forward(m, w, img28, 1);
    for (int t = 0; t < S; t++) {
        memcpy(frames[t].mask, w->mask + (size_t)t * L, L * sizeof(float));
        memcpy(frames[t].probs, w->probs + (size_t)t * 10, 10 * sizeof(float));
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
    w->patches = gl_malloc((size_t)B * 784 * 25 * m->cin * sizeof(float));
    w->conv = gl_malloc((size_t)B * 784 * CH * sizeof(float));
    w->dconv = gl_malloc((size_t)B * 784 * CH * sizeof(float));
    w->V = gl_malloc((size_t)B * L * CH * sizeof(float));
    w->dV = gl_malloc((size_t)B * L * CH * sizeof(float));
    w->argmax = gl_malloc((size_t)B * L * CH * sizeof(int));
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
    w->dpre = gl_malloc((size_t)B * 4 * H * sizeof(float));
    w->dxn = gl_malloc((size_t)B * NIN * sizeof(float));
    w->dkout = gl_malloc((size_t)B * K * sizeof(float));
    w->dmask = gl_malloc((size_t)L * sizeof(float));
    w->dlog = gl_malloc((size_t)B * 10 * sizeof(float));
    return w;
}

void gl_attn_ws_free(gl_attn_ws *w) {
    if (!w) return;
    float *bufs[] = { w->patches, w->conv, w->dconv, w->V, w->dV, w->x, w->h, w->c, w->tc, w->act, w->kout, w->mask,
                      w->probs, w->dh, w->dhn, w->dcn, w->dcp, w->dpre, w->dxn, w->dkout, w->dmask, w->dlog };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) free(bufs[i]);
    free(w->argmax);
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

double gl_attn_cnn_step(gl_attn *m, gl_attn_ws *w, gl_params *head, const float *img, const uint8_t *labels, int B, int *correct) {
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
