// gl_mnist: the IDX files of MNIST (images idx3, labels idx1).
#ifndef GL_MNIST_H
#define GL_MNIST_H
#include <stdatomic.h>
#include <stdint.h>

typedef struct { int n; float *x; uint8_t *y; } gl_mnist;   // x: n*784 in [0,1]

// Default directory: $GLIMPSE_DATA/mnist, else data/mnist under the source
// tree (GL_SOURCE_DIR, set by the build), else ./data/mnist.
const char *gl_mnist_dir(void);
// Reads one split ("train" or "t10k") from dir; checks magic numbers, sizes,
// 28x28 dimensions and that image and label counts agree.
int gl_mnist_load(const char *dir, const char *split, gl_mnist *out);
// The same, looking at *cancel (may be NULL) while it converts: returns 1,
// with nothing loaded, soon after it is raised (a worker that is told to
// stop while it loads the training set).
int gl_mnist_load_c(const char *dir, const char *split, gl_mnist *out, const atomic_int *cancel);
int gl_idx_read_images(const char *path, uint8_t **px, int *n);
int gl_idx_read_labels(const char *path, uint8_t **lab, int *n);
void gl_mnist_free(gl_mnist *m);
// MNIST-style normalisation of an arbitrary grey image (ink high): crop to
// the ink, scale the longer side to 20 px keeping the aspect ratio, and
// place it in a 28x28 frame with its centre of mass at the centre.
// Returns -1 (with gl_err) when the image has no ink.
int gl_mnist_normalise(const float *img, int w, int h, float *out28);
#endif
