// gui_pen: the soft round brush of the drawing canvases (see gui_pen.h).
#include "gui_pen.h"
#include <math.h>

static void brush(float *img, float u, float v, int erase) {
    for (int y = (int)floorf(v - 2); y <= (int)ceilf(v + 2); y++)
        for (int x = (int)floorf(u - 2); x <= (int)ceilf(u + 2); x++) {
            if (x < 0 || y < 0 || x >= 28 || y >= 28) continue;
            float d = hypotf((float)x - u, (float)y - v);
            float a = (2.0f - d) / 1.1f;
            a = a < 0 ? 0 : a > 1 ? 1 : a;
            float *p = &img[y * 28 + x];
            if (erase) { if (1 - a < *p) *p = 1 - a; }
            else if (a > *p) *p = a;
        }
}

void gui_pen_stroke(float *img, float u0, float v0, float u1, float v1, int erase) {
    float len = hypotf(u1 - u0, v1 - v0);
    int n = (int)ceilf(len / 0.25f);
    if (n > 400) n = 400;
    for (int i = 0; i <= n; i++) {
        float t = n ? (float)i / n : 0;
        brush(img, u0 + t * (u1 - u0), v0 + t * (v1 - v0), erase);
    }
}
