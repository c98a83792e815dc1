// gui_run: the frame loop shared by the window, headless --screenshot mode,
// the bench and the tests: SDL backend + shell, one call per frame.
#ifndef GUI_RUN_H
#define GUI_RUN_H
#include "gui_script.h"
#include "gui_sdl.h"
#include "gui_shell.h"

typedef struct {
    gui_sdl *sdl;
    gui_shell *sh;
    int headless;
    double last;        // time of the previous frame
    double work_s;      // time the last frame took: events, views, rendering
    double build_s, render_s;   // of which: building the command list, rendering it
    uint64_t frames;    // frames rendered
    uint64_t splits;    // frames built (not rendered) so that input fits (gui_input_fits)
    uint64_t trimmed_at;   // frames drawn when the loop last went idle (and trimmed the heap)
} gui_run;

int gui_run_open(gui_run *r, int w, int h, int headless, const char *view, const char *(*asset_path)(const char *));
// Events from SDL (window mode), then one frame built, rendered and presented.
void gui_run_frame(gui_run *r);
// One turn of the loop that sleeps when nothing changes: waits (at most
// max_wait seconds) for input or for the next frame due, takes every
// pending event, and draws a frame only if one is due and the window is
// visible. Returns 1 if it drew. Headless, the wait is a sleep and input
// comes from gui_run_event.
int gui_run_step(gui_run *r, double max_wait);
// The interactive loop: gui_run_step until the person closes the window.
void gui_run_loop(gui_run *r);
// Hands one input event to the shell (script, bench, tests). An event that
// cannot join the frame's input (gui_input_fits) is preceded by a frame
// built for the input before it, so no event is lost.
void gui_run_event(gui_run *r, const gui_event *ev);
// Replays a script (gui_script.h). -1 with gl_err() if a step fails.
int gui_run_script(gui_run *r, const gui_script *s);
// Waits (up to 10 s) for the engine to finish, then draws two frames so the
// result is on screen.
int gui_run_settle(gui_run *r);
int gui_run_screenshot(gui_run *r, const char *path);
void gui_run_close(gui_run *r);
void gui_sleep(double seconds);
// --size WxH (NULL: 1280x800); prints the error and returns -1 if bad.
int gui_parse_size(const char *s, int *w, int *h);
#endif
