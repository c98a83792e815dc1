// Helpers shared by the headless GUI tests: drive a gui_run with script
// text and read the named numbers its views publish.
#ifndef GUI_TEST_H
#define GUI_TEST_H
#include "gl_util.h"
#include "gui_run.h"
#include <stdio.h>
#include <stdlib.h>

// Shipped assets, from $GLIMPSE_ASSETS (default ./assets).
static inline const char *test_asset_path(const char *name) {
    static char buf[4096];
    const char *dir = getenv("GLIMPSE_ASSETS");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "assets", name);
    return buf;
}

// A view's named number (gui_shell_probe); -1e9 when it has none.
static inline double probe(gui_run *r, const char *what) {
    double v = -1e9;
    if (gui_shell_probe(r->sh, what, &v) != 0) return -1e9;
    return v;
}

// Runs script lines (the --script format) on the open session.
static inline int run_text(gui_run *r, const char *text) {
    gui_script s;
    if (gui_script_parse(text, "session", &s) != 0) { fprintf(stderr, "%s\n", gl_err()); return -1; }
    int rc = gui_run_script(r, &s);
    gui_script_free(&s);
    return rc;
}
#endif
