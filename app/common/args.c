#include "args.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// "--batch N" or, for a single letter, "-o V" (both spellings parse).
static void opt_left(const app_opt *o, char *buf, size_t n) {
    static const char *metavar[] = { [APP_OPT_TEXT] = "V", [APP_OPT_FLAG] = "", [APP_OPT_INT] = "N",
                                     [APP_OPT_NUM] = "X", [APP_OPT_ENUM] = "V" };
    const char *mv = o->has_value ? metavar[o->kind == APP_OPT_FLAG ? APP_OPT_TEXT : o->kind] : "";
    snprintf(buf, n, "%s%s%s%s", o->name[1] ? "--" : "-", o->name, *mv ? " " : "", mv);
}

// The range and default a table holds, said after the option's own help:
// "(1..4096; default 50)".
static void opt_tail(const app_opt *o, char *buf, size_t n) {
    buf[0] = 0;
    if (o->kind == APP_OPT_INT) snprintf(buf, n, "%.0f..%.0f", o->lo, o->hi);
    else if (o->kind == APP_OPT_NUM) snprintf(buf, n, "%g..%g", o->lo, o->hi);
    else if (o->kind == APP_OPT_ENUM) snprintf(buf, n, "%s", o->choices);
    if (o->dflt) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%sdefault %s", k ? "; " : "", o->dflt);
    }
}

void app_args_help(const app_opt *opts, const char *usage) {
    printf("%s\n", usage);
    if (opts[0].name) printf("\nOptions:\n");
    for (int i = 0; opts[i].name; i++) {
        char left[64], tail[128];
        opt_left(&opts[i], left, sizeof left);
        opt_tail(&opts[i], tail, sizeof tail);
        printf("  %-22s %s%s%s%s\n", left, opts[i].help, tail[0] ? " (" : "", tail, tail[0] ? ")" : "");
    }
    printf("  %-22s %s\n", "--help, -h", "show this help");
}

int app_opt_value(const app_opt *o, const char *s, double *out, char *why, int whylen) {
    char *end;
    errno = 0;
    if (o->kind == APP_OPT_ENUM) {
        // the index of s among the choices
        size_t len = strlen(s);
        int k = 0;
        for (const char *c = o->choices; *c; k++) {
            const char *bar = strchr(c, '|');
            size_t cl = bar ? (size_t)(bar - c) : strlen(c);
            if (cl == len && len && !strncmp(c, s, len)) { *out = k; return 0; }
            if (!bar) break;
            c = bar + 1;
        }
        snprintf(why, (size_t)whylen, "one of %s", o->choices);
        return -1;
    }
    if (o->kind == APP_OPT_INT) {
        long long x = strtoll(s, &end, 10);
        if (end == s || *end || errno || (double)x < o->lo || (double)x > o->hi) {
            snprintf(why, (size_t)whylen, "an integer in [%.0f, %.0f]", o->lo, o->hi);
            return -1;
        }
        *out = (double)x;
        return 0;
    }
    double x = strtod(s, &end);
    if (end == s || *end || !isfinite(x) || !(x >= o->lo && x <= o->hi)) {
        snprintf(why, (size_t)whylen, "a number in [%g, %g]", o->lo, o->hi);
        return -1;
    }
    *out = x;
    return 0;
}

// Every typed value given, checked against its table entry.
static int check_values(const app_opt *opts, const app_args *a) {
    for (int j = 0; opts[j].name; j++) {
        const app_opt *o = &opts[j];
        if (!a->val[j] || (o->kind != APP_OPT_INT && o->kind != APP_OPT_NUM && o->kind != APP_OPT_ENUM)) continue;
        double x;
        char why[160];
        if (app_opt_value(o, a->val[j], &x, why, sizeof why)) {
            fprintf(stderr, "glimpse: --%s must be %s, got '%s'\n", o->name, why, a->val[j]);
            return -1;
        }
    }
    return 0;
}

int app_args_parse(int argc, char **argv, const app_opt *opts, const char *usage, app_args *a) {
    return app_args_parse_pos(argc, argv, opts, usage, a, 0);
}

static int find_index(const app_opt *opts, const char *name, size_t len) {
    for (int j = 0; opts[j].name && j < APP_MAXOPT; j++)
        if (strlen(opts[j].name) == len && !strncmp(opts[j].name, name, len)) return j;
    return -1;
}

int app_args_parse_pos(int argc, char **argv, const app_opt *opts, const char *usage, app_args *a, int max_pos) {
    memset(a, 0, sizeof *a);
    if (max_pos > APP_MAXPOS) max_pos = APP_MAXPOS;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) { app_args_help(opts, usage); return 1; }
        if (s[0] != '-' || s[1] == 0 || (s[1] >= '0' && s[1] <= '9')) {
            if (a->npos == max_pos) {
                if (max_pos == 0) fprintf(stderr, "glimpse: unexpected argument '%s' (see --help)\n", s);
                else fprintf(stderr, "glimpse: too many arguments (at most %d; '%s' is one too many)\n", max_pos, s);
                return -1;
            }
            a->pos[a->npos++] = s;
            continue;
        }
        const char *name = s + (s[1] == '-' ? 2 : 1);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int k = find_index(opts, name, len);
        if (k < 0) { fprintf(stderr, "glimpse: unknown option '%s' (see --help)\n", s); return -1; }
        if (opts[k].has_value) {
            if (eq) a->val[k] = eq + 1;
            else if (i + 1 < argc) a->val[k] = argv[++i];
            else { fprintf(stderr, "glimpse: option --%s needs a value\n", opts[k].name); return -1; }
        } else {
            if (eq) { fprintf(stderr, "glimpse: option --%s takes no value\n", opts[k].name); return -1; }
            a->val[k] = "1";
        }
    }
    return check_values(opts, a);
}

const app_opt *app_opt_find(const app_opt *opts, const char *name) {
    int k = find_index(opts, name, strlen(name));
    if (k >= 0) return &opts[k];
    fprintf(stderr, "glimpse: internal error: no option --%s\n", name);
    abort();
}

const char *app_arg(const app_args *a, const app_opt *opts, const char *name) {
    return a->val[app_opt_find(opts, name) - opts];
}

// The value given or the default, as a number (checked by the parse).
static double opt_number(const app_args *a, const app_opt *opts, const char *name) {
    const app_opt *o = app_opt_find(opts, name);
    const char *v = a->val[o - opts] ? a->val[o - opts] : o->dflt;
    if (!v) return 0;
    double x;
    char why[160];
    if (app_opt_value(o, v, &x, why, sizeof why)) {   // only a table's own default can get here
        fprintf(stderr, "glimpse: internal error: --%s's default '%s' is not %s\n", name, v, why);
        abort();
    }
    return x;
}

long app_opt_long(const app_args *a, const app_opt *opts, const char *name) { return (long)opt_number(a, opts, name); }
double app_opt_num(const app_args *a, const app_opt *opts, const char *name) { return opt_number(a, opts, name); }
int app_opt_flag(const app_args *a, const app_opt *opts, const char *name) { return app_arg(a, opts, name) != NULL; }
const char *app_opt_text(const app_args *a, const app_opt *opts, const char *name) {
    const app_opt *o = app_opt_find(opts, name);
    return a->val[o - opts] ? a->val[o - opts] : o->dflt;
}

int app_arg_int(const app_args *a, const app_opt *opts, const char *name, long lo, long hi, long dflt, long *out) {
    const char *v = app_arg(a, opts, name);
    if (!v) { *out = dflt; return 1; }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (*end || end == v || errno || x < lo || x > hi) {
        fprintf(stderr, "glimpse: --%s must be an integer in [%ld, %ld], got '%s'\n", name, lo, hi, v);
        return 0;
    }
    *out = x;
    return 1;
}

int app_arg_num(const app_args *a, const app_opt *opts, const char *name, double lo, double hi, double dflt,
                double *out) {
    const char *v = app_arg(a, opts, name);
    if (!v) { *out = dflt; return 1; }
    char *end;
    double x = strtod(v, &end);
    if (*end || end == v || !(x >= lo && x <= hi)) {
        fprintf(stderr, "glimpse: --%s must be a number in [%g, %g], got '%s'\n", name, lo, hi, v);
        return 0;
    }
    *out = x;
    return 1;
}
