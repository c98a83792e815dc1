// Helpers shared by the headless GUI tests: drive a gui_run with script
// text and read the named numbers its views publish.
#ifndef GUI_TEST_H
#define GUI_TEST_H
#include "gl_image.h"
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// Shipped assets, from $GLIMPSE_ASSETS (default ./assets).
static inline const char *test_asset_path(const char *name) {
    static char buf[4096];
    const char *dir = getenv("GLIMPSE_ASSETS");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "assets", name);
    return buf;
}

// GLIMPSE_TEST_SLOW (an integer > 1; ./test.sh --sanitize sets it): the waits for work on other threads that
// many times longer. 1 otherwise.
static inline int test_slow_factor(void) {
    const char *slow = getenv("GLIMPSE_TEST_SLOW");
    return slow && atoi(slow) > 1 ? atoi(slow) : 1;
}

// A view's named number (gui_shell_probe); -1e9 when it has none.
static inline double probe(gui_run *r, const char *what) {
    double v = -1e9;
    if (gui_shell_probe(r->sh, what, &v) != 0) return -1e9;
    return v;
}

// Opens the app headless at 1280x800 on view, its assets found by asset_path: 0, or -1 (a failed check says why).
static inline int open_view(gui_run *r, const char *view, const char *(*asset_path)(const char *)) {
    int rc = gui_run_open(r, 1280, 800, 1, view, asset_path);
    CHECK(rc == 0, "the app starts on the %s view: %s", view, rc ? gl_err() : "");
    return rc ? -1 : 0;
}

// The transient note of the status line, expired: what is still drawn is the view's own.
static inline void expire_note(gui_run *r) {
    r->sh->app.note[0] = 0;
    r->sh->app.note_until = 0;
}

// Every text the last frame drew, joined with spaces (a wrapped note, several text commands, reads as one).
static inline const char *drawn_text(gui_run *r) {
    static char all[1 << 16];
    size_t k = 0;
    all[0] = 0;
    const gui_ctx *ui = &r->sh->ui;
    for (int i = 0; i < ui->ncmd && k + 2 < sizeof all; i++)
        if (ui->cmds[i].type == GUI_CMD_TEXT)
            k += (size_t)snprintf(all + k, sizeof all - k, "%s ", gui_cmd_text(ui, &ui->cmds[i]));
    return all;
}

// The picture assets/screenshots/NAME.png is made of: glimpse (exe) with --view VIEW and the script
// app/gui/scripts/screenshot-NAME.txt (under $GLIMPSE_SOURCE_ROOT, default .), written in a temporary directory
// and loaded into *im; the file and directory removed. 0, or -1 when no picture could be loaded (a check failed).
static inline int script_screenshot(const char *exe, const char *view, const char *name, gl_image *im) {
    char tmpl[] = "/tmp/glimpse-shot-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) { CHECK(0, "mkdtemp"); return -1; }
    char cmd[2000], shot[200];
    snprintf(shot, sizeof shot, "%s/%s.png", dir, name);
    const char *root = getenv("GLIMPSE_SOURCE_ROOT") ? getenv("GLIMPSE_SOURCE_ROOT") : ".";
    snprintf(cmd, sizeof cmd, "'%s' --view %s --screenshot '%s' --script '%s/app/gui/scripts/screenshot-%s.txt'", exe,
             view, shot, root, name);
    CHECK(system(cmd) == 0, "%s", cmd);
    int rc = gl_image_load_png(shot, im);
    if (rc != 0) CHECK(0, "%s", gl_err());
    unlink(shot);
    rmdir(dir);
    return rc ? -1 : 0;
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
