#include "gl_image.h"
#include "gl_util.h"
#include <math.h>
#include <limits.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The message says which limit the image is outside: a side, or (sides
// within range) the total, with the image's own total beside the limit.
static int size_within(const char *what, long long w, long long h, long long side, long long total) {
    if (w < 1 || h < 1 || w > side || h > side) {
        gl_seterr("%s of %lld x %lld pixels is outside the limits (1 to %lld pixels a side)", what, w, h, side);
        return 0;
    }
    if (w * h > total) {
        gl_seterr("%s of %lld x %lld pixels is outside the limits (%lld pixels in all; at most %lld, %lld megapixels)",
                  what, w, h, w * h, total, total >> 20);
        return 0;
    }
    return 1;
}

int gl_image_size_ok(long long w, long long h) {
    return size_within("an image", w, h, GL_IMAGE_MAX_SIDE, GL_IMAGE_MAX_PIXELS);
}

gl_image gl_image_new(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    gl_image im = { 0, 0, NULL };
    if (!gl_image_size_ok(w, h)) return im;   // px NULL: drawing is a no-op, saving an error
    size_t np = (size_t)w * (size_t)h;
    im.w = w; im.h = h; im.px = gl_malloc(np * 3);
    for (size_t i = 0; i < np; i++) { im.px[3 * i] = r; im.px[3 * i + 1] = g; im.px[3 * i + 2] = b; }
    return im;
}
void gl_image_free(gl_image *im) { free(im->px); im->px = NULL; }

int gl_image_save_png(const gl_image *im, const char *path) {
    if (!im->px) { gl_seterr("%s: no image to write (%s)", path, gl_err()); return -1; }
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)im->w; pi.height = (png_uint_32)im->h;
    pi.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&pi, NULL, &size, 0, im->px, 0, NULL)) {
        gl_seterr("%s: PNG encode failed: %s", path, pi.message);
        return -1;
    }
    void *mem = gl_malloc(size);
    if (!png_image_write_to_memory(&pi, mem, &size, 0, im->px, 0, NULL)) {
        free(mem);
        gl_seterr("%s: PNG encode failed: %s", path, pi.message);
        return -1;
    }
    int rc = gl_write_atomic(path, mem, size);
    free(mem);
    return rc;
}

// Reads a decimal number of at most 9 digits (so no overflow; PGM sizes and
// levels are far smaller).
static int pgm_number(const uint8_t *buf, size_t n, size_t *p, long *v) {
    long x = 0; int digits = 0;
    while (*p < n && buf[*p] >= '0' && buf[*p] <= '9') {
        if (++digits > 9) return -1;
        x = x * 10 + (buf[(*p)++] - '0');
    }
    *v = x;
    return digits ? 0 : -1;
}

static int load_pgm(const char *path, const uint8_t *buf, size_t n, float **out, int *w, int *h) {
    int binary = buf[1] == '5';
    size_t p = 2;
    long vals[3];
    for (int k = 0; k < 3; k++) {
        while (p < n && (buf[p] == ' ' || buf[p] == '\n' || buf[p] == '\r' || buf[p] == '\t' || buf[p] == '#')) {
            if (buf[p] == '#') while (p < n && buf[p] != '\n') p++;
            else p++;
        }
        if (p >= n || buf[p] < '0' || buf[p] > '9') { gl_seterr("%s: malformed PGM header", path); return -1; }
        if (pgm_number(buf, n, &p, &vals[k])) { gl_seterr("%s: PGM header number too large", path); return -1; }
    }
    if (vals[2] <= 0 || vals[2] > 255) {
        gl_seterr("%s: unsupported PGM depth %ld (1 to 255)", path, vals[2]);
        return -1;
    }
    if (!gl_image_input_ok(vals[0], vals[1])) { gl_seterr("%s: %s", path, gl_err()); return -1; }
    p++;
    size_t np = (size_t)vals[0] * (size_t)vals[1];
    if (binary && (p > n || n - p < np)) {
        gl_seterr("%s: truncated PGM (%zu pixels, %zu bytes)", path, np, p > n ? 0 : n - p);
        return -1;
    }
    float *g = gl_malloc(np * sizeof(float));
    for (size_t i = 0; i < np; i++) {
        long v;
        if (binary) v = buf[p++];
        else {
            while (p < n && (buf[p] < '0' || buf[p] > '9')) p++;
            if (p >= n) { free(g); gl_seterr("%s: truncated PGM", path); return -1; }
            if (pgm_number(buf, n, &p, &v)) v = LONG_MAX;
        }
        if (v > vals[2]) {
            free(g);
            gl_seterr("%s: PGM pixel %zu is above the maximum level %ld", path, i, vals[2]);
            return -1;
        }
        g[i] = (float)v / (float)vals[2];
    }
    *out = g; *w = (int)vals[0]; *h = (int)vals[1];
    return 0;
}

int gl_image_input_ok(long long w, long long h) {
    return size_within("an input image", w, h, GL_IMAGE_MAX_INPUT_SIDE, GL_IMAGE_MAX_INPUT_PIXELS);
}

// An alpha channel is composited onto white: dark ink on a transparent
// background (what drawing programs and an HTML canvas export) is ink on
// paper, where black would hide it. (libpng composites onto the buffer's own
// bytes when given no colour.)
static const png_color paper = { 255, 255, 255 };

int gl_image_load_png(const char *path, gl_image *out) {
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    uint8_t *buf; size_t n;
    if (gl_read_file_max(path, &buf, &n, GL_IMAGE_MAX_FILE) != 0) return -1;
    int ok = png_image_begin_read_from_memory(&pi, buf, n);
    if (!ok) { gl_seterr("%s: cannot read PNG: %s", path, pi.message); free(buf); return -1; }
    // the size from the header, checked before libpng allocates anything for it
    if (!gl_image_size_ok(pi.width, pi.height)) {
        png_image_free(&pi);
        gl_seterr("%s: %s", path, gl_err());
        free(buf);
        return -1;
    }
    pi.format = PNG_FORMAT_RGB;
    *out = gl_image_new((int)pi.width, (int)pi.height, 255, 255, 255);
    if (!png_image_finish_read(&pi, &paper, out->px, 0, NULL)) {
        gl_seterr("%s: cannot decode PNG: %s", path, pi.message);
        gl_image_free(out);
        free(buf);
        return -1;
    }
    free(buf);
    return 0;
}

int gl_image_load_grey(const char *path, float **out, int *w, int *h) {
    uint8_t *buf; size_t n;
    if (gl_read_file_max(path, &buf, &n, GL_IMAGE_MAX_FILE) != 0) return -1;
    int rc = -1;
    if (n >= 2 && buf[0] == 'P' && (buf[1] == '5' || buf[1] == '2')) rc = load_pgm(path, buf, n, out, w, h);
    else if (n >= 8 && !png_sig_cmp(buf, 0, 8)) {
        png_image pi;
        memset(&pi, 0, sizeof pi);
        pi.version = PNG_IMAGE_VERSION;
        if (!png_image_begin_read_from_memory(&pi, buf, n)) gl_seterr("%s: cannot decode PNG: %s", path, pi.message);
        else if (!gl_image_input_ok(pi.width, pi.height)) {
            // checked from the header, before anything is allocated for the pixels
            png_image_free(&pi);
            gl_seterr("%s: %s", path, gl_err());
        } else {
            pi.format = PNG_FORMAT_GRAY;
            // PNG_IMAGE_SIZE is 32-bit arithmetic: size it here, after the limit check
            uint8_t *px = gl_malloc((size_t)pi.width * pi.height);
            if (png_image_finish_read(&pi, &paper, px, 0, NULL)) {
                size_t np = (size_t)pi.width * pi.height;
                float *g = gl_malloc(np * sizeof(float));
                for (size_t i = 0; i < np; i++) g[i] = px[i] / 255.0f;
                *out = g; *w = (int)pi.width; *h = (int)pi.height;
                rc = 0;
            } else gl_seterr("%s: cannot decode PNG: %s", path, pi.message);
            free(px);
        }
    } else gl_seterr("%s: not a PNG or PGM image", path);
    free(buf);
    if (rc == 0) {
        // MNIST digits are light ink on black. If the border is mostly light,
        // the image is dark ink on paper: invert it.
        int W = *w, H = *h; double s = 0; int k = 0;
        for (int x = 0; x < W; x++) { s += (*out)[x] + (*out)[(size_t)(H - 1) * W + x]; k += 2; }
        for (int y = 0; y < H; y++) { s += (*out)[(size_t)y * W] + (*out)[(size_t)y * W + W - 1]; k += 2; }
        if (s / k > 0.5) for (size_t i = 0; i < (size_t)W * H; i++) (*out)[i] = 1.0f - (*out)[i];
    }
    return rc;
}

static void put(gl_image *im, int x, int y, uint8_t r, uint8_t g, uint8_t b, float a) {
    if (x < 0 || y < 0 || x >= im->w || y >= im->h || a <= 0) return;
    if (a > 1) a = 1;
    uint8_t *p = im->px + ((size_t)y * im->w + x) * 3;
    p[0] = (uint8_t)(p[0] + (r - p[0]) * a);
    p[1] = (uint8_t)(p[1] + (g - p[1]) * a);
    p[2] = (uint8_t)(p[2] + (b - p[2]) * a);
}

void gl_image_rect(gl_image *im, int x, int y, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    for (int j = y; j < y + h; j++) for (int i = x; i < x + w; i++) put(im, i, j, r, g, b, 1);
}

void gl_image_line(gl_image *im, float x0, float y0, float x1, float y1, float width, uint8_t r, uint8_t g, uint8_t b) {
    // Distance-to-segment coverage: anti-aliased, round caps.
    float hw = width * 0.5f;
    int xa = (int)floorf(fminf(x0, x1) - hw - 1), xb = (int)ceilf(fmaxf(x0, x1) + hw + 1);
    int ya = (int)floorf(fminf(y0, y1) - hw - 1), yb = (int)ceilf(fmaxf(y0, y1) + hw + 1);
    float dx = x1 - x0, dy = y1 - y0, L2 = dx * dx + dy * dy;
    for (int y = ya; y <= yb; y++)
        for (int x = xa; x <= xb; x++) {
            float px = x + 0.5f - x0, py = y + 0.5f - y0;
            float t = L2 > 0 ? (px * dx + py * dy) / L2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float ex = px - t * dx, ey = py - t * dy;
            float d = sqrtf(ex * ex + ey * ey);
            put(im, x, y, r, g, b, hw + 0.5f - d);
        }
}

// 5x7 glyphs for ' '..'~', one byte per row, low 5 bits, MSB = left column.
static const uint8_t font5x7[95][7] = {
#include "gl_font5x7.inc"
};

static gl_image_text_fn text_hook;
void gl_image_set_text_fn(gl_image_text_fn fn) { text_hook = fn; }

void gl_image_text(gl_image *im, int x, int y, int scale, const char *s, uint8_t r, uint8_t g, uint8_t b) {
    if (text_hook && text_hook(im, x, y, scale, s, r, g, b) == 0) return;
    for (int cx = x; *s; s++, cx += 6 * scale) {
        int c = (unsigned char)*s;
        if (c < 32 || c > 126) c = '?';
        for (int row = 0; row < 7; row++)
            for (int col = 0; col < 5; col++)
                if (font5x7[c - 32][row] & (0x10 >> col))
                    gl_image_rect(im, cx + col * scale, y + row * scale, scale, scale, r, g, b);
    }
}

void gl_jet(float t, uint8_t *r, uint8_t *g, uint8_t *b) {
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    float R = fminf(fmaxf(1.5f - fabsf(4 * t - 3), 0), 1);
    float G = fminf(fmaxf(1.5f - fabsf(4 * t - 2), 0), 1);
    float B = fminf(fmaxf(1.5f - fabsf(4 * t - 1), 0), 1);
    *r = (uint8_t)(R * 255); *g = (uint8_t)(G * 255); *b = (uint8_t)(B * 255);
}

void gl_image_heat(gl_image *im, int x, int y, const float *v, int gh, int gw, int cell, float lo, float hi, int grey) {
    float span = hi > lo ? hi - lo : 1;
    for (int j = 0; j < gh; j++)
        for (int i = 0; i < gw; i++) {
            float t = (v[j * gw + i] - lo) / span;
            uint8_t r, g, b;
            if (grey) { t = t < 0 ? 0 : t > 1 ? 1 : t; r = g = b = (uint8_t)(t * 255); }
            else gl_jet(t, &r, &g, &b);
            gl_image_rect(im, x + i * cell, y + j * cell, cell, cell, r, g, b);
        }
}
