// Core engine: JSON, safetensors (round trip and every rejection), params
// load leaving the model untouched on error, gradient checks of the shared
// layers (linear, LSTM through time), IDX reader errors, PNG round trip.
#include "gl_test.h"
#include "test_tmp.h"
#include "gl_image.h"
#include "gl_json.h"
#include "gl_mnist.h"
#include "gl_nn.h"
#include "gl_params.h"
#include "gl_util.h"
#include <stdint.h>
#include <unistd.h>


static void test_json(void) {
    const char *s = "{\"a\": [1, 2.5, -3e2], \"b\": {\"c\": \"x\\ny\"}, \"d\": true, \"e\": null}";
    gl_json *j = gl_json_parse(s, strlen(s));
    CHECK(j != NULL, "parse");
    const gl_json *a = gl_json_get(j, "a");
    CHECK(a && a->n == 3 && a->kids[2].num == -300, "array");
    CHECK(!strcmp(gl_json_get(gl_json_get(j, "b"), "c")->str, "x\ny"), "escape");
    gl_json_free(j);
    CHECK(gl_json_parse("{\"a\":", 5) == NULL, "truncated JSON rejected");
    CHECK(gl_json_parse("[1,2]x", 6) == NULL, "trailing rejected");
}

static void test_safetensors(void) {
    gl_params ps = {0};
    float *a = gl_params_add(&ps, "a", 2, 3, 0, 0);
    float *b = gl_params_add(&ps, "b", 4, 0, 0, 0);
    for (int i = 0; i < 6; i++) a[i] = (float)i * 0.5f;
    for (int i = 0; i < 4; i++) b[i] = -(float)i;
    gl_meta meta = {0};
    gl_meta_set(&meta, "hidden", "%d", 7);
    char path[512]; snprintf(path, sizeof path, "%s", tmp("p.safetensors"));
    CHECK(gl_params_save(&ps, path, &meta, 0) == 0, "save: %s", gl_err());
    // reload into fresh params
    gl_params q = {0};
    float *qa = gl_params_add(&q, "a", 2, 3, 0, 0);
    gl_params_add(&q, "b", 4, 0, 0, 0);
    gl_meta got = {0};
    CHECK(gl_params_load(&q, path, &got, 0) == 0, "load: %s", gl_err());
    CHECK(qa[5] == 2.5f, "values");
    CHECK(gl_meta_int(&got, "hidden", 0) == 7, "metadata");
    gl_meta_free(&got);

    uint8_t *buf; size_t n;
    gl_read_file(path, &buf, &n);
    CHECK(n % 4 == 0 && ((buf[0] | buf[1] << 8) + 8) % 8 == 0, "header padded to 8");
    // truncated
    write_bytes(tmp("trunc.st"), buf, n - 3);
    CHECK(gl_params_load(&q, tmp("trunc.st"), NULL, 0) != 0 && (strstr(gl_err(), "truncated") || strstr(gl_err(), "outside")), "truncated: %s", gl_err());
    write_bytes(tmp("tiny.st"), buf, 5);
    CHECK(gl_params_load(&q, tmp("tiny.st"), NULL, 0) != 0 && strstr(gl_err(), "truncated"), "tiny: %s", gl_err());
    // unknown dtype
    uint8_t *c = gl_malloc(n); memcpy(c, buf, n);
    char *hit = memmem(c, n, "F32", 3); memcpy(hit, "F16", 3);
    write_bytes(tmp("dtype.st"), c, n);
    CHECK(gl_params_load(&q, tmp("dtype.st"), NULL, 0) != 0 && strstr(gl_err(), "dtype"), "dtype: %s", gl_err());
    // NaN value: keeps the old values of q
    memcpy(c, buf, n);
    float nanv = NAN; memcpy(c + n - 4, &nanv, 4);
    write_bytes(tmp("nan.st"), c, n);
    qa[0] = 42;
    CHECK(gl_params_load(&q, tmp("nan.st"), NULL, 0) != 0 && strstr(gl_err(), "NaN"), "nan: %s", gl_err());
    CHECK(qa[0] == 42, "failed load leaves weights untouched");
    free(c); free(buf);
    // shape mismatch and missing tensor
    gl_params r = {0};
    gl_params_add(&r, "a", 3, 2, 0, 0);
    CHECK(gl_params_load(&r, path, NULL, 0) != 0 && strstr(gl_err(), "shape"), "shape: %s", gl_err());
    gl_params s2 = {0};
    gl_params_add(&s2, "zzz", 1, 0, 0, 0);
    CHECK(gl_params_load(&s2, path, NULL, 0) != 0 && strstr(gl_err(), "missing"), "missing: %s", gl_err());
    // checkpoint with Adam moments
    ps.p[0].m[1] = 0.25f; ps.step = 9;
    CHECK(gl_params_save(&ps, tmp("ck.st"), NULL, 1) == 0, "save ckpt");
    gl_params_load(&q, tmp("ck.st"), NULL, 1);
    CHECK(q.p[0].m[1] == 0.25f && q.step == 9, "adam state restored");
    gl_params_free(&ps); gl_params_free(&q); gl_params_free(&r); gl_params_free(&s2); gl_meta_free(&meta);
}

// ---- gradient checks of the shared layers
typedef struct { int B, I, H, T; float *x, *Wx, *Wh, *b, *target; } lstm_ctx;
static double lstm_loss(void *vp) {
    lstm_ctx *c = vp;
    int B = c->B, H = c->H;
    float *h = gl_calloc((size_t)B * H, 4), *cc = gl_calloc((size_t)B * H, 4), *act = gl_malloc((size_t)B * 4 * H * 4), *tc = gl_malloc((size_t)B * H * 4);
    float *hp = gl_calloc((size_t)B * H, 4), *cp = gl_calloc((size_t)B * H, 4);
    double L = 0;
    for (int t = 0; t < c->T; t++) {
        gl_lstm_forward(h, cc, act, tc, c->x + (size_t)t * B * c->I, t ? hp : NULL, t ? cp : NULL, c->Wx, c->Wh, c->b, NULL, B, c->I, H);
        for (int k = 0; k < B * H; k++) L += 0.5 * h[k] * c->target[k] * (t + 1);
        memcpy(hp, h, (size_t)B * H * 4); memcpy(cp, cc, (size_t)B * H * 4);
    }
    free(h); free(cc); free(act); free(tc); free(hp); free(cp);
    return L;
}

static void test_lstm_grad(void) {
    gl_rng r; gl_rng_seed(&r, 1);
    lstm_ctx c = { .B = 2, .I = 3, .H = 4, .T = 3 };
    int B = c.B, I = c.I, H = c.H, T = c.T, G = 4 * H;
    c.x = gl_malloc((size_t)T * B * I * 4); gl_fill_uniform(c.x, (size_t)T * B * I, 1, &r);
    c.Wx = gl_malloc((size_t)G * I * 4); gl_fill_uniform(c.Wx, (size_t)G * I, 0.8f, &r);
    c.Wh = gl_malloc((size_t)G * H * 4); gl_fill_uniform(c.Wh, (size_t)G * H, 0.8f, &r);
    c.b = gl_malloc((size_t)G * 4); gl_fill_uniform(c.b, G, 0.5f, &r);
    c.target = gl_malloc((size_t)B * H * 4); gl_fill_uniform(c.target, (size_t)B * H, 1, &r);
    // forward keeping every step, then backward through time
    float *hs = gl_calloc((size_t)T * B * H, 4), *cs = gl_calloc((size_t)T * B * H, 4);
    float *acts = gl_calloc((size_t)T * B * G, 4), *tcs = gl_calloc((size_t)T * B * H, 4);
    for (int t = 0; t < T; t++)
        gl_lstm_forward(hs + t * B * H, cs + t * B * H, acts + t * B * G, tcs + t * B * H, c.x + t * B * I,
                        t ? hs + (t - 1) * B * H : NULL, t ? cs + (t - 1) * B * H : NULL, c.Wx, c.Wh, c.b, NULL, B, I, H);
    float *dx = gl_calloc((size_t)T * B * I, 4), *dWx = gl_calloc((size_t)G * I, 4), *dWh = gl_calloc((size_t)G * H, 4), *db = gl_calloc(G, 4);
    float *dh = gl_calloc((size_t)B * H, 4), *dc = gl_calloc((size_t)B * H, 4), *dhp = gl_calloc((size_t)B * H, 4), *dcp = gl_calloc((size_t)B * H, 4);
    float *dpre = gl_malloc((size_t)B * G * 4);
    for (int t = T - 1; t >= 0; t--) {
        for (int k = 0; k < B * H; k++) dh[k] = dhp[k] + 0.5f * c.target[k] * (t + 1);
        memcpy(dc, dcp, (size_t)B * H * 4);
        memset(dhp, 0, (size_t)B * H * 4); memset(dcp, 0, (size_t)B * H * 4);
        gl_lstm_backward(dpre, dx + t * B * I, t ? dhp : NULL, t ? dcp : NULL, dWx, dWh, db, dh, dc, acts + t * B * G, tcs + t * B * H,
                         c.x + t * B * I, t ? hs + (t - 1) * B * H : NULL, t ? cs + (t - 1) * B * H : NULL, c.Wx, c.Wh, B, I, H);
    }
    gl_gradcheck(lstm_loss, &c, c.Wx, dWx, G * I, 40, 1e-2f, "lstm.Wx", 2e-2);
    gl_gradcheck(lstm_loss, &c, c.Wh, dWh, G * H, 40, 1e-2f, "lstm.Wh", 2e-2);
    gl_gradcheck(lstm_loss, &c, c.b, db, G, 16, 1e-2f, "lstm.b", 2e-2);
    gl_gradcheck(lstm_loss, &c, c.x, dx, T * B * I, 18, 1e-2f, "lstm.x", 2e-2);
    free(hs); free(cs); free(acts); free(tcs); free(dx); free(dWx); free(dWh); free(db); free(dh); free(dc); free(dhp); free(dcp); free(dpre);
    free(c.x); free(c.Wx); free(c.Wh); free(c.b); free(c.target);
}

typedef struct { float *x, *w, *b, *t; int B, C, O; } lin_ctx;
static double lin_loss(void *vp) {
    lin_ctx *c = vp;
    float out[64];
    gl_linear_forward(out, c->x, c->w, c->b, c->B, c->C, c->O, 0);
    double L = 0;
    for (int i = 0; i < c->B * c->O; i++) L += out[i] * c->t[i];
    return L;
}
static void test_linear_grad(void) {
    gl_rng r; gl_rng_seed(&r, 2);
    float x[3 * 5], w[4 * 5], b[4], t[3 * 4];
    gl_fill_uniform(x, 15, 1, &r); gl_fill_uniform(w, 20, 1, &r); gl_fill_uniform(b, 4, 1, &r); gl_fill_uniform(t, 12, 1, &r);
    lin_ctx c = { x, w, b, t, 3, 5, 4 };
    float dx[15] = {0}, dw[20] = {0}, db[4] = {0};
    gl_linear_backward(dx, dw, db, t, x, w, 3, 5, 4);
    gl_gradcheck(lin_loss, &c, w, dw, 20, 20, 1e-2f, "linear.w", 1e-2);
    gl_gradcheck(lin_loss, &c, x, dx, 15, 15, 1e-2f, "linear.x", 1e-2);
    gl_gradcheck(lin_loss, &c, b, db, 4, 4, 1e-2f, "linear.b", 1e-2);
    // batch of one goes through sgemv: same numbers
    float o1[4], o3[12];
    gl_linear_forward(o3, x, w, b, 3, 5, 4, 0);
    gl_linear_forward(o1, x + 5, w, b, 1, 5, 4, 0);
    CHECK_NEAR(o1[2], o3[6], 1e-5, "gemv matches gemm");
}

static void put_be32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void test_idx(void) {
    uint8_t img[16 + 2 * 784] = {0}, lab[8 + 2] = {0};
    put_be32(img, 0x803); put_be32(img + 4, 2); put_be32(img + 8, 28); put_be32(img + 12, 28);
    put_be32(lab, 0x801); put_be32(lab + 4, 2); lab[8] = 3; lab[9] = 7;
    char d[600]; snprintf(d, sizeof d, "%s/m", tmpdir);
    char cmd[700]; snprintf(cmd, sizeof cmd, "mkdir -p %s", d); CHECK(system(cmd) == 0, "mkdir");
    char ip[700], lp[700];
    snprintf(ip, sizeof ip, "%s/t10k-images-idx3-ubyte", d); snprintf(lp, sizeof lp, "%s/t10k-labels-idx1-ubyte", d);
    write_bytes(ip, img, sizeof img); write_bytes(lp, lab, sizeof lab);
    gl_mnist m;
    CHECK(gl_mnist_load(d, "t10k", &m) == 0 && m.n == 2 && m.y[1] == 7, "valid IDX: %s", gl_err());
    if (m.n == 2) gl_mnist_free(&m);
    write_bytes(ip, img, sizeof img - 10);
    CHECK(gl_mnist_load(d, "t10k", &m) != 0 && strstr(gl_err(), "truncated") && strstr(gl_err(), ip), "truncated: %s", gl_err());
    img[3] = 0x04; write_bytes(ip, img, sizeof img);
    CHECK(gl_mnist_load(d, "t10k", &m) != 0 && strstr(gl_err(), "magic"), "magic: %s", gl_err());
    img[3] = 0x03; put_be32(img + 8, 32); write_bytes(ip, img, sizeof img);
    CHECK(gl_mnist_load(d, "t10k", &m) != 0 && strstr(gl_err(), "28x28"), "dims: %s", gl_err());
    put_be32(img + 8, 28); write_bytes(ip, img, sizeof img);
    put_be32(lab + 4, 1); write_bytes(lp, lab, 9);
    CHECK(gl_mnist_load(d, "t10k", &m) != 0 && strstr(gl_err(), "labels"), "count mismatch: %s", gl_err());
}

static void test_png_and_normalise(void) {
    gl_image im = gl_image_new(40, 60, 255, 255, 255);
    gl_image_line(&im, 20, 10, 20, 50, 5, 0, 0, 0);   // a dark "1" on white paper
    CHECK(gl_image_save_png(&im, tmp("one.png")) == 0, "png save: %s", gl_err());
    float *g; int w, h;
    CHECK(gl_image_load_grey(tmp("one.png"), &g, &w, &h) == 0 && w == 40 && h == 60, "png load: %s", gl_err());
    CHECK(g[0] < 0.1f && g[35 * 40 + 20] > 0.9f, "inverted to ink-high");
    float d[784];
    CHECK(gl_mnist_normalise(g, w, h, d) == 0, "normalise");
    double m = 0, cy = 0; int y0 = 28, y1 = -1;
    for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) { m += d[y * 28 + x]; cy += d[y * 28 + x] * y; if (d[y * 28 + x] > 0.5f) { if (y < y0) y0 = y; if (y > y1) y1 = y; } }
    CHECK_NEAR(cy / m, 13.5, 1.0, "centre of mass row");
    CHECK(y1 - y0 >= 17 && y1 - y0 <= 21, "height ~20 px (%d)", y1 - y0);
    float empty[100] = {0};
    CHECK(gl_mnist_normalise(empty, 10, 10, d) != 0 && strstr(gl_err(), "no ink"), "empty drawing: %s", gl_err());
    write_bytes(tmp("bad.png"), "\x89PNG\r\n\x1a\n garbage", 17);
    CHECK(gl_image_load_grey(tmp("bad.png"), &g, &w, &h) != 0, "corrupt png rejected");
    free(g);
    gl_image rgb = {0};
    CHECK(gl_image_load_png(tmp("one.png"), &rgb) == 0 && rgb.w == 40 && rgb.h == 60, "png load as RGB: %s", gl_err());
    if (rgb.px) {
        CHECK(!memcmp(rgb.px, im.px, (size_t)40 * 60 * 3), "RGB round trip is exact");
        gl_image_free(&rgb);
    }
    CHECK(gl_image_load_png(tmp("bad.png"), &rgb) != 0 && strstr(gl_err(), "bad.png"), "corrupt png as RGB: %s", gl_err());
    gl_image_free(&im);
}

int main(void) {
    if (test_tmp_begin("test")) return 1;
    test_json();
    test_safetensors();
    test_linear_grad();
    test_lstm_grad();
    test_idx();
    test_png_and_normalise();
    if (test_tmp_end()) return 1;
    TEST_MAIN_END();
}
