// gl_train, the training loop shared by `glimpse train` and the Train view:
// a run taken in chunks (stopped, checkpointed, rebuilt from the checkpoint)
// ends with the same weights, bit for bit, as one taken in one go; the stop
// flag stops it before the next step; reports count steps, epochs, stages
// and carry held-out figures where they are due. Needs MNIST (setup.sh).
#include "gl_test.h"
#include "gl_train.h"
#include "gl_par.h"
#include "gl_util.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct { long n, last, evals, epoch_ends, stage0, stage1; int stop_at; atomic_int *stop; } counter;
static void count(void *user, const gl_train_report *r) {
    counter *c = user;
    CHECK(r->step == c->last + 1 || c->last == 0, "steps in order: %ld after %ld", r->step, c->last);
    c->last = r->step;
    c->n++;
    c->evals += r->has_eval;
    c->epoch_ends += r->epoch_end;
    if (r->stage) c->stage1++; else c->stage0++;
    CHECK(isfinite(r->loss) && r->lr > 0 && r->batch > 0, "step %ld: loss %g, lr %g", r->step, r->loss, r->lr);
    if (r->has_eval) CHECK(isfinite(r->eval_loss), "held-out figure at step %ld", r->step);
    if (c->stop && c->stop_at && r->step == c->stop_at) atomic_store(c->stop, 1);
}

static int same_params(const gl_params *a, const gl_params *b) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++)
        if (a->p[i].n != b->p[i].n || memcmp(a->p[i].w, b->p[i].w, a->p[i].n * sizeof(float))) return 0;
    return 1;
}

static void check_attention(const gl_mnist *tr, const gl_mnist *te, const char *dir) {
    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    o.hidden = 8; o.batch = 20; o.limit = 200; o.epochs = 2; o.cnn_epochs = 1; o.augment = 1;
    // one go
    gl_train *a = gl_attn_train_new(&o, tr, te);
    CHECK(a && gl_train_total(a) == 30, "3 epochs of 10 steps: %ld", a ? gl_train_total(a) : -1);
    counter c = {0};
    CHECK(gl_train_run(a, 1000, NULL, count, &c) == 0 && gl_train_done(a), "runs to the end");
    CHECK(c.n == 30 && c.stage0 == 10 && c.stage1 == 20 && c.epoch_ends == 3, "30 reports, 10 CNN, 20 attention, 3 epoch ends (%ld %ld %ld %ld)", c.n, c.stage0, c.stage1, c.epoch_ends);
    CHECK(c.evals == 2, "held-out figures at the two attention epochs' ends only: %ld", c.evals);
    // in chunks: 7 steps, a stop raised by the report at step 13, a checkpoint, a new session from it
    gl_train *b = gl_attn_train_new(&o, tr, te);
    atomic_int stop = 0;
    counter d = { .stop = &stop, .stop_at = 13 };
    CHECK(gl_train_run(b, 7, &stop, count, &d) == 0 && gl_train_step_no(b) == 7, "a chunk of 7 steps");
    CHECK(gl_train_run(b, 1000, &stop, count, &d) == 1 && gl_train_step_no(b) == 13, "stops after the step that raised the flag: %ld", gl_train_step_no(b));
    CHECK(gl_train_run(b, 1000, &stop, count, &d) == 1 && gl_train_step_no(b) == 13, "a raised flag stops before any step");
    char ck[512];
    snprintf(ck, sizeof ck, "%s/attn.ckpt", dir);
    CHECK(gl_train_checkpoint(b, ck) == 0, "checkpoint: %s", gl_err());
    gl_train_free(b);
    gl_train *r = gl_attn_train_new(&o, tr, te);
    CHECK(gl_attn_train_resume(r, ck) == 0 && gl_train_step_no(r) == 13, "resumed at step 13");
    gl_train_set_eval(r, 4, 50);
    counter e = {0};
    CHECK(gl_train_run(r, 1000, NULL, count, &e) == 0 && e.n == 17, "the 17 steps left: %ld", e.n);
    CHECK(e.evals == 5, "held-out figures at steps 16, 20, 24, 28 (every 4) and 30 (the end): %ld", e.evals);
    CHECK(same_params(gl_attn_params(gl_attn_train_model(a)), gl_attn_params(gl_attn_train_model(r))), "chunked + resumed run = one go, bit for bit");
    gl_train_free(a);
    gl_train_free(r);
    unlink(ck);
}

static void check_draw(gl_mnist *tr, gl_mnist *te, const char *dir) {
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    o.cfg = (gl_draw_config){ .attention = 1, .T = 3, .read_n = 2, .write_n = 3, .enc = 16, .dec = 16, .z = 4 };
    o.batch = o.batch_option = 20; o.epochs = 2;
    gl_mnist sub = *tr;
    sub.n = 200;
    gl_train *a = gl_draw_train_new(&o, NULL, 0, 0, &sub, te);
    counter c = {0};
    CHECK(a && gl_train_run(a, 1000, NULL, count, &c) == 0 && c.n == 20 && c.evals == 0, "20 DRAW steps, no held-out figures unless asked");
    gl_train *b = gl_draw_train_new(&o, NULL, 0, 0, &sub, te);
    gl_train_set_eval(b, 5, 100);
    counter d = {0};
    CHECK(gl_train_run(b, 9, NULL, count, &d) == 0 && d.evals == 1, "9 steps, a held-out bound at step 5");
    char ck[512];
    snprintf(ck, sizeof ck, "%s/draw.ckpt", dir);
    CHECK(gl_train_checkpoint(b, ck) == 0, "checkpoint: %s", gl_err());
    gl_train_free(b);
    gl_draw *m = gl_draw_load(ck, 1);
    CHECK(m != NULL, "checkpoint loads");
    gl_train *r = gl_draw_train_new(&o, m, (long)gl_meta_num(gl_draw_meta(m), "iter", 0), 0, &sub, te);
    counter e = {0};
    CHECK(gl_train_run(r, 1000, NULL, count, &e) == 0 && e.n == 11, "the 11 steps left");
    CHECK(same_params(gl_draw_params(gl_draw_train_model(a)), gl_draw_params(gl_draw_train_model(r))), "DRAW: resumed run = one go, bit for bit");
    gl_train_free(a);
    gl_train_free(r);
    unlink(ck);
}

int main(void) {
    gl_mnist tr, te;
    if (gl_mnist_load(gl_mnist_dir(), "train", &tr) != 0 || gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "MNIST missing: %s\n", gl_err());
        return 1;
    }
    char dir[] = "/tmp/glimpse-test-train-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temporary directory");
    gl_par_set_threads(2);
    check_attention(&tr, &te, dir);
    gl_draw_binarize(tr.x, (size_t)tr.n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED);
    gl_draw_binarize(te.x, (size_t)te.n * GL_DRAW_D, GL_DRAW_BINARIZE_SEED + 1);
    check_draw(&tr, &te, dir);
    rmdir(dir);
    gl_mnist_free(&tr);
    gl_mnist_free(&te);
    TEST_MAIN_END();
}
