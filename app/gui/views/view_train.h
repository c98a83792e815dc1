// view_train: the Train view's handles for the bench and the tests (the
// view itself registers as view_train in gui_views.c).
#ifndef VIEW_TRAIN_H
#define VIEW_TRAIN_H
#include "train_run.h"
#include "view.h"

// self: the view's state (gui_shell.state[i] of the Train view).
train_run *view_train_run(void *self);
train_config *view_train_config(void *self);
// Starts a run from the view's fields, as the Start button does.
void view_train_start(void *self, gui_app *app);
// "Use these weights", as the button does.
void view_train_use(void *self, gui_app *app);
// "Shipped weights", as the button does (shown while the run's view runs weights from here).
void view_train_shipped(void *self, gui_app *app);
#endif
