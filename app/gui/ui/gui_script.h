// gui_script: the --script format of headless mode, one event per line, so a
// test or a doc build can drive a view the way a person does.
//
//   # comment                    blank lines are ignored too
//   move X Y                     mouse to (X, Y), window points
//   down X Y [BUTTON]            press (1 left, 2 middle, 3 right; default 1)
//   up X Y [BUTTON]              release
//   click X Y                    down then up
//   drag X0 Y0 X1 Y1 [N]         press, N moves along the line (default 16), release
//   wheel DY                     scroll (+ up) at the mouse position
//   key NAME                     Left Right Up Down Home End PageUp PageDown Return
//                                Escape Space Tab Backspace Delete F1, or one character;
//                                prefixes ctrl+ shift+ alt+ (key ctrl+z)
//   text STRING                  typed text (the rest of the line)
//   wait MS                      keep drawing frames for MS milliseconds
//   idle                         wait (up to 10 s) until the engine has no work
//   frame [N]                    draw N frames (default 1)
//   screenshot PATH              write the current frame as PNG
// Every input line is followed by one frame, so a press and a release are
// seen in different frames as they would be by hand.
#ifndef GUI_SCRIPT_H
#define GUI_SCRIPT_H
#include "gui.h"

typedef enum { GUI_SC_EVENT, GUI_SC_WAIT, GUI_SC_IDLE, GUI_SC_FRAME, GUI_SC_SHOT } gui_sc_kind;

typedef struct {
    gui_sc_kind kind;
    gui_event ev;
    int n;              // WAIT: milliseconds; FRAME: count
    char path[512];     // SHOT
    int line;
} gui_sc_step;

typedef struct { gui_sc_step *steps; int n, cap; } gui_script;

// Limits: files of at most 1 MB, at most 100000 events in all.
#define GUI_SCRIPT_MAX_FILE ((size_t)1 << 20)
#define GUI_SCRIPT_MAX_STEPS 100000
// Parses script text (name is used in messages). -1 with gl_err() "NAME:LINE: ...".
int gui_script_parse(const char *text, const char *name, gui_script *out);
int gui_script_load(const char *path, gui_script *out);
void gui_script_free(gui_script *s);
#endif
