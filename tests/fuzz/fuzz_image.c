// Input images: PNG (grey and RGB readers) and PGM (P2, P5), then the
// MNIST normalisation that `attend --image` runs on them.
#include "fuzz_util.h"
#include "gl_image.h"
#include "gl_mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = fuzz_file(data, size);
    float *g; int w, h;
    if (gl_image_load_grey(p, &g, &w, &h) == 0) {
        float out[784];
        gl_mnist_normalise(g, w, h, out);
        free(g);
    }
    gl_image im;
    if (gl_image_load_png(p, &im) == 0) gl_image_free(&im);
    return 0;
}
