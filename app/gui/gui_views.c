// The registry of views, in view-bar order. Add a view here (see view.h).
#include "view.h"

extern const gui_view_class view_attention;
extern const gui_view_class view_synthesis;
extern const gui_view_class view_prediction;
extern const gui_view_class view_draw;
extern const gui_view_class view_train;

const gui_view_class *const gui_views[] = {
    &view_attention,
    &view_synthesis,
    &view_prediction,
    &view_draw,
    &view_train,
    NULL,
};
