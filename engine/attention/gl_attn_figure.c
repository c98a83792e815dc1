// The seed's figure: the 10 masks over the digit, then the sum over the
// activation volume and the original, with a colour bar for the masks.
#include "gl_attn.h"
#include <math.h>
#include <stdio.h>

#define CELL 8            // pixels per mask cell (14 cells -> 112 px)
#define PANEL (14 * CELL)
#define GAP 10
#define TOP 24
#define BOTTOM 40

static void draw_overlay(gl_image *im, int x0, int y0, const float *mask, float mx, const float *img28) {
    for (int y = 0; y < PANEL; y++)
        for (int x = 0; x < PANEL; x++) {
            float t = mask[(y / CELL) * 14 + x / CELL] / mx;
            uint8_t r, g, b;
            gl_jet(t, &r, &g, &b);
            // The digit shows through as a light outline over the heat map.
            float ink = img28[(y * 28 / PANEL) * 28 + x * 28 / PANEL];
            float a = 0.45f * ink;
            uint8_t *p = im->px + ((size_t)(y0 + y) * im->w + x0 + x) * 3;
            p[0] = (uint8_t)(r + (255 - r) * a);
            p[1] = (uint8_t)(g + (255 - g) * a);
            p[2] = (uint8_t)(b + (255 - b) * a);
        }
}

gl_image gl_attn_figure(const float *img28, const gl_attn_frame *frames, const float *volume_sum, int label,
                        gl_key_type key) {
    return gl_attn_figure_upto(img28, frames, volume_sum, label, key, GL_ATTN_STEPS - 1);
}

gl_image gl_attn_figure_upto(const float *img28, const gl_attn_frame *frames, const float *volume_sum, int label,
                             gl_key_type key, int upto) {
    int n = GL_ATTN_STEPS + 2;
    int bar_w = 60;
    gl_image im = gl_image_new(GAP + n * (PANEL + GAP) + bar_w, TOP + PANEL + BOTTOM, 255, 255, 255);
    float mx = 1e-12f;
    for (int t = 0; t < GL_ATTN_STEPS; t++)
        for (int l = 0; l < GL_ATTN_LOC; l++) if (frames[t].mask[l] > mx) mx = frames[t].mask[l];
    char s[64];
    for (int t = 0; t < GL_ATTN_STEPS; t++) {
        int x0 = GAP + t * (PANEL + GAP);
        if (t > upto) {   // not yet taken: an empty panel
            gl_image_rect(&im, x0, TOP, PANEL, PANEL, 235, 235, 235);
            snprintf(s, sizeof s, "step %d", t + 1);
            gl_image_text(&im, x0, 6, 2, s, 180, 180, 180);
            continue;
        }
        draw_overlay(&im, x0, TOP, frames[t].mask, mx, img28);
        const float *p = frames[t].probs;
        int best = 0;
        for (int k = 1; k < 10; k++) if (p[k] > p[best]) best = k;
        snprintf(s, sizeof s, "step %d", t + 1);
        gl_image_text(&im, x0, 6, 2, s, 0, 0, 0);
        snprintf(s, sizeof s, "%d: %.0f%%", best, 100 * p[best]);
        gl_image_text(&im, x0, TOP + PANEL + 8, 2, s, 40, 40, 40);
    }
    // sum over the volume (auto-scaled, jet) and the original (grey)
    int xv = GAP + GL_ATTN_STEPS * (PANEL + GAP), xo = xv + PANEL + GAP;
    float vmax = 1e-12f;
    for (int l = 0; l < GL_ATTN_LOC; l++) if (volume_sum[l] > vmax) vmax = volume_sum[l];
    gl_image_heat(&im, xv, TOP, volume_sum, 14, 14, CELL, 0, vmax, 0);
    gl_image_heat(&im, xo, TOP, img28, 28, 28, PANEL / 28, 0, 1, 1);
    gl_image_text(&im, xv, 6, 2, "volume", 0, 0, 0);
    gl_image_text(&im, xo, 6, 2, "digit", 0, 0, 0);
    snprintf(s, sizeof s, "%s", gl_key_name(key));
    gl_image_text(&im, xv, TOP + PANEL + 8, 2, s, 40, 40, 40);
    if (label >= 0) {
        snprintf(s, sizeof s, "label %d", label);
        gl_image_text(&im, xo, TOP + PANEL + 8, 2, s, 40, 40, 40);
    }
    // colour bar for the ten masks: 0 .. max weight
    int xb = xo + PANEL + GAP + 4;
    for (int y = 0; y < PANEL; y++) {
        uint8_t r, g, b;
        gl_jet(1.0f - (float)y / (PANEL - 1), &r, &g, &b);
        gl_image_rect(&im, xb, TOP + y, 14, 1, r, g, b);
    }
    snprintf(s, sizeof s, "%.2f", mx);
    gl_image_text(&im, xb + 16, TOP, 1, s, 0, 0, 0);
    gl_image_text(&im, xb + 16, TOP + PANEL - 7, 1, "0", 0, 0, 0);
    return im;
}
