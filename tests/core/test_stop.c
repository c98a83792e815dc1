// Stop requests reach inside long work (issue 15: the app closes within
// 200 ms even while it trains). A raised flag makes a DRAW forward pass, its
// backward pass, a data-parallel training step and the held-out bound give
// up at their next time step, leaving the weights and their gradients as
// they were; loading MNIST and binarizing it give up between blocks. A
// training run stopped at random moments (inside steps included) and taken
// up again ends with the same weights, bit for bit, as one run in one go:
// a step given up half-way is not taken, and is repeated the same. Needs
// MNIST (setup.sh).
#include "gl_test.h"
#include "gl_train.h"
#include "gl_par.h"
#include "gl_util.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int same_params(const gl_params *a, const gl_params *b) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++)
        if (a->p[i].n != b->p[i].n || memcmp(a->p[i].w, b->p[i].w, a->p[i].n * sizeof(float))) return 0;
    return 1;
}

static int grads_zero(const gl_params *ps) {
    for (int i = 0; i < ps->n; i++)
        for (size_t k = 0; k < ps->p[i].n; k++) if (ps->p[i].g[k] != 0) return 0;
    return 1;
}

static gl_params *params_copy(const gl_params *src) {
    gl_params *c = gl_calloc(1, sizeof *c);
    c->n = src->n;
    c->p = gl_calloc((size_t)src->n, sizeof(gl_param));
    for (int i = 0; i < src->n; i++) {
        c->p[i].n = src->p[i].n;
        c->p[i].w = gl_malloc(src->p[i].n * sizeof(float));
        memcpy(c->p[i].w, src->p[i].w, src->p[i].n * sizeof(float));
    }
    return c;
}
static void params_copy_free(gl_params *c) {
    for (int i = 0; i < c->n; i++) free(c->p[i].w);
    free(c->p);
    free(c);
}

// A raised flag: every long pass returns NaN at once and changes nothing.
static void check_passes(const gl_mnist *bin) {
    gl_draw_config cfg = { .attention = 1, .T = 6, .read_n = 2, .write_n = 3, .enc = 32, .dec = 32, .z = 8 };
    gl_draw *m = gl_draw_new(&cfg, 7);
    enum { B = 40 };
    float *eps = gl_malloc(sizeof(float) * cfg.T * B * cfg.z);
    for (int i = 0; i < cfg.T * B * cfg.z; i++) eps[i] = 0.1f * (float)((i * 7919) % 17 - 8);
    gl_params *ps = gl_draw_params(m);
    gl_params *before = params_copy(ps);
    atomic_int stop = 0;
    gl_draw_set_stop(m, &stop);

    gl_draw_trainer *tr = gl_draw_trainer_new(m);
    gl_params_zero_grad(ps);
    double ok = gl_draw_trainer_step(tr, bin->x, eps, B, 1, NULL, NULL);
    CHECK(isfinite(ok) && !grads_zero(ps), "flag down: a step gives a bound (%g) and gradients", ok);
    double bound = gl_draw_bound(m, bin->x, 250, 3, NULL, NULL);
    CHECK(isfinite(bound), "flag down: the bound of 250 images is %g", bound);

    atomic_store(&stop, 1);
    gl_params_zero_grad(ps);
    CHECK(isnan(gl_draw_trainer_step(tr, bin->x, eps, B, 1, NULL, NULL)), "flag up: the step gives up (NaN)");
    CHECK(grads_zero(ps), "flag up: the model's gradients are untouched");
    CHECK(isnan(gl_draw_bound(m, bin->x, 250, 3, NULL, NULL)), "flag up: the bound gives up (NaN)");
    CHECK(isnan(gl_draw_forward(m, bin->x, eps, 4, NULL, NULL)), "flag up: a forward pass gives up (NaN)");
    gl_draw_backward(m);   // after a forward pass that gave up: returns without touching anything
    CHECK(grads_zero(ps), "flag up: a backward pass adds nothing");
    CHECK(same_params(before, ps), "flag up: the weights are unchanged");

    atomic_store(&stop, 0);
    gl_params_zero_grad(ps);
    double again = gl_draw_trainer_step(tr, bin->x, eps, B, 1, NULL, NULL);
    CHECK(again == ok, "flag down again: the same step gives the same bound (%.17g vs %.17g)", again, ok);
    gl_draw_trainer_free(tr);
    gl_draw_set_stop(m, NULL);
    params_copy_free(before);
    free(eps);
    gl_draw_free(m);
}

// Raises the flag at random moments until told to end.
typedef struct { atomic_int *stop; atomic_int end; double step_s; } raiser;
static void *raise_loop(void *p) {
    raiser *r = p;
    unsigned s = 12345;
    while (!atomic_load(&r->end)) {
        s = s * 1103515245u + 12345u;
        double wait = r->step_s * (0.1 + 1.5 * (double)(s >> 16 & 0x7fff) / 32768.0);
        struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
        nanosleep(&ts, NULL);
        atomic_store(r->stop, 1);
    }
    return NULL;
}

static void check_interrupted_run(const gl_mnist *bin, const gl_mnist *bin_test) {
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    o.cfg = (gl_draw_config){ .attention = 1, .T = 8, .read_n = 2, .write_n = 3, .enc = 48, .dec = 48, .z = 8 };
    o.batch = o.batch_option = 100; o.epochs = 1;
    gl_mnist sub = *bin;
    sub.n = 3000;
    gl_train *a = gl_draw_train_new(&o, NULL, 0, 0, &sub, bin_test);
    gl_train_set_eval(a, 10, 300);
    double t0 = gl_now();
    CHECK(a && gl_train_run(a, 1000, NULL, NULL, NULL) == 0 && gl_train_step_no(a) == 30, "30 steps in one go");
    double step_s = (gl_now() - t0) / 30;

    gl_train *b = gl_draw_train_new(&o, NULL, 0, 0, &sub, bin_test);
    gl_train_set_eval(b, 10, 300);
    atomic_int stop = 0;
    raiser rz = { .stop = &stop, .step_s = step_s };
    atomic_init(&rz.end, 0);
    pthread_t th;
    pthread_create(&th, NULL, raise_loop, &rz);
    int stops = 0, given_up = 0, guard = 0;
    while (!gl_train_done(b) && guard++ < 100000) {
        long s0 = gl_train_step_no(b);
        atomic_store(&stop, 0);
        int rc = gl_train_run(b, 1, &stop, NULL, NULL);
        CHECK(rc >= 0, "an interrupted run reports no error: %s", rc < 0 ? gl_err() : "");
        if (rc < 0) break;
        if (rc == 1) { stops++; given_up += gl_train_step_no(b) == s0; }
    }
    atomic_store(&rz.end, 1);
    pthread_join(th, NULL);
    CHECK(gl_train_step_no(b) == 30, "the interrupted run reaches step 30 (%ld)", gl_train_step_no(b));
    CHECK(same_params(gl_draw_params(gl_draw_train_model(a)), gl_draw_params(gl_draw_train_model(b))),
          "stopped %d times (%d giving up a step under way), then taken up: the same weights as one go, bit for bit", stops, given_up);
    printf("interrupted DRAW run: %d stops, %d of them giving up a step under way (one step %.1f ms)\n", stops, given_up, step_s * 1e3);
    gl_train_free(a);
    gl_train_free(b);
}

static void check_loading(const gl_mnist *te) {
    atomic_int stop = 1;
    gl_mnist m = {0};
    CHECK(gl_mnist_load_c(gl_mnist_dir(), "t10k", &m, &stop) == 1 && m.x == NULL && m.n == 0, "MNIST loading gives up at a raised flag, nothing loaded");
    atomic_store(&stop, 0);
    CHECK(gl_mnist_load_c(gl_mnist_dir(), "t10k", &m, &stop) == 0 && m.n == te->n &&
          !memcmp(m.x, te->x, (size_t)te->n * 784 * sizeof(float)), "with the flag down it loads what gl_mnist_load does");
    size_t n = (size_t)te->n * GL_DRAW_D;
    float *a = gl_malloc(n * sizeof(float)), *b = gl_malloc(n * sizeof(float));
    memcpy(a, te->x, n * sizeof(float));
    gl_draw_binarize(a, n, 99);
    CHECK(gl_draw_binarize_copy(b, te->x, n, 99, &stop) == 0 && !memcmp(a, b, n * sizeof(float)), "binarizing a copy = binarizing in place");
    atomic_store(&stop, 1);
    CHECK(gl_draw_binarize_copy(b, te->x, n, 99, &stop) == 1, "binarizing gives up at a raised flag");
    free(a); free(b);
    gl_mnist_free(&m);
}

int main(void) {
    gl_mnist tr, te;
    if (gl_mnist_load(gl_mnist_dir(), "train", &tr) != 0 || gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "MNIST missing: %s\n", gl_err());
        return 1;
    }
    gl_par_set_threads(2);
    check_loading(&te);
    gl_draw_binarize(tr.x, (size_t)tr.n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED);
    gl_draw_binarize(te.x, (size_t)te.n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + 1);
    check_passes(&te);
    check_interrupted_run(&tr, &te);
    gl_mnist_free(&tr);
    gl_mnist_free(&te);
    TEST_MAIN_END();
}
