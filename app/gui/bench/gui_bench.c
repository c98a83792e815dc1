// `glimpse bench gui`: the app headless (SDL offscreen driver, software
// renderer), a pen drawing digit after digit on the attention canvas with
// live inference, paced at 60 frames per second. Reports frame times,
// pen-to-mask latency in frames, launch to first frame, and memory. The
// targets of issue 3 are printed beside the figures; they live here, never
// in the tests.
#include "args.h"
#include "cli.h"
#include "gl_util.h"
#include "gui_bench_hw.h"
#include "gui_bench_train.h"
#include "gui_run.h"
#include "gui_shell.h"
#include "view.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const app_opt bench_opts[] = {
    APP_NUM("seconds", 0.5, 600, NULL, "how long the pen draws (default 5)"),
    APP_TEXT("size", "window size WxH (default 1280x800)"),
    APP_FLAG("json", "print the figures as JSON"),
    APP_TEXT("view",
      "attention (default: a pen drawing), synthesis (the pen writing), prediction (live density) draw (generate view "
      "playing, a new seed every 2 s) or train (the attention model training: speed against the CLI's loop, start and "
      "pause latency, frames)"),
    APP_INT("grid", 1, 6, "1", "draw: samples per side of the grid (1, 2, 3, 4 or 6)"),
    APP_FLAG("no-futures", "prediction, draw: with the possible futures switched off (F)"),
    APP_FLAG("idle",
      "no input for --seconds (default 10) on each view (or --view): CPU time and frames drawn by the sleeping loop"),
    APP_OPT_END,
};

// Seconds since this process started (kernel start time has 10 ms ticks).
static double process_age(void) {
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f) return 0;
    char buf[2048];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');   // the command name may hold spaces
    if (!p) return 0;
    unsigned long long start = 0;
    // fields after ')': state(3) ... starttime is field 22
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    double age = ts.tv_sec + ts.tv_nsec * 1e-9 - (double)start / (double)sysconf(_SC_CLK_TCK);
    return age > 0 && age < 60 ? age : 0;
}

static long status_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, n) && line[n] == ':') { v = atol(line + n + 1); break; }
    fclose(f);
    return v;
}

// The pen's path for digit d at phase t in [0,1], in canvas units [0,1]:
// a few hand-like shapes (a loop, a hook, a zig-zag) so the drawing keeps
// changing where the model looks.
static void pen_path(int d, double t, double *x, double *y) {
    double a = 2 * M_PI * t;
    switch (d % 3) {
    case 0: *x = 0.5 + 0.22 * sin(a); *y = 0.5 - 0.32 * cos(a); break;                       // 0
    case 1: *x = 0.35 + 0.35 * t + 0.08 * sin(3 * a); *y = 0.2 + 0.6 * t; break;              // a slanted stroke
    default: *x = 0.3 + 0.4 * fabs(sin(1.5 * a)); *y = 0.2 + 0.6 * t; break;                  // zig-zag
    }
}

static int probe(gui_run *r, const char *what) {
    double v = -1;
    gui_shell_probe(r->sh, what, &v);
    return (int)v;
}

// The DRAW view generating: playing its runs (5 steps per second, the
// default) with
// a new seed (a new engine run, replayed from step 1) every 2 seconds, paced
// at 60 frames per second. Seed -> run on screen is counted in frames.
static const int draw_grids[] = { 1, 2, 3, 4, 6 };

// A new grid of DRAW's futures on screen: its worker time into fms[*n].
static void futures_seen(gui_run *r, double *fms, int *n, double *last_step, double *last_ms) {
    double fs = -1, fm = -1;
    if (gui_shell_probe(r->sh, "futures_step", &fs) == 0 && gui_shell_probe(r->sh, "futures_ms", &fm) == 0 &&
        (fs != *last_step || fm != *last_ms)) {
        fms[(*n)++] = fm;
        *last_step = fs; *last_ms = fm;
    }
}

static int bench_draw(int nframes, int w, int h, long grid, int json, int futures) {
    gui_run r;
    if (gui_run_open(&r, w, h, 1, "draw", app_asset_path) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    if (gui_run_settle(&r) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); gui_run_close(&r); return 1; }
    double v = 0;
    if (gui_shell_probe(r.sh, "error", &v) == 0 && v) {
        fprintf(stderr, "glimpse: %s\n", r.sh->app.status);
        gui_run_close(&r);
        return 1;
    }
    int gi = 0;   // the G key steps through 1, 2, 3, 4, 6 samples per side
    while (gi < 5 && draw_grids[gi] != grid) gi++;
    gui_event k = { .type = GUI_EV_KEY, .key = 'g' };
    for (int i = 0; i < gi; i++) gui_run_event(&r, &k);
    gui_event kf = { .type = GUI_EV_KEY, .key = 'f' };   // the futures off
    if (!futures) gui_run_event(&r, &kf);
    double *fms = gl_malloc(sizeof(double) * (size_t)nframes), last_fs = -1, last_fms = -1;
    int nfut = 0;
    gui_run_settle(&r);
    double T = 0;
    gui_shell_probe(r.sh, "T", &T);
    double *work = gl_malloc(sizeof(double) * (size_t)nframes), *lat = gl_malloc(sizeof(double) * (size_t)nframes);
    int nlat = 0, seeds = 0, wait_f = -1;
    double want = 0, next = gl_now();
    for (int f = 0; f < nframes; f++) {
        double t0 = gl_now();
        if (f % 120 == 0) {
            k.key = 'n';
            gui_run_event(&r, &k);
            gui_shell_probe(r.sh, "seed", &want);
            seeds++;
            wait_f = f;
        }
        gui_run_frame(&r);
        double shown = -1;
        gui_shell_probe(r.sh, "shown_seed", &shown);
        if (wait_f >= 0 && shown == want) { lat[nlat++] = f - wait_f + 1; wait_f = -1; }
        work[f] = (gl_now() - t0) * 1000;
        futures_seen(&r, fms, &nfut, &last_fs, &last_fms);
        next += 1.0 / 60;
        double left = next - gl_now();
        if (left > 0) gui_sleep(left);
        else next = gl_now();
    }
    double samples = 0, speed = 0;
    gui_shell_probe(r.sh, "samples", &samples);
    gui_shell_probe(r.sh, "speed", &speed);
    gl_engine_stats st;
    gl_engine_get_stats(r.sh->app.engine, &st);
    long hwm = status_kb("VmHWM");
    gui_run_close(&r);
    double p50 = gl_percentile(work, nframes, 50), p99 = gl_percentile(work, nframes, 99),
           mx = gl_percentile(work, nframes, 100);
    double l50 = gl_percentile(lat, nlat, 50), l99 = gl_percentile(lat, nlat, 99);
    if (json)
        printf("{\"view\": \"draw\", \"frames\": %d, \"samples\": %.0f, \"T\": %.0f, \"seeds\": %d, "
               "\"frame_ms_median\": %.2f, \"frame_ms_p99\": %.2f, "
               "\"frame_ms_max\": %.2f, \"seed_to_screen_frames_median\": %.0f, \"seed_to_screen_frames_p99\": %.0f, "
               "\"vm_hwm_mb\": %.1f}\n",
               nframes, samples, T, seeds, p50, p99, mx, l50, l99, hwm / 1024.0);
    else {
        printf("glimpse bench gui --view draw: %d frames at 60 Hz, generate view playing %.0f sample%s (T = %.0f) at "
               "%.1f steps/s, a new seed every 2 s, %dx%d, headless software renderer\n",
               nframes, samples, samples == 1 ? "" : "s", T, speed, w, h);
        printf("  frame time          median %6.2f ms   p99 %6.2f ms   max %6.2f ms   (target p99 <= 16.7 ms)\n", p50,
               p99, mx);
        printf("  new seed -> on screen  median %.0f frame%s, p99 %.0f (%d seeds)\n", l50, l50 == 1 ? "" : "s", l99,
               nlat);
        printf("  memory              VmHWM %.1f MB\n", hwm / 1024.0);
        printf("  engine jobs         %llu finished, %llu cancelled\n", (unsigned long long)st.finished,
               (unsigned long long)st.cancelled);
        if (nfut) printf("  futures             %d grids of 9 shown, %.1f ms median on their worker\n", nfut,
                         gl_percentile(fms, nfut, 50));
        else printf("  futures             %s\n", futures ? "none shown" : "off");   // (not in the JSON)
    }
    free(fms);
    free(work);
    free(lat);
    return 0;
}

// The idle scenario: the app's own loop (gui_run_step, the one the window
// runs) left alone after the view's first run has finished and its pen has
// stopped. CPU time of the whole process (GUI and engine threads) and the
// frames drawn; the target is at most 1% CPU and no frames.
static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bench_idle(const char *only, double seconds, int w, int h, int json) {
    int rc = 0;
    if (json) printf("[");
    for (int i = 0, first = 1; gui_views[i]; i++) {   // every registered view
        const char *name = gui_views[i]->name;
        if (only && strcasecmp(only, name)) continue;
        gui_run r;
        if (gui_run_open(&r, w, h, 1, name, app_asset_path) != 0) {
            fprintf(stderr, "glimpse: %s\n", gl_err());
            return 1;
        }
        // settle: the first run done, the pen at rest (at most 60 s)
        double t0 = gl_now();
        while (gl_now() - t0 < 60) {
            gui_run_step(&r, 0.25);
            double anim = 0;
            gui_shell_probe(r.sh, "animating", &anim);
            if (!anim && !gl_engine_busy(r.sh->app.engine) && gui_shell_next_frame(r.sh) != 0) break;
        }
        double end = gl_now() + 0.5;
        while (gl_now() < end) gui_run_step(&r, end - gl_now());
        uint64_t f0 = r.frames;
        double c0 = cpu_seconds(), w0 = gl_now();
        end = w0 + seconds;
        while (gl_now() < end) gui_run_step(&r, end - gl_now());
        double cpu = cpu_seconds() - c0, wall = gl_now() - w0;
        int frames = (int)(r.frames - f0);
        gui_run_close(&r);
        if (json)
            printf("%s{\"view\": \"%s\", \"seconds\": %.1f, \"cpu_s\": %.4f, \"cpu_percent\": %.3f, \"frames\": %d}",
                   first ? "" : ", ", name, wall, cpu, 100 * cpu / wall, frames);
        else
            printf("glimpse bench gui --idle: %-10s %4.1f s without input: CPU %.3f s (%.2f%%), %d frames drawn   "
                   "(target <= 1%%, 0 frames)\n",
                   name, wall, cpu, 100 * cpu / wall, frames);
        first = 0;
        fflush(stdout);
    }
    if (json) printf("]\n");
    return rc;
}

// The attention view's bench: pen strokes drawn on its canvas at 60 Hz
// (two pen events a frame, a fresh canvas every third stroke), each frame's
// time and how many frames the mask on screen lags the pen.
typedef struct {
    int nframes, strokes, nlat, late;
    double *work, *lat, *build, *render;   // per frame (lat: per measured input), ms and frames
} attn_frames;

static void attn_pen_frames(gui_run *r, int cx, int cy, int cw, attn_frames *fr) {
    const double period = 1.0 / 60;
    int nframes = fr->nframes, stroke_frames = 45;
    double *work = fr->work, *lat = fr->lat, *build = fr->build, *render = fr->render;
    int nlat = 0, waiting_v = -1, waiting_f = 0, strokes = 0, late = 0;
    double next = gl_now();
    for (int f = 0; f < nframes; f++) {
        double t0 = gl_now();
        // Two pen events a frame, as a mouse reports them at ~120 Hz.
        int s = f / stroke_frames, k = f % stroke_frames;
        gui_event ev = {0};
        for (int e = 0; e < 2; e++) {
            double px, py;
            pen_path(s, (k * 2 + e) / (2.0 * (stroke_frames - 1)), &px, &py);
            ev.x = cx + (int)(px * cw); ev.y = cy + (int)(py * cw); ev.button = 1;
            if (k == 0 && e == 0) {
                if (s % 3 == 0) {   // a fresh canvas every third stroke
                    gui_event c = { .type = GUI_EV_KEY, .key = 'c' };
                    gui_run_event(r, &c);
                }
                ev.type = GUI_EV_DOWN; strokes++;
            } else ev.type = GUI_EV_MOVE;
            gui_run_event(r, &ev);
        }
        if (k == stroke_frames - 1) { ev.type = GUI_EV_UP; gui_run_event(r, &ev); }
        int v_in = probe(r, "input_version");
        gui_run_frame(r);
        int shown = probe(r, "shown_version");
        work[f] = (gl_now() - t0) * 1000;
        build[f] = r->build_s * 1000;
        render[f] = r->render_s * 1000;
        if (getenv("GLIMPSE_BENCH_TRACE") && work[f] > 10)
            fprintf(stderr, "frame %d: %.2f ms (build %.2f, render %.2f)\n", f, work[f], build[f], render[f]);
        // Latency: the frame whose input first shows up (or is overtaken by a
        // newer input) in the mask on screen, counted from the frame the pen
        // moved in. Inputs that arrive while one is outstanding are measured
        // from the oldest outstanding one, which is the pessimistic reading.
        if (waiting_v < 0 && v_in > shown) { waiting_v = v_in; waiting_f = f; }
        if (waiting_v >= 0 && shown >= waiting_v) {
            lat[nlat++] = f - waiting_f;   // shown in the next frame = 1
            waiting_v = -1;
            if (v_in > shown) { waiting_v = v_in; waiting_f = f; }
        } else if (waiting_v >= 0 && f - waiting_f > 120) { late++; waiting_v = -1; }
        next += period;
        double left = next - gl_now();
        if (left > 0) gui_sleep(left);
        else next = gl_now();   // fell behind: do not try to catch up in a burst
    }
    fr->nlat = nlat; fr->strokes = strokes; fr->late = late;
}

static int bench_gui_attention(double seconds, int w, int h, int json, double t_entry, double age) {
    gui_run r;
    if (gui_run_open(&r, w, h, 1, "attention", app_asset_path) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    gui_run_frame(&r);
    double first_frame_ms = (gl_now() - t_entry + age) * 1000;
    if (gui_run_settle(&r) != 0) { fprintf(stderr, "glimpse: %s\n", gl_err()); gui_run_close(&r); return 1; }
    int cx = probe(&r, "canvas_x"), cy = probe(&r, "canvas_y"), cw = probe(&r, "canvas_w");
    if (cw <= 0) { fprintf(stderr, "glimpse: the attention view has no canvas\n"); gui_run_close(&r); return 1; }
    int nframes = (int)(seconds * 60);
    attn_frames fr = { .nframes = nframes };
    fr.work = gl_malloc(sizeof(double) * (size_t)nframes);
    fr.lat = gl_malloc(sizeof(double) * (size_t)nframes);
    fr.build = gl_malloc(sizeof(double) * (size_t)nframes);
    fr.render = gl_malloc(sizeof(double) * (size_t)nframes);
    attn_pen_frames(&r, cx, cy, cw, &fr);
    double *work = fr.work, *lat = fr.lat, *build = fr.build, *render = fr.render;
    int nlat = fr.nlat, strokes = fr.strokes, late = fr.late;
    gl_engine_stats st;
    gl_engine_get_stats(r.sh->app.engine, &st);
    int untrained = probe(&r, "untrained");
    double p50 = gl_percentile(work, nframes, 50), p99 = gl_percentile(work, nframes, 99),
           mx = gl_percentile(work, nframes, 100);
    double l50 = gl_percentile(lat, nlat, 50), l99 = gl_percentile(lat, nlat, 99);
    double b50 = gl_percentile(build, nframes, 50), r50 = gl_percentile(render, nframes, 50);
    long hwm = status_kb("VmHWM"), rss = status_kb("VmRSS");
    gui_run_close(&r);

    if (json) {
        printf("{\"frames\": %d, \"strokes\": %d, \"frame_ms_median\": %.2f, \"frame_ms_p99\": %.2f, \"frame_ms_max\": "
               "%.2f, "
               "\"latency_frames_median\": %.0f, \"latency_frames_p99\": %.0f, \"latency_samples\": %d, "
               "\"latency_lost\": %d, "
               "\"first_frame_ms\": %.0f, \"vm_hwm_mb\": %.1f, \"vm_rss_mb\": %.1f, \"jobs_finished\": %llu, "
               "\"jobs_cancelled\": %llu, "
               "\"jobs_dropped\": %llu, \"untrained\": %d}\n",
               nframes, strokes, p50, p99, mx, l50, l99, nlat, late, first_frame_ms, hwm / 1024.0, rss / 1024.0,
               (unsigned long long)st.finished, (unsigned long long)st.cancelled, (unsigned long long)st.dropped,
               untrained);
    } else {
        printf("glimpse bench gui: %d frames at 60 Hz (%.1f s), %d strokes with live inference, %dx%d, headless "
               "software renderer%s\n",
               nframes, seconds, strokes, w, h, untrained == 1 ? ", untrained weights" : "");
        printf("  frame time          median %6.2f ms   p99 %6.2f ms   max %6.2f ms   (target p99 <= 16.7 ms)\n", p50,
               p99, mx);
        printf("  of which           building %.2f ms, rendering %.2f ms (medians)\n", b50, r50);
        printf("  pen -> mask         median %4.0f frame%s p99 %4.0f frame%s  (%d samples%s; target p99 <= 1)\n",
               l50, l50 == 1 ? " " : "s", l99, l99 == 1 ? "" : "s", nlat, late ? ", some never shown" : "");
        printf("  launch -> 1st frame %6.0f ms                                    (target <= 500 ms)\n",
               first_frame_ms);
        printf("  memory              VmHWM %.1f MB   VmRSS %.1f MB                (target <= 150 MB)\n", hwm / 1024.0,
               rss / 1024.0);
        printf("  engine jobs         %llu finished, %llu cancelled, %llu superseded before starting\n",
               (unsigned long long)st.finished, (unsigned long long)st.cancelled, (unsigned long long)st.dropped);
    }
    free(work);
    free(build);
    free(render);
    free(lat);
    return 0;
}

int cmd_bench_gui(int argc, char **argv) {
    double t_entry = gl_now(), age = process_age();
    app_args a;
    int rc = app_args_parse(argc, argv, bench_opts,
                           "usage: glimpse bench gui [--seconds S] [--size WxH] [--view "
                           "attention|synthesis|prediction|draw|train] [--grid G] [--idle] [--json]",
                           &a);
    if (rc != 0) return rc > 0 ? 0 : 2;
    int w, h, json = app_arg(&a, bench_opts, "json") != NULL, futures = !app_arg(&a, bench_opts, "no-futures");
    int given = app_arg(&a, bench_opts, "seconds") != NULL;
    double seconds = given ? app_opt_num(&a, bench_opts, "seconds") : 5;
    if (gui_parse_size(app_arg(&a, bench_opts, "size"), &w, &h) != 0) return 2;
    const char *view = app_arg(&a, bench_opts, "view");
    if (app_arg(&a, bench_opts, "idle")) {   // any view sleeps when nothing changes
        if (view && gui_view_find(view) < 0) { fprintf(stderr, "glimpse: --view %s: no such view\n", view); return 2; }
        return bench_idle(view, given ? seconds : 10, w, h, json);
    }
    if (view && strcmp(view, "attention") && strcmp(view, "synthesis") && strcmp(view, "prediction") &&
        strcmp(view, "draw") && strcmp(view, "train")) {
        fprintf(stderr,
                "glimpse: --view must be attention, synthesis, prediction, draw or train (any view with --idle)\n");
        return 2;
    }
    if (app_arg(&a, bench_opts, "grid") && (!view || strcmp(view, "draw"))) {
        fprintf(stderr, "glimpse: --grid is for --view draw\n");
        return 2;
    }
    if (view && !strcmp(view, "train")) return bench_gui_train(given ? seconds : 20, w, h, json);
    if (view && !strcmp(view, "synthesis")) return bench_gui_synthesis((int)(seconds * 60), w, h, json);
    if (view && !strcmp(view, "prediction")) return bench_gui_prediction((int)(seconds * 60), w, h, json, futures);
    if (view && !strcmp(view, "draw")) {
        long grid = app_opt_long(&a, bench_opts, "grid");
        if (grid == 5) { fprintf(stderr, "glimpse: --grid must be 1, 2, 3, 4 or 6\n"); return 2; }
        return bench_draw((int)(seconds * 60), w, h, grid, json, futures);
    }
    return bench_gui_attention(seconds, w, h, json, t_entry, age);
}
