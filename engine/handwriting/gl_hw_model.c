// gl_hw_model: the prediction and synthesis networks of Graves 2013 as
// forward/backward pairs (mixture density loss, soft window, unrolled
// stacked LSTM with skip connections). See gl_hw.h for the layout.
#include "gl_hw.h"
#include "gl_nn.h"
#include "gl_par.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double LOG2PI = 1.8378770664093453;

static inline double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

// ------------------------------------------------------------------ MDN
// y (B,NY): ê, π̂ (M), μ̂1, μ̂2, σ̂1, σ̂2, ρ̂ (M each); x (B,3) targets.
// Loss per point (eq. 26):
//   −log Σ_j π_j N(x1,x2 | μ_j, σ_j, ρ_j) − (x3 ? log e : log(1−e))
// with e = 1/(1+exp(ê)) (eq. 18), π = softmax(π̂) (19), σ = exp(σ̂) (21),
// ρ = tanh(ρ̂) (22). Derivatives are eq. 27-32 (γ_j: component posterior).
double gl_hw_mdn_forward_backward(float *dy, const float *y, const float *x, const float *mask, int B, int M) {
    int NY = 1 + 6 * M;
    double total = 0;
    double lg[GL_HW_MAXM], lpi[GL_HW_MAXM];
    for (int n = 0; n < B; n++) {
        const float *yy = y + (size_t)n * NY;
        float *d = dy ? dy + (size_t)n * NY : NULL;
        float mk = mask ? mask[n] : 1.0f;
        if (mk == 0.0f) { if (d) memset(d, 0, (size_t)NY * sizeof(float)); continue; }
        const float *pih = yy + 1, *mu1 = yy + 1 + M, *mu2 = yy + 1 + 2 * M, *s1h = yy + 1 + 3 * M,
                    *s2h = yy + 1 + 4 * M, *rh = yy + 1 + 5 * M;
        double x1 = x[n * 3], x2 = x[n * 3 + 1], x3 = x[n * 3 + 2];
        // log π = log softmax(π̂)
        double mx = -1e30;
        for (int j = 0; j < M; j++) if (pih[j] > mx) mx = pih[j];
        double se = 0;
        for (int j = 0; j < M; j++) se += exp(pih[j] - mx);
        double lse_pi = mx + log(se);
        double gmx = -1e30;
        for (int j = 0; j < M; j++) {
            lpi[j] = pih[j] - lse_pi;
            double s1 = exp(s1h[j]), s2 = exp(s2h[j]), r = tanh(rh[j]);
            double omr = 1 - r * r; if (omr < 1e-6) omr = 1e-6;
            double d1 = (x1 - mu1[j]) / s1, d2 = (x2 - mu2[j]) / s2;
            double Z = d1 * d1 + d2 * d2 - 2 * r * d1 * d2;
            double logN = -LOG2PI - s1h[j] - s2h[j] - 0.5 * log(omr) - Z / (2 * omr);
            lg[j] = lpi[j] + logN;
            if (lg[j] > gmx) gmx = lg[j];
        }
        double sg = 0;
        for (int j = 0; j < M; j++) sg += exp(lg[j] - gmx);
        double logp = gmx + log(sg);
        double le = x3 > 0.5 ? softplus(yy[0]) : softplus(-yy[0]);   // −log e or −log(1−e)
        total += mk * (-logp + le);
        if (!d) continue;
        double e = 1.0 / (1.0 + exp((double)yy[0]));
        d[0] = (float)(mk * (x3 - e));                                  // eq. 27
        for (int j = 0; j < M; j++) {
            double g = exp(lg[j] - logp);                               // γ_j
            double s1 = exp(s1h[j]), s2 = exp(s2h[j]), r = tanh(rh[j]);
            double omr = 1 - r * r; if (omr < 1e-6) omr = 1e-6;
            double d1 = (x1 - mu1[j]) / s1, d2 = (x2 - mu2[j]) / s2;
            double Z = d1 * d1 + d2 * d2 - 2 * r * d1 * d2;
            double C1 = (d1 - r * d2) / omr, C2 = (d2 - r * d1) / omr;
            d[1 + j] = (float)(mk * (exp(lpi[j]) - g));                 // eq. 28
            d[1 + M + j] = (float)(mk * (-g * C1 / s1));                // eq. 29
            d[1 + 2 * M + j] = (float)(mk * (-g * C2 / s2));
            d[1 + 3 * M + j] = (float)(mk * (g - g * d1 * C1));         // eq. 30
            d[1 + 4 * M + j] = (float)(mk * (g - g * d2 * C2));
            d[1 + 5 * M + j] = (float)(mk * (-g * (d1 * d2 + r * (1 - Z / omr))));  // eq. 31
        }
    }
    return total;
}

// ------------------------------------------------------------------ window
// p (B,3K) = (α̂, β̂, κ̂) (eq. 48);  α = exp(α̂), β = exp(β̂) (49, 50);
// κ_t = κ_{t−1} + exp(κ̂) (51);  φ(t,u) = Σ_k α_k exp(−β_k (κ_k − u)²) (46),
// u = 1..U+1;  w_t = Σ_{u≤U} φ(t,u) c_u (47) with c_u one-hot.
void gl_hw_window_forward(float *kappa, float *phi, float *w, const float *p, const float *kprev,
                          const int *chars, const int *U, int B, int K, int Umax, int C) {
    for (int n = 0; n < B; n++) {
        const float *pp = p + (size_t)n * 3 * K;
        float *kk = kappa + (size_t)n * K, *ph = phi + (size_t)n * (Umax + 1), *ww = w + (size_t)n * C;
        for (int k = 0; k < K; k++) kk[k] = (kprev ? kprev[(size_t)n * K + k] : 0.0f) + expf(pp[2 * K + k]);
        memset(ph, 0, (size_t)(Umax + 1) * sizeof(float));
        memset(ww, 0, (size_t)C * sizeof(float));
        int Un = U[n];
        float beta[64];   // exp(β̂_k), once a row (K ≤ 64 here; else in the loop)
        for (int k = 0; k < K && k < 64; k++) beta[k] = expf(pp[K + k]);
        for (int u = 0; u <= Un; u++) {
            float s = 0, pos = (float)(u + 1);
            for (int k = 0; k < K; k++) {
                float dd = kk[k] - pos, e = pp[k] - (k < 64 ? beta[k] : expf(pp[K + k])) * dd * dd;
                s += e < -104.0f ? 0.0f : expf(e);   // (expf is 0 there too, by its slow underflow path)
            }
            ph[u] = s;
            if (u < Un) ww[chars[(size_t)n * Umax + u]] += s;
        }
    }
}

// φ at position x from raw p (one row): Σ_k exp(α̂_k − exp(β̂_k)(κ_k − x)²).
static float window_at(const float *kappa, const float *p, int K, float x) {
    float ph = 0;
    for (int k = 0; k < K; k++) {
        float d = kappa[k] - x, e = p[k] - expf(p[K + k]) * d * d;
        ph += e < -104.0f ? 0.0f : expf(e);
    }
    return ph;
}

void gl_hw_window_align(float *kappa, float *phi, float *w, const float *p, const int *chars, int K, int U, int C,
                        float pos) {
    double sa = 0, sk = 0, plain = 0;
    for (int k = 0; k < K; k++) { double a = exp(p[k]); sa += a; sk += a * kappa[k]; plain += kappa[k]; }
    double centre = sa > 0 && isfinite(sk / sa) ? sk / sa : plain / K;
    float shift = (float)(pos - centre);
    for (int k = 0; k < K; k++) kappa[k] += shift;
    float best = -1, at_best = pos;   // the peak of φ within two characters of pos, on a grid of 1/20 character
    for (int i = -40; i <= 40; i++) {
        float x = pos + 0.05f * (float)i, ph = window_at(kappa, p, K, x);
        if (ph > best) { best = ph; at_best = x; }
    }
    for (int k = 0; k < K; k++) kappa[k] += pos - at_best;
    memset(w, 0, sizeof(float) * C);
    for (int u = 0; u <= U; u++) {
        float ph = window_at(kappa, p, K, (float)(u + 1));
        phi[u] = ph;
        if (u < U) w[chars[u]] += ph;
    }
}

void gl_hw_window_backward(float *dp, float *dkappa, const float *dw, const float *p, const float *kappa,
                           const float *kprev, const int *chars, const int *U, int B, int K, int Umax, int C) {
    (void)kprev;
    for (int n = 0; n < B; n++) {
        const float *pp = p + (size_t)n * 3 * K, *kk = kappa + (size_t)n * K, *dww = dw + (size_t)n * C;
        float *d = dp + (size_t)n * 3 * K, *dk = dkappa + (size_t)n * K;
        int Un = U[n];
        for (int k = 0; k < K; k++) {
            float beta = expf(pp[K + k]);
            double sa = 0, sb = 0, sk = 0;
            for (int u = 0; u < Un; u++) {
                float dphi = dww[chars[(size_t)n * Umax + u]];   // w = Σ φ c_u  ⇒  dφ(u) = dw·c_u
                if (dphi == 0.0f) continue;
                float dd = kk[k] - (float)(u + 1);
                float t = expf(pp[k] - beta * dd * dd);            // α_k exp(−β(κ−u)²)
                sa += dphi * t;
                sb += dphi * t * (-dd * dd) * beta;
                sk += dphi * t * (-2.0f * beta * dd);
            }
            d[k] = (float)sa;                    // ∂/∂α̂ = α ∂/∂α
            d[K + k] = (float)sb;                // ∂/∂β̂ = β ∂/∂β
            double dkt = dk[k] + sk;             // total ∂/∂κ_t (this step and κ_{t+1} = κ_t + …)
            dk[k] = (float)dkt;                  // flows unchanged to κ_{t−1}
            d[2 * K + k] = (float)(dkt * expf(pp[2 * K + k]));
        }
    }
}

// ------------------------------------------------------------------ model
int gl_hw_char_index(const gl_hw_cfg *cfg, int ch) {
    for (int i = 0; i < cfg->C; i++) if ((unsigned char)cfg->alphabet[i] == (unsigned char)ch) return i;
    return -1;
}

// Length of the UTF-8 sequence at s (1..4), or 0 when it is not valid UTF-8.
static int utf8_len(const unsigned char *s) {
    unsigned c = s[0];
    int n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) return 0;
    for (int i = 1; i < n; i++) if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) return 0;   // overlong, surrogate
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

int gl_hw_encode(const gl_hw_cfg *cfg, const char *text, int *out) {
    // The message names each character the model cannot write once, as the
    // character itself ('é', decoded from UTF-8), not as its bytes.
    char q[1024] = ""; size_t qn = 0; int ok = 1;
    const unsigned char *t = (const unsigned char *)text;
    for (size_t i = 0; t[i];) {
        int n = utf8_len(t + i);
        int k = n == 1 ? gl_hw_char_index(cfg, t[i]) : -1;
        if (out) for (int j = 0; j < (n ? n : 1); j++) out[i + j] = k < 0 ? 0 : k;
        if (k < 0) {
            ok = 0;
            char name[48];
            if (n == 0) snprintf(name, sizeof name, "byte 0x%02x (not UTF-8)", t[i]);
            else if (n == 1 && (t[i] < 32 || t[i] == 127))
                snprintf(name, sizeof name, "U+%04X (a control character)", t[i]);
            else snprintf(name, sizeof name, "'%.*s'", n, (const char *)t + i);
            size_t nl = strlen(name);
            int seen = 0;
            for (const char *p = q; (p = strstr(p, name)); p++)
                if ((p == q || p[-1] == ' ') && (p[nl] == ',' || p[nl] == 0)) { seen = 1; break; }
            if (!seen && qn + nl + 8 < sizeof q) {
                qn += (size_t)snprintf(q + qn, sizeof q - qn, "%s%s", qn ? ", " : "", name);
            }
        }
        i += n ? (size_t)n : 1;
    }
    if (!ok) {
        char knows[128]; size_t kn = 0;   // the alphabet without its marks
        for (const char *a = cfg->alphabet; *a; a++) if (!strchr(cfg->marks, *a)) knows[kn++] = *a;
        knows[kn] = 0;
        gl_seterr("the model cannot write %s (it knows: \"%s\")", q, knows);
        return -1;
    }
    return 0;
}

static void bind(gl_hw_model *m) {
    const gl_hw_cfg *c = &m->cfg;
    char nm[64];
    for (int l = 0; l < c->L; l++) {
        snprintf(nm, sizeof nm, "lstm%d.Wx", l); m->Wx[l] = gl_params_find(&m->ps, nm)->w;
        snprintf(nm, sizeof nm, "lstm%d.Wh", l); m->Wh[l] = gl_params_find(&m->ps, nm)->w;
        snprintf(nm, sizeof nm, "lstm%d.b", l); m->b[l] = gl_params_find(&m->ps, nm)->w;
    }
    m->Wy = gl_params_find(&m->ps, "out.W")->w;
    m->by = gl_params_find(&m->ps, "out.b")->w;
    if (c->K > 0) { m->Wp = gl_params_find(&m->ps, "window.W")->w; m->bp = gl_params_find(&m->ps, "window.b")->w; }
    else m->Wp = m->bp = NULL;
}

static int cfg_check(const gl_hw_cfg *c) {
    if (c->L < 1 || c->L > 4) { gl_seterr("handwriting: layers must be 1..4 (got %d)", c->L); return -1; }
    if (c->H < 1 || c->H > 2048) { gl_seterr("handwriting: cells must be 1..2048 (got %d)", c->H); return -1; }
    if (c->M < 1 || c->M > GL_HW_MAXM) {
        gl_seterr("handwriting: mixtures must be 1..%d (got %d)", GL_HW_MAXM, c->M);
        return -1;
    }
    if (c->K < 0 || c->K > GL_HW_MAXK) {
        gl_seterr("handwriting: window Gaussians must be 0..%d (got %d)", GL_HW_MAXK, c->K);
        return -1;
    }
    if (c->K > 0 && (c->C < 1 || c->C > 127 || (int)strlen(c->alphabet) != c->C)) {
        gl_seterr("handwriting: bad alphabet");
        return -1;
    }
    return 0;
}

static void alloc_params(gl_hw_model *m) {
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H, W = c->K > 0 ? c->C : 0;
    char nm[64];
    for (int l = 0; l < c->L; l++) {
        m->NI[l] = 3 + W + (l > 0 ? H : 0);
        snprintf(nm, sizeof nm, "lstm%d.Wx", l); gl_params_add(&m->ps, nm, 4 * H, m->NI[l], 0, 0);
        snprintf(nm, sizeof nm, "lstm%d.Wh", l); gl_params_add(&m->ps, nm, 4 * H, H, 0, 0);
        snprintf(nm, sizeof nm, "lstm%d.b", l); gl_params_add(&m->ps, nm, 4 * H, 0, 0, 0);
    }
    m->NY = 1 + 6 * c->M;
    gl_params_add(&m->ps, "out.W", m->NY, c->L * H, 0, 0);
    gl_params_add(&m->ps, "out.b", m->NY, 0, 0, 0);
    if (c->K > 0) {
        gl_params_add(&m->ps, "window.W", 3 * c->K, H, 0, 0);
        gl_params_add(&m->ps, "window.b", 3 * c->K, 0, 0, 0);
    }
    bind(m);
}

static int model_init(gl_hw_model *m, const gl_hw_cfg *cfg, uint64_t seed) {
    m->cfg = *cfg;
    if (cfg_check(cfg)) return -1;
    if (m->cfg.std[0] <= 0) { m->cfg.std[0] = m->cfg.std[1] = 1; }
    alloc_params(m);
    gl_rng r; gl_rng_seed(&r, seed);
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H;
    for (int l = 0; l < c->L; l++) {
        float s = 1.0f / sqrtf((float)(m->NI[l] + H));
        gl_fill_uniform(m->Wx[l], (size_t)4 * H * m->NI[l], s, &r);
        gl_fill_uniform(m->Wh[l], (size_t)4 * H * H, s, &r);
        for (int j = 0; j < H; j++) m->b[l][H + j] = 1.0f;   // forget gate bias
    }
    gl_fill_uniform(m->Wy, (size_t)m->NY * c->L * H, 0.5f / sqrtf((float)(c->L * H)), &r);
    if (c->K > 0) {
        gl_fill_uniform(m->Wp, (size_t)3 * c->K * H, 0.1f / sqrtf((float)H), &r);
        for (int k = 0; k < c->K; k++) { m->bp[k] = 0.0f; m->bp[c->K + k] = -1.0f; m->bp[2 * c->K + k] = -3.0f; }
    }
    return 0;
}

gl_hw_model *gl_hw_new(const gl_hw_cfg *cfg, uint64_t seed) {
    gl_hw_model *m = gl_calloc(1, sizeof *m);
    if (model_init(m, cfg, seed)) { gl_hw_free(m); return NULL; }
    return m;
}

void gl_hw_free(gl_hw_model *m) {
    if (!m) return;
    gl_hw_half_free(m->half);
    gl_params_free(&m->ps);
    gl_meta_free(&m->meta);
    free(m);
}

const gl_meta *gl_hw_meta(const gl_hw_model *m) { return &m->meta; }

int gl_hw_save(const gl_hw_model *m, const char *path, const gl_meta *extra, int with_opt) {
    gl_meta meta = {0};
    const gl_hw_cfg *c = &m->cfg;
    gl_meta_set(&meta, "model", "%s", c->K > 0 ? "handwriting-synthesis" : "handwriting-prediction");
    gl_meta_set(&meta, "layers", "%d", c->L);
    gl_meta_set(&meta, "cells", "%d", c->H);
    gl_meta_set(&meta, "mixtures", "%d", c->M);
    gl_meta_set(&meta, "window_gaussians", "%d", c->K);
    gl_meta_set(&meta, "alphabet", "%s", c->alphabet);
    if (c->marks[0]) gl_meta_set(&meta, "marks", "%s", c->marks);
    gl_meta_set(&meta, "mean_x", "%.9g", c->mean[0]);
    gl_meta_set(&meta, "mean_y", "%.9g", c->mean[1]);
    gl_meta_set(&meta, "std_x", "%.9g", c->std[0]);
    gl_meta_set(&meta, "std_y", "%.9g", c->std[1]);
    gl_meta_set(&meta, "parameters", "%zu", gl_params_count(&m->ps));
    if (extra) for (int i = 0; i < extra->n; i++) gl_meta_set(&meta, extra->key[i], "%s", extra->val[i]);
    int rc = gl_params_save(&m->ps, path, &meta, with_opt);
    gl_meta_free(&meta);
    return rc;
}

static int load_into(gl_hw_model *m, const char *path, int with_opt) {
    gl_st_file f;
    if (gl_st_load(path, &f)) return -1;
    gl_hw_cfg c; memset(&c, 0, sizeof c);
    const gl_meta *mt = &f.meta;
    const char *model = gl_meta_get(mt, "model");
    if (!model || (strcmp(model, "handwriting-synthesis") && strcmp(model, "handwriting-prediction"))) {
        gl_seterr("%s: not a glimpse handwriting model", path);
        gl_st_free(&f);
        return -1;
    }
    // the configuration must be exactly what the metadata says: whole numbers,
    // finite statistics, an alphabet of distinct printable characters
    long L, H, M, K; double mx, my, sx, sy;
    if (gl_meta_int_in(mt, "layers", 1, 4, &L) || gl_meta_int_in(mt, "cells", 1, 2048, &H) ||
        gl_meta_int_in(mt, "mixtures", 1, GL_HW_MAXM, &M) ||
        gl_meta_int_in(mt, "window_gaussians", 0, GL_HW_MAXK, &K) || gl_meta_num_in(mt, "mean_x", -1e6, 1e6, &mx) ||
        gl_meta_num_in(mt, "mean_y", -1e6, 1e6, &my) || gl_meta_num_in(mt, "std_x", 1e-6, 1e6, &sx) ||
        gl_meta_num_in(mt, "std_y", 1e-6, 1e6, &sy)) {
        gl_seterr("%s: %s", path, gl_err()); gl_st_free(&f); return -1;
    }
    if ((K > 0) != !strcmp(model, "handwriting-synthesis")) {
        gl_seterr("%s: a %s model with %ld window Gaussians", path, model, K);
        gl_st_free(&f);
        return -1;
    }
    c.L = (int)L; c.H = (int)H; c.M = (int)M; c.K = (int)K;
    const char *al = gl_meta_get(mt, "alphabet");
    if (al && strlen(al) >= sizeof c.alphabet) {
        gl_seterr("%s: alphabet of %zu characters (at most %zu)", path, strlen(al), sizeof c.alphabet - 1);
        gl_st_free(&f);
        return -1;
    }
    snprintf(c.alphabet, sizeof c.alphabet, "%s", al ? al : "");
    c.C = (int)strlen(c.alphabet);
    for (int i = 0; i < c.C; i++) {
        unsigned char ch = (unsigned char)c.alphabet[i];
        if (ch < 32 || ch > 126 || strchr(c.alphabet + i + 1, ch)) {
            gl_seterr("%s: alphabet holds %s character 0x%02x", path,
                      ch < 32 || ch > 126 ? "a non-printable" : "a repeated", ch);
            gl_st_free(&f);
            return -1;
        }
    }
    const char *mk = gl_meta_get(mt, "marks"), *corpus = gl_meta_get(mt, "corpus");
    if (!mk && corpus && !strncmp(corpus, "iam:", 4)) mk = "#";   // trained before the key was written
    for (const char *p = mk ? mk : ""; *p; p++) {
        size_t n = strlen(c.marks);
        if (strchr(c.alphabet, *p) && !strchr(c.marks, *p) && n + 1 < sizeof c.marks) c.marks[n] = *p;
    }
    c.mean[0] = (float)mx; c.mean[1] = (float)my;
    c.std[0] = (float)sx; c.std[1] = (float)sy;
    gl_st_free(&f);
    if (cfg_check(&c)) { gl_seterr("%s: %s", path, gl_err()); return -1; }
    m->cfg = c;
    alloc_params(m);
    if (gl_params_load(&m->ps, path, &m->meta, with_opt)) return -1;
    return 0;
}

gl_hw_model *gl_hw_load(const char *path, int with_opt) {
    gl_hw_model *m = gl_calloc(1, sizeof *m);
    if (load_into(m, path, with_opt)) { gl_hw_free(m); return NULL; }
    return m;
}

// ------------------------------------------------------------------ workspace
void gl_hw_ws_free(gl_hw_ws *ws) {
    float **f[] = { &ws->x, &ws->mask, &ws->tgt, &ws->hcat, &ws->y, &ws->dy, &ws->p, &ws->kappa, &ws->phi, &ws->w,
                    &ws->dhcat, &ws->dw, &ws->dk, &ws->dp, &ws->dcur, &ws->dh, &ws->dc, &ws->dhp, &ws->dcp };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) { free(*f[i]); *f[i] = NULL; }
    for (int l = 0; l < 4; l++) {
        free(ws->in[l]); free(ws->h[l]); free(ws->c[l]); free(ws->act[l]); free(ws->tc[l]);
        free(ws->dpre[l]); free(ws->din[l]);
    }
    free(ws->chars); free(ws->U);
    for (int l = 0; l < 4; l++) { gl_wpack_free(&ws->whf[l]); gl_wpack_free(&ws->whb[l]); }
    gl_wpack_free(&ws->wx0f); gl_wpack_free(&ws->wx0b); gl_wpack_free(&ws->wpf); gl_wpack_free(&ws->wpb);
    memset(ws, 0, sizeof *ws);
}

static void ws_reserve(gl_hw_ws *ws, const gl_hw_model *m, int B, int T, int Umax) {
    if (B <= ws->cap_B && T <= ws->cap_T && Umax <= ws->cap_U && ws->x) return;
    int cb = B > ws->cap_B ? B : ws->cap_B, ct = T > ws->cap_T ? T : ws->cap_T,
        cu = Umax > ws->cap_U ? Umax : ws->cap_U;
    gl_hw_ws_free(ws);
    ws->cap_B = cb; ws->cap_T = ct; ws->cap_U = cu;
    const gl_hw_cfg *c = &m->cfg;
    size_t TB = (size_t)ct * cb; int H = c->H, K = c->K, C = c->K > 0 ? c->C : 1, L = c->L;
    ws->x = gl_calloc(TB * 3, 4); ws->tgt = gl_calloc(TB * 3, 4); ws->mask = gl_calloc(TB, 4);
    ws->chars = gl_calloc((size_t)cb * (cu + 1), sizeof(int)); ws->U = gl_calloc(cb, sizeof(int));
    for (int l = 0; l < L; l++) {
        ws->in[l] = gl_calloc(TB * m->NI[l], 4);
        ws->h[l] = gl_calloc(TB * H, 4); ws->c[l] = gl_calloc(TB * H, 4);
        ws->act[l] = gl_calloc(TB * 4 * H, 4); ws->tc[l] = gl_calloc(TB * H, 4);
        ws->dpre[l] = gl_calloc(TB * 4 * H, 4); ws->din[l] = gl_calloc(TB * m->NI[l], 4);
    }
    ws->hcat = gl_calloc(TB * L * H, 4); ws->dhcat = gl_calloc(TB * L * H, 4);
    ws->y = gl_calloc(TB * m->NY, 4); ws->dy = gl_calloc(TB * m->NY, 4);
    if (K > 0) {
        ws->p = gl_calloc(TB * 3 * K, 4); ws->kappa = gl_calloc(TB * K, 4);
        ws->phi = gl_calloc(TB * (cu + 1), 4); ws->w = gl_calloc(TB * C, 4);
        ws->dp = gl_calloc(TB * 3 * K, 4);
    }
    ws->dw = gl_calloc((size_t)cb * C, 4); ws->dk = gl_calloc((size_t)cb * (K > 0 ? K : 1), 4);
    ws->dcur = gl_calloc((size_t)cb * H, 4);
    ws->dh = gl_calloc((size_t)cb * H, 4); ws->dc = gl_calloc((size_t)cb * H, 4);
    ws->dhp = gl_calloc((size_t)cb * H, 4); ws->dcp = gl_calloc((size_t)cb * H, 4);
}

int gl_hw_ws_fill(gl_hw_ws *ws, const gl_hw_model *m, const gl_hw_corpus *c, const int *idx, int B, int max_T) {
    int T = 1, Umax = 1;
    const gl_hw_cfg *cf = &m->cfg;
    for (int b = 0; b < B; b++) {
        const gl_hw_line *ln = &c->lines[idx[b]];
        int n = ln->n < max_T ? ln->n : max_T;
        if (n > T) T = n;
        int u = ln->text ? (int)strlen(ln->text) : 0;
        if (u > Umax) Umax = u;
    }
    ws_reserve(ws, m, B, T, Umax);
    ws->B = B; ws->T = T; ws->Umax = Umax;
    memset(ws->x, 0, sizeof(float) * 3 * T * B); memset(ws->tgt, 0, sizeof(float) * 3 * T * B);
    memset(ws->mask, 0, sizeof(float) * T * B);
    for (int b = 0; b < B; b++) {
        const gl_hw_line *ln = &c->lines[idx[b]];
        int n = ln->n < max_T ? ln->n : max_T;
        for (int t = 0; t < n; t++) {
            float *tg = ws->tgt + ((size_t)t * B + b) * 3, *xi = ws->x + ((size_t)t * B + b) * 3;
            memcpy(tg, ln->pts + 3 * t, 3 * sizeof(float));
            if (t == 0) { xi[0] = 0; xi[1] = 0; xi[2] = 1; }
            else memcpy(xi, ln->pts + 3 * (t - 1), 3 * sizeof(float));
            ws->mask[(size_t)t * B + b] = 1;
        }
        if (cf->K > 0) {
            int u = (int)strlen(ln->text);
            ws->U[b] = u;
            if (gl_hw_encode(cf, ln->text, ws->chars + (size_t)b * Umax)) return -1;
        } else ws->U[b] = 0;
    }
    return 0;
}

// One layer-l input row: [x(3), w(C), h_{l−1}(H)] (w only for synthesis).
static void build_input(float *in, const float *x, const float *w, const float *hprev, int B, int NI, int W, int H) {
    for (int b = 0; b < B; b++) {
        float *r = in + (size_t)b * NI;
        memcpy(r, x + (size_t)b * 3, 3 * sizeof(float));
        if (W) { if (w) memcpy(r + 3, w + (size_t)b * W, W * sizeof(float)); else memset(r + 3, 0, W * sizeof(float)); }
        if (hprev) memcpy(r + 3 + W, hprev + (size_t)b * H, H * sizeof(float));
    }
}

// Layer by layer. Layer 1 of the synthesis network reads w_{t−1}, which
// depends on its own previous step, so it (with the window) runs step by
// step; every other layer's inputs are known for all steps once the layer
// below has run, so their input products are one sgemm over all T·B rows,
// and only the recurrent product is left per step. The output layer is one
// sgemm over all steps.
double gl_hw_forward(gl_hw_model *m, gl_hw_ws *ws, int *npts) {
    const gl_hw_cfg *c = &m->cfg;
    int B = ws->B, T = ws->T, H = c->H, K = c->K, L = c->L, W = K > 0 ? c->C : 0, U1 = ws->Umax + 1, NY = m->NY;
    size_t TB = (size_t)T * B;
    for (int l = 0; l < L; l++) gl_wpack_set(&ws->whf[l], m->Wh[l], 0, 1, H, 4 * H);
    if (W) { gl_wpack_set(&ws->wx0f, m->Wx[0], 0, 1, m->NI[0], 4 * H); gl_wpack_set(&ws->wpf, m->Wp, 0, 1, H, 3 * K); }
    for (int l = 0; l < L; l++) {
        int NI = m->NI[l];
        float *in = ws->in[l], *act = ws->act[l];
        int stepwise = l == 0 && W;   // layer 1 of synthesis: inputs depend on its own past
        if (!stepwise) {
            for (int t = 0; t < T; t++) {
                size_t o = (size_t)t * B;
                build_input(in + o * NI, ws->x + o * 3, W ? ws->w + o * W : NULL, l ? ws->h[l - 1] + o * H : NULL, B,
                            NI, W, H);
            }
            gl_linear_forward(act, in, m->Wx[l], m->b[l], (int)TB, NI, 4 * H, 0);
        }
        for (int t = 0; t < T; t++) {
            size_t o = (size_t)t * B;
            float *at = act + o * 4 * H;
            if (stepwise) {
                build_input(in + o * NI, ws->x + o * 3, t > 0 ? ws->w + (o - B) * W : NULL, NULL, B, NI, W, H);
                for (int b = 0; b < B; b++) memcpy(at + (size_t)b * 4 * H, m->b[0], sizeof(float) * 4 * H);
                gl_wpack_gemm(at, 4 * H, in + o * NI, NI, B, &ws->wx0f, 1.0f);
            }
            gl_lstm_step_forward_p(ws->h[l] + o * H, ws->c[l] + o * H, at, ws->tc[l] + o * H,
                                   t > 0 ? ws->h[l] + (o - B) * H : NULL, t > 0 ? ws->c[l] + (o - B) * H : NULL,
                                   &ws->whf[l], B, H);
            if (stepwise) {
                float *p = ws->p + o * 3 * K;
                for (int b = 0; b < B; b++) memcpy(p + (size_t)b * 3 * K, m->bp, sizeof(float) * 3 * K);
                gl_wpack_gemm(p, 3 * K, ws->h[0] + o * H, H, B, &ws->wpf, 1.0f);
                gl_hw_window_forward(ws->kappa + o * K, ws->phi + o * U1, ws->w + o * W, p,
                                     t > 0 ? ws->kappa + (o - B) * K : NULL, ws->chars, ws->U, B, K, ws->Umax, W);
            }
        }
    }
    for (size_t r = 0; r < TB; r++)
        for (int l = 0; l < L; l++) memcpy(ws->hcat + (r * L + l) * H, ws->h[l] + r * H, H * sizeof(float));
    gl_linear_forward(ws->y, ws->hcat, m->Wy, m->by, (int)TB, L * H, NY, 0);
    double loss = gl_hw_mdn_forward_backward(ws->dy, ws->y, ws->tgt, ws->mask, B * T, c->M);
    if (ws->jump_weight > 0 && ws->jump_weight != 1) {   // rows of step ≥ 1 whose input lifted the pen: the jumps
        for (size_t r = (size_t)B; r < TB; r++)
            if (ws->mask[r] > 0 && ws->x[3 * r + 2] > 0.5f)
                for (int k = 0; k < NY; k++) ws->dy[r * NY + k] *= ws->jump_weight;
    }
    if (npts) { int n = 0; for (size_t i = 0; i < TB; i++) n += ws->mask[i] > 0; *npts = n; }
    return loss;
}

static void clip(float *x, size_t n, float lim) {
    if (lim <= 0) return;
    for (size_t i = 0; i < n; i++) x[i] = x[i] > lim ? lim : (x[i] < -lim ? -lim : x[i]);
}

// Backward, layer by layer from the top (the reverse of gl_hw_forward):
// layer l ≥ 2 needs only the gradient of its own output, which the output
// layer and layer l+1's input gradient give for all steps at once; layer 1
// of synthesis and its window go step by step, since w_t feeds layer 1 at
// t+1. Per step only the recurrence is computed; every step's gate
// gradients are kept and turned into input and weight gradients by a few
// products over all T·B rows.
void gl_hw_backward(gl_hw_model *m, gl_hw_ws *ws, float scale, float clip_y, float clip_lstm) {
    const gl_hw_cfg *c = &m->cfg;
    int B = ws->B, T = ws->T, H = c->H, K = c->K, L = c->L, W = K > 0 ? c->C : 0, NY = m->NY;
    size_t TB = (size_t)T * B;
    gl_param *pWy = gl_params_find(&m->ps, "out.W"), *pby = gl_params_find(&m->ps, "out.b");
    gl_param *pWp = K ? gl_params_find(&m->ps, "window.W") : NULL, *pbp = K ? gl_params_find(&m->ps, "window.b") : NULL;
    gl_param *pWx[4], *pWh[4], *pb[4];
    char nm[64];
    for (int l = 0; l < L; l++) {
        snprintf(nm, sizeof nm, "lstm%d.Wx", l); pWx[l] = gl_params_find(&m->ps, nm);
        snprintf(nm, sizeof nm, "lstm%d.Wh", l); pWh[l] = gl_params_find(&m->ps, nm);
        snprintf(nm, sizeof nm, "lstm%d.b", l); pb[l] = gl_params_find(&m->ps, nm);
    }
    for (int l = 0; l < L; l++) gl_wpack_set(&ws->whb[l], m->Wh[l], 0, 0, 4 * H, H);
    if (W) { gl_wpack_set(&ws->wx0b, m->Wx[0], 0, 0, 4 * H, m->NI[0]); gl_wpack_set(&ws->wpb, m->Wp, 0, 0, 3 * K, H); }
    for (size_t i = 0; i < TB * NY; i++) ws->dy[i] *= scale;
    clip(ws->dy, TB * NY, clip_y);
    // y = Wy·hcat + by, all steps
    memset(ws->dhcat, 0, sizeof(float) * TB * L * H);
    gl_linear_backward(ws->dhcat, pWy->g, pby->g, ws->dy, ws->hcat, m->Wy, (int)TB, L * H, NY);
    for (int l = L - 1; l >= 0; l--) {
        int NI = m->NI[l], stepwise = l == 0 && W;
        float *dh = ws->dh, *dc = ws->dc, *dcur = ws->dcur;
        memset(dh, 0, sizeof(float) * B * H); memset(dc, 0, sizeof(float) * B * H);
        if (stepwise) { memset(ws->dk, 0, sizeof(float) * B * K); memset(ws->din[0], 0, sizeof(float) * TB * NI); }
        for (int t = T - 1; t >= 0; t--) {
            size_t o = (size_t)t * B;
            // total gradient reaching h^l_t: output skip, recurrence (dh), layer l+1 input
            for (int b = 0; b < B; b++) {
                float *d = dcur + (size_t)b * H;
                const float *a = ws->dhcat + ((o + b) * L + l) * H, *r = dh + (size_t)b * H;
                for (int j = 0; j < H; j++) d[j] = a[j] + r[j];
                if (l < L - 1) {
                    const float *u = ws->din[l + 1] + (o + b) * m->NI[l + 1] + 3 + W;
                    for (int j = 0; j < H; j++) d[j] += u[j];
                }
            }
            if (stepwise) {
                // w_t fed every layer above at t (their input gradients are
                // complete) and layer 1 at t+1 (computed in the previous iteration)
                for (int b = 0; b < B; b++) {
                    float *dwb = ws->dw + (size_t)b * W;
                    memset(dwb, 0, sizeof(float) * W);
                    for (int l2 = 1; l2 < L; l2++) {
                        const float *u = ws->din[l2] + (o + b) * m->NI[l2] + 3;
                        for (int j = 0; j < W; j++) dwb[j] += u[j];
                    }
                    if (t + 1 < T) {
                        const float *u = ws->din[0] + (o + B + b) * NI + 3;
                        for (int j = 0; j < W; j++) dwb[j] += u[j];
                    }
                }
                // window: p = Wp·h¹ + bp → κ, φ → w_t
                float *dp = ws->dp + o * 3 * K;
                gl_hw_window_backward(dp, ws->dk, ws->dw, ws->p + o * 3 * K, ws->kappa + o * K,
                                      t > 0 ? ws->kappa + (o - B) * K : NULL, ws->chars, ws->U, B, K, ws->Umax, W);
                gl_wpack_gemm(dcur, H, dp, 3 * K, B, &ws->wpb, 1.0f);
            }
            clip(dcur, (size_t)B * H, clip_lstm);
            memset(ws->dhp, 0, sizeof(float) * B * H); memset(ws->dcp, 0, sizeof(float) * B * H);
            float *dpre = ws->dpre[l] + o * 4 * H;
            gl_lstm_step_backward_p(dpre, t > 0 ? ws->dhp : NULL, t > 0 ? ws->dcp : NULL, dcur, dc,
                                    ws->act[l] + o * 4 * H, ws->tc[l] + o * H, t > 0 ? ws->c[l] + (o - B) * H : NULL,
                                    &ws->whb[l], B, H);
            if (stepwise) gl_wpack_gemm(ws->din[0] + o * NI, NI, dpre, 4 * H, B, &ws->wx0b, 1.0f);
            float *sw = dh; dh = ws->dhp; ws->dhp = sw; ws->dh = dh;
            sw = dc; dc = ws->dcp; ws->dcp = sw; ws->dc = dc;
        }
        if (!stepwise) memset(ws->din[l], 0, sizeof(float) * TB * NI);
        // input gradients (if not done per step) and weight gradients of all steps
        gl_lstm_weights_backward(stepwise || l == 0 ? NULL : ws->din[l], pWx[l]->g, pWh[l]->g, pb[l]->g, ws->dpre[l],
                                 ws->in[l], ws->h[l], m->Wx[l], T, B, NI, H);
    }
    if (W) gl_linear_backward(NULL, pWp->g, pbp->g, ws->dp, ws->h[0], NULL, (int)TB, H, 3 * K);
}

void gl_hw_norm_stats(const gl_hw_corpus *c, float mean[2], float std[2]) {
    double s[2] = {0, 0}, s2[2] = {0, 0}; long n = 0;
    for (int i = 0; i < c->n; i++) for (int t = 0; t < c->lines[i].n; t++) {
        for (int d = 0; d < 2; d++) { double v = c->lines[i].pts[3 * t + d]; s[d] += v; s2[d] += v * v; }
        n++;
    }
    for (int d = 0; d < 2; d++) {
        double mu = n ? s[d] / n : 0, var = n ? s2[d] / n - mu * mu : 1;
        mean[d] = (float)mu; std[d] = (float)(var > 1e-12 ? sqrt(var) : 1);
    }
}

void gl_hw_corpus_normalise(gl_hw_corpus *c, const float mean[2], const float std[2]) {
    for (int i = 0; i < c->n; i++) for (int t = 0; t < c->lines[i].n; t++)
        for (int d = 0; d < 2; d++) c->lines[i].pts[3 * t + d] = (c->lines[i].pts[3 * t + d] - mean[d]) / std[d];
}

// ------------------------------------------------------------------ on every core
// The lines of a minibatch split over the cores, each part on a replica of
// the model (the same weights, its own workspace and gradients). Forward
// first, so that the backward passes can all be scaled by 1/(points of the
// whole batch): clipping then acts on the same numbers as in one pass over
// the whole batch, and the summed gradients equal it up to float rounding.
struct gl_hw_trainer {
    gl_hw_model *m;
    int n;
    gl_hw_model rep[16];
    gl_hw_ws ws[16];
    // the current call
    const gl_hw_corpus *c; const int *idx; int B, max_T, phase, fail[16], np[16];
    float scale, clip_y, clip_lstm, jump_weight;
    double loss[16];
};

gl_hw_trainer *gl_hw_trainer_new(gl_hw_model *m) {
    gl_hw_trainer *t = gl_calloc(1, sizeof *t);
    t->m = m;
    t->n = gl_par_threads();
    for (int i = 0; i < t->n; i++) {
        t->rep[i] = *m;
        t->rep[i].half = NULL;   // the model's half copy stays its own (replicas never sample)
        memset(&t->rep[i].meta, 0, sizeof t->rep[i].meta);   // and so does its metadata
        gl_params_replica(&t->rep[i].ps, &m->ps);
    }
    return t;
}

void gl_hw_trainer_free(gl_hw_trainer *t) {
    if (!t) return;
    for (int i = 0; i < t->n; i++) { gl_params_replica_free(&t->rep[i].ps); gl_hw_ws_free(&t->ws[i]); }
    free(t);
}


static void hw_task(void *ctx, int i) {
    gl_hw_trainer *t = ctx;
    int lo, hi;
    gl_par_slice(t->B, t->n, i, &lo, &hi);
    if (hi <= lo) { t->loss[i] = 0; t->np[i] = 0; t->fail[i] = 0; return; }
    if (t->phase == 0) {
        t->fail[i] = gl_hw_ws_fill(&t->ws[i], &t->rep[i], t->c, t->idx + lo, hi - lo, t->max_T) != 0;
        t->ws[i].jump_weight = t->jump_weight;
        t->loss[i] = t->fail[i] ? NAN : gl_hw_forward(&t->rep[i], &t->ws[i], &t->np[i]);
    } else {
        gl_params_zero_grad(&t->rep[i].ps);
        gl_hw_backward(&t->rep[i], &t->ws[i], t->scale, t->clip_y, t->clip_lstm);
    }
}

void gl_hw_trainer_set_jump_weight(gl_hw_trainer *t, float w) { t->jump_weight = w; }

double gl_hw_trainer_step(gl_hw_trainer *t, const gl_hw_corpus *c, const int *idx, int B, int max_T, int grads,
                          float clip_y, float clip_lstm, int *npts) {
    int saved = t->n, n = t->n < B ? t->n : B;
    t->n = n;
    t->c = c; t->idx = idx; t->B = B; t->max_T = max_T; t->phase = 0;
    gl_par_run(n, hw_task, t);
    double loss = 0;
    int np = 0, failed = 0;
    for (int i = 0; i < n; i++) { failed |= t->fail[i]; loss += t->loss[i]; np += t->np[i]; }
    if (failed) { t->n = saved; gl_seterr("a text of the batch has characters outside the alphabet"); return NAN; }
    if (grads && np > 0) {
        t->phase = 1; t->scale = 1.0f / (float)np; t->clip_y = clip_y; t->clip_lstm = clip_lstm;
        gl_par_run(n, hw_task, t);
        for (int i = 0; i < n; i++) {
            int lo, hi;
            gl_par_slice(B, n, i, &lo, &hi);
            if (hi > lo) gl_params_add_grads(&t->m->ps, &t->rep[i].ps);
        }
    }
    t->n = saved;
    if (npts) *npts = np;
    return loss;
}
