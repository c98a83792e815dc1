// The Train view (issue 16), headless. In-process: a small attention run
// started, its curve and probes arriving while frames are drawn, pause
// (the worker idle, no more points), resume, "use these weights" (the
// Attention view switched to and running the trained file), stop; a small
// handwriting (synthesis) run on the Hershey corpus: the training and
// held-out losses per point go down, the probe (the fixed sentence written
// with the current weights, and its window) changes, "use these weights"
// opens the Synthesis view on the network being trained. With the
// glimpse executable (argv[1]): `--screenshot` after a scripted 20-second run
// from the Start button, and its pixels: the smoothed loss curve goes down,
// the masks differ from the untrained model's (a screenshot at 1.5 s).
#include "gl_image.h"
#include "gl_test.h"
#include "gui_test.h"
#include "view_train.h"
#include <string.h>
#include <unistd.h>

static void frames(gui_run *r, double seconds) {
    double end = gl_now() + seconds;
    while (gl_now() < end) { gui_run_frame(r); gui_sleep(1.0 / 60); }
}

// After "use these weights": the view named comes up (within 20 s).
static int wait_view(gui_run *r, const char *name) {
    double t0 = gl_now();
    while (gl_now() - t0 < 20 && probe(r, "view") != gui_view_find(name)) frames(r, 0.05);
    return probe(r, "view") == gui_view_find(name);
}

// The end of a run's test: the weights file the Train view wrote exists;
// the run stops; everything made is removed.
static void finish(gui_run *r, train_run *run, const char *dir, const char *file) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    CHECK(gl_file_exists(path), "%s written", path);
    train_run_stop(run);
    CHECK(train_run_wait_idle(run, 5) == 0 && train_run_state(run) == TRAIN_STOPPED, "stopped");
    gui_run_close(r);
    unlink(path);
    rmdir(dir);
}

// A Train view of its own: a fresh directory for what it saves (dir, a
// mkdtemp template), the app opened headless on it. Returns the view.
static void *open_train(gui_run *r, char *dir) {
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return NULL; }
    setenv("GLIMPSE_TRAIN_DIR", dir, 1);
    CHECK(gui_run_open(r, 1280, 800, 1, "train", test_asset_path) == 0, "open: %s", gl_err());
    gui_run_frame(r);
    return r->sh->state[gui_view_find("train")];
}

// A run of its own: a Train view opened on a fresh directory (open_train), its run, and the step and sum of the
// untrained model's probe when start_train was asked to wait for it.
typedef struct {
    char dir[64];
    gui_run r;
    void *self;
    train_run *run;
    double step0, sum0;
} train_case;

static void take_first_probe(gui_run *r);

// Opens t's view on /tmp/glimpse-NAME-XXXXXX and starts config c; with first_probe, waits for the untrained model's
// probe. 0, or -1 if the view did not open.
static int start_train(train_case *t, const char *name, const train_config *c, int first_probe) {
    snprintf(t->dir, sizeof t->dir, "/tmp/glimpse-%s-XXXXXX", name);
    t->self = open_train(&t->r, t->dir);
    if (!t->self) return -1;
    t->run = view_train_run(t->self);
    train_run_start(t->run, c);
    if (first_probe) {
        take_first_probe(&t->r);
        t->step0 = probe(&t->r, "shown_probe_step");
        t->sum0 = probe(&t->r, "shown_probe_sum");
    }
    return 0;
}

// The defaults of the Train view's form with model m chosen.
static train_config config_of(train_model m) {
    train_config c;
    train_config_defaults(&c);
    c.model = m;
    return c;
}

// Frames until the untrained model's probe arrives (60 s at most), and one that takes it.
static void take_first_probe(gui_run *r) {
    double t0 = gl_now();
    while (gl_now() - t0 < 60 && probe(r, "probes") < 1) frames(r, 0.02);
    gui_run_frame(r);
}

static void in_process(void) {
    char dir[] = "/tmp/glimpse-train-XXXXXX";
    gui_run r;
    void *self = open_train(&r, dir);
    if (!self) return;
    CHECK(probe(&r, "state") == TRAIN_IDLE && probe(&r, "animating") == 0, "idle before a start: no frames owed");
    train_run *run = view_train_run(self);
    train_config c;
    train_config_defaults(&c);
    c.hidden = 16; c.batch = 20; c.limit = 60000; c.epochs = 2;   // 9000 steps (the first 3000 the CNN stage): longer than the test
    train_run_start(run, &c);
    double t0 = gl_now();
    while (gl_now() - t0 < 60 && (probe(&r, "points") < 250 || probe(&r, "probes") < 2)) frames(&r, 0.1);
    CHECK(probe(&r, "points") >= 250 && probe(&r, "probes") >= 2, "points %.0f and probes %.0f arrive", probe(&r, "points"), probe(&r, "probes"));
    CHECK(probe(&r, "first_point_s") > 0, "start -> first point measured (%.3f s)", probe(&r, "first_point_s"));
    CHECK(probe(&r, "animating") == 1, "frames keep coming while it trains (state %s: %s)", train_state_name(train_run_state(run)), run->msg);
    CHECK(probe(&r, "last_smooth") < probe(&r, "first_smooth"), "the smoothed loss went down: %.3f -> %.3f", probe(&r, "first_smooth"), probe(&r, "last_smooth"));
    // pause: the worker stops within a step; the curve stops growing
    train_run_pause(run);
    CHECK(train_run_wait_idle(run, 5) == 0 && probe(&r, "state") == TRAIN_PAUSED, "paused");
    double p = probe(&r, "points");
    frames(&r, 0.3);
    CHECK(probe(&r, "points") == p && probe(&r, "animating") == 0, "no steps while paused, and the loop may sleep");
    // the history strip: Left shows an earlier probe, End the newest again
    double live = probe(&r, "shown_probe_step");
    CHECK(run_text(&r, "key Left\nframe 2") == 0 && probe(&r, "shown_probe_step") < live, "Left scrubs back (%g < %g)", probe(&r, "shown_probe_step"), live);
    CHECK(run_text(&r, "key End\nframe 2") == 0 && probe(&r, "shown_probe_step") == live, "End: the newest probe again");
    CHECK(run_text(&r, "key Space\nframe 1") == 0 && train_run_state(run) == TRAIN_RUNNING, "Space resumes (state %s, focus %u)", train_state_name(train_run_state(run)), r.sh->ui.focus);
    t0 = gl_now();
    while (gl_now() - t0 < 20 && probe(&r, "points") <= p) frames(&r, 0.05);
    CHECK(probe(&r, "points") > p, "training goes on after resume");
    // use these weights: the file written, the Attention view shown and running it
    int use_x = 12 + (300 - 6) / 2 + 6 + 40, use_y = 348 + 13;   // the "Use these weights" button (layout of draw_controls)
    char s[128];
    snprintf(s, sizeof s, "click %d %d\nframe 2", use_x, use_y);
    CHECK(run_text(&r, s) == 0, "click Use these weights");
    CHECK(wait_view(&r, "attention"), "the Attention view is shown");
    gui_run_settle(&r);
    CHECK(probe(&r, "untrained") == 0, "and runs trained weights (the file from the Train view)");
    // the way back: "Shipped weights", under the buttons while the Attention view runs this run's weights
    gui_app *app = &r.sh->app;
    CHECK(strstr(app->use_path[GUI_USE_ATTENTION], dir) != NULL, "the Attention view runs %s",
          app->use_path[GUI_USE_ATTENTION]);
    app->want_view = gui_view_find("train") + 1;
    CHECK(wait_view(&r, "train"), "back in the Train view");
    snprintf(s, sizeof s, "click %d %d\nframe 2", 12 + 40, use_y + 26 + 6);   // the row under "Use these weights"
    CHECK(run_text(&r, s) == 0 && strstr(app->use_path[GUI_USE_ATTENTION], "assets/attention-softmax.safetensors") &&
              !strstr(app->use_path[GUI_USE_ATTENTION], dir),
          "click Shipped weights: the view takes %s", app->use_path[GUI_USE_ATTENTION]);
    finish(&r, run, dir, "attention-softmax-trained.safetensors");
}

static void handwriting(void) {
    train_config c = config_of(TRAIN_HANDWRITING);
    c.hw_task = 0;   // synthesis
    c.hw_cells = 32; c.hw_layers = 1; c.hw_lines = 300; c.batch = 16; c.hw_iters = 100000;   // longer than the test
    train_case t;
    if (start_train(&t, "trainhw", &c, 1)) return;
    CHECK(t.step0 == 0 && probe(&t.r, "shown_probe_points") > 0, "the untrained network's probe: %g points at step %g (%s)", probe(&t.r, "shown_probe_points"), t.step0, t.run->msg);
    int slow = test_slow_factor();
    double t0 = gl_now();
    while (gl_now() - t0 < 120 * slow && (probe(&t.r, "points") < 150 || probe(&t.r, "evals") < 3 || probe(&t.r, "probes") < 3)) frames(&t.r, 0.1);
    CHECK(probe(&t.r, "points") >= 150 && probe(&t.r, "evals") >= 3, "points %.0f and held-out figures %.0f arrive (state %s: %s)", probe(&t.r, "points"),
          probe(&t.r, "evals"), train_state_name(train_run_state(t.run)), t.run->msg);
    CHECK(probe(&t.r, "last_smooth") < probe(&t.r, "first_smooth") - 0.3, "the smoothed loss per point went down: %.3f -> %.3f nats", probe(&t.r, "first_smooth"), probe(&t.r, "last_smooth"));
    CHECK(probe(&t.r, "last_eval") < probe(&t.r, "first_eval"), "the held-out loss per point went down: %.3f -> %.3f nats", probe(&t.r, "first_eval"), probe(&t.r, "last_eval"));
    CHECK(probe(&t.r, "shown_probe_step") > 0 && probe(&t.r, "shown_probe_sum") != t.sum0 && probe(&t.r, "shown_probe_points") > 0,
          "the probe of step %g differs from the untrained one (%g vs %g)", probe(&t.r, "shown_probe_step"), probe(&t.r, "shown_probe_sum"), t.sum0);
    CHECK(probe(&t.r, "rate") > 0, "points per second measured (%.0f)", probe(&t.r, "rate"));
    printf("handwriting: %.0f steps, loss per point %.3f -> %.3f (held-out %.3f -> %.3f), %.0f points/s, probe of step %.0f: %.0f points\n",
           probe(&t.r, "step"), probe(&t.r, "first_smooth"), probe(&t.r, "last_smooth"), probe(&t.r, "first_eval"), probe(&t.r, "last_eval"), probe(&t.r, "rate"),
           probe(&t.r, "shown_probe_step"), probe(&t.r, "shown_probe_points"));
    // use these weights: the Synthesis view runs the network being trained (32 cells, not the shipped one)
    view_train_use(t.self, &t.r.sh->app);
    CHECK(wait_view(&t.r, "synthesis"), "the Synthesis view is shown");
    frames(&t.r, 0.1);
    CHECK(probe(&t.r, "cells") == 32, "and runs the trained network (%g cells)", probe(&t.r, "cells"));
    gui_run_settle(&t.r);
    CHECK(probe(&t.r, "steps") > 0, "which writes its text (%g points)", probe(&t.r, "steps"));
    // and back to the shipped network (400 cells)
    view_train_shipped(t.self, &t.r.sh->app);
    frames(&t.r, 0.1);
    CHECK(probe(&t.r, "cells") == 400, "Shipped weights: the Synthesis view runs the shipped network again (%g cells)",
          probe(&t.r, "cells"));
    finish(&t.r, t.run, t.dir, "handwriting-synth-trained.safetensors");
}

// Cluttered MNIST in the Train view: steps, held-out accuracy, probes of
// three searched test images that change as it learns, weights saved.
static void cluttered(void) {
    train_config c = config_of(TRAIN_CLUTTERED);
    c.clut_attention = 1; c.batch = 16; c.limit = 3000; c.clut_epochs = 1000; c.lr = 1e-3;   // longer than the test
    train_case t;
    if (start_train(&t, "trainclut", &c, 1)) return;
    CHECK(t.step0 == 0, "the untrained model's probe at step %g (%s)", t.step0, t.run->msg);
    int slow = test_slow_factor();
    double t0 = gl_now();
    while (gl_now() - t0 < 60 * slow && (probe(&t.r, "step") < 300 || probe(&t.r, "evals") < 2 || probe(&t.r, "probes") < 3))
        frames(&t.r, 0.1);
    CHECK(probe(&t.r, "step") >= 300 && probe(&t.r, "evals") >= 2, "steps %.0f and held-out figures %.0f arrive (state %s: %s)",
          probe(&t.r, "step"), probe(&t.r, "evals"), train_state_name(train_run_state(t.run)), t.run->msg);
    CHECK(probe(&t.r, "last_smooth") < probe(&t.r, "first_smooth"), "the smoothed cross-entropy went down: %.3f -> %.3f",
          probe(&t.r, "first_smooth"), probe(&t.r, "last_smooth"));
    CHECK(probe(&t.r, "shown_probe_step") > 0 && probe(&t.r, "shown_probe_sum") != t.sum0,
          "the probe of step %g differs from the untrained one", probe(&t.r, "shown_probe_step"));
    printf("cluttered: %.0f steps, cross-entropy %.3f -> %.3f, %.0f images/s\n", probe(&t.r, "step"),
           probe(&t.r, "first_smooth"), probe(&t.r, "last_smooth"), probe(&t.r, "rate"));
    view_train_use(t.self, &t.r.sh->app);   // saves the weights (the Search view loads its own)
    t0 = gl_now();
    char path[1200];
    snprintf(path, sizeof path, "%s/cluttered-attention-trained.safetensors", t.dir);
    while (gl_now() - t0 < 10 * slow && !gl_file_exists(path)) frames(&t.r, 0.05);
    finish(&t.r, t.run, t.dir, "cluttered-attention-trained.safetensors");
}

static const uint8_t *px(const gl_image *im, int x, int y) { return im->px + ((size_t)y * im->w + x) * 3; }

// The loss plot's frame and the probe panel at 1280x800 (view_train.c's
// layout: controls 300 wide at x 12, then plots above the probe panel).
#define PLOT_X0 390
#define PLOT_X1 880
#define PLOT_Y0 72
#define PLOT_Y1 400
#define PROBE_X0 330
#define PROBE_X1 1266
#define PROBE_Y0 452
#define PROBE_Y1 718

static void with_executable(const char *exe) {
    char dir[] = "/tmp/glimpse-trainshot-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); return; }
    char script[600], early[600], shot[600], cmd[3000];
    snprintf(script, sizeof script, "%s/run.txt", dir);
    snprintf(early, sizeof early, "%s/early.png", dir);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    FILE *f = fopen(script, "w");
    if (!f) { CHECK(0, "script file"); return; }
    // 20 s of training; a sanitizer build runs several times slower, so
    // ./test.sh --sanitize gives it GLIMPSE_TEST_SLOW times as long
    int k = test_slow_factor();
    fprintf(f, "# Start, a screenshot of the untrained probe, 20 s of training\nclick 60 325\nwait %d\nscreenshot %s\nwait %d\n", 1500 * k, early, 20000 * k);
    fclose(f);
    snprintf(cmd, sizeof cmd, "GLIMPSE_TRAIN_DIR='%s' '%s' --view train --script '%s' --screenshot '%s'", dir, exe, script, shot);
    CHECK(system(cmd) == 0, "glimpse --view train --script --screenshot exits 0");
    gl_image a = {0}, b = {0};
    CHECK(gl_image_load_png(early, &a) == 0 && gl_image_load_png(shot, &b) == 0 && b.w == 1280 && b.h == 800, "two 1280x800 PNGs");
    if (a.px && b.px) {
        // the smoothed training curve: its colour (120, 180, 255), its height at the start and at the end of the data
        int xmin = 10000, xmax = -1;
        for (int x = PLOT_X0; x < PLOT_X1; x++)
            for (int y = PLOT_Y0; y < PLOT_Y1; y++) {
                const uint8_t *p = px(&b, x, y);
                if (abs(p[0] - 120) < 25 && abs(p[1] - 180) < 25 && p[2] > 230) { if (x < xmin) xmin = x; if (x > xmax) xmax = x; }
            }
        CHECK(xmax - xmin > 100, "a curve %d pixels wide", xmax - xmin);
        // its start, and its lowest stretch (the attention stage starts
        // higher again than where the CNN stage ended, so not the end)
        double ys[2] = { 0, 0 };
        int ns[2] = { 0, 0 }, span = (xmax - xmin) / 20, low = xmin;
        for (int x = xmin, best = 0; x <= xmax - span; x++) {
            for (int y = PLOT_Y1 - 1; y >= PLOT_Y0; y--) {
                const uint8_t *p = px(&b, x, y);
                if (abs(p[0] - 120) < 25 && abs(p[1] - 180) < 25 && p[2] > 230) {
                    if (y > best) { best = y; low = x; }
                    break;
                }
            }
        }
        for (int k = 0; k < 2; k++)
            for (int x = k ? low : xmin; x <= (k ? low + span : xmin + span); x++)
                for (int y = PLOT_Y0; y < PLOT_Y1; y++) {
                    const uint8_t *p = px(&b, x, y);
                    if (abs(p[0] - 120) < 25 && abs(p[1] - 180) < 25 && p[2] > 230) { ys[k] += y; ns[k]++; }
                }
        if (ns[0] && ns[1]) { ys[0] /= ns[0]; ys[1] /= ns[1]; }
        CHECK(ns[0] && ns[1] && ys[1] > ys[0] + 40, "the curve goes down: y %.0f at its start, %.0f at its lowest (screen y grows downwards)", ys[0], ys[1]);
        // the masks after 20 s differ from the untrained model's
        double diff = 0;
        long n = 0;
        for (int y = PROBE_Y0; y < PROBE_Y1; y++)
            for (int x = PROBE_X0; x < PROBE_X1; x++) {
                const uint8_t *p = px(&a, x, y), *q = px(&b, x, y);
                diff += abs(p[0] - q[0]) + abs(p[1] - q[1]) + abs(p[2] - q[2]);
                n += 3;
            }
        CHECK(diff / n > 4, "the masks changed: mean difference %.1f grey levels", diff / n);
        long blue = 0;
        for (int y = PROBE_Y0; y < PROBE_Y1; y++)
            for (int x = PROBE_X0; x < PROBE_X1; x++) blue += px(&b, x, y)[2] > 120 && px(&b, x, y)[0] < 80;
        CHECK(blue > 5000, "masks on screen (%ld jet-blue pixels)", blue);
    }
    gl_image_free(&a);
    gl_image_free(&b);
    unlink(early); unlink(shot); unlink(script);
    char cmd2[700];
    snprintf(cmd2, sizeof cmd2, "rm -f '%s'/*.safetensors '%s'/*.ckpt", dir, dir);
    if (system(cmd2) != 0) {}
    rmdir(dir);
}

// "Use these weights" for the two models the runs above do not cover: a
// small DRAW (T = 4, write 3×3: not the shipped sizes) opens in the DRAW
// view and generates with them; a prediction network of 24 cells in the
// Prediction view.
static void use_draw_and_prediction(void) {
    for (int which = 0; which < 2; which++) {
        train_config c = config_of(which == 0 ? TRAIN_DRAW : TRAIN_HANDWRITING);
        if (which == 0) {
            c.T = 4; c.read_n = 2; c.write_n = 3; c.batch = 20; c.limit = 2000; c.draw_epochs = 1000;   // longer than the test
        } else {
            c.hw_task = 1; c.hw_cells = 24; c.hw_layers = 1; c.hw_lines = 300; c.batch = 16; c.hw_iters = 100000;
        }
        train_case t;
        if (start_train(&t, "trainuse", &c, 0)) return;
        int slow = test_slow_factor();
        double t0 = gl_now();
        while (gl_now() - t0 < 60 * slow && (probe(&t.r, "points") < 10 || probe(&t.r, "probes") < 1)) frames(&t.r, 0.05);
        CHECK(probe(&t.r, "points") >= 10, "%s: steps arrive (%.0f; state %s: %s)", which ? "prediction" : "DRAW", probe(&t.r, "points"),
              train_state_name(train_run_state(t.run)), t.run->msg);
        view_train_use(t.self, &t.r.sh->app);
        if (which == 0) {
            CHECK(wait_view(&t.r, "draw"), "the DRAW view is shown");
            t0 = gl_now();   // the view loads the file on its engine thread
            while (gl_now() - t0 < 20 * slow && probe(&t.r, "T") < 0) frames(&t.r, 0.05);
            CHECK(probe(&t.r, "T") == 4 && probe(&t.r, "write_n") == 3, "and runs the trained model (T %g, write %g)", probe(&t.r, "T"), probe(&t.r, "write_n"));
            gui_run_settle(&t.r);
            CHECK(probe(&t.r, "samples") > 0 && probe(&t.r, "error") == 0, "which generates (%g samples shown, error %g)", probe(&t.r, "samples"), probe(&t.r, "error"));
            CHECK(strstr(t.r.sh->app.status, "weights from draw-trained.safetensors") != NULL,
                  "the status names the weights: %s", t.r.sh->app.status);
            finish(&t.r, t.run, t.dir, "draw-trained.safetensors");
        } else {
            CHECK(wait_view(&t.r, "prediction"), "the Prediction view is shown");
            t0 = gl_now();
            // the view swaps networks once its engine is idle: until then it runs the shipped one
            while (gl_now() - t0 < 20 * slow && (probe(&t.r, "have_model") != 1 || probe(&t.r, "cells") != 24)) frames(&t.r, 0.05);
            CHECK(probe(&t.r, "have_model") == 1 && probe(&t.r, "cells") == 24, "and runs the trained network (%g cells)", probe(&t.r, "cells"));
            frames(&t.r, 0.2);
            CHECK(strstr(t.r.sh->app.status, "weights from handwriting-predict-trained.safetensors") != NULL,
                  "the status names the weights: %s", t.r.sh->app.status);
            finish(&t.r, t.run, t.dir, "handwriting-predict-trained.safetensors");
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 1) { with_executable(argv[1]); TEST_MAIN_END(); }
    in_process();
    handwriting();
    cluttered();
    use_draw_and_prediction();
    TEST_MAIN_END();
}
