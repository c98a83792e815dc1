// bench: what the side-by-side benchmarks share: the sgemm rate of this
// machine measured in the same run, and the PyTorch twin's figure for the
// same work (tests/reference/bench_twin.py, run as a subprocess).
#ifndef APP_BENCH_H
#define APP_BENCH_H
#include "gl_vmath.h"
// GFLOP/s of a 1024x1024x1024 sgemm on `threads` OpenBLAS threads (median
// of 5), and the OpenBLAS kernel set in use ("Haswell", "SkylakeX", ...).
double app_bench_sgemm_rate(int threads);
const char *app_bench_blas_core(void);
// The elementwise kernel set in use (gl_vmath).
#define app_vmath_target_name gl_vmath_target
// Runs `bench_twin.py BENCH --threads N ARGS` and returns the value of `key`
// in its last JSON line, or NAN (the reason in *why, e.g. "PyTorch is not
// installed") when the twin cannot run.
double app_bench_twin(const char *bench, int threads, const char *args, const char *key, char *why, int why_len);
// Prints "glimpse X unit | twin Y unit | ratio R" columns for a figure where
// higher is better (higher_better) or lower is better.
void app_bench_side_by_side(const char *what, double ours, double twin, const char *unit, int higher_better,
                           const char *why);
#endif
