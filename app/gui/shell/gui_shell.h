// gui_shell: the frame around the views: the view bar, the status line, the
// shortcuts overlay, global keys, and the engine thread. Backend-free: the
// interactive loop, the headless --screenshot/--script mode, the bench and
// the tests all drive it through the same three calls.
#ifndef GUI_SHELL_H
#define GUI_SHELL_H
#include "view.h"

#define GUI_MAX_VIEWS 8
#define GUI_BAR_H 34
#define GUI_STATUS_H 24

typedef struct gui_shell {
    gui_ctx ui;
    gui_app app;
    const gui_view_class *cls[GUI_MAX_VIEWS];
    void *state[GUI_MAX_VIEWS];
    int nviews, cur;
    int help;            // the shortcuts overlay is shown
    int quit;            // the user asked to close
    double t0, fps;      // fps: smoothed frames per second (for the status line)
    int dirty;           // frames still owed to input (a click shows its effect one frame later)
    int engine_busy;     // the engine was busy when the last frame was built
    int animating;       // the view asked for frames at the last frame
    uint64_t note_seq;   // ui.tf_note already shown
    uint64_t frames;     // frames built
    gui_rect help_rect;  // the shortcuts overlay's panel (last drawn)
    int help_cmd;        // its first drawing command
    int stopped;         // gui_shell_quit has stopped every worker
    int gifs;            // animated GIFs saved (Ctrl+G, the view bar's GIF button)
} gui_shell;

// Creates the engine thread and every registered view; view_name (may be
// NULL) picks the first one shown. NULL with gl_err() on failure.
gui_shell *gui_shell_new(int w, int h, gui_text_width_fn tw, void *tw_user, const int line_h[GUI_NFONT],
                         const char *view_name, const char *(*asset_path)(const char *));
// Feed input events of the frame, then build it: frame() leaves the command
// list in sh->ui.cmds for the backend; end() closes the frame afterwards.
void gui_shell_event(gui_shell *sh, const gui_event *ev);
void gui_shell_frame(gui_shell *sh, double dt);
void gui_shell_end(gui_shell *sh);
// When the next frame is due, in seconds from now: 0 at once, > 0 when a
// timer falls due (a note expiring, a caret blinking), < 0 not until the
// next input event. The frame loop sleeps in the event queue meanwhile.
double gui_shell_next_frame(gui_shell *sh);
// Asks for a frame (the window was exposed or resized).
void gui_shell_invalidate(gui_shell *sh);
// Stops every worker (the engine, views' own) and waits for them: nothing
// runs in the background after it. The views and their memory stay; the
// window's close ends the process after it without freeing them (the system
// takes the memory back faster than free() does). No frame may follow.
void gui_shell_quit(gui_shell *sh);
// gui_shell_quit (cancelling a running job), then frees the views.
void gui_shell_free(gui_shell *sh);
// A named number of the current view (view.h probe), or of the shell:
// "help", "view", "engine_busy", "frames_built", "animating".
int gui_shell_probe(gui_shell *sh, const char *what, double *out);
// Index of the view called name (case-insensitive), -1 if none.
int gui_view_find(const char *name);
#endif
