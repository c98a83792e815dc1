// hw_gui: strokes, density colours and export names for the handwriting views (see hw_gui.h).
#include "hw_gui.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hw_draw_strokes(gui_ctx *ui, const float *x, const float *y, const uint8_t *up, int n, hw_xform xf,
                     float width, gui_color c) {
#define SX(i) (xf.ox + xf.scale * x[i])
#define SY(i) (xf.oy + xf.scale * y[i])
    int a = 0;
    while (a < n) {
        int b = a;   // stroke [a, b]
        while (b < n - 1 && !up[b]) b++;
        if (b == a) {   // a lone point: a dot
            gui_line(ui, SX(a) - 0.5f, SY(a), SX(a) + 0.5f, SY(a), width, c);
        } else {
            float cx = SX(a), cy = SY(a);
            for (int i = a + 1; i <= b; i++) {
                // piece from the last end to the midpoint of (i, i+1), with point i as control
                int last = i == b;
                float ex = last ? SX(i) : 0.5f * (SX(i) + SX(i + 1)), ey = last ? SY(i) : 0.5f * (SY(i) + SY(i + 1));
                float qx = last ? 0.5f * (cx + ex) : SX(i), qy = last ? 0.5f * (cy + ey) : SY(i);
                float len = fabsf(ex - cx) + fabsf(ey - cy);
                int k = len < 10 ? 1 : len < 30 ? 2 : 3;   // each piece is one draw call
                float px = cx, py = cy;
                for (int s = 1; s <= k; s++) {
                    float t = (float)s / k, u = 1 - t;
                    float nx = u * u * cx + 2 * u * t * qx + t * t * ex, ny = u * u * cy + 2 * u * t * qy + t * t * ey;
                    gui_line(ui, px, py, nx, ny, width, c);
                    px = nx; py = ny;
                }
                cx = ex; cy = ey;
            }
        }
        a = b + 1;
    }
#undef SX
#undef SY
}

void hw_heat_rgb(float t, gui_color bg, uint8_t *out) {
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    // hot map: dark red -> red -> orange -> yellow -> white
    float r = fminf(1, 3 * t + 0.25f), g = fminf(1, fmaxf(0, 3 * t - 1)), b = fmaxf(0, 3 * t - 2);
    float a = fminf(1, 3 * t);   // faint densities fade into the background
    out[0] = (uint8_t)(bg.r + (r * 255 - bg.r) * a);
    out[1] = (uint8_t)(bg.g + (g * 255 - bg.g) * a);
    out[2] = (uint8_t)(bg.b + (b * 255 - bg.b) * a);
}



int hw_take_use(gui_app *app, int slot, uint64_t *seen, int synth, gl_hw_model **mp) {
    if (app->use_seq[slot] == *seen) return 0;
    *seen = app->use_seq[slot];
    const char *path = app->use_path[slot];
    gl_hw_model *m = gl_hw_load(path, 0);
    if (!m) { gui_app_note(app, "cannot use %s: %s", path, gl_err()); return -1; }
    if ((m->cfg.K > 0) != synth) {
        gl_hw_free(m);
        gui_app_note(app, "%s is not a %s network", path, synth ? "synthesis" : "prediction");
        return -1;
    }
    gl_engine_stop(app->engine);
    gl_engine_wait_idle(app->engine, 10);
    *mp = m;
    return 1;
}

void hw_weights_said(char *out, size_t n, gui_app *app, const char *shipped, const char *path) {
    const char *b = path ? strrchr(path, '/') : NULL;
    const char *ship = app->asset_path ? app->asset_path(shipped) : shipped;
    if (!path || !strcmp(path, ship)) snprintf(out, n, "shipped weights");
    else snprintf(out, n, "weights from %s", b ? b + 1 : path);
}

static void hand_add(float *out, int *n, float x, float y, int up, float *px, float *py) {
    if (*n == 0) { *px = x; *py = y; }   // the line starts at its first point
    out[3 * *n] = x - *px; out[3 * *n + 1] = y - *py; out[3 * *n + 2] = (float)up;
    (*n)++;
    *px = x; *py = y;
}

// The points at scale sc (units a point), resampled every `step`.
static float *hand_resample(const float *x, const float *y, const uint8_t *up, int npts, float sc, float step, int *n) {
    *n = 0;
    double len = 0;   // at most one point per recorded point plus one per `step` of path
    for (int i = 1; i < npts; i++) len += hypotf(x[i] - x[i - 1], y[i] - y[i - 1]) * sc;
    size_t cap = (size_t)npts + (size_t)(len / step) + 2;
    float *out = gl_malloc(sizeof(float) * 3 * cap);
    float px = 0, py = 0;
    for (int a = 0; a < npts;) {
        int b = a;   // stroke [a, b]
        while (b < npts - 1 && !up[b]) b++;
        float lx = x[a] * sc, ly = y[a] * sc, carry = 0;
        hand_add(out, n, lx, ly, a == b, &px, &py);
        for (int i = a + 1; i <= b; i++) {
            float qx = x[i] * sc, qy = y[i] * sc, d = hypotf(qx - lx, qy - ly);
            // points along (l, i) every `step` of path since the last one
            for (float t = step - carry; t < d; t += step)
                if ((size_t)*n < cap - 1) hand_add(out, n, lx + (qx - lx) * t / d, ly + (qy - ly) * t / d, 0, &px, &py);
            carry = d > 0 ? fmodf(carry + d, step) : carry;
            lx = qx; ly = qy;
        }
        if (b > a && (size_t)*n < cap) hand_add(out, n, lx, ly, 1, &px, &py);
        else if (b > a) out[3 * (*n - 1) + 2] = 1;
        a = b + 1;
    }
    return out;
}

float *hw_hand_points(const float *x, const float *y, const uint8_t *up, int npts, float core, float nominal,
                      float step, int *n) {
    *n = 0;
    if (npts < 2 || !(step > 0) || !(nominal > 0)) return NULL;
    // the core height of the line at the nominal scale, its points evenly spaced (as the mouse's are not):
    // kept (a large hand stays large) within half and twice the model's
    float *pts = hand_resample(x, y, up, npts, nominal, step, n);
    float c = gl_hw_core_height(pts, *n), sc = nominal;
    if (c > 1e-6f && core > 0 && c < 0.5f * core) sc = nominal * 0.5f * core / c;
    if (c > 1e-6f && core > 0 && c > 2 * core) sc = nominal * 2 * core / c;
    free(pts);
    return hand_resample(x, y, up, npts, sc, step, n);
}

float *hw_hand_points_paced(const float *x, const float *y, const uint8_t *up, int npts, const char *text,
                            const app_style_ref *ref, float nominal, int *n) {
    float *pts = hw_hand_points(x, y, up, npts, ref->core, nominal, ref->step, n);
    if (!pts || !text) return pts;
    gl_hw_line l = { *n, pts, (char *)text, 0 };
    app_style_ref mine;
    app_style_ref_of(&l, 1, &mine);
    float f = mine.ink_per_char / ref->ink_per_char;
    if (!(f > 1.05f) || !isfinite(f)) return pts;   // as many points a character as the model's, or fewer: kept
    free(pts);
    return hw_hand_points(x, y, up, npts, ref->core, nominal, ref->step * f, n);
}
