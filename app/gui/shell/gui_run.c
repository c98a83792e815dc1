// gui_run: the frame loop (see gui_run.h).
#include "gui_run.h"
#include "gl_util.h"
#include <cblas.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

void gui_sleep(double s) {
    if (s <= 0) return;
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

int gui_run_open(gui_run *r, int w, int h, int headless, const char *view, const char *(*asset_path)(const char *)) {
    memset(r, 0, sizeof *r);
    r->headless = headless;
    // The models run one digit at a time: BLAS threads only add hand-offs
    // (and spin against the GUI thread), so the engine uses one.
    openblas_set_num_threads(1);
    r->sdl = gui_sdl_open(w, h, headless);
    if (!r->sdl) return -1;
    int lh[GUI_NFONT], sw, shh;
    gui_sdl_line_heights(r->sdl, lh);
    gui_sdl_size(r->sdl, &sw, &shh);
    r->sh = gui_shell_new(sw, shh, gui_sdl_text_width, r->sdl, lh, view, asset_path);
    if (!r->sh) { gui_sdl_close(r->sdl); r->sdl = NULL; return -1; }
    if (!headless) {   // the system clipboard for text fields (headless: a private one)
        r->sh->ui.clip_get = gui_sdl_clip_get;
        r->sh->ui.clip_set = gui_sdl_clip_set;
        r->sh->ui.clip_user = r->sdl;
    }
    r->last = gl_now();
    return 0;
}

void gui_run_event(gui_run *r, const gui_event *ev) {
    if (!gui_input_fits(&r->sh->ui, ev)) {
        // The frame's input is full, or a press and its release would meet in
        // one frame: build a frame for what came before (not presented; the
        // next presented frame shows it all).
        double now = gl_now();
        gui_shell_frame(r->sh, now - r->last);
        r->last = now;
        gui_shell_end(r->sh);
        r->splits++;
    }
    gui_shell_event(r->sh, ev);
}

// Takes every pending window event.
static void pump(gui_run *r) {
    gui_event ev;
    if (r->headless) return;
    while (gui_sdl_poll(r->sdl, &ev)) {
        if (ev.type == GUI_EV_EXPOSE) { gui_shell_invalidate(r->sh); continue; }
        gui_run_event(r, &ev);
    }
}

void gui_run_frame(gui_run *r) {
    double t0 = gl_now();
    pump(r);
    double dt = t0 - r->last;
    r->last = t0;
    double tb = gl_now();
    gui_shell_frame(r->sh, r->frames ? dt : 0);
    double tr = gl_now();
    gui_sdl_render(r->sdl, &r->sh->ui);
    r->build_s = tr - tb;
    r->render_s = gl_now() - tr;
    gui_shell_end(r->sh);
    r->frames++;
    r->work_s = gl_now() - t0;
}

// A frame is due now, but not sooner than 1/60 s after the last one: the
// display shows no more (the software renderer has no vsync to wait on).
static double paced(gui_run *r, double due) {
    if (due != 0 || (!r->headless && gui_sdl_vsync(r->sdl))) return due;
    double since = gl_now() - r->last;
    return since < 1.0 / 60 ? 1.0 / 60 - since : 0;
}

int gui_run_step(gui_run *r, double max_wait) {
    pump(r);
    double due = paced(r, gui_shell_next_frame(r->sh));
    int visible = r->headless || gui_sdl_visible(r->sdl);
    if (!visible) due = -1;   // nothing is drawn while the window is hidden; its events still come
    if (due < 0 && r->frames != r->trimmed_at) {
        // Going idle (nothing due, no timer): hand the memory freed since
        // the last time back to the system. glibc keeps freed blocks in its
        // arenas (the GUI's, the engine's, the training workers'), and over a
        // session of models and traces made and dropped, that retained
        // memory is what grows; malloc_trim returns it (a few ms, once per
        // idle spell).
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        r->trimmed_at = r->frames;
    }
    if (due != 0) {
        double wait = due < 0 || due > max_wait ? max_wait : due;
        if (r->headless) gui_sleep(wait);
        else if (gui_sdl_wait(r->sdl, wait)) pump(r);
        due = paced(r, gui_shell_next_frame(r->sh));
        visible = r->headless || gui_sdl_visible(r->sdl);
    }
    if (due != 0 || !visible || r->sh->quit) return 0;
    gui_run_frame(r);
    return 1;
}

void gui_run_loop(gui_run *r) {
    while (!r->sh->quit) gui_run_step(r, 1.0);
    // Closing shows at once: the window goes before the engine and the
    // views are torn down.
    gui_sdl_hide(r->sdl);
}

int gui_run_settle(gui_run *r) {
    gui_run_frame(r);   // submits what the last input asked for
    if (gl_engine_wait_idle(r->sh->app.engine, 10.0) != 0) {
        gl_seterr("the engine did not finish within 10 s");
        return -1;
    }
    gui_run_frame(r);
    gui_run_frame(r);
    return 0;
}

int gui_run_script(gui_run *r, const gui_script *s) {
    for (int i = 0; i < s->n; i++) {
        const gui_sc_step *st = &s->steps[i];
        switch (st->kind) {
        case GUI_SC_EVENT: gui_run_event(r, &st->ev); gui_run_frame(r); break;
        case GUI_SC_FRAME: for (int k = 0; k < st->n; k++) gui_run_frame(r); break;
        case GUI_SC_WAIT: {
            double end = gl_now() + st->n / 1000.0;
            do {
                gui_run_frame(r);
                double left = end - gl_now();
                gui_sleep(left > 1.0 / 60 ? 1.0 / 60 : left);
            } while (gl_now() < end);
            break;
        }
        case GUI_SC_IDLE:
            if (gui_run_settle(r) != 0) { gl_seterr("script line %d: %s", st->line, gl_err()); return -1; }
            break;
        case GUI_SC_SHOT:
            if (gui_run_screenshot(r, st->path) != 0) {
                gl_seterr("script line %d: %s", st->line, gl_err());
                return -1;
            }
            break;
        }
        if (r->sh->quit) break;
    }
    return 0;
}

int gui_run_screenshot(gui_run *r, const char *path) {
    gl_image im;
    if (gui_sdl_read(r->sdl, &im) != 0) return -1;
    int rc = gl_image_save_png(&im, path);
    gl_image_free(&im);
    return rc;
}

void gui_run_close(gui_run *r) {
    gui_shell_free(r->sh);   // engine first, then views
    gui_sdl_close(r->sdl);
    memset(r, 0, sizeof *r);
}
