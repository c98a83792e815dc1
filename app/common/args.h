// args: option parsing shared by every subcommand, from one table per
// command. Options are --name VALUE or --name=VALUE (single-letter names
// also -n VALUE) or bare flags; anything else starting with '-' is an error.
// --help / -h prints the usage and the option list.
//
// A table entry holds an option's name, kind, range, default and help: the
// --help text is made from it (the range and the default are written once,
// in the table) and so is the parsing: a number that is not one, or is out
// of its range, is a usage error naming the option, the value and the range.
// resume.h reads a checkpoint's numbers through the same entries, so a value
// a command line could not give cannot come in through a file either.
#ifndef GL_ARGS_H
#define GL_ARGS_H

typedef enum {
    GL_OPT_TEXT = 0,   // a value taken as it is (a path, a name)
    GL_OPT_FLAG,       // present or not
    GL_OPT_INT,        // a whole number in [lo, hi]
    GL_OPT_NUM,        // a finite number in [lo, hi]
    GL_OPT_ENUM,       // one of choices ("a|b|c")
} gl_opt_kind;

// The first three fields are the older form ({ name, has_value, help }),
// which still works: a value taken as text, or a flag.
typedef struct {
    const char *name;
    int has_value;
    const char *help;
    gl_opt_kind kind;
    double lo, hi;          // INT and NUM (integers up to 2^53 are exact)
    const char *dflt;       // the default as typed ("50", "2e-3"); NULL: none, or the help says it
    const char *choices;    // ENUM: "softmax|gaussian|feature"
} gl_opt;

#define GL_INT(n, lo, hi, d, h)  { n, 1, h, GL_OPT_INT, lo, hi, d, NULL }
#define GL_NUM(n, lo, hi, d, h)  { n, 1, h, GL_OPT_NUM, lo, hi, d, NULL }
#define GL_TEXT(n, h)            { n, 1, h, GL_OPT_TEXT, 0, 0, NULL, NULL }
#define GL_FLAG(n, h)            { n, 0, h, GL_OPT_FLAG, 0, 0, NULL, NULL }
#define GL_ENUM(n, ch, d, h)     { n, 1, h, GL_OPT_ENUM, 0, 0, d, ch }
#define GL_OPT_END               { NULL, 0, NULL, GL_OPT_TEXT, 0, 0, NULL, NULL }

#define GL_MAXPOS 16
#define GL_MAXOPT 64
typedef struct {
    const char *val[GL_MAXOPT];   // per option: value, "1" for a present flag, NULL if absent
    const char *pos[GL_MAXPOS];
    int npos;
} gl_args;

// Returns 0 on success, 1 when --help was printed, -1 (message printed) on
// error: an unknown option, a missing value, a number out of its range.
// opts ends with GL_OPT_END. usage is the first line(s) of --help.
// gl_args_parse accepts no positional argument (an extra word is an error,
// never silently ignored); gl_args_parse_pos at most max_pos of them.
int gl_args_parse(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a);
int gl_args_parse_pos(int argc, char **argv, const gl_opt *opts, const char *usage, gl_args *a, int max_pos);
// Prints the option list of opts (what --help shows after the usage).
void gl_args_help(const gl_opt *opts, const char *usage);
// The table entry of an option (aborts on a name the table lacks: a bug).
const gl_opt *gl_opt_find(const gl_opt *opts, const char *name);
const char *gl_arg(const gl_args *a, const gl_opt *opts, const char *name);   // NULL if absent

// Typed values of a table's options, checked when parsed: the command
// line's value, else the table's default (0 / NULL when it has none).
long gl_opt_long(const gl_args *a, const gl_opt *opts, const char *name);
double gl_opt_num(const gl_args *a, const gl_opt *opts, const char *name);
const char *gl_opt_text(const gl_args *a, const gl_opt *opts, const char *name);
int gl_opt_flag(const gl_args *a, const gl_opt *opts, const char *name);

// A number read against an option's range: 0 and *out set, or -1 with a
// message in buf ("an integer from 1 to 4096", what the value is not).
// Shared by the command line and resume.h.
int gl_opt_value(const gl_opt *o, const char *s, double *out, char *why, int whylen);

// Numeric option with a range given here (the older form, for tables
// without kinds); prints an error and returns 0 on a bad number.
int gl_arg_int(const gl_args *a, const gl_opt *opts, const char *name, long lo, long hi, long dflt, long *out);
int gl_arg_num(const gl_args *a, const gl_opt *opts, const char *name, double lo, double hi, double dflt, double *out);
#endif
