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
};

struct gl_attn_ws {
    int B;
    float *patches;   // (B*784, 25) im2col of the input
    float *conv;      // (B*784, CH) after ReLU
    float *dconv;
    float *V, *dV;    // (B, L, CH) feature volume
    int *argmax;      // (B, L, CH) conv row of each pooled maximum
    float *x;         // (S+1, B, NIN) LSTM inputs
    float *h, *c, *tc;// (S+1, B, H)
    float *act;       // (S+1, B, 4H) activated gates
    float *kout;      // (S, B, K) key outputs
    float *mask;      // (S, B, L) attention masks
    float *probs;     // (S, B, 10) class probabilities after each glimpse
    float *dh, *dhn, *dcn, *dcp, *dpre, *dxn, *dkout, *dmask, *dlog;   // backward scratch
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
double gl_attn_cnn_step(gl_attn *m, gl_attn_ws *w, gl_params *head, const float *img, const uint8_t *labels, int B, int *correct);
#endif
