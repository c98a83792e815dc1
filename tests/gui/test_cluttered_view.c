// Headless sessions of the Search view (cluttered MNIST, view_cluttered.c),
// with weights written here so that every number on screen can be checked
// against gl_clut_run on the same image:
//   - test image k is gl_clut_make's (gl_clut_test_seed(k)); N / P step
//     through them; the windows and probabilities shown are the model's on
//     that image, for either model (A);
//   - the box of a glimpse is drawn where its window is (side (N−1)δ around
//     g − 0.5 in canvas units), in the glimpse's colour;
//   - dragging the digit moves it by as many image pixels as the mouse moved,
//     the clutter staying (gl_clut_compose, same seed); [ and ] change the
//     number of fragments within 0..16;
//   - C leaves the clutter alone, the pen draws into it and the run shown
//     is of the drawing; the right button erases; U undoes;
//   - a pen followed frame by frame at 60 Hz: the run on screen is the
//     newest input after each stroke; the time of one run (its CPU time);
//   - stepping, play, the timeline and the patch row; E exports numbered PNGs;
//     the loop sleeps when nothing changes;
//   - missing, broken and mismatched weight files: random weights, and a
//     note naming the file and the reason that stays ("untrained" only when
//     there is no file); without MNIST the view still draws; the layout
//     holds at 900x600 with the note shown.
#include "gl_clut.h"
#include "gl_clut_figure.h"
#include "gl_image.h"
#include "gl_mnist.h"
#include "gl_test.h"
#include "gui_test.h"
#include "view.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define A GL_CLUT_A

static char asset_dir[512];
static const char *dir_asset_path(const char *name) {
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/%s", asset_dir, name);
    return buf;
}

static double probe_s(gui_run *r, const char *fmt, int i, int k) {
    char s[64];
    snprintf(s, sizeof s, fmt, i, k);
    return probe(r, s);
}

static void send(gui_run *r, gui_event e) { gui_run_event(r, &e); }

// Frames drawn by the sleeping loop over `seconds` of real time.
static int frames_over(gui_run *r, double seconds) {
    uint64_t f0 = r->frames;
    double end = gl_now() + seconds;
    while (gl_now() < end) gui_run_step(r, end - gl_now());
    return (int)(r->frames - f0);
}

// A model whose first window (from read.b alone: h_0 = 0) is centred on
// (gx, gy) with stride delta, σ = δ/2, γ = 1.
static gl_clut *model_at(float gx, float gy, float delta, uint64_t seed) {
    gl_clut_config c = GL_CLUT_CONFIG_DEFAULT;
    gl_clut *m = gl_clut_new(&c, seed);
    gl_param *b = gl_params_find(gl_clut_params(m), "read.b");
    b->w[GL_CW_GX] = atanhf(2 * gx / (A + 1) - 1);
    b->w[GL_CW_GY] = atanhf(2 * gy / (A + 1) - 1);
    b->w[GL_CW_LOGDELTA] = logf((delta - GL_CLUT_DELTA_MIN) * (float)(c.N - 1) / (float)(A - 1));
    b->w[GL_CW_LOGS2] = logf(delta * delta / 4 - GL_CLUT_SIGMA2_MIN);
    b->w[GL_CW_LOGGAMMA] = 0;
    return m;
}

static double img_sum(const float *img) {
    double s = 0;
    for (int i = 0; i < GL_CLUT_D; i++) s += img[i];
    return s;
}

// The run on screen is m's on img: every window and probability.
static void check_run(gui_run *r, gl_clut *m, const float *img, const char *what) {
    gl_clut_frame fr[GL_CLUT_MAXT];
    gl_clut_run(m, img, NULL, fr);
    int T = fr[0].T, bad = 0;
    CHECK(probe(r, "T") == T, "%s: %d glimpses shown (%g)", what, T, probe(r, "T"));
    CHECK(probe(r, "shown_version") == probe(r, "input_version"), "%s: the run shown is of the newest image", what);
    CHECK_NEAR(probe(r, "shown_img_sum"), img_sum(img), 1e-2, "the image the run saw");
    for (int t = 0; t < T; t++) {
        bad += fabs(probe_s(r, "win_gx %d", t, 0) - fr[t].win.gx) > 1e-3;
        bad += fabs(probe_s(r, "win_gy %d", t, 0) - fr[t].win.gy) > 1e-3;
        bad += fabs(probe_s(r, "win_box %d", t, 0) - fr[t].win.box) > 1e-3;
        for (int k = 0; k < 10; k++) bad += fabs(probe_s(r, "prob %d %d", t, k) - fr[t].prob[k]) > 1e-4;
    }
    CHECK(bad == 0, "%s: %d windows and probabilities differ from gl_clut_run on the same image", what, bad);
}

static int mkdirs(const char *path) {
    char b[1024];
    snprintf(b, sizeof b, "%s", path);
    for (char *p = b + 1; *p; p++)
        if (*p == '/') { *p = 0; mkdir(b, 0755); *p = '/'; }
    return mkdir(b, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// ---- with weights written here ------------------------------------------------------
static void session(const gl_mnist *test, gl_clut *att, gl_clut *noatt, const char *exports) {
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, "search", dir_asset_path) != 0) { CHECK(0, "open: %s", gl_err()); return; }
    gui_run_settle(&r);
    CHECK(probe(&r, "have_data") == 1, "MNIST's test set loaded (needed by the rest)");
    if (probe(&r, "have_data") != 1) { gui_run_close(&r); return; }
    CHECK(probe(&r, "untrained") == 0 && probe(&r, "variant") == 0, "the attention file is in use");
    CHECK(!strstr(drawn_text(&r), "weights ("), "no note: the files load");

    // Test image 0 as gl_clut_make makes it, and the run on it.
    float img[GL_CLUT_D];
    gl_clut_place where;
    gl_clut_make(img, test, 0, GL_CLUT_CLUTTER, gl_clut_test_seed(0), &where);
    CHECK(probe(&r, "index") == 0 && probe(&r, "clutter") == 8 && probe(&r, "label") == test->y[0], "test image 0");
    CHECK(probe(&r, "x0") == where.cx - 14.5f && probe(&r, "y0") == where.cy - 14.5f,
          "the digit where gl_clut_make put it");
    CHECK_NEAR(probe(&r, "img_sum"), img_sum(img), 1e-2, "the image is gl_clut_make's");
    check_run(&r, att, img, "test image 0");
    CHECK(probe(&r, "step") == probe(&r, "T") - 1, "it opens on the last glimpse");

    // The box of glimpse 1 on screen: its left edge in the glimpse's colour.
    CHECK(run_text(&r, "key Home\n") == 0 && probe(&r, "step") == 0, "Home: glimpse 1");
    char shot[600];
    snprintf(shot, sizeof shot, "%s/shot.png", exports);
    gui_run_screenshot(&r, shot);
    gl_image im;
    if (gl_image_load_png(shot, &im) == 0) {
        double cx = probe(&r, "canvas_x"), cy = probe(&r, "canvas_y"), S = probe(&r, "canvas_w") / A;
        double half = probe_s(&r, "win_box %d", 0, 0) / 2;
        double ex = cx + (probe_s(&r, "win_gx %d", 0, 0) - 0.5 - half) * S,
               ey = cy + (probe_s(&r, "win_gy %d", 0, 0) - 0.5) * S;
        uint8_t c[3];
        gl_clut_step_rgb(0, 8, c);
        for (int k = 0; k < 3; k++) c[k] = (uint8_t)(c[k] + (255 - c[k]) / 4);   // lightened on screen
        int hit = 0, inside = 0;
        for (int dy = -6; dy <= 6; dy++)
            for (int dx = -2; dx <= 2; dx++) {
                const uint8_t *p = im.px + ((size_t)(ey + dy) * im.w + (size_t)(ex + dx)) * 3;
                hit += abs(p[0] - c[0]) + abs(p[1] - c[1]) + abs(p[2] - c[2]) < 40;
                const uint8_t *q = im.px + ((size_t)(ey + dy) * im.w + (size_t)(ex + dx + 3 * S)) * 3;
                inside += abs(q[0] - c[0]) + abs(q[1] - c[1]) + abs(q[2] - c[2]) < 40;
            }
        CHECK(hit >= 13 && inside == 0,
              "the box's left edge at x %.0f is drawn in glimpse 1's colour (%d pixels; %d 3 px inside)", ex, hit,
              inside);
        gl_image_free(&im);
    } else CHECK(0, "screenshot: %s", gl_err());

    // The no-attention model on the same image: the window over the whole image.
    CHECK(run_text(&r, "key a\nidle\n") == 0 && probe(&r, "variant") == 1 && probe(&r, "shown_variant") == 1,
          "A: no attention");
    check_run(&r, noatt, img, "no attention");
    CHECK_NEAR(probe_s(&r, "win_box %d", 3, 0), 99, 1e-3, "the no-attention box spans the image");
    run_text(&r, "key a\nidle\n");
    CHECK(probe(&r, "shown_variant") == 0, "A again: attention");

    // N / P: the next and previous fixed test images.
    run_text(&r, "key n\nidle\n");
    gl_clut_make(img, test, 1, GL_CLUT_CLUTTER, gl_clut_test_seed(1), &where);
    CHECK(probe(&r, "index") == 1, "N: test image 1");
    check_run(&r, att, img, "test image 1");
    run_text(&r, "key p\nidle\n");
    gl_clut_make(img, test, 0, GL_CLUT_CLUTTER, gl_clut_test_seed(0), &where);
    CHECK(probe(&r, "index") == 0 && fabs(probe(&r, "img_sum") - img_sum(img)) < 1e-2, "P: test image 0 again");

    // Drag the digit by 20 and 10 image pixels (the canvas has a whole number of points a pixel).
    int x0 = (int)probe(&r, "x0"), y0 = (int)probe(&r, "y0"), ddx = x0 > 40 ? -20 : 20, ddy = y0 > 40 ? -10 : 10;
    double S = probe(&r, "canvas_w") / A, cx = probe(&r, "canvas_x"), cy = probe(&r, "canvas_y");
    CHECK(S == floor(S), "a whole number of points a pixel (%g)", S);
    char line[200];
    int px = (int)(cx + (x0 + 14) * S), py = (int)(cy + (y0 + 14) * S);
    snprintf(line, sizeof line, "drag %d %d %d %d 10\nidle\n", px, py, px + (int)(ddx * S), py + (int)(ddy * S));
    CHECK(run_text(&r, line) == 0, "drag");
    CHECK(probe(&r, "x0") == x0 + ddx && probe(&r, "y0") == y0 + ddy, "the digit moved to (%g, %g), wanted (%d, %d)",
          probe(&r, "x0"), probe(&r, "y0"), x0 + ddx, y0 + ddy);
    gl_clut_compose(img, test->x, x0 + ddx, y0 + ddy, test, 0, GL_CLUT_CLUTTER, gl_clut_test_seed(0));
    check_run(&r, att, img, "the digit dragged (same clutter)");

    // More and less clutter, within 0..16.
    run_text(&r, "key ]\nidle\n");
    gl_clut_compose(img, test->x, x0 + ddx, y0 + ddy, test, 0, 9, gl_clut_test_seed(0));
    CHECK(probe(&r, "clutter") == 9, "]: 9 fragments");
    check_run(&r, att, img, "9 fragments");
    for (int i = 0; i < 20; i++) run_text(&r, "key [\n");
    gui_run_settle(&r);
    gl_clut_compose(img, test->x, x0 + ddx, y0 + ddy, test, 0, 0, gl_clut_test_seed(0));
    CHECK(probe(&r, "clutter") == 0, "[ stops at 0 fragments");
    check_run(&r, att, img, "no clutter");
    double digit_ink = 0;
    for (int i = 0; i < 784; i++) digit_ink += test->x[i];
    CHECK_NEAR(probe(&r, "img_sum"), digit_ink, 1e-2, "no clutter: the digit alone");
    for (int i = 0; i < 20; i++) run_text(&r, "key ]\n");
    CHECK(probe(&r, "clutter") == 16, "] stops at 16 fragments (%g)", probe(&r, "clutter"));
    for (int i = 0; i < 8; i++) run_text(&r, "key [\n");
    run_text(&r, "key u\n");   // undo the last [ : 9 fragments
    CHECK(probe(&r, "clutter") == 9, "U undoes the last change (%g)", probe(&r, "clutter"));
    run_text(&r, "key [\nidle\n");

    // C: the clutter alone; draw a digit into it, erase, undo.
    run_text(&r, "key c\nidle\n");
    gl_clut_compose(img, NULL, 0, 0, test, 0, GL_CLUT_CLUTTER, gl_clut_test_seed(0));
    CHECK(probe(&r, "digit") == 0 && probe(&r, "tool") == 1 && probe(&r, "label") == -1,
          "C: no digit, the mouse draws");
    check_run(&r, att, img, "the clutter alone");
    int ax = (int)(cx + 30 * S), ay = (int)(cy + 40 * S), bx = (int)(cx + 50 * S), by = (int)(cy + 70 * S);
    snprintf(line, sizeof line, "drag %d %d %d %d 12\nidle\n", ax, ay, bx, by);
    run_text(&r, line);
    double ink = probe(&r, "ink");
    // a stroke 36 px long with a pen 2.5 px in radius: about 36 x 4 px of ink
    CHECK(ink > 36 * 3 && ink < 36 * 6, "the stroke left %g pixels of ink", ink);
    CHECK(probe(&r, "img_sum") > img_sum(img) + 0.5 * ink, "the stroke is in the image");
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version") &&
              probe(&r, "shown_img_sum") == probe(&r, "img_sum"),
          "the run shown is of the drawing");
    snprintf(line, sizeof line, "down %d %d 3\nmove %d %d\nup %d %d 3\nidle\n", ax, ay, (ax + bx) / 2, (ay + by) / 2,
             (ax + bx) / 2, (ay + by) / 2);
    run_text(&r, line);
    double erased = probe(&r, "ink");
    CHECK(erased < 0.7 * ink, "the right button erases (%g of %g left)", erased, ink);
    run_text(&r, "key u\nidle\n");
    CHECK(probe(&r, "ink") == ink, "U: the erased half is back (%g)", probe(&r, "ink"));

    // A pen followed at 60 Hz: 2 moves a frame; the frame whose input first
    // shows in the run on screen, counted from the frame the pen moved in.
    double lat[200], cost[60];
    int nlat = 0, waiting = -1, wait_f = 0;
    send(&r, (gui_event){ .type = GUI_EV_DOWN, .x = (int)(cx + 20 * S), .y = (int)(cy + 20 * S), .button = 1 });
    double next = gl_now();
    for (int f = 0; f < 120; f++) {
        for (int e = 0; e < 2; e++) {
            double a = (f * 2 + e) / 240.0 * 6.28;
            send(&r, (gui_event){.type = GUI_EV_MOVE,
                                 .x = (int)(cx + (50 + 25 * cos(a)) * S),
                                 .y = (int)(cy + (50 + 25 * sin(2 * a)) * S)});
        }
        double v_in = probe(&r, "input_version");
        gui_run_frame(&r);
        double shown = probe(&r, "shown_version");
        if (waiting < 0 && v_in > shown) { waiting = (int)v_in; wait_f = f; }
        if (waiting >= 0 && shown >= waiting) {
            lat[nlat++] = f - wait_f;
            waiting = -1;
            if (v_in > shown) {
                waiting = (int)v_in;
                wait_f = f;
            }
        }
        next += 1.0 / 60;
        double left = next - gl_now();
        if (left > 0) gui_sleep(left); else next = gl_now();
    }
    send(&r, (gui_event){ .type = GUI_EV_UP, .x = (int)(cx + 20 * S), .y = (int)(cy + 20 * S), .button = 1 });
    gui_run_settle(&r);
    CHECK(probe(&r, "shown_version") == probe(&r, "input_version"),
          "after the pen: the run shown is of the last stroke");
    qsort(lat, (size_t)nlat, sizeof lat[0], cmp_d);
    // One run on this thread: its CPU time (the engine thread does the same work).
    float drawn_img[GL_CLUT_D];
    gl_clut_compose(drawn_img, NULL, 0, 0, test, 0, GL_CLUT_CLUTTER, gl_clut_test_seed(0));
    for (int i = 0; i < 60; i++) {
        double t0 = cpu_now();
        gl_clut_run(att, drawn_img, NULL, NULL);
        cost[i] = (cpu_now() - t0) * 1000;
    }
    qsort(cost, 60, sizeof cost[0], cmp_d);
    printf("pen -> glimpses on screen: median %.0f frame(s), p90 %.0f, max %.0f (%d samples, 60 Hz); one run: median "
           "%.2f ms CPU\n",
           nlat ? lat[nlat / 2] : -1, nlat ? lat[nlat * 9 / 10] : -1, nlat ? lat[nlat - 1] : -1, nlat, cost[30]);
    CHECK(nlat >= 20, "the pen's inputs reached the screen (%d samples)", nlat);
    // (its budget, a quarter of a 60 Hz frame, is a speed target: `glimpse bench cluttered` holds it, not a test on a
    // shared machine, where a loaded run of the suite measured 6.2 ms)

    // Steps, play, the timeline, the row of patches.
    run_text(&r, "key End\n");
    CHECK(probe(&r, "step") == 7, "End: glimpse 8");
    run_text(&r, "key Left\nkey Left\n");
    CHECK(probe(&r, "step") == 5, "Left twice: glimpse 6");
    int tx = (int)probe(&r, "timeline_x"), ty = (int)probe(&r, "timeline_y"), tw = (int)probe(&r, "timeline_w");
    snprintf(line, sizeof line, "click %d %d\n", tx + tw * 2 / 8 + tw / 16, ty + 10);
    run_text(&r, line);
    CHECK(probe(&r, "step") == 2, "a click on the timeline's third cell: glimpse 3 (%g)", probe(&r, "step") + 1);
    snprintf(line, sizeof line, "click %d %d\n", (int)probe_s(&r, "strip_x %d", 6, 0),
             (int)probe_s(&r, "strip_y %d", 6, 0));
    run_text(&r, line);
    CHECK(probe(&r, "step") == 6, "a click on the seventh patch: glimpse 7 (%g)", probe(&r, "step") + 1);
    run_text(&r, "key Space\n");
    CHECK(probe(&r, "playing") == 1, "Space plays");
    // (a loaded machine draws slowly, and the shell counts a slow frame as 1/60 s: allow it 5 s)
    double s0 = probe(&r, "step"), t0 = gl_now();
    int drawn = 0;
    while (gl_now() - t0 < 5 && (probe(&r, "step") == s0 || drawn < 10)) drawn += frames_over(&r, 0.2);
    CHECK(drawn >= 10 && probe(&r, "step") != s0, "playing draws (%d frames) and moves on (%g -> %g)", drawn, s0,
          probe(&r, "step"));
    run_text(&r, "key Space\n");
    CHECK(probe(&r, "playing") == 0, "Space pauses");

    // Asleep when nothing changes.
    frames_over(&r, 0.3);
    int idle = frames_over(&r, 1.0);
    CHECK(idle == 0, "%d frames drawn over a second of no input", idle);

    // E: numbered exports.
    run_text(&r, "key e\nkey e\n");
    char p1[700], p2[700];
    snprintf(p1, sizeof p1, "%s/glimpse-search-001.png", exports);
    snprintf(p2, sizeof p2, "%s/glimpse-search-002.png", exports);
    CHECK(probe(&r, "exports") == 2 && gl_file_exists(p1) && gl_file_exists(p2), "E twice: two numbered PNGs in %s",
          exports);
    if (gl_image_load_png(p1, &im) == 0) {
        CHECK(im.w >= 4 * A && im.h >= 4 * A, "the figure holds the image at 4x (%dx%d)", im.w, im.h);
        gl_image_free(&im);
    } else CHECK(0, "export: %s", gl_err());
    gui_run_close(&r);
}

// ---- weights missing, broken, mismatched; no MNIST --------------------------------------
static void notes(gl_clut *att) {
    gui_run r;
    char path[700];
    snprintf(path, sizeof path, "%s/cluttered-attention.safetensors", asset_dir);
    if (gui_run_open(&r, 1280, 800, 1, "search", dir_asset_path) != 0) { CHECK(0, "open: %s", gl_err()); return; }
    gui_run_settle(&r);
    CHECK(probe(&r, "untrained") == 1, "no weight files: untrained");
    char want[800];
    snprintf(want, sizeof want, "Untrained weights (attention model): no trained file (%s does not exist)", path);
    CHECK(strstr(drawn_text(&r), want) != NULL, "the note names the missing file: %s", drawn_text(&r));
    CHECK(strstr(r.sh->app.status, "untrained weights (no trained file"), "the status line: %s", r.sh->app.status);
    run_text(&r, "wait 4500\n");   // longer than a transient note lives
    CHECK(strstr(drawn_text(&r), want) != NULL, "the note stays");

    // A broken file: named with the reason; the note holds the layout at 900x600.
    CHECK(write_file(path, "not a safetensors file at all") == 0, "write %s", path);
    run_text(&r, "key n\nidle\n");
    const char *txt = drawn_text(&r);
    // (issue 32: a file that exists is not called missing, nor its weights untrained)
    CHECK(probe(&r, "untrained") == 1 && strstr(txt, "Random weights (attention model): cannot use") &&
              strstr(txt, path) && !strstr(txt, "does not exist") && !strstr(txt, "Untrained") &&
              strstr(r.sh->app.status, "random weights (the trained file cannot be used"),
          "a broken file: random weights, the note names it with the reason: %s", txt);
    r.sh->ui.record = 1;
    send(&r, (gui_event){ .type = GUI_EV_RESIZE, .x = GUI_MIN_W, .y = GUI_MIN_H });
    gui_run_settle(&r);
    gui_ctx *ui = &r.sh->ui;
    int n_all = ui->nlaid, n_view = 0;
    while (n_view < n_all && ui->laid[n_view].r.y >= GUI_BAR_H) n_view++;
    ui->nlaid = n_view;
    char msg[1200];
    int faults =
        gui_layout_check(ui, gui_r(0, GUI_BAR_H, GUI_MIN_W, GUI_MIN_H - GUI_BAR_H - GUI_STATUS_H), msg, sizeof msg);
    ui->nlaid = n_all;
    CHECK(faults == 0 && n_view >= 8, "900x600 with the note: %d faults among %d: %s", faults, n_view, msg);
    int out = 0;
    for (int i = 0; i < ui->ncmd; i++) {
        const gui_cmd *c = &ui->cmds[i];
        if (c->type == GUI_CMD_TEXT && c->r.x + gui_text_w(ui, c->font, gui_cmd_text(ui, c)) > GUI_MIN_W) out++;
    }
    CHECK(out == 0, "900x600: %d texts run past the window", out);

    // The attention model's file where the no-attention one belongs.
    char other[700];
    snprintf(other, sizeof other, "%s/cluttered-noattention.safetensors", asset_dir);
    CHECK(gl_clut_save(att, other, NULL, 0) == 0, "save: %s", gl_err());
    run_text(&r, "key a\nkey n\nidle\n");
    CHECK(probe(&r, "untrained") == 1 && strstr(drawn_text(&r), "it holds the attention model, not the no-attention"),
          "the attention model in the no-attention file is refused: %s", drawn_text(&r));
    // A good file written while the app runs is used at the next change.
    unlink(other);
    gl_clut_config c = GL_CLUT_CONFIG_DEFAULT;
    c.attention = 0;
    gl_clut *na = gl_clut_new(&c, 3);
    gl_clut_save(na, other, NULL, 0);
    gl_clut_free(na);
    run_text(&r, "key n\nidle\n");
    CHECK(probe(&r, "untrained") == 0 && !strstr(drawn_text(&r), "weights ("),
          "weights that appear are used, the note goes");
    gui_run_close(&r);

    // No MNIST: no test images, but the pen still works.
    char empty[600];
    snprintf(empty, sizeof empty, "%s/nodata", asset_dir);
    mkdirs(empty);
    setenv("GLIMPSE_DATA", empty, 1);
    if (gui_run_open(&r, 1280, 800, 1, "search", dir_asset_path) != 0) {
        CHECK(0, "open: %s", gl_err());
        unsetenv("GLIMPSE_DATA");
        return;
    }
    gui_run_settle(&r);
    CHECK(probe(&r, "have_data") == 0 && strstr(drawn_text(&r), "MNIST's test set is missing"), "no MNIST: said so");
    double S = probe(&r, "canvas_w") / A, cx = probe(&r, "canvas_x"), cy = probe(&r, "canvas_y");
    char line[200];
    snprintf(line, sizeof line, "drag %d %d %d %d 8\nidle\n", (int)(cx + 40 * S), (int)(cy + 40 * S),
             (int)(cx + 60 * S), (int)(cy + 60 * S));
    run_text(&r, line);
    CHECK(probe(&r, "ink") > 20 && probe(&r, "shown_img_sum") == probe(&r, "img_sum") &&
              probe(&r, "img_sum") == probe(&r, "ink"),
          "no MNIST: the drawing alone is run (%g)", probe(&r, "ink"));
    gui_run_close(&r);
    unsetenv("GLIMPSE_DATA");
}

// The README screenshot's script through the executable (argv[1]), with the
// shipped weights: a 1280x800 picture with the boxes drawn on the image.
static void screenshot(const char *exe) {
    gl_image im;
    if (script_screenshot(exe, "search", "cluttered", &im) == 0) {
        int coloured = 0;   // the boxes and the path: the image itself is grey
        for (int y = 86; y < 686 && y < im.h; y++)
            for (int x = 12; x < 612 && x < im.w; x++) {
                const uint8_t *p = im.px + ((size_t)y * im.w + x) * 3;
                coloured += abs(p[0] - p[1]) > 30 || abs(p[1] - p[2]) > 30;
            }
        CHECK(im.w == 1280 && im.h == 800 && coloured > 500,
              "a 1280x800 screenshot with the glimpses drawn (%d pixels)", coloured);
        gl_image_free(&im);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) { screenshot(argv[1]); TEST_MAIN_END(); }
    gl_mnist test;
    if (gl_mnist_load(gl_mnist_dir(), "t10k", &test) != 0) { CHECK(0, "MNIST: %s", gl_err()); TEST_MAIN_END(); }
    char tmpl[] = "/tmp/glimpse-clut-view-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) { CHECK(0, "mkdtemp"); TEST_MAIN_END(); }
    char exports[600];
    snprintf(exports, sizeof exports, "%s/exports", dir);
    mkdirs(exports);
    setenv("GLIMPSE_EXPORT_DIR", exports, 1);

    // Weights written here: attention with its first box of side 33 px around (30, 60).
    snprintf(asset_dir, sizeof asset_dir, "%s/a", dir);
    mkdirs(asset_dir);
    gl_clut *att = model_at(30, 60, 3, 7);
    gl_clut_config c = GL_CLUT_CONFIG_DEFAULT;
    c.attention = 0;
    gl_clut *noatt = gl_clut_new(&c, 8);
    CHECK(gl_clut_save(att, dir_asset_path("cluttered-attention.safetensors"), NULL, 0) == 0, "save");
    CHECK(gl_clut_save(noatt, dir_asset_path("cluttered-noattention.safetensors"), NULL, 0) == 0, "save");
    session(&test, att, noatt, exports);

    // None at all, then broken and mismatched ones.
    snprintf(asset_dir, sizeof asset_dir, "%s/b", dir);
    mkdirs(asset_dir);
    notes(att);

    gl_clut_free(att);
    gl_clut_free(noatt);
    gl_mnist_free(&test);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    TEST_MAIN_END();
}
