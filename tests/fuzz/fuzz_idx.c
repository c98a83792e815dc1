// MNIST IDX files: images (idx3) and labels (idx1).
#include "fuzz_util.h"
#include "gl_mnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = fuzz_file(data, size);
    uint8_t *px; int n;
    if (gl_idx_read_images(p, &px, &n) == 0) free(px);
    if (gl_idx_read_labels(p, &px, &n) == 0) free(px);
    return 0;
}
