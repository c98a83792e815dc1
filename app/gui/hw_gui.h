// hw_gui: drawing shared by the two handwriting views (synthesis and
// prediction): pen strokes as smooth curves, the density colour map, and
// export file names. GUI-thread code; it draws through gui.h only.
#ifndef HW_GUI_H
#define HW_GUI_H
#include "gui.h"
#include "view.h"
#include <stdint.h>

// Screen placement of raw pen units: screen = origin + scale * raw.
typedef struct { float scale, ox, oy; } hw_xform;

// Draws points [0, n) of an absolute pen path (x, y; up[i] = the pen lifts
// after point i) as quadratic curves through the midpoints of consecutive
// segments, the way gl_hw_save_png draws them.
void hw_draw_strokes(gui_ctx *ui, const float *x, const float *y, const uint8_t *up, int n, hw_xform xf,
                     float width, gui_color c);

// Colour of a density value t in [0, 1] over a background: dark blue
// through red to yellow-white, blended into bg where t is small.
void hw_heat_rgb(float t, gui_color bg, uint8_t *out);

// A free export name: DIR/glimpse-PREFIX-NNN (no extension; the caller
// appends its own). Picks the first NNN for which none of exts exists;
// creates DIR. -1 (with a note) if it cannot.
int hw_export_base(gui_app *app, const char *prefix, const char *const *exts, int next, char *out, size_t n);

#endif
