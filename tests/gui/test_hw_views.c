// Headless sessions of the two handwriting views through SDL's offscreen
// driver and the software renderer, with the shipped weights.
//
// Synthesis: type a word; the paper shows ink, and the alignment figure's
// bright band (the argmax of φ(t,·) read back from the pixels, column by
// column) runs diagonally from the first character to the last. Unsupported
// characters are named and written nothing; step, scrub and replay move the
// pen; changing the text while a line is being written cancels the old
// trace; exports write a valid SVG and PNGs; priming with a Hershey style and
// with a line drawn with the mouse.
//
// Prediction: draw a stroke with the mouse; the density of the next point is
// drawn around the pen tip (hot pixels there, none far away); "continue"
// writes on from the pen; the replay trail; clear; exports.
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_test.h"
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

// An exported SVG: starts as one, has paths, is complete.
static void check_svg(const char *p) {
    uint8_t *b; size_t len;
    int ok = gl_read_file(p, &b, &len) == 0;
    CHECK(ok && len > 100 && !memcmp(b, "<svg", 4) && strstr((char *)b, "<path") && strstr((char *)b, "</svg>"), "%s is an SVG with paths", p);
    if (ok) free(b);
}

static int ends_with(const char *s, const char *suf) { size_t a = strlen(s), b = strlen(suf); return a >= b && !strcmp(s + a - b, suf); }

// What an export wrote to $GLIMPSE_EXPORT_DIR, each file removed after: the SVG (check_svg), each PNG larger than
// 100x50 and, with ink, holding more than 50 dark pixels.
static void check_exports(const char *const names[3], int ink) {
    const char *dir = getenv("GLIMPSE_EXPORT_DIR");
    for (int i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (ends_with(p, ".svg")) {
            check_svg(p);
        } else {
            float *g; int w, h;
            int ok = gl_image_load_grey(p, &g, &w, &h) == 0;
            CHECK(ok && w > 100 && h > 50, "%s is a PNG (%dx%d)", p, ok ? w : 0, ok ? h : 0);
            if (ok && ink) {
                int dark = 0;
                for (int k = 0; k < w * h; k++) dark += g[k] < 0.3f;
                CHECK(dark > 50, "%s has ink (%d dark pixels)", p, dark);
            }
            if (ok) free(g);
        }
        unlink(p);
    }
}

static const uint8_t *px_at(const gl_image *im, int x, int y) {
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x >= im->w) x = im->w - 1;
    if (y >= im->h) y = im->h - 1;
    return im->px + ((size_t)y * im->w + x) * 3;
}

// The jet value t whose colour is nearest to the pixel (t in [0,1], 256 levels).
static double jet_inverse(const uint8_t *p) {
    double best = 1e30, bt = 0;
    for (int i = 0; i < 256; i++) {
        uint8_t j[3];
        gl_jet(i / 255.0f, &j[0], &j[1], &j[2]);
        double d = 0;
        for (int c = 0; c < 3; c++) d += (double)(p[c] - j[c]) * (p[c] - j[c]);
        if (d < best) { best = d; bt = i / 255.0; }
    }
    return bt;
}

// Replaces the text of the synthesis view and writes it.
static int type_text(gui_run *r, const char *text) {
    char s[2048] = "key Return\n";
    for (int i = 0; i < 90; i++) strcat(s, "key Backspace\n");
    size_t n = strlen(s);
    if (*text) snprintf(s + n, sizeof s - n, "text %s\n", text);
    strcat(s, "key Escape\n");   // Return in the text area starts a new paragraph; Escape leaves it
    return run_text(r, s);
}

static void synthesis(void) {
    gui_run r;
    if (open_view(&r, "synthesis", test_asset_path)) return;
    gui_run_frame(&r);
    CHECK(probe(&r, "have_model") == 1, "the shipped synthesis weights load");

    // A word, shown whole (instant).
    CHECK(type_text(&r, "minimum") == 0, "type a word: %s", gl_err());
    CHECK(run_text(&r, "idle\nkey i\nframe 2\n") == 0, "write it");
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the line shown is of the latest text (%g vs %g)",
          probe(&r, "shown_version"), probe(&r, "input_version"));
    int n = (int)probe(&r, "steps"), U = (int)probe(&r, "U");
    CHECK(n > 20 && probe(&r, "done") == 1, "a finished line of %d points", n);
    CHECK(U == 7, "the window runs over 7 characters (%d)", U);
    CHECK(probe(&r, "step") == n - 1, "instant: the last point is shown");
    gl_image im;
    if (gui_sdl_read(r.sdl, &im) == 0) {
        // ink on the paper: dark pixels
        int px = (int)probe(&r, "paper_x"), py = (int)probe(&r, "paper_y"), pw = (int)probe(&r, "paper_w"), ph = (int)probe(&r, "paper_h");
        int ink = 0, paper = 0;
        for (int y = py + 2; y < py + ph - 2; y++)
            for (int x = px + 2; x < px + pw - 2; x++) {
                const uint8_t *p = px_at(&im, x, y);
                if (p[0] < 90 && p[1] < 90 && p[2] < 90) ink++;
                else if (p[0] > 240 && p[1] > 240) paper++;
            }
        CHECK(ink > 300, "ink on the paper (%d dark pixels)", ink);
        CHECK(paper > pw * ph / 2, "on a light paper (%d light pixels)", paper);
        // alignment figure: per column, the row with the hottest colour
        int fx = (int)probe(&r, "fig_x"), fy = (int)probe(&r, "fig_y"), fw = (int)probe(&r, "fig_w"), fh = (int)probe(&r, "fig_h");
        CHECK(fw > 200 && fh > 50, "an alignment figure (%dx%d)", fw, fh);
        int rows = U + 1, cols = 60, back = 0, first = -1, last = -1, hot_cols = 0, prev = 0;
        double rowh = (double)fh / rows;
        for (int c = 0; c < cols; c++) {
            int x = fx + 2 + (int)((fw - 4) * (c + 0.5) / cols);
            int best = 0; double bt = -1;
            for (int u = 0; u < rows; u++) {
                // the row's centre, off the white κ lines: the median of three pixels
                double t[3];
                for (int k = 0; k < 3; k++) t[k] = jet_inverse(px_at(&im, x, fy + (int)(rowh * (u + 0.3 + 0.2 * k))));
                double lo = fmin(t[0], fmin(t[1], t[2])), hi = fmax(t[0], fmax(t[1], t[2]));
                double med = t[0] + t[1] + t[2] - lo - hi;
                if (med > bt) { bt = med; best = u; }
            }
            if (bt < 0.15) continue;   // a column without a peak says nothing
            if (bt >= 0.4) hot_cols++;
            if (first < 0) first = best;
            if (best < prev - 1) back++;   // the band may wobble by one row, never jump back
            if (best > prev) prev = best;
            last = best;
        }
        CHECK(hot_cols >= cols / 3, "a bright band: %d of %d columns have a hot row (√ scale >= 0.4)", hot_cols, cols);
        CHECK(first <= 1, "the band starts at the first characters (row %d)", first);
        CHECK(last >= U - 2, "and ends at the last ones (row %d of %d)", last, U);
        CHECK(back == 0, "it runs diagonally: %d columns step back", back);
        gl_image_free(&im);
    } else CHECK(0, "read back: %s", gl_err());

    // Characters it cannot write: named with what it can write in a note on
    // the paper that lasts until the text changes; nothing written, the old
    // line stays, and the status names the line shown, not the text typed.
    double shown = probe(&r, "shown_version");
    CHECK(run_text(&r, "key Return\ntext @~\nkey Escape\nidle\n") == 0, "type '@' and '~' (in no handwriting corpus)");
    CHECK(probe(&r, "shown_version") == shown && probe(&r, "text_error") == 1, "the last good line stays on the paper");
    expire_note(&r);
    CHECK(run_text(&r, "wait 300\nframe 3\n") == 0, "frames later");
    const char *d = drawn_text(&r);
    CHECK(strstr(d, "'@'") && strstr(d, "'~'") && strstr(d, "abcdefghijklmnopqrstuvwxyz"),
          "a lasting note on the paper names them and what it can write: %.300s", d);
    CHECK(strstr(r.sh->app.status, "not written") && strstr(r.sh->app.status, "\"minimum\"") && !strstr(r.sh->app.status, "@~"),
          "the status says it is not written and names the line shown: %s", r.sh->app.status);
    CHECK(run_text(&r, "key Return\nkey Backspace\nkey Backspace\ntext ab\nkey Escape\nidle\nframe\n") == 0, "change the text");
    CHECK(probe(&r, "text_error") == 0 && !strstr(drawn_text(&r), "'@'") && probe(&r, "shown_version") == probe(&r, "input_version") &&
          strstr(r.sh->app.status, "\"minimumab\""), "the note goes, the new text is written: %s", r.sh->app.status);
    // A look-alike the model knows (… as ...) is written as it, and said.
    CHECK(type_text(&r, "wait\xe2\x80\xa6") == 0 && run_text(&r, "idle\nframe\n") == 0, "type an ellipsis");
    CHECK(probe(&r, "text_len") == 7 && probe(&r, "U") == 7 && probe(&r, "text_replaced") == 1 && probe(&r, "text_error") == 0,
          "written as three full stops (%g characters)", probe(&r, "U"));
    CHECK(strstr(drawn_text(&r), "as '...'") != NULL, "and the paper says so: %.200s", drawn_text(&r));
    // A character outside ASCII it cannot write: kept in the text and named
    // with what it can write in a note that stays while the text holds it;
    // nothing is written (as the CLI), the last page stays.
    shown = probe(&r, "shown_version");
    CHECK(run_text(&r, "key Return\ntext \xc3\xa9\nidle\n") == 0, "type an e with an acute accent");
    expire_note(&r);
    CHECK(run_text(&r, "frame 2\n") == 0 && probe(&r, "text_len") == 9 && probe(&r, "text_error") == 1 &&
          probe(&r, "shown_version") == shown && strstr(drawn_text(&r), "'\xc3\xa9'") &&
          strstr(drawn_text(&r), "abcdefghijklmnopqrstuvwxyz"),
          "named, with what it can write, and nothing written: %.300s", drawn_text(&r));
    CHECK(run_text(&r, "text s\nidle\nframe\n") == 0 && probe(&r, "text_error") == 1 && strstr(drawn_text(&r), "'\xc3\xa9'"),
          "another change that keeps it keeps the note");
    CHECK(run_text(&r, "key Left\nkey Backspace\nkey Escape\nidle\nframe\n") == 0 && probe(&r, "text_error") == 0 &&
          !strstr(drawn_text(&r), "'\xc3\xa9'") && probe(&r, "text_len") == 8 && probe(&r, "shown_version") == probe(&r, "input_version"),
          "taken out (one Backspace: the whole character), the note goes and the text is written");
    // the look-alike note lasts only while the text holds what it concerns
    CHECK(strstr(drawn_text(&r), "as '...'") != NULL, "the text still holds '...': %.200s", drawn_text(&r));
    CHECK(type_text(&r, "plain words") == 0 && run_text(&r, "idle\nframe\n") == 0 && probe(&r, "text_replaced") == 0 &&
          !strstr(drawn_text(&r), "as '...'"), "a new text without it: no note: %.200s", drawn_text(&r));

    // Changing the text while a line is being written: the old trace is cancelled.
    gl_engine_stats st0, st1;
    gl_engine_get_stats(r.sh->app.engine, &st0);
    CHECK(run_text(&r, "key Home\n") == 0 && probe(&r, "instant") == 0 && probe(&r, "step") == 0, "stepping ends instant mode");
    CHECK(type_text(&r, "the quick brown fox jumps over the lazy dog and runs far away") == 0, "a long line, typed a letter a frame");
    CHECK(run_text(&r, "key Return\ntext z\nkey Escape\nidle\n") == 0, "more text while it writes");
    gl_engine_get_stats(r.sh->app.engine, &st1);
    CHECK(st1.cancelled + st1.dropped > st0.cancelled + st0.dropped, "older lines were cancelled or dropped (%llu, %llu)",
          (unsigned long long)(st1.cancelled - st0.cancelled), (unsigned long long)(st1.dropped - st0.dropped));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "done") == 1, "the newest text is written");
    // wrapped as `write --page` wraps it (45 characters): two lines, the second primed with the first
    CHECK(probe(&r, "lines") == 2 && probe(&r, "lines_written") == 2 && probe(&r, "line") == 0 &&
          probe(&r, "U") == (double)strlen("the quick brown fox jumps over the lazy dog"),
          "all of it, in two lines (%g, the first of %g characters)", probe(&r, "lines"), probe(&r, "U"));
    CHECK(probe(&r, "playing") == 1 && probe(&r, "step") < probe(&r, "steps") - 1, "the pen is still writing at its speed");

    // Step, scrub, replay.
    CHECK(run_text(&r, "key Home\nkey Right\nkey Right\nkey Right\n") == 0, "step");
    CHECK(probe(&r, "step") == 3 && probe(&r, "playing") == 0, "three points in, paused (%g)", probe(&r, "step"));
    n = (int)probe(&r, "steps");
    CHECK(run_text(&r, "key End\nkey PageUp\n") == 0 && probe(&r, "step") == n - 11, "End, PageUp (%g of %d)", probe(&r, "step"), n);
    int c = (int)probe(&r, "char");
    CHECK(c >= (int)probe(&r, "U") - 8 && c < (int)probe(&r, "U"), "near the end the window is on the last characters (%d)", c);
    CHECK(run_text(&r, "key Home\nkey r\nwait 400\n") == 0, "replay");
    double want = 0.4 * probe(&r, "speed") * probe(&r, "points_per_char");   // points in 0.4 s
    CHECK(probe(&r, "speed") == 3 && probe(&r, "points_per_char") > 3 && probe(&r, "points_per_char") < 30, "3 characters a second of %g points each",
          probe(&r, "points_per_char"));
    CHECK(probe(&r, "step") >= 0.5 * want && probe(&r, "step") < n - 1, "the pen moves at its speed (%g points after 0.4 s; %.1f expected)",
          probe(&r, "step"), want);
    CHECK(run_text(&r, "key Space\n") == 0 && probe(&r, "playing") == 0, "pause");
    double s1 = probe(&r, "step");
    CHECK(run_text(&r, "wait 200\n") == 0 && probe(&r, "step") == s1, "paused means still");

    // Export the finished line.
    CHECK(run_text(&r, "key e\n") == 0, "export");
    static const char *const names[3] = { "glimpse-synthesis-001.svg", "glimpse-synthesis-001.png",
                                          "glimpse-synthesis-001-window.png" };
    check_exports(names, 1);

    // Priming: a preset (a line the model wrote), then a line of one's own.
    CHECK(probe(&r, "styles") == 6 && probe(&r, "style_mine") == 5, "plain, the four shipped presets and mine (%g)", probe(&r, "styles"));
    CHECK(type_text(&r, "minimum") == 0, "a word");
    CHECK(run_text(&r, "key 2\nidle\nkey i\nframe\n") == 0, "style 2");
    CHECK(probe(&r, "style") == 2 && probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "steps") > 20,
          "primed with style 2 (%g points)", probe(&r, "steps"));
    // the presets' text (data/make_styles.sh): mixed case when the model can write it
    CHECK(probe(&r, "U") == (double)strlen("A quick brown fox, 1984. minimum"), "the window runs over the preset's text and the word (%g)", probe(&r, "U"));
    // no leak of the primer: the first point is chosen from the window the
    // primer left (on its last character at the latest: the jump to the
    // word), and every later one is written with the window on the word
    {
        int lp = (int)strlen("A quick brown fox, 1984."), n = (int)probe(&r, "steps"), on_primer = 0;
        double first = (run_text(&r, "key Home\n") == 0) ? probe(&r, "char") : -1;
        for (int i = 1; i < n; i++) {
            run_text(&r, "key Right\n");
            if (probe(&r, "char") < lp) on_primer++;
        }
        CHECK(first >= lp - 1 && on_primer == 0, "the points are written on the word, not the primer's text (first point on character %g, "
              "%d later points on the primer's)", first, on_primer);
    }
    // in the model's units: a line a few standard deviations of an offset
    // high, points about one apart (Hershey 4.9 and 1.2; IAM-OnDB, thinned, 11 and 0.5)
    gl_hw_model *sm = NULL;
    CHECK((sm = gl_hw_load(test_asset_path("handwriting-synth.safetensors"), 0)) != NULL, "the model's units: %s", gl_err());
    double hs = probe(&r, "mine_height") / sm->cfg.std[1], ss = probe(&r, "mine_step") / sm->cfg.std[0];
    gl_hw_free(sm);
    CHECK(hs > 2 && hs < 30 && ss > 0.2 && ss < 2.5, "a line of one's own is scaled to the presets' height %g and step %g (in standard deviations)", hs, ss);
    int px = (int)probe(&r, "paper_x"), py = (int)probe(&r, "paper_y");
    char script[1024];
    snprintf(script, sizeof script, "key m\ndrag %d %d %d %d 20\ndrag %d %d %d %d 20\nkey m\nidle\n",
             px + 40, py + 120, px + 160, py + 80, px + 170, py + 60, px + 260, py + 130);
    CHECK(run_text(&r, script) == 0, "write a line, use it");
    CHECK(probe(&r, "style") == 5 && probe(&r, "mine_points") >= 10 && probe(&r, "recording") == 0,
          "primed with my line (%g points)", probe(&r, "mine_points"));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "steps") > 10, "and written");
    CHECK(run_text(&r, "key Home\n") == 0 && probe(&r, "char") >= (double)strlen("hello"),
          "no leak of my line: the first point is written on the word (character %g)", probe(&r, "char"));
    CHECK(run_text(&r, "key m\nkey m\n") == 0 && strstr(r.sh->app.note, "empty"), "an empty drawing is refused: %s", r.sh->app.note);

    // Empty text: nothing on the paper, no job.
    CHECK(type_text(&r, "") == 0, "clear the text");
    CHECK(run_text(&r, "idle\n") == 0 && probe(&r, "steps") == 0 && probe(&r, "shown_version") == -1, "empty text, empty paper");

    // Close while writing: quick.
    CHECK(type_text(&r, "a last line to cancel on the way out") == 0, "write");
    double t0 = gl_now();
    gui_run_close(&r);
    CHECK(gl_now() - t0 < 0.5, "closing takes %.3f s", gl_now() - t0);
}

// A synthesis network with the IAM-OnDB alphabet (81 characters, IAM-sized
// offsets) and random weights: what it writes is scribble, but the view's
// handling of typed text is the one a trained IAM model gets.
static char iam_model[300];
static const char *iam_asset_path(const char *name) {
    if (!strcmp(name, "handwriting-synth.safetensors")) return iam_model;
    return test_asset_path(name);
}

// A mouse-written line: one stroke of `chars` humps 40 points high (about
// a character each) from (x0, y0), as script lines (down, moves, up).
static void hand_script(char *s, size_t cap, int x0, int y0, int chars) {
    size_t k = (size_t)snprintf(s, cap, "down %d %d\n", x0, y0);
    for (int c = 0; c < chars; c++)
        for (int t = 1; t <= 8 && k < cap; t++)
            k += (size_t)snprintf(s + k, cap - k, "move %d %d\n", x0 + c * 26 + t * 26 / 8,
                                  y0 - (int)(40 * sin(3.14159265 * t / 8)));
    if (k < cap) snprintf(s + k, cap - k, "up %d %d\n", x0 + chars * 26, y0);
}

static void iam_alphabet(void) {
    gl_hw_cfg cfg = {0};
    cfg.L = 1; cfg.H = 16; cfg.M = 2; cfg.K = 2;
    snprintf(cfg.alphabet, sizeof cfg.alphabet, " !\"#&'()*+,-./0123456789:;?ABCDEFGHIJKLMNOPQRSTUVWXYZ[]abcdefghijklmnopqrstuvwxyz");
    cfg.C = (int)strlen(cfg.alphabet);
    snprintf(cfg.marks, sizeof cfg.marks, "#");   // as trained on IAM-OnDB: '#' is a word not read
    cfg.mean[0] = 16; cfg.mean[1] = 0.2f; cfg.std[0] = 50; cfg.std[1] = 48;   // not the shipped model's
    gl_hw_model *m = NULL;
    snprintf(iam_model, sizeof iam_model, "%s/iam-synth.safetensors", getenv("GLIMPSE_EXPORT_DIR"));
    CHECK((m = gl_hw_new(&cfg, 1)) != NULL && gl_hw_save(m, iam_model, NULL, 0) == 0, "an IAM-alphabet model: %s", gl_err());
    gl_hw_free(m);
    gui_run r;
    if (open_view(&r, "synthesis", iam_asset_path)) { unlink(iam_model); return; }
    gui_run_frame(&r);
    CHECK(probe(&r, "have_model") == 1 && cfg.C == 81, "the model loads (%d characters)", cfg.C);
    CHECK(probe(&r, "styles") == 2 && strstr(r.sh->app.note, "another model"),
          "the shipped presets, written by another model, are left out and that is said: %s", r.sh->app.note);
    CHECK(fabs(probe(&r, "mine_height") - 20 * 48 / 4.12) < 1, "a line of one's own is brought to this model's units (height %g)", probe(&r, "mine_height"));
    // what people type first: capitals, digits, punctuation, curly quotes
    CHECK(type_text(&r, "\xe2\x80\x9cHello,\xe2\x80\x9d World 2024!") == 0 && run_text(&r, "idle\nkey i\nframe\n") == 0, "type it");
    CHECK(probe(&r, "text_len") == 20 && probe(&r, "text_error") == 0 && probe(&r, "text_replaced") == 1, "the quotes became '\"' (%g characters)",
          probe(&r, "text_len"));
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "steps") > 0 && probe(&r, "U") == 20, "and it is written (%g points)",
          probe(&r, "steps"));
    CHECK(strstr(drawn_text(&r), "as '\"'") && strstr(r.sh->app.status, "\"\"Hello,\" World 2024!\""), "said on the paper; status %s", r.sh->app.status);
    CHECK(run_text(&r, "key Return\ntext \xe2\x82\xac\nkey Escape\nidle\nframe\n") == 0 && probe(&r, "text_error") == 1, "a euro sign");
    const char *d = drawn_text(&r);
    CHECK(strstr(d, "'\xe2\x82\xac'") && strstr(d, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strstr(d, "0123456789"), "named with what it can write: %.300s", d);
    // IAM-OnDB's '#' (a word not read) is in the alphabet but not writable: named, with what it means
    CHECK(run_text(&r, "key Return\nkey Backspace\ntext #\nkey Escape\nidle\nframe\n") == 0 && probe(&r, "text_error") == 1,
          "a '#' instead");
    d = drawn_text(&r);
    CHECK(strstr(d, "'#'") && strstr(d, "marks"), "named as a mark of the texts it learnt from: %.300s", d);
    // a line of one's own primes it
    int px = (int)probe(&r, "paper_x"), py = (int)probe(&r, "paper_y");
    char script[4096] = "key Return\nkey Backspace\nkey Escape\nkey m\n";   // the euro sign out, then a line
    hand_script(script + strlen(script), sizeof script - 40, px + 40, py + 120, 5);
    strcat(script, "key m\nidle\n");
    CHECK(run_text(&r, script) == 0 && probe(&r, "style") == 1 && probe(&r, "mine_points") >= 20, "primed with my line (%g points): %s",
          probe(&r, "mine_points"), r.sh->app.note);
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") && probe(&r, "steps") > 0, "and written");
    gui_run_close(&r);
    unlink(iam_model);
}

// Hot (density) pixels in a box: red to yellow, not the ink's white nor the canvas.
static int hot_pixels(const gl_image *im, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            const uint8_t *p = px_at(im, x, y);
            if (p[0] > 150 && p[2] < 120 && p[0] >= p[1]) n++;
        }
    return n;
}

// A stroke of N moves along an arc, pen kept down (no release): the script text.
static void arc_script(char *out, size_t cap, int cx, int cy, int rad, double a0, double a1, int n, int press) {
    size_t k = 0;
    if (press) k += (size_t)snprintf(out + k, cap - k, "down %d %d\n", cx + (int)(rad * cos(a0)), cy + (int)(rad * sin(a0)));
    for (int i = 1; i <= n && k < cap; i++) {
        double a = a0 + (a1 - a0) * i / n;
        k += (size_t)snprintf(out + k, cap - k, "move %d %d\n", cx + (int)(rad * cos(a)), cy + (int)(rad * sin(a)));
    }
}

static void prediction(void) {
    gui_run r;
    if (open_view(&r, "prediction", test_asset_path)) return;
    gui_run_frame(&r);
    CHECK(probe(&r, "have_model") == 1, "the shipped prediction weights load");
    CHECK(probe(&r, "points") == 0 && probe(&r, "frames") == 0, "an empty canvas");
    CHECK(run_text(&r, "key g\n") == 0 && strstr(r.sh->app.note, "draw something first"), "continue on an empty canvas is refused: %s", r.sh->app.note);
    int cx = (int)probe(&r, "canvas_x"), cy = (int)probe(&r, "canvas_y");

    // Half a circle with the pen held down.
    char script[16384];
    arc_script(script, sizeof script, cx + 250, cy + 250, 90, M_PI, 2 * M_PI, 40, 1);
    strcat(script, "idle\n");
    CHECK(run_text(&r, script) == 0, "a stroke: %s", gl_err());
    int pts = (int)probe(&r, "points");
    // half a circle of radius 90 px is 283 px: points 4.5 units (13.5 px) apart
    CHECK(pts >= 19 && pts <= 23, "the pen path became %d points (about 4.5 units apart)", pts);
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the density shown is of the newest point (%g vs %g)",
          probe(&r, "shown_version"), probe(&r, "input_version"));
    CHECK(probe(&r, "frames") == pts && probe(&r, "user_frames") == pts, "one frame per point (%g)", probe(&r, "frames"));
    double tx = probe(&r, "tip_x"), ty = probe(&r, "tip_y"), half = probe(&r, "grid_half");
    double mx = cx + 250 + 90, my = cy + 250;   // where the mouse is
    CHECK(hypot(tx - mx, ty - my) < 15, "the pen tip (%.0f,%.0f) is at the mouse (%.0f,%.0f)", tx, ty, mx, my);
    CHECK(half >= 20 && half <= 80, "the grid spans +-%.0f pixels", half);
    double e = probe(&r, "eos");
    CHECK(e >= 0 && e <= 1, "end-of-stroke probability %g", e);
    gl_image im;
    if (gui_sdl_read(r.sdl, &im) == 0) {
        int near = hot_pixels(&im, (int)(tx - half), (int)(ty - half), (int)(tx + half), (int)(ty + half));
        int far = hot_pixels(&im, (int)(tx - 250), (int)(ty - 200), (int)(tx - 150), (int)(ty - 100));
        CHECK(near >= 12, "density drawn around the pen tip (%d hot pixels)", near);
        CHECK(far == 0, "none far from it (%d)", far);
        double qx = probe(&r, "peak_x"), qy = probe(&r, "peak_y");
        CHECK(hypot(qx - tx, qy - ty) < 45, "the densest cell (%.0f,%.0f) is next to the tip", qx, qy);
        int hot_peak = hot_pixels(&im, (int)qx - 3, (int)qy - 3, (int)qx + 3, (int)qy + 3);
        const uint8_t *pk = px_at(&im, (int)qx, (int)qy);
        CHECK(hot_peak > 0 || (pk[0] > 240 && pk[1] > 240), "and shows hot (%d,%d,%d)", pk[0], pk[1], pk[2]);
        gl_image_free(&im);
    } else CHECK(0, "read back: %s", gl_err());

    // The density follows the pen: on along the circle, then released.
    double otx = tx, oty = ty;
    arc_script(script, sizeof script, cx + 250, cy + 250, 90, 0, M_PI / 2, 20, 0);
    strcat(script, "idle\n");
    CHECK(run_text(&r, script) == 0, "more stroke");
    tx = probe(&r, "tip_x"); ty = probe(&r, "tip_y");
    CHECK(hypot(tx - (cx + 250), ty - (cy + 340)) < 15 && hypot(tx - otx, ty - oty) > 100, "the tip moved to (%.0f,%.0f)", tx, ty);
    if (gui_sdl_read(r.sdl, &im) == 0) {
        half = probe(&r, "grid_half");
        int near = hot_pixels(&im, (int)(tx - half), (int)(ty - half), (int)(tx + half), (int)(ty + half));
        int old = hot_pixels(&im, (int)otx - 10, (int)oty - 40, (int)otx + 10, (int)oty - 20);
        CHECK(near >= 12 && old == 0, "the density moved with it (%d hot pixels at the tip, %d where it was)", near, old);
        gl_image_free(&im);
    }
    snprintf(script, sizeof script, "up %d %d\nidle\n", cx + 250, cy + 340);
    CHECK(run_text(&r, script) == 0 && probe(&r, "frames") == probe(&r, "points"), "pen up: the lift is one more point");

    // Continue: the network writes on, revealed at the pen speed.
    int drawn = (int)probe(&r, "points");
    CHECK(run_text(&r, "key g\nwait 500\n") == 0, "continue");
    double st = probe(&r, "step");
    CHECK(probe(&r, "mode") == 1 && st > drawn && st < drawn + 45 && probe(&r, "generated") == 1,
          "the network's points are revealed at 30 a second (step %g after %d drawn)", st, drawn);
    CHECK(run_text(&r, "idle\n") == 0 && probe(&r, "frames") > drawn + 100, "and computed on the engine (%g frames)", probe(&r, "frames"));
    CHECK(probe(&r, "user_frames") == drawn, "the drawn points stay the drawn ones");

    // Replay with the trail.
    CHECK(run_text(&r, "key r\nframe\n") == 0 && probe(&r, "mode") == 2 && probe(&r, "playing") == 1, "replay");
    CHECK(run_text(&r, "key End\n") == 0 && probe(&r, "step") == probe(&r, "frames") - 1, "End");
    double cells = probe(&r, "trail_cells");
    CHECK(cells > 200, "a density trail along the whole line (%g cells, %g steps)", cells, probe(&r, "frames"));
    CHECK(run_text(&r, "key Home\nkey Right\nkey Right\n") == 0 && probe(&r, "step") == 2 && probe(&r, "trail_cells") < cells / 5,
          "stepping back to step 3 shortens the trail (%g cells)", probe(&r, "trail_cells"));

    // Export.
    CHECK(run_text(&r, "key End\nkey e\n") == 0, "export");
    static const char *const names[3] = { "glimpse-prediction-001.svg", "glimpse-prediction-001.png",
                                          "glimpse-prediction-001-density.png" };
    check_exports(names, 0);

    // Drawing on after a continuation: the network starts over from the drawn points.
    snprintf(script, sizeof script, "drag %d %d %d %d 10\nidle\n", cx + 500, cy + 300, cx + 560, cy + 260);
    CHECK(run_text(&r, script) == 0, "draw on");
    CHECK(probe(&r, "mode") == 0 && probe(&r, "frames") == probe(&r, "points") && probe(&r, "points") > drawn,
          "drawn points only (%g frames, %g points)", probe(&r, "frames"), probe(&r, "points"));
    // (a trail kept from the last session would cover all of its cells and more)
    CHECK(run_text(&r, "key End\n") == 0 && probe(&r, "trail_cells") < cells,
          "the new session's trail holds its own steps only (%g cells, %g before)", probe(&r, "trail_cells"), cells);
    // A new bias: every density again.
    CHECK(run_text(&r, "key ]\nidle\n") == 0 && probe(&r, "bias") == 0.25 && probe(&r, "frames") == probe(&r, "points"), "bias 0.25, refed");
    // Clear; changing while the engine runs, then closing.
    CHECK(run_text(&r, "key c\nidle\n") == 0 && probe(&r, "points") == 0 && probe(&r, "frames") == 0, "clear");
    CHECK(run_text(&r, "key e\n") == 0 && strstr(r.sh->app.note, "empty"), "nothing to export: %s", r.sh->app.note);
    arc_script(script, sizeof script, cx + 250, cy + 250, 90, M_PI, 2 * M_PI, 30, 1);
    strcat(script, "up 340 250\nkey g\n");
    CHECK(run_text(&r, script) == 0, "draw and continue");
    double t0 = gl_now();
    gui_run_close(&r);
    CHECK(gl_now() - t0 < 0.5, "closing while the network writes takes %.3f s", gl_now() - t0);
}

// The README screenshot scripts run through the executable.
static void screenshots(const char *exe) {
    const char *views[2] = { "synthesis", "prediction" };
    for (int i = 0; i < 2; i++) {
        char cmd[2000], shot[200];
        snprintf(shot, sizeof shot, "%s/shot-%s.png", getenv("GLIMPSE_EXPORT_DIR"), views[i]);
        snprintf(cmd, sizeof cmd,
                 "'%s' --view %s --screenshot '%s' --script '%s/app/gui/scripts/screenshot-handwriting-%s.txt'",
                 exe, views[i], shot, getenv("GLIMPSE_SOURCE_ROOT") ? getenv("GLIMPSE_SOURCE_ROOT") : ".", views[i]);
        CHECK(system(cmd) == 0, "%s", cmd);
        float *g; int w, h;
        int ok = gl_image_load_grey(shot, &g, &w, &h) == 0;
        CHECK(ok && w == 1280 && h == 800, "%s: a 1280x800 screenshot", views[i]);
        if (ok) free(g);
        unlink(shot);
    }
}

// The prediction view in a model's own units: two networks with the same
// weights, one with the Hershey corpus's normalisation and one with every
// offset 16 times larger (IAM-OnDB's tablet units), see the same gesture as
// the same normalised input, so the density on screen must be the same.
static char pred_model[300];
static const char *pred_asset_path(const char *name) {
    if (!strcmp(name, "handwriting-predict.safetensors")) return pred_model;
    return test_asset_path(name);
}

static int pred_units_run(float scale, double out[5]) {
    gl_hw_cfg cfg = {0};
    cfg.L = 1; cfg.H = 16; cfg.M = 3; cfg.K = 0;
    cfg.mean[0] = 1.41f * scale; cfg.mean[1] = 0.03f * scale; cfg.std[0] = 3.654f * scale; cfg.std[1] = 4.119f * scale;
    gl_hw_model *m = NULL;
    snprintf(pred_model, sizeof pred_model, "%s/units-predict.safetensors", getenv("GLIMPSE_EXPORT_DIR"));
    if (!(m = gl_hw_new(&cfg, 7)) || gl_hw_save(m, pred_model, NULL, 0)) { gl_hw_free(m); return -1; }
    gl_hw_free(m);
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, "prediction", pred_asset_path)) { unlink(pred_model); return -1; }
    gui_run_frame(&r);
    int cx = (int)probe(&r, "canvas_x"), cy = (int)probe(&r, "canvas_y");
    char script[16384];
    arc_script(script, sizeof script, cx + 250, cy + 250, 90, M_PI, 2 * M_PI, 40, 1);
    strcat(script, "idle\n");
    int rc = run_text(&r, script);
    out[0] = probe(&r, "points"); out[1] = probe(&r, "grid_half"); out[2] = probe(&r, "peak_x"); out[3] = probe(&r, "peak_y"); out[4] = probe(&r, "eos");
    gui_run_close(&r);
    unlink(pred_model);
    return rc;
}

static void prediction_units(void) {
    double a[5], b[5];
    CHECK(pred_units_run(1, a) == 0 && pred_units_run(16, b) == 0, "both views run: %s", gl_err());
    CHECK(a[0] == b[0] && a[0] >= 19, "the same gesture, the same points (%g, %g)", a[0], b[0]);
    CHECK(fabs(a[1] - b[1]) < 0.01 * a[1], "the same grid on screen (+-%g, +-%g px)", a[1], b[1]);
    CHECK(hypot(a[2] - b[2], a[3] - b[3]) <= 2 * a[1] / 40 + 1, "the densest cell in the same place ((%g,%g), (%g,%g))", a[2], a[3], b[2], b[3]);
    CHECK(fabs(a[4] - b[4]) < 1e-4, "the same end-of-stroke probability (%g, %g)", a[4], b[4]);
}

int main(int argc, char **argv) {
    char dir[] = "/tmp/glimpse-hw-XXXXXX";
    char xdg[64];
    if (mkdtemp(dir)) setenv("GLIMPSE_EXPORT_DIR", dir, 1);
    snprintf(xdg, sizeof xdg, "%s/none", dir);   // no styles of one's own from the home directory
    setenv("XDG_DATA_HOME", xdg, 1);
    if (argc > 1) screenshots(argv[1]);
    else {
        synthesis();
        iam_alphabet();
        prediction();
        prediction_units();
    }
    rmdir(dir);
    TEST_MAIN_END();
}
