// view_draw_pen: how the DRAW view draws a run on the UI core — the
// window as a moving pen (the path of its centre over the canvas, the
// boxes of the steps before fading out, the box of this step), the patches
// that passed through it drawn enlarged, the box side over the steps, and
// the timeline. Pure drawing: the view (view_draw.c) owns the state and
// the layout.
//
// Window geometry as in gl_draw_figure.h: the box spans the N×N filter
// centres, side (N−1)δ, centred on g − 0.5 in canvas units [0, 28].
#ifndef VIEW_DRAW_PEN_H
#define VIEW_DRAW_PEN_H
#include "draw/gl_draw.h"
#include "gl_trace.h"
#include "gui.h"

static inline const gl_draw_frame *dv_frame(const gl_trace *t, int i) { return gl_trace_frame(t, i); }
static inline const gl_draw_window *dv_win(const gl_trace *t, int i, int read) {
    return read ? &dv_frame(t, i)->read : &dv_frame(t, i)->write;
}

// A 28x28 image (values in [0,1]) over r, black..white.
void dv_grey_image(gui_ctx *ui, gui_rect r, const float *img);
// Screen box of a window over cell r: corners (x0, y0)-(x1, y1), centre (cx, cy).
void dv_window_box(gui_rect r, const gl_draw_window *w, int N, float *x0, float *y0, float *x1, float *y1, float *cx,
                   float *cy);
// The window of this step over cell r: its box, the pen tip at its centre
// and (on large cells) the N×N filter centres, clipped to the cell.
void dv_window(gui_ctx *ui, gui_rect r, const gl_draw_window *w, int N, const uint8_t rgb[3]);

// How many steps of boxes the trail keeps.
enum { DV_TRAIL_RECENT, DV_TRAIL_ALL, DV_TRAIL_NONE, DV_NTRAIL };
// The pen's trail over cell r for steps 0..step of run t (read windows
// when read): the path of the centre, a dot per step, older segments
// fainter, and the boxes of earlier steps (the last few fading out, all of
// them faint, or none). The box of this step is dv_window's.
// The path's colour: a lighter tint of the window's.
void dv_path_rgb(const uint8_t rgb[3], uint8_t out[3]);
void dv_trail(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int read, int N, const uint8_t rgb[3], int boxes);
// Two lines from the box's corners on one side to the corners of the
// panel p showing it enlarged (a magnifier's outline).
void dv_zoom_lines(gui_ctx *ui, gui_rect cell, const gl_draw_window *w, int N, gui_rect p, const uint8_t rgb[3]);

// An N×N patch (row-major, row i = filter i of Fy) enlarged over r: one
// square per value, black..white (grey: v/scale clipped to [0,1]) or
// orange/blue by sign (gl_draw_patch_rgb). The squares of patch cell
// (i, j): dv_patch_cell. Framed in rgb.
void dv_patch(gui_ctx *ui, gui_rect r, const float *v, int N, float scale, int grey, const uint8_t rgb[3]);
gui_rect dv_patch_cell(gui_rect r, int N, int i, int j);
// The side of a patch panel at most `side` wide: a multiple of N.
int dv_patch_side(int side, int N);

// Box side (N−1)δ of each step of run t (read windows when read) as a
// line over the steps in r, 0..28 px; a marker at step.
void dv_box_chart(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int read, int N, const uint8_t rgb[3],
                  int first);

// The timeline: the canvases of every k-th step as thumbnails (k chosen so
// that they are at least about 28 points wide), over a row of one tick per
// step: past, this step, to come. *k_out gets k.
void dv_timeline(gui_ctx *ui, gui_rect r, const gl_trace *t, int step, int *k_out);
#endif
