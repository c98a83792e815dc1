// train draw --binarize fresh: every epoch a new binary sample of each
// training image, a function of (seed, epoch, image) only. Checked here: the
// sample is binary, keeps the pixels of intensity 0 and 1, follows the
// intensities on average, differs from epoch to epoch and from image to
// image, and repeats for the same seed; a training session feeds exactly
// these samples (the same digit differs between two epochs, the same seed
// gives the same batches, a session resumed at a later epoch sees what the
// uninterrupted one saw), and --binarize fixed feeds the images as given.
#include "gl_test.h"
#include "draw/gl_draw.h"
#include "gl_train.h"
#include "gl_util.h"

#define D GL_DRAW_D
#define NIMG 3

static int same(const float *a, const float *b) { return memcmp(a, b, sizeof(float) * D) == 0; }
static int ndiff(const float *a, const float *b) {
    int n = 0;
    for (int k = 0; k < D; k++) n += a[k] != b[k];
    return n;
}

static void test_sample(void) {
    float grey[D], a[D], b[D];
    for (int k = 0; k < D; k++) grey[k] = k < 100 ? 0.0f : k < 200 ? 1.0f : (float)(k % 7) / 7.0f + 0.05f;
    gl_draw_train_binarize(1, 0, 5, grey, a);
    int binary = 1, kept = 1;
    for (int k = 0; k < D; k++) {
        if (a[k] != 0.0f && a[k] != 1.0f) binary = 0;
        if ((k < 100 && a[k] != 0.0f) || (k >= 100 && k < 200 && a[k] != 1.0f)) kept = 0;
    }
    CHECK(binary, "every pixel 0 or 1");
    CHECK(kept, "intensity 0 stays 0, intensity 1 stays 1");
    gl_draw_train_binarize(1, 0, 5, grey, b);
    CHECK(same(a, b), "the same (seed, epoch, image): the same sample");
    gl_draw_train_binarize(1, 1, 5, grey, b);
    CHECK(ndiff(a, b) > 100, "another epoch: another sample (%d pixels differ)", ndiff(a, b));
    gl_draw_train_binarize(2, 0, 5, grey, b);
    CHECK(ndiff(a, b) > 100, "another seed: another sample (%d pixels differ)", ndiff(a, b));
    gl_draw_train_binarize(1, 0, 6, grey, b);
    CHECK(ndiff(a, b) > 100, "another image index: another sample (%d pixels differ)", ndiff(a, b));
    // over 200 epochs each pixel is 1 about as often as its intensity says
    double got = 0, want = 0, worst = 0;
    static float ones[D];
    for (long e = 0; e < 200; e++) {
        gl_draw_train_binarize(7, e, 0, grey, a);
        for (int k = 0; k < D; k++) { got += a[k]; ones[k] += a[k]; }
    }
    for (int k = 0; k < D; k++) {
        want += 200.0 * grey[k];
        double d = fabs(ones[k] / 200.0 - grey[k]);
        if (d > worst) worst = d;
    }
    CHECK_NEAR(got / (200.0 * D), want / (200.0 * D), 0.005, "mean of the samples = mean intensity");
    CHECK(worst < 0.15, "every pixel's frequency within 0.15 of its intensity (worst %.3f)", worst);
}

// Three grey images, told apart by pixels 0..2 (image i: pixel i is 1, the
// others of them 0); the rest 0.5.
static void make_set(gl_mnist *m) {
    m->n = NIMG;
    m->x = gl_calloc((size_t)NIMG * D, sizeof(float));
    m->y = gl_calloc(NIMG, 1);
    for (int i = 0; i < NIMG; i++)
        for (int k = 0; k < D; k++) m->x[(size_t)i * D + k] = k < NIMG ? (k == i ? 1.0f : 0.0f) : 0.5f;
}
static int which(const float *img) {
    for (int i = 0; i < NIMG; i++)
        if (img[i] == 1.0f) return i;
    return -1;
}

static gl_train *session(const gl_mnist *tr, int fresh, long seed, long start) {
    gl_draw_train_opts o;
    gl_draw_train_defaults(&o);
    o.cfg = (gl_draw_config){ .attention = 1, .T = 2, .read_n = 2, .write_n = 3, .enc = 8, .dec = 8, .z = 2 };
    o.batch = o.batch_option = 1;
    o.epochs = 4;
    o.seed = seed;
    o.binarize_fresh = fresh;
    gl_train *t = gl_draw_train_new(&o, NULL, start, 0, tr, NULL);
    CHECK(t != NULL, "session: %s", gl_err());
    return t;
}

// The batches of epochs 0..3 (one image a step, NIMG steps an epoch).
static void run_all(gl_train *t, float *seen) {
    for (int s = 0; s < 4 * NIMG; s++) {
        CHECK(gl_train_run(t, 1, NULL, NULL, NULL) == 0, "step %d", s);
        memcpy(seen + (size_t)s * D, gl_draw_train_batch(t), sizeof(float) * D);
    }
}

static void test_session(void) {
    gl_mnist tr;
    make_set(&tr);
    enum { STEPS = 4 * NIMG };
    float *a = gl_malloc(sizeof(float) * STEPS * D), *b = gl_malloc(sizeof(float) * STEPS * D);
    float want[D];
    gl_train *t = session(&tr, 1, 3, 0);
    run_all(t, a);
    gl_train_free(t);
    // each step trained on gl_draw_train_binarize(seed, its epoch, its image)
    int match = 1, found = 1;
    for (int s = 0; s < STEPS; s++) {
        int i = which(a + (size_t)s * D);
        if (i < 0) { found = 0; continue; }
        gl_draw_train_binarize(3, s / NIMG, i, tr.x + (size_t)i * D, want);
        if (!same(a + (size_t)s * D, want)) match = 0;
    }
    CHECK(found, "every batch is one of the training images");
    CHECK(match, "every batch is the sample of its (seed, epoch, image)");
    // the same digit in epochs 0 and 1: different binary images
    int s0 = -1, s1 = -1;
    for (int s = 0; s < NIMG; s++) if (which(a + (size_t)s * D) == 0) s0 = s;
    for (int s = NIMG; s < 2 * NIMG; s++) if (which(a + (size_t)s * D) == 0) s1 = s;
    CHECK(s0 >= 0 && s1 >= 0, "image 0 seen in epochs 0 and 1");
    if (s0 >= 0 && s1 >= 0)
        CHECK(ndiff(a + (size_t)s0 * D, a + (size_t)s1 * D) > 100, "image 0: epochs 0 and 1 differ (%d pixels)",
              ndiff(a + (size_t)s0 * D, a + (size_t)s1 * D));
    // the same seed: the same batches, bit for bit
    t = session(&tr, 1, 3, 0);
    run_all(t, b);
    gl_train_free(t);
    CHECK(memcmp(a, b, sizeof(float) * STEPS * D) == 0, "the same seed reproduces every batch");
    // a session resumed at epoch 2 sees what the first saw there
    t = session(&tr, 1, 3, 2 * NIMG);
    int resumed = 1;
    for (int s = 2 * NIMG; s < STEPS; s++) {
        CHECK(gl_train_run(t, 1, NULL, NULL, NULL) == 0, "resumed step %d", s);
        if (!same(gl_draw_train_batch(t), a + (size_t)s * D)) resumed = 0;
    }
    gl_train_free(t);
    CHECK(resumed, "resumed at epoch 2: the same batches as the uninterrupted run");
    // another seed: other samples
    t = session(&tr, 1, 4, 0);
    run_all(t, b);
    gl_train_free(t);
    CHECK(memcmp(a, b, sizeof(float) * STEPS * D) != 0, "another seed: other batches");
    // fixed: the images as given, every epoch
    gl_draw_binarize(tr.x, (size_t)NIMG * D, GL_DRAW_BINARIZE_SEED);
    t = session(&tr, 0, 3, 0);
    run_all(t, b);
    gl_train_free(t);
    int as_given = 1;
    for (int s = 0; s < STEPS; s++) {
        int i = -1;
        for (int j = 0; j < NIMG; j++) if (same(b + (size_t)s * D, tr.x + (size_t)j * D)) i = j;
        if (i < 0) as_given = 0;
    }
    CHECK(as_given, "--binarize fixed: every batch is a training image as given");
    free(a); free(b);
    gl_mnist_free(&tr);
}

int main(void) {
    test_sample();
    test_session();
    TEST_MAIN_END();
}
