#include "resume.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gl_resume_begin(gl_resume *r, const gl_args *a, const gl_opt *opts, const gl_meta *meta, const char *ckpt) {
    memset(r, 0, sizeof *r);
    r->a = a; r->opts = opts; r->meta = meta; r->ckpt = ckpt;
}

static void taken(gl_resume *r, const char *opt, const char *val) {
    size_t n = strlen(r->taken);
    snprintf(r->taken + n, sizeof r->taken - n, "%s--%s%s%s", n ? " " : "", opt, val ? " " : "", val ? val : "");
}

static void mismatch(gl_resume *r, const char *opt, const char *was, const char *now) {
    char what[160];
    if (was) snprintf(what, sizeof what, "with --%s %s, not %s", opt, was, now);
    else snprintf(what, sizeof what, "without --%s", opt);
    if (!r->failed)
        fprintf(stderr, "glimpse: %s was written %s: resume with the same value (or leave the option out), or start without --resume\n", r->ckpt, what);
    r->failed = 1;
}

void gl_resume_int(gl_resume *r, const char *opt, const char *key, long *val) {
    const char *mv = gl_meta_get(r->meta, key);
    if (!mv) return;
    char *end;
    long ck = strtol(mv, &end, 10);
    if (end == mv || *end) { mismatch(r, opt, mv, "a number"); return; }
    if (gl_arg(r->a, r->opts, opt)) {
        if (ck != *val) { char now[32]; snprintf(now, sizeof now, "%ld", *val); mismatch(r, opt, mv, now); }
        return;
    }
    if (ck != *val) taken(r, opt, mv);
    *val = ck;
}

void gl_resume_num(gl_resume *r, const char *opt, const char *key, double *val) {
    const char *mv = gl_meta_get(r->meta, key);
    if (!mv) return;
    char *end;
    double ck = strtod(mv, &end);
    if (end == mv || *end || !isfinite(ck)) { mismatch(r, opt, mv, "a number"); return; }
    if (gl_arg(r->a, r->opts, opt)) {
        // older checkpoints kept 6 digits ("%g"): equal within that
        if (fabs(ck - *val) > 1e-6 * fabs(*val)) {
            char now[32], was[32];
            snprintf(now, sizeof now, "%g", *val); snprintf(was, sizeof was, "%g", ck);
            mismatch(r, opt, was, now);
        }
        return;
    }
    if (ck != *val) taken(r, opt, mv);
    *val = ck;
}

void gl_resume_flag(gl_resume *r, const char *opt, const char *key, int *val) {
    const char *mv = gl_meta_get(r->meta, key);
    if (!mv) return;
    int ck = !strcmp(mv, "1");
    if (gl_arg(r->a, r->opts, opt)) {
        if (!ck) mismatch(r, opt, NULL, NULL);
        return;
    }
    if (ck && !*val) taken(r, opt, NULL);
    *val = ck;
}

int gl_resume_end(gl_resume *r) {
    if (r->failed) return -1;
    if (r->taken[0]) fprintf(stderr, "glimpse: resuming with the checkpoint's %s\n", r->taken);
    return 0;
}
