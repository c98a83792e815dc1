// gui_main: bare `glimpse` (the window) and `glimpse --screenshot` (headless,
// optionally driven by a --script). The frame loop is the same in both.
#include "args.h"
#include "cli.h"
#include "gl_util.h"
#include "gui_run.h"
#include "gui_script.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const app_opt gui_opts[] = {
    APP_TEXT("screenshot", "headless: render through SDL's offscreen driver and write OUT.png"),
    APP_TEXT("view", "view to show first, by its name in the view bar (attention, synthesis, ...)"),
    APP_TEXT("script", "headless: replay the input events in FILE first (format below)"),
    APP_TEXT("size", "window size in points, WxH (default 1280x800)"),
    APP_OPT_END,
};

static const char *gui_usage =
    "usage: glimpse [--view V] [--size WxH]\n"
    "       glimpse --screenshot OUT.png [--view V] [--script FILE] [--size WxH]\n\n"
    "Opens the desktop application, or renders it headless to a PNG.\n"
    "Press F1 or ? in the application for its shortcuts.\n\n"
    "Script format (one event per line; each input line is followed by one frame):\n"
    "  # comment\n"
    "  move X Y | down X Y [BUTTON] | up X Y [BUTTON] | click X Y\n"
    "  drag X0 Y0 X1 Y1 [N]     press, N moves along the line, release\n"
    "  wheel DY                 scroll at the mouse (+ is up)\n"
    "  key NAME                 Left Right Up Down Home End PageUp PageDown Return Escape\n"
    "                           Space Tab Backspace Delete F1 or one character;\n"
    "                           prefixes ctrl+ shift+ alt+ (e.g. key ctrl+z)\n"
    "  text STRING              typed text\n"
    "  wait MS                  keep drawing frames for MS milliseconds\n"
    "  idle                     wait (up to 10 s) until the engine has no work\n"
    "  frame [N]                draw N frames\n"
    "  screenshot PATH          write the current frame\n"
    "Coordinates are window points; the window is 1280x800 unless --size says otherwise.";

int gui_parse_size(const char *s, int *w, int *h) {
    *w = 1280; *h = 800;
    if (!s) return 0;
    char x;
    if (sscanf(s, "%d%c%d", w, &x, h) != 3 || (x != 'x' && x != 'X') || *w < GUI_MIN_W || *h < GUI_MIN_H || *w > 8192 ||
        *h > 8192) {
        fprintf(stderr, "glimpse: --size %s: expected WxH between %dx%d and 8192x8192\n", s, GUI_MIN_W, GUI_MIN_H);
        return -1;
    }
    return 0;
}

// SIGUSR1 asks the window for its counters on stderr (frames drawn, CPU
// time, resident memory, what malloc holds): how its idle behaviour and its
// memory over a long session are measured from outside.
static volatile sig_atomic_t stats_wanted;
static void on_usr1(int sig) { (void)sig; stats_wanted = 1; }

static void print_stats(const gui_run *r) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    long rss = -1;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) if (!strncmp(line, "VmRSS:", 6)) rss = atol(line + 6);
    if (f) fclose(f);
    fprintf(stderr, "glimpse: frames %llu, cpu %.3f s, rss %.1f MB", (unsigned long long)r->frames,
            ts.tv_sec + ts.tv_nsec * 1e-9, rss / 1024.0);
#ifdef __GLIBC__
    // what malloc holds: in use (arenas and mmapped blocks), and free but kept in its arenas
    struct mallinfo2 mi = mallinfo2();
    fprintf(stderr, ", heap in use %.1f MB, free in arenas %.1f MB", (double)(mi.uordblks + mi.hblkhd) / 1048576,
            (double)mi.fordblks / 1048576);
#endif
    fputc('\n', stderr);
}

int gui_main(int argc, char **argv) {
    app_args a;
    int rc = app_args_parse(argc, argv, gui_opts, gui_usage, &a);
    if (rc != 0) return rc > 0 ? 0 : 2;
    if (a.npos > 0) { fprintf(stderr, "glimpse: unexpected argument '%s' (see glimpse --help)\n", a.pos[0]); return 2; }
    const char *shot = app_arg(&a, gui_opts, "screenshot");
    const char *script_path = app_arg(&a, gui_opts, "script");
    const char *view = app_arg(&a, gui_opts, "view");
    int w, h;
    if (gui_parse_size(app_arg(&a, gui_opts, "size"), &w, &h) != 0) return 2;
    if (script_path && !shot) {
        fprintf(stderr, "glimpse: --script needs --screenshot OUT.png (headless mode)\n");
        return 2;
    }
    if (view && gui_view_find(view) < 0) {
        fprintf(stderr, "glimpse: unknown view '%s'; the views:", view);
        for (int i = 0; gui_views[i]; i++) {   // as --view takes them (any case)
            fputs(i ? ", " : " ", stderr);
            for (const char *c = gui_views[i]->name; *c; c++) fputc(tolower((unsigned char)*c), stderr);
        }
        fprintf(stderr, "\n");
        return 2;
    }
    gui_script script = {0};
    if (script_path && gui_script_load(script_path, &script) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 2;
    }

    static gui_run run;   // static: still reachable (leak checkers) when the window's close skips the teardown
    // before the window appears: a SIGUSR1 while the views load is answered once the loop runs, not fatal
    if (!shot) signal(SIGUSR1, on_usr1);
    if (gui_run_open(&run, w, h, shot != NULL, view, app_asset_path) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        gui_script_free(&script);
        return 1;
    }
    int status = 0;
    if (shot) {
        gui_run_frame(&run);   // the first frame lays the view out, so script coordinates mean what they show
        if (gui_run_script(&run, &script) != 0) {
            fprintf(stderr, "glimpse: %s\n", gl_err());
            status = 1;
        }
        // Let the last request finish so the picture shows its result.
        else if (gui_run_settle(&run) != 0 || gui_run_screenshot(&run, shot) != 0) {
            fprintf(stderr, "glimpse: %s\n", gl_err());
            status = 1;
        } else if (!getenv("GLIMPSE_QUIET")) fprintf(stderr, "glimpse: wrote %s\n", shot);
    } else {
        while (!run.sh->quit) {
            gui_run_step(&run, 1.0);
            if (stats_wanted) { stats_wanted = 0; print_stats(&run); }
        }
        gui_sdl_hide(run.sdl);   // closing shows at once
        // Every worker stops and is waited for (a checkpoint being written is
        // finished); then the process ends without freeing the views'
        // models, data and traces one by one: the system takes back a few
        // hundred MB faster at exit than free() hands them back, and closing
        // stays within 200 ms while a model trains. Tests and --screenshot
        // tear everything down (gui_run_close).
        gui_shell_quit(run.sh);
        gui_script_free(&script);
        return status;
    }
    gui_run_close(&run);
    gui_script_free(&script);
    return status;
}
