// gl_par: the engine's few threads. A small pool that runs the tasks of a
// parallel section on every core (the caller included), and parameter
// replicas for data-parallel training: each thread runs forward and
// backward on its share of the minibatch into its own gradients, which are
// then summed in a fixed order (so results do not depend on scheduling).
#ifndef GL_PAR_H
#define GL_PAR_H
#include "gl_params.h"

// Threads used by gl_par_run (default: the number of cores, at most 16;
// GLIMPSE_THREADS overrides). n < 1 means the default.
int gl_par_threads(void);
void gl_par_set_threads(int n);
// The calling thread runs `by` nice levels below the process (at most 19; Linux, where niceness is per thread;
// elsewhere nothing). Done once per thread: later calls do nothing.
void gl_par_lower_this_thread(int by);
// Runs fn(ctx, i) for i = 0..n-1 spread over the pool; returns when all are
// done. While it runs, OpenBLAS is held to one thread per caller (the
// parallelism is ours). One section at a time: a call made while another
// thread's section runs (or from inside fn) runs its tasks on the caller.
void gl_par_run(int n, void (*fn)(void *ctx, int i), void *ctx);

// Part i of n of a batch of B: rows [*lo, *hi), contiguous, sizes differing by at most one.
static inline void gl_par_slice(int B, int n, int i, int *lo, int *hi) {
    *lo = (int)((long)B * i / n);
    *hi = (int)((long)B * (i + 1) / n);
}

// dst shares src's weights (w) and owns zeroed gradients; no Adam moments.
void gl_params_replica(gl_params *dst, const gl_params *src);
void gl_params_replica_free(gl_params *dst);
// dst's gradients += src's (same layout).
void gl_params_add_grads(gl_params *dst, const gl_params *src);

// OpenBLAS picks its kernels when it loads; a build older than the CPU can
// fall back to pre-AVX2 ones (Prescott's) on an AVX2 or AVX-512 CPU.
// gl_blas_better_core: for the core OpenBLAS picked and what the CPU runs,
// the OPENBLAS_CORETYPE to ask for instead ("Haswell", or "SkylakeX" with
// AVX-512 F, BW, DQ, VL and CD), or NULL where the pick is an AVX2 or newer
// one or the CPU has no AVX2 and FMA. gl_blas_core_check: where the
// environment sets no OPENBLAS_CORETYPE and OpenBLAS picked such a core,
// runs the program again (argv) with the better one set; else returns.
const char *gl_blas_better_core(const char *picked, int avx2_fma, int avx512);
void gl_blas_core_check(char **argv);
#endif
