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
#ifndef APP_ARGS_H
#define APP_ARGS_H

typedef enum {
    APP_OPT_TEXT = 0,   // a value taken as it is (a path, a name)
    APP_OPT_FLAG,       // present or not
    APP_OPT_INT,        // a whole number in [lo, hi]
    APP_OPT_NUM,        // a finite number in [lo, hi]
    APP_OPT_ENUM,       // one of choices ("a|b|c")
} app_opt_kind;

// The first three fields are the older form ({ name, has_value, help }),
// which still works: a value taken as text, or a flag.
typedef struct {
    const char *name;
    int has_value;
    const char *help;
    app_opt_kind kind;
    double lo, hi;          // INT and NUM (integers up to 2^53 are exact)
    const char *dflt;       // the default as typed ("50", "2e-3"); NULL: none, or the help says it
    const char *choices;    // ENUM: "softmax|gaussian|feature"
} app_opt;

#define APP_INT(n, lo, hi, d, h)  { n, 1, h, APP_OPT_INT, lo, hi, d, NULL }
#define APP_NUM(n, lo, hi, d, h)  { n, 1, h, APP_OPT_NUM, lo, hi, d, NULL }
#define APP_TEXT(n, h)            { n, 1, h, APP_OPT_TEXT, 0, 0, NULL, NULL }
#define APP_FLAG(n, h)            { n, 0, h, APP_OPT_FLAG, 0, 0, NULL, NULL }
#define APP_ENUM(n, ch, d, h)     { n, 1, h, APP_OPT_ENUM, 0, 0, d, ch }
#define APP_OPT_END               { NULL, 0, NULL, APP_OPT_TEXT, 0, 0, NULL, NULL }

#define APP_MAXPOS 16
#define APP_MAXOPT 64
typedef struct {
    const char *val[APP_MAXOPT];   // per option: value, "1" for a present flag, NULL if absent
    const char *pos[APP_MAXPOS];
    int npos;
} app_args;

// Returns 0 on success, 1 when --help was printed, -1 (message printed) on
// error: an unknown option, a missing value, a number out of its range.
// opts ends with APP_OPT_END. usage is the first line(s) of --help.
// app_args_parse accepts no positional argument (an extra word is an error,
// never silently ignored); app_args_parse_pos at most max_pos of them.
int app_args_parse(int argc, char **argv, const app_opt *opts, const char *usage, app_args *a);
int app_args_parse_pos(int argc, char **argv, const app_opt *opts, const char *usage, app_args *a, int max_pos);
// Prints the option list of opts (what --help shows after the usage).
void app_args_help(const app_opt *opts, const char *usage);
// The table entry of an option (aborts on a name the table lacks: a bug).
const app_opt *app_opt_find(const app_opt *opts, const char *name);
const char *app_arg(const app_args *a, const app_opt *opts, const char *name);   // NULL if absent

// Typed values of a table's options, checked when parsed: the command
// line's value, else the table's default (0 / NULL when it has none).
long app_opt_long(const app_args *a, const app_opt *opts, const char *name);
double app_opt_num(const app_args *a, const app_opt *opts, const char *name);
const char *app_opt_text(const app_args *a, const app_opt *opts, const char *name);
int app_opt_flag(const app_args *a, const app_opt *opts, const char *name);

// A number read against an option's range: 0 and *out set, or -1 with a
// message in buf ("an integer from 1 to 4096", what the value is not).
// Shared by the command line and resume.h.
int app_opt_value(const app_opt *o, const char *s, double *out, char *why, int whylen);

// Numeric option with a range given here (the older form, for tables
// without kinds); prints an error and returns 0 on a bad number.
int app_arg_int(const app_args *a, const app_opt *opts, const char *name, long lo, long hi, long dflt, long *out);
int app_arg_num(const app_args *a, const app_opt *opts, const char *name, double lo, double hi, double dflt,
                double *out);
#endif
