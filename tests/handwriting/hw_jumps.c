// hw_jumps: a diagnostic of where a synthesis network puts the pen after a
// lift. It writes TEXT at seeds 1..N (bias B) and, for every pen-up jump
// made while the window's peak φ(t,u) is on character U (0-based), prints
// the jump drawn and the mixture components with π > 0.05 (raw units, the
// bias applied as in §5.4). A second stroke whose two natural starts are
// covered by one long component (|ρ| near 1, π near 1) is the mode-averaging
// that leaves an x or a 4 without its second stroke (see README). The last
// line counts the seeds whose line made a second jump on U (the jump to a
// second stroke) and, of those, the ones whose likeliest component there has
// π ≥ 0.9 and |ρ| ≥ 0.7: one stretched component.
//   build/tests/handwriting/hw_jumps MODEL TEXT U [BIAS [N]]
#include "gl_hw.h"
#include "gl_trace.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: hw_jumps MODEL TEXT U [BIAS [N]]\n"); return 2; }
    gl_hw_model *m = NULL;
    if (!(m = gl_hw_load(argv[1], 0))) { fprintf(stderr, "hw_jumps: %s\n", gl_err()); return 1; }
    if (m->cfg.K <= 0) { fprintf(stderr, "hw_jumps: %s is not a synthesis network\n", argv[1]); return 1; }
    const char *text = argv[2];
    int U = atoi(argv[3]), n = argc > 5 ? atoi(argv[5]) : 8;
    float bias = argc > 4 ? (float)atof(argv[4]) : 0;
    if (U < 0 || U >= (int)strlen(text)) { fprintf(stderr, "hw_jumps: U must be 0..%d\n", (int)strlen(text) - 1); return 2; }
    printf("jumps on '%c' (character %d of \"%s\"), bias %g\n", text[U], U, text, bias);
    int jumps = 0, seconds = 0, averaged = 0;
    for (int seed = 1; seed <= n; seed++) {
        gl_hw_sample_opts o = {0};
        o.bias = bias; o.seed = (uint64_t)seed;
        gl_trace *t = gl_hw_trace_new(m, text, &o);
        if (gl_hw_sample(m, text, &o, NULL, t)) { fprintf(stderr, "hw_jumps: %s\n", gl_err()); return 1; }
        int lifted = 0, on_u = 0;
        for (int i = 0; i < gl_trace_count(t); i++) {
            const gl_hw_frame *f = gl_trace_frame(t, i);
            int am = 0;
            for (int u = 1; u <= f->U; u++) if (f->phi[u] > f->phi[am]) am = u;
            if (lifted && am == U) {
                jumps++;
                if (++on_u == 2) {
                    int top = 0;
                    for (int k = 1; k < m->cfg.M; k++) if (f->pi[k] > f->pi[top]) top = k;
                    seconds++;
                    averaged += f->pi[top] >= 0.9f && fabsf(f->rho[top]) >= 0.7f;
                }
                printf("seed %d step %d: jump (%.0f, %.0f)", seed, i, f->dx, f->dy);
                for (int k = 0; k < m->cfg.M; k++)
                    if (f->pi[k] > 0.05f)
                        printf("  [pi %.2f mu (%.0f, %.0f) sd (%.0f, %.0f) rho %.2f]", f->pi[k], f->mu[k][0], f->mu[k][1],
                               f->sigma[k][0], f->sigma[k][1], f->rho[k]);
                printf("\n");
            }
            lifted = f->eos;
        }
        gl_trace_release(t);
    }
    printf("%d jump(s); %d of %d lines made a second jump on '%c', %d of them onto one stretched component (pi >= 0.9, |rho| >= 0.7)\n",
           jumps, seconds, n, text[U], averaged);
    gl_hw_free(m);
    return 0;
}
