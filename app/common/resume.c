#include "resume.h"
#include "gl_util.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_stored_opt(const gl_meta *m, const char *file, const char *key, const app_opt *opts, const char *opt,
                  double *out) {
    const char *v = gl_meta_get(m, key);
    if (!v) return 0;
    const app_opt *o = app_opt_find(opts, opt);
    app_opt flag01 = APP_INT(opt, 0, 1, NULL, "");   // a flag is stored as 0 or 1
    char why[160];
    if (app_opt_value(o->kind == APP_OPT_FLAG ? &flag01 : o, v, out, why, sizeof why)) {
        gl_seterr("%s: metadata '%s' is '%.40s', not %s (the range of --%s)", file, key, v, why, opt);
        return -1;
    }
    return 1;
}

int app_stored_int(const gl_meta *m, const char *file, const char *key, long lo, long hi, long *out) {
    const char *v = gl_meta_get(m, key);
    if (!v) return 0;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        gl_seterr("%s: metadata '%s' is '%.40s', not an integer in [%ld, %ld]", file, key, v, lo, hi);
        return -1;
    }
    *out = x;
    return 1;
}

int app_stored_num(const gl_meta *m, const char *file, const char *key, double lo, double hi, double *out) {
    const char *v = gl_meta_get(m, key);
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || !(x >= lo && x <= hi)) {
        gl_seterr("%s: metadata '%s' is '%.40s', not a number in [%g, %g]", file, key, v, lo, hi);
        return -1;
    }
    *out = x;
    return 1;
}

int app_stored_counters_ok(const gl_meta *m, const char *file) {
    double x;
    long k;
    if (app_stored_num(m, file, "train_seconds", 0, APP_SECONDS_MAX, &x) < 0 ||
        app_stored_num(m, file, "train_cpu_seconds", 0, APP_SECONDS_MAX, &x) < 0 ||
        app_stored_int(m, file, "train_cpu_seconds_from_step", 0, APP_STEP_MAX, &k) < 0 ||
        app_stored_int(m, file, "adam_step", 0, APP_STEP_MAX, &k) < 0) return -1;
    return 0;
}

void app_resume_begin(app_resume *r, const app_args *a, const app_opt *opts, const gl_meta *meta, const char *ckpt) {
    memset(r, 0, sizeof *r);
    r->a = a; r->opts = opts; r->meta = meta; r->ckpt = ckpt;
}

static void taken(app_resume *r, const char *opt, const char *val) {
    size_t n = strlen(r->taken);
    snprintf(r->taken + n, sizeof r->taken - n, "%s--%s%s%s", n ? " " : "", opt, val ? " " : "", val ? val : "");
}

static void mismatch(app_resume *r, const char *opt, const char *was, const char *now) {
    char what[160];
    if (was) snprintf(what, sizeof what, "with --%s %s, not %s", opt, was, now);
    else snprintf(what, sizeof what, "without --%s", opt);
    if (!r->failed)
        fprintf(stderr,
                "glimpse: %s was written %s: resume with the same value (or leave the option out), or start without "
                "--resume\n",
                r->ckpt, what);
    r->failed = 1;
}

// The checkpoint's value of key through opt's range: 1 (in *x), 0 absent,
// -1 reported (only the first problem is said: one line).
static int stored(app_resume *r, const char *opt, const char *key, double *x) {
    int got = app_stored_opt(r->meta, r->ckpt, key, r->opts, opt, x);
    if (got < 0) {
        if (!r->failed) fprintf(stderr, "glimpse: %s\n", gl_err());
        r->failed = 1;
    }
    return got;
}

void app_resume_int(app_resume *r, const char *opt, const char *key, long *val) {
    double x;
    if (stored(r, opt, key, &x) <= 0) return;
    long ck = (long)x;
    const char *mv = gl_meta_get(r->meta, key);
    if (app_arg(r->a, r->opts, opt)) {
        if (ck != *val) { char now[32]; snprintf(now, sizeof now, "%ld", *val); mismatch(r, opt, mv, now); }
        return;
    }
    if (ck != *val) taken(r, opt, mv);
    *val = ck;
}

void app_resume_num(app_resume *r, const char *opt, const char *key, double *val) {
    double ck;
    if (stored(r, opt, key, &ck) <= 0) return;
    if (app_arg(r->a, r->opts, opt)) {
        // older checkpoints kept 6 digits ("%g"): equal within that
        if (fabs(ck - *val) > 1e-6 * fabs(*val)) {
            char now[32], was[32];
            snprintf(now, sizeof now, "%g", *val); snprintf(was, sizeof was, "%g", ck);
            mismatch(r, opt, was, now);
        }
        return;
    }
    if (ck != *val) taken(r, opt, gl_meta_get(r->meta, key));
    *val = ck;
}

void app_resume_flag(app_resume *r, const char *opt, const char *key, int *val) {
    double x;
    if (stored(r, opt, key, &x) <= 0) return;
    int ck = x != 0;
    if (app_arg(r->a, r->opts, opt)) {
        if (!ck) mismatch(r, opt, NULL, NULL);
        return;
    }
    if (ck && !*val) taken(r, opt, NULL);
    *val = ck;
}

void app_resume_default(app_resume *r, const char *opt, const char *key, long *val) {
    double x;
    if (stored(r, opt, key, &x) > 0 && !app_arg(r->a, r->opts, opt)) *val = (long)x;
}

int app_resume_check(const app_resume *r) { return r->failed ? -1 : 0; }

int app_resume_end(app_resume *r) {
    if (r->failed) return -1;
    app_resume_say(r->taken);
    return 0;
}

void app_resume_say(const char *taken) {
    if (taken[0]) fprintf(stderr, "glimpse: resuming with the checkpoint's %s\n", taken);
}
