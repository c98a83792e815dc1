// Shared parts of the side-by-side benchmarks (see bench.h).
#include "bench.h"
#include "gl_util.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double app_bench_sgemm_rate(int threads) {
    enum { N = 1024, REPS = 5 };
    float *a = gl_malloc(sizeof(float) * N * N), *b = gl_malloc(sizeof(float) * N * N),
          *c = gl_malloc(sizeof(float) * N * N);
    for (int i = 0; i < N * N; i++) { a[i] = (float)(i % 13) * 0.01f; b[i] = (float)(i % 7) * 0.02f; }
    int old = openblas_get_num_threads();
    openblas_set_num_threads(threads);
    double ts[REPS];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, a, N, b, N, 0, c, N);   // warm-up
    for (int r = 0; r < REPS; r++) {
        double t = gl_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1, a, N, b, N, 0, c, N);
        ts[r] = gl_now() - t;
    }
    openblas_set_num_threads(old);
    free(a); free(b); free(c);
    return 2.0 * N * N * N / gl_percentile(ts, REPS, 50) / 1e9;
}

const char *app_bench_blas_core(void) { return openblas_get_corename(); }

double app_bench_twin(const char *bench, int threads, const char *args, const char *key, char *why, int why_len) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s/tests/reference/run_py.sh' '%s/tests/reference/bench_twin.py' %s --threads %d %s 2>&1", GL_SOURCE_DIR,
             GL_SOURCE_DIR, bench, threads, args ? args : "");
    if (!gl_file_exists(GL_SOURCE_DIR "/tests/reference/bench_twin.py")) {
        snprintf(why, why_len, "the twins are in the source tree (%s/tests/reference), not found", GL_SOURCE_DIR);
        return NAN;
    }
    FILE *p = popen(cmd, "r");
    if (!p) { snprintf(why, why_len, "cannot run python3"); return NAN; }
    char line[4096], last[4096] = "";
    double val = NAN;
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    while (fgets(line, sizeof line, p)) {
        snprintf(last, sizeof last, "%s", line);
        const char *k = strstr(line, pat);
        if (line[0] == '{' && k) val = strtod(k + strlen(pat), NULL);
    }
    int st = pclose(p);
    if (isnan(val)) {
        last[strcspn(last, "\n")] = 0;
        snprintf(why, why_len, "twin failed (exit %d): %.200s", st, last);
    }
    return val;
}

void app_bench_side_by_side(const char *what, double ours, double twin, const char *unit, int higher_better,
                           const char *why) {
    if (isnan(twin)) { printf("  %-34s glimpse %10.4g %-10s twin: %s\n", what, ours, unit, why); return; }
    double ratio = higher_better ? ours / twin : twin / ours;
    printf("  %-34s glimpse %10.4g %-10s twin %10.4g %-10s glimpse is %.2fx %s\n", what, ours, unit, twin, unit, ratio,
           ratio >= 1 ? "faster" : "the speed");
}
