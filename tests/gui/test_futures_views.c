// The possible futures in the views, headless with the shipped weights:
// Prediction draws 20 futures from the newest pen point (then 25 after '.',
// none after F), futures from the step shown when stepping a finished line,
// and a line drawn past the canvas's edge is scaled to fit (900x600). DRAW
// opens playing its first sample's build, and its 3x3 grid of futures
// follows the step shown (none after F). Synthesis (futures off until F):
// 20 futures from the point shown of the written line, drawn on the paper,
// following the point as it is stepped; their windows end on the text; on
// both lines of a page in a style (primed with the style, and with the first
// line's last words).
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_test.h"
#include "gl_image.h"
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

// Frames until cond(r) holds, at most 10 s of them.
// Waits (up to a minute, GLIMPSE_TEST_SLOW times that under the sanitizers) for cond: the futures' worker
// runs beside the GUI thread, on a loaded machine it may take seconds; what is checked is that they come.
static int wait_for(gui_run *r, int (*cond)(gui_run *)) {
    int tries = 600 * test_slow_factor();
    for (int i = 0; i < tries; i++) {
        if (cond(r)) return 1;
        run_text(r, "wait 100\n");
    }
    return cond(r);
}

static int fut_newest(gui_run *r) {
    return probe(r, "futures") > 0 && probe(r, "futures_version") == probe(r, "input_version");
}
static int fut_25(gui_run *r) { return probe(r, "futures") == 25; }
static int fut_at_step(gui_run *r) { return probe(r, "futures_version") == probe(r, "step") + 1; }

static void prediction(void) {
    gui_run r;
    if (open_view(&r, "prediction", test_asset_path)) return;
    gui_run_frame(&r);
    CHECK(probe(&r, "futures_on") == 1 && probe(&r, "futures") == 0, "futures on, none before drawing");
    int cx = (int)probe(&r, "canvas_x"), cy = (int)probe(&r, "canvas_y");
    char s[8192];
    size_t k = (size_t)snprintf(s, sizeof s, "down %d %d\n", cx + 100, cy + 250);
    for (int i = 1; i <= 40; i++)   // loops to the right, the pen held down
        k += (size_t)snprintf(s + k, sizeof s - k, "move %d %d\n", cx + 100 + 6 * i + (int)(30 * sin(i * 0.5)),
                              cy + 250 - (int)(30 * (1 - cos(i * 0.5))));
    snprintf(s + k, sizeof s - k, "idle\n");
    CHECK(run_text(&r, s) == 0, "a stroke");
    CHECK(wait_for(&r, fut_newest), "futures from the newest point: version %g of %g", probe(&r, "futures_version"),
          probe(&r, "input_version"));
    CHECK(probe(&r, "futures") == 20, "20 futures by default (%g)", probe(&r, "futures"));
    run_text(&r, "key .\n");
    CHECK(wait_for(&r, fut_25), "'.': 25 futures (%g)", probe(&r, "futures"));
    // a finished line, stepped back: futures from the step shown
    run_text(&r, "up 400 400\nidle\nkey End\nkey Left\nkey Left\nkey Left\nkey Left\nkey Left\n");
    CHECK(probe(&r, "mode") == 2, "replay");
    CHECK(wait_for(&r, fut_at_step), "futures from step %g (%g)", probe(&r, "step"), probe(&r, "futures_version"));
    run_text(&r, "key f\n");
    CHECK(probe(&r, "futures_on") == 0 && probe(&r, "futures") == 0, "F: no futures");
    gui_run_close(&r);

    // 900x600: a stroke past the canvas's right edge is scaled down to fit
    int rc = gui_run_open(&r, 900, 600, 1, "prediction", test_asset_path);
    CHECK(rc == 0, "900x600: %s", rc ? gl_err() : "");
    if (rc) return;
    gui_run_frame(&r);
    cx = (int)probe(&r, "canvas_x"); cy = (int)probe(&r, "canvas_y");
    int cw = (int)probe(&r, "canvas_w");
    k = (size_t)snprintf(s, sizeof s, "down %d %d\n", cx + 40, cy + 150);
    for (int x = cx + 50; x <= cx + cw + 200; x += 10)
        k += (size_t)snprintf(s + k, sizeof s - k, "move %d %d\n", x, cy + 150 + (int)(30 * sin(x / 20.0)));
    snprintf(s + k, sizeof s - k, "up %d %d\nidle\nframe 2\n", cx + cw + 200, cy + 150);
    CHECK(run_text(&r, s) == 0, "a long stroke");
    double px = probe(&r, "px_per_unit"), tx = probe(&r, "tip_x");
    CHECK(px < 3 && px > 1, "scaled down to fit: %g px a unit", px);
    CHECK(tx > cx && tx < cx + cw, "the pen tip (%.0f) is on the canvas (%d..%d)", tx, cx, cx + cw);
    gui_run_close(&r);
}

static int draw_fut(gui_run *r) { return probe(r, "futures_step") == probe(r, "step") + 1; }

static void draw(void) {
    gui_run r;
    if (open_view(&r, "DRAW", test_asset_path)) return;
    CHECK(gui_run_settle(&r) == 0, "first run");
    double T = probe(&r, "T");
    CHECK(T > 1 && probe(&r, "step") < T - 1, "the first sample plays its build (step %g of %g)", probe(&r, "step"), T);
    run_text(&r, "key Home\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\nkey Right\n");
    CHECK(probe(&r, "step") == 8, "step 9 shown (%g)", probe(&r, "step"));
    CHECK(wait_for(&r, draw_fut), "futures from the step shown (%g)", probe(&r, "futures_step"));
    run_text(&r, "key f\nframe\n");
    CHECK(probe(&r, "futures_step") == -1e9, "F: no futures grid");
    gui_run_close(&r);
}

// Light blue pixels (the futures over the paper) in the paper's rectangle of
// the frame on screen, or of a screenshot (PNG) of it when shot is set.
static int blue_on_paper(gui_run *r, const char *shot) {
    gl_image im;
    if (shot && (gui_run_screenshot(r, shot) != 0 || gl_image_load_png(shot, &im) != 0)) {
        CHECK(0, "screenshot %s: %s", shot, gl_err());
        return -1;
    }
    if (shot) unlink(shot);
    else if (gui_sdl_read(r->sdl, &im) != 0) { CHECK(0, "read back: %s", gl_err()); return -1; }
    int x0 = (int)probe(r, "paper_x"), y0 = (int)probe(r, "paper_y");
    int w = (int)probe(r, "paper_w"), h = (int)probe(r, "paper_h");
    int n = 0;
    for (int y = y0; y < y0 + h && y < im.h; y++)
        for (int x = x0; x < x0 + w && x < im.w; x++) {
            const uint8_t *p = im.px + ((size_t)y * im.w + x) * 3;
            n += p[2] > 150 && p[2] > p[0] + 30 && p[1] > p[0] + 15;
        }
    gl_image_free(&im);
    return n;
}

static int syn_done(gui_run *r) { return probe(r, "done") == 1; }
static int syn_fut(gui_run *r) {
    return probe(r, "futures") == 20 && probe(r, "futures_step") == probe(r, "line_step") + 1;
}

static void synthesis(void) {
    gui_run r;
    if (open_view(&r, "synthesis", test_asset_path)) return;
    gui_run_frame(&r);
    CHECK(wait_for(&r, syn_done) && wait_for(&r, syn_done) && probe(&r, "lines") == 1, "the line is written (done %g)",
          probe(&r, "done"));
    CHECK(probe(&r, "futures_on") == 0 && probe(&r, "futures") == 0, "futures off by default");
    run_text(&r, "key End\nkey PageUp\nkey PageUp\nframe 2\n");
    int none = blue_on_paper(&r, NULL);
    double steps = probe(&r, "steps");
    CHECK(probe(&r, "step") == steps - 21, "20 points back from the end (%g of %g)", probe(&r, "step"), steps);
    run_text(&r, "key f\n");
    CHECK(probe(&r, "futures_on") == 1, "F: futures on");
    CHECK(wait_for(&r, syn_fut), "20 futures from the point shown (%g, from point %g; step %g)", probe(&r, "futures"),
          probe(&r, "futures_step"), probe(&r, "step"));
    // 40 points on from 20 before the end: the windows end on the line's last characters or past them (§5.3)
    printf("synthesis: 20 futures of 40 points in %.1f ms on their worker\n", probe(&r, "futures_ms"));
    double U = probe(&r, "U"), win = probe(&r, "futures_window"), ch = probe(&r, "char");
    CHECK(win >= ch + 0.5 && win >= U - 2, "their windows end ahead, near the end (%.2f of %g; now on %g)", win, U,
          ch + 1);
    run_text(&r, "frame 2\n");
    char shot[] = "/tmp/glimpse-synfut-XXXXXX";
    int fd = mkstemp(shot);
    if (fd >= 0) close(fd);
    int some = blue_on_paper(&r, shot);
    CHECK(some > none + 100, "futures in the screenshot's paper (%d light blue pixels, %d without)", some, none);
    // stepping: futures from each new point shown
    run_text(&r, "key Left\nkey Left\nkey Left\n");
    CHECK(wait_for(&r, syn_fut), "after stepping back: futures from point %g (step %g)", probe(&r, "futures_step"),
          probe(&r, "step"));
    run_text(&r, "key Home\nkey PageDown\n");
    CHECK(wait_for(&r, syn_fut), "near the start: futures from point %g (step %g)", probe(&r, "futures_step"),
          probe(&r, "step"));
    win = probe(&r, "futures_window"); ch = probe(&r, "char");
    CHECK(win >= ch + 0.5 && win < U, "near the start their windows end ahead, on the text (%.2f of %g; now on %g)",
          win, U, ch + 1);
    run_text(&r, "key f\nframe 2\n");
    CHECK(probe(&r, "futures_on") == 0 && probe(&r, "futures") == 0, "F again: no futures");
    int after = blue_on_paper(&r, NULL);
    CHECK(after < none + 20, "none drawn (%d light blue pixels)", after);
    // Two lines in style 1: the first primed with the style, the second with the first's last words; futures on both
    char s[2048] = "key Return\n";
    for (int i = 0; i < 20; i++) strcat(s, "key Backspace\n");
    strcat(s, "text the quick brown fox jumps over the lazy dog and it runs\nkey Escape\nkey 1\nkey f\nframe 2\n");
    CHECK(run_text(&r, s) == 0 && probe(&r, "style") == 1, "two lines of text, style 1");
    int done = 0;
    for (int k = 0; k < 12 && !done; k++) done = wait_for(&r, syn_done);
    CHECK(done && probe(&r, "lines") == 2 && probe(&r, "lines_written") == 2, "two lines written (%g of %g)",
          probe(&r, "lines_written"), probe(&r, "lines"));
    run_text(&r, "key Home\n");
    double first_n = probe(&r, "line_points");
    run_text(&r, "key End\nkey PageUp\nkey PageUp\n");
    CHECK(probe(&r, "line") == 1, "on the second line (%g)", probe(&r, "line"));
    CHECK(wait_for(&r, syn_fut), "second line: futures from its point %g (%g)", probe(&r, "line_step") + 1,
          probe(&r, "futures_step"));
    double np = probe(&r, "futures_primer");   // "jumps over the lazy dog": the first line's last words
    CHECK(np > 10 && np < first_n - 10, "primed with the first line's tail (%g of its %g points)", np, first_n);
    run_text(&r, "key Home\nkey PageDown\n");
    CHECK(probe(&r, "line") == 0, "on the first line (%g)", probe(&r, "line"));
    CHECK(wait_for(&r, syn_fut), "first line (primed with the style): futures from its point %g (%g)",
          probe(&r, "line_step") + 1, probe(&r, "futures_step"));
    CHECK(probe(&r, "futures_primer") > 10, "primed with style 1 (%g points)", probe(&r, "futures_primer"));
    gui_run_close(&r);
}

int main(void) {
    prediction();
    draw();
    synthesis();
    TEST_MAIN_END();
}
