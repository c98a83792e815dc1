// view: the pluggable interface of the application's views (Attention,
// Synthesis, Prediction, DRAW, Train). The shell (shell/gui_shell.c) owns the
// window frame, the view bar, the status line, the shortcuts overlay and the
// engine thread; a view owns one area of the window and its own state.
//
// Adding a view: write views/view_NAME.c defining
//     const gui_view_class view_NAME = { .name = "Name", .init = ..., ... };
// and add 'NAME' to the list in app/gui/views/meson.build (the registry,
// gui_views.c, is generated from it). The shell does not change.
//
// Rules a view keeps:
//   - It never calls a model. It submits jobs to app->engine (gl_engine.h)
//     and draws the frames of the traces those jobs fill. Jobs run on the
//     engine thread, one at a time, so state a view hands to its jobs (its
//     loaded models) is touched by that thread only.
//   - It draws only through gui.h (command list; no SDL), so it runs headless
//     and in tests.
//   - Its free() is called after the engine has been shut down, so no job of
//     the view is still running then.
//
// Frames are drawn only when something changed: after input, while the
// engine works (its traces fill), while animating() says so, and when a
// timer falls due (a note expiring, a caret blinking). Otherwise the
// application sleeps in the event queue.
//
// Order of calls in one frame:
//   event() for each input event (keyboard events are held back while a text
//   field has the focus), update(dt), draw(area), request(). A view usually
//   marks itself dirty in event()/draw() and submits at most one job in
//   request(), so a burst of mouse motion costs one job per frame, not one
//   per event.
#ifndef GUI_VIEW_H
#define GUI_VIEW_H
#include "gl_engine.h"
#include "gui.h"

enum { GUI_USE_ATTENTION, GUI_USE_DRAW, GUI_USE_SYNTH, GUI_USE_PREDICT, GUI_USE_N };

// What the shell lends to views.
typedef struct gui_app {
    gui_ctx *ui;
    gl_engine *engine;
    const char *(*asset_path)(const char *name);   // shipped weights etc.
    const char *export_dir;                        // where exported figures go (absolute; see gui_export_dir)
    char export_dir_buf[1024];
    double now;                                    // seconds since start
    char status[256];                              // the view's status line, rewritten each frame
    char note[256];                                // a transient message (export done, errors)
    double note_until;
    // "use these weights" (the Train view): the weights file a view should
    // run from now on, per model (GUI_USE_*), bumped use_seq when it is
    // written; use_key: the attention key type it holds (attention only).
    char use_path[GUI_USE_N][1024];
    uint64_t use_seq[GUI_USE_N];
    int use_key, use_wait;
    int want_view;                                 // a view asks the shell to show view want_view - 1 (0: none)
} gui_app;

// Where exports go: $GLIMPSE_EXPORT_DIR, else the XDG pictures directory
// (XDG_PICTURES_DIR of user-dirs.dirs, else ~/Pictures), else the current
// directory; made absolute, so the status line can show the full path.
void gui_export_dir(char *out, size_t n);
// Creates app->export_dir if it is missing. -1 with a note if it cannot.
int gui_app_export_ready(gui_app *app);

// Shows a transient message in the status line for a few seconds.
void gui_app_note(gui_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// If an engine job failed since *seen (the engine's failure count the view
// last saw), notes why in the status line and updates *seen.
void gui_app_note_engine_failure(gui_app *app, uint64_t *seen);
// Releases a view's n traces on screen and n on their way (NULLs are fine),
// for the views that keep one of each per model.
static inline void gui_traces_release(gl_trace **shown, gl_trace **pending, int n) {
    for (int k = 0; k < n; k++) {
        gl_trace_release(shown[k]);
        gl_trace_release(pending[k]);
    }
}
// A new trace (gl_trace_new's arguments) in *slot, in place of the one there
// (released); returns it, for the job that fills it.
static inline gl_trace *gui_trace_renew(gl_trace **slot, int kind, size_t frame_size, int cap, void *header) {
    gl_trace_release(*slot);
    return *slot = gl_trace_new(kind, frame_size, cap, header);
}

typedef struct gui_view_class {
    const char *name;                 // label in the view bar, and --view NAME (lower-cased)
    // Lines of the shortcuts overlay: "KEYS\tWHAT", NULL-terminated.
    const char *const *shortcuts;
    // Creates the view's state. NULL with gl_err() on failure.
    void *(*init)(gui_app *app);
    // One input event. Returns 1 if the view used it.
    int (*event)(void *self, gui_app *app, const gui_event *ev);
    // Once a frame before draw: poll traces, animate (dt in seconds).
    void (*update)(void *self, gui_app *app, double dt);
    // Draws the view into area with gui.h calls and widgets.
    void (*draw)(void *self, gui_app *app, gui_rect area);
    // Once a frame after draw: submit engine work if the input changed.
    void (*request)(void *self, gui_app *app);
    // Optional: 1 while the view changes on screen without input (playing,
    // a pen writing, runs still arriving), so the frame loop keeps drawing;
    // 0 lets the application sleep until the next event. A view that
    // leaves this out is drawn only after input and while the engine works.
    int (*animating)(void *self, gui_app *app);
    // Optional: the application is closing. wait 0: tell background work of
    // the view's own (a worker thread) to stop, without waiting; wait 1 (after
    // every view had its 0): wait until it has stopped. No job of the view
    // runs after that; free() may follow, or the process ends.
    void (*quit)(void *self, int wait);
    void (*free)(void *self);
    // Optional: named numbers for tests and `glimpse bench gui`
    // ("input_version", "shown_version", "step", ...). 0 if known, -1 if not.
    int (*probe)(void *self, const char *what, double *out);
    // Optional, for a view that plays (steps, a pen writing): writes what it
    // plays now as an animated GIF to path through app/common/gif_export.h,
    // timed as the view plays it (or at the pen's real speed); 0, or -1 with
    // gl_err (nothing written). The shell calls it for Ctrl+G and the view
    // bar's GIF button, with path = the export directory's next
    // glimpse-NAME-NNN.gif (NAME: the lower-cased .name).
    int (*gif)(void *self, gui_app *app, const char *path);
} gui_view_class;

// The fields every view fills, from the prefix P its functions share
// (P_shortcuts, P_init, P_event, P_update, P_draw, P_free); the optional
// ones follow by name:
//   const gui_view_class view_NAME = { GUI_VIEW_CORE("Name", P), .request = P_request, .probe = P_probe };
#define GUI_VIEW_CORE(label, P)                                                                                \
    .name = (label), .shortcuts = P##_shortcuts, .init = P##_init, .event = P##_event, .update = P##_update, \
    .draw = P##_draw, .free = P##_free

// The registry (gui_views.c): NULL-terminated.
extern const gui_view_class *const gui_views[];
#endif
