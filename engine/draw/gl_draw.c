// DRAW model: parameters, the unrolled training pass (forward/backward
// through T steps), generation and reconstruction runs for views, files.
#include "gl_draw.h"
#include "gl_nn.h"
#include "gl_util.h"
#include "gl_vmath.h"
#include "gl_par.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_ENC_WX, P_ENC_WH, P_ENC_B, P_Q_W, P_Q_B, P_DEC_WX, P_DEC_WH, P_DEC_B,
       P_WR_W, P_WR_B, P_C0, P_RA_W, P_RA_B, P_WA_W, P_WA_B, P_COUNT };

struct gl_draw {
    gl_draw_config c;
    int R, XE, WP;          // read size, encoder input size, write output size
    gl_params ps;
    int pi[P_COUNT];        // index into ps of each parameter (-1 if absent)
    gl_meta meta;
    // activations of the last forward pass, for B <= cap samples
    int cap, B;
    const float *x, *eps;
    float *canvas;          // (T+1,B,D) c_0..c_T
    float *xhat;            // (T,B,D)
    float *rp, *rFx, *rFy, *rgam, *rtx,
        *rtxh; // read params (T,B,5), banks (T,B,N,A), γ (T,B), tmps Fy·x, Fy·x̂ (T,B,N,A)
    float *xenc;            // (T,B,XE) = [r_t, h_dec_{t-1}]
    float *ux;              // without attention: (B,4E) = enc.b + x·enc.Wx[:, :D]ᵀ, the same at every step
    float *henc, *cenc;     // (T+1,B,E)
    float *aenc, *tcenc;    // (T,B,4E), (T,B,E)
    float *q, *z;           // (T,B,2Z) = [μ, log σ], (T,B,Z)
    float *hdec, *cdec;     // (T+1,B,H)
    float *adec, *tcdec;    // (T,B,4H), (T,B,H)
    float *wp;              // (T,B,WP) write patch (or whole canvas)
    float *ap, *wFx, *wFy, *wgam, *wtmp;         // write params (T,B,5), banks, γ̂, tmp (T,B,N,A)
    // backward scratch of one step
    float *dc, *dxhat, *dh, *dh2, *dcd, *dcd2, *dhe, *dhe2, *dce, *dce2, *dxenc, *dz, *dFx, *dFy;
    // gradients of every step, turned into weight gradients after the loop
    float *dpree, *dpred;   // (T,B,4E), (T,B,4H) LSTM gates
    float *dqs, *dwps;      // (T,B,2Z), (T,B,WP)
    float *dp5w, *dp5r;     // (T,B,5) write and read window parameters
    // the weights of the per-step products, packed (gl_wpack.h) by the
    // batched passes: kf for the forward (set with packed), kb for the backward
    gl_wpack kf[P_COUNT], kb[P_COUNT];
    int packed;
    double recon, kl;
    const atomic_int *stop;   // raised: passes return early (gl_draw_set_stop)
};

static int stopped(const gl_draw *m) { return m->stop && atomic_load_explicit(m->stop, memory_order_relaxed); }
void gl_draw_set_stop(gl_draw *m, const atomic_int *stop) { m->stop = stop; }

static float *P(gl_draw *m, int k) { return m->pi[k] < 0 ? NULL : m->ps.p[m->pi[k]].w; }
static float *G(gl_draw *m, int k) { return m->pi[k] < 0 ? NULL : m->ps.p[m->pi[k]].g; }

static int check_cfg(const gl_draw_config *c) {
    if (c->T < 1 || c->T > GL_DRAW_MAXT) {
        gl_seterr("DRAW steps must be in [1, %d], got %d", GL_DRAW_MAXT, c->T);
        return -1;
    }
    if (c->enc < 1 || c->enc > 4096 || c->dec < 1 || c->dec > 4096) {
        gl_seterr("DRAW LSTM sizes must be in [1, 4096]");
        return -1;
    }
    if (c->z < 1 || c->z > 1024) { gl_seterr("DRAW latent size must be in [1, 1024], got %d", c->z); return -1; }
    if (c->attention && (c->read_n < 1 || c->read_n > GL_DRAW_MAXN || c->write_n < 1 || c->write_n > GL_DRAW_MAXN)) {
        gl_seterr("DRAW read/write grid sizes must be in [1, %d]", GL_DRAW_MAXN); return -1;
    }
    return 0;
}

static gl_draw *alloc_model(const gl_draw_config *cfg) {
    if (check_cfg(cfg)) return NULL;
    gl_draw *m = gl_calloc(1, sizeof *m);
    m->c = *cfg;
    if (!m->c.attention) m->c.read_n = m->c.write_n = 0;
    int E = cfg->enc, H = cfg->dec, Z = cfg->z;
    m->R = cfg->attention ? 2 * cfg->read_n * cfg->read_n : 2 * GL_DRAW_D;
    m->XE = m->R + H;
    m->WP = cfg->attention ? cfg->write_n * cfg->write_n : GL_DRAW_D;
    for (int k = 0; k < P_COUNT; k++) m->pi[k] = -1;
#define ADD(k, name, a, b) do { gl_params_add(&m->ps, name, a, b, 0, 0); m->pi[k] = m->ps.n - 1; } while (0)
    ADD(P_ENC_WX, "enc.Wx", 4 * E, m->XE);
    ADD(P_ENC_WH, "enc.Wh", 4 * E, E);
    ADD(P_ENC_B, "enc.b", 4 * E, 0);
    ADD(P_Q_W, "q.W", 2 * Z, E);
    ADD(P_Q_B, "q.b", 2 * Z, 0);
    ADD(P_DEC_WX, "dec.Wx", 4 * H, Z);
    ADD(P_DEC_WH, "dec.Wh", 4 * H, H);
    ADD(P_DEC_B, "dec.b", 4 * H, 0);
    ADD(P_WR_W, "write.W", m->WP, H);
    ADD(P_WR_B, "write.b", m->WP, 0);
    ADD(P_C0, "canvas0", GL_DRAW_D, 0);   // c_0, a learned bias
    if (cfg->attention) {
        ADD(P_RA_W, "read_attn.W", GL_DA_NPAR, H);
        ADD(P_RA_B, "read_attn.b", GL_DA_NPAR, 0);
        ADD(P_WA_W, "write_attn.W", GL_DA_NPAR, H);
        ADD(P_WA_B, "write_attn.b", GL_DA_NPAR, 0);
    }
#undef ADD
    return m;
}

// δ = stride_of(N)·δ̃ (eq. 24)
static float stride_of(int N) { return (float)(GL_DRAW_A - 1) / (float)(N > 1 ? N - 1 : 1); }

gl_draw *gl_draw_new(const gl_draw_config *cfg, uint64_t seed) {
    gl_draw *m = alloc_model(cfg);
    if (!m) return NULL;
    gl_rng r;
    gl_rng_seed(&r, seed);
    int E = m->c.enc, H = m->c.dec, Z = m->c.z;
    gl_fill_uniform(P(m, P_ENC_WX), (size_t)4 * E * m->XE, 1.0f / sqrtf((float)(m->XE + E)), &r);
    gl_fill_uniform(P(m, P_ENC_WH), (size_t)4 * E * E, 1.0f / sqrtf((float)(m->XE + E)), &r);
    gl_fill_uniform(P(m, P_Q_W), (size_t)2 * Z * E, 1.0f / sqrtf((float)E), &r);
    gl_fill_uniform(P(m, P_DEC_WX), (size_t)4 * H * Z, 1.0f / sqrtf((float)(Z + H)), &r);
    gl_fill_uniform(P(m, P_DEC_WH), (size_t)4 * H * H, 1.0f / sqrtf((float)(Z + H)), &r);
    gl_fill_uniform(P(m, P_WR_W), (size_t)m->WP * H, 1.0f / sqrtf((float)H), &r);
    // forget gates start open
    for (int j = 0; j < E; j++) P(m, P_ENC_B)[E + j] = 1.0f;
    for (int j = 0; j < H; j++) P(m, P_DEC_B)[H + j] = 1.0f;
    if (m->c.attention) {
        // small weights: every window starts centred, covering the image
        gl_fill_uniform(P(m, P_RA_W), (size_t)GL_DA_NPAR * H, 0.1f / sqrtf((float)H), &r);
        gl_fill_uniform(P(m, P_WA_W), (size_t)GL_DA_NPAR * H, 0.1f / sqrtf((float)H), &r);
        // Both grids start centred on the digit rather than spanning the
        // whole frame (δ̃ = 1 would put a 2x2 read grid on the empty corners,
        // where the encoder sees nothing and learning stalls). The read grid
        // starts 12 px wide with filters wide enough to overlap; the write
        // grid starts small (a 10 px box of sharp filters), so that writing
        // is local from the start and covering the digit means moving the
        // window rather than growing it.
        float *rb = P(m, P_RA_B), *wb = P(m, P_WA_B);
        rb[GL_DA_LOGDELTA] = logf(12.0f / (float)(GL_DRAW_A - 1));
        rb[GL_DA_LOGS2] = logf(9.0f);
        float wn1 = (float)(m->c.write_n > 1 ? m->c.write_n - 1 : 1);
        wb[GL_DA_LOGDELTA] = logf(10.0f / wn1 / stride_of(m->c.write_n));
        wb[GL_DA_LOGS2] = logf(1.5f);
        wb[GL_DA_LOGGAMMA] = -2.0f;   // 1/γ̂ ≈ 7.4: a 5x5 patch can mark the canvas from the start
    }
    return m;
}

static void meta_write_cfg(gl_meta *meta, const gl_draw_config *c) {
    gl_meta_set(meta, "model", "draw");
    gl_meta_set(meta, "attention", "%d", c->attention);
    gl_meta_set(meta, "steps", "%d", c->T);
    gl_meta_set(meta, "read_n", "%d", c->read_n);
    gl_meta_set(meta, "write_n", "%d", c->write_n);
    gl_meta_set(meta, "enc", "%d", c->enc);
    gl_meta_set(meta, "dec", "%d", c->dec);
    gl_meta_set(meta, "z", "%d", c->z);
}

gl_draw *gl_draw_load(const char *path, int with_opt) {
    gl_st_file f;
    if (gl_st_load(path, &f)) return NULL;
    const char *model = gl_meta_get(&f.meta, "model");
    if (!model || strcmp(model, "draw")) {
        gl_seterr("%s: not a DRAW weight file (metadata model=%s)", path, model ? model : "missing");
        gl_st_free(&f); return NULL;
    }
    // every size strictly as the metadata says it ("10abc" or "1e1" are errors);
    // the tensor shapes then check enc, dec, z, read_n and write_n, and the
    // file's digest (gl_st_load) covers "steps", which no shape records
    long v[7];
    static const char *keys[7] = { "attention", "steps", "read_n", "write_n", "enc", "dec", "z" };
    static const long hi[7] = { 1, GL_DRAW_MAXT, GL_DRAW_MAXN, GL_DRAW_MAXN, 4096, 4096, 1024 };
    for (int i = 0; i < 7; i++)
        if (gl_meta_int_in(&f.meta, keys[i], 0, hi[i], &v[i])) {
            gl_seterr("%s: %s", path, gl_err());
            gl_st_free(&f);
            return NULL;
        }
    gl_draw_config c = { .attention = (int)v[0], .T = (int)v[1], .read_n = (int)v[2], .write_n = (int)v[3],
                         .enc = (int)v[4], .dec = (int)v[5], .z = (int)v[6] };
    gl_st_free(&f);
    gl_draw *m = alloc_model(&c);
    if (!m) { char e[256]; snprintf(e, sizeof e, "%s", gl_err()); gl_seterr("%s: %s", path, e); return NULL; }
    if (gl_params_load(&m->ps, path, &m->meta, with_opt)) { gl_draw_free(m); return NULL; }
    return m;
}

int gl_draw_save(const gl_draw *m, const char *path, const gl_meta *extra, int with_opt) {
    gl_meta meta = {0};
    if (extra) for (int i = 0; i < extra->n; i++) gl_meta_set(&meta, extra->key[i], "%s", extra->val[i]);
    meta_write_cfg(&meta, &m->c);
    int rc = gl_params_save(&m->ps, path, &meta, with_opt);
    gl_meta_free(&meta);
    return rc;
}

static void free_ws(gl_draw *m) {
    float **bufs[] = { &m->canvas, &m->xhat, &m->rp, &m->rFx, &m->rFy, &m->rgam, &m->rtx, &m->rtxh, &m->xenc, &m->ux,
        &m->henc, &m->cenc, &m->aenc, &m->tcenc, &m->q, &m->z, &m->hdec, &m->cdec, &m->adec, &m->tcdec, &m->wp,
        &m->ap, &m->wFx, &m->wFy, &m->wgam, &m->wtmp, &m->dc, &m->dxhat, &m->dh, &m->dh2, &m->dcd, &m->dcd2,
        &m->dhe, &m->dhe2, &m->dce, &m->dce2, &m->dxenc, &m->dz, &m->dFx, &m->dFy,
        &m->dpree, &m->dpred, &m->dqs, &m->dwps, &m->dp5w, &m->dp5r };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) { free(*bufs[i]); *bufs[i] = NULL; }
    for (int k = 0; k < P_COUNT; k++) { gl_wpack_free(&m->kf[k]); gl_wpack_free(&m->kb[k]); }
    m->packed = 0;
    m->cap = 0;
}

void gl_draw_free(gl_draw *m) {
    if (!m) return;
    free_ws(m);
    gl_params_free(&m->ps);
    gl_meta_free(&m->meta);
    free(m);
}
const gl_draw_config *gl_draw_cfg(const gl_draw *m) { return &m->c; }
gl_params *gl_draw_params(gl_draw *m) { return &m->ps; }
const gl_meta *gl_draw_meta(const gl_draw *m) { return &m->meta; }
const float *gl_draw_canvas(const gl_draw *m) { return m->canvas + (size_t)m->c.T * m->B * GL_DRAW_D; }

static float *alloc_floats(size_t n) { return gl_calloc(n ? n : 1, sizeof(float)); }

static void ensure_ws(gl_draw *m, int B) {
    if (B <= m->cap) return;
    free_ws(m);
    size_t T = (size_t)m->c.T, D = GL_DRAW_D, A = GL_DRAW_A, E = m->c.enc, H = m->c.dec, Z = m->c.z, b = (size_t)B;
    size_t rn = m->c.attention ? (size_t)m->c.read_n : 0, wn = m->c.attention ? (size_t)m->c.write_n : 0;
#define AL(p, n) (p = alloc_floats(n))
    AL(m->canvas, (T + 1) * b * D); AL(m->xhat, T * b * D);
    AL(m->rp, T * b * 5); AL(m->rFx, T * b * rn * A); AL(m->rFy, T * b * rn * A); AL(m->rgam, T * b);
    AL(m->rtx, T * b * A * rn); AL(m->rtxh, T * b * A * rn);
    AL(m->xenc, T * b * m->XE);
    AL(m->ux, b * 4 * E);
    AL(m->henc, (T + 1) * b * E); AL(m->cenc, (T + 1) * b * E); AL(m->aenc, T * b * 4 * E); AL(m->tcenc, T * b * E);
    AL(m->q, T * b * 2 * Z); AL(m->z, T * b * Z);
    AL(m->hdec, (T + 1) * b * H); AL(m->cdec, (T + 1) * b * H); AL(m->adec, T * b * 4 * H); AL(m->tcdec, T * b * H);
    AL(m->wp, T * b * m->WP);
    AL(m->ap, T * b * 5);
    AL(m->wFx, T * b * wn * A);
    AL(m->wFy, T * b * wn * A);
    AL(m->wgam, T * b);
    AL(m->wtmp, T * b * wn * A);
    AL(m->dc, b * D); AL(m->dxhat, b * D); AL(m->dh, b * H); AL(m->dh2, b * H); AL(m->dcd, b * H); AL(m->dcd2, b * H);
    AL(m->dhe, b * E); AL(m->dhe2, b * E); AL(m->dce, b * E); AL(m->dce2, b * E); AL(m->dxenc, b * m->XE);
    AL(m->dz, b * Z); AL(m->dFx, GL_DRAW_MAXN * A); AL(m->dFy, GL_DRAW_MAXN * A);
    AL(m->dpree, T * b * 4 * E); AL(m->dpred, T * b * 4 * H); AL(m->dqs, T * b * 2 * Z); AL(m->dwps, T * b * m->WP);
    AL(m->dp5w, T * b * 5); AL(m->dp5r, T * b * 5);
#undef AL
    m->cap = B;
}

// Packing for the batched passes (a run of one sample multiplies each weight
// by one row per step: packing would cost more than it saves). Without
// attention the encoder's per-step product uses only the columns of [x̂,
// h_dec] (x's part is made once per pass).
static void pack_forward(gl_draw *m) {
    int E = m->c.enc, H = m->c.dec, Z = m->c.z, XE = m->XE, D = GL_DRAW_D, off = m->c.attention ? 0 : D;
    gl_wpack_set(&m->kf[P_ENC_WX], P(m, P_ENC_WX) + off, XE, 1, XE - off, 4 * E);
    gl_wpack_set(&m->kf[P_ENC_WH], P(m, P_ENC_WH), 0, 1, E, 4 * E);
    gl_wpack_set(&m->kf[P_Q_W], P(m, P_Q_W), 0, 1, E, 2 * Z);
    gl_wpack_set(&m->kf[P_DEC_WX], P(m, P_DEC_WX), 0, 1, Z, 4 * H);
    gl_wpack_set(&m->kf[P_DEC_WH], P(m, P_DEC_WH), 0, 1, H, 4 * H);
    gl_wpack_set(&m->kf[P_WR_W], P(m, P_WR_W), 0, 1, H, m->WP);
    if (m->c.attention) {
        gl_wpack_set(&m->kf[P_RA_W], P(m, P_RA_W), 0, 1, H, 5);
        gl_wpack_set(&m->kf[P_WA_W], P(m, P_WA_W), 0, 1, H, 5);
    }
    m->packed = 1;
}
static void pack_backward(gl_draw *m) {
    int E = m->c.enc, H = m->c.dec, Z = m->c.z, XE = m->XE, D = GL_DRAW_D, off = m->c.attention ? 0 : D;
    gl_wpack_set(&m->kb[P_ENC_WX], P(m, P_ENC_WX) + off, XE, 0, 4 * E, XE - off);
    gl_wpack_set(&m->kb[P_ENC_WH], P(m, P_ENC_WH), 0, 0, 4 * E, E);
    gl_wpack_set(&m->kb[P_Q_W], P(m, P_Q_W), 0, 0, 2 * Z, E);
    gl_wpack_set(&m->kb[P_DEC_WX], P(m, P_DEC_WX), 0, 0, 4 * H, Z);
    gl_wpack_set(&m->kb[P_DEC_WH], P(m, P_DEC_WH), 0, 0, 4 * H, H);
    gl_wpack_set(&m->kb[P_WR_W], P(m, P_WR_W), 0, 0, m->WP, H);
    if (m->c.attention) {
        gl_wpack_set(&m->kb[P_RA_W], P(m, P_RA_W), 0, 0, 5, H);
        gl_wpack_set(&m->kb[P_WA_W], P(m, P_WA_W), 0, 0, 5, H);
    }
}
// out (B,OC) = inp (B,C)·Wᵀ + b for weight parameter w and bias bi
static void lin(gl_draw *m, float *out, const float *inp, int w, int bi, int B, int C, int OC) {
    if (!m->packed) { gl_linear_forward(out, inp, P(m, w), P(m, bi), B, C, OC, 0); return; }
    for (int n = 0; n < B; n++) memcpy(out + (size_t)n * OC, P(m, bi), (size_t)OC * sizeof(float));
    gl_wpack_gemm(out, OC, inp, C, B, &m->kf[w], 1.0f);
}
// one LSTM step on pre-activations act that already hold the input part
static void lstm_step(gl_draw *m, float *h, float *c, float *act, float *tc, const float *hp, const float *cp, int wh,
                      int B, int n) {
    if (m->packed) gl_lstm_step_forward_p(h, c, act, tc, hp, cp, &m->kf[wh], B, n);
    else gl_lstm_step_forward(h, c, act, tc, hp, cp, P(m, wh), B, n);
}

// ---- one step, shared by training and the runs ---------------------------------

// Encoder half of step t (0-based): x̂, read, encoder LSTM, q. Uses canvas[t], hdec[t].
static void step_encode(gl_draw *m, int t, const float *x, int B) {
    size_t D = GL_DRAW_D, A = GL_DRAW_A, b = (size_t)B, E = m->c.enc, H = m->c.dec, Z = m->c.z;
    int N = m->c.read_n, XE = m->XE;
    const float *cprev = m->canvas + (size_t)t * b * D, *hprev = m->hdec + (size_t)t * b * H;
    float *xh = m->xhat + (size_t)t * b * D, *xe = m->xenc + (size_t)t * b * XE;
    gl_vsigmoid(xh, cprev, b * D);
    for (size_t k = 0; k < b * D; k++) xh[k] = x[k] - xh[k];   // x̂ = x − σ(c_{t−1})
    if (m->c.attention) {
        float *rp = m->rp + (size_t)t * b * 5;
        lin(m, rp, hprev, P_RA_W, P_RA_B, B, (int)H, 5);
        for (int n = 0; n < B; n++) {
            size_t o = ((size_t)t * b + n);
            float *Fx = m->rFx + o * N * A, *Fy = m->rFy + o * N * A;
            gl_draw_filterbank_forward(Fx, Fy, &m->rgam[o], rp + (size_t)n * 5, N, (int)A);
            float *row = xe + (size_t)n * XE;
            gl_draw_read_forward(row, m->rtx + o * A * N, x + (size_t)n * D, Fx, Fy, m->rgam[o], N, (int)A);
            gl_draw_read_forward(row + N * N, m->rtxh + o * A * N, xh + (size_t)n * D, Fx, Fy, m->rgam[o], N, (int)A);
        }
    } else {
        for (int n = 0; n < B; n++) {
            memcpy(xe + (size_t)n * XE, x + (size_t)n * D, D * sizeof(float));
            memcpy(xe + (size_t)n * XE + D, xh + (size_t)n * D, D * sizeof(float));
        }
    }
    for (int n = 0; n < B; n++) memcpy(xe + (size_t)n * XE + m->R, hprev + (size_t)n * H, H * sizeof(float));
    if (m->c.attention) {
        float *act = m->aenc + (size_t)t * b * 4 * E;
        lin(m, act, xe, P_ENC_WX, P_ENC_B, B, XE, (int)(4 * E));
        lstm_step(m, m->henc + (size_t)(t + 1) * b * E, m->cenc + (size_t)(t + 1) * b * E, act,
                  m->tcenc + (size_t)t * b * E, t ? m->henc + (size_t)t * b * E : NULL,
                  t ? m->cenc + (size_t)t * b * E : NULL, P_ENC_WH, B, (int)E);
    } else {
        // Without attention the encoder reads all of x at every step: its
        // part of the gate pre-activations is made once (at t = 0) and
        // reused; each step multiplies only [x̂_t, h_dec_{t−1}].
        const float *Wx = P(m, P_ENC_WX);
        int G = (int)(4 * E);
        if (t == 0) {
            for (int n = 0; n < B; n++) memcpy(m->ux + (size_t)n * G, P(m, P_ENC_B), (size_t)G * sizeof(float));
            gl_sgemm(0, 1, B, G, (int)D, x, (int)D, Wx, XE, 1.0f, m->ux, G);
        }
        float *act = m->aenc + (size_t)t * b * G;
        memcpy(act, m->ux, b * (size_t)G * sizeof(float));
        if (m->packed) gl_wpack_gemm(act, G, xe + D, XE, B, &m->kf[P_ENC_WX], 1.0f);
        else gl_sgemm(0, 1, B, G, XE - (int)D, xe + D, XE, Wx + D, XE, 1.0f, act, G);
        lstm_step(m, m->henc + (size_t)(t + 1) * b * E, m->cenc + (size_t)(t + 1) * b * E, act,
                  m->tcenc + (size_t)t * b * E, t ? m->henc + (size_t)t * b * E : NULL,
                  t ? m->cenc + (size_t)t * b * E : NULL, P_ENC_WH, B, (int)E);
    }
    lin(m, m->q + (size_t)t * b * 2 * Z, m->henc + (size_t)(t + 1) * b * E, P_Q_W, P_Q_B, B, (int)E, (int)(2 * Z));
}

// Decoder half of step t: decoder LSTM on z[t], write onto canvas[t+1].
static void step_decode(gl_draw *m, int t, int B) {
    size_t D = GL_DRAW_D, A = GL_DRAW_A, b = (size_t)B, H = m->c.dec, Z = m->c.z;
    int N = m->c.write_n;
    float *h = m->hdec + (size_t)(t + 1) * b * H, *act = m->adec + (size_t)t * b * 4 * H;
    lin(m, act, m->z + (size_t)t * b * Z, P_DEC_WX, P_DEC_B, B, (int)Z, (int)(4 * H));
    lstm_step(m, h, m->cdec + (size_t)(t + 1) * b * H, act, m->tcdec + (size_t)t * b * H,
              t ? m->hdec + (size_t)t * b * H : NULL, t ? m->cdec + (size_t)t * b * H : NULL, P_DEC_WH, B, (int)H);
    float *cnew = m->canvas + (size_t)(t + 1) * b * D, *cold = m->canvas + (size_t)t * b * D;
    float *wp = m->wp + (size_t)t * b * m->WP;
    lin(m, wp, h, P_WR_W, P_WR_B, B, (int)H, m->WP);
    if (m->c.attention) {
        memcpy(cnew, cold, b * D * sizeof(float));
        float *ap = m->ap + (size_t)t * b * 5;
        lin(m, ap, h, P_WA_W, P_WA_B, B, (int)H, 5);
        for (int n = 0; n < B; n++) {
            size_t o = (size_t)t * b + n;
            float *Fx = m->wFx + o * N * A, *Fy = m->wFy + o * N * A;
            gl_draw_filterbank_forward(Fx, Fy, &m->wgam[o], ap + (size_t)n * 5, N, (int)A);
            gl_draw_write_forward(cnew + (size_t)n * D, m->wtmp + o * N * A, wp + (size_t)n * N * N, Fx, Fy, m->wgam[o],
                                  N, (int)A);
        }
    } else {
        for (size_t k = 0; k < b * D; k++) cnew[k] = cold[k] + wp[k];
    }
}

// z = μ + exp(log σ) ε
static void sample_z(gl_draw *m, int t, const float *eps, int B) {
    size_t b = (size_t)B, Z = m->c.z;
    const float *q = m->q + (size_t)t * b * 2 * Z;
    float *z = m->z + (size_t)t * b * Z;
    for (int n = 0; n < B; n++)
        for (size_t k = 0; k < Z; k++)
            z[n * Z + k] = q[n * 2 * Z + k] + expf(q[n * 2 * Z + Z + k]) * (eps ? eps[n * Z + k] : 0.0f);
}

double gl_draw_forward(gl_draw *m, const float *x, const float *eps, int B, double *recon, double *kl) {
    ensure_ws(m, B);
    pack_forward(m);
    m->B = B; m->x = x; m->eps = eps;
    size_t D = GL_DRAW_D, b = (size_t)B, Z = m->c.z;
    for (int n = 0; n < B; n++) memcpy(m->canvas + (size_t)n * D, P(m, P_C0), D * sizeof(float));   // c_0

    memset(m->hdec, 0, b * m->c.dec * sizeof(float));             // h_dec_0 = 0
    double klsum = 0;
    for (int t = 0; t < m->c.T; t++) {
        if (stopped(m)) return NAN;
        step_encode(m, t, x, B);
        sample_z(m, t, eps + (size_t)t * b * Z, B);
        const float *q = m->q + (size_t)t * b * 2 * Z;
        for (int n = 0; n < B; n++) klsum += gl_kl_forward(q + n * 2 * Z, q + n * 2 * Z + Z, (int)Z);
        step_decode(m, t, B);
    }
    // −log D(x|σ(c_T)) = Σ softplus(c) − x c   (binary cross-entropy, eq. 9)
    const float *c = m->canvas + (size_t)m->c.T * b * D;
    double rec = 0;
    for (size_t k = 0; k < b * D; k++) {
        float v = c[k];
        rec += (double)(fmaxf(v, 0.0f) - x[k] * v + log1pf(expf(-fabsf(v))));
    }
    m->recon = rec / B; m->kl = klsum / B;
    if (recon) *recon = m->recon;
    if (kl) *kl = m->kl;
    return m->recon + m->kl;
}

// Backward through time. Per step only what the recurrence needs; every
// step's gate, latent, write and window gradients are kept, and the weight
// gradients are formed after the loop, one product per weight over all T·B
// rows.
void gl_draw_backward(gl_draw *m) {
    int B = m->B, T = m->c.T;
    size_t D = GL_DRAW_D, A = GL_DRAW_A, b = (size_t)B, E = m->c.enc, H = m->c.dec, Z = m->c.z;
    int XE = m->XE, rn = m->c.read_n, wn = m->c.write_n, WP = m->WP;
    float inv = 1.0f / (float)B;
    const float *x = m->x;
    pack_backward(m);
    // d(mean loss)/dc_T = (σ(c_T) − x)/B
    const float *cT = m->canvas + (size_t)T * b * D;
    gl_vsigmoid(m->dc, cT, b * D);
    for (size_t k = 0; k < b * D; k++) m->dc[k] = (m->dc[k] - x[k]) * inv;
    memset(m->dh, 0, b * H * sizeof(float)); memset(m->dcd, 0, b * H * sizeof(float));
    memset(m->dhe, 0, b * E * sizeof(float)); memset(m->dce, 0, b * E * sizeof(float));
    for (int t = T - 1; t >= 0; t--) {
        if (stopped(m)) return;   // the caller sees the stop and drops these gradients
        // ---- write: c_t = c_{t−1} + write(h_dec_t); dc flows on unchanged to c_{t−1}
        float *dwp = m->dwps + (size_t)t * b * WP;
        if (m->c.attention) {
            float *dp5 = m->dp5w + (size_t)t * b * 5;
            memset(dwp, 0, b * WP * sizeof(float));
            memset(dp5, 0, b * 5 * sizeof(float));
            for (int n = 0; n < B; n++) {
                size_t o = (size_t)t * b + n;
                float *dFx = m->dFx, *dFy = m->dFy;
                memset(dFx, 0, wn * A * sizeof(float)); memset(dFy, 0, wn * A * sizeof(float));
                const float *Fx = m->wFx + o * wn * A, *Fy = m->wFy + o * wn * A;
                float dg = gl_draw_write_backward(
                    dwp + (size_t)n * wn * wn, dFx, dFy, m->dc + (size_t)n * D, m->wtmp + o * wn * A,
                    m->wp + (size_t)t * b * WP + (size_t)n * wn * wn, Fx, Fy, m->wgam[o], wn, (int)A);
                gl_draw_filterbank_backward(dp5 + (size_t)n * 5, dFx, dFy, dg, Fx, Fy, m->ap + o * 5, wn, (int)A);
            }
            gl_wpack_gemm(m->dh, (int)H, dp5, 5, B, &m->kb[P_WA_W], 1.0f);
        } else {
            memcpy(dwp, m->dc, b * D * sizeof(float));
        }
        gl_wpack_gemm(m->dh, (int)H, dwp, WP, B, &m->kb[P_WR_W], 1.0f);
        // ---- decoder LSTM: h_dec_t = LSTM(h_dec_{t−1}, z_t)
        float *dpd = m->dpred + (size_t)t * b * 4 * H;
        memset(m->dh2, 0, b * H * sizeof(float)); memset(m->dcd2, 0, b * H * sizeof(float));
        gl_lstm_step_backward_p(dpd, t ? m->dh2 : NULL, t ? m->dcd2 : NULL, m->dh, m->dcd,
                                m->adec + (size_t)t * b * 4 * H, m->tcdec + (size_t)t * b * H,
                                t ? m->cdec + (size_t)t * b * H : NULL, &m->kb[P_DEC_WH], B, (int)H);
        gl_wpack_gemm(m->dz, (int)Z, dpd, (int)(4 * H), B, &m->kb[P_DEC_WX], 0.0f);
        // ---- z = μ + σ ε and the KL term
        const float *q = m->q + (size_t)t * b * 2 * Z, *eps = m->eps + (size_t)t * b * Z;
        float *dq = m->dqs + (size_t)t * b * 2 * Z;
        for (int n = 0; n < B; n++)
            for (size_t k = 0; k < Z; k++) {
                float dz = m->dz[n * Z + k], sig = expf(q[n * 2 * Z + Z + k]);
                dq[n * 2 * Z + k] = dz;
                dq[n * 2 * Z + Z + k] = dz * sig * eps[n * Z + k];
            }
        for (int n = 0; n < B; n++)
            gl_kl_backward(dq + n * 2 * Z, dq + n * 2 * Z + Z, q + n * 2 * Z, q + n * 2 * Z + Z, (int)Z, inv);
        gl_wpack_gemm(m->dhe, (int)E, dq, (int)(2 * Z), B, &m->kb[P_Q_W], 1.0f);
        // ---- encoder LSTM: h_enc_t = LSTM(h_enc_{t−1}, [r_t, h_dec_{t−1}])
        float *dpe = m->dpree + (size_t)t * b * 4 * E;
        memset(m->dhe2, 0, b * E * sizeof(float)); memset(m->dce2, 0, b * E * sizeof(float));
        gl_lstm_step_backward_p(dpe, t ? m->dhe2 : NULL, t ? m->dce2 : NULL, m->dhe, m->dce,
                                m->aenc + (size_t)t * b * 4 * E, m->tcenc + (size_t)t * b * E,
                                t ? m->cenc + (size_t)t * b * E : NULL, &m->kb[P_ENC_WH], B, (int)E);
        // without attention x is data: only [x̂, h_dec] need their gradient (the pack has their columns)
        if (m->c.attention) gl_wpack_gemm(m->dxenc, XE, dpe, (int)(4 * E), B, &m->kb[P_ENC_WX], 0.0f);
        else gl_wpack_gemm(m->dxenc + D, XE, dpe, (int)(4 * E), B, &m->kb[P_ENC_WX], 0.0f);
        const float *xe = m->xenc + (size_t)t * b * XE;
        // h_dec_{t−1} entered the encoder input directly
        if (t)
            for (int n = 0; n < B; n++)
                for (size_t k = 0; k < H; k++) m->dh2[n * H + k] += m->dxenc[(size_t)n * XE + m->R + k];
        // ---- read: r_t = read(x, x̂_t, h_dec_{t−1})
        const float *xh = m->xhat + (size_t)t * b * D;
        memset(m->dxhat, 0, b * D * sizeof(float));
        if (m->c.attention) {
            float *dp5 = m->dp5r + (size_t)t * b * 5;
            memset(dp5, 0, b * 5 * sizeof(float));
            for (int n = 0; n < B; n++) {
                size_t o = (size_t)t * b + n;
                float *dFx = m->dFx, *dFy = m->dFy;
                memset(dFx, 0, rn * A * sizeof(float)); memset(dFy, 0, rn * A * sizeof(float));
                const float *Fx = m->rFx + o * rn * A, *Fy = m->rFy + o * rn * A, *row = xe + (size_t)n * XE,
                            *drow = m->dxenc + (size_t)n * XE;
                float dg = gl_draw_read_backward(NULL, dFx, dFy, drow, row, m->rtx + o * A * rn, x + (size_t)n * D, Fx,
                                                 Fy, m->rgam[o], rn, (int)A);
                dg += gl_draw_read_backward(m->dxhat + (size_t)n * D, dFx, dFy, drow + rn * rn, row + rn * rn,
                                       m->rtxh + o * A * rn, xh + (size_t)n * D, Fx, Fy, m->rgam[o], rn, (int)A);
                gl_draw_filterbank_backward(dp5 + (size_t)n * 5, dFx, dFy, dg, Fx, Fy, m->rp + o * 5, rn, (int)A);
            }
            // h_dec_0 = 0 is a constant: only the bias learns from the first read
            if (t) gl_wpack_gemm(m->dh2, (int)H, dp5, 5, B, &m->kb[P_RA_W], 1.0f);
        } else {
            for (int n = 0; n < B; n++)
                memcpy(m->dxhat + (size_t)n * D, m->dxenc + (size_t)n * XE + D, D * sizeof(float));
        }
        // x̂_t = x − σ(c_{t−1}), so σ(c_{t−1}) = x − x̂_t
        for (size_t k = 0; k < b * D; k++) { float sg = x[k] - xh[k]; m->dc[k] -= m->dxhat[k] * sg * (1 - sg); }
        if (t == 0) break;
        // step back: gradients of step t−1's states
        float *sw;
        sw = m->dh; m->dh = m->dh2; m->dh2 = sw;
        sw = m->dcd; m->dcd = m->dcd2; m->dcd2 = sw;
        sw = m->dhe; m->dhe = m->dhe2; m->dhe2 = sw;
        sw = m->dce; m->dce = m->dce2; m->dce2 = sw;
    }
    if (stopped(m)) return;
    // dc now holds ∂L/∂c_0 of every sample
    float *g0 = G(m, P_C0);
    for (int n = 0; n < B; n++) for (size_t k = 0; k < D; k++) g0[k] += m->dc[(size_t)n * D + k];
    // ---- weight gradients over all steps: step t reads h_dec_t (write side),
    // h_enc_t (q), h_dec_{t−1} (read side; row block t of hdec).
    int TB = T * B;
    const float *hdec1 = m->hdec + b * H, *henc1 = m->henc + b * E;
    gl_linear_backward(NULL, G(m, P_WR_W), G(m, P_WR_B), m->dwps, hdec1, NULL, TB, (int)H, WP);
    if (m->c.attention) {
        gl_linear_backward(NULL, G(m, P_WA_W), G(m, P_WA_B), m->dp5w, hdec1, NULL, TB, (int)H, 5);
        gl_linear_backward(NULL, G(m, P_RA_W), G(m, P_RA_B), m->dp5r, m->hdec, NULL, TB, (int)H, 5);
    }
    gl_linear_backward(NULL, G(m, P_Q_W), G(m, P_Q_B), m->dqs, henc1, NULL, TB, (int)E, (int)(2 * Z));
    gl_lstm_weights_backward(NULL, G(m, P_DEC_WX), G(m, P_DEC_WH), G(m, P_DEC_B), m->dpred, m->z, hdec1, NULL, T, B,
                             (int)Z, (int)H);
    if (m->c.attention) {
        gl_lstm_weights_backward(NULL, G(m, P_ENC_WX), G(m, P_ENC_WH), G(m, P_ENC_B), m->dpree, m->xenc, henc1, NULL, T,
                                 B, XE, (int)E);
    } else {
        // x's columns: Σ_t dpre_tᵀ x = (Σ_t dpre_t)ᵀ x, one product of B rows
        int G4 = (int)(4 * E);
        float *S = m->ux;   // free after the forward pass
        memcpy(S, m->dpree, b * (size_t)G4 * sizeof(float));
        for (int t = 1; t < T; t++) {
            const float *d = m->dpree + (size_t)t * b * G4;
            for (size_t k = 0; k < b * (size_t)G4; k++) S[k] += d[k];
        }
        float *gW = G(m, P_ENC_WX);
        gl_sgemm(1, 0, G4, (int)D, B, S, G4, x, (int)D, 1.0f, gW, XE);
        gl_sgemm(1, 0, G4, XE - (int)D, TB, m->dpree, G4, m->xenc + D, XE, 1.0f, gW + D, XE);
        gl_lstm_weights_backward(NULL, NULL, G(m, P_ENC_WH), G(m, P_ENC_B), m->dpree, NULL, henc1, NULL, T, B, 0,
                                 (int)E);
    }
}

// ---- runs ---------------------------------------------------------------------

gl_trace *gl_draw_trace_new(const gl_draw *m) {
    return gl_trace_new(GL_TRACE_DRAW, sizeof(gl_draw_frame), m->c.T, NULL);
}

static void fill_frame(gl_draw *m, int t, int has_read, gl_draw_frame *f) {
    memset(f, 0, sizeof *f);
    f->t = t;
    f->has_read = has_read && m->c.attention;
    if (m->c.attention) {
        if (has_read) gl_draw_window_of(m->rp + (size_t)t * 5, m->c.read_n, GL_DRAW_A, &f->read);
        gl_draw_window_of(m->ap + (size_t)t * 5, m->c.write_n, GL_DRAW_A, &f->write);
        // The runs use B = 1, so step t's patch and read row start at t·WP and t·XE.
        int wn = m->c.write_n, rn = m->c.read_n;
        memcpy(f->wpatch, m->wp + (size_t)t * m->WP, sizeof(float) * (size_t)(wn * wn));
        if (has_read) memcpy(f->rpatch, m->xenc + (size_t)t * m->XE, sizeof(float) * (size_t)(2 * rn * rn));
    }
    const float *c = m->canvas + (size_t)(t + 1) * GL_DRAW_D;
    for (int k = 0; k < GL_DRAW_D; k++) f->canvas[k] = gl_sigmoid(c[k]);
}

static int run(gl_draw *m, const float *img, uint64_t seed, int use_noise, gl_trace *trace, const atomic_int *cancel,
               float *out784) {
    ensure_ws(m, 1);
    m->B = 1; m->packed = 0;
    size_t Z = m->c.z;
    memcpy(m->canvas, P(m, P_C0), GL_DRAW_D * sizeof(float));
    memset(m->hdec, 0, m->c.dec * sizeof(float));
    gl_rng r;
    gl_rng_seed(&r, seed);
    float eps[1024];
    gl_draw_frame *f = trace ? gl_malloc(sizeof *f) : NULL;
    int t = 0;
    for (; t < m->c.T; t++) {
        if (cancel && atomic_load(cancel)) break;
        for (size_t k = 0; k < Z; k++) eps[k] = use_noise ? gl_rng_normal(&r) : 0.0f;
        if (img) {
            step_encode(m, t, img, 1);
            sample_z(m, t, eps, 1);
        } else {
            memcpy(m->z + (size_t)t * Z, eps, Z * sizeof(float));   // z_t ~ N(0, I)
        }
        step_decode(m, t, 1);
        if (f) { fill_frame(m, t, img != NULL, f); gl_trace_push(trace, f); }
    }
    if (out784) {
        const float *c = m->canvas + (size_t)t * GL_DRAW_D;
        for (int k = 0; k < GL_DRAW_D; k++) out784[k] = gl_sigmoid(c[k]);
    }
    free(f);
    return t;
}

int gl_draw_generate(gl_draw *m, uint64_t seed, gl_trace *trace, const atomic_int *cancel, float *out784) {
    return run(m, NULL, seed, 1, trace, cancel, out784);
}

int gl_draw_reconstruct(gl_draw *m, const float *img, uint64_t seed, gl_trace *trace, const atomic_int *cancel,
                        float *out784) {
    return run(m, img, seed, seed != 0, trace, cancel, out784);
}

void gl_draw_binarize(float *x, size_t n, uint64_t seed) { gl_draw_binarize_copy(x, x, n, seed, NULL); }

int gl_draw_binarize_copy(float *dst, const float *src, size_t n, uint64_t seed, const atomic_int *cancel) {
    gl_rng r;
    gl_rng_seed(&r, seed);
    for (size_t k = 0; k < n; k++) {
        if ((k & 0xffff) == 0 && cancel && atomic_load_explicit(cancel, memory_order_relaxed)) return 1;
        dst[k] = gl_rng_uniform(&r) < src[k] ? 1.0f : 0.0f;
    }
    return 0;
}

// ---- on every core ----------------------------------------------------------------
// Replicas share the weights and own their activations and gradients.
static gl_draw *draw_replica(gl_draw *m) {
    gl_draw *r = gl_calloc(1, sizeof *r);
    r->c = m->c; r->R = m->R; r->XE = m->XE; r->WP = m->WP;
    memcpy(r->pi, m->pi, sizeof r->pi);
    gl_params_replica(&r->ps, &m->ps);
    return r;
}
static void draw_replica_free(gl_draw *r) {
    if (!r) return;
    free_ws(r);
    gl_params_replica_free(&r->ps);
    free(r);
}

struct gl_draw_trainer {
    gl_draw *m;
    int n;
    gl_draw *rep[16];
    float *eps[16];
    const float *x, *eps_all;
    int B, grads;
    double bound[16], rec[16], kl[16];
};

gl_draw_trainer *gl_draw_trainer_new(gl_draw *m) {
    gl_draw_trainer *t = gl_calloc(1, sizeof *t);
    t->m = m;
    t->n = gl_par_threads();
    for (int i = 0; i < t->n; i++) t->rep[i] = draw_replica(m);
    return t;
}
void gl_draw_trainer_free(gl_draw_trainer *t) {
    if (!t) return;
    for (int i = 0; i < t->n; i++) { draw_replica_free(t->rep[i]); free(t->eps[i]); }
    free(t);
}


static void draw_task(void *ctx, int i) {
    gl_draw_trainer *t = ctx;
    int lo, hi, T = t->m->c.T;
    size_t Z = (size_t)t->m->c.z;
    gl_par_slice(t->B, t->n, i, &lo, &hi);
    int b = hi - lo;
    gl_draw *r = t->rep[i];
    if (t->grads) gl_params_zero_grad(&r->ps);
    t->bound[i] = t->rec[i] = t->kl[i] = 0;
    if (b <= 0) return;
    // this slice's noise: rows lo..hi of every step of eps (T,B,Z)
    free(t->eps[i]);
    t->eps[i] = gl_malloc((size_t)T * b * Z * sizeof(float));
    for (int s = 0; s < T; s++)
        memcpy(t->eps[i] + (size_t)s * b * Z, t->eps_all + ((size_t)s * t->B + lo) * Z, (size_t)b * Z * sizeof(float));
    t->bound[i] = gl_draw_forward(r, t->x + (size_t)lo * GL_DRAW_D, t->eps[i], b, &t->rec[i], &t->kl[i]);
    if (t->grads && isfinite(t->bound[i])) gl_draw_backward(r);
}

double gl_draw_trainer_step(gl_draw_trainer *t, const float *x, const float *eps, int B, int grads, double *rec,
                            double *kl) {
    t->x = x; t->eps_all = eps; t->B = B; t->grads = grads;
    int n = t->n < B ? t->n : B;
    int saved = t->n;
    t->n = n;
    for (int i = 0; i < n; i++) t->rep[i]->stop = t->m->stop;
    gl_par_run(n, draw_task, t);
    if (stopped(t->m)) { t->n = saved; return NAN; }   // some part stopped early: no step
    double bound = 0, r = 0, k = 0;
    for (int i = 0; i < n; i++) {
        int lo, hi;
        gl_par_slice(B, n, i, &lo, &hi);
        if (hi <= lo) continue;
        float share = (float)(hi - lo) / (float)B;
        if (grads) {
            gl_params *dst = &t->m->ps, *src = &t->rep[i]->ps;
            for (int p = 0; p < dst->n; p++)
                for (size_t q = 0; q < dst->p[p].n; q++) dst->p[p].g[q] += share * src->p[p].g[q];
        }
        bound += share * t->bound[i]; r += share * t->rec[i]; k += share * t->kl[i];
    }
    t->n = saved;
    if (rec) *rec = r;
    if (kl) *kl = k;
    return bound;
}

typedef struct { gl_draw_trainer *t; const float *x; const float *eps; int n, nb; double *sb, *sr, *sk; } bound_ctx;
static void bound_task(void *vp, int i) {
    bound_ctx *c = vp;
    enum { BB = 100 };
    int T = c->t->m->c.T, Z = c->t->m->c.z;
    gl_draw *r = c->t->rep[i];
    for (int j = i; j < c->nb; j += c->t->n) {   // batches i, i+n, ...: fixed, so the sums are too
        if (stopped(r)) return;
        int lo = j * BB, b = c->n - lo < BB ? c->n - lo : BB;
        double re, kl;
        c->sb[j] = gl_draw_forward(r, c->x + (size_t)lo * GL_DRAW_D, c->eps + (size_t)lo * T * Z, b, &re, &kl) * b;
        c->sr[j] = re * b; c->sk[j] = kl * b;
    }
}

double gl_draw_bound(gl_draw *m, const float *x, int n, uint64_t seed, double *rec, double *kl) {
    enum { BB = 100 };
    int T = m->c.T, Z = m->c.z, nb = (n + BB - 1) / BB;
    // the noise of batch j is (T, b, Z), drawn in batch order from one stream
    float *eps = gl_malloc(sizeof(float) * (size_t)n * T * Z);
    gl_rng r;
    gl_rng_seed(&r, seed);
    for (size_t k = 0; k < (size_t)n * T * Z; k++) eps[k] = gl_rng_normal(&r);
    gl_draw_trainer *t = gl_draw_trainer_new(m);
    double *sums = gl_calloc((size_t)3 * nb, sizeof(double));
    bound_ctx c = { t, x, eps, n, nb, sums, sums + nb, sums + 2 * nb };
    for (int i = 0; i < t->n; i++) t->rep[i]->stop = m->stop;
    gl_par_run(t->n < nb ? t->n : nb, bound_task, &c);
    double s = 0, sr = 0, sk = 0;
    for (int j = 0; j < nb; j++) { s += c.sb[j]; sr += c.sr[j]; sk += c.sk[j]; }
    if (stopped(m)) s = sr = sk = NAN;
    free(sums); free(eps);
    gl_draw_trainer_free(t);
    if (rec) *rec = sr / n;
    if (kl) *kl = sk / n;
    return s / n;
}

// ---- window statistics -------------------------------------------------------------
static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}
static float median_of(float *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp_float); return n ? v[n / 2] : NAN; }

int gl_draw_window_stats_of(gl_draw *m, int n, uint64_t seed, const float *imgs, gl_draw_window_stats *st) {
    if (!m->c.attention) { gl_seterr("this DRAW model has no attention windows"); return -1; }
    int T = m->c.T, N = imgs ? m->c.read_n : m->c.write_n;
    memset(st, 0, sizeof *st);
    st->T = T; st->n = n;
    float *box = gl_malloc(sizeof(float) * (size_t)n * T), *gx = gl_malloc(sizeof(float) * (size_t)n * T);
    float *gy = gl_malloc(sizeof(float) * (size_t)n * T), *gam = gl_malloc(sizeof(float) * (size_t)n * T);
    float *mv = gl_malloc(sizeof(float) * (size_t)n * T), *col = gl_malloc(sizeof(float) * (size_t)n * T);
    gl_trace *tr = gl_draw_trace_new(m);
    int allq = 0, allqd = 0;
    float *path = gl_calloc((size_t)n, sizeof(float));
    for (int i = 0; i < n; i++) {
        tr->count = 0;
        int steps = imgs ? gl_draw_reconstruct(m, imgs + (size_t)i * GL_DRAW_D, 0, tr, NULL, NULL)
                         : gl_draw_generate(m, seed + (uint64_t)i, tr, NULL, NULL);
        int q = 0, qd = 0;
        for (int t = 0; t < steps; t++) {
            const gl_draw_frame *f = gl_trace_frame(tr, t);
            const gl_draw_window *w = imgs ? &f->read : &f->write;
            size_t k = (size_t)t * n + i;
            box[k] = (float)(N - 1) * w->delta; gx[k] = w->gx; gy[k] = w->gy; gam[k] = w->gamma;
            if (t == 0) mv[k] = 0;
            else { size_t p = k - (size_t)n; mv[k] = hypotf(gx[k] - gx[p], gy[k] - gy[p]); }
            q |= 1 << ((w->gx >= 14.5f) + 2 * (w->gy >= 14.5f));
            if (fabsf(w->gx - 14.5f) > 1.0f && fabsf(w->gy - 14.5f) > 1.0f)
                qd |= 1 << ((w->gx >= 14.5f) + 2 * (w->gy >= 14.5f));
            path[i] += mv[k];
        }
        allq += q == 15;
        allqd += qd == 15;
    }
    st->box_min = 1e30f; st->box_max = 0;
    for (size_t k = 0; k < (size_t)n * T; k++) {
        st->box_min = fminf(st->box_min, box[k]);
        st->box_max = fmaxf(st->box_max, box[k]);
    }
    for (int t = 0; t < T; t++) {
        float *v[5] = { box, gx, gy, gam, mv }, *out[5] = { st->box, st->gx, st->gy, st->gamma, st->travel };
        for (int j = 0; j < 5; j++) {
            memcpy(col, v[j] + (size_t)t * n, sizeof(float) * n);
            out[j][t] = median_of(col, n);
        }
    }
    st->box_all = median_of(box, n * T);
    st->travel_all = T > 1 ? median_of(mv + n, n * (T - 1)) : 0;
    st->quadrants_all = (float)allq / (float)n;
    st->quadrants_dead = (float)allqd / (float)n;
    long small = 0;
    for (size_t k = 0; k < (size_t)n * T; k++) small += box[k] <= 12.0f;
    st->small_box_share = (float)small / (float)((size_t)n * T);
    st->path_all = median_of(path, n);
    free(path);
    gl_trace_release(tr);
    free(box); free(gx); free(gy); free(gam); free(mv); free(col);
    return 0;
}
