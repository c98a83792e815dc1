#define _POSIX_C_SOURCE 200809L
#include "gl_mnist.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gl_mnist_dir(void) {
    static char buf[4096];
    const char *env = getenv("GLIMPSE_DATA");
    if (env) { snprintf(buf, sizeof buf, "%s/mnist", env); return buf; }
#ifdef GL_SOURCE_DIR
    snprintf(buf, sizeof buf, "%s/data/mnist", GL_SOURCE_DIR);
    if (gl_file_exists(buf)) return buf;
#endif
    return "data/mnist";
}

static uint32_t be32(const uint8_t *b) {
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int gl_idx_read_images(const char *path, uint8_t **px, int *n) {
    uint8_t *buf; size_t len;
    if (gl_read_file(path, &buf, &len) != 0) return -1;
    int rc = -1;
    if (len < 16) { gl_seterr("%s: truncated IDX file (%zu bytes, header needs 16)", path, len); goto done; }
    if (be32(buf) != 0x00000803) {
        gl_seterr("%s: wrong magic number 0x%08x (expected 0x00000803 for images)", path, be32(buf));
        goto done;
    }
    uint32_t cnt = be32(buf + 4), rows = be32(buf + 8), cols = be32(buf + 12);
    if (rows != 28 || cols != 28) { gl_seterr("%s: images are %ux%u, expected 28x28", path, rows, cols); goto done; }
    if ((uint64_t)cnt * 784 != len - 16) {
        gl_seterr("%s: truncated IDX file (header says %u images, data holds %zu bytes)", path, cnt, len - 16);
        goto done;
    }
    *px = gl_malloc((size_t)cnt * 784);
    memcpy(*px, buf + 16, (size_t)cnt * 784);
    *n = (int)cnt;
    rc = 0;
done:
    free(buf);
    return rc;
}

int gl_idx_read_labels(const char *path, uint8_t **lab, int *n) {
    uint8_t *buf; size_t len;
    if (gl_read_file(path, &buf, &len) != 0) return -1;
    int rc = -1;
    if (len < 8) { gl_seterr("%s: truncated IDX file (%zu bytes, header needs 8)", path, len); goto done; }
    if (be32(buf) != 0x00000801) {
        gl_seterr("%s: wrong magic number 0x%08x (expected 0x00000801 for labels)", path, be32(buf));
        goto done;
    }
    uint32_t cnt = be32(buf + 4);
    if ((uint64_t)cnt != len - 8) {
        gl_seterr("%s: truncated IDX file (header says %u labels, data holds %zu)", path, cnt, len - 8);
        goto done;
    }
    for (uint32_t i = 0; i < cnt; i++)
        if (buf[8 + i] > 9) { gl_seterr("%s: label %u is %u, not a digit", path, i, buf[8 + i]); goto done; }
    *lab = gl_malloc(cnt ? cnt : 1);
    memcpy(*lab, buf + 8, cnt);
    *n = (int)cnt;
    rc = 0;
done:
    free(buf);
    return rc;
}

int gl_mnist_load(const char *dir, const char *split, gl_mnist *out) { return gl_mnist_load_c(dir, split, out, NULL); }

int gl_mnist_load_c(const char *dir, const char *split, gl_mnist *out, const atomic_int *cancel) {
    char ip[4096], lp[4096];
    snprintf(ip, sizeof ip, "%s/%s-images-idx3-ubyte", dir, split);
    snprintf(lp, sizeof lp, "%s/%s-labels-idx1-ubyte", dir, split);
    if (!gl_file_exists(ip)) { gl_seterr("%s: not found; `glimpse fetch-data` fetches MNIST", ip); return -1; }
    uint8_t *px, *lab; int ni, nl;
    if (gl_idx_read_images(ip, &px, &ni) != 0) return -1;
    if (gl_idx_read_labels(lp, &lab, &nl) != 0) { free(px); return -1; }
    if (ni != nl) { free(px); free(lab); gl_seterr("%s: %d images but %s has %d labels", ip, ni, lp, nl); return -1; }
    float *x = gl_malloc((size_t)ni * 784 * sizeof(float));
    // In blocks of 1000 images (a few ms each), looking at the flag between them.
    for (size_t i0 = 0; i0 < (size_t)ni * 784; i0 += 1000 * 784) {
        if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) { free(x); free(px); free(lab); return 1; }
        size_t i1 = i0 + 1000 * 784 < (size_t)ni * 784 ? i0 + 1000 * 784 : (size_t)ni * 784;
        for (size_t i = i0; i < i1; i++) x[i] = px[i] / 255.0f;
    }
    free(px);
    out->n = ni;
    out->y = lab;
    out->x = x;
    return 0;
}

void gl_mnist_free(gl_mnist *m) { free(m->x); free(m->y); memset(m, 0, sizeof *m); }

static float sample_bilinear(const float *img, int w, int h, float x, float y, float bg) {
    int x0 = (int)floorf(x), y0 = (int)floorf(y);
    float fx = x - x0, fy = y - y0, s = 0;
    for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
            int xx = x0 + dx, yy = y0 + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
            s += (img[(size_t)yy * w + xx] - bg) * (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
        }
    return s;
}

int gl_mnist_normalise(const float *img, int w, int h, float *out28) {
    if (w < 1 || h < 1) { gl_seterr("no digit: the image is empty (%d x %d pixels)", w, h); return -1; }
    size_t np = (size_t)w * (size_t)h;
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    // Ink is what stands out from the darkest level (the background after
    // gl_image_load_grey's inversion); a uniform image has no digit at any grey.
    float mx = 0, mn = 1;
    for (size_t i = 0; i < np; i++) {
        float v = isfinite(img[i]) ? img[i] : 0;
        if (v > mx) mx = v;
        if (v < mn) mn = v;
    }
    if (mn > mx) mn = mx;
    if (mx <= 0.05f) { gl_seterr("no digit: the image has no ink (empty drawing)"); return -1; }
    if (mx - mn <= 0.05f) {
        gl_seterr("no digit: the image is uniform (grey level %.2f everywhere)", (double)mx);
        return -1;
    }
    float thr = mn + (mx - mn) * 0.1f;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (img[(size_t)y * w + x] > thr) {
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
    if (x1 < 0) { gl_seterr("no digit: the image has no ink (empty drawing)"); return -1; }
    int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    float scale = 20.0f / (float)(bw > bh ? bw : bh);   // source px -> 20-px box
    int ow = (int)lroundf(bw * scale), oh = (int)lroundf(bh * scale);
    if (ow < 1) ow = 1;
    if (oh < 1) oh = 1;
    // Resample the crop into an ow x oh box by area-averaging (supersampled).
    float box[28 * 28] = {0};
    int ss = 4;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            float s = 0;
            for (int j = 0; j < ss; j++)
                for (int i = 0; i < ss; i++) {
                    float sx = x0 + (x + (i + 0.5f) / ss) / scale - 0.5f;
                    float sy = y0 + (y + (j + 0.5f) / ss) / scale - 0.5f;
                    s += sample_bilinear(img, w, h, sx, sy, mn);
                }
            box[y * 28 + x] = s / (ss * ss) / (mx - mn);
        }
    // Centre of mass of the box, placed at (13.5, 13.5) like MNIST (integer shift).
    double m = 0, cx = 0, cy = 0;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            float v = box[y * 28 + x];
            m += v;
            cx += v * x;
            cy += v * y;
        }
    int sx = (int)lround(13.5 - cx / m), sy = (int)lround(13.5 - cy / m);
    memset(out28, 0, 784 * sizeof(float));
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            int X = x + sx, Y = y + sy;
            if (X >= 0 && Y >= 0 && X < 28 && Y < 28) out28[Y * 28 + X] = fminf(1.0f, box[y * 28 + x]);
        }
    return 0;
}
