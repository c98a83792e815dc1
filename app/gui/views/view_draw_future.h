// view_draw_future: the DRAW view's possible futures, a 3x3 grid of the
// canvases the generation on screen could still become from the step shown
// (gl_draw_futures: fresh z for the remaining steps). They are computed on a
// worker of their own with their own copy of the weights, so the view's runs
// never wait for them; a request is handed over only while the worker is
// idle (the steps in between are dropped, never queued).
#ifndef VIEW_DRAW_FUTURE_H
#define VIEW_DRAW_FUTURE_H
#include "draw/gl_draw.h"
#include "gui.h"
#include <stdint.h>

#define DV_FUT_N 9
typedef struct {
    uint64_t seed, key;       // the run's seed; the request's key (the view's)
    int steps, T, n;          // from after `steps` steps of T; futures
    double ms;                // time on the worker (loading aside)
    float canvas[DV_FUT_N * GL_DRAW_D];   // σ(c_T) of each future
} dv_fut_set;

typedef struct dv_fut dv_fut;
dv_fut *dv_fut_new(void);     // NULL with gl_err when its worker cannot start
void dv_fut_quit(dv_fut *f);  // stops the worker without waiting
void dv_fut_free(dv_fut *f);  // NULL is fine; waits for the worker
// Asks for the futures of the generation (weights file, seed) after `steps`
// steps; key: which run it is (the view's). Handed over when the worker is
// idle and the request differs from the last: returns 1 then.
int dv_fut_request(dv_fut *f, const char *path, uint64_t key, uint64_t seed, int steps);
const dv_fut_set *dv_fut_poll(dv_fut *f);   // the newest finished set; NULL before the first
int dv_fut_busy(dv_fut *f);
// The grid over r: three rows of three canvases, with a title above.
void dv_fut_draw(gui_ctx *ui, gui_rect r, const dv_fut_set *s, int step_shown);
#endif
