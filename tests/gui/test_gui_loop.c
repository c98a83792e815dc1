// The frame loop of a desktop application: it draws nothing while nothing
// changes (each view, over a second), draws after input and while playing;
// no input is lost (a press and release within one frame, bursts of more
// keys than a frame holds); Ctrl+Shift+Tab goes back; and without a display
// the executable (argv[1]) exits at once with one line saying so.
#include "gl_test.h"
#include "gui_test.h"
#include "gl_image.h"
#include "view.h"
#include <string.h>
#include <sys/wait.h>

// Frames drawn by the sleeping loop over `seconds` of real time.
static int frames_over(gui_run *r, double seconds) {
    uint64_t f0 = r->frames;
    double end = gl_now() + seconds;
    while (gl_now() < end) gui_run_step(r, end - gl_now());
    return (int)(r->frames - f0);
}

static void send(gui_run *r, gui_event e) { gui_run_event(r, &e); }

static void idle_views(void) {
    for (int i = 0; gui_views[i]; i++) {   // every registered view
        const char *view = gui_views[i]->name;
        gui_run r;
        if (gui_run_open(&r, 1280, 800, 1, view, test_asset_path) != 0) { CHECK(0, "open %s: %s", view, gl_err()); continue; }
        // Let the first run finish and, on synthesis, the pen reach the end
        // of its line (it writes at a few characters a second).
        double t0 = gl_now();
        while (gl_now() - t0 < 30) { frames_over(&r, 0.5); if (probe(&r, "animating") == 0 && !gl_engine_busy(r.sh->app.engine)) break; }
        frames_over(&r, 0.2);
        int idle = frames_over(&r, 1.0);
        CHECK(idle == 0, "%s: %d frames drawn over a second of no input", view, idle);
        send(&r, (gui_event){ .type = GUI_EV_MOVE, .x = 640, .y = 400 });
        int after = frames_over(&r, 0.3);
        CHECK(after >= 1, "%s: a mouse move is drawn (%d frames)", view, after);
        // and the loop goes back to sleep: no frame over a second once what
        // the move started (if anything) is over
        t0 = gl_now();
        while (gl_now() - t0 < 10) { frames_over(&r, 0.5); if (probe(&r, "animating") == 0 && !gl_engine_busy(r.sh->app.engine)) break; }
        frames_over(&r, 0.2);
        int again = frames_over(&r, 1.0);
        CHECK(again == 0, "%s: %d frames over a second of no input after the move", view, again);
        gui_run_close(&r);
    }
}

static void playing_and_input(void) {
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, "attention", test_asset_path) != 0) { CHECK(0, "open: %s", gl_err()); return; }
    gui_run_settle(&r);
    frames_over(&r, 0.2);
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_SPACE });
    int playing = frames_over(&r, 0.5);
    CHECK(playing >= 10, "playing draws continuously (%d frames in 0.5 s)", playing);
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_SPACE });
    frames_over(&r, 0.1);
    CHECK(frames_over(&r, 0.5) == 0, "paused: drawing stops");

    // A tap on the timeline: press and release before the next frame.
    int tx = (int)probe(&r, "timeline_x"), ty = (int)probe(&r, "timeline_y"), tw = (int)probe(&r, "timeline_w");
    int x = tx + tw * 6 / 10 + tw / 20;   // the seventh cell
    send(&r, (gui_event){ .type = GUI_EV_DOWN, .x = x, .y = ty + 10, .button = 1 });
    send(&r, (gui_event){ .type = GUI_EV_UP, .x = x, .y = ty + 10, .button = 1 });
    gui_run_frame(&r);
    CHECK(probe(&r, "step") == 6, "a quick tap on the timeline's seventh cell shows step 7 (%g)", probe(&r, "step") + 1);
    // A quick click on a button (Side by side) within one frame.
    double side = probe(&r, "side");
    CHECK(run_text(&r, "key s\n") == 0 && probe(&r, "side") != side, "S toggles side by side");

    // Ctrl+Shift+Tab goes back a view, Ctrl+Tab on.
    double v0 = probe(&r, "view");
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_TAB, .mods = GUI_MOD_CTRL | GUI_MOD_SHIFT });
    gui_run_frame(&r);
    int back = ((int)v0 + r.sh->nviews - 1) % r.sh->nviews;
    CHECK(probe(&r, "view") == back, "Ctrl+Shift+Tab: view %g -> %g (the one before)", v0, probe(&r, "view"));
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_TAB, .mods = GUI_MOD_CTRL });
    gui_run_frame(&r);
    CHECK(probe(&r, "view") == v0, "Ctrl+Tab: back to view %g", probe(&r, "view"));
    gui_run_close(&r);
}

static void key_bursts(void) {
    gui_run r;
    if (gui_run_open(&r, 1280, 800, 1, "synthesis", test_asset_path) != 0) { CHECK(0, "open: %s", gl_err()); return; }
    gui_run_frame(&r);
    // Return gives the text field the keys; Ctrl+A, Delete empties it.
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_RETURN });
    gui_run_frame(&r);
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = 'a', .mods = GUI_MOD_CTRL });
    send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_DELETE });
    // 80 characters typed, then 85 Backspaces, 50 of them, all between two frames.
    for (int i = 0; i < 80; i++) { gui_event t = { .type = GUI_EV_TEXT }; t.text[0] = (char)('a' + i % 26); gui_run_event(&r, &t); }
    if (getenv("LOOP_DEBUG")) { gui_run_frame(&r); fprintf(stderr, "typed: %g focus %u\n", probe(&r, "text_len"), r.sh->ui.focus); }
    for (int i = 0; i < 50; i++) send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_BACKSPACE });
    gui_run_frame(&r);
    CHECK(probe(&r, "text_len") == 30, "80 characters typed and 50 Backspaces in one burst leave 30 (%g)", probe(&r, "text_len"));
    CHECK(r.splits >= 2, "the burst was split over %llu frames, not cut", (unsigned long long)r.splits);
    for (int i = 0; i < 85; i++) send(&r, (gui_event){ .type = GUI_EV_KEY, .key = GUI_KEY_BACKSPACE });
    gui_run_frame(&r);
    CHECK(probe(&r, "text_len") == 0, "85 more Backspaces empty it (%g)", probe(&r, "text_len"));
    gui_run_close(&r);
}

// The executable without a display: one line, exit status 1, at once.
static void no_display(const char *exe) {
    static const char *const envs[] = {
        "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER",
        "env DISPLAY= WAYLAND_DISPLAY= SDL_VIDEODRIVER=offscreen",
    };
    for (int i = 0; i < 2; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "%s timeout 20 %s 2>&1", envs[i], exe);
        double t0 = gl_now();
        FILE *p = popen(cmd, "r");
        if (!p) { CHECK(0, "popen"); return; }
        char out[4096] = "";
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = 0;
        int st = pclose(p);
        double dt = gl_now() - t0;
        int lines = 0;
        for (char *c = out; *c; c++) lines += *c == '\n';
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit status 1 (%d)", envs[i], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        CHECK(lines == 1 && strstr(out, "no display") && strstr(out, "--screenshot"), "%s: one line that says so: %s", envs[i], out);
        CHECK(dt < 10, "%s: at once (%.1f s)", envs[i], dt);
    }
}

// Figures' labels in the app's TrueType font: anti-aliased edges (grey
// levels between ink and paper), which the 5x7 bitmap font never has.
static void figure_font(void) {
    int grey[2];
    for (int k = 0; k < 2; k++) {
        if (k) gui_figtext_install();
        gl_image im = gl_image_new(120, 40, 255, 255, 255);
        gl_image_text(&im, 4, 6, 2, "step 1", 0, 0, 0);
        grey[k] = 0;
        for (int i = 0; i < im.w * im.h * 3; i++) grey[k] += im.px[i] > 20 && im.px[i] < 235;
        gl_image_free(&im);
    }
    gl_image_set_text_fn(NULL);
    CHECK(grey[0] == 0 && grey[1] > 20, "figure labels: bitmap %d grey values, TrueType %d", grey[0], grey[1]);
}

int main(int argc, char **argv) {
    if (argc > 1) { no_display(argv[1]); TEST_MAIN_END(); }
    figure_font();
    idle_views();
    playing_and_input();
    key_bursts();
    TEST_MAIN_END();
}
