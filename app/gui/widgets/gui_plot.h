// gui_plot: a line plot widget for training curves: axes with ticks at
// round numbers and labels, a linear or logarithmic y axis, series drawn
// with at most one segment per pixel column (a run of 10^5 steps costs the
// same as one of 10^3), zoom (wheel) and pan (drag) along x, and the values
// under the mouse. Draws through gui.h only, so it runs headless.
#ifndef GUI_PLOT_H
#define GUI_PLOT_H
#include "gui.h"

typedef struct {
    const float *x, *y;   // n points, x ascending
    int n;
    gui_color c;
    int style;            // 0 line, 1 faint band (each pixel column's min..max), 2 dots
    const char *name;     // in the hover box
    const char *fmt;      // value format in the hover box ("%.4f")
} gui_series;

// The x range shown. fit: the whole data (grows as it comes); otherwise
// [x0, x1], set by zoom and pan. Shared by plots that should move together.
typedef struct {
    int fit;
    double x0, x1;
    int dragging;
    int drag_mx;
    double drag_x0, drag_x1;
    double hover_x;       // the x under the mouse in the last plot hovered (NAN: none)
} gui_plot_x;

typedef struct {
    const char *title, *xlabel;
    int logy;             // log scale (used when every y shown is > 0)
    double xmax;          // the data's x extent when fit (e.g. the run's total steps; 0: the data's)
    double ymin, ymax;    // fixed y range when ymax > ymin (accuracy: 0..1)
} gui_plot_opts;

void gui_plot_x_init(gui_plot_x *px);
// Draws the plot in r and handles its input (wheel zoom about the mouse,
// drag to pan, double click or 'f'-style reset by the caller setting fit).
void gui_plot(gui_ctx *ui, uint32_t id, gui_rect r, gui_plot_x *px, const gui_plot_opts *o, const gui_series *s,
              int ns);

// Round tick positions for [lo, hi]: about `want` of them at 1, 2 or 5 times
// a power of ten. Returns the count (at most max), the step in *step.
int gui_nice_ticks(double lo, double hi, int want, double *ticks, int max, double *step);
#endif
