// gui_timeline: the timeline under a run that the person scrubs (click or
// drag) to pick a step: its input, shared by every view, and the two ways
// views draw it (numbered cells for a run of a few steps, a lit bar for a
// run of hundreds of points). A view that draws its own (DRAW's thumbnails,
// the Train view's probe ticks) still takes the input from gui_scrub.
#ifndef GUI_TIMELINE_H
#define GUI_TIMELINE_H
#include "gui.h"

enum { GUI_SCRUB_PRESSED = 1, GUI_SCRUB_HELD = 2 };

// A timeline of n steps laid out over r (n need not be whole: a training
// run's span in updates). A press in r makes id the active widget
// (GUI_SCRUB_PRESSED: the view stops playing); while the button is held
// after it, *pos is the pen's place in steps, (mx − r.x)·n / r.w, not
// clamped (GUI_SCRUB_HELD). Returns those bits; 0 with nothing to do.
int gui_scrub(gui_ctx *ui, uint32_t id, gui_rect r, double n, double *pos);

// n numbered cells; step's (−1: none) in cur, the earlier ones lit; bar,
// when not NULL, holds n values in [0,1] drawn as a thin bar under each cell
// (the belief in the final class after that step).
void gui_timeline_cells(gui_ctx *ui, gui_rect r, int n, int step, gui_color cur, const float *bar);

// A bar lit up to the end of step's point (of n). Returns the lit width, or
// −1 when there is nothing to light (n < 1 or step < 0): the view draws its
// marks (pen lifts, where the network took over) over it.
int gui_timeline_bar(gui_ctx *ui, gui_rect r, int n, int step);
#endif
