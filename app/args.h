// args: option parsing shared by every subcommand. Options are --name VALUE
// or --name=VALUE (has_value) or bare flags; anything else starting with '-'
// is an error. --help / -h prints the usage and the option list.
#ifndef GL_ARGS_H
#define GL_ARGS_H
typedef struct { const char *name; int has_value; const char *help; } gl_opt;

#define GL_MAXPOS 16
typedef struct {
    const char *val[64];      // per option: value, "1" for a present flag, NULL if absent
    const char *pos[GL_MAXPOS];
    int npos;
} gl_args;

// Returns 0 on success, 1 when --help was printed, -1 (message printed) on error.
// opts ends with a {NULL} entry. usage is the first line(s) of --help.
// gl_args_parse accepts no positional argument (an extra word is an error,
// never silently ignored); gl_args_parse_pos at most max_pos of them.
int gl_args_parse(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a);
int gl_args_parse_pos(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a, int max_pos);
const char *gl_arg(const gl_args *a, const gl_opt *opts, const char *name);   // NULL if absent
// Numeric option with a default; prints an error and returns 0 on a bad number.
int gl_arg_int(const gl_args *a, const gl_opt *opts, const char *name, long lo, long hi, long dflt, long *out);
int gl_arg_num(const gl_args *a, const gl_opt *opts, const char *name, double lo, double hi, double dflt, double *out);
#endif
