// `glimpse bench gui --view synthesis|prediction`: the two handwriting views
// headless (SDL offscreen driver, software renderer), paced at 60 frames per
// second, with the figures issue 5 asks for:
//   synthesis   the pen writing a sentence at its default speed; every 2 s
//               "write again" (a new seed, a new trace from the engine) and
//               every 6 s a new sentence typed into the text field. Frame
//               times, and request -> first point on screen in frames.
//   prediction  a simulated mouse (two events a frame, as a 120 Hz mouse)
//               writing loops across the canvas with live density; a pen
//               lift every 2.5 s, the canvas cleared every third stroke.
//               Frame times, and new point -> its density on screen in frames;
//               with the possible futures on (the view's default): new point
//               -> futures from it (or a later point) on screen, in frames,
//               the sets shown, and their time on the futures' worker.
#include "gui_bench_hw.h"
#include "cli.h"
#include "gl_util.h"
#include "gui_run.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long vm_hwm_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) { v = atol(line + 6); break; }
    fclose(f);
    return v;
}

static double probe(gui_run *r, const char *what) {
    double v = -1;
    gui_shell_probe(r->sh, what, &v);
    return v;
}

static void key(gui_run *r, int k) {
    gui_event e = { .type = GUI_EV_KEY, .key = k };
    gui_run_event(r, &e);
}

static const char *const sentences[] = {
    "the quick brown fox jumps over a lazy dog",
    "attention is a soft window on the text",
    "handwriting with recurrent networks",
    "every point is sampled from a mixture",
};

// Latency bookkeeping shared by both scenarios: the frame whose input
// (input_version) first shows up in shown_version, counted from the frame
// the input arrived in (shown in the next frame = 1). Inputs that arrive
// while one is outstanding are measured from the oldest one.
typedef struct { double *lat; int n, late; double waiting_v; int waiting_f; } latency;

static void latency_step(latency *l, int f, double v_in, double shown) {
    if (l->waiting_v < 0 && v_in > shown) { l->waiting_v = v_in; l->waiting_f = f; }
    if (l->waiting_v >= 0 && shown >= l->waiting_v) {
        l->lat[l->n++] = f - l->waiting_f;
        l->waiting_v = -1;
        if (v_in > shown) { l->waiting_v = v_in; l->waiting_f = f; }
    } else if (l->waiting_v >= 0 && f - l->waiting_f > 120) { l->late++; l->waiting_v = -1; }
}

// The times of a timed run's frames in ms (the whole work, the build, the render) and its input latency.
typedef struct { double *work, *build, *render; latency l; } frame_log;

static frame_log frame_log_new(int nframes) {
    size_t n = (size_t)nframes;
    return (frame_log){ gl_malloc(sizeof(double) * n), gl_malloc(sizeof(double) * n), gl_malloc(sizeof(double) * n),
                        { gl_malloc(sizeof(double) * n), 0, 0, -1, 0 } };
}

static void frame_log_free(frame_log *fl) { free(fl->work); free(fl->build); free(fl->render); free(fl->l.lat); }

// Frame f drawn, its work begun at t0: its times logged, the latency stepped. Returns the input version it drew.
static double timed_frame(gui_run *r, frame_log *fl, int f, double t0) {
    double v_in = probe(r, "input_version");
    gui_run_frame(r);
    double shown = probe(r, "shown_version");
    fl->work[f] = (gl_now() - t0) * 1000;
    fl->build[f] = r->build_s * 1000;
    fl->render[f] = r->render_s * 1000;
    latency_step(&fl->l, f, v_in, shown);
    return v_in;
}

// The end of a timed run: the engine's job counts into *st, the view closed. Returns the peak memory (kB).
static long close_run(gui_run *r, gl_engine_stats *st) {
    gl_engine_get_stats(r->sh->app.engine, st);
    long hwm = vm_hwm_kb();
    gui_run_close(r);
    return hwm;
}

static void pace(double *next) {
    *next += 1.0 / 60;
    double left = *next - gl_now();
    if (left > 0) gui_sleep(left);
    else *next = gl_now();   // fell behind: no catching up in a burst
}

static void report(const char *view, const char *what, const char *lat_name, int nframes, const frame_log *fl,
                   long hwm, const gl_engine_stats *st, int w, int h, int json) {
    double *work = fl->work, *build = fl->build, *render = fl->render;
    const latency *l = &fl->l;
    double p50 = gl_percentile(work, nframes, 50), p99 = gl_percentile(work, nframes, 99),
           mx = gl_percentile(work, nframes, 100);
    double b50 = gl_percentile(build, nframes, 50), r50 = gl_percentile(render, nframes, 50);
    double l50 = gl_percentile(l->lat, l->n, 50), l99 = gl_percentile(l->lat, l->n, 99);
    if (json) {
        printf("{\"view\": \"%s\", \"frames\": %d, \"frame_ms_median\": %.2f, \"frame_ms_p99\": %.2f, "
               "\"frame_ms_max\": %.2f, "
               "\"build_ms_median\": %.2f, \"render_ms_median\": %.2f, \"latency\": \"%s\", \"latency_frames_median\": "
               "%.0f, \"latency_frames_p99\": %.0f, "
               "\"latency_samples\": %d, \"latency_lost\": %d, \"vm_hwm_mb\": %.1f, \"jobs_finished\": %llu, "
               "\"jobs_cancelled\": %llu, "
               "\"jobs_dropped\": %llu}\n",
               view, nframes, p50, p99, mx, b50, r50, lat_name, l50, l99, l->n, l->late, hwm / 1024.0,
               (unsigned long long)st->finished, (unsigned long long)st->cancelled, (unsigned long long)st->dropped);
        return;
    }
    printf("glimpse bench gui --view %s: %d frames at 60 Hz (%.1f s), %s, %dx%d, headless software renderer\n",
           view, nframes, nframes / 60.0, what, w, h);
    printf("  frame time          median %6.2f ms   p99 %6.2f ms   max %6.2f ms   (target p99 <= 16.7 ms)\n", p50, p99,
           mx);
    printf("  of which           building %.2f ms, rendering %.2f ms (medians)\n", b50, r50);
    printf("  %-19s median %4.0f frame%s p99 %4.0f frame%s  (%d samples%s%s)\n", lat_name, l50, l50 == 1 ? " " : "s",
           l99, l99 == 1 ? "" : "s", l->n, l->late ? ", some never shown" : "",
           !strcmp(view, "prediction") ? "; target p99 <= 1" : "");
    printf("  memory              VmHWM %.1f MB\n", hwm / 1024.0);
    printf("  engine jobs         %llu finished, %llu cancelled, %llu superseded before starting\n",
           (unsigned long long)st->finished, (unsigned long long)st->cancelled, (unsigned long long)st->dropped);
}

// Opens a handwriting view headless, settled, with its network loaded; -1 (said on stderr) otherwise.
static int open_hw_view(gui_run *r, const char *view, int w, int h) {
    if (gui_run_open(r, w, h, 1, view, app_asset_path) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return -1;
    }
    if (gui_run_settle(r) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); gui_run_close(r); return -1; }
    if (probe(r, "have_model") != 1) {
        fprintf(stderr, "glimpse: %s\n", r->sh->app.status);
        gui_run_close(r);
        return -1;
    }
    return 0;
}

int bench_gui_synthesis(int nframes, int w, int h, int json) {
    gui_run r;
    if (open_hw_view(&r, "synthesis", w, h)) return 1;
    frame_log fl = frame_log_new(nframes);
    int si = 0, writing = 0;
    double speed = probe(&r, "speed");
    double next = gl_now();
    for (int f = 0; f < nframes; f++) {
        double t0 = gl_now();
        if (f % 360 == 0) {
            // A new sentence: focus the field and clear it in frames of their
            // own (a frame holds 32 keys); the typing and Return are in the
            // timed frame.
            key(&r, GUI_KEY_RETURN);
            gui_run_frame(&r);
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 20; k++) key(&r, GUI_KEY_BACKSPACE);
                gui_run_frame(&r);
            }
            t0 = gl_now();
            gui_event t = { .type = GUI_EV_TEXT };
            snprintf(t.text, sizeof t.text, "%s", sentences[si % 4]);   // at most 31 bytes an event
            gui_run_event(&r, &t);
            snprintf(t.text, sizeof t.text, "%s", strlen(sentences[si % 4]) > 31 ? sentences[si % 4] + 31 : "");
            if (t.text[0]) gui_run_event(&r, &t);
            key(&r, GUI_KEY_RETURN);
            si++;
        } else if (f % 120 == 0) key(&r, 'a');   // write again, a new seed
        timed_frame(&r, &fl, f, t0);
        if (getenv("GLIMPSE_BENCH_TRACE") && fl.work[f] > 10)
            fprintf(stderr, "frame %d: %.2f ms (build %.2f, render %.2f), point %.0f of %.0f\n", f, fl.work[f],
                    fl.build[f], fl.render[f], probe(&r, "step"), probe(&r, "steps"));
        writing += probe(&r, "playing") == 1;
        pace(&next);
    }
    gl_engine_stats st;
    long hwm = close_run(&r, &st);
    char what[160];
    snprintf(what, sizeof what,
             "the pen writing in %d%% of them (%.0f characters/s), write again every 2 s, a new sentence every 6 s",
             (int)(100.0 * writing / nframes + 0.5), speed);
    report("synthesis", what, "request -> 1st point", nframes, &fl, hwm, &st, w, h, json);
    frame_log_free(&fl);
    return 0;
}

// The mouse path: loops moving right (a cursive "eeee"), t in seconds;
// canvas units in [0,1].
static void loops(double t, double *x, double *y) {
    double u = 0.75 * t;   // loops per second
    *x = 0.08 + 0.085 * u - 0.035 * sin(2 * M_PI * u);
    *y = 0.35 - 0.06 * (1 - cos(2 * M_PI * u));
}

int bench_gui_prediction(int nframes, int w, int h, int json, int futures) {
    gui_run r;
    if (open_hw_view(&r, "prediction", w, h)) return 1;
    if (!futures && probe(&r, "futures_on") == 1) key(&r, 'f');
    double cx = probe(&r, "canvas_x"), cy = probe(&r, "canvas_y"), cw = probe(&r, "canvas_w"),
           ch = probe(&r, "canvas_h");
    frame_log fl = frame_log_new(nframes);
    latency lf = { gl_malloc(sizeof(double) * (size_t)nframes), 0, 0, -1, 0 };   // point -> futures
    double *fms = gl_malloc(sizeof(double) * (size_t)nframes), last_fv = -1, probe_n = 0;
    int nsets = 0, futures_on = probe(&r, "futures_on") == 1;
    const int stroke_frames = 150;   // 2.5 s a stroke
    int strokes = 0, points = 0;
    double next = gl_now();
    for (int f = 0; f < nframes; f++) {
        double t0 = gl_now();
        int s = f / stroke_frames, k = f % stroke_frames;
        gui_event ev = { .button = 1 };
        if (k == 0 && s % 3 == 0) key(&r, 'c');   // a fresh canvas every third stroke
        for (int e = 0; e < 2; e++) {
            double x, y;
            loops((k * 2 + e) / 120.0, &x, &y);
            ev.x = (int)(cx + x * cw); ev.y = (int)(cy + (y + 0.2 * (s % 3)) * ch);
            ev.type = k == 0 && e == 0 ? GUI_EV_DOWN : GUI_EV_MOVE;
            if (ev.type == GUI_EV_DOWN) strokes++;
            gui_run_event(&r, &ev);
        }
        if (k == stroke_frames - 1) { ev.type = GUI_EV_UP; gui_run_event(&r, &ev); }
        double v_in = timed_frame(&r, &fl, f, t0);
        double fv = probe(&r, "futures_version");
        if (futures_on) latency_step(&lf, f, v_in, fv);
        if (fv >= 0 && fv != last_fv) {
            fms[nsets++] = probe(&r, "futures_ms");
            probe_n = probe(&r, "futures");
            last_fv = fv;
        }
        pace(&next);
    }
    points = (int)probe(&r, "input_version");
    gl_engine_stats st;
    long hwm = close_run(&r, &st);
    char what[160];
    snprintf(what, sizeof what, "%d strokes, %d pen points with live density (about %.0f a second)", strokes, points,
             points * 60.0 / nframes);
    report("prediction", what, "point -> density", nframes, &fl, hwm, &st, w, h, json);
    if (!json && futures_on && nsets > 0)
        printf("  point -> futures     median %4.0f frames p99 %4.0f frames (%d samples%s); %d sets of %.0f futures "
               "shown, %.1f ms median on their worker\n", gl_percentile(lf.lat, lf.n, 50),
               gl_percentile(lf.lat, lf.n, 99), lf.n, lf.late ? ", some never shown" : "", nsets, probe_n,
               gl_percentile(fms, nsets, 50));
    else if (!json) printf("  futures             %s\n", futures_on ? "none shown" : "off");
    free(lf.lat); free(fms);
    frame_log_free(&fl);
    return 0;
}
