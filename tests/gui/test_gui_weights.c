// Views whose weights file cannot be used (issue 32): each names the file and
// the reason, in a note that stays; "untrained" only where no file exists.
// The Attention view used to say "untrained weights (no trained file in
// assets/)" for a truncated file. Headless, with an assets directory of
// broken files (a truncated file, a file of another key, a missing one).
#include "gl_test.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_test.h"
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static const char *broken_asset(const char *name) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}
static char path_in_dir[512];
static const char *in_dir(const char *name) {
    snprintf(path_in_dir, sizeof path_in_dir, "%s/%s", dir, name);
    return path_in_dir;
}

// The first n bytes of a shipped file (n 0: all of it), under another name.
static int copy_asset(const char *from, const char *to, size_t n) {
    uint8_t *b; size_t len;
    if (gl_read_file(test_asset_path(from), &b, &len) != 0) { fprintf(stderr, "%s\n", gl_err()); return -1; }
    int rc = gl_write_atomic(in_dir(to), b, n && n < len ? n : len);
    free(b);
    return rc;
}

// Whether the drawn text holds each word of want (a note wraps at spaces,
// and a long path may be cut anywhere, so the path is looked for by its name).
static int drawn_has(gui_run *r, const char *want) { return strstr(drawn_text(r), want) != NULL; }

static void attention(void) {
    gui_run r;
    if (open_view(&r, "attention", broken_asset)) return;
    // softmax: a truncated file
    CHECK(run_text(&r, "idle\nframe 3\n") == 0, "settle");
    expire_note(&r);
    gui_run_frame(&r);
    CHECK(probe(&r, "untrained") == 1, "random weights run in place of the truncated file");
    CHECK(drawn_has(&r, "Random weights:") && drawn_has(&r, "cannot use") && drawn_has(&r, "truncated")
          && drawn_has(&r, "softmax.safetensors"),
          "a note on the canvas names the file and the reason: %.600s", drawn_text(&r));
    CHECK(!drawn_has(&r, "Untrained") && !strstr(r.sh->app.status, "no trained file")
          && strstr(r.sh->app.status, "random weights (the trained file cannot be used"),
          "a file that exists is not called missing: %s", r.sh->app.status);
    // the note stays, frame after frame
    CHECK(run_text(&r, "frame 5\nkey Right\nidle\n") == 0 && drawn_has(&r, "truncated"), "the note stays");
    // gaussian: no file
    CHECK(run_text(&r, "key 2\nidle\nframe 2\n") == 0 && probe(&r, "key") == 1, "the gaussian key");
    CHECK(probe(&r, "untrained") == 1 && drawn_has(&r, "Untrained weights: no trained file")
          && drawn_has(&r, "attention-gaussian.safetensors does not exist"),
          "no file: untrained, and which file: %.600s", drawn_text(&r));
    CHECK(strstr(r.sh->app.status, "untrained weights (no trained file"), "status: %s", r.sh->app.status);
    // feature: a file of another key
    CHECK(run_text(&r, "key 3\nidle\nframe 2\n") == 0 && probe(&r, "key") == 2, "the feature key");
    CHECK(probe(&r, "untrained") == 1 && drawn_has(&r, "it holds the gaussian key, not feature"),
          "a file of another key is named with what it holds: %.600s", drawn_text(&r));
    // side by side: each canvas says its own
    CHECK(run_text(&r, "key s\nidle\nframe 2\n") == 0 && probe(&r, "side") == 1, "side by side");
    CHECK(drawn_has(&r, "truncated") && drawn_has(&r, "does not exist") && drawn_has(&r, "holds the gaussian key")
          && drawn_has(&r, "softmax: ") && drawn_has(&r, ", random weights") && drawn_has(&r, ", untrained"),
          "three notes, three titles: %.900s", drawn_text(&r));
    gui_run_close(&r);
}

// The other views that load weights: the DRAW view, Synthesis, Prediction.
static void other_views(void) {
    static const char *const views[3] = { "draw", "synthesis", "prediction" };
    static const char *const files[3] = { "draw-attention.safetensors", "handwriting-synth.safetensors",
                                          "handwriting-predict.safetensors" };
    for (int i = 0; i < 3; i++) {
        gui_run r;
        if (open_view(&r, views[i], broken_asset)) continue;
        run_text(&r, "idle\nframe 3\n");
        expire_note(&r);
        run_text(&r, "frame 2\n");
        const char *t = drawn_text(&r);
        CHECK(strstr(t, files[i]) && strstr(t, "truncated") && !strstr(t, "no trained file"),
              "%s: a lasting note names %s and why: %.600s", views[i], files[i], t);
        gui_run_close(&r);
    }
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/gl_weights_XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    // truncated: the first 4000 bytes of each (the header is longer)
    int ok = copy_asset("attention-softmax.safetensors", "attention-softmax.safetensors", 4000) == 0
             && copy_asset("attention-gaussian.safetensors", "attention-feature.safetensors", 0) == 0
             && copy_asset("draw-attention.safetensors", "draw-attention.safetensors", 4000) == 0
             && copy_asset("handwriting-synth.safetensors", "handwriting-synth.safetensors", 4000) == 0
             && copy_asset("handwriting-predict.safetensors", "handwriting-predict.safetensors", 4000) == 0;
    CHECK(ok, "the broken assets are made: %s", gl_err());
    if (ok) { attention(); other_views(); }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    TEST_MAIN_END();
}
