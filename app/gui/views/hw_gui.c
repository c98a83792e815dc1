// hw_gui: strokes, density colours and export names for the handwriting views (see hw_gui.h).
#include "hw_gui.h"
#include "gl_util.h"
#include <math.h>
#include <stdio.h>
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



int hw_take_use(gui_app *app, int slot, uint64_t *seen, int synth, gl_hw_model *m) {
    if (app->use_seq[slot] == *seen) return 0;
    *seen = app->use_seq[slot];
    const char *path = app->use_path[slot];
    if (gl_hw_model_load(m, path, NULL, 0) != 0) { gui_app_note(app, "cannot use %s: %s", path, gl_err()); return -1; }
    if ((m->cfg.K > 0) != synth) {
        gl_hw_model_free(m);
        gui_app_note(app, "%s is not a %s network", path, synth ? "synthesis" : "prediction");
        return -1;
    }
    gl_engine_stop(app->engine);
    gl_engine_wait_idle(app->engine, 10);
    return 1;
}
