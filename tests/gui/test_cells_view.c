// The Cells view (issue 36): what it shows is the engine's gl_hw_cells_run
// of the line the network writes at that seed (checked cell by cell against
// a run here, for both networks, a layer and state chosen by key); its rows
// are a permutation of the cells; a click keeps a row, N writes the next
// seed's line.
#include "gl_hw.h"
#include "gl_image.h"
#include "gl_test.h"
#include "gui_test.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The worst difference between the view's probes and a run of the same line here.
static double compare(gui_run *r, const char *file, int seed, const char *text, int layer, int state) {
    gl_hw_model *m = gl_hw_load(test_asset_path(file), 0);
    CHECK(m != NULL, "load %s: %s", file, gl_err());
    if (!m) return 1e9;
    gl_hw_sample_opts so = {0};
    so.bias = 1; so.seed = (uint64_t)seed; so.max_steps = text ? 0 : 300;
    gl_hw_result res = {0};
    CHECK(gl_hw_sample(m, text, &so, &res, NULL) >= 0, "sample");
    gl_hw_cells cl;
    double worst = 1e9;
    if (gl_hw_cells_run(m, res.pts, res.n, text, &cl) == 0) {
        CHECK(probe(r, "points") == res.n && probe(r, "cells") == cl.H, "%s: %g points, %g cells (here %d, %d)", file,
              probe(r, "points"), probe(r, "cells"), res.n, cl.H);
        worst = 0;
        const float *a = gl_hw_cells_layer(&cl, layer, state);
        for (int t = 0; t < res.n; t += 7)
            for (int j = 0; j < cl.H; j += 5) {
                char q[64];
                snprintf(q, sizeof q, "act %d %d", t, j);
                double d = fabs(probe(r, q) - a[(size_t)t * cl.H + j]);
                if (d > worst) worst = d;
            }
        gl_hw_cells_free(&cl);
    }
    gl_hw_result_free(&res);
    gl_hw_free(m);
    return worst;
}

// The picture of docs/app.md through the executable (argv[1]): a 1280x800
// screenshot whose heat map is in colour and whose line is coloured by a cell.
static void screenshot(const char *exe) {
    gl_image im;
    if (script_screenshot(exe, "cells", "cells", &im) == 0) {
        int ink = 0, heat = 0;   // coloured pixels on the paper (y 100..260) and under it
        for (int y = 100; y < im.h - 40; y++)
            for (int x = 12; x < im.w - 12; x++) {
                const uint8_t *p = im.px + ((size_t)y * im.w + x) * 3;
                int col = abs(p[0] - p[1]) > 40 || abs(p[1] - p[2]) > 40;
                if (y < 260) ink += col; else heat += col;
            }
        CHECK(im.w == 1280 && im.h == 800 && ink > 1000 && heat > 100000, "screenshot: %d coloured ink, %d heat pixels",
              ink, heat);
        gl_image_free(&im);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) { screenshot(argv[1]); TEST_MAIN_END(); }
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, "cells", test_asset_path) != 0) { fprintf(stderr, "%s\n", gl_err()); return 1; }
    CHECK(run_text(&r, "idle\nframe 2\n") == 0, "first line");
    CHECK(probe(&r, "ready") == 1 && probe(&r, "net") == 0 && probe(&r, "layers") == 3, "prediction ready");
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"), "the line shown is the one asked for");
    double e = compare(&r, "handwriting-predict.safetensors", 1, NULL, 0, 0);
    CHECK(e < 1e-6, "prediction, layer 1, c: the view's cells differ from gl_hw_cells_run by %g", e);
    int H = (int)probe(&r, "cells"), seen = 0;
    char *hit = calloc((size_t)H, 1);
    for (int i = 0; i < H; i++) {
        char q[32];
        snprintf(q, sizeof q, "row %d", i);
        int c = (int)probe(&r, q);
        if (c >= 0 && c < H && !hit[c]) { hit[c] = 1; seen++; }
    }
    free(hit);
    CHECK(seen == H, "the rows are a permutation of the %d cells (%d distinct)", H, seen);
    // layer 3, output h
    CHECK(run_text(&r, "key l\nkey l\nkey s\nframe 2\n") == 0, "keys");
    CHECK(probe(&r, "layer") == 2 && probe(&r, "state") == 1, "layer %g state %g", probe(&r, "layer"),
          probe(&r, "state"));
    e = compare(&r, "handwriting-predict.safetensors", 1, NULL, 2, 1);
    CHECK(e < 1e-6, "prediction, layer 3, h: %g", e);
    // a click on the heat map keeps the row under it; Escape lets go
    char s[128];
    int hx = (int)probe(&r, "heat_x"), hy = (int)probe(&r, "heat_y"), hh = (int)probe(&r, "heat_h");
    snprintf(s, sizeof s, "click %d %d\nframe 1\n", hx + 50, hy + hh / 2);
    CHECK(run_text(&r, s) == 0, "click");
    int row = (int)probe(&r, "pinned");
    CHECK(abs(row - H / 2) <= 1, "the middle row is kept: %d of %d", row, H);
    CHECK(run_text(&r, "key Escape\nframe 1\n") == 0 && probe(&r, "pinned") == -1, "Escape lets go");
    // the next seed, then the synthesis network
    CHECK(run_text(&r, "key n\nidle\nframe 2\n") == 0 && probe(&r, "seed") == 2, "seed 2");
    e = compare(&r, "handwriting-predict.safetensors", 2, NULL, 2, 1);
    CHECK(e < 1e-6, "seed 2: %g", e);
    CHECK(run_text(&r, "key t\nidle\nframe 2\n") == 0 && probe(&r, "net") == 1, "synthesis");
    CHECK(probe(&r, "layer") == 0 && probe(&r, "cells") == 400, "synthesis: layer %g, %g cells", probe(&r, "layer"),
          probe(&r, "cells"));
    e = compare(&r, "handwriting-synth.safetensors", 2, "he said it was never so good", 0, 1);   // texts[seed % 5]
    CHECK(e < 1e-6, "synthesis, layer 1, h: %g", e);
    gui_run_close(&r);
    TEST_MAIN_END();
}
