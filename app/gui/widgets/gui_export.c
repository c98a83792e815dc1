// gui_export: numbered export names (see gui_export.h).
#include "gui_export.h"
#include "gl_util.h"
#include <stdio.h>

int gui_export_name(gui_app *app, const char *name, const char *const *exts, int next, char *out, size_t n) {
    if (gui_app_export_ready(app) != 0) return -1;
    for (int k = 1; k < 10000; k++) {
        snprintf(out, n, "%s/glimpse-%s-%03d", app->export_dir, name, k);
        int taken = 0;
        for (int e = 0; e < next && !taken; e++) {
            char p[1400];
            snprintf(p, sizeof p, "%s%s", out, exts[e]);
            taken = gl_file_exists(p);
        }
        if (!taken) return 0;
    }
    gui_app_note(app, "export failed: too many glimpse-%s files in %s", name, app->export_dir);
    return -1;
}
