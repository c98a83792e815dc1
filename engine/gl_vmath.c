// gl_vmath: run-time choice between the AVX2+FMA and the baseline kernels
// of gl_vmath_kern.c (compiled twice).
#include "gl_vmath.h"
#include <stdatomic.h>

#define DECL(suf)                                                                                   \
    void gl_vexp##suf(float *, const float *, size_t);                                              \
    void gl_vsigmoid##suf(float *, const float *, size_t);                                          \
    void gl_vtanh##suf(float *, const float *, size_t);                                             \
    void gl_lstm_pointwise_forward##suf(float *, float *, float *, float *, const float *, int, int); \
    void gl_lstm_pointwise_backward##suf(float *, float *, const float *, float *, const float *,   \
                                         const float *, const float *, int, int);                   \
    void gl_conv5x5_forward##suf(float *, const float *, const float *, int, int);                  \
    void gl_conv5x5_backward_w##suf(float *, const float *, const float *, int, int);
DECL(_base)
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
DECL(_avx2)
#endif

static atomic_int force_base;
static int use_avx2(void) {
#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached && !atomic_load(&force_base);
#else
    return 0;
#endif
}

int gl_vmath_force_baseline(int on) { return atomic_exchange(&force_base, on); }
const char *gl_vmath_target(void) { return use_avx2() ? "avx2+fma" : "baseline"; }

#if defined(__x86_64__) && defined(GL_HAVE_AVX2_KERNELS)
#define PICK(name) (use_avx2() ? name##_avx2 : name##_base)
#else
#define PICK(name) name##_base
#endif

void gl_vexp(float *y, const float *x, size_t n) { PICK(gl_vexp)(y, x, n); }
void gl_vsigmoid(float *y, const float *x, size_t n) { PICK(gl_vsigmoid)(y, x, n); }
void gl_vtanh(float *y, const float *x, size_t n) { PICK(gl_vtanh)(y, x, n); }
void gl_lstm_pointwise_forward(float *act, float *c, float *tc, float *h, const float *c_prev, int B, int H) {
    PICK(gl_lstm_pointwise_forward)(act, c, tc, h, c_prev, B, H);
}
void gl_lstm_pointwise_backward(float *dpre, float *dc_prev, const float *dh, float *dc,
                                const float *act, const float *tc, const float *c_prev, int B, int H) {
    PICK(gl_lstm_pointwise_backward)(dpre, dc_prev, dh, dc, act, tc, c_prev, B, H);
}
void gl_conv5x5_forward(float *out, const float *pad, const float *w, int wstride, int CH) {
    PICK(gl_conv5x5_forward)(out, pad, w, wstride, CH);
}
void gl_conv5x5_backward_w(float *dw, const float *dout, const float *pad, int wstride, int CH) {
    PICK(gl_conv5x5_backward_w)(dw, dout, pad, wstride, CH);
}
