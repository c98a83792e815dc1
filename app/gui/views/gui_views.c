// The registry of views, in view-bar order. GUI_VIEW_LIST (gui_view_list.h)
// is generated from the list in this folder's meson.build: adding a view
// is one line there (see view.h).
#include "view.h"
#include "gui_view_list.h"

#define X(name) extern const gui_view_class view_##name;
GUI_VIEW_LIST
#undef X

const gui_view_class *const gui_views[] = {
#define X(name) &view_##name,
    GUI_VIEW_LIST
#undef X
    NULL,
};
