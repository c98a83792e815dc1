#include "gl_par.h"
#include "gl_util.h"
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#define MAXT 16
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static pthread_t workers[MAXT];
static int nworkers;          // started worker threads
static int want = 0;          // threads requested (0: default)
static long generation;       // bumped for every section
static int next_task, ntasks, running;
static void (*task_fn)(void *, int);
static void *task_ctx;
static int section_busy;      // a section is running (the pool has one at a time)

int gl_par_threads(void) {
    if (want > 0) return want;
    const char *e = getenv("GLIMPSE_THREADS");
    int n = e ? atoi(e) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAXT ? MAXT : n;
}
void gl_par_set_threads(int n) { want = n < 1 ? 0 : n > MAXT ? MAXT : n; }

// Takes tasks until none are left (mu held on entry and exit).
static void drain(void) {
    while (next_task < ntasks) {
        int i = next_task++;
        pthread_mutex_unlock(&mu);
        task_fn(task_ctx, i);
        pthread_mutex_lock(&mu);
    }
}

static void *worker(void *arg) {
    (void)arg;
    long seen = 0;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (generation == seen) pthread_cond_wait(&wake, &mu);
        seen = generation;
        running++;
        drain();
        if (--running == 0) pthread_cond_broadcast(&done);
    }
    return NULL;
}

void gl_par_run(int n, void (*fn)(void *ctx, int i), void *ctx) {
    int nt = gl_par_threads();
    if (nt > n) nt = n;
    int blas = openblas_get_num_threads();
    if (blas != 1) openblas_set_num_threads(1);
    pthread_mutex_lock(&mu);
    // A second thread's section while one runs (the app trains on one
    // thread while a view evaluates on another): it runs on its caller
    // alone rather than waiting; the results are the same either way.
    if (nt <= 1 || section_busy) {
        pthread_mutex_unlock(&mu);
        for (int i = 0; i < n; i++) fn(ctx, i);
        if (blas != 1) openblas_set_num_threads(blas);
        return;
    }
    section_busy = 1;
    while (nworkers < nt - 1) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&workers[nworkers], &at, worker, NULL) != 0) { pthread_attr_destroy(&at); break; }
        pthread_attr_destroy(&at);
        nworkers++;
    }
    task_fn = fn; task_ctx = ctx; ntasks = n; next_task = 0;
    generation++;
    running++;
    pthread_cond_broadcast(&wake);
    drain();
    running--;
    while (running > 0 || next_task < ntasks) pthread_cond_wait(&done, &mu);
    section_busy = 0;
    pthread_mutex_unlock(&mu);
    if (blas != 1) openblas_set_num_threads(blas);
}

void gl_params_replica(gl_params *dst, const gl_params *src) {
    memset(dst, 0, sizeof *dst);
    dst->n = dst->cap = src->n;
    dst->step = src->step;
    dst->p = gl_calloc((size_t)(src->n ? src->n : 1), sizeof(gl_param));
    for (int i = 0; i < src->n; i++) {
        dst->p[i] = src->p[i];
        dst->p[i].g = gl_calloc(src->p[i].n, sizeof(float));
        dst->p[i].m = dst->p[i].v = NULL;
    }
}

void gl_params_replica_free(gl_params *dst) {
    for (int i = 0; i < dst->n; i++) free(dst->p[i].g);
    free(dst->p);
    memset(dst, 0, sizeof *dst);
}

void gl_params_add_grads(gl_params *dst, const gl_params *src) {
    for (int i = 0; i < dst->n && i < src->n; i++) {
        float *d = dst->p[i].g;
        const float *s = src->p[i].g;
        for (size_t k = 0; k < dst->p[i].n; k++) d[k] += s[k];
    }
}

void gl_par_lower_this_thread(int by) {
#ifdef __linux__
    static _Thread_local int done;
    if (done) return;
    done = 1;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int p = getpriority(PRIO_PROCESS, (id_t)tid);
    if (errno == 0) setpriority(PRIO_PROCESS, (id_t)tid, p + by > 19 ? 19 : p + by);
#else
    (void)by;
#endif
}

// OpenBLAS's own pick of kernels, where it fell back to ones older than the
// CPU (an x86-64 CPU newer than the OpenBLAS build knows can get Prescott's
// SSE3 kernels: seen on an Intel Xeon with AVX-512, sgemm 7.6 times slower).
const char *gl_blas_better_core(const char *picked, int avx2_fma, int avx512) {
    static const char *const modern[] = { "haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator" };
    if (!picked || !*picked || !avx2_fma) return NULL;
    for (size_t i = 0; i < sizeof modern / sizeof *modern; i++)
        if (!strcasecmp(picked, modern[i])) return NULL;
    return avx512 ? "SkylakeX" : "Haswell";
}

void gl_blas_core_check(char **argv) {
#if defined(__x86_64__) && defined(__linux__)
    if (getenv("OPENBLAS_CORETYPE")) return;   // the person's (or an earlier run's) choice
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("avx512cd");
    const char *better = gl_blas_better_core(openblas_get_corename(), avx2, avx512);
    if (!better) return;
    // OpenBLAS reads OPENBLAS_CORETYPE when it loads, before main: run again with it set
    if (setenv("OPENBLAS_CORETYPE", better, 1) != 0) return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");   // (could not: carry on with OpenBLAS's pick)
#else
    (void)argv;
#endif
}
