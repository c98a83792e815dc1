// Headless sessions through SDL's offscreen driver and the software renderer.
//
// In process: the app starts on the attention view; a scripted session draws
// a stroke, steps forward and switches the key type; the pixels on the
// canvas must be the jet colours of the mask on screen (checked at the
// strongest and weakest cell, against the colour bar mapping), and plain
// grey with the overlay off. Closing while the engine computes is quick.
//
// With an argument (the glimpse executable): the same kind of session run
// through `glimpse --screenshot OUT.png --script FILE`, checking the PNG.
#include "gl_image.h"
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_test.h"
#include <stdlib.h>
#include <unistd.h>

// A pixel drawn over a mask value t (0..1 on the colour bar) is jet(t)
// lightened towards white by at most half (the ink showing through).
static int is_jet_of(const uint8_t *p, double t, char *why, size_t n) {
    uint8_t j[3];
    gl_jet((float)t, &j[0], &j[1], &j[2]);
    for (int c = 0; c < 3; c++) {
        double lo = j[c] - 3, hi = j[c] + (255 - j[c]) * 0.5 + 3;
        if (p[c] < lo || p[c] > hi) {
            snprintf(why, n, "pixel (%d,%d,%d) is not jet(%.2f)=(%d,%d,%d) lightened by <= 1/2", p[0], p[1], p[2], t, j[0], j[1], j[2]);
            return 0;
        }
    }
    return 1;
}

static const uint8_t *px_at(const gl_image *im, double x, double y) {
    int ix = (int)x, iy = (int)y;
    if (ix < 0) ix = 0;
    if (iy < 0) iy = 0;
    if (ix >= im->w) ix = im->w - 1;
    if (iy >= im->h) iy = im->h - 1;
    return im->px + ((size_t)iy * im->w + ix) * 3;
}

// Checks the canvas of the running app against the mask it says it shows.
static void check_overlay(gui_run *r, const char *what) {
    gl_image im;
    if (gui_sdl_read(r->sdl, &im) != 0) { CHECK(0, "read back: %s", gl_err()); return; }
    double hx = probe(r, "hot_x"), hy = probe(r, "hot_y"), ht = probe(r, "hot_t");
    double cx = probe(r, "cold_x"), cy = probe(r, "cold_y"), ct = probe(r, "cold_t");
    CHECK(hx > -1e9 && cx > -1e9, "%s: the view reports a mask on its canvas", what);
    char why[200] = "";
    CHECK(is_jet_of(px_at(&im, hx, hy), ht, why, sizeof why), "%s: strongest cell: %s", what, why);
    CHECK(is_jet_of(px_at(&im, cx, cy), ct, why, sizeof why), "%s: weakest cell: %s", what, why);
    // Every cell whose centre lies on the canvas shows its own weight.
    int checked = 0, wrong = 0;
    for (int l = 0; l < 196; l++) {
        char nx[32], ny[32], nt[32];
        snprintf(nx, sizeof nx, "cell_x %d", l); snprintf(ny, sizeof ny, "cell_y %d", l); snprintf(nt, sizeof nt, "cell_t %d", l);
        double px = probe(r, nx), py = probe(r, ny), t = probe(r, nt);
        if (px <= -1e9 || py <= -1e9 || t <= -1e9) continue;
        checked++;
        if (!is_jet_of(px_at(&im, px, py), t, why, sizeof why)) { if (!wrong) fprintf(stderr, "%s: cell %d: %s\n", what, l, why); wrong++; }
    }
    CHECK(checked >= 40, "%s: %d cells on the canvas", what, checked);
    CHECK(wrong == 0, "%s: %d of %d cells show another weight than their own", what, wrong, checked);
    double ratio = probe(r, "mask_ratio");
    if (ratio < 0.3) {   // a mask that looks somewhere: red-ish over the focus, blue over the rest
        const uint8_t *h = px_at(&im, hx, hy), *c = px_at(&im, cx, cy);
        CHECK(c[2] > c[0] + 40, "%s: weakest cell is blue (%d,%d,%d)", what, c[0], c[1], c[2]);
        if (ht > 0.75) CHECK(h[0] > h[2] + 60, "%s: strongest cell is red-yellow (%d,%d,%d)", what, h[0], h[1], h[2]);
    }
    gl_image_free(&im);
}

static void in_process(void) {
    gui_run r;
    double t0 = gl_now();
    int rc = gui_run_open(&r, 1280, 800, 1, NULL, test_asset_path);
    CHECK(rc == 0, "the app starts headless: %s", rc ? gl_err() : "");
    if (rc != 0) return;
    gui_run_frame(&r);
    CHECK(probe(&r, "view") == 0, "it shows the attention view");
    CHECK(gl_now() - t0 < 20, "start-up");
    double x = probe(&r, "canvas_x"), y = probe(&r, "canvas_y"), w = probe(&r, "canvas_w");
    CHECK(w >= 112, "a large canvas (%g points)", w);
    CHECK(x == 264 && y == 86 && w == 560, "the default layout the executable test assumes (%g,%g,%g)", x, y, w);

    // Clear, then draw a "7": a bar and a slanted stroke.
    char script[1024];
    snprintf(script, sizeof script,
             "key c\n"
             "drag %d %d %d %d 12\n"
             "drag %d %d %d %d 16\n"
             "idle\n"
             "key Right\nkey Right\n"
             "key 2\n"
             "idle\n",
             (int)(x + 0.28 * w), (int)(y + 0.25 * w), (int)(x + 0.72 * w), (int)(y + 0.25 * w),
             (int)(x + 0.72 * w), (int)(y + 0.25 * w), (int)(x + 0.45 * w), (int)(y + 0.8 * w));
    CHECK(run_text(&r, script) == 0, "session runs: %s", gl_err());
    CHECK(probe(&r, "drawn") == 1, "the canvas holds a drawing");
    CHECK(probe(&r, "ink") > 20, "with ink (%g)", probe(&r, "ink"));
    CHECK(probe(&r, "step") == 2, "two steps forward: step index %g", probe(&r, "step"));
    CHECK(probe(&r, "key") == 1, "key switched to gaussian (%g)", probe(&r, "key"));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the mask shown is of the latest drawing (%g vs %g)",
          probe(&r, "shown_version"), probe(&r, "input_version"));
    int pred = (int)probe(&r, "pred");
    CHECK(pred >= 0 && pred <= 9, "a prediction (%d)", pred);
    check_overlay(&r, "gaussian, step 3");
    CHECK(run_text(&r, "key End\nkey 1\nidle\n") == 0, "more steps");
    CHECK(probe(&r, "step") == 9 && probe(&r, "key") == 0, "End and key 1");
    check_overlay(&r, "softmax, step 10");

    // Overlay off: the canvas shows the ink alone, in grey.
    CHECK(run_text(&r, "key o\nframe\n") == 0, "overlay off");
    gl_image im;
    if (gui_sdl_read(r.sdl, &im) == 0) {
        int grey = 1, bright = 0;
        for (int yy = (int)y + 2; yy < y + w - 2; yy += 3)
            for (int xx = (int)x + 2; xx < x + w - 2; xx += 3) {
                const uint8_t *p = px_at(&im, xx, yy);
                grey &= p[0] == p[1] && p[1] == p[2];
                bright += p[0] > 200;
            }
        CHECK(grey, "without the overlay every canvas pixel is grey");
        CHECK(bright > 50, "and the stroke is there (%d bright samples)", bright);
        gl_image_free(&im);
    }
    // The right button erases along its path.
    double ink0 = probe(&r, "ink");
    snprintf(script, sizeof script, "down %d %d 3\nmove %d %d\nup %d %d 3\nidle\n",
             (int)(x + 0.2 * w), (int)(y + 0.25 * w), (int)(x + 0.8 * w), (int)(y + 0.25 * w), (int)(x + 0.8 * w), (int)(y + 0.25 * w));
    CHECK(run_text(&r, script) == 0, "erase");
    CHECK(probe(&r, "ink") < ink0 - 5, "erasing removes ink (%g -> %g)", ink0, probe(&r, "ink"));
    // Undo the erasure, the two strokes and the clear: back to the first test digit.
    CHECK(run_text(&r, "key o\nkey u\nkey u\nkey u\nkey u\nidle\n") == 0, "undo");
    CHECK(probe(&r, "drawn") == 0, "undo restores the gallery digit");
    // Play: the step advances by itself.
    double s0 = probe(&r, "step");
    CHECK(run_text(&r, "key Home\nkey Space\nwait 700\nkey Space\n") == 0, "play");
    CHECK(probe(&r, "step") != s0 && probe(&r, "playing") == 0, "playback moved the step (%g) and paused", probe(&r, "step"));
    // Help overlay and side by side.
    CHECK(run_text(&r, "key F1\n") == 0 && probe(&r, "help") == 1, "F1 opens the shortcuts");
    CHECK(run_text(&r, "key Escape\ntext ?\n") == 0 && probe(&r, "help") == 1, "Esc closes, ? opens");
    CHECK(run_text(&r, "key Escape\nkey s\nidle\n") == 0 && probe(&r, "side") == 1, "side by side");

    // Export the figure next to the test (GLIMPSE_EXPORT_DIR set in main).
    CHECK(run_text(&r, "key s\nkey e\n") == 0, "export");
    char path[512];
    snprintf(path, sizeof path, "%s/glimpse-attention-softmax-001.png", getenv("GLIMPSE_EXPORT_DIR"));
    float *g; int gw, gh;
    CHECK(gl_image_load_grey(path, &g, &gw, &gh) == 0 && gw > 1000, "exported figure %s (%d px wide)", path, gw);
    if (gl_file_exists(path)) { free(g); unlink(path); }

    // Close while the engine is computing: a fresh stroke, then shutdown at once.
    gui_event d = { .type = GUI_EV_DOWN, .x = (int)(x + w / 2), .y = (int)(y + w / 2), .button = 1 };
    gui_run_event(&r, &d);
    gui_run_frame(&r);
    t0 = gl_now();
    gui_run_close(&r);
    CHECK(gl_now() - t0 < 0.2, "closing takes %.3f s", gl_now() - t0);
}

// Without MNIST the view still works: an empty canvas, then a drawing.
static void without_mnist(void) {
    setenv("GLIMPSE_DATA", "/nonexistent-glimpse-data", 1);
    gui_run r;
    if (open_view(&r, "attention", test_asset_path)) return;
    gui_run_frame(&r);
    CHECK(probe(&r, "ink") == 0 && probe(&r, "shown_version") == -1, "an empty canvas and no mask");
    double x = probe(&r, "canvas_x"), y = probe(&r, "canvas_y"), w = probe(&r, "canvas_w");
    char script[256];
    snprintf(script, sizeof script, "drag %d %d %d %d 20\nidle\nkey Right\n",
             (int)(x + 0.5 * w), (int)(y + 0.2 * w), (int)(x + 0.5 * w), (int)(y + 0.8 * w));
    CHECK(run_text(&r, script) == 0, "draw a 1");
    CHECK(probe(&r, "drawn") == 1 && probe(&r, "shown_version") == probe(&r, "input_version"), "the drawing is classified");
    check_overlay(&r, "no MNIST, drawn 1");
    gui_run_close(&r);
    unsetenv("GLIMPSE_DATA");
}

static void with_executable(const char *exe) {
    char dir[] = "/tmp/glimpse-gui-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    char script[600], shot[600], cmd[2400];
    snprintf(script, sizeof script, "%s/session.txt", dir);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    // The default layout puts the canvas at (264, 86), 560 points wide
    // (checked by the in-process test). Screenshots of all ten steps.
    FILE *f = fopen(script, "w");
    fprintf(f, "key c\ndrag 420 230 660 230 12\ndrag 660 230 500 540 16\nkey 2\nidle\nkey Home\n");
    for (int s = 0; s < 10; s++) fprintf(f, "screenshot %s/step%d.png\nkey Right\n", dir, s);
    fprintf(f, "key o\nkey o\nidle\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' --screenshot '%s' --script '%s'", exe, shot, script);
    int rc = system(cmd);
    CHECK(rc == 0, "glimpse --screenshot --script exits 0 (%d)", rc);
    gl_image im;
    CHECK(gl_image_load_png(shot, &im) == 0 && im.w == 1280 && im.h == 800, "the final screenshot is a 1280x800 PNG");
    gl_image_free(&im);
    // Over the canvas: jet colours only (no grey pixel), much blue where the
    // mask is low, and, at the step with the largest weight, red.
    int max_blue = 0, max_warm = 0;
    for (int s = 0; s < 10; s++) {
        char p[700];
        snprintf(p, sizeof p, "%s/step%d.png", dir, s);
        if (gl_image_load_png(p, &im) != 0) { CHECK(0, "step %d screenshot", s); continue; }
        int blue = 0, warm = 0, grey = 0, n = 0;
        for (int y = 90; y < 640; y += 4)
            for (int x = 268; x < 820; x += 4, n++) {
                const uint8_t *q = im.px + ((size_t)y * im.w + x) * 3;
                if (q[0] == q[1] && q[1] == q[2]) grey++;
                if (q[2] > q[0] + 40) blue++;
                if (q[0] > 200 && q[2] < 80) warm++;
            }
        CHECK(grey < n / 50, "step %d: the canvas carries the overlay (%d of %d samples grey)", s + 1, grey, n);
        if (blue > max_blue) max_blue = blue;
        if (warm > max_warm) max_warm = warm;
        gl_image_free(&im);
        unlink(p);
    }
    CHECK(max_warm > 0, "red where it looks hardest (%d samples)", max_warm);
    CHECK(max_blue > 138 * 138 / 4, "mostly blue where it does not look (%d samples)", max_blue);
    // Bad input: a clear one-line error and a non-zero status.
    f = fopen(script, "w");
    fprintf(f, "key Right\nflap 1 2\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' --screenshot '%s' --script '%s' 2>'%s/err.txt'", exe, shot, script, dir);
    rc = system(cmd);
    CHECK(rc != 0, "a bad script fails");
    char errp[600];
    snprintf(errp, sizeof errp, "%s/err.txt", dir);
    uint8_t *eb; size_t en;
    if (gl_read_file(errp, &eb, &en) == 0) {
        CHECK(en > 0 && memchr(eb, '\n', en) == eb + en - 1 && strstr((char *)eb, ":2: unknown command 'flap'"), "one-line error naming the line: %.*s", (int)en, eb);
        free(eb);
        unlink(errp);
    }
    unlink(script); unlink(shot);
    rmdir(dir);
}

int main(int argc, char **argv) {
    if (argc > 1) { with_executable(argv[1]); TEST_MAIN_END(); }
    char dir[] = "/tmp/glimpse-export-XXXXXX";
    if (mkdtemp(dir)) setenv("GLIMPSE_EXPORT_DIR", dir, 1);
    in_process();
    without_mnist();
    rmdir(dir);
    TEST_MAIN_END();
}
