#include "args.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_help(const gl_opt *opts, const char *usage) {
    printf("%s\n", usage);
    if (opts[0].name) printf("\nOptions:\n");
    for (int i = 0; opts[i].name; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s", opts[i].name, opts[i].has_value ? " V" : "");
        printf("  %-22s %s\n", left, opts[i].help);
    }
    printf("  %-22s %s\n", "--help, -h", "show this help");
}

int gl_args_parse(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a) {
    return gl_args_parse_pos(argc, argv, opts, usage, a, 0);
}

int gl_args_parse_pos(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a, int max_pos) {
    memset(a, 0, sizeof *a);
    if (max_pos > GL_MAXPOS) max_pos = GL_MAXPOS;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) { print_help(opts, usage); return 1; }
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
        int k = -1;
        for (int j = 0; opts[j].name; j++)
            if (strlen(opts[j].name) == len && !strncmp(opts[j].name, name, len)) { k = j; break; }
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
    return 0;
}

const char *gl_arg(const gl_args *a, const gl_opt *opts, const char *name) {
    for (int j = 0; opts[j].name; j++) if (!strcmp(opts[j].name, name)) return a->val[j];
    fprintf(stderr, "glimpse: internal error: no option --%s\n", name);
    abort();
}

int gl_arg_int(const gl_args *a, const gl_opt *opts, const char *name, long lo, long hi, long dflt, long *out) {
    const char *v = gl_arg(a, opts, name);
    if (!v) { *out = dflt; return 1; }
    char *end;
    long x = strtol(v, &end, 10);
    if (*end || end == v || x < lo || x > hi) {
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
