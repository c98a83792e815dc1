// hw_gui: drawing shared by the two handwriting views (synthesis and
// prediction): pen strokes as smooth curves, the density colour map, and
// export file names. GUI-thread code; it draws through gui.h only.
#ifndef HW_GUI_H
#define HW_GUI_H
#include "gl_hw.h"
#include "style_file.h"
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

// "Use these weights" for a handwriting view: when the Train view has a
// newer file in `slot` than *seen, loads it into *mp (a synthesis network
// when synth, else a prediction one), stops the shared engine and waits
// for it to be idle (its jobs use the view's model), and returns 1; 0 when
// there is nothing new; -1, with a note, when the file cannot be used.
int hw_take_use(gui_app *app, int slot, uint64_t *seen, int synth, gl_hw_model **mp);
// The weights a view runs, as its status line names them: "shipped weights"
// (path NULL, or the asset `shipped` itself, which the Train view's "Shipped
// weights" hands back), or "weights from FILE" for a file "Use these weights" handed over.
void hw_weights_said(char *out, size_t n, gui_app *app, const char *shipped, const char *path);

// A line written with the mouse (points x, y in any unit, y down; up[i]: the
// pen lifts after point i) as raw pen offsets in a model's units: scaled by
// `nominal` (model units per unit of x, y), its size kept -- a hand that writes
// large primes large letters -- unless its letters' core height
// (gl_hw_core_height) would be under half or over twice `core` (the model's),
// where it is brought to that bound; each stroke resampled by arc length, a
// point every `step` units (the model's pen speed), keeping its first and last
// points. Returns
// the (n,3) offsets (free them); *n = 0 and NULL for fewer than 2 points.
float *hw_hand_points(const float *x, const float *y, const uint8_t *up, int npts, float core, float nominal,
                      float step, int *n);

// hw_hand_points at the model's pace: a line with more ink a character of `text` than the model's own lines
// (ref->ink_per_char: big or looped letters) is resampled at a step longer than the model's (ref->step) in that
// ratio, so that it has as many pen-down points a character as the model's lines. The model learnt that pace from
// IAM-OnDB's tablet (about 14 points a character in the presets); a mouse line of big looped letters resampled at
// the model's step had 38, and a page primed with it lost its first words (the window ran ahead of the ink). A
// line with less ink a character keeps the model's step: small letters prime small letters. text NULL or
// ref->ink_per_char 0: hw_hand_points at ref->step.
float *hw_hand_points_paced(const float *x, const float *y, const uint8_t *up, int npts, const char *text,
                            const app_style_ref *ref, float nominal, int *n);

#endif
