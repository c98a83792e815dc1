// hw_futures: possible futures ("hairs") for the handwriting views. A helper
// owns a worker of its own (a gl_engine beside the app's, so the density and
// the pen's frames never wait for futures) and a gl_hw_futures that follows
// the line on that worker. A view asks for futures from the state after the
// first n points of a line; a request is handed over only while the worker
// is idle, so the futures on screen are those of the newest state that could
// be computed (the ones in between are dropped, never queued). GUI thread:
// hw_fut_request, hw_fut_poll, hw_fut_draw*; the worker: everything else.
#ifndef HW_FUTURES_H
#define HW_FUTURES_H
#include "gl_hw.h"
#include "hw_gui.h"
#include <stdint.h>

#define HW_FUT_MAXP 100
typedef struct {
    uint64_t key, ver;        // the line and the request's version (the view's)
    int fed;                  // points of the line read before the futures (hw_fut_line.n)
    int n, P;                 // futures, points each
    int tip_up;               // the pen is up after the last point read: each future's first move is a jump
    float x0, y0;             // the pen after those points (view units)
    double ms;                // time on the worker (feeding and sampling)
    float pts[GL_HW_FUTURES_MAX * HW_FUT_MAXP * 3];   // (n, P, 3): offsets in view units, the first from (x0, y0)
    float wpos[GL_HW_FUTURES_MAX * HW_FUT_MAXP];      // synthesis: the window's centre at each point (1-based)
} hw_fut_set;

typedef struct { int n, P; float bias; uint64_t seed; } hw_fut_params;

typedef struct hw_fut hw_fut;
// m must outlive the helper (hw_fut_free first). For a synthesis network the
// text comes with each request (hw_fut_request_line).
hw_fut *hw_fut_new(const gl_hw_model *m);
void hw_fut_quit(hw_fut *f);   // stops the worker without waiting (the app is closing)
void hw_fut_free(hw_fut *f);   // NULL is fine; waits for the worker
// Asks for futures after points [0, n) of line `key` (absolute positions x, y
// in view units, up[i]: the pen lifts after point i; unit: model units per
// view unit). Handed over when the worker is idle and (key, n, params)
// differ from the last request: returns 1 then, else 0.
int hw_fut_request(hw_fut *f, uint64_t key, uint64_t ver, const float *x, const float *y, const uint8_t *up, int n,
                   float unit, const hw_fut_params *p);
// The general request, in the network's raw units: the text its window reads
// (synthesis: the primer's text, ' ', the line, as gl_hw_sample joins them;
// NULL for prediction), the primer (raw offsets, nprime points, its text
// prime_len characters; NULL: none), and the line's points so far (raw
// offsets; the futures start after pts[n - 1], n may be 0). They are drawn
// from (x0, y0), view units, a raw unit being `scale` view units. A new key,
// or fewer points than the worker has read, starts the line over (the
// primer, then the points); otherwise only the new points are read.
typedef struct {
    const char *text;
    const float *prime; int nprime, prime_len;
    const float *pts; int n;
    float x0, y0, scale;
    int tip_up;               // the pen is up at (x0, y0); -1: from the last point (up at a line's start)
} hw_fut_line;
int hw_fut_request_line(hw_fut *f, uint64_t key, uint64_t ver, const hw_fut_line *ln, const hw_fut_params *p);
// Forgets the last request (the next one is handed over even if equal).
void hw_fut_invalidate(hw_fut *f);
// The newest finished set, or NULL before the first.
const hw_fut_set *hw_fut_poll(hw_fut *f);
int hw_fut_busy(hw_fut *f);
// Draws each future as a faint pen path from (x0, y0) (pen-up moves left out).
void hw_fut_draw(gui_ctx *ui, const hw_fut_set *s, hw_xform xf, float width, gui_color c);
// Synthesis: where each future's window went, as ticks under a row of
// characters: character u (1-based) of the text at x = left + (u - 1) * cw.
void hw_fut_draw_window(gui_ctx *ui, const hw_fut_set *s, float left, float cw, float y, gui_color c);
// The same over characters of their own widths: character u (1-based) spans
// [xs[u - 1], xs[u]) (n characters, xs has n + 1 entries).
void hw_fut_draw_window_at(gui_ctx *ui, const hw_fut_set *s, const float *xs, int n, float y, gui_color c);
#endif
