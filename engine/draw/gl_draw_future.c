// gl_draw_future: the canvases DRAW could still become. A generation from the
// prior (gl_draw_generate) is followed to step t with the decoder alone (its
// state h_dec, c_dec and the canvas c_t); from there N futures run the
// remaining steps with fresh z, the N as one batch through the decoder's
// products (gl_wpack). Future r's noise is the stream seed + r·stride drawn
// for every step 0..T−1 in order, as gl_draw_generate draws it, of which the
// steps from t on are used: future 0 with the run's own seed is the run.
#include "gl_draw.h"
#include "gl_nn.h"
#include "gl_util.h"
#include "gl_vmath.h"
#include "gl_wpack.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct gl_draw_futures {
    const gl_draw *m;
    gl_draw_config c;
    int WP, N, cap;           // write outputs; write grid side (0: whole canvas); rows allocated
    const float *dWx, *dWh, *db, *wW, *wb, *aW, *ab, *c0;
    gl_wpack kx, kh, kw, ka;  // the decoder's products packed for few rows
    // the followed state (1 row) after `at` steps of the run with `seed`
    float *h, *cc, *canvas;
    int at; uint64_t seed;
    // the futures' rows (cap) and scratch
    float *rh, *rc, *rcan, *z, *act, *hn, *cn, *tc, *wp, *ap, *Fx, *Fy, *tmp;
};

static const float *param(gl_draw *m, const char *name) {
    gl_param *p = gl_params_find(gl_draw_params(m), name);
    return p ? p->w : NULL;
}

static void rows_free(gl_draw_futures *f) {
    free(f->rh); free(f->rc); free(f->rcan); free(f->z); free(f->act); free(f->hn); free(f->cn); free(f->tc);
    free(f->wp); free(f->ap); free(f->Fx); free(f->Fy); free(f->tmp);
}

static void ensure_rows(gl_draw_futures *f, int B) {
    if (B <= f->cap) return;
    rows_free(f);
    size_t b = (size_t)B, H = (size_t)f->c.dec, A = GL_DRAW_A, n = (size_t)(f->N ? f->N : 1);
    f->rh = gl_calloc(b * H, 4); f->rc = gl_calloc(b * H, 4); f->rcan = gl_calloc(b * GL_DRAW_D, 4);
    f->z = gl_calloc(b * (size_t)f->c.z, 4); f->act = gl_calloc(b * 4 * H, 4);
    f->hn = gl_calloc(b * H, 4); f->cn = gl_calloc(b * H, 4); f->tc = gl_calloc(b * H, 4);
    f->wp = gl_calloc(b * (size_t)f->WP, 4); f->ap = gl_calloc(b * 5, 4);
    f->Fx = gl_calloc(n * A, 4); f->Fy = gl_calloc(n * A, 4); f->tmp = gl_calloc(n * A, 4);
    f->cap = B;
}

gl_draw_futures *gl_draw_futures_new(gl_draw *m) {
    gl_draw_futures *f = gl_calloc(1, sizeof *f);
    f->m = m;
    f->c = *gl_draw_cfg(m);
    f->N = f->c.attention ? f->c.write_n : 0;
    f->WP = f->c.attention ? f->N * f->N : GL_DRAW_D;
    f->dWx = param(m, "dec.Wx"); f->dWh = param(m, "dec.Wh"); f->db = param(m, "dec.b");
    f->wW = param(m, "write.W"); f->wb = param(m, "write.b"); f->c0 = param(m, "canvas0");
    f->aW = param(m, "write_attn.W"); f->ab = param(m, "write_attn.b");
    if (!f->dWx || !f->dWh || !f->db || !f->wW || !f->wb || !f->c0 || (f->c.attention && (!f->aW || !f->ab))) {
        gl_seterr("DRAW futures: the model lacks a decoder weight");
        free(f);
        return NULL;
    }
    int H = f->c.dec, Z = f->c.z;
    gl_wpack_set(&f->kx, f->dWx, 0, 1, Z, 4 * H);
    gl_wpack_set(&f->kh, f->dWh, 0, 1, H, 4 * H);
    gl_wpack_set(&f->kw, f->wW, 0, 1, H, f->WP);
    if (f->c.attention) gl_wpack_set(&f->ka, f->aW, 0, 1, H, 5);
    f->h = gl_calloc((size_t)H, 4); f->cc = gl_calloc((size_t)H, 4); f->canvas = gl_calloc(GL_DRAW_D, 4);
    f->at = -1;
    ensure_rows(f, 1);
    return f;
}

void gl_draw_futures_free(gl_draw_futures *f) {
    if (!f) return;
    rows_free(f);
    free(f->h); free(f->cc); free(f->canvas);
    gl_wpack_free(&f->kx); gl_wpack_free(&f->kh); gl_wpack_free(&f->kw); gl_wpack_free(&f->ka);
    free(f);
}

// Decoder step of B rows (state h, c, canvas; z (B,Z)): as step_decode of
// gl_draw.c. first: the rows' state is the zero state (step 0).
static void decode_rows(gl_draw_futures *f, float *h, float *c, float *canvas, const float *z, int B, int first) {
    int H = f->c.dec, Z = f->c.z, WP = f->WP, N = f->N;
    for (int r = 0; r < B; r++) memcpy(f->act + (size_t)r * 4 * H, f->db, sizeof(float) * 4 * H);
    gl_wpack_gemm(f->act, 4 * H, z, Z, B, &f->kx, 1.0f);
    if (!first) gl_wpack_gemm(f->act, 4 * H, h, H, B, &f->kh, 1.0f);
    gl_lstm_pointwise_forward(f->act, f->cn, f->tc, f->hn, first ? NULL : c, B, H);
    memcpy(h, f->hn, sizeof(float) * B * H);
    memcpy(c, f->cn, sizeof(float) * B * H);
    for (int r = 0; r < B; r++) memcpy(f->wp + (size_t)r * WP, f->wb, sizeof(float) * WP);
    gl_wpack_gemm(f->wp, WP, h, H, B, &f->kw, 1.0f);
    if (!f->c.attention) {
        for (size_t k = 0; k < (size_t)B * GL_DRAW_D; k++) canvas[k] += f->wp[k];
        return;
    }
    for (int r = 0; r < B; r++) memcpy(f->ap + (size_t)r * 5, f->ab, sizeof(float) * 5);
    gl_wpack_gemm(f->ap, 5, h, H, B, &f->ka, 1.0f);
    for (int r = 0; r < B; r++) {
        float gam;
        gl_draw_filterbank_forward(f->Fx, f->Fy, &gam, f->ap + (size_t)r * 5, N, GL_DRAW_A);
        gl_draw_write_forward(canvas + (size_t)r * GL_DRAW_D, f->tmp, f->wp + (size_t)r * WP, f->Fx, f->Fy, gam, N,
                              GL_DRAW_A);
    }
}

int gl_draw_futures_follow(gl_draw_futures *f, uint64_t seed, int t) {
    if (t < 0 || t > f->c.T) { gl_seterr("DRAW futures: step %d is not in 0..%d", t, f->c.T); return -1; }
    int Z = f->c.z, H = f->c.dec;
    if (f->at < 0 || f->seed != seed || t < f->at) {   // from the start: c_0, zero state
        memcpy(f->canvas, f->c0, sizeof(float) * GL_DRAW_D);
        memset(f->h, 0, sizeof(float) * H); memset(f->cc, 0, sizeof(float) * H);
        f->at = 0; f->seed = seed;
    }
    gl_rng r;
    gl_rng_seed(&r, seed);
    for (int s = 0; s < t; s++) {
        for (int k = 0; k < Z; k++) f->z[k] = gl_rng_normal(&r);   // step s's noise, drawn even when kept
        if (s < f->at) continue;
        decode_rows(f, f->h, f->cc, f->canvas, f->z, 1, s == 0);
    }
    f->at = t;
    return 0;
}

int gl_draw_futures_step(const gl_draw_futures *f) { return f->at < 0 ? 0 : f->at; }

void gl_draw_futures_canvas(const gl_draw_futures *f, float *out784) {
    for (int k = 0; k < GL_DRAW_D; k++) out784[k] = gl_sigmoid(f->at < 0 ? f->c0[k] : f->canvas[k]);
}

int gl_draw_futures_sample(gl_draw_futures *f, const gl_draw_futures_opts *o, float *out) {
    int n = o->n, T = f->c.T, Z = f->c.z, H = f->c.dec;
    if (n < 1 || n > GL_DRAW_FUTURES_MAX) {
        gl_seterr("DRAW futures: %d futures (1..%d)", n, GL_DRAW_FUTURES_MAX);
        return -1;
    }
    if (f->at < 0) gl_draw_futures_follow(f, 0, 0);
    int t0 = f->at;
    ensure_rows(f, n);
    for (int r = 0; r < n; r++) {
        memcpy(f->rh + (size_t)r * H, f->h, sizeof(float) * H);
        memcpy(f->rc + (size_t)r * H, f->cc, sizeof(float) * H);
        memcpy(f->rcan + (size_t)r * GL_DRAW_D, f->canvas, sizeof(float) * GL_DRAW_D);
    }
    gl_rng *rng = gl_malloc(sizeof(gl_rng) * (size_t)n);
    for (int r = 0; r < n; r++) gl_rng_seed(&rng[r], o->seed + (uint64_t)r * GL_DRAW_FUTURES_SEED_STRIDE);
    float scale = o->scale > 0 ? o->scale : 1.0f;
    int rc = 0;
    for (int s = 0; s < T; s++) {
        for (int r = 0; r < n; r++)
            for (int k = 0; k < Z; k++) f->z[(size_t)r * Z + k] = scale * gl_rng_normal(&rng[r]);
        if (s < t0) continue;   // the steps already taken: their draws are skipped
        if (o->cancel && atomic_load_explicit(o->cancel, memory_order_relaxed)) { rc = 1; break; }
        decode_rows(f, f->rh, f->rc, f->rcan, f->z, n, s == 0);
    }
    free(rng);
    if (rc) return 1;
    for (size_t k = 0; k < (size_t)n * GL_DRAW_D; k++) out[k] = gl_sigmoid(f->rcan[k]);
    return 0;
}
