// `glimpse bench gui --view train`: the Train view training the attention
// model (its default settings) while the app draws at 60 frames per second,
// against the same gl_train session run the way `glimpse train` runs it (on
// the calling thread, no window). The two alternate in rounds (the machine
// is shared: a slow patch hits both), and the figure is the median of the
// rounds' ratios. Also: start -> first point on the curve, pause and stop
// latency (the worker idle after the request), and the frame times while
// training.
#include "gui_bench_train.h"
#include "cli.h"
#include "gl_util.h"
#include "gui_run.h"
#include "view_train.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double steps_now(gui_run *r) {
    double v = 0;
    gui_shell_probe(r->sh, "step", &v);
    return v;
}

// Frames at 60 Hz for `seconds`; frame work times appended to work.
static void frames_for(gui_run *r, double seconds, double *work, int *nwork, int cap) {
    double end = gl_now() + seconds, next = gl_now();
    while (gl_now() < end) {
        double t0 = gl_now();
        gui_run_frame(r);
        if (*nwork < cap) work[(*nwork)++] = (gl_now() - t0) * 1000;
        next += 1.0 / 60;
        double left = next - gl_now();
        if (left > 0) gui_sleep(left);
        else next = gl_now();
    }
}

typedef struct { long steps; } cli_count;
static void count_report(void *user, const gl_train_report *r) { (void)r; ((cli_count *)user)->steps++; }

// start -> first point (data loading and the model's build included), in
// seconds; -1 when no step came within 30 s.
static double first_point(gui_run *r, train_run *run) {
    double t0 = gl_now();
    while (gl_now() - t0 < 30) {
        gui_run_frame(r);
        if (atomic_load(&run->npts) > 0) {
            pthread_mutex_lock(&run->mu);
            double first = run->first_point_at - run->started_at;
            pthread_mutex_unlock(&run->mu);
            return first;
        }
        gui_sleep(0.002);
    }
    return -1;
}

// What the bench measures while the app trains.
typedef struct {
    double first, pause_ms[8], stop_ms, ratio[64], app_rate[64], cli_rate[64];
    int npause, nr;
} train_bench;

// The training rate: rounds of the app (60 fps while training) and of the
// same session on this thread, over the same steps. The CLI's session is
// first brought to the app's step (untimed); then each round the app
// trains for `per` seconds from step a to b, and the CLI's session takes
// the same steps a..b. Steps cost differently along the run (the CNN stage
// is ten times cheaper than the attention stage), so only the same steps
// compare; rounds are short so that a slow patch of the shared machine hits
// both sides of a round alike. -1 when MNIST cannot be loaded.
static int train_rounds(gui_run *r, train_run *run, const train_config *cfg, double seconds, double *work, int *nwork,
                        int cap, train_bench *tb) {
    gl_mnist tr = {0}, te = {0};
    if (gl_mnist_load(gl_mnist_dir(), "train", &tr) != 0 || gl_mnist_load(gl_mnist_dir(), "t10k", &te) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        gl_mnist_free(&tr);
        return -1;
    }
    gl_attn_train_opts o;
    gl_attn_train_defaults(&o);
    o.key = (gl_key_type)cfg->key; o.hidden = cfg->hidden; o.epochs = cfg->epochs; o.batch = cfg->batch;
    o.lr = cfg->lr; o.seed = cfg->seed; o.limit = cfg->limit > 0 ? cfg->limit : 60000;
    gl_train *cli = gl_attn_train_new(&o, &tr, &te);
    gl_train_set_eval(cli, 100, 500);   // the view's held-out figures, so both do the same work
    train_run_pause(run);
    train_run_wait_idle(run, 10);
    gui_run_frame(r);
    long at = (long)steps_now(r);
    if (gl_train_step_no(cli) < at) gl_train_run(cli, at - gl_train_step_no(cli), NULL, NULL, NULL);
    int rounds = (int)(seconds / 1.0 + 0.5);
    if (rounds < 3) rounds = 3;
    if (rounds > 64) rounds = 64;
    double per = seconds / rounds / 2;
    tb->nr = 0;
    for (int k = 0; k < rounds && !gl_train_done(cli); k++) {
        long a = (long)steps_now(r);
        train_run_resume(run);
        double a0 = gl_now();
        frames_for(r, per, work, nwork, cap);
        train_run_pause(run);
        train_run_wait_idle(run, 10);
        double adt = gl_now() - a0;
        gui_run_frame(r);
        long b = (long)steps_now(r);
        if (b <= a) continue;
        if (gl_train_step_no(cli) != a)
            gl_train_run(cli, a - gl_train_step_no(cli), NULL, NULL, NULL); // (a stage cut short)
        cli_count cc = {0};
        double c0 = gl_now();
        gl_train_run(cli, b - a, NULL, count_report, &cc);
        double cdt = gl_now() - c0;
        if (cc.steps <= 0) break;
        tb->app_rate[tb->nr] = (double)(b - a) / adt;
        tb->cli_rate[tb->nr] = (double)cc.steps / cdt;
        tb->ratio[tb->nr] = tb->app_rate[tb->nr] / tb->cli_rate[tb->nr];
        tb->nr++;
    }
    gl_train_free(cli);
    gl_mnist_free(&tr); gl_mnist_free(&te);
    return 0;
}

static void train_report(train_bench *tb, const train_config *cfg, double *work, int nwork, int w, int h,
                         double drawn, int json) {
    double first = tb->first, stop_ms = tb->stop_ms;
    int nr = tb->nr, npause = tb->npause;
    double p50 = gl_percentile(work, nwork, 50), p99 = gl_percentile(work, nwork, 99),
           mx = gl_percentile(work, nwork, 100);
    double rmed = gl_percentile(tb->ratio, nr, 50), am = gl_percentile(tb->app_rate, nr, 50),
           cm = gl_percentile(tb->cli_rate, nr, 50);
    double rlo = gl_percentile(tb->ratio, nr, 25), rhi = gl_percentile(tb->ratio, nr, 75);
    double load[3] = { -1, -1, -1 };
    getloadavg(load, 3);
    double pmed = gl_percentile(tb->pause_ms, npause, 50), pmax = gl_percentile(tb->pause_ms, npause, 100);
    int B = cfg->batch;
    if (json)
        printf("{\"view\": \"train\", \"model\": \"attention\", \"hidden\": %d, \"batch\": %d, \"frames\": %d, "
               "\"frame_ms_median\": %.2f, \"frame_ms_p99\": %.2f, "
               "\"frame_ms_max\": %.2f, \"app_steps_per_s\": %.2f, \"cli_steps_per_s\": %.2f, \"app_over_cli\": %.3f, "
               "\"first_point_s\": %.3f, "
               "\"app_over_cli_q1\": %.3f, \"app_over_cli_q3\": %.3f, \"rounds\": %d, \"pause_ms_median\": %.1f, "
               "\"pause_ms_max\": %.1f, \"stop_ms\": %.1f, \"loadavg\": %.2f, \"drawn_share\": %.3f}\n",
               cfg->hidden, B, nwork, p50, p99, mx, am, cm, rmed, first, rlo, rhi, nr, pmed, pmax, stop_ms, load[0],
               drawn);
    else {
        printf("glimpse bench gui --view train: the attention model (%s key, %d cells, batch %d) training in the app "
               "at 60 Hz, %dx%d, headless software renderer\n",
               cfg->key == 0       ? "softmax"
                   : cfg->key == 1 ? "gaussian"
                                  : "feature",
               cfg->hidden, B, w, h);
        printf("  training speed      app %.1f steps/s, same session on one thread as the CLI runs it %.1f steps/s, "
               "same steps: %.0f%% (median of %d rounds, quartiles %.0f-%.0f%%; target >= 90%%)\n",
               am, cm, 100 * rmed, nr, 100 * rlo, 100 * rhi);
        printf("  start -> 1st point  %6.0f ms (MNIST loaded and the model built)             (target <= 1000 ms)\n",
               first * 1000);
        printf("  pause -> stopped    median %.1f ms, max %.1f ms of %d; stop %.1f ms          (target <= 100 ms)\n",
               pmed, pmax, npause, stop_ms);
        printf("  load average        %.2f (other processes share the cores)\n", load[0]);
        printf("  frame time          median %6.2f ms   p99 %6.2f ms   max %6.2f ms   (%d frames while training; "
               "target p99 <= 16.7 ms)\n",
               p50, p99, mx, nwork);
        printf("  drawn per frame     %.0f%% of the window (the parts whose commands changed)\n", 100 * drawn);
    }
}

int bench_gui_train(double seconds, int w, int h, int json) {
    gui_run r;
    if (gui_run_open(&r, w, h, 1, "train", app_asset_path) != 0) {
        fprintf(stderr, "glimpse: %s\n", gl_err());
        return 1;
    }
    int vi = gui_view_find("train");
    void *self = r.sh->state[vi];
    train_run *run = view_train_run(self);
    train_config cfg = *view_train_config(self);
    gui_run_frame(&r);
    view_train_start(self, &r.sh->app);
    train_bench tb = { .first = first_point(&r, run) };
    if (tb.first < 0) {
        fprintf(stderr, "glimpse: no training step within 30 s (%s)\n", run->msg);
        gui_run_close(&r);
        return 1;
    }
    int cap = (int)(seconds * 60 * 2) + 600, nwork = 0, nwarm = 0;
    double *work = gl_malloc(sizeof(double) * (size_t)cap), *warm = gl_malloc(sizeof(double) * 600);
    frames_for(&r, 1.0, warm, &nwarm, 600);   // past the first steps
    // pause / resume / stop latency: request -> the worker idle
    for (int i = 0; i < 5; i++) {
        frames_for(&r, 0.3 + 0.07 * i, warm, &nwarm, 600);
        double p0 = gl_now();
        train_run_pause(run);
        if (train_run_wait_idle(run, 10) == 0) tb.pause_ms[tb.npause++] = (gl_now() - p0) * 1000;
        gui_run_frame(&r);
        train_run_resume(run);
    }
    if (train_rounds(&r, run, &cfg, seconds, work, &nwork, cap, &tb)) {
        free(work); free(warm);
        gui_run_close(&r);
        return 1;
    }
    train_run_resume(run);
    frames_for(&r, 0.3, warm, &nwarm, 600);
    double s0 = gl_now();
    train_run_stop(run);
    if (train_run_wait_idle(run, 10) == 0) tb.stop_ms = (gl_now() - s0) * 1000;
    double drawn = gui_sdl_drawn_share(r.sdl);
    gui_run_close(&r);
    train_report(&tb, &cfg, work, nwork, w, h, drawn, json);
    free(work);
    free(warm);
    return 0;
}
