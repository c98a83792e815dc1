// Closing the application while it trains (issue 15), headless. The shell's
// quit stops every worker and waits for them: a DRAW run with a large batch
// (a step takes far longer than closing may) is stopped inside its step, so
// no step is added after the quit and the session's weights are those of a
// whole number of steps; a checkpoint asked for just before closing is
// written all the same. What is checked is that the step under way was
// abandoned (one step of this run takes seconds); the time closing takes is
// measured by tests/gui/desktop_session.sh exit.
#include "gl_test.h"
#include "gui_test.h"
#include "view_train.h"
#include <string.h>
#include <unistd.h>

static void frames(gui_run *r, double seconds) {
    double end = gl_now() + seconds;
    while (gl_now() < end) { gui_run_frame(r); gui_sleep(1.0 / 60); }
}

int main(void) {
    char dir[] = "/tmp/glimpse-quit-XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0, "mkdtemp"); TEST_MAIN_END(); }
    setenv("GLIMPSE_TRAIN_DIR", dir, 1);
    double slow = getenv("GLIMPSE_TEST_SLOW") ? atof(getenv("GLIMPSE_TEST_SLOW")) : 1;
    if (slow < 1) slow = 1;
    gui_run r;
    CHECK(gui_run_open(&r, 1280, 800, 1, "train", test_asset_path) == 0, "open: %s", gl_err());
    gui_run_frame(&r);
    train_run *run = view_train_run(r.sh->state[gui_view_find("train")]);
    train_config c;
    train_config_defaults(&c);
    c.model = TRAIN_DRAW; c.draw_attention = 1; c.T = 10; c.read_n = 2; c.write_n = 5;
    c.batch = 1000; c.limit = 10000; c.draw_epochs = 1; c.lr = 1e-3;
    train_run_start(run, &c);
    // the first step is under way once the model is built (the untrained probe is in)
    double t0 = gl_now();
    while (gl_now() - t0 < 60 * slow && (train_run_state(run) != TRAIN_RUNNING || probe(&r, "probes") < 1)) frames(&r, 0.05);
    CHECK(train_run_state(run) == TRAIN_RUNNING, "the DRAW run started (%s: %s)", train_state_name(train_run_state(run)), run->msg);
    frames(&r, 0.3);
    char ck[1200];
    snprintf(ck, sizeof ck, "%s/quit.ckpt", dir);
    train_run_save(run, ck, 0);   // asked for, then closed at once
    long steps = (long)probe(&r, "points");
    double q0 = gl_now();
    gui_shell_quit(r.sh);
    double quit_s = gl_now() - q0;
    printf("closing during a %d-image DRAW step, a checkpoint to write: %.1f ms (%ld steps done)\n", c.batch, quit_s * 1e3, steps);
    // inside its step: the step under way was abandoned, not finished (the
    // time is only a guard against a hang; the machine may be loaded)
    CHECK(atomic_load(&run->abandoned) == 1, "the worker stopped inside its step (%ld abandoned)", (long)atomic_load(&run->abandoned));
    CHECK(quit_s < 30.0 * slow, "closing took %.3f s", quit_s);
    CHECK(run->engine == NULL, "no worker left");
    long after = atomic_load(&run->npts);
    gui_sleep(0.2);   // (no frames: after the quit only the teardown may follow)
    CHECK(atomic_load(&run->npts) == after && after <= steps + 1, "no step after closing (%ld, then %d)", after, atomic_load(&run->npts));
    CHECK(gl_file_exists(ck), "the checkpoint asked for before closing is written: %s", run->msg);
    gl_draw *m = gl_file_exists(ck) ? gl_draw_load(ck, 1) : NULL;
    CHECK(m != NULL, "and loads: %s", m ? "" : gl_err());
    if (m) {
        long it = (long)gl_meta_num(gl_draw_meta(m), "iter", -1);
        CHECK(it == after, "it holds the steps taken (%ld of %ld)", it, after);
        gl_draw_free(m);
    }
    gui_run_close(&r);
    unlink(ck);
    rmdir(dir);
    TEST_MAIN_END();
}
