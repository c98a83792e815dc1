// gui_pad: the drawable 28x28 digit of the views that take a digit as input
// (Attention, DRAW's Reconstruct): the image (ink 1 on 0), where it came from
// (an untouched test digit, or drawn), an undo ring of earlier digits, and
// the pen that draws on it with the mouse (gui_pen.h's brush). The view
// draws the image and lays out the rectangle the pen works on.
#ifndef GUI_PAD_H
#define GUI_PAD_H
#include "gui.h"

enum { GUI_PAD_D = 784, GUI_PAD_UNDO = 32 };   // 28x28 pixels; edits remembered

typedef struct {
    float img[GUI_PAD_D];
    int from_test;   // 1: test digit #sel as loaded; 0: drawn or edited
    int sel;         // the test digit last picked (kept while drawing)
    struct { float img[GUI_PAD_D]; int from_test, sel; } undo[GUI_PAD_UNDO];
    int nundo;       // the oldest edit is dropped when the ring is full
    int pen_down, pen_erase;   // a button is held on the pad; the right one erases
    float pen_u, pen_v;        // last pen position, pixel-centre units
} gui_pad;

// Remembers the digit as it is before an edit.
void gui_pad_push(gui_pad *p);
// Back to the digit before the last edit; 0 when there is none.
int gui_pad_undo(gui_pad *p);
// Test digit #sel (img: 784 values in [0,1]), an edit to undo.
void gui_pad_pick(gui_pad *p, int sel, const float *img);
// A blank pad, an edit to undo.
void gui_pad_clear(gui_pad *p);
// No pixel above 0.05.
int gui_pad_empty(const gui_pad *p);

// The pen on rectangle r (window points) showing the pad. down: button 1
// draws, 3 erases (other buttons are not the pen's: 0 returned); the digit
// becomes a drawn one and the edit can be undone. move: follows the pen
// outside r too (the brush clips at the edge); 0 when no button is held.
// up: 1 when it releases the pen's button.
int gui_pad_pen_down(gui_pad *p, gui_rect r, int button, int x, int y);
int gui_pad_pen_move(gui_pad *p, gui_rect r, int x, int y);
int gui_pad_pen_up(gui_pad *p, int button);
// A GUI_EV_MOVE or GUI_EV_UP for the pen on r: GUI_PAD_DREW when a move drew
// (the view's input changed), GUI_PAD_RELEASED when it let the pen go, 0 when
// the event is not the pen's.
enum { GUI_PAD_RELEASED = 1, GUI_PAD_DREW = 2 };
int gui_pad_pen_follow(gui_pad *p, gui_rect r, const gui_event *ev);
#endif
