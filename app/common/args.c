#include "args.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// "--batch N" or, for a single letter, "-o V" (both spellings parse).
static void opt_left(const gl_opt *o, char *buf, size_t n) {
    static const char *metavar[] = { [GL_OPT_TEXT] = "V", [GL_OPT_FLAG] = "", [GL_OPT_INT] = "N",
                                     [GL_OPT_NUM] = "X", [GL_OPT_ENUM] = "V" };
    const char *mv = o->has_value ? metavar[o->kind == GL_OPT_FLAG ? GL_OPT_TEXT : o->kind] : "";
    snprintf(buf, n, "%s%s%s%s", o->name[1] ? "--" : "-", o->name, *mv ? " " : "", mv);
}

// The range and default a table holds, said after the option's own help:
// "(1..4096; default 50)".
static void opt_tail(const gl_opt *o, char *buf, size_t n) {
    buf[0] = 0;
    if (o->kind == GL_OPT_INT) snprintf(buf, n, "%.0f..%.0f", o->lo, o->hi);
    else if (o->kind == GL_OPT_NUM) snprintf(buf, n, "%g..%g", o->lo, o->hi);
    else if (o->kind == GL_OPT_ENUM) snprintf(buf, n, "%s", o->choices);
    if (o->dflt) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%sdefault %s", k ? "; " : "", o->dflt);
    }
}

void gl_args_help(const gl_opt *opts, const char *usage) {
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

int gl_opt_value(const gl_opt *o, const char *s, double *out, char *why, int whylen) {
    char *end;
    errno = 0;
    if (o->kind == GL_OPT_ENUM) {
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
    if (o->kind == GL_OPT_INT) {
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
static int check_values(const gl_opt *opts, const gl_args *a) {
    for (int j = 0; opts[j].name; j++) {
        const gl_opt *o = &opts[j];
        if (!a->val[j] || (o->kind != GL_OPT_INT && o->kind != GL_OPT_NUM && o->kind != GL_OPT_ENUM)) continue;
        double x;
        char why[160];
        if (gl_opt_value(o, a->val[j], &x, why, sizeof why)) {
            fprintf(stderr, "glimpse: --%s must be %s, got '%s'\n", o->name, why, a->val[j]);
            return -1;
        }
    }
    return 0;
}

int gl_args_parse(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a) {
    return gl_args_parse_pos(argc, argv, opts, usage, a, 0);
}

static int find_index(const gl_opt *opts, const char *name, size_t len) {
    for (int j = 0; opts[j].name && j < GL_MAXOPT; j++)
        if (strlen(opts[j].name) == len && !strncmp(opts[j].name, name, len)) return j;
    return -1;
}

int gl_args_parse_pos(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a, int max_pos) {
    memset(a, 0, sizeof *a);
    if (max_pos > GL_MAXPOS) max_pos = GL_MAXPOS;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) { gl_args_help(opts, usage); return 1; }
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

const gl_opt *gl_opt_find(const gl_opt *opts, const char *name) {
    int k = find_index(opts, name, strlen(name));
    if (k >= 0) return &opts[k];
    fprintf(stderr, "glimpse: internal error: no option --%s\n", name);
    abort();
}

const char *gl_arg(const gl_args *a, const gl_opt *opts, const char *name) {
    return a->val[gl_opt_find(opts, name) - opts];
}

// The value given or the default, as a number (checked by the parse).
static double opt_number(const gl_args *a, const gl_opt *opts, const char *name) {
    const gl_opt *o = gl_opt_find(opts, name);
    const char *v = a->val[o - opts] ? a->val[o - opts] : o->dflt;
    if (!v) return 0;
    double x;
    char why[160];
    if (gl_opt_value(o, v, &x, why, sizeof why)) {   // only a table's own default can get here
        fprintf(stderr, "glimpse: internal error: --%s's default '%s' is not %s\n", name, v, why);
        abort();
    }
    return x;
}

long gl_opt_long(const gl_args *a, const gl_opt *opts, const char *name) { return (long)opt_number(a, opts, name); }
double gl_opt_num(const gl_args *a, const gl_opt *opts, const char *name) { return opt_number(a, opts, name); }
int gl_opt_flag(const gl_args *a, const gl_opt *opts, const char *name) { return gl_arg(a, opts, name) != NULL; }
const char *gl_opt_text(const gl_args *a, const gl_opt *opts, const char *name) {
    const gl_opt *o = gl_opt_find(opts, name);
    return a->val[o - opts] ? a->val[o - opts] : o->dflt;
}

int gl_arg_int(const gl_args *a, const gl_opt *opts, const char *name, long lo, long hi, long dflt, long *out) {
    const char *v = gl_arg(a, opts, name);
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

int gl_arg_num(const gl_args *a, const gl_opt *opts, const char *name, double lo, double hi, double dflt, double *out) {
    const char *v = gl_arg(a, opts, name);
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
