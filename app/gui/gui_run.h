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
    uint64_t frames;
} gui_run;

int gui_run_open(gui_run *r, int w, int h, int headless, const char *view, const char *(*asset_path)(const char *));
// Events from SDL (window mode), then one frame built, rendered and presented.
void gui_run_frame(gui_run *r);
// Hands one input event to the shell (script, bench, tests).
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
