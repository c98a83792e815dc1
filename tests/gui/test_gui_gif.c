// The app's GIF export (issue 36): in every view that plays, Ctrl+G writes
// the export directory's next glimpse-NAME-NNN.gif -- the view's animation,
// a GIF giflib reads back with more than one frame and every delay at least
// 2 cs -- and a second press the next number;
// a view that plays nothing (Cells, Train) writes nothing. Every registered view is checked. The export
// directory is a temporary one (GLIMPSE_EXPORT_DIR, HOME), so nothing of the
// person running the tests is touched.
#include "gl_test.h"
#include "gui_test.h"
#include "view.h"
#include <ctype.h>
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

// Frames of a GIF (giflib's count) and its smallest delay (centiseconds); -1 when it cannot be read.
static int gif_frames(const char *path, int *min_delay) {
    int err = 0;
    GifFileType *g = DGifOpenFileName(path, &err);
    if (!g) return -1;
    int n = -1;
    *min_delay = 1 << 30;
    if (DGifSlurp(g) == GIF_OK) {
        n = g->ImageCount;
        for (int i = 0; i < n; i++) {
            GraphicsControlBlock gcb;
            if (DGifSavedExtensionToGCB(g, i, &gcb) == GIF_OK && gcb.DelayTime < *min_delay) *min_delay = gcb.DelayTime;
        }
    }
    DGifCloseFile(g, &err);
    return n;
}

// Opens VIEW, runs SETUP (script lines that give it something to play),
// presses Ctrl+G twice and checks both files.
static void check_view(const char *view, const char *name, const char *setup) {
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, view, test_asset_path) != 0) {
        CHECK(0, "%s: open: %s", view, gl_err());
        return;
    }
    CHECK(run_text(&r, setup) == 0, "%s: setup: %s", view, gl_err());
    CHECK(run_text(&r, "key ctrl+g\nframe 2\nkey ctrl+g\nframe 2\n") == 0, "%s: ctrl+g", view);
    CHECK(probe(&r, "gifs") == 2, "%s: %g GIFs saved", view, probe(&r, "gifs"));
    for (int k = 1; k <= 2; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/glimpse-%s-%03d.gif", dir, name, k);
        int delay = 0, n = gif_frames(path, &delay);
        CHECK(n > 1, "%s: %s: %d frames", view, path, n);
        CHECK(n < 0 || delay >= 2, "%s: %s: a frame of %d cs", view, path, delay);
    }
    gui_run_close(&r);
}

// A view that plays nothing (the Cells view): Ctrl+G writes no file (a note says so).
static void check_silent(const char *view) {
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, view, test_asset_path) == 0) {
        CHECK(run_text(&r, "idle\nkey ctrl+g\nframe 2\n") == 0, "%s: ctrl+g", view);
        CHECK(probe(&r, "gifs") == 0, "%s: %g GIFs", view, probe(&r, "gifs"));
        char path[512];
        snprintf(path, sizeof path, "%s/glimpse-%s-001.gif", dir, view);
        CHECK(access(path, F_OK) != 0, "%s wrote %s", view, path);
        gui_run_close(&r);
    } else CHECK(0, "%s: open: %s", view, gl_err());
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/glimpse-gif-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    setenv("GLIMPSE_EXPORT_DIR", dir, 1);
    setenv("HOME", dir, 1);
    // every registered view: one that plays (a gif hook) after the setup it needs (idle and two frames unless a
    // row below says otherwise), the others checked to write nothing
    static const struct { const char *view, *setup; } setups[] = {
        { "synthesis", "idle\nwait 200\nidle\nframe 2\n" },
        { "prediction", "frame 2\ndrag 120 330 420 300 40\nidle\nkey g\nwait 300\nkey g\nidle\nframe 2\n" },
    };
    int playing = 0;
    for (int i = 0; gui_views[i]; i++) {
        char name[64];   // lower-case, as in the file names
        snprintf(name, sizeof name, "%s", gui_views[i]->name);
        for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
        if (!gui_views[i]->gif) { check_silent(name); continue; }
        const char *setup = "idle\nframe 2\n";
        for (size_t k = 0; k < sizeof setups / sizeof setups[0]; k++)
            if (!strcmp(setups[k].view, name)) setup = setups[k].setup;
        check_view(name, name, setup);
        playing++;
    }
    CHECK(playing >= 5, "%d views play (Attention, Search, DRAW, Synthesis, Prediction at least)", playing);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    TEST_MAIN_END();
}
