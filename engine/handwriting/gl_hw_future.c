// gl_hw_future: possible futures ("hairs", after Carter et al. 2016, "Experiments
// in Handwriting with a Neural Network"): from one state of a handwriting
// network, N continuations sampled at once. The state follows a line point by
// point (batch 1); a call to gl_hw_futures_sample copies it into N rows and
// runs the N futures as one batch through every product, each row with its
// own random stream, so that the weights are read once a step for all of them
// (gl_wpack: the register kernel at the large-product rate) rather than once a
// step for each.
//
// The arithmetic is the network of gl_hw_sample (gl_hw.h: the layer inputs
// [x, w, h^{l-1}], the window from layer 1, the mixture with bias, §5.4) in
// floats as trained; a future draws from its mixture as gl_hw_sample does (a
// component, two normals, the end of stroke: in that order from its stream),
// so future 0 with seed s continues a line as gl_hw_sample with seed s would
// from the same state.
#include "gl_hw.h"
#include "gl_nn.h"
#include "gl_vmath.h"
#include "gl_wpack.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

// The rows of a state: per layer h and c (B,H); the window's κ (B,K), w (B,C)
// φ (B,U+1) and parameters p (B,3K); the network's output y (B,NY) after
// the last step.
typedef struct { float *h[4], *c[4], *kappa, *w, *phi, *p, *y; } fut_rows;

struct gl_hw_futures {
    const gl_hw_model *m;
    int L, H, K, C, U, NY, cap, maxin;
    float *cat[4];            // [Wx | Wh] of each layer (4H, NI+H): the packs' weights (cblas reads them)
    gl_wpack wl[4], wy, wp;   // packed for the products of few rows
    int codes[GL_HW_MAXU];    // the text's character indices
    int *chars;               // (cap, U): the same, repeated per row
    int *Us;                  // (cap) = U
    fut_rows root, rows;      // the followed state (1 row) and the futures (cap rows)
    int stepped, fed;         // steps run on root; points fed
    float *vin, *act, *hn, *cn, *tc, *hcat, *kn, *x;   // scratch of cap rows
};

static void rows_alloc(fut_rows *r, const gl_hw_futures *f, int B) {
    for (int l = 0; l < f->L; l++) {
        r->h[l] = gl_calloc((size_t)B * f->H, 4);
        r->c[l] = gl_calloc((size_t)B * f->H, 4);
    }
    r->kappa = gl_calloc((size_t)B * (f->K ? f->K : 1), 4);
    r->w = gl_calloc((size_t)B * (f->C ? f->C : 1), 4);
    r->phi = gl_calloc((size_t)B * (f->U + 1), 4);
    r->p = gl_calloc((size_t)B * 3 * (f->K ? f->K : 1), 4);
    r->y = gl_calloc((size_t)B * f->NY, 4);
}

static void rows_free(fut_rows *r) {
    for (int l = 0; l < 4; l++) { free(r->h[l]); free(r->c[l]); }
    free(r->kappa); free(r->w); free(r->phi); free(r->p); free(r->y);
    memset(r, 0, sizeof *r);
}

static void scratch_free(gl_hw_futures *f) {
    rows_free(&f->rows);
    free(f->vin); free(f->act); free(f->hn); free(f->cn); free(f->tc); free(f->hcat); free(f->kn);
    free(f->x); free(f->chars); free(f->Us);
}

// Room for B rows (the futures and the scratch every step uses).
static void ensure_rows(gl_hw_futures *f, int B) {
    if (B <= f->cap) return;
    scratch_free(f);
    size_t b = (size_t)B, H = (size_t)f->H, K = (size_t)(f->K ? f->K : 1);
    rows_alloc(&f->rows, f, B);
    f->vin = gl_calloc(b * (size_t)f->maxin, 4);
    f->act = gl_calloc(b * 4 * H, 4);
    f->hn = gl_calloc(b * H, 4); f->cn = gl_calloc(b * H, 4); f->tc = gl_calloc(b * H, 4);
    f->hcat = gl_calloc(b * (size_t)f->L * H, 4);
    f->kn = gl_calloc(b * K, 4);
    f->x = gl_calloc(b * 3, 4);
    f->chars = gl_calloc(b * (size_t)(f->U ? f->U : 1), sizeof(int));
    f->Us = gl_calloc(b, sizeof(int));
    for (int r = 0; r < B; r++) {   // every row reads the text
        if (f->U) memcpy(f->chars + (size_t)r * f->U, f->codes, sizeof(int) * f->U);
        f->Us[r] = f->U;
    }
    f->cap = B;
}

gl_hw_futures *gl_hw_futures_new(const gl_hw_model *m, const char *text) {
    const gl_hw_cfg *c = &m->cfg;
    int U = 0, codes[GL_HW_MAXU];
    if (c->K > 0) {
        if (!text || !*text) { gl_seterr("futures: a synthesis network needs the text it writes"); return NULL; }
        U = (int)strlen(text);
        if (U > GL_HW_MAXU) {
            gl_seterr("futures: text too long (%d characters, at most %d)", U, GL_HW_MAXU);
            return NULL;
        }
        if (gl_hw_encode(c, text, codes)) return NULL;
    }
    if (c->L < 1 || c->L > 4 || c->M < 1 || c->M > GL_HW_MAXM || c->K > GL_HW_MAXK) {
        gl_seterr("futures: unsupported sizes (L %d, M %d, K %d)", c->L, c->M, c->K);
        return NULL;
    }
    gl_hw_futures *f = gl_calloc(1, sizeof *f);
    f->m = m; f->L = c->L; f->H = c->H; f->K = c->K; f->C = c->K > 0 ? c->C : 0; f->U = U; f->NY = m->NY;
    int H = c->H;
    for (int l = 0; l < f->L; l++) {
        int NI = m->NI[l], W = NI + H;
        if (W > f->maxin) f->maxin = W;
        f->cat[l] = gl_malloc(sizeof(float) * 4 * H * W);
        for (int r = 0; r < 4 * H; r++) {
            memcpy(f->cat[l] + (size_t)r * W, m->Wx[l] + (size_t)r * NI, sizeof(float) * NI);
            memcpy(f->cat[l] + (size_t)r * W + NI, m->Wh[l] + (size_t)r * H, sizeof(float) * H);
        }
        gl_wpack_set(&f->wl[l], f->cat[l], 0, 1, W, 4 * H);
    }
    gl_wpack_set(&f->wy, m->Wy, 0, 1, f->L * H, f->NY);
    if (f->K) gl_wpack_set(&f->wp, m->Wp, 0, 1, H, 3 * f->K);
    if (U) memcpy(f->codes, codes, sizeof(int) * U);
    rows_alloc(&f->root, f, 1);
    ensure_rows(f, 1);
    return f;
}

void gl_hw_futures_free(gl_hw_futures *f) {
    if (!f) return;
    scratch_free(f);
    rows_free(&f->root);
    for (int l = 0; l < 4; l++) { free(f->cat[l]); gl_wpack_free(&f->wl[l]); }
    gl_wpack_free(&f->wy); gl_wpack_free(&f->wp);
    free(f);
}

void gl_hw_futures_reset(gl_hw_futures *f) {
    for (int l = 0; l < f->L; l++) {
        memset(f->root.h[l], 0, sizeof(float) * f->H);
        memset(f->root.c[l], 0, sizeof(float) * f->H);
    }
    if (f->K) { memset(f->root.kappa, 0, sizeof(float) * f->K); memset(f->root.w, 0, sizeof(float) * f->C); }
    memset(f->root.y, 0, sizeof(float) * f->NY);
    f->stepped = f->fed = 0;
}

int gl_hw_futures_fed(const gl_hw_futures *f) { return f->fed; }

// One step of B rows of state s on inputs x (B,3), normalised: as st_step of
// gl_hw_sample.c, in floats, every row at once.
static void step_rows(gl_hw_futures *f, fut_rows *s, int B, const float *x) {
    const gl_hw_model *m = f->m;
    int H = f->H, K = f->K, W = f->C;
    for (int l = 0; l < f->L; l++) {
        int NI = m->NI[l], w = NI + H;
        for (int r = 0; r < B; r++) {   // [x, w, h^{l-1}, h^l_{t-1}]
            float *in = f->vin + (size_t)r * w;
            memcpy(in, x + 3 * r, 3 * sizeof(float));
            if (W) memcpy(in + 3, s->w + (size_t)r * W, sizeof(float) * W);
            if (l > 0) memcpy(in + 3 + W, s->h[l - 1] + (size_t)r * H, sizeof(float) * H);
            memcpy(in + NI, s->h[l] + (size_t)r * H, sizeof(float) * H);
            memcpy(f->act + (size_t)r * 4 * H, m->b[l], sizeof(float) * 4 * H);
        }
        gl_wpack_gemm(f->act, 4 * H, f->vin, w, B, &f->wl[l], 1.0f);
        gl_lstm_pointwise_forward(f->act, f->cn, f->tc, f->hn, s->c[l], B, H);
        memcpy(s->h[l], f->hn, sizeof(float) * B * H);
        memcpy(s->c[l], f->cn, sizeof(float) * B * H);
        if (l == 0 && K > 0) {
            for (int r = 0; r < B; r++) memcpy(s->p + (size_t)r * 3 * K, m->bp, sizeof(float) * 3 * K);
            gl_wpack_gemm(s->p, 3 * K, s->h[0], H, B, &f->wp, 1.0f);
            gl_hw_window_forward(f->kn, s->phi, s->w, s->p, s->kappa, f->chars, f->Us, B, K, f->U, W);
            memcpy(s->kappa, f->kn, sizeof(float) * B * K);
        }
    }
    for (int r = 0; r < B; r++) {
        for (int l = 0; l < f->L; l++)
            memcpy(f->hcat + ((size_t)r * f->L + l) * H, s->h[l] + (size_t)r * H, sizeof(float) * H);
        memcpy(s->y + (size_t)r * f->NY, m->by, sizeof(float) * f->NY);
    }
    gl_wpack_gemm(s->y, f->NY, f->hcat, f->L * H, B, &f->wy, 1.0f);
}

// Before the first point a line reads (0, 0, 1), as gl_hw_sample starts.
static void start_root(gl_hw_futures *f) {
    if (f->stepped) return;
    const float x0[3] = { 0, 0, 1 };
    step_rows(f, &f->root, 1, x0);
    f->stepped = 1;
}

int gl_hw_futures_feed(gl_hw_futures *f, const float *pts, int n) {
    const gl_hw_cfg *c = &f->m->cfg;
    start_root(f);
    for (int i = 0; i < n; i++) {
        const float *q = pts + 3 * i;
        float x[3] = { (q[0] - c->mean[0]) / c->std[0], (q[1] - c->mean[1]) / c->std[1], q[2] > 0.5f ? 1.0f : 0.0f };
        if (!isfinite(x[0]) || !isfinite(x[1])) { gl_seterr("futures: point %d is not finite", f->fed); return -1; }
        step_rows(f, &f->root, 1, x);
        f->stepped++; f->fed++;
    }
    return 0;
}

// After a primer the window is moved onto the space after the primer's
// text, as gl_hw_sample does (gl_hw_window_align).
static void align_root(gl_hw_futures *f, float pos) {
    fut_rows *s = &f->root;
    gl_hw_window_align(s->kappa, s->phi, s->w, s->p, f->chars, f->K, f->U, f->C, pos);
}

int gl_hw_futures_prime(gl_hw_futures *f, const float *pts, int n, int prime_len) {
    if (n < 1) { gl_seterr("futures: an empty primer"); return -1; }
    if (f->K > 0 && (prime_len < 1 || prime_len >= f->U)) {
        gl_seterr("futures: the primer's text (%d characters) must be a part of the text (%d)", prime_len, f->U);
        return -1;
    }
    gl_hw_futures_reset(f);
    if (gl_hw_futures_feed(f, pts, n - 1)) return -1;
    if (f->K > 0) align_root(f, (float)prime_len + 1);
    float last[3] = { pts[3 * (n - 1)], pts[3 * (n - 1) + 1], 1 };   // the pen lifts before the new text
    return gl_hw_futures_feed(f, last, 1);
}

// One draw from row r's mixture with bias b (§5.4), as gl_hw_sample draws:
// out gets the normalised offset and the end of stroke.
static void draw_row(const float *y, int M, float b, gl_rng *rng, float out[3]) {
    float e = 1.0f / (1.0f + expf(y[0])), pi[GL_HW_MAXM];
    for (int j = 0; j < M; j++) pi[j] = y[1 + j] * (1 + b);
    gl_softmax(pi, M);
    float u = gl_rng_uniform(rng), acc = 0;
    int j = M - 1;
    for (int k = 0; k < M; k++) { acc += pi[k]; if (u < acc) { j = k; break; } }
    float mu1 = y[1 + M + j], mu2 = y[1 + 2 * M + j];
    float s1 = expf(y[1 + 3 * M + j] - b), s2 = expf(y[1 + 4 * M + j] - b), rho = tanhf(y[1 + 5 * M + j]);
    float z1 = gl_rng_normal(rng), z2 = gl_rng_normal(rng);
    out[0] = mu1 + s1 * z1;
    out[1] = mu2 + s2 * (rho * z1 + sqrtf(fmaxf(0.0f, 1 - rho * rho)) * z2);
    out[2] = gl_rng_uniform(rng) < e ? 1.0f : 0.0f;
}

// The window's centre Σ α_k κ_k / Σ α_k (a character position, 1-based)
// of row r of s after its last step.
static float window_centre(const fut_rows *s, int K, int r) {
    const float *kap = s->kappa + (size_t)r * K, *p = s->p + (size_t)r * 3 * K;
    double sa = 0, sk = 0;
    for (int k = 0; k < K; k++) { double a = exp(p[k]); sa += a; sk += a * kap[k]; }
    return sa > 0 && isfinite(sk / sa) ? (float)(sk / sa) : kap[0];
}

int gl_hw_futures_sample(gl_hw_futures *f, const gl_hw_futures_opts *o, float *pts, float *wpos) {
    int N = o->n, P = o->points;
    if (N < 1 || N > GL_HW_FUTURES_MAX || P < 1 || P > GL_HW_FUTURES_MAXP) {
        gl_seterr("futures: %d futures of %d points (1..%d of 1..%d)", N, P, GL_HW_FUTURES_MAX, GL_HW_FUTURES_MAXP);
        return -1;
    }
    const gl_hw_cfg *c = &f->m->cfg;
    start_root(f);
    ensure_rows(f, N);
    for (int r = 0; r < N; r++) {   // every row starts from the followed state
        for (int l = 0; l < f->L; l++) {
            memcpy(f->rows.h[l] + (size_t)r * f->H, f->root.h[l], sizeof(float) * f->H);
            memcpy(f->rows.c[l] + (size_t)r * f->H, f->root.c[l], sizeof(float) * f->H);
        }
        if (f->K) {
            memcpy(f->rows.kappa + (size_t)r * f->K, f->root.kappa, sizeof(float) * f->K);
            memcpy(f->rows.w + (size_t)r * f->C, f->root.w, sizeof(float) * f->C);
        }
        memcpy(f->rows.y + (size_t)r * f->NY, f->root.y, sizeof(float) * f->NY);
    }
    gl_rng *rng = gl_malloc(sizeof(gl_rng) * (size_t)N);
    for (int r = 0; r < N; r++) gl_rng_seed(&rng[r], o->seed + (uint64_t)r * GL_HW_FUTURES_SEED_STRIDE);
    int rc = 0;
    for (int s = 0; s < P; s++) {
        if (s > 0) {
            if (o->cancel && atomic_load_explicit(o->cancel, memory_order_relaxed)) { rc = 1; break; }
            step_rows(f, &f->rows, N, f->x);
        }
        for (int r = 0; r < N; r++) {
            float *x = f->x + 3 * r, *out = pts + ((size_t)r * P + s) * 3;
            if (wpos && f->K)
                wpos[(size_t)r * P + s] = s ? window_centre(&f->rows, f->K, r) : window_centre(&f->root, f->K, 0);
            draw_row(f->rows.y + (size_t)r * f->NY, c->M, o->bias, &rng[r], x);
            out[0] = x[0] * c->std[0] + c->mean[0];
            out[1] = x[1] * c->std[1] + c->mean[1];
            out[2] = x[2];
        }
    }
    free(rng);
    return rc;
}
