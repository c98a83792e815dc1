// gui_export: the numbered names of the files a view exports (a figure, a
// frame, a line of handwriting): DIR/glimpse-NAME-001, -002, ... in the
// app's export directory, so that an export never overwrites an earlier one.
#ifndef GUI_EXPORT_H
#define GUI_EXPORT_H
#include "view.h"
#include <stddef.h>

// A free export name without its extension, app->export_dir/glimpse-NAME-NNN:
// the first NNN (from 001) for which none of the next files NAME-NNN + exts[e]
// exists (one export may write several files: .svg, .png, -window.png).
// Creates the directory. 0, or -1 with a note when it cannot (the directory
// cannot be made, or 9,999 numbers are taken).
int gui_export_name(gui_app *app, const char *name, const char *const *exts, int next, char *out, size_t n);
#endif
