// gl_hw_sample: generating handwriting one point at a time (batch 1), with
// biased (§5.4) and primed (§5.5) sampling, the end-of-text test of §5.3
// (the window has passed the text when φ(t,U+1) > φ(t,u) for every u ≤ U;
// the line ends once the last character's strokes are finished after that,
// see the sampling loop), and SVG/PNG output.
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_nn.h"
#include "gl_vmath.h"
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Batch 1 is bound by reading the weights, so each layer's Wx and Wh are
// kept side by side (Wcat, (4H, NI+H)) and its gates come from one
// matrix-vector product with [input, h_{t−1}] (vin). Unless floats are asked
// for, Wcat and Wy are read as int8 with a scale per row (Q8, Qy8: a quarter
// of the bytes per step) or half floats (W16, Wy16: half); the products skip
// the window's zero entries.
typedef struct {
    float *h[4], *c[4], *hn, *cn, *act, *tc, *in, *hcat, *y, *p, *kappa, *kn, *phi, *w;
    float *Wcat[4], *vin;
    const uint16_t *W16[4], *Wy16;   // the model's half copy (not owned)
    const int8_t *Q8[4], *Qy8;       // or its int8 copy, with a scale per row (not owned)
    const float *S8[4], *Sy8;
    int *chars; int U, started;
} hw_state;

static void st_free(hw_state *s) {
    for (int l = 0; l < 4; l++) { free(s->h[l]); free(s->c[l]); free(s->Wcat[l]); }
    free(s->vin);
    free(s->hn); free(s->cn); free(s->act); free(s->tc); free(s->in); free(s->hcat); free(s->y);
    free(s->p); free(s->kappa); free(s->kn); free(s->phi); free(s->w); free(s->chars);
}

// The half-precision copy of a model's Wcat and Wy, made once and kept on the
// model while its weights stay the same (a fingerprint of every weight is
// compared at each use: 0.2 ms, against 7 ms to pack them again). NULL when
// a weight is beyond the half range: the model then runs in floats.
// The int8 copy (gl_qpack: a scale per row) is kept beside it; each is made
// on the first run that asks for it.
struct gl_hw_half {
    uint64_t print; int hdone, ok, qdone, qok;
    uint16_t *W16[4], *Wy16;
    int8_t *Q8[4], *Qy8; float *S8[4], *Sy8;
};

const char *gl_hw_weights_name(gl_hw_weights w) {
    return w == GL_HW_FP32 ? "float" : w == GL_HW_HALF ? "half" : "int8";
}

void gl_hw_half_free(struct gl_hw_half *h) {
    if (!h) return;
    for (int l = 0; l < 4; l++) { free(h->W16[l]); free(h->Q8[l]); free(h->S8[l]); }
    free(h->Wy16); free(h->Qy8); free(h->Sy8);
    free(h);
}

static uint64_t fingerprint(const gl_params *ps) {
    uint64_t a = 0, b = 0;
    for (int i = 0; i < ps->n; i++) {
        const uint32_t *w = (const uint32_t *)ps->p[i].w;
        size_t n = ps->p[i].n;
        for (size_t k = 0; k < n; k++) { a += w[k]; b += a; }   // Fletcher-style: order and value
        b ^= (uint64_t)n << 32;
    }
    return a ^ (b * 0x9e3779b97f4a7c15ull);
}

static pthread_mutex_t half_mu = PTHREAD_MUTEX_INITIALIZER;
static void cat_weights(const gl_hw_model *m, int l, float *cat) {   // [Wx | Wh] side by side, as Wcat
    int H = m->cfg.H, NI = m->NI[l];
    for (int r = 0; r < 4 * H; r++) {
        memcpy(cat + (size_t)r * (NI + H), m->Wx[l] + (size_t)r * NI, sizeof(float) * NI);
        memcpy(cat + (size_t)r * (NI + H) + NI, m->Wh[l] + (size_t)r * H, sizeof(float) * H);
    }
}

// Packs one of the copies: halves (int8 0) or int8 with a scale per row.
static void make_copy(const gl_hw_model *m, struct gl_hw_half *h, int int8) {
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H, ok = 1;
    float *cat = NULL;
    for (int l = 0; l < c->L + 1 && ok; l++) {   // the L layers' [Wx | Wh], then Wy
        int rows = l < c->L ? 4 * H : m->NY, cols = l < c->L ? m->NI[l] + H : c->L * H;
        const float *w = m->Wy;
        if (l < c->L) { cat = realloc(cat, sizeof(float) * rows * cols); cat_weights(m, l, cat); w = cat; }
        if (int8) {
            int8_t **q = l < c->L ? &h->Q8[l] : &h->Qy8;
            float **sc = l < c->L ? &h->S8[l] : &h->Sy8;
            *q = gl_malloc(gl_qpack_len(rows, cols));
            *sc = gl_malloc(sizeof(float) * ((size_t)(rows + 63) / 64 * 64));
            ok = gl_qpack(*q, *sc, w, rows, cols) == 0;
        } else {
            uint16_t **q = l < c->L ? &h->W16[l] : &h->Wy16;
            *q = gl_malloc(sizeof(uint16_t) * gl_hpack_len(rows, cols));
            ok = gl_hpack(*q, w, rows, cols) == 0;
        }
    }
    free(cat);
    if (int8) { h->qok = ok; h->qdone = 1; }
    else { h->ok = ok; h->hdone = 1; }
}

// The copy in the weights w asks for (GL_HW_HALF or GL_HW_INT8), made on its
// first use; NULL when they cannot hold the model (the caller runs floats).
static const struct gl_hw_half *half_of(const gl_hw_model *mc, gl_hw_weights w) {
    gl_hw_model *m = (gl_hw_model *)mc;   // the cache is not part of the model's value
    uint64_t print = fingerprint(&m->ps);
    int int8 = w == GL_HW_INT8;
    pthread_mutex_lock(&half_mu);
    struct gl_hw_half *h = m->half;
    if (!h || h->print != print) {   // new weights: both copies are stale
        gl_hw_half_free(h);
        h = m->half = gl_calloc(1, sizeof *h);
        h->print = print;
    }
    if (int8 ? !h->qdone : !h->hdone) make_copy(m, h, int8);
    pthread_mutex_unlock(&half_mu);
    return (int8 ? h->qok : h->ok) ? h : NULL;
}

static void st_init(hw_state *s, const gl_hw_model *m, int U, gl_hw_weights w) {
    const gl_hw_cfg *c = &m->cfg;
    memset(s, 0, sizeof *s);
    int H = c->H, maxNI = 0, int8 = w == GL_HW_INT8;
    const struct gl_hw_half *hf = w == GL_HW_FP32 ? NULL : half_of(m, w);   // all or nothing
    for (int l = 0; l < c->L; l++) {
        s->h[l] = gl_calloc(H, 4); s->c[l] = gl_calloc(H, 4);
        int NI = m->NI[l];
        if (NI > maxNI) maxNI = NI;
        if (hf && int8) { s->Q8[l] = hf->Q8[l]; s->S8[l] = hf->S8[l]; continue; }
        if (hf) { s->W16[l] = hf->W16[l]; continue; }
        s->Wcat[l] = gl_malloc(sizeof(float) * 4 * H * (NI + H));
        cat_weights(m, l, s->Wcat[l]);
    }
    if (hf && int8) { s->Qy8 = hf->Qy8; s->Sy8 = hf->Sy8; }
    else if (hf) s->Wy16 = hf->Wy16;
    s->vin = gl_calloc(maxNI + H, 4);
    s->hn = gl_calloc(H, 4); s->cn = gl_calloc(H, 4); s->act = gl_calloc(4 * H, 4); s->tc = gl_calloc(H, 4);
    s->in = gl_calloc(maxNI, 4); s->hcat = gl_calloc((size_t)c->L * H, 4); s->y = gl_calloc(m->NY, 4);
    int K = c->K > 0 ? c->K : 1, C = c->K > 0 ? c->C : 1;
    s->p = gl_calloc(3 * K, 4); s->kappa = gl_calloc(K, 4); s->kn = gl_calloc(K, 4);
    s->phi = gl_calloc(U + 2, 4); s->w = gl_calloc(C, 4); s->chars = gl_calloc(U + 1, sizeof(int));
    s->U = U;
}

// Layer l of one step for input x (normalised): updates its state (and, after
// layer 1 of a synthesis network, the window: φ, κ, w).
static void st_layer(const gl_hw_model *m, hw_state *s, int l, const float *x) {
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H, K = c->K, W = K > 0 ? c->C : 0, NI = m->NI[l];
    float *in = s->vin;   // [x, w, h^{l−1}, h^l_{t−1}]; before the first step h and c are zeros
    memcpy(in, x, 3 * sizeof(float));
    if (W) memcpy(in + 3, s->w, W * sizeof(float));   // layer 1: w_{t−1}; layers ≥ 2: w_t (updated below)
    if (l > 0) memcpy(in + 3 + W, s->h[l - 1], H * sizeof(float));
    memcpy(in + NI, s->h[l], H * sizeof(float));
    if (s->Q8[l]) {
        memcpy(s->act, m->b[l], sizeof(float) * 4 * H);
        gl_qgemv(s->act, s->Q8[l], s->S8[l], in, 4 * H, NI + H);
    } else if (s->W16[l]) {
        memcpy(s->act, m->b[l], sizeof(float) * 4 * H);
        gl_hgemv(s->act, s->W16[l], in, 4 * H, NI + H);
    } else gl_linear_forward(s->act, in, s->Wcat[l], m->b[l], 1, NI + H, 4 * H, 0);
    gl_lstm_pointwise_forward(s->act, s->cn, s->tc, s->hn, s->c[l], 1, H);
    memcpy(s->h[l], s->hn, H * sizeof(float)); memcpy(s->c[l], s->cn, H * sizeof(float));
    if (l == 0 && K > 0) {
        gl_linear_forward(s->p, s->h[0], m->Wp, m->bp, 1, H, 3 * K, 0);
        int U = s->U;
        gl_hw_window_forward(s->kn, s->phi, s->w, s->p, s->kappa, s->chars, &U, 1, K, U, W);
        memcpy(s->kappa, s->kn, K * sizeof(float));
    }
}

// One step of the network for input x (normalised): updates the state and
// leaves the output parameters in s->y (and φ, κ, w for synthesis).
static void st_step(const gl_hw_model *m, hw_state *s, const float *x) {
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H;
    for (int l = 0; l < c->L; l++) st_layer(m, s, l, x);
    for (int l = 0; l < c->L; l++) memcpy(s->hcat + (size_t)l * H, s->h[l], H * sizeof(float));
    if (s->Qy8) {
        memcpy(s->y, m->by, sizeof(float) * m->NY);
        gl_qgemv(s->y, s->Qy8, s->Sy8, s->hcat, m->NY, c->L * H);
    } else if (s->Wy16) {
        memcpy(s->y, m->by, sizeof(float) * m->NY);
        gl_hgemv(s->y, s->Wy16, s->hcat, m->NY, c->L * H);
    } else gl_linear_forward(s->y, s->hcat, m->Wy, m->by, 1, c->L * H, m->NY, 0);
    s->started = 1;
}


// ------------------------------------------------------------ fast priming
// The primer's points are known, so the network reads them layer by layer
// (§5.5 needs only the state at the end): layer 1 step by step (its window
// feeds back), then each layer above for the part of its product that does
// not depend on its own past -- gl_qgemv's blocks of 16 columns that lie in
// [x, w, h^{l−1}] -- over all the primer's points first, and step by step for
// the rest (the block across the boundary and h^l_{t−1}). No output layer: the
// primer's outputs are not used. gl_qgemv_blocks continued from the partial
// sums gives gl_qgemv's bits, so the state is the one st_step's would be.

// A[t] = the first nb blocks' sums for each of the T inputs X[t] (stride xs),
// four inputs a pass (each block of weights read once for them). xq, xsc: room
// for four inputs' nb blocks.
static void prime_partial(float *A, const int8_t *Q, int rows, int cols, int nb, const float *X, int xs, int T,
                          int16_t *xq, float *xsc) {
    memset(A, 0, sizeof(float) * (size_t)T * rows);
    for (int t0 = 0; t0 < T; t0 += 4) {
        int n = T - t0 < 4 ? T - t0 : 4;
        for (int t = 0; t < n; t++)
            gl_qx_make(xq + (size_t)t * 16 * nb, xsc + (size_t)t * nb, X + (size_t)(t0 + t) * xs, 16 * nb);
        gl_qgemv_blocks4(A + (size_t)t0 * rows, rows, Q, xq, 16 * (size_t)nb, xsc, nb, n, rows, cols, 0, nb);
    }
}

// act[r] = b[r] + scale[r]·(the sums of A continued over the blocks from nb on)
// for the whole input x. rows: a multiple of 64.
static void prime_rest(float *act, const float *b, const int8_t *Q, const float *scale, int rows, int cols, int nb,
                       const float *A, const float *x, int16_t *xq, float *xsc, float *acc) {
    gl_qx_make(xq, xsc, x, cols);
    memcpy(acc, A, sizeof(float) * rows);
    gl_qgemv_blocks(acc, Q, xq, xsc, rows, cols, nb, (int)(gl_qx_len(cols) / 16));
    for (int r = 0; r < rows; r++) act[r] = b[r] + scale[r] * acc[r];
}

// Runs the network over the T inputs xs[t] (normalised; the first is the
// pen-up start) and leaves the state as T calls of st_step would. 0 when
// the weights are not int8 (nothing done).
static int prime_layers(const gl_hw_model *m, hw_state *s, const float *xs, int T) {
    const gl_hw_cfg *c = &m->cfg;
    int H = c->H, W = c->K > 0 ? c->C : 0, L = c->L, R = 4 * H;
    if (T < 1 || R % 64) return 0;
    for (int l = 0; l < L; l++) if (!s->Q8[l]) return 0;
    int NI1 = L > 1 ? m->NI[1] : 0;   // 3 + W + H
    float *X = L > 1 ? gl_calloc((size_t)T * NI1, sizeof(float)) : NULL;   // [x, w_t, h^{l−1}_t] for each t
    for (int t = 0; t < T; t++) {   // layer 1, step by step
        st_layer(m, s, 0, xs + 3 * t);
        if (X) memcpy(X + (size_t)t * NI1, s->vin, 3 * sizeof(float));
        if (X && W) memcpy(X + (size_t)t * NI1 + 3, s->w, W * sizeof(float));
        if (X) memcpy(X + (size_t)t * NI1 + 3 + W, s->h[0], H * sizeof(float));
    }
    if (L > 1) {
        int nx = (int)gl_qx_len(m->NI[L - 1] + H);
        float *A = gl_malloc(sizeof(float) * (size_t)T * R), *acc = gl_malloc(sizeof(float) * R);
        int16_t *xq = gl_malloc(sizeof(int16_t) * 4 * nx);   // four inputs' blocks (prime_partial)
        float *xsc = gl_malloc(sizeof(float) * 4 * nx / 16);
        for (int l = 1; l < L; l++) {
            int NI = m->NI[l], nb = NI / 16;   // the blocks within [x, w, h^{l−1}]
            prime_partial(A, s->Q8[l], R, NI + H, nb, X, NI1, T, xq, xsc);
            for (int t = 0; t < T; t++) {
                float *in = s->vin;
                memcpy(in, X + (size_t)t * NI1, sizeof(float) * NI);
                memcpy(in + NI, s->h[l], H * sizeof(float));
                prime_rest(s->act, m->b[l], s->Q8[l], s->S8[l], R, NI + H, nb, A + (size_t)t * R, in, xq, xsc, acc);
                gl_lstm_pointwise_forward(s->act, s->cn, s->tc, s->hn, s->c[l], 1, H);
                memcpy(s->h[l], s->hn, H * sizeof(float)); memcpy(s->c[l], s->cn, H * sizeof(float));
                memcpy(X + (size_t)t * NI1 + 3 + W, s->h[l], H * sizeof(float));   // the next layer's input
            }
        }
        free(A); free(acc); free(xq); free(xsc);
    }
    free(X);
    s->started = 1;
    return 1;
}

// Mixture parameters with bias b (§5.4): π = softmax(π̂(1+b)), σ = exp(σ̂ − b).
static void mixture(const float *y, int M, float b, float *e, float *pi, float *mu1, float *mu2, float *s1, float *s2,
                    float *rho) {
    *e = 1.0f / (1.0f + expf(y[0]));
    for (int j = 0; j < M; j++) pi[j] = y[1 + j] * (1 + b);
    gl_softmax(pi, M);
    for (int j = 0; j < M; j++) {
        mu1[j] = y[1 + M + j]; mu2[j] = y[1 + 2 * M + j];
        s1[j] = expf(y[1 + 3 * M + j] - b); s2[j] = expf(y[1 + 4 * M + j] - b);
        rho[j] = tanhf(y[1 + 5 * M + j]);
    }
}

// After priming (§5.5) the window must sit on the space between the
// primer's text and the new text. The network moves it only as far as it
// reads the primer's ink as those characters: a line drawn with the mouse
// (fewer, sparser points than the training lines) leaves it a few
// characters behind, and the network then writes the rest of the primer's
// text before the new one -- the primer leaking into the output. So the
// window is moved, all K components by the same amount (its shape kept),
// until its centre Σ α_k κ_k / Σ α_k is at position `pos` (1-based: the
// space), then by what takes the peak of φ there too (components spread
// over several characters can put the peak a character away from the
// mean), and φ and w_{t−1}, which layer 1 reads at the first new step, are
// recomputed there (eq. 46, 47): gl_hw_window_align.

// The last of the n points begins a stroke (the one before lifted the
// pen), the stroke before it was written with the window's peak on the last
// character or past it, and the point lies right of all the ink so far by
// more than a quarter of that stroke's height and more than gap: a stroke
// after the text, if the window ends here -- not the dot of a closing "!",
// "?" or "i", which sits under or over its stroke. (A quarter of the height
// alone is nothing for a dot: the second dot of a ":" would count.)
static int stray_start(const float *pts, const float *phis, int n, int U, float gap) {
    if (n < 2 || !(pts[3 * (n - 2) + 2] > 0.5f)) return 0;
    if (gl_hw_peak(phis + (size_t)(n - 2) * (U + 1), U) < U - 1) return 0;
    float x = 0, y = 0, maxx = -INFINITY, lo = INFINITY, hi = -INFINITY;
    int last_start = 0;   // the first point of the stroke before
    for (int i = 0; i < n - 1; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        if (i > 0 && pts[3 * (i - 1) + 2] > 0.5f) { last_start = i; lo = INFINITY; hi = -INFINITY; }
        if (x > maxx) maxx = x;
        if (i >= last_start) { if (y < lo) lo = y; if (y > hi) hi = y; }
    }
    x += pts[3 * (n - 1)];
    return x > maxx + fmaxf(0.25f * (hi - lo), gap);
}

// A stroke about to begin at offset dx from the last of the n points (the
// pen lifted there) lies right of all the ink so far by more than a quarter
// of the height of the stroke before it (the stray_start test, for a point
// not yet stored) and by more than gap.
static int right_of_ink(const float *pts, int n, float dx, float gap) {
    float x = 0, y = 0, maxx = -INFINITY, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        if (i > 0 && pts[3 * (i - 1) + 2] > 0.5f) { lo = INFINITY; hi = -INFINITY; }
        if (x > maxx) maxx = x;
        if (y < lo) lo = y;
        if (y > hi) hi = y;
    }
    return x + dx > maxx + fmaxf(0.25f * (hi - lo), gap);
}

// Where the window is: its centre Σ α_k κ_k / Σ α_k, a character position
// (1-based: character u at u).
static float window_centre(const hw_state *s, int K) {
    double sa = 0, sk = 0;
    for (int k = 0; k < K; k++) { double a = exp(s->p[k]); sa += a; sk += a * s->kappa[k]; }
    return sa > 0 ? (float)(sk / sa) : s->kappa[0];
}

// A stroke begun right of all the ink (by more than GL_HW_TAIL_GAP of a
// character) after the window passed the end is a next character's -- one
// that is not in the text -- when the window's centre has reached the place
// that character would have (U + GL_HW_TAIL_NEXT) or the stroke begins far
// right (far: by more than GL_HW_TAIL_FAR characters); else the window is
// still on the last character and the stroke is its own: the upright of a
// "+" set right of its bar, the second dot of a ":", the full stop after
// "it" that the window passed before the pen got there.
static int next_place(const hw_state *s, int K, int U, int far) {
    return far || window_centre(s, K) >= (float)U + GL_HW_TAIL_NEXT;
}

// What st_step reads and writes of the state, kept to take a step back: the
// pen lifted at the tail of a line (see the sampling loop) is a step again
// from the state before it, with the input's pen lifted.
typedef struct { float *buf; size_t len; } hw_snap;

static size_t snap_len(const gl_hw_model *m, const hw_state *s) {
    const gl_hw_cfg *c = &m->cfg;
    int K = c->K > 0 ? c->K : 1, C = c->K > 0 ? c->C : 1;
    return (size_t)2 * c->L * c->H + 3 * K + K + (size_t)(s->U + 1) + C;
}

static void snap_io(const gl_hw_model *m, hw_state *s, hw_snap *sn, int save) {
    const gl_hw_cfg *c = &m->cfg;
    int K = c->K > 0 ? c->K : 1, C = c->K > 0 ? c->C : 1;
    float *b = sn->buf;
    float *parts[] = { s->p, s->kappa, s->phi, s->w };
    size_t lens[] = { (size_t)3 * K, (size_t)K, (size_t)s->U + 1, (size_t)C };
    for (int l = 0; l < c->L; l++) {
        float *hc[2] = { s->h[l], s->c[l] };
        for (int k = 0; k < 2; k++, b += c->H)
            memcpy(save ? b : hc[k], save ? hc[k] : b, sizeof(float) * c->H);
    }
    for (int k = 0; k < 4; b += lens[k], k++) memcpy(save ? b : parts[k], save ? parts[k] : b, sizeof(float) * lens[k]);
}

int gl_hw_max_steps(const gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts) {
    if (opts->max_steps > 0) return opts->max_steps;
    return m->cfg.K > 0 && text ? 40 * (int)strlen(text) + 40 : 700;
}

gl_trace *gl_hw_trace_new(const gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts) {
    gl_hw_trace_header *h = gl_calloc(1, sizeof *h);
    int synth = m->cfg.K > 0 && text;
    if (text) snprintf(h->text, sizeof h->text, "%s", text);
    h->U = synth ? (int)strlen(h->text) + (opts->prime_text ? (int)strlen(opts->prime_text) + 1 : 0) : 0;
    h->K = m->cfg.K; h->M = m->cfg.M; h->bias = opts->bias; h->seed = opts->seed;
    return gl_trace_new(synth ? GL_TRACE_WRITE : GL_TRACE_PREDICT, sizeof(gl_hw_frame), gl_hw_max_steps(m, text, opts),
                        h);
}

void gl_hw_result_free(gl_hw_result *r) { free(r->pts); free(r->phi); free(r->kappa); memset(r, 0, sizeof *r); }

// §5.5 priming: runs the network over the primer's points (inputs only),
// lifts the pen and (synthesis) moves the window onto the space after the
// primer's text. x: the next input, (0, 0, 1) in; the primer's last point,
// pen up, out.
static void st_prime(const gl_hw_model *m, hw_state *s, const gl_hw_sample_opts *opts, float *x) {
    const gl_hw_cfg *c = &m->cfg;
    const gl_hw_line *pr = opts->prime;
    float *xs = gl_malloc(sizeof(float) * 3 * ((size_t)pr->n + 1));   // the inputs: (0, 0, 1), then the points
    memcpy(xs, x, 3 * sizeof(float));
    for (int t = 0; t < pr->n; t++) {
        xs[3 * (t + 1)] = (pr->pts[3 * t] - c->mean[0]) / c->std[0];
        xs[3 * (t + 1) + 1] = (pr->pts[3 * t + 1] - c->mean[1]) / c->std[1];
        xs[3 * (t + 1) + 2] = pr->pts[3 * t + 2];
    }
    if (opts->prime_stepwise || !prime_layers(m, s, xs, pr->n))
        for (int t = 0; t < pr->n; t++) st_step(m, s, xs + 3 * t);
    memcpy(x, xs + 3 * pr->n, 3 * sizeof(float));
    free(xs);
    x[2] = 1;   // lift the pen before writing the new text
    if (c->K > 0)
        gl_hw_window_align(s->kappa, s->phi, s->w, s->p, s->chars, c->K, s->U, c->C,
                           (float)strlen(opts->prime_text) + 1);
}

int gl_hw_sample(gl_hw_model *m, const char *text, const gl_hw_sample_opts *opts, gl_hw_result *res, gl_trace *trace) {
    const gl_hw_cfg *c = &m->cfg;
    int synth = c->K > 0;
    int M = c->M, K = c->K;
    if (res) memset(res, 0, sizeof *res);
    char *full = NULL;
    if (synth) {
        if (!text || !*text) { gl_seterr("write: the text is empty"); if (trace) gl_trace_finish(trace); return -1; }
        if (opts->prime) {
            if (!opts->prime_text) {
                gl_seterr("write: priming needs the primer's text");
                if (trace) gl_trace_finish(trace);
                return -1;
            }
            size_t n = strlen(opts->prime_text) + strlen(text) + 2;
            full = gl_malloc(n);
            snprintf(full, n, "%s %s", opts->prime_text, text);
        } else full = gl_strdup(text);
        if ((int)strlen(full) > GL_HW_MAXU) {
            gl_seterr("write: text too long (%d characters, at most %d)", (int)strlen(full), GL_HW_MAXU);
            free(full);
            if (trace) gl_trace_finish(trace);
            return -1;
        }
    }
    int U = synth ? (int)strlen(full) : 0;
    hw_state s; st_init(&s, m, U, opts->weights);
    if (synth && gl_hw_encode(c, full, s.chars)) {
        free(full);
        st_free(&s);
        if (trace) gl_trace_finish(trace);
        return -1;
    }
    int ntext = synth ? (int)strlen(text) : 0;
    int max_steps = opts->max_steps > 0 ? opts->max_steps : (synth ? 40 * ntext + 40 : 700);
    gl_rng rng; gl_rng_seed(&rng, opts->seed);
    float x[3] = {0, 0, 1};
    if (opts->prime) st_prime(m, &s, opts, x);
    int cap = 256, n = 0;
    float *pts = gl_malloc(sizeof(float) * 3 * cap);
    float *phis = synth ? gl_malloc(sizeof(float) * (U + 1) * cap) : NULL;
    float *kaps = synth ? gl_malloc(sizeof(float) * K * cap) : NULL;
    float e, pi[GL_HW_MAXM], mu1[GL_HW_MAXM], mu2[GL_HW_MAXM], s1[GL_HW_MAXM], s2[GL_HW_MAXM], rho[GL_HW_MAXM];
    float px = 0, py = 0;
    int ended = 0, cancelled = 0, dropped = 0;
    gl_hw_frame *fr = trace ? gl_calloc(1, sizeof(gl_hw_frame)) : NULL;
    // A point that begins a stroke (the pen put down after a lift) once the
    // stroke before it was written on the last character is held back one
    // step, frame included: when the window passes the end at the next step,
    // that point is no ink of the text -- the pen moved on to where a next
    // character would start -- and would show as a stray dot after the line
    // ("2024.."). It is dropped; otherwise kept. (A stroke begun on an earlier
    // character, such as the full stop after "fox", is ink and stays.)
    gl_hw_frame *held = trace && synth ? gl_calloc(1, sizeof(gl_hw_frame)) : NULL;
    int holding = 0;
    // The end of the text (§5.3) is where φ(t,U+1) first exceeds every
    // φ(t,u); the window runs ahead of the pen, so at that step the last
    // character is not finished: on IAM-OnDB's held-out lines, read with the
    // real points as inputs (gl_hw_forward over the first 300 of them, the
    // shipped network, 2026-12-07), it fires a median 4 points (about 0.4 of
    // a character; 99th percentile 17) before the line's last point, and in
    // 244 of the 263 lines where it fires the pen does not lift again. So
    // writing goes on from there until that stroke is finished (the pen
    // lifts), and then through any further stroke the model begins over or
    // inside the last character (the dot of an i, the bar of a t, the second
    // stroke of an x); it ends at the first stroke begun right of all the ink,
    // the start of a next character that is not there, which is dropped.
    // A stroke begun more than GL_HW_TAIL_GAP characters right of the ink is
    // that next character (of the 45 strokes those lines begin after that
    // step, 2 start so far right) -- unless the window is still on the last
    // character (next_place: its centre short of U + GL_HW_TAIL_NEXT, the
    // stroke within GL_HW_TAIL_FAR widths): the model sets some strokes of a
    // last character right of the rest (the upright of its "+", a second dot,
    // a full stop the window passed early). A pen still writing after
    // GL_HW_TAIL_CHARS characters' worth of points is running on: the line
    // stops there and has not ended.
    // A pen-down stroke that runs GL_HW_TAIL_REACH characters right of the ink
    // written when the window passed (a character: the mean width of those
    // written) is not the end of the line at once: the model runs a last
    // letter's exit stroke on to the right
    // with the pen down, as if to join a next letter, before it lifts the
    // pen for the bar of a t or the dot of an i. The pen is lifted there --
    // the step is taken again from the state before it, its input's pen up,
    // and the point that ran on is not written -- and the line goes on: a
    // stroke begun over the ink stays (the bar), one begun clear of it ends
    // the line (the next letter). Once: a stroke that runs past that point
    // again (a C whose stroke turns into an r) ends the line before the
    // point that does so.
    int fired = -1, tail_max = 0, tail_holding = 0, lifts = 0;
    int pending = 0;   // the stroke begun right of the ink at the last point before the window passed: held a step more
    float maxx = -INFINITY, minx = INFINITY, reach = INFINITY, gap = 0, far = 0;
    hw_snap snap = { 0 };
    if (synth && opts->end_rule == GL_HW_END_FINISH) {
        snap.len = snap_len(m, &s);
        snap.buf = gl_malloc(sizeof(float) * snap.len);
    }
    gl_hw_frame *tail_fr = fr ? gl_calloc(1, sizeof(gl_hw_frame)) : NULL;   // the last tail point's, held a step
    // A primed line's first points, written while the window's peak is still short of the text (on the primer's
    // last characters or the space after them), are held, frames included, until the peak reaches the text: then
    // they are the first letter's ink (the peak lags the pen) and are shown. A stroke or touch the pen ends before
    // that is no character of the text -- a dash or dot the network sets before a line, as IAM-OnDB's writers
    // marked a line going on -- and is dropped (res->lead counts its points): its offsets are carried into the
    // next point written, so the line stays where it was.
    int from = synth && opts->prime && opts->prime_text && !opts->force ? (int)strlen(opts->prime_text) + 1 : 0;
    int lead = from > 0, lead_cap = 0, nlead = 0, lead_dropped = 0;
    gl_hw_frame *lead_fr = NULL;
    float carry_x = 0, carry_y = 0;
    for (int step = 0; step < max_steps; step++) {
        if (opts->cancel && atomic_load(opts->cancel)) { cancelled = 1; break; }
        if (snap.buf && fired >= 0) snap_io(m, &s, &snap, 1);
        st_step(m, &s, x);
        if (synth && fired < 0 && n >= opts->nforce) {
            int past = 1;
            for (int u = 0; u < U; u++) if (!(s.phi[U] > s.phi[u])) { past = 0; break; }
            if (past) {
                fired = n;
                float ppc = (float)(n > ntext ? n : ntext) / (float)ntext;   // the line's points per character
                tail_max = (int)ceilf(GL_HW_TAIL_CHARS * ppc);
                if (tail_max < 12) tail_max = 12;
                float cw = n > 0 ? (maxx - minx) / (float)(ntext > 0 ? ntext : 1) : 0;
                reach = n > 0 ? maxx + GL_HW_TAIL_REACH * cw : INFINITY;
                gap = GL_HW_TAIL_GAP * cw;
                far = GL_HW_TAIL_FAR * cw;
                if (opts->end_rule != GL_HW_END_NEVER && stray_start(pts, phis, n, U, gap) &&
                    next_place(&s, K, U, stray_start(pts, phis, n, U, far))) {
                    fired = --n; dropped = 1; holding = 0; ended = 1;
                    break;
                }
                pending = opts->end_rule == GL_HW_END_FINISH && stray_start(pts, phis, n, U, gap);
                if (opts->end_rule == GL_HW_END_WINDOW) { ended = 1; break; }   // the rule as written, for comparison
                if (opts->end_rule == GL_HW_END_NEVER) { ended = 1; reach = gap = far = INFINITY; tail_max = INT_MAX; }
            }
        }
        if (holding && !pending) { holding = 0; if (gl_trace_push(trace, held)) break; }
        if (fired >= 0 && n - fired >= tail_max) break;   // running on
        mixture(s.y, M, opts->bias, &e, pi, mu1, mu2, s1, s2, rho);
        // pick a component, then draw from the bivariate Gaussian
        float r = gl_rng_uniform(&rng), acc = 0; int j = M - 1;
        for (int k = 0; k < M; k++) { acc += pi[k]; if (r < acc) { j = k; break; } }
        float z1 = gl_rng_normal(&rng), z2 = gl_rng_normal(&rng);
        float nx = mu1[j] + s1[j] * z1;
        float ny = mu2[j] + s2[j] * (rho[j] * z1 + sqrtf(fmaxf(0.0f, 1 - rho[j] * rho[j])) * z2);
        int eos = gl_rng_uniform(&rng) < e;
        float dx = nx * c->std[0] + c->mean[0], dy = ny * c->std[1] + c->mean[1];
        if (opts->force && n < opts->nforce) {   // a given point: the draws above are set aside
            float fx = opts->force[3 * n], fy = opts->force[3 * n + 1];
            // (a given point that is the one drawn keeps the draw's own input: read back from the raw offset it
            // would differ by rounding, and the int8 product's quantized input can magnify that)
            if (fx != dx) nx = (fx - c->mean[0]) / c->std[0];
            if (fy != dy) ny = (fy - c->mean[1]) / c->std[1];
            dx = fx; dy = fy; eos = opts->force[3 * n + 2] > 0.5f;
        }
        if (fired >= 0 && n > 0) {   // the line is done at a point of a next character
            int lifted = pts[3 * (n - 1) + 2] > 0.5f;
            if (!lifted && px + dx > reach && snap.buf && n - 1 > fired && !lifts) {   // the pen lifted, the step again
                lifts++;
                snap_io(m, &s, &snap, 0);
                pts[3 * (n - 1) + 2] = 1;
                x[2] = 1;
                if (tail_holding) tail_fr->eos = 1;
                continue;
            }
            // The last point a began a stroke right of the ink while the window was still on the last character
            // (kept, as the second dot of a ":" would be), in the tail or just before the window passed. When what
            // follows shows that stroke to be a next character's -- a touch of one point and a stroke begun where
            // it is, not right of it, or a pen-down step from a that runs past the reach -- a goes too (it is
            // still held from the trace).
            const float *a = pts + 3 * (n - 1);
            int held_a = n - 1 >= fired ? tail_holding || !fr : n == fired && pending && (holding || !fr);
            int begun = held_a && n >= 2 && pts[3 * (n - 2) + 2] > 0.5f && right_of_ink(pts, n - 1, a[0], gap);
            int ends = lifted ? right_of_ink(pts, n, dx, gap) && next_place(&s, K, U, right_of_ink(pts, n, dx, far))
                              : px + dx > reach;
            if (begun && (ends || (lifted && dx < gap && right_of_ink(pts, n - 1, a[0] + dx, gap)))) {
                n--; px -= a[0]; py -= a[1];
                if (fired > n) fired = n;   // a came before the window passed: no tail is left
                tail_holding = holding = 0;
                ended = 1; dropped = 1;
                break;
            }
            if (ends) {
                ended = 1; dropped = 1;
                break;
            }
        }
        if (pending) {   // the stroke was the last character's own: shown before the point after it
            pending = 0;
            if (holding) { holding = 0; if (gl_trace_push(trace, held)) break; }
        }
        x[0] = nx; x[1] = ny; x[2] = (float)eos;
        if (n == cap) {
            cap *= 2; pts = realloc(pts, sizeof(float) * 3 * cap);
            if (synth) {
                phis = realloc(phis, sizeof(float) * (U + 1) * cap);
                kaps = realloc(kaps, sizeof(float) * K * cap);
            }
        }
        pts[3 * n] = dx + carry_x; pts[3 * n + 1] = dy + carry_y; pts[3 * n + 2] = (float)eos;
        carry_x = carry_y = 0;
        if (synth) {
            memcpy(phis + (size_t)n * (U + 1), s.phi, sizeof(float) * (U + 1));
            memcpy(kaps + (size_t)n * K, s.kappa, sizeof(float) * K);
        }
        n++;
        px += dx; py += dy;
        if (px > maxx) maxx = px;
        if (px < minx) minx = px;
        if (lead) {
            if (gl_hw_peak(s.phi, U) >= from) lead = 0;   // the window reached the text: the held points are its ink
            else if (eos) {             // a stroke or touch ended before it: dropped
                carry_x += pts[3 * (n - 1)];
                carry_y += pts[3 * (n - 1) + 1];
                for (int q = 0; q < n - 1; q++) { carry_x += pts[3 * q]; carry_y += pts[3 * q + 1]; }
                lead_dropped += n;
                n = 0;
                nlead = 0;
                maxx = -INFINITY; minx = INFINITY;
                continue;
            }
        }
        if (fr) {
            memset(fr, 0, sizeof *fr);
            fr->x = px; fr->y = py; fr->dx = pts[3 * (n - 1)]; fr->dy = pts[3 * (n - 1) + 1]; fr->eos = eos; fr->e = e;
            for (int k = 0; k < M; k++) {
                fr->pi[k] = pi[k];
                fr->mu[k][0] = mu1[k] * c->std[0] + c->mean[0]; fr->mu[k][1] = mu2[k] * c->std[1] + c->mean[1];
                fr->sigma[k][0] = s1[k] * c->std[0]; fr->sigma[k][1] = s2[k] * c->std[1]; fr->rho[k] = rho[k];
            }
            if (synth) {
                memcpy(fr->kappa, s.kappa, sizeof(float) * K);
                for (int k = 0; k < K; k++) { fr->alpha[k] = expf(s.p[k]); fr->beta[k] = expf(s.p[K + k]); }
                memcpy(fr->phi, s.phi, sizeof(float) * (U + 1));
                fr->U = U;
            }
            if (lead) {   // held until the window reaches the text
                if (nlead == lead_cap) {
                    lead_cap = lead_cap ? 2 * lead_cap : 16;
                    lead_fr = realloc(lead_fr, sizeof *lead_fr * (size_t)lead_cap);
                }
                lead_fr[nlead++] = *fr;
                continue;
            }
            int stop = 0;
            for (int q = 0; q < nlead && !stop; q++) stop = gl_trace_push(trace, &lead_fr[q]);   // reached: shown
            nlead = 0;
            if (stop) break;
            if (synth && fired < 0 && stray_start(pts, phis, n, U, 0)) { memcpy(held, fr, sizeof *fr); holding = 1; }
            else if (snap.buf && fired >= 0) {   // a tail point's pen may yet be lifted: held a step
                if (tail_holding && gl_trace_push(trace, tail_fr)) { tail_holding = 0; break; }
                memcpy(tail_fr, fr, sizeof *fr);
                tail_holding = 1;
            } else if (gl_trace_push(trace, fr)) break;   // trace full
        }
    }
    for (int q = 0; q < nlead; q++) gl_trace_push(trace, &lead_fr[q]);   // stopped before the text: they stay
    free(lead_fr);
    if (holding) gl_trace_push(trace, held);   // stopped otherwise (steps, cancel): the point stays
    if (tail_holding) gl_trace_push(trace, tail_fr);
    free(fr); free(held); free(tail_fr); free(snap.buf);
    if (trace) gl_trace_finish(trace);
    if (res) {
        res->n = n;
        res->pts = pts;
        res->U = U;
        res->phi = phis;
        res->kappa = kaps;
        res->K = K;
        res->ended = ended;
        res->dropped = dropped;
        res->lead = lead_dropped;
        res->tail = fired >= 0 ? n - fired : 0;
    } else { free(pts); free(phis); free(kaps); }
    free(full);
    st_free(&s);
    return cancelled ? 1 : 0;
}

// The loss of one line (normalised points, the inputs and targets of
// training: the first input is (0, 0, 1)) through the batch-1 path, in the
// weights opts asks for (floats, halves or int8): what the app's network scores,
// to set beside the training path's figure. Σ over points of eq. 26.
double gl_hw_line_loss(gl_hw_model *m, const gl_hw_line *ln, const gl_hw_sample_opts *opts) {
    int synth = m->cfg.K > 0, primed = opts->prime && (!synth || opts->prime_text);
    char full[GL_HW_MAXU + 2];
    int U = synth ? snprintf(full, sizeof full, "%s%s%s", primed && synth ? opts->prime_text : "",
                             primed && synth ? " " : "", ln->text) : 0;
    if (synth && (!ln->text[0] || U > GL_HW_MAXU)) {
        gl_seterr("line loss: the text (with its primer's) must have 1 to %d characters", GL_HW_MAXU);
        return NAN;
    }
    hw_state s; st_init(&s, m, U, opts->weights);
    if (synth && gl_hw_encode(&m->cfg, full, s.chars)) { st_free(&s); return NAN; }
    float x[3] = {0, 0, 1};
    if (primed) st_prime(m, &s, opts, x);
    double tot = 0;
    for (int t = 0; t < ln->n; t++) {
        st_step(m, &s, x);
        tot += gl_hw_mdn_forward_backward(NULL, s.y, ln->pts + 3 * t, NULL, 1, m->cfg.M);
        memcpy(x, ln->pts + 3 * t, sizeof x);
    }
    st_free(&s);
    return tot;
}

// ------------------------------------------------------------------ stepper
struct gl_hw_stepper { const gl_hw_model *m; hw_state s; int steps; float x, y; };

gl_hw_stepper *gl_hw_stepper_new(const gl_hw_model *m) {
    if (m->cfg.K > 0) {
        gl_seterr("the step-by-step predictor needs a prediction network (this one is a synthesis network)");
        return NULL;
    }
    gl_hw_stepper *st = gl_calloc(1, sizeof *st);
    st->m = m;
    st_init(&st->s, m, 0, GL_HW_INT8);   // the app's default weights
    return st;
}

void gl_hw_stepper_free(gl_hw_stepper *st) {
    if (!st) return;
    st_free(&st->s);
    free(st);
}

void gl_hw_stepper_reset(gl_hw_stepper *st) {
    // the state back to zeros (the packed weights stay)
    for (int l = 0; l < st->m->cfg.L; l++) {
        memset(st->s.h[l], 0, sizeof(float) * st->m->cfg.H);
        memset(st->s.c[l], 0, sizeof(float) * st->m->cfg.H);
    }
    st->s.started = 0;
    st->steps = 0; st->x = st->y = 0;
}

int gl_hw_stepper_steps(const gl_hw_stepper *st) { return st->steps; }

// One step on a normalised input; the mixture goes to fr in raw units.
static void stepper_run(gl_hw_stepper *st, const float *x, float bias, gl_hw_frame *fr) {
    const gl_hw_cfg *c = &st->m->cfg;
    int M = c->M;
    st_step(st->m, &st->s, x);
    st->steps++;
    float e, pi[GL_HW_MAXM], mu1[GL_HW_MAXM], mu2[GL_HW_MAXM], s1[GL_HW_MAXM], s2[GL_HW_MAXM], rho[GL_HW_MAXM];
    mixture(st->s.y, M, bias, &e, pi, mu1, mu2, s1, s2, rho);
    memset(fr, 0, sizeof *fr);
    fr->x = st->x; fr->y = st->y; fr->e = e;
    for (int k = 0; k < M; k++) {
        fr->pi[k] = pi[k];
        fr->mu[k][0] = mu1[k] * c->std[0] + c->mean[0]; fr->mu[k][1] = mu2[k] * c->std[1] + c->mean[1];
        fr->sigma[k][0] = s1[k] * c->std[0]; fr->sigma[k][1] = s2[k] * c->std[1]; fr->rho[k] = rho[k];
    }
}

void gl_hw_stepper_start(gl_hw_stepper *st, float bias, gl_hw_frame *fr) {
    const float x[3] = {0, 0, 1};
    stepper_run(st, x, bias, fr);
}

void gl_hw_stepper_feed(gl_hw_stepper *st, const float pt[3], float bias, gl_hw_frame *fr) {
    const gl_hw_cfg *c = &st->m->cfg;
    float x[3] = { (pt[0] - c->mean[0]) / c->std[0], (pt[1] - c->mean[1]) / c->std[1], pt[2] > 0.5f ? 1.0f : 0.0f };
    st->x += pt[0]; st->y += pt[1];
    stepper_run(st, x, bias, fr);
    fr->dx = pt[0]; fr->dy = pt[1]; fr->eos = pt[2] > 0.5f;
}

// Same draw as gl_hw_sample (component, two normals, end of stroke), on the
// raw-unit parameters.
void gl_hw_mixture_sample(const gl_hw_frame *fr, int M, gl_rng *rng, float out[3]) {
    float r = gl_rng_uniform(rng), acc = 0;
    int j = M - 1;
    for (int k = 0; k < M; k++) { acc += fr->pi[k]; if (r < acc) { j = k; break; } }
    float z1 = gl_rng_normal(rng), z2 = gl_rng_normal(rng), rho = fr->rho[j];
    out[0] = fr->mu[j][0] + fr->sigma[j][0] * z1;
    out[1] = fr->mu[j][1] + fr->sigma[j][1] * (rho * z1 + sqrtf(fmaxf(0.0f, 1 - rho * rho)) * z2);
    out[2] = gl_rng_uniform(rng) < fr->e ? 1.0f : 0.0f;
}

// N(x | μ, σ, ρ) = exp(−Z / 2(1−ρ²)) / (2π σ1 σ2 √(1−ρ²)),
// Z = ((x1−μ1)/σ1)² + ((x2−μ2)/σ2)² − 2ρ (x1−μ1)(x2−μ2)/(σ1 σ2)   (eq. 24, 25)
double gl_hw_density(const gl_hw_frame *fr, int M, float dx, float dy) {
    double p = 0;
    for (int k = 0; k < M; k++) {
        double s1 = fr->sigma[k][0], s2 = fr->sigma[k][1], rho = fr->rho[k], om = 1 - rho * rho;
        if (om < 1e-6) om = 1e-6;
        double a = (dx - fr->mu[k][0]) / s1, b = (dy - fr->mu[k][1]) / s2;
        double z = a * a + b * b - 2 * rho * a * b;
        p += fr->pi[k] * exp(-z / (2 * om)) / (2 * M_PI * s1 * s2 * sqrt(om));
    }
    return p;
}

float gl_hw_density_grid(const gl_hw_frame *fr, int M, float x0, float y0, float cell, int gw, int gh, float *out) {
    float mx = 0;
    for (int i = 0; i < gh; i++)
        for (int j = 0; j < gw; j++) {
            float v = (float)gl_hw_density(fr, M, x0 + (j + 0.5f) * cell, y0 + (i + 0.5f) * cell);
            out[i * gw + j] = v;
            if (v > mx) mx = v;
        }
    return mx;
}

// ------------------------------------------------------------------ output
void gl_hw_bbox(const float *pts, int n, float *x0, float *y0, float *x1, float *y1) {
    float x = 0, y = 0;
    *x0 = *y0 = 1e30f; *x1 = *y1 = -1e30f;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1];
        if (x < *x0) *x0 = x;
        if (y < *y0) *y0 = y;
        if (x > *x1) *x1 = x;
        if (y > *y1) *y1 = y;
    }
    if (n == 0) { *x0 = *y0 = 0; *x1 = *y1 = 1; }
}

// Strokes are drawn smooth: a quadratic Bézier through the midpoints of
// consecutive segments with the sampled points as control points (the curve
// passes through the stroke's first and last point). Every stroke is one SVG path.
typedef struct { float *x, *y; int n; } hw_stroke_pts;

// Absolute positions of the points and the index ranges of the strokes.
static int hw_strokes(const float *pts, int n, float *ax, float *ay, int *start, int *len) {
    float x = 0, y = 0; int ns = 0, s0 = 0;
    for (int i = 0; i < n; i++) {
        x += pts[3 * i]; y += pts[3 * i + 1]; ax[i] = x; ay[i] = y;
        if (pts[3 * i + 2] > 0.5f || i == n - 1) { start[ns] = s0; len[ns] = i - s0 + 1; ns++; s0 = i + 1; }
    }
    return ns;
}

// Written for a pen plotter: width, height and coordinates in millimetres,
// one <path> per stroke (quadratic pieces, as above), fill="none" on every
// path and no background shape, so a plotter draws the strokes and nothing
// else.
int gl_hw_save_svg_desc(const char *path, const float *pts, int n, float mm_per_unit, const char *desc) {
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    double s = mm_per_unit > 0 ? mm_per_unit : gl_hw_mm_per_unit(pts, n), pad = GL_HW_MARGIN_MM;
    double W = (x1 - x0) * s + 2 * pad, Hh = (y1 - y0) * s + 2 * pad;
    gl_buf b = {0};
    gl_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.1fmm\" height=\"%.1fmm\" "
                  "viewBox=\"0 0 %.1f %.1f\">\n",
                  W, Hh, W, Hh);
    if (desc && *desc) {
        gl_buf_printf(&b, "<desc>");
        for (const char *c = desc; *c; c++) {   // XML text
            if (*c == '<') gl_buf_printf(&b, "&lt;");
            else if (*c == '>') gl_buf_printf(&b, "&gt;");
            else if (*c == '&') gl_buf_printf(&b, "&amp;");
            else gl_buf_printf(&b, "%c", *c);
        }
        gl_buf_printf(&b, "</desc>\n");
    }
    gl_buf_printf(&b, "<g fill=\"none\" stroke=\"black\" stroke-width=\"%.2f\" stroke-linecap=\"round\" "
                  "stroke-linejoin=\"round\">\n",
                  GL_HW_PEN_MM);
    float *ax = gl_malloc(sizeof(float) * (n + 1)), *ay = gl_malloc(sizeof(float) * (n + 1));
    int *st = gl_malloc(sizeof(int) * (n + 1)), *ln = gl_malloc(sizeof(int) * (n + 1));
    int ns = hw_strokes(pts, n, ax, ay, st, ln);
#define SX(i) ((ax[i] - x0) * s + pad)
#define SY(i) ((ay[i] - y0) * s + pad)
    for (int k = 0; k < ns; k++) {
        int a = st[k], m = ln[k];
        gl_buf_printf(&b, "<path d=\"M%.2f %.2f", SX(a), SY(a));
        if (m == 1) gl_buf_printf(&b, " l0.01 0");
        for (int i = a + 1; i < a + m - 1; i++)
            gl_buf_printf(&b, " Q%.2f %.2f %.2f %.2f", SX(i), SY(i), 0.5 * (SX(i) + SX(i + 1)),
                          0.5 * (SY(i) + SY(i + 1)));
        if (m > 1) gl_buf_printf(&b, " L%.2f %.2f", SX(a + m - 1), SY(a + m - 1));
        gl_buf_printf(&b, "\"/>\n");
    }
#undef SX
#undef SY
    gl_buf_printf(&b, "</g>\n</svg>\n");
    int rc = gl_write_atomic(path, b.s, b.len);
    gl_buf_free(&b); free(ax); free(ay); free(st); free(ln);
    return rc;
}

int gl_hw_save_svg(const char *path, const float *pts, int n, float mm_per_unit) {
    return gl_hw_save_svg_desc(path, pts, n, mm_per_unit, NULL);
}

// Draws the strokes (points already in pixels) as the quadratic pieces the
// SVG has, each piece in six straight segments of width lw.
static void draw_strokes(gl_image *im, const float *ax, const float *ay, const int *st, const int *ln, int ns,
                         float lw) {
    for (int s = 0; s < ns; s++) {
        int a = st[s], m = ln[s];
        float cx = ax[a], cy = ay[a];
        if (m == 1) { gl_image_line(im, cx, cy, cx + 0.5f, cy, lw, 0, 0, 0); continue; }
        for (int i = a + 1; i < a + m; i++) {
            // end of this piece: midpoint to the next point, or the last point
            float ex = i < a + m - 1 ? 0.5f * (ax[i] + ax[i + 1]) : ax[i],
                  ey = i < a + m - 1 ? 0.5f * (ay[i] + ay[i + 1]) : ay[i];
            float qx = i < a + m - 1 ? ax[i] : 0.5f * (cx + ex), qy = i < a + m - 1 ? ay[i] : 0.5f * (cy + ey);
            for (int k = 1; k <= 6; k++) {
                float t = k / 6.0f, u = 1 - t;
                float nx = u * u * cx + 2 * u * t * qx + t * t * ex, ny = u * u * cy + 2 * u * t * qy + t * t * ey;
                float tp = (k - 1) / 6.0f, up = 1 - tp;
                float ox = up * up * cx + 2 * up * tp * qx + tp * tp * ex,
                      oy = up * up * cy + 2 * up * tp * qy + tp * tp * ey;
                gl_image_line(im, ox, oy, nx, ny, lw, 0, 0, 0);
            }
            cx = ex; cy = ey;
        }
    }
}

// Points to pixels: (p − origin) · scale + pad, then drawn.
static int save_png_scaled(const char *path, const float *pts, int n, float x0, float y0, float scale, float pad,
                           int W, int H, float lw) {
    gl_image im = gl_image_new(W, H, 255, 255, 255);
    float *ax = gl_malloc(sizeof(float) * (n + 1)), *ay = gl_malloc(sizeof(float) * (n + 1));
    int *st = gl_malloc(sizeof(int) * (n + 1)), *ln = gl_malloc(sizeof(int) * (n + 1));
    int ns = hw_strokes(pts, n, ax, ay, st, ln);
    for (int i = 0; i < n; i++) { ax[i] = (ax[i] - x0) * scale + pad; ay[i] = (ay[i] - y0) * scale + pad; }
    draw_strokes(&im, ax, ay, st, ln, ns, lw);
    int rc = gl_image_save_png(&im, path);
    gl_image_free(&im); free(ax); free(ay); free(st); free(ln);
    return rc;
}

int gl_hw_save_png(const char *path, const float *pts, int n, int height) {
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    float pad = 12, span = y1 - y0 > 1e-3f ? y1 - y0 : 1;
    float scale = (height - 2 * pad) / span;
    int W = (int)((x1 - x0) * scale + 2 * pad) + 1;
    if (W > 8000) { scale *= 8000.0f / W; W = 8000; }
    if (W < 16) W = 16;
    return save_png_scaled(path, pts, n, x0, y0, scale, pad, W, height, height > 200 ? 2.4f : 2.0f);
}

int gl_hw_save_png_dpi(const char *path, const float *pts, int n, float mm_per_unit, float dpi) {
    float x0, y0, x1, y1;
    gl_hw_bbox(pts, n, &x0, &y0, &x1, &y1);
    float mm = mm_per_unit > 0 ? mm_per_unit : gl_hw_mm_per_unit(pts, n), px_mm = dpi / 25.4f;
    double W = ((x1 - x0) * mm + 2 * GL_HW_MARGIN_MM) * px_mm, H = ((y1 - y0) * mm + 2 * GL_HW_MARGIN_MM) * px_mm;
    if (!(W >= 1 && H >= 1) || W > 20000 || H > 20000) {
        gl_seterr("PNG: %.0f x %.0f pixels at %g dpi is too large (at most 20000 a side)", W, H, dpi);
        return -1;
    }
    float lw = GL_HW_PEN_MM * px_mm;
    return save_png_scaled(path, pts, n, x0, y0, mm * px_mm, GL_HW_MARGIN_MM * px_mm, (int)W + 1, (int)H + 1,
                           lw < 1 ? 1 : lw);
}

// The alignment figure (as Graves 2013, Fig. 13): the written line on top and
// below it the window weights φ(t,u) as a heat map, one column per pen point
// and one row per character (the last row is φ(t,U+1), the end test).
int gl_hw_save_window_png(const char *path, const gl_hw_result *r, const char *text) {
    if (!r->phi || r->n == 0) { gl_seterr("window figure: no window weights (a synthesis run is needed)"); return -1; }
    int U = r->U, cw = r->n > 500 ? 1 : (r->n > 250 ? 2 : 3), rh = 9, lm = 16, top = 130;
    int W = lm + r->n * cw + 8, Hh = top + (U + 1) * rh + 8;
    gl_image im = gl_image_new(W, Hh, 255, 255, 255);
    // handwriting: draw the points scaled into the top band
    float x0, y0, x1, y1;
    gl_hw_bbox(r->pts, r->n, &x0, &y0, &x1, &y1);
    float sx = (W - lm - 8) / fmaxf(x1 - x0, 1e-3f), sy = (top - 20) / fmaxf(y1 - y0, 1e-3f), s = fminf(sx, sy);
    float x = 0, y = 0; int down = 0;
    for (int i = 0; i < r->n; i++) {
        float nx = x + r->pts[3 * i], ny = y + r->pts[3 * i + 1];
        if (down)
            gl_image_line(&im, lm + (x - x0) * s, 10 + (y - y0) * s, lm + (nx - x0) * s, 10 + (ny - y0) * s, 1.8f, 0, 0,
                          0);
        x = nx; y = ny; down = !(r->pts[3 * i + 2] > 0.5f);
    }
    float hi = 1e-6f;
    for (size_t i = 0; i < (size_t)r->n * (U + 1); i++) if (r->phi[i] > hi) hi = r->phi[i];
    for (int t = 0; t < r->n; t++) for (int u = 0; u <= U; u++) {
        uint8_t cr, cg, cb;
        gl_jet(r->phi[(size_t)t * (U + 1) + u] / hi, &cr, &cg, &cb);
        gl_image_rect(&im, lm + t * cw, top + u * rh, cw, rh, cr, cg, cb);
    }
    int tl = text ? (int)strlen(text) : 0;
    for (int u = 0; u <= U; u++) {
        char ch[2] = { u < tl ? text[u] : (u == U ? '#' : '?'), 0 };
        if (ch[0] == ' ') ch[0] = '_';
        gl_image_text(&im, 4, top + u * rh + 1, 1, ch, 0, 0, 0);
    }
    int rc = gl_image_save_png(&im, path);
    gl_image_free(&im);
    return rc;
}
