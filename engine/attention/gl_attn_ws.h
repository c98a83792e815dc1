// gl_attn_ws: the attention model's internals and minibatch workspace, for
// training, evaluation and tests (the GUI uses only gl_attn.h).
#ifndef GL_ATTN_WS_H
#define GL_ATTN_WS_H
#include "gl_attn.h"
#include <stdint.h>

typedef struct gl_attn_ws gl_attn_ws;
struct gl_attn {
    gl_key_type key;
    int H;
    int cin;           // conv input channels: 1 (ink) or 3 (ink, x, y)
    gl_params ps;
    gl_meta meta;
    float *conv_w, *conv_b, *Wx, *Wh, *lb, *key_w, *key_b, *cls_w, *cls_b;
    gl_attn_ws *ws1;   // batch-of-one workspace for gl_attn_run
    // transposed weight copies for one digit at a time (see fast_weights in gl_attn.c)
    float *fast_lstm, *fast_key, *fast_cls;
    long fast_step;
    int fast_ok;
};
// Call after changing the weights by hand (not through Adam or a load):
// the one-digit path keeps transposed copies of them.
void gl_attn_weights_changed(gl_attn *m);

struct gl_attn_ws {
    int B;
    float *vin;       // (NIN+H) [x, h] of one step (one digit)
    float *pad;       // (B,32,32) the inputs with a zero border of 2
    float *conv;      // (B,CH,784) conv outputs before the ReLU
    float *dconv, *dconv_sum;   // (CH,784) one sample's conv gradient, and its sum over the batch
    float *cmap, *cmap_w;       // (CH,784) bias + coordinate planes' part; the weights it was made from
    int cmap_ok;
    float px[1024], py[1024];   // the padded coordinate planes
    float *V, *dV;    // (B, L, CH) feature volume
    float *x;         // (S+1, B, NIN) LSTM inputs
    float *h, *c, *tc;// (S+1, B, H)
    float *act;       // (S+1, B, 4H) activated gates
    float *kout;      // (S, B, K) key outputs
    float *mask;      // (S, B, L) attention masks
    float *probs;     // (S, B, 10) class probabilities after each glimpse
    float *dh, *dhn, *dcn, *dcp, *dmask;   // backward scratch of one step
    float *dpres;     // (S+1, B, 4H) every step's gate gradients
    float *dxs;       // (S+1, B, NIN) every step's input gradients
    float *dkout;     // (S, B, K) key output gradients
    float *dlog;      // (S, B, 10) class logit gradients
};

gl_attn_ws *gl_attn_ws_new(const gl_attn *m, int B);
void gl_attn_ws_free(gl_attn_ws *w);
// Forward over B images (B <= w->B).
void gl_attn_forward(gl_attn *m, gl_attn_ws *w, const float *img, int B);
// Backward of the mean cross-entropy (final step weight 1, the 9 earlier
// steps share weight aux). Accumulates into the params' gradients and returns
// the loss. train_conv=0 keeps the conv layer fixed.
double gl_attn_backward(gl_attn *m, gl_attn_ws *w, const uint8_t *labels, int B, float aux, int train_conv);

// The conv layer's pre-training as the first layer of a CNN classifier.
void gl_attn_cnn_head_init(gl_params *head, unsigned long seed);
double gl_attn_cnn_step(gl_attn *m, gl_attn_ws *w, gl_params *head, const float *img, const uint8_t *labels, int B,
                        int *correct);

// ---- on every core (gl_par) ------------------------------------------------
// Final class probabilities (n,10) of n digits, the digits split over the
// cores in batches of 64.
void gl_attn_classify(gl_attn *m, const float *img, int n, float *probs);
// Data-parallel training: one minibatch step's forward and backward split
// over the cores. Accumulates the gradient of the batch's mean loss into
// m's parameters (and into head's in the CNN stage), exactly as one
// gl_attn_forward + gl_attn_backward (or gl_attn_cnn_step) over the whole
// batch would, up to float rounding. Returns the mean loss (NaN with gl_err
// if B exceeds the trainer's size); *correct (may be NULL) gets the number
// of right answers.
typedef struct gl_attn_trainer gl_attn_trainer;
gl_attn_trainer *gl_attn_trainer_new(gl_attn *m, gl_params *head, int B);
void gl_attn_trainer_free(gl_attn_trainer *t);
double gl_attn_trainer_step(gl_attn_trainer *t, const float *img, const uint8_t *labels, int B, float aux,
                            int train_conv, int cnn_stage, int *correct);
#endif
